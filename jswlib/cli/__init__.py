"""The ``jsw`` command: one entry point with subcommands, one module per subcommand.

The command line is a thin shell over the library: each subcommand parses its arguments, calls the
library, prints what it found and returns an exit code. The library raises its own exceptions
(:mod:`jswlib.core.errors`); :func:`main` turns them into one line on standard error, never a
traceback.

Exit codes (the same for every command):

- 0 success;
- 1 the data has problems that stop it being used: a file that cannot be read or is corrupt, a
  table missing a required column, a folder with no table, an invalid ``manifest.json`` (with
  ``--strict``, also any rejected row); a batch where any council failed;
- 2 the command was given something it cannot use: bad arguments, a missing folder, a broken
  params file (a key or a council given twice, an unsafe slug), an unknown notebook parameter,
  another batch already writing to the output folder;
- 3 an output cannot be written: a full disk, a read-only folder, ``--out`` naming a file where a
  folder is wanted. Earlier outputs are left as they were.

Every error is one line naming the file (and row and column where there is one), never a
traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from jswlib import __version__
from jswlib.cli._shared import EXIT_DATA, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE
from jswlib.core import io
from jswlib.core.errors import ContractError, ExtractFileError, InputError, JswError, OutputError
from jswlib.run.startup import skip_optional_grammars

__all__ = ["EXIT_DATA", "EXIT_OK", "EXIT_OUTPUT", "EXIT_USAGE", "build_parser", "main"]

#: The subcommands, in the order ``jsw --help`` lists them: name -> module of ``jswlib.cli``.
COMMANDS = {
    "validate": "validate",
    "demo-data": "demo_data",
    "indicators": "indicators",
    "compute": "compute",
    "reconcile": "reconcile",
    "batch": "batch",
    "councils": "councils",
    "schema": "schema",
}


def _command_in(argv: list[str]) -> str | None:
    """The subcommand named by ``argv`` when it is plainly one of :data:`COMMANDS` (``--params
    DIR`` may come before it), else None (no command, ``--help``, ``--version``, anything odd).

    Examples
    --------
    >>> _command_in(["--params", "p", "compute", "--data", "d"]), _command_in(["--help"])
    ('compute', None)
    """
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--params":
            i += 2
        elif arg.startswith("--params="):
            i += 1
        else:
            return arg if arg in COMMANDS else None
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of ``jsw``, with every subcommand, or only ``command``'s.

    Notes
    -----
    Each subcommand's module is imported only when its parser is added: a command run with its
    name first (what :func:`main` does) imports only its own module and what it needs, not the
    batch runner or the demo generator of the others. The parser of one subcommand parses its
    arguments exactly as the full one does; ``jsw``, ``jsw --help`` and anything that is not
    plainly a subcommand's name get the full parser, hence the full list and messages.
    """
    parser = argparse.ArgumentParser(
        prog="jsw",
        description="JSW Performance Workbook: Justice Social Work performance indicators for "
        "Scottish councils.",
        epilog="Run 'jsw COMMAND --help' for a command's options. Exit codes: 0 success, "
        "1 data problems, 2 bad arguments or configuration, 3 an output cannot be written.",
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
    for name, module in COMMANDS.items():
        if command is None or name == command:
            importlib.import_module(f"jswlib.cli.{module}").add_parser(sub)
    return parser


def exit_code(exc: JswError) -> int:
    """The exit code of a library error: 3 for an output, 1 for the data, else 2.

    Examples
    --------
    >>> from jswlib.core.errors import ParamsError
    >>> exit_code(OutputError("x")), exit_code(ContractError("a.csv", "x")), exit_code(ParamsError("x"))
    (3, 1, 2)
    """
    if isinstance(exc, OutputError):
        return EXIT_OUTPUT
    if isinstance(exc, InputError):
        return EXIT_USAGE
    if isinstance(exc, (ExtractFileError, ContractError)):
        return EXIT_DATA
    return EXIT_USAGE


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def main(argv: list[str] | None = None) -> int:
    """Run ``jsw``; returns the exit code."""
    skip_optional_grammars()  # before anything imports jsonschema (papermill, nbconvert)
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_in(argv))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except JswError as exc:
        print(f"jsw {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return exit_code(exc)
    except OSError as exc:  # a write the library did not wrap: still one line
        if not io.is_output_fault(exc):
            raise
        print(
            f"jsw {args.command}: error: {_one_line(io.output_error(exc.filename or '?', exc))}",
            file=sys.stderr,
        )
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        print(f"jsw {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` or similar, which stopped reading
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
