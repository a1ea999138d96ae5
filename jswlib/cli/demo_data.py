"""``jsw demo-data``: generate the synthetic national demo dataset."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from jswlib.cli._shared import EXIT_OK, fmt_int, load_roster
from jswlib.core.errors import InputError
from jswlib.data.demo import generate_demo, write_demo


def cmd_demo_data(args) -> int:
    """Generate the synthetic national demo dataset."""

    if args.last_year < args.first_year:
        raise InputError(f"--last-year {args.last_year} is before --first-year {args.first_year}")
    if args.scale <= 0:
        raise InputError(f"--scale must be positive, got {args.scale}")
    councils = load_roster(args).to_frame()
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
        f"Demo data for {len(councils)} councils, "
        f"{args.first_year}/{(args.first_year + 1) % 100:02d} to "
        f"{args.last_year}/{(args.last_year + 1) % 100:02d}: {len(tables)} tables, "
        f"{fmt_int(rows)} rows ({fmt_int(bad)} deliberately bad) in {seconds:.1f} s"
    )
    print(f"Written to {Path(args.out)} ({len(paths)} files). Synthetic: no real person is in it.")
    return EXIT_OK


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``jsw demo-data`` to the parser."""
    p = subparsers.add_parser(
        "demo-data",
        help="generate the synthetic national demo dataset",
        description="Generate deterministic synthetic case-level data for all 32 councils: "
        "volumes in proportion to the national statistics, the 2020/21 Covid dip, seasonality, "
        "council differences, a few real trends and step changes, and a small share of "
        "deliberately bad rows of every kind the validator rejects.",
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

    return p
