"""Live class mode in Chromium: an instructor view and three student pages (issue 11).

The server is the README's class command with a token and the pool on, as in a lecture
hall. The instructor view is opened from the link file the server wrote (the only way in);
the students open the class address with the token. Timings are printed, not asserted
tightly: the machine is shared; the 2-second figures are measured by
``benchmarks/load_class.py --scenario live``.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from aml_teach.core.knowledge import load_knowledge_base
from aml_teach.live.room import live_questions
from tests.classroom.voila.conftest import Server, start
from tests.classroom.voila.http_util import request
from tests.page_client import request as request_from
from tests.voila_client import KernelSession, fetch_page

from .conftest import ARTIFACTS, RENDER_TIMEOUT_MS, open_dashboard, stop

pytestmark = pytest.mark.browser

TOKEN = "live-hall-11"
FOLLOW_MS = 30_000  # generous on a shared machine; the measured time is printed


def printed_file(server: Server, seconds: float = 60) -> str:
    """The ``file://`` address the server printed for the instructor, exactly as printed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = re.search(r"open (file://\S+instructor\.html)", server.log_text())
        if found:
            return found.group(1)
        time.sleep(0.5)
    pytest.fail(f"the server printed no instructor link file:\n{server.log_text()}")


def link_of(server: Server, seconds: float = 60) -> str:
    """The instructor link, read from the file whose path the server printed."""
    html = Path(urllib.parse.urlsplit(printed_file(server, seconds)).path).read_text()
    return re.search(r'url=([^"]+)"', html).group(1).replace("&amp;", "&")


@pytest.fixture(scope="module")
def live_server() -> Iterator[tuple[Server, str]]:
    (ARTIFACTS / "server-live.log").unlink(missing_ok=True)  # only this start's link
    server = start("live", "--class", "--pool", "3", token=TOKEN)
    try:
        yield server, link_of(server)
    finally:
        stop(server.process)


@pytest.fixture(scope="module")
def instructor(browser, live_server):
    server, link = live_server
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    page.goto(printed_file(server))  # the instructor's way in: the file the server printed
    expect(page.get_by_role("heading", name="Instructor view: live class")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/aml-live/instructor$"))  # the key left the bar
    yield page
    context.close()


def student_url(server: Server) -> str:
    return f"http://localhost:{server.port}/?token={TOKEN}"


def state_of(instructor) -> dict:
    origin = instructor.url.split("/aml-live/")[0]
    return instructor.request.get(f"{origin}/aml-live/instructor/state?since=-1").json()


def tally_row(instructor, letter: str):
    return instructor.locator(f'#tally .row[data-letter="{letter}"] .count')


ANOTHER_LAPTOP = "127.0.0.2"  # a student's device: another address, as on the class Wi-Fi


def door_status(
    server, instructor, method: str, path: str, source: str, body: bytes | None = None,
    extra: dict[str, str] | None = None,
) -> int:
    """A request to the live doors from ``source`` with everything the instructor's browser
    holds (its cookies, the view's XSRF token): only where it comes from differs."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in instructor.context.cookies())
    headers = {
        "Host": f"localhost:{server.port}",
        "Cookie": cookies,
        "Content-Type": "application/json",
        "X-XSRFToken": instructor.evaluate("document.body.dataset.xsrf"),
        **(extra or {}),
    }
    status, _, _ = request_from(server.port, method, path, headers, body, source=source)
    return status


def kernel_secret(server: Server) -> str:
    """The live door's kernel secret, as the server's kernels have it (Voila engine)."""
    import psutil

    for child in psutil.Process(server.process.pid).children(recursive=True):
        secret = child.environ().get("AML_TEACH_LIVE_SECRET")
        if secret:
            return secret
    pytest.fail("no kernel of the server holds the live secret")


def wait_all(pages, check, label: str) -> float:
    """Run ``check`` on every page (each waits up to FOLLOW_MS); the seconds taken."""
    start = time.perf_counter()
    for page in pages:
        check(page)
    taken = time.perf_counter() - start
    print(f"{label}: all {len(pages)} pages within {taken:.2f} s")
    return taken


def test_the_instructor_runs_a_case_with_three_pages(browser, live_server, instructor):
    server, _ = live_server
    contexts = [browser.new_context(viewport={"width": 1366, "height": 900}) for _ in range(3)]
    try:
        pages = [context.new_page() for context in contexts]
        for page in pages:
            page.set_default_timeout(RENDER_TIMEOUT_MS)
            open_dashboard(page, student_url(server))
            expect(page.locator(".aml-live")).to_be_hidden()  # nothing until the instructor acts

        # push case 3: every page shows its factors and the notice
        instructor.select_option("#case", "case-3")
        instructor.click("#push-case")

        def shows_case_3(page) -> None:
            expect(page.locator(".aml-live-notice")).to_contain_text(
                "Your instructor loaded Case 3", timeout=FOLLOW_MS
            )
            expect(page.get_by_label("Age (years)", exact=True)).to_have_value(
                "79", timeout=FOLLOW_MS
            )
            expect(page.get_by_label("FLT3 mutation", exact=True)).to_be_checked()

        wait_all(pages, shows_case_3, "push case 3")
        # a student may still change factors on their own page
        pages[0].get_by_label("FLT3 mutation", exact=True).uncheck()
        expect(pages[0].locator('li.aml-option[data-option="gilteritinib"]')).to_have_count(0)
        expect(pages[1].get_by_label("FLT3 mutation", exact=True)).to_be_checked()

        # ask the case's own question
        question = next(
            q for q in live_questions(load_knowledge_base()).values() if q.case == "case-3"
        )
        letters = {text: "ABCDEFGH"[i] for i, (text, _, _) in enumerate(question.choices)}
        instructor.select_option("#question", question.id)
        instructor.click("#ask")

        def shows_question(page) -> None:
            expect(page.locator(".aml-live-question")).to_contain_text(
                question.prompt, timeout=FOLLOW_MS
            )
            expect(page.locator(".aml-live").get_by_role("radio")).to_have_count(
                len(question.choices)
            )

        wait_all(pages, shows_question, "ask a question")
        first, second = (f"{letter}. {text}" for text, letter in list(letters.items())[:2])
        third = f"C. {question.choices[2][0]}"
        for page, label in zip(pages, (first, first, second), strict=True):
            page.get_by_label(label, exact=True).check()
            expect(page.locator(".aml-live-status")).to_contain_text("Your answer:")
        expect(instructor.locator("#answered")).to_have_text("3 pages answered")
        expect(tally_row(instructor, "A")).to_have_text("2")
        expect(tally_row(instructor, "B")).to_have_text("1")
        # no tally and no right answer on a student's page before the reveal
        expect(pages[0].locator(".aml-live")).not_to_contain_text("of the room")

        pages[2].get_by_label(third, exact=True).check()  # B -> C: the vote moves
        expect(tally_row(instructor, "B")).to_have_text("0")
        expect(tally_row(instructor, "C")).to_have_text("1")
        expect(tally_row(instructor, "A")).to_have_text("2")
        expect(instructor.locator("#answered")).to_have_text("3 pages answered")
        assert state_of(instructor)["question"]["tally"][:3] == [2, 0, 1]

        instructor.click("#close")
        for page in pages:
            expect(page.locator(".aml-live").get_by_role("radio").first).to_be_disabled(
                timeout=FOLLOW_MS
            )
            expect(page.locator(".aml-live-status")).to_contain_text("The question is closed")

        instructor.click("#reveal")
        right = next(i for i, (_, correct, _) in enumerate(question.choices) if correct)

        def shows_reveal(page) -> None:
            reveal = page.locator(".aml-live-reveal")
            expect(reveal).to_contain_text(
                f"The right answer is {'ABCDEFGH'[right]}: {question.choices[right][0]}",
                timeout=FOLLOW_MS,
            )
            for _, _, explanation in question.choices:
                expect(reveal).to_contain_text(explanation)

        wait_all(pages, shows_reveal, "reveal")
        expect(
            instructor.locator(f'#tally .row[data-letter="{"ABCDEFGH"[right]}"]')
        ).to_contain_text("✔")
    finally:
        for context in contexts:
            context.close()


def test_a_late_joiner_gets_the_case_and_the_open_question(browser, live_server, instructor):
    server, _ = live_server
    instructor.select_option("#case", "case-2")
    instructor.click("#push-case")
    instructor.select_option("#question", "q-1")
    instructor.click("#ask")
    expect(instructor.locator("#question-state")).to_contain_text("Open")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        open_dashboard(page, student_url(server))
        expect(page.locator(".aml-live-notice")).to_contain_text(
            "Your instructor loaded Case 2", timeout=FOLLOW_MS
        )
        expect(page.get_by_label("Age (years)", exact=True)).to_have_value("44")
        prompt = live_questions(load_knowledge_base())["q-1"].prompt
        expect(page.locator(".aml-live-question")).to_contain_text(prompt)
        expect(page.locator(".aml-live").get_by_role("radio").first).to_be_enabled()
    finally:
        context.close()


def test_hand_set_factors_reach_the_pages(browser, live_server, instructor):
    server, _ = live_server
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        open_dashboard(page, student_url(server))
        instructor.get_by_text("Or set the factors by hand").click()
        instructor.get_by_label("Age (years)").fill("67")
        instructor.get_by_label("Fit for intensive chemotherapy").uncheck()
        instructor.get_by_label("IDH1").check()
        instructor.click("#push-factors")
        expect(page.locator(".aml-live-notice")).to_contain_text(
            "Your instructor set the patient factors", timeout=FOLLOW_MS
        )
        expect(page.get_by_label("Age (years)", exact=True)).to_have_value("67")
        expect(page.get_by_label("Fit for intensive chemotherapy", exact=True)).not_to_be_checked()
        expect(page.get_by_label("IDH1 mutation", exact=True)).to_be_checked()
        expect(page.locator('li.aml-option[data-option="ivosidenib"]')).to_have_count(1)
    finally:
        context.close()


def test_a_student_cannot_open_the_instructor_view(browser, live_server, instructor):
    server, link = live_server
    context = browser.new_context()
    try:
        page = context.new_page()
        open_dashboard(page, student_url(server))  # logged in with the class token
        for path in (
            "/aml-live/instructor",
            f"/aml-live/instructor?token={TOKEN}",
            "/aml-live/instructor?key=guessed-key",
            f"/aml-live/instructor/state?token={TOKEN}",
        ):
            response = page.goto(f"http://localhost:{server.port}{path}")
            assert response.status == 403, path
        expect(page.get_by_role("alert")).to_have_count(0)  # a plain 403 line for /state
        page.goto(f"http://localhost:{server.port}/aml-live/instructor")
        expect(page.get_by_role("alert")).to_contain_text("only on the instructor's computer")
    finally:
        context.close()
    assert "key=" not in server.log_text() and link.split("key=")[1] not in server.log_text()
    # another laptop holding the instructor's key, cookie and XSRF token (a photographed link,
    # a copied cookie) is still refused: the doors open on this computer only
    key = link.split("key=")[1]
    for method, path, body in (
        ("GET", f"/aml-live/instructor?key={key}", None),
        ("GET", "/aml-live/instructor", None),
        ("GET", "/aml-live/instructor/state?since=-1", None),
        ("POST", "/aml-live/instructor/action", b'{"action": "no-such-action"}'),
    ):
        assert door_status(server, instructor, method, path, ANOTHER_LAPTOP, body) == 403, path
        # the very same request from this computer passes the door (302/200, 400 for the
        # unknown action): it is the address that refuses the other laptop
        assert door_status(server, instructor, method, path, "127.0.0.1", body) in (200, 302, 400)


def test_forged_pushes_and_answers_are_refused(browser, live_server, instructor):
    server, _ = live_server
    instructor.select_option("#question", "q-2")
    instructor.click("#ask")
    expect(instructor.locator("#answered")).to_have_text("0 pages answered")
    before = state_of(instructor)
    context = browser.new_context()
    try:
        page = context.new_page()
        open_dashboard(page, student_url(server))
        xsrf = next(c["value"] for c in context.cookies() if c["name"] == "_xsrf")
        headers = {
            "X-XSRFToken": xsrf,
            "Content-Type": "application/json",
            "Authorization": f"token {TOKEN}",
        }
        forged = [
            ("/aml-live/instructor/action", {"action": "push_case", "case": "case-1"}),
            ("/aml-live/instructor/action", {"action": "reveal"}),
            (
                "/aml-live/kernel/answer",
                {"page": "f0f0f0f0f0f0", "question": before["question"]["seq"], "choice": 0},
            ),
        ]
        for path, body in forged:
            response = page.request.post(
                f"http://localhost:{server.port}{path}?token={TOKEN}",
                headers=headers,
                data=json.dumps(body),
            )
            assert response.status == 403, (path, response.status)
        # the same over plain HTTP with the token, from this computer, with a guessed secret
        for path, body in forged:
            status, _, _ = request(
                server.port,
                "POST",
                f"{path}?token={TOKEN}",
                headers={"X-AML-Live-Kernel": "guess", "Content-Type": "application/json"},
                body=json.dumps(body).encode(),
            )
            assert status == 403, (path, status)
        # from another laptop, even with the kernels' real secret and the instructor's own
        # cookie and XSRF token: refused (the same from this computer passes the door)
        secret = {"X-AML-Live-Kernel": kernel_secret(server)}
        stale = json.dumps({"page": "f0f0f0f0f0f0", "question": -1, "choice": 0}).encode()
        assert door_status(
            server, instructor, "POST", "/aml-live/kernel/answer", ANOTHER_LAPTOP, stale, secret
        ) == 403
        assert door_status(
            server, instructor, "POST", "/aml-live/kernel/answer", "127.0.0.1", stale, secret
        ) == 409  # "that question is no longer asked": through the door, not counted
        reveal = b'{"action": "reveal"}'
        assert door_status(
            server, instructor, "POST", "/aml-live/instructor/action", ANOTHER_LAPTOP, reveal
        ) == 403
    finally:
        context.close()

    # over the websocket: a page's kernel takes only its own widgets' values
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    def step(coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(180)

    base = f"http://127.0.0.1:{server.port}/"
    _, kernel_id, _ = fetch_page(base, "", TOKEN)
    session = step(KernelSession.connect(base, kernel_id))
    try:
        step(session.request_states())
        radio = session.find("RadioButtonsModel", description="Your answer")
        notice = session.find("HTMLModel", _dom_classes=["aml-live-notice"])
        status = session.find("HTMLModel", _dom_classes=["aml-live-status"])

        async def forge() -> None:
            await session.send(
                "comm_open",
                {
                    "comm_id": "f" * 32,
                    "target_name": "aml.live",
                    "data": {"action": "push_case", "case": "case-1"},
                },
            )
            await session.send(
                "comm_msg",
                {"comm_id": radio, "data": {"method": "custom", "content": {"action": "reveal"}}},
            )
            await session.update(radio, index=99)  # not a choice
            await session.update(notice, value="Your instructor loaded Case 1")
            # then through its own widget, in order after the forgeries: one page's answer
            await session.update(radio, index=1)
            await session.update(radio, index=0)

        step(forge())
        expect(tally_row(instructor, "A")).to_have_text("1", timeout=FOLLOW_MS)
        expect(instructor.locator("#answered")).to_have_text("1 page answered")
        middle = state_of(instructor)
        assert middle["case"] == before["case"] and not middle["question"]["revealed"]
        assert middle["question"]["tally"][:3] == [1, 0, 0]

        instructor.click("#close")
        expect(instructor.locator("#question-state")).to_contain_text("Closed")

        async def after_close() -> None:
            await asyncio.sleep(1)  # the page's kernel has heard of the close by now
            await session.update(radio, index=2)
            await session.wait_for(
                lambda m: (
                    m.get("msg_type") == "comm_msg"
                    and m["content"].get("comm_id") == status
                    and "not counted" in json.dumps(m["content"].get("data", {}))
                ),
                FOLLOW_MS / 1000,
            )

        step(after_close())
    finally:
        step(session.close())
        loop.call_soon_threadsafe(loop.stop)
    after = state_of(instructor)
    assert after["question"]["answered"] == 1
    assert after["question"]["tally"][:3] == [1, 0, 0]
    assert after["case"] == before["case"] and not after["question"]["revealed"]
    log = server.log_text()
    assert kernel_id not in log, "a kernel id reached the terminal"
    parsed = urllib.parse.urlsplit(link_of(server))
    assert parsed.query not in log


SHOTS = ARTIFACTS / "shots"
PROJECTORS = ((1024, 768), (1366, 768))


def test_the_printed_file_opens_the_view_first_time(browser, live_server, instructor):
    """Issue 25: the ``file://`` page the server printed opens the view in a fresh browser
    (the Strict cookie is set by the answer that shows the view, not across a redirect),
    the key leaves the address bar, and the view's own requests carry the cookie."""
    server, link = live_server
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        page.goto(printed_file(server))
        expect(page.get_by_role("heading", name="Instructor view: live class")).to_be_visible()
        expect(page.get_by_role("alert")).to_have_count(0)
        expect(page).to_have_url(re.compile(r"^http://localhost:\d+/aml-live/instructor$"))
        key = link.split("key=")[1]
        assert key not in page.evaluate("location.href + JSON.stringify(history.state)")
        status = page.evaluate(
            "fetch('/aml-live/instructor/state?since=-1', {cache: 'no-store'})"
            ".then((r) => r.status)"
        )
        assert status == 200
        cookie = next(c for c in context.cookies() if c["name"] == "aml_live_instructor")
        assert cookie["sameSite"] == "Strict" and cookie["httpOnly"]
        page.reload()  # the address left in the bar opens the view again
        expect(page.get_by_role("heading", name="Instructor view: live class")).to_be_visible()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / f"{server.log.stem}-printed-file-1366x768.png")
    finally:
        context.close()


def longest_question() -> str:
    """The question whose prompt and choices are the longest: the hardest to fit."""
    questions = live_questions(load_knowledge_base()).values()
    return max(
        questions, key=lambda q: len(q.prompt) + max(len(text) for text, _, _ in q.choices)
    ).id


def fits(page, width: int) -> None:
    """No horizontal scroll, and every tally count inside the viewport, in large type."""
    counts = page.locator("#tally .count")
    assert counts.count() >= 2
    for i in range(counts.count()):
        box = counts.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (width, i, box)
        size = counts.nth(i).evaluate("(n) => parseFloat(getComputedStyle(n).fontSize)")
        assert size >= 28, (width, size)  # readable from the back of a hall
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_tally_fits_a_projector(browser, live_server, instructor):
    """Issue 25: at 1024x768 and 1366x768 with the longest question asked and answers in,
    every count is inside the viewport (no horizontal scroll); also revealed, and on a phone."""
    from .a11y import violations

    server, _ = live_server
    question = longest_question()
    instructor.select_option("#question", question)
    instructor.click("#ask")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        student = context.new_page()
        student.set_default_timeout(RENDER_TIMEOUT_MS)
        open_dashboard(student, student_url(server))
        student.locator(".aml-live").get_by_role("radio").first.check(timeout=FOLLOW_MS)
        expect(instructor.locator("#answered")).to_have_text("1 page answered")
        SHOTS.mkdir(parents=True, exist_ok=True)
        stem = server.log.stem
        student.locator(".aml-live").scroll_into_view_if_needed()
        student.screenshot(path=SHOTS / f"{stem}-student-box-390x844.png")
        for width, height in PROJECTORS:
            instructor.set_viewport_size({"width": width, "height": height})
            instructor.locator("#live-question").scroll_into_view_if_needed()
            fits(instructor, width)
            instructor.screenshot(path=SHOTS / f"{stem}-answers-{width}x{height}.png")
        assert violations(instructor, f"{stem}-instructor", ["main"]) == []
        instructor.click("#reveal")
        expect(instructor.locator("#question-state")).to_contain_text("Revealed")
        for width, height in (*PROJECTORS, (390, 844)):
            instructor.set_viewport_size({"width": width, "height": height})
            instructor.locator("#live-question").scroll_into_view_if_needed()
            fits(instructor, width)
            instructor.screenshot(path=SHOTS / f"{stem}-revealed-{width}x{height}.png")
        expect(student.locator(".aml-live-reveal")).to_contain_text(
            "The right answer is", timeout=FOLLOW_MS
        )
        student.locator(".aml-live").scroll_into_view_if_needed()
        student.screenshot(path=SHOTS / f"{stem}-student-revealed-390x844.png")
    finally:
        instructor.set_viewport_size({"width": 1200, "height": 900})
        context.close()


def test_the_banner_says_how_to_preview_as_a_student(browser, live_server):
    """Issue 25: the start banner gives this computer's own address for a preview, and that
    address is not held to the pages-per-device limit (four tabs at once all open)."""
    server, _ = live_server
    preview = f"http://localhost:{server.port}/?token={TOKEN}"
    log = server.log_text()
    assert "To preview a student's page on this computer, open" in log
    assert f"    {preview}\n" in log
    context = browser.new_context()
    try:
        pages = [context.new_page() for _ in range(4)]
        for page in pages:
            page.set_default_timeout(RENDER_TIMEOUT_MS)
            page.goto(preview, wait_until="commit")
        for page in pages:
            page.locator(".aml-options .aml-count").wait_for(timeout=RENDER_TIMEOUT_MS)
            expect(page.get_by_text("Close your other tabs")).to_have_count(0)
    finally:
        context.close()


def test_ask_and_reveal_bring_every_count_onto_a_projector_screen(live_server, instructor):
    """A projector 768 px high shows the question and every count right after Ask and after
    Reveal, without the instructor scrolling (the case box above would push the tally off)."""
    question = longest_question()
    try:
        for width, height in PROJECTORS:
            instructor.set_viewport_size({"width": width, "height": height})
            for button in ("#ask", "#reveal"):
                instructor.evaluate("window.scrollTo(0, 0)")
                instructor.select_option("#question", question)
                instructor.click(button)
                if button == "#reveal":
                    expect(instructor.locator("#question-state")).to_contain_text("Revealed")
                counts = instructor.locator("#tally .count")
                expect(counts.last).to_be_in_viewport(ratio=1)
                for i in range(counts.count()):
                    expect(counts.nth(i)).to_be_in_viewport(ratio=1)
                expect(instructor.locator("#question-prompt")).to_be_in_viewport(ratio=1)
                reveal = instructor.get_by_role("button", name="Reveal the answer")
                expect(reveal).to_be_in_viewport(ratio=1)
                fits(instructor, width)
    finally:
        instructor.set_viewport_size({"width": 1200, "height": 900})
