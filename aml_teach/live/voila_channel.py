"""Live class mode's Voila channel: the class server's two doors to the room, over HTTP.

The Voila engine runs a kernel per page, so a learner's live box (in its kernel) reaches the
room over HTTP: ``/aml-live/kernel/...`` with the kernel secret (this computer only). The
instructor's door, ``/aml-live/instructor``, is a signed cookie from the link file, with
tornado's XSRF token on every action. See :mod:`aml_teach.live.room` for the room itself.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

import tornado.web

from ..core.i18n import LanguageError, check_lang
from .instructor import instructor_html, not_instructor
from .room import (
    DOOR_HEADERS,
    INSTRUCTOR_COOKIE,
    KERNEL_HEADER,
    LOOPBACK,
    MAX_BODY,
    PREFIX,
    LiveClass,
    LiveError,
    Secrets,
)


class _LiveHandler(tornado.web.RequestHandler):
    """Shared by the live handlers: this computer only, plain errors, no caching."""

    def initialize(self, live: LiveClass, keys: Secrets) -> None:
        self.live = live
        self.keys = keys

    def set_default_headers(self) -> None:
        for name, value in DOOR_HEADERS.items():
            self.set_header(name, value)

    def prepare(self) -> None:
        if self.request.remote_ip not in LOOPBACK:
            raise tornado.web.HTTPError(403)
        if len(self.request.body or b"") > MAX_BODY:
            raise tornado.web.HTTPError(413)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.finish(f"{status_code}: {self._reason}")

    def json_body(self) -> Any:
        try:
            return json.loads(self.request.body or b"null")
        except ValueError:
            raise tornado.web.HTTPError(400) from None

    def since(self) -> int:
        try:
            return int(self.get_query_argument("since", "0"))
        except ValueError:
            raise tornado.web.HTTPError(400) from None

    def lang(self) -> str:
        """The language the instructor view asked for (``?lang=``), else the class's."""
        try:
            return check_lang(self.get_query_argument("lang", self.live.lang))
        except LanguageError:
            raise tornado.web.HTTPError(400) from None

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        """Refusals are routine (403/400); nothing about the request reaches the terminal."""
        if not isinstance(value, tornado.web.HTTPError):
            super().log_exception(typ, value, tb)


class _KernelDoor(_LiveHandler):
    """A learner's kernel: this computer and the kernel secret (never a browser)."""

    def prepare(self) -> None:
        super().prepare()
        given = self.request.headers.get(KERNEL_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.keys.kernel.encode()):
            raise tornado.web.HTTPError(403)

    def check_xsrf_cookie(self) -> None:
        """Kernels prove themselves with the kernel secret, not a browser's XSRF cookie."""


class KernelStateHandler(_KernelDoor):
    """``GET /aml-live/kernel/state?since=N``: the room's state once it is past N."""

    async def get(self) -> None:
        await self.live.wait(self.since())
        self.write(self.live.for_kernels())


class KernelAnswerHandler(_KernelDoor):
    """``POST /aml-live/kernel/answer``: one page's answer to the open question."""

    def post(self) -> None:
        body = self.json_body()
        if not isinstance(body, dict):
            raise tornado.web.HTTPError(400)
        refused = self.live.answer(
            body.get("page"), body.get("question"), body.get("choice"), body.get("kernel")
        )
        if refused:
            self.set_status(409)
        self.write({"counted": refused is None, "reason": refused or ""})


class _InstructorDoor(_LiveHandler):
    """The instructor: this computer and the signed cookie the link set."""

    def is_instructor(self) -> bool:
        value = self.get_signed_cookie(INSTRUCTOR_COOKIE, max_age_days=1)
        return value is not None and hmac.compare_digest(value, self.keys.session.encode())

    def prepare(self) -> None:
        super().prepare()
        if not self.is_instructor():
            raise tornado.web.HTTPError(403)


class InstructorStateHandler(_InstructorDoor):
    """``GET /aml-live/instructor/state?since=N``: the state with the live tally."""

    async def get(self) -> None:
        since, lang = self.since(), self.lang()
        await self.live.wait(since)
        self.write(self.live.for_instructor(lang))


class InstructorActionHandler(_InstructorDoor):
    """``POST /aml-live/instructor/action``: push a case, ask, close, reveal (XSRF-checked)."""

    def post(self) -> None:
        self.check_xsrf_cookie()  # also when the settings leave XSRF checks off
        lang = self.lang()
        try:
            self.live.act(self.json_body())
        except LiveError as error:
            self.set_status(400)
            self.write({"done": False, "reason": error.translated(lang)})
            return
        self.write({"done": True, "version": self.live.version})


class InstructorPageHandler(_LiveHandler):
    """``GET /aml-live/instructor``: with ``?key=`` from the link file, set the cookie."""

    def get(self) -> None:
        key, lang = self.get_query_argument("key", ""), self.lang()
        if key:
            if not hmac.compare_digest(key.encode(), self.keys.instructor.encode()):
                raise tornado.web.HTTPError(403)
            self.set_signed_cookie(
                INSTRUCTOR_COOKIE,
                self.keys.session,
                expires_days=None,
                httponly=True,
                samesite="Strict",
                path=PREFIX,
            )
            # The view itself, not a redirect: a redirect chain that starts on the file://
            # page is cross-site, so Chromium would not send the Strict cookie on the second
            # request. The page's script takes the key out of the address bar at once.
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.finish(instructor_html(self.live, self.xsrf_token.decode("ascii"), lang))
            return
        value = self.get_signed_cookie(INSTRUCTOR_COOKIE, max_age_days=1)
        if value is None or not hmac.compare_digest(value, self.keys.session.encode()):
            self.set_status(403)
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.finish(not_instructor(lang))
            return
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(instructor_html(self.live, self.xsrf_token.decode("ascii"), lang))


def live_handlers(live: LiveClass, keys: Secrets) -> list:
    """The routes to add to the class server (under its Host allowlist)."""
    kwargs = {"live": live, "keys": keys}
    return [
        (rf"{PREFIX}/kernel/state", KernelStateHandler, kwargs),
        (rf"{PREFIX}/kernel/answer", KernelAnswerHandler, kwargs),
        (rf"{PREFIX}/instructor", InstructorPageHandler, kwargs),
        (rf"{PREFIX}/instructor/state", InstructorStateHandler, kwargs),
        (rf"{PREFIX}/instructor/action", InstructorActionHandler, kwargs),
    ]
