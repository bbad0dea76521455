"""Self-check: multiple-choice questions from ``data/questions.csv`` and the EPI exercise.

The logic (which answer is right, and why each choice is right or wrong) lives in plain
functions so that pytest can check it; the widgets only collect an answer and show the
feedback those functions return. Nothing about the answer is on screen until the learner
has tried, because seeing the answer first defeats retrieval practice.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from html import escape

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from ..core.epi import CYTOGENETICS, SOURCE, SURVIVAL, PrognosticIndex, european_prognostic_index
from ..core.knowledge import KnowledgeBase, load_knowledge_base
from ..core.options import treatment_options
from ..core.patient import Patient
from .keys import keyboard_safe
from .lessons import TABLE_STYLE, cite, register_sources
from .options_html import CSS, options_html

RIGHT_MARK = "✔"  # a mark as well as a colour, so feedback never depends on colour alone
WRONG_MARK = "✘"
RISK_GROUPS = ("favourable", "intermediate", "poor")
MAX_EPI_SCORE = 14


class QuizError(ValueError):
    """An unknown question, choice, case or exercise was asked for."""


@dataclass(frozen=True)
class Choice:
    """One answer choice with the reason it is right or wrong."""

    text: str
    correct: bool
    explanation: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """A question and its choices, in the stable order learners see them."""

    id: str
    prompt: str
    case: str | None
    choices: tuple[Choice, ...]

    @property
    def right(self) -> Choice:
        return next(choice for choice in self.choices if choice.correct)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for choice in self.choices for s in choice.sources))


@dataclass(frozen=True)
class Feedback:
    """What the learner is told after answering: the verdict and every choice's reason."""

    question: Question
    choice: Choice

    @property
    def correct(self) -> bool:
        return self.choice.correct

    @property
    def explanation(self) -> str:
        return self.choice.explanation

    @property
    def right_choice(self) -> str:
        return self.question.right.text

    @property
    def right_explanation(self) -> str:
        return self.question.right.explanation


def _shuffled(question_id: str, choices: list[Choice]) -> tuple[Choice, ...]:
    """A fixed, per-question order: the data lists the right answer first, learners must not."""
    order = list(choices)
    random.Random(question_id).shuffle(order)
    return tuple(order)


def _question(question_id: str, rows: pd.DataFrame) -> Question:
    first = rows.iloc[0]
    choices = [
        Choice(r["choice"], bool(r["correct"]), r["explanation"], tuple(r["sources"]))
        for _, r in rows.iterrows()
    ]
    return Question(question_id, first["prompt"], first["case"] or None,
                    _shuffled(question_id, choices))


def questions(case: str | None = None, kb: KnowledgeBase | None = None) -> list[Question]:
    """Every question in data order; with ``case``, only the questions about that case."""
    kb = kb or load_knowledge_base()
    table = kb.questions
    if case is not None:
        if case not in set(kb.cases["case"]):
            raise QuizError(f"unknown case {case!r:.60}; cases are: {', '.join(kb.cases['case'])}")
        table = table[table["case"] == case]
    return [_question(qid, rows) for qid, rows in table.groupby("question", sort=False)]


def get_question(question_id: str, kb: KnowledgeBase | None = None) -> Question:
    """One question by id (e.g. ``q-1``)."""
    kb = kb or load_knowledge_base()
    if not isinstance(question_id, str):  # compared with a table column below, so a str only
        raise QuizError(f"a question id is text such as 'q-1', got {question_id!r:.60}")
    rows = kb.questions[kb.questions["question"] == question_id]
    if rows.empty:
        known = ", ".join(dict.fromkeys(kb.questions["question"]))
        raise QuizError(f"unknown question {question_id!r:.60}; questions are: {known}")
    return _question(question_id, rows)


def check_answer(question_id: str, choice: str | int, kb: KnowledgeBase | None = None) -> Feedback:
    """Judge an answer given as the choice's text or its position (0-based, as displayed)."""
    question = get_question(question_id, kb)
    if isinstance(choice, bool):
        raise QuizError(f"choice must be the text or the position of a choice, got {choice!r}")
    if isinstance(choice, int):
        if not 0 <= choice < len(question.choices):
            raise QuizError(
                f"{question_id} has choices 0 to {len(question.choices) - 1}, got {choice}"
            )
        return Feedback(question, question.choices[choice])
    if isinstance(choice, str):
        for option in question.choices:
            if option.text == choice.strip():
                return Feedback(question, option)
    raise QuizError(f"{choice!r:.60} is not one of the choices of {question_id}")


def reason(explanation: str) -> str:
    """An explanation without a leading 'Right:' or 'Wrong:', which the marks already say."""
    text = re.sub(r"^(?:Right|Wrong)\s*:\s*", "", explanation)
    return text[:1].upper() + text[1:]


def feedback_html(feedback: Feedback, kb: KnowledgeBase | None = None) -> str:
    """The verdict, then why each choice is right or wrong, with marks and citations."""
    verdict = (
        f"<p><strong>{RIGHT_MARK} Correct.</strong> {escape(reason(feedback.explanation))}</p>"
        if feedback.correct
        else f"<p><strong>{WRONG_MARK} Not quite.</strong> "
        f"{escape(reason(feedback.explanation))}</p>"
        f"<p>The right answer is <strong>{escape(feedback.right_choice)}</strong>: "
        f"{escape(reason(feedback.right_explanation))}</p>"
    )
    items = "".join(
        f"<li>{RIGHT_MARK if c.correct else WRONG_MARK} <strong>{escape(c.text)}</strong>"
        f"{' (your answer)' if c is feedback.choice else ''}: {escape(reason(c.explanation))} "
        f"{cite(c.sources, kb)}</li>"
        for c in feedback.question.choices
    )
    return (
        f'<div class="aml-feedback" role="status">{verdict}'
        f"<p>Why each choice is right or wrong:</p><ul>{items}</ul></div>"
    )


class QuestionWidget(widgets.VBox):
    """One question: pick a choice, press Check, then (and only then) read the feedback."""

    def __init__(self, question: Question, number: int | None = None):
        self.question = question
        register_sources(question.sources)  # the feedback, shown later, cites these
        label = f"Question {number}" if number is not None else "Question"
        self.prompt = widgets.HTML(f"<p><strong>{label}.</strong> {escape(question.prompt)}</p>")
        self.answer = widgets.RadioButtons(
            options=[choice.text for choice in question.choices],
            value=None,
            description="Your answer:",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        self.check = widgets.Button(
            description="Check my answer",
            tooltip="Show whether your answer is right, and why",
            disabled=True,
        )
        self.feedback = widgets.HTML("")
        self.attempts = 0
        self.answer.observe(self._on_choice, names="value")
        self.check.on_click(self._on_check)
        super().__init__([self.prompt, self.answer, self.check, self.feedback])

    def _on_choice(self, change: dict) -> None:
        self.check.disabled = change["new"] is None
        self.feedback.value = ""  # a changed answer has not been checked yet

    def _on_check(self, _button: widgets.Button | None = None) -> None:
        if self.answer.value is None:
            return
        self.attempts += 1
        result = check_answer(self.question.id, self.answer.value)
        self.feedback.value = feedback_html(result)


def quiz(*question_ids: str) -> widgets.VBox:
    """A numbered set of questions, e.g. ``quiz("q-11", "q-12")``."""
    items = [QuestionWidget(get_question(qid), number) for number, qid in
             enumerate(question_ids, start=1)]
    return keyboard_safe(widgets.VBox(items))


def case_html(case_id: str, kb: KnowledgeBase | None = None) -> str:
    """A teaching case: its story and the factors the care team knows, as a definition list."""
    kb = kb or load_knowledge_base()
    case = _case_row(case_id, kb)
    names = dict(zip(kb.options["option"], kb.options["name"], strict=True))
    remission = (
        "none reached (refractory)"
        if case["remission_months"] is None
        else f"{case['remission_months']} months"
    )
    facts = {
        "Age": f"{case['age']} years",
        "Fit for intensive chemotherapy": "yes" if case["fit_for_intensive"] else "no",
        "Disease": case["disease"],
        "Last complete remission": remission,
        "Treatments before": "; ".join(names[o] for o in case["prior_treatments"]) or "none",
        "Leukemia in the central nervous system": "yes" if case["cns"] else "no",
        "Markers": ", ".join(case["markers"]) or "none found",
        "Matched donor": "yes" if case["matched_donor"] else "no",
        "Earlier stem cell transplant": case["transplant_type"] or "none",
        "White cell count": (
            "not given"
            if case["white_cell_count"] is None
            else f"{case['white_cell_count']} x 10^9/L"
        ),
    }
    rows = "".join(
        f'<tr><th scope="row">{escape(k)}</th><td>{escape(str(v))}</td></tr>'
        for k, v in facts.items()
    )
    return (
        f'{TABLE_STYLE}<section class="aml-case" aria-label="{escape(case["title"])}">'
        f"<h4>{escape(case['title'])}</h4>"
        f"<p>{escape(case['story'])} {cite(case['sources'], kb)}</p>"
        '<table class="aml-table"><caption>What the care team knows</caption>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def _case_row(case_id: str, kb: KnowledgeBase) -> pd.Series:
    if not isinstance(case_id, str):  # compared with a table column below, so a str only
        raise QuizError(f"a case id is text such as 'case-1', got {case_id!r:.60}")
    rows = kb.cases[kb.cases["case"] == case_id]
    if rows.empty:
        raise QuizError(f"unknown case {case_id!r:.60}; cases are: {', '.join(kb.cases['case'])}")
    return rows.iloc[0]


def case_patient(case_id: str, kb: KnowledgeBase | None = None) -> Patient:
    """The Patient a teaching case describes, for the options engine."""
    kb = kb or load_knowledge_base()
    case = _case_row(case_id, kb)
    return Patient(
        age=int(case["age"]), fit_for_intensive=bool(case["fit_for_intensive"]),
        disease=case["disease"], remission_months=case["remission_months"],
        prior_treatments=tuple(case["prior_treatments"]), cns=bool(case["cns"]),
        markers=frozenset(case["markers"]), matched_donor=bool(case["matched_donor"]),
        prior_transplant=case["transplant_type"] or False,
        white_cell_count=case["white_cell_count"],
    )


def show_case(case_id: str) -> HTML:
    """A case's story and facts, for display above its questions."""
    return HTML(case_html(case_id))


def case_questions(case_id: str) -> widgets.VBox:
    """A case's questions, then a button that reveals the options engine's view of the case.

    The options are hidden until asked for because they would give away some answers.
    """
    items: list[widgets.Widget] = [
        QuestionWidget(q, n) for n, q in enumerate(questions(case_id), start=1)]
    patient = case_patient(case_id)
    frame = treatment_options(patient)
    register_sources(s for sources in frame["sources"] for s in sources)
    reveal = widgets.Button(description="Show the options for this case",
                            tooltip="Best pressed after answering the questions",
                            layout=widgets.Layout(width="auto"))
    shown = widgets.HTML("")

    def show(_button: widgets.Button) -> None:
        shown.value = CSS + options_html(patient, include_excluded=True)

    reveal.on_click(show)
    return keyboard_safe(widgets.VBox([*items, reveal, shown]))


# The European Prognostic Index exercise -------------------------------------------------------


@dataclass(frozen=True)
class EpiScenario:
    """A first relapse described in words, with the four facts the index scores."""

    id: str
    story: str
    relapse_free_months: float
    cytogenetics: str
    age: int
    prior_transplant: bool

    def index(self) -> PrognosticIndex:
        return european_prognostic_index(
            self.relapse_free_months, self.cytogenetics, self.age, self.prior_transplant
        )


# Original teaching scenarios, one per risk group; the index applies to ages 15 to 60.
EPI_SCENARIOS: tuple[EpiScenario, ...] = (
    EpiScenario(
        "epi-1",
        "A 29-year-old man had AML with a normal karyotype, which the index counts as 'other' "
        "cytogenetics. He stayed in first complete remission for 22 months and then relapsed. "
        "He has not had a stem cell transplant.",
        22, "other", 29, False,
    ),
    EpiScenario(
        "epi-2",
        "A 44-year-old woman had AML with t(8;21) at diagnosis. Her first complete remission "
        "lasted 12 months before the leukemia came back. She has not had a transplant.",
        12, "t(8;21)", 44, False,
    ),
    EpiScenario(
        "epi-3",
        "A 55-year-old man with a complex karyotype ('other' cytogenetics) received an "
        "allogeneic stem cell transplant in first remission. The leukemia returned 5 months "
        "after he first reached complete remission.",
        5, "other", 55, True,
    ),
)
FACTOR_VALUES = {
    "relapse-free interval": lambda s: f"{s.relapse_free_months:g} months",
    "cytogenetics at diagnosis": lambda s: s.cytogenetics,
    "age at relapse": lambda s: f"{s.age} years",
    "stem cell transplant before relapse": lambda s: "yes" if s.prior_transplant else "no",
}
# Bands of each factor, each with a sample value; the points shown come from the engine.
EPI_BANDS: tuple[tuple[str, str, dict], ...] = (
    ("relapse-free interval", "more than 18 months", {"relapse_free_months": 19}),
    ("relapse-free interval", "7 to 18 months", {"relapse_free_months": 12}),
    ("relapse-free interval", "less than 7 months", {"relapse_free_months": 6}),
    ("cytogenetics at diagnosis", "inv(16) or t(16;16)", {"cytogenetics": "inv(16)"}),
    ("cytogenetics at diagnosis", "t(8;21)", {"cytogenetics": "t(8;21)"}),
    ("cytogenetics at diagnosis", "any other", {"cytogenetics": "other"}),
    ("age at relapse", "35 or younger", {"age": 35}),
    ("age at relapse", "36 to 45", {"age": 40}),
    ("age at relapse", "older than 45", {"age": 46}),
    ("stem cell transplant before relapse", "no", {"prior_transplant": False}),
    ("stem cell transplant before relapse", "yes", {"prior_transplant": True}),
)
_BASELINE = {"relapse_free_months": 24, "cytogenetics": "inv(16)", "age": 30,
             "prior_transplant": False}


def _band_values(factor: str) -> list[dict]:
    return [value for name, _, value in EPI_BANDS if name == factor]


def epi_group_ranges() -> dict[str, tuple[int, int]]:
    """Lowest and highest score of each risk group, found by scoring every band combination."""
    ranges: dict[str, tuple[int, int]] = {}
    factors = list(dict.fromkeys(name for name, _, _ in EPI_BANDS))
    combos: list[dict] = [{}]
    for factor in factors:
        combos = [{**combo, **value} for combo in combos for value in _band_values(factor)]
    for combo in combos:
        result = european_prognostic_index(**combo)
        low, high = ranges.get(result.group, (result.score, result.score))
        ranges[result.group] = (min(low, result.score), max(high, result.score))
    return {group: ranges[group] for group in RISK_GROUPS}


def epi_points_html() -> str:
    """The index's point table, read from the scoring function so the two cannot disagree."""
    rows = []
    for factor, band, value in EPI_BANDS:
        points = european_prognostic_index(**{**_BASELINE, **value}).points[factor]
        rows.append(f"<tr><td>{escape(factor)}</td><td>{escape(band)}</td><td>{points}</td></tr>")
    groups = "".join(
        f"<tr><td>{escape(group)}</td><td>{low} to {high}</td><td>{SURVIVAL[group][0]}%</td>"
        f"<td>{SURVIVAL[group][1]}%</td></tr>"
        for group, (low, high) in epi_group_ranges().items()
    )
    return (
        f'{TABLE_STYLE}<table class="aml-table"><caption>European Prognostic Index: points '
        f"{cite([SOURCE])}</caption>"
        '<thead><tr><th scope="col">Factor</th><th scope="col">Value</th>'
        f'<th scope="col">Points</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        '<table class="aml-table"><caption>Risk groups</caption><thead><tr>'
        '<th scope="col">Group</th><th scope="col">Score</th>'
        '<th scope="col">1-year survival</th><th scope="col">5-year survival</th>'
        f"</tr></thead><tbody>{groups}</tbody></table>"
    )


def epi_points() -> HTML:
    """:func:`epi_points_html` for display in a notebook."""
    return HTML(epi_points_html())


@dataclass(frozen=True)
class EpiFeedback:
    """The learner's score and group judged against the index, with the full breakdown."""

    scenario: EpiScenario
    score: int
    group: str | None
    result: PrognosticIndex

    @property
    def score_correct(self) -> bool:
        return self.score == self.result.score

    @property
    def group_correct(self) -> bool:
        return self.group == self.result.group

    @property
    def correct(self) -> bool:
        return self.score_correct and self.group_correct

    @property
    def explanation(self) -> str:
        parts = [
            f"{factor} ({FACTOR_VALUES[factor](self.scenario)}): {points} point"
            f"{'' if points == 1 else 's'}"
            for factor, points in self.result.points.items()
        ]
        r = self.result
        return (
            f"{'; '.join(parts)}. Total {r.score}, which puts the patient in the {r.group} "
            f"group (published survival {r.one_year_survival_percent}% at 1 year and "
            f"{r.five_year_survival_percent}% at 5 years)."
        )


def get_scenario(scenario_id: str) -> EpiScenario:
    for scenario in EPI_SCENARIOS:
        if scenario.id == scenario_id:
            return scenario
    known = ", ".join(s.id for s in EPI_SCENARIOS)
    raise QuizError(f"unknown exercise {scenario_id!r:.60}; exercises are: {known}")


def check_epi(scenario_id: str, score: int, group: str | None = None) -> EpiFeedback:
    """Judge a learner's EPI score (0 to 14) and, if given, risk group for one scenario."""
    scenario = get_scenario(scenario_id)
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= MAX_EPI_SCORE:
        raise QuizError(f"score must be a whole number from 0 to {MAX_EPI_SCORE}, got {score!r}")
    if group is not None and group not in RISK_GROUPS:
        raise QuizError(f"group must be one of {', '.join(RISK_GROUPS)}, got {group!r:.60}")
    return EpiFeedback(scenario, score, group, scenario.index())


def epi_feedback_html(feedback: EpiFeedback) -> str:
    """Say what was right, what was not, and show the points factor by factor."""
    r = feedback.result
    lines = []
    if feedback.score_correct:
        lines.append(f"{RIGHT_MARK} Your score of {feedback.score} is right.")
    else:
        lines.append(f"{WRONG_MARK} Your score was {feedback.score}; the index gives {r.score}.")
    if feedback.group is None:
        lines.append("You did not choose a risk group.")
    elif feedback.group_correct:
        lines.append(f"{RIGHT_MARK} The {r.group} group is right.")
    else:
        lines.append(f"{WRONG_MARK} You chose {feedback.group}; a score of {r.score} is {r.group}.")
    rows = "".join(
        f"<tr><td>{escape(factor)}</td><td>{escape(FACTOR_VALUES[factor](feedback.scenario))}"
        f"</td><td>{points}</td></tr>"
        for factor, points in r.points.items()
    )
    return (
        f'{TABLE_STYLE}<div class="aml-feedback" role="status">'
        f'<p>{" ".join(map(escape, lines))}</p>'
        '<table class="aml-table"><caption>How the score adds up</caption><thead><tr>'
        '<th scope="col">Factor</th><th scope="col">This patient</th>'
        f'<th scope="col">Points</th></tr></thead><tbody>{rows}'
        f"<tr><th scope=\"row\" colspan=\"2\">Total</th><td>{r.score}</td></tr></tbody></table>"
        f"<p>{escape(feedback.explanation)} {cite([r.source])}</p>"
        f"<p><em>{escape(r.caveat)}</em></p></div>"
    )


class EpiExercise(widgets.VBox):
    """Read a scenario, enter a score and a group, press Check, then see the breakdown."""

    def __init__(self, scenario: EpiScenario, number: int | None = None):
        self.scenario = scenario
        register_sources([scenario.index().source])
        label = f"Exercise {number}" if number is not None else "Exercise"
        self.story = widgets.HTML(f"<p><strong>{label}.</strong> {escape(scenario.story)}</p>")
        self.score = widgets.BoundedIntText(
            value=0, min=0, max=MAX_EPI_SCORE, description="Your score (0 to 14):",
            style={"description_width": "initial"},
        )
        self.group = widgets.Dropdown(
            options=[("choose a group", None), *[(g, g) for g in RISK_GROUPS]],
            value=None, description="Risk group:", style={"description_width": "initial"},
        )
        # like the quiz's Check button, it waits for an attempt: the feedback shows the answer
        self.check = widgets.Button(description="Check my score", disabled=True,
                                    tooltip="Enter your score or choose a group first")
        self.feedback = widgets.HTML("")
        self.check.on_click(self._on_check)
        self.score.observe(self._clear, names="value")
        self.group.observe(self._clear, names="value")
        super().__init__([self.story, self.score, self.group, self.check, self.feedback])

    def _clear(self, _change: dict) -> None:
        self.feedback.value = ""
        self.check.disabled = False
        self.check.tooltip = "Compare your score with the index"

    def _on_check(self, _button: widgets.Button | None = None) -> None:
        self.feedback.value = epi_feedback_html(
            check_epi(self.scenario.id, int(self.score.value), self.group.value)
        )


def epi_exercises() -> widgets.VBox:
    """All EPI scenarios as numbered exercises."""
    return keyboard_safe(
        widgets.VBox([EpiExercise(s, n) for n, s in enumerate(EPI_SCENARIOS, start=1)]))


__all__ = [
    "CYTOGENETICS",
    "EPI_SCENARIOS",
    "Choice",
    "EpiExercise",
    "EpiFeedback",
    "EpiScenario",
    "Feedback",
    "Question",
    "QuestionWidget",
    "QuizError",
    "case_html",
    "case_patient",
    "case_questions",
    "show_case",
    "check_answer",
    "check_epi",
    "epi_exercises",
    "epi_feedback_html",
    "epi_points",
    "epi_points_html",
    "feedback_html",
    "get_question",
    "questions",
    "quiz",
    "reason",
]
