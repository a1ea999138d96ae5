"""Frameworks as data: the Aberdeen and Glasgow files as their documents publish them, and the
loader's errors (each naming the file and the key)."""

from __future__ import annotations

import shutil

import pytest

from jswlib.core.errors import ParamsError
from jswlib.definitions.catalogue import load_catalogue
from jswlib.definitions.frameworks import (
    framework_names,
    framework_of,
    load_council_frameworks,
    load_framework,
)

from .conftest import REPO


@pytest.fixture
def params(tmp_path):
    """A copy of the real params folder, to break on purpose."""
    folder = tmp_path / "params"
    shutil.copytree(REPO / "params", folder)
    return folder


def _write_framework(params, name, text):
    (params / "frameworks" / f"{name}.yaml").write_text(text)


MINIMAL = """\
title: Test framework
source: aberdeen
levels: [section]
pis:
"""


@pytest.fixture(scope="module")
def fw():
    """The Aberdeen framework as committed."""
    return load_framework("aberdeen")


class TestAberdeenFramework:
    def test_levels_and_the_four_objectives_in_order(self, fw):
        assert fw.levels == ("outcome", "objective", "theme", "opif")
        # Table 1.1: the four objectives of the introduction, in its order.
        assert fw.headings_at("objective") == [
            "To contribute to the creation of safer and fairer communities",
            "To fairly, effectively and proportionately implement court orders and release "
            "licences",
            "To reduce offending by promoting desistance",
            "To promote the social inclusion of people with convictions",
        ]
        assert fw.headings_at("outcome") == [
            "Increased community safety and public protection",
            "An efficient and effective justice social work service",
            "Reduction in offending",
            "Increased social inclusion",
        ]

    def test_pis_in_the_document_order(self, fw):
        titles = [p.title for p in fw.pis]
        # First and last PI of each objective, as Table 1.1 lists them.
        assert titles[0] == "Number of CPOs"
        assert titles[6] == "Number of MAPPA clients (All Levels)"
        assert titles[7] == "QA Reports/ Case files"
        assert titles[20] == "Average time to complete UPW requirements"
        assert titles[21] == "Number of Supervision Exit Questionnaires (EQ) received"
        assert titles[28] == "Number of people on Diversion"
        assert titles[29] == "Number of successful Diversion completions"
        assert titles[-1] == "Number of referrals to Support Work team"
        # 38 service PIs in the document; the Caledonian PI is reported as its three counts: 40.
        assert len(fw.pis) == 40
        assert len(set(titles)) == 38

    def test_frequencies_as_published(self, fw):
        freq = {p.indicator: p.frequency for p in fw.pis}
        annual = [i for i, f in freq.items() if f == "annual"]
        half = [i for i, f in freq.items() if f == "6-monthly"]
        # "Annually": UPW hours completed, MAPPA clients, CPO breach outcomes, UPW hours on
        # individual placements, individual placement provider feedback. "6 monthly": the three EQ
        # PIs.
        assert annual == [
            "upw_hours_completed",
            "mappa_clients",
            "cpo_breach_outcomes_continued",
            "upw_hours_individual_placements",
            "placement_provider_feedback",
        ]
        assert half == [
            "supervision_questionnaires",
            "exit_questionnaire_improved",
            "upw_questionnaires",
        ]
        assert sum(f == "quarterly" for f in freq.values()) == 40 - 5 - 3

    def test_pis_sit_under_their_headings(self, fw):
        by_id = {p.indicator: p.headings for p in fw.pis}
        assert by_id["qa_case_file_audits"][3] == "9.4 Leadership of improvement and change"
        assert by_id["upw_completed_in_time"][2:] == (
            "Fulfilling statutory duties",
            "6.1 Policies, procedures and legal measures",
        )
        assert by_id["support_work_referrals"][1] == (
            "To promote the social inclusion of people with convictions"
        )

    def test_qa_audit_is_manual(self, fw):
        assert [p.indicator for p in fw.pis if p.manual] == ["qa_case_file_audits"]

    def test_agrees_with_the_catalogue_placing(self, fw):
        catalogue = load_catalogue()
        for pi in fw.pis:
            placing = catalogue.get(pi.indicator).framework
            assert tuple(placing[level] for level in fw.levels) == pi.headings, pi.indicator

    def test_every_aberdeen_indicator_of_the_catalogue_is_in_it(self, fw):
        catalogue = load_catalogue()
        assert {i.id for i in catalogue if "aberdeen" in i.sources} == set(fw.indicators())


class TestGlasgowFramework:
    def test_six_kpis_in_the_published_order(self):
        fw = load_framework("glasgow")
        assert [p.title for p in fw.pis] == [
            "Unpaid Work Placements commenced within 7 days of sentence",
            "Community Payback Orders with a Case Management Plan within 20 days",
            "Community Payback Orders 3 month reviews held within timescales",
            "Unpaid Work requirements completed to timescales",
            "Percentage of Criminal Justice Social Work Reports submitted to Court",
            "Throughcare Order/Licences: Post release interviews held within one day of release",
        ]
        assert {p.frequency for p in fw.pis} == {"quarterly"}


class TestCouncilFrameworks:
    def test_aberdeen_and_glasgow_name_theirs(self):
        assert load_council_frameworks() == {"S12000033": "aberdeen", "S12000049": "glasgow"}

    def test_a_council_without_one_gets_none(self):
        assert framework_of("S12000047") is None  # Fife
        assert framework_of("S12000033").name == "aberdeen"

    def test_unknown_council(self, params):
        path = params / "report.yaml"
        path.write_text(path.read_text().replace("Aberdeen City: aberdeen", "Aberdon: aberdeen"))
        with pytest.raises(ParamsError, match=r"report\.yaml: frameworks\.Aberdon: not a council"):
            load_council_frameworks(params)

    def test_unknown_framework(self, params):
        path = params / "report.yaml"
        path.write_text(path.read_text().replace("Glasgow City: glasgow", "Glasgow City: glasgw"))
        with pytest.raises(
            ParamsError, match=r"frameworks\.Glasgow City: 'glasgw' is not a framework"
        ):
            load_council_frameworks(params)

    def test_council_named_twice(self, params):
        path = params / "report.yaml"
        path.write_text(path.read_text() + "  S12000033: glasgow\n")
        with pytest.raises(
            ParamsError, match=r"frameworks\.S12000033: Aberdeen City is named twice"
        ):
            load_council_frameworks(params)


class TestLoaderErrors:
    def test_names_are_the_files(self, params):
        _write_framework(params, "test", MINIMAL + "  - {section: A, indicator: cpos_imposed}\n")
        assert framework_names(params) == ["aberdeen", "glasgow", "test"]

    def test_unknown_framework_file(self, params):
        with pytest.raises(ParamsError, match=r"frameworks/nowhere\.yaml: no such framework"):
            load_framework("nowhere", params)

    def test_unknown_indicator(self, params):
        _write_framework(params, "test", MINIMAL + "  - {section: A, indicator: cpos_imposd}\n")
        with pytest.raises(
            ParamsError,
            match=r"test\.yaml: pis\[0\] \(cpos_imposd\)\.indicator: 'cpos_imposd' is not an indicator id",
        ):
            load_framework("test", params)

    def test_duplicate_pi(self, params):
        _write_framework(
            params,
            "test",
            MINIMAL
            + "  - {section: A, indicator: cpos_imposed}\n"
            + "  - {section: A, indicator: cpos_imposed}\n",
        )
        with pytest.raises(
            ParamsError,
            match=r"pis\[1\] \(cpos_imposed\)\.indicator: 'cpos_imposed' is listed twice",
        ):
            load_framework("test", params)

    def test_missing_heading(self, params):
        _write_framework(params, "test", MINIMAL + "  - {indicator: cpos_imposed}\n")
        with pytest.raises(ParamsError, match=r"pis\[0\] \(cpos_imposed\)\.section: missing"):
            load_framework("test", params)

    def test_heading_split_in_two(self, params):
        _write_framework(
            params,
            "test",
            MINIMAL
            + "  - {section: A, indicator: cpos_imposed}\n"
            + "  - {section: B, indicator: people_on_cpos}\n"
            + "  - {section: A, indicator: fiscal_work_orders}\n",
        )
        with pytest.raises(
            ParamsError, match=r"pis\[2\] \(fiscal_work_orders\)\.section: 'A' comes back"
        ):
            load_framework("test", params)

    def test_frequency_more_often_than_computed(self, params):
        _write_framework(
            params,
            "test",
            MINIMAL + "  - {section: A, indicator: mappa_clients, frequency: quarterly}\n",
        )
        with pytest.raises(
            ParamsError, match=r"\(mappa_clients\)\.frequency: quarterly is more often than"
        ):
            load_framework("test", params)

    def test_unknown_frequency(self, params):
        _write_framework(
            params,
            "test",
            MINIMAL + "  - {section: A, indicator: cpos_imposed, frequency: monthly}\n",
        )
        with pytest.raises(ParamsError, match=r"\.frequency: 'monthly' is not one of"):
            load_framework("test", params)

    def test_title_missing_for_the_source(self, params):
        # reports_by_due_date has no aberdeen title in the catalogue, and the entry gives none.
        _write_framework(
            params, "test", MINIMAL + "  - {section: A, indicator: reports_by_due_date}\n"
        )
        with pytest.raises(ParamsError, match=r"\(reports_by_due_date\)\.title: missing"):
            load_framework("test", params)

    def test_own_title_and_default_frequency(self, params):
        _write_framework(
            params,
            "test",
            MINIMAL + "  - {section: A, indicator: reports_by_due_date, title: On time}\n",
        )
        pi = load_framework("test", params).pis[0]
        assert (pi.title, pi.frequency, pi.headings) == ("On time", "quarterly", ("A",))

    def test_unknown_key(self, params):
        _write_framework(params, "test", MINIMAL.replace("levels", "levles"))
        with pytest.raises(ParamsError, match=r"test\.yaml: levles: not a key of a framework"):
            load_framework("test", params)

    def test_unknown_source(self, params):
        _write_framework(params, "test", MINIMAL.replace("source: aberdeen", "source: fife"))
        with pytest.raises(ParamsError, match=r"test\.yaml: source: 'fife' is not one of"):
            load_framework("test", params)
