"""What the load harnesses share: percentiles, the printed table, sampling a server in a thread.

Used by load_class.py (the Voila mode), load_solara.py (the Solara engine) and load_live.py
(live class mode in both), so that their figures are computed and printed the same way.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from dataclasses import dataclass, field

from benchmarks.procinfo import tree
from tests.page_client import WidgetSession, is_update_of

FIT = "Fit for intensive chemotherapy"


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0 to 1) of ``values``: the nearest of the sorted values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def table(rows, header=("measure", "value", "note")) -> None:
    """Print three-column rows as a Markdown table (ready for docs/)."""
    width = max(len(r[0]) for r in rows)
    print(f"\n| {header[0]:<{width}} | {header[1]} | {header[2]} |\n|{'-' * (width + 2)}|---|---|")
    for name, value, note in rows:
        print(f"| {name:<{width}} | {value} | {note} |")


class Periodic:
    """Calls ``self.sample()`` every 0.5 s in a daemon thread, from ``start()`` to ``stop()``."""

    def sample(self) -> None:
        raise NotImplementedError

    def _run(self, stopped: threading.Event) -> None:
        while not stopped.is_set():
            self.sample()
            stopped.wait(0.5)

    def start(self):
        self._stopped = threading.Event()
        threading.Thread(target=self._run, args=(self._stopped,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopped.set()


@dataclass
class Memory(Periodic):
    """Peak memory of a process tree (server and any kernels), sampled every 0.5 s."""

    root: int
    peak_mb: float = field(default=0.0)

    def sample(self) -> None:
        self.peak_mb = max(self.peak_mb, sum(p.rss_mb for p in tree(self.root)))


async def change_factors(
    page: WidgetSession, number: int, changes: int, timeout: float, into: list[float]
) -> None:
    """A learner's factor changes, 0.5-2 s apart, on either engine's page: fitness and FLT3
    in turn (learner ``number`` starting with one of them), so that every change alters the
    options shown; each update's latency is appended to ``into`` as it is measured."""
    region = page.options_region()
    fit, flt3 = page.find_by_description(FIT), page.find_by_description("FLT3 mutation")
    values = {fit: True, flt3: False}
    for change in range(changes):
        await asyncio.sleep(random.uniform(0.5, 2.0))
        widget = (fit, flt3)[(number + change) % 2]
        values[widget] = not values[widget]
        sent = time.perf_counter()
        await page.update(widget, value=values[widget])
        await page.wait_for(is_update_of({region}), timeout, mentioning=region)
        into.append(time.perf_counter() - sent)


async def timed_updates(page: WidgetSession, changes: int, timeout: float) -> list[float]:
    """Change fitness ``changes`` times, 0.3 s apart; the update latencies (the hostile
    scenarios' other learner, on either engine)."""
    region = page.options_region()
    fit = page.find_by_description(FIT)
    latencies = []
    for _ in range(changes):
        await asyncio.sleep(0.3)
        value = not page.states[fit]["state"]["value"]
        page.states[fit]["state"]["value"] = value
        sent = time.perf_counter()
        await page.update(fit, value=value)
        await page.wait_for(is_update_of({region}), timeout, mentioning=region)
        latencies.append(time.perf_counter() - sent)
    return latencies
