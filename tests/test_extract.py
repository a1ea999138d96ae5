"""Tests for jswlib/core/io.py reading and jswlib/data/extract.py: whole data folders, file-level problems, formats."""

from __future__ import annotations

import pandas as pd
import pytest

from jswlib.core import io
from jswlib.data.extract import STATUS_ERROR, STATUS_NOT_SUPPLIED, STATUS_OK, load_extract

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
