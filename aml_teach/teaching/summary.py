"""The one-patient summary: factors, the options that apply with their reasons, those that
do not and why, and the references they cite, on one or two printed pages.

Self-contained (its own scoped CSS, print rules included), so the dashboard prints it as it
is and the case handout (:mod:`aml_teach.export.handout`) prints one per teaching case.
Citations link to the full reference listed at the end of the same summary: ``[n]`` numbered
in order of first use (the exports), or ``[id]`` as the lessons and the dashboard cite.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from ..core.i18n import number as format_number
from ..core.knowledge import KnowledgeBase, load_knowledge_base
from ..core.patient import Patient
from .core_text import options as evaluate_options
from .core_text import texts
from .summary_text import Translator, html_message, translator

__all__ = ["CSS", "Citations", "disclaimer_html", "patient_summary_html", "summary_body"]

INLINE_IDS = re.compile(r"\s*\(([a-z0-9][a-z0-9-]*(?:;\s*[a-z0-9][a-z0-9-]*)*)\)")
# the engine's reasons open with these (core.po): the summary's headings say them already
LEADS = ("Applies: {factors}.", "Does not apply: {reasons}.")


def _lead(tr: Translator) -> re.Pattern[str]:
    """The opening words of a reason, in English and in ``tr``'s language."""
    _ = tr.gettext  # type: ignore[attr-defined]
    starts = dict.fromkeys(t.split("{")[0].strip() for t in (*LEADS, *map(_, LEADS)))
    words = "|".join(re.escape(start.rstrip(":").rstrip()) for start in starts)
    return re.compile(rf"^(?:{words})\s*:\s*")

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
  .aml-summary { font-size: 8pt; line-height: 1.22; max-width: none; }
  .aml-summary h2 { margin: 0.55em 0 0.2em; }
  .aml-summary .aml-columns { column-count: 2; column-gap: 1.4em; }
  .aml-summary dl { grid-template-columns: 1fr 1fr; }
  .aml-summary a { color: inherit; text-decoration: none; }
  .aml-summary .aml-sources { font-size: 0.92em; }
  .aml-summary .aml-disclaimer { margin-top: 0.5em; }
}
"""


class Citations:
    """Numbers references in order of first use; renders ``[n]`` links to the list.

    With ``by_id`` a citation reads ``[ccs-2024]`` instead, as the lessons and the dashboard
    cite (the list then starts each reference with its id).
    """

    def __init__(self, kb: KnowledgeBase, anchor: str, by_id: bool = False) -> None:
        self.kb = kb
        self.anchor = anchor
        self.by_id = by_id
        self.numbers: dict[str, int] = {}

    def cite(self, ids: Iterable[str]) -> str:
        ids = list(ids)
        marks = sorted({self.numbers.setdefault(i, len(self.numbers) + 1) for i in ids})
        if self.by_id:
            named = sorted(dict.fromkeys(ids), key=self.numbers.__getitem__)
            links = "; ".join(
                f'<a href="#{self.anchor}-ref-{self.numbers[i]}">{escape(i)}</a>' for i in named
            )
        else:
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
            label = f"<strong>{escape(ref)}</strong>: " if self.by_id else ""
            items.append(f'<li id="{self.anchor}-ref-{number}" value="{number}">'
                         f"{label}{escape(row['citation'])}{url}</li>")
        return (f"<h2>{escape(tr('references'))}</h2>"
                f'<ol class="aml-sources">{"".join(items)}</ol>')


def _number(value: float, lang: str) -> str:
    """8 as "8", 8.5 as "8.5" or "8,5"."""
    return str(int(value)) if float(value).is_integer() else format_number(value, lang)


def _factors(patient: Patient, kb: KnowledgeBase, tr: Translator) -> str:
    lang = tr.lang  # type: ignore[attr-defined]
    _ = tr.gettext  # type: ignore[attr-defined]
    names = {row["option"]: row["name"] for row in texts(kb, lang).option_rows}
    yes_no = {True: tr("yes"), False: tr("no")}
    months = patient.remission_months
    whole = int(months) if months is not None and float(months).is_integer() else 2
    facts = {
        tr("age"): tr("age_value", age=patient.age),
        tr("fit"): yes_no[patient.fit_for_intensive],
        tr("disease"): tr(patient.disease),
        tr("remission"): (tr("remission_none") if months is None
                          else _.plural("{months} month", "{months} months", whole,
                                        months=_number(months, lang))),
        tr("prior"): _("; ").join(names.get(o, o) for o in patient.prior_treatments) or tr("none"),
        tr("cns"): yes_no[patient.cns],
        tr("markers"): ", ".join(sorted(patient.markers)) or tr("markers_none"),
        tr("donor"): yes_no[patient.matched_donor],
        tr("transplant"): _(patient.transplant_type) if patient.transplant_type else tr("none"),
        tr("white_count"): (tr("not_given") if patient.white_cell_count is None
                            else tr("white_count_value",
                                    count=_number(patient.white_cell_count, lang))),
    }
    rows = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(str(v))}</dd></div>"
                   for k, v in facts.items())
    return f"<h2>{escape(tr('factors'))}</h2><dl>{rows}</dl>"


def _reason(record: dict, note: str, lead: re.Pattern[str]) -> str:
    """The engine's reason without its lead word (the heading says it) or the option's
    background note (the lessons teach it; one page has room for the rule only)."""
    reason = record["reason"]
    if note and reason.endswith(note):
        reason = reason[: -len(note)].rstrip()
    reason = lead.sub("", reason)
    return reason[:1].upper() + reason[1:]


def _options(records: list[dict], kb: KnowledgeBase, tr: Translator,
             citations: Citations, applies: bool, main_source_only: bool = False) -> str:
    notes = {row["option"]: row["note"]
             for row in texts(kb, tr.lang).option_rows}  # type: ignore[attr-defined]
    lead = _lead(tr)
    chosen = [r for r in records if r["applies"] is applies]
    heading = tr("options_apply" if applies else "options_do_not_apply")
    if not chosen:
        body = f"<p>{escape(tr('none_apply' if applies else 'none_excluded'))}</p>"
    else:
        items = []
        for record in chosen:
            star = f" {escape(tr('beyond_seed'))}" if record["beyond_seed"] else ""
            reason, inline = citations.text(_reason(record, notes[record["option"]], lead))
            own = record["sources"][:1] if main_source_only and not inline else ()
            listed = own if main_source_only else record["sources"]
            rest = citations.cite(s for s in listed if s not in inline)
            line = html_message(
                tr("option_line"), option=f"<strong>{escape(record['name'])}</strong>",
                category=f'<span class="aml-category">({escape(record["category"])}{star})'
                "</span>", reason=f"{reason} {rest}")
            items.append(f"<li>{line}</li>")
        body = f"<ul>{''.join(items)}</ul>"
    return (f'<h2>{escape(heading)} <span class="aml-count">({len(chosen)})</span></h2>{body}')


def summary_body(patient: Patient, kb: KnowledgeBase, tr: Translator,
                 citations: Citations, story: str, story_sources: Iterable[str],
                 brief_excluded: bool = False) -> str:
    records = evaluate_options(patient, True, kb, lang=tr.lang)  # type: ignore[attr-defined]
    story_html = (f'<p class="aml-story">{escape(story)} {citations.cite(story_sources)}</p>'
                  if story else "")
    applies = _options(records, kb, tr, citations, True)
    excluded = _options(records, kb, tr, citations, False, main_source_only=brief_excluded)
    return (f"{story_html}{_factors(patient, kb, tr)}"
            f'<div class="aml-columns">{applies}{excluded}</div>')


def disclaimer_html(tr: Translator) -> str:
    return f'<p class="aml-disclaimer" role="note">{escape(tr("disclaimer"))}</p>'


def patient_summary_html(
    patient: Patient,
    *,
    kb: KnowledgeBase | None = None,
    lang: str = "en",
    anchor: str = "aml-patient",
    story: str = "",
    story_sources: Iterable[str] = (),
    cite_by_id: bool = False,
    brief_excluded: bool = False,
) -> str:
    """One patient on one printed page: factors, the options that apply with their reasons,
    those that do not and why, then the references they cite, with its own (print) CSS.

    ``anchor`` prefixes the element ids, so the summary can sit in another page;
    ``story`` (a teaching case's text) is shown first, cited with ``story_sources``;
    ``cite_by_id`` cites ``[ccs-2024]`` as the lessons do, rather than ``[1]``;
    ``brief_excluded`` cites, for an option that does not apply, only the sources its reason
    names (or else its main source, the first listed), so a patient fits two printed pages.
    """
    kb = kb or load_knowledge_base()
    tr = translator(lang)
    citations = Citations(kb, anchor, by_id=cite_by_id)
    body = summary_body(patient, kb, tr, citations, story, story_sources, brief_excluded)
    return (f'<style>{CSS}</style><section class="aml-summary" id="{escape(anchor)}" '
            f'lang="{escape(tr.lang)}">{body}'  # type: ignore[attr-defined]
            f"{disclaimer_html(tr)}{citations.list_html(tr)}</section>")
