"""``run.py lab --lang fr`` in real Chromium: the French lesson 01, in a JupyterLab whose own
menus are French (the jupyterlab-language-pack-fr-FR package), and the French lessons only."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time

import pytest
from playwright.sync_api import expect

from ..classroom.test_run_lab import START_SECONDS, _run_py, start_lab, stop_lab
from .conftest import RENDER_TIMEOUT_MS, ROOT

pytestmark = pytest.mark.lab

FRENCH_NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks" / "fr").glob("*.ipynb"))


def _title(name: str) -> str:
    cells = json.loads((ROOT / "notebooks" / "fr" / name).read_text())["cells"]
    return "".join(cells[0]["source"]).splitlines()[0].lstrip("# ").strip()


def test_the_french_lab_opens_french_lesson_01_with_french_menus(browser, tmp_path):
    lab = start_lab(tmp_path, ("--lang", "fr"))
    try:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        page.goto(lab.url)
        page.locator(".jp-Notebook .jp-Cell").first.wait_for()
        # JupyterLab's own interface in French, the kernel named idle in French
        menus = page.locator("#jp-menu-panel .lm-MenuBar-itemLabel")
        expect(menus.first).to_have_text("Fichier")
        expect(menus).to_contain_text(["Fichier", "Édition", "Affichage", "Exécution"])
        expect(page.locator("#jp-main-statusbar").get_by_text("Python 3 (ipykernel) | Inactif")
               ).to_be_visible()
        assert page.evaluate("document.documentElement.lang").startswith("fr")
        # the French lesson 01, and the file list holds the French lessons only
        tabs = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab")
        expect(tabs).to_have_count(1)
        expect(tabs.first).to_contain_text("01-start-here.ipynb")
        expect(page.locator(".jp-Notebook h1").first).to_contain_text(
            _title("01-start-here.ipynb"))
        expect(page.locator(".jp-DirListing-itemText")).to_have_text(FRENCH_NOTEBOOKS)
        # the lesson's instructions name the menu the learner sees
        page.locator(".lm-MenuBar-itemLabel", has_text="Exécution").click()
        expect(page.locator(".lm-Menu-itemLabel").get_by_text(
            "Exécuter toutes les cellules", exact=True)).to_be_visible()
        expect(page.locator(".jp-Notebook")).to_contain_text(
            "Exécution > Exécuter toutes les cellules")
        context.close()
    finally:
        stop_lab(lab.process)


# --- every French notebook run in the French JupyterLab, as a francophone student runs it ----

IDLE_FR = "Python 3 (ipykernel) | Inactif"


@pytest.fixture(scope="module")
def lab_fr(tmp_path_factory):
    """``run.py lab --lang fr`` serving copies of notebooks/fr without their outputs (so a run
    is visible, and a test's autosave never touches the repository)."""
    import nbformat

    home = tmp_path_factory.mktemp("lab-fr")
    root = home / "fr"
    root.mkdir()
    for source in (ROOT / "notebooks" / "fr").glob("*.ipynb"):
        notebook = nbformat.read(source, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(notebook, root / source.name)
    argv = _run_py().lab_argv(["--no-browser", "--lang", "fr", f"--ServerApp.root_dir={root}"])
    log = home / "lab.log"
    env = os.environ | {name: str(home / folder) for name, folder in (
        ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTERLAB_SETTINGS_DIR", "settings"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"))}
    with log.open("w") as output:
        process = subprocess.Popen(argv, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                                   env=env, start_new_session=True)
    try:
        deadline, found = time.monotonic() + START_SECONDS, None
        while found is None and time.monotonic() < deadline and process.poll() is None:
            found = re.search(r"http://127\.0\.0\.1:\d+/lab\?token=\w+", log.read_text())
            time.sleep(0.3)
        assert found, f"JupyterLab printed no address:\n{log.read_text()}"
        yield found.group(0), root
    finally:
        stop_lab(process)


def _open_in_french(page, url: str, name: str) -> None:
    page.goto(url.replace("/lab?", f"/lab/tree/{name}?") + "&reset")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    expect(page.locator("#jp-main-statusbar").get_by_text(IDLE_FR)).to_be_visible()


def _run_all_in_french(page) -> None:
    """Exécution > Exécuter toutes les cellules, then wait for every cell's number."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Exécution").first.click()
    page.locator(".lm-Menu-itemLabel").get_by_text(
        "Exécuter toutes les cellules", exact=True).click()
    page.wait_for_function(
        """() => {
            const prompts = [
                ...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=120_000,
    )
    expect(page.locator("#jp-main-statusbar").get_by_text(IDLE_FR)).to_be_visible()


def _outputs_as_read(page) -> str:
    """What the outputs show a reader, the reference lists (citations) left out."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')]
            .map(node => {
                const copy = node.cloneNode(true);
                copy.querySelectorAll('ol.aml-references').forEach(list => list.remove());
                document.body.appendChild(copy);  // innerText needs a rendered node
                const text = copy.innerText;
                copy.remove();
                return text;
            }).join('\\n')"""
    )


@pytest.mark.parametrize("name", FRENCH_NOTEBOOKS)
def test_a_french_notebook_runs_in_french_with_no_english(page, lab_fr, name):
    from ..leaks import leaks
    from .jupyterlab import output_problems

    _open_in_french(page, lab_fr[0], name)
    _run_all_in_french(page)
    cells = json.loads((ROOT / "notebooks" / "fr" / name).read_text())["cells"]
    widgets = sum("nbval-ignore-output" in c["metadata"].get("tags", []) for c in cells)
    # every interactive panel is drawn (each with the guard that keeps keys in it)
    expect(page.locator(".jp-Notebook .jp-CodeCell:has(.aml-keyguard)")).to_have_count(widgets)
    assert output_problems(page) == []
    assert leaks(_outputs_as_read(page)) == []


def test_a_french_notebook_saved_and_reopened_says_to_run_it_again_in_french(page, lab_fr):
    from aml_teach.classroom.lab import RUN_AGAIN
    from aml_teach.core.i18n import translator

    name = "02-relapsed-or-refractory.ipynb"
    url, root = lab_fr
    _open_in_french(page, url, name)
    _run_all_in_french(page)
    page.locator(".jp-Notebook").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    expect(page.locator(".jp-mod-dirty")).to_have_count(0)
    saved = json.loads((root / name).read_text())
    notes = [o for c in saved["cells"] for o in c.get("outputs", [])
             if "aml-run-again" in "".join(o.get("data", {}).get("text/html", ""))]
    assert notes, "no run-again note was saved in place of the widgets"
    page.reload()
    note = page.locator(".jp-Notebook .aml-run-again").first
    expect(note).to_contain_text(translator("fr")(RUN_AGAIN))
    expect(note).not_to_contain_text(RUN_AGAIN)
