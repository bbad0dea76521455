"""Live class mode in the Solara engine: the room's state in shared memory.

The Solara engine serves every learner's page from one process, so the pages' live boxes
call the one :class:`~aml_teach.live.room.LiveClass` directly instead of over HTTP (there is no
kernel door at all here). The instructor's door is the same as in the Voila mode, served
by :class:`LiveRoom` in front of Solara (``classroom.solara_gate.ClassroomGate`` hands it every
``/aml-live/`` request before the class token is looked at): this computer only, with a
local Host name, a signed HttpOnly cookie that the link in the private file sets, and an
XSRF token (bound to that cookie) on every action. The class token opens none of it.

Threads: the room changes on the server's event loop (instructor actions; answers are
handed to it). After a change that pages see, each page's update runs in a worker thread
inside that page's virtual kernel context and under its lock, as Solara handles the page's
own messages, so widgets are never touched from two threads at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..app.factor_panel import FactorPanel
from ..app.look import Look, instructor_log
from ..core.i18n import DEFAULT_LANGUAGE, LanguageError, check_lang
from .box import NO_ANSWER, LivePanel
from .instructor import instructor_html, not_instructor
from .room import (
    DOOR_HEADERS,
    INSTRUCTOR_COOKIE,
    LOOPBACK,
    MAX_BODY,
    PREFIX,
    LiveClass,
    LiveError,
    Secrets,
)

ROOM: LiveRoom | None = None  # set by the Solara engine when it builds its app
COOKIE_DAYS = 1
ANSWER_TIMEOUT_S = 10.0
LOCAL_NAMES = {"localhost", "127.0.0.1", "[::1]"}
HEADERS = [(name.lower().encode(), value.encode()) for name, value in DOOR_HEADERS.items()]


class LiveRoom:
    """The class's :class:`LiveClass`, its pages in this process and the instructor's door."""

    def __init__(self, live: LiveClass, keys: Secrets) -> None:
        self.live = live
        self.keys = keys
        self.cookie_key = secrets.token_bytes(32)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.port = 0  # the server's port (set by the engine): Host is a local name and it
        self.panels: weakref.WeakSet[LocalLivePanel] = weakref.WeakSet()
        self.workers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="aml-live")
        self._seen: Any = None
        live.listeners.append(self._changed)

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """The server's event loop, where the room changes (the gate calls this first)."""
        self.loop = loop

    # --- the pages ------------------------------------------------------------------

    def _changed(self) -> None:
        """On the loop after each change: send the pages what they see, if that changed."""
        state = self.live.for_kernels()
        seen = (state["case"], state["question"])
        if seen == self._seen:
            return  # an answer: the pages see no tally before the reveal
        self._seen = seen
        for panel in list(self.panels):
            self.workers.submit(panel.deliver, state)

    def _add(self, panel: LocalLivePanel) -> None:
        self.panels.add(panel)  # on the loop, so the set never changes while it is walked
        self.workers.submit(panel.deliver, self.live.for_kernels())

    def join(self, panel: LocalLivePanel) -> None:
        """A new page follows the room; it gets the current state at once (a late joiner)."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self._add, panel)

    def answer(self, page: str, seq: int, choice: int, kernel: str | None = None) -> str | None:
        """Count a page's pick on the loop (called from that page's thread)."""
        if self.loop is None:
            return "the class server is not running"

        async def counting() -> str | None:
            return self.live.answer(page, seq, choice, kernel)

        future = asyncio.run_coroutine_threadsafe(counting(), self.loop)
        return future.result(timeout=ANSWER_TIMEOUT_S)

    # --- the instructor's door ---------------------------------------------------

    def _cookie(self) -> str:
        issued = str(int(time.time()))
        return f"{issued}-{self._sign('cookie', issued)}"

    def _sign(self, purpose: str, value: str) -> str:
        message = f"{purpose}:{self.keys.session}:{value}".encode()
        return hmac.new(self.cookie_key, message, hashlib.sha256).hexdigest()

    def _is_instructor(self, headers: dict[str, str]) -> bool:
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name != INSTRUCTOR_COOKIE:
                continue
            issued, _, signature = value.partition("-")
            if not issued.isdigit() or time.time() - int(issued) > COOKIE_DAYS * 86400:
                continue
            if hmac.compare_digest(signature, self._sign("cookie", issued)):
                return True
        return False

    def xsrf_token(self) -> str:
        return self._sign("xsrf", "instructor")

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Every ``/aml-live/...`` request (HTTP) of the Solara engine."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        client = (scope.get("client") or ("",))[0]
        host = headers.get("host", "").lower()
        local = any(host in (name, f"{name}:{self.port}") for name in LOCAL_NAMES)
        if client not in LOOPBACK or not local:
            await _reply(send, 403, b"403: Forbidden")
            return
        path, method = scope["path"], scope.get("method", "GET")
        query = _query(scope)
        instructor = self._is_instructor(headers)
        try:
            lang = check_lang(query.get("lang", self.live.lang))
        except LanguageError:
            await _reply(send, 400, b"400: Bad Request")
            return
        if path == f"{PREFIX}/instructor" and method == "GET":
            await self._page(send, query.get("key", ""), instructor, lang)
        elif path == f"{PREFIX}/instructor/state" and method == "GET" and instructor:
            try:
                since = int(query.get("since", "0"))
            except ValueError:
                await _reply(send, 400, b"400: Bad Request")
                return
            await self.live.wait(since)
            await _reply(send, 200, self.live.for_instructor(lang))
        elif path == f"{PREFIX}/instructor/action" and method == "POST" and instructor:
            given = headers.get("x-xsrftoken", "")
            if not hmac.compare_digest(given.encode(), self.xsrf_token().encode()):
                await _reply(send, 403, b"403: XSRF token missing or wrong")
                return
            body = await _body(receive)
            if body is None:
                await _reply(send, 413, b"413: Payload Too Large")
                return
            try:
                self.live.act(json.loads(body or b"null"))
            except ValueError as error:  # LiveError, or JSON that does not parse
                reason = error.translated(lang) if isinstance(error, LiveError) else "not JSON"
                await _reply(send, 400, {"done": False, "reason": reason})
                return
            await _reply(send, 200, {"done": True, "version": self.live.version})
        elif path.startswith(f"{PREFIX}/instructor"):
            await _reply(send, 403, b"403: Forbidden")
        else:
            await _reply(send, 404, b"404: Not Found")

    async def _page(
        self, send: Any, key: str, instructor: bool, lang: str = DEFAULT_LANGUAGE
    ) -> None:
        if key:
            if not hmac.compare_digest(key.encode(), self.keys.instructor.encode()):
                await _reply(send, 403, b"403: Forbidden")
                return
            cookie = (
                f"{INSTRUCTOR_COOKIE}={self._cookie()}; Path={PREFIX}; HttpOnly; SameSite=Strict"
            )
            # the view itself (a redirect from the file:// page would not carry the Strict
            # cookie); its script takes the key out of the address bar
            page = instructor_html(self.live, self.xsrf_token(), lang).encode()
            await _reply(send, 200, page, [(b"set-cookie", cookie.encode())], html=True)
            return
        if not instructor:
            await _reply(send, 403, not_instructor(lang).encode(), html=True)
            return
        page = instructor_html(self.live, self.xsrf_token(), lang).encode()
        await _reply(send, 200, page, html=True)


def _query(scope: dict[str, Any]) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))


async def _body(receive: Any) -> bytes | None:
    """The request body, or None past ``MAX_BODY``."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if len(body) > MAX_BODY:
            return None
        if not message.get("more_body"):
            return body


async def _reply(
    send: Any,
    status: int,
    body: bytes | dict[str, Any],
    extra: list[tuple[bytes, bytes]] | None = None,
    html: bool = False,
) -> None:
    if isinstance(body, dict):
        kind, body = b"application/json; charset=UTF-8", json.dumps(body).encode()
    else:
        kind = b"text/html; charset=UTF-8" if html else b"text/plain; charset=UTF-8"
    headers = [
        (b"content-type", kind),
        (b"content-length", str(len(body)).encode()),
        *HEADERS,
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class LocalLivePanel(LivePanel):
    """A Solara page's live box: the room is in this process, so no HTTP and no polling."""

    def __init__(
        self, room: LiveRoom, factors: FactorPanel, look: Look, lang: str | None = None
    ) -> None:
        super().__init__(factors, look, "", "", lang)
        from solara.server import kernel_context

        self.room = room
        self.context = kernel_context.get_current_context()
        self._order = threading.Lock()
        self._applied = -1

    def start(self) -> None:
        self.room.join(self)

    def deliver(self, state: dict[str, Any]) -> None:
        """Apply the room's state in this page's kernel context (a worker thread)."""
        context = self.context
        try:
            with self._order:
                if state["version"] <= self._applied or context.closed_event.is_set():
                    return
                self._applied = state["version"]
                with context, context.lock:
                    if not context.closed_event.is_set():
                        self.apply(state)
        except Exception as error:  # noqa: BLE001 - one page's trouble must not stop the room
            instructor_log().warning("a page could not follow the room (%s)", type(error).__name__)

    def _picked(self, change: dict[str, Any]) -> None:
        if self._applying or change["new"] is None or self.question is None:
            return
        seq, choice = self.question["seq"], change["new"]
        try:
            refused = self.room.answer(self.page, seq, choice, getattr(self.context, "id", None))
        except Exception as error:  # noqa: BLE001
            instructor_log().warning("a page's answer was not counted (%s)", type(error).__name__)
            self._show_status(NO_ANSWER)
            return
        self._answered(seq, choice, 409 if refused else 200, {"reason": refused or ""})


def local_panel(
    room: LiveRoom, factors: FactorPanel, look: Look, lang: str | None = None
) -> LocalLivePanel:
    panel = LocalLivePanel(room, factors, look, lang)
    panel.start()
    return panel
