"""What both engines' class servers share: the address, port and token, the names a server
answers to (the Host check), the instructor's line, and the check of the teaching data.

Each engine's adapter (:mod:`aml_teach.classroom.voila_engine`,
:mod:`aml_teach.classroom.solara_engine`) uses these, and :mod:`aml_teach.classroom.limits`
for the message budgets, so a classroom rule is written once.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import secrets
import socket
import sys
from pathlib import Path

from ..core.data_check import check_data
from ..core.i18n import N_, translator
from ..core.knowledge import data_dir
from ..live.room import Secrets
from .language import class_language

DEFAULT_PORT = 8866
TOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read aloud
KERNEL_MB = 60  # one learner's kernel without pandas (about 57 MiB RSS, docs/benchmarks.md)
# The instructor's own computer: its tabs are not a student's device (the per-device cap
# does not apply to them; the class cap does).
THIS_COMPUTER = frozenset({"127.0.0.1", "::1"})
# the names of this computer a Host header may give outside class mode
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


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


def address_lines(
    ip: str, port: int, token: str | None, class_mode: str = N_("Class mode"),
    dashboard: str = N_("The dashboard"), lang: str | None = None,
) -> list[str]:
    """The start banner's words on where the dashboard is (each engine names itself), in
    the class's language (``serve --lang``)."""
    _ = translator(lang or class_language())
    if ip == "0.0.0.0":
        return [
            _("{class_mode}: students on this network can open", class_mode=_(class_mode)),
            *(f"    {url}" for url in share_urls(ip, port, token)),
            _("(Put the address on the projector. Stop the server with Ctrl+C.)"),
            _("To preview a student's page on this computer, open"),
            f"    {share_urls('localhost', port, token)[0]}",
            _("(this computer's own tabs do not count against the pages-per-device limit)."),
        ]
    return [
        _("{dashboard} is at {address}", dashboard=_(dashboard),
          address=share_urls(ip, port, token)[0]),
        _("Only this computer can open it; use --class to share it with a class."),
    ]


HOST_HEADER = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?")


def host_name(header: str) -> str | None:
    """The name a Host header gives (lower case, IPv6 without brackets), or None when it is
    not a plain name with an optional port (``127.0.0.1:1@evil`` is not)."""
    found = HOST_HEADER.fullmatch(header.strip())
    return found.group(1).lower().strip("[]") if found else None


def is_loopback(ip: str) -> bool:
    """Whether ``--ip`` names this computer only (then every Host must be one of its names)."""
    if ip in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def allowed_hosts(ip: str) -> list[str]:
    """The names the server answers to: the addresses it binds and prints, and this machine."""
    hosts = ["localhost", "127.0.0.1", "::1"]
    if ip == "0.0.0.0":
        hosts += lan_addresses() or [socket.gethostname()]
    elif ip not in hosts:
        hosts.append(ip)
    return hosts


def instructor_line(keys: Secrets, port: int, open_browser: bool) -> str:
    """Where the instructor view's link is (a file only the instructor can read; the
    link itself is never printed, so a projected terminal does not show it)."""
    from ..live.room import write_link_file
    from .language import class_language

    path = write_link_file(keys, port, class_language())  # in the class's language
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


def data_ready(folder: str | None) -> bool:
    """Use ``--data``'s folder (when given) for the teaching tables; whether they are valid
    (if not, :func:`data_is_broken` has said why and no engine starts)."""
    if folder:
        os.environ["AML_TEACH_DATA"] = str(Path(folder).resolve())
    return not data_is_broken()


def where_to_serve(args: argparse.Namespace) -> tuple[str, int, str | None] | None:
    """(address, port, token) from ``--class``/``--ip``, ``--port`` and ``--token``; None
    when the port is taken (said on stderr by :func:`listen_address`)."""
    address = listen_address(args)
    if address is None:
        return None
    return (*address, make_token(args.token))


def listen_address(args: argparse.Namespace) -> tuple[str, int] | None:
    """Where to listen, from ``--class``/``--ip`` and ``--port``: (address, a free port), or
    None when the port is taken (said on stderr)."""
    ip = "0.0.0.0" if args.share else args.ip
    port = choose_port(ip, args.port)
    if port is None:
        wanted = args.port if args.port is not None else f"{DEFAULT_PORT} to {DEFAULT_PORT + 49}"
        print(
            f"Not starting: port {wanted} is in use. Choose another with --port.",
            file=sys.stderr,
        )
        return None
    return ip, port
