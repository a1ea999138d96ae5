"""The framework report: a council's whole performance framework, PI by PI under its headings,
for its performance board (a quarter) or its committee (a financial year).

:func:`prepare_framework_report` checks the notebook's parameters and returns a
:class:`FrameworkReport`; each method gives one section, as data (``*_data``, plain DataFrames)
or for display (``*_table``, pandas Stylers; ``*_html``, HTML). The framework itself (headings,
PIs, their order and frequencies) is data: ``params/frameworks/<name>.yaml``
(:mod:`jswlib.definitions.frameworks`).

Conventions (docs/method.md, "The framework report")
----------------------------------------------------
- **The period of a PI.** Each PI is reported for the latest *complete* period of its own
  frequency at the end of the report period (:func:`reporting_period`): a quarterly PI for the
  quarter; a 6-monthly PI for the half-year that ended last (at Q1 the previous year's second half,
  at Q3 this year's first); an annual PI for the financial year that ended last (at Q1-Q3 the
  previous year). With a financial year as the report period (the annual report to committee),
  every PI is reported for that year. It is compared with the same period a year earlier.
- **Figures of another frequency** (a quarterly PI for a whole year) are computed by the engine at
  that frequency from the same extract (:func:`jswlib.compute.indicators.compute_indicators`),
  never added up from quarters, so people counted in several quarters are counted once in the year.
- **Judgement** comes from :func:`jswlib.judge.status.judge`: the RAG status against the target
  (where one is set) and the direction of travel against the same period a year earlier, as that
  function defines them. The summary counts, per objective, the PIs that improved, declined or
  show no significant change; volumes (neither higher nor lower is better) are counted apart.
- **No value, with a reason.** A PI without a figure says why: a manual figure not supplied, a
  period not yet complete, or no data in the extract for it.
- **Manual figures** (:mod:`jswlib.judge.manual`) are shown in their place, marked as supplied.
- **Marks**: provisional figures (the results' ``provisional`` flag where the engine gives one,
  else cases still pending at the extract date), low numbers (a denominator under
  :data:`jswlib.judge.status.LOW_NUMBERS_THRESHOLD`).
- **Public audience**: counts from 1 to threshold - 1 are shown as ``[c]`` with every figure built
  on them (:mod:`jswlib.judge.disclosure`), in the tables, the trend lines and the figures file.
- **SPC**: the variation of each PI's latest point (:func:`spc_variation`, through
  :mod:`jswlib.judge.spc` as the quarterly report uses it), on its last :data:`SPC_PERIODS`
  periods.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from jswlib.compute.indicators import LEVEL_COUNCIL, Definitions, load_definitions
from jswlib.compute.results import Results, choose_quarter, load_results
from jswlib.core import io
from jswlib.core.errors import InputError
from jswlib.definitions.catalogue import FREQUENCY_CODES, Catalogue, Indicator
from jswlib.definitions.councils import Council
from jswlib.definitions.frameworks import Framework, FrameworkPI, load_council_frameworks
from jswlib.definitions.frameworks import load_framework as _load_framework
from jswlib.definitions.params import load_settings
from jswlib.definitions.periods import Period, long_date, parse_period
from jswlib.definitions.report_settings import load_report_settings
from jswlib.judge import status
from jswlib.judge.disclosure import PUBLIC, SUPPRESSED, check_audience
from jswlib.judge.manual import manual_path, read_manual
from jswlib.present.style import FRAMEWORK_LABELS, PALETTE, TABLE_STYLES, rag_css
from jswlib.present.tables import TableStyler

#: Periods in each PI's trend.
TREND_PERIODS: int = 8
#: Decimal places of averages (counts, sums and percentages are whole numbers).
AVERAGE_DIGITS: int = 1
#: Decimal places of percentages and averages in the figures file.
FIGURES_DIGITS: int = 1
#: Columns of the figures file.
FIGURES_COLUMNS: tuple[str, ...] = ("section", "indicator", "area", "period", "measure", "value")
#: The figures file's mark for a figure that is not available (Government Statistical Service
#: symbol), for a PI with no value in the report period.
NOT_AVAILABLE_MARK: str = "[x]"
#: Reasons a PI has no value.
REASON_NOT_SUPPLIED = "Manual figure not supplied"
REASON_NOT_DUE = "Not yet due"
REASON_NO_DATA = "No data"
#: What :func:`spc_variation` says for a series without values.
SPC_NOT_AVAILABLE: str = "No series"
#: Periods of each PI's own frequency its SPC variation is judged on (the last ones, ending with
#: its period).
SPC_PERIODS: int = 24
#: The marks of a figure.
SUPPLIED_TEXT, PROVISIONAL_TEXT = "Supplied figure", "Provisional"
LOW_NUMBERS_TEXT: str = f"Low numbers (fewer than {status.LOW_NUMBERS_THRESHOLD} cases)"
#: The measure word of each kind of value, in the figures file.
MEASURE_OF_TYPE = {
    "count": "count",
    "people": "count",
    "sum": "total",
    "average": "average",
    "manual": "percentage",
}
#: Direction words counted in the summary (whatever words jswlib.judge.status uses).
_NO_CHANGE_WORDS = {status.NO_CHANGE, getattr(status, "NO_SIGNIFICANT_CHANGE", status.NO_CHANGE)}
_VOLUME_WORDS = {status.INCREASED, status.DECREASED}
#: Optional result columns passed on to the judgement when the engine gives them.
_PASSED_ON = ("provisional", "std_dev")


# --- Pure rules ----------------------------------------------------------------------------------


def reporting_period(frequency: str, report: Period) -> Period:
    """The period a PI of ``frequency`` is reported for in a report for ``report``.

    Parameters
    ----------
    frequency : {"quarterly", "6-monthly", "annual"}
        The PI's reporting frequency.
    report : Period
        The report period: a quarter (the board's quarterly report) or a financial year (the
        annual report).

    Returns
    -------
    Period
        For a quarter: the quarter itself, the latest half-year ended by the quarter's end, or the
        latest financial year ended by it. For a financial year: the year, whatever the frequency.

    Raises
    ------
    ValueError
        For another frequency, or a report period that is neither a quarter nor a year.

    Examples
    --------
    >>> q1, q2 = parse_period("Q1 2025/26"), parse_period("Q2 2025/26")
    >>> [str(reporting_period(f, q1)) for f in ("quarterly", "6-monthly", "annual")]
    ['Q1 2025/26', 'H2 2024/25', '2024/25']
    >>> [str(reporting_period(f, q2)) for f in ("quarterly", "6-monthly", "annual")]
    ['Q2 2025/26', 'H1 2025/26', '2024/25']
    >>> str(reporting_period("quarterly", parse_period("2025/26")))
    '2025/26'
    """
    if frequency not in FREQUENCY_CODES or frequency == "monthly":
        raise ValueError(f"frequency {frequency!r}: expected quarterly, 6-monthly or annual")
    if report.freq == "Y":
        return report
    if report.freq != "Q":
        raise ValueError(f"report period {report}: expected a quarter or a financial year")
    if frequency == "quarterly":
        return report
    if frequency == "6-monthly":
        half = report.half_year
        return half if half.end == report.end else half.previous()
    year = report.financial_year
    return year if year.end == report.end else year.previous()


def spc_variation(series: pd.DataFrame, ind: Indicator, target: float | None) -> str:
    """The SPC variation of a PI's series in words, as the quarterly report gives it.

    Parameters
    ----------
    series : pandas.DataFrame
        Columns ``period``, ``value``, ``numerator``, ``denominator``, oldest first (missing
        periods as missing values).
    ind : Indicator
        Its polarity, unit and type choose the chart (an XmR chart, or a p-chart for a percentage
        whose denominators are small or vary: :func:`jswlib.present.national.spc_frame`).
    target : float or None
        For the assurance (not shown here).

    Returns
    -------
    str
        The icon and words of the latest point's variation (``"~ Common cause"``), from
        :func:`jswlib.judge.spc.spc_summary`; with fewer recorded points than SPC needs, its words
        for that; :data:`SPC_NOT_AVAILABLE` when the series has no value at all.
    """
    from jswlib.judge import spc
    from jswlib.present.national import spc_frame

    known = series.dropna(subset=["value"])
    if known.empty:
        return SPC_NOT_AVAILABLE
    if ind.is_proportion or ind.type == "manual":
        known = known.dropna(subset=["numerator", "denominator"])
    chart = spc_frame(known.reset_index(drop=True), ind, target)
    return spc.spc_summary(chart)["variation_text"]


def sparkline_svg(labels: list[str], values: list[Any], unit: str, *, hidden: list[bool]) -> str:
    """A small line chart of a series as inline SVG, with its values in words as the accessible
    name.

    Parameters
    ----------
    labels : list of str
        Period labels, oldest first.
    values : list of number or None
        The values (None or NaN where there is none).
    unit : str
        ``"%"``, ``number``, ``hours`` or ``days`` (for the words).
    hidden : list of bool
        Points withheld (suppressed): neither drawn nor given in words (``[c]``).

    Returns
    -------
    str
        ``<svg role="img" aria-label="...">`` 100 x 24 pixels: the series as a line (broken where a
        value is missing or withheld), the latest point as a dot; empty text when nothing can be
        drawn. The accessible name and the tooltip list every period with its value.

    Examples
    --------
    >>> svg = sparkline_svg(["Q1", "Q2"], [10, 20], "number", hidden=[False, False])
    >>> 'aria-label="Trend: Q1 10; Q2 20"' in svg
    True
    """
    width, height, pad = 100.0, 24.0, 3.0
    shown = [
        None if h or v is None or pd.isna(v) else float(v)
        for v, h in zip(values, hidden, strict=True)
    ]
    words = "; ".join(
        f"{label} "
        f"{SUPPRESSED if h else status.format_value(v, unit, AVERAGE_DIGITS if unit == 'days' else 0)}"
        for label, v, h in zip(labels, values, hidden, strict=True)
    )
    known = [v for v in shown if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low or 1.0
    step = (width - 2 * pad) / max(len(shown) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        y = height - pad - (v - low) / span * (height - 2 * pad) if high > low else height / 2
        return round(pad + i * step, 1), round(y, 1)

    segments, current = [], []
    for i, v in enumerate(shown):
        if v is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(xy(i, v))
    if current:
        segments.append(current)
    colour = PALETTE["dark_blue"]
    lines = "".join(
        f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="'
        + " ".join(f"{x},{y}" for x, y in seg)
        + '"/>'
        for seg in segments
        if len(seg) > 1
    )
    last = next((i for i in range(len(shown) - 1, -1, -1) if shown[i] is not None), None)
    x, y = xy(last, shown[last])
    dot = f'<circle cx="{x}" cy="{y}" r="2.5" fill="{colour}"/>'
    name = html.escape(f"Trend: {words}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{name}" width="{int(width)}" '
        f'height="{int(height)}" viewBox="0 0 {int(width)} '
        f'{int(height)}"><title>{name}</title>{lines}{dot}</svg>'
    )


# --- Figures from the results, the engine and the manual file ------------------------------------


def _own_rows(table: pd.DataFrame, code: str) -> pd.DataFrame:
    """A council's rows, one per indicator, frequency and period: its own (``local``) standard
    first."""
    rows = table[(table["level"] == LEVEL_COUNCIL) & (table["council"] == code)]
    order = rows["basis"].ne("local").to_numpy()
    return rows.iloc[np.argsort(order, kind="stable")].drop_duplicates(
        ["indicator", "frequency", "period"]
    )


def _engine_rows(
    results: Results, defs: Definitions, ids: list[str], frequency: str, cache: Path
) -> pd.DataFrame:
    """Results of ``ids`` computed at ``frequency`` (not their catalogue one), cached beside the
    results."""
    from jswlib.compute.indicators import compute_indicators
    from jswlib.data.extract import extract_date_of, load_extract

    key = hashlib.blake2b(
        f"{frequency}:{','.join(sorted(ids))}".encode(), digest_size=6
    ).hexdigest()
    path = cache / results.fingerprint / f"framework-{key}.parquet"
    if io.is_file(path):
        return io.read_frame(path)
    chosen = [dataclasses.replace(defs.catalogue.get(i), frequency=frequency) for i in ids]
    changed = dataclasses.replace(defs, catalogue=Catalogue(chosen, defs.catalogue.source))
    folder = results.data_dir
    extract = load_extract(folder, defs.councils, extract_date=extract_date_of(folder))
    table = compute_indicators(extract.tables, changed, results.as_at, monthly=False)
    io.write_frame(table, path)
    return table


# --- Checking the parameters ---------------------------------------------------------------------


def _report_period(period: Any, results: Results) -> Period:
    """The report period: a complete quarter (blank: the latest) or a complete financial year."""
    text = "" if period is None else str(period).strip()
    if not text:
        return choose_quarter(None, results)
    try:
        chosen = parse_period(text)
    except ValueError as exc:
        raise InputError(
            f"parameter period: {exc}".split(". Accepted forms")[0]
            + "; give a quarter such as 'Q4 2025/26' or a financial year such as '2025/26'"
        ) from None
    if chosen.freq == "Q":
        return choose_quarter(chosen, results)
    if chosen.freq != "Y":
        raise InputError(
            f"parameter period: {chosen} is a "
            f"{'month' if chosen.freq == 'M' else 'half-year'}; give a quarter "
            "(the board's report) or a financial year (the annual report to committee)"
        )
    if chosen.end > results.as_at:
        raise InputError(
            f"parameter period: {chosen} is not complete at the extract date "
            f"{long_date(results.as_at)} (it ends {long_date(chosen.end)})"
        )
    return chosen


def prepare_framework_report(
    council: str,
    period: str = "",
    data_dir: str = "",
    audience: str = "internal",
    manual_file: str = "",
    params: str | os.PathLike | None = None,
) -> FrameworkReport:
    """Check the parameters of the framework report and gather what it needs.

    Parameters
    ----------
    council : str
        A council that names a framework in ``params/report.yaml`` (name, alias, slug or code).
    period : str, default ""
        A quarter (``"Q4 2025/26"``: the board's quarterly report) or a financial year
        (``"2025/26"``: the annual report to committee); blank gives the latest complete quarter.
    data_dir : str, default ""
        The extract folder; blank gives ``data_dir`` of ``params/settings.yaml``.
    audience : {"internal", "public"}, default "internal"
        ``public`` applies disclosure control.
    manual_file : str, default ""
        CSV of manual figures; blank gives ``params/manual/<council slug>.csv`` when it exists. A
        relative path is taken from the repository root; a file named here must exist.
    params : path-like, optional
        The params folder.

    Returns
    -------
    FrameworkReport

    Raises
    ------
    ValueError
        Naming the parameter: an unknown council or audience.
    jswlib.core.errors.InputError
        A council with no framework, a period that is not a complete quarter or year, a problem
        in the manual figures (naming file, row and column).
    jswlib.core.errors.ParamsError
        A params file that breaks its rules.
    """
    from jswlib.present.report import _find_council

    chosen_audience = check_audience(audience)
    defs = load_definitions(params)
    chosen = _find_council(council, defs.councils)
    names = load_council_frameworks(params, defs.councils)
    if chosen.code not in names:
        having = ", ".join(defs.councils.get(code).name for code in names) or "none"
        raise InputError(
            f"parameter council: {chosen.name} has no performance framework; councils with one: "
            f"{having} (frameworks: in params/report.yaml)"
        )
    framework = _load_framework(names[chosen.code], params, defs.catalogue)
    settings = load_settings(params)
    folder = data_dir.strip() if isinstance(data_dir, str) else data_dir
    results = load_results(folder or None, params, defs=defs)
    report_period = _report_period(period, results)
    given = str(manual_file).strip() if manual_file else ""
    if given:
        path = Path(given) if Path(given).is_absolute() else settings.root / given
    else:
        path = manual_path(params, chosen)
    manual = read_manual(path, defs, chosen, missing_ok=not given)
    return FrameworkReport(
        council=chosen,
        period=report_period,
        audience=chosen_audience,
        framework=framework,
        results=results,
        defs=defs,
        manual=manual,
        manual_path=path,
        threshold=load_report_settings(params, defs.catalogue).suppression_threshold,
        cache=settings.outputs_dir / "cache",
        root=settings.root,
    )


# --- The report ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class FrameworkReport:
    """Everything one council's framework report needs, with one method per section.

    Attributes
    ----------
    council : Council
    period : Period
        A quarter, or a financial year (:attr:`annual`).
    audience : {"internal", "public"}
    framework : Framework
    results : Results
    defs : Definitions
    manual : pandas.DataFrame or None
        Checked manual figures (:func:`jswlib.judge.manual.read_manual`), None when none supplied.
    manual_path : pathlib.Path
        Where the manual figures were looked for.
    threshold : int
        Suppression threshold of public outputs.
    cache : pathlib.Path
        Cache folder of the results (figures of another frequency are kept there too).
    root : pathlib.Path
        The repository root, for paths shown.
    """

    council: Council
    period: Period
    audience: str
    framework: Framework
    results: Results
    defs: Definitions
    manual: pd.DataFrame | None
    manual_path: Path
    threshold: int
    cache: Path
    root: Path

    # -- basics -------------------------------------------------------------------------------

    @property
    def annual(self) -> bool:
        """Whether this is the annual report (a financial year as the period)."""
        return self.period.freq == "Y"

    @property
    def public(self) -> bool:
        """Whether disclosure control applies."""
        return self.audience == PUBLIC

    def title(self) -> str:
        """The report title: the framework, the council and the period."""
        kind = "annual report" if self.annual else "quarterly report"
        return f"{self.framework.title}: {self.council.name}, {kind} {self.period}"

    def heading_markdown(self) -> str:
        """The report heading as Markdown: title, audience, data and manual figures used."""
        who = (
            "Public report: small numbers are suppressed."
            if self.public
            else "Internal report: not for publication."
        )
        supplied = (
            "no manual figures supplied"
            if self.manual is None
            else f"{len(self.manual)} manual figure{'s' * (len(self.manual) != 1)} supplied"
        )
        scope = (
            f"Every PI for the year {self.period} against "
            f"{self.period.year_earlier()}, with the series behind it."
            if self.annual
            else f"Each PI for its latest complete period at the end of {self.period}, "
            "against the same period a year earlier."
        )
        return (
            f"# {self.title()}\n\n{who} {scope} Data: the extract dated "
            f"{long_date(self.results.as_at)}; {supplied}."
        )

    def summary_level(self) -> str:
        """The heading level the summary counts by: ``objective`` when the framework has one, else
        its
        first."""
        levels = self.framework.levels
        return "objective" if "objective" in levels else (levels[0] if levels else "")

    def _indicator(self, pi: FrameworkPI) -> Indicator:
        return self.defs.catalogue.get(pi.indicator)

    def measure_title(self, pi: FrameworkPI) -> str:
        """The catalogue's title of the figure, on this council's standard."""
        ind = self._indicator(pi)
        return ind.title_for(self.defs.targets.standard(ind, self.council.code))

    # -- figures ------------------------------------------------------------------------------

    @cached_property
    def _own(self) -> pd.DataFrame:
        return _own_rows(self.results.table, self.council.code)

    def _rows_at(self, ids: list[str], frequency: str) -> pd.DataFrame:
        """The council's rows of ``ids`` at ``frequency`` (from the results, or the engine when the
        catalogue computes them at another frequency)."""
        cat = self.defs.catalogue
        native = [i for i in ids if cat.get(i).frequency == frequency]
        other = [i for i in ids if cat.get(i).frequency != frequency]
        parts = [
            self._own[self._own["indicator"].isin(native) & (self._own["frequency"] == frequency)]
        ]
        if other:
            table = _engine_rows(self.results, self.defs, other, frequency, self.cache)
            parts.append(_own_rows(table, self.council.code))
        return pd.concat(parts, ignore_index=True)

    def _series_frequency(self, pi: FrameworkPI) -> str:
        """Frequency of the figure reported: the PI's own, or annual in the annual report."""
        return "annual" if self.annual else pi.frequency

    @cached_property
    def _computed(self) -> dict[str, pd.DataFrame]:
        """Rows of the computed PIs, by frequency of the reported figure (one engine pass each)."""
        wanted: dict[str, list[str]] = {}
        for pi in self.framework.pis:
            if not pi.manual:
                wanted.setdefault(self._series_frequency(pi), []).append(pi.indicator)
                if self.annual and pi.frequency != "annual":
                    wanted.setdefault(pi.frequency, []).append(pi.indicator)
        return {f: self._rows_at(ids, f) for f, ids in wanted.items()}

    def _manual_rows(self, pi: FrameworkPI) -> pd.DataFrame:
        if self.manual is None:
            return pd.DataFrame(columns=["period", "numerator", "denominator", "value", "target"])
        return self.manual[self.manual["indicator"] == pi.indicator]

    def _figure(self, pi: FrameworkPI, period: Period, frequency: str) -> dict[str, Any]:
        """Counts, value and flags of one PI for one period (all missing where there is none)."""
        empty = {
            "numerator": np.nan,
            "denominator": np.nan,
            "value": np.nan,
            "provisional": False,
            "std_dev": np.nan,
            "target_file": np.nan,
            "found": False,
        }
        if pi.manual:
            rows = self._manual_rows(pi)
            row = rows[rows["period"] == period.label]
            if row.empty:
                return empty
            r = row.iloc[0]
            return dict(
                empty,
                numerator=r["numerator"],
                denominator=r["denominator"],
                value=r["value"],
                target_file=r["target"],
                found=True,
            )
        rows = self._computed.get(frequency)
        if rows is None:
            return empty
        row = rows[(rows["indicator"] == pi.indicator) & (rows["period"] == period.label)]
        if row.empty:
            return empty
        r = row.iloc[0]
        provisional = (
            bool(r["provisional"])
            if "provisional" in r.index and pd.notna(r["provisional"])
            else bool(pd.notna(r.get("pending")) and r.get("pending", 0) > 0)
        )
        return dict(
            empty,
            numerator=r["numerator"],
            denominator=r["denominator"],
            value=r["value"],
            provisional=provisional,
            std_dev=r["std_dev"] if "std_dev" in r.index else np.nan,
            found=True,
        )

    def _reason(self, pi: FrameworkPI, period: Period, figure: dict[str, Any]) -> str:
        """Why a PI has no value for ``period`` (blank when it has one)."""
        if figure["found"] and pd.notna(figure["value"]):
            return ""
        if period.end > self.results.as_at:
            return f"{REASON_NOT_DUE}: {period} ends {long_date(period.end)}"
        if pi.manual:
            try:
                shown = self.manual_path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                shown = self.manual_path.name
            return f"{REASON_NOT_SUPPLIED}: no figure for {period} in {shown}"
        ind = self._indicator(pi)
        if figure["found"]:
            return f"{REASON_NO_DATA}: no cases in {period} to compute it from"
        return f"{REASON_NO_DATA}: the extract holds no {ind.table.replace('_', ' ')} records for {period}"

    def _trend_periods(self, pi: FrameworkPI, n: int = TREND_PERIODS) -> list[Period]:
        """The periods of a PI's trend: the last ``n`` of its own frequency, ending with its
        period."""
        own = reporting_period(pi.frequency, self.period)
        if self.annual and pi.frequency != "annual":
            subs = self.period.subperiods(FREQUENCY_CODES[pi.frequency])
            own = subs[-1]
        return own.last_n(n)

    def trend_data(self, pi: FrameworkPI, n: int = TREND_PERIODS) -> pd.DataFrame:
        """The last ``n`` periods of one PI: period, numerator, denominator, value (oldest
        first)."""
        records = []
        for p in self._trend_periods(pi, n):
            f = self._figure(pi, p, pi.frequency)
            records.append(
                {
                    "period": p.label,
                    "numerator": f["numerator"],
                    "denominator": f["denominator"],
                    "value": float(f["value"]) if pd.notna(f["value"]) else np.nan,
                }
            )
        return pd.DataFrame(records)

    def _hidden(self, ind: Indicator, numerator: Any, denominator: Any) -> bool:
        """Whether a figure is withheld from a public report (a small count, or one it would
        reveal)."""
        if not self.public:
            return False

        def small(v: Any) -> bool:
            return pd.notna(v) and 1 <= float(v) < self.threshold

        if ind.is_proportion or ind.type == "manual":
            rest = (
                float(denominator) - float(numerator)
                if pd.notna(numerator) and pd.notna(denominator)
                else np.nan
            )
            return small(numerator) or small(denominator) or small(rest)
        if ind.type in ("count", "people"):
            return small(numerator)
        return small(denominator)  # sums and averages: the records behind them

    @cached_property
    def _data(self) -> pd.DataFrame:
        records = []
        for n, pi in enumerate(self.framework.pis):
            ind = self._indicator(pi)
            freq = self._series_frequency(pi)
            period = reporting_period(pi.frequency, self.period)
            earlier = period.year_earlier()
            now = self._figure(pi, period, freq)
            before = self._figure(pi, earlier, freq)
            trend = self.trend_data(pi)
            target = self.defs.targets.target(pi.indicator, self.council.code)
            if pd.notna(now["target_file"]):
                target = float(now["target_file"])
            record = {
                "position": n + 1,
                **dict(zip(self.framework.levels, pi.headings, strict=True)),
                "pi": pi.title,
                "measure_title": self.measure_title(pi),
                "indicator": pi.indicator,
                "frequency": pi.frequency,
                "type": ind.type,
                "unit": ind.unit,
                "polarity": ind.polarity,
                "supplied": pi.manual,
                "period": period.label,
                "numerator": now["numerator"],
                "denominator": now["denominator"],
                "value": float(now["value"]) if pd.notna(now["value"]) else np.nan,
                "provisional": now["provisional"],
                "std_dev": now["std_dev"],
                "previous_period": earlier.label,
                "previous_numerator": before["numerator"],
                "previous_denominator": before["denominator"],
                "previous_value": float(before["value"]) if pd.notna(before["value"]) else np.nan,
                "previous_provisional": before["provisional"],
                "previous_std_dev": before["std_dev"],
                "target": np.nan if target is None else float(target),
                "reason": self._reason(pi, period, now),
                "trend_periods": list(trend["period"]),
                "trend_values": list(trend["value"]),
                "trend_hidden": [
                    self._hidden(ind, a, b)
                    for a, b in zip(trend["numerator"], trend["denominator"], strict=True)
                ],
                "spc": spc_variation(self.trend_data(pi, SPC_PERIODS), ind, target),
                "hidden": self._hidden(ind, now["numerator"], now["denominator"]),
                "previous_hidden": self._hidden(ind, before["numerator"], before["denominator"]),
            }
            records.append(record)
        frame = pd.DataFrame(records)
        numeric = [
            "numerator",
            "denominator",
            "previous_numerator",
            "previous_denominator",
            "std_dev",
            "previous_std_dev",
        ]
        frame[numeric] = frame[numeric].apply(pd.to_numeric, errors="coerce").astype("float64")
        return frame

    def framework_data(self) -> pd.DataFrame:
        """One row per PI of the framework, in order, with its figures and their judgement.

        Returns
        -------
        pandas.DataFrame
            ``position``; one column per heading level; ``pi`` (the title as the framework
            publishes it); ``measure_title``; ``indicator``; ``frequency``; ``type``; ``unit``;
            ``polarity``; ``supplied`` (a manual figure); ``period`` (the one reported);
            ``numerator``, ``denominator``, ``value``; ``provisional``; ``previous_*`` (the same
            period a year earlier); ``target``; ``reason`` (why there is no value; blank when
            there is one); ``trend_periods``/``trend_values``/``trend_hidden`` (the last eight
            periods); ``spc``; ``hidden``/``previous_hidden`` (withheld from the public); and the
            judgement of :func:`jswlib.judge.status.judge`: ``rag``, ``display_value``,
            ``low_numbers``, ``direction``, ``direction_arrow`` (blank where there is no value).
        """
        frame = self._data
        columns = [
            "value",
            "target",
            "polarity",
            "numerator",
            "denominator",
            "unit",
            "previous_value",
            "previous_numerator",
            "previous_denominator",
        ]
        optional = [
            c
            for c in (*_PASSED_ON, *(f"previous_{c}" for c in _PASSED_ON))
            if c in self.results.table.columns
            or c.removeprefix("previous_") in self.results.table.columns
        ]
        given = frame[columns + optional].copy()
        # Counts carry no denominator; supplied percentages are judged as percentages.
        given.loc[frame["type"] == "manual", "unit"] = frame["unit"]
        scheme_name = self.defs.targets.rag_scheme_name(self.council.code)
        judged = status.judge(
            given,
            self.defs.targets.rag_scheme(self.council.code),
            digits=0,
            where=f"params/targets.yaml: rag_schemes.{scheme_name}",
        )
        digits = np.where(frame["type"] == "average", AVERAGE_DIGITS, 0)
        display = [
            status.format_value(v, u, int(d))
            if t not in ("proportion", "timescale", "before_after", "manual")
            else status.format_percentage(num, den)
            for v, u, d, t, num, den in zip(
                frame["value"],
                frame["unit"],
                digits,
                frame["type"],
                frame["numerator"],
                frame["denominator"],
                strict=True,
            )
        ]
        no_value = frame["reason"] != ""
        out = frame.assign(
            rag=judged["rag"].where(~no_value, ""),
            low_numbers=judged["low_numbers"],
            display_value=pd.Series(display, index=frame.index).where(~no_value, ""),
            direction=judged["direction"].where(~no_value, ""),
            direction_arrow=judged["direction_arrow"].where(~no_value, ""),
        )
        return out

    # -- summary ------------------------------------------------------------------------------

    def summary_data(self) -> pd.DataFrame:
        """Per objective (or the framework's first heading level), how the PIs moved.

        Returns
        -------
        pandas.DataFrame
            One row per heading, in order, and a total row: ``heading``, ``pis``, ``improved``,
            ``declined``, ``no_significant_change``, ``volume_changed`` (volumes that rose or fell:
            neither is better), ``not_compared`` (provisional, not available or not tested),
            ``no_value`` (no figure: see the reasons). A withheld (suppressed) direction counts as
            not compared. The columns after ``pis`` add up to ``pis``.
        """
        data = self.framework_data()
        level = self.summary_level()
        words = data["direction"].where(~data["hidden"], "")
        kind = np.select(
            [
                data["reason"] != "",
                words == status.IMPROVED,
                words == status.DECLINED,
                words.isin(_NO_CHANGE_WORDS),
                words.isin(_VOLUME_WORDS),
            ],
            ["no_value", "improved", "declined", "no_significant_change", "volume_changed"],
            default="not_compared",
        )
        kinds = [
            "improved",
            "declined",
            "no_significant_change",
            "volume_changed",
            "not_compared",
            "no_value",
        ]
        records = []
        for heading in self.framework.headings_at(level):
            mine = kind[(data[level] == heading).to_numpy()]
            records.append(
                {
                    "heading": heading,
                    "pis": len(mine),
                    **{k: int((mine == k).sum()) for k in kinds},
                }
            )
        total = {
            "heading": "All PIs",
            "pis": len(kind),
            **{k: int((kind == k).sum()) for k in kinds},
        }
        return pd.DataFrame([*records, total])

    def summary_table(self) -> Styler:
        """The one-page summary, for display."""
        data = self.summary_data()
        shown = data.rename(columns={"heading": self.summary_level()})
        what = (
            f"{self.period} against {self.period.year_earlier()}"
            if self.annual
            else "each PI's latest period against the same period a year earlier"
        )
        caption = (
            f"Summary, {self.council.name}, {self.period}: how many PIs improved, declined or "
            f"show no significant change ({what}), by {self.summary_level()}. Volumes (counts "
            "where neither more nor fewer is better) are counted apart; PIs without a figure are "
            "listed with the reason in the tables below."
        )
        return _styled(shown, caption)

    # -- the framework, heading by heading -----------------------------------------------------

    def headings(self) -> list[dict[str, Any]]:
        """The framework's headings in order, each with the positions of its PIs.

        Returns
        -------
        list of dict
            ``{"level": ..., "depth": 0.., "text": ..., "pis": [position, ...]}``, a heading
            before the headings and PIs under it (outline order). A heading is listed where its
            text changes at its level or any level above.
        """
        out = []
        previous: tuple[str, ...] = ()
        for n, pi in enumerate(self.framework.pis):
            for depth, level in enumerate(self.framework.levels):
                if pi.headings[: depth + 1] != previous[: depth + 1]:
                    out.append(
                        {"level": level, "depth": depth, "text": pi.headings[depth], "pis": []}
                    )
            for entry in out:
                if (
                    entry["depth"] == len(self.framework.levels) - 1
                    and entry["text"] == pi.headings[-1]
                    and entry is out[-1]
                ):
                    entry["pis"].append(n + 1)
            if not self.framework.levels:
                out.append({"level": "", "depth": 0, "text": "", "pis": [n + 1]})
            previous = pi.headings
        return out

    def _shown(self, data: pd.DataFrame) -> pd.DataFrame:
        """The display frame of some PIs: text cells, suppression applied, marks in words."""
        shared = self.framework.shared_titles()
        pis = [
            f"{t} ({m})" if t in shared else t
            for t, m in zip(data["pi"], data["measure_title"], strict=True)
        ]
        hidden, before_hidden = data["hidden"].to_numpy(), data["previous_hidden"].to_numpy()
        value = np.where(
            hidden,
            SUPPRESSED,
            np.where(data["reason"] != "", data["reason"], data["display_value"]),
        )
        previous = [
            SUPPRESSED
            if h
            else (
                status.format_percentage(num, den)
                if t in ("proportion", "timescale", "before_after", "manual")
                else status.format_value(v, u, AVERAGE_DIGITS if t == "average" else 0)
            )
            for h, v, u, t, num, den in zip(
                before_hidden,
                data["previous_value"],
                data["unit"],
                data["type"],
                data["previous_numerator"],
                data["previous_denominator"],
                strict=True,
            )
        ]
        cases = [
            SUPPRESSED
            if h
            else (status.format_value(d, "number") if pd.notna(d) and t != "count" else "")
            for h, d, t in zip(hidden, data["denominator"], data["type"], strict=True)
        ]
        direction = [
            "" if h or r else str(status.Direction(w, a))
            for h, r, w, a in zip(
                hidden | before_hidden,
                data["reason"],
                data["direction"],
                data["direction_arrow"],
                strict=True,
            )
        ]
        marks = []
        for row in data.itertuples():
            words = []
            if row.supplied:
                words.append(SUPPLIED_TEXT)
            if row.provisional and not row.reason:
                words.append(PROVISIONAL_TEXT)
            if row.low_numbers is True and not row.hidden:
                words.append(LOW_NUMBERS_TEXT)
            marks.append("; ".join(words))
        trend = [
            sparkline_svg(p, v, u, hidden=h)
            for p, v, u, h in zip(
                data["trend_periods"],
                data["trend_values"],
                data["unit"],
                data["trend_hidden"],
                strict=True,
            )
        ]
        return pd.DataFrame(
            {
                "pi": pis,
                "frequency": data["frequency"],
                "period": data["period"],
                "value": value,
                "cases": cases,
                "previous": previous,
                "direction": direction,
                "target": status.format_value(data["target"], data["unit"], missing="No target"),
                "rag": [
                    "" if h or r else w
                    for h, r, w in zip(hidden, data["reason"], data["rag"], strict=True)
                ],
                "trend": trend,
                "spc": data["spc"],
                "marks": marks,
            }
        )

    def heading_table(self, positions: list[int], caption: str = "") -> Styler:
        """The PIs at ``positions`` (1-based, as :meth:`headings` gives them), for display.

        Returns
        -------
        pandas.io.formats.style.Styler
            PI | Frequency | Period | Value | Cases | Same period a year earlier | Direction |
            Target | RAG status | Trend (last eight periods) | SPC variation | Marks. A PI
            without a figure shows the reason in the Value column.
        """
        data = self.framework_data()
        data = data[data["position"].isin(positions)].reset_index(drop=True)
        shown = self._shown(data)
        return _styled(
            shown, caption or f"{self.council.name}, {self.period}", html_columns=["trend"]
        )

    def sections(self) -> list[tuple[str, Any]]:
        """The framework in outline: a Markdown heading per heading, a table per group of PIs.

        Returns
        -------
        list of (str, object)
            ``("markdown", text)`` and ``("table", Styler)`` in order, for a notebook to show one
            after another.
        """
        out: list[tuple[str, Any]] = []
        for entry in self.headings():
            depth = entry["depth"]
            if entry["text"]:
                label = FRAMEWORK_LABELS.get(entry["level"], entry["level"].title())
                hashes = "#" * min(depth + 2, 6)
                out.append(("markdown", f"{hashes} {label}: {entry['text']}"))
            if entry["pis"]:
                caption = (
                    f"{entry['text'] or self.framework.title}: {self.council.name}, {self.period}."
                )
                if self.public:
                    caption += f" {self._suppression_note()}"
                out.append(("table", self.heading_table(entry["pis"], caption)))
        return out

    def _caption_tail(self) -> str:
        tail = (
            f"The year {self.period} against {self.period.year_earlier()}; the trend "
            "is the last eight periods of "
            "each PI's own frequency."
            if self.annual
            else "Each PI for its latest complete period; the direction compares it with "
            "the same period a year earlier; the trend is its last eight periods."
        )
        if self.public:
            tail += " " + self._suppression_note()
        return tail

    def _suppression_note(self) -> str:
        small = self.threshold - 1
        return (
            f"{SUPPRESSED}: suppressed (a count from 1 to {small}, "
            "or a figure that would reveal one)."
        )

    def framework_table(self) -> Styler:
        """Every PI in one table, with its headings, for display (the exports' layout)."""
        data = self.framework_data()
        shown = self._shown(data)
        heads = data[list(self.framework.levels)].rename(columns=dict(FRAMEWORK_LABELS))
        return _styled(
            pd.concat([heads, shown], axis=1),
            f"{self.framework.title}, {self.council.name}, {self.period}. {self._caption_tail()}",
            html_columns=["trend"],
        )

    # -- the series behind the annual report ---------------------------------------------------

    def series_data(self, frequency: str = "quarterly") -> pd.DataFrame:
        """The series of the PIs of one frequency: one row per PI, one column per period (the
        last eight; in the annual report the two years compared).

        Returns
        -------
        pandas.DataFrame
            ``position``, ``pi``, then one column per period label with the value shown (text:
            rounded, ``[c]`` where withheld, ``n/a`` where there is none).
        """
        data = self.framework_data()
        data = data[(data["frequency"] == frequency) & (data["reason"] == "")]
        rows = []
        for row in data.itertuples():
            texts = [
                SUPPRESSED
                if h
                else status.format_value(
                    v, row.unit, AVERAGE_DIGITS if row.type == "average" else 0
                )
                for v, h in zip(row.trend_values, row.trend_hidden, strict=True)
            ]
            rows.append(
                {
                    "position": row.position,
                    "pi": row.pi,
                    **dict(zip(row.trend_periods, texts, strict=True)),
                }
            )
        return pd.DataFrame(rows)

    def series_table(self, frequency: str = "quarterly") -> Styler:
        """:meth:`series_data` for display."""
        data = self.series_data(frequency).drop(columns="position", errors="ignore")
        caption = (
            f"The {frequency} series behind the {'annual' if self.annual else 'quarterly'} "
            f"figures, {self.council.name}: the last {TREND_PERIODS} periods, oldest first."
        )
        return _styled(data, caption)

    # -- exports ------------------------------------------------------------------------------

    def figures_data(self) -> pd.DataFrame:
        """Every figure the report shows, one per row: the figures file.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`FIGURES_COLUMNS`: ``section`` (the PI's headings, joined with `` > ``),
            ``indicator`` (the PI's title as the framework publishes it), ``area`` (the council),
            ``period``, ``measure`` (``numerator``, ``denominator``, ``percentage``, ``count``,
            ``total``, ``average``, ``target``; prefixed by the figure's title where one published
            PI is reported as several figures, and marked ``(supplied)`` for manual figures),
            ``value`` (a number, rounded as shown: whole numbers, percentages and averages to one
            decimal place; or the suppression mark; ``[x]`` for a PI with no figure in the report
            period, whose reason the report gives). Every period of each PI's trend is listed, so
            the same period a year earlier is there too; PIs with no value have no rows but
            their target.
        """
        data = self.framework_data()
        shared = self.framework.shared_titles()
        rows = []
        for row in data.itertuples():
            section = " > ".join(getattr(row, level) for level in self.framework.levels)
            prefix = f"{row.measure_title}: " if row.pi in shared else ""
            suffix = " (supplied)" if row.supplied else ""
            ind = self.defs.catalogue.get(row.indicator)
            measure = (
                "percentage"
                if ind.is_proportion or ind.type == "manual"
                else MEASURE_OF_TYPE.get(ind.type, "value")
            )
            digits = FIGURES_DIGITS if measure in ("percentage", "average") else 0

            items = []
            for period, num, den, value, hidden in self._figures_of_trend(row):
                if measure in ("percentage", "average"):
                    items += [
                        (period, "numerator", num, hidden),
                        (period, "denominator", den, hidden),
                    ]
                items.append((period, measure, value, hidden))
            if pd.notna(row.target):
                items.append((row.period, "target", row.target, False))
            if row.reason:  # listed all the same: not available, the reason in the report
                rows.append(
                    {
                        "section": section,
                        "indicator": row.pi,
                        "area": self.council.name,
                        "period": row.period,
                        "measure": f"{prefix}{measure}{suffix}",
                        "value": NOT_AVAILABLE_MARK,
                    }
                )
            for period, name, value, hidden in items:
                if not hidden and (value is None or pd.isna(value)):
                    continue
                places = digits if name in (measure, "target") else 0
                number = status.round_half_up(float(value), places)
                rows.append(
                    {
                        "section": section,
                        "indicator": row.pi,
                        "area": self.council.name,
                        "period": period,
                        "measure": f"{prefix}{name}{suffix}",
                        "value": SUPPRESSED if hidden else (number if places else int(number)),
                    }
                )
        # object columns keep whole numbers whole (266, not 266.0) beside 77.3 and [c]
        return pd.DataFrame(rows, columns=list(FIGURES_COLUMNS), dtype=object)

    def _figures_of_trend(self, row: Any) -> list[tuple]:
        """(period, numerator, denominator, value, hidden) for the trend periods and, in the annual
        report, the year and the year before."""
        pi = next(p for p in self.framework.pis if p.indicator == row.indicator)
        out = []
        if self.annual and pi.frequency != "annual":
            out.append(
                (
                    row.previous_period,
                    row.previous_numerator,
                    row.previous_denominator,
                    row.previous_value,
                    row.previous_hidden,
                )
            )
            out.append((row.period, row.numerator, row.denominator, row.value, row.hidden))
        trend = self.trend_data(pi)
        for r, hidden in zip(trend.itertuples(), row.trend_hidden, strict=True):
            out.append((r.period, r.numerator, r.denominator, r.value, hidden))
        return out

    def framework_export(self) -> pd.DataFrame:
        """The framework table as plain data for Excel: one row per PI, suppression applied.

        Returns
        -------
        pandas.DataFrame
            The headings, then PI, measure, indicator id, frequency, period, value (as shown),
            cases, the same period a year earlier (its period and value as shown), direction,
            target, RAG status (``rag``), reason, supplied, provisional, low numbers.
        """
        data = self.framework_data()
        shown = self._shown(data)
        out = data[list(self.framework.levels)].copy()
        out["pi"] = data["pi"]
        out["measure"] = data["measure_title"]
        out["indicator"] = data["indicator"]
        out["frequency"] = data["frequency"]
        out["period"] = data["period"]
        out["value"] = shown["value"]
        out["cases"] = shown["cases"]
        out["previous_period"] = data["previous_period"]
        out["previous"] = shown["previous"]
        out["direction"] = shown["direction"]
        out["target"] = data["target"]
        out["rag"] = shown["rag"]
        out["reason"] = data["reason"]
        out["supplied"] = data["supplied"]
        out["provisional"] = data["provisional"]
        out["low_numbers"] = data["low_numbers"]
        return out

    def method_notes(self) -> str:
        """The method notes, as Markdown: periods, judgement, reasons, manual figures,
        disclosure."""
        supplied = (
            f"Manual figures were read from `{self._manual_shown()}`."
            if self.manual is not None
            else f"No manual figures were supplied (expected at `{self._manual_shown()}`)."
        )
        lines = [
            "### Method notes",
            "",
            f"- **Framework.** {self.framework.title}, as published by the council: the PIs in "
            "the published order under their headings "
            f"({', '.join(self.framework.levels) or 'none'}), each with its reporting frequency.",
            "- **Periods.** A quarterly PI is reported for the quarter, a 6-monthly "
            "PI for the latest complete "
            "half-year, an annual PI for the latest complete financial year; in the "
            "annual report every PI is "
            "reported for the year, computed from the records of the whole year "
            "(people are counted once in the "
            "year, not once per quarter).",
            "- **Direction.** Each figure against the same period a year earlier, "
            "judged as the quarterly report "
            "judges direction of travel. Volumes (counts where neither more nor fewer "
            "is better) rise or fall; "
            "they neither improve nor decline.",
            "- **Manual figures** are supplied by the service as counts, recomputed from them "
            "and marked "
            f'"{SUPPLIED_TEXT}". {supplied}',
            f"- **Marks.** {PROVISIONAL_TEXT}: cases still open at the extract date "
            "may change the figure. Low "
            f"numbers: a percentage on fewer than {status.LOW_NUMBERS_THRESHOLD} cases.",
            f"- **SPC.** The variation of each PI's latest point on its last {SPC_PERIODS} "
            "periods (of its own frequency), as the quarterly report judges it: an XmR chart, "
            "or a p-chart for a percentage whose denominators are small or vary; with fewer "
            "than 12 points the limits are trial limits.",
        ]
        if self.public:
            lines.append(
                f"- **Disclosure control.** Counts from 1 to {self.threshold - 1} are shown as "
                f"{SUPPRESSED}, with every figure built on them, in tables, trend lines and the "
                "figures file; zeros are shown."
            )
        else:
            lines.append(
                "- **Disclosure control.** This internal report shows small numbers: "
                "do not publish it as it is."
            )
        return "\n".join(lines) + "\n"

    def _manual_shown(self) -> str:
        try:
            return self.manual_path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return self.manual_path.name


def _styled(shown: pd.DataFrame, caption: str, html_columns: list[str] | None = None) -> Styler:
    """A display frame as a Styler: titles from FRAMEWORK_LABELS, no index, HTML escaped except the
    named columns (inline SVG built here from numbers), RAG cells coloured."""
    html_columns = html_columns or []
    labels = dict(FRAMEWORK_LABELS)
    table = shown.rename(columns=labels).reset_index(drop=True)
    plain = [c for c in table.columns if c not in {labels.get(h, h) for h in html_columns}]
    styler = (
        TableStyler(table)
        .hide(axis="index")
        .format(escape="html", na_rep=status.NOT_AVAILABLE_TEXT, subset=plain)
        .set_caption(html.escape(caption))
        .set_table_styles(list(TABLE_STYLES))
    )
    rag = labels.get("rag", "rag")
    if rag in table.columns:
        styler = styler.map(rag_css, subset=[rag])
    return styler


def load_framework_for(council: str, params: str | os.PathLike | None = None) -> Framework | None:
    """The framework of a council (any name, alias, slug or code), or None when it names none."""
    from jswlib.definitions.params import load_councils

    councils = load_councils(params)
    code = councils.get(council).code
    name = load_council_frameworks(params, councils).get(code)
    return None if name is None else _load_framework(name, params)
