"""A minimal Solara client that talks to the server the way Solara's page does.

Learned from Solara's own page (solara.html.j2 and its widget manager) and server
(solara/server/server.py, app.py): the page is plain HTML; the browser makes up a kernel id
and a page id, opens ``/jupyter/api/kernels/<kernel id>/channels?session_id=<page id>`` with
the ``solara-session-id`` cookie, opens a ``solara.control`` comm and asks it to ``run`` the
app. The server then sends a ``comm_open`` for every widget of the page (its whole state)
and a ``finished`` message on the control comm. After that, widget updates go both ways as
ordinary ipywidgets ``comm_msg`` messages, as with Voila.

The security and isolation tests use it to send what a hostile browser could send, and
benchmarks/load_solara.py to simulate a lecture hall without 300 browsers.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Any

import websockets

from tests.page_client import (
    WidgetSession,
    cookie_header,
    is_update_of,
    message,
    request,
    run,
    set_cookies,
)

__all__ = ["Learner", "Page", "fetch_page", "is_update_of", "message", "run"]


@dataclass
class Page:
    status: int
    body: str
    cookies: dict[str, str]
    seconds: float


def fetch_page(
    base_url: str,
    path: str = "/",
    token: str | None = None,
    source: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> Page:
    """GET a page (from the ``source`` address if given); the cookies it sets are kept."""
    port = urllib.parse.urlsplit(base_url).port
    if token:
        path += ("&" if "?" in path else "?") + f"token={token}"
    start = time.perf_counter()
    status, found, body = request(
        port, "GET", path, headers, source=source or "127.0.0.1", timeout=timeout
    )
    return Page(status, body, set_cookies(found), time.perf_counter() - start)


class Learner(WidgetSession):
    """One learner's page: their websocket, virtual kernel and widget models."""

    def __init__(self, ws: Any, page_id: str, kernel_id: str) -> None:
        super().__init__()
        self.ws = ws
        self.page_id = page_id
        self.kernel_id = kernel_id
        self.session_id = page_id  # Solara's page names its session by its page id
        self.control = ""

    @classmethod
    async def open(
        cls,
        base_url: str,
        token: str | None = None,
        source: str | None = None,
        timeout: float = 60,
        kernel_id: str | None = None,
        cookies: dict[str, str] | None = None,
        origin: str | None = None,
        run_app: bool = True,
    ) -> Learner:
        """Open the page and its websocket and (``run_app``) wait for the whole page."""
        if cookies is None:
            page = await asyncio.to_thread(fetch_page, base_url, "/", token, source, None, timeout)
            if page.status != 200:
                raise PermissionError(f"page refused ({page.status}): {page.body[-300:]}")
            cookies = page.cookies
        learner = await cls.connect(base_url, cookies, source, timeout, kernel_id, origin)
        if run_app:
            await learner.run_app(timeout)
        return learner

    @classmethod
    async def connect(
        cls,
        base_url: str,
        cookies: dict[str, str],
        source: str | None = None,
        timeout: float = 60,
        kernel_id: str | None = None,
        origin: str | None = None,
    ) -> Learner:
        kernel_id = kernel_id or str(uuid.uuid4())
        page_id = str(uuid.uuid4())
        ws_base = base_url.replace("http", "ws", 1).rstrip("/")
        url = f"{ws_base}/jupyter/api/kernels/{kernel_id}/channels?session_id={page_id}"
        ws = await websockets.connect(
            url,
            additional_headers={"Cookie": cookie_header(cookies)},
            origin=origin,
            max_size=2**26,
            open_timeout=timeout,
            ping_interval=None,
            local_addr=(source, 0) if source else None,
        )
        return cls(ws, page_id, kernel_id)

    async def _write(self, text: str) -> None:
        await self.ws.send(text)

    async def _read(self, timeout: float) -> str | bytes | None:
        try:
            return await asyncio.wait_for(self.ws.recv(), timeout)
        except websockets.ConnectionClosed:
            return None

    async def run_app(self, timeout: float = 60) -> None:
        """What the page does first: kernel info, the control comm, ``run``; wait for it all."""
        self.control = str(uuid.uuid4())
        await self.send("kernel_info_request", {})
        await self.send(
            "comm_open", {"comm_id": self.control, "target_name": "solara.control", "data": {}}
        )
        await self.send(
            "comm_msg",
            {
                "comm_id": self.control,
                "data": {
                    "method": "run",
                    "args": {"path": "/", "dark": False, "themes": {}, "appName": None},
                },
            },
        )
        await self.wait_for(
            lambda m: (
                m.get("msg_type") == "comm_msg"
                and m["content"].get("comm_id") == self.control
                and m["content"].get("data", {}).get("method") == "finished"
            ),
            timeout,
        )

    async def close(self) -> None:
        await self.ws.close()
