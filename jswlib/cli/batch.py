"""``jsw batch``: produce the quarterly report of every council for a quarter."""

from __future__ import annotations

import argparse
import sys

from jswlib.cli._shared import EXIT_DATA, EXIT_OK
from jswlib.core.errors import InputError, JswError
from jswlib.judge.disclosure import AUDIENCES
from jswlib.run.batch import ENGINES, REPORTS, BatchResult, _cpu_count, run_batch, run_batches


def _duration(seconds: float) -> str:
    """Seconds as ``12.3 s`` or ``2 min 05 s``.

    Examples
    --------
    >>> _duration(12.34), _duration(125)
    ('12.3 s', '2 min 05 s')
    """
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s"


def summary_lines(result: BatchResult) -> list[str]:
    """What ``jsw batch`` prints when it has finished: counts, time taken, failures, where the
    index is."""
    lines = [
        f"{result.quarter}: {len(result.ok)} report{'s' * (len(result.ok) != 1)} produced, "
        f"{len(result.skipped)} up to date (skipped), {len(result.failed)} failed, "
        f"in {_duration(result.seconds)}"
        + (f" ({result.workers} worker{'s' * (result.workers != 1)})" if result.workers else "")
    ]
    if result.failed:
        lines.append("Failed:")
        lines += [f"  {o.name}: {o.error}" for o in result.failed]
    warned = [w for o in result.outcomes for w in o.warnings]
    if warned:
        lines.append("Warnings:")
        lines += [f"  {w}" for w in warned]
    if result.national is not None:
        national = result.national
        where = result.out_dir / national["files"]["html"] if "html" in national["files"] else None
        lines.append(
            f"National overview: {where}"
            if national["outcome"] == "ok"
            else f"National overview failed: {national['error']}"
            + (f" (see {where})" if where else "")
        )
    lines.append(f"Index: {result.index}")
    lines.append(f"Manifest: {result.manifest}")
    return lines


def cmd_batch(args: argparse.Namespace) -> int:
    """Run ``jsw batch``: produce the reports, print the summary.

    Parameters
    ----------
    args : argparse.Namespace
        ``quarter``, ``quarters`` (a back-run: list or None), ``council`` (list or None),
        ``data``, ``audience``, ``workers``, ``force``, ``national``, ``engine``, ``out`` and
        ``params`` (the params folder, or None).

    Returns
    -------
    int
        0 (``EXIT_OK``) when every council (of every quarter) is produced or up to date; 1
        (``EXIT_DATA``) when any failed, or the results cannot be computed from the data.

    Raises
    ------
    jswlib.cli.InputError
        For a bad quarter, unknown councils, a missing notebook or data folder (see
        :func:`run_batch`).
    """
    quarters = getattr(args, "quarters", None)
    if quarters and args.quarter:
        raise InputError("give --quarter or --quarters, not both")
    options = dict(
        data_dir=args.data,
        audience=args.audience,
        workers=args.workers,
        force=args.force,
        out_dir=args.out,
        params=getattr(args, "params", None),
        national=getattr(args, "national", False),
        report=getattr(args, "report", "quarterly"),
        encoding=getattr(args, "encoding", None),
        engine=getattr(args, "engine", "warm"),
    )
    try:
        if quarters:
            results = run_batches(quarters, args.council, **options)
        else:
            results = [run_batch(args.quarter, args.council, **options)]
    except JswError:
        raise
    except ValueError as exc:  # e.g. an extract with no dated records: a data problem
        print(f"jsw batch: error: {exc}", file=sys.stderr)
        return EXIT_DATA
    for result in results:
        for line in summary_lines(result):
            print(line)
    return EXIT_OK if all(result.succeeded for result in results) else EXIT_DATA


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``batch`` subcommand to the ``jsw`` parser.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        From ``parser.add_subparsers(...)``. The main parser holds ``--params``.

    Returns
    -------
    argparse.ArgumentParser
        The subcommand's parser; its ``func`` default is :func:`cmd_batch`.
    """
    p = subparsers.add_parser(
        "batch",
        help="produce the quarterly report of every council (HTML, notebook, KPI tables, index)",
        description="Run notebooks/quarterly_report.ipynb for every council (or those named), in "
        "parallel, and write to outputs/<yyyy-yy>-Q<n>/<audience>/ (public and internal apart): "
        "<slug>.html (the report, without code, self-contained), <slug>.ipynb (the executed "
        "notebook), <slug>-kpis.csv and <slug>-kpis.xlsx (the headline KPI table), "
        "<slug>-figures.csv (every figure the report shows), index.html (every council with its "
        "counts of Green, Amber and Red, and the failures) and manifest.json (parameters, data "
        "fingerprint, package versions, timings, outcome per council). Councils whose outputs "
        "are up to date with their inputs (data, params, notebook, commentary, audience) are "
        "skipped unless --force.",
        epilog="A council whose notebook fails keeps its executed notebook and an HTML page "
        "showing the error; the others carry on. A data file that cannot be used fails every "
        "council (no report is built on partial data). One batch at a time writes to a folder. "
        "Exit codes: 0 every report produced or up to date, 1 some council failed, 2 bad "
        "arguments or configuration (or another batch is writing to the folder), 3 the output "
        "folder cannot be written.",
    )
    p.add_argument(
        "--quarter",
        default="",
        metavar="QUARTER",
        help="the quarter, e.g. 'Q2 2025/26' (also '2025/26 Q2', '2025Q2'); "
        "default: the latest complete quarter in the data",
    )
    p.add_argument(
        "--quarters",
        nargs="+",
        metavar="QUARTER",
        help="a back-run: several quarters, one after another, each into its own folder as "
        "--quarter would, in one pool of workers whose warm kernels serve every quarter "
        "(--out DIR then holds the quarter folders: DIR/<yyyy-yy>-Q<n>/<audience>/)",
    )
    p.add_argument(
        "--council",
        action="extend",
        nargs="+",
        metavar="NAME",
        help="only these councils (name, alias, slug or GSS code; repeatable); default all 32",
    )
    p.add_argument(
        "--data", metavar="DIR", help="the data folder (default: data_dir of params/settings.yaml)"
    )
    p.add_argument(
        "--audience",
        choices=AUDIENCES,
        default="internal",
        help="who the reports are for (default internal)",
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help=f"notebooks run at once (default: the number of CPUs, here {_cpu_count()})",
    )
    p.add_argument(
        "--force", action="store_true", help="re-run councils whose reports are up to date"
    )
    p.add_argument(
        "--national",
        action="store_true",
        help="also produce the national overview (notebooks/national_overview.ipynb): Scotland's "
        "series with SPC, the family groups, and funnel plots of the councils naming those "
        "outside the 99.8%% limits, as national-overview.html next to the index",
    )
    p.add_argument(
        "--report",
        choices=tuple(REPORTS),
        default="quarterly",
        help="which report: quarterly (every council's quarterly report, the default) or "
        "framework (the performance framework report of every council that names a framework in "
        "params/report.yaml, written beside the quarterly reports as <slug>-framework.html, "
        "<slug>-framework-figures.csv, <slug>-framework.xlsx, with framework-index.html and "
        "framework-manifest.json); --quarter then also takes a financial year, e.g. 2025/26, for "
        "the annual report",
    )
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default="warm",
        help="warm (default): one kernel per worker, kept alive and reset to a clean state "
        "before each council, a council whose warm run fails being run again in a fresh kernel; "
        "fresh: a new kernel for every council",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="where to write: DIR/<audience>/ (default: outputs/<yyyy-yy>-Q<n>/<audience>/)",
    )
    p.add_argument(
        "--encoding", metavar="NAME", help="encoding of the CSV files (default UTF-8; e.g. cp1252)"
    )
    p.set_defaults(func=cmd_batch)
    return p
