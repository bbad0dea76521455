"""The classroom servers of both engines, and one view of them for the shared tests.

``classroom``/``with_token`` are the Voila mode as an instructor runs it for a room (class
mode, pool on; tests/classroom/voila/conftest.py starts it), ``solara_server``/``solara_with_token``
the Solara mode (``serve --engine solara``, offline; tests/classroom/solara/servers.py). Each starts
once per test session. ``engine_server`` and ``engine_with_token`` give a test the same
guarantee to check on both: an :class:`Engine` with the address, the token, the terminal
and a learner's page, whichever engine serves it. tests/conftest.py makes these fixtures
visible to every test folder.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.classroom.solara.client import Learner
from tests.classroom.solara.servers import SolaraServer, start_solara, stop
from tests.classroom.voila.conftest import Server, start
from tests.page_client import WidgetSession, cookie_header, request, set_cookies
from tests.voila_client import KernelSession

ENGINES = ["voila", "solara"]
TOKEN = "lecture-hall-42"


def serving(server: Server | SolaraServer) -> Iterator[Server | SolaraServer]:
    """Yield a started server; stop it (and its kernels) when its tests are done."""
    try:
        yield server
    finally:
        stop(server.process)


@pytest.fixture(scope="session")
def classroom() -> Iterator[Server]:
    """One Voila classroom server (class mode, pool on) shared by the security tests."""
    yield from serving(start("classroom", "--class", "--pool", "1"))


@pytest.fixture(scope="session")
def with_token() -> Iterator[Server]:
    """The same in token mode (pool on, so /voila/query exists here too)."""
    yield from serving(start("token", "--class", "--pool", "1", token=TOKEN))


@pytest.fixture(scope="session")
def solara_server() -> Iterator[SolaraServer]:
    """The Solara engine with its default settings (this computer only)."""
    yield from serving(start_solara("classroom"))


@pytest.fixture(scope="session")
def solara_with_token() -> Iterator[SolaraServer]:
    yield from serving(start_solara("token", token=TOKEN))


@pytest.fixture(scope="session")
def solara_class() -> Iterator[SolaraServer]:
    """The Solara engine in class mode (``--class``: it answers the room's network)."""
    yield from serving(start_solara("class", "--class"))


@dataclass
class Visit:
    """What a browser got for a page: status, body, the cookies set, and the page's kernel
    id where the page names one (Voila's does; Solara's page makes its own up later)."""

    status: int
    body: str
    cookies: dict[str, str]
    kernel_id: str | None


@dataclass
class Engine:
    """A running server of one engine, as the shared guarantee tests see it."""

    name: str
    server: Server | SolaraServer

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def token(self) -> str | None:
        return self.server.token

    def log_text(self) -> str:
        return self.server.log_text()

    def is_dashboard(self, body: str) -> bool:
        """Whether a response is the dashboard page itself (not a refusal or a login)."""
        if self.name == "voila":
            return '"kernelId"' in body
        return "solaraInit(" in body

    def visit(
        self, path: str = "/", token: str | None = None, source: str = "127.0.0.1", **headers: str
    ) -> Visit:
        """GET a page as a browser would (``token`` in the query if given)."""
        if token:
            path += ("&" if "?" in path else "?") + f"token={token}"
        status, found, body = request(self.port, "GET", path, headers, source=source)
        kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', body)
        return Visit(status, body, set_cookies(found), kernel.group(1) if kernel else None)

    async def connect(
        self,
        visit: Visit,
        cookies: dict[str, str],
        origin: str | None = None,
        source: str = "127.0.0.1",
    ) -> WidgetSession:
        """Open the websocket of the page ``visit`` with these cookies (from ``source``: Voila
        counts a device's pages by their page requests) and wait for every widget; a
        refused handshake raises :class:`Refused` with its HTTP status."""
        import websockets
        from tornado.httpclient import HTTPClientError

        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        try:
            if self.name == "voila":
                session = await KernelSession.connect(
                    self.url, visit.kernel_id, cookie=cookie, origin=origin, timeout=60
                )
                await session.request_states(60)
                return session
            return await Learner.open(self.url, cookies=cookies, origin=origin, source=source)
        except HTTPClientError as error:
            raise Refused(error.code) from error
        except websockets.InvalidStatus as error:
            raise Refused(error.response.status_code) from error

    async def open_learner(self, source: str = "127.0.0.1") -> WidgetSession:
        """A learner's page, open and ready: the page, its websocket, every widget."""
        visit = self.visit(token=self.token, source=source)
        assert visit.status == 200, (visit.status, visit.body[-300:])
        learner = await self.connect(visit, visit.cookies, source=source)
        learner.visit = visit
        return learner

    async def close_tab(self, learner: WidgetSession) -> None:
        """What closing the browser tab does: Voila's page sends its beacon (the kernel goes
        at once), Solara's page just closes its websocket."""
        if self.name == "voila":
            cookies = learner.visit.cookies
            xsrf = cookies.get("_xsrf", "")
            status, _, _ = request(
                self.port,
                "POST",
                f"/voila/api/shutdown/{learner.kernel_id}",
                {"Cookie": cookie_header(cookies), "X-XSRFToken": xsrf},
                urllib.parse.urlencode({"_xsrf": xsrf}).encode(),
            )
            assert status == 204, status
        await learner.close()

    def ids(self, learner: WidgetSession) -> list[str]:
        """The ids of a learner's page that the terminal must never show."""
        return [learner.kernel_id, *([learner.page_id] if isinstance(learner, Learner) else [])]


class Refused(Exception):
    """A websocket handshake the server refused, with its HTTP status."""

    def __init__(self, status: int) -> None:
        super().__init__(f"refused with HTTP {status}")
        self.status = status


def _engine(request: pytest.FixtureRequest, voila: str, solara: str) -> Engine:
    name = request.param
    return Engine(name, request.getfixturevalue(voila if name == "voila" else solara))


@pytest.fixture(params=ENGINES)
def engine_server(request: pytest.FixtureRequest) -> Engine:
    """The classroom server of each engine in turn (no token)."""
    return _engine(request, "classroom", "solara_server")


@pytest.fixture(params=ENGINES)
def engine_with_token(request: pytest.FixtureRequest) -> Engine:
    """The classroom server of each engine in turn, with a token."""
    return _engine(request, "with_token", "solara_with_token")
