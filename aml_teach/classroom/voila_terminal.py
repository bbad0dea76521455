"""The Voila engine's terminal: a status line the instructor reads, and no secrets.

Voila and jupyter_server log every kernel start, every refused request (with its path) and
every error with the URL that caused it; in a class the terminal is on the projector. Here
routine lines are dropped, tokens, cookies and kernel ids are hidden from the rest (then
:class:`~aml_teach.classroom.limits.TerminalLines`, shared with the Solara engine, makes each
one short line), and a status line says how many learners are on.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import tornado.web

from .limits import UUID, guard_terminal
from .policy import KERNEL_MB

if TYPE_CHECKING:
    from .voila_classroom import Classroom

# tornado's warning for every refused request ("403 GET /path (address): reason"): a
# refusal is routine, and its path is whatever a browser chose to send
REFUSAL = re.compile(r"^4\d\d [A-Z]+ ")
KERNEL_ID = re.compile(UUID, re.I)
SECRET_QUERY = re.compile(r"(token|_xsrf)=[^&\s'\"]+", re.I)
COOKIE_VALUE = re.compile(r"((?:Cookie|Authorization)['\"]?\s*[:=]\s*['\"]?)[^'\"\n]+", re.I)
# Voila's and jupyter_server's routine lines, which tell the instructor nothing to act on.
CHATTER = (
    "is not trusted",
    "connection files",
    "Kernel started",
    "Using pre-heated kernel",
    "Kernel pool of",
    "Serving static files",
    "Voilà is running at",
    "Culling kernels",
    "Starting buffering",
    "Discarding",
    "Connecting to kernel",
    "Kernel shutdown",
    "Kernel culled",
    "which is not allowed",
    "No session ID specified",
    "Adapting from protocol",
    "Replaying",
    "Blocking Cross Origin",
    "wrote error",
    "websocket_ping_timeout",
    "No such comm",
    "favicon",
)


def scrub(text: str) -> str:
    """A log line without tokens, cookies or kernel ids."""
    text = SECRET_QUERY.sub(r"\1=<hidden>", text)
    text = COOKIE_VALUE.sub(r"\1<hidden>", text)
    return KERNEL_ID.sub("<kernel>", text)


class QuietTerminal(logging.Filter):
    """Drop Voila's routine lines; strip secrets and kernel ids from the others (then
    :class:`~aml_teach.classroom.limits.TerminalLines` makes each one short line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "aml_terminal_checked", False):
            return record.aml_terminal_shown
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is not worth a traceback
            return False
        if not message.strip():  # jupyter_server sometimes logs an empty warning
            return False
        if record.levelno < logging.ERROR and any(words in message for words in CHATTER):
            return False
        if record.levelno < logging.ERROR and REFUSAL.match(message):
            return False
        record.msg = scrub(message)
        record.args = None
        return True


def quiet_terminal() -> None:
    """Put :class:`QuietTerminal` and the shared terminal guard on every log handler."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    guard_terminal(QuietTerminal())


def log_request(handler: tornado.web.RequestHandler) -> None:
    """Tornado's request log, for server errors only, with no query string or kernel id."""
    if handler.get_status() >= 500 and handler.get_status() != 503:  # 503: the class is full
        logging.getLogger("aml_teach.server").error(
            "%s %s answered %s",
            handler.request.method,
            scrub(handler.request.path),
            handler.get_status(),
        )



def kernel_memory_mb(kernel_manager: Any) -> float:
    """Resident memory of every kernel process, in MB (0 for any it cannot read)."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with ipykernel
        return 0.0
    total = 0.0
    for kernel_id in list(kernel_manager.list_kernel_ids()):
        try:
            process = kernel_manager.get_kernel(kernel_id).provisioner.process
            total += psutil.Process(process.pid).memory_info().rss / 2**20
        except Exception:  # noqa: BLE001, S112 - a kernel that just ended counts nothing
            continue
    return total


def status_line(classroom: Classroom) -> str:
    """What the instructor reads from across the room."""
    manager = classroom.kernel_manager
    learners = classroom.learners()
    ready = max(len(list(manager.list_kernel_ids())) - len(classroom.owners), 0)
    used = kernel_memory_mb(manager) / 1024
    cap = classroom.max_kernels * KERNEL_MB / 1024
    return (
        f"[class] learners on: {learners} of {classroom.max_kernels} | kernels ready: {ready} "
        f"| kernel memory: {used:.1f} GB (cap about {cap:.1f} GB)"
    )
