"""``jsw indicators``: list the indicator catalogue."""

from __future__ import annotations

import argparse
import sys

from jswlib.cli._shared import EXIT_OK, print_table
from jswlib.definitions.catalogue import load_catalogue


def cmd_indicators(args) -> int:
    """List the indicator catalogue."""

    frame = load_catalogue(args.params).to_frame()
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        print_table(frame[["id", "type", "frequency", "polarity", "unit", "title"]])
        print(f"\n{len(frame)} indicators. 'jsw indicators --format csv' gives every column.")
    return EXIT_OK


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``jsw indicators`` to the parser."""
    p = subparsers.add_parser(
        "indicators",
        help="list the indicator catalogue",
        description="List the indicators of params/indicators.yaml: id, type, frequency, polarity, unit, title, "
        "and with --format csv also the table, period date, standard, Aberdeen framework placing and sources.",
    )
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.set_defaults(func=cmd_indicators)

    return p
