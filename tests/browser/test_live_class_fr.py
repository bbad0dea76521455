"""A bilingual live class in Chromium (issue 23): one push, an English and a French page.

The server is the class command with a token and the pool on, as a lecture hall runs it. The
instructor opens the view from the printed link file and switches it to French; one student
opens the class address, another the same address with ``?lang=fr``. The instructor pushes a
case and asks its question once; each page shows them in its own language, both students
pick the right answer by its words, and the tally counts 2 under one letter. Every wait reads
the page until a deadline (``expect``), never a fixed sleep.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from aml_teach.core.i18n import translator
from aml_teach.core.knowledge import load_knowledge_base
from aml_teach.live.room import LETTERS, case_notice, live_questions
from tests.classroom.voila.conftest import Server, start
from tests.leaks import leaks, visible_text

from .a11y import violations
from .conftest import ARTIFACTS, RENDER_TIMEOUT_MS, open_dashboard, stop
from .test_live_class import FOLLOW_MS, link_of, printed_file, tally_row

pytestmark = pytest.mark.browser

TOKEN = "live-bilingual-23"
CASE = "case-3"
SHOTS = ARTIFACTS / "shots"
SIZES = ((1366, 768), (390, 844))
EN, FR = translator("en"), translator("fr")


@pytest.fixture(scope="module")
def live_server() -> Iterator[tuple[Server, str]]:
    (ARTIFACTS / "server-livefr.log").unlink(missing_ok=True)  # only this start's link
    server = start("livefr", "--class", "--pool", "2", token=TOKEN)
    try:
        yield server, link_of(server)
    finally:
        stop(server.process)


@pytest.fixture(scope="module")
def instructor(browser, live_server):
    """The instructor view, opened from the printed file, then switched to French."""
    server, _ = live_server
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    page.goto(printed_file(server))
    expect(page.locator("h1")).to_have_text(EN("Instructor view: live class"))
    page.locator("#language").get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text(FR("Instructor view: live class"))
    expect(page).to_have_url(re.compile(r"/aml-live/instructor\?lang=fr$"))
    yield page
    context.close()


def student_url(server, lang: str | None = None) -> str:
    return f"http://localhost:{server.port}/?token={TOKEN}" + (f"&lang={lang}" if lang else "")


def box_text(page) -> str:
    return visible_text(page.locator(".aml-live").inner_html())


def shoot(page, target, name: str) -> None:
    """Screenshots of ``target`` (scrolled into view) at a laptop's and a phone's size."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        target.scroll_into_view_if_needed()
        page.screenshot(path=SHOTS / f"{name}-{width}x{height}.png")


def test_one_push_reaches_an_english_and_a_french_page(browser, live_server, instructor):
    server, _ = live_server
    kb = load_knowledge_base()
    contexts = [browser.new_context(viewport={"width": 1366, "height": 768}) for _ in range(2)]
    try:
        english, french = (context.new_page() for context in contexts)
        for page, lang in ((english, None), (french, "fr")):
            page.set_default_timeout(RENDER_TIMEOUT_MS)
            open_dashboard(page, student_url(server, lang))
            expect(page.locator(".aml-live")).to_be_hidden()  # nothing until the instructor acts
        expect(french.locator("html")).to_have_attribute("lang", "fr")  # the page is French

        # one push of the case: each page says it in its language and loads the factors
        instructor.select_option("#case", CASE)
        instructor.click("#push-case")
        expect(instructor.locator("#message")).to_have_text(FR("Case sent to every page."))
        for page, lang in ((english, "en"), (french, "fr")):
            expect(page.locator(".aml-live-notice")).to_contain_text(
                case_notice({"case": CASE}, kb, lang), timeout=FOLLOW_MS
            )
            expect(page.locator(".aml-factors input[type=number]").first).to_have_value("79")

        # one question: each page in its language; both pick the right answer by its words
        question = next(q for q in live_questions(kb).values() if q.case == CASE)
        instructor.select_option("#question", question.id)
        instructor.click("#ask")
        right = next(i for i, (_, correct, _) in enumerate(question.choices) if correct)
        letter = LETTERS[right]
        for page, lang in ((english, "en"), (french, "fr")):
            words = live_questions(kb, lang)[question.id]
            expect(page.locator(".aml-live-question")).to_contain_text(
                words.prompt, timeout=FOLLOW_MS
            )
            text = next(t for t, correct, _ in words.choices if correct)
            page.get_by_label(f"{letter}. {text}", exact=True).check()
            expect(page.locator(".aml-live-status")).to_contain_text(
                translator(lang)("Your answer"), timeout=FOLLOW_MS
            )
        assert live_questions(kb, "fr")[question.id].prompt != question.prompt
        assert leaks(box_text(french)) == [], box_text(french)  # open, answered
        shoot(french, french.locator(".aml-live"), f"{server.log.stem}-fr-student-box-open")
        french.set_viewport_size({"width": 1366, "height": 768})

        # one tally, in the instructor's language
        expect(instructor.locator("#answered")).to_have_text(
            FR.plural("{n} page answered", "{n} pages answered", 2), timeout=FOLLOW_MS
        )
        expect(tally_row(instructor, letter)).to_have_text("2")
        counts = instructor.locator("#tally .count").all_inner_texts()
        assert sorted(counts, reverse=True)[:2] == ["2", "0"], counts

        instructor.click("#reveal")
        expect(instructor.locator("#question-state")).to_have_text(FR("Revealed on every page."))
        for page, lang in ((english, "en"), (french, "fr")):
            words = live_questions(kb, lang)[question.id]
            answer = translator(lang)(
                "The right answer is {letter}: {text}.", letter=letter, text=words.choices[right][0]
            )
            reveal = page.locator(".aml-live-reveal")
            expect(reveal).to_contain_text(answer, timeout=FOLLOW_MS)
            for _, _, explanation in words.choices:
                expect(reveal).to_contain_text(explanation)

        # nothing English in the French box or the French instructor view
        assert leaks(box_text(french)) == [], box_text(french)
        shown = visible_text(instructor.locator("main").inner_html())
        assert leaks(shown) == [], leaks(shown)
        assert EN("Your answer") in box_text(english)
        assert violations(instructor, f"{server.log.stem}-fr-instructor", ["main"]) == []

        stem = server.log.stem
        shoot(french, french.locator(".aml-live"), f"{stem}-fr-student-box")
        shoot(instructor, instructor.locator("#live-question"), f"{stem}-fr-instructor")
        instructor.evaluate("window.scrollTo(0, 0)")
        shoot(instructor, instructor.locator("h1"), f"{stem}-fr-instructor-top")
    finally:
        instructor.set_viewport_size({"width": 1366, "height": 768})
        for context in contexts:
            context.close()


def test_the_page_switch_rewords_the_box_in_place(browser, live_server, instructor):
    """A learner who switches the page to English mid-question keeps their answer: the box is
    reworded, nothing is sent again, and the tally stays as it was."""
    server, _ = live_server
    kb = load_knowledge_base()
    instructor.select_option("#question", "q-1")
    instructor.click("#ask")
    expect(instructor.locator("#answered")).to_have_text(
        FR.plural("{n} page answered", "{n} pages answered", 0)
    )
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        open_dashboard(page, student_url(server, "fr"))
        french = live_questions(kb, "fr")["q-1"]
        expect(page.locator(".aml-live-question")).to_contain_text(
            french.prompt, timeout=FOLLOW_MS
        )
        page.get_by_label(f"B. {french.choices[1][0]}", exact=True).check()
        expect(tally_row(instructor, "B")).to_have_text("1", timeout=FOLLOW_MS)
        page.get_by_role("button", name="English").click()
        english = live_questions(kb)["q-1"]
        expect(page.locator(".aml-live-question")).to_contain_text(english.prompt)
        expect(page.get_by_label(f"B. {english.choices[1][0]}", exact=True)).to_be_checked()
        expect(page.locator(".aml-live-status")).to_contain_text("Your answer: B.")
        expect(instructor.locator("#answered")).to_have_text(
            FR.plural("{n} page answered", "{n} pages answered", 1)
        )
        expect(tally_row(instructor, "B")).to_have_text("1")
    finally:
        context.close()
