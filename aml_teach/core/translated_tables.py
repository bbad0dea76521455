"""The knowledge base's text in another language: ``data/<lang>/<table>.csv``.

The rules, doses, dates and sources stay one set of tables (``data/*.csv``). A translated table
holds only the key columns that name an English row and that row's text columns, in the other
language, so translation never forks the rules: :func:`localized` lays the text over the English
rows and keeps every other cell. A row an instructor adds in English and not yet in French is
named by :func:`check_translations` (file, line, column), as any other data problem.

Three display columns exist in every language: a drug's ``name`` and a glossary term's ``name``
(in English the id itself) and a schedule's ``variant_name``; questions get ``choice_number``,
a choice's place within its question (1, 2, ...), which keys its translation.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from .i18n import DEFAULT_LANGUAGE, N_, check_lang
from .knowledge import (
    MISSING_COLUMN,
    DataError,
    DataProblem,
    KnowledgeBase,
    Message,
    Row,
    _read_csv,
)


@dataclass(frozen=True)
class Translated:
    """One table's translation: which columns name the row, which hold its text."""

    table: str
    keys: tuple[str, ...]
    texts: tuple[str, ...]

    def file(self, lang: str) -> str:
        return f"{lang}/{self.table}.csv"


TRANSLATED: tuple[Translated, ...] = (
    Translated("options", ("option",), ("name", "summary", "note")),
    Translated("drugs", ("drug",), ("name", "drug_class", "how_it_works")),
    Translated("schedules", ("option", "variant", "drug"), ("variant_name", "dose")),
    Translated("glossary", ("term",), ("name", "definition")),
    Translated("cases", ("case",), ("title", "story")),
    Translated("questions", ("question", "choice_number"), ("prompt", "choice", "explanation")),
)
TRANSLATED_BY_TABLE = {t.table: t for t in TRANSLATED}
# In English a display column is another column's text.
DISPLAY_COLUMNS = {"drugs": {"name": "drug"}, "glossary": {"name": "term"},
                   "schedules": {"variant_name": "variant"}}
# Numbers in a dose must be the same in every language: "0.5" and "0,5", "1,000" and "1 000".
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def english_rows(kb: KnowledgeBase, table: str) -> tuple[Row, ...]:
    """A table's rows with the display columns (and ``choice_number``) added."""
    return _with_display(kb, table)


@functools.lru_cache(maxsize=32)
def _with_display(kb: KnowledgeBase, table: str) -> tuple[Row, ...]:
    rows = []
    counts: dict[str, int] = {}
    for row in kb.rows[table]:
        extra = {name: row[source] for name, source in DISPLAY_COLUMNS.get(table, {}).items()}
        if table == "questions":
            counts[row["question"]] = counts.get(row["question"], 0) + 1
            extra["choice_number"] = counts[row["question"]]
        rows.append(MappingProxyType({**row, **extra}) if extra else row)
    return tuple(rows)


def _key(row: Row | dict[str, str], spec: Translated) -> tuple[str, ...]:
    return tuple(str(row[name]) for name in spec.keys)


def _numbers(text: str) -> list[str]:
    plain = text.translate(_SUPERSCRIPTS).replace("\u00a0", " ").replace("\u202f", " ")
    plain = re.sub(r"(?<=\d) (?=\d{3}\b)", "", plain)  # "1 000" is one number
    return sorted(n.replace(",", ".") for n in _NUMBER.findall(plain.replace(",000", "000")))


def check_translations(kb: KnowledgeBase, lang: str) -> list[DataProblem]:
    """Everything missing or wrong in ``data/<lang>/``: an English row with no text in ``lang``
    (named by its English file, line and column), an empty or unknown row, a dose whose numbers
    differ from the English."""
    lang = check_lang(lang)
    if lang == DEFAULT_LANGUAGE:
        return []
    problems: list[DataProblem] = []
    for spec in TRANSLATED:
        file = spec.file(lang)
        unreadable: list[DataProblem] = []
        rows = _read_csv(kb.directory / lang / f"{spec.table}.csv", unreadable)
        problems.extend(dataclasses.replace(p, file=file) for p in unreadable)
        if rows is None:
            continue
        header = list(rows[0]) if rows else []
        missing = [c for c in (*spec.keys, *spec.texts) if c not in header]
        for column in missing:
            problems.append(DataProblem(file, 1, column, Message(MISSING_COLUMN)))
        if missing:
            continue
        english = {_key(row, spec): (line, row)
                   for line, row in enumerate(english_rows(kb, spec.table), start=2)}
        seen: dict[tuple[str, ...], int] = {}
        for line, row in enumerate(rows, start=2):
            key = _key(row, spec)
            what = ", ".join(f"{k} '{v}'" for k, v in zip(spec.keys, key, strict=True))
            if key in seen:
                problems.append(DataProblem(file, line, spec.keys[0], Message(
                    N_("{what} is translated twice (first on line {first}): keep one row"),
                    what=what, first=seen[key])))
                continue
            seen[key] = line
            if key not in english:
                problems.append(DataProblem(file, line, spec.keys[0], Message(
                    N_("{what} is not in {table}.csv: fix the id or remove the row"),
                    what=what, table=spec.table)))
                continue
            source_line, source = english[key]
            for column in spec.texts:
                has_english = bool(str(source[column] or ""))
                if has_english and not row[column]:
                    problems.append(DataProblem(file, line, column, Message(
                        N_("is empty: translate the English ({table}.csv line {line}): "
                           "'{english}'"),
                        table=spec.table, line=source_line, english=str(source[column])[:80])))
                elif row[column] and not has_english:
                    problems.append(DataProblem(file, line, column, Message(
                        N_("has text but the English ({table}.csv line {line}) is empty: leave "
                           "it empty too"), table=spec.table, line=source_line)))
            if spec.table == "schedules" and row["dose"] and \
                    _numbers(row["dose"]) != _numbers(str(source["dose"])):
                problems.append(DataProblem(file, line, "dose", Message(
                    N_("its numbers {numbers} differ from the English dose's {english} "
                       "({table}.csv line {line}): a translation must give the same dose"),
                    numbers=_numbers(row["dose"]), english=_numbers(str(source["dose"])),
                    table=spec.table, line=source_line)))
        for key, (source_line, _source) in english.items():
            if key not in seen:
                what = ", ".join(f"{k} '{v}'" for k, v in zip(spec.keys, key, strict=True))
                for column in spec.texts:
                    if str(_source[column] or ""):
                        problems.append(DataProblem(
                            f"{spec.table}.csv", source_line, column, Message(
                                N_("has no {lang} translation: add {what} with its {column} to "
                                   "{file}"), lang=lang, what=what, column=column, file=file)))
    return problems


def localized(kb: KnowledgeBase, lang: str) -> KnowledgeBase:
    """The knowledge base with its text in ``lang`` (rules and numbers untouched); a
    :class:`DataError` names every missing translation."""
    return _localized(kb, check_lang(lang))


@functools.lru_cache(maxsize=8)
def _localized(kb: KnowledgeBase, lang: str) -> KnowledgeBase:
    tables = {name: english_rows(kb, name) for name in kb.rows}
    if lang == DEFAULT_LANGUAGE:
        return KnowledgeBase(kb.directory, tables)
    problems = check_translations(kb, lang)
    if problems:
        raise DataError(problems)
    for spec in TRANSLATED:
        scratch: list[DataProblem] = []
        rows = _read_csv(kb.directory / lang / f"{spec.table}.csv", scratch) or []
        text = {_key(row, spec): {c: row[c] for c in spec.texts} for row in rows}
        tables[spec.table] = tuple(
            MappingProxyType({**row, **text[_key(row, spec)]}) for row in tables[spec.table]
        )
    return KnowledgeBase(kb.directory, tables)


def translation_dir(kb: KnowledgeBase, lang: str) -> Path:
    return kb.directory / check_lang(lang)
