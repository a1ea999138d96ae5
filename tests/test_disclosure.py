"""Tests for jswlib.judge.disclosure: primary and secondary suppression of small counts, on tiny
hand-made frames (counts 1-4 hidden at the default threshold of 5; zeros shown)."""

from __future__ import annotations

import pandas as pd
import pytest

from jswlib.judge.disclosure import suppress, suppress_within_timescale

# --- Disclosure control --------------------------------------------------------------------------


class TestSuppress:
    def test_counts_1_to_4_and_their_percentages(self):
        frame = pd.DataFrame({"n": [0, 1, 4, 5, None], "pct": ["0%", "a", "b", "c", "n/a"]})
        out = suppress(frame, ["n"], ["pct"], threshold=5)
        assert out["n"].tolist()[:4] == [0, "[c]", "[c]", 5]
        assert out["pct"].tolist() == ["0%", "[c]", "[c]", "c", "n/a"]

    def test_any_suppressed_count_suppresses_the_rows_percentages(self):
        frame = pd.DataFrame({"a": [10, 10], "b": [2, 10], "pct": ["x", "y"]})
        assert suppress(frame, ["a", "b"], ["pct"], 5)["pct"].tolist() == ["[c]", "y"]

    def test_threshold(self):
        frame = pd.DataFrame({"n": [1, 2, 3]})
        assert suppress(frame, ["n"], [], threshold=3)["n"].tolist() == ["[c]", "[c]", 3]
        with pytest.raises(ValueError, match="threshold"):
            suppress(frame, ["n"], [], threshold=0)

    def test_input_unchanged(self):
        frame = pd.DataFrame({"n": [1]})
        suppress(frame, ["n"], [], 5)
        assert frame["n"].tolist() == [1]


class TestSuppressWithinTimescale:
    @pytest.mark.parametrize(
        "total, within, total_hidden, within_hidden",
        [
            (20, 15, False, False),  # nothing small
            (20, 0, False, False),  # zeros shown
            (20, 20, False, False),  # none not within
            (20, 3, False, True),  # within small
            (20, 17, False, True),  # not within (3) small: the total would reveal it
            (5, 5, False, False),  # 5 is not small
            (4, 4, True, True),  # total small
            (4, 0, True, True),  # total small; zero within but 4 not within
            (0, 0, False, False),  # nothing at all
        ],
    )
    def test_rule(self, total, within, total_hidden, within_hidden):
        frame = pd.DataFrame({"total": [total], "within": [within], "pct": ["p"]})
        out = suppress_within_timescale(frame, "within", "total", ["pct"], 5)
        expected = [
            "[c]" if total_hidden else total,
            "[c]" if within_hidden else within,
            "[c]" if within_hidden else "p",
        ]
        assert out.iloc[0].tolist() == expected

    def test_missing_counts_are_not_suppressed(self):
        missing = pd.array([None], dtype="Int64")
        frame = pd.DataFrame({"total": missing, "within": missing, "pct": ["n/a"]})
        out = suppress_within_timescale(frame, "within", "total", ["pct"], 5)
        assert out["pct"].tolist() == ["n/a"] and pd.isna(out["total"].iloc[0])
