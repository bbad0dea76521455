"""Every word the exports write that is not from ``data/``, by key, through gettext.

The exporters never hold English text themselves; they ask :func:`translator` for a ``tr``
function and call ``tr("key", **values)``. Each key names an English message marked for the
catalogue (``N_``; ``export.po`` holds the French); the one-patient summary's words come
from :mod:`aml_teach.teaching.summary_text` (the dashboard prints the same summary) and are
part of the table here.
"""

from __future__ import annotations

from aml_teach.core.i18n import N_
from aml_teach.teaching import summary_text
from aml_teach.teaching.summary_text import LANGUAGES, LanguageUnavailable, Translator

__all__ = ["CATALOGUES", "EN", "LANGUAGES", "LanguageUnavailable", "Translator", "translator"]

EN: dict[str, str] = {
    # shared (with the summary's words: module, disclaimer, the patient's factors, ...)
    **summary_text.EN,
    "sources": N_("Sources"),
    "sources_label": N_("Sources:"),
    # a choice's mark and why: "✔ Right: the remission lasted ... [1]" (fields are HTML)
    "marked": N_("{mark}: {reason}"),
    "module_part": N_("{module}: {part}"),
    "lesson": N_("Lesson {number}: {title}"),
    "other_questions": N_("Other questions"),
    "right_mark": N_("✔ Right"),
    "wrong_mark": N_("✘ Wrong"),
    "answer_is": N_("Answer: {choice}"),
    "why_each": N_("Why each choice is right or wrong"),
    "glossary": N_("Glossary"),
    # anki
    "deck_name": N_("aml-teach: relapsed and refractory AML"),
    "deck_description": N_(
        "Questions and glossary of aml-teach, a teaching module on relapsed and refractory "
        "acute myeloid leukemia. {disclaimer}"
    ),
    "question_model": N_("aml-teach question"),
    "term_model": N_("aml-teach glossary term"),
    # moodle / qti
    "category_info": N_("Questions of aml-teach. {disclaimer}"),
    "correct_feedback": N_("Correct."),
    "incorrect_feedback": N_("Not quite: read why each choice is right or wrong."),
    "quiz_title": N_("aml-teach: relapsed and refractory AML self-check"),
    "glossary_intro": N_("Terms used by aml-teach, each with its sources. {disclaimer}"),
    # handout
    "handout_title": N_("aml-teach: teaching case handouts"),
    "case_label": N_("Teaching case {number} of {total}"),
    # course site
    "live_note": N_(
        "Interactive: open this lesson live with the rocket button at the top of the page "
        "(Binder or your course hub) to use it here."
    ),
    "print_hint": N_("Print this page, or save it as PDF from the browser's print dialogue."),
}

# every language has every key: the words differ only through the catalogue
CATALOGUES: dict[str, dict[str, str]] = dict.fromkeys(LANGUAGES, EN)


def translator(lang: str = "en") -> Translator:
    """``tr(key, **values)`` for ``lang``: the key's message in ``lang``, values filled in."""
    return summary_text.translator(lang, CATALOGUES)
