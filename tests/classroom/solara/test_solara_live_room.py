"""Live class mode on the Solara engine, driven by the load harness's own room.

``benchmarks/load_solara.py --scenario live`` with five learners against a real
``serve --engine solara --class`` server: the instructor (from the link file) pushes Case 3
and asks q-1, every learner answers over the websocket, one changes their mind. A sixth,
dishonest learner opens a page, answers A, closes it, and again (issue 21, item 2): their
device's answers count for at most its page cap. The room's tally must be the learners'
final answers exactly; this also keeps the harness from rotting.
"""

from __future__ import annotations

import argparse
import asyncio
from concurrent.futures import ThreadPoolExecutor

from benchmarks.load_live import LiveLearner, Room, _model, _updates, take_part
from tests.classroom.solara.client import Learner

from .servers import start_solara, stop

HONEST = 5
DISHONEST_PAGES = 4  # one after the other from one device (its new-page budget is 5)


async def reopen(base: str, timeout: float) -> Learner:
    """The dishonest device's next page, once the server has seen its last one close (its
    one place is taken until then: a "close a tab" page)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            return await Learner.open(base, source="127.0.0.66")
        except Exception:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)


async def attend(base: str, learner: LiveLearner, room: Room, args: argparse.Namespace) -> None:
    """Learners 1-5 are honest, each on a device of their own; learner 6 stuffs the tally."""
    try:
        if learner.number <= HONEST:
            page = await Learner.open(base, source=f"127.0.0.{20 + learner.number}")
            try:
                await take_part(page, learner, room, args.timeout, args.window, skim=True)
            finally:
                await page.close()
            return
        room.arrive(learner)
        await room.asked.wait()
        for _ in range(DISHONEST_PAGES):  # open, answer A, close; again
            page = await reopen(base, args.timeout)
            try:
                radio = page.find("RadioButtonsModel", description="Your answer")
                status = _model(page, "HTMLModel", "aml-live-status")
                if not page.states.get(radio, {}).get("_options_labels"):
                    await page.wait_for(_updates(radio, "_options_labels"), args.timeout)
                await page.update(radio, index=0)
                await page.wait_for(_updates(status, "<strong>A</strong>"), args.timeout)
            finally:
                await page.close()
        learner.final, learner.counted = 0, True  # the device's one counted answer
    except Exception as error:  # noqa: BLE001 - reported by the harness
        room.failed(learner, error)


def test_five_learners_answer_and_the_tally_is_exact():
    # one page per device: the dishonest device's four pages may count once
    server = start_solara("live-room", "--class", "--max-per-client", "1")
    args = argparse.Namespace(learners=HONEST + 1, ramp=1.0, window=3.0, timeout=60.0)
    try:
        from benchmarks.load_live import run_room

        # its own thread: the harness runs its own event loop (asyncio.run), which is not
        # allowed where Playwright's loop runs (the browser tests' session)
        with ThreadPoolExecutor(max_workers=1) as pool:
            run = pool.submit(run_room, server.url, server.log, args, attend).result()
    finally:
        stop(server.process)
    assert [one.error for one in run.learners] == [None] * (HONEST + 1)
    assert all(one.counted for one in run.learners)  # each page showed its pick as counted
    # learner n answers n % 4; learner 5 first picked another choice, then changed their
    # mind; the dishonest device answered A on four pages and counts once
    assert run.expected == [2, 2, 1, 1]
    assert run.tally == [2, 2, 1, 1] and run.counted == 6
    assert len(run.pushes) == 5  # the pushed case reached every honest page
    assert run.shown_after is not None  # the instructor's long poll saw the final count
