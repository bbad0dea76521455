"""Live class mode: the instructor runs a case and a question with the whole room.

The class server holds one :class:`LiveClass` in memory: the case last pushed, the open
question and its answers (one per page, keyed by a random number each page makes up: no
names, no kernel ids, no addresses). Nothing is written anywhere; a new question or a
server stop drops the answers. Two doors lead to it, each with its own per-start secret:

- the learners' kernels (``/aml-live/kernel/...``): only from this computer and only with
  the kernel secret, which the server hands its kernels in their environment (students'
  kernels run no code of theirs, so a student never learns it). A kernel long-polls for
  changes and posts its page's answer; a browser cannot reach this door at all, so a
  student takes part only through the widgets of their own page
  (:mod:`aml_teach.live.box`);
- the instructor (``/aml-live/instructor``): only from this computer, with a signed cookie
  that the one link in a file only the instructor can read sets. The class token does not
  open it. Its actions are POSTs with tornado's XSRF token.

The doors are each engine's channel (:mod:`aml_teach.live.voila_channel`,
:mod:`aml_teach.live.solara_channel`); see docs/live-class.md for the design and
docs/instructor-guide.md for its use.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import hmac
import os
import random
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import timedelta
from html import escape
from pathlib import Path
from typing import Any

from tornado.locks import Condition

from ..core.i18n import DEFAULT_LANGUAGE, N_, check_lang, translator
from ..core.knowledge import KnowledgeBase
from ..core.patient import Patient, PatientError
from ..core.translated_tables import english_rows, localized

URL_ENV = "AML_TEACH_LIVE_URL"
SECRET_ENV = "AML_TEACH_LIVE_SECRET"
PREFIX = "/aml-live"
KERNEL_HEADER = "X-AML-Live-Kernel"
INSTRUCTOR_COOKIE = "aml_live_instructor"
LETTERS = "ABCDEFGH"
LOOPBACK = frozenset({"127.0.0.1", "::1"})
WAIT_S = 20.0  # a long poll returns after this long even with nothing new
MAX_PAGES = 2000  # answers kept per question (a bound, far above any class)
MAX_BODY = 4096
# what every answer of the live doors carries, whichever engine serves them
DOOR_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
}
FACTOR_FIELDS = tuple(f.name for f in fields(Patient))  # what a pushed patient may hold


@dataclass(frozen=True)
class LiveQuestion:
    """A question as the room sees it, in one language: choices in the order quiz pages show
    them. ``numbers`` are the choices' ids (their ``choice_number`` in questions.csv), the same
    in every language, so pages in different languages answer one tally."""

    id: str
    case: str | None
    prompt: str
    choices: tuple[tuple[str, bool, str], ...]  # (text, correct, explanation)
    numbers: tuple[int, ...] = ()


def live_questions(kb: KnowledgeBase, lang: str = DEFAULT_LANGUAGE) -> dict[str, LiveQuestion]:
    """Every question of ``data/questions.csv`` with its words in ``lang``, shuffled as
    :mod:`aml_teach.teaching.quiz` does (the order depends on the question's id only, so it is
    the same in every language)."""
    return _live_questions(kb, check_lang(lang))


@functools.lru_cache(maxsize=8)
def _live_questions(kb: KnowledgeBase, lang: str) -> dict[str, LiveQuestion]:
    rows_in = english_rows(kb, "questions") if lang == DEFAULT_LANGUAGE else (
        localized(kb, lang).rows["questions"]
    )
    grouped: dict[str, list[Any]] = {}
    for row in rows_in:
        grouped.setdefault(row["question"], []).append(row)
    found = {}
    for question_id, rows in grouped.items():
        choices = [
            (r["choice"], bool(r["correct"]), r["explanation"], int(r["choice_number"]))
            for r in rows
        ]
        random.Random(question_id).shuffle(choices)  # the quiz's fixed order (quiz._shuffled)
        found[question_id] = LiveQuestion(
            question_id,
            rows[0]["case"] or None,
            rows[0]["prompt"],
            tuple((text, right, why) for text, right, why, _ in choices),
            tuple(number for *_, number in choices),
        )
    return found


def case_label(case_id: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """"Case 3" / "Cas 3" (an id that is not numbered stays as it is)."""
    _ = translator(lang)
    number = case_id.removeprefix("case-")
    return _("Case {number}", number=number) if number.isdigit() else case_id


def case_title(kb: KnowledgeBase, case_id: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A case's title in ``lang``."""
    rows = kb if check_lang(lang) == DEFAULT_LANGUAGE else localized(kb, lang)
    return str(rows.keyed("cases")[case_id]["title"])


def case_notice(case: dict[str, Any], kb: KnowledgeBase, lang: str = DEFAULT_LANGUAGE) -> str:
    """What a learner's page says about the room's pushed case, in the page's language."""
    _ = translator(lang)
    case_id = case.get("case")
    if case_id:
        return _("Your instructor loaded {case}: {title}.", case=case_label(case_id, lang),
                 title=case_title(kb, case_id, lang))
    return _("Your instructor set the patient factors.")


def question_in(question: dict[str, Any], kb: KnowledgeBase, lang: str) -> dict[str, Any]:
    """The room's question (ids, letters, flags) with its words in ``lang``: the prompt, each
    choice's text and, once they are shown, the explanations. Choices are found by their id,
    so every language shows the same choice under the same letter."""
    words = live_questions(kb, lang)[question["id"]]
    by_number = {
        number: (text, why)
        for number, (text, _, why) in zip(words.numbers, words.choices, strict=True)
    }
    choices = []
    for choice in question["choices"]:
        text, why = by_number[choice["number"]]
        choices.append({**choice, "text": text, **({"explanation": why} if "correct" in choice
                                                    else {})})
    return {**question, "prompt": words.prompt, "choices": choices}


def question_heading(question: LiveQuestion, lang: str = DEFAULT_LANGUAGE) -> str:
    """"q-3 (Case 3): prompt" as the instructor's picker and tally show it, in ``lang``."""
    _ = translator(lang)
    if question.case:
        return _("{question} ({case}): {prompt}", question=question.id,
                 case=case_label(question.case, lang), prompt=question.prompt)
    return _("{question}: {prompt}", question=question.id, prompt=question.prompt)


class LiveError(ValueError):
    """An instructor action that cannot be done (the message says why, in either language)."""

    def __init__(self, message: str, /, **fields: object) -> None:
        english = {k: str(v) for k, v in fields.items()}
        super().__init__(message.format(**english) if fields else message)
        self.message, self.fields = message, fields

    def translated(self, lang: str) -> str:
        """The message in ``lang`` (a field that can say itself in ``lang``, such as a
        :class:`PatientError`, does)."""
        fields = {k: v.text(lang) if isinstance(v, PatientError) else str(v)
                  for k, v in self.fields.items()}
        return translator(lang)(self.message, **fields)


# why an answer was not counted (the room says it in English; a page shows it in its language)
NO_LONGER_ASKED = N_("that question is no longer asked")
CLOSED = N_("the question is closed")
BAD_PAGE = N_("a page is named by a random number")
NOT_A_NUMBER = N_("a choice is a number")
NO_SUCH_CHOICE = N_("no such choice")
TOO_MANY = N_("too many pages")


class LiveClass:
    """The room's shared moment: the pushed case, the question, the anonymous tally."""

    def __init__(self, kb: KnowledgeBase, lang: str = DEFAULT_LANGUAGE) -> None:
        self.kb = kb
        self.lang = check_lang(lang)  # the instructor view's language unless it asks for one
        self.questions = live_questions(kb)
        self.version = 0
        self.case: dict[str, Any] | None = None
        self.question: LiveQuestion | None = None
        self.question_seq = 0
        self.open = False
        self.revealed = False
        self.answers: dict[str, int] = {}
        # page -> a keyed digest of its device (never the address): one device's counted
        # answers never exceed its page cap, whether its pages closed or not
        self.devices: dict[str, str] = {}
        self.device_of: Callable[[str], str | None] = lambda _kernel: None
        self.per_device = 0  # 0: no cap (set by the engine: its pages-per-device cap)
        self._device_key = secrets.token_bytes(32)
        self.last_answer = 0.0
        self.changed = Condition()
        # called after every change, on the server's event loop (the Solara engine's pages)
        self.listeners: list[Callable[[], None]] = []

    def _bump(self) -> None:
        self.version += 1
        self.changed.notify_all()
        for listener in list(self.listeners):
            listener()

    # --- the instructor's actions -------------------------------------------------

    def push_case(self, case_id: str) -> None:
        cases = self.kb.keyed("cases")
        if case_id not in cases:
            raise LiveError(N_("unknown case {case}; the cases are {cases}"),
                            case=f"{case_id!r:.40}", cases=", ".join(cases))
        # ids only: each page says it in its own language (case_notice)
        self.case = {"seq": self.version + 1, "case": case_id, "factors": None}
        self._bump()

    def push_factors(self, factors: dict[str, Any]) -> None:
        if not isinstance(factors, dict) or set(factors) - set(FACTOR_FIELDS):
            raise LiveError(N_("factors are a mapping of {fields}"),
                            fields=", ".join(FACTOR_FIELDS))
        try:
            Patient(**factors)  # the validating boundary: the same rules as the page's
        except (PatientError, TypeError) as error:
            raise LiveError(N_("those factors are not a valid patient: {error}"),
                            error=error) from None
        self.case = {"seq": self.version + 1, "case": None, "factors": factors}
        self._bump()

    def ask(self, question_id: str) -> None:
        if question_id not in self.questions:
            raise LiveError(N_("unknown question {question}"),
                            question=f"{question_id!r:.40}")
        self.question = self.questions[question_id]
        self.question_seq = self.version + 1
        self.open, self.revealed = True, False
        self.answers, self.devices = {}, {}  # a new question drops the last one's answers
        self._bump()

    def close(self) -> None:
        if self.question is None:
            raise LiveError(N_("no question has been asked"))
        self.open = False
        self._bump()

    def reveal(self) -> None:
        if self.question is None:
            raise LiveError(N_("no question has been asked"))
        self.open, self.revealed = False, True
        self._bump()

    def clear(self) -> None:
        """Take the question off the pages (and forget its answers)."""
        self.question, self.open, self.revealed, self.answers = None, False, False, {}
        self.devices = {}
        self._bump()

    def act(self, action: dict[str, Any]) -> None:
        """One instructor action from the instructor view's JSON."""
        kind = action.get("action") if isinstance(action, dict) else None
        if kind == "push_case":
            self.push_case(str(action.get("case", "")))
        elif kind == "push_factors":
            self.push_factors(action.get("factors"))  # type: ignore[arg-type]
        elif kind == "ask":
            self.ask(str(action.get("question", "")))
        elif kind == "close":
            self.close()
        elif kind == "reveal":
            self.reveal()
        elif kind == "clear":
            self.clear()
        else:
            raise LiveError(N_("unknown action"))

    # --- the pages' answers ---------------------------------------------------------

    def _device(self, kernel: Any) -> str | None:
        """A keyed digest of the device whose page ``kernel`` serves (None: no cap applies:
        unknown, or this computer, which the page caps exempt too)."""
        address = self.device_of(kernel) if isinstance(kernel, str) and kernel else None
        if not self.per_device or address is None or address in LOOPBACK:
            return None
        return hmac.new(self._device_key, address.encode(), hashlib.sha256).hexdigest()[:16]

    def _make_room(self, page: str, device: str) -> None:
        """Drop the device's oldest answers (pages it has closed or left) past its cap."""
        others = [p for p, d in self.devices.items() if d == device and p != page]
        for old in others[: max(len(others) - self.per_device + 1, 0)]:
            self.answers.pop(old, None)
            self.devices.pop(old, None)

    def answer(self, page: Any, seq: Any, choice: Any, kernel: Any = None) -> str | None:
        """Count one page's answer (replacing its earlier one); or say why it was not.

        ``kernel`` names the page's kernel (the server maps it to the page's device): a
        device's answers count for at most ``per_device`` of its pages, its latest ones."""
        if self.question is None or seq != self.question_seq:
            return NO_LONGER_ASKED
        if not self.open:
            return CLOSED
        if not isinstance(page, str) or not 8 <= len(page) <= 64 or not page.isalnum():
            return BAD_PAGE
        if not isinstance(choice, int) or isinstance(choice, bool):
            return NOT_A_NUMBER
        if not 0 <= choice < len(self.question.choices):
            return NO_SUCH_CHOICE
        if page not in self.answers and len(self.answers) >= MAX_PAGES:
            return TOO_MANY
        device = self._device(kernel)
        if device is not None:
            self._make_room(page, device)
            self.devices.pop(page, None)
            self.devices[page] = device  # the latest last
        self.answers[page] = choice
        self.last_answer = time.monotonic()
        self._bump()
        return None

    def tally(self) -> list[int]:
        counts = [0] * (len(self.question.choices) if self.question else 0)
        for choice in self.answers.values():
            counts[choice] += 1
        return counts

    # --- what each side sees ------------------------------------------------------

    def _question_view(self, everything: bool) -> dict[str, Any] | None:
        """The question as ids: which question, which choice under which letter, and (when
        shown) which is right and the tally; the words are added in each reader's language."""
        question = self.question
        if question is None:
            return None
        shown = everything or self.revealed
        return {
            "seq": self.question_seq,
            "id": question.id,
            "case": question.case,
            "choices": [
                {"letter": LETTERS[i], "number": number, **({"correct": right} if shown else {})}
                for i, (number, (_, right, _)) in enumerate(
                    zip(question.numbers, question.choices, strict=True)
                )
            ],
            "open": self.open,
            "revealed": self.revealed,
            **({"tally": self.tally(), "answered": len(self.answers)} if shown else {}),
        }

    def for_kernels(self) -> dict[str, Any]:
        """What every page may know, as ids (each page words it in its own language): no
        tally and no right answer before the reveal."""
        return {
            "version": self.version,
            "case": self.case,
            "question": self._question_view(everything=False),
        }

    def for_instructor(self, lang: str | None = None) -> dict[str, Any]:
        """Everything, with the tally, worded in the instructor view's language."""
        lang = check_lang(lang or self.lang)
        _ = translator(lang)
        question = self._question_view(everything=True)
        sent = None
        if self.case and self.case.get("case"):
            sent = _("Sent: {case}: {title}.", case=case_label(self.case["case"], lang),
                     title=case_title(self.kb, self.case["case"], lang))
        elif self.case:
            sent = _("Sent: patient factors set by hand.")
        if question is not None:
            question = question_in(question, self.kb, lang)
            words = live_questions(self.kb, lang)[question["id"]]
            question["heading"] = _("{question}: {prompt}", question=words.id,
                                    prompt=words.prompt)
            question["state"] = (
                _("Revealed on every page.") if self.revealed
                else _("Open: pages can answer and change their answer.") if self.open
                else _("Closed: answers are final.")
            )
            n = question["answered"]
            question["answered_text"] = _.plural("{n} page answered", "{n} pages answered", n)
        return {
            "version": self.version,
            "lang": lang,
            "case": self.case,
            "sent": sent or _("No case sent yet."),
            "question": question,
        }

    async def wait(self, since: int, seconds: float = WAIT_S) -> None:
        """Return when the version is past ``since`` (or after ``seconds``)."""
        if self.version <= since:
            await self.changed.wait(timeout=timedelta(seconds=seconds))


# --- the server side -------------------------------------------------------------------


@dataclass
class Secrets:
    """This start's two secrets (never printed) and the instructor's link file."""

    kernel: str
    instructor: str
    session: str
    link_file: Path | None = None


def make_secrets() -> Secrets:
    return Secrets(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_hex(16))


def write_link_file(keys: Secrets, port: int, lang: str = DEFAULT_LANGUAGE) -> Path:
    """The instructor's link, in a file only this user can read (never on the terminal), in
    the class's language."""
    _ = translator(lang)
    folder = Path(tempfile.mkdtemp(prefix="aml-teach-instructor-"))  # mode 0700
    atexit.register(shutil.rmtree, folder, True)  # the link dies with the server
    path = folder / "instructor.html"
    url = f"http://localhost:{port}{PREFIX}/instructor?key={keys.instructor}"
    if lang != DEFAULT_LANGUAGE:
        url += f"&lang={lang}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        title = escape(_("Instructor view"))
        link = _(
            '<a href="{url}">Open the instructor view</a> (this computer only; do not show '
            "this link on the projector).", url=escape(url))
        out.write(
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0; url={escape(url)}">'
            f"<title>{title}</title></head><body>"
            f"<p>{link}</p></body></html>"
        )
    keys.link_file = path
    return path


def kernel_environment(keys: Secrets, port: int) -> dict[str, str]:
    """What the server's kernels inherit: where the room's state is, and the kernel secret."""
    return {URL_ENV: f"http://127.0.0.1:{port}{PREFIX}/kernel", SECRET_ENV: keys.kernel}
