"""The class dashboard: one page an instructor serves to a whole lecture hall.

``App()`` builds the page from the knowledge base; ``notebooks/dashboard.ipynb`` ends with
a single cell showing it, and ``python -m aml_teach serve`` serves that notebook with Voila.
Everything on the page is a standard ipywidget (keyboard usable, each with a visible label);
results are HTML regions replaced whole, which keeps each update one small message.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from . import DISCLAIMER
from .figures import numbered_references_html
from .knowledge import DataError, KnowledgeBase, load_knowledge_base
from .widgets import (
    CSS,
    FULL_WIDTH,
    EpiPanel,
    FactorPanel,
    OptionsView,
    ScheduleViewer,
    message_html,
    something_went_wrong,
)

__all__ = ["App"]


def _heading(text: str, level: int = 2) -> widgets.HTML:
    return widgets.HTML(f"<h{level}>{escape(text)}</h{level}>")


def _section(name: str, *children: widgets.Widget) -> widgets.VBox:
    box = widgets.VBox([_heading(name), *children])
    box.add_class("aml-section")
    return box


class App(widgets.VBox):
    """The whole dashboard: factors, options, schedules, the EPI and the references."""

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        disclaimer = widgets.HTML(
            '<div class="aml-disclaimer" role="note"><strong>Educational only.</strong> '
            f"{escape(DISCLAIMER)}</div>"
        )
        super().__init__([widgets.HTML(CSS), disclaimer])
        self.add_class("aml-app")
        try:
            self.kb = kb or load_knowledge_base()
            self._build()
        except DataError as error:
            # Data problems name files and lines, never a learner's values: safe to log.
            something_went_wrong("loading the teaching data", error)
            self.children = [
                *self.children,
                widgets.HTML(
                    message_html(
                        "The teaching data has problems, so the dashboard cannot start. "
                        "Please tell your instructor (they can run "
                        "`python -m aml_teach check-data`)."
                    )
                ),
            ]
        except Exception as error:  # noqa: BLE001 - a learner's page never shows a traceback
            self.children = [
                *self.children,
                widgets.HTML(something_went_wrong("building the dashboard", error)),
            ]

    def _build(self) -> None:
        kb = self.kb
        self.large_text = widgets.Checkbox(
            value=False, description="Larger text (for a projector)", indent=False
        )
        self.large_text.observe(self._large_text_changed, names="value")
        self.factors = FactorPanel(kb)
        self.show_excluded = widgets.Checkbox(
            value=False,
            description="Show what doesn't apply, and why",
            indent=False,
            layout=FULL_WIDTH,
        )
        self.show_excluded.add_class("aml-show-excluded")
        self.options = OptionsView(kb)
        self.schedules = ScheduleViewer(kb)
        self.epi = EpiPanel(self.factors, kb)
        self.factors.on_change(self.refresh)
        self.show_excluded.observe(lambda _: self.refresh(), names="value")

        intro = widgets.HTML(
            '<p class="aml-detail">Set the patient factors (or load a teaching case); the '
            "options update at once. What you enter stays in this page and is not saved.</p>"
        )
        tools = widgets.HBox([self.large_text])
        tools.add_class("aml-tools")
        factors = _section("Patient factors", self.factors)
        factors.add_class("aml-factors")
        results = _section("Treatment options", self.show_excluded, self.options)
        results.add_class("aml-results")
        columns = widgets.Box([factors, results])
        columns.add_class("aml-columns")
        references = widgets.HTML(numbered_references_html(kb=kb))
        references.add_class("aml-reference-list")
        self.children = [
            *self.children,
            tools,
            intro,
            columns,
            _section("Regimen schedules", self.schedules),
            _section(
                "European Prognostic Index (first relapse)",
                widgets.HTML(
                    '<p class="aml-detail">Age, remission length and prior transplant come '
                    "from the patient factors above.</p>"
                ),
                self.epi,
            ),
            _section("References", references),
        ]
        self.refresh()

    def _large_text_changed(self, change: dict) -> None:
        if change["new"]:
            self.add_class("aml-large")
        else:
            self.remove_class("aml-large")

    def refresh(self) -> None:
        """Bring the options up to date with the factors (the EPI listens on its own)."""
        self.options.show(self.factors, self.show_excluded.value)
