"""The worker: one council's report, produced in a worker process of ``jsw batch``.

:func:`run_council` runs the report notebook with papermill (retrying a kernel that does not
start), exports it to self-contained HTML and writes the headline KPI table as CSV and Excel. Every
file is written atomically through :mod:`jswlib.core.io`. A cell error is never retried: the
executed notebook and its HTML (showing the error) are kept, and the council fails.
"""

from __future__ import annotations

import json
import os
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jswlib.core import io
from jswlib.data.extract import is_synthetic
from jswlib.definitions.params import PARAMS_ENV
from jswlib.judge.disclosure import INTERNAL, PUBLIC
from jswlib.present.exports import write_csv, write_workbook
from jswlib.present.pages import (
    FAILED,
    OK,
    external_references,
    headline_rows,
    notebook_to_html,
    rag_counts,
)
from jswlib.run.startup import skip_optional_grammars

#: The Jupyter kernel the notebooks run on.
KERNEL_NAME = "python3"
#: Extra command-line arguments of each kernel. The kernel's own log (not the notebook's output,
#: which keeps every error) is silenced, so 32 kernels do not print ipykernel's warnings (TCP
#: without encryption, the interrupt sent when a failed notebook's kernel is shut down) over the
#: progress bar.
KERNEL_ARGUMENTS: tuple[str, ...] = ("--IPKernelApp.log_level=CRITICAL",)
#: Attempts at starting a kernel (the first one included) before a council is reported as failed.
START_ATTEMPTS = 3
#: Seconds to wait before the second attempt at starting a kernel; doubled before each further
#: attempt.
RETRY_DELAY = 2.0
#: Longest error summary kept in the manifest and shown in the index.
ERROR_SUMMARY_LENGTH = 400


def output_names(slug: str, report: str = "quarterly") -> dict[str, str]:
    """The file names a council's report is written to, by kind.

    The framework report (``report="framework"``) is written beside the quarterly report, with its
    figures file as the CSV.

    Examples
    --------
    >>> output_names("fife")
    {'html': 'fife.html', 'ipynb': 'fife.ipynb', 'csv': 'fife-kpis.csv', 'xlsx': 'fife-kpis.xlsx'}
    >>> output_names("aberdeen-city", "framework")["csv"]
    'aberdeen-city-framework-figures.csv'
    """
    if report == "framework":
        stem = f"{slug}-framework"
        return {
            "html": f"{stem}.html",
            "ipynb": f"{stem}.ipynb",
            "csv": f"{stem}-figures.csv",
            "xlsx": f"{stem}.xlsx",
        }
    return {
        "html": f"{slug}.html",
        "ipynb": f"{slug}.ipynb",
        "csv": f"{slug}-kpis.csv",
        "xlsx": f"{slug}-kpis.xlsx",
    }


#: Printed at the head of every page of an internal report.
INTERNAL_HEADER = "Internal: not for publication"
#: Printed at the head of every page of a report built from synthetic data.
SYNTHETIC_HEADER = "Synthetic data: not real people or real performance"


def running_header(audience: str, data_dir: str) -> str:
    """The header printed on every page: internal audience, synthetic data, both or neither.

    Examples
    --------
    >>> running_header("internal", "/nonexistent")
    'Internal: not for publication'
    >>> running_header("public", "/nonexistent")
    ''
    """
    parts = [INTERNAL_HEADER] if audience == INTERNAL else []
    if data_dir and is_synthetic(data_dir):
        parts.append(SYNTHETIC_HEADER)
    return " \u00b7 ".join(parts)


_ABSOLUTE_PATH = re.compile(r"""(?<![\w.])/(?:[^\s"'\\/]+/)*[^\s"'\\/]+""")


def without_paths(nb: dict) -> dict:
    r"""An executed notebook (as JSON) with the absolute paths papermill records as file names.

    Papermill writes the paths of the input and output notebooks and every parameter (the data
    folder) into the notebook's metadata and its injected parameters cell. A public notebook
    keeps the last part of each path only, so it names no folder of the machine it ran on.

    Examples
    --------
    >>> nb = {"metadata": {"papermill": {"input_path": "/srv/jsw/notebooks/q.ipynb"}},
    ...       "cells": [{"cell_type": "code", "metadata": {"tags": ["injected-parameters"]},
    ...                  "source": ['data_dir = "/srv/jsw/data/demo"\n']}]}
    >>> out = without_paths(nb)
    >>> out["metadata"]["papermill"]["input_path"], out["cells"][0]["source"]
    ('q.ipynb', ['data_dir = "demo"\n'])
    """

    def strip(value: Any) -> Any:
        if isinstance(value, str):
            return _ABSOLUTE_PATH.sub(lambda m: m.group(0).rstrip("/").rsplit("/", 1)[-1], value)
        if isinstance(value, list):
            return [strip(v) for v in value]
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items()}
        return value

    out = dict(nb)
    out["metadata"] = strip(nb.get("metadata", {}))
    cells = []
    for cell in nb.get("cells", []):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell = dict(cell, source=strip(cell.get("source", [])))
        cells.append(cell)
    out["cells"] = cells
    return out


def figures_name(slug: str) -> str:
    """The file of every figure a council's report shows.

    Examples
    --------
    >>> figures_name("orkney-islands")
    'orkney-islands-figures.csv'
    """
    return f"{slug}-figures.csv"


def error_summary(exc: BaseException) -> str:
    """One line saying what went wrong: the exception's type and message (its first lines,
    shortened).

    For a notebook error (``PapermillExecutionError``) it is the error raised in the cell, and the
    cell.

    Examples
    --------
    >>> error_summary(ValueError("no data for Q2 2025/26\\nmore detail"))
    'ValueError: no data for Q2 2025/26 more detail'
    """
    ename = getattr(exc, "ename", None)
    if ename is not None:  # papermill.exceptions.PapermillExecutionError
        text = (
            f"{ename}: {getattr(exc, 'evalue', '')} (in cell [{getattr(exc, 'exec_count', '?')}])"
        )
    else:
        text = f"{type(exc).__name__}: {exc}"
    text = " ".join(text.split())
    return text if len(text) <= ERROR_SUMMARY_LENGTH else text[: ERROR_SUMMARY_LENGTH - 3] + "..."


def report_kpi_table(
    council: str,
    quarter: str,
    data_dir: str,
    audience: str,
    commentary_file: str,
    params: str | None,
    encoding: str = "",
):
    """The KPI outputs of a council's report: ``{"kpis", "publication", "workbook", "figures"}``.

    ``kpis`` is ``prepare_report(...).kpi_export()`` (its ``rag`` column gives the index counts),
    ``publication`` the KPI table in words (the CSV), ``workbook`` the KPI workbook
    (:meth:`Report.kpi_workbook`) and ``figures`` every figure of the report
    (:meth:`Report.figures_file`, written as ``<slug>-figures.csv``). The default KPI-table
    function of :func:`run_batch`; another function with the same parameters, returning a DataFrame
    with a ``rag`` column of :data:`RAG_STATUSES`, can be given instead (tests do).
    """
    from jswlib.present.report import (
        prepare_report,
    )  # imported here: the report layer sits above this module's import

    report = prepare_report(
        council=council,
        quarter=quarter,
        data_dir=data_dir,
        audience=audience,
        commentary_file=commentary_file,
        params=params,
        encoding=encoding,
    )
    return report.kpi_outputs()


def write_kpi_outputs(outputs: dict, out_dir: str | os.PathLike, slug: str) -> dict[str, Any]:
    """Write a council's KPI outputs (from :func:`report_kpi_table`) beside its report.

    Parameters
    ----------
    outputs : dict
        ``{"kpis", "publication", "workbook", "figures"}`` (``Report.kpi_outputs()``).
    out_dir : path-like
        The quarter folder.
    slug : str
        The council's slug.

    Returns
    -------
    dict
        ``counts`` (RAG words of the KPI table), ``headline`` (its rows for the index matrix) and
        ``files`` written (``figures``, ``csv``, ``xlsx``): plain values (JSON), so that a warm
        kernel can hand them back to its worker.

    Raises
    ------
    ValueError
        When the KPI table has no ``rag`` column.
    """
    table, out, names = outputs["kpis"], Path(out_dir), output_names(slug)
    if "rag" not in table.columns:
        raise ValueError(
            f"the KPI table has no 'rag' column (columns: {', '.join(map(str, table.columns))})"
        )
    write_csv(outputs["publication"], out / names["csv"])
    write_workbook(outputs["workbook"], out / names["xlsx"])
    write_csv(outputs["figures"], out / figures_name(slug))
    return {
        "counts": rag_counts(table["rag"].dropna()),
        "headline": headline_rows(table),
        "files": {"figures": figures_name(slug), "csv": names["csv"], "xlsx": names["xlsx"]},
    }


def kernel_kpi_outputs(
    report: Any, out_dir: str, slug: str, council: str, quarter: str, audience: str
) -> dict[str, Any] | None:
    """In a warm kernel, once the notebook has run: write the KPI outputs of its ``report``.

    The notebook's report object has every section computed already, so its outputs
    (``Report.kpi_outputs()``) cost little more than writing the workbook, where the worker would
    prepare the whole report again. Used only when ``report`` is the report of this council,
    quarter and audience (else None is returned and the worker computes them, as for a fresh
    kernel).

    Returns
    -------
    dict or None
        As :func:`write_kpi_outputs`.
    """
    from jswlib.present.report import Report

    if not (
        isinstance(report, Report)
        and report.council.name == council
        and str(report.quarter) == quarter
        and report.audience == audience
    ):
        return None
    return write_kpi_outputs(report.kpi_outputs(), out_dir, slug)


#: Run silently in the warm kernel after a notebook that ran without error (see
#: :func:`kernel_kpi_outputs`); the worker reads ``_jsw_result`` back as JSON.
KERNEL_KPI_CODE = r"""
def _jsw_kpis(*args):
    from jswlib.run.worker import kernel_kpi_outputs
    return kernel_kpi_outputs(globals().get("report"), *args)
_jsw_result = _jsw_kpis(*%(args)s)
del _jsw_kpis
"""


def report_framework_tables(
    council: str,
    quarter: str,
    data_dir: str,
    audience: str,
    commentary_file: str,
    params: str | None,
) -> dict:
    """The tables of a council's framework report: ``{"figures": ..., "framework": ...}``.

    ``figures`` is the figures file (``FrameworkReport.figures_data()``, written as the CSV and as
    a sheet), ``framework`` the PI table with its ``rag`` column (``framework_export()``). Same
    parameters as :func:`report_kpi_table` (``quarter`` is the report period; the commentary is not
    used).
    """
    from jswlib.present.framework import prepare_framework_report

    report = prepare_framework_report(
        council=council, period=quarter, data_dir=data_dir, audience=audience, params=params
    )
    return {"framework": report.framework_export(), "figures": report.figures_data()}


@dataclass(frozen=True)
class CouncilTask:
    """Everything a worker process needs to produce one council's report (picklable)."""

    name: str
    code: str
    slug: str
    notebook: str
    out_dir: str
    parameters: dict[str, str]
    params: str
    kpi_table: Callable
    execute: Callable | None = None
    start_attempts: int = START_ATTEMPTS
    retry_delay: float = RETRY_DELAY
    report: str = "quarterly"
    engine: str = "fresh"
    #: The running header of the pages (:func:`running_header`), worked out once per batch;
    #: None: worked out by the worker.
    header: str | None = None


class KernelStartError(RuntimeError):
    """The kernel did not start (no cell ran), after every attempt."""

    def __init__(self, attempts: int, cause: BaseException):
        super().__init__(
            f"the kernel did not start ({attempts} attempts); last error {error_summary(cause)}"
        )
        self.attempts = attempts
        self.cause = cause


class _NoCellRan(Exception):
    """Internal: the run stopped before any cell started, so it may be tried again."""


def _kernel_start_errors() -> tuple[type[BaseException], ...]:
    """Exception types raised when a kernel does not start or answer (jupyter_client, nbclient)."""
    errors: list[type[BaseException]] = [RuntimeError, TimeoutError, OSError]
    try:
        import zmq

        errors.append(zmq.ZMQError)
    except ImportError:  # pragma: no cover - pyzmq comes with jupyter_client
        pass
    return tuple(errors)


def _cells_started(path: Path) -> bool:
    """Whether papermill marked any cell of the notebook at ``path`` as started (False when
    unreadable)."""
    try:
        nb = io.read_json(path)
    except (ValueError, OSError):
        return False
    if not isinstance(nb, dict):
        return False
    for cell in nb.get("cells", []):
        state = cell.get("metadata", {}).get("papermill", {})
        if state.get("start_time") or state.get("status") in ("running", "completed"):
            return True
    return False


def _execute_notebook(
    task: CouncilTask, path: Path, tally: dict[str, Any]
) -> tuple[Any, BaseException | None]:
    """Run the notebook into ``path`` (atomically); retry when the kernel does not start.

    Returns the executed notebook and the cell error when a cell failed (the notebook is kept,
    showing it). ``tally["attempts"]`` counts the attempts, whatever the outcome.
    """
    skip_optional_grammars()  # a no-op when the parent process did it already
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    if task.execute is None:
        from papermill import execute_notebook as execute
    else:
        execute = task.execute
    start_errors = _kernel_start_errors()
    for attempt in range(1, task.start_attempts + 1):
        tally["attempts"] = attempt
        outcome: dict[str, BaseException] = {}

        def write(tmp: Path, outcome: dict[str, BaseException] = outcome) -> None:
            try:
                with warnings.catch_warnings():
                    # The temporary file ends in .tmp, not .ipynb, until it is renamed.
                    warnings.filterwarnings(
                        "ignore", message=r"The specified file .* does not end in"
                    )
                    execute(
                        task.notebook,
                        str(tmp),
                        parameters=dict(task.parameters),
                        kernel_name=KERNEL_NAME,
                        progress_bar=False,
                        cwd=str(Path(task.notebook).parent),
                        extra_arguments=list(KERNEL_ARGUMENTS),
                    )
            except PapermillExecutionError as exc:
                # A cell failed: keep the notebook, which shows the error.
                outcome["cell_error"] = exc
            except start_errors as exc:
                if io.is_output_fault(exc):  # a full disk or read-only folder: not worth a retry
                    raise io.output_error(path, exc) from None
                if _cells_started(tmp):
                    raise  # the kernel started and died later: not a start-up problem
                raise _NoCellRan() from exc

        try:
            io.write_atomic(path, write)
        except _NoCellRan as exc:
            if attempt == task.start_attempts:
                raise KernelStartError(attempt, exc.__cause__) from exc.__cause__
            time.sleep(task.retry_delay * 2 ** (attempt - 1))
            continue
        # Joins the lines of each cell
        nb = nbformat.reads(json.dumps(io.read_json(path)), as_version=4)
        return nb, outcome.get("cell_error")
    raise AssertionError("unreachable")  # pragma: no cover


def die_with_parent(parent_pid: int) -> None:
    """Make this worker process end when its parent (``jsw batch``) ends, however it ends.

    Run as the initializer of each worker process. On Linux the kernel itself sends the worker
    ``SIGKILL`` when the parent dies (``prctl(PR_SET_PDEATHSIG)``), even after ``kill -9`` of the
    parent, so no orphan starts new kernels or writes files for a run nobody records; its
    kernels, started by ``jupyter_client``, end in turn when their parent is gone (ipykernel
    watches its parent). Elsewhere a thread checks the parent every half second and ends the
    worker at once (``os._exit``, so nothing more is written).

    Parameters
    ----------
    parent_pid : int
        The process id of the batch, as it was when the pool was created.
    """
    import signal
    import sys
    import threading

    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the thread below
            pass
    if os.getppid() != parent_pid:  # the parent died before the line above ran
        os._exit(1)

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(1)
            time.sleep(0.5)

    threading.Thread(target=watch, name="jsw-parent-watch", daemon=True).start()


#: Run once in a new warm kernel after its imports (:class:`jswlib.run.warm.WarmKernel`): the first
#: council's report prepared, so that the batch's results, definitions and, for a public batch,
#: the quarter's protected figures are in the kernel's memos before its baseline is taken.
PRELOAD_CODE = r"""
from jswlib.present.report import preload_reports
preload_reports(*%(args)s)
"""


def preload_code(task: CouncilTask) -> str:
    """:data:`PRELOAD_CODE` for the task's batch (quarterly reports; else nothing)."""
    if task.report != "quarterly":
        return ""
    p = task.parameters
    args = [
        task.name,
        p.get("quarter", ""),
        p.get("data_dir", ""),
        p.get("audience", "internal"),
        p.get("encoding", ""),
    ]
    return PRELOAD_CODE % {"args": repr(args)}


def _execute_warm(task: CouncilTask, path: Path) -> tuple[Any, BaseException | None]:
    """Run the notebook into ``path`` (atomically) in this worker's warm kernel (:mod:`jswlib.run.warm`).

    Returns the executed notebook and the cell error, as :func:`_execute_notebook`; any other
    failure (the kernel did not start, reset or answer) is raised.
    """
    skip_optional_grammars()
    import nbformat
    from papermill import execute_notebook
    from papermill.exceptions import PapermillExecutionError

    from jswlib.run.warm import execute_warm

    outcome: dict[str, Any] = {}

    def write(tmp: Path) -> None:
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=r"The specified file .* does not end in")
                outcome["nb"] = execute_warm(
                    execute_notebook,
                    task.notebook,
                    str(tmp),
                    parameters=dict(task.parameters),
                    kernel_name=KERNEL_NAME,
                    cwd=str(Path(task.notebook).parent),
                    extra_arguments=list(KERNEL_ARGUMENTS),
                    env={PARAMS_ENV: task.params},
                    preload=preload_code(task),
                    progress_bar=False,
                    # Written once, when the notebook ends (or fails), not at every cell: a warm
                    # run that fails in any way is run again in a fresh kernel anyway.
                    request_save_on_cell_execute=False,
                )
        except PapermillExecutionError as exc:
            outcome["cell_error"] = exc

    io.write_atomic(path, write)
    nb = outcome.get("nb")
    if nb is None:  # a cell failed: the notebook written shows the error
        nb = nbformat.reads(json.dumps(io.read_json(path)), as_version=4)
    return nb, outcome.get("cell_error")


def _kpis_in_kernel(task: CouncilTask) -> Callable[[], dict[str, Any] | None] | None:
    """Ask the warm kernel to write the KPI outputs from the notebook's report (see
    :func:`kernel_kpi_outputs`), and return at once, so that the worker exports the report's
    HTML meanwhile.

    Returns
    -------
    callable or None
        None when the worker must compute them (another KPI-table function or report, no warm
        kernel); else a function that waits for them and returns them, or None when the worker
        must compute them after all (no such report in the notebook, or any failure in the
        kernel).
    """
    if task.kpi_table is not report_kpi_table or task.report != "quarterly":
        return None
    from jswlib.run.warm import current_kernel

    kernel = current_kernel()
    if kernel is None:
        return None
    args = [
        task.out_dir,
        task.slug,
        task.name,
        task.parameters.get("quarter", ""),
        task.parameters.get("audience", ""),
    ]
    try:
        request = kernel.send_for_result(KERNEL_KPI_CODE % {"args": repr(args)})
    except Exception:  # noqa: BLE001 - the worker computes them instead, as for a fresh kernel
        return None

    def written() -> dict[str, Any] | None:
        try:
            return kernel.result_of(request)
        except Exception:  # noqa: BLE001 - as above
            return None

    return written


def _run_notebook(task: CouncilTask, path: Path, result: dict[str, Any]):
    """Run the council's notebook with the task's engine; a warm run that fails in any way is run
    again once in a fresh kernel, whose outcome stands (the warm kernel is replaced)."""
    if task.engine != "warm" or task.execute is not None:
        result["engine"] = "fresh"
        return _execute_notebook(task, path, result)
    from jswlib.run.warm import discard_kernel

    try:
        nb, cell_error = _execute_warm(task, path)
    except Exception as exc:  # the kernel did not start, reset or answer, or died
        if io.is_output_fault(exc):  # a full disk or read-only folder: not worth a retry
            raise io.output_error(path, exc) from None
        nb, cell_error = None, exc
    if cell_error is None:
        result["engine"] = "warm"
        result["attempts"] = 1
        result["kernel_kpis"] = _kpis_in_kernel(task)
        return nb, None
    discard_kernel()
    result["engine"] = "fresh"
    result["warm_error"] = error_summary(cell_error)
    return _execute_notebook(task, path, result)


def _write_text(path: Path, text: str) -> Path:
    return io.write_text(path, text)


def _kpis_in_worker(task: CouncilTask, period: str) -> dict[str, Any]:
    """The council's KPI outputs computed and written in this worker process, with the task's
    KPI-table function; returns ``counts``, ``headline`` (when there is one) and ``files``."""
    out = Path(task.out_dir)
    names = output_names(task.slug, task.report)
    result: dict[str, Any] = {"files": {}}
    table = task.kpi_table(
        council=task.name,
        quarter=period,
        data_dir=task.parameters["data_dir"],
        audience=task.parameters["audience"],
        commentary_file=task.parameters.get("commentary_file", ""),
        params=task.params,
        **({"encoding": task.parameters["encoding"]} if "encoding" in task.parameters else {}),
    )
    if isinstance(table, dict) and "kpis" in table:  # the quarterly report's outputs
        return write_kpi_outputs(table, out, task.slug)
    sheets = None
    if isinstance(table, dict):  # several tables (the framework report): figures as the CSV
        sheets, table = table, table["framework"]
    if "rag" not in table.columns:
        raise ValueError(
            f"the KPI table has no 'rag' column (columns: {', '.join(map(str, table.columns))})"
        )
    result["counts"] = rag_counts(table["rag"].dropna())
    if sheets is None:
        result["headline"] = headline_rows(table)
        io.write_frame(table, out / names["csv"])
        io.write_frame(table, out / names["xlsx"])
    else:
        io.write_frame(sheets["figures"], out / names["csv"])
        io.write_excel_sheets(sheets, out / names["xlsx"])
    result["files"]["csv"], result["files"]["xlsx"] = names["csv"], names["xlsx"]
    return result


def run_council(task: CouncilTask) -> dict[str, Any]:
    """Produce one council's report: run the notebook, export HTML, write the KPI table (in a
    worker process).

    Parameters
    ----------
    task : CouncilTask
        The council, the notebook, its parameters and where to write.

    Returns
    -------
    dict
        ``status`` (``"ok"`` or ``"failed"``), ``error`` (one line, or None), ``attempts`` (kernel
        starts tried), ``counts`` (RAG words of the KPI table), ``headline`` (its rows for the
        index matrix, :func:`jswlib.present.pages.headline_rows`), ``files`` written, ``warnings``,
        ``seconds``.

    Notes
    -----
    Every file is written atomically. When a cell fails, the executed notebook and its HTML
    (showing the error) are kept and the KPI files of an earlier run are removed, so that nothing
    left in the folder looks like a report of these inputs. An interruption (``KeyboardInterrupt``)
    is not caught.
    """
    started = time.perf_counter()
    out = Path(task.out_dir)
    names = output_names(task.slug, task.report)
    result: dict[str, Any] = {
        "council": task.name,
        "code": task.code,
        "slug": task.slug,
        "status": FAILED,
        "error": None,
        "attempts": 0,
        "counts": None,
        "files": {},
        "warnings": [],
    }
    previous_params = os.environ.get(PARAMS_ENV)
    # The kernel inherits it, so the notebook reads the same params
    os.environ[PARAMS_ENV] = task.params
    try:
        nb, cell_error = _run_notebook(task, out / names["ipynb"], result)
        if task.parameters.get("audience") == PUBLIC:  # no folder of this machine in a public file
            io.write_json(without_paths(io.read_json(out / names["ipynb"])), out / names["ipynb"])
        result["files"]["ipynb"] = names["ipynb"]
        period = task.parameters.get("quarter", task.parameters.get("period", ""))
        kind = "framework report" if task.report == "framework" else "performance"
        title = f"Justice Social Work {kind}: {task.name}, {period}"
        page = notebook_to_html(
            nb,
            title,
            Path(task.notebook).parent,
            footer=f"{task.name}, {period}",
            header=task.header
            if task.header is not None
            else running_header(
                task.parameters.get("audience", ""), task.parameters.get("data_dir", "")
            ),
        )
        result["warnings"] += [
            f"{names['html']} refers to another host: {ref}" for ref in external_references(page)
        ]
        _write_text(out / names["html"], page)
        result["files"]["html"] = names["html"]
        if cell_error is not None:
            raise cell_error
        in_kernel = result.pop("kernel_kpis", None)
        written = in_kernel() if in_kernel is not None else None
        if written is None:
            written = _kpis_in_worker(task, period)
        result["counts"], result["headline"] = written["counts"], written.get("headline")
        result["files"].update(written["files"])
        result["status"] = OK
    except Exception as exc:
        in_kernel = result.pop("kernel_kpis", None)
        if in_kernel is not None:  # wait for the kernel's KPI files, so that they are removed
            in_kernel()
        result["error"] = error_summary(exc)
        if isinstance(exc, io.OutputError):
            result["error"] = str(exc)
        if io.is_output_fault(exc) and not result["files"]:
            # Nothing of this run could be written (a full disk): the earlier report and its KPI
            # files stay together as they were; deleting the KPI files would leave its HTML page
            # without them.
            pass
        else:
            for kind in ("csv", "xlsx"):  # no KPI table of other inputs next to a failed report
                io.remove(out / names[kind])
                result["files"].pop(kind, None)
            io.remove(out / figures_name(task.slug))
            result["files"].pop("figures", None)
    finally:
        result.pop("kernel_kpis", None)  # not sent back: a function
        if previous_params is None:
            os.environ.pop(PARAMS_ENV, None)
        else:
            os.environ[PARAMS_ENV] = previous_params
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


#: File names of the national overview in a quarter folder (``jsw batch --national``).
NATIONAL_NAMES: dict[str, str] = {
    "html": "national-overview.html",
    "ipynb": "national-overview.ipynb",
}


def run_overview(
    notebook: str,
    out_dir: str,
    parameters: dict[str, str],
    params: str,
    *,
    execute: Callable | None = None,
    start_attempts: int = START_ATTEMPTS,
    retry_delay: float = RETRY_DELAY,
) -> dict[str, Any]:
    """Produce the national overview: run its notebook and export it to HTML (in this process).

    Parameters
    ----------
    notebook : str
        ``notebooks/national_overview.ipynb``.
    out_dir : str
        The quarter folder; the files are :data:`NATIONAL_NAMES`.
    parameters : dict
        The notebook's parameters (``quarter``, ``data_dir``).
    params : str
        The params folder (passed to the kernel as ``$JSW_PARAMS``).
    execute : callable, optional
        Stands in for ``papermill.execute_notebook`` (for tests).
    start_attempts, retry_delay
        As for a council (:func:`run_council`).

    Returns
    -------
    dict
        ``status`` (``"ok"`` or ``"failed"``), ``error`` (one line, or None), ``files`` written,
        ``warnings``, ``seconds``.

    Notes
    -----
    As :func:`run_council`, without the KPI table: a cell error keeps the executed notebook and its
    HTML, showing the error.
    """
    task = CouncilTask(
        name="Scotland",
        code="",
        slug="national-overview",
        notebook=notebook,
        out_dir=out_dir,
        parameters=dict(parameters),
        params=params,
        kpi_table=rag_counts,  # unused: the overview has no KPI table
        execute=execute,
        start_attempts=start_attempts,
        retry_delay=retry_delay,
    )
    started = time.perf_counter()
    out = Path(out_dir)
    result: dict[str, Any] = {"status": FAILED, "error": None, "files": {}, "warnings": []}
    previous_params = os.environ.get(PARAMS_ENV)
    os.environ[PARAMS_ENV] = params
    try:
        nb, cell_error = _execute_notebook(task, out / NATIONAL_NAMES["ipynb"], result)
        result["files"]["ipynb"] = NATIONAL_NAMES["ipynb"]
        title = f"Justice Social Work: national overview, {parameters.get('quarter', '')}"
        page = notebook_to_html(nb, title, Path(notebook).parent)
        result["warnings"] += [
            f"{NATIONAL_NAMES['html']} refers to another host: {ref}"
            for ref in external_references(page)
        ]
        _write_text(out / NATIONAL_NAMES["html"], page)
        result["files"]["html"] = NATIONAL_NAMES["html"]
        if cell_error is not None:
            raise cell_error
        result["status"] = OK
    except Exception as exc:
        in_kernel = result.pop("kernel_kpis", None)
        if in_kernel is not None:  # wait for the kernel's KPI files, so that they are removed
            in_kernel()
        result["error"] = error_summary(exc)
    finally:
        result.pop("kernel_kpis", None)  # not sent back: a function
        if previous_params is None:
            os.environ.pop(PARAMS_ENV, None)
        else:
            os.environ[PARAMS_ENV] = previous_params
    result.pop("attempts", None)
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result
