"""Tests for jswlib/run/docs.py: the generated pages docs/data-contract.md and docs/api.md.

Expected values are written out by hand from tiny made-up modules, or from the folder tree walked
here with pathlib, never from the generator's own output.
"""

from __future__ import annotations

import sys
import types

import pytest

from jswlib.data import validation
from jswlib.definitions import schema
from jswlib.run import docs

from .conftest import REPO

FAKE = "jswlib_fake_layer_for_tests"


@pytest.fixture
def fake_module(monkeypatch):
    """A module in sys.modules with a public function, a class, a private function and an
    import."""
    module = types.ModuleType(FAKE, "A fake layer.\n\nMore text that is not the summary.")

    def visible():
        """Shown in the index,
        with a summary on two lines.

        Not this paragraph.
        """

    def _hidden():
        """Private: not shown."""

    class Thing:
        """A thing."""

    for obj in (visible, _hidden, Thing):
        obj.__module__ = FAKE
        setattr(module, obj.__name__, obj)
    module.imported = schema.contract_markdown  # defined elsewhere: not listed here
    monkeypatch.setitem(sys.modules, FAKE, module)
    return module


class TestApiModules:
    def test_every_module_file_is_listed_once(self):
        # Walk the package folder independently: every .py file but __init__ is a module.
        expected = set()
        for layer in docs.LAYERS:
            expected.add(f"jswlib.{layer}")
            for path in (REPO / "jswlib" / layer).glob("*.py"):
                if path.stem != "__init__":
                    expected.add(f"jswlib.{layer}.{path.stem}")
        listed = docs.api_modules()
        assert len(listed) == len(set(listed))
        assert set(listed) == expected

    def test_layers_come_lowest_first_each_followed_by_its_modules(self):
        listed = docs.api_modules()
        packages = [name for name in listed if name.count(".") == 1]
        assert packages == [f"jswlib.{layer}" for layer in docs.LAYERS]
        for position, name in enumerate(listed):
            owner = name.rsplit(".", 1)[0] if name.count(".") == 2 else name
            last_package = [n for n in listed[: position + 1] if n.count(".") == 1][-1]
            assert owner == last_package, name

    def test_core_comes_first_and_cli_last(self):
        listed = docs.api_modules()
        assert listed[0] == "jswlib.core"
        assert [n for n in listed if n.count(".") == 1][-1] == "jswlib.cli"


class TestPublicMembers:
    def test_lists_public_functions_and_classes_defined_in_the_module(self, fake_module):
        # visible: summary joined onto one line; Thing: one line; _hidden and imported: left out.
        assert docs.public_members(FAKE) == [
            ("Thing", "A thing."),
            ("visible", "Shown in the index, with a summary on two lines."),
        ]

    def test_a_real_module(self):
        members = dict(docs.public_members("jswlib.definitions.periods"))
        assert "parse_period" in members
        assert "_check_n" not in dict(docs.public_members("jswlib.definitions.calendar"))


class TestApiPage:
    def test_page_for_one_fake_module(self, fake_module, monkeypatch):
        monkeypatch.setattr(docs, "api_modules", lambda: [FAKE])
        page = docs.api_page()
        # A name without dots below the package is not a layer package: a ### heading.
        tail = page.split(f"### `{FAKE}`\n", 1)[1]
        assert tail == (
            "\nA fake layer.\n\n"
            "- `Thing`: A thing.\n"
            "- `visible`: Shown in the index, with a summary on two lines.\n"
        )
        assert page.startswith("# Function index\n\n" + docs.GENERATED_NOTE + "\n")

    def test_a_new_function_changes_the_page(self, monkeypatch):
        # What the packaging test relies on: adding code without `make docs` changes the page.
        before = docs.api_page()

        def brand_new_helper():
            """A helper added after the docs were generated."""

        brand_new_helper.__module__ = "jswlib.core.io"
        monkeypatch.setattr("jswlib.core.io.brand_new_helper", brand_new_helper, raising=False)
        after = docs.api_page()
        assert after != before
        assert "- `brand_new_helper`: A helper added after the docs were generated.\n" in after

    def test_layer_packages_get_level_two_headings(self):
        page = docs.api_page()
        for layer in docs.LAYERS:
            assert f"\n## `jswlib.{layer}`\n" in page


class TestDateFormatWords:
    def test_formats_as_people_write_them(self):
        assert docs._date_format_words("%d/%m/%Y") == "DD/MM/YYYY"
        assert docs._date_format_words("%Y-%m-%d %H:%M:%S") == "YYYY-MM-DD hh:mm:ss"


class TestContractPage:
    def test_every_table_has_a_section(self):
        page = docs.contract_page()
        for name, table in schema.TABLES.items():
            assert f"\n### `{name}`: {table.title}\n" in page

    def test_every_rule_has_a_row(self):
        page = docs.contract_page()
        assert "| `missing` | a required value is blank |" in page
        for code in validation.RULES:
            assert f"| `{code}` |" in page

    def test_reading_rules_come_from_the_constants(self):
        page = docs.contract_page()
        assert "`YYYY-MM-DD`, `DD/MM/YYYY`," in page  # the first two of DATE_FORMATS, in order
        assert "1 January 1990" in page  # EARLIEST_PLAUSIBLE_DATE
        assert "`n/a`" in page and "`null`" in page  # MISSING_TOKENS
        assert "`[withheld]`" in page

    def test_page_ends_with_one_newline(self):
        page = docs.contract_page()
        assert page.endswith("\n") and not page.endswith("\n\n")


class TestWritePages:
    def test_writes_both_pages(self, tmp_path):
        written = docs.write_pages(tmp_path / "docs")
        assert sorted(p.name for p in written) == ["api.md", "data-contract.md"]
        assert (tmp_path / "docs" / "api.md").read_text(encoding="utf-8") == docs.api_page()
        assert (tmp_path / "docs" / "data-contract.md").read_text(
            encoding="utf-8"
        ) == docs.contract_page()


class TestMain:
    def test_writes_into_the_folder_given(self, tmp_path, capsys):
        assert docs.main([str(tmp_path)]) == 0
        assert (tmp_path / "api.md").is_file() and (tmp_path / "data-contract.md").is_file()
        assert f"wrote {tmp_path / 'api.md'}" in capsys.readouterr().out
