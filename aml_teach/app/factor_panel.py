"""Reusable widgets: the patient factor panel, the live options view, schedules and the EPI.

The dashboard and the teaching notebooks share these builders, so a factor is labelled,
validated and explained the same way everywhere. Widget values come from a browser and may
be anything a browser can send: a value a widget cannot hold is refused by
:mod:`aml_teach.guard`, every other value goes through :class:`Patient` (the validating
boundary), and either way the learner gets a plain message in the page, never a traceback.
Anything unexpected is logged for the instructor (the terminal that runs the server) without
the learner's values, and the learner sees a short "reload the page" message.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from html import escape
from typing import Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from .epi import CYTOGENETICS, european_prognostic_index
from .figures import cite_numbered, timeline_html
from .guard import guard, refusal_message
from .keys import KeyGuard, keyboard_safe
from .knowledge import CATEGORIES, MARKERS, KnowledgeBase, load_knowledge_base
from .options import evaluate_options
from .patient import Patient, PatientError
from .schedules import UnknownRegimenError, schedule_rows, scheduled_options, variants

__all__ = [
    "CSS",
    "WIDGET_CSS",
    "EpiPanel",
    "Explorer",
    "FactorPanel",
    "Look",
    "OptionsView",
    "ScheduleViewer",
    "epi_panel",
    "explorer",
    "options_html",
    "schedule_viewer",
    "something_went_wrong",
]

LOG = logging.getLogger("aml_teach.dashboard")
RELOAD_MESSAGE = "Something went wrong; reload the page."
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
BEYOND_MARK = "★"
EXCLUDED_MARK = "✗"

# One style sheet for every widget here. It travels inside the widgets (an HTML widget),
# so the page looks the same in Voila and in JupyterLab and needs no template or CDN.
CSS = """
<style>
.aml-app, .aml-explorer { --aml-text: #1a1a1a; --aml-muted: #444; --aml-line: #767676;
  color: var(--aml-text); font-size: 1rem; line-height: 1.45; max-width: 1200px; }
.aml-app.aml-large { font-size: 1.35rem; --jp-widgets-font-size: 1.2rem;
  --jp-widgets-inline-height: 2.2rem; --jp-widgets-inline-label-width: 14rem; }
.aml-app .widget-html-content, .aml-explorer .widget-html-content { line-height: 1.4; }
.aml-app h2 { font-size: 1.35em; margin: 0.9em 0 0.3em; }
.aml-app h3, .aml-explorer h3 { font-size: 1.1em; margin: 0.8em 0 0.2em; }
.aml-disclaimer { border: 2px solid var(--aml-line); border-left-width: 6px;
  padding: 0.4em 0.8em; margin: 0.3em 0 0.6em; background: #f7f7f7; }
.aml-columns { display: flex; flex-flow: row wrap; gap: 0.5em 1.5em; align-items: flex-start; }
.aml-factors { flex: 1 1 19em; min-width: 0; max-width: 100%; }
.aml-results { flex: 2 1 26em; min-width: 0; max-width: 100%; }
.aml-factors .widget-inline-hbox, .aml-factors .widget-select-multiple,
.aml-factors .widget-dropdown, .aml-factors .widget-radio { max-width: 100%; }
.aml-factors .widget-label, .aml-tools .widget-label { white-space: normal; }
.aml-stacked.widget-inline-hbox { flex-direction: column; align-items: stretch; }
.aml-stacked.widget-inline-hbox > .widget-label { max-width: 100%; text-align: left;
  margin-bottom: 2px; }
.aml-stacked select { min-height: 6.5em; }
.aml-group-label { font-weight: bold; margin-top: 0.5em; }
.aml-case-story { font-size: 0.95em; color: var(--aml-muted); }
.aml-options-list, .jp-RenderedHTMLCommon ul.aml-options-list { list-style: none;
  padding-left: 0; margin: 0.2em 0 0.8em; }
.aml-option { border: 1px solid var(--aml-line); border-radius: 4px; padding: 0.35em 0.6em;
  margin: 0.35em 0; overflow-wrap: anywhere; }
.aml-option.aml-excluded { border-style: dashed; background: #fafafa; }
.aml-option-name { font-weight: bold; }
.aml-badge { display: inline-block; border: 1px solid #000; border-radius: 3px;
  padding: 0 0.3em; font-size: 0.85em; margin-left: 0.3em; background: #fff3cd; }
.aml-detail { margin: 0.1em 0; }
.aml-message { border: 2px solid #b00020; border-left-width: 6px; padding: 0.5em 0.8em;
  background: #fff5f5; }
.aml-epi-table, .aml-points { border-collapse: collapse; margin: 0.3em 0; }
.aml-epi-table th, .aml-epi-table td { border: 1px solid #999; padding: 2px 8px; text-align: left; }
.aml-references { padding-left: 2.2em; overflow-wrap: anywhere; font-size: 0.92em; }
.aml-app a, .aml-explorer a { color: #0b5cad; }
@media (max-width: 600px) {
  .aml-app, .aml-explorer { font-size: 0.95rem; }
  .aml-app .widget-inline-hbox { flex-wrap: wrap; }
  .aml-app .widget-inline-hbox .widget-label { max-width: 100%; }
}
</style>
"""


# Rules for the input widgets only. Kept apart from CSS, which static HTML in the lessons
# embeds (and whose stored outputs would change with it).
WIDGET_CSS = """
<style>
.aml-app .widget-radio-box label, .aml-explorer .widget-radio-box label { display: flex;
  flex-direction: row-reverse; justify-content: flex-end; align-items: flex-start;
  gap: 0.4em; height: auto; min-height: var(--jp-widgets-radio-item-height);
  line-height: 1.3; padding: 2px 0; white-space: normal; }
.aml-app .widget-checkbox, .aml-explorer .widget-checkbox { height: auto;
  min-height: var(--jp-widgets-inline-height); }
.aml-app .widget-checkbox .widget-label-basic,
.aml-explorer .widget-checkbox .widget-label-basic { display: flex; align-items: flex-start;
  gap: 0.3em; height: auto; line-height: 1.3; padding: 3px 0; white-space: normal; }
.aml-app .widget-checkbox .widget-label-basic span,
.aml-explorer .widget-checkbox .widget-label-basic span { white-space: normal; }
.aml-app .widget-text, .aml-explorer .widget-text { width: auto; max-width: 100%; }
.aml-app .widget-text input, .aml-explorer .widget-text input { flex: 0 1 8em;
  min-width: 5em; }
.aml-app.aml-large input[type=checkbox], .aml-app.aml-large input[type=radio] {
  width: 1.2em; height: 1.2em; flex: none; }
.aml-app .aml-case-story, .aml-explorer .aml-case-story {
  font-size: var(--jp-widgets-font-size); }
</style>
"""

# --- logging for the instructor --------------------------------------------------------


def _instructor_stream() -> Any:
    """The terminal that started the server, bypassing the kernel's capture of stderr.

    In a kernel, ``sys.stderr`` (and even file descriptor 2) is forwarded to the browser;
    ipykernel keeps a copy of the original descriptor, which is the instructor's terminal.
    """
    original = getattr(sys.stderr, "_original_stdstream_copy", None)
    if isinstance(original, int):
        return os.fdopen(os.dup(original), "w", buffering=1)
    return sys.__stderr__ or sys.stderr


def instructor_log() -> logging.Logger:
    """The logger whose lines reach the instructor's terminal and never the page."""
    if not LOG.handlers:
        handler = logging.StreamHandler(_instructor_stream())
        handler.setFormatter(logging.Formatter("[aml-teach %(levelname)s %(asctime)s] %(message)s"))
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
        LOG.propagate = False  # the root logger in a kernel writes to the page
    return LOG


def something_went_wrong(where: str, error: BaseException) -> str:
    """Log an unexpected error for the instructor and return the learner's page message.

    Only the exception type and the code path are logged: exception messages may quote the
    values a learner typed, and those stay in the learner's page.
    """
    frames = "".join(traceback.format_tb(error.__traceback__))
    instructor_log().error(
        "%s failed with %s (message withheld: it may quote a learner's values)\n%s",
        where,
        type(error).__name__,
        frames.rstrip(),
    )
    return message_html(RELOAD_MESSAGE)


def message_html(text: str) -> str:
    """A plain message shown in place of results (not colour alone: a border and words)."""
    return f'<div class="aml-message" role="alert"><strong>Note:</strong> {escape(text)}</div>'


# --- shared models ---------------------------------------------------------------------


class Look:
    """Layout and style models shared by many widgets, and the widget makers.

    ipywidgets gives every widget its own Layout and Style model unless one is passed in;
    sharing them cuts the dashboard from about 130 models to about 45, so the browser has
    far fewer to create and the page appears sooner. Never change a shared model for one
    widget (give that widget its own Layout instead). The panels guard every input they
    make exactly once (:func:`aml_teach.guard.guard`), with a callback that explains a
    refused value in the page.
    """

    def __init__(self) -> None:
        self.plain = widgets.Layout()
        self.wide = widgets.Layout(width="auto", max_width="100%")
        self.label = DescriptionStyle(description_width="initial")
        self.check = CheckboxStyle()
        self.html = HTMLStyle()

    def html_widget(self, value: str = "", css_class: str | None = None) -> widgets.HTML:
        widget = widgets.HTML(value=value, layout=self.plain, style=self.html)
        if css_class:
            widget.add_class(css_class)
        return widget

    def checkbox(self, description: str, value: bool = False) -> widgets.Checkbox:
        return widgets.Checkbox(
            value=value, description=description, indent=False, layout=self.wide,
            style=self.check,
        )

    def int_text(self, description: str, value: int) -> widgets.IntText:
        return widgets.IntText(
            value=value, description=description, style=self.label, layout=self.plain
        )

    def float_text(self, description: str, value: float) -> widgets.FloatText:
        return widgets.FloatText(
            value=value, description=description, style=self.label, layout=self.plain, step=1
        )

    def dropdown(self, description: str, options: list, value: Any,
                 layout: widgets.Layout | None = None) -> widgets.Dropdown:
        return widgets.Dropdown(
            options=options, value=value, description=description, style=self.label,
            layout=layout or self.wide,
        )

    def vbox(self, children: list[widgets.Widget]) -> widgets.VBox:
        return widgets.VBox(children, layout=self.plain)


class ShortRepr:
    """A short text form: ipywidgets' default repr spells out every child's whole value,
    which Voila would copy into the page as text that nobody sees."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: aml-teach widget>"


def _heading(text: str, level: int = 2) -> str:
    return f"<h{level}>{escape(text)}</h{level}>"


# --- the factor panel ------------------------------------------------------------------


def _case_label(case_id: str, title: str) -> str:
    number = case_id.removeprefix("case-")
    return f"Case {number}: {title}" if number.isdigit() else f"{case_id}: {title}"


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
        self.prior = widgets.SelectMultiple(
            options=[(row["name"], row["option"]) for row in self.kb.rows["options"]],
            value=(),
            rows=5,
            description="Treatments already given (Ctrl or Shift to pick several)",
            style=look.label,
            layout=look.wide,
        )
        self.prior.add_class("aml-stacked")
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
        if self._loaded_case is not None and self.case.value:
            self._mark_case_edited()
        self._notify()

    def _disease_changed(self, change: dict[str, Any]) -> None:
        self.remission.disabled = change["new"] == "refractory"

    def _mark_case_edited(self) -> None:
        """After an edit, reset the picker so choosing the same case reloads it."""
        self._holding += 1
        try:
            self.case.value = ""
        finally:
            self._holding -= 1
        self.story.value += " <em>(You have changed some factors since loading it.)</em>"

    def _case_picked(self, change: dict[str, Any]) -> None:
        if self._holding or not change["new"]:
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
        self._loaded_case = case_id
        self.story.value = (
            f"<strong>{escape(_case_label(case_id, row['title']))}.</strong> "
            f"{escape(row['story'])}"
        )

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


# --- the options view ------------------------------------------------------------------

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


class _Renderer:
    """One knowledge base's option HTML, built once: only the reason differs per patient."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.before: dict[str, str] = {}
        self.after: dict[str, str] = {}
        for row in kb.rows["options"]:
            option, name, summary = row["option"], row["name"], row["summary"]
            drugs, sources, beyond = row["drugs"], row["sources"], row["beyond_seed"]
            badge = (
                f'<span class="aml-badge" title="Not on the Canadian Cancer Society page; added '
                f'from the cited sources">{BEYOND_MARK} Beyond the source page</span>'
                if beyond
                else ""
            )
            listed = (
                f'<div class="aml-detail"><em>Drugs:</em> {escape(", ".join(drugs))}</div>'
                if drugs
                else ""
            )
            self.before[option] = (
                f'data-option="{escape(option)}">{{mark}}<span class="aml-option-name">'
                f"{escape(name)}</span>{badge}<div class=\"aml-detail\">{escape(summary)}</div>"
                f'{listed}<div class="aml-detail aml-reason"><em>Why:</em> '
            )
            self.after[option] = (
                f'</div><div class="aml-detail aml-sources"><em>Sources:</em> '
                f"{cite_numbered(sources, kb)}</div></li>"
            )

    def item(self, option: str, reason: str, excluded: bool) -> str:
        mark = f'<span aria-hidden="true">{EXCLUDED_MARK} </span>' if excluded else ""
        css = "aml-option aml-excluded" if excluded else "aml-option"
        return (
            f'<li class="{css}" {self.before[option].replace("{mark}", mark, 1)}'
            f"{escape(reason)}{self.after[option]}"
        )

    def grouped(self, rows: list[tuple[str, str, str]], excluded: bool, level: str) -> str:
        parts = []
        for category in CATEGORIES:
            items = "".join(
                self.item(option, reason, excluded)
                for option, row_category, reason in rows
                if row_category == category
            )
            if items:
                parts.append(
                    f"<{level}>{escape(category.capitalize())}</{level}>"
                    f'<ul class="aml-options-list">{items}</ul>'
                )
        return "".join(parts)

    def render(self, results: list[dict[str, Any]]) -> str:
        applying: list[tuple[str, str, str]] = []
        excluded: list[tuple[str, str, str]] = []
        beyond = False
        for result in results:
            option, category, reason = result["option"], result["category"], result["reason"]
            applies, beyond_seed = result["applies"], result["beyond_seed"]
            if applies:
                applying.append((option, category, reason))
                beyond = beyond or bool(beyond_seed)
            else:
                excluded.append((option, category, reason))
        count = len(applying)
        parts = [
            f'<p class="aml-count"><strong>{count} option{"s" if count != 1 else ""} '
            f"apply</strong> to this patient, grouped as the source page groups them.</p>",
            self.grouped(applying, excluded=False, level="h3"),
        ]
        if beyond:
            parts.append(
                f'<p class="aml-detail">{BEYOND_MARK} <em>Beyond the source page</em>: the '
                "Canadian Cancer Society page does not name this option; this module added it "
                "from the cited sources.</p>"
            )
        if excluded:
            parts.append(
                f'<section class="aml-excluded-list" aria-label="Options that do not apply">'
                f"<h3>What doesn't apply, and why ({len(excluded)})</h3>"
                f"{self.grouped(excluded, excluded=True, level='h4')}</section>"
            )
        return "".join(parts)


@lru_cache(maxsize=8)
def _renderer(kb: KnowledgeBase) -> _Renderer:
    return _Renderer(kb)


@lru_cache(maxsize=512)
def _options_html_cached(patient: Patient, include_excluded: bool, kb: KnowledgeBase) -> str:
    return _renderer(kb).render(evaluate_options(patient, include_excluded, kb=kb))


def options_html(
    patient: Patient, include_excluded: bool = False, kb: KnowledgeBase | None = None
) -> str:
    """The options for ``patient`` as HTML: by category in the page's order, with reasons.

    Results are cached per patient: a class of students explores the same few cases.
    """
    return _options_html_cached(patient, include_excluded, kb or load_knowledge_base())


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
            self.value = options_html(patient, bool(include_excluded), self.kb)
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


# --- schedules -------------------------------------------------------------------------


class ScheduleViewer(ShortRepr, widgets.VBox):
    """Pick a regimen (and a variant, where it has some) and see its day-by-day timeline."""

    ALL_VARIANTS = "all variants"

    def __init__(
        self, kb: KnowledgeBase | None = None, heading: str | None = None,
        look: Look | None = None,
    ) -> None:
        self.kb = kb or load_knowledge_base()
        look = look or Look()
        self._updating = False
        regimens = scheduled_options(self.kb)
        self.names = dict(regimens)
        self.regimen = look.dropdown(
            "Regimen",
            [(name, option) for option, name in regimens],
            regimens[0][0] if regimens else None,
        )
        # its own layout: it is hidden for regimens without variants
        self.variant = look.dropdown(
            "Variant",
            [self.ALL_VARIANTS],
            self.ALL_VARIANTS,
            layout=widgets.Layout(width="auto", max_width="100%"),
        )
        self.figure = look.html_widget(css_class="aml-schedule")
        guard(self.regimen, self._refuse)
        guard(self.variant, self._refuse)
        self.regimen.observe(self._regimen_changed, names="value")
        self.variant.observe(lambda _: self.refresh(), names="value")
        children: list[widgets.Widget] = [self.regimen, self.variant, self.figure]
        if heading:
            children.insert(0, look.html_widget(_heading(heading)))
        super().__init__(children, layout=look.plain)
        self._regimen_changed(None)

    def _refuse(self, widget: widgets.Widget, error: BaseException) -> None:
        self.figure.value = message_html(refusal_message(widget))

    def _regimen_changed(self, change: dict[str, Any] | None) -> None:
        try:
            names = variants(self.regimen.value, self.kb) if self.regimen.value else ()
        except Exception as error:  # noqa: BLE001
            self.figure.value = something_went_wrong("listing variants", error)
            return
        self._updating = True
        try:
            self.variant.options = [self.ALL_VARIANTS, *names]
            self.variant.value = self.ALL_VARIANTS
        finally:
            self._updating = False
        self.variant.layout.display = "" if names else "none"
        self.refresh()

    def refresh(self) -> None:
        if self._updating:
            return
        option = self.regimen.value
        if not option:
            self.figure.value = message_html("No regimen schedules are in the teaching data.")
            return
        chosen = None if self.variant.value == self.ALL_VARIANTS else self.variant.value
        try:
            schedule = schedule_rows(option, chosen, kb=self.kb)
        except UnknownRegimenError as error:
            self.figure.value = message_html(str(error))
            return
        except Exception as error:  # noqa: BLE001
            self.figure.value = something_went_wrong("drawing a schedule", error)
            return
        title = f"{self.names.get(option, option)}: day by day"
        if chosen:
            title += f" ({chosen})"
        try:
            self.figure.value = timeline_html(schedule, title, kb=self.kb, citer=cite_numbered)
        except Exception as error:  # noqa: BLE001
            self.figure.value = something_went_wrong("drawing a schedule", error)


def schedule_viewer(kb: KnowledgeBase | None = None) -> ScheduleViewer:
    """A regimen picker with its day-by-day timeline."""
    return keyboard_safe(ScheduleViewer(kb))


# --- European Prognostic Index ---------------------------------------------------------

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
            f"{cite_numbered([index.source], self.kb)}.</p>{older}"
            f'<p class="aml-detail"><em>Caveat:</em> {escape(index.caveat)}</p>'
        )


def epi_panel(
    factors: FactorPanel | None = None, kb: KnowledgeBase | None = None
) -> EpiPanel:
    """The European Prognostic Index, standalone or linked to a factor panel."""
    return keyboard_safe(EpiPanel(factors, kb))
