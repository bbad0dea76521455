"""The dashboard as a Solara page: the unchanged ``App()``, one per learner's virtual kernel.

``python -m aml_teach serve --engine solara`` points Solara at this module (see
``solara_engine.py``). Solara runs ``Page`` once per virtual kernel, so each learner gets their
own ``App`` (their own widgets and values) while the knowledge base, read once, is shared.
The page's language is its address's ``?lang=`` or the class's (``serve --lang``).
``Layout`` replaces Solara's app bar and navigation with a bare container, so the page is the
dashboard alone, as in the Voila mode.
"""

from __future__ import annotations

import solara

from ..core.i18n import translator
from .language import asked_language
from .page import TITLE, App

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


def make_app(lang: str | None = None) -> App:
    """One learner's dashboard (Solara calls this in that learner's virtual kernel), with
    the title and the note on where the lessons are (this engine serves the dashboard
    alone; the Voila engine links the lessons and serves them as pages)."""
    return App(lang=lang, lessons="note")


@solara.component
def Page() -> None:
    """The learner's page: the project's own ``App``, built once per virtual kernel, in the
    language its address asks for (``?lang=fr``; the page's switch changes it in place)."""
    lang = asked_language(solara.use_router().search)
    app = solara.use_memo(lambda: make_app(lang), dependencies=[])
    title = translator(app.lang)(TITLE)
    solara.Title(title)
    # <main>, as in the Voila template: the landmark screen readers jump to
    with solara.v.Html(tag="main", class_="aml-page", attributes={"aria-label": title}):
        solara.HTML(tag="div", unsafe_innerHTML=SOLARA_CSS, classes=["aml-solara-style"])
        solara.display(app)


@solara.component
def Layout(children: list | None = None) -> solara.Element:
    """No app bar, no navigation drawer, no "made with" badge: only the page."""
    return solara.Column(children=children or [], style={"padding": "0", "gap": "0"})
