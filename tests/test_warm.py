"""The warm engine of jsw batch: the same reports as a fresh kernel per council, and no state carried over.

Two real batches of the quarterly report (Angus and Fife, one worker) on the one-row extract of
``test_batch``, warm and fresh, give the same HTML apart from the identifiers drawn at random in
every run (papermill's id of the injected-parameters cell, pandas' id of a styled table). A state
notebook plants state in the first council's run (a global, an rcParam, an open figure, a replaced
jswlib function, a results-cache entry, an environment variable, sys.path, a pandas option, a
warnings filter, the working directory) and shows the next council, in the same warm kernel, sees
none of it: it sees what a fresh kernel sees. The third council kills its warm kernel, and is run
again in a fresh one.
"""

from __future__ import annotations

import json
import re

import nbformat
import pandas as pd
import pytest

from jswlib.core.errors import InputError
from jswlib.run import worker
from jswlib.run.batch import run_batch

from .conftest import REPO
from .test_batch import QUARTER, fake_kpis, make_workspace, parse

NOTEBOOK = REPO / "notebooks" / "quarterly_report.ipynb"

PARAMETERS = """council = ""
quarter = ""
data_dir = ""
audience = "internal"
commentary_file = \"\""""

PROBE = """import json, os, sys, warnings
import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import jswlib.compute.results as results_module
import jswlib.present.report as report_module
seen = {
    "globals": sorted(k for k in globals() if k.startswith("planted")),
    "linewidth": matplotlib.rcParams["lines.linewidth"],
    "figures": len(plt.get_fignums()),
    "patched": report_module.prepare_report.__name__ != "prepare_report",
    "memo": "planted" in results_module._MEMO,
    "changed_results": any(
        (r.table["numerator"] == 987654).any() for r in results_module._MEMO.values()
    ),
    "changed_definitions": any(
        "planted" in d.councils.family_groups for d in report_module._DEFINITIONS.values()
    ),
    "cwd": os.path.isfile("state.ipynb"),
    "env": os.environ.get("JSW_TEST_PLANTED"),
    "path": "/planted" in sys.path,
    "max_rows": pd.get_option("display.max_rows"),
    "filter": any("jsw planted" in str(getattr(f[1], "pattern", "")) for f in warnings.filters),
    "filters": len(warnings.filters),
    "params": os.environ.get("JSW_PARAMS", "").endswith("params"),
    "count": get_ipython().execution_count,
    "class_patched": report_module.Report.kpi_outputs.__name__ != "kpi_outputs",
    "class_added": hasattr(report_module.Report, "planted"),
    "constant": report_module.QUARTERLY_TABLE_QUARTERS,
    "module_added": hasattr(report_module, "planted_name"),
    "dict_entry": "planted" in results_module.__dict__.get("_MEMO", {}),
    "later_module": getattr(sys.modules.get("jswlib.run.docs"), "planted", None) is not None,
}
print("STATE " + json.dumps(seen))
print("LOADED " + json.dumps([len(results_module._MEMO), len(report_module._DEFINITIONS)]))"""

PLANT = """if council == "Angus":
    planted_global = 1
    matplotlib.rcParams["lines.linewidth"] = 9.0
    plt.figure()
    report_module.prepare_report = lambda *args, **kwargs: None
    for loaded in list(results_module._MEMO.values()):  # what the warm-up loaded, changed
        loaded.table.loc[loaded.table.index[0], "numerator"] = 987654
    for loaded in report_module._DEFINITIONS.values():
        loaded.councils.family_groups["planted"] = "planted"
    results_module._MEMO["planted"] = 1
    report_module.Report.kpi_outputs = lambda self: None
    report_module.Report.planted = 1
    report_module.QUARTERLY_TABLE_QUARTERS = 99
    report_module.planted_name = 1
    import jswlib.run.docs as later_module  # not among the warm imports
    later_module.planted = 1
    os.environ["JSW_TEST_PLANTED"] = "1"
    sys.path.append("/planted")
    pd.set_option("display.max_rows", 3)
    warnings.filterwarnings("ignore", message="jsw planted")
    os.chdir("/")
if council == "Fife" and "_jsw_warm_baseline" in sys.modules:
    os._exit(1)  # the warm kernel dies: the council is run again in a fresh kernel"""


def _notebook(path, *cells):
    """A notebook of the report's parameters cell then ``cells``, written to ``path``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(c) for c in (PARAMETERS, *cells)]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(nb, path)
    return path


def _state_notebook(folder):
    return _notebook(folder / "state.ipynb", PROBE, PLANT)


def _seen(out, slug, what="STATE") -> dict:
    nb = json.loads((out / f"{slug}.ipynb").read_text())
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            for line in "".join(output.get("text", "")).splitlines():
                if line.startswith(what + " "):
                    return json.loads(line[len(what) + 1 :])
    raise AssertionError(f"no {what} printed by {slug}")


@pytest.fixture(scope="module")
def state_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("warm-state")
    params = make_workspace(root)
    notebook = _state_notebook(root)
    result = run_batch(
        QUARTER,
        ["Angus", "Dundee City", "Fife"],
        params=params,
        notebook=notebook,
        kpi_table=fake_kpis,
        workers=1,  # one worker: one warm kernel runs Angus, then Dundee City, then Fife
        progress=False,
        engine="warm",
    )
    entries = {e["slug"]: e for e in json.loads(result.manifest.read_text())["councils"]}
    return result, entries


class TestCleanState:
    def test_every_council_succeeds(self, state_run):
        result, _ = state_run
        assert [(o.name, o.status) for o in result.outcomes] == [
            ("Angus", "ok"),
            ("Dundee City", "ok"),
            ("Fife", "ok"),
        ]

    def test_the_first_council_ran_in_a_clean_kernel(self, state_run):
        result, _ = state_run
        seen = _seen(result.out_dir, "angus")
        assert seen["globals"] == [] and seen["figures"] == 0 and seen["patched"] is False

    def test_nothing_planted_reaches_the_next_council(self, state_run):
        result, entries = state_run
        assert entries["dundee-city"]["engine"] == "warm"  # the same kernel as Angus
        seen = _seen(result.out_dir, "dundee-city")
        assert seen["globals"] == []
        assert seen["linewidth"] != 9.0
        assert seen["figures"] == 0
        assert seen["patched"] is False
        assert seen["memo"] is False
        assert seen["changed_results"] is False and seen["changed_definitions"] is False
        assert seen["class_patched"] is False and seen["class_added"] is False
        assert seen["constant"] == 8 and seen["module_added"] is False
        assert seen["dict_entry"] is False and seen["later_module"] is False
        assert seen["cwd"] is True and seen["path"] is False and seen["env"] is None
        assert seen["max_rows"] != 3 and seen["filter"] is False
        assert seen["params"] is True

    def test_the_batch_inputs_are_loaded_once_per_kernel(self, state_run):
        result, _ = state_run
        # Loaded by the warm-up (the results and definitions of the batch), before Angus ran;
        # Angus changed both in place, and Dundee City got its own untouched copy (above).
        assert _seen(result.out_dir, "angus", "LOADED") == [1, 1]
        assert _seen(result.out_dir, "dundee-city", "LOADED") == [1, 1]
        assert _seen(result.out_dir, "fife", "LOADED") == [0, 0]  # a fresh kernel loads nothing

    def test_the_warm_state_is_the_fresh_state(self, state_run):
        result, entries = state_run
        # Fife killed its warm kernel, so what it saw comes from a fresh kernel.
        assert entries["fife"]["engine"] == "fresh"
        assert _seen(result.out_dir, "dundee-city") == _seen(result.out_dir, "fife")

    def test_a_dead_warm_kernel_is_replaced_and_the_council_retried_fresh(self, state_run):
        _, entries = state_run
        assert entries["fife"]["outcome"] == "ok"
        assert entries["fife"]["warm_error"]  # why the warm run was given up, in one line
        assert entries["angus"]["warm_error"] is None


def _normalised(page: str) -> str:
    """The page without the identifiers every run draws at random."""
    page = re.sub(r"cell-id=[0-9a-f-]+", "cell-id=?", page)  # papermill's injected cell
    return re.sub(r"T_[0-9a-f]{5}", "T_?", page)  # pandas Styler's table id


def _both_engines(root, params, notebook) -> dict:
    """Angus and Fife run with each engine (warm: one kernel runs both councils), by engine."""
    return {
        engine: run_batch(
            QUARTER,
            ["Angus", "Fife"],
            params=params,
            notebook=notebook,
            kpi_table=fake_kpis,
            workers=1 if engine == "warm" else 2,
            progress=False,
            engine=engine,
            out_dir=root / engine,
        )
        for engine in ("warm", "fresh")
    }


@pytest.fixture(scope="module")
def both_engines(tmp_path_factory):
    root = tmp_path_factory.mktemp("warm-fresh")
    params = make_workspace(root)
    with open(root / "data" / "court_reports.csv", "a", encoding="utf-8") as handle:
        handle.write(
            "R2,Angus,PERSON-BBB,CJSWR,2025-08-01,2025-08-20,2025-08-25\n"
            "R3,Angus,PERSON-CCC,CJSWR,2025-04-07,2025-04-28,2025-04-20\n"
            "R4,Fife,PERSON-DDD,CJSWR,2025-05-01,2025-05-20,2025-05-19\n"
        )
    pages = {}
    for engine, result in _both_engines(root, params, NOTEBOOK).items():
        assert not result.failed, [o.error for o in result.failed]
        entries = json.loads(result.manifest.read_text())["councils"]
        assert {e["engine"] for e in entries} == {engine}
        pages[engine] = {
            slug: (result.out_dir / f"{slug}.html").read_text() for slug in ("angus", "fife")
        }
    return pages


class TestSameReports:
    def test_warm_and_fresh_html_are_identical(self, both_engines):
        for slug in ("angus", "fife"):
            warm, fresh = both_engines["warm"][slug], both_engines["fresh"][slug]
            assert _normalised(warm) == _normalised(fresh), slug

    def test_the_reports_differ_between_councils(self, both_engines):
        # The comparison could not fail if the two councils gave the same page
        warm = both_engines["warm"]
        assert _normalised(warm["angus"]) != _normalised(warm["fife"])


class TestEngineOption:
    def test_warm_is_the_default_and_fresh_can_be_chosen(self):
        assert parse(["batch"]).engine == "warm"
        assert parse(["batch", "--engine", "fresh"]).engine == "fresh"

    def test_an_unknown_engine_is_refused(self, tmp_path, capsys):
        with pytest.raises(SystemExit):
            parse(["batch", "--engine", "tepid"])
        with pytest.raises(InputError, match="engine 'tepid'"):
            run_batch(QUARTER, ["Fife"], params=make_workspace(tmp_path), engine="tepid")


def _fife(engine, params, notebook, out_dir, **options):
    """Fife's report of ``notebook`` by one worker with ``engine``, into ``out_dir``."""
    return run_batch(
        QUARTER,
        ["Fife"],
        params=params,
        notebook=notebook,
        kpi_table=fake_kpis,
        workers=1,
        progress=False,
        engine=engine,
        out_dir=out_dir,
        **options,
    )


SIZES = """import glob, json, os
pending = glob.glob(os.path.join(%r, ".*.ipynb.*.tmp"))
print("PENDING " + json.dumps([os.path.getsize(p) for p in pending]))"""


class TestWrittenOnce:
    def test_the_warm_notebook_is_written_when_it_ends_not_after_every_cell(self, tmp_path):
        params = make_workspace(tmp_path)
        out = tmp_path / "out"
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nb.cells = [nbformat.v4.new_code_cell(PARAMETERS), nbformat.v4.new_code_cell("x = 1")]
        nb.cells[0].metadata["tags"] = ["parameters"]
        # The third cell looks at the temporary file the executed notebook goes to
        nb.cells.append(nbformat.v4.new_code_cell(SIZES % str(out / "internal")))
        nbformat.write(nb, tmp_path / "sizes.ipynb")
        sizes = {}
        for engine in ("warm", "fresh"):
            result = _fife(engine, params, tmp_path / "sizes.ipynb", out, force=True)
            text = json.loads((result.out_dir / "fife.ipynb").read_text())["cells"][-1]
            line = "".join(text["outputs"][0]["text"])
            sizes[engine] = json.loads(line[len("PENDING ") :])
        # Fresh: papermill has written the first two cells already; warm: nothing yet (the file
        # that mkstemp made is empty), and the notebook was still written in full at the end.
        assert len(sizes["fresh"]) == 1 and sizes["fresh"][0] > 0
        assert sizes["warm"] == [0]


@pytest.fixture(scope="module")
def kpi_outputs(tmp_path_factory):
    """The real report and KPI outputs of Angus and Fife, warm (written by the kernel from the
    notebook's report) and fresh (written by the worker from a report prepared again)."""
    root = tmp_path_factory.mktemp("warm-kpis")
    params = make_workspace(root)
    results = {}
    for engine in ("warm", "fresh"):
        with pytest.MonkeyPatch.context() as patch:
            if engine == "warm":
                # The workers are forked from this process: in the warm batch the worker may not
                # compute the KPI outputs itself, so they must come from the kernel
                patch.setattr(worker, "_kpis_in_worker", _must_not_run)
            results[engine] = run_batch(
                QUARTER,
                ["Angus", "Fife"],
                params=params,
                notebook=NOTEBOOK,
                workers=1,
                progress=False,
                engine=engine,
                out_dir=root / engine,
            )
    return results


def _must_not_run(*args, **kwargs):
    raise AssertionError("the worker computed the KPI outputs")


class TestKpiOutputsFromTheKernel:
    def test_every_council_succeeds_in_its_engine(self, kpi_outputs):
        for engine, result in kpi_outputs.items():
            assert [o.status for o in result.outcomes] == ["ok", "ok"], [
                o.error for o in result.outcomes
            ]
            entries = json.loads(result.manifest.read_text())["councils"]
            assert {e["engine"] for e in entries} == {engine}

    def test_the_files_are_the_same(self, kpi_outputs):
        warm, fresh = kpi_outputs["warm"].out_dir, kpi_outputs["fresh"].out_dir
        for slug in ("angus", "fife"):
            for name in (f"{slug}-kpis.csv", f"{slug}-figures.csv"):
                assert (warm / name).read_bytes() == (fresh / name).read_bytes(), name
            sheets = [
                pd.read_excel(folder / f"{slug}-kpis.xlsx", sheet_name=None, dtype=str)
                for folder in (warm, fresh)
            ]
            assert sheets[0].keys() == sheets[1].keys()
            for name in sheets[0]:
                pd.testing.assert_frame_equal(sheets[0][name], sheets[1][name])

    def test_the_manifest_and_index_are_the_same(self, kpi_outputs):
        def entries(result):
            return {
                e["slug"]: (e["counts"], e["headline"], e["files"])
                for e in json.loads(result.manifest.read_text())["councils"]
            }

        assert entries(kpi_outputs["warm"]) == entries(kpi_outputs["fresh"])
        assert entries(kpi_outputs["warm"])["fife"][1]  # a headline to compare


class TestOutputsChecked:
    """The warm engine checks the executed notebook against the schema once, whole, instead of
    each output as it arrives; an output that does not conform still fails the council, as a
    fresh kernel fails it."""

    def test_an_invalid_output_fails_as_in_a_fresh_kernel(self, tmp_path):
        params = make_workspace(tmp_path)
        path = _notebook(
            tmp_path / "invalid.ipynb",
            "from IPython.display import display\n"
            'if council == "Angus":\n'
            '    display({"text/html": 5}, raw=True)  # HTML must be text\n',
        )
        outcomes = {
            engine: {e["slug"]: e for e in json.loads(result.manifest.read_text())["councils"]}
            for engine, result in _both_engines(tmp_path, params, path).items()
        }
        warm, fresh = outcomes["warm"], outcomes["fresh"]
        assert warm["angus"]["outcome"] == fresh["angus"]["outcome"] == "failed"
        assert "is not valid" in warm["angus"]["error"]
        assert warm["angus"]["error"] == fresh["angus"]["error"]
        assert "is not valid" in warm["angus"]["warm_error"]  # the whole-notebook check caught it
        assert warm["fife"]["outcome"] == "ok" and warm["fife"]["engine"] == "warm"

    def test_the_check_of_each_output_is_put_back(self):
        from nbformat.v4 import nbbase

        from jswlib.run import warm

        check = nbbase.validate
        with pytest.raises(RuntimeError), warm._outputs_checked_at_the_end():
            assert nbbase.validate is not check
            raise RuntimeError("a cell failed")
        assert nbbase.validate is check
        with pytest.raises(nbformat.ValidationError):
            warm.check_notebook(nbformat.from_dict({"nbformat": 4}))


STREAMS = """import sys
from IPython.display import HTML, display
print("STREAM " + type(sys.stdout).__module__)
print("one")
display(HTML("<b>two</b>"))
print("three", file=sys.stderr)
print("four")
display(HTML("<i>five</i>"))
print("six", end="")
'seven'"""


def _outputs(nb_path) -> list[tuple[str, str]]:
    """(kind, text) of every output of the notebook's last cell, in order."""
    cell = json.loads(nb_path.read_text())["cells"][-1]
    found = []
    for output in cell["outputs"]:
        if output["output_type"] == "stream":
            found.append((output["name"], "".join(output["text"])))
        else:
            data = output["data"]
            found.append(
                (output["output_type"], "".join(data.get("text/html", data["text/plain"])))
            )
    return found


class TestStreams:
    def test_printed_output_and_displays_keep_their_order_in_the_warm_kernel(self, tmp_path):
        params = make_workspace(tmp_path)
        notebook = _notebook(tmp_path / "streams.ipynb", STREAMS)
        outputs = {}
        for engine in ("warm", "fresh"):
            result = _fife(engine, params, notebook, tmp_path / engine)
            assert not result.failed, [o.error for o in result.failed]
            outputs[engine] = _outputs(result.out_dir / "fife.ipynb")
        # The warm kernel writes through its own stream class, the fresh one through IPython's
        assert outputs["warm"][0] == ("stdout", "STREAM jswlib.run.kernel_streams\none\n")
        assert outputs["fresh"][0] == ("stdout", "STREAM ipykernel.iostream\none\n")
        # Each display sends what was printed before it (standard output, then error) first
        expected = [
            ("display_data", "<b>two</b>"),
            ("stdout", "four\n"),
            ("stderr", "three\n"),
            ("display_data", "<i>five</i>"),
            ("stdout", "six"),
            ("execute_result", "'seven'"),
        ]
        assert outputs["warm"][1:] == expected
        assert outputs["fresh"][1:] == expected


class _FakeKernel:
    """A warm kernel that records when it is asked for the KPI outputs and when they are taken."""

    def __init__(self, events, out_dir, slug):
        self.events, self.out_dir, self.slug = events, out_dir, slug

    def send_for_result(self, code):
        self.events.append("kpis asked")
        return "request-1"

    def result_of(self, request):
        assert request == "request-1"
        self.events.append("kpis taken")
        # What the kernel writes meanwhile (kernel_kpi_outputs): the files, then the answer
        names = worker.output_names(self.slug)
        for kind in ("csv", "xlsx"):
            (self.out_dir / names[kind]).write_text("written by the kernel")
        (self.out_dir / worker.figures_name(self.slug)).write_text("written by the kernel")
        return {"counts": {"Green": 1}, "headline": [], "files": {"csv": names["csv"]}}


class TestKpiOutputsWhileTheHtmlIsExported:
    """The worker asks its kernel for the KPI outputs, exports the HTML meanwhile, then takes
    them; when the export fails, it still waits for them, so that they are removed with it."""

    @pytest.fixture
    def council(self, tmp_path, monkeypatch):
        from jswlib.run import warm

        events = []
        kernel = _FakeKernel(events, tmp_path, "fife")
        monkeypatch.setattr(warm, "current_kernel", lambda: kernel)

        def ran(task, path, result):  # a warm run that succeeded
            events.append("notebook run")
            nbformat.write(nbformat.v4.new_notebook(), path)
            result["engine"] = "warm"
            result["kernel_kpis"] = worker._kpis_in_kernel(task)
            return nbformat.v4.new_notebook(), None

        monkeypatch.setattr(worker, "_run_notebook", ran)
        monkeypatch.setattr(worker, "_kpis_in_worker", _must_not_run)
        task = worker.CouncilTask(
            name="Fife",
            code="S12000047",
            slug="fife",
            notebook=str(NOTEBOOK),
            out_dir=str(tmp_path),
            parameters={"quarter": QUARTER, "audience": "internal", "data_dir": ""},
            params=str(tmp_path),
            kpi_table=worker.report_kpi_table,
            engine="warm",
            header="",
        )
        return task, events, tmp_path

    def test_asked_before_the_export_taken_after(self, council, monkeypatch):
        task, events, _ = council

        def export(*args, **kwargs):
            events.append("html exported")
            return "<html></html>"

        monkeypatch.setattr(worker, "notebook_to_html", export)
        result = worker.run_council(task)
        assert result["status"] == "ok", result["error"]
        assert events == ["notebook run", "kpis asked", "html exported", "kpis taken"]
        assert result["counts"] == {"Green": 1} and "kernel_kpis" not in result

    def test_a_failed_export_waits_for_the_kpi_files_then_removes_them(self, council, monkeypatch):
        task, events, out = council

        def export(*args, **kwargs):
            events.append("html failed")
            raise ValueError("template broke")

        monkeypatch.setattr(worker, "notebook_to_html", export)
        result = worker.run_council(task)
        assert result["status"] == "failed" and "template broke" in result["error"]
        assert events == ["notebook run", "kpis asked", "html failed", "kpis taken"]
        assert not [p.name for p in out.iterdir() if p.name.startswith("fife-")]
        assert "kernel_kpis" not in result
