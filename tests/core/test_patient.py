"""The Patient contract: valid values accepted, every bad one refused with a clear message."""

from __future__ import annotations

import pytest

from aml_teach import Patient, PatientError


def make(**changes) -> Patient:
    values = dict(age=72, fit_for_intensive=False, disease="relapsed", remission_months=8)
    values.update(changes)
    return Patient(**values)


def test_contract_example():
    patient = Patient(
        age=72,
        fit_for_intensive=False,
        disease="relapsed",
        remission_months=8,
        prior_treatments=("7+3",),
        cns=False,
        markers={"FLT3"},
        matched_donor=False,
        prior_transplant=False,
    )
    assert patient.markers == frozenset({"FLT3"})
    assert patient.prior_treatments == ("7+3",)


def test_defaults():
    patient = make()
    assert (patient.prior_treatments, patient.cns, patient.markers) == ((), False, frozenset())
    assert (patient.matched_donor, patient.prior_transplant) == (False, False)


def test_markers_are_case_insensitive():
    assert make(markers=["flt3", "Cd33"]).markers == {"FLT3", "CD33"}


@pytest.mark.parametrize("age", [18, 110])
def test_age_bounds_accepted(age):
    assert make(age=age, remission_months=0).age == age


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"age": -5}, "age", "got -5"),
        ({"age": 17}, "age", "from 18 to 110"),
        ({"age": 111}, "age", "from 18 to 110"),
        ({"age": 72.5}, "age", "whole number"),
        ({"age": "72"}, "age", "whole number"),
        ({"age": True}, "age", "whole number"),
        ({"fit_for_intensive": "yes"}, "fit_for_intensive", "True or False"),
        ({"fit_for_intensive": 1}, "fit_for_intensive", "True or False"),
        ({"cns": None}, "cns", "True or False"),
        ({"matched_donor": "false"}, "matched_donor", "True or False"),
        ({"prior_transplant": 0}, "prior_transplant", "'allogeneic' or 'autologous'"),
        ({"prior_transplant": "haploidentical"}, "prior_transplant", "'allogeneic'"),
        ({"white_cell_count": -1}, "white_cell_count", "10^9/L"),
        ({"white_cell_count": float("nan")}, "white_cell_count", "10^9/L"),
        ({"white_cell_count": "150"}, "white_cell_count", "10^9/L"),
        ({"disease": "remission"}, "disease", "'relapsed' or 'refractory'"),
        ({"disease": "Relapsed"}, "disease", "'relapsed' or 'refractory'"),
        ({"remission_months": -1}, "remission_months", "from 0"),
        ({"remission_months": None}, "remission_months", "relapsed disease"),
        ({"remission_months": float("nan")}, "remission_months", "number of months"),
        ({"remission_months": float("inf")}, "remission_months", "number of months"),
        ({"remission_months": 10**9}, "remission_months", "age in months"),
        ({"remission_months": "8"}, "remission_months", "number of months"),
        ({"disease": "refractory", "remission_months": 8}, "remission_months", "None"),
        ({"markers": {"BRCA1"}}, "markers", "FLT3"),
        ({"markers": "FLT3"}, "markers", "list or set"),
        ({"markers": [3]}, "markers", "names"),
        ({"prior_treatments": "7+3"}, "prior_treatments", "list or set"),
        ({"prior_treatments": ("chemo",)}, "prior_treatments", "option ids"),
    ],
)
def test_bad_values_name_the_field(changes, field, fragment):
    with pytest.raises(ValueError) as error:
        make(**changes)
    assert isinstance(error.value, PatientError)
    message = str(error.value)
    assert message.startswith(field), message
    assert fragment in message


def test_contract_error_message():
    with pytest.raises(
        ValueError, match=r"^age must be a whole number of years from 18 to 110, got -5$"
    ):
        make(age=-5)


def test_refractory_has_no_remission():
    patient = make(disease="refractory", remission_months=None)
    assert patient.remission_months is None
    assert not patient.remission_longer_than_a_year


def test_long_hostile_values_are_shortened_in_messages():
    with pytest.raises(PatientError) as error:
        make(disease="x" * 10_000)
    assert len(str(error.value)) < 200
