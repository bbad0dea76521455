"""What the load harnesses share: percentiles, the printed table, sampling a server in a thread.

Used by load_class.py (the Voila mode), load_solara.py (the Solara engine) and load_live.py
(live class mode in both), so that their figures are computed and printed the same way.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from benchmarks.procinfo import tree


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
