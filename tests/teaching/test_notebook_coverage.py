"""Every item of the source page is taught somewhere in the six lessons.

The knowledge base holds the page's facts (tests/test_source_coverage.py); this checks that
the lessons put each of them in front of the learner, in prose or in a stored table.
"""

from __future__ import annotations

import re
from html import unescape

import nbformat
import pytest

from ..conftest import ROOT
from .test_notebook_standards import LESSONS, NOTEBOOKS

# Each item: what the page teaches, and words that must all appear in the lessons.
PAGE_ITEMS: dict[str, tuple[str, ...]] = {
    "relapsed (recurrent) AML": ("relapsed", "recurrent", "came back after"),
    "refractory AML": ("refractory", "did not respond"),
    "both need more treatment to reach complete remission": ("complete remission",),
    "factor: age": ("age",),
    "factor: health": ("health",),
    "factor: how long the remission lasted": ("how long the remission lasted",),
    "factor: treatments before": ("treatments already given",),
    "factor: where the leukemia comes back": ("where the leukemia came back",),
    "chemotherapy is the main treatment": ("main treatment",),
    "repeat induction drugs after a remission longer than one year": (
        "longer than one year", "similar or higher doses"),
    "7+3: cytarabine continuously for 7 days": ("cytarabine (cytosar)", "continuous", "7 days"),
    "7+3: an anthracycline for 3 days": ("anthracycline", "3 days"),
    "daunorubicin (Cerubidine)": ("daunorubicin", "cerubidine"),
    "doxorubicin (Adriamycin)": ("doxorubicin", "adriamycin"),
    "idarubicin (Idamycin)": ("idarubicin", "idamycin"),
    "mitoxantrone (Novantrone)": ("mitoxantrone", "novantrone"),
    "FLAG": ("flag", "fludarabine (fludara)", "filgrastim (neupogen)"),
    "MEC": ("mec", "etoposide (vepesid)"),
    "high-dose cytarabine (HDAC) and mitoxantrone": (
        "high-dose cytarabine (hdac) and mitoxantrone",),
    "high-dose etoposide and cyclophosphamide (Cytoxan, Procytox)": (
        "high-dose etoposide and cyclophosphamide", "cytoxan", "procytox"),
    "cytarabine, daunorubicin and etoposide": ("cytarabine, daunorubicin and etoposide",),
    "clofarabine and cytarabine with or without filgrastim": (
        "clofarabine and cytarabine", "with or without filgrastim"),
    "not strong enough for intensive chemotherapy": ("not strong enough",),
    "azacitidine (Vidaza) with or without venetoclax (Venclexta)": (
        "azacitidine (vidaza)", "venetoclax (venclexta)"),
    "decitabine (Dacogen, Demylocan, Inqovi) with or without venetoclax": (
        "decitabine (dacogen, demylocan, inqovi)", "with or without venetoclax"),
    "clofarabine with or without cytarabine": ("clofarabine, with or without cytarabine",),
    "targeted therapy targets molecules on or inside cancer cells": (
        "targeted therapy", "molecules on or inside"),
    "FLT3: gilteritinib (Xospata)": ("flt3", "gilteritinib", "xospata"),
    "CD33: gemtuzumab ozogamicin (Mylotarg)": ("cd33", "gemtuzumab ozogamicin", "mylotarg"),
    "the CNS is the brain and spinal cord": ("brain and spinal cord",),
    "intrathecal chemotherapy: methotrexate or cytarabine": (
        "intrathecal chemotherapy", "methotrexate or cytarabine"),
    "given during a lumbar puncture": ("lumbar puncture",),
    "radiation to the brain and spinal cord with intrathecal chemotherapy": (
        "radiation to the brain and spinal cord",),
    "a stem cell transplant replaces stem cells": ("replaces the blood-forming stem cells",),
    "allogeneic transplant preferred": ("allogeneic", "prefer"),
    "autologous transplant without a matched donor": ("autologous", "matched donor"),
    "transplant after relapse soon after first remission or a second remission": (
        "soon after a first complete remission", "second remission"),
    "donor lymphocyte infusion after relapse following transplant": (
        "donor lymphocyte infusion", "after a transplant"),
    "radiation uses high-energy rays or particles": ("high-energy rays or particles",),
    "radiation in conditioning before a transplant": ("conditioning",),
    "supportive therapy in every phase": ("supportive therapy", "every phase"),
    "antibiotics, antivirals or antifungals": ("antibiotics", "antivirals", "antifungals"),
    "growth factors help the marrow recover": ("growth factors", "recover"),
    "transfusions: red cells, platelets, fresh frozen plasma, cryoprecipitate": (
        "red cell", "platelet", "fresh frozen plasma", "cryoprecipitate", "clotting factors"),
    "tumour lysis syndrome": ("tumour lysis syndrome",),
    "leukapheresis removes large numbers of white cells": ("leukapheresis", "white cells"),
    "clinical trials, including those open in Canada": ("clinical trial", "canada"),
    "medical disclaimer": ("does not replace", "healthcare professional"),
}


def _lesson_text() -> str:
    parts = []
    for name in LESSONS:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                parts.append(re.sub(r"\]\([^)]*\)+", "]", cell.source))
            for output in cell.get("outputs", []):
                html = output.get("data", {}).get("text/html", "")
                parts.append(re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S))
    text = unescape(" ".join(parts)).lower()
    return re.sub(r"[*\[\]]", "", re.sub(r"\s+", " ", text))


TEXT = _lesson_text()


@pytest.mark.parametrize("item", sorted(PAGE_ITEMS))
def test_page_item_is_taught(item):
    missing = [words for words in PAGE_ITEMS[item] if words not in TEXT]
    assert not missing, f"{item}: the lessons never say {missing}"


def test_the_page_is_where_the_items_come_from():
    seed = ROOT.parent / "shared" / "seed" / "relapsed-refractory-aml-treatments.txt"
    if not seed.exists():
        pytest.skip("the source page is not beside this clone")
    page = seed.read_text(encoding="utf-8").lower()
    for brand in ("cytosar", "cerubidine", "adriamycin", "idamycin", "novantrone", "fludara",
                  "neupogen", "vepesid", "cytoxan", "procytox", "vidaza", "venclexta",
                  "dacogen", "demylocan", "inqovi", "xospata", "mylotarg"):
        assert brand in page and brand in TEXT, brand
