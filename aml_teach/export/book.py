"""The course site: Jupyter Book 1 over the notebooks as they are, stored outputs included.

``python -m aml_teach.export.book [--hub-url URL]`` (what ``python3 run.py book`` runs) writes
the generated pages (the reference list from ``data/references.csv``, the effective config),
builds ``_build/html`` without executing anything or fetching anything, and puts the exports
in ``_build/html/downloads/`` for the home page's "Take it with you" links.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from html import escape
from pathlib import Path

import yaml

from . import FORMATS, export
from .sources import DataError, load_knowledge_base

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
GENERATED = BOOK / "_generated"
HUB_VARIABLE = "AML_TEACH_HUB_URL"


def references_page(data: Path | None = None) -> str:
    """Every reference of the knowledge base, each with the id the lessons cite it by."""
    kb = load_knowledge_base(data)
    items = "\n".join(
        f'<li id="ref-{escape(row["id"])}"><strong>{escape(row["id"])}</strong>: '
        f"{escape(row['citation'])}"
        + (f' <a href="{escape(row["url"])}">{escape(row["url"])}</a>' if row["url"] else "")
        + "</li>"
        for row in kb.rows["references"]
    )
    return (
        "# References\n\nEvery source the lessons, the glossary and the options engine cite, "
        "in the order of `data/references.csv`.\n\n"
        f'<ol class="aml-references">\n{items}\n</ol>\n'
    )


def write_sources(hub_url: str | None, data: Path | None = None) -> Path:
    """Write the generated pages and the effective config; return the config's path."""
    GENERATED.mkdir(exist_ok=True)
    (GENERATED / "references.md").write_text(references_page(data), encoding="utf-8")
    config = yaml.safe_load((BOOK / "_config.yml").read_text(encoding="utf-8"))
    if hub_url:
        config["launch_buttons"]["jupyterhub_url"] = hub_url.rstrip("/")
    path = GENERATED / "_config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def build(output: Path = ROOT, hub_url: str | None = None, data: Path | None = None) -> Path:
    """Build the site into ``output/_build/html`` and return that folder."""
    config = write_sources(hub_url, data)
    command = Path(sys.executable).parent / "jupyter-book"
    subprocess.run(
        [str(command), "build", str(ROOT), "--config", str(config),
         "--toc", str(BOOK / "_toc.yml"), "--path-output", str(output), "--all"],
        check=True, cwd=ROOT,
    )
    html = output / "_build" / "html"
    downloads = html / "downloads"
    shutil.rmtree(downloads, ignore_errors=True)
    downloads.mkdir()
    for name in FORMATS:
        export(name, downloads, data=data)
    return html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 run.py book", description=__doc__)
    parser.add_argument("--hub-url", default=os.environ.get(HUB_VARIABLE),
                        help=f"your course JupyterHub, for the launch button (default: "
                        f"${HUB_VARIABLE}; without it there is no JupyterHub button)")
    parser.add_argument("--output", default=str(ROOT), help="folder to hold _build/")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        html = build(Path(args.output), args.hub_url)
    except DataError as error:
        print(error, file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"the book build failed (exit {error.returncode}); see above", file=sys.stderr)
        return 1
    if not args.hub_url:
        print(f"No JupyterHub launch button: set {HUB_VARIABLE} (or --hub-url) to your hub.")
    print(f"Built {html / 'index.html'} in {time.perf_counter() - start:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
