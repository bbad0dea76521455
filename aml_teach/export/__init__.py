"""Exports of the course to where students and instructors already work.

``python -m aml_teach export FORMAT OUT [--lang en|fr] [--data DIR]``; FORMATS names each
format, the file it writes and the module that writes it (imported only when used, so the
command line stays quick). :func:`patient_summary_html`, the one-page summary of a patient
that the handout prints per case, is reusable on its own (e.g. a dashboard print button).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ExportError, LanguageUnavailable
from .text import LANGUAGES, translator


@dataclass(frozen=True)
class Format:
    name: str
    default_name: str
    what: str
    module: str  # aml_teach.export.<module>.write(course, out, lang) writes it

    def write(self, *args: Any) -> list[Path]:
        return importlib.import_module(f"{__name__}.{self.module}").write(*args)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("anki", "aml-teach.apkg",
               "Anki deck (.apkg), a note per question and per glossary term", "anki"),
        Format("moodle", "aml-teach-moodle.xml",
               "Moodle XML question bank, and the glossary beside it as NAME-glossary.xml",
               "moodle"),
        Format("qti", "aml-teach-qti.zip", "QTI 1.2 package (.zip) that Canvas imports",
               "qti"),
        Format("handout", "aml-teach-handout.html",
               "printable one-page summary of each teaching case (.html, or .pdf)", "handout"),
    )
}

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "ExportError",
    "LanguageUnavailable",
    "export",
    "patient_summary_html",
]


def __getattr__(name: str) -> Any:
    if name == "patient_summary_html":
        from .handout import patient_summary_html

        return patient_summary_html
    raise AttributeError(name)


def export(name: str, out: Path | str, lang: str = "en", data: Path | str | None = None
           ) -> list[Path]:
    """Write format ``name`` to ``out`` (a file, or a folder to hold the default file name)
    and return the files written; nothing is written if anything is wrong.

    Raises ExportError, LanguageUnavailable, or DataError (broken tables).
    """
    if name not in FORMATS:
        raise ExportError(f"unknown format {name!r}; choose one of: {', '.join(FORMATS)}")
    fmt = FORMATS[name]
    tr = translator(lang)  # first: an unavailable language writes nothing
    out = Path(out)
    if out.is_dir():
        out = out / fmt.default_name
    if not out.parent.is_dir():
        raise ExportError(f"cannot write {out}: the folder {out.parent} does not exist")
    from .common import Course
    from .sources import load_knowledge_base

    course = Course(load_knowledge_base(data), tr)
    return fmt.write(course, out, lang)
