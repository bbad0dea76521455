"""The Voila engine's tornado server: a connection limit per address, timeouts, no versions.

:mod:`aml_teach.classroom.voila_engine` makes Voila's application a
:class:`ClassroomApplication`, which listens with :class:`ClassroomHTTPServer`.
"""

from __future__ import annotations

import contextvars
from typing import Any

import tornado.web
from tornado.httpserver import HTTPServer
from tornado.httputil import HTTPHeaders

from .limits import BODY_TIMEOUT_S, CONNECTIONS_AT_LEAST, HEADER_TIMEOUT_S, SOURCE, Connections
from .policy import THIS_COMPUTER


class HideServerHeader(tornado.web.OutputTransform):
    """No ``Server: TornadoServer/<version>`` header: versions help only an attacker."""

    def transform_first_chunk(
        self, status_code: int, headers: HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, HTTPHeaders, bytes]:
        headers.pop("Server", None)
        return status_code, headers, chunk



class ClassroomHTTPServer(HTTPServer):
    """Tornado's server with a per-address connection limit, and each connection's log
    lines marked with its address (the terminal's budget is per source).

    Idle and half-sent connections end after ``HEADER_TIMEOUT_S`` (tornado's
    ``idle_connection_timeout`` is its header timeout); an address already holding its
    limit of connections has any more closed at once, so one laptop holding hundreds of
    idle sockets cannot stop another learner's page.
    """

    def initialize(self, *args: Any, per_address: int, **kwargs: Any) -> None:  # type: ignore[override]
        super().initialize(*args, **kwargs)
        self.open_connections = Connections(per_address, THIS_COMPUTER)
        self.client_of: dict[Any, str] = {}

    def handle_stream(self, stream: Any, address: Any) -> None:
        contextvars.copy_context().run(self._serve, stream, address)

    def _serve(self, stream: Any, address: Any) -> None:
        client = address[0] if isinstance(address, tuple) and address else "?"
        if not self.open_connections.open(client):
            stream.close()
            return
        SOURCE.set(client)
        before = set(self._connections)
        super().handle_stream(stream, address)
        for connection in set(self._connections) - before:
            self.client_of[connection] = client

    def on_close(self, server_conn: Any) -> None:
        """A connection ended, or became a websocket (those are capped per kernel)."""
        client = self.client_of.pop(server_conn, None)
        if client is not None:
            self.open_connections.close(client)
        super().on_close(server_conn)


class ClassroomApplication(tornado.web.Application):
    """The tornado application, listening with :class:`ClassroomHTTPServer`."""

    per_address = CONNECTIONS_AT_LEAST

    def listen(self, port: int, address: str = "", **kwargs: Any) -> HTTPServer:  # type: ignore[override]
        server = ClassroomHTTPServer(
            self,
            per_address=self.per_address,
            idle_connection_timeout=HEADER_TIMEOUT_S,
            body_timeout=BODY_TIMEOUT_S,
            xheaders=False,
            **kwargs,
        )
        server.listen(port, address)
        return server

