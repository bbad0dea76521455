"""The options for one patient as HTML: grouped by category, each with its reason and sources.

Pure HTML from the options engine's rows, shared by the lessons (static outputs), the
quizzes' reveals and the dashboard's live options view, so an option reads the same
everywhere. The live views open with a summary for the patient (``summary=True``): the
groups with their counts, and what the patient's own factors opened or closed, each linked
to its card, so the page's order is not read as a ranking.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from html import escape
from typing import Any

from ..core.i18n import Translator, check_lang, translator
from ..core.knowledge import CATEGORIES, KnowledgeBase, load_knowledge_base
from ..core.patient import Patient
from .core_text import options as evaluate_options
from .core_text import texts
from .figures import cite, html_format

BEYOND_MARK = "★"
EXCLUDED_MARK = "✗"

# One style sheet for every widget here. It travels inside the widgets (an HTML widget),
# so the page looks the same in Voila and in JupyterLab and needs no template or CDN.
CSS = """
<style>
.aml-app, .aml-explorer { --aml-text: #1a1a1a; --aml-muted: #444; --aml-line: #767676;
  color: var(--aml-text); font-size: 1rem; line-height: 1.45; max-width: 1200px; }
.aml-app.aml-large { font-size: 1.35rem; --jp-widgets-font-size: 1.2rem;
  --jp-widgets-inline-height: 2.2rem; --jp-widgets-inline-label-width: 14rem; }
.aml-app .widget-html-content, .aml-explorer .widget-html-content { line-height: 1.4; }
.aml-app h2 { font-size: 1.35em; margin: 0.9em 0 0.3em; }
.aml-app h3, .aml-explorer h3 { font-size: 1.1em; margin: 0.8em 0 0.2em; }
.aml-disclaimer { border: 2px solid var(--aml-line); border-left-width: 6px;
  padding: 0.4em 0.8em; margin: 0.3em 0 0.6em; background: #f7f7f7; }
.aml-columns { display: flex; flex-flow: row wrap; gap: 0.5em 1.5em; align-items: flex-start; }
.aml-factors { flex: 1 1 19em; min-width: 0; max-width: 100%; }
.aml-results { flex: 2 1 26em; min-width: 0; max-width: 100%; }
.aml-factors .widget-inline-hbox, .aml-factors .widget-select-multiple,
.aml-factors .widget-dropdown, .aml-factors .widget-radio { max-width: 100%; }
.aml-factors .widget-label, .aml-tools .widget-label { white-space: normal; }
.aml-stacked.widget-inline-hbox { flex-direction: column; align-items: stretch; }
.aml-stacked.widget-inline-hbox > .widget-label { max-width: 100%; text-align: left;
  margin-bottom: 2px; }
.aml-stacked select { min-height: 6.5em; }
.aml-group-label { font-weight: bold; margin-top: 0.5em; }
.aml-case-story { font-size: 0.95em; color: var(--aml-muted); }
.aml-options-list, .jp-RenderedHTMLCommon ul.aml-options-list { list-style: none;
  padding-left: 0; margin: 0.2em 0 0.8em; }
.aml-option { border: 1px solid var(--aml-line); border-radius: 4px; padding: 0.35em 0.6em;
  margin: 0.35em 0; overflow-wrap: anywhere; }
.aml-option.aml-excluded { border-style: dashed; background: #fafafa; }
.aml-option-name { font-weight: bold; }
.aml-badge { display: inline-block; border: 1px solid #000; border-radius: 3px;
  padding: 0 0.3em; font-size: 0.85em; margin-left: 0.3em; background: #fff3cd; }
.aml-detail { margin: 0.1em 0; }
.aml-options-summary { border: 1px solid var(--aml-line); border-left-width: 6px;
  padding: 0.3em 0.8em; margin: 0.3em 0 0.6em; background: #f4f8fc; }
.aml-options-summary p { margin: 0.2em 0; }
.aml-options-summary ul { margin: 0.1em 0 0.3em; padding-left: 1.2em; }
.aml-summary-groups { display: flex; flex-wrap: wrap; gap: 0 1.4em; list-style: none;
  padding-left: 0 !important; }
.aml-option:target, .aml-option:focus { outline: 3px solid #0b5cad; outline-offset: 1px; }

.aml-message { border: 2px solid #b00020; border-left-width: 6px; padding: 0.5em 0.8em;
  background: #fff5f5; }
.aml-epi-table, .aml-points { border-collapse: collapse; margin: 0.3em 0; }
.aml-epi-table th, .aml-epi-table td { border: 1px solid #999; padding: 2px 8px; text-align: left; }
.aml-references { padding-left: 2.2em; overflow-wrap: anywhere; font-size: 0.92em; }
.aml-app a, .aml-explorer a { color: #0b5cad; }
@media (max-width: 600px) {
  .aml-app, .aml-explorer { font-size: 0.95rem; }
  .aml-app .widget-inline-hbox { flex-wrap: wrap; }
  .aml-app .widget-inline-hbox .widget-label { max-width: 100%; }
}
</style>
"""


class _Renderer:
    """One knowledge base's option HTML in one language, built once: only the reason differs
    per patient."""

    def __init__(self, kb: KnowledgeBase, lang: str = "en") -> None:
        self.kb = kb
        self.lang = lang
        self._: Translator = translator(lang)
        _ = self._
        text = texts(kb, lang)
        drug_names = {row["drug"]: row["name"] for row in text.rows["drugs"]}
        self.before: dict[str, str] = {}
        self.after: dict[str, str] = {}
        badge_title = escape(_("Not on the Canadian Cancer Society page; added from the cited "
                               "sources"))
        badge_text = escape(_("Beyond the source page"))
        said = {key: escape(word) for key, word in (
            ("drugs", _("Drugs:")), ("why", _("Why:")), ("sources", _("Sources:")))}
        for row in text.rows["options"]:
            option, name, summary = row["option"], row["name"], row["summary"]
            drugs, sources, beyond = row["drugs"], row["sources"], row["beyond_seed"]
            badge = (
                f'<span class="aml-badge" title="{badge_title}">{BEYOND_MARK} {badge_text}'
                "</span>"
                if beyond
                else ""
            )
            listed = (
                f'<div class="aml-detail"><em>{said["drugs"]}</em> '
                f'{escape(", ".join(drug_names.get(d, d) for d in drugs))}</div>'
                if drugs
                else ""
            )
            self.before[option] = (
                f'data-option="{escape(option)}">{{mark}}<span class="aml-option-name">'
                f"{escape(name)}</span>{badge}<div class=\"aml-detail\">{escape(summary)}</div>"
                f'{listed}<div class="aml-detail aml-reason"><em>{said["why"]}</em> '
            )
            self.after[option] = (
                f'</div><div class="aml-detail aml-sources"><em>{said["sources"]}</em> '
                f"{cite(sources, kb)}</div></li>"
            )

    def item(self, option: str, reason: str, excluded: bool, ids: bool = False) -> str:
        mark = f'<span aria-hidden="true">{EXCLUDED_MARK} </span>' if excluded else ""
        css = "aml-option aml-excluded" if excluded else "aml-option"
        card = f'id="{card_id(option)}" tabindex="-1" ' if ids else ""
        return (
            f'<li class="{css}" {card}{self.before[option].replace("{mark}", mark, 1)}'
            f"{escape(reason)}{self.after[option]}"
        )

    def grouped(self, rows: list[tuple[str, str, str]], excluded: bool, level: str,
                ids: bool = False) -> str:
        parts = []
        for category in CATEGORIES:
            items = "".join(
                self.item(option, reason, excluded, ids)
                for option, row_category, reason in rows
                if row_category == category
            )
            if items:
                heading = (
                    f' id="{group_id(category, excluded)}" tabindex="-1"' if ids else ""
                )
                parts.append(
                    f"<{level}{heading}>{escape(_capital(self._(category)))}</{level}>"
                    f'<ul class="aml-options-list">{items}</ul>'
                )
        return "".join(parts)

    def render(self, results: list[dict[str, Any]], summary: str = "") -> str:
        ids = bool(summary)
        applying: list[tuple[str, str, str]] = []
        excluded: list[tuple[str, str, str]] = []
        beyond = False
        for result in results:
            option, category, reason = result["option"], result["category_id"], result["reason"]
            applies, beyond_seed = result["applies"], result["beyond_seed"]
            if applies:
                applying.append((option, category, reason))
                beyond = beyond or bool(beyond_seed)
            else:
                excluded.append((option, category, reason))
        _ = self._
        count = len(applying)
        parts = [
            summary or (
                '<p class="aml-count">'
                + html_format(_("{count} to this patient, grouped as the source page groups "
                                "them."), count=_count(_, count)) + "</p>"
            ),
            self.grouped(applying, excluded=False, level="h3", ids=ids),
        ]
        if beyond:
            beyond_page = escape(_("Beyond the source page"))
            parts.append(
                f'<p class="aml-detail">{BEYOND_MARK} <em>{beyond_page}'
                "</em>: " + escape(_("the Canadian Cancer Society page does not name this "
                                     "option; this module added it from the cited sources."),
                                   quote=False)
                + "</p>"
            )
        if excluded:
            heading = _("What doesn't apply, and why ({n})", n=len(excluded))
            label = escape(_("Options that do not apply"))
            parts.append(
                f'<section class="aml-excluded-list" aria-label="{label}">'
                f"<h3>{escape(heading, quote=False)}</h3>"
                f"{self.grouped(excluded, excluded=True, level='h4', ids=ids)}</section>"
            )
        return "".join(parts)


def _count(_: Translator, count: int) -> str:
    """"<strong>3 options apply</strong>": the count that opens the options."""
    said = _.plural("{n} option applies", "{n} options apply", count)
    return f"<strong>{escape(said)}</strong>"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def card_id(option: str) -> str:
    """The element id of an option's card (the summary links to it)."""
    return f"aml-card-{_slug(option)}"


def group_id(category: str, excluded: bool = False) -> str:
    """The element id of a group's heading among the options that apply (or do not)."""
    return f"aml-{'not-' if excluded else ''}group-{_slug(category)}"


def _own_factors(patient: Patient, lang: str = "en") -> list[tuple[str, Patient]]:
    """This patient's own factors that open or close options, each with the patient
    without it: each marker, CNS disease, an earlier transplant and a matched donor."""
    _ = translator(lang)
    without = [
        (_("{marker} mutation", marker=marker) if marker != "CD33" else "CD33",
         dataclasses.replace(patient, markers=patient.markers - {marker}))
        for marker in sorted(patient.markers)
    ]
    if patient.cns:
        without.append((_("CNS disease"), dataclasses.replace(patient, cns=False)))
    if patient.prior_transplant is not False:
        without.append(
            (_("the earlier transplant"), dataclasses.replace(patient, prior_transplant=False))
        )
    if patient.matched_donor:
        without.append((_("the matched donor"),
                        dataclasses.replace(patient, matched_donor=False)))
    return without


def summary_html(
    patient: Patient,
    results: list[dict[str, Any]],
    include_excluded: bool,
    kb: KnowledgeBase,
    lang: str = "en",
) -> str:
    """The summary that opens the options: the groups with their counts, then what this
    patient's own factors opened or closed, each linked to its card."""
    _ = translator(lang)
    names = {row["option"]: row["name"] for row in texts(kb, lang).option_rows}
    applies = {r["option"]: r["applies"] for r in results}
    count = sum(applies.values())
    groups = []
    for category in CATEGORIES:
        n = sum(1 for r in results if r["applies"] and r["category_id"] == category)
        if n:
            groups.append(
                f'<li><a href="#{group_id(category)}">{escape(_capital(_(category)))}</a>: {n}'
                "</li>"
            )
    shown = {option for option, ok in applies.items() if ok or include_excluded}

    def link(option: str) -> str:
        name = escape(names[option])
        return f'<a href="#{card_id(option)}">{name}</a>' if option in shown else name

    factors = []
    any_closed = False
    for factor, other in _own_factors(patient, lang):
        before = {r["option"]: r["applies"]
                  for r in evaluate_options(other, True, kb=kb, lang=lang)}
        opened = [o for o in names if applies.get(o) and not before.get(o)]
        closed = [o for o in names if o in applies and not applies[o] and before.get(o)]
        said = []
        if opened:
            said.append(html_format(_("opens {options}"),
                                    options=", ".join(link(o) for o in opened)))
        if closed:
            any_closed = True
            said.append(html_format(_("closes {options}"),
                                    options=", ".join(link(o) for o in closed)))
        if said:
            factors.append(f"<li><strong>{escape(factor)}</strong> {'; '.join(said)}</li>")
    hidden = "" if include_excluded or not any_closed else " " + escape(_(
        '(tick "Show what doesn\'t apply, and why" to see the cards of closed options)'),
        quote=False)
    own_label = escape(_("This patient's own factors:"), quote=False)
    own = (
        f"<p>{own_label}{hidden}</p>"
        f"<ul>{''.join(factors)}</ul>"
        if factors
        else ""
    )
    counted = html_format(
        _("{count} to this patient. They are grouped and ordered as the source page groups "
          "them: the order is not a ranking or a recommendation."), count=_count(_, count))
    label = escape(_("Summary of the options for this patient"))
    return (
        f'<nav class="aml-options-summary" aria-label="{label}">'
        f'<p class="aml-count">{counted}</p>'
        f'<ul class="aml-summary-groups">{"".join(groups)}</ul>{own}</nav>'
    )


@lru_cache(maxsize=8)
def _renderer(kb: KnowledgeBase, lang: str = "en") -> _Renderer:
    return _Renderer(kb, lang)


@lru_cache(maxsize=512)
def _options_html_cached(
    patient: Patient, include_excluded: bool, kb: KnowledgeBase, summary: bool, lang: str
) -> str:
    renderer = _renderer(kb, lang)
    if not summary:
        return renderer.render(evaluate_options(patient, include_excluded, kb=kb, lang=lang))
    everything = evaluate_options(patient, True, kb=kb, lang=lang)
    results = everything if include_excluded else [r for r in everything if r["applies"]]
    return renderer.render(
        results, summary_html(patient, everything, include_excluded, kb, lang)
    )


def options_html(
    patient: Patient,
    include_excluded: bool = False,
    kb: KnowledgeBase | None = None,
    summary: bool = False,
    lang: str = "en",
) -> str:
    """The options for ``patient`` as HTML: by category in the page's order, with reasons.

    ``summary`` opens them with :func:`summary_html` and gives each card and group an id to
    link to (the live views; the lessons show several lists on one page and leave it off).
    Results are cached per patient: a class of students explores the same few cases.
    """
    return _options_html_cached(
        patient, include_excluded, kb or load_knowledge_base(), bool(summary), check_lang(lang)
    )
