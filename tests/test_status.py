"""Tests for jswlib.judge.status: rounding halves up, percentages, Wilson intervals, low numbers,
RAG, direction.

Expected values are worked out by hand, from exact fractions (:class:`fractions.Fraction`), from
the Wilson formula written out below with :func:`math.sqrt`, or taken from published sources:
Glasgow's Q2 2025/26 KPI table (reference/glasgow-jsw-performance-update-q2-2025-26.txt) and
Newcombe (1998), Statistics in Medicine 17:857-872, table II (Wilson score limits for 81/263,
15/148, 0/20 and 1/29).
"""

from __future__ import annotations

import itertools
import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from jswlib.judge.status import (
    CONFIDENCE_LEVEL,
    DEFAULT_AMBER_TOLERANCE,
    DEFAULT_COUNT_DIRECTION_TOLERANCE,
    DEFAULT_DIRECTION_TOLERANCE,
    LOW_NUMBERS_THRESHOLD,
    Z_95,
    Direction,
    compare_periods,
    count_change_p_value,
    describe_rag_scheme,
    direction_of_travel,
    direction_of_travel_series,
    format_percentage,
    format_value,
    judge,
    low_numbers,
    newcombe_interval,
    percentage,
    rag_status,
    rag_status_series,
    round_half_up,
    t_quantile_975,
    validate_polarity,
    validate_rag_scheme,
    welch_interval,
    wilson_interval,
)

TWO = {"type": "two_state"}
THREE = {"type": "three_state", "amber_tolerance": 5, "tolerance_unit": "points"}
RELATIVE = {"type": "three_state", "amber_tolerance": 5, "tolerance_unit": "relative"}
#: The unrounded rule, for the tests of the comparison itself at decimal boundaries.
THREE_EXACT = {**THREE, "compare_on": "exact"}
RELATIVE_EXACT = {**RELATIVE, "compare_on": "exact"}
IMPROVING = {"type": "three_state_improving"}
ROUNDED = {"type": "two_state", "compare_on": "rounded"}


def half_up(fraction: Fraction, digits: int = 0) -> Fraction:
    """Exact rounding halves up of a non-negative fraction: floor(x * 10^d + 1/2) / 10^d."""
    scale = 10**digits
    return Fraction(math.floor(fraction * scale + Fraction(1, 2)), scale)


def wilson_by_hand(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval, written out from the closed formula (independently of the module)."""
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return (centre - half) / scale, (centre + half) / scale


# --- Constants -----------------------------------------------------------------------------------


class TestConstants:
    def test_z_is_the_normal_quantile_of_the_confidence_level(self):
        assert (
            pytest.approx(NormalDist().inv_cdf(1 - (1 - CONFIDENCE_LEVEL) / 2), abs=1e-12) == Z_95
        )
        assert round(Z_95, 2) == 1.96

    def test_publication_rules(self):
        assert LOW_NUMBERS_THRESHOLD == 10
        assert CONFIDENCE_LEVEL == 0.95
        assert DEFAULT_AMBER_TOLERANCE == 5
        assert DEFAULT_DIRECTION_TOLERANCE == 2
        assert DEFAULT_COUNT_DIRECTION_TOLERANCE == 5


# --- Rounding and percentages --------------------------------------------------------------------


class TestRoundHalfUp:
    @pytest.mark.parametrize(
        "value, expected",
        [
            (87.5, 88),
            (0.5, 1),
            (1.5, 2),
            (2.5, 3),
            (12.5, 13),
            (0.49, 0),
            (86.4, 86),
            (99.5, 100),
            (0, 0),
        ],
    )
    def test_halves_go_up_not_to_even(self, value, expected):
        assert round_half_up(value) == expected

    @pytest.mark.parametrize(
        "value, digits, expected",
        [
            (86.45, 1, 86.5),
            (2.675, 2, 2.68),
            (1.005, 2, 1.01),
            (0.285, 2, 0.29),
            (8.345, 2, 8.35),
            (1.0049, 2, 1.0),
            (86.44, 1, 86.4),
        ],
    )
    def test_decimals_written_as_halves_round_up_despite_binary_floats(
        self, value, digits, expected
    ):
        # 2.675 is stored as 2.67499999999999982...; Python's round gives 2.67.
        assert round_half_up(value, digits) == expected

    def test_python_round_differs_on_these_cases(self):
        assert (round(2.5), round(0.5), round(2.675, 2), round(1.005, 2)) == (2, 0, 2.67, 1.0)

    def test_negative_halves_go_away_from_zero_and_no_negative_zero(self):
        assert round_half_up(-2.5) == -3
        assert round_half_up(-0.45, 1) == -0.5
        result = round_half_up(-0.4)
        assert result == 0 and math.copysign(1, result) == 1

    @pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, np.nan])
    def test_missing_stays_missing(self, missing):
        assert math.isnan(round_half_up(missing))

    def test_series_keeps_index_and_name(self):
        s = pd.Series([12.5, None, 86.45], index=["a", "b", "c"], name="pct")
        result = round_half_up(s, 1)
        assert result.index.tolist() == ["a", "b", "c"] and result.name == "pct"
        assert result["a"] == 12.5 and math.isnan(result["b"]) and result["c"] == 86.5

    def test_nullable_series_and_lists(self):
        assert round_half_up(pd.Series([0.5, None], dtype="Float64")).tolist()[0] == 1.0
        np.testing.assert_array_equal(round_half_up([0.5, 1.5, 2.5]), [1.0, 2.0, 3.0])

    def test_every_two_decimal_half_rounds_up_at_one_decimal(self):
        # 0.05, 0.15, ..., 99.95 written as decimals: each must round up (Decimal, ROUND_HALF_UP).
        written = [f"{k}.{d}5" for k in range(100) for d in range(10)]
        floats = pd.Series([float(w) for w in written])
        expected = [
            float(Decimal(w).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) for w in written
        ]
        assert round_half_up(floats, 1).tolist() == expected
        assert [round_half_up(float(w), 1) for w in written] == expected

    def test_every_three_decimal_half_rounds_up_at_two_decimals(self):
        written = [f"{k}.{d:02d}5" for k in range(0, 101, 7) for d in range(100)]
        expected = [
            float(Decimal(w).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) for w in written
        ]
        assert round_half_up(pd.Series([float(w) for w in written]), 2).tolist() == expected

    @pytest.mark.parametrize("digits", [-1, 1.5, True, "1"])
    def test_invalid_digits(self, digits):
        with pytest.raises(ValueError, match="digits"):
            round_half_up(1.25, digits)


class TestPercentage:
    def test_exact_value_from_counts(self):
        assert percentage(7, 8) == 87.5
        assert percentage(1, 8) == 12.5
        assert percentage(8, 8) == 100.0
        assert percentage(0, 8) == 0.0

    @pytest.mark.parametrize(
        "numerator, denominator", [(0, 0), (5, 0), (None, 8), (3, None), (pd.NA, pd.NA)]
    )
    def test_zero_or_missing_gives_nan(self, numerator, denominator):
        assert math.isnan(percentage(numerator, denominator))

    def test_series_with_scalar_broadcast_keeps_index(self):
        result = percentage(pd.Series([1, 3, None], index=[10, 20, 30]), 4)
        assert result.index.tolist() == [10, 20, 30]
        assert result.tolist()[:2] == [25.0, 75.0] and math.isnan(result[30])

    def test_two_series_positionally(self):
        result = percentage(pd.Series([1, 0]), pd.Series([2, 0]))
        assert result[0] == 50.0 and math.isnan(result[1])

    def test_lengths_must_agree(self):
        with pytest.raises(ValueError, match="same length"):
            percentage([1, 2], [3, 4, 5])

    def test_text_is_rejected(self):
        with pytest.raises(ValueError, match="numerator"):
            percentage("seven", 8)


class TestFormatPercentage:
    @pytest.mark.parametrize(
        "numerator, denominator, expected",
        [
            (7, 8, "88%"),
            (1, 8, "13%"),
            (3, 8, "38%"),
            (1, 3, "33%"),
            (2, 3, "67%"),
            (1, 200, "1%"),
            (0, 5, "0%"),
            (5, 5, "100%"),
            (13, 20, "65%"),
        ],
    )
    def test_whole_percent_halves_up(self, numerator, denominator, expected):
        assert format_percentage(numerator, denominator) == expected

    def test_one_decimal(self):
        assert format_percentage(1729, 2000, digits=1) == "86.5%"  # 86.45 -> 86.5
        assert format_percentage(1, 3, digits=1) == "33.3%"

    def test_zero_or_missing_denominator_is_n_a(self):
        assert format_percentage(0, 0) == "n/a"
        assert format_percentage(None, 8) == "n/a"
        assert format_percentage(0, 0, missing="[z]") == "[z]"

    def test_series(self):
        result = format_percentage(pd.Series([7, 1, 0], index=list("abc")), pd.Series([8, 8, 0]))
        assert result.tolist() == ["88%", "13%", "n/a"]
        assert result.index.tolist() == list("abc")

    @pytest.mark.parametrize("digits", [0, 1])
    def test_every_fraction_up_to_200_matches_exact_arithmetic(self, digits):
        pairs = [(k, n) for n in range(1, 201) for k in range(n + 1)]
        expected = [
            f"{float(half_up(Fraction(100 * k, n), digits)):.{digits}f}%" for k, n in pairs
        ]
        numerators, denominators = zip(*pairs, strict=True)
        assert (
            format_percentage(pd.Series(numerators), pd.Series(denominators), digits).tolist()
            == expected
        )


class TestFormatValue:
    def test_percent_count_and_missing(self):
        assert format_value(87.5, "%") == "88%"
        assert format_value(1234.5) == "1,235"
        assert format_value(2.25, "days", digits=1) == "2.3"
        assert format_value(None, "%") == "n/a"

    def test_units_per_row(self):
        result = format_value(pd.Series([12.5, 2537.0, None]), pd.Series(["%", "count", "%"]))
        assert result.tolist() == ["13%", "2,537", "n/a"]


# --- Confidence intervals and low numbers --------------------------------------------------------


class TestWilsonInterval:
    @pytest.mark.parametrize("k, n", [(0, 10), (10, 10), (5, 10), (81, 100), (1, 1), (3, 7)])
    def test_matches_the_formula_worked_by_hand(self, k, n):
        lower, upper = wilson_interval(k, n)
        expected_lower, expected_upper = wilson_by_hand(k, n)
        assert lower == pytest.approx(max(expected_lower, 0.0), abs=1e-12)
        assert upper == pytest.approx(min(expected_upper, 1.0), abs=1e-12)

    @pytest.mark.parametrize(
        "k, n, lower, upper",
        [
            (0, 10, 0.0, 0.2775),
            (10, 10, 0.7225, 1.0),
            (5, 10, 0.2366, 0.7634),
            (81, 100, 0.7222, 0.8749),
        ],
    )
    def test_known_values_to_four_places(self, k, n, lower, upper):
        assert wilson_interval(k, n) == pytest.approx((lower, upper), abs=5e-5)

    @pytest.mark.parametrize(
        "k, n, lower, upper",
        [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0, 0.1611),
            (1, 29, 0.0061, 0.1718),
        ],
    )
    def test_newcombe_1998_published_values(self, k, n, lower, upper):
        assert wilson_interval(k, n) == pytest.approx((lower, upper), abs=5e-5)

    def test_limits_exactly_zero_and_one_at_the_ends(self):
        assert wilson_interval(0, 7)[0] == 0.0
        assert wilson_interval(7, 7)[1] == 1.0

    @pytest.mark.parametrize("k, n", [(0, 0), (None, 10), (3, None), (3, np.nan)])
    def test_zero_or_missing_denominator_gives_nan(self, k, n):
        lower, upper = wilson_interval(k, n)
        assert math.isnan(lower) and math.isnan(upper)

    def test_series_gives_a_frame_with_the_index(self):
        result = wilson_interval(
            pd.Series([0, 5, 0], index=["x", "y", "z"]), pd.Series([10, 10, 0])
        )
        assert list(result.columns) == ["lower", "upper"]
        assert result.index.tolist() == ["x", "y", "z"]
        assert result.loc["y", "lower"] == pytest.approx(wilson_by_hand(5, 10)[0])
        assert result.loc["z"].isna().all()

    def test_wider_z_gives_a_wider_interval(self):
        narrow = wilson_interval(5, 10)
        wide = wilson_interval(5, 10, z=2.5758293035489)  # 99%
        assert wide[0] < narrow[0] and wide[1] > narrow[1]

    def test_numerator_above_denominator_names_the_row(self):
        with pytest.raises(ValueError, match=r"rows b"):
            wilson_interval(pd.Series([1, 11], index=["a", "b"]), pd.Series([10, 10]))

    @pytest.mark.parametrize("k, n", [(-1, 10), (1, -1)])
    def test_negative_counts(self, k, n):
        with pytest.raises(ValueError, match="numerator <= denominator"):
            wilson_interval(k, n)

    def test_z_must_be_positive(self):
        with pytest.raises(ValueError, match="z must be"):
            wilson_interval(1, 2, z=0)


class TestLowNumbers:
    def test_threshold_boundary(self):
        assert low_numbers(9) is True
        assert low_numbers(10) is False
        assert low_numbers(0) is True
        assert low_numbers(1) is True

    def test_missing_is_na(self):
        assert low_numbers(None) is pd.NA

    def test_series(self):
        result = low_numbers(pd.Series([1, 9, 10, None], index=list("abcd")))
        assert str(result.dtype) == "boolean"
        assert result.tolist() == [True, True, False, pd.NA]
        assert result.index.tolist() == list("abcd")

    def test_south_lanarkshire_dtto_denominators(self):
        assert low_numbers(pd.Series([1, 2, 4, 5, 8, 10])).tolist() == [True] * 5 + [False]

    def test_custom_threshold(self):
        assert low_numbers(20, threshold=30) is True


# --- Polarity and schemes ------------------------------------------------------------------------


class TestValidatePolarity:
    @pytest.mark.parametrize("polarity", ["higher", "lower", "neutral"])
    def test_valid(self, polarity):
        assert validate_polarity(polarity) == polarity

    def test_invalid_scalar_names_where(self):
        with pytest.raises(
            ValueError, match=r"params/indicators.yaml: x: polarity must be one of .* got 'up'"
        ):
            validate_polarity("up", where="params/indicators.yaml: x")

    def test_invalid_column_names_values_and_rows(self):
        with pytest.raises(ValueError, match=r"found 'Higher', None in rows r2, r3"):
            validate_polarity(pd.Series(["higher", "Higher", None], index=["r1", "r2", "r3"]))


class TestValidateRagScheme:
    def test_defaults_filled_and_input_untouched(self):
        scheme = {"type": "three_state"}
        checked = validate_rag_scheme(scheme)
        assert checked == {
            "type": "three_state",
            "description": None,
            "compare_on": "rounded",
            "amber_tolerance": 5.0,
            "tolerance_unit": "points",
        }
        assert scheme == {"type": "three_state"}

    def test_two_state_and_improving(self):
        assert validate_rag_scheme(TWO)["compare_on"] == "rounded"
        improving = {"type": "three_state_improving", "compare_on": "exact"}
        assert validate_rag_scheme(improving)["compare_on"] == "exact"

    def test_not_a_mapping(self):
        with pytest.raises(
            ValueError, match=r"^params/rag.yaml: fife: RAG scheme must be a mapping"
        ):
            validate_rag_scheme(["two_state"], where="params/rag.yaml: fife")

    def test_missing_type(self):
        with pytest.raises(ValueError, match=r"^params/rag.yaml: fife: .*missing the key 'type'"):
            validate_rag_scheme({"amber_tolerance": 5}, where="params/rag.yaml: fife")

    def test_unknown_type(self):
        with pytest.raises(
            ValueError, match=r"^params/rag.yaml: fife: .*'type' must be one of .*got 'traffic'"
        ):
            validate_rag_scheme({"type": "traffic"}, where="params/rag.yaml: fife")

    def test_unknown_key_named(self):
        with pytest.raises(
            ValueError, match=r"^params/rag.yaml: glasgow-city: .*unknown key 'amber_tol'"
        ):
            validate_rag_scheme(
                {"type": "three_state", "amber_tol": 5}, where="params/rag.yaml: glasgow-city"
            )

    def test_key_of_another_type_is_unknown(self):
        with pytest.raises(
            ValueError, match=r"unknown key 'amber_tolerance'; type 'two_state' allows"
        ):
            validate_rag_scheme({"type": "two_state", "amber_tolerance": 5})

    @pytest.mark.parametrize("tolerance", [-1, "5", True, float("nan"), None])
    def test_bad_tolerance(self, tolerance):
        with pytest.raises(
            ValueError, match=r"^where: RAG scheme key 'amber_tolerance' must be a non-negative"
        ):
            validate_rag_scheme(
                {"type": "three_state", "amber_tolerance": tolerance}, where="where"
            )

    def test_bad_tolerance_unit(self):
        with pytest.raises(
            ValueError, match=r"^w: RAG scheme key 'tolerance_unit' .* got 'percent'"
        ):
            validate_rag_scheme({"type": "three_state", "tolerance_unit": "percent"}, where="w")

    def test_bad_compare_on(self):
        with pytest.raises(
            ValueError, match=r"^w: RAG scheme key 'compare_on' .* got 'published'"
        ):
            validate_rag_scheme({"type": "two_state", "compare_on": "published"}, where="w")

    def test_description_must_be_text(self):
        with pytest.raises(ValueError, match=r"^w: RAG scheme key 'description'"):
            validate_rag_scheme({"type": "two_state", "description": 5}, where="w")


class TestDescribeRagScheme:
    def test_sentences(self):
        assert describe_rag_scheme(TWO).startswith(
            "Green when at or better than target, otherwise Red"
        )
        assert "5% of the target" in describe_rag_scheme(RELATIVE)
        assert "improved" in describe_rag_scheme(IMPROVING)
        assert describe_rag_scheme({"type": "two_state", "compare_on": "rounded"}).endswith(
            "judged on the published (rounded) value."
        )

    def test_description_wins(self):
        assert (
            describe_rag_scheme({"type": "two_state", "description": "As Glasgow."})
            == "As Glasgow."
        )


# --- RAG status ----------------------------------------------------------------------------------

#: Glasgow Q2 2025/26 KPI table: (target, actual, published RAG status).
GLASGOW_TABLE = [
    (80, 90, "Green"),
    (85, 93, "Green"),
    (75, 77, "Green"),
    (70, 65, "Red"),
    (80, 82, "Green"),
    (80, 100, "Green"),
]


class TestRagStatus:
    @pytest.mark.parametrize("target, actual, expected", GLASGOW_TABLE)
    def test_glasgow_table(self, target, actual, expected):
        assert rag_status(actual, target, "higher", TWO) == expected

    def test_equal_to_target_is_green(self):
        assert rag_status(70, 70, "higher", TWO) == "Green"
        assert rag_status(70, 70, "lower", TWO) == "Green"
        assert rag_status(69.99, 70, "higher", TWO) == "Green"  # published as 70%
        assert rag_status(69.99, 70, "higher", TWO, compare_on="exact") == "Red"

    def test_lower_is_better(self):
        assert rag_status(10, 12, "lower", TWO) == "Green"
        assert rag_status(12, 12, "lower", TWO) == "Green"
        assert rag_status(13, 12, "lower", TWO) == "Red"

    def test_three_state_points_boundaries_inclusive(self):
        assert rag_status(70, 70, "higher", THREE_EXACT) == "Green"
        assert rag_status(69.9, 70, "higher", THREE_EXACT) == "Amber"
        assert rag_status(65, 70, "higher", THREE_EXACT) == "Amber"  # exactly at the edge
        assert rag_status(64.9, 70, "higher", THREE_EXACT) == "Red"
        # As published: 69.9 shows as 70 (Green), 64.9 as 65 (Amber), 64.4 as 64 (Red).
        assert rag_status(69.9, 70, "higher", THREE) == "Green"
        assert rag_status(64.9, 70, "higher", THREE) == "Amber"
        assert rag_status(64.4, 70, "higher", THREE) == "Red"

    def test_three_state_lower_is_better(self):
        assert rag_status(20, 20, "lower", THREE) == "Green"
        assert rag_status(25, 20, "lower", THREE) == "Amber"
        assert rag_status(25.1, 20, "lower", THREE_EXACT) == "Red"
        assert rag_status(25.4, 20, "lower", THREE) == "Amber"  # published as 25
        assert rag_status(10, 20, "lower", THREE) == "Green"

    def test_three_state_edge_despite_float_noise(self):
        # 8.3 - 3.3 = 5.000000000000001 in binary floating point: still on the inclusive edge.
        assert 8.3 - 3.3 > 5
        assert rag_status(3.3, 8.3, "higher", THREE_EXACT) == "Amber"

    def test_relative_tolerance(self):
        # 5% of a target of 80 is 4 points: 76 is on the edge.
        assert rag_status(76, 80, "higher", RELATIVE_EXACT) == "Amber"
        assert rag_status(75.9, 80, "higher", RELATIVE_EXACT) == "Red"
        # 10% of a target of 10 days (lower is better) is 1 day.
        ten_percent = {
            "type": "three_state",
            "amber_tolerance": 10,
            "tolerance_unit": "relative",
            "compare_on": "exact",
        }
        assert rag_status(11, 10, "lower", ten_percent) == "Amber"
        assert rag_status(11.1, 10, "lower", ten_percent) == "Red"

    def test_default_amber_tolerance_is_five_points(self):
        assert rag_status(65, 70, "higher", {"type": "three_state"}) == "Amber"
        assert rag_status(64, 70, "higher", {"type": "three_state"}) == "Red"

    def test_improving_scheme(self):
        assert rag_status(65, 70, "higher", IMPROVING, direction="Improved") == "Amber"
        assert rag_status(65, 70, "higher", IMPROVING, direction="Declined") == "Red"
        assert rag_status(65, 70, "higher", IMPROVING, direction="No change") == "Red"
        assert rag_status(65, 70, "higher", IMPROVING) == "Red"
        assert rag_status(75, 70, "higher", IMPROVING, direction="Declined") == "Green"

    def test_rounded_by_default_the_issue_case(self):
        # 69.5% is shown as 70% (halves up): Green against a 70% two-state target, as published.
        assert rag_status(69.5, 70, "higher", TWO) == "Green"
        assert format_value(69.5, "%") == "70%"
        # The named setting keeps the unrounded rule.
        assert rag_status(69.5, 70, "higher", {**TWO, "compare_on": "exact"}) == "Red"

    def test_compare_on_exact_versus_rounded(self):
        assert rag_status(69.6, 70, "higher", TWO) == "Green"
        assert rag_status(69.6, 70, "higher", TWO, compare_on="exact") == "Red"
        assert rag_status(69.6, 70, "higher", TWO, compare_on="rounded") == "Green"
        # 69.5 shows as 70
        assert rag_status(69.5, 70, "higher", TWO, compare_on="rounded") == "Green"
        assert rag_status(69.4, 70, "higher", TWO, compare_on="rounded") == "Red"
        assert rag_status(69.96, 70, "higher", TWO, compare_on="rounded", digits=1) == "Green"
        assert rag_status(69.94, 70, "higher", TWO, compare_on="rounded", digits=1) == "Red"

    def test_compare_on_from_scheme_and_argument_overrides(self):
        rounded = {"type": "two_state", "compare_on": "rounded"}
        assert rag_status(69.6, 70, "higher", rounded) == "Green"
        assert rag_status(69.6, 70, "higher", rounded, compare_on="exact") == "Red"
        with pytest.raises(ValueError, match="compare_on"):
            rag_status(69.6, 70, "higher", TWO, compare_on="published")

    def test_missing_values(self):
        assert rag_status(None, 70, "higher", TWO) == "No data"
        assert rag_status(float("nan"), 70, "higher", TWO) == "No data"
        assert rag_status(65, None, "higher", TWO) == "No target"
        assert rag_status(None, pd.NA, "higher", TWO) == "No target"  # no target comes first

    def test_neutral_polarity(self):
        assert rag_status(2537, None, "neutral", TWO) == "No target"
        with pytest.raises(ValueError, match="neutral indicator"):
            rag_status(2537, 2000, "neutral", TWO)

    def test_invalid_polarity_and_scheme(self):
        with pytest.raises(ValueError, match="polarity"):
            rag_status(65, 70, "up", TWO)
        with pytest.raises(ValueError, match=r"^params/rag.yaml: moray: .*'amber'"):
            rag_status(
                65,
                70,
                "higher",
                {"type": "three_state", "amber": 5},
                where="params/rag.yaml: moray",
            )


class TestRagStatusSeries:
    def test_glasgow_table(self):
        targets, actuals, expected = zip(*GLASGOW_TABLE, strict=True)
        result = rag_status_series(pd.Series(actuals), pd.Series(targets), "higher", TWO)
        assert result.tolist() == list(expected)

    def test_keeps_index_and_broadcasts_a_scalar_target(self):
        result = rag_status_series(
            pd.Series([70, 65, None], index=list("abc")), 70, "higher", THREE
        )
        assert result.index.tolist() == list("abc")
        assert result.tolist() == ["Green", "Amber", "No data"]

    def test_polarity_per_row(self):
        result = rag_status_series([10, 10], [12, 12], pd.Series(["lower", "higher"]), TWO)
        assert result.tolist() == ["Green", "Red"]

    def test_improving_needs_directions(self):
        with pytest.raises(ValueError, match="directions"):
            rag_status_series([65], [70], "higher", IMPROVING)
        directions = ["Improved", "Declined", None]
        result = rag_status_series([65, 65, 65], 70, "higher", IMPROVING, directions=directions)
        assert result.tolist() == ["Amber", "Red", "Red"]

    def test_compare_on(self):
        assert rag_status_series([69.6], [70], "higher", TWO).tolist() == ["Green"]
        assert rag_status_series([69.6], [70], "higher", TWO, compare_on="exact").tolist() == [
            "Red"
        ]
        assert rag_status_series([69.6], [70], "higher", TWO, compare_on="rounded").tolist() == [
            "Green"
        ]

    def test_neutral_with_target_names_rows(self):
        with pytest.raises(ValueError, match=r"^params/rag.yaml: x: a neutral indicator .*rows q"):
            values, targets = pd.Series([1, 2], index=["p", "q"]), pd.Series([None, 5])
            rag_status_series(values, targets, "neutral", TWO, where="params/rag.yaml: x")

    def test_bad_polarity_names_rows(self):
        with pytest.raises(ValueError, match=r"found 'up' in rows 1"):
            rag_status_series([1, 2], [1, 2], ["higher", "up"], TWO)

    def test_lengths_must_agree(self):
        with pytest.raises(ValueError, match="same length"):
            rag_status_series([1, 2], [1, 2, 3], "higher", TWO)

    @pytest.mark.parametrize("scheme", [TWO, THREE, RELATIVE, IMPROVING, ROUNDED])
    def test_equals_scalar_on_a_grid(self, scheme):
        values = [None, 0, 3.3, 64.9, 65, 65.5, 69.5, 69.6, 70, 70.4, 75, 76, 100]
        targets = [None, 8.3, 70, 80]
        polarities = ["higher", "lower"]
        directions = ["Improved", "Declined", "No change", "Not available"]
        rows = itertools.product(values, targets, polarities, directions)
        grid = pd.DataFrame(rows, columns=["v", "t", "p", "d"])
        vectorised = rag_status_series(
            grid["v"], grid["t"], grid["p"], scheme, directions=grid["d"]
        )
        scalar = [rag_status(r.v, r.t, r.p, scheme, direction=r.d) for r in grid.itertuples()]
        assert vectorised.tolist() == scalar


# --- Direction of travel -------------------------------------------------------------------------


class TestDirectionOfTravel:
    def test_higher_is_better(self):
        assert direction_of_travel(90, 85, "higher") == Direction("Improved", "↑")
        assert direction_of_travel(65, 70, "higher") == Direction("Declined", "↓")

    def test_lower_is_better_arrow_follows_the_value(self):
        assert direction_of_travel(12, 15, "lower") == Direction("Improved", "↓")
        assert direction_of_travel(15, 12, "lower") == Direction("Declined", "↑")
        assert str(direction_of_travel(12, 15, "lower")) == "↓ Improved"

    def test_tolerance_is_inclusive(self):
        assert direction_of_travel(72, 70, "higher") == Direction("No change", "→")
        assert direction_of_travel(68, 70, "higher") == Direction("No change", "→")
        assert direction_of_travel(72.1, 70, "higher") == Direction("Improved", "↑")
        assert direction_of_travel(67.9, 70, "higher") == Direction("Declined", "↓")
        assert direction_of_travel(70, 70, "higher") == Direction("No change", "→")

    def test_tolerance_edge_despite_float_noise(self):
        assert 4.4 - 2.4 > 2  # 2.0000000000000004
        assert direction_of_travel(4.4, 2.4, "higher").word == "No change"

    def test_zero_tolerance(self):
        assert direction_of_travel(70.1, 70, "higher", tolerance=0).word == "Improved"
        assert direction_of_travel(70, 70, "higher", tolerance=0).word == "No change"

    def test_relative_tolerance_for_counts(self):
        # Exactly 5%
        assert direction_of_travel(1050, 1000, "higher", 5, "relative").word == "No change"
        assert direction_of_travel(950, 1000, "higher", 5, "relative").word == "No change"
        assert direction_of_travel(1051, 1000, "higher", 5, "relative") == Direction(
            "Improved", "↑"
        )
        assert direction_of_travel(0, 0, "higher", 5, "relative").word == "No change"
        assert direction_of_travel(1, 0, "higher", 5, "relative").word == "Improved"

    def test_neutral_words(self):
        assert direction_of_travel(1100, 1000, "neutral", 5, "relative") == Direction(
            "Increased", "↑"
        )
        assert direction_of_travel(900, 1000, "neutral", 5, "relative") == Direction(
            "Decreased", "↓"
        )
        assert direction_of_travel(1010, 1000, "neutral", 5, "relative") == Direction(
            "No change", "→"
        )

    def test_missing_values(self):
        assert direction_of_travel(None, 70, "higher") == Direction("Not available", "")
        assert direction_of_travel(70, float("nan"), "lower") == Direction("Not available", "")
        assert str(direction_of_travel(70, pd.NA, "higher")) == "Not available"

    def test_invalid_arguments(self):
        with pytest.raises(ValueError, match="polarity"):
            direction_of_travel(1, 2, "better")
        with pytest.raises(ValueError, match="tolerance must be"):
            direction_of_travel(1, 2, "higher", tolerance=-1)
        with pytest.raises(ValueError, match="tolerance_unit"):
            direction_of_travel(1, 2, "higher", tolerance_unit="percent")


class TestDirectionOfTravelSeries:
    def test_columns_and_index(self):
        result = direction_of_travel_series(
            pd.Series([90, 70, None], index=list("abc")), [80, 71, 60], "higher"
        )
        assert list(result.columns) == ["direction", "direction_arrow"]
        assert result.index.tolist() == list("abc")
        assert result["direction"].tolist() == ["Improved", "No change", "Not available"]
        assert result["direction_arrow"].tolist() == ["↑", "→", ""]

    def test_tolerance_and_unit_per_row(self):
        result = direction_of_travel_series(
            [72, 1040, 1040],
            [70, 1000, 1000],
            ["higher", "neutral", "neutral"],
            tolerance=[2, 5, 2],
            tolerance_unit=["points", "relative", "relative"],
        )
        assert result["direction"].tolist() == ["No change", "No change", "Increased"]

    def test_bad_polarity_names_rows(self):
        with pytest.raises(ValueError, match="in rows 0"):
            direction_of_travel_series([1], [2], [None])

    @pytest.mark.parametrize("tolerance, unit", [(2.0, "points"), (0, "points"), (5, "relative")])
    def test_equals_scalar_on_a_grid(self, tolerance, unit):
        values = [None, 0, 2.4, 4.4, 65, 67.9, 68, 70, 72, 72.1, 1000, 1050, 1051]
        grid = pd.DataFrame(
            itertools.product(values, values, ["higher", "lower", "neutral"]),
            columns=["now", "before", "p"],
        )
        vectorised = direction_of_travel_series(
            grid["now"], grid["before"], grid["p"], tolerance, unit
        )
        scalar = [
            direction_of_travel(r.now, r.before, r.p, tolerance, unit) for r in grid.itertuples()
        ]
        assert (
            list(zip(vectorised["direction"], vectorised["direction_arrow"], strict=True))
            == scalar
        )


# --- Direction of travel judged against chance ---------------------------------------------------


class TestNewcombeInterval:
    # Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score, no
    # continuity correction): published limits to 4 decimal places.
    TABLE_II = [
        ((56, 70, 48, 80), (0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.1705, 0.8090)),
        ((6, 7, 2, 7), (0.0582, 0.8062)),
        ((5, 56, 0, 29), (-0.0381, 0.1926)),
        ((0, 10, 0, 20), (-0.1611, 0.2775)),
        ((0, 10, 0, 10), (-0.2775, 0.2775)),
        ((10, 10, 0, 20), (0.6791, 1.0000)),
        ((10, 10, 0, 10), (0.6075, 1.0000)),
    ]

    @pytest.mark.parametrize("counts, limits", TABLE_II, ids=[str(c) for c, _ in TABLE_II])
    def test_newcombe_table_ii(self, counts, limits):
        lower, upper = newcombe_interval(*counts)
        assert (round(lower, 4), round(upper, 4)) == limits

    def test_hybrid_from_two_wilson_intervals_by_hand(self):
        # 0/1 against 1/1: Wilson 0/1 = (0, 0.7935), 1/1 = (0.2065, 1); d = -1;
        # lower = -1 - sqrt(0² + 0²) = -1; upper = -1 + sqrt(0.7935² + 0.7935²) = 0.1221.
        l0, u0 = wilson_by_hand(0, 1)
        lower, upper = newcombe_interval(0, 1, 1, 1)
        assert lower == pytest.approx(-1.0)
        assert upper == pytest.approx(-1 + math.sqrt(2) * u0)
        assert upper == pytest.approx(0.1221, abs=1e-4)

    def test_columns(self):
        out = newcombe_interval(pd.Series([56, 0]), pd.Series([70, 1]), [48, 1], [80, 1])
        assert out.round(4).values.tolist() == [[0.0524, 0.3339], [-1.0, 0.1221]]

    def test_zero_denominator_is_missing(self):
        assert all(math.isnan(v) for v in newcombe_interval(0, 0, 1, 2))

    def test_bad_counts(self):
        with pytest.raises(ValueError, match="numerator <= denominator"):
            newcombe_interval(3, 2, 1, 2)


class TestCountChangePValue:
    def test_by_hand(self):
        # Given the total, the current count is Binomial(total, 1/2).
        # 10 vs 2: 2 (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 2 x 79 / 4096.
        assert count_change_p_value(10, 2) == pytest.approx(2 * 79 / 4096)
        # 2 vs 10: the same, two-sided.
        assert count_change_p_value(2, 10) == pytest.approx(2 * 79 / 4096)
        # 5 vs 1: 2 (1 + 6) / 64 = 0.21875.
        assert count_change_p_value(5, 1) == pytest.approx(0.21875)
        # 0 vs 1: 2 x 1/2 = 1; equal counts: 1.
        assert count_change_p_value(0, 1) == pytest.approx(1.0)
        assert count_change_p_value(7, 7) == pytest.approx(1.0)

    def test_large_counts_agree_with_the_normal_approximation(self):
        # 16,500 vs 16,000: z = 500 / sqrt(32,500) = 2.774 -> p about 0.0055 (continuity-corrected
        # z = 499 / 180.28 = 2.768 -> 0.0056).
        p = count_change_p_value(16_500, 16_000)
        z = 499 / math.sqrt(32_500)
        assert p == pytest.approx(2 * (1 - NormalDist().cdf(z)), rel=0.02)

    def test_columns_and_missing(self):
        out = count_change_p_value(pd.Series([10, None], index=["a", "b"]), [2, 3])
        assert list(out.index) == ["a", "b"]
        assert out["a"] == pytest.approx(2 * 79 / 4096) and math.isnan(out["b"])

    def test_negative_or_fractional(self):
        with pytest.raises(ValueError, match="whole numbers"):
            count_change_p_value(-1, 3)
        with pytest.raises(ValueError, match="whole numbers"):
            count_change_p_value(1.5, 3)


class TestWelchInterval:
    def test_by_hand(self):
        # SE = sqrt(100/100 + 144/100) = 1.5620; df = 2.44² / ((1² + 1.44²) / 99) = 191.77;
        # t(0.975, 191.77) = 1.9726 (tables: 1.9727 at 190, 1.9720 at 200); 5 -/+ 3.0812.
        out = welch_interval(50, 10, 100, 45, 12, 100)
        assert out.loc[0, "lower"] == pytest.approx(5 - 1.9726 * math.sqrt(2.44), abs=2e-3)
        assert out.loc[0, "upper"] == pytest.approx(5 + 1.9726 * math.sqrt(2.44), abs=2e-3)

    def test_fewer_than_two_values_is_missing(self):
        out = welch_interval(50, 10, 1, 45, 12, 100)
        assert out.isna().all().all()

    @pytest.mark.parametrize(
        "df, quantile",
        # Student's t, 97.5% (standard tables).
        [(1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (5, 2.571), (10, 2.228), (30, 2.042)],
    )
    def test_t_quantiles(self, df, quantile):
        assert float(t_quantile_975(df)[0]) == pytest.approx(quantile, abs=2e-3)


class TestComparePeriods:
    def test_zero_of_one_against_one_of_one_is_not_a_decline(self):
        out = compare_periods(
            "proportion",
            "higher",
            0.0,
            100.0,
            numerator=0,
            denominator=1,
            previous_numerator=1,
            previous_denominator=1,
        )
        assert out.loc[0, "direction"] == "No significant change"
        assert out.loc[0, "direction_arrow"] == "→"
        assert out.loc[0, "change"] == pytest.approx(-100.0)
        # Newcombe: -1 to 0.1221, in percentage points.
        assert out.loc[0, "change_lower"] == pytest.approx(-100.0)
        assert out.loc[0, "change_upper"] == pytest.approx(12.21, abs=0.01)

    def test_large_sample_small_real_change_is_significant(self):
        # 80,000/100,000 vs 79,000/100,000: +1 point; SE = sqrt(.8 x .2 + .79 x .21) / sqrt(1e5)
        # = 0.001805, so the 95% interval is about 1 -/+ 0.354 points: excludes 0.
        out = compare_periods(
            "proportion",
            "higher",
            80.0,
            79.0,
            numerator=80_000,
            denominator=100_000,
            previous_numerator=79_000,
            previous_denominator=100_000,
        )
        assert out.loc[0, "direction"] == "Improved" and out.loc[0, "direction_arrow"] == "↑"
        half = 100 * Z_95 * math.sqrt(0.8 * 0.2 / 1e5 + 0.79 * 0.21 / 1e5)
        assert out.loc[0, "change_lower"] == pytest.approx(1 - half, abs=1e-3)
        assert out.loc[0, "change_upper"] == pytest.approx(1 + half, abs=1e-3)

    def test_same_change_on_small_sample_is_not_significant(self):
        # 8/10 vs 7/10 (+10 points): far within chance.
        out = compare_periods(
            "proportion",
            "higher",
            80.0,
            70.0,
            numerator=8,
            denominator=10,
            previous_numerator=7,
            previous_denominator=10,
        )
        assert out.loc[0, "direction"] == "No significant change"

    def test_lower_is_better_and_neutral(self):
        out = compare_periods(
            ["count", "count", "count"], ["lower", "neutral", "higher"], [10, 10, 10], [2, 2, 2]
        )
        # p = 0.0386 < 0.05 for 10 vs 2: a rise; worse when lower is better.
        assert out["direction"].tolist() == ["Declined", "Increased", "Improved"]
        assert out["direction_arrow"].tolist() == ["↑", "↑", "↑"]

    def test_provisional_missing_and_untested(self):
        out = compare_periods(
            ["count", "count", "other", "count"],
            "higher",
            [10, None, 500, 10],
            [2, 2, 300, 2],
            provisional=[True, False, False, False],
            previous_provisional=[False, False, False, True],
        )
        assert out["direction"].tolist() == [
            "Provisional",
            "Not available",
            "Not tested",
            "Provisional",
        ]
        assert out["direction_arrow"].tolist() == ["", "", "→", ""]
        assert out.loc[2, "direction_test"] == "no test"

    def test_unknown_kind(self):
        with pytest.raises(ValueError, match="kind must be one of"):
            compare_periods("rate", "higher", 1, 2)


# --- Judging a results table ---------------------------------------------------------------------


@pytest.fixture
def results() -> pd.DataFrame:
    """Four hand-worked rows: two percentages, a lower-is-better average and a neutral count."""
    return pd.DataFrame(
        {
            "council": ["glasgow-city", "glasgow-city", "fife", "fife"],
            "value": [87.5, 65.0, 12.0, 1100.0],
            "target": [80, 70, 10, None],
            "polarity": ["higher", "higher", "lower", "neutral"],
            "numerator": [7, 130, None, None],
            "denominator": [8, 200, 50, None],
            "std_dev": [None, None, 3.0, None],
            "previous_value": [90.0, 30.0, 15.0, 1000.0],
            "previous_numerator": [9, 60, None, None],
            "previous_denominator": [10, 200, 50, None],
            "previous_std_dev": [None, None, 3.0, None],
            "unit": ["%", "%", "days", "number"],
        }
    )


class TestJudge:
    def test_columns_worked_by_hand(self, results):
        out = judge(results, {"type": "three_state", "amber_tolerance": 5})
        assert out["rag"].tolist() == [
            "Green",
            "Amber",
            "Amber",
            "No target",
        ]  # 12 days vs 10: 2 over, within 5
        assert out["low_numbers"].tolist() == [True, False, False, pd.NA]
        assert out["display_value"].tolist() == ["88%", "65%", "12", "1,100"]
        # 7/8 vs 9/10: far within chance. 130/200 vs 60/200: 65% vs 30%, about 7 standard errors.
        # 12 vs 15 days, sd 3 on 50 each: SE sqrt(9/50 + 9/50) = 0.6, -3 is 5 SE (lower is better).
        # 1100 vs 1000: (1100 - 1050) / sqrt(2100 / 4) = 2.18 SE, p about 0.03.
        assert out["direction"].tolist() == [
            "No significant change",
            "Improved",
            "Improved",
            "Increased",
        ]
        assert out["direction_arrow"].tolist() == ["→", "↑", "↓", "↑"]
        assert out["change"].tolist() == pytest.approx([-2.5, 35.0, -3.0, 100.0])
        assert 0.02 < out.loc[3, "p_value"] < 0.04
        assert out.loc[[0, 1, 2], "p_value"].isna().all()

    def test_intervals_in_percent_for_percentage_rows_only(self, results):
        out = judge(results, TWO)
        lower, upper = wilson_by_hand(7, 8)
        assert out.loc[0, "ci_lower"] == pytest.approx(100 * lower)
        assert out.loc[0, "ci_upper"] == pytest.approx(100 * upper)
        assert out.loc[[2, 3], ["ci_lower", "ci_upper"]].isna().all().all()

    def test_two_state(self, results):
        out = judge(results, TWO)
        assert out["rag"].tolist() == ["Green", "Red", "Red", "No target"]

    def test_input_not_changed_and_new_frame(self, results):
        before = results.copy()
        out = judge(results, TWO)
        pd.testing.assert_frame_equal(results, before)
        assert (
            out is not results and len(out.columns) == len(results.columns) + 12
        )  # rag_colour is presentation: added by the report

    def test_scheme_per_council(self, results):
        schemes = {"glasgow-city": TWO, "fife": {"type": "three_state", "amber_tolerance": 1}}
        out = judge(results, schemes, by="council")
        assert out["rag"].tolist() == [
            "Green",
            "Red",
            "Red",
            "No target",
        ]  # fife: 2 days over, beyond 1

    def test_missing_scheme_for_a_council(self, results):
        with pytest.raises(ValueError, match=r"no RAG scheme for council 'fife'"):
            judge(results, {"glasgow-city": TWO}, by="council")

    def test_bad_scheme_names_the_council(self, results):
        schemes = {"glasgow-city": TWO, "fife": {"type": "three_state", "amber": 1}}
        with pytest.raises(ValueError, match=r"^params/rag.yaml: fife: .*'amber'"):
            judge(results, schemes, by="council", where="params/rag.yaml")

    def test_improving_scheme_uses_the_direction(self, results):
        out = judge(results, IMPROVING)
        assert out["rag"].tolist() == ["Green", "Amber", "Amber", "No target"]

    def test_compare_on_rounded(self):
        frame = pd.DataFrame(
            {"value": [69.6], "target": [70], "polarity": ["higher"], "unit": ["%"]}
        )
        assert judge(frame, TWO)["rag"].tolist() == ["Green"]
        assert judge(frame, TWO, compare_on="exact")["rag"].tolist() == ["Red"]
        exact = {"glasgow-city": {**TWO, "compare_on": "exact"}}
        assert judge(frame.assign(council="glasgow-city"), exact, by="council")[
            "rag"
        ].tolist() == ["Red"]
        assert judge(frame, TWO)["display_value"].tolist() == ["70%"]

    def test_provisional_rows_get_no_rag_and_no_direction(self, results):
        frame = results.assign(
            provisional=[True, False, False, False],
            previous_provisional=[False, True, False, False],
        )
        out = judge(frame, THREE)
        # Row 0 is provisional: neither RAG nor direction. Row 1 is judged (65 vs 70, 5 short:
        # Amber) but its comparison period is provisional: no direction.
        assert out["rag"].tolist() == ["Provisional", "Amber", "Amber", "No target"]
        assert out["direction"].tolist()[:2] == ["Provisional", "Provisional"]
        assert out["direction_arrow"].tolist()[:2] == ["", ""]

    def test_minimal_columns(self):
        frame = pd.DataFrame({"value": [65.0], "target": [70.0], "polarity": ["higher"]})
        out = judge(frame, TWO)
        assert out["rag"].tolist() == ["Red"]
        assert out["direction"].tolist() == ["Not available"]
        assert out["direction_arrow"].tolist() == [""]
        assert out["display_value"].tolist() == [
            "65"
        ]  # no unit column, no counts: not a percentage

    def test_without_unit_column_counted_rows_are_percentages(self, results):
        out = judge(results.drop(columns="unit"), TWO)
        assert out["display_value"].tolist() == ["88%", "65%", "12", "1,100"]

    def test_missing_required_column(self, results):
        with pytest.raises(ValueError, match=r"missing column\(s\) \['polarity'\]"):
            judge(results.drop(columns="polarity"), TWO)


class TestScalarsAsColumns:
    """A single value is rounded and divided in plain Python: the same as the column way, value
    for value, halves, negatives, zeros and missing values included."""

    def test_round_half_up(self):
        rng = np.random.default_rng(1)
        values = [*rng.normal(0, 1000, 5000), *(x / 8 for x in range(-800, 800))]
        values += [round(v, 3) for v in rng.uniform(-100, 100, 5000)]
        values += [2.675, 1.005, 86.45, 0.5, -0.5, -2.5, 0.0, -0.0, float("nan"), 87.5]
        for digits in (0, 1, 2, 3):
            columns = round_half_up(np.array(values), digits)
            singles = [round_half_up(v, digits) for v in values]
            assert np.array_equal(columns, singles, equal_nan=True), digits
            assert [math.copysign(1, v) for v in singles] == [
                math.copysign(1, v) for v in columns
            ]  # no -0.0

    def test_percentage(self):
        rng = np.random.default_rng(2)
        nums, dens = rng.integers(0, 1000, 5000), rng.integers(0, 1000, 5000)
        dens[:50] = 0
        columns = percentage(pd.Series(nums), pd.Series(dens)).to_numpy()
        singles = [percentage(int(n), int(d)) for n, d in zip(nums, dens)]
        assert np.array_equal(columns, singles, equal_nan=True)
        assert math.isnan(percentage(None, 4)) and math.isnan(percentage(3, pd.NA))
        assert percentage("7", np.int64(8)) == 87.5
        with pytest.raises(ValueError, match="numerator must be a number"):
            percentage("seven", 8)


def test_float_array_of_a_float_array_is_a_copy_with_the_same_values():
    from jswlib.judge.status import _float_array

    values = np.array([1.5, np.nan, -0.0, 1e300])
    numbers = _float_array(values, "values")
    # the same as the Series way: [1.5, nan, -0.0, 1e300]
    expected = pd.to_numeric(pd.Series(values)).to_numpy(dtype="float64", na_value=np.nan)
    np.testing.assert_array_equal(numbers, expected)
    assert numbers.dtype == np.float64 and numbers is not values
    numbers[0] = 7.0
    assert values[0] == 1.5  # the caller's array is left alone


def test_format_value_of_a_scalar_is_the_column_way():
    import random

    from jswlib.judge.status import format_value

    rng = random.Random(13)
    choices = [None, np.nan, pd.NA, 0, 87.5, -2.5, 2.675, 1.005, 1234.5, 1e15, np.inf, True,
               np.int64(7), np.float64(12.45)]  # fmt: skip
    for _ in range(3000):
        value = rng.choice([*choices, rng.uniform(-1e4, 1e4), rng.randint(-50, 50) / 8])
        unit = rng.choice(["%", "", "days", None, np.nan])
        digits = rng.randint(0, 3)
        one = format_value(value, unit, digits)
        # the column way: a one-value column, then its text
        column = format_value([value], [unit], digits).iloc[0]
        assert one == column, (value, unit, digits)
    assert format_value(87.5, "%") == "88%" and format_value(None, "%", missing="-") == "-"
