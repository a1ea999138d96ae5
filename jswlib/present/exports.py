"""Committee formats: the KPI workbook laid out as statistical publications lay out spreadsheets,
and CSV that Excel opens cleanly.

The workbook (:func:`build_workbook`) has a cover sheet (title, source, extract date, audience,
contact), a notes sheet, and one sheet per table: the table's title in cell A1, a line saying what
the sheet holds, then the table with readable column headings, its header row frozen, values
rounded half up and given a number format, suppressed cells marked with the same symbol as every
other output. Only the first table row of a sheet is a header; there are no merged or blank cells
inside a table. This follows the Government Analysis Function's guidance on releasing statistics
in spreadsheets (see docs/method-publishing.md, Committee formats).

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


def _column_values(column: pd.Series, kind: str | None) -> list[Any]:
    """What to write in each cell of a column: text as it is, blank when missing, and a number of
    a rounded kind rounded half up (in one pass over the column)."""
    values = column.tolist()
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


def _write_table(sheet, table: SheetTable, symbol: str) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.cell(row=1, column=1, value=table.title).font = Font(
        bold=True, size=_BOLD_SIZES["title"]
    )
    sheet.cell(row=2, column=1, value="This worksheet contains one table.")
    first_row = 3
    if table.description:
        sheet.cell(row=3, column=1, value=table.description)
        first_row = 4
    header_row = first_row
    columns = [str(c) for c in table.frame.columns]
    for j, name in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=j, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    right = Alignment(horizontal="right")
    kinds = [table.kinds.get(name) for name in columns]
    cells = [_column_values(table.frame.iloc[:, j], kind) for j, kind in enumerate(kinds)]
    for i, row in enumerate(zip(*cells), start=header_row + 1):
        for j, (kind, value) in enumerate(zip(kinds, row), start=1):
            cell = sheet.cell(row=i, column=j, value=value)
            if isinstance(value, str):
                cell.number_format = NUMBER_FORMATS["text"]
                if kind in DIGITS:  # a suppressed or missing number sits where numbers do
                    cell.alignment = right
            elif kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[kind]
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    for j, name in enumerate(columns, start=1):
        letter = sheet.cell(row=header_row, column=j).column_letter
        sheet.column_dimensions[letter].width = _width(table.frame.iloc[:, j - 1].tolist(), name)


def build_workbook(
    cover: Cover,
    notes: Sequence[tuple[str, str]],
    tables: Sequence[SheetTable],
    *,
    symbol: str = SUPPRESSED,
):
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
        The suppression symbol (named on the cover when any table holds it).

    Returns
    -------
    openpyxl.Workbook
        In memory; write it with :func:`jswlib.core.io.write_workbook`.

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
    never as text; a suppressed value is the text ``symbol``, right-aligned.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    names = [_check_sheet_name(t.sheet) for t in tables]
    if len(set(names)) != len(names) or {COVER_SHEET, NOTES_SHEET} & set(names):
        raise ValueError(
            f"sheet names must differ from each other and from Cover and Notes: {names}"
        )
    book = Workbook()
    sheet = book.active
    sheet.title = COVER_SHEET
    sheet.cell(row=1, column=1, value=cover.title).font = Font(
        bold=True, size=_BOLD_SIZES["title"]
    )
    rows = [
        ("Source", cover.source),
        ("Extract date", cover.extract_date.strftime("%-d %B %Y")),
        ("Audience", cover.audience),
        ("Contact", cover.contact),
        *cover.lines,
        (
            "Contents",
            "; ".join(f"{t.sheet}: {t.title}" for t in tables) + f"; {NOTES_SHEET}: notes",
        ),
    ]
    for i, (label, text) in enumerate(rows, start=3):
        sheet.cell(row=i, column=1, value=label).font = Font(
            bold=True, size=_BOLD_SIZES["heading"]
        )
        sheet.cell(row=i, column=2, value=text).alignment = Alignment(wrap_text=True)
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 100

    notes_sheet = book.create_sheet(NOTES_SHEET)
    _write_table(
        notes_sheet,
        SheetTable(
            NOTES_SHEET,
            "Notes",
            pd.DataFrame(list(notes), columns=["Note", "Text"]),
            description="Notes and symbols used in the tables of this workbook.",
        ),
        symbol,
    )
    for table in tables:
        _write_table(book.create_sheet(table.sheet), table, symbol)
    return book


def write_workbook(book, path: str | os.PathLike) -> Path:
    """Write a workbook from :func:`build_workbook` (atomically, through :mod:`jswlib.core.io`)."""
    return io.write_workbook(book, path)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a table as CSV in UTF-8 with a byte-order mark, so that Excel reads every character.

    Notes
    -----
    Excel reads a CSV without a byte-order mark in the computer's legacy code page, so "↑" and
    "–" come out garbled; with the mark it reads UTF-8. Python's ``utf-8-sig`` codec writes it.
    """
    return io.write_csv(frame, path, byte_order_mark=True)
