"""Regimen schedules: contract columns, the required regimens, and sensible days."""

from __future__ import annotations

import pytest

from aml_teach import load_knowledge_base, regimen_schedule
from aml_teach.core.schedules import UnknownRegimenError, scheduled_options, variants
from aml_teach.teaching.figures import schedule_text, timeline_html

REQUIRED = [
    "7+3",
    "FLAG",
    "MEC",
    "HDAC+mitoxantrone",
    "azacitidine",
    "azacitidine+venetoclax",
    "decitabine",
    "decitabine+venetoclax",
    "gilteritinib",
    "gemtuzumab-ozogamicin",
]


@pytest.mark.parametrize("option", REQUIRED)
def test_required_schedules_exist(option):
    frame = regimen_schedule(option)
    assert list(frame.columns[:5]) == ["drug", "route", "days", "dose", "sources"]
    assert len(frame) >= 1
    for _, r in frame.iterrows():
        assert isinstance(r["days"], tuple) and r["days"][0] >= 1
        assert list(r["days"]) == sorted(r["days"])
        assert r["dose"].strip()
        assert isinstance(r["sources"], tuple) and r["sources"]


def test_seven_plus_three_shape():
    frame = regimen_schedule("7+3")
    cytarabine = frame[frame["drug"] == "cytarabine"].iloc[0]
    assert cytarabine["days"] == tuple(range(1, 8))
    assert variants("7+3") == ("daunorubicin", "doxorubicin", "idarubicin", "mitoxantrone")
    for anthracycline in variants("7+3"):
        one = regimen_schedule("7+3", variant=anthracycline)
        assert set(one["drug"]) == {"cytarabine", anthracycline}
        assert one.set_index("drug").loc[anthracycline, "days"] == (1, 2, 3)


def test_venetoclax_is_the_difference():
    without = set(regimen_schedule("azacitidine")["drug"])
    with_ven = set(regimen_schedule("azacitidine+venetoclax")["drug"])
    assert with_ven - without == {"venetoclax"}


def test_doses_are_cited_or_deferred_to_local_protocol():
    kb = load_knowledge_base()
    for _, r in kb.schedules.iterrows():
        assert r["dose"] == "per local protocol" or any(ch.isdigit() for ch in r["dose"]), r


def test_unknown_regimen_and_variant():
    with pytest.raises(UnknownRegimenError, match="no schedule for option 'nothing'"):
        regimen_schedule("nothing")
    with pytest.raises(UnknownRegimenError, match="choose one of"):
        regimen_schedule("7+3", variant="aspirin")
    with pytest.raises(ValueError):
        regimen_schedule(7)


def test_timeline_draws_every_drug_and_has_a_text_alternative():
    frame = regimen_schedule("7+3", variant="idarubicin")
    html = timeline_html(frame, "7+3 with idarubicin")
    assert html.count('<tr><th scope="row">') == 2
    assert html.count('class="on"') == 7 + 3
    assert "In words:" in html and "days 1 to 7" in schedule_text(frame)


def test_scheduled_options_lists_names():
    names = dict(scheduled_options())
    assert set(REQUIRED) <= set(names)
