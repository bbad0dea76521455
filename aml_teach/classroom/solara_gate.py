"""The Solara engine's gate: the ASGI middleware in front of Solara's Starlette app.

:class:`ClassroomGate` gives the one-process Solara server the class-mode guarantees of the
Voila mode (:mod:`aml_teach.classroom.solara_engine` builds it and starts the server):

* the token (``?token=`` once, then a cookie for this port); the Host header must name this
  computer unless in class mode, and then one of the names the server shows; a websocket must
  come from the page's own origin;
* only the page, its scripts and the kernel websocket are served (an allowlist of paths):
  no other file, and no code execution (Solara's virtual kernel only handles widget messages);
* caps: pages per client address and learners in all (:mod:`aml_teach.classroom.limits` for
  the budgets both engines share); each page's messages checked, sized and rate-limited;
* an idle learner is culled after ``cull_idle`` seconds; a device's pages left open without
  the close beacon are at most its page cap.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import hmac
import html
import json
import logging
import secrets
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from typing import Any

from ..core.i18n import N_, translator
from ..core.knowledge import Message as Words
from .comm_guard import PageComms
from .language import asked_language
from .limits import (
    COOL_DOWN_S,
    MAX_MESSAGE_BYTES,
    MESSAGE_BURST,
    MESSAGE_RATE,
    SOURCE,
    STRIKES,
    TOO_FAST,
    Bucket,
    NewPages,
)
from .policy import LOCAL_HOSTS, THIS_COMPUTER, host_name  # THIS_COMPUTER: no per-device caps

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

RECLAIM_SECONDS = 300  # how often what closed pages left behind is collected (a short pause)
# headers a reverse proxy would set: none stands in front of a classroom server, and Solara
# would let the first request's values steer every later page's addresses
PROXY_HEADERS = {
    "script-name",
    "x-script-name",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-forwarded-for",
    "forwarded",
}
KERNEL_PREFIX = "/jupyter/api/kernels/"
ALLOWED_PREFIXES = ("/_solara/cdn/", "/static/", "/jupyter/nbextensions/")
CLOSE_PREFIX = "/_solara/api/close/"

# What a refused page says (a catalogue message, shown in the language its address asks for)
FULL_CLASS = N_(
    "The class is full: this server already has {count} learners (its limit is {cap}). "
    "Please wait a minute and reload, or ask your instructor."
)
TOO_MANY_TABS = N_(
    "Too many pages are open from this device ({cap}). Close a tab of the dashboard, then "
    "reload this one."
)
NEEDS_TOKEN = N_(
    "This dashboard needs the class token. Open the full address your instructor shows "
    "(it ends in ?token=...)."
)
NOT_HERE = N_(
    "There is nothing at this address: the dashboard is at the server's top address (/).")
WRONG_HOST = N_("This server only answers to addresses of this computer (localhost).")
WRONG_NAME = N_("This server only answers to the addresses it shows for the class.")

log = logging.getLogger("aml_teach.solara")


def _plain_page(message: str, lang: str = "en") -> bytes:
    """The page a refused request gets: ``message`` (a catalogue message) in ``lang``."""
    text = message.text(lang) if isinstance(message, Words) else translator(lang)(message)
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>aml-teach</title>'
        '</head><body style="font-family: system-ui, sans-serif; margin: 2em; max-width: 40em">'
        f'<p role="alert">{html.escape(text)}</p></body></html>'
    ).encode()


class ClassroomGate:
    """ASGI middleware in front of Solara's app: token, hosts, paths, caps and the idle cull."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None,
        port: int,
        local_only: bool,
        max_learners: int,
        max_per_client: int,
        cull_idle: int,
        live_kernels: Callable[[], set[str]],
        close_kernel: Callable[[str], None],
        live_room: Any = None,
        hosts: Collection[str] = (),
    ) -> None:
        self.app = app
        self.live_room = live_room  # aml_teach.live.solara_channel.LiveRoom: the instructor's door
        self.token = token
        self.cookie_name = f"aml-teach-token-{port}"  # cookies ignore ports: one per server
        key = secrets.token_bytes(32)
        self.cookie_value = (
            hmac.new(key, token.encode(), hashlib.sha256).hexdigest() if token else ""
        )
        self.local_only = local_only
        # in class mode, the names it binds and prints (as the Voila mode): any other Host
        # is a page elsewhere reaching the server by its address (DNS rebinding)
        self.hosts = {host.lower() for host in hosts}
        self.max_learners = max_learners
        self.max_per_client = max_per_client
        self.cull_idle = cull_idle
        self.live_kernels = live_kernels
        self.close_kernel = close_kernel
        self.connected: dict[str, str] = {}  # kernel id -> client address, while connected
        self.last_seen: dict[str, float] = {}  # kernel id -> last message from the browser
        self.culled: set[str] = set()
        self.cooling: dict[str, float] = {}  # kernel id -> until when it may not reconnect
        # new pages a device may start: its tab limit at once, then that many a minute
        # (building a page is the costliest thing a learner asks of the one process)
        self.new_pages = NewPages(max_per_client, THIS_COMPUTER)
        # kernel id -> its page's message budget: kept across reconnects (a fresh one for
        # each connection would let a script reconnect for a full burst again and again)
        self.budgets: dict[str, Bucket] = {}
        self.comms: dict[str, PageComms] = {}  # kernel id -> what its page has opened
        self.left: dict[str, list[str]] = {}  # client -> its disconnected pages, oldest first
        self._cull_task: asyncio.Task | None = None
        self._gc_task: asyncio.Task | None = None
        self.closed_since_reclaim = 0

    # -- the checks -------------------------------------------------------------------
    def _headers(self, scope: Scope) -> dict[str, str]:
        return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}

    def _host_ok(self, headers: dict[str, str]) -> bool:
        if not self.local_only and not self.hosts:
            return True
        name = host_name(headers.get("host", ""))
        if name is None:  # not a name and a port (e.g. ``127.0.0.1:1@evil``)
            return False
        if self.local_only:
            return name in LOCAL_HOSTS
        return name in LOCAL_HOSTS or name in self.hosts

    def _origin_ok(self, headers: dict[str, str]) -> bool:
        origin = headers.get("origin")
        if origin is None:
            return True  # not a browser page (a browser always sends Origin on a websocket)
        return urllib.parse.urlsplit(origin).netloc.lower() == headers.get("host", "").lower()

    def _token_given(self, scope: Scope, headers: dict[str, str]) -> str | None:
        query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"))
        return (query.get("token") or [None])[0]

    def _cookie_ok(self, headers: dict[str, str]) -> bool:
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == self.cookie_name and hmac.compare_digest(value, self.cookie_value):
                return True
        return False

    def _authorised(self, scope: Scope, headers: dict[str, str]) -> tuple[bool, bool]:
        """(allowed, set the cookie): the token in the query once, then the cookie."""
        if not self.token:
            return True, False
        given = self._token_given(scope, headers)
        if given is not None and hmac.compare_digest(given, self.token):
            return True, True
        auth = headers.get("authorization", "")
        if auth.lower().startswith("token ") and hmac.compare_digest(auth[6:].strip(), self.token):
            return True, False
        return self._cookie_ok(headers), False

    def _path_ok(self, scope: Scope) -> bool:
        path, method = scope["path"], scope.get("method", "GET")
        if scope["type"] == "websocket":
            return path.startswith(KERNEL_PREFIX) and path.endswith("/channels")
        if method == "POST":  # the page's beacon names its page (else Solara answers 500)
            query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"))
            return path.startswith(CLOSE_PREFIX) and bool(query.get("session_id"))
        if method not in ("GET", "HEAD"):
            return False
        return path == "/" or path.startswith(ALLOWED_PREFIXES) or path.startswith(KERNEL_PREFIX)

    def _client(self, scope: Scope) -> str:
        client = scope.get("client")
        return client[0] if client else "unknown"

    def _counts(self, client: str) -> tuple[int, int]:
        """(pages connected in all, pages connected from ``client``).

        Only connected pages count: a closed or reloaded tab's virtual kernel waits, idle and
        costing no CPU, for ``DISCONNECTED_SECONDS`` (in case the page comes back) and must
        not hold a place that a learner could use.
        """
        mine = sum(1 for owner in self.connected.values() if owner == client)
        return len(self.connected), mine

    def _refusal(self, client: str) -> str | None:
        total, mine = self._counts(client)
        if self.max_learners and total >= self.max_learners:
            return Words(FULL_CLASS, count=total, cap=self.max_learners)
        if client in THIS_COMPUTER or not self.max_per_client:
            return None
        if mine >= self.max_per_client:
            return Words(TOO_MANY_TABS, cap=self.max_per_client)
        return None

    def _page_refusal(self, client: str) -> str | None:
        """Why a new page may not be served now (the caps, or too many new pages of late)."""
        refusal = self._refusal(client)
        if refusal is None and not self.new_pages.may_open(client):
            return TOO_FAST
        return refusal

    def _take_open(self, client: str) -> bool:
        """Count a new page from ``client``; False when it has opened too many too fast."""
        return self.new_pages.take(client)

    # -- the ASGI entry point ---------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if self._cull_task is None:
            loop = asyncio.get_running_loop()
            self._cull_task = loop.create_task(self._cull_loop())
            self._gc_task = loop.create_task(self._gc_loop())
            if self.live_room is not None:
                self.live_room.attach(loop)
        scope["headers"] = [
            (k, v) for k, v in scope["headers"] if k.decode("latin-1").lower() not in PROXY_HEADERS
        ]
        SOURCE.set(self._client(scope))  # this request's log lines count to its address
        if self.live_room is not None and scope["path"].startswith("/aml-live/"):
            # live class mode's instructor door: its own checks (this computer, the
            # instructor's cookie); the class token does not open it
            if scope["type"] == "http":
                await self.live_room.handle(scope, receive, send)
            else:
                await self._refuse(scope, send, 404, NOT_HERE)
            return
        headers = self._headers(scope)
        if not self._host_ok(headers):
            await self._refuse(scope, send, 403, WRONG_HOST if self.local_only else WRONG_NAME)
            return
        allowed, set_cookie = self._authorised(scope, headers)
        if not allowed:
            await self._refuse(scope, send, 403, NEEDS_TOKEN)
            return
        if not self._path_ok(scope):
            await self._refuse(scope, send, 404, NOT_HERE)
            return
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send, headers)
            return
        if scope["path"] == "/":
            refusal = self._page_refusal(self._client(scope))
            if refusal:
                await self._refuse(scope, send, 429 if refusal == TOO_FAST else 503, refusal)
                return
        await self.app(scope, receive, self._with_cookie(send) if set_cookie else send)

    def _with_cookie(self, send: Send) -> Send:
        cookie = (
            f"{self.cookie_name}={self.cookie_value}; Path=/; HttpOnly; SameSite=Strict"
        ).encode()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie)]
            await send(message)

        return sending

    async def _websocket(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]
    ) -> None:
        if not self._origin_ok(headers):
            await self._refuse(scope, send, 403, "cross-origin websocket")
            return
        parts = scope["path"][len(KERNEL_PREFIX) :].split("/")
        kernel_id = parts[0]
        client = self._client(scope)
        if kernel_id in self.culled:
            await self._refuse(scope, send, 403, "culled")
            return
        if self.cooling.get(kernel_id, 0) > time.monotonic():
            await self._refuse(scope, send, 403, "flooded: wait")
            return
        if kernel_id in self.connected:
            await self._refuse(scope, send, 403, "this page is already connected")
            return
        refusal = self._refusal(client)
        if refusal:
            await self._refuse(scope, send, 403, refusal)
            return
        if kernel_id not in self.live_kernels() and not self._take_open(client):
            await self._refuse(scope, send, 403, TOO_FAST)  # a new page: built at a cost
            return
        self.connected[kernel_id] = client
        self.last_seen[kernel_id] = time.monotonic()

        bucket = self.budgets.setdefault(kernel_id, Bucket(MESSAGE_RATE, MESSAGE_BURST))
        comms = self.comms.setdefault(kernel_id, PageComms())
        strikes = 0
        closed = False

        async def receiving() -> Message:
            nonlocal strikes, closed
            while True:
                message = await receive()
                if message["type"] != "websocket.receive":
                    return message
                self.last_seen[kernel_id] = time.monotonic()
                frame = message.get("text") or message.get("bytes") or b""
                if (
                    len(frame) <= MAX_MESSAGE_BYTES
                    and bucket.take()
                    and _widget_message(message.get("text"), comms)
                ):
                    return message
                # Anything else is dropped: too large, too fast (one page flooding would
                # slow the one process that serves the class), or not a widget message
                # (execute_request, ...: Solara would answer it by closing the kernel).
                # A page that keeps at it is disconnected and waits before it may return.
                strikes += 1
                if strikes >= STRIKES:
                    now = time.monotonic()
                    self.cooling = {k: t for k, t in self.cooling.items() if t > now}
                    self.cooling[kernel_id] = now + COOL_DOWN_S
                    log.warning("closed a learner's connection that sent too many messages")
                    closed = True
                    await send({"type": "websocket.close", "code": 1008})
                    return {"type": "websocket.disconnect", "code": 1008}

        async def sending(message: Message) -> None:
            if not closed:  # after our close, Solara's last words go nowhere
                await send(message)

        try:
            await self.app(scope, receiving, sending)
        except Exception as error:  # noqa: BLE001 - one line for the instructor, no traceback
            # e.g. Solara refusing a page that names another browser's kernel: the learner's
            # page is closed either way; a traceback would only fill the projected terminal
            log.warning("a learner's connection ended with an error (%s)", type(error).__name__)
            if not closed:  # as the server would have, had the error reached it
                closed = True
                with contextlib.suppress(Exception):
                    await send({"type": "websocket.close", "code": 1011})
        finally:
            self.connected.pop(kernel_id, None)
            self._left(client, kernel_id)

    def _left(self, client: str, kernel_id: str) -> None:
        """A page of ``client`` disconnected. Its page is kept for a while in case it comes
        back (a phone's locked screen); but a device's pages left so are at most its page
        cap: past it the oldest are closed at once, so that a script opening page after page
        without the close beacon cannot hold their widgets in the one process."""
        if client in THIS_COMPUTER or not self.max_per_client:
            return
        live = self.live_kernels()
        left = [k for k in self.left.get(client, []) if k in live and k not in self.connected]
        if kernel_id in live and kernel_id not in left:
            left.append(kernel_id)
        extra, self.left[client] = left[: -self.max_per_client], left[-self.max_per_client :]
        if not self.left[client]:
            del self.left[client]
        if extra:
            log.warning("closed %d page(s) one device had left open past its page cap", len(extra))
            for old in extra:  # Solara's close talks to the websocket: not from this loop
                asyncio.get_running_loop().run_in_executor(None, self.close_kernel, old)

    async def _refuse(self, scope: Scope, send: Send, status: int, message: str) -> None:
        if scope["type"] == "websocket":
            # before accepting, a close is an HTTP 403 for the handshake
            await send({"type": "websocket.close", "code": 1008})
            return
        query = scope.get("query_string", b"").decode("latin-1")
        body = _plain_page(message, asked_language(query))
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def status_line(self) -> str:
        """Learners on (connected pages), as the Voila engine's status line says it."""
        cap = f" of {self.max_learners}" if self.max_learners else ""
        return f"[class] learners on: {len(self.connected)}{cap}"

    async def _gc_loop(self) -> None:
        """Keep Python's garbage collector from pausing the whole class.

        Every learner's widgets live in this one process, and a full collection walks all of
        them: at 150 learners it held every page up for about a third of a second, several
        times while a class arrived. Pages already built are long-lived, so they are frozen
        (left out of collections) every second; what closed pages left behind is collected
        once every ``RECLAIM_SECONDS``, and only if some page closed.
        """
        last_reclaim = time.monotonic()
        known = self.live_kernels()
        shown = ""
        while True:
            await asyncio.sleep(1)
            line = self.status_line()
            if line != shown:  # what the instructor reads from across the room, on change
                print(line, flush=True)
                shown = line
            gc.freeze()
            live = self.live_kernels()
            self.closed_since_reclaim += len(known - live)
            known = live
            for kernel_id in [k for k in self.budgets if k not in live and k not in self.connected]:
                del self.budgets[kernel_id]  # its page is gone
                self.comms.pop(kernel_id, None)
            if self.closed_since_reclaim and time.monotonic() - last_reclaim > RECLAIM_SECONDS:
                gc.unfreeze()
                gc.collect()
                gc.freeze()
                self.closed_since_reclaim = 0
                last_reclaim = time.monotonic()

    async def _cull_loop(self) -> None:
        """Close the virtual kernel of a learner whose page sent nothing for ``cull_idle`` s."""
        if self.cull_idle <= 0:
            return
        interval = max(min(self.cull_idle / 4, 60), 1)
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            live = self.live_kernels()
            before = len(self.culled)
            for kernel_id in [k for k in self.last_seen if k not in live]:
                self.last_seen.pop(kernel_id, None)  # closed by Solara (tab closed, cull)
            for kernel_id, seen in list(self.last_seen.items()):
                if now - seen > self.cull_idle and kernel_id in live:
                    self.culled.add(kernel_id)
                    self.last_seen.pop(kernel_id, None)
                    # Solara's close talks to the websocket through a portal: not from this loop
                    await asyncio.to_thread(self.close_kernel, kernel_id)
            if len(self.culled) > before:  # once, when it happens
                log.warning("closed %d idle learner page(s) in all", len(self.culled))


WIDGET_MESSAGES = {
    "kernel_info_request",
    "comm_info_request",
    "comm_open",
    "comm_msg",
    "comm_close",
    "shutdown_request",
}


def _widget_message(text: str | None, comms: PageComms) -> bool:
    """Whether a websocket frame is one of the messages a widget page sends, with the
    comm checks of :class:`~aml_teach.classroom.comm_guard.PageComms` (the Voila engine's
    kernels make the same ones). The page sends text frames only: binary ones are refused."""
    if text is None:
        return False
    try:
        msg = json.loads(text)
        kind = msg["header"]["msg_type"]
    except (ValueError, KeyError, TypeError):
        return False
    return kind in WIDGET_MESSAGES and comms.problem(msg) is None

