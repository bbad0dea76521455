"""The package's rooms and the one way its imports point (docs/architecture.md).

app -> teaching -> core; live may use app, teaching and core; classroom may use live too;
export (the question bank's exports) may use teaching and core, and only the command line
imports it. Nothing imports upward, no room imports the top-level package (it is the public
face, made from the core), and no modules import each other in a circle, counting imports
inside functions as well. The same circle check covers benchmarks/.
"""

from __future__ import annotations

import ast

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    from pip._vendor import tomli as tomllib
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = "aml_teach"
# what each room may import (besides itself); a room missing here is an unknown folder
MAY_USE: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "teaching": frozenset({"core"}),
    "app": frozenset({"teaching", "core"}),
    "live": frozenset({"app", "teaching", "core"}),
    "classroom": frozenset({"live", "app", "teaching", "core"}),
    "export": frozenset({"teaching", "core"}),  # reserved: built on another branch
}
ONLY_THE_CLI_IMPORTS = frozenset({"export"})
CLI = f"{PACKAGE}.__main__"
TOP = PACKAGE  # aml_teach/__init__.py: the public names, from the core
TOP_MAY_USE = frozenset({"core"})
NOT_CODE = frozenset({"data"})  # aml_teach.data is the knowledge base's tables (pyproject)


def modules(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` under ``root``: dotted name -> file."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of ``known`` that module ``name`` imports anywhere in its file (at the
    top, in functions, under TYPE_CHECKING): what it needs in order to work."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    wanted: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            # ``from . import box`` imports the module box; ``from .x import y`` imports x
            targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in known else stem
                       for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # ``import a.b.c`` -> nearest module
                target = target.rpartition(".")[0]
            if target and target != name:
                wanted.add(target)
    return wanted


def room_of(module: str) -> str | None:
    """``aml_teach.app.look`` -> ``app``; the top-level package and the CLI have none."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] != "__main__") else None


def upward_imports(root: Path) -> list[str]:
    """Every import that breaks the rooms' order, as ``importer -> imported: why``."""
    known = modules(root, PACKAGE)
    problems = []
    for name, path in known.items():
        mine = room_of(name)
        for target in sorted(imports(name, path, known)):
            theirs = room_of(target)
            if name == CLI:
                continue  # the command line may start anything
            if theirs in ONLY_THE_CLI_IMPORTS and mine != theirs:
                problems.append(f"{name} -> {target}: only the command line imports {theirs}")
            elif name == TOP:
                if theirs not in TOP_MAY_USE:
                    problems.append(f"{name} -> {target}: the public names come from the core")
            elif target in (TOP, CLI):
                problems.append(f"{name} -> {target}: a room never imports the top-level package "
                                "(take the name from its room)")
            elif theirs != mine and theirs not in MAY_USE.get(mine, frozenset()):
                problems.append(f"{name} -> {target}: {mine} may use only "
                                f"{', '.join(sorted(MAY_USE.get(mine, ()))) or 'itself'}")
    return problems


def unknown_rooms(root: Path) -> list[str]:
    folders = {p.parent.name for p in (root / PACKAGE).glob("*/__init__.py")}
    return sorted(folders - set(MAY_USE) - NOT_CODE)


def circles(root: Path, *packages: str) -> list[list[str]]:
    """Groups of modules that import each other in a circle (Tarjan's strongly connected
    components of the import graph, imports inside functions included)."""
    known: dict[str, Path] = {}
    for package in packages:
        known.update(modules(root, package))
    graph = {name: sorted(imports(name, path, known)) for name, path in known.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            # a package's __init__ importing its own modules is not a circle of ours
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


# --- the project itself ------------------------------------------------------------------


def test_no_import_points_upward():
    assert upward_imports(ROOT) == []


def test_no_modules_import_each_other_in_a_circle():
    assert circles(ROOT, PACKAGE) == []
    assert circles(ROOT, "benchmarks") == []


def test_every_folder_of_the_package_is_a_known_room():
    assert unknown_rooms(ROOT) == [], "add the room to MAY_USE and to docs/architecture.md"


def test_the_rooms_are_there_and_the_wheel_lists_them():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    present = {p.parent.name for p in (ROOT / PACKAGE).glob("*/__init__.py")}
    assert {"core", "teaching", "app", "classroom", "live"} <= present
    assert {f"{PACKAGE}.{room}" for room in present} <= listed, "pyproject.toml: packages"


# --- the checks can fail -------------------------------------------------------------------


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = tmp_path / PACKAGE / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for folder in [tmp_path / PACKAGE, *(tmp_path / PACKAGE).rglob("*")]:
        if folder.is_dir() and not (folder / "__init__.py").exists():
            (folder / "__init__.py").write_text("")
    return tmp_path


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # the core reaching for a widget, inside a function
        ({"core/rules.py": "def f():\n    from ..app import look\n", "app/look.py": ""},
         "aml_teach.core.rules -> aml_teach.app.look"),
        # teaching importing the app by absolute name
        ({"teaching/lesson.py": "import aml_teach.app.look\n", "app/look.py": ""},
         "aml_teach.teaching.lesson -> aml_teach.app.look"),
        # the app importing the live class (``from .. import`` form)
        ({"app/page.py": "from ..live import box\n", "live/box.py": ""},
         "aml_teach.app.page -> aml_teach.live.box"),
        # live importing the classroom, only when type checking
        ({"live/room.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                          "    from ..classroom.policy import X\n",
          "classroom/policy.py": "X = 1\n"},
         "aml_teach.live.room -> aml_teach.classroom.policy"),
        # a room taking a name from the top-level package
        ({"app/page.py": "from .. import DISCLAIMER\n", "__init__.py": "DISCLAIMER = ''\n"},
         "aml_teach.app.page -> aml_teach: a room never imports"),
        # the exports, imported by anything but the command line
        ({"classroom/serve.py": "from ..export import moodle\n", "export/moodle.py": ""},
         "aml_teach.classroom.serve -> aml_teach.export.moodle: only the command line"),
    ],
)
def test_an_upward_import_is_caught(tmp_path, files, expected):
    problems = upward_imports(_package(tmp_path, files))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_the_command_line_may_import_any_room(tmp_path):
    root = _package(tmp_path, {"__main__.py": "from .export import moodle\nfrom .classroom "
                               "import serve\n", "export/moodle.py": "", "classroom/serve.py": ""})
    assert upward_imports(root) == []


def test_a_circle_is_caught_even_inside_functions(tmp_path):
    root = _package(tmp_path, {
        "live/room.py": "def page():\n    from .instructor import view\n",
        "live/instructor.py": "from .room import page\nview = 1\n",
    })
    assert circles(root, PACKAGE) == [["aml_teach.live.instructor", "aml_teach.live.room"]]


def test_an_unknown_folder_is_caught(tmp_path):
    assert unknown_rooms(_package(tmp_path, {"misc/helpers.py": ""})) == ["misc"]
