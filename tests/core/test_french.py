"""The clinical core in French: the same options, reasons and verdicts, in fr-CA words.

The French answer must be the English answer (same options, same order, same verdicts, same
numbers) in other words, with no English left in it (``tests/leaks.py``) and with French
typography (a no-break space before ':' and '%', a narrow one before ';').
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from aml_teach import (
    DISCLAIMER,
    Patient,
    PatientError,
    classify_history,
    european_prognostic_index,
    load_knowledge_base,
    regimen_schedule,
    treatment_options,
)
from aml_teach.core import epi, i18n, knowledge, options, response
from aml_teach.core.data_check import check_data
from aml_teach.core.knowledge import DataProblem, check_report
from aml_teach.core.options import RESULT_COLUMNS, evaluate_options
from aml_teach.core.review import CONTENT_REVIEWED, disclaimer, reviewed_line
from aml_teach.core.schedules import SCHEDULE_COLUMNS, schedule_rows, scheduled_options
from aml_teach.core.translated_tables import localized
from tests.conftest import ROOT
from tests.core.test_properties import valid_patients
from tests.leaks import leaks

KB = load_knowledge_base()
FRENCH = localized(KB, "fr")
NBSP, NNBSP = "\u00a0", "\u202f"


def case_patients() -> list[tuple[str, Patient]]:
    """Every case in data/cases.csv as a Patient."""
    found = []
    for row in KB.rows["cases"]:
        found.append((row["case"], Patient(
            age=row["age"], fit_for_intensive=row["fit_for_intensive"], disease=row["disease"],
            remission_months=row["remission_months"], prior_treatments=row["prior_treatments"],
            cns=row["cns"], markers=frozenset(row["markers"]), matched_donor=row["matched_donor"],
            prior_transplant=row["transplant_type"] or False,
            white_cell_count=row["white_cell_count"],
        )))
    return found


@st.composite
def patients(draw) -> Patient:
    """Any valid patient, with every kind of transplant and white count the engine reads."""
    values = draw(valid_patients())
    values["prior_transplant"] = draw(st.sampled_from([False, True, "allogeneic", "autologous"]))
    values["white_cell_count"] = draw(st.one_of(
        st.none(), st.sampled_from([5, 100, 150.5, 1500]),
        st.floats(0, 2000, allow_nan=False)))
    return Patient(**values)


def french_typography_problems(text: str) -> list[str]:
    """A plain space before ":" or ";", or none before ":" (French puts U+00A0 there)."""
    return re.findall(r"\S{0,12} [:;]|[^\s\d/]{2}:(?!//)\s", text)


def leak_free(text: str) -> list[str]:
    return leaks(text) + french_typography_problems(text)


# The same answer in both languages -------------------------------------------------------------

@settings(max_examples=120, deadline=None)
@given(patients(), st.booleans())
def test_every_patient_gets_the_same_options_in_every_language(patient, include_excluded):
    english = evaluate_options(patient, include_excluded)
    french = evaluate_options(patient, include_excluded, lang="fr")
    assert [(r["option"], r["applies"]) for r in french] == \
        [(r["option"], r["applies"]) for r in english]
    for en, fr in zip(english, french, strict=True):
        assert fr["category_id"] == en["category_id"] == en["category"]
        assert fr["category"] == FRENCH_CATEGORY[en["category"]]
        assert (fr["drugs"], fr["sources"], fr["beyond_seed"]) == \
            (en["drugs"], en["sources"], en["beyond_seed"])
        assert fr["name"] == FRENCH.row("options", en["option"])["name"]
        assert fr["summary"] == FRENCH.row("options", en["option"])["summary"]
        # the same reason in other words: its numbers and source ids are the English ones
        assert _ids(fr["reason"]) == _ids(en["reason"])
    assert not leak_free(" ".join(f"{r['name']}. {r['category']}. {r['summary']} {r['reason']}"
                                  for r in french))


FRENCH_CATEGORY = {c: i18n.translator("fr")(c) for c in knowledge.CATEGORIES}


def _ids(text: str) -> list[str]:
    """The source ids cited in a reason, in order."""
    return re.findall(r"\b[a-z]+-\d{4}\b", text)


@pytest.mark.parametrize(("case", "patient"), case_patients(), ids=lambda v: str(v)[:20])
def test_every_case_reads_in_french_without_english(case, patient):
    frame = treatment_options(patient, include_excluded=True, lang="fr")
    assert list(frame.columns) == RESULT_COLUMNS
    english = treatment_options(patient, include_excluded=True)
    assert list(frame["option"]) == list(english["option"])
    assert list(frame["applies"]) == list(english["applies"])
    text = " ".join(frame["name"] + ". " + frame["category"] + ". " + frame["summary"] + " "
                    + frame["reason"])
    assert not leak_free(text), case


def test_french_reasons_read_as_french_sentences():
    p = Patient(age=60, fit_for_intensive=True, disease="relapsed", remission_months=8.5,
                prior_treatments=("7+3",), prior_transplant="autologous",
                white_cell_count=1500)
    rows = {r["option"]: r for r in evaluate_options(p, include_excluded=True, lang="fr")}
    assert rows["FLAG"]["reason"] == f"S'applique{NBSP}: apte à une chimiothérapie intensive. " \
        + FRENCH.row("options", "FLAG")["note"]
    repeat = rows["7+3"]["reason"]
    assert repeat.startswith(f"Ne s'applique pas{NBSP}: des médicaments déjà donnés, identiques "
                             "ou semblables à ceux du traitement 7+3")
    assert f"{NNBSP}; une reprise exige une rémission de plus d'un an, et celle-ci a duré " \
        "8,5 mois (ccs-2024)." in repeat
    assert "cytarabine à dose standard" in repeat
    assert "1\u00a0500 x 10^9/L" in rows["leukapheresis"]["reason"]
    assert "greffe autologue" in rows["dli"]["reason"]
    assert rows["clinical-trial"]["reason"] == \
        "S'applique à toute personne atteinte d'une LMA récidivante ou réfractaire."
    assert rows["anti-infectives"]["reason"].startswith(f"Peut s'appliquer{NBSP}: ")
    assert rows["radiation-conditioning"]["reason"].startswith(
        f"Ne s'applique pas{NBSP}: accompagne l'option ")
    assert rows["7+3"]["category"] == "chimiothérapie intensive"
    assert rows["7+3"]["category_id"] == "intensive chemotherapy"


def test_the_english_frame_is_unchanged_and_the_rows_carry_the_category_id():
    p = Patient(age=60, fit_for_intensive=True, disease="relapsed", remission_months=8)
    frame = treatment_options(p)
    assert list(frame.columns) == RESULT_COLUMNS
    for row in evaluate_options(p):
        assert row["category_id"] == row["category"]


WITH_LANG = [
    lambda lang: evaluate_options(Patient(age=50, fit_for_intensive=True, disease="relapsed",
                                          remission_months=6), lang=lang),
    lambda lang: treatment_options(Patient(age=50, fit_for_intensive=True, disease="relapsed",
                                           remission_months=6), lang=lang),
    lambda lang: classify_history(True, 1, 20.0, lang=lang),
    lambda lang: european_prognostic_index(12, "other", 40, False, lang=lang),
    lambda lang: regimen_schedule("7+3", lang=lang),
    lambda lang: schedule_rows("7+3", lang=lang),
    lambda lang: scheduled_options(lang=lang),
    disclaimer,
    reviewed_line,
    lambda lang: check_data(lang=lang),
    lambda lang: DataProblem("options.csv", 2, "name", "is empty").text(lang),
    lambda lang: PatientError("age must be a number").text(lang),
]


@pytest.mark.parametrize("call", WITH_LANG)
@pytest.mark.parametrize("lang", ["de", "EN", "", None])
def test_an_unknown_language_is_a_clear_value_error(call, lang):
    with pytest.raises(ValueError, match=r"unknown language .*use 'en' \(English\) or 'fr'"):
        call(lang)


# Verdicts, the prognostic index, schedules, the disclaimer ----------------------------------------

HISTORIES = [
    (True, 0, 20.0, 2, True, 0), (True, 0, 2.0, 1, False, 0), (True, 1, 0.5, 0, False, 0),
    (False, 2, 50.0), (False, 0, 50.0, 0, False, 200), (False, 1, 50.0, 0, False, 0),
    (False, 1, 50.0, 0, False, 30), (False, 3, 7.5),
]


@pytest.mark.parametrize("history", HISTORIES)
def test_verdicts_in_french(history):
    english = classify_history(*history)
    french = classify_history(*history, lang="fr")
    assert french.status == english.status  # the id stays English
    assert english.status_text == english.status
    assert french.status_text == i18n.translator("fr")(english.status) != english.status
    assert french.reason != english.reason
    assert not leak_free(f"{french.status_text}. {french.reason}")


def test_a_french_verdict_writes_its_numbers_the_french_way():
    verdict = classify_history(True, 0, 7.5, lang="fr")
    assert f"7,5{NBSP}% (5{NBSP}% ou plus)" in verdict.reason
    assert classify_history(True, 0, 7.5).reason.startswith(
        "A remission was reached, and now marrow blasts are 7.5% (5% or more)")


def test_the_prognostic_index_in_french():
    english = european_prognostic_index(6, "other", 50, True)
    french = european_prognostic_index(6, "other", 50, True, lang="fr")
    assert (french.score, french.group, french.points) == \
        (english.score, english.group, english.points)
    assert english.caveat == epi.CAVEAT and french.caveat != english.caveat
    assert french.group_text == "défavorable" and english.group_text == "poor"
    assert list(french.point_texts.values()) == list(english.points.values())
    assert french.survival_text == (f"Dans l'étude, 16{NBSP}% du groupe défavorable étaient en "
                                    f"vie après un an et 4{NBSP}% après cinq ans.")
    assert english.survival_text == ("In the study, 16% of the poor group were alive after one "
                                     "year and 4% after five years.")
    text = " ".join([french.caveat, french.group_text, french.survival_text,
                     *french.point_texts])
    assert not leak_free(text)


def test_schedules_in_french_keep_the_columns_and_the_ids():
    for option, name in scheduled_options(lang="fr"):
        assert name == FRENCH.row("options", option)["name"]
        english = regimen_schedule(option)
        french = regimen_schedule(option, lang="fr")
        assert list(french.columns) == SCHEDULE_COLUMNS
        for column in ("drug", "days", "sources", "variant", "cycle_days"):
            assert list(french[column]) == list(english[column]), (option, column)
        for en_row, fr_row in zip(schedule_rows(option), schedule_rows(option, lang="fr"),
                                  strict=True):
            assert fr_row["route_id"] == en_row["route"] == en_row["route_id"]
            assert fr_row["route"] == i18n.translator("fr")(en_row["route"])
            fr_dose = next(r["dose"] for r in FRENCH.rows["schedules"]
                           if (r["option"], r["variant"], r["drug"]) ==
                           (option, en_row["variant"], en_row["drug"]))
            assert fr_row["dose"] == fr_dose
            assert fr_row["drug_name"] == FRENCH.row("drugs", en_row["drug"])["name"]
            assert not leak_free(f"{fr_row['route']}. {fr_row['dose']}")
    assert regimen_schedule("7+3", lang="fr")["dose"][0] == "100 à 200 mg/m² par jour"


def test_the_disclaimer_and_review_month_in_french():
    assert disclaimer() == DISCLAIMER and DISCLAIMER.startswith("aml-teach is for education")
    assert disclaimer("fr").startswith("aml-teach sert uniquement à l'enseignement.")
    assert not leak_free(disclaimer("fr"))
    assert CONTENT_REVIEWED == "December 2026"
    assert reviewed_line() == "Content reviewed: December 2026"
    assert reviewed_line("fr") == f"Contenu révisé{NBSP}: décembre 2026"


# Fixed vocabularies: each word has its French ----------------------------------------------------

VOCABULARIES = {
    "categories": knowledge.CATEGORIES, "routes": knowledge.ROUTES,
    "reference kinds": knowledge.REFERENCE_KINDS, "dose levels": knowledge.DOSE_LEVELS,
    "diseases": knowledge.DISEASES, "yes/no": knowledge.YES_NO,
    "markers": tuple(options.MARKER_WORDS.values()), "statuses": response.STATUSES,
    "risk groups": epi.GROUPS, "index factors": epi.FACTORS,
    "similarity classes": options.SIMILARITY_CLASS_WORDS,
}


@pytest.mark.parametrize("name", VOCABULARIES)
def test_every_fixed_word_is_in_the_core_catalogue(name):
    with i18n.po_path("fr", "core").open("rb") as handle:
        catalogue = {m.id: m.string for m in read_po(handle) if m.id}
    for word in VOCABULARIES[name]:
        assert catalogue.get(word), f"{name}: '{word}' has no French in core.po"


def test_the_drug_classes_a_reason_names_are_all_translated():
    classes = {row["similarity_class"] for row in KB.rows["drugs"]} - {""}
    plain = {c for c in classes if "{dose}" not in c}
    assert plain <= set(options.SIMILARITY_CLASS_WORDS), "mark the new class N_ in options.py"


# Errors a person meets: PatientError, DataProblem, check-data -----------------------------------

BAD_PATIENTS = [
    dict(age=5), dict(age="50"), dict(cns=1), dict(matched_donor="yes"), dict(disease="x"),
    dict(remission_months=-1), dict(disease="refractory"), dict(markers={"X"}),
    dict(markers="FLT3"), dict(markers=[3]), dict(prior_treatments=("nope",)),
    dict(white_cell_count=-3), dict(prior_transplant="x"),
]


@pytest.mark.parametrize("bad", BAD_PATIENTS, ids=lambda b: next(iter(b)))
def test_a_patient_error_says_itself_in_french(bad):
    values = dict(age=50, fit_for_intensive=True, disease="relapsed", remission_months=6)
    values.update(bad)
    with pytest.raises(PatientError) as caught:
        Patient(**values)
    error = caught.value
    assert error.text() == error.text("en") == str(error)
    french = error.text("fr")
    assert french != str(error)
    assert french.startswith(error.field) and str(error).startswith(error.field)
    assert error.field in {*bad, "remission_months"}
    assert not leaks(french), french


def test_a_patient_error_keeps_its_english_message():
    with pytest.raises(PatientError, match=r"^age must be a whole number of years from 18 to "
                                           r"110, got 5$") as caught:
        Patient(age=5, fit_for_intensive=True, disease="relapsed", remission_months=6)
    assert caught.value.text("fr") == "age doit être un nombre entier d'années de 18 à 110, " \
        "reçu 5"


def test_an_old_style_patient_error_still_shows():
    error = PatientError("white_cell_count must be a number of 10^9/L, got 'abc'")
    assert error.field == "white_cell_count"
    assert error.text("fr") == str(error)  # not in the catalogue: shown as given


def test_data_problems_say_themselves_in_french(data_copy):
    line = data_copy.set("options", 0, "category", "chemo")
    data_copy.set("drugs", 0, "beyond_seed", "maybe")
    (data_copy.path / "glossary.csv").write_text("")
    problems = check_data(data_copy.path)
    english = [str(p) for p in problems]
    french = [p.text("fr") for p in problems]
    assert f"options.csv, line {line}, column 'category': 'chemo' is not one of: " \
        + ", ".join(knowledge.CATEGORIES) in english
    assert f"options.csv, ligne {line}, colonne «{NBSP}category{NBSP}»{NBSP}: «{NBSP}chemo" \
        f"{NBSP}» ne fait pas partie des valeurs permises{NBSP}: " \
        + ", ".join(knowledge.CATEGORIES) in french
    assert f"glossary.csv{NBSP}: le fichier est vide{NBSP}: il lui faut une ligne d'en-tête" \
        in french
    for text in french:  # the ids a table must hold are shown as written, in English
        assert not leaks(text.replace(", ".join(knowledge.CATEGORIES), "")), text


def test_a_bad_day_range_is_named_in_french(data_copy):
    line = data_copy.set("schedules", 0, "days", "9-3")
    [problem] = check_data(data_copy.path)
    assert str(problem) == (f"schedules.csv, line {line}, column 'days': days: '9-3' is not a "
                            "sensible range: days run from 1 to 366, first before last")
    assert problem.text("fr") == (
        f"schedules.csv, ligne {line}, colonne «{NBSP}days{NBSP}»{NBSP}: jours{NBSP}: «{NBSP}9-3"
        f"{NBSP}» n'est pas une plage valable{NBSP}: les jours vont de 1 à 366, le premier "
        "avant le dernier")


def test_check_data_in_french_also_checks_the_french_tables(data_copy):
    rows = data_copy.rows("options")
    data_copy.write("options", [*rows, dict(rows[0], option="new-option", name="A new option")])
    assert check_data(data_copy.path) == []
    [*missing] = check_data(data_copy.path, "fr")
    assert {(p.file, p.line) for p in missing} == {("options.csv", len(rows) + 2)}
    assert {p.column for p in missing} >= {"name", "summary"}
    summary = next(p for p in missing if p.column == "summary")
    assert summary.text("fr") == (
        f"options.csv, ligne {len(rows) + 2}, colonne «{NBSP}summary{NBSP}»{NBSP}: n'a pas de "
        f"traduction (fr){NBSP}: ajoutez option 'new-option' avec sa colonne summary à "
        "fr/options.csv")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aml_teach", "check-data", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_check_data_speaks_french_naming_file_line_and_column(data_copy):
    line = data_copy.set("drugs", 0, "beyond_seed", "maybe")
    result = _cli(str(data_copy.path), "--lang", "fr")
    assert result.returncode == 1
    assert f"{data_copy.path}{NBSP}: 1 problème(s) trouvé(s){NBSP}:" in result.stderr
    assert f"drugs.csv, ligne {line}, colonne «{NBSP}beyond_seed{NBSP}»{NBSP}: doit être " \
        f"«{NBSP}yes{NBSP}» ou «{NBSP}no{NBSP}», reçu «{NBSP}maybe{NBSP}»" in result.stderr
    assert "Corrigez-les et relancez check-data" in result.stderr
    assert not leaks(result.stderr), result.stderr
    english = _cli(str(data_copy.path))
    assert "1 problem(s) found" in english.stderr
    assert f"drugs.csv, line {line}, column 'beyond_seed'" in english.stderr


def test_check_data_in_french_names_a_missing_french_text(data_copy):
    rows = data_copy.rows("options")
    data_copy.write("options", [*rows, dict(rows[0], option="new-option", name="A new option")])
    result = _cli(str(data_copy.path), "--lang", "fr")
    assert result.returncode == 1
    assert f"options.csv, ligne {len(rows) + 2}, colonne «{NBSP}name{NBSP}»{NBSP}: n'a pas " \
        "de traduction (fr)" in result.stderr


def test_check_data_in_french_when_all_is_well():
    result = _cli("data", "--lang", "fr")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"data{NBSP}: toutes les tables sont valides."
    assert check_report(ROOT / "data", [], "en") == [f"{ROOT / 'data'}: all tables are valid."]


def test_check_data_refuses_an_unknown_language():
    result = _cli("data", "--lang", "de")
    assert result.returncode == 2 and "--lang" in result.stderr


def test_a_broken_knowledge_base_says_so_in_french(data_copy):
    line = data_copy.set("cases", 0, "age", "7")
    with pytest.raises(knowledge.DataError) as caught:
        load_knowledge_base(data_copy.path)
    error = caught.value
    assert str(error).startswith("The knowledge base has 1 problem(s):")
    assert error.text("fr") == (
        f"La base de connaissances a 1 problème(s){NBSP}:\n  - cases.csv, ligne {line}, colonne "
        f"«{NBSP}age{NBSP}»{NBSP}: doit être de 18 à 110, reçu 7\nCorrigez-les, puis lancez "
        "`python -m aml_teach check-data` pour vérifier de nouveau.")


def test_an_unknown_regimen_says_so_in_french():
    from aml_teach.core.schedules import UnknownRegimenError

    with pytest.raises(UnknownRegimenError) as caught:
        schedule_rows("7+3", "nope", lang="fr")
    error = caught.value
    assert str(error) == error.text("en") == (
        "7+3 has no variant 'nope'; choose one of: daunorubicin, doxorubicin, idarubicin, "
        "mitoxantrone")
    assert error.text("fr") == (
        f"7+3 n'a pas de variante 'nope'{NNBSP}; choisissez l'une des suivantes{NBSP}: "
        "daunorubicin, doxorubicin, idarubicin, mitoxantrone")
    with pytest.raises(UnknownRegimenError) as caught:
        regimen_schedule("nope", lang="fr")
    assert caught.value.text("fr").startswith(f"aucun schéma pour l'option 'nope'{NNBSP};")


BAD_HISTORIES = [dict(remission_reached=1), dict(intensive_courses=11),
                 dict(marrow_blasts_percent=101), dict(extramedullary="x"),
                 dict(blood_blast_samples=-1), dict(less_intensive_days=4000)]
BAD_INDEXES = [(-1, "other", 40, False), (12, "t(15;17)", 40, False), (12, "other", 17, False),
               (12, "other", 40, "no")]


def _raised(call) -> knowledge.InputError:
    with pytest.raises(ValueError) as caught:
        call()
    assert isinstance(caught.value, knowledge.InputError)
    return caught.value


@pytest.mark.parametrize("bad", BAD_HISTORIES, ids=lambda b: next(iter(b)))
def test_a_bad_history_is_refused_in_french_too(bad):
    values = dict(remission_reached=True, intensive_courses=1, marrow_blasts_percent=3.0)
    error = _raised(lambda: classify_history(**{**values, **bad}, lang="fr"))
    field = next(iter(bad))
    assert str(error).startswith(f"{field} must be ") and error.text("en") == str(error)
    assert error.text("fr").startswith(f"{field} doit être ")
    assert not leaks(error.text("fr"))


@pytest.mark.parametrize("args", BAD_INDEXES, ids=str)
def test_a_bad_index_input_is_refused_in_french_too(args):
    error = _raised(lambda: european_prognostic_index(*args, lang="fr"))
    assert " must be " in str(error) and " doit être " in error.text("fr")
    assert error.text("fr").split()[0] == str(error).split()[0]  # the argument's name
    assert not leaks(error.text("fr"))
