"""Every word the exports write that is not from ``data/``: one catalogue per language.

The exporters never hold English text themselves; they ask :func:`translator` for a ``tr``
function and call ``tr("key", **values)``. The one-patient summary's words come from
:mod:`aml_teach.teaching.summary_text` (the dashboard prints the same summary) and are part
of each catalogue here. A French edition adds a ``FR`` catalogue with the same keys (a test
keeps the keys equal) and lists it in ``CATALOGUES``.
"""

from __future__ import annotations

from aml_teach.teaching import summary_text
from aml_teach.teaching.summary_text import LANGUAGES, LanguageUnavailable, Translator

__all__ = ["CATALOGUES", "EN", "LANGUAGES", "LanguageUnavailable", "Translator", "translator"]

EN: dict[str, str] = {
    # shared (with the summary's words: module, disclaimer, the patient's factors, ...)
    **summary_text.EN,
    "sources": "Sources",
    "lesson": "Lesson {number}: {title}",
    "other_questions": "Other questions",
    "right_mark": "✔ Right",
    "wrong_mark": "✘ Wrong",
    "answer_is": "Answer: {choice}",
    "why_each": "Why each choice is right or wrong",
    "glossary": "Glossary",
    # anki
    "deck_name": "aml-teach: relapsed and refractory AML",
    "deck_description": (
        "Questions and glossary of aml-teach, a teaching module on relapsed and refractory "
        "acute myeloid leukemia. {disclaimer}"
    ),
    "question_model": "aml-teach question",
    "term_model": "aml-teach glossary term",
    # moodle / qti
    "category_info": "Questions of aml-teach. {disclaimer}",
    "correct_feedback": "Correct.",
    "incorrect_feedback": "Not quite: read why each choice is right or wrong.",
    "quiz_title": "aml-teach: relapsed and refractory AML self-check",
    "glossary_intro": "Terms used by aml-teach, each with its sources. {disclaimer}",
    # handout
    "handout_title": "aml-teach: teaching case handouts",
    "case_label": "Teaching case {number} of {total}",
    # course site
    "live_note": (
        "Interactive: open this lesson live with the rocket button at the top of the page "
        "(Binder or your course hub) to use it here."
    ),
    "print_hint": "Print this page, or save it as PDF from the browser's print dialogue.",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN}


def translator(lang: str = "en") -> Translator:
    """``tr(key, **values)`` for ``lang``: the catalogue's text with the values filled in."""
    return summary_text.translator(lang, CATALOGUES)
