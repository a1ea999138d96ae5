"""Tests for jswlib.present.charts: the house style, XmR limits, special-cause rules, variation and assurance words,
the trend and SPC charts, and PNG output.

Pure helpers are tested on tiny hand-made series whose limits and flags are worked out by hand in
the comments. Drawing functions are tested by reading the Figure back (lines, labels, markers, axis
limits, tick labels, legend texts and the text alternative), never by comparing pixels.

Hand-worked SPC fixture used by several tests (15 months, limits from the first 12):
baseline 80, 82, 79, 81, 80, 78, 82, 80, 79, 81, 80, 78 sums to 960, mean 80; moving ranges
2, 3, 2, 1, 2, 4, 2, 1, 2, 1, 2 sum to 22, mean moving range 2.0; limits 80 +/- 2.66 x 2 = 80 +/-
5.32, so 85.32 and 74.68; two-thirds lines 80 +/- 3.5467. Then 95 (above the upper limit), 70
(below the lower limit) and 80 (on the mean).
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from PIL import Image

from jswlib.judge.status import NO_TARGET, NOT_AVAILABLE
from jswlib.present.charts import (
    ALT_TEXT_ATTRIBUTE,
    COMMON_CAUSE,
    HIT_AND_MISS,
    PALETTE,
    SHIFT_POINTS,
    SPECIAL_CAUSE_CONCERNING,
    SPECIAL_CAUSE_IMPROVING,
    SPECIAL_CAUSE_NEITHER,
    STYLE,
    TARGET_CONSISTENTLY_MET,
    TARGET_CONSISTENTLY_MISSED,
    TARGET_STYLE,
    TREND_POINTS,
    XMR_SCALING,
    assurance,
    contrast_ratio,
    figure_to_png,
    spc_chart,
    special_causes,
    target_label,
    trend_chart,
    variation_icon,
    xmr_limits,
)

QUARTERS = [
    "Q3 2023/24",
    "Q4 2023/24",
    "Q1 2024/25",
    "Q2 2024/25",
    "Q3 2024/25",
    "Q4 2024/25",
    "Q1 2025/26",
    "Q2 2025/26",
]
MONTHS = [
    "Apr 2024",
    "May 2024",
    "Jun 2024",
    "Jul 2024",
    "Aug 2024",
    "Sep 2024",
    "Oct 2024",
    "Nov 2024",
    "Dec 2024",
    "Jan 2025",
    "Feb 2025",
    "Mar 2025",
    "Apr 2025",
    "May 2025",
    "Jun 2025",
]
SPC_VALUES = [80, 82, 79, 81, 80, 78, 82, 80, 79, 81, 80, 78, 95, 70, 80]
#: Limits used by the rule tests: two-thirds lines at 50 +/- 20, i.e. 70 and 30.
LIMITS = {"mean": 50.0, "upper": 80.0, "lower": 20.0}
WHITE = "#FFFFFF"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def glasgow() -> pd.DataFrame:
    """Eight quarters; Q1 2024/25 (8 cases) and Q1 2025/26 (9 cases) are low numbers."""
    return pd.DataFrame(
        {
            "period": QUARTERS,
            "value": [72.0, 78.0, 81.0, 75.0, 84.0, 80.0, 87.5, 90.0],
            "denominator": [25, 30, 8, 40, 35, 28, 9, 30],
        }
    )


def scotland() -> pd.DataFrame:
    """The comparison: 75% rising to 78.5% (shown as 79%, halves up; Python's round would give 78)."""
    return pd.DataFrame(
        {"period": QUARTERS, "value": [75, 76, 77, 77, 78, 78, 78, 78.5], "denominator": 2000}
    )


def full_chart() -> Figure:
    return trend_chart(
        glasgow(),
        title="CPO induction within 5 working days",
        target=80,
        council_label="Glasgow City",
        comparison=scotland(),
        comparison_label="Scotland",
    )


def line(fig: Figure, label: str):
    """The one line of the chart's axes with this label."""
    found = [ln for ln in fig.axes[0].lines if ln.get_label() == label]
    assert len(found) == 1, f"expected one line labelled {label!r}, found {labels_of(fig)}"
    return found[0]


def labels_of(fig: Figure) -> list[str]:
    return [ln.get_label() for ln in fig.axes[0].lines]


def legend_texts(fig: Figure) -> list[str]:
    return [text.get_text() for text in fig.legends[0].get_texts()]


def spc_data(values=SPC_VALUES) -> pd.DataFrame:
    return pd.DataFrame({"period": MONTHS[: len(values)], "value": values})


# --- Style constants -----------------------------------------------------------------------------


class TestStyleConstants:
    def test_palette_is_the_analysis_function_palette_by_name(self):
        assert dict(PALETTE) == {
            "dark_blue": "#12436D",
            "turquoise": "#28A197",
            "dark_pink": "#801650",
            "orange": "#F46A25",
            "dark_grey": "#3D3D3D",
            "light_purple": "#A285D1",
        }

    def test_constants_cannot_be_changed_by_a_notebook(self):
        with pytest.raises(TypeError):
            PALETTE["dark_blue"] = "#000000"
        with pytest.raises(TypeError):
            STYLE["dpi"] = 300

    def test_figure_size_keeps_pngs_small(self):
        assert STYLE["figsize"] == (7.5, 3.2)
        assert STYLE["dpi"] == 100

    def test_target_style_is_a_dashed_dark_grey_line(self):
        fig = Figure()
        drawn = fig.add_subplot().axhline(80, **TARGET_STYLE)
        assert TARGET_STYLE["color"] == PALETTE["dark_grey"]
        assert drawn.get_linestyle() == "--"


class TestContrastRatio:
    def test_black_on_white_is_21_and_a_colour_on_itself_is_1(self):
        assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
        assert contrast_ratio(PALETTE["orange"], PALETTE["orange"]) == pytest.approx(1.0)

    def test_dark_blue_on_white_worked_by_hand(self):
        # Linearised sRGB of #12436D: 0.00605, 0.05614, 0.15295; luminance 0.05248; (1.05) /
        # (0.10248) = 10.25.
        assert contrast_ratio(PALETTE["dark_blue"]) == pytest.approx(10.25, abs=0.01)

    def test_order_of_the_two_colours_does_not_matter(self):
        assert contrast_ratio(WHITE, PALETTE["dark_blue"]) == contrast_ratio(
            PALETTE["dark_blue"], WHITE
        )

    def test_adjacent_chart_colours_contrast_at_least_3_to_1(self):
        # Council against comparison, improving against concerning points (WCAG 2.2 SC 1.4.11).
        assert contrast_ratio(PALETTE["dark_blue"], PALETTE["turquoise"]) >= 3
        assert contrast_ratio(PALETTE["dark_blue"], PALETTE["orange"]) >= 3

    @pytest.mark.parametrize(
        "name", ["dark_blue", "turquoise", "orange", "dark_grey", "light_purple"]
    )
    def test_every_colour_the_charts_use_contrasts_3_to_1_with_the_white_background(self, name):
        assert contrast_ratio(PALETTE[name], WHITE) >= 3


class TestTargetLabel:
    def test_percentage_target(self):
        assert target_label(80) == "Target 80%"

    def test_a_target_is_shown_exactly_not_rounded(self):
        assert target_label(87.5) == "Target 87.5%"
        assert target_label(95.25) == "Target 95.25%"

    def test_other_units(self):
        assert target_label(5, "days") == "Target 5 days"
        assert target_label(1200, "") == "Target 1,200"


# --- XmR limits ----------------------------------------------------------------------------------


class TestXmrLimits:
    def test_small_series_worked_by_hand(self):
        # 10, 12, 11, 13, 12: moving ranges 2, 1, 2, 1 -> 1.5; mean 58 / 5 = 11.6; 2.66 x 1.5 =
        # 3.99.
        limits = xmr_limits(pd.Series([10, 12, 11, 13, 12]))
        assert limits == pytest.approx(
            {"mean": 11.6, "upper": 15.59, "lower": 7.61, "mr_bar": 1.5}
        )
        assert list(limits) == ["mean", "upper", "lower", "mr_bar"]

    def test_scaling_constant_is_2_66(self):
        assert XMR_SCALING == 2.66

    def test_without_baseline_all_points_count(self):
        # 10, 12, 11, 13, 12, 40, 42: mean 140 / 7 = 20; moving ranges 2, 1, 2, 1, 28, 2 -> 36 / 6
        # = 6; 2.66 x 6 = 15.96.
        limits = xmr_limits([10, 12, 11, 13, 12, 40, 42], unit="")
        assert limits == pytest.approx(
            {"mean": 20.0, "upper": 35.96, "lower": 4.04, "mr_bar": 6.0}
        )

    def test_baseline_uses_only_the_first_k_points(self):
        limits = xmr_limits([10, 12, 11, 13, 12, 40, 42], baseline=5)
        assert limits == pytest.approx(
            {"mean": 11.6, "upper": 15.59, "lower": 7.61, "mr_bar": 1.5}
        )

    def test_points_after_the_baseline_never_move_the_limits(self):
        first_five = xmr_limits([10, 12, 11, 13, 12, 1], baseline=5)
        assert xmr_limits([10, 12, 11, 13, 12, 99, 0], baseline=5) == first_five

    def test_baseline_of_two_points(self):
        # 10, 14: mean 12, one moving range of 4; 2.66 x 4 = 10.64.
        assert xmr_limits([10, 14, 90], baseline=2) == pytest.approx(
            {"mean": 12.0, "upper": 22.64, "lower": 1.36, "mr_bar": 4.0}
        )

    def test_percentage_upper_limit_capped_at_100(self):
        # 95, 99, 96, 100, 97: mean 97.4; moving ranges 4, 3, 4, 3 -> 3.5; 2.66 x 3.5 = 9.31 ->
        # 106.71 capped.
        assert xmr_limits([95, 99, 96, 100, 97]) == pytest.approx(
            {"mean": 97.4, "upper": 100.0, "lower": 88.09, "mr_bar": 3.5}
        )

    def test_percentage_lower_limit_floored_at_0(self):
        # 2, 6, 1, 5, 3: mean 3.4; moving ranges 4, 5, 4, 2 -> 3.75; 2.66 x 3.75 = 9.975 -> -6.575
        # floored.
        assert xmr_limits([2, 6, 1, 5, 3]) == pytest.approx(
            {"mean": 3.4, "upper": 13.375, "lower": 0.0, "mr_bar": 3.75}
        )

    def test_other_units_are_not_clipped(self):
        assert xmr_limits([2, 6, 1, 5, 3], unit="")["lower"] == pytest.approx(-6.575)
        assert xmr_limits([95, 99, 96, 100, 97], unit="")["upper"] == pytest.approx(106.71)

    def test_missing_values_are_skipped_not_zero(self):
        assert xmr_limits([10, None, 12, 11, np.nan, 13, 12]) == pytest.approx(
            xmr_limits([10, 12, 11, 13, 12])
        )

    def test_constant_series_has_limits_on_the_mean(self):
        assert xmr_limits([50, 50, 50]) == {
            "mean": 50.0,
            "upper": 50.0,
            "lower": 50.0,
            "mr_bar": 0.0,
        }

    @pytest.mark.parametrize("values", [[80], [80, None], []])
    def test_fewer_than_two_recorded_values(self, values):
        with pytest.raises(ValueError, match="at least 2 recorded values"):
            xmr_limits(values)

    @pytest.mark.parametrize("baseline", [1, 6, 2.5, True, "5"])
    def test_invalid_baseline(self, baseline):
        with pytest.raises(
            ValueError, match="baseline must be a whole number of points from 2 to 5"
        ):
            xmr_limits([10, 12, 11, 13, 12], baseline=baseline)

    def test_percentage_outside_0_to_100_is_an_error_naming_the_fix(self):
        with pytest.raises(ValueError, match=r"between 0 and 100.*105.*unit=''"):
            xmr_limits([90, 105, 95])

    def test_text_is_not_a_number(self):
        with pytest.raises(ValueError, match="values must be numbers"):
            xmr_limits([10, "twelve", 11])


# --- Special-cause rules --------------------------------------------------------------------------------------


class TestSpecialCauses:
    def flags(self, values, column, limits=LIMITS):
        return special_causes(values, limits["mean"], limits["upper"], limits["lower"])[
            column
        ].tolist()

    def test_columns_and_types(self):
        causes = special_causes(pd.Series([50, 60], index=["a", "b"]), 50, 80, 20)
        assert list(causes.columns) == [
            "outside_limits",
            "shift",
            "trend",
            "two_of_three",
            "special_cause",
            "side",
        ]
        assert list(causes.index) == ["a", "b"]
        assert all(
            causes[c].dtype == bool for c in ["outside_limits", "shift", "trend", "two_of_three"]
        )

    # Outside the limits: strictly above the upper or below the lower limit.
    def test_outside_limits(self):
        # Points on the limits (80, 20) are inside; no two of three lie beyond 70 (or 30) on one
        # side.
        causes = special_causes([50, 81, 50, 19, 50, 80, 50, 20], 50, 80, 20)
        assert causes["outside_limits"].tolist() == [
            False,
            True,
            False,
            True,
            False,
            False,
            False,
            False,
        ]
        assert causes["special_cause"].tolist() == [
            False,
            True,
            False,
            True,
            False,
            False,
            False,
            False,
        ]
        assert causes["side"].tolist() == ["", "high", "", "low", "", "", "", ""]

    # Shift: a run of 7 on one side of the mean.
    def test_run_of_7_above_the_mean_is_a_shift(self):
        assert SHIFT_POINTS == 7
        assert self.flags([51, 52, 51, 52, 51, 52, 51, 40], "shift") == [True] * 7 + [False]
        assert self.flags([51, 52, 51, 52, 51, 52, 51, 40], "side") == ["high"] * 7 + [""]

    def test_run_of_6_is_not_a_shift(self):
        causes = special_causes([40, 51, 52, 51, 52, 51, 52, 40], 50, 80, 20)
        assert not causes["special_cause"].any()

    def test_run_of_7_below_the_mean(self):
        assert self.flags([49, 48, 49, 48, 49, 48, 49], "shift") == [True] * 7
        assert self.flags([49, 48, 49, 48, 49, 48, 49], "side") == ["low"] * 7

    def test_a_point_on_the_mean_ends_a_run(self):
        # 3 above, one exactly on the mean, 4 above: two runs of 3 and 4, no shift.
        assert not any(self.flags([51, 52, 51, 50, 52, 51, 52, 51], "shift"))

    def test_a_missing_value_is_skipped_not_a_break(self):
        assert (
            self.flags([51, 52, None, 51, 52, 51, 52, 51], "shift")
            == [True, True, False] + [True] * 5
        )
        assert self.flags([51, 52, None, 51, 52, 51, 52, 51], "side")[2] == ""

    # Trend: 7 points (6 increases or decreases).
    def test_seven_rising_points_are_a_trend(self):
        # 45 ... 57: six increases. 3 points below the mean then 4 above: no shift; all under 70:
        # no 2-of-3.
        causes = special_causes([45, 47, 49, 51, 53, 55, 57, 50], 50, 80, 20)
        assert TREND_POINTS == 7
        assert causes["trend"].tolist() == [True] * 7 + [False]
        assert not causes[["outside_limits", "shift", "two_of_three"]].to_numpy().any()
        assert causes["side"].tolist() == ["high"] * 7 + [
            ""
        ]  # the direction of the trend, even below the mean

    def test_six_rising_points_are_not_a_trend(self):
        # 45 ... 55: five increases, then a fall.
        assert not any(self.flags([45, 47, 49, 51, 53, 55, 50, 52], "trend"))

    def test_seven_falling_points_are_a_trend(self):
        assert self.flags([57, 55, 53, 51, 49, 47, 45], "trend") == [True] * 7
        assert self.flags([57, 55, 53, 51, 49, 47, 45], "side") == ["low"] * 7

    def test_two_equal_values_end_a_trend(self):
        # 45, 47, 49 | 49, 51, 53, 55, 57: two increases, no change, four increases.
        assert not any(self.flags([45, 47, 49, 49, 51, 53, 55, 57], "trend"))

    def test_longer_trend_flags_every_point(self):
        assert self.flags([40, 41, 42, 43, 44, 45, 46, 47, 48], "trend") == [True] * 9

    # Two of three beyond two-thirds of the way to a limit (here beyond 70 or below 30).
    def test_two_of_three_high(self):
        causes = special_causes([50, 71, 60, 72, 50], 50, 80, 20)
        assert causes["two_of_three"].tolist() == [False, True, False, True, False]
        assert causes["side"].tolist() == ["", "high", "", "high", ""]

    def test_two_of_three_low_consecutive(self):
        assert self.flags([50, 29, 28, 50], "two_of_three") == [False, True, True, False]

    def test_two_beyond_but_never_two_within_three(self):
        # Windows (50, 71, 60), (71, 60, 60), (60, 60, 72) each hold one point beyond 70.
        assert not any(self.flags([50, 71, 60, 60, 72], "two_of_three"))

    def test_exactly_two_thirds_is_not_beyond(self):
        assert not any(self.flags([50, 70, 71, 50], "two_of_three"))

    def test_opposite_sides_do_not_count_together(self):
        assert not any(self.flags([71, 29, 50], "two_of_three"))

    def test_a_limit_clipped_at_100_does_not_move_the_two_thirds_line(self):
        # Mean 90, lower limit 72 (18 below), upper 108 clipped to 100: two-thirds of 18 = 12 ->
        # line at 102. Using the clipped side would put the line at 96.67 and wrongly flag 98 and
        # 99.
        clipped = {"mean": 90, "upper": 100, "lower": 72}
        assert not any(self.flags([90, 98, 90, 99, 90], "two_of_three", clipped))

    def test_common_cause_series(self):
        assert not special_causes([50, 55, 45, 52, 48], 50, 80, 20)["special_cause"].any()

    def test_missing_value_rows_are_all_false(self):
        causes = special_causes([50, None, 81], 50, 80, 20)
        assert causes["outside_limits"].tolist() == [False, False, True]
        assert causes.loc[1, "side"] == ""

    def test_limits_in_the_wrong_order(self):
        with pytest.raises(ValueError, match="lower <= mean <= upper"):
            special_causes([50, 60], mean=50, upper=40, lower=20)


# --- Variation and assurance words ---------------------------------------------------------------


class TestVariationIcon:
    @pytest.mark.parametrize("polarity", ["higher", "lower", "neutral"])
    def test_common_cause(self, polarity):
        assert variation_icon([50, 55, 45], LIMITS, polarity) == COMMON_CAUSE == "Common cause"

    def test_high_latest_point(self):
        assert variation_icon([50, 55, 85], LIMITS, "higher") == "Special cause improving"
        assert variation_icon([50, 55, 85], LIMITS, "lower") == "Special cause concerning"
        assert variation_icon([50, 55, 85], LIMITS, "neutral") == SPECIAL_CAUSE_NEITHER

    def test_low_latest_point(self):
        assert variation_icon([50, 55, 15], LIMITS, "higher") == SPECIAL_CAUSE_CONCERNING
        assert variation_icon([50, 55, 15], LIMITS, "lower") == SPECIAL_CAUSE_IMPROVING

    def test_an_earlier_special_cause_that_has_ended_is_common_cause(self):
        assert variation_icon([85, 50, 52], LIMITS, "higher") == COMMON_CAUSE

    def test_latest_point_in_a_shift(self):
        run = [51, 52, 51, 52, 51, 52, 51]
        assert variation_icon(run, LIMITS, "higher") == SPECIAL_CAUSE_IMPROVING
        assert variation_icon(run, LIMITS, "lower") == SPECIAL_CAUSE_CONCERNING

    def test_latest_point_in_a_falling_trend(self):
        assert (
            variation_icon([57, 55, 53, 51, 49, 47, 45], LIMITS, "lower")
            == SPECIAL_CAUSE_IMPROVING
        )

    def test_latest_recorded_point_when_the_last_is_missing(self):
        assert variation_icon([50, 85, None], LIMITS, "higher") == SPECIAL_CAUSE_IMPROVING

    def test_no_recorded_value(self):
        assert variation_icon([None, None], LIMITS, "higher") == NOT_AVAILABLE

    def test_with_limits_from_a_baseline(self):
        # Baseline 10, 12, 11, 13, 12: upper limit 15.59, so 20 is outside it.
        values = [10, 12, 11, 13, 12, 20]
        assert (
            variation_icon(values, xmr_limits(values, baseline=5), "higher")
            == SPECIAL_CAUSE_IMPROVING
        )

    def test_invalid_polarity(self):
        with pytest.raises(ValueError, match="polarity must be one of"):
            variation_icon([50, 55], LIMITS, "up")


class TestAssurance:
    LIMITS = {"mean": 75.0, "upper": 90.0, "lower": 60.0}

    @pytest.mark.parametrize(
        ("target", "expected"),
        [
            (55, TARGET_CONSISTENTLY_MET),  # below the lower limit
            (
                60,
                TARGET_CONSISTENTLY_MET,
            ),  # at the lower limit: every point within the limits meets it
            (75, HIT_AND_MISS),
            (90, HIT_AND_MISS),  # at the upper limit: only a point at the limit meets it
            (95, TARGET_CONSISTENTLY_MISSED),
        ],
    )
    def test_higher_is_better(self, target, expected):
        assert assurance(self.LIMITS, target, "higher") == expected

    @pytest.mark.parametrize(
        ("target", "expected"),
        [
            (95, TARGET_CONSISTENTLY_MET),
            (90, TARGET_CONSISTENTLY_MET),
            (75, HIT_AND_MISS),
            (60, HIT_AND_MISS),
            (55, TARGET_CONSISTENTLY_MISSED),
        ],
    )
    def test_lower_is_better(self, target, expected):
        assert assurance(self.LIMITS, target, "lower") == expected

    def test_words(self):
        assert (TARGET_CONSISTENTLY_MET, TARGET_CONSISTENTLY_MISSED, HIT_AND_MISS) == (
            "Target consistently met",
            "Target consistently missed",
            "Hit and miss",
        )

    @pytest.mark.parametrize("target", [None, np.nan])
    def test_no_target(self, target):
        assert assurance(self.LIMITS, target) == NO_TARGET == "No target"
        assert assurance(self.LIMITS, target, "neutral") == NO_TARGET

    def test_neutral_indicator_cannot_have_a_target(self):
        with pytest.raises(ValueError, match="neutral"):
            assurance(self.LIMITS, 80, "neutral")

    def test_floating_point_noise_does_not_decide(self):
        assert (
            assurance({"mean": 0.5, "upper": 0.9, "lower": 0.1 + 0.2}, 0.3)
            == TARGET_CONSISTENTLY_MET
        )

    def test_with_limits_from_xmr(self):
        # Hand-worked fixture: limits 74.68 to 85.32; a target of 80 lies between them.
        assert assurance(xmr_limits(SPC_VALUES, baseline=12), 80) == HIT_AND_MISS

    def test_missing_limit_key(self):
        with pytest.raises(ValueError, match="missing \\['lower'\\]"):
            assurance({"mean": 75, "upper": 90}, 80)


# --- Trend chart ---------------------------------------------------------------------------------


class TestTrendChart:
    def test_returns_a_figure_of_the_house_size(self):
        fig = full_chart()
        assert isinstance(fig, Figure)
        assert tuple(fig.get_size_inches()) == (7.5, 3.2)
        assert fig.dpi == 100
        assert fig.axes[0].get_title(loc="left") == "CPO induction within 5 working days"

    def test_lines_drawn(self):
        # Council line, its hollow low-number points, the comparison, the target.
        assert labels_of(full_chart()) == [
            "Glasgow City",
            "Glasgow City, fewer than 10 cases",
            "Scotland",
            "Target 80%",
        ]

    def test_target_line_labelled_target_80(self):
        target = line(full_chart(), "Target 80%")
        assert list(target.get_ydata()) == [80, 80]
        assert target.get_color() == PALETTE["dark_grey"]
        assert target.get_linestyle() == "--"

    def test_y_axis_is_0_to_100_with_percent_ticks(self):
        ax = full_chart().axes[0]
        assert ax.get_ylim() == (0, 100)
        assert [t.get_text() for t in ax.get_yticklabels()] == [
            "0%",
            "20%",
            "40%",
            "60%",
            "80%",
            "100%",
        ]

    def test_x_tick_labels_are_the_period_labels(self):
        ax = full_chart().axes[0]
        assert [t.get_text() for t in ax.get_xticklabels()] == QUARTERS
        # 8 labels of 10 characters fit side by side
        assert ax.get_xticklabels()[0].get_rotation() == 0

    def test_many_long_labels_are_rotated(self):
        data = pd.DataFrame({"period": MONTHS[:12], "value": 50.0})
        ax = trend_chart(data, title="Monthly").axes[0]
        assert [t.get_text() for t in ax.get_xticklabels()] == MONTHS[:12]
        assert ax.get_xticklabels()[0].get_rotation() == 45

    def test_council_series_dark_blue_solid_round_markers(self):
        council = line(full_chart(), "Glasgow City")
        assert list(council.get_xdata()) == list(range(8))
        assert list(council.get_ydata()) == [72.0, 78.0, 81.0, 75.0, 84.0, 80.0, 87.5, 90.0]
        assert council.get_color() == PALETTE["dark_blue"]
        assert (council.get_linestyle(), council.get_marker()) == ("-", "o")

    def test_comparison_differs_by_line_style_and_marker_shape_not_colour_alone(self):
        fig = full_chart()
        council, comparison = line(fig, "Glasgow City"), line(fig, "Scotland")
        assert comparison.get_color() == PALETTE["turquoise"]
        assert comparison.get_linestyle() == "--" != council.get_linestyle()
        assert comparison.get_marker() == "s" != council.get_marker()

    def test_low_number_points_are_hollow_and_named_in_the_legend(self):
        fig = full_chart()
        hollow = line(fig, "Glasgow City, fewer than 10 cases")
        assert list(hollow.get_xdata()) == [2, 6]  # Q1 2024/25 (8 cases) and Q1 2025/26 (9 cases)
        assert list(hollow.get_ydata()) == [81.0, 87.5]
        assert hollow.get_markerfacecolor() == WHITE
        assert hollow.get_markeredgecolor() == PALETTE["dark_blue"]
        assert hollow.get_linestyle() == "None"
        # The council's line draws its filled markers everywhere else.
        assert line(fig, "Glasgow City").get_markevery() == [0, 1, 3, 4, 5, 7]

    def test_denominator_of_10_is_not_low(self):
        data = pd.DataFrame(
            {"period": QUARTERS[:2], "value": [50.0, 60.0], "denominator": [10, 12]}
        )
        assert labels_of(trend_chart(data, title="T")) == ["Council"]

    def test_legend_names_every_series(self):
        assert legend_texts(full_chart()) == [
            "Glasgow City",
            "Glasgow City, fewer than 10 cases",
            "Scotland",
            "Target 80%",
        ]

    def test_alt_text_worked_by_hand(self):
        # Met (at or above 80): 81, 84, 80, 87.5, 90 -> 5 of 8. Highest 90 (Q2 2025/26), lowest 72
        # (Q3 2023/24). Scotland 75 -> 78.5, shown as 79% (halves up).
        assert getattr(full_chart(), ALT_TEXT_ATTRIBUTE) == (
            "Line chart of CPO induction within 5 working days for Glasgow City, with Scotland for comparison, "
            "8 quarters from Q3 2023/24 to Q2 2025/26. "
            "Glasgow City rose from 72% in Q3 2023/24 to 90% in Q2 2025/26; "
            "the highest was 90% (Q2 2025/26) and the lowest 72% (Q3 2023/24). "
            "Scotland rose from 75% in Q3 2023/24 to 79% in Q2 2025/26. "
            "The target of 80% was met in 5 of 8 quarters. "
            "The Glasgow City values for Q1 2024/25 and Q1 2025/26 are based on fewer than 10 cases and are "
            "drawn as hollow points."
        )

    def test_alt_text_fall_and_lowest_in_the_middle(self):
        data = pd.DataFrame({"period": QUARTERS[:4], "value": [90.0, 60.0, 72.5, 70.0]})
        text = trend_chart(data, title="Reviews", target=75).jsw_alt_text
        # 72.5 shows as 73% (halves up); met: 90 only -> 1 of 4.
        assert (
            "The value fell from 90% in Q3 2023/24 to 70% in Q2 2024/25; the highest was 90% (Q3 2023/24) "
            "and the lowest 60% (Q4 2023/24)." in text
        )
        assert text.endswith("The target of 75% was met in 1 of 4 quarters.")

    def test_alt_text_met_judges_the_exact_value(self):
        # 79.5 is shown as 80% but does not meet a target of 80; 80 does (a value at target meets
        # it).
        data = pd.DataFrame({"period": QUARTERS[:2], "value": [79.5, 80.0]})
        text = trend_chart(data, title="T", target=80).jsw_alt_text
        assert "The value was 80% in both Q3 2023/24 and Q4 2023/24." in text
        assert "met in 1 of 2 quarters" in text

    def test_alt_text_lower_is_better(self):
        data = pd.DataFrame({"period": QUARTERS[:4], "value": [12.0, 8.0, 10.0, 15.0]})
        text = trend_chart(data, title="Breaches", target=10, polarity="lower").jsw_alt_text
        assert "The target of 10% was met in 2 of 4 quarters." in text  # 8 and 10

    def test_missing_value_leaves_a_gap_and_is_named(self):
        data = pd.DataFrame({"period": QUARTERS[:3], "value": [70.0, None, 80.0]})
        fig = trend_chart(data, title="T", target=75, council_label="Moray")
        assert np.isnan(line(fig, "Moray").get_ydata()[1])
        assert "met in 1 of 2 quarters" in fig.jsw_alt_text
        assert fig.jsw_alt_text.endswith("There is no Moray value for Q4 2023/24.")

    def test_single_period(self):
        data = pd.DataFrame({"period": ["Q2 2025/26"], "value": [80.0]})
        assert trend_chart(data, title="T").jsw_alt_text == (
            "Line chart of T, Q2 2025/26. The value was 80% in Q2 2025/26."
        )

    def test_all_values_missing(self):
        data = pd.DataFrame({"period": ["Q1 2025/26", "Q2 2025/26"], "value": [None, None]})
        assert trend_chart(data, title="Empty", target=80).jsw_alt_text == (
            "Line chart of Empty, 2 quarters from Q1 2025/26 to Q2 2025/26. "
            "There is no value for Q1 2025/26 and Q2 2025/26."
        )

    def test_other_unit_with_decimals_rounds_half_up(self):
        # 4.25 days shows as 4.3 (halves up; Python's round gives 4.2). Lower is better: 3.5 <= 4
        # meets the target.
        data = pd.DataFrame({"period": ["2023/24", "2024/25"], "value": [3.5, 4.25]})
        fig = trend_chart(
            data, title="Average days", unit="days", digits=1, target=4, polarity="lower"
        )
        assert fig.jsw_alt_text == (
            "Line chart of Average days, 2 financial years from 2023/24 to 2024/25. "
            "The value rose from 3.5 days in 2023/24 to 4.3 days in 2024/25. "
            "The target of 4 days was met in 1 of 2 financial years."
        )
        assert fig.axes[0].get_ylabel() == "days"

    def test_missing_comparison_period_is_named(self):
        data = pd.DataFrame({"period": QUARTERS[:2], "value": [70.0, 75.0]})
        other = pd.DataFrame({"period": QUARTERS[:1], "value": [60.0]})
        text = trend_chart(
            data, title="T", comparison=other, comparison_label="Scotland"
        ).jsw_alt_text
        assert "Scotland was 60% in Q3 2023/24." in text
        assert text.endswith("There is no Scotland value for Q4 2023/24.")

    def test_very_many_periods_label_every_second(self):
        months = [
            f"{m} {y}"
            for y in range(2022, 2026)
            for m in (
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
        ][:40]
        ax = trend_chart(pd.DataFrame({"period": months, "value": 50.0}), title="T").axes[0]
        assert [t.get_text() for t in ax.get_xticklabels()] == months[::2]

    def test_no_target_no_comparison(self):
        data = pd.DataFrame({"period": QUARTERS[:3], "value": [70.0, 75.0, 80.0]})
        fig = trend_chart(data, title="T")
        assert labels_of(fig) == ["Council"]
        assert "target" not in fig.jsw_alt_text

    def test_comparison_is_aligned_to_the_council_periods(self):
        data = pd.DataFrame({"period": QUARTERS[:3], "value": [70.0, 75.0, 80.0]})
        other = pd.DataFrame(
            {"period": [QUARTERS[2], QUARTERS[0], "Q1 2026/27"], "value": [60.0, 50.0, 99.0]}
        )
        comparison = line(
            trend_chart(data, title="T", comparison=other, comparison_label="FG1"), "FG1"
        )
        assert list(comparison.get_xdata()) == [0, 1, 2]
        np.testing.assert_array_equal(comparison.get_ydata(), [50.0, np.nan, 60.0])

    def test_counts_start_at_zero_and_are_not_percentages(self):
        data = pd.DataFrame({"period": ["2023/24", "2024/25"], "value": [1052.0, 1394.0]})
        fig = trend_chart(data, title="CPOs imposed", unit="", target=1200)
        bottom, top = fig.axes[0].get_ylim()
        assert bottom == 0 and top >= 1394
        assert line(fig, "Target 1,200").get_ydata()[0] == 1200
        assert "The value rose from 1,052 in 2023/24 to 1,394 in 2024/25." in fig.jsw_alt_text
        assert "met in 1 of 2 financial years" in fig.jsw_alt_text

    def test_missing_column(self):
        with pytest.raises(ValueError, match=r"data is missing column\(s\) \['value'\]"):
            trend_chart(pd.DataFrame({"period": QUARTERS[:2], "rate": [1, 2]}), title="T")

    def test_repeated_period(self):
        with pytest.raises(ValueError, match="repeated: Q3 2023/24"):
            trend_chart(pd.DataFrame({"period": [QUARTERS[0]] * 2, "value": [1, 2]}), title="T")

    def test_not_a_dataframe(self):
        with pytest.raises(TypeError, match="DataFrame"):
            trend_chart([1, 2, 3], title="T")

    def test_neutral_indicator_with_a_target(self):
        with pytest.raises(ValueError, match="neutral"):
            trend_chart(glasgow(), title="T", target=80, polarity="neutral")

    def test_text_value(self):
        with pytest.raises(ValueError, match="column 'value' must be numbers"):
            trend_chart(pd.DataFrame({"period": QUARTERS[:2], "value": ["high", 2]}), title="T")


# --- SPC chart -----------------------------------------------------------------------------------


class TestSpcChart:
    def chart(self, polarity="higher", **options):
        return spc_chart(
            spc_data(),
            title="UPW placement within 7 working days",
            target=80,
            baseline=12,
            polarity=polarity,
            **options,
        )

    def test_mean_and_limits_worked_by_hand(self):
        fig = self.chart()
        assert line(fig, "Mean").get_ydata()[0] == pytest.approx(80.0)
        assert line(fig, "Upper process limit").get_ydata()[0] == pytest.approx(85.32)
        assert line(fig, "Lower process limit").get_ydata()[0] == pytest.approx(74.68)

    def test_limits_are_dashed_and_the_target_drawn(self):
        fig = self.chart()
        assert line(fig, "Upper process limit").get_linestyle() == "--"
        assert line(fig, "Lower process limit").get_linestyle() == "--"
        assert line(fig, "Target 80%").get_ydata()[0] == 80

    def test_series_is_drawn_for_every_month(self):
        fig = self.chart()
        assert list(line(fig, "Value").get_ydata()) == SPC_VALUES
        assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == MONTHS

    def test_special_cause_points_marked_by_shape_and_colour(self):
        fig = self.chart()
        improving, concerning = (
            line(fig, "Special cause improving"),
            line(fig, "Special cause concerning"),
        )
        assert (list(improving.get_xdata()), list(improving.get_ydata())) == (
            [12],
            [95],
        )  # Apr 2025
        assert (list(concerning.get_xdata()), list(concerning.get_ydata())) == (
            [13],
            [70],
        )  # May 2025
        assert improving.get_color() == PALETTE["dark_blue"]
        assert concerning.get_color() == PALETTE["orange"]
        shapes = {improving.get_marker(), concerning.get_marker(), line(fig, "Value").get_marker()}
        assert len(shapes) == 3

    def test_lower_is_better_swaps_improving_and_concerning(self):
        fig = self.chart(polarity="lower")
        assert list(line(fig, "Special cause improving").get_xdata()) == [13]
        assert list(line(fig, "Special cause concerning").get_xdata()) == [12]

    def test_neutral_indicator_marks_special_causes_as_neither(self):
        fig = spc_chart(spc_data(), title="CPOs", baseline=12, polarity="neutral")
        neither = line(fig, SPECIAL_CAUSE_NEITHER)
        assert list(neither.get_xdata()) == [12, 13]
        assert neither.get_color() == PALETTE["light_purple"]

    def test_baseline_end_is_marked(self):
        assert list(line(self.chart(), "End of baseline").get_xdata()) == [11.5, 11.5]

    def test_y_axis_zooms_to_values_limits_and_target_within_0_100(self):
        bottom, top = self.chart().axes[0].get_ylim()
        assert 0 <= bottom < 70 and 95 < top <= 100

    def test_legend(self):
        assert legend_texts(self.chart()) == [
            "Value",
            "Mean",
            "Process limits",
            "Target 80%",
            "End of baseline",
            "Special cause improving",
            "Special cause concerning",
        ]

    def test_alt_text_worked_by_hand(self):
        assert self.chart().jsw_alt_text == (
            "Statistical process control chart of UPW placement within 7 working days, 15 months from Apr 2024 "
            "to Jun 2025. The mean is 80.0% and the process limits are 74.7% to 85.3%, calculated from the "
            "first 12 months. Special-cause variation at Apr 2025 (improving) and May 2025 (concerning). "
            "Variation at the latest month (Jun 2025, 80%): Common cause. "
            "Assurance against the target of 80%: Hit and miss."
        )

    def test_shift_at_the_end_names_the_variation_word(self):
        # Seven months at 82 after the baseline: above the mean of 80, inside the two-thirds line
        # (83.55).
        values = SPC_VALUES[:12] + [82] * 7
        months = [
            f"{m} {y}"
            for y in (2024, 2025)
            for m in (
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
        ][3:22]
        fig = spc_chart(
            pd.DataFrame({"period": months, "value": values}), title="T", target=75, baseline=12
        )
        assert list(line(fig, SPECIAL_CAUSE_IMPROVING).get_xdata()) == list(range(12, 19))
        assert "Special-cause variation at 7 months: 7 improving." in fig.jsw_alt_text
        assert "(Oct 2025, 82%): Special cause improving." in fig.jsw_alt_text
        # 75 between 74.68 and 85.32
        assert fig.jsw_alt_text.endswith("target of 75%: Hit and miss.")

    def test_common_cause_only(self):
        fig = spc_chart(spc_data(SPC_VALUES[:12]), title="T")
        assert not any(label.startswith("Special cause") for label in labels_of(fig))
        assert "No point shows special-cause variation." in fig.jsw_alt_text
        assert "Common cause" in fig.jsw_alt_text

    def test_missing_month_leaves_a_gap_and_is_named(self):
        values = SPC_VALUES[:5] + [None] + SPC_VALUES[6:12]
        fig = spc_chart(spc_data(values), title="T")
        assert np.isnan(line(fig, "Value").get_ydata()[5])
        assert fig.jsw_alt_text.endswith("There is no value for Sep 2024.")

    def test_counts(self):
        fig = spc_chart(spc_data([10, 12, 11, 13, 12]), title="CPOs imposed", unit="")
        assert "The mean is 11.6 and the process limits are 7.6 to 15.6." in fig.jsw_alt_text


# --- PNG output and global state -----------------------------------------------------------------


class TestFigureToPng:
    def test_png_signature_and_small(self):
        png = figure_to_png(full_chart())
        assert png.startswith(PNG_SIGNATURE)
        assert len(png) < 80_000

    def test_size_in_pixels_is_about_the_figure_size_at_100_dpi(self):
        width, height = Image.open(io.BytesIO(figure_to_png(full_chart()))).size
        assert 600 <= width <= 800 and 250 <= height <= 340  # 750 x 320 before the tight crop

    def test_alt_text_is_the_png_description(self):
        fig = full_chart()
        assert Image.open(io.BytesIO(figure_to_png(fig))).text["Description"] == fig.jsw_alt_text

    def test_same_figure_same_bytes(self):
        fig = full_chart()
        assert figure_to_png(fig) == figure_to_png(fig)

    def test_not_a_figure(self):
        with pytest.raises(TypeError, match="Figure"):
            figure_to_png(b"png")


class TestNoGlobalState:
    def test_rcparams_unchanged(self):
        before = dict(matplotlib.rcParams)
        figure_to_png(full_chart())
        figure_to_png(spc_chart(spc_data(), title="T", baseline=12))
        assert dict(matplotlib.rcParams) == before

    def test_pyplot_is_never_imported(self):
        script = textwrap.dedent(
            """
            import sys
            import pandas as pd
            from jswlib.present.charts import figure_to_png, spc_chart, trend_chart
            data = pd.DataFrame({"period": ["Q1 2025/26", "Q2 2025/26", "Q3 2025/26"], "value": [70, 80, 75]})
            figure_to_png(trend_chart(data, title="T", target=80))
            figure_to_png(spc_chart(data, title="T"))
            print("matplotlib.pyplot" in sys.modules)
            """
        )
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == "False"
