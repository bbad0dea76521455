"""The dashboard as a Solara page: the unchanged ``App()``, one per learner's virtual kernel.

``python -m aml_teach serve --engine solara`` points Solara at this module (see
``solara_engine.py``). Solara runs ``Page`` once per virtual kernel, so each learner gets their
own ``App`` (their own widgets and values) while the knowledge base, read once, is shared.
``Layout`` replaces Solara's app bar and navigation with a bare container, so the page is the
dashboard alone, as in the Voila mode.
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from pathlib import Path

import solara

from .page import App

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "dashboard.ipynb"
TITLE = "Relapsed and refractory AML: the class dashboard"
# Where the lessons are: this engine serves the dashboard alone (the Voila engine links the
# lessons from the dashboard notebook's second cell and serves them as pages).
LESSONS_NOTE = (
    '<p class="aml-lessons-note"><strong>The lessons</strong> are not on this class server, '
    "which shows the dashboard only. Read them in JupyterLab (<code>python3 run.py lab</code> "
    "in the module's folder), or on any screen when your instructor serves the class with "
    "the Voila engine (<code>python3 run.py serve --class</code>): it links them here.</p>"
)

# Solara's page is styled by Vuetify, whose reset differs from JupyterLab's: it drops the bold
# of <strong>/<b> (the Roboto weights it loads), indents lists and cards, and tints <code>.
# These rules put the dashboard back to how the Voila page (JupyterLab's styles) draws it.
SOLARA_CSS = """
<style>
body, .v-application, .v-application .aml-page { font-family: system-ui, -apple-system,
  blinkmacsystemfont, "Segoe UI", helvetica, arial, sans-serif; background: #fff; color: #1a1a1a; }
.v-application .aml-page { padding: 4px 15px 32px; font-size: 13px; line-height: 1.4; }
.v-application .aml-page h1 { font-size: 2.3em; font-weight: 400; margin: 0.5em 0 0.6em;
  line-height: 1.2; }
.v-application .aml-page > p, .v-application .aml-page .aml-intro p { margin: 0 0 1em;
  font-size: 13px; }
.v-application .aml-page { --jp-ui-font-family: system-ui, -apple-system, blinkmacsystemfont,
  "Segoe UI", helvetica, arial, sans-serif; --jp-widgets-font-size: 13px; }
.v-application .aml-app .widget-html-content { font-size: 13px; line-height: 1.4; }
.v-application .aml-app strong, .v-application .aml-app b { font-weight: 700; }
.v-application .aml-app h2, .v-application .aml-app h3 { font-weight: 700; line-height: 1.4; }
.v-application .aml-app p { margin: 0.1em 0 0.4em; }
.v-application .aml-app ul, .v-application .aml-app ol { padding-left: 40px; }
.v-application .aml-app ul.aml-options-list { padding-left: 0; }
.v-application .aml-app ol.aml-references { padding-left: 2.2em; }
.v-application .aml-app code { background: none; color: inherit; box-shadow: none; padding: 0;
  font-weight: inherit; font-size: 0.95em; }
</style>
"""


@cache
def intro_html() -> str:
    """The title and introduction of notebooks/dashboard.ipynb, as the Voila page shows them.

    The notebook's first Markdown cell is the one source of these words; without the notebook
    (an installed package) the page keeps the title and ``App``'s own disclaimer.
    """
    try:
        cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
        text = "".join(next(c["source"] for c in cells if c["cell_type"] == "markdown"))
    except (OSError, ValueError, KeyError, StopIteration):
        return f"<h1>{escape(TITLE)}</h1>"
    import markdown

    return markdown.markdown(text)


def make_app() -> App:
    """One learner's dashboard (Solara calls this in that learner's virtual kernel)."""
    return App()


@solara.component
def Page() -> None:
    """The learner's page: the project's own ``App``, built once per virtual kernel."""
    app = solara.use_memo(make_app, dependencies=[])
    solara.Title(TITLE)
    # <main>, as in the Voila template: the landmark screen readers jump to
    with solara.v.Html(tag="main", class_="aml-page", attributes={"aria-label": TITLE}):
        solara.HTML(
            tag="div", unsafe_innerHTML=SOLARA_CSS + intro_html() + LESSONS_NOTE,
            classes=["aml-intro"],
        )
        solara.display(app)


@solara.component
def Layout(children: list | None = None) -> solara.Element:
    """No app bar, no navigation drawer, no "made with" badge: only the page."""
    return solara.Column(children=children or [], style={"padding": "0", "gap": "0"})
