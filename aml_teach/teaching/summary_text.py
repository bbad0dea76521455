"""The words of the one-patient summary that are not from ``data/``: one catalogue per language.

The summary (:mod:`aml_teach.teaching.summary`) and the exports share these: the exports'
catalogue (:mod:`aml_teach.export.text`) starts from this one, so a French edition adds a
``FR`` here and there with the same keys.
"""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("en", "fr")

EN: dict[str, str] = {
    "module": "aml-teach: relapsed and refractory AML",
    "disclaimer": (
        "For education only: not a prescribing tool and not a substitute for the advice of a "
        "qualified healthcare professional."
    ),
    "summary_title": "This patient: options and reasons",
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
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN}

Translator = Callable[..., str]


class LanguageUnavailable(ValueError):
    """The language is planned but its catalogue (and translated tables) do not exist yet."""


def check_language(lang: str, catalogues: dict[str, dict[str, str]]) -> dict[str, str]:
    """The catalogue for ``lang``, or a LanguageUnavailable that says which languages exist."""
    if lang not in catalogues:
        if lang in LANGUAGES:
            raise LanguageUnavailable(
                f"the {lang!r} edition is not available yet: only 'en' can be exported for now"
            )
        raise LanguageUnavailable(f"unknown language {lang!r}; choose one of {LANGUAGES}")
    return catalogues[lang]


def translator(lang: str = "en", catalogues: dict[str, dict[str, str]] | None = None
               ) -> Translator:
    """``tr(key, **values)`` for ``lang``: the catalogue's text with the values filled in."""
    catalogue = check_language(lang, CATALOGUES if catalogues is None else catalogues)

    def tr(key: str, **values: object) -> str:
        return catalogue[key].format(**values) if values else catalogue[key]

    return tr
