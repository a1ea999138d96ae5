"""The notebooks run end to end with papermill on a tiny hand-made extract, and show what they
should."""

from __future__ import annotations

import json
import re

import papermill as pm
import pytest

from .conftest import REPO

REPORTS = "report_id,council,person_id,report_type,requested_date,due_date,submitted_date"


def _outputs_text(nb_path) -> str:
    """All text the executed notebook shows (plain-text and HTML outputs, streams)."""
    nb = json.loads(nb_path.read_text())
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("text", "")))
            data = out.get("data", {})
            parts.append("".join(data.get("text/plain", "")))
            parts.append("".join(data.get("text/html", "")))
            parts.append("".join(data.get("text/markdown", "")))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def executed_data_quality(tmp_path_factory):
    """The data-quality notebook executed on a three-row extract; returns the text it shows."""
    folder = tmp_path_factory.mktemp("extract")
    (folder / "court_reports.csv").write_text(
        "\n".join(
            [
                REPORTS,
                "R1,Fife,PERSON-AAA,CJSWR,2025-07-01,2025-07-20,2025-07-18",
                "R2,Gotham,PERSON-BBB,CJSWR,2025-07-01,2025-07-20,",
                # Submitted after it was due: still valid.
                "R3,Fife,PERSON-CCC,CJSWR,2025-07-01,2025-07-20,2025-07-30",
            ]
        )
        + "\n"
    )
    out = folder / "executed.ipynb"
    pm.execute_notebook(
        str(REPO / "notebooks" / "data_quality.ipynb"),
        str(out),
        parameters={"data_dir": str(folder), "extract_date": "2025-10-05"},
        cwd=str(REPO / "notebooks"),
        progress_bar=False,
    )
    return _outputs_text(out)


class TestDataQualityNotebook:
    def test_shows_the_counts_worked_out_by_hand(self, executed_data_quality):
        shown = executed_data_quality
        assert "Extract date: 2025-10-05" in shown
        # 3 rows read; R2 names an unknown council; so 2 accepted and 1 rejected.
        row = re.search(
            r"<td>court_reports</td>\s*<td>[^<]*</td>\s*<td>(\w+)</td>\s*<td>(\d+)</td>\s*"
            r"<td>(\d+)</td>\s*<td>(\d+)</td>",
            shown,
        )
        assert row is not None and row.groups() == ("ok", "3", "2", "1")
        assert re.search(r"<td>court_reports</td>\s*<td>unknown_council</td>\s*<td>1</td>", shown)
        assert "Gotham" in shown

    def test_shows_no_person_identifier(self, executed_data_quality):
        assert "PERSON-" not in executed_data_quality

    def test_papermill_sees_every_parameter(self):
        found = pm.inspect_notebook(str(REPO / "notebooks" / "data_quality.ipynb"))
        assert set(found) == {"data_dir", "extract_date", "encoding"}


class TestNotebookRules:
    @pytest.mark.parametrize(
        "path", sorted((REPO / "notebooks").glob("*.ipynb")), ids=lambda p: p.name
    )
    def test_parameters_cell_and_no_definitions(self, path):
        nb = json.loads(path.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert "parameters" in code[0].get("metadata", {}).get("tags", []), (
            "first code cell must be tagged parameters"
        )
        for cell in code:
            source = "".join(cell["source"])
            assert not any(
                line.lstrip().startswith(("def ", "class ")) for line in source.splitlines()
            ), f"{path.name}: logic belongs in jswlib, not in a notebook"


def _table_rows(page: str, first_header: str) -> list[list[str]]:
    """Rows (cell texts) of the first HTML table in ``page`` whose first header cell is
    ``first_header``."""
    import html as html_lib

    for table in re.findall(r"<table.*?</table>", page, flags=re.S):
        headers = [
            html_lib.unescape(re.sub(r"<[^>]+>", "", h)).strip()
            for h in re.findall(r"<th[^>]*>(.*?)</th>", table, flags=re.S)
        ]
        if headers and headers[0] == first_header:
            body = table.split("</thead>", 1)[-1]
            return [
                [
                    html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                    for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
                ]
                for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
            ]
    raise AssertionError(f"no table headed {first_header!r}")


@pytest.fixture(scope="module")
def quarterly_reports(tmp_path_factory):
    """The quarterly report executed on the demo data: Glasgow City (internal) and Fife (public),
    Q2 2025/26."""
    folder = tmp_path_factory.mktemp("reports")
    shown = {}
    for council, audience in (("Glasgow City", "internal"), ("Fife", "public")):
        out = folder / f"{council}.ipynb"
        pm.execute_notebook(
            str(REPO / "notebooks" / "quarterly_report.ipynb"),
            str(out),
            parameters={"council": council, "quarter": "Q2 2025/26", "audience": audience},
            cwd=str(REPO / "notebooks"),
            progress_bar=False,
        )
        shown[council] = _outputs_text(out)
    return shown


class TestQuarterlyReportNotebook:
    def test_papermill_sees_every_parameter(self):
        found = pm.inspect_notebook(str(REPO / "notebooks" / "quarterly_report.ipynb"))
        assert set(found) == {
            "council",
            "quarter",
            "data_dir",
            "audience",
            "commentary_file",
            "encoding",
        }

    @pytest.mark.parametrize(
        "council, audience", [("Glasgow City", "internal"), ("Fife", "public")]
    )
    def test_headline_table_shows_what_jswlib_computes(self, quarterly_reports, council, audience):
        from jswlib.present.report import prepare_report

        expected = prepare_report(council, "Q2 2025/26", audience=audience).headline_table().data
        rows = _table_rows(quarterly_reports[council], "KPI")
        assert len(rows) == len(expected) > 0
        for row, (_, want) in zip(rows, expected.iterrows()):
            assert row == [str(v) if str(v) != "<NA>" else "" for v in want.tolist()][: len(row)]

    def test_glasgow_shows_its_six_targets_and_two_state_words(self, quarterly_reports):
        rows = _table_rows(quarterly_reports["Glasgow City"], "KPI")
        own = " (Glasgow City target)"
        assert [r[1] for r in rows] == [
            "80%" + own,
            "85%" + own,
            "75%" + own,
            "70%" + own,
            "80%" + own,
            "80%" + own,
        ]  # Glasgow's targets (reference), each with its source
        assert {r[4] for r in rows} <= {"Green", "Red"}

    def test_every_headline_target_says_where_it_comes_from(self, quarterly_reports):
        rows = _table_rows(quarterly_reports["Fife"], "KPI")
        # Fife sets no targets: the national defaults, each labelled so.
        assert rows and all(r[1].endswith("(national default)") for r in rows)
        for page in quarterly_reports.values():
            assert "None set" not in page
            assert not re.search(r">\s*(None|nan)\s*<", page)

    def test_commentary_appears_and_is_missing_visibly(self, quarterly_reports):
        assert "Ongoing local performance scrutiny" in quarterly_reports["Glasgow City"]
        assert "No commentary supplied" in quarterly_reports["Fife"]

    def test_public_audience_hides_internal_detail(self, quarterly_reports):
        glasgow, fife = quarterly_reports["Glasgow City"], quarterly_reports["Fife"]
        assert "Internal report" in glasgow and "Internal report" not in fife
        # Rejection reasons by rule are internal; the public report gives totals only.
        assert "unknown_council" in glasgow or "not a council name" in glasgow
        assert "not a council name" not in fife and "unknown_council" not in fife
        # No count of 1 to 4 cases is shown to the public.
        for row in _table_rows(fife, "KPI"):
            assert row[6] not in {"1", "2", "3", "4"}


# --- Faults and bad input (issue 9) --------------------------------------------------------------


class TestMisspeltParameter:
    def test_papermill_with_an_unknown_parameter_stops_with_its_name(self, tmp_path):
        # "-p extract_dat ...": before the fix papermill only logged a warning and the notebook
        # ran on its defaults, exit 0. Now the cell after the parameters stops on the name.
        from papermill.exceptions import PapermillExecutionError

        folder = tmp_path / "extract"
        folder.mkdir()
        (folder / "court_reports.csv").write_text(
            REPORTS + "\nR1,Fife,PERSON-AAA,CJSWR,2025-07-01,2025-07-20,\n"
        )
        with pytest.raises(PapermillExecutionError) as err:
            pm.execute_notebook(
                str(REPO / "notebooks" / "data_quality.ipynb"),
                str(tmp_path / "out.ipynb"),
                parameters={"data_dir": str(folder), "extract_dat": "2025-10-05"},
                progress_bar=False,
                cwd=str(REPO / "notebooks"),
            )
        assert err.value.ename == "InputError"
        assert "'extract_dat' (did you mean extract_date?)" in err.value.evalue
