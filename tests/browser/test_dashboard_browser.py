"""The dashboard in Chromium, used as a student would: clicks, typing, choosing.

Each test runs against both engines (``dashboard_url``: the Voila mode, then
``serve --engine solara``); the last two are about Voila's kernels and run against it alone.

Every assertion looks at the options region (or the schedule or EPI region), never at the
whole page's text, which would already hold the words before any click.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from aml_teach import regimen_schedule

from .conftest import ARTIFACTS, open_dashboard

pytestmark = pytest.mark.browser


def option(region, option_id: str):
    return region.locator(f'li.aml-option[data-option="{option_id}"]')


def test_change_of_fitness_swaps_the_pathways(page, dashboard_url):
    region = open_dashboard(page, dashboard_url)
    expect(option(region, "FLAG")).to_have_count(1)
    expect(option(region, "azacitidine+venetoclax")).to_have_count(0)
    expect(region.get_by_role("heading", name="Intensive chemotherapy")).to_be_visible()

    page.get_by_label("Fit for intensive chemotherapy", exact=True).click()

    expect(option(region, "FLAG")).to_have_count(0)
    expect(option(region, "azacitidine+venetoclax")).to_have_count(1)
    expect(region.get_by_role("heading", name="Less intensive chemotherapy")).to_be_visible()
    expect(option(region, "azacitidine+venetoclax")).to_contain_text(
        "not fit for intensive chemotherapy"
    )


def test_a_marker_brings_its_drug(page, dashboard_url):
    region = open_dashboard(page, dashboard_url)
    expect(option(region, "gilteritinib")).to_have_count(0)

    page.get_by_label("FLT3 mutation", exact=True).check()

    drug = option(region, "gilteritinib")
    expect(drug).to_have_count(1)
    expect(drug).to_contain_text("a FLT3 mutation")
    expect(drug.locator(".aml-sources a").first).to_have_attribute("href", "#ref-ccs-2024")


def test_transplant_type_and_white_count_change_the_options(page, dashboard_url):
    region = open_dashboard(page, dashboard_url)
    expect(option(region, "dli")).to_have_count(0)
    expect(option(region, "leukapheresis")).to_have_count(0)

    transplant = page.get_by_label("Earlier stem cell transplant", exact=True)
    transplant.select_option(label="Autologous (own stem cells)")
    expect(option(region, "dli")).to_have_count(0)
    transplant.select_option(label="Allogeneic (from a donor)")
    expect(option(region, "dli")).to_have_count(1)
    expect(option(region, "dli")).to_contain_text("allogeneic stem cell transplant")

    count = page.get_by_label("White cell count (10^9/L, blank if not known)", exact=True)
    count.fill("150")
    count.press("Enter")
    expect(option(region, "leukapheresis")).to_have_count(1)
    expect(option(region, "leukapheresis")).to_contain_text("150 x 10^9/L")


def test_an_option_beyond_the_source_page_is_marked(page, dashboard_url):
    region = open_dashboard(page, dashboard_url)
    page.get_by_label("IDH2 mutation", exact=True).check()
    enasidenib = option(region, "enasidenib")
    expect(enasidenib.locator(".aml-badge")).to_have_text("★ Beyond the source page")
    expect(option(region, "FLAG").locator(".aml-badge")).to_have_count(0)


def test_a_case_preset_loads(page, dashboard_url):
    region = open_dashboard(page, dashboard_url)
    expect(option(region, "gilteritinib")).to_have_count(0)

    page.get_by_label("Teaching case", exact=True).select_option(index=3)

    expect(page.get_by_label("Age (years)", exact=True)).to_have_value("79")
    expect(page.get_by_label("Fit for intensive chemotherapy", exact=True)).not_to_be_checked()
    expect(page.get_by_label("FLT3 mutation", exact=True)).to_be_checked()
    expect(page.locator(".aml-case-story")).to_contain_text("Case 3")
    expect(option(region, "gilteritinib")).to_have_count(1)
    expect(option(region, "FLAG")).to_have_count(0)
    # azacitidine with venetoclax was given and the remission lasted 8 months: neither it nor a
    # similar regimen (another hypomethylating agent, venetoclax) is offered again
    expect(option(region, "azacitidine+venetoclax")).to_have_count(0)
    expect(option(region, "decitabine+venetoclax")).to_have_count(0)
    expect(option(region, "clofarabine-li")).to_have_count(1)


def test_the_excluded_switch_explains(page, dashboard_url):
    region = open_dashboard(page, dashboard_url)
    expect(region.locator(".aml-excluded")).to_have_count(0)

    page.get_by_label("Show what doesn't apply, and why", exact=True).check()

    excluded = region.locator("section.aml-excluded-list")
    expect(excluded.get_by_role("heading", name="What doesn't apply, and why")).to_be_visible()
    azacitidine = excluded.locator('li[data-option="azacitidine"]')
    expect(azacitidine).to_contain_text(
        "Does not apply: is for people not fit for intensive chemotherapy"
    )
    expect(excluded.locator('li[data-option="gilteritinib"]')).to_contain_text(
        "needs a FLT3 mutation"
    )


def test_the_schedule_viewer_draws(page, dashboard_url):
    open_dashboard(page, dashboard_url)
    figure = page.locator(".aml-schedule")

    page.get_by_label("Regimen", exact=True).select_option(label="FLAG (fludarabine, "
                                                                 "cytarabine and filgrastim)")

    flag = regimen_schedule("FLAG")
    table = figure.locator("table.aml-timeline")
    expect(table.locator("caption")).to_contain_text("FLAG")
    expect(table.locator("tbody tr")).to_have_count(len(flag))
    expect(table.locator("tbody tr").first.locator("td.on")).to_have_count(len(flag["days"][0]))
    expect(figure.locator("figcaption")).to_contain_text(flag["drug"][0])

    page.get_by_label("Regimen", exact=True).select_option(index=0)
    page.get_by_label("Variant", exact=True).select_option("idarubicin")
    expect(table.locator("caption")).to_contain_text("(idarubicin)")
    expect(table.locator("tbody tr")).to_have_count(len(regimen_schedule("7+3", "idarubicin")))


def test_the_prognostic_index_follows_the_factors(page, dashboard_url):
    open_dashboard(page, dashboard_url)
    epi = page.locator(".aml-epi")
    expect(epi).to_contain_text("Total score")
    page.get_by_label("Cytogenetics at diagnosis", exact=True).select_option("inv(16)")
    page.get_by_label("Age (years)", exact=True).fill("30")
    expect(epi).to_contain_text("Risk group: favourable")
    page.get_by_label("Refractory (no complete remission was reached)", exact=True).check()
    expect(epi).to_contain_text("The index is for a first relapse")


def test_an_invalid_value_gives_a_friendly_message(page, dashboard_url):
    region = open_dashboard(page, dashboard_url)
    age = page.get_by_label("Age (years)", exact=True)
    age.fill("150")
    age.press("Enter")

    expect(region.locator(".aml-message")).to_contain_text(
        "Please check the patient factors. Age: must be a whole number of years from 18 to 110"
    )
    expect(region).not_to_contain_text("Traceback")
    expect(region.locator("li.aml-option")).to_have_count(0)

    age.fill("60")
    age.press("Enter")
    expect(region.locator(".aml-message")).to_have_count(0)
    expect(region.locator("li.aml-option").first).to_be_visible()


def test_refractory_disease_disables_the_remission_length(page, dashboard_url):
    region = open_dashboard(page, dashboard_url)
    remission = page.get_by_label("Remission lasted (months)", exact=True)
    expect(remission).to_be_enabled()
    page.get_by_label("Refractory (no complete remission was reached)", exact=True).check()
    expect(remission).to_be_disabled()
    expect(option(region, "7+3")).to_have_count(0)
    expect(option(region, "MEC")).to_have_count(1)


def test_the_keyboard_alone_can_change_a_factor(page, dashboard_url):
    region = open_dashboard(page, dashboard_url)
    page.get_by_label("Fit for intensive chemotherapy", exact=True).focus()
    page.keyboard.press("Space")
    expect(option(region, "azacitidine")).to_have_count(1)


def test_the_disclaimer_and_numbered_references_are_on_the_page(page, dashboard_url):
    open_dashboard(page, dashboard_url)
    expect(page.locator(".aml-disclaimer:visible")).to_contain_text("not a prescribing tool")
    first = page.locator("ol.aml-references > li").first
    expect(first).to_have_attribute("id", "ref-ccs-2024")
    expect(first).to_have_attribute("value", "1")


def test_a_phone_screen_shows_the_options_without_sideways_scrolling(phone, dashboard_url):
    region = open_dashboard(phone, dashboard_url)
    phone.get_by_label("FLT3 mutation", exact=True).check()
    expect(option(region, "gilteritinib")).to_have_count(1)
    width = phone.evaluate("window.innerWidth")
    box = region.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px on a phone"
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "phone.png"))


def test_the_page_works_with_no_internet(browser, dashboard_url, request):
    """Block every request that does not go to this machine; the page must still work."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    attempted: list[str] = []

    def only_localhost(route):
        host = route.request.url.split("/")[2].split(":")[0] if "://" in route.request.url else ""
        if host in ("localhost", "127.0.0.1"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_localhost)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        region = open_dashboard(page, dashboard_url)
        page.get_by_label("Fit for intensive chemotherapy", exact=True).click()
        expect(option(region, "azacitidine+venetoclax")).to_have_count(1)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "offline-requests.txt").write_text(
            "\n".join(attempted) + ("\n" if attempted else "(none)\n")
        )
        print(f"requests that tried to leave this machine: {attempted or 'none'}")
        assert attempted == [], f"the page tried to fetch from the internet: {attempted}"
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "test_the_page_works_with_no_internet.png"))
        raise
    finally:
        context.close()


def test_a_page_whose_kernel_was_closed_says_to_reload(page, server_url):
    """Idle kernels are culled even with the tab open; the page must then say so."""
    open_dashboard(page, server_url)
    status = page.evaluate(
        """async () => {
            const config = JSON.parse(document.getElementById('jupyter-config-data').textContent);
            const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || '';
            const response = await fetch(config.baseUrl + 'voila/api/shutdown/' + config.kernelId,
                {method: 'POST', headers: {'X-XSRFToken': decodeURIComponent(xsrf)}});
            return response.status;
        }"""
    )
    assert status == 204
    page.evaluate("window.amlCheckKernel()")
    notice = page.locator("#aml-status")
    expect(notice).to_contain_text("This page was closed after being idle")
    expect(notice.get_by_role("button", name="Reload the page")).to_be_visible()


def test_closing_the_tab_shuts_its_kernel_down(browser, server_url):
    """Voila's close-the-tab request needs the _xsrf cookie that the classroom page sets."""
    import time
    import urllib.error
    import urllib.request

    context = browser.new_context()
    page = context.new_page()
    open_dashboard(page, server_url)
    kernel = page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )
    page.close(run_before_unload=True)
    context.close()
    deadline = time.monotonic() + 20
    status = 200
    while time.monotonic() < deadline and status == 200:
        try:
            with urllib.request.urlopen(f"{server_url}api/kernels/{kernel}", timeout=5):
                time.sleep(0.3)
        except urllib.error.HTTPError as error:
            status = error.code
    assert status == 404, "the closed tab's kernel is still running"
