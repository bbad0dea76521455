"""The class dashboard: one page an instructor serves to a whole lecture hall.

``App()`` builds the page from the knowledge base; ``notebooks/dashboard.ipynb`` ends with
a single cell showing it, and ``python -m aml_teach serve`` serves that notebook with Voila.
Everything on the page is a standard ipywidget (keyboard usable, each with a visible label);
results are HTML regions replaced whole, which keeps each update one small message, and the
widgets share their layout and style models, which keeps the first render quick.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as widgets

from ..core.i18n import N_, check_lang, translator
from ..core.knowledge import DataError, KnowledgeBase, load_knowledge_base
from ..core.review import disclaimer, reviewed_line
from ..teaching.figures import numbered_references_html
from ..teaching.keys import KeyGuard
from ..teaching.options_html import CSS
from .epi_panel import EpiPanel
from .factor_panel import FactorPanel
from .guard import guard
from .language import LanguageSwitch
from .look import (
    WIDGET_CSS,
    Look,
    ShortRepr,
    _heading,
    instructor_log,
    message_html,
    something_went_wrong,
)
from .options_view import SHOW_EXCLUDED, OptionsView
from .printing import PRINT_CSS, PrintButton, print_html
from .schedule_viewer import ScheduleViewer

__all__ = ["App", "LiveBox"]

# Makes the live class box for a page's factor panel, or None outside a live class (the
# classroom passes one in: aml_teach.classroom.page; the app itself knows no server).
LiveBox = Callable[[FactorPanel, Look], "widgets.Widget | None"]

STYLE = f"{CSS}{WIDGET_CSS}{PRINT_CSS}"
INTRO = N_(
    "Set the patient factors (or load a teaching case); the options update at once. What you "
    "enter stays in this page and is not saved."
)
EPI_TITLE = N_("European Prognostic Index (first relapse)")
EPI_DETAIL = N_("Age, remission length and prior transplant come from the patient factors above.")
DATA_PROBLEM = N_(
    "The teaching data has problems, so the dashboard cannot start. Please tell your "
    "instructor (they can run `python -m aml_teach check-data`)."
)


def header_html(lang: str = "en") -> str:
    """The page's style and its disclaimer, with the date the content was reviewed."""
    _ = translator(lang)
    educational = escape(_("Educational only."))
    return (
        f'{STYLE}<div class="aml-disclaimer" role="note"><strong>{educational}'
        f"</strong> {escape(disclaimer(lang))} "
        f'<span class="aml-reviewed">{escape(reviewed_line(lang))}.</span></div>'
    )


class App(ShortRepr, widgets.VBox):
    """The whole dashboard: factors, options, schedules, the EPI and the references.

    Every word is in ``lang`` ("en" or "fr"); the page's switch ("Français / English") calls
    :meth:`set_language`, which puts each word in the other language in place: the factors,
    the case, the schedule chosen and the index's inputs stay as they are.
    """

    def __init__(self, kb: KnowledgeBase | None = None, live_box: LiveBox | None = None,
                 lang: str = "en") -> None:
        self.lang = check_lang(lang)
        self.live_box = live_box
        self.look = Look()
        self.header = self.look.html_widget(header_html(self.lang))
        self.language = guard(LanguageSwitch(self.lang))
        self.page_intro = self.look.html_widget(self.page_intro_html(), "aml-intro")
        super().__init__([self.language, self.page_intro, self.header], layout=self.look.plain)
        self.add_class("aml-app")
        try:
            self.kb = kb or load_knowledge_base()
            self._build()
        except DataError as error:
            # Data problems name files and lines, never a learner's values: safe to log.
            instructor_log().error("the dashboard cannot start: %s", error)
            self.children = [*self.children, self.look.html_widget(
                message_html(translator(self.lang)(DATA_PROBLEM), self.lang))]
        except Exception as error:  # noqa: BLE001 - a learner's page never shows a traceback
            self.children = [
                *self.children,
                self.look.html_widget(
                    something_went_wrong("building the dashboard", error, self.lang)),
            ]
        self.language.observe(self._language_changed, names="lang")

    def _build(self) -> None:
        kb, look, lang = self.kb, self.look, self.lang
        self.large_text = guard(look.checkbox(""))
        self.large_text.observe(self._large_text_changed, names="value")
        self.factors = FactorPanel(kb, heading=N_("Patient factors"), look=look, lang=lang)
        self.factors.add_class("aml-factors")
        self.show_excluded = look.checkbox("")
        self.show_excluded.add_class("aml-show-excluded")
        self.options = OptionsView(kb, look=look, lang=lang)
        guard(self.show_excluded, self.options.refuse)
        # the options first: the region students watch is redrawn by the first message
        self.factors.on_change(self.refresh)
        self.show_excluded.observe(lambda _: self.refresh(), names="value")
        self.schedules = ScheduleViewer(kb, heading=N_("Regimen schedules"), look=look,
                                        lang=lang)
        self.epi = EpiPanel(self.factors, kb, heading=EPI_TITLE, detail=EPI_DETAIL, look=look,
                            lang=lang)
        # live class mode: only in a page a class server made (aml_teach.classroom.page)
        self.live = self.live_box(self.factors, look) if self.live_box else None

        self.print_button = PrintButton()
        self.print_area = look.html_widget(css_class="aml-print-area")
        self.intro = look.html_widget()
        self.results_heading = look.html_widget()
        results = look.vbox(
            [self.results_heading, self.show_excluded, self.print_button, self.options]
        )
        results.add_class("aml-results")
        columns = widgets.Box([self.factors, results], layout=look.plain)
        columns.add_class("aml-columns")
        self.references = look.html_widget(css_class="aml-reference-list")
        self.children = [
            *self.children,
            self.large_text,
            self.intro,
            *([self.live] if self.live is not None else []),
            columns,
            self.schedules,
            self.epi,
            self.references,
            self.print_area,
            KeyGuard(),
        ]
        self._words()
        self.refresh()

    def _words(self) -> None:
        """The App's own words in ``self.lang`` (each panel has its own)."""
        _ = translator(self.lang)
        self.header.value = header_html(self.lang)
        self.page_intro.value = self.page_intro_html()
        self.large_text.description = _("Larger text (for a projector)")
        self.show_excluded.description = _(SHOW_EXCLUDED)
        self.print_button.description = _("Print this patient")
        self.intro.value = f'<p class="aml-detail">{escape(_(INTRO))}</p>'
        self.results_heading.value = _heading(_("Treatment options"))
        self.references.value = _heading(_("References")) + numbered_references_html(kb=self.kb)

    def _language_changed(self, change: dict[str, Any]) -> None:
        try:
            self.set_language(change["new"])
        except Exception as error:  # noqa: BLE001 - a learner's page never shows a traceback
            self.header.value = header_html(self.lang) + something_went_wrong(
                "changing the language", error, self.lang)

    def set_language(self, lang: str) -> None:
        """Every word on the page in ``lang``; every value the learner set stays."""
        lang = check_lang(lang)
        if lang == self.lang:
            return
        self.lang = lang
        self.language.lang = lang
        if not hasattr(self, "factors"):  # the page could not be built: only its message
            self.header.value = header_html(lang)
            self.page_intro.value = self.page_intro_html()
            return
        with self.hold_sync():
            self.factors.set_language(lang)
            self.options.lang = lang
            self._words()
        self.refresh()
        self.schedules.set_language(lang)
        self.epi.set_language(lang)
        relabel = getattr(self.live, "set_language", None)
        if relabel is not None:  # the live class box, when it can change its words
            relabel(lang)

    def page_intro_html(self) -> str:
        """What the page says above the disclaimer (a class server's page: its title)."""
        return ""

    def _large_text_changed(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.add_class("aml-large")
        else:
            self.remove_class("aml-large")

    def refresh(self) -> None:
        """Bring the options up to date with the factors (the EPI listens on its own), and
        the printed summary with them (the browser's own Print prints it too)."""
        self.options.show(self.factors, self.show_excluded.value)
        self._refresh_print()

    def _refresh_print(self) -> None:
        _ = translator(self.lang)
        try:
            patient = self.factors.patient()
        except Exception:  # noqa: BLE001 - the options region already says what is wrong
            self.print_area.value = "<p>{}</p>".format(escape(_(
                "Please check the patient factors: the summary is printed once they are valid."
            )))
            return
        try:
            name, story, sources = self.factors.case_named()
            self.print_area.value = print_html(
                patient, self.kb, name, story, sources, lang=self.lang)
        except Exception as error:  # noqa: BLE001
            self.print_area.value = something_went_wrong(
                "preparing the printed summary", error, self.lang)
