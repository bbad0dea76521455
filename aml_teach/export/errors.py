"""Errors the ``export`` command reports as a one-line message and exit code 2."""

from __future__ import annotations

from .text import LanguageUnavailable


class ExportError(Exception):
    """A problem the user can fix (bad path, unknown format); the message says what to do."""


__all__ = ["ExportError", "LanguageUnavailable"]
