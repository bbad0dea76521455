"""The European Prognostic Index panel: standalone, or linked to a factor panel."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from ..core.epi import CYTOGENETICS, european_prognostic_index
from ..core.i18n import N_, check_lang, number, translator
from ..core.knowledge import KnowledgeBase, load_knowledge_base
from ..core.patient import PatientError
from ..teaching.figures import cite
from ..teaching.keys import keyboard_safe
from .factor_panel import DEFAULTS, FactorPanel
from .guard import guard, refusal_message
from .look import Look, ShortRepr, _heading, message_html, something_went_wrong

CYTOGENETICS_LABELS = {
    "inv(16)": "inv(16)",
    "t(16;16)": "t(16;16)",
    "t(8;21)": "t(8;21)",
    "other": N_("Any other karyotype"),
}
EPI_FIELD_LABELS = {
    "relapse_free_months": N_("Relapse-free interval (months)"),
    "cytogenetics": N_("Cytogenetics at diagnosis"),
    "age": N_("Age at relapse (years)"),
    "prior_transplant": N_("Stem cell transplant before relapse"),
}
# What each input accepts (the index's own checks, aml_teach.core.epi), in words.
EPI_RULES = {
    "relapse_free_months": N_("must be a number of months from 0 to 1200"),
    "cytogenetics": N_("must be one of the listed choices"),
    "age": N_("must be a whole number of years from 18 to 110"),
    "prior_transplant": N_("must be ticked or not ticked"),
}


def _epi_words(error: ValueError, lang: str = "en") -> str:
    """An index error as the field's label, what it accepts and what it got, in ``lang``."""
    _ = translator(lang)
    text = str(error)
    field = text.partition(" ")[0]
    if field not in EPI_FIELD_LABELS:
        return text
    return _("{field}: {rule}, got {value}", field=_(EPI_FIELD_LABELS[field]),
             rule=_(EPI_RULES[field]), value=text.rpartition(", got ")[2])


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
        lang: str = "en",
        detail: str = "",
    ) -> None:
        self.kb = kb or load_knowledge_base()
        self.lang = check_lang(lang)
        self._heading_text = heading
        self._detail = detail
        look = look or Look()
        self.factors = factors
        self.cytogenetics = look.dropdown("", self._cytogenetics_choices(), "other")
        inputs: list[widgets.Widget] = [self.cytogenetics]
        if factors is None:
            self.relapse_free = look.float_text("", DEFAULTS["remission_months"])
            self.age = look.int_text("", DEFAULTS["age"])
            self.transplant = look.checkbox("")
            inputs += [self.relapse_free, self.age, self.transplant]
            for control in inputs:
                control.observe(lambda _: self.refresh(), names="value")
        else:
            self.cytogenetics.observe(lambda _: self.refresh(), names="value")
            factors.on_change(self.refresh)
        self.result = look.html_widget(css_class="aml-epi")
        for control in inputs:
            guard(control, self._refuse)
        self._heading = look.html_widget() if heading else None
        children: list[widgets.Widget] = [*inputs, self.result]
        if self._heading is not None:
            children.insert(0, self._heading)
        super().__init__(children, layout=look.plain)
        self._words()
        self.refresh()

    def _cytogenetics_choices(self) -> list[tuple[str, str]]:
        _ = translator(self.lang)
        return [(_(CYTOGENETICS_LABELS.get(c, c)), c) for c in CYTOGENETICS]

    def _words(self) -> None:
        _ = translator(self.lang)
        self.cytogenetics.description = _("Cytogenetics at diagnosis")
        if self.factors is None:
            self.relapse_free.description = _("Relapse-free interval (months)")
            self.age.description = _("Age at relapse (years)")
            self.transplant.description = _("Stem cell transplant before relapse")
        if self._heading is not None:
            detail = (f'<p class="aml-detail">{escape(_(self._detail))}</p>'
                      if self._detail else "")
            self._heading.value = _heading(_(str(self._heading_text))) + detail

    def set_language(self, lang: str) -> None:
        """Every word in ``lang``; the inputs keep their values."""
        self.lang = check_lang(lang)
        value = self.cytogenetics.value
        with self.hold_sync():
            self.cytogenetics.options = self._cytogenetics_choices()
            self.cytogenetics.value = value
            self._words()
        self.refresh()

    def _refuse(self, widget: widgets.Widget, error: BaseException) -> None:
        self.result.value = message_html(refusal_message(widget, self.lang), self.lang)

    def _values(self) -> tuple[float, int, bool] | str:
        """(relapse-free months, age, prior transplant), or why the index does not apply."""
        _ = translator(self.lang)
        if self.factors is None:
            return self.relapse_free.value, self.age.value, self.transplant.value
        try:
            patient = self.factors.patient()
        except PatientError:
            return _("Correct the patient factors above to see the index.")
        if patient.disease == "refractory" or patient.remission_months is None:
            return _(
                "The index is for a first relapse: it needs the length of the remission, and "
                "refractory disease has had none."
            )
        return patient.remission_months, patient.age, patient.had_transplant

    def refresh(self) -> None:
        try:
            values = self._values()
            if isinstance(values, str):
                self.result.value = message_html(values, self.lang)
                return
            months, age, transplant = values
            try:
                index = european_prognostic_index(
                    months, self.cytogenetics.value, age, transplant, lang=self.lang)
            except ValueError as error:
                _ = translator(self.lang)
                self.result.value = message_html(_(
                    "Please check the inputs. {problem}",
                    problem=_epi_words(error, self.lang)), self.lang)
                return
            self.result.value = self._html(index, age)
        except Exception as error:  # noqa: BLE001
            self.result.value = something_went_wrong("computing the index", error, self.lang)

    def _html(self, index: Any, age: int) -> str:
        _ = translator(self.lang)
        rows = "".join(
            f"<tr><th scope=\"row\">{escape(name[:1].upper() + name[1:])}</th>"
            f"<td>{points}</td></tr>"
            for name, points in index.point_texts.items()
        )
        older = (
            '<p class="aml-detail">' + _(
                "<strong>Note:</strong> this patient is older than the adults (15 to 60) the "
                "index was built on.") + "</p>"
            if age > 60
            else ""
        )
        points_word, total = escape(_("Points")), escape(_("Total score"))
        caveat, group = index.caveat, index.group_text
        return (
            f'<table class="aml-epi-table"><caption class="aml-detail">{points_word}'
            f"</caption><tbody>{rows}<tr><th scope=\"row\">{total}</th>"
            f"<td><strong>{index.score}</strong></td></tr></tbody></table>"
            '<p class="aml-detail">' + _(
                "<strong>Risk group: {group}</strong>. In the study, {one_year} of this group "
                "were alive after one year and {five_year} after five years {cite}.",
                group=escape(group),
                one_year=escape(_("{percent}%", percent=number(
                    index.one_year_survival_percent, self.lang))),
                five_year=escape(_("{percent}%", percent=number(
                    index.five_year_survival_percent, self.lang))),
                cite=cite([index.source], self.kb),
            ) + f"</p>{older}"
            + '<p class="aml-detail">' + _("<em>Caveat:</em>") + f" {escape(caveat)}</p>"
        )


def epi_panel(
    factors: FactorPanel | None = None, kb: KnowledgeBase | None = None, lang: str = "en"
) -> EpiPanel:
    """The European Prognostic Index, standalone or linked to a factor panel."""
    return keyboard_safe(EpiPanel(factors, kb, lang=lang))
