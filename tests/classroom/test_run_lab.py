"""``python3 run.py lab``: JupyterLab as root and when port 8888 is taken, printing the address
of lesson 01 (tests/browser/test_jupyterlab.py opens it in Chromium and reads the log)."""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..conftest import ROOT

START_SECONDS = 120
# The address run.py lab prints: lesson 01 itself, with the token (not the Launcher's /lab).
LESSON_URL = re.compile(
    r"http://(?:127\.0\.0\.1|localhost):(\d+)/lab/tree/01-start-here\.ipynb\?token=(\w+)"
)
# The only lines the terminal shows when nothing is wrong: Jupyter Server's address block.
ADDRESS_BLOCK = re.compile(
    r"^(\[C [\d\-: .]+ServerApp\]\s*"
    r"|To access the server, open this file in a browser:"
    r"|To access the server, copy and paste one of these URLs:"
    r"|Or copy and paste one of these URLs:"
    r"|file://\S+"
    r"|http://\S+)$"
)


def _run_py() -> object:
    spec = importlib.util.spec_from_file_location("aml_teach_run", ROOT / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class RunningLab:
    process: subprocess.Popen
    log: Path
    url: str  # the address as printed
    port: int
    token: str


def start_lab(home: Path, extra: tuple[str, ...] = ()) -> RunningLab:
    """``run.py lab --no-browser`` (plus ``extra``, e.g. ``--lang fr``) as a learner starts it,
    with JupyterLab's per-user folders in ``home`` (empty: nothing of this machine's settings
    hides a pop-up); returns once the address is printed. Stop it with :func:`stop_lab`."""
    argv = _run_py().lab_argv(["--no-browser", *extra])
    if os.geteuid() == 0:
        assert "--allow-root" in argv
    log = home / "lab.log"
    env = os.environ | {
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_SECONDS
    found = None
    while found is None and time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"JupyterLab exited:\n{log.read_text()}")
        found = LESSON_URL.search(log.read_text())
        time.sleep(0.3)
    if found is None:
        stop_lab(process)
        raise AssertionError(f"no lesson address in {START_SECONDS} s:\n{log.read_text()}")
    return RunningLab(process, log, found.group(0), int(found.group(1)), found.group(2))


def stop_lab(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def port_8888_taken() -> Iterator[None]:
    """Hold 8888 (unless something else already does) for the length of the test."""
    sock = socket.socket()
    try:
        sock.bind(("127.0.0.1", 8888))
        sock.listen()
    except OSError:
        pass  # already taken by someone else: the condition under test holds anyway
    try:
        yield
    finally:
        sock.close()


def test_lab_runs_as_root_on_another_port_when_8888_is_taken(port_8888_taken, tmp_path):
    lab = start_lab(tmp_path)
    try:
        assert lab.port != 8888
        page = urllib.request.urlopen(lab.url.replace("localhost", "127.0.0.1"), timeout=30)
        assert page.status == 200 and b"JupyterLab" in page.read()
    finally:
        stop_lab(lab.process)
