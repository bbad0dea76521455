"""The Solara engine's server: uvicorn's protocols with the class's limits, and a terminal
that shows no learner's values.

uvicorn serves the :class:`~aml_teach.classroom.solara_gate.ClassroomGate`;
:mod:`aml_teach.classroom.solara_engine` starts it with these protocols and
:func:`logging_config`. Nothing a learner entered and no kernel or session id reaches the
terminal (no access log, Solara's own log at warnings, exception messages withheld).
"""

from __future__ import annotations

import asyncio
import logging
import re
import traceback
from typing import Any

from .limits import HEADER_TIMEOUT_S, SOURCE, UUID, Connections, TerminalLines
from .policy import THIS_COMPUTER  # no per-device connection limit

CLOSE_WAIT_S = 2.0  # for a close reply: a browser sends it at once, a flooding script never
FRAME_LIMIT = 1 << 20  # larger frames close the socket (uvicorn); past 64 KB they are refused

# kernel, page and session ids (uuids, or the hex digests Solara quotes): never printed
IDS = re.compile(UUID + r"|\b[0-9a-f]{12,}\b", re.I)


def _withheld(args: Any) -> Any:
    """A log record's values with all but numbers replaced."""

    def keep(value: Any) -> Any:
        return value if isinstance(value, (int, float)) else "<withheld>"

    if isinstance(args, dict):
        return {key: keep(value) for key, value in args.items()}
    return tuple(keep(value) for value in args)


class WithheldFormatter(logging.Formatter):
    """Log lines with the type and place of an error but never its message, nor any id.

    Exception messages can quote what a learner typed; those values stay in their page.
    """

    def format(self, record: logging.LogRecord) -> str:
        try:
            return IDS.sub("<id>", super().format(record))
        except (TypeError, ValueError):  # logging's own error report would quote the values
            return IDS.sub("<id>", f"[aml-teach {record.levelname}] {record.msg}")

    def formatException(self, ei: Any) -> str:  # noqa: N802 - logging's name
        kind = ei[0].__name__ if ei and ei[0] else "error"
        frames = "".join(traceback.format_tb(ei[2])) if ei and ei[2] else ""
        return f"{frames.rstrip()}\n{kind} (message withheld: it may quote a learner's values)"


class Withhold(logging.Filter):
    """Solara's lines quote what a page sent (a control method, a message kind): numbers
    stay, every other value is withheld (before :class:`TerminalLines` makes the line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and not record.name.startswith("aml_teach"):
            record.args = _withheld(record.args)
        return True


def logging_config() -> dict[str, Any]:
    """Warnings and errors only, no access log (URLs carry kernel ids and the token)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "withheld": {
                "()": WithheldFormatter,
                "format": "[aml-teach %(levelname)s %(asctime)s] %(message)s",
            }
        },
        "filters": {"withhold": {"()": Withhold}, "lines": {"()": TerminalLines}},
        "handlers": {
            "terminal": {
                "class": "logging.StreamHandler",
                "formatter": "withheld",
                "filters": ["withhold", "lines"],
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["terminal"], "level": "WARNING", "propagate": False},
            "uvicorn.error": {"handlers": ["terminal"], "level": "WARNING", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "solara": {"handlers": ["terminal"], "level": "ERROR", "propagate": False},
            "reacton": {"handlers": ["terminal"], "level": "ERROR", "propagate": False},
            "aml_teach.solara": {"handlers": ["terminal"], "level": "INFO", "propagate": False},
        },
        "root": {"handlers": ["terminal"], "level": "WARNING"},
    }



def quick_close_protocol() -> type:
    """uvicorn's websocket protocol, reading nothing more once the server has closed.

    uvicorn reads, parses and throws away what the other side still sends after the server's
    close, for up to 10 s, waiting for the close reply. A browser replies at once; a script
    flooding the server does not, and every frame parsed costs the one process that serves
    the class. Here the rest is not read, and the connection ends ``CLOSE_WAIT_S`` later.
    """
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

    class QuickClose(WebSocketsSansIOProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.close_timeout = CLOSE_WAIT_S

        def data_received(self, data: bytes) -> None:
            if not self.close_sent:
                super().data_received(data)

    return QuickClose


def guarded_http_protocol(per_address: int) -> type:
    """uvicorn's HTTP protocol with a per-address connection limit and a header timeout.

    uvicorn waits for ever for a first request on a new connection, and its
    ``limit_concurrency`` counts idle sockets too: one laptop holding a few hundred idle
    sockets made every other learner's new page a 503. Here an address past its limit has
    its new connections closed at once (this computer excepted), and a connection that has
    not sent a whole request head within ``HEADER_TIMEOUT_S`` is closed. A connection that
    becomes a websocket leaves the count (websockets are capped per page by the gate).
    """
    from uvicorn.protocols.http.h11_impl import H11Protocol

    counts = Connections(per_address, THIS_COMPUTER)

    class GuardedH11(H11Protocol):
        client_address = ""
        header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            address = self.client[0] if self.client else "?"
            if not counts.open(address):
                transport.close()
                return
            self.client_address = address
            self._arm()

        def _arm(self) -> None:
            self._disarm()
            self.header_timer = self.loop.call_later(HEADER_TIMEOUT_S, self._header_timeout)

        def _disarm(self) -> None:
            if self.header_timer is not None:
                self.header_timer.cancel()
                self.header_timer = None

        def _header_timeout(self) -> None:
            self.header_timer = None
            idle = self.cycle is None or self.cycle.response_complete
            if idle and not self.transport.is_closing():
                self.transport.close()

        def data_received(self, data: bytes) -> None:
            # uvicorn's own lines about this connection (and its request's task) are
            # about its address: the terminal's budget is per source
            token = SOURCE.set(self.client_address or "?")
            try:
                super().data_received(data)
            finally:
                SOURCE.reset(token)

        def _uncount(self) -> None:
            self._disarm()
            if self.client_address:
                counts.close(self.client_address)
                self.client_address = ""

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()  # the next request's head, too, must come within the timeout

        def handle_websocket_upgrade(self, event: Any) -> None:
            self._uncount()
            super().handle_websocket_upgrade(event)

        def connection_lost(self, exc: Exception | None) -> None:
            self._uncount()
            super().connection_lost(exc)

    return GuardedH11

