"""The served page lets a learner use the dashboard and nothing more (each test against the
real server): no code execution, no file downloads, no template switching, no tracebacks,
a token when asked for, and nothing a learner enters kept."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

from tests.voila_client import KernelSession, fetch_page, is_update_of, run

from .http_util import get

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


@pytest.mark.parametrize(
    "path",
    [
        "/notebooks/dashboard.ipynb",
        "/dashboard.ipynb",
        "/voila/files/dashboard.ipynb",
        "/voila/files/notebooks/dashboard.ipynb",
        "/voila/files/01-start-here.ipynb",
        "/voila/render/01-start-here.ipynb",
        "/voila/files/../data/options.csv",
        "/voila/files/..%2fdata%2foptions.csv",
        "/voila/files/%2e%2e/%2e%2e/data/options.csv",
        "/voila/files/%252e%252e%252fdata%252foptions.csv",
        "/voila/files/..%5cdata%5coptions.csv",
        "/data/options.csv",
        "/../data/options.csv",
        "/%2e%2e/data/options.csv",
        "/voila/files/../aml_teach/__init__.py",
        "/aml_teach/patient.py",
        "/voila/files/../pyproject.toml",
        "/voila/static/../../../../etc/passwd",
        "/voila/templates/aml/../../../../../data/options.csv",
        "/api/contents",
        "/api/contents/data/options.csv",
        "/tree",
        "/lab",
        "/api/kernels",
        "/api/sessions",
        "/api/terminals",
    ],
)
def test_only_the_dashboard_is_served(classroom, path):
    status, body = get(classroom.port, path)
    assert status >= 400, f"{path} answered {status}"
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
    """A value that breaks the rules gives a plain message, never a traceback."""

    async def attempt():
        session = await _session(classroom)
        region = session.find("HTMLModel", _dom_classes=["aml-options"])
        await session.update(session.find_by_description("Age (years)"), value=-1)
        update = await session.wait_for(is_update_of({region}), 60)
        await asyncio.sleep(1)
        await session.close()
        return update, session.received

    update, received = run(attempt())
    assert "Age" in update["content"]["data"]["state"]["value"]
    for message in received:
        text = str(message.get("content", ""))
        assert "Traceback" not in text and "PatientError" not in text, text[:500]
    status, body = get(classroom.port, "/voila/render/no-such.ipynb")
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
    _, kernel_id, _ = fetch_page(with_token.url, token=with_token.token)

    async def attempt(token):
        session = await KernelSession.connect(with_token.url, kernel_id, token=token)
        await session.request_states(30)
        await session.close()

    with pytest.raises(Exception) as error:
        run(attempt(None))
    assert "403" in str(error.value) or "401" in str(error.value)
    run(attempt(with_token.token))


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
