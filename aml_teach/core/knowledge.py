"""Load and validate the knowledge base in ``data/``.

Instructors edit these CSV tables to match a local protocol, so every problem is reported
with the file, the line and the column, and all problems are reported at once: a broken
table must never give a silently wrong answer.

Tables are read with the standard library's ``csv`` into plain typed rows (read-only
mappings, so ``row["column"]`` works): the class dashboard runs one kernel per student, and
pandas would add about 45 MB and half a second to each. A pandas DataFrame of a table is
built only when a notebook or test asks for one (``kb.options``, ``kb.frame("options")``).
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .i18n import DEFAULT_LANGUAGE, N_, translator

if TYPE_CHECKING:  # pandas is imported only when a DataFrame is asked for
    import pandas as pd

# The fixed vocabularies below are ids in the tables and words on a page: each is marked
# N_ so that a room shows it as ``_(word)`` in the page's language.
CATEGORIES: tuple[str, ...] = (
    N_("intensive chemotherapy"),
    N_("less intensive chemotherapy"),
    N_("targeted therapy"),
    N_("cns treatment"),
    N_("stem cell transplant"),
    N_("radiation therapy"),
    N_("supportive therapy"),
    N_("clinical trial"),
)
MARKERS: tuple[str, ...] = ("FLT3", "CD33", "IDH1", "IDH2", "NPM1", "KMT2A")
ROUTES: tuple[str, ...] = (
    N_("intravenous"),
    N_("continuous intravenous infusion"),
    N_("subcutaneous"),
    N_("oral"),
    N_("intrathecal"),
    N_("subcutaneous or intravenous"),
)
REFERENCE_KINDS = (N_("source page"), N_("source page reference"), N_("added"))
YES_NO = (N_("yes"), N_("no"))
DOSE_LEVELS = (N_("low"), N_("standard"), N_("intermediate"), N_("high"))
DISEASES = (N_("relapsed"), N_("refractory"))
# Options whose drugs count for the "same or similar drugs" rule (see options.py).
DOSED_CATEGORIES = ("intensive chemotherapy", "less intensive chemotherapy", "targeted therapy")
MAX_DAY = 366

def _default_data_dir() -> Path:
    """The clone's ``data/`` (the instructor's editable copy) or, when installed, the package's.

    A clone (or an editable install) has ``data/`` beside ``pyproject.toml``; a regular install
    (``pip install .``, a wheel, a hub image) carries the same tables as ``aml_teach/data``.
    """
    package = Path(__file__).resolve().parents[1]  # aml_teach/ (this file is in aml_teach/core/)
    clone = package.parent
    if (clone / "pyproject.toml").is_file() and (clone / "data").is_dir():
        return clone / "data"
    return package / "data"


DEFAULT_DATA_DIR = _default_data_dir()


def data_dir() -> Path:
    """Where the knowledge base lives: ``$AML_TEACH_DATA`` (``--data``), else the default above."""
    return Path(os.environ.get("AML_TEACH_DATA", DEFAULT_DATA_DIR))


@dataclass(frozen=True)
class Column:
    """One column of a table: its name, what kind of value it holds, and what is allowed."""

    name: str
    kind: str = "text"  # text, list, yesno, int, days
    optional: bool = False
    choices: tuple[str, ...] = ()
    refs: str = ""  # table whose key every value (or list item) must match
    unique: bool = False
    pattern: str = ""  # regular expression an id must match
    pattern_hint: str = ""


SLUG = (r"[a-z0-9][a-z0-9-]*", N_("use lowercase letters, digits and '-'"))
OPTION_ID = (r"[A-Za-z0-9][A-Za-z0-9+-]*", N_("use letters, digits, '-' and '+'"))
EMPTY_FILE = N_("file is empty: it needs a header row")
MISSING_COLUMN = N_("required column is missing")


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def key(self) -> str:
        return self.columns[0].name


def _sources() -> Column:
    return Column("sources", "list", refs="references")


TABLES: tuple[Table, ...] = (
    Table(
        "references",
        (
            Column("id", unique=True, pattern=SLUG[0], pattern_hint=SLUG[1]),
            Column("citation"),
            Column("url", optional=True),
            Column("kind", choices=REFERENCE_KINDS),
        ),
    ),
    Table(
        "drugs",
        (
            Column("drug", unique=True),
            Column("brands", "list", optional=True),
            Column("drug_class"),
            Column("similarity_class", optional=True),
            Column("how_it_works"),
            Column("beyond_seed", "yesno"),
            _sources(),
        ),
    ),
    Table(
        "options",
        (
            Column("option", unique=True, pattern=OPTION_ID[0], pattern_hint=OPTION_ID[1]),
            Column("name"),
            Column("category", choices=CATEGORIES),
            Column("drugs", "list", optional=True, refs="drugs"),
            Column("summary"),
            Column("fitness", choices=("fit", "unfit", "any")),
            Column("disease", choices=("relapsed", "refractory", "any")),
            Column("min_remission_months", "int", optional=True),
            Column("markers", "list", optional=True, choices=MARKERS),
            Column("cns", choices=("yes", "any")),
            Column("donor", choices=("yes", "no", "any")),
            Column("prior_transplant", choices=("yes", "no", "allogeneic", "any")),
            Column("min_white_cell_count", "int", optional=True),
            Column("dose_level", optional=True, choices=DOSE_LEVELS),
            Column("with_option", "list", optional=True, refs="options"),
            Column("note", optional=True),
            Column("beyond_seed", "yesno"),
            _sources(),
        ),
    ),
    Table(
        "schedules",
        (
            Column("option", refs="options"),
            Column("variant", optional=True),
            Column("drug", refs="drugs"),
            Column("route", choices=ROUTES),
            Column("days", "days"),
            Column("dose"),
            Column("cycle_days", "int", optional=True),
            _sources(),
        ),
    ),
    Table("glossary", (Column("term", unique=True), Column("definition"), _sources())),
    Table(
        "cases",
        (
            Column("case", unique=True, pattern=SLUG[0], pattern_hint=SLUG[1]),
            Column("title"),
            Column("story"),
            Column("age", "int"),
            Column("fit_for_intensive", "yesno"),
            Column("disease", choices=("relapsed", "refractory")),
            Column("remission_months", "int", optional=True),
            Column("prior_treatments", "list", optional=True, refs="options"),
            Column("cns", "yesno"),
            Column("markers", "list", optional=True, choices=MARKERS),
            Column("matched_donor", "yesno"),
            Column("prior_transplant", "yesno"),
            Column("transplant_type", optional=True, choices=("allogeneic", "autologous")),
            Column("white_cell_count", "int", optional=True),
            _sources(),
        ),
    ),
    Table(
        "questions",
        (
            Column("question"),
            Column("case", optional=True, refs="cases"),
            Column("prompt"),
            Column("choice"),
            Column("correct", "yesno"),
            Column("explanation"),
            _sources(),
        ),
    ),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}


class Message(str):
    """An English message that can also be said in another language: a catalogue template
    (marked ``N_``) and its fields. It is the English ``str``; ``text(lang)`` translates."""

    template: str
    fields: dict[str, object]

    def __new__(cls, template: str, /, **fields: object) -> Message:
        message = super().__new__(cls, template.format(**fields) if fields else template)
        message.template = template
        message.fields = fields
        return message

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        _ = translator(lang)
        fields = {name: value.text(lang) if isinstance(value, Message) else value
                  for name, value in self.fields.items()}
        return _(self.template, **fields)


def message_text(message: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A message in ``lang``: a :class:`Message` translated, any other text as it is."""
    return message.text(lang) if isinstance(message, Message) else str(message)


class InputError(ValueError):
    """A value a function cannot take: ``str(error)`` in English, ``error.text(lang)`` in
    ``lang`` (the message is a catalogue template, marked ``N_``, and its fields)."""

    def __init__(self, template: str, /, **fields: object) -> None:
        super().__init__(Message(template, **fields))

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return message_text(self.args[0], lang)


@dataclass(frozen=True)
class DataProblem:
    """One thing wrong in one place: enough for an instructor to find and fix it.

    ``str(problem)`` is English; ``problem.text(lang)`` says the same in ``lang`` (the
    ``message`` is a :class:`Message` when the catalogue can translate it).
    """

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        return self.text(DEFAULT_LANGUAGE)

    def where(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """"options.csv, line 3, column 'name'" in ``lang``."""
        _ = translator(lang)
        if self.line is not None and self.column:
            return _("{file}, line {line}, column '{column}'", file=self.file, line=self.line,
                     column=self.column)
        if self.line is not None:
            return _("{file}, line {line}", file=self.file, line=self.line)
        if self.column:
            return _("{file}, column '{column}'", file=self.file, column=self.column)
        return self.file

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The problem in ``lang``, naming its file, line and column."""
        _ = translator(lang)
        return _("{where}: {message}", where=self.where(lang),
                 message=message_text(self.message, lang))


class DataError(ValueError):
    """The knowledge base is broken; ``problems`` lists every problem found."""

    def __init__(self, problems: list[DataProblem]):
        self.problems = problems
        super().__init__(self.text(DEFAULT_LANGUAGE))

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The whole report in ``lang``."""
        _ = translator(lang)
        lines = "\n".join(f"  - {p.text(lang)}" for p in self.problems)
        return _("The knowledge base has {n} problem(s):\n{lines}\nFix them, then run "
                 "`python -m aml_teach check-data` to check again.", n=len(self.problems),
                 lines=lines)


def split_list(cell: str) -> tuple[str, ...]:
    """Split a ``;``-separated cell into its stripped, non-empty items."""
    return tuple(item.strip() for item in cell.split(";") if item.strip())


def parse_days(text: str) -> tuple[int, ...]:
    """Parse ``1-7``, ``1;4;7`` or ``1-3;8`` into sorted day numbers (day 1 the first day)."""
    days: set[int] = set()
    for part in split_list(text):
        match = re.fullmatch(r"(\d+)\s*(?:-\s*(\d+))?", part)
        if not match:
            raise ValueError(Message(N_("'{part}' is not a day or a range of days such as 1-7"),
                                     part=part))
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first < 1 or last > MAX_DAY or last < first:
            raise ValueError(Message(
                N_("'{part}' is not a sensible range: days run from 1 to {last}, first before "
                   "last"), part=part, last=MAX_DAY))
        days.update(range(first, last + 1))
    if not days:
        raise ValueError(Message(N_("no days given")))
    return tuple(sorted(days))


def _read_csv(path: Path, problems: list[DataProblem]) -> list[dict[str, str]] | None:
    """Read a CSV file as text, recording (not raising) what makes it unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(DataProblem(path.name, None, None, Message(N_("file is missing"))))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(
            DataProblem(
                path.name,
                None,
                None,
                Message(N_("is not UTF-8 text (byte {byte}); save it as 'CSV UTF-8'"),
                        byte=error.start),
            )
        )
        return None
    if not text.strip():
        problems.append(DataProblem(path.name, None, None, Message(EMPTY_FILE)))
        return None
    try:
        records = [r for r in csv.reader(io.StringIO(text, newline=""), strict=True) if r]
    except csv.Error as error:
        problems.append(DataProblem(path.name, None, None,
                                    Message(N_("is not valid CSV: {error}"), error=str(error))))
        return None
    if not records:
        problems.append(DataProblem(path.name, None, None, Message(EMPTY_FILE)))
        return None
    header = [name.strip() for name in records[0]]
    rows = []
    misshapen = False
    for index, record in enumerate(records[1:]):
        if len(record) != len(header):
            misshapen = True
            problems.append(
                DataProblem(
                    path.name,
                    index + 2,
                    None,
                    Message(N_("has {values} values but the header names {columns} columns; "
                               "a value holding a comma needs double quotes around it"),
                            values=len(record), columns=len(header)),
                )
            )
            continue
        rows.append({name: value.strip() for name, value in zip(header, record, strict=True)})
    return None if misshapen else rows


def _check_cell(table: Table, column: Column, value: str) -> str | None:
    """Return what is wrong with one cell, or None if it is fine (references checked later)."""
    if not value:
        return None if column.optional else Message(N_("is empty; a value is required"))
    if column.kind == "yesno" and value not in YES_NO:
        return Message(N_("must be 'yes' or 'no', got '{value}'"), value=value)
    if column.kind == "int":
        if not re.fullmatch(r"\d+", value):
            return Message(N_("must be a whole number, got '{value}'"), value=value)
    if column.kind == "days":
        try:
            parse_days(value)
        except ValueError as error:
            return Message(N_("days: {error}"), error=error.args[0])
    if column.choices:
        items = split_list(value) if column.kind == "list" else (value,)
        wrong = [item for item in items if item not in column.choices]
        if wrong:
            allowed = ", ".join(column.choices)
            return Message(N_("'{wrong}' is not one of: {allowed}"), wrong="; ".join(wrong),
                           allowed=allowed)
    if column.pattern and not re.fullmatch(column.pattern, value):
        return Message(N_("'{value}' is not a valid id: {hint}"), value=value,
                       hint=Message(column.pattern_hint))
    return None


def check_tables(directory: Path | str | None = None) -> list[DataProblem]:
    """Check every table in ``directory``; return all problems (empty when all is well).

    The English tables only: :func:`aml_teach.core.data_check.check_data` adds each other
    language's text.
    """
    return _check_tables(Path(directory) if directory is not None else data_dir())


def check_report(directory: Path, problems: list[DataProblem], lang: str = DEFAULT_LANGUAGE
                 ) -> list[str]:
    """What ``check-data`` prints, line by line, in ``lang``: that all is well, or each
    problem and how to go on."""
    _ = translator(lang)
    if not problems:
        return [_("{directory}: all tables are valid.", directory=directory)]
    return [
        _("{directory}: {n} problem(s) found:", directory=directory, n=len(problems)),
        *(f"  - {problem.text(lang)}" for problem in problems),
        _("Fix them and run check-data again (see docs/data-tables.md)."),
    ]


def _check_tables(directory: Path) -> list[DataProblem]:
    problems: list[DataProblem] = []
    if not directory.is_dir():
        return [DataProblem(str(directory), None, None, Message(N_("is not a folder")))]
    rows_by_table: dict[str, list[dict[str, str]]] = {}
    for table in TABLES:
        rows = _read_csv(directory / table.file, problems)
        if rows is None:
            continue
        header = list(rows[0].keys()) if rows else _header(directory / table.file)
        missing = [c.name for c in table.columns if c.name not in header]
        for name in missing:
            problems.append(DataProblem(table.file, 1, name, Message(MISSING_COLUMN)))
        if missing:
            continue
        if not rows:
            problems.append(DataProblem(table.file, None, None,
                                        Message(N_("has a header but no rows"))))
            continue
        seen: dict[str, int] = {}
        for index, row in enumerate(rows):
            line = index + 2
            for column in table.columns:
                message = _check_cell(table, column, row[column.name])
                if message:
                    problems.append(DataProblem(table.file, line, column.name, message))
                if column.unique and row[column.name]:
                    if row[column.name] in seen:
                        problems.append(
                            DataProblem(
                                table.file,
                                line,
                                column.name,
                                Message(N_("duplicate id '{id}' (first used on line {first})"),
                                        id=row[column.name], first=seen[row[column.name]]),
                            )
                        )
                    else:
                        seen[row[column.name]] = line
        rows_by_table[table.name] = rows
    _check_references(rows_by_table, problems)
    _check_rules(rows_by_table, problems)
    return problems


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [c.strip() for c in next(csv.reader(handle), [])]


def _check_references(rows_by_table: dict[str, list[dict[str, str]]], problems: list) -> None:
    """Every id that points into another table must exist there."""
    keys = {
        name: {row[TABLES_BY_NAME[name].key] for row in rows}
        for name, rows in rows_by_table.items()
    }
    for name, rows in rows_by_table.items():
        table = TABLES_BY_NAME[name]
        for index, row in enumerate(rows):
            for column in table.columns:
                if not column.refs or not row[column.name]:
                    continue
                if column.refs not in keys:
                    continue  # the target table is itself broken; reported already
                items = (
                    split_list(row[column.name]) if column.kind == "list" else (row[column.name],)
                )
                for item in items:
                    if item not in keys[column.refs]:
                        what = TABLES_BY_NAME[column.refs].key
                        problems.append(
                            DataProblem(
                                table.file,
                                index + 2,
                                column.name,
                                Message(N_("unknown {what} '{item}': it is not in {table}.csv"),
                                        what=what, item=item, table=column.refs),
                            )
                        )


def _check_rules(rows_by_table: dict[str, list[dict[str, str]]], problems: list) -> None:
    """Cross-row checks: schedules within their cycle, one right answer, sane cases."""
    for index, row in enumerate(rows_by_table.get("schedules", [])):
        if row["cycle_days"] and re.fullmatch(r"\d+", row["cycle_days"]):
            cycle = int(row["cycle_days"])
            try:
                last = parse_days(row["days"])[-1]
            except ValueError:
                continue
            if cycle < 1 or last > cycle:
                problems.append(
                    DataProblem(
                        "schedules.csv",
                        index + 2,
                        "days",
                        Message(N_("day {last} falls outside the {cycle}-day cycle"),
                                last=last, cycle=cycle),
                    )
                )
    dosed = {
        row["drug"]
        for row in rows_by_table.get("drugs", [])
        if "{dose}" in row.get("similarity_class", "")
    }
    for index, row in enumerate(rows_by_table.get("options", [])):
        needs = [d for d in split_list(row.get("drugs", "")) if d in dosed]
        if needs and row["category"] in DOSED_CATEGORIES and not row.get("dose_level"):
            problems.append(
                DataProblem(
                    "options.csv",
                    index + 2,
                    "dose_level",
                    Message(N_("is empty; {drug} is judged by its dose, so give one of: "
                               "{levels}"), drug=needs[0], levels=", ".join(DOSE_LEVELS)),
                )
            )
    answers: dict[str, list[int]] = {}
    for index, row in enumerate(rows_by_table.get("questions", [])):
        answers.setdefault(row["question"], [])
        if row["correct"] == "yes":
            answers[row["question"]].append(index + 2)
    first_line = {}
    for index, row in enumerate(rows_by_table.get("questions", [])):
        first_line.setdefault(row["question"], index + 2)
    for question, lines in answers.items():
        if len(lines) != 1:
            problems.append(
                DataProblem(
                    "questions.csv",
                    first_line[question],
                    "correct",
                    Message(N_("question '{question}' needs exactly one correct choice, has "
                               "{count}"), question=question, count=len(lines)),
                )
            )
    for index, row in enumerate(rows_by_table.get("cases", [])):
        line = index + 2
        if re.fullmatch(r"\d+", row["age"]) and not 18 <= int(row["age"]) <= 110:
            problems.append(
                DataProblem("cases.csv", line, "age",
                            Message(N_("must be from 18 to 110, got {age}"), age=row["age"]))
            )
        if row["disease"] == "refractory" and row["remission_months"]:
            problems.append(
                DataProblem(
                    "cases.csv",
                    line,
                    "remission_months",
                    Message(N_("must be blank for refractory disease (there was no "
                               "remission)")),
                )
            )
        if (row["prior_transplant"] == "yes") != bool(row["transplant_type"]):
            problems.append(
                DataProblem(
                    "cases.csv",
                    line,
                    "transplant_type",
                    Message(N_("give 'allogeneic' or 'autologous' when prior_transplant is "
                               "'yes', and leave it blank when it is 'no'")),
                )
            )
        if row["disease"] == "relapsed" and not row["remission_months"]:
            problems.append(
                DataProblem(
                    "cases.csv", line, "remission_months",
                    Message(N_("is required for relapsed disease")),
                )
            )


Row = Mapping[str, Any]
"""One row of a table, read-only: ``row["column"]`` holds the typed value.

Lists are tuples, yes/no cells booleans, whole numbers ``int`` (``None`` when blank) and
days sorted tuples of day numbers.
"""


def _typed(column: Column, value: str) -> Any:
    if column.kind == "list":
        return split_list(value)
    if column.kind == "yesno":
        return value == "yes"
    if column.kind == "int":
        return int(value) if value else None
    if column.kind == "days":
        return parse_days(value)
    return value


def _to_rows(table: Table, rows: list[dict[str, str]]) -> tuple[Row, ...]:
    """Validated text rows as typed read-only rows, in the table's column order."""
    return tuple(
        MappingProxyType({c.name: _typed(c, row[c.name]) for c in table.columns}) for row in rows
    )


def _to_frame(table: Table, rows: tuple[Row, ...]) -> pd.DataFrame:
    """A table's rows as a DataFrame (lists and days as tuples, blank numbers as None)."""
    import pandas as pd

    names = [c.name for c in table.columns]
    frame = pd.DataFrame([dict(row) for row in rows], columns=names)
    for column in table.columns:
        if column.kind == "int":  # whole numbers with blanks: keep None, not NaN
            values = [row[column.name] for row in rows]
            frame[column.name] = pd.Series(values, index=frame.index, dtype=object)
    return frame


class _Frames(Mapping[str, "pd.DataFrame"]):
    """``kb.tables``: each table's DataFrame, built (and pandas imported) on first access."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._kb.frame(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._kb.rows)

    def __len__(self) -> int:
        return len(self._kb.rows)


@dataclass(frozen=True, eq=False)  # hashed by identity, so caches can key on it
class KnowledgeBase:
    """The validated tables as typed rows; DataFrames of them on demand.

    The dashboard reads ``rows`` (and ``row(table, key)``) only; ``kb.options``,
    ``kb.frame("options")`` and ``kb.tables["options"]`` give a DataFrame for notebooks.
    """

    directory: Path
    rows: dict[str, tuple[Row, ...]] = field(repr=False)
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, init=False, repr=False)
    _keyed: dict[str, dict[str, Row]] = field(default_factory=dict, init=False, repr=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_") or name not in TABLES_BY_NAME:
            raise AttributeError(name)
        return self.frame(name)

    def frame(self, name: str) -> pd.DataFrame:
        """The table ``name`` as a pandas DataFrame (built once; imports pandas)."""
        if name not in self._frames:
            self._frames[name] = _to_frame(TABLES_BY_NAME[name], self.rows[name])
        return self._frames[name]

    @functools.cached_property
    def tables(self) -> Mapping[str, pd.DataFrame]:
        return _Frames(self)

    def option_ids(self) -> tuple[str, ...]:
        return tuple(row["option"] for row in self.rows["options"])

    @property
    def option_rows(self) -> tuple[Row, ...]:
        """options.csv as typed rows: the engine reads them on every click."""
        return self.rows["options"]

    def keyed(self, name: str) -> dict[str, Row]:
        """The rows of a table with a unique key (options, cases, drugs, ...) by that key."""
        if name not in self._keyed:
            key = TABLES_BY_NAME[name].key
            self._keyed[name] = {row[key]: row for row in self.rows[name]}
        return self._keyed[name]

    def row(self, name: str, key: str) -> Row:
        """One row by its key, e.g. ``kb.row("cases", "case-3")``; KeyError if unknown."""
        return self.keyed(name)[key]


@functools.lru_cache(maxsize=8)
def _load(directory: Path) -> KnowledgeBase:
    problems = _check_tables(directory)
    if problems:
        raise DataError(problems)
    scratch: list[DataProblem] = []
    rows = {
        table.name: _to_rows(table, _read_csv(directory / table.file, scratch) or [])
        for table in TABLES
    }
    return KnowledgeBase(directory, rows)


def load_knowledge_base(directory: Path | str | None = None) -> KnowledgeBase:
    """Load and validate ``data/`` once; raises :class:`DataError` naming every problem."""
    directory = Path(directory) if directory is not None else data_dir()
    return _load(directory.resolve())


def clear_cache() -> None:
    """Forget loaded tables, e.g. after an instructor edits ``data/`` in a running kernel."""
    _load.cache_clear()
