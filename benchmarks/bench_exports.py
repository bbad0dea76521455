"""Time each export and the course site build: what an instructor waits for.

    .venv/bin/python benchmarks/bench_exports.py [--runs 5] [--book]

Each export runs as the command does (``python -m aml_teach export FORMAT OUT``, a new
process: Python start, imports, tables, writing), ``--runs`` times; the median and the size of
what it wrote are printed. ``--book`` also times one full build of the course site
(``python -m aml_teach.export.book``, every page rebuilt). A measurement, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = {"anki": "deck.apkg", "moodle": "bank.xml", "qti": "quiz.zip",
           "handout": "cases.html", "handout (PDF)": "cases.pdf"}


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--book", action="store_true", help="also time the course site build")
    args = parser.parse_args()
    print(f"| export | median of {args.runs} (s) | size (KB) |\n|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for label, name in OUTPUTS.items():
            out = Path(folder) / name
            fmt = label.split()[0]
            times = [timed([sys.executable, "-m", "aml_teach", "export", fmt, str(out)])
                     for _ in range(args.runs)]
            print(f"| {label} | {statistics.median(times):.2f} | {out.stat().st_size / 1024:.0f} |")
        if args.book:
            seconds = timed([sys.executable, "-m", "aml_teach.export.book", "--output", folder])
            print(f"\ncourse site (full build, {folder}/_build/html): {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
