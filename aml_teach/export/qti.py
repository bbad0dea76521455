"""The question bank as a QTI 1.2 package that Canvas imports as one quiz.

The zip holds ``imsmanifest.xml`` (IMS Content Packaging, as Canvas writes it), the
assessment ``<ID>/<ID>.xml`` and Canvas's quiz settings ``<ID>/assessment_meta.xml``. Each
question is a ``multiple_choice_question`` item with one ``itemfeedback`` per choice.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
import zipfile
from html import escape
from pathlib import Path

from .common import Course, atomic_files, marked_html, numbering, sources_html

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
QTI_XSD = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2 http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
QUIZ_ID = "g" + hashlib.md5(b"aml-teach quiz").hexdigest()  # fixed: re-imports match
RESPONSE = "response1"
LETTERS = "abcdefghij"


def _ident(*parts: str) -> str:
    """An XML-safe identifier made from ids that may hold '+' or spaces."""
    return "g" + hashlib.md5("/".join(parts).encode()).hexdigest()


def _meta(parent: ET.Element, fields: dict[str, str]) -> None:
    metadata = ET.SubElement(parent, "qtimetadata")
    for label, entry in fields.items():
        field = ET.SubElement(metadata, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry


def _material(parent: ET.Element, html: str) -> None:
    ET.SubElement(ET.SubElement(parent, "material"), "mattext",
                  {"texttype": "text/html"}).text = html


def _item(section: ET.Element, course: Course, question) -> None:
    tr = course.tr
    numbers = numbering(question.sources)
    item_id = _ident("question", question.id)
    choice_ids = [f"{item_id}{LETTERS[i]}" for i in range(len(question.choices))]
    item = ET.SubElement(section, "item", {"ident": item_id, "title": question.id})
    _meta(ET.SubElement(item, "itemmetadata"), {
        "question_type": "multiple_choice_question",
        "points_possible": "1.0",
        "original_answer_ids": ",".join(choice_ids),
        "assessment_question_identifierref": _ident("bank", question.id),
    })
    presentation = ET.SubElement(item, "presentation")
    _material(presentation, f"<p>{escape(question.prompt)}</p>")
    response = ET.SubElement(presentation, "response_lid",
                             {"ident": RESPONSE, "rcardinality": "Single"})
    render = ET.SubElement(response, "render_choice")
    for ident, choice in zip(choice_ids, question.choices, strict=True):
        _material(ET.SubElement(render, "response_label", {"ident": ident}),
                  f"<p>{escape(choice.text)}</p>")
    processing = ET.SubElement(item, "resprocessing")
    ET.SubElement(ET.SubElement(processing, "outcomes"), "decvar",
                  {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"})
    ET.SubElement(processing, "respcondition", {"continue": "Yes"}).append(
        ET.Element("displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"}))
    for ident in choice_ids:
        condition = ET.SubElement(processing, "respcondition", {"continue": "Yes"})
        ET.SubElement(ET.SubElement(condition, "conditionvar"), "varequal",
                      {"respident": RESPONSE}).text = ident
        ET.SubElement(condition, "displayfeedback",
                      {"feedbacktype": "Response", "linkrefid": f"{ident}_fb"})
    right = choice_ids[next(i for i, c in enumerate(question.choices) if c.correct)]
    condition = ET.SubElement(processing, "respcondition", {"continue": "No"})
    ET.SubElement(ET.SubElement(condition, "conditionvar"), "varequal",
                  {"respident": RESPONSE}).text = right
    ET.SubElement(condition, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"
    general = ET.SubElement(item, "itemfeedback", {"ident": "general_fb"})
    _material(ET.SubElement(general, "flow_mat"),
              f"<p>{escape(tr('sources_label'))}</p>{sources_html(course, numbers)}"
              f"<p><em>{escape(tr('disclaimer'))}</em></p>")
    for ident, choice in zip(choice_ids, question.choices, strict=True):
        feedback = ET.SubElement(item, "itemfeedback", {"ident": f"{ident}_fb"})
        _material(ET.SubElement(feedback, "flow_mat"),
                  f"<p>{marked_html(course, choice, numbers)}</p>")


def assessment_xml(course: Course) -> ET.Element:
    """The quiz: one section, the questions in lesson order."""
    root = ET.Element("questestinterop", {"xmlns": QTI_NS, "xmlns:xsi": XSI_NS,
                                          "xsi:schemaLocation": QTI_XSD})
    assessment = ET.SubElement(root, "assessment",
                               {"ident": QUIZ_ID, "title": course.tr("quiz_title")})
    _meta(assessment, {"cc_maxattempts": "1"})
    section = ET.SubElement(assessment, "section", {"ident": "root_section"})
    ordered = sorted(course.questions, key=lambda q: (
        q.id not in course.lessons, getattr(course.lessons.get(q.id), "number", 0)))
    for question in ordered:
        _item(section, course, question)
    ET.indent(root)
    return root


def meta_xml(course: Course) -> ET.Element:
    """Canvas's own quiz settings (title, description), read on import."""
    tr = course.tr
    quiz = ET.Element("quiz", {"identifier": QUIZ_ID, "xmlns": CANVAS_NS})
    values = {
        "title": tr("quiz_title"),
        "description": f"<p>{escape(tr('disclaimer'))}</p>",
        "shuffle_answers": "true",
        "scoring_policy": "keep_highest",
        "quiz_type": "practice_quiz",
        "points_possible": f"{float(len(course.questions)):.1f}",
        "allowed_attempts": "-1",
        "show_correct_answers": "true",
    }
    for tag, value in values.items():
        ET.SubElement(quiz, tag).text = value
    ET.indent(quiz)
    return quiz


def manifest_xml(course: Course) -> ET.Element:
    meta_id = _ident("meta", QUIZ_ID)
    manifest = ET.Element("manifest", {"identifier": _ident("manifest", QUIZ_ID), "xmlns": CP_NS})
    metadata = ET.SubElement(manifest, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Content"
    ET.SubElement(metadata, "schemaversion").text = "1.1.3"
    ET.SubElement(manifest, "organizations")
    resources = ET.SubElement(manifest, "resources")
    resource = ET.SubElement(resources, "resource",
                             {"identifier": QUIZ_ID, "type": "imsqti_xmlv1p2"})
    ET.SubElement(resource, "file", {"href": f"{QUIZ_ID}/{QUIZ_ID}.xml"})
    ET.SubElement(resource, "dependency", {"identifierref": meta_id})
    meta = ET.SubElement(resources, "resource", {
        "identifier": meta_id,
        "type": "associatedcontent/imscc_xmlv1p1/learning-application-resource",
        "href": f"{QUIZ_ID}/assessment_meta.xml"})
    ET.SubElement(meta, "file", {"href": f"{QUIZ_ID}/assessment_meta.xml"})
    ET.indent(manifest)
    return manifest


def _bytes(element: ET.Element) -> bytes:
    return ET.tostring(element, encoding="UTF-8", xml_declaration=True)


def write(course: Course, out: Path, lang: str = "en") -> list[Path]:
    files = {
        "imsmanifest.xml": manifest_xml(course),
        f"{QUIZ_ID}/{QUIZ_ID}.xml": assessment_xml(course),
        f"{QUIZ_ID}/assessment_meta.xml": meta_xml(course),
    }
    with atomic_files(out) as (temp,), zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, element in files.items():
            zf.writestr(name, _bytes(element))
    return [out]
