"""A minimal Voila client that talks to the server the way the browser page does.

It fetches the page over HTTP, opens the kernel websocket, asks the kernel for the widget
states (the widget control comm), and sends widget updates as comm messages. The security
tests use it to send what a hostile browser could send, and the load harness uses it to
simulate a class without starting 60 browsers.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import re
import time
import urllib.request
import uuid
from typing import Any

from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

from tests.page_client import WidgetSession, is_update_of, message, run

__all__ = [
    "COOKIES",
    "KernelSession",
    "cookie_value",
    "fetch_page",
    "is_update_of",
    "message",
    "run",
]

WIDGET_CONTROL_VERSION = "1.0.0"
# The cookies each page set, by the kernel id it holds: what the browser that opened the
# page would send with its websocket (the server binds each kernel to that browser).
COOKIES: dict[str, str] = {}


def fetch_page(base_url: str, path: str = "", token: str | None = None, timeout: float = 120):
    """GET the dashboard page; return (html, kernel id, seconds taken)."""
    url = base_url.rstrip("/") + "/" + path.lstrip("/")
    if token:
        url += ("&" if "?" in url else "?") + f"token={token}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    start = time.perf_counter()
    with opener.open(url, timeout=timeout) as response:
        html = response.read().decode("utf-8")
    elapsed = time.perf_counter() - start
    found = re.search(r'"kernelId": "([0-9a-f-]+)"', html)
    if not found:
        raise RuntimeError(f"no kernel id in the page from {url}")
    COOKIES[found.group(1)] = "; ".join(f"{c.name}={c.value}" for c in jar)
    return html, found.group(1), elapsed


def cookie_value(cookies: str, name: str) -> str:
    """One cookie's value from a Cookie header ('' if absent)."""
    for part in cookies.split("; "):
        key, _, value = part.partition("=")
        if key == name:
            return value
    return ""


class KernelSession(WidgetSession):
    """One learner's websocket to their kernel, with the widget models it knows."""

    def __init__(self, ws: WebSocketClientConnection, kernel_id: str = "") -> None:
        super().__init__()
        self.ws = ws
        self.kernel_id = kernel_id

    @classmethod
    async def connect(
        cls,
        base_url: str,
        kernel_id: str,
        token: str | None = None,
        timeout: float = 120,
        cookie: str | None = None,
        origin: str | None = None,
    ):
        """Open the kernel websocket; ``cookie`` None sends the cookies of the page that
        gave this kernel id (as its browser would), '' sends none."""
        ws_url = base_url.replace("http", "ws", 1).rstrip("/")
        url = f"{ws_url}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"
        headers = {"Authorization": f"token {token}"} if token else {}
        cookie = COOKIES.get(kernel_id, "") if cookie is None else cookie
        if cookie:
            headers["Cookie"] = cookie
        if origin:
            headers["Origin"] = origin
        request = HTTPRequest(
            url, headers=headers, connect_timeout=timeout, request_timeout=timeout
        )
        ws = await websocket_connect(request, max_message_size=2**26)
        return cls(ws, kernel_id)

    async def _write(self, text: str) -> None:
        await self.ws.write_message(text)

    async def _read(self, timeout: float) -> str | bytes | None:
        return await asyncio.wait_for(self.ws.read_message(), timeout)

    async def request_states(self, timeout: float = 60) -> dict[str, dict[str, Any]]:
        """Ask the kernel for every widget model, as the page's widget manager does."""
        comm_id = uuid.uuid4().hex
        await self.send(
            "comm_open",
            {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}},
            metadata={"version": WIDGET_CONTROL_VERSION},
        )
        await self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}})
        reply = await self.wait_for(
            lambda m: m.get("msg_type") == "comm_msg" and m["content"].get("comm_id") == comm_id,
            timeout,
        )
        self.states = reply["content"]["data"]["states"]
        return self.states

    async def close(self) -> None:
        self.ws.close()
        await asyncio.sleep(0)
