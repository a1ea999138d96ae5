"""Checking raw tables against the data contract (:mod:`jswlib.definitions.schema`).

:func:`validate_table` is pure: it takes a frame of raw values and returns the accepted rows,
typed, and one line per problem found in the rejected rows. Every row read is either accepted or
rejected. A rejects list never holds a person identifier: such values are written as
``[withheld]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from jswlib.core import io
from jswlib.core.errors import ContractError
from jswlib.definitions.schema import (
    DATE_FORMATS,
    EARLIEST_PLAUSIBLE_DATE,
    FLAG_FALSE,
    FLAG_TRUE,
    MISSING_TOKENS,
    PERSONAL_DATA_COLUMNS,
    WITHHELD,
    Column,
    Table,
)

# --- Validation ----------------------------------------------------------------------------------

#: Columns of a rejects list: one line per problem found; a row with two problems has two lines.
REJECT_COLUMNS = ("table", "file", "row", "record_id", "column", "value", "rule", "reason")

#: Rule codes used in a rejects list, with what they mean (for docs/data-contract.md and the
#: terminal summary).
RULES: dict[str, str] = {
    "missing": "a required value is blank",
    "bad_date": "not a date in a recognised format",
    "implausible_date": f"a date before {EARLIEST_PLAUSIBLE_DATE:%d %B %Y}",
    "future_date": "a date after the extract date",
    "date_order": "dates out of order (e.g. submitted before requested, contact before imposition)",
    "amount_order": "amounts out of order (e.g. more hours completed than ordered)",
    "unknown_council": "not a council name, alias or GSS code",
    "duplicate_id": "record identifier used more than once",
    "bad_number": "not a (whole) number",
    "negative": "a negative number where none is possible",
    "out_of_range": "a number outside the allowed range",
    "not_allowed": "a value outside the allowed list",
    "bad_flag": "not a yes/no value",
}


def normalise_column_name(name: object) -> str:
    """Column name as the contract spells it: trimmed, lower case, runs of other characters as
    ``_``.

    Examples
    --------
    >>> normalise_column_name(" Order ID ")
    'order_id'
    >>> normalise_column_name("UPW hours (ordered)")
    'upw_hours_ordered'
    """
    return io.normalise_name(name)


@dataclass
class TableResult:
    """The outcome of validating one table.

    Attributes
    ----------
    table, source : str
        Table name and the file (and sheet) it came from.
    rows_read : int
        Records read (wholly blank lines are not records).
    accepted : pandas.DataFrame
        The rows that passed every rule, typed: dates as datetime64, numbers as nullable integers,
        flags as nullable booleans, council as the current GSS code and categories in their
        canonical spelling (both categoricals, whose categories are every council's code and the
        allowed values). ``source_row`` holds the row number.
    rejects : pandas.DataFrame
        One line per problem, with the columns of :data:`REJECT_COLUMNS`.
    warnings : list of str
        Things worth knowing that reject nothing (ignored columns, blank lines).
    """

    table: str
    source: str
    rows_read: int
    accepted: pd.DataFrame
    rejects: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_accepted(self) -> int:
        """Number of rows accepted."""
        return len(self.accepted)

    @property
    def rows_rejected(self) -> int:
        """Number of distinct rows rejected (a row with several problems counts once)."""
        return int(self.rejects["row"].nunique()) if len(self.rejects) else 0


_LONGEST_TOKEN = max(len(t) for t in MISSING_TOKENS)


#: Bytes that may begin or end a value that trimming changes: ASCII white space and control
#: separators, and any byte of a character beyond ASCII (some are white space).
_TRIMMED_BYTES = np.zeros(256, dtype=bool)
_TRIMMED_BYTES[[*range(0x09, 0x0E), *range(0x1C, 0x21), *range(0x80, 0x100)]] = True


def _may_need_trim(text: pd.Series) -> bool:
    """Whether trimming white space could change any value of a text column: False only when no
    value begins or ends with a byte of :data:`_TRIMMED_BYTES` (checked on pyarrow's buffers,
    without copying the text, which trimming a column of identifiers would)."""
    import pyarrow as pa

    if len(text) < 1000:
        return True  # not worth it
    arrow = pa.array(text.array, type=pa.large_string(), from_pandas=True)
    for chunk in arrow.chunks if isinstance(arrow, pa.ChunkedArray) else [arrow]:
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[
            chunk.offset : chunk.offset + len(chunk) + 1
        ]
        if chunk.buffers()[2] is None:
            continue
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)
        filled = offsets[1:] > offsets[:-1]
        if (
            _TRIMMED_BYTES[data[offsets[:-1][filled]]].any()
            or _TRIMMED_BYTES[data[offsets[1:][filled] - 1]].any()
        ):
            return True
    return False


def _text(values: pd.Series) -> pd.Series:
    """Cells as trimmed text, with blanks and :data:`MISSING_TOKENS` as missing."""
    if pd.api.types.is_datetime64_any_dtype(values):
        text = values.dt.strftime("%Y-%m-%d").astype("string")
    elif pd.api.types.is_integer_dtype(values) and not pd.api.types.is_bool_dtype(values):
        # Whole numbers read as numbers: nothing to trim, nothing blank
        return values.astype("string")
    else:
        text = values.astype("string")
        if _may_need_trim(text):
            text = text.str.strip()
    # Only short text can be a missing token: the rest (identifiers) need not be lowered
    short = _short_positions(text)
    if not len(short):
        return text
    token = np.zeros(len(text), dtype=bool)
    token[short] = (
        text.iloc[short].str.lower().isin(MISSING_TOKENS).to_numpy(dtype=bool, na_value=False)
    )
    return text.mask(token) if token.any() else text


def _short_positions(text: pd.Series) -> np.ndarray:
    """Positions of the values that may be a missing token: at most as many bytes as the longest
    token has characters (tokens are ASCII, and no other character lowers to one of their
    letters), read from pyarrow's offsets when the column is long."""
    import pyarrow as pa

    if len(text) < 1000:
        lengths = text.str.len().to_numpy(dtype=float, na_value=np.inf)
        return np.flatnonzero(lengths <= _LONGEST_TOKEN)
    arrow = pa.array(text.array, type=pa.large_string(), from_pandas=True)
    chunks = arrow.chunks if isinstance(arrow, pa.ChunkedArray) else [arrow]
    lengths = np.concatenate(
        [
            np.diff(
                np.frombuffer(c.buffers()[1], dtype=np.int64)[c.offset : c.offset + len(c) + 1]
            )
            for c in chunks
            if len(c)
        ]
        or [np.zeros(0, dtype=np.int64)]
    )
    return np.flatnonzero(lengths <= _LONGEST_TOKEN)


def parse_dates(values: pd.Series) -> pd.Series:
    """Parse a column of dates written in any of :data:`DATE_FORMATS`; what does not parse is
    missing.

    Parameters
    ----------
    values : pandas.Series
        Text, or dates already typed (Parquet, Excel).

    Returns
    -------
    pandas.Series
        ``datetime64[ns]`` at midnight; missing (NaT) where blank or unparseable.

    Notes
    -----
    Day-first only: ``03/04/2025`` is 3 April 2025. Impossible dates (``31/02/2024``) do not parse.

    Examples
    --------
    >>> dates = pd.Series(["2025-07-01", "03/04/2025", "31/02/2024", ""])
    >>> parse_dates(dates).dt.strftime("%d %b %Y").tolist()
    ['01 Jul 2025', '03 Apr 2025', nan, nan]
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return (
            values.dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")
            if values.dt.tz
            else (values.dt.normalize().astype("datetime64[ns]"))
        )
    return _parse_date_text(_text(values))


#: Years read by the fast path of :func:`_iso_dates`; dates outside go the general way.
_FAST_YEARS = (1700, 2200)


#: Shapes of date text parsed at once by :func:`_iso_dates`: the pattern, and where the year,
#: month and day stand; ``YYYY-MM-DD`` and ``DD/MM/YYYY``, the first two of :data:`DATE_FORMATS`.
_FAST_SHAPES = (
    (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", (0, 4), (5, 7), (8, 10)),
    (r"^[0-9]{2}/[0-9]{2}/[0-9]{4}$", (6, 10), (3, 5), (0, 2)),
)


def _iso_dates(text: pd.Series, shape=_FAST_SHAPES[0]) -> tuple[np.ndarray, np.ndarray]:
    """The valid dates of a text column written in one of :data:`_FAST_SHAPES` (by default
    ``YYYY-MM-DD``), parsed at once with pyarrow and numpy.

    Returns ``(dates, done)``: ``datetime64[ns]`` values (NaT where not done) and a mask of the
    rows parsed. Only text of exactly that shape (two-digit day and month), with a month of 1 to
    12, a day that exists in that month and a year within :data:`_FAST_YEARS`, is done here;
    anything else (impossible dates included) is left to the general path, so the result is the
    same as ``pd.to_datetime`` with the matching one of :data:`DATE_FORMATS` (text of one shape
    never matches the other's format).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    pattern, years, months, days = shape
    n = len(text)
    dates = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    arr = pa.array(text.array, type=pa.large_string(), from_pandas=True)
    shape = pc.fill_null(pc.match_substring_regex(arr, pattern), False)
    rows = np.flatnonzero(shape.to_numpy(zero_copy_only=False))
    if len(rows) == 0:
        return dates, np.zeros(n, dtype=bool)
    picked = arr.take(pa.array(rows))

    def part(start: int, stop: int) -> np.ndarray:
        piece = pc.utf8_slice_codeunits(picked, start, stop)
        return pc.cast(piece, pa.int32()).to_numpy(zero_copy_only=False)

    year, month, day = part(*years), part(*months), part(*days)
    ok = (year >= _FAST_YEARS[0]) & (year <= _FAST_YEARS[1]) & (month >= 1) & (month <= 12)
    year, month, day, rows = year[ok], month[ok], day[ok], rows[ok]
    first = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1).astype(
        "timedelta64[M]"
    )
    length = (
        (first + np.timedelta64(1, "M")).astype("datetime64[D]") - first.astype("datetime64[D]")
    ).astype(int)
    ok = (day >= 1) & (day <= length)
    parsed = first[ok].astype("datetime64[D]") + (day[ok] - 1).astype("timedelta64[D]")
    dates[rows[ok]] = parsed.astype("datetime64[ns]")
    done = np.zeros(n, dtype=bool)
    done[rows[ok]] = True
    return dates, done


#: The first and last days a ``datetime64[ns]`` value can hold (21 September 1677 to 11 April 2262).
_NS_FIRST = np.datetime64(pd.Timestamp.min.ceil("D").date(), "ns")
_NS_LAST = np.datetime64(pd.Timestamp.max.floor("D").date(), "ns")


def _within_ns_range(dates: np.ndarray) -> np.ndarray:
    """Dates as ``datetime64[ns]``, those outside its range pinned to its first or last day.

    pandas parses a year such as 1650 at a coarser unit; cast to nanoseconds it would wrap round to
    2234 and read as a future date. Pinned, it stays before the earliest plausible date (or after
    the extract date), and the row is rejected for the right reason.

    Examples
    --------
    >>> _within_ns_range(np.array(["1650-03-04", "2025-07-01"], dtype="datetime64[s]"))
    array(['1677-09-22T00:00:00.000000000', '2025-07-01T00:00:00.000000000'],
          dtype='datetime64[ns]')
    """
    if dates.dtype == np.dtype("datetime64[ns]"):
        return dates
    coarse = dates.astype("datetime64[s]")
    first, last = _NS_FIRST.astype("datetime64[s]"), _NS_LAST.astype("datetime64[s]")
    pinned = np.where(coarse < first, first, np.where(coarse > last, last, coarse))
    return pinned.astype("datetime64[ns]")


def _parse_date_text(text: pd.Series) -> pd.Series:
    """Parse trimmed text (missing where blank) with each of :data:`DATE_FORMATS` in turn.

    Valid ``YYYY-MM-DD`` text, nearly every row, is parsed at once by :func:`_iso_dates`, and then
    valid ``DD/MM/YYYY`` text among the rest; what is left (and holds a digit) goes through pandas
    with each format in turn, only over what is still unparsed (a few rows at most), assigned by
    position.
    """
    out, done = _iso_dates(text)
    rest = np.flatnonzero(~done)
    if len(rest):
        slashed, found = _iso_dates(text.iloc[rest], _FAST_SHAPES[1])
        out[rest[found]] = slashed[found]
        done[rest[found]] = True
    # Text without a digit ("not known") is no date in any format: not worth a try
    todo = np.flatnonzero(
        text.str.contains(r"[0-9]", regex=True).to_numpy(dtype=bool, na_value=False) & ~done
    )
    for fmt in DATE_FORMATS:
        if len(todo) == 0:
            break
        attempt = _within_ns_range(
            pd.to_datetime(text.iloc[todo], format=fmt, errors="coerce").to_numpy()
        )
        ok = ~np.isnat(attempt)
        out[todo[ok]] = attempt[ok]
        todo = todo[~ok]
    result = pd.Series(out, index=text.index, dtype="datetime64[ns]")
    return result.dt.normalize() if result.dt.hour.any() else result


#: Kinds of column checked value by value: each distinct value is parsed and checked once, and
#: the outcome spread to the rows holding it (identifiers are nearly all distinct: checked whole).
_BY_VALUE_KINDS = frozenset({"council", "date", "int", "number", "flag", "category"})


class _ColumnText:
    """The text of one column (see :func:`_text`), whole or as codes into its distinct values.

    ``codes`` gives, for each row, the position of its value in ``distinct`` (a missing raw value
    has its own position, at the end); without codes, ``distinct`` is the whole column.
    """

    def __init__(self, distinct: pd.Series, codes: np.ndarray | None = None):
        self.distinct = distinct.reset_index(drop=True)
        self.codes = codes

    def at(self, pos: np.ndarray) -> pd.Series:
        """The text of the rows at positions ``pos`` (``string`` dtype, missing where blank)."""
        where = pos if self.codes is None else self.codes[pos]
        return pd.Series(self.distinct.array.take(where), dtype="string")

    def whole(self) -> pd.Series:
        """The text of every row."""
        return self.distinct if self.codes is None else self.at(np.arange(len(self.codes)))


class _TypedColumn:
    """The typed values of one column, whole or per distinct value with each row's code (as in
    :class:`_ColumnText`): spread to the rows only once it is known which rows are kept, so that
    a column is copied once, not spread then filtered."""

    def __init__(self, values: pd.Series, codes: np.ndarray | None = None):
        self.values = values.reset_index(drop=True)
        self.codes = codes

    def rows(self, pos: np.ndarray | None = None) -> pd.Series:
        """The values of the rows at positions ``pos`` (default: every row)."""
        if pos is None:
            if self.codes is None:
                return self.values
            where = self.codes
        else:
            where = pos if self.codes is None else self.codes[pos]
        return pd.Series(self.values.array.take(where))

    def comparable(self) -> np.ndarray:
        """Every row's value as a numpy array to order by: dates as ``datetime64`` (NaT where
        missing), numbers as floats (NaN where missing), so that a missing value is neither
        before nor after any other (whole numbers far below 2**53 are exact as floats)."""
        if pd.api.types.is_datetime64_any_dtype(self.values):
            distinct = self.values.to_numpy()
        else:
            distinct = self.values.to_numpy(dtype=float, na_value=np.nan)
        return distinct if self.codes is None else distinct[self.codes]


def _distinct(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The distinct values of a raw column (plus one missing value last) and each row's code."""
    if raw.dtype == pd.StringDtype("pyarrow"):  # text held by pyarrow, missing as pd.NA
        return _distinct_text(raw)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    codes = np.where(codes < 0, len(uniques), codes)
    values = pd.Series(uniques)
    kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else ""
    if kind in "biu" and kind:
        # Nullable, so that the missing value added last does not turn whole numbers into floats
        values = values.astype({"b": "boolean", "i": "Int64", "u": "UInt64"}[kind])
    return values.reindex(range(len(uniques) + 1)), codes


def _distinct_text(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """:func:`_distinct` of text held by pyarrow: its dictionary encoding, taken as it is.

    ``pandas.factorize`` makes the same encoding (same values, same order), then converts the
    codes and fills the missing ones, which takes longer than the encoding itself. Codes are
    32-bit; a missing value's code is the number of distinct values.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    data = pa.array(raw.array, type=pa.large_string(), from_pandas=True)
    encoded = data.dictionary_encode(null_encoding="mask")
    if isinstance(encoded, pa.ChunkedArray):
        encoded = (
            encoded.combine_chunks()
            if encoded.num_chunks
            else pa.DictionaryArray.from_arrays(
                pa.array([], type=pa.int32()), pa.array([], type=pa.large_string())
            )
        )
    dictionary = encoded.dictionary
    codes = encoded.indices
    if codes.null_count:  # filling takes as long as encoding: only when a value is missing
        codes = pc.fill_null(codes, len(dictionary))
    codes = codes.to_numpy(zero_copy_only=False)
    values = pd.Series(pd.arrays.ArrowStringArray(dictionary))
    return values.reindex(range(len(dictionary) + 1)), codes


def _problems(
    hit: np.ndarray, column: str, rule: str, reason, text: _ColumnText
) -> pd.DataFrame | None:
    """One problem line per True in ``hit`` (positions are the frame's 0..n-1 rows); None when
    there is none.

    ``reason`` is a fixed text, or a function from the positions and the failing values (text) to
    their reasons, so that reasons are only built for the rows that fail.
    """
    if not hit.any():
        return None
    idx = np.flatnonzero(hit)
    failing = text.at(idx).fillna("")
    made = reason if isinstance(reason, str) else reason(idx, failing).to_numpy()
    return pd.DataFrame(
        {"pos": idx, "column": column, "value": failing.to_numpy(), "rule": rule, "reason": made}
    )


def _quoted(suffix: str):
    """A reason maker: ``'<value>'`` followed by ``suffix``."""
    return lambda pos, v: "'" + v + "'" + suffix


def _mask(values) -> np.ndarray:
    """A boolean mask, missing as False."""
    return pd.array(values, dtype="boolean").to_numpy(dtype=bool, na_value=False)


def _check_column(col: Column, raw: pd.Series, text: pd.Series, councils, extract_date):
    """Type one column and find its problems, value by value.

    Returns (typed values, list of (mask, rule, reason)): ``raw`` and ``text`` (``_text(raw)``)
    hold either the whole column or its distinct values; the masks are aligned with them.
    """
    checks = []
    missing = _mask(text.isna())
    if col.required:
        checks.append((missing, "missing", f"{col.name} is required but blank"))
    present = ~missing
    kind = col.kind
    if kind in ("id", "person", "ref", "text"):
        return text, checks
    if kind == "council":
        codes = councils.resolve(text)
        checks.append(
            (
                present & _mask(codes.isna()),
                "unknown_council",
                _quoted(" is not a council name, alias or GSS code"),
            )
        )
        return codes, checks
    if kind == "date":
        dates = (
            parse_dates(raw)
            if pd.api.types.is_datetime64_any_dtype(raw)
            else _parse_date_text(text)
        )
        checks.append(
            (
                present & _mask(dates.isna()),
                "bad_date",
                _quoted(" is not a date (expected YYYY-MM-DD or DD/MM/YYYY)"),
            )
        )
        early = dates < pd.Timestamp(EARLIEST_PLAUSIBLE_DATE)
        checks.append(
            (
                _mask(early),
                "implausible_date",
                f"{col.name} is before {EARLIEST_PLAUSIBLE_DATE:%d %B %Y}: a typing slip?",
            )
        )
        if extract_date is not None and not col.future_ok:
            late = dates > pd.Timestamp(extract_date)
            checks.append(
                (
                    _mask(late),
                    "future_date",
                    f"{col.name} is after the extract date {extract_date:%d %B %Y}",
                )
            )
        return dates, checks
    if kind in ("int", "number"):
        numeric = pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw)
        numbers = (raw if numeric else pd.to_numeric(text, errors="coerce")).astype("Float64")
        numbers = numbers.reset_index(drop=True)
        bad = present & _mask(numbers.isna())
        if kind == "int":
            bad = bad | _mask(numbers.notna() & (numbers != numbers.round()))
        word = "a whole number" if kind == "int" else "a number"
        checks.append((bad, "bad_number", _quoted(f" is not {word}")))
        numbers = numbers.mask(bad)
        if col.minimum is not None and col.minimum >= 0:
            checks.append((_mask(numbers < 0), "negative", f"{col.name} cannot be negative"))
        low = col.minimum if col.minimum is not None else -np.inf
        high = col.maximum if col.maximum is not None else np.inf
        outside = (numbers < low) | (numbers > high)
        if col.minimum is not None and col.minimum >= 0:
            outside = outside & (numbers >= 0)
        lo = f"{col.minimum:g}" if col.minimum is not None else "-inf"
        hi = f"{col.maximum:g}" if col.maximum is not None else "inf"
        checks.append(
            (_mask(outside), "out_of_range", f"{col.name} must be between {lo} and {hi}")
        )
        typed = numbers.round().astype("Int64") if kind == "int" else numbers
        return typed, checks
    if kind == "flag":
        low = text.str.lower()
        flags = pd.Series(pd.NA, index=text.index, dtype="boolean")
        flags[low.isin(FLAG_TRUE).fillna(False)] = True
        flags[low.isin(FLAG_FALSE).fillna(False)] = False
        checks.append((present & _mask(flags.isna()), "bad_flag", _quoted(" is not Y or N")))
        return flags, checks
    if kind == "category":
        lower = pd.Index([v.lower() for v in col.allowed])
        allowed = np.array(list(col.allowed) + [None], dtype=object)
        # Each value looked up among the allowed spellings (missing or not allowed: -1)
        mapped = pd.Series(
            allowed[lower.get_indexer(text.str.lower())], index=text.index, dtype="string"
        )
        listed = ", ".join(col.allowed)
        checks.append(
            (present & _mask(mapped.isna()), "not_allowed", _quoted(f" is not one of: {listed}"))
        )
        return mapped, checks
    raise ValueError(f"column {col.name!r} has an unknown kind {kind!r}")


def _parse_column(
    col: Column, raw: pd.Series, councils, extract_date: date | None, by_value: bool = True
):
    """Type one column and list its problems. Returns (typed values, text, problem frames).

    With ``by_value`` (the default), a column of a kind in :data:`_BY_VALUE_KINDS` is checked
    once per distinct value, then the outcome spread to the rows: the same result as checking
    every row (``by_value=False``), since every rule on a single column depends on the value
    alone.
    """
    codes = None
    values = raw.reset_index(drop=True)
    if by_value and col.kind in _BY_VALUE_KINDS:
        values, codes = _distinct(values)
    text = _text(values)
    typed, checks = _check_column(col, values, text, councils, extract_date)
    column_text = _ColumnText(text, codes)
    # A check no distinct value fails (nearly all) is not spread to the rows
    problems = [
        _problems(mask if codes is None else mask[codes], col.name, rule, reason, column_text)
        for mask, rule, reason in checks
        if mask.any()
    ]
    if col.kind in ("council", "category"):
        typed = _categorical(typed, _categories(col, councils))
    return _TypedColumn(typed, codes), column_text, problems


def _categories(col: Column, councils) -> pd.CategoricalDtype:
    """The values a council or category column can take: every council's GSS code, or the
    allowed values in their canonical spelling."""
    if col.kind == "council":
        return pd.CategoricalDtype([c.code for c in councils])
    return pd.CategoricalDtype(list(col.allowed))


def _categorical(values: pd.Series, dtype: pd.CategoricalDtype) -> pd.Series:
    """Per-value results (codes or allowed spellings, missing where not valid) as a categorical:
    once spread to the rows, one small number per row instead of a string."""
    found = dtype.categories.get_indexer(pd.Index(values.astype(object).to_numpy()))
    found = found.astype(np.int8 if len(dtype.categories) < 127 else np.int32)
    return pd.Series(pd.Categorical.from_codes(found, dtype=dtype))


def _order_problems(
    spec: Table, typed: dict[str, _TypedColumn], text: dict[str, _ColumnText]
) -> list[pd.DataFrame]:
    """Problems for each ``(earlier, later)`` pair of the table where both are filled in and out
    of order."""
    out = []
    for earlier, later in spec.order:
        # Both filled in and out of order (a missing value compares False)
        wrong = typed[later].comparable() < typed[earlier].comparable()
        if not wrong.any():
            continue
        if spec.column(later).kind == "date":
            # The later event is the one that looks wrong: a contact dated before the order it
            # follows.
            out.append(
                _problems(
                    wrong,
                    later,
                    "date_order",
                    lambda pos, v, later=later, earlier=earlier: (
                        f"{later} "
                        + v
                        + f" is before {earlier} "
                        + text[earlier].at(pos).fillna("").to_numpy()
                    ),
                    text[later],
                )
            )
        else:
            # The part is the one that looks wrong: more hours completed than were ordered.
            out.append(
                _problems(
                    wrong,
                    earlier,
                    "amount_order",
                    lambda pos, v, later=later, earlier=earlier: (
                        f"{earlier} "
                        + v
                        + f" is more than {later} "
                        + text[later].at(pos).fillna("").to_numpy()
                    ),
                    text[earlier],
                )
            )
    return out


def _repeated(values: pd.Series) -> np.ndarray:
    """Rows whose value (not missing) appears more than once: ``duplicated(keep=False)``.

    Identifiers are nearly all distinct, and hashing millions of strings is slow: the rows whose
    64-bit fingerprint (:func:`_fingerprints`) repeats are found first, and only they are
    compared exactly. Two equal values always have equal fingerprints, so no repeat is missed.
    """
    present = values.notna().to_numpy(dtype=bool)
    prints = _fingerprints(values)
    if prints is None:
        rows = np.flatnonzero(present)
    else:
        ordered = np.sort(prints)
        twins = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
        twin = pd.Index(twins).get_indexer(prints) >= 0
        rows = np.flatnonzero(twin & present)
    codes, _ = pd.factorize(values.iloc[rows], use_na_sentinel=True)
    counts = np.bincount(codes, minlength=1)
    out = np.zeros(len(values), dtype=bool)
    out[rows[counts[codes] > 1]] = True
    return out


def _fingerprints(values: pd.Series) -> np.ndarray | None:
    """A 64-bit fingerprint of each text value (missing as blank), or None when the text is not
    all one-byte characters of at most 64 bytes (then every value is compared exactly).

    The values, padded to one width, are read as whole 8-byte words and mixed: equal values give
    equal fingerprints; different values may too (rarely), which only costs an exact comparison.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(values):
        return None
    text = pa.array(values.array, type=pa.large_string(), from_pandas=True)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    same = _same_length_prints(text)
    if same is not None:
        return same
    text = pc.fill_null(text, "")
    longest = pc.max(pc.binary_length(text)).as_py() or 1
    width = -(-longest // 8) * 8
    if width > 64:
        return None
    padded = pc.utf8_rpad(text, width, " ")
    offsets = np.frombuffer(padded.buffers()[1], dtype=np.int64)[
        padded.offset : padded.offset + len(padded) + 1
    ]
    if not (np.diff(offsets) == width).all():  # characters of more than one byte
        return None
    data = np.frombuffer(padded.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    words = data.view(np.uint64).reshape(len(padded), width // 8)
    prints = np.zeros(len(padded), dtype=np.uint64)
    for j in range(words.shape[1]):
        prints = (prints ^ words[:, j]) * np.uint64(0x9E3779B97F4A7C15)
        prints ^= prints >> np.uint64(29)
    return prints


def _same_length_prints(text) -> np.ndarray | None:
    """:func:`_fingerprints` of text (a pyarrow array) whose values all have one length of at
    least 8 bytes, none missing (identifiers written to one pattern); None for any other text.

    The values lie end to end in pyarrow's buffer, so each is read in place as 8-byte words from
    its start, the last word ending at its last byte (overlapping the one before when the length
    is not a multiple of 8): no padded copy. Equal values have equal words, hence equal prints.
    """
    if text.null_count or not len(text) or text.buffers()[2] is None:
        return None
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[
        text.offset : text.offset + len(text) + 1
    ]
    length = int(offsets[1] - offsets[0])
    if length < 8 or int(offsets[-1] - offsets[0]) != length * len(text):
        return None
    if not (np.diff(offsets) == length).all():
        return None
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    starts = list(range(0, length - 7, 8)) + ([length - 8] if length % 8 else [])
    prints = np.zeros(len(text), dtype=np.uint64)
    for start in starts:
        word = np.ndarray(
            (len(text),), dtype=np.uint64, buffer=data, offset=start, strides=(length,)
        )
        prints = (prints ^ word) * np.uint64(0x9E3779B97F4A7C15)
        prints ^= prints >> np.uint64(29)
    return prints


def _duplicate_problems(
    spec: Table, text: dict[str, _ColumnText], rows: np.ndarray
) -> pd.DataFrame:
    """Later exact copies of a row are rejected; an identifier shared by rows that differ rejects
    them all."""
    id_col = spec.id_column
    dup = _repeated(text[id_col].whole())
    if not dup.any():
        return None
    pos = np.flatnonzero(dup)
    sub = pd.DataFrame({name: column.at(pos) for name, column in text.items()})
    frame = pd.DataFrame(
        {
            "pos": pos,
            "id": sub[id_col].to_numpy(),
            "row": rows[pos],
            "content": pd.util.hash_pandas_object(sub.fillna("\x00"), index=False).to_numpy(),
        }
    )
    by_id = frame.groupby("id", sort=False)
    conflicting = by_id["content"].transform("nunique").to_numpy() > 1
    later_copy = ~conflicting & frame.duplicated("id", keep="first").to_numpy()
    first_row = by_id["row"].transform("first").to_numpy()
    # Only the (few) duplicated rows are formatted here, never the whole table.
    rows_of = frame[conflicting].groupby("id", sort=False)["row"].agg(list).to_dict()
    lines = [
        (p, i, f"{id_col} {i} repeats row {int(f)} exactly (a duplicate copy)")
        for p, i, f in zip(
            frame["pos"][later_copy], frame["id"][later_copy], first_row[later_copy]
        )
    ] + [
        (
            p,
            i,
            f"{id_col} {i} is used on rows {', '.join(str(int(r)) for r in rows_of[i])} with "
            "different values",
        )
        for p, i in zip(frame["pos"][conflicting], frame["id"][conflicting])
    ]
    out = pd.DataFrame(lines, columns=["pos", "value", "reason"])
    out["column"] = id_col
    out["rule"] = "duplicate_id"
    return out[["pos", "column", "value", "rule", "reason"]]


def validate_table(
    raw: pd.DataFrame,
    spec: Table,
    councils,
    *,
    source: str,
    rows: np.ndarray | None = None,
    extract_date: date | None = None,
    by_value: bool = True,
) -> TableResult:
    """Check one raw table against its contract: type every column and reject the rows that break
    a rule.

    Parameters
    ----------
    raw : pandas.DataFrame
        Cells as read (text from CSV and Excel, typed from Parquet). Column names are normalised.
    spec : Table
        The table's contract, from :data:`TABLES`.
    councils : jswlib.definitions.councils.Councils
        Used to resolve the council column.
    source : str
        The file (and sheet), named in every message.
    rows : array of int, optional
        Row number of each record as a spreadsheet shows it; default 2, 3, ... (header on row 1).
    extract_date : datetime.date, optional
        When given, event dates after it are rejected (due dates excepted).
    by_value : bool, default True
        Check the columns of few distinct values (dates, numbers, flags, categories, council)
        once per distinct value rather than row by row: the same result, much faster. False is
        the plain way, kept to prove it.

    Returns
    -------
    TableResult
        ``rows_read == rows_accepted + rows_rejected`` always holds.

    Raises
    ------
    ContractError
        When a required column is missing or two columns have the same name once normalised.

    Notes
    -----
    Every rule runs on every row, so a rejected row lists all its problems, not only the first.
    Columns outside the contract are not read: they never reach the accepted table or the rejects
    list.
    """
    rows = np.arange(2, 2 + len(raw)) if rows is None else np.asarray(rows)
    names = [normalise_column_name(c) for c in raw.columns]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ContractError(source, f"columns appear more than once: {', '.join(repeated)}")
    raw = raw.set_axis(names, axis=1).reset_index(drop=True)
    known = [c.name for c in spec.columns]
    missing = [c for c in spec.required_columns if c not in raw.columns]
    if missing:
        raise ContractError(
            source,
            f"required column{'s' if len(missing) > 1 else ''} missing: {', '.join(missing)} "
            f"(table {spec.name}; found: {', '.join(raw.columns) or 'no columns'})",
        )
    warnings = []
    extra = [c for c in raw.columns if c not in known]
    personal = [c for c in extra if c in PERSONAL_DATA_COLUMNS]
    if personal:
        warnings.append(
            f"{source}: columns that look like personal data were not read: "
            f"{', '.join(personal)}. Leave them out of extracts."
        )
    other = [c for c in extra if c not in PERSONAL_DATA_COLUMNS]
    if other:
        warnings.append(
            f"{source}: columns not in the data contract were not read: {', '.join(other)}"
        )
    for c in known:
        if c not in raw.columns:
            raw[c] = pd.Series(pd.NA, index=raw.index, dtype="string")
    raw = raw[known]
    n = len(raw)

    typed, text, problems = {}, {}, []
    for col in spec.columns:
        # Each raw column let go once checked: only one column's raw cells and its typed values
        # are in memory at once, beside the typed columns so far
        typed[col.name], text[col.name], found = _parse_column(
            col, raw.pop(col.name), councils, extract_date, by_value
        )
        problems.extend(found)
    del raw
    problems.extend(_order_problems(spec, typed, text))
    problems.append(_duplicate_problems(spec, text, rows))

    found = [p for p in problems if p is not None and len(p)]
    if found:
        lines = pd.concat(found, ignore_index=True).sort_values(["pos", "column"], kind="stable")
    else:
        lines = pd.DataFrame(columns=["pos", "column", "value", "rule", "reason"])
    pos = lines["pos"].to_numpy(dtype=int)
    person_cols = {c.name for c in spec.columns if c.kind == "person"}
    values = lines["value"].astype("string").fillna("").str.slice(0, 60)
    # A person identifier is never shown, in whatever column it stands (a shifted or misfilled
    # file can put one under council or record_id), nor quoted in a reason. Only the few values
    # of the reject lines are looked up in the person columns, so this costs little.
    record_ids = text[spec.id_column].at(pos).fillna("").astype(str)
    shown = {v for v in (*values.dropna().unique(), *record_ids.unique()) if str(v).strip()}
    person_values: set[str] = set()
    for c in person_cols if shown else ():
        column = text[c].whole()
        person_values.update(str(v) for v in column[column.isin(shown)].dropna().unique())
    hidden = lines["column"].isin(person_cols).to_numpy() | values.isin(person_values).to_numpy()
    reasons = [
        reason.replace(str(value), WITHHELD) if hide and str(value).strip() else reason
        for reason, value, hide in zip(lines["reason"].astype(str), lines["value"], hidden)
    ]
    values = values.mask(hidden, WITHHELD)
    record_ids = record_ids.mask(record_ids.isin(person_values), WITHHELD)
    rejects = pd.DataFrame(
        {
            "table": spec.name,
            "file": source,
            "row": rows[pos].astype(int),
            "record_id": record_ids.to_numpy(),
            "column": lines["column"].to_numpy(),
            "value": values.to_numpy(),
            "rule": lines["rule"].to_numpy(),
            "reason": reasons,
        },
        columns=list(REJECT_COLUMNS),
    )
    del text, lines
    bad = np.zeros(n, dtype=bool)
    bad[pos] = True
    # Each column spread to the rows kept in one copy, and let go once copied
    keep = np.flatnonzero(~bad) if bad.any() else None
    accepted = pd.DataFrame({name: typed.pop(name).rows(keep) for name in list(typed)}, copy=False)
    accepted["source_row"] = rows[~bad]
    return TableResult(spec.name, source, n, accepted, rejects.reset_index(drop=True), warnings)
