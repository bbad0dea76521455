"""The class server's rules on their own (no server): caps, rate budget, scrubbing, checks.

The same rules are tested end to end against a real server in
tests/classroom/voila/test_hardening.py.
"""

from __future__ import annotations

import json
import logging

import ipywidgets as widgets
import pytest

from aml_teach.classroom import comm_guard, voila_classroom, voila_terminal
from aml_teach.classroom import voila_engine as serve
from aml_teach.classroom import voila_handlers as classroom
from aml_teach.classroom.limits import Bucket


class FakeKernels:
    def __init__(self, ids: list[str]) -> None:
        self.ids = ids

    def list_kernel_ids(self) -> list[str]:
        return list(self.ids)


def test_caps_per_device_then_class_and_a_closed_kernel_frees_its_place():
    said: list[str] = []
    room = voila_classroom.Classroom(max_kernels=3, per_client=2, say=said.append)
    room.kernel_manager = FakeKernels([])
    for number, address in enumerate(["10.0.0.2", "10.0.0.2"]):
        assert room.admit(address) is None
        room.bind(f"k{number}", f"browser{number}", address)
        room.release(address)
        room.kernel_manager.ids.append(f"k{number}")
    status, (title, _) = room.admit("10.0.0.2")
    assert (status, title) == (429, "Close your other tabs")
    assert room.admit("10.0.0.3") is None  # reserved while its kernel starts
    status, (title, _) = room.admit("10.0.0.4")
    assert (status, title) == (503, "The class is full")
    assert len(said) == 2 and all(line.startswith("refused a page") for line in said)
    room.release("10.0.0.3")
    room.kernel_manager.ids.remove("k0")  # a tab closed
    assert room.admit("10.0.0.2") is None


def test_this_computer_is_not_a_device_for_the_per_device_cap():
    room = voila_classroom.Classroom(max_kernels=5, per_client=1, say=lambda _: None)
    room.kernel_manager = FakeKernels([])
    assert room.admit("127.0.0.1") is None and room.admit("127.0.0.1") is None
    assert room.admit("127.0.0.2") is None
    assert room.admit("127.0.0.2")[0] == 429


def test_the_message_budget_allows_a_burst_then_the_rate():
    bucket = Bucket(rate=10, burst=5)
    assert [bucket.take() for _ in range(6)] == [True] * 5 + [False]
    bucket.stamp -= 0.35  # a third of a second later: three more
    assert [bucket.take() for _ in range(4)] == [True] * 3 + [False]


def test_log_lines_lose_tokens_cookies_and_kernel_ids():
    line = (
        "403 GET /voila/files/x?token=abc123&_xsrf=zz (1.2.3.4) kernel "
        "0f8fad5b-d9cb-469f-a165-70867728950e 'Cookie': 'aml_browser=secret'"
    )
    clean = voila_terminal.scrub(line)
    for secret in ("abc123", "zz", "0f8fad5b", "secret"):
        assert secret not in clean
    record = logging.LogRecord("x", logging.INFO, "", 0, "Kernel started: %s", ("id",), None)
    assert voila_terminal.QuietTerminal().filter(record) is False  # chatter is dropped


def _frame(msg_type: str, content: bytes) -> bytes:
    """A v1-protocol binary message, as the page's websocket sends it."""
    header = json.dumps({"msg_type": msg_type}).encode()
    parts = [b"shell", header, b"{}", b"{}", content]
    offsets = [8 * (1 + len(parts) + 1)]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    head = len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + b"".join(parts)


def test_a_binary_frame_claiming_billions_of_parts_is_refused_at_once():
    assert classroom._message_type((10**12).to_bytes(8, "little") + b"x" * 64) is None
    assert classroom._message_type(_frame("comm_msg", b'{"comm_id": "abc"}')) == "comm_msg"
    assert classroom._message_type(_frame("comm_msg", b'{"comm_id": {}}')) is None
    assert classroom._message_type(_frame("comm_close", b"[]")) is None
    text = '{"header": {"msg_type": "%s"}, "content": %s}'
    assert classroom._message_type(text % ("shutdown_request", "{}")) == "shutdown_request"
    assert "shutdown_request" not in classroom.ALLOWED_MESSAGES
    assert classroom._message_type(text % ("comm_msg", '{"comm_id": [1]}')) is None
    assert classroom._message_type(text % ("comm_info_request", "{}")) == "comm_info_request"


def test_default_caps_follow_memory_and_flags_are_checked(monkeypatch):
    monkeypatch.setattr(serve, "free_memory_mb", lambda: 10 * 1024)
    monkeypatch.setattr(serve, "raise_open_files_limit", lambda: 1_000_000)
    max_kernels, per_client = serve.class_limits(None, None, 4)
    assert max_kernels == int(10 * 1024 * 0.8 / serve.KERNEL_MB) - 4
    assert per_client == serve.DEFAULT_PER_CLIENT
    monkeypatch.setattr(serve, "raise_open_files_limit", lambda: 1024)
    assert serve.class_limits(None, None, 4)[0] == (1024 - 200) // serve.FDS_PER_LEARNER
    assert serve.class_limits(2, 5, 4) == (2, 2)
    assert "at least 1" in serve.class_limits(0, None, 4)


@pytest.mark.parametrize(
    ("state", "refused"),
    [
        ({"index": [0]}, False),
        ({"index": list(range(50))}, True),  # more entries than options
        ({"value": "x" * (comm_guard.MAX_TEXT + 1)}, True),
        ({"description": [[[[[[1]]]]]]}, True),
        ({str(n): 1 for n in range(comm_guard.MAX_KEYS + 1)}, True),
        ("not a mapping", True),
    ],
)
def test_widget_state_is_bounded_before_ipywidgets_sees_it(state, refused):
    picker = widgets.SelectMultiple(options=["a", "b", "c"])
    assert (comm_guard.state_problem(picker, state) is not None) is refused


@pytest.mark.parametrize(
    ("msg", "refused"),
    [
        ({"content": {"comm_id": "x", "data": {}}}, False),
        ({"content": {"comm_id": 5}}, True),
        ({"content": "x"}, True),
        ({"content": {"comm_id": "x", "data": []}}, True),
        ({"content": {"comm_id": "x"}, "buffers": 3}, True),
    ],
)
def test_comm_messages_are_checked_for_shape(msg, refused):
    assert (comm_guard.message_problem(msg) is not None) is refused


def test_outside_a_classroom_kernel_nothing_is_installed(monkeypatch):
    monkeypatch.delenv(comm_guard.CLASSROOM_ENV, raising=False)
    assert comm_guard.protect_if_classroom() is False
    monkeypatch.setenv(comm_guard.CLASSROOM_ENV, "1")
    assert comm_guard.protect_if_classroom() is False  # no kernel in a test process
