"""``jsw reconcile``: recompute published figures from their counts and flag mismatches."""

from __future__ import annotations

import argparse
from pathlib import Path

from jswlib.cli._shared import EXIT_DATA, EXIT_OK
from jswlib.compute.indicators import load_definitions
from jswlib.core import io
from jswlib.core.errors import InputError
from jswlib.judge.reconcile import _plural, read_published, reconcile, summary_lines


def _problems_path(out: Path) -> Path:
    """``<out stem>.problems.csv`` next to the output file."""
    return out.with_name(f"{out.stem}.problems.csv")


def cmd_reconcile(args: argparse.Namespace) -> int:
    """Run ``jsw reconcile``: read, reconcile, write the table (and the problems), print the
    summary.

    Parameters
    ----------
    args : argparse.Namespace
        ``file`` (the published-figures CSV), ``out`` (the reconciled table: ``.csv``, ``.xlsx`` or
        ``.parquet``) and ``params`` (the params folder, or None for the default).

    Returns
    -------
    int
        0 (``EXIT_OK``) when every row was reconciled, mismatches or not (they are findings); 1
        (``EXIT_DATA``) when any row has a problem.

    Raises
    ------
    jswlib.cli.InputError
        When ``--out`` has an unknown extension or is the input file.
    jswlib.core.io.ExtractFileError
        When the input cannot be read (missing, empty, not UTF-8, missing columns).
    jswlib.definitions.params.ParamsError
        When the params folder is broken.

    Notes
    -----
    The table is written atomically by :func:`jswlib.core.io.write_frame`; the problems list goes
    to ``<out stem>.problems.csv`` when there are problems. See :func:`reconcile` for the
    conventions.
    """

    out = Path(args.out)
    if out.suffix.lower() not in io.TABLE_SUFFIXES:
        raise InputError(f"--out {out}: write the table as {', '.join(io.TABLE_SUFFIXES)}")
    if out.resolve() == Path(args.file).resolve():
        raise InputError(f"--out {out} is the input file: choose another name")
    defs = load_definitions(getattr(args, "params", None))
    published = read_published(args.file, encoding=getattr(args, "encoding", None))
    reconciled, problems = reconcile(published, defs, source=str(args.file))
    out_path = io.write_frame(reconciled, out)
    for line in summary_lines(reconciled, problems, len(published), str(args.file)):
        print(line)
    if published.attrs.get("blank_rows"):
        print(f"{_plural(published.attrs['blank_rows'], 'blank line')} skipped (not records).")
    print(f"\nReconciled rows: {out_path}")
    if len(problems):
        problems_path = io.write_frame(problems, _problems_path(out))
        print(f"Problems (file, row, column, value, reason): {problems_path}")
        return EXIT_DATA
    io.remove(_problems_path(out))  # an earlier run's problems no longer apply
    return EXIT_OK


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``reconcile`` subcommand to the ``jsw`` parser.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        From ``parser.add_subparsers(...)``. The main parser holds ``--params``.

    Returns
    -------
    argparse.ArgumentParser
        The subcommand's parser; its ``func`` default is :func:`cmd_reconcile`.
    """
    p = subparsers.add_parser(
        "reconcile",
        help="recompute published figures from their counts and flag those that do not match",
        description="Recompute figures published only as aggregates (past reports, other "
        "councils' reports, national returns) from their counts. FILE is a CSV with the columns "
        "council, indicator, period, numerator, denominator and optionally reported_value (as "
        "published: 88, 87.5 or 88%) and target. Each value is rounded half up to the precision "
        "it was published at and compared with it; every row gets its RAG status (the file's "
        "target, else the council's target in params), the low-numbers flag and the Wilson 95% "
        "interval. The indicator is a catalogue id or free text (then a percentage, higher is "
        "better, and the output says so); the council any name, alias or GSS code.",
        epilog="Rows that cannot be reconciled (unknown council, malformed period, bad counts...) "
        "are written to <OUT stem>.problems.csv with their row numbers and reasons (an older "
        "problems file is removed when there are none). Exit codes: 0 every row reconciled "
        "(mismatches are findings, not failures), 1 some rows have problems or FILE cannot be "
        "used, 2 bad arguments or params, 3 the output cannot be written.",
    )
    p.add_argument(
        "file", metavar="FILE", help="CSV of published figures (UTF-8 unless --encoding)"
    )
    p.add_argument(
        "--encoding", metavar="NAME", help="encoding of FILE (default UTF-8; e.g. cp1252)"
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        required=True,
        help="where to write the reconciled table (.csv, .xlsx or .parquet)",
    )
    p.set_defaults(func=cmd_reconcile)
    return p
