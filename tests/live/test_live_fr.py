"""A bilingual room (issue 23): the instructor pushes once, each page words it in its language.

The room holds ids (which case, which question, which choice under which letter); an English
and a French box show the same push, their answers fall in one tally, and nothing English is
left in the French box or the French instructor view (``tests/leaks.py``).
"""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest

from aml_teach.app.factor_panel import FactorPanel
from aml_teach.app.look import Look
from aml_teach.core.i18n import LanguageError
from aml_teach.core.knowledge import load_knowledge_base
from aml_teach.core.patient import Patient, PatientError
from aml_teach.core.translated_tables import localized
from aml_teach.live.box import LivePanel
from aml_teach.live.instructor import instructor_html, not_instructor, script_words
from aml_teach.live.room import LiveClass, LiveError, live_questions, write_link_file
from tests.leaks import leaks, visible_text

CASE = "case-3"


class DirectPanel(LivePanel):
    """A learner's box that hands its pick to the room in this process (as the Solara
    engine's box does, without a server)."""

    def __init__(self, live: LiveClass, lang: str) -> None:
        look = Look()
        super().__init__(FactorPanel(live.kb, look=look), look, "", "", lang)
        self.live = live

    def _picked(self, change: dict[str, Any]) -> None:
        if self._applying or change["new"] is None or self.question is None:
            return
        seq = self.question["seq"]
        refused = self.live.answer(self.page, seq, change["new"])
        self._answered(seq, change["new"], 409 if refused else 200, {"reason": refused or ""})

    def follow(self) -> None:  # type: ignore[override]
        self.apply(self.live.for_kernels())

    def text(self) -> str:
        """Everything the box shows a reader, as text."""
        parts = [self.notice.value, self.prompt.value, self.choice.description,
                 *(label for label, _ in self.choice.options), self.status.value,
                 self.reveal.value]
        return visible_text(" ".join(parts))

    def pick(self, text: str) -> None:
        """Check the choice whose label holds ``text`` (as a reader does)."""
        index = next(i for label, i in self.choice.options if text in label)
        self.choice.value = index


@pytest.fixture
def live() -> LiveClass:
    return LiveClass(load_knowledge_base())


def case_question(live: LiveClass) -> str:
    return next(q.id for q in live.questions.values() if q.case == CASE)


def right_text(live: LiveClass, question: str, lang: str) -> str:
    words = live_questions(live.kb, lang)[question]
    return next(text for text, right, _ in words.choices if right)


def test_one_push_two_languages_one_tally(live):
    """One push, one ask: the English page in English, the French page in French; both
    answers (the same choice, picked by its words) count as one tally."""
    english, french = DirectPanel(live, "en"), DirectPanel(live, "fr")
    question = case_question(live)
    live.push_case(CASE)
    live.ask(question)
    for box in (english, french):
        box.follow()
    fr_kb = localized(live.kb, "fr")
    en_q, fr_q = live_questions(live.kb)[question], live_questions(live.kb, "fr")[question]
    assert en_q.prompt in english.text() and visible_text(fr_q.prompt) in french.text()
    assert fr_q.prompt != en_q.prompt and en_q.prompt not in french.text()
    assert visible_text(fr_kb.keyed("cases")[CASE]["title"]) in french.text()
    # both pages loaded the case's factors into their panel
    assert english.factors.age.value == french.factors.age.value == 79

    english.pick(right_text(live, question, "en"))
    french.pick(right_text(live, question, "fr"))
    assert sum(live.tally()) == 2 and max(live.tally()) == 2  # one tally, one choice
    right = next(i for i, (_, ok, _) in enumerate(en_q.choices) if ok)
    assert live.tally()[right] == 2
    for box in (english, french):
        box.follow()
        assert box.chosen == right


def test_the_french_box_has_no_english_in_any_state(live):
    french = DirectPanel(live, "fr")
    question = case_question(live)
    seen = []

    def look() -> None:
        french.follow()
        seen.append(french.text())

    live.push_case(CASE)
    look()  # the notice
    live.ask(question)
    look()  # the question, no answer yet
    french.pick(right_text(live, question, "fr"))
    seen.append(french.text())  # counted
    live.close()
    look()  # closed with an answer
    french._show_status("the question is closed")  # a late pick refused by the room
    seen.append(french.text())
    live.reveal()
    look()  # the right answer, explanations, counts
    live.push_factors({"age": 67, "fit_for_intensive": False, "disease": "refractory",
                       "remission_months": None, "markers": ["IDH1"]})
    look()
    seen.append(visible_text(french.factors.story.value))
    live.ask("q-2")
    look()  # a new question, nothing picked: closed before any answer
    live.close()
    look()
    for text in seen:
        assert leaks(text) == [], text
    assert "Cas 3" in seen[0] and "Your" not in " ".join(seen)


def test_the_english_box_is_as_before(live):
    english = DirectPanel(live, "en")
    question = case_question(live)
    live.push_case(CASE)
    live.ask(question)
    english.follow()
    assert "Your instructor loaded Case 3: " in english.text()
    assert english.choice.description == "Your answer"
    english.pick(right_text(live, question, "en"))
    assert "Your answer: A." in english.text() or "Your answer: " in english.text()
    live.reveal()
    english.follow()
    assert "The right answer is " in english.text() and "(your answer; " in english.text()


def test_the_page_switch_rewords_the_box_and_keeps_the_pick(live):
    box = DirectPanel(live, "en")
    question = case_question(live)
    live.push_case(CASE)
    live.ask(question)
    box.follow()
    box.pick(right_text(live, question, "en"))
    tally = live.tally()
    version = live.version
    box.set_language("fr")
    assert leaks(box.text()) == [], box.text()
    assert visible_text(live_questions(live.kb, "fr")[question].prompt) in box.text()
    assert box.choice.value == box.chosen is not None  # the pick stays, nothing sent
    assert live.tally() == tally and live.version == version
    box.set_language("en")
    assert live_questions(live.kb)[question].prompt in box.text()
    with pytest.raises(LanguageError):
        box.set_language("de")


def test_choices_keep_their_ids_and_letters_in_every_language(live):
    for question in live.questions.values():
        french = live_questions(live.kb, "fr")[question.id]
        assert french.numbers == question.numbers
        assert [right for _, right, _ in french.choices] == [r for _, r, _ in question.choices]
    live.ask("q-1")
    shown = live.for_kernels()["question"]
    assert all(set(c) == {"letter", "number"} for c in shown["choices"])  # ids, no words
    assert "prompt" not in shown and "notice" not in repr(live.for_kernels())


def test_the_instructor_view_in_french(live):
    page = instructor_html(live, "xsrf", "fr")
    assert '<html lang="fr">' in page
    assert leaks(visible_text(page)) == [], leaks(visible_text(page))
    words = json.loads(unescape(re.search(r'data-words="([^"]*)"', page).group(1)))
    assert words == script_words("fr") and leaks(" ".join(words.values())) == []
    assert leaks(visible_text(not_instructor("fr"))) == []
    live.push_case(CASE)
    live.ask(case_question(live))
    live.answer("page0001", live.question_seq, 0)
    state = live.for_instructor("fr")
    question = state["question"]
    shown = " ".join([state["sent"], question["prompt"], question["state"],
                      question["answered_text"], *(c["text"] for c in question["choices"])])
    assert leaks(shown) == [], shown
    assert question["answered_text"] == "1 page a répondu"
    assert live.for_instructor("en")["question"]["answered_text"] == "1 page answered"
    assert live.for_instructor()["lang"] == "en"  # the class's language unless asked
    with pytest.raises(LanguageError):
        live.for_instructor("xx")


def test_the_class_language_is_the_instructor_views_default():
    live = LiveClass(load_knowledge_base(), lang="fr")
    assert '<html lang="fr">' in instructor_html(live, "x")
    assert live.for_instructor()["lang"] == "fr"
    with pytest.raises(ValueError, match="unknown language"):
        LiveClass(load_knowledge_base(), lang="es")


def test_refusals_are_told_in_the_instructors_language(live):
    with pytest.raises(LiveError) as caught:
        live.close()
    assert str(caught.value) == "no question has been asked"
    french = caught.value.translated("fr")
    assert french != str(caught.value) and leaks(french) == []
    with pytest.raises(LiveError) as caught:
        live.push_case("case-99")
    french = caught.value.translated("fr")
    assert "'case-99'" in french and leaks(french) == []
    factors = {"age": -4, "fit_for_intensive": True, "disease": "relapsed",
               "remission_months": 3}
    with pytest.raises(LiveError) as caught:  # the patient's own rule, said by core in French
        live.push_factors(factors)
    with pytest.raises(PatientError) as rule:
        Patient(**factors)
    assert str(caught.value).endswith(str(rule.value))
    french = caught.value.translated("fr")
    assert french.startswith("ces facteurs") and french.endswith(rule.value.text("fr"))


def test_the_link_file_in_french():
    from aml_teach.live.room import make_secrets

    keys = make_secrets()
    path = write_link_file(keys, 8866, "fr")
    text = path.read_text()
    assert '<html lang="fr">' in text and "&amp;lang=fr" in text
    assert leaks(visible_text(text)) == []


def test_a_french_class_starts_its_boxes_and_link_in_french(live, monkeypatch):
    """``serve --lang fr``: the page's factor panel is French, so its live box starts in
    French; the instructor's link file opens the view in French."""
    from aml_teach.classroom.language import LANGUAGE_ENV
    from aml_teach.classroom.policy import instructor_line
    from aml_teach.live.room import make_secrets

    look = Look()
    box = LivePanel(FactorPanel(live.kb, look=look, lang="fr"), look, "", "")
    assert box.lang == "fr" and box.choice.description == "Votre réponse"
    monkeypatch.setenv(LANGUAGE_ENV, "fr")
    keys = make_secrets()
    instructor_line(keys, 8866, open_browser=False)
    assert "&amp;lang=fr" in keys.link_file.read_text()
