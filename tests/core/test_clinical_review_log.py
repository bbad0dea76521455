"""The clinical review log is complete and its date is the one the pages show."""

from __future__ import annotations

import json
import re
from pathlib import Path

from aml_teach import load_knowledge_base
from aml_teach.app import dashboard
from aml_teach.core.review import CONTENT_REVIEWED, REVIEW_LOG, reviewed_line

ROOT = Path(__file__).resolve().parents[2]
LOG = (ROOT / REVIEW_LOG).read_text(encoding="utf-8")
MONTHS = "January February March April May June July August September October November December"


def test_the_month_shown_matches_the_latest_review_in_the_log():
    found = re.search(r"\*\*Last reviewed: (\d{4})-(\d{2})-(\d{2})\.\*\*", LOG)
    assert found, "the log needs a line '**Last reviewed: YYYY-MM-DD.**'"
    year, month = int(found.group(1)), int(found.group(2))
    assert CONTENT_REVIEWED == f"{MONTHS.split()[month - 1]} {year}"
    dates = re.findall(r"\| (\d{4}-\d{2}-\d{2}) \|", LOG)
    assert dates and max(dates) == "-".join(found.groups())


def test_every_option_dose_case_and_question_is_in_the_log():
    kb = load_knowledge_base()
    for option in kb.options["option"]:
        assert f"| `{option}` |" in LOG, option
    for option, drug in zip(kb.schedules["option"], kb.schedules["drug"], strict=True):
        assert f"| `{option}` | {drug} |" in LOG, (option, drug)
    for case in kb.cases["case"]:
        assert f"| `{case}` |" in LOG, case
    for question in set(kb.questions["question"]):
        assert f"| `{question}` |" in LOG, question


def _dashboard_header() -> str:
    """The dashboard's header: ``header_html()`` once the dashboard speaks French (appfr),
    the ``HEADER`` constant before."""
    make = getattr(dashboard, "header_html", None)
    return make() if make else dashboard.HEADER


def test_dashboard_and_notebook_01_show_the_review_month():
    assert reviewed_line() in _dashboard_header()
    notebook = json.loads((ROOT / "notebooks" / "01-start-here.ipynb").read_text("utf-8"))
    outputs = json.dumps([c.get("outputs", []) for c in notebook["cells"]])
    assert f"Content reviewed: {CONTENT_REVIEWED}" in outputs
