"""Tests for jswlib/core/io.py: the faults of reading and writing (issue 9, "Faults and bad
input").

Every case here once ended in a traceback, a silent success or a shifted table. Disk faults that
root cannot cause by file modes (a full disk, a read-only folder) are simulated by replacing the
low-level call that would fail.
"""

from __future__ import annotations

import errno
import os

import pytest

from jswlib.core import io
from jswlib.core.errors import ExtractFileError, InputError, OutputError, ParamsError

REPORTS = "report_id,council,person_id,report_type,requested_date,due_date,submitted_date"


class TestReadCsvTableShape:
    def test_a_trailing_comma_on_every_row_keeps_the_columns_in_place(self, write_csv):
        # Eight fields per row under a header of seven: pandas would take the first field as the
        # index and shift every column one place to the left (council <- P1).
        path = write_csv(
            "court_reports.csv",
            REPORTS,
            "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,2025-07-18,",
            "R2,Angus,P2,CJSWR,2025-07-01,2025-07-20,,",
        )
        raw = io.read_csv_table(path, "court_reports")
        assert raw.frame["report_id"].tolist() == ["R1", "R2"]
        assert raw.frame["council"].tolist() == ["Fife", "Angus"]
        assert raw.frame["person_id"].tolist() == ["P1", "P2"]
        assert list(raw.frame.columns) == REPORTS.split(",")

    def test_a_filled_field_beyond_the_header_is_an_error_naming_the_row(self, write_csv):
        path = write_csv(
            "court_reports.csv",
            REPORTS,
            "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,2025-07-18,",
            "R2,Angus,P2,CJSWR,2025-07-01,2025-07-20,,surplus",
        )
        with pytest.raises(ExtractFileError) as err:
            io.read_csv_table(path, "court_reports")
        # Row 3 in spreadsheet terms: header = 1, R1 = 2, R2 = 3.
        assert str(path) in str(err.value) and "row 3" in str(err.value)
        assert "P2" not in str(err.value)

    def test_an_unreadable_file_is_an_extract_file_error(self, write_csv, monkeypatch):
        path = write_csv("court_reports.csv", REPORTS, "R1,Fife,P1,CJSWR,2025-07-01,2025-07-20,")

        def denied(self, *args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))

        # The file is opened (to be read in blocks) or read whole: both are refused
        monkeypatch.setattr(type(path), "read_bytes", denied)
        monkeypatch.setattr(type(path), "open", denied)
        with pytest.raises(ExtractFileError, match="cannot be read.*Permission denied"):
            io.read_csv_table(path, "court_reports")


class TestReadJson:
    def test_invalid_json_names_the_file_and_line(self, tmp_path):
        path = tmp_path / "manifest.json"
        path.write_text('{\n  "extract_date": 2025-10-05\n}\n')
        with pytest.raises(InputError) as err:
            io.read_json(path)
        assert str(path) in str(err.value) and "line 2" in str(err.value)


class TestWriteAtomicFaults:
    def test_a_full_disk_is_an_output_error_and_leaves_nothing(self, tmp_path):
        def disk_full(tmp):
            tmp.write_bytes(b"half")
            raise OSError(errno.ENOSPC, "No space left on device")

        with pytest.raises(OutputError) as err:
            io.write_atomic(tmp_path / "kpis.csv", disk_full)
        assert str(tmp_path / "kpis.csv") in str(err.value)
        assert "no space left" in str(err.value).lower()
        assert os.listdir(tmp_path) == []

    def test_a_file_where_the_folder_should_be(self, tmp_path):
        blocker = tmp_path / "report.csv"
        blocker.write_text("a file, not a folder")
        with pytest.raises(OutputError, match="not a folder"):
            io.write_text(blocker / "rejects.csv", "x")


class TestCheckWritableFolder:
    def test_a_folder_that_can_be_written_is_created(self, tmp_path):
        io.check_writable_folder(tmp_path / "new" / "out")
        assert (tmp_path / "new" / "out").is_dir()
        assert os.listdir(tmp_path / "new" / "out") == []  # the probe is gone

    def test_a_file_in_its_place(self, tmp_path):
        (tmp_path / "out").write_text("x")
        with pytest.raises(OutputError, match="not a folder"):
            io.check_writable_folder(tmp_path / "out")

    def test_a_read_only_folder(self, tmp_path, monkeypatch):
        def read_only(*args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system")

        monkeypatch.setattr(io.tempfile, "mkstemp", read_only)
        with pytest.raises(OutputError, match="cannot be written.*Read-only"):
            io.check_writable_folder(tmp_path)


class TestDuplicateYamlKeys:
    def test_a_repeated_key_names_file_line_and_key(self, tmp_path):
        path = tmp_path / "targets.yaml"
        path.write_text("national:\n  targets:\n    a: 80\n    b: 70\n    a: 90\n")
        with pytest.raises(ParamsError) as err:
            io.read_yaml(path)
        # The second 'a' is on line 5.
        assert str(path) in str(err.value) and "line 5" in str(err.value)
        assert "'a'" in str(err.value)

    def test_the_same_key_in_different_mappings_is_fine(self, tmp_path):
        path = tmp_path / "x.yaml"
        path.write_text("one:\n  a: 1\ntwo:\n  a: 2\n")
        assert io.read_yaml(path) == {"one": {"a": 1}, "two": {"a": 2}}


class TestFolderLock:
    def test_a_second_lock_on_the_same_folder_is_refused(self, tmp_path):
        with io.folder_lock(tmp_path, "jsw batch"):
            with pytest.raises(InputError) as err, io.folder_lock(tmp_path, "jsw batch"):
                pass
            assert str(tmp_path) in str(err.value) and "another jsw batch" in str(err.value)
        with io.folder_lock(tmp_path, "jsw batch"):  # released: can be taken again
            pass


class TestRemoveStaleTemporaries:
    def test_only_temporary_files_of_atomic_writes_are_removed(self, tmp_path):
        (tmp_path / ".fife.html.ab12cd_3.tmp").write_text("half")
        (tmp_path / "fife.html").write_text("whole")
        (tmp_path / ".fife.inputs.json").write_text("{}")
        removed = io.remove_stale_temporaries(tmp_path)
        assert [p.name for p in removed] == [".fife.html.ab12cd_3.tmp"]
        assert sorted(os.listdir(tmp_path)) == [".fife.inputs.json", "fife.html"]


class TestReadJsonFields:
    def test_a_file_is_parsed_once_per_version(self, tmp_path, monkeypatch):
        path = tmp_path / "manifest.json"
        path.write_text('{"extract_date": "2026-04-15", "bad_rows": [1, 2], "synthetic": true}')
        calls = []
        real = io.read_json
        monkeypatch.setattr(io, "read_json", lambda p: calls.append(p) or real(p))
        fields = ("extract_date", "synthetic", "reported_from")
        first = io.read_json_fields(path, fields)
        assert first == {"extract_date": "2026-04-15", "synthetic": True}
        first["extract_date"] = "changed by a caller"  # a copy: the next caller is not affected
        assert io.read_json_fields(path, fields)["extract_date"] == "2026-04-15"
        assert len(calls) == 1
        path.write_text('{"extract_date": "2026-05-01"}')  # a new version (another size)
        assert io.read_json_fields(path, fields) == {"extract_date": "2026-05-01"}
        assert len(calls) == 2

    def test_a_missing_file_or_a_list_gives_none(self, tmp_path):
        assert io.read_json_fields(tmp_path / "nothing.json", ("a",)) is None
        (tmp_path / "list.json").write_text("[1, 2]")
        assert io.read_json_fields(tmp_path / "list.json", ("a",)) is None
