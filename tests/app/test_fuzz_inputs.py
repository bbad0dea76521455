"""Property-based fuzzing of the public functions that take a learner's (or a browser's)
input beyond the patient model: self-check answers, EPI exercises, cases, the widget guard.
Each either answers properly or refuses with a ValueError; nothing else may escape."""

from __future__ import annotations

import ipywidgets as widgets
from hypothesis import given, settings
from hypothesis import strategies as st

from aml_teach import load_knowledge_base
from aml_teach.app.guard import guard
from aml_teach.teaching.quiz import case_patient, check_answer, check_epi, get_question

KB = load_knowledge_base()
QUESTION_IDS = sorted(set(KB.questions["question"]))
CASE_IDS = list(KB.cases["case"])

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.binary(max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.sampled_from(QUESTION_IDS), anything), anything)
def test_check_answer_answers_or_refuses(question_id, choice):
    try:
        feedback = check_answer(question_id, choice)
    except ValueError:
        return
    question = get_question(question_id)
    assert isinstance(feedback.correct, bool) and feedback.explanation
    assert feedback.right_choice == question.right.text


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(QUESTION_IDS))
def test_every_question_accepts_its_right_answer_and_explains_each_wrong_one(question_id):
    question = get_question(question_id)
    assert check_answer(question_id, question.right.text).correct
    for choice in question.choices:
        if choice is not question.right:
            feedback = check_answer(question_id, choice.text)
            assert not feedback.correct and feedback.explanation


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=12), anything), anything, anything)
def test_check_epi_answers_or_refuses(scenario_id, score, group):
    try:
        feedback = check_epi(scenario_id, score, group)
    except ValueError:
        return
    assert isinstance(feedback.correct, bool) and feedback.explanation


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.sampled_from(CASE_IDS), anything))
def test_case_patient_answers_or_refuses(case_id):
    try:
        patient = case_patient(case_id)
    except ValueError:
        return
    assert 18 <= patient.age <= 110


# A browser sends a layout as a model reference or, at worst, as a dict of layout
# properties; a dict of unknown keys only exercises traitlets' deprecated **kwargs path.
layout_state = st.one_of(
    st.text(max_size=30).map(lambda text: f"IPY_MODEL_{text}"),
    st.dictionaries(st.sampled_from(["width", "height", "display", "margin"]), anything),
    anything.filter(lambda value: not isinstance(value, dict)),
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        [
            "value",
            "index",
            "description",
            "disabled",
            "options",
            "layout",
            "_dom_classes",
            "no_such_trait",
        ]
    ).flatmap(
        lambda name: st.tuples(st.just(name), layout_state if name == "layout" else anything)
    ),
)
def test_guarded_widgets_survive_any_browser_state(name_and_value):
    name, value = name_and_value
    controls = [
        widgets.IntText(value=50, description="Age (years)"),
        widgets.FloatText(value=12.0, description="Remission lasted (months)"),
        widgets.Checkbox(value=True, description="Fit"),
        widgets.Dropdown(options=["a", "b"], value="a", description="Case"),
        widgets.SelectMultiple(options=["a", "b"], description="Prior"),
    ]
    for control in controls:
        guard(control, lambda *_: None)
        control._handle_msg(
            {
                "content": {
                    "data": {"method": "update", "state": {name: value}, "buffer_paths": []}
                },
                "buffers": [],
            }
        )
        assert control.get_state()  # still a consistent widget
