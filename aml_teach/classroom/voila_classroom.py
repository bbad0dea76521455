"""The Voila engine's class state: who owns which kernel, and the caps on pages.

:class:`Classroom` lives in the tornado settings (``SETTING``); the handlers of
:mod:`aml_teach.classroom.voila_handlers` ask it whether to serve a page, and which browser
a kernel answers (a signed, HttpOnly, SameSite cookie names each browser).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tornado.web
from voila.request_info_handler import RequestInfoSocketHandler

from ..core.i18n import N_
from .limits import MESSAGE_BURST, MESSAGE_RATE, TOO_FAST, Bucket, NewPages, uncount
from .policy import THIS_COMPUTER

SETTING = "aml_classroom"
COOKIE = "aml_browser"

# (title, text) of the pages a refused learner reads, translated where shown
FULL_PAGE = (
    N_("The class is full"),
    N_("The class server has as many learners as it can serve right now. Wait a minute and "
       "reload this page, or ask your instructor."),
)
TOO_MANY_TABS = (
    N_("Close your other tabs"),
    N_("This device already has the dashboard open in several tabs or windows. Close the "
       "ones you do not need, wait a few seconds, then reload this page."),
)
WAIT = N_("Wait a minute")


@dataclass
class Owner:
    browser: str
    address: str


@dataclass
class Classroom:
    """Who owns which kernel, the caps, and the per-kernel websocket budget."""

    max_kernels: int
    per_client: int
    say: Callable[[str], None] = print
    owners: dict[str, Owner] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)
    buckets: dict[str, Bucket] = field(default_factory=dict)
    sockets: dict[str, int] = field(default_factory=dict)
    cooling: dict[str, float] = field(default_factory=dict)
    kernel_manager: Any = None
    new_pages: NewPages = field(init=False)

    def __post_init__(self) -> None:
        self.new_pages = NewPages(self.per_client, THIS_COMPUTER)

    def prune(self) -> None:
        """Forget kernels that have ended (closed tab, cull, crash)."""
        if self.kernel_manager is None:
            return
        alive = set(self.kernel_manager.list_kernel_ids())
        for kernel_id in [k for k in self.owners if k not in alive]:
            del self.owners[kernel_id]
            self.buckets.pop(kernel_id, None)
            self.cooling.pop(kernel_id, None)
            # Voila keeps each page's request info until someone asks for it (nobody does)
            RequestInfoSocketHandler._cache.pop(kernel_id, None)

    def learners(self, address: str | None = None) -> int:
        self.prune()
        owned = sum(1 for o in self.owners.values() if address in (None, o.address))
        waiting = self.pending.get(address, 0) if address else sum(self.pending.values())
        return owned + waiting

    def admit(self, address: str) -> tuple[int, tuple[str, str]] | None:
        """Reserve a kernel for a page from ``address``; or the status and page refusing it."""
        if address not in THIS_COMPUTER and self.learners(address) >= self.per_client:
            self.say(
                f"refused a page: one device already has {self.per_client} pages open "
                "(--max-kernels-per-client)"
            )
            return 429, TOO_MANY_TABS
        if self.learners() >= self.max_kernels:
            self.say(
                f"refused a page: the class is full ({self.max_kernels} learners, --max-kernels)"
            )
            return 503, FULL_PAGE
        if not self.new_pages.take(address):
            self.say("refused a page: one device opened many new pages in a short time")
            return 429, (WAIT, TOO_FAST)
        self.pending[address] = self.pending.get(address, 0) + 1
        return None

    def release(self, address: str) -> None:
        uncount(self.pending, address)

    def bind(self, kernel_id: str, browser: str, address: str) -> None:
        self.owners[kernel_id] = Owner(browser, address)
        self.buckets[kernel_id] = Bucket(MESSAGE_RATE, MESSAGE_BURST)

    def device_of(self, kernel_id: str) -> str | None:
        """The address of the device whose page a kernel serves (None: no such page)."""
        owner = self.owners.get(kernel_id)
        return owner.address if owner is not None else None

    def owns(self, handler: tornado.web.RequestHandler, kernel_id: str) -> bool:
        owner = self.owners.get(kernel_id)
        return owner is not None and owner.browser == browser_id(handler)


def classroom_of(handler: tornado.web.RequestHandler) -> Classroom:
    return handler.settings[SETTING]


def browser_id(handler: tornado.web.RequestHandler, create: bool = False) -> str | None:
    """This browser's id from its signed cookie; with ``create``, give it one if it has none.

    The cookie is HttpOnly (page scripts cannot read it) and SameSite=Lax (another site
    cannot make the browser send it with a request of its own, but a link to the class
    page still opens the learner's session).
    """
    raw = handler.get_signed_cookie(COOKIE, max_age_days=2)
    if raw:
        return raw.decode("ascii", "replace")
    if not create:
        return None
    browser = uuid.uuid4().hex
    handler.set_signed_cookie(
        COOKIE, browser, expires_days=None, httponly=True, samesite="Lax", path="/"
    )
    return browser

