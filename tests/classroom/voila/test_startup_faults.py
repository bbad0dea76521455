"""The server refuses to start on broken data or a missing notebook, saying precisely why."""

from __future__ import annotations

import socket
import subprocess
import sys

from tests.browser.conftest import ROOT, free_port


def _serve(*args: str) -> tuple[subprocess.CompletedProcess, int]:
    port = free_port()
    result = subprocess.run(
        [sys.executable, "-m", "aml_teach", "serve", "--port", str(port), "--no-browser", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result, port


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_broken_data_stops_the_server_with_the_precise_problem(data_copy):
    line = data_copy.set("schedules", 0, "days", "7-3")
    data_copy.set("drugs", 1, "beyond_seed", "perhaps")
    result, port = _serve("--data", str(data_copy.path))
    assert result.returncode == 1
    assert "Not starting" in result.stderr
    assert f"schedules.csv, line {line}, column 'days'" in result.stderr
    assert "drugs.csv, line 3, column 'beyond_seed': must be 'yes' or 'no', got 'perhaps'" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not _listening(port)


def test_missing_data_file_is_named(data_copy):
    (data_copy.path / "options.csv").unlink()
    result, _ = _serve("--data", str(data_copy.path))
    assert result.returncode == 1
    assert "options.csv: file is missing" in result.stderr


def test_missing_notebook_is_named(tmp_path):
    missing = tmp_path / "dashboard.ipynb"
    result, port = _serve("--notebook", str(missing))
    assert result.returncode == 1
    assert str(missing) in result.stderr and "missing" in result.stderr
    assert "Traceback" not in result.stderr
    assert not _listening(port)


def test_busy_port_is_explained():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "aml_teach", "serve", "--port", str(port), "--no-browser"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert "in use" in result.stderr
