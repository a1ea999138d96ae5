"""Tests for jswlib/cli.py: the jsw command, its help, exit codes and the files validate writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from jswlib.cli import EXIT_DATA, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE, _command_in, build_parser, main

REPORTS = "report_id,council,person_id,report_type,requested_date,due_date,submitted_date"
JSW = Path(sys.executable).with_name("jsw")


class TestHelp:
    def test_console_script_lists_the_subcommands(self):
        out = subprocess.run(
            [str(JSW), "--help"], capture_output=True, text=True, check=True
        ).stdout
        for command in (
            "validate",
            "demo-data",
            "councils",
            "schema",
            "indicators",
            "compute",
            "reconcile",
            "batch",
        ):
            assert command in out

    @pytest.mark.parametrize(
        "command",
        [
            "validate",
            "demo-data",
            "councils",
            "schema",
            "indicators",
            "compute",
            "reconcile",
            "batch",
        ],
    )
    def test_each_subcommand_has_help(self, command, capsys):
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0
        assert "usage: jsw" in capsys.readouterr().out


class TestLazySubcommands:
    def test_the_command_is_found_after_params(self):
        assert _command_in(["--params", "p", "compute", "--data", "d"]) == "compute"
        assert _command_in(["--params=p", "demo-data"]) == "demo-data"
        # No command, help, version, an abbreviated option or an unknown word: the full parser
        for argv in ([], ["--help"], ["--version"], ["--par", "p", "compute"], ["comp"]):
            assert _command_in(argv) is None

    def test_one_subcommand_parses_as_the_full_parser(self):
        argv = ["--params", "p", "compute", "--data", "d", "--out", "o.parquet", "--no-monthly"]
        assert vars(build_parser("compute").parse_args(argv)) == vars(
            build_parser().parse_args(argv)
        )

    def test_a_command_imports_only_its_own_module(self):
        code = (
            "import sys, jswlib.cli; jswlib.cli.main(['councils']); "
            "print(sorted(m for m in sys.modules if m.startswith('jswlib.cli.')))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert out.strip().splitlines()[-1] == "['jswlib.cli._shared', 'jswlib.cli.councils']"


class TestValidate:
    def test_summary_rejects_file_and_exit_code(self, write_csv, tmp_path, capsys):
        path = write_csv(
            "court_reports.csv",
            REPORTS,
            "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,2025-07-18",
            "R2,Gotham,P-SECRET,CJSWR,2025-07-01,2025-07-20,",
        )
        out_dir = tmp_path / "out"
        assert main(["validate", str(path.parent), "--out", str(out_dir)]) == EXIT_OK
        printed = capsys.readouterr().out
        assert "court_reports" in printed and "unknown_council" in printed
        assert "Every row accounted for (read = accepted + rejected): yes" in printed
        rejects = pd.read_csv(out_dir / "rejects.csv")
        assert rejects[["row", "column", "value", "rule"]].values.tolist() == [
            [3, "council", "Gotham", "unknown_council"]
        ]
        assert "SECRET" not in (out_dir / "rejects.csv").read_text()
        summary = pd.read_csv(out_dir / "summary.csv").set_index("table")
        assert summary.loc[
            "court_reports", ["rows_read", "rows_accepted", "rows_rejected"]
        ].tolist() == [2, 1, 1]

    def test_strict_fails_on_any_rejected_row(self, write_csv, tmp_path):
        path = write_csv("court_reports.csv", REPORTS, "R2,Gotham,P2,CJSWR,2025-07-01,2025-07-20,")
        assert (
            main(["validate", str(path.parent), "--out", str(tmp_path / "o"), "--strict"])
            == EXIT_DATA
        )

    def test_missing_column_is_one_clear_line_and_exit_1(self, write_csv, tmp_path, capsys):
        path = write_csv("cpos.csv", "order_id,council,person_id,has_upw", "C1,Fife,P1,Y")
        assert main(["validate", str(path.parent), "--out", str(tmp_path / "o")]) == EXIT_DATA
        err = capsys.readouterr().err
        assert "cpos.csv" in err and "imposed_date" in err and "Traceback" not in err

    def test_missing_folder_is_a_usage_error_without_traceback(self, tmp_path):
        done = subprocess.run(
            [str(JSW), "validate", str(tmp_path / "nowhere")], capture_output=True, text=True
        )
        assert done.returncode == EXIT_USAGE
        assert "data folder not found" in done.stderr and "Traceback" not in done.stderr

    def test_bad_extract_date_argument(self, tmp_path):
        done = subprocess.run(
            [str(JSW), "validate", str(tmp_path), "--extract-date", "31/12/2025"],
            capture_output=True,
            text=True,
        )
        assert done.returncode == EXIT_USAGE and "not a date YYYY-MM-DD" in done.stderr


class TestCouncilsAndSchema:
    def test_councils_csv(self, capsys):
        assert main(["councils", "--format", "csv"]) == EXIT_OK
        frame = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
        assert len(frame) == 32 and frame["family_group"].value_counts().tolist() == [8, 8, 8, 8]

    def test_schema_markdown_names_every_table(self, capsys):
        from jswlib.definitions.schema import TABLES

        assert main(["schema"]) == EXIT_OK
        out = capsys.readouterr().out
        assert all(f"`{name}`" in out for name in TABLES)


class TestIndicators:
    def test_csv_has_the_catalogue_columns(self, capsys):
        assert main(["indicators", "--format", "csv"]) == EXIT_OK
        frame = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
        assert {
            "id",
            "title",
            "type",
            "frequency",
            "polarity",
            "unit",
            "outcome",
            "objective",
        } <= set(frame.columns)
        assert "upw_placement" in set(frame["id"])

    def test_council_standards_and_targets_filled_in(self, capsys):
        assert main(["indicators", "--council", "South Lanarkshire"]) == EXIT_OK
        out = capsys.readouterr().out
        dtto = next(line for line in out.splitlines() if line.startswith("dtto_first_contact "))
        # South Lanarkshire's own DTTO standard (2 working days, not the national 1) and target.
        assert "People on a DTTO seen within 2 working days" in dtto
        assert "2 working days (council)" in dtto and "95% (council)" in dtto
        upw = next(line for line in out.splitlines() if line.startswith("upw_placement "))
        assert "80% (national default)" in upw
        assert "None" not in out and "nan" not in out
        assert "as South Lanarkshire applies them" in out

    def test_council_csv(self, capsys):
        assert main(["indicators", "--council", "S12000047", "--format", "csv"]) == EXIT_OK
        frame = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out)).set_index("id")
        assert set(frame["council"]) == {"Fife"}
        assert frame.loc["reports_by_due_date", "target"] == 80
        assert frame.loc["reports_by_due_date", "target_source"] == "national default"
        assert frame.loc["dtto_first_contact", "standard"] == "1 working day"
        assert frame.loc["dtto_first_contact", "standard_source"] == "national"

    def test_unknown_council_is_a_usage_error(self, capsys):
        assert main(["indicators", "--council", "Gotham City"]) == EXIT_USAGE
        assert "unknown council 'Gotham City'" in capsys.readouterr().err

    def test_table_lists_every_indicator(self, capsys):
        from jswlib.definitions.catalogue import load_catalogue

        assert main(["indicators"]) == EXIT_OK
        out = capsys.readouterr().out
        assert all(i.id in out for i in load_catalogue())


class TestCompute:
    def test_writes_results_and_quality(self, write_csv, tmp_path, capsys):
        # Two reports due in Q2 2025/26 at Fife: one on time, one late; a third row names no real
        # council.
        path = write_csv(
            "court_reports.csv",
            REPORTS,
            "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,2025-07-18",
            "R2,Fife,P2,CJSWR,2025-07-01,2025-07-21,2025-07-25",
            "R3,Gotham,P3,CJSWR,2025-07-01,2025-07-21,2025-07-25",
        )
        out = tmp_path / "res.csv"
        code = main(
            [
                "compute",
                "--data",
                str(path.parent),
                "--out",
                str(out),
                "--as-at",
                "2025-10-05",
                "--indicator",
                "reports_by_due_date",
                "--no-monthly",
            ]
        )
        assert code == EXIT_OK
        printed = capsys.readouterr().out
        assert "3 rows read, 2 used, 1 rejected" in printed
        results = pd.read_csv(out)
        row = results[
            (results["council"] == "S12000047") & (results["period"] == "Q2 2025/26")
        ].iloc[0]
        assert (row["numerator"], row["denominator"], row["value"]) == (1, 2, 50.0)
        assert set(results["frequency"]) == {"quarterly"}
        quality = pd.read_csv(tmp_path / "res.quality.csv").set_index("table")
        assert quality.loc[
            "court_reports", ["rows_read", "rows_accepted", "rows_rejected"]
        ].tolist() == [3, 2, 1]

    def test_freed_memory_is_reused_not_given_by_the_system_again(self):
        # A 64 MB buffer freed and another made: given by the system afresh, each of its 16,384
        # pages of 4 kB faults once as it is filled; reused from the heap, next to none do.
        code = (
            "import resource, sys\n"
            "from jswlib.cli.compute import reuse_freed_memory\n"
            "if sys.argv[1] == 'keep':\n"
            "    assert reuse_freed_memory()\n"
            "def faults():\n"
            "    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
            "column = bytearray(b'x') * 64_000_000\n"
            "del column\n"
            "before = faults()\n"
            "column = bytearray(b'x') * 64_000_000\n"
            "print(faults() - before)\n"
        )
        faults = {
            mode: int(
                subprocess.run(
                    [sys.executable, "-c", code, mode], capture_output=True, text=True, check=True
                ).stdout
            )
            for mode in ("fresh", "keep")
        }
        assert faults["keep"] * 10 < faults["fresh"]

    def test_output_must_be_csv_or_parquet(self, write_csv, tmp_path, capsys):
        path = write_csv(
            "court_reports.csv", REPORTS, "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,2025-07-18"
        )
        assert (
            main(["compute", "--data", str(path.parent), "--out", str(tmp_path / "r.xlsx")])
            == EXIT_USAGE
        )
        assert ".csv or .parquet" in capsys.readouterr().err

    def test_unknown_indicator_is_named(self, write_csv, tmp_path, capsys):
        path = write_csv(
            "court_reports.csv", REPORTS, "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,2025-07-18"
        )
        code = main(
            [
                "compute",
                "--data",
                str(path.parent),
                "--out",
                str(tmp_path / "r.csv"),
                "--indicator",
                "nope",
            ]
        )
        assert code == EXIT_USAGE and "nope" in capsys.readouterr().err


# --- Faults and bad input (issue 9) --------------------------------------------------------------


class TestFaults:
    def test_compute_prints_warnings_and_reads_other_encodings(self, write_csv, tmp_path, capsys):
        # A cp1252 file with a surname column: validate warned about it, compute said nothing,
        # and compute could not read the file at all (no --encoding).
        path = write_csv(
            "court_reports.csv",
            REPORTS + ",surname",
            "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,2025-07-18,O\u2019Neil",
            encoding="cp1252",
        )
        out = tmp_path / "r.csv"
        code = main(
            [
                "compute",
                "--data",
                str(path.parent),
                "--out",
                str(out),
                "--as-at",
                "2025-10-05",
                "--encoding",
                "cp1252",
                "--indicator",
                "reports_by_due_date",
            ]
        )
        printed = capsys.readouterr()
        assert code == EXIT_OK, printed.err
        assert (
            "personal data" in printed.out + printed.err and "surname" in printed.out + printed.err
        )

    def test_compute_without_as_at_names_the_real_file_error(self, write_csv, tmp_path, capsys):
        # The only table is not UTF-8 and there is no manifest: before the fix the message was
        # "no dated records, give --as-at", hiding the encoding error.
        path = write_csv(
            "court_reports.csv",
            REPORTS,
            "R1,Fife,P\u00e9,CJSWR,2025-07-01,2025-07-20,",
            encoding="cp1252",
        )
        code = main(["compute", "--data", str(path.parent), "--out", str(tmp_path / "r.csv")])
        err = capsys.readouterr().err
        assert code == EXIT_DATA
        assert "court_reports.csv" in err and "UTF-8" in err and "Traceback" not in err

    def test_out_pointing_at_a_file_is_one_line_and_exit_3(self, write_csv, tmp_path):
        path = write_csv("court_reports.csv", REPORTS, "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,")
        blocker = tmp_path / "out.txt"
        blocker.write_text("a file")
        done = subprocess.run(
            [str(JSW), "validate", str(path.parent), "--out", str(blocker)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == EXIT_OUTPUT, done.stderr
        assert "out.txt" in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1

    def test_a_folder_with_no_tables_fails_even_without_strict(self, tmp_path, capsys):
        (tmp_path / "data").mkdir()
        (tmp_path / "data" / "readme.txt").write_text("nothing")
        args = ["validate", str(tmp_path / "data"), "--out", str(tmp_path / "o")]
        assert main(args) == EXIT_DATA
        assert main([*args, "--strict"]) == EXIT_DATA
        assert "no table" in capsys.readouterr().err

    def test_invalid_manifest_is_one_line_and_exit_1(self, write_csv, tmp_path):
        path = write_csv("court_reports.csv", REPORTS, "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,")
        (path.parent / "manifest.json").write_text('{"extract_date": "5 Oct 2025"}')
        done = subprocess.run(
            [str(JSW), "validate", str(path.parent), "--out", str(tmp_path / "o")],
            capture_output=True,
            text=True,
        )
        assert done.returncode == EXIT_DATA, done.stderr
        assert "manifest.json" in done.stderr and "Traceback" not in done.stderr

    @pytest.mark.parametrize("command", ["validate", "compute", "batch", "reconcile"])
    def test_every_command_that_reads_an_extract_takes_encoding(self, command, capsys):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "--encoding" in capsys.readouterr().out
