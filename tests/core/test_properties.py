"""Property-based tests: any valid patient gets a well-formed answer, any invalid one a
ValueError; the public functions that take outside input never fail in any other way."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from aml_teach import (
    Patient,
    classify_history,
    european_prognostic_index,
    load_knowledge_base,
    regimen_schedule,
    treatment_options,
)
from aml_teach.core.knowledge import CATEGORIES, MARKERS

OPTION_IDS = list(load_knowledge_base().option_ids())


@st.composite
def valid_patients(draw) -> dict:
    age = draw(st.integers(18, 110))
    disease = draw(st.sampled_from(["relapsed", "refractory"]))
    months = (
        None
        if disease == "refractory"
        else draw(
            st.one_of(
                st.integers(0, age * 12),
                st.floats(0, age * 12, allow_nan=False, allow_infinity=False),
            )
        )
    )
    return dict(
        age=age,
        fit_for_intensive=draw(st.booleans()),
        disease=disease,
        remission_months=months,
        prior_treatments=tuple(draw(st.lists(st.sampled_from(OPTION_IDS), max_size=3))),
        cns=draw(st.booleans()),
        markers=set(
            draw(st.lists(st.sampled_from(MARKERS + tuple(m.lower() for m in MARKERS)), max_size=4))
        ),
        matched_donor=draw(st.booleans()),
        prior_transplant=draw(st.booleans()),
    )


@settings(max_examples=150, deadline=None)
@given(valid_patients(), st.booleans())
def test_any_valid_patient_gets_a_well_formed_result(values, include_excluded):
    frame = treatment_options(Patient(**values), include_excluded=include_excluded)
    assert frame["option"].is_unique
    assert set(frame["category"]) <= set(CATEGORIES)
    assert frame["reason"].map(lambda r: isinstance(r, str) and len(r) > 10).all()
    if include_excluded:
        assert len(frame) == len(OPTION_IDS)
    else:
        assert frame["applies"].all()
    assert {"anti-infectives", "clinical-trial"} <= set(frame[frame["applies"]]["option"])


anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(),
    st.text(max_size=20),
    st.lists(st.text(max_size=5), max_size=3),
    st.binary(max_size=5),
)


@settings(max_examples=300, deadline=None)
@given(
    valid_patients(),
    st.sampled_from(
        [
            "age",
            "fit_for_intensive",
            "disease",
            "remission_months",
            "prior_treatments",
            "cns",
            "markers",
            "matched_donor",
            "prior_transplant",
        ]
    ),
    anything,
)
def test_any_value_is_accepted_or_refused_with_value_error(values, field, value):
    values[field] = value
    try:
        patient = Patient(**values)
    except ValueError as error:
        assert str(error).startswith(field) or "remission_months" in str(error)
        return
    # accepted: it must really be valid
    assert 18 <= patient.age <= 110 and isinstance(patient.cns, bool)
    if patient.remission_months is not None:
        assert math.isfinite(patient.remission_months)
    treatment_options(patient)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.floats(), st.integers(-5, 2000)),
    st.text(max_size=10) | st.sampled_from(["inv(16)", "t(8;21)", "other"]),
    st.integers(-5, 200) | st.floats(),
    anything,
)
def test_epi_accepts_or_raises_value_error(months, cyto, age, sct):
    try:
        result = european_prognostic_index(months, cyto, age, sct)
    except ValueError:
        return
    assert result.group in ("favourable", "intermediate", "poor") and 0 <= result.score <= 14


@settings(max_examples=200, deadline=None)
@given(anything, anything, anything, anything, anything)
def test_classifier_accepts_or_raises_value_error(a, b, c, d, e):
    try:
        verdict = classify_history(a, b, c, d, e)
    except ValueError:
        return
    assert verdict.status in ("refractory", "relapsed", "in remission", "too early to say")


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(st.text(max_size=30), st.sampled_from(OPTION_IDS), anything),
    st.one_of(st.none(), st.text(max_size=10)),
)
def test_schedule_lookup_accepts_or_raises_value_error(option, variant):
    try:
        frame = regimen_schedule(option, variant)
    except ValueError:
        return
    assert len(frame) >= 1
