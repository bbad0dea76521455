"""The notebooks in real JupyterLab, in Chromium, as a student uses them.

Each notebook is opened, run with Run > Run All Cells and read: no error, no widget error, and
every interactive panel drawn. Notebook 04 is then walked with the keyboard alone; a glossary
link is followed; a saved notebook is reopened. JupyterLab serves copies of the notebooks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from aml_teach.classroom.lab import RUN_AGAIN
from aml_teach.teaching.glossary import NOTEBOOK as GLOSSARY
from aml_teach.teaching.glossary import fragment, href

from ..classroom.test_run_lab import ADDRESS_BLOCK, start_lab, stop_lab
from .a11y import violations
from .conftest import RENDER_TIMEOUT_MS, ROOT
from .jupyterlab import (
    LAB_CHROME,
    LAB_CONTENT,
    cell_kinds,
    menu,
    open_notebook,
    output_problems,
    run_all,
)

pytestmark = pytest.mark.lab

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
NB04 = "04-intensive-or-less-intensive.ipynb"


def widget_cells(name: str) -> int:
    """How many cells display widgets (they are the cells whose output nbval ignores)."""
    cells = json.loads(Path(ROOT / "notebooks" / name).read_text())["cells"]
    return sum("nbval-ignore-output" in c.get("metadata", {}).get("tags", []) for c in cells)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_notebook_runs_in_jupyterlab_without_errors(page, lab, name):
    open_notebook(page, lab, name)
    run_all(page)
    expected = widget_cells(name)
    # every widget cell draws its panel, each with the guard that keeps keys in it
    expect(page.locator(".jp-Notebook .jp-CodeCell:has(.aml-keyguard)")).to_have_count(expected)
    assert output_problems(page) == []
    # the module's own content (Markdown and outputs), JupyterLab's interface left out
    found = violations(page, f"lab-{name}", LAB_CONTENT, LAB_CHROME)
    assert found == [], "\n".join(found)


def test_the_keyboard_alone_works_every_choice_in_notebook_04(page, lab):
    """Tab, Space, arrows and letters change the options and never touch the notebook."""
    open_notebook(page, lab, NB04)
    run_all(page)
    cells = cell_kinds(page)
    explorer = page.locator(".jupyter-widgets.aml-explorer")
    options = explorer.locator(".aml-options")
    focused = page.locator(":focus")

    case = explorer.get_by_label("Teaching case", exact=True)
    case.focus()
    page.keyboard.press("ArrowDown")  # a closed drop-down: the arrow picks the next entry
    expect(explorer.locator(".aml-case-story")).to_contain_text("Case 1")
    page.keyboard.press("ArrowUp")
    expect(case).to_have_value("Choose a teaching case…")

    page.keyboard.press("Tab")
    expect(focused).to_have_accessible_name("Age (years)")
    page.keyboard.press("Tab")
    fit = explorer.get_by_role("checkbox", name="Fit for intensive chemotherapy", exact=True)
    expect(fit).to_be_focused()
    page.keyboard.press("Space")
    expect(fit).not_to_be_checked()
    expect(options.locator('li[data-option="azacitidine+venetoclax"]')).to_have_count(1)
    page.keyboard.press("Space")
    expect(fit).to_be_checked()

    page.keyboard.press("Tab")
    relapsed = explorer.get_by_role(
        "radio", name="Relapsed (came back after a complete remission)")
    expect(relapsed).to_be_focused()
    page.keyboard.press("ArrowDown")
    refractory = explorer.get_by_role(
        "radio", name="Refractory (no complete remission was reached)")
    expect(refractory).to_be_checked()
    expect(explorer.get_by_label("Remission lasted (months)", exact=True)).to_be_disabled()
    page.keyboard.press("ArrowUp")
    expect(relapsed).to_be_checked()

    treatments = explorer.locator(".aml-checklist")
    mec = treatments.get_by_role("checkbox", name="MEC (mitoxantrone, etoposide and cytarabine)")
    mec.focus()
    for letter in "mdayb":  # each is a JupyterLab command-mode shortcut
        page.keyboard.press(letter)
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    chosen = treatments.locator("input:checked").evaluate_all(
        "boxes => boxes.map(b => b.parentElement.textContent.trim())")
    # case 1 (picked above) ticked 7+3; Space ticked MEC, Tab moved on to the next box
    assert [c.split(" ")[0] for c in chosen] == ["7+3", "MEC", "High-dose"], chosen
    expect(options.locator('li[data-option="MEC"] .aml-reason')).to_contain_text(
        "a repeat of the same or similar drugs")

    quiz = page.locator(".widget-radio-box").nth(1)
    quiz.locator("input").first.focus()
    page.keyboard.press("ArrowDown")
    expect(quiz.locator("input").nth(1)).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator(".jp-Notebook").get_by_text("Correct").or_(
        page.locator(".jp-Notebook").get_by_text("Not quite")).first).to_be_visible()

    assert cell_kinds(page) == cells, "a key reached JupyterLab and changed the notebook"
    # the side-by-side comparison (a static output) shows its option cards without bullets
    bullets = page.locator(".jp-RenderedHTMLCommon ul.aml-options-list").first.evaluate(
        "list => getComputedStyle(list).listStyleType")
    assert bullets == "none"
    assert output_problems(page) == []


def test_a_notebook_saved_and_reopened_says_to_run_it_again(page, lab):
    name = "02-relapsed-or-refractory.ipynb"
    open_notebook(page, lab, name)
    run_all(page)
    expect(page.locator(".jp-Notebook .aml-keyguard").first).to_be_attached()
    menu(page, "File", "Save Notebook")
    expect(page.locator(".jp-mod-dirty")).to_have_count(0)

    saved = json.loads((lab.root / name).read_text())
    outputs = [o for c in saved["cells"] for o in c.get("outputs", [])]
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert views == [], "a widget view was saved; reopened, it would show a widget error"
    notes = [o for o in outputs
             if "aml-run-again" in "".join(o.get("data", {}).get("text/html", ""))]
    assert len(notes) == widget_cells(name)

    page.reload()
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    note = page.locator(".jp-Notebook .aml-run-again").first
    expect(note).to_be_visible()
    expect(note).to_contain_text(RUN_AGAIN)
    expect(page.locator(".jp-Notebook").get_by_text("Error displaying widget")).to_have_count(0)


# A term far down the glossary: JupyterLab has not drawn its cell when the glossary opens.
TERM = "refractory AML"


def _term_heading(page):
    """The glossary's heading for TERM (JupyterLab appends a ¶ anchor to a heading)."""
    return page.locator(".jp-RenderedMarkdown h3").filter(
        has_text=re.compile(rf"^{re.escape(TERM)}¶?$"))


def test_one_click_on_a_glossary_link_lands_on_the_term(page, lab):
    open_notebook(page, lab, "01-start-here.ipynb")
    link = page.locator(".jp-RenderedMarkdown a", has_text=TERM).first
    assert link.get_attribute("href").endswith("#" + fragment(TERM))  # JupyterLab adds a path
    link.click()
    expect(page.locator(".lm-TabBar-tab.lm-mod-current", has_text=GLOSSARY)).to_be_visible()
    heading = _term_heading(page)
    expect(heading).to_be_in_viewport()
    expect(heading).to_have_count(1)


def test_a_glossary_link_in_voila_shows_the_term(browser, lab):
    """The same link in a lesson served by Voila: the glossary page (not a 403), at the term."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    try:
        page.goto(f"{lab.url}voila/render/01-start-here.ipynb?token={lab.token}")
        page.locator("#rendered_cells").wait_for(state="visible")
        link = page.locator("#rendered_cells a", has_text=TERM).first
        with page.expect_navigation() as navigation:
            link.click()
        assert navigation.value.status == 200
        assert page.url.endswith(f"/voila/render/{href(TERM)}")
        page.locator("#rendered_cells").wait_for(state="visible")
        term = page.locator(f'[id="{fragment(TERM)}"] h3')
        expect(term).to_have_text(re.compile(rf"^{re.escape(TERM)}¶?$"))
        expect(term).to_be_in_viewport()
    finally:
        context.close()


NEWS = "official Jupyter news"  # JupyterLab's pop-up: "Would you like to get notified about ..."


def _open_as_printed(browser, lab, width: int, height: int):
    """A learner's browser on the address ``run.py lab`` printed, once lesson 01's kernel is
    idle (by then JupyterLab has long finished starting, and shown any pop-up it shows)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    page.goto(lab.url)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    expect(page.locator("#jp-main-statusbar").get_by_text("Python 3 (ipykernel) | Idle")
           ).to_be_visible()
    return context, page


def test_the_printed_address_opens_lesson_01_with_no_pop_up(browser, tmp_path):
    """``run.py lab`` with this machine's JupyterLab settings left out (an empty settings folder,
    as on a learner's first day): the address it prints shows lesson 01, not the Launcher, and
    no news or update question covers it."""
    lab = start_lab(tmp_path)
    try:
        context, page = _open_as_printed(browser, lab, 1366, 768)
        tabs = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab")
        expect(tabs).to_have_count(1)
        expect(tabs.first).to_contain_text("01-start-here.ipynb")
        expect(page.locator(".jp-Launcher")).to_have_count(0)
        expect(page.locator(".jp-Notebook h1").first).to_contain_text(
            "Relapsed and refractory AML: start here")
        expect(page.get_by_text(NEWS)).to_have_count(0)
        # the bell of JupyterLab's notification centre counts no notification at all
        expect(page.locator(".jp-Notification-Status")).to_have_text("0")
        # the file list shows every lesson's name whole at the default width but the
        # two longest (04, 05), which JupyterLab cuts with an ellipsis
        names = page.locator(".jp-DirListing-itemText")
        cut = names.evaluate_all("els => els.filter(e => e.scrollWidth > e.clientWidth)"
                                 ".map(e => e.textContent)")
        assert len(cut) <= 2, cut
        context.close()
    finally:
        stop_lab(lab.process)


def test_the_terminal_of_run_py_lab_shows_only_the_address(browser, tmp_path):
    """A lesson opened and its kernel started: no routine line, no warning meant for
    developers, reaches the learner's terminal; only Jupyter Server's address block."""
    lab = start_lab(tmp_path)
    try:
        context, page = _open_as_printed(browser, lab, 1366, 768)
        menu(page, "Run", "Run All Cells")
        page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").first.wait_for()
        page.wait_for_function(
            """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
                .every(p => /\\[\\d+\\]/.test(p.textContent))""")
        context.close()
        text = lab.log.read_text()
    finally:
        stop_lab(lab.process)
    noise = [ln for ln in text.splitlines() if ln.strip() and not ADDRESS_BLOCK.match(ln.strip())]
    assert noise == [], "the terminal shows more than the address:\n" + text
