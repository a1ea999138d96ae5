"""Tests for jswlib/judge/reconcile.py: recomputing published figures from their counts and
checking them.

Every expected value is worked out by hand in the comments (percentages, half-up rounding, Wilson
limits), never copied from the code's output. Targets and RAG schemes are those of the real
params/targets.yaml: Glasgow City uses the two-state scheme with reports_by_due_date 80 and
upw_completed_in_time 70; every other council uses the national three-state scheme (Amber within 5
points); Fife has no targets.
"""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from jswlib.cli import EXIT_DATA, EXIT_OK
from jswlib.cli.reconcile import add_parser as add_reconcile_parser
from jswlib.cli.reconcile import cmd_reconcile
from jswlib.compute.indicators import load_definitions
from jswlib.core.errors import InputError
from jswlib.core.io import ExtractFileError
from jswlib.judge.reconcile import (
    OUTPUT_COLUMNS,
    PROBLEM_COLUMNS,
    REQUIRED_COLUMNS,
    PublishedNumber,
    parse_published_number,
    read_published,
    reconcile,
)

REPO = Path(__file__).resolve().parent.parent
HEADER = "council,indicator,period,numerator,denominator,reported_value,target"


@pytest.fixture(scope="module")
def defs():
    """Catalogue, councils and targets from the real params folder."""
    return load_definitions(REPO / "params")


def published(*rows: str, header: str = HEADER) -> pd.DataFrame:
    """A published-figures frame from CSV-like lines (text cells, as read_published gives them)."""
    return pd.DataFrame(list(csv.reader(rows)), columns=header.split(","), dtype=object)


def one(defs, row: str) -> pd.Series:
    """Reconcile a single row that must have no problem; return its output record."""
    done, problems = reconcile(published(row), defs)
    assert problems.empty, problems.to_dict("records")
    assert len(done) == 1
    return done.iloc[0]


def run(tmp_path, csv_text: str, *extra: str) -> tuple[int, Path]:
    """Run the reconcile subcommand as the jsw parser would; return the exit code and the output
    path."""
    source = tmp_path / "published.csv"
    source.write_text(csv_text, encoding="utf-8")
    out = tmp_path / "out" / "reconciled.csv"
    parser = argparse.ArgumentParser()
    parser.add_argument("--params")
    sub = parser.add_subparsers(dest="command")
    add_reconcile_parser(sub)
    args = parser.parse_args(
        ["--params", str(REPO / "params"), "reconcile", str(source), "--out", str(out), *extra]
    )
    return args.func(args), out


class TestParsePublishedNumber:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("88", PublishedNumber(88.0, 0, False)),
            ("87.5", PublishedNumber(87.5, 1, False)),
            ("88%", PublishedNumber(88.0, 0, True)),
            (" 87.5 % ", PublishedNumber(87.5, 1, True)),
            (
                "87.50",
                PublishedNumber(87.5, 2, False),
            ),  # the precision as written, not as a float shows it
            ("0", PublishedNumber(0.0, 0, False)),
            (".5", PublishedNumber(0.5, 1, False)),
            ("1,234", PublishedNumber(1234.0, 0, False)),
            ("12,345.6", PublishedNumber(12345.6, 1, False)),
        ],
    )
    def test_value_decimals_and_percent_sign(self, text, expected):
        assert parse_published_number(text) == expected

    @pytest.mark.parametrize(
        "text", ["", "%", "abc", "8 8", "1,23", "88.", "88%%", "about 80", "1e2"]
    )
    def test_not_a_number(self, text):
        with pytest.raises(ValueError, match="not a number"):
            parse_published_number(text)

    def test_negative(self):
        with pytest.raises(ValueError, match="negative"):
            parse_published_number("-3")


class TestReadPublished:
    def test_text_cells_indexed_by_spreadsheet_row(self, write_csv):
        path = write_csv(
            "pub.csv",
            HEADER,
            "Glasgow City,reports_by_due_date,Q2 2025/26,41,50,80,",
            "",
            "Fife,x,2025Q2,007,8,,",
        )
        frame = read_published(path)
        assert frame.index.tolist() == [2, 4]  # the blank line 3 is not a record
        assert frame.index.name == "row"
        assert frame.attrs["blank_rows"] == 1 and frame.attrs["source"] == str(path)
        assert frame.loc[4, "numerator"] == "007"  # text, leading zeros kept
        assert frame.loc[2, "reported_value"] == "80" and frame.loc[2, "target"] == ""

    def test_published_precision_is_kept_as_written(self, write_csv):
        # Read as numbers, "87.50" would become 87.5 and its two decimals would be lost.
        path = write_csv(
            "pub.csv", HEADER, "Fife,x,Q2 2025/26,7,8,87.50,80.0", "Fife,x,Q2 2025/26,7,8,88,"
        )
        frame = read_published(path)
        assert frame["reported_value"].tolist() == ["87.50", "88"]
        assert frame["target"].tolist() == ["80.0", ""]

    def test_headers_ignore_case_and_spaces(self, write_csv):
        path = write_csv(
            "pub.csv",
            " Council ,Indicator,PERIOD,Numerator,Denominator,Reported value",
            "Fife,x,Q1 2025/26,1,2,50",
        )
        frame = read_published(path)
        assert set(REQUIRED_COLUMNS) <= set(frame.columns) and "reported_value" in frame.columns

    def test_optional_columns_may_be_absent(self, write_csv):
        path = write_csv(
            "pub.csv", "council,indicator,period,numerator,denominator", "Fife,x,Q1 2025/26,1,2"
        )
        assert len(read_published(path)) == 1

    def test_missing_column_names_the_file_and_the_column(self, write_csv):
        path = write_csv("pub.csv", "council,indicator,period,numerator", "Fife,x,Q1 2025/26,1")
        with pytest.raises(ExtractFileError, match=r"pub\.csv: missing column\(s\) denominator"):
            read_published(path)

    def test_column_given_twice(self, write_csv):
        path = write_csv(
            "pub.csv", "council,Council,indicator,period,numerator,denominator", "a,b,c,d,1,2"
        )
        with pytest.raises(ExtractFileError, match="more than once: council"):
            read_published(path)

    def test_empty_file(self, tmp_path):
        path = tmp_path / "empty.csv"
        path.write_text("\n\n", encoding="utf-8")
        with pytest.raises(ExtractFileError, match=r"empty\.csv: the file is empty"):
            read_published(path)

    def test_not_utf8_names_the_line(self, write_csv):
        path = write_csv(
            "pub.csv", HEADER, "Fife,Caf\u00e9 referrals,Q1 2025/26,1,2,50,", encoding="cp1252"
        )
        with pytest.raises(
            ExtractFileError, match=r"pub\.csv: line 2: byte 0xe9 is not valid UTF-8"
        ):
            read_published(path)

    def test_file_not_found(self, tmp_path):
        with pytest.raises(ExtractFileError, match=r"nowhere\.csv: file not found"):
            read_published(tmp_path / "nowhere.csv")


class TestReconcileMatching:
    def test_wrong_published_percentage_is_found(self, defs):
        # 41/50 = 82%: published as 80, so it does not match; the difference is 80 - 82 = -2
        # points.
        r = one(defs, "Glasgow City,reports_by_due_date,Q2 2025/26,41,50,80,")
        assert r["recomputed_value"] == 82.0
        assert r["recomputed_display"] == "82"
        assert bool(r["matches_reported"]) is False
        assert r["difference"] == -2.0

    @pytest.mark.parametrize(
        ("reported", "display", "decimals", "matches"),
        [
            (
                "88",
                "88",
                0,
                True,
            ),  # 7/8 = 87.5, rounded half up to 0 dp is 88 (not 88 by luck: round-to-even too)
            ("88%", "88", 0, True),
            ("87", "88", 0, False),  # what truncation would publish
            ("87.5", "87.5", 1, True),  # published at 1 dp
            ("87.50", "87.50", 2, True),
            ("87.6", "87.5", 1, False),
        ],
    )
    def test_seven_of_eight_at_the_published_precision(
        self, defs, reported, display, decimals, matches
    ):
        r = one(defs, f"Fife,reports_by_due_date,Q2 2025/26,7,8,{reported},")
        assert r["recomputed_value"] == 87.5
        assert (r["recomputed_display"], r["decimals"], bool(r["matches_reported"])) == (
            display,
            decimals,
            matches,
        )

    def test_half_rounds_up_where_python_rounds_to_even(self, defs):
        # 1/8 = 12.5%: halves up gives 13, Python's round(12.5) gives 12.
        r = one(defs, "Fife,reports_by_due_date,Q2 2025/26,1,8,13,")
        assert r["recomputed_display"] == "13" and bool(r["matches_reported"])
        assert round(12.5) == 12

    def test_without_a_reported_value(self, defs):
        r = one(defs, "Fife,reports_by_due_date,Q2 2025/26,7,8,,")
        # 0 dp when nothing was published
        assert r["recomputed_display"] == "88" and r["decimals"] == 0
        assert pd.isna(r["matches_reported"]) and pd.isna(r["difference"])
        assert r["reported_value"] == ""

    def test_suppressed_published_value_is_noted_not_a_problem(self, defs):
        r = one(defs, "Fife,reports_by_due_date,Q2 2025/26,3,4,[c],")
        assert pd.isna(r["matches_reported"])
        assert "'[c]'" in r["note"] and "nothing to compare" in r["note"]


class TestReconcileIndicators:
    def test_free_text_indicator_is_a_percentage_higher_is_better_and_says_so(self, defs):
        r = one(defs, "Fife,Court reports submitted on time,Q2 2025/26,41,50,82,")
        assert r["indicator"] == "Court reports submitted on time"
        assert r["indicator_id"] == "" and not r["indicator_known"]
        assert (r["polarity"], r["unit"], bool(r["polarity_assumed"])) == ("higher", "%", True)
        assert "not in the catalogue" in r["note"] and "higher is better" in r["note"]
        assert r["recomputed_value"] == 82.0 and bool(r["matches_reported"])

    def test_near_miss_of_a_catalogue_id_is_suggested(self, defs):
        r = one(defs, "Fife,reports_by_due_dat,Q2 2025/26,41,50,,")
        assert "did you mean 'reports_by_due_date'?" in r["note"]

    def test_catalogue_id_ignores_case_and_spaces(self, defs):
        r = one(defs, "Fife, Reports_By_Due_Date ,Q2 2025/26,41,50,,")
        assert r["indicator_id"] == "reports_by_due_date" and not r["polarity_assumed"]

    def test_count_indicator_is_the_numerator(self, defs):
        # cpos_imposed is a count (unit number, neutral): the value is the numerator; no
        # denominator needed.
        r = one(defs, 'Fife,cpos_imposed,Q2 2025/26,1234,,"1,234",')
        assert r["recomputed_value"] == 1234.0 and bool(r["matches_reported"])
        assert r["rag"] == "No target"
        assert pd.isna(r["low_numbers"]) and pd.isna(r["ci_lower"]) and pd.isna(r["ci_upper"])

    def test_count_rag_only_with_a_target_and_a_direction(self, defs):
        # diversion_successful: a count where higher is better. 25 against 20 is Green; with no
        # target, none.
        assert one(defs, "Fife,diversion_successful,Q2 2025/26,25,,25,20")["rag"] == "Green"
        assert one(defs, "Fife,diversion_successful,Q2 2025/26,25,,25,")["rag"] == "No target"
        # cpos_imposed is neutral: a target in the file gives no RAG status, and the note says why.
        r = one(defs, "Fife,cpos_imposed,Q2 2025/26,25,,25,20")
        assert r["rag"] == "No target" and "neutral indicator" in r["note"]

    def test_count_mismatch(self, defs):
        r = one(defs, "Fife,cpos_imposed,Q2 2025/26,120,,112,")
        assert not r["matches_reported"] and r["difference"] == -8.0

    def test_average_is_numerator_over_denominator(self, defs):
        # upw_average_days_to_complete: 905 days over 10 completions = 90.5 days, published as 91
        # (halves up).
        r = one(defs, "Fife,upw_average_days_to_complete,Q2 2025/26,905,10,91,")
        assert (
            r["recomputed_value"] == 90.5
            and r["recomputed_display"] == "91"
            and bool(r["matches_reported"])
        )


class TestReconcileCouncilsAndPeriods:
    @pytest.mark.parametrize(
        ("written", "name", "code"),
        [
            ("Edinburgh, City of", "City of Edinburgh", "S12000036"),  # alias
            ("S12000046", "Glasgow City", "S12000049"),  # retired GSS code
            ("glasgow city", "Glasgow City", "S12000049"),
            ("Argyll & Bute", "Argyll and Bute", "S12000035"),
            ("S12000015", "Fife", "S12000047"),
        ],
    )
    def test_any_name_alias_or_code(self, defs, written, name, code):
        r = one(defs, f'"{written}",reports_by_due_date,Q2 2025/26,41,50,,')
        assert (r["council"], r["council_code"]) == (name, code)

    @pytest.mark.parametrize(
        "written", ["Q2 2025/26", "2025/26 Q2", "2025Q2", "q2 2025-26", "2025 Q2"]
    )
    def test_periods_are_canonical(self, defs, written):
        assert one(defs, f"Fife,reports_by_due_date,{written},41,50,,")["period"] == "Q2 2025/26"

    def test_other_frequencies(self, defs):
        assert one(defs, "Fife,reports_by_due_date,2025-26,41,50,,")["period"] == "2025/26"
        assert one(defs, "Fife,reports_by_due_date,July 2025,41,50,,")["period"] == "Jul 2025"


class TestReconcileTargetsAndRag:
    def test_params_target_and_glasgow_two_state_scheme(self, defs):
        # Glasgow's target for reports_by_due_date is 80: 82 is Green under its two-state scheme.
        r = one(defs, "Glasgow City,reports_by_due_date,Q2 2025/26,41,50,82,")
        assert (r["target"], r["target_source"], r["rag"], r["rag_scheme"]) == (
            80.0,
            "council",
            "Green",
            "two_state",
        )

    def test_glasgow_65_against_70_is_red(self, defs):
        # Glasgow Q2 2025/26 update: 65% against a 70% target is Red (two-state: no Amber). 13/20 =
        # 65%.
        r = one(defs, "Glasgow City,upw_completed_in_time,Q2 2025/26,13,20,65%,")
        assert (r["target"], r["rag"]) == (70.0, "Red")

    def test_exactly_at_target_is_green(self, defs):
        # 14/20 = 70% against 70
        r = one(defs, "Glasgow City,upw_completed_in_time,Q2 2025/26,14,20,70,")
        assert r["rag"] == "Green"

    def test_file_target_wins_over_params(self, defs):
        # Same 82% for Glasgow, but the file says the target was 85: Red, and the source says
        # "file".
        r = one(defs, "Glasgow City,reports_by_due_date,Q2 2025/26,41,50,82,85")
        assert (r["target"], r["target_source"], r["rag"]) == (85.0, "file", "Red")

    def test_file_target_with_percent_sign(self, defs):
        assert (
            one(defs, "Glasgow City,reports_by_due_date,Q2 2025/26,41,50,82,85%")["target"] == 85.0
        )

    def test_national_default_target_for_fife(self, defs):
        # Fife sets none: the national default of 80% for reports to court; 82 is Green.
        r = one(defs, "Fife,reports_by_due_date,Q2 2025/26,41,50,82,")
        assert (r["target"], r["target_source"], r["rag"]) == (80.0, "national default", "Green")
        assert r["rag_scheme"] == "three_state"

    def test_no_target_without_one(self, defs):
        # cpo_first_contact has no target, national or Fife's.
        r = one(defs, "Fife,cpo_first_contact,Q2 2025/26,41,50,82,")
        assert r["rag"] == "No target" and r["target_source"] == "" and pd.isna(r["target"])

    def test_three_state_amber_for_other_councils(self, defs):
        # Fife uses the national three-state scheme (Amber within 5 points): 87.5 against 90 is 2.5
        # short.
        assert one(defs, "Fife,reports_by_due_date,Q2 2025/26,7,8,88,90")["rag"] == "Amber"
        # 41/50 = 82 against 90 is 8 points short: Red.
        assert one(defs, "Fife,reports_by_due_date,Q2 2025/26,41,50,82,90")["rag"] == "Red"

    def test_free_text_gets_the_file_target_only(self, defs):
        r = one(defs, "Glasgow City,Reports on time,Q2 2025/26,41,50,82,")
        assert r["rag"] == "No target"  # no params target: the free text is no catalogue id
        r = one(defs, "Glasgow City,Reports on time,Q2 2025/26,41,50,82,80")
        assert (r["rag"], r["target_source"]) == ("Green", "file")

    def test_the_published_value_is_judged(self, defs):
        # 139/200 = 69.5% shows as 70 (halves up) and is judged as shown: Green against 70 under
        # Glasgow's two-state scheme, so the word agrees with the figure.
        r = one(defs, "Glasgow City,upw_completed_in_time,Q2 2025/26,139,200,70,")
        assert (
            r["recomputed_display"] == "70" and bool(r["matches_reported"]) and r["rag"] == "Green"
        )
        # 69.4% shows as 69: Red.
        r = one(defs, "Glasgow City,upw_completed_in_time,Q2 2025/26,347,500,69,")
        assert r["rag"] == "Red"


class TestReconcileLowNumbersAndIntervals:
    def test_low_numbers_under_ten(self, defs):
        assert bool(one(defs, "Fife,reports_by_due_date,Q2 2025/26,8,9,,")["low_numbers"]) is True
        assert (
            bool(one(defs, "Fife,reports_by_due_date,Q2 2025/26,9,10,,")["low_numbers"]) is False
        )

    def test_wilson_interval_for_41_of_50(self, defs):
        # Closed form: (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n), p = 0.82, n = 50, z =
        # 1.96: centre 0.858415, half-width 0.113208, scale 1.076829 -> 0.69203 and 0.90230, i.e.
        # 69.2% and 90.2%.
        p, n, z = 41 / 50, 50, 1.959963984540054
        centre = p + z * z / (2 * n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        lower, upper = (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)
        assert (round(lower, 4), round(upper, 4)) == (0.692, 0.9023)
        r = one(defs, "Glasgow City,reports_by_due_date,Q2 2025/26,41,50,82,")
        assert (r["ci_lower"], r["ci_upper"]) == (69.2, 90.2)
        assert (
            abs(r["ci_lower"] - 100 * lower) <= 0.05 and abs(r["ci_upper"] - 100 * upper) <= 0.05
        )

    def test_interval_ends_at_0_and_100(self, defs):
        assert one(defs, "Fife,reports_by_due_date,Q2 2025/26,0,5,,")["ci_lower"] == 0.0
        assert one(defs, "Fife,reports_by_due_date,Q2 2025/26,5,5,,")["ci_upper"] == 100.0


class TestReconcileProblems:
    ROWS = (
        "Glasgow City,reports_by_due_date,Q2 2025/26,41,50,80,",  # row 2: fine (a mismatch is not a problem)
        "Gotham,reports_by_due_date,Q2 2025/26,5,10,50,",  # row 3: unknown council
        "Fife,reports_by_due_date,Q2 2025/26,12,10,,",  # row 4: numerator above denominator
        "Fife,reports_by_due_date,Q5 2025/26,5,10,,",  # row 5: no fifth quarter
        "Fife,reports_by_due_date,Q2 2025/26,0,0,,",  # row 6: denominator 0
        "Fife,Court reports,Q2 2025/26,7,8,88,",  # row 7: fine
    )

    def test_problem_rows_are_listed_with_row_numbers_and_reasons(self, defs):
        done, problems = reconcile(published(*self.ROWS), defs, source="pub.csv")
        assert list(problems.columns) == list(PROBLEM_COLUMNS)
        assert problems[["row", "column", "value"]].values.tolist() == [
            [3, "council", "Gotham"],
            [4, "numerator", "12"],
            [5, "period", "Q5 2025/26"],
            [6, "denominator", "0"],
        ]
        assert (problems["file"] == "pub.csv").all()
        reasons = problems.set_index("row")["reason"]
        assert "not a council" in reasons[3]
        assert "more than the denominator" in reasons[4]
        assert "quarter number must be 1-4" in reasons[5]
        assert "denominator of 0" in reasons[6]
        assert done["row"].tolist() == [2, 7]
        assert len(self.ROWS) == len(done) + problems["row"].nunique()  # nothing silently dropped

    @pytest.mark.parametrize(
        ("row", "column", "reason"),
        [
            ("Fife,reports_by_due_date,Q2 2025/26,abc,10,,", "numerator", "not a number"),
            ("Fife,reports_by_due_date,Q2 2025/26,-3,10,,", "numerator", "negative"),
            ("Fife,reports_by_due_date,Q2 2025/26,4.5,10,,", "numerator", "not a whole number"),
            ("Fife,reports_by_due_date,Q2 2025/26,4,,,", "denominator", "missing"),
            ("Fife,reports_by_due_date,Q2 2025/26,,10,,", "numerator", "missing"),
            (
                "Fife,reports_by_due_date,Q2 2025/26,4,10,about 40,",
                "reported_value",
                "not a number",
            ),
            ("Fife,reports_by_due_date,Q2 2025/26,4,10,40,high", "target", "not a number"),
            ("Fife,reports_by_due_date,Q2 2025/26,4,10,40,120", "target", "0 to 100"),
            ("Fife,cpos_imposed,Q2 2025/26,4,,40%,", "reported_value", "% sign"),
            (",reports_by_due_date,Q2 2025/26,4,10,,", "council", "missing"),
            ("Fife,,Q2 2025/26,4,10,,", "indicator", "missing"),
            ("Fife,reports_by_due_date,,4,10,,", "period", "missing"),
            ("Fife,reports_by_due_date,Q2 2025,4,10,,", "period", "ambiguous"),
        ],
    )
    def test_each_kind_of_problem(self, defs, row, column, reason):
        done, problems = reconcile(published(row), defs)
        assert done.empty
        assert problems["column"].tolist() == [column]
        assert reason in problems["reason"].iloc[0]

    def test_a_row_with_two_problems_is_listed_twice_and_counted_once(self, defs):
        done, problems = reconcile(published("Gotham,reports_by_due_date,Q9 2025/26,1,2,,"), defs)
        assert problems["column"].tolist() == ["council", "period"]
        assert problems["row"].nunique() == 1 and done.empty

    def test_row_numbers_follow_read_published(self, defs, write_csv):
        path = write_csv(
            "pub.csv",
            HEADER,
            "Fife,reports_by_due_date,Q2 2025/26,1,2,,",
            "",
            "Gotham,x,Q2 2025/26,1,2,,",
        )
        _, problems = reconcile(read_published(path), defs)
        assert problems["row"].tolist() == [4]  # the spreadsheet row, counting the blank line
        assert problems["file"].tolist() == [str(path)]

    def test_missing_column_raises(self, defs):
        frame = published("Fife,x,Q2 2025/26,1", header="council,indicator,period,numerator")
        with pytest.raises(ValueError, match="missing column"):
            reconcile(frame, defs)

    def test_output_columns_and_input_unchanged(self, defs):
        frame = published(*self.ROWS)
        before = frame.copy()
        done, _ = reconcile(frame, defs)
        assert list(done.columns) == list(OUTPUT_COLUMNS)
        pd.testing.assert_frame_equal(frame, before)

    def test_nothing_to_reconcile(self, defs):
        done, problems = reconcile(published("Gotham,x,Q2 2025/26,1,2,,"), defs)
        assert list(done.columns) == list(OUTPUT_COLUMNS) and done.empty and len(problems) == 1

    def test_same_figure_twice_is_noted(self, defs):
        done, _ = reconcile(
            published(
                "Fife,reports_by_due_date,Q2 2025/26,1,2,,",
                "Fife,reports_by_due_date,2025Q2,1,3,,",
            ),
            defs,
        )
        assert done["note"].tolist() == [
            "same council, indicator and period as row 3",
            "same council, indicator and period as row 2",
        ]


class TestCmdReconcile:
    CSV = (
        f"{HEADER}\n"
        "Glasgow City,reports_by_due_date,Q2 2025/26,41,50,80,\n"  # 82: did not match
        "Fife,reports_by_due_date,Q2 2025/26,7,8,88,\n"  # 87.5 -> 88: matches
        "Fife,Court reports on time,Q2 2025/26,7,8,87.5,\n"  # free text: assumed polarity
    )

    def test_writes_the_table_and_prints_the_mismatches(self, tmp_path, capsys):
        code, out = run(tmp_path, self.CSV)
        assert code == EXIT_OK
        table = pd.read_csv(out, dtype=str, keep_default_na=False)
        required = [
            "council",
            "indicator",
            "period",
            "numerator",
            "denominator",
            "recomputed_value",
            "reported_value",
            "matches_reported",
            "target",
            "rag",
            "low_numbers",
        ]
        assert set(required) <= set(table.columns)
        assert table["matches_reported"].tolist() == ["False", "True", "True"]
        assert table["recomputed_display"].tolist() == ["82", "88", "87.5"]
        assert table["numerator"].tolist() == ["41", "7", "7"]  # whole numbers, not 41.0
        printed = capsys.readouterr().out
        assert "3 rows read, 3 reconciled, 0 with problems" in printed
        assert "1 row did not match its published value" in printed
        assert (
            "Glasgow City, reports_by_due_date, Q2 2025/26: published 80, recomputed 82" in printed
        )
        assert "1 row used an assumed polarity" in printed
        assert not (out.parent / "reconciled.problems.csv").exists()

    def test_problem_rows_give_exit_1_and_a_problems_file(self, tmp_path, capsys):
        code, out = run(tmp_path, self.CSV + "Gotham,reports_by_due_date,Q2 2025/26,5,10,50,\n")
        assert code == EXIT_DATA
        problems = pd.read_csv(out.parent / "reconciled.problems.csv")
        assert problems[["row", "column", "value"]].values.tolist() == [[5, "council", "Gotham"]]
        printed = capsys.readouterr().out
        assert (
            "4 rows read, 3 reconciled, 1 with problems (read = reconciled + with problems: yes)"
            in printed
        )
        assert "reconciled.problems.csv" in printed
        assert len(pd.read_csv(out)) == 3

    def test_precision_from_the_file_as_written(self, tmp_path):
        # 7/8 = 87.5%. Published as "87.50" it is compared at 2 dp and matches; published as "88.0"
        # it is compared at 1 dp, where 87.5 stays 87.5, so it does not match.
        code, out = run(
            tmp_path, f"{HEADER}\nFife,x,Q2 2025/26,7,8,87.50,\nFife,x,Q3 2025/26,7,8,88.0,\n"
        )
        assert code == EXIT_OK
        table = pd.read_csv(out, dtype=str, keep_default_na=False)
        assert table[["recomputed_display", "decimals", "matches_reported"]].values.tolist() == [
            ["87.50", "2", "True"],
            ["87.5", "1", "False"],
        ]

    def test_header_only_file_reconciles_nothing(self, tmp_path, capsys):
        code, out = run(tmp_path, f"{HEADER}\n")
        assert code == EXIT_OK
        assert list(pd.read_csv(out).columns) == list(OUTPUT_COLUMNS)
        assert "0 rows read, 0 reconciled, 0 with problems" in capsys.readouterr().out

    def test_missing_column_is_an_error_naming_the_file(self, tmp_path):
        with pytest.raises(
            ExtractFileError, match=r"published\.csv: missing column\(s\) denominator"
        ):
            run(tmp_path, "council,indicator,period,numerator\nFife,x,Q2 2025/26,1\n")

    def test_unknown_output_format_is_a_usage_error(self, tmp_path):
        with pytest.raises(InputError, match="--out"):
            run(tmp_path, self.CSV, "--out", str(tmp_path / "out.txt"))

    def test_out_is_required_and_help_explains(self, capsys):
        parser = argparse.ArgumentParser()
        parser.add_argument("--params")
        add_reconcile_parser(parser.add_subparsers(dest="command"))
        with pytest.raises(SystemExit):
            parser.parse_args(["reconcile", "pub.csv"])
        assert "--out" in capsys.readouterr().err
        with pytest.raises(SystemExit) as done:
            parser.parse_args(["reconcile", "--help"])
        assert done.value.code == 0
        assert "half up" in capsys.readouterr().out

    def test_calls_cmd_reconcile(self, tmp_path):
        source = tmp_path / "pub.csv"
        source.write_text(self.CSV, encoding="utf-8")
        args = argparse.Namespace(
            file=str(source), out=str(tmp_path / "r.csv"), params=str(REPO / "params")
        )
        assert cmd_reconcile(args) == EXIT_OK


# --- Faults and bad input (issue 9) --------------------------------------------------------------


class TestReconcileFaults:
    GOOD = HEADER + "\nGlasgow City,reports_by_due_date,Q2 2025/26,41,50,82,85\n"

    def test_a_trailing_comma_on_every_row_keeps_the_columns_in_place(self, write_csv):
        # 8 fields under 7 headers on every row: before the fix "council" held the indicator.
        path = write_csv(
            "pub.csv", HEADER, "Glasgow City,reports_by_due_date,Q2 2025/26,41,50,82,85,"
        )
        frame = read_published(path)
        assert frame[["council", "indicator", "target"]].values.tolist() == [
            ["Glasgow City", "reports_by_due_date", "85"]
        ]

    def test_a_fraction_as_a_percentage_target_is_a_problem(self, defs):
        # 0.95 for a percentage indicator is almost surely 95% written as a fraction: before
        # the fix it was read as 0.95% and every row was Green.
        done, problems = reconcile(
            published("Glasgow City,reports_by_due_date,Q2 2025/26,41,50,82,0.95"), defs
        )
        assert problems[["column", "value"]].values.tolist() == [["target", "0.95"]]
        assert "95" in problems["reason"].iloc[0]

    def test_a_stale_problems_file_is_removed(self, tmp_path):
        stale = tmp_path / "out" / "reconciled.problems.csv"
        stale.parent.mkdir()
        stale.write_text("row,reason\n3,from an earlier run\n")
        code, _ = run(tmp_path, self.GOOD)
        assert code == EXIT_OK and not stale.exists()

    def test_encoding_option(self, tmp_path):
        source = tmp_path / "published.csv"
        # "Comhairle nan Eilean Siar" needs no accent; an accented free-text indicator does.
        source.write_bytes(
            (HEADER + "\nFife,Rapports d\u00e9livr\u00e9s,Q2 2025/26,7,8,88,\n").encode("cp1252")
        )
        parser = argparse.ArgumentParser()
        parser.add_argument("--params")
        add_reconcile_parser(parser.add_subparsers(dest="command"))
        out = tmp_path / "r.csv"
        args = parser.parse_args(
            [
                "--params",
                str(REPO / "params"),
                "reconcile",
                str(source),
                "--out",
                str(out),
                "--encoding",
                "cp1252",
            ]
        )
        assert args.func(args) == EXIT_OK
        assert "d\u00e9livr\u00e9s" in out.read_text(encoding="utf-8")

    def test_help_shows_single_percent_signs(self, capsys):
        parser = argparse.ArgumentParser()
        parser.add_argument("--params")
        add_reconcile_parser(parser.add_subparsers(dest="command"))
        with pytest.raises(SystemExit):
            parser.parse_args(["reconcile", "--help"])
        out = capsys.readouterr().out
        assert "88%" in out and "%%" not in out
