"""The ``export`` subcommand: argument parsing and error reporting (exit 2, nothing written)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from aml_teach.core.i18n import translator

from . import FORMATS, LANGUAGES, ExportError, LanguageUnavailable, export

EXIT_BAD_INPUT = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("format", choices=list(FORMATS), metavar="FORMAT",
                        help="; ".join(f"{f.name}: {f.what}" for f in FORMATS.values()))
    parser.add_argument("out", metavar="OUT", help="file to write (or a folder for the default "
                        "name); written whole or not at all")
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of the export (default: en)")
    parser.add_argument("--data", metavar="DIR",
                        help="folder of CSV tables to export (default: data/)")


def run(args: argparse.Namespace) -> int:
    from .sources import DataError, check_data, data_dir

    start = time.perf_counter()
    directory = Path(args.data) if args.data else data_dir()
    try:
        written = export(args.format, args.out, lang=args.lang, data=directory)
    except LanguageUnavailable as error:
        print(f"export: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except DataError as error:
        # the tables' problems, or else (the tables sound) the translation's: each by file,
        # line and column
        problems = check_data(directory, args.lang) or error.problems
        _ = translator(args.lang)
        print("export: " + _("{folder}: {n} problem(s) found, nothing was written:",
                             folder=directory, n=len(problems)), file=sys.stderr)
        for problem in problems:
            print(f"  - {problem.text(args.lang)}", file=sys.stderr)
        print(_("Fix them and run `python -m aml_teach check-data` again."), file=sys.stderr)
        return EXIT_BAD_INPUT
    except ExportError as error:
        print(f"export: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    seconds = time.perf_counter() - start
    for path in written:
        print(f"wrote {path}")
    print(f"({args.format}, {seconds:.1f} s)")
    return 0
