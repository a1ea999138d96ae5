"""The engine's plain way, kept as a reference for tests/test_engine.py.

What jswlib/compute/indicators.py did before it was rewritten with numpy: periods placed with
jswlib.definitions.periods, one row per record and period for the active and snapshot bases (the
records copied), a pandas group-by per indicator and frequency (distinct people with ``nunique``), a
reindex onto the full grid of councils and periods, a group-by for each pooled level, and the labels
added frame by frame. The per-record contributions and the timescale outcomes come from the engine
itself; everything after them is done here the plain way, so that a test can show both give the
same table. The derived columns of the CPO table are added the plain way too (pandas masks and
fills).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from jswlib.compute.indicators import (
    _COUNT_COLUMNS,
    _FREQUENCY_WORDS,
    _REASON_COLUMNS,
    LEVEL_COUNCIL,
    LEVEL_FAMILY,
    LEVEL_SCOTLAND,
    RESULT_COLUMNS,
    UPW_LEVEL_1_MAX_HOURS,
    UPW_LEVEL_1_MONTHS,
    UPW_LEVEL_2_MONTHS,
    Definitions,
    _calendars,
    _contributions,
    _std_dev,
    condition_mask,
    period_bounds,
    timescale_outcome,
    with_council_index,
)
from jswlib.definitions import calendar as wd
from jswlib.definitions import periods
from jswlib.definitions.catalogue import FREQUENCY_CODES, Indicator
from jswlib.definitions.councils import SCOTLAND_CODE


def derive_cpos(frame: pd.DataFrame) -> pd.DataFrame:
    """``upw_timescale_effective`` and ``upw_due_date`` added to the CPO table with pandas: the
    court's timescale, else 3 months up to 100 hours and 6 above, missing without unpaid work."""
    hours = frame["upw_hours_ordered"].astype("Float64")
    level_1 = hours <= UPW_LEVEL_1_MAX_HOURS
    by_level = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    by_level[level_1.fillna(False).to_numpy(dtype=bool)] = UPW_LEVEL_1_MONTHS
    by_level[(~level_1).fillna(False).to_numpy(dtype=bool)] = UPW_LEVEL_2_MONTHS
    months = frame["upw_timescale_months"].astype("Int64").fillna(by_level)
    months = months.where(frame["has_upw"].fillna(False).astype(bool))
    due = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    for n in months.dropna().unique():
        rows = (months == n).fillna(False).to_numpy(dtype=bool)
        due[rows] = wd.add_calendar_months(frame.loc[rows, "imposed_date"], int(n)).astype(
            "datetime64[ns]"
        )
    return frame.assign(upw_timescale_effective=months, upw_due_date=due)


def with_derived_columns(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables with the CPO table's derived columns added the plain way."""
    return {name: derive_cpos(f) if name == "cpos" else f for name, f in tables.items()}


def _as_at_ordinal(as_at: date, freq: str) -> int:
    return int(periods.period_ordinals(pd.Series([pd.Timestamp(as_at)]), freq).iloc[0])


def _expand_open_periods(
    frame: pd.DataFrame, ind: Indicator, freq: str, as_at: date
) -> pd.DataFrame:
    """One row per record and period it counts in, for ``active`` and ``snapshot`` bases.

    Returns the rows of ``frame`` repeated, with ``ordinal`` and ``period_end`` columns.
    """
    last = _as_at_ordinal(as_at, freq)
    start = frame[ind.active_from]
    stop = frame[ind.active_to]
    first = periods.period_ordinals(start, freq)
    ended = stop.notna() & (stop <= pd.Timestamp(as_at))
    final = periods.period_ordinals(stop.where(ended), freq).fillna(last).astype("int64")
    if ind.basis == "snapshot":
        # Open on the last day of a period: a record that ends before its own period's last day
        # does not count in that period.
        _, stop_period_end = period_bounds(final.to_numpy(), freq)
        ends_early = ended.to_numpy() & (stop.to_numpy(dtype="datetime64[D]") < stop_period_end)
        final = final - ends_early.astype(np.int64)
    valid = first.notna().to_numpy()
    first_v = first.fillna(0).astype("int64").to_numpy()
    final_v = np.minimum(final.to_numpy(), last)
    spans = np.where(valid, np.maximum(final_v - first_v + 1, 0), 0)
    rows = np.repeat(np.arange(len(frame)), spans)
    offsets = np.arange(len(rows)) - np.repeat(np.cumsum(spans) - spans, spans)
    expanded = frame.iloc[rows].reset_index(drop=True)
    ordinals = first_v[rows] + offsets
    expanded["ordinal"] = ordinals
    expanded["period_end"] = pd.to_datetime(period_bounds(ordinals, freq)[1])
    return expanded


def _by_period(
    records: pd.DataFrame, ind: Indicator, freq: str, as_at: date, outcome: pd.DataFrame | None
) -> pd.DataFrame:
    """Contributions with the council, the period ordinal (and person) of each, for one
    frequency."""
    if ind.basis == "events":
        placed = (
            pd.Series(outcome["deadline"].to_numpy(), index=records.index)
            if ind.period_basis == "deadline"
            else records[ind.period_date]
        )
        ordinal = periods.period_ordinals(placed, freq)
        keep = ordinal.notna().to_numpy()
        contrib = pd.DataFrame(_contributions(records, ind, outcome), index=records.index)
        out = contrib.loc[keep].copy()
        out["ordinal"] = ordinal[keep].astype("int64").to_numpy()
    else:
        expanded = _expand_open_periods(records, ind, freq, as_at)
        if ind.type == "proportion":
            num = condition_mask(expanded, ind.numerator, expanded["period_end"]).astype(float)
            out = pd.DataFrame(
                {"num": num, "den": 1.0, "sq": 0.0, "excluded": 0}
                | dict.fromkeys(_REASON_COLUMNS, 0)
                | {"pending": 0}
            )
        else:
            out = pd.DataFrame(_contributions(expanded, ind, None))
        out["ordinal"] = expanded["ordinal"].to_numpy()
        records = expanded
        keep = np.ones(len(expanded), dtype=bool)
    out["council"] = records["_c"].to_numpy()[keep]
    if ind.type == "people":
        out["person_id"] = records["_p"].to_numpy()[keep]
    return out


def _first_ordinal(
    records: pd.DataFrame, ind: Indicator, freq: str, outcome: pd.DataFrame | None
) -> int | None:
    if ind.period_basis == "deadline":
        dates = outcome["deadline"].dropna()
    else:
        column = ind.period_date if ind.basis == "events" else ind.active_from
        dates = records[column].dropna()
    if dates.empty:
        return None
    return int(periods.period_ordinals(pd.Series([dates.min()]), freq).iloc[0])


def _aggregate(records: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """Sum contributions per council and period ordinal (distinct people for ``people``
    indicators)."""
    keys = ["council", "ordinal"]
    if ind.type == "people":
        out = records.groupby(keys, sort=False)["person_id"].nunique().rename("num").to_frame()
        out["den"] = np.nan
        for col in ("sq", "excluded", *_REASON_COLUMNS, "pending"):
            out[col] = 0
        return out
    out = records.groupby(keys, sort=False)[_COUNT_COLUMNS].sum(min_count=1)
    if ind.type in ("count",):
        out["den"] = np.nan
    return out


def _values(num: pd.Series, den: pd.Series, ind: Indicator) -> pd.Series:
    """The indicator's value from numerator and denominator: a percentage, a mean, or the count
    itself."""
    if ind.is_proportion:
        return (100.0 * num / den.where(den > 0)).astype(float)
    if ind.type == "average":
        return (num / den.where(den > 0)).astype(float)
    return num.astype(float)


def _grid(
    agg: pd.DataFrame, councils: list[str], first: int, last: int, ind: Indicator
) -> pd.DataFrame:
    """Every council x every period ordinal from ``first`` to ``last``, zero where there were no
    records."""
    index = pd.MultiIndex.from_product(
        [councils, range(first, last + 1)], names=["council", "ordinal"]
    )
    full = agg.reindex(index)
    for col in ("num", "sq", "excluded", *_REASON_COLUMNS, "pending"):
        full[col] = full[col].fillna(0)
    if ind.type in ("count", "people"):
        full["den"] = np.nan
    else:
        full["den"] = full["den"].fillna(0)
    return full.reset_index()


def _labelled(grid: pd.DataFrame, ind: Indicator, freq: str, as_at: date) -> pd.DataFrame:
    """Add period label, start, end, completeness and value to an aggregated grid."""
    ordinals = grid["ordinal"].to_numpy(dtype=np.int64)
    first, last = period_bounds(ordinals, freq)
    out = grid.drop(columns="ordinal")
    out["period"] = periods.ordinal_labels(ordinals, freq)
    out["period_start"] = pd.to_datetime(first)
    out["period_end"] = pd.to_datetime(last)
    out["complete"] = last <= np.datetime64(as_at, "D")
    out["value"] = _values(out["num"], out["den"], ind)
    out["std_dev"] = (
        _std_dev(out["num"], out["den"], out["sq"]) if ind.type == "average" else np.nan
    )
    out["provisional"] = (out["pending"].to_numpy() > 0) | ~out["complete"].to_numpy()
    return out


def _pool(grid: pd.DataFrame, group_of: dict[str, str] | None) -> pd.DataFrame:
    """Sum council rows into family groups (``group_of``: council -> group) or Scotland
    (``None``)."""
    keyed = grid.assign(council=grid["council"].map(group_of) if group_of else SCOTLAND_CODE)
    sums = keyed.groupby(["council", "ordinal"], as_index=False)[_COUNT_COLUMNS].sum(min_count=1)
    return sums


def _indicator_results(
    ind: Indicator,
    table: pd.DataFrame,
    defs: Definitions,
    calendars: dict,
    as_at: date,
    monthly: bool,
    first_day: date | None = None,
) -> list[pd.DataFrame]:
    """All rows for one indicator: councils (local and national standards), family groups and
    Scotland."""
    codes = np.array([c.code for c in defs.councils], dtype=object)
    ix = list(range(len(codes)))
    records = table.loc[condition_mask(table, ind.where)]
    local = {i: defs.targets.standard(ind, codes[i]) for i in ix}
    national = {i: defs.targets.standard(ind, None) for i in ix}
    differs = [i for i in ix if local[i] != national[i]]
    calendars_ix = {i: calendars[codes[i]] for i in ix}
    outcome_local = outcome_national = None
    if ind.type == "timescale":
        outcome_local = timescale_outcome(records, ind, local, calendars_ix, as_at)
        outcome_national = (
            timescale_outcome(records, ind, national, calendars_ix, as_at)
            if differs
            else outcome_local
        )
    freqs = [FREQUENCY_CODES[ind.frequency]] + (
        ["M"] if ind.type == "timescale" and monthly else []
    )
    family = {c.code: c.family_group for c in defs.councils}
    names = {c.code: c.name for c in defs.councils} | {
        g: d for g, d in defs.councils.family_groups.items()
    }
    names[SCOTLAND_CODE] = "Scotland"
    national_text = ind.standard.describe() if ind.standard else ""
    basis_of = np.array(["local" if i in differs else "national" for i in ix], dtype=object)
    standard_of = np.array([local[i].describe() if local[i] else "" for i in ix], dtype=object)
    title_of = np.array([ind.title_for(local[i]) for i in ix], dtype=object)
    frames = []
    for freq in freqs:
        first = _first_ordinal(records, ind, freq, outcome_local)
        if first is None:
            continue
        if first_day is not None:
            first = max(first, _as_at_ordinal(first_day, freq))
        last = max(_as_at_ordinal(as_at, freq), first)
        grid_local = _grid(
            _aggregate(_by_period(records, ind, freq, as_at, outcome_local), ind),
            ix,
            first,
            last,
            ind,
        )
        grid_national = grid_local
        if differs:
            grid_national = _grid(
                _aggregate(_by_period(records, ind, freq, as_at, outcome_national), ind),
                ix,
                first,
                last,
                ind,
            )
        where = grid_local["council"].to_numpy(dtype=np.int64)
        council_rows = grid_local.assign(
            council=codes[where],
            level=LEVEL_COUNCIL,
            basis=basis_of[where],
            standard=standard_of[where],
            title=title_of[where],
        )
        grid_national = grid_national.assign(
            council=codes[grid_national["council"].to_numpy(dtype=np.int64)]
        )
        parts = [council_rows]
        if differs:
            extra = grid_national[grid_national["council"].isin(list(codes[differs]))]
            parts.append(
                extra.assign(
                    level=LEVEL_COUNCIL,
                    basis="national",
                    standard=national_text,
                    title=ind.title_for(),
                )
            )
        for level, grouping in ((LEVEL_FAMILY, family), (LEVEL_SCOTLAND, None)):
            pooled = _pool(grid_national, grouping)
            if ind.type in ("count", "people"):
                pooled["den"] = np.nan
            parts.append(
                pooled.assign(
                    level=level, basis="national", standard=national_text, title=ind.title_for()
                )
            )
        labelled = _labelled(pd.concat(parts, ignore_index=True), ind, freq, as_at)
        labelled["frequency"] = _FREQUENCY_WORDS[freq]
        labelled["council_name"] = labelled["council"].map(names)
        labelled["indicator"] = ind.id
        labelled["unit"] = ind.unit
        frames.append(labelled)
    return frames


def compute_indicators(
    tables: dict[str, pd.DataFrame],
    defs: Definitions,
    as_at: date,
    *,
    monthly: bool = True,
    indicators: list[str] | None = None,
    first_day: date | None = None,
) -> pd.DataFrame:
    """:func:`jswlib.compute.indicators.compute_indicators` the former, pandas way (the same
    parameters and result), kept to prove the engine against."""
    chosen = (
        [defs.catalogue.get(i) for i in indicators] if indicators else defs.catalogue.computable()
    )
    codes = [c.code for c in defs.councils]
    tables = with_council_index(with_derived_columns(tables), codes)
    calendars = _calendars(defs, codes)
    frames = []
    for ind in chosen:
        table = tables.get(ind.table)
        if table is None or table.empty:
            continue
        frames.extend(_indicator_results(ind, table, defs, calendars, as_at, monthly, first_day))
    if not frames:
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    out = pd.concat(frames, ignore_index=True).rename(
        columns={"num": "numerator", "den": "denominator"}
    )
    for col in ("numerator", "denominator", "excluded", *_REASON_COLUMNS, "pending"):
        out[col] = out[col].round().astype("Int64")
    return out[list(RESULT_COLUMNS)]
