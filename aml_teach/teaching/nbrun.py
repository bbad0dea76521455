"""Run notebooks in place so their stored outputs are current:
``python -m aml_teach.teaching.nbrun``.

nbval compares each notebook's stored outputs with a fresh run, so after an edit to ``data/``
or to a notebook the stored outputs must be refreshed; this does it the same way every time
(kernel ``python3``, run from the notebook's folder, no timing metadata to churn diffs).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .page_words import page_words

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _drop_widget_views(notebook: nbformat.NotebookNode) -> None:
    """Widgets come alive only in a running kernel; a stored view shows an error until then."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if WIDGET_VIEW not in o.get("data", {})]


def _store_page_words(notebook: nbformat.NotebookNode) -> None:
    """A lesson in another language carries the class page's own words in that language."""
    meta = notebook.metadata.get("aml_teach")
    if meta and meta.get("lang"):
        meta["page_words"] = page_words(meta["lang"])


def execute_in_place(path: Path, timeout: int = 120) -> nbformat.NotebookNode:
    """Execute one notebook from its own folder and write it back with its outputs."""
    notebook = nbformat.read(path, as_version=4)
    _store_page_words(notebook)
    client = NotebookClient(notebook, kernel_name="python3", timeout=timeout,
                            record_timing=False, store_widget_state=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    _drop_widget_views(notebook)
    nbformat.write(notebook, path)
    return notebook


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    for path in paths or sorted(NOTEBOOKS.glob("*.ipynb")):
        execute_in_place(path.resolve())
        print(f"ran {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
