"""The live class scenario of the load harness, for both engines (issues 11 and 12).

``load_class.py --scenario live`` (the Voila mode: every learner a real page, a kernel and
its websocket) and ``load_solara.py --scenario live`` (the Solara engine: every learner a
websocket and a virtual kernel in the one server process) run the same room: the
instructor (a cookie from the link file, as the instructor view) pushes Case 3 and asks a
question; every simulated learner waits for the question, then answers within ``--window``
seconds, some changing their mind once. Checked: the tally equals the learners' final
answers exactly, 0 errors, and the instructor's long-poll (what the instructor view runs)
shows the final count within 2 s of the last answer sent. Each engine's module opens its
learners' pages; this module runs the room, takes part as every learner and checks.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import json
import random
import re
import statistics
import threading
import time
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.harness import pct, table
from benchmarks.voila_pages import HOST, MAX_LEARNERS, _close_tab, _open_page, start_server
from tests.browser.conftest import ARTIFACTS, free_port, stop
from tests.voila_client import KernelSession

SHOW_WITHIN_S = 2.0


@dataclass
class LiveLearner:
    number: int
    final: int | None = None
    sent_at: float = 0.0
    push_s: float | None = None
    error: str | None = None
    counted: bool = False


@dataclass
class Room:
    """What one run's learners share: the instructor's moments, and who is on the page."""

    count: int
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    pushed: asyncio.Event = field(default_factory=asyncio.Event)
    asked: asyncio.Event = field(default_factory=asyncio.Event)
    pushed_at: float = 0.0
    choices: int = 4
    arrived: set[int] = field(default_factory=set)

    def arrive(self, learner: LiveLearner) -> None:
        """On the page (or failed before): once all are, the instructor acts."""
        self.arrived.add(learner.number)
        if len(self.arrived) == self.count:
            self.ready.set()

    def failed(self, learner: LiveLearner, error: Exception) -> None:
        learner.error = f"{type(error).__name__}: {error}"
        self.arrive(learner)


# One learner's whole visit on either engine: (base, learner, room, args); it records any
# failure with ``room.failed`` instead of raising.
Attend = Callable[[str, LiveLearner, Room, argparse.Namespace], Awaitable[None]]


@dataclass
class Instructor:
    """The instructor view's two requests: actions (with XSRF) and the long-polled state."""

    base: str
    opener: urllib.request.OpenerDirector
    xsrf: str
    seen: list[tuple[float, dict]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def from_log(cls, log: Path, base: str) -> Instructor:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            found = re.search(r"open file://(\S+instructor\.html)", log.read_text())
            if found:
                break
            time.sleep(0.5)
        else:
            raise RuntimeError("the server wrote no instructor link")
        html = Path(found.group(1)).read_text()
        link = re.search(r'url=([^"]+)"', html).group(1).replace("&amp;", "&")
        link = link.replace("localhost", HOST)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(link, timeout=60) as response:
            page = response.read().decode()
        xsrf = re.search(r'data-xsrf="([^"]+)"', page).group(1).replace("&#x7C;", "|")
        return cls(base, opener, xsrf.replace("&amp;", "&"))

    def act(self, **action: object) -> None:
        request = urllib.request.Request(
            f"{self.base}aml-live/instructor/action",
            data=json.dumps(action).encode(),
            headers={"Content-Type": "application/json", "X-XSRFToken": self.xsrf},
            method="POST",
        )
        with self.opener.open(request, timeout=60) as response:
            assert json.loads(response.read())["done"]

    def state(self, since: int = -1) -> dict:
        url = f"{self.base}aml-live/instructor/state?since={since}"
        with self.opener.open(url, timeout=60) as response:
            return json.loads(response.read())

    def watch(self) -> None:
        """Long-poll as the instructor view does; note when each new state arrived."""
        version = 0
        while not self._stop.is_set():
            try:
                state = self.state(version)
            except Exception:  # noqa: BLE001 - counted by the caller as a missing final count
                time.sleep(0.2)
                continue
            version = state["version"]
            self.seen.append((time.perf_counter(), state))

    def start(self) -> None:
        threading.Thread(target=self.watch, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()


def _updates(model: str, words: str):
    """A predicate: an update of ``model`` whose data mentions ``words``."""

    def predicate(msg: dict) -> bool:
        return (
            msg.get("msg_type") == "comm_msg"
            and msg["content"].get("comm_id") == model
            and words in json.dumps(msg["content"].get("data", {}))
        )

    return predicate


def _model(session: Any, name: str, css: str) -> str:
    return session.find(name, _dom_classes=[css]) if css else session.find(name)


async def take_part(
    session: Any, learner: LiveLearner, room: Room, timeout: float, window: float, skim=False
) -> None:
    """What every learner does once their page is up, with either engine's client.

    ``session`` has the clients' common calls (``find``, ``update``, ``wait_for``); with
    ``skim`` (the Solara client), messages that do not name the awaited widget are skipped
    unparsed, so that 300 learners' client does not outweigh the server it measures.
    """

    def wait(model: str, words: str) -> Awaitable[dict]:
        skipping = {"mentioning": model} if skim else {}
        return session.wait_for(_updates(model, words), timeout, **skipping)

    radio = session.find("RadioButtonsModel", description="Your answer")
    notice = _model(session, "HTMLModel", "aml-live-notice")
    status = _model(session, "HTMLModel", "aml-live-status")
    room.arrive(learner)
    await room.pushed.wait()
    await wait(notice, "Case 3")
    learner.push_s = time.perf_counter() - room.pushed_at
    await asyncio.wait_for(room.asked.wait(), timeout)
    await wait(radio, "_options_labels")
    final = learner.number % room.choices
    await asyncio.sleep(random.uniform(0, window * 0.8))
    if learner.number % 5 == 0:  # one in five changes their mind once
        await session.update(radio, index=(final + 1) % room.choices)
        await asyncio.sleep(0.3)
    learner.sent_at = time.perf_counter()
    await session.update(radio, index=final)
    learner.final = final
    await wait(status, f"<strong>{'ABCDEFGH'[final]}</strong>")
    learner.counted = True
    await asyncio.sleep(1)


async def _voila_learner(
    base: str, learner: LiveLearner, room: Room, args: argparse.Namespace
) -> None:
    """A Voila page: the page request hands it a kernel; its websocket; the widgets."""
    session = None
    try:
        _, kernel_id, _, xsrf = await asyncio.to_thread(_open_page, base, args.timeout)
        session = await KernelSession.connect(base, kernel_id, timeout=args.timeout)
        await session.request_states(args.timeout)
        await take_part(session, learner, room, args.timeout, args.window)
        await asyncio.to_thread(_close_tab, base, kernel_id, xsrf)
    except Exception as error:  # noqa: BLE001 - every failure is counted and reported
        room.failed(learner, error)
    finally:
        if session is not None:
            await session.close()


async def _room(
    base: str, instructor: Instructor, args: argparse.Namespace, attend: Attend
) -> tuple[list[LiveLearner], int]:
    count = args.learners
    learners = [LiveLearner(i + 1) for i in range(count)]
    room = Room(count)

    async def later(learner: LiveLearner, delay: float) -> None:
        await asyncio.sleep(delay)
        await attend(base, learner, room, args)

    tasks = [
        asyncio.create_task(later(one, args.ramp * i / count)) for i, one in enumerate(learners)
    ]
    await asyncio.wait_for(room.ready.wait(), args.ramp + args.timeout * 2)
    print(f"{len(room.arrived)} learners on their pages; pushing Case 3 and asking q-1 ...")
    room.pushed_at = time.perf_counter()
    await asyncio.to_thread(instructor.act, action="push_case", case="case-3")
    room.pushed.set()
    question = "q-1"
    await asyncio.to_thread(instructor.act, action="ask", question=question)
    room.choices = len((await asyncio.to_thread(instructor.state))["question"]["choices"])
    room.asked.set()
    await asyncio.gather(*tasks)
    return learners, room.choices


@dataclass
class LiveRun:
    """What one live room measured, and the checks."""

    learners: list[LiveLearner]
    expected: list[int]  # the learners' final answers, counted per choice
    tally: list[int]  # the server's, as the instructor sees it at the end
    counted: int  # pages that answered, as the instructor sees it at the end
    shown_after: float | None  # from the last answer sent to the instructor seeing it all
    sent_within: float  # from the first answer sent to the last
    pushes: list[float]  # per page: from the push to the case on the page

    @property
    def errors(self) -> list[LiveLearner]:
        return [one for one in self.learners if one.error]

    @property
    def exact(self) -> bool:
        return self.tally == self.expected and self.counted == sum(self.expected)

    def good(self, window: float) -> bool:
        shown = self.shown_after is not None and self.shown_after <= SHOW_WITHIN_S
        return not self.errors and self.exact and shown and self.sent_within <= window

    def rows(self, args: argparse.Namespace, each: str) -> list[tuple[str, str, str]]:
        pushes = self.pushes
        return [
            ("learners", f"{args.learners} over {args.ramp:g} s", each),
            ("errors", str(len(self.errors)), "must be 0"),
            (
                "push Case 3: on every page (median / p95 / max)",
                f"{statistics.median(pushes):.2f} / {pct(pushes, 0.95):.2f} / {max(pushes):.2f} s"
                if pushes
                else "-",
                "notice and factors, per page",
            ),
            (
                "answers sent within",
                f"{self.sent_within:.1f} s",
                f"window {args.window:g} s; one in five changed their answer once",
            ),
            (
                "tally",
                f"{self.tally} of {self.counted} pages",
                f"expected {self.expected}: {'exact' if self.exact else 'WRONG'}",
            ),
            (
                "instructor view shows the final count",
                "never"
                if self.shown_after is None
                else f"{self.shown_after:.2f} s after the last answer",
                f"must be <= {SHOW_WITHIN_S:g} s",
            ),
        ]

    def print_errors(self) -> None:
        for learner in self.errors[:10]:
            print(f"learner {learner.number}: {learner.error}")


def run_room(base: str, log: Path, args: argparse.Namespace, attend: Attend) -> LiveRun:
    """The instructor (from the server's log) and ``args.learners`` learners, on a server
    that is running; ``attend`` opens a page on its engine. Uses ``learners``, ``ramp``,
    ``window`` and ``timeout`` of ``args``."""
    instructor = Instructor.from_log(log, base)
    instructor.start()
    try:
        learners, choices = asyncio.run(_room(base, instructor, args, attend))
        time.sleep(SHOW_WITHIN_S + 1)
    finally:
        instructor.stop()
    final_state = instructor.state()
    answered = [one for one in learners if one.final is not None]
    expected = [0] * choices
    for one in answered:
        expected[one.final] += 1
    last_sent = max((one.sent_at for one in answered), default=0.0)
    first_sent = min((one.sent_at for one in answered), default=0.0)
    shown_at = next(
        (
            at
            for at, state in instructor.seen
            if state.get("question")
            and state["question"]["tally"] == expected
            and state["question"]["answered"] == len(answered)
        ),
        None,
    )
    return LiveRun(
        learners=learners,
        expected=expected,
        tally=final_state["question"]["tally"],
        counted=final_state["question"]["answered"],
        shown_after=None if shown_at is None else max(shown_at - last_sent, 0.0),
        sent_within=last_sent - first_sent,
        pushes=[one.push_s for one in learners if one.push_s is not None],
    )


def live(args: argparse.Namespace) -> int:
    """The Voila mode's live room (``load_class.py --scenario live``)."""
    if not 1 <= args.learners <= MAX_LEARNERS:
        raise SystemExit(f"--learners must be from 1 to {MAX_LEARNERS}")
    port = free_port()
    base = f"http://{HOST}:{port}/"
    (ARTIFACTS / "server-load.log").unlink(missing_ok=True)
    print(f"Starting the server on {base} (pool {args.pool}) ...")
    server = start_server(port, args.pool, args.cull, "--class")  # a live class needs --class
    try:
        run = run_room(base, server.log, args, _voila_learner)
    finally:
        stop(server.process)
    table(run.rows(args, "each a real page and kernel"))
    run.print_errors()
    return 0 if run.good(args.window) else 1
