"""A printable one-page summary of a patient, and a handout of every teaching case.

:func:`patient_summary_html` is self-contained (its own scoped CSS, print rules included), so
the dashboard can show or print it as it is. Citations take one form: ``[n]`` linked to the
numbered full reference listed at the end of the same summary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape
from pathlib import Path

from . import sources
from .common import Course, atomic_files
from .errors import ExportError
from .text import Translator, translator

INLINE_IDS = re.compile(r"\s*\(([a-z0-9][a-z0-9-]*(?:;\s*[a-z0-9][a-z0-9-]*)*)\)")
LEAD = re.compile(r"^(?:Applies|Does not apply)\s*:\s*")

CSS = """
.aml-summary { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111;
  max-width: 60rem; margin: 0 auto; }
.aml-summary h2 { font-size: 1.05em; margin: 1em 0 0.35em; border-bottom: 1px solid #999;
  break-after: avoid; }
.aml-summary h2 .aml-count { font-weight: normal; color: #444; }
.aml-summary .aml-story { margin: 0.3em 0 0.6em; }
.aml-summary dl { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
  gap: 0.1em 1.5em; margin: 0; }
.aml-summary dl div { display: flex; gap: 0.5em; justify-content: space-between;
  border-bottom: 1px dotted #bbb; }
.aml-summary dt { font-weight: 600; } .aml-summary dd { margin: 0; text-align: right; }
.aml-summary ul { margin: 0; padding-left: 1.1em; }
.aml-summary li { margin: 0.15em 0; break-inside: avoid; }
.aml-summary .aml-category { color: #444; font-size: 0.9em; }
.aml-summary .aml-sources { font-size: 0.85em; padding-left: 2em; margin: 0; }
.aml-summary .aml-sources li { overflow-wrap: anywhere; }
.aml-summary a { color: #0645ad; }
.aml-summary .aml-disclaimer { font-size: 0.85em; border: 1px solid #999; padding: 0.3em 0.6em;
  margin: 0.8em 0 0; }
@media print {
  @page { size: A4; margin: 10mm 11mm; }
  .aml-summary { font-size: 8.2pt; line-height: 1.28; max-width: none; }
  .aml-summary h2 { margin: 0.55em 0 0.2em; }
  .aml-summary .aml-columns { column-count: 2; column-gap: 1.4em; }
  .aml-summary dl { grid-template-columns: 1fr 1fr; }
  .aml-summary a { color: inherit; text-decoration: none; }
  .aml-summary .aml-sources { font-size: 0.92em; }
  .aml-summary .aml-disclaimer { margin-top: 0.5em; }
}
"""


class _Citations:
    """Numbers references in order of first use; renders ``[n]`` links to the list."""

    def __init__(self, kb: sources.KnowledgeBase, anchor: str) -> None:
        self.kb = kb
        self.anchor = anchor
        self.numbers: dict[str, int] = {}

    def cite(self, ids: Iterable[str]) -> str:
        marks = sorted({self.numbers.setdefault(i, len(self.numbers) + 1) for i in ids})
        links = ", ".join(f'<a href="#{self.anchor}-ref-{n}">{n}</a>' for n in marks)
        return f"[{links}]" if marks else ""

    def text(self, words: str) -> tuple[str, set[str]]:
        """Escaped text whose ``(id)`` or ``(id; id)`` mentions of references become numbered
        citations (the engine's reasons name their sources by id); also the ids so cited."""
        known = self.kb.keyed("references")
        parts, last, cited = [], 0, set()
        for match in INLINE_IDS.finditer(words):
            ids = [i.strip() for i in match.group(1).split(";")]
            if all(i in known for i in ids):
                parts += [escape(words[last:match.start()]), " ", self.cite(ids)]
                last = match.end()
                cited.update(ids)
        return "".join(parts) + escape(words[last:]), cited

    def list_html(self, tr: Translator) -> str:
        items = []
        for ref, number in self.numbers.items():
            row = self.kb.row("references", ref)
            url = f' <a href="{escape(row["url"])}">{escape(row["url"])}</a>' if row["url"] else ""
            items.append(f'<li id="{self.anchor}-ref-{number}" value="{number}">'
                         f"{escape(row['citation'])}{url}</li>")
        return (f"<h2>{escape(tr('references'))}</h2>"
                f'<ol class="aml-sources">{"".join(items)}</ol>')


def _factors(patient: sources.Patient, kb: sources.KnowledgeBase, tr: Translator) -> str:
    names = {row["option"]: row["name"] for row in kb.option_rows}
    yes_no = {True: tr("yes"), False: tr("no")}
    facts = {
        tr("age"): tr("age_value", age=patient.age),
        tr("fit"): yes_no[patient.fit_for_intensive],
        tr("disease"): tr(patient.disease),
        tr("remission"): (tr("remission_none") if patient.remission_months is None
                          else tr("remission_value", months=patient.remission_months)),
        tr("prior"): "; ".join(names.get(o, o) for o in patient.prior_treatments) or tr("none"),
        tr("cns"): yes_no[patient.cns],
        tr("markers"): ", ".join(sorted(patient.markers)) or tr("markers_none"),
        tr("donor"): yes_no[patient.matched_donor],
        tr("transplant"): patient.transplant_type or tr("none"),
        tr("white_count"): (tr("not_given") if patient.white_cell_count is None
                            else tr("white_count_value", count=patient.white_cell_count)),
    }
    rows = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(str(v))}</dd></div>"
                   for k, v in facts.items())
    return f"<h2>{escape(tr('factors'))}</h2><dl>{rows}</dl>"


def _reason(record: dict, note: str) -> str:
    """The engine's reason without its lead word (the heading says it) or the option's
    background note (the lessons teach it; one page has room for the rule only)."""
    reason = record["reason"]
    if note and reason.endswith(note):
        reason = reason[: -len(note)].rstrip()
    reason = LEAD.sub("", reason)
    return reason[:1].upper() + reason[1:]


def _options(records: list[dict], kb: sources.KnowledgeBase, tr: Translator,
             citations: _Citations, applies: bool) -> str:
    notes = {row["option"]: row["note"] for row in kb.option_rows}
    chosen = [r for r in records if r["applies"] is applies]
    heading = tr("options_apply" if applies else "options_do_not_apply")
    if not chosen:
        body = f"<p>{escape(tr('none_apply' if applies else 'none_excluded'))}</p>"
    else:
        items = []
        for record in chosen:
            star = f" {escape(tr('beyond_seed'))}" if record["beyond_seed"] else ""
            reason, inline = citations.text(_reason(record, notes[record["option"]]))
            rest = citations.cite(s for s in record["sources"] if s not in inline)
            items.append(
                f"<li><strong>{escape(record['name'])}</strong> "
                f'<span class="aml-category">({escape(record["category"])}{star})</span>: '
                f"{reason} {rest}</li>")
        body = f"<ul>{''.join(items)}</ul>"
    return (f'<h2>{escape(heading)} <span class="aml-count">({len(chosen)})</span></h2>{body}')


def _summary_body(patient: sources.Patient, kb: sources.KnowledgeBase, tr: Translator,
                  citations: _Citations, story: str, story_sources: Iterable[str]) -> str:
    records = sources.evaluate_options(patient, True, kb)
    story_html = (f'<p class="aml-story">{escape(story)} {citations.cite(story_sources)}</p>'
                  if story else "")
    applies = _options(records, kb, tr, citations, True)
    excluded = _options(records, kb, tr, citations, False)
    return (f"{story_html}{_factors(patient, kb, tr)}"
            f'<div class="aml-columns">{applies}{excluded}</div>')


def _disclaimer(tr: Translator) -> str:
    return f'<p class="aml-disclaimer" role="note">{escape(tr("disclaimer"))}</p>'


def patient_summary_html(
    patient: sources.Patient,
    *,
    kb: sources.KnowledgeBase | None = None,
    lang: str = "en",
    anchor: str = "aml-patient",
    story: str = "",
    story_sources: Iterable[str] = (),
) -> str:
    """One patient on one printed page: factors, the options that apply with their reasons,
    those that do not and why, then the references they cite, with its own (print) CSS.

    ``anchor`` prefixes the element ids, so the summary can sit in another page;
    ``story`` (a teaching case's text) is shown first, cited with ``story_sources``.
    """
    kb = kb or sources.load_knowledge_base()
    tr = translator(lang)
    citations = _Citations(kb, anchor)
    body = _summary_body(patient, kb, tr, citations, story, story_sources)
    return (f'<style>{CSS}</style><section class="aml-summary" id="{escape(anchor)}">{body}'
            f"{_disclaimer(tr)}{citations.list_html(tr)}</section>")


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
    citations = _Citations(course.kb, "aml")
    pages, contents = [], []
    cases = course.kb.rows["cases"]
    for number, case in enumerate(cases, start=1):
        ident = escape(case["case"])
        patient = sources.case_patient(case["case"], course.kb)
        body = _summary_body(patient, course.kb, tr, citations, case["story"], case["sources"])
        contents.append(f'<li><a href="#{ident}">{escape(case["title"])}</a></li>')
        pages.append(
            f'<article class="aml-handout" id="{ident}" aria-labelledby="{ident}-title">'
            f'<header><p>{escape(tr("module"))} · '
            f'{escape(tr("case_label", number=number, total=len(cases)))}</p>'
            f'<h1 id="{ident}-title">{escape(case["title"])}</h1></header>'
            f'<section class="aml-summary">{body}{_disclaimer(tr)}</section></article>')
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
