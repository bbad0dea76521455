"""The Moodle XML parsed back as Moodle's importer reads it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html import unescape

from aml_teach.export import moodle

from .conftest import question_rows, reason_words, table


def _text(element: ET.Element, path: str) -> str:
    return element.findtext(f"{path}/text") or ""


def parsed(path) -> list[tuple[str, ET.Element]]:
    """(category, question) for every multichoice question, in file order."""
    root = ET.parse(path).getroot()
    assert root.tag == "quiz"
    category, found = None, []
    for question in root.findall("question"):
        if question.get("type") == "category":
            category = _text(question, "category")
            continue
        assert question.get("type") == "multichoice"
        assert category is not None, "every question sits in a category"
        found.append((category, question))
    return found


def test_one_multichoice_question_per_question_with_one_right_answer(exported):
    questions = question_rows()
    found = parsed(exported["moodle"])
    assert sorted(_text(q, "name") for _, q in found) == sorted(questions)
    for _, question in found:
        rows = questions[_text(question, "name")]
        answers = question.findall("answer")
        assert len(answers) == len(rows)
        assert [a.get("fraction") for a in answers].count("100") == 1
        assert all(a.get("fraction") in ("0", "100") for a in answers)
        right = next(a for a in answers if a.get("fraction") == "100")
        expected = next(r["choice"] for r in rows if r["correct"] == "yes")
        assert unescape(_text(right, ".")) == f"<p>{expected}</p>"
        for answer in answers:  # feedback on every answer, saying why
            feedback = unescape(_text(answer, "feedback"))
            choice = unescape(_text(answer, "."))[3:-4]
            row = next(r for r in rows if r["choice"] == choice)
            assert reason_words(row["explanation"]) in feedback
        assert question.findtext("single") == "true"
        assert "<ol" in unescape(_text(question, "generalfeedback")), "the sources"


def test_a_category_per_lesson(exported):
    categories = {_text(q, "name"): c for c, q in parsed(exported["moodle"])}
    assert categories["q-11"] == categories["q-12"] == (
        "$course$/top/aml-teach/Lesson 5: Targeted therapy, the CNS, transplant and support")
    assert categories["q-1"].endswith("/Lesson 6: Cases and self-check")
    assert categories["q-14"].endswith("/Lesson 2: Relapsed or refractory?")
    assert len(set(categories.values())) == 5  # lessons 2 to 6 ask questions


def test_the_glossary_beside_it(exported):
    path = moodle.glossary_path(exported["moodle"])
    root = ET.parse(path).getroot()
    entries = root.findall("INFO/ENTRIES/ENTRY")
    rows = {row["term"]: row for row in table("glossary")}
    assert sorted(e.findtext("CONCEPT") for e in entries) == sorted(rows)
    for entry in entries:
        definition = entry.findtext("DEFINITION")
        assert rows[entry.findtext("CONCEPT")]["definition"][:60] in unescape(definition)
        assert entry.findtext("FORMAT") == "1"
