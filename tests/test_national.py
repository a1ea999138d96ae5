"""Tests for jswlib.present.national: the SPC series rule, and the national overview on the demo
data.

The series rule is tested on tiny hand-made results rows. The overview is tested on the demo data
(whose three deliberate changes, listed under ``signals`` in its manifest, SPC must find): a step
up in Fife's unpaid work placements from April 2023, a steady decline in Highland's CPO inductions
from April 2022, and a step down in Glasgow City's reports by the due date from October 2024.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from jswlib.judge import spc
from jswlib.present.national import (
    SPC_MONTHS,
    SUMMARY_COLUMNS,
    NationalOverview,
    prepare_national_overview,
    spc_series,
)


def rows(frequency, starts, values, complete=True):
    """Results rows of one indicator and area: period labels from the start dates."""
    starts = pd.to_datetime(starts)
    ends = (
        starts + pd.offsets.MonthEnd(1)
        if frequency == "monthly"
        else starts + pd.offsets.MonthEnd(3)
    )
    return pd.DataFrame(
        {
            "frequency": frequency,
            "period": [f"P{d:%Y-%m}" for d in starts],
            "period_start": starts,
            "period_end": ends,
            "complete": complete,
            "value": values,
            "numerator": [None if v is None else int(v) for v in values],
            "denominator": 100,
        }
    )


class TestSpcSeries:
    def test_monthly_when_there_are_12_months(self):
        months = rows("monthly", pd.date_range("2024-04-01", periods=14, freq="MS"), [50.0] * 14)
        quarters = rows(
            "quarterly", pd.date_range("2024-04-01", periods=4, freq="QS-APR"), [50.0] * 4
        )
        series = spc_series(pd.concat([months, quarters]), date(2025, 5, 31))
        assert series.attrs["frequency"] == "monthly"
        assert series["period"].tolist()[-1] == "P2025-05"
        assert len(series) == 14

    def test_quarterly_when_fewer_than_12_months_have_a_value(self):
        values = [50.0] * 11 + [None] * 3
        months = rows("monthly", pd.date_range("2024-04-01", periods=14, freq="MS"), values)
        quarters = rows(
            "quarterly", pd.date_range("2024-04-01", periods=4, freq="QS-APR"), [1.0] * 4
        )
        series = spc_series(pd.concat([months, quarters]), date(2025, 3, 31))
        assert series.attrs["frequency"] == "quarterly"
        assert series["value"].tolist() == [1.0] * 4

    def test_only_complete_periods_up_to_the_end(self):
        months = rows("monthly", pd.date_range("2023-01-01", periods=40, freq="MS"), [1.0] * 40)
        months.loc[39, "complete"] = False
        series = spc_series(months, date(2026, 3, 31))
        # 39 complete months Jan 2023 - Mar 2026; the last 36 start in Apr 2023.
        assert len(series) == SPC_MONTHS == 36
        assert series["period"].tolist()[0] == "P2023-04"
        assert spc_series(months, date(2024, 6, 30))["period"].tolist()[-1] == "P2024-06"

    def test_counts_are_floats_with_nan(self):
        months = rows("monthly", pd.date_range("2024-04-01", periods=12, freq="MS"), [5.0] * 12)
        months["numerator"] = pd.array([5] * 11 + [None], dtype="Int64")
        series = spc_series(months, date(2025, 3, 31))
        assert series["numerator"].dtype == "float64" and np.isnan(series["numerator"].iloc[-1])


@pytest.fixture(scope="module")
def overview() -> NationalOverview:
    return prepare_national_overview()


class TestDemoSignals:
    """The demo data's deliberate changes are found by SPC on the councils' monthly series."""

    @staticmethod
    def chart(overview, council, indicator, months):
        table = overview.results.table
        code = overview.defs.councils.get(council).code
        picked = table[
            (table["council"] == code)
            & (table["indicator"] == indicator)
            & (table["basis"] == "national")
        ]
        series = spc_series(picked, overview.quarter.end, months=months)
        return series, spc.p_chart(series["numerator"], series["denominator"])

    def test_fife_step_up_from_april_2023(self, overview):
        # 72 months to the overview quarter: the step is in the middle.
        series, chart = self.chart(overview, "Fife", "upw_placement", 72)
        after = series["period"].tolist().index("Apr 2023")
        types = chart["point_type"]
        assert types.iloc[after:].eq("special_cause_improvement").mean() > 0.8
        # The step is by date of imposition, while months hold the orders whose 7-working-day
        # deadline falls in them (docs/method.md, Period placement): the monthly noise differs from
        # a series placed by imposition, and on the demo data 28 of the 36 months before the step
        # are flagged (Dec 2022, high by chance, breaks the run just before it).
        assert types.iloc[:after].eq("special_cause_concern").mean() > 0.75

    def test_highland_steady_decline(self, overview):
        # A steady decline (88% to 70% over four years, about 35 inductions a month) on a p-chart
        # with one centre line: the early months sit high (special cause improvement, a shift
        # above the mean) and the late months low (special cause concern). Month by month the
        # noise is wide, so which single month is flagged late on depends on chance; that both
        # ends are flagged does not.
        _, chart = self.chart(overview, "Highland", "cpo_induction", 48)
        types = chart["point_type"]
        assert types.iloc[:24].eq("special_cause_improvement").any()
        assert not types.iloc[:24].eq("special_cause_concern").any()
        assert types.iloc[24:].eq("special_cause_concern").any()
        assert not types.iloc[24:].eq("special_cause_improvement").any()

    def test_glasgow_step_down_from_october_2024(self, overview):
        series, chart = self.chart(overview, "Glasgow City", "reports_by_due_date", 36)
        after = series["period"].tolist().index("Oct 2024")
        assert chart["point_type"].iloc[after:].eq("special_cause_concern").all()
        assert chart.attrs["variation"] == "special_cause_concern"

    def test_glasgow_below_the_funnel(self, overview):
        # Glasgow's 80% on several hundred reports a quarter lies well below Scotland's rate.
        table = overview.funnel_data("reports_by_due_date")
        assert table.set_index("label").at["Glasgow City", "outside_99_8"] == "low"


class TestNationalOverview:
    def test_quarter_and_title(self, overview):
        assert overview.title.startswith("Justice social work: national overview, Q")
        assert "never ranked" in overview.heading_markdown()

    def test_indicators_have_scotland_figures(self, overview):
        found = overview.indicators()
        assert "upw_placement" in found and "cpos_imposed" in found
        assert "qa_case_file_audits" not in found  # manual: not in case-level data

    def test_summary(self, overview):
        summary = overview.summary_data()
        assert list(summary.columns) == list(SUMMARY_COLUMNS)
        assert summary["indicator"].tolist() == overview.indicators()
        assert set(summary["variation"].dropna()) <= set(spc.POINT_TYPES)
        row = summary.set_index("indicator").loc["reports_by_due_date"]
        assert "Glasgow City" in row["below_99_8"].split(", ")
        # Names outside the limits are listed alphabetically, never by value.
        names = row["below_99_8"].split(", ")
        assert names == sorted(names)

    def test_funnel_has_every_council_in_list_order(self, overview):
        table = overview.funnel_data("upw_placement")
        assert table["label"].tolist() == [c.name for c in overview.defs.councils]
        assert len(table) == 32

    def test_no_funnel_for_a_count(self, overview):
        assert overview.funnel_data("cpos_imposed").empty
        assert overview.funnel_chart("cpos_imposed") is None

    def test_section_html_of_a_percentage_has_three_figures(self, overview):
        page = overview.section_html("reports_by_due_date")
        assert page.count("<figure") == 3
        assert "Funnel plot of" in page and "below the 99.8% limits" in page

    def test_section_html_of_a_count_has_two_figures(self, overview):
        assert overview.section_html("cpos_imposed").count("<figure") == 2

    def test_method_words_come_from_the_spc_module(self, overview):
        text = overview.method_markdown()
        for words in spc.POINT_TYPE_WORDS.values():
            assert words in text

    def test_bad_quarter(self):
        with pytest.raises(ValueError, match="parameter quarter"):
            prepare_national_overview("Q5 2025/26")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    import papermill

    from .conftest import REPO

    out = tmp_path_factory.mktemp("national") / "national.ipynb"
    papermill.execute_notebook(
        str(REPO / "notebooks" / "national_overview.ipynb"),
        str(out),
        parameters={"indicators": "reports_by_due_date, cpo_induction"},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(REPO / "notebooks"),
    )
    import nbformat

    return nbformat.read(str(out), as_version=4)


class TestNotebook:
    """The national overview notebook, run by papermill as ``jsw batch --national`` runs it, for
    two
    indicators (the whole notebook draws every indicator and takes about a minute)."""

    @staticmethod
    def shown(nb) -> str:
        parts = []
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                parts.append(str(data.get("text/html", "")) + str(data.get("text/markdown", "")))
        return "\n".join(parts)

    def test_shows_the_two_indicators_with_their_charts(self, executed, overview):
        text = self.shown(executed)
        sections = [h.split("</h3>")[0] for h in text.split("<h3>")[1:]]
        assert sections == [
            overview.indicator_title("reports_by_due_date"),
            overview.indicator_title("cpo_induction"),
        ]  # catalogue order (reports come before orders), only the two asked for
        # Each section: the Scotland chart, the family-group panels and (a percentage) the funnel.
        for section in text.split("<h3>")[1:]:
            assert section.count("<img") + section.count("<svg") == 3
        # Glasgow City lies below the 99.8% funnel limits for reports by the due date (see
        # TestDemoSignals.test_glasgow_below_the_funnel), and the summary names it.
        assert "Glasgow City" in text

    def test_unknown_indicator_is_refused(self, overview):
        with pytest.raises(Exception, match="'nope' not in the catalogue"):
            overview.indicators("nope")
