"""How much one page's websocket may send: the same budget in both class engines.

A learner's page sends a handful of messages when it opens and one per change of a factor.
A hostile page could send thousands a second: in the Voila mode that costs the server's
relay, in the Solara mode the one process that serves the whole class. Both engines give
every page a token bucket and close a connection that keeps sending what it may not.
"""

from __future__ import annotations

import logging
import re
import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from ..core.i18n import N_

MESSAGE_RATE = 10.0  # messages a second, per page, sustained
MESSAGE_BURST = 40  # and in a burst (a page sends about 5 when it opens)
MAX_MESSAGE_BYTES = 64 * 1024  # the page's largest message is well under 1 KB
STRIKES = 50  # refused messages before the connection is closed
COOL_DOWN_S = 10.0  # a page whose socket was closed for flooding waits this long


@dataclass
class Bucket:
    """A token bucket: ``rate`` messages a second, ``burst`` at once."""

    rate: float
    burst: float
    tokens: float = 0.0
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def peek(self) -> float:
        """The tokens there are now, without taking one."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return self.tokens

    def take(self) -> bool:
        if self.peek() >= 1:
            self.tokens -= 1
            return True
        return False


# --- the projected terminal ------------------------------------------------------------
# Whatever a server logs may quote what a browser sent (a path, a comm target): a student
# must not be able to write escape codes or line breaks to the projector, nor scroll the
# class's status away. Both engines put :class:`TerminalLines` on every log handler and tell
# it who a line is about with :data:`SOURCE` (the client address of the request it comes from).
LINES_PER_MINUTE = 10  # lines a minute one source (a client address) may put on the terminal
SERVER_LINES_PER_MINUTE = 60  # and the server itself (lines about no request)
SERVER = "server"
SOURCE: ContextVar[str] = ContextVar("aml_teach_log_source", default=SERVER)
# a kernel, page or session id (a uuid): neither engine prints one
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def one_line(text: object) -> str:
    """``text`` as one printable line: line breaks become `` | ``, other control characters
    (escape codes, carriage returns, bidi overrides) ``?``."""
    lines = [line for line in re.split(r"\r\n|\r|\n|\u2028|\u2029", str(text)) if line.strip()]
    return _CONTROL.sub("?", " | ".join(lines))


def exception_name(record: logging.LogRecord) -> str:
    """The type of the exception a record carries ('' if none): its message may quote input."""
    info = record.exc_info
    return info[0].__name__ if info and info[0] else ""


class TerminalLines(logging.Filter):
    """One line per record, control characters replaced, and a per-minute budget per source.

    A record's exception becomes its type's name (tracebacks are many lines and their
    messages may quote what a browser sent). Past its budget a source gets one note a
    minute; other sources keep theirs, so one device cannot hide everyone's real problems.
    """

    def __init__(self) -> None:
        super().__init__()
        self.minute_from = -60.0
        self.counts: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "aml_terminal_checked", False):  # two handlers, one decision
            return record.aml_terminal_shown
        now = time.monotonic()
        if now - self.minute_from >= 60:
            self.minute_from, self.counts = now, {}
        source = SOURCE.get()
        budget = SERVER_LINES_PER_MINUTE if source == SERVER else LINES_PER_MINUTE
        count = self.counts[source] = self.counts.get(source, 0) + 1
        if count <= budget:
            try:
                text = record.getMessage()
            except Exception:  # noqa: BLE001 - a record that cannot format is not shown
                text = str(record.msg)
            kind = exception_name(record)
            text = one_line(text + (f" ({kind})" if kind else ""))
        elif count == budget + 1:
            text = "more lines about one device withheld for this minute"
        else:
            text = ""
        record.msg, record.args = text, None
        record.exc_info = record.exc_text = record.stack_info = None
        record.aml_terminal_checked, record.aml_terminal_shown = True, bool(text.strip())
        return record.aml_terminal_shown


def guard_terminal(extra: logging.Filter | None = None) -> TerminalLines:
    """Put one :class:`TerminalLines` (after ``extra``, if given) on every handler of every
    logger there is now, the root's included."""
    lines = TerminalLines()
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", []):
            if any(isinstance(f, TerminalLines) for f in handler.filters):
                continue
            if extra is not None and extra not in handler.filters:
                handler.addFilter(extra)
            handler.addFilter(lines)
    return lines


# --- how fast one device opens new pages, and how many connections it holds ----------------
NEW_PAGES_AT_LEAST = 5  # the burst of new pages any device has (a few reloads)
CONNECTIONS_PER_PAGE = 8  # a browser's HTTP connections and websockets for a page or two
CONNECTIONS_AT_LEAST = 32
HEADER_TIMEOUT_S = 10.0  # a connection must send a whole request head within this
BODY_TIMEOUT_S = 10.0


TOO_FAST = N_(
    "Many new pages were opened from this device in a short time. Wait a minute, then "
    "reload this page."
)


@dataclass
class NewPages:
    """New pages a device may start: its page cap at once, then that many a minute.

    Starting a page is the costliest thing a learner asks (a kernel on the Voila engine, a
    page built in the one process on the Solara engine). The instructor's own computer is
    exempt, as from the per-device cap.
    """

    per_device: int
    exempt: frozenset[str] = frozenset()
    buckets: dict[str, Bucket] = field(default_factory=dict)

    @property
    def burst(self) -> int:
        return max(self.per_device, NEW_PAGES_AT_LEAST)

    def may_open(self, client: str) -> bool:
        """Whether ``client`` may start a page now (without counting one)."""
        bucket = self.buckets.get(client)
        return client in self.exempt or not self.per_device or bucket is None or bucket.peek() >= 1

    def take(self, client: str) -> bool:
        """Count a new page from ``client``; False when it opened too many too fast."""
        if client in self.exempt or not self.per_device:
            return True
        if len(self.buckets) > 10_000:  # forget devices whose budget is full again
            self.buckets = {c: b for c, b in self.buckets.items() if b.peek() < b.burst}
        burst = self.burst
        return self.buckets.setdefault(client, Bucket(rate=burst / 60, burst=burst)).take()


def connections_per_address(per_device: int) -> int:
    """Open connections one address may hold (idle ones included)."""
    return max(CONNECTIONS_AT_LEAST, per_device * CONNECTIONS_PER_PAGE)


@dataclass
class Connections:
    """Open connections per client address, with a limit (the exempt addresses have none)."""

    limit: int
    exempt: frozenset[str] = frozenset()
    counts: dict[str, int] = field(default_factory=dict)

    def open(self, client: str) -> bool:
        """Count a connection from ``client``; False (not counted) past the limit."""
        if client in self.exempt:
            return True
        if self.counts.get(client, 0) >= self.limit:
            return False
        self.counts[client] = self.counts.get(client, 0) + 1
        return True

    def close(self, client: str) -> None:
        uncount(self.counts, client)


def uncount(counts: dict[str, int], key: str) -> None:
    """One fewer for ``key`` (connections, pages being started, sockets): the key is dropped
    at zero, so that counts of devices and pages long gone do not pile up."""
    left = counts.get(key, 0) - 1
    if left > 0:
        counts[key] = left
    else:
        counts.pop(key, None)
