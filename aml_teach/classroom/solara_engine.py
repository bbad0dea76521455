"""Serve the class dashboard with Solara: one process, a light virtual kernel per learner.

Voila starts a Python kernel (about 100 MB, 2.5 s of CPU) for every open page; Solara runs
every learner's ``App()`` in the server process itself, each in its own virtual kernel (about
1 MB). ``python -m aml_teach serve --engine solara`` gives it the class-mode guarantees of the
Voila mode, added around Solara's Starlette app by
:class:`~aml_teach.classroom.solara_gate.ClassroomGate`:

* localhost unless ``--class``; the token (``?token=`` once, then a cookie for this port);
  the Host header must name this computer unless in class mode; a websocket must come from
  the page's own origin;
* only the page, its scripts and the kernel websocket are served (an allowlist of paths):
  no other file, and no code execution (Solara's virtual kernel only handles widget messages);
* the plain-message guard of ``aml_teach.app.guard`` on every input, as in the Voila mode (it
  is part of ``App``);
* caps: pages per client address and learners in all, the latter sized by CPU (one
  process serves everyone, so it is CPU, not memory, that runs out first);
* an idle learner is culled after ``--cull-idle`` seconds, a disconnected one after
  ``DISCONNECTED_SECONDS`` (Solara keeps them for 24 h by default);
* nothing a learner entered and no kernel or session id reaches the terminal (no access
  log, Solara's own log at warnings, exception messages withheld).

Everything the page loads comes from this server: the front-end from the pinned
``solara-assets`` package (see pyproject.toml); Solara's download of missing assets is
pointed at a closed local port, so the server never reaches outside either.

This module is the engine's entry (its flags, Solara's settings, building the app and
running it); the gate is in :mod:`aml_teach.classroom.solara_gate`, uvicorn's protocols and
the terminal's log settings in :mod:`aml_teach.classroom.solara_server`.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import warnings
from collections.abc import Collection
from typing import Any

from ..core.i18n import N_, translator
from .language import LANGUAGE_ENV, class_language
from .limits import connections_per_address
from .solara_gate import ASGIApp, ClassroomGate
from .solara_server import FRAME_LIMIT, guarded_http_protocol, logging_config, quick_close_protocol

ENGINES = ("voila", "solara")
PAGE_TITLE = N_("Relapsed and refractory AML: the class dashboard")
# Learners per CPU core the single process is allowed: a page costs about 0.2 s of CPU to
# build and an update a few milliseconds (docs/benchmarks.md), so 200 learners arriving
# over a couple of minutes keep one core well below saturation.
LEARNERS_PER_CORE = 200
DEFAULT_PER_CLIENT = 12  # tabs from one address: a student's few tabs, never a whole class
DEFAULT_CULL_IDLE = 1800  # as the Voila mode (classroom/voila.json)
DISCONNECTED_SECONDS = 300  # a phone's locked screen comes back within this and keeps its page
DEAD_CDN = "http://127.0.0.1:9/"  # discard port: a missing asset fails at once, offline


def default_max_learners() -> int:
    """The global cap: ``LEARNERS_PER_CORE`` for each CPU core this process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return LEARNERS_PER_CORE * max(cores, 1)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--engine`` and the Solara mode's caps (kept if the parser already has them)."""
    existing = set(parser._option_string_actions)  # noqa: SLF001 - argparse has no public query
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="voila",
        help="voila (default): a Python kernel per page; solara: one process for the whole "
        "class, a light virtual kernel per learner (for large classes, docs/instructor-guide.md)",
    )
    if "--max-learners" not in existing:
        parser.add_argument(
            "--max-learners",
            type=int,
            metavar="N",
            help=f"solara engine: learners served at once (default {LEARNERS_PER_CORE} per CPU "
            f"core, here {default_max_learners()}); 0 = no limit",
        )
    if "--max-per-client" not in existing:
        parser.add_argument(
            "--max-per-client",
            type=int,
            metavar="N",
            help=f"solara engine: pages open from one address (default {DEFAULT_PER_CLIENT}); "
            "raise it if the room's Wi-Fi puts every student behind one address; 0 = no limit",
        )


def solara_environment(title: str | None = None) -> dict[str, str]:
    """Solara's settings for the class, as the environment it reads when first imported
    (the page's title in the class's language)."""
    title = title or translator(class_language())(PAGE_TITLE)
    return {
        "SOLARA_APP": "aml_teach.classroom.solara_page",
        "SOLARA_MODE": "production",
        "SOLARA_ROOT_PATH": "",  # else the first request's script-name headers would set it
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",  # no calls home
        "SOLARA_THEME_SHOW_BANNER": "false",  # no "This website runs on Solara" badge
        "SOLARA_THEME_LOADER": "plain",
        "SOLARA_THEME_TITLE": title,
        "SOLARA_THEME_VARIANT": "light",
        "SOLARA_ASSETS_PROXY": "true",  # the page loads its front-end from this server
        "SOLARA_ASSETS_CDN": DEAD_CDN,  # ... and the server never fetches it from outside
        "SOLARA_KERNEL_CULL_TIMEOUT": f"{DISCONNECTED_SECONDS}s",
        "SOLARA_SESSION_SECRET_KEY": secrets.token_hex(16),
        "SOLARA_SESSION_HTTPS_ONLY": "false",
    }


def _banner(ip: str, port: int, token: str | None, max_learners: int) -> str:
    from .policy import address_lines

    lines = ["", "=" * 64]
    _ = translator(class_language())
    lines += address_lines(ip, port, token, N_("Class mode (Solara, one process)"),
                           N_("The dashboard (Solara)"))
    cap = (_("up to {n} learners", n=max_learners) if max_learners
           else _("no learner limit"))
    lines += [_("({cap}; the Voila engine is the default: --engine voila)", cap=cap),
              "=" * 64, ""]
    return "\n".join(lines)


def build_app(
    *,
    token: str | None,
    port: int,
    local_only: bool,
    max_learners: int,
    max_per_client: int,
    cull_idle: int,
    live_keys: Any = None,
    hosts: Collection[str] = (),
) -> ASGIApp:
    """Solara's Starlette app behind the :class:`ClassroomGate` (import after the settings).

    With ``live_keys`` (:class:`aml_teach.live.room.Secrets`), live class mode is on: one
    :class:`~aml_teach.live.room.LiveClass` in this process, which every page's live box follows.
    """
    os.environ.update(solara_environment())
    # Solara warns about reverse-proxy and iframe set-ups that a classroom does not use
    warnings.filterwarnings("ignore", module=r"solara\..*")
    import solara.server.starlette as solara_starlette
    from solara.server import kernel_context

    def live_kernels() -> set[str]:
        return set(kernel_context.contexts)

    def close_kernel(kernel_id: str) -> None:
        context = kernel_context.contexts.get(kernel_id)
        if context is not None:
            context.close()

    room = None
    if live_keys is not None:
        from ..core.knowledge import load_knowledge_base
        from ..live import solara_channel
        from ..live.room import LiveClass

        room = solara_channel.LiveRoom(
            LiveClass(load_knowledge_base(), lang=class_language()), live_keys
        )
        solara_channel.ROOM = room
    gate = ClassroomGate(
        solara_starlette.app,
        token=token,
        port=port,
        local_only=local_only,
        max_learners=max_learners,
        max_per_client=max_per_client,
        cull_idle=cull_idle,
        live_kernels=live_kernels,
        close_kernel=close_kernel,
        live_room=room,
        hosts=hosts,
    )
    if room is not None:  # a device's answers count for at most its page cap
        room.live.device_of, room.live.per_device = gate.connected.get, max_per_client
        room.port = port
    return gate


def run(args: argparse.Namespace) -> int:
    """Check the data, then serve ``App()`` with Solara until Ctrl+C."""
    from .policy import allowed_hosts, data_ready, is_loopback, where_to_serve

    if not data_ready(args.data):
        return 1
    if getattr(args, "notebook", None):
        print(
            "Not starting: --notebook is for the Voila engine; the Solara engine serves the "
            "dashboard App() itself.",
            file=sys.stderr,
        )
        return 1
    served = where_to_serve(args)
    if served is None:
        return 1
    ip, port, token = served
    max_learners = getattr(args, "max_learners", None)
    max_learners = default_max_learners() if max_learners is None else max(max_learners, 0)
    per_client = getattr(args, "max_per_client", None)
    per_client = DEFAULT_PER_CLIENT if per_client is None else max(per_client, 0)
    cull_idle = DEFAULT_CULL_IDLE if args.cull_idle is None else max(args.cull_idle, 0)
    local_only = ip != "0.0.0.0" and is_loopback(ip)
    os.environ[LANGUAGE_ENV] = getattr(args, "lang", "en")  # the pages' language

    import uvicorn

    # Every learner's messages are handled in this one process, each page in its own thread:
    # hand the interpreter over every millisecond (not 5), so that a learner's small update
    # is not held up behind another learner's page being built.
    sys.setswitchinterval(0.001)
    from ..live.room import make_secrets

    live_keys = make_secrets()
    app = build_app(
        token=token,
        port=port,
        local_only=local_only,
        max_learners=max_learners,
        max_per_client=per_client,
        cull_idle=cull_idle,
        live_keys=live_keys,
        hosts=allowed_hosts(ip),
    )
    config = uvicorn.Config(
        app,
        host=ip,
        port=port,
        log_config=logging_config(),
        access_log=False,
        http=guarded_http_protocol(connections_per_address(per_client)),
        ws=quick_close_protocol(),
        ws_max_size=FRAME_LIMIT,
        server_header=False,
        proxy_headers=False,  # no proxy in front: X-Forwarded-For must not fake an address
        # a backstop under the gate's caps: every learner holds a websocket and loads a page
        limit_concurrency=(max_learners * 2 + 64) if max_learners else None,
        timeout_graceful_shutdown=3,
    )
    server = uvicorn.Server(config)
    original_startup = server.startup

    async def startup(sockets: Any = None) -> None:
        await original_startup(sockets=sockets)
        if server.started:
            print(_banner(ip, port, token, max_learners), flush=True)
            if ip == "0.0.0.0":  # a live class needs --class
                from .policy import instructor_line

                print(instructor_line(live_keys, port, not args.no_browser), flush=True)
            if not args.no_browser:
                import webbrowser

                webbrowser.open(f"http://localhost:{port}/" + (f"?token={token}" if token else ""))

    server.startup = startup  # type: ignore[method-assign]
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    return 0
