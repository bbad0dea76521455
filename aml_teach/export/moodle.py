"""The question bank as Moodle XML, and the glossary as Moodle's glossary XML.

One ``multichoice`` question per question id, in a category per lesson; every answer has its
feedback and the right one ``fraction="100"``. The glossary goes to a second file beside the
first (``NAME-glossary.xml``), which Moodle imports into a Glossary activity.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html import escape
from pathlib import Path

from .common import Course, atomic_files, marked_html, numbering, sources_html

TOP_CATEGORY = "$course$/top/aml-teach"
PENALTY = "0.3333333"


def _text(parent: ET.Element, tag: str, text: str, html: bool = True) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "html"} if html else {})
    ET.SubElement(element, "text").text = text
    return element


def _category(quiz: ET.Element, name: str, info: str) -> None:
    question = ET.SubElement(quiz, "question", {"type": "category"})
    _text(question, "category", f"{TOP_CATEGORY}/{name}", html=False)
    _text(question, "info", f"<p>{escape(info)}</p>")


def _multichoice(quiz: ET.Element, course: Course, item) -> None:
    tr = course.tr
    numbers = numbering(item.sources)
    question = ET.SubElement(quiz, "question", {"type": "multichoice"})
    _text(question, "name", item.id, html=False)
    _text(question, "questiontext", f"<p>{escape(item.prompt)}</p>")
    _text(question, "generalfeedback",
          f"<p>{escape(tr('sources_label'))}</p>{sources_html(course, numbers)}"
          f"<p><em>{escape(tr('disclaimer'))}</em></p>")
    for tag, value in (("defaultgrade", "1"), ("penalty", PENALTY), ("hidden", "0"),
                       ("idnumber", item.id), ("single", "true"), ("shuffleanswers", "true"),
                       ("answernumbering", "ABCD")):
        ET.SubElement(question, tag).text = value
    _text(question, "correctfeedback", f"<p>{escape(tr('correct_feedback'))}</p>")
    _text(question, "partiallycorrectfeedback", f"<p>{escape(tr('incorrect_feedback'))}</p>")
    _text(question, "incorrectfeedback", f"<p>{escape(tr('incorrect_feedback'))}</p>")
    for choice in item.choices:
        answer = ET.SubElement(question, "answer",
                               {"fraction": "100" if choice.correct else "0", "format": "html"})
        ET.SubElement(answer, "text").text = f"<p>{escape(choice.text)}</p>"
        _text(answer, "feedback", f"<p>{marked_html(course, choice, numbers)}</p>")
    tags = ET.SubElement(question, "tags")
    ET.SubElement(ET.SubElement(tags, "tag"), "text").text = course.lesson_tag(item)


def quiz_xml(course: Course) -> ET.ElementTree:
    """Every question, grouped under one category per lesson (in lesson order)."""
    quiz = ET.Element("quiz")
    by_category: dict[str, list] = {}
    ordered = sorted(course.questions, key=lambda q: (q.id not in course.lessons,
                                                      getattr(course.lessons.get(q.id),
                                                              "number", 0)))
    for item in ordered:
        by_category.setdefault(course.category(item), []).append(item)
    info = course.tr("category_info", disclaimer=course.tr("disclaimer"))
    for name, items in by_category.items():
        _category(quiz, name, info)
        for item in items:
            _multichoice(quiz, course, item)
    ET.indent(quiz)
    return ET.ElementTree(quiz)


def glossary_xml(course: Course) -> ET.ElementTree:
    """Moodle's glossary export format: one ENTRY per term, definitions as HTML."""
    tr = course.tr
    root = ET.Element("GLOSSARY")
    info = ET.SubElement(root, "INFO")
    ET.SubElement(info, "NAME").text = tr("module_part", module=tr("module"), part=tr("glossary"))
    ET.SubElement(info, "INTRO").text = escape(tr("glossary_intro", disclaimer=tr("disclaimer")))
    ET.SubElement(info, "INTROFORMAT").text = "1"
    ET.SubElement(info, "ALLOWDUPLICATEDENTRIES").text = "0"
    ET.SubElement(info, "DISPLAYFORMAT").text = "dictionary"
    entries = ET.SubElement(info, "ENTRIES")
    for row in course.glossary():
        numbers = numbering(row["sources"])
        entry = ET.SubElement(entries, "ENTRY")
        ET.SubElement(entry, "CONCEPT").text = row["name"]
        ET.SubElement(entry, "DEFINITION").text = (
            f"<p>{escape(row['definition'])} "
            f"{' '.join(f'[{n}]' for n in numbers.values())}</p>"
            f"<p>{escape(tr('sources_label'))}</p>{sources_html(course, numbers)}"
        )
        for tag, value in (("FORMAT", "1"), ("USEDYNALINK", "0"), ("CASESENSITIVE", "0"),
                           ("FULLMATCH", "0"), ("TEACHERENTRY", "1")):
            ET.SubElement(entry, tag).text = value
    ET.indent(root)
    return ET.ElementTree(root)


def glossary_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}-glossary.xml")


def write(course: Course, out: Path, lang: str = "en") -> list[Path]:
    targets = [out, glossary_path(out)]
    with atomic_files(*targets) as temps:
        quiz_xml(course).write(temps[0], encoding="UTF-8", xml_declaration=True)
        glossary_xml(course).write(temps[1], encoding="UTF-8", xml_declaration=True)
    return targets
