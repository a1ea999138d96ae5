"""``jsw schema``: print the data contract."""

from __future__ import annotations

import argparse
import sys

from jswlib.cli._shared import EXIT_OK
from jswlib.definitions.schema import contract_frame, contract_markdown


def cmd_schema(args) -> int:
    """Print the data contract."""

    if args.format == "csv":
        contract_frame().to_csv(sys.stdout, index=False)
    else:
        print(contract_markdown(), end="")
    return EXIT_OK


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``jsw schema`` to the parser."""
    p = subparsers.add_parser(
        "schema",
        help="print the data contract (tables and columns)",
        description="Print the data contract: every table, its columns and their rules.",
    )
    p.add_argument("--format", choices=("markdown", "csv"), default="markdown")
    p.set_defaults(func=cmd_schema)
    return p
