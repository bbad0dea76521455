"""What the exports read from the rest of aml-teach, in one place.

Every import of another aml-teach module is here, so that moving those modules means
changing these lines only. The lesson of a question is read from the notebooks that ask it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from aml_teach.core.data_check import check_data
from aml_teach.core.i18n import DEFAULT_LANGUAGE, check_lang
from aml_teach.core.knowledge import (
    DataError,
    KnowledgeBase,
    data_dir,
    load_knowledge_base,
)
from aml_teach.core.options import evaluate_options
from aml_teach.core.patient import Patient
from aml_teach.core.review import DISCLAIMER
from aml_teach.core.translated_tables import localized
from aml_teach.teaching.glossary import cell_id as glossary_cell_id
from aml_teach.teaching.glossary import name as glossary_name
from aml_teach.teaching.glossary import terms as glossary_terms
from aml_teach.teaching.quiz import Question, case_patient, questions, reason
from aml_teach.teaching.summary import CSS as SUMMARY_CSS
from aml_teach.teaching.summary import (
    Citations,
    disclaimer_html,
    patient_summary_html,
    summary_body,
)
from aml_teach.teaching.summary_text import html_message

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LESSON_FILE = re.compile(r"^(\d\d)-.*\.ipynb$")
ASKED = re.compile(r"\b(quiz|case_questions)\(([^)]*)\)")
QUOTED = re.compile(r"[\"']([^\"']+)[\"']")

__all__ = [
    "DISCLAIMER",
    "SUMMARY_CSS",
    "Citations",
    "DataError",
    "KnowledgeBase",
    "Lesson",
    "Patient",
    "Question",
    "case_patient",
    "check_data",
    "data_dir",
    "disclaimer_html",
    "evaluate_options",
    "glossary_cell_id",
    "glossary_name",
    "glossary_terms",
    "html_message",
    "lesson_of_questions",
    "lessons",
    "load_knowledge_base",
    "localized",
    "lessons_folder",
    "patient_summary_html",
    "questions",
    "reason",
    "summary_body",
]


@dataclass(frozen=True)
class Lesson:
    """A lesson notebook: its number, title and the questions and cases it asks."""

    number: int
    title: str
    file: str
    question_ids: tuple[str, ...]
    case_ids: tuple[str, ...]


def _title(cells: list[dict]) -> str:
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return re.sub(r"^\d+\.\s*", "", line[2:].strip())
    return ""


def lessons(folder: Path = NOTEBOOKS) -> list[Lesson]:
    """The numbered lesson notebooks, each with the ``quiz(...)`` and ``case_questions(...)``
    calls of its code cells (none when the notebooks are not beside the package)."""
    found = []
    for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
        match = LESSON_FILE.match(path.name)
        if not match:
            continue
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        asked: dict[str, list[str]] = {"quiz": [], "case_questions": []}
        for call, args in ASKED.findall(code):
            asked[call].extend(QUOTED.findall(args))
        found.append(
            Lesson(int(match.group(1)), _title(cells), path.name,
                   tuple(asked["quiz"]), tuple(asked["case_questions"]))
        )
    return found


def lessons_folder(lang: str = DEFAULT_LANGUAGE) -> Path:
    """Where the lessons in ``lang`` are: ``notebooks/`` (English) or ``notebooks/<lang>/``;
    the English lessons when that folder holds none (their titles are then translated)."""
    if check_lang(lang) == DEFAULT_LANGUAGE:
        return NOTEBOOKS
    folder = NOTEBOOKS / lang
    return folder if any(folder.glob("[0-9][0-9]-*.ipynb")) else NOTEBOOKS


def lesson_of_questions(items: list[Question], folder: Path = NOTEBOOKS) -> dict[str, Lesson]:
    """Each question's lesson: the notebook that asks it, or asks about its case."""
    placed: dict[str, Lesson] = {}
    for lesson in lessons(folder):
        for question in items:
            if question.id in lesson.question_ids or (
                question.case and question.case in lesson.case_ids
            ):
                placed.setdefault(question.id, lesson)
    return placed
