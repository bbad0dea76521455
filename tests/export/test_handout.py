"""The case handout and the one-patient summary, read as HTML and printed by Chromium."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from aml_teach import Patient
from aml_teach.export import patient_summary_html
from tests.browser.a11y import violations

from .conftest import export, table

CHROMIUM = os.environ.get("AML_TEACH_CHROMIUM", "/usr/bin/chromium")
A4_PRINTABLE_PX = (297 - 20) / 25.4 * 96  # @page margins 10 mm top and bottom
A4_WIDTH_PX = (210 - 22) / 25.4 * 96


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.fragments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and (values.get("href") or "").startswith("#"):
            self.fragments.append(values["href"][1:])


def links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def test_summary_of_a_patient():
    patient = Patient(age=70, fit_for_intensive=False, disease="relapsed", remission_months=8,
                      markers={"FLT3"})
    html = patient_summary_html(patient, anchor="p1")
    applies, excluded = html.split("Options that do not apply", 1)
    assert "Gilteritinib" in applies and "Needs a FLT3 mutation" not in html
    assert "FLAG" in excluded and "Needs fitness for intensive chemotherapy" in excluded
    assert "70 years" in html and "@media print" in html
    found = links(html)
    assert found.fragments, "options cite their sources"
    assert set(found.fragments) <= found.ids, "every [n] resolves on the same page"
    numbers = re.findall(r'id="p1-ref-(\d+)"', html)
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    assert "not a prescribing tool" in html


def test_handout_has_every_case_and_resolving_citations(exported):
    html = exported["handout"].read_text(encoding="utf-8")
    found = links(html)
    for case in table("cases"):
        assert case["case"] in found.ids and case["title"].replace("'", "&#x27;") in html
    assert set(found.fragments) <= found.ids
    assert html.count("not a prescribing tool") >= len(table("cases"))
    for ref in table("references"):  # the engine's "(id)" mentions became numbers too
        assert f"({ref['id']})" not in html and f"({ref['id']};" not in html


def test_pdf_has_each_case_on_its_own_page(tmp_path):
    from weasyprint import HTML

    out = export("handout", tmp_path / "cases.pdf")
    assert out.read_bytes().startswith(b"%PDF-")
    html = export("handout", tmp_path / "cases.html")
    pages = HTML(filename=str(html)).render().pages
    cases = [case["case"] for case in table("cases")]
    first_page = {anchor: number for number, page in enumerate(pages)
                  for anchor in page.anchors if anchor in cases}
    assert [first_page[case] for case in cases] == list(range(len(cases)))
    assert len(cases) < len(pages) <= len(cases) + 4  # then the references


@pytest.mark.browser
def test_each_case_prints_on_one_a4_page(exported, playwright_driver, tmp_path: Path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"NO BROWSER: {CHROMIUM} is missing")
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu",
                                        "--disable-background-networking"])
    try:
        page = browser.new_page(viewport={"width": round(A4_WIDTH_PX), "height": 1000})
        page.goto(exported["handout"].as_uri())
        assert violations(page, "handout", ["body"]) == []
        page.emulate_media(media="print")
        heights = page.eval_on_selector_all(
            "article.aml-handout:not(#aml-references)",
            "els => els.map(e => [e.id, e.getBoundingClientRect().height])")
        assert len(heights) == len(table("cases"))
        for case, height in heights:
            assert height <= A4_PRINTABLE_PX, f"{case} needs {height:.0f}px of {A4_PRINTABLE_PX}"
        assert page.eval_on_selector(".aml-intro", "e => getComputedStyle(e).display") == "none"
        pdf = tmp_path / "handout.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
        assert len(table("cases")) < pages <= len(table("cases")) + 4  # cases, then references
    finally:
        browser.close()
