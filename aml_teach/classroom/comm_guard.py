"""Keep a classroom kernel's comm channel to what the dashboard page needs.

A browser can send any comm message over the kernel websocket, not only what the page
sends. Left to ipywidgets and ipykernel, a message to a widget without the value guard
(HTML, Layout, Box, styles), a ``comm_msg`` without data or a ``comm_open`` with bad state
comes back to the page as a traceback with the server's paths, and a huge value (a
"treatments already given" selection of a million entries) costs seconds of kernel time.

:func:`protect_kernel` wraps the kernel's three comm handlers so that a message is checked
for shape and size *before* ipywidgets sees it (a refused message is dropped, and the
widget is put back in step with the value it kept), and makes sure whatever still fails
is reported to the instructor's terminal in one line, never to the page.
It is installed by the dashboard when the class server starts the kernel (the server sets
``AML_TEACH_CLASSROOM``); a notebook opened in JupyterLab keeps its normal tracebacks.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from typing import Any

CLASSROOM_ENV = "AML_TEACH_CLASSROOM"
# The only comm the page opens: the widget manager's control comm (it asks for the states).
ALLOWED_TARGETS = frozenset({"jupyter.widget.control"})
# What the page's widget manager sends on a widget's comm.
ALLOWED_METHODS = frozenset({"update", "request_state", "request_states", "custom"})
MAX_TEXT = 2_000  # characters in any one string value
MAX_ITEMS = 200  # entries in any one list value without options to bound it
MAX_KEYS = 64  # keys in one update
MAX_DEPTH = 4  # nesting of lists and dicts in one value
# Keys whose values pick from a widget's options: never more entries than options.
OPTION_KEYS = frozenset({"index", "value", "label"})
LOGGERS = ("Comm", "comm", "ipykernel.comm", "traitlets")

Handler = Callable[[Any, Any, dict], Any]


def _one_line(text: object, limit: int = 120) -> str:
    """A client-chosen string made safe for a terminal: printable, short."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return cleaned[:limit] + ("..." if len(cleaned) > limit else "")


class _OneLine(logging.Filter):
    """Turn a log record with a traceback into one line naming the exception type only.

    Exception messages may quote what a learner (or an attacker) sent; the type is enough
    for the instructor to report a problem.
    """

    window_s = 60.0
    per_window = 10  # lines a minute from one kernel: a flood must not bury the status line

    def __init__(self) -> None:
        super().__init__()
        self.window: list[float] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if "No such comm" in str(record.msg):  # a page closing: nothing for an instructor
            return False
        now = time.monotonic()
        self.window = [t for t in self.window if now - t < self.window_s]
        if len(self.window) >= self.per_window:
            return False
        self.window.append(now)
        exc_type = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        record.msg = _one_line(record.getMessage(), 200) + (f" ({exc_type})" if exc_type else "")
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


def terminal_stream() -> Any:
    """The instructor's terminal from inside a kernel.

    ipykernel forwards ``sys.stderr`` and even file descriptor 2 to the page; it keeps a
    copy of the original descriptor, which is the terminal that started the server.
    """
    original = getattr(sys.stderr, "_original_stdstream_copy", None)
    if isinstance(original, int):
        return os.fdopen(os.dup(original), "w", buffering=1)
    return sys.__stderr__ or sys.stderr


_TERMINAL: list[Any] = []


def _terminal() -> Any:
    if not _TERMINAL:
        _TERMINAL.append(terminal_stream())
    return _TERMINAL[0]


_FILTER: list[_OneLine] = []


def _terminal_handler() -> logging.Handler:
    if not _FILTER:
        _FILTER.append(_OneLine())
    handler = logging.StreamHandler(_terminal())
    handler.setFormatter(logging.Formatter("[aml-teach kernel %(levelname)s] %(message)s"))
    handler.addFilter(_FILTER[0])
    return handler


def _depth_ok(value: Any, depth: int = 0) -> bool:
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, str):
        return len(value) <= MAX_TEXT
    if isinstance(value, (list, tuple)):
        return len(value) <= MAX_ITEMS and all(_depth_ok(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return len(value) <= MAX_KEYS and all(
            isinstance(k, str) and len(k) <= MAX_TEXT and _depth_ok(v, depth + 1)
            for k, v in value.items()
        )
    return value is None or isinstance(value, (bool, int, float))


def state_problem(widget: Any, state: Any) -> str | None:
    """Why this browser-sent state is refused before ipywidgets sees it (None: it is not).

    A selection is bounded by its widget's options; every other value by fixed sizes.
    """
    if not isinstance(state, dict):
        return "the state is not a mapping"
    if len(state) > MAX_KEYS:
        return "too many keys"
    options = getattr(widget, "_options_labels", None)
    for key, value in state.items():
        if not isinstance(key, str):
            return "a key is not text"
        if options is not None and key in OPTION_KEYS and isinstance(value, (list, tuple)):
            if len(value) > len(options):
                return f"{key} has more entries than the widget has options"
        if not _depth_ok(value):
            return f"{key} is too large"
    return None


def message_problem(msg: Any) -> str | None:
    """Why a comm message is refused for its shape alone (None: it is well formed)."""
    content = msg.get("content") if isinstance(msg, dict) else None
    if not isinstance(content, dict):
        return "no content"
    if not isinstance(content.get("comm_id"), str) or len(content["comm_id"]) > 128:
        return "no comm id"
    data = content.get("data", {})
    if not isinstance(data, dict):
        return "data is not a mapping"
    if not isinstance(msg.get("buffers", []), list):
        return "bad buffers"
    return None


# --- the Solara engine's pages: the same checks, in the one process, per page ------------
# What a Solara page opens: Solara's control comm (it runs the page) and the widget
# manager's. ``jupyter.widget`` would let a page create widgets in the server's memory.
SOLARA_TARGETS = frozenset({"solara.control", "jupyter.widget.control"})
CONTROL_METHODS = frozenset({"run", "app-status", "reload", "evict"})  # on solara.control
COMMS_PER_PAGE = 16  # comms one page may open in its life (a page opens one or two)


class PageComms:
    """What one Solara page may send on its comms: the targets it needs, bounded values,
    and at most ``COMMS_PER_PAGE`` comms, so one learner cannot fill the shared process."""

    def __init__(self) -> None:
        self.opened = 0
        self.targets: dict[str, str] = {}  # comm id -> target, for the page's own comms

    def problem(self, msg: Any) -> str | None:
        """Why a message from the page is refused (None: it may go on to Solara)."""
        header = msg.get("header") if isinstance(msg, dict) else None
        kind = header.get("msg_type") if isinstance(header, dict) else None
        if kind not in ("comm_open", "comm_msg", "comm_close"):
            return None
        problem = message_problem(msg)
        if problem is not None:
            return problem
        content = msg["content"]
        data = content.get("data") or {}
        if not _depth_ok(data):
            return "the data is too large"
        if kind == "comm_open":
            target = content.get("target_name")
            if target not in SOLARA_TARGETS:
                return f"unknown comm target {_one_line(target, 40)!r}"
            if self.opened >= COMMS_PER_PAGE:
                return "this page has opened too many comms"
            self.opened += 1
            self.targets[content["comm_id"]] = target
            return None
        if kind == "comm_close":
            self.targets.pop(content["comm_id"], None)
            return None
        method = data.get("method")
        if self.targets.get(content["comm_id"]) == "solara.control":
            return None if method in CONTROL_METHODS else "unknown control method"
        if method not in ALLOWED_METHODS:
            return f"unknown method {_one_line(method, 40)!r}"
        if method == "update":
            if data.get("buffer_paths") not in (None, []):
                return "buffers are not used by this page"
            return state_problem(None, data.get("state", {}))
        return None


def _widget(comm_id: Any) -> Any:
    """The widget behind a comm id (ipywidgets keeps them by model id, the comm's id)."""
    from ipywidgets.widgets.widget import _instances

    return _instances.get(comm_id) if isinstance(comm_id, str) else None


def _resync(comm: Any) -> None:
    """Put the browser back in step with the widget behind ``comm`` (if there is one)."""
    widget = _widget(getattr(comm, "comm_id", None))
    if widget is not None:
        try:
            widget.send_state()
        except Exception:  # noqa: BLE001, S110 - a closed comm has nobody to resync
            pass


def checked_comm_msg(original: Handler, log: logging.Logger) -> Handler:
    """``comm_msg``: well formed, a known method, a bounded state; or dropped."""

    def comm_msg(stream: Any, ident: Any, msg: dict) -> Any:
        try:
            problem = check(msg)
        except Exception as error:  # noqa: BLE001 - a check that fails refuses the message
            problem = f"unreadable message ({type(error).__name__})"
        if problem is not None:
            log.warning("refused a widget message from a browser: %s", problem)
            return None
        return original(stream, ident, msg)

    def check(msg: dict) -> str | None:
        problem = message_problem(msg)
        data = (msg["content"].get("data") or {}) if problem is None else {}
        if problem is None:
            method = data.get("method")
            if method not in ALLOWED_METHODS:
                problem = f"unknown method {_one_line(method, 40)!r}"
            elif method == "update":
                widget = _widget(msg["content"]["comm_id"])
                problem = state_problem(widget, data.get("state", {}))
                if problem is None and data.get("buffer_paths") not in (None, []):
                    problem = "buffers are not used by this page"
                if problem is not None and widget is not None:
                    _resync(widget.comm)
        return problem

    return comm_msg


def checked_comm_open(original: Handler, kernel: Any, log: logging.Logger) -> Handler:
    """``comm_open``: only the widget manager's control comm; anything else is closed."""

    def comm_open(stream: Any, ident: Any, msg: dict) -> Any:
        problem = message_problem(msg)
        target = msg["content"].get("target_name") if problem is None else None
        if problem is None and target not in ALLOWED_TARGETS:
            problem = f"unknown comm target {_one_line(target, 40)!r}"
        if problem is None:
            return original(stream, ident, msg)
        log.warning("refused a comm from a browser: %s", problem)
        comm_id = problem != "no comm id" and msg["content"]["comm_id"]
        if comm_id:  # tell the page the comm is closed, as ipykernel does for a bad target
            kernel.session.send(
                kernel.iopub_socket,
                "comm_close",
                {"comm_id": comm_id, "data": {}},
                parent=msg,
                ident=f"comm-{comm_id}".encode(),
            )
        return None

    return comm_open


def checked_comm_close(original: Handler, log: logging.Logger) -> Handler:
    def comm_close(stream: Any, ident: Any, msg: dict) -> Any:
        problem = message_problem(msg)
        if problem is not None:
            log.warning("refused a comm close from a browser: %s", problem)
            return None
        return original(stream, ident, msg)

    return comm_close


def kernel_info_without_versions(kernel: Any) -> Callable[..., Any]:
    """``kernel_info_request``: the reply the page needs, without Python's or IPython's
    version (the banner names both); versions help only an attacker."""

    async def kernel_info_request(stream: Any, ident: Any, parent: dict) -> None:
        info = dict(kernel.kernel_info)
        language = {k: v for k, v in info.get("language_info", {}).items() if k != "version"}
        info.update(banner="", implementation_version="", help_links=[], language_info=language)
        kernel.session.send(stream, "kernel_info_reply", {"status": "ok", **info}, parent, ident)

    return kernel_info_request


def protect_kernel(shell: Any = None) -> bool:
    """Install the checks in this kernel (once); False when not running in a kernel."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython comes with ipykernel
            return False
        shell = get_ipython()
    kernel = getattr(shell, "kernel", None)
    if kernel is None or not hasattr(kernel, "shell_handlers"):
        return False
    if getattr(kernel, "_aml_teach_protected", False):
        return True
    log = logging.getLogger("aml_teach.kernel")
    log.handlers = [_terminal_handler()]
    log.propagate = False
    log.setLevel(logging.INFO)
    # ipykernel and comm log failures with tracebacks through loggers whose last-resort
    # handler writes to sys.stderr, which in a kernel is the page: send them to the terminal.
    for name in LOGGERS:
        quiet = logging.getLogger(name)
        quiet.handlers = [_terminal_handler()]
        quiet.propagate = False
    # ipykernel's own log goes to the terminal already; one line per problem there too.
    for handler in getattr(getattr(kernel, "log", None), "handlers", []):
        handler.addFilter(_terminal_handler().filters[0])
    handlers = kernel.shell_handlers
    handlers["comm_msg"] = checked_comm_msg(handlers["comm_msg"], log)
    handlers["comm_open"] = checked_comm_open(handlers["comm_open"], kernel, log)
    handlers["comm_close"] = checked_comm_close(handlers["comm_close"], log)
    for table in (handlers, getattr(kernel, "control_handlers", {})):
        if "kernel_info_request" in table:
            table["kernel_info_request"] = kernel_info_without_versions(kernel)

    # ipywidgets shows a failing callback's traceback in the page (IPython's
    # showtraceback); in a classroom kernel the instructor gets one line instead.
    def showtraceback(*_args: Any, **_kwargs: Any) -> None:
        error = sys.exc_info()[1]
        log.error("a widget callback failed: %s", type(error).__name__ if error else "error")

    shell.showtraceback = showtraceback
    # Anything else written to sys.stderr goes to the terminal, not the page.
    sys.stderr = _terminal()
    kernel._aml_teach_protected = True
    return True


def protect_if_classroom() -> bool:
    """Protect this kernel when the class server started it (see module docstring)."""
    if os.environ.get(CLASSROOM_ENV) != "1":
        return False
    return protect_kernel()
