"""Driving JupyterLab as a student does: open a notebook, Run All, read the outputs.

Shared by the JupyterLab tests and the accessibility checks. Every wait is for something the
learner would see (the kernel named idle in the status bar, every code cell numbered).
"""

from __future__ import annotations

import time

from playwright.sync_api import expect

from .conftest import RENDER_TIMEOUT_MS, Lab

WIDGET_ERROR = "Error displaying widget"
# The module's own content in JupyterLab: rendered Markdown and the outputs.
LAB_CONTENT = [".jp-Notebook .jp-RenderedMarkdown", ".jp-Notebook .jp-OutputArea-output"]
# JupyterLab's own interface, which this project does not make: left out of the axe checks.
LAB_CHROME = [
    "#jp-top-panel",
    "#jp-menu-panel",
    "#jp-left-stack",
    "#jp-right-stack",
    ".jp-SideBar",
    "#jp-main-statusbar",
    ".lm-DockPanel-tabBar",
    ".jp-NotebookPanel-toolbar",
    ".jp-InputArea",
    ".jp-Cell-inputWrapper",
    ".jp-OutputPrompt",
    ".jp-toast-container",
]


def open_notebook(page, lab: Lab, name: str) -> None:
    """Open ``name`` and wait for its kernel (choosing the offered kernel if asked)."""
    page.goto(lab.notebook_url(name))
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=RENDER_TIMEOUT_MS)
    select = page.get_by_role("button", name="Select Kernel")
    idle = page.locator("#jp-main-statusbar").get_by_text("Python 3 (ipykernel) | Idle")
    deadline = time.monotonic() + RENDER_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        if select.is_visible():
            select.click()
        if idle.is_visible():
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"{name}: the kernel was not idle within {RENDER_TIMEOUT_MS} ms")


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
    page.locator(".lm-Menu-itemLabel").get_by_text(item, exact=True).click()


def run_all(page) -> None:
    """Run > Run All Cells, then wait until every code cell shows its execution number."""
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        """() => {
            const prompts = [
                ...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=120_000,
    )
    expect(page.locator("#jp-main-statusbar").get_by_text("Python 3 (ipykernel) | Idle")
           ).to_be_visible()


def output_problems(page) -> list[str]:
    """Error outputs, stderr text and widget errors in the open notebook's outputs."""
    return page.evaluate(
        """(widgetError) => {
            const found = [];
            for (const node of document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')) {
                const text = node.textContent || '';
                if (node.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr'
                    || text.includes('Traceback') || text.includes(widgetError)) {
                    found.push(text.slice(0, 300));
                }
            }
            return found;
        }""",
        WIDGET_ERROR,
    )


def cell_kinds(page) -> str:
    """One letter per cell (c: code, m: Markdown, r: raw): a shortcut that changed or
    deleted a cell changes this string."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')].map(c =>
            c.classList.contains('jp-CodeCell') ? 'c'
            : c.classList.contains('jp-MarkdownCell') ? 'm' : 'r').join('')"""
    )
