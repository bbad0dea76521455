"""What only the Solara engine needs checking, in Chromium.

The dashboard's own browser tests (test_dashboard_browser.py) and the accessibility check
already run against both engines through ``dashboard_url``; here ``solara_url`` is the
``serve --engine solara`` server (started offline, tests/classroom/solara/servers.py): no request
leaves the server, the page looks like the Voila one, two learners in one process are
isolated, and an idle page is culled (these stand in for the Voila-only kernel tests).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.classroom.solara.servers import start_solara, stop

from .conftest import open_dashboard
from .test_dashboard_browser import option

pytestmark = pytest.mark.browser


def test_the_page_makes_no_request_outside_the_server(browser, solara_url):
    """Every request the page makes, websocket included, goes to this server, and all succeed."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    seen: list[str] = []
    failed: list[str] = []
    port = solara_url.rstrip("/").rsplit(":", 1)[1]

    def record(route):
        seen.append(route.request.url)
        if route.request.url.split("/")[2] == f"localhost:{port}":
            route.continue_()
        else:
            route.abort("internetdisconnected")

    context.route("**/*", record)
    page = context.new_page()
    page.on("requestfailed", lambda request: failed.append(request.url))
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    try:
        region = open_dashboard(page, solara_url)
        page.get_by_label("FLT3 mutation", exact=True).check()
        expect(option(region, "gilteritinib")).to_have_count(1)
        outside = [
            url
            for url in seen + sockets
            if not url.startswith(("data:", "blob:")) and url.split("/")[2] != f"localhost:{port}"
        ]
        assert outside == [], f"the page reached outside the server: {outside}"
        assert failed == [], f"requests of the page failed: {failed}"
        assert len(seen) > 5 and sockets, (seen, sockets)  # the assets were really seen
    finally:
        context.close()


def test_the_page_looks_like_the_voila_one(page, solara_url):
    """Title and introduction, bold text, unindented cards, no third-party badge."""
    region = open_dashboard(page, solara_url)
    expect(page).to_have_title("Relapsed and refractory AML: the class dashboard")
    expect(page.locator("h1:visible")).to_have_text(
        "Relapsed and refractory AML: the class dashboard")
    expect(page.locator(".aml-intro")).to_contain_text("Educational only: not a prescribing tool")
    expect(page.locator(".aml-disclaimer strong")).to_have_css("font-weight", "700")
    expect(region.locator(".aml-count strong")).to_have_css("font-weight", "700")
    expect(region.locator("ul.aml-options-list").first).to_have_css("padding-left", "0px")
    card = region.locator("li.aml-option").first
    expect(card).to_have_css("border-top-style", "solid")
    assert card.bounding_box()["x"] - region.bounding_box()["x"] < 2, "the cards are indented"
    expect(page.locator('a[href*="solara.dev"]')).to_have_count(0)
    expect(page.get_by_text("runs on Solara")).to_have_count(0)
    expect(page.get_by_text("Made with Solara")).to_have_count(0)


def test_two_learners_in_two_browsers_are_isolated(browser, solara_url):
    """One learner's choices never show in another's page, though one process serves both."""
    contexts = [browser.new_context(viewport={"width": 1366, "height": 900}) for _ in range(2)]
    try:
        first, second = (context.new_page() for context in contexts)
        one, two = open_dashboard(first, solara_url), open_dashboard(second, solara_url)
        first.get_by_label("FLT3 mutation", exact=True).check()
        expect(option(one, "gilteritinib")).to_have_count(1)
        second.get_by_label("Fit for intensive chemotherapy", exact=True).uncheck()
        expect(option(two, "azacitidine+venetoclax")).to_have_count(1)
        expect(option(two, "gilteritinib")).to_have_count(0)
        expect(second.get_by_label("FLT3 mutation", exact=True)).not_to_be_checked()
        expect(first.get_by_label("Fit for intensive chemotherapy", exact=True)).to_be_checked()
        expect(option(one, "7+3")).to_have_count(1)
    finally:
        for context in contexts:
            context.close()


def test_an_idle_page_is_culled_and_a_reload_gives_a_fresh_one(browser):
    server = start_solara("browser-cull", "--cull-idle", "5")
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        url = f"http://localhost:{server.port}/"
        region = open_dashboard(page, url)
        page.get_by_label("FLT3 mutation", exact=True).check()
        expect(option(region, "gilteritinib")).to_have_count(1)
        expect(page.get_by_text("Server disconnected")).to_be_visible(timeout=30_000)
        page.reload()
        region = open_dashboard(page, url)
        expect(page.get_by_label("FLT3 mutation", exact=True)).not_to_be_checked()
        expect(option(region, "gilteritinib")).to_have_count(0)
    finally:
        context.close()
        stop(server.process)
