"""The served page lets a learner use the dashboard and nothing more (each test against the
real server): no code execution, no file downloads, no template switching, no tracebacks,
a token when asked for, and nothing a learner enters kept."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from tests.voila_client import COOKIES, KernelSession, cookie_value, fetch_page, is_update_of, run

from .http_util import get
from .test_hardening import internal_details, settle

ROOT = Path(__file__).resolve().parents[2]


async def _session(server, token=None):
    _, kernel_id, _ = fetch_page(server.url, token=token)
    session = await KernelSession.connect(server.url, kernel_id, token=token)
    await session.request_states()
    return session


def test_execute_request_is_refused(classroom, tmp_path):
    marker = tmp_path / f"executed-{uuid.uuid4().hex}"

    async def attempt():
        session = await _session(classroom)
        await session.send(
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
            await session.wait_for(
                lambda m: m.get("msg_type") in ("execute_reply", "execute_input"), 5
            )
        # the page still works for that learner afterwards
        region = session.find("HTMLModel", _dom_classes=["aml-options"])
        await session.update(
            session.find_by_description("Fit for intensive chemotherapy"), value=False
        )
        update = await session.wait_for(is_update_of({region}), 60)
        await session.close()
        return update

    update = run(attempt())
    assert "option" in update["content"]["data"]["state"]["value"]
    assert not marker.exists(), "code sent by a client was executed"


# Each refusal is exact: the file handler refuses (403) what Voila redirects to it, and an
# unknown template path is not found (404); a 500 would be a failure.
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/notebooks/dashboard.ipynb", 403),
        ("/dashboard.ipynb", 403),
        ("/voila/files/dashboard.ipynb", 403),
        ("/voila/files/notebooks/dashboard.ipynb", 403),
        ("/voila/files/01-start-here.ipynb", 403),
        ("/voila/render/01-start-here.ipynb", 403),
        ("/voila/files/../data/options.csv", 403),
        ("/voila/files/..%2fdata%2foptions.csv", 403),
        ("/voila/files/%2e%2e/%2e%2e/data/options.csv", 403),
        ("/voila/files/%252e%252e%252fdata%252foptions.csv", 403),
        ("/voila/files/..%5cdata%5coptions.csv", 403),
        ("/data/options.csv", 403),
        ("/../data/options.csv", 403),
        ("/%2e%2e/data/options.csv", 403),
        ("/voila/files/../aml_teach/__init__.py", 403),
        ("/aml_teach/patient.py", 403),
        ("/voila/files/../pyproject.toml", 403),
        ("/voila/static/../../../../etc/passwd", 403),
        ("/voila/templates/aml/../../../../../data/options.csv", 404),
        ("/api/contents", 403),
        ("/api/contents/data/options.csv", 403),
        ("/tree", 403),
        ("/lab", 403),
        ("/api/kernels", 403),
        ("/api/sessions", 403),
        ("/api/terminals", 403),
    ],
)
def test_only_the_dashboard_is_served(classroom, path, status):
    answered, body = get(classroom.port, path)
    assert answered == status, f"{path} answered {answered}"
    for secret in (
        "option,name,category",
        '"nbformat"',
        "import ",
        "root:x:0:0",
        "[project]",
        "kernelId",
    ):
        assert secret not in body, f"{path} leaked {secret!r}"


def test_dashboard_page_is_served(classroom):
    status, body = get(classroom.port, "/")
    assert status == 200 and "kernelId" in body


@pytest.mark.parametrize(
    "query",
    [
        "?template=classic",
        "?template=reveal",
        "?theme=dark",
        "?template=../../../etc&theme=dark",
        "?voila-template=lab",
    ],
)
def test_template_and_theme_overrides_are_ignored(classroom, query):
    status, body = get(classroom.port, "/" + query)
    assert status == 200
    assert "aml-status" in body  # still the classroom template
    assert "theme-dark" not in body and "reveal.js" not in body.lower()


def test_tracebacks_never_reach_the_page(classroom):
    """Values that break the rules, sent to guarded and unguarded widgets alike, give a plain
    message at most: never a traceback or a server path, read until the kernel has handled
    them all (test_hardening.py covers malformed comm messages)."""

    async def attempt():
        session = await _session(classroom)
        region = session.find("HTMLModel", _dom_classes=["aml-options"])
        await session.update(session.find_by_description("Age (years)"), value=-1)
        update = await session.wait_for(is_update_of({region}), 60)
        for model_id, model in session.states.items():
            if model["model_name"] in ("HTMLModel", "LayoutModel", "BoxModel", "VBoxModel"):
                await session.update(model_id, **{next(iter(model["state"])): [1, {"x": 2}]})
                await asyncio.sleep(0.1)  # within the server's message rate
        received = await settle(session)
        await session.close()
        return update, received

    update, received = run(attempt())
    assert "Age" in update["content"]["data"]["state"]["value"]
    assert internal_details(received) == []
    status, body = get(classroom.port, "/voila/templates/no-such/static/x.js")
    assert status == 404
    assert "Traceback" not in body and 'File "' not in body


def test_token_is_required_when_set(with_token):
    status, body = get(with_token.port, "/", follow=0)
    assert status in (302, 401, 403), status
    for query in ("/", "/?token=wrong-token", "/voila/render/dashboard.ipynb"):
        status, body = get(with_token.port, query)  # redirects lead to the login form
        assert "kernelId" not in body, query
    status, body = get(with_token.port, f"/?token={with_token.token}")
    assert status == 200 and "kernelId" in body


def test_websocket_without_token_is_refused(with_token):
    """The kernel websocket needs the login (token or its cookie) and the page's browser."""
    _, kernel_id, _ = fetch_page(with_token.url, token=with_token.token)
    page_cookies = COOKIES[kernel_id]
    browser_only = f"aml_browser={cookie_value(page_cookies, 'aml_browser')}"

    async def attempt(token, cookie):
        session = await KernelSession.connect(with_token.url, kernel_id, token=token, cookie=cookie)
        await session.request_states(30)
        await session.close()

    for token, cookie, status in (
        (None, "", 403),  # not logged in (checked first)
        (with_token.token, "", 404),  # the token alone is not the learner's browser
        (None, browser_only, 403),  # the learner's browser, not logged in
    ):
        with pytest.raises(HTTPClientError) as error:
            run(attempt(token, cookie))
        assert error.value.code == status, (token, cookie)
    run(attempt(with_token.token, browser_only))
    run(attempt(None, page_cookies))  # the login cookie and the browser cookie


def _files_under(folder: Path) -> dict[str, float]:
    return {
        str(p): p.stat().st_mtime
        for p in folder.rglob("*")
        if p.is_file()
        and ".git" not in p.parts
        and "test-artifacts" not in p.parts
        and "__pycache__" not in p.parts
        and ".pytest_cache" not in p.parts
        and ".hypothesis" not in p.parts
        and ".venv" not in p.parts
    }


def test_nothing_a_learner_enters_is_stored_or_logged(classroom):
    secret = 73_193
    before = _files_under(ROOT)

    async def learner():
        session = await _session(classroom)
        region = session.find("HTMLModel", _dom_classes=["aml-options"])
        age = session.find_by_description("Age (years)")
        for widget, value in (
            (age, secret),
            (age, 61),
            (session.find_by_description("Remission lasted (months)"), float(secret)),
        ):
            await session.update(widget, value=value)
            await session.wait_for(is_update_of({region}), 60)
        await session.close()

    run(learner())
    assert str(secret) not in classroom.log_text()
    assert _files_under(ROOT) == before, "the server wrote files in the project"
