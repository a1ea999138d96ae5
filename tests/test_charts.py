"""Tests for jswlib.present.charts: the house style, the trend, SPC and funnel charts, and PNG
output.

The SPC statistics themselves (limits, rules, variation, assurance, funnel limits) are tested in
tests/test_spc.py; here, what is drawn and what the text alternative says. Drawing functions are
tested by reading the Figure back (lines, labels, markers, axis limits, tick labels, legend texts
and the text alternative), never by comparing pixels.

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

from jswlib.present.charts import (
    ALT_TEXT_ATTRIBUTE,
    COUNCIL_STYLE,
    PALETTE,
    SPECIAL_CAUSE_STYLES,
    STYLE,
    TARGET_STYLE,
    contrast_ratio,
    figure_to_png,
    funnel_chart,
    spc_chart,
    target_label,
    trend_chart,
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
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SPC_VALUES = [80, 82, 79, 81, 80, 78, 82, 80, 79, 81, 80, 78, 95, 70, 80]
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
    """The comparison: 75% rising to 78.5% (shown as 79%, halves up; Python's round would give
    78)."""
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
            "Line chart of CPO induction within 5 working days for Glasgow City, with Scotland "
            "for comparison, 8 quarters from Q3 2023/24 to Q2 2025/26. Glasgow City rose from 72% "
            "in Q3 2023/24 to 90% in Q2 2025/26; the highest was 90% (Q2 2025/26) and the lowest "
            "72% (Q3 2023/24). Scotland rose from 75% in Q3 2023/24 to 79% in Q2 2025/26. The "
            "target of 80% was met in 5 of 8 quarters. The Glasgow City values for Q1 2024/25 and "
            "Q1 2025/26 are based on fewer than 10 cases and are drawn as hollow points."
        )

    def test_alt_text_fall_and_lowest_in_the_middle(self):
        data = pd.DataFrame({"period": QUARTERS[:4], "value": [90.0, 60.0, 72.5, 70.0]})
        text = trend_chart(data, title="Reviews", target=75).jsw_alt_text
        # 72.5 shows as 73% (halves up); met: 90 only -> 1 of 4.
        assert (
            "The value fell from 90% in Q3 2023/24 to 70% in Q2 2024/25; the highest was 90% (Q3 "
            "2023/24) "
            "and the lowest 60% (Q4 2023/24)." in text
        )
        assert text.endswith("The target of 75% was met in 1 of 4 quarters.")

    def test_alt_text_met_judges_the_published_value(self):
        # 79.5 is shown as 80% and so meets a target of 80, as 80 does (a value at target meets
        # it); 79.4 shows as 79% and does not.
        data = pd.DataFrame({"period": QUARTERS[:3], "value": [79.5, 80.0, 79.4]})
        text = trend_chart(data, title="T", target=80).jsw_alt_text
        assert "met in 2 of 3 quarters" in text

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
    """The statistics are tested in tests/test_spc.py; here, what is drawn and said."""

    def chart(self, polarity="higher", **options):
        return spc_chart(
            spc_data(),
            title="UPW placement within 7 working days",
            target=80,
            fix_after_n_points=12,
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
        improvement = line(fig, "Special cause: improvement")
        concern = line(fig, "Special cause: concern")
        # Apr 2025 (95, above 85.32) and May 2025 (70, below 74.68).
        assert (list(improvement.get_xdata()), list(improvement.get_ydata())) == ([12], [95])
        assert (list(concern.get_xdata()), list(concern.get_ydata())) == ([13], [70])
        assert improvement.get_color() == PALETTE["dark_blue"]
        assert concern.get_color() == PALETTE["orange"]
        shapes = {improvement.get_marker(), concern.get_marker(), line(fig, "Value").get_marker()}
        assert len(shapes) == 3

    def test_every_point_type_has_its_own_shape(self):
        markers = [style["marker"] for style in SPECIAL_CAUSE_STYLES.values()]
        assert len(set(markers)) == len(markers) == 4
        assert COUNCIL_STYLE["marker"] not in markers

    def test_lower_is_better_swaps_improvement_and_concern(self):
        fig = self.chart(polarity="lower")
        assert list(line(fig, "Special cause: improvement").get_xdata()) == [13]
        assert list(line(fig, "Special cause: concern").get_xdata()) == [12]

    def test_neutral_indicator_marks_high_and_low(self):
        fig = spc_chart(spc_data(), title="CPOs", fix_after_n_points=12, polarity="neutral")
        high, low = (
            line(fig, "Special cause: unusually high"),
            line(fig, "Special cause: unusually low"),
        )
        assert (list(high.get_xdata()), list(low.get_xdata())) == ([12], [13])
        assert high.get_color() == low.get_color() == PALETTE["light_purple"]
        assert high.get_marker() != low.get_marker()

    def test_end_of_fixed_limits_is_marked(self):
        assert list(line(self.chart(), "End of fixed limits").get_xdata()) == [11.5, 11.5]

    def test_a_recorded_change_is_marked_and_named(self):
        fig = spc_chart(spc_data(), title="T", rebase_at=[7])
        assert list(line(fig, "Change: limits recalculated").get_xdata()) == [6.5, 6.5]
        assert "Nov 2024" in [text.get_text() for text in fig.axes[0].texts]
        # The limit lines break between the two periods (a NaN between positions 6 and 7).
        assert np.isnan(line(fig, "Mean").get_ydata()[7])
        assert "from Nov 2024, mean" in fig.jsw_alt_text

    def test_trial_limits_are_labelled(self):
        assert "Process limits (trial)" in legend_texts(
            spc_chart(spc_data(SPC_VALUES[:11]), title="T")
        )
        assert "Process limits" in legend_texts(self.chart())

    def test_too_few_points_draws_no_limits_and_says_so(self):
        fig = spc_chart(spc_data([80, 82, 79]), title="T")
        assert "Mean" not in labels_of(fig)
        assert "too few points for process limits (at least 6 are needed)" in fig.jsw_alt_text

    def test_y_axis_zooms_to_values_limits_and_target_within_0_100(self):
        bottom, top = self.chart().axes[0].get_ylim()
        assert 0 <= bottom < 70 and 95 < top <= 100

    def test_percentage_limits_are_drawn_within_0_to_100(self):
        # 0, 100, 0, 100, 0, 100: mean 50, moving ranges 100, limits 50 +/- 266: shown as 0 to 100.
        fig = spc_chart(spc_data([0, 100, 0, 100, 0, 100]), title="T")
        assert line(fig, "Upper process limit").get_ydata()[0] == 100
        assert line(fig, "Lower process limit").get_ydata()[0] == 0

    def test_legend(self):
        assert legend_texts(self.chart()) == [
            "Value",
            "Mean",
            "Process limits",
            "Target 80%",
            "End of fixed limits",
            "Special cause: improvement",
            "Special cause: concern",
        ]

    def test_alt_text_is_one_sentence_worked_by_hand(self):
        assert self.chart().jsw_alt_text == (
            "Statistical process control XmR chart of UPW placement within 7 working days, 15 "
            "months from Apr 2024 to Jun 2025: mean 80.0%, process limits 74.7% to 85.3%, fixed "
            "on the first 12 points; special-cause variation at Apr 2025 (improvement) and May "
            "2025 (concern); the latest month (Jun 2025, 80%) shows common-cause variation; "
            "assurance against the target of 80%: target hit and miss, subject to random "
            "variation."
        )
        assert self.chart().jsw_alt_text.count(". ") == 0

    def test_shift_at_the_end_names_the_variation(self):
        # Seven months at 82 after the fixed limits: above the mean of 80, inside the two-thirds
        # line (83.55): a shift, improvement.
        values = SPC_VALUES[:12] + [82] * 7
        months = [f"{m} {y}" for y in (2024, 2025) for m in MONTH_NAMES][3:22]
        fig = spc_chart(
            pd.DataFrame({"period": months, "value": values}),
            title="T",
            target=75,
            fix_after_n_points=12,
        )
        assert list(line(fig, "Special cause: improvement").get_xdata()) == list(range(12, 19))
        assert "special-cause variation at 7 months (7 improvement)" in fig.jsw_alt_text
        assert "(Oct 2025, 82%) shows special-cause improvement" in fig.jsw_alt_text
        # 75 lies between 74.68 and 85.32.
        assert fig.jsw_alt_text.endswith(
            "target of 75%: target hit and miss, subject to random variation."
        )

    def test_many_special_causes_are_counted(self):
        values = SPC_VALUES[:12] + [82] * 7 + [95]
        months = [f"{m} {y}" for y in (2024, 2025) for m in MONTH_NAMES][3:23]
        fig = spc_chart(
            pd.DataFrame({"period": months, "value": values}), title="T", fix_after_n_points=12
        )
        assert "special-cause variation at 8 months (8 improvement)" in fig.jsw_alt_text

    def test_target_consistently_met(self):
        fig = spc_chart(spc_data(SPC_VALUES[:12]), title="T", target=70)
        assert fig.jsw_alt_text.endswith(
            "assurance against the target of 70%: target consistently met."
        )

    def test_common_cause_only(self):
        fig = spc_chart(spc_data(SPC_VALUES[:12]), title="T")
        assert not any(label.startswith("Special cause") for label in labels_of(fig))
        assert "no point shows special-cause variation" in fig.jsw_alt_text
        assert "common-cause variation" in fig.jsw_alt_text

    def test_missing_month_leaves_a_gap_and_is_named(self):
        values = SPC_VALUES[:5] + [None] + SPC_VALUES[6:12]
        fig = spc_chart(spc_data(values), title="T")
        assert np.isnan(line(fig, "Value").get_ydata()[5])
        assert fig.jsw_alt_text.endswith("there is no value for Sep 2024.")

    def test_counts(self):
        # 10, 12, 11, 13, 12, 11: mean 11.5, moving ranges 2, 1, 2, 1, 1 (mean 1.4), limits 11.5
        # +/- 3.724 = 7.776 to 15.224, shown to one decimal place.
        fig = spc_chart(spc_data([10, 12, 11, 13, 12, 11]), title="CPOs imposed", unit="")
        assert "mean 11.5, process limits 7.8 to 15.2 (trial limits" in fig.jsw_alt_text

    def test_p_chart_from_counts(self):
        # Numerators 8, 9, 7, 8, 1, 0 of 10, 10, 10, 10, 2, 1: small and varying denominators, so
        # "auto" draws a p-chart, in percent. Pooled 33 / 43 = 0.767442: 76.7%.
        data = spc_data([None] * 6).assign(
            numerator=[8, 9, 7, 8, 1, 0], denominator=[10, 10, 10, 10, 2, 1]
        )
        fig = spc_chart(data, title="T")
        assert list(line(fig, "Value").get_ydata()) == pytest.approx([80, 90, 70, 80, 50, 0])
        assert line(fig, "Mean").get_ydata()[0] == pytest.approx(100 * 33 / 43)
        # Upper limit at n = 10: 0.767442 + 3 sqrt(0.767442 x 0.232558 / 10) = 0.767442 + 0.400790
        # = 1.168 -> drawn at 100%.
        assert line(fig, "Upper process limit").get_ydata()[0] == pytest.approx(100)
        assert "p-chart" in fig.jsw_alt_text and "overall proportion 76.7%" in fig.jsw_alt_text
        # 0 of 1 (Sep 2024): sigma = sqrt(0.767442 x 0.232558) = 0.422, lower limit 0 (clamped
        # from -0.50): not outside; drawn hollow with Aug 2024 (fewer than 10 cases).
        assert "hollow points (Aug 2024 and Sep 2024)" in fig.jsw_alt_text

    def test_p_chart_needs_counts(self):
        with pytest.raises(ValueError, match="needs columns 'numerator' and 'denominator'"):
            spc_chart(spc_data(), title="T", chart="p")

    def test_unknown_chart(self):
        with pytest.raises(ValueError, match="chart must be"):
            spc_chart(spc_data(), title="T", chart="c")


# --- Funnel plot ---------------------------------------------------------------------------------


class TestFunnelChart:
    # p = (58 + 62 + 30 + 500) / (100 + 100 + 100 + 1000) = 650 / 1300 = 0.5. At n = 100 the
    # 99.8% limits are 0.5 -/+ 3.090232 x 0.05 = 34.55% and 65.45%; the 95% limits 40.20% and
    # 59.80%. A 58% (inside), B 62% (outside 95% only), C 30% (below 99.8%), D 50% of 1000.
    DATA = pd.DataFrame(
        {
            "council": ["A", "B", "C", "D"],
            "numerator": [58, 62, 30, 500],
            "denominator": [100, 100, 100, 1000],
        }
    )

    def test_points_and_overall_line(self):
        fig = funnel_chart(self.DATA, title="Reports on time")
        points = line(fig, "Council")
        assert list(points.get_xdata()) == [100, 100, 100, 1000]
        assert list(points.get_ydata()) == pytest.approx([58, 62, 30, 50])
        assert line(fig, "Overall 50.0%").get_ydata()[0] == pytest.approx(50)

    def test_limits_worked_by_hand(self):
        fig = funnel_chart(self.DATA, title="T")
        upper = line(fig, "Upper 99.8% limits")
        at_100 = list(upper.get_xdata()).index(100)
        assert upper.get_ydata()[at_100] == pytest.approx(65.4512, abs=1e-3)
        assert line(fig, "Lower 95% limits").get_ydata()[at_100] == pytest.approx(
            40.2002, abs=1e-3
        )

    def test_council_outside_is_marked_by_shape_and_named(self):
        fig = funnel_chart(self.DATA, title="T")
        below = line(fig, "Below the 99.8% limits")
        assert list(below.get_xdata()) == [100] and below.get_marker() == "v"
        assert [text.get_text() for text in fig.axes[0].texts] == ["C"]

    def test_alt_text_names_the_councils_outside_and_never_ranks(self):
        assert funnel_chart(self.DATA, title="Reports on time").jsw_alt_text == (
            "Funnel plot of Reports on time: 4 councils plotted by their number of cases around "
            "the overall 50.0%, with 95% and 99.8% limits; below the 99.8% limits: C; 1 more "
            "council outside the 95% limits only."
        )

    def test_no_council_outside(self):
        data = self.DATA.assign(numerator=[50, 50, 50, 500])
        assert (
            "no council lies outside the 99.8% limits"
            in funnel_chart(data, title="T").jsw_alt_text
        )

    def test_overdispersion_is_said(self):
        data = pd.DataFrame(
            {
                "council": list("ABCDEFGHIJ"),
                "numerator": [10, 20, 30, 40, 50, 60, 70, 80, 90, 95],
                "denominator": [100] * 10,
            }
        )
        assert (
            "widened for overdispersion (phi"
            in funnel_chart(data, title="T", overdispersion=True).jsw_alt_text
        )

    def test_missing_column(self):
        with pytest.raises(ValueError, match="missing column"):
            funnel_chart(self.DATA.drop(columns="numerator"), title="T")

    def test_repeated_council(self):
        with pytest.raises(ValueError, match="repeated: A"):
            funnel_chart(pd.concat([self.DATA, self.DATA.iloc[:1]]), title="T")


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
        figure_to_png(spc_chart(spc_data(), title="T", fix_after_n_points=12))
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


# --- The fast paths say what the plain ones said -------------------------------------------------


def _limits_reference(frame: pd.DataFrame, labels, chart: str, scale: float, unit: str) -> str:
    """The limits clause as first written, with pandas' groupby over the SPC frame (digits 0)."""
    from jswlib.judge import spc
    from jswlib.present.charts import _show

    if unit == "%":
        frame = frame.assign(
            upper=frame["upper"].clip(upper=100.0 / scale), lower=frame["lower"].clip(lower=0.0)
        )
    parts = []
    for _, rows in frame.groupby("period", sort=True):
        first = labels[int(np.flatnonzero(frame.index.isin(rows.index))[0])]
        if rows["centre"].isna().all():
            text = f"too few points for process limits (at least {spc.MINIMUM_POINTS} are needed)"
        else:
            centre = _show(rows["centre"].iloc[0] * scale, unit, 1)
            if chart == "xmr":
                text = (
                    f"mean {centre}, process limits {_show(rows['lower'].iloc[0], unit, 1)} "
                    f"to {_show(rows['upper'].iloc[0], unit, 1)}"
                )
            else:
                text = (
                    f"overall proportion {centre}, process limits set for each point by its "
                    f"number of cases"
                )
            if rows["trial_limits"].any():
                text += f" (trial limits: fewer than {spc.TRIAL_LIMIT_POINTS} points)"
            fixed = int(rows["baseline"].sum())
            if chart == "xmr" and fixed < int(rows["value"].notna().sum()):
                text += f", fixed on the first {fixed} points"
        parts.append(text if len(frame["period"].unique()) == 1 else f"from {first}, {text}")
    return "; ".join(parts)


def _fixed_ends_reference(frame: pd.DataFrame) -> list[float]:
    """Where the dotted "end of fixed limits" lines go, as first written (groupby)."""
    ends = []
    for _, rows in frame.groupby("period", sort=True):
        positions = np.flatnonzero(frame.index.isin(rows.index))
        base = np.flatnonzero(rows["baseline"].to_numpy())
        recorded = rows.iloc[:, 0].notna().to_numpy()
        later = recorded[base[-1] + 1 :] if base.size else []
        if base.size and np.any(later):
            ends.append(int(positions[base[-1]]) + 0.5)
    return ends


class TestFastPaths:
    def test_numeric_columns_read_as_the_general_path_reads_them(self):
        from jswlib.present.charts import _number_array, _numbers

        columns = [
            pd.Series([1.5, np.nan, 3.0]),
            pd.Series([1, 2, 3]),
            pd.Series([1, None, 3], dtype="Int64"),
            pd.Series([1.5, None, np.nan], dtype="Float64"),
            pd.Series(["1", None, "2.5"], dtype=object),
            pd.Series([True, False, True]),
        ]
        for column in columns:
            expected = _numbers(column, "x").to_numpy()
            got = _number_array(column, "x")
            assert got.dtype == np.float64
            np.testing.assert_array_equal(got, expected)

    def test_low_numbers_flags_worked_by_hand(self):
        from jswlib.present.charts import _chart_frame

        data = pd.DataFrame(
            {
                "period": QUARTERS[:5],
                "value": [50.0, 60.0, 70.0, 80.0, 90.0],
                "denominator": pd.Series([0, 9, 10, None, 25], dtype="Int64"),
            }
        )
        # under 10 is low (0 and 9); 10 is not; a missing denominator is not drawn hollow
        assert _chart_frame(data, "data").low.tolist() == [True, True, False, False, False]

    @pytest.mark.parametrize("polarity", ["higher", "lower"])
    def test_target_met_point_by_point_as_the_column_judges(self, polarity):
        from jswlib.judge.status import GREEN, rag_status_series

        rng = np.random.default_rng(3)
        for _ in range(60):
            values = np.round(rng.uniform(60, 100, 8), int(rng.integers(0, 3)))
            values[rng.random(8) < 0.2] = np.nan
            target, digits = float(rng.choice([70, 79.5, 80, 87.5])), int(rng.integers(0, 2))
            fig = trend_chart(
                pd.DataFrame({"period": QUARTERS, "value": values}),
                title="T",
                target=target,
                polarity=polarity,
                digits=digits,
            )
            recorded = values[~np.isnan(values)]
            words = rag_status_series(
                recorded, target, polarity, {"type": "two_state"}, digits=digits
            )
            met = int((words == GREEN).sum())
            if recorded.size:
                assert f" was met in {met} of {recorded.size} quarter" in fig.jsw_alt_text

    def test_limit_periods_in_words_as_the_groupby_said(self):
        from jswlib.judge import spc as spc_module
        from jswlib.present.charts import _limits_phrase, _Spc

        rng = np.random.default_rng(5)
        labels = [f"P{i}" for i in range(30)]
        for _ in range(80):
            n = int(rng.integers(1, 30))
            values = np.round(rng.normal(50, 10, n), 1)
            values[1:][rng.random(n - 1) < 0.15] = np.nan  # the first is recorded: a chart
            rebase = sorted({int(p) for p in rng.integers(1, n, 2)}) if n > 8 else []
            fix = 12 if n >= 20 and rng.random() < 0.5 else None
            unit = str(rng.choice(["%", ""]))
            kw = {"rebase_at": rebase, "fix_after_n_points": fix}
            frame = spc_module.xmr(values, **kw)
            columns, _, attrs = spc_module._xmr(values, **kw)
            result = _Spc(columns, attrs, "value", unit, 1.0)
            assert _limits_phrase(result, labels, "xmr", 1.0, unit, 0) == _limits_reference(
                frame, labels, "xmr", 1.0, unit
            )
            fig = spc_chart(
                pd.DataFrame({"period": labels[:n], "value": values}),
                title="T",
                unit=unit,
                chart="xmr",
                output="svg",
                **kw,
            )
            ends = [
                item["x"]
                for kind, item in fig.axes[0].items
                if kind == "vline" and item.get("label") == "End of fixed limits"
            ]
            assert ends == _fixed_ends_reference(frame)

    def test_p_chart_limits_in_words_as_the_groupby_said(self):
        from jswlib.judge import spc as spc_module
        from jswlib.present.charts import _limits_phrase, _Spc

        rng = np.random.default_rng(8)
        labels = [f"P{i}" for i in range(24)]
        for _ in range(40):
            den = rng.integers(0, 40, 24).astype(float)
            num = np.floor(den * rng.uniform(0.3, 0.9, 24))
            rebase = [int(rng.integers(6, 18))] if rng.random() < 0.5 else []
            frame = spc_module.p_chart(num, den, rebase_at=rebase)
            columns, _, attrs = spc_module._p_chart(num, den, rebase_at=rebase)
            result = _Spc(columns, attrs, "proportion", "%", 100.0)
            assert _limits_phrase(result, labels, "p", 100.0, "%", 0) == _limits_reference(
                frame, labels, "p", 100.0, "%"
            )

    def test_period_noun_remembers_no_more_than_the_labels(self):
        from jswlib.present.charts import _period_noun

        assert _period_noun(["Q1 2025/26", "Q2 2025/26"]) == "quarter"
        assert _period_noun(["Apr 2025", "May 2025"]) == "month"
        assert _period_noun(["Q1 2025/26", "Apr 2025"]) == "period"  # two frequencies
        assert _period_noun(["Q1 2025/26 (provisional)"]) == "period"  # not a period label
        assert _period_noun(["Q1 2025/26 (provisional)"]) == "period"  # the same, remembered
