"""The European Prognostic Index and the ELN 2022 relapsed/refractory classifier."""

from __future__ import annotations

import pytest

from aml_teach import classify_history, european_prognostic_index


@pytest.mark.parametrize(
    ("months", "cyto", "age", "sct", "score", "group"),
    [
        (24, "inv(16)", 30, False, 0, "favourable"),
        (19, "t(16;16)", 35, False, 0, "favourable"),
        (18, "t(8;21)", 36, False, 3 + 3 + 1, "intermediate"),
        (7, "t(8;21)", 45, False, 3 + 3 + 1, "intermediate"),
        (6, "other", 46, True, 5 + 5 + 2 + 2, "poor"),
        (12, "inv(16)", 50, True, 3 + 0 + 2 + 2, "intermediate"),
        (24, "other", 40, False, 0 + 5 + 1, "favourable"),
        (24, "other", 40, True, 0 + 5 + 1 + 2, "intermediate"),
        (6.9, "inv(16)", 60, True, 5 + 0 + 2 + 2, "intermediate"),
        (6.9, "t(8;21)", 60, False, 5 + 3 + 2, "poor"),
    ],
)
def test_epi_scores_and_groups(months, cyto, age, sct, score, group):
    result = european_prognostic_index(months, cyto, age, sct)
    assert (result.score, result.group) == (score, group)
    assert result["score"] == score and sum(result.points.values()) == score


@pytest.mark.parametrize(
    ("group", "one", "five"), [("favourable", 70, 46), ("intermediate", 49, 18), ("poor", 16, 4)]
)
def test_epi_survival_by_group(group, one, five):
    cases = {
        "favourable": (24, "inv(16)", 30, False),
        "intermediate": (12, "t(8;21)", 40, False),
        "poor": (3, "other", 50, False),
    }
    result = european_prognostic_index(*cases[group])
    assert result.group == group
    assert (result.one_year_survival_percent, result.five_year_survival_percent) == (one, five)
    assert result.source == "breems-2005" and "15 to 60" in result.caveat


@pytest.mark.parametrize(
    "args",
    [
        (-1, "other", 40, False),
        (float("nan"), "other", 40, False),
        ("12", "other", 40, False),
        (12, "t(15;17)", 40, False),
        (12, "other", 17, False),
        (12, "other", 40.5, False),
        (12, "other", 40, "no"),
        (True, "other", 40, False),
    ],
)
def test_epi_bad_values(args):
    with pytest.raises(ValueError):
        european_prognostic_index(*args)


@pytest.mark.parametrize(
    ("args", "status"),
    [
        ((False, 2, 30.0), "refractory"),
        ((False, 3, 10.0), "refractory"),
        ((False, 1, 30.0), "too early to say"),
        ((False, 0, 50.0), "too early to say"),
        ((True, 1, 4.9), "in remission"),
        ((True, 1, 5.0), "relapsed"),
        ((True, 2, 0.0, 1), "in remission"),
        ((True, 2, 0.0, 2), "relapsed"),
        ((True, 2, 0.0, 0, True), "relapsed"),
    ],
)
def test_classifier_boundaries(args, status):
    verdict = classify_history(*args)
    assert verdict.status == status
    assert verdict.reason and verdict.source == "dohner-2022"


def test_classifier_reasons_explain():
    assert "2 courses" in classify_history(False, 2, 20.0).reason
    assert "5% or more" in classify_history(True, 1, 7.0).reason
    assert "second sample" in classify_history(True, 1, 0.0, 1).reason


@pytest.mark.parametrize(
    "args",
    [
        ("yes", 1, 5.0),
        (True, -1, 5.0),
        (True, 1, 101.0),
        (True, 1, float("nan")),
        (True, 1, 5.0, -1),
        (True, 1, 5.0, 0, "no"),
        (True, 1.5, 5.0),
    ],
)
def test_classifier_bad_values(args):
    with pytest.raises(ValueError):
        classify_history(*args)
