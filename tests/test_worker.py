"""Tests for jswlib.run.worker helpers that need no kernel (the batch tests run the worker
itself)."""

from __future__ import annotations

from jswlib.run.worker import figures_name, kernel_kpi_outputs, running_header, without_paths


class TestWithoutPaths:
    def test_paths_become_names_and_periods_stay(self):
        nb = {
            "metadata": {
                "papermill": {
                    "input_path": "/srv/jsw/notebooks/quarterly_report.ipynb",
                    "parameters": {"data_dir": "/srv/jsw/data/demo", "quarter": "Q2 2025/26"},
                }
            },
            "cells": [
                {
                    "cell_type": "code",
                    "metadata": {"tags": ["injected-parameters"]},
                    "source": ['data_dir = "/srv/jsw/data/demo"\n', 'quarter = "Q2 2025/26"\n'],
                },
                {"cell_type": "markdown", "metadata": {}, "source": ["/not/a/parameter"]},
            ],
        }
        out = without_paths(nb)
        papermill = out["metadata"]["papermill"]
        assert papermill["input_path"] == "quarterly_report.ipynb"
        assert papermill["parameters"] == {"data_dir": "demo", "quarter": "Q2 2025/26"}
        assert out["cells"][0]["source"] == ['data_dir = "demo"\n', 'quarter = "Q2 2025/26"\n']
        assert out["cells"][1]["source"] == ["/not/a/parameter"]  # only the injected cell
        assert nb["metadata"]["papermill"]["input_path"].startswith("/srv")  # input unchanged


class TestRunningHeader:
    def test_internal_and_synthetic(self, tmp_path):
        (tmp_path / "manifest.json").write_text('{"synthetic": true}')
        assert running_header("internal", str(tmp_path)) == (
            "Internal: not for publication \u00b7 Synthetic data: not real people or real "
            "performance"
        )
        assert running_header("public", str(tmp_path)) == (
            "Synthetic data: not real people or real performance"
        )


class TestFiguresName:
    def test_next_to_the_report(self):
        assert figures_name("orkney-islands") == "orkney-islands-figures.csv"


class TestKernelKpiOutputs:
    def test_only_the_report_of_this_council_quarter_and_audience_is_used(self, tmp_path):
        from jswlib.present.report import prepare_report

        from .test_batch import QUARTER, make_workspace

        params = make_workspace(tmp_path)
        report = prepare_report("Fife", QUARTER, str(tmp_path / "data"), params=params)
        out = tmp_path / "out"
        args = (str(out), "fife")
        assert kernel_kpi_outputs(None, *args, "Fife", QUARTER, "internal") is None
        assert kernel_kpi_outputs(report, *args, "Angus", QUARTER, "internal") is None
        assert kernel_kpi_outputs(report, *args, "Fife", "Q1 2025/26", "internal") is None
        assert kernel_kpi_outputs(report, *args, "Fife", QUARTER, "public") is None
        assert not out.exists()  # nothing written for another report
        written = kernel_kpi_outputs(report, *args, "Fife", QUARTER, "internal")
        assert written["files"] == {
            "figures": "fife-figures.csv",
            "csv": "fife-kpis.csv",
            "xlsx": "fife-kpis.xlsx",
        }
        assert sorted(p.name for p in out.iterdir()) == sorted(written["files"].values())
        assert sum(written["counts"].values()) == len(written["headline"]) > 0
