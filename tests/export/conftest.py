"""Exports written once per session with the real command, for the readers to check."""

from __future__ import annotations

import csv
import re
from collections import OrderedDict
from pathlib import Path

import pytest

from aml_teach.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
FILES = {"anki": "deck.apkg", "moodle": "bank.xml", "qti": "quiz.zip", "handout": "cases.html"}


def export(fmt: str, out: Path, *extra: str) -> Path:
    """Run ``python -m aml_teach export`` in-process; fail with its code if it fails."""
    code = main(["export", fmt, str(out), *extra])
    assert code == 0, f"export {fmt} exited with {code}"
    return out


def question_rows(data: Path = DATA) -> OrderedDict[str, list[dict[str, str]]]:
    """questions.csv's rows grouped by question id, in file order."""
    grouped: OrderedDict[str, list[dict[str, str]]] = OrderedDict()
    with (data / "questions.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            grouped.setdefault(row["question"], []).append(row)
    return grouped


def reason_words(explanation: str) -> str:
    """Words from the middle of an explanation, as any export must quote them (the exports,
    like the lessons, drop a leading 'Right:' or 'Wrong:' and capitalise what follows)."""
    return re.sub(r"^(?:Right|Wrong)\s*:\s*", "", explanation)[1:40]


def table(name: str, data: Path = DATA) -> list[dict[str, str]]:
    with (data / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exports")
    return {fmt: export(fmt, folder / name) for fmt, name in FILES.items()}
