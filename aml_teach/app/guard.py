"""Guard widgets against state a browser should never send.

A browser can send any value for any widget over the kernel websocket: a string for a
checkbox, an index past the end of a list. ipywidgets refuses such values with an exception
that ipykernel prints, traceback and all, to the learner's page. A guarded widget instead
keeps its last good value, puts the browser back in step with it, and reports the refusal
to a callback that can show a plain message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..core.i18n import N_, translator

Rejected = Callable[[widgets.Widget, BaseException], None]

KINDS = {
    "IntText": N_("a whole number"),
    "BoundedIntText": N_("a whole number"),
    "IntSlider": N_("a whole number"),
    "FloatText": N_("a number"),
    "BoundedFloatText": N_("a number"),
    "Checkbox": N_("ticked or not ticked"),
    "ToggleButton": N_("on or off"),
    "Dropdown": N_("one of the listed choices"),
    "RadioButtons": N_("one of the listed choices"),
    "SelectMultiple": N_("choices from the list"),
    "Checklist": N_("choices from the list"),
}


def expected(widget: widgets.Widget, lang: str = "en") -> str:
    """What the widget accepts, in words a learner understands."""
    return translator(lang)(KINDS.get(type(widget).__name__, N_("one of the values it offers")))


def refusal_message(widget: widgets.Widget, lang: str = "en") -> str:
    """A plain sentence about a refused value, naming the control by its visible label (which
    is already in the page's language)."""
    _ = translator(lang)
    label = getattr(widget, "description", "") or _("A control")
    return _(
        "{label}: that value was not accepted; it needs {expected}. "
        "The previous value was kept.", label=label, expected=expected(widget, lang),
    )


def guard(widget: widgets.Widget, on_reject: Rejected | None = None) -> widgets.Widget:
    """Make ``widget`` refuse bad browser state quietly; return the widget."""
    original = widget.set_state

    def set_state(sync_data: dict[str, Any]) -> None:
        try:
            original(sync_data)
        except Exception as error:  # noqa: BLE001 - anything a browser sends must be survivable
            try:
                widget.send_state()  # put the browser back in step with the kept value
            except Exception:  # noqa: BLE001, S110 - a closed comm has nobody to resync
                pass
            if on_reject is not None:
                on_reject(widget, error)

    widget.set_state = set_state  # instance attribute: used by Widget._handle_msg
    return widget


def guard_all(root: widgets.Widget, on_reject: Rejected | None = None) -> None:
    """Guard ``root`` and every widget inside it (children, recursively)."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        widget = stack.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        guard(widget, on_reject)
        stack.extend(getattr(widget, "children", ()) or ())
