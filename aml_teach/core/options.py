"""The options engine: which treatment options apply to a patient, and why.

The rules live in ``data/options.csv`` (one row per option, one column per condition), so an
instructor can adapt them; this module only evaluates them and words the reason.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .i18n import DEFAULT_LANGUAGE, N_, Translator, check_lang, number, translator
from .knowledge import CATEGORIES, KnowledgeBase, Row, load_knowledge_base
from .patient import Patient
from .translated_tables import localized

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
# The markers as a reason names them (translated where shown: ``_(MARKER_WORDS[m])``).
MARKER_WORDS = {
    "FLT3": N_("a FLT3 mutation"),
    "CD33": N_("the CD33 marker"),
    "IDH1": N_("an IDH1 mutation"),
    "IDH2": N_("an IDH2 mutation"),
    "NPM1": N_("an NPM1 mutation"),
    "KMT2A": N_("a KMT2A rearrangement"),
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
UNSTATED_DOSE = "unstated"
# drugs.csv's similarity classes as a "same or similar drugs" reason names them; a class an
# instructor adds is shown as written until the catalogue has its words.
SIMILARITY_CLASS_WORDS = (
    N_("anthracycline or anthracenedione"), N_("purine nucleoside analogue"),
    N_("topoisomerase II inhibitor (etoposide)"), N_("alkylating agent"),
    N_("hypomethylating agent"), N_("BCL-2 inhibitor"), N_("FLT3 inhibitor"),
    N_("CD33 antibody-drug conjugate"), N_("antifolate"), N_("IDH1 inhibitor"),
    N_("IDH2 inhibitor"), N_("menin inhibitor"),
)

# A check returns (applies, why): why it applies, or why not. The words name the patient
# factor; only the sentence a reason needs is built (and translated).
Check = tuple[bool, str]


def _join(parts: list[str], _: Translator, word: str = "and") -> str:
    """"a, b and c" (or "a, b or c") in the language of ``_``."""
    if len(parts) <= 1:
        return "".join(parts)
    first = ", ".join(parts[:-1])
    if word == "or":
        return _("{first} or {last}", first=first, last=parts[-1])
    return _("{first} and {last}", first=first, last=parts[-1])


def _months(value: float, _: Translator) -> str:
    """"1 month", "6.5 months" (the plural form is chosen on the whole number)."""
    count = int(value) if float(value).is_integer() else 2
    shown = number(value, _.lang)  # (computed outside the call, so babel sees a plural)
    return _.plural("{count} month", "{count} months", count, count=shown)


def _fitness(rule: str, p: Patient, _: Translator) -> Check | None:
    if rule == "fit":
        ok = p.fit_for_intensive
        return ok, (_("fit for intensive chemotherapy") if ok
                    else _("needs fitness for intensive chemotherapy"))
    if rule == "unfit":
        ok = not p.fit_for_intensive
        return ok, (_("not fit for intensive chemotherapy") if ok
                    else _("is for people not fit for intensive chemotherapy"))
    return None


def _disease(rule: str, p: Patient, _: Translator) -> Check | None:
    ok = p.disease == rule
    if rule == "relapsed":
        return ok, (_("relapsed disease") if ok
                    else _("only for relapsed disease, not refractory"))
    if rule == "refractory":
        return ok, (_("refractory disease") if ok
                    else _("only for refractory disease, not relapsed"))
    return None


def _remission(months: int | None, p: Patient, _: Translator) -> Check | None:
    if months is None:
        return None
    need = _months(months, _)
    if p.remission_months is None:
        return False, _("needs a last complete remission longer than {months}; refractory "
                        "disease has had no remission", months=need)
    lasted = _months(p.remission_months, _)
    if p.remission_months > months:
        return True, _("a remission of {lasted} (longer than {months})", lasted=lasted,
                       months=need)
    return False, _("needs a last complete remission longer than {months}; this one lasted "
                    "{lasted}", months=need, lasted=lasted)


def _markers(wanted: tuple[str, ...], p: Patient, _: Translator) -> Check | None:
    if not wanted:
        return None
    present = [_(MARKER_WORDS[m]) for m in wanted if m in p.markers]
    if present:
        return True, _join(present, _)
    return False, _("needs {markers}", markers=_join([_(MARKER_WORDS[m]) for m in wanted], _,
                                                      "or"))


def _cns(rule: str, p: Patient, _: Translator) -> Check | None:
    if rule != "yes":
        return None
    return p.cns, (_("leukemia in the central nervous system") if p.cns
                   else _("only when the leukemia has reached the central nervous system"))


def _donor(rule: str, p: Patient, _: Translator) -> Check | None:
    if rule == "yes":
        ok = p.matched_donor
        return ok, _("a matched donor is available") if ok else _("needs a matched donor")
    if rule == "no":
        ok = not p.matched_donor
        return ok, (_("no matched donor is available") if ok
                    else _("an option only when no matched donor is available"))
    return None


def _transplant(rule: str, p: Patient, _: Translator) -> Check | None:
    if rule == "allogeneic":
        return _after_allogeneic(p, _)
    if rule == "yes":
        ok = p.had_transplant
        return ok, (_("this relapse follows a stem cell transplant") if ok
                    else _("only for a relapse after a stem cell transplant"))
    if rule == "no":
        ok = not p.had_transplant
        return ok, (_("no transplant before") if ok
                    else _("not after a previous stem cell transplant"))
    return None


def _after_allogeneic(p: Patient, _: Translator) -> Check:
    """DLI uses cells from the earlier transplant's donor, so it needs an allogeneic one."""
    kind = p.transplant_type
    if kind == "allogeneic":
        return True, _("this relapse follows an allogeneic stem cell transplant")
    if kind == "autologous":
        return False, _(
            "needs an earlier allogeneic (donor) transplant, because the cells come from that "
            "donor ({source}); an autologous transplant used the patient's own cells, so there "
            "is no donor", source=DLI_SOURCE)
    if kind == "not known":
        return False, _(
            "needs an earlier allogeneic (donor) transplant, because the cells come from that "
            "donor ({source}); the type of the earlier transplant is not recorded, so find out "
            "whether it was allogeneic", source=DLI_SOURCE)
    return False, _(
        "needs an earlier allogeneic (donor) transplant, because the cells come from that "
        "donor ({source}); there has been no transplant", source=DLI_SOURCE)


def _white_count(threshold: int | None, p: Patient, _: Translator) -> Check | None:
    """Leukapheresis is for hyperleukocytosis: a white count above the cited threshold."""
    if threshold is None:
        return None
    limit = number(threshold, _.lang)
    count = p.white_cell_count
    if count is None:
        return False, _(
            "only for hyperleukocytosis, a white cell count above {threshold} x 10^9/L "
            "({source}); no white cell count was given",
            threshold=limit, source=HYPERLEUKOCYTOSIS_SOURCE)
    if count > threshold:
        return True, _(
            "a white cell count of {count} x 10^9/L, above the hyperleukocytosis threshold "
            "of {threshold} ({source})", count=number(count, _.lang), threshold=limit,
            source=HYPERLEUKOCYTOSIS_SOURCE)
    return False, _(
        "only for hyperleukocytosis, a white cell count above {threshold} x 10^9/L "
        "({source}); this count is {count} x 10^9/L",
        threshold=limit, source=HYPERLEUKOCYTOSIS_SOURCE, count=number(count, _.lang))


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
            label = label.replace(DOSE_PLACEHOLDER, option_row["dose_level"] or UNSTATED_DOSE)
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


def _shared(classes: frozenset[str], earlier: frozenset[str], _: Translator) -> list[str]:
    """The classes two similar regimens share, naming both cytarabine doses when they differ."""
    plain, dose = _split_cytarabine(classes)
    plain_before, dose_before = _split_cytarabine(earlier)
    shared = []
    for label in sorted(plain & plain_before):
        if label == CYTARABINE and dose != dose_before:
            label = _("cytarabine at a lower dose ({dose}, after {earlier})",
                      dose=_(dose or UNSTATED_DOSE), earlier=_(dose_before or UNSTATED_DOSE))
        elif label == CYTARABINE:
            label = _("{dose}-dose cytarabine", dose=_(dose or UNSTATED_DOSE))
        else:
            label = _(label)
        shared.append(label)
    return shared


def _shares_cytarabine(classes: frozenset[str], earlier: frozenset[str]) -> bool:
    return CYTARABINE in _split_cytarabine(classes)[0] & _split_cytarabine(earlier)[0]


def _semicolons(parts: list[str], _: Translator) -> str:
    """Parts of one sentence separated by semicolons (French puts a thin space before one)."""
    # Translators: separates the parts of a reason; French typography puts U+202F before ";"
    return _("; ").join(parts)


def _repeat(row: Row, p: Patient, kb: KnowledgeBase, _: Translator) -> Check | None:
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
            shared = _shared(classes, drug_classes(before, kb), _)
            on_cytarabine = _shares_cytarabine(classes, drug_classes(before, kb))
            name = (_("{option}, the usual induction, assumed because no earlier treatment is "
                      "listed", option=earlier) if assumed else _lower_first(before["name"]))
            matches.append((name, shared, on_cytarabine))
    if not matches:
        return None
    what = _semicolons([
        _("{name}, sharing {drugs}", name=name, drugs=_join(shared, _) or _("the same drugs"))
        for name, shared, _cyt in matches
    ], _)
    if any(on_cytarabine for _name, _shared_, on_cytarabine in matches):
        sources = f"{REPEAT_SOURCE}; {HIGHER_DOSE_SOURCE}"
    else:
        sources = REPEAT_SOURCE
    if p.disease == "refractory":
        return False, _(
            "the same or similar drugs as {what}, which the leukemia did not respond to; "
            "refractory disease needs a change of drugs or dose intensity ({sources})",
            what=what, sources=sources)
    if p.remission_months is not None and p.remission_months > REPEAT_AFTER_MONTHS:
        return True, _(
            "a repeat of the same or similar drugs as {what}, allowed because the remission "
            "lasted {lasted}, longer than one year ({sources})",
            what=what, lasted=_months(p.remission_months, _), sources=REPEAT_SOURCE)
    lasted = _months(p.remission_months, _) if p.remission_months is not None else _("no time")
    return False, _(
        "the same or similar drugs as {what}, given before; a repeat needs a remission longer "
        "than one year, and this one lasted {lasted} ({sources})",
        what=what, lasted=lasted, sources=REPEAT_SOURCE)


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


def _evaluate(row: Row, p: Patient, kb: KnowledgeBase, _: Translator) -> list[Check]:
    checks = [rule(row[column], p, _) for column, rule in RULES]
    checks.append(_repeat(row, p, kb, _))
    return [check for check in checks if check is not None]


def _reason(checks: list[Check], applies: bool, note: str, category: str,
            _: Translator) -> str:
    if applies:
        factors = [why for ok, why in checks if ok and why]
        if factors:
            text = _("Applies: {factors}.", factors=_join(factors, _))
        elif category == "supportive therapy":
            text = _(
                "May apply: the source page says supportive care may include this, chosen for "
                "each person's needs and complications."
            )
        else:
            text = _("Applies to everyone with relapsed or refractory AML.")
    else:
        reasons = _semicolons([why for ok, why in checks if not ok], _)
        text = _("Does not apply: {reasons}.", reasons=reasons)
    return f"{text} {note}".strip()


def treatment_options(
    patient: Patient,
    include_excluded: bool = False,
    kb: KnowledgeBase | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """Options for ``patient`` in the source page's category order, each with its reason.

    With ``include_excluded=True`` the options that do not apply are listed too, each saying
    which factor rules it out. ``lang`` ("en" or "fr") is the language of the name, category,
    summary and reason; the options and their order are the same in every language.
    """
    import pandas as pd

    records = evaluate_options(patient, include_excluded, kb, lang=lang)
    return pd.DataFrame.from_records(records, columns=RESULT_COLUMNS)


def evaluate_options(
    patient: Patient,
    include_excluded: bool = False,
    kb: KnowledgeBase | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> list[dict[str, Any]]:
    """What :func:`treatment_options` returns, as plain rows (one dict per option).

    The dashboard uses this: its kernel never imports pandas. Each row also carries
    ``category_id``, the category's English id (``category`` is in ``lang``), for code that
    groups or styles options by category.
    """
    _ = translator(check_lang(lang))
    if not isinstance(patient, Patient):
        raise TypeError(f"treatment_options needs a Patient, got {type(patient).__name__}")
    if not isinstance(include_excluded, bool):
        raise ValueError(f"include_excluded must be True or False, got {include_excluded!r:.60}")
    kb = localized(kb or load_knowledge_base(), lang)
    rows = kb.option_rows
    names = {row["option"]: row["name"] for row in rows}
    results: dict[str, tuple[bool, list[Check]]] = {}
    dependent = []
    for row in rows:
        if row["with_option"]:
            dependent.append(row)
            continue
        checks = _evaluate(row, patient, kb, _)
        results[row["option"]] = (all(check[0] for check in checks), checks)
    for row in dependent:
        checks = _evaluate(row, patient, kb, _)
        partners = [names[o] for o in row["with_option"] if results.get(o, (False,))[0]]
        if partners:
            checks.append((True, _("goes with {partners}, which applies",
                                   partners=_join(partners, _, "or"))))
        else:
            wanted = _join([names[o] for o in row["with_option"]], _, "or")
            checks.append((False, _("goes with {partners}, which does not apply",
                                    partners=wanted)))
        results[row["option"]] = (all(check[0] for check in checks), checks)
    records = []
    for row in rows:
        applies, checks = results[row["option"]]
        if not applies and not include_excluded:
            continue
        records.append(
            {
                "option": row["option"],
                "name": row["name"],
                "category": _(row["category"]),
                "drugs": tuple(row["drugs"]),
                "reason": _reason(checks, applies, row["note"], row["category"], _),
                "sources": tuple(row["sources"]),
                "beyond_seed": bool(row["beyond_seed"]),
                "applies": applies,
                "summary": row["summary"],
                "category_id": row["category"],
            }
        )
    order = {category: i for i, category in enumerate(CATEGORIES)}
    records.sort(key=lambda record: order[record["category_id"]])  # stable: csv order within
    return records
