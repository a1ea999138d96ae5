"""Benchmark: `jsw compute` as a whole process against a plain pandas process, at scale 1 and 10.

The floor is the least any tool must do with the same files, as a process of its own: start Python,
import pandas, read every CSV table and count rows by council. The workbook's figure is the whole
`jsw compute` process (start-up, validation of every table, every indicator, writing the results).
Both are run as separate processes, one after the other and alternately (floor, jsw, floor,
jsw...), so that a change in the load of the machine weighs on both; the best run of each is kept.

Memory: each process reports its resident memory once its imports are done (pandas for the floor,
the `jsw` command with every subcommand's module for the workbook: `jsw` imports a subcommand's
module only when it runs it, but the modules are imported here before the count, as they were
when `jsw` imported them all, so that what is counted is the data, not which module loads
what) and its peak (VmHWM) at the end; the figure is the peak above
the imports, against the bytes of CSV read. A large extract is shared between two processes
(`jsw compute --processes`): the second process's whole peak, its own imports included, is added,
as if both peaks came at the same moment, so the figure can only be too high.

Goals (issue 13): the `jsw compute` process at most 5 times the floor process, and its peak memory
above its imports at most 3 times the CSV bytes, at scale 1 (data/demo) and 10. The ten-times data
are generated once by `jsw demo-data`'s generator with scale 10 into outputs/bench/data-x10 (never
into data/), and again when the generator or the councils change.

Prints a table and writes the figures to outputs/bench/compute.json. Wall-clock seconds.

Usage: python bench/bench_compute.py [--scales 1 10] [--repeat 2] [--repeat-large 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import compile_package  # beside this script

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO, GOAL_MEMORY = 5.0, 3.0
MIB = 1024 * 1024

# A process of its own: the plain pandas floor.
FLOOR_CODE = r"""
import sys, json
from pathlib import Path
import pandas as pd
def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024
imports = rss("VmRSS:")
rows = 0
for path in sorted(Path(sys.argv[1]).glob("*.csv")):
    rows += int(pd.read_csv(path).groupby("council").size().sum())
print(json.dumps({"rows": rows, "imports": imports, "peak": rss("VmHWM:")}))
"""

# A process of its own: the `jsw compute` command, reporting its memory.
JSW_CODE = r"""
import sys, json
import importlib
import jswlib.cli
for module in jswlib.cli.COMMANDS.values():
    importlib.import_module("jswlib.cli." + module)
def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024
imports = rss("VmRSS:")
code = jswlib.cli.main(["compute", "--data", sys.argv[1], "--out", sys.argv[2]])
# The process it started (one, with two processes): its whole peak, as the system reports it
# for the children waited for
import resource
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"code": code, "imports": imports, "peak": rss("VmHWM:"), "children": children}))
"""


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT))


def run_process(code: str, *args: str) -> tuple[float, dict]:
    """Run ``python -c code args`` and return (wall seconds, the JSON it printed last)."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], env=_env(), capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - started
    return seconds, json.loads(out.stdout.strip().splitlines()[-1])


def dataset(scale: float) -> Path:
    """data/demo for scale 1; otherwise generated once into outputs/bench/data-x<scale>."""
    if scale == 1:
        return ROOT / "data" / "demo"
    folder = ROOT / "outputs" / "bench" / f"data-x{scale:g}"
    from jswlib.core import io

    stamp_inputs = [ROOT / "jswlib" / "data" / "demo.py", ROOT / "params" / "councils.yaml"]
    stamp = "-".join(io.file_digest(p) for p in stamp_inputs) + f"-x{scale:g}"
    stamp_file = folder / ".bench-stamp"
    if (folder / "manifest.json").is_file() and io.read_text(stamp_file, missing_ok=True) == stamp:
        return folder
    if (folder / "manifest.json").is_file() and not stamp_file.is_file():
        io.write_text(stamp_file, stamp)  # generated before stamps were written: trust it once
        return folder
    from jswlib.compute.indicators import load_definitions
    from jswlib.data.demo import generate_demo, write_demo

    print(f"  generating the demo data at scale {scale:g} in {folder} ...", flush=True)
    tables, manifest = generate_demo(load_definitions().councils.to_frame(), scale=scale)
    write_demo(tables, manifest, folder)
    io.write_text(stamp_file, stamp)
    return folder


def csv_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.csv"))


def measure(folder: Path, repeat: int) -> dict:
    """Floor and `jsw compute` processes, alternately, ``repeat`` times each; best of each kept."""
    floors, jsws = [], []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "results.parquet")
        for _ in range(repeat):
            floors.append(run_process(FLOOR_CODE, str(folder)))
            jsws.append(run_process(JSW_CODE, str(folder), out))
    floor_s, floor_m = min(floors, key=lambda r: r[0])
    jsw_s, jsw_m = min(jsws, key=lambda r: r[0])
    size = csv_bytes(folder)
    return {
        "folder": str(folder.relative_to(ROOT)) if folder.is_relative_to(ROOT) else str(folder),
        "csv_bytes": size,
        "rows_read": floor_m["rows"],
        "runs": repeat,
        "floor_seconds": floor_s,
        "floor_seconds_all": [round(s, 2) for s, _ in floors],
        "jsw_seconds": jsw_s,
        "jsw_seconds_all": [round(s, 2) for s, _ in jsws],
        "ratio": jsw_s / floor_s,
        "goal_ratio": GOAL_RATIO,
        "floor_peak_above_imports": floor_m["peak"] - floor_m["imports"],
        "jsw_peak_above_imports": jsw_m["peak"] - jsw_m["imports"] + jsw_m["children"],
        "jsw_children_peak": jsw_m["children"],
        "memory_over_csv": (jsw_m["peak"] - jsw_m["imports"] + jsw_m["children"]) / size,
        "goal_memory_over_csv": GOAL_MEMORY,
        "jsw_exit_code": jsw_m["code"],
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each at scale 1")
    parser.add_argument("--repeat-large", type=int, default=1, help="runs of each above scale 1")
    args = parser.parse_args()
    compile_package(ROOT)
    report = {
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "runs": [],
    }
    print(
        f"{'scale':>5}  {'CSV MB':>7}  {'rows read':>11}  {'floor s':>7}  {'jsw s':>7}  "
        f"{'ratio':>5}  {'goal<=5':>7}  {'floor MiB':>9}  {'jsw MiB':>8}  {'/CSV':>5}  "
        f"{'goal<=3':>7}  load"
    )
    for scale in args.scales:
        folder = dataset(scale)
        run = measure(folder, args.repeat if scale == 1 else args.repeat_large)
        run["scale"] = scale
        report["runs"].append(run)
        print(
            f"{scale:>5g}  {run['csv_bytes'] / 1e6:>7.0f}  {run['rows_read']:>11,}  "
            f"{run['floor_seconds']:>7.2f}  {run['jsw_seconds']:>7.2f}  {run['ratio']:>5.1f}  "
            f"{'met' if run['ratio'] <= GOAL_RATIO else 'NOT MET':>7}  "
            f"{run['floor_peak_above_imports'] / MIB:>9.0f}  "
            f"{run['jsw_peak_above_imports'] / MIB:>8.0f}  {run['memory_over_csv']:>5.1f}  "
            f"{'met' if run['memory_over_csv'] <= GOAL_MEMORY else 'NOT MET':>7}  "
            f"{run['load_before']:.1f}->{run['load_after']:.1f}",
            flush=True,
        )
    print(
        "floor: a process importing pandas, reading every CSV and counting rows by council; "
        "jsw: the whole `jsw compute` process;\nMiB: peak resident memory above the process's "
        "imports; best of the runs, floor and jsw alternated; load: 1-minute load average."
    )
    path = ROOT / "outputs" / "bench" / "compute.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"Figures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
