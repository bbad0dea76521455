"""Real Solara-engine servers (``serve --engine solara``, as an instructor starts it).

Each runs with every outside address unreachable for the server itself (its HTTP clients are
sent to a closed local proxy), so an asset fetched from a CDN would fail the tests. The
browser fixtures are the dashboard tests' own (tests/browser/conftest.py), so the same
browser tests run against this engine with ``server_url`` pointing here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.conftest import (  # noqa: F401 - fixtures and hook shared with this folder
    ARTIFACTS,
    ROOT,
    browser,
    free_port,
    page,
    phone,
    pytest_runtest_makereport,
    stop,
    wait_for_port,
)

OFFLINE = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "localhost,127.0.0.1",
    "no_proxy": "localhost,127.0.0.1",
}


@dataclass
class SolaraServer:
    url: str
    port: int
    process: subprocess.Popen
    log: Path
    token: str | None = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def start_solara(name: str, *extra: str, token: str | None = None) -> SolaraServer:
    """``python -m aml_teach serve --engine solara`` on a free port; wait until it listens."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    log = ARTIFACTS / f"solara-{name}.log"
    command = [
        sys.executable, "-m", "aml_teach", "serve", "--engine", "solara",
        "--port", str(port), "--no-browser", *extra,
    ]  # fmt: skip
    if token:
        command += ["--token", token]
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **OFFLINE},
        )
    wait_for_port(port, process, log, 90)
    return SolaraServer(f"http://127.0.0.1:{port}/", port, process, log, token)


@pytest.fixture(scope="session")
def solara_server() -> Iterator[SolaraServer]:
    """The Solara engine with its default settings, shared by the tests of this folder."""
    server = start_solara("classroom")
    try:
        yield server
    finally:
        stop(server.process)


@pytest.fixture(scope="session")
def server_url(solara_server: SolaraServer) -> str:
    """The dashboard's browser tests ask for ``server_url``: here, the Solara engine's."""
    return f"http://localhost:{solara_server.port}/"


@pytest.fixture(scope="session")
def solara_with_token() -> Iterator[SolaraServer]:
    server = start_solara("token", token="lecture-hall-42")
    try:
        yield server
    finally:
        stop(server.process)
