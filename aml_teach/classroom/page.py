"""The page a class is served: the dashboard ``App`` with the classroom's comm checks, its
title and introduction, and, in live class mode, the live box on the channel of the engine
that made the page.

``notebooks/dashboard.ipynb`` (the Voila engine) and :mod:`aml_teach.classroom.solara_page`
(the Solara engine) both show this ``App``. Outside a class server (a notebook opened in
JupyterLab, a test) it is the plain dashboard: the checks and the live box depend on what
the server put in the kernel's environment or process.

The page speaks the class's language (``serve --lang fr`` puts it in :data:`LANGUAGE_ENV`)
unless the page's address asks for another (``?lang=fr``); its switch changes it in place.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..app import dashboard
from ..app.factor_panel import FactorPanel
from ..app.look import Look
from ..core.i18n import N_, translator
from ..core.knowledge import KnowledgeBase
from ..live import box, solara_channel
from .comm_guard import protect_if_classroom
from .language import LANGUAGE_ENV, class_language

__all__ = ["App", "LANGUAGE_ENV", "class_language", "live_box"]

TITLE = N_("Relapsed and refractory AML: the class dashboard")
INTRO = N_(
    "Set a patient's factors, or load a teaching case, and see which treatment options apply "
    "and why, each with its sources. <em>Educational only: not a prescribing tool.</em>"
)
# The lessons, as the Voila engine serves them beside the dashboard (each at /NAME.ipynb;
# in French at /fr/NAME.ipynb when the French lesson is there).
LESSONS = (
    ("01-start-here", N_("1. Start here")),
    ("02-relapsed-or-refractory", N_("2. Relapsed or refractory?")),
    ("03-the-7-3-schedule", N_("3. The 7+3 schedule")),
    ("04-intensive-or-less-intensive", N_("4. Intensive or less intensive?")),
    ("05-targeted-cns-transplant-support",
     N_("5. Targeted therapy, the CNS, transplant and support")),
    ("06-cases-and-self-check", N_("6. Cases and self-check")),
    ("glossary", N_("Glossary")),
)
LESSONS_LINKS = N_(
    "<strong>The lessons</strong>, to read on any screen (their tools work; nothing is "
    "saved): {links}"
)
# Where the lessons are when the Solara engine serves the dashboard alone.
LESSONS_NOTE = N_(
    "<strong>The lessons</strong> are not on this class server, which shows the dashboard "
    "only. Read them in JupyterLab (<code>python3 run.py lab</code> in the module's folder), "
    "or on any screen when your instructor serves the class with the Voila engine "
    "(<code>python3 run.py serve --class</code>): it links them here."
)
# where each language's lessons are, beside the dashboard (served at the same addresses)
LESSON_FOLDER = {"en": "", "fr": "fr/"}
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def lesson_address(name: str, lang: str) -> str:
    """A lesson's address in ``lang``, or the English one while it has no translation."""
    translated = LESSON_FOLDER.get(lang, "") + f"{name}.ipynb"
    return translated if (NOTEBOOKS / translated).is_file() else f"{name}.ipynb"


def live_box(factors: FactorPanel, look: Look) -> box.LivePanel | None:
    """This page's live class box: the room in this process (Solara), over HTTP from a class
    server's kernel (Voila), or None when there is no live class."""
    if solara_channel.ROOM is not None:
        return solara_channel.local_panel(solara_channel.ROOM, factors, look)
    return box.live_panel(factors, look)


def intro_html(lang: str, lessons: str = "links") -> str:
    """The page's title and introduction, and where the lessons are: ``"links"`` (the Voila
    engine serves them) or ``"note"`` (the Solara engine does not)."""
    _ = translator(lang)
    if lessons == "links":
        links = " · ".join(
            f'<a href="{lesson_address(name, lang)}">{escape(_(title))}</a>'
            for name, title in LESSONS
        )
        where = f'<p class="aml-lessons">{_(LESSONS_LINKS, links=links)}</p>'
    else:
        where = f'<p class="aml-lessons-note">{_(LESSONS_NOTE)}</p>'
    return f"<h1>{escape(_(TITLE))}</h1><p>{_(INTRO)}</p>{where}"


class App(dashboard.App):
    """The whole dashboard as a class sees it (see :class:`aml_teach.app.dashboard.App`),
    with its title and introduction, in ``lang`` (default: the class's language)."""

    def __init__(self, kb: KnowledgeBase | None = None, lang: str | None = None,
                 lessons: str = "links") -> None:
        protect_if_classroom()  # served to a class: comm checks, no tracebacks to the page
        self.lessons = lessons  # (before the page is built: its introduction names them)
        super().__init__(kb, live_box=live_box, lang=lang or class_language())

    def page_intro_html(self) -> str:
        return intro_html(self.lang, self.lessons)
