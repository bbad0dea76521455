"""Starting real Solara-engine servers (``serve --engine solara``, as an instructor starts it).

Each runs with every outside address unreachable for the server itself (its HTTP clients are
sent to a closed local proxy), so an asset fetched from a CDN would fail the tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.browser.conftest import ARTIFACTS, ROOT, free_port, stop, wait_for_port

__all__ = ["ROOT", "SolaraServer", "start_solara", "stop"]

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
