"""The patient model: the factors the care team weighs, validated at the door.

Values reach this class from notebooks and from the browser (the dashboard), so every field
is checked for type and range here, and a bad value raises :class:`PatientError` naming the
field and what it accepts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from numbers import Integral, Real
from typing import Any

from .i18n import DEFAULT_LANGUAGE, N_, translator
from .knowledge import MARKERS

MIN_AGE, MAX_AGE = 18, 110
DISEASES = (N_("relapsed"), N_("refractory"))
TRANSPLANT_TYPES = (N_("allogeneic"), N_("autologous"))
# True is kept for callers written before the transplant type was asked: it means "a stem
# cell transplant of a type not recorded", and the options engine says so in its reasons.
TRANSPLANT_UNKNOWN = True
MAX_WHITE_CELL_COUNT = 2000  # 10^9/L; far above any reported count, so it only stops typos


class PatientError(ValueError):
    """A patient factor has the wrong type or is out of range.

    ``str(error)`` is the English sentence; ``error.text(lang)`` the same sentence in ``lang``
    (the message is a catalogue template filled with ``fields``). Both begin with the factor's
    name as the code spells it (``error.field``), so a page can swap in its own label.
    """

    def __init__(self, message: str, /, *, field: str = "", **fields: object) -> None:
        self.template = message
        self.fields = fields
        self.field = field or message.partition(" ")[0]
        super().__init__(message.format(**fields) if fields else message)

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in ``lang`` ("en" is ``str(self)``)."""
        return translator(lang)(self.template, **self.fields)


def _is_int(value: Any) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _collection(name: str, value: Any, example: str) -> tuple[str, ...]:
    """Accept a list, tuple or set of strings; refuse a bare string and anything else."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise PatientError(
            N_("{name} must be a list or set of names such as {example}, got {got}"),
            field=name, name=name, example=example, got=f"{value!r:.60}",
        )
    items = tuple(value)
    for item in items:
        if not isinstance(item, str):
            raise PatientError(N_("{name} must contain names (text), got {got}"),
                               field=name, name=name, got=f"{item!r:.60}")
    return items


@dataclass(frozen=True)
class Patient:
    """A person with relapsed or refractory AML, described by the factors the page lists."""

    age: int
    fit_for_intensive: bool
    disease: str
    remission_months: float | None
    prior_treatments: tuple[str, ...] = ()
    cns: bool = False
    markers: frozenset[str] = field(default_factory=frozenset)
    matched_donor: bool = False
    prior_transplant: bool | str = False
    white_cell_count: float | None = None

    def __post_init__(self) -> None:
        if not _is_int(self.age) or not MIN_AGE <= self.age <= MAX_AGE:
            raise PatientError(
                N_("age must be a whole number of years from {low} to {high}, got {got}"),
                low=MIN_AGE, high=MAX_AGE, got=f"{self.age!r:.60}",
            )
        for flag in ("fit_for_intensive", "cns", "matched_donor"):
            value = getattr(self, flag)
            if not isinstance(value, bool):
                raise PatientError(N_("{name} must be True or False, got {got}"),
                                   field=flag, name=flag, got=f"{value!r:.60}")
        if self.disease not in DISEASES:
            raise PatientError(N_("disease must be 'relapsed' or 'refractory', got {got}"),
                               got=f"{self.disease!r:.60}")
        self._check_transplant()
        self._check_white_count()
        self._check_remission()
        object.__setattr__(self, "markers", self._normalise_markers(self.markers))
        object.__setattr__(self, "prior_treatments", self._check_prior(self.prior_treatments))

    def _check_transplant(self) -> None:
        value = self.prior_transplant
        if isinstance(value, bool) or value in TRANSPLANT_TYPES:
            return
        raise PatientError(
            N_("prior_transplant must be False (none), 'allogeneic' or 'autologous' "
              "(or True when the type is not known), got {got}"),
            got=f"{value!r:.60}",
        )

    def _check_white_count(self) -> None:
        count = self.white_cell_count
        if count is None:
            return
        if (
            isinstance(count, bool)
            or not isinstance(count, Real)
            or not math.isfinite(count)
            or not 0 <= count <= MAX_WHITE_CELL_COUNT
        ):
            raise PatientError(
                N_("white_cell_count must be the white blood cell count in 10^9/L, a number "
                  "from 0 to {high}, or None when it is not known, got {got}"),
                high=MAX_WHITE_CELL_COUNT, got=f"{count!r:.60}",
            )

    def _check_remission(self) -> None:
        months = self.remission_months
        if self.disease == "refractory":
            if months is not None:
                raise PatientError(
                    N_("remission_months must be None for refractory disease (no complete "
                      "remission was reached), got {got}"),
                    got=f"{months!r:.60}",
                )
            return
        limit = self.age * 12
        if (
            months is None
            or isinstance(months, bool)
            or not isinstance(months, Real)
            or not math.isfinite(months)
            or not 0 <= months <= limit
        ):
            raise PatientError(
                N_("remission_months must be a number of months from 0 to the patient's age "
                  "in months ({limit}) for relapsed disease, got {got}"),
                limit=limit, got=f"{months!r:.60}",
            )

    @staticmethod
    def _normalise_markers(value: Any) -> frozenset[str]:
        names = _collection("markers", value, "{'FLT3', 'CD33'}")
        upper = {name.strip().upper() for name in names}
        unknown = sorted(upper - set(MARKERS))
        if unknown:
            raise PatientError(N_("markers must be among {markers}, got {got}"),
                               markers=", ".join(MARKERS), got=repr(", ".join(unknown)[:60]))
        return frozenset(upper)

    @staticmethod
    def _check_prior(value: Any) -> tuple[str, ...]:
        from .knowledge import load_knowledge_base

        items = _collection("prior_treatments", value, "('7+3',)")
        known = load_knowledge_base().option_ids()
        unknown = [item for item in items if item not in known]
        if unknown:
            raise PatientError(
                N_("prior_treatments must be option ids from data/options.csv (such as '7+3'), "
                  "got unknown {got}"),
                got=f"{unknown[0]!r:.60}",
            )
        return items

    @property
    def had_transplant(self) -> bool:
        """Any earlier stem cell transplant, of whatever type (the prognostic index counts all)."""
        return self.prior_transplant is not False

    @property
    def transplant_type(self) -> str | None:
        """'allogeneic', 'autologous', 'not known' (prior_transplant=True) or None."""
        if self.prior_transplant is False:
            return None
        if self.prior_transplant is True:
            return "not known"
        return str(self.prior_transplant)

    @property
    def remission_longer_than_a_year(self) -> bool:
        return self.remission_months is not None and self.remission_months > 12

    def as_dict(self) -> dict[str, Any]:
        """The factors as plain values (markers sorted), e.g. for widgets or display."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["markers"] = tuple(sorted(self.markers))
        return values
