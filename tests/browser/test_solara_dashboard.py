"""The dashboard's browser tests, run again against the Solara engine, and what only it needs.

The imported tests are the very functions of test_dashboard_browser.py; in this module
``server_url`` is a ``serve --engine solara`` server (started offline, tests/solara/servers.py)
instead of the Voila one. Left out: the two about Voila's kernels (a closed kernel's
message, the tab-close shutdown); the cull and isolation tests below stand in for them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.solara.servers import SolaraServer, start_solara, stop

from .conftest import open_dashboard
from .test_dashboard_browser import (  # noqa: F401 - collected here as well
    option,
    test_a_case_preset_loads,
    test_a_marker_brings_its_drug,
    test_a_phone_screen_shows_the_options_without_sideways_scrolling,
    test_an_invalid_value_gives_a_friendly_message,
    test_an_option_beyond_the_source_page_is_marked,
    test_change_of_fitness_swaps_the_pathways,
    test_refractory_disease_disables_the_remission_length,
    test_the_disclaimer_and_numbered_references_are_on_the_page,
    test_the_excluded_switch_explains,
    test_the_keyboard_alone_can_change_a_factor,
    test_the_page_works_with_no_internet,
    test_the_prognostic_index_follows_the_factors,
    test_the_schedule_viewer_draws,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def solara_server() -> Iterator[SolaraServer]:
    server = start_solara("browser")
    try:
        yield server
    finally:
        stop(server.process)


@pytest.fixture(scope="module")
def server_url(solara_server: SolaraServer) -> str:
    """The dashboard tests ask for ``server_url``: in this module, the Solara engine's."""
    return f"http://localhost:{solara_server.port}/"


def test_the_page_makes_no_request_outside_the_server(browser, server_url):
    """Every request the page makes, websocket included, goes to this server, and all succeed."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    seen: list[str] = []
    failed: list[str] = []
    port = server_url.rstrip("/").rsplit(":", 1)[1]

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
        region = open_dashboard(page, server_url)
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


def test_the_page_looks_like_the_voila_one(page, server_url):
    """Title and introduction, bold text, unindented cards, no third-party badge."""
    region = open_dashboard(page, server_url)
    expect(page).to_have_title("Relapsed and refractory AML: the class dashboard")
    expect(page.locator("h1")).to_have_text("Relapsed and refractory AML: the class dashboard")
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


def test_two_learners_in_two_browsers_are_isolated(browser, server_url):
    """One learner's choices never show in another's page, though one process serves both."""
    contexts = [browser.new_context(viewport={"width": 1366, "height": 900}) for _ in range(2)]
    try:
        first, second = (context.new_page() for context in contexts)
        one, two = open_dashboard(first, server_url), open_dashboard(second, server_url)
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
