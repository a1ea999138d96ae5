"""The notebooks run end to end with papermill on a tiny hand-made extract, and show what they should."""

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
    return "\n".join(parts)


@pytest.fixture(scope="module")
def executed_data_quality(tmp_path_factory):
    """The data-quality notebook executed on a three-row extract; returns the text it shows."""
    folder = tmp_path_factory.mktemp("extract")
    (folder / "court_reports.csv").write_text(
        "\n".join([
            REPORTS,
            "R1,Fife,PERSON-AAA,CJSWR,2025-07-01,2025-07-20,2025-07-18",
            "R2,Gotham,PERSON-BBB,CJSWR,2025-07-01,2025-07-20,",
            "R3,Fife,PERSON-CCC,CJSWR,2025-07-01,2025-07-20,2025-07-30",  # submitted after due: still valid
        ]) + "\n"
    )
    out = folder / "executed.ipynb"
    pm.execute_notebook(
        str(REPO / "notebooks" / "data_quality.ipynb"), str(out),
        parameters={"data_dir": str(folder), "extract_date": "2025-10-05"},
        cwd=str(REPO / "notebooks"), progress_bar=False,
    )
    return _outputs_text(out)


class TestDataQualityNotebook:
    def test_shows_the_counts_worked_out_by_hand(self, executed_data_quality):
        shown = executed_data_quality
        assert "Extract date: 2025-10-05" in shown
        # 3 rows read; R2 names an unknown council; so 2 accepted and 1 rejected.
        row = re.search(r"<td>court_reports</td>\s*<td>[^<]*</td>\s*<td>(\w+)</td>\s*<td>(\d+)</td>\s*"
                        r"<td>(\d+)</td>\s*<td>(\d+)</td>", shown)
        assert row is not None and row.groups() == ("ok", "3", "2", "1")
        assert re.search(r"<td>court_reports</td>\s*<td>unknown_council</td>\s*<td>1</td>", shown)
        assert "Gotham" in shown

    def test_shows_no_person_identifier(self, executed_data_quality):
        assert "PERSON-" not in executed_data_quality

    def test_papermill_sees_every_parameter(self):
        found = pm.inspect_notebook(str(REPO / "notebooks" / "data_quality.ipynb"))
        assert set(found) == {"data_dir", "extract_date"}


class TestNotebookRules:
    @pytest.mark.parametrize("path", sorted((REPO / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
    def test_parameters_cell_and_no_definitions(self, path):
        nb = json.loads(path.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert "parameters" in code[0].get("metadata", {}).get("tags", []), "first code cell must be tagged parameters"
        for cell in code:
            source = "".join(cell["source"])
            assert not any(line.lstrip().startswith(("def ", "class ")) for line in source.splitlines()), (
                f"{path.name}: logic belongs in jswlib, not in a notebook"
            )
