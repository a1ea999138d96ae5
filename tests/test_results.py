"""Tests for jswlib/compute/results.py: fingerprints, the on-disk cache and the in-process memo."""

from __future__ import annotations

import os
import shutil

import pytest

from jswlib.compute import results
from jswlib.compute.results import fingerprint, load_results

from .conftest import REPO

REPORTS = "report_id,council,person_id,report_type,requested_date,due_date,submitted_date"


@pytest.fixture
def workspace(tmp_path):
    """A params copy and a one-table extract: three Fife reports, one late."""
    params = tmp_path / "params"
    shutil.copytree(REPO / "params", params)
    data = tmp_path / "data"
    data.mkdir()
    (data / "court_reports.csv").write_text(
        "\n".join(
            [
                REPORTS,
                "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,2025-07-18",
                "R2,Fife,P2,CJSWR,2025-07-01,2025-07-21,2025-07-25",
                "R3,Fife,P3,CJSWR,2025-07-01,2025-07-21,2025-07-21",
            ]
        )
        + "\n"
    )
    (data / "manifest.json").write_text('{"extract_date": "2025-10-05"}')
    return params, data, tmp_path / "cache"


class TestFingerprint:
    def test_changes_with_data_and_params_but_not_commentary(self, workspace):
        params, data, _ = workspace
        first = fingerprint(data, params)
        (params / "commentary" / "fife").mkdir(parents=True)
        (params / "commentary" / "fife" / "2025-26-Q2.md").write_text("Good quarter.")
        assert fingerprint(data, params) == first
        (params / "targets.yaml").write_text(
            (params / "targets.yaml").read_text() + "\n# edited\n"
        )
        second = fingerprint(data, params)
        assert second != first
        with open(data / "court_reports.csv", "a") as handle:
            handle.write("R4,Fife,P4,CJSWR,2025-07-01,2025-07-21,2025-07-21\n")
        assert fingerprint(data, params) != second


class TestLoadResults:
    def test_computes_caches_and_reloads(self, workspace):
        params, data, cache = workspace
        first = load_results(data, params, cache_dir=cache)
        row = first.table[
            (first.table["council"] == "S12000047")
            & (first.table["indicator"] == "reports_by_due_date")
            & (first.table["period"] == "Q2 2025/26")
        ].iloc[0]
        # R1 and R3 on or before their due dates, R2 four days late: 2 of 3.
        assert (row["numerator"], row["denominator"]) == (2, 3)
        assert str(first.as_at) == "2025-10-05"
        assert (cache / first.fingerprint / "meta.json").is_file()
        # Memo: same object, nothing re-read
        assert load_results(data, params, cache_dir=cache) is first

    def test_a_changed_file_is_noticed(self, workspace):
        params, data, cache = workspace
        first = load_results(data, params, cache_dir=cache)
        path = data / "court_reports.csv"
        path.write_text(path.read_text().replace("2025-07-25", "2025-07-20"))  # R2 now on time
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        second = load_results(data, params, cache_dir=cache)
        assert second.fingerprint != first.fingerprint
        row = second.table[
            (second.table["council"] == "S12000047")
            & (second.table["indicator"] == "reports_by_due_date")
            & (second.table["period"] == "Q2 2025/26")
        ].iloc[0]
        assert (row["numerator"], row["denominator"]) == (3, 3)


def _age(*folders, seconds: int = 10) -> None:
    """Set back the modification time of every file below the folders by ``seconds``."""
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                stat = path.stat()
                os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 1_000_000_000))


class TestRecordedFingerprint:
    """A new process (a report's kernel) need not hash every data file again."""

    def test_settled_files_are_not_hashed_again(self, workspace, monkeypatch):
        params, data, cache = workspace
        _age(params, data)
        first = load_results(data, params, cache_dir=cache)
        assert len(list((cache / "stamps").glob("*.json"))) == 1
        monkeypatch.setattr(results, "_MEMO", {})  # as a new process starts

        def hashed(*args, **kwargs):
            raise AssertionError("every file hashed again")

        monkeypatch.setattr(results, "fingerprint", hashed)
        again = load_results(data, params, cache_dir=cache)
        assert again.fingerprint == first.fingerprint and again is not first
        assert len(again.table) == len(first.table) and str(again.as_at) == "2025-10-05"
        row = again.table[
            (again.table["council"] == "S12000047")
            & (again.table["indicator"] == "reports_by_due_date")
            & (again.table["period"] == "Q2 2025/26")
        ].iloc[0]
        assert (row["numerator"], row["denominator"]) == (2, 3)  # from the cache, as computed

    def test_a_changed_file_is_hashed(self, workspace, monkeypatch):
        params, data, cache = workspace
        _age(params, data)
        first = load_results(data, params, cache_dir=cache)
        path = data / "court_reports.csv"
        path.write_text(path.read_text().replace("2025-07-25", "2025-07-20"))  # R2 now on time
        _age(data, seconds=5)  # settled again, but with another size and time
        monkeypatch.setattr(results, "_MEMO", {})
        second = load_results(data, params, cache_dir=cache)
        assert second.fingerprint == fingerprint(data, params) != first.fingerprint

    def test_files_just_written_are_not_trusted(self, workspace):
        params, data, cache = workspace  # written a moment ago: within the settling time
        load_results(data, params, cache_dir=cache)
        assert not (cache / "stamps").exists()


class TestCopies:
    def test_a_copy_changed_in_place_leaves_the_original_alone(self):
        import copy

        import pandas as pd

        from jswlib.compute.results import Results

        table = pd.DataFrame(
            {
                "numerator": pd.array([1, 2], dtype="Int64"),
                "period": ["a", "b"],
                "value": [0.5, 1.0],
            }
        )
        original = Results(table, table.head(0), table.head(0), None, "f", None)
        copied = copy.deepcopy(original)
        assert copied is not original and copied.table is not original.table
        copied.table.loc[0, "numerator"] = 99
        copied.table["period"] = "x"
        copied.quality["numerator"] = []
        assert original.table["numerator"].tolist() == [1, 2]
        assert original.table["period"].tolist() == ["a", "b"]
        assert "numerator" in original.quality and len(original.quality) == 0
        with pytest.raises(ValueError):  # no write around pandas either: the view is read-only
            copied.table["value"].to_numpy()[1] = 7.0
        assert original.table["value"].tolist() == [0.5, 1.0]


class TestCompleteQuarters:
    def test_found_once_per_results_and_handed_out_as_a_copy(self, workspace, monkeypatch):
        import copy

        params, data, cache = workspace
        loaded = load_results(data, params, cache_dir=cache)
        # Worked out by hand: the extract is dated 5 October 2025, reports from July 2025, so the
        # only complete quarter in the results is Q2 2025/26 (July to September)
        assert [str(q) for q in results.complete_quarters(loaded)] == ["Q2 2025/26"]
        scans = []
        real = results.parse_quarter
        monkeypatch.setattr(
            results, "parse_quarter", lambda label: scans.append(label) or real(label)
        )
        first = results.complete_quarters(loaded)
        first.clear()  # the caller's list: the next one is whole
        assert [str(q) for q in results.complete_quarters(loaded)] == ["Q2 2025/26"]
        assert scans == []  # the same results: not scanned again
        # Other results (a copy, as each council of a warm kernel gets one) are scanned
        other = copy.deepcopy(loaded)
        other.table.loc[other.table["frequency"] == "quarterly", "complete"] = False
        assert results.complete_quarters(other) == [] and scans == []
        assert results.complete_quarters(loaded) != []
