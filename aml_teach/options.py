"""The options engine: which treatment options apply to a patient, and why.

The rules live in ``data/options.csv`` (one row per option, one column per condition), so an
instructor can adapt them; this module only evaluates them and words the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .knowledge import CATEGORIES, KnowledgeBase, Row, load_knowledge_base
from .patient import Patient

if TYPE_CHECKING:  # pandas only for the DataFrame that treatment_options returns
    import pandas as pd

RESULT_COLUMNS = [
    "option",
    "name",
    "category",
    "drugs",
    "reason",
    "sources",
    "beyond_seed",
    "applies",
    "summary",
]
MARKER_WORDS = {
    "FLT3": "a FLT3 mutation",
    "CD33": "the CD33 marker",
    "IDH1": "an IDH1 mutation",
    "IDH2": "an IDH2 mutation",
    "NPM1": "an NPM1 mutation",
    "KMT2A": "a KMT2A rearrangement",
}
DRUG_CATEGORIES = ("intensive chemotherapy", "less intensive chemotherapy", "targeted therapy")
REPEAT_AFTER_MONTHS = 12

# A check returns (applies, why it applies, why not); the words name the patient factor.
Check = tuple[bool, str, str]


def _join(parts: list[str], word: str = "and") -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {word} {parts[-1]}"


def _months(value: float) -> str:
    number = f"{value:g}"
    return f"{number} month" if number == "1" else f"{number} months"


def _fitness(rule: str, p: Patient) -> Check | None:
    if rule == "fit":
        return (
            p.fit_for_intensive,
            "fit for intensive chemotherapy",
            "needs fitness for intensive chemotherapy",
        )
    if rule == "unfit":
        return (
            not p.fit_for_intensive,
            "not fit for intensive chemotherapy",
            "is for people not fit for intensive chemotherapy",
        )
    return None


def _disease(rule: str, p: Patient) -> Check | None:
    if rule == "any":
        return None
    other = "refractory" if rule == "relapsed" else "relapsed"
    return (p.disease == rule, f"{rule} disease", f"only for {rule} disease, not {other}")


def _remission(months: int | None, p: Patient) -> Check | None:
    if months is None:
        return None
    need = f"needs a last complete remission longer than {_months(months)}"
    if p.remission_months is None:
        return (False, "", f"{need}; refractory disease has had no remission")
    lasted = _months(p.remission_months)
    if p.remission_months > months:
        return (True, f"a remission of {lasted} (longer than {_months(months)})", "")
    return (False, "", f"{need}; this one lasted {lasted}")


def _markers(wanted: tuple[str, ...], p: Patient) -> Check | None:
    if not wanted:
        return None
    present = [MARKER_WORDS[m] for m in wanted if m in p.markers]
    return (
        bool(present),
        _join(present),
        f"needs {_join([MARKER_WORDS[m] for m in wanted], 'or')}",
    )


def _cns(rule: str, p: Patient) -> Check | None:
    if rule != "yes":
        return None
    return (
        p.cns,
        "leukemia in the central nervous system",
        "only when the leukemia has reached the central nervous system",
    )


def _donor(rule: str, p: Patient) -> Check | None:
    if rule == "yes":
        return (p.matched_donor, "a matched donor is available", "needs a matched donor")
    if rule == "no":
        return (
            not p.matched_donor,
            "no matched donor is available",
            "an option only when no matched donor is available",
        )
    return None


def _transplant(rule: str, p: Patient) -> Check | None:
    if rule == "yes":
        return (
            p.prior_transplant,
            "this relapse follows a stem cell transplant",
            "only for a relapse after a stem cell transplant",
        )
    if rule == "no":
        return (
            not p.prior_transplant,
            "no transplant before",
            "not after a previous stem cell transplant",
        )
    return None


def _repeat(option: str, category: str, p: Patient) -> Check | None:
    """The page repeats earlier drugs only after a remission longer than one year."""
    if option not in p.prior_treatments or category not in DRUG_CATEGORIES:
        return None
    if p.disease == "refractory":
        return (False, "", "already given, and the leukemia did not respond to it")
    if p.remission_months is not None and p.remission_months > REPEAT_AFTER_MONTHS:
        return (True, "a repeat of an earlier treatment after a remission longer than one year", "")
    return (False, "", "already given, and a repeat needs a remission longer than one year")


RULES: tuple[tuple[str, Callable[..., Check | None]], ...] = (
    ("fitness", _fitness),
    ("disease", _disease),
    ("min_remission_months", _remission),
    ("markers", _markers),
    ("cns", _cns),
    ("donor", _donor),
    ("prior_transplant", _transplant),
)


def _evaluate(row: Row, p: Patient) -> list[Check]:
    checks = [rule(row[column], p) for column, rule in RULES]
    checks.append(_repeat(row["option"], row["category"], p))
    return [check for check in checks if check is not None]


def _reason(checks: list[Check], applies: bool, note: str) -> str:
    if applies:
        factors = [why for ok, why, _ in checks if ok and why]
        text = (
            f"Applies: {_join(factors)}."
            if factors
            else "Applies to everyone with relapsed or refractory AML."
        )
    else:
        text = f"Does not apply: {'; '.join(why for ok, _, why in checks if not ok)}."
    return f"{text} {note}".strip()


def treatment_options(
    patient: Patient, include_excluded: bool = False, kb: KnowledgeBase | None = None
) -> pd.DataFrame:
    """Options for ``patient`` in the source page's category order, each with its reason.

    With ``include_excluded=True`` the options that do not apply are listed too, each saying
    which factor rules it out.
    """
    import pandas as pd

    records = evaluate_options(patient, include_excluded, kb)
    return pd.DataFrame.from_records(records, columns=RESULT_COLUMNS)


def evaluate_options(
    patient: Patient, include_excluded: bool = False, kb: KnowledgeBase | None = None
) -> list[dict[str, Any]]:
    """What :func:`treatment_options` returns, as plain rows (one dict per option).

    The dashboard uses this: its kernel never imports pandas.
    """
    if not isinstance(patient, Patient):
        raise TypeError(f"treatment_options needs a Patient, got {type(patient).__name__}")
    if not isinstance(include_excluded, bool):
        raise ValueError(f"include_excluded must be True or False, got {include_excluded!r:.60}")
    kb = kb or load_knowledge_base()
    rows = kb.option_rows
    names = {row["option"]: row["name"] for row in rows}
    results: dict[str, tuple[bool, list[Check]]] = {}
    dependent = []
    for row in rows:
        if row["with_option"]:
            dependent.append(row)
            continue
        checks = _evaluate(row, patient)
        results[row["option"]] = (all(ok for ok, _, _ in checks), checks)
    for row in dependent:
        checks = _evaluate(row, patient)
        partners = [names[o] for o in row["with_option"] if results.get(o, (False,))[0]]
        if partners:
            checks.append((True, f"goes with {_join(partners, 'or')}, which applies", ""))
        else:
            wanted = _join([names[o] for o in row["with_option"]], "or")
            checks.append((False, "", f"goes with {wanted}, which does not apply"))
        results[row["option"]] = (all(ok for ok, _, _ in checks), checks)
    records = []
    for row in rows:
        applies, checks = results[row["option"]]
        if not applies and not include_excluded:
            continue
        records.append(
            {
                "option": row["option"],
                "name": row["name"],
                "category": row["category"],
                "drugs": tuple(row["drugs"]),
                "reason": _reason(checks, applies, row["note"]),
                "sources": tuple(row["sources"]),
                "beyond_seed": bool(row["beyond_seed"]),
                "applies": applies,
                "summary": row["summary"],
            }
        )
    order = {category: i for i, category in enumerate(CATEGORIES)}
    records.sort(key=lambda record: order[record["category"]])  # stable: csv order within
    return records
