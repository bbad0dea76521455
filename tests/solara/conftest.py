"""Real Solara-engine servers for the tests of this folder (see servers.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .servers import ROOT, SolaraServer, start_solara, stop

__all__ = ["ROOT", "start_solara", "stop"]


@pytest.fixture(scope="session")
def solara_server() -> Iterator[SolaraServer]:
    """The Solara engine with its default settings, shared by the tests of this folder."""
    server = start_solara("classroom")
    try:
        yield server
    finally:
        stop(server.process)


@pytest.fixture(scope="session")
def solara_with_token() -> Iterator[SolaraServer]:
    server = start_solara("token", token="lecture-hall-42")
    try:
        yield server
    finally:
        stop(server.process)
