"""A lecture hall on one laptop: simulated learners against ``serve --engine solara``.

Each learner does what Solara's page does (tests/classroom/solara/client.py): GET the page, open the
kernel websocket, run the app and receive the whole page, then change patient factors a few
times and wait for the options region to update. Learners come from different loopback
addresses (127.0.0.2, .3, ...), a few per address, as a room's devices do, so the server's
per-client cap applies as in class.

    .venv/bin/python benchmarks/load_solara.py                       # 300 learners over 120 s
    .venv/bin/python benchmarks/load_solara.py --learners 60 --ramp 60 --compare-voila
    .venv/bin/python benchmarks/load_solara.py --scenario live       # 60 answer a question
    .venv/bin/python benchmarks/load_solara.py --scenario hostile    # one device floods

With ``--compare-voila`` the same learners then visit the Voila mode (benchmarks/load_class.py's
learners), in the same run, for the side-by-side table of the instructor guide. The worst
dashboard callback's CPU time is measured in this process first (``App()`` alone).

``--scenario live`` runs live class mode's room instead (benchmarks/load_live.py, as
``load_class.py --scenario live`` does for the Voila mode): the instructor pushes Case 3
and asks a question, every learner answers within ``--window`` seconds; the tally must be
exact, with 0 errors, and the instructor must see the final count within 2 s.

It starts its own servers (the README's serve command) on free ports, sends traffic only to
127.0.0.1/8, is bounded in learners and time, stops what it started, and exits 1 on any error
or a missed target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.harness import Memory, change_factors, pct, table, timed_updates  # noqa: E402
from benchmarks.load_live import LiveLearner, Room, run_room, take_part  # noqa: E402
from benchmarks.procinfo import tree  # noqa: E402
from tests.browser.conftest import free_port, stop  # noqa: E402
from tests.classroom.solara.client import Learner  # noqa: E402
from tests.classroom.solara.servers import SolaraServer, start_solara  # noqa: E402

MAX_LEARNERS = 400
MAX_SECONDS = 1800
PER_ADDRESS = 8  # learners per loopback address (the server allows 12)


@dataclass
class Visit:
    number: int
    usable_s: float | None = None
    updates_s: list[float] = field(default_factory=list)
    error: str | None = None


async def visit(base: str, one: Visit, changes: int, timeout: float, stay: float) -> None:
    """One learner's visit; any failure is recorded as that learner's error."""
    learner = None
    source = f"127.0.0.{2 + one.number // PER_ADDRESS}"
    try:
        start = time.perf_counter()
        learner = await Learner.open(base, source=source, timeout=timeout)
        one.usable_s = time.perf_counter() - start
        await change_factors(learner, one.number, changes, timeout, one.updates_s)
        await asyncio.sleep(stay)
    except Exception as error:  # noqa: BLE001 - every failure is counted and reported
        one.error = f"{type(error).__name__}: {error}"
    finally:
        if learner is not None:
            await learner.close()


@dataclass
class LoopLag:
    """How late this harness's own event loop wakes up: the client's share of a latency."""

    lags: list[float] = field(default_factory=list)

    async def watch(self, until: asyncio.Event) -> None:
        while not until.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.05)
            self.lags.append(time.perf_counter() - start - 0.05)


async def hall(
    base: str, count: int, ramp: float, changes: int, timeout: float, stay: float, lag: LoopLag
):
    visits = [Visit(i) for i in range(count)]
    done = asyncio.Event()
    watcher = asyncio.create_task(lag.watch(done))

    async def later(one: Visit, delay: float) -> None:
        await asyncio.sleep(delay)
        await visit(base, one, changes, timeout, stay)

    await asyncio.gather(*(later(one, ramp * i / count) for i, one in enumerate(visits)))
    done.set()
    await watcher
    return visits


def callback_cpu() -> tuple[float, float, float, str]:
    """CPU ms of ``App()`` and of its callbacks (median, worst), in this process."""
    from aml_teach.app.dashboard import App

    started = time.process_time()
    app = App()
    build_ms = (time.process_time() - started) * 1000
    factors = app.factors
    boxes = [factors.fit, factors.cns, factors.donor, factors.prior_transplant]
    boxes += list(factors.markers.values())
    timings: list[tuple[float, str]] = []

    def timed(label: str, action) -> None:
        start = time.process_time()
        action()
        timings.append(((time.process_time() - start) * 1000, label))

    for _ in range(5):
        timed("age", lambda: setattr(factors.age, "value", 40 + factors.age.value % 50))
        timed("disease", lambda: setattr(factors.disease, "index", 1 - factors.disease.index))
        timed(
            "prior",
            lambda: setattr(factors.prior, "index", (0, 1)[: len(factors.prior.index) % 2 + 1]),
        )
        timed("excluded", lambda: setattr(app.show_excluded, "value", not app.show_excluded.value))
        for box in boxes:
            timed(box.description, lambda box=box: setattr(box, "value", not box.value))
        for index in range(1, len(factors.case.options)):
            timed(f"case {index}", lambda index=index: setattr(factors.case, "index", index))
    values = sorted(t for t, _ in timings)
    worst = max(timings)
    return build_ms, statistics.median(values), worst[0], worst[1]


def voila_side(learners: int, ramp: float, changes: int, timeout: float, stay: float) -> dict:
    """The same learners against the Voila mode (benchmarks/load_class.py's harness)."""
    from benchmarks.load_class import Sampler, classroom, single, start_server

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    server = start_server(port, 4, 60)
    sampler = Sampler(server.process.pid)
    sampler.start()
    try:
        time.sleep(5)
        alone = asyncio.run(single(base, changes, timeout))
        visits = asyncio.run(classroom(base, learners, ramp, changes, timeout, stay))
    finally:
        sampler.stop()
        stop(server.process)
    usable = [v.usable_s for v in visits if v.usable_s is not None]
    updates = [u for v in visits for u in v.updates_s]
    return {
        "errors": sum(1 for v in visits if v.error),
        "memory": sampler.peak_server_mb + sampler.peak_kernels_mb,
        "usable": (statistics.median(usable), pct(usable, 0.95)) if usable else (0, 0),
        "updates": (statistics.median(updates), pct(updates, 0.95)) if updates else (0, 0),
        "alone": (alone.usable_s, statistics.median(alone.updates_s)),
    }


def memory_rows(idle_mb: float, peak_mb: float, learners: int) -> list[tuple[str, str, str]]:
    """The server's memory with one learner (after a warm-up page), at the peak, and per
    additional learner."""
    return [
        ("server memory, one learner", f"{idle_mb:.0f} MB", "baseline"),
        ("server memory, peak", f"{peak_mb:.0f} MB", "target < 1024 MB"),
        (
            "memory per additional learner",
            f"{(peak_mb - idle_mb) / max(learners - 1, 1):.2f} MB",
            "",
        ),
    ]


async def live_learner(
    base: str, learner: LiveLearner, room: Room, args: argparse.Namespace
) -> None:
    """A Solara page in live class mode: the page, its websocket and virtual kernel, the app."""
    page = None
    source = f"127.0.0.{2 + learner.number // PER_ADDRESS}"
    try:
        page = await Learner.open(base, source=source, timeout=args.timeout)
        await take_part(page, learner, room, args.timeout, args.window, skim=True)
    except Exception as error:  # noqa: BLE001 - every failure is counted and reported
        room.failed(learner, error)
    finally:
        if page is not None:
            await page.close()


def live_room(server: SolaraServer, args: argparse.Namespace):
    """The live room against a running Solara engine (see benchmarks/load_live.py)."""
    return run_room(server.url, server.log, args, live_learner)


def live(args: argparse.Namespace) -> int:
    """``--scenario live``: the room answers a question; also the server's memory."""
    print("Starting the Solara engine ...")
    server = start_solara("load-live", "--class")  # a live class needs --class
    print(f"The Solara engine is on {server.url}")
    memory = Memory(server.process.pid).start()
    try:
        time.sleep(2)
        warm = Visit(-9)
        asyncio.run(visit(server.url, warm, 1, args.timeout, 0))  # imports, caches
        if warm.error:
            raise RuntimeError(f"a single learner failed: {warm.error}")
        idle_mb = memory.peak_mb
        run = live_room(server, args)
        peak_mb = memory.peak_mb
        load = os.getloadavg()[0]
    finally:
        memory.stop()
        stop(server.process)
    rows = run.rows(args, "each a websocket and a virtual kernel in the one server process")
    rows += memory_rows(idle_mb, peak_mb, args.learners)
    rows.append(
        ("machine load average (1 min) at the end", f"{load:.1f}", f"{os.cpu_count()} cores")
    )
    table(rows)
    run.print_errors()
    good = run.good(args.window) and peak_mb < 1024
    print("\nAll checks passed." if good else "\nA check failed (see above).")
    return 0 if good else 1


ATTACKER = "127.0.0.250"  # the hostile device: one address, as one laptop in the room
VICTIM = "127.0.0.251"


def _flood(base: str, seconds: float, pages: int, counts: dict, ready, go) -> None:
    """The hostile device (in its own process): ``pages`` tabs, each sending widget updates
    as fast as its socket takes them, and opening a new page whenever one is closed."""

    async def tab() -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                page = await Learner.open(base, source=ATTACKER, timeout=30)
                counts["pages"] += 1
                fit = page.find_by_description("Fit for intensive chemotherapy")
                while time.monotonic() < end:
                    await page.update(fit, value=bool(counts["sent"] % 2))
                    counts["sent"] += 1
            except Exception:  # noqa: BLE001 - closed or refused: the server defends itself
                counts["refused"] += 1
                await asyncio.sleep(0.05)

    async def device() -> None:
        ready.set()
        await asyncio.to_thread(go.wait)
        await asyncio.gather(*(tab() for _ in range(pages)))

    asyncio.run(device())
    counts["cpu"] = time.process_time()  # the attacker's own CPU: the same 2 cores here


def hostile(args: argparse.Namespace) -> int:
    """``--scenario hostile``: one device floods from all the tabs it may open; another
    learner's update p95 must stay within 3 times its value alone (as in the Voila mode)."""
    import multiprocessing

    print("Starting the Solara engine ...")
    server = start_solara("load-hostile")
    changes = max(args.changes, 30)
    seconds = 10 + changes * 0.6
    manager = multiprocessing.Manager()
    counts = manager.dict(sent=0, pages=0, refused=0, cpu=0.0)
    ready, go = manager.Event(), manager.Event()
    pages = 12  # the server's default tab limit per device
    attacker = multiprocessing.Process(
        target=_flood, args=(server.url, seconds, pages, counts, ready, go)
    )

    async def victim() -> tuple[list[float], list[float]]:
        learner = await Learner.open(server.url, source=VICTIM, timeout=args.timeout)
        await timed_updates(learner, 3, args.timeout)  # warm-up, not counted
        alone = await timed_updates(learner, changes, args.timeout)
        go.set()
        await asyncio.sleep(3)  # the flood is under way
        flooded = await timed_updates(learner, changes, args.timeout)
        await learner.close()
        return alone, flooded

    cpu_before = _cpu_seconds(server.process.pid)
    try:
        attacker.start()
        ready.wait(60)
        alone, flooded = asyncio.run(victim())
        attacker.join(seconds + 60)
        if attacker.is_alive():
            attacker.terminate()
        sent, opened, refused = counts["sent"], counts["pages"], counts["refused"]
        attacker_cpu = counts["cpu"]
        cpu_used = _cpu_seconds(server.process.pid) - cpu_before
        load = os.getloadavg()[0]
    finally:
        stop(server.process)
        manager.shutdown()
    closed = server.log_text().count("closed a learner's connection that sent too many")
    alone_p95, flooded_p95 = pct(alone, 0.95), pct(flooded, 0.95)
    ratio = flooded_p95 / alone_p95
    table(
        [
            ("updates per measurement", str(changes), "0.3 s apart, same learner, same page"),
            (
                "update latency alone (median / p95)",
                f"{statistics.median(alone) * 1000:.0f} / {alone_p95 * 1000:.0f} ms",
                "baseline",
            ),
            (
                "update latency, one hostile device (median / p95)",
                f"{statistics.median(flooded) * 1000:.0f} / {flooded_p95 * 1000:.0f} ms",
                f"p95 {ratio:.1f}x alone (must be <= 3)",
            ),
            (
                "hostile device",
                f"{pages} tabs: {sent} messages written, {opened} pages opened, {refused} refusals",
                f"{closed} closings for flooding logged (the terminal shows 10 lines a minute)",
            ),
            ("server CPU during the run", f"{cpu_used:.1f} s", f"over about {seconds + 15:.0f} s"),
            ("the hostile device's own CPU", f"{attacker_cpu:.1f} s", "on the same 2 cores"),
            ("machine load average (1 min)", f"{load:.1f}", f"{os.cpu_count()} cores"),
        ]
    )
    good = ratio <= 3 and closed > 0
    print("\nAll checks passed." if good else "\nA check failed (see above).")
    return 0 if good else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, help="default 300; live: 60")
    parser.add_argument(
        "--ramp", type=float, help="seconds over which they arrive (default 120; live: 60)"
    )
    parser.add_argument("--changes", type=int, default=3, help="factor changes per learner")
    parser.add_argument("--stay", type=float, default=20, help="seconds on the page afterwards")
    parser.add_argument("--timeout", type=float, default=120, help="per-step timeout, seconds")
    parser.add_argument("--compare-voila", action="store_true", help="then the Voila mode too")
    parser.add_argument(
        "--scenario",
        choices=("class", "live", "hostile"),
        default="class",
        help="class: learners change factors; live: the instructor pushes a case and asks, "
        "every learner answers (benchmarks/load_live.py); hostile: one device floods, "
        "another learner is timed",
    )
    parser.add_argument(
        "--window", type=float, default=10, help="live: seconds in which every learner answers"
    )
    args = parser.parse_args()
    live_scenario = args.scenario == "live"
    if args.learners is None:
        args.learners = 60 if live_scenario else 300
    if args.ramp is None:
        args.ramp = 60 if live_scenario else 120
    if not 1 <= args.learners <= MAX_LEARNERS:
        parser.error(f"--learners must be from 1 to {MAX_LEARNERS}")
    if live_scenario:
        return live(args)
    if args.scenario == "hostile":
        return hostile(args)
    started = time.monotonic()
    build_ms, median_ms, worst_ms, worst_what = callback_cpu()
    print(
        f"CPU in this process: App() {build_ms:.0f} ms; a callback {median_ms:.1f} ms (median), "
        f"{worst_ms:.1f} ms at worst ({worst_what})"
    )
    print("Starting the Solara engine ...")
    server = start_solara("load")
    base, process = server.url, server.process
    print(f"The Solara engine is on {base}")
    memory = Memory(process.pid).start()
    try:
        time.sleep(2)
        asyncio.run(visit(base, Visit(-9), 1, args.timeout, 0))  # warm-up: imports, caches
        alone = [Visit(-1 - i) for i in range(5)]
        for one in alone:
            asyncio.run(visit(base, one, args.changes, args.timeout, 0))
            if one.error:
                raise RuntimeError(f"a single learner failed: {one.error}")
        alone_usable = statistics.median(v.usable_s for v in alone)
        alone_update = statistics.median(u for v in alone for u in v.updates_s)
        idle_mb = memory.peak_mb
        print(f"{args.learners} learners arrive over {args.ramp:g} s ...")
        cpu_before = sum(_cpu_seconds(p.pid) for p in tree(process.pid))
        client_before = time.process_time()
        lag = LoopLag()
        visits = asyncio.run(
            hall(base, args.learners, args.ramp, args.changes, args.timeout, args.stay, lag)
        )
        cpu_used = sum(_cpu_seconds(p.pid) for p in tree(process.pid)) - cpu_before
        client_cpu = time.process_time() - client_before
        load = os.getloadavg()[0]
        peak_mb = memory.peak_mb
    finally:
        memory.stop()
        stop(process)
    errors = [v for v in visits if v.error]
    usable = [v.usable_s for v in visits if v.usable_s is not None]
    updates = [u for v in visits for u in v.updates_s]
    usable_p95, update_p95 = pct(usable, 0.95), pct(updates, 0.95)
    rows = [
        ("learners", f"{args.learners} over {args.ramp:g} s", f"{args.changes} changes each"),
        ("errors", str(len(errors)), "target 0"),
        *memory_rows(idle_mb, peak_mb, args.learners),
        ("server CPU for the whole class", f"{cpu_used:.0f} s", f"over {args.ramp:g} s+"),
        ("this harness's CPU (the learners)", f"{client_cpu:.0f} s", "same 2 cores"),
        (
            "harness loop lateness (median / 95th pct)",
            f"{statistics.median(lag.lags) * 1000:.0f} / {pct(lag.lags, 0.95) * 1000:.0f} ms",
            "part of every latency below",
        ),
        ("machine load average (1 min) at the end", f"{load:.1f}", f"{os.cpu_count()} cores"),
        ("usable page, alone (median)", f"{alone_usable:.2f} s", "baseline"),
        ("usable page, class (median)", f"{statistics.median(usable):.2f} s", ""),
        ("usable page, class (95th pct)", f"{usable_p95:.2f} s", "target < 5 s"),
        ("update, alone (median)", f"{alone_update * 1000:.0f} ms", "baseline"),
        ("update, class (median)", f"{statistics.median(updates) * 1000:.0f} ms", ""),
        (
            "update, class (95th pct)",
            f"{update_p95 * 1000:.0f} ms",
            f"{update_p95 / alone_update:.1f}x alone; target within 10x",
        ),
    ]
    table(rows)
    for one in errors[:10]:
        print(f"learner {one.number}: {one.error}")
    missed = (
        bool(errors)
        or peak_mb >= 1024
        or usable_p95 >= 5
        or update_p95 > 10 * alone_update
        or time.monotonic() - started > MAX_SECONDS
    )
    if args.compare_voila:
        print(f"\nThe same {args.learners} learners against the Voila mode ...")
        voila = voila_side(args.learners, args.ramp, args.changes, args.timeout, args.stay)
        table(
            [
                ("errors", str(len(errors)), str(voila["errors"])),
                (
                    "peak memory (server + kernels)",
                    f"{peak_mb:.0f} MB",
                    f"{voila['memory']:.0f} MB",
                ),
                (
                    "usable page (median / 95th pct)",
                    f"{statistics.median(usable):.2f} / {usable_p95:.2f} s",
                    f"{voila['usable'][0]:.2f} / {voila['usable'][1]:.2f} s",
                ),
                (
                    "update (median / 95th pct)",
                    f"{statistics.median(updates) * 1000:.0f} / {update_p95 * 1000:.0f} ms",
                    f"{voila['updates'][0] * 1000:.0f} / {voila['updates'][1] * 1000:.0f} ms",
                ),
                (
                    "one learner alone: page / update",
                    f"{alone_usable:.2f} s / {alone_update * 1000:.0f} ms",
                    f"{voila['alone'][0]:.2f} s / {voila['alone'][1] * 1000:.0f} ms",
                ),
            ],
            header=("measure", "Solara", "Voila"),
        )
    print("\nAll targets met." if not missed else "\nA target was missed (see above).")
    return 1 if missed else 0


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    sys.exit(main())
