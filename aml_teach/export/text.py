"""Every word the exports write that is not from ``data/``: one catalogue per language.

The exporters never hold English text themselves; they ask :func:`translator` for a ``tr``
function and call ``tr("key", **values)``. A French edition adds a ``FR`` catalogue with the
same keys (a test keeps the keys equal) and lists it in ``CATALOGUES``.
"""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("en", "fr")

EN: dict[str, str] = {
    # shared
    "module": "aml-teach: relapsed and refractory AML",
    "disclaimer": (
        "For education only: not a prescribing tool and not a substitute for the advice of a "
        "qualified healthcare professional."
    ),
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
    "factors": "The patient's factors",
    "options_apply": "Options that apply",
    "options_do_not_apply": "Options that do not apply, and why",
    "none_apply": "None of the options in the knowledge base applies.",
    "none_excluded": "Every option in the knowledge base applies.",
    "references": "References",
    "beyond_seed": "★ beyond the source page",
    "age": "Age",
    "age_value": "{age} years",
    "fit": "Fit for intensive chemotherapy",
    "disease": "Disease",
    "relapsed": "relapsed",
    "refractory": "refractory",
    "remission": "Last complete remission",
    "remission_value": "{months:g} months",
    "remission_none": "none reached (refractory)",
    "prior": "Treatments before",
    "cns": "Leukemia in the central nervous system",
    "markers": "Markers",
    "markers_none": "none found",
    "donor": "Matched donor",
    "transplant": "Earlier stem cell transplant",
    "white_count": "White cell count",
    "white_count_value": "{count:g} × 10⁹/L",
    "not_given": "not given",
    "none": "none",
    "yes": "yes",
    "no": "no",
    # course site
    "live_note": (
        "Interactive: open this lesson live with the rocket button at the top of the page "
        "(Binder or your course hub) to use it here."
    ),
    "print_hint": "Print this page, or save it as PDF from the browser's print dialogue.",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN}

Translator = Callable[..., str]


class LanguageUnavailable(ValueError):
    """The language is planned but its catalogue (and translated tables) do not exist yet."""


def translator(lang: str = "en") -> Translator:
    """``tr(key, **values)`` for ``lang``: the catalogue's text with the values filled in."""
    if lang not in CATALOGUES:
        if lang in LANGUAGES:
            raise LanguageUnavailable(
                f"the {lang!r} edition is not available yet: only 'en' can be exported for now"
            )
        raise LanguageUnavailable(f"unknown language {lang!r}; choose one of {LANGUAGES}")
    catalogue = CATALOGUES[lang]

    def tr(key: str, **values: object) -> str:
        return catalogue[key].format(**values) if values else catalogue[key]

    return tr
