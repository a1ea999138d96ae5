"""``jsw compute``: compute every indicator for every council, family group and Scotland."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jswlib.cli._shared import EXIT_DATA, EXIT_OK, date_arg
from jswlib.compute.indicators import load_definitions
from jswlib.compute.pipeline import (
    ProcessStopped,
    compute_extract,
    default_processes,
    is_large,
    reuse_freed_memory,
    usable_cpus,
)
from jswlib.core import io
from jswlib.core.errors import InputError


def cmd_compute(args) -> int:
    """Validate an extract and compute every indicator for every council, family group and
    Scotland."""

    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise InputError(f"--out {out}: give a file ending .csv or .parquet")
    defs = load_definitions(args.params)
    for ind in args.indicator or []:
        if ind not in defs.catalogue:
            raise InputError(f"--indicator {ind}: not in the catalogue (see 'jsw indicators')")
    io.check_writable_folder(out.parent)  # before the work, not after it
    large = is_large(args.data)  # raises when the folder is missing
    processes = args.processes or default_processes(args.data)
    if large:
        reuse_freed_memory()
    try:
        done = compute_extract(
            args.data,
            defs,
            as_at=args.as_at,
            encoding=args.encoding,
            monthly=not args.no_monthly,
            indicators=args.indicator,
            processes=processes,
            read_ahead=large,
            reuse_memory=large,
        )
    except ProcessStopped as exc:
        print(f"jsw compute: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_DATA
    extract, results = done.extract, done.results
    for warning in extract.warnings:
        print(f"  note: {warning}", file=sys.stderr)
    if extract.problems:  # the real cause first: without a table, no figure is right
        for line in extract.problems:
            print(f"  not usable: {line}", file=sys.stderr)
        print(
            f"jsw compute: error: {args.data}: {len(extract.problems)} file problem(s) above; "
            f"nothing computed ('jsw validate {args.data}' gives the details)",
            file=sys.stderr,
        )
        return EXIT_DATA
    as_at = done.as_at
    if as_at is None:
        raise InputError(f"{args.data}: no dated records, so no extract date; give --as-at")
    extract.tables.clear()  # not needed any more: their memory serves the writing of the results
    io.write_frame(results, out)
    quality = out.with_name(out.stem + ".quality.csv")
    io.write_frame(extract.summary, quality)
    s = extract.summary
    print(
        f"Data {args.data}, extract date {as_at:%d %B %Y}: {int(s['rows_read'].sum()):,} rows "
        f"read, {int(s['rows_accepted'].sum()):,} used, {int(s['rows_rejected'].sum()):,} "
        "rejected "
        f"({'every row accounted for' if extract.rows_balance else 'ROWS DO NOT BALANCE'}; 'jsw "
        f"validate {args.data}' lists the reasons)"
    )
    computed_ids = results["indicator"].nunique() if len(results) else 0
    wanted = len(args.indicator) if args.indicator else len(defs.catalogue.computable())
    took = done.seconds
    if "validation" in took:
        timing = f"validation {took['validation']:.1f} s, computation {took['computation']:.1f} s"
    else:
        shared = f" in {done.processes} processes" if done.processes > 1 else ""
        timing = f"validated and computed table by table{shared}, {took['total']:.1f} s"
    print(f"Computed {computed_ids} of {wanted} indicators: {len(results):,} rows ({timing})")
    if computed_ids < wanted:
        missing = sorted(
            set(args.indicator or [i.id for i in defs.catalogue.computable()])
            - set(results["indicator"])
        )
        print(f"  no data for: {', '.join(missing)}")
    print(f"Results: {out}\nData quality: {quality}")
    return EXIT_OK


def _processes_arg(text: str) -> int:
    """``--processes``: a whole number from 1 to the CPUs of this machine."""
    cpus = usable_cpus()
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= cpus:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give a whole number from 1 to {cpus} (the CPUs of this machine)"
        )
    return value


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``jsw compute`` to the parser."""
    p = subparsers.add_parser(
        "compute",
        help="compute every indicator for every council, family group and Scotland",
        description="Validate a data folder and compute every indicator of the catalogue for "
        "every council, family group and Scotland, for every period in the data, into one long "
        "table (council, indicator, period, numerator, denominator, value, unit, excluded...). "
        "Family-group and Scotland figures are pooled from counts. Also writes "
        "<out>.quality.csv: rows read, used and rejected per table.",
        epilog="Nothing is computed when any file cannot be used (exit code 1): a figure computed "
        "without one of its tables is wrong, not partial. Exit codes: 0 computed, 1 the data "
        "cannot be used (or a process computing it stopped, for example out of memory), 2 bad "
        "arguments or params, 3 the output cannot be written.",
    )
    p.add_argument(
        "--data", metavar="DIR", required=True, help="folder of the extract (e.g. data/demo)"
    )
    p.add_argument("--out", metavar="FILE", required=True, help="results file, .csv or .parquet")
    p.add_argument(
        "--as-at",
        metavar="YYYY-MM-DD",
        type=date_arg,
        help="the extract date (default: from DATA/manifest.json, else the latest event in the "
        "data)",
    )
    p.add_argument(
        "--indicator", metavar="ID", action="append", help="only this indicator (repeatable)"
    )
    p.add_argument(
        "--encoding", metavar="NAME", help="encoding of the CSV files (default UTF-8; e.g. cp1252)"
    )
    p.add_argument(
        "--processes",
        metavar="N",
        type=_processes_arg,
        help="share the tables between N processes (default: 2 for an extract of 256 MB or more "
        "on a machine with two CPUs or more, else 1); each holds the tables it works on, so "
        "memory grows with N. The results are the same",
    )
    p.add_argument(
        "--no-monthly",
        action="store_true",
        help="leave out the monthly series of timescale indicators",
    )
    p.set_defaults(func=cmd_compute)

    return p
