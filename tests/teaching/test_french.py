"""The lessons in French: every helper a lesson calls takes ``lang``, and in French every state
it can show (every case, question and choice, exercise, classifier state, regimen, patient
summary, glossary) holds no English sentence of the catalogues or tables (reference lists,
whose citations are the same in both languages, are left out of the text checked)."""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

import ipywidgets as widgets
import pytest
from IPython.display import HTML

from aml_teach import Patient, load_knowledge_base
from aml_teach.core.i18n import translator
from aml_teach.core.schedules import scheduled_options, variants
from aml_teach.teaching import glossary, lessons, quiz
from aml_teach.teaching.options_html import options_html
from aml_teach.teaching.summary import patient_summary_html
from tests.leaks import leaks, visible_text

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
KB = load_knowledge_base()
CASES = [row["case"] for row in KB.rows["cases"]]
QUESTIONS = list(dict.fromkeys(row["question"] for row in KB.rows["questions"]))
REFERENCE_LISTS = re.compile(r'(?s)<ol class="aml-(?:references|sources)".*?</ol>')
PATIENTS = (
    Patient(age=52, fit_for_intensive=True, disease="relapsed", remission_months=20,
            prior_treatments=("7+3",), matched_donor=True),
    Patient(age=78, fit_for_intensive=False, disease="relapsed", remission_months=6.5,
            markers=frozenset({"FLT3", "CD33", "IDH1"}), cns=True, white_cell_count=120.0),
    Patient(age=40, fit_for_intensive=True, disease="refractory", remission_months=None,
            prior_treatments=("7+3", "FLAG"), prior_transplant="allogeneic",
            markers=frozenset({"IDH2", "NPM1", "KMT2A"})),
    Patient(age=66, fit_for_intensive=False, disease="relapsed", remission_months=14,
            prior_transplant="autologous", matched_donor=True),
)


def english_left(html: str) -> list[str]:
    """The English a French page shows, its reference lists left out."""
    return leaks(visible_text(REFERENCE_LISTS.sub(" ", html)))


def widget_text(widget: widgets.Widget) -> str:
    """Everything a widget shows: HTML values, labels, choices, tooltips, buttons' words."""
    parts = []
    if isinstance(widget, widgets.HTML):
        parts.append(widget.value)
    for name in ("description", "tooltip"):
        parts.append(str(getattr(widget, name, "") or ""))
    labels = getattr(widget, "_options_labels", None)
    if labels:
        parts.extend(labels)
    for child in getattr(widget, "children", ()):
        parts.append(widget_text(child))
    return "\n".join(parts)


def shown(output: object) -> str:
    if isinstance(output, HTML):
        return output.data
    if isinstance(output, widgets.Widget):
        return widget_text(output)
    if isinstance(output, str):
        return output
    raise TypeError(f"not a lesson output: {type(output).__name__}")


# Every helper a lesson calls takes lang --------------------------------------------------------


def lesson_calls() -> dict[str, set[str]]:
    """The teaching functions the English lessons import, by module."""
    found: dict[str, set[str]] = {}
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                        "aml_teach.teaching"):
                    found.setdefault(node.module, set()).update(a.name for a in node.names)
    return found


def test_the_lessons_call_teaching_helpers():
    calls = lesson_calls()
    assert {"disclaimer", "factor_effect", "classifier"} <= calls["aml_teach.teaching.lessons"]
    assert {"quiz", "case_questions", "epi_exercises"} <= calls["aml_teach.teaching.quiz"]


@pytest.mark.parametrize("module, name", sorted(
    (module, name) for module, names in lesson_calls().items() for name in names))
def test_every_helper_a_lesson_calls_takes_lang(module, name):
    function = getattr(__import__(module, fromlist=[name]), name)
    parameter = inspect.signature(function).parameters.get("lang")
    assert parameter is not None and parameter.default == "en", f"{name} has no lang='en'"


@pytest.mark.parametrize("call", [
    lambda: lessons.disclaimer(lang="de"),
    lambda: lessons.drug_table(["cytarabine"], lang="EN"),
    lambda: lessons.classifier(lang="français"),
    lambda: quiz.quiz("q-1", lang="es"),
    lambda: options_html(PATIENTS[0], lang="xx"),
])
def test_an_unknown_language_is_a_clear_error(call):
    with pytest.raises(ValueError, match=r"use 'en' \(English\) or 'fr' \(Français\)"):
        call()


# The lessons' own calls, in French ------------------------------------------------------------


class FrenchLesson(ast.NodeTransformer):
    """A lesson's code as its French notebook has it: lang="fr" on every teaching call."""

    def __init__(self, teaching: set[str]) -> None:
        self.teaching = teaching

    def visit_Call(self, node: ast.Call) -> ast.Call:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in self.teaching:
            node.keywords.append(ast.keyword("lang", ast.Constant("fr")))
        return node


def french_outputs(path: Path) -> list[tuple[str, object]]:
    """Run an English lesson's code cells with lang="fr" added; what each cell shows."""
    teaching = {name for names in lesson_calls().values() for name in names}
    namespace: dict[str, object] = {}
    outputs = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        tree = FrenchLesson(teaching).visit(ast.parse(source))
        last = tree.body[-1] if tree.body else None
        if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call) and \
                isinstance(last.value.func, ast.Name) and last.value.func.id in teaching:
            tree.body[-1] = ast.Assign([ast.Name("_shown", ast.Store())], last.value)
            exec(compile(ast.fix_missing_locations(tree), path.name, "exec"), namespace)
            outputs.append((source, namespace.pop("_shown")))
        else:
            exec(compile(ast.fix_missing_locations(tree), path.name, "exec"), namespace)
    return outputs


@pytest.mark.parametrize("lesson", sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")
                                          if p.name != "dashboard.ipynb"))
def test_every_lesson_output_is_french(lesson, monkeypatch):
    monkeypatch.chdir(NOTEBOOKS)
    monkeypatch.setattr(lessons, "_CITED", {})
    outputs = french_outputs(NOTEBOOKS / lesson)
    assert outputs
    for source, output in outputs:
        assert english_left(shown(output)) == [], source


# Every state, in French ------------------------------------------------------------------------


def test_the_disclaimer_and_the_pathway():
    html = lessons.disclaimer(reviewed=True, lang="fr").data
    assert 'lang="fr"' in html and english_left(html) == []
    assert english_left(lessons.pathway_html(lang="fr")) == []
    for patient in PATIENTS:
        html = lessons.pathway_html(patient, lang="fr")
        assert english_left(html) == [] and "(pas maintenant)" in html


@pytest.mark.parametrize("patient", PATIENTS, ids=range(len(PATIENTS)))
def test_the_options_of_a_patient(patient):
    for excluded in (False, True):
        for summary in (False, True):
            html = options_html(patient, excluded, summary=summary, lang="fr")
            assert english_left(html) == []
    html = lessons.show_options(patient, include_excluded=True, lang="fr").data
    assert 'lang="fr"' in html and english_left(html) == []
    assert english_left(patient_summary_html(patient, lang="fr")) == []


def test_every_factor_change():
    base = PATIENTS[0]
    for change, fields in (("the remission lasted 8 months instead of 20",
                            {"remission_months": 8}),
                           ("older", {"age": 80}), ("no donor", {"matched_donor": False}),
                           ("cns", {"cns": True}), ("unfit", {"fit_for_intensive": False}),
                           ("allo", {"prior_transplant": "allogeneic"})):
        html = lessons.factor_effect(base, change, lang="fr", **fields).data
        assert english_left(html) == [], change


def test_every_regimen_and_drug():
    for option, _name in scheduled_options():
        assert english_left(lessons.timeline(option, lang="fr").data) == [], option
        for variant in variants(option):
            assert english_left(lessons.timeline(option, variant, lang="fr").data) == []
    everything = [option for option, _name in scheduled_options()]
    assert english_left(lessons.compare_timelines(*everything, lang="fr").data) == []
    assert english_left(lessons.timeline_comparison_html([], lang="fr")) == []
    box = lessons.timeline_chooser(everything[:3], selected=everything[:1], lang="fr")
    assert english_left(widget_text(box)) == []
    assert english_left(lessons.drug_table(list(KB.keyed("drugs")), lang="fr").data) == []
    assert english_left(lessons.option_table(list(KB.option_ids()), lang="fr").data) == []
    assert english_left(lessons.marker_table(lang="fr").data) == []


def test_the_classifier_in_every_state():
    assert english_left(lessons.classify_examples(lang="fr").data) == []
    box = lessons.classifier(lang="fr")
    remission, courses, days, blasts, samples, extramedullary, _, verdict, _guard = box.children
    states = []
    for change in (lambda: setattr(courses, "value", 1), lambda: setattr(days, "value", 179),
                   lambda: setattr(days, "value", 240), lambda: setattr(days, "value", 0),
                   lambda: setattr(remission, "value", True),
                   lambda: setattr(blasts, "value", 2.5), lambda: setattr(samples, "value", 1),
                   lambda: setattr(samples, "value", 2),
                   lambda: setattr(extramedullary, "value", True),
                   lambda: setattr(blasts, "value", 150.5),
                   lambda: setattr(days, "value", -3)):
        change()
        states.append(widget_text(box))
    for state in states:
        assert english_left(state) == []
    assert "150,5 a été changé en 100" in states[-2]


@pytest.mark.parametrize("case", CASES)
def test_every_case_its_questions_and_the_reveal(case):
    assert english_left(quiz.show_case(case, lang="fr").data) == []
    box = quiz.case_questions(case, lang="fr")
    *questions, reveal, options, _guard = box.children
    reveal.click()
    assert "aml-option" in options.value
    assert english_left(widget_text(box)) == []


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_choice_of_every_question(question):
    french = quiz.get_question(question, lang="fr")
    english = quiz.get_question(question)
    assert [c.correct for c in french.choices] == [c.correct for c in english.choices]
    widget = quiz.QuestionWidget(french, 1, lang="fr")
    assert english_left(widget_text(widget)) == []
    for position, choice in enumerate(french.choices):
        widget.answer.value = choice.text
        widget.check.click()
        html = widget.feedback.value
        assert english_left(html) == [], choice.text
        assert ("Bonne réponse." in html) is choice.correct
        assert ("Pas tout à fait." in html) is not choice.correct
        # the marks say right or wrong: no explanation still starts "Bonne réponse :"
        assert not re.search(r"</strong>: Bonne réponse\s*:", html)
        assert quiz.check_answer(question, position, lang="fr").correct is choice.correct


def test_the_prognostic_index_in_every_state():
    assert english_left(quiz.epi_points(lang="fr").data) == []
    box = quiz.epi_exercises(lang="fr")
    assert english_left(widget_text(box)) == []
    for scenario in quiz.EPI_SCENARIOS:
        right = scenario.index()
        for score, group in ((right.score, right.group), ((right.score + 1) % 15, "poor"),
                             (0, None), (right.score, "favourable")):
            html = quiz.epi_feedback_html(quiz.check_epi(scenario.id, score, group), "fr")
            assert english_left(html) == [], (scenario.id, score, group)


def test_the_french_glossary_notebook():
    notebook = glossary.build(lang="fr")
    markdown = "\n".join("".join(c.source) for c in notebook.cells if c.cell_type == "markdown")
    assert markdown.startswith("# Glossaire")
    assert english_left(markdown) == []
    names = glossary.names(lang="fr")
    headings = [line[4:] for line in markdown.splitlines() if line.startswith("### ")]
    assert headings == [names[term] for term in glossary.terms(lang="fr")]
    assert headings != [names[term] for term in glossary.terms()], "French alphabetical order"
    ids = {c.id for c in notebook.cells if c.id.startswith("term-")}
    assert ids == {glossary.cell_id(term) for term in names}, "links work in both languages"
    code = [c.source for c in notebook.cells if c.cell_type == "code"]
    english = [c.source for c in glossary.build().cells if c.cell_type == "code"]
    assert code == [source.replace('"glossary.ipynb")', '"glossary.ipynb", lang="fr")')
                    .replace("disclaimer()", 'disclaimer(lang="fr")') for source in english]


def test_the_french_words_are_french():
    """Not only no English: the French of the tables, the catalogue and the numbers."""
    assert "daunorubicine" in lessons.drug_table(["daunorubicin"], lang="fr").data
    html = lessons.timeline("7+3", lang="fr").data
    assert "100 à 200 mg/m²" in html and "jours 1 à 7" in html and 'lang="fr"' in html
    assert "Se répète tous les 28 jours." in lessons.compare_timelines(
        "azacitidine", lang="fr").data
    _ = translator("fr")
    assert _("{title} (not now)", title="X") == "X (pas maintenant)"
    case = quiz.case_html("case-1", lang="fr")
    assert "Âge" in case and "ans" in case


@pytest.mark.parametrize("room", ["teaching", "export"])
def test_every_marked_message_reaches_the_catalogue(room):
    """babel skips a ``_("...")`` written inside an f-string's braces: such a message would
    never be translated. Every literal message the room's code marks is in its catalogue."""
    from aml_teach.core import i18n

    extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in i18n.extract(room) if m.id}
    missing = []
    for path in sorted((i18n.LOCALE_DIR.parent / room).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                continue
            func = node.func
            marked = (isinstance(func, ast.Name) and func.id in ("_", "N_")) or (
                isinstance(func, ast.Attribute) and func.attr == "plural"
                and isinstance(func.value, ast.Name) and func.value.id == "_")
            if marked and node.args[0].value not in extracted:
                missing.append(f"{path.name}:{node.lineno} {node.args[0].value!r}")
    assert missing == [], "write the message outside the f-string's braces"
