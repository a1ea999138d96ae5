"""Tests for jswlib.present.exports: the KPI workbook (cover, notes, one sheet per table, readable
headers, rounded values with number formats, frozen header, suppressed cells) and CSV with a
byte-order mark. Each workbook is written to a temporary folder and opened with openpyxl."""

from __future__ import annotations

from datetime import date

import openpyxl
import pandas as pd
import pytest

from jswlib.present.exports import Cover, SheetTable, build_workbook, write_csv, write_workbook

COVER = Cover(
    title="Justice Social Work performance: Orkney Islands, Q4 2025/26",
    source="Case records of the council's justice social work service",
    extract_date=date(2026, 4, 15),
    audience="Public: small numbers suppressed",
    contact="Performance team",
    lines=(("Data", "Synthetic: not real people"),),
)
KPIS = pd.DataFrame(
    {
        "KPI": ["CPO first contact within 1 working day", "DTTO first contact"],
        "Actual (%)": [79.78142076502732, "[c]"],
        "Cases": [183, 7],
        "Average days": [12.25, None],
    }
)


def _book(tmp_path, tables=None):
    tables = tables or [
        SheetTable(
            "KPIs",
            "Key performance indicators, Orkney Islands, Q4 2025/26",
            KPIS,
            kinds={"Actual (%)": "percentage", "Cases": "count", "Average days": "average"},
            description="[c]: suppressed to protect privacy.",
        )
    ]
    book = build_workbook(COVER, [("[c]", "Suppressed to protect privacy")], tables)
    path = write_workbook(book, tmp_path / "kpis.xlsx")
    return openpyxl.load_workbook(path)


class TestBuildWorkbook:
    def test_sheets_in_order(self, tmp_path):
        assert _book(tmp_path).sheetnames == ["Cover", "Notes", "KPIs"]

    def test_cover(self, tmp_path):
        sheet = _book(tmp_path)["Cover"]
        assert sheet["A1"].value == COVER.title
        labels = {
            sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value
            for r in range(3, 10)
        }
        assert labels["Source"] == COVER.source
        assert labels["Extract date"] == "15 April 2026"
        assert labels["Audience"] == COVER.audience
        assert labels["Contact"] == COVER.contact
        assert labels["Data"] == "Synthetic: not real people"
        assert "KPIs: Key performance indicators" in labels["Contents"]

    def test_notes(self, tmp_path):
        sheet = _book(tmp_path)["Notes"]
        assert sheet["A1"].value == "Notes"
        assert [c.value for c in sheet[4]] == ["Note", "Text"]
        assert [c.value for c in sheet[5]] == ["[c]", "Suppressed to protect privacy"]

    def test_table_title_headers_and_frozen_header(self, tmp_path):
        sheet = _book(tmp_path)["KPIs"]
        assert sheet["A1"].value.startswith("Key performance indicators")
        assert sheet["A2"].value == "This worksheet contains one table."
        # title, one-table line, description, then the header in row 4; frozen below it
        assert [c.value for c in sheet[4]] == ["KPI", "Actual (%)", "Cases", "Average days"]
        assert sheet.freeze_panes == "A5"

    def test_rounded_values_and_number_formats(self, tmp_path):
        sheet = _book(tmp_path)["KPIs"]
        # 79.78142... rounds half up to 80, held as a number formatted as a whole number
        assert sheet["B5"].value == 80
        assert sheet["B5"].number_format == "0"
        assert sheet["C5"].value == 183
        assert sheet["C5"].number_format == "#,##0"
        # 12.25 to one decimal, halves up: 12.3
        assert sheet["D5"].value == pytest.approx(12.3)
        assert sheet["D5"].number_format == "#,##0.0"

    def test_suppressed_and_missing_cells(self, tmp_path):
        sheet = _book(tmp_path)["KPIs"]
        assert sheet["B6"].value == "[c]"
        assert sheet["B6"].alignment.horizontal == "right"
        assert sheet["D6"].value is None

    def test_bad_sheet_names(self, tmp_path):
        with pytest.raises(ValueError, match="sheet name"):
            build_workbook(COVER, [], [SheetTable("a/b", "t", KPIS)])
        with pytest.raises(ValueError, match="differ"):
            build_workbook(COVER, [], [SheetTable("Notes", "t", KPIS)])


class TestWriteCsv:
    def test_byte_order_mark_and_arrows(self, tmp_path):
        frame = pd.DataFrame({"Direction": ["\u2191 Improved"], "Actual (%)": ["[c]"]})
        path = write_csv(frame, tmp_path / "kpis.csv")
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte-order mark
        assert raw[3:].decode("utf-8") == "Direction,Actual (%)\n\u2191 Improved,[c]\n"
