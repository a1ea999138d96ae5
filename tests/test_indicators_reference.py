"""The engine (jswlib/compute/indicators.py) against its plain way (tests/reference_indicators.py).

Both compute every indicator from the same validated tables; the results must be equal cell for
cell: the tiny hand-written extract of tests/test_indicators.py, and random synthetic extracts from
the demo generator (every table, every council, bad rows included) with and without a first
reported day, monthly series and a local standard.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from jswlib.compute.indicators import compute_indicators, load_definitions
from jswlib.data.demo import generate_demo, write_demo
from jswlib.data.extract import load_extract
from tests import reference_indicators
from tests.test_indicators import EXTRACT, read_tables

AS_AT = date(2026, 4, 15)


@pytest.fixture(scope="module")
def defs():
    return load_definitions()


def assert_same_results(tables, defs, as_at, **options):
    fast = compute_indicators(tables, defs, as_at, **options)
    plain = reference_indicators.compute_indicators(tables, defs, as_at, **options)
    assert len(fast) > 0
    pd.testing.assert_frame_equal(fast, plain, check_exact=True)
    return fast


def test_the_hand_written_extract_gives_the_same_results(defs, tmp_path):
    tables = read_tables(tmp_path, EXTRACT, defs)
    assert_same_results(tables, defs, date(2025, 10, 5))
    assert_same_results(tables, defs, date(2025, 10, 5), monthly=False)


@pytest.mark.parametrize("seed", [3, 11])
def test_random_extracts_give_the_same_results(defs, tmp_path, seed):
    tables, manifest = generate_demo(
        defs.councils.to_frame(), seed=seed, scale=0.03, first_fy=2023, extract_date=AS_AT
    )
    write_demo(tables, manifest, tmp_path / "data")
    extract = load_extract(tmp_path / "data", defs.councils, extract_date=AS_AT)
    results = assert_same_results(extract.tables, defs, AS_AT)
    # Every level and frequency is there (a test that cannot fail is a defect)
    assert set(results["level"]) == {"council", "family group", "Scotland"}
    assert {"quarterly", "monthly"} <= set(results["frequency"])
    assert (results["basis"] == "local").any()
    assert_same_results(
        extract.tables,
        defs,
        AS_AT,
        first_day=date(2024, 4, 1),
        indicators=["upw_placement", "cpo_first_review"],
    )


@pytest.mark.parametrize("span", [15000, 200000])  # days: looked up in a table, or converted
@pytest.mark.parametrize("freq", ["M", "Q", "H", "Y"])
def test_period_ordinals_with_numpy_are_those_of_the_periods_module(freq, span):
    import numpy as np

    from jswlib.compute.indicators import _ordinals
    from jswlib.definitions.periods import period_ordinals

    rng = np.random.default_rng(1)
    days = np.datetime64("1700-01-01") + rng.integers(0, span, 3000).astype("timedelta64[D]")
    dates = pd.Series(days.astype("datetime64[ns]"))
    dates[::7] = pd.NaT
    expected = period_ordinals(dates, freq).fillna(-1).to_numpy(dtype=np.int64)
    got = _ordinals(dates.to_numpy(), freq)
    assert (got == expected).all()
    assert (got == -1).sum() == len(dates[::7])


def test_the_derived_cpo_columns_are_those_of_the_plain_way(defs):
    """Unpaid work hours, court timescale and the unpaid work flag each known or missing, in
    every combination, with start dates clipped at month ends."""
    import numpy as np

    from jswlib.compute.indicators import with_derived_columns

    rng = np.random.default_rng(5)
    n = 4000
    hours = pd.array(rng.choice([20, 100, 101, 300], n), dtype="Int64")
    hours[rng.random(n) < 0.3] = pd.NA
    court = pd.array(rng.choice([2, 3, 6, 12], n), dtype="Int64")
    court[rng.random(n) < 0.7] = pd.NA
    upw = pd.array(rng.random(n) < 0.8, dtype="boolean")
    upw[rng.random(n) < 0.1] = pd.NA
    imposed = pd.Series(
        np.datetime64("2023-01-28") + rng.integers(0, 800, n).astype("timedelta64[D]")
    ).astype("datetime64[ns]")
    imposed[rng.random(n) < 0.05] = pd.NaT
    cpos = pd.DataFrame(
        {
            "upw_hours_ordered": hours,
            "upw_timescale_months": court,
            "has_upw": upw,
            "imposed_date": imposed,
        }
    )
    fast = with_derived_columns({"cpos": cpos})["cpos"]
    plain = reference_indicators.derive_cpos(cpos)
    pd.testing.assert_frame_equal(fast, plain, check_exact=True)
    # Every source of a timescale is there: the court's, each level's, none
    months = plain["upw_timescale_effective"]
    assert {2, 3, 6, 12} <= set(months.dropna()) and months.isna().any()
