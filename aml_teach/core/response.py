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

from .i18n import DEFAULT_LANGUAGE, N_, number, translator
from .knowledge import InputError

SOURCE = "dohner-2022"
RESPONSE_LANDMARK_COURSES = 2
LESS_INTENSIVE_LANDMARK_DAYS = 180
MAX_DAYS = 3650
RELAPSE_MARROW_BLASTS = 5.0
RELAPSE_BLOOD_SAMPLES = 2
# The verdicts (ids; a page shows ``_(status)`` or ``verdict.status_text``).
STATUSES = (N_("refractory"), N_("relapsed"), N_("in remission"), N_("too early to say"))


@dataclass(frozen=True)
class Verdict:
    status: str  # one of STATUSES (the English id, in every language)
    reason: str  # in the verdict's language
    source: str = SOURCE
    lang: str = DEFAULT_LANGUAGE

    @property
    def status_text(self) -> str:
        """The status in the verdict's language ("too early to say", "trop tôt pour le dire")."""
        _ = translator(self.lang)
        return _(self.status)


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or not low <= value <= high:
        raise InputError(N_("{name} must be a whole number from {low} to {high}, got {got}"),
                         name=name, low=low, high=high, got=f"{value!r:.60}")
    return int(value)


def classify_history(
    remission_reached: bool,
    intensive_courses: int,
    marrow_blasts_percent: float,
    blood_blast_samples: int = 0,
    extramedullary: bool = False,
    less_intensive_days: int = 0,
    lang: str = DEFAULT_LANGUAGE,
) -> Verdict:
    """Classify a history: was a remission (CR, CRh or CRi) reached, and what shows now?

    ``intensive_courses``: intensive induction courses given so far;
    ``marrow_blasts_percent``: blasts in the latest bone marrow;
    ``blood_blast_samples``: blood samples, at least a week apart, that show blasts;
    ``extramedullary``: leukemia outside the blood and marrow (e.g. the CNS or skin);
    ``less_intensive_days``: days since less intensive therapy (such as azacitidine with
    venetoclax) began, 0 if none; ``lang``: the language of the reason ("en" or "fr").
    """
    _ = translator(lang)
    for name, flag in (
        ("remission_reached", remission_reached),
        ("extramedullary", extramedullary),
    ):
        if not isinstance(flag, bool):
            raise InputError(N_("{name} must be True or False, got {got}"),
                             name=name, got=f"{flag!r:.60}")
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
        raise InputError(
            N_("marrow_blasts_percent must be a percentage from 0 to 100, got {got}"),
            got=f"{blasts!r:.60}")

    if remission_reached:
        signs = []
        if blasts >= RELAPSE_MARROW_BLASTS:
            signs.append(_("marrow blasts are {blasts}% (5% or more)",
                           blasts=number(blasts, lang)))
        if samples >= RELAPSE_BLOOD_SAMPLES:
            signs.append(_("blasts are back in the blood in {samples} samples a week or more "
                           "apart", samples=number(samples, lang)))
        if extramedullary:
            signs.append(_("leukemia has appeared outside the blood and marrow"))
        if signs:
            return Verdict("relapsed", _("A remission was reached, and now {signs}.",
                                         signs=_("; ").join(signs)), lang=lang)
        if samples == 1:
            reason = _(
                "A remission was reached and no sign of relapse is present: marrow blasts are "
                "below 5%; blasts in a single blood sample need a second sample a week later, "
                "and there is no leukemia outside the marrow.")
        else:
            reason = _(
                "A remission was reached and no sign of relapse is present: marrow blasts are "
                "below 5%, and there is no leukemia outside the marrow.")
        return Verdict("in remission", reason, lang=lang)
    if courses >= RESPONSE_LANDMARK_COURSES:
        return Verdict(
            "refractory",
            _("No complete remission (CR, CRh or CRi) after {courses} intensive induction "
              "courses: the response landmark of {landmark} courses has passed.",
              courses=number(courses, lang), landmark=RESPONSE_LANDMARK_COURSES),
            lang=lang,
        )
    landmark = number(LESS_INTENSIVE_LANDMARK_DAYS, lang)
    if days >= LESS_INTENSIVE_LANDMARK_DAYS:
        return Verdict(
            "refractory",
            _("No complete remission (CR, CRh or CRi) {days} days after less intensive therapy "
              "began: the landmark of {landmark} days, the example ELN 2022 gives for less "
              "intensive therapy (a trial or team may define its own), has passed.",
              days=number(days, lang), landmark=landmark),
            lang=lang,
        )
    if days == 0:
        less = _("no less intensive therapy given (its landmark would be day {landmark}, "
                 "ELN 2022's example)", landmark=landmark)
    else:
        less = _("{days} of the {landmark} days of less intensive therapy (ELN 2022's example "
                 "landmark)", days=number(days, lang), landmark=landmark)
    return Verdict(
        "too early to say",
        _("No remission yet, but neither landmark has passed: {courses} intensive course(s) of "
          "the {landmark} that define refractory disease, and {less}.",
          courses=number(courses, lang), landmark=RESPONSE_LANDMARK_COURSES, less=less),
        lang=lang,
    )
