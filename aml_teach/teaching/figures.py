"""Figures as plain HTML: regimen timelines and reference lists.

HTML tables rather than plotted images: screen readers read them cell by cell, they need no
plotting library in the kernel (one kernel per student), and they scale on a projector or a
phone. Colours come from the Okabe-Ito colour-blind-safe palette, and every filled day also
carries a mark, so nothing depends on colour alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any, Union

from ..core.i18n import N_, Translator, translator
from ..core.knowledge import KnowledgeBase, load_knowledge_base
from ..core.translated_tables import localized

if TYPE_CHECKING:
    import pandas as pd

# A schedule: regimen_schedule's DataFrame (notebooks) or schedule_rows' rows (the dashboard).
Schedule = Union["pd.DataFrame", Sequence[Mapping[str, Any]]]

# Okabe & Ito (2008) palette, safe for the common forms of colour blindness.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442")
MARKS = ("■", "▲", "●", "◆", "▼", "★", "✚")
# a route's short form (each language has its own: "CIV" is "IVC" in French)
ROUTE_ABBREVIATIONS = {
    "intravenous": N_("IV"),
    "continuous intravenous infusion": N_("CIV"),
    "subcutaneous": N_("SC"),
    "oral": N_("PO"),
    "intrathecal": N_("IT"),
    "subcutaneous or intravenous": N_("SC/IV"),
}


STYLE = """
<style>
.aml-timeline { border-collapse: collapse; font-size: 0.95em; margin: 0.5em 0; }
.aml-timeline caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
.aml-timeline th, .aml-timeline td { border: 1px solid #999; padding: 2px 4px; text-align: center; }
.aml-timeline th[scope=row] { text-align: left; white-space: nowrap; font-weight: normal; }
.aml-timeline td.on { color: #fff; font-weight: bold; }
.aml-timeline td.off { background: #fff; }
.aml-timeline-wrap { max-width: 100%; margin: 0.5em 0; }
.aml-timeline-grid { overflow-x: auto; max-width: 100%; }
.aml-timeline-days { display: none; border-collapse: collapse; margin: 0.5em 0; width: 100%; }
.aml-timeline-days caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
.aml-timeline-days th, .aml-timeline-days td { border: 1px solid #999; padding: 3px 6px;
  text-align: left; vertical-align: top; }
.aml-timeline-days th[scope=row] { white-space: nowrap; }
table.aml-timeline-days ul { margin: 0; padding-left: 0; list-style: none; }
.aml-note { font-size: 0.9em; color: #333; white-space: normal; overflow-wrap: anywhere; }
.aml-timeline-scroll { overflow-x: auto; max-width: 100%; }
.aml-scroll-hint { display: none; margin: 0.2em 0; font-size: 0.9em; font-weight: bold; }
@media (max-width: 600px) {
  .aml-timeline-grid { display: none; }
  .aml-timeline-days { display: table; }
  .aml-scroll-hint { display: block; }
  .aml-timeline-scroll .aml-timeline th[scope=row] { white-space: normal; min-width: 6.5em;
    max-width: 9em; }
  .aml-timeline-scroll { border-right: 4px solid #0072B2; }
}
</style>
"""


def scroll_hint(lang: str = "en") -> str:
    """Shown on a narrow screen above a table too wide for it (a comparison of regimens)."""
    _ = translator(lang)
    return (
        '<p class="aml-scroll-hint"><span aria-hidden="true">⟷ </span>'
        + escape(_("On a small screen this table can be wider than the screen: swipe or "
                   "scroll it sideways to see every day."))
        + "</p>"
    )


SCROLL_HINT = scroll_hint()


class Names:
    """A schedule row's words in one language: its drug's, variant's and route's.

    ``schedule_rows(option, lang=lang)`` gives them (``drug_name``, ``variant_name``, the
    route in ``lang`` and ``route_id``); a row without them (a DataFrame of
    ``regimen_schedule``) has its drug and variant named from the knowledge base.
    """

    def __init__(self, kb: KnowledgeBase | None, lang: str) -> None:
        self.kb = kb
        self.lang = lang
        self._ = translator(lang)
        self._drugs: dict[str, str] | None = None
        self._variants: dict[str, str] = {}

    def _tables(self) -> dict[str, str]:
        if self._drugs is None:
            text = localized(self.kb or load_knowledge_base(), self.lang)
            self._drugs = {row["drug"]: row["name"] for row in text.rows["drugs"]}
            self._variants = {row["variant"]: row["variant_name"]
                              for row in text.rows["schedules"] if row["variant"]}
        return self._drugs

    def drug(self, row: Mapping[str, Any]) -> str:
        if row.get("drug_name"):
            return row["drug_name"]
        return self._tables().get(row["drug"], row["drug"])

    def variant(self, row: Mapping[str, Any]) -> str:
        if row.get("variant_name"):
            return row["variant_name"]
        self._tables()
        return self._variants.get(row["variant"], row["variant"])

    def variant_name(self, variant: str) -> str:
        """A variant's name from its id (a lesson's title names the variant it shows)."""
        self._tables()
        return self._variants.get(variant, variant)

    def route(self, row: Mapping[str, Any]) -> str:
        """The route in words (``schedule_rows`` gives it in ``lang`` already)."""
        return row["route"] if row.get("route_id") else self._(row["route"])

    def short_route(self, row: Mapping[str, Any]) -> str:
        route = row.get("route_id") or row["route"]
        return self._(ROUTE_ABBREVIATIONS[route]) if route in ROUTE_ABBREVIATIONS else route


def _names(names: Names | None, kb: KnowledgeBase | None = None, lang: str = "en") -> Names:
    return names if names is not None else Names(kb, lang)


def html_format(template: str, /, **html: str) -> str:
    """A translated message (asked for without its fields, e.g. ``_("{count} apply")``) as
    escaped text, its fields filled with HTML (a link, a bold count) after translation."""
    return escape(template, quote=False).format(**html)


def _rows(schedule: Schedule) -> list[Mapping[str, Any]]:
    """A schedule's rows, from a DataFrame or rows alike (this module never imports pandas)."""
    if hasattr(schedule, "to_dict"):
        return schedule.to_dict("records")
    return list(schedule)


def _days_shown(schedule: Schedule) -> int:
    last = max(max(row["days"]) for row in _rows(schedule))
    return last if last <= 14 else min(last, 28)


def _day_text(days: tuple[int, ...], _: Translator | None = None) -> str:
    """1,2,3,4 -> 'days 1 to 4'; 1,4,7 -> 'days 1, 4 and 7'."""
    _ = _ or translator()
    if len(days) > 1 and days == tuple(range(days[0], days[-1] + 1)):
        return _("days {first} to {last}", first=days[0], last=days[-1])
    if len(days) == 1:
        return _("day {day}", day=days[0])
    return _("days {days} and {last}", days=", ".join(map(str, days[:-1])), last=days[-1])


def _or_list(words: Sequence[str], _: Translator | None = None) -> str:
    """['a', 'b', 'c'] -> 'a, b or c'."""
    _ = _ or translator()
    if len(words) == 1:
        return words[0]
    return _("{items} or {last}", items=", ".join(words[:-1]), last=words[-1])


def timeline_lines(schedule: Schedule) -> list[list[Mapping[str, Any]]]:
    """The lines a timeline draws: each shared drug alone, and the alternatives together.

    A regimen's variants (7+3's anthracyclines, decitabine's two forms) are given one
    instead of another, never together: their rows make one "one of:" line when each variant
    is one drug on the same days, else one line per variant (each marked as an alternative).
    """
    rows = _rows(schedule)
    shared = [[row] for row in rows if not row["variant"]]
    alternatives = [row for row in rows if row["variant"]]
    if not alternatives:
        return shared
    by_variant: dict[str, list[Mapping[str, Any]]] = {}
    for row in alternatives:
        by_variant.setdefault(row["variant"], []).append(row)
    if len(by_variant) == 1:  # one variant chosen: its drugs are simply given (title names it)
        return [*shared, *([{**row, "variant": ""}] for row in alternatives)]
    one_each = all(len(group) == 1 for group in by_variant.values())
    same_days = len({tuple(row["days"]) for row in alternatives}) == 1
    if len(by_variant) > 1 and one_each and same_days:
        return [*shared, alternatives]
    return [*shared, *([row] for row in alternatives)]


def _alternative_name(row: Mapping[str, Any], line: Sequence[Mapping[str, Any]],
                      names: Names | None = None) -> str:
    """A drug's name, or its variant's name where the alternatives share a drug."""
    names = _names(names)
    drugs = [r["drug"] for r in line]
    if len(set(drugs)) == len(drugs):
        return names.drug(row)
    return names.variant(row)


def line_label(line: Sequence[Mapping[str, Any]], html: bool = True, lang: str = "en",
               names: Names | None = None) -> str:
    """A line's label: the drug and its route, or "one of:" the alternatives with theirs."""
    names = _names(names, lang=lang)
    _ = translator(lang)
    text = escape if html else str

    def route(row: Mapping[str, Any]) -> str:
        short = names.short_route(row)
        if not html:
            return short
        return f'<abbr title="{escape(names.route(row))}">{escape(short)}</abbr>'

    if len(line) == 1:
        row = line[0]
        name = text(names.drug(row))
        if row["variant"]:
            variant = text(names.variant(row))
            name = (_("{drug} (alternative: {variant})", drug=name, variant=variant)
                    if variant != name else _("{drug} (one alternative)", drug=name))
        return f"{name} {route(row)}"
    labels = [f"{text(_alternative_name(row, line, names))} {route(row)}" for row in line]
    one_of = _("one of:")
    lead = f"<em>{escape(one_of)}</em> " if html else f"{one_of} "
    return lead + _or_list(labels, _)


def schedule_text(schedule: Schedule, lang: str = "en", kb: KnowledgeBase | None = None,
                  names: Names | None = None) -> str:
    """A text alternative for a timeline: one sentence per drug (alternatives as "one of")."""
    names = _names(names, kb, lang)
    _ = translator(lang)
    parts = []
    for line in timeline_lines(schedule):
        if len(line) == 1:
            row = line[0]
            drug = names.drug(row)
            label = (_("{drug} ({variant} variant)", drug=drug, variant=names.variant(row))
                     if row["variant"] else drug)
            parts.append(_("{label}: {route}, {days}, dose {dose}", label=label,
                           route=names.route(row), days=_day_text(row["days"], _),
                           dose=row["dose"]))
        else:
            each = [_("{name} ({route}, dose {dose})", name=_alternative_name(row, line, names),
                      route=names.route(row), dose=row["dose"]) for row in line]
            parts.append(_("{days}, one of: {choices}", days=_day_text(line[0]["days"], _),
                           choices=_or_list(each, _)))
    return _("; ").join(parts) + "."


Citer = Callable[[Iterable[str], KnowledgeBase], str]


def _day_spans(lines: Sequence[Sequence[Mapping[str, Any]]]) -> list[tuple[int, int, list[int]]]:
    """(first day, last day, lines given) for each run of days with the same lines."""
    last = max(max(row["days"]) for line in lines for row in line)
    spans: list[tuple[int, int, list[int]]] = []
    for day in range(1, last + 1):
        given = [i for i, line in enumerate(lines) if day in line[0]["days"]]
        if spans and spans[-1][2] == given and spans[-1][1] == day - 1:
            spans[-1] = (spans[-1][0], day, given)
        else:
            spans.append((day, day, given))
    return spans


def days_as_rows_html(schedule: Schedule, title: str, lang: str = "en",
                      names: Names | None = None) -> str:
    """The timeline turned on its side for a phone: one row per run of days, what is given."""
    names = _names(names, lang=lang)
    _ = translator(lang)
    lines = timeline_lines(schedule)
    nothing = escape(_("nothing given"))
    heads = escape(_("Days")), escape(_("Given"))
    rows = []
    for first, last, given in _day_spans(lines):
        days = (_("Day {day}", day=first) if first == last
                else _("Days {first} to {last}", first=first, last=last))
        what = "".join(
            f'<li><span aria-hidden="true">{MARKS[i % len(MARKS)]}</span> '
            f"{line_label(lines[i], lang=lang, names=names)}</li>"
            for i in given
        ) or f"<li>{nothing}</li>"
        rows.append(
            f'<tr class="aml-days"><th scope="row">{escape(days)}</th><td><ul>{what}</ul></td></tr>'
        )
    return (
        f'<table class="aml-timeline-days"><caption>{escape(title)}</caption>'
        f'<thead><tr><th scope="col">{heads[0]}</th><th scope="col">{heads[1]}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _dose_html(row: Mapping[str, Any], citer: Citer, kb: KnowledgeBase, names: Names) -> str:
    named = row["variant"] and row["variant"] != row["drug"]
    variant = f" ({escape(names.variant(row))})" if named else ""
    _ = names._
    return html_format(_("{drug}: {dose}"), drug=f"{escape(names.drug(row))}{variant}",
                       dose=f"{escape(row['dose'])} {citer(row['sources'], kb)}")


def timeline_html(
    schedule: Schedule,
    title: str,
    kb: KnowledgeBase | None = None,
    citer: Citer | None = None,
    lang: str = "en",
) -> str:
    """A day-by-day table: one row per drug, one column per day, marked days filled in.

    Alternatives (a regimen's variants) share one "one of:" row, so nothing drawn side by
    side is given together. On a narrow screen (a phone) the same schedule shows as days in
    rows instead, so no day is cut off. ``citer`` formats each dose's sources (default
    :func:`cite`, as the lessons and the dashboard cite). ``schedule`` holds the doses in
    ``lang`` (``regimen_schedule(option, lang=lang)``); the drugs' and variants' names and
    the routes are shown in ``lang`` too.
    """
    kb = kb or load_knowledge_base()
    citer = citer or cite
    _ = translator(lang)
    names = Names(kb, lang)
    schedule = _rows(schedule)
    lines = timeline_lines(schedule)
    shown = _days_shown(schedule)
    header = "".join(f'<th scope="col">{day}</th>' for day in range(1, shown + 1))
    rows = []
    for index, line in enumerate(lines):
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        mark = MARKS[index % len(MARKS)]
        days = line[0]["days"]
        what = line_label(line, html=False, lang=lang, names=names)
        cells = []
        for day in range(1, shown + 1):
            if day in days:
                label = escape(_("{what} on day {day}", what=what, day=day))
                cells.append(
                    f'<td class="on" style="background:{colour}" '
                    f'aria-label="{label}">{mark}</td>'
                )
            else:
                cells.append('<td class="off"></td>')
        later = [d for d in days if d > shown]
        extra = (" " + _("(also day {days})", days=", ".join(map(str, later)))) if later else ""
        rows.append(
            f'<tr><th scope="row">{line_label(line, lang=lang, names=names)}{escape(extra)}</th>'
            f'{"".join(cells)}</tr>'
        )
    one_of = escape(_("one of:"))
    drug_route = escape(_("Drug, route"))
    doses = "".join(
        (f"<li><em>{one_of}</em> " if len(line) > 1 else "<li>")
        + escape(_("; or ")).join(_dose_html(row, citer, kb, names) for row in line)
        + "</li>"
        for line in lines
    )
    words = _("In words: {text}", text=schedule_text(schedule, lang, names=names))
    return (
        f'{STYLE}<figure class="aml-timeline-wrap" role="group" aria-label="{escape(title)}">'
        f'<div class="aml-timeline-grid"><table class="aml-timeline">'
        f"<caption>{escape(title)}</caption>"
        f'<thead><tr><th scope="col">{drug_route}</th>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        f"{days_as_rows_html(schedule, title, lang, names)}"
        f'<figcaption class="aml-note">{escape(words)}'
        f"{escape(cycle_note(schedule, lang))}</figcaption>"
        f'<ul class="aml-note">{doses}</ul></figure>'
    )


def cycle_note(schedule: Schedule, lang: str = "en") -> str:
    """" Repeats every 28 days." when the regimen is given in cycles, else ""."""
    cycle = [row["cycle_days"] for row in _rows(schedule) if _known_number(row["cycle_days"])]
    if not cycle or not cycle[0]:
        return ""
    _ = translator(lang)
    return " " + _("Repeats every {days} days.", days=int(cycle[0]))


def _known_number(value: Any) -> bool:
    """Not None and not NaN (a DataFrame may hold either for a blank cell)."""
    return value is not None and value == value


def cite(ids: Iterable[str], kb: KnowledgeBase | None = None) -> str:
    """Inline citation like [ccs-2024; dohner-2022], each id linked to its reference.

    The one style of the lessons (their prose cites ``[ccs-2024](#ref-ccs-2024)``) and the
    dashboard alike; the link's title holds the full citation, so it shows on hover too.
    """
    ids = list(dict.fromkeys(ids))
    if not ids:
        return ""
    kb = kb or load_knowledge_base()
    citations = {ref["id"]: ref["citation"] for ref in kb.rows["references"]}
    links = [
        f'<a href="#ref-{escape(i)}" title="{escape(citations.get(i, i))}">{escape(i)}</a>'
        for i in ids
    ]
    return f"[{'; '.join(links)}]"


def references_html(ids: Iterable[str], kb: KnowledgeBase | None = None) -> str:
    """The reference list for the given ids, in the order of references.csv."""
    kb = kb or load_knowledge_base()
    wanted = set(ids)
    unknown = wanted - set(kb.keyed("references"))
    if unknown:
        raise KeyError(f"unknown reference id(s): {', '.join(sorted(unknown))}")
    items = []
    for ref in kb.rows["references"]:
        if ref["id"] not in wanted:
            continue
        url = f' <a href="{escape(ref["url"])}">{escape(ref["url"])}</a>' if ref["url"] else ""
        items.append(
            f'<li id="ref-{escape(ref["id"])}"><strong>{escape(ref["id"])}</strong>: '
            f"{escape(ref['citation'])}{url}</li>"
        )
    return f"<ol class=\"aml-references\">{''.join(items)}</ol>"


def reference_numbers(kb: KnowledgeBase | None = None) -> dict[str, int]:
    """Each reference id's number: its position in references.csv, so numbers stay stable."""
    kb = kb or load_knowledge_base()
    return {ref: number for number, ref in enumerate(kb.keyed("references"), start=1)}


def numbered_references_html(
    ids: Iterable[str] | None = None, kb: KnowledgeBase | None = None
) -> str:
    """The reference list (all references, or only ``ids``): each numbered by its place in
    references.csv and starting with the id that :func:`cite` shows."""
    kb = kb or load_knowledge_base()
    known = kb.keyed("references")
    wanted = set(known) if ids is None else set(ids)
    unknown = wanted - set(known)
    if unknown:
        raise KeyError(f"unknown reference id(s): {', '.join(sorted(unknown))}")
    items = []
    for number, ref in enumerate(kb.rows["references"], start=1):
        if ref["id"] not in wanted:
            continue
        url = (
            f' <a href="{escape(ref["url"])}" target="_blank" rel="noopener noreferrer">'
            f"{escape(ref['url'])}</a>"
            if ref["url"]
            else ""
        )
        items.append(
            f'<li value="{number}" id="ref-{escape(ref["id"])}"><strong>{escape(ref["id"])}'
            f"</strong>: {escape(ref['citation'])}{url}</li>"
        )
    return f"<ol class=\"aml-references\">{''.join(items)}</ol>"
