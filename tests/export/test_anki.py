"""The .apkg read as Anki reads it: a zip holding an SQLite collection of notes."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from html import escape
from pathlib import Path

from aml_teach.export import anki

from .conftest import export, question_rows, table

SEPARATOR = "\x1f"  # Anki's field separator


def notes(apkg: Path, tmp_path: Path) -> list[dict]:
    with zipfile.ZipFile(apkg) as archive:
        assert "collection.anki2" in archive.namelist()
        archive.extract("collection.anki2", tmp_path)
    with sqlite3.connect(tmp_path / "collection.anki2") as db:
        models = json.loads(db.execute("select models from col").fetchone()[0])
        rows = db.execute("select guid, mid, tags, flds from notes order by id").fetchall()
        cards = db.execute("select count(*) from cards").fetchone()[0]
    assert cards == len(rows), "every note makes one card"
    return [
        {"guid": guid, "model": models[str(mid)]["name"],
         "fields": dict(zip([f["name"] for f in models[str(mid)]["flds"]],
                            flds.split(SEPARATOR), strict=True)),
         "tags": tags.split()}
        for guid, mid, tags, flds in rows
    ]


def test_a_note_per_question_and_per_glossary_term(exported, tmp_path):
    found = notes(exported["anki"], tmp_path)
    questions = question_rows()
    terms = [row["term"] for row in table("glossary")]
    by_model: dict[str, list[dict]] = {}
    for note in found:
        by_model.setdefault(note["model"], []).append(note)
    assert sorted(by_model) == ["aml-teach glossary term", "aml-teach question"]
    asked = by_model["aml-teach question"]
    assert [n["fields"]["Id"] for n in asked] == list(questions)
    assert sorted(n["fields"]["Term"] for n in by_model["aml-teach glossary term"]) == sorted(
        terms)
    for note in asked:
        rows = questions[note["fields"]["Id"]]
        right = next(r for r in rows if r["correct"] == "yes")
        assert escape(rows[0]["prompt"]) in note["fields"]["Front"]
        for row in rows:  # the front has every choice, the back every reason
            assert escape(row["choice"]) in note["fields"]["Front"]
        assert escape(right["choice"]) in note["fields"]["Answer"]
        assert note["fields"]["Why"].count("<li>") == len(rows)
        assert note["fields"]["Sources"].count("<li") >= 1


def test_tagged_by_lesson(exported, tmp_path):
    tags = {n["fields"].get("Id"): n["tags"] for n in notes(exported["anki"], tmp_path)}
    assert "aml-teach::lesson-05" in tags["q-11"]  # notebook 05 asks quiz("q-11", ...)
    assert "aml-teach::lesson-06" in tags["q-1"]  # notebook 06 asks case-1's questions
    glossary = [n for n in notes(exported["anki"], tmp_path) if "Term" in n["fields"]]
    assert all(n["tags"] == ["aml-teach::glossary"] for n in glossary)


def test_ids_are_stable_so_a_reimport_updates_cards(exported, tmp_path):
    again = export("anki", tmp_path / "again.apkg")
    first = notes(exported["anki"], tmp_path / "a")
    second = notes(again, tmp_path / "b")
    assert [n["guid"] for n in first] == [n["guid"] for n in second]
    assert len({n["guid"] for n in first}) == len(first)
    assert first[0]["guid"] == anki.question_guid("q-1")
