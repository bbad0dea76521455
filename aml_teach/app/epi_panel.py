"""The European Prognostic Index panel: standalone, or linked to a factor panel."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from ..core.epi import CYTOGENETICS, european_prognostic_index
from ..core.knowledge import KnowledgeBase, load_knowledge_base
from ..core.patient import PatientError
from ..teaching.figures import cite
from ..teaching.keys import keyboard_safe
from .factor_panel import DEFAULTS, FactorPanel
from .guard import guard, refusal_message
from .look import Look, ShortRepr, message_html, something_went_wrong

CYTOGENETICS_LABELS = {
    "inv(16)": "inv(16)",
    "t(16;16)": "t(16;16)",
    "t(8;21)": "t(8;21)",
    "other": "Any other karyotype",
}


EPI_FIELD_LABELS = {
    "relapse_free_months": "Relapse-free interval (months)",
    "cytogenetics": "Cytogenetics at diagnosis",
    "age": "Age at relapse (years)",
    "prior_transplant": "Stem cell transplant before relapse",
}


def _epi_words(error: ValueError) -> str:
    """An index error with the field's label in place of its Python name."""
    field, _, rest = str(error).partition(" ")
    return f"{EPI_FIELD_LABELS[field]}: {rest}" if field in EPI_FIELD_LABELS else str(error)


class EpiPanel(ShortRepr, widgets.VBox):
    """The European Prognostic Index (Breems 2005) with its points, group and caveat.

    Linked to a FactorPanel it takes age, remission length and prior transplant from it;
    alone it has its own inputs. Cytogenetics at diagnosis is always asked here.
    """

    def __init__(
        self,
        factors: FactorPanel | None = None,
        kb: KnowledgeBase | None = None,
        heading: str | None = None,
        look: Look | None = None,
    ) -> None:
        self.kb = kb or load_knowledge_base()
        look = look or Look()
        self.factors = factors
        self.cytogenetics = look.dropdown(
            "Cytogenetics at diagnosis",
            [(CYTOGENETICS_LABELS.get(c, c), c) for c in CYTOGENETICS],
            "other",
        )
        inputs: list[widgets.Widget] = [self.cytogenetics]
        if factors is None:
            self.relapse_free = look.float_text(
                "Relapse-free interval (months)", DEFAULTS["remission_months"]
            )
            self.age = look.int_text("Age at relapse (years)", DEFAULTS["age"])
            self.transplant = look.checkbox("Stem cell transplant before relapse")
            inputs += [self.relapse_free, self.age, self.transplant]
            for control in inputs:
                control.observe(lambda _: self.refresh(), names="value")
        else:
            self.cytogenetics.observe(lambda _: self.refresh(), names="value")
            factors.on_change(self.refresh)
        self.result = look.html_widget(css_class="aml-epi")
        for control in inputs:
            guard(control, self._refuse)
        children: list[widgets.Widget] = [*inputs, self.result]
        if heading:
            children.insert(0, look.html_widget(heading))
        super().__init__(children, layout=look.plain)
        self.refresh()

    def _refuse(self, widget: widgets.Widget, error: BaseException) -> None:
        self.result.value = message_html(refusal_message(widget))

    def _values(self) -> tuple[float, int, bool] | str:
        """(relapse-free months, age, prior transplant), or why the index does not apply."""
        if self.factors is None:
            return self.relapse_free.value, self.age.value, self.transplant.value
        try:
            patient = self.factors.patient()
        except PatientError:
            return "Correct the patient factors above to see the index."
        if patient.disease == "refractory" or patient.remission_months is None:
            return (
                "The index is for a first relapse: it needs the length of the remission, and "
                "refractory disease has had none."
            )
        return patient.remission_months, patient.age, patient.had_transplant

    def refresh(self) -> None:
        try:
            values = self._values()
            if isinstance(values, str):
                self.result.value = message_html(values)
                return
            months, age, transplant = values
            try:
                index = european_prognostic_index(months, self.cytogenetics.value, age, transplant)
            except ValueError as error:
                self.result.value = message_html(f"Please check the inputs. {_epi_words(error)}")
                return
            self.result.value = self._html(index, age)
        except Exception as error:  # noqa: BLE001
            self.result.value = something_went_wrong("computing the index", error)

    def _html(self, index: Any, age: int) -> str:
        rows = "".join(
            f"<tr><th scope=\"row\">{escape(name.capitalize())}</th><td>{points}</td></tr>"
            for name, points in index.points.items()
        )
        older = (
            '<p class="aml-detail"><strong>Note:</strong> this patient is older than the '
            "adults (15 to 60) the index was built on.</p>"
            if age > 60
            else ""
        )
        return (
            f'<table class="aml-epi-table"><caption class="aml-detail">Points</caption>'
            f"<tbody>{rows}<tr><th scope=\"row\">Total score</th>"
            f"<td><strong>{index.score}</strong></td></tr></tbody></table>"
            f'<p class="aml-detail"><strong>Risk group: {escape(index.group)}</strong>. '
            f"In the study, {index.one_year_survival_percent}% of this group were alive after "
            f"one year and {index.five_year_survival_percent}% after five years "
            f"{cite([index.source], self.kb)}.</p>{older}"
            f'<p class="aml-detail"><em>Caveat:</em> {escape(index.caveat)}</p>'
        )


def epi_panel(
    factors: FactorPanel | None = None, kb: KnowledgeBase | None = None
) -> EpiPanel:
    """The European Prognostic Index, standalone or linked to a factor panel."""
    return keyboard_safe(EpiPanel(factors, kb))
