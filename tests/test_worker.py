"""Tests for jswlib.run.worker helpers that need no kernel (the batch tests run the worker
itself)."""

from __future__ import annotations

from jswlib.run.worker import figures_name, running_header, without_paths


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
