"""The French lessons (notebooks/fr) are the English lessons in French, and nothing else.

Their code cells are the English ones with ``lang="fr"`` added to every call that shows words
(the same AST once that keyword is taken out), so the French lessons can never teach other
rules, doses or cases; their Markdown says the same in the same shape (headings, citations,
links) with no English left in it; their stored outputs are in French, without errors.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from aml_teach.teaching.glossary import MARKDOWN_LINK
from aml_teach.teaching.glossary import NOTEBOOK as GLOSSARY

from ..conftest import ROOT
from ..leaks import leaks, visible_text

ENGLISH = ROOT / "notebooks"
FRENCH = ENGLISH / "fr"
LESSONS = sorted(p.name for p in ENGLISH.glob("0*.ipynb"))
NOTEBOOKS = [*LESSONS, GLOSSARY]
# the package's rooms whose functions put words in front of a reader
READER_MODULES = ("aml_teach.teaching", "aml_teach.app")
LANG = "fr"
HEADING = re.compile(r"^(#+)\s", re.MULTILINE)
CITATION = re.compile(r"\(#ref-([a-z0-9-]+)\)")
REFERENCE_LIST = re.compile(r'<ol class="aml-references">.*?</ol>', re.DOTALL)


def _load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _cells(nb: nbformat.NotebookNode, kind: str) -> list[nbformat.NotebookNode]:
    return [cell for cell in nb.cells if cell.cell_type == kind]


def reader_functions(nb: nbformat.NotebookNode) -> set[str]:
    """The names a notebook imports from the rooms that write for a reader."""
    names = set()
    for cell in _cells(nb, "code"):
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    READER_MODULES):
                names.update(alias.asname or alias.name for alias in node.names)
    return names


def _is_lang(keyword: ast.keyword) -> bool:
    return (keyword.arg == "lang" and isinstance(keyword.value, ast.Constant)
            and keyword.value.value == LANG)


class _DropLang(ast.NodeTransformer):
    """Takes ``lang="fr"`` out of every call, noting which functions had it."""

    def __init__(self) -> None:
        self.with_lang: list[str] = []

    def visit_Call(self, node: ast.Call) -> ast.Call:
        self.generic_visit(node)
        if any(_is_lang(k) for k in node.keywords):
            self.with_lang.append(ast.unparse(node.func))
            node.keywords = [k for k in node.keywords if not _is_lang(k)]
        return node


def code_differences(english: str, french: str, readers: set[str]) -> list[str]:
    """How a French code cell differs from its English one beyond ``lang="fr"`` on each call
    that shows words (empty when it is the English cell plus exactly that)."""
    dropper = _DropLang()
    stripped = dropper.visit(ast.parse(french))
    problems = []
    if ast.dump(stripped) != ast.dump(ast.parse(english)):
        problems.append(f"differs from the English cell beyond lang={LANG!r}:\n{french}")
    calls = [ast.unparse(n.func) for n in ast.walk(ast.parse(english))
             if isinstance(n, ast.Call)]
    wanted = sorted(c for c in calls if c in readers)
    if sorted(dropper.with_lang) != wanted:
        problems.append(f"lang={LANG!r} is on {sorted(dropper.with_lang)}; every call that "
                        f"shows words, and only those, needs it: {wanted}")
    return problems


def markdown_shape(text: str) -> dict[str, list[str]]:
    """What a translation keeps: heading levels in order, and every citation and link target
    (French word order may move a link within its cell)."""
    return {
        "headings": HEADING.findall(text),
        "citations": sorted(CITATION.findall(text)),
        "links": sorted(target for _, target in MARKDOWN_LINK.findall(text)),
    }


def prose(text: str) -> str:
    """Markdown as read: link targets and code spans left out (ids and code are not prose)."""
    text = MARKDOWN_LINK.sub(lambda m: m.group(1), text)
    return re.sub(r"`[^`]*`", " ", text)


def output_text(nb: nbformat.NotebookNode) -> str:
    """The words the stored outputs show, the reference lists (citations, the same in both
    languages) left out."""
    texts = []
    for cell in _cells(nb, "code"):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                texts.append(visible_text(REFERENCE_LIST.sub(" ", data["text/html"])))
            elif "text/plain" in data:
                texts.append(data["text/plain"])
            texts.append(output.get("text", ""))
    return "\n".join(texts)


@pytest.fixture(scope="module", params=NOTEBOOKS)
def pair(request) -> tuple[str, nbformat.NotebookNode, nbformat.NotebookNode]:
    name = request.param
    assert (FRENCH / name).is_file(), f"notebooks/fr/{name} is missing"
    return name, _load(ENGLISH / name), _load(FRENCH / name)


def test_every_lesson_has_its_french_notebook():
    assert sorted(p.name for p in FRENCH.glob("*.ipynb") if p.name != "dashboard.ipynb") == \
        sorted(NOTEBOOKS)


def test_code_cells_are_the_english_ones_with_lang_fr(pair):
    name, english, french = pair
    en_code, fr_code = _cells(english, "code"), _cells(french, "code")
    assert len(fr_code) == len(en_code), f"{name}: {len(fr_code)} code cells, not {len(en_code)}"
    readers = reader_functions(english) - {"Patient"}
    problems = []
    for number, (en, fr) in enumerate(zip(en_code, fr_code, strict=True), start=1):
        problems += [f"{name}, code cell {number}: {p}"
                     for p in code_differences(en.source, fr.source, readers)]
        if fr.metadata.get("tags") != en.metadata.get("tags"):
            problems.append(f"{name}, code cell {number}: tags differ from the English cell")
    assert problems == [], "\n".join(problems)


def test_the_markdown_has_the_english_shape(pair):
    """Same cells in the same order, each with the English headings (levels), citations and
    links: a translation that drops a source or a section fails."""
    name, english, french = pair
    assert [c.cell_type for c in french.cells] == [c.cell_type for c in english.cells], name
    # cells are paired by id: the glossary's terms are in French alphabetical order
    english_cells = {cell.id: cell for cell in _cells(english, "markdown")}
    french_cells = {cell.id: cell for cell in _cells(french, "markdown")}
    assert french_cells.keys() == english_cells.keys(), name
    for cell_id, fr in french_cells.items():
        assert markdown_shape(fr.source) == markdown_shape(english_cells[cell_id].source), \
            f"{name}, Markdown cell {cell_id}:\n{fr.source[:300]}"


def test_the_markdown_has_no_english(pair):
    name, _english, french = pair
    found = {f"cell {n}": leaks(prose(cell.source))
             for n, cell in enumerate(_cells(french, "markdown"), start=1)}
    assert {k: v for k, v in found.items() if v} == {}, name


def test_glossary_links_land_on_a_french_term():
    glossary_ids = {cell.id for cell in _load(FRENCH / GLOSSARY).cells}
    missing = []
    for name in NOTEBOOKS:
        for cell in _cells(_load(FRENCH / name), "markdown"):
            for _, target in MARKDOWN_LINK.findall(cell.source):
                if target.startswith(f"{GLOSSARY}#cell-id="):
                    if target.split("=", 1)[1] not in glossary_ids:
                        missing.append(f"{name}: {target}")
    assert missing == []


def test_outputs_are_stored_in_french_without_errors(pair):
    """Executed (nbrun), with no stored error and no English in what the outputs show."""
    name, english, french = pair
    assert french.metadata.get("aml_teach", {}).get("lang") == LANG, \
        f"{name}: its metadata does not say aml_teach.lang = {LANG!r}"
    code = _cells(french, "code")
    shown = [c for c, e in zip(code, _cells(english, "code"), strict=True) if e.outputs]
    assert all(c.outputs for c in shown), f"{name}: not executed (run aml_teach.teaching.nbrun)"
    errors = [o for c in code for o in c.outputs
              if o.output_type == "error" or o.get("name") == "stderr"]
    assert errors == [], name
    assert leaks(output_text(french)) == [], name


def test_the_checks_catch_a_changed_cell_and_a_missing_lang():
    readers = {"factor_effect", "quiz"}
    english = 'factor_effect(p, "age", age=75)\nquiz("q-1")'
    assert code_differences(english, 'factor_effect(p, "age", age=75, lang="fr")\n'
                            'quiz("q-1", lang="fr")', readers) == []
    # a dose, an age or a question changed while translating
    assert code_differences(english, 'factor_effect(p, "age", age=76, lang="fr")\n'
                            'quiz("q-1", lang="fr")', readers)
    # a call that shows words left in English
    assert code_differences(english, 'factor_effect(p, "age", age=75, lang="fr")\n'
                            'quiz("q-1")', readers)
    # a translated caption passed in place of the English one the catalogue translates
    assert code_differences(english, 'factor_effect(p, "âge", age=75, lang="fr")\n'
                            'quiz("q-1", lang="fr")', readers)
    assert markdown_shape("## A\n[x](#ref-a)") != markdown_shape("## A\nx")
    assert leaks(prose("Les options [that apply to the patient](#ref-a) changent."))
