"""The live class scenario of the load harness (``load_class.py --scenario live``, issue 11).

The instructor (a cookie from the link file, as the instructor view) pushes Case 3 and asks
a question; every simulated learner (a real page: a kernel, its websocket, the widgets)
waits for the question, then answers within ``--window`` seconds, some changing their mind
once. Checked: the tally equals the learners' final answers exactly, 0 errors, and the
instructor's long-poll (what the instructor view runs) shows the final count within 2 s of
the last answer sent.
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
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.load_class import HOST, MAX_LEARNERS, _close_tab, _open_page, pct, start_server
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


def _model(session: KernelSession, name: str, css: str) -> str:
    return session.find(name, _dom_classes=[css]) if css else session.find(name)


async def _learner(
    base: str,
    learner: LiveLearner,
    delay: float,
    ready: asyncio.Event,
    asked: asyncio.Event,
    pushed: asyncio.Event,
    timing: dict,
    window: float,
    timeout: float,
    arrived: list,
) -> None:
    session = None
    try:
        await asyncio.sleep(delay)
        _, kernel_id, _, xsrf = await asyncio.to_thread(_open_page, base, timeout)
        session = await KernelSession.connect(base, kernel_id, timeout=timeout)
        await session.request_states(timeout)
        radio = session.find("RadioButtonsModel", description="Your answer")
        notice = _model(session, "HTMLModel", "aml-live-notice")
        status = _model(session, "HTMLModel", "aml-live-status")
        arrived.append(learner.number)
        if len(arrived) == timing["count"]:
            ready.set()

        def updates(model: str, words: str):
            def predicate(msg: dict) -> bool:
                return (
                    msg.get("msg_type") == "comm_msg"
                    and msg["content"].get("comm_id") == model
                    and words in json.dumps(msg["content"].get("data", {}))
                )

            return predicate

        await pushed.wait()
        await session.wait_for(updates(notice, "Case 3"), timeout)
        learner.push_s = time.perf_counter() - timing["pushed_at"]
        await asyncio.wait_for(asked.wait(), timeout)
        await session.wait_for(updates(radio, "_options_labels"), timeout)
        choices = timing["choices"]
        final = learner.number % choices
        await asyncio.sleep(random.uniform(0, window * 0.8))
        if learner.number % 5 == 0:  # one in five changes their mind once
            await session.update(radio, index=(final + 1) % choices)
            await asyncio.sleep(0.3)
        learner.sent_at = time.perf_counter()
        await session.update(radio, index=final)
        learner.final = final
        letter = "ABCDEFGH"[final]
        await session.wait_for(updates(status, f"<strong>{letter}</strong>"), timeout)
        learner.counted = True
        await asyncio.sleep(1)
        await asyncio.to_thread(_close_tab, base, kernel_id, xsrf)
    except Exception as error:  # noqa: BLE001 - every failure is counted and reported
        learner.error = f"{type(error).__name__}: {error}"
        arrived.append(-learner.number)
        if len(arrived) == timing["count"]:
            ready.set()
    finally:
        if session is not None:
            await session.close()


async def _room(base: str, instructor: Instructor, args: argparse.Namespace) -> tuple:
    count = args.learners
    learners = [LiveLearner(i + 1) for i in range(count)]
    ready, asked, pushed = asyncio.Event(), asyncio.Event(), asyncio.Event()
    timing: dict = {"count": count, "choices": 4}
    arrived: list = []
    tasks = [
        asyncio.create_task(
            _learner(
                base,
                one,
                args.ramp * i / count,
                ready,
                asked,
                pushed,
                timing,
                args.window,
                args.timeout,
                arrived,
            )
        )
        for i, one in enumerate(learners)
    ]
    await asyncio.wait_for(ready.wait(), args.ramp + args.timeout * 2)
    print(f"{len(arrived)} learners on their pages; pushing Case 3 and asking q-1 ...")
    timing["pushed_at"] = time.perf_counter()
    await asyncio.to_thread(instructor.act, action="push_case", case="case-3")
    pushed.set()
    question = "q-1"
    await asyncio.to_thread(instructor.act, action="ask", question=question)
    timing["choices"] = len((await asyncio.to_thread(instructor.state))["question"]["choices"])
    asked.set()
    await asyncio.gather(*tasks)
    return learners, timing


def live(args: argparse.Namespace) -> int:
    if not 1 <= args.learners <= MAX_LEARNERS:
        raise SystemExit(f"--learners must be from 1 to {MAX_LEARNERS}")
    port = free_port()
    base = f"http://{HOST}:{port}/"
    (ARTIFACTS / "server-load.log").unlink(missing_ok=True)
    print(f"Starting the server on {base} (pool {args.pool}) ...")
    server = start_server(port, args.pool, args.cull)
    try:
        instructor = Instructor.from_log(server.log, base)
        instructor.start()
        learners, timing = asyncio.run(_room(base, instructor, args))
        time.sleep(SHOW_WITHIN_S + 1)
        instructor.stop()
        final_state = instructor.state()
    finally:
        stop(server.process)
    errors = [one for one in learners if one.error]
    answered = [one for one in learners if one.final is not None]
    expected = [0] * timing["choices"]
    for one in answered:
        expected[one.final] += 1
    tally = final_state["question"]["tally"]
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
    shown_after = None if shown_at is None else max(shown_at - last_sent, 0.0)
    pushes = [one.push_s for one in learners if one.push_s is not None]
    exact = tally == expected and final_state["question"]["answered"] == len(answered)
    rows = [
        ("learners", f"{args.learners} over {args.ramp:g} s", "each a real page and kernel"),
        ("errors", str(len(errors)), "must be 0"),
        (
            "push Case 3: on every page (median / p95 / max)",
            f"{statistics.median(pushes):.2f} / {pct(pushes, 0.95):.2f} / {max(pushes):.2f} s"
            if pushes
            else "-",
            "notice and factors, per page",
        ),
        (
            "answers sent within",
            f"{last_sent - first_sent:.1f} s",
            f"window {args.window:g} s; one in five changed their answer once",
        ),
        (
            "tally",
            f"{tally} of {final_state['question']['answered']} pages",
            f"expected {expected}: {'exact' if exact else 'WRONG'}",
        ),
        (
            "instructor view shows the final count",
            "never" if shown_after is None else f"{shown_after:.2f} s after the last answer",
            f"must be <= {SHOW_WITHIN_S:g} s",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n| {'measure':<{width}} | value | note |\n|{'-' * (width + 2)}|---|---|")
    for name, value, note in rows:
        print(f"| {name:<{width}} | {value} | {note} |")
    for learner in errors[:10]:
        print(f"learner {learner.number}: {learner.error}")
    good = not errors and exact and shown_after is not None and shown_after <= SHOW_WITHIN_S
    window_ok = last_sent - first_sent <= args.window
    return 0 if good and window_ok else 1
