"""Regimen schedules: which drug is given on which day, read from ``data/schedules.csv``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .knowledge import KnowledgeBase, load_knowledge_base

if TYPE_CHECKING:  # pandas only for the DataFrame that regimen_schedule returns
    import pandas as pd

SCHEDULE_COLUMNS = ["drug", "route", "days", "dose", "sources", "variant", "cycle_days"]


class UnknownRegimenError(ValueError):
    """The option or variant has no schedule in the knowledge base."""


def scheduled_options(kb: KnowledgeBase | None = None) -> list[tuple[str, str]]:
    """(option id, display name) of every option that has a schedule, in options.csv order."""
    kb = kb or load_knowledge_base()
    with_schedule = {row["option"] for row in kb.rows["schedules"]}
    return [
        (row["option"], row["name"]) for row in kb.rows["options"] if row["option"] in with_schedule
    ]


def variants(option_id: str, kb: KnowledgeBase | None = None) -> tuple[str, ...]:
    """The named variants of a regimen (7+3: one per anthracycline); empty if it has none."""
    kb = kb or load_knowledge_base()
    rows = [row for row in kb.rows["schedules"] if row["option"] == option_id]
    return tuple(dict.fromkeys(row["variant"] for row in rows if row["variant"]))


def regimen_schedule(
    option_id: str, variant: str | None = None, kb: KnowledgeBase | None = None
) -> pd.DataFrame:
    """Day-by-day schedule of a regimen: columns drug, route, days, dose, sources, ...

    Without ``variant`` every row is returned (alternatives carry their variant name);
    with it, the shared rows plus that variant's rows.
    """
    import pandas as pd

    records = schedule_rows(option_id, variant, kb)
    frame = pd.DataFrame.from_records(records, columns=SCHEDULE_COLUMNS)
    # whole days or None (not NaN), as in the knowledge base
    frame["cycle_days"] = pd.Series([r["cycle_days"] for r in records], dtype=object)
    return frame


def schedule_rows(
    option_id: str, variant: str | None = None, kb: KnowledgeBase | None = None
) -> list[dict[str, Any]]:
    """What :func:`regimen_schedule` returns, as plain rows (the dashboard's kernel uses it)."""
    kb = kb or load_knowledge_base()
    if not isinstance(option_id, str):
        raise UnknownRegimenError(f"option_id must be an option id (text), got {option_id!r:.60}")
    rows = [row for row in kb.rows["schedules"] if row["option"] == option_id]
    if not rows:
        known = ", ".join(option for option, _ in scheduled_options(kb))
        raise UnknownRegimenError(
            f"no schedule for option {option_id!r:.60}; schedules exist for: {known}"
        )
    if variant is not None:
        names = variants(option_id, kb)
        if variant not in names:
            raise UnknownRegimenError(
                f"{option_id} has no variant {variant!r:.60}; choose one of: {', '.join(names)}"
            )
        rows = [row for row in rows if row["variant"] in ("", variant)]
    return [{column: row[column] for column in SCHEDULE_COLUMNS} for row in rows]
