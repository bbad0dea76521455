"""The patient factor panel: labelled widgets for every :class:`Patient` field.

The dashboard, the lessons' explorer and the live class box share it, so a factor is
labelled, validated and explained the same way everywhere (see :mod:`aml_teach.app.look`
for how refused values and unexpected errors reach the learner and the instructor).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import escape
from typing import Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_string import TextStyle

from ..core.knowledge import CATEGORIES, MARKERS, KnowledgeBase, load_knowledge_base
from ..core.patient import Patient, PatientError
from .checklist import Checklist
from .guard import guard, refusal_message
from .look import Look, ShortRepr, _heading, something_went_wrong

MARKER_LABELS = {
    "FLT3": "FLT3 mutation",
    "CD33": "CD33 on the leukemia cells",
    "IDH1": "IDH1 mutation",
    "IDH2": "IDH2 mutation",
    "NPM1": "NPM1 mutation",
    "KMT2A": "KMT2A rearrangement",
}
DEFAULTS: dict[str, Any] = {
    "age": 55,
    "fit_for_intensive": True,
    "disease": "relapsed",
    "remission_months": 18.0,
    "prior_treatments": (),
    "cns": False,
    "markers": (),
    "matched_donor": False,
    "prior_transplant": False,
    "white_cell_count": None,
}
TRANSPLANT_CHOICES = [
    ("None", False),
    ("Allogeneic (from a donor)", "allogeneic"),
    ("Autologous (own stem cells)", "autologous"),
    ("Yes, type not known", True),
]

# --- the factor panel ------------------------------------------------------------------


def _case_name(case_id: str) -> str:
    number = case_id.removeprefix("case-")
    return f"Case {number}" if number.isdigit() else case_id


def _case_label(case_id: str, title: str) -> str:
    return f"{_case_name(case_id)}: {title}"


# The picker's entry for a loaded case whose factors were then changed (never loads a case).
CHANGED = "changed:"
# What each factor is called where the picker says which were changed since the case loaded.
FACTOR_NAMES = {
    "age": "age",
    "fit": "fitness",
    "disease": "disease",
    "remission": "remission",
    "cns": "CNS",
    "markers": "markers",
    "donor": "donor",
    "prior_transplant": "transplant",
    "white_count": "white cell count",
    "prior": "treatments given",
}


class FactorPanel(ShortRepr, widgets.VBox):
    """Labelled widgets for every :class:`Patient` field, plus an optional case picker.

    ``patient()`` builds a validated Patient from the widgets (raising PatientError with a
    plain message); ``on_change(callback)`` calls back once per change, even when loading a
    case sets many widgets at once.
    """

    def __init__(
        self,
        kb: KnowledgeBase | None = None,
        presets: bool = True,
        heading: str | None = None,
        look: Look | None = None,
    ) -> None:
        self.kb = kb or load_knowledge_base()
        look = look or Look()
        self._callbacks: list[Callable[[], None]] = []
        self._holding = 0
        self._dirty = False
        self._loaded_case: str | None = None
        self._case_values: dict[str, Any] = {}
        self._story = ""

        self._rejected: str | None = None
        self.age = look.int_text("Age (years)", DEFAULTS["age"])
        self.fit = look.checkbox("Fit for intensive chemotherapy", DEFAULTS["fit_for_intensive"])
        self.disease = widgets.RadioButtons(
            options=[
                ("Relapsed (came back after a complete remission)", "relapsed"),
                ("Refractory (no complete remission was reached)", "refractory"),
            ],
            value=DEFAULTS["disease"],
            description="Disease",
            style=look.label,
            layout=look.wide,
        )
        self.remission = look.float_text("Remission lasted (months)", DEFAULTS["remission_months"])
        self.cns = look.checkbox("Leukemia in the central nervous system (CNS)", DEFAULTS["cns"])
        self.markers = {marker: look.checkbox(MARKER_LABELS[marker]) for marker in MARKERS}
        self.donor = look.checkbox("Matched stem cell donor available", DEFAULTS["matched_donor"])
        self.prior_transplant = look.dropdown(
            "Earlier stem cell transplant", TRANSPLANT_CHOICES, DEFAULTS["prior_transplant"]
        )
        self.white_count = widgets.Text(
            value="",
            placeholder="not known",
            continuous_update=False,
            description="White cell count (10^9/L, blank if not known)",
            style=TextStyle(description_width="initial"),
            layout=look.plain,
        )
        rows = self.kb.rows["options"]
        self.prior = Checklist(
            [(row["name"], row["option"]) for row in rows],
            "Treatments already given (tick each one)",
            groups=[
                (category.capitalize(), [r["option"] for r in rows if r["category"] == category])
                for category in CATEGORIES
            ],
        )
        self.case = look.dropdown(
            "Teaching case",
            [("Choose a teaching case…", "")]
            + [
                (_case_label(row["case"], row["title"]), row["case"])
                for row in self.kb.rows["cases"]
            ],
            "",
        )
        self.story = look.html_widget(css_class="aml-case-story")

        for control in self.controls():
            control.observe(self._changed, names="value")
        for control in [*self.controls(), self.case]:
            guard(control, self._refuse)
        self.disease.observe(self._disease_changed, names="value")
        self.case.observe(self._case_picked, names="value")

        children: list[widgets.Widget] = []
        if heading:
            children.append(look.html_widget(_heading(heading)))
        if presets:
            children += [self.case, self.story]
        children += [
            self.age,
            self.fit,
            self.disease,
            self.remission,
            self.cns,
            look.html_widget('<div class="aml-group-label">Markers found in the leukemia</div>'),
            *self.markers.values(),
            # a donor is not a marker: its own label, so it does not read as one
            look.html_widget('<div class="aml-group-label">Stem cell transplant</div>'),
            self.donor,
            self.prior_transplant,
            self.white_count,
            self.prior,
        ]
        super().__init__(children=children, layout=look.plain)
        self.add_class("aml-factor-panel")

    def controls(self) -> list[widgets.ValueWidget]:
        """Every widget that holds a patient factor."""
        return [
            self.age,
            self.fit,
            self.disease,
            self.remission,
            self.cns,
            *self.markers.values(),
            self.donor,
            self.prior_transplant,
            self.white_count,
            self.prior,
        ]

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` after each change of the factors (once per case load)."""
        self._callbacks.append(callback)

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Set many widgets at once and notify a single time at the end."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
            if not self._holding and self._dirty:
                self._dirty = False
                self._notify()

    def _notify(self) -> None:
        for callback in self._callbacks:
            callback()

    def _refuse(self, widget: widgets.Widget, error: BaseException) -> None:
        """A browser sent a value a widget cannot hold: say so where the options go."""
        self._rejected = refusal_message(widget)
        self._notify()

    def _changed(self, change: dict[str, Any]) -> None:
        self._rejected = None
        if self._holding:
            self._dirty = True
            return
        if self._loaded_case is not None:
            self._mark_case_edited()
        self._notify()

    def _disease_changed(self, change: dict[str, Any]) -> None:
        self.remission.disabled = change["new"] == "refractory"

    def _factor_values(self) -> dict[str, Any]:
        """Each factor's value, by its name in FACTOR_NAMES (to tell what was changed)."""
        return {
            "age": self.age.value,
            "fit": self.fit.value,
            "disease": self.disease.value,
            "remission": self.remission.value,
            "cns": self.cns.value,
            "markers": tuple(box.value for box in self.markers.values()),
            "donor": self.donor.value,
            "prior_transplant": self.prior_transplant.value,
            "white_count": self.white_count.value.strip(),
            "prior": tuple(self.prior.value),
        }

    def changed_factors(self) -> list[str]:
        """The factors changed since the teaching case was loaded (none without a case)."""
        if self._loaded_case is None:
            return []
        now = self._factor_values()
        return [FACTOR_NAMES[k] for k, v in self._case_values.items() if now[k] != v]

    def case_named(self) -> tuple[str, str, tuple[str, ...]]:
        """The loaded case as printed: its name (with what was changed), story and sources;
        blank when no case is loaded."""
        if self._loaded_case is None:
            return "", "", ()
        row = self.kb.keyed("cases")[self._loaded_case]
        name = _case_label(self._loaded_case, row["title"])
        changed = self.changed_factors()
        if changed:
            name += f" (changed since loading: {', '.join(changed)})"
        return name, row["story"], tuple(row["sources"])

    def _mark_case_edited(self) -> None:
        """After an edit, keep the case named in the picker and say what was changed.

        The picker shows "Case 3, changed: age" (an entry that loads nothing); choosing the
        case itself again reloads it. Changed back to the case's values, it is the case again.
        """
        case_id = self._loaded_case
        if case_id is None:
            return
        changed = self.changed_factors()
        base = [o for o in self.case.options if not str(o[1]).startswith(CHANGED)]
        self._holding += 1
        try:
            if changed:
                entry = (f"{_case_name(case_id)}, changed: {', '.join(changed)}",
                         CHANGED + case_id)
                self.case.options = [base[0], entry, *base[1:]]
                self.case.value = entry[1]
                note = " <em>(You have changed some factors since loading it.)</em>"
            else:
                self.case.options = base
                self.case.value = case_id
                note = ""
        finally:
            self._holding -= 1
        self.story.value = self._story + note

    def _case_picked(self, change: dict[str, Any]) -> None:
        if self._holding or not change["new"] or str(change["new"]).startswith(CHANGED):
            return
        try:
            self.load_case(change["new"])
        except Exception as error:  # noqa: BLE001 - a learner's page must never show a traceback
            self.story.value = something_went_wrong("loading a case", error)

    def load_case(self, case_id: str) -> None:
        """Set every factor from a teaching case in ``data/cases.csv`` (e.g. ``case-3``)."""
        cases = self.kb.keyed("cases")
        if not isinstance(case_id, str) or case_id not in cases:
            known = ", ".join(cases)
            raise ValueError(f"unknown case {case_id!r:.60}; the cases are: {known}")
        row = cases[case_id]
        months = row["remission_months"]
        with self.hold():
            self._holding += 1  # the picker itself must not re-trigger a load
            try:
                self.case.options = [
                    o for o in self.case.options if not str(o[1]).startswith(CHANGED)
                ]
                self.case.value = case_id
            finally:
                self._holding -= 1
            self.age.value = int(row["age"])
            self.fit.value = bool(row["fit_for_intensive"])
            self.disease.value = str(row["disease"])
            if months is not None:
                self.remission.value = float(months)
            self.cns.value = bool(row["cns"])
            for marker, box in self.markers.items():
                box.value = marker in row["markers"]
            self.donor.value = bool(row["matched_donor"])
            self.prior_transplant.value = row["transplant_type"] or False
            count = row["white_cell_count"]
            self.white_count.value = "" if count is None else f"{count:g}"
            self.prior.value = tuple(row["prior_treatments"])
            self._dirty = True
            # before the single notification at the end of the hold: listeners see the case
            self._loaded_case = case_id
            self._case_values = self._factor_values()
            self._story = (
                f"<strong>{escape(_case_label(case_id, row['title']))}.</strong> "
                f"{escape(row['story'])}"
            )
            self.story.value = self._story

    def patient(self) -> Patient:
        """The patient the widgets describe; raises PatientError naming a bad factor."""
        if self._rejected:
            raise PatientError(self._rejected)
        disease = self.disease.value
        return Patient(
            age=self.age.value,
            fit_for_intensive=self.fit.value,
            disease=disease,
            remission_months=None if disease == "refractory" else self.remission.value,
            prior_treatments=tuple(self.prior.value),
            cns=self.cns.value,
            markers=frozenset(m for m, box in self.markers.items() if box.value),
            matched_donor=self.donor.value,
            prior_transplant=self.prior_transplant.value,
            white_cell_count=_white_count(self.white_count.value),
        )


def _white_count(text: str) -> float | None:
    """The typed white cell count: blank means not known; anything else must be a number."""
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise PatientError(
            f"white_cell_count must be a number in 10^9/L (such as 150) or blank, got {text!r:.30}"
        ) from None
