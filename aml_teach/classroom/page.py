"""The page a class is served: the dashboard ``App`` with the classroom's comm checks and,
in live class mode, the live box on the channel of the engine that made the page.

``notebooks/dashboard.ipynb`` (the Voila engine) and :mod:`aml_teach.classroom.solara_page`
(the Solara engine) both show this ``App``. Outside a class server (a notebook opened in
JupyterLab, a test) it is the plain dashboard: the checks and the live box depend on what
the server put in the kernel's environment or process.
"""

from __future__ import annotations

from ..app import dashboard
from ..app.factor_panel import FactorPanel
from ..app.look import Look
from ..core.knowledge import KnowledgeBase
from ..live import box, solara_channel
from .comm_guard import protect_if_classroom

__all__ = ["App", "live_box"]


def live_box(factors: FactorPanel, look: Look) -> box.LivePanel | None:
    """This page's live class box: the room in this process (Solara), over HTTP from a class
    server's kernel (Voila), or None when there is no live class."""
    if solara_channel.ROOM is not None:
        return solara_channel.local_panel(solara_channel.ROOM, factors, look)
    return box.live_panel(factors, look)


class App(dashboard.App):
    """The whole dashboard as a class sees it (see :class:`aml_teach.app.dashboard.App`)."""

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        protect_if_classroom()  # served to a class: comm checks, no tracebacks to the page
        super().__init__(kb, live_box=live_box)
