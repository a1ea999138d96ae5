"""``jsw indicators``: list the indicator catalogue, or one council's version of it."""

from __future__ import annotations

import argparse
import sys

from jswlib.cli._shared import EXIT_OK, print_table
from jswlib.definitions.catalogue import council_catalogue, load_catalogue, load_targets
from jswlib.definitions.params import load_councils
from jswlib.judge.status import format_value


def _target_text(frame) -> list[str]:
    """'95% (council)', '80% (national default)' or 'No target', one per row."""
    texts = format_value(frame["target"].astype("float64"), frame["unit"], missing="No target")
    return [
        text if text == "No target" else f"{text} ({source})"
        for text, source in zip(texts, frame["target_source"], strict=True)
    ]


def cmd_indicators(args) -> int:
    """List the indicator catalogue, with one council's standards and targets when asked."""

    catalogue = load_catalogue(args.params)
    if args.council is None:
        frame = catalogue.to_frame()
        columns = ["id", "type", "frequency", "polarity", "unit", "title"]
    else:
        councils = load_councils(args.params)
        targets = load_targets(args.params, councils=councils, catalogue=catalogue)
        frame = council_catalogue(catalogue, targets, councils, args.council)
        columns = ["id", "frequency", "polarity", "standard", "target", "title"]
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
        return EXIT_OK
    shown = frame
    if args.council is not None:
        own = frame["standard_source"] == "council"
        shown = frame.assign(
            target=_target_text(frame),
            standard=frame["standard"].where(~own, frame["standard"] + " (council)"),
        )
    print_table(shown[columns])
    where = "" if args.council is None else f" as {frame['council'].iloc[0]} applies them"
    print(f"\n{len(frame)} indicators{where}. 'jsw indicators --format csv' gives every column.")
    return EXIT_OK


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``jsw indicators`` to the parser."""
    p = subparsers.add_parser(
        "indicators",
        help="list the indicator catalogue",
        description="List the indicators of params/indicators.yaml: id, type, frequency, "
        "polarity, unit, title, and with --format csv also the table, period date, standard, "
        "Aberdeen framework placing and sources. With --council, the titles, standards and "
        "targets that council uses (its own, or the national defaults), each with its source.",
    )
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.add_argument(
        "--council",
        metavar="NAME",
        default=None,
        help="fill in this council's standards and targets (name, alias, slug or GSS code)",
    )
    p.set_defaults(func=cmd_indicators)

    return p
