"""The instructor view of live class mode: one page, plain HTML and a little script.

It is served by each engine's channel to the instructor's own browser only, in the class's
language or the one its switch (``?lang=``) asks for. The script long-polls the room's state
(worded by the server in the view's language) and draws the tally as labelled bars (counts
written as numbers, one colour, so it reads without colour vision); actions
are POSTs carrying tornado's XSRF token.
"""

from __future__ import annotations

import json
from html import escape

from ..core.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, N_, check_lang, translator
from ..core.knowledge import MARKERS
from .room import LiveClass, case_label, case_title, live_questions, question_heading

SCRIPT = r"""
// the key that opened this view leaves the address bar (and the history) at once; a chosen
// language stays in it
const lang = document.documentElement.lang;
if (location.search) {
  const asked = new URLSearchParams(location.search).get("lang");
  history.replaceState(null, "", location.pathname + (asked ? "?lang=" + asked : ""));
}
const xsrf = document.body.dataset.xsrf;
const words = JSON.parse(document.body.dataset.words);
let version = 0;
// after Ask or Reveal, the next drawing scrolls the question's buttons to the top, so a
// 768-px-high projector shows the question and every count without anyone scrolling
let bringQuestionUp = false;
const $ = (id) => document.getElementById(id);
function say(text) { $("message").textContent = text; }
async function act(action) {
  const response = await fetch("/aml-live/instructor/action?lang=" + lang, {method: "POST",
    headers: {"Content-Type": "application/json", "X-XSRFToken": xsrf},
    credentials: "same-origin", body: JSON.stringify(action)});
  const reply = await response.json().catch(() => ({}));
  if (!response.ok) { say(words.not_done + " " + (reply.reason || response.status)); }
  return response.ok;
}
function text(tag, content, cls) {
  const node = document.createElement(tag); node.textContent = content;
  if (cls) node.className = cls; return node;
}
function draw(state) {
  $("current-case").textContent = state.sent;
  const q = state.question;
  const box = $("live-question");
  box.hidden = !q;
  if (!q) return;
  $("question-prompt").textContent = q.heading;
  $("question-state").textContent = q.state;
  $("answered").textContent = q.answered_text;
  const most = Math.max(1, ...q.tally);
  const chart = $("tally"); chart.replaceChildren();
  q.choices.forEach((choice, i) => {
    const row = document.createElement("div"); row.className = "row";
    row.dataset.letter = choice.letter;
    const mark = q.revealed ? (choice.correct ? "\u2714 " : "\u2718 ") : "";
    row.append(text("span", mark + choice.letter + ". " + choice.text, "label"));
    const bar = document.createElement("span"); bar.className = "bar";
    bar.style.width = (100 * q.tally[i] / most) + "%";
    bar.setAttribute("aria-hidden", "true");
    const track = document.createElement("span"); track.className = "track"; track.append(bar);
    row.append(track, text("span", String(q.tally[i]), "count"));
    chart.append(row);
  });
  if (bringQuestionUp) {
    bringQuestionUp = false;
    $("question-actions").scrollIntoView({block: "start"});
  }
}
async function follow() {
  for (;;) {
    try {
      const response = await fetch("/aml-live/instructor/state?lang=" + lang + "&since=" + version,
        {credentials: "same-origin", cache: "no-store"});
      if (response.status === 403) { say(words.expired); return; }
      const state = await response.json();
      version = state.version; draw(state);
    } catch (error) { await new Promise((r) => setTimeout(r, 2000)); }
  }
}
$("push-case").onclick = async () => {
  if (await act({action: "push_case", case: $("case").value})) say(words.case_sent);
};
$("push-factors").onclick = async () => {
  const markers = [...document.querySelectorAll("input[name=marker]:checked")].map((m) => m.value);
  const refractory = $("f-disease").value === "refractory";
  const factors = {age: Number($("f-age").value), fit_for_intensive: $("f-fit").checked,
    disease: $("f-disease").value,
    remission_months: refractory ? null : Number($("f-remission").value),
    cns: $("f-cns").checked, matched_donor: $("f-donor").checked, markers: markers};
  if (await act({action: "push_factors", factors: factors})) say(words.factors_sent);
};
$("ask").onclick = async () => {
  bringQuestionUp = true;
  if (await act({action: "ask", question: $("question").value})) say(words.asked);
  else bringQuestionUp = false;
};
$("close").onclick = async () => { if (await act({action: "close"})) say(words.closed); };
$("reveal").onclick = async () => {
  bringQuestionUp = true;
  if (await act({action: "reveal"})) say(words.revealed);
  else bringQuestionUp = false;
};
$("clear").onclick = async () => {
  if (await act({action: "clear"})) say(words.cleared);
};
follow();
"""

STYLE = """
html { font-size: clamp(17px, 0.9rem + 0.55vw, 24px); }
*, *::before, *::after { box-sizing: border-box; }
body { font-family: sans-serif; max-width: 72em; margin: 0 auto; padding: 0.5em 1em;
  line-height: 1.4; color: #111; background: #fff; overflow-wrap: anywhere; }
h1 { font-size: 1.5em; margin: 0.3em 0; }
fieldset { border: 2px solid #555; margin: 0.6em 0; padding: 0.4em 0.8em; min-width: 0; }
legend { font-weight: bold; }
button { font-size: 1em; padding: 0.3em 0.8em; margin: 0.2em 0.3em 0.2em 0; }
select { display: block; width: 100%; max-width: 100%; font-size: 1em; margin: 0.2em 0; }
input { font-size: 1em; }
#question-prompt { font-size: 1.35em; margin: 0.4em 0 0.2em; }
#question-state, #answered { margin: 0.2em 0; font-weight: bold; }
#tally .row { display: grid; grid-template-columns: minmax(0, 3fr) minmax(3em, 2fr) auto;
  gap: 0.6em; align-items: center; margin: 0.4em 0; font-size: 1.15em; }
#tally .label { min-width: 0; }
#tally .track { background: #e6e6e6; border: 2px solid #333; height: 1.5em; }
#tally .bar { display: block; height: 100%; background: #0b4f94; }
#tally .count { font-weight: bold; font-size: 1.6em; min-width: 2ch; text-align: right;
  color: #000; }
p { margin: 0.4em 0; }
#language a { display: inline-block; padding: 0.3em 0.4em; min-height: 2.2em; }
#language a[aria-current] { font-weight: bold; color: inherit; text-decoration: none; }
#message { font-weight: bold; min-height: 1.4em; margin: 0.2em 0; }
@media (max-width: 40em) {
  #tally .row { grid-template-columns: minmax(0, 1fr) auto; gap: 0.2em 0.6em; }
  #tally .label { grid-column: 1 / -1; }
}
"""

# what the instructor's door shows anyone else (both engines)
def not_instructor(lang: str = DEFAULT_LANGUAGE) -> str:
    """The instructor's door to anyone else: a plain page in the class's language."""
    _ = translator(lang)
    title = escape(_("Instructor view"))
    why = escape(_("This page opens only on the instructor's computer, from the link the "
                   "class server wrote there when it started."))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}'
        f'</title></head><body><main><h1>{title}</h1><p role="alert">{why}</p></main>'
        "</body></html>"
    )


NOT_INSTRUCTOR = not_instructor()


def script_words(lang: str) -> dict[str, str]:
    """The view script's own words (the state's words come worded from the server)."""
    _ = translator(lang)
    return {
        "not_done": _("Not done:"),
        "expired": _("This view has expired: open the link again."),
        "case_sent": _("Case sent to every page."),
        "factors_sent": _("Factors sent to every page."),
        "asked": _("Question asked."),
        "closed": _("Question closed."),
        "revealed": _("Answer revealed."),
        "cleared": _("Question taken off the pages; its answers are gone."),
    }


def language_switch(lang: str) -> str:
    """Links to the view in each language, each named in its own language."""
    _ = translator(lang)
    links = []
    for code in LANGUAGES:
        current = ' aria-current="page"' if code == lang else ""
        links.append(f'<a href="?lang={code}" lang="{code}" hreflang="{code}"{current}>'
                     f"{escape(LANGUAGE_NAMES[code])}</a>")
    name = escape(_("Language"))
    return f'<nav aria-label="{name}" id="language">{" · ".join(links)}</nav>'


def instructor_html(live: LiveClass, xsrf: str, lang: str | None = None) -> str:
    """The instructor view in ``lang`` (the room's language unless asked), with this start's
    cases and questions in its pickers."""
    lang = check_lang(lang or live.lang)
    kb = live.kb
    _ = translator(lang)
    cases = "".join(
        f'<option value="{escape(row["case"])}">'
        + escape(_("{case}: {title}", case=case_label(row["case"], lang),
                   title=case_title(kb, row["case"], lang)))
        + "</option>"
        for row in kb.rows["cases"]
    )
    questions = "".join(
        f'<option value="{escape(q.id)}">' + escape(question_heading(q, lang)) + "</option>"
        for q in live_questions(kb, lang).values()
    )
    markers = "".join(
        f'<label><input type="checkbox" name="marker" value="{escape(m)}"> {escape(m)}</label> '
        for m in MARKERS
    )
    words = escape(json.dumps(script_words(lang)))

    def _(text: str) -> str:  # the view's words, escaped for HTML
        return escape(translator(lang)(text))

    w = {
        "title": _("Instructor view: live class"), "intro": _(INTRO), "case": _("Case"),
        "teaching_case": _("Teaching case"), "send_case": _("Send case to the class"),
        "no_case": _("No case sent yet."), "by_hand": _("Or set the factors by hand"),
        "age": _("Age (years)"), "fit": _("Fit for intensive chemotherapy"),
        "disease": _("Disease"), "relapsed": _("Relapsed"), "refractory": _("Refractory"),
        "remission": _("Remission lasted (months)"), "markers": _("Markers:"),
        "cns": _("Leukemia in the CNS"), "donor": _("Matched donor available"),
        "send_factors": _("Send these factors"), "question": _("Question"),
        "ask": _("Ask the class"), "close": _("Close answers"),
        "reveal": _("Reveal the answer"), "clear": _("Take the question off the pages"),
        "tally": _("Live tally"),
    }
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{w['title']}</title><style>{STYLE}</style></head>"
        f'<body data-xsrf="{escape(xsrf)}" data-words="{words}"><main>'
        f"{language_switch(lang)}<h1>{w['title']}</h1>"
        f"<p>{w['intro']}</p>"
        '<p id="message" role="status" aria-live="polite"></p>'
        f"<fieldset><legend>{w['case']}</legend>"
        f'<label for="case">{w["teaching_case"]}</label> <select id="case">{cases}</select> '
        f'<button id="push-case" type="button">{w["send_case"]}</button>'
        f'<p id="current-case">{w["no_case"]}</p>'
        f"<details><summary>{w['by_hand']}</summary>"
        f'<p><label>{w["age"]} '
        '<input id="f-age" type="number" min="18" max="110" value="60">'
        f'</label> <label><input id="f-fit" type="checkbox" checked> {w["fit"]}</label></p>'
        f'<p><label>{w["disease"]} <select id="f-disease">'
        f'<option value="relapsed">{w["relapsed"]}</option>'
        f'<option value="refractory">{w["refractory"]}</option></select></label> '
        f'<label>{w["remission"]} <input id="f-remission" '
        'type="number" min="0" step="1" value="12"></label></p>'
        f"<p>{w['markers']} {markers}</p>"
        f'<p><label><input id="f-cns" type="checkbox"> {w["cns"]}</label> '
        f'<label><input id="f-donor" type="checkbox"> {w["donor"]}</label></p>'
        f'<button id="push-factors" type="button">{w["send_factors"]}</button></details>'
        "</fieldset>"
        f"<fieldset><legend>{w['question']}</legend>"
        f'<label for="question">{w["question"]}</label> '
        f'<select id="question">{questions}</select> '
        f'<p id="question-actions"><button id="ask" type="button">{w["ask"]}</button>'
        f'<button id="close" type="button">{w["close"]}</button>'
        f'<button id="reveal" type="button">{w["reveal"]}</button>'
        f'<button id="clear" type="button">{w["clear"]}</button></p>'
        f'<section id="live-question" hidden aria-label="{w["tally"]}">'
        '<h2 id="question-prompt"></h2><p id="question-state"></p>'
        '<p id="answered" aria-live="polite"></p><div id="tally"></div></section>'
        "</fieldset>"
        f"</main><script>{SCRIPT}</script></body></html>"
    )


INTRO = N_(
    "What you send here appears at once on every student's page. The tally is anonymous and "
    "kept in memory only: it is gone when you ask a new question or stop the server. Keep this "
    "page off the projector until you reveal."
)
