"""Run deploy/jupyterhub/jupyterhub_config.py on localhost, for the hub tests and benchmark.

The hub runs as root on free local ports with the deployment's own configuration; the test
layer (``OVERLAY``) only opens sign-up, shortens the idle timeout and activity reports, and
adds a read-only observer token. The course repository is a throwaway git repository made
from this clone's files, so the students' servers pull exactly what is being tested.
configurable-http-proxy comes from npm, installed into ``.hub-tools/`` when it is missing.

The students' servers run as their own system users, who may not be able to enter this
clone (root's home and ``mktemp -d`` folders are 0700). So the hub runs from a copy of this
clone's environment in the hub's own world-readable folder, with aml-teach installed into it
as a package (not as the clone's editable install), as a course server installs it.
"""

from __future__ import annotations

import json
import os
import pwd
import re
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


PACKAGE_FILES = ("pyproject.toml", "README.md", "LICENSE", "aml_teach", "data")
STUDENT_CHECK = "import aml_teach.core.knowledge, jupyterhub, voila, nbgitpuller, ipykernel"


def _link_or_copy(source: str, target: str) -> None:
    """A hard link where the file is already world-readable (instant, no space), else a copy
    made readable by all (the students must read every file of the environment)."""
    mode = os.stat(source).st_mode
    if mode & 0o004:
        try:
            os.link(source, target)
            return
        except OSError:
            pass  # another file system: copy
    shutil.copy2(source, target)
    os.chmod(target, mode | 0o444 | (0o111 if mode & 0o100 else 0))


def shared_environment(parent: Path) -> Path:
    """A copy of this clone's virtual environment in ``parent`` that every user can run, with
    aml-teach installed as a package; returns its python. Raises HubError if it cannot."""
    source, env = Path(sys.prefix), parent / "env"
    if source == Path(sys.base_prefix):
        raise HubError("the hub tests need the project's virtual environment (run.py test)")
    try:
        shutil.copytree(source, env, symlinks=True, copy_function=_link_or_copy)
        for folder, _dirs, _files in os.walk(env):
            os.chmod(folder, 0o755)
        # console scripts name the clone's python on their first line: name the copy's
        old = f"#!{source}/bin/".encode()
        for script in (env / "bin").iterdir():
            if script.is_file() and not script.is_symlink():
                data = script.read_bytes()
                if data.startswith(old):
                    script.unlink()  # a hard link: replace it, never write through it
                    script.write_bytes(f"#!{env}/bin/".encode() + data[len(old):])
                    script.chmod(0o755)
        package = parent / "package"
        package.mkdir()
        for name in PACKAGE_FILES:
            path = ROOT / name
            if path.is_dir():
                shutil.copytree(path, package / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(path, package / name)
        python = env / "bin" / "python"
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "--no-deps", "--no-index", "--no-build-isolation", str(package)],
            check=True, capture_output=True, text=True, timeout=600,
        )
        shutil.rmtree(package)
    except (OSError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", "") or ""
        raise HubError(
            f"could not make an environment the students can run: {error}\n{detail}"
        ) from error
    check = subprocess.run(
        ["runuser", "-u", "nobody", "--", str(python), "-c", STUDENT_CHECK],
        capture_output=True, text=True, timeout=300,
    )
    if check.returncode != 0:
        raise HubError(
            f"a student's account cannot run the hub's environment {env}:\n{check.stderr[-2000:]}"
        )
    return python


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
        try:
            self.python = shared_environment(self.base)
        except HubError:
            shutil.rmtree(self.base, ignore_errors=True)
            raise
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
        binary = self.python.with_name("jupyterhub")
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


def try_sign_up(page: object, hub: Hub, name: str) -> object:
    """Fill in and send the hub's NativeAuthenticator sign-up form, as a student does, in a
    browser page; return the alert the hub answers with."""
    page.goto(f"{hub.url}/hub/signup")
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill(PASSWORD)
    page.locator("#password_confirmation_input").fill(PASSWORD)
    page.locator("form input[type=submit], form button[type=submit]").first.click()
    alert = page.locator(".alert-success, .alert-info, .alert-danger").first
    alert.wait_for()
    return alert


def sign_up(page: object, hub: Hub, name: str) -> None:
    """Sign up successfully (the test fails otherwise)."""
    from playwright.sync_api import expect

    expect(try_sign_up(page, hub, name)).to_have_class(re.compile(r"alert-(success|info)"))
