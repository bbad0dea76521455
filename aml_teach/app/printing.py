"""Print this patient: the one-patient summary, shown only on paper, and a button to print.

The summary (:func:`aml_teach.teaching.summary.patient_summary_html`, the same page the case
handout prints) is kept up to date in a region the screen never shows; the print style sheet
hides every control and shows only that region, so the browser's own Print (Ctrl+P) prints
it too. The button is a tiny anywidget, because only the page itself can open the browser's
print dialogue.
"""

from __future__ import annotations

from html import escape

import anywidget
import traitlets

from ..core.i18n import N_, translator
from ..core.knowledge import KnowledgeBase
from ..core.patient import Patient
from ..teaching.summary import patient_summary_html

__all__ = ["PRINT_CSS", "PrintButton", "print_html"]

TITLE = N_("aml-teach: this patient, the options that apply and why")
BUTTON = N_("Print this patient")

# In the page's style sheet (the dashboard's header): on paper, the summary alone.
PRINT_CSS = """
<style>
.aml-print-area { display: none; }
.aml-print-area h1 { font: 600 1.3rem/1.2 system-ui, sans-serif; margin: 0 0 0.3em; }
.aml-print-area .aml-print-case { margin: 0 0 0.3em; font-weight: 600; }
.aml-print-area .aml-summary dt { flex: 1 1 auto; }
.aml-print-area .aml-summary dd { flex: 0 1 auto; max-width: 60%; }
@media print {
  /* everything but the summary and the boxes that hold it, whatever the engine's page */
  body *:not(:has(.aml-print-area)):not(.aml-print-area):not(.aml-print-area *) {
    display: none !important; }
  /* the boxes that hold it: plain blocks, as tall as their content (no scrolling panes) */
  html, body, body *:has(.aml-print-area) { display: block !important; height: auto !important;
    min-height: 0 !important; max-height: none !important; width: auto !important;
    min-width: 0 !important; max-width: none !important; overflow: visible !important;
    position: static !important; margin: 0 !important; padding: 0 !important;
    border: 0 !important; box-shadow: none !important; transform: none !important;
    contain: none !important; background: #fff !important; }
  .aml-app .aml-print-area { display: block !important; overflow: visible !important;
    contain: none !important; }
  .aml-app .aml-print-area h1 { font-size: 12pt !important; line-height: 1.2 !important;
    margin: 0 0 2pt !important; }
  .aml-app .aml-print-area .aml-print-case { font-size: 9pt; margin: 0 0 2pt; }
  .aml-app .aml-print-area .aml-print-note { font-size: 7pt; margin: 2pt 0 0; }
  /* one or two pages: the reference list small, in two columns */
  .aml-print-area .aml-summary .aml-sources { column-count: 2; column-gap: 1.2em;
    font-size: 6.6pt; line-height: 1.2; }
  .aml-print-area .aml-summary .aml-sources li { break-inside: avoid; margin: 0 0 1pt; }
}
</style>
"""

_ESM = """
function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "aml-print-button";
  button.textContent = model.get("description");
  button.addEventListener("click", () => window.print());
  model.on("change:description", () => { button.textContent = model.get("description"); });
  el.appendChild(button);
}
export default { render };
"""

_CSS = """
.aml-print-button { font: inherit; padding: 0.35em 0.9em; margin: 0.3em 0; min-height: 2.2em;
  border: 1px solid #0b5cad; border-radius: 4px; background: #fff; color: #0b5cad;
  cursor: pointer; }
.aml-print-button:hover { background: #eef4fb; }
"""


class PrintButton(anywidget.AnyWidget):
    """A "Print this patient" button: opens the browser's print dialogue."""

    _esm = _ESM
    _css = _CSS
    description = traitlets.Unicode(BUTTON).tag(sync=True)

    def __repr__(self) -> str:
        return "<PrintButton: aml-teach widget>"


def print_html(
    patient: Patient,
    kb: KnowledgeBase,
    case: str = "",
    story: str = "",
    story_sources: tuple[str, ...] = (),
    lang: str = "en",
) -> str:
    """The printed page: a title, the case (if one is loaded) and the patient's summary,
    citing as the dashboard does ([ccs-2024]), in ``lang`` (``case`` and ``story`` already
    are)."""
    _ = translator(lang)
    named = f'<p class="aml-print-case">{escape(case)}</p>' if case else ""
    summary = patient_summary_html(
        patient, kb=kb, lang=lang, anchor="aml-print", story=story, story_sources=story_sources,
        cite_by_id=True, brief_excluded=True,
    )
    note = escape(_(
        "Printed from the aml-teach dashboard. An option that does not apply cites only its "
        "main source here; the dashboard lists every source of each option."
    ))
    return (f"<h1>{escape(_(TITLE))}</h1>{named}{summary}"
            f'<p class="aml-print-note">{note}</p>')
