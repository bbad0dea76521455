"""Real classroom servers for the reliability and security tests (issue: a full lecture hall).

The servers are started with the README's serve command, exactly as an instructor would,
on free ports of 127.0.0.1; each test talks to them over HTTP and the kernel websocket.
The shared servers (fixtures ``classroom``, ``with_token``) are in tests/engines.py, with
the Solara engine's, so that one test can check a guarantee on both engines.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.browser.conftest import ARTIFACTS, ROOT, free_port, stop, wait_for_port

__all__ = ["Server", "start", "stop"]  # also used by tests/browser and benchmarks/


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen
    log: Path
    token: str | None = None
    start_at: int = 0  # the log is appended to across runs: read only this server's part

    def log_text(self) -> str:
        with self.log.open("rb") as handle:
            handle.seek(self.start_at)
            return handle.read().decode(errors="replace")


def start(name: str, *extra: str, port: int | None = None, token: str | None = None) -> Server:
    """Start ``python -m aml_teach serve`` and wait until it listens."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = port or free_port()
    log = ARTIFACTS / f"server-{name}.log"
    command = [
        sys.executable,
        "-m",
        "aml_teach",
        "serve",
        "--port",
        str(port),
        "--no-browser",
        *extra,
    ]
    if token:
        command += ["--token", token]
    start_at = log.stat().st_size if log.exists() else 0
    with log.open("a") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    wait_for_port(port, process, log, 90)
    return Server(f"http://127.0.0.1:{port}/", port, process, log, token, start_at)
