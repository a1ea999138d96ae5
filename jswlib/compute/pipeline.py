"""An extract validated and its indicators computed: in one process, or table by table in several.

:func:`compute_extract` is what ``jsw compute`` and the results cache
(:func:`jswlib.compute.results.load_results`) run. In one process it is
:func:`jswlib.data.extract.load_extract`, each table's indicators computed
(:func:`jswlib.compute.indicators.indicator_blocks`) as soon as the table is validated and its rows
then let go, when the extract date is known before the data are read (given, or in the folder's
manifest); otherwise every table is kept until the last gives the date, and
:func:`jswlib.compute.indicators.compute_indicators` runs on them all.

In several, the tables are shared out as they come: each process (this one and the others it
starts) takes the largest table nobody has taken yet, reads and validates it, and computes the
indicators of that table (each indicator needs its own table only), until none is left; the
results, the rows read, used and rejected, the reasons and the notes come back to this process,
which puts them in the order of the catalogue and of the data contract. The outcome is the same
table, row for row, as in one process; only the time and the memory differ.

Processes are started afresh (``python -c``: a new Python that imports what it needs), not
copied from this one, so that nothing of this process's state (threads, open files) goes with
them, on every system, and the calling script is not run again (as ``multiprocessing``'s
``spawn`` would run a script that has no ``if __name__ == "__main__"`` guard). They talk to this
one through their standard input and output only (pickled objects), and write no file; one
whose parent has gone stops at its next table.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from jswlib.compute.indicators import (
    Definitions,
    chosen_indicators,
    compute_indicators,
    indicator_blocks,
    results_frame,
)
from jswlib.core import io
from jswlib.core.errors import JswError
from jswlib.data.extract import (
    Extract,
    TableFile,
    TablePart,
    assemble_extract,
    discover_tables,
    extract_date_of,
    latest_event_date,
    load_extract,
    load_table,
    read_sources,
    reported_from_of,
    validation_date,
)
from jswlib.definitions.schema import TABLES

#: glibc's ``mallopt`` parameters (``malloc.h``): the size of an allocation served by a mapping
#: of its own, and the free memory at the top of the heap above which it is given back.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: Both set to the largest value they take (a C ``int``).
_KEEP = 2**31 - 1


class ProcessStopped(JswError, RuntimeError):
    """A process started by :func:`compute_extract` stopped before it finished (killed, or out of
    memory): nothing is computed."""


def reuse_freed_memory() -> bool:
    """Let this process reuse the memory it frees rather than give it back to the system at once.

    Returns
    -------
    bool
        True when the C allocator (glibc's) took the setting; False elsewhere (nothing changed).

    Notes
    -----
    glibc serves a large allocation (from 128 kB, a threshold it raises up to 32 MB as such
    blocks are freed) by a mapping of its own, returned to the system when freed; a column of a
    few million rows made next then has every page of its memory given, and zeroed, by the
    system again. At ten times the demo data that system time was about a third of the
    process's; with both thresholds at their largest, freed columns stay in the heap and are
    reused as they are, and it halves, with the same peak memory there (what is freed is
    reused, not added to); the memory is given back when the process ends. Only a command that
    runs once per process (``jsw compute``, and the processes :func:`compute_extract` starts)
    calls it, and only for a large extract: below it the system time saved is small (a tenth
    of a second at the demo scale) and the memory kept in the heap (about 10 MB more at the
    peak) counts for more. Results are unchanged: only where memory comes from changes.
    """
    import ctypes

    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, _KEEP)) & bool(mallopt(_M_TRIM_THRESHOLD, _KEEP))


#: Table files of at least this many bytes in all make a large extract (about 256 MB, three times
#: the demo data): :func:`default_processes` shares its tables between two processes, and
#: ``jsw compute`` also keeps the memory it frees (:func:`reuse_freed_memory`) and, when it runs
#: in one process (one CPU, or ``--processes 1``), reads each table while the one before it is
#: validated.
#: Below it a second process costs more memory (its own imports, about 110 MB, more than the demo's
#: CSV bytes) than its time is worth, and keeping freed memory saves no measurable time for about
#: 10 MB more at the peak.
LARGE_EXTRACT = 256 * 1024 * 1024
#: Processes :func:`default_processes` gives a large extract (at most one per CPU).
LARGE_EXTRACT_PROCESSES = 2


def is_large(data_dir: str | os.PathLike) -> bool:
    """Whether the table files of a data folder come to :data:`LARGE_EXTRACT` bytes or more.

    Raises
    ------
    jswlib.core.errors.FolderNotFoundError
        When the folder does not exist.
    """
    files = io.list_table_files(data_dir)
    return sum(size for _, size, _ in io.file_stats(files, data_dir)) >= LARGE_EXTRACT


def default_processes(data_dir: str | os.PathLike) -> int:
    """How many processes :func:`compute_extract` should use for a data folder: two for a large
    extract (:func:`is_large`) on a machine with two CPUs or more, else one."""
    return min(LARGE_EXTRACT_PROCESSES, usable_cpus()) if is_large(data_dir) else 1


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity where the system says, else every CPU)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@dataclass
class Computed:
    """What :func:`compute_extract` gives.

    Attributes
    ----------
    extract : jswlib.data.extract.Extract
        Summary, rejects and notes of every table. Its ``tables`` holds the accepted rows only
        when they were all kept (one process, no extract date known before the data are read);
        otherwise it is empty: each table's rows were let go once its indicators were computed,
        in the process that computed them.
    as_at : datetime.date or None
        The extract date used (None: nothing gives one, or the extract cannot be used, so
        nothing is computed).
    results : pandas.DataFrame or None
        The results (:data:`jswlib.compute.indicators.RESULT_COLUMNS`); None when the extract
        cannot be used (:attr:`Extract.problems`; unless computed ``with_problems``) or has no
        extract date.
    processes : int
        How many processes did the work.
    seconds : dict of str to float
        Wall-clock time: ``total``; and ``validation`` and ``computation`` when one came after
        the other (in one process, without an extract date known before the data are read).
    done_by : dict of str to int
        In several processes, which one validated each table: 0 this one, 1 the first started...
    """

    extract: Extract
    as_at: date | None
    results: pd.DataFrame | None
    processes: int = 1
    seconds: dict[str, float] = field(default_factory=dict)
    done_by: dict[str, int] = field(default_factory=dict)


def compute_extract(
    data_dir: str | os.PathLike,
    defs: Definitions,
    *,
    as_at: date | None = None,
    encoding: str | None = None,
    monthly: bool = True,
    indicators: list[str] | None = None,
    processes: int = 1,
    read_ahead: bool = False,
    reuse_memory: bool = False,
    with_problems: bool = False,
) -> Computed:
    """Validate every table of a data folder and compute the indicators from what it accepts.

    Parameters
    ----------
    data_dir : path-like
        The data folder.
    defs : jswlib.compute.indicators.Definitions
        From :func:`jswlib.compute.indicators.load_definitions`.
    as_at : datetime.date, optional
        The extract date given by the user; default: as :func:`jswlib.data.extract.extract_date_of`
        finds it (the folder's manifest, else the latest event in the accepted rows).
    encoding : str, optional
        Encoding of the CSV files (default UTF-8).
    monthly, indicators
        As for :func:`jswlib.compute.indicators.compute_indicators`.
    processes : int, default 1
        How many processes share the tables (this one and ``processes - 1`` more). Each holds
        the tables it is working on, so the memory needed grows with it.
    read_ahead : bool, default False
        In one process: read each table while the one before it is validated
        (:func:`jswlib.data.extract.load_extract`).
    reuse_memory : bool, default False
        Processes started here call :func:`reuse_freed_memory` first (this one is left as it is:
        call it yourself).
    with_problems : bool, default False
        Compute even when a table cannot be used (:attr:`Extract.problems`), for a caller that
        records the problems beside the results; by default nothing is computed then.

    Returns
    -------
    Computed

    Raises
    ------
    ProcessStopped
        When a process started here stops before it has finished.
    """
    if processes < 1:
        raise ValueError(f"processes must be at least 1, not {processes}")
    started = time.perf_counter()
    extract_date = validation_date(data_dir, as_at)
    first_day = reported_from_of(data_dir)
    if processes > 1:
        return _in_processes(
            Path(data_dir),
            defs,
            given=extract_date_of(data_dir, as_at),
            extract_date=extract_date,
            first_day=first_day,
            encoding=encoding,
            monthly=monthly,
            indicators=indicators,
            processes=processes,
            reuse_memory=reuse_memory,
            with_problems=with_problems,
            started=started,
        )
    # In one process: when the extract date is known before the data are read, each table's
    # indicators are computed as soon as it is validated and its rows let go; otherwise every
    # table is kept until the last one gives the date.
    given = extract_date_of(data_dir, as_at)
    work = _Work({}, defs, extract_date, given, first_day, monthly, indicators)
    blocks: dict = {}

    def compute_now(name: str, part: TablePart) -> None:
        blocks.update(_blocks(name, part.accepted, work, given))
        part.accepted = None

    extract = load_extract(
        data_dir,
        defs.councils,
        extract_date=extract_date,
        encoding=encoding,
        read_ahead=read_ahead,
        each_table=compute_now if given is not None else None,
    )
    validated = time.perf_counter()
    blocked = bool(extract.problems) and not with_problems
    found_as_at = None if blocked else extract_date_of(data_dir, as_at, extract.tables)
    results = None
    if found_as_at is not None and given is not None:
        results = _joined(blocks, defs, indicators)
    elif found_as_at is not None:
        results = compute_indicators(
            extract.tables,
            defs,
            found_as_at,
            monthly=monthly,
            indicators=indicators,
            first_day=first_day,
        )
    seconds = {"total": time.perf_counter() - started}
    if given is None:
        seconds |= {
            "validation": validated - started,
            "computation": seconds["total"] - (validated - started),
        }
    return Computed(extract, found_as_at, results, 1, seconds)


def _joined(blocks: dict, defs: Definitions, indicators: list[str] | None) -> pd.DataFrame:
    """The results table from each indicator's blocks, in the order of the catalogue (or of
    ``indicators``)."""
    return results_frame(
        [block for ind in chosen_indicators(defs, indicators) for block in blocks.get(ind.id, [])]
    )


# --- Several processes ---------------------------------------------------------------------------


class _Tables:
    """The tables still to take, largest first; any thread may take one."""

    def __init__(self, names: list[str]):
        self._names = deque(names)
        self._lock = threading.Lock()

    def take(self) -> str | None:
        with self._lock:
            return self._names.popleft() if self._names else None

    def close(self) -> None:
        with self._lock:
            self._names.clear()


@dataclass
class _Work:
    """What one process needs to validate and compute a table (sent to each process once)."""

    files: dict[str, TableFile]
    defs: Definitions
    extract_date: date | None
    as_at: date | None  # None: known only once every table is validated
    first_day: date | None
    monthly: bool
    indicators: list[str] | None


def _do_table(name: str, sources: list, errors: list[str], work: _Work, held: dict) -> tuple:
    """Read and validate one table, and compute its indicators when the extract date is known
    (else keep its accepted rows in ``held``).

    Returns (its part without its rows, its indicators' blocks, its latest event date or None).
    """
    errors = list(errors)
    read = read_sources(sources, errors)
    part = load_table(name, read, errors, work.defs.councils, extract_date=work.extract_date)
    blocks, latest = {}, None
    if work.as_at is not None:
        blocks = _blocks(name, part.accepted, work, work.as_at)
    else:
        latest = latest_event_date({name: part.accepted})
        held[name] = part.accepted
    part.accepted = None
    return part, blocks, latest


def _blocks(name: str, accepted: pd.DataFrame, work: _Work, as_at: date) -> dict:
    return indicator_blocks(
        {name: accepted},
        work.defs,
        as_at,
        monthly=work.monthly,
        indicators=work.indicators,
        first_day=work.first_day,
    )


def _held_blocks(held: dict, work: _Work, as_at: date) -> dict:
    blocks = {}
    for name in list(held):
        blocks |= _blocks(name, held.pop(name), work, as_at)
    return blocks


class _Channel:
    """Objects sent between two processes through a pair of pipes, pickled."""

    def __init__(self, reading, writing):
        self.reading, self.writing = reading, writing

    def send(self, value) -> None:
        pickle.dump(value, self.writing, protocol=pickle.HIGHEST_PROTOCOL)
        self.writing.flush()

    def recv(self):
        return pickle.load(self.reading)

    def close(self) -> None:
        for end in (self.writing, self.reading):
            with contextlib.suppress(OSError):
                end.close()


#: What a started process runs (``python -c``): this process's import path comes first, through
#: standard input, so that it imports the same jswlib whether installed or not.
_START = (
    "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
    "from jswlib.compute.pipeline import _process_main; _process_main()"
)


def _process_main() -> None:
    """A started process: take tables from the parent until none is left, then send back what
    it found (and, when the extract date comes only afterwards, compute when it is sent).

    Its standard input and output are the channel to the parent; anything printed goes to its
    standard error instead.
    """
    channel = _Channel(sys.stdin.buffer, os.fdopen(os.dup(1), "wb"))
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        work, reuse_memory = channel.recv()
        if reuse_memory:
            reuse_freed_memory()
        parts, blocks, latest, held = {}, {}, {}, {}
        while True:
            channel.send(("take",))
            name = channel.recv()
            if name is None:
                break
            parts[name], found, latest[name] = _do_table(name, [work.files[name]], [], work, held)
            blocks |= found
        channel.send(("validated", parts, blocks, latest))
        if work.as_at is None:
            as_at = channel.recv()
            if as_at is not None:
                channel.send(("computed", _held_blocks(held, work, as_at)))
    except (EOFError, BrokenPipeError):  # the parent has gone: nobody to work for
        return
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        channel.send(_failure(exc, traceback.format_exc()))


def _failure(exc: BaseException, text: str) -> tuple:
    """The message that reports a failure: the exception itself when it can be made again on the
    other side (so that, say, a data error keeps its class and its one-line message), else only
    its traceback."""
    try:
        pickle.loads(pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - any exception that cannot travel
        return ("failed", None, text)
    return ("failed", exc, text)


class _Helper:
    """One started process and the thread of this one that gives it tables as it asks."""

    def __init__(self, work: _Work, tables: _Tables, reuse_memory: bool, number: int):
        self.name = f"jsw-compute-{number}"
        self.tables = tables
        self.process = subprocess.Popen(
            [sys.executable, "-c", _START], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.conn = _Channel(self.process.stdout, self.process.stdin)
        self.early: tuple | None = None  # a message that came while tables were being given
        # What it needs is sent on the thread: it reads it only once its imports are done
        self.thread = threading.Thread(
            target=self._give, args=(work, reuse_memory), name=f"jsw-give-{number}", daemon=True
        )
        self.thread.start()

    def _give(self, work: _Work, reuse_memory: bool) -> None:
        try:
            self.conn.send(list(sys.path))
            self.conn.send((work, reuse_memory))
            while True:
                message = self.conn.recv()
                if message[0] != "take":
                    self.early = message
                    self.tables.close()  # it failed: the others stop taking too
                    return
                name = self.tables.take()
                self.conn.send(name)
                if name is None:
                    return
        except (EOFError, OSError, pickle.UnpicklingError):  # it died: receive() says so
            self.tables.close()

    def receive(self, expected: str) -> tuple:
        """The next message, once tables are given out; raises when the process failed or died."""
        self.thread.join()
        message = self.early
        self.early = None
        if message is None:
            try:
                message = self.conn.recv()
            except (EOFError, OSError, pickle.UnpicklingError):
                message = None
        if message is None:
            try:
                code = self.process.wait(5)
            except subprocess.TimeoutExpired:
                code = None
            raise ProcessStopped(
                f"{self.name} (one of the processes computing the extract) stopped "
                f"without finishing (exit code {code}); nothing is computed. "
                "If it ran out of memory, use fewer processes (--processes 1)"
            )
        if message[0] == "failed":
            _, exc, text = message
            if exc is None:
                raise RuntimeError(f"{self.name} failed:\n{text}")
            exc.add_note(f"(in {self.name})\n{text}")
            raise exc
        assert message[0] == expected, message[0]
        return message

    def send(self, value) -> None:
        self.conn.send(value)

    def stop(self, finished: bool) -> None:
        """End the process: let it end by itself when it has ``finished`` (it is leaving), else
        kill it."""
        self.conn.close()  # its next read or write fails: it ends
        if finished:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(10)
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _in_processes(
    data_dir: Path,
    defs: Definitions,
    *,
    given: date | None,
    extract_date: date | None,
    first_day: date | None,
    encoding: str | None,
    monthly: bool,
    indicators: list[str] | None,
    processes: int,
    reuse_memory: bool,
    with_problems: bool,
    started: float,
) -> Computed:
    warnings, found, failed = discover_tables(data_dir, encoding)
    # A table with a single file and nothing wrong may go to any process, largest first;
    # the others (errors, workbooks' sheets already read, tables not supplied) stay here.
    shared = {
        name: sources[0]
        for name, sources in found.items()
        if name in TABLES
        and len(sources) == 1
        and isinstance(sources[0], TableFile)
        and not failed.get(name)
    }
    stats = io.file_stats([file.path for file in shared.values()], data_dir)
    sizes = dict(zip(shared, (size for _, size, _ in stats), strict=True))
    order = sorted(shared, key=lambda name: -sizes[name])
    work = _Work(shared, defs, extract_date, given, first_day, monthly, indicators)
    tables = _Tables(order)
    helpers = []
    parts: dict[str, TablePart] = {}
    blocks: dict = {}
    latest: dict[str, date | None] = {}
    held: dict[str, pd.DataFrame] = {}
    finished = False
    try:
        for number in range(1, min(processes, len(order))):
            helpers.append(_Helper(work, tables, reuse_memory, number))
        for (
            name
        ) in TABLES:  # this process's own share first: quick (nothing to validate, or small)
            if name not in shared:
                sources, errors = found.pop(name, []), failed.get(name, [])
                parts[name], mine, latest[name] = _do_table(name, sources, errors, work, held)
                blocks |= mine
        while (name := tables.take()) is not None:
            parts[name], mine, latest[name] = _do_table(name, [shared[name]], [], work, held)
            blocks |= mine
        done_by = dict.fromkeys(parts, 0)
        for number, helper in enumerate(helpers, 1):
            _, their_parts, their_blocks, their_latest = helper.receive("validated")
            done_by |= dict.fromkeys(their_parts, number)
            parts |= their_parts
            blocks |= their_blocks
            latest |= their_latest
        extract = assemble_extract(data_dir, parts, warnings, failed)
        as_at = given
        blocked = bool(extract.problems) and not with_problems
        if as_at is None and not blocked:
            dates = [d for d in latest.values() if d is not None]
            as_at = max(dates) if dates else None
        if given is None:  # the others computed nothing yet: now they can, or stop
            for helper in helpers:
                helper.send(None if blocked else as_at)
            if as_at is not None and not blocked:
                blocks |= _held_blocks(held, work, as_at)
                for helper in helpers:
                    blocks |= helper.receive("computed")[1]
        results = None
        if as_at is not None and not blocked:
            results = _joined(blocks, defs, indicators)
        else:
            as_at = None
        finished = True
    finally:
        for helper in helpers:
            helper.stop(finished)
    seconds = {"total": time.perf_counter() - started}
    return Computed(extract, as_at, results, 1 + len(helpers), seconds, done_by)
