"""The ``jsw`` command: one entry point with subcommands, one module per subcommand.

The command line is a thin shell over the library: each subcommand parses its arguments, calls the
library, prints what it found and returns an exit code. The library raises its own exceptions
(:mod:`jswlib.core.errors`); :func:`main` turns them into one line on standard error, never a
traceback.

Exit codes: 0 success; 1 the data has problems that stop it being used (a file that cannot be read,
or with ``--strict`` any rejected row); 2 the command was given something it cannot use (bad
arguments, a missing folder, a broken params file).
"""

from __future__ import annotations

import argparse
import os
import sys

from jswlib import __version__
from jswlib.cli import batch, compute, councils, demo_data, indicators, reconcile, schema, validate
from jswlib.cli._shared import EXIT_DATA, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE
from jswlib.core.errors import JswError

__all__ = ["EXIT_DATA", "EXIT_OK", "EXIT_OUTPUT", "EXIT_USAGE", "build_parser", "main"]

#: The subcommands, in the order ``jsw --help`` lists them.
SUBCOMMANDS = (validate, demo_data, indicators, compute, reconcile, batch, councils, schema)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``jsw``, with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="jsw",
        description="JSW Performance Workbook: Justice Social Work performance indicators for "
        "Scottish councils.",
        epilog="Run 'jsw COMMAND --help' for a command's options. Exit codes: 0 success, "
        "1 data problems, 2 bad arguments or configuration.",
    )
    parser.add_argument("--version", action="version", version=f"jsw {__version__}")
    parser.add_argument(
        "--params",
        metavar="DIR",
        default=None,
        help="folder of definitions (councils, holidays...); default: $JSW_PARAMS or params/ "
        "in the checkout",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in SUBCOMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``jsw``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except JswError as exc:
        print(f"jsw {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"jsw {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` or similar, which stopped reading
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
