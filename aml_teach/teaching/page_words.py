"""The words the class page's own script and style show (the Voila template), by language.

The template (classroom/share/jupyter/voila/templates/aml/index.html.j2) cannot ask gettext:
the dashboard hands it these words through its language switch, and a lesson carries them in
its notebook's metadata (``aml_teach.page_words``, written by :mod:`.nbrun`), so a French
lesson's "reload the page" box and its "scroll sideways" hint are French too.
"""

from __future__ import annotations

from ..core.i18n import N_, translator

PAGE_WORDS = {
    "stopped": N_(
        "Your session on the class server stopped (its kernel ended), so this page no longer "
        "responds. Reload the page to start a new session; other students are not affected."),
    "culled": N_("This page was closed after being idle, to free the class server."),
    "lost": N_("The connection to the class server was lost: it may have stopped or restarted. "
               "When it is back, reload the page."),
    "reload": N_("Reload the page"),
    "swipe": N_("Swipe or scroll sideways to see the whole table"),
}


def page_words(lang: str) -> dict[str, str]:
    """Every page word in ``lang`` (unknown language: ValueError)."""
    _ = translator(lang)
    return {key: _(words) for key, words in PAGE_WORDS.items()}
