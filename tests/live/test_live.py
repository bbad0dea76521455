"""The live class state (aml_teach.live.room): what the room shares, and what each side sees."""

from __future__ import annotations

import pytest

from aml_teach.core.knowledge import load_knowledge_base
from aml_teach.live.box import reveal_html
from aml_teach.live.room import LiveClass, LiveError, case_notice, live_questions, question_in
from aml_teach.teaching.quiz import get_question


@pytest.fixture
def live() -> LiveClass:
    return LiveClass(load_knowledge_base())


def test_choices_are_in_the_quiz_order():
    kb = load_knowledge_base()
    for question_id in ("q-1", "q-5"):
        ours = [text for text, _, _ in live_questions(kb)[question_id].choices]
        assert ours == [c.text for c in get_question(question_id, kb).choices]


def test_push_case_names_the_case_and_bumps_the_version(live):
    live.push_case("case-3")
    seen = live.for_kernels()
    assert seen["version"] == 1
    assert seen["case"]["case"] == "case-3"
    assert case_notice(seen["case"], live.kb).startswith("Your instructor loaded Case 3: ")
    with pytest.raises(LiveError, match="unknown case"):
        live.push_case("case-99")


def test_hand_set_factors_are_checked_as_a_patient(live):
    live.push_factors(
        {
            "age": 70,
            "fit_for_intensive": False,
            "disease": "refractory",
            "remission_months": None,
            "markers": ["FLT3"],
        }
    )
    assert live.for_kernels()["case"]["factors"]["age"] == 70
    with pytest.raises(LiveError, match="not a valid patient"):
        live.push_factors(
            {"age": -4, "fit_for_intensive": True, "disease": "relapsed", "remission_months": 3}
        )
    with pytest.raises(LiveError, match="mapping"):
        live.push_factors({"name": "Ada"})


def test_one_answer_per_page_and_a_change_moves_the_vote(live):
    live.ask("q-1")
    seq = live.question_seq
    assert live.answer("page0001", seq, 0) is None
    assert live.answer("page0002", seq, 0) is None
    assert live.answer("page0003", seq, 1) is None
    assert live.tally() == [2, 1, 0, 0]
    assert live.answer("page0002", seq, 1) is None  # the same page changes its mind
    assert live.tally() == [1, 2, 0, 0]
    assert len(live.answers) == 3


def test_answers_are_refused_when_closed_stale_or_malformed(live):
    live.ask("q-1")
    seq = live.question_seq
    assert live.answer("page0001", seq + 1, 0) == "that question is no longer asked"
    assert live.answer("page0001", seq, 9) == "no such choice"
    assert live.answer("page0001", seq, True) == "a choice is a number"
    assert live.answer("../etc", seq, 0) == "a page is named by a random number"
    live.close()
    assert live.answer("page0001", seq, 0) == "the question is closed"
    assert live.tally() == [0, 0, 0, 0]


def test_a_new_question_drops_the_answers(live):
    live.ask("q-1")
    live.answer("page0001", live.question_seq, 2)
    live.ask("q-2")
    assert live.answers == {}
    assert sum(live.tally()) == 0


def test_pages_see_no_tally_or_right_answer_before_the_reveal(live):
    live.ask("q-1")
    live.answer("page0001", live.question_seq, 0)
    question = live.for_kernels()["question"]
    assert "tally" not in question and "answered" not in question
    assert all(set(c) == {"letter", "number"} for c in question["choices"])
    assert live.for_instructor()["question"]["tally"][0] == 1
    live.reveal()
    shown = live.for_kernels()["question"]
    assert shown["revealed"] and not shown["open"]
    assert sum(c["correct"] for c in shown["choices"]) == 1
    assert shown["tally"][0] == 1
    shown = question_in(shown, live.kb, "en")
    html = reveal_html(shown, chosen=0)
    right = next(c for c in shown["choices"] if c["correct"])
    assert f"The right answer is {right['letter']}" in html
    assert all(c["explanation"][:30] in html.replace("&#x27;", "'") for c in shown["choices"])


def test_nothing_identifying_is_kept(live):
    live.ask("q-1")
    live.answer("a1b2c3d4e5f6", live.question_seq, 1)
    text = repr(live.for_instructor())
    assert "a1b2c3d4e5f6" not in text  # the page's random name never leaves the server


def test_unknown_actions_are_refused(live):
    for action in ({"action": "shutdown"}, {"action": "ask", "question": "q-999"}, [], None):
        with pytest.raises(LiveError):
            live.act(action)  # type: ignore[arg-type]
    with pytest.raises(LiveError, match="no question"):
        live.reveal()


def test_the_instructor_link_is_in_a_private_file_and_never_printed():
    import stat

    from aml_teach.classroom.policy import instructor_line
    from aml_teach.live.room import make_secrets

    keys = make_secrets()
    line = instructor_line(keys, 8866, open_browser=False)
    path = keys.link_file
    assert path is not None and path.as_uri() in line
    assert keys.instructor not in line and keys.kernel not in line
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert f"/aml-live/instructor?key={keys.instructor}" in path.read_text()
    assert keys.kernel not in path.read_text()


def test_the_solara_room_sends_pages_only_what_they_see(live):
    """The Solara engine's room (shared memory): listeners run after each change; pages get
    a new state when the case or question changed, not when an answer moved the tally."""
    from aml_teach.live.room import make_secrets
    from aml_teach.live.solara_channel import LiveRoom

    class Page:
        def __init__(self) -> None:
            self.got: list[dict] = []

        def deliver(self, state: dict) -> None:
            self.got.append(state)

    room = LiveRoom(live, make_secrets())
    page = Page()
    room.panels.add(page)  # type: ignore[arg-type]
    live.push_case("case-3")
    live.ask("q-1")
    live.answer("a1b2c3d4e5f6", live.question_seq, 0)
    live.reveal()
    room.workers.shutdown(wait=True)
    assert [s["version"] for s in page.got] == [1, 2, 4]
    assert "tally" not in page.got[1]["question"] and page.got[2]["question"]["tally"][0] == 1


def test_one_device_counts_at_most_its_page_cap(live):
    """Open a page, answer A, close it, again and again (issue 21, item 2): a closed page's
    answer used to stay counted. A device's answers count for at most its page cap (its
    latest pages); other devices and this computer (the instructor's tabs) are unaffected."""
    devices = {"k-student": "10.0.0.7", "k-honest": "10.0.0.8", "k-here": "127.0.0.1"}
    live.device_of, live.per_device = devices.get, 3
    live.ask("q-1")
    for n in range(20):  # twenty pages of one device, one after the other
        assert live.answer(f"dishonest{n:04d}", live.question_seq, 0, "k-student") is None
    assert live.answer("honestpage01", live.question_seq, 1, "k-honest") is None
    for n in range(5):
        assert live.answer(f"instructor{n:03d}", live.question_seq, 2, "k-here") is None
    assert live.tally()[:3] == [3, 1, 5]
    # the device's latest pages are the ones counted; one changing its mind moves its vote
    assert live.answer("dishonest0019", live.question_seq, 1, "k-student") is None
    assert live.tally()[:3] == [2, 2, 5]
    live.ask("q-2")  # a new question: every device starts again
    assert live.answer("dishonest0000", live.question_seq, 0, "k-student") is None
    assert live.tally()[0] == 1 and not any(d in repr(live.devices) for d in devices.values())
