"""Command line: ``python -m aml_teach check-data [DIR]``, ``serve`` and ``export``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .classroom.solara_engine import add_arguments as add_engine_arguments
from .classroom.voila_engine import add_arguments as add_serve_arguments
from .core.data_check import check_data
from .core.i18n import DEFAULT_LANGUAGE, LANGUAGES, check_lang
from .core.knowledge import check_report, data_dir
from .export.cli import add_arguments as add_export_arguments


def _check_data(args: argparse.Namespace) -> int:
    """Check the tables and every language's text; say so in ``--lang``."""
    check_lang(args.lang)
    directory = Path(args.directory) if args.directory else data_dir()
    problems = check_data(directory)
    if not problems:  # the tables are sound: now the text of each other language
        problems = [p for lang in LANGUAGES for p in check_data(directory, lang)]
    report = check_report(directory, problems, args.lang)
    print("\n".join(report), file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m aml_teach", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check-data", help="validate the knowledge base tables")
    check.add_argument("directory", nargs="?", help="folder of CSV tables (default: data/)")
    check.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE,
                       help="the language of the messages (default: en)")
    check.set_defaults(run=_check_data)
    serve = commands.add_parser(
        "serve",
        help="serve the class dashboard with Voila (localhost; --class to share it)",
        description="Serve notebooks/dashboard.ipynb with Voila in classroom mode "
        "(settings in classroom/voila.json). The teaching data is checked first.",
    )
    add_serve_arguments(serve)
    add_engine_arguments(serve)
    serve.set_defaults(run=_serve)
    export = commands.add_parser(
        "export", help="export the questions, glossary or case handouts (anki, moodle, qti, "
        "handout)")
    add_export_arguments(export)
    export.set_defaults(run=_export)
    return parser


def _export(args: argparse.Namespace) -> int:
    from .export.cli import run

    return run(args)


def _serve(args: argparse.Namespace) -> int:
    if args.engine == "solara":
        from .classroom.solara_engine import run as run_solara

        return run_solara(args)
    from .classroom.voila_engine import run

    return run(args)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
