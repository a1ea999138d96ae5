"""Tests for jswlib.data.demo: the synthetic national demo dataset.

Expected values come from docs/method.md (National figures behind the demo data) and the data
contract (jswlib.definitions.schema.TABLES). Timescales are recomputed here from the written text
with numpy's busday_count and the ``holidays`` package, never with code from jswlib.data.demo. Two
datasets are generated once per module: the full national one at scale 1 (a few seconds) for
volumes and rates, and a small one (scale 0.1, two years) that is written to disk for the row-level
checks.
"""

from __future__ import annotations

import filecmp
import json
import re
from datetime import date
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import pytest
import yaml

from jswlib.data.demo import generate_demo, write_demo
from jswlib.definitions.schema import FLAG_FALSE, FLAG_TRUE, PERSONAL_DATA_COLUMNS, TABLES

REPO = Path(__file__).resolve().parent.parent
EXTRACT = date(2026, 4, 15)


# --- helpers (independent of jswlib.data.demo) ---------------------------------------------------


def _norm(text: str) -> str:
    key = str(text).strip().lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", key).split())


@pytest.fixture(scope="module")
def councils() -> pd.DataFrame:
    with open(REPO / "params" / "councils.yaml", encoding="utf-8") as f:
        return pd.DataFrame(yaml.safe_load(f)["councils"])


@pytest.fixture(scope="module")
def spelling(councils) -> dict[str, str]:
    """Every legitimate spelling of a council (normalised) -> its name."""
    out = {}
    for row in councils.itertuples():
        for key in [row.name, row.code, *row.old_codes, *row.aliases]:
            out[_norm(key)] = row.name
    out[_norm("Edinburgh, City of")] = "City of Edinburgh"
    return out


def _dates(values: pd.Series) -> np.ndarray:
    """Parse ISO or day-first text; anything else (and blanks) becomes NaT."""
    iso = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    dmy = pd.to_datetime(values, format="%d/%m/%Y", errors="coerce")
    return iso.fillna(dmy).to_numpy().astype("datetime64[D]")


def _fy(days: np.ndarray) -> np.ndarray:
    d = pd.DatetimeIndex(days)
    return np.where(d.month >= 4, d.year, d.year - 1)


def _bad_rows(manifest: dict, table: str) -> np.ndarray:
    """0-based positions of the rows the manifest lists as bad (either row of a duplicate pair)."""
    rows = set()
    for e in manifest["bad_rows"]:
        if e["table"] == table:
            rows.add(e["row"])
            rows.update(e.get("rows", []))
    return np.array(sorted(r - 2 for r in rows), dtype=int)


def _valid(tables: dict, manifest: dict, table: str) -> pd.DataFrame:
    frame = tables[table]
    return frame.drop(index=frame.index[_bad_rows(manifest, table)])


@pytest.fixture(scope="module")
def calendar() -> np.busdaycalendar:
    days = holidays.country_holidays("GB", subdiv="SCT", years=range(2013, 2032))
    return np.busdaycalendar(
        weekmask="1111100", holidays=np.array(sorted(days), dtype="datetime64[D]")
    )


def _within(start: np.ndarray, end: np.ndarray, n: int, calendar) -> np.ndarray:
    """Working days elapsed from start (day 0, rolled forward to a working day) to end are at most
    n."""
    rolled = np.busday_offset(start, 0, roll="forward", busdaycal=calendar)
    return np.busday_count(rolled, end, busdaycal=calendar) <= n


@pytest.fixture(scope="module")
def national(councils):
    """The full national dataset at scale 1 (the default arguments)."""
    return generate_demo(councils)


@pytest.fixture(scope="module")
def small(councils, tmp_path_factory):
    """A small dataset (scale 0.1, 2023/24 and 2024/25) written as CSV; returns (tables, manifest,
    folder)."""
    tables, manifest = generate_demo(councils, seed=7, scale=0.1, first_fy=2023, last_fy=2024)
    folder = tmp_path_factory.mktemp("demo_small")
    paths = write_demo(tables, manifest, folder)
    return tables, manifest, folder, paths


def _read(folder: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False, na_filter=False)


# --- the contract --------------------------------------------------------------------------------


class TestContract:
    def test_every_table_with_exactly_its_columns(self, national):
        tables, _ = national
        assert list(tables) == list(TABLES)
        for name, spec in TABLES.items():
            assert list(tables[name].columns) == [c.name for c in spec.columns], name

    def test_every_cell_is_text(self, national):
        tables, _ = national
        for name, frame in tables.items():
            for col in frame.columns:
                assert pd.api.types.is_string_dtype(frame[col]), (name, col)
                assert not frame[col].isna().any(), (name, col)

    def test_no_personal_data_columns(self, national):
        tables, _ = national
        for name, frame in tables.items():
            assert not set(frame.columns) & PERSONAL_DATA_COLUMNS, name
            assert not {"name", "dob", "date_of_birth", "address", "postcode"} & set(frame.columns)

    def test_written_files_have_the_contract_columns(self, small):
        _, _, folder, paths = small
        assert [p.name for p in paths] == [f"{t}.csv" for t in TABLES] + ["manifest.json"]
        for name, spec in TABLES.items():
            assert list(_read(folder, name).columns) == [c.name for c in spec.columns]

    def test_identifiers_look_opaque_and_people_synthetic(self, national):
        tables, manifest = national
        cpos = _valid(tables, manifest, "cpos")
        assert cpos["order_id"].str.fullmatch(r"CPO-\d{7}").all()
        assert cpos["order_id"].is_unique
        assert cpos["person_id"].str.fullmatch(r"P\d{8}").all()
        assert cpos["person_id"].duplicated().any()  # some people have several orders

    def test_references_point_at_records(self, national):
        tables, manifest = national
        cpo_ids = set(tables["cpos"]["order_id"])
        dtto_ids = set(tables["dttos"]["order_id"])
        reviews = _valid(tables, manifest, "cpo_reviews")
        assert reviews["order_id"].isin(cpo_ids).all()
        breaches = _valid(tables, manifest, "breaches")
        assert breaches["order_id"].isin(cpo_ids | dtto_ids).all()
        lscmi = _valid(tables, manifest, "lscmi_assessments")
        linked = lscmi["order_id"] != ""
        assert lscmi.loc[linked, "order_id"].isin(cpo_ids).all()


# --- determinism ---------------------------------------------------------------------------------


class TestDeterminism:
    def test_same_seed_same_frames(self, councils):
        a, ma = generate_demo(councils, seed=11, scale=0.05, first_fy=2022, last_fy=2023)
        b, mb = generate_demo(councils, seed=11, scale=0.05, first_fy=2022, last_fy=2023)
        for name in TABLES:
            pd.testing.assert_frame_equal(a[name], b[name])
        assert ma == mb

    def test_different_seed_different_frames(self, councils):
        a, _ = generate_demo(councils, seed=11, scale=0.05, first_fy=2022, last_fy=2023)
        b, _ = generate_demo(councils, seed=12, scale=0.05, first_fy=2022, last_fy=2023)
        assert not a["cpos"].equals(b["cpos"])

    def test_byte_identical_csv(self, small, councils, tmp_path):
        _, _, folder, _ = small
        tables, manifest = generate_demo(councils, seed=7, scale=0.1, first_fy=2023, last_fy=2024)
        write_demo(tables, manifest, tmp_path)
        for name in [*TABLES, "manifest"]:
            suffix = "json" if name == "manifest" else "csv"
            assert filecmp.cmp(
                folder / f"{name}.{suffix}", tmp_path / f"{name}.{suffix}", shallow=False
            ), name


# --- volumes -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cpo_years(national, spelling) -> pd.DataFrame:
    """Valid CPOs: financial year imposed and council name (any legitimate spelling resolved)."""
    tables, manifest = national
    frame = _valid(tables, manifest, "cpos")
    return pd.DataFrame(
        {
            "fy": _fy(_dates(frame["imposed_date"])),
            "council": frame["council"].map(lambda s: spelling.get(_norm(s))),
        }
    )


@pytest.fixture(scope="module")
def valid_cpos(national) -> pd.DataFrame:
    tables, manifest = national
    return _valid(tables, manifest, "cpos")


class TestVolumes:
    def test_national_cpos_per_year(self, cpo_years):
        cpos = cpo_years
        per_year = cpos["fy"].value_counts()
        for fy in (2019, 2023, 2024, 2025):  # normal years (published: about 15,000-16,500)
            assert 15_000 <= per_year[fy] <= 16_500, fy
        assert 7_500 <= per_year[2020] <= 8_800  # Covid: 8,169 in 2020/21
        assert 14_000 <= per_year[2022] <= 15_300  # 14,653 in 2022/23
        assert per_year[2020] < per_year[2021] < per_year[2023]  # recovery

    def test_covid_dip_mostly_april_to_september_2020(self, national):
        tables, manifest = national
        d = pd.DatetimeIndex(_dates(_valid(tables, manifest, "cpos")["imposed_date"]))
        spring_2020 = ((d >= "2020-04-01") & (d < "2020-10-01")).sum()
        spring_2019 = ((d >= "2019-04-01") & (d < "2019-10-01")).sum()
        winter_2020 = ((d >= "2020-10-01") & (d < "2021-04-01")).sum()
        assert spring_2020 < 0.45 * spring_2019
        assert winter_2020 > 1.5 * spring_2020

    def test_named_councils(self, cpo_years):
        cpos = cpo_years
        y2019 = cpos[cpos["fy"] == 2019]["council"].value_counts()
        assert 2_300 <= y2019["Glasgow City"] <= 2_700  # 2,537 (published)
        assert 1_250 <= y2019["North Lanarkshire"] <= 1_550  # 1,394
        assert 900 <= y2019["Aberdeen City"] <= 1_200  # 1,052
        assert 550 <= y2019["Aberdeenshire"] <= 780  # 658

    def test_island_councils_tens_a_year(self, cpo_years):
        counts = cpo_years.groupby(["council", "fy"]).size()
        for island in ("Orkney Islands", "Shetland Islands", "Na h-Eileanan Siar"):
            assert (counts[island] < 100).all(), island
            assert counts[island].loc[2019] >= 5

    def test_every_council_has_orders(self, cpo_years, councils):
        assert set(cpo_years["council"].dropna()) == set(councils["name"])

    def test_other_tables_national_volumes(self, national):
        tables, manifest = national

        def per_year(table: str, column: str) -> pd.Series:
            return pd.Series(_fy(_dates(_valid(tables, manifest, table)[column]))).value_counts()

        normal = (2019, 2022, 2023, 2024, 2025)
        reports = per_year("court_reports", "requested_date")
        assert all(27_000 <= reports[y] <= 30_500 for y in normal)
        dttos = per_year("dttos", "imposed_date")
        assert all(220 <= dttos[y] <= 310 for y in normal)
        diversion = per_year("diversion", "start_date")
        assert all(2_500 <= diversion[y] <= 3_700 for y in normal)
        bail = per_year("bail_supervision", "start_date")
        assert all(1_050 <= bail[y] <= 1_550 for y in normal)
        sds = per_year("structured_deferred_sentences", "start_date")
        assert all(1_250 <= sds[y] <= 1_650 for y in normal)
        licences = per_year("licences", "release_date")
        assert all(1_800 <= licences[y] <= 2_300 for y in normal)
        fwo = per_year("fiscal_work_orders", "start_date")
        assert all(95 <= fwo[y] <= 155 for y in normal)
        scr = per_year("significant_case_reviews", "notification_date")
        assert all(1 <= scr[y] <= 15 for y in normal)

    def test_unpaid_work_share_and_hours(self, national):
        tables, manifest = national
        cpos = _valid(tables, manifest, "cpos")
        upw = cpos["has_upw"] == "Y"
        assert 0.65 <= upw.mean() <= 0.71  # about 68%
        hours = pd.to_numeric(cpos.loc[upw, "upw_hours_ordered"])
        assert 125 <= hours.mean() <= 145  # about 135
        assert hours.between(20, 300).all()

    def test_successful_completion(self, national):
        tables, manifest = national
        ended = _valid(tables, manifest, "cpos")["outcome"]
        ended = ended[ended != ""]
        assert 0.67 <= (ended == "Completed").mean() <= 0.75  # about 71%

    def test_orders_imposed_on_court_days(self, valid_cpos):
        d = pd.DatetimeIndex(_dates(valid_cpos["imposed_date"]))
        assert (d.day_of_week >= 5).mean() < 0.005
        # Christmas: 22-31 December against 1-10 November (ten days each).
        assert ((d.month == 12) & (d.day >= 22)).sum() < 0.6 * (
            (d.month == 11) & (d.day <= 10)
        ).sum()


# --- timescales ----------------------------------------------------------------------------------


class TestTimescales:
    def _rate(self, frame, start_col, event_col, n, calendar, mask=None):
        start, event = _dates(frame[start_col]), _dates(frame[event_col])
        ok = ~np.isnat(start) & ~np.isnat(event)
        ok &= (frame["non_compliance"] == "N").to_numpy() & (
            frame["transfer_in"] == "N"
        ).to_numpy()
        if mask is not None:
            ok &= mask
        return _within(start[ok], event[ok], n, calendar).mean()

    def test_first_contact_within_one_working_day_2019(self, valid_cpos, calendar):
        cpos = valid_cpos
        fy2019 = _fy(_dates(cpos["imposed_date"])) == 2019
        assert (
            0.74
            <= self._rate(cpos, "imposed_date", "first_contact_date", 1, calendar, fy2019)
            <= 0.82
        )

    def test_induction_within_five_working_days(self, valid_cpos, calendar):
        cpos = valid_cpos
        assert 0.78 <= self._rate(cpos, "imposed_date", "induction_date", 5, calendar) <= 0.86

    def test_upw_placement_and_the_covid_year(self, valid_cpos, calendar):
        cpos = valid_cpos
        fy = _fy(_dates(cpos["imposed_date"]))
        normal = self._rate(
            cpos, "imposed_date", "upw_first_placement_date", 7, calendar, fy == 2019
        )
        covid = self._rate(
            cpos, "imposed_date", "upw_first_placement_date", 7, calendar, fy == 2020
        )
        assert 0.66 <= normal <= 0.75
        assert 0.44 <= covid <= 0.56

    def test_non_compliance_has_no_first_contact(self, valid_cpos):
        cpos = valid_cpos
        nc = cpos["non_compliance"] == "Y"
        assert 0.03 <= nc.mean() <= 0.07
        assert (cpos.loc[nc, "first_contact_date"] == "").all()
        assert 0.02 <= (cpos["transfer_in"] == "Y").mean() <= 0.04

    def test_reports_by_due_date(self, national):
        tables, manifest = national
        reports = _valid(tables, manifest, "court_reports")
        due, sub = _dates(reports["due_date"]), _dates(reports["submitted_date"])
        ok = ~np.isnat(sub)
        assert 0.85 <= (sub[ok] <= due[ok]).mean() <= 0.95

    def test_exit_scores_improve(self, national):
        tables, manifest = national
        q = _valid(tables, manifest, "exit_questionnaires")
        before = pd.to_numeric(q["score_before"].replace("", np.nan))
        after = pd.to_numeric(q["score_after"].replace("", np.nan))
        both = before.notna() & after.notna()
        assert after[both].mean() > before[both].mean() + 1


# --- the extract date ----------------------------------------------------------------------------


class TestExtractDate:
    def test_no_event_after_the_extract_date(self, national):
        tables, manifest = national
        for name, spec in TABLES.items():
            frame = _valid(tables, manifest, name)
            for col in spec.columns:
                if col.kind == "date" and not col.future_ok:
                    d = _dates(frame[col.name])
                    assert not (d > np.datetime64(EXTRACT)).any(), (name, col.name)

    def test_running_orders_have_no_end_or_outcome(self, national):
        tables, manifest = national
        for name in ("cpos", "dttos", "licences", "diversion"):
            frame = _valid(tables, manifest, name)
            assert ((frame["end_date"] == "") == (frame["outcome"] == "")).all(), name
            assert (frame["end_date"] == "").any(), name

    def test_earlier_extract_date_cuts_the_data(self, councils):
        cut = date(2024, 1, 31)
        tables, manifest = generate_demo(
            councils, scale=0.05, first_fy=2023, last_fy=2024, extract_date=cut, bad_rows=False
        )
        assert manifest["bad_rows"] == []
        for name, spec in TABLES.items():
            for col in spec.columns:
                if col.kind == "date" and not col.future_ok:
                    assert not (_dates(tables[name][col.name]) > np.datetime64(cut)).any(), (
                        name,
                        col.name,
                    )


# --- warm start ----------------------------------------------------------------------------------


def _people_on_orders(frame: pd.DataFrame, spelling: dict, first: str, last: str) -> int:
    """Distinct people (per council) with an order open at any time from ``first`` to ``last``."""
    imposed = _dates(frame["imposed_date"])
    ended = _dates(frame["end_date"])
    open_in = (imposed <= np.datetime64(last)) & (
        np.isnat(ended) | (ended >= np.datetime64(first))
    )
    council = frame["council"].map(lambda c: spelling.get(_norm(c)))
    return len(set(zip(council[open_in], frame["person_id"][open_in])))


QUARTER_DAYS = (
    ("04-01", "06-30", 0),
    ("07-01", "09-30", 0),
    ("10-01", "12-31", 0),
    ("01-01", "03-31", 1),
)


class TestWarmStart:
    """Orders open before the first reported year: the series are steady from their first
    quarter."""

    @staticmethod
    def _quarters(frame, spelling, fy: int) -> list[int]:
        return [
            _people_on_orders(frame, spelling, f"{fy + k}-{a}", f"{fy + k}-{b}")
            for a, b, k in QUARTER_DAYS
        ]

    def test_people_on_cpos_first_year_in_line_with_later_years(self, national, spelling):
        # 2019/20 and 2024/25 impose about the same number of CPOs (15,000-16,500), so the number
        # of people on orders should be about the same: each quarter of 2019/20 within 10% of the
        # mean of 2024/25's quarters. Without a warm start the first quarter held only the orders
        # imposed in it (about a quarter of the stock).
        tables, manifest = national
        cpos = _valid(tables, manifest, "cpos")
        first = self._quarters(cpos, spelling, 2019)
        later = self._quarters(cpos, spelling, 2024)
        reference = sum(later) / len(later)
        for value in first:
            assert 0.9 * reference <= value <= 1.1 * reference, (first, reference)
        # Steady within the first year: the first quarter within 5% of the year's mean.
        assert abs(first[0] - sum(first) / 4) <= 0.05 * sum(first) / 4, first

    def test_warm_records_are_before_the_reported_period(self, national):
        tables, manifest = national
        assert manifest["reported_from"] == "2019-04-01"
        assert manifest["warm_start_from"] == "2016-04-01"
        imposed = _dates(_valid(tables, manifest, "cpos")["imposed_date"])
        assert imposed.min() < np.datetime64("2019-04-01")
        assert imposed.min() >= np.datetime64("2016-04-01")


# --- deliberately bad rows and legitimate variants -----------------------------------------------


class TestBadRows:
    def test_listed_rows_have_the_stated_fault(self, small, spelling):
        _, manifest, folder, _ = small
        frames = {t: _read(folder, t) for t in TABLES}
        assert manifest["bad_rows"]
        for e in manifest["bad_rows"]:
            spec = TABLES[e["table"]]
            frame = frames[e["table"]]
            row = frame.iloc[e["row"] - 2]
            assert row[spec.id_column] == e["record_id"], e
            kind, col = e["kind"], e["column"]
            value = row[col]
            if kind != "duplicate_id":
                assert value == e["value"], e
            if kind == "bad_date":
                assert value != "" and np.isnat(_dates(pd.Series([value])))[0], e
            elif kind == "implausible_date":
                assert _dates(pd.Series([value]))[0] < np.datetime64("1990-01-01"), e
            elif kind == "date_order":
                earlier = next(a for a, b in spec.order if b == col)
                assert _dates(pd.Series([value]))[0] < _dates(pd.Series([row[earlier]]))[0], e
            elif kind == "amount_order":
                later = next(b for a, b in spec.order if a == col)
                assert int(value) > int(row[later]), e
            elif kind == "unknown_council":
                assert _norm(value) not in spelling, e
            elif kind == "duplicate_id":
                same = frame[frame[spec.id_column] == e["record_id"]]
                assert sorted(int(i) + 2 for i in same.index) == e["rows"], e
                identical = len(same.drop_duplicates()) == 1
                assert identical == (e["duplicate"] == "exact copy"), e
            elif kind == "negative":
                assert float(value) < 0, e
            elif kind == "out_of_range":
                c = spec.column(col)
                assert not (c.minimum <= float(value) <= c.maximum), e
            elif kind == "bad_number":
                assert pd.isna(pd.to_numeric(value, errors="coerce")), e
            elif kind == "not_allowed":
                assert value.lower() not in {a.lower() for a in spec.column(col).allowed}, e
            elif kind == "missing":
                assert spec.column(col).required and value == "", e
            elif kind == "bad_flag":
                assert value.lower() not in FLAG_TRUE | FLAG_FALSE, e
            else:
                pytest.fail(f"unknown kind {kind}")

    def test_every_kind_in_a_large_table(self, small):
        _, manifest, _, _ = small
        kinds = {e["kind"] for e in manifest["bad_rows"] if e["table"] == "cpos"}
        assert kinds == set(manifest["bad_row_kinds"])
        conflicting = [
            e for e in manifest["bad_rows"] if e.get("duplicate", "").startswith("conflicting")
        ]
        exact = [e for e in manifest["bad_rows"] if e.get("duplicate") == "exact copy"]
        assert conflicting and exact

    def test_small_share_of_rows(self, national):
        tables, manifest = national
        for name in ("cpos", "court_reports", "cpo_reviews", "lscmi_assessments", "breaches"):
            share = len(_bad_rows(manifest, name)) / len(tables[name])
            assert 0.002 <= share <= 0.006, (name, share)

    def test_unlisted_rows_are_clean(self, small, spelling):
        _, manifest, folder, _ = small
        for name, spec in TABLES.items():
            frame = _read(folder, name)
            frame = frame.drop(index=frame.index[_bad_rows(manifest, name)])
            assert frame[spec.id_column].is_unique, name
            assert frame["council"].map(lambda s: _norm(s) in spelling).all(), name
            for col in spec.columns:
                values = frame[col.name]
                if col.required:
                    assert (values != "").all(), (name, col.name)
                filled = values[values != ""]
                if col.kind == "date":
                    d = _dates(filled)
                    assert not np.isnat(d).any(), (name, col.name)
                    assert (d >= np.datetime64("1990-01-01")).all(), (name, col.name)
                elif col.kind == "flag":
                    assert filled.isin(["Y", "N"]).all(), (name, col.name)
                elif col.kind == "category":
                    assert filled.isin(col.allowed).all(), (name, col.name)
                elif col.kind == "int":
                    numbers = pd.to_numeric(filled)
                    assert numbers.between(col.minimum, col.maximum).all(), (name, col.name)
            for earlier, later in spec.order:
                both = (frame[earlier] != "") & (frame[later] != "")
                if spec.column(later).kind == "date":
                    a, b = _dates(frame.loc[both, earlier]), _dates(frame.loc[both, later])
                else:
                    a, b = (
                        pd.to_numeric(frame.loc[both, earlier]),
                        pd.to_numeric(frame.loc[both, later]),
                    )
                assert (a <= b).all(), (name, earlier, later)

    def test_legitimate_variants_are_present(self, small, spelling, councils):
        _, _, folder, _ = small
        cpos = _read(folder, "cpos")
        other = ~cpos["council"].isin(set(councils["name"]))
        known = cpos["council"].map(lambda s: _norm(s) in spelling)
        share = (other & known).mean()
        assert 0.015 <= share <= 0.05
        assert cpos["imposed_date"].str.fullmatch(r"\d{2}/\d{2}/\d{4}").mean() >= 0.01
        codes = cpos["council"].str.fullmatch(r"S12\d{6}")
        assert (
            codes.any()
            and (cpos["council"].str.contains("&") | cpos["council"].str.islower()).any()
        )

    def test_no_bad_rows_when_switched_off(self, councils):
        tables, manifest = generate_demo(
            councils, scale=0.05, first_fy=2024, last_fy=2024, bad_rows=False
        )
        assert manifest["bad_rows"] == []
        assert tables["cpos"]["order_id"].is_unique


# --- signals and manifest ------------------------------------------------------------------------


class TestSignals:
    def test_manifest_lists_the_three_changes(self, national):
        _, manifest = national
        signals = {s["council_name"]: s for s in manifest["signals"]}
        assert set(signals) >= {"Fife", "Highland", "Glasgow City"}
        for s in signals.values():
            for key in (
                "council_code",
                "indicator",
                "table",
                "change_date",
                "rate_before",
                "rate_after",
                "observed_before",
                "observed_after",
            ):
                assert key in s
            assert abs(s["observed_before"] - s["rate_before"]) < 0.05
            assert abs(s["observed_after"] - s["rate_after"]) < 0.05
        assert signals["Fife"]["rate_after"] > signals["Fife"]["rate_before"]
        assert signals["Highland"]["rate_after"] < signals["Highland"]["rate_before"]
        assert signals["Glasgow City"]["rate_after"] < signals["Glasgow City"]["rate_before"]

    def test_fife_step_is_in_the_data(self, national, spelling, calendar):
        tables, manifest = national
        cpos = _valid(tables, manifest, "cpos")
        fife = cpos[cpos["council"].map(lambda s: spelling.get(_norm(s))) == "Fife"]
        fife = fife[
            (fife["non_compliance"] == "N")
            & (fife["transfer_in"] == "N")
            & (fife["has_upw"] == "Y")
        ]
        start, event = _dates(fife["imposed_date"]), _dates(fife["upw_first_placement_date"])
        ok = ~np.isnat(event)
        met = _within(start[ok], event[ok], 7, calendar)
        after = start[ok] >= np.datetime64("2023-04-01")
        assert met[after].mean() - met[~after].mean() > 0.15

    def test_glasgow_reports_step_down(self, national, spelling):
        tables, manifest = national
        r = _valid(tables, manifest, "court_reports")
        r = r[r["council"].map(lambda s: spelling.get(_norm(s))) == "Glasgow City"]
        due, sub = _dates(r["due_date"]), _dates(r["submitted_date"])
        ok = ~np.isnat(sub)
        met = sub[ok] <= due[ok]
        after = due[ok] >= np.datetime64("2024-10-01")
        assert met[~after].mean() - met[after].mean() > 0.07


class TestManifest:
    def test_contents(self, national, councils):
        tables, manifest = national
        for key in (
            "seed",
            "scale",
            "first_fy",
            "last_fy",
            "extract_date",
            "generator_version",
            "row_counts",
            "councils",
            "signals",
            "bad_rows",
        ):
            assert key in manifest
        assert manifest["seed"] == 2025 and manifest["scale"] == 1.0
        assert (manifest["first_fy"], manifest["last_fy"]) == (2019, 2025)
        assert manifest["extract_date"] == "2026-04-15"
        assert manifest["row_counts"] == {k: len(v) for k, v in tables.items()}
        assert [c["code"] for c in manifest["councils"]] == list(councils["code"])
        json.dumps(manifest)  # serialisable as it stands

    def test_manifest_written_last(self, small):
        _, manifest, folder, paths = small
        assert paths[-1] == folder / "manifest.json"
        assert json.loads((folder / "manifest.json").read_text(encoding="utf-8")) == json.loads(
            json.dumps(manifest)
        )


@pytest.fixture(scope="module")
def tiny(councils):
    """One small council, one year."""
    return generate_demo(
        councils[councils["name"] == "Orkney Islands"], scale=1.0, first_fy=2024, last_fy=2024
    )


class TestWriteFormats:
    def test_parquet(self, tiny, tmp_path):
        tables, manifest = tiny
        paths = write_demo(tables, manifest, tmp_path, fmt="parquet")
        assert paths[-1].name == "manifest.json"
        back = pd.read_parquet(tmp_path / "cpos.parquet")
        assert list(back.columns) == list(tables["cpos"].columns)
        assert (back.to_numpy() == tables["cpos"].to_numpy()).all()

    def test_excel_one_workbook(self, tiny, tmp_path):
        tables, manifest = tiny
        paths = write_demo(tables, manifest, tmp_path, fmt="xlsx")
        assert [p.name for p in paths] == ["extract.xlsx", "manifest.json"]
        sheets = pd.read_excel(
            tmp_path / "extract.xlsx", sheet_name=None, dtype=str, keep_default_na=False
        )
        assert list(sheets) == list(TABLES)
        assert (sheets["cpos"].to_numpy() == tables["cpos"].to_numpy()).all()

    def test_unknown_format(self, tiny, tmp_path):
        with pytest.raises(ValueError, match="format"):
            write_demo(*tiny, tmp_path, fmt="json")

    def test_bad_arguments(self, councils):
        with pytest.raises(ValueError, match="scale"):
            generate_demo(councils, scale=0)
        with pytest.raises(ValueError, match="before"):
            generate_demo(councils, first_fy=2024, last_fy=2023)
