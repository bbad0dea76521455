"""Every notebook keeps the module's standards; the checker itself is tried on broken ones.

The lessons share one outline (title, Overview with numbered objectives, Prerequisites with
"Time to learn", sections, Summary, What's next, References, Disclaimer); every notebook has
the standard kernel, no stored errors, no paths of one machine, and only links that resolve.
"""

from __future__ import annotations

import copy
import re
from html import unescape
from pathlib import Path

import nbformat
import pytest

from aml_teach import DISCLAIMER, load_knowledge_base
from aml_teach.teaching.glossary import MARKDOWN_LINK, first_use_problems
from aml_teach.teaching.glossary import NOTEBOOK as GLOSSARY
from aml_teach.teaching.glossary import fragment as term_fragment

from ..conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"
LESSONS = [
    "01-start-here.ipynb",
    "02-relapsed-or-refractory.ipynb",
    "03-the-7-3-schedule.ipynb",
    "04-intensive-or-less-intensive.ipynb",
    "05-targeted-cns-transplant-support.ipynb",
    "06-cases-and-self-check.ipynb",
]
OUTLINE = ["Overview", "Prerequisites", "Summary", "What's next", "References", "Disclaimer"]
KERNEL = "python3"
LINK = re.compile(r"\]\(([^()\s]*(?:\([^()\s]*\))?[^()\s]*)\)|href=\"([^\"]*)\"")
MACHINE_PATH = re.compile(r"(?<![\w.])(?:/(?:home|Users|root|tmp|work|mnt|var/folders)/|"
                          r"[A-Za-z]:\\\\)")


def _load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _markdown(nb: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in nb.cells if cell.cell_type == "markdown"]


def _output_texts(nb: nbformat.NotebookNode) -> list[str]:
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            texts.extend(str(value) for value in output.get("data", {}).values())
            if "text" in output:
                texts.append(output["text"])
    return texts


def _headings(nb: nbformat.NotebookNode, level: int | None = None) -> list[str]:
    found = []
    for text in _markdown(nb):
        for line in text.splitlines():
            match = re.match(r"(#+)\s+(.*)", line)
            if match and (level is None or len(match.group(1)) == level):
                found.append(match.group(2).strip())
    return found


def _anchors(nb: nbformat.NotebookNode) -> set[str]:
    """Ids a link may point to: JupyterLab's heading ids, its ``cell-id=<id>`` fragments
    (also Voila's element ids) and ids in stored HTML outputs."""
    ids = {heading.replace(" ", "-") for heading in _headings(nb)}
    ids.update(f"cell-id={cell.id}" for cell in nb.cells)
    for text in _output_texts(nb):
        ids.update(re.findall(r'\bid="([^"]+)"', text))
    return ids


def _section(nb: nbformat.NotebookNode, title: str) -> list[nbformat.NotebookNode]:
    """The cells from the heading ``## title`` up to the next level-2 heading."""
    cells, inside = [], False
    for cell in nb.cells:
        heading = re.search(r"^##\s+(.*)$", cell.source, re.M) if cell.cell_type == "markdown" \
            else None
        if heading and not cell.source.startswith("###"):
            if inside:
                break
            inside = heading.group(1).strip() == title
        if inside:
            cells.append(cell)
    return cells


def outline_problems(nb: nbformat.NotebookNode, name: str) -> list[str]:
    """What a lesson lacks of the shared outline."""
    problems = []
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown" or not first.source.startswith("# "):
        problems.append("the first cell is not a Markdown title ('# ...')")
    h2 = _headings(nb, 2)
    missing = [title for title in OUTLINE if title not in h2]
    problems += [f"no '## {title}' section" for title in missing]
    if not missing:
        positions = [h2.index(title) for title in OUTLINE]
        if positions != sorted(positions):
            problems.append(f"sections out of order: expected {', '.join(OUTLINE)}")
        if positions[2] - positions[1] < 2:
            problems.append("no teaching section between Prerequisites and Summary")
        overview = "\n".join(c.source for c in _section(nb, "Overview"))
        if not re.search(r"^1\. ", overview, re.M) or not re.search(r"^2\. ", overview, re.M):
            problems.append("the Overview has no numbered learning objectives")
        prerequisites = "\n".join(c.source for c in _section(nb, "Prerequisites"))
        if "| Concept | Importance | Notes |" not in prerequisites:
            problems.append("the Prerequisites have no 'Concept | Importance | Notes' table")
        if "Time to learn" not in prerequisites:
            problems.append("the Prerequisites do not say the 'Time to learn'")
        references = [c for c in _section(nb, "References") if c.cell_type == "code"]
        if not references or f'show_references("{name}")' not in references[0].source:
            problems.append(f'the References section does not call show_references("{name}")')
        disclaimer = [c for c in _section(nb, "Disclaimer") if c.cell_type == "code"]
        stored = "".join(_output_texts(nbformat.v4.new_notebook(cells=disclaimer)))
        if not disclaimer or "disclaimer(" not in disclaimer[0].source or \
                DISCLAIMER not in unescape(stored):
            problems.append("the Disclaimer section does not show disclaimer()")
    return problems


def hygiene_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Kernel, errors and machine paths: what any notebook of the project must get right."""
    problems = []
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != KERNEL:
        problems.append(f"kernel is {kernel!r}, not {KERNEL!r}")
    for number, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"cell {number} has a stored error ({output.get('ename')})")
            if output.get("name") == "stderr":
                problems.append(f"cell {number} has stored stderr output")
        texts = [cell.source, *_output_texts(nbformat.v4.new_notebook(cells=[cell]))]
        for text in texts:
            match = MACHINE_PATH.search(text)
            if match:
                problems.append(f"cell {number} holds an absolute path: {match.group(0)}...")
    return problems


def link_problems(nb: nbformat.NotebookNode, folder: Path) -> list[str]:
    """Links to notebooks, headings, the glossary and references that do not resolve."""
    problems = []
    own = _anchors(nb)
    texts = _markdown(nb) + _output_texts(nb)
    for text in texts:
        for match in LINK.finditer(text):
            target = unescape(match.group(1) or match.group(2))
            if re.match(r"[a-z]+:", target):  # http(s), mailto: resolved by the browser
                continue
            path, _, fragment = target.partition("#")
            if not path:
                if fragment not in own:
                    problems.append(f"link to '#{fragment}' has no target in this notebook")
                continue
            file = folder / path
            if not file.exists():
                problems.append(f"link to '{target}': no file {path}")
                continue
            if fragment and file.suffix == ".ipynb" and fragment not in _anchors(_load(file)):
                problems.append(f"link to '{target}': {path} has no heading '{fragment}'")
    return problems


def notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def test_the_six_lessons_exist_in_reading_order():
    found = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    assert found == LESSONS


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_follows_the_outline(name):
    assert outline_problems(_load(NOTEBOOKS / name), name) == []


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_notebook_hygiene(path):
    assert hygiene_problems(_load(path)) == []


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_every_link_resolves(path):
    assert link_problems(_load(path), path.parent) == []


@pytest.mark.parametrize("name", LESSONS)
def test_every_citation_is_in_the_reference_list(name):
    """Markdown and stored outputs cite ids; each must be in this notebook's list."""
    nb = _load(NOTEBOOKS / name)
    cited = set()
    for text in _markdown(nb) + _output_texts(nb):
        cited.update(re.findall(r"#ref-([a-z0-9-]+)", text))
    listed = set()
    for text in _output_texts(nb):
        listed.update(re.findall(r'<li value="\d+" id="ref-([a-z0-9-]+)"', text))
    assert cited, "a lesson must cite its sources"
    assert cited <= listed, f"cited but not listed: {sorted(cited - listed)}"


@pytest.mark.parametrize("name", LESSONS)
def test_terms_are_linked_to_the_glossary_at_first_use(name):
    assert first_use_problems(_markdown(_load(NOTEBOOKS / name))) == []


def test_every_glossary_term_is_linked_from_some_lesson():
    linked = set()
    for name in LESSONS:
        for text in _markdown(_load(NOTEBOOKS / name)):
            for match in MARKDOWN_LINK.finditer(text):
                path, _, fragment = match.group(2).partition("#")
                if path == GLOSSARY:
                    linked.add(fragment)
    terms = {term_fragment(term) for term in load_knowledge_base().glossary["term"]}
    assert terms - linked == set()


WIDGET_BUILDERS = ("classifier(", "quiz(", "timeline_chooser(", "walkthrough(",
                   "case_questions(", "epi_exercises(", "epi_panel(", "explorer(")


@pytest.mark.parametrize("name", LESSONS)
def test_widget_cells_are_excluded_from_output_comparison(name):
    """A widget's view differs on every run, so its cell carries nbval's ignore tag; every
    other output is compared, so a tag anywhere else would hide a changed table or answer."""
    for cell in _load(NOTEBOOKS / name).cells:
        if cell.cell_type != "code":
            continue
        ignored = "nbval-ignore-output" in cell.metadata.get("tags", [])
        builds_widget = cell.source.strip().startswith(WIDGET_BUILDERS)
        assert ignored == builds_widget, cell.source
        if ignored:
            assert cell.outputs == [], "stored widget views only show an error before a run"


# The checker must catch what it is for: try it on a deliberately broken lesson.


@pytest.fixture
def broken() -> nbformat.NotebookNode:
    nb = copy.deepcopy(_load(NOTEBOOKS / LESSONS[1]))
    nb.metadata["kernelspec"]["name"] = "python2"
    nb.cells = [c for c in nb.cells if not c.source.startswith("## Summary")]
    nb.cells.append(nbformat.v4.new_markdown_cell(
        "See [nowhere](07-missing.ipynb), [a term](glossary.ipynb#no-such-term), "
        "[a source](#ref-not-listed) and /home/someone/data.csv."))
    error = nbformat.v4.new_output("error", ename="ValueError", evalue="x", traceback=[])
    nb.cells.append(nbformat.v4.new_code_cell("1/0", outputs=[error]))
    return nb


def test_checker_catches_a_broken_notebook(broken):
    outline = outline_problems(broken, LESSONS[1])
    hygiene = hygiene_problems(broken)
    links = link_problems(broken, NOTEBOOKS)
    assert "no '## Summary' section" in outline
    assert any("kernel is 'python2'" in p for p in hygiene)
    assert any("stored error (ValueError)" in p for p in hygiene)
    assert any("absolute path" in p for p in hygiene)
    assert any("no file 07-missing.ipynb" in p for p in links)
    assert any("no heading 'no-such-term'" in p for p in links)
    assert any("'#ref-not-listed'" in p for p in links)


def test_checker_catches_a_copied_references_cell_and_a_missing_objective_list():
    nb = copy.deepcopy(_load(NOTEBOOKS / LESSONS[1]))
    assert outline_problems(nb, LESSONS[1]) == []
    for cell in nb.cells:
        cell.source = cell.source.replace(LESSONS[1], LESSONS[0]).replace("\n2. ", "\n- ")
    problems = outline_problems(nb, LESSONS[1])
    assert any("show_references" in p for p in problems)
    assert "the Overview has no numbered learning objectives" in problems


def test_first_use_checker_catches_an_unlinked_term():
    cells = ["# Title", "Relapse is treated with intrathecal chemotherapy here.",
             "Later, [intrathecal chemotherapy]"
             "(glossary.ipynb#cell-id=term-intrathecal-chemotherapy)."]
    problems = first_use_problems(cells)
    assert any(p.startswith("'intrathecal chemotherapy' is used before") for p in problems)
    assert not any("intrathecal" in p for p in first_use_problems([cells[0], cells[2]]))
