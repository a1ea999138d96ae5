"""Benchmark: `jsw batch` for the 32 councils, warm and fresh engines, against their floor, in one run.

Figures, all wall-clock seconds measured in this run on this machine:

- floor: 32 bare kernels importing pandas and matplotlib (papermill running a one-cell notebook),
  started `--workers` at a time (two by default). No report made by a new kernel can be faster.
  Measured before and after the batches; the lower of the two is used, which makes every ratio
  below the least flattering one.
- batch warm / batch fresh: `run_batch` of the latest complete quarter for the 32 councils with
  `engine="warm"` (a kernel per worker, reset between councils) and `engine="fresh"` (a kernel
  per council), `--workers` workers, `force=True`, into a temporary folder.
- back-run: 32 councils x 8 quarters (256 reports) would take too long for a benchmark, so a
  sample of `--backrun-quarters` quarters (default 2: the oldest and the middle one of the last
  eight complete quarters) is run with the warm engine, one `run_batch` per quarter as `jsw batch`
  would do it, and the time per report is extrapolated to the 256 reports. The script says so
  when it prints.
- plain way: what an analyst would do without the workbook: for each council, one after another,
  the `papermill` command, then `jupyter nbconvert --to html --no-input`. Measured on
  `--plain-councils` councils (default 3) and extrapolated to 32 (each council costs the same two
  process starts; the script says so when it prints).
- start-up: a process importing papermill and nbconvert, as `jsw` did before and as it does now
  (jsonschema's optional rfc3987 grammar skipped by jswlib.run.startup), best of 3 each.

Goals (issue 13): the warm batch at most 0.5 times the floor; the back-run at most 0.3 times the
floor per report; the warm batch at least 10 times faster than the plain way.

The machine's 1-minute load average is printed with the figures: other processes share the CPUs,
so compare ratios measured in the same run, not seconds between runs. Writes the figures to
outputs/bench/batch.json.

Usage: python bench/bench_batch.py [--workers 2] [--backrun-quarters 2] [--plain-councils 3]
       [--skip-plain] [--skip-backrun]
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Where jswlib and the notebooks are taken from (--code: another checkout, e.g. to measure "before").
CODE = ROOT
NOTEBOOK = CODE / "notebooks" / "quarterly_report.ipynb"
BIN = Path(sys.executable).parent
GOAL_WARM, GOAL_BACKRUN, GOAL_PLAIN = 0.5, 0.3, 10.0
IMPORT_PLAIN = "import nbconvert, papermill"
IMPORT_SKIPPED = (
    "from jswlib.run.startup import skip_optional_grammars\n"
    "skip_optional_grammars()\n"
    "import nbconvert, papermill"
)


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(CODE))


def _load() -> float:
    return round(os.getloadavg()[0], 1)


def _bare_kernel(path: str) -> None:
    import papermill

    out = Path(path).with_suffix(".out.ipynb")
    for attempt in range(3):  # as the worker does: a kernel that does not start is tried again
        try:
            papermill.execute_notebook(
                path,
                str(out),
                kernel_name="python3",
                progress_bar=False,
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
            return
        except RuntimeError:
            if attempt == 2:
                raise


def floor_seconds(n: int, workers: int, folder: Path) -> float:
    """Start ``n`` kernels that import pandas and matplotlib, ``workers`` at a time."""
    import nbformat

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
    for i, name in enumerate(councils):
        out = folder / f"plain-{i}.ipynb"
        command = [str(BIN / "papermill"), str(NOTEBOOK), str(out), "-p", "council", name]
        command += ["-p", "quarter", quarter, "--cwd", str(NOTEBOOK.parent), "--no-progress-bar"]
        subprocess.run(command, check=True, capture_output=True, env=_env())
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)],
            check=True,
            capture_output=True,
            env=_env(),
        )
    return time.perf_counter() - started


def import_seconds(code: str, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=_env())
        best = min(best, time.perf_counter() - started)
    return best


def has_warm_engine() -> bool:
    from jswlib.run.batch import run_batch

    return "engine" in inspect.signature(run_batch).parameters


def batch_seconds(quarter, councils, workers, out, engine) -> tuple[float, int]:
    from jswlib.run.batch import run_batch

    kwargs = dict(workers=workers, force=True, out_dir=out, progress=False)
    if has_warm_engine():
        kwargs["engine"] = engine
    elif engine == "warm":
        return float("nan"), 0  # this checkout has no warm engine
    started = time.perf_counter()
    result = run_batch(quarter, councils, **kwargs)
    seconds = time.perf_counter() - started
    for failed in result.failed:
        print(f"    {quarter} {engine}: {failed.name} failed: {failed.error}", flush=True)
    return seconds, len(result.failed)


def sample_quarters(results, k: int) -> list[str]:
    """``k`` quarters spread over the last eight complete quarters (oldest first)."""
    from jswlib.compute.results import complete_quarters

    last8 = complete_quarters(results)[-8:]
    step = max(1, len(last8) // max(1, k))
    return [str(q) for q in last8[::step][:k]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backrun-quarters", type=int, default=2)
    parser.add_argument("--plain-councils", type=int, default=3)
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--skip-backrun", action="store_true")
    parser.add_argument(
        "--code", type=Path, default=ROOT, help="checkout whose jswlib and notebooks are measured"
    )
    args = parser.parse_args()
    global CODE, NOTEBOOK
    CODE = args.code.resolve()
    NOTEBOOK = CODE / "notebooks" / "quarterly_report.ipynb"
    sys.path.insert(0, str(CODE))
    # Workers and kernels inherit it: every process measured runs this checkout's jswlib
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(CODE)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    )
    os.chdir(CODE)  # the default params and data folders are the checkout's

    from jswlib.compute.results import latest_complete_quarter, load_results
    from jswlib.definitions.params import load_councils

    councils = [c.name for c in load_councils()]
    n = len(councils)
    results = load_results()  # fills the results cache first: every run below only reads it
    quarter = str(latest_complete_quarter(results))
    figures: dict = {
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "quarter": quarter,
        "councils": n,
    }
    loads = [_load()]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floor_before = floor_seconds(n, args.workers, tmp)
        loads.append(_load())
        fresh, fresh_failed = batch_seconds(
            quarter, councils, args.workers, tmp / "fresh", "fresh"
        )
        loads.append(_load())
        warm, warm_failed = batch_seconds(quarter, councils, args.workers, tmp / "warm", "warm")
        loads.append(_load())
        backrun_quarters, backrun = [], float("nan")
        if not args.skip_backrun:
            backrun_quarters = sample_quarters(results, args.backrun_quarters)
            started = time.perf_counter()
            engine = "warm" if has_warm_engine() else "fresh"
            for q in backrun_quarters:
                batch_seconds(q, councils, args.workers, tmp / f"back-{q[:2]}-{q[3:7]}", engine)
            backrun = time.perf_counter() - started
            loads.append(_load())
        floor_after = floor_seconds(n, args.workers, tmp)
        loads.append(_load())
        n_plain = max(1, min(args.plain_councils, n))
        plain = float("nan")
        if not args.skip_plain:
            plain = plain_seconds(councils[:n_plain], quarter, tmp) * n / n_plain
            loads.append(_load())
    start_plain = import_seconds(IMPORT_PLAIN)
    has_startup = (CODE / "jswlib" / "run" / "startup.py").is_file()
    start_skipped = import_seconds(IMPORT_SKIPPED) if has_startup else float("nan")
    loads.append(_load())

    floor = min(floor_before, floor_after)
    per_floor = floor / n
    reports = n * len(backrun_quarters)
    per_report = backrun / reports if reports else float("nan")
    best = warm if warm == warm else fresh  # NaN when this checkout has no warm engine
    figures.update(
        floor_seconds=floor,
        floor_before_after=[round(floor_before, 1), round(floor_after, 1)],
        batch_fresh_seconds=fresh,
        batch_fresh_failed=fresh_failed,
        batch_warm_seconds=warm,
        batch_warm_failed=warm_failed,
        warm_over_floor=warm / floor,
        fresh_over_floor=fresh / floor,
        backrun_quarters_sampled=backrun_quarters,
        backrun_sample_seconds=backrun,
        backrun_seconds_per_report=per_report,
        backrun_extrapolated_256=per_report * 8 * n,
        backrun_per_report_over_floor_per_kernel=per_report / per_floor,
        plain_seconds_extrapolated=plain,
        plain_councils_measured=n_plain,
        plain_over_batch=plain / best,
        import_papermill_nbconvert_seconds=start_plain,
        import_with_grammar_skipped_seconds=start_skipped,
        load_averages=loads,
        goals={
            "warm_over_floor": GOAL_WARM,
            "backrun_over_floor": GOAL_BACKRUN,
            "plain_over_batch": GOAL_PLAIN,
        },
    )

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT MET"

    rows = [
        f"{n} councils, {quarter}, {args.workers} workers; 1-minute load average {loads}",
        f"  floor: {n} bare kernels (pandas, matplotlib)  {floor:7.1f} s"
        f"  (before {floor_before:.1f}, after {floor_after:.1f}; the lower used)",
        f"  jsw batch, fresh engine                       {fresh:7.1f} s"
        f"  {fresh / floor:5.2f} x floor  ({fresh_failed} failed)",
        f"  jsw batch, warm engine                        {warm:7.1f} s"
        f"  {warm / floor:5.2f} x floor  ({warm_failed} failed)"
        f"  goal <= {GOAL_WARM}: {verdict(warm / floor <= GOAL_WARM)}",
    ]
    if backrun_quarters:
        rows += [
            f"  back-run ({'warm' if has_warm_engine() else 'fresh'} engine), SAMPLE of "
            f"{len(backrun_quarters)} of 8 quarters ({', '.join(backrun_quarters)}): "
            f"{backrun:.1f} s for {reports} reports",
            f"    per report {per_report:.2f} s against {per_floor:.2f} s per bare kernel"
            f" = {per_report / per_floor:.2f} x floor"
            f"  goal <= {GOAL_BACKRUN}: {verdict(per_report / per_floor <= GOAL_BACKRUN)}",
            f"    32 councils x 8 quarters, EXTRAPOLATED from the sample: "
            f"{per_report * 8 * n / 60:.1f} min",
        ]
    if plain == plain:
        rows += [
            f"  plain way (papermill + nbconvert commands)    {plain:7.1f} s"
            f"  (measured on {n_plain} councils, EXTRAPOLATED to {n})",
            f"    plain / batch = {plain / best:.1f}"
            f"  goal >= {GOAL_PLAIN}: {verdict(plain / best >= GOAL_PLAIN)}",
        ]
    rows.append(
        f"  start-up: import papermill + nbconvert       {start_plain:7.2f} s;"
        f" with jswlib.run.startup: {start_skipped:.2f} s (best of 3)"
    )
    print("\n".join(rows))
    figures["code"] = str(CODE)
    path = ROOT / "outputs" / "bench" / ("batch.json" if CODE == ROOT else "batch-other-code.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"Figures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
