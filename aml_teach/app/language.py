"""The page's language switch: "Français / English", two buttons, no reload.

The switch is one small widget (anywidget, as the checklist is). Pressing a button sets its
``lang``; the dashboard listens and puts every word in that language in place, so the
patient's factors stay as they are. The page itself follows: ``<html lang>`` (what a screen
reader reads the page as) and the address's ``?lang=`` (so a reload or a shared link keeps the
language) change with it.
"""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

from ..core.i18n import LANGUAGE_NAMES, LANGUAGES, check_lang, translator
from ..teaching.page_words import page_words

__all__ = ["LanguageSwitch"]

_ESM = """
function render({ model, el }) {
  const group = document.createElement("div");
  group.setAttribute("role", "group");
  group.className = "aml-language-switch";
  const buttons = [];
  for (const [code, name] of model.get("choices")) {
    const button = document.createElement("button");
    button.type = "button";
    button.lang = code;
    button.dataset.lang = code;
    button.textContent = name;
    button.addEventListener("click", () => {
      if (model.get("lang") !== code) { model.set("lang", code); model.save_changes(); }
    });
    buttons.push(button);
    group.appendChild(button);
    if (buttons.length < model.get("choices").length) {
      const bar = document.createElement("span");
      bar.setAttribute("aria-hidden", "true");
      bar.textContent = " / ";
      group.appendChild(bar);
    }
  }
  el.appendChild(group);
  function show() {
    const lang = model.get("lang");
    group.setAttribute("aria-label", model.get("label"));
    for (const button of buttons) {
      button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
    }
    document.documentElement.lang = lang;
    window.amlPageWords = model.get("page_words");
  }
  // a change of language is kept in the address, so a reload or a shared link keeps it
  function remember() {
    const url = new URL(window.location.href);
    if (url.searchParams.get("lang") !== model.get("lang")) {
      url.searchParams.set("lang", model.get("lang"));
      window.history.replaceState(window.history.state, "", url);
    }
  }
  model.on("change:lang", () => { show(); remember(); });
  model.on("change:label", show);
  model.on("change:page_words", show);
  show();
}
// the address asks for a language (?lang=fr): the page's kernel is told once, as soon as the
// switch's model exists (before any view is drawn), so the page is redrawn in it early
function initialize({ model }) {
  const asked = new URL(window.location.href).searchParams.get("lang");
  const known = model.get("choices").map(([code]) => code);
  if (asked && known.includes(asked) && asked !== model.get("lang")) {
    model.set("lang", asked);
    model.save_changes();
  }
}
export default { initialize, render };
"""

_CSS = """
.aml-language-switch { display: flex; align-items: center; gap: 0.2em; margin: 0.3em 0; }
.aml-language-switch button { font: inherit; min-height: 2.2em; min-width: 2.2em;
  padding: 0.2em 0.7em; border: 1px solid #0b5cad; border-radius: 4px; background: #fff;
  color: #0b5cad; cursor: pointer; }
.aml-language-switch button[aria-pressed="true"] { background: #0b5cad; color: #fff;
  font-weight: 600; }
"""


class LanguageSwitch(anywidget.AnyWidget):
    """Buttons for each language the module speaks; ``lang`` is the one pressed."""

    _esm = _ESM
    _css = _CSS
    lang = traitlets.Unicode("en").tag(sync=True)
    choices = traitlets.List([[code, LANGUAGE_NAMES[code]] for code in reversed(LANGUAGES)]
                             ).tag(sync=True)
    label = traitlets.Unicode("Language").tag(sync=True)
    page_words = traitlets.Dict().tag(sync=True)

    def __init__(self, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(lang=check_lang(lang), label=_language_word(lang),
                         page_words=_page_words(lang), **kwargs)

    @traitlets.validate("lang")
    def _known(self, proposal: dict[str, Any]) -> str:
        """A browser may send anything: only a language the module speaks is taken."""
        try:
            return check_lang(proposal["value"])
        except ValueError as error:
            raise traitlets.TraitError(str(error)) from None

    @traitlets.observe("lang")
    def _relabel(self, change: dict[str, Any]) -> None:
        self.label = _language_word(change["new"])
        self.page_words = _page_words(change["new"])

    def __repr__(self) -> str:
        return "<LanguageSwitch: aml-teach widget>"


def _language_word(lang: str) -> str:
    """What the switch is called (screen readers say it), in ``lang``."""
    _ = translator(lang)
    return _("Language")


def _page_words(lang: str) -> dict[str, str]:
    """What the class page's own script says when its session ends (the Voila template reads
    them from the switch)."""
    return page_words(lang)
