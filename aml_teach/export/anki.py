"""The question bank and glossary as an Anki deck (``.apkg``), built with genanki.

Every note's GUID comes from its question id or glossary term, and the model and deck ids are
fixed: re-importing a newer deck updates the cards a student already has (keeping their
review history) instead of adding copies. A deck in another language is another deck: its
ids and GUIDs also name the language, so a student may keep both.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import genanki

from aml_teach.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, check_lang

from .common import (
    Course,
    atomic_files,
    marked_html,
    numbering,
    question_html,
    sources_html,
)

# Fixed for ever: changing one makes Anki treat the deck or its note types as new.
DECK_ID = 1_733_574_123_241
QUESTION_MODEL_ID = 1_733_574_123_242
TERM_MODEL_ID = 1_733_574_123_243
GUID_NAMESPACE = "aml-teach"
QUESTION_FIELDS = ("Id", "Front", "Answer", "Why", "Sources", "Note")
TERM_FIELDS = ("Term", "Definition", "Sources", "Note")
TAG_PREFIX = "aml-teach::"
CSS = """.card { font-family: system-ui, sans-serif; font-size: 18px; line-height: 1.4;
  text-align: left; color: #111; background: #fff; max-width: 40em; margin: 0 auto; }
.aml-sources { font-size: 0.85em; } .aml-note { font-size: 0.75em; color: #555; }
.nightMode .card, .card.nightMode { color: #eee; background: #222; }
.nightMode .aml-note { color: #bbb; }"""


def _language(lang: str) -> tuple[str, ...]:
    """What a GUID adds for a language: nothing for English (its GUIDs stay as they were)."""
    return () if check_lang(lang) == DEFAULT_LANGUAGE else (lang,)


def language_id(base: int, lang: str) -> int:
    """A deck's or note type's id in ``lang``: English keeps ``base``; each other language
    its own, fixed for ever like the English."""
    return base + 10 * LANGUAGES.index(check_lang(lang))


def question_guid(question_id: str, lang: str = DEFAULT_LANGUAGE) -> str:
    return genanki.guid_for(GUID_NAMESPACE, "question", question_id, *_language(lang))


def term_guid(term: str, lang: str = DEFAULT_LANGUAGE) -> str:
    return genanki.guid_for(GUID_NAMESPACE, "term", term, *_language(lang))


def _models(course: Course) -> tuple[genanki.Model, genanki.Model]:
    tr = course.tr
    question = genanki.Model(
        language_id(QUESTION_MODEL_ID, course.lang),
        tr("question_model"),
        fields=[{"name": name} for name in QUESTION_FIELDS],
        templates=[{
            "name": "Question",
            "qfmt": "{{Front}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Answer}}{{Why}}'
                    '<h4>' + escape(tr("sources")) + '</h4>{{Sources}}'
                    '<p class="aml-note">{{Note}}</p>',
        }],
        css=CSS,
    )
    term = genanki.Model(
        language_id(TERM_MODEL_ID, course.lang),
        tr("term_model"),
        fields=[{"name": name} for name in TERM_FIELDS],
        templates=[{
            "name": "Term",
            "qfmt": "<h3>{{Term}}</h3>",
            "afmt": '{{FrontSide}}<hr id="answer">{{Definition}}'
                    '<h4>' + escape(tr("sources")) + '</h4>{{Sources}}'
                    '<p class="aml-note">{{Note}}</p>',
        }],
        css=CSS,
    )
    return question, term


def _question_note(course: Course, model: genanki.Model, question) -> genanki.Note:
    tr = course.tr
    numbers = numbering(question.sources)
    letters = "ABCDEFGHIJ"
    right = next(i for i, c in enumerate(question.choices) if c.correct)
    why = "".join(
        f"<li>{marked_html(course, c, numbers, f'<strong>{escape(c.text)}</strong>. ')}</li>"
        for c in question.choices
    )
    answer = tr("answer_is", choice=f"{letters[right]}. {question.right.text}")
    return genanki.Note(
        model=model,
        fields=[
            question.id,
            question_html(question),
            f"<p><strong>{escape(answer)}</strong></p>",
            f"<h4>{escape(tr('why_each'))}</h4><ol type=\"A\">{why}</ol>",
            sources_html(course, numbers),
            escape(tr("disclaimer")),
        ],
        tags=[TAG_PREFIX + course.lesson_tag(question), TAG_PREFIX + "question"],
        guid=question_guid(question.id, course.lang),
    )


def _term_note(course: Course, model: genanki.Model, row) -> genanki.Note:
    numbers = numbering(row["sources"])
    return genanki.Note(
        model=model,
        fields=[
            escape(row["name"]),
            f"<p>{escape(row['definition'])} {' '.join(f'[{n}]' for n in numbers.values())}</p>",
            sources_html(course, numbers),
            escape(course.tr("disclaimer")),
        ],
        tags=[TAG_PREFIX + "glossary"],
        guid=term_guid(row["term"], course.lang),
    )


def deck(course: Course) -> genanki.Deck:
    """One deck: a note per question, then a note per glossary term."""
    tr = course.tr
    question_model, term_model = _models(course)
    result = genanki.Deck(language_id(DECK_ID, course.lang), tr("deck_name"),
                          description=escape(tr("deck_description", disclaimer=tr("disclaimer"))))
    for question in course.questions:
        result.add_note(_question_note(course, question_model, question))
    for row in course.glossary():
        result.add_note(_term_note(course, term_model, row))
    return result


def write(course: Course, out: Path, lang: str = "en") -> list[Path]:
    with atomic_files(out) as (temp,):
        genanki.Package(deck(course)).write_to_file(str(temp))
    return [out]
