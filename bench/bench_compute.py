"""Benchmark: `jsw compute` (validate + compute every indicator) against a plain pandas floor.

The floor is the least any tool must do with the same files: read every table with pandas and count
rows by council. The goal (issue 3) is the whole computation within 5 times that floor. Run with
`make bench`; it prints the figures and writes them to outputs/bench/compute.json. Timings are
wall-clock seconds, best of --repeat runs.

Usage: python bench/bench_compute.py [--scales 1 10] [--repeat 2]
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import pandas as pd

from jswlib.compute.indicators import compute_indicators, load_definitions
from jswlib.core import io
from jswlib.data.demo import generate_demo, write_demo
from jswlib.data.extract import extract_date_of, load_extract

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO = 5.0


def dataset(scale: float, defs) -> Path:
    """The demo data at this scale, generated once (data/demo for scale 1, data/bench-x<scale>
    otherwise)."""
    folder = ROOT / "data" / ("demo" if scale == 1 else f"bench-x{scale:g}")
    if not (folder / "manifest.json").is_file():
        print(f"  generating the demo data at scale {scale:g} in {folder} ...", flush=True)
        tables, manifest = generate_demo(defs.councils.to_frame(), scale=scale)
        write_demo(tables, manifest, folder)
    return folder


def floor(folder: Path) -> tuple[float, int]:
    """Plain pandas: read every CSV and count rows by council. Returns (seconds, rows)."""
    started = time.perf_counter()
    rows = 0
    for path in sorted(folder.glob("*.csv")):
        frame = pd.read_csv(path)
        rows += int(frame.groupby("council").size().sum())
    return time.perf_counter() - started, rows


def workbook(folder: Path, defs) -> tuple[float, float, int]:
    """The workbook: validate every table, then compute every indicator. Returns (validate s,
    compute s, rows)."""
    started = time.perf_counter()
    extract = load_extract(folder, defs.councils, extract_date=extract_date_of(folder))
    validated = time.perf_counter()
    results = compute_indicators(extract.tables, defs, extract_date_of(folder))
    return validated - started, time.perf_counter() - validated, len(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    defs = load_definitions()
    report = {"machine": platform.platform(), "python": platform.python_version(), "runs": []}
    print(
        f"{'scale':>5}  {'rows read':>11}  {'floor s':>8}  {'validate s':>10}  {'compute s':>9}  "
        f"{'total s':>8}  {'ratio':>6}  goal <= {GOAL_RATIO:g}"
    )
    for scale in args.scales:
        folder = dataset(scale, defs)
        floors, runs = [], []
        for _ in range(args.repeat):
            seconds, rows = floor(folder)
            floors.append(seconds)
            runs.append(workbook(folder, defs))
        best_floor = min(floors)
        validate_s, compute_s, result_rows = min(runs, key=lambda r: r[0] + r[1])
        total = validate_s + compute_s
        ratio = total / best_floor
        print(
            f"{scale:>5g}  {rows:>11,}  {best_floor:>8.1f}  {validate_s:>10.1f}  "
            f"{compute_s:>9.1f}  {total:>8.1f}  {ratio:>6.1f}  "
            f"{'met' if ratio <= GOAL_RATIO else 'NOT MET'}"
        )
        report["runs"].append(
            {
                "scale": scale,
                "rows_read": rows,
                "result_rows": result_rows,
                "floor_seconds": best_floor,
                "validate_seconds": validate_s,
                "compute_seconds": compute_s,
                "total_seconds": total,
                "ratio_to_floor": ratio,
                "goal_ratio": GOAL_RATIO,
                "goal_met": ratio <= GOAL_RATIO,
            }
        )
    path = io.write_json(report, ROOT / "outputs" / "bench" / "compute.json")
    print(f"Figures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
