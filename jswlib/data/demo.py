"""Synthetic national demo data: case-level Justice Social Work records for all 32 councils.

:func:`generate_demo` builds, from a seed, one table per table of the data contract
(:data:`jswlib.definitions.schema.TABLES`) holding made-up records for every council and financial
year asked for; :func:`write_demo` writes them as an extract folder (CSV, Parquet or one Excel
workbook) with ``manifest.json`` written last. The data contains no real people: person identifiers
are random numbers and no name, address or date of birth is ever produced.

What the data is for
--------------------
- Volumes follow the national statistics (national totals per year, the 2020/21 Covid dip, the
  larger councils' published counts, other councils by population and deprivation); timescale
  percentages come out near the national rates with council-to-council differences (the constants
  below, with their sources).
- Three councils carry a deliberate change in one indicator (a step up, a steady decline, a step
  down) that statistical process control should find; the manifest lists them under ``signals``
  with the rates before and after, as designed and as generated.
- About 0.3% of the rows of each table are deliberately bad, one problem per row, of every kind the
  validator rejects; the manifest lists each one under ``bad_rows`` with its spreadsheet row number
  in the written file and the validator rule it breaks (``kind`` uses the rule codes of
  :data:`jswlib.data.validation.RULES`).
- A few valid rows use other legitimate spellings: about 3% name the council by an alias, a retired
  or current GSS code, in lower or upper case or with '&' for 'and'; about 2% write their dates
  DD/MM/YYYY.

Conventions
-----------
- Cells are raw extract text: dates ``YYYY-MM-DD`` (blank when the event has not happened), flags
  ``Y``/``N``, categories in their canonical spelling, whole numbers as digits (or blank). Every
  column is a string column.
- Timescale events are drawn as the start date plus a number of *working days* (Monday to Friday
  less the Scottish bank holidays of :func:`jswlib.definitions.calendar.scottish_bank_holidays`),
  the start day being day 0: an event on the same working day meets a 1-working-day standard.
- Nothing happens after the extract date: later events are blank, orders still running have no end
  date or outcome, and records starting after it are not produced.
- Row order: valid rows sorted by their main date (then identifier), deliberately bad rows inserted
  at random places. Identical arguments give identical tables, and :func:`write_demo` gives
  byte-identical CSV files.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from jswlib.core import io
from jswlib.definitions.calendar import scottish_bank_holidays
from jswlib.definitions.schema import INTERVENTION_OUTCOMES, ORDER_OUTCOMES, SEXES, TABLES

__all__ = ["GENERATOR_VERSION", "generate_demo", "write_demo"]

#: Version of the generator, written to the manifest. Bump it when the same seed gives different
#: data.
GENERATOR_VERSION = "1.1.0"

# =================================================================================================
# Constants. Source: the published figures in docs/method.md ("National figures behind the demo
# data", "Councils, codes and family groups") unless marked "assumption" (a plausible value chosen
# for the demo, not a published
# figure).
# =================================================================================================

#: National CPOs per financial year (key: the year the financial year starts, 2019 = 2019/20).
#: Published: 8,169 in 2020/21 (Covid), 14,653 in 2022/23, 16,500 in 2024/25, "about 15,000-16,500"
#: a year. 2019/20, 2021/22 (recovery), 2023/24 and 2025/26: assumptions inside that range.
NATIONAL_CPOS: dict[int, int] = {
    2019: 16_000,
    2020: 8_169,
    2021: 13_600,
    2022: 14_653,
    2023: 15_700,
    2024: 16_500,
    2025: 16_200,
}
#: Published 2019/20 CPOs of four councils.
COUNCIL_CPOS_2019: dict[str, int] = {
    "Glasgow City": 2_537,
    "North Lanarkshire": 1_394,
    "Aberdeen City": 1_052,
    "Aberdeenshire": 658,
}
#: Island councils: tens a year; Shetland has the lowest rate in Scotland (published).
#: Assumption.
ISLAND_CPOS_2019: dict[str, int] = {
    "Orkney Islands": 28,
    "Shetland Islands": 20,
    "Na h-Eileanan Siar": 36,
}
#: Population in thousands (approximate, for the demo only) and LGBF people-services family group
#: (published).
COUNCIL_PROFILE: dict[str, tuple[int, str]] = {
    "Aberdeen City": (224, "FG1"),
    "Aberdeenshire": (263, "FG1"),
    "Angus": (115, "FG2"),
    "Argyll and Bute": (86, "FG2"),
    "City of Edinburgh": (515, "FG1"),
    "Clackmannanshire": (52, "FG3"),
    "Dumfries and Galloway": (145, "FG3"),
    "Dundee City": (149, "FG4"),
    "East Ayrshire": (121, "FG4"),
    "East Dunbartonshire": (109, "FG1"),
    "East Lothian": (112, "FG2"),
    "East Renfrewshire": (97, "FG1"),
    "Falkirk": (160, "FG3"),
    "Fife": (372, "FG3"),
    "Glasgow City": (622, "FG4"),
    "Highland": (236, "FG2"),
    "Inverclyde": (78, "FG4"),
    "Midlothian": (96, "FG2"),
    "Moray": (94, "FG2"),
    "Na h-Eileanan Siar": (26, "FG4"),
    "North Ayrshire": (134, "FG4"),
    "North Lanarkshire": (341, "FG4"),
    "Orkney Islands": (22, "FG1"),
    "Perth and Kinross": (153, "FG1"),
    "Renfrewshire": (184, "FG3"),
    "Scottish Borders": (116, "FG2"),
    "Shetland Islands": (23, "FG1"),
    "South Ayrshire": (113, "FG3"),
    "South Lanarkshire": (330, "FG3"),
    "Stirling": (93, "FG2"),
    "West Dunbartonshire": (88, "FG4"),
    "West Lothian": (183, "FG3"),
}
#: CPO rate multiplier by family group, FG1 least to FG4 most deprived. Assumption.
FAMILY_GROUP_FACTOR: dict[str, float] = {"FG1": 0.70, "FG2": 0.85, "FG3": 1.05, "FG4": 1.40}
#: West Dunbartonshire has the highest CPO rate in Scotland (61 per 10,000 against 38; published).
COUNCIL_RATE_ADJUST: dict[str, float] = {"West Dunbartonshire": 1.25}
#: Population (thousands) assumed for a council not in COUNCIL_PROFILE.
DEFAULT_POPULATION = 100

#: Reports to court a year (published: about 28,000-30,000; the Covid year and the split by year:
#: assumption).
NATIONAL_REPORTS = {
    2019: 29_500,
    2020: 18_000,
    2021: 25_500,
    2022: 28_000,
    2023: 28_600,
    2024: 29_800,
    2025: 29_600,
}
#: DTTOs a year (published: 230-300; split by year: assumption).
NATIONAL_DTTOS = {2019: 290, 2020: 170, 2021: 235, 2022: 245, 2023: 260, 2024: 280, 2025: 275}
#: Diversion from prosecution cases commenced (published: 2,600-3,600, rising; split by year:
#: assumption).
NATIONAL_DIVERSION = {
    2019: 2_600,
    2020: 2_000,
    2021: 2_700,
    2022: 2_950,
    2023: 3_200,
    2024: 3_500,
    2025: 3_600,
}
#: Bail supervision cases (published: 1,100-1,500; split by year: assumption).
NATIONAL_BAIL = {
    2019: 1_100,
    2020: 1_150,
    2021: 1_250,
    2022: 1_300,
    2023: 1_400,
    2024: 1_500,
    2025: 1_450,
}
#: Structured deferred sentences (published: 1,300-1,600; the Covid year: assumption).
NATIONAL_SDS = {
    2019: 1_600,
    2020: 900,
    2021: 1_300,
    2022: 1_400,
    2023: 1_500,
    2024: 1_550,
    2025: 1_550,
}
#: Releases on licence / statutory throughcare (published: about 2,000).
NATIONAL_LICENCES = {
    2019: 2_000,
    2020: 2_150,
    2021: 1_950,
    2022: 2_000,
    2023: 2_050,
    2024: 2_100,
    2025: 2_000,
}
#: Fiscal work orders (published: about 100-150).
NATIONAL_FWO = {2019: 150, 2020: 100, 2021: 110, 2022: 120, 2023: 130, 2024: 140, 2025: 140}
#: Problem-solving court cases, in the councils of PROBLEM_SOLVING_COUNCILS. Assumption.
NATIONAL_PROBLEM_SOLVING = {
    2019: 220,
    2020: 120,
    2021: 200,
    2022: 240,
    2023: 260,
    2024: 280,
    2025: 290,
}
PROBLEM_SOLVING_COUNCILS = (
    "Aberdeen City",
    "City of Edinburgh",
    "Dundee City",
    "Fife",
    "Glasgow City",
    "North Lanarkshire",
    "South Lanarkshire",
    "Renfrewshire",
    "West Lothian",
)
#: Significant incident / case / learning reviews: a handful nationally a year (brief). Assumption.
NATIONAL_SIGNIFICANT_REVIEWS = {2019: 8, 2020: 6, 2021: 8, 2022: 8, 2023: 9, 2024: 8, 2025: 8}
#: Women's centre support starting without an order (self and agency referrals) a year. Assumption.
NATIONAL_WOMENS_CENTRE_OTHER = {
    2019: 450,
    2020: 300,
    2021: 420,
    2022: 450,
    2023: 460,
    2024: 470,
    2025: 470,
}
#: Support work referrals not from an order or licence (voluntary, other) a year. Assumption.
NATIONAL_SUPPORT_OTHER = {
    2019: 900,
    2020: 700,
    2021: 850,
    2022: 900,
    2023: 920,
    2024: 950,
    2025: 950,
}
#: MAPPA cases already open at the start of the first year, per year of starts (a stock).
#: Assumption.
MAPPA_STOCK_YEARS = 2.0
#: New MAPPA cases a year not linked to a generated licence or order. Assumption (a few hundred
#: active a year).
NATIONAL_MAPPA_OTHER = {2019: 40, 2020: 30, 2021: 40, 2022: 40, 2023: 40, 2024: 40, 2025: 40}

# --- Shares (published where stated; otherwise assumption) ---------------------------------------
SHARE_UPW = 0.68  # published: about 68% of CPOs have an unpaid work requirement
SHARE_SUPERVISION_WITH_UPW = 0.40  # assumption
SHARE_SUPERVISION_WITHOUT_UPW = 0.95  # assumption
SHARE_LEVEL_2 = 0.53  # assumption, chosen so that hours average about 135 (published)
UPW_LEVEL_1_HOURS = ((20, 30, 40, 50, 60, 70, 80, 90, 100), (3, 3, 7, 12, 10, 6, 12, 5, 14))
UPW_LEVEL_2_HOURS = (
    (110, 120, 130, 140, 150, 160, 180, 200, 220, 240, 250, 270, 300),
    (2, 8, 3, 3, 12, 6, 9, 15, 4, 7, 6, 2, 9),
)
SHARE_NON_COMPLIANCE = 0.05  # brief: about 5%
SHARE_TRANSFER_IN = 0.03  # brief: about 3%
SHARE_CPO_WITH_REPORT = 0.72  # assumption: a CJSWR before the order
#: CPO outcomes (ORDER_OUTCOMES order). Published: successful completion about 71%; ~20%
#: revoked/breached.
CPO_OUTCOME_P = (0.755, 0.13, 0.048, 0.035, 0.007, 0.025)
CPO_OUTCOME_P_NON_COMPLIANT = (0.25, 0.60, 0.08, 0.03, 0.01, 0.03)
DTTO_OUTCOME_P = (0.46, 0.36, 0.08, 0.04, 0.02, 0.04)  # assumption
CPO_SEX_P = (0.84, 0.15, 0.01)  # Male, Female, Not known: assumption

#: National timescale rates: (default, {financial year: rate}). Published: first contact within 1
#: working day about 77-79%; induction within 5 working days about 81-83%; UPW placement within 7
#: working days 67-73% (49% in 2020/21). The others follow the brief (reports by the due date
#: 85-95%, DTTO contact high, post-release interview ~90%, LS/CMI within 20 working days ~80%, case
#: management plan 85-90%, first review within 3 months 75-80%, UPW completed within its timescale
#: 60-70%, breach application within 5 working days ~75%). Per-year values other than 2020/21 UPW:
#: assumption.
RATES: dict[str, tuple[float, dict[int, float]]] = {
    "cpo_first_contact": (0.785, {2020: 0.76}),
    "cpo_induction": (0.83, {2020: 0.80}),
    "cpo_case_management_plan": (0.875, {}),
    "cpo_first_review": (0.78, {}),
    "upw_placement": (
        0.70,
        {2020: 0.49, 2021: 0.62, 2022: 0.68, 2023: 0.69, 2024: 0.70, 2025: 0.70},
    ),
    "upw_completion": (0.65, {2020: 0.55}),
    "report_by_due": (0.90, {}),
    "dtto_first_contact": (0.92, {}),
    "dtto_first_meeting": (0.90, {}),
    "licence_interview": (0.90, {}),
    "lscmi": (0.80, {}),
    "breach_application": (0.75, {}),
}
#: Spread of councils around the national rate (standard deviation on the logit scale). Assumption.
COUNCIL_RATE_SD = 0.35

#: Deliberate changes for statistical process control to find (rates are the designed
#: probabilities).
SIGNALS: tuple[dict[str, Any], ...] = (
    {
        "council": "Fife",
        "rate": "upw_placement",
        "change": "step up",
        "table": "cpos",
        "indicator": "UPW first placement within 7 working days",
        "date_column": "imposed_date",
        "change_date": date(2023, 4, 1),
        "rate_before": 0.60,
        "rate_after": 0.82,
    },
    {
        "council": "Highland",
        "rate": "cpo_induction",
        "change": "steady decline",
        "table": "cpos",
        "indicator": "CPO induction within 5 working days",
        "date_column": "imposed_date",
        "change_date": date(2022, 4, 1),
        "change_end": date(2026, 3, 31),
        "rate_before": 0.88,
        "rate_after": 0.70,
    },
    {
        "council": "Glasgow City",
        "rate": "report_by_due",
        "change": "step down",
        "table": "court_reports",
        "indicator": "Reports submitted to court by the due date",
        "date_column": "due_date",
        "change_date": date(2024, 10, 1),
        "rate_before": 0.92,
        "rate_after": 0.80,
    },
)

# --- Calendar shapes (assumption unless stated) --------------------------------------------------
#: Relative weight of each weekday (Monday first) by kind of date.
WEEKDAY_WEIGHTS: dict[str, tuple[float, ...]] = {
    "court": (
        1.0,
        1.0,
        1.0,
        1.0,
        0.92,
        0.004,
        0.002,
    ),  # orders imposed on court days, rarely at a weekend
    "release": (
        1.0,
        1.0,
        1.0,
        1.0,
        1.6,
        0.0,
        0.0,
    ),  # prisoners due out at a weekend leave on the Friday
    "office": (1.0, 1.0, 1.0, 1.0, 0.95, 0.02, 0.01),
}
HOLIDAY_WEIGHT = {"court": 0.02, "release": 0.0, "office": 0.05}
CHRISTMAS_FACTOR = 0.35  # 22 December to 5 January
SUMMER_RECESS_FACTOR = 0.75  # courts, 14 July to 14 August
#: Covid: activity by month relative to normal, 23 March 2020 to March 2021 (published: the 2020/21
#: dip).
COVID_MONTH_FACTOR: dict[tuple[int, int], float] = {
    (2020, 3): 0.30,
    (2020, 4): 0.07,
    (2020, 5): 0.12,
    (2020, 6): 0.25,
    (2020, 7): 0.45,
    (2020, 8): 0.55,
    (2020, 9): 0.65,
    (2020, 10): 0.80,
    (2020, 11): 0.80,
    (2020, 12): 0.70,
    (2021, 1): 0.55,
    (2021, 2): 0.60,
    (2021, 3): 0.75,
}
COVID_START = np.datetime64("2020-03-23")

# --- Deliberately bad rows -----------------------------------------------------------------------
#: Warm start: financial years drawn BEFORE the first reported year, so that orders, licences and
#: cases are already open (and deadlines already falling due) when the reported period starts, as
#: in a live system. Community payback orders run up to three years; other cases up to about a
#: year and a half. Records of those years are kept only if they are still open on the first
#: reported day or started in the last month before it (their deadlines fall in the reported
#: period); the manifest's ``reported_from`` says where the reported periods begin, and the engine
#: reports no period before it.
WARM_YEARS_ORDERS = 3
WARM_YEARS_CASES = 2
WARM_YEARS_EVENTS = 1
#: A warm record that started this many days before the first reported day is kept even when it
#: has ended: its deadlines may fall in the first reported month.
WARM_KEEP_DAYS = 31
#: Share of each table's rows that are deliberately bad (brief: about 0.2-0.5%).
BAD_SHARE = 0.003
#: A table with at least this many rows per kind of fault gets at least one bad row of every kind.
ROWS_PER_KIND_FOR_ALL_KINDS = 200
UNPARSEABLE_DATES = ("31/02/2024", "2024-13-01", "not known")
IMPLAUSIBLE_YEARS = (1925, 1925, 1952, 1989)
UNKNOWN_COUNCILS = ("Gotham City", "Gotham City", "Springfield", "S12999999")
#: Per table: the main date (sorting, implausible dates, conflicting duplicates), the required date
#: blanked for "missing", and the faults that fit the table. Every injected row breaks exactly one
#: rule.
_DATE_KEYS: dict[str, tuple[str, str]] = {
    "court_reports": ("requested_date", "requested_date"),
    "cpos": ("imposed_date", "imposed_date"),
    "cpo_reviews": ("review_date", "review_date"),
    "breaches": ("decision_date", "decision_date"),
    "lscmi_assessments": ("start_date", "start_date"),
    "dttos": ("imposed_date", "imposed_date"),
    "licences": ("release_date", "release_date"),
    "diversion": ("referral_date", "start_date"),
    "bail_supervision": ("referral_date", "start_date"),
    "structured_deferred_sentences": ("referral_date", "start_date"),
    "fiscal_work_orders": ("referral_date", "start_date"),
    "problem_solving": ("referral_date", "start_date"),
    "exit_questionnaires": ("received_date", "received_date"),
    "womens_centre": ("start_date", "start_date"),
    "support_work_referrals": ("referral_date", "referral_date"),
    "mappa": ("start_date", "start_date"),
    "significant_case_reviews": ("notification_date", "notification_date"),
}
_INTERVENTION_FAULTS: dict[str, Any] = {
    "bad_date": ("end_date", "referral_date"),
    "date_order": (("referral_date", "start_date"), ("start_date", "end_date")),
    "not_allowed": (("outcome", "Finished"),),
}
_FAULTS: dict[str, dict[str, Any]] = {
    "court_reports": {
        "bad_date": ("submitted_date",),
        "date_order": (("requested_date", "submitted_date"),),
        "not_allowed": (("report_type", "Full report"), ("court", "Sheriff Court")),
        "bad_flag": ("caledonian_assessment",),
    },
    "cpos": {
        "bad_date": ("first_contact_date", "induction_date"),
        "date_order": (
            ("imposed_date", "first_contact_date"),
            ("imposed_date", "induction_date"),
            ("imposed_date", "upw_first_placement_date"),
            ("imposed_date", "end_date"),
        ),
        "amount_order": (("upw_hours_completed", "upw_hours_ordered"),),
        "negative": (("upw_hours_ordered", "-40"),),
        "not_allowed": (("sex", "M/F"), ("outcome", "Finished")),
        "out_of_range": (("age_at_imposition", "15"),),
        "bad_number": (("age_at_imposition", "forty"),),
        "bad_flag": ("transfer_in",),
    },
    "cpo_reviews": {"bad_date": ("review_date",), "not_allowed": (("review_type", "Annual"),)},
    "breaches": {
        "bad_date": ("application_date",),
        "date_order": (
            ("decision_date", "application_date"),
            ("application_date", "outcome_date"),
        ),
        "not_allowed": (("order_type", "CPO/DTTO"), ("outcome", "Adjourned")),
    },
    "lscmi_assessments": {
        "bad_date": ("completed_date",),
        "date_order": (("start_date", "completed_date"),),
    },
    "dttos": {
        "bad_date": ("first_contact_date",),
        "date_order": (
            ("imposed_date", "first_contact_date"),
            ("imposed_date", "first_meeting_date"),
        ),
        "not_allowed": (("sex", "M/F"), ("outcome", "Finished")),
        "out_of_range": (("age_at_imposition", "15"),),
        "bad_number": (("age_at_imposition", "forty"),),
        "bad_flag": ("non_compliance",),
    },
    "licences": {
        "bad_date": ("first_interview_date",),
        "date_order": (("release_date", "first_interview_date"),),
        "not_allowed": (("licence_type", "Licence"), ("outcome", "Finished")),
    },
    "diversion": {
        **_INTERVENTION_FAULTS,
        "out_of_range": (("age_at_start", "7"),),
        "bad_number": (("age_at_start", "twelve"),),
    },
    "bail_supervision": dict(_INTERVENTION_FAULTS),
    "structured_deferred_sentences": dict(_INTERVENTION_FAULTS),
    "fiscal_work_orders": {
        **_INTERVENTION_FAULTS,
        "negative": (("hours_ordered", "-20"),),
        "out_of_range": (("hours_ordered", "60"),),
        "bad_number": (("hours_ordered", "forty"),),
    },
    "problem_solving": dict(_INTERVENTION_FAULTS),
    "exit_questionnaires": {
        "bad_date": ("received_date",),
        "not_allowed": (("questionnaire_type", "Client"),),
        "out_of_range": (("score_after", "11"),),
        "bad_number": (("score_before", "five"),),
    },
    "womens_centre": {"bad_date": ("end_date",), "date_order": (("start_date", "end_date"),)},
    "support_work_referrals": {
        "bad_date": ("referral_date",),
        "not_allowed": (("source", "Self"),),
    },
    "mappa": {
        "bad_date": ("end_date",),
        "date_order": (("start_date", "end_date"),),
        "not_allowed": (("level", "4"), ("category", "0")),
    },
    "significant_case_reviews": {
        "bad_date": ("completed_date",),
        "date_order": (("notification_date", "completed_date"),),
        "not_allowed": (("review_type", "Inquiry"),),
    },
}
#: What each kind of deliberately bad row is (kinds are the validator's rule codes).
BAD_ROW_KINDS: dict[str, str] = {
    "bad_date": "a date that cannot be parsed (31/02/2024, 2024-13-01, 'not known')",
    "implausible_date": "a date in a year before 1990 (1925...)",
    "date_order": "a later event dated before the earlier one (submitted before requested...)",
    "amount_order": "more unpaid work hours completed than ordered",
    "unknown_council": "a council that does not exist (Gotham City...)",
    "duplicate_id": "an identifier used twice: an exact copy of a row (the later copy is the bad one) or a "
    "conflicting row with the same identifier and different values (both rows are bad)",
    "negative": "a negative number (upw_hours_ordered -40)",
    "out_of_range": "a number outside the allowed range (age 15 on a CPO)",
    "bad_number": "text in a number column ('forty')",
    "not_allowed": "a value outside the allowed list (sex 'M/F', outcome 'Finished')",
    "missing": "a required value left blank (blank imposed_date)",
    "bad_flag": "a yes/no column holding 'maybe'",
}

#: Identifier prefixes per table.
ID_PREFIX: dict[str, str] = {
    "court_reports": "CJR",
    "cpos": "CPO",
    "cpo_reviews": "REV",
    "breaches": "BRE",
    "lscmi_assessments": "LSC",
    "dttos": "DTO",
    "licences": "LIC",
    "diversion": "DIV",
    "bail_supervision": "BSU",
    "structured_deferred_sentences": "SDS",
    "fiscal_work_orders": "FWO",
    "problem_solving": "PSC",
    "exit_questionnaires": "EXQ",
    "womens_centre": "WCS",
    "support_work_referrals": "SWR",
    "mappa": "MAP",
    "significant_case_reviews": "SCR",
}

_NAT = np.datetime64("NaT", "D")
_SHARE_VARIANT_COUNCIL = 0.03
_SHARE_DAY_FIRST = 0.02


# =================================================================================================
# Small vectorised helpers
# =================================================================================================


def _days(n: Any) -> np.ndarray:
    """Whole days as ``timedelta64[D]``."""
    return np.asarray(n, dtype=np.int64).astype("timedelta64[D]")


def _as_int(d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 as int64 (NaT gives a very negative number: mask it first)."""
    return d.astype("datetime64[D]").view(np.int64)


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: Any) -> Any:
    return np.log(p / (1.0 - p))


def _per_year(table: Mapping[int, float], fy: int) -> float:
    """The value for financial year ``fy``; the nearest year's value when ``fy`` is not listed."""
    if fy in table:
        return float(table[fy])
    return float(table[min(table, key=lambda k: (abs(k - fy), k))])


def _add_months(d: np.ndarray, months: Any) -> np.ndarray:
    """Calendar months later, the day clipped to the month's end (31 Jan + 1 month = 28/29 Feb);
    NaT stays."""
    d = np.asarray(d, dtype="datetime64[D]")
    out = np.full(d.shape, _NAT)
    ok = ~np.isnat(d)
    if not ok.any():
        return out
    m = np.broadcast_to(np.asarray(months, dtype=np.int64), d.shape)[ok]
    dd = d[ok]
    month = dd.astype("datetime64[M]")
    day = (dd - month.astype("datetime64[D]")).astype(np.int64)
    target = month + m.astype("timedelta64[M]")
    last = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    ) - 1
    out[ok] = target.astype("datetime64[D]") + _days(np.minimum(day, last))
    return out


def _lag(
    rng: np.random.Generator,
    p: np.ndarray,
    within: tuple,
    weights: tuple,
    limit: int,
    tail_mean: float,
    cap: int,
) -> np.ndarray:
    """Working days to an event: within ``limit`` with probability ``p`` (values ``within`` with
    ``weights``),
    otherwise ``limit + k`` with ``k`` geometric of mean ``tail_mean``, capped at ``cap``."""
    n = len(p)
    w = np.asarray(weights, dtype=float)
    inside = rng.choice(np.asarray(within), size=n, p=w / w.sum())
    beyond = np.minimum(limit + rng.geometric(1.0 / tail_mean, size=n), cap)
    return np.where(rng.random(n) < p, inside, beyond).astype(np.int64)


def _choice(rng: np.random.Generator, n: int, p: tuple) -> np.ndarray:
    """Indices 0..len(p)-1 drawn with probabilities ``p`` (normalised)."""
    w = np.asarray(p, dtype=float)
    return rng.choice(len(w), size=n, p=w / w.sum())


def _pick(values: tuple, index: np.ndarray) -> np.ndarray:
    """``values[index]`` as a string array."""
    return np.asarray(values, dtype=str)[index]


def _centre(offsets: np.ndarray, weights: np.ndarray, target: float) -> float:
    """Shift that makes the weighted mean of ``expit(logit(target) + offsets + shift)`` equal
    ``target``."""
    lo, hi = -5.0, 5.0
    w = weights / weights.sum()
    for _ in range(60):
        mid = (lo + hi) / 2
        if np.sum(w * _expit(_logit(target) + offsets + mid)) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


@dataclass(frozen=True)
class _IdFormat:
    """Opaque identifiers: ``PREFIX-`` then ``width`` digits from a bijection of the record
    number."""

    prefix: str
    width: int
    mult: int
    offset: int

    def key(self, numbers: np.ndarray) -> np.ndarray:
        """The digits of the identifiers as integers (they sort as the identifiers do)."""
        return (np.asarray(numbers, dtype=np.int64) * self.mult + self.offset) % 10**self.width

    def chars(self, numbers: np.ndarray) -> np.ndarray:
        """The identifiers as a (rows, characters) array of ASCII codes."""
        numbers = np.asarray(numbers, dtype=np.int64)
        if len(numbers) and numbers.max() >= 10**self.width:
            raise ValueError(f"too many {self.prefix} records for {self.width}-digit identifiers")
        v = self.key(numbers)
        powers = 10 ** np.arange(self.width - 1, -1, -1, dtype=np.int64)
        out = np.empty((len(v), len(self.prefix) + self.width), dtype=np.uint8)
        out[:, : len(self.prefix)] = np.frombuffer(self.prefix.encode("ascii"), dtype=np.uint8)
        out[:, len(self.prefix) :] = (v[:, None] // powers) % 10 + ord("0")
        return out

    def __call__(self, numbers: np.ndarray) -> np.ndarray:
        """The identifiers as a string array."""
        c = self.chars(numbers)
        return c.view(f"S{c.shape[1]}").reshape(len(c)).astype(str)


# =================================================================================================
# People, rates and the generation context
# =================================================================================================


class _People:
    """Synthetic people: a global number each, with a sex and an age when first seen; no names.

    A person's sampled age is their age on the first day they appear in any table generated so far,
    so that every year brings new 16 and 17 year olds (ages taken at one fixed date would leave
    none by the end).
    """

    def __init__(self, rng: np.random.Generator, n_councils: int):
        self.rng = rng
        self.sex = np.zeros(0, dtype=np.int8)  # index into SEXES
        self.age_ref = np.zeros(0)
        self.first_seen = np.zeros(0, dtype=np.int64)  # days since 1970 of the first record seen
        self.pool_start = np.zeros(n_councils, dtype=np.int64)
        self.pool_size = np.zeros(n_councils, dtype=np.int64)

    def new(
        self, n: int, *, sex: int | None = None, young: bool = False, sex_p: tuple = CPO_SEX_P
    ) -> np.ndarray:
        """``n`` new people; returns their numbers."""
        start = len(self.sex)
        s = (
            np.full(n, sex, dtype=np.int8)
            if sex is not None
            else _choice(self.rng, n, sex_p).astype(np.int8)
        )
        a = (12.0 + self.rng.gamma(1.6, 7.0, n)) if young else (16.0 + self.rng.gamma(2.0, 8.5, n))
        self.sex = np.concatenate([self.sex, s])
        self.age_ref = np.concatenate([self.age_ref, a])
        self.first_seen = np.concatenate(
            [self.first_seen, np.full(n, np.iinfo(np.int64).max, dtype=np.int64)]
        )
        return np.arange(start, start + n, dtype=np.int64)

    def make_pool(self, counts: np.ndarray) -> None:
        """The people on CPOs, per council: some people have several orders."""
        sizes = np.ceil(counts * 0.85).astype(np.int64) + 1
        first = self.new(int(sizes.sum()))[0] if sizes.sum() else len(self.sex)
        self.pool_start = first + np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.pool_size = sizes

    def pick(self, council: np.ndarray, share_existing: float, **new_kw: Any) -> np.ndarray:
        """A person per row: someone already known to the council (share) or somebody new."""
        n = len(council)
        size = self.pool_size[council]
        existing = (self.rng.random(n) < share_existing) & (size > 0)
        out = self.pool_start[council] + np.floor(self.rng.random(n) * size).astype(np.int64)
        out[~existing] = self.new(int((~existing).sum()), **new_kw)
        return out

    def age(
        self, person: np.ndarray, day: np.ndarray, ref: np.datetime64 | None = None
    ) -> np.ndarray:
        """Age in whole years on ``day``: the sampled age when first seen plus the years since."""
        days = _as_int(day)
        np.minimum.at(self.first_seen, person, days)
        years = (days - self.first_seen[person]) / 365.25
        return np.clip(np.floor(self.age_ref[person] + years), 8, 99)


class _Rates:
    """Probability that an event meets its standard, per row: national rate by year, council
    offset, signals."""

    def __init__(
        self, rng: np.random.Generator, weights: np.ndarray, fys: list[int], signals: list[dict]
    ):
        self.fys = fys
        self.base = {
            k: np.array([spec[1].get(fy, spec[0]) for fy in fys]) for k, spec in RATES.items()
        }
        self.offset = {}
        for k, (default, _) in RATES.items():
            o = rng.normal(0.0, COUNCIL_RATE_SD, len(weights))
            self.offset[k] = o + _centre(o, weights, default)
        self.signals = signals

    def p(
        self, name: str, council: np.ndarray, fy: np.ndarray, day: np.ndarray | None = None
    ) -> np.ndarray:
        p = _expit(_logit(self.base[name][fy]) + self.offset[name][council])
        for s in self.signals:
            if s["rate"] != name or day is None:
                continue
            mine = council == s["council_index"]
            if not mine.any():
                continue
            d = _as_int(day[mine])
            start = _as_int(np.asarray([np.datetime64(s["change_date"])]))[0]
            if "change_end" in s:
                end = _as_int(np.asarray([np.datetime64(s["change_end"])]))[0]
                frac = np.clip((d - start) / max(end - start, 1), 0.0, 1.0)
            else:
                frac = (d >= start).astype(float)
            p[mine] = s["rate_before"] + frac * (s["rate_after"] - s["rate_before"])
        return p


@dataclass
class _Ctx:
    """Everything the table generators share."""

    names: list[str]
    codes: list[str]
    family_groups: list[str]
    variants: list[list[str]]
    fys: list[int]
    extract: np.datetime64
    scale: float
    cal: np.busdaycalendar
    holidays: np.ndarray
    base: np.ndarray  # expected CPOs in a 2019/20-sized year, per council
    frame_share: float
    year_jitter: np.ndarray  # council x year
    fy_days: list[np.ndarray]
    day_p: dict[str, list[np.ndarray]]
    rates: _Rates
    people: _People
    ids: dict[str, _IdFormat]
    signals: list[dict]
    ref_day: np.datetime64
    first_day: np.datetime64
    protect: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.names)

    def fy_index(self, day: np.ndarray) -> np.ndarray:
        """Index into ``fys`` of the financial year of each date (clipped to the range)."""
        d = np.asarray(day, dtype="datetime64[D]")
        y = d.astype("datetime64[Y]").view(np.int64) + 1970
        m = d.astype("datetime64[M]").view(np.int64) % 12 + 1
        fy = np.where(m >= 4, y, y - 1)
        return np.clip(fy - self.fys[0], 0, len(self.fys) - 1)

    def after(self, start: np.ndarray, lag: np.ndarray) -> np.ndarray:
        """``lag`` working days after ``start`` (rolled forward to a working day first); lag < 0
        gives NaT."""
        out = np.full(start.shape, _NAT)
        ok = ~np.isnat(start) & (lag >= 0)
        out[ok] = np.busday_offset(start[ok], lag[ok], roll="forward", busdaycal=self.cal)
        return out

    def before(self, end: np.ndarray, lag: np.ndarray) -> np.ndarray:
        """``lag`` working days before ``end`` (rolled back to a working day first)."""
        out = np.full(end.shape, _NAT)
        ok = ~np.isnat(end)
        out[ok] = np.busday_offset(end[ok], -lag[ok], roll="backward", busdaycal=self.cal)
        return out

    def roll(self, d: np.ndarray, forward: bool = True) -> np.ndarray:
        """To the nearest working day on or after (or before) ``d``."""
        out = np.full(d.shape, _NAT)
        ok = ~np.isnat(d)
        out[ok] = np.busday_offset(
            d[ok], 0, roll="forward" if forward else "backward", busdaycal=self.cal
        )
        return out

    def draw(
        self,
        rng: np.random.Generator,
        totals: Mapping[int, float],
        kind: str,
        mult: np.ndarray | None = None,
        warm_years: int = 0,
    ):
        """Records per council and day for each financial year: (council index, date), nothing
        after the extract.

        With ``warm_years``, also that many financial years before the first, each the size of
        the first (drawn after the reported years, so that these keep their random draws).
        """
        w0 = self.base * (1.0 if mult is None else mult)
        councils, days = [], []
        years = [(j, fy, self.fy_days[j], self.day_p[kind][j]) for j, fy in enumerate(self.fys)]
        for k in range(warm_years, 0, -1):
            fy = self.fys[0] - k
            warm_days = np.arange(np.datetime64(f"{fy}-04-01"), np.datetime64(f"{fy + 1}-04-01"))
            years.append((0, self.fys[0], warm_days, _day_probs(warm_days, kind, self.holidays)))
        for j, fy, fy_days, day_p in years:
            total = int(round(_per_year(totals, fy) * self.scale * self.frame_share))
            w = w0 * self.year_jitter[:, j]
            if total <= 0 or w.sum() <= 0:
                continue
            counts = rng.multinomial(total, w / w.sum())
            pick = rng.choice(len(fy_days), size=total, p=day_p)
            councils.append(np.repeat(np.arange(self.n), counts))
            days.append(fy_days[pick])
        if not councils:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype="datetime64[D]")
        council, day = np.concatenate(councils), np.concatenate(days)
        keep = day <= self.extract
        return council[keep], day[keep]

    def mult(
        self, rng: np.random.Generator, sd: float, by_group: Mapping[str, float] | None = None
    ) -> np.ndarray:
        """Table-specific council multipliers: lognormal noise, optionally scaled by family
        group."""
        m = np.exp(rng.normal(0.0, sd, self.n))
        if by_group:
            m = m * np.array([by_group.get(g, 1.0) for g in self.family_groups])
        return m


def _day_probs(days: np.ndarray, kind: str, holidays: np.ndarray) -> np.ndarray:
    """Probability of each day of a financial year for records of ``kind`` (weekday, holidays,
    seasons, Covid)."""
    dow = (days.view(np.int64) + 3) % 7  # 0 = Monday
    w = np.asarray(WEEKDAY_WEIGHTS[kind])[dow]
    w = np.where(np.isin(days, holidays), HOLIDAY_WEIGHT[kind], w)
    month = days.astype("datetime64[M]").view(np.int64) % 12 + 1
    dom = (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    year = days.astype("datetime64[Y]").view(np.int64) + 1970
    if kind != "release":
        xmas = ((month == 12) & (dom >= 22)) | ((month == 1) & (dom <= 5))
        w = w * np.where(xmas, CHRISTMAS_FACTOR, 1.0)
        for (y, m), f in COVID_MONTH_FACTOR.items():
            w = w * np.where((year == y) & (month == m) & (days >= COVID_START), f, 1.0)
    if kind == "court":
        summer = ((month == 7) & (dom >= 14)) | ((month == 8) & (dom <= 14))
        w = w * np.where(summer, SUMMER_RECESS_FACTOR, 1.0)
    return w / w.sum()


def _council_base(names: list[str], family_groups: list[str]) -> tuple[np.ndarray, float]:
    """Expected CPOs per council in a year the size of 2019/20, and the total for all 32
    councils."""
    fixed = {**COUNCIL_CPOS_2019, **ISLAND_CPOS_2019}
    others = {k: v for k, v in COUNCIL_PROFILE.items() if k not in fixed}
    raw = {
        k: pop * FAMILY_GROUP_FACTOR[fg] * COUNCIL_RATE_ADJUST.get(k, 1.0)
        for k, (pop, fg) in others.items()
    }
    per_unit = (NATIONAL_CPOS[2019] - sum(fixed.values())) / sum(raw.values())
    total = float(NATIONAL_CPOS[2019])
    base = []
    for name, fg in zip(names, family_groups):
        if name in fixed:
            base.append(float(fixed[name]))
        elif name in raw:
            base.append(raw[name] * per_unit)
        else:
            base.append(DEFAULT_POPULATION * FAMILY_GROUP_FACTOR.get(fg, 1.0) * per_unit)
    return np.asarray(base), total


def _council_variants(name: str, code: str, old_codes: Any, aliases: Any) -> list[str]:
    """Other legitimate spellings of a council: aliases, GSS codes, other case, '&' for 'and'."""
    out = [*list(aliases or []), *list(old_codes or []), code, name.lower(), name.upper()]
    if " and " in name:
        out.append(name.replace(" and ", " & "))
    if name == "City of Edinburgh":
        out.append("Edinburgh, City of")
    seen, result = set(), []
    for v in out:
        if v and v != name and v not in seen:
            seen.add(v)
            result.append(str(v))
    return result


def _make_context(
    councils: pd.DataFrame, seed: int, scale: float, fys: list[int], extract: date
) -> _Ctx:
    rng = np.random.default_rng([seed, 0])
    names = [str(x) for x in councils["name"]]
    codes = [str(x) for x in councils["code"]]
    groups = [str(x) for x in councils["family_group"]]
    old = councils["old_codes"] if "old_codes" in councils else [[]] * len(names)
    aliases = councils["aliases"] if "aliases" in councils else [[]] * len(names)
    variants = [_council_variants(n, c, o, a) for n, c, o, a in zip(names, codes, old, aliases)]
    base, base_total = _council_base(names, groups)
    hol = np.asarray(scottish_bank_holidays(fys[0] - 6, fys[-1] + 8), dtype="datetime64[D]")
    cal = np.busdaycalendar(weekmask="1111100", holidays=hol)
    fy_days = [
        np.arange(np.datetime64(f"{fy}-04-01"), np.datetime64(f"{fy + 1}-04-01")) for fy in fys
    ]
    day_p = {k: [_day_probs(d, k, hol) for d in fy_days] for k in WEEKDAY_WEIGHTS}
    trend = rng.normal(0.0, 0.02, len(names))
    year_jitter = np.exp(
        rng.normal(0.0, 0.04, (len(names), len(fys)))
        + np.outer(trend, np.arange(len(fys)) - (2019 - fys[0]))
    )
    signals = []
    for s in SIGNALS:
        if s["council"] in names:
            i = names.index(s["council"])
            signals.append({**s, "council_index": i, "council_code": codes[i]})
    rates = _Rates(rng, base, fys, signals)
    n_years = len(fys)
    width = max(
        7, len(str(int(60_000 * n_years * max(scale, 0.01) * max(1.0, base.sum() / base_total))))
    )
    ids = {
        name: _IdFormat(prefix + "-", width, 7_919_111 + 10 * i, int(rng.integers(0, 10**width)))
        for i, (name, prefix) in enumerate(ID_PREFIX.items())
    }
    ids["person"] = _IdFormat(
        "P", max(8, width + 1), 48_271, int(rng.integers(0, 10 ** max(8, width + 1)))
    )
    return _Ctx(
        names=names,
        codes=codes,
        family_groups=groups,
        variants=variants,
        fys=fys,
        extract=np.datetime64(extract, "D"),
        scale=scale,
        cal=cal,
        holidays=hol,
        base=base,
        frame_share=float(base.sum() / base_total),
        year_jitter=year_jitter,
        fy_days=fy_days,
        day_p=day_p,
        rates=rates,
        people=_People(np.random.default_rng([seed, 1]), len(names)),
        ids=ids,
        signals=signals,
        ref_day=np.datetime64(f"{fys[0]}-04-01"),
        first_day=np.datetime64(f"{fys[0]}-04-01"),
    )


# =================================================================================================
# Table generators. Each returns a "typed" dict: contract columns as numpy arrays (dates
# datetime64[D] with NaT, whole numbers float with NaN, flags bool, categories str with "" for
# blank, council int index, person int number, references int record numbers with -1 for blank and
# "_ref_table" naming the table they point at) plus "_id" (record numbers) and internal columns
# starting with "_".
# =================================================================================================


def _warm_keep(ctx: _Ctx, start: np.ndarray, end_true: np.ndarray) -> np.ndarray:
    """Which records to keep: all of the reported years, and warm-start ones still open on its
    first day.

    A warm record (started before the first reported day) is kept when it ends on or after that
    day, or started at most :data:`WARM_KEEP_DAYS` before it (its deadlines can fall after it).
    """
    recent = start >= ctx.first_day - _days(WARM_KEEP_DAYS)
    return recent | (end_true >= ctx.first_day)


def _subset(typed: dict, keep: np.ndarray) -> dict:
    """The typed table with only the ``keep`` rows (record numbers ``_id`` renumbered)."""
    n = len(keep)
    out = {
        k: (v[keep] if isinstance(v, np.ndarray) and v.ndim == 1 and len(v) == n else v)
        for k, v in typed.items()
    }
    out["_id"] = np.arange(int(keep.sum()), dtype=np.int64)
    return out


def _blank_after(ctx: _Ctx, d: np.ndarray, limit: np.ndarray | None = None) -> np.ndarray:
    """NaT where the date is after the extract date (or after ``limit``, e.g. the order's end)."""
    bad = d > ctx.extract
    if limit is not None:
        bad |= ~np.isnat(limit) & (d > limit)
    return np.where(bad, _NAT, d)


def _gen_cpos(ctx: _Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
    council, imposed = ctx.draw(rng, NATIONAL_CPOS, "court", warm_years=WARM_YEARS_ORDERS)
    n = len(imposed)
    ctx.people.make_pool(np.bincount(council, minlength=ctx.n))
    person = ctx.people.pick(council, 1.0)
    fy = ctx.fy_index(imposed)
    sex = ctx.people.sex[person]
    age = ctx.people.age(person, imposed, ctx.ref_day)
    age = np.maximum(age, 16)

    has_upw = rng.random(n) < SHARE_UPW
    has_sup = rng.random(n) < np.where(
        has_upw, SHARE_SUPERVISION_WITH_UPW, SHARE_SUPERVISION_WITHOUT_UPW
    )
    other_only = ~has_upw & ~has_sup
    domestic = rng.random(n) < np.where(sex == 0, 0.17, 0.05)
    caledonian = domestic & has_sup & (rng.random(n) < 0.35)
    has_programme = caledonian | (has_sup & (rng.random(n) < 0.05))
    has_treatment = (has_sup | other_only) & (rng.random(n) < 0.12)
    has_other = other_only | (rng.random(n) < 0.12)
    transfer_in = rng.random(n) < SHARE_TRANSFER_IN
    nc = (rng.random(n) < SHARE_NON_COMPLIANCE) & ~transfer_in
    late = np.where(transfer_in, rng.integers(5, 30, n), 0)

    r = ctx.rates
    lag_fc = (
        _lag(rng, r.p("cpo_first_contact", council, fy, imposed), (0, 1), (0.45, 0.55), 1, 1.6, 40)
        + late
    )
    lag_fc[nc] = -1
    lag_ind = _lag(
        rng,
        r.p("cpo_induction", council, fy, imposed),
        range(6),
        (4, 12, 20, 22, 22, 20),
        5,
        4.0,
        60,
    )
    lag_ind = np.maximum(lag_ind + late, lag_fc)
    n_nc = int(nc.sum())
    lag_ind[nc] = np.where(rng.random(n_nc) < 0.5, -1, 6 + rng.geometric(0.1, n_nc))
    lag_cmp = _lag(
        rng,
        r.p("cpo_case_management_plan", council, fy, imposed),
        range(3, 21),
        (1,) * 18,
        20,
        8.0,
        90,
    )
    lag_cmp = np.where(has_sup, np.maximum(lag_cmp + late, lag_ind), -1)
    lag_cmp[nc & (rng.random(n) < 0.5)] = -1
    lag_fp = _lag(
        rng,
        r.p("upw_placement", council, fy, imposed),
        range(1, 8),
        (8, 14, 17, 17, 16, 15, 13),
        7,
        7.0,
        80,
    )
    lag_fp = np.where(has_upw, lag_fp + late, -1)
    lag_fp[nc] = np.where(has_upw[nc] & (rng.random(n_nc) < 0.5), 8 + rng.geometric(0.1, n_nc), -1)

    first_contact = ctx.after(imposed, lag_fc)
    induction = ctx.after(imposed, lag_ind)
    cmp_date = ctx.after(imposed, lag_cmp)
    placement = ctx.after(imposed, lag_fp)

    # Unpaid work: hours, timescale, and when the hours would be complete if the order runs its
    # course.
    level2 = rng.random(n) < SHARE_LEVEL_2
    h1 = _pick(UPW_LEVEL_1_HOURS[0], _choice(rng, n, UPW_LEVEL_1_HOURS[1])).astype(float)
    h2 = _pick(UPW_LEVEL_2_HOURS[0], _choice(rng, n, UPW_LEVEL_2_HOURS[1])).astype(float)
    hours = np.where(has_upw, np.where(level2, h2, h1), np.nan)
    explicit = has_upw & (rng.random(n) < 0.12)
    months_explicit = np.where(
        level2,
        _pick((6, 9, 12), _choice(rng, n, (3, 4, 3))),
        _pick((3, 6), _choice(rng, n, (1, 1))),
    )
    months_explicit = months_explicit.astype(float)
    timescale = np.where(explicit, months_explicit, np.nan)
    deadline_months = np.where(explicit, months_explicit, np.where(level2, 6, 3)).astype(np.int64)
    deadline = _add_months(imposed, deadline_months)
    in_time = rng.random(n) < r.p("upw_completion", council, fy, imposed)
    span = np.maximum(
        (_as_int(deadline) - _as_int(np.where(np.isnat(placement), imposed, placement))), 1
    )
    done_in_time = placement + _days(np.floor(rng.beta(4.0, 1.5, n) * span))
    done_late = deadline + _days(1 + rng.geometric(1 / 70.0, n))
    upw_done = np.where(np.isnat(placement), _NAT, np.where(in_time, done_in_time, done_late))

    # How long the order runs and how it ends.
    sup_months = _pick((6, 9, 12, 18, 24, 36), _choice(rng, n, (8, 7, 35, 25, 20, 5))).astype(
        np.int64
    )
    sup_end = np.where(has_sup, _add_months(imposed, sup_months), _NAT)
    other_end = np.where(
        other_only, _add_months(imposed, np.where(rng.random(n) < 0.5, 6, 12)), _NAT
    )
    upw_end = np.where(
        has_upw,
        np.where(np.isnat(upw_done), deadline, upw_done + _days(rng.integers(0, 15, n))),
        _NAT,
    )
    stack = np.vstack([_as_int(x) for x in (sup_end, other_end, upw_end)])
    stack = np.where(
        np.isnat(np.vstack([sup_end, other_end, upw_end])), np.iinfo(np.int64).min, stack
    )
    natural_end = ctx.roll(stack.max(axis=0).astype("datetime64[D]"))
    outcome = np.where(
        nc, _choice(rng, n, CPO_OUTCOME_P_NON_COMPLIANT), _choice(rng, n, CPO_OUTCOME_P)
    )
    outcome = np.where((outcome == 0) & has_upw & np.isnat(upw_done), 1, outcome)
    length = np.maximum(_as_int(natural_end) - _as_int(imposed), 30)
    early = imposed + _days(np.maximum(42, np.floor(rng.uniform(0.15, 0.85, n) * length)))
    revoked = imposed + _days(np.maximum(120, np.floor(rng.uniform(0.3, 0.9, n) * length)))
    end_true = np.where(
        outcome == 0, natural_end, ctx.roll(np.where(outcome == 1, revoked, early))
    )

    # Nothing happens after the order ends or after the extract date.
    first_contact = _blank_after(ctx, first_contact, end_true)
    induction = _blank_after(ctx, induction, end_true)
    cmp_date = _blank_after(ctx, cmp_date, end_true)
    placement = _blank_after(ctx, placement, end_true)
    upw_completed = _blank_after(ctx, np.where(upw_done <= end_true, upw_done, _NAT))
    review_deadline = _add_months(imposed, 3)
    review_in = ctx.roll(review_deadline - _days(rng.integers(0, 25, n)), forward=False)
    review_out = ctx.roll(review_deadline + _days(rng.geometric(1 / 15.0, n)))
    first_review = np.where(
        rng.random(n) < r.p("cpo_first_review", council, fy, imposed), review_in, review_out
    )
    first_review = _blank_after(ctx, np.where(first_review < end_true, first_review, _NAT))

    # Hours completed by the end of the order or the extract date.
    ref = np.minimum(_as_int(end_true), _as_int(np.asarray([ctx.extract]))[0])
    target = np.maximum(
        _as_int(np.where(np.isnat(upw_done), deadline, upw_done)), _as_int(deadline)
    )
    fp_int = _as_int(np.where(np.isnat(placement), imposed, placement))
    frac = np.clip((ref - fp_int) / np.maximum(target - fp_int, 1), 0.0, 0.95)
    frac = np.where(np.isnat(placement), 0.0, frac)
    completed_hours = np.where(~np.isnat(upw_completed), hours, np.floor(hours * frac))
    individual = np.where(
        has_upw & (completed_hours > 0) & (rng.random(n) < 0.12),
        np.floor(completed_hours * rng.uniform(0.1, 1.0, n)),
        np.nan,
    )

    running = end_true > ctx.extract
    typed = {
        "_id": np.arange(n, dtype=np.int64),
        "council": council,
        "person_id": person,
        "imposed_date": imposed,
        "age_at_imposition": age.astype(float),
        "sex": _pick(SEXES, sex),
        "has_supervision": has_sup,
        "has_upw": has_upw,
        "has_programme": has_programme,
        "has_treatment": has_treatment,
        "has_other_requirement": has_other,
        "upw_hours_ordered": hours,
        "upw_hours_completed": completed_hours,
        "upw_hours_individual_placement": individual,
        "upw_timescale_months": timescale,
        "first_contact_date": first_contact,
        "induction_date": induction,
        "case_management_plan_date": cmp_date,
        "first_review_date": first_review,
        "upw_first_placement_date": placement,
        "upw_completed_date": upw_completed,
        "end_date": np.where(running, _NAT, end_true),
        "outcome": np.where(running, "", _pick(ORDER_OUTCOMES, outcome)),
        "transfer_in": transfer_in,
        "non_compliance": nc,
        "domestic_abuse": domestic,
        "caledonian": caledonian,
        "_end_true": end_true,
        "_outcome_code": outcome,
        "_fy": fy,
        "_natural_end": natural_end,
        "_sex_code": sex,
        "_deadline": deadline,
    }
    # A warm order that ended early still counts where its unpaid work (or review) fell due.
    return _subset(typed, _warm_keep(ctx, imposed, np.maximum(end_true, deadline)))


def _gen_dttos(ctx: _Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
    mult = ctx.mult(rng, 0.3, {"FG1": 0.7, "FG2": 0.8, "FG3": 1.0, "FG4": 1.4})
    council, imposed = ctx.draw(rng, NATIONAL_DTTOS, "court", mult, WARM_YEARS_CASES)
    n = len(imposed)
    person = ctx.people.pick(council, 0.6, sex_p=(0.75, 0.25, 0.0))
    fy = ctx.fy_index(imposed)
    transfer_in = rng.random(n) < 0.03
    nc = (rng.random(n) < 0.04) & ~transfer_in
    late = np.where(transfer_in, rng.integers(5, 30, n), 0)
    r = ctx.rates
    lag_fc = (
        _lag(
            rng, r.p("dtto_first_contact", council, fy, imposed), (0, 1), (0.55, 0.45), 1, 1.5, 30
        )
        + late
    )
    lag_fc[nc] = -1
    lag_m = _lag(
        rng,
        r.p("dtto_first_meeting", council, fy, imposed),
        range(1, 6),
        (3, 3, 2, 2, 2),
        5,
        3.0,
        40,
    )
    lag_m = np.maximum(lag_m + late, lag_fc)
    lag_m[nc] = np.where(
        rng.random(int(nc.sum())) < 0.5, -1, 6 + rng.geometric(0.2, int(nc.sum()))
    )
    length = _pick((12, 18, 24, 36), _choice(rng, n, (25, 20, 40, 15))).astype(np.int64)
    natural_end = ctx.roll(_add_months(imposed, length))
    outcome = _choice(rng, n, DTTO_OUTCOME_P)
    days_len = _as_int(natural_end) - _as_int(imposed)
    early = imposed + _days(np.maximum(42, np.floor(rng.uniform(0.1, 0.9, n) * days_len)))
    revoked = imposed + _days(np.maximum(120, np.floor(rng.uniform(0.15, 0.8, n) * days_len)))
    end_true = np.where(
        outcome == 0, natural_end, ctx.roll(np.where(outcome == 1, revoked, early))
    )
    running = end_true > ctx.extract
    typed = {
        "_id": np.arange(n, dtype=np.int64),
        "council": council,
        "person_id": person,
        "imposed_date": imposed,
        "age_at_imposition": np.maximum(ctx.people.age(person, imposed, ctx.ref_day), 16).astype(
            float
        ),
        "sex": _pick(SEXES, ctx.people.sex[person]),
        "first_contact_date": _blank_after(ctx, ctx.after(imposed, lag_fc), end_true),
        "first_meeting_date": _blank_after(ctx, ctx.after(imposed, lag_m), end_true),
        "end_date": np.where(running, _NAT, end_true),
        "outcome": np.where(running, "", _pick(ORDER_OUTCOMES, outcome)),
        "transfer_in": transfer_in,
        "non_compliance": nc,
        "_end_true": end_true,
        "_outcome_code": outcome,
        "_fy": fy,
        "_natural_end": natural_end,
    }
    return _subset(typed, _warm_keep(ctx, imposed, end_true))


def _gen_breaches(
    ctx: _Ctx, rng: np.random.Generator, cpos: dict, dttos: dict
) -> dict[str, np.ndarray]:
    parts = []
    for order_type, t in (("CPO", cpos), ("DTTO", dttos)):
        n = len(t["_id"])
        imposed, end_true = t["imposed_date"], t["_end_true"]
        # Breaches that ended the order: the court's decision is the order's end.
        rev = np.flatnonzero(t["_outcome_code"] == 1)
        outcome_date = end_true[rev]
        application = ctx.roll(outcome_date - _days(rng.integers(14, 71, len(rev))), forward=False)
        p = ctx.rates.p("breach_application", t["council"][rev], t["_fy"][rev])
        lag = _lag(rng, p, range(6), (10, 20, 20, 18, 16, 16), 5, 4.0, 25)
        decision = np.maximum(ctx.before(application, lag), imposed[rev])
        outcome = _pick(
            ("Revoked - custody", "Revoked - other sentence"), _choice(rng, len(rev), (55, 45))
        )
        parts.append((order_type, rev, decision, application, outcome_date, outcome))
        # Breaches after which the order went on.
        length = _as_int(end_true) - _as_int(imposed)
        cont = np.flatnonzero((t["_outcome_code"] != 1) & (length >= 150) & (rng.random(n) < 0.08))
        decision = ctx.roll(
            imposed[cont] + _days(np.floor(rng.uniform(0.2, 0.6, len(cont)) * length[cont]))
        )
        p = ctx.rates.p("breach_application", t["council"][cont], t["_fy"][cont])
        lag = _lag(rng, p, range(6), (10, 20, 20, 18, 16, 16), 5, 4.0, 25)
        application = ctx.after(decision, lag)
        outcome_date = ctx.roll(application + _days(rng.integers(14, 57, len(cont))))
        ok = outcome_date < end_true[cont]
        outcome = _pick(
            ("Order continued", "Order varied", "Withdrawn", "Other"),
            _choice(rng, len(cont), (55, 33, 8, 4)),
        )
        parts.append(
            (order_type, cont[ok], decision[ok], application[ok], outcome_date[ok], outcome[ok])
        )
    order_type = np.concatenate([np.full(len(p[1]), p[0]) for p in parts]).astype(str)
    idx, decision, application, outcome_date, outcome = (
        np.concatenate([p[i] for p in parts]) for i in range(1, 6)
    )
    source = {"CPO": cpos, "DTTO": dttos}
    council = np.concatenate([source[p[0]]["council"][p[1]] for p in parts]).astype(np.int64)
    person = np.concatenate([source[p[0]]["person_id"][p[1]] for p in parts]).astype(np.int64)
    keep = decision <= ctx.extract
    application = np.where(application > ctx.extract, _NAT, application)
    pending = np.isnat(application) | (outcome_date > ctx.extract)
    outcome_date = np.where(pending, _NAT, outcome_date)
    outcome = np.where(pending, "", outcome)
    for name, kind in (("cpos", "CPO"), ("dttos", "DTTO")):
        mark = np.zeros(len(cpos["_id"] if name == "cpos" else dttos["_id"]), dtype=bool)
        mark[idx[keep & (order_type == kind)]] = True
        ctx.protect[name] = ctx.protect.get(name, np.zeros(len(mark), dtype=bool)) | mark
    n = int(keep.sum())
    return {
        "_id": np.arange(n, dtype=np.int64),
        "council": council[keep],
        "person_id": person[keep],
        "order_id": idx[keep],
        "_ref_table": np.where(order_type[keep] == "CPO", "cpos", "dttos"),
        "order_type": order_type[keep],
        "decision_date": decision[keep],
        "application_date": application[keep],
        "outcome": outcome[keep],
        "outcome_date": outcome_date[keep],
    }


def _gen_reviews(ctx: _Ctx, rng: np.random.Generator, cpos: dict) -> dict[str, np.ndarray]:
    n = len(cpos["_id"])
    imposed, end_true, first = cpos["imposed_date"], cpos["_end_true"], cpos["first_review_date"]
    parts = []

    def held(d: np.ndarray) -> np.ndarray:
        return ~np.isnat(d) & (d < end_true) & (d <= ctx.extract)

    parts.append(("Three-month", np.flatnonzero(~np.isnat(first)), first[~np.isnat(first)]))
    six = ctx.roll(_add_months(imposed, 6) + _days(rng.integers(-20, 15, n)))
    ok = held(six) & ~np.isnat(first) & (six > first)
    parts.append(("Six-month", np.flatnonzero(ok), six[ok]))
    for months in range(12, 48, 6):
        d = ctx.roll(_add_months(imposed, months) + _days(rng.integers(-20, 20, n)))
        ok = held(d) & ~np.isnat(first) & (rng.random(n) < 0.85)
        parts.append(("Periodic", np.flatnonzero(ok), d[ok]))
    re = np.where(cpos["non_compliance"], rng.random(n) < 0.8, rng.random(n) < 0.06)
    d = ctx.after(imposed, rng.integers(10, 80, n))
    ok = re & held(d)
    parts.append(("Re-engagement", np.flatnonzero(ok), d[ok]))
    d = ctx.roll(imposed + _days(rng.integers(30, 300, n)))
    ok = (rng.random(n) < 0.01) & held(d)
    parts.append(("Other", np.flatnonzero(ok), d[ok]))
    idx = np.concatenate([p[1] for p in parts])
    kinds = np.concatenate([np.full(len(p[1]), p[0]) for p in parts]).astype(str)
    day = np.concatenate([p[2] for p in parts]).astype("datetime64[D]")
    mark = np.zeros(n, dtype=bool)
    mark[idx] = True
    ctx.protect["cpos"] = ctx.protect.get("cpos", np.zeros(n, dtype=bool)) | mark
    return {
        "_id": np.arange(len(idx), dtype=np.int64),
        "council": cpos["council"][idx],
        "person_id": cpos["person_id"][idx],
        "order_id": idx,
        "_ref_table": "cpos",
        "review_type": kinds,
        "review_date": day,
    }


def _gen_reports(ctx: _Ctx, rng: np.random.Generator, cpos: dict) -> dict[str, np.ndarray]:
    # Reports that led to a CPO: due on the day the order was imposed.
    linked = np.flatnonzero(
        (rng.random(len(cpos["_id"])) < SHARE_CPO_WITH_REPORT) & ~cpos["transfer_in"]
    )
    due_l = cpos["imposed_date"][linked]
    req_l = ctx.roll(
        due_l
        - _days(_pick((21, 28, 35, 42), _choice(rng, len(linked), (45, 35, 12, 8))).astype(int)),
        forward=False,
    )
    # Reports of warm-start orders are kept when they fall due in the reported period.
    ok = (req_l >= ctx.first_day) | (due_l >= ctx.first_day)
    linked, due_l, req_l = linked[ok], due_l[ok], req_l[ok]
    type_l = _pick(("CJSWR", "Supplementary", "Other"), _choice(rng, len(linked), (93, 5, 2)))
    # The others, to make up the national totals of reports requested in each reported year.
    requested_in = req_l[req_l >= ctx.first_day]
    linked_fy = np.bincount(ctx.fy_index(requested_in), minlength=len(ctx.fys)) / max(
        ctx.scale * ctx.frame_share, 1e-9
    )
    totals = {
        fy: max(_per_year(NATIONAL_REPORTS, fy) - linked_fy[j], 0.0)
        for j, fy in enumerate(ctx.fys)
    }
    council_u, req_u = ctx.draw(rng, totals, "court", ctx.mult(rng, 0.1), WARM_YEARS_EVENTS)
    m = len(req_u)
    type_code = _choice(rng, m, (72, 12, 11, 5))
    type_u = _pick(("CJSWR", "Short notice", "Supplementary", "Other"), type_code)
    offset = np.select(
        [type_code == 0, type_code == 1, type_code == 2],
        [
            _pick((21, 28, 35), _choice(rng, m, (60, 30, 10))).astype(int),
            rng.integers(3, 11, m),
            rng.integers(14, 29, m),
        ],
        rng.integers(14, 36, m),
    )
    due_u = ctx.roll(req_u + _days(offset))
    # Warm-start reports: only those falling due in the reported period.
    due_in = (req_u >= ctx.first_day) | (due_u >= ctx.first_day)
    council_u, req_u, type_u, due_u = (
        council_u[due_in],
        req_u[due_in],
        type_u[due_in],
        due_u[due_in],
    )
    person_u = ctx.people.pick(council_u, 0.5)

    council = np.concatenate([cpos["council"][linked], council_u])
    person = np.concatenate([cpos["person_id"][linked], person_u])
    requested = np.concatenate([req_l, req_u]).astype("datetime64[D]")
    due = np.concatenate([due_l, due_u]).astype("datetime64[D]")
    rtype = np.concatenate([type_l, type_u]).astype(str)
    n = len(requested)
    courts = ("High Court", "Sheriff solemn", "Sheriff summary", "Justice of the Peace")
    court = _pick(courts, _choice(rng, n, (4, 18, 70, 8)))
    fy = ctx.fy_index(requested)
    p = ctx.rates.p("report_by_due", council, fy, due)
    on_time = rng.random(n) < p
    before = ctx.before(
        due, _pick((0, 1, 2, 3), _choice(rng, n, (30, 35, 25, 10))).astype(np.int64)
    )
    before = np.maximum(before, requested)
    late = ctx.after(due, rng.geometric(1 / 3.0, n).astype(np.int64))
    submitted = np.where(on_time, before, late)
    submitted = np.where(rng.random(n) < 0.012, _NAT, submitted)
    submitted = _blank_after(ctx, submitted)
    keep = requested <= ctx.extract
    caled = (rtype == "CJSWR") & (rng.random(n) < 0.08)
    return {
        "_id": np.arange(int(keep.sum()), dtype=np.int64),
        "council": council[keep],
        "person_id": person[keep],
        "report_type": rtype[keep],
        "court": court[keep],
        "requested_date": requested[keep],
        "due_date": due[keep],
        "submitted_date": submitted[keep],
        "caledonian_assessment": caled[keep],
    }


def _gen_lscmi(
    ctx: _Ctx, rng: np.random.Generator, cpos: dict, reports: dict
) -> dict[str, np.ndarray]:
    sup = np.flatnonzero(cpos["has_supervision"] & ~cpos["transfer_in"])
    start_c = ctx.after(cpos["imposed_date"][sup], rng.integers(0, 4, len(sup)))
    ok = (start_c <= ctx.extract) & (start_c < cpos["_end_true"][sup])
    ok &= start_c >= ctx.first_day - _days(WARM_KEEP_DAYS)  # warm start: recent ones only
    sup, start_c = sup[ok], start_c[ok]
    cj = np.flatnonzero(reports["report_type"] == "CJSWR")
    council = np.concatenate([cpos["council"][sup], reports["council"][cj]])
    person = np.concatenate([cpos["person_id"][sup], reports["person_id"][cj]])
    start = np.concatenate([start_c, reports["requested_date"][cj]]).astype("datetime64[D]")
    order_id = np.concatenate([sup, np.full(len(cj), -1)]).astype(np.int64)
    n = len(start)
    p = ctx.rates.p("lscmi", council, ctx.fy_index(start), start)
    lag = _lag(rng, p, range(3, 21), (1,) * 18, 20, 10.0, 120)
    completed = ctx.after(start, lag)
    limit = np.concatenate([cpos["_end_true"][sup], np.full(len(cj), _NAT)])
    completed = _blank_after(ctx, completed, limit)
    completed = np.where(rng.random(n) < 0.01, _NAT, completed)
    mark = np.zeros(len(cpos["_id"]), dtype=bool)
    mark[sup] = True
    ctx.protect["cpos"] = ctx.protect.get("cpos", np.zeros(len(mark), dtype=bool)) | mark
    return {
        "_id": np.arange(n, dtype=np.int64),
        "council": council,
        "person_id": person,
        "order_id": order_id,
        "_ref_table": "cpos",
        "start_date": start,
        "completed_date": completed,
    }


LICENCE_TYPES = (
    "Parole",
    "Non-parole",
    "Extended sentence",
    "Supervised release order",
    "Life licence",
    "Order for lifelong restriction",
    "Home detention curfew",
    "Other",
)
_LICENCE_P = (8, 34, 10, 8, 4, 0.5, 29, 5.5)
_LICENCE_MONTHS = ((12, 60), (6, 24), (24, 84), (3, 12), (0, 0), (0, 0), (1, 5), (6, 24))


def _gen_licences(ctx: _Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
    council, release = ctx.draw(
        rng, NATIONAL_LICENCES, "release", ctx.mult(rng, 0.15), WARM_YEARS_EVENTS
    )
    n = len(release)
    person = ctx.people.pick(council, 0.35, sex_p=(0.93, 0.07, 0.0))
    ltype = _choice(rng, n, _LICENCE_P)
    p = ctx.rates.p("licence_interview", council, ctx.fy_index(release), release)
    lag = _lag(rng, p, (0, 1), (75, 25), 1, 2.0, 30)
    lag[rng.random(n) < 0.02] = -1
    lo = np.asarray([m[0] for m in _LICENCE_MONTHS])[ltype]
    hi = np.asarray([m[1] for m in _LICENCE_MONTHS])[ltype]
    months = lo + rng.random(n) * (hi - lo)
    natural_end = ctx.roll(release + _days(np.floor(months * 30.44)))
    outcome = _choice(rng, n, (74, 20, 3, 1, 2))
    life = (ltype == 4) | (ltype == 5)
    life_outcome = _choice(rng, n, (0, 80, 0, 20, 0))
    life_ends = rng.random(n) < 0.15
    planned_days = np.where(life, 1500, months * 30.44)
    early = ctx.roll(
        release + _days(np.maximum(14, np.floor(rng.uniform(0.1, 0.9, n) * planned_days)))
    )
    end_true = np.where(outcome == 0, natural_end, early)
    end_true = np.where(life, np.where(life_ends, early, np.datetime64("2999-12-31")), end_true)
    outcome = np.where(life, life_outcome, outcome)
    running = end_true > ctx.extract
    typed = {
        "_id": np.arange(n, dtype=np.int64),
        "council": council,
        "person_id": person,
        "licence_type": _pick(LICENCE_TYPES, ltype),
        "release_date": release,
        "first_interview_date": _blank_after(ctx, ctx.after(release, lag), end_true),
        "end_date": np.where(running, _NAT, end_true),
        "outcome": np.where(
            running,
            "",
            _pick(("Completed", "Recalled", "Transferred out", "Died", "Other"), outcome),
        ),
        "_end_true": end_true,
        "_type_code": ltype,
        "_sex_code": ctx.people.sex[person],
    }
    return _subset(typed, _warm_keep(ctx, release, end_true))


def _gen_intervention(
    ctx: _Ctx,
    rng: np.random.Generator,
    totals: Mapping[int, float],
    *,
    kind: str,
    mult: np.ndarray,
    referral_days: tuple[int, int],
    months: tuple[float, float],
    outcome_p: tuple,
    share_existing: float,
    young: bool = False,
) -> dict[str, np.ndarray]:
    council, start = ctx.draw(rng, totals, kind, mult, WARM_YEARS_CASES)
    n = len(start)
    person = ctx.people.pick(council, share_existing, young=young)
    referral = ctx.roll(
        start - _days(rng.integers(referral_days[0], referral_days[1] + 1, n)), forward=False
    )
    referral = np.minimum(referral, start)
    dur = np.floor(rng.uniform(months[0], months[1], n) * 30.44)
    outcome = _choice(rng, n, outcome_p)
    dur = np.where(outcome == 0, dur, np.maximum(7, np.floor(dur * rng.uniform(0.1, 0.9, n))))
    end_true = ctx.roll(start + _days(dur))
    running = end_true > ctx.extract
    typed = {
        "_id": np.arange(n, dtype=np.int64),
        "council": council,
        "person_id": person,
        "referral_date": referral,
        "start_date": start,
        "end_date": np.where(running, _NAT, end_true),
        "outcome": np.where(running, "", _pick(INTERVENTION_OUTCOMES, outcome)),
    }
    return _subset(typed, _warm_keep(ctx, start, end_true))


def _gen_exit(ctx: _Ctx, rng: np.random.Generator, cpos: dict) -> dict[str, np.ndarray]:
    n = len(cpos["_id"])
    done = np.flatnonzero(
        (cpos["_outcome_code"] == 0) & ~np.isnat(cpos["end_date"]) & (rng.random(n) < 0.35)
    )
    received_o = ctx.roll(cpos["end_date"][done] + _days(rng.integers(0, 22, len(done))))
    qtype_o = np.where(
        cpos["has_supervision"][done] | ~cpos["has_upw"][done], "Supervision", "Unpaid work"
    )
    k = len(done)
    before = np.clip(np.round(rng.normal(4.6, 2.0, k)), 0, 10)
    after = np.clip(np.round(before + rng.normal(2.0, 1.7, k)), 0, 10)
    before = np.where(rng.random(k) < 0.03, np.nan, before)
    after = np.where(rng.random(k) < 0.03, np.nan, after)
    prov = np.flatnonzero(~np.isnat(cpos["upw_completed_date"]) & (rng.random(n) < 0.08))
    received_p = ctx.roll(cpos["upw_completed_date"][prov] + _days(rng.integers(1, 31, len(prov))))
    after_p = np.clip(np.round(rng.normal(7.4, 1.6, len(prov))), 0, 10)
    idx = np.concatenate([done, prov])
    received = np.concatenate([received_o, received_p]).astype("datetime64[D]")
    keep = received <= ctx.extract
    out = {
        "council": cpos["council"][idx],
        "person_id": cpos["person_id"][idx],
        "questionnaire_type": np.concatenate(
            [qtype_o, np.full(len(prov), "Placement provider")]
        ).astype(str),
        "received_date": received,
        "score_before": np.concatenate([before, np.full(len(prov), np.nan)]),
        "score_after": np.concatenate([after, after_p]),
    }
    out = {k2: v[keep] for k2, v in out.items()}
    out["_id"] = np.arange(int(keep.sum()), dtype=np.int64)
    return out


def _gen_womens_centre(
    ctx: _Ctx, rng: np.random.Generator, cpos: dict, licences: dict
) -> dict[str, np.ndarray]:
    women_c = np.flatnonzero((cpos["_sex_code"] == 1) & (rng.random(len(cpos["_id"])) < 0.45))
    women_l = np.flatnonzero(
        (licences["_sex_code"] == 1) & (rng.random(len(licences["_id"])) < 0.5)
    )
    council_o, start_o = ctx.draw(
        rng, NATIONAL_WOMENS_CENTRE_OTHER, "office", ctx.mult(rng, 0.3), WARM_YEARS_CASES
    )
    council = np.concatenate([cpos["council"][women_c], licences["council"][women_l], council_o])
    person = np.concatenate(
        [
            cpos["person_id"][women_c],
            licences["person_id"][women_l],
            ctx.people.new(len(council_o), sex=1),
        ]
    )
    start = np.concatenate(
        [
            ctx.after(cpos["imposed_date"][women_c], rng.integers(0, 22, len(women_c))),
            ctx.after(licences["release_date"][women_l], rng.integers(0, 15, len(women_l))),
            start_o,
        ]
    ).astype("datetime64[D]")
    n = len(start)
    end = ctx.roll(start + _days(rng.integers(60, 541, n)))
    keep = (start <= ctx.extract) & _warm_keep(ctx, start, end)
    return {
        "_id": np.arange(int(keep.sum()), dtype=np.int64),
        "council": council[keep],
        "person_id": person[keep],
        "start_date": start[keep],
        "end_date": _blank_after(ctx, end[keep]),
    }


def _gen_support(
    ctx: _Ctx, rng: np.random.Generator, cpos: dict, licences: dict
) -> dict[str, np.ndarray]:
    from_c = np.flatnonzero(rng.random(len(cpos["_id"])) < 0.12)
    from_l = np.flatnonzero(rng.random(len(licences["_id"])) < 0.25)
    council_o, day_o = ctx.draw(rng, NATIONAL_SUPPORT_OTHER, "office", ctx.mult(rng, 0.3))
    council = np.concatenate([cpos["council"][from_c], licences["council"][from_l], council_o])
    person = np.concatenate(
        [cpos["person_id"][from_c], licences["person_id"][from_l], ctx.people.pick(council_o, 0.3)]
    )
    day = np.concatenate(
        [
            ctx.after(cpos["imposed_date"][from_c], rng.integers(3, 60, len(from_c))),
            ctx.after(licences["release_date"][from_l], rng.integers(0, 40, len(from_l))),
            day_o,
        ]
    ).astype("datetime64[D]")
    source = np.concatenate(
        [
            np.full(len(from_c), "Court order"),
            np.full(len(from_l), "Licence"),
            _pick(("Voluntary", "Other"), _choice(rng, len(council_o), (75, 25))),
        ]
    ).astype(str)
    source = np.where(rng.random(len(day)) < 0.02, "", source)
    keep = day <= ctx.extract
    return {
        "_id": np.arange(int(keep.sum()), dtype=np.int64),
        "council": council[keep],
        "person_id": person[keep],
        "referral_date": day[keep],
        "source": source[keep],
    }


def _gen_mappa(
    ctx: _Ctx, rng: np.random.Generator, cpos: dict, licences: dict
) -> dict[str, np.ndarray]:
    from_l = np.flatnonzero(
        (licences["_type_code"] != 6) & (rng.random(len(licences["_id"])) < 0.045)
    )
    from_c = np.flatnonzero(rng.random(len(cpos["_id"])) < 0.003)
    council_o, day_o = ctx.draw(rng, NATIONAL_MAPPA_OTHER, "office")
    # A stock of cases that were already open when the first year began.
    per_year = (len(from_l) + len(from_c) + len(day_o)) / max(len(ctx.fys), 1)
    n_stock = int(round(per_year * MAPPA_STOCK_YEARS * 2.5))
    stock_council = (
        rng.choice(ctx.n, size=n_stock, p=ctx.base / ctx.base.sum())
        if n_stock
        else np.zeros(0, np.int64)
    )
    stock_start = ctx.roll(ctx.first_day - _days(rng.integers(1, 5 * 365, n_stock)))
    council = np.concatenate(
        [licences["council"][from_l], cpos["council"][from_c], council_o, stock_council]
    )
    person = np.concatenate(
        [
            licences["person_id"][from_l],
            cpos["person_id"][from_c],
            ctx.people.pick(council_o, 0.2),
            ctx.people.new(n_stock, sex_p=(0.97, 0.03, 0.0)),
        ]
    )
    start = np.concatenate(
        [
            licences["release_date"][from_l],
            ctx.after(cpos["imposed_date"][from_c], rng.integers(0, 20, len(from_c))),
            day_o,
            stock_start,
        ]
    ).astype("datetime64[D]")
    n = len(start)
    category = _choice(rng, n, (82, 15, 3))
    years = np.array([3.0, 1.5, 1.0])[category]
    end = ctx.roll(start + _days(np.floor(rng.lognormal(np.log(years * 365), 0.6))))
    keep = (start <= ctx.extract) & (end >= ctx.first_day)
    return {
        "_id": np.arange(int(keep.sum()), dtype=np.int64),
        "council": council[keep],
        "person_id": person[keep],
        "category": _pick(("1", "2", "3"), category[keep]),
        "level": _pick(("1", "2", "3"), _choice(rng, int(keep.sum()), (88, 10, 2))),
        "start_date": start[keep],
        "end_date": _blank_after(ctx, end[keep]),
    }


def _gen_scr(ctx: _Ctx, rng: np.random.Generator) -> dict[str, np.ndarray]:
    council, day = ctx.draw(rng, NATIONAL_SIGNIFICANT_REVIEWS, "office")
    n = len(day)
    done = ctx.roll(day + _days(rng.integers(60, 361, n)))
    return {
        "_id": np.arange(n, dtype=np.int64),
        "council": council,
        "person_id": ctx.people.pick(council, 0.7),
        "review_type": _pick(
            ("Significant incident review", "Significant case review", "Learning review"),
            _choice(rng, n, (60, 25, 15)),
        ),
        "notification_date": day,
        "completed_date": _blank_after(ctx, done),
    }


# =================================================================================================
# From typed arrays to extract text, with legitimate variants and deliberately bad rows
# =================================================================================================


def _fmt_dates(d: np.ndarray) -> np.ndarray:
    """Dates as ``YYYY-MM-DD`` text, NaT as blank."""
    d = np.asarray(d, dtype="datetime64[D]")
    return np.where(np.isnat(d), "", np.datetime_as_string(d, unit="D"))


def _fmt_numbers(x: np.ndarray) -> np.ndarray:
    """Whole numbers as digits, NaN as blank."""
    x = np.asarray(x, dtype=float)
    ok = ~np.isnan(x)
    return np.where(ok, np.where(ok, x, 0).astype(np.int64).astype(str), "")


def _day_first_text(iso: str) -> str:
    """``YYYY-MM-DD`` to ``DD/MM/YYYY`` (anything else unchanged)."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}" if len(iso) == 10 and iso[4] == "-" else iso


class _DictCol:
    """A text column held as codes into a list of distinct strings (dates, councils, categories,
    numbers).

    Cheap to copy, gather and scatter (4 bytes a cell), and decoded to text by Arrow in one pass at
    the end. Columns made by :meth:`take` share the list of strings, so codes stay valid across
    them.
    """

    def __init__(self, codes: np.ndarray, values: list[str], index: dict[str, int] | None = None):
        self.codes = np.asarray(codes, dtype=np.int32)
        self.values = values
        self.index = (
            index if index is not None else {v: i for i, v in reversed(list(enumerate(values)))}
        )

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, idx: np.ndarray) -> _DictCol:
        return _DictCol(self.codes[idx], self.values, self.index)

    def like(self, codes: np.ndarray) -> _DictCol:
        return _DictCol(codes, self.values, self.index)

    def code_of(self, text: str) -> int:
        i = self.index.get(text)
        if i is None:
            i = self.index[text] = len(self.values)
            self.values.append(text)
        return i

    def set(self, idx: np.ndarray, strings: Any) -> None:
        """Put ``strings`` (one per index, or one for all) at ``idx``."""
        strings = np.asarray(strings, dtype=str)
        if strings.ndim == 0:
            self.codes[idx] = self.code_of(str(strings))
            return
        if not strings.size:
            return
        uniq, inv = np.unique(strings, return_inverse=True)
        codes = np.array([self.code_of(str(u)) for u in uniq], dtype=np.int32)
        self.codes[idx] = codes[inv.reshape(-1)]

    def remap(self, idx: np.ndarray, fn: Any) -> None:
        """Replace the strings at ``idx`` by ``fn(string)``."""
        table = np.array([self.code_of(fn(v)) for v in list(self.values)], dtype=np.int32)
        self.codes[idx] = table[self.codes[idx]]

    def filled(self) -> np.ndarray:
        blank = np.array([v == "" for v in self.values], dtype=bool)
        return ~blank[self.codes]

    def text(self, i: int) -> str:
        return self.values[int(self.codes[i])]

    def arrow(self) -> pa.Array:
        dictionary = pa.array(self.values, type=pa.string())
        return pa.DictionaryArray.from_arrays(
            pa.array(self.codes, type=pa.int32()), dictionary
        ).dictionary_decode()


class _FixedCol:
    """A text column of identifiers: equal-length ASCII strings as a (rows, characters) byte
    array; blank rows."""

    def __init__(self, chars: np.ndarray, blank: np.ndarray | None = None):
        self.chars = chars
        self.blank = np.zeros(len(chars), dtype=bool) if blank is None else blank

    def __len__(self) -> int:
        return len(self.chars)

    def take(self, idx: np.ndarray) -> _FixedCol:
        return _FixedCol(self.chars[idx], self.blank[idx])

    def filled(self) -> np.ndarray:
        return ~self.blank

    def text(self, i: int) -> str:
        return "" if self.blank[i] else self.chars[i].tobytes().decode("ascii")

    def arrow(self) -> pa.Array:
        n, width = self.chars.shape
        offsets = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.where(self.blank, 0, width), out=offsets[1:])
        data = np.ascontiguousarray(self.chars[~self.blank]).tobytes()
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data))


def _scatter(valid: Any, bad: Any, valid_pos: np.ndarray, bad_pos: np.ndarray) -> Any:
    """Interleave two columns of the same kind: ``valid`` rows go to ``valid_pos``, ``bad`` rows
    to ``bad_pos``."""
    n = len(valid_pos) + len(bad_pos)
    if isinstance(valid, _DictCol):
        codes = np.empty(n, dtype=np.int32)
        codes[valid_pos] = valid.codes
        codes[bad_pos] = bad.codes
        return valid.like(codes)
    chars = np.empty((n, valid.chars.shape[1]), dtype=np.uint8)
    chars[valid_pos] = valid.chars
    chars[bad_pos] = bad.chars
    blank = np.empty(n, dtype=bool)
    blank[valid_pos] = valid.blank
    blank[bad_pos] = bad.blank
    return _FixedCol(chars, blank)


def _date_col(d: np.ndarray) -> _DictCol:
    d = np.asarray(d, dtype="datetime64[D]")
    nat = np.isnat(d)
    if nat.all():
        return _DictCol(np.zeros(len(d), dtype=np.int32), [""])
    iv = d.view(np.int64)
    lo, hi = int(iv[~nat].min()), int(iv[~nat].max())
    if hi - lo > 200_000:  # a far-off date: fall back to the distinct values
        uniq, inv = np.unique(_fmt_dates(d), return_inverse=True)
        return _DictCol(inv.reshape(-1), [str(u) for u in uniq])
    values = np.datetime_as_string(
        np.arange(lo, hi + 1).astype("datetime64[D]"), unit="D"
    ).tolist() + [""]
    return _DictCol(np.where(nat, hi - lo + 1, iv - lo), values)


def _number_col(x: np.ndarray) -> _DictCol:
    x = np.asarray(x, dtype=float)
    ok = ~np.isnan(x)
    if not ok.any():
        return _DictCol(np.zeros(len(x), dtype=np.int32), [""])
    iv = np.where(ok, x, 0).astype(np.int64)
    lo, hi = int(iv[ok].min()), int(iv[ok].max())
    values = [str(v) for v in range(lo, hi + 1)] + [""]
    return _DictCol(np.where(ok, iv - lo, hi - lo + 1), values)


def _category_col(v: np.ndarray, allowed: tuple[str, ...]) -> _DictCol:
    v = np.asarray(v, dtype=str)
    values = list(dict.fromkeys([*allowed, ""]))
    codes = np.full(len(v), -1, dtype=np.int32)
    for i, a in enumerate(values):
        codes[v == a] = i
    col = _DictCol(np.maximum(codes, 0), values)
    rest = np.flatnonzero(codes < 0)
    if len(rest):
        col.set(rest, v[rest])
    return col


def _to_text(ctx: _Ctx, name: str, typed: dict[str, np.ndarray]) -> dict[str, Any]:
    """Every contract column as a text column (:class:`_DictCol` or :class:`_FixedCol`)."""
    out: dict[str, Any] = {}
    for col in TABLES[name].columns:
        v = typed["_id"] if col.kind == "id" else typed[col.name]
        if col.kind == "id":
            out[col.name] = _FixedCol(ctx.ids[name].chars(v))
        elif col.kind == "person":
            out[col.name] = _FixedCol(ctx.ids["person"].chars(v))
        elif col.kind == "ref":
            v = np.asarray(v, dtype=np.int64)
            tables = np.broadcast_to(
                np.asarray(typed.get("_ref_table", "cpos"), dtype=str), v.shape
            )
            chars = np.zeros(
                (len(v), len(ctx.ids["cpos"].prefix) + ctx.ids["cpos"].width), dtype=np.uint8
            )
            for t in np.unique(tables):
                rows = np.flatnonzero(tables == t)
                chars[rows] = ctx.ids[str(t)].chars(np.maximum(v[rows], 0))
            out[col.name] = _FixedCol(chars, v < 0)
        elif col.kind == "council":
            out[col.name] = _DictCol(np.asarray(v), list(ctx.names))
        elif col.kind == "date":
            out[col.name] = _date_col(v)
        elif col.kind in ("int", "number"):
            out[col.name] = _number_col(v)
        elif col.kind == "flag":
            out[col.name] = _DictCol(np.asarray(v, dtype=bool).astype(np.int32), ["N", "Y"])
        else:
            out[col.name] = _category_col(v, col.allowed)
    return out


def _split(rng: np.random.Generator, total: int, k: int) -> np.ndarray:
    """``total`` split into ``k`` near-equal counts, the remainder placed at random."""
    counts = np.full(k, total // k)
    counts[rng.choice(k, size=total % k, replace=False)] += 1
    return counts


def _plan_faults(rng: np.random.Generator, name: str, n: int) -> dict[str, int]:
    """How many bad rows of each kind a table of ``n`` valid rows gets."""
    kinds = [
        "bad_date",
        "implausible_date",
        "unknown_council",
        "duplicate_exact",
        "duplicate_conflict",
        "missing",
    ]
    kinds += [k for k in _FAULTS[name] if k != "bad_date"]
    total = int(round(BAD_SHARE * n))
    if n >= ROWS_PER_KIND_FOR_ALL_KINDS * len(kinds):
        counts = np.maximum(_split(rng, max(total, len(kinds)), len(kinds)), 1)
    else:
        counts = np.zeros(len(kinds), dtype=int)
        chosen = rng.choice(len(kinds), size=min(total, len(kinds)), replace=False)
        counts[chosen] = 1
        if total > len(kinds):
            counts += _split(rng, total - len(kinds), len(kinds))
    return {k: int(c) for k, c in zip(kinds, counts) if c > 0}


def _finalise(
    ctx: _Ctx, rng: np.random.Generator, name: str, typed: dict[str, np.ndarray], bad_rows: bool
) -> tuple[pd.DataFrame, list[dict], dict[str, int]]:
    """Sort, write as text, add legitimate variants and deliberately bad rows; returns (frame, bad
    list, counts)."""
    spec = TABLES[name]
    idc = spec.id_column
    main, required = _DATE_KEYS[name]
    date_cols = [c.name for c in spec.columns if c.kind == "date"]
    n = len(typed["_id"])
    order = (
        np.lexsort((ctx.ids[name].key(typed["_id"]), _as_int(typed[main])))
        if n
        else np.zeros(0, np.int64)
    )
    keep = ["_id"] + [c.name for c in spec.columns if c.kind != "id"]
    typed = {
        k: np.asarray(v)[order] if k in keep or (k == "_ref_table" and np.ndim(v)) else v
        for k, v in typed.items()
        if k in keep or k == "_ref_table"
    }
    text = _to_text(ctx, name, typed)
    dates = {c: np.asarray(typed[c], dtype="datetime64[D]") for c in date_cols}
    council = np.asarray(typed["council"])
    nums = {
        c.name: np.asarray(typed[c.name], dtype=float) for c in spec.columns if c.kind == "int"
    }

    # Legitimate variants: other spellings of the council, day-first dates.
    var = np.flatnonzero(rng.random(n) < _SHARE_VARIANT_COUNCIL)
    for c in np.unique(council[var]):
        rows = var[council[var] == c]
        options = np.asarray(ctx.variants[c] or [ctx.names[c]], dtype=str)
        text["council"].set(rows, options[rng.integers(0, len(options), len(rows))])
    dayfirst = np.flatnonzero(rng.random(n) < _SHARE_DAY_FIRST)
    for c in date_cols:
        text[c].remap(dayfirst, _day_first_text)
    variants = {"council_spelling": int(len(var)), "day_first_dates": int(len(dayfirst))}

    # Deliberately bad rows: copies of valid rows, each given exactly one fault.
    faults_planned: list[
        tuple[str, str, np.ndarray, Any, bool]
    ] = []  # kind, column, source rows, values, same id
    if bad_rows and n:
        plan = _plan_faults(rng, name, n)
        faults = _FAULTS[name]
        protected = ctx.protect.get(name)
        free = ~protected[order] if protected is not None else np.ones(n, dtype=bool)
        dup_pool = rng.permutation(np.flatnonzero(free) if free.any() else np.arange(n))
        dup_used = 0

        def add(
            kind: str, column: str, src: np.ndarray, values: Any, same_id: bool = False
        ) -> None:
            if len(src):
                faults_planned.append(
                    (kind, column, np.asarray(src, dtype=np.int64), values, same_id)
                )

        def sample(eligible: np.ndarray, k: int) -> np.ndarray:
            pool = np.flatnonzero(eligible)
            if not len(pool) or k <= 0:
                return np.zeros(0, dtype=np.int64)
            return rng.choice(pool, size=k, replace=len(pool) < k)

        everyone = np.ones(n, dtype=bool)
        for kind, k in plan.items():
            if kind == "bad_date":
                cols = faults["bad_date"]
                for c, kk in zip(cols, _split(rng, k, len(cols))):
                    src = sample(~np.isnat(dates[c]), kk)
                    add(
                        kind,
                        c,
                        src,
                        _pick(
                            UNPARSEABLE_DATES, rng.integers(0, len(UNPARSEABLE_DATES), len(src))
                        ),
                    )
            elif kind == "implausible_date":
                src = sample(~np.isnat(dates[main]), k)
                iso = _fmt_dates(dates[main][src])
                md = np.where(
                    np.strings.slice(iso, 5, 10) == "02-29", "02-28", np.strings.slice(iso, 5, 10)
                )
                years = _pick(IMPLAUSIBLE_YEARS, rng.integers(0, len(IMPLAUSIBLE_YEARS), len(src)))
                add(kind, main, src, np.strings.add(np.strings.add(years, "-"), md))
            elif kind == "unknown_council":
                src = sample(everyone, k)
                add(
                    kind,
                    "council",
                    src,
                    _pick(UNKNOWN_COUNCILS, rng.integers(0, len(UNKNOWN_COUNCILS), len(src))),
                )
            elif kind == "duplicate_exact":
                src = dup_pool[dup_used : dup_used + k]
                dup_used += len(src)
                add("duplicate_id", idc, src, None, same_id=True)
            elif kind == "duplicate_conflict":
                src = dup_pool[dup_used : dup_used + k]
                dup_used += len(src)
                add(
                    kind,
                    main,
                    src,
                    _fmt_dates(dates[main][src] - _days(rng.integers(1, 4, len(src)))),
                    same_id=True,
                )
            elif kind == "missing":
                add(kind, required, sample(everyone, k), "")
            elif kind == "date_order":
                pairs = faults["date_order"]
                for (a, b), kk in zip(pairs, _split(rng, k, len(pairs))):
                    ok = (
                        ~np.isnat(dates[a])
                        & ~np.isnat(dates[b])
                        & (dates[a] >= np.datetime64("1990-02-01"))
                    )
                    src = sample(ok, kk)
                    add(
                        kind,
                        b,
                        src,
                        _fmt_dates(dates[a][src] - _days(rng.integers(1, 15, len(src)))),
                    )
            elif kind == "amount_order":
                ((a, b),) = faults["amount_order"]
                ok = ~np.isnan(nums[b]) & (nums[b] <= 260) & ~np.isnan(nums[a])
                src = sample(ok, k)
                add(kind, a, src, _fmt_numbers(nums[b][src] + rng.integers(1, 5, len(src)) * 10))
            elif kind == "negative":
                ((c, value),) = faults["negative"]
                ok = np.isnan(nums[c]) if c == "upw_hours_ordered" else everyone
                add(kind, c, sample(ok, k), value)
            elif kind in ("not_allowed", "out_of_range", "bad_number"):
                options = faults[kind]
                for (c, value), kk in zip(options, _split(rng, k, len(options))):
                    add(kind, c, sample(text[c].filled(), kk), value)
            elif kind == "bad_flag":
                cols = faults["bad_flag"]
                for c, kk in zip(cols, _split(rng, k, len(cols))):
                    add(kind, c, sample(everyone, kk), "maybe")

    src_all = (
        np.concatenate([f[2] for f in faults_planned])
        if faults_planned
        else np.zeros(0, dtype=np.int64)
    )
    m = len(src_all)
    bad = {k: col.take(src_all) for k, col in text.items()}
    new_ids = ctx.ids[name].chars(np.arange(n, n + m))
    start = 0
    per_row: list[tuple[str, str]] = []
    for kind, column, src, values, same_id in faults_planned:
        rows = np.arange(start, start + len(src))
        if not same_id:
            bad[idc].chars[rows] = new_ids[rows]
        if values is not None:
            bad[column].set(rows, values)
        per_row += [(kind, column)] * len(src)
        start += len(src)

    # Bad row j goes before valid row ins[j] (n: at the end); rows inserted at the same place keep
    # their order.
    ins = np.ceil(rng.uniform(0, n, m)).astype(np.int64)
    by_place = np.argsort(ins, kind="stable")
    bad_pos = np.empty(m, dtype=np.int64)
    bad_pos[by_place] = ins[by_place] + np.arange(m)
    valid_pos = np.arange(n) + np.searchsorted(ins[by_place], np.arange(n), side="right")
    frame = pd.DataFrame(
        {
            k: pd.Series(_scatter(text[k], bad[k], valid_pos, bad_pos).arrow(), dtype="str")
            for k in text
        },
        columns=[c.name for c in spec.columns],
    )

    listed = []
    for j, (kind, column) in enumerate(per_row):
        row_bad = int(bad_pos[j]) + 2
        rid = bad[idc].text(j)
        if kind in ("duplicate_id", "duplicate_conflict"):
            rows_pair = sorted((int(valid_pos[src_all[j]]) + 2, row_bad))
            entry = {
                "table": name,
                "record_id": rid,
                "kind": "duplicate_id",
                "column": idc,
                "value": rid,
                "rows": rows_pair,
            }
            # An exact copy: the validator rejects the later of the two rows
            if kind == "duplicate_id":
                listed.append({**entry, "row": rows_pair[1], "duplicate": "exact copy"})
            else:  # different values under one identifier: both rows are rejected
                for r in rows_pair:
                    listed.append(
                        {**entry, "row": r, "duplicate": f"conflicting ({column} differs)"}
                    )
        else:
            listed.append(
                {
                    "table": name,
                    "record_id": rid,
                    "row": row_bad,
                    "kind": kind,
                    "column": column,
                    "value": bad[column].text(j),
                }
            )
    order_keys = ("table", "record_id", "row", "kind", "column", "value", "duplicate", "rows")
    listed = [{k: e[k] for k in order_keys if k in e} for e in listed]
    listed.sort(key=lambda e: (e["row"], e["kind"]))
    return frame, listed, variants


# =================================================================================================
# Signals: the designed changes, with the rates as generated
# =================================================================================================


def _within(ctx: _Ctx, start: np.ndarray, event: np.ndarray, n_days: int) -> np.ndarray:
    """Working days elapsed from ``start`` (day 0) to ``event`` are at most ``n_days`` (both
    present)."""
    elapsed = np.busday_count(start, event, busdaycal=ctx.cal)
    return elapsed <= n_days


def _signal_report(ctx: _Ctx, cpos: dict, reports: dict) -> list[dict]:
    out = []
    for s in ctx.signals:
        c = s["council_index"]
        if s["table"] == "cpos":
            mine = (cpos["council"] == c) & ~cpos["non_compliance"] & ~cpos["transfer_in"]
            if s["rate"] == "upw_placement":
                event, limit = cpos["upw_first_placement_date"], 7
            else:
                event, limit = cpos["induction_date"], 5
            mine &= ~np.isnat(event)
            day = cpos["imposed_date"][mine]
            met = _within(ctx, day, event[mine], limit)
        else:
            mine = (reports["council"] == c) & ~np.isnat(reports["submitted_date"])
            day = reports["due_date"][mine]
            met = reports["submitted_date"][mine] <= day
        change = np.datetime64(s["change_date"])
        end = np.datetime64(s.get("change_end", s["change_date"]))
        before = day < change
        after = day >= end if "change_end" in s else day >= change
        if "change_end" in s:
            after = (day > end - np.timedelta64(365, "D")) & (day <= end)

        def rate(mask: np.ndarray, met: np.ndarray = met) -> float | None:
            return round(float(met[mask].mean()), 3) if mask.any() else None

        fy = ctx.fy_index(day)
        by_year = {f"{y}/{(y + 1) % 100:02d}": rate(fy == j) for j, y in enumerate(ctx.fys)}
        entry = {
            "council_code": s["council_code"],
            "council_name": s["council"],
            "indicator": s["indicator"],
            "table": s["table"],
            "date_column": s["date_column"],
            "change": s["change"],
            "change_date": s["change_date"].isoformat(),
        }
        if "change_end" in s:
            entry["change_end"] = s["change_end"].isoformat()
        entry.update(
            {
                "rate_before": s["rate_before"],
                "rate_after": s["rate_after"],
                "observed_before": rate(before),
                "observed_after": rate(after),
                "observed_by_year": by_year,
                "note": "rates as designed (probabilities) and as generated (share meeting the "
                "standard among cases with the event, non-compliance and transfers in left out)",
            }
        )
        out.append(entry)
    return out


# =================================================================================================
# Public API
# =================================================================================================


def generate_demo(
    councils: pd.DataFrame,
    *,
    seed: int = 2025,
    scale: float = 1.0,
    first_fy: int = 2019,
    last_fy: int = 2025,
    extract_date: date = date(2026, 4, 15),
    bad_rows: bool = True,
) -> tuple[dict[str, pd.DataFrame], dict]:
    """Generate the synthetic national demo dataset: every table of the data contract, for every
    council.

    Parameters
    ----------
    councils : pandas.DataFrame
        One row per council with at least ``code``, ``name``, ``family_group``, ``old_codes``
        (list) and ``aliases`` (list), as in ``params/councils.yaml``. Known council names get
        their published or population-based volumes; any other name gets the volume of a council of
        100,000 people.
    seed : int, default 2025
        Random seed: the same arguments always give the same tables.
    scale : float, default 1.0
        Multiplies every volume (10 gives a dataset ten times larger).
    first_fy, last_fy : int, default 2019 and 2025
        First and last financial year, by the year they start: 2019 is 2019/20 (1 April 2019 to 31
        March 2020).
    extract_date : datetime.date, default 2026-04-15
        The day the extract was taken: nothing after it has happened.
    bad_rows : bool, default True
        Insert deliberately bad rows (about 0.3% of each table) and list them in the manifest.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        One frame per table of :data:`jswlib.definitions.schema.TABLES`, in its order, with exactly
        the contract's columns, every cell a string (blank ``""`` when empty).
    manifest : dict
        ``seed``, ``scale``, ``first_fy``, ``last_fy``, ``extract_date``, ``generator_version``,
        ``row_counts``, ``councils``, ``signals`` (designed changes with rates before and after),
        ``bad_rows`` (table, record_id, spreadsheet row, kind = validator rule, column, value),
        ``bad_row_kinds``, ``variants`` (legitimate other spellings per table) and ``notes``.

    Raises
    ------
    ValueError
        When ``scale`` is not positive, the years are reversed or ``councils`` lacks a column.

    Notes
    -----
    Volumes, rates and shapes are the constants at the top of :mod:`jswlib.data.demo`, each naming
    its source. Generation is vectorised per table (numpy arrays over all councils and years).

    Examples
    --------
    >>> import pandas as pd
    >>> councils = pd.DataFrame({"code": ["S12000023"], "name": ["Orkney Islands"], "family_group": ["FG1"],
    ...                          "old_codes": [[]], "aliases": [["Orkney"]]})
    >>> tables, manifest = generate_demo(councils, scale=1.0, first_fy=2023, last_fy=2023)
    >>> list(tables) == list(TABLES)
    True
    >>> 10 < manifest["row_counts"]["cpos"] < 60
    True
    """
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    if last_fy < first_fy:
        raise ValueError(f"last_fy {last_fy} is before first_fy {first_fy}")
    missing = [c for c in ("code", "name", "family_group") if c not in councils.columns]
    if missing:
        raise ValueError(f"councils lacks column(s): {', '.join(missing)}")
    fys = list(range(int(first_fy), int(last_fy) + 1))
    ctx = _make_context(
        councils.reset_index(drop=True), int(seed), float(scale), fys, extract_date
    )

    def rng(i: int) -> np.random.Generator:
        return np.random.default_rng([int(seed), 100 + i])

    cpos = _gen_cpos(ctx, rng(1))
    dttos = _gen_dttos(ctx, rng(2))
    typed: dict[str, dict[str, np.ndarray]] = {"cpos": cpos, "dttos": dttos}
    typed["breaches"] = _gen_breaches(ctx, rng(3), cpos, dttos)
    typed["cpo_reviews"] = _gen_reviews(ctx, rng(4), cpos)
    typed["court_reports"] = _gen_reports(ctx, rng(5), cpos)
    typed["lscmi_assessments"] = _gen_lscmi(ctx, rng(6), cpos, typed["court_reports"])
    licences = typed["licences"] = _gen_licences(ctx, rng(7))
    r = rng(8)
    typed["diversion"] = _gen_intervention(
        ctx,
        r,
        NATIONAL_DIVERSION,
        kind="office",
        mult=ctx.mult(r, 0.3),
        referral_days=(7, 60),
        months=(2, 6),
        outcome_p=(78, 12, 7, 3),
        share_existing=0.15,
        young=True,
    )
    typed["diversion"]["age_at_start"] = np.clip(
        ctx.people.age(
            typed["diversion"]["person_id"], typed["diversion"]["start_date"], ctx.ref_day
        ),
        8,
        99,
    )
    typed["bail_supervision"] = _gen_intervention(
        ctx,
        r,
        NATIONAL_BAIL,
        kind="court",
        mult=ctx.mult(r, 0.45),
        referral_days=(0, 3),
        months=(1, 9),
        outcome_p=(68, 20, 8, 4),
        share_existing=0.4,
    )
    typed["structured_deferred_sentences"] = _gen_intervention(
        ctx,
        r,
        NATIONAL_SDS,
        kind="court",
        mult=ctx.mult(r, 0.35),
        referral_days=(0, 14),
        months=(3, 9),
        outcome_p=(65, 22, 8, 5),
        share_existing=0.4,
    )
    typed["fiscal_work_orders"] = _gen_intervention(
        ctx,
        r,
        NATIONAL_FWO,
        kind="office",
        mult=ctx.mult(r, 0.4),
        referral_days=(7, 45),
        months=(1, 6),
        outcome_p=(80, 12, 5, 3),
        share_existing=0.2,
    )
    fwo = typed["fiscal_work_orders"]
    fwo["hours_ordered"] = _pick(
        (10, 20, 30, 40, 50), _choice(r, len(fwo["_id"]), (10, 25, 30, 15, 20))
    ).astype(float)
    ps_mult = np.array([1.0 if nm in PROBLEM_SOLVING_COUNCILS else 0.0 for nm in ctx.names])
    typed["problem_solving"] = _gen_intervention(
        ctx,
        r,
        NATIONAL_PROBLEM_SOLVING,
        kind="court",
        mult=ps_mult,
        referral_days=(0, 28),
        months=(6, 18),
        outcome_p=(55, 30, 10, 5),
        share_existing=0.5,
    )
    typed["exit_questionnaires"] = _gen_exit(ctx, rng(9), cpos)
    typed["womens_centre"] = _gen_womens_centre(ctx, rng(10), cpos, licences)
    typed["support_work_referrals"] = _gen_support(ctx, rng(11), cpos, licences)
    typed["mappa"] = _gen_mappa(ctx, rng(12), cpos, licences)
    typed["significant_case_reviews"] = _gen_scr(ctx, rng(13))

    signals = _signal_report(ctx, cpos, typed["court_reports"])
    tables: dict[str, pd.DataFrame] = {}
    listed: list[dict] = []
    variants: dict[str, dict[str, int]] = {}
    for i, name in enumerate(TABLES):
        frame, bad, var = _finalise(
            ctx, np.random.default_rng([int(seed), 200 + i]), name, typed[name], bad_rows
        )
        tables[name] = frame
        listed.extend(bad)
        variants[name] = var

    manifest = {
        "generator": "jswlib.data.demo",
        "generator_version": GENERATOR_VERSION,
        "synthetic": True,
        "seed": int(seed),
        "scale": float(scale),
        "first_fy": int(first_fy),
        "last_fy": int(last_fy),
        "period": f"{fys[0]}-04-01 to {fys[-1] + 1}-03-31",
        "reported_from": f"{fys[0]}-04-01",
        "warm_start_from": f"{fys[0] - WARM_YEARS_ORDERS}-04-01",
        "extract_date": extract_date.isoformat(),
        "row_counts": {k: int(len(v)) for k, v in tables.items()},
        "councils": [
            {"code": c, "name": nm, "family_group": g}
            for c, nm, g in zip(ctx.codes, ctx.names, ctx.family_groups)
        ],
        "signals": signals,
        "bad_rows": listed,
        "bad_row_kinds": BAD_ROW_KINDS,
        "bad_row_counts": {k: sum(1 for e in listed if e["kind"] == k) for k in BAD_ROW_KINDS},
        "variants": variants,
        "notes": [
            "Synthetic data: no real person is in it. Person identifiers are random; no names or "
            "dates of birth.",
            "Rows listed in bad_rows break exactly one validation rule each ('kind' is the rule "
            "code). An exact duplicate lists the later of its two rows; a conflicting duplicate "
            "lists both.",
            "About 3% of valid rows spell the council another legitimate way and about 2% write "
            "dates DD/MM/YYYY: these rows are valid.",
            "Timescales are drawn in working days (Mon-Fri less Scottish bank holidays), the "
            "start day being day 0.",
        ],
    }
    return tables, manifest


def write_demo(
    tables: Mapping[str, pd.DataFrame],
    manifest: Mapping[str, Any],
    out_dir: str | os.PathLike,
    fmt: str = "csv",
) -> list[Path]:
    """Write the demo tables to ``out_dir`` and ``manifest.json`` last.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        From :func:`generate_demo`.
    manifest : mapping
        From :func:`generate_demo`.
    out_dir : path-like
        Destination folder (created when missing).
    fmt : {"csv", "parquet", "xlsx"}, default "csv"
        ``csv`` and ``parquet`` write ``<table>.csv`` / ``<table>.parquet``; ``xlsx`` writes one
        workbook ``extract.xlsx`` with a sheet per table.

    Returns
    -------
    list of pathlib.Path
        The files written, ``manifest.json`` last.

    Raises
    ------
    ValueError
        For another ``fmt``, or a table too long for an Excel sheet.

    Notes
    -----
    Every file is written atomically (:mod:`jswlib.core.io`); the manifest comes last, so its
    presence means the dataset is complete. The same tables always give byte-identical CSV files.
    """
    out = Path(out_dir)
    fmt = fmt.lower()
    paths: list[Path] = []
    if fmt in ("csv", "parquet"):
        for name, frame in tables.items():
            paths.append(io.write_frame(frame, out / f"{name}.{fmt}"))
    elif fmt == "xlsx":
        too_long = [k for k, v in tables.items() if len(v) >= 1_048_576]
        if too_long:
            raise ValueError(
                f"too many rows for an Excel sheet in: {', '.join(too_long)}; use csv or parquet"
            )

        paths.append(io.write_excel_sheets(dict(tables), out / "extract.xlsx"))
    else:
        raise ValueError(f"unknown format {fmt!r}: use csv, parquet or xlsx")
    paths.append(io.write_json(dict(manifest), out / "manifest.json"))
    return paths
