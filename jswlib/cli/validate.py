"""``jsw validate``: check every table of a data folder against the data contract."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from jswlib.cli._shared import EXIT_DATA, EXIT_OK, date_arg, fmt_int, load_roster, print_table
from jswlib.core import io
from jswlib.data.extract import extract_date_of, load_extract
from jswlib.data.validation import RULES


def _let_go(name: str, part) -> None:
    """Let a validated table's accepted rows go: only one table's rows are then in memory."""
    part.accepted = None


def cmd_validate(args) -> int:
    """Validate every table of a data folder; print the summary; write the rejects list."""

    councils = load_roster(args)
    extract_date = args.extract_date
    if extract_date is None:
        extract_date = extract_date_of(args.data_dir)
        if extract_date is not None:
            print(
                f"Extract date {extract_date:%d %B %Y} from "
                f"{Path(args.data_dir) / 'manifest.json'}"
            )
    out_dir = (
        Path(args.out)
        if args.out
        else Path("outputs") / "validation" / Path(args.data_dir).resolve().name
    )
    io.check_writable_folder(out_dir)  # before the work, not after it
    started = time.perf_counter()
    extract = load_extract(
        args.data_dir,
        councils,
        extract_date=extract_date,
        encoding=args.encoding,
        each_table=_let_go,  # only the summary and the rejects are needed
    )
    seconds = time.perf_counter() - started
    rejects_path = io.write_frame(extract.rejects, out_dir / "rejects.csv")
    summary_path = io.write_frame(extract.summary, out_dir / "summary.csv")
    io.write_frame(extract.reasons(), out_dir / "reasons.csv")

    s = extract.summary
    supplied = s[s["status"] != "not supplied"]
    print(
        f"Validated {args.data_dir}: {len(supplied)} of {len(s)} tables supplied ({seconds:.1f} "
        "s)\n"
    )
    shown = s[["table", "rows_read", "rows_accepted", "rows_rejected", "status"]].copy()
    total = pd.DataFrame(
        [["TOTAL", s["rows_read"].sum(), s["rows_accepted"].sum(), s["rows_rejected"].sum(), ""]],
        columns=shown.columns,
    )
    shown = pd.concat([shown, total], ignore_index=True)
    for c in ("rows_read", "rows_accepted", "rows_rejected"):
        shown[c] = shown[c].astype("int64")
    print_table(
        shown.rename(
            columns={"rows_read": "read", "rows_accepted": "accepted", "rows_rejected": "rejected"}
        )
    )
    balanced = extract.rows_balance
    print(f"\nEvery row accounted for (read = accepted + rejected): {'yes' if balanced else 'NO'}")

    reasons = extract.reasons()
    if len(reasons):
        print("\nRejected rows by rule (a row with two problems counts under both):")
        by_rule = reasons.groupby("rule")["rows"].sum().sort_values(ascending=False)
        for rule, n in by_rule.items():
            print(f"  {rule:<17} {fmt_int(n):>7}  {RULES.get(rule, '')}")
    problems = extract.problems
    if problems:
        print("\nFiles that could not be used:", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
    if extract.warnings:
        print("\nNotes:")
        for w in extract.warnings:
            print(f"  {w}")
    print(f"\nRejects list (file, row, column, value, reason): {rejects_path}")
    print(f"Summary per table: {summary_path}")
    if problems or not balanced:
        return EXIT_DATA
    if args.strict and s["rows_rejected"].sum() > 0:
        return EXIT_DATA
    return EXIT_OK


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``jsw validate`` to the parser."""
    p = subparsers.add_parser(
        "validate",
        help="check every table of a data folder against the data contract",
        description="Check every table of a data folder against the data contract. Prints rows "
        "read, accepted and rejected per table, and writes every rejected row with its reasons "
        "(file, row, column, value, rule) to rejects.csv. Rows read always equal rows accepted "
        "plus rows rejected.",
    )
    p.add_argument(
        "data_dir", metavar="DATA_DIR", help="folder of CSV, Parquet or Excel files, one per table"
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="where to write rejects.csv, summary.csv and reasons.csv "
        "(default: outputs/validation/<name of DATA_DIR>)",
    )
    p.add_argument(
        "--encoding", metavar="NAME", help="encoding of the CSV files (default UTF-8; e.g. cp1252)"
    )
    p.add_argument(
        "--extract-date",
        metavar="YYYY-MM-DD",
        type=date_arg,
        help="reject event dates after this date (the day the extract was taken); default: the "
        "extract_date in DATA_DIR/manifest.json when there is one, else no such check",
    )
    p.add_argument(
        "--strict", action="store_true", help="exit with code 1 when any row is rejected"
    )
    p.set_defaults(func=cmd_validate)

    return p
