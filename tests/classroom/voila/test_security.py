"""The Voila page lets a learner use the dashboard and nothing more (each test against the
real server): no template switching, no tracebacks, and the kernel bound to its browser.
What both engines guarantee (no code execution, no file downloads, the token, nothing a
learner enters kept) is tested on both in test_classroom_guarantees.py."""

from __future__ import annotations

import asyncio

import pytest
from tornado.httpclient import HTTPClientError

from tests.voila_client import COOKIES, KernelSession, cookie_value, fetch_page, is_update_of, run

from .http_util import get
from .test_hardening import internal_details, settle


async def _session(server, token=None):
    _, kernel_id, _ = fetch_page(server.url, token=token)
    session = await KernelSession.connect(server.url, kernel_id, token=token)
    await session.request_states()
    return session


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


def test_the_token_alone_is_not_the_learners_browser(with_token):
    """Beyond the login (tested on both engines in test_classroom_guarantees.py), Voila binds
    each kernel to the browser whose page started it: the token alone is not that browser."""
    _, kernel_id, _ = fetch_page(with_token.url, token=with_token.token)
    browser_only = f"aml_browser={cookie_value(COOKIES[kernel_id], 'aml_browser')}"

    async def attempt(cookie):
        session = await KernelSession.connect(
            with_token.url, kernel_id, token=with_token.token, cookie=cookie
        )
        await session.request_states(30)
        await session.close()

    with pytest.raises(HTTPClientError) as error:
        run(attempt(""))
    assert error.value.code == 404
    run(attempt(browser_only))
