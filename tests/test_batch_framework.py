"""``jsw batch --report framework``: the framework report of every council with a framework, beside
the quarterly reports, with its figures file, Excel workbook, manifest and index entry."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from jswlib.core.errors import InputError
from jswlib.definitions.frameworks import load_framework
from jswlib.present.framework import FIGURES_COLUMNS
from jswlib.run import batch
from jswlib.run.batch import run_batch
from jswlib.run.worker import output_names


@pytest.fixture(scope="module")
def framework_run(tmp_path_factory):
    """Aberdeen City's framework report for Q4 2025/26 on the demo data, run for real."""
    out = tmp_path_factory.mktemp("framework-batch")
    result = run_batch(
        "Q4 2025/26", ["Aberdeen City"], report="framework", out_dir=out, workers=1, progress=False
    )
    return result


class TestOutputNames:
    def test_framework_files_sit_beside_the_quarterly_ones(self):
        quarterly, framework = (
            output_names("aberdeen-city"),
            output_names("aberdeen-city", "framework"),
        )
        assert framework == {
            "html": "aberdeen-city-framework.html",
            "ipynb": "aberdeen-city-framework.ipynb",
            "csv": "aberdeen-city-framework-figures.csv",
            "xlsx": "aberdeen-city-framework.xlsx",
        }
        assert not set(quarterly.values()) & set(framework.values())


class TestCouncilsChosen:
    def test_all_councils_with_a_framework(self):
        request = batch._check_request(
            "Q4 2025/26",
            None,
            None,
            "internal",
            None,
            1,
            None,
            batch.REPORTS["framework"].notebook,
            None,
            "framework",
        )
        assert [c.name for c in request.councils] == ["Aberdeen City", "Glasgow City"]

    def test_a_financial_year_is_the_annual_report(self):
        request = batch._check_request(
            "2025/26",
            None,
            None,
            "internal",
            None,
            1,
            None,
            batch.REPORTS["framework"].notebook,
            None,
            "framework",
        )
        assert request.label == "2025/26" and request.out_dir.parent.name == "2025-26"
        assert request.out_dir.name == "internal"  # audiences apart

    def test_a_named_council_without_one(self):
        with pytest.raises(InputError, match="no performance framework for Fife"):
            run_batch("Q4 2025/26", ["Fife"], report="framework", progress=False)

    def test_unknown_report(self):
        with pytest.raises(InputError, match="report 'annual'"):
            run_batch("Q4 2025/26", ["Fife"], report="annual", progress=False)


class TestFrameworkBatch:
    def test_produced_with_its_files(self, framework_run):
        assert [o.status for o in framework_run.outcomes] == ["ok"]
        out = framework_run.out_dir
        for name in output_names("aberdeen-city", "framework").values():
            assert (out / name).is_file(), name
        assert (out / "framework-manifest.json").is_file()
        assert (out / "framework-index.html").is_file()
        assert not (out / "manifest.json").exists()  # the quarterly manifest is not touched

    def test_figures_file_lists_every_pi(self, framework_run):
        figures = pd.read_csv(framework_run.out_dir / "aberdeen-city-framework-figures.csv")
        assert tuple(figures.columns) == FIGURES_COLUMNS
        assert set(figures["indicator"]) == {p.title for p in load_framework("aberdeen").pis}
        assert set(figures["area"]) == {"Aberdeen City"}
        # the QA audit has no figure on the demo data: listed as not available
        qa = figures[figures["indicator"] == "QA Reports/ Case files"]
        assert qa["value"].tolist() == ["[x]"]

    def test_excel_has_the_framework_and_the_figures(self, framework_run):
        sheets = pd.read_excel(
            framework_run.out_dir / "aberdeen-city-framework.xlsx", sheet_name=None
        )
        assert list(sheets) == ["framework", "figures"]
        assert len(sheets["framework"]) == 40

    def test_manifest_and_index_entry(self, framework_run):
        out = framework_run.out_dir
        manifest = json.loads((out / "framework-manifest.json").read_text())
        assert manifest["parameters"]["report"] == "framework"
        assert manifest["command"] == "jsw batch --report framework"
        # 40 PIs. Aberdeen sets no targets of its own; three of its PIs (unpaid work placement,
        # first review, unpaid work completed in time) carry the national default targets
        # (params/targets.yaml): 39 - 3 = 36 "No target"; the QA audit (no value) has no status.
        counts = manifest["councils"][0]["counts"]
        assert counts["No target"] == 36
        assert counts["Green"] + counts["Amber"] + counts["Red"] == 3
        index = (out / "framework-index.html").read_text()
        assert 'href="aberdeen-city-framework.html"' in index
        assert 'href="aberdeen-city-framework-figures.csv"' in index
        assert "Justice Social Work framework reports, Q4 2025/26" in index

    def test_the_quarterly_index_links_to_it(self, framework_run):
        out = framework_run.out_dir
        (out / "manifest.json").write_text(json.dumps({"councils": [], "summary": {}}))
        batch._write_indexes(out, "Q4 2025/26", "framework")
        assert 'href="framework-index.html"' in (out / "index.html").read_text()
        assert 'href="index.html"' in (out / "framework-index.html").read_text()
        (out / "manifest.json").unlink()
        (out / "index.html").unlink()

    def test_second_run_skips_what_is_up_to_date(self, framework_run):
        again = run_batch(
            "Q4 2025/26",
            ["Aberdeen City"],
            report="framework",
            out_dir=framework_run.out_dir.parent,  # the run wrote to <out>/internal
            progress=False,
        )
        assert [o.status for o in again.outcomes] == ["skipped"]
