"""``export ... --lang fr``: every format in French, parsed back as its reader parses it, with
the French questions, feedback, glossary and cases and no English sentence of the catalogues
or tables left (the reference lists, whose citations are the same in both languages, aside)."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from html import unescape
from pathlib import Path

import pytest

from aml_teach.__main__ import main
from aml_teach.export import anki, moodle
from aml_teach.teaching.quiz import reason
from tests.leaks import leaks, visible_text

from .conftest import DATA, FILES, export

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
REFERENCE_LISTS = re.compile(r'(?s)<ol class="aml-(?:sources|references)".*?</ol>')


def french(table: str) -> list[dict[str, str]]:
    with (DATA / "fr" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def english_left(html: str) -> list[str]:
    return leaks(visible_text(REFERENCE_LISTS.sub(" ", html)))


def reason_words(explanation: str) -> str:
    """Words from the middle of a French explanation, without its "Bonne réponse :"."""
    return reason(explanation, "fr")[1:40]


@pytest.fixture(scope="session")
def exported_fr(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exports-fr")
    return {fmt: export(fmt, folder / name, "--lang", "fr") for fmt, name in FILES.items()}


def test_anki_deck_in_french(exported_fr, tmp_path):
    with zipfile.ZipFile(exported_fr["anki"]) as archive:
        archive.extract("collection.anki2", tmp_path)
    with sqlite3.connect(tmp_path / "collection.anki2") as db:
        models = json.loads(db.execute("select models from col").fetchone()[0])
        decks = json.loads(db.execute("select decks from col").fetchone()[0])
        notes = db.execute("select guid, mid, flds from notes order by id").fetchall()
    assert {m["name"] for m in models.values()} == {"question aml-teach",
                                                    "terme du glossaire aml-teach"}
    assert any(d["name"] == "aml-teach\u00a0: LMA en rechute ou réfractaire"
               for d in decks.values())
    fields = [flds.split("\x1f") for _guid, _mid, flds in notes]
    text = "\n".join(f for note in fields for f in note)
    for row in french("questions"):
        assert row["prompt"].replace("'", "&#x27;") in text or row["prompt"] in unescape(text)
        assert reason_words(row["explanation"]) in unescape(text)
    for row in french("glossary"):
        assert [row["name"]] in [[unescape(note[0])] for note in fields]
    assert english_left(text) == []
    guids = {guid for guid, _mid, _flds in notes}
    assert anki.question_guid("q-1", "fr") in guids
    assert anki.question_guid("q-1") not in guids, "the French deck is another deck"


def test_moodle_bank_and_glossary_in_french(exported_fr):
    root = ET.parse(exported_fr["moodle"]).getroot()
    categories = [q.findtext("category/text") for q in root.findall("question")
                  if q.get("type") == "category"]
    assert any(c.startswith("$course$/top/aml-teach/Leçon ") for c in categories)
    prompts = {unescape(q.findtext("questiontext/text"))
               for q in root.findall("question") if q.get("type") == "multichoice"}
    assert {f"<p>{row['prompt']}</p>" for row in french("questions")} <= prompts
    feedback = [unescape(a.findtext("feedback/text")) for a in root.iter("answer")]
    assert all(f.startswith(("<p>✔ Bonne réponse\u00a0: ", "<p>✘ Mauvaise réponse\u00a0: "))
               for f in feedback)
    everything = ET.tostring(root, encoding="unicode")
    assert english_left(unescape(everything)) == []
    glossary = ET.parse(moodle.glossary_path(exported_fr["moodle"])).getroot()
    concepts = [e.findtext("CONCEPT") for e in glossary.iter("ENTRY")]
    assert sorted(concepts) == sorted(row["name"] for row in french("glossary"))
    assert english_left(unescape(ET.tostring(glossary, encoding="unicode"))) == []


def test_qti_quiz_in_french(exported_fr):
    with zipfile.ZipFile(exported_fr["qti"]) as archive:
        xml = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    assert "aml-teach\u00a0: autoévaluation sur la LMA en rechute ou réfractaire" in xml
    for row in french("questions"):
        assert reason_words(row["explanation"]) in unescape(unescape(xml))
    assert english_left(unescape(xml)) == []


def test_handout_in_french(exported_fr):
    html = exported_fr["handout"].read_text(encoding="utf-8")
    assert '<html lang="fr">' in html
    for row in french("cases"):
        assert row["title"].replace("'", "&#x27;") in html
    text = visible_text(html)
    assert "Options qui s'appliquent" in text and "Cas d'enseignement 1 sur" in text
    assert english_left(html) == []


def test_a_missing_french_text_is_named_and_nothing_written(data_copy, tmp_path, capsys):
    rows = data_copy.rows("fr/questions")
    data_copy.write("fr/questions", rows[1:])
    out = tmp_path / "deck.apkg"
    assert main(["export", "anki", str(out), "--lang", "fr", "--data",
                 str(data_copy.path)]) == 2
    err = capsys.readouterr().err
    # said in the export's language, by the English file, line and column
    assert re.search(r"questions\.csv, ligne 2, colonne «\s*prompt\s*»\s*: n'a pas de "
                     r"traduction \(fr\)", err), err
    assert "rien n'a été écrit" in err
    assert not out.exists()


def test_english_exports_stay_english(tmp_path):
    out = export("qti", tmp_path / "quiz.zip")
    with zipfile.ZipFile(out) as archive:
        xml = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    assert "aml-teach: relapsed and refractory AML self-check" in xml
    assert "Bonne réponse" not in xml


@pytest.mark.browser
def test_each_french_case_prints_on_one_a4_page(exported_fr, playwright_driver):
    """French runs longer than English: each case must still fit its printed page."""
    from .test_handout import A4_PRINTABLE_PX, A4_WIDTH_PX, CHROMIUM, violations

    if not Path(CHROMIUM).exists():
        pytest.skip(f"NO BROWSER: {CHROMIUM} is missing")
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu",
                                        "--disable-background-networking"])
    try:
        page = browser.new_page(viewport={"width": round(A4_WIDTH_PX), "height": 1000})
        page.goto(exported_fr["handout"].as_uri())
        assert violations(page, "handout-fr", ["body"]) == []
        page.emulate_media(media="print")
        heights = page.eval_on_selector_all(
            "article.aml-handout:not(#aml-references)",
            "els => els.map(e => [e.id, e.getBoundingClientRect().height])")
        assert len(heights) == len(french("cases"))
        for case, height in heights:
            assert height <= A4_PRINTABLE_PX, f"{case} needs {height:.0f}px of {A4_PRINTABLE_PX}"
    finally:
        browser.close()
