"""What the lesson notebooks show: tables, timelines, the pathway diagram and the classifier.

Notebooks hold prose and one call per figure; the figures are built here, from the knowledge
base, so a change to ``data/`` shows up in every notebook and no notebook copies another's
code. Everything is plain HTML (no plotting library, light kernels), colour-blind-safe
(Okabe-Ito colours, and a mark or a word wherever colour carries meaning) and comes with a
text alternative.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from ..core.i18n import N_, check_lang, number, translator
from ..core.knowledge import CATEGORIES, MARKERS, KnowledgeBase, load_knowledge_base
from ..core.options import MARKER_WORDS
from ..core.patient import Patient
from ..core.response import MAX_DAYS, Verdict
from ..core.schedules import regimen_schedule  # noqa: F401  (lessons.regimen_schedule, as before)
from . import figures
from .core_text import (
    classify,
    disclaimer_text,
    options,
    options_frame,
    reviewed_text,
    texts,
)
from .core_text import schedule as schedule_rows
from .figures import (
    MARKS,
    OKABE_ITO,
    STYLE,
    _days_shown,
    reference_numbers,
    references_html,
    schedule_text,
)
from .keys import keyboard_safe
from .options_html import CSS, options_html

BEYOND_SEED = N_("★ beyond the source page")
TABLE_STYLE = """
<style>
.aml-table { border-collapse: collapse; font-size: 0.95em; margin: 0.5em 0; }
.aml-table caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
table.aml-table th, table.aml-table td { border: 1px solid #999; padding: 4px 6px;
  text-align: left !important; vertical-align: top; }
.aml-table thead th { background: #eee; }
.aml-table .aml-group th { background: #f6f6f6; font-weight: bold; }
.aml-beyond { font-style: italic; }
/* four-column tables on a phone (a factor's effect, the drugs): each row a card, its long
   last cell the full width (as columns it was a word or two per line); explicit roles
   keep it a table for screen readers */
@media (max-width: 36em) {
  table.aml-cards, .aml-cards tbody, .aml-cards caption { display: block; }
  .aml-cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); white-space: nowrap; }
  .aml-cards tr { display: grid; grid-template-columns: 1fr 1fr; border: 1px solid #999;
    margin: 0 0 0.5em; }
  table.aml-cards th, table.aml-cards td { border: none; }
  .aml-cards tbody th, .aml-cards td.aml-wide { grid-column: 1 / -1; }
  .aml-cards tbody th { background: #eee; }
  .aml-cards td[data-label]::before { content: attr(data-label) ": "; font-weight: bold; }
}
</style>
"""
CATEGORY_COLOURS = dict(zip(CATEGORIES, (*OKABE_ITO, "#999999"), strict=True))


def _names(kb: KnowledgeBase) -> dict[str, str]:
    return {row["option"]: row["name"] for row in kb.option_rows}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _number(value: float, lang: str) -> str:
    """A whole number as it is typed (3650), else with the language's decimal mark (2,5)."""
    return str(int(value)) if float(value).is_integer() else number(value, lang)


def _lang_attr(lang: str) -> str:
    """The ``lang`` attribute of a whole fragment, so screen readers read it in its language."""
    return f' lang="{check_lang(lang)}"'


# Citations, references and the disclaimer --------------------------------------------------
#
# A notebook's reference list holds exactly what it cites: the ids its Markdown cells link to
# (``[ccs-2024](#ref-ccs-2024)``) plus every id the helpers below have shown or may show later
# (a quiz's feedback appears only after an answer, so widgets register their sources when made).

_CITED: dict[str, None] = {}
CITATION_LINK = re.compile(r"\(#ref-([a-z0-9][a-z0-9-]*)\)")


def register_sources(ids: Iterable[str]) -> None:
    """Note ids this kernel has cited or may cite, for the notebook's reference list."""
    _CITED.update(dict.fromkeys(ids))


def cite(ids: Iterable[str], kb: KnowledgeBase | None = None) -> str:
    """An inline citation linked to the reference list, remembered for that list."""
    ids = tuple(ids)
    register_sources(ids)
    return figures.cite(ids, kb)


def markdown_citations(notebook: str | Path) -> list[str]:
    """Reference ids that a notebook's Markdown cells link to, in order of first use."""
    path = Path(notebook)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} not found: run the notebook from its own folder, as JupyterLab does, "
            "so that its reference list can read the citations in its text")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return list(dict.fromkeys(CITATION_LINK.findall(text)))


def notebook_references(notebook: str | Path) -> list[str]:
    """What a notebook cites: its Markdown links plus what its code cells have shown."""
    return list(dict.fromkeys([*markdown_citations(notebook), *_CITED]))


def references_list_html(ids: Iterable[str]) -> str:
    """The list for ``ids``, numbered by position in references.csv and showing each id.

    Prose and the shared views cite alike, by id ([dohner-2022]), each linked to its item here.
    """
    numbers = reference_numbers()
    return re.sub(r'<li id="ref-([a-z0-9-]+)"',
                  lambda m: f'<li value="{numbers[m.group(1)]}" id="ref-{m.group(1)}"',
                  references_html(ids))


def show_references(notebook: str | Path, lang: str = "en") -> HTML:
    """The reference list of one notebook (run from its folder), in references.csv order.

    The citations are the same in every lesson's language: they are in their sources' own
    language, English (data/references.csv), and the list says so (``lang="en"``) for screen
    readers on a French page. ``lang`` is checked, as every lesson helper's.
    """
    check_lang(lang)
    return HTML(f'<div class="aml-reference-list" lang="en">'
                f"{references_list_html(notebook_references(notebook))}</div>")


DISCLAIMER_MORE = N_(
    "Nobody should make or change a treatment decision because of this module. Regimens, "
    "doses and approvals differ between countries and hospitals and change over time, so its "
    "information may be incomplete or out of date, even though every statement is traced to a "
    "cited source."
)


def disclaimer(reviewed: bool = False, lang: str = "en") -> HTML:
    """The module's disclaimer, from one place so every notebook says the same.

    ``reviewed=True`` adds when the clinical content was last reviewed (notebook 01).
    """
    _ = translator(lang)
    when = f"<p>{escape(reviewed_text(lang))}.</p>" if reviewed else ""
    return HTML(f'<div class="aml-disclaimer" role="note"{_lang_attr(lang)}><p><strong>'
                f"{escape(disclaimer_text(lang))}</strong></p><p>{escape(_(DISCLAIMER_MORE))}</p>"
                f"{when}</div>")


# Tables from the knowledge base -------------------------------------------------------------


def _known(frame: pd.DataFrame, key: str, wanted: Sequence[str], file: str) -> pd.DataFrame:
    """``frame`` indexed by ``key``, after checking every wanted id is in it."""
    table = frame.set_index(key)
    unknown = [w for w in wanted if w not in table.index]
    if unknown:
        raise KeyError(f"not in {file}: {', '.join(unknown)}")
    return table


def _table(caption: str, headers: Sequence[str], rows: Sequence[str], lang: str = "en"
           ) -> HTML:
    """A captioned lesson table with column headers."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    return HTML(
        f'{TABLE_STYLE}<table class="aml-table"{_lang_attr(lang)}><caption>{escape(caption)}'
        f'</caption><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _cards_head(headers: Sequence[str]) -> str:
    """The header row of an ``aml-cards`` table, with the roles its phone layout keeps."""
    head = "".join(f'<th scope="col" role="columnheader">{escape(h)}</th>' for h in headers)
    return f'<thead role="rowgroup"><tr role="row">{head}</tr></thead>'


def _beyond(flag: bool, lang: str = "en") -> str:
    text = escape(translator(lang)(BEYOND_SEED))
    return f'<br><span class="aml-beyond">{text}</span>' if flag else ""


def drug_table(drugs: Sequence[str], caption: str = N_("Drugs"),
               kb: KnowledgeBase | None = None, lang: str = "en") -> HTML:
    """Generic and brand names, class and how each drug works, from drugs.csv.

    ``caption`` is shown in ``lang`` (the English lessons' captions are in the catalogue).
    """
    _ = translator(lang)
    kb = kb or load_knowledge_base()
    _known(kb.drugs, "drug", drugs, "drugs.csv")
    table = texts(kb, lang).keyed("drugs")
    labels = {"brands": _("Brand names"), "class": _("Class")}
    none_given = _("(none given)")
    head = _cards_head((_("Drug"), labels["brands"], labels["class"], _("How it works")))
    rows = []
    for name in drugs:
        drug = table[name]
        rows.append(
            f'<tr role="row"><th scope="row" role="rowheader">{escape(drug["name"])}'
            f'{_beyond(drug["beyond_seed"], lang)}</th><td role="cell" '
            f'data-label="{escape(labels["brands"])}">'
            f"{escape(', '.join(drug['brands']) or none_given)}</td>"
            f'<td role="cell" data-label="{escape(labels["class"])}">'
            f'{escape(drug["drug_class"])}</td>'
            f'<td role="cell" class="aml-wide">{escape(drug["how_it_works"])} '
            f"{cite(drug['sources'])}</td></tr>"
        )
    return HTML(
        f'{TABLE_STYLE}<table class="aml-table aml-cards" role="table"{_lang_attr(lang)}>'
        f'<caption>{escape(_(caption))}</caption>'
        f"{head}"
        f'<tbody role="rowgroup">{"".join(rows)}</tbody></table>'
    )


def option_table(options: Sequence[str], caption: str = N_("Options"),
                 kb: KnowledgeBase | None = None, lang: str = "en") -> HTML:
    """What each option is, with the note that explains it, from options.csv."""
    _ = translator(lang)
    kb = kb or load_knowledge_base()
    _known(kb.options, "option", options, "options.csv")
    table = texts(kb, lang).keyed("options")
    rows = []
    for option in options:
        row = table[option]
        note = f" {escape(row['note'])}" if row["note"] else ""
        rows.append(
            f'<tr><th scope="row">{escape(row["name"])}{_beyond(row["beyond_seed"], lang)}</th>'
            f"<td>{escape(row['summary'])}{note} {cite(row['sources'])}</td></tr>"
        )
    return _table(_(caption), (_("Option"), _("What it is")), rows, lang)


def show_options(patient: Patient, include_excluded: bool = False, lang: str = "en") -> HTML:
    """The options for one patient, drawn exactly as the explorer and the dashboard draw them."""
    frame = options_frame(patient, include_excluded, lang=lang)
    register_sources(s for sources in frame["sources"] for s in sources)
    return HTML(f'{CSS}<div class="aml-explorer"{_lang_attr(lang)}>'
                f"{options_html(patient, include_excluded, lang=lang)}</div>")


def compare_options(left: Patient, right: Patient, captions: tuple[str, str],
                    lang: str = "en") -> HTML:
    """Two patients' options in two columns, so two pathways can be read side by side."""
    _ = translator(lang)
    columns = []
    for patient, caption in zip((left, right), captions, strict=True):
        frame = options_frame(patient, lang=lang)
        register_sources(s for sources in frame["sources"] for s in sources)
        caption = _(caption)
        columns.append(f'<section style="flex:1 1 22em;min-width:0" aria-label="{escape(caption)}">'
                       f"<h3>{escape(caption)}</h3>{options_html(patient, lang=lang)}</section>")
    return HTML(f'{CSS}<div class="aml-explorer"{_lang_attr(lang)} style="display:flex;'
                f'flex-flow:row wrap;gap:0.5em 1.5em">{"".join(columns)}</div>')


def marker_table(kb: KnowledgeBase | None = None, lang: str = "en") -> HTML:
    """Which targeted options each marker opens, read from the rules in options.csv."""
    _ = translator(lang)
    kb = kb or load_knowledge_base()
    caption = _("Markers and the targeted drugs they open (★ beyond the source page)")
    heads = _("The leukemia has"), _("Targeted option")
    rows = []
    for marker in MARKERS:
        chosen = [r for r in texts(kb, lang).option_rows if marker in r["markers"]]
        if not chosen:
            continue
        names = escape(_("; ")).join(
            escape(r["name"]) + (" ★" if r["beyond_seed"] else "") for r in chosen)
        sources = dict.fromkeys(s for r in chosen for s in r["sources"])
        rows.append(f'<tr><th scope="row">{escape(_(MARKER_WORDS[marker]))}</th>'
                    f"<td>{names} {cite(sources, kb)}</td></tr>")
    return HTML(
        f'{TABLE_STYLE}<table class="aml-table"{_lang_attr(lang)}><caption>'
        f'{escape(caption)}</caption><thead><tr><th scope="col">{escape(heads[0])}</th>'
        f'<th scope="col">{escape(heads[1])}</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>'
    )


def factor_effect(patient: Patient, change: str, *, keep_in_view: Sequence[str] = (),
                  lang: str = "en", **changes: object) -> HTML:
    """Which options change when one factor changes, and why: the factors made visible.

    ``change`` describes the change in words, e.g. ``"remission of 8 instead of 20 months"``
    (shown in ``lang``: the English lessons' descriptions are in the catalogue);
    ``changes`` are the new Patient fields. ``keep_in_view`` names options to show even when
    they do not change (DLI staying closed after an autologous transplant is the lesson).
    """
    _ = translator(lang)
    before = options_frame(patient, True, lang=lang).set_index("option")
    changed = dataclasses.replace(patient, **changes)  # validated like any new Patient
    after = options_frame(changed, True, lang=lang).set_index("option")
    unknown = [o for o in keep_in_view if o not in after.index]
    if unknown:
        raise ValueError(f"keep_in_view names options that data/options.csv does not have: "
                         f"{', '.join(unknown)}")
    flipped = [o for o in before.index if bool(before.loc[o, "applies"])
               != bool(after.loc[o, "applies"]) or o in keep_in_view]
    applies, not_applies = _("✔ applies"), _("✘ does not apply")
    if not flipped:
        body = "<p>" + escape(_("No option changes: the rules of this module do not use this "
                                "factor on its own.")) + "</p>"
    else:
        before_label, after_label = _("Before"), _("After")
        head = _cards_head((_("Option"), before_label, after_label, _("Why, after the change")))
        rows = "".join(
            f'<tr role="row"><th scope="row" role="rowheader">'
            f'{escape(after.loc[o, "name"])}</th><td role="cell" '
            f'data-label="{escape(before_label)}">'
            f"{escape(applies if before.loc[o, 'applies'] else not_applies)}</td>"
            f'<td role="cell" data-label="{escape(after_label)}">'
            f"{escape(applies if after.loc[o, 'applies'] else not_applies)}</td>"
            '<td role="cell" class="aml-wide">'
            f"{escape(after.loc[o, 'reason'])} {cite(after.loc[o, 'sources'])}</td></tr>"
            for o in flipped
        )
        body = (
            '<table class="aml-table aml-cards" role="table">'
            f"{head}"
            f'<tbody role="rowgroup">{rows}</tbody></table>'
        )
    said = _("Change: {change}.", change=_(change))
    return HTML(f'{TABLE_STYLE}<div class="aml-factor-effect"{_lang_attr(lang)}><p><strong>'
                f"{escape(said)}</strong></p>{body}</div>")


# Timelines -----------------------------------------------------------------------------------


LIGHT_COLOURS = {"#E69F00", "#56B4E9", "#F0E442"}  # need dark marks for contrast
PALETTE = (*OKABE_ITO, "#000000")  # Okabe-Ito's eighth colour, black, for an eighth drug


def _drug_styles(schedules: Iterable[pd.DataFrame]) -> dict[str, tuple[str, str]]:
    """One colour-and-mark pair per drug, the same in every regimen of a figure and no two alike.

    Past eight drugs the colours repeat with a shifted mark, so no two drugs share both.
    """
    drugs = dict.fromkeys(row["drug"] for schedule in schedules
                          for row in figures._rows(schedule))
    size = len(PALETTE)
    return {
        drug: (PALETTE[i % size], MARKS[(i + 3 * (i // size)) % len(MARKS)])
        for i, drug in enumerate(drugs)
    }


def _regimen_rows(schedule: figures.Schedule, shown: int, styles: dict[str, tuple[str, str]],
                  lang: str = "en", names: figures.Names | None = None) -> str:
    """A regimen's lines: each drug, and its alternatives as one "one of:" row."""
    _ = translator(lang)
    names = names or figures.Names(None, lang)
    rows = []
    for line in figures.timeline_lines(schedule):
        colour, mark = styles[line[0]["drug"]]
        ink = "#000" if colour in LIGHT_COLOURS else "#fff"
        days = line[0]["days"]
        what = figures.line_label(line, html=False, lang=lang, names=names)
        cells = "".join(
            f'<td class="on" style="background:{colour};color:{ink}" '
            f'aria-label="{escape(_("{what} on day {day}", what=what, day=day))}">{mark}</td>'
            if day in days else '<td class="off"></td>'
            for day in range(1, shown + 1)
        )
        label = figures.line_label(line, lang=lang, names=names)
        rows.append(f'<tr><th scope="row">{label}</th>{cells}</tr>')
    return "".join(rows)


def _schedule_sources(schedule: figures.Schedule) -> list[str]:
    return list(dict.fromkeys(s for row in figures._rows(schedule) for s in row["sources"]))


def timeline(option: str, variant: str | None = None, lang: str = "en") -> HTML:
    """One regimen's day-by-day timeline, titled with the option's name."""
    kb = load_knowledge_base()
    schedule = schedule_rows(option, variant, kb, lang=lang)
    register_sources(_schedule_sources(schedule))
    names = figures.Names(kb, lang)
    title = _names(texts(kb, lang))[option] + (
        f" ({names.variant_name(variant)})" if variant else "")
    return HTML(f'<div class="aml-figure"{_lang_attr(lang)}>'
                f"{figures.timeline_html(schedule, title, kb, lang=lang)}</div>")


def _words(name: str, schedule: figures.Schedule, lang: str = "en",
           names: figures.Names | None = None) -> str:
    """A regimen's text alternative after its name, without the name said twice (a
    single-drug regimen such as gilteritinib read "Gilteritinib: gilteritinib: oral, ...")."""
    text = schedule_text(schedule, lang, names=names)
    sentence = translator(lang)("{label}: {route}, {days}, dose {dose}")  # as schedule_text
    repeated = sentence.split("{route}")[0].format(label=name).lower()
    return text[len(repeated):] if text.lower().startswith(repeated) else text


def timeline_comparison_html(options: Sequence[str], title: str = N_("Regimens compared"),
                             kb: KnowledgeBase | None = None, lang: str = "en") -> str:
    """Several regimens on one shared day axis, each drug in the same colour and mark.

    ``title`` is shown in ``lang`` (the English lessons' titles are in the catalogue).
    """
    _ = translator(lang)
    kb = kb or load_knowledge_base()
    if not options:
        choose = _("Choose at least one regimen to see its timeline.")
        return f"<p{_lang_attr(lang)}>{escape(choose)}</p>"
    title = _(title)
    names = _names(texts(kb, lang))
    words_of = figures.Names(kb, lang)
    schedules = [schedule_rows(option, kb=kb, lang=lang) for option in options]
    shown = _days_shown([row for schedule in schedules for row in schedule])
    styles = _drug_styles(schedules)
    header = "".join(f'<th scope="col">{day}</th>' for day in range(1, shown + 1))
    groups = "".join(
        f'<tbody><tr class="aml-group"><th scope="rowgroup" colspan="{shown + 1}" '
        f'style="text-align:left">'
        f"{escape(names[option])}</th></tr>"
        f"{_regimen_rows(schedule, shown, styles, lang, words_of)}</tbody>"
        for option, schedule in zip(options, schedules, strict=True)
    )
    words = "".join(
        "<li>" + escape(_("{name}: {words}", name=names[option],
                          words=_words(names[option], schedule, lang, words_of)))
        + f"{escape(figures.cycle_note(schedule, lang))} "
        f"{cite(_schedule_sources(schedule), kb)}</li>"
        for option, schedule in zip(options, schedules, strict=True)
    )
    caption = _("{title} (day 1 is the first day; each drug keeps its colour and mark)",
                title=title)
    region = _("{title}: the table scrolls sideways", title=title)
    drug_route, in_words = _("Drug, route"), _("In words:")
    return (
        f'{STYLE}<figure class="aml-timeline-wrap"{_lang_attr(lang)} role="group" '
        f'aria-label="{escape(title)}">'
        f"{figures.scroll_hint(lang)}"
        f'<div class="aml-timeline-scroll" tabindex="0" role="region" '
        f'aria-label="{escape(region)}">'
        f'<table class="aml-timeline"><caption>{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">{escape(drug_route)}</th>{header}</tr></thead>'
        f"{groups}</table></div>"
        f'<figcaption class="aml-note">{escape(in_words)}<ul>{words}</ul></figcaption>'
        "</figure>"
    )


def compare_timelines(*options: str, title: str = N_("Regimens compared"),
                      lang: str = "en") -> HTML:
    """:func:`timeline_comparison_html` for display in a notebook."""
    return HTML(timeline_comparison_html(options, title, lang=lang))


def timeline_chooser(options: Sequence[str], selected: Sequence[str] = (),
                     title: str = N_("Regimens compared"), lang: str = "en") -> widgets.VBox:
    """Tick regimens to put them side by side on one timeline."""
    _ = translator(lang)
    kb = load_knowledge_base()
    names = _names(texts(kb, lang))
    boxes = [widgets.Checkbox(value=o in selected, description=names[o], indent=False,
                              layout=widgets.Layout(width="auto")) for o in options]
    figure = widgets.HTML()

    def redraw(_change: dict | None = None) -> None:
        chosen = [o for o, box in zip(options, boxes, strict=True) if box.value]
        figure.value = timeline_comparison_html(chosen, title, kb, lang=lang)

    for box in boxes:
        box.observe(redraw, names="value")
    for option in options:
        register_sources(_schedule_sources(schedule_rows(option, kb=kb, lang=lang)))
    redraw()
    show = _("Show these regimens:")
    label = widgets.HTML(f"<strong{_lang_attr(lang)}>{escape(show)}</strong>")
    return keyboard_safe(widgets.VBox(
        [label, widgets.HBox(boxes, layout=widgets.Layout(flex_flow="row wrap")), figure]))


# Relapsed or refractory: the classifier --------------------------------------------------------

CLASSIFIER_EXAMPLES: tuple[dict, ...] = (
    {"remission_reached": False, "intensive_courses": 2, "marrow_blasts_percent": 40.0},
    {"remission_reached": False, "intensive_courses": 1, "marrow_blasts_percent": 25.0},
    {"remission_reached": True, "intensive_courses": 2, "marrow_blasts_percent": 12.0},
    {"remission_reached": True, "intensive_courses": 1, "marrow_blasts_percent": 2.0,
     "blood_blast_samples": 1},
    {"remission_reached": True, "intensive_courses": 1, "marrow_blasts_percent": 3.0,
     "extramedullary": True},
    {"remission_reached": False, "intensive_courses": 0, "marrow_blasts_percent": 30.0,
     "less_intensive_days": 200},
)
STATUS_MARKS = {"refractory": "■", "relapsed": "▲", "in remission": "●", "too early to say": "◆"}


def verdict_html(verdict: Verdict, lang: str = "en") -> str:
    """The verdict in words, with its mark and its source (``verdict`` made in ``lang``)."""
    status = _capital(verdict.status_text)
    return (
        f'<p class="aml-verdict"{_lang_attr(lang)} role="status"><strong>'
        f"{STATUS_MARKS[verdict.status]} {escape(status)}.</strong> {escape(verdict.reason)} "
        f"{cite([verdict.source])}</p>"
    )


def _history_words(history: dict, lang: str = "en") -> str:
    _ = translator(lang)
    courses = history["intensive_courses"]
    parts = [
        _("remission reached") if history["remission_reached"] else _("no remission"),
        _.plural("{n} intensive course", "{n} intensive courses", courses),
        _("marrow blasts {percent}%", percent=_number(history["marrow_blasts_percent"], lang)),
    ]
    if history.get("blood_blast_samples"):
        parts.append(_.plural("blasts in {n} blood sample", "blasts in {n} blood samples",
                              history["blood_blast_samples"]))
    if history.get("extramedullary"):
        parts.append(_("leukemia outside the marrow"))
    if history.get("less_intensive_days"):
        parts.append(_.plural("{n} day since less intensive therapy began",
                              "{n} days since less intensive therapy began",
                              history["less_intensive_days"]))
    return ", ".join(parts)


def classify_examples(histories: Sequence[dict] = CLASSIFIER_EXAMPLES, lang: str = "en"
                      ) -> HTML:
    """Worked examples: a short history per row and the verdict the ELN 2022 rules give it."""
    _ = translator(lang)
    rows = []
    for history in histories:
        verdict = classify(**history, lang=lang)
        rows.append(
            f"<tr><td>{escape(_history_words(history, lang))}</td>"
            f"<td><strong>{STATUS_MARKS[verdict.status]} "
            f"{escape(verdict.status_text)}</strong></td>"
            f"<td>{escape(verdict.reason)} {cite([verdict.source])}</td></tr>"
        )
    caption = _("Worked examples")
    heads = "".join(f'<th scope="col">{escape(h)}</th>'
                    for h in (_("History"), _("Verdict"), _("Why")))
    return HTML(
        f'{TABLE_STYLE}<table class="aml-table"{_lang_attr(lang)}><caption>'
        f"{escape(caption)}</caption><thead><tr>{heads}"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def classifier(lang: str = "en") -> widgets.VBox:
    """Enter a short treatment history; the verdict and its reason update as you type."""
    _ = translator(lang)
    style = {"description_width": "initial"}
    wide = widgets.Layout(width="auto")
    remission = widgets.RadioButtons(
        options=[(_("no"), False), (_("yes"), True)], value=False,
        description=_("Was a remission (CR, CRh or CRi) reached?"), style=style, layout=wide)
    # room for the label and the box; on a phone the box wraps under its label
    box = widgets.Layout(width="46em", max_width="95%", flex_flow="row wrap")
    # Plain number boxes, not bounded ones: a bounded box changes 150 to 100 without a word,
    # so the limits are applied here and the learner is told (see ``correct``).
    courses = widgets.IntText(value=2, style=style, layout=box,
                              description=_("Intensive induction courses given:"))
    blasts = widgets.FloatText(value=30.0, step=0.5, style=style, layout=box,
                               description=_("Blasts in the latest bone marrow (%):"))
    samples = widgets.IntText(
        value=0, style=style, layout=box,
        description=_("Blood samples showing blasts, at least a week apart:"))
    less_intensive = widgets.IntText(
        value=0, style=style, layout=box,
        description=_("Days since less intensive therapy began (0 if none):"),
        tooltip=_("e.g. azacitidine with venetoclax; ELN 2022's example landmark is 180 days"))
    limits = {courses: (0, 10, _("Intensive induction courses")),
              blasts: (0, 100, _("Blasts in the bone marrow (%)")),
              samples: (0, 100, _("Blood samples showing blasts")),
              less_intensive: (0, MAX_DAYS, _("Days since less intensive therapy began"))}
    extramedullary = widgets.Checkbox(
        value=False, indent=False, layout=wide,
        description=_("Leukemia found outside the blood and marrow (e.g. spinal fluid, skin)"))
    verdict = widgets.HTML()
    controls = (remission, courses, less_intensive, blasts, samples, extramedullary)

    correcting = False

    def correct() -> str:
        """Bring each number into its range; say which ones were changed, and to what."""
        nonlocal correcting
        notes = []
        for control, (low, high, label) in limits.items():
            value = control.value
            fixed = min(max(value, low), high)
            if fixed != value:
                notes.append(_("{label} must be from {low} to {high}: {value} was changed "
                               "to {fixed}.", label=label, low=_number(low, lang),
                               high=_number(high, lang), value=_number(value, lang),
                               fixed=_number(fixed, lang)))
                correcting = True
                try:
                    control.value = fixed
                finally:
                    correcting = False
        corrected = escape(_("Corrected:"))
        return "".join(f'<p class="aml-message"{_lang_attr(lang)} role="status"><strong>'
                       f"{corrected}</strong> {escape(note)}</p>" for note in notes)

    def update(_change: dict | None = None) -> None:
        if correcting:
            return
        notes = correct()
        verdict.value = notes + verdict_html(classify(
            remission.value, int(courses.value), float(blasts.value), int(samples.value),
            extramedullary.value, less_intensive_days=int(less_intensive.value), lang=lang),
            lang)

    for control in controls:
        control.observe(update, names="value")
    update()
    said = _("Verdict:")
    heading = widgets.HTML(f"<strong{_lang_attr(lang)}>{escape(said)}</strong>")
    return keyboard_safe(widgets.VBox([*controls, heading, verdict]))


# The pathway diagram -------------------------------------------------------------------------

_BOX_W, _LINE_H = 230, 16
_TITLE_CHARACTERS = 31  # a bold first line that fits the box
# (category or None, x, y, lines): one message per box, a line each ("\n"), the first its
# title; a translation may break its lines elsewhere (about 34 characters fit a line).
_BOXES: tuple[tuple[str | None, int, int, str], ...] = (
    (None, 140, 10, N_("Relapsed AML\nback after a remission")),
    (None, 390, 10, N_("Refractory AML\nno remission after treatment")),
    (None, 265, 92, N_("Fit for intensive\nchemotherapy?")),
    ("intensive chemotherapy", 10, 180, N_(
        "Intensive chemotherapy\nrepeat 7+3 if the remission\nlasted more than a year;\n"
        "FLAG, MEC, HDAC with\nmitoxantrone, other salvage")),
    ("targeted therapy", 265, 180, N_(
        "Targeted therapy\nfit or not, by marker:\nFLT3: gilteritinib\n"
        "CD33: gemtuzumab ozogamicin\nnewer: IDH1, IDH2, menin ★")),
    ("less intensive chemotherapy", 520, 180, N_(
        "Less intensive chemotherapy\nazacitidine or decitabine,\nwith or without\n"
        "venetoclax; clofarabine,\nwith or without cytarabine")),
    ("stem cell transplant", 10, 320, N_(
        "Stem cell transplant\nif possible: allogeneic\n(matched donor) or\n"
        "autologous; DLI after a relapse\nthat follows an allogeneic one")),
    ("radiation therapy", 265, 320, N_(
        "Radiation therapy\nin conditioning before a\ntransplant, or to the brain\n"
        "and spinal cord")),
    ("cns treatment", 520, 320, N_(
        "CNS treatment\nif leukemia is in the brain\nor spinal cord: intrathecal\n"
        "chemotherapy")),
    ("supportive therapy", 140, 440, N_(
        "Supportive therapy\nalways: infection drugs,\ngrowth factors, transfusions")),
    ("clinical trial", 390, 440, N_("Clinical trials\nworth asking about\nat every step")),
)
# (x1, y1, x2, y2, label, fitness the arrow stands for)
_ARROWS: tuple[tuple[int, int, int, int, str, str | None], ...] = (
    (255, 56, 340, 92, "", None),
    (505, 56, 420, 92, "", None),
    (300, 138, 125, 180, N_("yes"), "fit"),
    (460, 138, 635, 180, N_("no"), "unfit"),
    (380, 138, 380, 180, "", None),
    (125, 274, 125, 320, "", None),
    (240, 360, 265, 360, "", None),
    (520, 360, 495, 360, "", None),
)


def _box_height(lines: tuple[str, ...]) -> int:
    return 14 + _LINE_H * len(lines)


def _box_lines(lines: tuple[str, ...], state: str, lang: str = "en") -> tuple[str, ...]:
    """A box's lines as drawn: the title marked ✔ (applies) or "(not now)", which takes a
    line of its own when the title and it are too long for one."""
    title = lines[0]
    if state == "on":
        return (f"✔ {title}", *lines[1:])
    if state == "off":
        _ = translator(lang)
        tagged = _("{title} (not now)", title=title)
        if len(tagged) <= _TITLE_CHARACTERS:
            return (tagged, *lines[1:])
        return (title, _("(not now)"), *lines[1:])
    return lines


def _svg_box(category: str | None, x: int, y: int, lines: tuple[str, ...], state: str) -> str:
    """One box (``lines`` as :func:`_box_lines` gives them): faded and dashed when off."""
    colour = CATEGORY_COLOURS.get(category or "", "#666666")
    if state == "on":
        stroke, dash, opacity = 4, "", 1.0
    elif state == "off":
        stroke, dash, opacity = 1.5, ' stroke-dasharray="6 4"', 0.45
    else:
        stroke, dash, opacity = 2, "", 1.0
    height = _box_height(lines)
    texts = "".join(
        f'<tspan x="{x + 10}" dy="{0 if i == 0 else _LINE_H}" '
        f'font-weight="{"bold" if i == 0 else "normal"}">{escape(t)}</tspan>'
        for i, t in enumerate(lines)
    )
    return (
        # only the box fades: the words stay black, at full contrast (WCAG 1.4.3)
        f'<g><rect x="{x}" y="{y}" width="{_BOX_W}" height="{height}" rx="8" '
        f'fill="{colour}" fill-opacity="{0.16 * opacity:.3g}" stroke="{colour}" '
        f'stroke-opacity="{opacity}" stroke-width="{stroke}"{dash}/>'
        f'<text x="{x + 10}" y="{y + 20}" font-size="12.5" fill="#000">{texts}</text></g>'
    )


def pathway_html(patient: Patient | None = None, lang: str = "en") -> str:
    """From relapsed or refractory AML to the option categories, as SVG with a text version.

    With a patient, the categories that apply are marked ✔ and drawn bold, the others dashed
    and labelled "(not now)", so the picture never relies on colour alone.
    """
    _ = translator(lang)
    applying: set[str] = set()
    if patient is not None:
        applying = {r["category_id"] for r in options(patient, lang=lang)}
    boxes = []
    for category, x, y, message in _BOXES:
        state = "plain" if patient is None or category is None else (
            "on" if category in applying else "off")
        drawn = _box_lines(tuple(_(message).split("\n")), state, lang)
        boxes.append((category, x, y, drawn, state))
    # an arrow leaving a box's foot leaves it where the box, as drawn, ends
    feet = {(x, y + _box_height(_box_lines(tuple(message.split("\n")), "plain"))):
            y + _box_height(drawn)
            for (_c, x, y, message), (_c2, _x, _y, drawn, _s) in zip(_BOXES, boxes, strict=True)}
    parts = []
    for x1, y1, x2, y2, label, fitness in _ARROWS:
        y1 = next((bottom for (x, foot), bottom in feet.items()
                   if foot == y1 and x <= x1 <= x + _BOX_W), y1)
        bold = patient is not None and fitness is not None and (
            (fitness == "fit") == patient.fit_for_intensive)
        width = 3.5 if bold else 1.5
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#333" '
                     f'stroke-width="{width}" marker-end="url(#aml-arrow)"/>')
        if label:
            parts.append(f'<text x="{(x1 + x2) / 2 + (-28 if x2 < x1 else 8)}" '
                         f'y="{(y1 + y2) / 2}" font-size="13" font-weight="bold">'
                         f"{escape(_(label))}</text>")
    parts.extend(_svg_box(category, x, y, drawn, state) for category, x, y, drawn, state in boxes)
    description = pathway_text(patient, lang)
    title = _("Treatment pathway for relapsed or refractory AML")
    # ids unique to this picture: a notebook can show the general and a patient's diagram,
    # and each must be announced with its own description
    key = hashlib.sha1(description.encode()).hexdigest()[:8]
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 760 535" role="img" '
        f'aria-labelledby="aml-pathway-title-{key} aml-pathway-desc-{key}" '
        'style="width:100%;max-width:760px;height:auto;font-family:sans-serif">'
        f'<title id="aml-pathway-title-{key}">'
        f"{escape(title)}"
        f'</title><desc id="aml-pathway-desc-{key}">{escape(description)}</desc>'
        f'<defs><marker id="aml-arrow-{key}" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>'
        f'{"".join(parts).replace("url(#aml-arrow)", f"url(#aml-arrow-{key})")}</svg>'
    )
    words = _("In words: {description} ★ marks drugs beyond the source page.",
              description=description)
    return (
        f'<figure class="aml-pathway"{_lang_attr(lang)}>{svg}<figcaption class="aml-note">'
        f"{escape(words)} {cite(['ccs-2024'])}</figcaption></figure>"
    )


PATHWAY_TEXT = N_(
    "Relapsed and refractory AML lead to one question: is the person fit for intensive "
    "chemotherapy? If yes, intensive chemotherapy (a repeat of 7+3 after a remission longer "
    "than a year, or a salvage combination) and then a stem cell transplant if possible, "
    "with radiation as part of conditioning; if not, less intensive chemotherapy. Targeted "
    "therapy depends on markers, fit or not. Leukemia in the central nervous system adds "
    "intrathecal chemotherapy with or without radiation. Supportive therapy goes with every "
    "step, and clinical trials are worth asking about at every step."
)


def pathway_text(patient: Patient | None = None, lang: str = "en") -> str:
    """The text alternative of the pathway diagram."""
    _ = translator(lang)
    text = _(PATHWAY_TEXT)
    if patient is None:
        return text
    categories = ", ".join(dict.fromkeys(r["category"] for r in options(patient, lang=lang)))
    if patient.fit_for_intensive:
        return _("{text} For this patient (fit for intensive chemotherapy): {categories}.",
                 text=text, categories=categories)
    return _("{text} For this patient (not fit for intensive chemotherapy): {categories}.",
             text=text, categories=categories)


def show_pathway(patient: Patient | None = None, lang: str = "en") -> HTML:
    """:func:`pathway_html` for display in a notebook."""
    return HTML(pathway_html(patient, lang))


__all__ = [
    "CLASSIFIER_EXAMPLES",
    "cite",
    "markdown_citations",
    "notebook_references",
    "register_sources",
    "timeline",
    "timeline_chooser",
    "classifier",
    "classify_examples",
    "compare_timelines",
    "disclaimer",
    "drug_table",
    "factor_effect",
    "option_table",
    "compare_options",
    "marker_table",
    "references_list_html",
    "pathway_html",
    "pathway_text",
    "show_options",
    "show_pathway",
    "show_references",
    "timeline_chooser",
    "timeline_comparison_html",
    "verdict_html",
]
