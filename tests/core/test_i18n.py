"""The French edition's machinery: languages, catalogues, translated tables, numbers."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
from babel.messages.pofile import read_po

from aml_teach.core import i18n
from aml_teach.core.knowledge import DataError, load_knowledge_base
from aml_teach.core.translated_tables import (
    TRANSLATED,
    check_translations,
    english_rows,
    localized,
)
from tests.conftest import DATA
from tests.leaks import leaks

FIELD = re.compile(r"\{[^}]*\}")


def catalogue(domain: str):
    with i18n.po_path("fr", domain).open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("lang", ["de", "EN", "", None, 3, "français"])
def test_an_unknown_language_is_a_clear_error(lang):
    with pytest.raises(ValueError, match=r"use 'en' \(English\) or 'fr' \(Français\)"):
        i18n.check_lang(lang)
    with pytest.raises(ValueError):
        i18n.translator(lang)


@pytest.mark.parametrize("domain", i18n.DOMAINS)
def test_every_catalogue_entry_is_translated(domain):
    untranslated, fuzzy, wrong_fields = [], [], []
    for message in catalogue(domain):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not all(strings):
            untranslated.append(ids[0])
        if message.fuzzy:
            fuzzy.append(ids[0])
        for string in strings:
            if sorted(FIELD.findall(string)) != sorted(FIELD.findall(ids[-1])) and not (
                len(ids) == 2 and sorted(FIELD.findall(string)) == sorted(FIELD.findall(ids[0]))
            ):
                wrong_fields.append(ids[0])
    assert not untranslated, f"{domain}.po: no French for {untranslated[:5]}"
    assert not fuzzy, f"{domain}.po: fuzzy (unchecked) entries {fuzzy[:5]}"
    assert not wrong_fields, f"{domain}.po: the French drops or adds a {{field}}: {wrong_fields}"


@pytest.mark.parametrize("domain", i18n.DOMAINS)
def test_catalogues_hold_exactly_what_the_code_marks(domain):
    """A marked string missing from the .po would show in English on a French page; run
    `python -m aml_teach.core.i18n update` and translate the new entries."""
    in_code = {m.id for m in i18n.extract(domain) if m.id}
    in_po = {m.id for m in catalogue(domain) if m.id}
    assert in_code - in_po == set(), "marked in the code but not in the catalogue"
    assert in_po - in_code == set(), "in the catalogue but no longer in the code"


def test_numbers_and_dates_take_the_canadian_french_form():
    assert i18n.number_range(100, 200, "fr") == "100 à 200"
    assert i18n.number(0.5, "fr") == "0,5"
    assert i18n.number(0.5, "en") == "0.5"
    assert i18n.number(1000, "fr") == "1\u00a0000"
    assert i18n.long_date(date(2019, 12, 23), "fr") == "23 décembre 2019"
    assert i18n.long_date(date(2019, 12, 23), "en") == "December 23, 2019"
    assert i18n.month_year(date(2026, 12, 1), "fr") == "décembre 2026"


def test_french_plural_counts_one_as_singular():
    _ = i18n.translator("fr")
    assert _("{low} to {high}", low="1", high="2") == "1 à 2"


def test_every_knowledge_base_text_has_its_french():
    assert check_translations(load_knowledge_base(), "fr") == []


def test_translation_keeps_the_rules_and_numbers():
    kb = load_knowledge_base()
    french = localized(kb, "fr")
    for spec in TRANSLATED:
        for en_row, fr_row in zip(english_rows(kb, spec.table), french.rows[spec.table],
                                  strict=True):
            assert set(en_row) == set(fr_row)
            for column in en_row:
                if column not in spec.texts:
                    assert fr_row[column] == en_row[column], (spec.table, column)


def test_a_new_option_without_french_is_named_by_file_line_and_column(data_copy):
    rows = data_copy.rows("options")
    new = dict(rows[0], option="new-option", name="A new option")
    data_copy.write("options", [*rows, new])
    kb = load_knowledge_base(data_copy.path)
    problems = [str(p) for p in check_translations(kb, "fr")]
    line = len(rows) + 2
    assert f"options.csv, line {line}, column 'summary': has no fr translation: add option " \
        "'new-option' with its summary to fr/options.csv" in problems
    with pytest.raises(DataError, match="new-option"):
        localized(kb, "fr")


def test_a_french_dose_must_give_the_english_numbers(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    path = tmp_path / "data" / "fr" / "schedules.csv"
    text = path.read_text(encoding="utf-8")
    assert "100 à 200 mg/m²" in text
    path.write_text(text.replace("100 à 200 mg/m²", "100 à 250 mg/m²", 1), encoding="utf-8")
    problems = check_translations(load_knowledge_base(tmp_path / "data"), "fr")
    assert [(p.file, p.line, p.column) for p in problems] == [("fr/schedules.csv", 2, "dose")]


def test_the_leak_finder_finds_english():
    assert leaks("Le patient reçoit ceci. Does not apply: needs a matched donor.")
    assert not leaks("Ne s'applique pas : il faut un donneur compatible.")
