"""Tests for jswlib/core/io.py reading and jswlib/data/extract.py: whole data folders, file-level
problems, formats."""

from __future__ import annotations

import pandas as pd
import pytest

from jswlib.core import io
from jswlib.data.extract import STATUS_ERROR, STATUS_NOT_SUPPLIED, STATUS_OK, load_extract
from jswlib.definitions.schema import TABLES

REPORTS = "report_id,council,person_id,report_type,requested_date,due_date,submitted_date"


def status(extract, table):
    return extract.summary.set_index("table").loc[table]


class TestReadCsvTable:
    def test_byte_order_mark_is_accepted(self, tmp_path):
        path = tmp_path / "court_reports.csv"
        path.write_bytes(
            ("\ufeff" + REPORTS + "\nR1,Fife,P1,CJSWR,2025-07-01,2025-07-20,\n").encode("utf-8")
        )
        raw = io.read_csv_table(path, "court_reports")
        assert list(raw.frame.columns)[0] == "report_id"

    def test_wrong_encoding_names_file_and_line(self, write_csv):
        path = write_csv(
            "court_reports.csv",
            REPORTS,
            "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,",
            "R2,Fife,P2,Supplementary,2025-07-01,2025-07-20,",
            "R3,Fife,P\u00e9,CJSWR,2025-07-01,2025-07-20,",
            encoding="cp1252",
        )
        with pytest.raises(io.ExtractFileError) as err:
            io.read_csv_table(path, "court_reports")
        message = str(err.value)
        assert str(path) in message and "line 4" in message and "UTF-8" in message

    def test_wrong_encoding_reads_when_named(self, write_csv):
        path = write_csv(
            "court_reports.csv",
            REPORTS,
            "R3,Fife,P\u00e9,CJSWR,2025-07-01,2025-07-20,",
            encoding="cp1252",
        )
        raw = io.read_csv_table(path, "court_reports", encoding="cp1252")
        assert raw.frame["person_id"].tolist() == ["P\u00e9"]

    def test_empty_file_is_an_error(self, tmp_path):
        path = tmp_path / "cpos.csv"
        path.write_bytes(b"")
        with pytest.raises(io.ExtractFileError, match="empty"):
            io.read_csv_table(path, "cpos")

    def test_blank_lines_are_not_records_and_row_numbers_stay_true(self, write_csv):
        path = write_csv(
            "court_reports.csv",
            REPORTS,
            "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,",
            ",,,,,,",
            "R2,Fife,P2,CJSWR,2025-07-01,2025-07-20,",
        )
        raw = io.read_csv_table(path, "court_reports")
        assert len(raw.frame) == 2 and raw.blank_rows == 1
        assert list(raw.rows) == [2, 4]


class TestLoadExtract:
    def test_rows_are_accounted_for_and_rejects_name_file_row_column(self, write_csv, councils):
        path = write_csv(
            "court_reports.csv",
            REPORTS,
            "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,2025-07-18",
            "R2,Gotham,P2,CJSWR,2025-07-01,2025-07-20,2025-07-18",
            "R3,Fife,P3,CJSWR,2025-07-01,2025-07-20,2025-06-18",
        )
        ex = load_extract(path.parent, councils)
        row = status(ex, "court_reports")
        assert (row["status"], row["rows_read"], row["rows_accepted"], row["rows_rejected"]) == (
            STATUS_OK,
            3,
            1,
            2,
        )
        assert ex.rows_balance
        assert ex.rejects[["file", "row", "column", "rule"]].values.tolist() == [
            [str(path), 3, "council", "unknown_council"],
            [str(path), 4, "submitted_date", "date_order"],
        ]
        assert status(ex, "cpos")["status"] == STATUS_NOT_SUPPLIED
        assert ex.tables["cpos"].empty and "order_id" in ex.tables["cpos"].columns

    def test_missing_required_column_is_an_error_for_that_table_only(self, write_csv, councils):
        write_csv(
            "court_reports.csv",
            "report_id,council,person_id,report_type,requested_date",
            "R1,Fife,P1,CJSWR,2025-07-01",
        )
        write_csv(
            "womens_centre.csv", "support_id,council,person_id,start_date", "W1,Fife,P1,2025-07-01"
        )
        path = write_csv("mappa.csv", "mappa_id,council,person_id,category,level,start_date")
        ex = load_extract(path.parent, councils)
        reports = status(ex, "court_reports")
        assert reports["status"] == STATUS_ERROR
        assert "due_date" in reports["message"] and "court_reports.csv" in reports["message"]
        assert status(ex, "womens_centre")["rows_accepted"] == 1
        assert status(ex, "mappa")["message"] == "no records (header only)"

    def test_excel_workbook_with_one_sheet_per_table(self, tmp_path, councils):
        folder = tmp_path / "x"
        folder.mkdir()
        with pd.ExcelWriter(folder / "extract.xlsx") as writer:
            pd.DataFrame(
                {
                    "support_id": ["W1", "W2"],
                    "council": ["Fife", "Fife"],
                    "person_id": ["P1", "P2"],
                    "start_date": [pd.Timestamp(2025, 7, 1), pd.Timestamp(2025, 6, 1)],
                    "end_date": [pd.Timestamp(2025, 8, 1), pd.Timestamp(2025, 5, 1)],
                }
            ).to_excel(writer, sheet_name="Womens centre", index=False)
            pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name="Notes", index=False)
        ex = load_extract(folder, councils)
        row = status(ex, "womens_centre")
        assert (row["rows_read"], row["rows_accepted"], row["rows_rejected"]) == (2, 1, 1)
        assert (
            ex.rejects["row"].tolist() == [3]
            and "sheet Womens centre" in ex.rejects["file"].iloc[0]
        )
        assert any("Notes" in w for w in ex.warnings)

    def test_parquet(self, tmp_path, councils):
        folder = tmp_path / "p"
        folder.mkdir()
        pd.DataFrame(
            {
                "referral_id": ["S1", "S2"],
                "council": ["Fife", "Fife"],
                "person_id": ["P1", "P2"],
                "referral_date": pd.to_datetime(["2025-07-01", None]),
            }
        ).to_parquet(folder / "support_work_referrals.parquet")
        ex = load_extract(folder, councils)
        assert ex.rejects[["row", "rule"]].values.tolist() == [[3, "missing"]]
        assert ex.tables["support_work_referrals"]["referral_date"].tolist() == [
            pd.Timestamp(2025, 7, 1)
        ]

    def test_a_table_supplied_twice_is_not_used(self, write_csv, tmp_path, councils):
        path = write_csv(
            "womens_centre.csv", "support_id,council,person_id,start_date", "W1,Fife,P1,2025-07-01"
        )
        pd.DataFrame(
            {
                "support_id": ["W9"],
                "council": ["Fife"],
                "person_id": ["P9"],
                "start_date": ["2025-07-01"],
            }
        ).to_parquet(path.parent / "womens_centre.parquet")
        ex = load_extract(path.parent, councils)
        row = status(ex, "womens_centre")
        assert row["status"] == STATUS_ERROR and "more than once" in row["message"]

    def test_unknown_files_are_listed_not_read(self, write_csv, councils):
        path = write_csv("clients.csv", "name,dob", "Jane,1990-01-01")
        (path.parent / "notes.txt").write_text("x")
        ex = load_extract(path.parent, councils)
        assert any("clients.csv" in w for w in ex.warnings) and any(
            "notes.txt" in w for w in ex.warnings
        )
        assert ex.summary["rows_read"].sum() == 0

    def test_missing_folder_raises(self, tmp_path, councils):
        with pytest.raises(io.ExtractFileError, match="not found"):
            load_extract(tmp_path / "nowhere", councils)

    def test_reasons_count_rows_per_rule(self, write_csv, councils):
        path = write_csv(
            "court_reports.csv",
            REPORTS,
            "R1,Gotham,P1,CJSWR,bad,2025-07-20,",
            "R2,Gotham,P2,CJSWR,2025-07-01,2025-07-20,",
        )
        ex = load_extract(path.parent, councils)
        assert ex.reasons().values.tolist() == [
            ["court_reports", "unknown_council", 2],
            ["court_reports", "bad_date", 1],
        ]


class TestReadExcelTables:
    def test_blank_row_in_a_sheet_keeps_row_numbers_true(self, tmp_path):
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "womens_centre"
        ws.append(["support_id", "council", "person_id", "start_date"])
        ws.append(["W1", "Fife", "P1", "2025-07-01"])  # row 2
        ws.append([])  # row 3, blank
        ws.append(["W2", "Fife", "P2", "2025-13-01"])  # row 4
        wb.save(tmp_path / "x.xlsx")
        (sheet,) = io.read_excel_tables(tmp_path / "x.xlsx")
        assert list(sheet.rows) == [2, 4] and sheet.blank_rows == 1
        assert sheet.source.endswith("[sheet womens_centre]")


# --- Faults and bad input (issue 9) --------------------------------------------------------------


class TestFaults:
    def test_trailing_comma_on_every_row_rejects_nothing_and_leaks_no_identifier(
        self, write_csv, councils
    ):
        # Every row ends with a comma: 8 fields under 7 headers. Before the fix pandas took
        # report_id as the index, so council held the person identifier, every row was rejected
        # and "PERSON-SECRET-1" reached the rejects list.
        path = write_csv(
            "court_reports.csv",
            REPORTS,
            "R1,Fife,PERSON-SECRET-1,CJSWR,2025-07-01,2025-07-20,2025-07-18,",
            "R2,Angus,PERSON-SECRET-2,CJSWR,2025-07-01,2025-07-20,,",
        )
        extract = load_extract(path.parent, councils)
        assert status(extract, "court_reports")[["rows_read", "rows_rejected"]].tolist() == [2, 0]
        assert "PERSON-SECRET" not in extract.rejects.to_csv()

    def test_a_person_identifier_in_another_column_is_withheld(self, write_csv, councils):
        # Row 3 carries row 2's person identifier in its council column: the reject line must
        # not show it (rows: header 1, R1 2, R2 3).
        path = write_csv(
            "court_reports.csv",
            REPORTS,
            "R1,Fife,PERSON-SECRET-1,CJSWR,2025-07-01,2025-07-20,2025-07-18",
            "R2,PERSON-SECRET-1,PERSON-SECRET-2,CJSWR,2025-07-01,2025-07-20,",
        )
        extract = load_extract(path.parent, councils)
        assert extract.rejects[["row", "column", "value"]].values.tolist() == [
            [3, "council", "[withheld]"]
        ]
        assert "PERSON-SECRET" not in extract.rejects.to_csv()

    def test_a_corrupt_workbook_is_a_file_level_error(self, tmp_path, councils):
        folder = tmp_path / "data"
        folder.mkdir()
        (folder / "extract.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
        extract = load_extract(folder, councils)
        assert len(extract.errors) == 1
        assert "extract.xlsx" in extract.errors["message"].iloc[0]
        assert extract.problems and "extract.xlsx" in extract.problems[0]

    def test_an_unreadable_file_is_an_error_of_its_table_and_the_others_are_read(
        self, write_csv, councils, monkeypatch
    ):
        from pathlib import Path

        bad = write_csv("cpos.csv", "order_id,council,person_id,imposed_date", "C1,Fife,P1,")
        write_csv("court_reports.csv", REPORTS, "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,")
        real, real_open = Path.read_bytes, Path.open

        def denied(self):
            if self == bad:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        def denied_open(self, *args, **kwargs):
            if self == bad:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        # The file is opened (to be read in blocks) or read whole: both are refused
        monkeypatch.setattr(Path, "read_bytes", denied)
        monkeypatch.setattr(Path, "open", denied_open)
        extract = load_extract(bad.parent, councils)
        assert status(extract, "cpos")["status"] == STATUS_ERROR
        assert "Permission denied" in status(extract, "cpos")["message"]
        assert status(extract, "court_reports")["rows_accepted"] == 1

    def test_a_folder_without_tables_is_a_problem(self, tmp_path, councils):
        folder = tmp_path / "data"
        folder.mkdir()
        (folder / "notes.txt").write_text("nothing here")
        extract = load_extract(folder, councils)
        assert len(extract.problems) == 1 and "no table" in extract.problems[0]

    def test_a_good_extract_has_no_problems(self, write_csv, councils):
        path = write_csv("court_reports.csv", REPORTS, "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,")
        assert load_extract(path.parent, councils).problems == []


class TestRecordedExtractDateFaults:
    def test_invalid_manifest_names_the_file(self, tmp_path):
        from jswlib.core.errors import ExtractFileError
        from jswlib.data.extract import recorded_extract_date

        (tmp_path / "manifest.json").write_text('{"extract_date": ')
        with pytest.raises(ExtractFileError, match="manifest.json"):
            recorded_extract_date(tmp_path)

    def test_a_date_in_the_wrong_form_names_the_file_and_the_key(self, tmp_path):
        from jswlib.core.errors import ExtractFileError
        from jswlib.data.extract import recorded_extract_date

        (tmp_path / "manifest.json").write_text('{"extract_date": "05/10/2025"}')
        with pytest.raises(ExtractFileError, match=r"manifest.json.*extract_date.*05/10/2025"):
            recorded_extract_date(tmp_path)


class TestValidationDate:
    def test_without_any_extract_date_a_record_after_today_is_rejected(self, write_csv, councils):
        from datetime import date, timedelta

        from jswlib.data.extract import validation_date

        # No manifest and no date given: today is the latest an event can be, so a request dated
        # 30 days from now is a future date and rejected (before the fix it was "used" and fell
        # in no period).
        later = date.today() + timedelta(days=30)
        path = write_csv(
            "court_reports.csv",
            REPORTS,
            "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,",
            f"R2,Fife,P2,CJSWR,{later},{later + timedelta(days=20)},",
        )
        assert validation_date(path.parent, None, today=date(2026, 1, 1)) == date(2026, 1, 1)
        extract = load_extract(
            path.parent, councils, extract_date=validation_date(path.parent, None)
        )
        assert extract.rejects[["row", "rule"]].values.tolist() == [[3, "future_date"]]


class TestReadAhead:
    """``load_extract(read_ahead=True)`` reads each table's file on a second thread while the one
    before it is validated: the extract must be the same as read in turn."""

    @pytest.fixture
    def folder(self, write_csv, tmp_path):
        path = write_csv(
            "court_reports.csv",
            REPORTS,
            "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,",
            "R2,Atlantis,P2,CJSWR,2025-07-01,2025-07-20,",  # not a council: rejected
            "",  # a blank line: skipped, counted
            "R3,Fife,P3,CJSWR,2025-07-02,2025-07-21,2025-07-10",
        )
        # required columns missing: an error of that table
        write_csv("cpos.csv", "order_id,council,person_id,imposed_date", "C1,Fife,P1,2025-07-01")
        write_csv("womens_centre.csv", "support_id,council,person_id,start_date", "W1,Fife,P1,x")
        pd.DataFrame({"support_id": ["W9"], "council": ["Fife"], "person_id": ["P9"]}).to_parquet(
            path.parent / "womens_centre.parquet"
        )  # the table supplied twice: an error
        write_csv("clients.csv", "name,dob", "Jane,1990-01-01")  # not a table: a warning
        return path.parent

    def test_the_same_extract_as_read_in_turn(self, folder, councils):
        plain = load_extract(folder, councils)
        ahead = load_extract(folder, councils, read_ahead=True)
        pd.testing.assert_frame_equal(ahead.summary, plain.summary)
        pd.testing.assert_frame_equal(ahead.rejects, plain.rejects)
        assert ahead.warnings == plain.warnings
        assert list(ahead.tables) == list(plain.tables)
        for name, table in plain.tables.items():
            pd.testing.assert_frame_equal(ahead.tables[name], table, obj=name)
        # The folder's own outcome, so that the comparison is not of two empty extracts
        assert status(plain, "court_reports")[["rows_read", "rows_rejected"]].tolist() == [3, 1]
        assert status(plain, "womens_centre")["status"] == STATUS_ERROR
        assert "required column" in status(plain, "cpos")["message"]

    def test_each_table_is_handed_over_as_it_is_validated(self, folder, councils):
        seen = []

        def take(name, part):
            seen.append((name, part.summary[2], part.accepted is None))
            part.accepted = None  # let go: left out of the extract's tables

        handed = load_extract(folder, councils, read_ahead=True, each_table=take)
        plain = load_extract(folder, councils)
        assert [name for name, _, _ in seen] == list(TABLES)
        assert not any(gone for _, _, gone in seen)
        assert dict((name, state) for name, state, _ in seen)["court_reports"] == STATUS_OK
        assert handed.tables == {}
        pd.testing.assert_frame_equal(handed.summary, plain.summary)
        pd.testing.assert_frame_equal(handed.rejects, plain.rejects)
        assert handed.warnings == plain.warnings

    def test_files_after_the_first_are_read_on_the_second_thread(
        self, folder, councils, monkeypatch
    ):
        import threading

        real, threads = io.read_csv_table, {}

        def recorded(path, name, *args, **kwargs):
            threads[name] = threading.current_thread().name
            return real(path, name, *args, **kwargs)

        monkeypatch.setattr(io, "read_csv_table", recorded)
        load_extract(folder, councils, read_ahead=True)
        # court_reports is the first table of the contract: read before validation starts
        assert threads["court_reports"] == threading.current_thread().name
        assert threads["cpos"].startswith("jsw-read")
        threads.clear()
        load_extract(folder, councils)
        assert set(threads.values()) == {threading.current_thread().name}

    def test_a_failure_while_reading_ahead_is_raised(self, folder, councils, monkeypatch):
        real = io.read_csv_table

        def broken(path, name, *args, **kwargs):
            if name == "cpos":
                raise RuntimeError("reader broke")
            return real(path, name, *args, **kwargs)

        monkeypatch.setattr(io, "read_csv_table", broken)
        with pytest.raises(RuntimeError, match="reader broke"):
            load_extract(folder, councils, read_ahead=True)
