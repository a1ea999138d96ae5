"""Tests for jswlib/definitions/catalogue.py: the indicator catalogue and the per-council targets.

The expected titles, targets and frequencies are typed out from the source documents, not read from
the catalogue: Glasgow's Justice Social Work Performance Update, Q2 2025/26 (KPI table), Aberdeen's
Justice Social Work Performance Management Framework (Table 1.1, "Service PIs" and "Reporting
Frequency"), South Lanarkshire's public performance report (its KPIs) and the national timescales
(see docs/method.md, Reference documents and Timescales).
"""

from __future__ import annotations

import shutil

import pytest

from jswlib.compute.indicators import load_definitions
from jswlib.definitions.catalogue import Catalogue, Standard, load_catalogue, load_targets
from jswlib.definitions.params import ParamsError, load_councils

from .conftest import REPO

GLASGOW, SOUTH_LANARKSHIRE, FIFE = "S12000049", "S12000029", "S12000047"

#: Glasgow, JSW Performance Update Q2 2025/26, section 1: KPI -> target (%).
GLASGOW_KPIS = {
    "Unpaid Work Placements commenced within 7 days of sentence": 80,
    "Community Payback Orders with a Case Management Plan within 20 days": 85,
    "Community Payback Orders 3 month reviews held within timescales": 75,
    "Unpaid Work requirements completed to timescales": 70,
    "Percentage of Criminal Justice Social Work Reports submitted to Court": 80,
    "Throughcare Order/Licences: Post release interviews held within one day of release": 80,
}

#: South Lanarkshire's KPIs and targets (docs/method.md, Reference documents): KPI -> target (%).
SOUTH_LANARKSHIRE_KPIS = {
    "CJSW reports submitted to court by the due date": 95,
    "People on a CPO with an unpaid work requirement seen by their case manager within 5 working days": 75,
    "People on a Drug Treatment and Testing Order seen within 2 working days": 95,
}

#: Aberdeen framework, Table 1.1: every service PI with its reporting frequency, in the document's
#: order. The QA row's frequency cell is empty in the document (None: not checked).
ABERDEEN_PIS = [
    ("Number of CPOs", "Quarterly"),
    ("Number of individuals on CPOs", "Quarterly"),
    ("Number of Unpaid Work and Other Activity requirements", "Quarterly"),
    ("Number of UPW hours completed total", "Annually"),
    ("Number of individuals released on licence", "Quarterly"),
    ("Number of Significant Incident Reviews (SIRs)/Significant Case Reviews", "Quarterly"),
    ("Number of MAPPA clients (All Levels)", "Annually"),
    ("QA Reports/ Case files", None),
    ("Proportion of LSCMI assessments completed within 20 working days", "Quarterly"),
    ("Proportion of current Orders with a LSCMI-generated case management plan", "Quarterly"),
    (
        "Number of Caledonian assessments, requirements and non-Caledonian CPOs imposed for "
        "domestic abuse offences",
        "Quarterly",
    ),
    ("Number of new CPO individuals seen within one working day", "Quarterly"),
    ("Number of first induction/case management meetings within 5 days", "Quarterly"),
    ("Number (%) of successful CPO completions", "Quarterly"),
    ("Number (%) of CPO breach applications", "Quarterly"),
    ("Number (%) of CPO breach outcomes", "Annually"),
    ("Number (%) of UPW orders which commenced within 7 days.", "Quarterly"),
    ("Number (%) of UPW requirements completed within specified timescales", "Quarterly"),
    ("Average time to complete UPW requirements", "Quarterly"),
    ("Number of Supervision Exit Questionnaires (EQ) received", "6 monthly"),
    ("Comparison of 'before' and 'after' EQ scores", "6 monthly"),
    ("Number of UPW Exit Questionnaires received", "6 monthly"),
    ("Number of UPW hours undertaken on individual placements", "Annually"),
    ("Individual placement provider feedback", "Annually"),
    ("Number (%) of first reviews held within 3-month timescale", "Quarterly"),
    ("Number of re-engagement reviews held", "Quarterly"),
    ("Number of people on Diversion", "Quarterly"),
    ("Number of successful Diversion completions", "Quarterly"),
    ("Number of Fiscal Work Orders", "Quarterly"),
    ("Number of people on Bail Supervision", "Quarterly"),
    ("Number of successful Bail Supervision completions", "Quarterly"),
    ("Number of people on Problem-Solving", "Quarterly"),
    ("Number of successful Problem-Solving completions", "Quarterly"),
    ("Number of people on Structured Deferred Sentences", "Quarterly"),
    ("Number of people on successful Structured Deferred Sentences completions", "Quarterly"),
    ("Number of Women supported by the Women's Centre", "Quarterly"),
    ("Number of 16/17 year olds on CPOs", "Quarterly"),
    ("Number of referrals to Support Work team", "Quarterly"),
]
#: The document's frequency words -> the catalogue's.
FREQUENCY_WORDS = {"Quarterly": "quarterly", "6 monthly": "6-monthly", "Annually": "annual"}
#: Table 1.1's four outcomes and objectives.
ABERDEEN_OUTCOMES = {
    "Increased community safety and public protection",
    "An efficient and effective justice social work service",
    "Reduction in offending",
    "Increased social inclusion",
}
ABERDEEN_OBJECTIVES = {
    "To contribute to the creation of safer and fairer communities",
    "To fairly, effectively and proportionately implement court orders and release licences",
    "To reduce offending by promoting desistance",
    "To promote the social inclusion of people with convictions",
}

#: National standards (docs/method.md, Timescales): indicator id -> standard.
NATIONAL_TIMESCALES = {
    "cpo_first_contact": Standard("working_days", n=1),
    "cpo_induction": Standard("working_days", n=5),
    "upw_placement": Standard("working_days", n=7),
    "breach_application_timely": Standard("working_days", n=5),
    "dtto_first_contact": Standard("working_days", n=1),
    "dtto_first_meeting": Standard("working_days", n=5),
    "cpo_first_review": Standard("calendar_months", n=3),
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(REPO / "params")


@pytest.fixture(scope="module")
def targets():
    return load_definitions(REPO / "params").targets


def published(catalogue: Catalogue, source: str) -> dict[str, list]:
    """Published title -> the indicators published under it by ``source``."""
    out: dict[str, list] = {}
    for ind in catalogue:
        if source in ind.published_as:
            out.setdefault(ind.published_as[source], []).append(ind)
    return out


# -------------------------------------------------------------------------------------------------
# The shipped catalogue
# -------------------------------------------------------------------------------------------------


class TestShippedCatalogue:
    def test_loads(self, catalogue):
        assert len(catalogue) >= 40
        assert catalogue.source.endswith("indicators.yaml")

    def test_ids_unique_and_looked_up(self, catalogue):
        ids = [i.id for i in catalogue]
        assert len(ids) == len(set(ids))
        assert "upw_placement" in catalogue and catalogue.get("upw_placement").table == "cpos"

    def test_unknown_id_names_it(self, catalogue):
        with pytest.raises(KeyError, match="no_such_indicator"):
            catalogue.get("no_such_indicator")

    def test_computable_leaves_out_manual(self, catalogue):
        computable = catalogue.computable()
        assert "qa_case_file_audits" not in {i.id for i in computable}
        assert len(computable) == len(catalogue) - sum(i.type == "manual" for i in catalogue)

    def test_every_percentage_type_has_unit_percent(self, catalogue):
        for ind in catalogue:
            if ind.type in ("proportion", "timescale", "before_after"):
                assert ind.unit == "%" and ind.is_proportion, ind.id

    def test_every_timescale_has_start_end_and_standard(self, catalogue):
        for ind in catalogue:
            if ind.type == "timescale":
                assert ind.start and ind.end and ind.standard is not None, ind.id


class TestGlasgowKpis:
    def test_all_six_published(self, catalogue):
        assert set(published(catalogue, "glasgow")) == set(GLASGOW_KPIS)

    @pytest.mark.parametrize("title", list(GLASGOW_KPIS))
    def test_each_is_one_quarterly_percentage(self, catalogue, title):
        (ind,) = published(catalogue, "glasgow")[title]
        assert ind.frequency == "quarterly" and ind.unit == "%" and ind.polarity == "higher"
        assert "glasgow" in ind.sources


class TestSouthLanarkshireKpis:
    def test_all_three_published(self, catalogue):
        titles = {t.casefold() for t in published(catalogue, "south_lanarkshire")}
        assert titles == {t.casefold() for t in SOUTH_LANARKSHIRE_KPIS}

    def test_indicators(self, catalogue):
        by_title = {
            t.casefold(): inds for t, inds in published(catalogue, "south_lanarkshire").items()
        }
        ids = {by_title[t.casefold()][0].id for t in SOUTH_LANARKSHIRE_KPIS}
        assert ids == {"reports_by_due_date", "cpo_upw_first_contact", "dtto_first_contact"}
        # "seen by their case manager within 5 working days" is the catalogue's national default
        # for that KPI.
        assert catalogue.get("cpo_upw_first_contact").standard == Standard("working_days", n=5)


class TestAberdeenPis:
    def test_document_list_is_complete(self):
        assert len(ABERDEEN_PIS) == 38

    @pytest.mark.parametrize("title, frequency", ABERDEEN_PIS, ids=[t for t, _ in ABERDEEN_PIS])
    def test_published_with_its_frequency(self, catalogue, title, frequency):
        indicators = published(catalogue, "aberdeen").get(title)
        assert indicators, f"no indicator published by Aberdeen as {title!r}"
        for ind in indicators:
            assert "aberdeen" in ind.sources
            if frequency is not None:
                assert ind.frequency == FREQUENCY_WORDS[frequency], ind.id

    def test_nothing_published_that_the_document_lacks(self, catalogue):
        assert set(published(catalogue, "aberdeen")) == {t for t, _ in ABERDEEN_PIS}

    def test_framework_outcomes_and_objectives_from_table(self, catalogue):
        for ind in catalogue:
            if "aberdeen" in ind.published_as:
                assert ind.framework.get("outcome") in ABERDEEN_OUTCOMES, ind.id
                assert ind.framework.get("objective") in ABERDEEN_OBJECTIVES, ind.id

    def test_caledonian_pi_split_into_three_counts(self, catalogue):
        title = (
            "Number of Caledonian assessments, requirements and non-Caledonian CPOs imposed for "
            "domestic abuse offences"
        )
        ids = {i.id for i in published(catalogue, "aberdeen")[title]}
        assert ids == {
            "caledonian_assessments",
            "caledonian_requirements",
            "non_caledonian_domestic_abuse_cpos",
        }


class TestNationalTimescales:
    @pytest.mark.parametrize(
        "indicator_id, standard", NATIONAL_TIMESCALES.items(), ids=list(NATIONAL_TIMESCALES)
    )
    def test_standard(self, catalogue, indicator_id, standard):
        ind = catalogue.get(indicator_id)
        assert ind.type == "timescale"
        assert ind.standard == standard
        assert "national" in ind.sources and "national" in ind.published_as

    def test_upw_completion_by_level(self, catalogue):
        # Level 1 within 3 months, Level 2 within 6: a per-record number of calendar months.
        ind = catalogue.get("upw_completed_in_time")
        assert ind.standard == Standard("calendar_months", column="upw_timescale_effective")

    def test_national_exclusions(self, catalogue):
        # Non-compliance and transfers in are left out of the national timescale denominators.
        for indicator_id in (
            "cpo_first_contact",
            "cpo_induction",
            "upw_placement",
            "dtto_first_contact",
        ):
            assert set(catalogue.get(indicator_id).exclude) == {"non_compliance", "transfer_in"}


class TestStandard:
    def test_describe(self):
        assert Standard("working_days", n=1).describe() == "1 working day"
        assert Standard("working_days", n=7).describe() == "7 working days"
        # Plain words for readers: no "0 calendar days", no column name
        assert Standard("calendar_days", n=0).describe() == "on or before the due date"
        assert Standard("calendar_days", n=2).describe() == "2 calendar days"
        assert Standard("calendar_months", n=3).describe() == "3 calendar months"
        assert (
            Standard("calendar_months", column="upw_timescale_effective").describe()
            == "the timescale set for each order (calendar months)"
        )

    def test_title_for(self, catalogue):
        ind = catalogue.get("dtto_first_contact")
        assert ind.title_for() == "People on a DTTO seen within 1 working day"
        assert (
            ind.title_for(Standard("working_days", n=2))
            == "People on a DTTO seen within 2 working days"
        )


# -------------------------------------------------------------------------------------------------
# Targets
# -------------------------------------------------------------------------------------------------


class TestShippedTargets:
    def test_glasgow_targets_equal_the_document(self, catalogue, targets):
        by_title = published(catalogue, "glasgow")
        got = {title: targets.target(by_title[title][0].id, GLASGOW) for title in GLASGOW_KPIS}
        assert got == GLASGOW_KPIS

    def test_south_lanarkshire_targets_equal_domain(self, catalogue, targets):
        by_title = {
            t.casefold(): inds for t, inds in published(catalogue, "south_lanarkshire").items()
        }
        got = {
            t: targets.target(by_title[t.casefold()][0].id, SOUTH_LANARKSHIRE)
            for t in SOUTH_LANARKSHIRE_KPIS
        }
        assert got == SOUTH_LANARKSHIRE_KPIS

    def test_south_lanarkshire_dtto_standard(self, catalogue, targets):
        dtto = catalogue.get("dtto_first_contact")
        assert targets.standard(dtto, SOUTH_LANARKSHIRE) == Standard("working_days", n=2)
        assert targets.standard(dtto, None) == Standard("working_days", n=1)
        assert targets.standard(dtto, GLASGOW) == Standard("working_days", n=1)

    def test_national_defaults_from_published_targets(self, targets):
        # Glasgow's six; South Lanarkshire's for the two only it sets; reports to court: the lower
        # of Glasgow's 80 and South Lanarkshire's 95.
        assert targets.national_targets == {
            "upw_placement": 80,
            "cpo_case_management_plan": 85,
            "cpo_first_review": 75,
            "upw_completed_in_time": 70,
            "reports_by_due_date": 80,
            "throughcare_interview": 80,
            "cpo_upw_first_contact": 75,
            "dtto_first_contact": 95,
        }

    def test_every_council_inherits_unless_it_sets_its_own(self, targets):
        assert targets.target("upw_placement", FIFE) == 80
        assert targets.target_source("upw_placement", FIFE) == "national default"
        assert targets.target("reports_by_due_date", SOUTH_LANARKSHIRE) == 95
        assert targets.target_source("reports_by_due_date", SOUTH_LANARKSHIRE) == "council"
        # South Lanarkshire sets no upw_placement target: it inherits Glasgow's 80.
        assert targets.target("upw_placement", SOUTH_LANARKSHIRE) == 80
        assert targets.target_source("upw_placement", SOUTH_LANARKSHIRE) == "national default"
        assert targets.target("cpos_imposed", FIFE) is None
        assert targets.target_source("cpos_imposed", FIFE) is None
        assert targets.own_targets(FIFE) == []

    def test_rag_schemes(self, targets):
        assert targets.rag_scheme_name(GLASGOW) == "two_state"
        assert targets.rag_scheme_name(SOUTH_LANARKSHIRE) == "three_state"  # the national default
        assert targets.rag_scheme(GLASGOW)["type"] == "two_state"

    def test_targets_frame(self, catalogue, targets, councils):
        frame = targets.targets_frame(catalogue, councils)
        assert list(frame.columns) == ["council", "indicator", "target", "source"]
        # 8 targeted indicators for each of the 32 councils.
        assert len(frame) == 8 * 32
        assert set(frame["source"]) == {"council", "national default"}
        # Council targets: Glasgow's 6 and South Lanarkshire's 3.
        assert (frame["source"] == "council").sum() == 6 + 3


# -------------------------------------------------------------------------------------------------
# Errors on broken params name the file and the key
# -------------------------------------------------------------------------------------------------


@pytest.fixture
def params_copy(tmp_path):
    folder = tmp_path / "params"
    shutil.copytree(REPO / "params", folder)
    return folder


def edit(file, old: str, new: str) -> None:
    """Replace the first occurrence of ``old`` (which must be there) with ``new``."""
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


# The first indicator is upw_placement; the second cpo_case_management_plan.
CATALOGUE_BREAKS = [
    # (old text, new text, key in the message, other words in the message)
    (
        "    table: cpos\n",
        "    table: cpo_orders\n",
        "indicators[0] (upw_placement).table",
        "cpo_orders",
    ),
    (
        "standard: {n: 7, unit: working_days}",
        "standard: {n: 7, unit: workdays}",
        "indicators[0] (upw_placement).standard.unit",
        "workdays",
    ),
    (
        "standard: {n: 7, unit: working_days}",
        "standard: {n: -7, unit: working_days}",
        "indicators[0] (upw_placement).standard.n",
        "whole number",
    ),
    ("- id: cpo_case_management_plan", "- id: upw_placement", "indicators[1].id", "used twice"),
    (
        "where: [{column: has_upw, is: true}]",
        "where: [{column: has_unpaid_work, is: true}]",
        "indicators[0] (upw_placement).where[0].column",
        "has_unpaid_work",
    ),
    (
        "where: [{column: has_upw, is: true}]",
        "where: [{column: has_upw, equals: true}]",
        "indicators[0] (upw_placement).where[0].equals",
        "equals",
    ),
    ('unit: "%"', "unit: number", "indicators[0] (upw_placement).unit", "percentage"),
    ("    type: timescale\n", "    type: ratio\n", "indicators[0] (upw_placement).type", "ratio"),
    (
        "    period_basis: deadline\n",
        "    period_basis: due\n",
        "indicators[0] (upw_placement).period_basis",
        "'due' is not one of deadline, start",
    ),
    (
        "    period_basis: deadline\n",
        "    period_basis: deadline\n    period_date: imposed_date\n",
        "indicators[0] (upw_placement).period_date",
        "not period_date",
    ),
    (
        "    period_date: imposed_date\n    type: count\n",
        "    period_date: upw_hours_ordered\n    type: count\n",
        "indicators[21] (cpos_imposed).period_date",
        "date column",
    ),
    (
        "    ended: end_date\n",
        "    ended: upw_hours_ordered\n",
        "indicators[2] (cpo_first_review).ended",
        "date column",
    ),
    (
        "    end: upw_first_placement_date\n",
        "    end: first_placement\n",
        "indicators[0] (upw_placement).end",
        "first_placement",
    ),
    (
        "    exclude: [non_compliance, transfer_in]\n",
        "    exclude: [non_compliance, imposed_date]\n",
        "indicators[0] (upw_placement).exclude[1]",
        "flag",
    ),
    (
        "    exclude: [non_compliance, transfer_in]\n",
        "    exclude: [non_compliance, domestic_abuse]\n",
        "indicators[0] (upw_placement).exclude[1]",
        "'domestic_abuse' is not one of non_compliance, transfer_in",
    ),
    (
        "    frequency: quarterly\n",
        "    frequency: weekly\n",
        "indicators[0] (upw_placement).frequency",
        "weekly",
    ),
    (
        "    polarity: higher\n",
        "    polarity: up\n",
        "indicators[0] (upw_placement).polarity",
        "up",
    ),
    (
        "      glasgow: Unpaid Work",
        "      edinburgh: Unpaid Work",
        "indicators[0] (upw_placement).published_as.edinburgh",
        "edinburgh",
    ),
    ("- id: upw_placement", "- id: UPW-placement", "indicators[0].id", "lower-case"),
]


class TestCatalogueErrors:
    @pytest.mark.parametrize(
        "old, new, key, words", CATALOGUE_BREAKS, ids=[b[2] + ":" + b[3] for b in CATALOGUE_BREAKS]
    )
    def test_names_file_and_key(self, params_copy, old, new, key, words):
        edit(params_copy / "indicators.yaml", old, new)
        with pytest.raises(ParamsError) as err:
            load_catalogue(params_copy)
        message = str(err.value)
        assert "indicators.yaml" in message
        assert key in message
        assert words in message

    def test_load_definitions_raises_the_same(self, params_copy):
        edit(
            params_copy / "indicators.yaml",
            "standard: {n: 7, unit: working_days}",
            "standard: {n: 7, unit: workdays}",
        )
        with pytest.raises(
            ParamsError,
            match=r"indicators\.yaml.*indicators\[0\] \(upw_placement\)\.standard\.unit",
        ):
            load_definitions(params_copy)

    def test_no_indicator_list(self, params_copy):
        (params_copy / "indicators.yaml").write_text("frameworks: {}\n", encoding="utf-8")
        with pytest.raises(ParamsError, match=r"indicators\.yaml: indicators: expected a list"):
            load_catalogue(params_copy)

    def test_invalid_yaml_names_the_file(self, params_copy):
        (params_copy / "indicators.yaml").write_text(
            "indicators: [\n  - id: x\n", encoding="utf-8"
        )
        with pytest.raises(ParamsError, match=r"indicators\.yaml"):
            load_catalogue(params_copy)

    def test_manual_indicator_needs_no_table(self, params_copy):
        # The shipped manual indicator has no table, period or standard, and loads.
        assert load_catalogue(params_copy).get("qa_case_file_audits").table is None


TARGET_BREAKS = [
    (
        "      upw_placement: 80\n",
        "      upw_placment: 80\n",
        "councils.glasgow-city.targets.upw_placment",
        "not an indicator id",
    ),
    ("  glasgow-city:\n", "  glasgow-town:\n", "councils.glasgow-town", "not a council"),
    (
        "      reports_by_due_date: 95\n",
        "      reports_by_due_date: 120\n",
        "councils.south-lanarkshire.targets.reports_by_due_date",
        "120",
    ),
    (
        "      upw_placement: 80\n",
        "      upw_placement: eighty\n",
        "councils.glasgow-city.targets.upw_placement",
        "not a number",
    ),
    (
        "      dtto_first_contact: {n: 2, unit: working_days}\n",
        "      dtto_first_contact: {n: 2, unit: working_days}\n      cpos_imposed: {n: 2, unit: "
        "working_days}\n",
        "councils.south-lanarkshire.standards.cpos_imposed",
        "only timescale",
    ),
    (
        "      dtto_first_contact: {n: 2, unit: working_days}\n",
        "      dtto_first_contact: {n: 2, unit: weeks}\n",
        "councils.south-lanarkshire.standards.dtto_first_contact.unit",
        "weeks",
    ),
    (
        "    rag_scheme: two_state\n",
        "    rag_scheme: four_state\n",
        "councils.glasgow-city.rag_scheme",
        "four_state",
    ),
    (
        "  rag_scheme: three_state\n",
        "  rag_scheme: traffic_lights\n",
        "national.rag_scheme",
        "traffic_lights",
    ),
]


class TestTargetsErrors:
    @pytest.mark.parametrize(
        "old, new, key, words", TARGET_BREAKS, ids=[b[2] for b in TARGET_BREAKS]
    )
    def test_names_file_and_key(self, params_copy, old, new, key, words):
        edit(params_copy / "targets.yaml", old, new)
        councils = load_councils(params_copy)
        with pytest.raises(ParamsError) as err:
            load_targets(params_copy, councils=councils, catalogue=load_catalogue(params_copy))
        message = str(err.value)
        assert "targets.yaml" in message
        assert key in message
        assert words in message

    def test_percentage_bounds_are_inclusive(self, params_copy):
        edit(
            params_copy / "targets.yaml",
            "      reports_by_due_date: 95\n",
            "      reports_by_due_date: 100\n",
        )
        edit(params_copy / "targets.yaml", "      upw_placement: 80\n", "      upw_placement: 0\n")
        targets = load_definitions(params_copy).targets
        assert targets.target("reports_by_due_date", SOUTH_LANARKSHIRE) == 100
        assert targets.target("upw_placement", GLASGOW) == 0

    def test_council_by_code_or_name(self, params_copy):
        edit(params_copy / "targets.yaml", "  glasgow-city:\n", "  S12000049:\n")
        edit(params_copy / "targets.yaml", "  south-lanarkshire:\n", "  South Lanarkshire:\n")
        targets = load_definitions(params_copy).targets
        assert targets.target("upw_placement", GLASGOW) == 80
        assert targets.target("dtto_first_contact", SOUTH_LANARKSHIRE) == 95


# -------------------------------------------------------------------------------------------------
# Catalogue.to_frame
# -------------------------------------------------------------------------------------------------


class TestToFrame:
    def test_columns(self, catalogue):
        frame = catalogue.to_frame()
        needed = {"id", "title", "type", "frequency", "polarity", "unit", "outcome", "objective"}
        assert needed <= set(frame.columns)

    def test_one_row_per_indicator_in_order(self, catalogue):
        frame = catalogue.to_frame()
        assert list(frame["id"]) == [i.id for i in catalogue]

    def test_titles_have_the_standard_filled_in(self, catalogue):
        frame = catalogue.to_frame().set_index("id")
        title = frame.loc["upw_placement", "title"]
        assert title == "Unpaid work placements commenced within 7 working days of sentence"
        assert not frame["title"].str.contains("{standard}", regex=False).any()

    def test_framework_columns(self, catalogue):
        frame = catalogue.to_frame().set_index("id")
        assert (
            frame.loc["cpos_imposed", "outcome"]
            == "Increased community safety and public protection"
        )
        assert (
            frame.loc["cpos_imposed", "objective"]
            == "To contribute to the creation of safer and fairer communities"
        )
        # Glasgow-only KPIs sit outside the Aberdeen framework: blank, not missing.
        assert frame.loc["cpo_case_management_plan", "outcome"] == ""
