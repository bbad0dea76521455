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

from ..core.i18n import N_, check_lang, translator
from ..core.knowledge import CATEGORIES, MARKERS, KnowledgeBase, load_knowledge_base
from ..core.patient import Patient, PatientError
from ..core.translated_tables import localized
from .checklist import Checklist
from .guard import guard, refusal_message
from .look import Look, ShortRepr, _heading, something_went_wrong

MARKER_LABELS = {
    "FLT3": N_("FLT3 mutation"),
    "CD33": N_("CD33 on the leukemia cells"),
    "IDH1": N_("IDH1 mutation"),
    "IDH2": N_("IDH2 mutation"),
    "NPM1": N_("NPM1 mutation"),
    "KMT2A": N_("KMT2A rearrangement"),
}
# The option categories, as the checklist's group headings name them.
CATEGORY_LABELS = {
    "intensive chemotherapy": N_("Intensive chemotherapy"),
    "less intensive chemotherapy": N_("Less intensive chemotherapy"),
    "targeted therapy": N_("Targeted therapy"),
    "cns treatment": N_("CNS treatment"),
    "stem cell transplant": N_("Stem cell transplant"),
    "radiation therapy": N_("Radiation therapy"),
    "supportive therapy": N_("Supportive therapy"),
    "clinical trial": N_("Clinical trial"),
}
DISEASE_CHOICES = [
    (N_("Relapsed (came back after a complete remission)"), "relapsed"),
    (N_("Refractory (no complete remission was reached)"), "refractory"),
]
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
    (N_("None"), False),
    (N_("Allogeneic (from a donor)"), "allogeneic"),
    (N_("Autologous (own stem cells)"), "autologous"),
    (N_("Yes, type not known"), True),
]

# --- the factor panel ------------------------------------------------------------------


def _case_name(case_id: str, lang: str = "en") -> str:
    number = case_id.removeprefix("case-")
    _ = translator(lang)
    return _("Case {number}", number=number) if number.isdigit() else case_id


def _case_label(case_id: str, title: str, lang: str = "en") -> str:
    _ = translator(lang)
    return _("{case}: {title}", case=_case_name(case_id, lang), title=title)


class FactorError(PatientError):
    """A factor the panel itself refused, its message already in the page's language."""


# The picker's entry for a loaded case whose factors were then changed (never loads a case).
CHANGED = "changed:"
# What each factor is called where the picker says which were changed since the case loaded.
FACTOR_NAMES = {
    "age": N_("age"),
    "fit": N_("fitness"),
    "disease": N_("disease"),
    "remission": N_("remission"),
    "cns": N_("CNS"),
    "markers": N_("markers"),
    "donor": N_("donor"),
    "prior_transplant": N_("transplant"),
    "white_count": N_("white cell count"),
    "prior": N_("treatments given"),
}


class FactorPanel(ShortRepr, widgets.VBox):
    """Labelled widgets for every :class:`Patient` field, plus an optional case picker.

    ``patient()`` builds a validated Patient from the widgets (raising PatientError with a
    plain message); ``on_change(callback)`` calls back once per change, even when loading a
    case sets many widgets at once. Every word is in ``lang``; :meth:`set_language` changes
    it in place, keeping every value (the page's language switch).
    """

    def __init__(
        self,
        kb: KnowledgeBase | None = None,
        presets: bool = True,
        heading: str | None = None,
        look: Look | None = None,
        lang: str = "en",
    ) -> None:
        self.lang = check_lang(lang)
        self.kb = kb or load_knowledge_base()
        self._heading_text = heading
        look = look or Look()
        self._callbacks: list[Callable[[], None]] = []
        self._holding = 0
        self._dirty = False
        self._loaded_case: str | None = None
        self._case_values: dict[str, Any] = {}

        self._rejected: str | None = None
        # the words are set by _words (here, and again on a change of language)
        self.age = look.int_text("", DEFAULTS["age"])
        self.fit = look.checkbox("", DEFAULTS["fit_for_intensive"])
        self.disease = widgets.RadioButtons(
            options=self._disease_choices(),
            value=DEFAULTS["disease"],
            style=look.label,
            layout=look.wide,
        )
        self.remission = look.float_text("", DEFAULTS["remission_months"])
        self.cns = look.checkbox("", DEFAULTS["cns"])
        self.markers = {marker: look.checkbox("") for marker in MARKERS}
        self.donor = look.checkbox("", DEFAULTS["matched_donor"])
        self.prior_transplant = look.dropdown(
            "", self._transplant_choices(), DEFAULTS["prior_transplant"]
        )
        self.white_count = widgets.Text(
            value="",
            continuous_update=False,
            style=TextStyle(description_width="initial"),
            layout=look.plain,
        )
        choices, legend, groups, words = self._checklist_words()
        self.prior = Checklist(choices, legend, groups=groups, words=words)
        self.case = look.dropdown("", self._case_choices(), "")
        self.story = look.html_widget(css_class="aml-case-story")
        self._heading = look.html_widget() if heading else None
        self._markers_label = look.html_widget()
        self._transplant_label = look.html_widget()
        self._words()

        for control in self.controls():
            control.observe(self._changed, names="value")
        for control in [*self.controls(), self.case]:
            guard(control, self._refuse)
        self.disease.observe(self._disease_changed, names="value")
        self.case.observe(self._case_picked, names="value")

        children: list[widgets.Widget] = []
        if self._heading is not None:
            children.append(self._heading)
        if presets:
            children += [self.case, self.story]
        children += [
            self.age,
            self.fit,
            self.disease,
            self.remission,
            self.cns,
            self._markers_label,
            *self.markers.values(),
            # a donor is not a marker: its own label, so it does not read as one
            self._transplant_label,
            self.donor,
            self.prior_transplant,
            self.white_count,
            self.prior,
        ]
        super().__init__(children=children, layout=look.plain)
        self.add_class("aml-factor-panel")

    # --- the words (in self.lang) -----------------------------------------------------

    def _disease_choices(self) -> list[tuple[str, str]]:
        _ = translator(self.lang)
        return [(_(label), value) for label, value in DISEASE_CHOICES]

    def _transplant_choices(self) -> list[tuple[str, Any]]:
        _ = translator(self.lang)
        return [(_(label), value) for label, value in TRANSPLANT_CHOICES]

    def _checklist_words(self) -> tuple[list, str, list, dict[str, str]]:
        """The checklist's (choices, legend, groups, words) in this panel's language."""
        _ = translator(self.lang)
        rows = localized(self.kb, self.lang).rows["options"]
        groups = [
            (_(CATEGORY_LABELS.get(category, category)),
             [r["option"] for r in rows if r["category"] == category])
            for category in CATEGORIES
        ]
        return ([(row["name"], row["option"]) for row in rows],
                _("Treatments already given (tick each one)"), groups,
                {"ticked": _("Ticked:"), "none": _("none")})

    def _case_choices(self) -> list[tuple[str, str]]:
        """The case picker's entries: a prompt, then every case (and, after an edit, the
        loaded case "changed: ..." right after the prompt)."""
        _ = translator(self.lang)
        cases = localized(self.kb, self.lang).rows["cases"]
        base = [(_("Choose a teaching case…"), "")] + [
            (_case_label(row["case"], row["title"], self.lang), row["case"]) for row in cases
        ]
        changed = self.changed_factors()
        if self._loaded_case is not None and changed:
            entry = (_("{case}, changed: {factors}", case=_case_name(self._loaded_case, self.lang),
                       factors=", ".join(changed)), CHANGED + self._loaded_case)
            return [base[0], entry, *base[1:]]
        return base

    def _case_story(self) -> str:
        """The loaded case's story (with the note when its factors were changed since)."""
        if self._loaded_case is None:
            return ""
        _ = translator(self.lang)
        row = localized(self.kb, self.lang).keyed("cases")[self._loaded_case]
        story = (
            f"<strong>{escape(_case_label(self._loaded_case, row['title'], self.lang))}."
            f"</strong> {escape(row['story'])}"
        )
        if self.changed_factors():
            note = escape(_("(You have changed some factors since loading it.)"))
            story += f" <em>{note}</em>"
        return story

    def _words(self) -> None:
        """Put every label, choice and help text in ``self.lang`` (the values stay)."""
        _ = translator(self.lang)
        self.age.description = _("Age (years)")
        self.fit.description = _("Fit for intensive chemotherapy")
        self.disease.description = _("Disease")
        self.remission.description = _("Remission lasted (months)")
        self.cns.description = _("Leukemia in the central nervous system (CNS)")
        for marker, box in self.markers.items():
            box.description = _(MARKER_LABELS[marker])
        self.donor.description = _("Matched stem cell donor available")
        self.prior_transplant.description = _("Earlier stem cell transplant")
        self.white_count.description = _("White cell count (10^9/L, blank if not known)")
        self.white_count.placeholder = _("not known")
        self.case.description = _("Teaching case")
        if self._heading is not None:
            self._heading.value = _heading(_(str(self._heading_text)))
        label = '<div class="aml-group-label">{}</div>'
        self._markers_label.value = label.format(escape(_("Markers found in the leukemia")))
        self._transplant_label.value = label.format(escape(_("Stem cell transplant")))

    def set_language(self, lang: str) -> None:
        """Every word in ``lang``, every value kept (and no change of factors announced)."""
        self.lang = check_lang(lang)
        values = {"disease": self.disease.value, "transplant": self.prior_transplant.value,
                  "case": self.case.value}
        self._holding += 1
        dirty = self._dirty
        try:
            with self.hold_sync():
                self.disease.options = self._disease_choices()
                self.disease.value = values["disease"]
                self.prior_transplant.options = self._transplant_choices()
                self.prior_transplant.value = values["transplant"]
                self.case.options = self._case_choices()
                self.case.value = values["case"]
                self.prior.relabel(*self._checklist_words())
                self._words()
                self.story.value = self._case_story()
        finally:
            self._dirty = dirty
            self._holding -= 1

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
        self._rejected = refusal_message(widget, self.lang)
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
        _ = translator(self.lang)
        return [_(FACTOR_NAMES[k]) for k, v in self._case_values.items() if now[k] != v]

    def case_named(self) -> tuple[str, str, tuple[str, ...]]:
        """The loaded case as printed: its name (with what was changed), story and sources;
        blank when no case is loaded."""
        if self._loaded_case is None:
            return "", "", ()
        _ = translator(self.lang)
        row = localized(self.kb, self.lang).keyed("cases")[self._loaded_case]
        name = _case_label(self._loaded_case, row["title"], self.lang)
        changed = self.changed_factors()
        if changed:
            name = _("{case} (changed since loading: {factors})", case=name,
                     factors=", ".join(changed))
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
        self._holding += 1
        try:
            self.case.options = self._case_choices()
            self.case.value = CHANGED + case_id if changed else case_id
        finally:
            self._holding -= 1
        self.story.value = self._case_story()

    def _case_picked(self, change: dict[str, Any]) -> None:
        if self._holding or not change["new"] or str(change["new"]).startswith(CHANGED):
            return
        try:
            self.load_case(change["new"])
        except Exception as error:  # noqa: BLE001 - a learner's page must never show a traceback
            self.story.value = something_went_wrong("loading a case", error, self.lang)

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
            self.story.value = self._case_story()

    def patient(self) -> Patient:
        """The patient the widgets describe; raises PatientError naming a bad factor."""
        if self._rejected:
            raise FactorError(self._rejected)
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
            white_cell_count=_white_count(self.white_count.value, self.lang),
        )


def _white_count(text: str, lang: str = "en") -> float | None:
    """The typed white cell count: blank means not known; anything else must be a number."""
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        _ = translator(lang)
        raise FactorError(_(
            "White cell count: must be a number in 10^9/L (such as 150) or blank, "
            "got {text}", text=repr(text)[:30])) from None
