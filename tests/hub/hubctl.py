"""Run deploy/jupyterhub/jupyterhub_config.py on localhost, for the hub tests and benchmark.

The hub runs as root on free local ports with the deployment's own configuration; the test
layer (``OVERLAY``) only opens sign-up, shortens the idle timeout and activity reports, and
adds a read-only observer token. The course repository is a throwaway git repository made
from this clone's files, so the students' servers pull exactly what is being tested.
configurable-http-proxy comes from npm, installed into ``.hub-tools/`` when it is missing.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
TOOLS = ROOT / ".hub-tools"
CHP_VERSION = "5"
COURSE_FILES = ("notebooks", "data", "classroom", "README.md", "LICENSE")
PASSWORD = "aml-teach-hub-test-" + secrets.token_hex(4)

OVERLAY = """
load_subconfig({config!r})
c.NativeAuthenticator.open_signup = True
c.NativeAuthenticator.check_common_password = False
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.last_activity_interval = 5
c.Spawner.environment = {{"JUPYTERHUB_ACTIVITY_INTERVAL": "5"}}
c.JupyterHub.services.append({{"name": "observer", "api_token": {token!r}}})
c.JupyterHub.load_roles.append(
    {{
        "name": "observer",
        "scopes": ["list:users", "read:users", "read:servers"],
        "services": ["observer"],
    }}
)
"""


class HubError(RuntimeError):
    """The hub could not be set up here; the message says why and what to do."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configurable_http_proxy() -> str:
    """configurable-http-proxy: on PATH, in .hub-tools/, or installed there now with npm."""
    local = TOOLS / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return str(local)
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    npm = shutil.which("npm")
    if npm is None:
        raise HubError(
            "configurable-http-proxy is missing and so is npm to install it: "
            "install Node.js and npm (sudo apt-get install nodejs npm)."
        )
    subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(TOOLS),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            f"configurable-http-proxy@{CHP_VERSION}",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return str(local)


def make_course_repo(parent: Path) -> Path:
    """A git repository of this clone's course files, readable by every system user."""
    repo = parent / "course"
    repo.mkdir()
    for name in COURSE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source,
                repo / name,
                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
            )
        elif source.exists():
            shutil.copy2(source, repo / name)
    git = ["git", "-c", "user.name=aml-teach tests", "-c", "user.email=tests@localhost"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "course"], cwd=repo, check=True)
    bare = parent / "aml-teach.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(bare)], check=True)
    subprocess.run(["git", "update-server-info"], cwd=bare, check=True)
    return bare


def serve_git(folder: Path) -> tuple[subprocess.Popen, str]:
    """Serve the git repositories in ``folder`` with ``git daemon`` on a free local port, as a
    course's git host would. (A local path would meet git's ownership check: the students'
    git runs as another user than the repository's owner.)"""
    port = free_port()
    daemon = subprocess.Popen(
        [
            "git",
            "daemon",
            "--reuseaddr",
            "--export-all",
            "--listen=127.0.0.1",
            f"--port={port}",
            f"--base-path={folder}",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return daemon, f"git://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    daemon.kill()
    raise HubError("git daemon did not start")


class Hub:
    """One JupyterHub process; ``start`` and ``stop`` may be repeated on the same state."""

    def __init__(self, cull_timeout: int = 3600, cull_every: int = 300, extra: str = "") -> None:
        if os.geteuid() != 0:
            raise HubError("the hub runs students' servers as their own system users: run as root")
        self.base = Path(tempfile.mkdtemp(prefix="aml-teach-hub-"))
        self.base.chmod(0o755)
        self.state = self.base / "state"
        self.state.mkdir(mode=0o700)
        self.course = make_course_repo(self.base)
        self.git_daemon, git_url = serve_git(self.base)
        self.token = secrets.token_hex(16)
        self.users: list[str] = []
        self.overlay = self.state / "jupyterhub_test_config.py"
        self.overlay.write_text(
            OVERLAY.format(config=str(CONFIG), chp=configurable_http_proxy(), token=self.token)
            + extra
        )
        self.port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = os.environ | {
            "AML_TEACH_COURSE_REPO": f"{git_url}/{self.course.name}",
            "AML_TEACH_COURSE_BRANCH": "main",
            "AML_TEACH_INSTRUCTORS": self.new_user("admin"),
            "AML_TEACH_CULL_TIMEOUT": str(cull_timeout),
            "AML_TEACH_CULL_EVERY": str(cull_every),
            "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(16),
        }
        self.process: subprocess.Popen | None = None
        self.log = self.state / "hub.log"

    def update_course(self, path: str, text: str) -> None:
        """The instructor changes one file of the course and pushes it to the course's git."""
        work = self.base / "course"
        (work / path).write_text(text)
        git = ["git", "-c", "user.name=instructor", "-c", "user.email=instructor@localhost"]
        subprocess.run([*git, "add", path], cwd=work, check=True)
        subprocess.run([*git, "commit", "-q", "-m", f"update {path}"], cwd=work, check=True)
        subprocess.run(["git", "push", "-q", str(self.course), "main"], cwd=work, check=True)
        subprocess.run(["git", "update-server-info"], cwd=self.course, check=True)

    def start(self, seconds: float = 120) -> None:
        binary = Path(sys.executable).with_name("jupyterhub")
        with self.log.open("a") as output:
            self.process = subprocess.Popen(
                [
                    str(binary),
                    "-f",
                    str(self.overlay),
                    "--ip=127.0.0.1",
                    f"--port={self.port}",
                    f"--JupyterHub.hub_port={self.hub_port}",
                    f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{self.api_port}",
                ],
                cwd=self.state,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HubError(f"the hub exited with {self.process.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/hub/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
        raise HubError(f"the hub did not answer within {seconds} s:\n{self.tail()}")

    def stop(self) -> None:
        """Stop the hub (it stops the proxy and the students' servers), then any straggler."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        for pid in self.user_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def api(self, path: str, method: str = "GET", token: str | None = None) -> dict:
        """Call the hub's REST API, by default with the read-only observer token."""
        request = urllib.request.Request(
            f"{self.url}/hub/api{path}",
            method=method,
            headers={"Authorization": f"token {token or self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as reply:
            body = reply.read()
        return json.loads(body) if body else {}

    def new_user(self, tag: str) -> str:
        """A fresh username (the hub creates the system user when they sign up)."""
        name = f"amlt{tag}{secrets.token_hex(3)}"
        self.users.append(name)
        return name

    def uids(self, *names: str) -> set[int]:
        found = set()
        for name in names or self.users:
            try:
                found.add(pwd.getpwnam(name).pw_uid)
            except KeyError:
                pass
        return found

    def user_pids(self, *names: str) -> list[int]:
        """Processes running as these (default: all) test users: their servers and kernels."""
        uids, pids = self.uids(*names), []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            uid_line = next((ln for ln in text.splitlines() if ln.startswith("Uid:")), "")
            if uid_line and int(uid_line.split()[1]) in uids:
                pids.append(int(status.parent.name))
        return pids

    def cleanup(self) -> None:
        """Stop everything, delete the system users this hub created and its files."""
        self.stop()
        for name in self.users:
            try:
                pwd.getpwnam(name)
            except KeyError:
                continue
            subprocess.run(["userdel", "--remove", name], capture_output=True)
        self.git_daemon.terminate()
        self.git_daemon.wait(timeout=10)
        shutil.rmtree(self.base, ignore_errors=True)


def sign_up(page: object, hub: Hub, name: str) -> None:
    """Sign up on the hub's NativeAuthenticator form, as a student does, in a browser page."""
    from playwright.sync_api import expect

    page.goto(f"{hub.url}/hub/signup")
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill(PASSWORD)
    page.locator("#password_confirmation_input").fill(PASSWORD)
    page.locator("form input[type=submit], form button[type=submit]").first.click()
    expect(page.locator(".alert-success, .alert-info").first).to_be_visible()
