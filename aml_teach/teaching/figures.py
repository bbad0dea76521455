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
.aml-timeline-wrap { overflow-x: auto; max-width: 100%; }
.aml-note { font-size: 0.9em; color: #333; }
</style>
"""


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


def schedule_text(schedule: Schedule) -> str:
    """A text alternative for a timeline: one sentence per drug."""
    parts = []
    for row in _rows(schedule):
        label = f"{row['drug']} ({row['variant']} variant)" if row["variant"] else row["drug"]
        parts.append(f"{label}: {row['route']}, {_day_text(row['days'])}, dose {row['dose']}")
    return "; ".join(parts) + "."


Citer = Callable[[Iterable[str], KnowledgeBase], str]


def timeline_html(
    schedule: Schedule,
    title: str,
    kb: KnowledgeBase | None = None,
    citer: Citer | None = None,
) -> str:
    """A day-by-day table: one row per drug, one column per day, marked days filled in.

    ``citer`` formats each dose's sources (default :func:`cite`; the dashboard passes
    :func:`cite_numbered` so the numbers match its reference list).
    """
    kb = kb or load_knowledge_base()
    citer = citer or cite
    schedule = _rows(schedule)
    shown = _days_shown(schedule)
    header = "".join(f'<th scope="col">{day}</th>' for day in range(1, shown + 1))
    rows = []
    for index, row in enumerate(schedule):
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        mark = MARKS[index % len(MARKS)]
        label = escape(row["drug"])
        if row["variant"]:
            label += f" <em>(or: {escape(row['variant'])} variant)</em>"
        route = ROUTE_ABBREVIATIONS.get(row["route"], row["route"])
        cells = []
        for day in range(1, shown + 1):
            if day in row["days"]:
                cells.append(
                    f'<td class="on" style="background:{colour}" '
                    f'aria-label="{escape(row["drug"])} on day {day}">{mark}</td>'
                )
            else:
                cells.append('<td class="off"></td>')
        later = [d for d in row["days"] if d > shown]
        extra = f" (also day {', '.join(map(str, later))})" if later else ""
        rows.append(
            f'<tr><th scope="row">{label} <abbr title="{escape(row["route"])}">{route}</abbr>'
            f"{escape(extra)}</th>{''.join(cells)}</tr>"
        )
    cycle = [row["cycle_days"] for row in schedule if _known_number(row["cycle_days"])]
    cycle_note = f" Repeats every {int(cycle[0])} days." if cycle and cycle[0] else ""
    doses = "".join(
        f"<li>{escape(r['drug'])}: {escape(r['dose'])} "
        f"{citer(r['sources'], kb)}</li>"
        for r in schedule
    )
    return (
        f'{STYLE}<figure class="aml-timeline-wrap" role="group" aria-label="{escape(title)}">'
        f'<table class="aml-timeline"><caption>{escape(title)}</caption>'
        f'<thead><tr><th scope="col">Drug, route</th>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<figcaption class="aml-note">In words: {escape(schedule_text(schedule))}'
        f"{cycle_note}</figcaption>"
        f'<ul class="aml-note">{doses}</ul></figure>'
    )


def _known_number(value: Any) -> bool:
    """Not None and not NaN (a DataFrame may hold either for a blank cell)."""
    return value is not None and value == value


def cite(ids: Iterable[str], kb: KnowledgeBase | None = None) -> str:
    """Inline citation like [ccs-2024; dohner-2022] with each id linked to its anchor."""
    links = [f'<a href="#ref-{escape(i)}">{escape(i)}</a>' for i in ids]
    return f"[{'; '.join(links)}]" if links else ""


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


def cite_numbered(ids: Iterable[str], kb: KnowledgeBase | None = None) -> str:
    """Inline numbered citation like [1, 12], each number linked to its reference.

    The link's title holds the full citation, so the source shows on hover even where the
    reference list is not on the page.
    """
    kb = kb or load_knowledge_base()
    numbers = reference_numbers(kb)
    citations = {ref["id"]: ref["citation"] for ref in kb.rows["references"]}
    links = [
        f'<a href="#ref-{escape(i)}" title="{escape(citations[i])}">{numbers[i]}</a>'
        for i in sorted(dict.fromkeys(ids), key=lambda i: numbers[i])
    ]
    return f"[{', '.join(links)}]" if links else ""


def numbered_references_html(
    ids: Iterable[str] | None = None, kb: KnowledgeBase | None = None
) -> str:
    """A numbered reference list (all references, or only ``ids``) matching cite_numbered."""
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
            f'<li value="{number}" id="ref-{escape(ref["id"])}">{escape(ref["citation"])}{url}'
            f"</li>"
        )
    return f"<ol class=\"aml-references\">{''.join(items)}</ol>"
