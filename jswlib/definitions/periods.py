"""Financial years, half-years, quarters and months: the reporting periods of the workbook.

Conventions
-----------
- A Scottish financial year runs 1 April - 31 March and is named by its two calendar years,
  ``2025/26`` (1 April 2025 - 31 March 2026). Its *start year* (2025) is the number stored and used
  in arithmetic.
- Quarters: Q1 = April-June, Q2 = July-September, Q3 = October-December, Q4 = January-March. ``Q4
  2025/26`` is 1 January 2026 - 31 March 2026.
- Half-years: H1 = April-September, H2 = October-March.
- Months are named by calendar month and calendar year, ``Jul 2025``; they belong to the financial
  year that contains them (``Jan 2026`` is in ``2025/26``).
- Source: Scottish Government financial-year convention; see docs/method.md, Reporting periods.

Canonical labels are ``Q2 2025/26``, ``H1 2025/26``, ``2025/26`` and ``Jul 2025``.
:func:`parse_period` reads the ways analysts write them (see :data:`ACCEPTED_FORMS`) and
:class:`Period` is the immutable, hashable, orderable value they become; ``str(period)`` gives the
canonical label back.

Frequencies: ``"M"`` (month), ``"Q"`` (quarter), ``"H"`` (half-year), ``"Y"`` (financial year).
Periods of one frequency are ordered chronologically; comparing periods of different frequencies
raises ``TypeError``.

:func:`period_labels` and :func:`period_start_dates` work on a whole column of dates at once with
vectorised arithmetic; missing dates give missing results (``pd.NA`` / ``NaT``), never a made-up
period.

The module is pure: no printing, no state, nothing happens on import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

# --- Constants (immutable) -----------------------------------------------------------------------

#: The frequencies, finest first.
FREQUENCIES: tuple[str, ...] = ("M", "Q", "H", "Y")
#: Calendar months in one period of each frequency.
MONTHS_PER_PERIOD = MappingProxyType({"M": 1, "Q": 3, "H": 6, "Y": 12})
#: Periods of each frequency in one financial year.
PERIODS_PER_YEAR = MappingProxyType({"M": 12, "Q": 4, "H": 2, "Y": 1})
#: Plain-English name of each frequency, for messages.
FREQUENCY_NAMES = MappingProxyType(
    {"M": "month", "Q": "quarter", "H": "half-year", "Y": "financial year"}
)
#: The calendar month in which the financial year starts (April).
FIN_YEAR_START_MONTH: int = 4
#: Month abbreviations used in canonical month labels, January first.
MONTH_ABBREVIATIONS: tuple[str, ...] = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
#: Month names read by the parser (upper case) and their calendar month numbers.
MONTH_NAMES = MappingProxyType(
    {name.upper(): number for number, name in enumerate(MONTH_ABBREVIATIONS, start=1)}
    | {
        name.upper(): number
        for number, name in enumerate(
            (
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ),
            start=1,
        )
    }
    | {"SEPT": 9}
)
#: The forms :func:`parse_period` accepts, quoted in its error messages.
ACCEPTED_FORMS: tuple[str, ...] = (
    "quarters: 'Q2 2025/26', '2025/26 Q2', 'Q2 2025-26', '2025-26 Q2', '2025Q2', '2025 Q2' "
    "(the year is the start year of the financial year)",
    "half-years: 'H1 2025/26', '2025/26 H2', '2025H1', '2025 H1'",
    "financial years: '2025/26', '2025-26', 'FY2025/26'",
    "months: 'Jul 2025', 'July 2025', '2025-07'",
)
#: Smallest and largest financial-year start years a Period may have (its dates must fit
#: ``datetime.date``).
MIN_FIN_YEAR: int = 1
MAX_FIN_YEAR: int = 9998

# --- The Period value ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A reporting period: a month, quarter, half-year or financial year.

    Parameters
    ----------
    freq : {"M", "Q", "H", "Y"}
        Frequency: month, quarter, half-year or financial year.
    fy : int
        Start year of the financial year containing the period (2025 for 2025/26).
    number : int
        Position of the period within its financial year, from 1: months 1-12 (1 = April), quarters
        1-4, half-years 1-2, and 1 for a financial year. Use :meth:`Period.from_month` to build a
        month from its calendar year and month.

    Raises
    ------
    ValueError
        For an unknown frequency, or a year or number out of range.
    TypeError
        When ``fy`` or ``number`` is not an integer.

    Notes
    -----
    Convention: financial year 1 April - 31 March; Q1 = April-June, Q4 = January-March; H1 =
    April-September (Scottish Government; docs/method.md, Reporting periods). Periods are immutable
    and hashable. Periods of the same frequency compare chronologically; comparing different
    frequencies raises ``TypeError``; equality across frequencies is simply ``False``.

    Examples
    --------
    >>> q = Period("Q", 2025, 2)
    >>> str(q), q.start, q.end
    ('Q2 2025/26', datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))
    >>> Period("Q", 2025, 1) < q
    True
    >>> str(Period("M", 2025, 10))
    'Jan 2026'
    """

    freq: str
    fy: int
    number: int

    def __post_init__(self) -> None:
        if self.freq not in FREQUENCIES:
            raise ValueError(
                f"unknown frequency {self.freq!r}: use one of {', '.join(FREQUENCIES)}"
            )
        for name in ("fy", "number"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"Period {name} must be an integer, got {value!r}")
        # Store plain ints so that numpy integers give equal, equally hashed periods.
        object.__setattr__(self, "fy", int(self.fy))
        object.__setattr__(self, "number", int(self.number))
        if not MIN_FIN_YEAR <= self.fy <= MAX_FIN_YEAR:
            raise ValueError(
                f"financial year start {self.fy} is out of range {MIN_FIN_YEAR}-{MAX_FIN_YEAR}"
            )
        count = PERIODS_PER_YEAR[self.freq]
        if not 1 <= self.number <= count:
            raise ValueError(
                f"{FREQUENCY_NAMES[self.freq]} number must be 1-{count}, got {self.number}"
            )

    # -- construction
    # ------------------------------------------------------------------------------------

    @classmethod
    def from_month(cls, year: int, month: int) -> Period:
        """Build a month period from its calendar year and month.

        Parameters
        ----------
        year : int
            Calendar year.
        month : int
            Calendar month, 1 (January) to 12 (December).

        Returns
        -------
        Period
            The month, frequency ``"M"``.

        Raises
        ------
        ValueError
            When ``month`` is not 1-12 or the year is out of range.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods). January-March belong to the financial year that started
        the previous April.

        Examples
        --------
        >>> p = Period.from_month(2026, 1)
        >>> str(p), p.fy, p.number
        ('Jan 2026', 2025, 10)
        """
        if not 1 <= month <= 12:
            raise ValueError(f"calendar month must be 1-12, got {month}")
        fy = year if month >= FIN_YEAR_START_MONTH else year - 1
        return cls("M", fy, (month - FIN_YEAR_START_MONTH) % 12 + 1)

    # -- labels and dates
    # --------------------------------------------------------------------------------

    @property
    def label(self) -> str:
        """The canonical label: ``Q2 2025/26``, ``H1 2025/26``, ``2025/26`` or ``Jul 2025``.

        Returns
        -------
        str
            The label; ``str(period)`` gives the same.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods). The financial year is written ``YYYY/YY``; a month by
        its calendar month and year.

        Examples
        --------
        >>> Period("H", 2025, 2).label
        'H2 2025/26'
        >>> Period("Y", 1999, 1).label
        '1999/00'
        """
        year_label = f"{self.fy}/{(self.fy + 1) % 100:02d}"
        if self.freq == "Y":
            return year_label
        if self.freq in ("Q", "H"):
            return f"{self.freq}{self.number} {year_label}"
        year, month = divmod(self._first_month(), 12)
        return f"{MONTH_ABBREVIATIONS[month]} {year}"

    def __str__(self) -> str:
        return self.label

    @property
    def start(self) -> date:
        """The first day of the period.

        Returns
        -------
        datetime.date
            First day.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods).

        Examples
        --------
        >>> Period("Q", 2025, 4).start
        datetime.date(2026, 1, 1)
        """
        return _month_start(self._first_month())

    @property
    def end(self) -> date:
        """The last day of the period (inclusive).

        Returns
        -------
        datetime.date
            Last day.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods).

        Examples
        --------
        >>> Period("Q", 2023, 4).end
        datetime.date(2024, 3, 31)
        >>> Period.from_month(2024, 2).end
        datetime.date(2024, 2, 29)
        """
        return _month_start(self._first_month() + MONTHS_PER_PERIOD[self.freq]) - timedelta(days=1)

    @property
    def days(self) -> int:
        """The number of days in the period, both ends included.

        Returns
        -------
        int
            Length in days.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods).

        Examples
        --------
        >>> Period("Y", 2023, 1).days   # 2023/24 contains 29 February 2024
        366
        >>> [q.days for q in Period("Y", 2025, 1).quarters()]
        [91, 92, 92, 90]
        """
        return (self.end - self.start).days + 1

    def contains(self, d: date | datetime | np.datetime64 | str) -> bool:
        """Whether a date falls in the period (both ends included).

        Parameters
        ----------
        d : datetime.date, datetime.datetime, pandas.Timestamp, numpy.datetime64 or ISO string
            The date (a time of day is ignored).

        Returns
        -------
        bool
            True when ``start <= d <= end``.

        Raises
        ------
        ValueError
            For a missing date (NaT) or a string that is not an ISO date.
        TypeError
            For anything that is not a date.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods).

        Examples
        --------
        >>> q4 = Period("Q", 2023, 4)
        >>> q4.contains(date(2024, 2, 29)), q4.contains(date(2024, 4, 1))
        (True, False)
        """
        return self.start <= _as_date(d) <= self.end

    # -- moving in time
    # ----------------------------------------------------------------------------------

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (earlier when ``n`` is negative), same frequency.

        Parameters
        ----------
        n : int
            Number of periods to move.

        Returns
        -------
        Period
            The shifted period.

        Raises
        ------
        ValueError
            When the result falls outside the supported years.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods).

        Examples
        --------
        >>> str(Period("Q", 2025, 3).shift(2))
        'Q1 2026/27'
        """
        fy, index = divmod(self._ordinal() + n, PERIODS_PER_YEAR[self.freq])
        return Period(self.freq, fy, index + 1)

    def previous(self) -> Period:
        """The period just before this one, same frequency.

        Returns
        -------
        Period
            The preceding period.

        Raises
        ------
        ValueError
            When the result falls outside the supported years.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods). The period before Q1 is Q4 of the previous financial
        year.

        Examples
        --------
        >>> str(Period("Q", 2025, 1).previous())
        'Q4 2024/25'
        """
        return self.shift(-1)

    def next(self) -> Period:
        """The period just after this one, same frequency.

        Returns
        -------
        Period
            The following period.

        Raises
        ------
        ValueError
            When the result falls outside the supported years.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods).

        Examples
        --------
        >>> str(Period.from_month(2026, 3).next())
        'Apr 2026'
        """
        return self.shift(1)

    def year_earlier(self) -> Period:
        """The same period one year earlier (Q2 2025/26 -> Q2 2024/25, Jul 2025 -> Jul 2024).

        Returns
        -------
        Period
            The period a year before.

        Raises
        ------
        ValueError
            When the result falls outside the supported years.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods).

        Examples
        --------
        >>> str(Period("Q", 2025, 4).year_earlier())
        'Q4 2024/25'
        """
        return Period(self.freq, self.fy - 1, self.number)

    def last_n(self, n: int) -> list[Period]:
        """The last ``n`` periods ending with this one, oldest first.

        Parameters
        ----------
        n : int
            How many periods, at least 1.

        Returns
        -------
        list of Period
            ``n`` consecutive periods; the last one is ``self``.

        Raises
        ------
        ValueError
            When ``n`` is less than 1 or the range leaves the supported years.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods).

        Examples
        --------
        >>> [str(p) for p in Period("Q", 2025, 2).last_n(3)]
        ['Q4 2024/25', 'Q1 2025/26', 'Q2 2025/26']
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n must be a whole number of periods, at least 1, got {n!r}")
        return [self.shift(k) for k in range(1 - int(n), 1)]

    # -- containing and contained periods
    # ----------------------------------------------------------------

    def enclosing(self, freq: str) -> Period:
        """The period of a coarser (or the same) frequency that contains this one.

        Parameters
        ----------
        freq : {"M", "Q", "H", "Y"}
            Frequency of the enclosing period.

        Returns
        -------
        Period
            The containing period (``self`` when ``freq`` is its own frequency).

        Raises
        ------
        ValueError
            When ``freq`` is unknown or finer than the period's frequency.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods).

        Examples
        --------
        >>> str(Period.from_month(2026, 2).enclosing("Q"))
        'Q4 2025/26'
        """
        freq = _check_freq(freq)
        size, target = MONTHS_PER_PERIOD[self.freq], MONTHS_PER_PERIOD[freq]
        if target < size:
            raise ValueError(
                f"a {FREQUENCY_NAMES[self.freq]} ({self}) is not contained in a single "
                f"{FREQUENCY_NAMES[freq]}"
            )
        return Period(freq, self.fy, (self.number - 1) * size // target + 1)

    @property
    def financial_year(self) -> Period:
        """The financial year (frequency ``"Y"``) containing the period.

        Returns
        -------
        Period
            The financial year.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods).

        Examples
        --------
        >>> str(Period.from_month(2026, 3).financial_year)
        '2025/26'
        """
        return self.enclosing("Y")

    @property
    def half_year(self) -> Period:
        """The half-year (frequency ``"H"``) containing a month, quarter or half-year.

        Returns
        -------
        Period
            The half-year.

        Raises
        ------
        ValueError
            For a financial year, which spans two half-years.

        Notes
        -----
        Convention: financial year 1 April - 31 March; H1 = April-September, H2 = October-March,
        Scottish Government / docs/method.md (Reporting periods).

        Examples
        --------
        >>> str(Period("Q", 2025, 3).half_year)
        'H2 2025/26'
        """
        return self.enclosing("H")

    @property
    def quarter(self) -> Period:
        """The quarter (frequency ``"Q"``) containing a month or quarter.

        Returns
        -------
        Period
            The quarter.

        Raises
        ------
        ValueError
            For a half-year or financial year, which span several quarters.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods).

        Examples
        --------
        >>> str(Period.from_month(2025, 6).quarter)
        'Q1 2025/26'
        """
        return self.enclosing("Q")

    def subperiods(self, freq: str) -> list[Period]:
        """The periods of a finer (or the same) frequency that make up this one, in order.

        Parameters
        ----------
        freq : {"M", "Q", "H", "Y"}
            Frequency of the parts.

        Returns
        -------
        list of Period
            The parts, oldest first; they tile the period with no gap or overlap.

        Raises
        ------
        ValueError
            When ``freq`` is unknown or coarser than the period's frequency.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods).

        Examples
        --------
        >>> [str(p) for p in Period("Q", 2025, 4).subperiods("M")]
        ['Jan 2026', 'Feb 2026', 'Mar 2026']
        """
        freq = _check_freq(freq)
        size, part = MONTHS_PER_PERIOD[self.freq], MONTHS_PER_PERIOD[freq]
        if part > size:
            raise ValueError(
                f"a {FREQUENCY_NAMES[self.freq]} ({self}) cannot be split into {freq} periods"
            )
        first = (self.number - 1) * size // part + 1
        return [Period(freq, self.fy, first + k) for k in range(size // part)]

    def quarters(self) -> list[Period]:
        """The quarters of a financial year, half-year or quarter, in order.

        Returns
        -------
        list of Period
            Four quarters for a financial year, two for a half-year, the quarter itself for a
            quarter.

        Raises
        ------
        ValueError
            For a month.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods).

        Examples
        --------
        >>> [str(q) for q in Period("H", 2025, 2).quarters()]
        ['Q3 2025/26', 'Q4 2025/26']
        """
        return self.subperiods("Q")

    def months(self) -> list[Period]:
        """The months of the period, in order.

        Returns
        -------
        list of Period
            Twelve months for a financial year, six for a half-year, three for a quarter, the month
            itself for a month.

        Notes
        -----
        Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
        docs/method.md (Reporting periods).

        Examples
        --------
        >>> [str(m) for m in Period("Y", 2025, 1).months()][::11]
        ['Apr 2025', 'Mar 2026']
        """
        return self.subperiods("M")

    # -- ordering
    # ----------------------------------------------------------------------------------------

    def _ordinal(self) -> int:
        return self.fy * PERIODS_PER_YEAR[self.freq] + self.number - 1

    def _first_month(self) -> int:
        """Months since January of year 0 at which the period starts."""
        return (
            self.fy * 12
            + (FIN_YEAR_START_MONTH - 1)
            + (self.number - 1) * MONTHS_PER_PERIOD[self.freq]
        )

    def _comparable(self, other: object) -> bool:
        if not isinstance(other, Period):
            return False
        if other.freq != self.freq:
            raise TypeError(
                f"cannot order {self} (a {FREQUENCY_NAMES[self.freq]}) and {other} "
                f"(a {FREQUENCY_NAMES[other.freq]}): periods of different frequencies"
            )
        return True

    def __lt__(self, other: object) -> bool:
        if not self._comparable(other):
            return NotImplemented
        return self._ordinal() < other._ordinal()  # type: ignore[union-attr]

    def __le__(self, other: object) -> bool:
        if not self._comparable(other):
            return NotImplemented
        return self._ordinal() <= other._ordinal()  # type: ignore[union-attr]

    def __gt__(self, other: object) -> bool:
        if not self._comparable(other):
            return NotImplemented
        return self._ordinal() > other._ordinal()  # type: ignore[union-attr]

    def __ge__(self, other: object) -> bool:
        if not self._comparable(other):
            return NotImplemented
        return self._ordinal() >= other._ordinal()  # type: ignore[union-attr]


# --- Private helpers -----------------------------------------------------------------------------


def _month_start(months: int) -> date:
    """First day of the month ``months`` months after January of year 0."""
    year, month0 = divmod(months, 12)
    return date(year, month0 + 1, 1)


def _check_freq(freq: str) -> str:
    if not isinstance(freq, str) or freq.strip().upper() not in FREQUENCIES:
        raise ValueError(
            f"unknown frequency {freq!r}: use 'M' (month), 'Q' (quarter), 'H' (half-year) or 'Y'"
        )
    return freq.strip().upper()


def _as_date(d: Any) -> date:
    """A ``datetime.date`` from a date, datetime, Timestamp, numpy datetime64 or ISO
    ``YYYY-MM-DD`` string."""
    if d is pd.NaT or (isinstance(d, np.datetime64) and np.isnat(d)):
        raise ValueError("missing date (NaT) has no period")
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    if isinstance(d, np.datetime64):
        return pd.Timestamp(d).date()
    if isinstance(d, str):
        try:
            return date.fromisoformat(d.strip())
        except ValueError:
            raise ValueError(f"cannot read {d!r} as a date: write it as YYYY-MM-DD") from None
    raise TypeError(f"expected a date, got {type(d).__name__} {d!r}")


def _bad(text: str, reason: str) -> ValueError:
    forms = "; ".join(ACCEPTED_FORMS)
    return ValueError(f"cannot read {text!r} as a period: {reason}. Accepted forms - {forms}")


def _fin_year_from(text: str, first: str, second: str) -> int:
    """The start year of ``first/second``, checking that the two years are consecutive."""
    y1 = int(first)
    expected = y1 + 1 if len(second) == 4 else (y1 + 1) % 100
    if int(second) != expected:
        raise _bad(
            text,
            f"the years {first} and {second} are not consecutive (a financial year runs 1 April - "
            f"31 March, e.g. {y1}/{(y1 + 1) % 100:02d})",
        )
    return y1


_FY = r"(?:FY ?)?(?P<y1>\d{4}) ?[/-] ?(?P<y2>\d{4}|\d{2})"
_SUB = r"(?P<kind>[QH])(?P<n>\d{1,2})"
#: "00" ... "99", the second year of a financial-year label (looked up, vectorised).
_TWO_DIGITS: tuple[str, ...] = tuple(f"{yy:02d}" for yy in range(100))
_NO_FIN_YEAR = re.compile(r"^[QH]\d{1,2} ?\d{4}$")
_MONTH_ISO = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$")
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fy", re.compile(rf"^{_FY}$")),
    ("sub", re.compile(rf"^{_SUB} {_FY}$")),
    ("sub", re.compile(rf"^{_FY} ?{_SUB}$")),
    ("start", re.compile(rf"^(?:FY ?)?(?P<y1>\d{{4}}) ?{_SUB}$")),
    ("month_name", re.compile(r"^(?P<name>[A-Z]{3,9})\.? (?P<year>\d{4})$")),
    ("month_iso", _MONTH_ISO),
)


def _parse_text(text: str) -> Period:
    norm = re.sub(r"\s+", " ", text.strip()).upper()
    if not norm:
        raise _bad(text, "it is empty")
    for kind, pattern in _PATTERNS:
        match = pattern.match(norm)
        if match is None:
            continue
        groups = match.groupdict()
        if kind == "month_iso":
            # 2011-12 reads as the financial year 2011/12 (handled by the "fy" pattern, tried
            # first); any other YYYY-MM is a month.
            month = int(groups["month"])
            if not 1 <= month <= 12:
                raise _bad(
                    text,
                    f"neither a month ({groups['month']} is not 1-12) nor a financial year "
                    f"({groups['year']} and {groups['month']} are not consecutive years)",
                )
            return Period.from_month(int(groups["year"]), month)
        if kind == "month_name":
            name = groups["name"]
            if name not in MONTH_NAMES:
                raise _bad(text, f"{name.title()!r} is not a month name")
            return Period.from_month(int(groups["year"]), MONTH_NAMES[name])
        if kind == "fy":
            y1, y2 = groups["y1"], groups["y2"]
            consecutive = int(y2) == (int(y1) + 1 if len(y2) == 4 else (int(y1) + 1) % 100)
            if not consecutive and _MONTH_ISO.match(norm):
                continue  # not a financial year: read YYYY-MM as a month
            return Period("Y", _fin_year_from(text, y1, y2), 1)
        fy = (
            int(groups["y1"])
            if kind == "start"
            else _fin_year_from(text, groups["y1"], groups["y2"])
        )
        freq, number = groups["kind"], int(groups["n"])
        count = PERIODS_PER_YEAR[freq]
        if not 1 <= number <= count:
            raise _bad(
                text, f"{FREQUENCY_NAMES[freq]} number must be 1-{count}, got {freq}{number}"
            )
        return Period(freq, fy, number)
    if _NO_FIN_YEAR.match(norm):
        raise _bad(
            text,
            "it is ambiguous without the financial year: write e.g. 'Q2 2025/26' or '2025 Q2' "
            "(start year first)",
        )
    raise _bad(text, "it does not match any accepted form")


# --- Parsing -------------------------------------------------------------------------------------


def parse_period(text: str | Period) -> Period:
    """Read a period label written any of the ways analysts write them.

    Parameters
    ----------
    text : str or Period
        A label in one of the :data:`ACCEPTED_FORMS` (case and extra spaces do not matter), or a
        Period, which is returned unchanged.

    Returns
    -------
    Period
        The period; ``str()`` of it is the canonical label.

    Raises
    ------
    ValueError
        When the text is empty or malformed: the message quotes the input, says what is wrong and
        lists the accepted forms.
    TypeError
        When ``text`` is neither a string nor a Period.

    Notes
    -----
    Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
    docs/method.md (Reporting periods). In ``2025Q2`` and ``2025 Q2`` the year is the START year of
    the financial year (Q2 2025/26). ``Q2 2025`` (no financial year) is rejected as ambiguous.
    ``YYYY-YY`` with consecutive years is a financial year, so ``2011-12`` is 2011/12; write ``Dec
    2011`` for that month.

    Examples
    --------
    >>> str(parse_period("2025-26 q2"))
    'Q2 2025/26'
    >>> str(parse_period("FY2025/26")), str(parse_period("2025-07"))
    ('2025/26', 'Jul 2025')
    >>> parse_period("2025/27")
    Traceback (most recent call last):
    ...
    ValueError: cannot read '2025/27' as a period: the years 2025 and 27 are not consecutive ...
    """
    if isinstance(text, Period):
        return text
    if not isinstance(text, str):
        raise TypeError(
            f"expected a period label (str) or a Period, got {type(text).__name__} {text!r}"
        )
    return _parse_text(text)


def parse_quarter(text: str | Period) -> Period:
    """Read a quarter label, rejecting any other kind of period.

    Parameters
    ----------
    text : str or Period
        A quarter in one of the accepted forms (``Q2 2025/26``, ``2025/26 Q2``, ``2025Q2``...) or a
        quarter Period.

    Returns
    -------
    Period
        The quarter (frequency ``"Q"``).

    Raises
    ------
    ValueError
        When the text is malformed or is a month, half-year or financial year.
    TypeError
        When ``text`` is neither a string nor a Period.

    Notes
    -----
    Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
    docs/method.md (Reporting periods).

    Examples
    --------
    >>> str(parse_quarter("2025 Q4"))
    'Q4 2025/26'
    >>> parse_quarter("H1 2025/26")
    Traceback (most recent call last):
    ...
    ValueError: 'H1 2025/26' is a half-year, not a quarter: ...
    """
    period = parse_period(text)
    if period.freq != "Q":
        raise ValueError(
            f"{text!r} is a {FREQUENCY_NAMES[period.freq]}, not a quarter: write a quarter as "
            f"{ACCEPTED_FORMS[0]}"
        )
    return period


# --- One date ------------------------------------------------------------------------------------


def period_of(d: date | datetime | np.datetime64 | str, freq: str = "Q") -> Period:
    """The period of the given frequency that contains a date.

    Parameters
    ----------
    d : datetime.date, datetime.datetime, pandas.Timestamp, numpy.datetime64 or ISO string
        The date.
    freq : {"M", "Q", "H", "Y"}, default "Q"
        Frequency of the period wanted.

    Returns
    -------
    Period
        The period containing ``d``.

    Raises
    ------
    ValueError
        For an unknown frequency or a missing date (NaT).
    TypeError
        For anything that is not a date.

    Notes
    -----
    Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
    docs/method.md (Reporting periods).

    Examples
    --------
    >>> str(period_of(date(2025, 3, 31))), str(period_of(date(2025, 4, 1)))
    ('Q4 2024/25', 'Q1 2025/26')
    >>> str(period_of(date(2024, 2, 29), "Y"))
    '2023/24'
    """
    freq = _check_freq(freq)
    d = _as_date(d)
    # 0 = April ... 11 = March
    fy, month_in_year = divmod(d.year * 12 + d.month - FIN_YEAR_START_MONTH, 12)
    return Period(freq, fy, month_in_year // MONTHS_PER_PERIOD[freq] + 1)


def fin_year_start(d: date | datetime | np.datetime64 | str) -> date:
    """The first day (1 April) of the financial year containing a date.

    Parameters
    ----------
    d : datetime.date, datetime.datetime, pandas.Timestamp, numpy.datetime64 or ISO string
        The date.

    Returns
    -------
    datetime.date
        1 April of the financial year's start year.

    Raises
    ------
    ValueError
        For a missing date (NaT).
    TypeError
        For anything that is not a date.

    Notes
    -----
    Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
    docs/method.md (Reporting periods).

    Examples
    --------
    >>> fin_year_start(date(2026, 3, 31)), fin_year_start(date(2026, 4, 1))
    (datetime.date(2025, 4, 1), datetime.date(2026, 4, 1))
    """
    return period_of(d, "Y").start


def fin_year_end(d: date | datetime | np.datetime64 | str) -> date:
    """The last day (31 March) of the financial year containing a date.

    Parameters
    ----------
    d : datetime.date, datetime.datetime, pandas.Timestamp, numpy.datetime64 or ISO string
        The date.

    Returns
    -------
    datetime.date
        31 March of the financial year's end year.

    Raises
    ------
    ValueError
        For a missing date (NaT).
    TypeError
        For anything that is not a date.

    Notes
    -----
    Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
    docs/method.md (Reporting periods).

    Examples
    --------
    >>> fin_year_end(date(2025, 4, 1))
    datetime.date(2026, 3, 31)
    """
    return period_of(d, "Y").end


def quarter_start(d: date | datetime | np.datetime64 | str) -> date:
    """The first day of the financial quarter containing a date.

    Parameters
    ----------
    d : datetime.date, datetime.datetime, pandas.Timestamp, numpy.datetime64 or ISO string
        The date.

    Returns
    -------
    datetime.date
        1 April, 1 July, 1 October or 1 January.

    Raises
    ------
    ValueError
        For a missing date (NaT).
    TypeError
        For anything that is not a date.

    Notes
    -----
    Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
    docs/method.md (Reporting periods).

    Examples
    --------
    >>> quarter_start(date(2025, 9, 30))
    datetime.date(2025, 7, 1)
    """
    return period_of(d, "Q").start


def quarter_end(d: date | datetime | np.datetime64 | str) -> date:
    """The last day of the financial quarter containing a date.

    Parameters
    ----------
    d : datetime.date, datetime.datetime, pandas.Timestamp, numpy.datetime64 or ISO string
        The date.

    Returns
    -------
    datetime.date
        30 June, 30 September, 31 December or 31 March.

    Raises
    ------
    ValueError
        For a missing date (NaT).
    TypeError
        For anything that is not a date.

    Notes
    -----
    Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
    docs/method.md (Reporting periods).

    Examples
    --------
    >>> quarter_end(date(2024, 1, 1))
    datetime.date(2024, 3, 31)
    """
    return period_of(d, "Q").end


# --- Ranges and ordering -------------------------------------------------------------------------


def last_n_periods(period: str | Period, n: int) -> list[Period]:
    """The last ``n`` periods ending with ``period``, oldest first.

    Parameters
    ----------
    period : str or Period
        The final period (a label is parsed with :func:`parse_period`).
    n : int
        How many periods, at least 1.

    Returns
    -------
    list of Period
        ``n`` consecutive periods of the same frequency.

    Raises
    ------
    ValueError
        For a malformed label or ``n`` below 1.

    Notes
    -----
    Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
    docs/method.md (Reporting periods).

    Examples
    --------
    >>> quarters = last_n_periods("Q2 2025/26", 8)
    >>> str(quarters[0]), str(quarters[-1])
    ('Q3 2023/24', 'Q2 2025/26')
    """
    return parse_period(period).last_n(n)


def periods_between(first: str | Period, last: str | Period) -> list[Period]:
    """All the periods from ``first`` to ``last`` inclusive, oldest first.

    Parameters
    ----------
    first, last : str or Period
        The ends of the range, of the same frequency (labels are parsed with :func:`parse_period`).

    Returns
    -------
    list of Period
        The consecutive periods; a single period when ``first == last``.

    Raises
    ------
    ValueError
        When a label is malformed, the frequencies differ, or ``first`` is after ``last``.

    Notes
    -----
    Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
    docs/method.md (Reporting periods).

    Examples
    --------
    >>> [str(p) for p in periods_between("Q3 2024/25", "2025/26 Q1")]
    ['Q3 2024/25', 'Q4 2024/25', 'Q1 2025/26']
    """
    start, stop = parse_period(first), parse_period(last)
    if start.freq != stop.freq:
        raise ValueError(
            f"cannot list periods from {start} (a {FREQUENCY_NAMES[start.freq]}) to {stop} "
            f"(a {FREQUENCY_NAMES[stop.freq]}): both ends must have the same frequency"
        )
    if start > stop:
        raise ValueError(f"first period {start} is after last period {stop}")
    return [start.shift(k) for k in range(stop._ordinal() - start._ordinal() + 1)]


def sort_key(label: str | Period) -> Period:
    """A key that sorts period labels chronologically: the parsed Period.

    Parameters
    ----------
    label : str or Period
        A period label in any accepted form.

    Returns
    -------
    Period
        The parsed period (Periods of one frequency order chronologically).

    Raises
    ------
    ValueError
        For a malformed label.

    Notes
    -----
    Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
    docs/method.md (Reporting periods). Sorting labels of different frequencies with this key
    raises ``TypeError``.

    Examples
    --------
    >>> sorted(["Q1 2025/26", "Q4 2024/25", "Q2 2024/25"], key=sort_key)
    ['Q2 2024/25', 'Q4 2024/25', 'Q1 2025/26']
    """
    return parse_period(label)


def sort_periods(labels: Iterable[str | Period]) -> list[str | Period]:
    """Sort period labels (or Periods) chronologically, keeping each item as given.

    Parameters
    ----------
    labels : iterable of str or Period
        Labels in any accepted form, all of one frequency.

    Returns
    -------
    list
        The same items, oldest first (alphabetical order would put Q4 2024/25 after Q1 2025/26).

    Raises
    ------
    ValueError
        For a malformed label, or labels of more than one frequency.

    Notes
    -----
    Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
    docs/method.md (Reporting periods).

    Examples
    --------
    >>> sort_periods(["Jan 2026", "Dec 2025", "Apr 2025"])
    ['Apr 2025', 'Dec 2025', 'Jan 2026']
    """
    items = list(labels)
    keyed = [(sort_key(item), item) for item in items]
    freqs = sorted({period.freq for period, _ in keyed}, key=FREQUENCIES.index)
    if len(freqs) > 1:
        raise ValueError(
            "cannot sort periods of different frequencies together: found "
            + ", ".join(FREQUENCY_NAMES[f] + "s" for f in freqs)
        )
    return [item for _, item in sorted(keyed, key=lambda pair: pair[0])]


# --- Whole columns (vectorised) ------------------------------------------------------------------


def _datetime_series(dates: pd.Series | Sequence[Any]) -> pd.Series:
    """``dates`` as a datetime64 Series, without guessing from strings."""
    series = dates if isinstance(dates, pd.Series) else pd.Series(dates)
    if pd.api.types.is_datetime64_any_dtype(series):
        return series
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind in ("date", "datetime", "datetime64", "empty"):
        return pd.to_datetime(series)
    raise TypeError(
        "expected a column of dates (datetime64, or datetime.date objects), got values inferred "
        f"as {kind!r}; parse strings into dates first (see jswlib.definitions.schema)"
    )


def _period_numbers(series: pd.Series, freq: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For the non-missing dates: (mask of non-missing, financial-year start year, period number
    in year)."""
    valid = series.notna().to_numpy()
    year = series.dt.year.to_numpy()[valid].astype(np.int64)
    month = series.dt.month.to_numpy()[valid].astype(np.int64)
    months_since_start = year * 12 + month - FIN_YEAR_START_MONTH  # months since April of year 0
    # Month_in_year: 0 = April ... 11 = March
    fy, month_in_year = np.divmod(months_since_start, 12)
    return valid, fy, month_in_year // MONTHS_PER_PERIOD[freq] + 1


def _labels(fy: np.ndarray, number: np.ndarray, freq: str) -> np.ndarray:
    """Canonical labels for arrays of financial-year start years and period numbers
    (vectorised)."""
    if freq == "M":
        months_since_jan = fy * 12 + (FIN_YEAR_START_MONTH - 1) + (number - 1)
        cal_year, cal_month0 = np.divmod(months_since_jan, 12)
        month_names = np.asarray(MONTH_ABBREVIATIONS)[cal_month0]
        return np.char.add(np.char.add(month_names, " "), cal_year.astype(str))
    year_labels = np.char.add(
        np.char.add(fy.astype(str), "/"), np.asarray(_TWO_DIGITS)[(fy + 1) % 100]
    )
    if freq == "Y":
        return year_labels
    return np.char.add(np.char.add(np.char.add(freq, number.astype(str)), " "), year_labels)


def period_ordinals(dates: pd.Series, freq: str = "Q") -> pd.Series:
    """A whole number per date's period, consecutive periods having consecutive numbers
    (vectorised).

    Parameters
    ----------
    dates : pandas.Series
        Dates; missing values allowed.
    freq : {"M", "Q", "H", "Y"}, default "Q"

    Returns
    -------
    pandas.Series
        ``Int64``: financial-year start year x periods per year + (period number - 1); ``<NA>``
        where the date is missing. Use :func:`ordinal_labels` to turn them back into labels.

    Notes
    -----
    Ordinals make ranges of periods cheap: a case open from Q3 2024/25 to Q1 2025/26 covers the
    ordinals from one to the other inclusive.

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2025-03-31", "2025-04-01", None]))
    >>> period_ordinals(s).tolist()
    [8099, 8100, <NA>]
    >>> ordinal_labels(period_ordinals(s).dropna().to_numpy(dtype=int), "Q").tolist()
    ['Q4 2024/25', 'Q1 2025/26']
    """
    freq = _check_freq(freq)
    series = _datetime_series(dates)
    valid, fy, number = _period_numbers(series, freq)
    out = pd.array(np.zeros(len(series), dtype=np.int64), dtype="Int64")
    out[valid] = fy * PERIODS_PER_YEAR[freq] + number - 1
    out[~valid] = pd.NA
    return pd.Series(out, index=series.index, name=series.name)


def ordinal_labels(ordinals: np.ndarray, freq: str = "Q") -> np.ndarray:
    """Labels of period ordinals from :func:`period_ordinals` (vectorised)."""
    freq = _check_freq(freq)
    fy, index = np.divmod(np.asarray(ordinals, dtype=np.int64), PERIODS_PER_YEAR[freq])
    return _labels(fy, index + 1, freq)


def period_of_ordinal(ordinal: int, freq: str = "Q") -> Period:
    """The Period with this ordinal (see :func:`period_ordinals`).

    Examples
    --------
    >>> str(period_of_ordinal(8101, "Q"))
    'Q2 2025/26'
    """
    freq = _check_freq(freq)
    fy, index = divmod(int(ordinal), PERIODS_PER_YEAR[freq])
    return Period(freq, fy, index + 1)


def period_labels(dates: pd.Series, freq: str = "Q") -> pd.Series:
    """The canonical label of the period each date falls in, for a whole column at once.

    Parameters
    ----------
    dates : pandas.Series
        Dates (datetime64, or ``datetime.date`` objects); missing values allowed.
    freq : {"M", "Q", "H", "Y"}, default "Q"
        Frequency of the periods.

    Returns
    -------
    pandas.Series
        Labels (``string`` dtype) with the index and name of ``dates``; ``pd.NA`` where the date is
        missing.

    Raises
    ------
    ValueError
        For an unknown frequency.
    TypeError
        When ``dates`` does not hold dates (strings must be parsed first: day-first dates are never
        guessed).

    Notes
    -----
    Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
    docs/method.md (Reporting periods). Computed with vectorised arithmetic on ``.dt.year`` /
    ``.dt.month``; no Python loop over rows. The result agrees with ``str(period_of(d, freq))`` for
    every date. Sort labels with :func:`sort_periods` or sort rows by :func:`period_start_dates`,
    not alphabetically.

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2025-03-31", "2025-04-01", None, "2026-01-15"]))
    >>> period_labels(s).tolist()
    ['Q4 2024/25', 'Q1 2025/26', <NA>, 'Q4 2025/26']
    >>> period_labels(s, "M").tolist()
    ['Mar 2025', 'Apr 2025', <NA>, 'Jan 2026']
    """
    freq = _check_freq(freq)
    series = _datetime_series(dates)
    valid, fy, number = _period_numbers(series, freq)
    labels = _labels(fy, number, freq)
    out = np.full(len(series), None, dtype=object)
    out[valid] = labels
    return pd.Series(out, index=series.index, name=series.name, dtype=pd.StringDtype())


def period_start_dates(dates: pd.Series, freq: str = "Q") -> pd.Series:
    """The first day of the period each date falls in, for a whole column at once (handy for
    sorting).

    Parameters
    ----------
    dates : pandas.Series
        Dates (datetime64, or ``datetime.date`` objects); missing values allowed.
    freq : {"M", "Q", "H", "Y"}, default "Q"
        Frequency of the periods.

    Returns
    -------
    pandas.Series
        ``datetime64`` start dates (time zone dropped) with the index and name of ``dates``;
        ``NaT`` where the date is missing.

    Raises
    ------
    ValueError
        For an unknown frequency.
    TypeError
        When ``dates`` does not hold dates.

    Notes
    -----
    Convention: financial year 1 April - 31 March; Q1 = April-June, Scottish Government /
    docs/method.md (Reporting periods). Vectorised; agrees with ``period_of(d, freq).start`` for
    every date.

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2025-09-30", None, "2026-03-31"]))
    >>> [str(d.date()) if pd.notna(d) else d for d in period_start_dates(s, "H")]
    ['2025-04-01', NaT, '2025-10-01']
    """
    freq = _check_freq(freq)
    series = _datetime_series(dates)
    valid, fy, number = _period_numbers(series, freq)
    months_since_jan = (
        fy * 12 + (FIN_YEAR_START_MONTH - 1) + (number - 1) * MONTHS_PER_PERIOD[freq]
    )
    # numpy months count from January 1970.
    starts = (months_since_jan - 1970 * 12).astype("datetime64[M]").astype("datetime64[s]")
    out = np.full(len(series), np.datetime64("NaT"), dtype="datetime64[s]")
    out[valid] = starts
    return pd.Series(out, index=series.index, name=series.name)


def quarter_slug(quarter: str | Period) -> str:
    """The file-system-safe name of a quarter, used for its output folder and commentary files.

    Parameters
    ----------
    quarter : str or Period
        A quarter in any form :func:`jswlib.definitions.periods.parse_quarter` reads.

    Returns
    -------
    str
        ``<start year>-<end year, two digits>-Q<n>``.

    Raises
    ------
    ValueError
        When ``quarter`` is not a quarter.

    Notes
    -----
    Convention: financial year 1 April - 31 March, Q1 = April-June (see
    :mod:`jswlib.definitions.periods`). The label ``Q2 2025/26`` holds a slash and a space, so it
    is not used as a folder name.

    Examples
    --------
    >>> quarter_slug("Q2 2025/26")
    '2025-26-Q2'
    >>> quarter_slug("2099 Q4")
    '2099-00-Q4'
    """
    period = parse_quarter(quarter)
    return f"{period.fy}-{(period.fy + 1) % 100:02d}-Q{period.number}"


def span_label(first: Period, last: Period) -> str:
    """Two periods as a span: ``"Q1 to Q2 2025/26"`` within one financial year, else
    ``"Q3 2024/25 to Q2 2025/26"``; one period when they are the same.

    Examples
    --------
    >>> span_label(Period("Q", 2025, 1), Period("Q", 2025, 2))
    'Q1 to Q2 2025/26'
    >>> span_label(Period("Q", 2024, 3), Period("Q", 2025, 2))
    'Q3 2024/25 to Q2 2025/26'
    """
    if first == last:
        return last.label
    if first.fy == last.fy and first.freq in ("Q", "H"):
        return f"{first.label.split()[0]} to {last.label}"
    return f"{first.label} to {last.label}"


def long_date(d: date) -> str:
    """A date as written in a report: ``15 April 2026``.

    Examples
    --------
    >>> long_date(date(2026, 4, 5))
    '5 April 2026'
    """
    return f"{d.day} {d:%B %Y}"
