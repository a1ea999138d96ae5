"""jsw batch: one report per council, in parallel, with atomic outputs, failure isolation,
skipping and retries.

Most tests run ``tests/fixtures/batch_report.ipynb`` (the parameters of the quarterly report; it
fails on purpose for the council "Fail") on a copy of the params with a council "Fail" added, and a
fake KPI-table function whose RAG words are chosen here, so the counts in the index are known in
advance. The slow, real runs (papermill and a kernel per council) happen once per module; the
skipping and retry logic is tested with a stand-in for papermill that copies the notebook without a
kernel.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest
from papermill.exceptions import PapermillExecutionError

from jswlib.cli import EXIT_DATA, EXIT_OK
from jswlib.cli import batch as cli_batch
from jswlib.cli.batch import add_parser as add_batch_parser
from jswlib.cli.batch import cmd_batch
from jswlib.compute.results import fingerprint
from jswlib.core.errors import InputError
from jswlib.definitions.periods import quarter_slug
from jswlib.present.pages import external_references
from jswlib.run import batch
from jswlib.run.batch import BatchResult, CouncilOutcome, run_batch
from jswlib.run.worker import CouncilTask, run_council

from .conftest import REPO

FIXTURE = REPO / "tests" / "fixtures" / "batch_report.ipynb"
QUARTER = "Q2 2025/26"
FOLDER = "2025-26-Q2"
#: Where an internal batch writes: the quarter's folder, then the audience's.
OUT = f"{FOLDER}/internal"
FAIL_COUNCIL = """
  - name: Fail
    code: S12999999
    slug: fail
    family_group: FG1
"""
#: The RAG words the fake KPI table gives each council (counted by hand in TestIndex).
FAKE_RAG = {
    "Fife": ["Green", "Green", "Green", "Amber", "Red", "Red", "No data"],
    "Angus": ["Green", "Amber", "Amber", "No target"],
}
FLAKY_MARKER = "JSW_TEST_FLAKY_MARKER"


# --- Stand-ins, module level so the worker processes can unpickle them ---------------------------


def fake_kpis(council, quarter, data_dir, audience, commentary_file, params):
    """A KPI table with known RAG words."""
    rag = FAKE_RAG.get(council, ["Green"])
    return pd.DataFrame(
        {
            "indicator": [f"KPI {i + 1}" for i in range(len(rag))],
            "audience": audience,
            "rag": rag,
            "display_value": [f"{50 + i}%" for i in range(len(rag))],
            "variation_text": "~ Common cause variation",
            "assurance_text": "? Target hit and miss, subject to random variation",
        }
    )


def copy_execute(input_path, output_path, parameters=None, **kwargs):
    """Papermill without a kernel: the notebook with one output showing the parameters; fails for
    "Fail"."""
    nb = nbformat.read(input_path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        cell.metadata["papermill"] = {"status": "completed", "start_time": "2025-10-06T09:00:00"}
    shown = code[1]
    shown.execution_count = 1
    who = parameters.get("council", "Scotland")  # the national overview has no council
    shown.outputs = [
        nbformat.v4.new_output(
            "stream", name="stdout", text=f"Report for {who}, {parameters['quarter']}\n"
        )
    ]
    if who == "Fail":
        shown.outputs.append(
            nbformat.v4.new_output(
                "error",
                ename="RuntimeError",
                evalue="Deliberate failure",
                traceback=["RuntimeError: Deliberate failure"],
            )
        )
        nbformat.write(nb, output_path)
        raise PapermillExecutionError(1, 1, shown.source, "RuntimeError", "Deliberate failure", [])
    nbformat.write(nb, output_path)
    return nb


def flaky_execute(input_path, output_path, **kwargs):
    """The kernel fails to start the first time (marker file missing), then papermill runs for
    real."""
    import papermill

    marker = Path(os.environ[FLAKY_MARKER])
    if not marker.exists():
        marker.write_text("failed once\n")
        raise RuntimeError("Kernel died before replying to kernel_info")
    return papermill.execute_notebook(input_path, output_path, **kwargs)


def never_starts(input_path, output_path, **kwargs):
    """Like papermill when the kernel never answers: the notebook is saved with every cell
    pending."""
    nb = nbformat.read(input_path, as_version=4)
    for cell in nb.cells:
        cell.metadata["papermill"] = {"status": "pending", "start_time": None}
    nbformat.write(nb, output_path)
    raise RuntimeError("Kernel died before replying to kernel_info")


def dies_in_a_cell(input_path, output_path, **kwargs):
    """The kernel starts, runs the first cell, then dies: not a start-up failure."""
    nb = nbformat.read(input_path, as_version=4)
    for i, cell in enumerate(nb.cells):
        cell.metadata["papermill"] = {
            "status": "running" if i == 1 else "pending",
            "start_time": None,
        }
    nbformat.write(nb, output_path)
    raise RuntimeError("Kernel died")


def half_then_interrupted(input_path, output_path, **kwargs):
    """Writes half a notebook, then the user presses Ctrl-C."""
    Path(output_path).write_text('{"cells": [')
    raise KeyboardInterrupt


# --- Workspace -----------------------------------------------------------------------------------


def make_workspace(root: Path) -> Path:
    """A params folder (the real one plus the council "Fail") and a one-row extract; returns the
    params folder."""
    params = root / "params"
    shutil.copytree(REPO / "params", params, ignore=shutil.ignore_patterns("commentary"))
    (params / "settings.yaml").write_text("data_dir: data\noutputs_dir: outputs\n")
    with open(params / "councils.yaml", "a", encoding="utf-8") as handle:
        handle.write(FAIL_COUNCIL)
    data = root / "data"
    data.mkdir()
    (data / "court_reports.csv").write_text(
        "report_id,council,person_id,report_type,requested_date,due_date,submitted_date\n"
        "R1,Fife,PERSON-AAA,CJSWR,2025-07-01,2025-07-20,2025-07-18\n"
    )
    (data / "manifest.json").write_text('{"extract_date": "2025-10-05"}\n')
    return params


def leftovers(folder: Path) -> list[str]:
    """Temporary files left in a folder (jswlib.core.io names them .<name>.<random>.tmp)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def index_counts(index: str, council: str) -> list[str]:
    """The count cells of a council's row in index.html, in column order."""
    row = re.search(rf'<tr><th scope="row">{council}</th>(.*?)</tr>', index)
    assert row is not None, council
    return re.findall(r'<td class="count">(.*?)</td>', row.group(1))


def manifest_entries(out: Path) -> dict[str, dict]:
    return {e["slug"]: e for e in json.loads((out / "manifest.json").read_text())["councils"]}


# --- The real run: papermill, a kernel per council, two workers ----------------------------------


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    """Fife, Angus and Fail run for real with two workers; the outputs go to the default folder."""
    root = tmp_path_factory.mktemp("batch")
    params = make_workspace(root)
    result = run_batch(
        QUARTER,
        ["Fife", "Angus", "Fail"],
        params=params,
        notebook=FIXTURE,
        kpi_table=fake_kpis,
        workers=2,
        progress=False,
        retry_delay=0.5,
    )
    return SimpleNamespace(root=root, params=params, result=result, out=result.out_dir)


class TestOutputs:
    def test_every_council_has_its_files_in_the_quarter_folder(self, real_run):
        out = real_run.out
        assert out == real_run.root / "outputs" / OUT
        for slug in ("fife", "angus"):
            for name in (f"{slug}.html", f"{slug}.ipynb", f"{slug}-kpis.csv", f"{slug}-kpis.xlsx"):
                assert (out / name).is_file(), name
        assert (out / "index.html").is_file() and (out / "manifest.json").is_file()
        assert leftovers(out) == []

    def test_kpi_files_hold_the_kpi_table(self, real_run):
        csv = pd.read_csv(real_run.out / "fife-kpis.csv")
        xlsx = pd.read_excel(real_run.out / "fife-kpis.xlsx")
        assert list(csv["rag"]) == FAKE_RAG["Fife"] and list(xlsx["rag"]) == FAKE_RAG["Fife"]
        assert set(csv["audience"]) == {"internal"}

    def test_notebook_ran_with_the_parameters(self, real_run):
        page = (real_run.out / "fife.html").read_text()
        assert "Report for Fife, Q2 2025/26, audience internal" in page

    def test_html_shows_no_code(self, real_run):
        page = (real_run.out / "fife.html").read_text()
        assert "FIXTURE-CODE-MARKER" not in page
        assert "display(Image" not in page and "council = " not in page
        assert not re.search(r'class="[^"]*(jp-InputPrompt|jp-OutputPrompt|cm-editor)', page)

    def test_html_refers_to_no_other_host(self, real_run):
        for slug in ("fife", "angus", "fail"):
            page = (real_run.out / f"{slug}.html").read_text()
            attributes = re.findall(
                r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]*)""", page, flags=re.IGNORECASE
            )
            assert attributes, "the page has links and images"
            assert not [
                a for a in attributes if "http://" in a or "https://" in a or a.startswith("//")
            ]
            assert not re.search(r"<script\b[^>]*\bsrc\s*=", page, flags=re.IGNORECASE)
            assert external_references(page) == []
            # Not even a module script importing from a CDN
            assert "<script" not in page and "cdnjs" not in page

    def test_images_are_embedded(self, real_run):
        page = (real_run.out / "fife.html").read_text()
        # one from the Markdown cell (pixel.png beside the notebook), one displayed by a code cell
        assert page.count('src="data:image/png;base64,') == 2
        assert 'src="pixel.png"' not in page

    def test_page_is_styled_for_screen_and_print(self, real_run):
        page = (real_run.out / "fife.html").read_text()
        assert '<html lang="en">' in page
        assert "<title>Justice Social Work performance: Fife, Q2 2025/26</title>" in page
        assert "max-width: 60rem" in page and "system-ui" in page
        assert "@media print" in page and "page-break-inside: avoid" in page


class TestFailureIsolation:
    def test_the_others_complete(self, real_run):
        status = {o.name: o.status for o in real_run.result.outcomes}
        assert status == {"Angus": "ok", "Fife": "ok", "Fail": "failed"}

    def test_failed_council_keeps_its_notebook_with_the_error(self, real_run):
        nb = json.loads((real_run.out / "fail.ipynb").read_text())
        errors = [
            o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"
        ]
        found = [(e["ename"], e["evalue"]) for e in errors]
        assert found == [("RuntimeError", "Deliberate failure for the batch tests")]

    def test_failed_council_has_an_html_page_showing_the_error(self, real_run):
        page = (real_run.out / "fail.html").read_text()
        assert "Deliberate failure for the batch tests" in page

    def test_failed_council_has_no_kpi_files(self, real_run):
        assert (
            not (real_run.out / "fail-kpis.csv").exists()
            and not (real_run.out / "fail-kpis.xlsx").exists()
        )

    def test_index_lists_the_failure_with_its_error(self, real_run):
        index = (real_run.out / "index.html").read_text()
        failures = index.split('<h2 id="failures">', 1)[1]
        assert (
            "<strong>Fail</strong>: RuntimeError: Deliberate failure for the batch tests"
            in failures
        )
        assert "Fife" not in failures and "Angus" not in failures

    def test_exit_code_is_1(self, real_run):
        assert not real_run.result.succeeded

    def test_a_cell_error_is_not_retried(self, real_run):
        assert manifest_entries(real_run.out)["fail"]["attempts"] == 1


@pytest.fixture(scope="module")
def manifest(real_run):
    return json.loads((real_run.out / "manifest.json").read_text())


class TestManifest:
    def test_parameters(self, manifest, real_run):
        p = manifest["parameters"]
        assert p["quarter"] == QUARTER and p["councils"] == ["Angus", "Fife", "Fail"]
        assert p["audience"] == "internal" and p["workers"] == 2 and p["force"] is False
        assert p["notebook"] == str(FIXTURE) and p["kpi_table"] == "tests.test_batch.fake_kpis"
        assert Path(p["data_dir"]) == real_run.root / "data"

    def test_data_fingerprint_is_that_of_the_results(self, manifest, real_run):
        assert manifest["data"]["fingerprint"] == fingerprint(
            real_run.root / "data", real_run.params
        )
        assert manifest["data"]["as_at"] == "2025-10-05"

    def test_package_versions(self, manifest):
        wanted = {"python", "jswlib", "pandas", "numpy", "matplotlib", "papermill", "nbconvert"}
        assert wanted <= set(manifest["versions"])
        assert manifest["versions"]["pandas"] == pd.__version__

    def test_times(self, manifest):
        started, finished = (datetime.fromisoformat(manifest[k]) for k in ("started", "finished"))
        assert started <= finished
        assert manifest["seconds"]["total"] >= manifest["seconds"]["run"] > 0
        assert all(e["seconds"] > 0 for e in manifest["councils"])

    def test_outcome_and_inputs_fingerprint_per_council(self, manifest):
        entries = {e["slug"]: e for e in manifest["councils"]}
        assert {s: e["outcome"] for s, e in entries.items()} == {
            "angus": "ok",
            "fife": "ok",
            "fail": "failed",
        }
        assert entries["fail"]["error"].startswith(
            "RuntimeError: Deliberate failure for the batch tests"
        )
        assert entries["fife"]["error"] is None
        prints = [e["inputs_fingerprint"] for e in entries.values()]
        assert all(re.fullmatch(r"[0-9a-f]{16}", f) for f in prints) and len(set(prints)) == 3
        assert (
            entries["fife"]["inputs"]["quarter"] == QUARTER
            and entries["fife"]["inputs"]["audience"] == "internal"
        )
        assert manifest["summary"] == {"ok": 2, "skipped": 0, "failed": 1}

    def test_each_council_has_its_own_record(self, real_run):
        record = json.loads((real_run.out / ".fife.inputs.json").read_text())
        assert (
            record["outcome"] == "ok"
            and record["inputs_fingerprint"]
            == manifest_entries(real_run.out)["fife"]["inputs_fingerprint"]
        )


class TestIndex:
    def test_counts_of_each_rag_word_from_the_kpi_table(self, real_run):
        index = (real_run.out / "index.html").read_text()
        header = re.findall(r'<th scope="col">(.*?)</th>', index)
        assert header[2:8] == ["Green", "Amber", "Red", "Provisional", "No target", "No data"]
        # FAKE_RAG counted by hand: Fife 3 Green, 1 Amber, 2 Red, 0 Provisional, 0 No target, 1 No
        # data
        assert index_counts(index, "Fife") == ["3", "1", "2", "0", "0", "1"]
        assert index_counts(index, "Angus") == ["1", "2", "0", "0", "1", "0"]
        assert index_counts(index, "Fail") == ["–"] * 6

    def test_links_to_each_report(self, real_run):
        index = (real_run.out / "index.html").read_text()
        for name in (
            "fife.html",
            "fife-kpis.csv",
            "fife-kpis.xlsx",
            "angus.html",
            "fail.html",
            "fail.ipynb",
        ):
            assert f'href="{name}"' in index
        assert external_references(index) == []


# --- Atomic writes: the worker, in this process, without a kernel --------------------------------


def make_task(
    params: Path, out: Path, council: str = "Fife", slug: str = "fife", **kwargs
) -> CouncilTask:
    parameters = {
        "council": council,
        "quarter": QUARTER,
        "data_dir": str(params.parent / "data"),
        "audience": "internal",
        "commentary_file": "",
    }
    return CouncilTask(
        name=council,
        code="S12000047",
        slug=slug,
        notebook=str(FIXTURE),
        out_dir=str(out),
        parameters=parameters,
        params=str(params),
        kpi_table=fake_kpis,
        **{"execute": copy_execute, "retry_delay": 0.0, **kwargs},
    )


class TestAtomicWrites:
    def test_a_write_that_fails_midway_leaves_no_file(self, tmp_path, monkeypatch):
        params = make_workspace(tmp_path)
        out = tmp_path / "out"

        def half_then_disk_full(frame, path, **kwargs):
            Path(path).write_bytes(b"PK\x03\x04 half a workbook")
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(pd.DataFrame, "to_excel", half_then_disk_full)
        result = run_council(make_task(params, out))
        assert result["status"] == "failed" and "No space left on device" in result["error"]
        assert not (out / "fife-kpis.xlsx").exists()
        assert not (out / "fife-kpis.csv").exists()  # a failed council has no KPI files
        assert (out / "fife.html").is_file() and (out / "fife.ipynb").is_file()
        assert leftovers(out) == []

    def test_an_interrupted_notebook_run_leaves_the_old_file_and_no_half_file(self, tmp_path):
        params = make_workspace(tmp_path)
        out = tmp_path / "out"
        out.mkdir()
        (out / "fife.ipynb").write_text("complete notebook of an earlier run")
        with pytest.raises(KeyboardInterrupt):
            run_council(make_task(params, out, execute=half_then_interrupted))
        assert (out / "fife.ipynb").read_text() == "complete notebook of an earlier run"
        assert leftovers(out) == []
        assert not (out / "fife.html").exists()

    def test_the_worker_restores_the_params_variable(self, tmp_path, monkeypatch):
        monkeypatch.setenv("JSW_PARAMS", "/somewhere/else")
        params = make_workspace(tmp_path)
        run_council(make_task(params, tmp_path / "out"))
        assert os.environ["JSW_PARAMS"] == "/somewhere/else"


# --- Skipping: whole batches with papermill replaced by copy_execute -----------------------------


@pytest.fixture
def quick(tmp_path, monkeypatch):
    """run_batch on a fresh workspace without kernels; load_results replaced by a stub that counts
    its calls."""
    params = make_workspace(tmp_path)
    calls = []

    def fake_results(data_dir, params=None, **kwargs):
        calls.append(data_dir)
        return SimpleNamespace(
            fingerprint="0123456789abcdef", as_at=date(2025, 10, 5), problems=()
        )

    monkeypatch.setattr(batch, "load_results", fake_results)

    def run(councils=("Fife", "Angus"), **kwargs):
        options = dict(
            params=params,
            notebook=FIXTURE,
            kpi_table=fake_kpis,
            execute=copy_execute,
            workers=2,
            progress=False,
            retry_delay=0.0,
        )
        options.update(kwargs)
        result = run_batch(QUARTER, list(councils), **options)
        return {o.slug: o.status for o in result.outcomes}, result

    return SimpleNamespace(run=run, params=params, calls=calls, out=tmp_path / "outputs" / OUT)


class TestKpiMatrix:
    def test_index_shows_councils_by_headline_kpis(self, quick):
        quick.run()
        index = (quick.out / "index.html").read_text()
        assert "Headline KPIs by council" in index and 'href="index-kpis.csv"' in index
        # Fife's first KPI: 50%, Green, common cause, hit and miss (from the fake KPI table).
        row = re.search(
            r"<tr><th scope=\"row\">Fife</th>(.*?)</tr>", index.split('class="matrix"')[1]
        )
        first = re.findall(r"<td>(.*?)</td>", row.group(1))[0]
        assert first.split("<br>") == [
            "50%",
            "Green",
            "~ Common cause variation",
            "? Target hit and miss, subject to random variation",
        ]

    def test_matrix_csv_one_row_per_council_and_kpi(self, quick):
        quick.run()
        matrix = pd.read_csv(quick.out / "index-kpis.csv")
        assert list(matrix.columns) == [
            "council",
            "indicator",
            "kpi",
            "latest",
            "rag",
            "variation",
            "assurance",
        ]
        # Fife 7 KPIs and Angus 4, councils in the order of params/councils.yaml, never ranked.
        assert len(matrix) == 11
        assert matrix.loc[matrix["council"] == "Fife", "rag"].tolist() == FAKE_RAG["Fife"]

    def test_skipped_councils_stay_in_the_matrix(self, quick):
        quick.run()
        quick.run()
        assert len(pd.read_csv(quick.out / "index-kpis.csv")) == 11


class TestNational:
    def test_the_national_overview_is_produced_and_linked(self, quick):
        _, result = quick.run(national=True)
        assert result.national["outcome"] == "ok" and result.succeeded
        assert (quick.out / "national-overview.html").is_file()
        assert (quick.out / "national-overview.ipynb").is_file()
        assert 'href="national-overview.html"' in (quick.out / "index.html").read_text()
        manifest = json.loads((quick.out / "manifest.json").read_text())
        assert manifest["national"]["files"]["html"] == "national-overview.html"

    def test_not_asked_for(self, quick):
        _, result = quick.run()
        assert result.national is None
        assert not (quick.out / "national-overview.html").exists()

    def test_summary_names_the_page(self, quick):
        _, result = quick.run(national=True)
        lines = cli_batch.summary_lines(result)
        assert any(line.startswith("National overview: ") for line in lines)


class TestSkipping:
    def test_second_run_skips_every_council(self, quick):
        first, _ = quick.run()
        second, result = quick.run()
        assert first == {"fife": "ok", "angus": "ok"}
        assert second == {"fife": "skipped", "angus": "skipped"} and result.succeeded
        assert result.workers == 0
        assert len(quick.calls) == 2  # results loaded once per batch, by the parent

    def test_skipped_councils_keep_their_counts_in_the_index_and_manifest(self, quick):
        quick.run()
        quick.run()
        index = (quick.out / "index.html").read_text()
        assert index_counts(index, "Fife") == ["3", "1", "2", "0", "0", "1"]
        assert "Up to date (not re-run)" in index
        entries = manifest_entries(quick.out)
        assert entries["fife"]["outcome"] == "skipped" and entries["fife"]["counts"]["Red"] == 2

    def test_new_or_changed_commentary_reruns_that_council(self, quick):
        quick.run()
        commentary = quick.params / "commentary" / "fife" / f"{FOLDER}.md"
        commentary.parent.mkdir(parents=True)
        commentary.write_text("## Achievements\n\n- Reports on time.\n")
        assert quick.run()[0] == {"fife": "ok", "angus": "skipped"}
        assert quick.run()[0] == {"fife": "skipped", "angus": "skipped"}
        commentary.write_text("## Achievements\n\n- Reports on time, and more.\n")
        assert quick.run()[0] == {"fife": "ok", "angus": "skipped"}

    def test_another_audience_runs_in_its_own_folder(self, quick):
        quick.run()
        assert quick.run(audience="public")[0] == {"fife": "ok", "angus": "ok"}
        public = quick.out.parent / "public"
        assert set(pd.read_csv(public / "fife-kpis.csv")["audience"]) == {"public"}
        # The internal reports are still there, untouched, with an index of their own
        assert set(pd.read_csv(quick.out / "fife-kpis.csv")["audience"]) == {"internal"}
        assert (quick.out / "index.html").is_file() and (public / "index.html").is_file()
        assert "Internal: not for publication" in (quick.out / "index.html").read_text()
        assert "Internal: not for publication" not in (public / "index.html").read_text()
        # A public folder names no machine's paths: its manifest gives the data, params and
        # output folders by name (the workspace is outside the checkout), the internal one whole.
        shown = json.loads((public / "manifest.json").read_text())["parameters"]
        assert (shown["params"], shown["out_dir"]) == ("params", "public")
        assert "/" not in shown["data_dir"] and not shown["notebook"].startswith("/")
        internal = json.loads((quick.out / "manifest.json").read_text())["parameters"]
        assert internal["params"] == str(quick.params.resolve())

    def test_force_reruns_every_council(self, quick):
        quick.run()
        assert quick.run(force=True)[0] == {"fife": "ok", "angus": "ok"}

    def test_a_missing_output_reruns_that_council(self, quick):
        quick.run()
        (quick.out / "angus-kpis.xlsx").unlink()
        assert quick.run()[0] == {"fife": "skipped", "angus": "ok"}

    def test_a_failed_council_is_redone_and_the_others_skipped(self, quick):
        first, result = quick.run(("Fife", "Fail"))
        assert first == {"fife": "ok", "fail": "failed"} and not result.succeeded
        second, result = quick.run(("Fife", "Fail"))
        assert second == {"fife": "skipped", "fail": "failed"} and not result.succeeded

    def test_the_manifest_record_alone_is_enough_to_skip(self, quick):
        quick.run()
        for record in quick.out.glob(".*.inputs.json"):
            record.unlink()
        assert quick.run()[0] == {"fife": "skipped", "angus": "skipped"}

    def test_index_and_manifest_keep_councils_run_earlier(self, quick):
        quick.run()
        assert quick.run(("Angus",), force=True)[0] == {"angus": "ok"}
        entries = manifest_entries(quick.out)
        assert entries["fife"]["this_run"] is False and entries["fife"]["outcome"] == "ok"
        assert entries["angus"]["this_run"] is True
        assert index_counts((quick.out / "index.html").read_text(), "Fife") == [
            "3",
            "1",
            "2",
            "0",
            "0",
            "1",
        ]


# --- Retries -------------------------------------------------------------------------------------


class TestRetry:
    def test_a_kernel_that_fails_to_start_once_is_retried(self, tmp_path, monkeypatch):
        monkeypatch.setenv(FLAKY_MARKER, str(tmp_path / "flaky-marker"))
        params = make_workspace(tmp_path)
        result = run_batch(
            QUARTER,
            ["Fife"],
            params=params,
            notebook=FIXTURE,
            kpi_table=fake_kpis,
            execute=flaky_execute,
            workers=1,
            progress=False,
            retry_delay=0.1,
        )
        assert [(o.status, o.attempts) for o in result.outcomes] == [("ok", 2)]
        assert manifest_entries(result.out_dir)["fife"]["attempts"] == 2
        assert "Report for Fife" in (result.out_dir / "fife.html").read_text()

    def test_a_kernel_that_never_starts_fails_after_three_attempts(self, tmp_path):
        params = make_workspace(tmp_path)
        out = tmp_path / "out"
        result = run_council(make_task(params, out, execute=never_starts))
        assert result["status"] == "failed" and result["attempts"] == 3
        assert (
            "did not start (3 attempts)" in result["error"]
            and "Kernel died before replying" in result["error"]
        )
        assert not (out / "fife.ipynb").exists() and leftovers(out) == []

    def test_a_kernel_that_dies_after_a_cell_ran_is_not_retried(self, tmp_path):
        params = make_workspace(tmp_path)
        result = run_council(make_task(params, tmp_path / "out", execute=dies_in_a_cell))
        assert result["status"] == "failed" and result["attempts"] == 1
        assert result["error"] == "RuntimeError: Kernel died"

    def test_a_cell_error_is_not_retried_and_the_notebook_is_kept(self, tmp_path):
        params = make_workspace(tmp_path)
        out = tmp_path / "out"
        result = run_council(make_task(params, out, council="Fail", slug="fail"))
        assert result["status"] == "failed" and result["attempts"] == 1
        assert result["error"] == "RuntimeError: Deliberate failure (in cell [1])"
        assert (out / "fail.ipynb").is_file() and "Deliberate failure" in (
            out / "fail.html"
        ).read_text()


# --- Checks before anything runs -----------------------------------------------------------------


class TestChecksFirst:
    @pytest.fixture
    def params(self, tmp_path, monkeypatch):
        def must_not_load(*args, **kwargs):
            raise AssertionError("the results must not be loaded when the arguments are wrong")

        monkeypatch.setattr(batch, "load_results", must_not_load)
        return make_workspace(tmp_path)

    @pytest.mark.parametrize("quarter", ["Q5 2025/26", "H1 2025/26", "2025"])
    def test_a_quarter_that_cannot_be_read(self, params, quarter):
        with pytest.raises(InputError, match=r"quarter .*: .*'Q2 2025/26'"):
            run_batch(quarter, ["Fife"], params=params, notebook=FIXTURE)

    def test_a_blank_quarter_asks_for_the_latest_complete_one(self, params, monkeypatch):
        asked = []

        def results(data_dir, params_dir, **kwargs):
            asked.append(params_dir)
            return "the results"

        def latest(results):
            assert results == "the results"
            return "Q5 2025/26"  # not a quarter: proves the answer is used and then checked

        monkeypatch.setattr(batch, "load_results", results)
        monkeypatch.setattr(batch, "latest_complete_quarter", latest)
        with pytest.raises(InputError, match=r"quarter .*: .*Q5 2025/26"):
            run_batch("", ["Fife"], params=params, notebook=FIXTURE)
        assert asked == [params]

    def test_every_unknown_council_is_named(self, params):
        with pytest.raises(InputError, match=r"unknown councils 'Gotham', 'Atlantis'"):
            run_batch(QUARTER, ["Fife", "Gotham", "Atlantis"], params=params, notebook=FIXTURE)

    def test_an_unknown_audience(self, params):
        with pytest.raises(InputError, match="audience 'everyone'"):
            run_batch(QUARTER, ["Fife"], params=params, notebook=FIXTURE, audience="everyone")

    def test_no_workers(self, params):
        with pytest.raises(InputError, match="workers 0"):
            run_batch(QUARTER, ["Fife"], params=params, notebook=FIXTURE, workers=0)

    def test_a_missing_notebook(self, params, tmp_path):
        with pytest.raises(InputError, match="notebook not found"):
            run_batch(QUARTER, ["Fife"], params=params, notebook=tmp_path / "nowhere.ipynb")

    def test_a_missing_data_folder(self, params, tmp_path):
        with pytest.raises(InputError, match="data folder not found"):
            run_batch(
                QUARTER, ["Fife"], params=params, notebook=FIXTURE, data_dir=tmp_path / "no-data"
            )


class TestQuarterFolderName:
    @pytest.mark.parametrize(
        ("quarter", "folder"),
        [
            ("Q2 2025/26", "2025-26-Q2"),
            ("2025Q2", "2025-26-Q2"),
            ("Q4 2025/26", "2025-26-Q4"),
            ("Q1 1999/00", "1999-00-Q1"),
            ("2025-26 Q3", "2025-26-Q3"),
        ],
    )
    def test_folder_name(self, quarter, folder):
        assert quarter_slug(quarter) == folder


# --- The command ---------------------------------------------------------------------------------


def parse(argv):
    parser = argparse.ArgumentParser(prog="jsw")
    parser.add_argument("--params", default=None)
    add_batch_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


class TestCommand:
    def test_options(self):
        args = parse(
            [
                "batch",
                "--quarter",
                QUARTER,
                "--council",
                "Fife",
                "Angus",
                "--council",
                "West Lothian",
                "--data",
                "d",
                "--audience",
                "public",
                "--workers",
                "3",
                "--force",
                "--out",
                "o",
            ]
        )
        assert args.council == ["Fife", "Angus", "West Lothian"]
        assert (args.quarter, args.data, args.audience, args.workers, args.force, args.out) == (
            QUARTER,
            "d",
            "public",
            3,
            True,
            "o",
        )
        assert args.func is cmd_batch
        assert parse(["batch", "--national"]).national is True

    def test_defaults(self):
        args = parse(["batch", "--quarter", QUARTER])
        assert (args.council, args.data, args.audience, args.workers, args.force, args.out) == (
            None,
            None,
            "internal",
            None,
            False,
            None,
        )

    def test_quarter_defaults_to_latest_and_audience_is_checked(self, capsys):
        assert parse(["batch"]).quarter == ""  # blank: the latest complete quarter in the data
        with pytest.raises(SystemExit):
            parse(["batch", "--quarter", QUARTER, "--audience", "everyone"])

    def test_prints_the_summary_and_exits_1_on_a_failure(self, monkeypatch, capsys, tmp_path):
        seen = {}

        def fake_run_batch(quarter, councils, **kwargs):
            seen.update(kwargs, quarter=quarter, councils=councils)

            def outcome(name, status, error=None):
                return CouncilOutcome(
                    name, "S12", name.lower(), status, error, "0" * 16, 1.0, 1, None, {}
                )

            return BatchResult(
                QUARTER,
                tmp_path,
                tmp_path / "index.html",
                tmp_path / "manifest.json",
                (
                    outcome("Fife", "ok"),
                    outcome("Angus", "skipped"),
                    outcome("Fail", "failed", "RuntimeError: boom"),
                ),
                75.0,
                "f" * 16,
                2,
            )

        monkeypatch.setattr(cli_batch, "run_batch", fake_run_batch)
        code = cmd_batch(
            parse(
                [
                    "--params",
                    "p",
                    "batch",
                    "--quarter",
                    QUARTER,
                    "--council",
                    "Fife",
                    "--workers",
                    "2",
                ]
            )
        )
        printed = capsys.readouterr().out
        assert code == EXIT_DATA
        assert (
            "Q2 2025/26: 1 report produced, 1 up to date (skipped), 1 failed, in 1 min 15 s (2 "
            "workers)" in printed
        )
        assert "  Fail: RuntimeError: boom" in printed
        assert f"Index: {tmp_path / 'index.html'}" in printed
        assert seen["councils"] == ["Fife"] and seen["workers"] == 2 and seen["params"] == "p"

    def test_exit_0_when_nothing_failed(self, monkeypatch, tmp_path):
        def fake_run_batch(quarter, councils, **kwargs):
            return BatchResult(
                QUARTER,
                tmp_path,
                tmp_path / "index.html",
                tmp_path / "manifest.json",
                (),
                0.5,
                "f",
            )

        monkeypatch.setattr(cli_batch, "run_batch", fake_run_batch)
        assert cmd_batch(parse(["batch", "--quarter", QUARTER])) == EXIT_OK


# --- Faults and bad input (issue 9) --------------------------------------------------------------


def disk_full_execute(input_path, output_path, **kwargs):
    """Papermill on a full disk: the output notebook cannot be written."""
    raise OSError(28, "No space left on device")


def quick_run(params, councils=("Fife", "Angus"), **kwargs):
    options = dict(
        params=params,
        notebook=FIXTURE,
        kpi_table=fake_kpis,
        execute=copy_execute,
        workers=1,
        progress=False,
        retry_delay=0.0,
    )
    options.update(kwargs)
    return run_batch(QUARTER, list(councils), **options)


class TestPartialData:
    def test_a_table_with_a_file_level_error_fails_every_council(self, tmp_path, capsys):
        # cpos.csv without its council column: before the fix the batch said "0 failed" and
        # exited 0 with four KPIs at "No data".
        params = make_workspace(tmp_path)
        (tmp_path / "data" / "cpos.csv").write_text(
            "order_id,person_id,imposed_date\nC1,PERSON-AAA,2025-07-01\n"
        )
        result = quick_run(params)
        assert [o.status for o in result.outcomes] == ["failed", "failed"]
        assert all("cpos.csv" in o.error and "council" in o.error for o in result.outcomes)
        index = result.index.read_text()
        assert "cpos.csv" in index
        entries = manifest_entries(result.out_dir)
        assert entries["fife"]["outcome"] == "failed" and "cpos.csv" in entries["fife"]["error"]
        assert not (result.out_dir / "fife.html").exists()  # no report on partial data
        lines = "\n".join(cli_batch.summary_lines(result))
        assert "2 failed" in lines and "cpos.csv" in lines


class TestOutputFaults:
    def test_a_read_only_output_folder_is_found_before_any_notebook_runs(
        self, tmp_path, monkeypatch
    ):
        from jswlib.core import io as core_io
        from jswlib.core.errors import OutputError

        params = make_workspace(tmp_path)
        real = core_io.tempfile.mkstemp

        def read_only(*args, dir=None, **kwargs):
            if str(dir).startswith(str(tmp_path / "outputs")):
                raise OSError(30, "Read-only file system")
            return real(*args, dir=dir, **kwargs)

        monkeypatch.setattr(core_io.tempfile, "mkstemp", read_only)
        monkeypatch.setattr(batch, "load_results", lambda *a, **k: pytest.fail("results loaded"))
        with pytest.raises(OutputError, match="Read-only"):
            quick_run(params)

    def test_out_pointing_at_a_file(self, tmp_path):
        from jswlib.core.errors import OutputError

        params = make_workspace(tmp_path)
        (tmp_path / "out.html").write_text("a file")
        with pytest.raises(OutputError, match="not a folder"):
            quick_run(params, out_dir=tmp_path / "out.html")

    def test_a_full_disk_is_not_retried_and_keeps_the_previous_kpi_files(self, tmp_path):
        params = make_workspace(tmp_path)
        first = quick_run(params, ["Fife"])
        kpis = first.out_dir / "fife-kpis.csv"
        before = kpis.read_text()
        second = quick_run(params, ["Fife"], force=True, execute=disk_full_execute)
        (fife,) = second.outcomes
        assert fife.status == "failed" and "no space left" in fife.error.lower()
        assert fife.attempts == 1  # not "the kernel did not start" after three attempts
        assert kpis.read_text() == before
        assert (first.out_dir / "fife.html").is_file()


class TestLockAndTemporaries:
    def test_a_second_batch_on_the_same_folder_is_refused(self, tmp_path):
        from jswlib.core import io as core_io

        params = make_workspace(tmp_path)
        out = tmp_path / "outputs" / OUT
        with (
            core_io.folder_lock(out, "jsw batch"),
            pytest.raises(InputError, match="another jsw batch"),
        ):
            quick_run(params)
        assert quick_run(params).succeeded  # the lock is gone with its holder

    def test_temporary_files_of_a_crashed_run_are_removed(self, tmp_path):
        params = make_workspace(tmp_path)
        out = tmp_path / "outputs" / OUT
        out.mkdir(parents=True)
        (out / ".fife.html.x1y2z3_a.tmp").write_text("half a page")
        quick_run(params)
        assert leftovers(out) == []


class TestCommentaryImages:
    def test_an_image_from_another_host_becomes_a_link(self):
        from jswlib.present.report import render_commentary

        page = render_commentary(
            "Our chart: ![caseload](https://tracker.example/pixel.png) and "
            "![local](data:image/png;base64,AAAA)"
        )
        assert "<img" in page and 'src="data:image/png;base64,AAAA"' in page  # kept
        assert 'src="https://tracker.example' not in page
        assert 'href="https://tracker.example/pixel.png"' in page
        assert external_references(page) == ['href="https://tracker.example/pixel.png']

    def test_warnings_are_shown_in_the_index(self):
        from jswlib.present.pages import render_index

        entry = {
            "council": "Fife",
            "slug": "fife",
            "outcome": "ok",
            "files": {"html": "fife.html"},
            "warnings": ['fife.html refers to another host: href="https://tracker.example/x.png'],
        }
        page = render_index(QUARTER, [entry], {"summary": {}})
        assert "tracker.example" in page and "Warnings" in page


class TestNotebookParameters:
    def test_an_unknown_parameter_is_refused_with_a_suggestion(self):
        from jswlib.run.notebook_parameters import check_parameters

        with pytest.raises(InputError, match=r"'councl'.*did you mean council"):
            check_parameters(REPO / "notebooks" / "quarterly_report.ipynb", {"councl": "Fife"})

    def test_known_parameters_pass(self):
        from jswlib.run.notebook_parameters import check_parameters

        check_parameters(
            REPO / "notebooks" / "quarterly_report.ipynb",
            {"council": "Fife", "quarter": QUARTER, "encoding": "cp1252"},
        )

    def test_inside_the_notebook_an_injected_unknown_name_is_refused(self):
        from jswlib.run.notebook_parameters import check_namespace

        # What the kernel's namespace holds after papermill injected "-p councl Fife".
        namespace = {"council": "Glasgow City", "quarter": "", "councl": "Fife", "In": [], "_": 1}
        with pytest.raises(InputError, match="councl"):
            check_namespace(namespace, "quarterly_report")
        del namespace["councl"]
        check_namespace(namespace, "quarterly_report")

    def test_the_batch_checks_its_parameters_before_running(self, tmp_path):
        nb = nbformat.read(FIXTURE, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        code[0].source = code[0].source.replace("council", "name_of_council")
        changed = tmp_path / "report.ipynb"
        nbformat.write(nb, changed)
        params = make_workspace(tmp_path)
        with pytest.raises(InputError, match="council"):
            quick_run(params, notebook=changed)


SLOW_MODULE = """
import os, sys, time
from pathlib import Path

def slow_execute(input_path, output_path, parameters=None, **kwargs):
    marks = Path(os.environ["JSW_TEST_MARKS"])
    (marks / f"{os.getpid()}.started").write_text(parameters["council"])
    time.sleep(3)
    (marks / f"{os.getpid()}.late").write_text("written after the parent was killed")
    raise RuntimeError("too late")
"""

KILLED_SCRIPT = """
import sys
sys.path.insert(0, sys.argv[1])
from slowmod import slow_execute
from tests.test_batch import FIXTURE, QUARTER, fake_kpis
from jswlib.run.batch import run_batch
run_batch(QUARTER, ["Fife", "Angus"], params=sys.argv[2], notebook=FIXTURE, kpi_table=fake_kpis,
          execute=slow_execute, workers=2, progress=False, start_attempts=1)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in state  # a zombie has died


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
class TestKilledBatch:
    def test_workers_die_with_the_batch_and_write_nothing_after(self, tmp_path):
        import signal
        import subprocess
        import sys
        import time

        params = make_workspace(tmp_path)
        (tmp_path / "mod").mkdir()
        (tmp_path / "mod" / "slowmod.py").write_text(SLOW_MODULE)
        marks = tmp_path / "marks"
        marks.mkdir()
        env = dict(os.environ, JSW_TEST_MARKS=str(marks), PYTHONPATH=str(REPO))
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED_SCRIPT, str(tmp_path / "mod"), str(params)],
            cwd=REPO,
            env=env,
        )
        try:
            deadline = time.monotonic() + 60
            while len(list(marks.glob("*.started"))) < 2:
                assert proc.poll() is None, "the batch ended before its workers started"
                assert time.monotonic() < deadline, "the workers never started"
                time.sleep(0.1)
            workers = [int(p.name.split(".")[0]) for p in marks.glob("*.started")]
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            deadline = time.monotonic() + 2
            while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not [pid for pid in workers if _alive(pid)], "workers outlived the batch"
            time.sleep(3.5)  # past the moment the workers would have written
            assert list(marks.glob("*.late")) == []
            out = tmp_path / "outputs" / OUT
            written = sorted(p.name for p in out.iterdir()) if out.exists() else []
            # Only empty temporary files of the notebooks that were running: nothing that looks
            # like a report, and the next run removes them (the lock file is .jsw.lock).
            assert [n for n in written if not n.endswith(".tmp") and n != ".jsw.lock"] == []
            from jswlib.core import io as core_io

            core_io.remove_stale_temporaries(out)
            assert leftovers(out) == [] if out.exists() else True
        finally:
            if proc.poll() is None:
                proc.kill()
            for pid in [int(p.name.split(".")[0]) for p in marks.glob("*.started")]:
                if _alive(pid):
                    os.kill(pid, signal.SIGKILL)


# --- Back-runs: several quarters in one pool of workers and warm kernels -------------------------

KERNEL_PID = 'import os\nprint("KERNEL", os.getpid())'


def _pid_notebook(folder: Path) -> Path:
    """The report's parameters, then a cell printing the process id of the kernel running it."""
    nb = nbformat.read(FIXTURE, as_version=4)
    nb.cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    nb.cells.append(nbformat.v4.new_code_cell(KERNEL_PID))
    path = folder / "pid.ipynb"
    nbformat.write(nb, path)
    return path


def _kernel_pids(results: list[BatchResult]) -> set[int]:
    pids = set()
    for result in results:
        for outcome in result.outcomes:
            nb = json.loads((result.out_dir / outcome.files["ipynb"]).read_text())
            text = "".join(nb["cells"][-1]["outputs"][0]["text"])
            pids.add(int(text.split()[1]))
    return pids


class TestBackRun:
    QUARTERS = ["Q1 2025/26", "Q2 2025/26"]

    def test_the_quarters_share_one_warm_kernel(self, tmp_path):
        params = make_workspace(tmp_path)
        options = dict(
            params=params,
            notebook=_pid_notebook(tmp_path),
            kpi_table=fake_kpis,
            workers=1,
            progress=False,
            engine="warm",
        )
        shared = batch.run_batches(
            self.QUARTERS, ["Fife", "Angus"], out_dir=tmp_path / "shared", **options
        )
        assert [r.quarter for r in shared] == self.QUARTERS
        assert all(r.succeeded for r in shared)
        assert shared[0].out_dir == tmp_path / "shared" / "2025-26-Q1" / "internal"
        assert (shared[1].out_dir / "fife.html").is_file()
        # One worker: one warm kernel ran the four reports of the two quarters...
        assert len(_kernel_pids(shared)) == 1
        # ...where a batch per quarter starts a kernel per quarter
        apart = [
            run_batch(q, ["Fife", "Angus"], out_dir=tmp_path / "apart" / q[:2], **options)
            for q in self.QUARTERS
        ]
        assert len(_kernel_pids(apart)) == 2

    def test_quarters_are_checked_before_anything_runs(self, tmp_path):
        with pytest.raises(InputError, match="at least one quarter"):
            batch.run_batches([], ["Fife"])
        with pytest.raises(InputError, match="2025-26-Q2 given more than once"):
            batch.run_batches(["Q2 2025/26", "2025/26 Q2"], ["Fife"])
        with pytest.raises(InputError, match="quarter 'Q5 2025/26'"):
            batch.run_batches(["Q1 2025/26", "Q5 2025/26"], ["Fife"])

    def test_the_command_runs_a_back_run_and_exits_1_when_a_quarter_failed(
        self, monkeypatch, capsys, tmp_path
    ):
        seen = {}

        def fake_run_batches(quarters, councils, **kwargs):
            seen.update(kwargs, quarters=quarters, councils=councils)
            ok = CouncilOutcome("Fife", "S12", "fife", "ok", None, "0" * 16, 1.0, 1, None, {})
            failed = CouncilOutcome(
                "Fife", "S12", "fife", "failed", "RuntimeError: boom", "0" * 16, 1.0, 1, None, {}
            )
            return [
                BatchResult(q, tmp_path, tmp_path / "i.html", tmp_path / "m.json", (o,), 1.0, "f")
                for q, o in zip(quarters, (ok, failed))
            ]

        monkeypatch.setattr(cli_batch, "run_batches", fake_run_batches)
        args = parse(["batch", "--quarters", *self.QUARTERS, "--council", "Fife", "--out", "o"])
        assert args.quarters == self.QUARTERS
        assert cmd_batch(args) == EXIT_DATA
        printed = capsys.readouterr().out
        assert "Q1 2025/26: 1 report produced" in printed
        assert "Q2 2025/26: 0 reports produced, 0 up to date (skipped), 1 failed" in printed
        assert seen["quarters"] == self.QUARTERS and seen["out_dir"] == "o"
        with pytest.raises(InputError, match="--quarter or --quarters"):
            cmd_batch(parse(["batch", "--quarter", QUARTER, "--quarters", QUARTER]))

    def test_a_pool_needs_a_worker(self):
        with pytest.raises(InputError, match="workers 0"), batch.worker_pool(0):
            pass
