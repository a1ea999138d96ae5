"""The ``jsw`` command: one entry point with subcommands.

Exit codes: 0 success; 1 the data has problems that stop it being used (a file that cannot be read,
or with ``--strict`` any rejected row); 2 the command was given something it cannot use (bad
arguments, a missing folder, a broken params file). Errors are one readable line on standard error,
never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

from jswlib import __version__

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Something the user asked for cannot be done; the message says why."""


def _date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _fmt_int(n: int) -> str:
    return f"{int(n):,}"


def _print_table(frame: pd.DataFrame, out=None) -> None:
    """Print a frame as an aligned plain-text table (whole numbers right-aligned with thousands separators)."""
    out = out or sys.stdout
    cols = list(frame.columns)
    numeric = [pd.api.types.is_integer_dtype(frame[c]) for c in cols]
    cells = [
        [_fmt_int(v) if num else str(v) for v, num in zip(row, numeric)]
        for row in frame.itertuples(index=False)
    ]
    widths = [max([len(str(c))] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]

    def line(values):
        return "  ".join(
            v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)
        ).rstrip()

    print(line([str(c) for c in cols]), file=out)
    print(line(["-" * w for w in widths]), file=out)
    for r in cells:
        print(line(r), file=out)


def _councils(args):
    from jswlib.definitions.params import load_councils

    return load_councils(args.params)


# --- validate ------------------------------------------------------------------------------------


def cmd_validate(args) -> int:
    """Validate every table of a data folder; print the summary; write the rejects list."""
    from jswlib.core import io
    from jswlib.data.extract import STATUS_ERROR, load_extract, recorded_extract_date
    from jswlib.definitions.schema import RULES

    councils = _councils(args)
    extract_date = args.extract_date
    if extract_date is None:
        extract_date = recorded_extract_date(args.data_dir)
        if extract_date is not None:
            print(
                f"Extract date {extract_date:%d %B %Y} from {Path(args.data_dir) / 'manifest.json'}"
            )
    started = time.perf_counter()
    extract = load_extract(
        args.data_dir, councils, extract_date=extract_date, encoding=args.encoding
    )
    seconds = time.perf_counter() - started
    out_dir = (
        Path(args.out)
        if args.out
        else Path("outputs") / "validation" / Path(args.data_dir).resolve().name
    )
    rejects_path = io.write_frame(extract.rejects, out_dir / "rejects.csv")
    summary_path = io.write_frame(extract.summary, out_dir / "summary.csv")
    io.write_frame(extract.reasons(), out_dir / "reasons.csv")

    s = extract.summary
    supplied = s[s["status"] != "not supplied"]
    print(
        f"Validated {args.data_dir}: {len(supplied)} of {len(s)} tables supplied ({seconds:.1f} s)\n"
    )
    shown = s[["table", "rows_read", "rows_accepted", "rows_rejected", "status"]].copy()
    total = pd.DataFrame(
        [["TOTAL", s["rows_read"].sum(), s["rows_accepted"].sum(), s["rows_rejected"].sum(), ""]],
        columns=shown.columns,
    )
    shown = pd.concat([shown, total], ignore_index=True)
    for c in ("rows_read", "rows_accepted", "rows_rejected"):
        shown[c] = shown[c].astype("int64")
    _print_table(
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
            print(f"  {rule:<17} {_fmt_int(n):>7}  {RULES.get(rule, '')}")
    errors = s[s["status"] == STATUS_ERROR]
    if len(errors):
        print("\nFiles that could not be used:", file=sys.stderr)
        for _, row in errors.iterrows():
            print(f"  {row['table']}: {row['message']}", file=sys.stderr)
    if extract.warnings:
        print("\nNotes:")
        for w in extract.warnings:
            print(f"  {w}")
    print(f"\nRejects list (file, row, column, value, reason): {rejects_path}")
    print(f"Summary per table: {summary_path}")
    if len(errors) or not balanced:
        return EXIT_DATA
    if args.strict and s["rows_rejected"].sum() > 0:
        return EXIT_DATA
    return EXIT_OK


# --- demo-data --------------------------------------------------------------------------------------------------


def cmd_demo_data(args) -> int:
    """Generate the synthetic national demo dataset."""
    from jswlib.data.demo import generate_demo, write_demo

    if args.last_year < args.first_year:
        raise UsageError(f"--last-year {args.last_year} is before --first-year {args.first_year}")
    if args.scale <= 0:
        raise UsageError(f"--scale must be positive, got {args.scale}")
    councils = _councils(args).to_frame()
    started = time.perf_counter()
    tables, manifest = generate_demo(
        councils,
        seed=args.seed,
        scale=args.scale,
        first_fy=args.first_year,
        last_fy=args.last_year,
        bad_rows=not args.no_bad_rows,
    )
    paths = write_demo(tables, manifest, args.out, fmt=args.format)
    seconds = time.perf_counter() - started
    rows = sum(len(t) for t in tables.values())
    bad = len(manifest.get("bad_rows", []))
    print(
        f"Demo data for {len(councils)} councils, {args.first_year}/{(args.first_year + 1) % 100:02d} to "
        f"{args.last_year}/{(args.last_year + 1) % 100:02d}: {len(tables)} tables, {_fmt_int(rows)} rows "
        f"({_fmt_int(bad)} deliberately bad) in {seconds:.1f} s"
    )
    print(f"Written to {Path(args.out)} ({len(paths)} files). Synthetic: no real person is in it.")
    return EXIT_OK


# --- indicators and compute ----------------------------------------------------------------------


def cmd_indicators(args) -> int:
    """List the indicator catalogue."""
    from jswlib.definitions.catalogue import load_catalogue

    frame = load_catalogue(args.params).to_frame()
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        _print_table(frame[["id", "type", "frequency", "polarity", "unit", "title"]])
        print(f"\n{len(frame)} indicators. 'jsw indicators --format csv' gives every column.")
    return EXIT_OK


def cmd_compute(args) -> int:
    """Validate an extract and compute every indicator for every council, family group and Scotland."""
    from jswlib.compute.indicators import compute_indicators, load_definitions
    from jswlib.core import io
    from jswlib.data.extract import latest_event_date, load_extract, recorded_extract_date

    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise UsageError(f"--out {out}: give a file ending .csv or .parquet")
    defs = load_definitions(args.params)
    for ind in args.indicator or []:
        if ind not in defs.catalogue:
            raise UsageError(f"--indicator {ind}: not in the catalogue (see 'jsw indicators')")
    started = time.perf_counter()
    extract = load_extract(
        args.data, defs.councils, extract_date=args.as_at or recorded_extract_date(args.data)
    )
    as_at = args.as_at or recorded_extract_date(args.data) or latest_event_date(extract.tables)
    if as_at is None:
        raise UsageError(f"{args.data}: no dated records, so no extract date; give --as-at")
    validated = time.perf_counter()
    results = compute_indicators(
        extract.tables, defs, as_at, monthly=not args.no_monthly, indicators=args.indicator
    )
    computed = time.perf_counter()
    io.write_frame(results, out)
    quality = out.with_name(out.stem + ".quality.csv")
    io.write_frame(extract.summary, quality)
    s = extract.summary
    print(
        f"Data {args.data}, extract date {as_at:%d %B %Y}: {int(s['rows_read'].sum()):,} rows read, "
        f"{int(s['rows_accepted'].sum()):,} used, {int(s['rows_rejected'].sum()):,} rejected "
        f"({'every row accounted for' if extract.rows_balance else 'ROWS DO NOT BALANCE'}; "
        f"'jsw validate {args.data}' lists the reasons)"
    )
    if len(extract.errors):
        for _, row in extract.errors.iterrows():
            print(f"  not used: {row['message']}", file=sys.stderr)
    computed_ids = results["indicator"].nunique() if len(results) else 0
    wanted = len(args.indicator) if args.indicator else len(defs.catalogue.computable())
    print(
        f"Computed {computed_ids} of {wanted} indicators: {len(results):,} rows "
        f"(validation {validated - started:.1f} s, computation {computed - validated:.1f} s)"
    )
    if computed_ids < wanted:
        missing = sorted(
            set(args.indicator or [i.id for i in defs.catalogue.computable()])
            - set(results["indicator"])
        )
        print(f"  no data for: {', '.join(missing)}")
    print(f"Results: {out}\nData quality: {quality}")
    return EXIT_DATA if len(extract.errors) else EXIT_OK


# --- councils and schema -------------------------------------------------------------------------


def cmd_councils(args) -> int:
    """List the councils with their codes and family groups."""
    frame = _councils(args).to_frame()[["name", "code", "slug", "family_group"]]
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        _print_table(frame)
    return EXIT_OK


def cmd_schema(args) -> int:
    """Print the data contract."""
    from jswlib.definitions.schema import contract_frame, contract_markdown

    if args.format == "csv":
        contract_frame().to_csv(sys.stdout, index=False)
    else:
        print(contract_markdown(), end="")
    return EXIT_OK


# --- parser --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``jsw``, with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="jsw",
        description="JSW Performance Workbook: Justice Social Work performance indicators for Scottish councils.",
        epilog="Run 'jsw COMMAND --help' for a command's options. Exit codes: 0 success, 1 data problems, "
        "2 bad arguments or configuration.",
    )
    parser.add_argument("--version", action="version", version=f"jsw {__version__}")
    parser.add_argument(
        "--params",
        metavar="DIR",
        default=None,
        help="folder of definitions (councils, holidays...); default: $JSW_PARAMS or params/ in the checkout",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "validate",
        help="check every table of a data folder against the data contract",
        description="Check every table of a data folder against the data contract. Prints rows read, accepted "
        "and rejected per table, and writes every rejected row with its reasons (file, row, column, value, "
        "rule) to rejects.csv. Rows read always equal rows accepted plus rows rejected.",
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
        type=_date_arg,
        help="reject event dates after this date (the day the extract was taken); default: the "
        "extract_date in DATA_DIR/manifest.json when there is one, else no such check",
    )
    p.add_argument(
        "--strict", action="store_true", help="exit with code 1 when any row is rejected"
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "demo-data",
        help="generate the synthetic national demo dataset",
        description="Generate deterministic synthetic case-level data for all 32 councils: volumes in proportion "
        "to the national statistics, the 2020/21 Covid dip, seasonality, council differences, a few real "
        "trends and step changes, and a small share of deliberately bad rows of every kind the validator rejects.",
    )
    p.add_argument("--out", metavar="DIR", required=True, help="folder to write the tables to")
    p.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    p.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply all volumes (default 1; the benchmark uses 10)",
    )
    p.add_argument(
        "--first-year",
        type=int,
        default=2019,
        metavar="YYYY",
        help="first financial year, by its start year (default 2019, i.e. 2019/20)",
    )
    p.add_argument(
        "--last-year",
        type=int,
        default=2025,
        metavar="YYYY",
        help="last financial year, by its start year (default 2025, i.e. 2025/26)",
    )
    p.add_argument(
        "--format",
        choices=("csv", "parquet", "xlsx"),
        default="csv",
        help="file format (default csv)",
    )
    p.add_argument(
        "--no-bad-rows", action="store_true", help="leave out the deliberately bad rows"
    )
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser(
        "indicators",
        help="list the indicator catalogue",
        description="List the indicators of params/indicators.yaml: id, type, frequency, polarity, unit, title, "
        "and with --format csv also the table, period date, standard, Aberdeen framework placing and sources.",
    )
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser(
        "compute",
        help="compute every indicator for every council, family group and Scotland",
        description="Validate a data folder and compute every indicator of the catalogue for every council, "
        "family group and Scotland, for every period in the data, into one long table (council, indicator, "
        "period, numerator, denominator, value, unit, excluded...). Family-group and Scotland figures are "
        "pooled from counts. Also writes <out>.quality.csv: rows read, used and rejected per table.",
    )
    p.add_argument(
        "--data", metavar="DIR", required=True, help="folder of the extract (e.g. data/demo)"
    )
    p.add_argument("--out", metavar="FILE", required=True, help="results file, .csv or .parquet")
    p.add_argument(
        "--as-at",
        metavar="YYYY-MM-DD",
        type=_date_arg,
        help="the extract date (default: from DATA/manifest.json, else the latest event in the data)",
    )
    p.add_argument(
        "--indicator", metavar="ID", action="append", help="only this indicator (repeatable)"
    )
    p.add_argument(
        "--no-monthly",
        action="store_true",
        help="leave out the monthly series of timescale indicators",
    )
    p.set_defaults(func=cmd_compute)

    from jswlib.judge.reconcile import add_reconcile_parser
    from jswlib.run.batch import add_batch_parser

    add_reconcile_parser(sub)
    add_batch_parser(sub)

    p = sub.add_parser(
        "councils",
        help="list the 32 councils with codes and family groups",
        description="List the councils in params/councils.yaml.",
    )
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.set_defaults(func=cmd_councils)

    p = sub.add_parser(
        "schema",
        help="print the data contract (tables and columns)",
        description="Print the data contract: every table, its columns and their rules.",
    )
    p.add_argument("--format", choices=("markdown", "csv"), default="markdown")
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``jsw``; returns the exit code."""
    from jswlib.core.io import ExtractFileError, ParamsFileError
    from jswlib.definitions.params import ParamsError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, ParamsError, ParamsFileError, ExtractFileError) as exc:
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
