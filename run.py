#!/usr/bin/env python3
"""The two commands of the README, needing nothing but Python 3.10+.

    python3 run.py serve [options]   install into .venv if needed, then serve the dashboard
    python3 run.py test [pytest args] install into .venv (with test tools), then run every test
    python3 run.py lab [--lang fr]    open the teaching notebooks in JupyterLab (--lang fr:
                                      the French lessons, JupyterLab's menus in French)
    python3 run.py book [--hub-url URL] build the course site into _build/html (offline)

Both are idempotent: the virtual environment is created once and reinstalled only when
pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
CHROMIUM = os.environ.get("AML_TEACH_CHROMIUM", "/usr/bin/chromium")


def _say(message: str) -> None:
    print(f"[aml-teach] {message}", flush=True)


def ensure_environment(extra: str) -> None:
    """Create .venv and install the project (with ``extra``) unless already up to date."""
    if sys.version_info < (3, 10):  # noqa: UP036 (run.py may be started by an older Python)
        sys.exit(f"aml-teach needs Python 3.10 or newer; this is {sys.version.split()[0]}.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = VENV / f".installed-{extra or 'base'}"
    if stamp.exists() and stamp.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        _say("creating the virtual environment .venv ...")
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extra}]" if extra else "."
    _say(f"installing aml-teach and its dependencies ({target}) into .venv ...")
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target],
        cwd=ROOT,
        check=True,
    )
    _say("compiling the French catalogues (aml_teach/locale) ...")
    subprocess.run([str(PYTHON), "-m", "aml_teach.core.i18n", "compile"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    stamp.write_text(wanted)


def serve(args: list[str]) -> int:
    ensure_environment("")
    return subprocess.call([str(PYTHON), "-m", "aml_teach", "serve", *args], cwd=ROOT)


def lab_argv(args: list[str]) -> list[str]:
    """JupyterLab on the first lesson; as root it needs --allow-root, and a taken port is
    skipped (the next free one of 50 is used and printed)."""
    # aml_teach.classroom.lab opens notebooks/01-start-here.ipynb (with --lang fr,
    # notebooks/fr/01-start-here.ipynb, JupyterLab in French) and saves widgets as a run-again
    # note
    argv = [str(PYTHON), "-m", "aml_teach.classroom.lab"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")
    return [*argv, "--ServerApp.port_retries=50", *args]


def lab(args: list[str]) -> int:
    ensure_environment("")
    return subprocess.call(lab_argv(args), cwd=ROOT)


def book(args: list[str]) -> int:
    ensure_environment("book")
    return subprocess.call([str(PYTHON), "-m", "aml_teach.export.book", *args], cwd=ROOT)


def find_browser() -> bool:
    """Debian's Chromium, or else Playwright's own download; False if neither can be had."""
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return True
    _say(f"no Chromium at {CHROMIUM}: trying Playwright's own (playwright install chromium)")
    if subprocess.call([str(PYTHON), "-m", "playwright", "install", "chromium"], cwd=ROOT) == 0:
        return True
    _say(
        "Could not get a browser. The browser tests need Chromium: install Debian's with\n"
        "    sudo apt-get install chromium\n"
        "(or set AML_TEACH_CHROMIUM to another Chromium binary, or run\n"
        "    .venv/bin/python -m playwright install --with-deps chromium\n"
        "on a machine with internet), then run this again."
    )
    return False


def test(args: list[str]) -> int:
    ensure_environment("test")
    if not find_browser():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            _say("CI=true: the browser tests must run, so this is a failure.")
            return 1
        _say("WITHOUT A BROWSER: the browser tests will be SKIPPED (the summary says so).")
    _say("checking style with ruff ...")
    lint = subprocess.call([str(PYTHON), "-m", "ruff", "check", "."], cwd=ROOT)
    _say("running the test suite (unit, notebooks, browser, hub) ...")
    tests = subprocess.call([str(PYTHON), "-m", "pytest", *args], cwd=ROOT)
    return lint or tests


def main() -> int:
    commands = {"serve": serve, "test": test, "lab": lab, "book": book}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
