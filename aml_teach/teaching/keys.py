"""Keys typed into the module's widgets stay in the widgets, in JupyterLab as in Voila.

JupyterLab's notebook shortcuts (``m`` turns a cell into Markdown, ``d d`` deletes it, the
arrow keys move between cells) apply whenever the focus is not in a text box, so a letter
typed to jump in a list, or an arrow pressed on a radio button, used to act on the notebook
instead of the widget. Lumino, JupyterLab's toolkit, skips its shortcuts for any element
carrying the ``data-lm-suppress-shortcuts`` attribute, or inside one, but the focused control
itself matches the shortcuts' selector, so it must carry the attribute itself. ipywidgets cannot
set an attribute, so a tiny invisible widget (made with anywidget) sets it on every control
that takes the focus inside the box holding it (whenever it does, so controls drawn later too).
Voila has no notebook shortcuts, and there the attribute changes nothing.
"""

from __future__ import annotations

import anywidget
import ipywidgets as widgets

__all__ = ["KeyGuard", "keyboard_safe"]

SUPPRESS = "data-lm-suppress-shortcuts"

_ESM = """
function render({ el }) {
  el.classList.add("aml-keyguard");
  el.style.display = "none";
  let tries = 0;
  function mark(event) {
    if (event.target instanceof Element) {
      event.target.setAttribute("data-lm-suppress-shortcuts", "true");
    }
  }
  function watch() {
    const box = el.parentElement;
    if (box) {
      box.setAttribute("data-lm-suppress-shortcuts", "true");
      box.addEventListener("focusin", mark);
      return;
    }
    if (tries++ < 200) { requestAnimationFrame(watch); }
  }
  watch();
}
export default { render };
"""


# Rules every widget needs, wherever it is shown: links that look like links without colour
# (citations in verdicts and feedback), and a focus ring that is always visible.
_CSS = """
.jupyter-widgets .widget-html-content a { text-decoration: underline; }
.jupyter-widgets :focus-visible { outline: 2px solid #0b5cad !important; outline-offset: 1px; }
"""


class KeyGuard(anywidget.AnyWidget):
    """An invisible child that keeps JupyterLab's shortcuts out of the box that holds it.

    It also brings the page rules every widget needs (``_CSS``): each widget panel of the
    module holds one, so the rules are there whenever a panel is.
    """

    _esm = _ESM
    _css = _CSS

    def __repr__(self) -> str:
        return "<KeyGuard: aml-teach widget>"


def keyboard_safe(box: widgets.Box) -> widgets.Box:
    """Add a :class:`KeyGuard` to ``box`` (once) and return it, for one-line use."""
    if not any(isinstance(child, KeyGuard) for child in box.children):
        box.children = (*box.children, KeyGuard())
    return box
