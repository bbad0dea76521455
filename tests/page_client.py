"""What a learner's page does, whichever engine serves it: raw HTTP and the widget websocket.

Both engines speak the Jupyter message protocol to the page and ipywidgets' comm messages
on top of it: the Voila client (tests/voila_client.py) and the Solara client
(tests/classroom/solara/client.py) differ only in how they reach the kernel and learn the widget
states. What they share is here: raw HTTP requests (paths sent exactly as written, from any
127.x address), the message builder, reading until a deadline, finding a widget, sending an
update, and the predicates the tests and the load harness wait on.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import time
import urllib.parse
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any

OPTIONS_CLASS = "aml-options"  # the dashboard's options region (its CSS class)


# -- raw HTTP ---------------------------------------------------------------------------------


def request(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    source: str = "127.0.0.1",
    timeout: float = 120,
) -> tuple[int, dict[str, list[str]], str]:
    """One raw request from ``source`` (any 127.x address is this machine, as another
    device would be to the server), the path sent as written (so an encoded '..' reaches
    the server); return (status, headers by lower-case name, body)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0)
    )
    given = {name.lower() for name in headers or {}}
    try:
        connection.putrequest(method, path, skip_accept_encoding=True, skip_host="host" in given)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        found: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            found.setdefault(name.lower(), []).append(value)
        return response.status, found, text
    finally:
        connection.close()


def get(
    port: int, path: str, headers: dict[str, str] | None = None, follow: int = 5
) -> tuple[int, str]:
    """GET ``path`` as written; follow up to ``follow`` redirects within this server."""
    for _ in range(follow + 1):
        status, found, body = request(port, "GET", path, headers)
        location = (found.get("location") or [""])[0]
        if status not in (301, 302, 303, 307, 308) or not location:
            return status, body
        target = urllib.parse.urlsplit(location)
        assert target.netloc in ("", f"127.0.0.1:{port}", f"localhost:{port}"), location
        path = urllib.parse.urlunsplit(("", "", target.path, target.query, ""))
    return status, body


def set_cookies(headers: dict[str, list[str]]) -> dict[str, str]:
    """The cookies a response sets, by name (their values only)."""
    cookies = {}
    for line in headers.get("set-cookie", []):
        name, _, rest = line.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


# -- the widget websocket ---------------------------------------------------------------------


def message(
    msg_type: str,
    content: dict,
    session: str = "aml-teach-client",
    channel: str = "shell",
    metadata: dict | None = None,
) -> str:
    """A Jupyter message in the websocket's JSON form, as a page writes it."""
    return json.dumps(
        {
            "header": {
                "msg_id": uuid.uuid4().hex,
                "msg_type": msg_type,
                "session": session,
                "username": "",
                "version": "5.3",
                "date": datetime.now(timezone.utc).isoformat(),
            },
            "parent_header": {},
            "metadata": metadata or {},
            "content": content,
            "channel": channel,
            "buffers": [],
        }
    )


class WidgetSession:
    """One page's websocket and the widget models it knows (``states``, by model id).

    An engine's client says how to write and read a frame (``_write``, ``_read``); reading
    keeps ``states`` in step with the models the server opens and updates.
    """

    session_id = "aml-teach-client"

    def __init__(self) -> None:
        self.states: dict[str, dict[str, Any]] = {}
        self.received: list[dict] = []

    async def _write(self, text: str) -> None:
        raise NotImplementedError

    async def _read(self, timeout: float) -> str | bytes | None:
        """The next frame, None when the socket closes; TimeoutError if none comes."""
        raise NotImplementedError

    async def send(self, msg_type: str, content: dict, **kwargs: Any) -> None:
        await self._write(message(msg_type, content, self.session_id, **kwargs))

    async def next_message(self, timeout: float, mentioning: str | None = None) -> dict | None:
        """The next message, or None when the socket closes; TimeoutError if none comes.

        With ``mentioning``, messages whose text does not contain it are skipped unread (a
        load test's client would otherwise spend more CPU than the server it measures).
        """
        deadline = time.perf_counter() + timeout
        while True:
            raw = await self._read(max(deadline - time.perf_counter(), 0.001))
            if raw is None:
                return None
            if mentioning is None or isinstance(raw, bytes) or mentioning in raw:
                break
        if isinstance(raw, bytes):  # binary frames carry buffers: not used by the dashboard
            return {"msg_type": "binary", "content": {}}
        msg = json.loads(raw)
        self.received.append(msg)
        self._track(msg)
        return msg

    def _track(self, msg: dict) -> None:
        content = msg.get("content", {})
        data = content.get("data", {}) if isinstance(content, dict) else {}
        if not isinstance(data, dict):
            return
        if msg.get("msg_type") == "comm_open" and "state" in data:
            self.states[content["comm_id"]] = {
                "model_name": data["state"].get("_model_name"),
                "state": dict(data["state"]),
            }
        elif msg.get("msg_type") == "comm_msg" and content.get("comm_id") in self.states:
            if data.get("method") == "update":
                self.states[content["comm_id"]]["state"].update(data.get("state", {}))

    async def wait_for(
        self, predicate: Callable[[dict], bool], timeout: float, mentioning: str | None = None
    ) -> dict:
        """The first message that satisfies ``predicate``, read until a deadline."""
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
        """The HTML widget that shows the treatment options (or the plain message)."""
        return self.find("HTMLModel", _dom_classes=[OPTIONS_CLASS])

    async def update(self, model_id: str, **state: Any) -> None:
        """Set widget state from the 'browser' side, exactly as the page would."""
        await self.send(
            "comm_msg",
            {
                "comm_id": model_id,
                "data": {"method": "update", "state": state, "buffer_paths": []},
            },
        )


def is_update_of(model_ids: set[str]) -> Callable[[dict], bool]:
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
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
