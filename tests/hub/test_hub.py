"""The course hub end to end on localhost: two students in Chromium, culling, a restart.

The tests run in file order on one hub and build on each other (A signs up first, B later,
then everybody goes idle, then the hub restarts), as a class day would.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import stat
import subprocess
import time
import urllib.parse

import pytest
from playwright.sync_api import expect

from .conftest import CULL_EVERY, CULL_TIMEOUT
from .hubctl import PASSWORD, Hub, sign_up, try_sign_up

pytestmark = pytest.mark.hub

DASHBOARD = "voila/render/notebooks/dashboard.ipynb"
NOTEBOOK_04 = "notebooks/04-intensive-or-less-intensive.ipynb"
STUDENTS: dict[str, str] = {}


def log_in(page, hub: Hub, name: str) -> None:
    """Log in; the hub starts the student's server and opens JupyterLab on lesson 1."""
    page.goto(f"{hub.url}/hub/login")
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill(PASSWORD)
    page.locator("#login_submit").click()
    page.wait_for_url(f"**/user/{name}/lab/tree/notebooks/01-start-here.ipynb*", timeout=150_000)


def server_ready(hub: Hub, name: str) -> bool:
    server = hub.api(f"/users/{name}").get("servers", {}).get("")
    return bool(server and server.get("ready"))


def test_student_a_logs_in_and_uses_the_dashboard(hub_page, hub):
    page = hub_page
    STUDENTS["a"] = hub.new_user("a")
    sign_up(page, hub, STUDENTS["a"])
    log_in(page, hub, STUDENTS["a"])
    assert server_ready(hub, STUDENTS["a"])

    page.goto(f"{hub.url}/user/{STUDENTS['a']}/{DASHBOARD}")
    region = page.locator(".aml-options")
    region.locator(".aml-count").wait_for(timeout=120_000)
    assert "Your session on the class server stopped" in page.content()  # the aml template
    expect(region.locator('li.aml-option[data-option="FLAG"]')).to_have_count(1)
    page.get_by_label("Fit for intensive chemotherapy", exact=True).click()
    expect(region.locator('li.aml-option[data-option="FLAG"]')).to_have_count(0)
    expect(region.locator('li.aml-option[data-option="azacitidine+venetoclax"]')).to_have_count(1)


def test_student_b_cannot_reach_student_a(hub_page, hub):
    assert server_ready(hub, STUDENTS["a"]), "student A's server should still be running"
    page = hub_page
    STUDENTS["b"] = hub.new_user("b")
    sign_up(page, hub, STUDENTS["b"])
    log_in(page, hub, STUDENTS["b"])
    for path in ("lab", DASHBOARD, "api/contents/notebooks"):
        reply = page.goto(f"{hub.url}/user/{STUDENTS['a']}/{path}")
        final = page.url.split(hub.url, 1)[1]
        refused = reply.status == 403 or final.startswith(
            (f"/user/{STUDENTS['b']}/", f"/hub/user/{STUDENTS['b']}/")
        )
        assert refused, f"B reached A's /{path}: {reply.status} at {final}"
        assert STUDENTS["a"] not in page.title()


def test_reserved_and_system_names_are_refused_at_sign_up(hub_page, hub):
    """A student cannot take the instructor's name (and with it the hub's admin), a reserved
    name, or the name of an account or group this computer has (and run as that account)."""
    instructor = hub.env["AML_TEACH_INSTRUCTORS"]
    taken = {"root": "passwd", "daemon": "passwd", "nobody": "passwd", "sudo": "group"}
    for name in [instructor, "instructor", "admin", *taken]:
        alert = try_sign_up(hub_page, hub, name)
        expect(alert).to_have_class(re.compile("alert-danger"))
        expect(alert).to_contain_text(f"The username {name} ")
        log_in_form(hub_page, hub, name, PASSWORD)
        expect(hub_page.locator("#login_submit")).to_be_visible()  # still on the login page
    assert hub.api(f"/users/{instructor}")["admin"] is True


def test_the_instructor_account_is_made_when_the_hub_starts(hub_page, hub):
    """Made at deploy time with a password only root can read, not by a sign-up."""
    instructor = hub.env["AML_TEACH_INSTRUCTORS"]
    passwords = hub.state / "instructor-passwords.txt"
    assert passwords.is_file(), f"no {passwords.name} in the hub's folder:\n{hub.tail()}"
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
    lines = dict(line.split(": ", 1) for line in passwords.read_text().splitlines())
    log_in_form(hub_page, hub, instructor, lines[instructor], next_url="/hub/admin")
    hub_page.wait_for_url("**/hub/admin*")
    expect(hub_page.get_by_text(instructor).first).to_be_visible()  # the admin page lists users


def test_home_folders_are_private(hub):
    """Homes are 0700: student B cannot list, let alone read, student A's files."""
    for name in [hub.env["AML_TEACH_INSTRUCTORS"], *STUDENTS.values()]:
        home = pwd.getpwnam(name).pw_dir
        assert stat.S_IMODE(os.stat(home).st_mode) == 0o700, f"{home} is not private"
    a_home = pwd.getpwnam(STUDENTS["a"]).pw_dir
    peek = subprocess.run(
        ["runuser", "-u", STUDENTS["b"], "--", "ls", f"{a_home}/aml-teach"],
        capture_output=True, text=True,
    )
    assert peek.returncode != 0 and "Permission denied" in peek.stderr, peek


def log_in_form(page, hub: Hub, name: str, password: str, next_url: str = "") -> None:
    """Send the hub's login form (nothing waited for: the caller says what should happen)."""
    query = f"?next={urllib.parse.quote(next_url, safe='')}" if next_url else ""
    page.goto(f"{hub.url}/hub/login{query}")
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill(password)
    page.locator("#login_submit").click()
    page.wait_for_load_state()


def test_student_a_runs_all_of_notebook_04_in_jupyterlab(hub_page, hub):
    page = hub_page
    log_in(page, hub, STUDENTS["a"])
    page.goto(f"{hub.url}/user/{STUDENTS['a']}/lab/tree/{NOTEBOOK_04}")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
    expect(page.locator("#jp-main-statusbar")).to_contain_text("Idle", timeout=120_000)
    run_menu_command(page, "Edit", "Clear Outputs of All Cells")
    run_menu_command(page, "Run", "Run All Cells")
    contents = f"{hub.url}/user/{STUDENTS['a']}/api/contents/{NOTEBOOK_04}?content=1"
    deadline = time.monotonic() + 180
    while True:
        page.keyboard.press("Control+s")
        time.sleep(1.5)
        notebook = json.loads(page.request.get(contents).text())["content"]
        code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
        errors = [o for cell in code for o in cell["outputs"] if o["output_type"] == "error"]
        assert not errors, f"Run All raised: {errors[0]['ename']}: {errors[0]['evalue']}"
        if code and all(cell["execution_count"] for cell in code):
            break
        assert time.monotonic() < deadline, "Run All did not finish within 180 s"
    assert [cell["execution_count"] for cell in code] == list(range(1, len(code) + 1))


def test_the_nbgitpuller_link_brings_updates_and_keeps_the_students_edits(hub_page, hub):
    """The link of the instructor guide, after A's edit (lesson 04, run and saved above) and
    an instructor's update to another file."""
    page = hub_page
    log_in(page, hub, STUDENTS["a"])
    api = f"{hub.url}/user/{STUDENTS['a']}/api/contents"
    before = json.loads(page.request.get(f"{api}/{NOTEBOOK_04}?content=1").text())["content"]
    hub.update_course("NEWS.md", "# Week 2\n\nA new case is in lesson 06.\n")
    repo = urllib.parse.quote(hub.env["AML_TEACH_COURSE_REPO"], safe="")
    page.goto(
        f"{hub.url}/hub/user-redirect/git-pull?repo={repo}&branch=main&targetpath=."
        "&urlpath=lab%2Ftree%2Fnotebooks%2F01-start-here.ipynb"
    )
    page.wait_for_url(f"**/user/{STUDENTS['a']}/lab/tree/notebooks/01-start-here.ipynb*")
    news = page.request.get(f"{api}/NEWS.md?content=1")
    assert news.status == 200 and "Week 2" in json.loads(news.text())["content"]
    after = json.loads(page.request.get(f"{api}/{NOTEBOOK_04}?content=1").text())["content"]
    assert after == before  # A's run of lesson 04 (outputs, counts) is still there


def run_menu_command(page, menu: str, item: str) -> None:
    page.locator("#jp-menu-panel").get_by_role("menuitem", name=menu, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def test_idle_servers_are_culled(hub):
    """Nobody is on any more (the pages are closed): both servers stop within the timeout."""
    deadline = time.monotonic() + CULL_TIMEOUT + 6 * CULL_EVERY + 60
    running = list(STUDENTS.values())
    while running and time.monotonic() < deadline:
        running = [name for name in STUDENTS.values() if hub.api(f"/users/{name}")["servers"]]
        time.sleep(2)
    assert not running, f"still running after the idle timeout: {running}\n{hub.tail()}"
    log = hub.log.read_text(errors="replace")
    for name in STUDENTS.values():  # stopped by the culler, not by anything else
        assert f"Culling server {name} " in log and f"DELETE /hub/api/users/{name}/server" in log
    assert not hub.user_pids(), "a culled server left processes behind"


def test_hub_restart_keeps_users(hub_page, hub):
    hub.stop()
    hub.start()
    names = {user["name"] for user in hub.api("/users")}
    assert set(STUDENTS.values()) <= names
    log_in(hub_page, hub, STUDENTS["b"])  # the same password still works after the restart
    assert server_ready(hub, STUDENTS["b"])
