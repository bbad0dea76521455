"""A regular install (a wheel, as images, hubs and Binder do) carries the knowledge base.

The wheel is built from this clone and installed, without its dependencies, into a fresh
virtual environment; the dependencies come from this environment's site-packages through a
``.pth`` line (which does not run this environment's editable-install hook), so the package
that loads is the wheel's copy, far from any clone.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from .conftest import DATA, ROOT

PROBE = """
import json, aml_teach
from aml_teach.core.knowledge import data_dir
kb = aml_teach.load_knowledge_base()
print(json.dumps({"package": aml_teach.__file__, "data": str(data_dir()),
                  "drugs": len(kb.drugs), "options": len(kb.options)}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its Python."""
    base = tmp_path_factory.mktemp("wheel-install")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "--disable-pip-version-check",
            str(ROOT),
            "-w",
            str(base / "dist"),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    wheels = list((base / "dist").glob("aml_teach-*.whl"))
    assert len(wheels) == 1, wheels
    target = base / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            "--disable-pip-version-check",
            str(wheels[0]),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "aml_teach_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def _run(python: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "AML_TEACH_DATA"} | env
    return subprocess.run(
        [str(python), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _rows(table: str) -> int:
    with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def test_wheel_loads_its_own_copy_of_the_knowledge_base(installed: Path, tmp_path: Path):
    result = _run(installed, "-c", PROBE, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    venv_dir = installed.parent.parent
    assert Path(found["package"]).is_relative_to(venv_dir), found
    assert Path(found["data"]) == Path(found["package"]).parent / "data"
    assert (found["drugs"], found["options"]) == (_rows("drugs"), _rows("options"))


def test_wheel_command_line_checks_the_packaged_data(installed: Path, tmp_path: Path):
    result = _run(installed.parent / "aml-teach", "check-data", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "all tables are valid" in result.stdout
    assert "site-packages/aml_teach/data" in result.stdout


def test_wheel_data_folder_is_overridden_by_aml_teach_data(
    installed: Path, tmp_path: Path, data_copy
):
    data_copy.set("drugs", 0, "beyond_seed", "perhaps")
    result = _run(
        installed, "-m", "aml_teach", "check-data", cwd=tmp_path, AML_TEACH_DATA=str(data_copy.path)
    )
    assert result.returncode == 1
    assert str(data_copy.path) in result.stderr and "perhaps" in result.stderr


FRENCH_PROBE = """
from aml_teach.core import i18n
from aml_teach.core.knowledge import load_knowledge_base
from aml_teach.core.translated_tables import localized
kb = localized(load_knowledge_base(), "fr")
print(i18n.translator("fr")("{low} to {high}", low=1, high=2))
print(kb.row("drugs", "daunorubicin")["name"])
print(i18n.po_path("fr", "core").is_file())
"""


def test_wheel_speaks_french_from_its_own_catalogues_and_tables(installed: Path, tmp_path: Path):
    result = _run(installed, "-c", FRENCH_PROBE, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["1 à 2", "daunorubicine", "True"]
