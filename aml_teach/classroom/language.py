"""The class's language: ``serve --lang fr`` puts it in the environment of every page it
makes (a Voila kernel, or the Solara process), and a page reads it from there (light: the
servers import it without the widgets)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import parse_qs

from ..core.i18n import DEFAULT_LANGUAGE, LANGUAGES

LANGUAGE_ENV = "AML_TEACH_LANG"


def class_language() -> str:
    """The class's language: what ``serve --lang`` chose, else English."""
    lang = os.environ.get(LANGUAGE_ENV, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def asked_language(query: str | Mapping[str, list] | None) -> str:
    """The language a page's address asks for (``?lang=fr``), else the class's."""
    found = parse_qs(query or "") if isinstance(query, str | None) else query
    asked = [v.decode() if isinstance(v, bytes) else v for v in found.get("lang", [])]
    return asked[-1] if asked and asked[-1] in LANGUAGES else class_language()
