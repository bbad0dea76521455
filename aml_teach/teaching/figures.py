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

from ..core.knowledge import KnowledgeBase, load_knowledge_base

if TYPE_CHECKING:
    import pandas as pd

# A schedule: regimen_schedule's DataFrame (notebooks) or schedule_rows' rows (the dashboard).
Schedule = Union["pd.DataFrame", Sequence[Mapping[str, Any]]]

# Okabe & Ito (2008) palette, safe for the common forms of colour blindness.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442")
MARKS = ("■", "▲", "●", "◆", "▼", "★", "✚")
ROUTE_ABBREVIATIONS = {
    "intravenous": "IV",
    "continuous intravenous infusion": "CIV",
    "subcutaneous": "SC",
    "oral": "PO",
    "intrathecal": "IT",
    "subcutaneous or intravenous": "SC/IV",
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


# Shown on a narrow screen above a table too wide for it (a comparison of regimens).
SCROLL_HINT = (
    '<p class="aml-scroll-hint"><span aria-hidden="true">⟷ </span>On a small screen this '
    "table can be wider than the screen: swipe or scroll it sideways to see every day.</p>"
)


def _rows(schedule: Schedule) -> list[Mapping[str, Any]]:
    """A schedule's rows, from a DataFrame or rows alike (this module never imports pandas)."""
    if hasattr(schedule, "to_dict"):
        return schedule.to_dict("records")
    return list(schedule)


def _days_shown(schedule: Schedule) -> int:
    last = max(max(row["days"]) for row in _rows(schedule))
    return last if last <= 14 else min(last, 28)


def _day_text(days: tuple[int, ...]) -> str:
    """1,2,3,4 -> '1 to 4'; 1,4,7 -> '1, 4 and 7'."""
    if len(days) > 1 and days == tuple(range(days[0], days[-1] + 1)):
        return f"days {days[0]} to {days[-1]}"
    if len(days) == 1:
        return f"day {days[0]}"
    return "days " + ", ".join(map(str, days[:-1])) + f" and {days[-1]}"


def _or_list(words: Sequence[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b or c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" or {words[-1]}"


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


def _alternative_name(row: Mapping[str, Any], line: Sequence[Mapping[str, Any]]) -> str:
    """A drug's name, or its variant's name where the alternatives share a drug."""
    drugs = [r["drug"] for r in line]
    return row["drug"] if len(set(drugs)) == len(drugs) else row["variant"]


def line_label(line: Sequence[Mapping[str, Any]], html: bool = True) -> str:
    """A line's label: the drug and its route, or "one of:" the alternatives with theirs."""

    def route(row: Mapping[str, Any]) -> str:
        short = ROUTE_ABBREVIATIONS.get(row["route"], row["route"])
        if not html:
            return short
        return f'<abbr title="{escape(row["route"])}">{escape(short)}</abbr>'

    if len(line) == 1:
        row = line[0]
        name = escape(row["drug"]) if html else row["drug"]
        if row["variant"]:
            variant = escape(row["variant"]) if html else row["variant"]
            name += f" (alternative: {variant})" if variant != name else " (one alternative)"
        return f"{name} {route(row)}"
    names = [
        f"{escape(_alternative_name(row, line)) if html else _alternative_name(row, line)} "
        f"{route(row)}"
        for row in line
    ]
    lead = "<em>one of:</em> " if html else "one of: "
    return lead + _or_list(names)


def schedule_text(schedule: Schedule) -> str:
    """A text alternative for a timeline: one sentence per drug (alternatives as "one of")."""
    parts = []
    for line in timeline_lines(schedule):
        if len(line) == 1:
            row = line[0]
            label = f"{row['drug']} ({row['variant']} variant)" if row["variant"] else row["drug"]
            parts.append(f"{label}: {row['route']}, {_day_text(row['days'])}, dose {row['dose']}")
        else:
            each = [f"{_alternative_name(row, line)} ({row['route']}, dose {row['dose']})"
                    for row in line]
            parts.append(f"{_day_text(line[0]['days'])}, one of: {_or_list(each)}")
    return "; ".join(parts) + "."


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


def days_as_rows_html(schedule: Schedule, title: str) -> str:
    """The timeline turned on its side for a phone: one row per run of days, what is given."""
    lines = timeline_lines(schedule)
    rows = []
    for first, last, given in _day_spans(lines):
        days = f"Day {first}" if first == last else f"Days {first} to {last}"
        what = "".join(
            f'<li><span aria-hidden="true">{MARKS[i % len(MARKS)]}</span> '
            f"{line_label(lines[i])}</li>"
            for i in given
        ) or "<li>nothing given</li>"
        rows.append(
            f'<tr class="aml-days"><th scope="row">{days}</th><td><ul>{what}</ul></td></tr>'
        )
    return (
        f'<table class="aml-timeline-days"><caption>{escape(title)}</caption>'
        f'<thead><tr><th scope="col">Days</th><th scope="col">Given</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _dose_html(row: Mapping[str, Any], citer: Citer, kb: KnowledgeBase) -> str:
    named = row["variant"] and row["variant"] != row["drug"]
    variant = f" ({escape(row['variant'])})" if named else ""
    return f"{escape(row['drug'])}{variant}: {escape(row['dose'])} {citer(row['sources'], kb)}"


def timeline_html(
    schedule: Schedule,
    title: str,
    kb: KnowledgeBase | None = None,
    citer: Citer | None = None,
) -> str:
    """A day-by-day table: one row per drug, one column per day, marked days filled in.

    Alternatives (a regimen's variants) share one "one of:" row, so nothing drawn side by
    side is given together. On a narrow screen (a phone) the same schedule shows as days in
    rows instead, so no day is cut off. ``citer`` formats each dose's sources (default
    :func:`cite`, as the lessons and the dashboard cite).
    """
    kb = kb or load_knowledge_base()
    citer = citer or cite
    schedule = _rows(schedule)
    lines = timeline_lines(schedule)
    shown = _days_shown(schedule)
    header = "".join(f'<th scope="col">{day}</th>' for day in range(1, shown + 1))
    rows = []
    for index, line in enumerate(lines):
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        mark = MARKS[index % len(MARKS)]
        days = line[0]["days"]
        what = escape(line_label(line, html=False))
        cells = []
        for day in range(1, shown + 1):
            if day in days:
                cells.append(
                    f'<td class="on" style="background:{colour}" '
                    f'aria-label="{what} on day {day}">{mark}</td>'
                )
            else:
                cells.append('<td class="off"></td>')
        later = [d for d in days if d > shown]
        extra = f" (also day {', '.join(map(str, later))})" if later else ""
        rows.append(
            f'<tr><th scope="row">{line_label(line)}{escape(extra)}</th>{"".join(cells)}</tr>'
        )
    cycle = [row["cycle_days"] for row in schedule if _known_number(row["cycle_days"])]
    cycle_note = f" Repeats every {int(cycle[0])} days." if cycle and cycle[0] else ""
    doses = "".join(
        ("<li><em>one of:</em> " if len(line) > 1 else "<li>")
        + "; or ".join(_dose_html(row, citer, kb) for row in line)
        + "</li>"
        for line in lines
    )
    return (
        f'{STYLE}<figure class="aml-timeline-wrap" role="group" aria-label="{escape(title)}">'
        f'<div class="aml-timeline-grid"><table class="aml-timeline">'
        f"<caption>{escape(title)}</caption>"
        f'<thead><tr><th scope="col">Drug, route</th>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        f"{days_as_rows_html(schedule, title)}"
        f'<figcaption class="aml-note">In words: {escape(schedule_text(schedule))}'
        f"{cycle_note}</figcaption>"
        f'<ul class="aml-note">{doses}</ul></figure>'
    )


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
