"""Faults during class, in a real browser: a student's kernel dies, the server restarts.

Each test runs its own server (the README's serve command) so it can break it.
"""

from __future__ import annotations

import os
import signal

import pytest
from playwright.sync_api import expect

from benchmarks.procinfo import kernel_pid_for
from tests.classroom.voila.conftest import start

from .conftest import ARTIFACTS, RENDER_TIMEOUT_MS, open_dashboard, stop

pytestmark = pytest.mark.browser

FLAG = 'li.aml-option[data-option="FLAG"]'


def _kernel_id(page) -> str:
    return page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    return context, page


def _screenshot_on_failure(request, pages) -> None:
    report = getattr(request.node, "report_call", None)
    if report is None or report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for name, page in pages.items():
            try:
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{name}.png"))
            except Exception as error:  # noqa: BLE001 - keep the real failure visible
                print(f"could not save a screenshot: {error}")


def test_a_killed_kernel_is_explained_and_other_students_carry_on(browser, request):
    server = start("kernel-kill", "--pool", "0")
    contexts = []
    pages = {}
    try:
        for name in ("victim", "classmate"):
            context, page = _new_page(browser)
            contexts.append(context)
            pages[name] = page
            open_dashboard(page, server.url)
        victim, classmate = pages["victim"], pages["classmate"]
        pid = kernel_pid_for(server.process.pid, _kernel_id(victim))
        assert pid is not None, "the victim's kernel process was not found"
        os.kill(pid, signal.SIGKILL)

        status = victim.locator("#aml-status")
        expect(status).to_be_visible(timeout=30_000)
        expect(status).to_contain_text("Your session on the class server stopped")
        expect(status.get_by_role("button", name="Reload the page")).to_be_visible()

        region = classmate.locator(".aml-options")
        expect(region.locator(FLAG)).to_have_count(1)
        classmate.get_by_label("Fit for intensive chemotherapy", exact=True).click()
        expect(region.locator(FLAG)).to_have_count(0)
        expect(classmate.locator("#aml-status")).to_have_count(0)

        status.get_by_role("button", name="Reload the page").click()
        region = victim.locator(".aml-options")
        region.locator(".aml-count").wait_for(timeout=RENDER_TIMEOUT_MS)
        victim.get_by_label("Fit for intensive chemotherapy", exact=True).click()
        expect(region.locator(FLAG)).to_have_count(0)
    finally:
        _screenshot_on_failure(request, pages)
        for context in contexts:
            context.close()
        stop(server.process)


def test_a_server_restart_is_explained_and_reloading_works(browser, request):
    server = start("restart", "--pool", "0")
    context, page = _new_page(browser)
    pages = {"student": page}
    try:
        open_dashboard(page, server.url)
        stop(server.process)

        status = page.locator("#aml-status")
        expect(status).to_be_visible(timeout=30_000)
        expect(status).to_contain_text("connection to the class server was lost")

        server = start("restart", "--pool", "0", port=server.port)
        page.reload()
        region = page.locator(".aml-options")
        region.locator(".aml-count").wait_for(timeout=RENDER_TIMEOUT_MS)
        expect(page.locator("#aml-status")).to_have_count(0)
        page.get_by_label("Fit for intensive chemotherapy", exact=True).click()
        expect(region.locator(FLAG)).to_have_count(0)
    finally:
        _screenshot_on_failure(request, pages)
        context.close()
        stop(server.process)
