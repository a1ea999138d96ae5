"""``jsw compute``: compute every indicator for every council, family group and Scotland."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from jswlib.cli._shared import EXIT_DATA, EXIT_OK, date_arg
from jswlib.compute.indicators import compute_indicators, load_definitions
from jswlib.core import io
from jswlib.core.errors import InputError
from jswlib.data.extract import extract_date_of, load_extract, reported_from_of, validation_date

#: glibc's ``mallopt`` parameters (``malloc.h``): the size of an allocation served by a mapping
#: of its own, and the free memory at the top of the heap above which it is given back.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: Both set to the largest value they take (a C ``int``).
_KEEP = 2**31 - 1
#: Table files of at least this many bytes in all make ``jsw compute`` reuse the memory it frees
#: (:func:`reuse_freed_memory`) and read each table while the one before it is validated
#: (``load_extract``'s ``read_ahead``): about 256 MB, three times the demo data. Below it neither
#: saves a measurable time, and each costs memory (reading ahead about 15 MB at the demo scale,
#: where the peak is nearest its goal of three times the CSV bytes).
REUSE_FREED_MEMORY_FROM = 256 * 1024 * 1024


def reuse_freed_memory() -> bool:
    """Let this process reuse the memory it frees rather than give it back to the system at once.

    Returns
    -------
    bool
        True when the C allocator (glibc's) took the setting; False elsewhere (nothing changed).

    Notes
    -----
    glibc serves a large allocation (from 128 kB, a threshold it raises up to 32 MB as such
    blocks are freed) by a mapping of its own, returned to the system when freed; a column of a
    few million rows made next then has every page of its memory given, and zeroed, by the
    system again. At ten times the demo data that system time was about a third of the
    process's; with both thresholds at their largest, freed columns stay in the heap and are
    reused as they are, and it halves, with the same peak memory there (what is freed is
    reused, not added to); the memory is given back when the process ends. Only a command that runs
    once per process (``jsw compute``) calls it, and only for an extract of at least
    :data:`REUSE_FREED_MEMORY_FROM` bytes: below it the system time saved is small (a tenth of a
    second at the demo scale) and the memory kept in the heap (about 10 MB more at the peak)
    counts for more. Results are unchanged: only where memory comes from changes.
    """
    import ctypes

    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, _KEEP)) & bool(mallopt(_M_TRIM_THRESHOLD, _KEEP))


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
    files = io.list_table_files(args.data)  # raises when the folder is missing
    large = sum(size for _, size, _ in io.file_stats(files, args.data)) >= REUSE_FREED_MEMORY_FROM
    if large:
        reuse_freed_memory()
    started = time.perf_counter()
    extract = load_extract(
        args.data,
        defs.councils,
        extract_date=validation_date(args.data, args.as_at),
        encoding=args.encoding,
        read_ahead=large,
    )
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
    as_at = extract_date_of(args.data, args.as_at, extract.tables)
    if as_at is None:
        raise InputError(f"{args.data}: no dated records, so no extract date; give --as-at")
    validated = time.perf_counter()
    results = compute_indicators(
        extract.tables,
        defs,
        as_at,
        monthly=not args.no_monthly,
        indicators=args.indicator,
        first_day=reported_from_of(args.data),
    )
    computed = time.perf_counter()
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
    return EXIT_OK


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
        "cannot be used, 2 bad arguments or params, 3 the output cannot be written.",
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
        "--no-monthly",
        action="store_true",
        help="leave out the monthly series of timescale indicators",
    )
    p.set_defaults(func=cmd_compute)

    return p
