"""The engine: every indicator of the catalogue, for every council, period, family group and
Scotland.

:func:`compute_indicators` takes the validated tables of an extract and returns one tidy long
table: a row per area (council, family group or Scotland), indicator, frequency and period, with
the numerator, the denominator, the value, the unit, and the records excluded from the denominator.
Everything is vectorised: per indicator, a handful of whole-column operations and one group-by;
there is no loop over records.

Conventions
-----------
- A record belongs to the period its ``period_date`` falls in (``basis: events``), to every period
  it was open in (``basis: active``: from ``active_from`` to ``active_to``, an open end meaning
  still running at the extract date), or to the periods on whose last day it was open (``basis:
  snapshot``).
- Timescales follow :mod:`jswlib.definitions.calendar`: the start day is day 0, and the deadline is
  the last day that meets the standard. A timescale record is placed by its ``period_basis``: in
  the period its deadline falls in (``deadline``) or the period of its start (``start``). Records
  flagged in ``exclude`` (the person did not comply, or the order was transferred in), and records
  whose own end (``ended``) came before the deadline (the order ended before the review fell due),
  are left out of the denominator and counted in ``excluded``, each under its reason
  (:data:`EXCLUSION_REASONS`), as the national statistics do. A record with no event whose deadline
  is on or after the extract date is left out too and counted in ``pending``: it may still meet the
  standard. A record with no event whose deadline has passed did not meet it.
- A figure is ``provisional`` while it can still change: some of its records are pending, or its
  period has not ended. On the deadline basis every record of an ended period has had its
  deadline, so a complete period is final (docs/method.md, "Period placement").
- Councils use their own timescale standard where ``params/targets.yaml`` sets one (``basis``
  column ``local``); the family-group and Scotland figures always use the national standard, so a
  council that sets a local standard also gets a row on the national standard (``basis``
  ``national``) to compare with them.
- Family-group and Scotland figures are pooled: numerators and denominators are summed over
  councils, and the value computed from the sums, never averaged from percentages. People are
  counted once per council (person identifiers are local to each council's system), so a pooled
  count of people is a sum of council counts.
- Every council has a row for every period from the first period with data to the period of the
  extract date, with zero counts where it had no records; ``complete`` says whether the period had
  ended by the extract date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from jswlib.definitions import calendar as wd
from jswlib.definitions import periods
from jswlib.definitions.catalogue import (
    FREQUENCY_CODES,
    Catalogue,
    Condition,
    Indicator,
    Standard,
    Targets,
)
from jswlib.definitions.councils import SCOTLAND_CODE, Councils
from jswlib.definitions.params import HolidayRules

#: Columns of the results table, in order.
RESULT_COLUMNS = (
    "level",
    "council",
    "council_name",
    "indicator",
    "title",
    "frequency",
    "period",
    "period_start",
    "period_end",
    "complete",
    "numerator",
    "denominator",
    "value",
    "std_dev",
    "unit",
    "excluded",
    "excluded_non_compliance",
    "excluded_transfer_in",
    "excluded_ended",
    "excluded_no_timescale",
    "pending",
    "provisional",
    "standard",
    "basis",
)
#: Why a record left a timescale's denominator, in order of precedence (a record is counted under
#: the first reason that applies): the two exclusion flags of the national statistics, the order
#: ending before the deadline, no timescale known. Each has a column ``excluded_<reason>``.
EXCLUSION_REASONS = ("non_compliance", "transfer_in", "ended", "no_timescale")
#: The reasons in words, for reports.
EXCLUSION_WORDS = {
    "non_compliance": "the person did not comply",
    "transfer_in": "the order was transferred in",
    "ended": "the order ended before it was due",
    "no_timescale": "no timescale known",
}
_REASON_COLUMNS = [f"excluded_{r}" for r in EXCLUSION_REASONS]
_COUNT_COLUMNS = ["num", "den", "sq", "excluded", *_REASON_COLUMNS, "pending"]
LEVEL_COUNCIL, LEVEL_FAMILY, LEVEL_SCOTLAND = "council", "family group", "Scotland"
#: Months allowed to complete unpaid work when the court set none (national standard; see
#: docs/method.md, Timescales):
#: Level 1 (up to 100 hours) 3 months, Level 2 (101-300 hours) 6 months.
UPW_LEVEL_1_MAX_HOURS, UPW_LEVEL_1_MONTHS, UPW_LEVEL_2_MONTHS = 100, 3, 6


@dataclass(frozen=True)
class Definitions:
    """Everything the engine needs besides the data: the catalogue, councils, targets and
    holidays."""

    catalogue: Catalogue
    councils: Councils
    targets: Targets
    holidays: HolidayRules


# --- Derived columns -----------------------------------------------------------------------------


def _derive_cpos(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``upw_timescale_effective`` (months) and ``upw_due_date`` to the CPO table."""
    hours = frame["upw_hours_ordered"].to_numpy(dtype=float, na_value=np.nan)
    court = frame["upw_timescale_months"].astype("Int64")
    by_court = court.notna().to_numpy(dtype=bool)
    # Hours not known: no level, so no default timescale (a missing value gives a missing result).
    by_level = ~np.isnan(hours)
    with np.errstate(invalid="ignore"):
        level = np.where(hours <= UPW_LEVEL_1_MAX_HOURS, UPW_LEVEL_1_MONTHS, UPW_LEVEL_2_MONTHS)
    value = np.where(by_court, court.to_numpy(dtype=np.int64, na_value=0), level)
    known = (by_court | by_level) & frame["has_upw"].to_numpy(dtype=bool, na_value=False)
    value = np.where(known, value, 0)
    months = pd.Series(pd.arrays.IntegerArray(value, ~known), index=frame.index)
    due = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[ns]")
    imposed = frame["imposed_date"]
    for n in np.unique(value[known]):
        rows = known & (value == n)
        due[rows] = (
            wd.add_calendar_months(imposed[rows], int(n)).astype("datetime64[ns]").to_numpy()
        )
    return frame.assign(
        upw_timescale_effective=months, upw_due_date=pd.Series(due, index=frame.index)
    )


#: Functions adding derived columns, by table (their names and kinds are listed in
#: jswlib.definitions.catalogue).
DERIVED = {"cpos": _derive_cpos}


def with_council_index(
    tables: dict[str, pd.DataFrame], codes: list[str], people: set[str] | None = None
) -> dict[str, pd.DataFrame]:
    """Add integer columns ``_c`` (position of the council in ``codes``) and ``_p`` (person
    number).

    Grouping and matching on small integers instead of text keeps the engine fast; codes are put
    back on the (small) aggregated results only. ``people`` names the tables that need ``_p``
    (default: every table); numbering the people of a large table takes a while.
    """
    out = {}
    position = pd.Index(codes)
    for name, frame in tables.items():
        if frame.empty or "council" not in frame:
            out[name] = frame
            continue
        # Each distinct council looked up once (-1: not one of ``codes``)
        found, distinct = pd.factorize(frame["council"], use_na_sentinel=True)
        where = np.append(position.get_indexer(pd.Index(distinct, dtype=object)), -1)
        columns = {"_c": where[found].astype(np.int16)}  # narrow: a council is one of few
        if people is None or name in people:
            columns["_p"] = pd.factorize(frame["person_id"])[0].astype(np.int32)
        out[name] = frame.assign(**columns)
    return out


def with_derived_columns(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables with the derived columns of :data:`DERIVED` added (new frames; the input is not
    changed)."""
    return {
        name: DERIVED[name](frame) if name in DERIVED else frame for name, frame in tables.items()
    }


# --- Conditions ----------------------------------------------------------------------------------


def condition_mask(
    frame: pd.DataFrame, conditions: tuple[Condition, ...], period_end: pd.Series | None = None
) -> np.ndarray:
    """Rows of ``frame`` meeting every condition.

    A missing value meets no condition except ``not_in`` (a blank is not one of the listed values)
    and ``present: false``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Typed records.
    conditions : tuple of Condition
        From the catalogue.
    period_end : pandas.Series, optional
        Last day of each row's period, for ``by_period_end`` conditions.

    Returns
    -------
    numpy.ndarray of bool
    """
    mask = np.ones(len(frame), dtype=bool)
    for c in conditions:
        col = frame[c.column]
        if c.operator == "is":
            hit = col == c.value
        elif c.operator == "in":
            hit = col.isin(list(c.value))
        elif c.operator == "not_in":
            hit = ~col.isin(list(c.value)) | col.isna()
        elif c.operator == "between":
            hit = (col >= c.value[0]) & (col <= c.value[1])
        elif c.operator == "present":
            hit = col.notna() if c.value else col.isna()
        else:  # by_period_end
            hit = col.notna() & (col <= period_end) if c.value else col.isna() | (col > period_end)
        mask &= pd.array(hit, dtype="boolean").fillna(False).to_numpy(dtype=bool)
    return mask


# --- Timescales ----------------------------------------------------------------------------------


def _deadline(start: pd.Series, standard: Standard, calendar: wd.WorkingCalendar) -> np.ndarray:
    """The last day that meets the standard, per record (datetime64[D], NaT where start is
    missing)."""
    if standard.unit == "working_days":
        out = wd.working_day_deadline(start, standard.n, calendar)
    elif standard.unit == "calendar_days":
        out = start.dt.normalize() + pd.Timedelta(days=standard.n)
    else:
        out = wd.add_calendar_months(start, standard.n)
    return out.to_numpy(dtype="datetime64[D]")


def timescale_outcome(
    frame: pd.DataFrame,
    indicator: Indicator,
    standard_of: dict[str, Standard],
    calendar_of: dict[str, wd.WorkingCalendar],
    as_at: date,
) -> pd.DataFrame:
    """Per record: in the denominator, met the standard, excluded, pending.

    Parameters
    ----------
    frame : pandas.DataFrame
        The indicator's records, with the ``council`` column.
    indicator : Indicator
        A timescale indicator.
    standard_of : dict
        Council -> the Standard that applies (its own, or the national one). Councils are keyed as
        in the frame: by the integer column ``_c`` when present (see :func:`with_council_index`),
        else by ``council``.
    calendar_of : dict
        Council -> its working calendar, keyed the same way.
    as_at : datetime.date
        The extract date: an event still missing before its deadline is pending.

    Returns
    -------
    pandas.DataFrame
        Boolean columns ``den``, ``num``, ``excluded``, ``pending``; ``deadline`` (datetime64, the
        last day that meets the standard); ``reason`` (0 when not excluded, else 1 + the position
        of the reason in :data:`EXCLUSION_REASONS`). Same index as ``frame``.

    Notes
    -----
    An event meets the standard when it falls on or before the deadline. A record is excluded for
    the first reason that applies: an ``exclude`` flag set; its ``ended`` date (when the indicator
    has one) before the deadline and not after the extract date, whatever the event (no event was
    due, so neither success nor failure counts); no per-record standard. A record not excluded,
    with no event and a deadline on or after the extract date, is pending.

    Councils sharing a standard and a calendar are processed together, and a per-record standard (a
    column of months) by each distinct value: a handful of vectorised passes, never a loop over
    records.
    """
    start, end = frame[indicator.start], frame[indicator.end]
    councils = (
        frame["council"].to_numpy(dtype=object) if "_c" not in frame else frame["_c"].to_numpy()
    )
    deadline = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    judged = np.zeros(len(frame), dtype=bool)
    groups: dict[tuple, list] = {}
    for code in pd.unique(councils):
        groups.setdefault((standard_of[code], id(calendar_of[code])), []).append(code)
    for (standard, _), codes in groups.items():
        in_group = np.isin(councils, codes)
        cal = calendar_of[codes[0]]
        if standard.column is None:
            parts = [(in_group, standard)]
        else:
            per_record = frame[standard.column]
            parts = [
                (
                    in_group & (per_record == n).fillna(False).to_numpy(dtype=bool),
                    Standard(standard.unit, n=int(n)),
                )
                for n in per_record[in_group].dropna().unique()
            ]
        for rows, fixed in parts:
            if not rows.any():
                continue
            deadline[rows] = _deadline(start[rows], fixed, cal)
            judged[rows] = True
    judged &= ~np.isnat(deadline)
    event = end.to_numpy(dtype="datetime64[D]")
    with np.errstate(invalid="ignore"):
        met = ~np.isnat(event) & (event <= deadline)
    # Reasons in the order of EXCLUSION_REASONS; a record keeps the first that applies.
    none = np.zeros(len(frame), dtype=bool)
    reasons = [
        frame[flag].fillna(False).to_numpy(dtype=bool) if flag in indicator.exclude else none
        for flag in EXCLUSION_REASONS[:2]
    ]
    ended = np.zeros(len(frame), dtype=bool)
    if indicator.ended is not None:
        stop = frame[indicator.ended].to_numpy(dtype="datetime64[D]")
        ended = ~np.isnat(stop) & (stop < deadline) & (stop <= np.datetime64(as_at, "D"))
    # A record whose per-record standard is missing (unpaid work with neither hours nor a court
    # timescale) cannot be judged: it is left out of the denominator and counted as excluded, never
    # silently dropped.
    reasons += [ended, ~judged]
    reason = np.select(reasons, np.arange(1, len(reasons) + 1), default=0)
    excluded = reason > 0
    pending = ~excluded & ~met & (np.isnat(event) & (deadline >= np.datetime64(as_at, "D")))
    den = ~excluded & ~pending
    return pd.DataFrame(
        {
            "den": den,
            "num": den & met,
            "excluded": excluded,
            "pending": pending,
            "deadline": deadline,
            "reason": reason,
        },
        index=frame.index,
    )


# --- Per-record contributions --------------------------------------------------------------------


def _contributions(
    frame: pd.DataFrame, ind: Indicator, outcome: pd.DataFrame | None
) -> dict[str, np.ndarray]:
    """Per record: what it adds to the numerator and denominator, and whether it is excluded or
    pending (the columns of ``_COUNT_COLUMNS``, as arrays in the order of ``frame``'s rows)."""
    n = len(frame)
    zeros = np.zeros(n, dtype=np.int64)  # one array shared by every column with nothing in it
    no_reasons = dict.fromkeys(_REASON_COLUMNS, zeros)
    sq = np.zeros(n)
    if ind.type in ("count", "people"):
        num, den = np.ones(n), np.full(n, np.nan)
    elif ind.type == "sum":
        values = frame[ind.column].astype("Float64")
        num, den = values.fillna(0).to_numpy(dtype=float), values.notna().to_numpy(dtype=float)
    elif ind.type == "average":
        if ind.column is not None:
            values = frame[ind.column].astype("Float64")
        else:
            values = pd.Series(
                (frame[ind.end] - frame[ind.start]).dt.days, index=frame.index
            ).astype("Float64")
        num, den = values.fillna(0).to_numpy(dtype=float), values.notna().to_numpy(dtype=float)
        sq = num**2
    elif ind.type == "before_after":
        both = (frame[ind.before].notna() & frame[ind.after].notna()).to_numpy(dtype=bool)
        better = (frame[ind.after] > frame[ind.before]).fillna(False).to_numpy(dtype=bool)
        num, den = (both & better).astype(float), both.astype(float)
    elif ind.type == "timescale":
        reason = outcome["reason"].to_numpy()
        # Reasons no record has (most of them) share the array of zeros
        found = np.bincount(reason, minlength=len(_REASON_COLUMNS) + 1) > 0
        return {
            "num": outcome["num"].to_numpy(dtype=float),
            "den": outcome["den"].to_numpy(dtype=float),
            "sq": sq,
            "excluded": outcome["excluded"].to_numpy(dtype=np.int64),
            **{
                col: (reason == k + 1).astype(np.int64) if found[k + 1] else zeros
                for k, col in enumerate(_REASON_COLUMNS)
            },
            "pending": outcome["pending"].to_numpy(dtype=np.int64),
        }
    else:  # proportion (events basis; snapshot proportions are handled after expansion)
        num, den = condition_mask(frame, ind.numerator).astype(float), np.ones(n)
    return {"num": num, "den": den, "sq": sq, "excluded": zeros, **no_reasons, "pending": zeros}


# --- Placing records in periods ------------------------------------------------------------------


def _month_start(months_since_year0: np.ndarray) -> np.ndarray:
    return (np.datetime64("0000-01", "M") + months_since_year0.astype("timedelta64[M]")).astype(
        "datetime64[D]"
    )


def period_bounds(ordinals: np.ndarray, freq: str) -> tuple[np.ndarray, np.ndarray]:
    """First and last day of each period ordinal, as datetime64[D] arrays (vectorised).

    Examples
    --------
    >>> first, last = period_bounds(np.array([8101]), "Q")
    >>> str(first[0]), str(last[0])
    ('2025-07-01', '2025-09-30')
    """
    months = periods.MONTHS_PER_PERIOD[freq]
    fy, index = np.divmod(np.asarray(ordinals, dtype=np.int64), periods.PERIODS_PER_YEAR[freq])
    first_month = fy * 12 + (periods.FIN_YEAR_START_MONTH - 1) + index * months
    return _month_start(first_month), _month_start(first_month + months) - np.timedelta64(1, "D")


def _as_at_ordinal(as_at: date, freq: str) -> int:
    return int(_ordinals(np.array([as_at], dtype="datetime64[D]"), freq)[0])


def _ordinals(dates, freq: str) -> np.ndarray:
    """:func:`jswlib.definitions.periods.period_ordinals` on a date array, with numpy: int64, -1
    where the date is missing (no period ordinal is negative for dates after year 0)."""
    days = np.asarray(dates)
    if days.dtype == np.dtype("datetime64[ns]"):
        # Days since 1970 by integer division (floored, as numpy's conversion): quicker
        missing = np.isnat(days)
        number = days.view(np.int64) // _NS_PER_DAY
    else:
        days = days.astype("datetime64[D]", copy=False)
        missing = np.isnat(days)
        number = days.view(np.int64)
    present = ~missing
    if present.any():
        low = int(number.min(where=present, initial=np.iinfo(np.int64).max))
        high = int(number.max(where=present, initial=np.iinfo(np.int64).min))
    else:
        low, high = 0, 0
    if high - low < 100_000:
        # Each day's ordinal looked up in a table of the days spanned (a few thousand): much
        # quicker than numpy's calendar conversion and the arithmetic on every date
        table = _month_ordinals(
            np.arange(low, high + 1).astype("datetime64[D]").astype("datetime64[M]"), freq
        )
        out = table[np.where(missing, low, number) - low]
    else:
        out = _month_ordinals(days.astype("datetime64[M]"), freq)
    out[missing] = -1
    return out


#: Nanoseconds in a day.
_NS_PER_DAY = 86_400 * 10**9


def _month_ordinals(months: np.ndarray, freq: str) -> np.ndarray:
    """The period ordinal of each month (``datetime64[M]``), as in periods: financial year x
    periods per year + period in the year, the year starting in FIN_YEAR_START_MONTH."""
    # Months since April of year 0: year * 12 + month - FIN_YEAR_START_MONTH
    since_start = months.astype(np.int64) + 1970 * 12 + 1 - periods.FIN_YEAR_START_MONTH
    fy, month_in_year = np.divmod(since_start, 12)
    return fy * periods.PERIODS_PER_YEAR[freq] + month_in_year // periods.MONTHS_PER_PERIOD[freq]


def _open_spans(
    frame: pd.DataFrame, ind: Indicator, freq: str, as_at: date
) -> tuple[np.ndarray, np.ndarray]:
    """For ``active`` and ``snapshot`` bases: each record's first period ordinal and the number
    of periods it counts in (0 when none)."""
    last = _as_at_ordinal(as_at, freq)
    start = frame[ind.active_from].to_numpy(dtype="datetime64[D]")
    stop = frame[ind.active_to].to_numpy(dtype="datetime64[D]")
    first = _ordinals(start, freq)
    with np.errstate(invalid="ignore"):
        ended = ~np.isnat(stop) & (stop <= np.datetime64(as_at, "D"))
    final = np.where(ended, _ordinals(stop, freq), last)
    if ind.basis == "snapshot":
        # Open on the last day of a period: a record that ends before its own period's last day
        # does not count in that period.
        _, stop_period_end = period_bounds(final, freq)
        with np.errstate(invalid="ignore"):
            ends_early = ended & (stop < stop_period_end)
        final = final - ends_early.astype(np.int64)
    valid = ~np.isnat(start)
    first_v = np.where(valid, first, 0)
    final_v = np.minimum(final, last)
    spans = np.where(valid, np.maximum(final_v - first_v + 1, 0), 0)
    return first_v, spans


def _people_grid(
    records: pd.DataFrame,
    ind: Indicator,
    freq: str,
    as_at: date,
    n_councils: int,
    first: int,
    last: int,
) -> dict[str, np.ndarray]:
    """:func:`_grid_sums` of a ``people`` indicator on the ``active`` basis, without one row per
    record and period: distinct people per council and period, from each person's periods.

    A person's records, in order of their first period, add only the periods no earlier record
    of theirs reached (the earlier records reach every period from their first to the furthest
    last one, and no later record starts before the current one); the periods added are counted
    with a running sum over a difference array.
    """
    first_v, spans = _open_spans(records, ind, freq, as_at)
    council = records["_c"].to_numpy(dtype=np.int64)
    person = records["_p"].to_numpy(dtype=np.int64)
    keep = (spans > 0) & (council >= 0) & (council < n_councils)
    council, person, start = council[keep], person[keep], first_v[keep]
    stop = start + spans[keep] - 1
    order = np.lexsort((start, person, council))
    council, person, start, stop = council[order], person[order], start[order], stop[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = (council[1:] != council[:-1]) | (person[1:] != person[:-1])
    group = np.cumsum(new_group) - 1
    # Furthest period reached by the earlier records of the same person (a running maximum,
    # kept within each person by lifting each person's values above the previous person's)
    base = int(stop.min()) - 1 if len(stop) else 0
    lift = int(stop.max()) - base + 1 if len(stop) else 1
    reach = np.maximum.accumulate(group * lift + (stop - base)) - group * lift + base
    before = np.empty(len(order), dtype=np.int64)
    before[1:] = reach[:-1]
    before[new_group] = np.iinfo(np.int64).min // 2
    added_from = np.maximum(start, before + 1)
    lo, hi = np.maximum(added_from, first), np.minimum(stop, last)
    counted = lo <= hi
    span = last - first + 1
    size = n_councils * (span + 1)
    row = council[counted] * (span + 1) - first
    diff = np.bincount(row + lo[counted], minlength=size) - np.bincount(
        row + hi[counted] + 1, minlength=size
    )
    num = np.cumsum(diff.reshape(n_councils, span + 1), axis=1)[:, :span].ravel()
    cells = n_councils * span
    return {
        "council": np.repeat(np.arange(n_councils, dtype=np.int64), span),
        "ordinal": np.tile(np.arange(first, last + 1, dtype=np.int64), n_councils),
        "num": num.astype(float),
        "den": np.full(cells, np.nan),
        **{col: np.zeros(cells) for col in _COUNT_COLUMNS[2:]},
    }


# --- Aggregation ---------------------------------------------------------------------------------


def _std_dev(total: pd.Series, n: pd.Series, squares: pd.Series) -> pd.Series:
    """Sample standard deviation from the sum, count and sum of squares (missing below 2
    values)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = (squares - total**2 / n) / (n - 1)
    return np.sqrt(variance.clip(lower=0).where(n >= 2)).astype(float)


def _grid_sums(
    contrib, n_councils: int, first: int, last: int, ind: Indicator
) -> dict[str, np.ndarray]:
    """The contributions summed per council and period ordinal, with numpy: every council (0 to
    ``n_councils - 1``) x every ordinal from ``first`` to ``last``, zero where there were no
    records (distinct people for ``people`` indicators). A grid is a dict of equal-length
    arrays (``council``, ``ordinal`` and :data:`_COUNT_COLUMNS`), council-major: a few thousand
    rows, kept out of pandas so that each indicator does not pay for frames.

    Every contribution is a whole number (counts, hours, days and their squares, far below
    2**53), so sums are exact in any order and equal those of a pandas group-by.
    """
    span = last - first + 1
    council = np.asarray(contrib["council"], dtype=np.int64)
    ordinal = np.asarray(contrib["ordinal"], dtype=np.int64)
    inside = (ordinal >= first) & (ordinal <= last) & (council >= 0) & (council < n_councils)
    if inside.all():  # nothing to leave out: the columns are used as they are, not copied

        def pick(values):
            return values
    else:

        def pick(values):
            return values[inside]

    key = pick(council) * span + (pick(ordinal) - first)
    cells = n_councils * span
    sums = {}
    if ind.type == "people":
        person = pick(np.asarray(contrib["person_id"], dtype=np.int64))
        persons = int(person.max()) + 2 if len(person) else 1
        pairs = pd.unique(key * persons + (person + 1))
        sums["num"] = np.bincount(pairs // persons, minlength=cells).astype(float)
        for col in _COUNT_COLUMNS[1:]:
            sums[col] = np.zeros(cells)
    else:
        for col in _COUNT_COLUMNS:
            if ind.type == "count" and col == "den":
                continue  # missing for counts, filled in below
            values = np.asarray(contrib[col])
            if not values.any():  # most columns of most indicators: nothing to add up
                sums[col] = np.zeros(cells)
                continue
            weights = pick(values).astype(float, copy=False)
            sums[col] = np.bincount(key, weights=weights, minlength=cells)
    if ind.type in ("count", "people"):
        sums["den"] = np.full(cells, np.nan)
    return {
        "council": np.repeat(np.arange(n_councils, dtype=np.int64), span),
        "ordinal": np.tile(np.arange(first, last + 1, dtype=np.int64), n_councils),
        **sums,
    }


def _indicator_columns(ind: Indicator, standards=()) -> list[str]:
    """The columns of its table an indicator reads (with the engine's ``_c`` and ``_p``)."""
    named = [
        ind.period_date,
        ind.active_from,
        ind.active_to,
        ind.start,
        ind.end,
        ind.ended,
        ind.column,
        ind.before,
        ind.after,
        *ind.exclude,
        *(c.column for c in (*ind.where, *ind.numerator)),
        *(s.column for s in (ind.standard, *standards) if s is not None),
        "_c",  # the council, as a number (see with_council_index)
        "_p",
    ]
    return list(dict.fromkeys(c for c in named if c is not None))


def _indicator_records(table: pd.DataFrame, ind: Indicator, standards=()) -> pd.DataFrame:
    """The records the indicator counts: the table filtered by its ``where`` conditions, with
    only the columns it reads (:func:`_indicator_columns`), so that no other column is copied."""
    columns = [c for c in _indicator_columns(ind, standards) if c in table]
    mask = condition_mask(table, ind.where)
    return table[columns] if mask.all() else table.loc[mask, columns]


def _by_period(
    records: pd.DataFrame,
    ind: Indicator,
    freq: str,
    as_at: date,
    outcome: pd.DataFrame | None,
    cache: dict | None = None,
):
    """Contributions with the council, the period ordinal (and person) of each, for one
    frequency; the ordinal is -1 for a record placed in no period (its date missing).

    ``cache`` (a dict kept by the caller for one indicator's records) keeps the contributions of
    each outcome on the events basis, which do not depend on the frequency: worked out once for
    the quarters and the months.
    """
    if ind.basis == "events":
        placed = (
            outcome["deadline"].to_numpy()
            if ind.period_basis == "deadline"
            else records[ind.period_date].to_numpy()
        )
        if cache is None:
            out = _contributions(records, ind, outcome)
        else:
            if id(outcome) not in cache:
                cache[id(outcome)] = (outcome, _contributions(records, ind, outcome))
            out = dict(cache[id(outcome)][1])  # the arrays shared, never changed
        out["ordinal"] = _ordinals(placed, freq)
    else:
        # One row per record and period it counts in, never copying the records themselves:
        # only their contributions, council and person are repeated
        first_v, spans = _open_spans(records, ind, freq, as_at)
        rows = np.repeat(np.arange(len(records)), spans)
        ordinals = first_v[rows] + (
            np.arange(len(rows)) - np.repeat(np.cumsum(spans) - spans, spans)
        )
        if ind.type == "proportion":
            num = _mask_in_periods(records, ind.numerator, rows, ordinals, freq)
            zeros = np.zeros(len(rows))  # one array for every column with nothing in it
            out = {"num": num.astype(float), "den": np.ones(len(rows))} | dict.fromkeys(
                _COUNT_COLUMNS[2:], zeros
            )
        else:
            contrib = _contributions(records, ind, None)
            out = {col: values[rows] for col, values in contrib.items()}
        out["ordinal"] = ordinals
        out["council"] = records["_c"].to_numpy()[rows]
        if ind.type == "people":
            out["person_id"] = records["_p"].to_numpy()[rows]
        return out
    out["council"] = records["_c"].to_numpy()
    if ind.type == "people":
        out["person_id"] = records["_p"].to_numpy()
    return out


def _mask_in_periods(
    records: pd.DataFrame,
    conditions: tuple[Condition, ...],
    rows: np.ndarray,
    ordinals: np.ndarray,
    freq: str,
) -> np.ndarray:
    """:func:`condition_mask` of the records repeated at ``rows``, each in the period
    ``ordinals``: conditions on the record alone are checked once per record, ``by_period_end``
    ones against the last day of each row's period."""
    fixed = tuple(c for c in conditions if c.operator != "by_period_end")
    mask = condition_mask(records, fixed)[rows]
    moving = [c for c in conditions if c.operator == "by_period_end"]
    if moving and len(rows):
        low = int(ordinals.min())
        ends = period_bounds(np.arange(low, int(ordinals.max()) + 1), freq)[1]
        period_end = ends[ordinals - low]
        for c in moving:
            values = records[c.column].to_numpy(dtype="datetime64[D]")[rows]
            missing = np.isnat(values)
            with np.errstate(invalid="ignore"):
                if c.value:
                    mask &= ~missing & (values <= period_end)
                else:
                    mask &= missing | (values > period_end)
    return mask


def _first_ordinal(
    records: pd.DataFrame, ind: Indicator, freq: str, outcome: pd.DataFrame | None
) -> int | None:
    if ind.period_basis == "deadline":
        dates = outcome["deadline"].dropna()
    else:
        column = ind.period_date if ind.basis == "events" else ind.active_from
        dates = records[column].dropna()
    if dates.empty:
        return None
    return int(_ordinals(np.array([dates.min()]), freq)[0])


# --- The engine ----------------------------------------------------------------------------------

_FREQUENCY_WORDS = {code: word for word, code in FREQUENCY_CODES.items()}


def _calendars(defs: Definitions, codes: list[str]) -> dict[str, wd.WorkingCalendar]:
    """Each council's working calendar; councils with the same holidays share one calendar
    object."""
    shared: dict[tuple, wd.WorkingCalendar] = {}
    out = {}
    for code in codes:
        key = defs.holidays.for_council(code)
        if key not in shared:
            shared[key] = wd.council_calendar(defs.holidays, code)
        out[code] = shared[key]
    return out


def _block(grid: dict[str, np.ndarray], council: np.ndarray, level: str) -> dict[str, np.ndarray]:
    """The columns of a grid (see :func:`_grid_sums`), with the area codes and the level."""
    return {
        "level": np.full(len(grid["ordinal"]), level, dtype=object),
        "council": np.asarray(council, dtype=object),
        "ordinal": np.asarray(grid["ordinal"], dtype=np.int64),
        **{col: np.asarray(grid[col], dtype=float) for col in _COUNT_COLUMNS},
    }


def _labelled_block(
    block: dict[str, np.ndarray], ind: Indicator, freq: str, as_at: date, names: dict
) -> dict[str, np.ndarray]:
    """Add period label, start, end, completeness, value and standard deviation to a block of
    rows: every column of :data:`RESULT_COLUMNS` (counts as floats)."""
    ordinals = block.pop("ordinal")
    n = len(ordinals)
    # Each period labelled once: the rows share its label (one text object, not one per row)
    distinct, where = np.unique(ordinals, return_inverse=True)
    labels = np.asarray(periods.ordinal_labels(distinct, freq), dtype=object)[where]
    first, last = (bound[where] for bound in period_bounds(distinct, freq))
    num, den, sq = block.pop("num"), block.pop("den"), block.pop("sq")
    complete = last <= np.datetime64(as_at, "D")
    with np.errstate(divide="ignore", invalid="ignore"):
        if ind.is_proportion:
            value = 100.0 * num / np.where(den > 0, den, np.nan)
        elif ind.type == "average":
            value = num / np.where(den > 0, den, np.nan)
        else:
            value = num.astype(float)
        if ind.type == "average":
            variance = (sq - num**2 / den) / (den - 1)
            std_dev = np.where(den >= 2, np.sqrt(np.clip(variance, 0, None)), np.nan)
        else:
            std_dev = np.full(n, np.nan)
    return block | {
        "indicator": np.full(n, ind.id, dtype=object),
        # Looked up in plain Python: a few thousand rows, not worth a pandas map
        "council_name": np.array([names.get(c, np.nan) for c in block["council"]], dtype=object),
        "frequency": np.full(n, _FREQUENCY_WORDS[freq], dtype=object),
        "period": labels,
        "period_start": first.astype("datetime64[s]"),
        "period_end": last.astype("datetime64[s]"),
        "complete": complete,
        "numerator": num,
        "denominator": den,
        "value": value,
        "std_dev": std_dev,
        "unit": np.full(n, ind.unit, dtype=object),
        "provisional": (block["pending"] > 0) | ~complete,
    }


def _pool_grid(grid: dict[str, np.ndarray], area_of: np.ndarray) -> dict[str, np.ndarray]:
    """Sum council rows into areas (family groups, or Scotland), with numpy.

    ``grid`` holds every council (by position) x the same ordinals, council-major, as
    :func:`_grid_sums` gives; ``area_of`` the area code of each council position (None where it
    is in no area). Rows come by area code, then ordinal, as a sorted group-by gives them. A sum in
    which every value is missing is missing (``min_count=1``); whole numbers sum exactly in any
    order.
    """
    n_councils = len(area_of)
    span = len(grid["ordinal"]) // n_councils if n_councils else 0
    names = sorted({a for a in area_of if a is not None})
    # Which councils make up each area, as a 0/1 matrix: one product sums every column at once
    member = np.array([[a == name for a in area_of] for name in names], dtype=float)
    values = np.stack([np.asarray(grid[col], dtype=float) for col in _COUNT_COLUMNS], axis=1)
    values = values.reshape(n_councils, span * len(_COUNT_COLUMNS))
    missing = np.isnan(values)
    sums = member @ np.where(missing, 0.0, values)
    # A sum in which every value is missing is missing (as a group-by sum with min_count=1)
    all_missing = (member @ (~missing).astype(float)) == 0
    sums[all_missing] = np.nan
    sums = sums.reshape(len(names) * span, len(_COUNT_COLUMNS))
    ordinals = np.asarray(grid["ordinal"], dtype=np.int64)[:span]
    return {
        "council": np.repeat(np.array(names, dtype=object), span),
        "ordinal": np.tile(ordinals, len(names)),
        **{col: sums[:, k] for k, col in enumerate(_COUNT_COLUMNS)},
    }


def _indicator_results(
    ind: Indicator,
    table: pd.DataFrame,
    defs: Definitions,
    calendars: dict,
    as_at: date,
    monthly: bool,
    first_day: date | None = None,
) -> list[pd.DataFrame]:
    """All rows for one indicator: councils (local and national standards), family groups and
    Scotland."""
    codes = np.array([c.code for c in defs.councils], dtype=object)
    ix = list(range(len(codes)))
    local = {i: defs.targets.standard(ind, codes[i]) for i in ix}
    national = {i: defs.targets.standard(ind, None) for i in ix}
    records = _indicator_records(table, ind, (*local.values(), *national.values()))
    differs = [i for i in ix if local[i] != national[i]]
    calendars_ix = {i: calendars[codes[i]] for i in ix}
    outcome_local = outcome_national = None
    if ind.type == "timescale":
        outcome_local = timescale_outcome(records, ind, local, calendars_ix, as_at)
        outcome_national = (
            timescale_outcome(records, ind, national, calendars_ix, as_at)
            if differs
            else outcome_local
        )
    freqs = [FREQUENCY_CODES[ind.frequency]] + (
        ["M"] if ind.type == "timescale" and monthly else []
    )
    family_of = np.array([c.family_group for c in defs.councils], dtype=object)
    scotland_of = np.full(len(codes), SCOTLAND_CODE, dtype=object)
    names = {c.code: c.name for c in defs.councils} | {
        g: d for g, d in defs.councils.family_groups.items()
    }
    names[SCOTLAND_CODE] = "Scotland"
    national_text = ind.standard.describe() if ind.standard else ""
    basis_of = np.array(["local" if i in differs else "national" for i in ix], dtype=object)
    standard_of = np.array([local[i].describe() if local[i] else "" for i in ix], dtype=object)
    title_of = np.array([ind.title_for(local[i]) for i in ix], dtype=object)
    frames = []
    cache: dict = {}  # contributions of each outcome, for every frequency (see _by_period)
    for freq in freqs:
        first = _first_ordinal(records, ind, freq, outcome_local)
        if first is None:
            continue
        if first_day is not None:
            first = max(first, _as_at_ordinal(first_day, freq))
        last = max(_as_at_ordinal(as_at, freq), first)

        span = (len(ix), first, last)
        if ind.type == "people" and ind.basis != "events":
            grid_local = _people_grid(records, ind, freq, as_at, *span)
        else:
            grid_local = _grid_sums(
                _by_period(records, ind, freq, as_at, outcome_local, cache), *span, ind
            )
        grid_national = grid_local
        if differs:
            grid_national = _grid_sums(
                _by_period(records, ind, freq, as_at, outcome_national, cache), *span, ind
            )
        pooled_parts = [_pool_grid(grid_national, area) for area in (family_of, scotland_of)]
        where = np.asarray(grid_local["council"], dtype=np.int64)
        blocks = [
            _block(grid_local, codes[where], LEVEL_COUNCIL)
            | {"basis": basis_of[where], "standard": standard_of[where], "title": title_of[where]}
        ]
        if differs:
            kept = np.isin(np.asarray(grid_national["council"], dtype=np.int64), differs)
            extra = {col: values[kept] for col, values in grid_national.items()}
            where = extra["council"]
            blocks.append(_block(extra, codes[where], LEVEL_COUNCIL))
        for level, pooled in zip((LEVEL_FAMILY, LEVEL_SCOTLAND), pooled_parts):
            if ind.type in ("count", "people"):
                pooled["den"] = np.full(len(pooled["ordinal"]), np.nan)
            blocks.append(_block(pooled, pooled["council"], level))
        for block in blocks[1:]:
            n = len(block["ordinal"])
            block |= {
                "basis": np.full(n, "national", dtype=object),
                "standard": np.full(n, national_text, dtype=object),
                "title": np.full(n, ind.title_for(), dtype=object),
            }
        block = {col: np.concatenate([b[col] for b in blocks]) for col in blocks[0]}
        frames.append(_labelled_block(block, ind, freq, as_at, names))
    return frames


def compute_indicators(
    tables: dict[str, pd.DataFrame],
    defs: Definitions,
    as_at: date,
    *,
    monthly: bool = True,
    indicators: list[str] | None = None,
    first_day: date | None = None,
) -> pd.DataFrame:
    """Compute every indicator for every council, family group and Scotland, in one pass.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Validated tables (``jswlib.data.extract.load_extract(...).tables``).
    defs : Definitions
        Catalogue, councils, targets (standards) and holiday rules.
    as_at : datetime.date
        The extract date: periods after it are not reported; events still due after it are pending.
    monthly : bool, default True
        Also give monthly figures for the timescale indicators (for statistical process control).
    indicators : list of str, optional
        Only these indicator ids (default: every computable indicator).
    first_day : datetime.date, optional
        The first day of the reported period: no period ending before it is reported. Records
        that started earlier still count where they belong to a reported period (an order open
        in it, a deadline falling in it). Default: from the first period with data.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`RESULT_COLUMNS`: one row per level, area, indicator, frequency and
        period. ``numerator``/``denominator`` are whole numbers (the denominator is missing for
        counts), ``value`` is a percentage, a mean or a count as ``unit`` says.

    Notes
    -----
    See the module docstring for the conventions (periods, exclusions, pending, standards,
    pooling). Indicators whose table is empty or not supplied give no rows.
    """
    blocks = indicator_blocks(
        tables, defs, as_at, monthly=monthly, indicators=indicators, first_day=first_day
    )
    return results_frame([block for found in blocks.values() for block in found])


def chosen_indicators(defs: Definitions, indicators: list[str] | None = None) -> list[Indicator]:
    """The indicators ``indicators`` names (default: every computable one), in the order given."""
    return (
        [defs.catalogue.get(i) for i in indicators] if indicators else defs.catalogue.computable()
    )


def indicator_blocks(
    tables: dict[str, pd.DataFrame],
    defs: Definitions,
    as_at: date,
    *,
    monthly: bool = True,
    indicators: list[str] | None = None,
    first_day: date | None = None,
) -> dict[str, list[dict[str, np.ndarray]]]:
    """The results of each indicator as blocks of columns, before they are joined into one table.

    The first step of :func:`compute_indicators` (same parameters): an indicator whose table is
    not in ``tables``, or is empty, is left out. Each indicator needs its own table only, so
    the blocks of different tables can be computed apart (in different processes) and joined by
    :func:`results_frame` in the order of :func:`chosen_indicators`, giving the same table as
    :func:`compute_indicators`.

    Returns
    -------
    dict of str to list of dict
        Per indicator id, in the order of ``indicators`` (or the catalogue), its blocks: one per
        frequency, each a dict of :data:`RESULT_COLUMNS` to arrays.
    """
    chosen = [ind for ind in chosen_indicators(defs, indicators) if ind.table in tables]
    codes = [c.code for c in defs.councils]
    people = {ind.table for ind in chosen if ind.type == "people"}
    used = {ind.table for ind in chosen}
    tables = {name: frame for name, frame in tables.items() if name in used}
    tables = with_council_index(with_derived_columns(tables), codes, people)
    calendars = _calendars(defs, codes)
    blocks = {}
    for ind in chosen:
        table = tables[ind.table]
        if not table.empty:
            blocks[ind.id] = _indicator_results(
                ind, table, defs, calendars, as_at, monthly, first_day
            )
    return blocks


def results_frame(blocks: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """Blocks of :func:`indicator_blocks` joined into the results table (:data:`RESULT_COLUMNS`),
    in the order given. The blocks are emptied as they are joined."""
    if not blocks:
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    counts = ("numerator", "denominator", "excluded", *_REASON_COLUMNS, "pending")
    columns = {}
    for col in RESULT_COLUMNS:  # column by column, each block's part let go once joined
        values = np.concatenate([b.pop(col) for b in blocks])
        if col in counts:
            values = np.round(values)
            missing = np.isnan(values)
            columns[col] = pd.arrays.IntegerArray(
                np.where(missing, 0, values).astype(np.int64), missing
            )
        else:
            columns[col] = pd.Series(values, copy=False)  # text as pandas' string dtype
    return pd.DataFrame(columns, copy=False)


#: Columns of :func:`pooled_windows`, in order.
WINDOW_COLUMNS = (
    "level",
    "council",
    "indicator",
    "basis",
    "frequency",
    "first_period",
    "period",
    "numerator",
    "denominator",
    "value",
    "std_dev",
    "provisional",
    "previous_first_period",
    "previous_period",
    "previous_numerator",
    "previous_denominator",
    "previous_value",
    "previous_std_dev",
    "previous_provisional",
)


def pooled_windows(
    results: pd.DataFrame, catalogue: Catalogue, n: int = 4, frequency: str = "quarterly"
) -> pd.DataFrame:
    """The last ``n`` periods pooled, ending at each period, with the ``n`` periods before them.

    Parameters
    ----------
    results : pandas.DataFrame
        Rows of :func:`compute_indicators`.
    catalogue : Catalogue
        To know each indicator's type.
    n : int, default 4
        Periods per window: the last four quarters against the four before.
    frequency : str, default "quarterly"
        The frequency of the rows pooled.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`WINDOW_COLUMNS`, one row per series (level, area, indicator, basis)
        and period that ends a full window: numerators and denominators summed over the window,
        the value recomputed from the sums, ``provisional`` when any period in the window is, and
        the same for the window before (missing when there are not ``2 n`` periods).

    Raises
    ------
    ValueError
        When ``n`` is less than 1.

    Notes
    -----
    Pooled from counts, never averaged from values (docs/method.md, "Direction of travel"). An
    average is pooled from its sums, counts and the sums of squares recovered from each period's
    standard deviation. Counts of distinct people cannot be added across periods (a person on an
    order all year would be counted four times): their pooled values are missing.
    """
    if n < 1:
        raise ValueError(f"n must be 1 or more, got {n}")
    keys = ["level", "council", "indicator", "basis", "frequency"]
    rows = results[results["frequency"] == frequency].sort_values([*keys, "period_start"])
    types = rows["indicator"].map({i.id: i.type for i in catalogue})
    num = rows["numerator"].astype(float)
    den = rows["denominator"].astype(float)
    with np.errstate(invalid="ignore"):
        squares = ((den - 1) * rows["std_dev"].astype(float) ** 2).fillna(0) + np.where(
            den > 0, num**2 / den, 0.0
        )
    frame = pd.DataFrame(
        {
            "num": num.where(types != "people"),
            "den": den,
            "sq": squares.where(types == "average"),
            "prov": rows["provisional"].astype(float),
        },
        index=rows.index,
    )
    grouped = frame.groupby([rows[k] for k in keys], sort=False)
    summed = grouped.rolling(n, min_periods=n).sum().reset_index(level=keys, drop=True)
    summed = summed.reindex(rows.index)
    first = rows.groupby(keys, sort=False)["period"].shift(n - 1)
    out = rows[keys].copy()
    out["first_period"] = first
    out["period"] = rows["period"]
    out["numerator"] = summed["num"]
    out["denominator"] = summed["den"].where(~types.isin(["count", "people"]))
    out["value"] = np.nan
    prop = types.isin(["proportion", "timescale", "before_after"])
    with np.errstate(divide="ignore", invalid="ignore"):
        out.loc[prop, "value"] = 100.0 * summed["num"] / summed["den"].where(summed["den"] > 0)
        avg = types == "average"
        out.loc[avg, "value"] = summed["num"] / summed["den"].where(summed["den"] > 0)
        counted = types.isin(["count", "sum"])
        out.loc[counted, "value"] = summed["num"]
    out["std_dev"] = np.where(avg, _std_dev(summed["num"], summed["den"], summed["sq"]), np.nan)
    out["provisional"] = summed["prov"] > 0
    out = out[first.notna()]
    shifted = out.groupby(keys, sort=False)[
        ["first_period", "period", "numerator", "denominator", "value", "std_dev", "provisional"]
    ].shift(n)
    for col in shifted.columns:
        out[f"previous_{col}"] = shifted[col]
    out["previous_provisional"] = out["previous_provisional"].astype("boolean")
    for col in ("numerator", "denominator", "previous_numerator", "previous_denominator"):
        out[col] = out[col].round().astype("Int64")
    return out[list(WINDOW_COLUMNS)].reset_index(drop=True)


def load_definitions(params: str | None = None) -> Definitions:
    """Load the catalogue, councils, targets and holiday rules from a params folder (checked on
    load).

    Raises
    ------
    jswlib.definitions.params.ParamsError
        Naming the file and key of the first problem.
    """
    from jswlib.definitions.catalogue import load_catalogue, load_targets
    from jswlib.definitions.params import load_councils, load_holiday_rules
    from jswlib.definitions.rag_schemes import validate_rag_scheme

    councils = load_councils(params)
    catalogue = load_catalogue(params)
    targets = load_targets(
        params, councils=councils, catalogue=catalogue, validate_scheme=validate_rag_scheme
    )
    return Definitions(catalogue, councils, targets, load_holiday_rules(params, councils=councils))
