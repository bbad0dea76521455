"""The exports' words come from one catalogue per language, so a French edition swaps it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aml_teach.export import text
from aml_teach.teaching import summary

EXPORT = Path(text.__file__).parent
# the one-patient summary the handout prints lives with the lessons (the dashboard prints it)
SUMMARY = Path(summary.__file__)
KEY = re.compile(r"""\btr\(\s*["']([a-z_]+)["']""")


def test_every_key_the_exports_use_is_in_each_catalogue():
    used = {key for path in [*EXPORT.glob("*.py"), SUMMARY] if path.name != "text.py"
            for key in KEY.findall(path.read_text())}
    used.add("live_note")  # the site's extension asks translator(LANG)("live_note")
    assert len(used) > 30
    for lang, catalogue in text.CATALOGUES.items():
        assert used <= set(catalogue), f"{lang} lacks {sorted(used - set(catalogue))}"
        assert set(catalogue) == set(text.EN), f"{lang} has other keys than en"


def test_a_language_without_a_catalogue_is_refused():
    with pytest.raises(text.LanguageUnavailable, match="'fr' edition is not available yet"):
        text.translator("fr")
    with pytest.raises(text.LanguageUnavailable, match="unknown language 'de'"):
        text.translator("de")
