"""Shared fixtures: copies of the knowledge base that tests may break."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

# The classroom servers of both engines (session fixtures, started only when a test asks).
from tests.engines import (  # noqa: F401
    classroom,
    engine_server,
    engine_with_token,
    solara_class,
    solara_server,
    solara_with_token,
    with_token,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


class DataCopy:
    """A writable copy of data/ with helpers to edit one cell, row or column."""

    def __init__(self, path: Path):
        self.path = path

    def rows(self, table: str) -> list[dict[str, str]]:
        with (self.path / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def write(self, table: str, rows: list[dict[str, str]], fields: list[str] | None = None):
        fields = fields or list(rows[0].keys())
        with (self.path / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows({k: row.get(k, "") for k in fields} for row in rows)

    def set(self, table: str, index: int, column: str, value: str) -> int:
        """Set one cell; return the CSV line number of that row (header is line 1)."""
        rows = self.rows(table)
        rows[index][column] = value
        self.write(table, rows)
        return index + 2

    def find(self, table: str, column: str, value: str) -> int:
        return next(i for i, row in enumerate(self.rows(table)) if row[column] == value)


@pytest.fixture(scope="session")
def playwright_driver() -> object:
    """One Playwright for the whole run: its sync API allows only one at a time, so the
    browser suites (the dashboard's, the hub's) share it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture
def data_copy(tmp_path: Path) -> DataCopy:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return DataCopy(target)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say loudly when browser tests were skipped for want of a browser (never in CI)."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "NO BROWSER" in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_sep(
            "!",
            f"{len(skipped)} BROWSER TEST(S) SKIPPED: no Chromium here. "
            "Install one (sudo apt-get install chromium) to run them.",
            red=True,
            bold=True,
        )
