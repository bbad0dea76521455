"""The export command on good and bad input: a clear error, exit 2, and no half-written file;
and an instructor's edited tables show up in every format."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import zipfile
from html import escape
from pathlib import Path

import genanki
import pytest

from aml_teach.__main__ import main
from aml_teach.export import FORMATS

from .conftest import FILES, ROOT, export

EDITED_PROMPT = "Which factor does a local protocol weigh first? (edited)"
EDITED_CHOICE = "The length of the last remission & nothing else"
EDITED_STORY = "A 61-year-old pharmacist, written in by an instructor for a local case."


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aml_teach", "export", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_an_unknown_language_is_a_usage_error(tmp_path):
    result = run("anki", str(tmp_path / "deck.apkg"), "--lang", "de")
    assert result.returncode == 2
    assert "invalid choice: 'de'" in result.stderr and "'fr'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_is_a_usage_error(tmp_path):
    result = run("pdf", str(tmp_path / "x.pdf"))
    assert result.returncode == 2
    assert "invalid choice: 'pdf'" in result.stderr and "anki" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_unwritable_path_is_said(fmt, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["export", fmt, str(tmp_path / "missing" / "out")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["export", fmt, str(blocker / "out")]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_broken_tables_get_check_datas_report_and_nothing_written(fmt, data_copy, tmp_path,
                                                                  capsys):
    line = data_copy.set("questions", 0, "correct", "maybe")
    out = tmp_path / FILES[fmt]
    assert main(["export", fmt, str(out), "--data", str(data_copy.path)]) == 2
    err = capsys.readouterr().err
    assert f"questions.csv, line {line}, column 'correct': must be 'yes' or 'no'" in err
    assert "nothing was written" in err
    assert not out.exists()


def test_a_failure_while_writing_leaves_the_old_file_whole(tmp_path, monkeypatch):
    out = export("anki", tmp_path / "deck.apkg")
    before = out.read_bytes()

    def fail_half_way(package, path):
        Path(path).write_bytes(b"PK half a deck")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(genanki.Package, "write_to_file", fail_half_way)
    with pytest.raises(OSError):
        main(["export", "anki", str(out)])
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["deck.apkg"], "no temporary file left"


@pytest.fixture
def edited(data_copy) -> Path:
    """A copy of data/ where the instructor changed question q-1 and case-1's story."""
    rows = data_copy.rows("questions")
    for row in rows:
        if row["question"] == "q-1":
            row["prompt"] = EDITED_PROMPT
            if row["correct"] == "yes":
                row["choice"] = EDITED_CHOICE
    data_copy.write("questions", rows)
    data_copy.set("cases", data_copy.find("cases", "case", "case-1"), "story", EDITED_STORY)
    return data_copy.path


def test_an_edited_question_and_case_show_in_every_format(edited, tmp_path):
    out = {fmt: export(fmt, tmp_path / name, "--data", str(edited))
           for fmt, name in FILES.items()}
    with zipfile.ZipFile(out["anki"]) as archive:
        archive.extract("collection.anki2", tmp_path)
    with sqlite3.connect(tmp_path / "collection.anki2") as db:
        fields = [f for (f,) in db.execute("select flds from notes")]
    assert any(escape(EDITED_PROMPT) in f and escape(EDITED_CHOICE) in f for f in fields)
    moodle = out["moodle"].read_text(encoding="utf-8")
    assert escape(escape(EDITED_PROMPT)) in moodle and escape(escape(EDITED_CHOICE)) in moodle
    with zipfile.ZipFile(out["qti"]) as archive:
        items = "".join(archive.read(n).decode() for n in archive.namelist())
    assert escape(escape(EDITED_PROMPT)) in items and escape(escape(EDITED_CHOICE)) in items
    assert escape(EDITED_STORY) in out["handout"].read_text(encoding="utf-8")


def test_the_default_name_in_a_folder(tmp_path, capsys):
    assert main(["export", "qti", str(tmp_path)]) == 0
    assert (tmp_path / FORMATS["qti"].default_name).is_file()
    assert "wrote" in capsys.readouterr().out
