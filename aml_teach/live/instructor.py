"""The instructor view of live class mode: one page, plain HTML and a little script.

It is served by :class:`aml_teach.live.room.InstructorPageHandler` to the instructor's own
browser only. The script long-polls the room's state and draws the tally as labelled
bars (counts written as numbers, one colour, so it reads without colour vision); actions
are POSTs carrying tornado's XSRF token.
"""

from __future__ import annotations

from html import escape

from ..core.knowledge import MARKERS
from .room import LiveClass, case_label

SCRIPT = r"""
// the key that opened this view leaves the address bar (and the history) at once
if (location.search) history.replaceState(null, "", location.pathname);
const xsrf = document.body.dataset.xsrf;
let version = 0;
// after Ask or Reveal, the next drawing scrolls the question's buttons to the top, so a
// 768-px-high projector shows the question and every count without anyone scrolling
let bringQuestionUp = false;
const $ = (id) => document.getElementById(id);
function say(text) { $("message").textContent = text; }
async function act(action) {
  const response = await fetch("/aml-live/instructor/action", {method: "POST",
    headers: {"Content-Type": "application/json", "X-XSRFToken": xsrf},
    credentials: "same-origin", body: JSON.stringify(action)});
  const reply = await response.json().catch(() => ({}));
  if (!response.ok) { say("Not done: " + (reply.reason || response.status)); }
  return response.ok;
}
function text(tag, content, cls) {
  const node = document.createElement(tag); node.textContent = content;
  if (cls) node.className = cls; return node;
}
function draw(state) {
  const c = state.case;
  const sent = c && c.case ? c.notice.replace("Your instructor loaded ", "Sent: ")
    : "Sent: patient factors set by hand.";
  $("current-case").textContent = c ? sent : "No case sent yet.";
  const q = state.question;
  const box = $("live-question");
  box.hidden = !q;
  if (!q) return;
  $("question-prompt").textContent = q.id + ": " + q.prompt;
  $("question-state").textContent = q.revealed ? "Revealed on every page."
    : (q.open ? "Open: pages can answer and change their answer." : "Closed: answers are final.");
  $("answered").textContent = q.answered + (q.answered === 1 ? " page" : " pages") + " answered";
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
      const response = await fetch("/aml-live/instructor/state?since=" + version,
        {credentials: "same-origin", cache: "no-store"});
      if (response.status === 403) { say("This view has expired: open the link again."); return; }
      const state = await response.json();
      version = state.version; draw(state);
    } catch (error) { await new Promise((r) => setTimeout(r, 2000)); }
  }
}
$("push-case").onclick = async () => {
  if (await act({action: "push_case", case: $("case").value})) say("Case sent to every page.");
};
$("push-factors").onclick = async () => {
  const markers = [...document.querySelectorAll("input[name=marker]:checked")].map((m) => m.value);
  const refractory = $("f-disease").value === "refractory";
  const factors = {age: Number($("f-age").value), fit_for_intensive: $("f-fit").checked,
    disease: $("f-disease").value,
    remission_months: refractory ? null : Number($("f-remission").value),
    cns: $("f-cns").checked, matched_donor: $("f-donor").checked, markers: markers};
  if (await act({action: "push_factors", factors: factors})) say("Factors sent to every page.");
};
$("ask").onclick = async () => {
  bringQuestionUp = true;
  if (await act({action: "ask", question: $("question").value})) say("Question asked.");
  else bringQuestionUp = false;
};
$("close").onclick = async () => { if (await act({action: "close"})) say("Question closed."); };
$("reveal").onclick = async () => {
  bringQuestionUp = true;
  if (await act({action: "reveal"})) say("Answer revealed.");
  else bringQuestionUp = false;
};
$("clear").onclick = async () => {
  if (await act({action: "clear"})) say("Question taken off the pages; its answers are gone.");
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
#message { font-weight: bold; min-height: 1.4em; margin: 0.2em 0; }
@media (max-width: 40em) {
  #tally .row { grid-template-columns: minmax(0, 1fr) auto; gap: 0.2em 0.6em; }
  #tally .label { grid-column: 1 / -1; }
}
"""

# what the instructor's door shows anyone else (both engines)
NOT_INSTRUCTOR = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>'
    "Instructor view</title></head><body><main><h1>Instructor view</h1>"
    '<p role="alert">This page opens only on the instructor\'s computer, from the '
    "link the class server wrote there when it started.</p></main></body></html>"
)


def instructor_html(live: LiveClass, xsrf: str) -> str:
    """The instructor view, with this start's cases and questions in its pickers."""
    kb = live.kb
    cases = "".join(
        f'<option value="{escape(row["case"])}">{escape(case_label(row["case"]))}: '
        f"{escape(row['title'])}</option>"
        for row in kb.rows["cases"]
    )
    questions = "".join(
        f'<option value="{escape(q.id)}">{escape(q.id)}'
        f"{' (' + escape(case_label(q.case)) + ')' if q.case else ''}: {escape(q.prompt)}</option>"
        for q in live.questions.values()
    )
    markers = "".join(
        f'<label><input type="checkbox" name="marker" value="{escape(m)}"> {escape(m)}</label> '
        for m in MARKERS
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Instructor view: live class</title><style>{STYLE}</style></head>"
        f'<body data-xsrf="{escape(xsrf)}"><main>'
        "<h1>Instructor view: live class</h1>"
        "<p>What you send here appears at once on every student's page. The tally is "
        "anonymous and kept in memory only: it is gone when you ask a new question or stop "
        "the server. Keep this page off the projector until you reveal.</p>"
        '<p id="message" role="status" aria-live="polite"></p>'
        "<fieldset><legend>Case</legend>"
        f'<label for="case">Teaching case</label> <select id="case">{cases}</select> '
        '<button id="push-case" type="button">Send case to the class</button>'
        '<p id="current-case">No case sent yet.</p>'
        "<details><summary>Or set the factors by hand</summary>"
        '<p><label>Age (years) <input id="f-age" type="number" min="18" max="110" value="60">'
        '</label> <label><input id="f-fit" type="checkbox" checked> Fit for intensive '
        'chemotherapy</label></p><p><label>Disease <select id="f-disease">'
        '<option value="relapsed">Relapsed</option><option value="refractory">Refractory'
        '</option></select></label> <label>Remission lasted (months) <input id="f-remission" '
        'type="number" min="0" step="1" value="12"></label></p>'
        f"<p>Markers: {markers}</p>"
        '<p><label><input id="f-cns" type="checkbox"> Leukemia in the CNS</label> '
        '<label><input id="f-donor" type="checkbox"> Matched donor available</label></p>'
        '<button id="push-factors" type="button">Send these factors</button></details>'
        "</fieldset>"
        "<fieldset><legend>Question</legend>"
        f'<label for="question">Question</label> <select id="question">{questions}</select> '
        '<p id="question-actions"><button id="ask" type="button">Ask the class</button>'
        '<button id="close" type="button">Close answers</button>'
        '<button id="reveal" type="button">Reveal the answer</button>'
        '<button id="clear" type="button">Take the question off the pages</button></p>'
        '<section id="live-question" hidden aria-label="Live tally">'
        '<h2 id="question-prompt"></h2><p id="question-state"></p>'
        '<p id="answered" aria-live="polite"></p><div id="tally"></div></section>'
        "</fieldset>"
        f"</main><script>{SCRIPT}</script></body></html>"
    )
