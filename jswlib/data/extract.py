"""A validated case-level extract: every table of a data folder read, checked and accounted for.

:func:`load_extract` is the single way data enters a computation. It finds the tables in a folder
(CSV, Parquet, or sheets of Excel workbooks), validates each against the data contract
(``jswlib.definitions.schema``) and returns the accepted rows with a summary that accounts for
every row read, so a report can state its data quality. ``jsw validate`` prints the same summary
and writes the rejects list.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from jswlib.core import io
from jswlib.core.errors import ContractError, ExtractFileError, InputError
from jswlib.data.validation import REJECT_COLUMNS, normalise_column_name, validate_table
from jswlib.definitions.councils import Councils
from jswlib.definitions.schema import TABLES

#: Columns of the per-table summary.
SUMMARY_COLUMNS = (
    "table",
    "source",
    "status",
    "rows_read",
    "rows_accepted",
    "rows_rejected",
    "message",
)
#: Table statuses: read and checked; no file supplies the table; the file could not be used at all.
STATUS_OK, STATUS_NOT_SUPPLIED, STATUS_ERROR = "ok", "not supplied", "error"
#: The fields of a data folder's ``manifest.json`` read here (the rest lists the demo's bad rows).
MANIFEST_FIELDS = ("extract_date", "reported_from", "synthetic")
#: File names in a data folder that are not tables and are passed over in silence.
NOT_TABLES = frozenset({"manifest.json", "readme.md"})


@dataclass
class Extract:
    """The validated tables of one data folder.

    Attributes
    ----------
    data_dir : pathlib.Path
        Where the data came from.
    tables : dict of str to pandas.DataFrame
        Accepted rows per table, typed (see :class:`jswlib.data.validation.TableResult`). A
        table that was not supplied, or could not be read, is an empty frame with the contract's
        columns.
    summary : pandas.DataFrame
        One row per table of the contract, with the columns of :data:`SUMMARY_COLUMNS`.
    rejects : pandas.DataFrame
        One line per problem in a rejected row (columns of
        :data:`jswlib.definitions.schema.REJECT_COLUMNS`).
    warnings : list of str
        Notes that reject nothing: ignored files, sheets and columns, blank lines.
    """

    data_dir: Path
    tables: dict[str, pd.DataFrame]
    summary: pd.DataFrame
    rejects: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    @property
    def errors(self) -> pd.DataFrame:
        """The tables whose file could not be used at all."""
        return self.summary[self.summary["status"] == STATUS_ERROR]

    @property
    def problems(self) -> list[str]:
        """What stops the extract being used, one line each (empty when it can be used).

        A file that could not be used at all (unreadable, corrupt, missing columns, a table
        supplied twice), or a folder that supplies no table. Any of them makes a command fail
        (exit code 1) and a batch mark every council failed: a figure computed without a table
        is wrong, not partial.
        """
        found = [f"{row.table}: {row.message}" for row in self.errors.itertuples()]
        if not found and (self.summary["status"] == STATUS_NOT_SUPPLIED).all():
            found.append(
                f"{self.data_dir}: no table found: expected files named after the tables of the "
                "data contract (for example court_reports.csv; 'jsw schema' lists them)"
            )
        return found

    @property
    def rows_balance(self) -> bool:
        """True when rows read equal rows accepted plus rows rejected for every table."""
        s = self.summary
        return bool((s["rows_read"] == s["rows_accepted"] + s["rows_rejected"]).all())

    def reasons(self) -> pd.DataFrame:
        """Rejected rows by table and rule: how many rows each rule rejected (a row may count
        twice)."""
        if self.rejects.empty:
            return pd.DataFrame(columns=["table", "rule", "rows"])
        return (
            self.rejects.drop_duplicates(["table", "file", "row", "rule"])
            .groupby(["table", "rule"], as_index=False)
            .size()
            .rename(columns={"size": "rows"})
            .sort_values(["table", "rows"], ascending=[True, False], ignore_index=True)
        )


def _empty_table(name: str) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype="object") for c in TABLES[name].columns})


def _text_columns(name: str) -> frozenset[str]:
    """Columns of a table read as text whatever they look like: identifiers, councils, categories,
    text."""
    return frozenset(
        c.name
        for c in TABLES[name].columns
        if c.kind in ("id", "person", "ref", "council", "category", "text")
    )


@dataclass(frozen=True)
class TableFile:
    """A CSV or Parquet file found for a table (by :func:`discover_tables`), read only when its
    table's turn comes (:meth:`read`)."""

    path: Path
    name: str
    encoding: str | None

    @property
    def source(self) -> str:
        return str(self.path)

    def read(self) -> io.RawTable:
        if self.path.suffix.lower() == ".csv":
            return io.read_csv_table(
                self.path, self.name, self.encoding, text_columns=_text_columns(self.name)
            )
        return io.read_parquet_table(self.path, self.name)


def read_sources(sources: list, errors: list[str]) -> list[io.RawTable]:
    """The tables of ``sources`` (as :func:`discover_tables` found them) read, in order; a file
    that cannot be read adds its message to ``errors`` instead."""
    read = []
    for source in sources:
        if isinstance(source, TableFile):
            try:
                source = source.read()
            except io.ExtractFileError as exc:
                errors.append(str(exc))
                continue
        read.append(source)
    return read


class _Reader:
    """The files of each table, read for :func:`load_extract` in the order of :data:`TABLES`.

    ``read(name)`` gives ``(tables read, error messages)`` for the table ``name`` (each table
    asked for once, in that order). With ``read_ahead``, it also starts reading the next table's
    files on a second thread, so that reading (pyarrow's parser runs without Python's lock) goes on
    while the table just given is validated; two tables' raw cells are then in memory at once
    instead of one. Use it as a context manager: leaving it waits for that thread.
    """

    def __init__(self, found: dict, failed: dict, *, read_ahead: bool = False):
        self.found, self.failed = found, failed
        self.following = dict(zip(TABLES, list(TABLES)[1:], strict=False))
        self.ahead: tuple[str, Future] | None = None
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="jsw-read") if read_ahead else None

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _read(self, name: str) -> tuple[list[io.RawTable], list[str]]:
        errors = list(self.failed.get(name, []))
        return read_sources(self.found.pop(name, []), errors), errors

    def read(self, name: str) -> tuple[list[io.RawTable], list[str]]:
        ahead, self.ahead = self.ahead, None
        result = ahead[1].result() if ahead and ahead[0] == name else self._read(name)
        after = self.following.get(name)
        if self.pool is not None and after is not None:
            self.ahead = (after, self.pool.submit(self._read, after))
        return result


def _discover(data_dir: Path, encoding: str | None, warnings: list[str]):
    """Find every table-like file; returns ({table: [RawTable or TableFile]}, {name: [error messages]}).

    Workbooks are read here (their sheets name their tables); CSV and Parquet files are read by
    :func:`load_extract` when their table's turn comes, so that only one table's raw cells are in
    memory at a time.

    A workbook that cannot be opened is an error under its file name (which tables it holds
    cannot be known), so it makes the extract unusable rather than quietly "not supplied".
    """
    found: dict[str, list[io.RawTable]] = {}
    failed: dict[str, list[str]] = {}
    for path in io.list_files(data_dir):
        suffix = path.suffix.lower()
        if path.name.lower() in NOT_TABLES:
            continue
        if suffix not in io.TABLE_SUFFIXES:
            warnings.append(f"{path}: not read (only .csv, .parquet and .xlsx files hold tables)")
            continue
        if suffix == ".xlsx":
            try:
                sheets = io.read_excel_tables(path)
            except io.ExtractFileError as exc:
                failed.setdefault(path.name, []).append(str(exc))
                continue
            for sheet in sheets:
                name = normalise_column_name(sheet.name)
                if name in TABLES:
                    found.setdefault(name, []).append(sheet)
                else:
                    warnings.append(
                        f"{sheet.source}: not read (the sheet name is not a table of the contract)"
                    )
            continue
        name = normalise_column_name(path.stem)
        if name not in TABLES:
            warnings.append(f"{path}: not read (the file name is not a table of the contract)")
            continue
        found.setdefault(name, []).append(TableFile(path, name, encoding))
    return found, failed


def load_extract(
    data_dir: str | os.PathLike,
    councils: Councils,
    *,
    extract_date: date | None = None,
    encoding: str | None = None,
    read_ahead: bool = False,
    each_table: Callable[[str, TablePart], None] | None = None,
) -> Extract:
    """Read and validate every table in a data folder.

    Parameters
    ----------
    data_dir : path-like
        Folder holding ``<table>.csv``, ``<table>.parquet`` or Excel workbooks with one sheet per
        table.
    councils : jswlib.definitions.councils.Councils
        From :func:`jswlib.definitions.params.load_councils`.
    extract_date : datetime.date, optional
        Event dates after it are rejected. Default: no such check.
    encoding : str, optional
        Encoding of the CSV files (default UTF-8).
    read_ahead : bool, default False
        Read each table's file on a second thread while the table before it is validated: on two
        CPUs about a sixth quicker at ten times the demo data, for one more table's raw cells in
        memory at a time. The result is the same.
    each_table : callable, optional
        Called as ``each_table(name, part)`` once each table is validated (in the order of the
        contract, before the next table is validated), with its :class:`TablePart`. It may use the
        accepted rows and let them go (``part.accepted = None``): the table is then left out of
        the extract's ``tables``, and only one table's rows are in memory at a time.

    Returns
    -------
    Extract

    Raises
    ------
    jswlib.core.io.ExtractFileError
        When the folder does not exist. Problems with single files do not raise: they give the
        table the status ``error`` with a message naming the file.

    Notes
    -----
    A table supplied by two files (``cpos.csv`` and a ``cpos`` sheet) is an error: neither is used,
    since the tool cannot know which is right.
    """
    data_dir = Path(data_dir)
    warnings, found, failed = discover_tables(data_dir, encoding)
    parts = {}
    with _Reader(found, failed, read_ahead=read_ahead) as reader:
        for name in TABLES:
            # Read now (or, reading ahead, while the table before it was validated), and let go
            # once validated
            sources, errors = reader.read(name)
            parts[name] = load_table(name, sources, errors, councils, extract_date=extract_date)
            if each_table is not None:
                each_table(name, parts[name])
    return assemble_extract(data_dir, parts, warnings, failed)


def discover_tables(
    data_dir: str | os.PathLike, encoding: str | None = None
) -> tuple[list[str], dict[str, list], dict[str, list[str]]]:
    """The table files of a data folder, found but not read (the first step of
    :func:`load_extract`).

    Returns
    -------
    tuple
        ``(warnings, found, failed)``: notes on files passed over; the sources of each table (a
        CSV or Parquet file still to read, or a workbook's sheet already read); the error
        messages of each table (or workbook) that cannot be used. Give a table's sources and
        errors to :func:`load_table`, and everything to :func:`assemble_extract`.

    Raises
    ------
    jswlib.core.io.ExtractFileError
        When the folder does not exist.
    """
    data_dir = Path(data_dir)
    io.list_table_files(data_dir)  # raises when the folder is missing
    warnings: list[str] = []
    found, failed = _discover(data_dir, encoding, warnings)
    return warnings, found, failed


@dataclass
class TablePart:
    """One table of an extract, read and validated by :func:`load_table`.

    Attributes
    ----------
    accepted : pandas.DataFrame or None
        The accepted rows, typed (an empty frame with the contract's columns when the table was
        not supplied or could not be used); None once they have been let go (computed in
        another process, where they stay).
    summary : tuple
        The table's row of :attr:`Extract.summary` (:data:`SUMMARY_COLUMNS`).
    rejects : pandas.DataFrame or None
        One line per problem in a rejected row; None when the table was not validated.
    warnings : list of str
        Notes that reject nothing (blank lines, ignored columns).
    """

    accepted: pd.DataFrame | None
    summary: tuple
    rejects: pd.DataFrame | None = None
    warnings: list[str] = field(default_factory=list)


def load_table(
    name: str,
    sources: list[io.RawTable],
    errors: list[str],
    councils: Councils,
    *,
    extract_date: date | None = None,
) -> TablePart:
    """Validate one table of an extract from what supplies it.

    Parameters
    ----------
    name : str
        A table of the data contract.
    sources : list of jswlib.core.io.RawTable
        The tables read for it (more than one is an error: the table is supplied twice); the
        list is emptied, so that only validation holds the raw cells.
    errors : list of str
        Messages of files of this table that could not be read.
    councils, extract_date
        As for :func:`load_extract`.

    Returns
    -------
    TablePart
    """
    empty = _empty_table(name)
    if errors or len(sources) > 1:
        if len(sources) + len(errors) > 1:
            listed = "; ".join([s.source for s in sources] + errors)
            message = f"table {name} is supplied more than once ({listed}); use one file per table"
        else:
            message = errors[0]
        source = "; ".join(s.source for s in sources)
        return TablePart(empty, (name, source, STATUS_ERROR, 0, 0, 0, message))
    if not sources:
        return TablePart(
            empty, (name, "", STATUS_NOT_SUPPLIED, 0, 0, 0, "no file supplies this table")
        )
    raw = sources.pop()
    source, rows = raw.source, raw.rows
    warnings = []
    if raw.blank_rows:
        warnings.append(f"{source}: {raw.blank_rows} blank line(s) skipped (not records)")
    # Only validate_table holds the raw cells, so it can let each column go once checked
    cells = [raw.frame]
    del raw
    try:
        result = validate_table(
            cells.pop(),
            TABLES[name],
            councils,
            source=source,
            rows=rows,
            extract_date=extract_date,
        )
    except ContractError as exc:
        return TablePart(empty, (name, source, STATUS_ERROR, 0, 0, 0, str(exc)), None, warnings)
    message = "no records (header only)" if result.rows_read == 0 else ""
    summary = (
        name,
        source,
        STATUS_OK,
        result.rows_read,
        result.rows_accepted,
        result.rows_rejected,
        message,
    )
    return TablePart(result.accepted, summary, result.rejects, warnings + result.warnings)


def assemble_extract(
    data_dir: str | os.PathLike,
    parts: dict[str, TablePart],
    warnings: list[str],
    failed: dict[str, list[str]],
) -> Extract:
    """The :class:`Extract` of a folder from its tables' parts (:func:`load_table`), whatever
    order they were made in: tables, summary, rejects and warnings in the order of the contract.

    Parameters
    ----------
    data_dir : path-like
        The data folder.
    parts : dict of str to TablePart
        Every table of the contract. A part whose ``accepted`` is None gives no table (its rows
        were kept where they were validated).
    warnings, failed
        From :func:`discover_tables`.
    """
    warnings = list(warnings)
    tables, summary, rejects = {}, [], []
    for name in TABLES:
        part = parts[name]
        if part.accepted is not None:
            tables[name] = part.accepted
        summary.append(part.summary)
        warnings.extend(part.warnings)
        if part.rejects is not None and len(part.rejects):
            rejects.append(part.rejects)
    for name in sorted(set(failed) - set(TABLES)):  # workbooks that could not be opened
        summary.append((name, name, STATUS_ERROR, 0, 0, 0, "; ".join(failed[name])))
    all_rejects = (
        pd.concat(rejects, ignore_index=True)
        if rejects
        else pd.DataFrame(columns=list(REJECT_COLUMNS))
    )
    return Extract(
        data_dir=Path(data_dir),
        tables=tables,
        summary=pd.DataFrame(summary, columns=list(SUMMARY_COLUMNS)),
        rejects=all_rejects,
        warnings=warnings,
    )


def recorded_extract_date(data_dir: str | os.PathLike) -> date | None:
    """The extract date recorded in the folder's ``manifest.json`` (the demo data has one), or
    None.

    Raises
    ------
    jswlib.core.errors.ExtractFileError
        When ``manifest.json`` is not valid JSON or its ``extract_date`` is not a date
        ``YYYY-MM-DD`` (naming the file and the value).

    Examples
    --------
    >>> recorded_extract_date("/nonexistent") is None
    True
    """
    path = Path(data_dir) / "manifest.json"
    try:
        manifest = io.read_json_fields(path, MANIFEST_FIELDS)
    except InputError as exc:
        raise ExtractFileError(str(path), str(exc).removeprefix(f"{path}: ")) from None
    if not isinstance(manifest, dict) or not manifest.get("extract_date"):
        return None
    try:
        return date.fromisoformat(str(manifest["extract_date"]))
    except ValueError:
        raise ExtractFileError(
            str(path), f"extract_date {manifest['extract_date']!r} is not a date YYYY-MM-DD"
        ) from None


def validation_date(
    data_dir: str | os.PathLike, given: date | None, today: date | None = None
) -> date:
    """The latest date an event may have when a folder is validated: the extract date when one is
    given or recorded, else today.

    Without it, a record dated after today would be accepted ("used") and then fall in no period
    of the results; with it, such a record is rejected as a future date.

    Examples
    --------
    >>> validation_date("/nonexistent", None, today=date(2026, 1, 1))
    datetime.date(2026, 1, 1)
    >>> validation_date("/nonexistent", date(2025, 10, 5))
    datetime.date(2025, 10, 5)
    """
    return extract_date_of(data_dir, given) or today or date.today()


def reported_from_of(data_dir: str | os.PathLike) -> date | None:
    """The first reported day recorded in the folder's ``manifest.json`` (``reported_from``), or
    None.

    A live system's extract holds records that started before the period it reports (orders open
    when it starts, deadlines falling due in it); the demo data record where their reported period
    begins, and no period before it is reported.

    Examples
    --------
    >>> reported_from_of("/nonexistent") is None
    True
    """
    manifest = io.read_json_fields(Path(data_dir) / "manifest.json", MANIFEST_FIELDS)
    if not isinstance(manifest, dict) or not manifest.get("reported_from"):
        return None
    return date.fromisoformat(str(manifest["reported_from"]))


def is_synthetic(data_dir: str | os.PathLike) -> bool:
    """Whether the folder's ``manifest.json`` records that its data are synthetic (the demo data
    does).

    Examples
    --------
    >>> is_synthetic("/nonexistent")
    False
    """
    manifest = io.read_json_fields(Path(data_dir) / "manifest.json", MANIFEST_FIELDS)
    return isinstance(manifest, dict) and manifest.get("synthetic") is True


def extract_date_of(
    data_dir: str | os.PathLike,
    given: date | None = None,
    tables: dict[str, pd.DataFrame] | None = None,
) -> date | None:
    """The extract date of a data folder: the one given, else the one recorded in its
    ``manifest.json``, else (when ``tables`` are given) the latest event in the data.

    This is the one place the rule lives; every command and notebook calls it.

    Parameters
    ----------
    data_dir : path-like
        The data folder.
    given : datetime.date, optional
        A date the user gave (``--as-at``, ``--extract-date``, a notebook parameter).
    tables : dict of DataFrame, optional
        The accepted tables, for the last fallback (:func:`latest_event_date`).

    Returns
    -------
    datetime.date or None
        None when nothing gives a date (no date given, no manifest, no tables or no dated event).

    Examples
    --------
    >>> extract_date_of("/nonexistent", date(2026, 4, 15))
    datetime.date(2026, 4, 15)
    >>> extract_date_of("/nonexistent") is None
    True
    """
    if given is not None:
        return given
    recorded = recorded_extract_date(data_dir)
    if recorded is not None or tables is None:
        return recorded
    return latest_event_date(tables)


def latest_event_date(tables: dict[str, pd.DataFrame], today: date | None = None) -> date | None:
    """The latest event date in the accepted tables (due dates left out), not after ``today``.

    Used as the extract date when none is given: the data cannot be newer than its newest event.
    """
    today = today or date.today()
    latest = None
    for name, frame in tables.items():
        for col in TABLES[name].columns:
            if col.kind != "date" or col.future_ok or col.name not in frame or frame.empty:
                continue
            dates = frame[col.name]
            dates = dates[dates <= pd.Timestamp(today)]
            if dates.notna().any():
                value = dates.max().date()
                latest = value if latest is None or value > latest else latest
    return latest
