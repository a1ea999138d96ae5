"""Tests for jswlib.present.report: parameters, every section of the quarterly report, disclosure
control.

The results come from a tiny hand-made extract written once per module (``tiny``): three councils,
nine complete quarters (Q2 2023/24 to Q2 2025/26) and an extract date of 15 October 2025, so Q3
2025/26 is in the data but not complete. Every expected number below is worked out by hand from the
counts in the fixture:

Reports to court submitted by the due date (reports_by_due_date; within / due, oldest quarter
first)

=================  ======  ======  ======  ======  ======  ======  ======  ======  ======
quarter            Q2 23   Q3 23   Q4 23   Q1 24   Q2 24   Q3 24   Q4 24   Q1 25   Q2 25
=================  ======  ======  ======  ======  ======  ======  ======  ======  ======
Glasgow City       6/10    7/10    8/10    5/10    8/10    9/10    1/8     7/8     9/10
Dundee City        6/6     6/6     6/6     6/6     6/6     6/6     5/7     0/6     3/4
South Lanarkshire  20/20   20/20   20/20   20/20   24/25   20/20   20/20   20/20   23/25
=================  ======  ======  ======  ======  ======  ======  ======  ======  ======

Glasgow and Dundee are family group 4, South Lanarkshire family group 3. Q2 2025/26: family group 4
is (9 + 3) / (10 + 4) = 12/14, Scotland 12/14 + 23/25 = 35/39. Last four quarters (Q3 2024/25 to Q2
2025/26): Glasgow 9+1+7+9 = 26 of 10+8+8+10 = 36; Dundee 6+5+0+3 = 14 of 6+7+6+4 = 23; family group
4 40/59; South Lanarkshire 20+20+20+23 = 83 of 85; Scotland 123/144.

Unpaid work completed in time (Glasgow, target 70, two-state RAG): 20 Level 1 requirements (50
hours, due 3 months after imposition) falling due in each of Q2 2024/25 (15 completed in time) and
Q2 2025/26 (13). DTTO first contact (South Lanarkshire, local standard 2 working days, national 1):
three DTTOs imposed Monday 11 August 2025, two seen on the Tuesday (1 working day), one on the
Wednesday (2 working days). CPOs imposed (Glasgow): 20 in Q1 2024/25, 20 in Q1 2025/26, 3 in Q2
2025/26. Supervision exit questionnaires (Glasgow): 2 in H1 2024/25, 6 in H1 2025/26.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from pandas.io.formats.style import Styler

from jswlib.definitions.params import ParamsError
from jswlib.definitions.periods import Period, quarter_slug
from jswlib.definitions.report_settings import ReportSettings, load_report_settings
from jswlib.judge.status import Z_95
from jswlib.present import report as rp
from jswlib.present.style import RAG_COLOURS, RAG_TEXT_COLOURS

REPO = Path(__file__).resolve().parent.parent
GC, DC, SL = "Glasgow City", "Dundee City", "South Lanarkshire"
#: A due date in each of the nine complete quarters, Q2 2023/24 to Q2 2025/26 (all weekdays).
DUE_DATES = (
    "2023-08-15",
    "2023-11-15",
    "2024-02-15",
    "2024-05-15",
    "2024-08-15",
    "2024-11-15",
    "2025-02-17",
    "2025-05-15",
    "2025-08-15",
)
#: (within, due) per quarter, as in the module docstring.
REPORTS = {
    GC: [(6, 10), (7, 10), (8, 10), (5, 10), (8, 10), (9, 10), (1, 8), (7, 8), (9, 10)],
    DC: [(6, 6)] * 6 + [(5, 7), (0, 6), (3, 4)],
    SL: [(20, 20)] * 4 + [(24, 25)] + [(20, 20)] * 3 + [(23, 25)],
}
GLASGOW_KPIS = [
    "upw_placement",
    "cpo_case_management_plan",
    "cpo_first_review",
    "upw_completed_in_time",
    "reports_by_due_date",
    "throughcare_interview",
]
COMMENTARY = "## Achievements\n\nPerformance **held** in 2025.\n\n<script>alert('x')</script>\n"


# --- The tiny extract ----------------------------------------------------------------------------


def _write(folder: Path, name: str, header: str, rows: list[tuple]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [header] + [",".join(str(v) for v in row) for row in rows]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _court_reports() -> list[tuple]:
    rows, n = [], 0
    for council, counts in REPORTS.items():
        for due, (within, total) in zip(DUE_DATES, counts, strict=True):
            d = date.fromisoformat(due)
            for k in range(total):
                n += 1
                submitted = d if k < within else d + timedelta(days=3)
                rows.append(
                    (f"R{n}", council, f"P{n}", "CJSWR", d - timedelta(days=14), d, submitted)
                )
    rows.append(rows[0])  # an exact copy: rejected as duplicate_id
    # Unknown_council
    rows.append(("R9999", "Atlantis", "P9999", "CJSWR", "2025-08-01", "2025-08-15", "2025-08-15"))
    return rows


def _cpos() -> list[tuple]:
    rows = []
    for imposed, completed, in_time in (
        ("2024-05-06", "2024-07-01", 15),
        ("2025-05-05", "2025-07-01", 13),
    ):
        for k in range(20):
            done = completed if k < in_time else ""
            rows.append(
                (f"C{len(rows)}", GC, f"Q{len(rows)}", imposed, "Y", 50, 50 if done else "", done)
            )
    for _ in range(3):
        rows.append((f"C{len(rows)}", GC, f"Q{len(rows)}", "2025-08-11", "N", "", "", ""))
    return rows


def _dttos() -> list[tuple]:
    seen = ("2025-08-12", "2025-08-12", "2025-08-13")
    return [(f"D{k}", SL, f"S{k}", "2025-08-11", when) for k, when in enumerate(seen)]


def _questionnaires() -> list[tuple]:
    received = ["2025-05-20", "2025-08-20"] * 3 + ["2024-06-10"] * 2
    return [(f"E{k}", GC, f"E{k}", "Supervision", when) for k, when in enumerate(received)]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """A repository-like folder: params/ (a copy of the real one), data/ (the tiny extract),
    outputs/."""
    root = tmp_path_factory.mktemp("report")
    data = root / "data"
    _write(
        data,
        "court_reports.csv",
        "report_id,council,person_id,report_type,requested_date,due_date,submitted_date",
        _court_reports(),
    )
    _write(
        data,
        "cpos.csv",
        "order_id,council,person_id,imposed_date,has_upw,upw_hours_ordered,upw_hours_completed,"
        "upw_completed_date",
        _cpos(),
    )
    _write(
        data, "dttos.csv", "order_id,council,person_id,imposed_date,first_contact_date", _dttos()
    )
    _write(
        data,
        "exit_questionnaires.csv",
        "questionnaire_id,council,person_id,questionnaire_type,received_date",
        _questionnaires(),
    )
    (data / "manifest.json").write_text(
        json.dumps({"extract_date": "2025-10-15"}), encoding="utf-8"
    )
    params = root / "params"
    shutil.copytree(REPO / "params", params, ignore=shutil.ignore_patterns("commentary"))
    (params / "settings.yaml").write_text(
        "data_dir: data\noutputs_dir: outputs\n", encoding="utf-8"
    )
    # Written before any results are computed: the results fingerprint covers the params folder.
    commentary = params / "commentary" / "glasgow-city" / "2025-26-Q2.md"
    commentary.parent.mkdir(parents=True)
    commentary.write_text(COMMENTARY, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def make(tiny):
    """prepare_report on the tiny extract, memoised by its arguments."""
    made: dict = {}

    def _make(council: str, **kwargs) -> rp.Report:
        key = (council, tuple(sorted(kwargs.items())))
        if key not in made:
            made[key] = rp.prepare_report(council, params=tiny / "params", **kwargs)
        return made[key]

    return _make


def _row(frame: pd.DataFrame, **where) -> pd.Series:
    """The one row of ``frame`` matching every ``column=value``."""
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    assert mask.sum() == 1, f"{mask.sum()} rows match {where}"
    return frame[mask].iloc[0]


def _comparison_headings(report) -> set[str]:
    """The comparison table's column titles for a report's three areas (from style)."""
    from jswlib.present.style import COMPARISON_HEADINGS

    group = report.defs.councils.family_groups[report.council.family_group].split(" (")[0]
    areas = (report.council.name, group, "Scotland")
    return {h.format(area=a, quarter=report.quarter) for h in COMPARISON_HEADINGS for a in areas}


def _shown(styler: Styler) -> pd.DataFrame:
    """What a Styler shows: its frame, column titles as displayed."""
    return styler.data


# --- prepare_report ------------------------------------------------------------------------------


class TestPrepareReport:
    def test_blank_quarter_is_the_latest_complete_quarter(self, make):
        # The extract date is 15 October 2025: Q3 2025/26 has rows but is not complete.
        assert make(GC).quarter == Period("Q", 2025, 2)

    def test_quarter_in_any_accepted_form(self, make):
        assert make(GC, quarter="2025-26 q1").quarter == Period("Q", 2025, 1)
        assert make(GC, quarter="2024Q3").quarter == Period("Q", 2024, 3)

    def test_council_by_alias_code_and_retired_code(self, make):
        for key in ("glasgow city", "S12000049", "S12000046", "glasgow-city"):
            assert make(key).council.name == GC

    def test_unknown_council_names_a_close_match_and_examples(self, make):
        with pytest.raises(ValueError) as err:
            make("Glasgo")
        message = str(err.value)
        assert "parameter council" in message and "'Glasgo'" in message
        assert "did you mean Glasgow City" in message
        assert "Aberdeen City" in message and "GSS code" in message

    def test_blank_council(self, make):
        with pytest.raises(ValueError, match="parameter council is blank"):
            make("  ")

    @pytest.mark.parametrize("bad", ["Q5 2025/26", "2025/27 Q1", "Q2 2025"])
    def test_malformed_quarter_quotes_it_and_the_accepted_forms(self, make, bad):
        with pytest.raises(ValueError) as err:
            make(GC, quarter=bad)
        message = str(err.value)
        assert message.startswith("parameter quarter")
        assert repr(bad) in message
        assert "'Q2 2025/26'" in message

    def test_half_year_is_not_a_quarter(self, make):
        with pytest.raises(ValueError, match="is a half-year, not a quarter"):
            make(GC, quarter="H1 2025/26")

    def test_quarter_before_the_data(self, make):
        with pytest.raises(ValueError) as err:
            make(GC, quarter="Q1 2019/20")
        message = str(err.value)
        assert "Q1 2019/20 is not in the data" in message
        assert "complete quarters in data: Q2 2023/24 to Q2 2025/26" in message

    @pytest.mark.parametrize(
        "quarter, ends", [("Q3 2025/26", "31 December 2025"), ("Q4 2025/26", "31 March 2026")]
    )
    def test_quarter_not_complete_at_the_extract_date(self, make, quarter, ends):
        with pytest.raises(ValueError) as err:
            make(GC, quarter=quarter)
        message = str(err.value)
        assert (
            f"{quarter} is not complete at the extract date 15 October 2025 (it ends {ends})"
            in message
        )
        assert "Q2 2023/24 to Q2 2025/26" in message
        assert "Leave quarter blank for the latest, Q2 2025/26" in message

    @pytest.mark.parametrize("bad", ["everyone", "", None])
    def test_unknown_audience(self, make, bad):
        with pytest.raises(
            ValueError, match="parameter audience: .* use 'internal' .* or 'public'"
        ):
            make(GC, audience=bad)

    def test_audience_ignores_case(self, make):
        assert make(GC, audience=" Public ").audience == "public"

    def test_default_commentary_path(self, make, tiny):
        assert (
            make(GC).commentary_path
            == tiny / "params" / "commentary" / "glasgow-city" / "2025-26-Q2.md"
        )
        assert make(GC, quarter="Q1 2025/26").commentary_path.name == "2025-26-Q1.md"

    def test_relative_commentary_file_is_taken_from_the_root(self, make, tiny):
        assert make(GC, commentary_file="notes/q2.md").commentary_path == tiny / "notes" / "q2.md"

    def test_data_dir_given(self, make, tiny):
        report = make(GC, data_dir=str(tiny / "data"))
        assert report.results.fingerprint == make(GC).results.fingerprint

    def test_attributes(self, make, tiny):
        report = make(GC)
        assert report.council.code == "S12000049"
        assert report.results.as_at == date(2025, 10, 15)
        assert report.results.data_dir == tiny / "data"
        assert report.audience == "internal"
        assert "reports_by_due_date" in report.defs.catalogue


class TestTitle:
    def test_title(self, make):
        assert make(GC).title() == "Justice Social Work performance: Glasgow City, Q2 2025/26"

    def test_heading_markdown(self, make):
        heading = make(SL, audience="public").heading_markdown()
        assert heading.startswith(
            "# Justice Social Work performance: South Lanarkshire, Q2 2025/26\n"
        )
        assert "suppressed" in heading and "15 October 2025" in heading

    def test_indicator_title_uses_the_councils_standard(self, make):
        assert (
            make(SL).indicator_title("dtto_first_contact")
            == "People on a DTTO seen within 2 working days"
        )
        assert (
            make(GC).indicator_title("dtto_first_contact")
            == "People on a DTTO seen within 1 working day"
        )


# --- Headline KPIs -------------------------------------------------------------------------------


class TestHeadlineIndicators:
    def test_glasgow_has_its_six_targeted_kpis_in_catalogue_order(self, make):
        assert make(GC).headline_indicators() == GLASGOW_KPIS

    def test_south_lanarkshire(self, make):
        assert make(SL).headline_indicators() == [
            "reports_by_due_date",
            "cpo_upw_first_contact",
            "dtto_first_contact",
        ]

    def test_a_council_without_own_targets_gets_the_national_defaults(self, make):
        # Dundee sets no targets: every indicator with a national default target, catalogue order.
        assert make(DC).headline_indicators() == [
            "upw_placement",
            "cpo_case_management_plan",
            "cpo_first_review",
            "upw_completed_in_time",
            "reports_by_due_date",
            "throughcare_interview",
            "cpo_upw_first_contact",
            "dtto_first_contact",
        ]

    def test_without_any_target_the_default_list(self, make):
        report = _without_national_targets(make(DC))
        assert report.headline_indicators() == [
            "upw_placement",
            "cpo_first_contact",
            "cpo_induction",
            "cpo_case_management_plan",
            "cpo_first_review",
            "upw_completed_in_time",
            "reports_by_due_date",
            "throughcare_interview",
            "dtto_first_contact",
        ]


def _without_national_targets(report):
    """The report with no national default targets (as if params/targets.yaml set none)."""
    targets = dataclasses.replace(report.defs.targets, national_targets={})
    return dataclasses.replace(report, defs=dataclasses.replace(report.defs, targets=targets))


class TestHeadlineData:
    def test_one_row_per_kpi_with_the_columns(self, make):
        data = make(GC).headline_data()
        assert data["indicator"].tolist() == GLASGOW_KPIS
        assert list(data.columns) == list(rp.HEADLINE_COLUMNS)
        assert (data["period"] == "Q2 2025/26").all()

    def test_glasgow_reports_green_and_improved(self, make):
        row = _row(make(GC).headline_data(), indicator="reports_by_due_date")
        # 9 of 10 = 90% against 80: Green. Q2 2024/25 was 8 of 10 = 80%: up 10 points, but on 10
        # cases each that is chance (Newcombe: Wilson 9/10 = 0.596-0.982, 8/10 = 0.490-0.943; lower
        # limit 0.1 - sqrt(0.304² + 0.143²) = -0.236 < 0): no significant change.
        assert (row["numerator"], row["denominator"], row["value"], row["display_value"]) == (
            9,
            10,
            90.0,
            "90%",
        )
        assert (row["target"], row["rag"], row["rag_colour"]) == (
            80.0,
            "Green",
            RAG_COLOURS["Green"],
        )
        assert (row["direction"], row["direction_arrow"], row["previous_value"]) == (
            "No significant change",
            "→",
            80.0,
        )
        assert row["previous_period"] == "Q2 2024/25"
        assert bool(row["low_numbers"]) is False

    def test_glasgow_two_state_65_against_70_is_red(self, make):
        row = _row(make(GC).headline_data(), indicator="upw_completed_in_time")
        # 13 of 20 = 65% against 70: Red (two-state, no Amber). A year earlier 15 of 20 = 75%: down
        # 10 points, within chance on 20 cases each (Newcombe interval -36 to +18 points).
        assert (row["numerator"], row["denominator"], row["display_value"]) == (13, 20, "65%")
        assert (row["target"], row["rag"]) == (70.0, "Red")
        assert (row["direction"], row["direction_arrow"], row["previous_value"]) == (
            "No significant change",
            "→",
            75.0,
        )

    def test_three_state_amber_elsewhere(self, make):
        row = _row(make(SL).headline_data(), indicator="reports_by_due_date")
        # 23 of 25 = 92% against 95: 3 points short, within the 5-point amber tolerance. A year
        # earlier 24/25 = 96%: down 4 points on 25 cases, within chance.
        assert (row["value"], row["display_value"], row["target"], row["rag"]) == (
            92.0,
            "92%",
            95.0,
            "Amber",
        )
        assert (row["direction"], row["direction_arrow"], row["previous_value"]) == (
            "No significant change",
            "→",
            96.0,
        )

    def test_wilson_interval_of_9_out_of_10(self, make):
        row = _row(make(GC).headline_data(), indicator="reports_by_due_date")
        p, n, z = 0.9, 10, Z_95
        centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        assert row["ci_lower"] == pytest.approx(100 * (centre - half) / (1 + z * z / n))
        assert row["ci_upper"] == pytest.approx(100 * (centre + half) / (1 + z * z / n))

    def test_council_row_on_its_local_standard(self, make):
        row = _row(make(SL).headline_data(), indicator="dtto_first_contact")
        # All three seen within 2 working days (the national 1 working day would give 2 of 3).
        assert (row["numerator"], row["denominator"], row["display_value"], row["rag"]) == (
            3,
            3,
            "100%",
            "Green",
        )
        assert (row["basis"], row["standard"]) == ("local", "2 working days")
        assert bool(row["low_numbers"]) is True
        assert row["kpi"] == "People on a DTTO seen within 2 working days"

    def test_indicator_without_data_and_without_target(self, make):
        # No licences table
        glasgow = _row(make(GC).headline_data(), indicator="throughcare_interview")
        assert (
            glasgow["rag"] == "No data"
            and glasgow["display_value"] == "n/a"
            and pd.isna(glasgow["denominator"])
        )
        dundee = _row(make(DC).headline_data(), indicator="reports_by_due_date")
        # Dundee inherits the national default of 80% (three-state, 5 points): 75% is Amber.
        assert (dundee["display_value"], dundee["rag"], dundee["direction"]) == (
            "75%",
            "Amber",
            "No significant change",
        )
        assert (dundee["target"], dundee["target_source"]) == (80.0, "national default")
        report = _without_national_targets(make(DC))
        no_target = _row(report.headline_data(), indicator="reports_by_due_date")
        assert no_target["rag"] == "No target"


class TestHeadlineTable:
    def test_the_glasgow_form(self, make):
        shown = _shown(make(GC).headline_table())
        assert list(shown.columns) == [
            "KPI",
            "Target",
            "Actual",
            "Period",
            "RAG status",
            "Direction in last 12 months",
            "Cases",
            "Low numbers",
            "Variation (SPC)",
            "Assurance (SPC)",
        ]
        row = _row(
            shown, KPI="Criminal justice social work reports submitted to court by the due date"
        )
        assert row.tolist() == [
            "Criminal justice social work reports submitted to court by the due date",
            "80% (Glasgow City target)",
            "90%",
            "Q2 2025/26",
            "Green",
            "→ No significant change",
            "10",
            "",
            "~ Common cause variation",
            "? Target hit and miss, subject to random variation",
        ]
        row = _row(shown, KPI="Unpaid work requirements completed within timescale")
        assert (row["Actual"], row["RAG status"], row["Direction in last 12 months"]) == (
            "65%",
            "Red",
            "→ No significant change",
        )

    def test_rag_cells_are_coloured_and_carry_the_word(self, make):
        page = make(GC).headline_table().to_html()
        red_cell = re.search(r'id="(T_\w+_row3_col4)"[^>]*>([^<]*)<', page)
        assert red_cell.group(2).strip() == "Red"
        css = re.search(re.escape(red_cell.group(1)) + r"[^{]*\{([^}]*)\}", page).group(1)
        assert (
            f"background-color: {RAG_COLOURS['Red']}" in css
            and f"color: {RAG_TEXT_COLOURS['Red']}" in css
        )

    def test_no_index_and_a_caption_stating_the_scheme(self, make):
        styler = make(GC).headline_table()
        assert "row_heading" not in styler.to_html()
        assert "Green when at or better than target, otherwise Red" in styler.caption

    def test_low_numbers_mark(self, make):
        shown = _shown(make(SL).headline_table())
        assert (
            _row(shown, KPI="People on a DTTO seen within 2 working days")["Low numbers"]
            == rp.LOW_NUMBERS_TEXT
        )

    def test_public_suppresses_small_counts_and_their_percentage_rag_and_direction(self, make):
        shown = _shown(make(DC, audience="public").headline_table())
        row = _row(
            shown, KPI="Criminal justice social work reports submitted to court by the due date"
        )
        # 3 of 4: the total 4 is small.
        assert (
            row["Cases"],
            row["Actual"],
            row["RAG status"],
            row["Direction in last 12 months"],
        ) == ("[c]",) * 4

    def test_public_shows_the_rest(self, make):
        shown = _shown(make(GC, audience="public").headline_table())
        row = _row(shown, KPI="Unpaid work requirements completed within timescale")
        # 13 within, 7 not within, 20 in all: nothing small.
        assert (row["Cases"], row["Actual"], row["RAG status"]) == ("20", "65%", "Red")
        # 9 within, 1 not within. Dundee's 4 cases (hidden) would be Scotland's 39 minus South
        # Lanarkshire's 25 minus Glasgow's 10 (Scotland's and South Lanarkshire's totals are shown
        # in the comparison): Glasgow's 10, the smaller, is hidden, and with it the percentage,
        # which also protects the 1 not within.
        row = _row(
            shown, KPI="Criminal justice social work reports submitted to court by the due date"
        )
        assert (row["Cases"], row["Actual"], row["RAG status"]) == ("[c]", "[c]", "[c]")


# --- Quarter by quarter --------------------------------------------------------------------------


class TestSpc:
    # Glasgow's reports by the due date: one report due a quarter, so only 9 months have a value
    # (fewer than 12): the series is the 9 quarters. Denominators 10 and 8 (under 30): a p-chart.
    # Pooled 60 / 86 = 0.6976744; p (1 - p) = 0.2109248. n = 10: sigma = sqrt(0.02109248) =
    # 0.1452325, limits 0.6976744 -/+ 0.4356975 = 0.2619769 to 1 (clamped from 1.133); n = 8: sigma
    # = sqrt(0.0263656) = 0.1623749, lower limit 0.6976744 - 0.4871247 = 0.2105497. Q4 2024/25,
    # 1 of 8 = 0.125, is below it: special cause, concern. The latest point (9 of 10 = 0.9) is
    # common cause; the target lies within its limits: hit and miss. Nine points: trial limits.
    def test_series_falls_back_to_quarters(self, make):
        series = make(GC).spc_series("reports_by_due_date")
        assert series.attrs["frequency"] == "quarterly"
        assert series["numerator"].tolist() == [6, 7, 8, 5, 8, 9, 1, 7, 9]

    def test_p_chart_worked_by_hand(self, make):
        chart = make(GC).spc_data("reports_by_due_date")
        assert chart.attrs["chart"] == "p"
        assert chart["centre"].iloc[0] == pytest.approx(60 / 86)
        assert chart["lower"].iloc[6] == pytest.approx(0.2105497, abs=1e-6)
        assert chart["lower"].iloc[0] == pytest.approx(0.2619769, abs=1e-6)
        assert chart["point_type"].tolist()[6] == "special_cause_concern"
        assert chart["special_cause"].sum() == 1
        assert chart.attrs["short_series"]

    def test_headline_has_variation_and_assurance_in_words(self, make):
        row = _row(make(GC).headline_data(), indicator="reports_by_due_date")
        assert (row["variation"], row["variation_text"]) == (
            "common_cause",
            "~ Common cause variation",
        )
        assert row["assurance"] == "inconsistent"
        assert row["assurance_text"] == "? Target hit and miss, subject to random variation"
        export = _row(make(GC).kpi_export(), indicator="reports_by_due_date")
        assert export["variation_text"] == "~ Common cause variation"

    def test_chart_html(self, make):
        page = make(GC).spc_chart_html("reports_by_due_date")
        # drawn straight to SVG, its text alternative the accessible name and the caption
        assert page.startswith('<figure class="jsw-chart"><svg xmlns="http://www.w3.org/2000/svg"')
        assert 'role="img" aria-label="Statistical process control p-chart of Criminal' in page
        assert "<img" not in page and "base64" not in page
        assert "p-chart of Criminal justice social work reports" in page
        assert "for Glasgow City, 9 quarters" in page and "Q4 2024/25 (concern)" in page

    def test_method_notes_explain_the_words(self, make):
        notes = make(GC).method_notes()
        assert "Making Data Count" in notes and "Target consistently met" in notes


class TestQuarterlyIndicators:
    def test_glasgows_kpis_are_all_quarterly_percentages(self, make):
        assert make(GC).quarterly_indicators() == GLASGOW_KPIS


class TestQuarterlyData:
    def test_eight_quarters_ending_with_the_report_quarter_newest_last(self, make):
        data = make(GC).quarterly_data("reports_by_due_date")
        assert data["period"].tolist() == [
            "Q3 2023/24",
            "Q4 2023/24",
            "Q1 2024/25",
            "Q2 2024/25",
            "Q3 2024/25",
            "Q4 2024/25",
            "Q1 2025/26",
            "Q2 2025/26",
        ]
        assert data["denominator"].tolist() == [10, 10, 10, 10, 10, 8, 8, 10]
        assert data["numerator"].tolist() == [7, 8, 5, 8, 9, 1, 7, 9]

    def test_percentages_rounded_half_up_from_the_counts(self, make):
        data = make(GC).quarterly_data("reports_by_due_date")
        # 1/8 = 12.5% -> 13%, 7/8 = 87.5% -> 88% (halves up, not to even: 12% and 88%).
        assert data["display_value"].tolist() == [
            "70%",
            "80%",
            "50%",
            "80%",
            "90%",
            "13%",
            "88%",
            "90%",
        ]
        assert data["value"].tolist()[5:7] == [12.5, 87.5]

    def test_n_quarters_and_quarters_before_the_data(self, make):
        data = make(GC, quarter="Q3 2023/24").quarterly_data("reports_by_due_date", n=3)
        assert data["period"].tolist() == ["Q1 2023/24", "Q2 2023/24", "Q3 2023/24"]
        assert data["display_value"].tolist() == ["n/a", "60%", "70%"]
        assert pd.isna(data["denominator"].iloc[0])

    def test_target_and_low_numbers(self, make):
        data = make(GC).quarterly_data("reports_by_due_date")
        assert (data["target"] == 80).all()
        assert data["low_numbers"].tolist() == [False] * 5 + [True, True, False]

    def test_not_a_quarterly_percentage(self, make):
        with pytest.raises(ValueError, match="'cpos_imposed' is not a quarterly percentage"):
            make(GC).quarterly_data("cpos_imposed")
        with pytest.raises(ValueError, match="'no_such' is not an indicator id"):
            make(GC).quarterly_data("no_such")


class TestQuarterlyTable:
    def test_the_south_lanarkshire_form(self, make):
        shown = _shown(make(GC).quarterly_table("reports_by_due_date"))
        assert list(shown.columns) == [
            "Quarter",
            "Total cases",
            "Number within timescale",
            "% within timescale",
            "Target",
            "Low numbers",
        ]
        target = "80% (Glasgow City target)"
        assert shown.iloc[-1].tolist() == ["Q2 2025/26", "10", "9", "90%", target, ""]
        assert shown.iloc[5].tolist() == [
            "Q4 2024/25",
            "8",
            "1",
            "13%",
            target,
            rp.LOW_NUMBERS_TEXT,
        ]

    def test_public_suppression_shows_zeros(self, make):
        shown = _shown(make(DC, audience="public").quarterly_table("reports_by_due_date"))
        columns = ["Total cases", "Number within timescale", "% within timescale"]
        rows = shown[columns].values.tolist()
        # Q1 and Q2 2024/25: 6 of 6, nothing small and no sum needs them.
        assert rows[2:4] == [["6", "6", "100%"], ["6", "6", "100%"]]
        # Q2 2025/26: 3 of 4, the total itself is small.
        assert rows[7] == ["[c]", "[c]", "[c]"]
        # Q4 2024/25: 5 of 7, the 2 not within is small, so the 5 goes.
        assert rows[5][1:] == ["[c]", "[c]"]
        # Q1 2025/26: 0 of 6. Zeros are never suppressed for themselves, but this one completes
        # a sum: Scotland's 27 within (the trend chart) is South Lanarkshire's 20 + Glasgow's 7 +
        # Dundee's 0, and Glasgow's 7 of 8 (1 not within) is hidden; the 0 is the least to hide.
        assert rows[6] == ["6", "[c]", "[c]"]

    def test_public_suppression_at_glasgow(self, make):
        shown = _shown(make(GC, audience="public").quarterly_table("reports_by_due_date"))
        columns = ["Number within timescale", "% within timescale"]
        # 1 of 8 (within small), 7 of 8 (1 not within), 9 of 10 (1 not within): the number
        # within or the total goes, and the percentage with either.
        for i in (5, 6, 7):
            assert "[c]" in shown[["Total cases", "Number within timescale"]].iloc[i].tolist()
            assert shown["% within timescale"].iloc[i] == "[c]"
        # 7 of 10 and 8 of 10 go too (3 and 2 not within); 5 of 10 stays.
        assert shown[columns].iloc[:3].values.tolist() == [
            ["[c]", "[c]"],
            ["[c]", "[c]"],
            ["5", "50%"],
        ]

    def test_internal_is_not_suppressed(self, make):
        assert "[c]" not in _shown(make(DC).quarterly_table("reports_by_due_date")).to_numpy()


# --- Comparison ----------------------------------------------------------------------------------


class TestComparisonData:
    def test_pooled_from_counts_over_four_quarters(self, make):
        data = make(GC).comparison_data()
        rows = data[data["indicator"] == "reports_by_due_date"]
        assert rows["level"].tolist() == ["council", "family group", "Scotland"]
        assert rows[["numerator", "denominator", "display_value"]].values.tolist() == [
            [9, 10, "90%"],
            [12, 14, "86%"],
            [35, 39, "90%"],
        ]
        assert rows[
            ["pooled_numerator", "pooled_denominator", "pooled_display_value"]
        ].values.tolist() == [[26, 36, "72%"], [40, 59, "68%"], [123, 144, "85%"]]
        # Not the average of Glasgow's four percentages, (90 + 12.5 + 87.5 + 90) / 4 = 70.
        assert rows["pooled_value"].iloc[0] == pytest.approx(100 * 26 / 36)
        assert (rows["pooled_period"] == "Q3 2024/25 to Q2 2025/26").all()

    def test_family_group_named(self, make):
        areas = make(GC).comparison_data()["area"].unique().tolist()
        assert areas[0] == GC and areas[2] == "Scotland"
        assert areas[1].startswith("Family group 4")
        assert make(SL).comparison_data()["area"].iloc[1].startswith("Family group 3")

    def test_national_standard_for_all_three_rows_with_a_note(self, make):
        rows = make(SL).comparison_data().query("indicator == 'dtto_first_contact'")
        # National standard, 1 working day: 2 of the 3 DTTOs (the third was seen on day 2). South
        # Lanarkshire is the only council of family group 3 (and of Scotland) with DTTOs, so all
        # three rows agree.
        assert (
            rows[["numerator", "denominator", "display_value"]].values.tolist()
            == [[2, 3, "67%"]] * 3
        )
        assert rows["kpi"].iloc[0] == "People on a DTTO seen within 1 working day"
        note = rows["note"].iloc[0]
        assert (
            "national standard (1 working day)" in note
            and "own standard is 2 working days" in note
        )
        assert rows["note"].iloc[1:].tolist() == ["", ""]

    def test_no_note_without_a_local_standard(self, make):
        assert (make(GC).comparison_data()["note"] == "").all()

    def test_counts_are_not_compared(self, make):
        settings = ReportSettings(
            headline_default=("cpos_imposed",), activity=("cpos_imposed",), suppression_threshold=5
        )
        report = dataclasses.replace(_without_national_targets(make(DC)), settings=settings)
        assert report.headline_indicators() == ["cpos_imposed"]
        assert report.comparison_data().empty
        assert list(_shown(report.comparison_table()).columns) == ["KPI"]


class TestComparisonTable:
    def test_columns_and_caption(self, make):
        styler = make(GC).comparison_table()
        # One row per KPI, its name once; each area for the quarter and the last four quarters.
        assert list(_shown(styler).columns) == [
            "KPI",
            "Glasgow City, Q2 2025/26",
            "Glasgow City, last four quarters",
            "Family group 4, Q2 2025/26",
            "Family group 4, last four quarters",
            "Scotland, Q2 2025/26",
            "Scotland, last four quarters",
        ]
        assert "national standard" in styler.caption and "not ranked" in styler.caption
        shown = _shown(styler)
        assert shown["KPI"].is_unique
        row = _row(
            shown, KPI="Criminal justice social work reports submitted to court by the due date"
        )
        # Glasgow 9 of 10 = 90%; pooled 26 of 36 = 72.2%; family group 4 12 of 14 = 85.7%, 40 of
        # 59 = 67.8%; Scotland 35 of 39 = 89.7%, 123 of 144 = 85.4%.
        assert row.tolist()[1:] == [
            "90% of 10",
            "72% of 36",
            "86% of 14",
            "68% of 59",
            "90% of 39",
            "85% of 144",
        ]

    def test_public(self, make):
        shown = _shown(make(DC, audience="public").comparison_table())
        row = _row(
            shown, KPI="Criminal justice social work reports submitted to court by the due date"
        )
        # Dundee 3 of 4: the total itself is small.
        assert row["Dundee City, Q2 2025/26"] == "[c] of [c]"
        # Family group 4's 12 within minus Glasgow's 9 within would give Dundee's 3.
        assert row["Family group 4, Q2 2025/26"] == "[c] of 14"
        # Scotland, 35 of 39 (4 not within) and 123 of 144: a count for the whole country pools
        # every council and identifies no one, so it stays.
        assert row["Scotland, Q2 2025/26"] == "90% of 39"
        assert row["Scotland, last four quarters"] == "85% of 144"


# --- Counts and activity -------------------------------------------------------------------------


class TestActivityData:
    def test_six_monthly_indicators_at_q2_but_not_q1(self, make):
        assert "supervision_questionnaires" in make(GC).activity_data()["indicator"].tolist()
        assert (
            "supervision_questionnaires"
            not in make(GC, quarter="Q1 2025/26").activity_data()["indicator"].tolist()
        )

    def test_annual_indicators_only_at_q4(self, make):
        assert "upw_hours_completed" not in make(GC).activity_data()["indicator"].tolist()
        assert (
            "upw_hours_completed"
            in make(GC, quarter="Q4 2024/25").activity_data()["indicator"].tolist()
        )
        row = _row(make(GC, quarter="Q4 2024/25").activity_data(), indicator="upw_hours_completed")
        # 15 requirements of 50 hours completed on 1 July 2024.
        assert (row["period"], row["value"], row["display_value"]) == ("2024/25", 750.0, "750")

    def test_half_year_figures(self, make):
        row = _row(make(GC).activity_data(), indicator="supervision_questionnaires")
        assert (row["period"], row["value"], row["previous_period"], row["previous_value"]) == (
            "H1 2025/26",
            6.0,
            "H1 2024/25",
            2.0,
        )
        assert (row["ytd_period"], row["ytd_value"]) == ("H1 2025/26", 6.0)

    def test_quarter_year_earlier_and_year_to_date(self, make):
        row = _row(make(GC).activity_data(), indicator="cpos_imposed")
        assert (row["value"], row["previous_value"], row["ytd_value"]) == (3.0, 0.0, 23.0)
        # 3 against 0: given the total of 3, P(all 3 in one quarter) = 2 x (1/2)^3 = 0.25, not
        # significant.
        assert (row["ytd_period"], row["direction"], row["direction_arrow"]) == (
            "Q1 to Q2 2025/26",
            "No significant change",
            "→",
        )
        assert row["p_value"] == pytest.approx(0.25)
        row = _row(make(GC, quarter="Q1 2025/26").activity_data(), indicator="cpos_imposed")
        assert (row["value"], row["previous_value"], row["ytd_value"]) == (20.0, 20.0, 20.0)
        assert row["ytd_period"] == "Q1 2025/26"
        assert row["direction"] == "No significant change"

    def test_people_are_not_added_up(self, make):
        row = _row(make(GC).activity_data(), indicator="people_on_cpos")
        assert pd.isna(row["ytd_value"]) and row["ytd_display_value"] == "n/a"

    def test_average_pools_sums_and_counts(self, make):
        row = _row(make(GC).activity_data(), indicator="upw_average_days_to_complete")
        # 13 requirements imposed 5 May 2025 and completed 1 July 2025: 57 days each.
        assert (row["numerator"], row["denominator"], row["value"], row["display_value"]) == (
            741,
            13,
            57.0,
            "57.0",
        )


class TestActivityTable:
    def test_columns(self, make):
        assert list(_shown(make(GC).activity_table()).columns) == [
            "Indicator",
            "Unit",
            "Period",
            "Value",
            "Same period a year earlier",
            "Change",
            "Financial year to date",
            "Year to date covers",
        ]

    def test_public_suppression(self, make):
        shown = _shown(make(GC, audience="public").activity_table())
        row = _row(shown, Indicator="Community payback orders imposed")
        # 3 this quarter (small, so the year to date, 23, would reveal it too); 0 a year earlier is
        # shown.
        assert row[
            ["Value", "Same period a year earlier", "Change", "Financial year to date"]
        ].tolist() == ["[c]", "0", "[c]", "[c]"]
        row = _row(shown, Indicator="Supervision exit questionnaires received")
        assert row[["Value", "Same period a year earlier", "Financial year to date"]].tolist() == [
            "6",
            "[c]",
            "6",
        ]


# --- Data quality --------------------------------------------------------------------------------


class TestDataQualityHtml:
    def test_public_names_no_national_count(self, make):
        page = make(SL, audience="public").data_quality_html()
        # The whole extract's counts (331 reports read...) are every council's, not South
        # Lanarkshire's: the public report says where they are instead.
        assert "<table" not in page and "national overview" in page and "331" not in page

    def test_internal_shows_the_table(self, make):
        page = make(GC).data_quality_html()
        assert "<table" in page and "every council" in page


class TestDataQuality:
    def test_rows_per_table_and_totals(self, make):
        data = make(GC).data_quality_data()
        reports = _row(data, table="court_reports")
        # 329 reports in the table above, plus an exact copy and one for an unknown council.
        assert reports[["rows_read", "rows_used", "rows_rejected"]].tolist() == [331, 329, 2]
        assert reports["title"] == "Reports to court"
        totals = data.iloc[-1]
        # 331 reports + 43 CPOs + 3 DTTOs + 8 questionnaires.
        assert (
            totals["title"],
            totals["rows_read"],
            totals["rows_used"],
            totals["rows_rejected"],
        ) == ("All tables", 385, 383, 2)

    def test_main_reasons_in_words(self, make):
        reasons = _row(make(GC).data_quality_data(), table="court_reports")["main_reasons"]
        assert "not a council name, alias or GSS code (1 row)" in reasons
        assert "record identifier used more than once (1 row)" in reasons

    def test_public_gets_the_totals_line_only(self, make):
        data = make(GC, audience="public").data_quality_data()
        assert data["title"].tolist() == ["All tables"]
        shown = _shown(make(GC, audience="public").data_quality_table())
        assert list(shown.columns) == ["Table", "Rows read", "Rows used", "Rows rejected"]
        assert shown.iloc[0].tolist() == ["All tables", "385", "383", "[c]"]

    def test_internal_table(self, make):
        shown = _shown(make(GC).data_quality_table())
        assert list(shown.columns) == [
            "Table",
            "Status",
            "Rows read",
            "Rows used",
            "Rows rejected",
            "Main reasons for rejection",
        ]
        assert _row(shown, Table="CPO reviews")["Status"] == "not supplied"


# --- Commentary ----------------------------------------------------------------------------------


class TestCommentaryHtml:
    def test_markdown_rendered_and_raw_html_escaped(self, make):
        page = make(GC).commentary_html()
        assert "<h3>Achievements</h3>" in page and "<strong>held</strong>" in page
        assert "<script>" not in page
        assert "&lt;script&gt;" in page

    def test_missing_commentary_gives_a_visible_note(self, make):
        assert make(DC).commentary_html() == (
            '<p class="jsw-note"><strong>No commentary supplied</strong> for Dundee City, '
            "Q2 2025/26: expected params/commentary/dundee-city/2025-26-Q2.md.</p>"
        )

    def test_public_note_names_no_file(self, make):
        assert make(DC, audience="public").commentary_html() == (
            '<p class="jsw-note"><strong>No commentary supplied</strong> for Dundee City, Q2 2025/26.</p>'
        )


class TestCommentarySections:
    def test_standard_sections_first_then_the_others(self, make, tiny):
        # The file holds, in this order: a comment, a preamble, "Future plans", "Strategic
        # priorities" and "Achievements"; no areas for improvement.
        (tiny / "notes").mkdir(exist_ok=True)
        (tiny / "notes" / "sections.md").write_text(
            "<!-- authoring note -->\nIntro.\n\n## Future plans\n\n- Plan.\n\n"
            "## Strategic priorities\n\n- Priority.\n\n## Achievements\n\n- Done.\n",
            encoding="utf-8",
        )
        report = make(GC, commentary_file="notes/sections.md")
        assert report.commentary_sections() == [
            ("", "Intro."),
            ("Achievements", "- Done."),
            ("Areas for improvement", ""),
            ("Priorities", "- Priority."),
            ("Future plans", "- Plan."),
        ]
        page = report.commentary_html()
        assert "authoring note" not in page
        assert "<h3>Areas for improvement</h3><p>None supplied for this quarter.</p>" in page


class TestReadCommentary:
    def test_missing_file(self, tmp_path):
        assert rp.read_commentary(tmp_path / "none.md") is None

    def test_text(self, tmp_path):
        (tmp_path / "c.md").write_text("Hello – world", encoding="utf-8")
        assert rp.read_commentary(tmp_path / "c.md") == "Hello – world"


class TestCommentaryFileName:
    def test_names(self):
        assert quarter_slug(Period("Q", 2025, 2)) + ".md" == "2025-26-Q2.md"
        assert quarter_slug(Period("Q", 1999, 4)) + ".md" == "1999-00-Q4.md"


# --- Definitions and method ----------------------------------------------------------------------


class TestDefinitions:
    def test_headline_and_activity_indicators(self, make):
        report = make(GC)
        data = report.definitions_data()
        assert (
            data["indicator"].tolist()
            == report.headline_indicators() + report.activity_indicators()
        )
        row = _row(data, indicator="upw_placement")
        assert row["standard"] == "7 working days" and row["target"] == 80
        assert "Glasgow City JSW performance update" in row["sources"]
        assert row["definition"].startswith("CPOs with an unpaid work requirement")

    def test_local_standard_stated(self, make):
        row = _row(make(SL).definitions_data(), indicator="dtto_first_contact")
        assert row["standard"] == "2 working days (local standard; national: 1 working day)"

    def test_table(self, make):
        assert list(_shown(make(GC).definitions_table()).columns) == [
            "Indicator",
            "Definition",
            "Standard",
            "Frequency",
            "Source documents",
        ]


class TestMethodNotes:
    def test_conventions_are_stated(self, make):
        notes = make(GC).method_notes()
        for phrase in (
            "day 0",
            "Easter Monday is not",
            "substitute days",
            "Green",
            "Red",
            "two-state",
            "Q2 2024/25",
            "Newcombe",
            "statistically significant at 95%",
            "national default",
            "deadline falls in",
            "ended before the deadline",
            "(provisional)",
            "all orders that ended",
            "fewer than 10 cases",
            "Wilson",
            "rounded half up",
            "did not comply",
            "transferred in",
            "pending",
            "not ranked",
            "15 October 2025",
        ):
            assert phrase in notes, phrase
        assert make(GC).results.fingerprint in notes
        # Plain words for readers: no folder, file or fingerprint in a public report
        public = make(GC, audience="public").method_notes()
        assert make(GC).results.fingerprint not in public
        assert "`" not in public and ".yaml" not in public

    def test_three_state_scheme_words(self, make):
        assert "Amber when worse by 5 percentage points or less" in make(SL).method_notes()

    def test_local_standards_unverified(self, make):
        notes = make(SL).method_notes()
        assert "unverified as national rules" in notes
        assert (
            "People on a DTTO seen within 2 working days (national standard: 1 working day)"
            in notes
        )

    def test_disclosure_control_by_audience(self, make):
        assert "[c]" in make(GC, audience="public").method_notes()
        assert "do not publish" in make(GC).method_notes()


# --- Export --------------------------------------------------------------------------------------


class TestKpiExport:
    def test_plain_columns(self, make):
        export = make(GC).kpi_export()
        assert export["indicator"].tolist() == GLASGOW_KPIS
        row = _row(export, indicator="reports_by_due_date")
        assert (
            row["council"],
            row["council_code"],
            row["numerator"],
            row["denominator"],
            row["rag"],
        ) == (GC, "S12000049", 9, 10, "Green")

    def test_public_suppressed(self, make):
        row = _row(make(DC, audience="public").kpi_export(), indicator="reports_by_due_date")
        assert (
            row[["numerator", "denominator", "value", "display_value", "rag", "ci_lower"]].tolist()
            == ["[c]"] * 6
        )
        # A year earlier 6 of 6: nothing small.
        assert row["previous_value"] == 100.0


# --- Settings, labels and person data ------------------------------------------------------------


class TestLoadReportSettings:
    def test_the_real_file(self):
        settings = load_report_settings(REPO / "params")
        assert settings.suppression_threshold == 5
        assert (
            settings.headline_default[0] == "upw_placement" and len(settings.headline_default) == 9
        )
        assert "cpos_imposed" in settings.activity

    @pytest.mark.parametrize(
        "text, message",
        [
            (
                "headline_default: [nope]\nactivity: [cpos_imposed]\nsuppression_threshold: 5\n",
                r"headline_default\[0\]: 'nope' is not an indicator id",
            ),
            (
                "headline_default: [upw_placement]\nactivity: "
                "[upw_placement]\nsuppression_threshold: 5\n",
                r"activity\[0\]: 'upw_placement' is a timescale indicator",
            ),
            (
                "headline_default: [upw_placement]\nactivity: "
                "[cpos_imposed]\nsuppression_threshold: 0\n",
                "suppression_threshold: expected a whole number of at least 1",
            ),
            (
                "headline_default: []\nactivity: [cpos_imposed]\nsuppression_threshold: 5\n",
                "headline_default: expected a list",
            ),
        ],
    )
    def test_errors_name_the_file_and_key(self, tmp_path, text, message):
        params = tmp_path / "params"
        shutil.copytree(REPO / "params", params, ignore=shutil.ignore_patterns("commentary"))
        (params / "report.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(ParamsError, match=message) as err:
            load_report_settings(params)
        assert "report.yaml" in str(err.value)


def _all_outputs(report: rp.Report) -> list[pd.DataFrame]:
    frames = [
        report.headline_data(),
        report.comparison_data(),
        report.activity_data(),
        report.data_quality_data(),
        report.definitions_data(),
        report.kpi_export(),
    ]
    frames += [report.quarterly_data(i) for i in report.quarterly_indicators()]
    stylers = [
        report.headline_table(),
        report.comparison_table(),
        report.activity_table(),
        report.data_quality_table(),
        report.definitions_table(),
    ]
    stylers += [report.quarterly_table(i) for i in report.quarterly_indicators()]
    return frames + [s.data for s in stylers]


class TestOutputs:
    @pytest.mark.parametrize(
        "council, audience", [(GC, "internal"), (DC, "public"), (SL, "public")]
    )
    def test_no_person_identifier_anywhere(self, make, council, audience):
        report = make(council, audience=audience)
        for frame in _all_outputs(report):
            assert not any("person" in str(c).lower() for c in frame.columns), list(frame.columns)
        text = report.method_notes() + report.commentary_html()
        assert not re.search(r"\bP\d+\b", text)  # the fixture's person identifiers

    def test_column_titles_come_from_labels(self, make):
        report = make(SL, audience="public")
        stylers = (
            report.headline_table(),
            report.quarterly_table("reports_by_due_date"),
            report.comparison_table(),
            report.activity_table(),
            report.data_quality_table(),
            report.definitions_table(),
        )
        for styler in stylers:
            assert set(styler.data.columns) <= set(rp.LABELS.values()) | _comparison_headings(
                report
            )


# --- Faults and bad input (issue 9) --------------------------------------------------------------


class TestCommentaryFaults:
    def test_non_utf8_commentary_names_the_file_and_line(self, tmp_path):
        from jswlib.core.errors import InputError
        from jswlib.present.report import read_commentary

        path = tmp_path / "2025-26-Q2.md"
        path.write_bytes("Line one\nCaf\u00e9 opened\n".encode("cp1252"))
        with pytest.raises(InputError, match=r"2025-26-Q2.md: line 2: not UTF-8"):
            read_commentary(path)

    def test_a_remote_image_is_never_an_img(self):
        from jswlib.present.report import render_commentary

        page = render_commentary("![x](//cdn.example/a.png) ![y](https://cdn.example/b.png)")
        assert "<img" not in page and page.count("[image not loaded:") == 2


# --- provisional figures -------------------------------------------------------------------------


def _with_provisional(report, indicator: str, period: str, pending: int):
    """The report with one of its council's rows marked provisional, ``pending`` cases still open.

    Complete quarters are final on the deadline basis, so the tiny extract has no provisional
    report quarter; the flag is set by hand to check how every output labels one.
    """
    table = report.results.table.copy()
    rows = (
        (table["council"] == report.council.code)
        & (table["indicator"] == indicator)
        & (table["period"] == period)
    )
    table.loc[rows, "provisional"] = True
    table.loc[rows, "pending"] = pending
    results = dataclasses.replace(report.results, table=table)
    return dataclasses.replace(report, results=results)


class TestProvisionalFigures:
    def test_headline_gets_no_rag_and_no_direction(self, make):
        report = _with_provisional(make(GC), "reports_by_due_date", "Q2 2025/26", 5)
        row = _row(report.headline_data(), indicator="reports_by_due_date")
        assert (row["rag"], row["direction"], row["direction_arrow"]) == (
            "Provisional",
            "Provisional",
            "",
        )
        assert bool(row["provisional"]) and row["pending"] == 5
        # The other KPIs are judged as before.
        other = _row(report.headline_data(), indicator="upw_completed_in_time")
        assert other["rag"] == "Red" and not bool(other["provisional"])

    def test_headline_table_labels_it_and_says_how_many_are_pending(self, make):
        report = _with_provisional(make(GC), "reports_by_due_date", "Q2 2025/26", 5)
        styler = report.headline_table()
        row = _row(
            _shown(styler),
            KPI="Criminal justice social work reports submitted to court by the due date",
        )
        assert row["Actual"] == "90% (provisional)"
        assert row["Cases"] == "10; 5 pending"
        assert row["RAG status"] == "Provisional"
        assert "5 cases are still pending" in styler.caption
        assert "no RAG status and no direction" in styler.caption

    def test_a_small_pending_count_is_suppressed_in_public(self, make):
        # 13 of 20 in time, nothing small; 3 cases still pending is a count of 1 to 4.
        report = _with_provisional(
            make(GC, audience="public"), "upw_completed_in_time", "Q2 2025/26", 3
        )
        styler = report.headline_table()
        row = _row(_shown(styler), KPI="Unpaid work requirements completed within timescale")
        assert row["Cases"] == "20; [c] pending"
        assert "3 cases" not in styler.caption

    def test_no_provisional_note_when_none_is(self, make):
        assert "(provisional)" not in make(GC).headline_table().caption

    def test_quarterly_table_chart_and_export(self, make):
        report = _with_provisional(make(GC), "reports_by_due_date", "Q2 2025/26", 5)
        shown = _shown(report.quarterly_table("reports_by_due_date"))
        assert shown.iloc[-1]["% within timescale"] == "90% (provisional)"
        assert shown.iloc[-1]["Total cases"] == "10; 5 pending"
        assert shown.iloc[-2]["% within timescale"] == "88%"  # Q1 2025/26 is final
        assert "Q2 2025/26 (provisional)" in report.trend_chart_html("reports_by_due_date")
        export = report.kpi_export().set_index("indicator")
        assert bool(export.loc["reports_by_due_date", "provisional"])
        assert export.loc["reports_by_due_date", "pending"] == 5
        assert export.loc["reports_by_due_date", "rag"] == "Provisional"
        assert export.loc["upw_completed_in_time", "target_source"] == "Glasgow City target"

    def test_comparison_marks_the_quarter_and_the_pooled_year(self, make):
        report = _with_provisional(make(GC), "reports_by_due_date", "Q2 2025/26", 5)
        shown = _shown(report.comparison_table())
        council = _row(
            shown, KPI="Criminal justice social work reports submitted to court by the due date"
        )
        assert council["Glasgow City, Q2 2025/26"].endswith("(provisional)")
        assert council["Glasgow City, last four quarters"].endswith("(provisional)")


class TestRowsByCouncil:
    def test_the_same_rows_as_a_comparison_of_every_code(self, make):
        from jswlib.present.report import _rows_of

        results = make(GC).results
        table = results.table
        for codes in (["S12000049"], ["S12000049", "S92000003"], ["nowhere"], []):
            expected = table[table["council"].isin(codes)]
            pd.testing.assert_frame_equal(_rows_of(results, codes), expected)
        # in table order, whatever the order of the codes asked for
        both = _rows_of(results, ["S92000003", "S12000049"])
        assert both.index.is_monotonic_increasing and len(both) > 0


class TestTargetText:
    def test_the_same_as_the_column_way(self):
        import random

        import numpy as np

        from jswlib.judge import status
        from jswlib.present.report import NO_TARGET_TEXT, _target_text

        def column_way(targets, units, sources):
            text = status.format_value(targets, units, missing=NO_TARGET_TEXT)
            sources = pd.Series(sources, index=text.index)
            labelled = text + " (" + sources.astype(object).fillna("").astype(str) + ")"
            return labelled.where(sources.notna() & (sources.astype(object) != ""), text)

        rng = random.Random(3)
        for _ in range(300):
            n = rng.randint(0, 9)
            values = [rng.choice([None, np.nan, 80.0, 75.5, 100, 0.0, 12.345]) for _ in range(n)]
            targets = pd.Series(values, dtype="float64", index=range(5, 5 + n))
            words = ["national default", "council", "", None, np.nan]
            sources = [rng.choice(words) for _ in range(n)]
            unit = rng.choice(["%", "days", ""])
            pd.testing.assert_series_equal(
                _target_text(targets, unit, sources), column_way(targets, unit, sources)
            )
        assert _target_text(pd.Series([80.0]), "%", ["national default"]).tolist() == [
            "80% (national default)"
        ]


@pytest.fixture(scope="module")
def demo_reports():
    """Reports on the demo data: three councils, a quarter with eight quarters of history and
    one whose table reaches back before the data start, both audiences."""
    return [
        rp.prepare_report(council, quarter, audience=audience)
        for council in ("Orkney Islands", "Glasgow City", "Fife")
        for quarter in ("Q3 2019/20", "Q1 2024/25")
        for audience in ("internal", "public")
    ]


def _own_rows_by_frame(report: rp.Report) -> pd.DataFrame:
    """The council's own-standard rows as they were cut before: its rows of the council level,
    text as Python strings, local basis rows first, one row per indicator, frequency and
    period."""
    import numpy as np

    table = report.results.table
    rows = table[table["council"] == report.council.code]
    rows = rows[rows["level"] == "council"]
    rows = rows.astype(
        {c: object for c, d in rows.dtypes.items() if isinstance(d, pd.StringDtype)}
    )
    order = rows["basis"].ne("local").to_numpy()
    return rows.iloc[np.argsort(order, kind="stable")].drop_duplicates(
        ["indicator", "frequency", "period"]
    )


def _scotland_rows(report: rp.Report, indicator: str) -> pd.DataFrame:
    """Scotland's quarterly rows of one indicator on the national standard, cut from the table
    as before."""
    table = report.results.table
    rows = table[(table["council"] == rp.SCOTLAND_CODE) & (table["frequency"] == "quarterly")]
    rows = rows[(rows["basis"] == "national") & (rows["indicator"] == indicator)]
    columns = ["indicator", "period", "numerator", "denominator", "value"]
    return rows[columns].astype({"indicator": object, "period": object})


class TestRowsByPosition:
    """The council's own-standard rows and Scotland's quarterly rows are found as positions in
    the results table and their columns taken at those positions; the reference cuts frames, as
    before."""

    def test_the_same_own_rows_as_the_frame_way(self, demo_reports, make):
        import numpy as np

        for report in [*demo_reports, make(GC), make(DC), make(SL)]:
            report = dataclasses.replace(report)  # nothing worked out yet
            expected = _own_rows_by_frame(report)
            for column in ("period", "numerator", "value", "provisional", "period_end", "unit"):
                got = report._own_column(column)
                want = expected[column]
                want = want.array if want.dtype == "Int64" else want.to_numpy()
                assert type(got) is type(want) and got.dtype == want.dtype, column
                pd.testing.assert_series_equal(pd.Series(got), pd.Series(want), obj=column)
            frame, positions = report._own_by_indicator
            pd.testing.assert_frame_equal(frame, expected)
            keys = zip(expected["frequency"].astype(str), expected["indicator"].astype(str))
            found: dict = {}
            for position, key in enumerate(keys):
                found.setdefault(key, []).append(position)
            assert positions.keys() == found.keys()
            for key, where in found.items():
                np.testing.assert_array_equal(positions[key], where)
            assert frame["basis"].eq("local").any() or report.council.name != SL

    def test_the_same_scotland_rows_as_the_frame_way(self, demo_reports):
        for report in demo_reports:
            report = dataclasses.replace(report)
            for indicator in report.quarterly_indicators():
                expected = _scotland_rows(report, indicator)
                where = report._scotland_positions[(indicator,)]
                for column in expected.columns:
                    want = expected[column]
                    want = want.array if want.dtype == "Int64" else want.to_numpy()
                    got = report._scotland_column(column)[where]
                    pd.testing.assert_series_equal(pd.Series(got), pd.Series(want), obj=column)


class TestQuarterlyDataByPosition:
    """quarterly_data picks each quarter's row by position; the reference reindexes the cut
    rows by period, as it did before."""

    @staticmethod
    def reindexed(report: rp.Report, indicator: str, n: int = 8) -> pd.DataFrame:
        from jswlib.judge import status

        labels = [p.label for p in report.quarter.last_n(n)]
        used = ["period", "denominator", "numerator", "value", "excluded", "pending"]
        rows = report._own_indicator_rows("quarterly", indicator)[[*used, "provisional"]]
        rows = rows.set_index("period").reindex(labels)
        return pd.DataFrame(
            {
                "indicator": indicator,
                "period": labels,
                "denominator": rows["denominator"].astype("Int64").array,
                "numerator": rows["numerator"].astype("Int64").array,
                "value": rows["value"].to_numpy(dtype="float64"),
                "display_value": status.format_percentage(
                    rows["numerator"], rows["denominator"]
                ).to_numpy(),
                "target": report.defs.targets.target(indicator, report.council.code),
                "target_source": report._target_source(indicator),
                "low_numbers": status.low_numbers(rows["denominator"]).to_numpy(),
                "excluded": rows["excluded"].astype("Int64").array,
                "pending": rows["pending"].astype("Int64").array,
                "provisional": rp._flag(rows["provisional"]),
            }
        )

    def test_the_same_as_the_reindexed_rows(self, demo_reports, make):
        compared = missing = 0
        for report in [*demo_reports, make(GC), make(DC), make(SL)]:
            for indicator in report.quarterly_indicators():
                for n in (8, 12):
                    expected = self.reindexed(report, indicator, n)
                    pd.testing.assert_frame_equal(report.quarterly_data(indicator, n), expected)
                    compared += 1
                    missing += int(expected["denominator"].isna().sum())
        assert compared > 50 and missing > 0  # quarters before the data start were compared

    def test_a_missing_count_or_number_at_position_minus_one(self):
        import numpy as np

        where = np.array([1, -1, 0])
        counts = rp._counts_at(pd.array([3, None], dtype="Int64"), where)
        assert counts.dtype == "Int64"
        assert [None if pd.isna(v) else v for v in counts] == [None, None, 3]
        numbers = rp._numbers_at(pd.array([2.5, None], dtype="Float64"), where)
        assert math.isnan(numbers[0]) and math.isnan(numbers[1]) and numbers[2] == 2.5


class TestTrendChartFrames:
    """The trend chart gets the frames it got when Scotland's quarters were matched through an
    index and the chart's columns cut with ``assign``."""

    @staticmethod
    def reference(report: rp.Report, indicator: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        import numpy as np

        data = report.quarterly_data(indicator)
        labels = list(data["period"])
        shown_labels = [
            f"{p} {rp.PROVISIONAL_TEXT}" if f else p
            for p, f in zip(labels, data["provisional"], strict=True)
        ]
        scotland = _scotland_rows(report, indicator)
        where = pd.Index(scotland["period"]).get_indexer(labels)

        def numbers(column: str) -> np.ndarray:
            values = scotland[column].to_numpy(dtype="float64", na_value=np.nan)
            return np.append(values, np.nan)[where]

        comparison = pd.DataFrame(
            {
                "period": labels,
                "numerator": numbers("numerator"),
                "value": numbers("value"),
                "denominator": numbers("denominator"),
            }
        )
        data = report._protected_series(report.figure_key(indicator), report.council.code, data)
        shown = report._protected_series(indicator, rp.SCOTLAND_CODE, comparison)
        return (
            data[["period", "value", "denominator"]].assign(period=shown_labels),
            shown[["period", "value", "denominator"]].assign(period=shown_labels),
        )

    def test_the_same_frames_as_the_index_way(self, demo_reports, make, monkeypatch):
        from jswlib.present import charts

        drawn: list = []
        trend_chart = charts.trend_chart

        def recording(frame, **kwargs):
            drawn.append((frame, kwargs["comparison"]))
            return trend_chart(frame, **kwargs)

        monkeypatch.setattr(charts, "trend_chart", recording)
        compared = 0
        for report in [*demo_reports, make(GC), make(DC), make(SL)]:
            for indicator in report.quarterly_indicators():
                drawn.clear()
                report.trend_chart_html(indicator)
                expected = self.reference(report, indicator)
                pd.testing.assert_frame_equal(drawn[0][0], expected[0])
                pd.testing.assert_frame_equal(drawn[0][1], expected[1])
                compared += 1
        assert compared > 50


class TestSpcSeriesOfColumns:
    """A report's SPC series comes from its own-standard columns by position; the reference cuts
    the rows from the frame and gives them to spc_series, as before."""

    def test_the_same_as_the_cut_rows(self, demo_reports, make):
        import numpy as np

        from jswlib.present.national import spc_series

        compared = set()
        for report in [*demo_reports, make(GC), make(DC), make(SL)]:
            own, positions = report._own_by_indicator
            for indicator in report.headline_indicators():
                if report.public:  # the quarterly rows, their suppressed points made missing
                    rows = report._own_indicator_rows("quarterly", indicator)
                    series = spc_series(rows, report.quarter.end)
                    key, code = report.figure_key(indicator), report.council.code
                    expected = report._protected_series(key, code, series)
                    left_out = report._left_out(series, expected)
                    expected.attrs.update(series.attrs, left_out=left_out)
                    compared.add("public")
                else:
                    found = [positions.get((f, indicator)) for f in ("monthly", "quarterly")]
                    found = [p for p in found if p is not None]
                    rows = own.iloc[np.concatenate(found)] if found else own.iloc[0:0]
                    expected = spc_series(rows, report.quarter.end)
                got = report.spc_series(indicator)
                pd.testing.assert_frame_equal(got, expected)
                assert got.attrs == expected.attrs
                compared.add(got.attrs["frequency"])
        assert compared == {"monthly", "quarterly", "public"}

    def test_set_missing_as_loc(self):
        import numpy as np

        rng = np.random.default_rng(7)
        for _ in range(200):
            n = int(rng.integers(1, 9))
            frame = pd.DataFrame(
                {
                    "period": [f"Q{i}" for i in range(n)],
                    "numerator": pd.array(rng.integers(0, 9, n), dtype="Int64"),
                    "value": rng.random(n),
                    "denominator": rng.random(n).round(1),
                    "text": pd.Series(["a"] * n, dtype=object),
                }
            )
            frame.loc[rng.random(n) < 0.2, "numerator"] = pd.NA
            mask = rng.random(n) < 0.5
            columns = list(rng.choice(["numerator", "value", "denominator", "text"], 2, False))
            expected, got = frame.copy(), frame.copy()
            expected.loc[mask, columns] = np.nan
            rp._set_missing(got, mask, columns)
            pd.testing.assert_frame_equal(got, expected)


class TestFiguresFileByPosition:
    """The figures file's KPI and trend-chart rows come from the own-standard and Scotland
    columns by position; the reference finds them through a period index and ``isin``, as
    before."""

    @staticmethod
    def reference(report: rp.Report) -> pd.DataFrame:
        import numpy as np

        from jswlib.judge import status

        rows: list[tuple] = []
        code, quarter = report.council.code, report.quarter

        def add(section, ind_id, key, area, period, measure, value):
            shown = report.figure(key, area, period, measure, value)
            if not isinstance(shown, str) and pd.notna(shown):
                digits = 1 if measure == rp.PERCENTAGE else 0
                shown = float(status.round_half_up(float(shown), digits))
                shown = int(shown) if digits == 0 else shown
            elif not isinstance(shown, str):
                shown = ""
            rows.append((section, report.indicator_title(ind_id), report._area_name(area),
                         period, measure, shown))  # fmt: skip

        def proportion(section, ind_id, key, area, period, values):
            num, den = values
            add(section, ind_id, key, area, period, rp.NUMERATOR, num)
            add(section, ind_id, key, area, period, rp.DENOMINATOR, den)
            pct = status.percentage(num, den) if pd.notna(num) and pd.notna(den) else np.nan
            add(section, ind_id, key, area, period, rp.PERCENTAGE, pct)

        section = "Key performance indicators"
        for ind_id in report.headline_indicators():
            key = report.figure_key(ind_id)
            own = report._own_indicator_rows("quarterly", ind_id).set_index("period")
            for period in (quarter.label, quarter.year_earlier().label):
                row = own.loc[period] if period in own.index else None
                values = (
                    (row["numerator"], row["denominator"]) if row is not None else (np.nan,) * 2
                )
                proportion(section, ind_id, key, code, period, values)
            target = report.defs.targets.target(ind_id, code)
            if target is not None:
                rows.append((section, report.indicator_title(ind_id), report.council.name,
                             quarter.label, "target", target))  # fmt: skip
        for ind_id in report.quarterly_indicators():
            scotland = _scotland_rows(report, ind_id)
            periods = list(report.quarterly_data(ind_id)["period"])
            scotland = scotland[scotland["period"].isin(periods)]
            for period, num, den in zip(
                scotland["period"], scotland["numerator"], scotland["denominator"]
            ):
                proportion("Trend chart", ind_id, ind_id, rp.SCOTLAND_CODE, period, (num, den))
        columns = ["section", "indicator", "area", "period", "measure", "value"]
        return pd.DataFrame(rows, columns=columns, dtype=object)

    def test_the_same_rows_as_the_index_way(self, demo_reports, make):
        for report in [*demo_reports, make(GC), make(DC), make(SL)]:
            got = report.figures_file()
            got = got[got["section"].isin(["Key performance indicators", "Trend chart"])]
            expected = self.reference(report)
            assert len(expected) > 20
            # the file's value column is numbers, or objects where "" or a symbol is among them
            assert list(got.itertuples(index=False)) == list(expected.itertuples(index=False))


class TestComparisonByKey:
    """The comparison reads each area's quarterly national rows by key; pandas' grouping (the way
    it took before, still taken when a key has two rows) gives the same frame."""

    def test_the_same_frame_as_the_grouping(self, demo_reports, make, monkeypatch):
        reports = [*demo_reports, make(GC), make(DC), make(SL)]
        by_key = [dataclasses.replace(r).comparison_data() for r in reports]
        monkeypatch.setattr(rp, "_national_quarterly_rows", lambda results, code: None)
        for report, got in zip(reports, by_key, strict=True):
            grouped = dataclasses.replace(report).comparison_data()
            pd.testing.assert_frame_equal(got, grouped)
            assert len(got) >= 3

    def test_two_rows_of_a_key_give_none(self, make):
        report = make(GC)
        results, code = report.results, report.council.code
        found = rp._national_quarterly_rows(results, code)
        assert found and ("reports_by_due_date", "Q2 2025/26") in found
        position = found[("reports_by_due_date", "Q2 2025/26")]
        table = results.table
        doubled = dataclasses.replace(
            results, table=pd.concat([table, table.iloc[[position]]], ignore_index=True)
        )
        assert rp._national_quarterly_rows(doubled, code) is None
        assert rp._national_quarterly_rows(doubled, rp.SCOTLAND_CODE) is not None


class TestOwnQuarter:
    """The headline's two quarters are read by position; the reference cuts the quarter's rows,
    indexes them by indicator and reindexes them to the headline's ids, as before."""

    @staticmethod
    def reindexed(report: rp.Report, period: str, ids: list[str]) -> dict:
        own, _ = report._own_by_indicator
        rows = own[own["frequency"] == "quarterly"]
        at = rows[rows["period"] == period].set_index("indicator").reindex(ids)
        return {
            "numerator": at["numerator"].astype("Int64").array,
            "denominator": at["denominator"].astype("Int64").array,
            "pending": at["pending"].astype("Int64").array,
            "value": at["value"].to_numpy(dtype="float64"),
            "std_dev": at["std_dev"].to_numpy(dtype="float64"),
            "provisional": rp._flag(at["provisional"]),
        }

    def test_the_same_values_as_the_reindexed_rows(self, demo_reports, make):
        columns = ["numerator", "denominator", "pending", "value", "std_dev", "provisional"]
        missing = 0
        for report in [*demo_reports, make(GC), make(DC), make(SL)]:
            ids = [*report.headline_indicators(), "no_such_indicator"]
            for quarter in (report.quarter, report.quarter.year_earlier()):
                got = report._own_quarter(quarter.label, ids, columns)
                expected = self.reindexed(report, quarter.label, ids)
                for column in columns:
                    pd.testing.assert_series_equal(
                        pd.Series(got[column]), pd.Series(expected[column]), obj=column
                    )
                missing += int(pd.isna(expected["numerator"]).sum())
        assert missing >= 2 * len(demo_reports)  # the year before the data start, and no_such


class TestActivityByPosition:
    """Counts and activity read the indicator's own-standard rows by position; the reference
    cuts them as a frame and sums the year to date with pandas, as before."""

    @staticmethod
    def reference(report: rp.Report, ind) -> dict:
        period = report._activity_period(ind)
        own = report._own_indicator_rows(ind.frequency, ind.id)
        first: dict = {}
        for position, label in enumerate(own["period"].to_numpy(dtype=object)):
            first.setdefault(label, position)
        now, before = first.get(period.label), first.get(period.year_earlier().label)

        def pick(position, column):
            return pd.NA if position is None else own[column].array[position]

        out = {}
        for prefix, at in (("", now), ("previous_", before)):
            for column in ("numerator", "denominator", "std_dev"):
                out[prefix + column] = pick(at, column)
            out[prefix + "provisional"] = (
                bool(pick(at, "provisional")) if at is not None else False
            )
        if ind.frequency != "annual" and ind.basis == "events" and ind.type in ("count", "sum",
                                                                                  "average"):  # fmt: skip
            parts = [p for p in period.financial_year.subperiods(rp.FREQUENCY_CODES[ind.frequency])
                     if p <= period]  # fmt: skip
            chosen = own["period"].isin([p.label for p in parts]).to_numpy()
            out["ytd_numerator"] = own["numerator"][chosen].sum(min_count=1)
            if ind.type != "count":
                out["ytd_denominator"] = own["denominator"][chosen].sum(min_count=1)
        return out

    def test_the_same_values_as_the_cut_rows(self, demo_reports, make):
        import numpy as np

        quarters = ("Q4 2023/24", "Q2 2024/25")
        reports = [*demo_reports, *(rp.prepare_report("Fife", q) for q in quarters), make(GC)]
        ytd = 0
        for report in reports:
            for ind_id in report.activity_indicators():
                ind = report.defs.catalogue.get(ind_id)
                got = report._activity_row(ind)
                for column, expected in self.reference(report, ind).items():
                    value = got[column]
                    assert type(value) is type(expected), (ind_id, column)
                    assert (
                        value is expected
                        or value == expected
                        or (isinstance(value, float) and np.isnan(value) and np.isnan(expected))
                    ), (report.council.name, report.quarter, ind_id, column)
                    ytd += column.startswith("ytd")
        assert ytd > 20


class TestRecordsOfSomeColumns:
    def test_the_same_values_as_every_column_s_records(self, demo_reports):
        compared = 0
        for report in demo_reports:
            for frame in (
                report.headline_data(),
                report.comparison_data(),
                report.activity_data(),
            ):
                wanted = [*frame.columns[::3], "no_such_column"]
                whole = frame.to_dict("records")
                got = rp._records(frame, wanted)
                assert len(got) == len(whole)
                for row, full in zip(got, whole, strict=True):
                    assert list(row) == [c for c in wanted if c in frame.columns]
                    for column, value in row.items():
                        same = full[column]
                        assert type(value) is type(same)
                        assert value is same or value == same or (value != value and same != same)
                        compared += 1
        assert compared > 500


def _frames_shown(monkeypatch) -> list:
    """The frames handed to ``_styled`` (each table's display frame), recorded as tables are
    made."""
    shown: list = []
    styled = rp._styled

    def recording(frame, caption, rag_column=None):
        shown.append(frame)
        return styled(frame, caption, rag_column)

    monkeypatch.setattr(rp, "_styled", recording)
    return shown


class TestQuarterlyTableTexts:
    """The quarter-by-quarter table's texts are made from lists; the reference makes them with
    the column helpers, as before."""

    @staticmethod
    def reference(report: rp.Report, indicator: str) -> pd.DataFrame:
        data = report.quarterly_data(indicator)
        unit = report.defs.catalogue.get(indicator).unit
        cases, within = data["denominator"], data["numerator"]
        percent = data["display_value"]
        if report.public:
            cases, within = list(cases.astype(object)), list(within.astype(object))
            percent = list(percent.astype(object))
            symbol, key = report.settings.suppression_symbol, report.figure_key(indicator)
            code = report.council.code
            for i, (period, num, den, value) in enumerate(
                zip(data["period"], data["numerator"], data["denominator"], data["value"])
            ):
                if report._hidden(key, code, period, rp.PERCENTAGE, value):
                    percent[i] = symbol
                if report._hidden(key, code, period, rp.NUMERATOR, num):
                    within[i] = symbol
                if report._hidden(key, code, period, rp.DENOMINATOR, den):
                    cases[i] = symbol
            cases, within, percent = (
                pd.Series(v, index=data.index, dtype=object) for v in (cases, within, percent)
            )
        return pd.DataFrame(
            {
                "quarter": data["period"],
                "total_cases": rp._cases_text(cases, data["pending"]),
                "within": rp._text(within),
                "percent_within": rp._marked(percent, data["provisional"]),
                "target": rp._target_text(
                    data["target"].astype("float64"), unit, data["target_source"]
                ),
                "low_numbers": rp._low_numbers_text(data["low_numbers"]),
            }
        )

    def test_the_same_frame_as_the_column_helpers(self, demo_reports, make, monkeypatch):
        shown = _frames_shown(monkeypatch)
        suppressed = 0
        reports = [*demo_reports, make(GC), make(DC), make(SL), make(GC, audience="public")]
        for report in reports:
            for indicator in report.quarterly_indicators():
                shown.clear()
                report.quarterly_table(indicator)
                expected = self.reference(report, indicator)
                pd.testing.assert_frame_equal(shown[0], expected)
                suppressed += int(expected.isin([rp.SUPPRESSED]).to_numpy().sum())
        assert suppressed > 0

    def test_low_numbers_texts_as_the_column_way(self):
        flags = pd.Series([True, False, pd.NA, None, float("nan"), True], dtype=object)
        expected = rp._low_numbers_text(flags).tolist()
        assert rp._low_numbers_texts(flags.tolist()) == expected
        assert expected == [rp.LOW_NUMBERS_TEXT, "", "", "", "", rp.LOW_NUMBERS_TEXT]


class TestSpcSummaryWithoutFrame:
    """The headline's SPC summaries come from the charts' attrs; the reference summarises the
    frame spc_data builds, as before."""

    def test_the_same_summary_as_the_frame(self, demo_reports, make):
        kinds = set()
        for report in [*demo_reports, make(GC), make(DC), make(SL)]:
            fresh = dataclasses.replace(report)  # no chart frame built yet
            for indicator in fresh.headline_indicators():
                got = fresh._spc_summary(indicator)
                frame = report.spc_data(indicator)
                assert got == rp.spc.spc_summary(frame)
                kinds.add(frame.attrs.get("chart"))
            assert not fresh._spc_cache  # the summaries built no frame
        assert len(kinds) >= 2  # XmR and p-charts among them


class TestStyledTitles:
    def test_the_same_table_as_rename_and_reset_index(self, demo_reports, monkeypatch):
        def renamed(frame: pd.DataFrame) -> pd.DataFrame:
            return frame.rename(columns=dict(rp.LABELS)).reset_index(drop=True)

        plain = pd.DataFrame({"kpi": ["a", "b"], "rag": ["Green", None], "other": [1, 2]})
        named = plain.rename_axis(columns="heading").set_index(pd.Index([5, 3]))
        for frame in (plain, named, plain.iloc[0:0]):
            pd.testing.assert_frame_equal(rp._styled(frame, "c").data, renamed(frame))
        shown = _frames_shown(monkeypatch)
        report = demo_reports[-1]
        for method in ("headline_table", "comparison_table", "activity_table"):
            shown.clear()
            got = getattr(report, method)().data
            pd.testing.assert_frame_equal(got, renamed(shown[0]))


class TestFlags:
    def test_bool_flags_as_the_boolean_way(self):
        import numpy as np

        def boolean_way(values):
            return (
                pd.array(pd.Series(values).to_numpy(), dtype="boolean")
                .fillna(False)
                .to_numpy(bool)
            )

        flags = np.array([True, False, True])
        missing = pd.Series([pd.NA, True], dtype="boolean")
        for values in (flags, pd.Series(flags), flags[0:0], [True, None, False], missing):
            got, expected = rp._flag(values), boolean_way(values)
            np.testing.assert_array_equal(got, expected)
            assert got.dtype == bool
        assert rp._flag(flags) is not flags
        where = np.array([2, -1, 0])
        np.testing.assert_array_equal(rp._flags_at(flags, where), [True, False, True])
        mixed = np.array([True, None], dtype=object)
        np.testing.assert_array_equal(rp._flags_at(mixed, np.array([1, -1, 0])), [0, 0, 1])


class TestSpcChartFromParts:
    """The SPC chart draws from the SPC the headline worked out; the reference lets the chart
    run it again, as before."""

    def test_the_same_chart_as_run_again(self, demo_reports, make, monkeypatch):
        from jswlib.present import national

        reports = [*demo_reports, make(GC), make(DC), make(SL), make(GC, audience="public")]
        shared = {}
        for report in reports:
            fresh = dataclasses.replace(report)
            fresh.headline_data()  # the summaries work the SPC out
            for indicator in fresh.quarterly_indicators():
                shared[(id(report), indicator)] = fresh.spc_chart_html(indicator)
        spc_figure = national.spc_figure

        def run_again(*args, parts=None, **kwargs):
            return spc_figure(*args, **kwargs)

        monkeypatch.setattr(rp, "spc_figure", run_again)
        drawn = 0
        for report in reports:
            fresh = dataclasses.replace(report)
            for indicator in fresh.quarterly_indicators():
                html = fresh.spc_chart_html(indicator)
                assert html == shared[(id(report), indicator)], (report.council, indicator)
                drawn += "<svg" in html
        assert drawn > 50

    def test_spc_parts_are_the_frame_s(self, demo_reports):
        from jswlib.present import national

        report = demo_reports[0]
        for indicator in report.headline_indicators():
            series = report.spc_series(indicator)
            ind = report._indicator(indicator)
            target = report.defs.targets.target(indicator, report.council.code)
            columns, index, attrs = national.spc_parts(series, ind, target)
            frame = national.spc_frame(series, ind, target)
            assert attrs == frame.attrs and index.equals(frame.index)
            assert set(columns) == set(frame.columns)  # the frame puts rules, point_type last
            pd.testing.assert_frame_equal(pd.DataFrame(dict(columns), index=index)[frame.columns],
                                          frame, check_dtype=False)  # fmt: skip
