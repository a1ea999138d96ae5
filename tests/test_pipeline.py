"""Tests for jswlib/compute/pipeline.py: an extract validated and computed in one process or
shared among several, with the same outcome."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import threading
import time
from datetime import date

import pandas as pd
import pytest

from jswlib.cli import main
from jswlib.compute import pipeline
from jswlib.compute.indicators import compute_indicators, load_definitions
from jswlib.data.demo import generate_demo, write_demo
from jswlib.data.extract import (
    STATUS_ERROR,
    STATUS_OK,
    TableFile,
    load_extract,
    reported_from_of,
    validation_date,
)


@pytest.fixture(scope="module")
def defs():
    return load_definitions()


@pytest.fixture(scope="module")
def demo(defs, tmp_path_factory):
    """A small demo extract (two years at a twentieth of the national volume, with its planted
    bad rows) written as CSV with its manifest (extract date and first reported day)."""
    tables, manifest = generate_demo(
        defs.councils.to_frame(), seed=5, scale=0.05, first_fy=2023, last_fy=2024
    )
    folder = tmp_path_factory.mktemp("pipeline_demo")
    write_demo(tables, manifest, folder)
    return folder


@pytest.fixture(scope="module")
def undated(demo, tmp_path_factory):
    """The same extract without its manifest: the extract date comes from the latest event, so
    that nothing can be computed before every table is validated."""
    folder = tmp_path_factory.mktemp("pipeline_undated")
    for path in demo.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    (folder / "clients.csv").write_text("name,dob\nJane,1990-01-01\n")  # not a table: a note
    return folder


def _roundtrip(message):
    return pickle.loads(pickle.dumps(message))


def assert_same_outcome(two: pipeline.Computed, one: pipeline.Computed) -> None:
    assert two.as_at == one.as_at
    pd.testing.assert_frame_equal(two.extract.summary, one.extract.summary)
    pd.testing.assert_frame_equal(two.extract.rejects, one.extract.rejects)
    assert two.extract.warnings == one.extract.warnings
    pd.testing.assert_frame_equal(two.results, one.results)


class TestSeveralProcesses:
    def test_two_processes_give_what_one_gives(self, demo, defs):
        one = pipeline.compute_extract(demo, defs)
        two = pipeline.compute_extract(demo, defs, processes=2)
        assert (one.processes, two.processes) == (1, 2)
        assert_same_outcome(two, one)
        # What was compared: the manifest's date, every table used, rows rejected, and figures
        manifest = json.loads((demo / "manifest.json").read_text())
        assert one.as_at == date.fromisoformat(manifest["extract_date"])
        summary = one.extract.summary.set_index("table")
        assert (summary["status"] == STATUS_OK).all()
        assert summary["rows_rejected"].sum() > 0 and len(one.extract.rejects) > 0
        with_rows = {
            ind.id
            for ind in defs.catalogue.computable()
            if summary.loc[ind.table, "rows_accepted"] > 0
        }
        assert set(one.results["indicator"]) == with_rows and len(with_rows) > 40
        # Both let each table's rows go once its indicators were computed
        assert two.extract.tables == {} and one.extract.tables == {}
        assert set(two.done_by) == set(summary.index)

    def test_table_by_table_gives_what_all_tables_at_once_give(self, demo, defs):
        one = pipeline.compute_extract(demo, defs)
        extract = load_extract(demo, defs.councils, extract_date=validation_date(demo, None))
        at_once = compute_indicators(
            extract.tables, defs, one.as_at, first_day=reported_from_of(demo)
        )
        pd.testing.assert_frame_equal(one.results, at_once)
        pd.testing.assert_frame_equal(one.extract.summary, extract.summary)
        pd.testing.assert_frame_equal(one.extract.rejects, extract.rejects)
        assert one.extract.warnings == extract.warnings
        assert set(one.seconds) == {"total"}  # validation and computation interleaved

    def test_without_a_recorded_date_every_table_is_validated_first(self, undated, defs):
        one = pipeline.compute_extract(undated, defs, monthly=False)
        two = pipeline.compute_extract(undated, defs, monthly=False, processes=2)
        assert_same_outcome(two, one)
        assert one.as_at is not None and one.as_at <= date.today()
        # In one process every table is kept until the last gives the date, then computed
        assert set(one.extract.tables) == set(one.extract.summary["table"])
        assert set(one.seconds) == {"total", "validation", "computation"}
        assert any("clients.csv" in note for note in one.extract.warnings)
        assert "monthly" not in set(one.results["frequency"])

    def test_only_the_indicators_asked_for(self, demo, defs):
        wanted = ["reports_by_due_date", "upw_placement"]  # two tables, not in catalogue order
        one = pipeline.compute_extract(demo, defs, indicators=wanted)
        two = pipeline.compute_extract(demo, defs, indicators=wanted, processes=2)
        assert_same_outcome(two, one)
        assert list(one.results["indicator"].unique()) == wanted

    def test_tables_go_to_the_other_process(self, demo, defs, monkeypatch):
        # This process waits on its first table until the other has taken every other table,
        # so that what the other sends back is really used.
        queues = []

        class Recorded(pipeline._Tables):
            def __init__(self, names):
                super().__init__(names)
                queues.append(self)

        real = pipeline._do_table
        held_back = []

        def slow(name, sources, errors, work, held):
            if name in work.files and not held_back:
                held_back.append(name)
                deadline = time.monotonic() + 60
                while queues[0]._names and time.monotonic() < deadline:
                    time.sleep(0.02)
            return real(name, sources, errors, work, held)

        monkeypatch.setattr(pipeline, "_Tables", Recorded)
        monkeypatch.setattr(pipeline, "_do_table", slow)
        two = pipeline.compute_extract(demo, defs, processes=2)
        assert two.done_by[held_back[0]] == 0
        others = {name for name, number in two.done_by.items() if number == 1}
        assert len(others) == len(list(demo.glob("*.csv"))) - 1
        assert_same_outcome(two, pipeline.compute_extract(demo, defs))

    def test_a_table_that_cannot_be_used_computes_nothing(self, demo, defs, tmp_path):
        for path in demo.glob("*.csv"):
            shutil.copy(path, tmp_path / path.name)
        shutil.copy(demo / "manifest.json", tmp_path / "manifest.json")
        (tmp_path / "mappa.csv").write_text("case_id\nM1\n")  # required columns missing
        one = pipeline.compute_extract(tmp_path, defs)
        two = pipeline.compute_extract(tmp_path, defs, processes=2)
        assert one.results is None and two.results is None
        assert one.as_at is None and two.as_at is None
        pd.testing.assert_frame_equal(two.extract.summary, one.extract.summary)
        assert one.extract.summary.set_index("table").loc["mappa", "status"] == STATUS_ERROR
        assert two.extract.problems == one.extract.problems != []
        # Computed all the same for a caller that records the problems (the results cache)
        one = pipeline.compute_extract(tmp_path, defs, with_problems=True)
        two = pipeline.compute_extract(tmp_path, defs, with_problems=True, processes=2)
        assert_same_outcome(two, one)
        assert one.extract.problems and len(one.results) > 0
        assert "mappa_clients" not in set(one.results["indicator"])  # its table: no rows

    def test_workbooks_and_parquet_files_too(self, demo, defs, tmp_path):
        # A workbook's sheets are read before the work is shared out: they stay in this process;
        # a Parquet file may go to either.
        for path in demo.glob("*.csv"):
            shutil.copy(path, tmp_path / path.name)
        shutil.copy(demo / "manifest.json", tmp_path / "manifest.json")
        as_text = {"dtype": str, "keep_default_na": False}
        pd.read_csv(tmp_path / "dttos.csv", **as_text).to_parquet(tmp_path / "dttos.parquet")
        with pd.ExcelWriter(tmp_path / "extract.xlsx") as writer:
            for name in ("mappa", "problem_solving"):
                pd.read_csv(tmp_path / f"{name}.csv", **as_text).to_excel(
                    writer, sheet_name=name, index=False
                )
        for name in ("dttos", "mappa", "problem_solving"):
            (tmp_path / f"{name}.csv").unlink()
        one = pipeline.compute_extract(tmp_path, defs)
        two = pipeline.compute_extract(tmp_path, defs, processes=2)
        assert_same_outcome(two, one)
        summary = one.extract.summary.set_index("table")
        assert summary.loc["mappa", "source"].startswith(str(tmp_path / "extract.xlsx"))
        assert summary.loc["dttos", "source"].endswith("dttos.parquet")
        assert (summary["status"] == STATUS_OK).all()
        assert two.done_by["mappa"] == two.done_by["problem_solving"] == 0

    def test_processes_must_be_at_least_one(self, demo, defs):
        with pytest.raises(ValueError, match="at least 1"):
            pipeline.compute_extract(demo, defs, processes=0)


class TestHowManyProcesses:
    def test_a_large_extract_on_two_cpus_gets_two(self, demo, monkeypatch):
        assert pipeline.default_processes(demo) == 1  # a few MB
        monkeypatch.setattr(pipeline, "LARGE_EXTRACT", 1_000)
        monkeypatch.setattr(pipeline, "usable_cpus", lambda: 2)
        assert pipeline.is_large(demo) and pipeline.default_processes(demo) == 2
        monkeypatch.setattr(pipeline, "usable_cpus", lambda: 1)
        assert pipeline.default_processes(demo) == 1

    def test_the_results_cache_shares_a_large_extract_too(self, demo, defs, tmp_path, monkeypatch):
        from jswlib.compute.results import load_results

        monkeypatch.setattr(pipeline, "LARGE_EXTRACT", 1_000)
        monkeypatch.setattr(pipeline, "usable_cpus", lambda: 2)
        used, real = [], pipeline._in_processes

        def recorded(*args, **kwargs):
            used.append(kwargs["processes"])
            return real(*args, **kwargs)

        monkeypatch.setattr(pipeline, "_in_processes", recorded)
        results = load_results(demo, cache_dir=tmp_path / "cache")
        assert used == [2]
        pd.testing.assert_frame_equal(results.table, pipeline.compute_extract(demo, defs).results)


class TestWhenAProcessFails:
    @pytest.fixture
    def helper_for(self, defs):
        started = []

        def start(files, names):
            work = pipeline._Work(files, defs, None, date(2026, 4, 15), None, True, None)
            helper = pipeline._Helper(work, pipeline._Tables(names), False, 1)
            started.append(helper)
            return helper

        yield start
        for helper in started:
            helper.stop(False)

    def test_its_error_is_raised_here_with_its_traceback(self, helper_for):
        helper = helper_for({}, ["cpos"])  # a table it has no file for: KeyError there
        with pytest.raises(KeyError, match="cpos") as raised:
            helper.receive("validated")
        assert "(in jsw-compute-1)" in raised.value.__notes__[0]
        assert "_process_main" in raised.value.__notes__[0]  # its own traceback

    def test_a_data_error_keeps_its_class_and_message(self):
        from jswlib.core.errors import ContractError, ExtractFileError

        for error in (ExtractFileError("cpos.csv", "not UTF-8"), ContractError("cpos.csv", "x")):
            kind, sent, _ = _roundtrip(pipeline._failure(error, "traceback"))
            assert (kind, type(sent), str(sent)) == ("failed", type(error), str(error))
            assert sent.source == "cpos.csv"

    def test_an_error_that_cannot_travel_is_sent_as_its_traceback(self):
        class Local(Exception):  # defined in a function: cannot be found by name elsewhere
            pass

        assert _roundtrip(pipeline._failure(Local("x"), "the traceback")) == (
            "failed",
            None,
            "the traceback",
        )

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
    def test_one_that_dies_stops_the_computation(self, helper_for, tmp_path):
        fifo = tmp_path / "cpos.csv"
        os.mkfifo(fifo)  # opening it waits for a writer: the process hangs on its first table
        helper = helper_for({"cpos": TableFile(fifo, "cpos", None)}, ["cpos"])
        deadline = time.monotonic() + 60
        while helper.tables._names and time.monotonic() < deadline:  # it has taken the table
            time.sleep(0.02)
        helper.process.kill()
        with pytest.raises(pipeline.ProcessStopped, match="jsw-compute-1.*exit code -9"):
            helper.receive("validated")

    def test_the_others_stop_taking_tables(self, helper_for):
        helper = helper_for({}, ["cpos", "mappa", "dttos"])
        helper.thread.join(60)
        assert helper.tables.take() is None  # this process would take no more either
        with pytest.raises(KeyError):
            helper.receive("validated")


class TestCommand:
    def test_processes_flag(self, demo, tmp_path, capsys):
        for n in (1, 2):
            code = main(
                [
                    "compute",
                    "--data",
                    str(demo),
                    "--out",
                    str(tmp_path / f"r{n}.csv"),
                    "--processes",
                    str(n),
                    "--indicator",
                    "reports_by_due_date",
                ]
            )
            assert code == 0
        printed = capsys.readouterr().out
        assert "(validated and computed table by table, " in printed
        assert "(validated and computed table by table in 2 processes, " in printed
        assert (tmp_path / "r1.csv").read_bytes() == (tmp_path / "r2.csv").read_bytes()
        assert (tmp_path / "r1.quality.csv").read_bytes() == (
            tmp_path / "r2.quality.csv"
        ).read_bytes()

    @pytest.mark.parametrize("given", ["0", "two", str(pipeline.usable_cpus() + 1)])
    def test_a_wrong_number_of_processes_is_one_line(self, given, demo, tmp_path, capsys):
        with pytest.raises(SystemExit) as stopped:
            main(["compute", "--data", str(demo), "--out", str(tmp_path / "r.csv"),
                  "--processes", given])  # fmt: skip
        assert stopped.value.code == 2
        error = capsys.readouterr().err.strip().splitlines()[-1]
        assert f"--processes: {given!r}: give a whole number from 1 to" in error

    def test_a_stopped_process_is_one_line_and_exit_code_1(
        self, demo, tmp_path, capsys, monkeypatch
    ):
        import jswlib.cli.compute as command

        def stopped(*args, **kwargs):
            raise pipeline.ProcessStopped("jsw-compute-1 (one of ...) stopped without finishing")

        monkeypatch.setattr(command, "compute_extract", stopped)
        code = main(["compute", "--data", str(demo), "--out", str(tmp_path / "r.csv")])
        assert code == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert err == ["jsw compute: error: jsw-compute-1 (one of ...) stopped without finishing"]
        assert not (tmp_path / "r.csv").exists()


def test_nothing_is_left_behind(demo, defs, monkeypatch):
    started = []
    real = pipeline._Helper

    def recorded(*args):
        started.append(real(*args))
        return started[-1]

    monkeypatch.setattr(pipeline, "_Helper", recorded)
    before = set(threading.enumerate())
    pipeline.compute_extract(demo, defs, processes=2, indicators=["reports_by_due_date"])
    assert {t for t in threading.enumerate() if t.name.startswith("jsw-")} - before == set()
    assert [helper.process.returncode for helper in started] == [0]  # ended, and waited for


def test_a_script_without_a_main_guard_is_not_run_again(demo, tmp_path):
    # multiprocessing's spawn would import the calling script again in the new process, which
    # would then start the computation itself, and so on: a script needs no guard here.
    script = tmp_path / "compute.py"
    script.write_text(
        "import sys\n"
        "from jswlib.cli import main\n"
        f"code = main(['compute', '--data', {str(demo)!r}, '--out', {str(tmp_path / 'r.csv')!r},"
        " '--processes', '2', '--indicator', 'reports_by_due_date'])\n"
        "print('ran', code)\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("ran 0") == 1 and "in 2 processes" in done.stdout
    assert (tmp_path / "r.csv").is_file()
