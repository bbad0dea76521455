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
from ..core.i18n import N_, number, translator
from ..core.knowledge import KnowledgeBase, load_knowledge_base
from ..core.patient import Patient
from .core_text import options_frame, texts
from .figures import html_format
from .keys import keyboard_safe
from .lessons import TABLE_STYLE, _lang_attr, _number, cite, register_sources
from .options_html import CSS, options_html

RIGHT_MARK = "✔"  # a mark as well as a colour, so feedback never depends on colour alone
WRONG_MARK = "✘"
RISK_GROUPS = ("favourable", "intermediate", "poor")
# the index's factors (its ids; their words are the core's, shown as ``_(factor)``)
FACTORS = ("relapse-free interval", "cytogenetics at diagnosis", "age at relapse",
           "stem cell transplant before relapse")
MAX_EPI_SCORE = 14


def _plural_count(value: float) -> int:
    """The whole number that picks a plural form (1.5 months takes the plural)."""
    return int(value) if float(value).is_integer() else 2


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


def questions(case: str | None = None, kb: KnowledgeBase | None = None, lang: str = "en"
              ) -> list[Question]:
    """Every question in data order; with ``case``, only the questions about that case.

    In ``lang``, the same questions with their choices in the same order."""
    kb = texts(kb, lang)
    table = kb.questions
    if case is not None:
        if case not in set(kb.cases["case"]):
            raise QuizError(f"unknown case {case!r:.60}; cases are: {', '.join(kb.cases['case'])}")
        table = table[table["case"] == case]
    return [_question(qid, rows) for qid, rows in table.groupby("question", sort=False)]


def get_question(question_id: str, kb: KnowledgeBase | None = None, lang: str = "en"
                 ) -> Question:
    """One question by id (e.g. ``q-1``), its text in ``lang``."""
    kb = texts(kb, lang)
    if not isinstance(question_id, str):  # compared with a table column below, so a str only
        raise QuizError(f"a question id is text such as 'q-1', got {question_id!r:.60}")
    rows = kb.questions[kb.questions["question"] == question_id]
    if rows.empty:
        known = ", ".join(dict.fromkeys(kb.questions["question"]))
        raise QuizError(f"unknown question {question_id!r:.60}; questions are: {known}")
    return _question(question_id, rows)


def check_answer(question_id: str, choice: str | int, kb: KnowledgeBase | None = None,
                 lang: str = "en") -> Feedback:
    """Judge an answer given as the choice's text (in ``lang``) or its position (0-based, as
    displayed)."""
    question = get_question(question_id, kb, lang)
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


# the verdict words an explanation in data/questions.csv may start with (the marks say them)
VERDICT_WORDS = (N_("Right"), N_("Wrong"))


def reason(explanation: str, lang: str = "en") -> str:
    """An explanation without a leading 'Right:' or 'Wrong:' (in ``lang`` too), which the marks
    already say."""
    _ = translator(lang)
    words = dict.fromkeys([*VERDICT_WORDS, *(_(word) for word in VERDICT_WORDS)])
    lead = "|".join(re.escape(word) for word in words)
    text = re.sub(rf"^(?:{lead})\s*:\s*", "", explanation)
    return text[:1].upper() + text[1:]


def feedback_html(feedback: Feedback, kb: KnowledgeBase | None = None, lang: str = "en"
                  ) -> str:
    """The verdict, then why each choice is right or wrong, with marks and citations."""
    _ = translator(lang)

    def why(text: str) -> str:
        return escape(reason(text, lang))

    correct, not_quite = escape(_("Correct.")), escape(_("Not quite."))
    why_each = escape(_("Why each choice is right or wrong:"))
    verdict = (
        f"<p><strong>{RIGHT_MARK} {correct}</strong> "
        f"{why(feedback.explanation)}</p>"
        if feedback.correct
        else f"<p><strong>{WRONG_MARK} {not_quite}</strong> "
        f"{why(feedback.explanation)}</p><p>"
        + html_format(_("The right answer is {choice}: {why}"),
                      choice=f"<strong>{escape(feedback.right_choice)}</strong>",
                      why=why(feedback.right_explanation))
        + "</p>"
    )
    yours = " " + escape(_("(your answer)"))
    each = _("{choice}: {why}")
    items = "".join(
        f"<li>{RIGHT_MARK if c.correct else WRONG_MARK} "
        + html_format(each, choice=f"<strong>{escape(c.text)}</strong>"
                      f"{yours if c is feedback.choice else ''}",
                      why=f"{why(c.explanation)} {cite(c.sources, kb)}")
        + "</li>"
        for c in feedback.question.choices
    )
    return (
        f'<div class="aml-feedback"{_lang_attr(lang)} role="status">{verdict}'
        f"<p>{why_each}</p><ul>{items}</ul></div>"
    )


class QuestionWidget(widgets.VBox):
    """One question: pick a choice, press Check, then (and only then) read the feedback."""

    def __init__(self, question: Question, number: int | None = None, lang: str = "en"):
        _ = translator(lang)
        self.question = question
        self.lang = lang
        register_sources(question.sources)  # the feedback, shown later, cites these
        label = (_("Question {number}.", number=number) if number is not None
                 else _("Question."))
        self.prompt = widgets.HTML(f"<p{_lang_attr(lang)}><strong>{escape(label)}</strong> "
                                   f"{escape(question.prompt)}</p>")
        self.answer = widgets.RadioButtons(
            options=[choice.text for choice in question.choices],
            value=None,
            description=_("Your answer:"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        self.check = widgets.Button(
            description=_("Check my answer"),
            tooltip=_("Show whether your answer is right, and why"),
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
        result = check_answer(self.question.id, self.answer.value, lang=self.lang)
        self.feedback.value = feedback_html(result, lang=self.lang)


def quiz(*question_ids: str, lang: str = "en") -> widgets.VBox:
    """A numbered set of questions, e.g. ``quiz("q-11", "q-12")``."""
    items = [QuestionWidget(get_question(qid, lang=lang), number, lang) for number, qid in
             enumerate(question_ids, start=1)]
    return keyboard_safe(widgets.VBox(items))


def case_html(case_id: str, kb: KnowledgeBase | None = None, lang: str = "en") -> str:
    """A teaching case: its story and the factors the care team knows, as a definition list."""
    _ = translator(lang)
    kb = texts(kb, lang)
    case = _case_row(case_id, kb)
    names = {row["option"]: row["name"] for row in kb.option_rows}
    yes_no = {True: _("yes"), False: _("no")}
    months = case["remission_months"]
    remission = (
        _("none reached (refractory)")
        if months is None
        else _.plural("{months} month", "{months} months", _plural_count(months),
                      months=_number(months, lang))
    )
    count = case["white_cell_count"]
    facts = {
        _("Age"): _("{age} years", age=case["age"]),
        _("Fit for intensive chemotherapy"): yes_no[bool(case["fit_for_intensive"])],
        _("Disease"): _(case["disease"]),
        _("Last complete remission"): remission,
        _("Treatments before"): _("; ").join(names[o] for o in case["prior_treatments"])
        or _("none"),
        _("Leukemia in the central nervous system"): yes_no[bool(case["cns"])],
        _("Markers"): ", ".join(case["markers"]) or _("none found"),
        _("Matched donor"): yes_no[bool(case["matched_donor"])],
        _("Earlier stem cell transplant"): _(case["transplant_type"]) if case["transplant_type"]
        else _("none"),
        _("White cell count"): (
            _("not given") if count is None else _("{count} x 10^9/L", count=_number(count, lang))
        ),
    }
    rows = "".join(
        f'<tr><th scope="row">{escape(k)}</th><td>{escape(str(v))}</td></tr>'
        for k, v in facts.items()
    )
    knows = escape(_("What the care team knows"))
    return (
        f'{TABLE_STYLE}<section class="aml-case"{_lang_attr(lang)} '
        f'aria-label="{escape(case["title"])}">'
        f"<h4>{escape(case['title'])}</h4>"
        f"<p>{escape(case['story'])} {cite(case['sources'], kb)}</p>"
        f'<table class="aml-table"><caption>{knows}</caption>'
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


def show_case(case_id: str, lang: str = "en") -> HTML:
    """A case's story and facts, for display above its questions."""
    return HTML(case_html(case_id, lang=lang))


def case_questions(case_id: str, lang: str = "en") -> widgets.VBox:
    """A case's questions, then a button that reveals the options engine's view of the case.

    The options are hidden until asked for because they would give away some answers.
    """
    _ = translator(lang)
    items: list[widgets.Widget] = [
        QuestionWidget(q, n, lang) for n, q in enumerate(questions(case_id, lang=lang), start=1)]
    patient = case_patient(case_id)
    frame = options_frame(patient, lang=lang)
    register_sources(s for sources in frame["sources"] for s in sources)
    reveal = widgets.Button(description=_("Show the options for this case"),
                            tooltip=_("Best pressed after answering the questions"),
                            layout=widgets.Layout(width="auto"))
    shown = widgets.HTML("")

    def show(_button: widgets.Button) -> None:
        shown.value = (f'{CSS}<div class="aml-explorer"{_lang_attr(lang)}>'
                       f"{options_html(patient, include_excluded=True, lang=lang)}</div>")

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
        N_("A 29-year-old man had AML with a normal karyotype, which the index counts as "
           "'other' cytogenetics. He stayed in first complete remission for 22 months and then "
           "relapsed. He has not had a stem cell transplant."),
        22, "other", 29, False,
    ),
    EpiScenario(
        "epi-2",
        N_("A 44-year-old woman had AML with t(8;21) at diagnosis. Her first complete "
           "remission lasted 12 months before the leukemia came back. She has not had a "
           "transplant."),
        12, "t(8;21)", 44, False,
    ),
    EpiScenario(
        "epi-3",
        N_("A 55-year-old man with a complex karyotype ('other' cytogenetics) received an "
           "allogeneic stem cell transplant in first remission. The leukemia returned 5 months "
           "after he first reached complete remission."),
        5, "other", 55, True,
    ),
)


def factor_value(factor: str, scenario: EpiScenario, lang: str = "en") -> str:
    """A scenario's value of one of the index's factors, in words."""
    _ = translator(lang)
    if factor == "relapse-free interval":
        months = scenario.relapse_free_months
        return _.plural("{months} month", "{months} months", _plural_count(months),
                        months=_number(months, lang))
    if factor == "cytogenetics at diagnosis":
        return _(scenario.cytogenetics)
    if factor == "age at relapse":
        return _("{age} years", age=scenario.age)
    return _("yes") if scenario.prior_transplant else _("no")


FACTOR_VALUES = {factor: (lambda s, f=factor: factor_value(f, s)) for factor in FACTORS}
# Bands of each factor, each with a sample value; the points shown come from the engine.
EPI_BANDS: tuple[tuple[str, str, dict], ...] = (
    ("relapse-free interval", N_("more than 18 months"), {"relapse_free_months": 19}),
    ("relapse-free interval", N_("7 to 18 months"), {"relapse_free_months": 12}),
    ("relapse-free interval", N_("less than 7 months"), {"relapse_free_months": 6}),
    ("cytogenetics at diagnosis", N_("inv(16) or t(16;16)"), {"cytogenetics": "inv(16)"}),
    ("cytogenetics at diagnosis", "t(8;21)", {"cytogenetics": "t(8;21)"}),
    ("cytogenetics at diagnosis", N_("any other"), {"cytogenetics": "other"}),
    ("age at relapse", N_("35 or younger"), {"age": 35}),
    ("age at relapse", N_("36 to 45"), {"age": 40}),
    ("age at relapse", N_("older than 45"), {"age": 46}),
    ("stem cell transplant before relapse", N_("no"), {"prior_transplant": False}),
    ("stem cell transplant before relapse", N_("yes"), {"prior_transplant": True}),
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


def _percent(value: int, lang: str) -> str:
    _ = translator(lang)
    return _("{percent}%", percent=number(value, lang))


def epi_points_html(lang: str = "en") -> str:
    """The index's point table, read from the scoring function so the two cannot disagree."""
    _ = translator(lang)
    rows = []
    for factor, band, value in EPI_BANDS:
        points = european_prognostic_index(**{**_BASELINE, **value}).points[factor]
        rows.append(f"<tr><td>{escape(_(factor))}</td><td>{escape(_(band))}</td>"
                    f"<td>{points}</td></tr>")
    span = _("{low} to {high}")
    heads = {word: escape(_(word)) for word in (
        N_("European Prognostic Index: points"), N_("Factor"), N_("Value"), N_("Points"),
        N_("Risk groups"), N_("Group"), N_("Score"), N_("1-year survival"),
        N_("5-year survival"))}
    groups = "".join(
        f"<tr><td>{escape(_(group))}</td>"
        f"<td>{escape(span.format(low=low, high=high))}</td>"
        f"<td>{escape(_percent(SURVIVAL[group][0], lang))}</td>"
        f"<td>{escape(_percent(SURVIVAL[group][1], lang))}</td></tr>"
        for group, (low, high) in epi_group_ranges().items()
    )
    return (
        f'{TABLE_STYLE}<div class="aml-epi-points"{_lang_attr(lang)}><table class="aml-table">'
        f'<caption>{heads["European Prognostic Index: points"]} '
        f"{cite([SOURCE])}</caption>"
        f'<thead><tr><th scope="col">{heads["Factor"]}</th>'
        f'<th scope="col">{heads["Value"]}</th>'
        f'<th scope="col">{heads["Points"]}</th></tr></thead><tbody>{"".join(rows)}</tbody>'
        f'</table><table class="aml-table"><caption>{heads["Risk groups"]}</caption>'
        f'<thead><tr><th scope="col">{heads["Group"]}</th>'
        f'<th scope="col">{heads["Score"]}</th>'
        f'<th scope="col">{heads["1-year survival"]}</th>'
        f'<th scope="col">{heads["5-year survival"]}</th>'
        f"</tr></thead><tbody>{groups}</tbody></table></div>"
    )


def epi_points(lang: str = "en") -> HTML:
    """:func:`epi_points_html` for display in a notebook."""
    return HTML(epi_points_html(lang))


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
        return self.explain()

    def explain(self, lang: str = "en") -> str:
        """The points factor by factor, the total and its group, in ``lang``."""
        _ = translator(lang)
        parts = [
            _.plural("{factor} ({value}): {n} point", "{factor} ({value}): {n} points", points,
                     factor=_(factor),
                     value=factor_value(factor, self.scenario, lang))
            for factor, points in self.result.points.items()
        ]
        r = self.result
        return _("{points}. Total {score}, which puts the patient in the {group} group "
                 "(published survival {one_year} at 1 year and {five_year} at 5 years).",
                 points=_("; ").join(parts), score=r.score, group=_(r.group),
                 one_year=_percent(r.one_year_survival_percent, lang),
                 five_year=_percent(r.five_year_survival_percent, lang))


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


def epi_feedback_html(feedback: EpiFeedback, lang: str = "en") -> str:
    """Say what was right, what was not, and show the points factor by factor."""
    _ = translator(lang)
    r = feedback.result
    group = _(r.group)
    lines = []
    if feedback.score_correct:
        lines.append(f"{RIGHT_MARK} " + _("Your score of {score} is right.", score=feedback.score))
    else:
        lines.append(f"{WRONG_MARK} " + _("Your score was {score}; the index gives {right}.",
                                          score=feedback.score, right=r.score))
    if feedback.group is None:
        lines.append(_("You did not choose a risk group."))
    elif feedback.group_correct:
        lines.append(f"{RIGHT_MARK} " + _("The {group} group is right.", group=group))
    else:
        lines.append(f"{WRONG_MARK} " + _("You chose {chosen}; a score of {score} is {group}.",
                                          chosen=_(feedback.group),
                                          score=r.score, group=group))
    rows = "".join(
        f"<tr><td>{escape(_(factor))}</td>"
        f"<td>{escape(factor_value(factor, feedback.scenario, lang))}</td><td>{points}</td></tr>"
        for factor, points in r.points.items()
    )
    heads = {word: escape(_(word)) for word in (
        N_("How the score adds up"), N_("Factor"), N_("This patient"), N_("Points"),
        N_("Total"))}
    return (
        f'{TABLE_STYLE}<div class="aml-feedback"{_lang_attr(lang)} role="status">'
        f'<p>{" ".join(map(escape, lines))}</p>'
        f'<table class="aml-table"><caption>{heads["How the score adds up"]}</caption>'
        f'<thead><tr><th scope="col">{heads["Factor"]}</th>'
        f'<th scope="col">{heads["This patient"]}</th>'
        f'<th scope="col">{heads["Points"]}</th></tr></thead><tbody>{rows}'
        f'<tr><th scope="row" colspan="2">{heads["Total"]}</th><td>{r.score}</td></tr>'
        "</tbody></table>"
        f"<p>{escape(feedback.explain(lang))} {cite([r.source])}</p>"
        f"<p><em>{escape(_(r.caveat))}</em></p></div>"
    )


class EpiExercise(widgets.VBox):
    """Read a scenario, enter a score and a group, press Check, then see the breakdown."""

    def __init__(self, scenario: EpiScenario, number: int | None = None, lang: str = "en"):
        _ = self._ = translator(lang)
        self.lang = lang
        self.scenario = scenario
        register_sources([scenario.index().source])
        label = _("Exercise {number}.", number=number) if number is not None else _("Exercise.")
        self.story = widgets.HTML(f"<p{_lang_attr(lang)}><strong>{escape(label)}</strong> "
                                  f"{escape(_(scenario.story))}</p>")
        self.score = widgets.BoundedIntText(
            value=0, min=0, max=MAX_EPI_SCORE,
            description=_("Your score (0 to {most}):", most=MAX_EPI_SCORE),
            style={"description_width": "initial"},
        )
        self.group = widgets.Dropdown(
            options=[(_("choose a group"), None),
                     *[(_(g), g) for g in RISK_GROUPS]],
            value=None, description=_("Risk group:"), style={"description_width": "initial"},
        )
        # like the quiz's Check button, it waits for an attempt: the feedback shows the answer
        self.check = widgets.Button(description=_("Check my score"), disabled=True,
                                    tooltip=_("Enter your score or choose a group first"))
        self.feedback = widgets.HTML("")
        self.check.on_click(self._on_check)
        self.score.observe(self._clear, names="value")
        self.group.observe(self._clear, names="value")
        super().__init__([self.story, self.score, self.group, self.check, self.feedback])

    def _clear(self, _change: dict) -> None:
        self.feedback.value = ""
        self.check.disabled = False
        self.check.tooltip = self._("Compare your score with the index")

    def _on_check(self, _button: widgets.Button | None = None) -> None:
        self.feedback.value = epi_feedback_html(
            check_epi(self.scenario.id, int(self.score.value), self.group.value), self.lang
        )


def epi_exercises(lang: str = "en") -> widgets.VBox:
    """All EPI scenarios as numbered exercises."""
    return keyboard_safe(widgets.VBox(
        [EpiExercise(s, n, lang) for n, s in enumerate(EPI_SCENARIOS, start=1)]))


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
