"""A list of choices to tick, several at once: works by touch, mouse and keyboard alike.

A multiple-choice list (``SelectMultiple``) needs Ctrl or Shift to pick a second item, which
a phone or tablet does not have. Here each choice is a native labelled checkbox inside a
``<fieldset>`` whose ``<legend>`` names the list (screen readers announce it), grouped under
small headings, in a box that scrolls when the list is long. It is one widget model (made
with anywidget, as the keyboard guard is), so the page stays quick to load; ``value`` is the
tuple of ticked choices in the list's order, as ``SelectMultiple`` gave it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import anywidget
import traitlets

__all__ = ["Checklist"]

_ESM = """
function render({ model, el }) {
  el.classList.add("aml-checklist");
  let boxes = [];
  let ticked = null;
  // (re)built whole when the words change (the page's language): the ticks are kept
  function build() {
    el.replaceChildren();
    boxes = [];
    const fieldset = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = model.get("description");
    fieldset.appendChild(legend);
    const scroller = document.createElement("div");
    scroller.className = "aml-checklist-choices";
    let group = null;
    let list = null;
    for (const [label, value, name] of model.get("options")) {
      if (list === null || name !== group) {
        group = name;
        if (name) {
          const heading = document.createElement("div");
          heading.className = "aml-checklist-group";
          heading.textContent = name;
          scroller.appendChild(heading);
        }
        list = document.createElement("div");
        list.className = "aml-checklist-list";
        scroller.appendChild(list);
      }
      const row = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = value;
      box.addEventListener("change", () => {
        model.set("value", boxes.filter((b) => b.checked).map((b) => b.value));
        model.save_changes();
      });
      boxes.push(box);
      row.appendChild(box);
      row.appendChild(document.createTextNode(" " + label));
      list.appendChild(row);
    }
    ticked = document.createElement("div");
    ticked.className = "aml-checklist-ticked";
    fieldset.appendChild(ticked);
    fieldset.appendChild(scroller);
    el.appendChild(fieldset);
    show();
  }
  function show() {
    const names = new Map(model.get("options").map(([label, value]) => [value, label]));
    const chosen = new Set(model.get("value"));
    for (const box of boxes) { box.checked = chosen.has(box.value); }
    const listed = model.get("value").map((v) => names.get(v) || v);
    const words = model.get("words");
    ticked.textContent = words.ticked + " " + (listed.length ? listed.join("; ") : words.none);
  }
  model.on("change:value", show);
  model.on("change:options", build);
  model.on("change:description", build);
  model.on("change:words", show);
  build();
}
export default { render };
"""

_CSS = """
.aml-checklist { font-size: var(--jp-widgets-font-size, 13px); }
.aml-checklist fieldset { border: 0; margin: 0.3em 0 0; padding: 0; min-width: 0; }
.aml-checklist legend { font-weight: bold; font-size: 1em; padding: 0; margin-bottom: 0.2em; }
.aml-checklist-choices { max-height: 17em; overflow-y: auto; border: 1px solid #767676;
  border-radius: 4px; padding: 0.1em 0.5em 0.3em; }
.aml-checklist-ticked { font-size: 0.92em; margin: 0 0 0.25em; color: #333; }
.aml-checklist-group { font-size: 0.9em; font-weight: bold; color: #444; margin-top: 0.4em; }
.aml-checklist label { display: flex; align-items: flex-start; gap: 0.4em; min-height: 1.9em;
  padding: 0.15em 0; line-height: 1.3; cursor: pointer; }
.aml-checklist input[type=checkbox] { width: 1.15em; height: 1.15em; margin: 0.1em 0 0;
  flex: none; }
"""


class Checklist(anywidget.AnyWidget):
    """Checkboxes for ``options`` ((label, value) pairs), grouped under ``groups``' names."""

    _esm = _ESM
    _css = _CSS
    value = traitlets.Tuple().tag(sync=True)
    options = traitlets.List().tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    # the words around the ticked list, in the page's language
    words = traitlets.Dict({"ticked": "Ticked:", "none": "none"}).tag(sync=True)

    def __init__(
        self,
        options: Sequence[tuple[str, str]],
        description: str,
        groups: Sequence[tuple[str, Sequence[str]]] = (),
        words: dict[str, str] | None = None,
    ) -> None:
        super().__init__(options=_listed(options, groups), description=description,
                         **({"words": words} if words else {}))

    def relabel(
        self,
        options: Sequence[tuple[str, str]],
        description: str,
        groups: Sequence[tuple[str, Sequence[str]]],
        words: dict[str, str],
    ) -> None:
        """New words for the same choices (another language): what is ticked stays ticked."""
        listed = _listed(options, groups)
        if [v for _, v, _ in listed] != list(self.choices):
            raise ValueError("relabel gives new words for the same choices, in the same order")
        with self.hold_sync():
            self.options = listed
            self.description = description
            self.words = words

    def __repr__(self) -> str:
        return "<Checklist: aml-teach widget>"

    @property
    def _options_labels(self) -> tuple[str, ...]:
        """The labels, as a selection widget names them: the classroom's message checks
        bound a ``value`` list by them (aml_teach.classroom.comm_guard)."""
        return tuple(label for label, _, _ in self.options)

    @property
    def choices(self) -> tuple[str, ...]:
        """Every value that can be ticked, in the list's order."""
        return tuple(value for _, value, _ in self.options)

    @property
    def index(self) -> tuple[int, ...]:
        """The ticked choices' positions (as ``SelectMultiple.index``)."""
        return tuple(self.choices.index(v) for v in self.value)

    @index.setter
    def index(self, positions: Sequence[int]) -> None:
        self.value = tuple(self.choices[i] for i in positions)

    @traitlets.validate("value")
    def _valid(self, proposal: dict[str, Any]) -> tuple[str, ...]:
        chosen = proposal["value"]
        known = self.choices
        unknown = [v for v in chosen if v not in known]
        if unknown:
            raise traitlets.TraitError(
                f"{self.description}: {str(unknown[0])[:40]!r} is not in the list"
            )
        return tuple(v for v in known if v in set(chosen))


def _listed(
    options: Sequence[tuple[str, str]], groups: Sequence[tuple[str, Sequence[str]]]
) -> list[list[str]]:
    """[label, value, group name] for each choice, grouped in ``groups``' order."""
    group_of = {value: name for name, values in groups for value in values}
    order = {name: i for i, (name, _) in enumerate(groups)}
    ordered = sorted(options, key=lambda o: order.get(group_of.get(o[1], ""), len(order)))
    return [[label, value, group_of.get(value, "")] for label, value in ordered]
