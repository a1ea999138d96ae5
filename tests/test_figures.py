"""Tests for jswlib.present.figures and the figures files of public reports: a reader holding every
figures file of a public batch for a whole family group (and the Scotland figures any report
shows) tries the differencing attacks and recovers no suppressed count.

The figures files are built in this process (``Report.figures_file``) on the demo data for the
eight councils of family group 1, which holds Orkney and Shetland, for Q4 2025/26.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jswlib.judge.disclosure import _cells_of, _peel
from jswlib.present.figures import local_key, protected_figures
from jswlib.present.report import prepare_report

REPO = Path(__file__).resolve().parent.parent
QUARTER = "Q4 2025/26"
POOL = "Q1 to Q4 2025/26"
C = "[c]"


@pytest.fixture(scope="module")
def reports():
    first = prepare_report("Orkney Islands", QUARTER, str(REPO / "data" / "demo"), "public")
    members = first.defs.councils.in_family_group(first.council.family_group)
    return [
        prepare_report(c.name, QUARTER, str(REPO / "data" / "demo"), "public") for c in members
    ]


@pytest.fixture(scope="module")
def files(reports):
    """Every figures file of the batch, one frame."""
    return pd.concat([r.figures_file() for r in reports], ignore_index=True)


def _number(value):
    return None if value == C or value == "" else float(value)


class TestLocalKey:
    def test_kept_apart(self):
        assert local_key("x", "S1") != "x"


class TestFiguresFile:
    def test_columns_and_plain_words(self, reports):
        f = reports[0].figures_file()
        assert list(f.columns) == ["section", "indicator", "area", "period", "measure", "value"]
        assert reports[0].council.name in set(f["area"])
        assert not f["indicator"].str.contains("_").any()  # titles, not ids

    def test_values_are_numbers_or_the_symbol(self, files):
        odd = [v for v in files["value"] if not (v == C or v == "" or isinstance(v, (int, float)))]
        assert odd == []
        assert (files["value"] == C).any()  # small councils do have suppressed figures

    def test_no_small_count_shown_for_a_council(self, reports, files):
        councils = {r.council.name for r in reports}
        counts = files[
            files["area"].isin(councils)
            & files["measure"].isin(["numerator", "denominator", "count"])
        ]
        shown = [v for v in counts["value"] if _number(v) is not None]
        assert not any(1 <= v <= 4 for v in shown)


class TestDifferencingAttacks:
    def test_family_group_minus_its_councils(self, reports, files):
        # For each KPI, quarter or pool, and count: the family group's figure minus every
        # council's. Where exactly one council's figure is hidden the difference would give it.
        group = reports[0].defs.councils.family_groups[reports[0].council.family_group]
        councils = [r.council.name for r in reports]
        comp = files[
            (files["section"] == "Comparison")
            & files["measure"].isin(["numerator", "denominator"])
        ]
        tried = 0
        for (ind, period, measure), part in comp.groupby(["indicator", "period", "measure"]):
            values = dict(zip(part["area"], part["value"]))
            if group not in values or not all(c in values for c in councils):
                continue
            hidden = [c for c in councils if _number(values[c]) is None]
            tried += 1
            assert len(hidden) != 1, (ind, period, measure, hidden)
        assert tried > 0

    def test_pooled_year_minus_its_quarters(self, reports, files):
        # The last four quarters pooled (comparison) minus the four quarters shown (quarter by
        # quarter): where exactly one of the five is hidden it would come back.
        quarters = ["Q1 2025/26", "Q2 2025/26", "Q3 2025/26", "Q4 2025/26"]
        tried = 0
        for report in reports:
            name = report.council.name
            mine = files[files["area"] == name]
            for ind in report.quarterly_indicators():
                if report.figure_key(ind) != ind:
                    continue  # own standard in the table, national in the comparison: no sum
                title = report.indicator_title(ind)
                for measure in ("numerator", "denominator"):
                    rows = mine[(mine["indicator"] == title) & (mine["measure"] == measure)]
                    pool = rows[(rows["section"] == "Comparison") & (rows["period"] == POOL)]
                    table = rows[
                        (rows["section"] == "Quarter by quarter") & rows["period"].isin(quarters)
                    ]
                    if len(pool) != 1 or len(table) != 4:
                        continue
                    cells = [pool["value"].iloc[0], *table["value"]]
                    tried += 1
                    assert sum(_number(v) is None for v in cells) != 1, (name, ind, measure)
        assert tried > 0

    def test_percentage_times_the_cases(self, files):
        # A percentage shown beside a hidden number within would give it back (percentage x cases).
        key = ["section", "indicator", "area", "period"]
        wide = files.pivot_table(index=key, columns="measure", values="value", aggfunc="first")
        both = wide.dropna(subset=["numerator", "percentage"])
        leaks = both[(both["numerator"] == C) & (both["percentage"] != C)]
        assert leaks.empty

    def test_no_chain_of_sums_gives_back_a_council_count(self, reports):
        # All the sums at once, one at a time and in chains (Scotland minus the family groups,
        # then a family group minus its councils...), over the whole protected table.
        r = reports[0]
        table = protected_figures(r.results, r.defs, r.settings, r.quarter)
        from jswlib.present.figures import figure_relations

        parents, parts = figure_relations(r.defs, r.settings, r.quarter)
        for _, rows in table.groupby("indicator", sort=False):
            rows = rows.assign(published=rows["published"] & ~rows["suppressed"])
            cells = _cells_of(rows, parents, parts)
            known, _ = _peel(cells, cells.published)
            small = (cells.values >= 1) & (cells.values < 5) & ~cells.aggregate
            assert not (small & known).any()


class TestKeptWithTheResults:
    """Disclosure control over a quarter's figures (about 2 s) is worked out once and kept beside
    the cached results, so every report of a batch, in any kernel, reads the same table."""

    @pytest.fixture
    def setup(self, reports, tmp_path, monkeypatch):
        import dataclasses

        from jswlib.present import figures

        r = reports[0]
        monkeypatch.setattr(figures, "_MEMO", {})
        results = dataclasses.replace(r.results, cache_dir=tmp_path)
        return figures, r, results, tmp_path

    def test_read_back_as_worked_out(self, setup, monkeypatch):
        figures, r, results, folder = setup
        first = figures.protected_figures(results, r.defs, r.settings, r.quarter)
        assert [p.name for p in folder.iterdir()] == [
            figures._cache_name((results.fingerprint, r.quarter.label, 5, C, 1))
        ]

        def boom(*args, **kwargs):
            raise AssertionError("worked out again instead of read")

        monkeypatch.setattr(figures, "protect_figures", boom)
        monkeypatch.setattr(figures, "_MEMO", {})  # as in a new process
        again = figures.protected_figures(results, r.defs, r.settings, r.quarter)
        pd.testing.assert_frame_equal(again, first, check_exact=True)
        assert again["shown"].map(type).tolist() == first["shown"].map(type).tolist()
        assert (again.loc[again["suppressed"], "shown"] == C).all()

    def test_another_threshold_another_file(self, setup):
        import dataclasses

        figures, r, results, folder = setup
        figures.protected_figures(results, r.defs, r.settings, r.quarter)
        higher = dataclasses.replace(r.settings, suppression_threshold=10)
        table = figures.protected_figures(results, r.defs, higher, r.quarter)
        assert len(list(folder.iterdir())) == 2
        # a count of 5 to 9 is shown under the threshold 5, and suppressed under 10
        five_to_nine = table["value"].between(5, 9) & (table["measure"] == "numerator")
        five_to_nine &= table["area"].str.startswith("S12")
        assert table.loc[five_to_nine, "suppressed"].all()

    def test_a_damaged_file_is_worked_out_again(self, setup, monkeypatch):
        figures, r, results, folder = setup
        first = figures.protected_figures(results, r.defs, r.settings, r.quarter)
        (kept,) = folder.iterdir()
        kept.write_bytes(b"not a parquet file")
        monkeypatch.setattr(figures, "_MEMO", {})
        again = figures.protected_figures(results, r.defs, r.settings, r.quarter)
        pd.testing.assert_frame_equal(again, first, check_exact=True)
        assert figures._read_cached(kept, C) is not None  # written again, whole


def test_shown_figures_the_same_look_up_as_the_columns_iterated(reports, monkeypatch):
    from jswlib.present import figures

    r = reports[0]
    monkeypatch.setattr(figures, "_SHOWN", {})
    got = figures.shown_figures(r.results, r.defs, r.settings, r.quarter)
    table = protected_figures(r.results, r.defs, r.settings, r.quarter)
    keys = zip(table["indicator"], table["area"], table["period"], table["measure"])
    expected = dict(zip(keys, table["shown"]))
    assert list(got) == list(expected)
    for key, value in expected.items():
        assert type(got[key]) is type(value) and (got[key] == value or value != value)
    assert C in got.values() and len(got) > 1000
