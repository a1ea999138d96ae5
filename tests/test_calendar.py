"""Tests for jswlib.definitions.calendar: Scottish working days and timescale checks.

Every date below carries its weekday in a comment; weekdays were checked with Python's ``datetime``
while writing, not with the code under test. Expected counts follow the documented convention:
elapsed working days = number of working days d with rolled_start <= d < end (start rolled forward
to a working day), floored at 0.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import dataclasses
from datetime import date, timedelta

import holidays
import numpy as np
import pandas as pd
import pytest

from jswlib.definitions.calendar import (
    WorkingCalendar,
    add_calendar_months,
    scottish_bank_holidays,
    within_calendar_days,
    within_calendar_months,
    within_working_days,
    working_day_deadline,
    working_days_elapsed,
)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar.scottish()


def ser(*values, index=None) -> pd.Series:
    """A datetime64 Series from ISO strings (None for missing)."""
    return pd.Series(pd.to_datetime(list(values)), index=index)


def elapsed_one(start: str, end: str, calendar: WorkingCalendar) -> int:
    return int(working_days_elapsed(ser(start), ser(end), calendar).iloc[0])


# -------------------------------------------------------------------------------------------------
# Slow, obviously-correct reference implementations
# -------------------------------------------------------------------------------------------------


def reference_elapsed(start: date, end: date, holiday_set: set[date]) -> int:
    """Walk day by day: roll the start to a working day, then count working days d with start <= d
    < end."""

    def working(d: date) -> bool:
        return d.weekday() < 5 and d not in holiday_set

    d = start
    while not working(d):
        d += timedelta(days=1)
    count = 0
    while d < end:
        if working(d):
            count += 1
        d += timedelta(days=1)
    return count


def reference_add_months(d: date, n: int) -> date:
    """Add n months with stdlib arithmetic, clipping the day to the target month's length."""
    month_index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(d.day, stdlib_calendar.monthrange(year, month)[1]))


# -------------------------------------------------------------------------------------------------
# scottish_bank_holidays
# -------------------------------------------------------------------------------------------------


class TestScottishBankHolidays:
    def test_second_of_january_is_a_holiday_so_sct_is_used(self):
        days = scottish_bank_holidays(2025, 2025)
        assert date(2025, 1, 1) in days  # Wed
        assert date(2025, 1, 2) in days  # Thu: Scotland only
        # A UK-wide list (no subdiv) would not have it: this is the difference the function relies
        # on.
        uk_wide = holidays.country_holidays("GB", years=2025)
        assert date(2025, 1, 2) not in uk_wide
        assert set(days) != set(uk_wide)

    def test_good_friday_but_not_easter_monday(self):
        days = scottish_bank_holidays(2025, 2025)
        assert date(2025, 4, 18) in days  # Fri: Good Friday
        assert date(2025, 4, 21) not in days  # Mon: Easter Monday, not Scottish

    def test_st_andrews_day_at_a_weekend_moves_to_monday(self):
        days = scottish_bank_holidays(2025, 2025)
        assert date(2025, 11, 30) in days  # Sun: St Andrew's Day itself
        assert date(2025, 12, 1) in days  # Mon: substitute day

    def test_august_first_monday_not_last_monday(self):
        days = scottish_bank_holidays(2025, 2025)
        assert date(2025, 8, 4) in days  # Mon: first Monday in August
        assert date(2025, 8, 25) not in days  # Mon: England-only late summer holiday

    def test_may_holidays_and_christmas(self):
        days = scottish_bank_holidays(2025, 2025)
        assert date(2025, 5, 5) in days  # Mon: first Monday in May
        assert date(2025, 5, 26) in days  # Mon: last Monday in May
        assert date(2025, 12, 25) in days  # Thu
        assert date(2025, 12, 26) in days  # Fri

    def test_substitute_boxing_day(self):
        days = scottish_bank_holidays(2026, 2026)
        assert date(2026, 12, 26) in days  # Sat
        assert date(2026, 12, 28) in days  # Mon: substitute

    def test_one_off_day_listed(self):
        assert date(2026, 6, 15) in scottish_bank_holidays(2026, 2026)  # Mon

    def test_sorted_unique_dates_within_range(self):
        days = scottish_bank_holidays(2018, 2027)
        assert days == sorted(set(days))
        assert all(type(d) is date for d in days)
        assert days[0].year == 2018 and days[-1].year == 2027

    def test_bad_range(self):
        with pytest.raises(ValueError, match="first_year"):
            scottish_bank_holidays(2026, 2025)
        with pytest.raises(TypeError):
            scottish_bank_holidays("2025", 2025)


# -------------------------------------------------------------------------------------------------
# WorkingCalendar
# -------------------------------------------------------------------------------------------------


class TestWorkingCalendar:
    def test_is_working_day_scalars(self, cal):
        assert cal.is_working_day(date(2025, 1, 2)) is False  # Thu: holiday
        assert cal.is_working_day(date(2025, 1, 3)) is True  # Fri
        assert cal.is_working_day(date(2025, 4, 21)) is True  # Mon: Easter Monday is worked
        assert cal.is_working_day(date(2025, 4, 18)) is False  # Fri: Good Friday
        assert cal.is_working_day(date(2025, 12, 1)) is False  # Mon: St Andrew's substitute
        assert cal.is_working_day(date(2025, 8, 4)) is False  # Mon
        assert cal.is_working_day(date(2025, 8, 25)) is True  # Mon: England only
        assert cal.is_working_day(date(2025, 6, 14)) is False  # Sat
        assert cal.is_working_day("2025-06-15") is False  # Sun
        assert cal.is_working_day(pd.Timestamp("2025-06-16 15:30")) is True  # Mon, time ignored
        assert cal.is_working_day(None) is pd.NA

    def test_is_working_day_series_keeps_index_and_missing(self, cal):
        # Thu holiday, Fri, missing
        dates = ser("2025-01-02", "2025-01-03", None, index=[10, 20, 30])
        result = cal.is_working_day(dates)
        assert result.dtype == "boolean"
        assert list(result.index) == [10, 20, 30]
        assert result.iloc[0] == False  # noqa: E712
        assert result.iloc[1] == True  # noqa: E712
        assert result.iloc[2] is pd.NA

    def test_holidays_property(self, cal):
        hols = cal.holidays
        assert isinstance(hols, tuple)
        assert list(hols) == sorted(hols)
        assert date(2025, 1, 2) in hols  # Thu
        assert date(2025, 4, 21) not in hols  # Mon
        assert hols[0] >= date(1990, 1, 1) and hols[-1] <= date(2045, 12, 31)

    def test_roll_forward(self, cal):
        assert cal.roll_forward(date(2025, 12, 25)) == pd.Timestamp("2025-12-29")  # Thu hol -> Mon
        assert cal.roll_forward(date(2025, 6, 14)) == pd.Timestamp("2025-06-16")  # Sat -> Mon
        assert cal.roll_forward(date(2025, 5, 2)) == pd.Timestamp("2025-05-02")  # Fri stays
        # Sat -> Tue (Mon hol)
        assert cal.roll_forward(date(2025, 5, 3)) == pd.Timestamp("2025-05-06")
        assert cal.roll_forward(None) is pd.NaT
        # Fri hol, -, Mon
        rolled = cal.roll_forward(ser("2025-04-18", None, "2025-04-21", index=list("xyz")))
        assert list(rolled.index) == list("xyz")
        assert rolled.iloc[0] == pd.Timestamp("2025-04-21")
        assert pd.isna(rolled.iloc[1])
        assert rolled.iloc[2] == pd.Timestamp("2025-04-21")

    def test_add_local_holiday(self):
        # Mon: made-up Glasgow Fair Monday
        local = WorkingCalendar.scottish(add=[date(2025, 7, 21)])
        assert local.is_working_day(date(2025, 7, 21)) is False
        assert date(2025, 7, 21) in local.holidays
        assert WorkingCalendar.scottish().is_working_day(date(2025, 7, 21)) is True

    def test_remove_one_off_day(self):
        worked = WorkingCalendar.scottish(remove=[date(2026, 6, 15)])  # Mon
        assert worked.is_working_day(date(2026, 6, 15)) is True
        assert date(2026, 6, 15) not in worked.holidays

    def test_add_and_remove_accept_strings_and_timestamps(self):
        a = WorkingCalendar.scottish(add=["2025-07-21"], remove=[pd.Timestamp("2026-06-15")])
        b = WorkingCalendar.scottish(add=[date(2025, 7, 21)], remove=[date(2026, 6, 15)])
        assert a == b
        assert hash(a) == hash(b)
        assert a.add == (date(2025, 7, 21),)

    def test_immutable_and_lazy(self):
        calendar = WorkingCalendar.scottish()
        assert "_loaded_holidays" not in vars(calendar)  # nothing built at construction
        with pytest.raises(dataclasses.FrozenInstanceError):
            calendar.first_year = 2000  # type: ignore[misc]
        calendar.is_working_day(date(2025, 1, 2))  # Thu
        assert "_loaded_holidays" in vars(calendar)  # built once, cached on the instance
        assert calendar.busdaycalendar is calendar.busdaycalendar
        assert calendar.busdaycalendar.weekmask.tolist() == [True] * 5 + [False] * 2

    def test_outside_covered_years_raises(self):
        narrow = WorkingCalendar.scottish(first_year=2020, last_year=2025)
        with pytest.raises(ValueError, match="outside the years covered"):
            narrow.is_working_day(date(2026, 1, 5))  # Mon
        with pytest.raises(ValueError, match="outside the years covered"):
            working_days_elapsed(ser("2019-12-31"), ser("2020-01-06"), narrow)  # Tue, Mon

    def test_roll_forward_at_end_of_range_uses_next_year_holidays(self):
        # 31 Dec 2044 is a Saturday; 1 Jan 2045 (Sun), 2 Jan (Mon) and the substitute 3 Jan (Tue)
        # are holidays, so the next working day is Wed 4 Jan 2045 (only right if 2045 holidays are
        # loaded).
        narrow = WorkingCalendar.scottish(first_year=2044, last_year=2044)
        assert date(2044, 12, 31).weekday() == 5  # Sat (self-check of the comment above)
        assert narrow.roll_forward(date(2044, 12, 31)) == pd.Timestamp("2045-01-04")

    def test_invalid_construction(self):
        with pytest.raises(ValueError):
            WorkingCalendar.scottish(first_year=2030, last_year=2020)
        with pytest.raises(ValueError):
            WorkingCalendar.scottish(add=[None])


# -------------------------------------------------------------------------------------------------
# working_days_elapsed
# -------------------------------------------------------------------------------------------------


class TestWorkingDaysElapsed:
    def test_friday_before_bank_holiday_monday(self, cal):
        # Imposed Fri 2 May 2025; Mon 5 May 2025 is May Day.
        start = "2025-05-02"  # Fri
        assert elapsed_one(start, "2025-05-02", cal) == 0  # Fri, same day
        assert elapsed_one(start, "2025-05-03", cal) == 1  # Sat: [Fri] -> 1
        assert elapsed_one(start, "2025-05-04", cal) == 1  # Sun
        assert elapsed_one(start, "2025-05-05", cal) == 1  # Mon (holiday)
        assert elapsed_one(start, "2025-05-06", cal) == 1  # Tue: [Fri, Sat, Sun, Mon-hol] -> 1
        assert elapsed_one(start, "2025-05-07", cal) == 2  # Wed: Fri and Tue

    def test_tuesday_contact_meets_one_day_standard(self, cal):
        ok = within_working_days(ser("2025-05-02"), ser("2025-05-06"), 1, cal)  # Fri -> Tue
        assert ok.iloc[0] == True  # noqa: E712
        late = within_working_days(ser("2025-05-02"), ser("2025-05-07"), 1, cal)  # Fri -> Wed
        assert late.iloc[0] == False  # noqa: E712

    def test_christmas_to_new_year(self, cal):
        # Imposed Wed 24 Dec 2025, event Fri 2 Jan 2026. Holidays: 25 (Thu), 26 (Fri) Dec, 1 (Thu)
        # and 2 (Fri) Jan; 29 (Mon), 30 (Tue), 31 (Wed) Dec are working. [24 Dec, 2 Jan) -> 24, 29,
        # 30, 31.
        assert elapsed_one("2025-12-24", "2026-01-02", cal) == 4
        # Mon: 1, 2 Jan holidays, 3-4 weekend
        assert elapsed_one("2025-12-24", "2026-01-05", cal) == 4
        assert elapsed_one("2025-12-24", "2026-01-06", cal) == 5  # Tue: adds Mon 5 Jan

    def test_imposed_on_a_holiday_rolls_forward(self, cal):
        # Thu 25 Dec 2025 (holiday) -> Fri 26 (holiday), Sat, Sun -> Mon 29 Dec 2025 is day 0.
        assert elapsed_one("2025-12-25", "2025-12-29", cal) == 0  # Mon
        assert elapsed_one("2025-12-25", "2025-12-30", cal) == 1  # Tue
        assert elapsed_one("2025-12-25", "2025-12-26", cal) == 0  # Fri (holiday), before day 0
        assert elapsed_one("2025-12-25", "2025-12-25", cal) == 0  # Thu, same day

    def test_imposed_on_a_saturday(self, cal):
        # Sat 14 Jun 2025 rolls to Mon 16 Jun 2025 (day 0).
        assert elapsed_one("2025-06-14", "2025-06-14", cal) == 0  # Sat
        assert elapsed_one("2025-06-14", "2025-06-15", cal) == 0  # Sun
        assert elapsed_one("2025-06-14", "2025-06-16", cal) == 0  # Mon
        assert elapsed_one("2025-06-14", "2025-06-17", cal) == 1  # Tue

    def test_financial_year_end(self, cal):
        assert elapsed_one("2025-03-31", "2025-04-01", cal) == 1  # Mon -> Tue
        # Sat (rolls to Mon 31 Mar) -> Tue
        assert elapsed_one("2025-03-29", "2025-04-01", cal) == 1
        # 2024: Thu 28 Mar -> Tue 2 Apr; Fri 29 Mar Good Friday, Mon 1 Apr Easter Monday (worked):
        # [28, 29h, 30, 31, 1 Apr) -> 28 Mar and 1 Apr.
        assert elapsed_one("2024-03-28", "2024-04-02", cal) == 2

    def test_easter_monday_is_a_working_day(self, cal):
        # Thu 17 Apr 2025 -> Tue 22 Apr 2025: [17, 18h, 19, 20, 21) -> 17 and 21.
        assert elapsed_one("2025-04-17", "2025-04-22", cal) == 2

    def test_same_day_is_zero_and_meets_one_day(self, cal):
        assert elapsed_one("2025-01-03", "2025-01-03", cal) == 0  # Fri
        assert within_working_days(ser("2025-01-03"), ser("2025-01-03"), 1, cal).iloc[0] == True  # noqa: E712

    def test_end_before_start_floored_at_zero(self, cal):
        assert elapsed_one("2025-05-07", "2025-05-02", cal) == 0  # Wed -> earlier Fri

    def test_local_holiday_changes_count_by_one(self, cal):
        # Fri 18 Jul 2025 -> Wed 23 Jul 2025: [18, 19, 20, 21, 22) -> 18, 21, 22 = 3 normally.
        # Mon: made-up Glasgow Fair Monday
        local = WorkingCalendar.scottish(add=[date(2025, 7, 21)])
        assert elapsed_one("2025-07-18", "2025-07-23", cal) == 3
        assert elapsed_one("2025-07-18", "2025-07-23", local) == 2

    def test_removed_one_off_day_counts_again(self, cal):
        # Fri 12 Jun 2026 -> Wed 17 Jun 2026; Mon 15 Jun 2026 is the listed one-off holiday.
        worked = WorkingCalendar.scottish(remove=[date(2026, 6, 15)])
        assert elapsed_one("2026-06-12", "2026-06-17", cal) == 2  # 12 and 16
        assert elapsed_one("2026-06-12", "2026-06-17", worked) == 3  # 12, 15 and 16

    def test_missing_dates_give_na_and_index_is_kept(self, cal):
        idx = pd.Index(["a", "b", "c", "d"], name="case")
        start = ser("2025-05-02", None, "2025-05-02", None, index=idx)  # Fri
        end = ser("2025-05-07", "2025-05-07", None, None, index=idx)  # Wed
        result = working_days_elapsed(start, end, cal)
        assert result.dtype == "Int64"
        assert result.index.equals(idx)
        assert result.iloc[0] == 2
        assert result.iloc[1:].isna().all()

    def test_all_missing(self, cal):
        result = working_days_elapsed(ser(None, None), ser(None, None), cal)
        assert result.dtype == "Int64"
        assert result.isna().all()

    def test_empty(self, cal):
        result = working_days_elapsed(ser(), ser(), cal)
        assert result.dtype == "Int64" and len(result) == 0

    @pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
    def test_any_datetime_resolution(self, cal, unit):
        start = ser("2025-05-02", "2025-12-24").astype(f"datetime64[{unit}]")  # Fri, Wed
        end = ser("2025-05-07", "2026-01-02").astype(f"datetime64[{unit}]")  # Wed, Fri
        assert working_days_elapsed(start, end, cal).tolist() == [2, 4]

    def test_lists_of_strings_dates_and_scalar_broadcast(self, cal):
        from_strings = working_days_elapsed(
            ["2025-05-02", "2025-12-24"], ["2025-05-07", "2026-01-02"], cal
        )
        from_dates = working_days_elapsed(
            [date(2025, 5, 2), date(2025, 12, 24)], [date(2025, 5, 7), date(2026, 1, 2)], cal
        )
        assert from_strings.tolist() == from_dates.tolist() == [2, 4]
        # One reference date for a whole column; the column's index is kept.
        broadcast = working_days_elapsed(
            ser("2025-05-02", "2025-05-06", index=[7, 8]), "2025-05-07", cal
        )
        assert broadcast.tolist() == [2, 1] and list(broadcast.index) == [7, 8]

    def test_object_series_of_dates_keeps_index(self, cal):
        start = pd.Series([date(2025, 5, 2), None], index=[5, 6], dtype=object)  # Fri
        end = pd.Series([date(2025, 5, 7), date(2025, 5, 7)], index=[5, 6], dtype=object)  # Wed
        result = working_days_elapsed(start, end, cal)
        assert list(result.index) == [5, 6]
        assert result.iloc[0] == 2 and result.iloc[1] is pd.NA

    def test_time_of_day_ignored(self, cal):
        start = pd.Series(pd.to_datetime(["2025-05-02 23:59"]))  # Fri
        end = pd.Series(pd.to_datetime(["2025-05-07 00:01"]))  # Wed
        assert working_days_elapsed(start, end, cal).tolist() == [2]

    def test_mismatched_inputs_raise(self, cal):
        with pytest.raises(ValueError, match="same index"):
            working_days_elapsed(ser("2025-05-02", index=[0]), ser("2025-05-07", index=[1]), cal)
        with pytest.raises(ValueError, match="same length"):
            working_days_elapsed(["2025-05-02"], ["2025-05-07", "2025-05-08"], cal)
        with pytest.raises(TypeError, match="WorkingCalendar"):
            working_days_elapsed(ser("2025-05-02"), ser("2025-05-07"), calendar=None)  # type: ignore[arg-type]

    def test_does_not_modify_inputs(self, cal):
        start = ser("2025-06-14", None)  # Sat
        end = ser("2025-06-17", "2025-06-17")  # Tue
        before_start, before_end = start.copy(), end.copy()
        working_days_elapsed(start, end, cal)
        pd.testing.assert_series_equal(start, before_start)
        pd.testing.assert_series_equal(end, before_end)

    @staticmethod
    def _random_pairs(seed: int, n: int, holiday_set: set[date]) -> tuple[list[date], list[date]]:
        rng = np.random.default_rng(seed)
        first, last = date(2018, 1, 1), date(2027, 12, 31)
        span = (last - first).days
        starts = [first + timedelta(days=int(k)) for k in rng.integers(0, span - 100, n)]
        offsets = rng.integers(-10, 100, n)
        ends = [s + timedelta(days=int(k)) for s, k in zip(starts, offsets)]
        # Make sure the awkward cases are well represented.
        in_range = sorted(h for h in holiday_set if first <= h <= date(2027, 9, 1))
        for i in range(0, 400):  # starts on holidays
            starts[i] = in_range[i % len(in_range)]
            ends[i] = starts[i] + timedelta(days=int(offsets[i]))
        for i in range(400, 800):  # starts on weekends
            s = starts[i]
            starts[i] = s + timedelta(days=(5 - s.weekday()) % 7 + (i % 2))  # next Sat or Sun
            ends[i] = starts[i] + timedelta(days=int(offsets[i]))
        for i in range(800, 1200):  # end == start
            ends[i] = starts[i]
        return starts, ends

    @pytest.mark.parametrize(
        ("add", "remove"),
        [
            ((), ()),
            ((date(2025, 7, 21), date(2019, 9, 30), date(2023, 4, 10)), (date(2026, 6, 15),)),
        ],
    )
    def test_agrees_with_day_by_day_reference(self, add, remove):
        holiday_set = (set(scottish_bank_holidays(2018, 2028)) | set(add)) - set(remove)
        calendar = WorkingCalendar.scottish(add=add, remove=remove)
        starts, ends = self._random_pairs(20250402, 5000, holiday_set)
        assert sum(s == e for s, e in zip(starts, ends)) >= 400
        assert sum(s.weekday() >= 5 for s in starts) >= 400
        assert sum(s in holiday_set and s.weekday() < 5 for s in starts) >= 100
        expected = [reference_elapsed(s, e, holiday_set) for s, e in zip(starts, ends)]
        index = pd.RangeIndex(1000, 6000)
        got = working_days_elapsed(
            pd.Series(pd.to_datetime(starts), index=index),
            pd.Series(pd.to_datetime(ends), index=index),
            calendar,
        )
        assert got.index.equals(index)
        assert got.tolist() == expected


# -------------------------------------------------------------------------------------------------
# within_working_days
# -------------------------------------------------------------------------------------------------


class TestWithinWorkingDays:
    def test_standard_boundaries(self, cal):
        start = ser("2025-05-02", "2025-05-02", "2025-05-02", "2025-05-02")  # Fri x4
        end = ser("2025-05-02", "2025-05-06", "2025-05-07", "2025-05-08")  # Fri, Tue, Wed, Thu
        assert within_working_days(start, end, 1, cal).tolist() == [True, True, False, False]
        assert within_working_days(start, end, 2, cal).tolist() == [True, True, True, False]
        assert within_working_days(start, end, 0, cal).tolist() == [True, False, False, False]

    def test_nth_working_day_meets_n_day_standard(self, cal):
        # Wed 24 Dec 2025 day 0; Mon 29 (1), Tue 30 (2), Wed 31 (3), Mon 5 Jan 2026 (4), Tue 6 Jan
        # (5).
        start = ser(*["2025-12-24"] * 3)
        end = ser("2026-01-05", "2026-01-06", "2025-12-31")  # Mon, Tue, Wed
        assert within_working_days(start, end, 4, cal).tolist() == [True, False, True]

    def test_missing_gives_na_index_kept(self, cal):
        start = ser("2025-05-02", None, "2025-05-02", index=["x", "y", "z"])  # Fri
        end = ser("2025-05-06", "2025-05-06", None, index=["x", "y", "z"])  # Tue
        result = within_working_days(start, end, 1, cal)
        assert result.dtype == "boolean"
        assert list(result.index) == ["x", "y", "z"]
        assert result.iloc[0] == True  # noqa: E712
        assert result.iloc[1] is pd.NA and result.iloc[2] is pd.NA

    def test_bad_n(self, cal):
        with pytest.raises(ValueError):
            within_working_days(ser("2025-05-02"), ser("2025-05-06"), -1, cal)
        with pytest.raises(TypeError):
            within_working_days(ser("2025-05-02"), ser("2025-05-06"), 1.5, cal)  # type: ignore[arg-type]


class TestWorkingDayDeadline:
    def test_bank_holiday_weekend(self, cal):
        # Fri 2 May 2025 is day 0; Mon 5 May is the May Day holiday; Tue 6 May is day 1, Wed 7 May
        # day 2.
        out = working_day_deadline(ser("2025-05-02", "2025-05-02", "2025-05-02"), 0, cal)
        assert out.tolist() == list(pd.to_datetime(["2025-05-02"] * 3))
        assert working_day_deadline(ser("2025-05-02"), 1, cal).iloc[0] == pd.Timestamp(
            "2025-05-06"
        )
        assert working_day_deadline(ser("2025-05-02"), 2, cal).iloc[0] == pd.Timestamp(
            "2025-05-07"
        )

    def test_weekend_start_rolls_forward(self, cal):
        # Sat 27 Dec 2025 rolls to Mon 29 Dec (day 0); Tue 30 (1), Wed 31 (2), Mon 5 Jan (3).
        out = working_day_deadline(ser("2025-12-27", None, index=["a", "b"]), 3, cal)
        assert list(out.index) == ["a", "b"]
        assert out.iloc[0] == pd.Timestamp("2026-01-05") and pd.isna(out.iloc[1])

    def test_deadline_is_the_last_day_within(self, cal):
        # Agrees with within_working_days on every start in 2025 for a 5-day standard: the deadline
        # is within, the next calendar day is not.
        starts = pd.Series(pd.date_range("2025-01-01", "2025-12-31"))
        deadline = working_day_deadline(starts, 5, cal)
        assert within_working_days(starts, deadline, 5, cal).all()
        after = deadline + pd.Timedelta(days=1)
        assert not within_working_days(starts, after, 5, cal).any()

    def test_many_starts_on_few_days(self, cal):
        # 4,000 starts on 4 days from Wed 24 to Sun 28 Dec 2025 (and blanks) take the table of
        # the days spanned. 24 Dec is day 0; 25, 26 Dec and 1, 2 Jan are holidays.
        days = ["2025-12-24", None, "2025-12-27", "2025-12-28", "2025-12-26"] * 800
        out = working_day_deadline(pd.Series(pd.to_datetime(days)), 3, cal)
        # 24 Dec: day 1 Mon 29, day 2 Tue 30, day 3 Wed 31 Dec. 26 Dec (a holiday) rolls to
        # Mon 29 (day 0): day 3 is Mon 5 Jan, as for 27 and 28 Dec.
        expected = ["2025-12-31", None, "2026-01-05", "2026-01-05", "2026-01-05"] * 800
        pd.testing.assert_series_equal(
            out, pd.Series(pd.to_datetime(expected), dtype="datetime64[ns]")
        )
        # And each start alone (the direct way) gives the same day.
        for i in range(5):
            alone = working_day_deadline(pd.Series(pd.to_datetime([days[i]])), 3, cal)
            assert alone.iloc[0] is out.iloc[i] or alone.iloc[0] == out.iloc[i]


# -------------------------------------------------------------------------------------------------
# within_calendar_days
# -------------------------------------------------------------------------------------------------


class TestWithinCalendarDays:
    def test_boundaries(self):
        start = ser("2025-03-31", "2025-03-31", "2025-03-31", "2025-03-31")  # Mon
        # Mon, Mon, Tue, Sun (before)
        end = ser("2025-03-31", "2025-04-21", "2025-04-22", "2025-03-30")
        assert within_calendar_days(start, end, 21).tolist() == [True, True, False, True]
        assert within_calendar_days(start, end, 0).tolist() == [True, False, False, True]

    def test_weekends_and_holidays_count(self):
        # Wed 24 Dec 2025 -> Fri 2 Jan 2026 is 9 calendar days regardless of holidays.
        assert within_calendar_days(ser("2025-12-24"), ser("2026-01-02"), 9).tolist() == [True]
        assert within_calendar_days(ser("2025-12-24"), ser("2026-01-02"), 8).tolist() == [False]

    def test_missing_and_index(self):
        start = ser("2025-03-31", None, index=[3, 4])  # Mon
        end = ser(None, "2025-04-01", index=[3, 4])  # Tue
        result = within_calendar_days(start, end, 5)
        assert result.dtype == "boolean" and list(result.index) == [3, 4]
        assert result.isna().all()

    def test_time_of_day_ignored(self):
        start = pd.Series(pd.to_datetime(["2025-03-31 18:00"]))  # Mon
        end = pd.Series(pd.to_datetime(["2025-04-01 09:00"]))  # Tue
        assert within_calendar_days(start, end, 1).tolist() == [True]
        assert within_calendar_days(start, end, 0).tolist() == [False]


# -------------------------------------------------------------------------------------------------
# add_calendar_months and within_calendar_months
# -------------------------------------------------------------------------------------------------


class TestAddCalendarMonths:
    def test_month_end_clipping(self):
        result = add_calendar_months(
            ser("2025-08-31", "2023-11-30", "2025-01-15", None, index=list("abcd")), 6
        )
        # Sun 31 Aug 2025 + 6 -> Sat 28 Feb 2026; Thu 30 Nov 2023 + 6 -> Thu 30 May 2024; Wed 15
        # Jan 2025 + 6
        assert result.iloc[0] == pd.Timestamp("2026-02-28")
        assert result.iloc[1] == pd.Timestamp("2024-05-30")
        assert result.iloc[2] == pd.Timestamp("2025-07-15")
        assert pd.isna(result.iloc[3])
        assert list(result.index) == list("abcd")

    def test_leap_year(self):
        # Thu 30 Nov 2023 + 3 months -> Thu 29 Feb 2024.
        assert add_calendar_months(ser("2023-11-30"), 3).iloc[0] == pd.Timestamp("2024-02-29")

    def test_keeps_resolution(self):
        assert (
            add_calendar_months(ser("2025-08-31").astype("datetime64[s]"), 1).dtype
            == "datetime64[s]"
        )

    def test_agrees_with_stdlib_reference(self):
        rng = np.random.default_rng(7)
        starts = [date(2018, 1, 1) + timedelta(days=int(k)) for k in rng.integers(0, 3650, 2000)]
        for n in (1, 3, 6, 12):
            got = add_calendar_months(pd.Series(pd.to_datetime(starts)), n)
            assert [t.date() for t in got] == [reference_add_months(s, n) for s in starts]

    def test_bad_n(self):
        with pytest.raises(TypeError):
            add_calendar_months(ser("2025-08-31"), 1.0)  # type: ignore[arg-type]


class TestWithinCalendarMonths:
    def test_six_months_from_31_august(self):
        # Sun 31 Aug 2025 + 6 months -> deadline Sat 28 Feb 2026.
        start = ser("2025-08-31", "2025-08-31")
        end = ser("2026-02-28", "2026-03-01")  # Sat (in), Sun (out)
        assert within_calendar_months(start, end, 6).tolist() == [True, False]

    def test_leap_year_three_months(self):
        # Thu 30 Nov 2023 + 3 months -> Thu 29 Feb 2024.
        start = ser("2023-11-30", "2023-11-30")
        end = ser("2024-02-29", "2024-03-01")  # Thu (in), Fri (out)
        assert within_calendar_months(start, end, 3).tolist() == [True, False]

    def test_missing_and_index(self):
        start = ser("2025-08-31", None, "2025-08-31", index=[9, 8, 7])  # Sun
        end = ser(None, "2026-01-01", "2025-09-01", index=[9, 8, 7])  # -, Thu, Mon
        result = within_calendar_months(start, end, 6)
        assert result.dtype == "boolean" and list(result.index) == [9, 8, 7]
        assert result.iloc[0] is pd.NA and result.iloc[1] is pd.NA
        assert result.iloc[2] == True  # noqa: E712

    def test_agrees_with_stdlib_reference(self):
        rng = np.random.default_rng(11)
        starts = [date(2018, 1, 1) + timedelta(days=int(k)) for k in rng.integers(0, 3650, 3000)]
        ends = [s + timedelta(days=int(k)) for s, k in zip(starts, rng.integers(150, 215, 3000))]
        expected = [e <= reference_add_months(s, 6) for s, e in zip(starts, ends)]
        got = within_calendar_months(
            pd.Series(pd.to_datetime(starts)), pd.Series(pd.to_datetime(ends)), 6
        )
        assert got.tolist() == expected


class TestCouncilCalendar:
    """Local holidays from a params folder reach the working-day count of that council only."""

    def test_local_holiday_from_params_changes_only_that_council(self, tmp_path):
        import shutil

        from jswlib.definitions.calendar import council_calendar
        from jswlib.definitions.params import load_holiday_rules

        from .conftest import REPO

        folder = tmp_path / "params"
        shutil.copytree(REPO / "params", folder)
        # Monday 21 July 2025 as a made-up Glasgow Fair Monday.
        (folder / "holidays.yaml").write_text(
            "councils:\n  glasgow-city:\n    add: [2025-07-21]\n"
        )
        rules = load_holiday_rules(folder)
        start = pd.Series(pd.to_datetime(["2025-07-18"]))  # Friday
        end = pd.Series(pd.to_datetime(["2025-07-22"]))  # Tuesday
        # Fife: [Fri 18, Mon 21] are working days before Tue 22 -> 2. Glasgow: only Fri 18 -> 1.
        assert working_days_elapsed(start, end, council_calendar(rules, "S12000047")).tolist() == [
            2
        ]
        assert working_days_elapsed(start, end, council_calendar(rules, "S12000049")).tolist() == [
            1
        ]
