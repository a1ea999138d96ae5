"""Tests for jswlib/definitions/params.py: loading params files, and errors that name the file and
the key."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from jswlib.definitions.params import ParamsError, load_councils, load_holiday_rules, params_dir

from .conftest import REPO


@pytest.fixture
def params_copy(tmp_path):
    folder = tmp_path / "params"
    shutil.copytree(REPO / "params", folder)
    return folder


class TestParamsDir:
    def test_environment_variable_points_elsewhere(self, params_copy, monkeypatch):
        monkeypatch.setenv("JSW_PARAMS", str(params_copy))
        assert params_dir() == params_copy

    def test_missing_folder_is_a_clear_error(self, tmp_path):
        with pytest.raises(ParamsError, match="params folder not found"):
            params_dir(tmp_path / "nowhere")


class TestLoadCouncils:
    def test_bad_family_group_names_file_and_key(self, params_copy):
        file = params_copy / "councils.yaml"
        file.write_text(file.read_text().replace("family_group: FG3", "family_group: FG9", 1))
        with pytest.raises(ParamsError) as err:
            load_councils(params_copy)
        message = str(err.value)
        assert "councils.yaml" in message and "family_group" in message and "FG9" in message

    def test_malformed_code_names_the_council(self, params_copy):
        file = params_copy / "councils.yaml"
        file.write_text(file.read_text().replace("code: S12000049", "code: S1200049"))
        with pytest.raises(ParamsError, match=r"Glasgow City.*code.*S1200049"):
            load_councils(params_copy)

    def test_duplicate_code_is_refused(self, params_copy):
        file = params_copy / "councils.yaml"
        file.write_text(file.read_text().replace("code: S12000049", "code: S12000047"))
        with pytest.raises(ParamsError, match="S12000047"):
            load_councils(params_copy)

    def test_invalid_yaml_names_file_and_line(self, params_copy):
        (params_copy / "councils.yaml").write_text("councils: [\n  - name: x\n")
        with pytest.raises(ParamsError, match=r"councils.yaml.*line"):
            load_councils(params_copy)


class TestLoadHolidayRules:
    def test_shipped_file_loads(self):
        rules = load_holiday_rules(REPO / "params")
        assert rules.national_add == ()

    def test_council_dates_are_keyed_by_code_and_combined_with_national(self, params_copy):
        (params_copy / "holidays.yaml").write_text(
            "national:\n  add: [2025-01-03]\n  remove: [2026-06-15]\ncouncils:\n  Glasgow City:\n "
            "   add: [2025-07-21, 2025-07-22]\n  fife:\n    remove: [2025-12-26]\n"
        )
        rules = load_holiday_rules(params_copy)
        add, remove = rules.for_council("S12000049")
        assert add == (date(2025, 1, 3), date(2025, 7, 21), date(2025, 7, 22))
        assert remove == (date(2026, 6, 15),)
        assert rules.for_council("S12000047") == (
            (date(2025, 1, 3),),
            (date(2026, 6, 15), date(2025, 12, 26)),
        )
        assert rules.for_council(None) == ((date(2025, 1, 3),), (date(2026, 6, 15),))

    def test_bad_date_names_file_and_key(self, params_copy):
        (params_copy / "holidays.yaml").write_text("councils:\n  fife:\n    add: [2025-02-30]\n")
        with pytest.raises(
            ParamsError, match=r"holidays.yaml: councils.fife.add\[0\]: '2025-02-30'"
        ):
            load_holiday_rules(params_copy)

    def test_unknown_council_names_file_and_key(self, params_copy):
        (params_copy / "holidays.yaml").write_text("councils:\n  Gotham:\n    add: []\n")
        with pytest.raises(ParamsError, match=r"holidays.yaml: councils.Gotham"):
            load_holiday_rules(params_copy)


# --- Faults and bad input (issue 9) --------------------------------------------------------------


class TestDuplicates:
    def test_a_repeated_target_key_is_refused(self, params_copy):
        from jswlib.compute.indicators import load_definitions

        path = params_copy / "targets.yaml"
        text = path.read_text()
        path.write_text(
            text.replace(
                "      upw_placement: 80\n", "      upw_placement: 80\n      upw_placement: 60\n"
            )
        )
        with pytest.raises(ParamsError, match=r"targets.yaml.*'upw_placement'.*more than once"):
            load_definitions(params_copy)

    def test_a_council_under_two_spellings_in_targets_is_refused(self, params_copy):
        from jswlib.compute.indicators import load_definitions

        path = params_copy / "targets.yaml"
        # A second block for Glasgow under its name: before the fix it replaced the first whole
        # (five targets lost, scheme changed) and the run went on.
        path.write_text(
            path.read_text() + "\n  Glasgow City:\n    targets:\n      upw_placement: 50\n"
        )
        with pytest.raises(ParamsError) as err:
            load_definitions(params_copy)
        message = str(err.value)
        assert "targets.yaml" in message and "glasgow-city" in message
        assert "Glasgow City" in message

    def test_a_council_under_two_spellings_in_holidays_is_refused(self, params_copy):
        (params_copy / "holidays.yaml").write_text(
            "councils:\n  fife:\n    add: [2025-08-04]\n  Fife:\n    add: [2025-08-05]\n"
        )
        with pytest.raises(ParamsError, match=r"holidays.yaml.*Fife.*more than once"):
            load_holiday_rules(params_copy)


class TestSlugs:
    @pytest.mark.parametrize("slug", ["../../x", "Fife", "fife/x", "fife_", "-fife", ""])
    def test_an_unsafe_slug_is_refused(self, params_copy, slug):
        path = params_copy / "councils.yaml"
        path.write_text(path.read_text().replace("slug: fife\n", f"slug: '{slug}'\n"))
        with pytest.raises(ParamsError, match="slug"):
            load_councils(params_copy)

    def test_the_shipped_slugs_are_safe(self):
        assert all(c.slug for c in load_councils(REPO / "params"))
