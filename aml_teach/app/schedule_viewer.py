"""The schedule viewer: pick a regimen (and a variant) and see its day-by-day timeline."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..core.knowledge import KnowledgeBase, load_knowledge_base
from ..core.schedules import UnknownRegimenError, schedule_rows, scheduled_options, variants
from ..teaching.figures import timeline_html
from ..teaching.keys import keyboard_safe
from .guard import guard, refusal_message
from .look import Look, ShortRepr, _heading, message_html, something_went_wrong


class ScheduleViewer(ShortRepr, widgets.VBox):
    """Pick a regimen (and a variant, where it has some) and see its day-by-day timeline.

    A regimen with variants (7+3: one anthracycline of four) opens on its first variant, so
    the timeline shows what one patient is given; "all, as alternatives" draws the variants
    as one "one of:" row, never as drugs given together.
    """

    ALL_VARIANTS = "all, as alternatives (one of)"

    def __init__(
        self, kb: KnowledgeBase | None = None, heading: str | None = None,
        look: Look | None = None,
    ) -> None:
        self.kb = kb or load_knowledge_base()
        look = look or Look()
        self._updating = False
        regimens = scheduled_options(self.kb)
        self.names = dict(regimens)
        self.regimen = look.dropdown(
            "Regimen",
            [(name, option) for option, name in regimens],
            regimens[0][0] if regimens else None,
        )
        # its own layout: it is hidden for regimens without variants
        self.variant = look.dropdown(
            "Variant",
            [self.ALL_VARIANTS],
            self.ALL_VARIANTS,
            layout=widgets.Layout(width="auto", max_width="100%"),
        )
        self.figure = look.html_widget(css_class="aml-schedule")
        guard(self.regimen, self._refuse)
        guard(self.variant, self._refuse)
        self.regimen.observe(self._regimen_changed, names="value")
        self.variant.observe(lambda _: self.refresh(), names="value")
        children: list[widgets.Widget] = [self.regimen, self.variant, self.figure]
        if heading:
            children.insert(0, look.html_widget(_heading(heading)))
        super().__init__(children, layout=look.plain)
        self._regimen_changed(None)

    def _refuse(self, widget: widgets.Widget, error: BaseException) -> None:
        self.figure.value = message_html(refusal_message(widget))

    def _regimen_changed(self, change: dict[str, Any] | None) -> None:
        try:
            names = variants(self.regimen.value, self.kb) if self.regimen.value else ()
        except Exception as error:  # noqa: BLE001
            self.figure.value = something_went_wrong("listing variants", error)
            return
        self._updating = True
        try:
            self.variant.options = [*names, self.ALL_VARIANTS]
            self.variant.value = names[0] if names else self.ALL_VARIANTS
        finally:
            self._updating = False
        self.variant.layout.display = "" if names else "none"
        self.refresh()

    def refresh(self) -> None:
        if self._updating:
            return
        option = self.regimen.value
        if not option:
            self.figure.value = message_html("No regimen schedules are in the teaching data.")
            return
        chosen = None if self.variant.value == self.ALL_VARIANTS else self.variant.value
        try:
            schedule = schedule_rows(option, chosen, kb=self.kb)
        except UnknownRegimenError as error:
            self.figure.value = message_html(str(error))
            return
        except Exception as error:  # noqa: BLE001
            self.figure.value = something_went_wrong("drawing a schedule", error)
            return
        title = f"{self.names.get(option, option)}: day by day"
        if chosen:
            title += f" ({chosen})"
        try:
            self.figure.value = timeline_html(schedule, title, kb=self.kb)
        except Exception as error:  # noqa: BLE001
            self.figure.value = something_went_wrong("drawing a schedule", error)


def schedule_viewer(kb: KnowledgeBase | None = None) -> ScheduleViewer:
    """A regimen picker with its day-by-day timeline."""
    return keyboard_safe(ScheduleViewer(kb))
