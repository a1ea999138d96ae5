"""Scottish working days and timescale checks, vectorised over whole columns.

The national Justice Social Work statistics count several timescales in *working days* from the
date an order is imposed (for example "first contact within 1 working day", "induction within 5
working days"), and others in calendar days or calendar months. This module gives:

- :func:`scottish_bank_holidays`: the Scottish bank holidays from the ``holidays`` package
  (``subdiv="SCT"``);
- :class:`WorkingCalendar`: an immutable Monday-to-Friday calendar of those holidays, adjusted with
  national and council ``add``/``remove`` lists of dates (read from ``params/holidays.yaml`` by
  other modules: this module never touches disk);
- :func:`working_days_elapsed` and :func:`within_working_days`: the working-day convention below;
- :func:`within_calendar_days`, :func:`within_calendar_months` and :func:`add_calendar_months`: the
  calendar-time standards.

Working-day convention
----------------------
The start day (the date the order is imposed) is day 0. A start on a weekend or holiday is first
rolled forward to the next working day, which becomes day 0. The number of working days elapsed at
an event is the number of working days ``d`` with ``rolled_start <= d < end``, that is
``numpy.busday_count(rolled_start, end)`` (which counts the half-open interval ``[begin, end)``),
floored at 0. Consequences:

- an event on the same working day as the start has 0 elapsed, so it meets a 1-working-day
  standard;
- an event on the Nth working day after the start has N elapsed, so it meets an N-working-day
  standard ("within N working days" means elapsed <= N);
- an event on a weekend or holiday has the same count as an event on the next working day would
  have (no working day is passed between them);
- an event before the (rolled) start counts 0; such rows are a data-quality matter for validation.

All functions take pandas Series of ``datetime64`` of any resolution (with ``NaT`` for missing
dates), or lists/arrays of dates or ISO strings (converted with :func:`pandas.to_datetime`), keep
the index of the input Series, ignore any time of day, and return nullable results
(``Int64``/``boolean``) with ``<NA>`` wherever a date is missing: a missing date never becomes a
made-up number.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import holidays as _holidays_pkg
import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_FIRST_YEAR",
    "DEFAULT_LAST_YEAR",
    "WorkingCalendar",
    "add_calendar_months",
    "council_calendar",
    "scottish_bank_holidays",
    "within_calendar_days",
    "within_calendar_months",
    "within_working_days",
    "working_day_deadline",
    "working_days_elapsed",
]

#: First year covered by a :class:`WorkingCalendar` unless told otherwise.
DEFAULT_FIRST_YEAR = 1990
#: Last year covered by a :class:`WorkingCalendar` unless told otherwise.
DEFAULT_LAST_YEAR = 2045

_WEEKMASK = "1111100"  # Monday to Friday


# -------------------------------------------------------------------------------------------------
# Conversion helpers
# -------------------------------------------------------------------------------------------------


def _is_scalar(value: Any) -> bool:
    """Whether ``value`` is a single date-like value (or a missing scalar) rather than a column."""
    return value is None or pd.api.types.is_scalar(value)


def _as_datetime_series(values: Any, name: str = "dates") -> pd.Series:
    """Convert a Series, list or array of dates/strings to a Series of tz-naive ``datetime64``
    dates.

    The index of an input Series is kept (as is any time of day: callers truncate to days);
    tz-aware values are converted to their local wall-clock time.
    """
    if isinstance(values, pd.DataFrame):
        raise TypeError(f"{name} must be a Series or a list of dates, not a DataFrame")
    if isinstance(values, pd.Series):
        series = values
        if not (pd.api.types.is_datetime64_any_dtype(series.dtype)):
            series = pd.to_datetime(series)
    else:
        series = pd.Series(pd.to_datetime(values))
    if getattr(series.dtype, "tz", None) is not None:
        series = series.dt.tz_localize(None)
    return series


def _day_array(series: pd.Series) -> np.ndarray:
    """Return the ``datetime64[D]`` numpy array of a Series made by :func:`_as_datetime_series`."""
    return series.to_numpy().astype("datetime64[D]")


def _as_day(value: Any) -> np.datetime64:
    """Convert one date-like scalar to ``numpy.datetime64[D]`` (``NaT`` when missing)."""
    stamp = pd.Timestamp(value) if not (value is None or pd.isna(value)) else pd.NaT
    if stamp is pd.NaT:
        return np.datetime64("NaT", "D")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return np.datetime64(stamp.date(), "D")


def _pair(start: Any, end: Any) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Convert ``start`` and ``end`` to aligned ``datetime64[D]`` arrays and the index of the
    result.

    A scalar is broadcast against the other argument; two Series must share the same index.
    """
    start_scalar, end_scalar = _is_scalar(start), _is_scalar(end)
    if start_scalar and end_scalar:
        return pd.RangeIndex(1), np.array([_as_day(start)]), np.array([_as_day(end)])
    if start_scalar:
        end_s = _as_datetime_series(end, "end")
        return end_s.index, np.full(len(end_s), _as_day(start)), _day_array(end_s)
    if end_scalar:
        start_s = _as_datetime_series(start, "start")
        return start_s.index, _day_array(start_s), np.full(len(start_s), _as_day(end))
    start_s = _as_datetime_series(start, "start")
    end_s = _as_datetime_series(end, "end")
    if len(start_s) != len(end_s):
        raise ValueError(
            f"start and end must have the same length, got {len(start_s)} and {len(end_s)}"
        )
    if isinstance(start, pd.Series) and isinstance(end, pd.Series):
        if not start.index.equals(end.index):
            raise ValueError("start and end Series must have the same index (align them first)")
        index = start.index
    elif isinstance(end, pd.Series):
        index = end.index
    else:
        index = start_s.index
    return index, _day_array(start_s), _day_array(end_s)


def _check_n(n: Any, what: str) -> int:
    """Validate a standard's length: a non-negative integer."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{what} must be an integer, got {n!r}")
    if n < 0:
        raise ValueError(f"{what} must be >= 0, got {n}")
    return int(n)


def _to_date(value: Any) -> _dt.date:
    """Convert a date-like value (date, datetime, Timestamp, ISO string) to
    :class:`datetime.date`."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        raise ValueError("holiday dates must not be missing")
    return pd.Timestamp(value).date()


# -------------------------------------------------------------------------------------------------
# Holidays and the working calendar
# -------------------------------------------------------------------------------------------------


def scottish_bank_holidays(first_year: int, last_year: int) -> list[_dt.date]:
    """Return the Scottish bank holidays of ``first_year`` to ``last_year`` inclusive, sorted.

    Parameters
    ----------
    first_year, last_year : int
        Inclusive range of calendar years.

    Returns
    -------
    list of datetime.date
        Sorted, without duplicates. Both the nominal date of a holiday falling at a weekend and its
        substitute weekday are listed (for example Sunday 30 November 2025 and Monday 1 December
        2025); the weekend date is harmless in a Monday-to-Friday calendar.

    Raises
    ------
    TypeError
        If a year is not an integer.
    ValueError
        If ``first_year > last_year``.

    Notes
    -----
    Source: the ``holidays`` package, ``holidays.country_holidays("GB", subdiv="SCT", years=...)``.
    Without ``subdiv="SCT"`` only the UK-wide days come back (no 2 January, no St Andrew's Day, and
    the England-only Easter Monday and late-August Monday instead). Scottish bank holidays are 1
    and 2 January, Good Friday, the first and last Mondays in May, the first Monday in August, St
    Andrew's Day (30 November, or the following Monday when it falls at a weekend), Christmas Day
    and Boxing Day, with substitute days when they fall at weekends, plus one-off days (the package
    lists 15 June 2026). Easter Monday is *not* a Scottish bank holiday. Local council holidays are
    not included: add them with :meth:`WorkingCalendar.scottish`.

    Examples
    --------
    >>> days = scottish_bank_holidays(2025, 2025)
    >>> import datetime
    >>> datetime.date(2025, 1, 2) in days      # 2 January: Scotland only
    True
    >>> datetime.date(2025, 4, 21) in days     # Easter Monday: England and Wales only
    False
    >>> datetime.date(2025, 12, 1) in days     # St Andrew's Day substitute (30 Nov 2025 is a Sunday)
    True
    """
    for name, year in (("first_year", first_year), ("last_year", last_year)):
        if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
            raise TypeError(f"{name} must be an integer, got {year!r}")
    if first_year > last_year:
        raise ValueError(f"first_year ({first_year}) must not be after last_year ({last_year})")
    found = _holidays_pkg.country_holidays(
        "GB", subdiv="SCT", years=range(int(first_year), int(last_year) + 1)
    )
    return sorted(set(found.keys()))


@dataclass(frozen=True)
class WorkingCalendar:
    """An immutable Monday-to-Friday working calendar of Scottish bank holidays with local
    adjustments.

    Build one with :meth:`WorkingCalendar.scottish`; the constructor takes the same arguments
    (``add`` and ``remove`` are converted to sorted tuples of :class:`datetime.date`).

    Parameters
    ----------
    add : iterable of date-like, default ()
        Extra non-working days (national additions and council local holidays such as spring and
        September weekends or Glasgow Fair).
    remove : iterable of date-like, default ()
        Days listed as holidays that were in fact worked (for example the one-off 15 June 2026).
        ``remove`` wins over ``add`` and over the national list.
    first_year, last_year : int, default 1990 and 2045
        Inclusive range of years covered.
    bank_holidays : bool, default True
        Whether to start from the Scottish bank holidays; ``False`` gives a calendar of ``add``
        only.

    Raises
    ------
    TypeError
        If a year is not an integer.
    ValueError
        If ``first_year > last_year``, or a date in ``add``/``remove`` is missing or cannot be
        parsed.

    Notes
    -----
    The holiday list is built lazily, on first use, and cached on the instance: nothing is computed
    at import or construction. Dates outside ``first_year``-01-01 to ``last_year``-12-31 raise
    ``ValueError`` when asked about, rather than being silently treated as holiday-free. Holidays
    of ``last_year + 1`` are also loaded internally so that rolling forward from the last days of
    the range is right. ``add`` and ``remove`` dates outside the loaded years are ignored (they
    cannot affect any allowed query).

    Examples
    --------
    >>> import datetime
    >>> cal = WorkingCalendar.scottish(add=[datetime.date(2025, 7, 21)])  # a local holiday
    >>> cal.is_working_day(datetime.date(2025, 7, 21))
    False
    >>> cal.is_working_day("2025-04-21")   # Easter Monday is worked in Scotland
    True
    >>> cal.roll_forward(datetime.date(2025, 12, 25))   # Christmas, Boxing Day, weekend -> Monday
    Timestamp('2025-12-29 00:00:00')
    """

    add: tuple[_dt.date, ...] = field(default=())
    remove: tuple[_dt.date, ...] = field(default=())
    first_year: int = DEFAULT_FIRST_YEAR
    last_year: int = DEFAULT_LAST_YEAR
    bank_holidays: bool = True

    def __post_init__(self) -> None:
        for name in ("first_year", "last_year"):
            year = getattr(self, name)
            if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
                raise TypeError(f"{name} must be an integer, got {year!r}")
            object.__setattr__(self, name, int(year))
        if self.first_year > self.last_year:
            raise ValueError(
                f"first_year ({self.first_year}) must not be after last_year ({self.last_year})"
            )
        for name in ("add", "remove"):
            values = getattr(self, name)
            if isinstance(values, (str, _dt.date)):
                values = (values,)
            object.__setattr__(self, name, tuple(sorted({_to_date(v) for v in values})))

    @classmethod
    def scottish(
        cls,
        add: Iterable[Any] = (),
        remove: Iterable[Any] = (),
        first_year: int = DEFAULT_FIRST_YEAR,
        last_year: int = DEFAULT_LAST_YEAR,
    ) -> WorkingCalendar:
        """Build the calendar of Scottish bank holidays, plus ``add`` and minus ``remove``.

        Parameters
        ----------
        add : iterable of date-like, default ()
            Extra non-working days: the national ``add`` list and the council's local holidays.
        remove : iterable of date-like, default ()
            Listed holidays that were worked: the national and council ``remove`` lists.
        first_year, last_year : int, default 1990 and 2045
            Inclusive range of years covered.

        Returns
        -------
        WorkingCalendar

        Raises
        ------
        TypeError, ValueError
            As for :class:`WorkingCalendar`.

        Notes
        -----
        Pass plain dates (for instance the lists read from ``params/holidays.yaml`` by
        ``jswlib.core.io``): this module does not read files. Combine national and council lists by
        concatenating them.

        Examples
        --------
        >>> import datetime
        >>> cal = WorkingCalendar.scottish(remove=[datetime.date(2026, 6, 15)])
        >>> cal.is_working_day(datetime.date(2026, 6, 15))
        True
        """
        return cls(
            add=tuple(add), remove=tuple(remove), first_year=first_year, last_year=last_year
        )

    # ---- lazily built, cached per instance ------------------------------------------------------

    @cached_property
    def _loaded_holidays(self) -> tuple[_dt.date, ...]:
        """All holidays of ``first_year`` to ``last_year + 1`` (the extra year is for rolling
        forward)."""
        last_loaded = self.last_year + 1
        days = (
            set(scottish_bank_holidays(self.first_year, last_loaded))
            if self.bank_holidays
            else set()
        )
        days |= {d for d in self.add if self.first_year <= d.year <= last_loaded}
        days -= set(self.remove)
        return tuple(sorted(days))

    @cached_property
    def busdaycalendar(self) -> np.busdaycalendar:
        """The ``numpy.busdaycalendar`` (weekmask Monday to Friday, the holidays) used by the
        functions."""
        return np.busdaycalendar(
            weekmask=_WEEKMASK, holidays=np.array(self._loaded_holidays, dtype="datetime64[D]")
        )

    @property
    def holidays(self) -> tuple[_dt.date, ...]:
        """Sorted tuple of the holidays in the covered years, including weekend-dated ones."""
        return tuple(d for d in self._loaded_holidays if d.year <= self.last_year)

    @property
    def first_day(self) -> _dt.date:
        """First date covered (1 January of ``first_year``)."""
        return _dt.date(self.first_year, 1, 1)

    @property
    def last_day(self) -> _dt.date:
        """Last date covered (31 December of ``last_year``)."""
        return _dt.date(self.last_year, 12, 31)

    def _check_covered(self, days: np.ndarray) -> None:
        """Raise ``ValueError`` if a non-missing ``datetime64[D]`` value lies outside the covered
        years."""
        present = days[~np.isnat(days)]
        if present.size == 0:
            return
        low, high = present.min(), present.max()
        if low < np.datetime64(self.first_day, "D") or high > np.datetime64(self.last_day, "D"):
            raise ValueError(
                f"dates from {low} to {high} are outside the years covered by this "
                f"WorkingCalendar ({self.first_year}-{self.last_year}); build one with a wider "
                "first_year/last_year"
            )

    # ---- queries --------------------------------------------------------------------------------

    def is_working_day(self, dates: Any) -> Any:
        """Whether each date is a working day (Monday to Friday and not a holiday).

        Parameters
        ----------
        dates : date-like scalar, Series, or list of date-likes
            Dates to test; any time of day is ignored.

        Returns
        -------
        bool or pandas.NA, or pandas.Series of dtype ``boolean``
            A scalar for a scalar (``pd.NA`` when missing); otherwise a nullable boolean Series
            with the index of the input Series (a fresh ``RangeIndex`` for lists), ``<NA>`` where a
            date is missing.

        Raises
        ------
        ValueError
            If a date lies outside the covered years, or cannot be parsed.

        Notes
        -----
        Uses ``numpy.is_busday`` with this calendar's ``busdaycalendar``.

        Examples
        --------
        >>> cal = WorkingCalendar.scottish()
        >>> cal.is_working_day(["2025-01-02", "2025-01-03", None])   # Thu holiday, Fri, missing
        0    False
        1     True
        2     <NA>
        dtype: boolean
        """
        if _is_scalar(dates):
            day = np.array([_as_day(dates)])
            if np.isnat(day[0]):
                return pd.NA
            self._check_covered(day)
            return bool(np.is_busday(day, busdaycal=self.busdaycalendar)[0])
        series = _as_datetime_series(dates)
        days = _day_array(series)
        self._check_covered(days)
        missing = np.isnat(days)
        values = np.zeros(len(days), dtype=bool)
        values[~missing] = np.is_busday(days[~missing], busdaycal=self.busdaycalendar)
        return pd.Series(pd.arrays.BooleanArray(values, missing), index=series.index)

    def roll_forward(self, dates: Any) -> Any:
        """Move each date to the next working day, or keep it when it is a working day.

        Parameters
        ----------
        dates : date-like scalar, Series, or list of date-likes
            Dates to roll; any time of day is dropped.

        Returns
        -------
        pandas.Timestamp, or pandas.Series of ``datetime64``
            A Timestamp (``NaT`` when missing) for a scalar; otherwise a Series with the input's
            index and datetime resolution, ``NaT`` where a date is missing.

        Raises
        ------
        ValueError
            If a date lies outside the covered years, or cannot be parsed.

        Notes
        -----
        Uses ``numpy.busday_offset(dates, 0, roll="forward")``. This is how a start date on a
        weekend or holiday becomes day 0 of a working-day timescale.

        Examples
        --------
        >>> cal = WorkingCalendar.scottish()
        >>> cal.roll_forward(pd.Series(pd.to_datetime(["2025-05-02", "2025-05-03", None])))
        0   2025-05-02
        1   2025-05-06
        2          NaT
        dtype: datetime64[us]
        """
        if _is_scalar(dates):
            day = np.array([_as_day(dates)])
            if np.isnat(day[0]):
                return pd.NaT
            self._check_covered(day)
            return pd.Timestamp(
                np.busday_offset(day, 0, roll="forward", busdaycal=self.busdaycalendar)[0]
            )
        series = _as_datetime_series(dates)
        days = _day_array(series)
        self._check_covered(days)
        rolled = days.copy()
        present = ~np.isnat(days)
        rolled[present] = np.busday_offset(
            days[present], 0, roll="forward", busdaycal=self.busdaycalendar
        )
        unit = np.datetime_data(series.to_numpy().dtype)[0]
        return pd.Series(
            rolled.astype(f"datetime64[{unit}]"), index=series.index, name=series.name
        )


# -------------------------------------------------------------------------------------------------
# Working-day timescales
# -------------------------------------------------------------------------------------------------


def working_days_elapsed(start: Any, end: Any, calendar: WorkingCalendar) -> pd.Series:
    """Count the working days elapsed from ``start`` (day 0) to ``end``, row by row, vectorised.

    Parameters
    ----------
    start : Series of datetime64, list of date-likes, or a date-like scalar
        Start dates (for example the date the order was imposed). ``NaT``/``None`` for missing.
    end : Series of datetime64, list of date-likes, or a date-like scalar
        Event dates (for example the first contact). A scalar is broadcast against the other
        argument.
    calendar : WorkingCalendar
        The working days, e.g. ``WorkingCalendar.scottish(add=local_holidays)``.

    Returns
    -------
    pandas.Series of dtype ``Int64``
        Working days elapsed, ``<NA>`` where ``start`` or ``end`` is missing. The index is that of
        the input Series (``start``'s when both are Series; a ``RangeIndex`` for lists; length 1
        for two scalars).

    Raises
    ------
    TypeError
        If ``calendar`` is not a :class:`WorkingCalendar`.
    ValueError
        If the lengths or the indexes of ``start`` and ``end`` differ, a date cannot be parsed, or
        a date lies outside the years the calendar covers.

    Notes
    -----
    Convention: the start day is day 0; a start on a weekend or holiday is rolled forward to the
    next working day, which is day 0. The result is the number of working days ``d`` with
    ``rolled_start <= d < end``, i.e. ``numpy.busday_count(rolled_start, end)`` on the half-open
    interval ``[rolled_start, end)``, floored at 0. So a same-day event counts 0, an event on the
    Nth working day after the start counts N, an event on a weekend or holiday counts the same as
    the next working day would, and an event before the rolled start counts 0. Source: the
    timescale definitions of the national Justice Social Work statistics (working days from the
    date the order is imposed), as set out in the project's domain notes.

    Examples
    --------
    Imposed Friday 2 May 2025; Monday 5 May 2025 is the May Day holiday:

    >>> cal = WorkingCalendar.scottish()
    >>> start = pd.Series(pd.to_datetime(["2025-05-02"] * 4 + [None]), index=list("abcde"))
    >>> end = pd.Series(pd.to_datetime(["2025-05-02", "2025-05-05", "2025-05-06", "2025-05-07",
    ...                                 "2025-05-07"]), index=list("abcde"))
    >>> working_days_elapsed(start, end, cal)
    a       0
    b       1
    c       1
    d       2
    e    <NA>
    dtype: Int64
    """
    if not isinstance(calendar, WorkingCalendar):
        raise TypeError(f"calendar must be a WorkingCalendar, got {type(calendar).__name__}")
    index, start_days, end_days = _pair(start, end)
    calendar._check_covered(start_days)
    calendar._check_covered(end_days)
    missing = np.isnat(start_days) | np.isnat(end_days)
    present = ~missing
    counts = np.zeros(len(start_days), dtype=np.int64)
    if present.any():
        cal = calendar.busdaycalendar
        rolled = np.busday_offset(start_days[present], 0, roll="forward", busdaycal=cal)
        counts[present] = np.maximum(np.busday_count(rolled, end_days[present], busdaycal=cal), 0)
    return pd.Series(pd.arrays.IntegerArray(counts, missing), index=index)


def within_working_days(start: Any, end: Any, n: int, calendar: WorkingCalendar) -> pd.Series:
    """Whether each event happened within ``n`` working days of its start (elapsed <= ``n``).

    Parameters
    ----------
    start, end : Series of datetime64, list of date-likes, or a date-like scalar
        As for :func:`working_days_elapsed`.
    n : int
        The standard, in working days (>= 0).
    calendar : WorkingCalendar
        The working days.

    Returns
    -------
    pandas.Series of dtype ``boolean``
        True when :func:`working_days_elapsed` ``<= n``; ``<NA>`` where ``start`` or ``end`` is
        missing. Index as for :func:`working_days_elapsed`.

    Raises
    ------
    TypeError
        If ``n`` is not an integer or ``calendar`` is not a :class:`WorkingCalendar`.
    ValueError
        If ``n < 0``, or as for :func:`working_days_elapsed`.

    Notes
    -----
    With the start day as day 0 (see :func:`working_days_elapsed`), a same-day event meets a
    1-working-day standard and an event on the Nth working day after the start meets an
    N-working-day standard. Source: the national Justice Social Work statistics timescales, as set
    out in the project's domain notes.

    Examples
    --------
    Imposed Wednesday 24 December 2025 (day 0); 25, 26 December and 1, 2 January are holidays, so
    29, 30, 31 December are days 1 to 3 and Monday 5 January 2026 is day 4:

    >>> cal = WorkingCalendar.scottish()
    >>> within_working_days("2025-12-24", ["2025-12-31", "2026-01-05", "2026-01-06"], 4, cal)
    0     True
    1     True
    2    False
    dtype: boolean
    """
    n = _check_n(n, "n")
    elapsed = working_days_elapsed(start, end, calendar)
    return elapsed <= n


def working_day_deadline(start: Any, n: int, calendar: WorkingCalendar) -> pd.Series:
    """The last date that meets an ``n``-working-day standard: the Nth working day after the start.

    Parameters
    ----------
    start : Series of datetime64, or list of date-likes
        Start dates; ``NaT``/``None`` for missing.
    n : int
        The standard, in working days (>= 0).
    calendar : WorkingCalendar
        The working days.

    Returns
    -------
    pandas.Series of ``datetime64[ns]``
        The deadlines, with the input's index; ``NaT`` where ``start`` is missing.

    Raises
    ------
    TypeError
        If ``n`` is not an integer or ``calendar`` is not a :class:`WorkingCalendar`.
    ValueError
        If ``n < 0``, a date cannot be parsed, or lies outside the years the calendar covers.

    Notes
    -----
    The same convention as :func:`within_working_days`: the (rolled) start is day 0, so the
    deadline is ``numpy.busday_offset(rolled_start, n)``, and an event meets the standard exactly
    when it falls on or before the deadline.

    Examples
    --------
    Imposed Wednesday 24 December 2025 (day 0); 25, 26 December and 1, 2 January are holidays, so
    day 4 is Monday 5 January. Imposed Saturday 27 December: day 0 is Monday 29 December, day 4
    is Tuesday 6 January:

    >>> cal = WorkingCalendar.scottish()
    >>> working_day_deadline(["2025-12-24", "2025-12-27", None], 4, cal).dt.strftime("%d %b").tolist()
    ['05 Jan', '06 Jan', nan]
    """
    if not isinstance(calendar, WorkingCalendar):
        raise TypeError(f"calendar must be a WorkingCalendar, got {type(calendar).__name__}")
    n = _check_n(n, "n")
    series = _as_datetime_series(start)
    days = _day_array(series)
    calendar._check_covered(days)
    out = np.full(len(days), np.datetime64("NaT"), dtype="datetime64[D]")
    present = ~np.isnat(days)
    if present.any():
        out[present] = _deadlines(days[present], n, calendar.busdaycalendar)
    return pd.Series(out.astype("datetime64[ns]"), index=series.index)


def _deadlines(days: np.ndarray, n: int, cal: np.busdaycalendar) -> np.ndarray:
    """Day ``n`` of each start day (``datetime64[D]``, none missing): rolled forward to a working
    day, then ``n`` working days on.

    When there are many more days than the span they cover (millions of records started on a few
    thousand days), each day of the span is worked out once and the days looked up in that table:
    the same values, without numpy's calendar arithmetic on every record.
    """
    number = days.view(np.int64)
    low, high = int(number.min()), int(number.max())
    if high - low + 1 < len(days) // 4:
        span = np.arange(low, high + 1).astype("datetime64[D]")
        rolled = np.busday_offset(span, 0, roll="forward", busdaycal=cal)
        return np.busday_offset(rolled, n, busdaycal=cal)[number - low]
    rolled = np.busday_offset(days, 0, roll="forward", busdaycal=cal)
    return np.busday_offset(rolled, n, busdaycal=cal)


# -------------------------------------------------------------------------------------------------
# Calendar-time timescales
# -------------------------------------------------------------------------------------------------


def add_calendar_months(dates: Any, n: int) -> pd.Series:
    """Add ``n`` calendar months to each date, clipping to the end of shorter months (vectorised).

    Parameters
    ----------
    dates : Series of datetime64, or list of date-likes
        Start dates; any time of day is dropped.
    n : int
        Number of months to add (may be negative).

    Returns
    -------
    pandas.Series of ``datetime64``
        The deadlines, with the input's index and resolution; ``NaT`` where a date is missing.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If a date cannot be parsed.

    Notes
    -----
    Same semantics as ``date + pandas.DateOffset(months=n)``: the day of month is kept when it
    exists and otherwise clipped to the last day of the target month (31 August + 6 months = 28 or
    29 February).

    Examples
    --------
    >>> add_calendar_months(["2025-08-31", "2023-11-30", None], 6)
    0   2026-02-28
    1   2024-05-30
    2          NaT
    dtype: datetime64[us]
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"n must be an integer, got {n!r}")
    series = _as_datetime_series(dates).dt.normalize()
    return series + pd.DateOffset(months=int(n))


def within_calendar_days(start: Any, end: Any, n: int) -> pd.Series:
    """Whether each event happened within ``n`` calendar days of its start (``end - start <= n``
    days).

    Parameters
    ----------
    start, end : Series of datetime64, list of date-likes, or a date-like scalar
        Start and event dates; a scalar is broadcast against the other argument. Times of day are
        ignored.
    n : int
        The standard, in calendar days (>= 0).

    Returns
    -------
    pandas.Series of dtype ``boolean``
        ``<NA>`` where either date is missing. Index as for :func:`working_days_elapsed`.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n < 0``, the lengths or indexes differ, or a date cannot be parsed.

    Notes
    -----
    Whole dates are compared: an event on the start date has 0 days elapsed; an event before the
    start counts as within (as in :func:`working_days_elapsed`, where it counts 0).

    Examples
    --------
    >>> within_calendar_days("2025-03-31", ["2025-04-01", "2025-04-21", "2025-04-22", None], 21)
    0     True
    1     True
    2    False
    3     <NA>
    dtype: boolean
    """
    n = _check_n(n, "n")
    index, start_days, end_days = _pair(start, end)
    missing = np.isnat(start_days) | np.isnat(end_days)
    diff = (end_days - start_days).astype(np.int64)
    values = np.where(missing, False, diff <= n)
    return pd.Series(pd.arrays.BooleanArray(values, missing), index=index)


def within_calendar_months(start: Any, end: Any, n: int) -> pd.Series:
    """Whether each event happened within ``n`` calendar months of its start (``end <= start + n
    months``).

    Parameters
    ----------
    start, end : Series of datetime64, list of date-likes, or a date-like scalar
        Start and event dates; a scalar is broadcast against the other argument. Times of day are
        ignored.
    n : int
        The standard, in calendar months (>= 0).

    Returns
    -------
    pandas.Series of dtype ``boolean``
        ``<NA>`` where either date is missing. Index as for :func:`working_days_elapsed`.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n < 0``, the lengths or indexes differ, or a date cannot be parsed.

    Notes
    -----
    The deadline is :func:`add_calendar_months` (``pandas.DateOffset(months=n)`` semantics, clipped
    to the month end), and the deadline day itself is within: imposed 31 August 2025, 6 months,
    deadline 28 February 2026.

    Examples
    --------
    >>> within_calendar_months("2025-08-31", ["2026-02-28", "2026-03-01"], 6)
    0     True
    1    False
    dtype: boolean
    """
    n = _check_n(n, "n")
    index, start_days, end_days = _pair(start, end)
    missing = np.isnat(start_days) | np.isnat(end_days)
    deadline = _day_array(add_calendar_months(pd.Series(start_days.astype("datetime64[s]")), n))
    values = np.where(missing, False, end_days <= deadline)
    return pd.Series(pd.arrays.BooleanArray(values, missing), index=index)


def council_calendar(rules: Any, council_code: str | None = None) -> WorkingCalendar:
    """The working calendar of one council: Scottish bank holidays adjusted by
    ``params/holidays.yaml``.

    Parameters
    ----------
    rules : jswlib.definitions.params.HolidayRules
        From :func:`jswlib.definitions.params.load_holiday_rules`: national and per-council
        ``add``/``remove`` lists.
    council_code : str, optional
        The council's GSS code; ``None`` gives the national calendar (national adjustments only).

    Returns
    -------
    WorkingCalendar

    Notes
    -----
    National additions and removals apply to every council; a council's own lists are added to
    them.

    Examples
    --------
    >>> import datetime
    >>> from jswlib.definitions.params import HolidayRules
    >>> rules = HolidayRules(council_add={"S12000049": (datetime.date(2025, 7, 21),)})
    >>> council_calendar(rules, "S12000049").is_working_day(datetime.date(2025, 7, 21))
    False
    >>> council_calendar(rules, "S12000047").is_working_day(datetime.date(2025, 7, 21))
    True
    """
    add, remove = rules.for_council(council_code)
    return WorkingCalendar.scottish(add=add, remove=remove)
