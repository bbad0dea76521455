"""pyproject.toml and environment.yml name the same packages, so they cannot drift apart."""

from __future__ import annotations

import re

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pip carries the same parser
    from pip._vendor import tomli as tomllib

from .conftest import ROOT


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["test"]
    return {_name(s): s.replace(" ", "") for s in specs}


def _conda() -> dict[str, str]:
    specs = {}
    text = (ROOT / "environment.yml").read_text().split("dependencies:", 1)[1]
    for line in text.splitlines():
        match = re.match(r"^  - ([A-Za-z0-9_.-]+.*)$", line)
        if match and match.group(1) not in ("pip", "pip:"):
            spec = match.group(1).split("#")[0].strip()
            if _name(spec) not in ("python", "pip"):
                specs[_name(spec)] = spec.replace(" ", "")
    return specs


def test_same_packages():
    assert set(_pyproject()) == set(_conda())


def test_same_version_bounds():
    assert _pyproject() == _conda()


def test_voila_is_not_vulnerable():
    assert _pyproject()["voila"] == "voila>=0.5.6"
