"""Statistical process control (SPC): XmR charts, p-charts, funnel limits and the words that
explain them.

This is part of the *judge* layer of the workbook: it takes plain numbers (lists, numpy arrays,
pandas Series) and returns pandas DataFrames with one row per point (or per denominator) and the
judgement in words. It imports only :mod:`jswlib.core.errors`, touches no disk, draws nothing and
keeps no state. The charts that draw these frames live in :mod:`jswlib.present.charts`.

The names follow the NHS England "Making Data Count" tools (the NHS-R community's NHSRplotthedots
in R) so that analysts who know them recognise them: :func:`xmr`, :func:`p_chart`, point types
``common_cause``, ``special_cause_improvement``, ``special_cause_concern``,
``special_cause_neutral_high`` and ``special_cause_neutral_low``, assurance ``consistent_pass``,
``consistent_fail`` and ``inconsistent``. Funnel limits follow Public Health England's
PHEindicatormethods (:func:`funnel_limits`) and, for overdispersion, the NHS-R community's
FunnelPlotR (:func:`funnel_overdispersion`).

Conventions (``docs/method.md``, section "Statistical process control and funnel plots")
--------------------------------------------------------------------------------------------
- **XmR limits** are the mean +/- 2.66 x the mean moving range. A moving range is the absolute
  difference between two *adjacent* recorded points: none spans a missing value. Moving ranges at
  or above 3.267 x their mean are screened out **once** and the mean moving range recomputed (the
  mean itself is never screened).
- **Rules** (special cause), run over the recorded points of one limit period in time order:
  a point outside the limits (strictly); a **shift** of 7 points on the same side of the mean (a
  point exactly on the mean breaks it); a **trend** of 7 points, that is 6 consecutive strict rises
  or falls (a repeated value breaks it; a trend may cross the mean); **two of three** consecutive
  points beyond two-thirds of the way from the mean to a limit, all three on the same side of the
  mean (a point beyond the limit does not count towards the two, and only the close points are
  flagged). Every point of a qualifying run is flagged. When rules overlap the point takes the
  label of the first in :data:`RULES`: outside limits > trend > two of three > shift.
- **Missing values** neither make nor break a run: the rules skip them. A missing point has no
  point type.
- **Limit periods**: limits are recalculated only where the caller says the process changed
  (``rebase_at``, from change dates recorded in params), never automatically; each period has its
  own mean and limits and no rule spans two periods. ``fix_after_n_points`` computes a period's
  mean and moving ranges from its first n recorded points only (n at least 12).
- **Too few points**: a period with fewer than :data:`MINIMUM_POINTS` (6) recorded points (or no
  moving range) gets no limits, no rules and no point types; its variation is ``None``. A period
  with fewer than :data:`TRIAL_LIMIT_POINTS` (12) points has *trial* limits, and the frame says so
  (column ``trial_limits``, attribute ``short_series``).
- **Variation** is the point type of the latest recorded point. **Assurance** compares the target
  with the limits of the latest point: ``consistent_pass`` or ``consistent_fail`` only when the
  target lies strictly outside them, otherwise ``inconsistent``; ``None`` without a target, for a
  neutral measure or when the latest point has no limits.
- **Comparisons** ignore floating-point noise: differences are rounded to 9 decimal places first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from statistics import NormalDist
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from jswlib.core.errors import InputError

__all__ = [
    "ASSURANCE_EXPLANATIONS",
    "ASSURANCE_TYPES",
    "ASSURANCE_WORDS",
    "CHART_TYPES",
    "IMPROVEMENTS",
    "LARGE_DENOMINATOR",
    "Label",
    "MINIMUM_POINTS",
    "MOVING_RANGE_CONSTANT",
    "MR_SCREEN_FACTOR",
    "NEUTRAL_ASSURANCE_WORDS",
    "NO_SPC_WORDS",
    "NO_TARGET_WORDS",
    "Overdispersion",
    "POINT_TYPES",
    "POINT_TYPE_EXPLANATIONS",
    "POINT_TYPE_WORDS",
    "P_CHART_SIGMAS",
    "RULES",
    "SHIFT_POINTS",
    "SMALL_DENOMINATOR",
    "TREND_POINTS",
    "TRIAL_LIMIT_POINTS",
    "TWO_OF_THREE_FRACTION",
    "VARYING_DENOMINATOR_RATIO",
    "WINSORISE_FRACTION",
    "XMR_SCALING",
    "assurance_label",
    "funnel_level_name",
    "funnel_limits",
    "funnel_overdispersion",
    "funnel_points",
    "improvement_from_polarity",
    "p_chart",
    "spc_summary",
    "summary_of_attrs",
    "suggest_chart",
    "variation_label",
    "xmr",
]

# --- Constants of the method ---------------------------------------------------------------------

#: XmR limits are the mean +/- this many mean moving ranges (3 / 1.128: three sigma).
XMR_SCALING: float = 2.66
#: Moving ranges at or above this many times their mean are screened out once (3.267 = D4 for n=2).
MR_SCREEN_FACTOR: float = 3.267
#: d2 for moving ranges of two points: sigma = mean moving range / 1.128.
MOVING_RANGE_CONSTANT: float = 1.128
#: A shift is this many consecutive points on the same side of the mean.
SHIFT_POINTS: int = 7
#: A trend is this many consecutive points (one fewer strict rises or falls).
TREND_POINTS: int = 7
#: "Two of three" counts points beyond this fraction of the way from the mean to a limit.
TWO_OF_THREE_FRACTION: float = 2.0 / 3.0
#: p-chart limits are the pooled proportion +/- this many standard errors.
P_CHART_SIGMAS: float = 3.0
#: No limits, rules or point types from a period with fewer recorded points than this.
MINIMUM_POINTS: int = 6
#: Limits from fewer recorded points than this are trial limits.
TRIAL_LIMIT_POINTS: int = 12
#: Fraction of z-scores winsorised at each end before the overdispersion ratio is estimated.
WINSORISE_FRACTION: float = 0.1

#: Which way is better: values should rise, fall, or neither.
IMPROVEMENTS: tuple[str, ...] = ("increase", "decrease", "neutral")
#: The special-cause rules, in order of precedence (the label a point takes when several fire).
RULES: tuple[str, ...] = ("outside_limits", "trend", "two_of_three", "shift")
#: Point types, as NHSRplotthedots names them.
POINT_TYPES: tuple[str, ...] = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
#: Assurance types, as NHSRplotthedots names them.
ASSURANCE_TYPES: tuple[str, ...] = ("consistent_pass", "consistent_fail", "inconsistent")

#: Denominators below this are small: a p-chart, not an XmR chart, for percentages on them.
SMALL_DENOMINATOR: int = 30
#: Denominators vary when the largest exceeds the smallest by more than this factor.
VARYING_DENOMINATOR_RATIO: float = 1.25
#: From this denominator (every point) the binomial limits are too narrow: Laney's p'-chart.
LARGE_DENOMINATOR: int = 1000
#: Chart types :func:`suggest_chart` chooses from.
CHART_TYPES: tuple[str, ...] = ("xmr", "p", "p'")

# --- Words: what analysts and committees read (defined once; the report and charts use these) ----

#: The meaning of each point type in words.
POINT_TYPE_WORDS = MappingProxyType(
    {
        "common_cause": "Common cause variation",
        "special_cause_improvement": "Special cause: improvement",
        "special_cause_concern": "Special cause: concern",
        "special_cause_neutral_high": "Special cause: unusually high",
        "special_cause_neutral_low": "Special cause: unusually low",
    }
)
#: Words when a series has too few points for limits (no point type, no variation).
NO_SPC_WORDS: str = "Too few points for SPC"
#: The meaning of each assurance type in words.
ASSURANCE_WORDS = MappingProxyType(
    {
        "consistent_pass": "Target consistently met",
        "consistent_fail": "Target consistently missed",
        "inconsistent": "Target hit and miss, subject to random variation",
    }
)
#: Words of the absent assurance: no target, a measure with no better direction, or no limits.
NO_TARGET_WORDS: str = "No target"
NEUTRAL_ASSURANCE_WORDS: str = "Not applicable: neither direction is better"

#: A plain-words explanation of each point type, for the method section of a report.
POINT_TYPE_EXPLANATIONS = MappingProxyType(
    {
        "common_cause": (
            "The value lies within the range this process has produced before; the ups and downs "
            "are the ordinary variation of a stable process, not a sign of real change."
        ),
        "special_cause_improvement": (
            "Something has changed for the better: the value is outside the process limits, or "
            "part of a run, trend or cluster that chance alone would rarely produce."
        ),
        "special_cause_concern": (
            "Something has changed for the worse: the value is outside the process limits, or "
            "part of a run, trend or cluster that chance alone would rarely produce."
        ),
        "special_cause_neutral_high": (
            "The value is unusually high for this process; for this measure neither direction is "
            "better, so it is a change to understand rather than to praise or worry about."
        ),
        "special_cause_neutral_low": (
            "The value is unusually low for this process; for this measure neither direction is "
            "better, so it is a change to understand rather than to praise or worry about."
        ),
    }
)
#: A plain-words explanation of each assurance type.
ASSURANCE_EXPLANATIONS = MappingProxyType(
    {
        "consistent_pass": (
            "The target lies outside the process limits on the good side: if nothing changes, "
            "the process will meet it almost every time."
        ),
        "consistent_fail": (
            "The target lies outside the process limits on the bad side: if nothing changes, the "
            "process will miss it almost every time; meeting it needs a change to the process."
        ),
        "inconsistent": (
            "The target lies within the process limits: the process will sometimes meet it and "
            "sometimes not, by chance alone."
        ),
    }
)

_POLARITY_TO_IMPROVEMENT = MappingProxyType(
    {"higher": "increase", "lower": "decrease", "neutral": "neutral"}
)
_DECIMALS = 9  # differences are rounded to this many places before a comparison


def _clean(values: Any) -> Any:
    """Round to 9 decimal places so that floating-point noise does not decide a comparison."""
    return np.round(values, _DECIMALS)


# --- Input checks --------------------------------------------------------------------------------


def _numbers(values: Any, name: str) -> pd.Series:
    """A column of numbers as a float64 Series (missing as NaN), keeping a Series' index."""
    if isinstance(values, pd.DataFrame) or (
        not isinstance(values, (pd.Series, np.ndarray)) and not isinstance(values, Sequence)
    ):
        raise InputError(
            f"{name} must be a list, array or Series of numbers, got {type(values).__name__}"
        )
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    try:
        numbers = pd.to_numeric(series, errors="raise")
    except (TypeError, ValueError) as error:
        raise InputError(f"{name} must be numbers: {error}") from None
    array = np.asarray(numbers, dtype="float64")
    if np.isinf(array).any():
        raise InputError(f"{name} must be finite numbers; found an infinite value")
    return pd.Series(array, index=series.index, name=series.name)


def _number_array(values: Any, name: str) -> tuple[np.ndarray, pd.Index]:
    """As :func:`_numbers`, as a new float64 array and the index of the points (a RangeIndex
    unless ``values`` is a Series), without building a Series where the numbers are already
    numeric."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, np.dtype):
        numeric, index = values.dtype.kind in "fiu", values.index
    elif isinstance(values, np.ndarray) and values.ndim == 1:
        numeric, index = values.dtype.kind in "fiu", None
    else:
        numeric = False
    if not numeric:
        series = _numbers(values, name)
        return series.to_numpy(copy=True), series.index
    array = np.array(values, dtype="float64")
    if np.isinf(array).any():
        raise InputError(f"{name} must be finite numbers; found an infinite value")
    return array, pd.RangeIndex(array.shape[0]) if index is None else index


def improvement_from_polarity(polarity: str) -> str:
    """The SPC improvement direction of an indicator's polarity.

    Parameters
    ----------
    polarity : {"higher", "lower", "neutral"}
        The polarity as ``params/indicators.yaml`` gives it.

    Returns
    -------
    str
        ``"increase"``, ``"decrease"`` or ``"neutral"``.

    Raises
    ------
    InputError
        For any other polarity.

    Examples
    --------
    >>> improvement_from_polarity("higher"), improvement_from_polarity("lower")
    ('increase', 'decrease')
    """
    if polarity not in _POLARITY_TO_IMPROVEMENT:
        raise InputError(f"polarity must be one of 'higher', 'lower', 'neutral', got {polarity!r}")
    return _POLARITY_TO_IMPROVEMENT[polarity]


def _check_improvement(improvement: Any) -> str:
    if improvement not in IMPROVEMENTS:
        raise InputError(
            f"improvement must be one of 'increase', 'decrease', 'neutral', got {improvement!r}"
        )
    return str(improvement)


def _check_target(target: Any) -> float | None:
    if target is None or (np.isscalar(target) and bool(pd.isna(target))):
        return None
    if isinstance(target, bool):
        raise InputError(f"target must be a number, got {target!r}")
    try:
        value = float(target)
    except (TypeError, ValueError):
        raise InputError(f"target must be a number, got {target!r}") from None
    if not math.isfinite(value):
        raise InputError(f"target must be a finite number, got {target!r}")
    return value


def _is_whole(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _check_fix(fix_after_n_points: Any) -> int | None:
    if fix_after_n_points is None:
        return None
    if not _is_whole(fix_after_n_points) or fix_after_n_points < TRIAL_LIMIT_POINTS:
        raise InputError(
            f"fix_after_n_points must be a whole number of at least {TRIAL_LIMIT_POINTS}, "
            f"got {fix_after_n_points!r}"
        )
    return int(fix_after_n_points)


def _period_bounds(rebase_at: Any, n: int) -> list[tuple[int, int]]:
    """``(start, stop)`` positions of each limit period, from the 0-based rebase positions."""
    if isinstance(rebase_at, (str, bytes)) or not isinstance(rebase_at, (Sequence, np.ndarray)):
        raise InputError(
            f"rebase_at must be a list of 0-based positions, got {type(rebase_at).__name__}"
        )
    positions = list(rebase_at)
    bad = [p for p in positions if not _is_whole(p) or not 0 < p < n]
    if bad:
        raise InputError(
            f"rebase_at must hold whole positions from 1 to {n - 1} (0-based, where a new limit "
            f"period starts); got {bad}"
        )
    if len(set(positions)) != len(positions):
        raise InputError(f"rebase_at repeats a position: {sorted(positions)}")
    edges = [0, *sorted(int(p) for p in positions), n]
    return list(zip(edges[:-1], edges[1:]))


# --- The rules -----------------------------------------------------------------------------------


def _run_lengths(keys: np.ndarray) -> np.ndarray:
    """For each element, the length of the run of equal consecutive keys it belongs to."""
    if keys.shape[0] == 0:
        return np.zeros(0, dtype=int)
    starts = np.r_[True, keys[1:] != keys[:-1]]
    ids = np.cumsum(starts) - 1
    return np.bincount(ids)[ids]


def _rules(
    x: np.ndarray,
    centre: float,
    upper: np.ndarray,
    lower: np.ndarray,
    near_upper: np.ndarray,
    near_lower: np.ndarray,
) -> dict[str, np.ndarray]:
    """The four rules over the recorded points of one limit period (no missing values in ``x``).

    Returns a boolean array per rule and ``side``: +1 (high) or -1 (low) for a special-cause
    point, taken from the rule of highest precedence, else 0.
    """
    m = x.shape[0]
    side = np.sign(_clean(x - centre)).astype(int)
    outside = (_clean(x - upper) > 0) | (_clean(lower - x) > 0)

    shift = (side != 0) & (_run_lengths(side) >= SHIFT_POINTS)

    steps = np.sign(_clean(np.diff(x))).astype(int)
    in_trend_step = (steps != 0) & (_run_lengths(steps) >= TREND_POINTS - 1)
    trend = np.zeros(m, dtype=bool)
    direction = np.zeros(m, dtype=int)
    if m > 1:
        trend[1:] |= in_trend_step
        direction[1:] = np.where(in_trend_step, steps, 0)
        trend[:-1] |= in_trend_step
        # a point at the turn of two trends takes the later one (the step to its right)
        direction[:-1] = np.where(in_trend_step, steps, direction[:-1])

    close = ~outside & ((_clean(x - near_upper) > 0) | (_clean(near_lower - x) > 0))
    two_of_three = np.zeros(m, dtype=bool)
    if m >= 3:
        # each window of three consecutive points, as three aligned slices (one per place in it)
        places = [slice(offset, offset + m - 2) for offset in range(3)]
        same_side = np.abs(side[places[0]] + side[places[1]] + side[places[2]]) == 3
        near = close[places[0]].astype(int) + close[places[1]] + close[places[2]]
        qualifying = same_side & (near >= 2)
        for place in places:
            two_of_three[place] |= qualifying & close[place]

    point_side = np.select(
        [outside, trend, two_of_three, shift], [side, direction, side, side], default=0
    )
    return {
        "outside_limits": outside,
        "trend": trend,
        "two_of_three": two_of_three,
        "shift": shift,
        "side": point_side,
    }


def _point_types(special: np.ndarray, side: np.ndarray, improvement: str) -> np.ndarray:
    """Point type of each recorded point of a period with limits."""
    if improvement == "neutral":
        high, low = "special_cause_neutral_high", "special_cause_neutral_low"
    elif improvement == "increase":
        high, low = "special_cause_improvement", "special_cause_concern"
    else:
        high, low = "special_cause_concern", "special_cause_improvement"
    return np.select(
        [special & (side > 0), special & (side < 0)], [high, low], default="common_cause"
    ).astype(object)


def _mean_moving_range(moving_ranges: np.ndarray, screen: bool) -> tuple[float, np.ndarray]:
    """The mean moving range, screening once those at or above 3.267 x the first mean; and the
    mask kept."""
    first = float(moving_ranges.mean())
    keep = np.ones(moving_ranges.shape[0], dtype=bool)
    if screen and first > 0:
        keep = _clean(moving_ranges - MR_SCREEN_FACTOR * first) < 0
    return float(moving_ranges[keep].mean()), keep


def _adjacent_moving_ranges(values: np.ndarray, use: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Moving ranges between adjacent positions both in ``use``; and the positions (of the later
    point)."""
    pairs = use[1:] & use[:-1]
    at = np.flatnonzero(pairs) + 1
    return np.abs(values[at] - values[at - 1]), at


# --- Frames --------------------------------------------------------------------------------------

_FLAG_COLUMNS = (*RULES, "special_cause")


def _empty_frame(index: pd.Index, value_column: str, values: np.ndarray) -> dict[str, Any]:
    n = values.shape[0]
    columns: dict[str, Any] = {value_column: values}
    for name in ("centre", "lower", "upper", "mean_moving_range", "moving_range"):
        columns[name] = np.full(n, np.nan)
    columns["screened"] = np.zeros(n, dtype=bool)
    columns["period"] = np.zeros(n, dtype=int)
    columns["baseline"] = np.zeros(n, dtype=bool)
    columns["trial_limits"] = np.zeros(n, dtype=bool)
    for name in _FLAG_COLUMNS:
        columns[name] = np.zeros(n, dtype=bool)
    columns["rules"] = np.empty(n, dtype=object)
    columns["rules"][:] = [() for _ in range(n)]
    columns["point_type"] = np.full(n, None, dtype=object)
    return columns


def _apply_rules(
    columns: dict[str, Any],
    positions: np.ndarray,
    x: np.ndarray,
    centre: float,
    bands: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    improvement: str,
) -> None:
    """Run the rules on the recorded points at ``positions`` and write flags, rules and point
    types."""
    found = _rules(x, centre, *bands)
    special = np.zeros(x.shape[0], dtype=bool)
    for name in RULES:
        columns[name][positions] = found[name]
        special |= found[name]
    columns["special_cause"][positions] = special
    for k in np.flatnonzero(special).tolist():  # the others keep no rule: ()
        columns["rules"][positions[k]] = tuple(name for name in RULES if found[name][k])
    columns["point_type"][positions] = _point_types(special, found["side"], improvement)


def _frame(columns: dict[str, Any], index: pd.Index) -> pd.DataFrame:
    """The chart's DataFrame; ``point_type`` and ``rules`` stay Python objects (``None``,
    tuples), last."""
    columns = dict(columns)
    for name in ("rules", "point_type"):
        columns[name] = pd.Series(columns.pop(name), index=index, dtype=object)
    return pd.DataFrame(columns, index=index)


def _as_frame(columns: dict[str, Any], index: pd.Index, attrs: dict[str, Any]) -> pd.DataFrame:
    """The DataFrame of a chart's columns (:func:`_frame`), with its ``attrs``."""
    frame = _frame(columns, index)
    frame.attrs.update(attrs)
    return frame


def _summary(
    columns: dict[str, Any], recorded: np.ndarray, improvement: str, target: float | None
) -> dict[str, Any]:
    """``variation``, ``assurance`` and ``short_series`` (and ``improvement``, ``target``) of a
    chart's columns, for its ``attrs``."""
    last = np.flatnonzero(recorded)
    variation = assurance = None
    if last.size:
        row = int(last[-1])
        variation = columns["point_type"][row]
        upper, lower = float(columns["upper"][row]), float(columns["lower"][row])
        has_limits = not (math.isnan(upper) or math.isnan(lower))
        if has_limits and target is not None and improvement != "neutral":
            above = _clean(target - upper) > 0
            below = _clean(lower - target) > 0
            if above:
                assurance = "consistent_fail" if improvement == "increase" else "consistent_pass"
            elif below:
                assurance = "consistent_pass" if improvement == "increase" else "consistent_fail"
            else:
                assurance = "inconsistent"
    return {
        "variation": variation,
        "assurance": assurance,
        "short_series": bool(columns["trial_limits"].any() or np.isnan(columns["centre"]).all()),
        "improvement": improvement,
        "target": target,
    }


def xmr(
    values: Any,
    *,
    improvement: str = "increase",
    target: float | None = None,
    fix_after_n_points: int | None = None,
    rebase_at: Sequence[int] = (),
    screen_outliers: bool = True,
) -> pd.DataFrame:
    """An XmR (individuals) chart in the NHS "Making Data Count" style: limits, rules, point types.

    Parameters
    ----------
    values : list, numpy.ndarray or pandas.Series
        The series in time order (monthly or quarterly values). Missing values are
        ``NaN``/``None``.
    improvement : {"increase", "decrease", "neutral"}, default "increase"
        Which way is better (:func:`improvement_from_polarity` converts a polarity).
    target : float, optional
        The target, in the units of the values, for the assurance.
    fix_after_n_points : int, optional
        Compute each period's mean and moving ranges from its first n recorded points (n >= 12);
        by default from all of them.
    rebase_at : sequence of int, default ()
        0-based positions where a new limit period starts (from change dates recorded in params).
    screen_outliers : bool, default True
        Screen moving ranges at or above 3.267 x their mean once before the mean moving range is
        recomputed.

    Returns
    -------
    pandas.DataFrame
        One row per point, indexed like ``values`` (a RangeIndex for a list), with columns
        ``value``, ``centre`` (the mean), ``lower``, ``upper``, ``mean_moving_range``,
        ``moving_range`` (to the previous point; ``NaN`` when either is missing), ``screened``
        (the moving range was screened out), ``period`` (0, 1, ... per limit period), ``baseline``
        (the point was used for the limits), ``trial_limits``, one boolean column per rule in
        :data:`RULES`, ``special_cause``, ``rules`` (a tuple of the rules that fired, in order of
        precedence) and ``point_type`` (one of :data:`POINT_TYPES`, or ``None`` for a missing value
        or a period without limits). ``attrs`` holds ``variation`` (the latest recorded point's
        type), ``assurance`` (one of :data:`ASSURANCE_TYPES` or ``None``), ``short_series``,
        ``improvement``, ``target``, ``chart`` (``"xmr"``), ``rebase_at`` and
        ``fix_after_n_points``.

    Raises
    ------
    InputError
        When a value or the target is not a number, ``improvement`` is unknown,
        ``fix_after_n_points`` is not a whole number of at least 12, or a rebase position is not a
        whole number from 1 to the number of points less one.

    Notes
    -----
    Convention: see the module notes and ``docs/method.md`` ("Statistical process control and
    funnel plots"). Limits mean +/- 2.66 x mean moving range, moving ranges screened once at 3.267
    x their mean, the four rules with precedence outside limits > trend > two of three > shift, no
    limits below :data:`MINIMUM_POINTS` recorded points, trial limits below
    :data:`TRIAL_LIMIT_POINTS`.

    Examples
    --------
    Moving ranges 2, 1, 2, 1, 1 (mean 7 / 5 = 1.4); mean 69 / 6 = 11.5; limits 11.5 +/- 2.66 x 1.4
    = 11.5 +/- 3.724:

    >>> chart = xmr([10, 12, 11, 13, 12, 11])
    >>> chart.loc[0, ["centre", "lower", "upper"]].round(3).tolist()
    [11.5, 7.776, 15.224]
    >>> chart.attrs["variation"], chart.attrs["short_series"]
    ('common_cause', True)
    """
    return _as_frame(
        *_xmr(
            values,
            improvement=improvement,
            target=target,
            fix_after_n_points=fix_after_n_points,
            rebase_at=rebase_at,
            screen_outliers=screen_outliers,
        )
    )


def _xmr(
    values: Any,
    *,
    improvement: str = "increase",
    target: float | None = None,
    fix_after_n_points: int | None = None,
    rebase_at: Sequence[int] = (),
    screen_outliers: bool = True,
) -> tuple[dict[str, Any], pd.Index, dict[str, Any]]:
    """:func:`xmr` as its columns, index and ``attrs`` (:func:`_as_frame` makes the frame):
    what :mod:`jswlib.present.charts` reads, without building a DataFrame for it."""
    x, index = _number_array(values, "values")
    improvement = _check_improvement(improvement)
    target = _check_target(target)
    fix = _check_fix(fix_after_n_points)
    if not isinstance(screen_outliers, (bool, np.bool_)):
        raise InputError(f"screen_outliers must be True or False, got {screen_outliers!r}")
    n = x.shape[0]
    bounds = _period_bounds(rebase_at, n) if n else []
    recorded = ~np.isnan(x)
    columns = _empty_frame(index, "value", x)
    for period, (start, stop) in enumerate(bounds):
        seg = x[start:stop]
        seg_recorded = recorded[start:stop]
        columns["period"][start:stop] = period
        base = seg_recorded.copy()
        if fix is not None:
            base &= np.cumsum(seg_recorded) <= fix
        moving_ranges, at = _adjacent_moving_ranges(seg, seg_recorded)
        columns["moving_range"][start + at] = moving_ranges
        base_ranges, base_at = _adjacent_moving_ranges(seg, base)
        n_base = int(base.sum())
        if n_base < MINIMUM_POINTS or base_ranges.size == 0:
            continue
        mean = float(seg[base].mean())
        amr, keep = _mean_moving_range(base_ranges, screen_outliers)
        columns["screened"][start + base_at[~keep]] = True
        half = XMR_SCALING * amr
        rows = slice(start, stop)
        columns["centre"][rows] = mean
        columns["upper"][rows] = mean + half
        columns["lower"][rows] = mean - half
        columns["mean_moving_range"][rows] = amr
        columns["baseline"][start + np.flatnonzero(base)] = True
        columns["trial_limits"][rows] = n_base < TRIAL_LIMIT_POINTS
        positions = start + np.flatnonzero(seg_recorded)
        near = TWO_OF_THREE_FRACTION * half
        bands = (
            np.full(positions.size, mean + half),
            np.full(positions.size, mean - half),
            np.full(positions.size, mean + near),
            np.full(positions.size, mean - near),
        )
        _apply_rules(columns, positions, x[positions], mean, bands, improvement)
    summary = _summary(columns, recorded, improvement, target)
    attrs = dict(
        summary, chart="xmr", rebase_at=tuple(int(p) for p in rebase_at), fix_after_n_points=fix
    )
    return columns, index, attrs


def p_chart(
    numerators: Any,
    denominators: Any,
    *,
    improvement: str = "increase",
    target: float | None = None,
    laney: bool = False,
    rebase_at: Sequence[int] = (),
    screen_outliers: bool = True,
) -> pd.DataFrame:
    """A p-chart (or Laney p'-chart) for proportions whose denominators vary from point to point.

    Parameters
    ----------
    numerators, denominators : list, numpy.ndarray or pandas.Series
        Counts per point in time order, ``0 <= numerator <= denominator``. A point whose
        denominator is 0 or missing (or whose numerator is missing) has no proportion: it is
        treated as a missing value.
    improvement : {"increase", "decrease", "neutral"}, default "increase"
        Which way is better.
    target : float, optional
        The target **as a proportion** (0.8 for 80%), for the assurance.
    laney : bool, default False
        Widen the limits by Laney's sigma_z (for large denominators, where the binomial limits are
        too narrow because the proportion itself varies between points).
    rebase_at : sequence of int, default ()
        0-based positions where a new limit period starts.
    screen_outliers : bool, default True
        For the Laney chart: screen moving ranges of the z-scores at or above 3.267 x their mean
        once before sigma_z is computed. (The plain p-chart uses no moving ranges.)

    Returns
    -------
    pandas.DataFrame
        As :func:`xmr`, with ``proportion`` in place of ``value``, plus ``numerator``,
        ``denominator``, ``sigma`` (the standard error of the point, times sigma_z for Laney) and,
        for Laney, ``z`` (the point's z-score); ``mean_moving_range`` is the mean moving range of
        the z-scores (``NaN`` for the plain chart). ``attrs`` as :func:`xmr` with ``chart``
        (``"p"`` or ``"p'"``) and ``sigma_z`` (per period, a tuple; 1 for the plain chart).

    Raises
    ------
    InputError
        When counts are not numbers, are negative, a numerator exceeds its denominator, the two
        lengths differ, or as :func:`xmr`.

    Notes
    -----
    Convention (``docs/method.md``, "Statistical process control and funnel plots"): centre =
    pooled proportion of the period (sum of numerators over sum of denominators of its recorded
    points); limits ``p +/- 3 sqrt(p (1 - p) / n_i)`` clamped to [0, 1]; the two-thirds line at
    ``p +/- 2 sqrt(p (1 - p) / n_i)``. Laney: ``z_i = (p_i - p) / sqrt(p (1 - p) / n_i)``, sigma_z
    = mean moving range of the z-scores / 1.128, limits ``p +/- 3 sigma_z sqrt(p (1 - p) / n_i)``.
    The rules, point types, minimum points and assurance are those of :func:`xmr`; the assurance
    uses the limits of the latest recorded point (they depend on its denominator).

    Examples
    --------
    Pooled p = 60 / 120 = 0.5; for n = 20, 3 sqrt(0.25 / 20) = 0.3354:

    >>> chart = p_chart([10] * 6, [20] * 6)
    >>> chart.loc[0, ["centre", "lower", "upper"]].round(4).tolist()
    [0.5, 0.1646, 0.8354]
    """
    return _as_frame(
        *_p_chart(
            numerators,
            denominators,
            improvement=improvement,
            target=target,
            laney=laney,
            rebase_at=rebase_at,
            screen_outliers=screen_outliers,
        )
    )


def _p_chart(
    numerators: Any,
    denominators: Any,
    *,
    improvement: str = "increase",
    target: float | None = None,
    laney: bool = False,
    rebase_at: Sequence[int] = (),
    screen_outliers: bool = True,
) -> tuple[dict[str, Any], pd.Index, dict[str, Any]]:
    """:func:`p_chart` as its columns, index and ``attrs`` (:func:`_as_frame` makes the frame)."""
    a, index = _number_array(numerators, "numerators")
    b, _ = _number_array(denominators, "denominators")
    if a.shape[0] != b.shape[0]:
        raise InputError(
            f"numerators and denominators must have the same length, got {a.shape[0]} and "
            f"{b.shape[0]}"
        )
    improvement = _check_improvement(improvement)
    target = _check_target(target)
    if not isinstance(laney, (bool, np.bool_)):
        raise InputError(f"laney must be True or False, got {laney!r}")
    negative = (a < 0) | (b < 0)
    if negative.any():
        raise InputError(
            f"counts must not be negative; see position {int(np.flatnonzero(negative)[0])}"
        )
    over = a > b
    if over.any():
        raise InputError(
            f"a numerator exceeds its denominator at position {int(np.flatnonzero(over)[0])}"
        )
    recorded = ~np.isnan(a) & ~np.isnan(b) & (b > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(recorded, a / np.where(b > 0, b, 1.0), np.nan)
    n = p.shape[0]
    bounds = _period_bounds(rebase_at, n) if n else []
    columns = _empty_frame(index, "proportion", p)
    columns["numerator"], columns["denominator"] = a, b
    columns["sigma"] = np.full(n, np.nan)
    if laney:
        columns["z"] = np.full(n, np.nan)
    sigma_zs = []
    for period, (start, stop) in enumerate(bounds):
        seg_recorded = recorded[start:stop]
        columns["period"][start:stop] = period
        positions = start + np.flatnonzero(seg_recorded)
        if positions.size < MINIMUM_POINTS:
            sigma_zs.append(math.nan)
            continue
        centre = float(a[positions].sum() / b[positions].sum())
        binomial = np.sqrt(centre * (1 - centre) / b[positions])
        sigma_z = 1.0
        if laney:
            with np.errstate(divide="ignore", invalid="ignore"):
                z = np.where(binomial > 0, (p[positions] - centre) / binomial, 0.0)
            columns["z"][positions] = z
            z_full = np.full(stop - start, np.nan)
            z_full[positions - start] = z
            moving_ranges, at = _adjacent_moving_ranges(z_full, seg_recorded)
            columns["moving_range"][start + at] = moving_ranges
            if moving_ranges.size == 0:
                sigma_zs.append(math.nan)
                continue
            amr, keep = _mean_moving_range(moving_ranges, screen_outliers)
            columns["screened"][start + at[~keep]] = True
            columns["mean_moving_range"][start:stop] = amr
            sigma_z = amr / MOVING_RANGE_CONSTANT
        sigma_zs.append(sigma_z)
        sigma = binomial * sigma_z
        columns["centre"][start:stop] = centre
        columns["sigma"][positions] = sigma
        columns["upper"][positions] = np.minimum(centre + P_CHART_SIGMAS * sigma, 1.0)
        columns["lower"][positions] = np.maximum(centre - P_CHART_SIGMAS * sigma, 0.0)
        columns["baseline"][positions] = True
        columns["trial_limits"][start:stop] = positions.size < TRIAL_LIMIT_POINTS
        # the rules use the unclamped limits: a clamped limit cannot be passed, and the
        # two-thirds line stays two-thirds of the way to the unclamped limit
        near = TWO_OF_THREE_FRACTION * P_CHART_SIGMAS * sigma
        bands = (
            centre + P_CHART_SIGMAS * sigma,
            centre - P_CHART_SIGMAS * sigma,
            centre + near,
            centre - near,
        )
        _apply_rules(columns, positions, p[positions], centre, bands, improvement)
    summary = _summary(columns, recorded, improvement, target)
    attrs = dict(
        summary,
        chart="p'" if laney else "p",
        rebase_at=tuple(int(q) for q in rebase_at),
        fix_after_n_points=None,
        sigma_z=tuple(sigma_zs),
    )
    return columns, index, attrs


def suggest_chart(denominators: Any = None) -> str:
    """Which SPC chart suits a series: XmR, p-chart or Laney's p'-chart.

    Parameters
    ----------
    denominators : list, numpy.ndarray or pandas.Series, optional
        The denominators of a percentage series; ``None`` for a series of counts or durations.

    Returns
    -------
    str
        ``"xmr"`` without denominators, or when every denominator is at least
        :data:`SMALL_DENOMINATOR` (30) and they vary by no more than
        :data:`VARYING_DENOMINATOR_RATIO` (the largest at most 1.25 x the smallest);
        ``"p'"`` when every denominator is at least :data:`LARGE_DENOMINATOR` (1000) and they
        vary; otherwise ``"p"``.

    Notes
    -----
    Convention (``docs/method.md``, "Statistical process control and funnel plots"): an XmR chart
    of percentages assumes that every point carries about the same weight; when denominators are
    small (an island council's 0-3 cases a month) or vary, the p-chart gives each point the limits
    its own denominator allows. With very large denominators binomial limits become so narrow that
    every point looks special; Laney's p' allows for the extra variation. Denominators of 0 or
    missing are ignored.

    Examples
    --------
    >>> suggest_chart(), suggest_chart([40, 42, 45]), suggest_chart([2, 0, 3]), suggest_chart([1500, 2400])
    ('xmr', 'xmr', 'p', "p'")
    """
    if denominators is None:
        return "xmr"
    den, _ = _number_array(denominators, "denominators")
    den = den[~np.isnan(den) & (den > 0)]
    if den.size == 0:
        return "xmr"
    varying = den.max() > VARYING_DENOMINATOR_RATIO * den.min()
    if den.min() >= LARGE_DENOMINATOR:
        return "p'" if varying else "xmr"
    return "p" if varying or den.min() < SMALL_DENOMINATOR else "xmr"


# --- Icons and labels: text, never colour alone ------------------------------------------------


class Label(NamedTuple):
    """How a variation or assurance result is shown: a short text icon, its words and a role.

    ``icon`` is one or two characters in the manner of the Making Data Count icons ("H"/"L" for a
    special cause high or low, "~" for common cause, "P"/"F"/"?" for assurance, "-" for none);
    ``words`` says what it means; ``role`` names the colour class a report may add (never the only
    carrier of meaning): ``"common"``, ``"improvement"``, ``"concern"``, ``"neutral"``,
    ``"pass"``, ``"fail"``, ``"inconsistent"`` or ``"none"``.
    """

    icon: str
    words: str
    role: str

    @property
    def text(self) -> str:
        """Icon and words together, as a table cell shows them: ``"H Special cause:
        improvement"``."""
        return f"{self.icon} {self.words}"


_VARIATION_ROLES = MappingProxyType(
    {
        "common_cause": "common",
        "special_cause_improvement": "improvement",
        "special_cause_concern": "concern",
        "special_cause_neutral_high": "neutral",
        "special_cause_neutral_low": "neutral",
    }
)


def variation_label(point_type: str | None, improvement: str = "increase") -> Label:
    """The icon, words and role of a point type (the variation of the latest point).

    Parameters
    ----------
    point_type : str or None
        One of :data:`POINT_TYPES`, or ``None`` when there were too few points for SPC.
    improvement : {"increase", "decrease", "neutral"}, default "increase"
        Which way is better: decides whether an improvement is high ("H") or low ("L").

    Returns
    -------
    Label
        For example ``Label("H", "Special cause: improvement", "improvement")``.

    Raises
    ------
    InputError
        For an unknown point type or improvement.

    Notes
    -----
    Convention (``docs/method.md``, "Statistical process control and funnel plots"): as on the
    Making Data Count icons, "H" and "L" say whether the special cause is high or low, and the
    words say whether that is an improvement, a concern, or neither; common cause is "~".

    Examples
    --------
    >>> variation_label("special_cause_improvement", "decrease").text
    'L Special cause: improvement'
    >>> variation_label(None).text
    '- Too few points for SPC'
    """
    improvement = _check_improvement(improvement)
    if point_type is None:
        return Label("-", NO_SPC_WORDS, "none")
    if point_type not in POINT_TYPE_WORDS:
        raise InputError(f"point_type must be one of {', '.join(POINT_TYPES)}, got {point_type!r}")
    high = {
        "special_cause_improvement": improvement != "decrease",
        "special_cause_concern": improvement == "decrease",
        "special_cause_neutral_high": True,
        "special_cause_neutral_low": False,
    }
    icon = "~" if point_type == "common_cause" else ("H" if high[point_type] else "L")
    return Label(icon, POINT_TYPE_WORDS[point_type], _VARIATION_ROLES[point_type])


_ASSURANCE_ICONS = MappingProxyType(
    {
        "consistent_pass": ("P", "pass"),
        "consistent_fail": ("F", "fail"),
        "inconsistent": ("?", "inconsistent"),
    }
)


def assurance_label(
    assurance: str | None, *, improvement: str = "increase", has_target: bool = True
) -> Label:
    """The icon, words and role of an assurance result.

    Parameters
    ----------
    assurance : str or None
        One of :data:`ASSURANCE_TYPES`, or ``None``.
    improvement : {"increase", "decrease", "neutral"}, default "increase"
        For the words of a missing assurance: a neutral measure has none by design.
    has_target : bool, default True
        For the words of a missing assurance: whether the measure has a target.

    Returns
    -------
    Label
        ``Label("P", "Target consistently met", "pass")``, ``"F"``, ``"?"``; or ``"-"`` with
        :data:`NEUTRAL_ASSURANCE_WORDS`, :data:`NO_TARGET_WORDS` or :data:`NO_SPC_WORDS`.

    Raises
    ------
    InputError
        For an unknown assurance type or improvement.

    Examples
    --------
    >>> assurance_label("consistent_fail").text
    'F Target consistently missed'
    >>> assurance_label(None, has_target=False).text
    '- No target'
    """
    improvement = _check_improvement(improvement)
    if assurance is None:
        if improvement == "neutral":
            return Label("-", NEUTRAL_ASSURANCE_WORDS, "none")
        return Label("-", NO_SPC_WORDS if has_target else NO_TARGET_WORDS, "none")
    if assurance not in ASSURANCE_WORDS:
        raise InputError(
            f"assurance must be one of {', '.join(ASSURANCE_TYPES)} or None, got {assurance!r}"
        )
    icon, role = _ASSURANCE_ICONS[assurance]
    return Label(icon, ASSURANCE_WORDS[assurance], role)


def spc_summary(chart: pd.DataFrame) -> dict[str, Any]:
    """The variation and assurance of a chart from :func:`xmr` or :func:`p_chart`, as a report row
    shows them.

    Parameters
    ----------
    chart : pandas.DataFrame
        The frame :func:`xmr` or :func:`p_chart` returned (its ``attrs`` are read).

    Returns
    -------
    dict
        ``variation`` and ``assurance`` (the codes, or ``None``), ``variation_icon``,
        ``variation_words``, ``variation_role``, ``variation_text``, the same four for
        ``assurance_``, ``short_series`` and ``chart``.

    Raises
    ------
    InputError
        When ``chart`` does not carry the attributes :func:`xmr` sets.

    Examples
    --------
    >>> row = spc_summary(xmr([9, 11] * 6 + [16], target=20, fix_after_n_points=12))
    >>> row["variation_text"], row["assurance_text"]
    ('H Special cause: improvement', 'F Target consistently missed')
    """
    needed = ("variation", "assurance", "improvement", "target", "short_series")
    if not isinstance(chart, pd.DataFrame) or any(key not in chart.attrs for key in needed):
        raise InputError("spc_summary needs the frame that xmr or p_chart returned")
    return summary_of_attrs(chart.attrs)


def summary_of_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`spc_summary` of a chart's ``attrs`` (as :func:`xmr` and :func:`p_chart` set them),
    for a caller that has them without the chart's frame."""
    variation = variation_label(attrs["variation"], attrs["improvement"])
    assurance = assurance_label(
        attrs["assurance"],
        improvement=attrs["improvement"],
        has_target=attrs["target"] is not None,
    )
    row: dict[str, Any] = {"variation": attrs["variation"], "assurance": attrs["assurance"]}
    for prefix, label in (("variation", variation), ("assurance", assurance)):
        row[f"{prefix}_icon"] = label.icon
        row[f"{prefix}_words"] = label.words
        row[f"{prefix}_role"] = label.role
        row[f"{prefix}_text"] = label.text
    row["short_series"] = attrs["short_series"]
    row["chart"] = attrs.get("chart")
    return row


# --- Funnel plots --------------------------------------------------------------------------------


class Overdispersion(NamedTuple):
    """Spiegelhalter's overdispersion estimate for proportions (see
    :func:`funnel_overdispersion`)."""

    #: The overdispersion ratio: mean of the squared winsorised z-scores (1 = binomial).
    phi: float
    #: The between-unit variance added to each unit's variance (0 when phi does not show it).
    tau2: float
    #: The number of units with a denominator.
    units: int
    #: The overall proportion (sum of numerators over sum of denominators).
    proportion: float


def funnel_level_name(level: float) -> str:
    """The column suffix of a funnel level: 0.95 -> ``"95"``, 0.998 -> ``"99_8"``.

    Examples
    --------
    >>> funnel_level_name(0.95), funnel_level_name(0.998)
    ('95', '99_8')
    """
    return f"{round(level * 100, 6):g}".replace(".", "_")


def _check_levels(levels: Any) -> tuple[float, ...]:
    try:
        checked = tuple(float(level) for level in levels)
    except (TypeError, ValueError):
        raise InputError(
            f"levels must be a list of numbers such as (0.95, 0.998), got {levels!r}"
        ) from None
    if not checked or any(not 0 < level < 1 for level in checked):
        raise InputError(f"levels must lie strictly between 0 and 1, got {levels!r}")
    return checked


def _z(level: float) -> float:
    """The two-sided standard normal quantile of a level: 0.95 -> 1.959964, 0.998 -> 3.090232."""
    return NormalDist().inv_cdf(1 - (1 - level) / 2)


def _check_proportion(proportion: Any) -> float:
    value = _check_target(proportion)
    if value is None or not 0 <= value <= 1:
        raise InputError(f"proportion must be a number from 0 to 1, got {proportion!r}")
    return value


def funnel_overdispersion(
    numerators: Any, denominators: Any, *, winsorise: float = WINSORISE_FRACTION
) -> Overdispersion:
    """Spiegelhalter's overdispersion ratio phi and between-unit variance tau2 for proportions.

    Parameters
    ----------
    numerators, denominators : list, numpy.ndarray or pandas.Series
        Counts per unit (council), ``0 <= numerator <= denominator``; units with a denominator of 0
        or a missing count are left out.
    winsorise : float, default 0.1
        Fraction of the z-scores pulled in at each end (10%: to the 10th and 90th percentiles).

    Returns
    -------
    Overdispersion
        ``phi``, ``tau2``, the number of ``units`` used and the overall ``proportion``.

    Raises
    ------
    InputError
        When counts are invalid, fewer than 2 units have a denominator, or ``winsorise`` is not
        from 0 to 0.5.

    Notes
    -----
    Convention, as FunnelPlotR does it for proportions (Spiegelhalter 2005; Spiegelhalter et al.
    2012): z-scores on the arcsine square-root scale, ``z_i = (asin sqrt(p_i) - asin sqrt(p)) /
    s_i`` with ``s_i = 1 / (2 sqrt(n_i))``; winsorised at the 10th and 90th percentiles (linear
    interpolation between order statistics); ``phi = mean(z_w^2)``; ``tau2 = 0`` when ``k phi <
    k - 1`` (k units), else ``max(0, (k phi - (k - 1)) / (sum w_i - sum w_i^2 / sum w_i))`` with
    ``w_i = 1 / s_i^2 = 4 n_i``.
    """
    num = _numbers(numerators, "numerators").to_numpy()
    den = _numbers(denominators, "denominators").to_numpy()
    if num.shape[0] != den.shape[0]:
        raise InputError(
            f"numerators and denominators must have the same length, got {num.shape[0]} and "
            f"{den.shape[0]}"
        )
    if (num < 0).any() or (den < 0).any() or (num > den).any():
        raise InputError("counts must satisfy 0 <= numerator <= denominator")
    if not isinstance(winsorise, (int, float)) or not 0 <= winsorise < 0.5:
        raise InputError(f"winsorise must be a fraction from 0 to under 0.5, got {winsorise!r}")
    use = ~np.isnan(num) & ~np.isnan(den) & (den > 0)
    num, den = num[use], den[use]
    k = int(num.shape[0])
    if k < 2:
        raise InputError(f"overdispersion needs at least 2 units with a denominator, got {k}")
    proportion = float(num.sum() / den.sum())
    s = 1 / (2 * np.sqrt(den))
    z = (np.arcsin(np.sqrt(num / den)) - math.asin(math.sqrt(proportion))) / s
    low, high = np.quantile(z, [winsorise, 1 - winsorise])
    z_w = np.clip(z, low, high)
    phi = float(np.mean(z_w**2))
    tau2 = 0.0
    if k * phi >= k - 1:
        w = 1 / s**2
        tau2 = max(0.0, float((k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum())))
    return Overdispersion(phi=phi, tau2=tau2, units=k, proportion=proportion)


def funnel_limits(
    denominators: Any,
    proportion: float,
    *,
    levels: Sequence[float] = (0.95, 0.998),
    overdispersion: Overdispersion | None = None,
) -> pd.DataFrame:
    """Funnel-plot control limits for a proportion, for each denominator.

    Parameters
    ----------
    denominators : list, numpy.ndarray or pandas.Series
        Denominators at which to compute the limits (the councils' own, or a grid for drawing).
    proportion : float
        The overall proportion (0-1) the funnel is centred on.
    levels : sequence of float, default (0.95, 0.998)
        Coverage of each pair of limits.
    overdispersion : Overdispersion, optional
        From :func:`funnel_overdispersion`: when its ``phi`` exceeds 1 the limits are widened by
        its ``tau2`` (Spiegelhalter's additive random-effects adjustment, as FunnelPlotR draws it).

    Returns
    -------
    pandas.DataFrame
        Columns ``denominator`` and ``lower_<level>``, ``upper_<level>`` for each level
        (``lower_95``, ``upper_95``, ``lower_99_8``, ``upper_99_8`` by default), as proportions
        clamped to [0, 1]; ``NaN`` for a denominator that is 0 or missing. ``attrs``:
        ``proportion``, ``levels``, ``method`` (``"wilson"`` or ``"overdispersed"``), ``phi`` and
        ``tau2`` (``None`` without the option).

    Raises
    ------
    InputError
        When a denominator is negative or not a number, the proportion is outside 0-1, or a level
        is not strictly between 0 and 1.

    Notes
    -----
    Convention (``docs/method.md``, "Statistical process control and funnel plots"): PHE's limits
    are the observed proportion at which the Wilson score interval of a unit with denominator n
    just touches the overall proportion p. The Wilson interval is the set of p with ``|q - p| <= z
    sqrt(p (1 - p) / n)``, so that proportion is ``q = p +/- z sqrt(p (1 - p) / n)``, z the
    two-sided normal quantile of the level (1.959964 at 95%, 3.090232 at 99.8%); we clamp it to
    [0, 1]. With overdispersion (phi > 1) the limits are ``sin^2(asin sqrt(p) +/- z sqrt(1 / (4 n)
    + tau2))``, the angle kept within [0, pi / 2].

    Examples
    --------
    p = 0.5, n = 100: 0.5 +/- 1.959964 x 0.05 = 0.5 +/- 0.098:

    >>> funnel_limits([100], 0.5).round(4).iloc[0].tolist()
    [100.0, 0.402, 0.598, 0.3455, 0.6545]
    """
    den = _numbers(denominators, "denominators")
    n = den.to_numpy()
    if (n < 0).any():
        raise InputError("denominators must not be negative")
    p = _check_proportion(proportion)
    checked = _check_levels(levels)
    adjusted = overdispersion is not None and overdispersion.phi > 1
    with np.errstate(divide="ignore", invalid="ignore"):
        usable = np.where(n > 0, n, np.nan)
        columns: dict[str, Any] = {"denominator": n}
        for level in checked:
            z = _z(level)
            if adjusted:
                angle = math.asin(math.sqrt(p))
                spread = z * np.sqrt(1 / (4 * usable) + overdispersion.tau2)
                lower = np.sin(np.clip(angle - spread, 0, math.pi / 2)) ** 2
                upper = np.sin(np.clip(angle + spread, 0, math.pi / 2)) ** 2
            else:
                half = z * np.sqrt(p * (1 - p) / usable)
                lower, upper = np.clip(p - half, 0, 1), np.clip(p + half, 0, 1)
            name = funnel_level_name(level)
            columns[f"lower_{name}"], columns[f"upper_{name}"] = lower, upper
    frame = pd.DataFrame(columns, index=den.index)
    frame.attrs.update(
        proportion=p,
        levels=checked,
        method="overdispersed" if adjusted else "wilson",
        phi=None if overdispersion is None else overdispersion.phi,
        tau2=None if overdispersion is None else (overdispersion.tau2 if adjusted else 0.0),
    )
    return frame


def funnel_points(
    numerators: Any,
    denominators: Any,
    *,
    labels: Sequence[str] | None = None,
    levels: Sequence[float] = (0.95, 0.998),
    overdispersion: bool = False,
) -> pd.DataFrame:
    """Each unit's proportion with the funnel limits at its own denominator, and whether it lies
    outside.

    Parameters
    ----------
    numerators, denominators : list, numpy.ndarray or pandas.Series
        Counts per unit (council).
    labels : sequence of str, optional
        Names of the units (council names); by default the index.
    levels : sequence of float, default (0.95, 0.998)
        As :func:`funnel_limits`.
    overdispersion : bool, default False
        Estimate phi and tau2 (:func:`funnel_overdispersion`) and widen the limits when phi > 1.

    Returns
    -------
    pandas.DataFrame
        One row per unit: ``label``, ``numerator``, ``denominator``, ``proportion`` (``NaN`` for a
        denominator of 0), the limit columns of :func:`funnel_limits` and, per level,
        ``outside_<level>``: ``"high"`` above the upper limit, ``"low"`` below the lower, ``""``
        within (strictly outside only). ``attrs`` as :func:`funnel_limits`.

    Notes
    -----
    Convention: the overall proportion is the sum of the numerators over the sum of the
    denominators. A funnel plot compares each unit with that proportion allowing for its size; it
    does not rank units.

    Examples
    --------
    >>> table = funnel_points([50, 90, 10], [100, 100, 100], labels=["A", "B", "C"])
    >>> table[["label", "outside_99_8"]].values.tolist()
    [['A', ''], ['B', 'high'], ['C', 'low']]
    """
    num = _numbers(numerators, "numerators")
    den = _numbers(denominators, "denominators")
    if num.shape[0] != den.shape[0]:
        raise InputError(
            f"numerators and denominators must have the same length, got {num.shape[0]} and "
            f"{den.shape[0]}"
        )
    a, n = num.to_numpy(), den.to_numpy()
    if (a < 0).any() or (n < 0).any() or (a > n).any():
        raise InputError("counts must satisfy 0 <= numerator <= denominator")
    names = [str(x) for x in (labels if labels is not None else num.index)]
    if len(names) != a.shape[0]:
        raise InputError(
            f"labels must name every unit: {len(names)} labels for {a.shape[0]} units"
        )
    use = ~np.isnan(a) & ~np.isnan(n) & (n > 0)
    if not use.any():
        raise InputError("no unit has a denominator: there is no funnel to draw")
    proportion = float(a[use].sum() / n[use].sum())
    estimate = funnel_overdispersion(a, n) if overdispersion else None
    limits = funnel_limits(n, proportion, levels=levels, overdispersion=estimate)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(use, a / np.where(n > 0, n, 1.0), np.nan)
    table = pd.DataFrame({"label": names, "numerator": a, "proportion": p}, index=num.index)
    table = pd.concat([table, limits.set_axis(num.index)], axis=1)
    table = table[["label", "numerator", "denominator", "proportion", *limits.columns[1:]]]
    for level in limits.attrs["levels"]:
        name = funnel_level_name(level)
        high = _clean(p - table[f"upper_{name}"].to_numpy()) > 0
        low = _clean(table[f"lower_{name}"].to_numpy() - p) > 0
        table[f"outside_{name}"] = np.select([high, low], ["high", "low"], default="")
    table.attrs.update(limits.attrs)
    return table
