"""``run.py lab --lang fr`` in real Chromium: the French lesson 01, in a JupyterLab whose own
menus are French (the jupyterlab-language-pack-fr-FR package), and the French lessons only."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from ..classroom.test_run_lab import start_lab, stop_lab
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
