"""The dashboard as a student uses it on a phone and a laptop (issue 25, "The student").

Each test runs against both engines (``dashboard_url``): timelines a phone can read, 7+3's
anthracyclines as alternatives, the options' summary, the case picker after a change,
treatments picked by touch, the printed patient, and one citation style.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .a11y import violations
from .conftest import open_dashboard

pytestmark = pytest.mark.browser

ANTHRACYCLINES = ("daunorubicin", "doxorubicin", "idarubicin", "mitoxantrone")
SEVEN_THREE = "7+3 (induction again: cytarabine with an anthracycline)"
DAY_RUN = re.compile(r"Days? (\d+)(?: to (\d+))?")


def _load_case(page, number: int) -> None:
    picker = page.get_by_label("Teaching case", exact=True)
    label = picker.locator("option", has_text=f"Case {number}:").first.text_content()
    picker.select_option(label=label)
    expect(page.locator(".aml-case-story")).to_contain_text(f"Case {number}")


def _days_reachable(page, figure) -> set[int]:
    """Days a person can see in the timeline without guessing: a day column whose header
    is inside the screen, a day column in a table that shows a visible scroll hint, or a
    day in a visible days-as-rows table that fits the screen."""
    width = page.evaluate("window.innerWidth")
    found: set[int] = set()
    hint = figure.locator(".aml-scroll-hint")
    hinted = hint.count() > 0 and hint.first.is_visible()
    for header in figure.locator("table.aml-timeline thead th").all():
        text = (header.text_content() or "").strip()
        box = header.bounding_box()
        if text.isdigit() and header.is_visible() and box is not None:
            if hinted or box["x"] + box["width"] <= width + 1:
                found.add(int(text))
    for row in figure.locator("table.aml-timeline-days tbody th").all():
        box = row.bounding_box()
        match = DAY_RUN.search(row.text_content() or "")
        if row.is_visible() and match and box is not None and box["x"] + box["width"] <= width + 1:
            first = int(match.group(1))
            found.update(range(first, int(match.group(2) or first) + 1))
    return found


def test_a_phone_shows_every_day_of_7_3_and_the_words_in_full(phone, dashboard_url):
    open_dashboard(phone, dashboard_url)
    phone.get_by_label("Regimen", exact=True).select_option(label=SEVEN_THREE)
    figure = phone.locator(".aml-schedule figure")
    expect(figure.locator("figcaption")).to_contain_text("In words")
    figure.scroll_into_view_if_needed()
    assert set(range(1, 8)) <= _days_reachable(phone, figure)
    # the text alternative is not cut off: inside the screen, nothing hidden sideways
    width = phone.evaluate("window.innerWidth")
    words = figure.locator("figcaption")
    box = words.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    assert words.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    assert figure.evaluate(
        "e => { let n = e; while (n && n !== document.body) {"
        " const s = getComputedStyle(n); if (s.overflowX === 'hidden' && n.scrollWidth >"
        " n.clientWidth + 1) return false; n = n.parentElement; } return true; }"
    ), "a box around the timeline hides part of it"


def test_the_7_3_timeline_never_draws_anthracyclines_as_given_together(page, dashboard_url):
    open_dashboard(page, dashboard_url)
    page.get_by_label("Regimen", exact=True).select_option(label=SEVEN_THREE)
    table = page.locator(".aml-schedule table.aml-timeline")
    expect(table.locator("caption")).to_contain_text("7+3")

    def rows_naming_anthracyclines() -> list[str]:
        texts = [t.lower() for t in table.locator("tbody th").all_text_contents()]
        return [t for t in texts if any(a in t for a in ANTHRACYCLINES)]

    # by default: one anthracycline
    named = rows_naming_anthracyclines()
    assert len(named) == 1 and sum(a in named[0] for a in ANTHRACYCLINES) == 1, named
    # every variant: still one row, offered as "one of"
    variant = page.get_by_label("Variant", exact=True)
    everything = [o for o in variant.locator("option").all_text_contents() if "all" in o]
    variant.select_option(label=everything[0])
    expect(table.locator("tbody th", has_text="one of")).to_have_count(1)
    named = rows_naming_anthracyclines()
    assert len(named) == 1 and all(a in named[0] for a in ANTHRACYCLINES), named
    assert "one of" in named[0]
    expect(page.locator(".aml-schedule figcaption")).to_contain_text("one of")


def test_the_options_open_with_a_summary_linked_to_the_cards(page, dashboard_url):
    region = open_dashboard(page, dashboard_url)
    _load_case(page, 3)
    summary = region.locator(".aml-options-summary")
    expect(summary).to_contain_text("Gilteritinib")
    # the groups with their counts, each count the number of cards under that group
    groups = summary.locator(".aml-summary-groups li")
    assert groups.count() >= 2
    for group in groups.all():
        name, count = (group.text_content() or "").rsplit(":", 1)
        target = group.locator("a").get_attribute("href")
        heading = region.locator(target)
        expect(heading).to_have_text(name.strip())
        cards = heading.locator("xpath=following-sibling::ul[1]/li")
        expect(cards).to_have_count(int(count))
    # what this patient's own factor opened, linked to its card
    link = summary.locator("li", has_text="FLT3").get_by_role("link", name="Gilteritinib")
    link.click()
    card = region.locator('li.aml-option[data-option="gilteritinib"]')
    expect(card).to_be_in_viewport()
    assert card.get_attribute("id") == link.get_attribute("href").removeprefix("#")


def test_the_case_picker_keeps_the_case_named_after_a_change(page, dashboard_url):
    open_dashboard(page, dashboard_url)
    _load_case(page, 3)
    age = page.get_by_label("Age (years)", exact=True)
    age.fill("70")
    age.press("Enter")
    picker = page.get_by_label("Teaching case", exact=True)
    expect(picker.locator("option:checked")).to_have_text("Case 3, changed: age")
    expect(page.locator(".aml-case-story")).to_contain_text("Case 3")


def test_a_touch_tap_picks_two_prior_treatments(browser, dashboard_url):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        region = open_dashboard(page, dashboard_url)
        mec = page.get_by_role("checkbox", name="MEC (mitoxantrone, etoposide and cytarabine)")
        flag = page.get_by_role("checkbox", name="FLAG (fludarabine, cytarabine and filgrastim)")
        mec.scroll_into_view_if_needed()
        mec.tap()
        flag.scroll_into_view_if_needed()
        flag.tap()
        expect(mec).to_be_checked()
        expect(flag).to_be_checked()
        expect(region.locator('li[data-option="MEC"] .aml-reason')).to_contain_text(
            "a repeat of the same or similar drugs")
        # and by keyboard: Space on the focused box unticks it
        mec.focus()
        page.keyboard.press("Space")
        expect(mec).not_to_be_checked()
        expect(flag).to_be_checked()
    finally:
        context.close()


def test_print_media_shows_the_summary_and_hides_the_controls(page, dashboard_url, tmp_path):
    region = open_dashboard(page, dashboard_url)
    _load_case(page, 3)
    expect(region.locator('li[data-option="gilteritinib"]')).to_have_count(1)
    button = page.get_by_role("button", name="Print this patient")
    expect(button).to_be_visible()
    summary = page.locator(".aml-print-area")
    expect(summary).to_be_hidden()

    page.emulate_media(media="print")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Case 3")
    expect(summary).to_contain_text("Options that apply")
    expect(summary).to_contain_text("Options that do not apply, and why")
    expect(summary.locator("li", has_text="Gilteritinib").first).to_be_visible()
    expect(summary).to_contain_text("not a prescribing tool")
    for control in (page.get_by_label("Age (years)", exact=True), button,
                    page.get_by_label("Regimen", exact=True), region):
        expect(control).to_be_hidden()
    # nothing around it clips it (the engines' pages scroll in panes of a screen's height)
    clipped = summary.evaluate(
        "e => { const h = e.getBoundingClientRect().height; const out = [];"
        " for (let n = e.parentElement; n; n = n.parentElement) {"
        " if (n.getBoundingClientRect().height < h - 1) out.push(n.className || n.tagName); }"
        " return out; }"
    )
    assert clipped == [], f"boxes shorter than the summary would cut it off: {clipped}"
    # every citation resolves inside the printed summary
    for link in summary.locator('a[href^="#"]').all():
        expect(summary.locator(link.get_attribute("href"))).to_have_count(1)
    pdf = page.pdf(format="A4")
    pages = max(int(n) for n in re.findall(rb"/Count (\d+)", pdf))
    assert 1 <= pages <= 2, f"the printed patient takes {pages} A4 pages"
    page.emulate_media(media="screen")
    expect(summary).to_be_hidden()


def test_citations_read_as_in_the_lessons_and_resolve_on_the_page(page, dashboard_url):
    region = open_dashboard(page, dashboard_url)
    links = region.locator('.aml-sources a[href^="#ref-"]')
    expect(links.first).to_be_visible()
    for link in links.all()[:40]:
        ref = link.get_attribute("href").removeprefix("#ref-")
        assert link.text_content() == ref, "a citation shows its reference's id, as lessons do"
        expect(page.locator(f'ol.aml-references li[id="ref-{ref}"]')).to_contain_text(ref)


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_the_new_states_have_no_serious_accessibility_violation(browser, dashboard_url, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        region = open_dashboard(page, dashboard_url)
        _load_case(page, 3)
        page.get_by_label("Show what doesn't apply, and why", exact=True).check()
        expect(region.locator("section.aml-excluded-list")).to_be_visible()
        age = page.get_by_label("Age (years)", exact=True)
        age.fill("70")
        age.press("Enter")
        page.get_by_label("Regimen", exact=True).select_option(label=SEVEN_THREE)
        engine = "solara" if "solara" in dashboard_url else "voila"
        found = violations(page, f"student-{engine}-{size[0]}", ["body"])
        assert found == [], "\n".join(found)
    finally:
        context.close()


def test_a_lesson_timeline_and_comparison_read_on_a_phone(phone):
    """The lessons show the same timelines (and comparisons of regimens) as stored HTML."""
    from aml_teach.teaching import lessons

    single = lessons.timeline("7+3").data
    compared = lessons.timeline_comparison_html(["7+3", "azacitidine+venetoclax"])
    phone.set_content(
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<div id="one">{single}</div><div id="many">{compared}</div>'
    )
    one = phone.locator("#one figure")
    assert set(range(1, 8)) <= _days_reachable(phone, one)
    expect(one.locator("table.aml-timeline-days")).to_contain_text("one of:")
    # a comparison is wider than a phone: it says so, and scrolls sideways (by keyboard too)
    many = phone.locator("#many figure")
    expect(many.locator(".aml-scroll-hint")).to_be_visible()
    pane = many.locator(".aml-timeline-scroll")
    assert pane.evaluate("e => e.scrollWidth > e.clientWidth")
    assert pane.evaluate("e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)")
    assert pane.get_attribute("tabindex") == "0"
    last = int(many.locator("table.aml-timeline thead th").last.text_content())
    assert set(range(1, last + 1)) <= _days_reachable(phone, many)


@pytest.mark.parametrize("table", ["factor_effect", "drug_table"])
def test_a_lesson_four_column_table_reads_on_a_phone_and_stays_a_table_on_a_laptop(
    phone, table
):
    """A factor's effect and the drug tables (lessons 2 to 6) were four columns on a phone,
    the last a word or two per line; on a phone each row is a card whose long last cell
    takes the full width."""
    from aml_teach.core.patient import Patient
    from aml_teach.teaching import lessons

    if table == "factor_effect":
        patient = Patient(age=52, fit_for_intensive=True, disease="relapsed",
                          remission_months=20)
        shown = lessons.factor_effect(patient, "no longer fit", fit_for_intensive=False).data
        labelled, header = "Before", "After"
    else:
        shown = lessons.drug_table(["daunorubicin", "idarubicin", "mitoxantrone"]).data
        labelled, header = "Brand names", "How it works"
    phone.set_content(
        '<meta name="viewport" content="width=device-width, initial-scale=1">' + shown
    )
    grid = phone.get_by_role("table")
    expect(grid.get_by_role("row").nth(1)).to_be_visible()
    width = phone.evaluate("window.innerWidth")
    assert phone.evaluate("document.documentElement.scrollWidth") <= width
    rows = grid.locator("tbody tr")
    assert rows.count() >= 2
    last_cells = rows.locator("td:last-child")
    for cell in last_cells.all()[:3]:
        box = cell.bounding_box()
        assert box is not None and box["width"] >= 0.8 * (width - 20), box
    caption = grid.locator("caption")
    if caption.count():  # a caption reads across the card, not squeezed into a column
        box = caption.bounding_box()
        assert box is not None and box["width"] >= 0.8 * (width - 20), box
    expect(grid.get_by_role("cell").first).to_have_attribute("data-label", labelled)
    expect(grid.get_by_role("columnheader", name=header, exact=True)).to_have_count(1)
    phone.set_viewport_size({"width": 1366, "height": 768})
    box = last_cells.first.bounding_box()
    assert box is not None and box["width"] < 0.8 * 1366, "a laptop keeps the four columns"
