"""Benchmark: `jsw batch` for the 32 councils, warm and fresh engines, against their floor, in one run.

Figures, all wall-clock seconds measured in this run on this machine:

- floor: 32 bare kernels importing pandas and matplotlib (papermill running a one-cell notebook),
  started `--workers` at a time (two by default). No report made by a new kernel can be faster.
  Measured before and after the batches; the lower of the two is used, which makes every ratio
  below the least flattering one.
- batch warm / batch fresh: `run_batch` of the latest complete quarter for the 32 councils with
  `engine="warm"` (a kernel per worker, reset between councils) and `engine="fresh"` (a kernel
  per council), `--workers` workers, `force=True`, into a temporary folder.
- overhead: the warm batch of a notebook with the report's parameters and as many cells, each
  doing nearly nothing, and a KPI table of two rows: what the batch costs around the reports'
  content (kernels, reset, papermill, HTML export, files, index, manifest).
- back-run: 32 councils x 8 quarters (the last eight complete quarters, 256 reports, about a
  minute) with the warm engine, in one pool of workers and warm kernels as `jsw batch --quarters`
  does it (`run_batches`; a `run_batch` per quarter in a checkout without it), against the floor
  per kernel. `--backrun-quarters k` runs a sample of k of the eight quarters instead, spread over
  them, and extrapolates the time per report to the 256 reports (the script says so when it
  prints); a sample weighs the batch's start (kernels started and warmed up) on fewer reports.
- plain way: what an analyst would do without the workbook: for each council, one after another,
  the `papermill` command, then `jupyter nbconvert --to html --no-input`. Measured on
  `--plain-councils` councils (default 3) and extrapolated to 32 (each council costs the same two
  process starts; the script says so when it prints).
- start-up: a process importing papermill and nbconvert, as `jsw` did before and as it does now
  (jsonschema's optional rfc3987 grammar skipped by jswlib.run.startup), best of 3 each.

Goals (issue 13): the warm batch at most 0.5 times the floor; the back-run at most 0.3 times the
floor per report; the warm batch at least 10 times faster than the plain way.

The machine's 1-minute load average is printed with the figures: other processes share the CPUs,
so compare ratios measured in the same run, not seconds between runs. Beside each wall-clock time
the CPU time of every process involved (the batch, its workers and their kernels) is printed, which
the load of other work changes less. Writes the figures to outputs/bench/batch.json.

Usage: python bench/bench_batch.py [--workers 2] [--backrun-quarters 8] [--plain-councils 3]
       [--skip-plain] [--skip-backrun] [--skip-fresh] [--skip-overhead]
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

from bench_common import compile_package  # beside this script

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


def _cpu() -> float:
    """CPU seconds of this process and of every process it has waited for (workers, kernels)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Timer:
    """Wall-clock and CPU seconds of a block (CPU: this process and its finished children)."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, _cpu() - self.cpu
        return False


def trivial_kpis(council, quarter, data_dir, audience, commentary_file, params, encoding=""):
    """A KPI table of two rows, computed from nothing (the overhead batch)."""
    import pandas as pd

    return pd.DataFrame({"indicator": ["a", "b"], "kpi": ["A", "B"], "rag": ["Green", "Red"]})


def trivial_notebook(folder: Path) -> Path:
    """The report notebook with its parameters and Markdown, every other code cell trivial."""
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    first = True
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        if first:
            cell.source = "from IPython.display import HTML, display\ndisplay(HTML('<p>x</p>'))"
            first = False
        else:
            cell.source = "HTML('<p>x</p>')"
    path = folder / "trivial.ipynb"
    nbformat.write(nb, path)
    return path


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


def floor_seconds(n: int, workers: int, folder: Path) -> Timer:
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
    with Timer() as timer, ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_bare_kernel, paths))
    return timer


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


def batch_seconds(quarter, councils, workers, out, engine, **extra) -> tuple[Timer, int]:
    from jswlib.run.batch import run_batch

    kwargs = dict(workers=workers, force=True, out_dir=out, progress=False, **extra)
    timer = Timer()
    if has_warm_engine():
        kwargs["engine"] = engine
    elif engine == "warm":
        timer.wall = timer.cpu = float("nan")  # this checkout has no warm engine
        return timer, 0
    with timer:
        result = run_batch(quarter, councils, **kwargs)
    for failed in result.failed:
        print(f"    {quarter} {engine}: {failed.name} failed: {failed.error}", flush=True)
    return timer, len(result.failed)


def backrun_seconds(quarters, councils, workers, out) -> tuple[Timer, int]:
    """The warm back-run of ``quarters``: one pool across them (``run_batches``) when the checkout
    has it, else a ``run_batch`` per quarter."""
    from jswlib.run import batch

    engine = {"engine": "warm"} if has_warm_engine() else {}
    timer = Timer()
    with timer:
        if hasattr(batch, "run_batches"):
            results = batch.run_batches(
                quarters,
                councils,
                workers=workers,
                force=True,
                out_dir=out,
                progress=False,
                **engine,
            )
        else:
            results = [
                batch.run_batch(
                    q,
                    councils,
                    workers=workers,
                    force=True,
                    out_dir=out / q[:2] / q[3:7],
                    progress=False,
                    **engine,
                )
                for q in quarters
            ]
    failed = 0
    for result in results:
        for o in result.failed:
            print(f"    {result.quarter}: {o.name} failed: {o.error}", flush=True)
        failed += len(result.failed)
    return timer, failed


def sample_quarters(results, k: int) -> list[str]:
    """``k`` quarters spread over the last eight complete quarters (oldest first)."""
    from jswlib.compute.results import complete_quarters

    last8 = complete_quarters(results)[-8:]
    step = max(1, len(last8) // max(1, k))
    return [str(q) for q in last8[::step][:k]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backrun-quarters", type=int, default=8)
    parser.add_argument("--plain-councils", type=int, default=3)
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--skip-backrun", action="store_true")
    parser.add_argument("--skip-fresh", action="store_true", help="no batch with the fresh engine")
    parser.add_argument(
        "--skip-overhead", action="store_true", help="no batch of the trivial-content notebook"
    )
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
    compile_package(CODE)

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
    nan = Timer()
    nan.wall = nan.cpu = float("nan")
    loads = [_load()]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floor_before = floor_seconds(n, args.workers, tmp)
        loads.append(_load())
        fresh, fresh_failed = nan, 0
        if not args.skip_fresh:
            fresh, fresh_failed = batch_seconds(
                quarter, councils, args.workers, tmp / "fresh", "fresh"
            )
            loads.append(_load())
        warm, warm_failed = batch_seconds(quarter, councils, args.workers, tmp / "warm", "warm")
        loads.append(_load())
        overhead, overhead_failed = nan, 0
        if not args.skip_overhead:
            overhead, overhead_failed = batch_seconds(
                quarter,
                councils,
                args.workers,
                tmp / "overhead",
                "warm",
                notebook=trivial_notebook(tmp),
                kpi_table=trivial_kpis,
            )
            loads.append(_load())
        backrun_quarters, backrun, backrun_failed = [], nan, 0
        if not args.skip_backrun:
            backrun_quarters = sample_quarters(results, args.backrun_quarters)
            backrun, backrun_failed = backrun_seconds(
                backrun_quarters, councils, args.workers, tmp / "back"
            )
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

    floor_timer = min(floor_before, floor_after, key=lambda t: t.wall)
    floor = floor_timer.wall
    per_floor = floor / n
    reports = n * len(backrun_quarters)
    per_report = backrun.wall / reports if reports else float("nan")
    per_report_cpu = backrun.cpu / reports if reports else float("nan")
    best = warm.wall if warm.wall == warm.wall else fresh.wall  # NaN: no warm engine
    figures.update(
        floor_seconds=floor,
        floor_cpu_seconds=floor_timer.cpu,
        floor_before_after=[round(floor_before.wall, 1), round(floor_after.wall, 1)],
        batch_fresh_seconds=fresh.wall,
        batch_fresh_cpu_seconds=fresh.cpu,
        batch_fresh_failed=fresh_failed,
        batch_warm_seconds=warm.wall,
        batch_warm_cpu_seconds=warm.cpu,
        batch_warm_failed=warm_failed,
        warm_over_floor=warm.wall / floor,
        fresh_over_floor=fresh.wall / floor,
        overhead_batch_seconds=overhead.wall,
        overhead_batch_cpu_seconds=overhead.cpu,
        overhead_batch_failed=overhead_failed,
        overhead_over_floor=overhead.wall / floor,
        backrun_quarters_sampled=backrun_quarters,
        backrun_sample_seconds=backrun.wall,
        backrun_sample_cpu_seconds=backrun.cpu,
        backrun_failed=backrun_failed,
        backrun_seconds_per_report=per_report,
        backrun_cpu_seconds_per_report=per_report_cpu,
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

    def line(label: str, t: Timer, failed: int) -> str:
        return (
            f"  {label:<46}{t.wall:7.1f} s  {t.wall / floor:5.2f} x floor"
            f"  (CPU {t.cpu:.1f} s, {t.cpu / floor_timer.cpu:.2f} x; {failed} failed)"
        )

    rows = [
        f"{n} councils, {quarter}, {args.workers} workers; 1-minute load average {loads}",
        f"  floor: {n} bare kernels (pandas, matplotlib)  {floor:7.1f} s"
        f"  (before {floor_before.wall:.1f}, after {floor_after.wall:.1f}; the lower used;"
        f" CPU {floor_timer.cpu:.1f} s)",
    ]
    if not args.skip_fresh:
        rows.append(line("jsw batch, fresh engine", fresh, fresh_failed))
    rows += [
        line("jsw batch, warm engine", warm, warm_failed)
        + f"  goal <= {GOAL_WARM}: {verdict(warm.wall / floor <= GOAL_WARM)}"
    ]
    if not args.skip_overhead:
        rows += [
            line("overhead: warm batch, trivial content", overhead, overhead_failed),
            f"    per report {overhead.wall / n:.3f} s wall, {overhead.cpu / n:.3f} s CPU"
            " (fixed costs of the batch included)",
        ]
    if backrun_quarters:
        rows += [
            f"  back-run ({'warm' if has_warm_engine() else 'fresh'} engine), "
            + (
                f"all 8 quarters ({backrun_quarters[0]} to {backrun_quarters[-1]}): "
                if len(backrun_quarters) >= 8
                else f"SAMPLE of {len(backrun_quarters)} of 8 quarters "
                f"({', '.join(backrun_quarters)}): "
            )
            + f"{backrun.wall:.1f} s for {reports} reports (CPU {backrun.cpu:.1f} s;"
            f" {backrun_failed} failed)",
            f"    per report {per_report:.2f} s against {per_floor:.2f} s per bare kernel"
            f" = {per_report / per_floor:.2f} x floor"
            f"  goal <= {GOAL_BACKRUN}: {verdict(per_report / per_floor <= GOAL_BACKRUN)}"
            f"  (CPU {per_report_cpu:.2f} s a report)",
        ]
        if len(backrun_quarters) < 8:
            rows.append(
                f"    32 councils x 8 quarters, EXTRAPOLATED from the sample: "
                f"{per_report * 8 * n / 60:.1f} min"
            )
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
