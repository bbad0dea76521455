"""The core's answers in the page's language: options, schedules, verdicts, the disclaimer.

The teaching room asks the core through these few functions only, so each lesson helper says
``lang`` once and gets the options' reasons, the schedules' doses and the verdicts' reasons in
that language (the core's ``lang=`` keyword).
"""

from __future__ import annotations

from typing import Any

from ..core import response, review
from ..core.i18n import check_lang
from ..core.knowledge import KnowledgeBase, load_knowledge_base
from ..core.options import evaluate_options, treatment_options
from ..core.patient import Patient
from ..core.schedules import regimen_schedule, schedule_rows
from ..core.translated_tables import localized

__all__ = ["classify", "disclaimer_text", "options", "options_frame", "reviewed_text",
           "schedule", "schedule_frame", "texts"]


def texts(kb: KnowledgeBase | None, lang: str) -> KnowledgeBase:
    """The knowledge base with its text in ``lang`` (names, summaries, doses, cases, ...)."""
    return localized(kb or load_knowledge_base(), check_lang(lang))


def options(patient: Patient, include_excluded: bool = False, kb: KnowledgeBase | None = None,
            lang: str = "en") -> list[dict[str, Any]]:
    """:func:`evaluate_options` in ``lang``: the same options in the same order."""
    return evaluate_options(patient, include_excluded, kb, lang=check_lang(lang))


def options_frame(patient: Patient, include_excluded: bool = False,
                  kb: KnowledgeBase | None = None, lang: str = "en"):  # -> pd.DataFrame
    return treatment_options(patient, include_excluded, kb, lang=check_lang(lang))


def schedule(option: str, variant: str | None = None, kb: KnowledgeBase | None = None,
             lang: str = "en") -> list[dict[str, Any]]:
    return schedule_rows(option, variant, kb, lang=check_lang(lang))


def schedule_frame(option: str, variant: str | None = None, kb: KnowledgeBase | None = None,
                   lang: str = "en"):  # -> pd.DataFrame
    return regimen_schedule(option, variant, kb, lang=check_lang(lang))


def classify(*args: Any, lang: str = "en", **kwargs: Any) -> response.Verdict:
    return response.classify_history(*args, lang=check_lang(lang), **kwargs)


def disclaimer_text(lang: str = "en") -> str:
    return review.disclaimer(check_lang(lang))


def reviewed_text(lang: str = "en") -> str:
    return review.reviewed_line(lang=check_lang(lang))
