"""Every factor demonstration in the lessons shows the effect its prose promises (issue 20).

A demonstration is a code cell that calls ``factor_effect`` or ``classify_examples``. Two
checks: the outputs stored in the notebooks (what a learner opening the file sees), and a fresh
run of the same cells against today's package (what a learner running it sees). A demo shows
"No option changes" only when its cell is tagged ``no-change-demo`` (age on its own changes
nothing, and the prose says so); every transplant demo shows DLI and the autologous graft.
"""

from __future__ import annotations

import ast
import re
from html import unescape

import nbformat
import pytest

from ..conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"
NO_CHANGE = "No option changes"
NO_CHANGE_TAG = "no-change-demo"
DEMO_CALLS = ("factor_effect(", "classify_examples(")
LESSONS_WITH_DEMOS = sorted(
    path.name for path in NOTEBOOKS.glob("0*.ipynb")
    if any(call in path.read_text(encoding="utf-8") for call in DEMO_CALLS)
)
# a factor_effect row: option, before, after (attributes such as its phone-layout roles allowed)
ROW = re.compile(
    r'<tr[^>]*><th scope="row"[^>]*>([^<]+)</th><td[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td>'
)
DLI = "Donor lymphocyte infusion (DLI)"
AUTOLOGOUS = "Autologous stem cell transplant"


def _demo_cells(name: str) -> list[nbformat.NotebookNode]:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code"
            and any(call in c.source for call in DEMO_CALLS) and "import" not in c.source]


def _stored_html(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for o in cell.get("outputs", []))


def check_demo(cell: nbformat.NotebookNode, html: str) -> None:
    """What one demonstration must show, given the HTML it produced."""
    where = f"cell {cell.get('id')}: {cell.source.splitlines()[-1].strip()}"
    assert html, f"{where} has no output: run the notebook (python -m aml_teach.teaching.nbrun)"
    rows = {name: (before, after) for name, before, after in ROW.findall(unescape(html))}
    if "factor_effect(" in cell.source:
        tagged = NO_CHANGE_TAG in cell.metadata.get("tags", [])
        assert (NO_CHANGE in html) is tagged, (
            f"{where} shows {'no' if NO_CHANGE in html else 'an'} effect; only cells tagged "
            f"{NO_CHANGE_TAG!r} may show '{NO_CHANGE}'")
        if not tagged:
            assert any(b != a for b, a in rows.values()), f"{where}: no option flips"
    if 'prior_transplant="allogeneic"' in cell.source:
        assert rows.get(DLI) == ("✘ does not apply", "✔ applies"), f"{where}: DLI must open"
        assert rows.get(AUTOLOGOUS) == ("✔ applies", "✘ does not apply"), (
            f"{where}: the autologous route must close")
    if 'prior_transplant="autologous"' in cell.source:
        assert rows.get(DLI) == ("✘ does not apply", "✘ does not apply"), (
            f"{where}: DLI must be shown, and stay closed")
        assert rows.get(AUTOLOGOUS) == ("✔ applies", "✘ does not apply"), where
    assert "prior_transplant=True" not in cell.source, (
        f"{where}: a transplant of unknown type changes nothing; show its type")
    if "classify_examples(" in cell.source:
        text = re.sub(r"<[^>]+>", " ", unescape(html))
        for status in ("refractory", "too early to say", "relapsed", "in remission"):
            assert status in text, f"{where}: no {status} example"
        landmark = re.search(r"days since less intensive therapy began\s*■ refractory", text)
        assert landmark, f"{where}: no worked example of the less intensive landmark"


def _run_cells(name: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Run a notebook's code cells in order, as a kernel would; the HTML of each demo cell."""
    monkeypatch.chdir(NOTEBOOKS)  # show_references reads the notebook from its folder
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    namespace: dict[str, object] = {}
    produced = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, name, "exec"), namespace)  # noqa: S102 (our own notebooks)
        value = eval(compile(ast.Expression(last.value), name, "eval"), namespace) if last else None  # noqa: S307
        if any(call in cell.source for call in DEMO_CALLS):
            produced[cell.id] = getattr(value, "data", "")
    return produced


def test_the_lessons_have_demonstrations():
    assert {"02-relapsed-or-refractory.ipynb", "05-targeted-cns-transplant-support.ipynb"} <= set(
        LESSONS_WITH_DEMOS)


@pytest.mark.parametrize("name", LESSONS_WITH_DEMOS)
def test_stored_demonstrations_show_their_effect(name):
    for cell in _demo_cells(name):
        check_demo(cell, _stored_html(cell))


@pytest.mark.parametrize("name", LESSONS_WITH_DEMOS)
def test_demonstrations_run_today_show_their_effect(name, monkeypatch):
    produced = _run_cells(name, monkeypatch)
    for cell in _demo_cells(name):
        check_demo(cell, produced[cell.id])


def test_both_transplant_types_are_demonstrated_in_02_and_05():
    for name in ("02-relapsed-or-refractory.ipynb", "05-targeted-cns-transplant-support.ipynb"):
        sources = "\n".join(c.source for c in _demo_cells(name))
        assert 'prior_transplant="allogeneic"' in sources, name
        assert 'prior_transplant="autologous"' in sources, name
