"""The Solara engine's own class-mode guarantees (each test against a real ``serve --engine
solara`` server): localhost only unless asked, its assets served, learners isolated in one
process, the caps, the idle cull. The guarantees both engines share (host names, the token,
only the page served, no code execution, the plain-message guard, other sites' websockets,
nothing a learner enters in the terminal) are tested on both in
tests/classroom/test_classroom_guarantees.py."""

from __future__ import annotations

import asyncio
import re
import time

import psutil
import pytest
import websockets

from aml_teach.classroom.limits import LINES_PER_MINUTE
from tests.page_client import request

from .client import Learner, is_update_of, run
from .servers import ROOT, start_solara, stop


def test_it_listens_on_this_computer_only(solara_server):
    listening = [
        c.laddr.ip
        for c in psutil.Process(solara_server.process.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening and all(ip in ("127.0.0.1", "::1") for ip in listening), listening


def test_the_page_and_its_assets_are_served(solara_server):
    status, _, body = request(solara_server.port, "GET", "/")
    assert status == 200
    status, _, script = request(
        solara_server.port, "GET", "/_solara/cdn/@widgetti/solara-vuetify-app@10.1.1/dist/main8.css"
    )
    assert status == 200 and len(script) > 1000


def test_two_learners_are_isolated(solara_server):
    """Two virtual kernels in one process: separate widgets, separate values, no cross-talk."""

    async def attempt():
        a = await Learner.open(solara_server.url)
        b = await Learner.open(solara_server.url)
        assert not set(a.states) & set(b.states), "two learners share widget models"
        region_a, region_b = a.options_region(), b.options_region()
        flt3_a = a.find_by_description("FLT3 mutation")
        await a.update(flt3_a, value=True)
        changed = await a.wait_for(is_update_of({region_a}), 60)
        with pytest.raises(TimeoutError):
            await b.wait_for(lambda m: m.get("msg_type") == "comm_msg", 3)
        # a hostile learner names the other learner's widget: nothing happens to the other
        await a.update(b.find_by_description("FLT3 mutation"), value=True)
        with pytest.raises(TimeoutError):
            await b.wait_for(is_update_of({region_b}), 3)
        flt3_b = b.states[b.find_by_description("FLT3 mutation")]["state"]["value"]
        await b.update(b.find_by_description("Fit for intensive chemotherapy"), value=False)
        other = await b.wait_for(is_update_of({region_b}), 60)
        await a.close()
        await b.close()
        return changed, other, flt3_b

    changed, other, flt3_b = run(attempt())
    assert "gilteritinib" in changed["content"]["data"]["state"]["value"].lower()
    assert flt3_b is False
    assert "gilteritinib" not in other["content"]["data"]["state"]["value"].lower()


def test_a_websocket_beyond_the_caps_is_refused_until_a_page_closes():
    """The caps' plain pages are tested on both engines (test_classroom_guarantees.py); here,
    a page that skips the page request and opens the websocket is held to the caps too."""
    server = start_solara("caps", "--max-learners", "3", "--max-per-client", "2")

    async def attempt():
        first = [await Learner.open(server.url, source="127.0.0.2") for _ in range(2)]
        with pytest.raises(websockets.InvalidStatus) as refused:
            await Learner.connect(server.url, {}, source="127.0.0.2")
        assert refused.value.response.status_code == 403
        third = await Learner.open(server.url, source="127.0.0.3")
        with pytest.raises(websockets.InvalidStatus):
            await Learner.connect(server.url, {}, source="127.0.0.4")  # the class is full
        await first[0].close()
        deadline = time.monotonic() + 20
        while True:
            try:
                fourth = await Learner.open(server.url, cookies={}, source="127.0.0.4")
                break
            except websockets.InvalidStatus:
                assert time.monotonic() < deadline, "a closed page did not free its place"
                await asyncio.sleep(0.2)
        for learner in (first[1], third, fourth):
            await learner.close()

    try:
        run(attempt())
    finally:
        stop(server.process)


def test_an_idle_learner_is_culled_and_cannot_resume_that_page():
    server = start_solara("cull", "--cull-idle", "2")

    async def attempt():
        idle = await Learner.open(server.url)
        idle_since = time.monotonic()  # its last message to the server was before this
        busy = await Learner.open(server.url)
        region = busy.options_region()
        fit = busy.find_by_description("Fit for intensive chemotherapy")
        started = time.monotonic()
        closed = False
        value = True
        while time.monotonic() - started < 20 and not closed:
            value = not value
            await busy.update(fit, value=value)  # the busy learner keeps working
            await busy.wait_for(is_update_of({region}), 30)
            try:  # read all the idle page got (a culled page first gets a comm_close per
                # widget), so the busy learner clicks about twice a second, as a person would
                while not closed:
                    closed = await idle.next_message(0.5) is None
            except TimeoutError:
                pass
        culled_after = time.monotonic() - idle_since
        with pytest.raises(websockets.InvalidStatus):
            await Learner.connect(server.url, {}, kernel_id=idle.kernel_id)
        await busy.close()
        await asyncio.sleep(4)  # several rounds of the cull (one a second here)
        return closed, culled_after

    try:
        closed, culled_after = run(attempt())
    finally:
        stop(server.process)
    assert closed, "the idle learner's page was not culled within 20 s"
    assert culled_after >= 1.5, culled_after
    # one line for the instructor when it happened, not one every round after it
    totals = [int(n) for n in re.findall(r"closed (\d+) idle learner page", server.log_text())]
    assert totals == sorted(set(totals)), totals


def test_bad_data_stops_the_solara_server_with_the_problem(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "aml_teach", "serve", "--engine", "solara", "--no-browser",
         "--data", str(tmp_path / "no-such-folder")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Not starting: the teaching data" in result.stderr


def test_a_learner_cannot_write_to_the_terminal(solara_server):
    """Solara logs some values a page sends (an unknown control method, an unknown message
    kind): the gate refuses an unknown control method before Solara sees it, so neither a
    line nor the text reaches the projected terminal, and the page keeps working."""
    secret = "TYPED-BY-A-STUDENT 73193"

    async def attempt():
        learner = await Learner.open(solara_server.url, source="127.0.0.7")
        await learner.send(
            "comm_msg", {"comm_id": learner.control, "data": {"method": secret, "args": {}}}
        )
        await learner.send(
            "comm_msg", {"comm_id": learner.control, "data": {"method": "app-status"}}
        )
        reply = await learner.wait_for(
            lambda m: m.get("content", {}).get("data", {}).get("method") == "app-status", 30
        )
        await learner.close()
        return reply

    assert run(attempt())["content"]["data"]["started"] is True
    time.sleep(1)
    log = solara_server.log_text()
    assert "Unknown comm method" not in log  # refused by the gate (comm_guard.PageComms)
    assert secret not in log and "TYPED-BY" not in log


def test_a_page_cannot_fill_the_terminal():
    """Each message Solara cannot use is a line in the terminal (a traceback for some): one
    page sending them would scroll the projected terminal away. At most ``LINES_PER_MINUTE``
    lines a minute about one device are shown, then a note that more were withheld; a
    comm to a target the page does not use is refused before Solara sees it (no line)."""
    server = start_solara("noisy")

    async def attempt():
        learner = await Learner.open(server.url, source="127.0.0.10")
        for i in range(20):  # refused by the gate: no line at all (all within the burst)
            await learner.send("comm_open", {"comm_id": f"c{i}", "target_name": "x", "data": {}})
        for _ in range(LINES_PER_MINUTE + 5):  # an unknown app: an error line from Solara
            await learner.send(
                "comm_msg",
                {"comm_id": learner.control, "data": {"method": "run", "args": {"appName": "x"}}},
            )
        await learner.send("kernel_info_request", {})  # after all the rest: all were read
        await learner.wait_for(lambda m: m.get("msg_type") == "kernel_info_reply", 30)
        await learner.close()

    try:
        run(attempt())
        time.sleep(1)
    finally:
        stop(server.process)
    lines = [line for line in server.log_text().splitlines() if line.startswith("[aml-teach")]
    assert len(lines) == LINES_PER_MINUTE + 1, lines
    assert "more lines about one device withheld" in lines[-1], lines[-1]
