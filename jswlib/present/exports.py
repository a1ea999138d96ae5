"""Committee formats: the KPI workbook laid out as statistical publications lay out spreadsheets,
and CSV that Excel opens cleanly.

The workbook (:func:`build_workbook`) has a cover sheet (title, source, extract date, audience,
contact), a notes sheet, and one sheet per table: the table's title in cell A1, a line saying what
the sheet holds, then the table with readable column headings, its header row frozen, values
rounded half up and given a number format, suppressed cells marked with the same symbol as every
other output. Only the first table row of a sheet is a header; there are no merged or blank cells
inside a table. This follows the Government Analysis Function's guidance on releasing statistics
in spreadsheets (see docs/method.md, Committee formats).

CSV is written in UTF-8 with a byte-order mark (:func:`write_csv`), so that Excel reads the arrows
and dashes of the report as they are.

This module builds the workbook in memory; :mod:`jswlib.core.io` writes it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jswlib.core import io
from jswlib.judge.disclosure import SUPPRESSED
from jswlib.judge.status import round_half_up

#: Number formats by kind of column: whole numbers with thousands separators, percentages as whole
#: numbers of percent (the value 80 means 80%, the heading says "(%)"), averages to one decimal.
NUMBER_FORMATS = {"count": "#,##0", "percentage": "0", "average": "#,##0.0", "text": "@"}
#: Decimal places a value of each kind is rounded to before it is written (halves up).
DIGITS = {"count": 0, "percentage": 0, "average": 1}
#: Widest column, in characters, and the narrowest.
MAX_WIDTH, MIN_WIDTH = 60, 8
#: Name of the cover and notes sheets.
COVER_SHEET, NOTES_SHEET = "Cover", "Notes"
_BOLD_SIZES = {"title": 14, "heading": 12}


@dataclass(frozen=True)
class Cover:
    """What the cover sheet says.

    Attributes
    ----------
    title : str
        The publication's title ("Justice Social Work performance: Orkney Islands, Q4 2025/26").
    source : str
        Where the figures come from, in words.
    extract_date : datetime.date
        The date of the extract the figures rest on.
    audience : str
        Who may see it, in words ("Public: small numbers suppressed").
    contact : str
        Whom to ask.
    lines : tuple of (str, str)
        Further rows of the cover (label, text), such as a warning that the data are synthetic.
    """

    title: str
    source: str
    extract_date: date
    audience: str
    contact: str
    lines: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SheetTable:
    """One table of the workbook, on a sheet of its own.

    Attributes
    ----------
    sheet : str
        The sheet's name (at most 31 characters; no ``[]:*?/\\``).
    title : str
        The table's title, written in cell A1.
    frame : pandas.DataFrame
        The table, its column names the headings readers see; suppressed cells hold the
        suppression symbol.
    kinds : mapping of str to str
        The kind of each numeric column (``count``, ``percentage``, ``average``); other columns
        are text.
    description : str
        A line under the title (what the table holds, what the symbols mean).
    """

    sheet: str
    title: str
    frame: pd.DataFrame
    kinds: Mapping[str, str] = field(default_factory=dict)
    description: str = ""


def _check_sheet_name(name: str) -> str:
    if not name or len(name) > 31 or any(ch in name for ch in "[]:*?/\\"):
        raise ValueError(
            f"sheet name {name!r}: use 1 to 31 characters, none of []:*?/\\ (Excel's rule)"
        )
    return name


def _column_values(values: list[Any], kind: str | None) -> list[Any]:
    """What to write in each cell of a column (its values, ``Series.tolist()``): text as it is,
    blank when missing, and a number of a rounded kind rounded half up (in one pass over the
    column)."""
    if kind not in DIGITS:
        return [
            None if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in values
        ]
    numbers = [
        i
        for i, v in enumerate(values)
        if not isinstance(v, str) and v is not None and not pd.isna(v)
    ]
    rounded = round_half_up(np.array([float(values[i]) for i in numbers]), DIGITS[kind])
    out = [v if isinstance(v, str) else None for v in values]
    for i, number in zip(numbers, rounded.tolist(), strict=True):
        out[i] = int(number) if DIGITS[kind] == 0 else number
    return out


def _width(values: Sequence[Any], heading: str) -> float:
    longest = max([len(str(heading)), *(len(str(v)) for v in values if v is not None)], default=0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))


class _Formats:
    """The cell formats of one workbook (XlsxWriter makes each format once per workbook)."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.made: dict[tuple, Any] = {}

    def __call__(self, **properties: Any) -> Any:
        key = tuple(sorted(properties.items()))
        if key not in self.made:
            self.made[key] = self.book.add_format(properties)
        return self.made[key]


def _write_table(sheet: Any, formats: _Formats, table: SheetTable) -> None:
    """One table on its sheet: title in A1, the one-table line, the description, the header row
    (frozen), then the rows."""
    sheet.write_string(0, 0, table.title, formats(bold=True, font_size=_BOLD_SIZES["title"]))
    sheet.write_string(1, 0, "This worksheet contains one table.")
    header = 2
    if table.description:
        sheet.write_string(2, 0, table.description)
        header = 3
    columns = [str(c) for c in table.frame.columns]
    heading = formats(bold=True, text_wrap=True, valign="bottom")
    for j, name in enumerate(columns):
        sheet.write_string(header, j, name, heading)
    kinds = [table.kinds.get(name) for name in columns]
    lists = [column.tolist() for _, column in table.frame.items()]  # each column once
    cells = [_column_values(v, kind) for v, kind in zip(lists, kinds, strict=True)]
    text = formats(num_format=NUMBER_FORMATS["text"])
    text_right = formats(num_format=NUMBER_FORMATS["text"], align="right")
    number = {kind: formats(num_format=NUMBER_FORMATS[kind]) for kind in DIGITS}
    for j, (kind, values) in enumerate(zip(kinds, cells, strict=True)):
        for i, value in enumerate(values, start=header + 1):
            if value is None:
                continue
            if isinstance(value, str):
                # a suppressed or missing number sits where numbers do: right-aligned
                sheet.write_string(i, j, value, text_right if kind in DIGITS else text)
            elif isinstance(value, (bool, np.bool_)):
                sheet.write_boolean(i, j, bool(value))
            elif isinstance(value, (int, float, np.integer, np.floating)):
                sheet.write_number(i, j, value, number.get(kind))
            else:
                sheet.write_string(i, j, str(value))
        sheet.set_column(j, j, _width(lists[j], columns[j]))
    sheet.freeze_panes(header + 1, 0)


@dataclass(frozen=True)
class Workbook:
    """The KPI workbook in memory, from :func:`build_workbook`; :meth:`to_bytes` gives the
    ``.xlsx`` file, which :func:`write_workbook` writes.

    Attributes
    ----------
    cover : Cover
    notes : tuple of (str, str)
    tables : tuple of SheetTable
    """

    cover: Cover
    notes: tuple[tuple[str, str], ...]
    tables: tuple[SheetTable, ...]

    @property
    def sheetnames(self) -> list[str]:
        """The sheets, in order: the cover, the notes, then a sheet per table."""
        return [COVER_SHEET, NOTES_SHEET, *(t.sheet for t in self.tables)]

    def to_bytes(self) -> bytes:
        """The workbook as an ``.xlsx`` file, made in memory with XlsxWriter."""
        from io import BytesIO

        import xlsxwriter

        buffer = BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        formats = _Formats(book)
        cover = self.cover
        sheet = book.add_worksheet(COVER_SHEET)
        sheet.write_string(0, 0, cover.title, formats(bold=True, font_size=_BOLD_SIZES["title"]))
        rows = [
            ("Source", cover.source),
            ("Extract date", cover.extract_date.strftime("%-d %B %Y")),
            ("Audience", cover.audience),
            ("Contact", cover.contact),
            *cover.lines,
            (
                "Contents",
                "; ".join(f"{t.sheet}: {t.title}" for t in self.tables)
                + f"; {NOTES_SHEET}: notes",
            ),
        ]
        label = formats(bold=True, font_size=_BOLD_SIZES["heading"])
        wrapped = formats(text_wrap=True)
        for i, (name, text) in enumerate(rows, start=2):
            sheet.write_string(i, 0, str(name), label)
            sheet.write_string(i, 1, str(text), wrapped)
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, 1, 100)
        notes = SheetTable(
            NOTES_SHEET,
            "Notes",
            pd.DataFrame(list(self.notes), columns=["Note", "Text"]),
            description="Notes and symbols used in the tables of this workbook.",
        )
        for table in (notes, *self.tables):
            _write_table(book.add_worksheet(table.sheet), formats, table)
        book.close()
        return buffer.getvalue()


def build_workbook(
    cover: Cover,
    notes: Sequence[tuple[str, str]],
    tables: Sequence[SheetTable],
    *,
    symbol: str = SUPPRESSED,
) -> Workbook:
    """The KPI workbook: a cover sheet, a notes sheet and one sheet per table.

    Parameters
    ----------
    cover : Cover
        What the cover says.
    notes : sequence of (str, str)
        The notes, as (number or symbol, text): ``("[c]", "Suppressed to protect privacy...")``.
    tables : sequence of SheetTable
        The tables, a sheet each, in order.
    symbol : str, default :data:`jswlib.judge.disclosure.SUPPRESSED`
        The suppression symbol (the tables hold it as text, right-aligned where numbers are).

    Returns
    -------
    Workbook
        In memory; write it with :func:`write_workbook`.

    Raises
    ------
    ValueError
        For a sheet name Excel does not accept, or two tables with the same sheet name.

    Notes
    -----
    Convention: the layout of the Government Analysis Function's guidance on releasing statistics
    in spreadsheets: a cover sheet first, notes on a sheet of their own, one table per sheet with
    its title in A1 and one header row (frozen), no merged cells, no blank rows inside a table,
    values rounded half up (docs/method.md, Rounding) and held as numbers with a number format,
    never as text; a suppressed value is the text ``symbol``, right-aligned. Text is written as
    text, never read as a formula. The file is written by XlsxWriter (several times faster than
    building the sheets cell by cell in openpyxl); the tests read it back with openpyxl.
    """
    names = [_check_sheet_name(t.sheet) for t in tables]
    if len(set(names)) != len(names) or {COVER_SHEET, NOTES_SHEET} & set(names):
        raise ValueError(
            f"sheet names must differ from each other and from Cover and Notes: {names}"
        )
    return Workbook(cover, tuple((str(a), str(b)) for a, b in notes), tuple(tables))


def write_workbook(book: Workbook, path: str | os.PathLike) -> Path:
    """Write a workbook from :func:`build_workbook` (atomically, through :mod:`jswlib.core.io`)."""
    return io.write_bytes(book.to_bytes(), path)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a table as CSV in UTF-8 with a byte-order mark, so that Excel reads every character.

    Notes
    -----
    Excel reads a CSV without a byte-order mark in the computer's legacy code page, so "↑" and
    "–" come out garbled; with the mark it reads UTF-8. Python's ``utf-8-sig`` codec writes it.
    """
    return io.write_csv(frame, path, byte_order_mark=True)
