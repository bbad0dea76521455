"""The class-mode guarantees, each checked on both engines (Voila and Solara).

Each test runs against a real server of each engine (tests/engines.py: Voila in class mode
with the pool on, Solara offline), with and without a token where it matters: only this
computer's names are answered, only the dashboard is served, no code runs, every hostile
value gets the plain message and the page keeps working, the token is needed when set,
a websocket from another site is refused, the cookies stay on this site, and nothing a
learner enters (nor any id or the token) reaches the terminal or the disk. Where the two
engines answer with different (but exact) statuses, the tables below say so.
Engine-specific guarantees stay with their engine: tests/classroom/voila/test_hardening.py,
test_security.py (Voila kernels, pool, query socket) and
tests/classroom/solara/test_solara_security.py.
"""

from __future__ import annotations

import asyncio
import html
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from aml_teach.classroom import solara_gate as solara_caps
from aml_teach.classroom import voila_classroom as voila_caps
from aml_teach.classroom.policy import lan_addresses
from aml_teach.classroom.solara_gate import NEEDS_TOKEN, NOT_HERE, WRONG_HOST, WRONG_NAME
from tests.classroom.solara.servers import start_solara
from tests.classroom.voila.conftest import start
from tests.engines import ENGINES, Engine, Refused, serving
from tests.page_client import get, is_update_of, request, run

ROOT = Path(__file__).resolve().parents[2]
KERNEL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
FRIENDLY = 'class="aml-message"'
FIT = "Fit for intensive chemotherapy"
PRIOR = "Treatments already given (tick each one)"


# Every server the shared tests use, by id: the Voila mode runs in class mode (with the pool),
# the Solara mode on this computer only and, for the host names, in class mode too.
SERVERS = {
    "voila": ("voila", "classroom"),
    "voila-token": ("voila", "with_token"),
    "solara": ("solara", "solara_server"),
    "solara-token": ("solara", "solara_with_token"),
    "solara-class": ("solara", "solara_class"),
}


def _server(request: pytest.FixtureRequest) -> Engine:
    name, fixture = SERVERS[request.param]
    return Engine(name, request.getfixturevalue(fixture))


@pytest.fixture(params=["voila", "voila-token", "solara", "solara-token"])
def any_engine_server(request: pytest.FixtureRequest) -> Engine:
    """Each engine's server, without and with a token."""
    return _server(request)


def _shown(text: str) -> str:
    """A plain message as the page's HTML carries it."""
    return html.escape(text)


# -- Host names (DNS rebinding) -----------------------------------------------------------------

# Voila answers an unknown host as tornado does for a host no handler serves; Solara's gate
# with its plain page.
REFUSED_HOST = {
    "voila": (404, "404: Not Found"),
    "voila-token": (404, "404: Not Found"),
    "solara": (403, _shown(WRONG_HOST)),
    "solara-token": (403, _shown(WRONG_HOST)),
    "solara-class": (403, _shown(WRONG_NAME)),
}


@pytest.fixture(params=list(SERVERS))
def every_server(request: pytest.FixtureRequest) -> tuple[str, Engine]:
    """Each server of the table above, with its id."""
    return request.param, _server(request)


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:80", "attacker.test:8866", "127.0.0.1:1@evil"]
)
def test_an_unknown_host_name_is_refused(every_server, host):
    """A page elsewhere cannot reach the server under its own name (DNS rebinding); the
    names it prints (and in class mode this computer's network addresses) are answered."""
    server_id, server = every_server
    refused = server.visit(token=server.token, Host=host)
    status, words = REFUSED_HOST[server_id]
    if "@" in host and server_id.startswith("voila"):  # tornado: not a host name at all
        status, words = 400, ""
    assert (refused.status, words in refused.body) == (status, True), refused.body[-300:]
    assert not server.is_dashboard(refused.body)
    names = ["localhost", "127.0.0.1"]
    if server_id in ("voila", "voila-token", "solara-class"):  # class mode: the room's address
        names += lan_addresses()[:1]
    for name in names:
        page = server.visit(token=server.token, Host=f"{name}:{server.port}")
        assert page.status == 200 and server.is_dashboard(page.body), name


# -- Only the dashboard is served ---------------------------------------------------------------

# (method, path, Voila's status, Solara's status). Voila sends a path outside its own to the
# file handler, which refuses it (403); Solara's gate answers anything but the page, its
# assets and its websocket with a plain "not here" (404). A 500 is a failure, never a refusal.
PATHS = [
    ("GET", "/notebooks/dashboard.ipynb", 403, 404),
    ("GET", "/dashboard.ipynb", 403, 404),
    ("GET", "/voila/files/dashboard.ipynb", 403, 404),
    ("GET", "/voila/files/notebooks/dashboard.ipynb", 403, 404),
    ("GET", "/voila/files/01-start-here.ipynb", 403, 404),
    ("GET", "/voila/render/01-start-here.ipynb", 403, 404),
    ("GET", "/voila/files/../data/options.csv", 403, 404),
    ("GET", "/voila/files/..%2fdata%2foptions.csv", 403, 404),
    ("GET", "/voila/files/%2e%2e/%2e%2e/data/options.csv", 403, 404),
    ("GET", "/voila/files/%252e%252e%252fdata%252foptions.csv", 403, 404),
    ("GET", "/voila/files/..%5cdata%5coptions.csv", 403, 404),
    ("GET", "/data/options.csv", 403, 404),
    ("GET", "/../data/options.csv", 403, 404),
    ("GET", "/%2e%2e/data/options.csv", 403, 404),
    ("GET", "/voila/files/../aml_teach/__init__.py", 403, 404),
    ("GET", "/aml_teach/patient.py", 403, 404),
    ("GET", "/voila/files/../pyproject.toml", 403, 404),
    ("GET", "/pyproject.toml", 403, 404),
    ("GET", "/voila/static/../../../../etc/passwd", 403, 404),
    ("GET", "/voila/templates/aml/../../../../../data/options.csv", 404, 404),
    ("GET", "/api/contents", 403, 404),
    ("GET", "/api/contents/data/options.csv", 403, 404),
    ("GET", "/jupyter/api/contents", 403, 404),
    ("GET", "/tree", 403, 404),
    ("GET", "/lab", 403, 404),
    ("GET", "/api/kernels", 403, 404),
    ("GET", "/api/sessions", 403, 404),
    ("GET", "/api/terminals", 403, 404),
    ("GET", "/voila/templates/anything", 404, 404),
    ("GET", "/voila/templates/aml", 404, 404),
    ("GET", "/voila/templates/aml/static", 404, 404),
    ("GET", "/voila/templates/no-such/static/x.js", 404, 404),
    ("GET", "/voila/templates/aml/nostatic/x.js", 404, 404),
    ("GET", "/voila/templates/aml/static/../../../etc/passwd", 404, 404),
    ("GET", "/api/kernels/00000000-0000-0000-0000-000000000000", 404, 404),
    ("GET", "/resourcez", 403, 404),
    ("GET", "/readyz", 403, 404),
    ("GET", "/_solara/auth/login", 403, 404),
    ("GET", "/static/../pyproject.toml", 403, 404),
    ("GET", "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 403, 404),
    ("GET", "/static/public/..%2f..%2f..%2fpyproject.toml", 403, 404),
    ("GET", "/_solara/cdn/..%2f..%2f..%2f..%2fetc%2fpasswd", 403, 404),
    ("GET", "/jupyter/nbextensions/..%2f..%2f..%2fetc%2fpasswd", 403, 404),
    ("GET", "/static/assets/..%2f..%2f..%2f..%2fetc%2fpasswd", 403, 404),
    ("POST", "/_solara/api/evict/abc", 403, 404),
    ("POST", "/_solara/api/close/abc", 403, 404),  # not the page's beacon: no session_id
    ("PUT", "/", 403, 404),
    ("DELETE", "/jupyter/api/kernels/abc", 403, 404),
    ("DELETE", "/api/kernels/00000000-0000-0000-0000-000000000000", 403, 404),
]
SECRETS = (
    "option,name,category",
    '"nbformat"',
    '"cells"',
    "import ",
    "root:x:0:0",
    "[project]",
    "Traceback",
    "site-packages",
)


@pytest.mark.parametrize(
    ("method", "path", "voila", "solara"), PATHS, ids=[f"{m} {p}" for m, p, *_ in PATHS]
)
def test_only_the_dashboard_is_served(engine_server, method, path, voila, solara):
    """Nothing of the project (data, notebooks, code) nor of the machine is served, every
    refusal is exact (redirects within the server are followed, as a browser would)."""
    if method == "GET":
        status, body = get(engine_server.port, path)
    else:
        status, _, body = request(engine_server.port, method, path, body=b"")
    wanted = {"voila": voila, "solara": solara}[engine_server.name]
    assert status == wanted, f"{method} {path} answered {status}: {body[:300]}"
    for secret in SECRETS:
        assert secret not in body, f"{path} leaked {secret!r}"
    assert not engine_server.is_dashboard(body)
    if engine_server.name == "solara":  # the gate's plain page, or Starlette's for its assets
        assert _shown(NOT_HERE) in body or body == "Not Found", body[:300]


def test_the_dashboard_page_is_served(engine_server):
    page = engine_server.visit()
    assert page.status == 200 and engine_server.is_dashboard(page.body)


# -- No code runs -------------------------------------------------------------------------------


def test_execute_request_is_refused(engine_server, tmp_path):
    marker = tmp_path / f"executed-{uuid.uuid4().hex}"

    async def attempt():
        learner = await engine_server.open_learner()
        await learner.send(
            "execute_request",
            {
                "code": f"open({str(marker)!r}, 'w').write('x')",
                "silent": False,
                "store_history": False,
                "user_expressions": {},
                "allow_stdin": False,
            },
        )
        with pytest.raises(TimeoutError):
            await learner.wait_for(
                lambda m: m.get("msg_type") in ("execute_reply", "execute_input", "stream"), 5
            )
        # the page still works for that learner afterwards
        region = learner.options_region()
        await learner.update(learner.find_by_description("FLT3 mutation"), value=True)
        update = await learner.wait_for(is_update_of({region}), 60)
        await learner.close()
        return update

    update = run(attempt())
    assert "gilteritinib" in update["content"]["data"]["state"]["value"].lower()
    assert not marker.exists(), "code sent by a client was executed"


# -- Hostile values: the plain message, and the page keeps working ------------------------------

# (widget label, what a hostile browser sends, words the message must hold, a good value after)
HOSTILE = [
    ("Age (years)", {"value": -1}, "Age", {"value": 64}),
    ("Age (years)", {"value": 10**12}, "Age", {"value": 64}),
    ("Age (years)", {"value": "seventy"}, "whole number", {"value": 64}),
    ("Age (years)", {"value": None}, "whole number", {"value": 64}),
    ("Remission lasted (months)", {"value": 1e300}, "remission", {"value": 20.0}),
    ("Remission lasted (months)", {"value": -3.0}, "remission", {"value": 20.0}),
    ("Remission lasted (months)", {"value": "forever"}, "a number", {"value": 20.0}),
    (FIT, {"value": "yes"}, "ticked", {"value": False}),
    ("FLT3 mutation", {"value": "true"}, "ticked", {"value": True}),
    ("Disease", {"index": 7}, "listed choices", {"index": 1}),
    ("Teaching case", {"index": 999}, "listed choices", {"index": 1}),
    (PRIOR, {"value": ["no-such-option"]}, "choices from the list", {"value": ["MEC"]}),
    (PRIOR, {"value": "all"}, "choices from the list", {"value": ["FLAG"]}),
]


@pytest.mark.parametrize(
    ("label", "state", "words", "good"), HOSTILE, ids=[f"{h[0][:12]}={h[1]}" for h in HOSTILE]
)
def test_hostile_value_gets_the_plain_message_and_the_page_keeps_working(
    engine_server, label, state, words, good
):
    async def attempt():
        learner = await engine_server.open_learner()
        region = learner.options_region()
        await learner.update(learner.find_by_description(label), **state)
        message = await learner.wait_for(
            lambda m: (
                is_update_of({region})(m)
                and FRIENDLY in str(m["content"]["data"]["state"].get("value", ""))
            ),
            20,
        )
        # the same learner can carry on: a valid value brings the options back
        await learner.update(learner.find_by_description(label), **good)
        await learner.wait_for(
            lambda m: (
                is_update_of({region})(m)
                and "apply</strong>" in m["content"]["data"]["state"].get("value", "")
            ),
            60,
        )
        await asyncio.sleep(0.5)
        await learner.close()
        return message, learner.received

    message, received = run(attempt())
    text = message["content"]["data"]["state"]["value"]
    assert words.lower() in text.lower()
    for msg in received:
        content = str(msg.get("content", ""))
        assert "Traceback" not in content and 'File "' not in content, content[:400]


# -- The token ------------------------------------------------------------------------------------

# Voila sends a browser without the token to its login form; Solara's gate answers with the
# plain page that says what to open.
NO_TOKEN = {"voila": 302, "solara": 403}
LOGIN_COOKIE = {"voila": "username-127-0-0-1-{port}", "solara": "aml-teach-token-{port}"}


def test_the_token_is_required_when_set(engine_with_token):
    server = engine_with_token
    for path in (
        "/",
        "/?token=wrong-token",
        "/voila/render/dashboard.ipynb",
        "/_solara/cdn/requirejs@2.3.6/require.js",
    ):
        refused = server.visit(path)
        assert refused.status == NO_TOKEN[server.name], (path, refused.status)
        assert not server.is_dashboard(refused.body), path
        if server.name == "solara":
            assert _shown(NEEDS_TOKEN) in refused.body
        status, body = get(server.port, path)  # where a redirect leads: the login form
        assert not server.is_dashboard(body), path
    page = server.visit(token=server.token)
    assert page.status == 200 and server.is_dashboard(page.body)
    login = LOGIN_COOKIE[server.name].format(port=server.port)
    assert login in page.cookies
    # the cookie alone lets the page load again (its assets and websocket need it)
    again = server.visit(Cookie=f"{login}={page.cookies[login]}")
    assert again.status == 200 and server.is_dashboard(again.body)

    async def websocket(cookies):
        learner = await server.connect(page, cookies)
        await learner.close()
        return learner

    without = {name: value for name, value in page.cookies.items() if name != login}
    for cookies in ({}, without):
        with pytest.raises(Refused) as refused:
            run(websocket(cookies))
        assert refused.value.status == 403, sorted(cookies)
    assert run(websocket(page.cookies)).states  # with the login cookie: the whole page


# -- Websockets from other sites ------------------------------------------------------------------


def test_a_websocket_from_another_site_is_refused(any_engine_server):
    server = any_engine_server
    page = server.visit(token=server.token)

    async def attempt(origin):
        learner = await server.connect(page, page.cookies, origin=origin)
        await learner.close()
        return learner

    with pytest.raises(Refused) as refused:
        run(attempt("http://attacker.example"))
    assert refused.value.status == 403
    assert run(attempt(f"http://127.0.0.1:{server.port}")).states


# -- Cookies --------------------------------------------------------------------------------------


def test_cookies_stay_on_this_site_and_no_server_version_is_sent(any_engine_server):
    server = any_engine_server
    query = f"/?token={server.token}" if server.token else "/"
    status, headers, body = request(server.port, "GET", query)
    assert status == 200 and server.is_dashboard(body)
    cookies = headers.get("set-cookie", [])
    assert cookies
    for cookie in cookies:
        assert re.search(r"SameSite=(Lax|Strict)", cookie, re.IGNORECASE), cookie
    login = LOGIN_COOKIE[server.name].format(port=server.port)
    for cookie in cookies:
        if cookie.startswith(login + "="):
            assert "HttpOnly" in cookie, cookie
    assert "server" not in headers


# -- Caps: a plain page, and a closed tab frees its place ---------------------------------------

# (status, words) of the refusal for a device with too many pages, and for a full class.
TOO_MANY_TABS = {
    "voila": (429, voila_caps.TOO_MANY_TABS[0]),
    "solara": (503, _shown(solara_caps.TOO_MANY_TABS.format(cap=2))),
}
FULL_CLASS = {
    "voila": (503, voila_caps.FULL_PAGE[0]),
    "solara": (503, _shown(solara_caps.FULL_CLASS.format(count=3, cap=3))),
}


@pytest.fixture(params=ENGINES)
def capped_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """Each engine with a class of 3 and 2 pages per device (its own server: the test fills it)."""
    if request.param == "voila":
        caps = ("--max-kernels", "3", "--max-kernels-per-client", "2")
        server = start("capped-both", "--class", "--pool", "1", *caps)
    else:
        server = start_solara("capped-both", "--max-learners", "3", "--max-per-client", "2")
    for running in serving(server):
        yield Engine(request.param, running)


def test_caps_give_a_plain_page_and_a_closed_tab_frees_its_place(capped_engine):
    server = capped_engine

    def refused(source: str, status_and_words: tuple[int, str]) -> None:
        page = server.visit(source=source)
        assert (page.status, status_and_words[1] in page.body) == (status_and_words[0], True), (
            page.status,
            page.body[-300:],
        )
        assert "<script" not in page.body and not server.is_dashboard(page.body)

    async def attempt():
        device = [await server.open_learner("127.0.0.2") for _ in range(2)]
        refused("127.0.0.2", TOO_MANY_TABS[server.name])
        other = await server.open_learner("127.0.0.3")
        refused("127.0.0.4", FULL_CLASS[server.name])
        await server.close_tab(device[0])
        deadline = time.monotonic() + 20
        while server.visit(source="127.0.0.5").status != 200:  # a page that does not connect
            assert time.monotonic() < deadline, "a closed tab did not free its place"
            await asyncio.sleep(0.2)
        for learner in (device[1], other):
            await server.close_tab(learner)
        # the places are free again for a whole new page
        again = await server.open_learner("127.0.0.4")
        update = await options_changed(again)
        await again.close()
        return update

    assert "gilteritinib" in run(attempt())["content"]["data"]["state"]["value"].lower()


async def options_changed(learner) -> dict:
    """Tick FLT3 and wait for the options to follow: the page works."""
    region = learner.options_region()
    await learner.update(learner.find_by_description("FLT3 mutation"), value=True)
    return await learner.wait_for(is_update_of({region}), 60)


# -- Nothing a learner enters, no id, no token: in the terminal or on the disk ---------------------


def _files_under(folder: Path) -> dict[str, float]:
    skip = {".git", "test-artifacts", "__pycache__", ".pytest_cache", ".hypothesis", ".venv"}
    return {
        str(p): p.stat().st_mtime
        for p in folder.rglob("*")
        if p.is_file() and not skip.intersection(p.parts)
    }


# What each engine's own libraries would print about sessions and kernels, silenced here.
CHATTER = {
    "voila": ("not trusted", "connection files", "kernel started", "pre-heated"),
    "solara": ("session", "kernel"),
}


# Escape codes, CR and LF, percent-encoded in paths and queries, raw in bodies, headers and
# comm messages: a student must not be able to forge a line on the projected terminal.
EVIL = "%1b[31mFORGED%0d%0aFAKE-LINE%1b[0m"
RAW = "\x1b[31mFORGED\r\nFAKE-LINE\x1b[0m"
# a path for every handler of either engine (the other engine refuses it: also a handler)
EVIL_REQUESTS = [
    ("GET", f"/{EVIL}"),
    ("GET", f"/?x={EVIL}"),
    ("GET", f"/voila/static/..%2f..%2f{EVIL}"),
    ("GET", f"/voila/templates/aml/static/{EVIL}"),
    ("GET", f"/voila/files/{EVIL}"),
    ("GET", f"/voila/query/{EVIL}"),
    ("POST", f"/voila/api/shutdown/{EVIL}"),
    ("GET", f"/api/kernels/{EVIL}"),
    ("GET", f"/api/kernels/{EVIL}/channels"),
    ("GET", f"/static/{EVIL}"),
    ("GET", f"/login?next={EVIL}"),
    ("GET", f"/logout?{EVIL}"),
    ("GET", f"/favicon.ico?{EVIL}"),
    ("GET", f"/aml-live/kernel/state?since={EVIL}"),
    ("POST", f"/aml-live/kernel/answer?{EVIL}"),
    ("GET", f"/aml-live/instructor?key={EVIL}"),
    ("GET", f"/aml-live/instructor/state?since={EVIL}"),
    ("POST", "/aml-live/instructor/action"),
    ("GET", f"/_solara/cdn/{EVIL}"),
    ("POST", f"/_solara/api/close/{EVIL}?session_id={EVIL}"),
    ("GET", f"/jupyter/api/kernels/{EVIL}/channels"),
    ("GET", f"/jupyter/nbextensions/{EVIL}"),
    ("GET", f"/static/assets/{EVIL}"),
]


def _send_evil(engine: Engine) -> None:
    """Every request above, from another device and from this computer, with the token and
    without, with escape codes in the headers and a body of them."""
    evil = {"User-Agent": "\x1b[31mUA", "Referer": "http://x/\x1b[2J", "X-Note": "\x1b]0;t\x07"}
    body = ('{"page": "%s", "action": "%s"}' % (RAW, RAW)).encode()  # noqa: UP031
    for method, path in EVIL_REQUESTS:
        for source in ("127.0.0.2", "127.0.0.1"):
            for token in {None, engine.token}:
                query = f"{'&' if '?' in path else '?'}token={token}" if token else ""
                sent = body if method == "POST" else None
                for headers in ({}, evil):  # (tornado refuses the latter as a bad request)
                    request(engine.port, method, path + query, dict(headers), sent, source=source)


def _forged_lines(log: str) -> list[str]:
    """Lines a student wrote: an escape code, a carriage return, or a line of their own."""
    found = [line for line in log.split("\n") if "\x1b" in line or "\r" in line]
    return found + re.findall(r"^\W*FAKE-LINE.*$", log, re.M)


def test_nothing_a_learner_enters_nor_any_id_reaches_the_terminal(any_engine_server):
    """Nothing a learner enters, no id, and no line a browser forges reaches the terminal:
    escape codes, CR and LF sent to every handler (paths, queries, headers, bodies, comm
    targets and ids) from another device arrive, at most, replaced and on one line."""
    engine_server = any_engine_server
    secret = 73_193
    before = _files_under(ROOT)
    _send_evil(engine_server)

    async def learner():
        one = await engine_server.open_learner(source="127.0.0.2")
        await one.send("comm_open", {"comm_id": RAW, "target_name": RAW, "data": {RAW: RAW}})
        await one.send("comm_msg", {"comm_id": RAW, "data": {"method": RAW}})
        await one.send("comm_msg", {"comm_id": one.options_region(), "data": {"method": RAW}})
        region = one.options_region()
        age = one.find_by_description("Age (years)")
        for widget, value in (
            (age, secret),
            (age, f"{secret} years"),  # refused by the guard: a plain message
            (age, 61),
            (one.find_by_description("Remission lasted (months)"), float(secret)),
        ):
            await one.update(widget, value=value)
            await one.wait_for(is_update_of({region}), 60)
        await one.close()
        return one

    one = run(learner())
    time.sleep(1)
    log = engine_server.log_text()
    assert not _forged_lines(log), _forged_lines(log)[:5]
    assert str(secret) not in log
    for learner_id in engine_server.ids(one):
        assert learner_id not in log
    assert not KERNEL_ID.findall(log), KERNEL_ID.findall(log)[:3]
    for chatter in CHATTER[engine_server.name]:
        assert chatter not in log.lower(), chatter
    assert _files_under(ROOT) == before, "the server wrote files in the project"


def test_the_token_is_only_in_the_banner_s_addresses(engine_with_token):
    """The token is printed in the address to share, and nowhere else in the terminal."""
    server = engine_with_token
    server.visit(token=server.token)
    request(server.port, "GET", f"/no/such/page?token={server.token}")
    request(server.port, "GET", f"/voila/files/x?token={server.token}")
    time.sleep(1)
    lines = [line for line in server.log_text().splitlines() if server.token in line]
    assert lines, "the banner lost the address to share"
    address = re.compile(r"https?://[^\s?]+/\?token=" + re.escape(server.token) + r"(?=\s|$)")
    for line in lines:  # the requests with the token above are not logged
        assert server.token not in address.sub("", line), line
