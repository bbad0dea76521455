"""Live class mode in Chromium, served by the Solara engine (one process, shared memory).

The imported tests are the very functions of test_live_class.py (instructor view plus three
student pages: push, ask, tally, close, reveal; a late joiner; hand-set factors; a student
with the class token cannot open the instructor view); in this module ``live_server`` is a
``serve --engine solara --class`` server with a token. Left out: the forged-kernel test,
which speaks Voila's kernel protocol; here there is no kernel door at all (tested below).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.classroom.solara.servers import SolaraServer, start_solara, stop

from . import test_live_class as voila_live
from .conftest import ARTIFACTS, open_dashboard

# the Voila module's tests and fixture, collected here in that module's order (the first
# expects a room where the instructor has not acted yet)
TOKEN, link_of, student_url = voila_live.TOKEN, voila_live.link_of, voila_live.student_url
printed_file = voila_live.printed_file
instructor = voila_live.instructor
test_the_instructor_runs_a_case_with_three_pages = (
    voila_live.test_the_instructor_runs_a_case_with_three_pages
)
test_a_late_joiner_gets_the_case_and_the_open_question = (
    voila_live.test_a_late_joiner_gets_the_case_and_the_open_question
)
test_hand_set_factors_reach_the_pages = voila_live.test_hand_set_factors_reach_the_pages
test_a_student_cannot_open_the_instructor_view = (
    voila_live.test_a_student_cannot_open_the_instructor_view
)
test_the_printed_file_opens_the_view_first_time = (
    voila_live.test_the_printed_file_opens_the_view_first_time
)
test_the_tally_fits_a_projector = voila_live.test_the_tally_fits_a_projector
test_the_banner_says_how_to_preview_as_a_student = (
    voila_live.test_the_banner_says_how_to_preview_as_a_student
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server() -> Iterator[tuple[SolaraServer, str]]:
    (ARTIFACTS / "solara-live.log").unlink(missing_ok=True)  # only this start's link
    server = start_solara("live", "--class", token=TOKEN)
    try:
        yield server, link_of(server)  # type: ignore[arg-type]
    finally:
        stop(server.process)


def test_no_kernel_door_and_actions_need_the_xsrf_token(browser, live_server, instructor):
    """Pages share the server's memory: nothing answers at the Voila engine's kernel door,
    not even with the class token; the instructor's own cookie without the XSRF token
    cannot act, and a student page's request without the cookie cannot either."""
    server, _ = live_server
    origin = f"http://localhost:{server.port}"
    context = browser.new_context()
    try:
        page = context.new_page()
        open_dashboard(page, student_url(server))  # holds the class token cookie
        for path in ("/aml-live/kernel/state", f"/aml-live/kernel/state?token={TOKEN}"):
            assert page.request.get(origin + path).status == 404, path
        refused = page.request.post(
            f"{origin}/aml-live/instructor/action",
            data='{"action": "clear"}',
            headers={"Content-Type": "application/json"},
        )
        assert refused.status == 403
    finally:
        context.close()
    before = instructor.request.get(f"{origin}/aml-live/instructor/state?since=-1").json()
    no_xsrf = instructor.request.post(
        f"{origin}/aml-live/instructor/action",
        data='{"action": "clear"}',
        headers={"Content-Type": "application/json"},
    )
    assert no_xsrf.status == 403
    wrong = instructor.request.post(
        f"{origin}/aml-live/instructor/action",
        data='{"action": "clear"}',
        headers={"Content-Type": "application/json", "X-XSRFToken": "forged"},
    )
    assert wrong.status == 403
    # from another laptop with the instructor's cookie and the right XSRF token: refused
    # (the same request from this computer passes the door: 400 for an unknown action)
    for source, wanted in ((voila_live.ANOTHER_LAPTOP, 403), ("127.0.0.1", 400)):
        status = voila_live.door_status(
            server, instructor, "POST", "/aml-live/instructor/action", source,
            b'{"action": "no-such-action"}',
        )  # fmt: skip
        assert status == wanted, (source, status)
    after = instructor.request.get(f"{origin}/aml-live/instructor/state?since=-1").json()
    assert after["version"] == before["version"]
    # the instructor's own buttons (with the token from the page) still act
    instructor.select_option("#question", "q-2")
    instructor.click("#ask")
    expect(instructor.locator("#answered")).to_have_text("0 pages answered")
