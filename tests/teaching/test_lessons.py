"""The lesson helpers: reference lists, tables, timelines, the pathway and the classifier."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from aml_teach import DISCLAIMER, Patient, load_knowledge_base, treatment_options
from aml_teach.app.lesson_tools import walkthrough
from aml_teach.core.knowledge import CATEGORIES
from aml_teach.core.schedules import scheduled_options
from aml_teach.teaching import lessons
from aml_teach.teaching.figures import OKABE_ITO, reference_numbers
from aml_teach.teaching.glossary import (
    DEFAULT_PATH,
    anchor,
    build,
    cell_id,
    first_use_problems,
    href,
    link_first_uses,
    sources_of,
)

FIT = Patient(age=50, fit_for_intensive=True, disease="relapsed", remission_months=20,
              prior_treatments=("7+3",), matched_donor=True)


@pytest.fixture(autouse=True)
def fresh_citations(monkeypatch):
    """Each test starts with no citations remembered, as a fresh kernel would."""
    monkeypatch.setattr(lessons, "_CITED", {})


def _notebook(tmp_path, *markdown: str):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(m) for m in markdown])
    path = tmp_path / "lesson.ipynb"
    nbformat.write(nb, path)
    return path


def _listed(html: str) -> list[str]:
    return re.findall(r'id="ref-([a-z0-9-]+)"', html)


def test_reference_list_holds_exactly_what_the_notebook_cites(tmp_path):
    path = _notebook(tmp_path, "As [[dohner-2022](#ref-dohner-2022)] says.",
                     "And [[ccs-2024](#ref-ccs-2024)], [[dohner-2022](#ref-dohner-2022)].")
    assert lessons.markdown_citations(path) == ["dohner-2022", "ccs-2024"]
    assert _listed(lessons.show_references(path).data) == ["ccs-2024", "dohner-2022"]
    lessons.drug_table(["gilteritinib"])  # a shown table cites its sources too
    listed = _listed(lessons.show_references(path).data)
    assert set(listed) == {"ccs-2024", "dohner-2022"} | set(
        load_knowledge_base().drugs.set_index("drug").loc["gilteritinib", "sources"])


def test_reference_list_outside_the_notebook_folder_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="from its own folder"):
        lessons.show_references(tmp_path / "missing.ipynb")


def test_widgets_register_what_their_later_feedback_will_cite(tmp_path):
    from aml_teach.teaching.quiz import get_question, quiz

    path = _notebook(tmp_path, "No citations in the prose.")
    quiz("q-6")
    assert set(_listed(lessons.show_references(path).data)) == set(get_question("q-6").sources)


def test_reference_numbers_match_the_numbered_citations():
    html = lessons.references_list_html(["breems-2005", "ccs-2024"])
    numbers = reference_numbers()
    for ref in ("breems-2005", "ccs-2024"):
        assert f'<li value="{numbers[ref]}" id="ref-{ref}">' in html
    with pytest.raises(KeyError):
        lessons.references_list_html(["no-such-reference"])


def test_drug_table_names_brands_and_marks_drugs_beyond_the_page():
    html = lessons.drug_table(["decitabine", "ivosidenib"]).data
    assert "Dacogen, Demylocan, Inqovi" in html and "Tibsovo" in html
    assert html.count(lessons.BEYOND_SEED) == 1
    with pytest.raises(KeyError):
        lessons.drug_table(["aspirin"])


def test_option_table_shows_summary_and_note():
    html = lessons.option_table(["gilteritinib", "revumenib"]).data
    assert "ADMIRAL" in html and "AUGMENT-101" in html
    assert html.count(lessons.BEYOND_SEED) == 1
    with pytest.raises(KeyError):
        lessons.option_table(["no-such-option"])


def test_factor_effect_lists_only_options_that_change():
    html = lessons.factor_effect(FIT, "remission of 8 months", remission_months=8).data
    # 7+3 itself, and ADE (the same standard-dose backbone plus etoposide) stop applying
    assert html.count('scope="row"') == 2 and "7+3" in html
    assert "Cytarabine, daunorubicin and etoposide" in html
    assert "✔ applies" in html and "✘ does not apply" in html
    assert "No option changes" in lessons.factor_effect(FIT, "older", age=80).data


def test_comparison_gives_each_drug_one_unique_style():
    options = [option for option, _ in scheduled_options()]
    schedules = [lessons.regimen_schedule(option) for option in options]
    styles = lessons._drug_styles(schedules)
    assert len(set(styles.values())) == len(styles)
    html = lessons.timeline_comparison_html(["7+3", "MEC"])
    cytarabine = re.findall(r'background:(#\w+);color:#\w+" aria-label="cytarabine', html)
    assert len(set(cytarabine)) == 1, "cytarabine keeps one colour across regimens"
    assert html.count('scope="rowgroup"') == 2
    assert "In words:" in html and "MEC (mitoxantrone, etoposide and cytarabine): " in html


def test_comparison_shares_one_day_axis_and_says_the_cycle():
    html = lessons.timeline_comparison_html(["7+3", "azacitidine+venetoclax"])
    assert '<th scope="col">28</th>' in html and '<th scope="col">29</th>' not in html
    assert "Repeats every 28 days." in html
    assert "Choose at least one" in lessons.timeline_comparison_html([])


def test_timeline_chooser_redraws_on_each_tick():
    box = lessons.timeline_chooser(["7+3", "FLAG", "MEC"], selected=("7+3",))
    ticks, figure = box.children[1].children, box.children[2]
    assert "FLAG (fludarabine" not in figure.value
    ticks[1].value = True
    assert "FLAG (fludarabine" in figure.value
    ticks[0].value = ticks[1].value = False
    assert "Choose at least one" in figure.value


def test_pathway_without_a_patient_names_every_category():
    html = lessons.pathway_html()
    assert "<title" in html and "<desc" in html and "In words:" in html
    for category in CATEGORIES:
        assert category.split()[0].lower() in html.lower()
    colours = set(re.findall(r'(?:fill|stroke)="(#[0-9A-Fa-f]{6})"', html))
    assert colours <= set(OKABE_ITO) | {"#999999", "#666666", "#333333"}
    assert "✔" not in html and "(not now)" not in html


@pytest.mark.parametrize("fit", [True, False])
def test_pathway_marks_what_applies_with_more_than_colour(fit):
    patient = Patient(age=70, fit_for_intensive=fit, disease="relapsed", remission_months=6,
                      markers=frozenset({"FLT3"}))
    html = lessons.pathway_html(patient)
    applying = set(treatment_options(patient)["category"])
    for category in applying:
        assert category in lessons.pathway_text(patient)
    assert html.count("✔ ") == len(applying)
    assert html.count("(not now)") == len(CATEGORIES) - len(applying)
    assert ("✔ Less intensive" in html) is (not fit)


def test_classifier_examples_and_widget():
    html = lessons.classify_examples().data
    for status in ("refractory", "too early to say", "relapsed", "in remission"):
        assert status in html
    box = lessons.classifier()
    (remission, courses, _days, blasts, samples, extramedullary, _, verdict,
     _guard) = box.children
    assert "Refractory" in verdict.value
    courses.value = 1
    assert "Too early to say" in verdict.value
    remission.value, blasts.value = True, 2.0
    assert "In remission" in verdict.value
    samples.value = 2
    assert "Relapsed" in verdict.value and "2 samples" in verdict.value
    assert "Corrected" not in verdict.value


def test_the_classifier_says_when_it_corrects_a_number():
    box = lessons.classifier()
    blasts, verdict = box.children[3], box.children[7]
    blasts.value = 150
    assert blasts.value == 100
    assert ("Corrected:</strong> Blasts in the bone marrow (%) must be from 0 to 100: 150 was "
            "changed to 100.") in verdict.value
    blasts.value = 30
    assert "Corrected" not in verdict.value


def test_the_classifier_has_the_less_intensive_landmark():
    """Issue 20: 8 months of azacitidine with venetoclax and no remission is refractory."""
    box = lessons.classifier()
    remission, courses, days, verdict = (box.children[0], box.children[1], box.children[2],
                                         box.children[7])
    assert days.description == "Days since less intensive therapy began (0 if none):"
    assert remission.value is False
    courses.value = 0
    assert "Too early to say" in verdict.value and "no less intensive therapy" in verdict.value
    days.value = 179
    assert "Too early to say" in verdict.value and "179 of the 180 days" in verdict.value
    days.value = 240
    assert "Refractory" in verdict.value and "240 days after less intensive" in verdict.value
    days.value = -3
    assert days.value == 0
    assert ("Corrected:</strong> Days since less intensive therapy began must be from 0 to "
            "3650: -3 was changed to 0.") in verdict.value
    days.value = 99999
    assert days.value == 3650 and "99999 was changed to 3650" in verdict.value


def test_the_worked_examples_include_the_less_intensive_landmark():
    html = lessons.classify_examples().data
    row = html.split("200 days since less intensive therapy began")[1].split("</tr>")[0]
    assert "refractory" in row and "200 days after less intensive therapy began" in row


def test_marker_table_follows_the_rules():
    html = lessons.marker_table().data
    assert "a FLT3 mutation</th><td>Gilteritinib [" in html
    assert "Revumenib ★; Ziftomenib ★" in html


def test_walkthrough_pathway_follows_the_factors():
    box = walkthrough()
    tool, picture = box.children[0], box.children[-1]
    assert "✔ Intensive chemotherapy" in picture.value
    tool.factors.fit.value = False
    assert "✔ Less intensive chemotherapy" in picture.value
    tool.factors.age.value = 5  # invalid: the explorer explains, the picture stays neutral
    assert "✔" not in picture.value


def test_disclaimer_is_the_package_disclaimer():
    assert DISCLAIMER in lessons.disclaimer().data.replace("&#x27;", "'")


# The glossary notebook


def test_glossary_notebook_is_in_sync_with_the_table():
    stored = nbformat.read(DEFAULT_PATH, as_version=4)
    assert sources_of(stored) == sources_of(build()), "run: python -m aml_teach.teaching.glossary"


def test_a_glossary_link_names_its_terms_cell():
    """JupyterLab finds ``#cell-id=<id>`` in the notebook (drawn or not); Voila renders the
    cell with the element id ``cell-id=<id>``: the link names the cell holding the term."""
    nb = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    cells = {c["id"]: "".join(c["source"]) for c in nb["cells"]}
    for term in load_knowledge_base().glossary["term"]:
        assert href(term) == f"glossary.ipynb#cell-id={cell_id(term)}"
        assert cells[cell_id(term)].startswith(f"### {term}\n")
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", cell_id(term))
    assert cell_id("IDH1/IDH2") == "term-IDH1-IDH2"
    assert anchor("lumbar puncture") == "lumbar-puncture"  # the heading's id, for Voila too


def test_link_first_uses_fixes_what_the_checker_finds():
    cells = ["# A lumbar puncture", "A lumbar puncture gives intrathecal chemotherapy."]
    assert len(first_use_problems(cells)) == 3  # lumbar puncture, intrathecal ..., chemotherapy
    fixed = link_first_uses(cells)
    assert first_use_problems(fixed) == []
    assert fixed[0] == cells[0], "headings are left alone"
    link = "[intrathecal chemotherapy](glossary.ipynb#cell-id=term-intrathecal-chemotherapy)"
    assert link in fixed[1]


def test_each_pathway_diagram_has_its_own_ids_and_full_contrast_words():
    """Two diagrams in one notebook (general and a patient's) must not share the ids that name
    and describe them; the faded "(not now)" boxes fade their frame, never their words."""
    import re

    general = lessons.pathway_html()
    patient = lessons.pathway_html(Patient(age=80, fit_for_intensive=False, disease="relapsed",
                                           remission_months=6))
    ids = [set(re.findall(r'id="([^"]+)"', html)) for html in (general, patient)]
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    for html in (general, patient):
        labelled = re.search(r'aria-labelledby="([^"]+)"', html).group(1).split()
        assert all(f'id="{name}"' in html for name in labelled)
    assert "(not now)" in patient
    assert "<g opacity" not in patient and 'fill="#000"' in patient


def test_factor_effect_shows_both_transplant_types():
    """Issue 20: after an allogeneic transplant DLI opens; after an autologous one it stays shut."""
    from aml_teach import Patient

    no_donor = Patient(age=52, fit_for_intensive=True, disease="relapsed", remission_months=20,
                       prior_treatments=("7+3",), matched_donor=False)
    def cells(html: str) -> str:  # the table's cells without their attributes (roles, labels)
        return re.sub(r"<(td|th)\b[^>]*>", r"<\1>", html)

    allo = cells(lessons.factor_effect(no_donor, "allogeneic", prior_transplant="allogeneic").data)
    assert ("Donor lymphocyte infusion (DLI)</th><td>✘ does not apply</td><td>✔ applies"
            in allo)
    assert "Autologous stem cell transplant</th><td>✔ applies</td><td>✘ does not apply" in allo
    auto = cells(lessons.factor_effect(no_donor, "autologous", prior_transplant="autologous",
                                       keep_in_view=("dli",)).data)
    assert ("Donor lymphocyte infusion (DLI)</th><td>✘ does not apply</td><td>✘ does not apply"
            in auto and "there is no donor" in auto)
    with pytest.raises(ValueError, match="keep_in_view names options.*no-such-option"):
        lessons.factor_effect(no_donor, "x", prior_transplant="autologous",
                              keep_in_view=("no-such-option",))


def test_a_single_drug_regimen_is_not_named_twice_in_words():
    """The comparison's text read "Gilteritinib: gilteritinib: oral, ..."; the name once."""
    html = lessons.timeline_comparison_html(["gilteritinib", "7+3"])
    words = re.sub(r"<[^>]+>", "", html.split("In words")[1])
    assert "Gilteritinib: oral" in words and "gilteritinib: gilteritinib" not in words.lower()
    assert "cytarabine: continuous intravenous infusion" in words  # several drugs keep names
