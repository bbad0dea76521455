"""The live options view (one HTML region, replaced whole) and the explorer built on it."""

from __future__ import annotations

import ipywidgets as widgets

from ..core.knowledge import KnowledgeBase, load_knowledge_base
from ..core.patient import PatientError
from ..teaching.keys import KeyGuard
from ..teaching.options_html import CSS, options_html
from .factor_panel import FactorPanel
from .guard import guard, refusal_message
from .look import WIDGET_CSS, Look, ShortRepr, message_html, something_went_wrong

FIELD_LABELS = {
    "age": "Age",
    "remission_months": "How long the remission lasted",
    "disease": "Disease",
    "markers": "Markers",
    "prior_treatments": "Treatments already given",
    "white_cell_count": "White cell count",
    "prior_transplant": "Earlier stem cell transplant",
}


def _friendly(error: PatientError) -> str:
    """A PatientError as a sentence a student can act on."""
    text = str(error)
    field, _, rest = text.partition(" ")
    if field in FIELD_LABELS:
        text = f"{FIELD_LABELS[field]}: {rest}"
    return f"Please check the patient factors. {text}"



class OptionsView(ShortRepr, widgets.HTML):
    """The live list of options: one HTML region (class ``aml-options``), replaced whole."""

    def __init__(self, kb: KnowledgeBase | None = None, look: Look | None = None) -> None:
        self.kb = kb or load_knowledge_base()
        look = look or Look()
        super().__init__(value="", layout=look.plain, style=look.html)
        self.add_class("aml-options")

    def refuse(self, widget: widgets.Widget, error: BaseException) -> None:
        """Explain a value the browser sent that ``widget`` could not hold."""
        self.value = message_html(refusal_message(widget))

    @property
    def region(self) -> widgets.HTML:
        """The HTML region itself (kept for callers that address it by this name)."""
        return self

    def show(self, factors: FactorPanel, include_excluded: bool) -> None:
        """Show the options for the factors, or a plain message if one is invalid."""
        try:
            patient = factors.patient()
        except PatientError as error:
            self.value = message_html(_friendly(error))
            return
        except Exception as error:  # noqa: BLE001 - never a traceback in a learner's page
            self.value = something_went_wrong("reading the factors", error)
            return
        try:
            self.value = options_html(patient, bool(include_excluded), self.kb, summary=True)
        except Exception as error:  # noqa: BLE001
            self.value = something_went_wrong("listing the options", error)


class Explorer(ShortRepr, widgets.VBox):
    """A factor panel and the options that apply, updated on every change."""

    def __init__(self, show_excluded: bool = False, kb: KnowledgeBase | None = None) -> None:
        self.kb = kb or load_knowledge_base()
        look = Look()
        self.factors = FactorPanel(self.kb, look=look)
        self.show_excluded = look.checkbox("Show what doesn't apply, and why", bool(show_excluded))
        self.options = OptionsView(self.kb, look=look)
        guard(self.show_excluded, self.options.refuse)
        self.factors.on_change(self.refresh)
        self.show_excluded.observe(lambda _: self.refresh(), names="value")
        results = look.vbox([self.show_excluded, self.options])
        results.add_class("aml-results")
        self.factors.add_class("aml-factors")
        columns = widgets.Box([self.factors, results], layout=look.plain)
        columns.add_class("aml-columns")
        super().__init__(
            [look.html_widget(CSS + WIDGET_CSS), columns, KeyGuard()], layout=look.plain
        )
        self.add_class("aml-explorer")
        self.refresh()

    def refresh(self) -> None:
        self.options.show(self.factors, self.show_excluded.value)


def explorer(show_excluded: bool = False, kb: KnowledgeBase | None = None) -> Explorer:
    """A factor panel with the live options view, for a notebook cell."""
    return Explorer(show_excluded=show_excluded, kb=kb)
