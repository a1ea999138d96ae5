"""The reports' tables as HTML: a pandas Styler that writes the HTML of a plain table itself.

Every table of a report is a :class:`pandas.io.formats.style.Styler` (no index, cells escaped,
a caption, the report's table styles, RAG cells coloured). Pandas renders a Styler through a
general Jinja template that handles merged headers, trimming, tooltips and concatenated tables;
for the reports' plain tables that costs several milliseconds a table, a large part of a report.
:class:`TableStyler` is a Styler in every respect, except that ``to_html()`` with no argument
(which is what a notebook's display calls) writes the same HTML directly when the table is plain:
one header row, a hidden index, nothing hidden besides, no tooltips, classes or concatenated
tables. Anything else goes to pandas' own rendering. ``tests/test_tables.py`` checks the two give
the same text, character for character, on every kind of table of the reports.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler


def _rule(selectors: str, props: Any) -> list[str]:
    """One CSS rule as pandas' template writes it."""
    return [f"{selectors} {{", *(f"  {p}: {v};" for p, v in props), "}"]


class TableStyler(Styler):
    """A :class:`~pandas.io.formats.style.Styler` whose plain tables write their HTML directly
    (see the module's notes); build it as a Styler: ``TableStyler(frame)``."""

    def _is_plain(self) -> bool:
        return (
            self.index.nlevels == 1
            and self.columns.nlevels == 1
            and all(self.hide_index_)
            and not any(self.hide_columns_)
            and not self.hidden_rows
            and not self.hidden_columns
            and not self.concatenated
            and not self.cell_context
            and self.tooltips is None
            and not self.table_attributes
            and self.cell_ids
            and self.data.columns.names[0] is None
            and len(self.data) * len(self.data.columns) <= 10_000
            and isinstance(self.caption, (str, type(None)))
        )

    def to_html(self, buf: Any = None, **kwargs: Any) -> Any:
        """As :meth:`pandas.io.formats.style.Styler.to_html`; with no argument, a plain table's
        HTML is written directly (the same text)."""
        if buf is not None or kwargs or not self._is_plain():
            return super().to_html(buf, **kwargs)
        self._compute()
        uuid = f"T_{self.uuid}"
        css = self.css
        lines = ['<style type="text/css">']
        for style in self.table_styles or ():
            for selector in style["selector"].split(","):  # as pandas: one rule a selector
                lines += _rule(f"#{uuid} {selector}", style["props"])
        rules: defaultdict[tuple, list[str]] = defaultdict(list)
        body = []
        row, col, data = css["row"], css["col"], css["data"]
        # the rows as itertuples gives them (each column's Series iterated), without its indexing
        rows = zip(*(column for _, column in self.data.items()))
        for r, values in enumerate(rows):
            body.append("    <tr>")
            for c, value in enumerate(values):
                cell = f"{row}{r}_{col}{c}"
                if self.ctx.get((r, c)):
                    rules[tuple(self.ctx[r, c])].append(cell)
                shown = self._display_funcs[(r, c)](value)
                body.append(
                    f'      <td id="{uuid}_{cell}" class="{data} {row}{r} {col}{c}" >{shown}</td>'
                )
            body.append("    </tr>")
        for props, cells in rules.items():
            lines += _rule(", ".join(f"#{uuid}_{cell}" for cell in cells), props)
        lines += ["</style>", f'<table id="{uuid}">']
        if self.caption:
            lines.append(f"  <caption>{self.caption}</caption>")
        lines += ["  <thead>", "    <tr>"]
        level, heading = css["level"], css["col_heading"]
        for c, name in enumerate(self.data.columns):
            shown = self._display_funcs_columns[(0, c)](name)
            lines.append(
                f'      <th id="{uuid}_{level}0_{col}{c}" class="{heading} {level}0 {col}{c}" '
                f">{shown}</th>"
            )
        lines += ["    </tr>", "  </thead>", "  <tbody>", *body, "  </tbody>", "</table>"]
        return "\n".join(lines) + "\n"


def table_styler(frame: pd.DataFrame) -> TableStyler:
    """``frame.style``, as a :class:`TableStyler`."""
    return TableStyler(frame)
