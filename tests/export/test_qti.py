"""The QTI 1.2 package read back as Canvas reads it: the manifest, then each item.

The QTI 1.2 XML schema cannot be had offline here, so the structure Canvas's importer needs
is checked instead: a manifest whose imsqti_xmlv1p2 resource names a file in the zip, and per
item the question type, the choices, one choice scoring 100 and feedback for every choice.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from html import unescape

from .conftest import question_rows, reason_words

CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


def package(path) -> tuple[ET.Element, ET.Element]:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        manifest = ET.fromstring(archive.read("imsmanifest.xml"))
        resources = manifest.findall(f"{CP}resources/{CP}resource")
        quiz = [r for r in resources if r.get("type") == "imsqti_xmlv1p2"]
        assert len(quiz) == 1
        href = quiz[0].find(f"{CP}file").get("href")
        assert href in names
        for resource in resources:
            for file in resource.findall(f"{CP}file"):
                assert file.get("href") in names, f"{file.get('href')} is not in the zip"
        return manifest, ET.fromstring(archive.read(href))


def metadata(item: ET.Element) -> dict[str, str]:
    fields = item.findall(f"{QTI}itemmetadata/{QTI}qtimetadata/{QTI}qtimetadatafield")
    return {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry") for f in fields}


def test_manifest_and_one_item_per_question(exported):
    _, assessment = package(exported["qti"])
    assert assessment.tag == f"{QTI}questestinterop"
    items = assessment.findall(f"{QTI}assessment/{QTI}section/{QTI}item")
    questions = question_rows()
    assert sorted(item.get("title") for item in items) == sorted(questions)
    assert len({item.get("ident") for item in items}) == len(items)


def test_each_item_scores_one_choice_and_explains_every_choice(exported):
    _, assessment = package(exported["qti"])
    questions = question_rows()
    for item in assessment.iter(f"{QTI}item"):
        rows = questions[item.get("title")]
        assert metadata(item)["question_type"] == "multiple_choice_question"
        labels = item.findall(f"{QTI}presentation/{QTI}response_lid/{QTI}render_choice/"
                              f"{QTI}response_label")
        assert len(labels) == len(rows)
        text = {label.get("ident"): unescape(label.findtext(f".//{QTI}mattext"))[3:-4]
                for label in labels}
        assert sorted(text.values()) == sorted(r["choice"] for r in rows)
        scoring = [c for c in item.iter(f"{QTI}respcondition")
                   if c.find(f"{QTI}setvar") is not None]
        assert len(scoring) == 1 and scoring[0].findtext(f"{QTI}setvar") == "100"
        right = scoring[0].findtext(f"{QTI}conditionvar/{QTI}varequal")
        assert text[right] == next(r["choice"] for r in rows if r["correct"] == "yes")
        feedback = {f.get("ident"): unescape(f.findtext(f".//{QTI}mattext"))
                    for f in item.findall(f"{QTI}itemfeedback")}
        shown = {d.get("linkrefid") for d in item.iter(f"{QTI}displayfeedback")}
        for ident, choice in text.items():
            assert f"{ident}_fb" in shown
            row = next(r for r in rows if r["choice"] == choice)
            assert reason_words(row["explanation"]) in feedback[f"{ident}_fb"]
