"""What every widget of the dashboard shares: the layout and style models, the widget makers,
the short repr, and the instructor's log (the terminal, never the page).

Widget values come from a browser and may be anything a browser can send: a value a widget
cannot hold is refused by :mod:`aml_teach.app.guard`, every other value goes through
:class:`Patient` (the validating boundary), and either way the learner gets a plain message in
the page, never a traceback. Anything unexpected is logged for the instructor (the terminal
that runs the server) without the learner's values, and the learner sees a short "reload the
page" message.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from html import escape
from typing import Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from ..core.i18n import N_, translator

LOG = logging.getLogger("aml_teach.dashboard")
RELOAD_MESSAGE = N_("Something went wrong; reload the page.")

# Rules for the input widgets only. Kept apart from CSS, which static HTML in the lessons
# embeds (and whose stored outputs would change with it).
WIDGET_CSS = """
<style>
.aml-app .widget-radio-box label, .aml-explorer .widget-radio-box label { display: flex;
  flex-direction: row-reverse; justify-content: flex-end; align-items: flex-start;
  gap: 0.4em; height: auto; min-height: var(--jp-widgets-radio-item-height);
  line-height: 1.3; padding: 2px 0; white-space: normal; }
.aml-app .widget-checkbox, .aml-explorer .widget-checkbox { height: auto;
  min-height: var(--jp-widgets-inline-height); }
.aml-app .widget-checkbox .widget-label-basic,
.aml-explorer .widget-checkbox .widget-label-basic { display: flex; align-items: flex-start;
  gap: 0.3em; height: auto; line-height: 1.3; padding: 3px 0; white-space: normal; }
.aml-app .widget-checkbox .widget-label-basic span,
.aml-explorer .widget-checkbox .widget-label-basic span { white-space: normal; }
.aml-app .widget-text, .aml-explorer .widget-text { width: auto; max-width: 100%; }
/* a long label (in French, on a phone) puts its list under it: the row grows, never overlaps */
.aml-app .widget-dropdown, .aml-explorer .widget-dropdown { height: auto;
  min-height: var(--jp-widgets-inline-height); row-gap: 2px; }
.aml-app .widget-dropdown > select, .aml-explorer .widget-dropdown > select {
  height: var(--jp-widgets-inline-height); }
.aml-app .widget-text input, .aml-explorer .widget-text input { flex: 0 1 8em;
  min-width: 5em; }
.aml-app.aml-large input[type=checkbox], .aml-app.aml-large input[type=radio] {
  width: 1.2em; height: 1.2em; flex: none; }
.aml-app .aml-case-story, .aml-explorer .aml-case-story {
  font-size: var(--jp-widgets-font-size); }
</style>
"""

# --- logging for the instructor --------------------------------------------------------


def _instructor_stream() -> Any:
    """The terminal that started the server, bypassing the kernel's capture of stderr.

    In a kernel, ``sys.stderr`` (and even file descriptor 2) is forwarded to the browser;
    ipykernel keeps a copy of the original descriptor, which is the instructor's terminal.
    """
    original = getattr(sys.stderr, "_original_stdstream_copy", None)
    if isinstance(original, int):
        return os.fdopen(os.dup(original), "w", buffering=1)
    return sys.__stderr__ or sys.stderr


def instructor_log() -> logging.Logger:
    """The logger whose lines reach the instructor's terminal and never the page."""
    if not LOG.handlers:
        handler = logging.StreamHandler(_instructor_stream())
        handler.setFormatter(logging.Formatter("[aml-teach %(levelname)s %(asctime)s] %(message)s"))
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
        LOG.propagate = False  # the root logger in a kernel writes to the page
    return LOG


def something_went_wrong(where: str, error: BaseException, lang: str = "en") -> str:
    """Log an unexpected error for the instructor and return the learner's page message.

    Only the exception type and the code path are logged: exception messages may quote the
    values a learner typed, and those stay in the learner's page.
    """
    frames = "".join(traceback.format_tb(error.__traceback__))
    instructor_log().error(
        "%s failed with %s (message withheld: it may quote a learner's values)\n%s",
        where,
        type(error).__name__,
        frames.rstrip(),
    )
    return message_html(translator(lang)(RELOAD_MESSAGE), lang)


def message_html(text: str, lang: str = "en") -> str:
    """A plain message shown in place of results (not colour alone: a border and words);
    ``text`` is already in ``lang``, which words the "Note:" before it."""
    _ = translator(lang)
    note = escape(_("Note:"))
    return f'<div class="aml-message" role="alert"><strong>{note}</strong> {escape(text)}</div>'


# --- shared models ---------------------------------------------------------------------


class Look:
    """Layout and style models shared by many widgets, and the widget makers.

    ipywidgets gives every widget its own Layout and Style model unless one is passed in;
    sharing them cuts the dashboard from about 130 models to about 45, so the browser has
    far fewer to create and the page appears sooner. Never change a shared model for one
    widget (give that widget its own Layout instead). The panels guard every input they
    make exactly once (:func:`aml_teach.app.guard.guard`), with a callback that explains a
    refused value in the page.
    """

    def __init__(self) -> None:
        self.plain = widgets.Layout()
        self.wide = widgets.Layout(width="auto", max_width="100%")
        self.label = DescriptionStyle(description_width="initial")
        self.check = CheckboxStyle()
        self.html = HTMLStyle()

    def html_widget(self, value: str = "", css_class: str | None = None) -> widgets.HTML:
        widget = widgets.HTML(value=value, layout=self.plain, style=self.html)
        if css_class:
            widget.add_class(css_class)
        return widget

    def checkbox(self, description: str, value: bool = False) -> widgets.Checkbox:
        return widgets.Checkbox(
            value=value, description=description, indent=False, layout=self.wide,
            style=self.check,
        )

    def int_text(self, description: str, value: int) -> widgets.IntText:
        return widgets.IntText(
            value=value, description=description, style=self.label, layout=self.plain
        )

    def float_text(self, description: str, value: float) -> widgets.FloatText:
        return widgets.FloatText(
            value=value, description=description, style=self.label, layout=self.plain, step=1
        )

    def dropdown(self, description: str, options: list, value: Any,
                 layout: widgets.Layout | None = None) -> widgets.Dropdown:
        return widgets.Dropdown(
            options=options, value=value, description=description, style=self.label,
            layout=layout or self.wide,
        )

    def vbox(self, children: list[widgets.Widget]) -> widgets.VBox:
        return widgets.VBox(children, layout=self.plain)


class ShortRepr:
    """A short text form: ipywidgets' default repr spells out every child's whole value,
    which Voila would copy into the page as text that nobody sees."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: aml-teach widget>"


def _heading(text: str, level: int = 2) -> str:
    return f"<h{level}>{escape(text)}</h{level}>"
