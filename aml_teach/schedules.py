"""Regimen schedules: which drug is given on which day, read from ``data/schedules.csv``."""

from __future__ import annotations

import pandas as pd

from .knowledge import KnowledgeBase, load_knowledge_base

SCHEDULE_COLUMNS = ["drug", "route", "days", "dose", "sources", "variant", "cycle_days"]


class UnknownRegimenError(ValueError):
    """The option or variant has no schedule in the knowledge base."""


def scheduled_options(kb: KnowledgeBase | None = None) -> list[tuple[str, str]]:
    """(option id, display name) of every option that has a schedule, in options.csv order."""
    kb = kb or load_knowledge_base()
    with_schedule = set(kb.schedules["option"])
    return [
        (option, name)
        for option, name in zip(kb.options["option"], kb.options["name"], strict=True)
        if option in with_schedule
    ]


def variants(option_id: str, kb: KnowledgeBase | None = None) -> tuple[str, ...]:
    """The named variants of a regimen (7+3: one per anthracycline); empty if it has none."""
    kb = kb or load_knowledge_base()
    rows = kb.schedules[kb.schedules["option"] == option_id]
    return tuple(dict.fromkeys(v for v in rows["variant"] if v))


def regimen_schedule(
    option_id: str, variant: str | None = None, kb: KnowledgeBase | None = None
) -> pd.DataFrame:
    """Day-by-day schedule of a regimen: columns drug, route, days, dose, sources, ...

    Without ``variant`` every row is returned (alternatives carry their variant name);
    with it, the shared rows plus that variant's rows.
    """
    kb = kb or load_knowledge_base()
    if not isinstance(option_id, str):
        raise UnknownRegimenError(f"option_id must be an option id (text), got {option_id!r:.60}")
    rows = kb.schedules[kb.schedules["option"] == option_id]
    if rows.empty:
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
        rows = rows[rows["variant"].isin(["", variant])]
    frame = rows[SCHEDULE_COLUMNS].copy()
    frame["days"] = frame["days"].map(tuple)
    frame["sources"] = frame["sources"].map(tuple)
    return frame.reset_index(drop=True)
