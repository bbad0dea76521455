"""What every export shares: the course read from ``data/``, citations, and safe writing.

Citations take one form everywhere: a number in brackets after a statement, resolving to the
full reference listed under "Sources" on the same card, question or page.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from . import sources
from .errors import ExportError
from .text import Translator


@dataclass
class Course:
    """The knowledge base as the exports see it: questions with their lessons, the glossary,
    and the references (each question's sources numbered in its own list), in the language
    of ``tr``: ``kb`` holds the rules, ``text`` the same tables with their words in it."""

    kb: sources.KnowledgeBase
    tr: Translator
    questions: list[sources.Question] = field(init=False)
    lessons: dict[str, sources.Lesson] = field(init=False)
    text: sources.KnowledgeBase = field(init=False)

    def __post_init__(self) -> None:
        self.text = sources.localized(self.kb, self.lang)
        self.questions = sources.questions(kb=self.kb, lang=self.lang)
        self.lessons = sources.lesson_of_questions(self.questions,
                                                   sources.lessons_folder(self.lang))

    @property
    def lang(self) -> str:
        return getattr(self.tr, "lang", "en")

    def category(self, question: sources.Question) -> str:
        """The lesson a question belongs to, in words (its Moodle category, its QTI section)."""
        lesson = self.lessons.get(question.id)
        if lesson is None:
            return self.tr("other_questions")
        title = self.tr.gettext(lesson.title)  # type: ignore[attr-defined]
        return self.tr("lesson", number=lesson.number, title=title)

    def lesson_tag(self, question: sources.Question) -> str:
        lesson = self.lessons.get(question.id)
        return f"lesson-{lesson.number:02d}" if lesson else "other-questions"

    def glossary(self) -> list[sources.KnowledgeBase]:
        """Glossary rows (``name`` and ``definition`` in the course's language) in the order
        the glossary notebook in that language shows them."""
        keyed = self.text.keyed("glossary")
        return [keyed[term] for term in sources.glossary_terms(self.kb, self.lang)]

    def reference(self, ref_id: str) -> str:
        """The full reference as one line of text: the citation and its address."""
        row = self.kb.row("references", ref_id)
        return f"{row['citation']} {row['url']}".strip()


def numbering(ids: Iterable[str]) -> dict[str, int]:
    """Each id's number in a local list, in order of first use."""
    return {ref: n for n, ref in enumerate(dict.fromkeys(ids), start=1)}


def cite_html(ids: Iterable[str], numbers: dict[str, int]) -> str:
    """``[1, 3]``: the numbers of ``ids`` in the list that ``numbers`` describes."""
    marks = sorted({numbers[i] for i in ids})
    return f"[{', '.join(map(str, marks))}]" if marks else ""


def sources_html(course: Course, numbers: dict[str, int], anchor: str = "") -> str:
    """The numbered list of full references (``anchor``: prefix of each item's id)."""
    items = []
    for ref, number in numbers.items():
        row = course.kb.row("references", ref)
        ident = f' id="{escape(anchor)}ref-{number}"' if anchor else ""
        url = f' <a href="{escape(row["url"])}">{escape(row["url"])}</a>' if row["url"] else ""
        items.append(f"<li{ident} value=\"{number}\">{escape(row['citation'])}{url}</li>")
    return f'<ol class="aml-sources">{"".join(items)}</ol>'


def question_html(question: sources.Question) -> str:
    """The stem and its lettered choices, as a learner sees them before answering."""
    choices = "".join(f"<li>{escape(c.text)}</li>" for c in question.choices)
    return f'<p>{escape(question.prompt)}</p><ol type="A">{choices}</ol>'


def choice_reason_html(choice, numbers: dict[str, int], lang: str = "en") -> str:
    """Why one choice is right or wrong, with its citation."""
    return (f"{escape(sources.reason(choice.explanation, lang))} "
            f"{cite_html(choice.sources, numbers)}")


def marked_html(course: Course, choice, numbers: dict[str, int], html: str = "") -> str:
    """"✔ Right: why ... [1]": a choice's mark and its reason (``html`` goes between them,
    e.g. the choice itself in bold)."""
    mark = course.tr("right_mark" if choice.correct else "wrong_mark")
    return sources.html_message(course.tr("marked"), mark=escape(mark),
                                reason=html + choice_reason_html(choice, numbers, course.lang))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_files(*targets: Path) -> Iterator[list[Path]]:
    """Temporary files beside ``targets``, renamed onto them only if the block succeeds.

    A failure part-way (or a full disk) leaves the targets as they were: never half a file.
    """
    temps: list[Path] = []
    try:
        for target in targets:
            try:
                handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                                dir=target.parent)
            except OSError as error:
                raise ExportError(
                    f"cannot write {target}: {error.strerror or error}; choose a folder that "
                    "exists and that you may write to"
                ) from error
            os.close(handle)
            temps.append(Path(name))
            os.chmod(name, 0o666 & ~_umask())  # as an ordinary new file, not mkstemp's 0600
        yield temps
        for temp, target in zip(temps, targets, strict=True):
            os.replace(temp, target)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
