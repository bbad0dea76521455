"""One page flooding the Solara engine, or one device starting pages, is held back; the
rest of the class is served.

In the Solara mode every learner's messages are handled by one process, so a page that
sends widget updates as fast as it can would slow everyone: each page gets the same
message budget as in the Voila mode (``aml_teach.classroom.limits``), and a page that keeps
exceeding it is disconnected and may not reconnect for ``COOL_DOWN_S`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
import websockets

from aml_teach.classroom.limits import (
    COOL_DOWN_S,
    MAX_MESSAGE_BYTES,
    MESSAGE_BURST,
    MESSAGE_RATE,
    TOO_FAST,
)
from aml_teach.classroom.solara_server import CLOSE_WAIT_S

from .client import Learner, fetch_page, is_update_of, run
from .servers import start_solara, stop

FIT = "Fit for intensive chemotherapy"


async def _closed_code(learner: Learner, seconds: float) -> int | None:
    """Read until the server closes the socket (its close code) or ``seconds`` pass (None)."""
    try:
        while await learner.next_message(seconds) is not None:
            pass
    except TimeoutError:
        return None
    return learner.ws.close_code


def test_a_flooding_page_is_closed_and_the_others_are_served(solara_server):
    url = solara_server.url

    async def attempt():
        cookies = (await asyncio.to_thread(fetch_page, url)).cookies
        attacker = await Learner.open(url, cookies=cookies)
        other = await Learner.open(url)
        fit = attacker.find_by_description(FIT)
        for i in range(400):
            try:
                await attacker.update(fit, value=bool(i % 2))
            except websockets.ConnectionClosed:
                break
        closed = await _closed_code(attacker, 30)
        # the same page may not come straight back ...
        with pytest.raises(websockets.InvalidStatus):
            await Learner.connect(url, cookies, kernel_id=attacker.kernel_id)
        region = other.options_region()
        await other.update(other.find_by_description("FLT3 mutation"), value=True)
        served = await other.wait_for(is_update_of({region}), 30, mentioning=region)
        await other.close()
        # ... but after the cool-down it may, with its page as it was
        await asyncio.sleep(COOL_DOWN_S + 1)
        back = await Learner.connect(url, cookies, kernel_id=attacker.kernel_id)
        mine = attacker.options_region()
        await back.update(attacker.find_by_description("FLT3 mutation"), value=True)
        again = await back.wait_for(is_update_of({mine}), 30, mentioning=mine)
        await back.close()
        return closed, served, again, attacker.kernel_id

    closed, served, again, kernel_id = run(attempt())
    assert closed == 1008
    assert "gilteritinib" in served["content"]["data"]["state"]["value"].lower()
    assert "gilteritinib" in again["content"]["data"]["state"]["value"].lower()
    log = solara_server.log_text()
    assert "closed a learner's connection that sent too many messages" in log
    assert "Traceback" not in log and kernel_id not in log


def test_a_page_within_its_budget_is_never_cut_off(solara_server):
    """A learner clicking quickly (20 changes, 5 a second) gets every update."""

    async def attempt():
        learner = await Learner.open(solara_server.url)
        region = learner.options_region()
        flt3 = learner.find_by_description("FLT3 mutation")
        seen = []
        for i in range(20):
            await learner.update(flt3, value=i % 2 == 0)
            update = await learner.wait_for(is_update_of({region}), 30, mentioning=region)
            seen.append("gilteritinib" in update["content"]["data"]["state"]["value"].lower())
            await asyncio.sleep(0.2)
        await learner.close()
        return seen

    assert run(attempt()) == [i % 2 == 0 for i in range(20)]


def test_an_oversized_message_is_dropped_and_the_page_keeps_working(solara_server):
    async def attempt():
        learner = await Learner.open(solara_server.url)
        region = learner.options_region()
        age = learner.find_by_description("Age (years)")
        await learner.update(age, value="9" * (MAX_MESSAGE_BYTES + 10))
        with pytest.raises(TimeoutError):
            await learner.wait_for(is_update_of({region}), 5, mentioning=region)
        await learner.update(learner.find_by_description("FLT3 mutation"), value=True)
        served = await learner.wait_for(is_update_of({region}), 30, mentioning=region)
        await learner.close()
        return served

    assert "gilteritinib" in run(attempt())["content"]["data"]["state"]["value"].lower()


def test_a_device_starting_pages_too_fast_must_wait_and_others_are_served():
    """Building a page is the costliest request: a device may start its tab limit at once,
    then that many a minute (here 6: one every 10 s); reconnecting an open page is free."""
    server = start_solara("opens", "--max-per-client", "6")
    url, fast = server.url, "127.0.0.5"

    async def attempt():
        cookies = (await asyncio.to_thread(fetch_page, url, "/", None, fast)).cookies
        kept = await Learner.open(url, source=fast, cookies=cookies)
        for _ in range(5):  # open and close: never more than 2 tabs, but 6 new pages
            page = await Learner.open(url, source=fast, cookies=cookies)
            await page.close()
        refused = await asyncio.to_thread(fetch_page, url, "/", None, fast)
        with pytest.raises(websockets.InvalidStatus):
            await Learner.open(url, source=fast, cookies=cookies)
        other = await Learner.open(url, source="127.0.0.6")  # another device is served
        await other.close()
        await kept.close()  # its page reconnects (a network blip): not a new page
        await asyncio.sleep(1)
        again = await Learner.connect(url, cookies, source=fast, kernel_id=kept.kernel_id)
        region = kept.options_region()
        await again.update(kept.find_by_description("FLT3 mutation"), value=True)
        await again.wait_for(is_update_of({region}), 30, mentioning=region)
        await again.close()
        await asyncio.sleep(11)  # one new page's worth of budget is back
        later = await Learner.open(url, source=fast, cookies=cookies)
        await later.close()
        return refused

    try:
        refused = run(attempt())
    finally:
        stop(server.process)
    assert refused.status == 429, refused.status
    assert TOO_FAST in refused.body.replace("&#x27;", "'")


def test_a_script_that_ignores_the_close_is_cut_off_soon(solara_server):
    """A flooding script that never answers the server's close is not read for 10 s more
    (uvicorn's wait, parsing every frame it sends): its connection ends ``CLOSE_WAIT_S`` on."""

    async def attempt() -> float:
        learner = await Learner.open(solara_server.url)
        fit = learner.find_by_description(FIT)
        started = time.monotonic()
        sent = 0
        try:
            while time.monotonic() - started < 30:
                await learner.update(fit, value=bool(sent % 2))  # never reads: ignores the close
                sent += 1
                if sent % 500 == 0:
                    await asyncio.sleep(0)
        except websockets.ConnectionClosed:
            pass
        return time.monotonic() - started

    lasted = run(attempt())
    assert lasted < CLOSE_WAIT_S + 4, f"the flooding connection lasted {lasted:.1f} s"


def test_reconnecting_does_not_refill_a_page_s_budget(solara_server):
    """The budget belongs to the page, not to one connection: a script that spends it and
    reconnects to the same page gets no more served than if it had stayed (its burst and
    ``MESSAGE_RATE`` a second since it opened)."""
    url, device = solara_server.url, "127.0.0.8"

    def is_reply(m: dict) -> bool:
        return m.get("msg_type") == "kernel_info_reply"

    async def attempt() -> tuple[int, float]:
        cookies = (await asyncio.to_thread(fetch_page, url, "/", None, device)).cookies
        started = time.monotonic()
        first = await Learner.open(url, cookies=cookies, source=device)  # 3 messages
        for _ in range(30):  # the cheapest message a page may send
            await first.send("kernel_info_request", {})
        for _ in range(30):
            await first.wait_for(is_reply, 30)
        await first.close()
        while True:  # until the server has seen the first connection go
            try:
                again = await Learner.connect(
                    url, cookies, source=device, kernel_id=first.kernel_id
                )
                break
            except websockets.InvalidStatus:
                assert time.monotonic() - started < 30, "the page could not reconnect"
                await asyncio.sleep(0.05)
        for _ in range(80):
            await again.send("kernel_info_request", {})
        served, last = 3 + 30, time.monotonic()
        with contextlib.suppress(TimeoutError, ConnectionError):
            while await again.wait_for(is_reply, 3):
                served, last = served + 1, time.monotonic()
        await again.close()
        return served, last - started

    served, seconds = run(attempt())
    assert served <= MESSAGE_BURST + MESSAGE_RATE * seconds + 1, (served, seconds)
