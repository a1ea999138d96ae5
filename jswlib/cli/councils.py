"""``jsw councils``: list the councils with their codes and family groups."""

from __future__ import annotations

import argparse
import sys

from jswlib.cli._shared import EXIT_OK, load_roster, print_table


def cmd_councils(args) -> int:
    """List the councils with their codes and family groups."""
    frame = load_roster(args).to_frame()[["name", "code", "slug", "family_group"]]
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        print_table(frame)
    return EXIT_OK


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``jsw councils`` to the parser."""
    p = subparsers.add_parser(
        "councils",
        help="list the 32 councils with codes and family groups",
        description="List the councils in params/councils.yaml.",
    )
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.set_defaults(func=cmd_councils)

    return p
