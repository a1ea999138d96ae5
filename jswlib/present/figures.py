"""The figures behind the reports: every figure any council's report shows, in one long table, with
disclosure control applied once for the whole country.

A public report must not let a reader work out a suppressed count by differencing: a family group
minus the councils shown in other reports of the same batch, the last four quarters minus the
quarters shown, a percentage times a shown number of cases, Scotland minus the family groups.
Applying suppression report by report cannot prevent that; so :func:`national_figures` lists,
for one quarter, every count any council's report shows (and the counts that complete a sum, such
as a family group's earlier quarters, marked unpublished), and :func:`protected_figures` runs
:func:`jswlib.judge.disclosure.protect_figures` over it once. Every report of the quarter then
draws its tables, chart points, captions, CSV and Excel from that one table, so the suppression
pattern is the same in every report and every batch (see docs/method.md, Disclosure control).

Columns of the table: ``indicator`` (the figure's key: the indicator id, with `` (local)`` and the
council's code for figures on a council's own standard), ``base_indicator``, ``area`` (a council's
GSS code, a family group code such as ``FG1``, or Scotland's code), ``period``, ``measure``
(``numerator``, ``denominator``, ``percentage``, ``count``, ``total``, ``average``), ``value``,
``published``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from jswlib.compute.indicators import LEVEL_COUNCIL, Definitions
from jswlib.compute.results import Results
from jswlib.core import io
from jswlib.core.errors import OutputError
from jswlib.definitions.catalogue import FREQUENCY_CODES, Indicator
from jswlib.definitions.councils import SCOTLAND_CODE
from jswlib.definitions.periods import Period, span_label
from jswlib.definitions.report_settings import ReportSettings
from jswlib.judge.disclosure import (
    COUNT,
    DENOMINATOR,
    NUMERATOR,
    PERCENTAGE,
    SUPPRESSED,
    protect_figures,
)

#: Quarters in the quarter-by-quarter table, the trend chart and the Scotland comparison line.
TABLE_QUARTERS: int = 8
#: Quarters of a public report's SPC chart (public charts are quarterly: monthly counts are small).
SPC_QUARTERS: int = 16
#: Quarters pooled in the comparison ("the last four quarters").
POOLED_QUARTERS: int = 4
#: Measures of a sum (hours) and of an average (days): built on the number of records.
TOTAL, AVERAGE = "total", "average"
FIGURE_COLUMNS: tuple[str, ...] = (
    "indicator",
    "base_indicator",
    "area",
    "period",
    "measure",
    "value",
    "published",
)
#: Bump when the rules or the columns change: part of the cache key.
FIGURES_FORMAT: int = 1


def local_key(indicator: str, council: str) -> str:
    """The key of a council's figures on its own standard, kept apart from the national ones.

    Examples
    --------
    >>> local_key("dtto_first_contact", "S12000029")
    'dtto_first_contact (local S12000029)'
    """
    return f"{indicator} (local {council})"


def headline_indicators(defs: Definitions, settings: ReportSettings, code: str) -> list[str]:
    """A council's headline KPIs: those it has a target for (catalogue order), else the default
    list."""
    targeted = [i.id for i in defs.catalogue if defs.targets.target(i.id, code) is not None]
    return targeted or list(settings.headline_default)


def _is_quarterly_percentage(ind: Indicator) -> bool:
    return ind.frequency == "quarterly" and ind.is_proportion


def activity_period(ind: Indicator, quarter: Period) -> Period | None:
    """The completed period an activity indicator reports in ``quarter``'s report, or None (not
    due)."""
    if ind.frequency == "quarterly":
        return quarter
    if ind.frequency == "6-monthly":
        return quarter.half_year if quarter.number in (2, 4) else None
    return quarter.financial_year if quarter.number == 4 else None


def year_to_date_parts(ind: Indicator, period: Period) -> list[Period]:
    """The periods the financial year to date adds up (empty where adding up is not meaningful)."""
    if (
        ind.frequency == "annual"
        or ind.basis != "events"
        or ind.type not in ("count", "sum", "average")
    ):
        return []
    return [
        p for p in period.financial_year.subperiods(FREQUENCY_CODES[ind.frequency]) if p <= period
    ]


def _rows(
    table: pd.DataFrame, indicator: str, basis: str, frequency: str, periods: list[str]
) -> pd.DataFrame:
    chosen = table[
        (table["indicator"] == indicator)
        & (table["basis"] == basis)
        & (table["frequency"] == frequency)
        & table["period"].isin(periods)
    ]
    return chosen


def _proportion_records(
    key: str, base: str, rows: pd.DataFrame, published: Mapping[tuple[str, str], bool]
) -> list[tuple]:
    out = []
    for area, period, num, den in zip(
        rows["council"], rows["period"], rows["numerator"], rows["denominator"]
    ):
        if pd.isna(num) or pd.isna(den):
            continue
        shown = published.get((area, period), False)
        pct = 100.0 * float(num) / float(den) if den else np.nan
        out += [
            (key, base, area, period, NUMERATOR, float(num), shown),
            (key, base, area, period, DENOMINATOR, float(den), shown),
            (key, base, area, period, PERCENTAGE, pct, shown),
        ]
    return out


def national_figures(
    results: Results, defs: Definitions, settings: ReportSettings, quarter: Period
) -> pd.DataFrame:
    """Every figure any council's report for ``quarter`` shows, and the figures that complete its
    sums.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FIGURE_COLUMNS` and ``fixed`` (an earlier period of a year to date, shown
        by an earlier report: see :func:`jswlib.judge.disclosure.protect_figures`), one row per
        figure (see the module docstring).

    Notes
    -----
    For each quarterly percentage KPI that some council reports: numerator, denominator and
    percentage on the national standard for every council, family group and Scotland over the
    last :data:`SPC_QUARTERS` quarters and the pooled last four; published are a council's
    quarters and pool (when the KPI is one of its headline KPIs), its family group's and
    Scotland's report quarter and pool, and Scotland's last :data:`TABLE_QUARTERS` quarters (the
    comparison line of the trend chart). A council with a standard of its own has its figures on
    that standard as a separate key. Counts and activity: each council's count (or number of
    records, for sums and averages) for the period, the same period a year earlier, the financial
    year to date and its parts.
    """
    table = results.table
    codes = [c.code for c in defs.councils]
    heads = {code: headline_indicators(defs, settings, code) for code in codes}
    quarters = [p.label for p in quarter.last_n(SPC_QUARTERS)]
    pool = quarter.last_n(POOLED_QUARTERS)
    pool_label = span_label(pool[0], pool[-1])
    records: list[tuple] = []
    earlier: set[tuple[str, str]] = set()
    proportion_ids = [
        i.id
        for i in defs.catalogue
        if _is_quarterly_percentage(i) and any(i.id in h for h in heads.values())
    ]
    for ind_id in proportion_ids:
        rows = _rows(table, ind_id, "national", "quarterly", quarters)
        pooled = (
            rows[rows["period"].isin([p.label for p in pool])]
            .groupby("council", as_index=False)[["numerator", "denominator"]]
            .sum(min_count=1)
            .assign(period=pool_label)
        )
        published: dict[tuple[str, str], bool] = {}
        for code in codes:
            if ind_id in heads[code]:
                for period in [*quarters, pool_label]:
                    published[(code, period)] = True
        for group in defs.councils.family_groups:
            published[(group, quarter.label)] = published[(group, pool_label)] = True
        for period in [*quarters[-TABLE_QUARTERS:], pool_label]:
            published[(SCOTLAND_CODE, period)] = True
        records += _proportion_records(ind_id, ind_id, pd.concat([rows, pooled]), published)
        local = _rows(table, ind_id, "local", "quarterly", quarters)
        local = local[local["level"] == LEVEL_COUNCIL]
        for code, part in local.groupby("council"):
            if ind_id in heads[code]:
                shown = {(code, p): True for p in quarters}
                records += _proportion_records(local_key(ind_id, code), ind_id, part, shown)
    for ind_id in settings.activity:
        ind = defs.catalogue.get(ind_id)
        period = activity_period(ind, quarter)
        if period is None:
            continue
        parts = year_to_date_parts(ind, period)
        wanted = {period.label: True, period.year_earlier().label: True}
        # The earlier periods of the year to date were shown by earlier reports: fixed
        wanted.update({p.label: True for p in parts})
        earlier.update((ind_id, p.label) for p in parts if p != period)
        rows = table[
            (table["indicator"] == ind_id)
            & (table["level"] == LEVEL_COUNCIL)
            & (table["frequency"] == ind.frequency)
            & table["period"].isin(list(wanted))
        ]
        rows = rows.sort_values("basis", key=lambda b: b.ne("local")).drop_duplicates(
            ["council", "period"]
        )
        counted = ind.type in ("count", "people")
        for area, label, num, den, value in zip(
            rows["council"], rows["period"], rows["numerator"], rows["denominator"], rows["value"]
        ):
            shown = wanted[label]
            if counted:
                records.append((ind_id, ind_id, area, label, COUNT, float(num), shown))
                continue
            if pd.isna(den):
                continue
            records.append((ind_id, ind_id, area, label, DENOMINATOR, float(den), shown))
            measure = AVERAGE if ind.type == "average" else TOTAL
            records.append((ind_id, ind_id, area, label, measure, float(value), shown))
        if len(parts) > 1:  # a year to date of one period is that period
            ytd = span_label(parts[0], period)
            sums = rows[rows["period"].isin([p.label for p in parts])].groupby("council")
            for area, part in sums:
                if len(part) != len(parts):
                    continue
                if counted:
                    records.append(
                        (ind_id, ind_id, area, ytd, COUNT, float(part["numerator"].sum()), True)
                    )
                else:
                    den = float(part["denominator"].sum())
                    total = float(part["numerator"].sum())
                    records.append((ind_id, ind_id, area, ytd, DENOMINATOR, den, True))
                    value = total / den if (ind.type == "average" and den) else total
                    measure = AVERAGE if ind.type == "average" else TOTAL
                    records.append((ind_id, ind_id, area, ytd, measure, value, True))
    frame = pd.DataFrame(records, columns=list(FIGURE_COLUMNS))
    frame["fixed"] = [(i, p) in earlier for i, p in zip(frame["indicator"], frame["period"])]
    return frame


def figure_relations(
    defs: Definitions, settings: ReportSettings, quarter: Period
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The sums the figures obey: each area's parent, and each pooled period's parts."""
    parents = {c.code: c.family_group for c in defs.councils}
    parents.update({group: SCOTLAND_CODE for group in defs.councils.family_groups})
    pool = quarter.last_n(POOLED_QUARTERS)
    parts = {span_label(pool[0], pool[-1]): [p.label for p in pool]}
    for ind_id in settings.activity:
        ind = defs.catalogue.get(ind_id)
        period = activity_period(ind, quarter)
        ytd = year_to_date_parts(ind, period) if period is not None else []
        if len(ytd) > 1:
            parts[span_label(ytd[0], period)] = [p.label for p in ytd]
    return parents, parts


#: Protected figures already built in this process, by results fingerprint, quarter and settings.
_MEMO: dict[tuple, pd.DataFrame] = {}


def _cache_name(key: tuple) -> str:
    """The file name of protected figures kept beside their results (``key`` as in
    :func:`protected_figures`, its fingerprint left out: the folder is the fingerprint's)."""
    import hashlib

    digest = hashlib.blake2b(repr(key[1:]).encode(), digest_size=8).hexdigest()
    return f"protected-figures-{digest}.parquet"


def _read_cached(path: Path, symbol: str) -> pd.DataFrame | None:
    """Protected figures kept by :func:`_keep`, as :func:`protect_figures` made them (``shown``
    rebuilt from ``value`` and ``suppressed``); None when there are none, or they are damaged."""
    if not io.is_file(path):
        return None
    try:
        table = io.read_frame(path)
    except Exception:  # noqa: BLE001 - a damaged cache is as good as none
        return None
    if not {"value", "suppressed", "reason"} <= set(table.columns) or "shown" in table.columns:
        return None
    table["shown"] = table["value"].astype(object).where(~table["suppressed"], symbol)
    return table


def _keep(table: pd.DataFrame, path: Path) -> None:
    """Keep protected figures beside their results; a cache that cannot be written is left out
    (the figures are right anyway, and are worked out again next time)."""
    with contextlib.suppress(OSError, OutputError):
        io.write_frame(table.drop(columns="shown"), path)


def protected_figures(
    results: Results,
    defs: Definitions,
    settings: ReportSettings,
    quarter: Period,
    *,
    symbol: str = SUPPRESSED,
) -> pd.DataFrame:
    """:func:`national_figures` with disclosure control applied (worked out once per quarter and
    kept with the results).

    Returns
    -------
    pandas.DataFrame
        :data:`FIGURE_COLUMNS` and ``suppressed``, ``reason``, ``shown`` of
        :func:`jswlib.judge.disclosure.protect_figures`.

    Notes
    -----
    Disclosure control over the 20,000 figures of a quarter takes about 2 s, the same for every
    report of the quarter. The table is kept in this process and, next to the cached results
    (:attr:`jswlib.compute.results.Results.cache_dir`), in a file named by a hash of the quarter,
    the threshold, the symbol and :data:`FIGURES_FORMAT`; the results' folder is named by the
    fingerprint of every data and params file and the package version, so a change to any input
    or rule gives another file. Every report of a batch, in any process or kernel, then reads the
    same table instead of working it out again.
    """
    key = (
        results.fingerprint,
        quarter.label,
        settings.suppression_threshold,
        symbol,
        FIGURES_FORMAT,
    )
    if key in _MEMO:
        return _MEMO[key]
    kept = None if results.cache_dir is None else Path(results.cache_dir) / _cache_name(key)
    table = _read_cached(kept, symbol) if kept is not None else None
    if table is None:
        figures = national_figures(results, defs, settings, quarter)
        parents, parts = figure_relations(defs, settings, quarter)
        table = protect_figures(
            figures,
            area_parent=parents,
            period_parts=parts,
            threshold=settings.suppression_threshold,
            symbol=symbol,
            # One sum at a time, chains included (about 2 s for the demo's 20,000 figures). The
            # linear-algebra check takes about a minute on a table this size: the tests run it on
            # small tables, where it agrees (docs/method.md, Disclosure control).
            exact=False,
        )
        if kept is not None:
            _keep(table, kept)
    _MEMO[key] = table
    return table


#: :func:`shown_figures` of the last protected figures asked for: ``{"last": (table, look-up)}``.
_SHOWN: dict[str, tuple[pd.DataFrame, dict]] = {}


def shown_figures(
    results: Results,
    defs: Definitions,
    settings: ReportSettings,
    quarter: Period,
    *,
    symbol: str = SUPPRESSED,
) -> dict[tuple[str, str, str, str], object]:
    """:func:`protected_figures` as a look-up: ``(indicator, area, period, measure)`` to the
    figure shown (its value or ``symbol``), built once per process for every report of the
    quarter (kept with the very table it was built from)."""
    table = protected_figures(results, defs, settings, quarter, symbol=symbol)
    last = _SHOWN.get("last")
    if last is None or last[0] is not table:
        # each column listed at once (iterating a text column value by value costs ten times
        # as much): the same keys and values
        columns = [table[c].tolist() for c in ("indicator", "area", "period", "measure")]
        last = _SHOWN["last"] = (table, dict(zip(zip(*columns), table["shown"].tolist())))
    return last[1]
