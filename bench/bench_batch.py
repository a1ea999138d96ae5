"""Benchmark: `jsw batch` for all 32 councils of one quarter, against two yardsticks measured in
the same run.

- floor: starting 32 bare Python kernels that import pandas and matplotlib, with the same number of
  workers (papermill running a one-cell notebook per council). No report can be produced faster
  than its kernel starts.
- plain way: what an analyst would do without the workbook's batch runner: for each council one
  after another, the `papermill` command, then the `jupyter nbconvert --to html --no-input`
  command.

Goals (issue 4): the batch within 1.2 times the floor, and at least 5 times faster than the plain
way. Prints the figures and writes them to outputs/bench/batch.json. Wall-clock seconds.

Usage: python bench/bench_batch.py [--quarter "Q4 2025/26"] [--workers N] [--plain-councils N]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import papermill

from jswlib.core import io
from jswlib.definitions.params import load_councils
from jswlib.present.report import prepare_report
from jswlib.run.batch import KERNEL_ARGUMENTS, run_batch

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "quarterly_report.ipynb"
BIN = Path(sys.executable).parent
FLOOR_GOAL, PLAIN_GOAL = 1.2, 5.0


def _bare_kernel(path: str) -> None:
    out = Path(path).with_suffix(".out.ipynb")
    papermill.execute_notebook(
        path,
        str(out),
        kernel_name="python3",
        progress_bar=False,
        extra_arguments=list(KERNEL_ARGUMENTS),
    )


def floor_seconds(n: int, workers: int, folder: Path) -> float:
    """Start ``n`` kernels that import pandas and matplotlib, ``workers`` at a time."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import pandas\nimport matplotlib")]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    paths = []
    for i in range(n):
        path = folder / f"bare-{i}.ipynb"
        nbformat.write(nb, path)
        paths.append(str(path))
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_bare_kernel, paths))
    return time.perf_counter() - started


def plain_seconds(councils: list[str], quarter: str, folder: Path) -> float:
    """papermill then jupyter nbconvert, as commands, one council after another."""
    started = time.perf_counter()
    for name in councils:
        out = folder / f"plain-{len(name)}-{abs(hash(name))}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(NOTEBOOK),
                str(out),
                "-p",
                "council",
                name,
                "-p",
                "quarter",
                quarter,
                "--cwd",
                str(NOTEBOOK.parent),
                "--no-progress-bar",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)],
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quarter", default="", help="default: the latest complete quarter of the demo data"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--plain-councils",
        type=int,
        default=32,
        help="councils run the plain way (default all 32; fewer gives a per-council estimate)",
    )
    args = parser.parse_args()
    councils = [c.name for c in load_councils()]
    # Also fills the results cache
    quarter = args.quarter or str(prepare_report(councils[0]).quarter)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floor = floor_seconds(len(councils), args.workers, tmp)
        started = time.perf_counter()
        result = run_batch(
            quarter,
            councils,
            workers=args.workers,
            force=True,
            out_dir=tmp / "batch",
            progress=False,
        )
        batch = time.perf_counter() - started
        n_plain = max(1, min(args.plain_councils, len(councils)))
        plain_measured = plain_seconds(councils[:n_plain], quarter, tmp)
    plain = plain_measured * len(councils) / n_plain
    figures = {
        "machine": platform.platform(),
        "workers": args.workers,
        "quarter": quarter,
        "councils": len(councils),
        "batch_seconds": batch,
        "batch_failed": len(result.failed),
        "floor_seconds": floor,
        "plain_seconds": plain,
        "plain_councils_measured": n_plain,
        "batch_over_floor": batch / floor,
        "plain_over_batch": plain / batch,
        "goal_batch_over_floor": FLOOR_GOAL,
        "goal_plain_over_batch": PLAIN_GOAL,
    }
    print(f"{len(councils)} councils, {quarter}, {args.workers} workers")
    print(f"  floor (bare kernels importing pandas and matplotlib): {floor:7.1f} s")
    print(
        f"  jsw batch (reports, HTML, KPI tables, index):       {batch:7.1f} s  "
        f"({len(result.failed)} failed)"
    )
    estimate = "" if n_plain == len(councils) else f" (estimated from {n_plain} councils)"
    print(f"  plain way (papermill + nbconvert commands, serial):  {plain:7.1f} s{estimate}")
    print(
        f"  batch / floor = {batch / floor:.2f} (goal <= {FLOOR_GOAL}: "
        f"{'met' if batch / floor <= FLOOR_GOAL else 'NOT MET'})"
    )
    print(
        f"  plain / batch = {plain / batch:.1f} (goal >= {PLAIN_GOAL}: "
        f"{'met' if plain / batch >= PLAIN_GOAL else 'NOT MET'})"
    )
    path = io.write_json(figures, ROOT / "outputs" / "bench" / "batch.json")
    print(f"Figures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
