"""Running the quarterly report for many councils at once: ``jsw batch``.

For one quarter, :func:`run_batch` runs ``notebooks/quarterly_report.ipynb`` once per council with
papermill, in parallel worker processes, and writes into ``outputs/<yyyy-yy>-Q<n>/<audience>/``
(for ``Q2 2025/26``, public: ``outputs/2025-26-Q2/public/``; with ``out_dir``,
``<out_dir>/<audience>/``), so that public and internal reports never share a folder:

- ``<slug>.html``: the report, without code, images embedded, nothing fetched from another host
  when opened (template ``jswlib/present/templates/jsw``), readable on screen and on paper;
- ``<slug>.ipynb``: the executed notebook (kept when the run fails, with the error in it);
- ``<slug>-kpis.csv`` (UTF-8 with a byte-order mark) and ``<slug>-kpis.xlsx`` (cover, notes, KPI
  table, comparison, figures): the headline KPI table in words (``Report.kpi_publication_table()``,
  ``Report.kpi_workbook()``);
- ``<slug>-figures.csv``: every figure the report shows, one per row (``Report.figures_file()``),
  drawn, like the report, from the figures protected once for the whole quarter;
- ``index.html``: every council, its counts of Green / Amber / Red in words and a link to its
  report; the failures with their error;
- ``manifest.json``: the parameters, the data fingerprint, the package versions, start and end
  times, the time taken (in total and per council) and the outcome of every council with the
  fingerprint of its inputs;
- ``.<slug>.inputs.json``: per council, the record of its last run (written as soon as that council
  finishes, so an interrupted batch knows what is already done).

Conventions
-----------
- Before any worker starts the quarter and councils are checked (a
  :class:`jswlib.core.errors.InputError` names what is wrong) and
  :func:`jswlib.compute.results.load_results` is called once, so that every notebook only reads the
  cache.
- A council's *inputs fingerprint* covers the notebook file, the report template, the results
  fingerprint (data, params and package version), the audience, the quarter, the council, its
  commentary file (when there is one) and the KPI-table function. A council whose four outputs
  exist and whose recorded fingerprint equals the current one is skipped ("up to date") unless
  ``force``; so re-running after a failure redoes only what failed or is missing.
- Every file is written atomically by :mod:`jswlib.core.io` (a temporary file renamed into place),
  including the executed notebook, which papermill writes to the temporary file.
- A kernel that fails to start (before any cell ran) is retried, up to :data:`START_ATTEMPTS`
  attempts in all; an error in a cell is never retried: the council fails, its notebook and HTML
  (showing the error) are kept, the other councils carry on and the exit code is 1.
- ``--report framework`` runs ``notebooks/framework_report.ipynb`` instead, for every council that
  names a framework in ``params/report.yaml`` (or the one named), into the same quarter folder:
  ``<slug>-framework.html``, ``<slug>-framework.ipynb``, ``<slug>-framework-figures.csv`` (the
  figures file) and ``<slug>-framework.xlsx``, with its own ``framework-manifest.json`` and
  ``framework-index.html``; ``index.html`` links to it. A council's manual figures
  (``params/manual/<slug>.csv``) are among its inputs.
- Worker processes are forked from the batch once it has imported what every worker needs
  (papermill, nbconvert and the HTML exporter with its template; the report modules too for the
  fresh engine: :func:`prepare_workers`), so no worker imports them again. A back-run of several quarters
  (:func:`run_batches`, or :func:`run_batch` given a :func:`worker_pool`) keeps the same workers,
  and so the same warm kernels, from one quarter to the next.
- The commentary file of a council is ``<params>/commentary/<slug>/<yyyy-yy>-Q<n>.md``
  (see ``params/councils.yaml``); the notebook is given ``commentary_file=""`` and finds it itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from jswlib import __version__
from jswlib.compute.results import latest_complete_quarter, load_results
from jswlib.core import io
from jswlib.core.errors import InputError
from jswlib.data.extract import is_synthetic
from jswlib.definitions.councils import Council, Councils
from jswlib.definitions.frameworks import load_council_frameworks
from jswlib.definitions.params import commentary_path, load_councils, load_settings, params_dir
from jswlib.definitions.periods import Period, parse_period, parse_quarter, quarter_slug
from jswlib.judge.disclosure import AUDIENCES
from jswlib.judge.manual import manual_path
from jswlib.present.pages import FAILED, OK, SKIPPED, kpi_matrix, render_index, template_digest
from jswlib.run.notebook_parameters import check_parameters, parameters_of
from jswlib.run.startup import skip_optional_grammars
from jswlib.run.worker import (
    KERNEL_NAME,
    RETRY_DELAY,
    START_ATTEMPTS,
    CouncilTask,
    _write_text,
    die_with_parent,
    error_summary,
    output_names,
    report_framework_tables,
    report_kpi_table,
    run_council,
    run_overview,
    running_header,
)

#: The checkout this package runs from (paths inside it are shown relative to it).
REPOSITORY = Path(__file__).resolve().parents[2]
#: Bump when the layout of the batch outputs or of the inputs fingerprint changes (forces a
#: re-run).
BATCH_FORMAT = 2
#: The notebook run for each council.
DEFAULT_NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "quarterly_report.ipynb"
#: The national overview notebook (``national=True``, ``jsw batch --national``).
NATIONAL_NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "national_overview.ipynb"
#: The councils x headline KPIs matrix of the index page, as CSV.
MATRIX_FILE = "index-kpis.csv"
#: Engines of ``jsw batch``: a kernel kept warm per worker, or a new kernel per council.
ENGINES = ("warm", "fresh")
#: Name of the per-council record of its last run, in the quarter folder.
RECORD_NAME = ".{slug}.inputs.json"


@dataclass(frozen=True)
class ReportKind:
    """What ``jsw batch --report`` produces: its notebook, table function and file names."""

    name: str
    notebook: Path
    table: Callable
    manifest: str
    index: str
    record: str


#: The reports ``jsw batch`` can run, by the name ``--report`` takes.
REPORTS = {
    "quarterly": ReportKind(
        "quarterly", DEFAULT_NOTEBOOK, report_kpi_table, "manifest.json", "index.html", RECORD_NAME
    ),
    "framework": ReportKind(
        "framework",
        DEFAULT_NOTEBOOK.parent / "framework_report.ipynb",
        report_framework_tables,
        "framework-manifest.json",
        "framework-index.html",
        ".{slug}-framework.inputs.json",
    ),
}


# --- Small pure helpers --------------------------------------------------------------------------


def inputs_fingerprint(inputs: Mapping[str, Any]) -> str:
    """A short hash of a council's inputs (any JSON-serialisable mapping; the order of keys does
    not matter).

    Parameters
    ----------
    inputs : mapping
        The inputs: digests of the files, the results fingerprint, the audience, the quarter...

    Returns
    -------
    str
        16 hexadecimal characters.

    Examples
    --------
    >>> a = inputs_fingerprint({"audience": "internal", "quarter": "Q2 2025/26"})
    >>> len(a), a == inputs_fingerprint({"quarter": "Q2 2025/26", "audience": "internal"})
    (16, True)
    >>> a == inputs_fingerprint({"audience": "public", "quarter": "Q2 2025/26"})
    False
    """
    text = json.dumps(dict(inputs), sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _qualified_name(function: Callable) -> str:
    return f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', repr(function))}"


def package_versions() -> dict[str, str]:
    """The versions of Python and of the packages that shape a report."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": platform.python_version(), "jswlib": __version__}
    for name in (
        "pandas",
        "numpy",
        "matplotlib",
        "papermill",
        "nbconvert",
        "nbclient",
        "ipykernel",
    ):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


# --- The KPI table -------------------------------------------------------------------------------


# --- The worker: one council ---------------------------------------------------------------------


# --- The parent: plan, run, record ---------------------------------------------------------------


@dataclass(frozen=True)
class CouncilOutcome:
    """What happened to one council in a batch.

    Attributes
    ----------
    name, code, slug : str
        The council.
    status : {"ok", "failed", "skipped"}
        Produced in this run, failed in this run, or skipped because its outputs are up to date.
    error : str or None
        One line saying what went wrong (failed only).
    inputs_fingerprint : str
        Fingerprint of the council's inputs in this run.
    seconds : float or None
        Time taken in the worker (None when skipped).
    attempts : int
        Kernel starts tried (0 when skipped).
    counts : dict or None
        Indicators per RAG word, from the KPI table (kept from the earlier run when skipped).
    files : dict
        The files of the council's report, by kind (``html``, ``ipynb``, ``csv``, ``xlsx``).
    warnings : tuple of str
        Things worth knowing that did not stop the report (e.g. a link to another host in the
        HTML).
    """

    name: str
    code: str
    slug: str
    status: str
    error: str | None
    inputs_fingerprint: str
    seconds: float | None
    attempts: int
    counts: dict[str, int] | None
    files: dict[str, str]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchResult:
    """The outcome of :func:`run_batch`.

    Attributes
    ----------
    quarter : str
        The quarter's label (``Q2 2025/26``).
    out_dir : pathlib.Path
        The quarter folder.
    index, manifest : pathlib.Path
        ``index.html`` and ``manifest.json`` in it.
    outcomes : tuple of CouncilOutcome
        One per council asked for, in the order of ``params/councils.yaml``.
    seconds : float
        Time taken in all.
    data_fingerprint : str
        The results fingerprint (data, params, package version).
    workers : int
        Worker processes used (0 when nothing had to run).
    national : dict or None
        The national overview's outcome (``outcome``, ``error``, ``files``, ``seconds``), when it
        was asked for.
    """

    quarter: str
    out_dir: Path
    index: Path
    manifest: Path
    outcomes: tuple[CouncilOutcome, ...]
    seconds: float
    data_fingerprint: str
    workers: int = 0
    national: dict[str, Any] | None = None

    def _with(self, status: str) -> list[CouncilOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def ok(self) -> list[CouncilOutcome]:
        """Councils whose report was produced in this run."""
        return self._with(OK)

    @property
    def skipped(self) -> list[CouncilOutcome]:
        """Councils whose report was up to date."""
        return self._with(SKIPPED)

    @property
    def failed(self) -> list[CouncilOutcome]:
        """Councils whose run failed."""
        return self._with(FAILED)

    @property
    def succeeded(self) -> bool:
        """Whether every council asked for was produced or is up to date (and the national
        overview, when asked for, was produced)."""
        national_failed = self.national is not None and self.national.get("outcome") == FAILED
        return not self.failed and not national_failed


@dataclass
class _Plan:
    council: Council
    inputs: dict[str, Any]
    fingerprint: str
    previous: dict[str, Any] | None
    up_to_date: bool
    record: dict[str, Any] = field(default_factory=dict)


def _resolve_councils(roster: Councils, names: Sequence[str] | None) -> list[Council]:
    if not names:
        return list(roster)
    found: dict[str, Council] = {}
    unknown = []
    for name in names:
        try:
            council = roster.get(name)
        except KeyError:
            unknown.append(name)
            continue
        found[council.code] = council
    if unknown:
        listed = ", ".join(repr(n) for n in unknown)
        raise InputError(
            f"unknown council{'s' if len(unknown) > 1 else ''} {listed}: give a name, alias, slug "
            "or GSS code (see 'jsw councils')"
        )
    return [c for c in roster if c.code in found]


def _previous_entry(
    out_dir: Path, slug: str, manifest: Mapping[str, Any] | None, record_name: str = RECORD_NAME
) -> dict[str, Any] | None:
    """The record of a council's last run: its ``.<slug>.inputs.json``, else its entry in
    ``manifest.json``."""
    try:
        record = io.read_json(out_dir / record_name.format(slug=slug))
    except ValueError:  # a damaged record is as good as none
        record = None
    if isinstance(record, dict):
        return record
    for entry in (manifest or {}).get("councils", []):
        if isinstance(entry, dict) and entry.get("slug") == slug:
            return entry
    return None


def _is_up_to_date(
    previous: Mapping[str, Any] | None,
    fingerprint: str,
    out_dir: Path,
    slug: str,
    report: str = "quarterly",
) -> bool:
    if not previous or previous.get("inputs_fingerprint") != fingerprint:
        return False
    if previous.get("outcome") not in (OK, SKIPPED):
        return False
    return all(io.is_file(out_dir / name) for name in output_names(slug, report).values())


def _record(plan: _Plan, result: Mapping[str, Any], audience: str, quarter: str) -> dict[str, Any]:
    """The per-council record written after a council's run (also its entry in the manifest)."""
    council = plan.council
    return {
        "format": BATCH_FORMAT,
        "council": council.name,
        "code": council.code,
        "slug": council.slug,
        "quarter": quarter,
        "audience": audience,
        "outcome": result["status"],
        "error": result.get("error"),
        "inputs_fingerprint": plan.fingerprint,
        "inputs": plan.inputs,
        "counts": result.get("counts"),
        "headline": result.get("headline"),
        "files": result.get("files", {}),
        "warnings": result.get("warnings", []),
        "attempts": result.get("attempts", 0),
        "engine": result.get("engine"),
        "warm_error": result.get("warm_error"),
        "seconds": result.get("seconds"),
        "produced_at": _now(),
    }


def _manifest_entry(
    record: Mapping[str, Any], this_run: bool, outcome: str | None = None
) -> dict[str, Any]:
    entry = dict(record)
    entry["this_run"] = this_run
    if outcome is not None:
        entry["outcome"] = outcome
    return entry


def run_batch(
    quarter: str,
    councils: Sequence[str] | None = None,
    *,
    data_dir: str | os.PathLike | None = None,
    audience: str = "internal",
    workers: int | None = None,
    force: bool = False,
    out_dir: str | os.PathLike | None = None,
    params: str | os.PathLike | None = None,
    notebook: str | os.PathLike | None = None,
    kpi_table: Callable | None = None,
    execute: Callable | None = None,
    progress: bool | None = None,
    start_attempts: int = START_ATTEMPTS,
    retry_delay: float = RETRY_DELAY,
    national: bool = False,
    report: str = "quarterly",
    encoding: str | None = None,
    engine: str = "warm",
    pool: WorkerPool | None = None,
) -> BatchResult:
    """Produce the quarterly report of every council asked for, in parallel; write the index and
    the manifest.

    Parameters
    ----------
    quarter : str
        The quarter, e.g. ``"Q2 2025/26"`` (any form
        :func:`jswlib.definitions.periods.parse_quarter` reads); blank for the latest complete
        quarter in the data.
    councils : sequence of str, optional
        Council names, aliases, slugs or GSS codes; default all councils of
        ``params/councils.yaml``.
    data_dir : path-like, optional
        The data folder; default the ``data_dir`` of ``params/settings.yaml``.
    audience : {"internal", "public"}
        Who the reports are for.
    workers : int, optional
        Worker processes; default the number of CPUs (never more than the councils to run).
    force : bool
        Re-run councils whose outputs are up to date.
    out_dir : path-like, optional
        Where to write; default ``<outputs_dir>/<yyyy-yy>-Q<n>``.
    params : path-like, optional
        The params folder (passed on to the notebooks as ``$JSW_PARAMS``).
    notebook : path-like, optional
        The notebook to run; default :data:`DEFAULT_NOTEBOOK`. It is run with ``cwd`` its own
        folder.
    kpi_table : callable, optional
        ``kpi_table(council=, quarter=, data_dir=, audience=, commentary_file=, params=)``
        returning the KPI table (a DataFrame with a ``rag`` column); default
        :func:`report_kpi_table`. Must be picklable (a module-level function): it runs in the
        worker processes.
    execute : callable, optional
        Stands in for ``papermill.execute_notebook`` (same signature; picklable). For tests.
    progress : bool, optional
        Show a progress bar; default when standard error is a terminal.
    start_attempts : int
        Attempts at starting a kernel before a council fails.
    retry_delay : float
        Seconds before the second attempt (doubled for each further one).
    national : bool
        Also produce the national overview (:data:`NATIONAL_NOTEBOOK`): Scotland's series with
        SPC, the family groups and funnel plots of the councils, as ``national-overview.html`` and
        ``.ipynb``, linked from the index. It is always re-run.
    report : {"quarterly", "framework"}
        The report to run (:data:`REPORTS`). ``framework`` runs the framework report of every
        council that has a framework (or of those named, which must have one).
    encoding : str, optional
        Encoding of the extract's CSV files (default UTF-8); passed to the notebooks as their
        ``encoding`` parameter when they have one.
    engine : {"warm", "fresh"}
        ``warm``: one kernel per worker process, kept alive between councils and reset to a clean
        state before each (:mod:`jswlib.run.warm`); a council whose warm run fails in any way is
        run again in a fresh kernel. ``fresh``: a new kernel per council. Ignored (fresh) when
        ``execute`` is given. The national overview always runs in a fresh kernel.
    pool : WorkerPool, optional
        Worker processes shared by several batches (:func:`worker_pool`), so that a back-run of
        several quarters starts its workers and warm kernels once; ``workers`` is then the
        pool's. Default: worker processes started for this batch and stopped at its end.

    Returns
    -------
    BatchResult
        The outcome of every council asked for; ``succeeded`` is False when any failed.

    Raises
    ------
    jswlib.core.errors.InputError
        Before anything runs: a quarter that cannot be read, unknown councils (all listed), an
        unknown audience, fewer than one worker, a missing notebook or data folder, a parameter
        the notebook does not have, another batch writing to the same folder, an unknown engine.
    jswlib.core.errors.OutputError
        Before anything runs, when the output folder cannot be written (read-only, a file in its
        place); later, when the index or manifest cannot be written (full disk).
    jswlib.definitions.params.ParamsError, jswlib.core.io.ExtractFileError
        From loading the params or the results.

    Notes
    -----
    A file of the extract that cannot be used (``Results.problems``) fails every council asked
    for, with that reason in the summary, the index and the manifest; no notebook runs, since
    every figure would be computed without that table. The folder is locked for the run
    (:func:`jswlib.core.io.folder_lock`) and temporary files left by a crashed run are removed.
    Worker processes end with the batch, even when it is killed (:func:`die_with_parent`).
    """
    started_at = _now()
    t0 = time.perf_counter()
    skip_optional_grammars()  # the worker processes forked from this one inherit it
    if pool is not None:
        workers = pool.workers
    if report not in REPORTS:
        raise InputError(f"report {report!r}: expected one of {', '.join(REPORTS)}")
    kind = REPORTS[report]
    if engine not in ENGINES:
        raise InputError(f"engine {engine!r}: expected one of {', '.join(ENGINES)}")
    request = _check_request(
        quarter,
        councils,
        data_dir,
        audience,
        workers,
        start_attempts,
        params,
        notebook or kind.notebook,
        out_dir,
        report,
        encoding,
    )
    with io.folder_lock(request.out_dir, "jsw batch"):
        io.remove_stale_temporaries(request.out_dir)
        return _run_locked(
            request,
            kind,
            councils,
            kpi_table,
            execute,
            workers,
            force,
            progress,
            start_attempts,
            retry_delay,
            started_at,
            t0,
            national,
            engine,
            pool,
        )


def _run_locked(
    request,
    kind,
    councils,
    kpi_table,
    execute,
    workers,
    force,
    progress,
    start_attempts,
    retry_delay,
    started_at,
    t0,
    national,
    engine="fresh",
    pool=None,
) -> BatchResult:
    """The batch once its request is checked and its output folder locked."""
    audience, report = request.audience, request.report
    kpi_table = kpi_table or kind.table
    # Once: notebooks read the cache.
    results = load_results(
        request.data_dir, request.params, encoding=request.encoding, allow_problems=True
    )
    problems = tuple(getattr(results, "problems", ()) or ())
    prepared = time.perf_counter()
    previous_manifest = _read_manifest(request.out_dir, kind.manifest)
    plans = _plan(request, results.fingerprint, kpi_table, force, previous_manifest)
    reason = ""
    if problems:  # no report on partial data: every council fails, with the reason
        reason = f"the data cannot be used: {problems[0]}" + (
            f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        )
        for plan in plans:
            plan.up_to_date = False
            plan.record = _record(
                plan, {"status": FAILED, "error": reason, "attempts": 0}, audience, request.label
            )
            io.write_json(
                plan.record, request.out_dir / kind.record.format(slug=plan.council.slug)
            )
    to_run = [p for p in plans if not p.up_to_date and not problems]
    n_workers = min(workers or _cpu_count(), len(to_run)) if to_run else 0
    if to_run:
        # The same for every council: read the data folder's manifest once
        header = running_header(audience, str(request.data_dir))
        tasks = [
            _task(
                request, p.council, kpi_table, execute, start_attempts, retry_delay, engine, header
            )
            for p in to_run
        ]
        by_slug = {p.council.slug: p for p in plans}
        if pool is not None:
            n_workers = pool.workers
        _run_tasks(
            tasks, n_workers, by_slug, request.out_dir, audience, request.label, progress, pool
        )
    national_entry = None
    if national and problems:
        national_entry = {
            "outcome": FAILED,
            "error": reason,
            "files": {},
            "warnings": [],
            "seconds": 0.0,
        }
    elif national:
        overview_parameters = {"quarter": request.label, "data_dir": str(request.data_dir)}
        if request.encoding and "encoding" in parameters_of(NATIONAL_NOTEBOOK):
            overview_parameters["encoding"] = request.encoding
        ran = run_overview(
            str(NATIONAL_NOTEBOOK),
            str(request.out_dir),
            overview_parameters,
            str(request.params),
            execute=execute,
            start_attempts=start_attempts,
            retry_delay=retry_delay,
        )
        national_entry = {
            "outcome": ran["status"],
            "error": ran["error"],
            "files": ran["files"],
            "warnings": ran["warnings"],
            "seconds": ran["seconds"],
        }
    finished = time.perf_counter()

    outcomes = [_outcome(plan) for plan in plans]
    entries = _all_entries(plans, request.roster, request.out_dir, previous_manifest, kind.record)
    total = round(time.perf_counter() - t0, 3)
    shown = _manifest_path if audience == "public" else str
    manifest = {
        "format": BATCH_FORMAT,
        "command": "jsw batch" + (f" --report {report}" if report != "quarterly" else ""),
        "parameters": {
            "quarter": request.label,
            "report": report,
            "councils": [c.name for c in request.councils] if councils else "all",
            "data_dir": shown(request.data_dir),
            "audience": audience,
            "workers": n_workers,
            "force": force,
            "out_dir": shown(request.out_dir),
            "notebook": shown(request.notebook),
            "params": shown(request.params),
            "kpi_table": _qualified_name(kpi_table),
            "kernel": KERNEL_NAME,
            "engine": engine if execute is None else "fresh",
            "start_attempts": start_attempts,
            "encoding": request.encoding,
        },
        "data": {
            "fingerprint": results.fingerprint,
            "as_at": results.as_at.isoformat(),
            "data_dir": shown(request.data_dir),
            "problems": list(problems),
            "synthetic": is_synthetic(request.data_dir),
        },
        "versions": package_versions(),
        "started": started_at,
        "finished": _now(),
        "seconds": {
            "total": total,
            "prepare": round(prepared - t0, 3),
            "run": round(finished - prepared, 3),
        },
        "summary": {
            status: sum(o.status == status for o in outcomes) for status in (OK, SKIPPED, FAILED)
        },
        "councils": entries,
        "national": national_entry,
    }
    out = request.out_dir
    if report == "quarterly":
        io.write_frame(kpi_matrix(entries), out / MATRIX_FILE)
    manifest_path = io.write_json(manifest, out / kind.manifest)
    index_path = _write_indexes(out, request.label, report)
    return BatchResult(
        request.label,
        out,
        index_path,
        manifest_path,
        tuple(outcomes),
        total,
        results.fingerprint,
        n_workers,
        national_entry,
    )


def _manifest_path(path: Path) -> str:
    """A path as a public manifest records it: relative to the repository when inside it, else the
    folder or file's own name, so that a published folder names no machine's paths.

    Examples
    --------
    >>> _manifest_path(REPOSITORY / "params")
    'params'
    >>> _manifest_path(Path("/srv/extracts/2026-04-15"))
    '2026-04-15'
    """
    path = Path(path)
    try:
        return path.resolve().relative_to(REPOSITORY).as_posix()
    except ValueError:
        return path.name


@dataclass(frozen=True)
class _Request:
    """A batch request after its checks: everything resolved to what will be used."""

    label: str
    period: Any
    roster: Councils
    councils: list[Council]
    notebook: Path
    params: Path
    data_dir: Path
    out_dir: Path
    audience: str
    report: str = "quarterly"
    encoding: str | None = None


def _financial_year(text: Any) -> Any:
    """``text`` read as a financial year (``2025/26``), else None."""
    try:
        period = parse_period(str(text))
    except ValueError:
        return None
    return period if period.freq == "Y" else None


def _write_indexes(out: Path, label: str, report: str) -> Path:
    """Write the index of ``report`` and, beside it, re-write the other kind's index so each links
    to
    the other (the quarterly ``index.html`` lists the framework reports' own index); returns the
    index of ``report``."""
    written = {}
    manifests = {name: _read_manifest(out, k.manifest) for name, k in REPORTS.items()}
    for name, k in REPORTS.items():
        manifest = manifests[name]
        if manifest is None:
            continue
        related = [
            {"href": other.index, "text": f"{other_name.title()} reports"}
            for other_name, other in REPORTS.items()
            if other_name != name and manifests[other_name] is not None
        ]
        page = render_index(
            label, manifest.get("councils", []), manifest, report=name, related=related
        )
        written[name] = _write_text(out / k.index, page)
    return written[report]


def _check_request(
    quarter,
    councils,
    data_dir,
    audience,
    workers,
    start_attempts,
    params,
    notebook,
    out_dir,
    report="quarterly",
    encoding=None,
) -> _Request:
    """Check what was asked before anything runs; every problem is an :class:`InputError`."""
    if quarter is None or not str(quarter).strip():
        quarter = str(
            latest_complete_quarter(
                load_results(data_dir or None, params, encoding=encoding, allow_problems=True)
            )
        )
    period = _period_of(quarter, report)
    if audience not in AUDIENCES:
        raise InputError(f"audience {audience!r}: expected one of {', '.join(AUDIENCES)}")
    if workers is not None and workers < 1:
        raise InputError(f"workers {workers}: give 1 or more")
    if start_attempts < 1:
        raise InputError(f"start_attempts {start_attempts}: give 1 or more")
    roster = load_councils(params)
    selected = _resolve_councils(roster, councils)
    if report == "framework":
        having = load_council_frameworks(params, roster)
        without = [c.name for c in selected if c.code not in having] if councils else []
        if without:
            names = ", ".join(roster.get(code).name for code in having) or "none"
            raise InputError(
                f"no performance framework for {', '.join(without)}: councils with one: {names} "
                "(frameworks: in params/report.yaml)"
            )
        selected = [c for c in selected if c.code in having]
    notebook_path = Path(notebook) if notebook is not None else DEFAULT_NOTEBOOK
    if not io.is_file(notebook_path):
        raise InputError(f"{notebook_path}: notebook not found")
    params_path = params_dir(params).resolve()
    settings = load_settings(params_path)
    given = Path(data_dir) if data_dir is not None and str(data_dir).strip() else None
    folder = (
        given.resolve()
        if given is not None and io.is_dir(given)
        else settings.resolve_data_dir(data_dir)
    )
    if not io.is_dir(folder):
        raise InputError(f"{folder}: data folder not found")
    folder_name = quarter_slug(period) if period.freq == "Q" else period.label.replace("/", "-")
    check_parameters(notebook_path, _parameters(report, "", "", audience, "", encoding))
    # Audiences apart: a public run never writes beside (or over) internal reports
    out = (Path(out_dir) if out_dir is not None else settings.outputs_dir / folder_name) / audience
    io.check_writable_folder(out)  # a read-only folder is found now, not after the notebooks
    return _Request(
        str(period),
        period,
        roster,
        selected,
        notebook_path.resolve(),
        params_path,
        folder,
        out,
        audience,
        report,
        encoding or None,
    )


def _parameters(report: str, council: str, label: str, audience: str, data_dir: str, encoding):
    """The notebook parameters of one council's run (``encoding`` only when one is given, so a
    notebook without that parameter still runs UTF-8 data)."""
    if report == "framework":
        parameters = {
            "period": label,
            "data_dir": data_dir,
            "audience": audience,
            "manual_file": "",
            "council": council,
        }
    else:
        parameters = {
            "quarter": label,
            "data_dir": data_dir,
            "audience": audience,
            "commentary_file": "",
            "council": council,
        }
    if encoding:
        parameters["encoding"] = encoding
    return parameters


def _read_manifest(out: Path, name: str = "manifest.json") -> dict[str, Any] | None:
    try:
        return io.read_json(out / name)
    except ValueError:
        return None


def _plan(
    request: _Request,
    results_fingerprint: str,
    kpi_table: Callable,
    force: bool,
    previous_manifest: Mapping[str, Any] | None,
) -> list[_Plan]:
    """One plan per council asked for: its inputs, their fingerprint, and whether it is up to
    date."""
    shared = {
        "format": BATCH_FORMAT,
        "notebook": io.file_digest(request.notebook),
        "template": template_digest(),
        "results": results_fingerprint,
        "audience": request.audience,
        "quarter": request.label,
        "kpi_table": _qualified_name(kpi_table),
    }
    plans = []
    record = REPORTS[request.report].record
    if request.report != "quarterly":
        shared["report"] = request.report
    for council in request.councils:
        # the framework report reads the council's manual figures where the quarterly report reads
        # its commentary
        if request.report == "framework":
            own_file = manual_path(request.params, council)
        else:
            own_file = commentary_path(request.params, council, request.period)
        inputs = dict(
            shared,
            council=council.code,
            commentary=io.file_digest(own_file) if io.is_file(own_file) else None,
        )
        fingerprint = inputs_fingerprint(inputs)
        previous = _previous_entry(request.out_dir, council.slug, previous_manifest, record)
        up_to_date = not force and _is_up_to_date(
            previous, fingerprint, request.out_dir, council.slug, request.report
        )
        plans.append(_Plan(council, inputs, fingerprint, previous, up_to_date))
    return plans


def _task(
    request: _Request,
    council: Council,
    kpi_table: Callable,
    execute: Callable | None,
    start_attempts: int,
    retry_delay: float,
    engine: str = "fresh",
    header: str | None = None,
) -> CouncilTask:
    parameters = _parameters(
        request.report,
        council.name,
        request.label,
        request.audience,
        str(request.data_dir),
        request.encoding,
    )
    return CouncilTask(
        name=council.name,
        code=council.code,
        slug=council.slug,
        notebook=str(request.notebook),
        out_dir=str(request.out_dir),
        parameters=parameters,
        params=str(request.params),
        kpi_table=kpi_table,
        execute=execute,
        start_attempts=start_attempts,
        retry_delay=retry_delay,
        report=request.report,
        engine=engine,
        header=header,
    )


def _outcome(plan: _Plan) -> CouncilOutcome:
    """What happened to a council: skipped as up to date, or the record of its run."""
    council = plan.council
    if plan.up_to_date:
        source = plan.previous or {}
        return CouncilOutcome(
            council.name,
            council.code,
            council.slug,
            SKIPPED,
            None,
            plan.fingerprint,
            None,
            0,
            source.get("counts"),
            dict(source.get("files") or {}),
            (),
        )
    r = plan.record
    return CouncilOutcome(
        council.name,
        council.code,
        council.slug,
        r["outcome"],
        r.get("error"),
        plan.fingerprint,
        r.get("seconds"),
        r.get("attempts", 0),
        r.get("counts"),
        dict(r.get("files", {})),
        tuple(r.get("warnings", [])),
    )


def prepare_workers(engine: str = "warm") -> None:
    """Import in this process, once, what every worker needs, before the workers are forked.

    Worker processes are forked from the batch (on Linux), so what the parent has imported they
    have without importing it again: papermill and nbconvert (about a second per process), the
    HTML exporter with its template (:func:`jswlib.present.pages.notebook_to_html`) and the warm
    engine registered with papermill. With the fresh engine the workers also write the KPI tables,
    so the report modules are imported too; with the warm engine the kernels write them, and the
    batch does not spend the report modules' import (about 0.6 s, most of it matplotlib) before
    its workers can start their kernels (a worker that must write them itself imports them then).
    Harmless where processes are started afresh instead (they import what they need, as before).
    """
    skip_optional_grammars()
    import papermill  # noqa: F401

    from jswlib.present.pages import prepare_exporter
    from jswlib.run.warm import register_engine

    prepare_exporter()
    register_engine()
    if engine != "warm":
        from jswlib.present.report import prepare_report  # noqa: F401


def _new_pool(workers: int, engine: str = "warm") -> ProcessPoolExecutor:
    prepare_workers(engine)
    return ProcessPoolExecutor(
        max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),)
    )


@dataclass
class WorkerPool:
    """Worker processes shared by several batches (from :func:`worker_pool`).

    Attributes
    ----------
    workers : int
        How many worker processes (each with its own warm kernel, once it has run a council).
    executor : concurrent.futures.ProcessPoolExecutor
        The processes.
    """

    workers: int
    executor: ProcessPoolExecutor


@contextmanager
def worker_pool(workers: int | None = None, engine: str = "warm") -> Iterator[WorkerPool]:
    """Worker processes for several batches in a row (a back-run of several quarters).

    Each worker keeps its warm kernel from one batch to the next, so the kernels are started and
    warmed up once for the whole back-run, not once per quarter. Give it to :func:`run_batch` as
    ``pool``; the processes (and their kernels) stop when the ``with`` block ends.

    Parameters
    ----------
    workers : int, optional
        Worker processes; default the number of CPUs.
    engine : {"warm", "fresh"}, default "warm"
        The engine of the batches it will run (what to import before the workers are forked,
        :func:`prepare_workers`).

    Raises
    ------
    jswlib.core.errors.InputError
        For fewer than one worker.
    """
    if workers is not None and workers < 1:
        raise InputError(f"workers {workers}: give 1 or more")
    n = workers or _cpu_count()
    executor = _new_pool(n, engine)
    try:
        yield WorkerPool(n, executor)
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        executor.shutdown(wait=True)


def run_batches(
    quarters: Sequence[str], councils: Sequence[str] | None = None, **options: Any
) -> list[BatchResult]:
    """:func:`run_batch` for several quarters in a row, in one pool of workers and warm kernels.

    Parameters
    ----------
    quarters : sequence of str
        The quarters, run in this order, each into its own quarter folder with its own index and
        manifest, exactly as ``run_batch`` for that quarter alone.
    councils : sequence of str, optional
        As for :func:`run_batch`.
    out_dir : path-like, optional
        The folder of the quarter folders: each quarter is written to
        ``<out_dir>/<yyyy-yy>-Q<n>/<audience>/``; default ``<outputs_dir>``, as ``run_batch``.
    **options
        Any other option of :func:`run_batch` (``workers`` sizes the pool).

    Returns
    -------
    list of BatchResult
        One per quarter, in order.

    Raises
    ------
    jswlib.core.errors.InputError
        No quarter, a quarter that cannot be read, or one given twice (before anything runs);
        then as :func:`run_batch`, quarter by quarter.
    """
    report = options.get("report", "quarterly")
    folders = [_folder_name(q, report) for q in quarters]
    if not folders:
        raise InputError("quarters: give at least one quarter")
    twice = sorted({f for f in folders if folders.count(f) > 1})
    if twice:
        raise InputError(f"quarters: {', '.join(twice)} given more than once")
    out_dir = options.pop("out_dir", None)
    workers = options.pop("workers", None)
    with worker_pool(workers, options.get("engine", "warm")) as pool:
        return [
            run_batch(
                q,
                councils,
                pool=pool,
                out_dir=None if out_dir is None else Path(out_dir) / folder,
                **options,
            )
            for q, folder in zip(quarters, folders)
        ]


def _folder_name(quarter: str, report: str = "quarterly") -> str:
    """The quarter folder's name (``2025-26-Q2``; ``2025-26`` for a framework report's year).

    Examples
    --------
    >>> _folder_name("Q2 2025/26"), _folder_name("2025/26", "framework")
    ('2025-26-Q2', '2025-26')
    """
    period = _period_of(quarter, report)
    return quarter_slug(period) if period.freq == "Q" else period.label.replace("/", "-")


def _period_of(quarter: str, report: str) -> Period:
    """The quarter asked for; for a framework report, a financial year too (its annual report).

    Raises
    ------
    jswlib.core.errors.InputError
        For text that is neither.
    """
    try:
        return parse_quarter(quarter)
    except (ValueError, TypeError) as exc:
        year = _financial_year(quarter) if report == "framework" else None
        if year is None:
            raise InputError(f"quarter {quarter!r}: {exc}") from None
        return year


def _run_tasks(
    tasks: list[CouncilTask],
    n_workers: int,
    by_slug: dict[str, _Plan],
    out: Path,
    audience: str,
    label: str,
    progress: bool | None,
    shared: WorkerPool | None = None,
) -> None:
    """Run the tasks in a process pool (``shared``, else one of ``n_workers`` processes for these
    tasks only); record each council as soon as it finishes."""
    from tqdm import tqdm

    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(
        total=len(tasks),
        desc=f"jsw batch {label}",
        unit="council",
        disable=not show,
        file=sys.stderr,
    )
    own = shared is None
    pool = _new_pool(n_workers, tasks[0].engine if tasks else "warm") if own else shared.executor
    futures = {}
    try:
        futures = {pool.submit(run_council, task): task for task in tasks}
        failed = 0
        for future in as_completed(futures):
            task = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # the worker process itself broke (killed, out of memory...)
                result = {
                    "status": FAILED,
                    "error": f"worker process failed: {error_summary(exc)}",
                    "attempts": 0,
                }
            plan = by_slug[task.slug]
            plan.record = _record(plan, result, audience, label)
            io.write_json(plan.record, out / REPORTS[task.report].record.format(slug=task.slug))
            failed += result["status"] == FAILED
            bar.update(1)
            if failed:
                bar.set_postfix(failed=failed)
    except BaseException:
        # Interrupted: stop starting councils; those finished are recorded already.
        if own:
            pool.shutdown(wait=False, cancel_futures=True)
        else:
            for future in futures:
                future.cancel()
        raise
    else:
        if own:
            pool.shutdown(wait=True)
    finally:
        bar.close()


def _all_entries(
    plans: list[_Plan],
    roster: Councils,
    out: Path,
    previous_manifest: Mapping[str, Any] | None,
    record_name: str = RECORD_NAME,
) -> list[dict[str, Any]]:
    """Manifest entries for every council of the quarter folder: those of this run and those run
    before."""
    planned = {p.council.slug: p for p in plans}
    entries = []
    for council in roster:
        plan = planned.get(council.slug)
        if plan is None:  # not asked for this time: keep what an earlier run recorded, if any
            previous = _previous_entry(out, council.slug, previous_manifest, record_name)
            if previous is not None:
                entries.append(_manifest_entry(previous, this_run=False))
        elif plan.up_to_date:
            entry = _manifest_entry(plan.previous or {}, this_run=True, outcome=SKIPPED)
            entry.update(
                reason="up to date", inputs_fingerprint=plan.fingerprint, inputs=plan.inputs
            )
            entries.append(entry)
        else:
            entries.append(_manifest_entry(plan.record, this_run=True))
    return entries


# --- The command ---------------------------------------------------------------------------------
