"""The lessons from the class server (issue 25). Voila engine: a student on a phone follows
the dashboard's link to a lesson and reads it with its widgets live; the server shows these
notebooks and nothing else of the folder, with the class token and caps. Solara engine (the
dashboard alone): the page says where the lessons are, and links to none it cannot serve.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from aml_teach.classroom.voila_engine import LESSONS
from tests.classroom.voila.conftest import Server, start

from .a11y import violations
from .conftest import ARTIFACTS, RENDER_TIMEOUT_MS, open_dashboard, stop

pytestmark = pytest.mark.browser

TOKEN = "lessons-25"
PHONE = {"width": 390, "height": 844}
PROSE = ".jp-RenderedMarkdown :is(p, li, h1, h2, h3, dt, dd, blockquote)"


@pytest.fixture(scope="module")
def class_server() -> Iterator[Server]:
    server = start("lessons", "--class", "--pool", "1", token=TOKEN)
    try:
        yield server
    finally:
        stop(server.process)


def prose_overflow(page, width: int) -> list[str]:
    """The prose blocks whose box runs past the viewport's right edge."""
    return page.eval_on_selector_all(
        PROSE,
        f"""(nodes) => nodes.filter((n) => {{
              const box = n.getBoundingClientRect();
              return box.width > 0 && (box.right > {width} + 1 || box.left < -1);
            }}).map((n) => n.textContent.slice(0, 60))""",
    )


def table_problems(page, width: int) -> list[str]:
    """The lessons' Markdown tables that run past the viewport, or that are wider than their
    box without saying that they scroll sideways (e.g. lesson 02's ELN response table)."""
    return page.eval_on_selector_all(
        ".jp-RenderedMarkdown table",
        f"""(tables) => tables.filter((t) => {{
              const box = t.getBoundingClientRect();
              if (box.width === 0) return false;
              if (box.right > {width} + 1 || box.left < -1) return true;
              const hint = getComputedStyle(t, "::before").content;
              return t.scrollWidth > t.clientWidth + 1 && !hint.includes("sideways");
            }}).map((t) => t.textContent.trim().slice(0, 60))""",
    )


def test_a_phone_follows_the_dashboard_link_to_a_lesson(browser, class_server):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        open_dashboard(page, f"http://localhost:{class_server.port}/?token={TOKEN}")
        shots = ARTIFACTS / "shots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=shots / "dashboard-lessons-link-390x844.png")
        page.get_by_role("link", name="3. The 7+3 schedule").click()
        expect(page).to_have_url(f"http://localhost:{class_server.port}/03-the-7-3-schedule.ipynb")
        page.locator("#rendered_cells").wait_for(state="visible")
        expect(page.get_by_role("heading", name="3. The 7+3 schedule", level=1)).to_be_visible()
        # its widgets are live: a quiz question answers when checked
        question = page.locator(".widget-radio-box").first
        question.scroll_into_view_if_needed()
        question.locator("label").first.click()  # a tap on the choice's words
        expect(question.locator("input").first).to_be_checked()
        check = page.get_by_role("button", name="Check my answer").first
        expect(check).to_be_enabled()
        check.click()
        expect(page.get_by_text("Error displaying widget")).to_have_count(0)
        feedback = question.locator("xpath=../..").locator(".widget-html-content").last
        expect(feedback).not_to_be_empty()
        assert page.locator(PROSE).count() > 10
        assert prose_overflow(page, PHONE["width"]) == []
        page.locator("h1").first.scroll_into_view_if_needed()
        page.screenshot(path=shots / "lesson-03-390x844.png")
        question.scroll_into_view_if_needed()
        page.screenshot(path=shots / "lesson-03-quiz-390x844.png")
        found = violations(page, "lesson-03-phone", ["body"])
        assert found == [], "\n".join(found)
    finally:
        context.close()


@pytest.mark.parametrize("name", LESSONS)
def test_every_lesson_reads_on_a_phone(browser, class_server, name):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        page.goto(f"http://localhost:{class_server.port}/{name}.ipynb?token={TOKEN}")
        page.locator("#rendered_cells").wait_for(state="visible")
        expect(page.locator(".jp-OutputArea-output").last).to_be_visible()
        expect(page.get_by_text("Error displaying widget")).to_have_count(0)
        expect(page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']"))\
            .to_have_count(0)
        assert prose_overflow(page, PHONE["width"]) == []
        assert table_problems(page, PHONE["width"]) == []
        page.screenshot(path=ARTIFACTS / "shots" / f"lesson-{name}-390x844.png")
    finally:
        context.close()


def test_a_glossary_link_in_a_lesson_opens_the_term_on_a_phone(browser, class_server):
    """The lessons' own links (``glossary.ipynb#cell-id=term-...``) work on the class server."""
    term = "refractory AML"
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        page.goto(f"http://localhost:{class_server.port}/01-start-here.ipynb?token={TOKEN}")
        page.locator("#rendered_cells").wait_for(state="visible")
        with page.expect_navigation() as navigation:
            page.locator("#rendered_cells a", has_text=term).first.click()
        assert navigation.value.status == 200
        assert "/glossary.ipynb#cell-id=term-refractory-AML" in page.url
        page.locator("#rendered_cells").wait_for(state="visible")
        heading = page.locator('[id="cell-id=term-refractory-AML"] h3')
        expect(heading).to_contain_text(term)
        expect(heading).to_be_in_viewport()
    finally:
        context.close()


def test_only_the_lessons_and_only_with_the_token(browser, class_server):
    """No other notebook or file of the folder, nor a lesson without the class token."""
    base = f"http://localhost:{class_server.port}"
    context = browser.new_context()
    try:
        page = context.new_page()
        response = page.goto(f"{base}/01-start-here.ipynb")  # no token: the login page
        assert "Relapsed and refractory AML: start here" not in page.content()
        page.goto(f"{base}/?token={TOKEN}", wait_until="commit")  # logged in from here on
        for path in (
            "/dashboard.ipynb",
            "/01-start-here",
            "/voila/render/01-start-here.ipynb",
            "/voila/files/01-start-here.ipynb",
            "/README.md",
            "/notebooks/01-start-here.ipynb",
            "/aml_teach/__init__.py",
        ):
            response = page.request.get(f"{base}{path}", max_redirects=0)
            assert response.status in (301, 302, 403, 404), (path, response.status)
            if response.status in (301, 302):
                followed = page.request.get(f"{base}{path}")
                assert followed.status in (403, 404), (path, followed.status)
            assert "start here" not in response.text().lower(), path
    finally:
        context.close()


def test_the_solara_page_says_where_the_lessons_are(browser, solara_url):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        open_dashboard(page, solara_url)
        note = page.locator(".aml-lessons-note")
        expect(note).to_contain_text("The lessons are not on this class server")
        expect(note).to_contain_text("python3 run.py lab")
        expect(page.locator("a[href$='.ipynb']")).to_have_count(0)
        assert prose_overflow(page, PHONE["width"]) == []
        note.scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "shots" / "solara-lessons-note-390x844.png")
    finally:
        context.close()


def test_a_lesson_kernel_has_the_classroom_comm_checks(class_server):
    """A lesson page's kernel checks its comms as the dashboard's does: what a hostile
    browser sends to a lesson's widgets brings back no traceback, path or error."""
    from tests.classroom.voila.test_hardening import internal_details, settle
    from tests.voila_client import KernelSession, fetch_page, run

    base = f"http://127.0.0.1:{class_server.port}/"
    _, kernel_id, _ = fetch_page(base, "03-the-7-3-schedule.ipynb", TOKEN)

    async def hostile() -> list[dict]:
        session = await KernelSession.connect(base, kernel_id)
        await session.request_states()
        radio = next(k for k, v in session.states.items()
                     if v["state"].get("_model_name") == "RadioButtonsModel")
        await session.send("comm_msg", {"comm_id": radio})  # no data
        await session.send("comm_msg", {"comm_id": radio, "data": {"method": "update",
                                                                    "state": {"index": "x"}}})
        await session.send("comm_msg", {"comm_id": radio, "data": {"method": "update",
                                                                    "state": {"index": 99}}})
        await session.send("comm_open", {"comm_id": "c" * 32, "target_name": "jupyter.widget",
                                         "data": {"state": {"_model_name": 7}}})
        received = await settle(session)
        await session.close()
        return received

    received = run(hostile())
    assert internal_details(received) == []
