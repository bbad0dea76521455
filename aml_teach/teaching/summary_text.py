"""The words of the one-patient summary that are not from ``data/``, by key, through gettext.

The summary (:mod:`aml_teach.teaching.summary`) and the exports share these: the exports'
words (:mod:`aml_teach.export.text`) start from this table, so one ``tr("key")`` gives the
same words in the summary and the handout. Each key names an English message marked for the
catalogue (``N_``); ``tr`` translates it into the page's language (``teaching.po`` holds the
French), so every language has every key.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from ..core.i18n import LANGUAGES, N_, LanguageError, check_lang
from ..core.i18n import translator as _translator

__all__ = ["CATALOGUES", "EN", "LANGUAGES", "LanguageUnavailable", "Translator",
           "check_language", "html_message", "translator"]

EN: dict[str, str] = {
    "module": N_("aml-teach: relapsed and refractory AML"),
    "disclaimer": N_(
        "For education only: not a prescribing tool and not a substitute for the advice of a "
        "qualified healthcare professional."
    ),
    "summary_title": N_("This patient: options and reasons"),
    "factors": N_("The patient's factors"),
    "options_apply": N_("Options that apply"),
    "options_do_not_apply": N_("Options that do not apply, and why"),
    "none_apply": N_("None of the options in the knowledge base applies."),
    "none_excluded": N_("Every option in the knowledge base applies."),
    "references": N_("References"),
    "beyond_seed": N_("★ beyond the source page"),
    # an option and why: "<b>7+3</b> (intensive chemotherapy): fit for ..." (fields are HTML)
    "option_line": N_("{option} {category}: {reason}"),
    "age": N_("Age"),
    "age_value": N_("{age} years"),
    "fit": N_("Fit for intensive chemotherapy"),
    "disease": N_("Disease"),
    "relapsed": N_("relapsed"),
    "refractory": N_("refractory"),
    "remission": N_("Last complete remission"),
    "remission_none": N_("none reached (refractory)"),
    "prior": N_("Treatments before"),
    "cns": N_("Leukemia in the central nervous system"),
    "markers": N_("Markers"),
    "markers_none": N_("none found"),
    "donor": N_("Matched donor"),
    "transplant": N_("Earlier stem cell transplant"),
    "white_count": N_("White cell count"),
    "white_count_value": N_("{count} × 10⁹/L"),
    "not_given": N_("not given"),
    "none": N_("none"),
    "yes": N_("yes"),
    "no": N_("no"),
}

# every language has every key: the words differ only through the catalogue
CATALOGUES: dict[str, dict[str, str]] = dict.fromkeys(LANGUAGES, EN)

Translator = Callable[..., str]


class LanguageUnavailable(LanguageError):
    """A language the module does not speak (the message names the ones it does)."""


def check_language(lang: object, catalogues: dict[str, dict[str, str]] | None = None
                   ) -> dict[str, str]:
    """The key table for ``lang``, or a LanguageUnavailable that says which languages exist."""
    try:
        lang = check_lang(lang)
    except LanguageError as error:
        raise LanguageUnavailable(str(error)) from None
    return (CATALOGUES if catalogues is None else catalogues)[lang]


def html_message(template: str, /, **html: str) -> str:
    """A message asked for without its values (``tr("option_line")`` gives the translated
    template) as escaped text, its fields filled with HTML (a link, a bold name)."""
    return escape(template, quote=False).format(**html)


def translator(lang: str = "en", catalogues: dict[str, dict[str, str]] | None = None
               ) -> Translator:
    """``tr(key, **values)`` for ``lang``: the key's message in ``lang``, values filled in.

    ``tr.lang`` is the language and ``tr.gettext`` the room's ``_`` (for words with no key).
    """
    table = check_language(lang, catalogues)
    _ = _translator(lang)

    def tr(key: str, **values: object) -> str:
        return _(table[key], **values)

    tr.lang = lang  # type: ignore[attr-defined]
    tr.gettext = _  # type: ignore[attr-defined]
    return tr
