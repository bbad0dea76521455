"""What one hostile device cannot do to the class, on both engines (issue 21, items 3-5).

Every "student" here is another loopback address (127.0.0.x, bound as the socket's source
address), as a second laptop on the class Wi-Fi is to the server; the server's own computer
(127.0.0.1) is exempt from the per-device limits, as the instructor's own tabs are.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
import uuid

from aml_teach.classroom.comm_guard import COMMS_PER_PAGE
from aml_teach.classroom.limits import (
    HEADER_TIMEOUT_S,
    LINES_PER_MINUTE,
    NEW_PAGES_AT_LEAST,
    SOURCE,
    TerminalLines,
    connections_per_address,
)
from aml_teach.classroom.solara_engine import DEFAULT_PER_CLIENT
from aml_teach.classroom.voila_engine import DEFAULT_PER_CLIENT as VOILA_PER_CLIENT
from tests.engines import Engine
from tests.page_client import run

PER_CLIENT = {"voila": VOILA_PER_CLIENT, "solara": DEFAULT_PER_CLIENT}


async def _connect_and_close(engine: Engine, page, source: str) -> None:
    """Connect a page that was served, then close its tab (Voila: its kernel goes at once)."""
    learner = await engine.connect(page, page.cookies, source=source)
    learner.visit = page
    await engine.close_tab(learner)


# -- the terminal: one line each, a budget per source ------------------------------------------


def _record(text: str) -> logging.LogRecord:
    return logging.LogRecord("tornado.general", logging.WARNING, __file__, 1, text, None, None)


def test_each_line_is_one_line_and_each_source_has_its_own_budget():
    """A flooding device uses up its own lines a minute, not everyone's."""
    import contextvars

    lines = TerminalLines()

    def shown(source: str, text: str) -> str | None:
        def emit() -> str | None:
            SOURCE.set(source)
            record = _record(text)
            return record.getMessage() if lines.filter(record) else None

        return contextvars.copy_context().run(emit)

    assert shown("10.0.0.9", "a\x1b[31mb\r\nc\u202ed") == "a?[31mb | c?d"
    flood = [shown("10.0.0.66", f"line {n}") for n in range(50)]
    assert sum(1 for line in flood if line) == LINES_PER_MINUTE + 1
    assert "withheld" in flood[LINES_PER_MINUTE]
    assert shown("10.0.0.9", "a real problem") == "a real problem"  # another device's line
    assert shown("server", "the server's own line") == "the server's own line"


# -- new pages: a per-device rate (Voila's kernels, Solara's page builds) -----------------------


def test_one_device_cannot_churn_new_pages(engine_server):
    """Open a page, close it, again (issue 21, item 3): past its burst of new pages a device
    gets a plain 429 page, while another device and this computer still get theirs."""
    engine = engine_server
    burst = max(PER_CLIENT[engine.name], NEW_PAGES_AT_LEAST)

    async def churn() -> int:
        for opened in range(burst + 2):
            page = engine.visit(source="127.0.0.40")
            if page.status == 429:
                assert "Wait a minute" in page.body and "<script" not in page.body
                return opened
            assert page.status == 200, (page.status, page.body[-300:])
            await _connect_and_close(engine, page, "127.0.0.40")
        return burst + 2

    assert run(churn()) == burst
    for source in ("127.0.0.41", "127.0.0.1"):
        page = engine.visit(source=source)
        assert page.status == 200 and engine.is_dashboard(page.body), source
        if page.kernel_id:  # Voila: give the kernel back at once
            run(_connect_and_close(engine, page, source))


# -- slow-loris: idle sockets and half-sent requests --------------------------------------------


def _connect(port: int, source: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
    sock.setblocking(False)
    return sock


def _closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def test_idle_sockets_of_one_address_do_not_stop_another_learner(engine_server):
    """One laptop opening hundreds of idle sockets: past its limit they are closed at once,
    and another learner's page still loads (uvicorn's concurrency limit counted them all)."""
    engine = engine_server
    limit = connections_per_address(PER_CLIENT[engine.name])
    sockets = [_connect(engine.port, "127.0.0.50") for _ in range(limit + 60)]
    try:
        deadline = time.monotonic() + 10
        while True:
            still_open = [s for s in sockets if not _closed_by_server(s)]
            if len(still_open) <= limit or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert len(still_open) <= limit, f"{len(still_open)} idle sockets held (limit {limit})"
        page = engine.visit(source="127.0.0.51")
        assert page.status == 200 and engine.is_dashboard(page.body)
        if page.kernel_id:
            run(_connect_and_close(engine, page, "127.0.0.51"))
    finally:
        for sock in sockets:
            sock.close()


def test_a_half_sent_request_is_closed(engine_server):
    """A request head that never ends holds a socket only ``HEADER_TIMEOUT_S`` seconds."""
    sock = _connect(engine_server.port, "127.0.0.52")
    try:
        sock.send(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        started = time.monotonic()
        while not _closed_by_server(sock):
            assert time.monotonic() - started < HEADER_TIMEOUT_S + 20, "still open"
            time.sleep(0.5)
    finally:
        sock.close()


# -- the Solara engine's comms (the Voila engine's kernels check theirs: comm_guard) ------------


def test_a_solara_page_opens_only_the_comms_it_needs(solara_server):
    """No ``jupyter.widget`` comm (it made widgets in the server's memory: 197 of 60 KB
    from one page), no oversized value, and at most ``COMMS_PER_PAGE`` comms per page."""
    from tests.classroom.solara.client import Learner

    widget = uuid.uuid4().hex

    async def attempt() -> dict:
        learner = await Learner.open(solara_server.url, source="127.0.0.53")
        big = "x" * 60_000
        await learner.send(
            "comm_open",
            {
                "comm_id": widget,
                "target_name": "jupyter.widget",
                "data": {"state": {"_model_name": "HTMLModel", "value": big}, "buffer_paths": []},
            },
        )
        for _ in range(COMMS_PER_PAGE + 10):
            await learner.send(
                "comm_open",
                {"comm_id": uuid.uuid4().hex, "target_name": "solara.control", "data": {}},
            )
        await learner.send("comm_info_request", {})
        reply = await learner.wait_for(lambda m: m.get("msg_type") == "comm_info_reply", 30)
        await learner.close()
        return reply["content"]["comms"]

    comms = run(attempt())
    assert widget not in comms  # the page's own widgets are there; the forged one is not
    controls = [k for k, one in comms.items() if one["target_name"] == "solara.control"]
    assert 1 < len(controls) <= COMMS_PER_PAGE, len(controls)


def test_comm_values_are_bounded_as_in_the_voila_kernels():
    """The same size limits as the Voila engine's comm guard (one place: PageComms)."""
    from aml_teach.classroom.comm_guard import PageComms

    comms = PageComms()

    def msg(kind: str, **content) -> dict:
        return {"header": {"msg_type": kind}, "content": content}

    assert comms.problem(msg("comm_open", comm_id="c1", target_name="solara.control")) is None
    assert comms.problem(msg("comm_open", comm_id="w", target_name="jupyter.widget"))
    update = {"method": "update", "state": {"value": "x" * 60_000}}
    assert comms.problem(msg("comm_msg", comm_id="m1", data=update))
    assert comms.problem(msg("comm_msg", comm_id="m1", data={"method": "shell"}))
    many = {"method": "update", "state": {"value": list(range(10_000))}}
    assert comms.problem(msg("comm_msg", comm_id="m1", data=many))
    fine = {"method": "update", "state": {"value": 61}}
    assert comms.problem(msg("comm_msg", comm_id="m1", data=fine)) is None



def test_the_solara_terminal_says_how_many_learners_are_on(solara_server):
    """Like the Voila engine's status line: the instructor sees learners arrive."""
    from tests.classroom.solara.client import Learner

    async def one_on() -> None:
        learner = await Learner.open(solara_server.url, source="127.0.0.54")
        try:
            deadline = time.monotonic() + 20
            while "[class] learners on: 1 of" not in solara_server.log_text():
                assert time.monotonic() < deadline, solara_server.log_text()[-500:]
                await asyncio.sleep(0.2)
        finally:
            await learner.close()

    run(one_on())


def test_pages_a_device_leaves_open_are_at_most_its_cap():
    """A script opening page after page and dropping each without the close beacon: past
    the device's page cap its oldest pages are closed at once (not kept 5 minutes each)."""
    from tests.classroom.solara.client import Learner
    from tests.classroom.solara.servers import start_solara, stop

    server = start_solara("left-open", "--max-per-client", "2")

    async def drop_pages() -> None:
        for _ in range(4):  # within the device's new-page budget (5)
            learner = await Learner.open(server.url, source="127.0.0.55")
            await learner.close()  # the websocket only: no beacon

    try:
        run(drop_pages())
        deadline = time.monotonic() + 20
        while "left open past its page cap" not in server.log_text():
            assert time.monotonic() < deadline, server.log_text()[-500:]
            time.sleep(0.2)
    finally:
        stop(server.process)
