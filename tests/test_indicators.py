"""Tests for jswlib/compute/indicators.py: the engine that computes every indicator of the
catalogue.

One tiny hand-written extract (``EXTRACT`` below) is read through the real path (CSV files ->
``jswlib.data.extract.load_extract``) and computed once per module. Every expected number is worked
out by hand in a comment next to it, from the conventions of the engine's module docstring and
jswlib/definitions/calendar.py:

- the start day is day 0; elapsed working days = number of working days d with rolled_start <= d <
  end; an event within N working days has elapsed <= N;
- Scottish bank holidays (holidays package, subdiv SCT): the only one in Q2 2025/26 is Monday 4
  August 2025;
- records flagged in ``exclude`` are left out of the denominator (``excluded``); a record with no
  event whose deadline is still after the extract date is left out (``pending``); a missing event
  whose deadline has passed did not meet the standard;
- family groups and Scotland are pooled from counts, on the national standard.

The extract date is Sunday 5 October 2025: Q2 2025/26 (Tuesday 1 July - Tuesday 30 September 2025)
has just closed, and a few records in the first days of Q3 have deadlines that are still open
(pending). Weekdays were checked with Python's ``calendar.month(2025, m)`` while writing, not with
the code under test.

Calendar used throughout (2025):

    June: Mon 2, 9, 16, 23, 30   July: Tue 1; Mon 7, 14, 21, 28; Fri 4, 11, 18, 25
    August: Fri 1; Mon 4 (bank holiday), 11, 18, 25       September: Mon 1, 8, 15, 22, 29; Fri 5,
    12, 19, 26 October: Wed 1, Thu 2, Fri 3, Sun 5 (extract date), Mon 6, Tue 7
"""

from __future__ import annotations

import csv
import dataclasses
import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jswlib.compute.indicators import (
    compute_indicators,
    condition_mask,
    load_definitions,
    period_bounds,
    pooled_windows,
    timescale_outcome,
    with_derived_columns,
)
from jswlib.data.extract import load_extract
from jswlib.definitions.calendar import council_calendar
from jswlib.definitions.catalogue import Catalogue, Condition, Standard
from jswlib.definitions.params import HolidayRules
from jswlib.definitions.schema import TABLES

AS_AT = date(2025, 10, 5)  # Sunday
FIFE, GLASGOW, SOUTH_LANARKSHIRE, ABERDEEN = "S12000047", "S12000049", "S12000029", "S12000033"
SCOTLAND = "S92000003"
Q1, Q2, Q3, Q4_PREVIOUS = "Q1 2025/26", "Q2 2025/26", "Q3 2025/26", "Q4 2024/25"
H1, YEAR = "H1 2025/26", "2025/26"

# -------------------------------------------------------------------------------------------------
# The fixture extract. Councils are written by name (as analysts do); the reader turns them into
# GSS codes. Fife (FG3) carries most CPO cases, Glasgow City (FG4) the unpaid-work completions,
# licences and reports, and South Lanarkshire (FG3, local DTTO standard of 2 working days) the
# DTTOs.
# -------------------------------------------------------------------------------------------------

Y, N = "Y", "N"

CPOS = [
    # --- Fife, Q2 2025/26 ------------------------------------------------------------------------
    # F1: Mon 7 Jul. Contact same day (day 0). Induction Mon 14 Jul = day 5 (7,8,9,10,11 Jul):
    # exactly on time. Placement Wed 16 Jul = day 7 (7-11, 14, 15 Jul): exactly on time. Case
    # management plan Tue 5 Aug = day 20 (7 Jul-1 Aug is 20 working days; Mon 4 Aug is a holiday):
    # exactly on time. First review not held; due 7 Oct (3 months) - after the extract date, so
    # pending.
    dict(
        order_id="F1",
        council="Fife",
        person_id="P1",
        imposed_date="2025-07-07",
        age_at_imposition=30,
        has_supervision=Y,
        has_upw=Y,
        upw_hours_ordered=100,
        first_contact_date="2025-07-07",
        induction_date="2025-07-14",
        upw_first_placement_date="2025-07-16",
        case_management_plan_date="2025-08-05",
    ),
    # F2: Tue 8 Jul, each event one working day late. Contact Thu 10 Jul = day 2 (8, 9 Jul): late
    # for 1, on time for 5. Induction Wed 16 Jul = day 6 (8-11, 14, 15 Jul). Placement Fri 18 Jul =
    # day 8 (8-11, 14-17 Jul). 17 years old; domestic abuse, no Caledonian requirement (N).
    dict(
        order_id="F2",
        council="Fife",
        person_id="P2",
        imposed_date="2025-07-08",
        age_at_imposition=17,
        has_supervision=N,
        has_upw=Y,
        upw_hours_ordered=120,
        first_contact_date="2025-07-10",
        induction_date="2025-07-16",
        upw_first_placement_date="2025-07-18",
        domestic_abuse=Y,
        caledonian=N,
    ),
    # F3: Friday 1 Aug, before the bank-holiday Monday 4 Aug; same person as F1 (a second order).
    # Contact Tue 5 Aug = day 1 (only Fri 1 Aug). Induction Fri 8 Aug = day 4 (1, 5, 6, 7 Aug).
    # Placement Wed 13 Aug = day 7 (1, 5-8, 11, 12 Aug): on time only because 4 Aug is a holiday.
    # Plan Fri 29 Aug = day 19 (1, 5-8, 11-15, 18-22, 25-28 Aug). 40 hours done on Fri 19 Sep (49
    # days after imposition: 31 days to 1 Sep + 18), 10 of them on individual placements.
    # Caledonian, domestic abuse.
    dict(
        order_id="F3",
        council="Fife",
        person_id="P1",
        imposed_date="2025-08-01",
        age_at_imposition=30,
        has_supervision=Y,
        has_upw=Y,
        upw_hours_ordered=40,
        upw_hours_completed=40,
        upw_hours_individual_placement=10,
        first_contact_date="2025-08-05",
        induction_date="2025-08-08",
        upw_first_placement_date="2025-08-13",
        case_management_plan_date="2025-08-29",
        upw_completed_date="2025-09-19",
        domestic_abuse=Y,
        caledonian=Y,
    ),
    # F4: Tue 15 Jul, the person did not comply (excluded from the timescales that exclude
    # non_compliance).
    dict(
        order_id="F4",
        council="Fife",
        person_id="P3",
        imposed_date="2025-07-15",
        age_at_imposition=45,
        has_supervision=Y,
        has_upw=Y,
        upw_hours_ordered=60,
        non_compliance=Y,
    ),
    # F5: Mon 21 Jul, transferred in (excluded). Ended Mon 29 Sep, completed: before the last day
    # of Q2, so not in Q2's snapshot of current orders.
    dict(
        order_id="F5",
        council="Fife",
        person_id="P4",
        imposed_date="2025-07-21",
        age_at_imposition=25,
        has_supervision=Y,
        has_upw=N,
        first_contact_date="2025-07-21",
        induction_date="2025-07-22",
        case_management_plan_date="2025-07-30",
        end_date="2025-09-29",
        outcome="Completed",
        transfer_in=Y,
    ),
    # F6: Wed 23 Jul, nothing recorded: every deadline passed long before 5 Oct (not met). 16 years
    # old; domestic abuse with the Caledonian flag left blank (counts as non-Caledonian).
    dict(
        order_id="F6",
        council="Fife",
        person_id="P5",
        imposed_date="2025-07-23",
        age_at_imposition=16,
        has_supervision=Y,
        has_upw=Y,
        upw_hours_ordered=150,
        domestic_abuse=Y,
    ),
    # F7: Fri 26 Sep. Contact same day (day 0). By Sun 5 Oct, 6 working days have elapsed (26, 29,
    # 30 Sep, 1, 2, 3 Oct): induction (5 days, deadline Fri 3 Oct) missed; placement (7 days,
    # deadline Tue 7 Oct) and plan (20 days) still pending. 18 years old (not a 16/17 year old).
    dict(
        order_id="F7",
        council="Fife",
        person_id="P6",
        imposed_date="2025-09-26",
        age_at_imposition=18,
        has_supervision=Y,
        has_upw=Y,
        upw_hours_ordered=80,
        first_contact_date="2025-09-26",
    ),
    # --- Fife, Q1 2025/26 (must not count in Q2's events) ----------------------------------------
    # F8: Mon 30 Jun (last day of Q1). Contact Tue 1 Jul = day 1. Induction Fri 4 Jul = day 4 (30
    # Jun, 1-3 Jul). Plan Mon 28 Jul = day 20 (30 Jun + 19 in July to 25 Jul). First review Tue 30
    # Sep = exactly 3 months. Still running: open in Q1, Q2 and Q3.
    dict(
        order_id="F8",
        council="Fife",
        person_id="P7",
        imposed_date="2025-06-30",
        age_at_imposition=50,
        has_supervision=Y,
        has_upw=N,
        first_contact_date="2025-07-01",
        induction_date="2025-07-04",
        case_management_plan_date="2025-07-28",
        first_review_date="2025-09-30",
    ),
    # F9: Thu 5 Jun. Placement Mon 16 Jun = day 7. First review Mon 8 Sep: 3 days after the 5 Sep
    # deadline. 100 hours (Level 1, 3 months): due Fri 5 Sep 2025 (Q2), all done on Fri 5 Sep (on
    # the due date); 92 days from imposition (30 to 5 Jul, 31 to 5 Aug, 31 to 5 Sep). Ended Fri 12
    # Sep, completed.
    dict(
        order_id="F9",
        council="Fife",
        person_id="P8",
        imposed_date="2025-06-05",
        age_at_imposition=33,
        has_supervision=N,
        has_upw=Y,
        upw_hours_ordered=100,
        upw_hours_completed=100,
        upw_hours_individual_placement=0,
        first_contact_date="2025-06-05",
        upw_first_placement_date="2025-06-16",
        first_review_date="2025-09-08",
        upw_completed_date="2025-09-05",
        end_date="2025-09-12",
        outcome="Completed",
    ),
    # F10: Thu 10 Apr. Plan Thu 1 May. First review Wed 9 Jul, within 3 months (10 Jul). Ended Tue
    # 30 Sep (the last day of Q2, so still open on it: in Q2's snapshot), revoked on breach.
    dict(
        order_id="F10",
        council="Fife",
        person_id="P9",
        imposed_date="2025-04-10",
        age_at_imposition=22,
        has_supervision=Y,
        has_upw=N,
        first_contact_date="2025-04-10",
        induction_date="2025-04-15",
        case_management_plan_date="2025-05-01",
        first_review_date="2025-07-09",
        end_date="2025-09-30",
        outcome="Revoked - breach",
    ),
    # F11: Tue 22 Apr. First review Tue 22 Jul, exactly 3 months. Transferred out Wed 20 Aug
    # (neither success nor failure: not in the completions denominator).
    dict(
        order_id="F11",
        council="Fife",
        person_id="P10",
        imposed_date="2025-04-22",
        has_supervision=N,
        has_upw=N,
        first_review_date="2025-07-22",
        end_date="2025-08-20",
        outcome="Transferred out",
    ),
    # --- Glasgow City: unpaid work falling due in Q2 (the derived due date). Person ids P1-P7
    # repeat Fife's on purpose: ids are local to each council's system. All still running.
    # ------------------------------------ G1: Tue 1 Apr, 100 hours = Level 1, 3 months: due Tue 1
    dict(
        order_id="G1",
        council="Glasgow City",
        person_id="P1",
        imposed_date="2025-04-01",
        has_upw=Y,
        upw_hours_ordered=100,
        upw_hours_completed=100,
        upw_completed_date="2025-07-01",
    ),
    # G2: Tue 1 Apr, 101 hours = Level 2, 6 months: due Wed 1 Oct (Q3, not Q2). Done Mon 15 Sep:
    # met, in Q3.
    dict(
        order_id="G2",
        council="Glasgow City",
        person_id="P2",
        imposed_date="2025-04-01",
        has_upw=Y,
        upw_hours_ordered=101,
        upw_hours_completed=101,
        upw_completed_date="2025-09-15",
    ),
    # G3: Mon 10 Mar 2025, 200 hours but the court allowed 4 months: due Thu 10 Jul (Q2), not 10
    # Sep. Done Fri 11 Jul: one day late.
    dict(
        order_id="G3",
        council="Glasgow City",
        person_id="P3",
        imposed_date="2025-03-10",
        has_upw=Y,
        upw_hours_ordered=200,
        upw_timescale_months=4,
        upw_hours_completed=200,
        upw_completed_date="2025-07-11",
    ),
    # G4: Mon 20 Jan 2025, 150 hours, 6 months: due Sun 20 Jul (Q2). Not done: deadline passed, not
    # met.
    dict(
        order_id="G4",
        council="Glasgow City",
        person_id="P4",
        imposed_date="2025-01-20",
        has_upw=Y,
        upw_hours_ordered=150,
        upw_hours_completed=90,
    ),
    # G5: Thu 15 May, 60 hours: due Fri 15 Aug (Q2). Transferred in: excluded.
    dict(
        order_id="G5",
        council="Glasgow City",
        person_id="P5",
        imposed_date="2025-05-15",
        has_upw=Y,
        upw_hours_ordered=60,
        transfer_in=Y,
    ),
    # G6: Mon 30 Jun, 50 hours: due Tue 30 Sep (Q2). Did not comply with induction, but this
    # indicator excludes transfers in only. Done Fri 29 Aug: met.
    dict(
        order_id="G6",
        council="Glasgow City",
        person_id="P6",
        imposed_date="2025-06-30",
        has_upw=Y,
        upw_hours_ordered=50,
        upw_hours_completed=50,
        upw_completed_date="2025-08-29",
        non_compliance=Y,
    ),
    # G7: Mon 31 Mar 2025, 300 hours, 6 months: 31 Sep does not exist, so due Tue 30 Sep (Q2). Done
    # 30 Sep: met.
    dict(
        order_id="G7",
        council="Glasgow City",
        person_id="P7",
        imposed_date="2025-03-31",
        has_upw=Y,
        upw_hours_ordered=300,
        upw_hours_completed=300,
        upw_completed_date="2025-09-30",
    ),
]

DTTOS = [
    # South Lanarkshire: local standard 2 working days for first contact (national 1); first
    # meeting 5 (national). D1: Fri 1 Aug. Contact Wed 6 Aug = day 2 (Fri 1, Tue 5; Mon 4 is a
    # holiday): local met, national not. Meeting Fri 8 Aug = day 4 (1, 5, 6, 7 Aug): met.
    dict(
        order_id="D1",
        council="South Lanarkshire",
        person_id="P1",
        imposed_date="2025-08-01",
        first_contact_date="2025-08-06",
        first_meeting_date="2025-08-08",
    ),
    # D2: Mon 7 Jul. Contact same day = day 0: met on both. Meeting Mon 14 Jul = day 5: met
    # exactly.
    dict(
        order_id="D2",
        council="South Lanarkshire",
        person_id="P2",
        imposed_date="2025-07-07",
        first_contact_date="2025-07-07",
        first_meeting_date="2025-07-14",
    ),
    # D3: Tue 8 Jul. Contact Thu 10 Jul = day 2: local met exactly, national one day late.
    # Meeting Wed 16 Jul = day 6 (8-11, 14, 15 Jul): one day late.
    dict(
        order_id="D3",
        council="South Lanarkshire",
        person_id="P3",
        imposed_date="2025-07-08",
        first_contact_date="2025-07-10",
        first_meeting_date="2025-07-16",
    ),
    # D4: Mon 14 Jul. Contact Thu 17 Jul = day 3: late on both. No meeting: deadline passed, not
    # met.
    dict(
        order_id="D4",
        council="South Lanarkshire",
        person_id="P4",
        imposed_date="2025-07-14",
        first_contact_date="2025-07-17",
    ),
    # D5: Wed 16 Jul, did not comply: excluded.
    dict(
        order_id="D5",
        council="South Lanarkshire",
        person_id="P5",
        imposed_date="2025-07-16",
        non_compliance=Y,
    ),
    # D6: Thu 17 Jul, transferred in: excluded (even though seen the same day).
    dict(
        order_id="D6",
        council="South Lanarkshire",
        person_id="P6",
        imposed_date="2025-07-17",
        first_contact_date="2025-07-17",
        transfer_in=Y,
    ),
    # D7: Thu 2 Oct (Q3), not yet seen. By Sun 5 Oct 2 working days have elapsed (Thu 2, Fri 3):
    # the national deadline (day 1, Fri 3 Oct) has passed - not met; the local one (day 2, Mon 6
    # Oct) has not - pending. Meeting deadline (day 5) not passed either: pending.
    dict(order_id="D7", council="South Lanarkshire", person_id="P7", imposed_date="2025-10-02"),
    # D8: Mon 30 Jun (Q1): seen Tue 1 Jul = day 1. Its deadlines (1 WD: Tue 1 Jul; 2 WD: Wed 2 Jul;
    # 5 WD: Mon 7 Jul) all fall in Q2, so it counts in Q2.
    dict(
        order_id="D8",
        council="South Lanarkshire",
        person_id="P8",
        imposed_date="2025-06-30",
        first_contact_date="2025-07-01",
        first_meeting_date="2025-07-01",
    ),
    # Glasgow City: Mon 7 Jul, seen Tue 8 Jul = day 1 (met nationally); meeting Mon 14 Jul = day 5
    # (met).
    dict(
        order_id="DG1",
        council="Glasgow City",
        person_id="P1",
        imposed_date="2025-07-07",
        first_contact_date="2025-07-08",
        first_meeting_date="2025-07-14",
    ),
]

COURT_REPORTS = [
    # Fife: due Fri 4 Jul, submitted that day (on time); due Fri 22 Aug, submitted Mon 25 Aug
    # (late) -> 1/2.
    dict(
        report_id="RF1",
        council="Fife",
        person_id="P1",
        report_type="CJSWR",
        requested_date="2025-06-20",
        due_date="2025-07-04",
        submitted_date="2025-07-04",
    ),
    dict(
        report_id="RF2",
        council="Fife",
        person_id="P2",
        report_type="CJSWR",
        requested_date="2025-08-01",
        due_date="2025-08-22",
        submitted_date="2025-08-25",
        caledonian_assessment=Y,
    ),
    # Q1 report (due and submitted in June): not in Q2. Caledonian assessment, but submitted in Q1.
    dict(
        report_id="RF3",
        council="Fife",
        person_id="P3",
        report_type="CJSWR",
        requested_date="2025-06-02",
        due_date="2025-06-27",
        submitted_date="2025-06-26",
        caledonian_assessment=Y,
    ),
    # Due Fri 10 Oct (Q3) but submitted early, Mon 29 Sep (Q2): a Q2 Caledonian assessment, a Q3
    # report.
    dict(
        report_id="RF5",
        council="Fife",
        person_id="P4",
        report_type="Short notice",
        requested_date="2025-09-22",
        due_date="2025-10-10",
        submitted_date="2025-09-29",
        caledonian_assessment=Y,
    ),
    # South Lanarkshire: three reports due in Q2, all on or before the due date -> 3/3.
    dict(
        report_id="RS1",
        council="South Lanarkshire",
        person_id="P1",
        report_type="CJSWR",
        requested_date="2025-06-19",
        due_date="2025-07-10",
        submitted_date="2025-07-09",
    ),
    dict(
        report_id="RS2",
        council="South Lanarkshire",
        person_id="P2",
        report_type="CJSWR",
        requested_date="2025-07-24",
        due_date="2025-08-14",
        submitted_date="2025-08-14",
    ),
    dict(
        report_id="RS3",
        council="South Lanarkshire",
        person_id="P3",
        report_type="CJSWR",
        requested_date="2025-08-28",
        due_date="2025-09-18",
        submitted_date="2025-09-01",
    ),
    # Glasgow City: eight reports due in Q2, seven on time; RG8 (due Fri 26 Sep) never submitted ->
    # 7/8.
    *[
        dict(
            report_id=f"RG{k}",
            council="Glasgow City",
            person_id=f"P{k}",
            report_type="CJSWR",
            requested_date="2025-07-01",
            due_date=due,
            submitted_date=due,
        )
        for k, due in enumerate(
            [
                "2025-07-22",
                "2025-07-29",
                "2025-08-05",
                "2025-08-12",
                "2025-08-19",
                "2025-09-02",
                "2025-09-09",
            ],
            start=1,
        )
    ],
    dict(
        report_id="RG8",
        council="Glasgow City",
        person_id="P8",
        report_type="CJSWR",
        requested_date="2025-09-05",
        due_date="2025-09-26",
    ),
    # Due Fri 17 Oct, not yet submitted: pending in Q3.
    dict(
        report_id="RG9",
        council="Glasgow City",
        person_id="P9",
        report_type="CJSWR",
        requested_date="2025-09-26",
        due_date="2025-10-17",
    ),
]

LICENCES = [
    # Glasgow City. L1: released Fri 1 Aug, interview Tue 5 Aug = day 1 (Mon 4 Aug holiday): met.
    dict(
        licence_id="L1",
        council="Glasgow City",
        person_id="P1",
        licence_type="Non-parole",
        release_date="2025-08-01",
        first_interview_date="2025-08-05",
    ),
    # L2: Mon 7 Jul, interview same day: met. L3: the same person released again Wed 9 Jul, seen
    # Fri 11 Jul = day 2: not met. Q2: 2 of 3 interviews in time; 2 distinct people released.
    dict(
        licence_id="L2",
        council="Glasgow City",
        person_id="P2",
        licence_type="Parole",
        release_date="2025-07-07",
        first_interview_date="2025-07-07",
    ),
    dict(
        licence_id="L3",
        council="Glasgow City",
        person_id="P2",
        licence_type="Home detention curfew",
        release_date="2025-07-09",
        first_interview_date="2025-07-11",
    ),
    # Q3. L4: Thu 2 Oct, no interview, deadline Fri 3 Oct passed: not met. L5: Fri 3 Oct, no
    # interview; 1 working day elapsed by Sun 5 Oct, deadline Mon 6 Oct: pending.
    dict(
        licence_id="L4",
        council="Glasgow City",
        person_id="P4",
        licence_type="Non-parole",
        release_date="2025-10-02",
    ),
    dict(
        licence_id="L5",
        council="Glasgow City",
        person_id="P5",
        licence_type="Non-parole",
        release_date="2025-10-03",
    ),
]

BREACHES = [
    # Fife. B1: decided Fri 1 Aug, lodged Fri 8 Aug = day 4 (1, 5, 6, 7 Aug): met.
    dict(
        breach_id="B1",
        council="Fife",
        person_id="P1",
        order_id="F3",
        order_type="CPO",
        decision_date="2025-08-01",
        application_date="2025-08-08",
    ),
    # B2: Mon 7 Jul, lodged Mon 14 Jul = day 5: met. Order continued (Wed 20 Aug).
    dict(
        breach_id="B2",
        council="Fife",
        person_id="P2",
        order_id="F2",
        order_type="CPO",
        decision_date="2025-07-07",
        application_date="2025-07-14",
        outcome="Order continued",
        outcome_date="2025-08-20",
    ),
    # B3: Tue 8 Jul, lodged Wed 16 Jul = day 6: not met. Revoked - custody (Wed 10 Sep).
    dict(
        breach_id="B3",
        council="Fife",
        person_id="P3",
        order_id="F4",
        order_type="CPO",
        decision_date="2025-07-08",
        application_date="2025-07-16",
        outcome="Revoked - custody",
        outcome_date="2025-09-10",
    ),
    # B4: a DTTO breach: not a CPO breach, counted by neither indicator.
    dict(
        breach_id="B4",
        council="Fife",
        person_id="P4",
        order_id="X1",
        order_type="DTTO",
        decision_date="2025-07-07",
        application_date="2025-07-21",
        outcome="Order continued",
        outcome_date="2025-08-01",
    ),
    # B5: decided Tue 30 Sep (last day of Q2), not lodged yet. 4 working days by Sun 5 Oct (30 Sep,
    # 1-3 Oct); deadline day 5 = Tue 7 Oct: pending, in a quarter that is complete.
    dict(
        breach_id="B5",
        council="Fife",
        person_id="P5",
        order_id="F6",
        order_type="CPO",
        decision_date="2025-09-30",
    ),
    # B6: Q1 breach, order varied Tue 10 Jun (in 2025/26). B7: withdrawn Mon 2 Jun (not a decided
    # outcome).
    dict(
        breach_id="B6",
        council="Fife",
        person_id="P6",
        order_id="F9",
        order_type="CPO",
        decision_date="2025-05-12",
        application_date="2025-05-13",
        outcome="Order varied",
        outcome_date="2025-06-10",
    ),
    dict(
        breach_id="B7",
        council="Fife",
        person_id="P7",
        order_id="F10",
        order_type="CPO",
        decision_date="2025-05-20",
        application_date="2025-05-21",
        outcome="Withdrawn",
        outcome_date="2025-06-02",
    ),
    # B9: decided in 2024/25 (continued Mon 31 Mar 2025): not in 2025/26.
    dict(
        breach_id="B9",
        council="Fife",
        person_id="P8",
        order_id="X2",
        order_type="CPO",
        decision_date="2025-02-03",
        application_date="2025-02-04",
        outcome="Order continued",
        outcome_date="2025-03-31",
    ),
]

LSCMI = [
    # Fife. A1: allocated Mon 7 Jul, done Tue 5 Aug = day 20 (holiday Mon 4 Aug): met.
    # A2: Mon 7 Jul, done Wed 6 Aug = day 21: not met. A3: Mon 22 Sep, not done, 10 working days by
    # 5 Oct: pending. A4: Wed 2 Jul, not done, deadline passed: not met. -> 1/3, pending 1.
    dict(
        assessment_id="A1",
        council="Fife",
        person_id="P1",
        start_date="2025-07-07",
        completed_date="2025-08-05",
    ),
    dict(
        assessment_id="A2",
        council="Fife",
        person_id="P2",
        start_date="2025-07-07",
        completed_date="2025-08-06",
    ),
    dict(assessment_id="A3", council="Fife", person_id="P3", start_date="2025-09-22"),
    dict(assessment_id="A4", council="Fife", person_id="P4", start_date="2025-07-02"),
]

EXIT_QUESTIONNAIRES = [
    # Fife, H1 2025/26 (April-September). Supervision: 3 -> 7 (better), 5 -> 5 (same), 6 -> blank
    # (no after score), 8 -> 4 (worse). Before/after: 1 better of 3 with both scores.
    dict(
        questionnaire_id="E1",
        council="Fife",
        person_id="P1",
        questionnaire_type="Supervision",
        received_date="2025-05-10",
        score_before=3,
        score_after=7,
    ),
    dict(
        questionnaire_id="E2",
        council="Fife",
        person_id="P2",
        questionnaire_type="Supervision",
        received_date="2025-08-12",
        score_before=5,
        score_after=5,
    ),
    dict(
        questionnaire_id="E3",
        council="Fife",
        person_id="P3",
        questionnaire_type="Supervision",
        received_date="2025-09-30",
        score_before=6,
    ),
    dict(
        questionnaire_id="E4",
        council="Fife",
        person_id="P4",
        questionnaire_type="Supervision",
        received_date="2025-07-01",
        score_before=8,
        score_after=4,
    ),
    # Unpaid work: one in H1 (its better score is not a supervision questionnaire), one in H2 (Wed
    # 1 Oct).
    dict(
        questionnaire_id="E5",
        council="Fife",
        person_id="P5",
        questionnaire_type="Unpaid work",
        received_date="2025-07-15",
        score_before=2,
        score_after=9,
    ),
    dict(
        questionnaire_id="E6",
        council="Fife",
        person_id="P6",
        questionnaire_type="Unpaid work",
        received_date="2025-10-01",
    ),
    # Placement providers: Tue 1 Apr 2025 is in 2025/26; Mon 31 Mar 2025 is in 2024/25.
    dict(
        questionnaire_id="E7",
        council="Fife",
        person_id="P7",
        questionnaire_type="Placement provider",
        received_date="2025-04-01",
    ),
    dict(
        questionnaire_id="E8",
        council="Fife",
        person_id="P8",
        questionnaire_type="Placement provider",
        received_date="2025-03-31",
    ),
]

CPO_REVIEWS = [
    # Fife, Q2: re-engagement reviews on Thu 10 Jul and Tue 30 Sep (2); a three-month review (not
    # re-engagement); a re-engagement review on Mon 30 Jun (Q1).
    dict(
        review_id="V1",
        council="Fife",
        person_id="P1",
        order_id="F1",
        review_type="Re-engagement",
        review_date="2025-07-10",
    ),
    dict(
        review_id="V2",
        council="Fife",
        person_id="P2",
        order_id="F2",
        review_type="Re-engagement",
        review_date="2025-09-30",
    ),
    dict(
        review_id="V3",
        council="Fife",
        person_id="P3",
        order_id="F4",
        review_type="Three-month",
        review_date="2025-08-01",
    ),
    dict(
        review_id="V4",
        council="Fife",
        person_id="P7",
        order_id="F8",
        review_type="Re-engagement",
        review_date="2025-06-30",
    ),
]

SIGNIFICANT_CASE_REVIEWS = [
    # Glasgow City: notified Tue 1 Jul and Tue 30 Sep (Q2: 2); Wed 1 Oct (Q3).
    dict(
        review_id="S1",
        council="Glasgow City",
        person_id="P1",
        review_type="Significant incident review",
        notification_date="2025-07-01",
    ),
    dict(
        review_id="S2",
        council="Glasgow City",
        person_id="P2",
        review_type="Learning review",
        notification_date="2025-09-30",
    ),
    dict(
        review_id="S3",
        council="Glasgow City",
        person_id="P3",
        review_type="Significant case review",
        notification_date="2025-10-01",
    ),
]

MAPPA = [
    # Glasgow City, 2025/26: person A open since Nov 2024 and again May-June 2025 (counted once);
    # person B ended Mon 31 Mar 2025 (2024/25 only); person C from Mon 1 Sep 2025. -> 2 people in
    # 2025/26.
    dict(
        mappa_id="M1",
        council="Glasgow City",
        person_id="A",
        category="1",
        level="1",
        start_date="2024-11-01",
    ),
    dict(
        mappa_id="M2",
        council="Glasgow City",
        person_id="A",
        category="1",
        level="2",
        start_date="2025-05-01",
        end_date="2025-06-01",
    ),
    dict(
        mappa_id="M3",
        council="Glasgow City",
        person_id="B",
        category="2",
        level="1",
        start_date="2024-06-01",
        end_date="2025-03-31",
    ),
    dict(
        mappa_id="M4",
        council="Glasgow City",
        person_id="C",
        category="3",
        level="3",
        start_date="2025-09-01",
    ),
]

DIVERSION = [
    # Fife. X1: May-Tue 15 Jul, successful; X1 again Sun 10 Aug - Sat 20 Sep, unsuccessful (one
    # person in Q2); X2: from Fri 1 Aug, still open; X3: Mar - Mon 30 Jun 2025, successful (Q4
    # 2024/25 and Q1 only). Q2: 2 people, 1 successful completion.
    dict(
        case_id="DV1",
        council="Fife",
        person_id="X1",
        start_date="2025-05-01",
        end_date="2025-07-15",
        outcome="Successful",
    ),
    dict(case_id="DV2", council="Fife", person_id="X2", start_date="2025-08-01"),
    dict(
        case_id="DV3",
        council="Fife",
        person_id="X1",
        start_date="2025-08-10",
        end_date="2025-09-20",
        outcome="Unsuccessful",
    ),
    dict(
        case_id="DV4",
        council="Fife",
        person_id="X3",
        start_date="2025-03-01",
        end_date="2025-06-30",
        outcome="Successful",
    ),
]

BAIL_SUPERVISION = [
    # Glasgow City. Tue 1 Jul - Mon 1 Sep successful; from Sun 1 Jun, open; from Wed 1 Oct (Q3).
    # Q2: 2 people, 1 successful completion.
    dict(
        case_id="BS1",
        council="Glasgow City",
        person_id="P1",
        start_date="2025-07-01",
        end_date="2025-09-01",
        outcome="Successful",
    ),
    dict(case_id="BS2", council="Glasgow City", person_id="P2", start_date="2025-06-01"),
    dict(case_id="BS3", council="Glasgow City", person_id="P3", start_date="2025-10-01"),
]

PROBLEM_SOLVING = [
    # South Lanarkshire. Tue 1 Apr - Thu 31 Jul successful; Tue 1 Jul - Sun 31 Aug withdrawn.
    # Q2: 2 people, 1 successful completion.
    dict(
        case_id="PS1",
        council="South Lanarkshire",
        person_id="P1",
        start_date="2025-04-01",
        end_date="2025-07-31",
        outcome="Successful",
    ),
    dict(
        case_id="PS2",
        council="South Lanarkshire",
        person_id="P2",
        start_date="2025-07-01",
        end_date="2025-08-31",
        outcome="Withdrawn",
    ),
]

STRUCTURED_DEFERRED_SENTENCES = [
    # Fife. P1: Mon 7 Jul - Tue 30 Sep successful, and again from Mon 1 Sep (open); P2: Jan - Mon
    # 30 Jun successful (Q1). Q2: 1 person, 1 successful completion.
    dict(
        case_id="SD1",
        council="Fife",
        person_id="P1",
        start_date="2025-07-07",
        end_date="2025-09-30",
        outcome="Successful",
    ),
    dict(case_id="SD2", council="Fife", person_id="P1", start_date="2025-09-01"),
    dict(
        case_id="SD3",
        council="Fife",
        person_id="P2",
        start_date="2025-01-10",
        end_date="2025-06-30",
        outcome="Successful",
    ),
]

FISCAL_WORK_ORDERS = [
    # Glasgow City: started Tue 1 Jul and Tue 30 Sep (Q2: 2); Mon 30 Jun (Q1).
    dict(case_id="FW1", council="Glasgow City", person_id="P1", start_date="2025-07-01"),
    dict(case_id="FW2", council="Glasgow City", person_id="P2", start_date="2025-09-30"),
    dict(case_id="FW3", council="Glasgow City", person_id="P3", start_date="2025-06-30"),
]

WOMENS_CENTRE = [
    # Glasgow City: Sun 1 Jun - Tue 1 Jul (one day in Q2: counts); from Tue 30 Sep (counts);
    # Sat 1 Mar - Mon 30 Jun (ends in Q1: does not). Q2: 2 women.
    dict(
        support_id="W1",
        council="Glasgow City",
        person_id="P1",
        start_date="2025-06-01",
        end_date="2025-07-01",
    ),
    dict(support_id="W2", council="Glasgow City", person_id="P2", start_date="2025-09-30"),
    dict(
        support_id="W3",
        council="Glasgow City",
        person_id="P3",
        start_date="2025-03-01",
        end_date="2025-06-30",
    ),
]

SUPPORT_WORK_REFERRALS = [
    # South Lanarkshire: Tue 1 Jul and Tue 30 Sep (Q2: 2); Wed 1 Oct (Q3).
    dict(
        referral_id="SW1", council="South Lanarkshire", person_id="P1", referral_date="2025-07-01"
    ),
    dict(
        referral_id="SW2", council="South Lanarkshire", person_id="P2", referral_date="2025-09-30"
    ),
    dict(
        referral_id="SW3", council="South Lanarkshire", person_id="P3", referral_date="2025-10-01"
    ),
]

EXTRACT = {
    "cpos": CPOS,
    "dttos": DTTOS,
    "court_reports": COURT_REPORTS,
    "licences": LICENCES,
    "breaches": BREACHES,
    "lscmi_assessments": LSCMI,
    "exit_questionnaires": EXIT_QUESTIONNAIRES,
    "cpo_reviews": CPO_REVIEWS,
    "significant_case_reviews": SIGNIFICANT_CASE_REVIEWS,
    "mappa": MAPPA,
    "diversion": DIVERSION,
    "bail_supervision": BAIL_SUPERVISION,
    "problem_solving": PROBLEM_SOLVING,
    "structured_deferred_sentences": STRUCTURED_DEFERRED_SENTENCES,
    "fiscal_work_orders": FISCAL_WORK_ORDERS,
    "womens_centre": WOMENS_CENTRE,
    "support_work_referrals": SUPPORT_WORK_REFERRALS,
}


def write_extract(folder: Path, tables: dict[str, list[dict]]) -> Path:
    """Write one CSV per table: the contract's required columns, then any column a row fills in."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        columns = list(TABLES[name].required_columns)
        for row in rows:
            columns += [k for k in row if k not in columns]
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, restval="")
            writer.writeheader()
            writer.writerows(rows)
    return folder


def read_tables(folder: Path, tables: dict[str, list[dict]], defs) -> dict[str, pd.DataFrame]:
    """The typed tables of a hand-made extract, through the real reader; every row must be
    accepted."""
    extract = load_extract(write_extract(folder, tables), defs.councils)
    assert extract.rejects.empty, extract.rejects.to_string()
    assert extract.errors.empty, extract.errors.to_string()
    for name, rows in tables.items():
        assert len(extract.tables[name]) == len(rows), name
    return extract.tables


@pytest.fixture(scope="module")
def defs():
    return load_definitions()


@pytest.fixture(scope="module")
def tables(defs, tmp_path_factory):
    return read_tables(tmp_path_factory.mktemp("extract"), EXTRACT, defs)


@pytest.fixture(scope="module")
def results(tables, defs):
    return compute_indicators(tables, defs, as_at=AS_AT)


def rows_for(
    results: pd.DataFrame, indicator: str, council: str, period: str, level: str | None = None
):
    """The result rows of one indicator, area and period (of one level, when given)."""
    picked = results[
        (results["indicator"] == indicator)
        & (results["council"] == council)
        & (results["period"] == period)
    ]
    if level is not None:
        picked = picked[picked["level"] == level]
    return picked


def one_row(results, indicator, council, period, level="council", basis=None) -> pd.Series:
    """The single row for this indicator, area and period (of the given basis, when a council has
    two)."""
    picked = rows_for(results, indicator, council, period, level)
    if basis is not None:
        picked = picked[picked["basis"] == basis]
    assert len(picked) == 1, f"{indicator} {council} {period} {level} {basis}: {len(picked)} rows"
    return picked.iloc[0]


def as_int(value) -> int | None:
    return None if pd.isna(value) else int(value)


# -------------------------------------------------------------------------------------------------
# One row per computable indicator of the catalogue, hand-worked
# -------------------------------------------------------------------------------------------------

# (indicator, council, period, numerator, denominator, excluded, pending, basis); excluded/pending
# None = not checked (they are always 0 for non-timescale indicators, which the test checks
# separately).
EXPECTED = [
    # --- Timescales ------------------------------------------------------------------------------
    # Every timescale is placed in the period its DEADLINE falls in (period_basis: deadline).
    # upw_placement, Fife Q2 (7 WD; UPW orders with deadlines Jul-Sep): F1 (deadline Wed 16 Jul)
    # day 7 met, F2 (Thu 17 Jul) day 8 not, F3 (Wed 13 Aug) day 7 met (holiday), F4 non-compliant
    # excluded, F6 missing and overdue not met -> 2/4. F7's deadline Tue 7 Oct is in Q3; F9's (Mon
    # 16 Jun) in Q1.
    ("upw_placement", FIFE, Q2, 2, 4, 1, 0, None),
    # ... Q3: F7, deadline Tue 7 Oct after the extract date, no placement: pending.
    ("upw_placement", FIFE, Q3, 0, 0, 0, 1, None),
    # cpo_case_management_plan, Fife Q2 (20 WD; supervision): F1 (deadline Tue 5 Aug) day 20 met,
    # F3 (deadline Mon 1 Sep: 1 Aug is day 0, then 5-8, 11-15, 18-22, 25-29 Aug are days 1-19) day
    # 19 met, F8 (imposed Mon 30 Jun in Q1; deadline Mon 28 Jul in Q2) day 20 met, F6 not met; F4
    # excluded, F5 excluded (transfer in). F7's deadline (Fri 24 Oct) is in Q3.
    ("cpo_case_management_plan", FIFE, Q2, 3, 4, 2, 0, None),
    # cpo_first_review (3 calendar months), by the quarter the review FELL DUE. Fife Q1 (due Apr-
    # Jun): none (the earliest Fife order, F10 of Thu 10 Apr, fell due Thu 10 Jul).
    ("cpo_first_review", FIFE, Q1, 0, 0, 0, 0, None),
    # ... Q2 (due Jul-Sep): F8 30 Jun -> due 30 Sep, held 30 Sep met; F9 5 Jun -> due 5 Sep, held 8
    # Sep not; F10 10 Apr -> due 10 Jul, held 9 Jul met; F11 22 Apr -> due 22 Jul, held 22 Jul met.
    # F9, F10, F11 ended after their review fell due, so they stay in -> 3/4.
    ("cpo_first_review", FIFE, Q2, 3, 4, 0, 0, None),
    # ... Q3 (due Oct-Dec): F1 (due Tue 7 Oct), F2, F3, F6, F7 have no review and are due on or after
    # the extract date: pending; F4 (non-compliance), F5 (transfer in) excluded -> 0/0.
    ("cpo_first_review", FIFE, Q3, 0, 0, 2, 5, None),
    # upw_completed_in_time, Glasgow Q2 (due date in Q2): G1 met, G3 one day late, G4 not done, G5
    # excluded (transfer in), G6 met (non-compliance is not an exclusion here), G7 met (due 30 Sep,
    # clipped). G2 is Q3.
    ("upw_completed_in_time", GLASGOW, Q2, 3, 5, 1, 0, None),
    # reports_by_due_date, Glasgow Q2: RG1-RG7 on the due date, RG8 never submitted (overdue) ->
    # 7/8.
    ("reports_by_due_date", GLASGOW, Q2, 7, 8, 0, 0, None),
    # reports_by_due_date, Glasgow Q3: RG9 due Fri 17 Oct, not submitted: pending.
    ("reports_by_due_date", GLASGOW, Q3, 0, 0, 0, 1, None),
    # throughcare_interview, Glasgow Q2 (1 WD): L1 day 1 met, L2 day 0 met, L3 day 2 not.
    ("throughcare_interview", GLASGOW, Q2, 2, 3, 0, 0, None),
    # throughcare_interview, Glasgow Q3: L4 overdue not met, L5 pending.
    ("throughcare_interview", GLASGOW, Q3, 0, 1, 0, 1, None),
    # cpo_upw_first_contact, Fife Q2 (5 WD; UPW): F1 day 0, F2 day 2, F3 day 1 met; F6 not; F4
    # excluded. F7 (Fri 26 Sep; deadline Fri 3 Oct) is in Q3.
    ("cpo_upw_first_contact", FIFE, Q2, 3, 4, 1, 0, None),
    # ... Q3: F7 seen on day 0: met.
    ("cpo_upw_first_contact", FIFE, Q3, 1, 1, 0, 0, None),
    # dtto_first_contact, South Lanarkshire Q2, local 2 WD: D1 day 2, D2 day 0, D3 day 2 met, D8
    # (Mon 30 Jun, deadline Wed 2 Jul in Q2) day 1 met; D4 day 3 not; D5, D6 excluded.
    ("dtto_first_contact", SOUTH_LANARKSHIRE, Q2, 4, 5, 2, 0, "local"),
    # ... and on the national 1 WD: D2 met, D8 (deadline Tue 1 Jul, seen that day) met.
    ("dtto_first_contact", SOUTH_LANARKSHIRE, Q2, 2, 5, 2, 0, "national"),
    # ... Q3: D7 pending locally (deadline Mon 6 Oct), overdue nationally (deadline Fri 3 Oct).
    ("dtto_first_contact", SOUTH_LANARKSHIRE, Q3, 0, 0, 0, 1, "local"),
    ("dtto_first_contact", SOUTH_LANARKSHIRE, Q3, 0, 1, 0, 0, "national"),
    # dtto_first_meeting, South Lanarkshire Q2 (5 WD): D1 day 4, D2 day 5, D8 (Mon 30 Jun, deadline
    # Mon 7 Jul) met; D3 day 6, D4 missing not; D5, D6 excluded.
    ("dtto_first_meeting", SOUTH_LANARKSHIRE, Q2, 3, 5, 2, 0, None),
    # cpo_first_contact, Fife Q2 (1 WD): F1 day 0, F3 day 1 (Fri -> Tue over the holiday), F7 day 0
    # (deadline Mon 29 Sep), F8 (Mon 30 Jun, deadline Tue 1 Jul in Q2) day 1 met; F2 day 2 and F6
    # missing not; F4, F5 excluded.
    ("cpo_first_contact", FIFE, Q2, 4, 6, 2, 0, None),
    # cpo_induction, Fife Q2 (5 WD): F1 day 5, F3 day 4, F8 (deadline Mon 7 Jul) day 4 met; F2 day
    # 6, F6 missing not; F4, F5 excluded. F7's deadline (Fri 3 Oct) is in Q3.
    ("cpo_induction", FIFE, Q2, 3, 5, 2, 0, None),
    # ... Q3: F7, deadline Fri 3 Oct passed with no induction: not met.
    ("cpo_induction", FIFE, Q3, 0, 1, 0, 0, None),
    # breach_application_timely, Fife Q2 (5 WD; CPO breaches due Jul-Sep): B1 day 4, B2 day 5 met;
    # B3 day 6 not; B4 is a DTTO. B5 (decided Tue 30 Sep, deadline Tue 7 Oct) is in Q3.
    ("breach_application_timely", FIFE, Q2, 2, 3, 0, 0, None),
    # ... Q3: B5 not lodged, deadline after the extract date: pending.
    ("breach_application_timely", FIFE, Q3, 0, 0, 0, 1, None),
    # lscmi_completed_in_time, Fife Q2 (20 WD): A1 day 20 met, A2 day 21 not, A4 (Wed 2 Jul,
    # deadline Wed 30 Jul) overdue not. A3 (Mon 22 Sep, deadline Mon 20 Oct) is in Q3.
    ("lscmi_completed_in_time", FIFE, Q2, 1, 3, 0, 0, None),
    # ... Q3: A3 not done, deadline after the extract date: pending.
    ("lscmi_completed_in_time", FIFE, Q3, 0, 0, 0, 1, None),
    # --- Proportions -----------------------------------------------------------------------------
    # current_orders_with_cmp, Fife Q2 (supervision orders open on Tue 30 Sep): F1, F3, F8, F10
    # (ends 30 Sep) with a plan by then; F4, F6, F7 without. F5 ended Mon 29 Sep: out. F2, F9 have
    # no supervision.
    ("current_orders_with_cmp", FIFE, Q2, 4, 7, 0, 0, None),
    # ... Q1 (open on Mon 30 Jun): F10 (plan 1 May) yes; F8 (imposed 30 Jun, plan 28 Jul) not yet.
    ("current_orders_with_cmp", FIFE, Q1, 1, 2, 0, 0, None),
    # cpo_successful_completions, Fife Q2, on all terminations (national basis; ended Jul-Sep): F5,
    # F9 completed; F10 revoked; F11 transferred out -> 2/4.
    ("cpo_successful_completions", FIFE, Q2, 2, 4, 0, 0, None),
    # cpo_successful_completions_local, the local variant: F11 (transferred out) left out -> 2/3.
    ("cpo_successful_completions_local", FIFE, Q2, 2, 3, 0, 0, None),
    # cpo_breach_outcomes_continued, Fife 2025/26 (CPO outcomes Apr 2025-Mar 2026): B2 continued,
    # B6 varied, B3 revoked; B7 withdrawn left out; B4 is a DTTO; B9 decided in 2024/25.
    ("cpo_breach_outcomes_continued", FIFE, YEAR, 2, 3, 0, 0, None),
    # exit_questionnaire_improved, Fife H1 2025/26 (supervision, both scores): E1 better; E2 same,
    # E4 worse.
    ("exit_questionnaire_improved", FIFE, H1, 1, 3, 0, 0, None),
    # --- Averages and sums (numerator = total, denominator = records with a value) ---------------
    # upw_average_days_to_complete, Fife Q2 (UPW completed Jul-Sep): F3 49 days + F9 92 days = 141
    # over 2.
    ("upw_average_days_to_complete", FIFE, Q2, 141, 2, 0, 0, None),
    # upw_hours_completed, Fife 2025/26: F3 40 + F9 100 = 140 hours, 2 requirements.
    ("upw_hours_completed", FIFE, YEAR, 140, 2, 0, 0, None),
    # upw_hours_individual_placements, Fife 2025/26: F3 10 + F9 0 = 10 hours, 2 requirements.
    ("upw_hours_individual_placements", FIFE, YEAR, 10, 2, 0, 0, None),
    # --- Counts and people (no denominator) ------------------------------------------------------
    # cpos_imposed, Fife Q2: F1-F7.
    ("cpos_imposed", FIFE, Q2, 7, None, 0, 0, None),
    # people_on_cpos, Fife Q2: F1-F11 all open at some time in Q2; F1 and F3 are both P1 -> P1-P10
    # = 10.
    ("people_on_cpos", FIFE, Q2, 10, None, 0, 0, None),
    # upw_requirements_imposed, Fife Q2: F1, F2, F3, F4, F6, F7 (F5 has none).
    ("upw_requirements_imposed", FIFE, Q2, 6, None, 0, 0, None),
    # young_people_on_cpos, Fife Q2: F2 (17), F6 (16); F7 is 18.
    ("young_people_on_cpos", FIFE, Q2, 2, None, 0, 0, None),
    # caledonian_assessments, Fife Q2 (by submission date): RF2 (Mon 25 Aug), RF5 (Mon 29 Sep); RF3
    # was Q1.
    ("caledonian_assessments", FIFE, Q2, 2, None, 0, 0, None),
    # caledonian_requirements, Fife Q2: F3.
    ("caledonian_requirements", FIFE, Q2, 1, None, 0, 0, None),
    # non_caledonian_domestic_abuse_cpos, Fife Q2: F2 (Caledonian N), F6 (Caledonian blank); F3 is
    # Caledonian.
    ("non_caledonian_domestic_abuse_cpos", FIFE, Q2, 2, None, 0, 0, None),
    # reengagement_reviews, Fife Q2: V1 (Thu 10 Jul), V2 (Tue 30 Sep).
    ("reengagement_reviews", FIFE, Q2, 2, None, 0, 0, None),
    # people_released_on_licence, Glasgow Q2: P1 (L1), P2 (L2 and L3).
    ("people_released_on_licence", GLASGOW, Q2, 2, None, 0, 0, None),
    # significant_case_reviews, Glasgow Q2: S1, S2.
    ("significant_case_reviews", GLASGOW, Q2, 2, None, 0, 0, None),
    # mappa_clients, Glasgow 2025/26: A (twice), C.
    ("mappa_clients", GLASGOW, YEAR, 2, None, 0, 0, None),
    # supervision_questionnaires, Fife H1 2025/26: E1-E4.
    ("supervision_questionnaires", FIFE, H1, 4, None, 0, 0, None),
    # upw_questionnaires, Fife H1 2025/26: E5 (E6 is H2).
    ("upw_questionnaires", FIFE, H1, 1, None, 0, 0, None),
    # placement_provider_feedback, Fife 2025/26: E7 (E8 is 2024/25).
    ("placement_provider_feedback", FIFE, YEAR, 1, None, 0, 0, None),
    # people_on_diversion, Fife Q2: X1 (DV1, DV3), X2.
    ("people_on_diversion", FIFE, Q2, 2, None, 0, 0, None),
    # diversion_successful, Fife Q2: DV1.
    ("diversion_successful", FIFE, Q2, 1, None, 0, 0, None),
    # fiscal_work_orders, Glasgow Q2: FW1, FW2.
    ("fiscal_work_orders", GLASGOW, Q2, 2, None, 0, 0, None),
    # people_on_bail_supervision, Glasgow Q2: P1, P2.
    ("people_on_bail_supervision", GLASGOW, Q2, 2, None, 0, 0, None),
    # bail_supervision_successful, Glasgow Q2: BS1.
    ("bail_supervision_successful", GLASGOW, Q2, 1, None, 0, 0, None),
    # people_on_problem_solving, South Lanarkshire Q2: P1, P2.
    ("people_on_problem_solving", SOUTH_LANARKSHIRE, Q2, 2, None, 0, 0, None),
    # problem_solving_successful, South Lanarkshire Q2: PS1 (PS2 withdrawn).
    ("problem_solving_successful", SOUTH_LANARKSHIRE, Q2, 1, None, 0, 0, None),
    # people_on_sds, Fife Q2: P1 (SD1 and SD2); SD3 ended in Q1.
    ("people_on_sds", FIFE, Q2, 1, None, 0, 0, None),
    # sds_successful, Fife Q2: SD1.
    ("sds_successful", FIFE, Q2, 1, None, 0, 0, None),
    # women_supported, Glasgow Q2: W1 (to Tue 1 Jul), W2.
    ("women_supported", GLASGOW, Q2, 2, None, 0, 0, None),
    # support_work_referrals, South Lanarkshire Q2: SW1, SW2.
    ("support_work_referrals", SOUTH_LANARKSHIRE, Q2, 2, None, 0, 0, None),
]


class TestEveryIndicatorHandWorked:
    def test_table_covers_every_computable_indicator(self, defs):
        computable = {i.id for i in defs.catalogue if i.type != "manual"}
        assert computable == {row[0] for row in EXPECTED}

    @pytest.mark.parametrize(
        "indicator, council, period, numerator, denominator, excluded, pending, basis",
        EXPECTED,
        ids=[f"{r[0]}-{r[1]}-{r[2]}" + (f"-{r[7]}" if r[7] else "") for r in EXPECTED],
    )
    def test_council_row(
        self, results, indicator, council, period, numerator, denominator, excluded, pending, basis
    ):
        row = one_row(results, indicator, council, period, basis=basis)
        assert as_int(row["numerator"]) == numerator
        assert as_int(row["denominator"]) == denominator
        assert as_int(row["excluded"]) == excluded
        assert as_int(row["pending"]) == pending


# -------------------------------------------------------------------------------------------------
# Engine behaviours
# -------------------------------------------------------------------------------------------------


class TestPooling:
    def test_family_group_pools_counts_not_percentages(self, results):
        # reports_by_due_date Q2: Fife 1/2 (50%) and South Lanarkshire 3/3 (100%) -> FG3 4/5 = 80%,
        # not 75%.
        assert as_int(one_row(results, "reports_by_due_date", FIFE, Q2)["numerator"]) == 1
        assert (
            as_int(one_row(results, "reports_by_due_date", SOUTH_LANARKSHIRE, Q2)["denominator"])
            == 3
        )
        fg3 = one_row(results, "reports_by_due_date", "FG3", Q2, level="family group")
        assert (as_int(fg3["numerator"]), as_int(fg3["denominator"])) == (4, 5)
        assert fg3["value"] == pytest.approx(80.0)
        assert fg3["council_name"] == "Family group 3 (people services)"

    def test_other_family_group_holds_only_its_councils(self, results):
        # FG4 holds Glasgow City (7/8) and councils with no reports.
        fg4 = one_row(results, "reports_by_due_date", "FG4", Q2, level="family group")
        assert (as_int(fg4["numerator"]), as_int(fg4["denominator"])) == (7, 8)

    def test_scotland_pools_every_council(self, results):
        # 1/2 + 3/3 + 7/8 = 11/13.
        scot = one_row(results, "reports_by_due_date", SCOTLAND, Q2, level="Scotland")
        assert (as_int(scot["numerator"]), as_int(scot["denominator"])) == (11, 13)
        assert scot["value"] == pytest.approx(100 * 11 / 13)
        assert scot["council_name"] == "Scotland"

    def test_people_pooled_as_sum_of_council_counts(self, results):
        # Glasgow's person ids P1-P7 repeat Fife's, but ids are local to each council: Fife 10 +
        # Glasgow 7 (G1-G7 all still running in Q2) = 17 people on CPOs in Scotland.
        assert as_int(one_row(results, "people_on_cpos", GLASGOW, Q2)["numerator"]) == 7
        scot = one_row(results, "people_on_cpos", SCOTLAND, Q2, level="Scotland")
        assert as_int(scot["numerator"]) == 17
        assert pd.isna(scot["denominator"])

    def test_pooled_rows_equal_sums_of_national_council_rows(self, results):
        councils = results[(results["level"] == "council") & (results["basis"] == "national")]
        keys = ["indicator", "frequency", "period"]
        sums = councils.groupby(keys)[["numerator", "denominator", "excluded", "pending"]].sum(
            min_count=1
        )
        scotland = results[results["level"] == "Scotland"].set_index(keys)[sums.columns]
        pd.testing.assert_frame_equal(
            scotland.sort_index().astype("Float64"),
            sums.reindex(scotland.index).sort_index().astype("Float64"),
        )


class TestEveryCouncilHasARow:
    def test_zero_row_for_council_without_records(self, results):
        # Aberdeen City has no records at all; Glasgow City imposed no CPO in Q2 (its orders date
        # from Jan-Jun).
        for council in (ABERDEEN, GLASGOW):
            row = one_row(results, "cpos_imposed", council, Q2)
            assert as_int(row["numerator"]) == 0 and row["value"] == 0
        row = one_row(results, "cpo_first_contact", ABERDEEN, Q2)
        assert (as_int(row["numerator"]), as_int(row["denominator"])) == (0, 0)
        assert pd.isna(row["value"])

    def test_every_council_every_period_in_range(self, results, defs):
        # cpos_imposed: first CPO Mon 20 Jan 2025 (G4, Q4 2024/25) to the extract date's quarter
        # (Q3 2025/26).
        rows = results[(results["indicator"] == "cpos_imposed") & (results["level"] == "council")]
        assert sorted(rows["period"].unique()) == sorted([Q4_PREVIOUS, Q1, Q2, Q3])
        assert len(rows) == 4 * 32
        assert set(rows["council"]) == {c.code for c in defs.councils}

    def test_family_groups_and_scotland_for_every_period(self, results):
        rows = results[(results["indicator"] == "cpos_imposed") & (results["period"] == Q2)]
        assert sorted(rows.loc[rows["level"] == "family group", "council"]) == [
            "FG1",
            "FG2",
            "FG3",
            "FG4",
        ]
        assert list(rows.loc[rows["level"] == "Scotland", "council"]) == [SCOTLAND]


class TestLocalStandards:
    def test_south_lanarkshire_local_row(self, results):
        row = one_row(results, "dtto_first_contact", SOUTH_LANARKSHIRE, Q2, basis="local")
        assert row["standard"] == "2 working days"
        assert row["title"] == "People on a DTTO seen within 2 working days"
        assert row["value"] == pytest.approx(80.0)  # 4/5

    def test_south_lanarkshire_national_row(self, results):
        row = one_row(results, "dtto_first_contact", SOUTH_LANARKSHIRE, Q2, basis="national")
        assert row["standard"] == "1 working day"
        assert row["title"] == "People on a DTTO seen within 1 working day"
        assert row["value"] == pytest.approx(40.0)  # 2/5

    def test_other_councils_have_one_national_row(self, results):
        rows = rows_for(results, "dtto_first_contact", GLASGOW, Q2, "council")
        assert list(rows["basis"]) == ["national"]
        assert list(rows["standard"]) == ["1 working day"]

    def test_scotland_and_family_group_use_national_standard(self, results):
        # Scotland: South Lanarkshire national 2/5 + Glasgow DG1 (day 1) 1/1 = 3/6, not 4/5 + 1/1.
        scot = one_row(results, "dtto_first_contact", SCOTLAND, Q2, level="Scotland")
        assert (as_int(scot["numerator"]), as_int(scot["denominator"])) == (3, 6)
        assert scot["standard"] == "1 working day" and scot["basis"] == "national"
        fg3 = one_row(results, "dtto_first_contact", "FG3", Q2, level="family group")
        assert (as_int(fg3["numerator"]), as_int(fg3["denominator"])) == (2, 5)

    def test_local_standard_only_where_set(self, results):
        # Only dtto_first_contact of South Lanarkshire is on a local standard.
        local = results[results["basis"] == "local"]
        assert set(local["council"]) == {SOUTH_LANARKSHIRE}
        assert set(local["indicator"]) == {"dtto_first_contact"}


class TestMonthlyRows:
    def test_monthly_rows_exist_for_timescales_only(self, results, defs):
        monthly = results[results["frequency"] == "monthly"]
        timescales = {i.id for i in defs.catalogue if i.type == "timescale"}
        assert set(monthly["indicator"]) == timescales

    def test_months_of_q2_hand_worked(self, results):
        # cpo_first_contact, Fife, by the month of the deadline: Jul F1 met, F8 (deadline Tue 1
        # Jul) met, F2 and F6 not (F4, F5 excluded) -> 2/4; Aug F3 (deadline Tue 5 Aug) met -> 1/1;
        # Sep F7 (deadline Mon 29 Sep) met -> 1/1.
        got = {
            month: (as_int(r["numerator"]), as_int(r["denominator"]))
            for month in ("Jul 2025", "Aug 2025", "Sep 2025")
            for r in [one_row(results, "cpo_first_contact", FIFE, month)]
        }
        assert got == {"Jul 2025": (2, 4), "Aug 2025": (1, 1), "Sep 2025": (1, 1)}

    def test_three_months_sum_to_the_quarter(self, results):
        cols = ["numerator", "denominator", "excluded", "pending"]
        keys = ["level", "council", "indicator", "basis"]
        months = results[results["period"].isin(["Jul 2025", "Aug 2025", "Sep 2025"])]
        quarter = results[
            (results["period"] == Q2) & results["indicator"].isin(months["indicator"].unique())
        ]
        summed = months.groupby(keys)[cols].sum().sort_index()
        assert len(summed) == len(quarter)
        pd.testing.assert_frame_equal(
            quarter.set_index(keys)[cols].sort_index().astype("Int64"), summed.astype("Int64")
        )


class TestComplete:
    def test_quarter_holding_the_extract_date_is_incomplete(self, results):
        assert not bool(one_row(results, "cpos_imposed", FIFE, Q3)["complete"])
        assert bool(one_row(results, "cpos_imposed", FIFE, Q2)["complete"])

    def test_month_and_year_holding_the_extract_date_are_incomplete(self, results):
        assert not bool(one_row(results, "cpo_first_contact", FIFE, "Oct 2025")["complete"])
        assert bool(one_row(results, "cpo_first_contact", FIFE, "Sep 2025")["complete"])
        assert not bool(one_row(results, "upw_hours_completed", FIFE, YEAR)["complete"])

    def test_period_bounds_in_rows(self, results):
        row = one_row(results, "cpos_imposed", FIFE, Q2)
        assert row["period_start"] == pd.Timestamp("2025-07-01")
        assert row["period_end"] == pd.Timestamp("2025-09-30")
        assert row["frequency"] == "quarterly"


class TestActiveBasis:
    def test_order_open_across_quarters_counts_in_each(self, results):
        # Fife people_on_cpos. Q1: F8 (imposed Mon 30 Jun), F9, F10, F11 -> 4. Q2: 10 (see
        # EXPECTED). Q3 (open on or after Wed 1 Oct): F1/F3 (P1), F2, F4, F6, F7, F8 -> 6 people;
        # F5, F9, F10, F11 ended.
        got = [
            as_int(one_row(results, "people_on_cpos", FIFE, p)["numerator"]) for p in (Q1, Q2, Q3)
        ]
        assert got == [4, 10, 6]

    def test_person_with_two_orders_counted_once(self, defs, tmp_path):
        # Two orders of the same person, both open in Q2 -> 1 person; another person's -> 2.
        extract = {
            "cpos": [
                dict(
                    order_id="A",
                    council="Fife",
                    person_id="P1",
                    imposed_date="2025-07-07",
                    has_upw=N,
                ),
                dict(
                    order_id="B",
                    council="Fife",
                    person_id="P1",
                    imposed_date="2025-08-01",
                    has_upw=N,
                ),
                dict(
                    order_id="C",
                    council="Fife",
                    person_id="P2",
                    imposed_date="2025-05-01",
                    has_upw=N,
                    end_date="2025-07-01",
                    outcome="Completed",
                ),
            ]
        }
        chosen = ["people_on_cpos", "cpos_imposed"]
        out = compute_indicators(
            read_tables(tmp_path, extract, defs), defs, AS_AT, indicators=chosen
        )
        assert as_int(one_row(out, "people_on_cpos", FIFE, Q2)["numerator"]) == 2
        assert as_int(one_row(out, "cpos_imposed", FIFE, Q2)["numerator"]) == 2
        # C (1 May - Tue 1 Jul) counts in Q1 and Q2; A and B in Q3 too (still open).
        assert as_int(one_row(out, "people_on_cpos", FIFE, Q1)["numerator"]) == 1
        assert as_int(one_row(out, "people_on_cpos", FIFE, Q3)["numerator"]) == 1


def _review_order(order_id: str, imposed: str, review: str = "", **more) -> dict:
    """A Fife CPO with only what cpo_first_review needs."""
    return dict(
        order_id=order_id,
        council="Fife",
        person_id=f"P{order_id}",
        imposed_date=imposed,
        has_upw=N,
        first_review_date=review,
        **more,
    )


#: A hand-built extract whose latest complete quarter (Q2 2025/26, at the extract date Sun 5 Oct
#: 2025) is half pending when placed by the start date. First reviews are due 3 calendar months
#: after imposition.
HALF_PENDING = {
    "cpos": [
        # Q1 starts. C5 Tue 1 Apr, due Tue 1 Jul, held Mon 7 Jul: late. C6 Mon 2 Jun, due Tue 2
        # Sep, held Mon 1 Sep: met.
        _review_order("C5", "2025-04-01", "2025-07-07"),
        _review_order("C6", "2025-06-02", "2025-09-01"),
        # Q2 starts. C1 Tue 1 Jul, due Wed 1 Oct, held Mon 15 Sep: met. C2 Mon 14 Jul, due Tue 14
        # Oct, not held: pending. C3 Fri 1 Aug, due Sat 1 Nov, held Wed 20 Aug: met early. C4 Mon 1
        # Sep, due Mon 1 Dec, not held: pending.
        _review_order("C1", "2025-07-01", "2025-09-15"),
        _review_order("C2", "2025-07-14"),
        _review_order("C3", "2025-08-01", "2025-08-20"),
        _review_order("C4", "2025-09-01"),
    ]
}


@pytest.fixture(scope="module")
def half_pending(defs, tmp_path_factory):
    return read_tables(tmp_path_factory.mktemp("half"), HALF_PENDING, defs)


class TestPeriodPlacement:
    """Deadline and start bases, pending cases, the provisional flag (docs/method.md, "Period
    placement")."""

    @staticmethod
    def _on_basis(defs, basis: str):
        """The definitions with cpo_first_review placed on ``basis``."""
        review = defs.catalogue.get("cpo_first_review")
        moved = dataclasses.replace(
            review, period_basis=basis, period_date=review.start if basis == "start" else None
        )
        catalogue = Catalogue([moved], "test")
        return dataclasses.replace(defs, catalogue=catalogue)

    def test_start_basis_latest_quarter_is_provisional(self, defs, half_pending):
        out = compute_indicators(half_pending, self._on_basis(defs, "start"), AS_AT)
        q2 = one_row(out, "cpo_first_review", FIFE, Q2)
        # C1, C3 met; C2, C4 pending -> 2/2 = 100%, 2 pending: the biased figure, so provisional
        # although the quarter is complete.
        assert (as_int(q2["numerator"]), as_int(q2["denominator"]), as_int(q2["pending"])) == (
            2,
            2,
            2,
        )
        assert bool(q2["complete"]) and bool(q2["provisional"])
        q1 = one_row(out, "cpo_first_review", FIFE, Q1)
        # C6 met, C5 late -> 1/2, nothing pending: final.
        assert (as_int(q1["numerator"]), as_int(q1["denominator"])) == (1, 2)
        assert not bool(q1["provisional"])
        scot = one_row(out, "cpo_first_review", SCOTLAND, Q2, level="Scotland")
        assert as_int(scot["pending"]) == 2 and bool(scot["provisional"])

    def test_deadline_basis_complete_quarter_is_final(self, defs, half_pending):
        out = compute_indicators(half_pending, self._on_basis(defs, "deadline"), AS_AT)
        q2 = one_row(out, "cpo_first_review", FIFE, Q2)
        # Due in Q2 (Jul-Sep): C5 (1 Jul) late, C6 (2 Sep) met -> 1/2, nothing pending.
        assert (as_int(q2["numerator"]), as_int(q2["denominator"]), as_int(q2["pending"])) == (
            1,
            2,
            0,
        )
        assert bool(q2["complete"]) and not bool(q2["provisional"])
        # Due in Q3: C1 (1 Oct), C3 (1 Nov) met; C2 (14 Oct), C4 (1 Dec) pending -> 2/2, 2 pending.
        q3 = one_row(out, "cpo_first_review", FIFE, Q3)
        assert (as_int(q3["numerator"]), as_int(q3["denominator"]), as_int(q3["pending"])) == (
            2,
            2,
            2,
        )
        assert bool(q3["provisional"]) and not bool(q3["complete"])
        # Nothing fell due in Q1 (the first deadline is Tue 1 Jul): the rows start at Q2.
        assert rows_for(out, "cpo_first_review", FIFE, Q1).empty

    def test_catalogue_uses_the_deadline_basis(self, defs):
        timescales = [i for i in defs.catalogue if i.type == "timescale"]
        assert timescales and all(i.period_basis == "deadline" for i in timescales)

    def test_incomplete_period_is_provisional_for_every_type(self, results):
        # Q3 2025/26 holds the extract date: cases are still arriving.
        q3 = results[(results["period"] == Q3) & (results["frequency"] == "quarterly")]
        assert len(q3) and q3["provisional"].all()


class TestEndedBeforeDue:
    """Orders that ended before their first review fell due leave the denominator."""

    def test_reason_counted(self, defs, tmp_path):
        extract = {
            "cpos": [
                # E1 Tue 1 Jul, due Wed 1 Oct; revoked Wed 20 Aug, no review: excluded (ended).
                _review_order(
                    "E1", "2025-07-01", end_date="2025-08-20", outcome="Revoked - breach"
                ),
                # E2 Tue 1 Jul; review Fri 15 Aug, then completed early Mon 25 Aug: excluded too,
                # an early review does not make it count (no review was due).
                _review_order(
                    "E2", "2025-07-01", "2025-08-15", end_date="2025-08-25", outcome="Completed"
                ),
                # E3 Tue 1 Jul, transferred in and ended Wed 20 Aug: counted under transfer in
                # (the first reason).
                _review_order(
                    "E3", "2025-07-01", end_date="2025-08-20", outcome="Other", transfer_in=Y
                ),
                # E4 Tue 1 Jul, review Wed 1 Oct (on the due date), ended Wed 1 Oct (on, not
                # before, the due date): in, and met.
                _review_order(
                    "E4", "2025-07-01", "2025-10-01", end_date="2025-10-01", outcome="Completed"
                ),
                # E5 Wed 2 Jul, due Thu 2 Oct, no review, ended Fri 3 Oct (after the due date):
                # in, not met.
                _review_order("E5", "2025-07-02", end_date="2025-10-03", outcome="Completed"),
            ]
        }
        out = compute_indicators(
            read_tables(tmp_path, extract, defs), defs, AS_AT, indicators=["cpo_first_review"]
        )
        q3 = one_row(out, "cpo_first_review", FIFE, Q3)  # all due 1-2 Oct
        # E4 met, E5 not -> 1/2; excluded E1, E2 (ended), E3 (transfer in) = 3.
        assert (as_int(q3["numerator"]), as_int(q3["denominator"])) == (1, 2)
        assert as_int(q3["excluded"]) == 3
        assert as_int(q3["excluded_ended"]) == 2
        assert as_int(q3["excluded_transfer_in"]) == 1
        assert as_int(q3["excluded_non_compliance"]) == 0
        scot = one_row(out, "cpo_first_review", SCOTLAND, Q3, level="Scotland")
        assert as_int(scot["excluded_ended"]) == 2


class TestSnapshotBasis:
    def test_order_ending_before_last_day_is_not_in_snapshot(self, defs, tmp_path):
        # Supervision orders, all with a plan before Q2. A ends Mon 29 Sep (before Tue 30 Sep): not
        # in Q2's snapshot. B ends Tue 30 Sep: open on the last day, in. C still open, in. D still
        # open, plan only on Wed 1 Oct: in the denominator, not the numerator. -> 2/3.
        extract = {
            "cpos": [
                dict(
                    order_id="A",
                    council="Fife",
                    person_id="P1",
                    imposed_date="2025-05-01",
                    has_upw=N,
                    has_supervision=Y,
                    case_management_plan_date="2025-05-20",
                    end_date="2025-09-29",
                    outcome="Completed",
                ),
                dict(
                    order_id="B",
                    council="Fife",
                    person_id="P2",
                    imposed_date="2025-05-01",
                    has_upw=N,
                    has_supervision=Y,
                    case_management_plan_date="2025-05-20",
                    end_date="2025-09-30",
                    outcome="Completed",
                ),
                dict(
                    order_id="C",
                    council="Fife",
                    person_id="P3",
                    imposed_date="2025-05-01",
                    has_upw=N,
                    has_supervision=Y,
                    case_management_plan_date="2025-05-20",
                ),
                dict(
                    order_id="D",
                    council="Fife",
                    person_id="P4",
                    imposed_date="2025-09-01",
                    has_upw=N,
                    has_supervision=Y,
                    case_management_plan_date="2025-10-01",
                ),
            ]
        }
        chosen = ["current_orders_with_cmp"]
        out = compute_indicators(
            read_tables(tmp_path, extract, defs), defs, AS_AT, indicators=chosen
        )
        q2 = one_row(out, "current_orders_with_cmp", FIFE, Q2)
        assert (as_int(q2["numerator"]), as_int(q2["denominator"])) == (2, 3)
        # Q1 (open on Mon 30 Jun): A, B, C, all with a plan -> 3/3.
        q1 = one_row(out, "current_orders_with_cmp", FIFE, Q1)
        assert (as_int(q1["numerator"]), as_int(q1["denominator"])) == (3, 3)


class TestUpwDueDate:
    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "imposed_date": pd.to_datetime(
                    ["2025-04-01", "2025-04-01", "2025-03-10", "2025-08-31", "2025-04-01"]
                ),
                "has_upw": pd.array([True, True, True, True, False], dtype="boolean"),
                "upw_hours_ordered": pd.array([100, 101, 200, 300, None], dtype="Int64"),
                "upw_timescale_months": pd.array([None, None, 4, None, None], dtype="Int64"),
            }
        )

    def test_months_by_level_or_court(self):
        cpos = with_derived_columns({"cpos": self.frame()})["cpos"]
        # 100 hours = Level 1 (3 months); 101 = Level 2 (6); 4 months set by the court wins; no UPW
        # -> missing.
        assert cpos["upw_timescale_effective"].tolist()[:4] == [3, 6, 4, 6]
        assert pd.isna(cpos["upw_timescale_effective"].iloc[4])

    def test_due_dates(self):
        cpos = with_derived_columns({"cpos": self.frame()})["cpos"]
        # 1 Apr + 3 = 1 Jul; 1 Apr + 6 = 1 Oct; 10 Mar + 4 = 10 Jul; 31 Aug + 6 = 28 Feb 2026
        # (clipped).
        expected = pd.to_datetime(["2025-07-01", "2025-10-01", "2025-07-10", "2026-02-28"])
        assert list(cpos["upw_due_date"].iloc[:4]) == list(expected)
        assert pd.isna(cpos["upw_due_date"].iloc[4])

    def test_input_not_changed(self):
        frame = self.frame()
        with_derived_columns({"cpos": frame})
        assert "upw_due_date" not in frame.columns

    def test_engine_places_records_by_due_date(self, results):
        # Glasgow: G2 (101 hours) falls due Wed 1 Oct, so it is Q3's only record (done 15 Sep:
        # met).
        q3 = one_row(results, "upw_completed_in_time", GLASGOW, Q3)
        assert (as_int(q3["numerator"]), as_int(q3["denominator"])) == (1, 1)
        # Fife Q3: F3 due Sat 1 Nov, done 19 Sep: met. F1 (due 7 Oct), F4 (15 Oct; non-compliance
        # is not an exclusion here) and F7 (26 Dec) not done yet: pending.
        fife = one_row(results, "upw_completed_in_time", FIFE, Q3)
        assert (
            as_int(fife["numerator"]),
            as_int(fife["denominator"]),
            as_int(fife["pending"]),
        ) == (1, 1, 3)


class TestValues:
    def test_percentage_from_counts(self, results):
        row = one_row(results, "reports_by_due_date", GLASGOW, Q2)
        assert row["value"] == 87.5  # 7/8 exactly
        assert row["unit"] == "%"

    def test_average_is_mean(self, results):
        row = one_row(results, "upw_average_days_to_complete", FIFE, Q2)
        assert row["value"] == 70.5  # (49 + 92) / 2
        assert row["unit"] == "days"

    def test_average_has_its_standard_deviation(self, results):
        # upw_average_days_to_complete, Fife Q2: 49 and 92 days, mean 70.5; sample variance
        # (21.5² + 21.5²) / 1 = 924.5; sd = 30.406.
        row = one_row(results, "upw_average_days_to_complete", FIFE, Q2)
        assert row["std_dev"] == pytest.approx(math.sqrt(924.5))
        # Pooled: family group FG3 has the same two values (South Lanarkshire has no CPOs here).
        fg3 = one_row(results, "upw_average_days_to_complete", "FG3", Q2, level="family group")
        assert fg3["std_dev"] == pytest.approx(math.sqrt(924.5))
        assert (
            one_row(results, "cpos_imposed", FIFE, Q2)["std_dev"]
            != one_row(results, "cpos_imposed", FIFE, Q2)["std_dev"]
        )  # NaN: no spread for a count

    def test_count_value_is_the_count(self, results):
        row = one_row(results, "cpos_imposed", FIFE, Q2)
        assert row["value"] == 7 and pd.isna(row["denominator"]) and row["unit"] == "number"

    def test_sum_value_is_the_total(self, results):
        assert one_row(results, "upw_hours_completed", FIFE, YEAR)["value"] == 140

    def test_result_columns_and_types(self, results):
        assert list(results.columns) == [
            "level",
            "council",
            "council_name",
            "indicator",
            "title",
            "frequency",
            "period",
            "period_start",
            "period_end",
            "complete",
            "numerator",
            "denominator",
            "value",
            "std_dev",
            "unit",
            "excluded",
            "excluded_non_compliance",
            "excluded_transfer_in",
            "excluded_ended",
            "excluded_no_timescale",
            "pending",
            "provisional",
            "standard",
            "basis",
        ]
        for col in ("numerator", "denominator", "excluded", "pending", "excluded_ended"):
            assert str(results[col].dtype) == "Int64"
        assert results["provisional"].dtype == bool

    def test_non_timescales_have_nothing_excluded_or_pending(self, results, defs):
        others = {i.id for i in defs.catalogue if i.type != "timescale"}
        rows = results[results["indicator"].isin(others)]
        assert (rows["excluded"] == 0).all() and (rows["pending"] == 0).all()

    def test_title_fills_in_the_standard(self, results):
        row = one_row(results, "upw_placement", FIFE, Q2)
        assert row["title"] == "Unpaid work placements commenced within 7 working days of sentence"
        assert row["standard"] == "7 working days"

    def test_empty_extract_gives_empty_table(self, defs):
        out = compute_indicators({}, defs, AS_AT)
        assert out.empty and list(out.columns)[:3] == ["level", "council", "council_name"]


# -------------------------------------------------------------------------------------------------
# condition_mask
# -------------------------------------------------------------------------------------------------


class TestConditionMask:
    @pytest.fixture
    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "flag": pd.array([True, False, None, True], dtype="boolean"),
                "kind": pd.array(["CPO", "DTTO", None, "CPO"], dtype="string"),
                "age": pd.array([15, 16, 17, None], dtype="Int64"),
                "when": pd.to_datetime(["2025-09-30", "2025-10-01", None, "2025-06-30"]),
            }
        )

    def test_no_conditions_keeps_every_row(self, frame):
        assert condition_mask(frame, ()).tolist() == [True] * 4

    def test_is(self, frame):
        assert condition_mask(frame, (Condition("flag", "is", True),)).tolist() == [
            True,
            False,
            False,
            True,
        ]
        assert condition_mask(frame, (Condition("kind", "is", "DTTO"),)).tolist() == [
            False,
            True,
            False,
            False,
        ]

    def test_in(self, frame):
        assert condition_mask(frame, (Condition("kind", "in", ("CPO", "DTTO")),)).tolist() == [
            True,
            True,
            False,
            True,
        ]

    def test_not_in_counts_missing_as_not_in(self, frame):
        # The catalogue relies on this: {caledonian: not_in: [true]} means "no Caledonian
        # requirement", a blank flag included.
        assert condition_mask(frame, (Condition("flag", "not_in", (True,)),)).tolist() == [
            False,
            True,
            True,
            False,
        ]

    def test_between_is_inclusive_and_missing_never_meets(self, frame):
        assert condition_mask(frame, (Condition("age", "between", (16, 17)),)).tolist() == [
            False,
            True,
            True,
            False,
        ]

    def test_present(self, frame):
        assert condition_mask(frame, (Condition("when", "present", True),)).tolist() == [
            True,
            True,
            False,
            True,
        ]
        assert condition_mask(frame, (Condition("when", "present", False),)).tolist() == [
            False,
            False,
            True,
            False,
        ]

    def test_by_period_end(self, frame):
        period_end = pd.Series(pd.to_datetime(["2025-09-30"] * 4))
        # 30 Sep on the last day: yes; 1 Oct after: no; missing: no; 30 Jun: yes.
        got = condition_mask(frame, (Condition("when", "by_period_end", True),), period_end)
        assert got.tolist() == [True, False, False, True]
        got = condition_mask(frame, (Condition("when", "by_period_end", False),), period_end)
        assert got.tolist() == [False, True, True, False]

    def test_all_conditions_must_hold(self, frame):
        conditions = (
            Condition("flag", "is", True),
            Condition("kind", "is", "CPO"),
            Condition("age", "between", (15, 16)),
        )
        assert condition_mask(frame, conditions).tolist() == [True, False, False, False]

    def test_returns_numpy_bool(self, frame):
        got = condition_mask(frame, (Condition("flag", "is", True),))
        assert isinstance(got, np.ndarray) and got.dtype == bool


# -------------------------------------------------------------------------------------------------
# timescale_outcome
# -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def calendar():
    """The national calendar: Scottish bank holidays with no adjustments."""
    return council_calendar(HolidayRules(), None)


class TestTimescaleOutcome:
    def outcome(self, defs, calendar, indicator, rows, standards=None, as_at=AS_AT):
        frame = pd.DataFrame(rows)
        for col in frame.columns:
            if col.endswith("_date"):
                frame[col] = pd.to_datetime(frame[col])
            elif col in ("non_compliance", "transfer_in"):
                frame[col] = pd.array(frame[col], dtype="boolean")
            elif col == "upw_timescale_effective":
                frame[col] = pd.array(frame[col], dtype="Int64")
        ind = defs.catalogue.get(indicator)
        codes = set(frame["council"])
        standard_of = {c: (standards or {}).get(c, ind.standard) for c in codes}
        got = timescale_outcome(frame, ind, standard_of, {c: calendar for c in codes}, as_at)
        return {col: got[col].tolist() for col in ("den", "num", "excluded", "pending")}

    def test_working_day_boundaries(self, defs, calendar):
        # cpo_first_contact (1 WD). Mon 7 Jul same day: day 0 met. Fri 1 Aug -> Tue 5 Aug: day 1
        # (holiday) met. Tue 8 Jul -> Thu 10 Jul: day 2, one day late. Wed 23 Jul, none: overdue.
        # Fri 3 Oct, none: 1 day by Sun 5 Oct, pending (deadline Mon 6 Oct).
        rows = [
            dict(
                council=FIFE,
                imposed_date=s,
                first_contact_date=e,
                non_compliance=None,
                transfer_in=None,
            )
            for s, e in [
                ("2025-07-07", "2025-07-07"),
                ("2025-08-01", "2025-08-05"),
                ("2025-07-08", "2025-07-10"),
                ("2025-07-23", None),
                ("2025-10-03", None),
            ]
        ]
        got = self.outcome(defs, calendar, "cpo_first_contact", rows)
        assert got == {
            "den": [True, True, True, True, False],
            "num": [True, True, False, False, False],
            "excluded": [False] * 5,
            "pending": [False, False, False, False, True],
        }

    def test_deadline_on_the_extract_date_is_pending(self, defs, calendar):
        # Imposed Thu 2 Oct, not seen; extracted Fri 3 Oct, the deadline day itself (day 1): it has
        # not passed, the contact may still happen that day -> pending. Extracted Mon 6 Oct: passed
        # -> not met.
        rows = [
            dict(
                council=FIFE,
                imposed_date="2025-10-02",
                first_contact_date=None,
                non_compliance=None,
                transfer_in=None,
            )
        ]
        on_the_day = self.outcome(
            defs, calendar, "cpo_first_contact", rows, as_at=date(2025, 10, 3)
        )
        assert on_the_day["pending"] == [True] and on_the_day["den"] == [False]
        after = self.outcome(defs, calendar, "cpo_first_contact", rows, as_at=date(2025, 10, 6))
        assert after["pending"] == [False] and after["den"] == [True] and after["num"] == [False]

    def test_exclusions(self, defs, calendar):
        # Both flags exclude, even when the event met the standard or is still pending; a blank
        # flag does not.
        rows = [
            dict(
                council=FIFE,
                imposed_date="2025-07-07",
                first_contact_date="2025-07-07",
                non_compliance=True,
                transfer_in=None,
            ),
            dict(
                council=FIFE,
                imposed_date="2025-10-03",
                first_contact_date=None,
                non_compliance=None,
                transfer_in=True,
            ),
            dict(
                council=FIFE,
                imposed_date="2025-07-07",
                first_contact_date="2025-07-07",
                non_compliance=False,
                transfer_in=None,
            ),
        ]
        got = self.outcome(defs, calendar, "cpo_first_contact", rows)
        assert got == {
            "den": [False, False, True],
            "num": [False, False, True],
            "excluded": [True, True, False],
            "pending": [False, False, False],
        }

    def test_standard_per_council(self, defs, calendar):
        # The same record (Tue 8 Jul -> Thu 10 Jul, day 2) fails 1 working day and meets 2.
        rows = [
            dict(
                council=FIFE,
                imposed_date="2025-07-08",
                first_contact_date="2025-07-10",
                non_compliance=None,
                transfer_in=None,
            ),
            dict(
                council=SOUTH_LANARKSHIRE,
                imposed_date="2025-07-08",
                first_contact_date="2025-07-10",
                non_compliance=None,
                transfer_in=None,
            ),
        ]
        got = self.outcome(
            defs,
            calendar,
            "dtto_first_contact",
            rows,
            standards={SOUTH_LANARKSHIRE: Standard("working_days", n=2)},
        )
        assert got["num"] == [False, True] and got["den"] == [True, True]

    def test_calendar_days_standard(self, defs, calendar):
        # reports_by_due_date (0 calendar days): on the due date met, a day later not, still due
        # after the extract date pending, overdue and missing not met.
        rows = [
            dict(council=GLASGOW, due_date="2025-09-26", submitted_date="2025-09-26"),
            dict(council=GLASGOW, due_date="2025-09-26", submitted_date="2025-09-27"),
            dict(council=GLASGOW, due_date="2025-10-17", submitted_date=None),
            dict(council=GLASGOW, due_date="2025-09-26", submitted_date=None),
        ]
        got = self.outcome(defs, calendar, "reports_by_due_date", rows)
        assert got == {
            "den": [True, True, False, True],
            "num": [True, False, False, False],
            "excluded": [False] * 4,
            "pending": [False, False, True, False],
        }

    def test_per_record_months(self, defs, calendar):
        # upw_completed_in_time: months per record. 3 months from Tue 1 Apr (Tue 1 Jul): done 1 Jul
        # met, Wed 2 Jul one day late; 6 months from Mon 7 Apr (Tue 7 Oct): not done, pending on
        # Sun 5 Oct; months missing: the record cannot be judged, so it is left out of the
        # denominator and counted as excluded (never dropped).
        rows = [
            dict(
                council=GLASGOW,
                imposed_date="2025-04-01",
                upw_completed_date="2025-07-01",
                months=3,
            ),
            dict(
                council=GLASGOW,
                imposed_date="2025-04-01",
                upw_completed_date="2025-07-02",
                months=3,
            ),
            dict(council=GLASGOW, imposed_date="2025-04-07", upw_completed_date=None, months=6),
            dict(
                council=GLASGOW,
                imposed_date="2025-04-01",
                upw_completed_date="2025-07-01",
                months=None,
            ),
        ]
        for r in rows:
            r["transfer_in"] = None
            r["upw_timescale_effective"] = r.pop("months")
        got = self.outcome(defs, calendar, "upw_completed_in_time", rows)
        assert got == {
            "den": [True, True, False, False],
            "num": [True, False, False, False],
            "excluded": [False, False, False, True],
            "pending": [False, False, True, False],
        }


# -------------------------------------------------------------------------------------------------
# period_bounds
# -------------------------------------------------------------------------------------------------


class TestPeriodBounds:
    @pytest.mark.parametrize(
        "ordinal, freq, first, last",
        [
            # ordinal = financial-year start year x periods per year + (period number - 1)
            (2025 * 4 + 1, "Q", "2025-07-01", "2025-09-30"),  # Q2 2025/26
            (2024 * 4 + 3, "Q", "2025-01-01", "2025-03-31"),  # Q4 2024/25: 31 March, not 1 April
            (2025 * 4 + 0, "Q", "2025-04-01", "2025-06-30"),  # Q1 2025/26
            (2025 * 2 + 1, "H", "2025-10-01", "2026-03-31"),  # H2 2025/26
            (2025, "Y", "2025-04-01", "2026-03-31"),  # 2025/26
            (2025 * 12 + 9, "M", "2026-01-01", "2026-01-31"),  # Jan 2026 (10th month of 2025/26)
            (2023 * 12 + 10, "M", "2024-02-01", "2024-02-29"),  # Feb 2024, a leap year
            (2023 * 4 + 3, "Q", "2024-01-01", "2024-03-31"),  # Q4 2023/24 (leap February inside)
        ],
    )
    def test_one(self, ordinal, freq, first, last):
        got_first, got_last = period_bounds(np.array([ordinal]), freq)
        assert str(got_first[0]) == first and str(got_last[0]) == last

    def test_vectorised(self):
        first, last = period_bounds(np.array([8100, 8101, 8102]), "Q")
        assert first.dtype == np.dtype("datetime64[D]")
        assert [str(d) for d in first] == ["2025-04-01", "2025-07-01", "2025-10-01"]
        assert [str(d) for d in last] == ["2025-06-30", "2025-09-30", "2025-12-31"]


# -------------------------------------------------------------------------------------------------
# On the demo data: no latest-quarter bias
# -------------------------------------------------------------------------------------------------

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"


@pytest.fixture(scope="module")
def demo_timescales(defs):
    """Scotland's quarterly timescale rows computed from the demo data at its recorded extract
    date."""
    import json

    manifest = DEMO / "manifest.json"
    if not manifest.exists():
        pytest.skip("no demo data in data/demo")
    as_at = date.fromisoformat(json.loads(manifest.read_text())["extract_date"])
    extract = load_extract(DEMO, defs.councils, extract_date=as_at)
    chosen = [i.id for i in defs.catalogue if i.type == "timescale"]
    out = compute_indicators(extract.tables, defs, as_at, monthly=False, indicators=chosen)
    return out[(out["level"] == "Scotland") & (out["frequency"] == "quarterly")]


class TestDemoLatestQuarter:
    """The issue's test: the latest quarter is in line with the four before it, or provisional."""

    @staticmethod
    def _mean_of_four_before(rows: pd.DataFrame, position: int) -> float:
        before = rows.iloc[position - 4 : position]
        return float(before["value"].mean())

    def test_latest_quarter_in_line_or_provisional(self, demo_timescales):
        for indicator, rows in demo_timescales.groupby("indicator"):
            rows = rows.sort_values("period_start")
            latest = rows.iloc[-1]
            gap = abs(latest["value"] - self._mean_of_four_before(rows, len(rows) - 1))
            assert bool(latest["provisional"]) or gap <= 3, (indicator, latest["period"], gap)

    def test_latest_complete_quarter_is_final_and_in_line(self, demo_timescales):
        # On the deadline basis the last complete quarter is final (nothing pending), and within 3
        # points of the mean of the four before it, or within its own 95% Wilson interval of it
        # (the DTTO series has about 70 cases a quarter: chance alone moves it by several points).
        from jswlib.judge.status import wilson_interval

        for indicator, rows in demo_timescales.groupby("indicator"):
            rows = rows.sort_values("period_start").reset_index(drop=True)
            position = int(rows.index[rows["complete"]][-1])
            latest = rows.iloc[position]
            assert not bool(latest["provisional"]) and int(latest["pending"]) == 0, indicator
            mean = self._mean_of_four_before(rows, position)
            lower, upper = wilson_interval(int(latest["numerator"]), int(latest["denominator"]))
            in_line = abs(latest["value"] - mean) <= 3 or 100 * lower <= mean <= 100 * upper
            assert in_line, (indicator, latest["period"], latest["value"], mean)


class TestPooledWindows:
    @staticmethod
    def _series(indicator: str, nums, dens, sds=None, provisional=None) -> pd.DataFrame:
        """Hand-made quarterly result rows of one Fife series, Q1 2024/25 onwards."""
        labels = [f"Q{q} {y}" for y in ("2024/25", "2025/26", "2026/27") for q in (1, 2, 3, 4)]
        k = len(nums)
        return pd.DataFrame(
            {
                "level": "council",
                "council": FIFE,
                "indicator": indicator,
                "basis": "national",
                "frequency": "quarterly",
                "period": labels[:k],
                "period_start": pd.date_range("2024-04-01", periods=k, freq="QS-APR"),
                "numerator": pd.array(nums, dtype="Int64"),
                "denominator": pd.array(dens, dtype="Int64"),
                "std_dev": sds if sds is not None else [np.nan] * k,
                "provisional": provisional if provisional is not None else [False] * k,
            }
        )

    def test_proportion_pooled_from_counts(self, defs):
        rows = self._series(
            "cpo_first_review",
            [1, 2, 3, 4, 10, 20, 30, 40],
            [10, 10, 10, 10, 20, 40, 60, 80],
            provisional=[False] * 7 + [True],
        )
        out = pooled_windows(rows, defs.catalogue)
        last = out.iloc[-1]
        # Q1-Q4 2025/26: 100/200 = 50%; the four before: 10/40 = 25%.
        assert (last["first_period"], last["period"]) == ("Q1 2025/26", "Q4 2025/26")
        assert (int(last["numerator"]), int(last["denominator"])) == (100, 200)
        assert last["value"] == pytest.approx(50.0)
        assert (int(last["previous_numerator"]), int(last["previous_denominator"])) == (10, 40)
        assert last["previous_value"] == pytest.approx(25.0)
        assert bool(last["provisional"]) and not bool(last["previous_provisional"])
        # Windows end at Q4 2024/25 at the earliest: 5 rows; only the last has a window before.
        assert len(out) == 5 and out["previous_value"].notna().sum() == 1

    def test_average_pooled_with_its_spread(self, defs):
        # Four quarters of one value each (sd missing): 10, 20, 30, 40 -> mean 25; sample sd
        # sqrt((225 + 25 + 25 + 225) / 3) = sqrt(166.67) = 12.91.
        rows = self._series("upw_average_days_to_complete", [10, 20, 30, 40], [1, 1, 1, 1])
        last = pooled_windows(rows, defs.catalogue).iloc[-1]
        assert last["value"] == pytest.approx(25.0)
        assert last["std_dev"] == pytest.approx(math.sqrt(500 / 3))

    def test_two_quarters_with_spread(self, defs):
        # Q1: 2 values 49 and 92 (sum 141, sd sqrt(924.5)); Q2: one value 70 -> pooled mean
        # 211/3 = 70.33; squares 49² + 92² + 70² = 2401 + 8464 + 4900 = 15765; variance
        # (15765 - 211²/3) / 2 = (15765 - 14840.33) / 2 = 462.33.
        rows = self._series(
            "upw_average_days_to_complete", [141, 70], [2, 1], sds=[math.sqrt(924.5), np.nan]
        )
        last = pooled_windows(rows, defs.catalogue, n=2).iloc[-1]
        assert last["value"] == pytest.approx(211 / 3)
        assert last["std_dev"] == pytest.approx(math.sqrt((15765 - 211**2 / 3) / 2))

    def test_people_are_not_added_across_quarters(self, defs):
        rows = self._series("people_on_cpos", [5, 5, 5, 5], [None] * 4)
        assert pooled_windows(rows, defs.catalogue)["value"].isna().all()

    def test_counts_are_summed(self, defs):
        rows = self._series("cpos_imposed", [1, 2, 3, 4], [None] * 4)
        assert pooled_windows(rows, defs.catalogue).iloc[-1]["value"] == 10


class TestFirstDay:
    def test_no_period_before_the_first_reported_day(self, defs, tmp_path):
        # W1 imposed Mon 3 Mar 2025 (Q4 2024/25), still open; W2 imposed Tue 1 Apr 2025 (Q1). With
        # the reported period starting Tue 1 Apr 2025: no Q4 2024/25 rows; W1 counts as a person on
        # a CPO in Q1 (open in it) but not as a CPO imposed in Q1.
        extract = {
            "cpos": [
                dict(
                    order_id="W1",
                    council="Fife",
                    person_id="P1",
                    imposed_date="2025-03-03",
                    has_upw=N,
                ),
                dict(
                    order_id="W2",
                    council="Fife",
                    person_id="P2",
                    imposed_date="2025-04-01",
                    has_upw=N,
                ),
            ]
        }
        tables = read_tables(tmp_path, extract, defs)
        chosen = ["people_on_cpos", "cpos_imposed", "cpo_first_contact"]
        out = compute_indicators(
            tables, defs, AS_AT, indicators=chosen, first_day=date(2025, 4, 1), monthly=False
        )
        assert rows_for(out, "cpos_imposed", FIFE, Q4_PREVIOUS).empty
        assert as_int(one_row(out, "people_on_cpos", FIFE, Q1)["numerator"]) == 2
        assert as_int(one_row(out, "cpos_imposed", FIFE, Q1)["numerator"]) == 1
        # Without it the first period is the first with data.
        full = compute_indicators(tables, defs, AS_AT, indicators=chosen, monthly=False)
        assert as_int(one_row(full, "cpos_imposed", FIFE, Q4_PREVIOUS)["numerator"]) == 1
