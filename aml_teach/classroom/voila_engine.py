"""Serve the class dashboard with Voila, standalone, in classroom mode.

Standalone Voila (not the Jupyter server extension) only renders the one notebook and only
lets the browser talk to the widgets: students cannot run code, browse files or download the
notebook or the data. The settings live in ``classroom/voila.json`` so they are reviewed
with the code; this module adds what depends on the moment: the address, the port, a token
and a check of the teaching data before anything starts.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

from ..core.i18n import DEFAULT_LANGUAGE, LANGUAGES, translator
from ..live.room import Secrets, kernel_environment, make_secrets
from .comm_guard import CLASSROOM_ENV
from .language import LANGUAGE_ENV, class_language
from .policy import (
    DEFAULT_PORT,
    KERNEL_MB,
    address_lines,
    allowed_hosts,
    data_ready,
    instructor_line,
    is_loopback,
    where_to_serve,
)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "dashboard.ipynb"
CLASSROOM = ROOT / "classroom"
TEMPLATES = CLASSROOM / "share" / "jupyter"
NATIVE_KERNEL = "python3"
FDS_PER_LEARNER = 30  # open files per learner: measured about 22 (page, websockets, kernel)
DEFAULT_PER_CLIENT = 3  # pages one device may hold (--max-kernels-per-client)
# The lessons the class server also shows, read-only with live widgets, each at /NAME.ipynb
# (the address their links to one another already use): these notebooks and no others.
LESSONS = (
    "01-start-here",
    "02-relapsed-or-refractory",
    "03-the-7-3-schedule",
    "04-intensive-or-less-intensive",
    "05-targeted-cns-transplant-support",
    "06-cases-and-self-check",
    "glossary",
)
# Run in every classroom kernel before any cell: the comm checks of the dashboard's App, for
# the lessons' widgets too (a no-op outside a class server, and when App installs them again).
GUARD_LINE = (
    "from aml_teach.classroom.comm_guard import protect_if_classroom; protect_if_classroom()"
)


class ClassroomKernelSpecManager(KernelSpecManager):
    """Run the dashboard's kernel with this very Python, whatever kernels are installed.

    A ``python3`` kernel installed elsewhere (for example in ``~/.local``) would otherwise
    win and might not have aml-teach installed.
    """

    def find_kernel_specs(self) -> dict[str, str]:
        from ipykernel.kernelspec import RESOURCES

        return {NATIVE_KERNEL: RESOURCES}

    def get_kernel_spec(self, kernel_name: str) -> Any:
        from ipykernel.kernelspec import RESOURCES, get_kernel_dict

        if kernel_name != NATIVE_KERNEL:
            raise NoSuchKernel(kernel_name)
        spec = get_kernel_dict()
        spec["argv"] = [*spec["argv"], f"--IPKernelApp.exec_lines={GUARD_LINE}"]
        return self.kernel_spec_class(resource_dir=RESOURCES, **spec)

    def get_all_specs(self) -> dict[str, Any]:
        spec = self.get_kernel_spec(NATIVE_KERNEL)
        return {NATIVE_KERNEL: {"resource_dir": spec.resource_dir, "spec": spec.to_dict()}}


def voila_argv(ip: str, port: int, token: str | None, open_browser: bool,
               pool: int | None, notebook: Path = NOTEBOOK,
               cull_idle: int | None = None) -> list[str]:
    """Command-line settings on top of classroom/voila.json (the command line wins)."""
    argv = [
        str(notebook),
        f"--Voila.config_file_paths={CLASSROOM}",
        f"--Voila.ip={ip}",
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--Voila.open_browser={open_browser}",
    ]
    if token:
        argv.append(f"--token={token}")
    if pool is not None:
        argv += [
            f"--VoilaConfiguration.preheat_kernel={pool > 0}",
            f"--VoilaConfiguration.default_pool_size={max(pool, 0)}",
        ]
    if cull_idle is not None:
        argv.append(f"--MappingKernelManager.cull_idle_timeout={max(cull_idle, 0)}")
        argv.append(f"--MappingKernelManager.cull_interval={max(min(cull_idle, 60), 1)}")
    return argv


def _banner(
    ip: str,
    port: int,
    token: str | None,
    max_kernels: int = 0,
    per_client: int = 0,
    open_files: int | None = None,
) -> str:
    _ = translator(class_language())
    lines = ["", "=" * 64, *address_lines(ip, port, token)]
    if max_kernels:
        # the per-device limit is for students' devices: this computer's own tabs are exempt,
        # so a server only this computer can open has no use for the clause
        devices = "" if is_loopback(ip) else _(
            ", at most {n} pages per device (--max-kernels-per-client)", n=per_client)
        lines.append(_(
            "Up to {n} learners at once (about {mb} MB each; --max-kernels){devices}.",
            n=max_kernels, mb=KERNEL_MB, devices=devices))
    if open_files:
        lines.append(_("Open-files limit: {n}.", n=open_files))
    lines += ["=" * 64, ""]
    return "\n".join(lines)


def lesson_routes(handlers: list, folder: Path) -> list:
    """One route per lesson of :data:`LESSONS` found beside the dashboard (and in French in
    its ``fr/`` folder), served as the
    dashboard is (the class token, the caps, the page's own kernel): nothing else of the
    folder, and no route at all when the lessons are not there (``--notebook``)."""
    import re

    from .voila_handlers import ClassroomPageHandler

    page = next((r for r in handlers if r[1] is ClassroomPageHandler), None)
    if page is None or len(page) < 3:
        return []
    return [
        (rf"/{re.escape(path)}\.ipynb", ClassroomPageHandler,
         {**page[2], "notebook_path": f"{path}.ipynb"})
        for name in LESSONS
        for path in (name, f"fr/{name}")  # the French lessons, where they are
        if (folder / f"{path}.ipynb").is_file()
    ]


def free_memory_mb() -> float | None:
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with ipykernel
        return None
    return psutil.virtual_memory().available / 2**20


def raise_open_files_limit() -> int | None:
    """Raise the open-files soft limit to the hard limit (each learner holds about 22)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows has no such limit
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft == resource.RLIM_INFINITY:
        return None
    if wanted > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return soft


def class_limits(
    max_kernels: int | None, per_client: int | None, pool: int | None
) -> tuple[int, int] | str:
    """The caps: as given, or the global one from free memory and the open-files limit."""
    if max_kernels is not None and max_kernels < 1:
        return "--max-kernels must be at least 1."
    if per_client is not None and per_client < 1:
        return "--max-kernels-per-client must be at least 1."
    if max_kernels is None:
        free = free_memory_mb()
        # keep a fifth of the free memory for the server, the pool and the system
        by_memory = int(free * 0.8 / KERNEL_MB) - max(pool or 0, 4) if free else 30
        soft = raise_open_files_limit()
        by_files = (soft - 200) // FDS_PER_LEARNER if soft else by_memory
        max_kernels = max(1, min(by_memory, by_files))
    per_client = per_client if per_client is not None else DEFAULT_PER_CLIENT
    return max_kernels, min(per_client, max_kernels)


def classroom_voila(
    ip: str,
    port: int,
    token: str | None,
    max_kernels: int,
    per_client: int,
    open_files: int | None,
    live_keys: Secrets | None = None,
    open_browser: bool = False,
) -> type:
    """Voila with the classroom's handlers, caps, limits and a quiet terminal.

    (Imported here, as Voila is: ``python -m aml_teach check-data`` stays quick.)
    """
    import re
    import tempfile

    from tornado.ioloop import IOLoop, PeriodicCallback
    from traitlets import default
    from voila.app import Voila

    from .limits import connections_per_address
    from .voila_classroom import SETTING, Classroom
    from .voila_handlers import (
        ALLOWED_MESSAGES,
        ClassroomIdentityProvider,
        page_config_without_versions,
        replace_handlers,
    )
    from .voila_server import ClassroomApplication, HideServerHeader
    from .voila_terminal import log_request, quiet_terminal, status_line

    hosts = allowed_hosts(ip)
    host_pattern = "^(" + "|".join(re.escape(h) for h in hosts) + ")$"
    origins = (
        "^http://(" + "|".join(re.escape(f"[{h}]" if ":" in h else h) for h in hosts) + f"):{port}$"
    )

    def say(line: str) -> None:
        print(line, flush=True)

    classroom = Classroom(max_kernels, per_client, say)

    def live_routes() -> list:
        """Live class mode's routes (aml_teach.live.room), before Voila's catch-all page route."""
        if live_keys is None:
            return []
        from ..core.knowledge import load_knowledge_base
        from ..live.room import LiveClass
        from ..live.voila_channel import live_handlers

        live = LiveClass(load_knowledge_base(), lang=class_language())  # the instructor view's
        live.device_of, live.per_device = classroom.device_of, per_client
        return live_handlers(live, live_keys)

    class ClassroomVoila(Voila):
        """Voila for a class: see aml_teach.classroom.voila_handlers (and voila_classroom,
        voila_server, voila_terminal) for what each piece is for."""

        @default("identity_provider_class")
        def _classroom_identity(self) -> type:
            return ClassroomIdentityProvider

        def init_settings(self) -> dict[str, Any]:
            self.voila_configuration.page_config_hook = page_config_without_versions
            settings = super().init_settings()
            # Voila allows shutdown_request from the page; a learner's page never needs it.
            self.kernel_manager.allowed_message_types = sorted(ALLOWED_MESSAGES)
            classroom.kernel_manager = self.kernel_manager
            return {
                **settings,
                # About 5 MB of scripts per student before compression, 1.3 MB after: it
                # is the classroom Wi-Fi that is slow when a whole class opens the page.
                # (Voila applies tornado_settings from the config only after the
                # application is built, too late for these settings, hence here.)
                "compress_response": True,
                SETTING: classroom,
                "log_function": log_request,
                "xsrf_cookie_kwargs": {"samesite": "Lax"},
                "cookie_options": {"samesite": "Lax"},
                "allow_origin_pat": origins,
                "websocket_max_message_size": 1024 * 1024,
            }

        def init_handlers(self) -> list:
            handlers = replace_handlers(super().init_handlers())
            return lesson_routes(handlers, Path(self.root_dir)) + handlers

        def start(self) -> None:
            """Voila's start, with a Host allowlist, no Server header and a status line."""
            self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=tempfile.gettempdir())
            settings = self.init_settings()
            self.app = ClassroomApplication(**settings)
            self.app.per_address = connections_per_address(per_client)
            self.app.settings.update(self.tornado_settings)
            # Routes exist only for the names the server binds and prints: any other Host
            # header (DNS rebinding) finds no route and gets a 404.
            self.app.add_handlers(host_pattern, live_routes() + self.init_handlers())
            self.app.add_transform(HideServerHeader)
            quiet_terminal()
            last = [""]

            def status() -> None:
                line = status_line(classroom)
                if line != last[0]:
                    last[0] = line
                    say(line)

            def begin() -> None:
                say(_banner(ip, port, token, max_kernels, per_client, open_files))
                if live_keys is not None and ip == "0.0.0.0":  # a live class needs --class
                    say(instructor_line(live_keys, port, open_browser))
                status()
                PeriodicCallback(status, 3000).start()

            IOLoop.current().add_callback(begin)
            self.listen()

    return ClassroomVoila


def run(args: argparse.Namespace) -> int:
    """Check the data and the notebook, then run Voila until Ctrl+C."""
    if not data_ready(args.data):
        return 1
    notebook = Path(args.notebook).resolve() if args.notebook else NOTEBOOK
    if not notebook.is_file():
        restore = (
            " Restore it with `git checkout -- notebooks/dashboard.ipynb`."
            if notebook == NOTEBOOK
            else ""
        )
        print(f"Not starting: the notebook {notebook} is missing.{restore}", file=sys.stderr)
        return 1
    served = where_to_serve(args)
    if served is None:
        return 1
    ip, port, token = served
    # Voila finds the classroom template through JUPYTER_PATH.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(TEMPLATES), os.environ.get("JUPYTER_PATH", "")) if p
    )
    limits = class_limits(args.max_kernels, args.max_kernels_per_client, args.pool)
    if isinstance(limits, str):
        print(f"Not starting: {limits}", file=sys.stderr)
        return 1
    max_kernels, per_client = limits
    open_files = raise_open_files_limit()
    os.environ[CLASSROOM_ENV] = "1"  # kernels check their comms (aml_teach.classroom.comm_guard)
    os.environ[LANGUAGE_ENV] = args.lang  # the pages' language (aml_teach.classroom.page)
    live_keys = make_secrets()  # live class mode: kernels get their secret, never a browser
    os.environ.update(kernel_environment(live_keys, port))
    ClassroomVoila = classroom_voila(
        ip, port, token, max_kernels, per_client, open_files, live_keys, not args.no_browser
    )
    try:
        ClassroomVoila.launch_instance(
            argv=voila_argv(
                ip, port, token, not args.no_browser, args.pool, notebook, args.cull_idle
            )
        )
    except KeyboardInterrupt:
        pass
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``python -m aml_teach serve``."""
    parser.add_argument(
        "--class",
        "--share",
        dest="share",
        action="store_true",
        help="class mode: listen on every network interface and print the address to share",
    )
    parser.add_argument(
        "--ip", default="localhost", help="address to listen on (default: localhost only)"
    )
    parser.add_argument("--port", type=int, help=f"port (default: first free from {DEFAULT_PORT})")
    parser.add_argument(
        "--token",
        help="require this token to open the page; 'auto' makes one up (printed in the address)",
    )
    parser.add_argument(
        "--cull-idle",
        type=int,
        metavar="SECONDS",
        help="close a student's kernel after this many idle seconds, even with the tab open "
        "(default from classroom/voila.json: 1800)",
    )
    parser.add_argument(
        "--pool",
        type=int,
        help="preheated kernels kept ready (default from classroom/voila.json; 0 turns it off)",
    )
    parser.add_argument(
        "--max-kernels",
        type=int,
        metavar="N",
        help="at most N learners' kernels at once (default: what the free memory allows, "
        "printed at start); past it a learner sees 'the class is full'",
    )
    parser.add_argument(
        "--max-kernels-per-client",
        type=int,
        metavar="N",
        help=f"at most N pages open from one device address (default {DEFAULT_PER_CLIENT}); "
        "raise it if the class reaches the server through one shared address",
    )
    parser.add_argument(
        "--data", help="folder of teaching tables to use instead of data/ (checked first)"
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=DEFAULT_LANGUAGE,
        help="the class's language: en (English, the default) or fr (Français); each page "
        "can still switch, and ?lang=fr or ?lang=en in its address chooses",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="do not open a browser on this computer"
    )
    parser.add_argument(
        "--notebook",
        help="serve another notebook the same way (the benchmarks use it); default: "
        "notebooks/dashboard.ipynb",
    )
