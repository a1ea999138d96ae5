"""Reading and writing files: the only module in jswlib that touches disk.

Every write is atomic: the content goes to a temporary file in the same folder, which is then
renamed over the target, so an interrupted run never leaves a half-written file that looks
complete.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from jswlib.core.errors import (
    ExtractFileError,
    FolderNotFoundError,
    InputError,
    OutputError,
    ParamsFileError,
)


def _umask() -> int:
    """The process's file-creation mask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: ``errno`` values that mean "this output cannot be written here", not a fault of the program.
_OUTPUT_ERRNOS = frozenset(
    getattr(errno, name)
    for name in ("ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "ENOTDIR", "EEXIST", "EISDIR")
    if hasattr(errno, name)
)


def is_output_fault(exc: BaseException) -> bool:
    """Whether ``exc`` says a file cannot be written (full disk, read-only or forbidden folder,
    a file where a folder should be).

    Examples
    --------
    >>> is_output_fault(OSError(errno.ENOSPC, "No space left on device"))
    True
    >>> is_output_fault(ValueError("no"))
    False
    """
    return isinstance(exc, OutputError) or (
        isinstance(exc, OSError) and exc.errno in _OUTPUT_ERRNOS
    )


def output_error(path: str | os.PathLike, exc: OSError) -> OutputError:
    """One line naming the path and the cause of an :class:`OSError` met while writing it."""
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) and not Path(path).parent.is_dir():
        blocker = next((p for p in Path(path).parents if p.exists()), None)
        if blocker is not None and not blocker.is_dir():
            return OutputError(f"{blocker}: is a file, not a folder: cannot write {path} there")
    reason = exc.strerror or str(exc)
    hint = {
        errno.ENOSPC: "; free some space and run again (the earlier files are left as they were)",
        errno.EROFS: "; choose another output folder (--out)",
        errno.EACCES: "; choose another output folder (--out) or change its permissions",
    }.get(exc.errno, "")
    return OutputError(f"{path}: cannot be written: {reason}{hint}")


def write_atomic(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Write a file atomically: ``write(tmp_path)`` fills a temporary file that is then renamed to
    ``path``.

    Parameters
    ----------
    path : path-like
        Final destination. Its folder is created when missing.
    write : callable
        Called with the temporary path; must write the whole file there.

    Returns
    -------
    pathlib.Path
        The final path.

    Raises
    ------
    jswlib.core.errors.OutputError
        When the file cannot be written (full disk, read-only folder, a file where a folder should
        be); the target is left as it was and no temporary file remains.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise output_error(path, exc) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        # Mkstemp makes files private (0600); give the usual mode
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, path)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        if exc.errno in _OUTPUT_ERRNOS:
            raise output_error(path, exc) from None
        raise
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return path


def check_writable_folder(folder: str | os.PathLike) -> Path:
    """Make sure files can be written in ``folder`` (created when missing) before any work starts.

    A small temporary file is written and removed, so a read-only folder, a forbidden one or a
    file standing where the folder should be is found at once, not after an hour of work.

    Raises
    ------
    jswlib.core.errors.OutputError
        Naming the folder and the cause.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file, not a folder: give a folder to write to")
    write_atomic(folder / ".jsw-write-check", lambda p: p.write_bytes(b"ok\n"))
    remove(folder / ".jsw-write-check")
    return folder


#: The name :func:`write_atomic` gives its temporary files: ``.<name>.<8 random characters>.tmp``.
_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def remove_stale_temporaries(folder: str | os.PathLike) -> list[Path]:
    """Delete the temporary files an interrupted :func:`write_atomic` left in ``folder``.

    Only call this while holding the folder's lock (:func:`folder_lock`): another writer's
    temporary file is not stale.

    Returns
    -------
    list of pathlib.Path
        The files removed.
    """
    root = Path(folder)
    if not root.is_dir():
        return []
    stale = sorted(p for p in root.iterdir() if p.is_file() and _TEMPORARY.match(p.name))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike, holder: str) -> Iterator[Path]:
    """Hold the lock of an output folder, so that two runs never write into it at once.

    The lock is ``<folder>/.jsw.lock``, locked with ``flock``: the operating system releases it
    when its holder ends, even by ``kill -9``, so a lock is never left behind.

    Parameters
    ----------
    folder : path-like
        The folder (created when missing).
    holder : str
        What holds it (``"jsw batch"``), for the message another run gets.

    Raises
    ------
    jswlib.core.errors.InputError
        When another run holds the lock (naming the folder, and the process when known).
    jswlib.core.errors.OutputError
        When the lock file cannot be written.
    """
    import fcntl

    folder = Path(folder)
    lock = folder / ".jsw.lock"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(lock, "a+")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise output_error(lock, exc) from None
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            who = handle.read().strip() or "another process"
            raise InputError(
                f"{folder}: another {holder} is writing to this folder ({who}); wait for it to "
                "finish, or write elsewhere with --out"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{holder}, process {os.getpid()}\n")
        handle.flush()
        yield folder
    finally:
        handle.close()  # releases the lock


def write_frame(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a frame atomically as CSV (UTF-8, no index), Parquet or Excel, chosen by the file
    extension.

    Parameters
    ----------
    frame : pandas.DataFrame
        What to write.
    path : path-like
        Destination ending in ``.csv``, ``.parquet`` or ``.xlsx``.

    Returns
    -------
    pathlib.Path
        The final path.

    Raises
    ------
    ValueError
        For any other extension.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_atomic(path, lambda p: frame.to_csv(p, index=False, encoding="utf-8"))
    if suffix == ".parquet":
        return write_atomic(path, lambda p: frame.to_parquet(p, index=False))
    if suffix == ".xlsx":
        return write_atomic(path, lambda p: frame.to_excel(p, index=False, engine="openpyxl"))
    raise ValueError(f"{path}: cannot write a table as {suffix!r}; use .csv, .parquet or .xlsx")


def write_json(obj: Any, path: str | os.PathLike) -> Path:
    """Write ``obj`` as indented JSON (UTF-8), atomically."""
    text = json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n"
    return write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


class _TextDateLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader (libyaml's C parser where PyYAML has it: about ten times faster), but
    dates stay text, so the params loaders can name the key of a bad date."""


def _mapping_without_repeats(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False):
    """Build a mapping, refusing a key written twice (YAML would keep the last one silently)."""
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":  # "<<: *base": its keys may be overridden
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.get(key)
        except TypeError:  # an unhashable key: the constructor below says so
            continue
        if first is not None:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key {key!r} given more than once (first on line {first}); keep one",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_TextDateLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_repeats
)

_TextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: str | os.PathLike) -> Any:
    """Read a YAML file with the safe loader.

    Raises
    ------
    ParamsFileError
        When the file is missing or is not valid YAML, naming the file (and the line, when YAML
        knows it).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsFileError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise ParamsFileError(
            f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None
    try:
        return yaml.load(text, Loader=_TextDateLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise ParamsFileError(
            f"{path}:{where} not valid YAML: {getattr(exc, 'problem', exc)}"
        ) from None


#: File suffixes read as tables.
TABLE_SUFFIXES = (".csv", ".parquet", ".xlsx")


@dataclass(frozen=True)
class RawTable:
    """A table as read from disk, before validation.

    ``frame`` holds the cells as text (CSV, Excel) or as stored (Parquet); ``rows`` holds, for each
    record, its row number as a spreadsheet shows it (header = row 1). Wholly blank lines are not
    records: they are left out and counted in ``blank_rows``.
    """

    name: str
    source: str
    frame: pd.DataFrame
    rows: Any
    blank_rows: int = 0


def _drop_blank_rows(frame: pd.DataFrame, source: str, name: str) -> RawTable:
    rows = pd.RangeIndex(2, 2 + len(frame))
    if frame.shape[1] == 0:
        return RawTable(name, source, frame, rows.to_numpy())
    text = frame.astype("string")
    blank = (text.isna() | (text.apply(lambda c: c.str.strip()) == "")).all(axis=1).to_numpy()
    kept = frame.loc[~blank].reset_index(drop=True)
    return RawTable(name, source, kept, rows.to_numpy()[~blank], int(blank.sum()))


def read_csv_table(
    path: str | os.PathLike,
    name: str,
    encoding: str | None = None,
    text_columns: frozenset[str] = frozenset(),
) -> RawTable:
    """Read one CSV file as text cells.

    Parameters
    ----------
    path : path-like
        The file.
    name : str
        The table it supplies.
    encoding : str, optional
        Default UTF-8 (with or without a byte-order mark). Pass ``cp1252`` for files saved by older
        Excel.
    text_columns : frozenset of str
        Columns (as normalised names, see :func:`normalise_name`) always read as text, so that
        identifiers such as ``007`` keep their leading zeros. Other columns are read with pandas'
        own type inference, which is much faster; blank cells stay blank (no value is turned into
        NaN here).

    Returns
    -------
    RawTable

    Raises
    ------
    ExtractFileError
        When the file is empty, is not in the expected encoding (naming the line of the first bad
        byte), or is not well-formed CSV.
    """
    path = Path(path)
    source = str(path)
    if (encoding or "utf-8").lower().replace("_", "-") in _UTF8_NAMES:
        frame = _read_plain_csv(path)
        if frame is not None:
            return RawTable(name, source, frame, np.arange(2, 2 + len(frame)))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractFileError(source, f"cannot be read ({exc.strerror or exc})") from None
    if not data or data.isspace():
        raise ExtractFileError(
            source, "the file is empty: expected a header row naming the columns"
        )
    try:
        text = data.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ExtractFileError(
            source,
            f"line {line}: byte 0x{data[exc.start]:02x} is not valid {encoding or 'UTF-8'}. Save "
            "the file as 'CSV UTF-8', or give its encoding (for example --encoding cp1252)",
        ) from None
    except LookupError:
        raise ExtractFileError(source, f"unknown encoding {encoding!r}") from None
    frame = parse_csv_text(text, source, lambda column: normalise_name(column) in text_columns)
    if not _BLANK_LINE.search(text):
        return RawTable(name, source, frame, np.arange(2, 2 + len(frame)))
    return _drop_blank_rows(frame, source, name)


#: Bytes of a CSV file looked through at a time by :func:`_read_plain_csv`.
_BLOCK = 1 << 22
#: Encodings read by the fast path of :func:`read_csv_table` (UTF-8, with or without a byte-order
#: mark).
_UTF8_NAMES = frozenset({"utf-8", "utf8", "utf-8-sig"})


def _read_plain_csv(path: Path) -> pd.DataFrame | None:
    """A well-formed UTF-8 CSV file read by pyarrow's CSV reader, every cell as text.

    Returns None (the caller then takes the general path, :func:`parse_csv_text`) unless the file
    is plain: valid UTF-8, not blank, no line starting with a separator, a space or a line end
    (so no blank line between records), a header of distinct, non-blank, unquoted names, and
    every record with exactly as many fields as the header. On such a file the general path
    gives the same cells, so both paths give the same records, row numbers and messages; the
    general path alone deals with what needs care (trailing separators, blank lines, bad bytes,
    empty files).

    The file is looked through in blocks, then read by pyarrow from disk: its bytes are never
    all in memory beside the table. Cells are ``string`` (pyarrow-backed) exactly as written;
    blank cells are ``""``.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    scanned = _scan_plain(path)
    if scanned is None:
        return None
    first, breaks_in_quotes = scanned
    try:
        header = first.decode("utf-8").rstrip("\r").split(",")
    except UnicodeDecodeError:
        return None
    if len(set(header)) != len(header) or any(not h.strip() for h in header):
        return None
    try:
        table = pacsv.read_csv(
            str(path),
            # One thread, blocks of 1 MB: as quick on a busy machine, and the reader's own
            # buffers stay small (with blocks of 16 MB they took three times the table)
            read_options=pacsv.ReadOptions(use_threads=False, block_size=1 << 20),
            # Reading values that may hold line breaks is twice as slow: only when one may
            parse_options=pacsv.ParseOptions(newlines_in_values=breaks_in_quotes),
            convert_options=pacsv.ConvertOptions(
                # pandas keeps its text as large_string: read so, it is not copied again
                column_types=dict.fromkeys(header, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if table.column_names != header:
        return None
    # Each column in one piece (the reader gives one per block read): taking rows from a column
    # of many pieces, as validation does, costs ten times as much. One column at a time, so that
    # only one column is in memory twice.
    for i in range(table.num_columns):
        if table.column(i).num_chunks > 1:
            table = table.set_column(i, table.field(i), table.column(i).combine_chunks())
    mapper = {pa.large_string(): pd.StringDtype("pyarrow")}.get
    frame = table.to_pandas(types_mapper=mapper, self_destruct=True)
    pa.default_memory_pool().release_unused()  # the reader's buffers, back to the system
    return frame


def _scan_plain(path: Path) -> tuple[bytes, bool] | None:
    """Look through a CSV file in blocks for what :func:`_read_plain_csv` needs to know.

    Returns None when the file cannot be read, is blank, has no line end in its first block, has
    a blank line between records (a line end followed by a separator, a space or a line end) or
    a header holding a quote; else ``(header bytes, breaks_in_quotes)``.

    ``breaks_in_quotes`` is False only when no line break (``\\n`` or ``\\r``) can stand inside a
    quoted value: when the quotes before every line break, counted from the start of the file,
    are even in number. A quoted value holding a line break opens on one line and closes on a
    later one, so the quotes before the break are odd (those of complete values, and a doubled
    quote inside one, come in pairs); a file whose breaks all follow an even count can be read
    line by line.
    """
    first, filled, previous = None, False, b""
    breaks_in_quotes, odd = False, 0
    try:
        with path.open("rb") as handle:
            while block := handle.read(_BLOCK):
                if first is None:
                    start = 3 if block.startswith(b"\xef\xbb\xbf") else 0
                    end = block.find(b"\n", start)
                    first = block[start : end if end >= 0 else len(block)]
                    if end < 0 and len(block) == _BLOCK:
                        return None  # a header longer than a block: not plain
                filled = filled or not block.isspace()
                # A blank line needs a line end followed by a separator, a space or a line end
                cells = np.frombuffer(previous + block, dtype=np.uint8)
                body = cells[:-1]  # the last byte is looked at with the next block
                ends = np.flatnonzero(body == ord("\n"))
                if np.isin(cells[ends + 1], _BLANK_LINE_NEXT).any():
                    return None
                if not breaks_in_quotes and (odd or b'"' in block):
                    # Quotes of this block (not of the byte carried over) before each break
                    quotes = np.flatnonzero(cells[len(previous) :] == ord('"')) + len(previous)
                    breaks = (
                        np.flatnonzero((body == ord("\n")) | (body == ord("\r")))
                        if b"\r" in block or previous == b"\r"
                        else ends
                    )
                    breaks_in_quotes = bool(((odd + np.searchsorted(quotes, breaks)) % 2).any())
                    odd = (odd + len(quotes)) % 2
                previous = block[-1:]
    except OSError:
        return None  # the general path says what is wrong
    if not filled or first is None or b'"' in first:
        return None
    return first, breaks_in_quotes or bool(odd)


def parse_csv_text(
    text: str, source: str, as_text: Callable[[str], bool] = lambda column: True
) -> pd.DataFrame:
    r"""Parse CSV text into a frame whose columns are exactly those the header names.

    Parameters
    ----------
    text : str
        The whole file, decoded.
    source : str
        The file, for messages.
    as_text : callable
        Whether a column (by its header) is always read as text; other columns get pandas' type
        inference. Default: every column as text.

    Returns
    -------
    pandas.DataFrame
        One column per header cell, in order; blank cells stay blank (``""``).

    Raises
    ------
    jswlib.core.errors.ExtractFileError
        When the text is not well-formed CSV, has no header, or a row has a filled field beyond
        the last column of the header (naming the row as a spreadsheet shows it, header = row 1).

    Notes
    -----
    The header is read on its own and the records without it, so the records can never be
    shifted against the header: given one field more per row than the header has (a trailing
    comma on every row, as some exports write), pandas would otherwise take the first column as
    the row index and move every value one column to the left, putting person identifiers
    where the council should be. Empty fields beyond the header are dropped; a filled one is an
    error, since the tool cannot know which column it belongs to.

    Examples
    --------
    >>> parse_csv_text("a,b\n1,2,\n3,4,\n", "x.csv").values.tolist()
    [['1', '2'], ['3', '4']]
    """
    import csv
    import warnings
    from io import BytesIO, StringIO

    options = dict(
        index_col=False,  # never take a column as the row index: see Notes
        keep_default_na=False,
        skip_blank_lines=False,
        na_filter=False,
    )
    # pandas' C parser reads UTF-8 bytes about twice as fast as text
    data = text.encode("utf-8")
    try:
        header = pd.read_csv(StringIO(text), nrows=0).columns
        wanted = [c for c in header if as_text(c)]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            if header.has_duplicates:
                frame = pd.read_csv(BytesIO(data), dtype=dict.fromkeys(wanted, str), **options)
            else:
                # Inferring types is several times faster than asking for text, and a column
                # inferred as text holds exactly the cells as written; only the text columns
                # inferred otherwise (identifiers such as 007 read as numbers) are read again.
                frame = pd.read_csv(BytesIO(data), **options)
                again = [c for c in wanted if not pd.api.types.is_string_dtype(frame[c])]
                if again:
                    text_cells = pd.read_csv(
                        BytesIO(data), usecols=again, dtype=dict.fromkeys(again, str), **options
                    )
                    for column in again:
                        frame[column] = text_cells[column]
    except pd.errors.ParserError as exc:
        raise ExtractFileError(source, f"not well-formed CSV: {exc}".strip()) from None
    except pd.errors.EmptyDataError:
        raise ExtractFileError(
            source, "no header row: expected a first line naming the columns"
        ) from None
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
        # Some rows are longer than the header and pandas cut them: allowed only when what was
        # cut is empty (a trailing separator).
        width = len(header)
        for number, record in enumerate(csv.reader(StringIO(text)), start=1):
            if number > 1 and any(field.strip() for field in record[width:]):
                raise ExtractFileError(
                    source,
                    f"row {number} has more fields than the header has columns ({width}): "
                    "check for a missing header or an unquoted separator in a value",
                )
    return frame


#: A line between two others holding nothing but separators and spaces (a blank record). The final
#: newline of a file is not a blank line; anchoring on a literal newline also keeps the search
#: fast.
_BLANK_LINE = re.compile(r"\n[,;\t ]*\r?\n")
_BLANK_LINE_NEXT = np.frombuffer(b"\n\r,;\t ", dtype=np.uint8)


def normalise_name(name: object) -> str:
    """Column, sheet or file name as the data contract spells it: trimmed, lower case, other runs
    as ``_``."""
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def read_parquet_table(path: str | os.PathLike, name: str) -> RawTable:
    """Read one Parquet file (row numbers count from 2, as if it were a sheet with a header
    row)."""
    path = Path(path)
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise ExtractFileError(str(path), f"cannot be read as Parquet: {exc}") from None
    return _drop_blank_rows(frame, str(path), name)


def read_excel_tables(path: str | os.PathLike) -> list[RawTable]:
    """Read every sheet of an Excel workbook as text cells, one RawTable per sheet named after its
    sheet.

    Raises
    ------
    ExtractFileError
        When the workbook cannot be opened.
    """
    path = Path(path)
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, engine="openpyxl")
    except Exception as exc:  # openpyxl raises several types for a damaged or encrypted file
        raise ExtractFileError(str(path), f"cannot be read as an Excel workbook: {exc}") from None
    return [
        _drop_blank_rows(frame, f"{path} [sheet {sheet}]", str(sheet))
        for sheet, frame in sheets.items()
    ]


def list_table_files(data_dir: str | os.PathLike) -> list[Path]:
    """The files in ``data_dir`` (not its subfolders) that may hold tables, sorted by name.

    Raises
    ------
    ExtractFileError
        When the folder does not exist.
    """
    folder = Path(data_dir)
    if not folder.is_dir():
        raise FolderNotFoundError(
            str(folder), "data folder not found (the demo data is made by `make demo-data`)"
        )
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in TABLE_SUFFIXES
        and not p.name.startswith((".", "~$"))
    )


def read_json(path: str | os.PathLike) -> Any:
    """Read a JSON file (UTF-8); ``None`` when the file does not exist.

    Raises
    ------
    jswlib.core.errors.InputError
        When the file cannot be read or is not valid JSON (naming the file, line and column).
        ``InputError`` is a ``ValueError``, as ``json`` raises.
    """
    text = read_text(path, missing_ok=True)
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
        ) from None


#: Fields of JSON objects read by :func:`read_json_fields`, by file version and fields asked for.
_JSON_FIELDS: dict[tuple, dict | None] = {}


def read_json_fields(path: str | os.PathLike, fields: tuple[str, ...]) -> dict | None:
    """The top-level ``fields`` of a JSON object file (those it has); ``None`` when the file does
    not exist or does not hold an object.

    A data folder's manifest can be megabytes long and is asked for its dates several times per
    command: each version of a file (path, size, time of change) is parsed once for the same
    ``fields``, and only those fields kept.

    Raises
    ------
    jswlib.core.errors.InputError
        As :func:`read_json`.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    except OSError:
        stat = None
    key = (str(path.resolve()), stat and stat.st_size, stat and stat.st_mtime_ns, fields)
    if stat is None or key not in _JSON_FIELDS:
        obj = read_json(path)
        found = {k: obj[k] for k in fields if k in obj} if isinstance(obj, dict) else None
        if stat is None:
            return found
        _JSON_FIELDS.clear()  # one file version is enough: a command reads one manifest
        _JSON_FIELDS[key] = found
    found = _JSON_FIELDS[key]
    return dict(found) if found is not None else None


def file_digest(path: str | os.PathLike) -> str:
    """BLAKE2b hash (16 hex characters) of a file's content, read in blocks."""
    import hashlib

    digest = hashlib.blake2b(digest_size=8)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- Files and folders: the rest of the package asks here, never the file system itself ---------


def is_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` is an existing file."""
    return Path(path).is_file()


def is_dir(path: str | os.PathLike) -> bool:
    """Whether ``path`` is an existing folder."""
    return Path(path).is_dir()


def list_files(folder: str | os.PathLike, *, recursive: bool = False) -> list[Path]:
    """The files in ``folder`` (and below it when ``recursive``), sorted, leaving out hidden files
    (``.name``) and Office lock files (``~$name``). An absent folder has none.

    Examples
    --------
    >>> list_files("/nonexistent")
    []
    """
    root = Path(folder)
    if not root.is_dir():
        return []
    found = root.rglob("*") if recursive else root.iterdir()
    return sorted(p for p in found if p.is_file() and not p.name.startswith((".", "~$")))


def file_stats(paths: list[Path], relative_to: str | os.PathLike) -> tuple:
    """(relative path, size in bytes, modification time in ns) of each file: a cheap key that
    changes whenever a file does."""
    root = Path(relative_to)
    out = []
    for path in paths:
        info = path.stat()
        out.append((str(path.relative_to(root)), info.st_size, info.st_mtime_ns))
    return tuple(out)


def read_text(path: str | os.PathLike, *, missing_ok: bool = False) -> str | None:
    """The text of a UTF-8 file (a byte-order mark is dropped).

    Parameters
    ----------
    path : path-like
        The file.
    missing_ok : bool
        Return None when the file does not exist, instead of raising.

    Raises
    ------
    jswlib.core.errors.InputError
        When the file does not exist (unless ``missing_ok``), cannot be read, or is not UTF-8 (the
        message names the file and the line of the first bad byte).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if missing_ok:
            return None
        raise InputError(f"{path}: file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}: line {line}: not UTF-8 text; save the file as UTF-8 and try again"
        ) from None


def read_bytes(path: str | os.PathLike) -> bytes:
    """The bytes of a file (``OSError`` as it comes: callers word the message)."""
    return Path(path).read_bytes()


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 text to ``path`` atomically (see :func:`write_atomic`); returns the path."""
    return write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


def remove(path: str | os.PathLike) -> None:
    """Delete a file; nothing happens when it does not exist."""
    Path(path).unlink(missing_ok=True)


def read_frame(path: str | os.PathLike) -> pd.DataFrame:
    """Read back a table written by :func:`write_frame` (``.csv`` or ``.parquet``)."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path)


def write_excel_sheets(frames: dict[str, pd.DataFrame], path: str | os.PathLike) -> Path:
    """Write several tables to one Excel workbook, a sheet each (names cut to Excel's 31
    characters), atomically."""

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, frame in frames.items():
                frame.to_excel(writer, sheet_name=name[:31], index=False)

    return write_atomic(path, write)


def write_bytes(data: bytes, path: str | os.PathLike) -> Path:
    """Write ``data`` (a file made in memory, such as a workbook) to ``path`` atomically; returns
    the path."""
    return write_atomic(path, lambda p: p.write_bytes(data))


def write_csv(
    frame: pd.DataFrame, path: str | os.PathLike, *, byte_order_mark: bool = False
) -> Path:
    """Write a frame as CSV (no index) atomically, in UTF-8, with a byte-order mark when asked.

    The mark (``utf-8-sig``) makes Excel read the file as UTF-8 rather than its legacy code page.
    """
    encoding = "utf-8-sig" if byte_order_mark else "utf-8"
    return write_atomic(path, lambda p: frame.to_csv(p, index=False, encoding=encoding))


def folder_digest(folder: str | os.PathLike) -> str:
    """A short hash of the names and contents of every file below ``folder``."""
    import hashlib

    digest = hashlib.blake2b(digest_size=8)
    for path in list_files(folder, recursive=True):
        digest.update(path.name.encode())
        digest.update(file_digest(path).encode())
    return digest.hexdigest()
