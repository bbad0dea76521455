"""A learner's page in live class mode: follows the instructor, sends this page's answer.

The kernel behind each page (started by the class server, which hands it the address of the
room's state and a kernel secret in its environment; see :mod:`aml_teach.live.room`) long-polls
the server for changes. A pushed case loads into the page's factor panel with a plain
notice, after which the learner changes factors as before; an asked question shows its
choices, and the learner's pick is posted as this page's one answer, under a random name
the page makes up (never the kernel id). Nothing here runs unless the class server started
the kernel, so notebooks in JupyterLab are unchanged.

The room sends ids (which case, which question, which choice under which letter); the box
words them in its page's language (``lang``; :meth:`LivePanel.set_language` when the page's
switch changes it), so one push reaches an English and a French page alike, and both answer
the same tally.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..app.factor_panel import FactorPanel
from ..app.guard import guard
from ..app.look import Look, ShortRepr, instructor_log
from ..core.i18n import DEFAULT_LANGUAGE, N_, check_lang, translator
from ..core.knowledge import KnowledgeBase, load_knowledge_base
from .room import KERNEL_HEADER, SECRET_ENV, URL_ENV, case_notice, question_in

NO_ANSWER = N_("the class server did not answer; choose again")
RIGHT_MARK = "✔"
WRONG_MARK = "✘"
RETRY_S = 2.0
POLL_TIMEOUT_S = 60.0


def _note(text: str, lang: str) -> str:
    _ = translator(lang)
    label = escape(_("Live class:"))
    return f'<div role="status"><strong>{label}</strong> {text}</div>'


LIVE_CSS = """
<style>
.aml-live { border: 2px solid #0b5cad; border-left-width: 6px; padding: 0.3em 0.8em;
  margin: 0.4em 0 0.6em; background: #f3f8fd; }
.aml-live ul.aml-live-choices, .v-application .aml-app .aml-live ul.aml-live-choices {
  list-style: none; padding-left: 0; }
.aml-live-choices li { margin: 0.3em 0; }
.aml-live-right .aml-live-line { font-weight: bold; }
</style>
"""


class LivePanel(ShortRepr, widgets.VBox):
    """The live class box at the top of a learner's page (hidden until the instructor acts)."""

    def __init__(
        self, factors: FactorPanel, look: Look, url: str, secret: str, lang: str | None = None
    ) -> None:
        # the page's language: given, else its factor panel's (the dashboard's), else English
        self.lang = check_lang(lang or getattr(factors, "lang", DEFAULT_LANGUAGE))
        _ = translator(self.lang)
        self.factors = factors
        # the English tables (the room's ids key them); each language's words come from them
        self.kb: KnowledgeBase = load_knowledge_base(factors.kb.directory)
        self.case: dict[str, Any] | None = None  # the room's pushed case (ids), as last seen
        self.case_loaded = True
        self.url = url.rstrip("/")
        self.secret = secret
        self.page = secrets.token_hex(12)  # this page's anonymous name in the tally
        self.case_seq: int | None = None
        self.question: dict[str, Any] | None = None  # the room's question (ids), as last seen
        self.refused: str | None = None
        self.chosen: int | None = None
        self._applying = False
        self._logged = False
        self._sending = asyncio.Lock()
        self._sent: tuple[int, int] | None = None
        self.notice = look.html_widget(css_class="aml-live-notice")
        self.prompt = look.html_widget(css_class="aml-live-question")
        self.choice = widgets.RadioButtons(
            options=[],
            value=None,
            description=_("Your answer"),
            style=look.label,
            layout=widgets.Layout(width="auto", max_width="100%"),
        )
        self.choice.add_class("aml-live-choice")
        guard(self.choice)
        self.choice.observe(self._picked, names="value")
        self.status = look.html_widget(css_class="aml-live-status")
        self.reveal = look.html_widget(css_class="aml-live-reveal")
        self.asking = widgets.VBox(
            [self.prompt, self.choice, self.status, self.reveal],
            layout=widgets.Layout(display="none"),
        )
        super().__init__(
            [look.html_widget(LIVE_CSS), self.notice, self.asking],
            layout=widgets.Layout(display="none"),
        )
        self.add_class("aml-live")
        self.task: asyncio.Task | None = None

    # --- the channel ------------------------------------------------------------------

    def start(self) -> None:
        """Follow the room from the kernel's event loop (runs between widget messages)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self.task = loop.create_task(self.follow())

    async def _fetch(self, path: str, body: dict | None = None, timeout: float = 30) -> Any:
        from tornado.httpclient import AsyncHTTPClient, HTTPClientError

        try:
            response = await AsyncHTTPClient().fetch(
                f"{self.url}/{path}",
                method="POST" if body is not None else "GET",
                body=json.dumps(body) if body is not None else None,
                headers={KERNEL_HEADER: self.secret, "Content-Type": "application/json"},
                request_timeout=timeout,
            )
        except HTTPClientError as error:
            if error.response is None:
                raise
            response = error.response
        return response.code, json.loads(response.body or b"null")

    async def follow(self) -> None:
        since = 0
        while True:
            try:
                code, state = await self._fetch(f"state?since={since}", timeout=POLL_TIMEOUT_S)
                if code != 200 or not isinstance(state, dict):
                    raise RuntimeError(f"the class server answered {code}")
                since = int(state.get("version", 0))
                self.apply(state)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - keep following; tell the instructor once
                if not self._logged:
                    self._logged = True
                    instructor_log().warning(
                        "a page could not reach the live class state (%s); it keeps trying",
                        type(error).__name__,
                    )
                await asyncio.sleep(RETRY_S)

    # --- what the page shows ----------------------------------------------------------

    def apply(self, state: dict[str, Any]) -> None:
        """Bring the page in step with the room's state (a case is loaded once per push)."""
        case = state.get("case")
        if case and case.get("seq") != self.case_seq:
            self.case_seq = case.get("seq")
            self.case = case
            self._load(case)
        self._show_question(state.get("question"))
        shown = bool(case) or state.get("question") is not None
        self.layout.display = "" if shown else "none"

    def set_language(self, lang: str) -> None:
        """Word the box in ``lang`` from now on (the page's language switch): the same case,
        question and pick, nothing sent to the room."""
        self.lang = check_lang(lang)
        self.choice.description = translator(self.lang)("Your answer")
        if self.case is not None:
            self._show_notice()
        if self.question is not None:
            self._show_question(self.question, relabel=True)

    def _load(self, case: dict[str, Any]) -> None:
        try:
            if case.get("case"):
                self.factors.load_case(case["case"])
            else:
                set_factors(self.factors, case.get("factors") or {}, self.lang)
            self.case_loaded = True
        except Exception as error:  # noqa: BLE001 - a learner's page never shows a traceback
            instructor_log().error("loading a pushed case failed (%s)", type(error).__name__)
            self.case_loaded = False
        self._show_notice()

    def _show_notice(self) -> None:
        _ = translator(self.lang)
        if self.case is None:
            return
        if not self.case_loaded:
            self.notice.value = _note(
                escape(_("Your instructor sent a case this page could not load.")), self.lang
            )
            return
        try:
            text = case_notice(self.case, self.kb, self.lang)
        except Exception as error:  # noqa: BLE001 - an unknown id: say so plainly
            instructor_log().error("wording a pushed case failed (%s)", type(error).__name__)
            text = _("Your instructor loaded a case.")
        more = _("You can change the factors on your page as before.")
        self.notice.value = _note(f"{escape(text)} {escape(more)}", self.lang)

    def _show_question(self, question: dict[str, Any] | None, relabel: bool = False) -> None:
        if question is None:
            self.question = None
            self.asking.layout.display = "none"
            return
        _ = translator(self.lang)
        new = self.question is None or self.question.get("seq") != question.get("seq")
        self.question = question
        if not relabel:
            self.refused = None  # a new state replaces the last refusal, as it always has
        self.asking.layout.display = ""
        words = question_in(question, self.kb, self.lang)
        self._applying = True
        try:
            if new or relabel:
                value = None if new else self.choice.value
                if new:
                    self.chosen = None
                heading = escape(_("Question from your instructor"))
                self.prompt.value = f"<h3>{heading}</h3><p>{escape(words['prompt'])}</p>"
                self.choice.options = [
                    (f"{c['letter']}. {c['text']}", i) for i, c in enumerate(words["choices"])
                ]
                self.choice.value = value
            self.choice.disabled = not question["open"]
        finally:
            self._applying = False
        self._show_status()
        self.reveal.value = (
            reveal_html(words, self.chosen, self.lang) if question["revealed"] else ""
        )

    def _show_status(self, refused: str | None = None) -> None:
        question = self.question
        if question is None:
            return
        if refused is not None:
            self.refused = refused
        _ = translator(self.lang)
        letter = question["choices"][self.chosen]["letter"] if self.chosen is not None else None
        if self.refused is not None:
            reason = _(self.refused) if self.refused else _("the class server refused it")
            text = escape(_("Your answer was not counted: {reason}.", reason=reason))
        elif question["open"] and letter:
            text = _(
                "Your answer: <strong>{letter}</strong>. It counts anonymously; you can change "
                "it until your instructor closes the question.", letter=escape(letter))
        elif question["open"]:
            text = escape(_(
                "Choose one answer. It counts anonymously; you can change it until your "
                "instructor closes the question."))
        elif letter:
            text = _("Your answer: <strong>{letter}</strong>. The question is closed.",
                     letter=escape(letter))
        else:
            text = escape(_("The question is closed."))
        self.status.value = f'<p class="aml-detail" role="status">{text}</p>'

    def _picked(self, change: dict[str, Any]) -> None:
        if self._applying or change["new"] is None or self.question is None:
            return
        asyncio.ensure_future(self._post_answer(self.question["seq"]))

    async def _post_answer(self, seq: int) -> None:
        """Post the radio's latest value; one post at a time, so the last pick wins."""
        async with self._sending:
            choice = self.choice.value
            if choice is None or (seq, choice) == self._sent:
                return
            await self._post_choice(seq, choice)

    async def _post_choice(self, seq: int, choice: int) -> None:
        try:
            code, reply = await self._fetch(
                "answer",
                {"page": self.page, "question": seq, "choice": choice, "kernel": kernel_id()},
            )
        except Exception as error:  # noqa: BLE001
            instructor_log().warning(
                "a page's answer did not reach the server (%s)", type(error).__name__
            )
            self._show_status(NO_ANSWER)
            return
        self._answered(seq, choice, code, reply)

    def _answered(self, seq: int, choice: int, code: int, reply: Any) -> None:
        """Show whether the room counted this page's pick."""
        if self.question is None or self.question.get("seq") != seq:
            return
        if code == 200:
            self._sent = (seq, choice)
            self.chosen = choice
            self.refused = None
            self._show_status()
        else:
            self._show_status(str(reply.get("reason", "")) if isinstance(reply, dict) else "")


def kernel_id() -> str:
    """This kernel's id (its connection file is ``kernel-<id>.json``): the server maps it to
    the page's device, so that one device's answers never outnumber its page cap."""
    try:
        from ipykernel.connect import get_connection_file

        name = Path(get_connection_file()).stem
    except Exception:  # noqa: BLE001 - not in a kernel: no device to name
        return ""
    return name.removeprefix("kernel-")


def reveal_html(question: dict[str, Any], chosen: int | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """The right answer and every choice's explanation, with the room's counts (``question``
    worded by :func:`aml_teach.live.room.question_in`)."""
    _ = translator(lang)
    tally = question.get("tally") or [0] * len(question["choices"])
    right = next(c for c in question["choices"] if c.get("correct"))
    items = []
    for i, choice in enumerate(question["choices"]):
        mark = RIGHT_MARK if choice.get("correct") else WRONG_MARK
        fields = {"letter": choice["letter"], "text": escape(choice["text"]), "n": tally[i]}
        if choice.get("correct"):
            line = (_("Right: {letter}. {text} (your answer; {n} of the room).", **fields)
                    if i == chosen else _("Right: {letter}. {text} ({n} of the room).", **fields))
        else:
            line = (_("Not right: {letter}. {text} (your answer; {n} of the room).", **fields)
                    if i == chosen
                    else _("Not right: {letter}. {text} ({n} of the room).", **fields))
        css = ' class="aml-live-right"' if choice.get("correct") else ""
        items.append(
            f'<li{css}><span class="aml-live-line"><span aria-hidden="true">{mark} </span>'
            f"{line}</span> "
            f"<em>{escape(choice.get('explanation', ''))}</em></li>"
        )
    answer = _("The right answer is {letter}: {text}.", letter=right["letter"],
               text=escape(right["text"]))
    return (
        f'<p class="aml-live-answer"><strong>{answer}</strong></p>'
        f'<ul class="aml-live-choices">{"".join(items)}</ul>'
    )


def set_factors(panel: FactorPanel, factors: dict[str, Any], lang: str = DEFAULT_LANGUAGE) -> None:
    """Set the panel's widgets from hand-set factors (checked by the server as a Patient)."""
    with panel.hold():
        panel._holding += 1  # the picker must not re-trigger a load
        try:
            panel.case.value = ""
        finally:
            panel._holding -= 1
        panel._loaded_case = None
        if "age" in factors:
            panel.age.value = int(factors["age"])
        if "fit_for_intensive" in factors:
            panel.fit.value = bool(factors["fit_for_intensive"])
        if "disease" in factors:
            panel.disease.value = str(factors["disease"])
        if factors.get("remission_months") is not None:
            panel.remission.value = float(factors["remission_months"])
        if "cns" in factors:
            panel.cns.value = bool(factors["cns"])
        if "markers" in factors:
            for marker, box in panel.markers.items():
                box.value = marker in factors["markers"]
        if "matched_donor" in factors:
            panel.donor.value = bool(factors["matched_donor"])
        if "prior_transplant" in factors:
            panel.prior_transplant.value = factors["prior_transplant"] or False
        if "white_cell_count" in factors:
            count = factors["white_cell_count"]
            panel.white_count.value = "" if count is None else f"{float(count):g}"
        if "prior_treatments" in factors:
            panel.prior.value = tuple(factors["prior_treatments"])
        panel._dirty = True
    words = escape(translator(lang)("Patient factors set by your instructor."))
    panel.story.value = f"<strong>{words}</strong>"


def live_panel(factors: FactorPanel, look: Look, lang: str | None = None) -> LivePanel | None:
    """The live class box, when a Voila class server started this kernel; else None.

    Two channels to the room: the Voila class server's kernels talk to it over HTTP (this
    module, and :mod:`aml_teach.live.voila_channel` on the server); the Solara engine's pages
    share its process and call it directly (:mod:`aml_teach.live.solara_channel`).
    :func:`aml_teach.classroom.page.live_box` picks the one that applies.
    """
    url, secret = os.environ.get(URL_ENV), os.environ.get(SECRET_ENV)
    if not url or not secret:
        return None
    panel = LivePanel(factors, look, url, secret, lang)
    panel.start()
    return panel
