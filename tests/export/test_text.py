"""The exports' words: keys naming catalogue messages, so every language has every key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from aml_teach.core.i18n import po_path
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


def test_an_unknown_language_is_refused():
    with pytest.raises(text.LanguageUnavailable, match=r"use 'en' \(English\) or 'fr'"):
        text.translator("de")
    with pytest.raises(ValueError):
        text.translator(None)


def test_every_key_is_a_catalogue_message_with_its_french():
    """A key's English is a msgid of the exports' or the summary's catalogue, and the French
    translator gives something else for every key of more than one word."""
    english, french = text.translator("en"), text.translator("fr")
    catalogued = {m.id for domain in ("export", "teaching") for m in read_po(
        po_path("fr", domain).open("rb")) if m.id}
    for key, message in text.EN.items():
        assert message in catalogued, key
        assert english(key) == message
        if len(re.findall(r"[A-Za-z]{2,}", re.sub(r"\{[^}]*\}", "", message))) > 1:
            assert french(key) != message, key
