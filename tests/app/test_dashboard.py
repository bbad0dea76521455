"""The dashboard's logic without a browser: widgets set as the browser would set them."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

import ipywidgets as widgets
import pytest

import aml_teach.app.look as aml_look
import aml_teach.app.options_view as aml_widgets
from aml_teach import DISCLAIMER, Patient, load_knowledge_base, treatment_options
from aml_teach.app.dashboard import App
from aml_teach.app.epi_panel import epi_panel
from aml_teach.app.factor_panel import FactorPanel
from aml_teach.app.look import RELOAD_MESSAGE
from aml_teach.app.options_view import explorer
from aml_teach.app.schedule_viewer import schedule_viewer
from aml_teach.classroom import page as aml_page
from aml_teach.core.knowledge import CATEGORIES, DataError, DataProblem
from aml_teach.core.schedules import regimen_schedule, scheduled_options
from aml_teach.teaching.figures import (
    cite,
    numbered_references_html,
    reference_numbers,
    timeline_lines,
)
from aml_teach.teaching.options_html import options_html

from ..conftest import ROOT


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


@pytest.fixture
def app() -> App:
    return App()


def options_in(html: str) -> list[str]:
    """Option ids in the order they are drawn (applying ones first)."""
    return re.findall(r'data-option="([^"]+)"', html)


def applying_in(html: str) -> list[str]:
    return options_in(html.split('<section class="aml-excluded-list"')[0])


def browser_update(widget: widgets.Widget, **state: object) -> None:
    """What ipywidgets does with an 'update' message from the page."""
    widget._handle_msg(
        {"content": {"data": {"method": "update", "state": state, "buffer_paths": []}},
         "buffers": []}
    )


def test_the_page_has_every_part_and_the_disclaimer(app):
    html = app.header.value
    assert DISCLAIMER.split(";")[0].replace("'", "&#x27;") in html
    assert "aml-app" in app._dom_classes
    labels = {w.description for w in app.factors.controls()}
    for label in ("Age (years)", "Fit for intensive chemotherapy", "Disease",
                  "Remission lasted (months)", "Leukemia in the central nervous system (CNS)",
                  "Matched stem cell donor available",
                  "Earlier stem cell transplant",
                  "White cell count (10^9/L, blank if not known)"):
        assert label in labels
    assert {m.split()[0] for m in labels if "mutation" in m or "CD33" in m or "KMT2A" in m} == {
        "FLT3", "CD33", "IDH1", "IDH2", "NPM1", "KMT2A"}
    assert app.factors.case.description == "Teaching case"
    assert "aml-options" in app.options._dom_classes
    assert app.schedules.figure.value and app.epi.result.value


def test_every_input_has_a_visible_label(app):
    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)

    inputs = [w for w in walk(app) if isinstance(w, widgets.ValueWidget)
              and not isinstance(w, widgets.HTML)]
    assert len(inputs) >= 18
    assert all(w.description.strip() for w in inputs)


def test_the_page_stays_small_in_models_and_text(app):
    """Shared layouts and styles keep the page quick to draw (one model per widget, nearly)."""
    models: set[str] = set()

    def collect(widget):
        if widget.model_id in models:
            return
        models.add(widget.model_id)
        for name in widget.keys:
            value = getattr(widget, name)
            for item in value if isinstance(value, list | tuple) else [value]:
                if isinstance(item, widgets.Widget):
                    collect(item)

    collect(app)
    assert len(models) <= 60
    assert len(repr(app)) < 100  # the text form Voila copies into the page


def test_a_change_of_fitness_swaps_the_pathways(app):
    fit = applying_in(app.options.value)
    assert "FLAG" in fit and "azacitidine" not in fit
    browser_update(app.factors.fit, value=False)
    unfit = applying_in(app.options.value)
    assert "azacitidine" in unfit and "FLAG" not in unfit
    assert unfit.index("azacitidine") < unfit.index("clinical-trial")


def test_options_follow_the_category_order_of_the_page(kb):
    p = Patient(55, True, "relapsed", 18.0, cns=True, matched_donor=True, markers={"FLT3"})
    html = options_html(p, True, kb)
    headings = re.findall(r"<h3>([^<]+)</h3>", html.split("aml-excluded-list")[0])
    order = [CATEGORIES.index(h.lower()) for h in headings]
    assert order == sorted(order)
    assert applying_in(html) == [
        o for o in treatment_options(p, kb=kb)["option"]
    ]


def test_a_marker_brings_its_drug(app):
    assert "gilteritinib" not in applying_in(app.options.value)
    browser_update(app.factors.markers["FLT3"], value=True)
    assert "gilteritinib" in applying_in(app.options.value)


def test_options_beyond_the_source_page_are_marked(kb):
    html = options_html(Patient(55, True, "relapsed", 18.0, markers={"IDH1", "IDH2"}), False, kb)
    items = dict(re.findall(r'data-option="([^"]+)">(.*?)</li>', html))
    beyond = set(kb.options[kb.options["beyond_seed"]]["option"])
    for option, item in items.items():
        assert ("Beyond the source page" in item) is (option in beyond), option
    assert "Beyond the source page</em>: the Canadian Cancer Society page" in html


def test_sources_are_cited_by_id_as_in_the_lessons_and_listed(kb):
    numbers = reference_numbers(kb)
    assert list(numbers.values()) == list(range(1, len(kb.references) + 1))
    cited = cite(["dohner-2022", "ccs-2024"], kb)
    assert re.fullmatch(r'\[<a href="#ref-dohner-2022" title="[^"]+">dohner-2022</a>; '
                        r'<a href="#ref-ccs-2024" title="[^"]+">ccs-2024</a>\]', cited)
    listing = numbered_references_html(kb=kb)
    assert listing.count("<li ") == len(kb.references)
    assert (f'<li value="{numbers["dohner-2022"]}" id="ref-dohner-2022">'
            "<strong>dohner-2022</strong>: ") in listing


def test_the_excluded_switch_explains(app):
    assert "aml-excluded-list" not in app.options.value
    browser_update(app.show_excluded, value=True)
    html = app.options.value
    excluded = html.split('<section class="aml-excluded-list"')[1]
    assert "What doesn't apply, and why" in excluded
    assert 'data-option="azacitidine"' in excluded
    assert "Does not apply: is for people not fit for intensive chemotherapy" in excluded


@pytest.mark.parametrize("case", list(load_knowledge_base().cases["case"]))
def test_each_case_preset_loads_every_factor(case, kb):
    app = App(kb)
    calls = []
    app.factors.on_change(lambda: calls.append(1))
    browser_update(app.factors.case, index=list(kb.cases["case"]).index(case) + 1)
    row = kb.cases.set_index("case").loc[case]
    patient = app.factors.patient()
    assert patient.age == row["age"] and patient.disease == row["disease"]
    assert patient.fit_for_intensive is bool(row["fit_for_intensive"])
    assert patient.markers == frozenset(row["markers"])
    assert patient.prior_treatments == tuple(row["prior_treatments"])
    assert patient.matched_donor is bool(row["matched_donor"])
    assert patient.had_transplant is bool(row["prior_transplant"]) and patient.cns is bool(
        row["cns"])
    assert patient.prior_transplant == (row["transplant_type"] or False)
    assert patient.white_cell_count == row["white_cell_count"]
    assert calls == [1], "a case load must redraw once, not once per widget"
    assert app.options.value == options_html(patient, False, kb, summary=True)
    assert row["title"] in app.factors.story.value


def test_editing_a_loaded_case_keeps_it_named_and_lets_it_be_loaded_again(app):
    app.factors.load_case("case-1")
    browser_update(app.factors.age, value=70)
    label = dict((v, k) for k, v in app.factors.case.options)[app.factors.case.value]
    assert label == "Case 1, changed: age"
    browser_update(app.factors.prior, value=["MEC"])
    label = dict((v, k) for k, v in app.factors.case.options)[app.factors.case.value]
    assert label == "Case 1, changed: age, treatments given"
    assert app.factors.story.value.count("changed some factors") == 1
    # picking the case itself again reloads it; the "changed" entry goes
    values = [v for _, v in app.factors.case.options]
    browser_update(app.factors.case, index=values.index("case-1"))
    assert app.factors.age.value == load_knowledge_base().cases["age"].iloc[0]
    assert app.factors.case.value == "case-1"
    assert not [o for o in app.factors.case.options if "changed" in o[0]]
    assert "changed some factors" not in app.factors.story.value


def test_an_unknown_case_is_refused(app):
    with pytest.raises(ValueError, match="unknown case 'case-99'"):
        app.factors.load_case("case-99")


@pytest.mark.parametrize(
    ("widget", "value", "words"),
    [
        ("age", 150, "Age: must be a whole number of years from 18 to 110"),
        ("age", -1, "Age: must be a whole number of years"),
        ("remission", -3.0, "How long the remission lasted: must be a number of months"),
        ("remission", 1e300, "How long the remission lasted"),
    ],
)
def test_an_invalid_value_gives_a_friendly_message(app, widget, value, words):
    browser_update(getattr(app.factors, widget), value=value)
    html = app.options.value
    assert 'class="aml-message"' in html and "Please check the patient factors." in html
    assert words in html
    assert "Traceback" not in html and "PatientError" not in html
    assert "Correct the patient factors" in app.epi.result.value


@pytest.mark.parametrize(
    ("widget", "state"),
    [("age", {"value": "seventy"}), ("fit", {"value": "yes"}), ("disease", {"index": 7}),
     ("case", {"index": 999}), ("prior", {"value": ["no-such-option"]}),
     ("prior", {"value": "all"}), ("prior", {"value": [["nested"]]})],
)
def test_a_value_a_widget_cannot_hold_is_refused_in_words(app, widget, state):
    control = getattr(app.factors, widget)
    before = control.get_state()
    browser_update(control, **state)
    assert control.get_state() == before
    assert f"{control.description}: that value was not accepted" in app.options.value
    browser_update(app.factors.age, value=64)
    assert "apply</strong>" in app.options.value


def test_html_in_a_message_is_escaped(app):
    app.factors.age.description = "<b>Age</b>"
    browser_update(app.factors.age, value="<script>")
    assert "<script>" not in app.options.value and "&lt;b&gt;Age" in app.options.value


def test_refractory_disease_ignores_and_disables_the_remission(app):
    browser_update(app.factors.disease, index=1)
    assert app.factors.remission.disabled
    assert app.factors.patient().remission_months is None
    assert "The index is for a first relapse" in app.epi.result.value
    browser_update(app.factors.disease, index=0)
    assert not app.factors.remission.disabled


@pytest.fixture
def instructor_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = aml_look.instructor_log()
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_an_unexpected_error_asks_to_reload_and_logs_without_values(app, monkeypatch,
                                                                     instructor_log):
    def broken(patient, include_excluded, kb, summary=False, lang="en"):
        raise RuntimeError(f"learner-{patient.age}")

    monkeypatch.setattr(aml_widgets, "options_html", broken)
    browser_update(app.factors.age, value=73)
    assert RELOAD_MESSAGE in app.options.value
    logged = instructor_log.getvalue()
    assert "listing the options failed with RuntimeError" in logged
    assert "aml_teach/app/options_view.py" in logged or "aml_teach\\app\\options_view.py" in logged
    assert "learner-73" not in logged  # the code path is logged, not the message


def test_broken_data_shows_a_message_not_a_traceback(monkeypatch, instructor_log):
    problem = DataProblem("options.csv", 3, "fitness", "is empty; a value is required")

    def broken(*args, **kwargs):
        raise DataError([problem])

    monkeypatch.setattr("aml_teach.app.dashboard.load_knowledge_base", broken)
    app = App()
    text = " ".join(getattr(w, "value", "") for w in app.children)
    assert "The teaching data has problems" in text and DISCLAIMER[:40] in text
    assert "options.csv, line 3" in instructor_log.getvalue()


def test_the_schedule_viewer_draws_each_regimen(kb):
    viewer = schedule_viewer(kb)
    assert [o for _, o in viewer.regimen.options] == [o for o, _ in scheduled_options(kb)]
    for option, name in scheduled_options(kb):
        viewer.regimen.value = option
        assert "aml-timeline" in viewer.figure.value
        assert f"{name}: day by day".replace("'", "&#x27;") in viewer.figure.value
        chosen = None if viewer.variant.value == viewer.ALL_VARIANTS else viewer.variant.value
        assert viewer.figure.value.count("<tr><th scope=\"row\">") == len(
            timeline_lines(regimen_schedule(option, chosen, kb=kb)))
    viewer.regimen.value = "7+3"
    assert viewer.variant.layout.display == ""
    viewer.variant.value = "idarubicin"
    assert "(idarubicin)" in viewer.figure.value
    viewer.regimen.value = "FLAG"
    assert viewer.variant.layout.display == "none"


def test_the_epi_panel_alone_and_linked(kb):
    alone = epi_panel(kb=kb)
    alone.cytogenetics.value = "inv(16)"
    alone.age.value = 30
    alone.relapse_free.value = 24.0
    assert "Risk group: favourable" in alone.result.value
    alone.relapse_free.value = -5.0
    assert "Please check the inputs. Relapse-free interval (months): must be" in alone.result.value
    assert "relapse_free_months" not in alone.result.value
    linked = App(kb)
    linked.factors.age.value = 70
    assert "older than the adults (15 to 60)" in linked.epi.result.value
    assert '">breems-2005</a>]' in linked.epi.result.value


def test_explorer_and_factor_panel_for_notebooks(kb):
    tool = explorer(show_excluded=True, kb=kb)
    assert "aml-excluded-list" in tool.options.value
    tool.factors.fit.value = False
    assert "azacitidine" in applying_in(tool.options.value)
    panel = FactorPanel(kb, presets=False)
    assert panel.case not in panel.children
    assert isinstance(panel.patient(), Patient)


def test_the_notebook_is_thin_and_deterministic():
    notebook = json.loads((ROOT / "notebooks" / "dashboard.ipynb").read_text())
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert len(code) == 1
    assert "".join(code[0]["source"]) == "from aml_teach.classroom.page import App\n\nApp()"
    assert "nbval-ignore-output" in code[0]["metadata"]["tags"]
    assert not code[0]["outputs"]
    assert len(notebook["cells"]) == 1  # the title, introduction and lessons are App's own
    intro = App(lang="en").page_intro_html() + aml_page.intro_html("en")
    assert "<h1>" in intro and "not a prescribing tool" in intro


def test_the_classroom_template_fetches_nothing_from_the_internet():
    template = ROOT / "classroom" / "share" / "jupyter" / "voila" / "templates" / "aml"
    assert json.loads((template / "conf.json").read_text()) == {"base_template": "lab"}
    text = (template / "index.html.j2").read_text()
    assert not re.search(r"(src|href)=\"https?:", text)
    assert "html_head_js_mermaidjs" in text and "super.super()" in text


def test_module_does_not_import_plotting_libraries():
    source = "\n".join(
        path.read_text() for path in Path(aml_widgets.__file__).parent.glob("*.py")
    )
    assert "matplotlib" not in source and "plotly" not in source


def test_in_a_kernel_the_log_reaches_the_terminal_not_the_page(tmp_path):
    """ipykernel forwards stderr to the page; the instructor's log must bypass that."""
    from jupyter_client.manager import KernelManager

    terminal = tmp_path / "terminal.txt"
    code = (
        "from aml_teach.app.look import something_went_wrong\n"
        "error = ValueError('learner-' + str(60 + 1))\n"
        "html = something_went_wrong('checking the log', error)\n"
        "print('done')"
    )
    page: list[dict] = []
    with terminal.open("w") as output:
        manager = KernelManager(kernel_name="python3")
        manager.start_kernel(stdout=output, stderr=output)
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            reply = client.execute_interactive(code, timeout=60, output_hook=page.append)
            assert reply["content"]["status"] == "ok"
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    shown = " ".join(m["content"]["text"] for m in page if m["msg_type"] == "stream")
    assert "done" in shown and "checking the log" not in shown
    logged = terminal.read_text()
    assert "checking the log failed with ValueError" in logged
    assert "learner-61" not in logged


def test_the_donor_is_not_listed_under_the_markers():
    """The donor checkbox followed the markers with no label of its own, so on a phone it read
    as a marker found in the leukemia; it sits under a transplant label."""
    panel = FactorPanel()
    label = None
    for child in panel.children:
        if isinstance(child, widgets.HTML) and "aml-group-label" in child.value:
            label = child.value
        if child is panel.donor:
            break
    assert label is not None and "transplant" in label.lower(), label
