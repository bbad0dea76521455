"""The European Prognostic Index for AML in first relapse (Breems et al., JCO 2005).

Points and survival figures come from Breems DA, et al. J Clin Oncol 2005;23(9):1969-78
(reference id ``breems-2005``), a study of adults aged 15 to 60 in first relapse.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

from .i18n import DEFAULT_LANGUAGE, N_, translator
from .knowledge import InputError

SOURCE = "breems-2005"
CYTOGENETICS = ("inv(16)", "t(16;16)", "t(8;21)", N_("other"))  # "other": shown as _("other")
CAVEAT = N_(
    "The index was built from 667 adults aged 15 to 60, first diagnosed between 1987 and 2001 "
    "and treated in Dutch-Belgian and Swiss trials, before today's targeted drugs. It describes "
    "groups, not one person's future, and may not fit older patients or current treatment."
)
# (1-year overall survival %, 5-year overall survival %) by risk group, from Breems 2005.
SURVIVAL = {"favourable": (70, 46), "intermediate": (49, 18), "poor": (16, 4)}
# Ids in the code, words on a page: a page shows ``_(group)`` and ``_(factor)``.
GROUPS = (N_("favourable"), N_("intermediate"), N_("poor"))
FACTORS = (N_("relapse-free interval"), N_("cytogenetics at diagnosis"), N_("age at relapse"),
           N_("stem cell transplant before relapse"))


@dataclass(frozen=True)
class PrognosticIndex:
    """The score, its risk group and that group's published survival.

    ``group`` and the keys of ``points`` are English ids in every language (code compares
    them); ``group_text``, ``point_texts``, ``survival_text`` and ``caveat`` are in ``lang``.
    """

    score: int
    group: str
    one_year_survival_percent: int
    five_year_survival_percent: int
    points: dict[str, int]
    source: str = SOURCE
    caveat: str = CAVEAT
    lang: str = DEFAULT_LANGUAGE

    @property
    def group_text(self) -> str:
        """The risk group in ``lang`` ("favourable", "favorable")."""
        _ = translator(self.lang)
        return _(self.group)

    @property
    def point_texts(self) -> dict[str, int]:
        """``points`` keyed by each factor's name in ``lang``."""
        _ = translator(self.lang)
        return {_(factor): value for factor, value in self.points.items()}

    @property
    def survival_text(self) -> str:
        """The group's published survival as one sentence in ``lang``."""
        _ = translator(self.lang)
        return _(
            "In the study, {one_year}% of the {group} group were alive after one year and "
            "{five_year}% after five years.", one_year=self.one_year_survival_percent,
            five_year=self.five_year_survival_percent, group=self.group_text)

    def __getitem__(self, key: str):  # also usable like a dict, as the contract allows
        return getattr(self, key)


def _relapse_free_points(months: float) -> int:
    if months > 18:
        return 0
    if months >= 7:
        return 3
    return 5


def _age_points(age: int) -> int:
    if age <= 35:
        return 0
    if age <= 45:
        return 1
    return 2


def european_prognostic_index(
    relapse_free_months: float,
    cytogenetics: str,
    age: int,
    prior_transplant: bool,
    lang: str = DEFAULT_LANGUAGE,
) -> PrognosticIndex:
    """Score a first relapse: relapse-free interval, cytogenetics at diagnosis, age, prior SCT.

    ``lang`` is the language of the result's words (its caveat, ``group_text``, ...).
    """
    _ = translator(lang)
    if (
        isinstance(relapse_free_months, bool)
        or not isinstance(relapse_free_months, Real)
        or not math.isfinite(relapse_free_months)
        or not 0 <= relapse_free_months <= 1200
    ):
        raise InputError(
            N_("relapse_free_months must be a number of months from 0 to {high}, got {got}"),
            high=1200, got=f"{relapse_free_months!r:.60}")
    if cytogenetics not in CYTOGENETICS:
        raise InputError(N_("cytogenetics must be one of {choices}, got {got}"),
                         choices=", ".join(CYTOGENETICS), got=f"{cytogenetics!r:.60}")
    if isinstance(age, bool) or not isinstance(age, Integral) or not 18 <= age <= 110:
        raise InputError(
            N_("age must be a whole number of years from {low} to {high}, got {got}"),
            low=18, high=110, got=f"{age!r:.60}")
    if not isinstance(prior_transplant, bool):
        raise InputError(N_("{name} must be True or False, got {got}"),
                         name="prior_transplant", got=f"{prior_transplant!r:.60}")
    cyto = {"inv(16)": 0, "t(16;16)": 0, "t(8;21)": 3, "other": 5}[cytogenetics]
    points = {
        "relapse-free interval": _relapse_free_points(relapse_free_months),
        "cytogenetics at diagnosis": cyto,
        "age at relapse": _age_points(int(age)),
        "stem cell transplant before relapse": 2 if prior_transplant else 0,
    }
    score = sum(points.values())
    group = "favourable" if score <= 6 else "intermediate" if score <= 9 else "poor"
    one_year, five_year = SURVIVAL[group]
    return PrognosticIndex(score, group, one_year, five_year, points, caveat=_(CAVEAT), lang=lang)
