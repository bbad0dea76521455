"""Regimen schedules: which drug is given on which day, read from ``data/schedules.csv``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .i18n import DEFAULT_LANGUAGE, N_, check_lang, translator
from .knowledge import InputError, KnowledgeBase, load_knowledge_base
from .translated_tables import localized

if TYPE_CHECKING:  # pandas only for the DataFrame that regimen_schedule returns
    import pandas as pd

SCHEDULE_COLUMNS = ["drug", "route", "days", "dose", "sources", "variant", "cycle_days"]


class UnknownRegimenError(InputError):
    """The option or variant has no schedule in the knowledge base.

    ``str(error)`` is English; ``error.text(lang)`` says the same in ``lang``.
    """


def scheduled_options(
    kb: KnowledgeBase | None = None, lang: str = DEFAULT_LANGUAGE
) -> list[tuple[str, str]]:
    """(option id, display name in ``lang``) of every option that has a schedule, in
    options.csv order."""
    kb = localized(kb or load_knowledge_base(), lang)
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
    option_id: str,
    variant: str | None = None,
    kb: KnowledgeBase | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """Day-by-day schedule of a regimen: columns drug, route, days, dose, sources, ...

    Without ``variant`` every row is returned (alternatives carry their variant name);
    with it, the shared rows plus that variant's rows. ``lang`` is the language of the route
    and the dose; drug, variant and sources stay ids.
    """
    import pandas as pd

    records = schedule_rows(option_id, variant, kb, lang=lang)
    frame = pd.DataFrame.from_records(records, columns=SCHEDULE_COLUMNS)
    # whole days or None (not NaN), as in the knowledge base
    frame["cycle_days"] = pd.Series([r["cycle_days"] for r in records], dtype=object)
    return frame


def schedule_rows(
    option_id: str,
    variant: str | None = None,
    kb: KnowledgeBase | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> list[dict[str, Any]]:
    """What :func:`regimen_schedule` returns, as plain rows (the dashboard's kernel uses it).

    Each row also carries ``route_id`` (the route's English id, for code keyed on it),
    ``drug_name`` and ``variant_name`` (the drug's and the variant's names in ``lang``).
    """
    _ = translator(check_lang(lang))
    kb = localized(kb or load_knowledge_base(), lang)
    if not isinstance(option_id, str):
        raise UnknownRegimenError(N_("option_id must be an option id (text), got {got}"),
                                  got=f"{option_id!r:.60}")
    rows = [row for row in kb.rows["schedules"] if row["option"] == option_id]
    if not rows:
        known = ", ".join(option for option, _name in scheduled_options(kb))
        raise UnknownRegimenError(
            N_("no schedule for option {option}; schedules exist for: {known}"),
            option=f"{option_id!r:.60}", known=known)
    if variant is not None:
        names = variants(option_id, kb)
        if variant not in names:
            raise UnknownRegimenError(
                N_("{option} has no variant {variant}; choose one of: {names}"),
                option=option_id, variant=f"{variant!r:.60}", names=", ".join(names))
        rows = [row for row in rows if row["variant"] in ("", variant)]
    drugs = kb.keyed("drugs")
    return [
        {
            **{column: row[column] for column in SCHEDULE_COLUMNS},
            "route": _(row["route"]),
            "route_id": row["route"],
            "drug_name": drugs[row["drug"]]["name"],
            "variant_name": row["variant_name"],
        }
        for row in rows
    ]
