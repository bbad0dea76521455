"""One JupyterHub on localhost for the hub tests, with the deployment's own configuration.

Needs root (students' servers run as their own system users) and npm (configurable-http-
proxy is installed into .hub-tools/ when missing). Without root or npm the suite skips with
the reason, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from ..browser.conftest import (  # noqa: F401 - the report hook keeps failure screenshots
    ARTIFACTS,
    finish,
    launch_chromium,
    pytest_runtest_makereport,
)
from .hubctl import Hub, HubError

CULL_TIMEOUT = 40  # seconds: short, so the culling test waits about a minute
CULL_EVERY = 5


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def hub() -> Iterator[Hub]:
    try:
        hub = Hub(cull_timeout=CULL_TIMEOUT, cull_every=CULL_EVERY)
    except HubError as error:
        if _in_ci():
            pytest.fail(str(error))
        pytest.skip(f"hub tests need this machine's setup: {error}")
    try:
        hub.start()
        yield hub
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        if hub.log.exists():
            (ARTIFACTS / "hub.log").write_text(hub.log.read_text(errors="replace"))
        hub.cleanup()


@pytest.fixture(scope="session")
def hub_browser(playwright_driver: object) -> Iterator[object]:
    chromium = launch_chromium(playwright_driver)
    yield chromium
    chromium.close()


@pytest.fixture
def hub_page(hub_browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh browser context (its own cookies: one student) and page."""
    context = hub_browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)
    yield page
    finish(page, context, request)
