"""``check-data``: the tables, then the text of a language, in one list of problems.

Kept apart from :mod:`.knowledge` (which reads the tables) and :mod:`.translated_tables`
(which lays a language's text over them), because it needs both.
"""

from __future__ import annotations

from pathlib import Path

from .i18n import DEFAULT_LANGUAGE, check_lang
from .knowledge import DataProblem, check_tables, data_dir, load_knowledge_base
from .translated_tables import check_translations


def check_data(
    directory: Path | str | None = None, lang: str = DEFAULT_LANGUAGE
) -> list[DataProblem]:
    """Check every table in ``directory``; return all problems (empty when all is well).

    With ``lang`` other than English, a class in that language is checked for too: once the
    tables are sound, every text missing from ``data/<lang>/`` is a problem (each problem says
    itself in any language: ``problem.text(lang)``).
    """
    lang = check_lang(lang)
    directory = Path(directory) if directory is not None else data_dir()
    problems = check_tables(directory)
    if not problems:  # sound tables: now the text in lang (English has nothing to add)
        problems = check_translations(load_knowledge_base(directory), lang)
    return problems
