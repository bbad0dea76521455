"""The French dashboard in Chromium, on both engines: ``?lang=fr`` in the address, the page's
"Français / English" switch (the factors stay), ``<html lang="fr">`` and axe on the French page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .a11y import violations
from .conftest import open_dashboard

pytestmark = pytest.mark.browser


def french(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "lang=fr"


def test_lang_fr_in_the_address_shows_the_french_dashboard(page, dashboard_url):
    open_dashboard(page, french(dashboard_url))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".aml-factors h2")).to_have_text("Facteurs du patient")
    expect(page.get_by_label("Âge (ans)", exact=True)).to_be_visible()
    expect(page.locator(".aml-options .aml-count")).not_to_contain_text("apply")
    expect(page.locator(".aml-disclaimer").first).to_contain_text(
        "À des fins d'enseignement seulement"
    )
    expect(page.locator(".aml-intro h1")).to_contain_text("LMA en rechute ou réfractaire")
    expect(page.get_by_role("button", name="Français")).to_have_attribute("aria-pressed", "true")


def test_the_switch_keeps_the_factors_and_the_page_says_french(page, dashboard_url):
    open_dashboard(page, dashboard_url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    age = page.get_by_label("Age (years)", exact=True)
    age.fill("47")
    age.press("Tab")
    page.get_by_label("FLT3 mutation", exact=True).check()
    page.get_by_label("Teaching case", exact=True).select_option(index=3)
    expect(page.locator(".aml-case-story")).to_contain_text("Case 3")
    age.fill("48")
    age.press("Tab")
    expect(page.get_by_label("Teaching case", exact=True)).to_contain_text("changed: age")

    switch = page.get_by_role("group", name="Language")
    switch.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_label("Âge (ans)", exact=True)).to_have_value("48")
    expect(page.get_by_label("Cas d'enseignement", exact=True)).to_contain_text("modifié : âge")
    expect(page.locator(".aml-case-story")).to_contain_text("Cas 3")
    assert re.search(r"[?&]lang=fr\b", page.url)
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "false")

    page.get_by_role("group", name="Langue").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Age (years)", exact=True)).to_have_value("48")


def test_the_switch_works_from_the_keyboard(page, dashboard_url):
    open_dashboard(page, dashboard_url)
    button = page.get_by_role("button", name="Français")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".aml-factors h2")).to_have_text("Facteurs du patient")


def test_the_french_page_has_no_serious_accessibility_violation(page, dashboard_url):
    open_dashboard(page, french(dashboard_url))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_label("Montrer ce qui ne s'applique pas, et pourquoi", exact=True).check()
    expect(page.locator("section.aml-excluded-list")).to_be_visible()
    page.get_by_label("Cas d'enseignement", exact=True).select_option(index=3)
    expect(page.locator(".aml-case-story")).to_contain_text("Cas 3")
    name = "solara" if ":" in dashboard_url and page.locator(".v-application").count() else "voila"
    found = violations(page, f"dashboard-fr-{name}", ["body"])
    assert found == [], "\n".join(found)


def test_on_a_phone_the_french_words_fit_and_no_control_overlaps_another(phone, dashboard_url):
    """French labels are longer: a label that wraps its list below must not spill onto the
    next control, and nothing runs past the screen's edge."""
    open_dashboard(phone, french(dashboard_url))
    expect(phone.locator(".aml-factors h2")).to_have_text("Facteurs du patient")
    width = phone.evaluate("window.innerWidth")
    spilled = phone.eval_on_selector_all(
        ".aml-app .widget-inline-hbox",
        """(rows) => rows.flatMap((row) => {
              const box = row.getBoundingClientRect();
              if (box.height === 0) return [];
              return [...row.children].filter((c) => {
                const inner = c.getBoundingClientRect();
                return inner.height > 0
                  && (inner.bottom > box.bottom + 1 || inner.top < box.top - 1);
              }).map((c) => (row.textContent || c.tagName).trim().slice(0, 50));
            })""",
    )
    assert spilled == [], spilled
    wide = phone.eval_on_selector_all(
        ".aml-factors *, .aml-results p, .aml-results li, .aml-epi p, .aml-intro p, button",
        f"""(nodes) => nodes.filter((n) => {{
              const box = n.getBoundingClientRect();
              return box.width > 0 && box.right > {width} + 1;
            }}).map((n) => n.textContent.trim().slice(0, 50))""",
    )
    assert wide == [], wide


@pytest.fixture(scope="module")
def french_class():
    """A class served in French (``serve --class --lang fr``), with the lessons."""
    from tests.classroom.voila.conftest import start

    from .conftest import stop

    server = start("lessons-fr", "--class", "--pool", "1", "--lang", "fr", token="fr-23")
    try:
        yield server
    finally:
        stop(server.process)


def test_a_french_class_links_the_french_lessons_and_they_say_they_are_french(page,
                                                                              french_class):
    base = f"http://localhost:{french_class.port}"
    open_dashboard(page, f"{base}/?token=fr-23")  # the class's language: no ?lang= needed
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    link = page.get_by_role("link", name="1. Commencez ici")
    expect(link).to_have_attribute("href", "fr/01-start-here.ipynb")
    with page.expect_navigation():
        link.click()
    page.locator("#rendered_cells").wait_for(state="visible")
    assert page.url.startswith(f"{base}/fr/01-start-here.ipynb")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1").first).to_contain_text("LMA")


def test_a_french_lesson_on_a_phone_says_its_page_words_in_french(phone, french_class):
    """The lesson page's own words (the wide table's hint, the session-ended box) come from
    the French lesson's metadata, not the template's English."""
    base = f"http://localhost:{french_class.port}"
    open_dashboard(phone, f"{base}/?token=fr-23")
    with phone.expect_navigation():
        phone.get_by_role("link", name=re.compile(r"^2\. ")).click()
    phone.locator("#rendered_cells").wait_for(state="visible")
    expect(phone.locator("html")).to_have_attribute("lang", "fr")
    hints = phone.eval_on_selector_all(
        ".jp-RenderedMarkdown table",
        """(tables) => tables.filter((t) => t.scrollWidth > t.clientWidth + 1)
                             .map((t) => getComputedStyle(t, "::before").content)""",
    )
    assert hints, "lesson 02's wide ELN table should scroll sideways on a phone"
    assert all("Balayez ou faites défiler" in hint and "Swipe" not in hint for hint in hints)
    words = phone.evaluate("() => window.amlPageWords")
    assert words["reload"] == "Recharger la page"
