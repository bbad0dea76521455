"""Guarded widgets survive any state a browser can send, and say what was refused."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from aml_teach.app.guard import guard, guard_all, refusal_message


def _browser_update(widget: widgets.Widget, **state) -> None:
    """What ipywidgets does with an 'update' message from the browser."""
    widget._handle_msg(
        {
            "content": {"data": {"method": "update", "state": state, "buffer_paths": []}},
            "buffers": [],
        }
    )


@pytest.mark.parametrize(
    ("widget", "state"),
    [
        (widgets.IntText(value=5, description="Age (years)"), {"value": "seventy"}),
        (widgets.IntText(value=5, description="Age (years)"), {"value": None}),
        (widgets.Checkbox(value=True, description="Fit"), {"value": "yes"}),
        (widgets.Dropdown(options=["a", "b"], description="Case"), {"index": 99}),
        (widgets.SelectMultiple(options=["a", "b"], description="Prior"), {"index": [5]}),
        (widgets.RadioButtons(options=["x", "y"], description="Disease"), {"index": "all"}),
    ],
)
def test_bad_state_is_refused_and_reported(widget, state):
    with pytest.raises(Exception):  # unguarded, ipywidgets raises (and prints a traceback)  # noqa: B017
        widget.set_state(state)
    before = widget.get_state()
    refused = []
    guard(widget, lambda w, error: refused.append((w, error)))
    _browser_update(widget, **state)
    assert widget.get_state() == before
    assert refused and refused[0][0] is widget
    assert widget.description in refusal_message(widget)


def test_good_state_still_applies():
    box = widgets.Checkbox(value=False, description="Fit")
    guard(box, lambda *_: pytest.fail("a good value was refused"))
    _browser_update(box, value=True)
    assert box.value is True


def test_guard_all_reaches_nested_children():
    inner = widgets.IntText(description="Age (years)")
    outer = widgets.VBox([widgets.HBox([inner])])
    refused = []
    guard_all(outer, lambda w, e: refused.append(w))
    _browser_update(inner, value="x")
    assert refused == [inner]
