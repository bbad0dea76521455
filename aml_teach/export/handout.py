"""A handout of every teaching case, each on its own printed page.

Each page is the one-patient summary the dashboard prints (:func:`patient_summary_html`,
built in :mod:`aml_teach.teaching.summary` and re-exported here). Citations take one form:
``[n]`` linked to the numbered full reference listed at the end of the document.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from . import sources
from .common import Course, atomic_files
from .errors import ExportError

patient_summary_html = sources.patient_summary_html
Citations = sources.Citations
CSS = sources.SUMMARY_CSS
summary_body = sources.summary_body
disclaimer_html = sources.disclaimer_html

PAGE_CSS = """
body { margin: 0; padding: 1rem; background: #f4f4f4; }
.aml-handout { background: #fff; max-width: 62rem; margin: 0 auto 1.5rem; padding: 1.2rem 1.5rem;
  box-shadow: 0 1px 3px rgba(0, 0, 0, 0.2); }
.aml-handout header p { margin: 0; color: #444; font: 0.9rem system-ui, sans-serif; }
.aml-handout h1 { font: 600 1.45rem/1.2 system-ui, sans-serif; margin: 0.1em 0 0.2em; }
.aml-intro { max-width: 62rem; margin: 0 auto 1rem; font: 1rem/1.4 system-ui, sans-serif; }
.aml-intro h1 { font-size: 1.7rem; margin: 0.3em 0; }
.aml-intro ul { columns: 2 16rem; } .aml-intro li { padding: 0.2em 0; break-inside: avoid; }
.aml-handout .aml-summary { max-width: none; }
@media (max-width: 30rem) { body { padding: 0.4rem; } .aml-handout { padding: 0.8rem; } }
@media print {
  body { background: none; padding: 0; }
  .aml-intro { display: none; }
  .aml-handout { box-shadow: none; padding: 0; margin: 0; max-width: none; }
  .aml-handout + .aml-handout { break-before: page; }
  #aml-references .aml-sources { column-count: 2; column-gap: 1.4em; font-size: 7.5pt; }
  .aml-handout h1 { font-size: 13pt; }
  .aml-handout header p { font-size: 8pt; }
}
"""


def handout_html(course: Course, lang: str = "en") -> str:
    """Every teaching case, one per printed page, then the references they cite (numbered in
    order of first use across the document), in one HTML document."""
    tr = course.tr
    citations = Citations(course.kb, "aml")
    pages, contents = [], []
    cases = course.text.rows["cases"]
    for number, case in enumerate(cases, start=1):
        ident = escape(case["case"])
        patient = sources.case_patient(case["case"], course.kb)
        body = summary_body(patient, course.kb, tr, citations, case["story"], case["sources"])
        contents.append(f'<li><a href="#{ident}">{escape(case["title"])}</a></li>')
        pages.append(
            f'<article class="aml-handout" id="{ident}" aria-labelledby="{ident}-title">'
            f'<header><p>{escape(tr("module"))} · '
            f'{escape(tr("case_label", number=number, total=len(cases)))}</p>'
            f'<h1 id="{ident}-title">{escape(case["title"])}</h1></header>'
            f'<section class="aml-summary">{body}{disclaimer_html(tr)}</section></article>')
    references = (f'<article class="aml-handout" id="aml-references">'
                  f'<section class="aml-summary">{citations.list_html(tr)}</section></article>')
    return (
        f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(tr('handout_title'))}</title><style>{CSS}{PAGE_CSS}</style></head>"
        f'<body><main><div class="aml-intro"><h1>{escape(tr("handout_title"))}</h1>'
        f"<p>{escape(tr('print_hint'))}</p><p><strong>{escape(tr('disclaimer'))}</strong></p>"
        f"<ul>{''.join(contents)}</ul></div>{''.join(pages)}{references}</main></body></html>"
    )


def pdf_bytes(html: str) -> bytes:
    """The handout printed to PDF by WeasyPrint (offline: the page loads nothing outside)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # OSError: the Pango library is missing
        raise ExportError(
            f"a PDF handout needs WeasyPrint and the Pango library ({error}); install them "
            "(pip install 'aml-teach[pdf]'; apt-get install libpango-1.0-0), or write .html "
            "and print it from a browser"
        ) from error
    return HTML(string=html).write_pdf()


def write(course: Course, out: Path, lang: str = "en") -> list[Path]:
    """HTML, or PDF when ``out`` ends in ``.pdf``."""
    html = handout_html(course, lang)
    content = pdf_bytes(html) if out.suffix.lower() == ".pdf" else html.encode("utf-8")
    with atomic_files(out) as (temp,):
        temp.write_bytes(content)
    return [out]
