"""The serve command's parts: classroom settings, addresses, tokens, refusals (no server)."""

from __future__ import annotations

import json
import socket
import sys

import pytest

from aml_teach.__main__ import build_parser, main
from aml_teach.classroom import policy
from aml_teach.classroom import voila_engine as serve

from ..conftest import DATA, ROOT

CONFIG = json.loads((ROOT / "classroom" / "voila.json").read_text())


def test_the_classroom_configuration_keeps_students_to_the_dashboard():
    voila = CONFIG["VoilaConfiguration"]
    assert voila["template"] == "aml"
    assert voila["allow_template_override"] == "NO" and voila["allow_theme_override"] == "NO"
    assert voila["show_tracebacks"] is False and voila["strip_sources"] is True
    assert voila["file_allowlist"] == [] and voila["file_denylist"] == [".*"]
    assert voila["preheat_kernel"] is True and voila["default_pool_size"] >= 1
    assert "progressive_rendering" not in voila or voila["progressive_rendering"] is False
    culling = CONFIG["MappingKernelManager"]
    assert culling["cull_idle_timeout"] > 0 and culling["cull_connected"] is True
    assert CONFIG["Voila"]["ip"] == "localhost"
    policy = CONFIG["Voila"]["tornado_settings"]["headers"]["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "https:" not in policy


def test_the_kernel_runs_on_this_python_whatever_is_installed():
    manager = serve.ClassroomKernelSpecManager()
    spec = manager.get_kernel_spec("python3")
    assert spec.argv[0] == sys.executable and "ipykernel_launcher" in spec.argv
    assert list(manager.find_kernel_specs()) == ["python3"]
    with pytest.raises(Exception, match="other"):
        manager.get_kernel_spec("other")


def test_voila_gets_the_classroom_config_and_the_moment_s_settings():
    argv = serve.voila_argv("0.0.0.0", 9001, "abc", False, 3)
    assert argv[0] == str(serve.NOTEBOOK)
    assert f"--Voila.config_file_paths={serve.CLASSROOM}" in argv
    assert "--Voila.ip=0.0.0.0" in argv and "--port=9001" in argv
    assert "--Voila.port_retries=0" in argv and "--Voila.open_browser=False" in argv
    assert "--token=abc" in argv and "--VoilaConfiguration.default_pool_size=3" in argv
    plain = serve.voila_argv("localhost", 8866, None, True, None)
    assert not any(a.startswith("--token") or "pool" in a for a in plain)


def test_tokens():
    assert policy.make_token(None) is None and policy.make_token("") is None
    assert policy.make_token("lecture-3") == "lecture-3"
    first, second = policy.make_token("auto"), policy.make_token("auto")
    assert first != second and len(first) == 10
    assert set(first) <= set(policy.TOKEN_ALPHABET)


def test_class_mode_prints_the_addresses_to_share(monkeypatch):
    monkeypatch.setattr(policy, "lan_addresses", lambda: ["192.168.1.20", "10.0.0.5"])
    assert policy.share_urls("0.0.0.0", 8866, "tok") == [
        "http://192.168.1.20:8866/?token=tok", "http://10.0.0.5:8866/?token=tok"]
    banner = serve._banner("0.0.0.0", 8866, None)
    assert "http://192.168.1.20:8866/" in banner and "Class mode" in banner
    local = serve._banner("localhost", 8866, None)
    assert "http://localhost:8866/" in local and "--class" in local


def test_the_local_banner_does_not_speak_of_students_devices():
    """Only this computer can open a local server, and its own tabs have no per-device limit."""
    local = serve._banner("localhost", 8866, None, max_kernels=30, per_client=3)
    assert "Up to 30 learners" in local and "per device" not in local
    shared = serve._banner("0.0.0.0", 8866, None, max_kernels=30, per_client=3)
    assert "at most 3 pages per device" in shared


def test_lan_addresses_are_usable_ones():
    for address in policy.lan_addresses():
        assert not address.startswith(("127.", "169.254.", "0."))


def test_a_busy_port_is_not_chosen():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert policy.choose_port("localhost", port) is None
    assert policy.choose_port("localhost", None) is not None


def test_the_options_of_serve():
    args = build_parser().parse_args(["serve", "--class", "--token", "auto", "--port", "9000"])
    assert args.share and args.token == "auto" and args.port == 9000
    assert build_parser().parse_args(["serve", "--share"]).share


def test_broken_data_is_refused_before_anything_starts(data_copy, capsys, monkeypatch):
    # serve --data sets AML_TEACH_DATA for the kernels; setenv makes pytest undo that after
    monkeypatch.setenv("AML_TEACH_DATA", str(DATA))
    line = data_copy.set("options", 0, "fitness", "sometimes")
    assert main(["serve", "--data", str(data_copy.path), "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert "Not starting" in err
    assert f"options.csv, line {line}, column 'fitness'" in err


def test_a_missing_notebook_is_named(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("AML_TEACH_DATA", raising=False)
    missing = tmp_path / "dashboard.ipynb"
    monkeypatch.setattr(serve, "NOTEBOOK", missing)
    assert main(["serve", "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert str(missing) in err and "is missing" in err


def test_the_data_folder_setting_does_not_leak_between_tests():
    import os

    assert os.environ.get("AML_TEACH_DATA") in (None, str(DATA))
