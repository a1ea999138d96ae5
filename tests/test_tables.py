"""Tests for jswlib.present.tables: a TableStyler writes the same HTML as pandas' Styler, character
for character, on every kind of table the reports show, and goes to pandas for anything else."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.io.formats.style import Styler

from jswlib.present.report import prepare_report
from jswlib.present.style import TABLE_STYLES, rag_css
from jswlib.present.tables import TableStyler


def _both(frame: pd.DataFrame, build) -> tuple[str, str]:
    """The HTML of the same styling applied to a pandas Styler and to a TableStyler."""
    return tuple(build(cls(frame, uuid="abcde")).to_html() for cls in (Styler, TableStyler))


def _report_like(styler: Styler, caption: str | None = "A caption", rag: str | None = None):
    styler = styler.hide(axis="index").format(escape="html", na_rep="n/a")
    if caption is not None:
        styler = styler.set_caption(caption)
    styler = styler.set_table_styles(list(TABLE_STYLES))
    return styler.map(rag_css, subset=[rag]) if rag else styler


MIXED = pd.DataFrame(
    {
        "KPI": ['Reports <on time> & "due"', "It's", None, "→ Improved"],
        "Cases": [137, 0, 12, np.int64(5)],
        "Share": [75.5, np.nan, 0.1234567, 1e-9],
        "Pending": pd.array([1, None, 3, 4], dtype="Int64"),
        "Flag": [True, False, True, False],
        "RAG": ["Green", "Amber", "Red", "[c]"],
    }
)


class TestSameHtmlAsPandas:
    def test_mixed_cells_escaped_missing_and_numbers(self):
        pandas_html, ours = _both(MIXED, _report_like)
        assert ours == pandas_html
        assert "&lt;on time&gt; &amp; &#34;due&#34;" in ours  # escaped as pandas escapes
        assert ">n/a</td>" in ours and ">75.500000</td>" in ours  # pandas' default formats

    def test_rag_cells_grouped_into_rules(self):
        pandas_html, ours = _both(MIXED, lambda s: _report_like(s, rag="RAG"))
        assert ours == pandas_html
        assert "#T_abcde_row0_col5 {" in ours  # Green: one rule with its cell

    def test_same_colour_cells_share_a_rule(self):
        frame = pd.DataFrame({"RAG": ["Green", "Red", "Green", "Green"]})
        pandas_html, ours = _both(frame, lambda s: _report_like(s, rag="RAG"))
        assert ours == pandas_html
        assert "#T_abcde_row0_col0, #T_abcde_row2_col0, #T_abcde_row3_col0 {" in ours

    def test_no_caption_no_styles(self):
        pandas_html, ours = _both(MIXED, lambda s: s.hide(axis="index"))
        assert ours == pandas_html

    def test_no_rows(self):
        frame = MIXED.iloc[:0]
        pandas_html, ours = _both(frame, _report_like)
        assert ours == pandas_html and "<tbody>\n  </tbody>" in ours


class TestOtherTablesGoToPandas:
    @pytest.mark.parametrize(
        "build",
        [
            lambda s: s,  # the index shown
            lambda s: s.hide(axis="index").hide(subset=["Cases"], axis="columns"),
            lambda s: s.hide(axis="index").set_table_attributes('class="wide"'),
            lambda s: s.hide(axis="index").set_td_classes(
                pd.DataFrame({"KPI": ["x", "", "", ""]}, index=MIXED.index)
            ),
        ],
    )
    def test_the_same_html_all_the_same(self, build):
        pandas_html, ours = _both(MIXED, build)
        assert ours == pandas_html

    def test_arguments_go_to_pandas(self):
        styler = _report_like(TableStyler(MIXED, uuid="abcde"))
        assert styler.to_html(doctype_html=True).startswith("<!DOCTYPE html>")


class TestEveryTableOfAReport:
    @pytest.mark.parametrize("audience", ["internal", "public"])
    def test_the_same_as_pandas(self, audience):
        # Orkney Islands: small numbers, so the public tables hold suppressed cells.
        report = prepare_report("Orkney Islands", "Q4 2025/26", "", audience)
        tables = [
            report.headline_table(),
            report.comparison_table(),
            report.activity_table(),
            report.definitions_table(),
            report.data_quality_table(),
            *(report.quarterly_table(i) for i in report.quarterly_indicators()),
        ]
        for table in tables:
            assert isinstance(table, TableStyler)
            plain = Styler(table.data)
            plain.__dict__.update(
                {k: v for k, v in table.__dict__.items() if k not in ("template_html",)}
            )
            assert table.to_html() == Styler.to_html(plain)
