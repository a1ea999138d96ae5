"""Computed results, cached by a fingerprint of their inputs, so reports never recompute what is
known.

Validating and computing a national extract takes seconds; a batch of 32 reports, or an analyst
re-running a notebook, should pay that once. :func:`load_results` computes the results for a data
folder and keeps them under ``outputs/cache/<fingerprint>/``; the fingerprint covers every data
file (name, size and content), every params file and the package version, so any change to any of
them gives a new fingerprint and a fresh computation. Deleting ``outputs/`` is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from jswlib import __version__
from jswlib.compute.indicators import Definitions, load_definitions
from jswlib.compute.pipeline import compute_extract, default_processes, is_large
from jswlib.core import io
from jswlib.core.errors import ExtractFileError, InputError, OutputError
from jswlib.definitions.params import COMMENTARY_FOLDER, load_settings, params_dir
from jswlib.definitions.periods import Period, long_date, parse_quarter, span_label

#: Bump when the layout of the cached files changes.
CACHE_FORMAT = 2
#: The params subfolder of report commentary, left out of the fingerprint.


@dataclass(frozen=True)
class Results:
    """Everything a report needs from one extract.

    Attributes
    ----------
    table : pandas.DataFrame
        The results table (``jswlib.compute.indicators.RESULT_COLUMNS``).
    quality : pandas.DataFrame
        Rows read, accepted and rejected per table (``jswlib.data.extract.SUMMARY_COLUMNS``).
    reasons : pandas.DataFrame
        Rejected rows by table and rule.
    as_at : datetime.date
        The extract date used.
    fingerprint : str
        Fingerprint of the inputs (data, params, package version).
    data_dir : pathlib.Path
        The data folder.
    problems : tuple of str
        What makes the extract unusable (``jswlib.data.extract.Extract.problems``): a file that
        could not be used, or no table at all. Empty for usable data.
    cache_dir : pathlib.Path or None
        The folder of these results' cache files (``<cache>/<fingerprint>/``), where what is
        derived from them alone may be kept too (the protected figures of a quarter); None for
        results made in memory.
    """

    table: pd.DataFrame
    quality: pd.DataFrame
    reasons: pd.DataFrame
    as_at: date
    fingerprint: str
    data_dir: Path
    problems: tuple[str, ...] = ()
    cache_dir: Path | None = None

    def __deepcopy__(self, memo: dict) -> Results:
        """A copy whose tables the holder may change without changing these (the warm engine
        hands each council such a copy of the batch's results).

        From pandas 3, copy-on-write is always on: a table's shallow copy shares the data until
        either side writes, and a write through pandas copies first (a NumPy view of the data is
        read-only), so a shallow copy is as independent as a deep one, without copying 85,000
        rows. Before pandas 3 the tables are copied whole.
        """
        deep = int(pd.__version__.split(".", 1)[0]) < 3

        def table(frame: pd.DataFrame) -> pd.DataFrame:
            return frame.copy(deep=deep)

        copied = Results(
            table(self.table),
            table(self.quality),
            table(self.reasons),
            self.as_at,
            self.fingerprint,
            self.data_dir,
            tuple(self.problems),
            self.cache_dir,
        )
        memo[id(self)] = copied
        return copied

    def check_usable(self) -> Results:
        """These results, when the extract had no file-level problem.

        Raises
        ------
        jswlib.core.errors.ExtractFileError
            Naming the first file that could not be used (and how many others), so no report is
            built on partial data.
        """
        if self.problems:
            more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
            raise ExtractFileError(
                str(self.data_dir), f"the data cannot be used: {self.problems[0]}{more}"
            )
        return self


def fingerprint(
    data_dir: str | os.PathLike,
    params: str | os.PathLike | None = None,
    encoding: str | None = None,
) -> str:
    """A short hash of every data file, every params file and the package version.

    Parameters
    ----------
    data_dir : path-like
        The data folder (files directly inside it).
    params : path-like, optional
        The params folder (default as :func:`jswlib.definitions.params.params_dir`).
    encoding : str, optional
        The encoding the CSV files are read with (part of the fingerprint: another encoding reads
        other text).

    Returns
    -------
    str
        16 hexadecimal characters.
    """
    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"jswlib {__version__} cache {CACHE_FORMAT}".encode())
    if encoding:
        digest.update(f"encoding {encoding}".encode())
    for folder in (Path(data_dir), params_dir(params)):
        files = io.list_files(folder, recursive=True)
        # Commentary does not change any figure: editing it must not force a recomputation.
        for path in sorted(
            p for p in files if COMMENTARY_FOLDER not in p.relative_to(folder).parts
        ):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(io.file_digest(path).encode())
    return digest.hexdigest()


def load_results(
    data_dir: str | os.PathLike | None = None,
    params: str | os.PathLike | None = None,
    *,
    cache_dir: str | os.PathLike | None = None,
    defs: Definitions | None = None,
    encoding: str | None = None,
    allow_problems: bool = False,
) -> Results:
    """The results for a data folder: from the cache when the inputs are unchanged, else computed
    and cached.

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder; default ``data_dir`` of ``params/settings.yaml`` (the demo data).
    params : path-like, optional
        The params folder.
    cache_dir : path-like, optional
        Where caches live; default ``<outputs_dir>/cache``.
    defs : Definitions, optional
        Already loaded definitions (loaded from ``params`` otherwise).
    encoding : str, optional
        Encoding of the CSV files (default UTF-8).
    allow_problems : bool
        Return results even when a file of the extract could not be used (``Results.problems``
        says which); by default that raises, so no report is built on partial data.

    Returns
    -------
    Results

    Raises
    ------
    jswlib.core.errors.ExtractFileError
        When a file of the extract could not be used (unless ``allow_problems``), or the folder
        has no dated record.

    Notes
    -----
    The extract date is the one recorded in the folder's ``manifest.json``, else the latest event
    in the data. Within one process, a second call with unchanged files returns the same object
    without re-reading. Cache files are written atomically, the metadata last, so a half-written
    cache is never used.
    """
    settings = load_settings(params)
    folder = settings.resolve_data_dir(data_dir)
    cache = Path(cache_dir) if cache_dir else settings.outputs_dir / "cache"
    stamp = (
        str(folder),
        str(params_dir(params)),
        str(cache),
        folder_stats(folder),
        folder_stats(params_dir(params)),
        encoding,
    )
    if stamp in _MEMO:
        return _MEMO[stamp] if allow_problems else _MEMO[stamp].check_usable()
    key = _recorded_fingerprint(cache, stamp) or fingerprint(folder, params, encoding)
    where = cache / key
    try:
        meta = io.read_json(where / "meta.json")
    except InputError:  # a damaged cache is as good as none
        meta = None
    if isinstance(meta, dict) and meta.get("fingerprint") == key:
        _record_fingerprint(cache, stamp, key)
        _MEMO[stamp] = Results(
            table=io.read_frame(where / "results.parquet"),
            quality=io.read_frame(where / "quality.csv"),
            reasons=io.read_frame(where / "reasons.csv"),
            as_at=date.fromisoformat(meta["as_at"]),
            fingerprint=key,
            data_dir=folder,
            problems=tuple(meta.get("problems") or ()),
            cache_dir=where,
        )
        return _MEMO[stamp] if allow_problems else _MEMO[stamp].check_usable()
    defs = defs or load_definitions(params)
    # Table by table (in two processes for a large extract), computed even when a table cannot
    # be used: the problems are recorded beside the results, which check_usable then refuses
    done = compute_extract(
        folder,
        defs,
        encoding=encoding,
        processes=default_processes(folder),
        reuse_memory=is_large(folder),
        with_problems=True,
    )
    extract, as_at, table = done.extract, done.as_at, done.results
    if as_at is None:
        if extract.problems:
            raise ExtractFileError(str(folder), f"the data cannot be used: {extract.problems[0]}")
        raise ExtractFileError(str(folder), "no dated records, so no extract date")
    io.write_frame(table, where / "results.parquet")
    io.write_frame(extract.summary, where / "quality.csv")
    io.write_frame(extract.reasons(), where / "reasons.csv")
    io.write_json(
        {
            "fingerprint": key,
            "as_at": as_at.isoformat(),
            "data_dir": str(folder),
            "problems": extract.problems,
        },
        where / "meta.json",
    )
    _record_fingerprint(cache, stamp, key)
    _MEMO[stamp] = Results(
        table,
        extract.summary,
        extract.reasons(),
        as_at,
        key,
        folder,
        tuple(extract.problems),
        cache_dir=where,
    )
    return _MEMO[stamp] if allow_problems else _MEMO[stamp].check_usable()


#: Results already loaded in this process, keyed by folders and the name, size and modification
#: time of every input file: a second call (a batch worker's KPI table after its report) neither
#: re-hashes nor re-reads. Any change to a file's size or time gives a new key, so the content
#: fingerprint is checked again.
_MEMO: dict[tuple, Results] = {}


#: Nanoseconds a file must have been left alone before its size and modification time are
#: trusted to stand for its content (a file rewritten within the file system's clock tick keeps
#: its modification time).
_SETTLED_NS = 2_000_000_000


def _stamp_path(cache: Path, stamp: tuple) -> Path:
    key = hashlib.blake2b(repr(stamp).encode("utf-8"), digest_size=8).hexdigest()
    return cache / "stamps" / f"{key}.json"


def _recorded_fingerprint(cache: Path, stamp: tuple) -> str | None:
    """The fingerprint recorded for these exact files (paths, sizes, modification times), if any:
    so that a new process (a report's kernel) need not hash every data file again."""
    try:
        recorded = io.read_json(_stamp_path(cache, stamp))
    except InputError:
        return None
    return recorded.get("fingerprint") if isinstance(recorded, dict) else None


def _record_fingerprint(cache: Path, stamp: tuple, key: str) -> None:
    """Record the fingerprint of these files, once every file has settled (the rule git uses for
    its index: a file changed within the clock tick of its stamp is hashed again next time)."""
    newest = max((entry[2] for stats in stamp[3:5] for entry in stats), default=0)
    if time.time_ns() - newest < _SETTLED_NS:
        return
    path = _stamp_path(cache, stamp)
    if not io.is_file(path):
        # a cache that cannot be written: the fingerprint is computed each time
        with contextlib.suppress(OSError, OutputError):
            io.write_json({"fingerprint": key}, path)


def folder_stats(folder: Path) -> tuple:
    """(relative path, size, modification time in ns) of every file below ``folder``, except
    commentary: the key of what a process keeps in memory from those files (any change to a
    file's size or time gives another key)."""
    files = [
        p
        for p in io.list_files(folder, recursive=True)
        if COMMENTARY_FOLDER not in p.relative_to(folder).parts
    ]
    return io.file_stats(files, folder)


#: :func:`complete_quarters` of the last results asked for: ``{"last": (results, quarters)}``.
_COMPLETE: dict[str, tuple[Results, list[Period]]] = {}


def complete_quarters(results: Results) -> list[Period]:
    """The quarters that had ended by the extract date, in order.

    Found once for every report of a batch (each report asks, and a warm kernel's reports share
    the results it preloaded), where each would otherwise scan the whole results table."""
    last = _COMPLETE.get("last")
    if last is None or last[0] is not results:
        table = results.table
        labels = table.loc[
            (table["frequency"] == "quarterly") & table["complete"].astype(bool), "period"
        ].unique()
        last = _COMPLETE["last"] = (results, sorted(parse_quarter(str(x)) for x in labels))
    return list(last[1])


def latest_complete_quarter(results: Results) -> Period:
    """The latest quarter that had ended by the extract date of the results.

    Raises
    ------
    jswlib.core.errors.InputError
        When the data hold no complete quarter.
    """
    return choose_quarter(None, results)


def choose_quarter(wanted: Period | None, results: Results) -> Period:
    """The report quarter: ``wanted`` when it is complete in the results, else the latest complete
    quarter."""
    complete = complete_quarters(results)
    folder = results.data_dir.name
    if not complete:
        raise InputError(
            f"{results.data_dir}: the results hold no complete quarter (extract date "
            f"{long_date(results.as_at)})"
        )
    if wanted is None:
        return complete[-1]
    if wanted in complete:
        return wanted
    available = f"complete quarters in {folder}: {span_label(complete[0], complete[-1])}"
    if wanted.end > results.as_at:
        raise InputError(
            f"parameter quarter: {wanted} is not complete at the extract date "
            f"{long_date(results.as_at)} (it ends {long_date(wanted.end)}); {available}. Leave "
            f"quarter blank for the latest, {complete[-1]}."
        )
    raise InputError(f"parameter quarter: {wanted} is not in the data; {available}.")
