"""Every item of the source page is in the knowledge base, with its brand names."""

from __future__ import annotations

import re

import pytest

from aml_teach import load_knowledge_base

from .conftest import ROOT

SEED = ROOT.parent / "shared" / "seed" / "relapsed-refractory-aml-treatments.txt"

BRANDS = {
    "cytarabine": {"Cytosar"},
    "daunorubicin": {"Cerubidine"},
    "doxorubicin": {"Adriamycin"},
    "idarubicin": {"Idamycin"},
    "mitoxantrone": {"Novantrone"},
    "fludarabine": {"Fludara"},
    "filgrastim": {"Neupogen"},
    "etoposide": {"Vepesid"},
    "cyclophosphamide": {"Cytoxan", "Procytox"},
    "azacitidine": {"Vidaza"},
    "venetoclax": {"Venclexta"},
    "decitabine": {"Dacogen", "Demylocan", "Inqovi"},
    "gilteritinib": {"Xospata"},
    "gemtuzumab ozogamicin": {"Mylotarg"},
}
PAGE_DRUGS = set(BRANDS) | {"clofarabine", "methotrexate"}


@pytest.mark.parametrize("drug", sorted(BRANDS))
def test_every_brand_name_from_the_page(drug):
    drugs = load_knowledge_base().drugs.set_index("drug")
    assert BRANDS[drug] <= set(drugs.loc[drug, "brands"])


def test_every_page_drug_is_used_by_an_option():
    kb = load_knowledge_base()
    used = {d for drugs in kb.options["drugs"] for d in drugs}
    assert PAGE_DRUGS <= used
    assert not kb.drugs.set_index("drug").loc[sorted(PAGE_DRUGS), "beyond_seed"].any()


def test_seed_brands_match_the_page_text():
    """Guard against typos: each brand above appears in the source page itself."""
    if not SEED.exists():
        pytest.skip(f"the source page is not beside this clone ({SEED}); a fresh clone has none")
    text = SEED.read_text(encoding="utf-8")
    for brands in BRANDS.values():
        for brand in brands:
            assert re.search(rf"\b{re.escape(brand)}\b", text), brand


def test_page_reference_list_is_cited():
    refs = load_knowledge_base().references
    citations = " ".join(refs["citation"])
    for needle in (
        "Alberta Health Services",
        "NCCN Guidelines for Patients",
        "Sekeres",
        "PDQ",
        "Gemtuzumab Ozogamicin",
        "azaCITIDine",
        "Cancer Care Ontario",
        "Cancer.net",
        "Version 3.2021",
        "Medscape",
        "American Cancer Society",
    ):
        assert needle.lower() in citations.lower(), needle


def test_glossary_defines_the_page_terms():
    terms = " ".join(load_knowledge_base().glossary["term"]).lower()
    for term in (
        "relapsed",
        "refractory",
        "complete remission",
        "intrathecal",
        "donor lymphocyte infusion",
        "cryoprecipitate",
        "tumour lysis",
        "leukapheresis",
        "allogeneic",
        "autologous",
        "conditioning",
        "clinical trial",
    ):
        assert term in terms, term
