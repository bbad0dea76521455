"""Where the time goes when a class arrives at once: the server, the kernels, or the machine.

    .venv/bin/python benchmarks/burst_profile.py --learners 120 --ramp 60 --pool 8

The same learners as ``load_class.py`` (page, websocket, widget states, three changes), with
the CPU time of the server process, of all kernels together, of the simulated learners and
of the whole machine sampled every second. It prints, in 10-second steps, how many learners
arrived and got a usable page, and how busy the single-threaded server, the kernels, the
simulated learners and everything else on the machine (other work) were; then how the wait
splits between the page request (waiting for a kernel from the pool, which runs the
notebook) and the websocket handshake with the widget states.
A server near 100% is the limit of one Voila process; kernels plus others near the number of
cores is the limit of the machine. Localhost only; it stops its server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.harness import pct  # noqa: E402
from benchmarks.load_class import classroom  # noqa: E402
from benchmarks.procinfo import tree  # noqa: E402
from benchmarks.voila_pages import HOST, start_server  # noqa: E402
from tests.browser.conftest import free_port, stop  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) of one process, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores, all processes)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICK


class Profile:
    """Every second: (time, server, kernels, this harness, machine busy: CPU s; kernels)."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.samples: list[tuple[float, float, float, float, float, int]] = []
        self.gone_kernels: dict[int, float] = {}  # last CPU seen of kernels that ended
        self._seen: dict[int, float] = {}
        self._stop = threading.Event()

    def kernels_cpu(self) -> float:
        return sum(_cpu(p.pid) for p in tree(self.root) if p.is_kernel)

    def sample(self) -> None:
        kernels = [p.pid for p in tree(self.root) if p.is_kernel]
        now = {pid: _cpu(pid) for pid in kernels}
        for pid, seconds in self._seen.items():
            if pid not in now:
                self.gone_kernels[pid] = seconds
        self._seen.update(now)
        total = sum(now.values()) + sum(self.gone_kernels.values())
        harness = _cpu(os.getpid())  # the simulated learners themselves
        self.samples.append(
            (time.monotonic(), _cpu(self.root), total, harness, _machine_busy(), len(kernels))
        )

    def run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(1.0)

    def start(self) -> None:
        threading.Thread(target=self.run, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()


def report(profile: Profile, started: float, learners: list, cores: int, step: float) -> str:
    samples = profile.samples
    lines = [
        "| seconds | arrived | usable | server CPU | kernels CPU | learners (harness) CPU "
        "| rest of machine | kernels |",
        "|---|---|---|---|---|---|---|---|",
    ]
    arrivals = sorted(started + one.arrived for one in learners)
    ready = sorted(started + one.arrived + one.usable_s for one in learners if one.usable_s)
    t0 = started
    while True:
        window = [s for s in samples if t0 <= s[0] < t0 + step]
        if len(window) < 2:
            break
        first, last = window[0], window[-1]
        wall = last[0] - first[0]
        server = (last[1] - first[1]) / wall
        kernels = (last[2] - first[2]) / wall
        harness = (last[3] - first[3]) / wall
        rest = (last[4] - first[4]) / wall - server - kernels - harness
        lines.append(
            f"| {t0 - started:.0f}-{t0 - started + step:.0f} "
            f"| {sum(t0 <= a < t0 + step for a in arrivals)} "
            f"| {sum(t0 <= r < t0 + step for r in ready)} "
            f"| {server:.0%} | {kernels / cores:.0%} of {cores} cores | {harness:.0%} "
            f"| {max(rest, 0) / cores:.0%} of {cores} cores | {last[5]} |"
        )
        t0 += step
    usable = [one.usable_s for one in learners if one.usable_s is not None]
    pages = [one.page_s for one in learners if one.page_s is not None]
    rest = [one.usable_s - one.page_s for one in learners if one.usable_s and one.page_s]
    errors = [one.error for one in learners if one.error]
    lines += [
        "",
        f"usable page: median {statistics.median(usable):.1f} s, 95th pct "
        f"{pct(usable, 0.95):.1f} s; of which the page request (waiting for a kernel that has "
        f"run the notebook, and Voila's rendering): median {statistics.median(pages):.1f} s, "
        f"95th pct {pct(pages, 0.95):.1f} s; the websocket and widget states: median "
        f"{statistics.median(rest):.2f} s, 95th pct {pct(rest, 0.95):.2f} s; errors "
        f"{len(errors)}.",
    ]
    if errors:
        lines.append(f"first error: {errors[0]}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=120)
    parser.add_argument("--ramp", type=float, default=60)
    parser.add_argument("--pool", type=int, default=8)
    parser.add_argument("--stay", type=float, default=20)
    parser.add_argument("--step", type=float, default=10)
    args = parser.parse_args()
    port = free_port()
    base = f"http://{HOST}:{port}/"
    server = start_server(port, args.pool, 3600)
    profile = Profile(server.process.pid)
    try:
        deadline = time.monotonic() + 600
        while "is filled" not in server.log_text() and time.monotonic() < deadline:
            time.sleep(1)  # the pool fills before the class arrives
        quiet = 0  # ... and its kernels have run the notebook (their CPU time stops growing)
        while quiet < 3 and time.monotonic() < deadline:
            before = profile.kernels_cpu()
            time.sleep(1)
            quiet = quiet + 1 if profile.kernels_cpu() - before < 0.05 else 0
        profile.start()
        started = time.monotonic()
        learners = asyncio.run(classroom(base, args.learners, args.ramp, 3, 300, args.stay))
        for i, one in enumerate(learners):
            one.arrived = args.ramp * i / args.learners
        profile.stop()
    finally:
        stop(server.process)
    print(report(profile, started, learners, os.cpu_count() or 1, args.step))
    return 0


if __name__ == "__main__":
    sys.exit(main())
