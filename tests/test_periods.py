"""Tests for jswlib.definitions.periods: financial years (1 April - 31 March), half-years,
quarters and months.

Every expected value is worked out by hand from the convention: Q1 = Apr-Jun, Q2 = Jul-Sep, Q3 =
Oct-Dec, Q4 = Jan-Mar; H1 = Apr-Sep, H2 = Oct-Mar; ``2025/26`` = 1 April 2025 - 31 March 2026.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from jswlib.definitions.periods import (
    Period,
    fin_year_end,
    fin_year_start,
    last_n_periods,
    parse_period,
    parse_quarter,
    period_labels,
    period_of,
    period_start_dates,
    periods_between,
    quarter_end,
    quarter_start,
    sort_key,
    sort_periods,
)

Q = lambda fy, n: Period("Q", fy, n)  # noqa: E731 - short constructors keep the hand-written data readable
H = lambda fy, n: Period("H", fy, n)  # noqa: E731
Y = lambda fy: Period("Y", fy, 1)  # noqa: E731
M = Period.from_month


def labels(periods):
    return [str(p) for p in periods]


# --- The Period value ----------------------------------------------------------------------------


class TestPeriod:
    def test_fields_and_label(self):
        p = Period("Q", 2025, 2)
        assert (p.freq, p.fy, p.number) == ("Q", 2025, 2)
        assert str(p) == "Q2 2025/26"

    def test_immutable(self):
        p = Q(2025, 2)
        with pytest.raises(AttributeError):
            p.number = 3  # type: ignore[misc]

    def test_hashable_and_equal_by_value(self):
        assert Q(2025, 2) == Q(2025, 2)
        assert len({Q(2025, 2), Q(2025, 2), Q(2025, 3)}) == 2
        assert {Q(2025, 2): "x"}[Period("Q", 2025, 2)] == "x"

    def test_numpy_integers_equal_plain_ints(self):
        p = Period("Q", np.int64(2025), np.int32(2))
        assert p == Q(2025, 2) and hash(p) == hash(Q(2025, 2))

    def test_different_frequencies_are_not_equal(self):
        assert Q(2025, 1) != H(2025, 1)
        assert Period("M", 2025, 1) != Q(2025, 1)

    def test_ordering_within_frequency_across_year_boundary(self):
        assert Q(2024, 4) < Q(2025, 1) < Q(2025, 2)
        assert Q(2025, 1) > Q(2024, 4)
        assert Q(2025, 1) <= Q(2025, 1) and Q(2025, 1) >= Q(2025, 1)
        # Dec 2025 comes before Jan 2026 (same financial year 2025/26).
        assert M(2025, 12) < M(2026, 1) < M(2026, 4)
        assert H(2024, 2) < H(2025, 1)
        assert Y(2024) < Y(2025)

    def test_sorted_is_chronological(self):
        assert sorted([Q(2025, 1), Q(2024, 4), Q(2024, 2)]) == [Q(2024, 2), Q(2024, 4), Q(2025, 1)]

    @pytest.mark.parametrize("other", [H(2025, 1), Y(2025), Period("M", 2025, 1)])
    def test_ordering_across_frequencies_raises(self, other):
        with pytest.raises(TypeError, match="different frequencies"):
            Q(2025, 1) < other  # noqa: B015
        with pytest.raises(TypeError):
            sorted([Q(2025, 1), other])

    def test_ordering_against_non_period_raises(self):
        with pytest.raises(TypeError):
            Q(2025, 1) < "Q2 2025/26"  # noqa: B015

    @pytest.mark.parametrize(
        ("freq", "number"), [("Q", 0), ("Q", 5), ("H", 0), ("H", 3), ("Y", 2), ("M", 0), ("M", 13)]
    )
    def test_number_out_of_range(self, freq, number):
        with pytest.raises(ValueError, match="number must be 1-"):
            Period(freq, 2025, number)

    def test_unknown_frequency(self):
        with pytest.raises(ValueError, match="unknown frequency"):
            Period("W", 2025, 1)

    @pytest.mark.parametrize("bad", [2025.0, "2025", True])
    def test_non_integer_year(self, bad):
        with pytest.raises(TypeError):
            Period("Q", bad, 1)


class TestFromMonth:
    def test_march_belongs_to_previous_financial_year(self):
        assert M(2025, 3) == Period("M", 2024, 12)

    def test_april_starts_the_financial_year(self):
        assert M(2025, 4) == Period("M", 2025, 1)

    def test_january(self):
        assert M(2026, 1) == Period("M", 2025, 10)

    @pytest.mark.parametrize("month", [0, 13])
    def test_bad_month(self, month):
        with pytest.raises(ValueError, match="1-12"):
            M(2025, month)


class TestLabel:
    @pytest.mark.parametrize(
        ("period", "expected"),
        [
            (Q(2025, 2), "Q2 2025/26"),
            (Q(2025, 4), "Q4 2025/26"),
            (H(2025, 1), "H1 2025/26"),
            (H(2025, 2), "H2 2025/26"),
            (Y(2025), "2025/26"),
            (Y(1999), "1999/00"),
            (Y(2009), "2009/10"),
            (M(2025, 7), "Jul 2025"),
            (M(2026, 1), "Jan 2026"),
            (M(2024, 2), "Feb 2024"),
        ],
    )
    def test_canonical(self, period, expected):
        assert period.label == expected
        assert str(period) == expected


class TestStartEnd:
    @pytest.mark.parametrize(
        ("period", "start", "end"),
        [
            (Q(2025, 1), date(2025, 4, 1), date(2025, 6, 30)),
            (Q(2025, 2), date(2025, 7, 1), date(2025, 9, 30)),
            (Q(2025, 3), date(2025, 10, 1), date(2025, 12, 31)),
            (Q(2025, 4), date(2026, 1, 1), date(2026, 3, 31)),
            (Q(2023, 4), date(2024, 1, 1), date(2024, 3, 31)),
            (H(2025, 1), date(2025, 4, 1), date(2025, 9, 30)),
            (H(2025, 2), date(2025, 10, 1), date(2026, 3, 31)),
            (Y(2025), date(2025, 4, 1), date(2026, 3, 31)),
            (M(2025, 7), date(2025, 7, 1), date(2025, 7, 31)),
            (M(2024, 2), date(2024, 2, 1), date(2024, 2, 29)),
            (M(2025, 2), date(2025, 2, 1), date(2025, 2, 28)),
            (M(2025, 12), date(2025, 12, 1), date(2025, 12, 31)),
        ],
    )
    def test_dates(self, period, start, end):
        assert period.start == start
        assert period.end == end
        assert type(period.start) is date and type(period.end) is date


class TestDays:
    @pytest.mark.parametrize(
        ("period", "days"),
        [
            (Q(2025, 1), 91),
            (Q(2025, 2), 92),
            (Q(2025, 3), 92),
            (Q(2025, 4), 90),
            (Q(2023, 4), 91),  # Jan-Mar 2024 holds 29 Feb
            (Y(2023), 366),
            (Y(2024), 365),
            (H(2025, 1), 183),
            (H(2025, 2), 182),
            (M(2024, 2), 29),
        ],
    )
    def test_days(self, period, days):
        assert period.days == days


class TestContains:
    def test_boundaries_of_q4_2023_24(self):
        q = Q(2023, 4)
        assert not q.contains(date(2023, 12, 31))
        assert q.contains(date(2024, 1, 1))
        assert q.contains(date(2024, 2, 29))
        assert q.contains(date(2024, 3, 31))
        assert not q.contains(date(2024, 4, 1))

    def test_accepts_datetime_timestamp_numpy_and_iso_string(self):
        q = Q(2025, 2)
        assert q.contains(datetime(2025, 9, 30, 23, 59))
        assert q.contains(pd.Timestamp("2025-07-01"))
        assert q.contains(np.datetime64("2025-08-15"))
        assert q.contains("2025-07-01")
        assert not q.contains("2025-06-30")

    def test_missing_date_raises(self):
        with pytest.raises(ValueError, match="missing"):
            Q(2025, 2).contains(pd.NaT)

    def test_day_first_string_is_not_guessed(self):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            Q(2025, 2).contains("01/07/2025")

    def test_non_date_raises(self):
        with pytest.raises(TypeError):
            Q(2025, 2).contains(20250701)


class TestShift:
    def test_forward_over_year_end(self):
        assert Q(2025, 3).shift(2) == Q(2026, 1)

    def test_backward(self):
        assert Q(2025, 1).shift(-5) == Q(2023, 4)

    def test_zero(self):
        assert H(2025, 2).shift(0) == H(2025, 2)

    def test_months(self):
        assert M(2026, 3).shift(1) == M(2026, 4)
        assert M(2025, 1).shift(-1) == M(2024, 12)


class TestPrevious:
    @pytest.mark.parametrize(
        ("period", "expected"),
        [
            (Q(2025, 1), Q(2024, 4)),
            (Q(2025, 2), Q(2025, 1)),
            (H(2025, 1), H(2024, 2)),
            (Y(2025), Y(2024)),
            (M(2025, 4), M(2025, 3)),
            (M(2026, 1), M(2025, 12)),
        ],
    )
    def test_previous(self, period, expected):
        assert period.previous() == expected


class TestNext:
    @pytest.mark.parametrize(
        ("period", "expected"),
        [
            (Q(2024, 4), Q(2025, 1)),
            (H(2025, 2), H(2026, 1)),
            (M(2025, 12), M(2026, 1)),
            (Y(2025), Y(2026)),
        ],
    )
    def test_next(self, period, expected):
        assert period.next() == expected


class TestYearEarlier:
    @pytest.mark.parametrize(
        ("period", "expected"),
        [
            (Q(2025, 2), Q(2024, 2)),
            (Q(2025, 1), Q(2024, 1)),
            (Q(2025, 4), Q(2024, 4)),
            (H(2025, 2), H(2024, 2)),
            (Y(2025), Y(2024)),
            (M(2025, 7), M(2024, 7)),
            (M(2026, 1), M(2025, 1)),
        ],
    )
    def test_year_earlier(self, period, expected):
        assert period.year_earlier() == expected

    def test_label_of_year_earlier_month(self):
        assert str(M(2026, 3).year_earlier()) == "Mar 2025"


class TestLastN:
    def test_eight_quarters_ending_q2_2025_26(self):
        assert labels(Q(2025, 2).last_n(8)) == [
            "Q3 2023/24",
            "Q4 2023/24",
            "Q1 2024/25",
            "Q2 2024/25",
            "Q3 2024/25",
            "Q4 2024/25",
            "Q1 2025/26",
            "Q2 2025/26",
        ]

    def test_one(self):
        assert Q(2025, 1).last_n(1) == [Q(2025, 1)]

    def test_months_across_financial_year_end(self):
        assert labels(M(2025, 5).last_n(3)) == ["Mar 2025", "Apr 2025", "May 2025"]

    @pytest.mark.parametrize("n", [0, -1, 2.5])
    def test_bad_n(self, n):
        with pytest.raises(ValueError, match="at least 1"):
            Q(2025, 1).last_n(n)


class TestEnclosing:
    def test_month_to_each_coarser_frequency(self):
        feb = M(2026, 2)
        assert feb.enclosing("M") == feb
        assert feb.enclosing("Q") == Q(2025, 4)
        assert feb.enclosing("H") == H(2025, 2)
        assert feb.enclosing("Y") == Y(2025)

    def test_finer_frequency_raises(self):
        with pytest.raises(ValueError, match="not contained"):
            Y(2025).enclosing("Q")


class TestFinancialYear:
    @pytest.mark.parametrize(
        ("period", "expected"),
        [
            (Q(2025, 4), Y(2025)),
            (H(2024, 2), Y(2024)),
            (M(2026, 3), Y(2025)),
            (M(2026, 4), Y(2026)),
            (Y(2025), Y(2025)),
        ],
    )
    def test_financial_year(self, period, expected):
        assert period.financial_year == expected


class TestHalfYear:
    @pytest.mark.parametrize(
        ("period", "expected"),
        [
            (Q(2025, 1), H(2025, 1)),
            (Q(2025, 2), H(2025, 1)),
            (Q(2025, 3), H(2025, 2)),
            (Q(2025, 4), H(2025, 2)),
            (M(2025, 9), H(2025, 1)),
            (M(2025, 10), H(2025, 2)),
            (M(2026, 3), H(2025, 2)),
            (H(2025, 2), H(2025, 2)),
        ],
    )
    def test_half_year(self, period, expected):
        assert period.half_year == expected

    def test_financial_year_has_no_single_half_year(self):
        with pytest.raises(ValueError):
            Y(2025).half_year  # noqa: B018


class TestQuarterProperty:
    @pytest.mark.parametrize(
        ("month", "expected"),
        [
            (M(2025, 6), Q(2025, 1)),
            (M(2025, 7), Q(2025, 2)),
            (M(2025, 12), Q(2025, 3)),
            (M(2026, 1), Q(2025, 4)),
        ],
    )
    def test_quarter_of_month(self, month, expected):
        assert month.quarter == expected


class TestQuarters:
    def test_financial_year(self):
        assert Y(2025).quarters() == [Q(2025, 1), Q(2025, 2), Q(2025, 3), Q(2025, 4)]

    def test_half_years(self):
        assert H(2025, 1).quarters() == [Q(2025, 1), Q(2025, 2)]
        assert H(2025, 2).quarters() == [Q(2025, 3), Q(2025, 4)]

    def test_quarter_is_its_own(self):
        assert Q(2025, 3).quarters() == [Q(2025, 3)]

    def test_month_raises(self):
        with pytest.raises(ValueError):
            M(2025, 7).quarters()


class TestMonths:
    def test_quarter(self):
        assert labels(Q(2025, 4).months()) == ["Jan 2026", "Feb 2026", "Mar 2026"]

    def test_half_year(self):
        expected = ["Oct 2025", "Nov 2025", "Dec 2025", "Jan 2026", "Feb 2026", "Mar 2026"]
        assert labels(H(2025, 2).months()) == expected

    def test_financial_year_has_twelve(self):
        months = Y(2025).months()
        assert len(months) == 12 and str(months[0]) == "Apr 2025" and str(months[-1]) == "Mar 2026"


class TestSubperiods:
    def test_half_years_of_year(self):
        assert Y(2025).subperiods("H") == [H(2025, 1), H(2025, 2)]

    def test_coarser_raises(self):
        with pytest.raises(ValueError):
            Q(2025, 1).subperiods("Y")


# --- Parsing -------------------------------------------------------------------------------------


class TestParsePeriod:
    @pytest.mark.parametrize(
        "text",
        [
            "Q2 2025/26",
            "2025/26 Q2",
            "2025-26 Q2",
            "Q2 2025-26",
            "2025Q2",
            "2025 Q2",
            "q2 2025/26",
            "2025q2",
            "  Q2   2025/26  ",
            "Q2 2025 / 26",
            "Q2 2025/2026",
            "FY2025/26 Q2",
        ],
    )
    def test_quarter_forms(self, text):
        assert parse_period(text) == Q(2025, 2)
        assert str(parse_period(text)) == "Q2 2025/26"

    @pytest.mark.parametrize("text", ["Q4 2025/26", "2025Q4", "2025 q4", "2025-26 Q4"])
    def test_q4_is_january_to_march_of_the_later_year(self, text):
        p = parse_period(text)
        assert str(p) == "Q4 2025/26"
        assert (p.start, p.end) == (date(2026, 1, 1), date(2026, 3, 31))

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("H1 2025/26", "H1 2025/26"),
            ("2025/26 H2", "H2 2025/26"),
            ("h2 2025-26", "H2 2025/26"),
            ("2025H1", "H1 2025/26"),
        ],
    )
    def test_half_year_forms(self, text, expected):
        assert str(parse_period(text)) == expected

    @pytest.mark.parametrize(
        "text",
        ["2025/26", "2025-26", "FY2025/26", "fy2025-26", "FY 2025/26", "2025/2026", " 2025 / 26 "],
    )
    def test_financial_year_forms(self, text):
        assert parse_period(text) == Y(2025)

    def test_century_boundary_year(self):
        assert parse_period("1999/00") == Y(1999)
        assert parse_period("1999/2000") == Y(1999)

    @pytest.mark.parametrize(
        "text",
        ["Jul 2025", "July 2025", "jul 2025", "JULY 2025", "2025-07", "2025-7", "Jul. 2025"],
    )
    def test_month_forms(self, text):
        assert parse_period(text) == M(2025, 7)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("Sept 2025", M(2025, 9)), ("March 2026", M(2026, 3)), ("2026-01", M(2026, 1))],
    )
    def test_other_months(self, text, expected):
        assert parse_period(text) == expected

    def test_consecutive_yyyy_yy_is_a_financial_year_not_a_month(self):
        # 2011-12 could be read as December 2011; the financial year reading wins (documented).
        assert parse_period("2011-12") == Y(2011)
        assert parse_period("2025-12") == M(2025, 12)

    def test_period_returned_unchanged(self):
        p = H(2025, 1)
        assert parse_period(p) is p

    def _error(self, text):
        with pytest.raises(ValueError) as info:
            parse_period(text)
        message = str(info.value)
        assert repr(text) in message  # quotes the input
        assert "Accepted forms" in message and "Q2 2025/26" in message and "Jul 2025" in message
        return message

    def test_years_not_consecutive(self):
        assert "not consecutive" in self._error("2025/27")
        assert "not consecutive" in self._error("Q2 2025/27")
        assert "not consecutive" in self._error("2025/2027")

    @pytest.mark.parametrize("text", ["Q5 2025/26", "Q0 2025/26", "2025Q5"])
    def test_quarter_number(self, text):
        assert "quarter number must be 1-4" in self._error(text)

    def test_half_year_number(self):
        assert "half-year number must be 1-2" in self._error("H3 2025/26")

    def test_empty(self):
        assert "empty" in self._error("")
        assert "empty" in self._error("   ")

    def test_quarter_without_year(self):
        assert "does not match" in self._error("Q0")

    def test_quarter_with_only_a_calendar_year_is_ambiguous(self):
        assert "ambiguous" in self._error("Q2 2025")

    def test_bare_year(self):
        self._error("2025")

    def test_unknown_month_name(self):
        assert "not a month name" in self._error("Foo 2025")

    def test_iso_month_out_of_range(self):
        assert "not 1-12" in self._error("2025-13")

    @pytest.mark.parametrize("text", ["2025/26 Q2 extra", "Q2/2025/26", "Q2 25/26", "quarter 2"])
    def test_other_garbage(self, text):
        self._error(text)

    @pytest.mark.parametrize("value", [None, 2025, 2025.5])
    def test_non_string(self, value):
        with pytest.raises(TypeError):
            parse_period(value)


class TestParseQuarter:
    def test_quarter(self):
        assert parse_quarter("2025-26 Q3") == Q(2025, 3)

    def test_quarter_period_unchanged(self):
        assert parse_quarter(Q(2025, 3)) == Q(2025, 3)

    @pytest.mark.parametrize(
        ("text", "kind"),
        [("H1 2025/26", "half-year"), ("2025/26", "financial year"), ("Jul 2025", "month")],
    )
    def test_other_kinds_rejected(self, text, kind):
        with pytest.raises(ValueError) as info:
            parse_quarter(text)
        assert repr(text) in str(info.value)
        assert f"is a {kind}, not a quarter" in str(info.value)

    def test_malformed(self):
        with pytest.raises(ValueError, match="quarter number must be 1-4"):
            parse_quarter("Q5 2025/26")


class TestRoundTrip:
    @pytest.mark.parametrize("freq", ["M", "Q", "H", "Y"])
    def test_parse_of_label_is_identity(self, freq):
        per_year = {"M": 12, "Q": 4, "H": 2, "Y": 1}[freq]
        for fy in (1950, 1998, 1999, 2000, 2009, 2023, 2025, 2049):
            for number in range(1, per_year + 1):
                p = Period(freq, fy, number)
                assert parse_period(str(p)) == p


# --- One date ------------------------------------------------------------------------------------


class TestPeriodOf:
    @pytest.mark.parametrize(
        ("d", "expected"),
        [
            (date(2025, 3, 31), "Q4 2024/25"),
            (date(2025, 4, 1), "Q1 2025/26"),
            (date(2025, 6, 30), "Q1 2025/26"),
            (date(2025, 7, 1), "Q2 2025/26"),
            (date(2025, 9, 30), "Q2 2025/26"),
            (date(2025, 10, 1), "Q3 2025/26"),
            (date(2025, 12, 31), "Q3 2025/26"),
            (date(2026, 1, 1), "Q4 2025/26"),
            (date(2024, 2, 29), "Q4 2023/24"),
        ],
    )
    def test_quarter_boundaries(self, d, expected):
        assert str(period_of(d)) == expected

    @pytest.mark.parametrize(
        ("d", "freq", "expected"),
        [
            (date(2025, 3, 31), "Y", "2024/25"),
            (date(2025, 4, 1), "Y", "2025/26"),
            (date(2024, 2, 29), "Y", "2023/24"),
            (date(2025, 9, 30), "H", "H1 2025/26"),
            (date(2025, 10, 1), "H", "H2 2025/26"),
            (date(2026, 3, 31), "H", "H2 2025/26"),
            (date(2024, 2, 29), "M", "Feb 2024"),
            (date(2025, 12, 31), "M", "Dec 2025"),
            (date(2025, 7, 1), "q", "Q2 2025/26"),
        ],
    )
    def test_other_frequencies(self, d, freq, expected):
        assert str(period_of(d, freq)) == expected

    def test_timestamp_and_datetime(self):
        assert period_of(pd.Timestamp("2025-03-31 23:59")) == Q(2024, 4)
        assert period_of(datetime(2025, 4, 1, 0, 0)) == Q(2025, 1)

    def test_bad_frequency(self):
        with pytest.raises(ValueError, match="unknown frequency"):
            period_of(date(2025, 4, 1), "W")

    def test_missing(self):
        with pytest.raises(ValueError):
            period_of(pd.NaT)


class TestFinYearStart:
    @pytest.mark.parametrize(
        ("d", "expected"),
        [
            (date(2025, 3, 31), date(2024, 4, 1)),
            (date(2025, 4, 1), date(2025, 4, 1)),
            (date(2025, 12, 31), date(2025, 4, 1)),
            (date(2026, 1, 1), date(2025, 4, 1)),
            (date(2024, 2, 29), date(2023, 4, 1)),
        ],
    )
    def test_start(self, d, expected):
        assert fin_year_start(d) == expected


class TestFinYearEnd:
    @pytest.mark.parametrize(
        ("d", "expected"),
        [
            (date(2025, 3, 31), date(2025, 3, 31)),
            (date(2025, 4, 1), date(2026, 3, 31)),
            (date(2024, 2, 29), date(2024, 3, 31)),
        ],
    )
    def test_end(self, d, expected):
        assert fin_year_end(d) == expected


class TestQuarterStart:
    @pytest.mark.parametrize(
        ("d", "expected"),
        [
            (date(2025, 3, 31), date(2025, 1, 1)),
            (date(2025, 4, 1), date(2025, 4, 1)),
            (date(2025, 6, 30), date(2025, 4, 1)),
            (date(2025, 7, 1), date(2025, 7, 1)),
            (date(2025, 12, 31), date(2025, 10, 1)),
            (date(2026, 1, 1), date(2026, 1, 1)),
            (date(2024, 2, 29), date(2024, 1, 1)),
        ],
    )
    def test_start(self, d, expected):
        assert quarter_start(d) == expected


class TestQuarterEnd:
    @pytest.mark.parametrize(
        ("d", "expected"),
        [
            (date(2025, 3, 31), date(2025, 3, 31)),
            (date(2025, 4, 1), date(2025, 6, 30)),
            (date(2025, 6, 30), date(2025, 6, 30)),
            (date(2025, 7, 1), date(2025, 9, 30)),
            (date(2025, 12, 31), date(2025, 12, 31)),
            (date(2026, 1, 1), date(2026, 3, 31)),
            (date(2024, 2, 29), date(2024, 3, 31)),
        ],
    )
    def test_end(self, d, expected):
        assert quarter_end(d) == expected


# --- Ranges and ordering -------------------------------------------------------------------------


class TestLastNPeriods:
    def test_eight_quarters_from_label(self):
        result = last_n_periods("Q2 2025/26", 8)
        assert len(result) == 8
        assert str(result[0]) == "Q3 2023/24" and str(result[-1]) == "Q2 2025/26"

    def test_half_years(self):
        assert labels(last_n_periods("H1 2025/26", 3)) == [
            "H1 2024/25",
            "H2 2024/25",
            "H1 2025/26",
        ]

    def test_years(self):
        assert labels(last_n_periods(Y(2025), 2)) == ["2024/25", "2025/26"]

    def test_bad_label(self):
        with pytest.raises(ValueError, match="Q5"):
            last_n_periods("Q5 2025/26", 2)


class TestPeriodsBetween:
    def test_across_year_boundary(self):
        assert labels(periods_between("Q3 2024/25", "Q2 2025/26")) == [
            "Q3 2024/25",
            "Q4 2024/25",
            "Q1 2025/26",
            "Q2 2025/26",
        ]

    def test_single(self):
        assert periods_between(Q(2025, 1), Q(2025, 1)) == [Q(2025, 1)]

    def test_months(self):
        assert labels(periods_between("Feb 2024", "2024-04")) == [
            "Feb 2024",
            "Mar 2024",
            "Apr 2024",
        ]

    def test_years(self):
        assert periods_between("2023/24", "2025-26") == [Y(2023), Y(2024), Y(2025)]

    def test_mixed_frequencies(self):
        with pytest.raises(ValueError, match="same frequency"):
            periods_between("Q1 2025/26", "2025/26")

    def test_reversed(self):
        with pytest.raises(ValueError, match="after"):
            periods_between("Q2 2025/26", "Q1 2025/26")


class TestSortKey:
    def test_sorted_with_key(self):
        assert sorted(["Q1 2025/26", "Q4 2024/25", "2024/25 Q1"], key=sort_key) == [
            "2024/25 Q1",
            "Q4 2024/25",
            "Q1 2025/26",
        ]

    def test_key_is_period(self):
        assert sort_key("2025Q2") == Q(2025, 2)


class TestSortPeriods:
    def test_alphabetical_order_is_wrong_chronological_is_right(self):
        given = ["Q1 2025/26", "Q4 2024/25", "Q3 2024/25", "Q2 2025/26"]
        assert sorted(given) == [
            "Q1 2025/26",
            "Q2 2025/26",
            "Q3 2024/25",
            "Q4 2024/25",
        ]  # alphabetical: wrong
        assert sort_periods(given) == ["Q3 2024/25", "Q4 2024/25", "Q1 2025/26", "Q2 2025/26"]

    def test_months_keep_spelling(self):
        assert sort_periods(["Jan 2026", "December 2025", "2025-04"]) == [
            "2025-04",
            "December 2025",
            "Jan 2026",
        ]

    def test_periods(self):
        assert sort_periods([H(2025, 1), H(2024, 2)]) == [H(2024, 2), H(2025, 1)]

    def test_empty(self):
        assert sort_periods([]) == []

    def test_mixed_frequencies(self):
        with pytest.raises(ValueError, match="different frequencies"):
            sort_periods(["Q1 2025/26", "2025/26"])

    def test_malformed(self):
        with pytest.raises(ValueError, match="'Q9 2025/26'"):
            sort_periods(["Q1 2025/26", "Q9 2025/26"])


# --- Whole columns -------------------------------------------------------------------------------


BOUNDARY_DATES = pd.Series(
    pd.to_datetime(
        [
            "2025-03-31",
            "2025-04-01",
            "2025-06-30",
            "2025-07-01",
            "2025-12-31",
            "2026-01-01",
            "2024-02-29",
            None,
        ]
    ),
    index=[10, 11, 12, 13, 14, 15, 16, 17],
    name="report_date",
)


class TestPeriodLabels:
    def test_quarters_at_boundaries(self):
        result = period_labels(BOUNDARY_DATES)
        assert result.iloc[:7].tolist() == [
            "Q4 2024/25",
            "Q1 2025/26",
            "Q1 2025/26",
            "Q2 2025/26",
            "Q3 2025/26",
            "Q4 2025/26",
            "Q4 2023/24",
        ]

    def test_missing_date_gives_na(self):
        result = period_labels(BOUNDARY_DATES)
        assert result.iloc[7] is pd.NA
        assert result.isna().tolist() == [False] * 7 + [True]

    def test_keeps_index_and_name_and_uses_string_dtype(self):
        result = period_labels(BOUNDARY_DATES)
        assert result.index.tolist() == [10, 11, 12, 13, 14, 15, 16, 17]
        assert result.name == "report_date"
        assert isinstance(result.dtype, pd.StringDtype)

    @pytest.mark.parametrize(
        ("freq", "expected"),
        [
            ("Y", ["2024/25", "2025/26", "2025/26", "2025/26", "2025/26", "2025/26", "2023/24"]),
            (
                "H",
                [
                    "H2 2024/25",
                    "H1 2025/26",
                    "H1 2025/26",
                    "H1 2025/26",
                    "H2 2025/26",
                    "H2 2025/26",
                    "H2 2023/24",
                ],
            ),
            (
                "M",
                [
                    "Mar 2025",
                    "Apr 2025",
                    "Jun 2025",
                    "Jul 2025",
                    "Dec 2025",
                    "Jan 2026",
                    "Feb 2024",
                ],
            ),
        ],
    )
    def test_other_frequencies(self, freq, expected):
        result = period_labels(BOUNDARY_DATES, freq)
        assert result.iloc[:7].tolist() == expected
        assert result.iloc[7] is pd.NA

    def test_financial_year_across_century(self):
        s = pd.Series(pd.to_datetime(["2000-03-31", "2000-04-01"]))
        assert period_labels(s, "Y").tolist() == ["1999/00", "2000/01"]

    def test_date_objects(self):
        s = pd.Series([date(2025, 7, 1), None, date(2026, 3, 31)])
        assert period_labels(s).tolist() == ["Q2 2025/26", pd.NA, "Q4 2025/26"]

    def test_datetimes_with_time_of_day(self):
        s = pd.Series(pd.to_datetime(["2025-03-31 23:59:59", "2025-04-01 00:00:01"]))
        assert period_labels(s).tolist() == ["Q4 2024/25", "Q1 2025/26"]

    def test_all_missing(self):
        s = pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns]")
        assert period_labels(s).isna().all()

    def test_empty(self):
        result = period_labels(pd.Series([], dtype="datetime64[ns]"))
        assert len(result) == 0 and isinstance(result.dtype, pd.StringDtype)

    def test_strings_rejected(self):
        with pytest.raises(TypeError, match="dates"):
            period_labels(pd.Series(["01/04/2025", "02/04/2025"]))

    def test_bad_frequency(self):
        with pytest.raises(ValueError, match="unknown frequency"):
            period_labels(BOUNDARY_DATES, "W")


class TestPeriodStartDates:
    def test_quarter_starts(self):
        result = period_start_dates(BOUNDARY_DATES)
        assert [d.date() for d in result.iloc[:7]] == [
            date(2025, 1, 1),
            date(2025, 4, 1),
            date(2025, 4, 1),
            date(2025, 7, 1),
            date(2025, 10, 1),
            date(2026, 1, 1),
            date(2024, 1, 1),
        ]
        assert result.iloc[7] is pd.NaT
        assert result.index.tolist() == BOUNDARY_DATES.index.tolist()
        assert pd.api.types.is_datetime64_dtype(result)

    @pytest.mark.parametrize(
        ("freq", "expected"),
        [
            ("Y", [date(2024, 4, 1), date(2025, 4, 1), date(2025, 4, 1)]),
            ("H", [date(2024, 10, 1), date(2025, 4, 1), date(2025, 4, 1)]),
            ("M", [date(2025, 3, 1), date(2025, 4, 1), date(2025, 6, 1)]),
        ],
    )
    def test_other_frequencies(self, freq, expected):
        result = period_start_dates(BOUNDARY_DATES, freq)
        assert [d.date() for d in result.iloc[:3]] == expected

    def test_sorting_rows_chronologically(self):
        s = pd.Series(pd.to_datetime(["2026-02-01", "2025-05-01", "2025-11-01"]))
        frame = pd.DataFrame({"label": period_labels(s), "start": period_start_dates(s)})
        assert frame.sort_values("start")["label"].tolist() == [
            "Q1 2025/26",
            "Q3 2025/26",
            "Q4 2025/26",
        ]


# --- The exhaustive calendar test ----------------------------------------------------------------


FIRST_DAY = date(1950, 4, 1)
LAST_DAY = date(2050, 3, 31)
# 100 financial years of 365 days, plus the 25 leap days 1952, 1956, ..., 2048 (2000 is a leap
# year).
CENTURY_DAYS = 100 * 365 + 25


@pytest.fixture(scope="module")
def century_days() -> list[date]:
    return [date.fromordinal(n) for n in range(FIRST_DAY.toordinal(), LAST_DAY.toordinal() + 1)]


@pytest.fixture(scope="module")
def century_series(century_days) -> pd.Series:
    return pd.Series(pd.to_datetime(century_days))


@pytest.fixture(scope="module")
def century_scalar(century_days) -> dict[str, list[Period]]:
    """``period_of`` for every day of the century and every frequency, computed once."""
    return {freq: [period_of(d, freq) for d in century_days] for freq in ("M", "Q", "H", "Y")}


class TestCentury:
    def test_day_count(self, century_days):
        assert len(century_days) == CENTURY_DAYS

    def test_financial_years_tile_the_century(self):
        years = [Y(fy) for fy in range(1950, 2050)]
        assert years[0].start == FIRST_DAY and years[-1].end == LAST_DAY
        for earlier, later in zip(years, years[1:]):
            assert later.start == earlier.end + timedelta(days=1)  # no gap, no overlap
        assert sum(y.days for y in years) == CENTURY_DAYS

    def test_year_length_is_366_exactly_when_it_holds_29_february(self):
        for fy in range(1950, 2050):
            year = Y(fy)
            # A financial year holds the February of its end year.
            holds_leap_day = calendar.isleap(fy + 1)
            assert year.days == (366 if holds_leap_day else 365)
            if holds_leap_day:
                assert year.contains(date(fy + 1, 2, 29))
            assert year.start == date(fy, 4, 1) and year.end == date(fy + 1, 3, 31)

    @pytest.mark.parametrize("freq", ["M", "Q", "H", "Y"])
    def test_each_day_in_exactly_one_period(self, century_days, century_scalar, freq):
        # Each day lies inside the period given for it, and walking day by day the period only ever
        # changes to the next one, on the day after the old one ends: the periods tile the century
        # with no gap or overlap, so every day is in exactly one of them.
        periods = century_scalar[freq]
        for d, p in zip(century_days, periods):
            assert p.start <= d <= p.end
        for d, p, p_after in zip(century_days, periods, periods[1:]):
            if p_after != p:
                assert (
                    p_after == p.next() and p.end == d and p_after.start == d + timedelta(days=1)
                )
        assert periods[0].start == FIRST_DAY and periods[-1].end == LAST_DAY

    def test_four_quarters_tile_each_year_with_expected_lengths(self):
        for fy in range(1950, 2050):
            year = Y(fy)
            quarters = year.quarters()
            assert [q.number for q in quarters] == [1, 2, 3, 4]
            assert quarters[0].start == year.start and quarters[-1].end == year.end
            for earlier, later in zip(quarters, quarters[1:]):
                assert later.start == earlier.end + timedelta(days=1)
            q4_days = 91 if calendar.isleap(fy + 1) else 90
            assert [q.days for q in quarters] == [91, 92, 92, q4_days]
            assert [h.quarters() for h in year.subperiods("H")] == [quarters[:2], quarters[2:]]

    def test_quarters_of_each_day_nest_in_its_financial_year(self, century_scalar):
        for q, y in zip(century_scalar["Q"], century_scalar["Y"]):
            assert q.financial_year == y

    def test_label_counts_per_financial_year(self, century_series):
        counts = period_labels(century_series, "Y").value_counts()
        assert len(counts) == 100
        assert set(counts.unique()) == {365, 366}
        assert counts["2023/24"] == 366 and counts["2024/25"] == 365 and counts["1999/00"] == 366

    @pytest.mark.parametrize("freq", ["M", "Q", "H", "Y"])
    def test_vectorised_agrees_with_scalar_for_every_day(
        self, century_series, century_scalar, freq
    ):
        vectorised = period_labels(
            century_series, freq
        ).tolist()  # computed once over the whole century
        starts = period_start_dates(century_series, freq).dt.date.tolist()
        assert vectorised == [str(p) for p in century_scalar[freq]]
        assert starts == [p.start for p in century_scalar[freq]]
