"""Without any Chromium, browser tests skip loudly outside CI and fail in CI."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from . import conftest as browser_conftest


def test_a_missing_browser_skips_outside_ci_and_fails_in_ci(playwright_driver, monkeypatch):
    if Path(playwright_driver.chromium.executable_path).exists():
        pytest.skip("Playwright's own Chromium is installed here: a browser is always found")
    monkeypatch.setattr(browser_conftest, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(browser_conftest.shutil, "which", lambda name: None)

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="NO BROWSER"):
        browser_conftest.launch_chromium(playwright_driver)

    monkeypatch.setenv("CI", "true")
    try:
        browser_conftest.launch_chromium(playwright_driver)
    except PlaywrightError:
        pass  # the failure CI must show
    except pytest.skip.Exception:
        pytest.fail("with CI=true a missing browser must fail, not skip")
    else:
        pytest.fail("a browser was launched although none is there")
