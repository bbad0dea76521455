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

from ..core.knowledge import DataError, KnowledgeBase, load_knowledge_base
from ..core.review import DISCLAIMER, reviewed_line
from ..teaching.figures import numbered_references_html
from ..teaching.keys import KeyGuard
from ..teaching.options_html import CSS
from .epi_panel import EpiPanel
from .factor_panel import FactorPanel
from .guard import guard
from .look import WIDGET_CSS, Look, ShortRepr, instructor_log, message_html, something_went_wrong
from .options_view import OptionsView
from .printing import PRINT_CSS, PrintButton, print_html
from .schedule_viewer import ScheduleViewer

__all__ = ["App", "LiveBox"]

# Makes the live class box for a page's factor panel, or None outside a live class (the
# classroom passes one in: aml_teach.classroom.page; the app itself knows no server).
LiveBox = Callable[[FactorPanel, Look], "widgets.Widget | None"]

HEADER = (
    f"{CSS}{WIDGET_CSS}{PRINT_CSS}"
    '<div class="aml-disclaimer" role="note"><strong>Educational only.</strong> '
    f"{escape(DISCLAIMER)} <span class=\"aml-reviewed\">{escape(reviewed_line())}.</span></div>"
)
INTRO = (
    '<p class="aml-detail">Set the patient factors (or load a teaching case); the options '
    "update at once. What you enter stays in this page and is not saved.</p>"
)
EPI_HEADING = (
    "<h2>European Prognostic Index (first relapse)</h2>"
    '<p class="aml-detail">Age, remission length and prior transplant come from the patient '
    "factors above.</p>"
)
DATA_PROBLEM = (
    "The teaching data has problems, so the dashboard cannot start. Please tell your "
    "instructor (they can run `python -m aml_teach check-data`)."
)


class App(ShortRepr, widgets.VBox):
    """The whole dashboard: factors, options, schedules, the EPI and the references."""

    def __init__(self, kb: KnowledgeBase | None = None, live_box: LiveBox | None = None) -> None:
        self.live_box = live_box
        self.look = Look()
        super().__init__([self.look.html_widget(HEADER)], layout=self.look.plain)
        self.add_class("aml-app")
        try:
            self.kb = kb or load_knowledge_base()
            self._build()
        except DataError as error:
            # Data problems name files and lines, never a learner's values: safe to log.
            instructor_log().error("the dashboard cannot start: %s", error)
            self.children = [*self.children, self.look.html_widget(message_html(DATA_PROBLEM))]
        except Exception as error:  # noqa: BLE001 - a learner's page never shows a traceback
            self.children = [
                *self.children,
                self.look.html_widget(something_went_wrong("building the dashboard", error)),
            ]

    def _build(self) -> None:
        kb, look = self.kb, self.look
        self.large_text = guard(look.checkbox("Larger text (for a projector)"))
        self.large_text.observe(self._large_text_changed, names="value")
        self.factors = FactorPanel(kb, heading="Patient factors", look=look)
        self.factors.add_class("aml-factors")
        self.show_excluded = look.checkbox("Show what doesn't apply, and why")
        self.show_excluded.add_class("aml-show-excluded")
        self.options = OptionsView(kb, look=look)
        guard(self.show_excluded, self.options.refuse)
        # the options first: the region students watch is redrawn by the first message
        self.factors.on_change(self.refresh)
        self.show_excluded.observe(lambda _: self.refresh(), names="value")
        self.schedules = ScheduleViewer(kb, heading="Regimen schedules", look=look)
        self.epi = EpiPanel(self.factors, kb, heading=EPI_HEADING, look=look)
        # live class mode: only in a page a class server made (aml_teach.classroom.page)
        self.live = self.live_box(self.factors, look) if self.live_box else None

        self.print_button = PrintButton()
        self.print_area = look.html_widget(css_class="aml-print-area")
        results = look.vbox(
            [look.html_widget("<h2>Treatment options</h2>"), self.show_excluded,
             self.print_button, self.options]
        )
        results.add_class("aml-results")
        columns = widgets.Box([self.factors, results], layout=look.plain)
        columns.add_class("aml-columns")
        references = look.html_widget(
            f"<h2>References</h2>{numbered_references_html(kb=kb)}", "aml-reference-list"
        )
        self.children = [
            *self.children,
            self.large_text,
            look.html_widget(INTRO),
            *([self.live] if self.live is not None else []),
            columns,
            self.schedules,
            self.epi,
            references,
            self.print_area,
            KeyGuard(),
        ]
        self.refresh()

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
        try:
            patient = self.factors.patient()
        except Exception:  # noqa: BLE001 - the options region already says what is wrong
            self.print_area.value = (
                "<p>Please check the patient factors: the summary is printed once they are "
                "valid.</p>"
            )
            return
        try:
            name, story, sources = self.factors.case_named()
            self.print_area.value = print_html(patient, self.kb, name, story, sources)
        except Exception as error:  # noqa: BLE001
            self.print_area.value = something_went_wrong("preparing the printed summary", error)
