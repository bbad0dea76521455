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
import http.client
import json
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import websockets


def message(msg_type: str, content: dict, session: str) -> str:
    """A Jupyter message in the websocket's JSON form, as Solara's page writes it."""
    return json.dumps(
        {
            "buffers": [],
            "channel": "shell",
            "content": content,
            "header": {
                "date": datetime.now(timezone.utc).isoformat(),
                "msg_id": uuid.uuid4().hex,
                "msg_type": msg_type,
                "session": session,
                "username": "",
                "version": "5.2",
            },
            "metadata": {},
            "parent_header": {},
        }
    )


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
    parts = urllib.parse.urlsplit(base_url)
    if token:
        path += ("&" if "?" in path else "?") + f"token={token}"
    connection = http.client.HTTPConnection(
        parts.hostname,
        parts.port,
        timeout=timeout,
        source_address=(source, 0) if source else None,
    )
    start = time.perf_counter()
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()
    cookies = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key.strip()] = rest.split(";", 1)[0]
    return Page(response.status, body, cookies, time.perf_counter() - start)


@dataclass
class Learner:
    """One learner's page: their websocket, virtual kernel and widget models."""

    ws: Any
    page_id: str
    kernel_id: str
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    received: list[dict] = field(default_factory=list)
    control: str = ""

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
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        ws = await websockets.connect(
            url,
            additional_headers=headers,
            origin=origin,
            max_size=2**26,
            open_timeout=timeout,
            ping_interval=None,
            local_addr=(source, 0) if source else None,
        )
        return cls(ws, page_id, kernel_id)

    async def send(self, msg_type: str, content: dict) -> None:
        await self.ws.send(message(msg_type, content, self.page_id))

    async def next_message(self, timeout: float, mentioning: str | None = None) -> dict | None:
        """The next message, or None when the socket closes; TimeoutError if none comes.

        With ``mentioning``, messages whose text does not contain it are skipped unread (a
        load test's client would otherwise spend more CPU than the server it measures).
        """
        while True:
            try:
                raw = await asyncio.wait_for(self.ws.recv(), timeout)
            except websockets.ConnectionClosed:
                return None
            if mentioning is None or isinstance(raw, bytes) or mentioning in raw:
                break
        if isinstance(raw, bytes):  # binary frames carry buffers: not used by the dashboard
            return {"msg_type": "binary", "content": {}}
        msg = json.loads(raw)
        self.received.append(msg)
        content = msg.get("content", {})
        if msg.get("msg_type") == "comm_open" and "state" in content.get("data", {}):
            self.states[content["comm_id"]] = {
                "model_name": content["data"]["state"].get("_model_name"),
                "state": dict(content["data"]["state"]),
            }
        elif msg.get("msg_type") == "comm_msg" and content.get("comm_id") in self.states:
            data = content.get("data", {})
            if data.get("method") == "update":
                self.states[content["comm_id"]]["state"].update(data.get("state", {}))
        return msg

    async def wait_for(self, predicate, timeout: float, mentioning: str | None = None) -> dict:
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("the expected message did not arrive")
            msg = await self.next_message(left, mentioning)
            if msg is None:
                raise ConnectionError("the kernel websocket closed")
            if predicate(msg):
                return msg

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

    def options_region(self) -> str:
        return self.find("HTMLModel", _dom_classes=["aml-options"])

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
        await self.ws.close()


def is_update_of(model_ids: set[str]):
    """A predicate: a server-side update of one of these models."""

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


def raw_get(
    port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, str]:
    """A request with the path sent exactly as written (so an encoded '..' reaches the server)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        given = {name.lower() for name in headers or {}}
        connection.putrequest(method, path, skip_host="host" in given, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", "0")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()
