"""The national overview of a quarter: each indicator's Scotland series with SPC, its family
groups, and a
funnel plot of the 32 councils.

This is part of the *present* layer. :func:`prepare_national_overview` loads the results and picks
the quarter; each method of :class:`NationalOverview` gives one piece of the overview notebook as
data (``summary_data``, ``funnel_data``), a figure (``scotland_chart``, ``family_chart``,
``funnel_chart``) or HTML (``section_html``). The statistics come from :mod:`jswlib.judge.spc`
and the drawing from :mod:`jswlib.present.charts`.

Conventions (``docs/method.md``, "Statistical process control and funnel plots")
-------------------------------------------------------------------------------------
- Scotland and family-group figures are pooled from counts, on the national standard (results
  ``basis`` ``national``).
- SPC series (:func:`spc_series`): the last :data:`SPC_MONTHS` (36) complete months where at
  least :data:`jswlib.judge.spc.TRIAL_LIMIT_POINTS` (12) of them have a value, else the last
  :data:`SPC_QUARTERS` (16) complete quarters, ending with the overview quarter. The chart type
  is :func:`jswlib.judge.spc.suggest_chart`'s (a p-chart where denominators are small or vary).
- Funnel plots use each council's figure for the quarter on the national standard, for every
  proportion indicator. Councils outside the 99.8% limits are named, alphabetically; councils are
  never ranked.
- Only aggregated results are read: nothing here sees a person.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from jswlib.compute.indicators import (
    LEVEL_COUNCIL,
    LEVEL_FAMILY,
    LEVEL_SCOTLAND,
    Definitions,
    load_definitions,
)
from jswlib.compute.results import Results, choose_quarter, load_results
from jswlib.core.errors import InputError
from jswlib.definitions.catalogue import Indicator
from jswlib.definitions.periods import Period, parse_quarter
from jswlib.judge import spc, status
from jswlib.present import charts
from jswlib.present.style import TABLE_STYLES
from jswlib.present.svg import SvgFigure
from jswlib.present.tables import TableStyler

__all__ = [
    "NATIONAL_BASIS",
    "NationalOverview",
    "SPC_MONTHS",
    "SPC_QUARTERS",
    "SUMMARY_COLUMNS",
    "prepare_national_overview",
    "spc_figure",
    "spc_frame",
    "spc_series",
]

#: Months of an SPC chart's monthly series.
SPC_MONTHS: int = 36
#: Quarters of an SPC chart's quarterly series (when there are too few months).
SPC_QUARTERS: int = 16
#: Basis of the national figures.
NATIONAL_BASIS: str = "national"
#: Columns of :meth:`NationalOverview.summary_data`.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "indicator",
    "title",
    "unit",
    "latest",
    "variation",
    "variation_text",
    "assurance",
    "assurance_text",
    "chart",
    "above_99_8",
    "below_99_8",
)
_SUMMARY_TITLES = {
    "title": "Indicator",
    "latest": "Scotland, latest",
    "variation_text": "Variation",
    "assurance_text": "Assurance",
    "above_99_8": "Councils above the 99.8% limits",
    "below_99_8": "Councils below the 99.8% limits",
}


def spc_series(
    rows: pd.DataFrame,
    until: date | pd.Timestamp,
    *,
    months: int = SPC_MONTHS,
    quarters: int = SPC_QUARTERS,
) -> pd.DataFrame:
    """The series an SPC chart of one indicator and area shows: monthly where the data allow, else
    quarterly.

    Parameters
    ----------
    rows : pandas.DataFrame
        Results rows (:data:`jswlib.compute.indicators.RESULT_COLUMNS`) of one indicator, one area
        and one basis, of any frequency.
    until : date
        The last day of the series (the end of the report quarter).
    months, quarters : int
        How many months, or quarters, to show at most.

    Returns
    -------
    pandas.DataFrame
        Columns ``period``, ``value``, ``numerator``, ``denominator`` (floats, missing as NaN), in
        time order; ``attrs["frequency"]`` is ``"monthly"`` or ``"quarterly"``. Empty when there is
        no complete period.

    Notes
    -----
    Convention: only complete periods ending on or before ``until``; monthly when at least
    :data:`jswlib.judge.spc.TRIAL_LIMIT_POINTS` (12) of the last ``months`` months have a value.
    """
    return spc_series_of_columns(
        {column: rows[column] for column in SPC_SERIES_COLUMNS},
        until,
        months=months,
        quarters=quarters,
    )


#: The results columns :func:`spc_series` reads.
SPC_SERIES_COLUMNS = (
    "complete",
    "period_end",
    "frequency",
    "period_start",
    "period",
    "value",
    "numerator",
    "denominator",
)


def _numbers(values: Any) -> np.ndarray:
    """A column (Series or array) as floats, missing as NaN (``pd.to_numeric`` then NumPy)."""
    if isinstance(values, np.ndarray) and values.dtype == np.float64:
        return values
    if isinstance(values, (pd.arrays.IntegerArray, pd.arrays.FloatingArray)):
        return values.to_numpy(dtype="float64", na_value=np.nan)  # already numbers
    if not isinstance(values, pd.Series):
        values = pd.Series(values, copy=False)
    return pd.to_numeric(values).to_numpy(dtype="float64", na_value=np.nan)


def spc_series_of_columns(
    columns: Mapping[str, Any],
    until: date | pd.Timestamp,
    *,
    months: int = SPC_MONTHS,
    quarters: int = SPC_QUARTERS,
) -> pd.DataFrame:
    """:func:`spc_series` of results rows given as columns: Series or arrays (NumPy, or pandas'
    nullable arrays), by the names of :data:`SPC_SERIES_COLUMNS`, all of one length.

    A report that holds its rows' columns as arrays picks an indicator's rows from them without
    cutting a frame. Parameters and result as :func:`spc_series`.
    """
    complete = columns["complete"]
    if not (isinstance(complete, np.ndarray) and complete.dtype == np.bool_):
        complete = pd.Series(complete, copy=False).astype(bool).to_numpy()
    end = np.datetime64(pd.Timestamp(until))
    usable = complete & (np.asarray(columns["period_end"]) <= end)
    frequencies = np.asarray(columns["frequency"], dtype=object)
    starts = np.asarray(columns["period_start"])
    values = _numbers(columns["value"])
    chosen, frequency = np.array([], dtype=np.intp), "quarterly"
    for freq, n in (("monthly", months), ("quarterly", quarters)):
        part = np.flatnonzero(usable & (frequencies == freq))
        part = part[np.argsort(starts[part], kind="stable")][
            len(part) - n if len(part) > n else 0 :
        ]
        if (
            freq == "monthly"
            and np.count_nonzero(~np.isnan(values[part])) < spc.TRIAL_LIMIT_POINTS
        ):
            continue
        chosen, frequency = part, freq
        break

    def numbers(column: str) -> np.ndarray:
        return _numbers(columns[column])[chosen]

    periods = columns["period"]
    if not (
        isinstance(periods, np.ndarray)
        and periods.dtype == object
        and all(isinstance(p, str) for p in periods[chosen].tolist())
    ):
        periods = pd.Series(periods, copy=False).astype(str).to_numpy()
    series = pd.DataFrame(
        {
            "period": periods[chosen],
            "value": values[chosen],
            "numerator": numbers("numerator"),
            "denominator": numbers("denominator"),
        }
    )
    series.attrs["frequency"] = frequency
    return series


def spc_frame(series: pd.DataFrame, ind: Indicator, target: float | None) -> pd.DataFrame:
    """The SPC frame of a series from :func:`spc_series`: an XmR chart, or a p-chart where the
    denominators of a percentage are small or vary (:func:`jswlib.judge.spc.suggest_chart`).

    Parameters
    ----------
    series : pandas.DataFrame
        From :func:`spc_series`.
    ind : jswlib.definitions.catalogue.Indicator
        The indicator (its polarity, unit and type).
    target : float or None
        The target in the units of the value (80 for 80%); ignored for a neutral indicator.

    Returns
    -------
    pandas.DataFrame
        :func:`jswlib.judge.spc.xmr` or :func:`jswlib.judge.spc.p_chart` of the series.
    """
    return spc._as_frame(*spc_parts(series, ind, target))


def spc_parts(
    series: pd.DataFrame, ind: Indicator, target: float | None
) -> tuple[dict[str, Any], pd.Index, dict[str, Any]]:
    """The chart :func:`spc_frame` makes, as the columns, index and ``attrs`` of its frame,
    without building the frame: ``spc.summary_of_attrs`` summarises the attrs, and
    :func:`spc_figure` draws from the columns and attrs."""
    improvement = spc.improvement_from_polarity(ind.polarity)
    target = None if improvement == "neutral" else target
    kind = _chart_kind(series, ind)
    if kind == "xmr":
        return spc._xmr(series["value"], improvement=improvement, target=target)
    scale = 100.0 if ind.unit == "%" else 1.0
    return spc._p_chart(
        series["numerator"],
        series["denominator"],
        improvement=improvement,
        target=None if target is None else target / scale,
        laney=kind == "p'",
    )


def spc_figure(
    series: pd.DataFrame,
    ind: Indicator,
    target: float | None,
    *,
    title: str,
    label: str,
    output: str = "figure",
    parts: tuple | None = None,
) -> Figure | SvgFigure:
    """The SPC chart of a series from :func:`spc_series` (the chart :func:`spc_frame` computes),
    as a matplotlib Figure or, with ``output="svg"``, drawn straight to SVG; ``parts``: that
    chart's :func:`spc_parts` of the same series, indicator and target, when worked out already
    (then drawn from, not computed again)."""
    return charts.spc_chart(
        _chart_input(series, ind),
        title=title,
        target=None if ind.polarity == "neutral" else target,
        unit=ind.unit if ind.unit == "%" else "",
        polarity=ind.polarity,
        council_label=label,
        chart=_chart_kind(series, ind),
        output=output,
        spc_columns=None if parts is None else (parts[0], parts[2]),
    )


def _chart_input(series: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """The series as a chart takes it: counts only for proportions (so a p-chart can be chosen)."""
    if ind.is_proportion:
        return series
    return series[["period", "value"]]


def _chart_kind(series: pd.DataFrame, ind: Indicator) -> str:
    return spc.suggest_chart(series["denominator"]) if ind.is_proportion else "xmr"


def prepare_national_overview(
    quarter: str = "", data_dir: str = "", params: str | os.PathLike | None = None
) -> NationalOverview:
    """Check the overview's parameters and gather its results.

    Parameters
    ----------
    quarter : str, default ""
        The quarter in any accepted form (``"Q2 2025/26"``); blank gives the latest quarter
        complete at the extract date.
    data_dir : str, default ""
        The extract folder; blank gives ``data_dir`` of ``params/settings.yaml`` (the demo data).
    params : path-like, optional
        The params folder.

    Returns
    -------
    NationalOverview

    Raises
    ------
    InputError
        For a malformed quarter, or one that is not complete in the data.
    """
    wanted = None
    if isinstance(quarter, str) and quarter.strip():
        try:
            wanted = parse_quarter(quarter.strip())
        except ValueError as error:
            raise InputError(f"parameter quarter: {error}") from None
    defs = load_definitions(params)
    folder = data_dir.strip() if isinstance(data_dir, str) else data_dir
    results = load_results(folder or None, params, defs=defs)
    return NationalOverview(quarter=choose_quarter(wanted, results), results=results, defs=defs)


@dataclass(frozen=True, eq=False)
class NationalOverview:
    """Everything the national overview notebook needs, with one method per piece.

    Attributes
    ----------
    quarter : jswlib.definitions.periods.Period
        The overview quarter.
    results : jswlib.compute.results.Results
        The computed results.
    defs : jswlib.compute.indicators.Definitions
        Catalogue, councils and targets.
    """

    quarter: Period
    results: Results
    defs: Definitions

    # -- pieces ----------------------------------------------------------------------------------

    @cached_property
    def _national(self) -> pd.DataFrame:
        table = self.results.table
        return table[table["basis"] == NATIONAL_BASIS]

    @cached_property
    def _by_indicator(self) -> dict[str, pd.DataFrame]:
        return {str(k): part for k, part in self._national.groupby("indicator", sort=False)}

    def _rows(self, indicator: str, level: str, code: str | None = None) -> pd.DataFrame:
        rows = self._by_indicator.get(indicator, self._national.iloc[0:0])
        rows = rows[rows["level"] == level]
        return rows if code is None else rows[rows["council"] == code]

    def _indicator(self, indicator: str) -> Indicator:
        if indicator not in self.defs.catalogue:
            raise InputError(f"no indicator {indicator!r} in the catalogue")
        return self.defs.catalogue.get(indicator)

    def _target(self, ind: Indicator) -> float | None:
        return None if ind.polarity == "neutral" else self.defs.targets.target(ind.id, None)

    @property
    def title(self) -> str:
        """``"Justice social work: national overview, Q2 2025/26"``."""
        return f"Justice social work: national overview, {self.quarter}"

    def heading_markdown(self) -> str:
        """The overview's heading and a sentence on what it shows, as Markdown."""
        return (
            f"# {self.title}\n\n"
            f"Scotland's series for each indicator with statistical process control, each family "
            f"group's, and a funnel plot of the {len(self.defs.councils)} councils for every "
            f"percentage indicator. Extract date {self.results.as_at:%d %B %Y}. Councils are "
            f"compared with the whole, never ranked."
        )

    def indicators(self, selection: str = "") -> list[str]:
        """The indicators with a Scotland figure for the quarter, in catalogue order.

        Parameters
        ----------
        selection : str, default ""
            Indicator ids separated by commas, to show only those; blank for all.

        Raises
        ------
        jswlib.core.errors.InputError
            When ``selection`` names an id that is not in the catalogue.
        """
        wanted = [s.strip() for s in str(selection or "").split(",") if s.strip()]
        unknown = [w for w in wanted if w not in self.defs.catalogue]
        if unknown:
            raise InputError(
                f"indicators: {', '.join(map(repr, unknown))} not in the catalogue "
                "(see 'jsw indicators')"
            )
        label = str(self.quarter)
        found = []
        for ind in self.defs.catalogue:
            if wanted and ind.id not in wanted:
                continue
            rows = self._rows(ind.id, LEVEL_SCOTLAND)
            hit = rows[(rows["frequency"] == "quarterly") & (rows["period"] == label)]
            if not hit.empty and hit["value"].notna().any():
                found.append(ind.id)
        return found

    def indicator_title(self, indicator: str) -> str:
        """The indicator's title on the national standard."""
        return self._indicator(indicator).title_for()

    def scotland_series(self, indicator: str) -> pd.DataFrame:
        """Scotland's SPC series of one indicator (see :func:`spc_series`)."""
        return spc_series(self._rows(indicator, LEVEL_SCOTLAND), self.quarter.end)

    def family_series(self, indicator: str) -> dict[str, pd.DataFrame]:
        """Each family group's SPC series of one indicator, by family group name."""
        groups = self.defs.councils.family_groups
        return {
            groups[code]: spc_series(self._rows(indicator, LEVEL_FAMILY, code), self.quarter.end)
            for code in sorted(groups)
        }

    def scotland_spc(self, indicator: str) -> pd.DataFrame:
        """The SPC frame (:func:`jswlib.judge.spc.xmr` or :func:`~jswlib.judge.spc.p_chart`) of
        Scotland."""
        ind = self._indicator(indicator)
        return spc_frame(self.scotland_series(indicator), ind, self._target(ind))

    def scotland_chart(self, indicator: str, output: str = "figure") -> Figure | SvgFigure:
        """Scotland's SPC chart of one indicator (``output`` as :func:`jswlib.present.charts.spc_chart`
        takes it)."""
        ind = self._indicator(indicator)
        return spc_figure(
            self.scotland_series(indicator),
            ind,
            self._target(ind),
            title=f"{self.indicator_title(indicator)}: Scotland",
            label="Scotland",
            output=output,
        )

    def family_chart(self, indicator: str, output: str = "figure") -> Figure | SvgFigure:
        """The family groups' SPC charts of one indicator, as one figure of panels."""
        ind = self._indicator(indicator)
        panels = {
            name: _chart_input(series, ind)
            for name, series in self.family_series(indicator).items()
            if not series.empty
        }
        return charts.spc_panels(
            panels,
            title=f"{self.indicator_title(indicator)}: family groups",
            target=self._target(ind),
            unit=ind.unit if ind.unit == "%" else "",
            polarity=ind.polarity,
            output=output,
        )

    def funnel_data(self, indicator: str) -> pd.DataFrame:
        """The councils' figures for the quarter with the funnel limits at each one's denominator.

        Returns
        -------
        pandas.DataFrame
            As :func:`jswlib.judge.spc.funnel_points`, one row per council in the order of the
            council list (never ranked); empty for an indicator that is not a percentage.
        """
        ind = self._indicator(indicator)
        if not ind.is_proportion:
            return pd.DataFrame()
        rows = self._rows(indicator, LEVEL_COUNCIL)
        rows = rows[(rows["frequency"] == "quarterly") & (rows["period"] == str(self.quarter))]
        rows = rows.set_index("council")
        councils = list(self.defs.councils)
        numerators = [_count(rows, c.code, "numerator") for c in councils]
        denominators = [_count(rows, c.code, "denominator") for c in councils]
        if not any(d > 0 for d in denominators if not np.isnan(d)):
            return pd.DataFrame()
        return spc.funnel_points(numerators, denominators, labels=[c.name for c in councils])

    def funnel_chart(self, indicator: str, output: str = "figure") -> Figure | SvgFigure | None:
        """The funnel plot of the councils for the quarter; ``None`` for a non-percentage
        indicator."""
        table = self.funnel_data(indicator)
        if table.empty:
            return None
        data = table.rename(columns={"label": "council"})[["council", "numerator", "denominator"]]
        return charts.funnel_chart(
            data,
            title=f"{self.indicator_title(indicator)}, {self.quarter}: councils",
            output=output,
        )

    # -- summary ---------------------------------------------------------------------------------

    def summary_data(self) -> pd.DataFrame:
        """One row per indicator: Scotland's latest value, variation and assurance, and the
        councils
        outside the 99.8% funnel limits (named alphabetically, never ranked)."""
        rows = []
        for indicator in self.indicators():
            ind = self._indicator(indicator)
            series = self.scotland_series(indicator)
            chart = self.scotland_spc(indicator)
            row = spc.spc_summary(chart)
            recorded = series[series["value"].notna()]
            latest = (
                f"{status.format_value(recorded['value'].iloc[-1], ind.unit if ind.unit == '%' else '')}"
                f" ({recorded['period'].iloc[-1]})"
                if not recorded.empty
                else status.NOT_AVAILABLE_TEXT
            )
            funnel = self.funnel_data(indicator)
            outside = {
                side: ", ".join(sorted(funnel.loc[funnel["outside_99_8"] == side, "label"]))
                if not funnel.empty
                else ""
                for side in ("high", "low")
            }
            rows.append(
                {
                    "indicator": indicator,
                    "title": self.indicator_title(indicator),
                    "unit": ind.unit,
                    "latest": latest,
                    "variation": row["variation"],
                    "variation_text": row["variation_text"],
                    "assurance": row["assurance"],
                    "assurance_text": row["assurance_text"],
                    "chart": row["chart"],
                    "above_99_8": outside["high"],
                    "below_99_8": outside["low"],
                }
            )
        return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))

    def summary_table(self) -> Styler:
        """:meth:`summary_data` for display: icons with their words, councils outside 99.8%
        named."""
        shown = self.summary_data()[list(_SUMMARY_TITLES)].rename(columns=_SUMMARY_TITLES)
        return (
            TableStyler(shown)
            .hide(axis="index")
            .set_caption(f"Scotland and the councils, {self.quarter}")
            .set_table_styles(list(TABLE_STYLES))
        )

    def section_html(self, indicator: str) -> str:
        """One indicator's section: heading, Scotland chart, family-group panels and funnel plot,
        as HTML."""
        parts = [f"<h3>{html.escape(self.indicator_title(indicator))}</h3>"]
        figures = [
            self.scotland_chart(indicator, output="svg"),
            self.family_chart(indicator, output="svg"),
        ]
        funnel = self.funnel_chart(indicator, output="svg")
        if funnel is not None:
            figures.append(funnel)
        parts += [charts.figure_html(fig) for fig in figures]
        return "\n".join(parts)

    def method_markdown(self) -> str:
        """How to read the overview, in plain words (from :mod:`jswlib.judge.spc`), as Markdown."""
        lines = [
            "## How to read this overview",
            "",
            "Each chart shows a series with its mean and process limits (statistical process "
            "control). Points inside the limits are the ordinary variation of a stable process; "
            "the marked points break one of the rules and deserve a look. Variation describes "
            "the latest point; assurance says whether the process, as it runs, will meet the "
            "target.",
            "",
        ]
        for kind in spc.POINT_TYPES:
            lines.append(
                f"- **{spc.POINT_TYPE_WORDS[kind]}**: {spc.POINT_TYPE_EXPLANATIONS[kind]}"
            )
        for kind in spc.ASSURANCE_TYPES:
            lines.append(f"- **{spc.ASSURANCE_WORDS[kind]}**: {spc.ASSURANCE_EXPLANATIONS[kind]}")
        lines += [
            "",
            "A funnel plot shows each council's percentage against its number of cases, with the "
            "overall percentage and limits within which 95% and 99.8% of councils would lie by "
            "chance alone. Councils outside the 99.8% limits are named; the plot compares each "
            "council with the whole and does not rank them.",
        ]
        return "\n".join(lines)


def _count(rows: pd.DataFrame, code: str, column: str) -> float:
    """A council's count from the quarter's rows, NaN when it has none."""
    if code not in rows.index:
        return float("nan")
    value: Any = rows.at[code, column]
    return float("nan") if pd.isna(value) else float(value)
