"""Relapsed or refractory? A short treatment history classified by the ELN 2022 definitions.

Döhner H, et al. Blood 2022;140(12):1345-1377 (reference id ``dohner-2022``):
- refractory: no CR, CRh or CRi at the response landmark, i.e. after 2 courses of intensive
  induction, or at a defined landmark of less intensive therapy. The paper gives 180 days after
  less intensive therapy began as an example ("eg"), not a fixed rule; the module uses that
  example as its landmark and says so in every reason that relies on it. (Independent review,
  2026-11-29: the reviewer's reading of the paper's response table; no stored copy quoted that
  line, so docs/clinical-review.md marks it medium confidence.)
- relapse after CR, CRh or CRi: bone marrow blasts of 5% or more, or blasts back in the blood
  in at least 2 samples at least one week apart, or new extramedullary disease.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

SOURCE = "dohner-2022"
RESPONSE_LANDMARK_COURSES = 2
LESS_INTENSIVE_LANDMARK_DAYS = 180
MAX_DAYS = 3650
RELAPSE_MARROW_BLASTS = 5.0
RELAPSE_BLOOD_SAMPLES = 2
STATUSES = ("refractory", "relapsed", "in remission", "too early to say")


@dataclass(frozen=True)
class Verdict:
    status: str  # one of STATUSES
    reason: str
    source: str = SOURCE


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {value!r:.60}")
    return int(value)


def classify_history(
    remission_reached: bool,
    intensive_courses: int,
    marrow_blasts_percent: float,
    blood_blast_samples: int = 0,
    extramedullary: bool = False,
    less_intensive_days: int = 0,
) -> Verdict:
    """Classify a history: was a remission (CR, CRh or CRi) reached, and what shows now?

    ``intensive_courses``: intensive induction courses given so far;
    ``marrow_blasts_percent``: blasts in the latest bone marrow;
    ``blood_blast_samples``: blood samples, at least a week apart, that show blasts;
    ``extramedullary``: leukemia outside the blood and marrow (e.g. the CNS or skin);
    ``less_intensive_days``: days since less intensive therapy (such as azacitidine with
    venetoclax) began, 0 if none.
    """
    for name, flag in (
        ("remission_reached", remission_reached),
        ("extramedullary", extramedullary),
    ):
        if not isinstance(flag, bool):
            raise ValueError(f"{name} must be True or False, got {flag!r:.60}")
    courses = _check_int("intensive_courses", intensive_courses, 0, 10)
    samples = _check_int("blood_blast_samples", blood_blast_samples, 0, 100)
    days = _check_int("less_intensive_days", less_intensive_days, 0, MAX_DAYS)
    blasts = marrow_blasts_percent
    if (
        isinstance(blasts, bool)
        or not isinstance(blasts, Real)
        or not math.isfinite(blasts)
        or not (0 <= blasts <= 100)
    ):
        raise ValueError(
            f"marrow_blasts_percent must be a percentage from 0 to 100, got {blasts!r:.60}"
        )

    if remission_reached:
        signs = []
        if blasts >= RELAPSE_MARROW_BLASTS:
            signs.append(f"marrow blasts are {blasts:g}% (5% or more)")
        if samples >= RELAPSE_BLOOD_SAMPLES:
            signs.append(f"blasts are back in the blood in {samples} samples a week or more apart")
        if extramedullary:
            signs.append("leukemia has appeared outside the blood and marrow")
        if signs:
            return Verdict("relapsed", "A remission was reached, and now " + "; ".join(signs) + ".")
        detail = "marrow blasts are below 5%"
        if samples == 1:
            detail += "; blasts in a single blood sample need a second sample a week later"
        return Verdict(
            "in remission",
            f"A remission was reached and no sign of relapse is present: {detail}, "
            "and there is no leukemia outside the marrow.",
        )
    if courses >= RESPONSE_LANDMARK_COURSES:
        return Verdict(
            "refractory",
            f"No complete remission (CR, CRh or CRi) after {courses} intensive induction courses: "
            "the response landmark of 2 courses has passed.",
        )
    if days >= LESS_INTENSIVE_LANDMARK_DAYS:
        return Verdict(
            "refractory",
            f"No complete remission (CR, CRh or CRi) {days} days after less intensive therapy "
            f"began: the landmark of {LESS_INTENSIVE_LANDMARK_DAYS} days, the example ELN 2022 "
            "gives for less intensive therapy (a trial or team may define its own), has passed.",
        )
    less = (
        f"no less intensive therapy given (its landmark would be day "
        f"{LESS_INTENSIVE_LANDMARK_DAYS}, ELN 2022's example)"
        if days == 0
        else f"{days} of the {LESS_INTENSIVE_LANDMARK_DAYS} days of less intensive therapy "
        "(ELN 2022's example landmark)"
    )
    return Verdict(
        "too early to say",
        f"No remission yet, but neither landmark has passed: {courses} intensive course(s) of "
        f"the 2 that define refractory disease, and {less}.",
    )
