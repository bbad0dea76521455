"""The knowledge base loads, validates, and names every problem precisely."""

from __future__ import annotations

import subprocess
import sys

import pytest

from aml_teach import DataError, check_data, load_knowledge_base
from aml_teach.core.knowledge import CATEGORIES, parse_days

from ..conftest import ROOT


def _messages(directory) -> list[str]:
    return [str(problem) for problem in check_data(directory)]


def test_shipped_data_is_valid():
    assert check_data() == []
    kb = load_knowledge_base()
    assert set(kb.options["category"]) == set(CATEGORIES)


def test_loading_is_cached():
    assert load_knowledge_base() is load_knowledge_base()


def test_every_source_id_resolves():
    kb = load_knowledge_base()
    known = set(kb.references["id"])
    for name in ("drugs", "options", "schedules", "glossary", "cases", "questions"):
        for sources in kb.tables[name]["sources"]:
            assert sources, f"a row of {name}.csv cites no source"
            assert set(sources) <= known


def test_reference_list_holds_the_page_and_its_references():
    kinds = load_knowledge_base().references["kind"].value_counts()
    assert kinds["source page"] == 1
    assert kinds["source page reference"] >= 12
    assert kinds["added"] >= 5


@pytest.mark.parametrize(
    ("text", "days"),
    [("1-7", tuple(range(1, 8))), ("1;4;7", (1, 4, 7)), ("1-3;8", (1, 2, 3, 8)), (" 5 ", (5,))],
)
def test_parse_days(text, days):
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["7-3", "0-2", "a", "1-", "", "1-400", "-1"])
def test_parse_days_refuses_nonsense(text):
    with pytest.raises(ValueError):
        parse_days(text)


# --- the broken-table suite: each breakage is reported with file, line and column ----------


def test_missing_column(data_copy):
    rows = data_copy.rows("drugs")
    fields = [f for f in rows[0] if f != "drug_class"]
    data_copy.write("drugs", rows, fields)
    assert "drugs.csv, line 1, column 'drug_class': required column is missing" in _messages(
        data_copy.path
    )


def test_duplicate_id(data_copy):
    rows = data_copy.rows("options")
    rows.append(dict(rows[0]))
    data_copy.write("options", rows)
    messages = _messages(data_copy.path)
    assert any(
        m.startswith(f"options.csv, line {len(rows) + 1}, column 'option': duplicate id '7+3'")
        for m in messages
    ), messages


def test_unknown_drug(data_copy):
    line = data_copy.set(
        "options",
        data_copy.find("options", "option", "FLAG"),
        "drugs",
        "fludarabine;cytarabine;unobtainium",
    )
    assert (
        f"options.csv, line {line}, column 'drugs': unknown drug 'unobtainium': "
        "it is not in drugs.csv"
    ) in _messages(data_copy.path)


def test_dangling_reference(data_copy):
    line = data_copy.set("glossary", 0, "sources", "ccs-2024;no-such-paper")
    assert (
        f"glossary.csv, line {line}, column 'sources': unknown id 'no-such-paper': "
        "it is not in references.csv"
    ) in _messages(data_copy.path)


def test_bad_day_range(data_copy):
    line = data_copy.set("schedules", 0, "days", "7-3")
    messages = _messages(data_copy.path)
    assert any(m.startswith(f"schedules.csv, line {line}, column 'days': days:") for m in messages)


def test_day_outside_cycle(data_copy):
    index = next(i for i, r in enumerate(data_copy.rows("schedules")) if r["cycle_days"])
    line = data_copy.set("schedules", index, "days", "1-40")
    assert any(
        m.startswith(f"schedules.csv, line {line}, column 'days': day 40 falls outside")
        for m in _messages(data_copy.path)
    )


def test_empty_file(data_copy):
    (data_copy.path / "glossary.csv").write_text("")
    assert "glossary.csv: file is empty: it needs a header row" in _messages(data_copy.path)


def test_header_without_rows(data_copy):
    (data_copy.path / "glossary.csv").write_text("term,definition,sources\n")
    assert "glossary.csv: has a header but no rows" in _messages(data_copy.path)


def test_wrong_encoding(data_copy):
    path = data_copy.path / "glossary.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace("a", "é", 1).encode("latin-1"))
    messages = _messages(data_copy.path)
    assert any(m.startswith("glossary.csv: is not UTF-8 text") for m in messages), messages


def test_missing_file(data_copy):
    (data_copy.path / "schedules.csv").unlink()
    assert "schedules.csv: file is missing" in _messages(data_copy.path)


def test_unknown_category(data_copy):
    line = data_copy.set("options", 0, "category", "homeopathy")
    assert any(
        m.startswith(f"options.csv, line {line}, column 'category': 'homeopathy' is not one of")
        for m in _messages(data_copy.path)
    )


def test_bad_yes_no(data_copy):
    line = data_copy.set("drugs", 0, "beyond_seed", "maybe")
    assert (
        f"drugs.csv, line {line}, column 'beyond_seed': must be 'yes' or 'no', got 'maybe'"
        in _messages(data_copy.path)
    )


def test_bad_number(data_copy):
    line = data_copy.set("options", 0, "min_remission_months", "a year")
    assert (
        f"options.csv, line {line}, column 'min_remission_months': must be a whole number, "
        "got 'a year'" in _messages(data_copy.path)
    )


def test_empty_required_cell(data_copy):
    line = data_copy.set("drugs", 0, "how_it_works", "")
    assert (
        f"drugs.csv, line {line}, column 'how_it_works': is empty; a value is required"
        in _messages(data_copy.path)
    )


def test_unknown_marker(data_copy):
    index = data_copy.find("options", "option", "gilteritinib")
    line = data_copy.set("options", index, "markers", "FLT3;BRCA1")
    assert any(
        m.startswith(f"options.csv, line {line}, column 'markers': 'BRCA1' is not one of")
        for m in _messages(data_copy.path)
    )


def test_question_with_two_right_answers(data_copy):
    rows = data_copy.rows("questions")
    first = rows[0]["question"]
    for row in rows:
        if row["question"] == first:
            row["correct"] = "yes"
    data_copy.write("questions", rows)
    assert any(
        f"question '{first}' needs exactly one correct choice" in m
        for m in _messages(data_copy.path)
    )


def test_refractory_case_with_remission(data_copy):
    rows = data_copy.rows("cases")
    rows[0]["disease"], rows[0]["remission_months"] = "refractory", "10"
    data_copy.write("cases", rows)
    assert (
        "cases.csv, line 2, column 'remission_months': must be blank for refractory disease "
        "(there was no remission)" in _messages(data_copy.path)
    )


def test_malformed_csv(data_copy):
    path = data_copy.path / "glossary.csv"
    path.write_text(path.read_text(encoding="utf-8") + '"unclosed,quote\n', encoding="utf-8")
    assert any(m.startswith("glossary.csv: is not valid CSV") for m in _messages(data_copy.path))


def test_all_problems_reported_at_once_and_loader_refuses(data_copy):
    data_copy.set("drugs", 0, "beyond_seed", "maybe")
    data_copy.set("glossary", 0, "sources", "nowhere")
    problems = check_data(data_copy.path)
    assert {p.file for p in problems} == {"drugs.csv", "glossary.csv"}
    with pytest.raises(DataError) as error:
        load_knowledge_base(data_copy.path)
    assert "drugs.csv, line 2, column 'beyond_seed'" in str(error.value)
    assert "glossary.csv, line 2, column 'sources'" in str(error.value)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aml_teach", "check-data", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_cli_check_data_ok():
    result = _cli("data")
    assert result.returncode == 0, result.stderr
    assert "all tables are valid" in result.stdout


def test_cli_check_data_reports_every_problem(data_copy):
    data_copy.set("drugs", 0, "beyond_seed", "maybe")
    (data_copy.path / "glossary.csv").write_text("")
    result = _cli(str(data_copy.path))
    assert result.returncode == 1
    assert "2 problem(s) found" in result.stderr
    assert "drugs.csv, line 2, column 'beyond_seed'" in result.stderr
    assert "glossary.csv: file is empty" in result.stderr


def test_cli_missing_folder(tmp_path):
    result = _cli(str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "is not a folder" in result.stderr
