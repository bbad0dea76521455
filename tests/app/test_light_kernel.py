"""The dashboard's kernel stays light: no pandas (nor numpy) on its path, rows everywhere.

One kernel runs per student, so what the dashboard imports is paid for by the whole class
(pandas is about 45 MB and half a second of CPU per kernel). Notebooks still get DataFrames
from ``treatment_options``, ``regimen_schedule`` and ``kb.options``: those import pandas
only when called.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from types import MappingProxyType

import nbformat
import pytest
from nbclient import NotebookClient

from aml_teach import Patient, load_knowledge_base, regimen_schedule, treatment_options
from aml_teach.core.data_check import check_data
from aml_teach.core.knowledge import TABLES
from aml_teach.core.options import RESULT_COLUMNS, evaluate_options
from aml_teach.core.schedules import SCHEDULE_COLUMNS, schedule_rows, scheduled_options, variants

from ..conftest import ROOT

HEAVY = ("pandas", "numpy", "matplotlib")

# Everything a learner can do on the page, without a browser: build the page, load every
# case, show what does not apply, switch every regimen and variant, change the EPI input.
USE_THE_DASHBOARD = """
import json, sys
from aml_teach.classroom.page import App
app = App()
for _, case in app.factors.case.options[1:]:
    app.factors.case.value = case
    app.show_excluded.value = not app.show_excluded.value
    assert "aml-count" in app.options.value, app.options.value[:300]
for _, regimen in app.schedules.regimen.options:
    app.schedules.regimen.value = regimen
    for _, variant in app.schedules.variant.options:
        app.schedules.variant.value = variant
        assert "aml-timeline" in app.schedules.figure.value, app.schedules.figure.value[:300]
app.epi.cytogenetics.value = "t(8;21)"
assert "Risk group" in app.epi.result.value or "index" in app.epi.result.value
"""


def _modules_after(code: str) -> dict[str, bool]:
    """Run ``code`` in a fresh interpreter; which heavy modules it imported."""
    probe = f"{code}\nprint(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))\n"
    result = subprocess.run(
        [sys.executable, "-c", "import json, sys\n" + textwrap.dedent(probe)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_the_dashboard_imports_no_pandas():
    assert _modules_after("import aml_teach.classroom.page") == dict.fromkeys(HEAVY, False)


def test_using_the_whole_dashboard_imports_no_pandas():
    assert _modules_after(USE_THE_DASHBOARD) == dict.fromkeys(HEAVY, False)


def test_the_probe_sees_pandas_when_it_is_imported():
    """The check above can fail: a DataFrame-returning call does import pandas."""
    code = 'from aml_teach import regimen_schedule\nregimen_schedule("7+3")'
    assert _modules_after(code)["pandas"] is True


def test_the_served_notebook_kernel_imports_no_pandas():
    """The kernel Voila runs: the dashboard notebook, executed as Voila executes it."""
    notebook = nbformat.read(ROOT / "notebooks" / "dashboard.ipynb", as_version=4)
    probe = f"import sys\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    notebook.cells.append(nbformat.v4.new_code_cell(probe))
    NotebookClient(
        notebook, timeout=120, resources={"metadata": {"path": ROOT / "notebooks"}}
    ).execute()
    output = notebook.cells[-1].outputs[0]
    assert output["text"].strip() == "[]"


# --- the rows behind it ----------------------------------------------------------------


def test_rows_are_typed_and_read_only():
    kb = load_knowledge_base()
    for table in TABLES:
        rows = kb.rows[table.name]
        assert rows, table.name
        assert list(rows[0]) == [c.name for c in table.columns]
    option = kb.row("options", "gilteritinib")
    assert isinstance(option, MappingProxyType)
    assert option["markers"] == ("FLT3",)
    assert option["beyond_seed"] in (True, False)
    with pytest.raises(TypeError):
        option["name"] = "changed"  # type: ignore[index]
    case = kb.rows["cases"][0]
    assert isinstance(case["age"], int) and isinstance(case["cns"], bool)
    schedule = kb.rows["schedules"][0]
    assert schedule["days"] == tuple(sorted(schedule["days"]))


def test_frames_match_rows():
    kb = load_knowledge_base()
    for table in TABLES:
        frame = kb.frame(table.name)
        assert kb.tables[table.name] is frame is getattr(kb, table.name)
        assert list(frame.columns) == [c.name for c in table.columns]
        assert frame.to_dict("records") == [dict(r) for r in kb.rows[table.name]]
    assert kb.cases["remission_months"].dtype == object  # None for refractory, not NaN


@pytest.mark.parametrize("include_excluded", [False, True])
def test_rows_and_dataframe_agree_for_every_case(include_excluded):
    kb = load_knowledge_base()
    for case in kb.rows["cases"]:
        patient = Patient(
            age=case["age"],
            fit_for_intensive=case["fit_for_intensive"],
            disease=case["disease"],
            remission_months=case["remission_months"],
            prior_treatments=case["prior_treatments"],
            cns=case["cns"],
            markers=frozenset(case["markers"]),
            matched_donor=case["matched_donor"],
            prior_transplant=case["prior_transplant"],
        )
        frame = treatment_options(patient, include_excluded)
        rows = evaluate_options(patient, include_excluded)
        assert list(frame.columns) == RESULT_COLUMNS
        # the rows may carry more (the English ids beside words in a language): not fewer
        assert frame.to_dict("records") == [{c: r[c] for c in RESULT_COLUMNS} for r in rows]


def test_schedule_rows_and_dataframe_agree():
    for option, _ in scheduled_options():
        for variant in (None, *variants(option)):
            frame = regimen_schedule(option, variant)
            assert list(frame.columns) == SCHEDULE_COLUMNS
            rows = schedule_rows(option, variant)
            assert frame.to_dict("records") == [{c: r[c] for c in SCHEDULE_COLUMNS} for r in rows]
            assert frame["cycle_days"].dtype == object


def test_a_row_with_too_many_values_is_named(data_copy):
    path = data_copy.path / "glossary.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] += ",stray"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert [str(p) for p in check_data(data_copy.path)] == [
        "glossary.csv, line 3: has 4 values but the header names 3 columns; a value holding "
        "a comma needs double quotes around it"
    ]
