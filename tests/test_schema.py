"""Tests for jswlib/definitions/schema.py: the data contract and the row rules, on tiny hand-made
tables."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from jswlib.core.errors import ContractError
from jswlib.data.validation import RULES, normalise_column_name, parse_dates, validate_table
from jswlib.definitions.schema import TABLES, WITHHELD, contract_frame

CPO_HEADER = ["order_id", "council", "person_id", "imposed_date", "has_upw"]


def cpo_rows(*rows, extra=None):
    """A raw cpos table from tuples (order_id, council, person_id, imposed_date, has_upw, *extra
    values)."""
    columns = CPO_HEADER + list(extra or [])
    return pd.DataFrame([list(r) for r in rows], columns=columns, dtype="string")


def problems(result):
    """(row, column, rule) of every problem, for compact assertions."""
    return sorted(zip(result.rejects["row"], result.rejects["column"], result.rejects["rule"]))


class TestContract:
    @pytest.mark.parametrize("name", list(TABLES))
    def test_every_table_has_id_council_and_person(self, name):
        t = TABLES[name]
        kinds = [c.kind for c in t.columns]
        assert (
            kinds.count("id") == 1 and kinds.count("council") == 1 and kinds.count("person") == 1
        )
        assert {"council", "person_id", t.id_column} <= set(t.required_columns)

    @pytest.mark.parametrize("name", list(TABLES))
    def test_order_rules_name_real_columns_of_one_kind(self, name):
        t = TABLES[name]
        for a, b in t.order:
            assert t.column(a).kind == t.column(b).kind

    def test_tables_named_in_the_issue_are_present(self):
        assert set(TABLES) == {
            "court_reports",
            "cpos",
            "cpo_reviews",
            "breaches",
            "lscmi_assessments",
            "dttos",
            "licences",
            "diversion",
            "bail_supervision",
            "structured_deferred_sentences",
            "fiscal_work_orders",
            "problem_solving",
            "exit_questionnaires",
            "womens_centre",
            "support_work_referrals",
            "mappa",
            "significant_case_reviews",
        }

    def test_no_personal_data_columns_in_the_contract(self):
        names = set(contract_frame()["column"])
        assert not names & {
            "name",
            "forename",
            "surname",
            "dob",
            "date_of_birth",
            "chi",
            "address",
            "postcode",
        }

    def test_every_rule_code_is_explained(self):
        assert {
            "missing",
            "bad_date",
            "date_order",
            "unknown_council",
            "duplicate_id",
            "negative",
            "not_allowed",
            "bad_flag",
            "out_of_range",
            "bad_number",
        } <= set(RULES)


class TestNormaliseColumnName:
    @pytest.mark.parametrize(
        "raw, expected",
        [
            ("Order ID", "order_id"),
            ("  imposed_date ", "imposed_date"),
            ("UPW Hours - Ordered", "upw_hours_ordered"),
        ],
    )
    def test_spellings(self, raw, expected):
        assert normalise_column_name(raw) == expected


class TestParseDates:
    def test_iso_and_day_first(self):
        out = parse_dates(
            pd.Series(["2025-03-31", "01/04/2025", "1/4/2025", "2025-04-01 00:00:00"])
        )
        assert out.tolist() == [pd.Timestamp(2025, 3, 31)] + [pd.Timestamp(2025, 4, 1)] * 3

    def test_never_month_first(self):
        # 04/13/2025 would be 13 April in US order; day-first it is month 13, so it does not parse.
        assert parse_dates(pd.Series(["04/13/2025"])).isna().all()

    def test_impossible_and_blank_are_missing(self):
        assert parse_dates(pd.Series(["31/02/2024", "2024-13-01", "", "NULL", None])).isna().all()

    def test_leap_day(self):
        assert parse_dates(pd.Series(["29/02/2024"])).iloc[0] == pd.Timestamp(2024, 2, 29)

    def test_years_beyond_nanoseconds_are_pinned_not_wrapped(self):
        # 1650 cannot be held at nanosecond resolution (which starts 21 September 1677); it used to
        # wrap round to 22 September 2234 and be rejected as a future date. Pinned to the first
        # representable day it stays before the earliest plausible date; 3000 stays in the future.
        out = parse_dates(pd.Series(["1650-03-04", "04/03/1650", "3000-01-01"]))
        assert out.tolist() == [
            pd.Timestamp(1677, 9, 22),
            pd.Timestamp(1677, 9, 22),
            pd.Timestamp(2262, 4, 11),
        ]

    def test_iso_leap_days_and_month_lengths(self):
        # 2024 is a leap year (divisible by 4), 2023 is not, 1900 is not (divisible by 100 but not
        # 400), 2000 is (divisible by 400); April has 30 days, December 31.
        out = parse_dates(
            pd.Series(
                [
                    "2024-02-29",
                    "2023-02-29",
                    "1900-02-29",
                    "2000-02-29",
                    "2025-04-31",
                    "2025-12-31",
                ]
            )
        )
        assert out.tolist() == [
            pd.Timestamp(2024, 2, 29),
            pd.NaT,
            pd.NaT,
            pd.Timestamp(2000, 2, 29),
            pd.NaT,
            pd.Timestamp(2025, 12, 31),
        ]

    def test_other_shapes_and_centuries_go_the_general_way(self):
        # Not the shape the fast path reads (YYYY-MM-DD), or outside its years: read by pandas.
        out = parse_dates(pd.Series(["2025-7-1", "1650-03-04", "2025-00-10", "not known"]))
        assert out.iloc[0] == pd.Timestamp(2025, 7, 1)
        assert out.iloc[2:].isna().all()

    def test_typed_dates_pass_through_at_midnight(self):
        out = parse_dates(pd.Series(pd.to_datetime(["2025-07-01 14:30"])))
        assert out.iloc[0] == pd.Timestamp(2025, 7, 1)


class TestValidateTable:
    def test_clean_rows_are_typed_and_council_resolved(self, councils):
        raw = cpo_rows(
            ("C1", "Glasgow", "P1", "01/07/2025", "Y"),
            ("C2", "S12000015", "P2", "2025-07-02", "no"),
        )
        r = validate_table(raw, TABLES["cpos"], councils, source="cpos.csv")
        assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (2, 2, 0)
        assert r.accepted["council"].tolist() == ["S12000049", "S12000047"]
        assert r.accepted["imposed_date"].tolist() == [
            pd.Timestamp(2025, 7, 1),
            pd.Timestamp(2025, 7, 2),
        ]
        assert r.accepted["has_upw"].tolist() == [True, False]
        assert r.accepted["source_row"].tolist() == [2, 3]
        # Optional columns absent from the file are present, and missing, in the accepted table.
        assert r.accepted["first_contact_date"].isna().all()

    def test_missing_required_column_names_column_and_file(self, councils):
        raw = pd.DataFrame({"order_id": ["C1"], "council": ["Fife"], "person_id": ["P1"]})
        with pytest.raises(ContractError) as err:
            validate_table(raw, TABLES["cpos"], councils, source="data/cpos.csv")
        assert "data/cpos.csv" in str(err.value)
        assert "imposed_date" in str(err.value) and "has_upw" in str(err.value)

    def test_each_rule_on_its_own_row(self, councils):
        extra = [
            "first_contact_date",
            "upw_hours_ordered",
            "upw_hours_completed",
            "sex",
            "age_at_imposition",
        ]
        raw = cpo_rows(
            (
                "C1",
                "Fife",
                "P1",
                "2025-07-01",
                "Y",
                "2025-07-02",
                "100",
                "40",
                "Male",
                "30",
            ),  # row 2: fine
            (
                "C2",
                "Gotham City",
                "P2",
                "2025-07-01",
                "Y",
                "",
                "",
                "",
                "",
                "",
            ),  # row 3: unknown council
            (
                "C3",
                "Fife",
                "P3",
                "2025-07-01",
                "Y",
                "2025-06-30",
                "",
                "",
                "",
                "",
            ),  # row 4: contact before imposed
            (
                "C4",
                "Fife",
                "P4",
                "2025-07-01",
                "Y",
                "",
                "-40",
                "",
                "",
                "",
            ),  # row 5: negative hours
            (
                "C5",
                "Fife",
                "P5",
                "2025-07-01",
                "Y",
                "",
                "",
                "",
                "M/F",
                "",
            ),  # row 6: value not allowed
            ("C6", "Fife", "P6", "31/02/2025", "Y", "", "", "", "", ""),  # row 7: impossible date
            ("C7", "Fife", "P7", "2025-07-01", "maybe", "", "", "", "", ""),  # row 8: bad flag
            ("C8", "Fife", "P8", "2025-07-01", "Y", "", "", "", "", "15"),  # row 9: age under 16
            (
                "C9",
                "Fife",
                "P9",
                "2025-07-01",
                "Y",
                "",
                "forty",
                "",
                "",
                "",
            ),  # row 10: not a number
            ("C10", "Fife", "P10", "", "Y", "", "", "", "", ""),  # row 11: required date blank
            (
                "C11",
                "Fife",
                "P11",
                "2025-07-01",
                "Y",
                "",
                "50",
                "60",
                "",
                "",
            ),  # row 12: completed > ordered
            (
                "C12",
                "Fife",
                "P12",
                "1925-07-01",
                "Y",
                "",
                "",
                "",
                "",
                "",
            ),  # row 13: implausible year
            extra=extra,
        )
        r = validate_table(raw, TABLES["cpos"], councils, source="cpos.csv")
        assert problems(r) == [
            (3, "council", "unknown_council"),
            (4, "first_contact_date", "date_order"),
            (5, "upw_hours_ordered", "negative"),
            (6, "sex", "not_allowed"),
            (7, "imposed_date", "bad_date"),
            (8, "has_upw", "bad_flag"),
            (9, "age_at_imposition", "out_of_range"),
            (10, "upw_hours_ordered", "bad_number"),
            (11, "imposed_date", "missing"),
            (12, "upw_hours_completed", "amount_order"),
            (13, "imposed_date", "implausible_date"),
        ]
        assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (12, 1, 11)
        assert r.accepted["order_id"].tolist() == ["C1"]

    def test_reasons_say_what_was_found(self, councils):
        raw = cpo_rows(
            ("C3", "Fife", "P3", "2025-07-01", "Y", "2025-06-30"), extra=["first_contact_date"]
        )
        r = validate_table(raw, TABLES["cpos"], councils, source="cpos.csv")
        line = r.rejects.iloc[0]
        assert line["file"] == "cpos.csv" and line["row"] == 2 and line["record_id"] == "C3"
        assert line["value"] == "2025-06-30"
        assert line["reason"] == "first_contact_date 2025-06-30 is before imposed_date 2025-07-01"

    def test_a_row_with_two_problems_is_one_rejected_row_with_two_reasons(self, councils):
        raw = cpo_rows(("C1", "Gotham", "P1", "not known", "Y"))
        r = validate_table(raw, TABLES["cpos"], councils, source="cpos.csv")
        assert problems(r) == [(2, "council", "unknown_council"), (2, "imposed_date", "bad_date")]
        assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (1, 0, 1)

    def test_exact_duplicate_rejects_the_later_copy_only(self, councils):
        raw = cpo_rows(
            ("C1", "Fife", "P1", "2025-07-01", "Y"), ("C1", "Fife", "P1", "2025-07-01", "Y")
        )
        r = validate_table(raw, TABLES["cpos"], councils, source="cpos.csv")
        assert problems(r) == [(3, "order_id", "duplicate_id")]
        assert "repeats row 2" in r.rejects["reason"].iloc[0]
        assert r.rows_accepted == 1

    def test_conflicting_duplicate_rejects_every_copy(self, councils):
        raw = cpo_rows(
            ("C1", "Fife", "P1", "2025-07-01", "Y"),
            ("C2", "Fife", "P2", "2025-07-01", "Y"),
            ("C1", "Fife", "P1", "2025-07-09", "Y"),
        )
        r = validate_table(raw, TABLES["cpos"], councils, source="cpos.csv")
        assert problems(r) == [(2, "order_id", "duplicate_id"), (4, "order_id", "duplicate_id")]
        assert (
            r.rejects["reason"].iloc[0] == "order_id C1 is used on rows 2, 4 with different values"
        )
        assert r.accepted["order_id"].tolist() == ["C2"]

    def test_person_identifier_never_reaches_the_rejects_list(self, councils):
        raw = cpo_rows(
            ("C1", "Fife", "SECRET-PERSON-9", "2025-07-01", "Y"),
            ("C1", "Fife", "SECRET-PERSON-9", "x", "Y"),
        )
        r = validate_table(raw, TABLES["cpos"], councils, source="cpos.csv")
        assert not r.rejects.astype(str).apply(lambda c: c.str.contains("SECRET")).any().any()
        blank = cpo_rows(("C1", "Fife", "", "2025-07-01", "Y"))
        r = validate_table(blank, TABLES["cpos"], councils, source="cpos.csv")
        assert r.rejects["value"].tolist() == [WITHHELD]

    def test_columns_outside_the_contract_are_not_read_and_personal_ones_are_named(self, councils):
        raw = cpo_rows(
            ("C1", "Fife", "P1", "2025-07-01", "Y", "Jane", "1990-01-01", "x"),
            extra=["Forename", "Date of birth", "team"],
        )
        r = validate_table(raw, TABLES["cpos"], councils, source="cpos.csv")
        assert not {"forename", "date_of_birth", "team"} & set(r.accepted.columns)
        assert any("personal data" in w and "forename, date_of_birth" in w for w in r.warnings)
        assert any("team" in w for w in r.warnings)

    def test_future_dates_are_rejected_only_against_an_extract_date_and_not_due_dates(
        self, councils
    ):
        raw = pd.DataFrame(
            [["R1", "Fife", "P1", "CJSWR", "2025-09-20", "2025-10-15", "2025-10-02"]],
            columns=[
                "report_id",
                "council",
                "person_id",
                "report_type",
                "requested_date",
                "due_date",
                "submitted_date",
            ],
        )
        spec = TABLES["court_reports"]
        assert validate_table(raw, spec, councils, source="r.csv").rows_rejected == 0
        r = validate_table(raw, spec, councils, source="r.csv", extract_date=date(2025, 10, 1))
        assert problems(r) == [(2, "submitted_date", "future_date")]

    def test_blank_tokens_and_case_of_allowed_values(self, councils):
        raw = cpo_rows(
            ("C1", "Fife", "P1", "2025-07-01", "y", "n/a", "female", "Completed"),
            extra=["first_contact_date", "sex", "outcome"],
        )
        r = validate_table(raw, TABLES["cpos"], councils, source="cpos.csv")
        assert r.rows_rejected == 0
        row = r.accepted.iloc[0]
        assert (
            pd.isna(row["first_contact_date"])
            and row["sex"] == "Female"
            and row["outcome"] == "Completed"
        )

    def test_given_row_numbers_are_reported(self, councils):
        raw = cpo_rows(("C1", "Gotham", "P1", "2025-07-01", "Y"))
        r = validate_table(raw, TABLES["cpos"], councils, source="cpos.csv", rows=[7])
        assert r.rejects["row"].tolist() == [7]

    def test_repeated_column_names_are_a_contract_error(self, councils):
        raw = pd.DataFrame(
            [["C1", "C1", "Fife", "P1", "2025-07-01", "Y"]],
            columns=["Order ID", "order_id", "council", "person_id", "imposed_date", "has_upw"],
        )
        with pytest.raises(ContractError, match="order_id"):
            validate_table(raw, TABLES["cpos"], councils, source="cpos.csv")
