"""The glossary notebook, generated from ``data/glossary.csv``.

Lessons link a term at its first use to ``glossary.ipynb#cell-id=term-<slug>``: the id of the
term's own cell. JupyterLab draws only the cells near the screen, so a heading further down
does not exist when a link asks for it (the first click opened the glossary at its top); a
``cell-id=`` fragment is looked up in the notebook itself, so one click lands on the term.
Voila (nbconvert's lab template) gives every cell the element id ``cell-id=<id>``, so the same
link works there. Regenerate after editing the CSV with ``python -m aml_teach.teaching.glossary``; a
test fails while the two differ.

The French glossary (``python -m aml_teach.teaching.glossary --lang fr``, written to
``notebooks/fr/glossary.ipynb``) shows each term's French name and definition
(``data/fr/glossary.csv``) in French alphabetical order; a term's cell keeps the id made from
its English id, so a link is the same in both languages.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

import nbformat

from ..core.i18n import DEFAULT_LANGUAGE, check_lang, translator
from ..core.knowledge import KnowledgeBase, load_knowledge_base
from ..core.translated_tables import localized

NOTEBOOK = "glossary.ipynb"
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
DEFAULT_PATH = NOTEBOOKS / NOTEBOOK
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def default_path(lang: str = DEFAULT_LANGUAGE) -> Path:
    """``notebooks/glossary.ipynb``, or ``notebooks/<lang>/glossary.ipynb`` for a translation."""
    if check_lang(lang) == DEFAULT_LANGUAGE:
        return DEFAULT_PATH
    return NOTEBOOKS / lang / NOTEBOOK


def anchor(term: str) -> str:
    """The id JupyterLab gives the heading of ``term``: spaces become ``-``."""
    return term.replace(" ", "-")


def cell_id(term: str) -> str:
    """The id of the term's cell: ``term-`` and its letters and digits, e.g. ``term-IDH1-IDH2``
    (nbformat allows only letters, digits, ``-`` and ``_`` in a cell id)."""
    return "term-" + re.sub(r"[^A-Za-z0-9]+", "-", term).strip("-")


def fragment(term: str) -> str:
    """The part after ``#`` in a link to ``term``: JupyterLab's and Voila's cell anchor."""
    return f"cell-id={cell_id(term)}"


def href(term: str) -> str:
    """The link from a lesson to a term, e.g. ``glossary.ipynb#cell-id=term-lumbar-puncture``."""
    return f"{NOTEBOOK}#{fragment(term)}"


def _sort_key(text: str) -> str:
    """Alphabetical order as a dictionary has it: ignoring case and accents (é with e)."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if not unicodedata.combining(c))


def names(kb: KnowledgeBase | None = None, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Each term's id and its name in ``lang`` (in English the id itself)."""
    kb = localized(kb or load_knowledge_base(), lang)
    return {row["term"]: row["name"] for row in kb.rows["glossary"]}


def name(term: str, kb: KnowledgeBase | None = None, lang: str = DEFAULT_LANGUAGE) -> str:
    """A term's name in ``lang``."""
    return names(kb, lang)[term]


def terms(kb: KnowledgeBase | None = None, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """The glossary's term ids in the order shown: alphabetical by their name in ``lang``,
    ignoring case (and accents)."""
    named = names(kb, lang)
    return sorted(named, key=lambda term: _sort_key(named[term]))


def glossary_sources(kb: KnowledgeBase | None = None) -> list[str]:
    """Reference ids behind the definitions, for the glossary's reference list."""
    kb = kb or load_knowledge_base()
    return list(dict.fromkeys(s for sources in kb.glossary["sources"] for s in sources))


def _term_cell(term: str, definition: str, sources: tuple[str, ...]) -> str:
    links = "; ".join(f"[{s}](#ref-{s})" for s in sources)
    return f"### {term}\n\n{definition} [{links}]"


def _lang_argument(lang: str, first: bool) -> str:
    """The language argument a French notebook's code cell adds to the English call."""
    if lang == DEFAULT_LANGUAGE:
        return ""
    return f'{"" if first else ", "}lang="{lang}"'


def build(kb: KnowledgeBase | None = None, lang: str = DEFAULT_LANGUAGE
          ) -> nbformat.NotebookNode:
    """The glossary notebook (without outputs): title, one cell per term, references.

    In another language its words are that language's and its code cells the English ones
    with ``lang="<lang>"`` added, as every translated lesson's.
    """
    _ = translator(lang)
    kb = kb or load_knowledge_base()
    table = localized(kb, lang).keyed("glossary")
    command = "python -m aml_teach.teaching.glossary" + (
        f" --lang {lang}" if lang != DEFAULT_LANGUAGE else "")
    source = "data/glossary.csv" if lang == DEFAULT_LANGUAGE else f"data/{lang}/glossary.csv"
    cells = [
        nbformat.v4.new_markdown_cell(
            "# " + _("Glossary") + "\n\n"
            + _("The terms this module uses, in alphabetical order, each with a short "
                "definition and its sources. The lessons link a term here the first time they "
                "use it. Start the module at {start}.",
                start="[" + _("Start here") + "](01-start-here.ipynb)") + "\n\n*"
            + _("This notebook is generated from `{table}`; edit the table, then run "
                "`{command}` to rebuild it.", table=source, command=command) + "*"
        ),
        nbformat.v4.new_markdown_cell("## " + _("Terms")),
    ]
    ordered = terms(kb, lang)
    ids = [cell_id(term) for term in ordered]
    clashes = sorted({i for i in ids if ids.count(i) > 1})
    if clashes:
        raise ValueError(f"data/glossary.csv: terms differing only in punctuation share the "
                         f"cell id(s) {clashes}; rename one of them")
    for term in ordered:
        row = table[term]
        cells.append(nbformat.v4.new_markdown_cell(
            _term_cell(row["name"], row["definition"], tuple(row["sources"])), id=cell_id(term)))
    cells += [
        nbformat.v4.new_markdown_cell("## " + _("References")),
        nbformat.v4.new_code_cell(
            "from aml_teach.teaching.lessons import disclaimer, show_references\n\n"
            f'show_references("{NOTEBOOK}"{_lang_argument(lang, first=False)})'
        ),
        nbformat.v4.new_markdown_cell("## " + _("Disclaimer")),
        nbformat.v4.new_code_cell(f"disclaimer({_lang_argument(lang, first=True)})"),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    notebook.metadata["language_info"] = {"name": "python"}
    if lang != DEFAULT_LANGUAGE:
        notebook.metadata["aml_teach"] = {"lang": lang}
    return notebook


MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\(([^()\s]*(?:\([^()\s]*\))?[^()\s]*)\)")
CODE_SPAN = re.compile(r"`[^`]*`")


def _core(term: str) -> str:
    """How prose writes a term: 'complete remission (CR)' -> 'complete remission'."""
    return re.sub(r"\s*\([^)]*\)$", "", term)


def _pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(_core(term))}(?:s|es)?(?![\w-])", re.IGNORECASE)


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def _prose(cells: list[str]) -> tuple[str, list[tuple[int, str]]]:
    """The cells joined, with headings, code spans and links blanked (lengths kept).

    Returns the text and the glossary links found: (position, anchor).
    """
    text, links = "", []
    for cell in cells:
        body = "\n".join(_blank(line) if line.lstrip().startswith("#") else line
                         for line in cell.split("\n"))
        body = CODE_SPAN.sub(lambda m: _blank(m.group(0)), body)

        def mask(match: re.Match[str], base: int = len(text)) -> str:
            target = match.group(2)
            if target.startswith(f"{NOTEBOOK}#"):
                links.append((base + match.start(), target.split("#", 1)[1]))
            return _blank(match.group(0))

        text += MARKDOWN_LINK.sub(mask, body) + "\n"
    return text, links


def _unlinked_use(term: str, text: str, links: list[tuple[int, str]],
                  shown: str | None = None) -> re.Match[str] | None:
    use = _pattern(shown or term).search(text)
    if use is None:
        return None
    linked = [position for position, target in links if target == fragment(term)]
    return use if not linked or linked[0] > use.start() else None


def first_use_problems(cells: list[str], kb: KnowledgeBase | None = None,
                       lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Glossary terms a notebook uses in prose before (or without) linking them to the glossary.

    ``cells`` are the Markdown cells in order (of a lesson in ``lang``: its terms are looked
    for by their names in ``lang``). Headings, code spans and the text of other links do not
    count as a use; a link to the term, at or before its first use, satisfies it.
    """
    text, links = _prose(cells)
    named = names(kb, lang)
    problems = []
    for term in terms(kb, lang):
        use = _unlinked_use(term, text, links, named[term])
        if use is not None:
            snippet = text[max(0, use.start() - 30): use.end() + 30].replace("\n", " ").strip()
            problems.append(f"'{named[term]}' is used before it is linked: ...{snippet}...")
    return problems


def link_first_uses(cells: list[str], kb: KnowledgeBase | None = None,
                    lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Link each term's first use that :func:`first_use_problems` would report, longest first.

    A help for authors; read the result, since a first use inside a sentence is not always
    the best place for the link.
    """
    cells = list(cells)
    named = names(kb, lang)
    for term in sorted(terms(kb, lang), key=lambda t: len(named[t]), reverse=True):
        text, links = _prose(cells)
        use = _unlinked_use(term, text, links, named[term])
        if use is None:
            continue
        start = use.start()
        for index, cell in enumerate(cells):
            if start <= len(cell):
                words = cell[start:start + len(use.group(0))]
                cells[index] = f"{cell[:start]}[{words}]({href(term)}){cell[start + len(words):]}"
                break
            start -= len(cell) + 1
    return cells


def sources_of(notebook: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(cell type, source) of every cell: what must match between stored and generated."""
    return [(cell.cell_type, "".join(cell.source)) for cell in notebook.cells]


def write(path: Path | None = None, lang: str = DEFAULT_LANGUAGE) -> Path:
    """Write the glossary notebook (in ``lang``) and run it in place so its stored outputs
    are current."""
    from .nbrun import execute_in_place

    path = Path(path) if path is not None else default_path(lang)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: the folder {path.parent} does not exist")
    notebook = build(lang=lang)
    for number, cell in enumerate(notebook.cells):
        if not cell.id.startswith("term-"):  # a term's cell keeps the id lessons link to
            cell.id = f"glossary-{number}"  # stable ids: regenerating changes nothing needlessly
    nbformat.write(notebook, path)  # first, so the references cell can read the Markdown
    execute_in_place(path)
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m aml_teach.teaching.glossary [--lang fr] [PATH]``."""
    parser = argparse.ArgumentParser(
        prog="python -m aml_teach.teaching.glossary",
        description="Write the glossary notebook from the glossary table and run it.")
    parser.add_argument("--lang", default=DEFAULT_LANGUAGE, help="en (default) or fr")
    parser.add_argument("path", nargs="?", help="the notebook to write (default: "
                        "notebooks/glossary.ipynb, or notebooks/<lang>/glossary.ipynb)")
    args = parser.parse_args(argv)
    try:
        lang = check_lang(args.lang)
        path = write(Path(args.path) if args.path else None, lang)
    except (ValueError, FileNotFoundError) as error:
        print(f"glossary: {error}", file=sys.stderr)
        return 2
    print(f"wrote {path} with {len(terms(lang=lang))} terms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
