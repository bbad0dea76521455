"""The options engine: which treatment options apply to a patient, and why.

The rules live in ``data/options.csv`` (one row per option, one column per condition), so an
instructor can adapt them; this module only evaluates them and words the reason.
"""

from __future__ import annotations

import functools
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
# A relapse follows a remission, so some induction was given. With no earlier treatment listed
# (the explorer's starting state), a fit patient's induction is taken to be the usual one, 7+3,
# so that "7+3 again" keeps the page's one-year rule (independent review of round 3).
ASSUMED_INDUCTION = "7+3"
REPEAT_SOURCE = "ccs-2024"  # the source page: same or similar drugs only after a year's remission
HIGHER_DOSE_SOURCE = "dohner-2017"  # higher-dose cytarabine after 7+3 fails (ELN 2017, Table 6)
DLI_SOURCE = "ebmt-2012"
HYPERLEUKOCYTOSIS_SOURCE = "rollig-2015"
DOSE_PLACEHOLDER = "{dose}"

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
    if rule == "allogeneic":
        return _after_allogeneic(p)
    if rule == "yes":
        return (
            p.had_transplant,
            "this relapse follows a stem cell transplant",
            "only for a relapse after a stem cell transplant",
        )
    if rule == "no":
        return (
            not p.had_transplant,
            "no transplant before",
            "not after a previous stem cell transplant",
        )
    return None


def _after_allogeneic(p: Patient) -> Check:
    """DLI uses cells from the earlier transplant's donor, so it needs an allogeneic one."""
    need = (
        "needs an earlier allogeneic (donor) transplant, because the cells come from that "
        f"donor ({DLI_SOURCE})"
    )
    kind = p.transplant_type
    if kind == "allogeneic":
        return (True, "this relapse follows an allogeneic stem cell transplant", "")
    if kind == "autologous":
        return (
            False,
            "",
            f"{need}; an autologous transplant used the patient's own cells, so there is no donor",
        )
    if kind == "not known":
        return (
            False,
            "",
            f"{need}; the type of the earlier transplant is not recorded, so find out whether "
            "it was allogeneic",
        )
    return (False, "", f"{need}; there has been no transplant")


def _white_count(threshold: int | None, p: Patient) -> Check | None:
    """Leukapheresis is for hyperleukocytosis: a white count above the cited threshold."""
    if threshold is None:
        return None
    need = (
        f"only for hyperleukocytosis, a white cell count above {threshold} x 10^9/L "
        f"({HYPERLEUKOCYTOSIS_SOURCE})"
    )
    count = p.white_cell_count
    if count is None:
        return (False, "", f"{need}; no white cell count was given")
    if count > threshold:
        return (
            True,
            f"a white cell count of {count:g} x 10^9/L, above the hyperleukocytosis threshold "
            f"of {threshold} ({HYPERLEUKOCYTOSIS_SOURCE})",
            "",
        )
    return (False, "", f"{need}; this count is {count:g} x 10^9/L")


def _lower_first(name: str) -> str:
    """Mid-sentence, 'Azacitidine with venetoclax' reads 'azacitidine with...'; FLAG stays."""
    return name[0].lower() + name[1:] if name[1:2].islower() else name


def drug_classes(option_row: dict, kb: KnowledgeBase) -> frozenset[str]:
    """The drug classes an option gives, read from drugs.csv's ``similarity_class``.

    A class containing ``{dose}`` (cytarabine) is filled with the option's ``dose_level``, so
    standard-dose and high-dose cytarabine count as different treatments. Drugs with no class
    (the growth factor filgrastim) do not make two regimens similar.
    """
    classes = _drug_class_table(kb)
    found = set()
    for drug in option_row["drugs"]:
        label = classes.get(drug, "")
        if not label:
            continue
        if DOSE_PLACEHOLDER in label:
            label = label.replace(DOSE_PLACEHOLDER, option_row["dose_level"] or "unstated")
        found.add(label)
    return frozenset(found)


@functools.lru_cache(maxsize=8)
def _drug_class_table(kb: KnowledgeBase) -> dict[str, str]:
    return {row["drug"]: row["similarity_class"] for row in kb.rows["drugs"]}


CYTARABINE = "cytarabine"
# Targeted drug classes (drugs.csv similarity_class): added to an earlier regimen, they make
# a different treatment, not a repeat (venclexta-label; stahl-2021; real-world R/R series).
CHANGES_THE_CLASS = frozenset({
    "BCL-2 inhibitor", "FLT3 inhibitor", "CD33 antibody-drug conjugate", "IDH1 inhibitor",
    "IDH2 inhibitor", "menin inhibitor",
})
DOSE_ORDER = ("low", "standard", "intermediate", "high")  # options.csv dose_level, lowest first


def _split_cytarabine(classes: frozenset[str]) -> tuple[frozenset[str], str | None]:
    """Classes with any '<dose>-dose cytarabine' replaced by plain 'cytarabine', and that dose."""
    dose = None
    plain = set()
    for label in classes:
        if label.endswith(f"-dose {CYTARABINE}"):
            dose = label.removesuffix(f"-dose {CYTARABINE}")
            plain.add(CYTARABINE)
        else:
            plain.add(label)
    return frozenset(plain), dose


def _not_higher(dose: str | None, earlier: str | None) -> bool:
    """True when the new cytarabine dose is no higher than the earlier one (unknown: equal only)."""
    if dose in DOSE_ORDER and earlier in DOSE_ORDER:
        return DOSE_ORDER.index(dose) <= DOSE_ORDER.index(earlier)
    return dose == earlier


def similar(classes: frozenset[str], earlier: frozenset[str]) -> bool:
    """Same or similar drugs: one regimen's classes contain the other's, at no higher dose.

    Cytarabine counts as one class whatever its dose, but a regimen that gives it at a higher
    dose than before is a change of dose intensity, not a repeat: ELN 2017 names regimens with
    higher doses of cytarabine as the usual choice after 7+3 fails (dohner-2017). A regimen that
    adds a targeted class (``CHANGES_THE_CLASS``) to the earlier one is no repeat either, so
    azacitidine with venetoclax after azacitidine alone is open. Azacitidine
    alone after azacitidine with venetoclax is similar, and so are 7+3 with etoposide added (ADE)
    after 7+3, clofarabine with (intermediate-dose) cytarabine after FLAG, and 7+3 after MEC;
    FLAG, MEC and high-dose cytarabine with mitoxantrone after 7+3 are not, because they give
    cytarabine at a higher dose or with different partners.
    """
    if not classes or not earlier:
        return False
    plain, dose = _split_cytarabine(classes)
    plain_before, dose_before = _split_cytarabine(earlier)
    if dose is not None and dose_before is not None and not _not_higher(dose, dose_before):
        return False
    if plain <= plain_before:
        return True
    # A regimen that adds drugs to the earlier one is a repeat only if what it adds is more
    # chemotherapy (etoposide in ADE after 7+3); adding a targeted class (venetoclax to an HMA)
    # changes the class of treatment, and HMA with venetoclax is used after HMA alone (round 3).
    return plain_before <= plain and not (plain - plain_before) & CHANGES_THE_CLASS


def _shared(classes: frozenset[str], earlier: frozenset[str]) -> list[str]:
    """The classes two similar regimens share, naming both cytarabine doses when they differ."""
    plain, dose = _split_cytarabine(classes)
    plain_before, dose_before = _split_cytarabine(earlier)
    shared = []
    for label in sorted(plain & plain_before):
        if label == CYTARABINE and dose != dose_before:
            label = f"cytarabine at a lower dose ({dose}, after {dose_before})"
        elif label == CYTARABINE:
            label = f"{dose}-dose cytarabine"
        shared.append(label)
    return shared


def _repeat(row: dict, p: Patient, kb: KnowledgeBase) -> Check | None:
    """The page gives the same or similar drugs again only after a remission over one year."""
    if row["category"] not in DRUG_CATEGORIES:
        return None
    names = {r["option"]: r for r in kb.option_rows}
    given, assumed = p.prior_treatments, False
    if (not given and p.disease == "relapsed" and p.fit_for_intensive
            and ASSUMED_INDUCTION in names):
        given, assumed = (ASSUMED_INDUCTION,), True
    if not given:
        return None
    classes = drug_classes(row, kb)
    matches = []
    for earlier in given:
        before = names.get(earlier)
        if before is None or before["category"] not in DRUG_CATEGORIES:
            continue
        if earlier == row["option"] or similar(classes, drug_classes(before, kb)):
            shared = _shared(classes, drug_classes(before, kb))
            name = (f"{earlier}, the usual induction, assumed because no earlier treatment is "
                    "listed" if assumed else _lower_first(before["name"]))
            matches.append((name, shared))
    if not matches:
        return None
    what = "; ".join(
        f"{name}, sharing {_join(shared) or 'the same drugs'}" for name, shared in matches
    )
    on_cytarabine = any(CYTARABINE in label for _, shared in matches for label in shared)
    cytarabine_source = f"; {HIGHER_DOSE_SOURCE}" if on_cytarabine else ""
    if p.disease == "refractory":
        return (
            False,
            "",
            f"the same or similar drugs as {what}, which the leukemia did not respond to; "
            "refractory disease needs a change of drugs or dose intensity "
            f"({REPEAT_SOURCE}{cytarabine_source})",
        )
    if p.remission_months is not None and p.remission_months > REPEAT_AFTER_MONTHS:
        return (
            True,
            f"a repeat of the same or similar drugs as {what}, allowed because the remission "
            f"lasted {_months(p.remission_months)}, longer than one year ({REPEAT_SOURCE})",
            "",
        )
    lasted = _months(p.remission_months) if p.remission_months is not None else "no time"
    return (
        False,
        "",
        f"the same or similar drugs as {what}, given before; a repeat needs a remission longer "
        f"than one year, and this one lasted {lasted} ({REPEAT_SOURCE})",
    )


RULES: tuple[tuple[str, Callable[..., Check | None]], ...] = (
    ("fitness", _fitness),
    ("disease", _disease),
    ("min_remission_months", _remission),
    ("markers", _markers),
    ("cns", _cns),
    ("donor", _donor),
    ("prior_transplant", _transplant),
    ("min_white_cell_count", _white_count),
)


def _evaluate(row: Row, p: Patient, kb: KnowledgeBase) -> list[Check]:
    checks = [rule(row[column], p) for column, rule in RULES]
    checks.append(_repeat(row, p, kb))
    return [check for check in checks if check is not None]


def _reason(checks: list[Check], applies: bool, note: str, category: str = "") -> str:
    if applies:
        factors = [why for ok, why, _ in checks if ok and why]
        if factors:
            text = f"Applies: {_join(factors)}."
        elif category == "supportive therapy":
            text = (
                "May apply: the source page says supportive care may include this, chosen for "
                "each person's needs and complications."
            )
        else:
            text = "Applies to everyone with relapsed or refractory AML."
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
        checks = _evaluate(row, patient, kb)
        results[row["option"]] = (all(ok for ok, _, _ in checks), checks)
    for row in dependent:
        checks = _evaluate(row, patient, kb)
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
                "reason": _reason(checks, applies, row["note"], row["category"]),
                "sources": tuple(row["sources"]),
                "beyond_seed": bool(row["beyond_seed"]),
                "applies": applies,
                "summary": row["summary"],
            }
        )
    order = {category: i for i, category in enumerate(CATEGORIES)}
    records.sort(key=lambda record: order[record["category"]])  # stable: csv order within
    return records
