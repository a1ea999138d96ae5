"""The framework report: frequency rules worked by hand, a manual figure end to end, Glasgow's
order,
the summary, disclosure control, and the notebook run by papermill for Aberdeen City Q4 2025/26."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pandas as pd
import papermill as pm
import pytest

from jswlib.core.errors import InputError
from jswlib.definitions.catalogue import load_catalogue
from jswlib.definitions.frameworks import load_framework
from jswlib.definitions.periods import parse_period
from jswlib.judge.disclosure import SUPPRESSED
from jswlib.present.framework import (
    REASON_NOT_SUPPLIED,
    SPC_NOT_AVAILABLE,
    prepare_framework_report,
    reporting_period,
    sparkline_svg,
    spc_variation,
)

from .conftest import REPO

HEADER = "council,indicator,period,numerator,denominator,reported_value,target"


class TestReportingPeriod:
    @pytest.mark.parametrize(
        "quarter, quarterly, half, annual",
        [
            # Q1 2025/26 ends 30 June 2025: the last half-year ended is H2 2024/25 (Oct 2024 - Mar
            # 2025), the last year ended 2024/25 (to 31 March 2025).
            ("Q1 2025/26", "Q1 2025/26", "H2 2024/25", "2024/25"),
            # Q2 ends 30 September 2025, with H1 2025/26 (Apr-Sep 2025); 2025/26 has not ended.
            ("Q2 2025/26", "Q2 2025/26", "H1 2025/26", "2024/25"),
            # Q3 ends 31 December 2025: H1 2025/26 is still the last half ended.
            ("Q3 2025/26", "Q3 2025/26", "H1 2025/26", "2024/25"),
            # Q4 ends 31 March 2026, closing H2 2025/26 and the year 2025/26.
            ("Q4 2025/26", "Q4 2025/26", "H2 2025/26", "2025/26"),
        ],
    )
    def test_latest_complete_period_of_each_frequency(self, quarter, quarterly, half, annual):
        q = parse_period(quarter)
        assert str(reporting_period("quarterly", q)) == quarterly
        assert str(reporting_period("6-monthly", q)) == half
        assert str(reporting_period("annual", q)) == annual

    def test_periods_end_on_or_before_the_quarter(self):
        q = parse_period("Q3 2025/26")
        for frequency in ("quarterly", "6-monthly", "annual"):
            assert reporting_period(frequency, q).end <= q.end

    def test_a_year_reports_every_frequency_for_the_year(self):
        year = parse_period("2025/26")
        assert {str(reporting_period(f, year)) for f in ("quarterly", "6-monthly", "annual")} == {
            "2025/26"
        }

    def test_unknown_frequency(self):
        with pytest.raises(ValueError, match="frequency 'monthly'"):
            reporting_period("monthly", parse_period("Q1 2025/26"))


class TestSpcVariation:
    def test_a_point_above_the_limits(self):
        # 9, 11 six times then 20: mean 140 / 13 = 10.77; moving ranges eleven 2s and a 9, the 9
        # screened out (9 >= 3.267 x 31/12 = 8.44), so the mean moving range is 2 and the upper
        # limit 10.77 + 2.66 x 2 = 16.09: 20 is above it, and higher is better for successful
        # completions.
        ind = load_catalogue().get("diversion_successful")
        series = pd.DataFrame({"value": [9, 11] * 6 + [20]}).assign(
            numerator=np.nan, denominator=np.nan
        )
        assert spc_variation(series, ind, None) == "H Special cause: improvement"

    def test_no_values(self):
        ind = load_catalogue().get("diversion_successful")
        series = pd.DataFrame({"value": [np.nan] * 3, "numerator": np.nan, "denominator": np.nan})
        assert spc_variation(series, ind, None) == SPC_NOT_AVAILABLE


class TestSparkline:
    def test_withheld_and_missing_points_are_not_drawn(self):
        svg = sparkline_svg(
            ["Q1", "Q2", "Q3", "Q4"],
            [10, 3, None, 20],
            "number",
            hidden=[False, True, False, False],
        )
        # Q2 is withheld and Q3 missing: two single points, no line; the words say [c] and n/a.
        assert "<polyline" not in svg
        assert "Trend: Q1 10; Q2 [c]; Q3 n/a; Q4 20" in html.unescape(svg)
        assert svg.count("<circle") == 1  # the latest point, Q4

    def test_nothing_to_draw(self):
        assert sparkline_svg(["Q1"], [None], "%", hidden=[False]) == ""


@pytest.fixture(scope="module")
def manual_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("manual") / "aberdeen-city.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                "Aberdeen City,qa_case_file_audits,Q4 2025/26,18,20,90%,85",
                "Aberdeen City,qa_case_file_audits,Q4 2024/25,7,8,,",
            ]
        )
        + "\n"
    )
    return path


@pytest.fixture(scope="module")
def aberdeen_q4(manual_csv):
    return prepare_framework_report("Aberdeen City", "Q4 2025/26", manual_file=str(manual_csv))


class TestManualFigureEndToEnd:
    def test_in_its_place_marked_as_supplied(self, aberdeen_q4):
        data = aberdeen_q4.framework_data()
        row = data[data["indicator"] == "qa_case_file_audits"].iloc[0]
        # 18/20 = 90%, against 7/8 = 87.5% a year earlier; the file's target is 85.
        assert row["position"] == 8  # the first PI of the second objective
        assert row["opif"] == "9.4 Leadership of improvement and change"
        assert (row["value"], row["previous_value"], row["target"]) == (90.0, 87.5, 85.0)
        assert row["supplied"] and row["reason"] == ""
        assert row["display_value"] == "90%"
        shown = aberdeen_q4._shown(data[data["indicator"] == "qa_case_file_audits"])
        assert shown["marks"].iloc[0].startswith("Supplied figure")
        assert shown["value"].iloc[0] == "90%"

    def test_in_the_figures_file(self, aberdeen_q4):
        figures = aberdeen_q4.figures_data()
        mine = figures[figures["indicator"] == "QA Reports/ Case files"]
        got = {(r.period, r.measure): r.value for r in mine.itertuples()}
        assert got[("Q4 2025/26", "numerator (supplied)")] == 18
        assert got[("Q4 2025/26", "denominator (supplied)")] == 20
        assert got[("Q4 2025/26", "percentage (supplied)")] == 90.0
        assert got[("Q4 2024/25", "percentage (supplied)")] == 87.5
        assert got[("Q4 2025/26", "target (supplied)")] == 85.0
        assert set(mine["area"]) == {"Aberdeen City"}
        assert mine["section"].iloc[0].endswith("> 9.4 Leadership of improvement and change")

    def test_without_the_file_the_reason_says_so(self):
        report = prepare_framework_report("Aberdeen City", "Q4 2025/26")
        data = report.framework_data()
        reason = data.loc[data["indicator"] == "qa_case_file_audits", "reason"].iloc[0]
        assert reason.startswith(REASON_NOT_SUPPLIED)
        assert "Q4 2025/26" in reason
        figures = report.figures_data()
        mine = figures[figures["indicator"] == "QA Reports/ Case files"]
        assert mine[["period", "measure", "value"]].values.tolist() == [
            ["Q4 2025/26", "percentage (supplied)", "[x]"]
        ]


class TestAberdeenReport:
    def test_every_pi_in_order_with_a_value_or_a_reason(self, aberdeen_q4):
        data = aberdeen_q4.framework_data()
        fw = load_framework("aberdeen")
        assert list(data["indicator"]) == fw.indicators()
        has_value = data["value"].notna()
        assert (has_value ^ (data["reason"] != "")).all()

    def test_periods_follow_the_frequencies(self, aberdeen_q4):
        data = aberdeen_q4.framework_data().set_index("indicator")
        assert data.loc["cpos_imposed", "period"] == "Q4 2025/26"
        assert data.loc["supervision_questionnaires", "period"] == "H2 2025/26"
        assert data.loc["mappa_clients", "period"] == "2025/26"
        assert data.loc["mappa_clients", "previous_period"] == "2024/25"

    def test_summary_adds_up(self, aberdeen_q4):
        summary = aberdeen_q4.summary_data()
        assert list(summary["heading"][:4]) == load_framework("aberdeen").headings_at("objective")
        parts = summary.drop(columns=["heading", "pis"]).sum(axis=1)
        assert (parts == summary["pis"]).all()
        assert summary["pis"].iloc[-1] == 40 and summary["pis"][:4].tolist() == [7, 14, 8, 11]

    def test_a_period_that_is_not_complete(self):
        with pytest.raises(InputError, match="2026/27 is not complete"):
            prepare_framework_report("Aberdeen City", "2026/27")

    def test_a_council_without_a_framework(self):
        with pytest.raises(InputError, match="Fife has no performance framework"):
            prepare_framework_report("Fife", "Q4 2025/26")


@pytest.fixture(scope="module")
def annual(manual_csv):
    """Aberdeen City's annual report for 2025/26, with the manual figures of two quarters."""
    return prepare_framework_report("Aberdeen City", "2025/26", manual_file=str(manual_csv))


class TestAnnualReport:
    def test_every_pi_for_the_year_against_the_year_before(self, annual):
        data = annual.framework_data()
        assert set(data["period"]) == {"2025/26"} and set(data["previous_period"]) == {"2024/25"}

    def test_people_are_counted_once_in_the_year(self, annual, aberdeen_q4):
        year = annual.framework_data().set_index("indicator")
        quarters = annual.series_data("quarterly").set_index("pi")
        people = year.loc["people_on_cpos"]
        shown = quarters.loc[
            people["pi"], ["Q1 2025/26", "Q2 2025/26", "Q3 2025/26", "Q4 2025/26"]
        ]
        values = [int(v.replace(",", "")) for v in shown]
        # Distinct people over the year: at least the largest quarter, at most the sum of quarters.
        assert max(values) <= people["value"] <= sum(values)

    def test_counts_of_events_add_up_over_the_quarters(self, annual):
        year = annual.framework_data().set_index("indicator")
        quarters = annual.series_data("quarterly").set_index("pi")
        row = year.loc["cpos_imposed"]
        values = [int(v.replace(",", "")) for v in quarters.loc[row["pi"]].iloc[-4:]]
        assert row["value"] == sum(values)

    def test_a_quarterly_manual_figure_has_no_year_unless_supplied(self, annual):
        data = annual.framework_data().set_index("indicator")
        assert data.loc["qa_case_file_audits", "reason"].startswith(REASON_NOT_SUPPLIED)


class TestGlasgow:
    def test_six_kpis_in_the_published_order_with_their_targets(self):
        report = prepare_framework_report("Glasgow City", "Q2 2025/26")
        data = report.framework_data()
        assert list(data["indicator"]) == [
            "upw_placement",
            "cpo_case_management_plan",
            "cpo_first_review",
            "upw_completed_in_time",
            "reports_by_due_date",
            "throughcare_interview",
        ]
        # Glasgow's targets (params/targets.yaml): 80, 85, 75, 70, 80, 80.
        assert list(data["target"]) == [80.0, 85.0, 75.0, 70.0, 80.0, 80.0]
        assert set(data["rag"]) <= {"Green", "Red"}  # the two-state scheme


class TestPublic:
    def test_small_counts_are_withheld_in_the_figures_file(self):
        report = prepare_framework_report("Aberdeen City", "Q4 2025/26", audience="public")
        figures = report.figures_data()
        numbers = figures[figures["value"] != SUPPRESSED]
        counts = numbers[numbers["measure"].isin(["count", "numerator", "denominator"])]
        values = counts["value"].astype(float).to_numpy()
        assert not ((values >= 1) & (values <= 4)).any()
        assert (figures["value"] == SUPPRESSED).any()  # the demo data have small counts


# --- The notebook --------------------------------------------------------------------------------


def _outputs(nb: dict) -> list[tuple[str, str]]:
    """(kind, text) of every output in order: markdown or html."""
    out = []
    for cell in nb["cells"]:
        for item in cell.get("outputs", []):
            data = item.get("data", {})
            if "text/markdown" in data:
                out.append(("markdown", "".join(data["text/markdown"])))
            elif "text/html" in data:
                out.append(("html", "".join(data["text/html"])))
    return out


@pytest.fixture(scope="module")
def executed_aberdeen(tmp_path_factory):
    out = tmp_path_factory.mktemp("framework") / "aberdeen.ipynb"
    pm.execute_notebook(
        str(REPO / "notebooks" / "framework_report.ipynb"),
        str(out),
        parameters={"council": "Aberdeen City", "period": "Q4 2025/26"},
        cwd=str(REPO / "notebooks"),
        progress_bar=False,
    )
    return json.loads(out.read_text())


class TestFrameworkNotebook:
    def test_papermill_sees_every_parameter(self):
        found = pm.inspect_notebook(str(REPO / "notebooks" / "framework_report.ipynb"))
        assert set(found) == {"council", "period", "data_dir", "audience", "manual_file"}

    def test_every_pi_under_its_heading_with_a_value_or_a_reason(self, executed_aberdeen):
        fw = load_framework("aberdeen")
        outputs = _outputs(executed_aberdeen)
        # Walk the outputs: remember the latest heading of each level; each table row's PI must sit
        # under its own headings.
        current: dict[str, str] = {}
        seen: dict[str, tuple] = {}
        rows_of: dict[str, list[str]] = {}
        labels = {"Outcome": "outcome", "Objective": "objective", "Theme": "theme"}
        labels["OPIF indicator"] = "opif"
        for kind, text in outputs:
            if kind == "markdown":
                m = re.match(r"^#+ (Outcome|Objective|Theme|OPIF indicator): (.*)$", text.strip())
                if m:
                    current[labels[m.group(1)]] = m.group(2)
                continue
            if "PI</th>" not in text or "Trend (last eight periods)" not in text:
                continue
            for row in re.findall(r"<tr>(.*?)</tr>", text, flags=re.S):
                cells = [
                    html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                    for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
                ]
                if not cells:
                    continue
                seen[cells[0]] = tuple(current[level] for level in fw.levels)
                rows_of[cells[0]] = cells
        shared = fw.shared_titles()
        with_value, with_reason = 0, 0
        for pi in fw.pis:
            title = pi.title
            if title in shared:
                title = next(t for t in seen if t.startswith(title + " ("))
                seen.pop(title)
                cells = rows_of[title]
            else:
                cells = rows_of[title]
                assert seen[title] == pi.headings, title
            value = cells[3]  # PI | Frequency | Period | Value ...
            if re.match(r"^[\d,.]+%?$", value):
                with_value += 1
            else:
                assert value.startswith(
                    ("Manual figure not supplied", "Not yet due", "No data")
                ), value
                with_reason += 1
        # On the demo data only the QA audit (a manual figure, none supplied) has no value.
        assert (with_value, with_reason) == (39, 1)

    def test_summary_comes_first(self, executed_aberdeen):
        outputs = _outputs(executed_aberdeen)
        htmls = [t for k, t in outputs if k == "html"]
        assert "Summary, Aberdeen City, Q4 2025/26" in htmls[0]

    def test_no_code_or_definitions_in_the_notebook(self):
        nb = json.loads((REPO / "notebooks" / "framework_report.ipynb").read_text())
        for cell in nb["cells"]:
            assert not cell.get("outputs")
            source = "".join(cell["source"])
            assert not re.search(r"^\s*(def|class) ", source, flags=re.M)


def test_numbers_in_figures_are_plain(aberdeen_q4):
    figures = aberdeen_q4.figures_data()
    numbers = figures["value"][figures["value"] != SUPPRESSED]
    assert all(isinstance(v, (int, float, np.floating, np.integer)) for v in numbers)
