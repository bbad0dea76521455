"""``python3 run.py lab`` starts JupyterLab as root and when port 8888 is taken."""

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

import pytest

from ..conftest import ROOT

START_SECONDS = 120


def _run_py() -> object:
    spec = importlib.util.spec_from_file_location("aml_teach_run", ROOT / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    argv = _run_py().lab_argv(["--no-browser"])
    if os.geteuid() == 0:
        assert "--allow-root" in argv
    log = tmp_path / "lab.log"
    env = os.environ | {"JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    with log.open("w") as output:
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        url = None
        while url is None and time.monotonic() < deadline:
            assert process.poll() is None, f"JupyterLab exited:\n{log.read_text()}"
            url = re.search(
                r"http://(?:127\.0\.0\.1|localhost):(\d+)/lab\?token=(\w+)", log.read_text()
            )
            time.sleep(0.3)
        assert url, f"no URL printed within {START_SECONDS} s:\n{log.read_text()}"
        port, token = int(url.group(1)), url.group(2)
        assert port != 8888
        page = urllib.request.urlopen(
            f"http://127.0.0.1:{port}/lab/tree/notebooks/01-start-here.ipynb?token={token}",
            timeout=30,
        )
        assert page.status == 200 and b"JupyterLab" in page.read()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
