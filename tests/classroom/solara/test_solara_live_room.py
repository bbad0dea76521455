"""Live class mode on the Solara engine, driven by the load harness's own room.

``benchmarks/load_solara.py --scenario live`` with five learners against a real
``serve --engine solara`` server: the instructor (from the link file) pushes Case 3 and asks
q-1, every learner answers over the websocket, one changes their mind. The room's tally must
be the learners' final answers exactly; this also keeps the harness from rotting.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor

from benchmarks.load_solara import live_room

from .servers import start_solara, stop


def test_five_learners_answer_and_the_tally_is_exact():
    server = start_solara("live-room")
    args = argparse.Namespace(learners=5, ramp=1.0, window=3.0, timeout=60.0)
    try:
        # its own thread: the harness runs its own event loop (asyncio.run), which is not
        # allowed where Playwright's loop runs (the browser tests' session)
        with ThreadPoolExecutor(max_workers=1) as pool:
            run = pool.submit(live_room, server, args).result()
    finally:
        stop(server.process)
    assert [one.error for one in run.learners] == [None] * 5
    assert all(one.counted for one in run.learners)  # each page showed its pick as counted
    # learner n answers n % 4; learner 5 first picked another choice, then changed their mind
    assert run.expected == [1, 2, 1, 1]
    assert run.tally == [1, 2, 1, 1] and run.counted == 5
    assert len(run.pushes) == 5  # the pushed case reached every page
    assert run.shown_after is not None  # the instructor's long poll saw the final count
