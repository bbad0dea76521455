"""A Sphinx extension for the course site: the glossary's terms answer the lessons' links, and
an interactive cell says how to use it.

Lessons link a term to ``glossary.ipynb#cell-id=term-<slug>``, the id JupyterLab and Voila
give the term's cell; on the site the term is a section named by its heading, so each term
section also gets the ``cell-id=`` id and the same links land on it.

A widget cell (quiz, explorer) is stored without output (its output is tagged
``nbval-ignore-output``), so on a static page it would be a bare line of code; it gets a note
that the launch button opens the lesson live, where it works.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

GLOSSARY_DOC = "notebooks/glossary"
WIDGET_TAG = "nbval-ignore-output"
LANG = "en"


def _add_cell_ids(app: Any, doctree: nodes.document, docname: str) -> None:
    if docname != GLOSSARY_DOC:
        return
    from .sources import glossary_cell_id

    for section in doctree.findall(nodes.section):
        title = section.next_node(nodes.title)
        if title is not None:
            section["ids"].append(f"cell-id={glossary_cell_id(title.astext())}")


def _note_live_cells(app: Any, doctree: nodes.document) -> None:
    from .text import translator

    note = translator(LANG)("live_note")
    for cell in doctree.findall(nodes.container):
        tags = (cell.get("cell_metadata") or {}).get("tags", [])
        if cell.get("nb_element") != "cell_code" or WIDGET_TAG not in tags:
            continue
        if any("cell_output" in child.get("classes", []) for child in cell.children):
            continue
        cell += nodes.paragraph(note, note, classes=["aml-live-note"])


def setup(app: Any) -> dict[str, Any]:
    app.connect("doctree-resolved", _add_cell_ids)
    app.connect("doctree-read", _note_live_cells)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
