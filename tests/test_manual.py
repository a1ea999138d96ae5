"""Manual figures: read from a small CSV, checked as ``jsw reconcile`` checks, problems named by
file,
row and column."""

from __future__ import annotations

import pytest

from jswlib.compute.indicators import load_definitions
from jswlib.core.errors import ExtractFileError, InputError
from jswlib.judge.manual import manual_path, read_manual

HEADER = "council,indicator,period,numerator,denominator,reported_value,target"


@pytest.fixture(scope="module")
def defs():
    return load_definitions()


@pytest.fixture(scope="module")
def aberdeen(defs):
    return defs.councils.get("Aberdeen City")


class TestManualPath:
    def test_default_place(self, aberdeen):
        path = manual_path(None, aberdeen)
        assert path.parts[-3:] == ("params", "manual", "aberdeen-city.csv")


class TestReadManual:
    def test_figures_recomputed_from_counts(self, write_csv, defs, aberdeen):
        path = write_csv(
            "m.csv",
            HEADER,
            "Aberdeen City,qa_case_file_audits,Q4 2025/26,18,20,90%,85",
            "S12000033,qa_case_file_audits,2024/25 Q4,7,8,87.5,",
        )
        got = read_manual(path, defs, aberdeen)
        # 18/20 = 90%; 7/8 = 87.5%. The file's target 85 is kept; the second row has none.
        assert list(got["period"]) == ["Q4 2025/26", "Q4 2024/25"]
        assert list(got["value"]) == [90.0, 87.5]
        assert got["target"].iloc[0] == 85.0 and got["target"].isna().iloc[1]
        assert list(got["row"]) == [2, 3]

    def test_missing_file_is_none(self, tmp_path, defs, aberdeen):
        assert read_manual(tmp_path / "none.csv", defs, aberdeen) is None

    def test_missing_file_when_required(self, tmp_path, defs, aberdeen):
        with pytest.raises(ExtractFileError, match="none.csv: file not found"):
            read_manual(tmp_path / "none.csv", defs, aberdeen, missing_ok=False)

    def test_count_that_is_not_a_number(self, write_csv, defs, aberdeen):
        path = write_csv(
            "m.csv",
            HEADER,
            "Aberdeen City,qa_case_file_audits,Q4 2025/26,18,20,,",
            "Aberdeen City,qa_case_file_audits,Q3 2025/26,eighteen,20,,",
        )
        with pytest.raises(InputError, match=r"m\.csv: row 3, column numerator 'eighteen': "):
            read_manual(path, defs, aberdeen)

    def test_indicator_not_in_the_catalogue(self, write_csv, defs, aberdeen):
        path = write_csv("m.csv", HEADER, "Aberdeen City,QA audits,Q4 2025/26,18,20,,")
        with pytest.raises(
            InputError,
            match=r"row 2, column indicator 'QA audits': not an indicator id of the catalogue",
        ):
            read_manual(path, defs, aberdeen)

    def test_another_councils_row(self, write_csv, defs, aberdeen):
        path = write_csv("m.csv", HEADER, "Fife,qa_case_file_audits,Q4 2025/26,18,20,,")
        with pytest.raises(
            InputError,
            match=r"row 2, column council 'Fife': this file holds the figures of Aberdeen",
        ):
            read_manual(path, defs, aberdeen)

    def test_same_period_twice(self, write_csv, defs, aberdeen):
        path = write_csv(
            "m.csv",
            HEADER,
            "Aberdeen City,qa_case_file_audits,Q4 2025/26,18,20,,",
            "Aberdeen,qa_case_file_audits,2025/26 Q4,17,20,,",
        )
        with pytest.raises(
            InputError, match=r"row 3, column period 'Q4 2025/26': the same council"
        ):
            read_manual(path, defs, aberdeen)

    def test_reported_value_that_does_not_match(self, write_csv, defs, aberdeen):
        # 18/20 = 90%, published as 80%.
        path = write_csv(
            "m.csv", HEADER, "Aberdeen City,qa_case_file_audits,Q4 2025/26,18,20,80%,"
        )
        with pytest.raises(
            InputError,
            match=r"row 2, column reported_value '80%': does not match the counts \(90 from 18/20\)",
        ):
            read_manual(path, defs, aberdeen)

    def test_counts_every_problem(self, write_csv, defs, aberdeen):
        path = write_csv(
            "m.csv",
            HEADER,
            "Aberdeen City,qa_case_file_audits,Q9 2025/26,18,20,,",
            "Aberdeen City,qa_case_file_audits,Q4 2025/26,21,20,,",
        )
        with pytest.raises(InputError, match=r"row 2, column period .*\(and 1 more problem\)$"):
            read_manual(path, defs, aberdeen)
