"""Tests for jswlib/data/validation.py and the fast CSV reader of jswlib/core/io.py: the fast ways
give exactly what the plain ways give.

The rules themselves are tested on tiny hand-made tables in tests/test_schema.py; here messy random
tables (blanks, missing tokens, padding, impossible dates, bad numbers, odd flags, duplicates) are
validated both ways and the outcomes compared cell for cell.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from jswlib.core import io
from jswlib.data.validation import (
    _FAST_SHAPES,
    _distinct,
    _iso_dates,
    _repeated,
    _same_length_prints,
    _text,
    _TypedColumn,
    parse_dates,
    validate_table,
)
from jswlib.definitions.schema import MISSING_TOKENS, TABLES

#: Cells drawn at random, by kind of column: good values and every sort of bad one.
POOLS = {
    "date": [
        "2025-07-01",
        "2024-02-29",
        "2023-02-29",
        "03/04/2025",
        " 2025-01-31 ",
        "31/02/2024",
        "1650-03-04",
        "1985-05-05",
        "2030-01-01",
        "2025-7-1",
        "2025-07-01 10:30:00",
        "not known",
        "",
        "NA",
        "-",
    ],
    "int": ["0", "12", " 40 ", "20", "150", "300", "12.0", "12.5", "-3", "abc", "", "n/a", "1e2"],
    "number": ["0", "1.5", "-2", "x", ""],
    "flag": ["Y", "N", "yes", "No", "TRUE", "f", "1", "0.0", "maybe", "", "null"],
    "council": ["Fife", "fife", "S12000047", "Glasgow City", "Atlantis", "", " Fife "],
    "text": ["a", " b ", "", "none"],
}


#: Good cells, drawn nineteen times in twenty (so that some rows pass every rule).
GOOD = {"date": "2020-01-01", "int": "5", "number": "0", "flag": "N", "council": "Fife"}


def _cell(kind, column, rng, ids):
    if kind in ("id", "ref"):
        return rng.choice(ids)
    if kind == "person":
        return rng.choice(["P1", "P2", "P3", "P4 "] if rng.random() < 0.95 else ["", "R3"])
    if kind == "category":
        allowed = list(column.allowed)
        if rng.random() < 0.95:
            return allowed[0]
        return rng.choice(allowed + [a.upper() for a in allowed] + ["other", ""])
    if rng.random() < 0.95 and kind in GOOD:
        return GOOD[kind]
    return rng.choice(POOLS[kind])


def messy_table(name: str, n: int, seed: int) -> pd.DataFrame:
    """A raw table of ``n`` rows of random cells (text), some ids used twice and some rows
    copied."""
    rng = np.random.default_rng(seed)
    ids = [f"R{i}" for i in range(n)] + ["", "P1"] * 5
    frame = pd.DataFrame(
        {c.name: [_cell(c.kind, c, rng, ids) for _ in range(n)] for c in TABLES[name].columns},
        dtype="string",
    )
    copies = frame.sample(n // 10, random_state=seed)  # exact copies: later ones are duplicates
    return pd.concat([frame, copies], ignore_index=True)


def assert_same(a, b):
    pd.testing.assert_frame_equal(a.accepted, b.accepted, check_exact=True)
    pd.testing.assert_frame_equal(a.rejects, b.rejects, check_exact=True)
    assert (a.rows_read, a.warnings) == (b.rows_read, b.warnings)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("name", ["cpos", "court_reports", "breaches", "exit_questionnaires"])
def test_checking_by_value_gives_what_checking_every_row_gives(name, seed, councils):
    raw = messy_table(name, 300, seed)
    fast = validate_table(
        raw, TABLES[name], councils, source="x.csv", extract_date=date(2026, 4, 15)
    )
    plain = validate_table(
        raw, TABLES[name], councils, source="x.csv", extract_date=date(2026, 4, 15), by_value=False
    )
    assert_same(fast, plain)
    # A test that cannot fail is a defect: the messy table must hit most rules
    assert fast.rows_rejected > 0 and fast.rows_accepted > 0
    assert fast.rejects["rule"].nunique() >= 6


def test_typed_columns_from_parquet_check_the_same_by_value(councils):
    """Parquet columns arrive typed (whole numbers, true/false, dates with blanks)."""
    raw = pd.DataFrame(
        {
            "order_id": ["A", "B", "C", "D"],
            "council": ["Fife", "Fife", "Angus", "Nowhere"],
            "person_id": ["P1", "P2", "P3", "P4"],
            "imposed_date": pd.to_datetime(["2025-07-01", None, "1980-01-01", "2025-08-01"]),
            "age_at_imposition": np.array([30, 12, 40, 200], dtype=np.int64),
            "has_upw": [True, False, True, False],
            "upw_hours_ordered": [100.0, np.nan, 80.5, 40.0],
        }
    )
    args = (raw, TABLES["cpos"], councils)
    fast = validate_table(*args, source="x.parquet")
    assert_same(fast, validate_table(*args, source="x.parquet", by_value=False))
    # B: imposed_date blank (required); C: before 1990; D: unknown council, age 200 out of range
    # (16-100 say the rules, see the contract); C's 80.5 hours not whole. A alone is accepted.
    assert fast.accepted["order_id"].tolist() == ["A"]


@pytest.mark.parametrize(
    "pool",
    [
        ["R1", "R2", "R3 ", "R3", None, "r1", "R10000000000"],  # padding must not make twins
        ["Ré1", "Ré1", "R1"],  # characters of two bytes: compared exactly
        ["x" * 70, "x" * 70 + "y", "x"],  # too long for a fingerprint: compared exactly
        # All of one length, read in place: 11 bytes (words at 0 and 3), 8, 16, and 2-byte
        # characters (13 bytes each)
        ["U-000000001", "U-000000002", "U-000000010", "V-000000001"],
        ["U0000001", "U0000002", "V0000001"],
        ["U-00000000000001", "U-00000000000002", "U-00000000000003"],
        ["Ué-00000000001", "Uè-00000000001", "Ué-00000000002"],
    ],
)
def test_repeated_values_are_those_pandas_finds(pool):
    rng = np.random.default_rng(5)
    lengths = {len(v.encode()) if v is not None else 0 for v in pool}
    width = lengths.pop() if len(lengths) == 1 else 0
    # Unique values too, of the pool's length when it has one (then all are read in place)
    unique = [f"W{i:0{width - 1}d}" if width else f"U{i}" for i in range(2000)]
    values = pd.Series(
        list(rng.choice(np.array(pool, dtype=object), 500)) + unique, dtype="string"
    )
    in_place = _same_length_prints(pa.array(values.array, type=pa.large_string()))
    assert (in_place is not None) == bool(width)
    expected = (values.notna() & values.duplicated(keep=False)).to_numpy()
    assert expected.sum() > 0 and (~expected).sum() >= 2000
    assert (_repeated(values) == expected).all()


def test_distinct_text_held_by_pyarrow():
    # Read in two blocks, as the CSV reader gives it: distinct values in order of first sight,
    # the missing value last: "b" 0, "a" 1, "" 2, missing 3.
    blocks = [["b", "a", None], ["b", ""]]
    raw = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(blocks, type=pa.large_string())))
    assert raw.dtype == pd.StringDtype("pyarrow")
    values, codes = _distinct(raw)
    assert values.dtype == pd.StringDtype("pyarrow")
    assert values.tolist() == ["b", "a", "", pd.NA]
    assert codes.tolist() == [0, 1, 3, 0, 2]
    # The same as pandas' factorize (the way for any other column)
    found, uniques = pd.factorize(raw, use_na_sentinel=True)
    assert values.iloc[:-1].tolist() == list(uniques)
    assert codes.tolist() == np.where(found < 0, len(uniques), found).tolist()


@pytest.mark.parametrize(
    "odd", [None, " R7", "R7\t", "\u00a0R7", "R7\u3000", "R\u00e97 ", "na", "NULL", " - ", ""]
)
def test_long_text_columns_are_trimmed_as_short_ones(odd):
    """Over 1,000 values the trim is skipped when no value starts or ends with white space."""
    values = [f"R{i}" for i in range(3000)] + ([odd] if odd is not None else [])
    column = pd.Series(values, dtype="string")
    plain = column.str.strip()
    expected = plain.mask(plain.str.lower().isin(MISSING_TOKENS))
    pd.testing.assert_series_equal(_text(column), expected)


def _both_ways(path, name):
    """The table read by read_csv_table (fast path) and by the general parser."""
    fast = io.read_csv_table(path, name)
    text = path.read_bytes().decode("utf-8-sig")
    plain = io.parse_csv_text(text, str(path))
    return fast, plain


def test_the_fast_csv_reader_keeps_every_cell_as_written(write_csv):
    path = write_csv(
        "court_reports.csv",
        "report_id,council,person_id,requested_date,upw_hours",
        'R1,Fife,P1,2025-07-01," 12"',
        'R2,"Angus, council",007,03/04/2025,012',
        'R3,Fife,"P\n3",,1e2',
    )
    fast, plain = _both_ways(path, "court_reports")
    assert isinstance(fast.frame["upw_hours"].dtype, pd.StringDtype)
    assert fast.frame.values.tolist() == [
        ["R1", "Fife", "P1", "2025-07-01", " 12"],
        ["R2", "Angus, council", "007", "03/04/2025", "012"],
        ["R3", "Fife", "P\n3", "", "1e2"],
    ]
    assert fast.frame.values.tolist() == plain.values.tolist()
    assert fast.rows.tolist() == [2, 3, 4]


def test_the_fast_csv_reader_gives_each_column_in_one_piece(write_csv):
    # About 3 MB: three blocks of the reader, which gives a piece of each column per block
    rows = [f"R{i},Fife,P{i},2025-07-01,{i % 50}" for i in range(120_000)]
    path = write_csv("court_reports.csv", "report_id,council,person_id,requested_date,x", *rows)
    assert path.stat().st_size > 3 * (1 << 20)
    frame = io.read_csv_table(path, "court_reports").frame
    assert frame["report_id"].iloc[-1] == "R119999" and len(frame) == 120_000
    for name in frame.columns:
        assert frame[name].array.__arrow_array__().num_chunks == 1, name


def _breaks_in_quotes(data: bytes) -> bool:
    """The plain way: walk the bytes, and say whether a line break comes after an odd number of
    quotes (so inside a quoted value)."""
    quotes = 0
    for byte in data:
        quotes += byte == ord('"')
        if byte in b"\r\n" and quotes % 2:
            return True
    return quotes % 2 == 1


@pytest.mark.parametrize("block", [20, 21, 23, 29, 64, 1 << 22])
def test_the_scan_finds_line_breaks_inside_quotes_in_any_block(tmp_path, monkeypatch, block):
    """Files whose every line break follows an even number of quotes are read line by line
    (quicker); the scan must see an odd count wherever it falls against the blocks."""
    monkeypatch.setattr(io, "_BLOCK", block)
    rng = np.random.default_rng(block)
    path = tmp_path / "court_reports.csv"
    seen = set()
    for _ in range(2000):
        body = bytes(rng.choice(list(b'aabbcc,"\r\n'), rng.integers(0, 120)).tolist())
        data = b"report_id,council\nR1,Fife\n" + body.replace(b"\n\n", b"\nx")
        path.write_bytes(data)
        scanned = io._scan_plain(path)
        if scanned is None:
            continue  # a blank line (a line end then a separator or one more): the general path
        seen.add(scanned[1])
        assert scanned[1] == _breaks_in_quotes(data), data
    assert seen == {True, False}


def test_quoted_values_on_one_line_are_read_line_by_line_as_the_general_path_reads_them(write_csv):
    path = write_csv(
        "court_reports.csv",
        "report_id,council,person_id",
        'R1,"Edinburgh, City of",P1',
        'R2,Fife,"P ""2"""',
        "R3,Fife,P3\r",
    )
    assert io._scan_plain(path)[1] is False  # no line break inside quotes
    fast, plain = _both_ways(path, "court_reports")
    assert fast.frame.values.tolist() == [
        ["R1", "Edinburgh, City of", "P1"],
        ["R2", "Fife", 'P "2"'],
        ["R3", "Fife", "P3"],
    ]
    assert fast.frame.values.tolist() == plain.values.tolist()


@pytest.mark.parametrize(
    "header, rows",
    [
        ("a,b", ["1,2,", "3,4,"]),  # trailing separators: the general path drops them
        ("a,b", ["1,2", "", "3,4"]),  # a blank line: not a record, but it keeps its row number
        ("a,a", ["1,2"]),  # repeated column names
        ("a,", ["1,2"]),  # a blank column name
    ],
)
def test_files_that_need_care_take_the_general_path(write_csv, header, rows):
    path = write_csv("court_reports.csv", header, *rows)
    raw = io.read_csv_table(path, "court_reports")
    text = path.read_bytes().decode("utf-8")
    general = io.parse_csv_text(text, str(path))
    assert raw.frame.shape[1] == general.shape[1]
    assert list(raw.frame.columns) == list(general.columns)


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path):
    path = tmp_path / "court_reports.csv"
    path.write_bytes(b"\xef\xbb\xbfreport_id,council\nR1,Fife\n")
    raw = io.read_csv_table(path, "court_reports")
    assert list(raw.frame.columns) == ["report_id", "council"]
    assert raw.frame.values.tolist() == [["R1", "Fife"]]


def test_council_and_category_columns_are_categoricals_of_every_allowed_value(councils):
    raw = pd.DataFrame(
        {
            "report_id": ["R1", "R2", "R3"],
            "council": ["Fife", "glasgow city", "Atlantis"],
            "person_id": ["P1", "P2", "P3"],
            "report_type": ["CJSWR", "cjswr", "CJSWR"],
            "court": ["sheriff SUMMARY"] * 3,
            "requested_date": ["2025-07-01"] * 3,
            "due_date": ["2025-07-20"] * 3,
        },
        dtype="string",
    )
    result = validate_table(raw, TABLES["court_reports"], councils, source="x.csv")
    council = result.accepted["council"]
    # R3: Atlantis is no council, so rejected; Glasgow City written in lower case is found
    assert council.tolist() == ["S12000047", "S12000049"]
    assert list(council.cat.categories) == [c.code for c in councils]  # all 32, in order
    kind = result.accepted["report_type"]
    assert kind.tolist() == ["CJSWR", "CJSWR"]  # the canonical spelling
    assert list(kind.cat.categories) == list(TABLES["court_reports"].column("report_type").allowed)
    assert result.accepted["court"].tolist() == ["Sheriff summary"] * 2


def test_day_first_dates_parsed_at_once_as_pandas_parses_them():
    # Every day around the leap days of 1900 (not a leap year: divisible by 100, not by 400) and
    # 2024 (a leap year), written DD/MM/YYYY, then impossible ones: 29 February 1900 and 2023,
    # 31 April, day 0, month 0, day 32, month 13.
    days = pd.date_range("1899-12-25", "1901-01-05").append(
        pd.date_range("2023-12-20", "2025-03-05")
    )
    bad = ["29/02/1900", "29/02/2023", "31/04/2025", "00/01/2025", "01/00/2025", "32/01/2025"]
    text = pd.Series([*days.strftime("%d/%m/%Y"), *bad, "01/13/2025"], dtype="string")
    dates, done = _iso_dates(text, _FAST_SHAPES[1])
    assert done[: len(days)].all() and not done[len(days) :].any()
    out = parse_dates(text)
    assert out.iloc[: len(days)].tolist() == list(days)
    assert out.iloc[len(days) :].isna().all()
    expected = pd.to_datetime(text.astype(object), format="%d/%m/%Y", errors="coerce")
    pd.testing.assert_series_equal(out, expected.astype("datetime64[ns]"), check_names=False)


def test_values_out_of_order_only_where_both_are_filled_in():
    # Dates by distinct value and code: rows a = 2 Jan, -, 5 Jan, -, 2 Jan and
    # b = 1 Jan, 1 Jan, 3 Jan, -, -: b before a on rows 1 and 3 only (a blank is never out of order)
    a = _TypedColumn(
        pd.Series(pd.to_datetime(["2025-01-02", None, "2025-01-05"])), np.array([0, 1, 2, 1, 0])
    )
    b = _TypedColumn(
        pd.Series(pd.to_datetime(["2025-01-01", "2025-01-03", None])), np.array([0, 0, 1, 2, 2])
    )
    assert (b.comparable() < a.comparable()).tolist() == [True, False, True, False, False]
    # Whole numbers held whole: 12 > 10, 5 against a blank, 3 < 7
    ordered = _TypedColumn(pd.Series([10, None, 7], dtype="Int64"))
    done = _TypedColumn(pd.Series([12, 5, 3], dtype="Int64"))
    assert (ordered.comparable() < done.comparable()).tolist() == [True, False, False]
    assert (done.comparable() < ordered.comparable()).tolist() == [False, False, True]
