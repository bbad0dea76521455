"""A real classroom server and Debian's Chromium, shared by the browser tests.

One server (the README's serve command, on a free port) serves the whole session; each test
gets a fresh browser context and page. On failure the page is saved as a screenshot in
``test-artifacts/`` and the server's log is there too.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("AML_TEACH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
SERVER_START_SECONDS = 90
RENDER_TIMEOUT_MS = 60_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float) -> None:
    """Wait until the server accepts connections; fail with its log if it dies or hangs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server did not answer within {seconds} s:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    """Stop the server we started (and its kernels, in its own process group)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """The README's serve command on a free port; yields the dashboard's URL."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    log = ARTIFACTS / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "aml_teach", "serve", "--port", str(port), "--no-browser"],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_port(port, process, log, SERVER_START_SECONDS)
        yield f"http://localhost:{port}/"
    finally:
        stop(process)


@pytest.fixture(scope="session")
def solara_url() -> Iterator[str]:
    """The Solara engine (``serve --engine solara``, offline) on a free port; its URL."""
    from tests.classroom.solara.servers import start_solara  # imports this module: import it late

    server = start_solara("browser")
    try:
        yield f"http://localhost:{server.port}/"
    finally:
        stop(server.process)


@pytest.fixture(params=["voila", "solara"])
def dashboard_url(request: pytest.FixtureRequest) -> str:
    """The class dashboard served by each engine in turn: the same tests run against both."""
    return request.getfixturevalue("server_url" if request.param == "voila" else "solara_url")


NO_BROWSER = "NO BROWSER: browser test skipped"


def launch_chromium(playwright: object) -> object:
    """Debian's Chromium, else Playwright's own download (``python -m playwright install
    chromium``). Without either: in CI (``CI=true``) a failure, elsewhere a loud skip."""
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    try:
        return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
    except Exception as error:  # noqa: BLE001 - Playwright raises its own Error type
        if executable is not None or os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            raise
        pytest.skip(
            f"{NO_BROWSER}: no Chromium at {CHROMIUM} and no Playwright browser ({error}). "
            "Install one: `sudo apt-get install chromium` or "
            "`.venv/bin/python -m playwright install chromium`."
        )


@pytest.fixture(scope="session")
def browser(playwright_driver: object) -> Iterator[object]:
    """Headless Chromium for the session (see :func:`launch_chromium`)."""
    chromium = launch_chromium(playwright_driver)
    yield chromium
    chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Keep each phase's report on the test item, so fixtures can see a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    report = getattr(request.node, "report_call", None)
    return report is None or report.failed


def finish(page: object, context: object, request: pytest.FixtureRequest) -> None:
    """Close the context, after saving a screenshot if the test failed."""
    if _failed(request):
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception as error:  # noqa: BLE001 - a failed screenshot must not hide the failure
            print(f"could not save a screenshot: {error}")
    context.close()


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh desktop-sized page (1366 x 900); a screenshot is saved if the test fails."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    yield page
    finish(page, context, request)


@pytest.fixture
def phone(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh phone-sized page (390 x 844, touch, as a small phone)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    yield page
    finish(page, context, request)


def open_dashboard(page: object, url: str) -> object:
    """Open the dashboard and wait until the options region is drawn; return the region."""
    page.goto(url)
    region = page.locator(".aml-options")
    region.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    page.locator(".aml-options .aml-count").wait_for(timeout=RENDER_TIMEOUT_MS)
    return region


# --- JupyterLab, the students' path ------------------------------------------------------


class Lab:
    """A running JupyterLab: its address, token and the folder of notebook copies it serves."""

    def __init__(self, url: str, token: str, root: Path) -> None:
        self.url, self.token, self.root = url, token, root

    def notebook_url(self, name: str) -> str:
        # reset: a fresh workspace holding just this notebook, whatever an earlier test opened
        return f"{self.url}lab/tree/{name}?token={self.token}&reset"


def _fresh_copies(target: Path) -> None:
    """The notebooks as a learner clones them, less stored outputs (so a run is visible)."""
    import nbformat

    target.mkdir(parents=True, exist_ok=True)
    for source in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(source, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(notebook, target / source.name)


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """``python -m aml_teach.classroom.lab`` (what ``run.py lab`` starts) on a free port with a
    token, serving copies of the notebooks (a test's autosave must never touch the repository)."""
    import secrets

    ARTIFACTS.mkdir(exist_ok=True)
    home = tmp_path_factory.mktemp("lab")
    root = home / "notebooks"
    _fresh_copies(root)
    # JupyterLab's own settings, isolated from the machine's: no news prompt over the page.
    news = home / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    port, token = free_port(), secrets.token_hex(12)
    argv = [
        sys.executable, "-m", "aml_teach.classroom.lab", "--no-browser", f"--port={port}",
        f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={token}",
    ]
    if os.geteuid() == 0:
        argv.append("--allow-root")
    log = ARTIFACTS / "jupyterlab.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_port(port, process, log, SERVER_START_SECONDS)
        yield Lab(f"http://127.0.0.1:{port}/", token, root)
    finally:
        stop(process)
