"""What keeps one student from taking down, slowing down or tampering with the class.

Voila alone trusts every browser that can reach it: any page load starts a kernel, a kernel
id is the only key to a learner's session, and a websocket may send anything as fast as it
likes. The class server (:mod:`aml_teach.classroom.voila_engine`) adds, with small subclasses
of Voila's and jupyter_server's handlers (each says why):

- caps: at most ``max_kernels`` learners' kernels at once, and ``per_client`` from one
  network address; past a cap the learner gets a plain page, the instructor one line;
- ownership: each kernel answers only the browser whose page started it (a signed,
  HttpOnly, SameSite cookie); to any other browser it does not exist (404);
- limits on what a websocket sends: message types, size and rate;
- a quiet terminal: no kernel ids, no tokens, and a status line instead of chatter.

The class state the handlers consult is in :mod:`aml_teach.classroom.voila_classroom`, the
tornado server and its connection limit in :mod:`aml_teach.classroom.voila_server`, the quiet
terminal in :mod:`aml_teach.classroom.voila_terminal`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from html import escape
from typing import Any

import tornado.web
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.services.kernels.handlers import KernelHandler
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from ..core.i18n import N_, translator
from .language import asked_language
from .limits import COOL_DOWN_S, MAX_MESSAGE_BYTES, STRIKES, uncount
from .voila_classroom import browser_id, classroom_of

# What a page's websocket may send (jupyter_server drops other types; the list is ours).
ALLOWED_MESSAGES = frozenset(
    {"comm_open", "comm_msg", "comm_close", "comm_info_request", "kernel_info_request"}
)
SOCKETS_PER_KERNEL = 4  # the page opens two


def plain_page(handler: tornado.web.RequestHandler, status: int, title: str, text: str,
               lang: str = "en") -> None:
    """A small page that needs no script, in the dashboard's plain words: ``title`` and
    ``text`` are catalogue messages, shown in ``lang``."""
    _ = translator(lang)
    title, text = escape(_(title), quote=False), escape(_(text), quote=False)
    handler.clear()
    handler.set_status(status)
    handler.set_header("Content-Type", "text/html; charset=UTF-8")
    handler.set_header("Cache-Control", "no-store")
    if status in (429, 503):
        handler.set_header("Retry-After", "30")
    handler.finish(
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head>"
        '<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; '
        'padding: 0 1em; line-height: 1.5; color: #1a1a1a">'
        f'<main><h1>{title}</h1><p id="aml-notice" role="alert">{text}</p></main></body></html>'
    )


class PlainErrors:
    """Error pages as one plain line: jupyter_server's error template needs settings Voila
    does not have (each error became a traceback in the terminal) and names the server."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.finish(f"{status_code}: {self._reason}")


class _KernelView:
    """The kernel manager as one page sees it: notes which kernel the page was given.

    Voila picks the kernel (from the pool, or a fresh start) deep inside its page handler;
    this view lets :class:`ClassroomPageHandler` bind that kernel to the browser before the
    page is sent, without copying Voila's handler.
    """

    def __init__(self, manager: Any, on_kernel: Callable[[str], None]) -> None:
        self._manager = manager
        self._on_kernel = on_kernel

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)

    async def get_rendered_notebook(self, *args: Any, **kwargs: Any) -> Any:
        render_task, cache, kernel_id = await self._manager.get_rendered_notebook(*args, **kwargs)
        self._on_kernel(kernel_id)
        return render_task, cache, kernel_id

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        from jupyter_core.utils import ensure_async

        kernel_id = await ensure_async(self._manager.start_kernel(*args, **kwargs))
        self._on_kernel(kernel_id)
        return kernel_id


class ClassroomPageHandler(PlainErrors, TornadoVoilaHandler):
    """The dashboard page: admits the learner (caps), binds the kernel, sets ``_xsrf``.

    The query string is dropped before Voila sees it: the dashboard reads none, a
    ``?theme=`` or ``?template=`` made Voila skip the preheated pool and start a kernel of
    its own, and the query (token included) was handed to ``/voila/query/<kernel id>``.
    When a tab closes, Voila's page asks the server to shut its kernel down, quoting the
    ``_xsrf`` cookie, which Voila never sets: reading the token here sets it.
    """

    _view: _KernelView | None = None

    @property
    def kernel_manager(self) -> Any:
        return self._view if self._view is not None else self.settings["kernel_manager"]

    @tornado.web.authenticated
    async def get(self, path: str | None = None) -> None:
        if path:  # anything but the page: Voila would redirect it to the (denied) file
            # handler, quoting the path in a Location header (a 500 for a path with CR LF)
            raise tornado.web.HTTPError(403)
        classroom = classroom_of(self)
        browser = browser_id(self, create=True)
        address = self.request.remote_ip or "?"
        refused = classroom.admit(address)
        if refused is not None:
            status, (title, text) = refused
            plain_page(self, status, title, text, asked_language(self.request.query))
            return
        self.request.query = ""
        self.request.uri = self.request.path
        self.request.arguments = {}
        self.request.query_arguments = {}
        self.xsrf_token  # noqa: B018 - reading the token sets the cookie
        bound = False

        def on_kernel(kernel_id: str) -> None:
            nonlocal bound
            classroom.bind(kernel_id, browser, address)
            classroom.release(address)
            bound = True

        self._view = _KernelView(self.settings["kernel_manager"], on_kernel)
        try:
            await super().get(path)
        finally:
            if not bound:
                classroom.release(address)


def _refuse_unless_owner(handler: tornado.web.RequestHandler, kernel_id: str) -> None:
    """To a browser other than the one whose page started it, a kernel does not exist."""
    if not classroom_of(handler).owns(handler, kernel_id):
        raise tornado.web.HTTPError(404)


class OwnKernelHandler(KernelHandler):
    """``GET``/``DELETE /api/kernels/<id>``, for the kernel's own browser only."""

    async def prepare(self) -> None:
        await super().prepare()
        if self._finished:
            return
        _refuse_unless_owner(self, self.path_kwargs.get("kernel_id", ""))


class OwnShutdownHandler(VoilaShutdownKernelHandler):
    """The tab-close beacon (``POST /voila/api/shutdown/<id>``), for the kernel's own browser."""

    @tornado.web.authenticated
    async def post(self, kernel_id: str) -> None:
        _refuse_unless_owner(self, kernel_id)
        await super().post(kernel_id)


class OwnQueryHandler(RequestInfoSocketHandler):
    """``/voila/query/<id>``, for the kernel's own browser (it is not token-protected)."""

    async def get(self, *args: Any, **kwargs: Any) -> None:
        _refuse_unless_owner(self, kwargs.get("kernel_id") or (args[0] if args else ""))
        await super().get(*args, **kwargs)


class SafeTemplateStaticHandler(TemplateStaticFileHandler):
    """Template files: a path that is not ``<template>/static/<file>`` is a 404, not a 500."""

    def parse_url_path(self, url_path: str) -> str:
        parts = url_path.split("/", 2)
        if len(parts) != 3 or parts[1] != "static" or not parts[0] or not parts[2]:
            raise tornado.web.HTTPError(404)
        try:
            return super().parse_url_path(url_path)
        except tornado.web.HTTPError:
            raise
        except Exception as error:  # noqa: BLE001 - an unknown template is "not found"
            raise tornado.web.HTTPError(404) from error

    async def get(self, path: str, include_body: bool = True) -> None:
        try:
            await super().get(path, include_body)
        except tornado.web.HTTPError:
            raise
        except (AssertionError, ValueError, OSError) as error:
            raise tornado.web.HTTPError(404) from error


class NoFavicon(tornado.web.RequestHandler):
    """``/favicon.ico``, which every browser asks for: nothing, quietly (it was a redirect
    to a refused file and a 403 line in the terminal on every page load)."""

    def get(self) -> None:
        self.set_status(204)
        self.set_header("Cache-Control", "max-age=86400")
        self.finish()


class ClassroomLogoutHandler(PlainErrors, JupyterHandler):
    """``/logout``: clears the login cookie and says so (jupyter_server's page is a 500 here,
    its template is not in Voila)."""

    @allow_unauthenticated
    def get(self) -> None:
        self.identity_provider.clear_login_cookie(self)
        plain_page(
            self,
            200,
            N_("Logged out"),
            N_("You are logged out of the class dashboard. Open the address your instructor "
               "gave you to come back."),
            asked_language(self.request.query),
        )


class ClassroomIdentityProvider(PasswordIdentityProvider):
    """The token login, with the origin always checked and SameSite login cookies.

    jupyter_server skips the origin check for token-authenticated requests (scripts); in a
    class the token is on the projector, so another site could use it from a learner's
    browser.
    """

    def should_check_origin(self, handler: tornado.web.RequestHandler) -> bool:
        return True

    def set_login_cookie(self, handler: tornado.web.RequestHandler, user: Any) -> None:
        self.cookie_options = {"samesite": "Lax", **self.cookie_options}
        super().set_login_cookie(handler, user)

    def get_handlers(self) -> list:
        return [
            (route, ClassroomLogoutHandler if route == r"/logout" else handler)
            for route, handler in super().get_handlers()
        ]


def _binary_parts(message: bytes) -> list[bytes] | None:
    """The parts of a v1-protocol binary message (channel, header, parent, metadata,
    content, buffers), checked before they are trusted.

    (Voila's and jupyter_server's readers trust the offset count: a frame claiming billions
    of offsets would hold the server's only thread.)
    """
    count = int.from_bytes(message[:8], "little")
    if not 6 <= count <= 64 or len(message) < 8 * (count + 1):
        return None
    offsets = [int.from_bytes(message[8 * i : 8 * (i + 1)], "little") for i in range(1, count + 1)]
    if offsets != sorted(offsets) or offsets[-1] > len(message):
        return None
    return [message[offsets[i] : offsets[i + 1]] for i in range(count - 1)]


def _message_type(message: str | bytes) -> str | None:
    """The msg_type of a well-formed websocket message in either protocol; None otherwise.

    A comm message must name its comm with a short string: ipykernel looks the comm up
    before any handler of ours runs, and anything else there was a traceback in the terminal.
    """
    import json

    try:
        if isinstance(message, bytes):
            parts = _binary_parts(message)
            if parts is None:
                return None
            header, content = json.loads(parts[1]), json.loads(parts[4])
        else:
            whole = json.loads(message)
            header, content = whole.get("header"), whole.get("content")
        msg_type = header.get("msg_type") if isinstance(header, dict) else None
        if not isinstance(msg_type, str) or not isinstance(content, dict):
            return None
        if msg_type.startswith("comm_") and msg_type != "comm_info_request":
            comm_id = content.get("comm_id")
            if not isinstance(comm_id, str) or not 0 < len(comm_id) <= 128:
                return None
    except Exception:  # noqa: BLE001 - anything malformed is simply refused
        return None
    return msg_type


class ClassroomKernelWebsocketHandler(PlainErrors, VoilaKernelWebsocketHandler):
    """The kernel websocket: own browser only, a few per kernel, limited messages.

    Each message is checked before jupyter_server parses it: its size, the kernel's rate
    budget (a token bucket), and its type (no ``shutdown_request``, no code). A refused
    message is dropped; a connection that keeps sending refused messages is closed and
    its kernel waits a few seconds before it may connect again, so one flooding browser
    costs the server little and the kernel nothing.
    """

    strikes = 0
    counted = False

    async def get(self, *args: Any, **kwargs: Any) -> None:
        kernel_id = kwargs.get("kernel_id") or (args[0] if args else "")
        classroom = classroom_of(self)
        _refuse_unless_owner(self, kernel_id)
        if classroom.cooling.get(kernel_id, 0) > time.monotonic():
            raise tornado.web.HTTPError(429)
        if classroom.sockets.get(kernel_id, 0) >= SOCKETS_PER_KERNEL:
            raise tornado.web.HTTPError(429)
        await super().get(*args, **kwargs)

    async def open(self, kernel_id: str) -> None:  # type: ignore[override]
        classroom = classroom_of(self)
        classroom.sockets[kernel_id] = classroom.sockets.get(kernel_id, 0) + 1
        self.counted = True
        await super().open(kernel_id)

    def on_close(self) -> None:
        if self.counted:
            uncount(classroom_of(self).sockets, self.kernel_id)
            self.counted = False
        if self.connection is not None:
            super().on_close()

    def refuse(self) -> None:
        self.strikes += 1
        if self.strikes == STRIKES:
            classroom = classroom_of(self)
            classroom.cooling[self.kernel_id] = time.monotonic() + COOL_DOWN_S
            classroom.say("closed a learner's connection that sent too many or unsuitable messages")
            self.close(1008, "too many messages")

    def on_message(self, message: str | bytes) -> None:
        if self.strikes >= STRIKES or self.connection is None:
            return
        classroom = classroom_of(self)
        bucket = classroom.buckets.get(self.kernel_id)
        if len(message) > MAX_MESSAGE_BYTES or bucket is None or not bucket.take():
            self.refuse()
            return
        if _message_type(message) not in ALLOWED_MESSAGES:
            self.refuse()
            return
        try:
            super().on_message(message)
        except Exception:  # noqa: BLE001 - a malformed frame is refused, not a traceback
            self.refuse()


def replace_handlers(handlers: list) -> list:
    """Voila's routes with the classroom's handlers in place of Voila's own."""
    replacements = {
        TornadoVoilaHandler: ClassroomPageHandler,
        KernelHandler: OwnKernelHandler,
        VoilaKernelWebsocketHandler: ClassroomKernelWebsocketHandler,
        VoilaShutdownKernelHandler: OwnShutdownHandler,
        RequestInfoSocketHandler: OwnQueryHandler,
        TemplateStaticFileHandler: SafeTemplateStaticHandler,
    }
    routes = [(route[0], replacements.get(route[1], route[1]), *route[2:]) for route in handlers]
    return [(r"/favicon\.ico", NoFavicon), *routes]


def page_config_without_versions(page_config: dict, **_kwargs: Any) -> dict:
    """Voila's ``page_config_hook``: the page does not say which Voila serves it."""
    return {**page_config, "appVersion": ""}

