"""A minimal Voila client that talks to the server the way the browser page does.

It fetches the page over HTTP, opens the kernel websocket, asks the kernel for the widget
states (the widget control comm), and sends widget updates as comm messages. The security
tests use it to send what a hostile browser could send, and the load harness uses it to
simulate a class without starting 60 browsers.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import re
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

WIDGET_CONTROL_VERSION = "1.0.0"
# The cookies each page set, by the kernel id it holds: what the browser that opened the
# page would send with its websocket (the server binds each kernel to that browser).
COOKIES: dict[str, str] = {}


def message(
    msg_type: str, content: dict, channel: str = "shell", metadata: dict | None = None
) -> str:
    """A Jupyter message in the websocket's JSON form."""
    return json.dumps(
        {
            "header": {
                "msg_id": uuid.uuid4().hex,
                "msg_type": msg_type,
                "session": "aml-teach-client",
                "username": "",
                "version": "5.3",
                "date": "",
            },
            "parent_header": {},
            "metadata": metadata or {},
            "content": content,
            "channel": channel,
            "buffers": [],
        }
    )


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


@dataclass
class KernelSession:
    """One learner's websocket to their kernel, with the widget models it knows."""

    ws: WebSocketClientConnection
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    received: list[dict] = field(default_factory=list)

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
        return cls(ws)

    async def send(self, msg_type: str, content: dict, **kwargs: Any) -> None:
        await self.ws.write_message(message(msg_type, content, **kwargs))

    async def next_message(self, timeout: float) -> dict | None:
        """The next message, or None when the socket closes; TimeoutError if none comes."""
        raw = await asyncio.wait_for(self.ws.read_message(), timeout)
        if raw is None:
            return None
        if isinstance(raw, bytes):  # binary frames carry buffers; decode what we can
            return {"msg_type": "binary", "content": {}}
        msg = json.loads(raw)
        self.received.append(msg)
        return msg

    async def wait_for(self, predicate, timeout: float) -> dict:
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("the expected message did not arrive")
            msg = await self.next_message(left)
            if msg is None:
                raise ConnectionError("the kernel websocket closed")
            if predicate(msg):
                return msg

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

    def find(self, model_name: str, **state: Any) -> str:
        """The id of the first model of that kind whose state matches."""
        for model_id, model in self.states.items():
            if model["model_name"] != model_name:
                continue
            if all(model["state"].get(k) == v for k, v in state.items()):
                return model_id
        raise KeyError(f"no {model_name} with {state}")

    def find_by_description(self, description: str) -> str:
        for model_id, model in self.states.items():
            if model["state"].get("description") == description:
                return model_id
        raise KeyError(f"no widget labelled {description!r}")

    async def update(self, model_id: str, **state: Any) -> None:
        """Set widget state from the 'browser' side, exactly as the page would."""
        await self.send(
            "comm_msg",
            {
                "comm_id": model_id,
                "data": {"method": "update", "state": state, "buffer_paths": []},
            },
        )

    async def close(self) -> None:
        self.ws.close()
        await asyncio.sleep(0)


def is_update_of(model_ids: set[str]):
    """A predicate: a kernel-side update of one of these models."""

    def predicate(msg: dict) -> bool:
        return (
            msg.get("msg_type") == "comm_msg"
            and msg["content"].get("comm_id") in model_ids
            and msg["content"].get("data", {}).get("method") == "update"
        )

    return predicate


def run(coroutine):
    """Run a coroutine to the end in its own thread and event loop.

    Playwright's synchronous API keeps an event loop running in the main thread for the
    whole test session, where ``asyncio.run`` is not allowed.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
