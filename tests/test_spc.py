"""Tests for jswlib.judge.spc: XmR limits and rules, p-charts, funnel limits and overdispersion.

Every expected value is worked out by hand in the comments. Most rule tests append points to a
stable base whose limits are fixed on its first 12 points (``fix_after_n_points=12``), so that the
limits are known exactly and the points under test cannot move them:

BASE = 9, 11, 9, 11, ... (12 points): mean 120 / 12 = 10; 11 moving ranges, all 2, mean 2 (none
screened: 2 < 3.267 x 2); limits 10 +/- 2.66 x 2 = 10 +/- 5.32, so 4.68 and 15.32; the
two-thirds lines 10 +/- (2 / 3) x 5.32 = 10 +/- 3.546667, so 6.453333 and 13.546667. The base
alternates about the mean: it holds no run, no trend and no point near a limit.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from jswlib.core.errors import InputError
from jswlib.judge.spc import (
    ASSURANCE_EXPLANATIONS,
    ASSURANCE_TYPES,
    ASSURANCE_WORDS,
    MINIMUM_POINTS,
    MR_SCREEN_FACTOR,
    POINT_TYPE_EXPLANATIONS,
    POINT_TYPE_WORDS,
    POINT_TYPES,
    RULES,
    SHIFT_POINTS,
    TREND_POINTS,
    TRIAL_LIMIT_POINTS,
    XMR_SCALING,
    Label,
    Overdispersion,
    assurance_label,
    funnel_level_name,
    funnel_limits,
    funnel_overdispersion,
    funnel_points,
    improvement_from_polarity,
    p_chart,
    spc_summary,
    suggest_chart,
    variation_label,
    xmr,
)

BASE = [9, 11] * 6
UPPER, LOWER = 15.32, 4.68
NEAR_UPPER, NEAR_LOWER = 10 + 2 / 3 * 5.32, 10 - 2 / 3 * 5.32
Z95, Z998 = 1.959963984540054, 3.090232306167813


def fixed(extra, **kwargs):
    """XmR of BASE + extra with the limits fixed on BASE."""
    return xmr(BASE + list(extra), fix_after_n_points=12, **kwargs)


def column(chart, name, start=12):
    return chart[name].tolist()[start:]


# --- Constants -----------------------------------------------------------------------------------


class TestConstants:
    def test_the_nhs_constants(self):
        assert (XMR_SCALING, MR_SCREEN_FACTOR, SHIFT_POINTS, TREND_POINTS) == (2.66, 3.267, 7, 7)
        assert TRIAL_LIMIT_POINTS == 12 and MINIMUM_POINTS == 6
        assert RULES == ("outside_limits", "trend", "two_of_three", "shift")

    def test_names_recognised_from_nhsrplotthedots(self):
        assert POINT_TYPES == (
            "common_cause",
            "special_cause_improvement",
            "special_cause_concern",
            "special_cause_neutral_high",
            "special_cause_neutral_low",
        )
        assert ASSURANCE_TYPES == ("consistent_pass", "consistent_fail", "inconsistent")

    @pytest.mark.parametrize(
        ("polarity", "improvement"),
        [("higher", "increase"), ("lower", "decrease"), ("neutral", "neutral")],
    )
    def test_improvement_from_polarity(self, polarity, improvement):
        assert improvement_from_polarity(polarity) == improvement

    def test_unknown_polarity(self):
        with pytest.raises(InputError, match="polarity must be one of"):
            improvement_from_polarity("up")


# --- XmR limits ----------------------------------------------------------------------------------


class TestXmrLimits:
    def test_columns(self):
        chart = xmr(pd.Series([10, 12, 11, 13, 12, 11], index=list("abcdef")))
        for name in ("value", "centre", "lower", "upper", "mean_moving_range", "special_cause"):
            assert name in chart.columns
        assert {"rules", "point_type", "trial_limits", "period"} <= set(chart.columns)
        assert list(chart.index) == list("abcdef")
        assert chart["special_cause"].dtype == bool

    def test_small_series_worked_by_hand(self):
        # 10, 12, 11, 13, 12, 11: mean 69 / 6 = 11.5; moving ranges 2, 1, 2, 1, 1, mean 7 / 5 =
        # 1.4; limits 11.5 +/- 2.66 x 1.4 = 11.5 +/- 3.724.
        chart = xmr([10, 12, 11, 13, 12, 11])
        assert chart["centre"].tolist() == pytest.approx([11.5] * 6)
        assert chart["mean_moving_range"].tolist() == pytest.approx([1.4] * 6)
        assert chart["upper"].tolist() == pytest.approx([15.224] * 6)
        assert chart["lower"].tolist() == pytest.approx([7.776] * 6)
        assert chart["moving_range"].tolist()[1:] == pytest.approx([2, 1, 2, 1, 1])
        assert math.isnan(chart["moving_range"].iloc[0])

    def test_limits_are_not_clipped(self):
        # 0, 1, 0, 1, 0, 1: mean 0.5, moving ranges all 1; lower limit 0.5 - 2.66 = -2.16 (the
        # NHS tools do not clip an XmR limit).
        chart = xmr([0, 1, 0, 1, 0, 1])
        assert chart["lower"].iloc[0] == pytest.approx(-2.16)

    def test_constant_series_has_limits_on_the_mean_and_no_signal(self):
        chart = xmr([5.0] * 8)
        assert chart["upper"].tolist() == chart["lower"].tolist() == [5.0] * 8
        assert not chart["special_cause"].any()
        assert chart.attrs["variation"] == "common_cause"


class TestScreening:
    # 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 8, 68: moving ranges ten of 1, then 8 and 60 (sum 78 over
    # 12, mean 6.5). Screen at 3.267 x 6.5 = 21.2355: 60 goes, 8 stays; mean moving range 18 / 11
    # = 1.636364. Screened once only: against 3.267 x 1.636364 = 5.346 the 8 would go in a second
    # round (giving 1.0), but it must not. Mean of the values (never screened) 81 / 13 = 6.230769.
    VALUES = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 8, 68]

    def test_screened_once(self):
        chart = xmr(self.VALUES)
        assert chart["mean_moving_range"].iloc[0] == pytest.approx(18 / 11)
        assert chart["screened"].tolist() == [False] * 12 + [True]
        assert chart["centre"].iloc[0] == pytest.approx(81 / 13)
        assert chart["upper"].iloc[0] == pytest.approx(81 / 13 + 2.66 * 18 / 11)

    def test_not_screened_when_asked(self):
        chart = xmr(self.VALUES, screen_outliers=False)
        assert chart["mean_moving_range"].iloc[0] == pytest.approx(6.5)
        assert not chart["screened"].any()

    def test_a_moving_range_exactly_at_3_267_times_the_mean_is_screened(self):
        # Ten moving ranges of 7.733, then 32.67: sum 77.33 + 32.67 = 110, mean 10; 3.267 x 10 =
        # 32.67, so the last is AT the cut-off and is screened; the mean becomes 7.733.
        values = [0, 7.733] * 5 + [0, 32.67]
        chart = xmr(values)
        assert chart["screened"].tolist() == [False] * 11 + [True]
        assert chart["mean_moving_range"].iloc[0] == pytest.approx(7.733)


class TestMissingValues:
    def test_no_moving_range_spans_a_missing_value(self):
        # 10, 12, -, 20, 21, 22, 20: moving ranges 2, (none), (none), 1, 1, 2; mean 6 / 4 = 1.5,
        # not (2 + 8 + 1 + 1 + 2) / 5 with |20 - 12| = 8 across the gap. Mean 105 / 6 = 17.5;
        # limits 17.5 +/- 3.99.
        chart = xmr([10, 12, None, 20, 21, 22, 20])
        assert chart["mean_moving_range"].iloc[0] == pytest.approx(1.5)
        assert chart["centre"].iloc[0] == pytest.approx(17.5)
        assert chart["upper"].iloc[0] == pytest.approx(21.49)
        mr = chart["moving_range"].tolist()
        assert math.isnan(mr[2]) and math.isnan(mr[3])
        # 10 and 12 below 13.51, 22 above 21.49: outside. The missing row has no point type.
        assert chart["outside_limits"].tolist() == [True, True, False, False, False, True, False]
        assert chart["point_type"].iloc[2] is None
        assert not chart.loc[2, "special_cause"]

    def test_a_missing_value_does_not_break_a_shift(self):
        # 7 recorded points above the mean 10 with a gap among them, then 7 below.
        # Mean (140) / 14 = 10; moving ranges twelve of 2 (the pairs touching the gap have none).
        values = [11, 13, 11, None, 13, 11, 13, 11, 9, 7, 9, 7, 9, 7, 9]
        chart = xmr(values)
        assert chart["centre"].iloc[0] == pytest.approx(10)
        assert chart["mean_moving_range"].iloc[0] == pytest.approx(2)
        assert chart["shift"].tolist() == [True, True, True, False] + [True] * 11

    def test_a_missing_value_does_not_make_a_shift(self):
        # Six above, a gap, then below: the gap is not a seventh point.
        values = [11, 13, 11, 13, 11, 13, None, 9, 7, 9, 7, 9, 7]
        # Mean (72 + 48) / 12 = 10.
        chart = xmr(values)
        assert chart["centre"].iloc[0] == pytest.approx(10)
        assert not chart["shift"].any()

    def test_a_missing_value_does_not_break_a_trend(self):
        # 5, 6, 7, -, 8, 9, 10, 11 after the base (whose last point is 11): 7 recorded points
        # 5 ... 11 with 6 rises between them, the gap skipped: a trend of 7 points.
        chart = fixed([5, 6, 7, None, 8, 9, 10, 11])
        assert column(chart, "trend") == [True, True, True, False, True, True, True, True]

    def test_the_latest_recorded_point_gives_the_variation(self):
        # 16 is above 15.32, then a missing month.
        chart = fixed([16, None])
        assert chart.attrs["variation"] == "special_cause_improvement"


class TestMinimumPoints:
    def test_five_points_give_no_limits_and_no_icons(self):
        chart = xmr([9, 11, 9, 11, 30])
        assert chart[["centre", "lower", "upper"]].isna().all().all()
        assert chart["point_type"].tolist() == [None] * 5
        assert not chart["special_cause"].any()
        assert chart.attrs["variation"] is None
        assert xmr([9, 11, 9, 11, 30], target=20).attrs["assurance"] is None
        assert chart.attrs["short_series"]

    def test_six_points_give_trial_limits(self):
        # 9, 11, 9, 11, 9, 11: mean 10, moving ranges 2 -> limits 4.68 to 15.32, trial limits.
        chart = xmr([9, 11, 9, 11, 9, 11])
        assert chart["upper"].iloc[0] == pytest.approx(UPPER)
        assert chart["trial_limits"].all()
        assert chart.attrs["short_series"]

    def test_missing_values_do_not_count_towards_the_minimum(self):
        chart = xmr([9, 11, None, 9, 11, None, 9])
        assert chart["upper"].isna().all()

    def test_recorded_points_without_any_moving_range(self):
        chart = xmr([1, None, 2, None, 3, None, 4, None, 5, None, 6])
        assert chart["upper"].isna().all() and chart.attrs["variation"] is None

    def test_no_recorded_value(self):
        chart = xmr([None, None, None])
        assert chart.attrs["variation"] is None and chart.attrs["assurance"] is None

    def test_empty_series(self):
        chart = xmr([])
        assert len(chart) == 0 and chart.attrs["variation"] is None


class TestShortSeries:
    def test_eleven_points_are_trial_limits(self):
        assert xmr(BASE[:11]).attrs["short_series"]
        assert xmr(BASE[:11])["trial_limits"].all()

    def test_twelve_points_are_not(self):
        assert not xmr(BASE).attrs["short_series"]
        assert not xmr(BASE)["trial_limits"].any()


# --- The rules -----------------------------------------------------------------------------------


class TestOutsideLimits:
    def test_strictly_outside(self):
        # 16 > 15.32 and 4 < 4.68 are outside; 15.32 and 4.68 themselves are inside.
        chart = fixed([16, 10, 4, 10, UPPER, 10, LOWER])
        assert column(chart, "outside_limits") == [True, False, True, False, False, False, False]
        assert column(chart, "point_type")[:3] == [
            "special_cause_improvement",
            "common_cause",
            "special_cause_concern",
        ]

    def test_rules_column_names_the_rule(self):
        chart = fixed([16])
        assert chart["rules"].iloc[12] == ("outside_limits",)
        assert chart["rules"].iloc[0] == ()


class TestShift:
    # 11, 13, 11, 13, 11, 13, 11 | 9, 7, 9, 7, 9, 7, 9: mean 140 / 14 = 10, moving ranges all 2,
    # limits 10 +/- 5.32, two-thirds lines 10 +/- 3.547 (13 and 7 are within them).
    ABOVE = [11, 13, 11, 13, 11, 13, 11]
    BELOW = [9, 7, 9, 7, 9, 7, 9]

    def test_seven_above_and_seven_below(self):
        chart = xmr(self.ABOVE + self.BELOW)
        assert chart["shift"].all()
        assert not chart[["outside_limits", "trend", "two_of_three"]].any().any()
        assert (
            chart["point_type"].tolist()
            == ["special_cause_improvement"] * 7 + ["special_cause_concern"] * 7
        )
        assert chart.attrs["variation"] == "special_cause_concern"

    def test_six_is_not_a_shift(self):
        # 11, 13, 11, 13, 11, 13 | 9, 7, 9, 7, 9, 7: mean 120 / 12 = 10, moving ranges 2 x 5, 4,
        # 2 x 5 (mean 24 / 11); runs of 6.
        chart = xmr(self.ABOVE[:6] + self.BELOW[:6])
        assert not chart["special_cause"].any()

    def test_a_point_exactly_on_the_mean_breaks_it(self):
        # 11, 13, 11, 10, 13, 11, 13, 11 | 9, 7, ...: sum 150 over 15 points, mean exactly 10; the
        # 10 splits the points above into runs of 3 and 4. Moving ranges 2, 2, 1, 3, 2, 2, 2, 2
        # and six of 2: mean 28 / 14 = 2.
        chart = xmr([11, 13, 11, 10, 13, 11, 13, 11] + self.BELOW)
        assert chart["centre"].iloc[0] == pytest.approx(10)
        assert chart["shift"].tolist() == [False] * 8 + [True] * 7

    def test_an_eighth_point_extends_the_shift(self):
        chart = fixed([11] * 8)
        assert column(chart, "shift") == [True] * 8


class TestTrend:
    # 4, 16, 4, 16, 7, 8, 9, 10, 11, 12, 13, 4, 16, 4: sum 134, mean 9.5714; moving ranges 12, 12,
    # 12, 9, 1 x 6, 9, 12, 12 (sum 84, mean 6.4615; none at or above 3.267 x 6.4615 = 21.1);
    # limits 9.57 +/- 17.19, two-thirds lines 9.57 +/- 11.46: no point near them. Sides about
    # the mean: -, +, -, +, -, -, -, +, +, +, +, -, +, -: no run of 7.
    RISING = [4, 16, 4, 16, 7, 8, 9, 10, 11, 12, 13, 4, 16, 4]

    def test_seven_rising_points_crossing_the_mean(self):
        chart = xmr(self.RISING)
        assert chart["trend"].tolist() == [False] * 4 + [True] * 7 + [False] * 3
        assert chart["special_cause"].tolist() == chart["trend"].tolist()
        # 7, 8 and 9 are below the mean yet rise: the trend's direction decides.
        assert chart["point_type"].tolist()[4:11] == ["special_cause_improvement"] * 7

    def test_falling_trend_for_a_measure_where_lower_is_better(self):
        chart = xmr(self.RISING[::-1], improvement="decrease")
        assert chart["trend"].tolist() == [False] * 3 + [True] * 7 + [False] * 4
        assert chart["point_type"].tolist()[3:10] == ["special_cause_improvement"] * 7

    def test_six_points_are_not_a_trend(self):
        # Without the 13: 7, 8, ..., 12 is six points (five rises). Mean 121 / 13 = 9.31; wide
        # limits; no run of 7.
        values = [4, 16, 4, 16, 7, 8, 9, 10, 11, 12, 4, 16, 4]
        assert not xmr(values)["special_cause"].any()

    def test_a_longer_trend_flags_every_point(self):
        # BASE then 5, 6, ..., 13 (9 points, 8 rises after the base's last 11 falls to 5).
        chart = fixed(range(5, 14))
        assert column(chart, "trend") == [True] * 9

    def test_a_tie_breaks_a_trend(self):
        # 7, 8, 9, 9, 10, 11, 12, 13: two rises, a repeat, four rises.
        values = [4, 16, 4, 16, 7, 8, 9, 9, 10, 11, 12, 13, 4, 16, 4]
        assert not xmr(values)["trend"].any()


class TestTwoOfThree:
    def test_two_of_three_high_flags_only_the_close_points(self):
        # 14, 11, 14: all above the mean 10; 14 > 13.547 twice -> the two 14s, not the 11.
        chart = fixed([14, 11, 14, 9])
        assert column(chart, "two_of_three") == [True, False, True, False]
        assert column(chart, "point_type") == [
            "special_cause_improvement",
            "common_cause",
            "special_cause_improvement",
            "common_cause",
        ]

    def test_two_of_three_low(self):
        # 6 < 6.453 twice in (6, 9, 6), all below 10.
        chart = fixed([6, 9, 6, 11])
        assert column(chart, "two_of_three") == [True, False, True, False]
        assert column(chart, "point_type")[0] == "special_cause_concern"

    def test_third_point_on_the_other_side_of_the_mean(self):
        # Windows (9, 14, 9), (14, 9, 14), (9, 14, 9): the only one with two close points has a 9
        # below the mean, so nothing fires.
        chart = fixed([9, 14, 9, 14, 9])
        assert not any(column(chart, "two_of_three"))
        assert not any(column(chart, "special_cause"))

    def test_a_point_beyond_the_limit_does_not_count(self):
        # (16, 14, 12): all above 10, but 16 is beyond 15.32, so only 14 is close: no two of three.
        # 16 itself is outside the limits.
        chart = fixed([9, 16, 14, 12, 9])
        assert not any(column(chart, "two_of_three"))
        assert column(chart, "outside_limits") == [False, True, False, False, False]

    def test_exactly_two_thirds_is_not_beyond(self):
        # 10 + (2 / 3) x 2.66 x 2 is exactly on the two-thirds line: not beyond it.
        on_line = 10 + 2 / 3 * 2.66 * 2
        assert not any(column(fixed([11, on_line, on_line, 11]), "two_of_three"))

    def test_two_close_points_never_within_three(self):
        # (11, 14, 11), (14, 11, 11), (11, 11, 14): each holds one close point.
        assert not any(column(fixed([14, 11, 11, 14]), "two_of_three"))

    def test_two_consecutive_close_points(self):
        # (11, 14, 14): all above 10, two close. (The 9 after them is below: no later window.)
        chart = fixed([11, 14, 14, 9])
        assert column(chart, "two_of_three") == [False, True, True, False]


class TestPrecedence:
    # BASE then 16, 14, 13, 12, 11, 10.5, 10.2:
    # - 16 > 15.32: outside the limits (high);
    # - 16 ... 10.2 falls six times: a falling trend of 7 (positions 12-18);
    # - the base's last 11 and the seven new points are all above 10: a shift of 8 (11-18);
    # - two of three: (11, 16, 14) and (16, 14, 13) hold only one close point (14; 16 is outside
    #   and 13 < 13.547): none.
    EXTRA = [16, 14, 13, 12, 11, 10.5, 10.2]

    def test_outside_beats_trend_and_trend_beats_shift(self):
        chart = fixed(self.EXTRA)
        assert chart["rules"].iloc[12] == ("outside_limits", "trend", "shift")
        assert chart["rules"].iloc[13] == ("trend", "shift")
        assert chart["rules"].iloc[11] == ("shift",)
        types = chart["point_type"].tolist()
        # 16: outside, above -> improvement; 14 ... 10.2: falling trend -> concern, although above
        # the mean; the base's 11: shift above the mean -> improvement.
        assert types[11:] == ["special_cause_improvement"] * 2 + ["special_cause_concern"] * 6
        assert chart.attrs["variation"] == "special_cause_concern"

    def test_trend_beats_two_of_three(self):
        # BASE then 15, 14, 13, 12, 11, 10.5, 10.2: 15 and 14 are close (above 13.547, below
        # 15.32) in (11, 15, 14): two of three; all seven fall: trend -> concern.
        chart = fixed([15, 14, 13, 12, 11, 10.5, 10.2])
        assert chart["rules"].iloc[12] == ("trend", "two_of_three", "shift")
        assert chart["point_type"].iloc[12] == "special_cause_concern"

    def test_two_of_three_beats_shift_on_the_same_side(self):
        chart = fixed([14, 11, 14, 11, 11, 11, 11])
        # The last base 11 and seven above: shift; the 14s also two of three.
        assert chart["rules"].iloc[12] == ("two_of_three", "shift")
        assert chart["rules"].iloc[13] == ("shift",)


class TestRebase:
    # P1 = 8, 12, 8, 12, 8, 12, 8, 12, 11, 11, 11 (mean 113 / 11 = 10.2727; moving ranges 4 x 7,
    # 1, 0, 0: mean 2.9); P2 = 11, 11, 11, 12, 8, 12, 8, 12, 8 (mean 93 / 9 = 10.3333; moving
    # ranges 0, 0, 1, 4 x 5: mean 21 / 8 = 2.625). As one period the mean is 206 / 20 = 10.3
    # and 12, 11, 11, 11, 11, 11, 11, 12 (positions 7-14) are 8 points above it: a shift.
    P1 = [8, 12, 8, 12, 8, 12, 8, 12, 11, 11, 11]
    P2 = [11, 11, 11, 12, 8, 12, 8, 12, 8]

    def test_without_rebase_the_run_is_a_shift(self):
        chart = xmr(self.P1 + self.P2)
        assert chart["centre"].iloc[0] == pytest.approx(10.3)
        assert chart["shift"].tolist() == [False] * 7 + [True] * 8 + [False] * 5

    def test_rules_never_span_a_rebase(self):
        chart = xmr(self.P1 + self.P2, rebase_at=[11])
        assert not chart["shift"].any()
        assert chart["period"].tolist() == [0] * 11 + [1] * 9
        assert chart["centre"].tolist() == pytest.approx([113 / 11] * 11 + [93 / 9] * 9)
        assert chart["mean_moving_range"].tolist() == pytest.approx([2.9] * 11 + [2.625] * 9)
        # No moving range across the change: position 11 starts afresh.
        assert math.isnan(chart["moving_range"].iloc[11])
        assert chart.attrs["rebase_at"] == (11,)
        assert chart["trial_limits"].all() and chart.attrs["short_series"]

    def test_assurance_uses_the_latest_period(self):
        # P2: limits 10.3333 +/- 2.66 x 2.625 = 10.3333 +/- 6.9825, so 3.35 to 17.32. A target of
        # 17.5 is above them; P1's upper limit, 10.2727 + 7.714 = 17.99, would say inconsistent.
        chart = xmr(self.P1 + self.P2, rebase_at=[11], target=17.5)
        assert chart.attrs["assurance"] == "consistent_fail"

    def test_a_short_last_period_has_no_limits(self):
        chart = xmr(BASE + [30, 31, 30], rebase_at=[12])
        assert chart["upper"].iloc[12:].isna().all()
        assert chart.attrs["variation"] is None

    @pytest.mark.parametrize("rebase_at", [[0], [20], [-1], [3.0], [5, 5]])
    def test_invalid_positions(self, rebase_at):
        with pytest.raises(InputError, match="rebase_at"):
            xmr(BASE, rebase_at=rebase_at)


class TestFixAfterNPoints:
    def test_later_points_never_move_the_limits(self):
        chart = fixed([30, 40, 50])
        assert chart["upper"].tolist() == pytest.approx([UPPER] * 15)
        assert chart["baseline"].tolist() == [True] * 12 + [False] * 3
        # 30, 40, 50 are outside; without fixing, the mean would be 240 / 15 = 16.
        assert column(chart, "outside_limits") == [True] * 3
        assert xmr(BASE + [30, 40, 50])["centre"].iloc[0] == pytest.approx(16)

    def test_fixed_in_each_period(self):
        chart = xmr(BASE + [30] + BASE + [50], rebase_at=[13], fix_after_n_points=12)
        assert chart["centre"].tolist() == pytest.approx([10] * 26)

    def test_counts_recorded_points(self):
        # A gap in the base: the 12 recorded points still make the base; 30 is not part of it.
        chart = xmr([9, None, 11] + BASE[2:] + [30], fix_after_n_points=12)
        assert chart["centre"].iloc[0] == pytest.approx(10)

    @pytest.mark.parametrize("n", [11, 0, 12.0, True])
    def test_at_least_12(self, n):
        with pytest.raises(InputError, match="fix_after_n_points"):
            xmr(BASE, fix_after_n_points=n)


class TestPointTypes:
    def test_neutral_measures(self):
        chart = fixed([16, 10, 4], improvement="neutral")
        assert column(chart, "point_type") == [
            "special_cause_neutral_high",
            "common_cause",
            "special_cause_neutral_low",
        ]

    def test_decrease_swaps_improvement_and_concern(self):
        chart = fixed([16, 10, 4], improvement="decrease")
        assert column(chart, "point_type") == [
            "special_cause_concern",
            "common_cause",
            "special_cause_improvement",
        ]

    def test_every_point_type_is_a_known_one(self):
        chart = fixed([16, 10, 4, 14, 14])
        assert set(chart["point_type"]) <= set(POINT_TYPES)


class TestVariationAndAssurance:
    def test_variation_is_the_last_point(self):
        assert fixed([16, 10]).attrs["variation"] == "common_cause"
        assert fixed([10, 16]).attrs["variation"] == "special_cause_improvement"

    @pytest.mark.parametrize(
        ("target", "improvement", "expected"),
        [
            (16, "increase", "consistent_fail"),  # above 15.32
            (4, "increase", "consistent_pass"),  # below 4.68
            (10, "increase", "inconsistent"),
            (UPPER, "increase", "inconsistent"),  # on the limit: not strictly outside
            (LOWER, "increase", "inconsistent"),
            (16, "decrease", "consistent_pass"),
            (4, "decrease", "consistent_fail"),
            (16, "neutral", None),
            (None, "increase", None),
            (np.nan, "increase", None),
        ],
    )
    def test_assurance(self, target, improvement, expected):
        chart = xmr(BASE, target=target, improvement=improvement)
        assert chart.attrs["assurance"] == expected

    def test_floating_point_noise_does_not_decide(self):
        # 10 + 2.66 x 2 = 15.32 computed in floating point may be 15.320000000000002.
        assert xmr(BASE, target=10 + 2.66 * 2).attrs["assurance"] == "inconsistent"


class TestInputErrors:
    def test_text_is_not_a_number(self):
        with pytest.raises(InputError, match="values must be numbers"):
            xmr([1, "a", 3])

    def test_unknown_improvement(self):
        with pytest.raises(InputError, match="improvement must be one of"):
            xmr(BASE, improvement="higher")

    def test_bad_target(self):
        with pytest.raises(InputError, match="target must be a number"):
            xmr(BASE, target="80%")

    def test_not_a_sequence(self):
        with pytest.raises(InputError, match="values must be a list"):
            xmr(5)


# --- Words, icons and labels --------------------------------------------------------------------


class TestWords:
    def test_every_point_type_and_assurance_has_words_and_an_explanation(self):
        assert set(POINT_TYPE_WORDS) == set(POINT_TYPE_EXPLANATIONS) == set(POINT_TYPES)
        assert set(ASSURANCE_WORDS) == set(ASSURANCE_EXPLANATIONS) == set(ASSURANCE_TYPES)

    def test_the_words_committees_read(self):
        assert POINT_TYPE_WORDS["special_cause_improvement"] == "Special cause: improvement"
        assert POINT_TYPE_WORDS["special_cause_concern"] == "Special cause: concern"
        assert POINT_TYPE_WORDS["common_cause"] == "Common cause variation"
        assert ASSURANCE_WORDS["consistent_pass"] == "Target consistently met"
        assert ASSURANCE_WORDS["consistent_fail"] == "Target consistently missed"

    def test_words_are_distinct(self):
        assert len(set(POINT_TYPE_WORDS.values())) == 5
        assert len(set(ASSURANCE_WORDS.values())) == 3


class TestVariationLabel:
    @pytest.mark.parametrize(
        ("point_type", "improvement", "icon", "role"),
        [
            ("common_cause", "increase", "~", "common"),
            ("special_cause_improvement", "increase", "H", "improvement"),
            ("special_cause_improvement", "decrease", "L", "improvement"),
            ("special_cause_concern", "increase", "L", "concern"),
            ("special_cause_concern", "decrease", "H", "concern"),
            ("special_cause_neutral_high", "neutral", "H", "neutral"),
            ("special_cause_neutral_low", "neutral", "L", "neutral"),
        ],
    )
    def test_icons_say_high_or_low_and_words_say_better_or_worse(
        self, point_type, improvement, icon, role
    ):
        label = variation_label(point_type, improvement)
        assert (label.icon, label.role) == (icon, role)
        assert label.words == POINT_TYPE_WORDS[point_type]
        assert label.text == f"{icon} {POINT_TYPE_WORDS[point_type]}"

    def test_too_few_points(self):
        assert variation_label(None) == Label("-", "Too few points for SPC", "none")

    def test_unknown_point_type(self):
        with pytest.raises(InputError, match="point_type must be one of"):
            variation_label("improving")


class TestAssuranceLabel:
    @pytest.mark.parametrize(
        ("assurance", "icon", "role"),
        [
            ("consistent_pass", "P", "pass"),
            ("consistent_fail", "F", "fail"),
            ("inconsistent", "?", "inconsistent"),
        ],
    )
    def test_icons(self, assurance, icon, role):
        label = assurance_label(assurance)
        assert (label.icon, label.role, label.words) == (icon, role, ASSURANCE_WORDS[assurance])

    def test_no_assurance_says_why(self):
        assert assurance_label(None, has_target=False).words == "No target"
        assert assurance_label(None, improvement="neutral").words.startswith("Not applicable")
        assert assurance_label(None).words == "Too few points for SPC"

    def test_unknown(self):
        with pytest.raises(InputError, match="assurance must be one of"):
            assurance_label("pass")


class TestSpcSummary:
    def test_row_worked_by_hand(self):
        # BASE then 16 (above 15.32): improvement, high; target 20 above 15.32: consistently
        # missed.
        row = spc_summary(fixed([16], target=20))
        assert row["variation"] == "special_cause_improvement"
        assert row["variation_text"] == "H Special cause: improvement"
        assert row["variation_role"] == "improvement"
        assert row["assurance"] == "consistent_fail"
        assert row["assurance_text"] == "F Target consistently missed"
        assert row["short_series"] is False and row["chart"] == "xmr"

    def test_neutral_measure(self):
        row = spc_summary(fixed([4], improvement="neutral"))
        assert row["variation_text"] == "L Special cause: unusually low"
        assert row["assurance_icon"] == "-"

    def test_needs_a_chart_frame(self):
        with pytest.raises(InputError, match="spc_summary needs"):
            spc_summary(pd.DataFrame({"value": [1]}))


class TestSuggestChart:
    @pytest.mark.parametrize(
        ("denominators", "expected"),
        [
            (None, "xmr"),  # counts or durations
            ([40, 45, 48], "xmr"),  # 48 <= 1.25 x 40 = 50, all at least 30
            ([40, 45, 51], "p"),  # 51 > 50: they vary
            ([0, 1, 3, 2], "p"),  # an island council's month: small
            ([29, 30, 31], "p"),  # 29 < 30
            ([1000, 1300], "p'"),  # large and varying
            ([1000, 1100], "xmr"),  # large, steady
            ([0, None], "xmr"),  # nothing usable
        ],
    )
    def test_choice(self, denominators, expected):
        assert suggest_chart(denominators) == expected


# --- p-chart -------------------------------------------------------------------------------------


class TestPChart:
    # Denominators 25 and 100 in turn; numerators 12, 20, 2, 8, 5, 30, 3, 20 (sum 100 of 500):
    # pooled p = 0.2. n = 25: sigma = sqrt(0.2 x 0.8 / 25) = 0.08, limits 0.2 +/- 0.24 -> 0
    # (clamped from -0.04) to 0.44, two-thirds lines 0.2 +/- 0.16. n = 100: sigma = 0.04, limits
    # 0.08 to 0.32, two-thirds lines 0.12 and 0.28. Proportions 0.48, 0.2, 0.08, 0.08, 0.2, 0.3,
    # 0.12, 0.2: 0.48 > 0.44 is outside; 0.08 at n = 100 sits ON the lower limit (inside); 0.30 and
    # the second 0.08 are close but no three consecutive points lie on one side.
    NUM = [12, 20, 2, 8, 5, 30, 3, 20]
    DEN = [25, 100] * 4

    def test_limits_worked_by_hand_for_two_denominators(self):
        chart = p_chart(self.NUM, self.DEN)
        assert chart["centre"].tolist() == pytest.approx([0.2] * 8)
        assert chart["upper"].tolist() == pytest.approx([0.44, 0.32] * 4)
        assert chart["lower"].tolist() == pytest.approx([0.0, 0.08] * 4)
        assert chart["sigma"].tolist() == pytest.approx([0.08, 0.04] * 4)
        assert chart["proportion"].tolist() == pytest.approx(
            [0.48, 0.2, 0.08, 0.08, 0.2, 0.3, 0.12, 0.2]
        )

    def test_rules(self):
        chart = p_chart(self.NUM, self.DEN)
        assert chart["special_cause"].tolist() == [True] + [False] * 7
        assert chart["point_type"].iloc[0] == "special_cause_improvement"
        assert chart.attrs["variation"] == "common_cause"
        assert chart.attrs["chart"] == "p"
        assert chart["trial_limits"].all()  # 8 points

    def test_assurance_uses_the_latest_points_limits(self):
        # The last point has n = 100: limits 0.08 to 0.32. 0.5 is above: consistently failing;
        # 0.3 lies within: inconsistent.
        assert p_chart(self.NUM, self.DEN, target=0.5).attrs["assurance"] == "consistent_fail"
        assert p_chart(self.NUM, self.DEN, target=0.3).attrs["assurance"] == "inconsistent"

    def test_zero_or_missing_denominator_is_a_missing_point(self):
        # Adding 0/0 and a missing count changes nothing else.
        chart = p_chart(self.NUM + [0, None], self.DEN + [0, 50])
        assert chart["proportion"].iloc[8:].isna().all()
        assert chart["centre"].iloc[0] == pytest.approx(0.2)
        assert chart["point_type"].iloc[8] is None
        assert chart.attrs["variation"] == "common_cause"

    def test_upper_limit_clamped_at_one_and_two_thirds_line_unclamped(self):
        # 9 of 10 each time: p = 0.9, sigma = sqrt(0.09 / 10) = 0.094868; upper 0.9 + 0.2846 ->
        # clamped to 1; the two-thirds line stays at 0.9 + 0.1897 = 1.0897, so 10 / 10 = 1.0 is not
        # close, and (10/10, 10/10, 9/10)... is not two of three.
        num, den = [9, 9, 9, 9, 10, 10, 9, 9, 8], [10] * 9
        # Pooled 82 / 90 = 0.9111; sigma = sqrt(0.9111 x 0.0889 / 10) = 0.08999; two-thirds line
        # 0.9111 + 0.17998 = 1.091 > 1.
        chart = p_chart(num, den)
        assert chart["upper"].tolist() == [1.0] * 9
        assert not chart["two_of_three"].any()

    def test_counts_must_make_sense(self):
        with pytest.raises(InputError, match="exceeds its denominator"):
            p_chart([5, 11], [10, 10])
        with pytest.raises(InputError, match="negative"):
            p_chart([-1, 1], [10, 10])
        with pytest.raises(InputError, match="same length"):
            p_chart([1, 2], [10])

    def test_too_few_points(self):
        chart = p_chart([1, 2, 3, 4, 5], [10] * 5)
        assert chart["upper"].isna().all() and chart.attrs["variation"] is None


class TestLaney:
    # z-scores (p - 0.2) / sigma: 0.28 / 0.08 = 3.5, 0, -0.12 / 0.08 = -1.5, -0.12 / 0.04 = -3, 0,
    # 0.1 / 0.04 = 2.5, -0.08 / 0.08 = -1, 0. Moving ranges 3.5, 1.5, 1.5, 3, 2.5, 3.5, 1: sum
    # 16.5, mean 2.357143 (none at or above 3.267 x 2.357 = 7.70); sigma_z = 2.357143 / 1.128 =
    # 2.089666. Limits n = 100: 0.2 +/- 3 x 0.04 x 2.089666 = 0.2 +/- 0.250760 -> 0 to 0.450760;
    # n = 25: 0.2 +/- 0.501520 -> 0 to 0.701520. The 0.48 is no longer outside.
    def test_limits_worked_by_hand(self):
        chart = p_chart(TestPChart.NUM, TestPChart.DEN, laney=True)
        assert chart["z"].tolist() == pytest.approx([3.5, 0, -1.5, -3, 0, 2.5, -1, 0])
        assert chart["mean_moving_range"].iloc[0] == pytest.approx(16.5 / 7)
        assert chart.attrs["sigma_z"][0] == pytest.approx(16.5 / 7 / 1.128)
        assert chart["upper"].tolist() == pytest.approx([0.701520, 0.450760] * 4, abs=1e-6)
        assert chart["lower"].tolist() == pytest.approx([0.0] * 8)
        assert not chart["special_cause"].any()
        assert chart.attrs["chart"] == "p'"

    def test_laney_narrows_limits_when_points_vary_less_than_binomial(self):
        # Every proportion exactly 0.2: z-scores 0, sigma_z 0: limits collapse onto the centre.
        chart = p_chart([5, 20] * 4, [25, 100] * 4, laney=True)
        assert chart["upper"].tolist() == pytest.approx([0.2] * 8)


# --- Funnel limits -------------------------------------------------------------------------------


class TestFunnelLimits:
    def test_level_names(self):
        assert [funnel_level_name(x) for x in (0.95, 0.998, 0.99)] == ["95", "99_8", "99"]

    def test_worked_by_hand(self):
        # p = 0.2. n = 100: sqrt(0.16 / 100) = 0.04; 1.959964 x 0.04 = 0.078399 -> 0.121601 and
        # 0.278399; 3.090232 x 0.04 = 0.123609 -> 0.076391 and 0.323609. n = 25: 0.08; 95%:
        # 0.2 -/+ 0.156797 -> 0.043203, 0.356797; 99.8%: 0.2 -/+ 0.247219 -> 0 (clamped from
        # -0.047219), 0.447219.
        table = funnel_limits([100, 25], 0.2)
        assert list(table.columns) == [
            "denominator",
            "lower_95",
            "upper_95",
            "lower_99_8",
            "upper_99_8",
        ]
        assert table.iloc[0, 1:].tolist() == pytest.approx(
            [0.121601, 0.278399, 0.076391, 0.323609], abs=1e-6
        )
        assert table.iloc[1, 1:].tolist() == pytest.approx(
            [0.043203, 0.356797, 0.0, 0.447219], abs=1e-6
        )
        assert table.attrs["method"] == "wilson" and table.attrs["phi"] is None

    @pytest.mark.parametrize("n", [5, 37, 400])
    @pytest.mark.parametrize("z", [Z95, Z998])
    def test_the_wilson_interval_of_the_limit_just_touches_the_overall_proportion(self, n, z):
        # PHE's definition, checked with the Wilson formula written out here: at the upper limit q
        # the Wilson lower bound of q is the overall proportion p (and the other way round).
        p = 0.35
        level = 0.95 if z == Z95 else 0.998
        name = funnel_level_name(level)
        row = funnel_limits([n], p, levels=(level,)).iloc[0]

        def wilson(q, sign):
            centre = q + z * z / (2 * n)
            half = z * math.sqrt(q * (1 - q) / n + z * z / (4 * n * n))
            return (centre + sign * half) / (1 + z * z / n)

        upper, lower = row[f"upper_{name}"], row[f"lower_{name}"]
        if 0 < upper < 1:
            assert wilson(upper, -1) == pytest.approx(p)
        if 0 < lower < 1:
            assert wilson(lower, +1) == pytest.approx(p)

    @pytest.mark.parametrize(
        ("n", "expected"),
        [
            # PHEindicatormethods' own test data (testdata_funnel_prop_outputs.csv), in percent,
            # baseline 80.642448%: lower 95%, upper 95%, lower 99.8%, upper 99.8%.
            (1, [3.204264, 100, 0, 100]),
            (41, [68.548635, 92.73626, 61.574398, 99.710497]),
            (539, [77.306949, 83.977947, 75.38344, 85.901456]),
            (7312, [79.736846, 81.548049, 79.214606, 82.07029]),
            (110000, [80.408963, 80.875933, 80.274317, 81.010578]),
        ],
    )
    def test_against_phe_published_test_values(self, n, expected):
        row = funnel_limits([n], 0.80642448).iloc[0, 1:] * 100
        assert row.tolist() == pytest.approx(expected, abs=2e-5)

    def test_zero_denominator_has_no_limits(self):
        assert funnel_limits([0], 0.5).iloc[0, 1:].isna().all()

    def test_other_levels(self):
        table = funnel_limits([100], 0.5, levels=(0.9,))
        # z = 1.644854; 0.5 +/- 1.644854 x 0.05 = 0.5 +/- 0.082243.
        assert table.columns.tolist() == ["denominator", "lower_90", "upper_90"]
        assert table.iloc[0, 1:].tolist() == pytest.approx([0.417757, 0.582243], abs=1e-6)

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"proportion": 1.5}, "proportion"),
            ({"proportion": 0.5, "levels": (1.0,)}, "levels"),
            ({"proportion": 0.5, "levels": "x"}, "levels"),
        ],
    )
    def test_invalid(self, kwargs, match):
        with pytest.raises(InputError, match=match):
            funnel_limits([10], **kwargs)


class TestFunnelOverdispersion:
    # Ten units of 100 with numerators 10, 20, ..., 100 minus the last (10..90, 95): worked out
    # step by step below with the formulas written out (not the module's code).
    NUM = [10, 20, 30, 40, 50, 60, 70, 80, 90, 95]
    DEN = [100] * 10

    def by_hand(self):
        p = sum(self.NUM) / sum(self.DEN)  # 545 / 1000 = 0.545
        s = 1 / (2 * math.sqrt(100))  # 0.05
        z = [(math.asin(math.sqrt(a / 100)) - math.asin(math.sqrt(p))) / s for a in self.NUM]
        ordered = sorted(z)
        # 10th and 90th percentiles, linear between order statistics: position 0.1 x 9 = 0.9
        # and 0.9 x 9 = 8.1.
        low = ordered[0] + 0.9 * (ordered[1] - ordered[0])
        high = ordered[8] + 0.1 * (ordered[9] - ordered[8])
        w = [min(max(v, low), high) for v in z]
        phi = sum(v * v for v in w) / 10
        weights = [4 * 100] * 10
        tau2 = (10 * phi - 9) / (sum(weights) - sum(x * x for x in weights) / sum(weights))
        return phi, max(tau2, 0.0), p

    def test_phi_and_tau2(self):
        phi, tau2, p = self.by_hand()
        result = funnel_overdispersion(self.NUM, self.DEN)
        assert isinstance(result, Overdispersion)
        assert result.phi == pytest.approx(phi)
        assert result.tau2 == pytest.approx(tau2)
        assert result.proportion == pytest.approx(0.545) and result.units == 10
        assert phi > 1 and tau2 > 0

    def test_adjusted_limits(self):
        phi, tau2, p = self.by_hand()
        table = funnel_limits([100], p, overdispersion=funnel_overdispersion(self.NUM, self.DEN))
        # sin^2(asin(sqrt p) +/- 1.959964 x sqrt(1 / 400 + tau2)), angle within [0, pi / 2].
        angle, spread = math.asin(math.sqrt(p)), Z95 * math.sqrt(1 / 400 + tau2)
        lower = math.sin(max(angle - spread, 0)) ** 2
        upper = math.sin(min(angle + spread, math.pi / 2)) ** 2
        assert table[["lower_95", "upper_95"]].iloc[0].tolist() == pytest.approx([lower, upper])
        assert table.attrs["method"] == "overdispersed"
        assert table.attrs["phi"] == pytest.approx(phi)
        assert table.attrs["tau2"] == pytest.approx(tau2)

    def test_no_overdispersion_keeps_the_wilson_limits(self):
        # All units exactly on the overall proportion: z-scores 0, phi 0, tau2 0.
        estimate = funnel_overdispersion([30, 60, 15], [100, 200, 50])
        assert estimate.phi == 0 and estimate.tau2 == 0
        table = funnel_limits([100], 0.3, overdispersion=estimate)
        assert table.attrs["method"] == "wilson" and table.attrs["tau2"] == 0.0
        assert table["upper_95"].iloc[0] == pytest.approx(0.3 + Z95 * math.sqrt(0.21 / 100))

    def test_needs_two_units(self):
        with pytest.raises(InputError, match="at least 2 units"):
            funnel_overdispersion([1, 0], [10, 0])


class TestFunnelPoints:
    def test_outside_named_by_side(self):
        # p = 150 / 300 = 0.5; n = 100: 99.8% limits 0.5 -/+ 3.090232 x 0.05 = 0.345512 and
        # 0.654488; 95%: 0.402001 and 0.597999. 0.62 is outside 95% only; 0.30 outside both.
        table = funnel_points([58, 62, 30], [100, 100, 100], labels=["A", "B", "C"])
        assert table["outside_95"].tolist() == ["", "high", "low"]
        assert table["outside_99_8"].tolist() == ["", "", "low"]
        assert table.attrs["proportion"] == pytest.approx(0.5)

    def test_keeps_the_order_given_never_ranks(self):
        table = funnel_points([5, 50, 1], [10, 100, 10], labels=["Z", "A", "M"])
        assert table["label"].tolist() == ["Z", "A", "M"]

    def test_labels_must_name_every_unit(self):
        with pytest.raises(InputError, match="labels"):
            funnel_points([1, 2], [10, 10], labels=["A"])


# --- Signals as in the demo data, and the false-alarm rate ---------------------------------------


class TestDemoLikeSignals:
    def test_step_up_is_found(self):
        # As the demo's Fife step: 60% of ~40 cases a month for 24 months, then 82% for 8 months.
        rng = np.random.default_rng(7)
        den = rng.integers(30, 50, 32)
        rate = np.r_[np.full(24, 0.60), np.full(8, 0.82)]
        num = rng.binomial(den, rate)
        chart = p_chart(num, den)
        assert chart.attrs["variation"] == "special_cause_improvement"
        assert chart["special_cause"].iloc[24:].sum() >= 6
        assert chart["point_type"].iloc[24:].eq("special_cause_improvement").sum() >= 6
        # Before the step nothing improves, except that the run of points above the mean may
        # start with the last month before the step if it happens to lie above the mean (it does
        # with this seed: month 23, 68.6% against a centre of 66.2%).
        assert not chart["point_type"].iloc[:23].eq("special_cause_improvement").any()

    def test_steady_decline_is_found(self):
        # As the demo's Highland decline: 88% falling steadily to 70% over 36 months (percent).
        rng = np.random.default_rng(11)
        values = np.linspace(88, 70, 36) + rng.normal(0, 1.5, 36)
        chart = xmr(values)
        assert chart.attrs["variation"] == "special_cause_concern"
        assert chart["point_type"].eq("special_cause_concern").sum() >= 10

    def test_step_down_is_found_and_a_rebase_at_the_change_starts_afresh(self):
        # As the demo's Glasgow step down (92% to 80%): found as a concern; once the change date is
        # recorded (rebase_at), the new period is judged on its own limits and is stable.
        rng = np.random.default_rng(3)
        values = np.r_[rng.normal(92, 1.0, 18), rng.normal(80, 1.0, 14)]
        assert xmr(values).attrs["variation"] == "special_cause_concern"
        assert xmr(values)["point_type"].iloc[18:].eq("special_cause_concern").all()
        rebased = xmr(values, rebase_at=[18])
        assert rebased["centre"].iloc[20] == pytest.approx(values[18:].mean())
        assert rebased.attrs["variation"] == "common_cause"


class TestFalseAlarmRate:
    """A long stable normal series raises new signals no more often than the rules' false-alarm
    rate.

    For independent normal points, the chance that a point starts each kind of signal is:
    outside the 3-sigma limits 0.0027; a shift, 1 / 128 = 0.0078 (the previous point on the other
    side, 1/2, and the next 7 on one side, 2 x (1/2)^7); a trend, at most 2 / 7! = 0.0004; two of
    three beyond 2 sigma on one side, about 3 x 0.0228^2 x 2 = 0.0031 (an upper bound). Together
    at most about 0.014 signals per point. Estimating sigma from the mean moving range with
    screening adds a little, so we allow 0.016 (with 20,000 points the expected count, about 250,
    has a standard deviation near 16: the margin is 3 standard deviations). Each rule is checked
    against its own rate too, so that a rule that never fires (or fires wildly) fails.
    """

    @staticmethod
    def starts(flags: pd.Series) -> float:
        """New signals per point: flagged points whose predecessor is not flagged."""
        v = flags.to_numpy()
        return float((v & ~np.r_[False, v[:-1]]).sum() / v.shape[0])

    def test_stable_series(self):
        rng = np.random.default_rng(20261126)
        chart = xmr(rng.normal(50, 5, 20_000))
        assert self.starts(chart["special_cause"]) <= 0.016
        assert 0.0015 <= self.starts(chart["outside_limits"]) <= 0.0045
        assert 0.006 <= self.starts(chart["shift"]) <= 0.0095
        assert self.starts(chart["trend"]) <= 0.001
        assert self.starts(chart["two_of_three"]) <= 0.0035
        assert chart.attrs["short_series"] is False


# --- The fast paths give the frames the general path gave -----------------------------------------


def _summary_reference(frame, improvement, target):
    """Variation and assurance as first read: from the frame's row of the latest recorded point."""
    value = frame.iloc[:, 0]
    last = np.flatnonzero(value.notna().to_numpy())
    if not last.size:
        return None, None
    row = frame.iloc[int(last[-1])]
    assurance = None
    has_limits = not (pd.isna(row["upper"]) or pd.isna(row["lower"]))
    if has_limits and target is not None and improvement != "neutral":
        if np.round(target - row["upper"], 9) > 0:
            assurance = "consistent_fail" if improvement == "increase" else "consistent_pass"
        elif np.round(row["lower"] - target, 9) > 0:
            assurance = "consistent_pass" if improvement == "increase" else "consistent_fail"
        else:
            assurance = "inconsistent"
    return row["point_type"], assurance


class TestFastPaths:
    def test_numbers_of_any_container_give_the_same_frame(self):
        rng = np.random.default_rng(13)
        for _ in range(40):
            values = np.round(rng.normal(50, 8, int(rng.integers(1, 30))), 1)
            values[rng.random(values.size) < 0.15] = np.nan
            general = xmr(pd.Series(list(values), dtype=object))  # read by pd.to_numeric
            for fast in (values, pd.Series(values), values.tolist()):
                pd.testing.assert_frame_equal(xmr(fast), general)
                assert xmr(fast).attrs == general.attrs
            counts = np.round(values[~np.isnan(values)])
            whole = counts.astype(int)
            pd.testing.assert_frame_equal(
                p_chart(whole, whole + 5), p_chart(list(counts), pd.Series(counts + 5))
            )

    def test_object_columns_stay_objects_and_only_special_points_name_rules(self):
        # BASE then 30 (above the upper limit 15.32): the last point alone names a rule
        chart = fixed([30])
        assert chart["rules"].dtype == object and chart["point_type"].dtype == object
        assert chart["rules"].tolist() == [()] * 12 + [("outside_limits",)]
        assert chart.columns.tolist()[-2:] == ["rules", "point_type"]
        assert xmr([1.0, None])["point_type"].tolist() == [None, None]  # too few points

    @pytest.mark.parametrize("improvement", ["increase", "decrease", "neutral"])
    def test_variation_and_assurance_as_read_from_the_frame(self, improvement):
        rng = np.random.default_rng(17)
        for _ in range(60):
            values = np.round(rng.normal(50, 10, int(rng.integers(1, 24))), 0)
            values[rng.random(values.size) < 0.2] = np.nan
            target = float(rng.choice([20, 45, 50, 55, 90]))
            chart = xmr(values, improvement=improvement, target=target)
            assert (chart.attrs["variation"], chart.attrs["assurance"]) == _summary_reference(
                chart, improvement, target
            )
            num = np.nan_to_num(values, nan=0.0).clip(0)
            pc = p_chart(num, num + 20, improvement=improvement, target=target / 100)
            assert (pc.attrs["variation"], pc.attrs["assurance"]) == _summary_reference(
                pc, improvement, target / 100
            )


def test_two_of_three_by_slices_is_the_sliding_window_way():
    from jswlib.judge.spc import _rules

    def sliding(side: np.ndarray, close: np.ndarray) -> np.ndarray:
        m = side.shape[0]
        flags = np.zeros(m, dtype=bool)
        if m >= 3:
            windows = np.lib.stride_tricks.sliding_window_view
            sides, closes = windows(side, 3), windows(close, 3)
            same_side = (np.abs(sides.sum(axis=1)) == 3)[:, None]
            qualifying = same_side & (closes.sum(axis=1) >= 2)[:, None] & closes
            for offset in range(3):
                flags[offset : offset + m - 2] |= qualifying[:, offset]
        return flags

    rng = np.random.default_rng(5)
    found = 0
    for _ in range(2000):
        m = int(rng.integers(0, 14))
        x = rng.choice([-3.0, -2.5, -1.0, 0.0, 1.0, 2.5, 3.0], size=m)
        upper, lower = np.full(m, 2.8), np.full(m, -2.8)
        got = _rules(x, 0.0, upper, lower, np.full(m, 2.0), np.full(m, -2.0))
        side = np.sign(x).astype(int)
        close = (np.abs(x) > 2.0) & (np.abs(x) <= 2.8)  # between 2 sigma and the limits
        np.testing.assert_array_equal(got["two_of_three"], sliding(side, close))
        found += int(got["two_of_three"].any())
    assert found > 100
