"""Benchmark: what one council's quarterly report spends, part by part, in one warm process.

Runs the steps of a report as the notebook and the batch worker do, for one council (default
Fife) of the latest complete quarter of the demo data, after a first untimed run (so imports and
the results cache are warm, as in the warm engine), and prints the best of `--repeat` runs of each
part, in wall-clock and CPU seconds:

- prepare: `prepare_report` (results from the cache, the report object);
- tables: every table the notebook shows, rendered to HTML as Jupyter would;
- trend charts and SPC charts: every chart of section 2, as the HTML the notebook displays;
- HTML export: nbconvert of the executed notebook (executed once with papermill beforehand);
- the KPI table; the outputs the worker computes besides the notebook (the KPI table, its CSV
  and workbook forms and the figures file), from a new report object as the worker makes them;
  and the CSV and Excel files written.

Writes the figures to outputs/bench/report.json.

Usage: python bench/bench_report.py [--council Fife] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import matplotlib
from bench_common import compile_package  # beside this script

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "quarterly_report.ipynb"


def best(function, repeat: int) -> tuple[float, float]:
    """(wall, cpu) seconds of the fastest of ``repeat`` calls."""
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--council", default="Fife")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    compile_package(ROOT)
    # The kernel that runs the notebook once inherits it: this checkout's jswlib
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    )

    import nbformat
    import papermill

    from jswlib.core import io
    from jswlib.present.pages import notebook_to_html
    from jswlib.present.report import prepare_report
    from jswlib.run.startup import skip_optional_grammars

    skip_optional_grammars()
    report = prepare_report(args.council)  # warms the results cache and the imports
    quarter = str(report.quarter)
    indicators = report.quarterly_indicators()

    def tables():
        shown = [report.headline_table(), report.comparison_table(), report.activity_table()]
        shown += [report.data_quality_table(), report.definitions_table()]
        shown += [report.quarterly_table(i) for i in indicators]
        for table in shown:
            table._repr_html_() if hasattr(table, "_repr_html_") else str(table)

    def trend_charts():
        for i in indicators:
            report.trend_chart_html(i)

    def spc_charts():
        for i in indicators:
            report.spc_chart_html(i)

    def kpi_table():
        return prepare_report(args.council).kpi_export()

    def kpi_outputs():
        report = prepare_report(args.council)
        return (
            report.kpi_export(),
            report.kpi_publication_table(),
            report.kpi_workbook(),
            report.figures_file(),
        )

    parts: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        executed = tmp / "report.ipynb"
        papermill.execute_notebook(
            str(NOTEBOOK),
            str(executed),
            parameters={"council": args.council, "quarter": quarter},
            cwd=str(NOTEBOOK.parent),
            progress_bar=False,
        )
        nb = nbformat.read(executed, as_version=4)
        title = f"Justice Social Work performance: {args.council}, {quarter}"
        notebook_to_html(nb, title, NOTEBOOK.parent)  # the exporter is made once per process
        table = kpi_table()
        parts["prepare_report"] = best(lambda: prepare_report(args.council), args.repeat)
        parts["tables"] = best(tables, args.repeat)
        parts[f"trend charts ({len(indicators)})"] = best(trend_charts, args.repeat)
        parts[f"SPC charts ({len(indicators)})"] = best(spc_charts, args.repeat)
        parts["HTML export (nbconvert)"] = best(
            lambda: notebook_to_html(nb, title, NOTEBOOK.parent), args.repeat
        )
        parts["KPI table"] = best(kpi_table, args.repeat)
        parts["KPI outputs (worker: table, CSV, workbook, figures)"] = best(
            kpi_outputs, args.repeat
        )
        parts["KPI CSV"] = best(lambda: io.write_frame(table, tmp / "k.csv"), args.repeat)
        parts["KPI Excel"] = best(lambda: io.write_frame(table, tmp / "k.xlsx"), args.repeat)
    total = sum(wall for wall, _ in parts.values())
    print(f"One report, {args.council}, {quarter}: best of {args.repeat}, warm process")
    print(f"  {'part':<52} {'wall s':>7} {'cpu s':>7} {'share':>6}")
    for name, (wall, cpu) in parts.items():
        print(f"  {name:<52} {wall:>7.3f} {cpu:>7.3f} {wall / total:>6.0%}")
    print(f"  {'total (parts overlap: the KPI outputs include the KPI table)':<52} {total:>7.3f}")
    path = ROOT / "outputs" / "bench" / "report.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({k: list(v) for k, v in parts.items()}, indent=2) + "\n")
    print(f"Figures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
