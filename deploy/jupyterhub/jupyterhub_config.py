"""JupyterHub for a whole course on one department server (see docs/instructor-guide.md).

Each student signs up with a username and password (NativeAuthenticator; the instructor
approves sign-ups at /hub/authorize unless AML_TEACH_OPEN_SIGNUP=yes), becomes a system user
of this machine with a home folder only they can enter (0700), and gets their own single-user
server running as that user (LocalProcessSpawner), with the module cloned into
``~/aml-teach`` by nbgitpuller on first start and updated, keeping their edits, on every
later start. Sign-up refuses the instructors' names, reserved names (root, admin, ...) and
the name of any account or group this machine already has: a student must never become the
hub's admin or run as an existing account. The instructors' accounts are made when the hub
starts, not by sign-up: their passwords are written to ``instructor-passwords.txt`` in the
hub's folder (readable by root only; change them at /hub/change-password).

JupyterLab opens on the first lesson; the dashboard is served by Voila as a server extension at
``/user/<name>/voila/render/notebooks/dashboard.ipynb``. Idle servers are stopped by
jupyterhub-idle-culler. The instructor is the hub's admin (``/hub/admin`` shows who is on).

Run it as root from the folder that keeps the hub's state (its database and cookie secret),
with this environment's ``jupyterhub`` and configurable-http-proxy (from npm) on PATH::

    cd /srv/aml-teach-hub && /opt/aml-teach/bin/jupyterhub -f /path/to/jupyterhub_config.py

Settings come from environment variables, so this file needs no editing:

    AML_TEACH_COURSE_REPO    git URL (or path) of the module (default: the project's repository)
    AML_TEACH_COURSE_BRANCH  its branch (default: main)
    AML_TEACH_INSTRUCTORS    comma-separated admin usernames (default: instructor)
    AML_TEACH_OPEN_SIGNUP    "yes" lets sign-ups in without the instructor's approval
    AML_TEACH_CULL_TIMEOUT   seconds of inactivity before a server is stopped (default: 3600)
    AML_TEACH_CULL_EVERY     how often the culler looks, in seconds (default: 300)
"""

from __future__ import annotations

import asyncio
import grp
import os
import pwd
import secrets
import sys
from pathlib import Path

import bcrypt
from jupyterhub.auth import LocalAuthenticator
from nativeauthenticator import NativeAuthenticator
from nativeauthenticator.handlers import SignUpHandler
from nativeauthenticator.orm import UserInfo

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

BIN = Path(sys.executable).parent  # students' servers run from the hub's own environment
COURSE_REPO = os.environ.get("AML_TEACH_COURSE_REPO", "https://github.com/aml-teach/aml-teach")
COURSE_BRANCH = os.environ.get("AML_TEACH_COURSE_BRANCH", "main")
COURSE_FOLDER = "aml-teach"  # in each student's home; the root of their Jupyter server
INSTRUCTORS = {n.strip() for n in os.environ.get("AML_TEACH_INSTRUCTORS", "instructor").split(",")}
CULL_TIMEOUT = int(os.environ.get("AML_TEACH_CULL_TIMEOUT", "3600"))
CULL_EVERY = int(os.environ.get("AML_TEACH_CULL_EVERY", "300"))
# Never a student's name, whether or not such an account exists yet.
RESERVED = {"root", "admin", "administrator", "instructor", "teacher", "jupyterhub", "hub"}
PASSWORDS = Path("instructor-passwords.txt")  # in the hub's folder (its working directory)


def refusal(name: str) -> str | None:
    """Why ``name`` cannot be signed up for, or None if it can."""
    if name in RESERVED or name in INSTRUCTORS:
        return "is reserved"
    for lookup in (pwd.getpwnam, grp.getgrnam):
        try:
            lookup(name)
        except KeyError:
            continue
        return "belongs to an account of this computer"
    return None


class CourseSignUpHandler(SignUpHandler):
    """NativeAuthenticator's sign-up form, saying plainly why a reserved name is refused."""

    async def post(self) -> None:
        name = self.authenticator.normalize_username(
            self.get_body_argument("username", "", strip=False)
        )
        why = refusal(name) if self.authenticator.enable_signup else None
        if why is None:
            return await super().post()
        html = await self.render_template(
            "signup.html",
            ask_email=self.authenticator.ask_email_on_signup,
            result_message=f"The username {name} {why}: please choose another one.",
            alert="alert-danger",
            two_factor_auth=self.authenticator.allow_2fa,
            two_factor_auth_user=False,
            two_factor_auth_value="",
            recaptcha_key=self.authenticator.recaptcha_key,
            tos=self.authenticator.tos,
        )
        self.finish(html)


class CourseAuthenticator(NativeAuthenticator, LocalAuthenticator):
    """Sign-up and login by NativeAuthenticator; the matching system user is created by the hub
    (LocalAuthenticator), since each student's server runs as their own user."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.make_instructors()

    def make_instructors(self) -> None:
        """Each instructor's account, made at the hub's start with a random password written
        to PASSWORDS (root only), so that no one can take the name by signing up first."""
        made = []
        for name in sorted(self.admin_users):
            if self.get_user(name) is None:
                password = secrets.token_urlsafe(12)
                hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt())
                self.db.add(UserInfo(username=name, password=hashed, is_authorized=True))
                made.append(f"{name}: {password}\n")
        if not made:
            return
        self.db.commit()
        descriptor = os.open(PASSWORDS, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a") as passwords:
            passwords.writelines(made)
        self.log.warning(
            "Instructor account(s) made; the password(s) are in %s (readable by root only). "
            "Change them at /hub/change-password.",
            PASSWORDS.resolve(),
        )

    def create_user(self, username: str, password: str, **kwargs):
        if refusal(self.normalize_username(username)) is not None:
            return None
        return super().create_user(username, password, **kwargs)

    def get_handlers(self, app) -> list:
        return [
            (path, CourseSignUpHandler if handler is SignUpHandler else handler)
            for path, handler in super().get_handlers(app)
        ]


c.JupyterHub.authenticator_class = CourseAuthenticator
c.Authenticator.admin_users = INSTRUCTORS - {""}
# NativeAuthenticator decides who may log in (approved sign-ups), so the hub lets them all in.
c.Authenticator.allow_all = True
c.NativeAuthenticator.open_signup = os.environ.get("AML_TEACH_OPEN_SIGNUP", "no") == "yes"
c.NativeAuthenticator.minimum_password_length = 8
c.NativeAuthenticator.check_common_password = True
c.LocalAuthenticator.create_system_users = True
# Home folders only their owner can enter (useradd's default follows the umask: 0755).
c.LocalAuthenticator.add_user_cmd = [
    "useradd", "--create-home", "--key", "HOME_MODE=0700", "--shell", "/bin/bash"
]


async def pull_course(spawner) -> None:
    """Clone the module into ~/aml-teach on the first start; later starts merge upstream
    changes and keep the student's own edits (nbgitpuller's merge rules)."""
    user = pwd.getpwnam(spawner.user.name)
    home = Path(user.pw_dir)
    if home.stat().st_uid == user.pw_uid:
        home.chmod(0o700)  # also a home made before homes were private
    target = home / COURSE_FOLDER
    process = await asyncio.create_subprocess_exec(
        "runuser",
        "-u",
        user.pw_name,
        "--",
        str(BIN / "gitpuller"),
        COURSE_REPO,
        COURSE_BRANCH,
        str(target),
        cwd=user.pw_dir,
        env={"HOME": user.pw_dir, "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    if process.returncode != 0:
        log = output.decode(errors="replace")[-2000:]
        if not (target / "notebooks").is_dir():
            raise RuntimeError(f"could not fetch the module for {user.pw_name}:\n{log}")
        spawner.log.warning("update of %s failed; the student's copy is kept:\n%s", target, log)
    templates = target / "classroom" / "share" / "jupyter"
    spawner.environment = {**spawner.environment, "JUPYTER_PATH": str(templates)}


c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.pre_spawn_hook = pull_course
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = f"~/{COURSE_FOLDER}"
c.Spawner.default_url = "/lab/tree/notebooks/01-start-here.ipynb"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# The dashboard's look: the same Voila template as class mode, from the student's copy.
c.Spawner.args = ["--VoilaConfiguration.template=aml"]

# Idle servers are stopped; their files stay in the student's home.
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={CULL_TIMEOUT}",
            f"--cull-every={CULL_EVERY}",
        ],
    }
]
