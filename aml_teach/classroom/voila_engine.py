"""Serve the class dashboard with Voila, standalone, in classroom mode.

Standalone Voila (not the Jupyter server extension) only renders the one notebook and only
lets the browser talk to the widgets: students cannot run code, browse files or download the
notebook or the data. The settings live in ``classroom/voila.json`` so they are reviewed
with the code; this module adds what depends on the moment: the address, the port, a token
and a check of the teaching data before anything starts.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import secrets
import socket
import sys
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

from .comm_guard import CLASSROOM_ENV
from .knowledge import check_data, data_dir
from .live import Secrets, kernel_environment, make_secrets

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "dashboard.ipynb"
CLASSROOM = ROOT / "classroom"
TEMPLATES = CLASSROOM / "share" / "jupyter"
DEFAULT_PORT = 8866
TOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read aloud
NATIVE_KERNEL = "python3"
KERNEL_MB = 60  # one learner's kernel without pandas (about 57 MiB RSS, docs/benchmarks.md)
FDS_PER_LEARNER = 30  # open files per learner: measured about 22 (page, websockets, kernel)
DEFAULT_PER_CLIENT = 3  # pages one device may hold (--max-kernels-per-client)


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
        return self.kernel_spec_class(resource_dir=RESOURCES, **get_kernel_dict())

    def get_all_specs(self) -> dict[str, Any]:
        spec = self.get_kernel_spec(NATIVE_KERNEL)
        return {NATIVE_KERNEL: {"resource_dir": spec.resource_dir, "spec": spec.to_dict()}}


def make_token(spec: str | None) -> str | None:
    """``None`` -> no token; ``auto`` -> a fresh 10-character token; anything else as given."""
    if spec is None or spec == "":
        return None
    if spec == "auto":
        return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(10))
    return spec


def lan_addresses() -> list[str]:
    """IPv4 addresses of this machine that classmates on the same network can reach."""
    found: list[str] = []
    try:
        import psutil

        for addresses in psutil.net_if_addrs().values():
            for address in addresses:
                if address.family == socket.AF_INET:
                    found.append(address.address)
    except Exception:  # noqa: BLE001 - psutil is optional here; fall back to the socket trick
        pass
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))  # no packet is sent for a UDP connect
            found.append(probe.getsockname()[0])
    except OSError:
        pass
    usable = []
    for text in dict.fromkeys(found):
        address = ipaddress.ip_address(text)
        if not (address.is_loopback or address.is_link_local or address.is_unspecified):
            usable.append(text)
    return usable


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def choose_port(host: str, wanted: int | None) -> int | None:
    """The wanted port if free (None if not); without a wish, the first free one from 8866."""
    bind_host = "127.0.0.1" if host == "localhost" else host
    if wanted is not None:
        return wanted if port_is_free(bind_host, wanted) else None
    for port in range(DEFAULT_PORT, DEFAULT_PORT + 50):
        if port_is_free(bind_host, port):
            return port
    return None


def share_urls(ip: str, port: int, token: str | None) -> list[str]:
    """The addresses to give the class (with the token, so one click logs in)."""
    query = f"?token={token}" if token else ""
    hosts = lan_addresses() if ip == "0.0.0.0" else [ip]
    if ip == "0.0.0.0" and not hosts:
        hosts = [socket.gethostname()]
    return [f"http://{host}:{port}/{query}" for host in hosts]


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
    lines = ["", "=" * 64]
    if ip == "0.0.0.0":
        lines.append("Class mode: students on this network can open")
        lines += [f"    {url}" for url in share_urls(ip, port, token)]
        lines.append("(Put the address on the projector. Stop the server with Ctrl+C.)")
    else:
        lines.append(f"The dashboard is at {share_urls(ip, port, token)[0]}")
        lines.append("Only this computer can open it; use --class to share it with a class.")
    if max_kernels:
        lines.append(
            f"Up to {max_kernels} learners at once (about {KERNEL_MB} MB each; "
            f"--max-kernels), at most {per_client} pages per device (--max-kernels-per-client)."
        )
    if open_files:
        lines.append(f"Open-files limit: {open_files}.")
    lines += ["=" * 64, ""]
    return "\n".join(lines)


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


def allowed_hosts(ip: str) -> list[str]:
    """The names the server answers to: the addresses it binds and prints, and this machine."""
    hosts = ["localhost", "127.0.0.1", "::1"]
    if ip == "0.0.0.0":
        hosts += lan_addresses() or [socket.gethostname()]
    elif ip not in hosts:
        hosts.append(ip)
    return hosts


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

    import tornado.web
    from tornado.ioloop import IOLoop, PeriodicCallback
    from traitlets import default
    from voila.app import Voila

    from .classroom import (
        ALLOWED_MESSAGES,
        SETTING,
        Classroom,
        ClassroomIdentityProvider,
        HideServerHeader,
        log_request,
        page_config_without_versions,
        quiet_terminal,
        replace_handlers,
        status_line,
    )

    hosts = allowed_hosts(ip)
    host_pattern = "^(" + "|".join(re.escape(h) for h in hosts) + ")$"
    origins = (
        "^http://(" + "|".join(re.escape(f"[{h}]" if ":" in h else h) for h in hosts) + f"):{port}$"
    )

    def say(line: str) -> None:
        print(line, flush=True)

    classroom = Classroom(max_kernels, per_client, say)

    def live_routes() -> list:
        """Live class mode's routes (aml_teach.live), before Voila's catch-all page route."""
        if live_keys is None:
            return []
        from .knowledge import load_knowledge_base
        from .live import LiveClass, live_handlers

        return live_handlers(LiveClass(load_knowledge_base()), live_keys)

    class ClassroomVoila(Voila):
        """Voila for a class: see aml_teach.classroom for what each piece is for."""

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
            return replace_handlers(super().init_handlers())

        def start(self) -> None:
            """Voila's start, with a Host allowlist, no Server header and a status line."""
            self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=tempfile.gettempdir())
            settings = self.init_settings()
            self.app = tornado.web.Application(**settings)
            self.app.settings.update(self.tornado_settings)
            # Routes exist only for the names the server binds and prints: any other Host
            # header (DNS rebinding) finds no route and gets a 404.
            self.app.add_handlers(host_pattern, live_routes() + self.init_handlers())
            self.app.add_transform(HideServerHeader)
            quiet_terminal(self.log, logging.getLogger("tornado.application"))
            last = [""]

            def status() -> None:
                line = status_line(classroom)
                if line != last[0]:
                    last[0] = line
                    say(line)

            def begin() -> None:
                say(_banner(ip, port, token, max_kernels, per_client, open_files))
                if live_keys is not None:
                    say(instructor_line(live_keys, port, open_browser))
                status()
                PeriodicCallback(status, 3000).start()

            IOLoop.current().add_callback(begin)
            self.listen()

    return ClassroomVoila


def instructor_line(keys: Secrets, port: int, open_browser: bool) -> str:
    """Where the instructor view's link is (a file only the instructor can read; the
    link itself is never printed, so a projected terminal does not show it)."""
    from .live import write_link_file

    path = write_link_file(keys, port)
    if open_browser:
        import webbrowser

        webbrowser.open(path.as_uri())
    return (
        f"Instructor view (live class; this computer only): open {path.as_uri()}\n"
        "(It is a file only you can read. Do not share it.)\n"
    )


def data_is_broken() -> bool:
    """Say on stderr what is wrong with the teaching data, if anything: no engine starts on it."""
    directory = data_dir()
    problems = check_data(directory)
    if not problems:
        return False
    print(
        f"Not starting: the teaching data in {directory} has {len(problems)} problem(s):",
        file=sys.stderr,
    )
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    print(
        "Fix them (see docs/data-tables.md), check with `python -m aml_teach check-data`, "
        "then serve again.",
        file=sys.stderr,
    )
    return True


def run(args: argparse.Namespace) -> int:
    """Check the data and the notebook, then run Voila until Ctrl+C."""
    if args.data:
        os.environ["AML_TEACH_DATA"] = str(Path(args.data).resolve())
    if data_is_broken():
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
    ip = "0.0.0.0" if args.share else args.ip
    port = choose_port(ip, args.port)
    if port is None:
        wanted = args.port if args.port is not None else f"{DEFAULT_PORT} to {DEFAULT_PORT + 49}"
        print(
            f"Not starting: port {wanted} is in use. Choose another with --port.",
            file=sys.stderr,
        )
        return 1
    token = make_token(args.token)
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
    os.environ[CLASSROOM_ENV] = "1"  # kernels check their comms (aml_teach.comm_guard)
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
        "--no-browser", action="store_true", help="do not open a browser on this computer"
    )
    parser.add_argument(
        "--notebook",
        help="serve another notebook the same way (the benchmarks use it); default: "
        "notebooks/dashboard.ipynb",
    )
