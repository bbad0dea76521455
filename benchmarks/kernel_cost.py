"""Where a page's time goes when no kernel is ready, and what a class burst costs the CPU.

    .venv/bin/python benchmarks/kernel_cost.py [--runs 5]

With the pool empty, every learner's page waits for its own kernel to start, run the
notebook and for Voila to render the page; then the browser opens the websocket and asks for
the widgets. This serves the dashboard and the bare one-checkbox notebook (the README's serve
command, ``--pool 0``), loads each page in turn over HTTP and the kernel websocket (as
``load_class.py`` does) and reports, per page:

- wall time of the page request (kernel start + notebook execution + Voila's rendering) and
  of the websocket handshake with the widget states, so "usable page" splits in two;
- CPU seconds the kernel process used by the time the page arrived (interpreter start,
  imports, the notebook), read from /proc;
- CPU seconds the server process used for that page (launching the kernel, executing the
  notebook through it, rendering the template, compressing the response).

From these it estimates what a burst of learners arriving within a minute asks of the
machine's cores: while demand stays under what the cores give, pages come in seconds; above
it, the queue and the wait grow with every arrival. Localhost only; it stops its servers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.procinfo import kernel_pid_for  # noqa: E402
from benchmarks.voila_pages import _open_page  # noqa: E402
from tests.browser.conftest import free_port, stop  # noqa: E402
from tests.classroom.voila.conftest import start  # noqa: E402
from tests.voila_client import KernelSession  # noqa: E402

NOTEBOOKS = {
    "dashboard": ROOT / "notebooks" / "dashboard.ipynb",
    "bare": ROOT / "benchmarks" / "bare.ipynb",
}


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


async def one_page(base: str, server: psutil.Process, root: int) -> dict[str, float]:
    before = cpu_seconds(server)
    start = time.perf_counter()
    _, kernel_id, page_s, _ = await asyncio.to_thread(_open_page, base, 120)
    server_cpu = cpu_seconds(server) - before
    pid = kernel_pid_for(root, kernel_id)
    kernel_cpu = cpu_seconds(psutil.Process(pid)) if pid else float("nan")
    handshake = time.perf_counter()
    session = await KernelSession.connect(base, kernel_id, timeout=120)
    try:
        await session.request_states(120)
    finally:
        await session.close()
    done = time.perf_counter()
    return {
        "page_s": page_s,
        "states_s": done - handshake,
        "usable_s": done - start,
        "kernel_cpu_s": kernel_cpu,
        "server_cpu_s": server_cpu,
    }


def measure(runs: int) -> dict[str, list[dict[str, float]]]:
    servers = {}
    for name, notebook in NOTEBOOKS.items():
        port = free_port()
        servers[name] = (
            start(f"cost-{name}", "--pool", "0", "--notebook", str(notebook), port=port),
            f"http://127.0.0.1:{port}/",
        )
    results: dict[str, list[dict[str, float]]] = {name: [] for name in NOTEBOOKS}
    try:
        time.sleep(3)
        for run in range(runs + 1):  # run 0 warms up each server
            order = list(NOTEBOOKS) if run % 2 else list(reversed(NOTEBOOKS))
            for name in order:
                server, base = servers[name]
                pid = server.process.pid
                sample = asyncio.run(one_page(base, psutil.Process(pid), pid))
                if run:
                    results[name].append(sample)
                time.sleep(1.0)  # let the kernel settle; pages stay open (kernels kept)
    finally:
        for server, _ in servers.values():
            stop(server.process)
    return results


def summary(results: dict[str, list[dict[str, float]]], cores: int) -> str:
    median = statistics.median
    keys = ("usable_s", "page_s", "states_s", "kernel_cpu_s", "server_cpu_s")
    labels = {
        "usable_s": "usable page, wall (s)",
        "page_s": "  page request: kernel start + notebook + render (s)",
        "states_s": "  websocket + widget states (s)",
        "kernel_cpu_s": "kernel CPU by the time the page arrived (s)",
        "server_cpu_s": "server CPU for the page (s)",
    }
    lines = ["| measure | dashboard | bare | ratio |", "|---|---|---|---|"]
    for key in keys:
        ours = [r[key] for r in results["dashboard"]]
        bare = [r[key] for r in results["bare"]]
        lines.append(
            f"| {labels[key]} | {median(ours):.2f} ({min(ours):.2f}-{max(ours):.2f}) | "
            f"{median(bare):.2f} ({min(bare):.2f}-{max(bare):.2f}) | "
            f"{median(ours) / median(bare):.2f} |"
        )
    kernel = median(r["kernel_cpu_s"] for r in results["dashboard"])
    server = median(r["server_cpu_s"] for r in results["dashboard"])
    per_page = kernel + server
    lines.append("")
    lines.append(
        f"Each page with the pool empty costs about {per_page:.2f} CPU seconds ({kernel:.2f} "
        f"in its kernel, {server:.2f} in the single-threaded server). {cores} cores give "
        f"{cores * 60} CPU seconds a minute: enough for about {cores * 60 / per_page:.0f} "
        f"pages a minute if nothing else runs, and the server alone for "
        f"{60 / server:.0f} pages a minute."
    )
    for learners in (60, 120):
        demand = learners * per_page
        lines.append(
            f"- {learners} learners within a minute ask for {demand:.0f} CPU seconds "
            f"({demand / (cores * 60):.0%} of the machine's minute)."
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="pages per notebook")
    args = parser.parse_args()
    results = measure(args.runs)
    print(summary(results, os.cpu_count() or 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
