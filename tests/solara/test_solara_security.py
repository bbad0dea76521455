"""The Solara engine keeps the class-mode guarantees of the Voila mode (each test against a
real ``serve --engine solara`` server): localhost only unless asked, the token, only the
page served, no code execution, the plain-message guard, caps, the idle cull, and nothing a
learner enters (nor any kernel or page id) in the terminal."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import psutil
import pytest
import websockets

from aml_teach.serve_solara import FULL_CLASS, NEEDS_TOKEN, NOT_HERE, TOO_MANY_TABS, WRONG_HOST

from .client import Learner, fetch_page, is_update_of, raw_get, run
from .servers import ROOT, start_solara, stop

FRIENDLY = 'class="aml-message"'


def test_it_listens_on_this_computer_only(solara_server):
    listening = [
        c.laddr.ip
        for c in psutil.Process(solara_server.process.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening and all(ip in ("127.0.0.1", "::1") for ip in listening), listening


def test_a_page_asked_for_under_another_host_name_is_refused(solara_server):
    """DNS rebinding: a web page elsewhere cannot reach the localhost server by its name."""
    port = solara_server.port
    status, body = raw_get(port, "/", {"Host": f"attacker.example:{port}"})
    assert status == 403 and WRONG_HOST in body.replace("&#x27;", "'")
    status, body = raw_get(port, "/", {"Host": f"localhost:{port}"})
    assert status == 200 and "solara" in body.lower()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/resourcez"),
        ("GET", "/readyz"),
        ("POST", "/_solara/api/evict/abc"),
        ("GET", "/_solara/auth/login"),
        ("GET", "/pyproject.toml"),
        ("GET", "/notebooks/dashboard.ipynb"),
        ("GET", "/data/options.csv"),
        ("GET", "/api/contents"),
        ("GET", "/jupyter/api/contents"),
        ("GET", "/static/../pyproject.toml"),
        ("GET", "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd"),
        ("GET", "/static/public/..%2f..%2f..%2fpyproject.toml"),
        ("GET", "/_solara/cdn/..%2f..%2f..%2f..%2fetc%2fpasswd"),
        ("GET", "/jupyter/nbextensions/..%2f..%2f..%2fetc%2fpasswd"),
        ("GET", "/static/assets/..%2f..%2f..%2f..%2fetc%2fpasswd"),
        ("PUT", "/"),
        ("DELETE", "/jupyter/api/kernels/abc"),
    ],
)
def test_only_the_dashboard_is_served(solara_server, method, path):
    status, body = raw_get(solara_server.port, path, method=method)
    assert status in (404, 400), (status, body[:300])
    assert "root:" not in body and "[project]" not in body and '"cells"' not in body
    assert "kernel" not in body.lower() or NOT_HERE in body


def test_the_page_and_its_assets_are_served(solara_server):
    status, body = raw_get(solara_server.port, "/")
    assert status == 200
    status, script = raw_get(
        solara_server.port, "/_solara/cdn/@widgetti/solara-vuetify-app@10.1.1/dist/main8.css"
    )
    assert status == 200 and len(script) > 1000


def test_execute_request_is_refused(solara_server, tmp_path):
    marker = tmp_path / f"executed-{uuid.uuid4().hex}"

    async def attempt():
        learner = await Learner.open(solara_server.url)
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
        region = learner.options_region()
        await learner.update(learner.find_by_description("FLT3 mutation"), value=True)
        update = await learner.wait_for(is_update_of({region}), 60)
        await learner.close()
        return update

    update = run(attempt())
    assert "gilteritinib" in update["content"]["data"]["state"]["value"].lower()
    assert not marker.exists(), "code sent by a client was executed"


PRIOR = "Treatments already given (Ctrl or Shift to pick several)"
# (widget label, what a hostile browser sends, words the message must hold, a good value after)
HOSTILE = [
    ("Age (years)", {"value": -1}, "Age", {"value": 64}),
    ("Age (years)", {"value": "seventy"}, "whole number", {"value": 64}),
    ("Remission lasted (months)", {"value": "forever"}, "a number", {"value": 20.0}),
    ("Fit for intensive chemotherapy", {"value": "yes"}, "ticked", {"value": False}),
    ("Disease", {"index": 7}, "listed choices", {"index": 1}),
    ("Teaching case", {"index": 999}, "listed choices", {"index": 1}),
    (PRIOR, {"index": "all"}, "choices from the list", {"index": [1]}),
]


@pytest.mark.parametrize(
    ("label", "state", "words", "good"), HOSTILE, ids=[f"{h[0][:12]}={h[1]}" for h in HOSTILE]
)
def test_hostile_value_gets_the_plain_message_and_the_page_keeps_working(
    solara_server, label, state, words, good
):
    async def attempt():
        learner = await Learner.open(solara_server.url)
        region = learner.options_region()
        await learner.update(learner.find_by_description(label), **state)
        message = await learner.wait_for(
            lambda m: (
                is_update_of({region})(m)
                and FRIENDLY in str(m["content"]["data"]["state"].get("value", ""))
            ),
            20,
        )
        await learner.update(learner.find_by_description(label), **good)
        await learner.wait_for(
            lambda m: (
                is_update_of({region})(m)
                and "apply</strong>" in m["content"]["data"]["state"].get("value", "")
            ),
            60,
        )
        await asyncio.sleep(0.3)
        await learner.close()
        return message, learner.received

    message, received = run(attempt())
    text = message["content"]["data"]["state"]["value"]
    assert words.lower() in text.lower()
    for msg in received:
        content = str(msg.get("content", ""))
        assert "Traceback" not in content and 'File "' not in content, content[:400]


def test_the_token_is_required_when_set(solara_with_token):
    server = solara_with_token
    for path in ("/", "/?token=wrong-token", "/_solara/cdn/requirejs@2.3.6/require.js"):
        page = fetch_page(server.url, path)
        assert page.status == 403, path
        assert NEEDS_TOKEN.replace("'", "&#x27;") in page.body and "solara" not in page.body
    page = fetch_page(server.url, "/", token=server.token)
    assert page.status == 200 and "solara" in page.body.lower()
    cookie = f"aml-teach-token-{server.port}"
    assert cookie in page.cookies
    again = fetch_page(server.url, "/", headers={"Cookie": f"{cookie}={page.cookies[cookie]}"})
    assert again.status == 200  # the cookie alone lets the page load its assets and websocket

    async def websocket(cookies):
        learner = await Learner.open(server.url, cookies=cookies)
        await learner.close()
        return learner

    without = {k: v for k, v in page.cookies.items() if k != cookie}
    with pytest.raises(websockets.InvalidStatus) as refused:
        run(websocket(without))
    assert refused.value.response.status_code == 403
    assert run(websocket(page.cookies)).states  # with the cookie: the whole page arrives


def test_a_websocket_from_another_site_is_refused(solara_server):
    page = fetch_page(solara_server.url)

    async def attempt(origin):
        learner = await Learner.open(solara_server.url, cookies=page.cookies, origin=origin)
        await learner.close()

    with pytest.raises(websockets.InvalidStatus):
        run(attempt("http://attacker.example"))
    run(attempt(f"http://127.0.0.1:{solara_server.port}"))


def _files_under(folder: Path) -> dict[str, float]:
    skip = {".git", "test-artifacts", "__pycache__", ".pytest_cache", ".hypothesis", ".venv"}
    return {
        str(p): p.stat().st_mtime
        for p in folder.rglob("*")
        if p.is_file() and not skip.intersection(p.parts)
    }


def test_nothing_a_learner_enters_nor_any_id_reaches_the_terminal(solara_server):
    secret = 73_193
    before = _files_under(ROOT)

    async def learner():
        one = await Learner.open(solara_server.url)
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
    log = solara_server.log_text()
    assert str(secret) not in log
    assert one.kernel_id not in log and one.page_id not in log
    assert "session" not in log.lower() and "kernel" not in log.lower(), log[-2000:]
    assert _files_under(ROOT) == before, "the server wrote files in the project"


def test_two_learners_are_isolated(solara_server):
    """Two virtual kernels in one process: separate widgets, separate values, no cross-talk."""

    async def attempt():
        a = await Learner.open(solara_server.url)
        b = await Learner.open(solara_server.url)
        assert not set(a.states) & set(b.states), "two learners share widget models"
        region_a, region_b = a.options_region(), b.options_region()
        flt3_a = a.find_by_description("FLT3 mutation")
        await a.update(flt3_a, value=True)
        changed = await a.wait_for(is_update_of({region_a}), 60)
        with pytest.raises(TimeoutError):
            await b.wait_for(lambda m: m.get("msg_type") == "comm_msg", 3)
        # a hostile learner names the other learner's widget: nothing happens to the other
        await a.update(b.find_by_description("FLT3 mutation"), value=True)
        with pytest.raises(TimeoutError):
            await b.wait_for(is_update_of({region_b}), 3)
        flt3_b = b.states[b.find_by_description("FLT3 mutation")]["state"]["value"]
        await b.update(b.find_by_description("Fit for intensive chemotherapy"), value=False)
        other = await b.wait_for(is_update_of({region_b}), 60)
        await a.close()
        await b.close()
        return changed, other, flt3_b

    changed, other, flt3_b = run(attempt())
    assert "gilteritinib" in changed["content"]["data"]["state"]["value"].lower()
    assert flt3_b is False
    assert "gilteritinib" not in other["content"]["data"]["state"]["value"].lower()


def test_caps_per_client_and_for_the_class():
    """Two pages per address and three in all; a closed page frees its place."""
    server = start_solara("caps", "--max-learners", "3", "--max-per-client", "2")

    async def attempt():
        first = [await Learner.open(server.url, source="127.0.0.2") for _ in range(2)]
        page = await asyncio.to_thread(fetch_page, server.url, "/", None, "127.0.0.2")
        assert page.status == 503, page.status
        assert TOO_MANY_TABS.format(cap=2) in page.body
        with pytest.raises(websockets.InvalidStatus):
            await Learner.connect(server.url, {}, source="127.0.0.2")
        third = await Learner.open(server.url, source="127.0.0.3")
        page = await asyncio.to_thread(fetch_page, server.url, "/", None, "127.0.0.4")
        assert page.status == 503 and FULL_CLASS.format(count=3, cap=3) in page.body
        await first[0].close()
        deadline = time.monotonic() + 20
        while (
            await asyncio.to_thread(fetch_page, server.url, "/", None, "127.0.0.4")
        ).status != 200:
            assert time.monotonic() < deadline, "a closed page did not free its place"
            await asyncio.sleep(0.2)
        fourth = await Learner.open(server.url, source="127.0.0.4")
        for learner in (first[1], third, fourth):
            await learner.close()

    try:
        run(attempt())
    finally:
        stop(server.process)


def test_an_idle_learner_is_culled_and_cannot_resume_that_page():
    server = start_solara("cull", "--cull-idle", "2")

    async def attempt():
        idle = await Learner.open(server.url)
        idle_since = time.monotonic()  # its last message to the server was before this
        busy = await Learner.open(server.url)
        region = busy.options_region()
        fit = busy.find_by_description("Fit for intensive chemotherapy")
        started = time.monotonic()
        closed = False
        value = True
        while time.monotonic() - started < 20 and not closed:
            value = not value
            await busy.update(fit, value=value)  # the busy learner keeps working
            await busy.wait_for(is_update_of({region}), 30)
            try:  # read all the idle page got (a culled page first gets a comm_close per
                # widget), so the busy learner clicks about twice a second, as a person would
                while not closed:
                    closed = await idle.next_message(0.5) is None
            except TimeoutError:
                pass
        culled_after = time.monotonic() - idle_since
        with pytest.raises(websockets.InvalidStatus):
            await Learner.connect(server.url, {}, kernel_id=idle.kernel_id)
        await busy.close()
        return closed, culled_after

    try:
        closed, culled_after = run(attempt())
    finally:
        stop(server.process)
    assert closed, "the idle learner's page was not culled within 20 s"
    assert culled_after >= 1.5, culled_after


def test_bad_data_stops_the_solara_server_with_the_problem(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "aml_teach", "serve", "--engine", "solara", "--no-browser",
         "--data", str(tmp_path / "no-such-folder")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Not starting: the teaching data" in result.stderr
