"""Reconciling published figures: recompute each value from its counts and check what was
published.

Analysts hold figures that were only ever published as aggregates: their own past reports, other
councils' reports, the national returns. ``jsw reconcile FILE --out FILE`` reads such figures from
a CSV, one row per council x indicator x period, with the counts behind each value::

    council,indicator,period,numerator,denominator,reported_value,target
    Glasgow City,reports_by_due_date,Q2 2025/26,41,50,80%,
    S12000046,Court reports on time,2025/26 Q2,7,8,88,85

and, for every row, recomputes the value from the counts, rounds it as it was published, says
whether the published value matches, and adds the RAG status, the low-numbers flag and the Wilson
interval.

Conventions
-----------
- **Precision as published.** The recomputed value is rounded half up
  (:func:`jswlib.judge.status.round_half_up`, UK statistical publications: 87.5 shows as 88) to the
  number of decimals of ``reported_value`` *as written*: ``"88"`` and ``"88%"`` have 0, ``"87.5"``
  has 1, ``"87.50"`` has 2. Without a reported value, 0 decimals. A published value matches when it
  equals the recomputed value so rounded; 7/8 = 87.5% matches ``"88"`` and ``"87.5"`` but not
  ``"87"``.
- **Percentages** are ``100 * numerator / denominator`` (:func:`jswlib.judge.status.percentage`),
  for catalogue indicators whose unit is ``%`` and for indicators not in the catalogue. A catalogue
  count (unit ``number``, ``hours``) is the numerator itself; an average (type ``average``, unit
  ``days``) is numerator / denominator.
- **Indicators not in the catalogue** (free text) are taken to be percentages where higher is
  better; the row says so (``polarity_assumed``, ``note``) and gets no target from params.
- **Councils** may be written as any name, alias, slug or GSS code, current or retired
  (:meth:`jswlib.definitions.councils.Councils.get`); the output gives the canonical name and the
  current code.
- **Periods** are read by :func:`jswlib.definitions.periods.parse_period` (``Q2 2025/26``,
  ``2025/26 Q2``, ``2025Q2``...) and written as canonical labels.
- **Targets**: the row's own ``target`` wins; otherwise the council's target for the indicator in
  ``params/targets.yaml`` (its own, else the national default); otherwise none ("No target"). The
  RAG scheme is the council's (:meth:`jswlib.definitions.catalogue.Targets.rag_scheme`), applied
  by :func:`jswlib.judge.status.rag_status` to the recomputed value as published, rounded half up
  to the decimals of the reported figure (unless the scheme says ``compare_on: exact``). A neutral
  indicator (neither higher nor lower is better) never has a RAG status.
- **Low numbers**: a denominator under :data:`jswlib.judge.status.LOW_NUMBERS_THRESHOLD` (10) is
  flagged.
- **Intervals**: Wilson score, 95% (:func:`jswlib.judge.status.wilson_interval`), in percent,
  rounded half up to 1 decimal place, for percentage rows only.
- **Nothing is dropped silently.** A row that cannot be reconciled (unknown council, malformed
  period, counts that are not numbers, a numerator above its denominator, a zero denominator...) is
  listed among the problems with its file, spreadsheet row (header = row 1), column, value and
  reason; rows read = rows reconciled + rows with problems. A published value that does not match
  is a *finding*, not a problem.
- Published suppression marks (``[c]``, ``[x]``, ``[z]``, ``n/a``) are not numbers but are not
  errors either: the row is reconciled with nothing to compare, and its note says so.

Only :func:`read_published` (which reads the CSV) and :func:`cmd_reconcile` (which writes through
:func:`jswlib.core.io.write_frame`) touch disk; :func:`reconcile` is pure.
"""

from __future__ import annotations

import difflib
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from jswlib.core import io
from jswlib.definitions.periods import parse_period
from jswlib.judge import status

if TYPE_CHECKING:  # pragma: no cover
    from jswlib.compute.indicators import Definitions
    from jswlib.definitions.catalogue import Indicator
    from jswlib.definitions.councils import Council

__all__ = [
    "ASSUMED_POLARITY",
    "ASSUMED_UNIT",
    "OPTIONAL_COLUMNS",
    "OUTPUT_COLUMNS",
    "PROBLEM_COLUMNS",
    "PublishedNumber",
    "REQUIRED_COLUMNS",
    "SUPPRESSION_MARKS",
    "parse_published_number",
    "read_published",
    "reconcile",
    "summary_lines",
]

#: Columns the published-figures CSV must have.
REQUIRED_COLUMNS: tuple[str, ...] = ("council", "indicator", "period", "numerator", "denominator")
#: Columns it may have.
OPTIONAL_COLUMNS: tuple[str, ...] = ("reported_value", "target")
#: Columns of the reconciled table, in order.
OUTPUT_COLUMNS: tuple[str, ...] = (
    "row",
    "council",
    "council_code",
    "indicator",
    "indicator_id",
    "indicator_known",
    "unit",
    "polarity",
    "polarity_assumed",
    "period",
    "numerator",
    "denominator",
    "recomputed_value",
    "recomputed_display",
    "reported_value",
    "decimals",
    "matches_reported",
    "difference",
    "target",
    "target_source",
    "rag",
    "rag_scheme",
    "low_numbers",
    "ci_lower",
    "ci_upper",
    "note",
)
#: Types of the output columns that are not text.
_OUTPUT_TYPES = {
    "row": "int64",
    "indicator_known": "bool",
    "polarity_assumed": "bool",
    "numerator": "Int64",
    "denominator": "Int64",
    "recomputed_value": "float64",
    "decimals": "Int64",
    "matches_reported": "boolean",
    "difference": "Float64",
    "target": "float64",
    "low_numbers": "boolean",
    "ci_lower": "float64",
    "ci_upper": "float64",
}
#: Columns of the problems list.
PROBLEM_COLUMNS: tuple[str, ...] = ("file", "row", "column", "value", "reason")
#: Polarity and unit taken for an indicator that is not in the catalogue.
ASSUMED_POLARITY, ASSUMED_UNIT = "higher", "%"
#: Published marks for a value that was withheld or does not exist (GSS symbols, and this
#: workbook's :data:`jswlib.judge.status.NOT_AVAILABLE_TEXT`): nothing to compare, but not an
#: error.
SUPPRESSION_MARKS: tuple[str, ...] = ("[c]", "[x]", "[z]", status.NOT_AVAILABLE_TEXT)
#: Decimal places of the Wilson limits in the output.
CI_DECIMALS: int = 1
#: How many mismatches and problems the terminal summary lists.
SHOWN_ON_TERMINAL: int = 10

_NOTE_ASSUMED = (
    "indicator not in the catalogue: polarity taken as higher is better and the value as a "
    "percentage"
)
_NUMBER = re.compile(r"^(?P<whole>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?P<fraction>\d+))?$")
_FIRST_ROW = 2  # spreadsheet row of the first record: the header is row 1


# --- Reading -------------------------------------------------------------------------------------


def _column_key(name: Any) -> str:
    """A header as a column key: trimmed, lower case, spaces as underscores (``"Reported
    value"``)."""
    return re.sub(r"[\s-]+", "_", str(name).strip().lower())


def read_published(path: str | Path, encoding: str | None = None) -> pd.DataFrame:
    """Read a CSV of published figures as text cells, checking that it has the required columns.

    Parameters
    ----------
    path : path-like
        A CSV file (UTF-8 unless ``encoding`` says otherwise) with the columns of
        :data:`REQUIRED_COLUMNS` and optionally :data:`OPTIONAL_COLUMNS`. Headers are matched
        ignoring case and surrounding spaces, with spaces read as underscores (``Reported value``
        is ``reported_value``); other columns are kept and ignored.

    Returns
    -------
    pandas.DataFrame
        Every cell as text, exactly as written (``"87.50"`` stays ``"87.50"``, blank cells are
        ``""``), columns renamed to their keys, indexed by the spreadsheet row number of each
        record (header = row 1; index name ``"row"``). Wholly blank lines are not records: they are
        left out and counted in ``frame.attrs["blank_rows"]``; ``frame.attrs["source"]`` is the
        file.

    Raises
    ------
    jswlib.core.io.ExtractFileError
        Naming the file: not found, empty, not valid UTF-8 (with the line of the first bad byte),
        not well-formed CSV, a column given twice, or required columns missing (listing them and
        the columns found).

    Notes
    -----
    Every cell is read as text, because the number of decimals a value was published with is part
    of what is checked: a number parsed by pandas would turn ``"87.50"`` into ``87.5`` and lose it.
    This is the only function of the module that reads from disk.
    """
    path = Path(path)
    source = str(path)
    try:
        data = io.read_bytes(path)
    except FileNotFoundError:
        raise io.ExtractFileError(source, "file not found") from None
    except OSError as exc:
        raise io.ExtractFileError(source, f"cannot be read: {exc.strerror or exc}") from None
    if not data.strip():
        raise io.ExtractFileError(
            source, "the file is empty: expected a header row naming the columns"
        )
    try:
        text = data.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise io.ExtractFileError(
            source,
            f"line {line}: byte 0x{data[exc.start]:02x} is not valid {encoding or 'UTF-8'}. Save "
            "the file as 'CSV UTF-8', or give its encoding (for example --encoding cp1252)",
        ) from None
    except LookupError:
        raise io.ExtractFileError(source, f"unknown encoding {encoding!r}") from None
    frame = io.parse_csv_text(text, source)  # every cell as text; never shifted (see there)
    keys = [_column_key(c) for c in frame.columns]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise io.ExtractFileError(source, f"column(s) given more than once: {', '.join(repeated)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in keys]
    if missing:
        expected = ", ".join(REQUIRED_COLUMNS)
        found = ", ".join(str(c) for c in frame.columns) or "none"
        raise io.ExtractFileError(
            source,
            f"missing column(s) {', '.join(missing)}: expected {expected} (and optionally "
            f"{', '.join(OPTIONAL_COLUMNS)}); found: {found}",
        )
    frame = frame.set_axis(keys, axis=1).astype(object).fillna("").astype(str)
    frame.index = pd.RangeIndex(_FIRST_ROW, _FIRST_ROW + len(frame), name="row")
    blank = frame.apply(lambda column: column.str.strip() == "").all(axis=1)
    frame = frame.loc[~blank]
    frame.attrs.update(source=source, blank_rows=int(blank.sum()))
    return frame


# --- Reading published numbers -------------------------------------------------------------------


class PublishedNumber(NamedTuple):
    """A number as published: its value, its decimal places as written, and whether it carried a
    ``%``."""

    value: float
    decimals: int
    percent: bool


def parse_published_number(text: str) -> PublishedNumber:
    """Read a number as published (``"88"``, ``"87.5"``, ``"88%"``, ``"1,234"``), keeping its
    precision.

    Parameters
    ----------
    text : str
        The cell. Spaces around it and before a trailing ``%`` are ignored; thousands may be
        separated by commas.

    Returns
    -------
    PublishedNumber
        ``(value, decimals, percent)``: the value, the number of digits written after the decimal
        point (``"87.50"`` has 2), and whether the text ended with ``%``.

    Raises
    ------
    ValueError
        When the text is empty, negative or not a number, saying what was expected.

    Notes
    -----
    The decimals are those *written*, since they give the precision the figure was published at:
    the recomputed value is rounded half up to the same precision before comparing (UK statistical
    publications round halves up).

    Examples
    --------
    >>> parse_published_number("87.5")
    PublishedNumber(value=87.5, decimals=1, percent=False)
    >>> parse_published_number(" 88 % ")
    PublishedNumber(value=88.0, decimals=0, percent=True)
    >>> parse_published_number("1,234").value
    1234.0
    >>> parse_published_number("about 80")
    Traceback (most recent call last):
    ...
    ValueError: 'about 80' is not a number: expected e.g. 88, 87.5 or 88%
    """
    body = str(text).strip()
    percent = body.endswith("%")
    if percent:
        body = body[:-1].rstrip()
    if body.startswith("-") and _NUMBER.match(body[1:].strip()):
        raise ValueError(f"{text!r} is negative: expected a number of 0 or more")
    match = _NUMBER.match(body)
    if match is None or not (match["whole"] or match["fraction"]):
        raise ValueError(f"{text!r} is not a number: expected e.g. 88, 87.5 or 88%")
    fraction = match["fraction"] or ""
    value = float(f"{match['whole'].replace(',', '') or '0'}.{fraction or '0'}")
    return PublishedNumber(value, len(fraction), percent)


# --- Checking one row ----------------------------------------------------------------------------


class _Row:
    """One published row being checked: its cells, what was read from them, notes and problems."""

    def __init__(self, cells: dict[str, str]):
        self.cells = cells
        self.problems: list[tuple[str, str, str]] = []  # (column, value as written, reason)
        self.notes: list[str] = []
        self.council: Council | None = None
        self.indicator: Indicator | None = None
        self.unit, self.polarity = ASSUMED_UNIT, ASSUMED_POLARITY
        self.period: str | None = None
        self.numerator: float | None = None
        self.denominator: float | None = None
        self.reported: float | None = None
        self.decimals = 0
        self.target: float | None = None

    @property
    def is_percentage(self) -> bool:
        """A percentage: a catalogue indicator in ``%``, or any indicator not in the catalogue."""
        return self.unit == "%"

    @property
    def is_average(self) -> bool:
        """An average (numerator / denominator), such as the mean days to complete unpaid work."""
        return self.indicator is not None and self.indicator.type == "average"

    @property
    def uses_denominator(self) -> bool:
        """Whether the value is divided by the denominator (so low numbers apply)."""
        return self.is_percentage or self.is_average

    def fail(self, column: str, reason: str) -> None:
        """Record a problem in ``column``, with the cell as written."""
        self.problems.append((column, self.cells.get(column, ""), reason))

    def number(
        self, column: str, *, required: bool, whole: bool, percent_sign: bool = False
    ) -> float | None:
        """The cell as a non-negative number, ``None`` when blank (a problem when ``required``)."""
        text = self.cells.get(column, "")
        if text == "":
            if required:
                self.fail(column, "missing: expected a number")
            return None
        try:
            number = parse_published_number(text)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None
        if number.percent and not percent_sign:
            self.fail(
                column,
                f"{text!r} has a % sign, but this value is a count or amount, not a percentage",
            )
            return None
        if whole and number.value != math.floor(number.value):
            self.fail(column, f"{text!r} is not a whole number: expected a count")
            return None
        return number.value


def _find_indicator(text: str, defs: Definitions) -> Indicator | None:
    """The catalogue indicator whose id is ``text`` (ignoring case and surrounding spaces), else
    None."""
    key = text.strip().lower()
    return defs.catalogue.get(key) if key in defs.catalogue else None


def _suggestion(text: str, defs: Definitions) -> str:
    """A hint ``" (did you mean 'x'?)"`` when ``text`` is close to a catalogue id, else ``""``."""
    ids = [i.id for i in defs.catalogue]
    close = difflib.get_close_matches(
        text.strip().lower().replace(" ", "_"), ids, n=1, cutoff=0.85
    )
    return f" (did you mean {close[0]!r}?)" if close else ""


def _period_reason(exc: ValueError) -> str:
    """The reason :func:`parse_period` gives, without its long list of accepted forms."""
    reason = str(exc).split(". Accepted forms")[0]
    return f"{reason}; write e.g. 'Q2 2025/26', '2025/26 Q2', '2025Q2', 'H1 2025/26', '2025/26' or 'Jul 2025'"


def _check_row(cells: dict[str, str], defs: Definitions) -> _Row:
    """Parse and check one row: council, indicator, period, counts, reported value and target."""
    row = _Row(cells)
    council_text = cells["council"]
    if council_text == "":
        row.fail("council", "missing: expected a council name, alias or GSS code")
    else:
        try:
            row.council = defs.councils.get(council_text)
        except KeyError:
            row.fail("council", "not a council name, alias or GSS code (see `jsw councils`)")

    indicator_text = cells["indicator"]
    row.indicator = _find_indicator(indicator_text, defs) if indicator_text else None
    if indicator_text == "":
        row.fail("indicator", "missing: expected a catalogue indicator id or the indicator's name")
    elif row.indicator is None:
        row.notes.append(_NOTE_ASSUMED + _suggestion(indicator_text, defs))
    if row.indicator is not None:
        row.unit, row.polarity = row.indicator.unit, row.indicator.polarity

    if cells["period"] == "":
        row.fail("period", "missing: expected a period such as 'Q2 2025/26'")
    else:
        try:
            row.period = str(parse_period(cells["period"]))
        except ValueError as exc:
            row.fail("period", _period_reason(exc))

    divided = row.uses_denominator
    fractional = row.unit in (
        "hours",
        "days",
    )  # sums and averages of hours or days need not be whole
    row.numerator = row.number("numerator", required=True, whole=not fractional)
    row.denominator = row.number("denominator", required=divided, whole=True)
    if divided and row.denominator == 0:
        what = "percentage" if row.is_percentage else "average"
        row.fail("denominator", f"0: no {what} can be computed from a denominator of 0")
    if (
        row.is_percentage
        and None not in (row.numerator, row.denominator)
        and row.numerator > row.denominator
    ):
        row.fail(
            "numerator",
            f"{cells['numerator']!r} is more than the denominator {cells['denominator']!r}",
        )

    _check_reported(row, cells.get("reported_value", ""))
    row.target = row.number("target", required=False, whole=False, percent_sign=row.is_percentage)
    if row.target is not None and row.is_percentage and row.target > 100:
        row.fail("target", f"{cells['target']!r} is not a percentage from 0 to 100")
    elif (
        row.target is not None
        and row.is_percentage
        and 0 < row.target < 1
        and "%" not in cells["target"]
    ):
        # 0.95 is 95% written as a fraction far more often than a target of under 1%.
        row.fail(
            "target",
            f"{cells['target']!r} looks like a fraction: write a percentage from 0 to 100 "
            f"(for example {row.target * 100:g} for {row.target * 100:g}%)",
        )
    return row


def _check_reported(row: _Row, text: str) -> None:
    """Set ``row.reported`` (number or None) and ``row.decimals`` from the published value."""
    if text == "":
        return
    if text.strip().lower() in SUPPRESSION_MARKS:
        row.notes.append(
            f"published value is {text.strip()!r} (withheld or not available): nothing to compare"
        )
        return
    try:
        number = parse_published_number(text)
    except ValueError as exc:
        row.fail("reported_value", str(exc))
        return
    if number.percent and not row.is_percentage:
        row.fail(
            "reported_value",
            f"{text!r} has a % sign, but {row.indicator.id} is a {row.unit} indicator",
        )
        return
    row.reported, row.decimals = number.value, number.decimals


# --- Reconciling one row -------------------------------------------------------------------------


def _value(row: _Row) -> float:
    """The value recomputed from the counts: a percentage, an average or the count itself."""
    if row.is_percentage:
        return status.percentage(row.numerator, row.denominator)
    if row.is_average:
        return row.numerator / row.denominator
    return float(row.numerator)


def _judgement(row: _Row, value: float, defs: Definitions) -> dict[str, Any]:
    """Target, its source, the RAG word and the scheme's name for a checked row."""
    code = row.council.code
    target, source = row.target, "file" if row.target is not None else ""
    if target is None and row.indicator is not None:
        target = defs.targets.target(row.indicator.id, code)
        source = defs.targets.target_source(row.indicator.id, code) or ""
    scheme_name = defs.targets.rag_scheme_name(code)
    scheme = defs.targets.rag_scheme(code)
    if row.polarity == "neutral":
        rag = status.NO_TARGET
        if target is not None:
            row.notes.append(
                "neutral indicator (neither higher nor lower is better): no RAG status against a "
                "target"
            )
    else:
        rag = status.rag_status(
            value,
            target,
            row.polarity,
            scheme,
            digits=row.decimals,
            where=f"RAG scheme {scheme_name!r}",
        )
        if target is not None and scheme.get("type") == "three_state_improving":
            row.notes.append(
                "the RAG scheme uses the direction of travel, which one published figure does not "
                "give: Amber is not used"
            )
    return {
        "target": np.nan if target is None else float(target),
        "target_source": source,
        "rag": rag,
        "rag_scheme": scheme_name,
    }


def _reconciled(row: _Row, number: int, defs: Definitions) -> dict[str, Any]:
    """The output record of a row that passed every check (CI and low numbers are added
    afterwards)."""
    value = _value(row)
    shown = status.round_half_up(value, row.decimals)
    if row.reported is None:
        matches, difference = pd.NA, np.nan
    else:
        difference = status.round_half_up(row.reported - shown, row.decimals)
        matches = difference == 0
    judgement = _judgement(row, value, defs)
    ind = row.indicator
    return {
        "row": number,
        "council": row.council.name,
        "council_code": row.council.code,
        "indicator": row.cells["indicator"],
        "indicator_id": ind.id if ind else "",
        "indicator_known": ind is not None,
        "unit": row.unit,
        "polarity": row.polarity,
        "polarity_assumed": ind is None,
        "period": row.period,
        "numerator": row.numerator,
        "denominator": np.nan if row.denominator is None else row.denominator,
        "uses_denominator": row.uses_denominator,
        "recomputed_value": value,
        "recomputed_display": f"{shown:.{row.decimals}f}",
        "reported_value": row.cells.get("reported_value", "").strip(),
        "decimals": row.decimals,
        "matches_reported": matches,
        "difference": difference,
        **judgement,
        "note": row.notes,
    }


# --- The reconciliation --------------------------------------------------------------------------


def _row_numbers(published: pd.DataFrame) -> list[int]:
    """Spreadsheet row of each record: the index when it is named ``row``
    (:func:`read_published`), else by
    position (header = row 1)."""
    if published.index.name == "row":
        return [int(r) for r in published.index]
    return list(range(_FIRST_ROW, _FIRST_ROW + len(published)))


def _counts_column(values: pd.Series) -> pd.Series:
    """Whole-number counts as nullable integers (so the CSV shows 41, not 41.0); fractional ones
    as floats."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    known = numbers.dropna()
    if (known == np.floor(known)).all():
        return numbers.round().astype("Int64")
    return numbers


def _finish(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The reconciled table from the row records: types, low numbers, Wilson limits, duplicates,
    notes."""
    if not records:
        return pd.DataFrame(
            {c: pd.Series(dtype=_OUTPUT_TYPES.get(c, "str")) for c in OUTPUT_COLUMNS}
        )
    out = pd.DataFrame.from_records(records)
    is_pct = (out["unit"] == "%").to_numpy()
    divided = out["uses_denominator"].to_numpy(dtype=bool)
    limits = (
        status.wilson_interval(out["numerator"].where(is_pct), out["denominator"].where(is_pct))
        * 100.0
    )
    low = status.low_numbers(out["denominator"].astype("float64")).astype("boolean")
    indicator_key = out["indicator_id"].where(out["indicator_known"], out["indicator"].str.lower())
    for _, rows in out.groupby([out["council_code"], indicator_key, out["period"]], sort=False)[
        "row"
    ]:
        for position, number in rows.items() if len(rows) > 1 else ():
            others = ", ".join(str(r) for r in rows if r != number)
            same = f"same council, indicator and period as row {others}"
            out.at[position, "note"] = [*out.at[position, "note"], same]
    return out.assign(
        numerator=_counts_column(out["numerator"]),
        denominator=_counts_column(out["denominator"]),
        decimals=out["decimals"].astype("Int64"),
        matches_reported=out["matches_reported"].astype("boolean"),
        difference=out["difference"].astype("Float64"),
        low_numbers=low.where(divided, pd.NA),
        ci_lower=status.round_half_up(limits["lower"], CI_DECIMALS),
        ci_upper=status.round_half_up(limits["upper"], CI_DECIMALS),
        note=out["note"].map("; ".join),
    )[list(OUTPUT_COLUMNS)]


def reconcile(
    published: pd.DataFrame, defs: Definitions, *, source: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Recompute published figures from their counts, check the published values, and judge them.

    Parameters
    ----------
    published : pandas.DataFrame
        One row per published figure, with the text columns of :data:`REQUIRED_COLUMNS` (council,
        indicator, period, numerator, denominator) and optionally ``reported_value`` and
        ``target``, as :func:`read_published` returns them. Row numbers for messages come from an
        index named ``row``, else from the position (first record = spreadsheet row 2).
    defs : jswlib.compute.indicators.Definitions
        Catalogue, councils and targets (:func:`jswlib.compute.indicators.load_definitions`).
    source : str, optional
        The file the rows came from, for the problems list; default ``published.attrs["source"]``,
        else ``"published figures"``.

    Returns
    -------
    reconciled : pandas.DataFrame
        One row per reconciled figure, columns :data:`OUTPUT_COLUMNS`: ``row`` (spreadsheet row),
        ``council`` (canonical name), ``council_code`` (current GSS code), ``indicator`` (as
        written), ``indicator_id`` (blank for free text), ``indicator_known``, ``unit``,
        ``polarity``, ``polarity_assumed``, ``period`` (canonical label), ``numerator``,
        ``denominator``, ``recomputed_value`` (exact float), ``recomputed_display`` (text, rounded
        half up at the published precision), ``reported_value`` (as written), ``decimals``,
        ``matches_reported`` (nullable boolean, ``<NA>`` without a published value), ``difference``
        (reported minus recomputed as rounded), ``target``, ``target_source`` (``"file"``,
        ``"council"`` or ``"national default"`` from ``params/targets.yaml``, or ``""``), ``rag``
        (Green, Amber, Red, No target), ``rag_scheme`` (its name in params), ``low_numbers``
        (nullable boolean, ``<NA>`` for counts), ``ci_lower`` and ``ci_upper`` (percent, 1 decimal
        place, percentage rows only) and ``note`` (assumptions and remarks, ``"; "``-separated).
    problems : pandas.DataFrame
        Columns :data:`PROBLEM_COLUMNS` (file, row, column, value, reason), one line per problem,
        in row order; a row with two problems has two lines. Rows read = rows reconciled + distinct
        rows here.

    Raises
    ------
    ValueError
        When a required column is missing (naming them). Problems in cells never raise: they are
        listed.

    Notes
    -----
    Conventions (module docstring): the recomputed value is rounded half up to the decimals of the
    published value as written (0 without one) and must equal it; free-text indicators are
    percentages, higher is better; the file's target wins over the params target; the value as
    published is judged against the target with the council's RAG scheme; denominators under 10 are
    low numbers; Wilson 95% intervals. A row with any problem is not reconciled at all, so that no
    figure is judged on a guess.

    Examples
    --------
    >>> from jswlib.compute.indicators import load_definitions
    >>> published = pd.DataFrame({
    ...     "council": ["Glasgow", "Fife"], "indicator": ["reports_by_due_date", "Court reports on time"],
    ...     "period": ["2025/26 Q2", "Q2 2025/26"], "numerator": ["41", "7"], "denominator": ["50", "8"],
    ...     "reported_value": ["80%", "87.5"], "target": ["", ""]})
    >>> done, problems = reconcile(published, load_definitions())
    >>> done[["council", "period", "recomputed_display", "matches_reported", "rag"]]
            council      period recomputed_display  matches_reported        rag
    0  Glasgow City  Q2 2025/26                 82             False      Green
    1          Fife  Q2 2025/26               87.5              True  No target
    >>> len(problems)
    0
    """
    where = source or published.attrs.get("source") or "published figures"
    missing = [c for c in REQUIRED_COLUMNS if c not in published.columns]
    if missing:
        raise ValueError(
            f"{where}: missing column(s) {', '.join(missing)}; it has "
            f"{', '.join(map(str, published.columns))}"
        )
    columns = [c for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if c in published.columns]
    text = published[columns].astype(object).where(published[columns].notna(), "").astype(str)
    records, problems = [], []
    for number, cells in zip(_row_numbers(published), text.to_dict("records"), strict=True):
        row = _check_row({c: v.strip() for c, v in cells.items()}, defs)
        if row.problems:
            problems.extend(
                (where, number, column, value, reason) for column, value, reason in row.problems
            )
        else:
            records.append(_reconciled(row, number, defs))
    problem_frame = pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS)).astype({"row": "int64"})
    return _finish(records), problem_frame


# --- The command ---------------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def summary_lines(
    reconciled: pd.DataFrame, problems: pd.DataFrame, rows_read: int, source: str = ""
) -> list[str]:
    """The terminal summary of a reconciliation, as lines of text.

    Parameters
    ----------
    reconciled, problems : pandas.DataFrame
        As :func:`reconcile` returns them.
    rows_read : int
        Records read from the file.
    source : str, default ""
        The file, for the first line.

    Returns
    -------
    list of str
        Rows read, reconciled and with problems (and whether they add up); how many rows did not
        match their published value, with up to :data:`SHOWN_ON_TERMINAL` of them (council,
        indicator, period, reported, recomputed); how many used an assumed polarity or have low
        numbers; up to 10 problems.

    Examples
    --------
    >>> from jswlib.compute.indicators import load_definitions
    >>> published = pd.DataFrame({"council": ["Fife", "Gotham"], "indicator": "reports_by_due_date",
    ...                           "period": "Q2 2025/26", "numerator": "7", "denominator": "8",
    ...                           "reported_value": "87"})
    >>> print("\\n".join(summary_lines(*reconcile(published, load_definitions()), rows_read=2)))
    Reconciled: 2 rows read, 1 reconciled, 1 with problems (read = reconciled + with problems: yes)
    1 row did not match its published value (1 with a published value).
      row 2: Fife, reports_by_due_date, Q2 2025/26: published 87, recomputed 88 from 7/8
    0 rows used an assumed polarity (indicator not in the catalogue: higher taken as better, value
    as a percentage). 1 row with low numbers (denominator under 10): read those percentages with
    care. 1 row could not be reconciled:
      row 3, council 'Gotham': not a council name, alias or GSS code (see `jsw councils`)
    """
    bad_rows = problems["row"].nunique() if len(problems) else 0
    adds_up = "yes" if rows_read == len(reconciled) + bad_rows else "NO"
    lines = [
        f"Reconciled{' ' + source if source else ''}: {_plural(rows_read, 'row')} read, "
        f"{len(reconciled):,} reconciled, {bad_rows:,} with problems (read = reconciled + with "
        f"problems: {adds_up})"
    ]
    compared = reconciled["matches_reported"].notna()
    mismatched = reconciled[~reconciled["matches_reported"].fillna(True).astype(bool)]
    lines.append(
        f"{_plural(len(mismatched), 'row')} did not match "
        f"{'its' if len(mismatched) == 1 else 'their'} published value ({int(compared.sum()):,} "
        "with a published value)."
    )
    for _, r in mismatched.head(SHOWN_ON_TERMINAL).iterrows():
        lines.append(
            f"  row {r['row']}: {r['council']}, {r['indicator']}, {r['period']}: published "
            f"{r['reported_value']}, recomputed {r['recomputed_display']} from {r['numerator']}"
            + (f"/{r['denominator']}" if pd.notna(r["denominator"]) else "")
        )
    if len(mismatched) > SHOWN_ON_TERMINAL:
        lines.append(
            f"  ... and {len(mismatched) - SHOWN_ON_TERMINAL:,} more (see the output file)"
        )
    assumed = int(reconciled["polarity_assumed"].astype(bool).sum())
    lines.append(
        f"{_plural(assumed, 'row')} used an assumed polarity (indicator not in the catalogue: "
        "higher taken as better, value as a percentage)."
    )
    low = int(reconciled["low_numbers"].fillna(False).astype(bool).sum())
    if low:
        lines.append(
            f"{_plural(low, 'row')} with low numbers (denominator under "
            f"{status.LOW_NUMBERS_THRESHOLD}): read those percentages with care."
        )
    if bad_rows:
        lines.append(f"{_plural(bad_rows, 'row')} could not be reconciled:")
        for _, p in problems.head(SHOWN_ON_TERMINAL).iterrows():
            lines.append(f"  row {p['row']}, {p['column']} {p['value']!r}: {p['reason']}")
        if len(problems) > SHOWN_ON_TERMINAL:
            lines.append(
                f"  ... and {len(problems) - SHOWN_ON_TERMINAL:,} more (see the problems file)"
            )
    return lines
