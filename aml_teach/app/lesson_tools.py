"""The lessons' interactive tools built from the dashboard's widgets (notebook 4's walkthrough).

They live with the widgets, not in :mod:`aml_teach.teaching.lessons`, because the teaching
layer does not import the app: a lesson notebook imports them from here.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from ..core.i18n import translator
from ..core.knowledge import load_knowledge_base
from ..core.patient import PatientError
from ..teaching.lessons import pathway_html, register_sources
from . import options_view as aml_widgets

__all__ = ["explorer", "walkthrough"]


def explorer(show_excluded: bool = False, lang: str = "en") -> aml_widgets.Explorer:
    """The dashboard's explorer, for a lesson: any option may show, so all may be cited."""
    kb = load_knowledge_base()
    register_sources(s for sources in kb.options["sources"] for s in sources)
    return aml_widgets.explorer(show_excluded=show_excluded, kb=kb, lang=lang)


def walkthrough(lang: str = "en") -> widgets.VBox:
    """The explorer with the pathway diagram under it, both following the same factors."""
    tool = explorer(show_excluded=True, lang=lang)
    picture = widgets.HTML()
    _ = translator(lang)
    heading = _("Where this patient is on the pathway")

    def redraw() -> None:
        try:
            picture.value = pathway_html(tool.factors.patient(), lang=lang)
        except PatientError:
            # the explorer already says which factor is wrong
            picture.value = pathway_html(lang=lang)

    tool.factors.on_change(redraw)
    redraw()
    # the explorer keeps its keys to itself; the rest takes no keys
    return widgets.VBox([tool, widgets.HTML(f"<h4>{escape(heading)}</h4>"), picture])
