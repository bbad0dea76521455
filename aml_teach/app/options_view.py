"""The live options view (one HTML region, replaced whole) and the explorer built on it."""

from __future__ import annotations

import ipywidgets as widgets

from ..core.i18n import N_, check_lang, translator
from ..core.knowledge import KnowledgeBase, load_knowledge_base
from ..core.patient import PatientError
from ..teaching.keys import KeyGuard
from ..teaching.options_html import CSS, options_html
from .factor_panel import FactorError, FactorPanel
from .guard import guard, refusal_message
from .look import WIDGET_CSS, Look, ShortRepr, message_html, something_went_wrong

SHOW_EXCLUDED = N_("Show what doesn't apply, and why")
FIELD_LABELS = {
    "age": N_("Age"),
    "remission_months": N_("How long the remission lasted"),
    "disease": N_("Disease"),
    "markers": N_("Markers"),
    "prior_treatments": N_("Treatments already given"),
    "white_cell_count": N_("White cell count"),
    "prior_transplant": N_("Earlier stem cell transplant"),
}


def _friendly(error: PatientError, lang: str = "en") -> str:
    """A PatientError as a sentence a student can act on, in ``lang``: the panel's own
    refusals are already worded; a Patient's message names the factor as the code does
    (``error.field``), so the factor's label takes its place."""
    _ = translator(lang)
    text = str(error) if isinstance(error, FactorError) else error.text(lang)
    field = getattr(error, "field", "")
    if field in FIELD_LABELS and text.startswith(field + " "):
        text = _("{factor}: {problem}", factor=_(FIELD_LABELS[field]),
                 problem=text.removeprefix(field + " "))
    return _("Please check the patient factors. {problem}", problem=text)



class OptionsView(ShortRepr, widgets.HTML):
    """The live list of options: one HTML region (class ``aml-options``), replaced whole."""

    def __init__(self, kb: KnowledgeBase | None = None, look: Look | None = None,
                 lang: str = "en") -> None:
        self.kb = kb or load_knowledge_base()
        self.lang = check_lang(lang)
        look = look or Look()
        super().__init__(value="", layout=look.plain, style=look.html)
        self.add_class("aml-options")

    def refuse(self, widget: widgets.Widget, error: BaseException) -> None:
        """Explain a value the browser sent that ``widget`` could not hold."""
        self.value = message_html(refusal_message(widget, self.lang), self.lang)

    @property
    def region(self) -> widgets.HTML:
        """The HTML region itself (kept for callers that address it by this name)."""
        return self

    def show(self, factors: FactorPanel, include_excluded: bool) -> None:
        """Show the options for the factors, or a plain message if one is invalid."""
        try:
            patient = factors.patient()
        except PatientError as error:
            self.value = message_html(_friendly(error, self.lang), self.lang)
            return
        except Exception as error:  # noqa: BLE001 - never a traceback in a learner's page
            self.value = something_went_wrong("reading the factors", error, self.lang)
            return
        try:
            self.value = options_html(patient, bool(include_excluded), self.kb, summary=True,
                                      lang=self.lang)
        except Exception as error:  # noqa: BLE001
            self.value = something_went_wrong("listing the options", error, self.lang)


class Explorer(ShortRepr, widgets.VBox):
    """A factor panel and the options that apply, updated on every change."""

    def __init__(self, show_excluded: bool = False, kb: KnowledgeBase | None = None,
                 lang: str = "en") -> None:
        self.kb = kb or load_knowledge_base()
        _ = translator(lang)
        look = Look()
        self.factors = FactorPanel(self.kb, look=look, lang=lang)
        self.show_excluded = look.checkbox(_(SHOW_EXCLUDED), bool(show_excluded))
        self.options = OptionsView(self.kb, look=look, lang=lang)
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


def explorer(show_excluded: bool = False, kb: KnowledgeBase | None = None,
             lang: str = "en") -> Explorer:
    """A factor panel with the live options view, for a notebook cell."""
    return Explorer(show_excluded=show_excluded, kb=kb, lang=lang)
