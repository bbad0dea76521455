"""Self-check logic: the right answer is accepted, each wrong one gets its own explanation,
and nothing about the answer is shown before the learner tries."""

from __future__ import annotations

from html import escape

import pytest

from aml_teach import european_prognostic_index, load_knowledge_base
from aml_teach.teaching.quiz import (
    EPI_SCENARIOS,
    EpiExercise,
    QuestionWidget,
    QuizError,
    case_html,
    case_patient,
    case_questions,
    check_answer,
    check_epi,
    epi_feedback_html,
    epi_group_ranges,
    epi_points_html,
    feedback_html,
    get_question,
    questions,
    reason,
)

QUESTION_IDS = list(dict.fromkeys(load_knowledge_base().questions["question"]))


@pytest.mark.parametrize("qid", QUESTION_IDS)
def test_right_answer_is_accepted_with_its_explanation(qid):
    rows = load_knowledge_base().questions.query("question == @qid")
    right = rows[rows["correct"]].iloc[0]
    feedback = check_answer(qid, right["choice"])
    assert feedback.correct
    assert feedback.explanation == right["explanation"]
    assert feedback.right_choice == right["choice"]


@pytest.mark.parametrize("qid", QUESTION_IDS)
def test_each_wrong_answer_gets_its_own_explanation(qid):
    rows = load_knowledge_base().questions.query("question == @qid")
    right = rows[rows["correct"]].iloc[0]
    for _, wrong in rows[~rows["correct"]].iterrows():
        feedback = check_answer(qid, wrong["choice"])
        assert not feedback.correct
        assert feedback.explanation == wrong["explanation"]
        assert (feedback.right_choice, feedback.right_explanation) == (
            right["choice"], right["explanation"])
        html = feedback_html(feedback)
        assert "Not quite" in html and "(your answer)" in html
        for _, row in rows.iterrows():  # why each choice is right or wrong, all of them
            assert escape(reason(row["explanation"])) in html


def test_reason_drops_a_verdict_word_the_marks_already_give():
    assert reason("Right: the remission lasted 20 months.") == "The remission lasted 20 months."
    assert reason("Wrong: many combinations.") == "Many combinations."
    assert reason("A matched donor matters.") == "A matched donor matters."


def test_answers_by_position_follow_the_displayed_order():
    question = get_question("q-1")
    for position, choice in enumerate(question.choices):
        assert check_answer("q-1", position).choice == choice


def test_choice_order_is_stable_and_does_not_give_the_answer_away():
    assert get_question("q-3").choices == get_question("q-3").choices
    positions = [[c.correct for c in q.choices].index(True) for q in questions()]
    assert len(set(positions)) > 1, "the right answer must not always sit in the same place"


@pytest.mark.parametrize(
    ("qid", "choice"),
    [("q-999", "anything"), ("q-1", "not a choice"), ("q-1", 99), ("q-1", -1), ("q-1", True),
     ("q-1", None)],
)
def test_bad_answers_raise_a_clear_error(qid, choice):
    with pytest.raises(QuizError):
        check_answer(qid, choice)


def test_questions_by_case():
    kb = load_knowledge_base()
    for case in kb.cases["case"]:
        ids = {q.id for q in questions(case)}
        assert ids == set(kb.questions.query("case == @case")["question"])
        assert ids, f"{case} has no questions"
    with pytest.raises(QuizError):
        questions("case-404")


def test_widget_hides_the_answer_until_the_learner_checks():
    widget = QuestionWidget(get_question("q-14"))
    assert widget.feedback.value == "" and widget.check.disabled
    assert widget.answer.value is None  # nothing preselected
    wrong = next(c for c in widget.question.choices if not c.correct)
    widget.answer.value = wrong.text
    assert not widget.check.disabled and widget.feedback.value == ""
    widget.check.click()
    assert "Not quite" in widget.feedback.value and widget.attempts == 1
    widget.answer.value = widget.question.right.text  # a new answer clears the old feedback
    assert widget.feedback.value == ""
    widget.check.click()
    assert "Correct" in widget.feedback.value and widget.attempts == 2


def test_case_widget_reveals_the_options_only_on_request():
    box = case_questions("case-3")
    reveal, shown, _guard = box.children[-3:]
    assert shown.value == ""
    reveal.click()
    assert "Gilteritinib" in shown.value and "Does not apply" in shown.value


def test_case_facts_match_the_case_table():
    patient = case_patient("case-2")
    assert patient.disease == "refractory" and patient.remission_months is None
    html = case_html("case-2")
    assert "none reached (refractory)" in html and "44 years" in html
    with pytest.raises(QuizError):
        case_html("case-404")


# The European Prognostic Index exercise


@pytest.mark.parametrize("scenario", EPI_SCENARIOS, ids=lambda s: s.id)
def test_epi_right_score_and_group_are_accepted(scenario):
    expected = european_prognostic_index(scenario.relapse_free_months, scenario.cytogenetics,
                                         scenario.age, scenario.prior_transplant)
    feedback = check_epi(scenario.id, expected.score, expected.group)
    assert feedback.correct
    assert f"Total {expected.score}" in feedback.explanation
    for factor, points in expected.points.items():
        assert factor in feedback.explanation and f"{points} point" in feedback.explanation


@pytest.mark.parametrize("scenario", EPI_SCENARIOS, ids=lambda s: s.id)
def test_epi_wrong_score_or_group_is_explained(scenario):
    expected = scenario.index()
    wrong_score = (expected.score + 3) % 15
    feedback = check_epi(scenario.id, wrong_score, expected.group)
    assert not feedback.correct and not feedback.score_correct and feedback.group_correct
    html = epi_feedback_html(feedback)
    assert f"Your score was {wrong_score}; the index gives {expected.score}" in html
    other = next(g for g in ("favourable", "intermediate", "poor") if g != expected.group)
    assert f"a score of {expected.score} is {expected.group}" in epi_feedback_html(
        check_epi(scenario.id, expected.score, other))
    assert "did not choose a risk group" in epi_feedback_html(check_epi(scenario.id, 0))


def test_epi_scenarios_cover_every_group_and_say_their_facts():
    assert {s.index().group for s in EPI_SCENARIOS} == {"favourable", "intermediate", "poor"}
    for s in EPI_SCENARIOS:
        assert f"{s.age}-year-old" in s.story
        assert f"{s.relapse_free_months:g} months" in s.story
        cyto = "'other'" if s.cytogenetics == "other" else s.cytogenetics
        assert cyto in s.story
        assert ("transplant" in s.story) and (s.prior_transplant == ("has not" not in s.story))


@pytest.mark.parametrize("args", [("epi-404", 3), ("epi-1", -1), ("epi-1", 15), ("epi-1", 2.5),
                                  ("epi-1", True), ("epi-1", 3, "bad")])
def test_epi_bad_input_raises(args):
    with pytest.raises(QuizError):
        check_epi(*args)


def test_epi_point_table_agrees_with_the_scoring_function():
    assert epi_group_ranges() == {"favourable": (0, 6), "intermediate": (7, 9), "poor": (10, 14)}
    html = epi_points_html()
    for row in ("<td>more than 18 months</td><td>0</td>", "<td>7 to 18 months</td><td>3</td>",
                "<td>less than 7 months</td><td>5</td>", "<td>t(8;21)</td><td>3</td>",
                "<td>any other</td><td>5</td>", "<td>36 to 45</td><td>1</td>",
                "<td>older than 45</td><td>2</td>", "<td>yes</td><td>2</td>"):
        assert row in html
    assert "<td>favourable</td><td>0 to 6</td><td>70%</td><td>46%</td>" in html


def test_epi_widget_shows_feedback_only_after_check():
    exercise = EpiExercise(EPI_SCENARIOS[1])
    assert exercise.feedback.value == ""
    assert exercise.check.disabled, "Check must wait for an attempt (it reveals the breakdown)"
    exercise.score.value = EPI_SCENARIOS[1].index().score
    exercise.group.value = EPI_SCENARIOS[1].index().group
    assert exercise.feedback.value == "" and not exercise.check.disabled
    exercise.check.click()
    assert "is right" in exercise.feedback.value and "How the score adds up" in \
        exercise.feedback.value
