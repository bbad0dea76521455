"""The files that run the module elsewhere agree with the project: Binder, the course hub,
the Kubernetes values and the single-user image (none of which can be built here)."""

from __future__ import annotations

import copy
import re
import types
import urllib.parse

import bcrypt
import jsonschema
import pytest
import sqlalchemy
import yaml
from jupyterhub.auth import LocalAuthenticator
from nativeauthenticator import NativeAuthenticator
from sqlalchemy.orm import sessionmaker
from traitlets.config import Config

from .conftest import ROOT
from .test_environment_files import _conda, _name, _pyproject, tomllib

Z2JH = ROOT.parent / "shared" / "reference" / "z2jh"
VALUES = ROOT / "deploy" / "z2jh" / "values.yaml"
DOCKERFILE = ROOT / "deploy" / "z2jh" / "Dockerfile"
HUB_CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
REPOSITORY = PROJECT["urls"]["Repository"]


# --- Binder --------------------------------------------------------------------------------


def _binder_links() -> list[urllib.parse.ParseResult]:
    readme = (ROOT / "README.md").read_text()
    return [
        urllib.parse.urlparse(u)
        for u in re.findall(r"\((https://mybinder\.org/v2/[^)]+)\)", readme)
    ]


def test_binder_badges_open_the_dashboard_and_the_first_lesson():
    targets = {}
    for link in _binder_links():
        slug = "/".join(link.path.split("/")[3:5])
        assert f"https://github.com/{slug}" == REPOSITORY, link.geturl()
        (urlpath,) = urllib.parse.parse_qs(link.query)["urlpath"]
        app, _, path = urlpath.partition("/")
        targets[app] = path
        assert (ROOT / path.split("/", 1)[1]).is_file(), f"{link.geturl()} points at nothing"
    assert targets == {
        "voila": "render/notebooks/dashboard.ipynb",
        "lab": "tree/notebooks/01-start-here.ipynb",
    }


def test_binder_environment_installs_the_module_and_what_it_needs():
    """repo2docker reads environment.yml: the same packages as pyproject.toml, plus the module
    itself (a local pip requirement, so repo2docker copies the repository first)."""
    assert set(_pyproject()) <= set(_conda())
    pip_section = (ROOT / "environment.yml").read_text().split("  - pip:", 1)[1]
    assert re.search(r"^\s+- -e \.$", pip_section, re.M)
    for extra in ("postBuild", "start", "binder"):  # none is needed: keep it that way or test it
        assert not (ROOT / extra).exists(), f"{extra} appeared: check it here"


# --- the department hub --------------------------------------------------------------------


def _hub_config(**env: str) -> dict:
    """The names the department hub's config file defines, ``c`` its configuration."""
    config = Config()
    code = compile(HUB_CONFIG.read_text(), str(HUB_CONFIG), "exec")
    namespace = {"get_config": lambda: config, "__file__": str(HUB_CONFIG)}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        exec(code, namespace)
    return namespace


def test_hub_config_serves_the_course_as_the_issue_asks():
    c = _hub_config(AML_TEACH_INSTRUCTORS="teacher1,teacher2", AML_TEACH_CULL_TIMEOUT="900")["c"]
    auth = c.JupyterHub.authenticator_class
    assert issubclass(auth, NativeAuthenticator) and issubclass(auth, LocalAuthenticator)
    assert c.LocalAuthenticator.create_system_users is True
    assert c.NativeAuthenticator.open_signup is False  # the instructor approves sign-ups
    assert c.Authenticator.admin_users == {"teacher1", "teacher2"}
    assert c.JupyterHub.spawner_class == "jupyterhub.spawner.LocalProcessSpawner"
    assert c.Spawner.notebook_dir == "~/aml-teach"
    default = c.Spawner.default_url.removeprefix("/lab/tree/")
    assert (ROOT / default).is_file()
    (culler,) = c.JupyterHub.services
    assert culler["command"][1:3] == ["-m", "jupyterhub_idle_culler"]
    assert "--timeout=900" in culler["command"]
    (role,) = c.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"] and "delete:servers" in role["scopes"]


# --- Kubernetes ----------------------------------------------------------------------------


def _merge(base: dict, override: dict) -> dict:
    """Helm's merge of a values file over the chart's defaults."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _validate(values: dict) -> None:
    if not (Z2JH / "values.schema.json").exists():
        pytest.skip(f"the chart's schema is not beside this clone ({Z2JH})")
    schema = yaml.safe_load((Z2JH / "values.schema.json").read_text())
    defaults = yaml.safe_load((Z2JH / "values.default.yaml").read_text())
    jsonschema.validate(_merge(defaults, values), schema)


def test_helm_values_validate_against_the_chart_schema():
    _validate(yaml.safe_load(VALUES.read_text()))


def test_the_schema_check_catches_a_mistake():
    """The same check refuses values with a typo, so a pass above means something."""
    values = yaml.safe_load(VALUES.read_text())
    values["cull"]["timout"] = 3600
    with pytest.raises(jsonschema.ValidationError, match="timout"):
        _validate(values)


def test_helm_values_match_the_project():
    values = yaml.safe_load(VALUES.read_text())
    single = values["singleuser"]
    assert single["image"]["tag"] == PROJECT["version"]
    assert (ROOT / single["defaultUrl"].removeprefix("/lab/tree/")).is_file()
    assert values["hub"]["config"]["KubeSpawner"]["notebook_dir"].endswith("/aml-teach")
    assert single["extraEnv"]["AML_TEACH_COURSE_REPO"] == REPOSITORY
    assert single["cmd"][0] == "aml-teach-start"
    sizes = {k: int(v.removesuffix("M")) for k, v in single["memory"].items()}
    assert 0 < sizes["guarantee"] <= sizes["limit"]
    assert values["cull"]["enabled"] is True


# --- Kubernetes: sign-up (hub.extraConfig) ----------------------------------------------------

PASSWORD = "plum-kettle-origami-42"  # long and not a common password


def _signup(values: dict | None = None) -> dict:
    """Run the values' sign-up extraConfig as the chart's hub does: after hub.config is loaded
    into ``c``, in the same namespace. Returns the names it defines."""
    values = values or yaml.safe_load(VALUES.read_text())
    c = Config()
    for section, settings in values["hub"]["config"].items():
        c[section].update(settings)
    namespace = {"c": c}
    code = values["hub"]["extraConfig"]["aml-teach-signup"]
    exec(compile(code, f"{VALUES}: hub.extraConfig.aml-teach-signup", "exec"), namespace)
    return namespace


def _start_hub(code: dict, db, password: str | None) -> NativeAuthenticator:
    """The hub's authenticator as the hub makes it at start, on the database ``db``."""
    with pytest.MonkeyPatch.context() as patch:
        if password is None:
            patch.delenv("AML_TEACH_INSTRUCTOR_PASSWORD", raising=False)
        else:
            patch.setenv("AML_TEACH_INSTRUCTOR_PASSWORD", password)
        c = code["c"]
        return c.JupyterHub.authenticator_class(config=c, db=db)


def _database():
    return sessionmaker(bind=sqlalchemy.create_engine("sqlite://"))()


def test_kubernetes_sign_up_refuses_reserved_and_instructor_names():
    values = yaml.safe_load(VALUES.read_text())
    admins = set(values["hub"]["config"]["Authenticator"]["admin_users"])
    refused = _signup(values)["refused"]
    for name in ["instructor", "admin", "root", *admins]:
        assert refused(name, admins), f"a student could sign up as {name}"
    assert refused("dr-lee", {"dr-lee"})  # whoever the instructors are
    assert not refused("alice", admins) and not refused("dr-lee", admins)


def test_kubernetes_hub_makes_the_instructor_and_no_student_can_take_an_admin_name():
    code = _signup()
    auth_class = code["c"].JupyterHub.authenticator_class
    assert issubclass(auth_class, NativeAuthenticator)
    db = _database()
    auth = _start_hub(code, db, PASSWORD)
    instructor = auth.get_user("instructor")
    assert instructor.is_authorized
    assert bcrypt.checkpw(PASSWORD.encode(), instructor.password)
    for name in ["root", "admin", "Instructor", "instructor"]:
        assert auth.create_user(name, "a-fine-long-passphrase") is None, name
    assert not auth.get_user("root") and not auth.get_user("admin")
    student = auth.create_user("alice", "a-fine-long-passphrase")
    assert student is not None and not student.is_authorized  # the instructor approves her
    # A restart needs no Secret any more and keeps the instructor's (changed) password.
    auth.change_password("instructor", "another-long-passphrase")
    again = _start_hub(code, db, None).get_user("instructor")
    assert bcrypt.checkpw(b"another-long-passphrase", again.password)


def test_kubernetes_hub_without_the_secret_says_how_to_make_it():
    code = _signup()
    for password in (None, "short"):
        with pytest.raises(RuntimeError, match="kubectl create secret generic aml-teach-instr"):
            _start_hub(code, _database(), password)


def test_kubernetes_sign_up_page_says_a_reserved_name_is_refused():
    code = _signup()
    auth = _start_hub(code, _database(), PASSWORD)
    (page_class,) = [h for path, h in auth.get_handlers(None) if path == "/signup"]
    page = page_class.__new__(page_class)  # no request needed: only its message
    page.application = types.SimpleNamespace(settings={"authenticator": auth})
    page.get_body_argument = lambda name, default=None, strip=True: "root"
    alert, message = page.get_result_message(None, True, False, True, False)
    assert alert == "alert-danger" and "root is reserved" in message


def test_both_hubs_reserve_the_same_names():
    assert _signup()["RESERVED"] == _hub_config()["RESERVED"]


# --- the single-user image -----------------------------------------------------------------


def test_image_installs_the_same_packages_and_versions_as_pyproject():
    text = DOCKERFILE.read_text()
    specs = re.findall(r'^\s+"([^"]+)"(?: \\)?$', text, re.M)
    named = {_name(spec): spec for spec in specs}
    wanted = {
        _name(s): s for s in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["hub"]
    }
    assert named == wanted
    assert "pip install --no-cache-dir --no-deps /opt/aml-teach" in text
    assert (ROOT / "deploy" / "z2jh" / "aml-teach-start").stat().st_mode & 0o111
