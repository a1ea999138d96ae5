"""Tests for jswlib.judge.disclosure: primary and secondary suppression of small counts, on tiny
hand-made frames (counts 1-4 hidden at the default threshold of 5; zeros shown)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jswlib.judge.disclosure import (
    _cells_of,
    protect_figures,
    recoverable,
    suppress,
    suppress_within_timescale,
)

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


# --- Secondary suppression: the differencing attacks ---------------------------------------------

C = "[c]"


def _figures(rows, indicator="x"):
    """A figures table from (area, period, numerator, denominator) rows, with the percentage."""
    out = []
    for area, period, num, den, *published in rows:
        shown = published[0] if published else True
        for measure, value in (("numerator", num), ("denominator", den)):
            out.append((indicator, area, period, measure, value, shown))
        pct = 100 * num / den if den else float("nan")
        out.append((indicator, area, period, "percentage", pct, shown))
    return pd.DataFrame(
        out, columns=["indicator", "area", "period", "measure", "value", "published"]
    )


def _shown(table, area, period, measure):
    row = table[
        (table["area"] == area) & (table["period"] == period) & (table["measure"] == measure)
    ]
    assert len(row) == 1
    return row["shown"].iloc[0]


def _hidden(table):
    """The (area, period, measure) of every suppressed figure, as a set."""
    rows = table[table["suppressed"]]
    return set(zip(rows["area"], rows["period"], rows["measure"]))


class TestProtectFigures:
    def test_family_group_minus_its_councils(self):
        # Councils A 3/10, B 20/30, C 40/50; family group G = 63/90. A's 3 is hidden (primary).
        # Attack: G - B - C = 63 - 20 - 40 = 3. The smallest other numerator of that sum is B's
        # 20 (G 63, C 40), so B's numerator and percentage go too.
        figures = _figures(
            [("A", "Q4", 3, 10), ("B", "Q4", 20, 30), ("C", "Q4", 40, 50), ("G", "Q4", 63, 90)]
        )
        out = protect_figures(
            figures, area_parent={"A": "G", "B": "G", "C": "G"}, period_parts={}, threshold=5
        )
        assert _hidden(out) == {
            ("A", "Q4", "numerator"),
            ("A", "Q4", "percentage"),
            ("B", "Q4", "numerator"),
            ("B", "Q4", "percentage"),
        }
        attack = [_shown(out, a, "Q4", "numerator") for a in ("G", "B", "C")]
        assert C in attack  # G - B - C cannot be computed
        assert _shown(out, "A", "Q4", "denominator") == 10  # the total alone reveals nothing

    def test_pooled_year_minus_its_quarters(self):
        # Quarters 20/25, 30/36, 25/30, 3/8; pooled 78/99. Q4's 3 is hidden (primary).
        # Attack: 78 - 20 - 30 - 25 = 3. The smallest other numerator of the sum is Q1's 20.
        figures = _figures(
            [
                ("A", "Q1", 20, 25),
                ("A", "Q2", 30, 36),
                ("A", "Q3", 25, 30),
                ("A", "Q4", 3, 8),
                ("A", "year", 78, 99),
            ]
        )
        out = protect_figures(
            figures, area_parent={}, period_parts={"year": ["Q1", "Q2", "Q3", "Q4"]}, threshold=5
        )
        assert _hidden(out) == {
            ("A", "Q4", "numerator"),
            ("A", "Q4", "percentage"),
            ("A", "Q1", "numerator"),
            ("A", "Q1", "percentage"),
        }
        assert _shown(out, "A", "year", "numerator") == 78
        assert _shown(out, "A", "year", "percentage") == pytest.approx(100 * 78 / 99)

    def test_percentage_times_shown_denominator(self):
        # 4 of 7 = 57%: 57% x 7 = 3.99, so the percentage goes with the hidden 4.
        out = protect_figures(
            _figures([("A", "Q4", 4, 7)]), area_parent={}, period_parts={}, threshold=5
        )
        assert _shown(out, "A", "Q4", "percentage") == C
        assert _shown(out, "A", "Q4", "numerator") == C
        assert _shown(out, "A", "Q4", "denominator") == 7

    def test_number_not_within_timescale(self):
        # 9 of 10: the 1 not within is the total minus the number within, so the 9 goes (and
        # its percentage); the total 10 stays.
        out = protect_figures(
            _figures([("A", "Q4", 9, 10)]), area_parent={}, period_parts={}, threshold=5
        )
        assert _hidden(out) == {("A", "Q4", "numerator"), ("A", "Q4", "percentage")}

    def test_scotland_minus_family_groups_then_councils(self):
        # Scotland S = G + H; G = A + B; H = D + E. Counts: A 3, B 12, D 10, E 20; G 15, H 30,
        # S 45. G is not published, but S - H = 45 - 30 = 15 gives it, and then G - B = 3 gives
        # A. B (12) is the only shown cell of G's sum, so it is hidden.
        rows = [
            ("x", "A", "Q4", "count", 3, True),
            ("x", "B", "Q4", "count", 12, True),
            ("x", "D", "Q4", "count", 10, True),
            ("x", "E", "Q4", "count", 20, True),
            ("x", "G", "Q4", "count", 15, False),
            ("x", "H", "Q4", "count", 30, True),
            ("x", "S", "Q4", "count", 45, True),
        ]
        figures = pd.DataFrame(
            rows, columns=["indicator", "area", "period", "measure", "value", "published"]
        )
        parents = {"A": "G", "B": "G", "D": "H", "E": "H", "G": "S", "H": "S"}
        out = protect_figures(figures, area_parent=parents, period_parts={}, threshold=5)
        assert _hidden(out) == {("A", "Q4", "count"), ("B", "Q4", "count")}
        assert _shown(out, "S", "Q4", "count") == 45

    def test_across_areas_and_periods_together(self):
        # Two councils A, B of group G over two quarters and their pool P. A's Q1 count is 2.
        # Every sum holding a hidden count must hold two: the 2 x 2 rectangle A/B x Q1/Q2 goes.
        values = {
            ("A", "Q1"): 2, ("A", "Q2"): 10, ("A", "P"): 12,
            ("B", "Q1"): 11, ("B", "Q2"): 13, ("B", "P"): 24,
            ("G", "Q1"): 13, ("G", "Q2"): 23, ("G", "P"): 36,
        }  # fmt: skip
        figures = pd.DataFrame(
            [("x", a, p, "count", v) for (a, p), v in values.items()],
            columns=["indicator", "area", "period", "measure", "value"],
        )
        out = protect_figures(
            figures,
            area_parent={"A": "G", "B": "G"},
            period_parts={"P": ["Q1", "Q2"]},
            threshold=5,
        )
        hidden = _hidden(out)
        assert ("A", "Q1", "count") in hidden
        # Every sum: A's and B's pools, G's quarters and pool, and each period across areas.
        sums = [
            [("A", "P"), ("A", "Q1"), ("A", "Q2")],
            [("B", "P"), ("B", "Q1"), ("B", "Q2")],
            [("G", "P"), ("G", "Q1"), ("G", "Q2")],
            [("G", "Q1"), ("A", "Q1"), ("B", "Q1")],
            [("G", "Q2"), ("A", "Q2"), ("B", "Q2")],
            [("G", "P"), ("A", "P"), ("B", "P")],
        ]
        for cells in sums:
            unknown = [c for c in cells if (*c, "count") in hidden]
            assert len(unknown) != 1, cells
        # A's 2 does not follow from all the sums together either (linear algebra).
        index = {k: i for i, k in enumerate(values)}
        relations = [tuple(index[c] for c in cells) for cells in sums]
        unknown = np.array([(*k, "count") in hidden for k in values])
        assert not recoverable(unknown, relations, len(values))[index[("A", "Q1")]]
        # And nothing more than the rectangle: 4 cells (A Q1 2, A Q2 10, B Q1 11, B Q2 13).
        assert len(hidden) == 4

    def test_nothing_non_disclosive_is_suppressed(self):
        # Scotland alone: 78 of 80 within, 2 late. No council's figure can be worked out from it,
        # so it stays shown, percentage and all.
        out = protect_figures(
            _figures([("Scotland", "Q4", 78, 80)]),
            area_parent={"FG1": "Scotland"},
            period_parts={},
            threshold=5,
        )
        assert not out["suppressed"].any()
        assert _shown(out, "Scotland", "Q4", "percentage") == pytest.approx(97.5)

    def test_scotland_stays_shown_when_a_council_is_protected(self):
        # Scotland = G = A + B: A 38/40 (2 late: hidden), B 40/40. G's numerator sum 78 = A + 40
        # would give A back, so B's 40 goes; Scotland's 78/80 (2 late) stays.
        figures = _figures(
            [("A", "Q4", 38, 40), ("B", "Q4", 40, 40), ("G", "Q4", 78, 80), ("S", "Q4", 78, 80)]
        )
        out = protect_figures(
            figures, area_parent={"A": "G", "B": "G", "G": "S"}, period_parts={}, threshold=5
        )
        assert _hidden(out) == {
            ("A", "Q4", "numerator"),
            ("A", "Q4", "percentage"),
            ("B", "Q4", "numerator"),
            ("B", "Q4", "percentage"),
        }
        assert _shown(out, "S", "Q4", "numerator") == 78

    def test_an_earlier_release_is_not_taken_back(self):
        # Year to date Q1 + Q2 = 20 + 3 = 23. Q1's 20 was shown by last quarter's report (fixed),
        # so the 3 is protected by hiding the year to date, although 20 is the smaller shown count.
        figures = pd.DataFrame(
            [("x", "A", "Q1", "count", 20, True, True), ("x", "A", "Q2", "count", 3, True, False),
             ("x", "A", "Q1 to Q2", "count", 23, True, False)],
            columns=["indicator", "area", "period", "measure", "value", "published", "fixed"],
        )  # fmt: skip
        out = protect_figures(
            figures, area_parent={}, period_parts={"Q1 to Q2": ["Q1", "Q2"]}, threshold=5
        )
        assert _hidden(out) == {("A", "Q2", "count"), ("A", "Q1 to Q2", "count")}

    def test_zeros_shown(self):
        out = protect_figures(
            _figures([("A", "Q4", 0, 10)]), area_parent={}, period_parts={}, threshold=5
        )
        assert not out["suppressed"].any()

    def test_threshold_and_symbol_are_settings(self):
        # threshold 3: counts 1-2 protected, so 3 of 10 (7 not within) is shown.
        out = protect_figures(
            _figures([("A", "Q4", 3, 10), ("B", "Q4", 2, 10)]),
            area_parent={},
            period_parts={},
            threshold=3,
            symbol="*",
        )
        assert _shown(out, "A", "Q4", "numerator") == 3
        assert _shown(out, "B", "Q4", "numerator") == "*"

    def test_reasons(self):
        figures = _figures([("A", "Q4", 3, 10), ("B", "Q4", 20, 30), ("G", "Q4", 23, 40)])
        out = protect_figures(
            figures, area_parent={"A": "G", "B": "G"}, period_parts={}, threshold=5
        )
        reasons = dict(zip(zip(out["area"], out["measure"]), out["reason"]))
        assert reasons[("A", "numerator")] == "primary"
        assert reasons[("B", "numerator")] == "secondary"
        assert reasons[("A", "percentage")] == "derived"
        assert reasons[("G", "numerator")] == ""

    def test_missing_column(self):
        with pytest.raises(ValueError, match="missing column"):
            protect_figures(
                pd.DataFrame({"area": []}), area_parent={}, period_parts={}, threshold=5
            )

    @pytest.mark.parametrize("seed", range(5))
    def test_no_protected_count_follows_from_the_shown_figures(self, seed):
        # Random small tables: 3 groups of 3 councils, Scotland, 4 quarters and their pool, with
        # numerators and denominators. Afterwards no council's small count (nor its number not
        # within timescale) follows from the shown figures and all the sums together.
        rng = np.random.default_rng(seed)
        councils = [f"c{g}{i}" for g in range(3) for i in range(3)]
        parents = {c: f"g{c[1]}" for c in councils} | {f"g{g}": "S" for g in range(3)}
        quarters = ["Q1", "Q2", "Q3", "Q4"]
        num = {(c, q): int(rng.integers(0, 9)) for c in councils for q in quarters}
        den = {k: v + int(rng.integers(0, 9)) for k, v in num.items()}
        rows = []
        for area in [*councils, "g0", "g1", "g2", "S"]:
            leaves = [c for c in councils if area in (c, parents[c], "S")]
            for q in [*quarters, "P"]:
                qs = quarters if q == "P" else [q]
                n = sum(num[(c, x)] for c in leaves for x in qs)
                d = sum(den[(c, x)] for c in leaves for x in qs)
                rows.append((area, q, n, d))
        out = protect_figures(
            _figures(rows), area_parent=parents, period_parts={"P": quarters}, threshold=5
        )
        cells = _cells_of(out, parents, {"P": quarters})
        position = {k: i for i, k in enumerate(cells.keys)}
        unknown = np.ones(len(cells.keys), dtype=bool)
        for area, period, measure, hidden in zip(
            out["area"], out["period"], out["measure"], out["suppressed"]
        ):
            if (area, period, measure) in position and not hidden:
                unknown[position[(area, period, measure)]] = False
        found = recoverable(unknown, cells.relations, len(cells.keys))
        small = (cells.values >= 1) & (cells.values < 5) & ~cells.aggregate
        assert not (found & small).any()
        assert out["suppressed"].any()  # the random tables do hold small counts
