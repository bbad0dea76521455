"""The schedule viewer: pick a regimen (and a variant) and see its day-by-day timeline."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..core.i18n import N_, check_lang, translator
from ..core.knowledge import KnowledgeBase, load_knowledge_base
from ..core.schedules import UnknownRegimenError, schedule_rows, scheduled_options, variants
from ..core.translated_tables import localized
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

    ALL_VARIANTS = ""  # the variant picker's value for "all, as alternatives"
    ALL_WORDS = N_("all, as alternatives (one of)")

    def __init__(
        self, kb: KnowledgeBase | None = None, heading: str | None = None,
        look: Look | None = None, lang: str = "en",
    ) -> None:
        self.kb = kb or load_knowledge_base()
        self.lang = check_lang(lang)
        self._heading_text = heading
        look = look or Look()
        self._updating = False
        regimens = scheduled_options(self.kb)
        self.regimen = look.dropdown(
            "", self._regimen_choices(), regimens[0][0] if regimens else None
        )
        # its own layout: it is hidden for regimens without variants
        self.variant = look.dropdown(
            "",
            [(translator(self.lang)(self.ALL_WORDS), self.ALL_VARIANTS)],
            self.ALL_VARIANTS,
            layout=widgets.Layout(width="auto", max_width="100%"),
        )
        self._heading = look.html_widget() if heading else None
        self.figure = look.html_widget(css_class="aml-schedule")
        guard(self.regimen, self._refuse)
        guard(self.variant, self._refuse)
        self.regimen.observe(self._regimen_changed, names="value")
        self.variant.observe(lambda _: self.refresh(), names="value")
        children: list[widgets.Widget] = [self.regimen, self.variant, self.figure]
        if self._heading is not None:
            children.insert(0, self._heading)
        super().__init__(children, layout=look.plain)
        self._words()
        self._regimen_changed(None)

    def _regimen_choices(self) -> list[tuple[str, str]]:
        return [(name, option) for option, name in scheduled_options(self.kb, lang=self.lang)]

    def _variant_choices(self, names: tuple[str, ...]) -> list[tuple[str, str]]:
        """(name in the page's language, variant id) of each variant, then "all"."""
        shown = {row["variant"]: row["variant_name"]
                 for row in localized(self.kb, self.lang).rows["schedules"]
                 if row["option"] == self.regimen.value and row["variant"]}
        all_words = translator(self.lang)(self.ALL_WORDS)
        return [*((shown.get(n, n), n) for n in names), (all_words, self.ALL_VARIANTS)]

    def _words(self) -> None:
        _ = translator(self.lang)
        self.regimen.description = _("Regimen")
        self.variant.description = _("Variant")
        if self._heading is not None:
            self._heading.value = _heading(_(str(self._heading_text)))

    def set_language(self, lang: str) -> None:
        """Every word in ``lang``; the regimen and variant chosen stay chosen."""
        self.lang = check_lang(lang)
        regimen, variant = self.regimen.value, self.variant.value
        self._updating = True
        try:
            with self.hold_sync():
                self.regimen.options = self._regimen_choices()
                self.regimen.value = regimen
                names = variants(regimen, self.kb) if regimen else ()
                self.variant.options = self._variant_choices(names)
                self.variant.value = variant
                self._words()
        finally:
            self._updating = False
        self.refresh()

    def _refuse(self, widget: widgets.Widget, error: BaseException) -> None:
        self.figure.value = message_html(refusal_message(widget, self.lang), self.lang)

    def _regimen_changed(self, change: dict[str, Any] | None) -> None:
        if self._updating:
            return
        try:
            names = variants(self.regimen.value, self.kb) if self.regimen.value else ()
        except Exception as error:  # noqa: BLE001
            self.figure.value = something_went_wrong("listing variants", error, self.lang)
            return
        self._updating = True
        try:
            self.variant.options = self._variant_choices(names)
            self.variant.value = names[0] if names else self.ALL_VARIANTS
        finally:
            self._updating = False
        self.variant.layout.display = "" if names else "none"
        self.refresh()

    def refresh(self) -> None:
        if self._updating:
            return
        _ = translator(self.lang)
        option = self.regimen.value
        if not option:
            self.figure.value = message_html(
                _("No regimen schedules are in the teaching data."), self.lang)
            return
        chosen = None if self.variant.value == self.ALL_VARIANTS else self.variant.value
        try:
            schedule = schedule_rows(option, chosen, kb=self.kb, lang=self.lang)
        except UnknownRegimenError as error:
            self.figure.value = message_html(error.text(self.lang), self.lang)
            return
        except Exception as error:  # noqa: BLE001
            self.figure.value = something_went_wrong("drawing a schedule", error, self.lang)
            return
        name = dict(scheduled_options(self.kb, lang=self.lang)).get(option, option)
        if chosen:
            variant = {v: label for label, v in self.variant.options}.get(chosen, chosen)
            title = _("{regimen}: day by day ({variant})", regimen=name, variant=variant)
        else:
            title = _("{regimen}: day by day", regimen=name)
        try:
            self.figure.value = timeline_html(schedule, title, kb=self.kb, lang=self.lang)
        except Exception as error:  # noqa: BLE001
            self.figure.value = something_went_wrong("drawing a schedule", error, self.lang)


def schedule_viewer(kb: KnowledgeBase | None = None, lang: str = "en") -> ScheduleViewer:
    """A regimen picker with its day-by-day timeline."""
    return keyboard_safe(ScheduleViewer(kb, lang=lang))
