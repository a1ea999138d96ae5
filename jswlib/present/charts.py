"""Charts of the quarterly report: trend lines and statistical process control (SPC) charts, in one style.

This is part of the *present* layer of the workbook: it takes small
tables of period labels and values (as :mod:`jswlib.compute.indicators` and
:mod:`jswlib.judge.status` produce them) and returns matplotlib :class:`~matplotlib.figure.Figure`
objects. Colours, line styles, font sizes and the figure size live in the module constants
:data:`PALETTE`, :data:`STYLE`, :data:`TARGET_STYLE` and the ``*_STYLE`` constants below, so that
notebooks never spell a colour. It imports only lower layers (:mod:`jswlib.judge.status`,
:mod:`jswlib.definitions.periods`), touches no disk and keeps no state.

Conventions
-----------
- **No pyplot.** Figures are built with ``matplotlib.figure.Figure`` directly, never with
  ``matplotlib.pyplot``: nothing is registered in pyplot's global list of open figures, no global
  ``rcParams`` are changed, charts can be drawn in parallel batch runs, and a figure is freed by
  the garbage collector as soon as it is no longer referenced. **There is no need to call**
  ``plt.close(fig)`` (and no ``close`` function here): drop the reference, or let it go out of
  scope. In a notebook a ``Figure`` shows itself as the last expression of a cell.
- **Palette**: the Government Analysis Function categorical palette (:data:`PALETTE`), safe for
  colour-blind readers (docs/method.md, Accessibility). The council is dark blue, a comparison
  (Scotland or the family group) turquoise; the two contrast 3.2:1 with each other and each at
  least 3:1 with the white background (:func:`contrast_ratio`).
- **Colour is never the only carrier of meaning** (WCAG 2.2 AA): the comparison line is dashed with
  square markers against the council's solid line with round markers; the target is a long-dashed
  line, the process limits short-dashed; special-cause points differ from other points, and from
  each other, in marker shape as well as colour; every series is named in the legend, and every
  chart carries a text alternative.
- **Text alternative**: each chart has an attribute ``jsw_alt_text`` (:data:`ALT_TEXT_ATTRIBUTE`),
  a description in words computed from the data: the periods covered, the first and last values,
  the highest and lowest, the target and how often it was met (trend charts), or the mean, the
  limits, the special causes, the variation and the assurance (SPC charts). Values are rounded half
  up (:func:`jswlib.judge.status.format_value`), as they are published. :func:`figure_to_png` also
  writes it in the PNG's ``Description`` field.
- **Low numbers**: a point whose denominator is under
  :data:`~jswlib.judge.status.LOW_NUMBERS_THRESHOLD` (10) is drawn hollow, with a legend entry
  "..., fewer than 10 cases", and named in the text alternative.
- **Target met** follows :func:`jswlib.judge.status.rag_status` on a two-state scheme: the exact
  (unrounded) value is judged, a value at target meets it, and polarity decides the side ("lower"
  is better: at or below). So 79.5% is shown as "80%" yet does not meet a target of 80%.
- **Axes**: a trend chart of percentages has a y axis from 0 to 100 with "%" tick labels (further
  only if a value lies outside it); other units start at 0. An SPC chart zooms to its values,
  limits and target, as Making Data Count charts do, within 0-100 for percentages. The x axis is
  categorical: one tick per period label, in the order of the data (rotated when the labels would
  not fit side by side).
- **SPC** follows NHS England's "Making Data Count": XmR limits at mean +/- 2.66 x the
  mean moving range (:func:`xmr_limits`), calculated over a baseline only when the caller names
  one, never re-based automatically; the four special-cause rules of :func:`special_causes`; the
  variation of the latest point (:func:`variation_icon`) and the assurance of the target
  (:func:`assurance`) in words. The SPC helpers are pure functions of numbers and can be used
  without drawing anything.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from jswlib.definitions.periods import FREQUENCY_NAMES, parse_period
from jswlib.judge.status import (
    GREEN,
    LOW_NUMBERS_THRESHOLD,
    NO_TARGET,
    NOT_AVAILABLE,
    format_value,
    low_numbers,
    rag_status_series,
    round_half_up,
    validate_polarity,
)

__all__ = [
    "ALT_TEXT_ATTRIBUTE",
    "BASELINE_STYLE",
    "COMMON_CAUSE",
    "COMPARISON_STYLE",
    "COUNCIL_STYLE",
    "HIT_AND_MISS",
    "LIMIT_STYLE",
    "MEAN_STYLE",
    "PALETTE",
    "SHIFT_POINTS",
    "SPECIAL_CAUSE_CONCERNING",
    "SPECIAL_CAUSE_IMPROVING",
    "SPECIAL_CAUSE_NEITHER",
    "SPECIAL_CAUSE_STYLES",
    "STYLE",
    "TARGET_CONSISTENTLY_MET",
    "TARGET_CONSISTENTLY_MISSED",
    "TARGET_LABEL",
    "TARGET_STYLE",
    "TREND_POINTS",
    "TWO_OF_THREE_FRACTION",
    "WHITE",
    "XMR_SCALING",
    "assurance",
    "contrast_ratio",
    "figure_to_png",
    "special_causes",
    "spc_chart",
    "target_label",
    "trend_chart",
    "variation_icon",
    "xmr_limits",
]

from jswlib.present.style import (  # noqa: E402 - re-exported for callers of charts
    BASELINE_STYLE,
    COMPARISON_STYLE,
    COUNCIL_STYLE,
    LIMIT_STYLE,
    MEAN_STYLE,
    PALETTE,
    STYLE,
    TARGET_LABEL,
    TARGET_STYLE,
    WHITE,
)

#: Name of the Figure attribute holding the chart's text alternative.
ALT_TEXT_ATTRIBUTE = "jsw_alt_text"

# --- SPC rules (docs/method.md, Statistical process control and funnel plots) -------------------

#: Limits are the mean +/- this many times the mean moving range (3 sigma, sigma = mean MR /
#: 1.128).
XMR_SCALING: float = 2.66
#: A shift is a run of this many or more consecutive points on the same side of the mean.
SHIFT_POINTS: int = 7
#: A trend is this many or more consecutive points each higher (or each lower) than the one before:
#: 7 points, that is 6 consecutive increases (or decreases).
TREND_POINTS: int = 7
#: "Two of three" counts points beyond this fraction of the way from the mean to a limit (2 sigma).
TWO_OF_THREE_FRACTION: float = 2.0 / 3.0

COMMON_CAUSE = "Common cause"
SPECIAL_CAUSE_IMPROVING = "Special cause improving"
SPECIAL_CAUSE_CONCERNING = "Special cause concerning"
#: Special cause of a neutral indicator (neither higher nor lower is better).
SPECIAL_CAUSE_NEITHER = "Special cause neither improving nor concerning"
TARGET_CONSISTENTLY_MET = "Target consistently met"
TARGET_CONSISTENTLY_MISSED = "Target consistently missed"
HIT_AND_MISS = "Hit and miss"

#: Markers of special-cause points: colour AND shape differ (improving dark blue squares,
#: concerning orange diamonds, neither light purple filled plus signs), all larger than the
#: ordinary round markers.
SPECIAL_CAUSE_STYLES = MappingProxyType(
    {
        SPECIAL_CAUSE_IMPROVING: MappingProxyType({"color": PALETTE["dark_blue"], "marker": "s"}),
        SPECIAL_CAUSE_CONCERNING: MappingProxyType({"color": PALETTE["orange"], "marker": "D"}),
        SPECIAL_CAUSE_NEITHER: MappingProxyType({"color": PALETTE["light_purple"], "marker": "P"}),
    }
)

_REQUIRED_COLUMNS = ("period", "value")
_COMPARISON_DECIMALS = (
    9  # differences are rounded to this many places before comparison (float noise)
)


def _clean(values: Any) -> Any:
    """Round to 9 decimal places so that floating-point noise does not decide a comparison."""
    return np.round(values, _COMPARISON_DECIMALS)


# --- Small helpers: colours and words ------------------------------------------------------------


def _relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a colour (0 black, 1 white)."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(colour: str, other: str = WHITE) -> float:
    """The WCAG 2 contrast ratio of two colours, from 1 (the same) to 21 (black on white).

    Parameters
    ----------
    colour, other : str
        Colours as matplotlib reads them (``"#12436D"``, ``"white"``); ``other`` defaults to white.

    Returns
    -------
    float
        ``(L1 + 0.05) / (L2 + 0.05)``, the lighter relative luminance over the darker.

    Notes
    -----
    Convention: WCAG 2.2 success criterion 1.4.11 asks for 3:1 between adjacent colours of graphics
    (docs/method.md, Accessibility). Relative luminance as WCAG defines it (sRGB, threshold
    0.04045).

    Examples
    --------
    >>> round(contrast_ratio("#000000", "#FFFFFF"), 1), contrast_ratio(PALETTE["orange"], PALETTE["orange"])
    (21.0, 1.0)
    >>> round(contrast_ratio(PALETTE["dark_blue"], PALETTE["turquoise"]), 1)
    3.2
    """
    lighter, darker = sorted(
        (_relative_luminance(colour), _relative_luminance(other)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def _decimals_of(number: float) -> int:
    """The fewest decimal places (up to 3) that show ``number`` exactly: 80 -> 0, 87.5 -> 1."""
    for digits in range(4):
        if float(_clean(round_half_up(number, digits) - number)) == 0:
            return digits
    return 3


def _show(value: float, unit: str, digits: int) -> str:
    """A value as text, rounded half up: ``"88%"``, ``"1,235"``, ``"12 days"``."""
    text = format_value(value, unit, digits)
    return text if unit in ("%", "") else f"{text} {unit}"


def target_label(target: float, unit: str = "%") -> str:
    """The legend label of a target line: ``"Target 80%"``.

    Parameters
    ----------
    target : float
        The target, in the units of the value.
    unit : str, default "%"
        ``"%"`` for percentages; another unit is written after the number.

    Returns
    -------
    str
        :data:`TARGET_LABEL` filled in; the target is shown exactly (87.5 stays 87.5, it is not
        rounded).

    Examples
    --------
    >>> target_label(80), target_label(87.5), target_label(5, "days")
    ('Target 80%', 'Target 87.5%', 'Target 5 days')
    """
    target = float(target)
    return TARGET_LABEL.format(target=_show(target, unit, _decimals_of(target)))


def _join(words: Sequence[str]) -> str:
    """Words as an English list: ``"a"``, ``"a and b"``, ``"a, b and c"``."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _plural(noun: str, count: int) -> str:
    """``noun`` with an "s" unless ``count`` is 1."""
    return noun if count == 1 else f"{noun}s"


def _period_noun(labels: Sequence[str]) -> str:
    """ "quarter", "month", "half-year" or "financial year" when every label is one, else "period"."""
    try:
        freqs = {parse_period(label).freq for label in labels}
    except (TypeError, ValueError):
        return "period"
    return FREQUENCY_NAMES[freqs.pop()] if len(freqs) == 1 else "period"


def _periods_phrase(labels: Sequence[str], noun: str, limit: int = 4) -> str:
    """Period labels as a list, or their number when there are more than ``limit``."""
    return _join(labels) if len(labels) <= limit else f"{len(labels)} {_plural(noun, len(labels))}"


# --- Input checks --------------------------------------------------------------------------------


def _rows(mask: np.ndarray, index: pd.Index, limit: int = 5) -> str:
    """The first few row labels where ``mask`` is true, for messages."""
    labels = [str(label) for label in index[mask][:limit]]
    more = int(mask.sum()) - len(labels)
    return ", ".join(labels) + (f" and {more} more" if more > 0 else "")


def _numbers(values: Any, where: str) -> pd.Series:
    """A column as a float64 Series (missing as ``NaN``), keeping a Series' index."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    try:
        numbers = pd.to_numeric(series, errors="raise")
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where} must be numbers: {error}") from None
    return pd.Series(
        numbers.to_numpy(dtype="float64", na_value=np.nan), index=series.index, name=series.name
    )


def _chart_frame(data: Any, where: str) -> pd.DataFrame:
    """Check a chart's table and return period labels, values, denominators' low-number flags (RangeIndex)."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"{where} must be a pandas DataFrame with columns 'period' and 'value', "
            f"got {type(data).__name__}"
        )
    missing = [column for column in _REQUIRED_COLUMNS if column not in data.columns]
    if missing:
        raise ValueError(f"{where} is missing column(s) {missing}; it has {list(data.columns)}")
    if len(data) == 0:
        raise ValueError(f"{where} has no rows: there is nothing to draw")
    no_period = data["period"].isna().to_numpy()
    if no_period.any():
        raise ValueError(
            f"{where}: column 'period' is missing in rows {_rows(no_period, data.index)}"
        )
    labels = [str(label) for label in data["period"]]
    repeated = sorted(set(pd.Series(labels)[pd.Series(labels).duplicated()]))
    if repeated:
        raise ValueError(f"{where}: each period must appear once; repeated: {', '.join(repeated)}")
    values = _numbers(data["value"], f"{where}: column 'value'").to_numpy()
    if "denominator" in data.columns:
        denominators = _numbers(data["denominator"], f"{where}: column 'denominator'")
        low = low_numbers(denominators).fillna(False).to_numpy(dtype=bool)
    else:
        low = np.zeros(len(data), dtype=bool)
    return pd.DataFrame({"period": pd.Series(labels, dtype=object), "value": values, "low": low})


def _check_unit(unit: Any) -> str:
    """Check a unit: a string, ``"%"`` for percentages."""
    if not isinstance(unit, str):
        raise ValueError(f"unit must be text ('%' for percentages), got {unit!r}")
    return unit


def _check_target(target: Any, polarity: str) -> float | None:
    """A target as a float, or ``None``; a neutral indicator cannot have one."""
    if target is None or (pd.api.types.is_scalar(target) and bool(pd.isna(target))):
        return None
    try:
        value = float(target)
    except (TypeError, ValueError):
        raise ValueError(f"target must be a number, got {target!r}") from None
    if polarity == "neutral":
        raise ValueError(
            "a neutral indicator (neither higher nor lower is better) cannot have a target"
        )
    return value


# --- SPC: pure helpers ---------------------------------------------------------------------------


def xmr_limits(values: Any, baseline: int | None = None, *, unit: str = "%") -> dict[str, float]:
    """The mean and process limits of an XmR (individuals) chart.

    Parameters
    ----------
    values : pandas.Series, numpy.ndarray or list
        The series in time order (monthly values, say). Missing values are skipped.
    baseline : int, optional
        Compute the limits over the first ``baseline`` points only (a known stable period before a
        change); by default over all points.
    unit : str, default "%"
        ``"%"``: the values are percentages, the lower limit is floored at 0 and the upper capped
        at 100, and values outside 0-100 are an error. Any other unit (``""`` for counts): limits
        are not clipped.

    Returns
    -------
    dict
        ``{"mean": ..., "upper": ..., "lower": ..., "mr_bar": ...}``: the mean, the upper and lower
        process limits ``mean +/- 2.66 x mr_bar`` (clipped to 0-100 for percentages) and the mean
        moving range.

    Raises
    ------
    ValueError
        When a value is not a number, a percentage is outside 0-100, ``baseline`` is not a whole
        number from 2 to the number of values, or fewer than 2 values are recorded (no moving
        range).

    Notes
    -----
    Convention: NHS England "Making Data Count" XmR chart: moving ranges ``|x[i] -
    x[i-1]|`` between consecutive recorded points (a missing month is skipped, not treated as
    zero), mean moving range ``mr_bar``, limits ``mean +/- 2.66 x mr_bar`` (2.66 = 3 / 1.128, three
    sigma). No moving range is screened out. Limits are recalculated only where the caller says a
    change happened (``baseline``), never automatically. Floats are cleaned to 9 decimal places.

    Examples
    --------
    Moving ranges 2, 1, 2, 1 (mean 1.5); mean 58 / 5 = 11.6; limits 11.6 +/- 2.66 x 1.5 = 11.6 +/-
    3.99:

    >>> xmr_limits([10, 12, 11, 13, 12])
    {'mean': 11.6, 'upper': 15.59, 'lower': 7.61, 'mr_bar': 1.5}
    >>> xmr_limits([10, 12, 11, 13, 12, 40, 42], baseline=5)["upper"]
    15.59
    """
    unit = _check_unit(unit)
    series = _numbers(values, "values")
    if unit == "%":
        outside = (series < 0) | (series > 100)
        if outside.any():
            raise ValueError(
                f"percentages must lie between 0 and 100; found {series[outside].tolist()[:5]} "
                f"(pass unit='' for values that are not percentages)"
            )
    if baseline is not None:
        whole = isinstance(baseline, (int, np.integer)) and not isinstance(baseline, bool)
        if not whole or not 2 <= baseline <= len(series):
            raise ValueError(
                f"baseline must be a whole number of points from 2 to {len(series)}, got {baseline!r}"
            )
        series = series.iloc[: int(baseline)]
    recorded = series.dropna().to_numpy()
    if recorded.shape[0] < 2:
        raise ValueError(f"XmR limits need at least 2 recorded values, got {recorded.shape[0]}")
    mean = float(recorded.mean())
    mr_bar = float(np.abs(np.diff(recorded)).mean())
    upper, lower = mean + XMR_SCALING * mr_bar, mean - XMR_SCALING * mr_bar
    if unit == "%":
        upper, lower = min(upper, 100.0), max(lower, 0.0)
    return {
        name: float(_clean(number))
        for name, number in (
            ("mean", mean),
            ("upper", upper),
            ("lower", lower),
            ("mr_bar", mr_bar),
        )
    }


def _run_lengths(keys: np.ndarray) -> np.ndarray:
    """For each element, the length of the run of equal consecutive keys it belongs to."""
    if keys.shape[0] == 0:
        return np.zeros(0, dtype=int)
    starts = np.r_[True, keys[1:] != keys[:-1]]
    ids = np.cumsum(starts) - 1
    return np.bincount(ids)[ids]


def _limit_value(value: Any, name: str) -> float:
    """A mean or limit as a finite float."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number


def special_causes(values: Any, mean: float, upper: float, lower: float) -> pd.DataFrame:
    """Which points show special-cause variation, by the four Making Data Count rules.

    Parameters
    ----------
    values : pandas.Series, numpy.ndarray or list
        The series in time order.
    mean, upper, lower : float
        The centre line and process limits, as :func:`xmr_limits` gives them.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``values`` (a RangeIndex for a list), with boolean columns

        - ``outside_limits``: the point is above the upper or below the lower limit (strictly);
        - ``shift``: the point is in a run of :data:`SHIFT_POINTS` (7) or more consecutive points
          on the same side of the mean;
        - ``trend``: the point is in a run of :data:`TREND_POINTS` (7) or more consecutive points
          each higher than the one before, or each lower;
        - ``two_of_three``: the point lies beyond two-thirds of the way from the mean to a limit,
          and at least two of some three consecutive points containing it do so on the same side;
        - ``special_cause``: any of the four;

        and a text column ``side``: ``"high"`` or ``"low"`` for a special-cause point (which way it
        departs from common-cause variation), ``""`` otherwise.

    Raises
    ------
    ValueError
        When a value is not a number, or the mean and limits are not finite numbers with
        ``lower <= mean <= upper``.

    Notes
    -----
    Convention (NHS England "Making Data Count"; see docs/method.md, Statistical process control
    and funnel plots):

    - "A trend of 7" means **7 points** (6 consecutive increases or decreases), not 7 increases.
      Some versions of the guidance use 6 points; the workbook uses 7. Two equal consecutive values
      end a trend.
    - A point exactly on the mean is on neither side: it ends a run (a shift). A point exactly on a
      limit is inside it; a point exactly at two-thirds is not beyond it.
    - Missing values are skipped: the rules run over the recorded points in order, and a missing
      value's row is all ``False``.
    - Every point of a qualifying run, trend or pair is flagged, not only the last.
    - ``side`` is the side of the mean for the outside-limits, two-of-three and shift rules
      (checked in that order), and the direction of the trend (rising = "high") for a point flagged
      only by the trend rule.
    - Limits are symmetric about the mean in an XmR chart; a limit clipped at 0 or 100
      (percentages) is restored for the two-thirds line by using the wider side, so clipping never
      moves the 2-sigma line.

    Examples
    --------
    >>> special_causes([50, 81, 19, 80, 20], mean=50, upper=80, lower=20)["outside_limits"].tolist()
    [False, True, True, False, False]
    >>> special_causes([45, 47, 49, 51, 53, 55, 57, 50], 50, 80, 20)["trend"].tolist()
    [True, True, True, True, True, True, True, False]
    """
    series = _numbers(values, "values")
    mean, upper, lower = (
        _limit_value(v, n) for v, n in ((mean, "mean"), (upper, "upper"), (lower, "lower"))
    )
    if not lower <= mean <= upper:
        raise ValueError(
            f"limits must satisfy lower <= mean <= upper, got lower {lower}, mean {mean}, upper {upper}"
        )
    recorded = series.notna().to_numpy()
    x = series.to_numpy()[recorded]
    n = x.shape[0]

    above, below = _clean(x - upper) > 0, _clean(lower - x) > 0
    outside = above | below

    side_of_mean = np.sign(_clean(x - mean)).astype(int)
    shift = (side_of_mean != 0) & (_run_lengths(side_of_mean) >= SHIFT_POINTS)

    steps = np.sign(_clean(np.diff(x))).astype(int)
    in_trend_step = (steps != 0) & (_run_lengths(steps) >= TREND_POINTS - 1)
    trend = np.zeros(n, dtype=bool)
    trend_direction = np.zeros(n, dtype=int)
    if n > 1:
        trend[:-1] |= in_trend_step
        trend[1:] |= in_trend_step
        trend_direction[:-1] = np.where(in_trend_step, steps, 0)
        trend_direction[1:] = np.where(in_trend_step, steps, trend_direction[1:])

    zone = TWO_OF_THREE_FRACTION * max(upper - mean, mean - lower)
    beyond = np.select(
        [_clean(x - (mean + zone)) > 0, _clean((mean - zone) - x) > 0], [1, -1], default=0
    )
    two_of_three = np.zeros(n, dtype=bool)
    for start in range(max(n - 2, 0)):
        window = beyond[start : start + 3]
        for direction in (1, -1):
            if (window == direction).sum() >= 2:
                two_of_three[start : start + 3] |= window == direction

    special = outside | shift | trend | two_of_three
    side = np.select(
        [outside, two_of_three, shift, trend],
        [side_of_mean, beyond, side_of_mean, trend_direction],
        default=0,
    )
    side_words = np.where(special & (side > 0), "high", np.where(special & (side < 0), "low", ""))

    flags = {
        "outside_limits": outside,
        "shift": shift,
        "trend": trend,
        "two_of_three": two_of_three,
        "special_cause": special,
    }
    result = pd.DataFrame(index=series.index)
    for name, column in flags.items():
        full = np.zeros(series.shape[0], dtype=bool)
        full[recorded] = column
        result[name] = full
    sides = np.full(series.shape[0], "", dtype=object)
    sides[recorded] = side_words
    result["side"] = pd.Series(sides, index=series.index, dtype="str")
    return result


def _cause_words(causes: pd.DataFrame, polarity: str) -> np.ndarray:
    """The variation word of every point: common cause, or special cause improving / concerning / neither."""
    special, side = (
        causes["special_cause"].to_numpy(dtype=bool),
        causes["side"].to_numpy(dtype=object),
    )
    if polarity == "neutral":
        return np.where(special, SPECIAL_CAUSE_NEITHER, COMMON_CAUSE)
    good_side = "high" if polarity == "higher" else "low"
    return np.select(
        [~special, side == good_side],
        [COMMON_CAUSE, SPECIAL_CAUSE_IMPROVING],
        default=SPECIAL_CAUSE_CONCERNING,
    )


def _limits_of(limits: Mapping) -> tuple[float, float, float]:
    """Mean, upper and lower limit from a :func:`xmr_limits` dict, naming a missing key."""
    missing = [key for key in ("mean", "upper", "lower") if key not in limits]
    if missing:
        raise ValueError(
            f"limits must have keys 'mean', 'upper' and 'lower' (as xmr_limits gives); missing {missing}"
        )
    return (
        _limit_value(limits["mean"], "mean"),
        _limit_value(limits["upper"], "upper"),
        _limit_value(limits["lower"], "lower"),
    )


def variation_icon(values: Any, limits: Mapping, polarity: str = "higher") -> str:
    """The variation of the latest point, in the words of the Making Data Count icons.

    Parameters
    ----------
    values : pandas.Series, numpy.ndarray or list
        The series in time order.
    limits : mapping
        ``mean``, ``upper`` and ``lower``, as :func:`xmr_limits` returns them.
    polarity : {"higher", "lower", "neutral"}, default "higher"
        Whether higher or lower values are better, or neither.

    Returns
    -------
    str
        :data:`COMMON_CAUSE` ("Common cause"), :data:`SPECIAL_CAUSE_IMPROVING` ("Special cause
        improving"), :data:`SPECIAL_CAUSE_CONCERNING` ("Special cause concerning"),
        :data:`SPECIAL_CAUSE_NEITHER` for a neutral indicator, or ``"Not available"`` when no value
        is recorded.

    Raises
    ------
    ValueError
        For an invalid polarity, or as :func:`special_causes`.

    Notes
    -----
    Convention: as the Making Data Count icons, the word describes the **latest recorded point**:
    it is special cause when that point is flagged by any rule of :func:`special_causes` (including
    as part of a run or trend), improving when it departs on the better side for the polarity
    (``side`` "high" for higher-is-better), concerning on the worse side. An earlier special cause
    that has ended gives "Common cause".

    Examples
    --------
    >>> limits = {"mean": 50, "upper": 80, "lower": 20}
    >>> variation_icon([50, 55, 85], limits, "higher"), variation_icon([50, 55, 85], limits, "lower")
    ('Special cause improving', 'Special cause concerning')
    >>> variation_icon([85, 50, 52], limits, "higher")
    'Common cause'
    """
    validate_polarity(polarity)
    mean, upper, lower = _limits_of(limits)
    causes = special_causes(values, mean, upper, lower)
    recorded = _numbers(values, "values").notna().to_numpy()
    if not recorded.any():
        return NOT_AVAILABLE
    return str(_cause_words(causes[recorded].iloc[[-1]], polarity)[0])


def assurance(limits: Mapping, target: float | None, polarity: str = "higher") -> str:
    """Whether the process can be relied on to meet its target, in the words of the Making Data Count icons.

    Parameters
    ----------
    limits : mapping
        ``mean``, ``upper`` and ``lower``, as :func:`xmr_limits` returns them.
    target : float or None
        The target, in the units of the values.
    polarity : {"higher", "lower", "neutral"}, default "higher"
        Whether higher or lower values are better.

    Returns
    -------
    str
        :data:`TARGET_CONSISTENTLY_MET` when every value within the limits meets the target (for
        higher-is-better: the target is at or below the lower limit);
        :data:`TARGET_CONSISTENTLY_MISSED` when no value within the limits meets it (the target is
        above the upper limit); :data:`HIT_AND_MISS` when the target lies between the limits; ``"No
        target"`` without a target.

    Raises
    ------
    ValueError
        For an invalid polarity or limits, or a target given to a neutral indicator.

    Notes
    -----
    Convention: a value at target meets it (as :func:`jswlib.judge.status.rag_status`), so a target
    equal to the lower limit (higher-is-better) is consistently met, and one equal to the upper
    limit is hit and miss. For lower-is-better the sides swap. Comparisons ignore floating-point
    noise below 1e-9.

    Examples
    --------
    >>> limits = {"mean": 75, "upper": 90, "lower": 60}
    >>> assurance(limits, 55), assurance(limits, 75), assurance(limits, 95)
    ('Target consistently met', 'Hit and miss', 'Target consistently missed')
    >>> assurance(limits, 95, "lower"), assurance(limits, None)
    ('Target consistently met', 'No target')
    """
    validate_polarity(polarity)
    _, upper, lower = _limits_of(limits)
    checked = _check_target(target, polarity)
    if checked is None:
        return NO_TARGET
    if polarity == "higher":
        met, missed = _clean(lower - checked) >= 0, _clean(checked - upper) > 0
    else:
        met, missed = _clean(checked - upper) >= 0, _clean(lower - checked) > 0
    if met:
        return TARGET_CONSISTENTLY_MET
    return TARGET_CONSISTENTLY_MISSED if missed else HIT_AND_MISS


# --- Drawing helpers -----------------------------------------------------------------------------


def _new_figure(title: str) -> tuple[Figure, Axes]:
    """A blank figure in the house style: one axes, title on the left, light y grid, no top or right spines."""
    fig = Figure(figsize=STYLE["figsize"], dpi=STYLE["dpi"], layout="constrained", facecolor=WHITE)
    ax = fig.add_subplot()
    ax.set_facecolor(WHITE)
    ax.set_title(
        textwrap.fill(str(title), STYLE["title_width"]),
        loc="left",
        fontsize=STYLE["title_size"],
        color=STYLE["text_colour"],
        fontweight="bold",
    )
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    for spine in ("left", "bottom"):
        ax.spines[spine].set_color(STYLE["text_colour"])
    ax.grid(axis="y", color=STYLE["grid_colour"], alpha=STYLE["grid_alpha"], linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=STYLE["tick_size"], colors=STYLE["text_colour"])
    return fig, ax


def _low_label(label: str) -> str:
    """Legend label of a series' hollow, low-number points."""
    return f"{label}, fewer than {LOW_NUMBERS_THRESHOLD} cases"


def _draw_series(ax: Axes, frame: pd.DataFrame, style: Mapping, label: str) -> list[Line2D]:
    """Draw a series (line, filled markers, hollow markers where numbers are low); return legend handles."""
    x, values, low = (
        np.arange(len(frame)),
        frame["value"].to_numpy(),
        frame["low"].to_numpy(dtype=bool),
    )
    line_kw = {
        "color": style["color"],
        "linestyle": style["linestyle"],
        "linewidth": STYLE["line_width"],
    }
    marker_kw = {"marker": style["marker"], "markersize": STYLE["marker_size"]}
    ax.plot(
        x,
        values,
        label=label,
        markevery=[int(i) for i in np.flatnonzero(~low)],
        **line_kw,
        **marker_kw,
    )
    handles = [Line2D([], [], label=label, **line_kw, **marker_kw)]
    if (low & ~np.isnan(values)).any():
        hollow_kw = {
            "linestyle": "none",
            "markerfacecolor": WHITE,
            "markeredgecolor": style["color"],
            "markeredgewidth": STYLE["hollow_edge_width"],
            **marker_kw,
        }
        ax.plot(x[low], values[low], label=_low_label(label), zorder=3, **hollow_kw)
        handles.append(Line2D([], [], label=_low_label(label), **hollow_kw))
    return handles


def _draw_target(ax: Axes, target: float, unit: str) -> Line2D:
    """Draw the horizontal target line; return its legend handle."""
    label = target_label(target, unit)
    ax.axhline(target, label=label, **TARGET_STYLE)
    return Line2D([], [], label=label, **TARGET_STYLE)


def _set_period_ticks(ax: Axes, labels: Sequence[str]) -> None:
    """One x tick per period label (every k-th when there are very many), rotated when they would not fit."""
    n = len(labels)
    step = max(1, math.ceil(n / STYLE["max_ticks"]))
    positions = list(range(0, n, step))
    rotate = len(positions) * max(len(label) for label in labels) > STYLE["max_tick_characters"]
    text_kw = {"rotation": 45, "ha": "right", "rotation_mode": "anchor"} if rotate else {}
    ax.set_xticks(positions, labels=[labels[i] for i in positions], **text_kw)
    ax.set_xlim(-0.5, n - 0.5)


def _percent_ticks(value: float, _position: Any) -> str:
    """Tick label of a percentage axis: ``"80%"``."""
    return f"{value:g}%"


def _thousands_ticks(value: float, _position: Any) -> str:
    """Tick label of a count axis: ``"1,200"``."""
    return f"{value:,.10g}"


def _trend_value_axis(ax: Axes, numbers: np.ndarray, unit: str) -> None:
    """y axis of a trend chart: 0-100 with "%" ticks for percentages, from 0 for other units."""
    finite = numbers[np.isfinite(numbers)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if unit == "%":
        bottom = 0.0 if low >= 0 else 20.0 * math.floor(low / 20.0)
        top = 100.0 if high <= 100 else 20.0 * math.ceil(high / 20.0)
        ax.set_ylim(bottom, top)
        ticks = np.arange(bottom, top + 1, 20.0)
        ax.set_yticks(ticks, labels=[_percent_ticks(t, None) for t in ticks])
        return
    ax.set_ylim(min(0.0, low * 1.1), max(high * 1.1, 1.0) if high > 0 else 1.0)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands_ticks))
    if unit:
        ax.set_ylabel(unit, fontsize=STYLE["font_size"], color=STYLE["text_colour"])


def _zoomed_value_axis(ax: Axes, numbers: np.ndarray, unit: str) -> None:
    """y axis of an SPC chart: values, limits and target with a margin (within 0-100 for percentages)."""
    finite = numbers[np.isfinite(numbers)]
    low, high = float(finite.min()), float(finite.max())
    margin = (high - low) * 0.08 if high > low else max(abs(high) * 0.05, 1.0)
    bottom, top = low - margin, high + margin
    if low >= 0:
        bottom = max(bottom, 0.0)
    if unit == "%":
        bottom, top = max(bottom, 0.0), min(top, 100.0) if high <= 100 else top
    ax.set_ylim(bottom, top)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
    ax.yaxis.set_major_formatter(
        FuncFormatter(_percent_ticks if unit == "%" else _thousands_ticks)
    )
    if unit not in ("%", ""):
        ax.set_ylabel(unit, fontsize=STYLE["font_size"], color=STYLE["text_colour"])


def _add_legend(fig: Figure, handles: list[Line2D]) -> None:
    """A frameless legend below the axes naming every series and line."""
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=min(len(handles), STYLE["legend_columns"]),
        frameon=False,
        fontsize=STYLE["legend_size"],
        labelcolor=STYLE["text_colour"],
    )


# --- Text alternatives ---------------------------------------------------------------------------


def _movement(subject: str, frame: pd.DataFrame, unit: str, digits: int, *, extremes: bool) -> str:
    """One sentence: first and last recorded values (and the highest and lowest), rounded half up."""
    recorded = frame[frame["value"].notna()]
    if recorded.empty:
        return ""  # the missing-values sentence names the periods
    first, last = recorded.iloc[0], recorded.iloc[-1]
    if len(recorded) == 1:
        return f"{subject} was {_show(first['value'], unit, digits)} in {first['period']}."
    shown = round_half_up(recorded["value"], digits)
    a, b = shown.iloc[0], shown.iloc[-1]
    if a == b:
        text = f"{subject} was {_show(a, unit, digits)} in both {first['period']} and {last['period']}"
    else:
        verb = "rose" if b > a else "fell"
        text = (
            f"{subject} {verb} from {_show(a, unit, digits)} in {first['period']} "
            f"to {_show(b, unit, digits)} in {last['period']}"
        )
    if extremes and len(recorded) >= 3:
        noun = _period_noun(frame["period"].tolist())
        high, low = shown.max(), shown.min()
        at_high = recorded.loc[shown == high, "period"].tolist()
        at_low = recorded.loc[shown == low, "period"].tolist()
        text += (
            f"; the highest was {_show(high, unit, digits)} ({_periods_phrase(at_high, noun)}) "
            f"and the lowest {_show(low, unit, digits)} ({_periods_phrase(at_low, noun)})"
        )
    return text + "."


def _low_numbers_sentence(frame: pd.DataFrame, noun: str, owner: str = "") -> str:
    """A sentence naming the periods drawn hollow (recorded values on fewer than 10 cases), or ""."""
    periods_low = frame.loc[frame["low"] & frame["value"].notna(), "period"].tolist()
    if not periods_low:
        return ""
    whose = f"{owner} " if owner else ""
    listed = _periods_phrase(periods_low, noun, limit=6)
    if len(periods_low) == 1:
        return (
            f"The {whose}value for {listed} is based on fewer than {LOW_NUMBERS_THRESHOLD} cases and is drawn "
            f"as a hollow point."
        )
    return (
        f"The {whose}values for {listed} are based on fewer than {LOW_NUMBERS_THRESHOLD} cases and are drawn "
        f"as hollow points."
    )


def _missing_sentence(frame: pd.DataFrame, noun: str, owner: str = "") -> str:
    """A sentence naming periods without a value, or ""."""
    absent = frame.loc[frame["value"].isna(), "period"].tolist()
    whose = f"{owner} " if owner else ""
    return (
        f"There is no {whose}value for {_periods_phrase(absent, noun, limit=6)}." if absent else ""
    )


def _span(labels: Sequence[str], noun: str) -> str:
    """``"8 quarters from Q3 2023/24 to Q2 2025/26"`` (or ``"Q2 2025/26"`` for one period)."""
    if len(labels) == 1:
        return f"{labels[0]}"
    return f"{len(labels)} {_plural(noun, len(labels))} from {labels[0]} to {labels[-1]}"


def _trend_alt_text(
    frame: pd.DataFrame,
    comparison: pd.DataFrame | None,
    *,
    title: str,
    target: float | None,
    unit: str,
    council: str,
    comparison_label: str,
    polarity: str,
    digits: int,
) -> str:
    """The text alternative of a trend chart."""
    labels = frame["period"].tolist()
    noun = _period_noun(labels)
    intro = f"Line chart of {title}" + (f" for {council}" if council else "")
    if comparison is not None:
        intro += f", with {comparison_label} for comparison"
    sentences = [f"{intro}, {_span(labels, noun)}."]
    subject = council or "The value"
    sentences.append(_movement(subject, frame, unit, digits, extremes=True))
    if comparison is not None:
        sentences.append(_movement(comparison_label, comparison, unit, digits, extremes=False))
    recorded = frame["value"].notna()
    if target is not None and recorded.any():
        words = rag_status_series(
            frame.loc[recorded, "value"], target, polarity, {"type": "two_state"}
        )
        met, total = int((words == GREEN).sum()), int(recorded.sum())
        sentences.append(
            f"The target of {target_label(target, unit).removeprefix('Target ')} was met in "
            f"{met} of {total} {_plural(noun, total)}."
        )
    sentences.append(_low_numbers_sentence(frame, noun, council))
    sentences.append(_missing_sentence(frame, noun, council))
    if comparison is not None:
        sentences.append(_low_numbers_sentence(comparison, noun, comparison_label))
        sentences.append(_missing_sentence(comparison, noun, comparison_label))
    return " ".join(s for s in sentences if s)


# --- Charts --------------------------------------------------------------------------------------


def trend_chart(
    data: pd.DataFrame,
    *,
    title: str,
    target: float | None = None,
    unit: str = "%",
    council_label: str = "",
    comparison: pd.DataFrame | None = None,
    comparison_label: str = "",
    polarity: str = "higher",
    digits: int = 0,
) -> Figure:
    """A line chart of one indicator over time, with an optional comparison series and target.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per period, in time order, with columns ``period`` (the label, e.g. ``"Q2
        2025/26"``) and ``value``, and optionally ``denominator`` (points on fewer than 10 cases
        are drawn hollow).
    title : str
        The chart title, also used in the text alternative.
    target : float, optional
        Drawn as a dashed line labelled "Target 80%".
    unit : str, default "%"
        ``"%"``: y axis from 0 to 100 with "%" ticks. Otherwise the axis starts at 0 and is
        labelled with the unit.
    council_label : str, default ""
        Name of the council's series (``"Glasgow City"``); ``"Council"`` in the legend when empty.
    comparison : pandas.DataFrame, optional
        A second series (Scotland, the family group) with ``period``, ``value`` and optionally
        ``denominator``, drawn against the periods of ``data`` (its other periods are left out).
    comparison_label : str, default ""
        Name of the comparison series; ``"Comparison"`` when empty.
    polarity : {"higher", "lower", "neutral"}, default "higher"
        Which side of the target meets it, for the text alternative.
    digits : int, default 0
        Decimal places of the values in the text alternative.

    Returns
    -------
    matplotlib.figure.Figure
        The chart, with the text alternative in ``fig.jsw_alt_text``. No pyplot: nothing needs
        closing.

    Raises
    ------
    TypeError
        When ``data`` or ``comparison`` is not a DataFrame.
    ValueError
        When a column is missing or not numeric, a period is missing or repeated, the polarity is
        invalid, or a neutral indicator is given a target.

    Notes
    -----
    Convention: council dark blue, solid, round markers; comparison turquoise, dashed, square
    markers; target long-dashed dark grey. Hollow markers for denominators under 10. Target "met"
    as :func:`jswlib.judge.status.rag_status` judges it (exact value, at target is met,
    polarity-aware). Missing values leave a gap in the line and are named in the text alternative.

    Examples
    --------
    >>> data = pd.DataFrame({"period": ["Q1 2025/26", "Q2 2025/26"], "value": [72.0, 87.5]})
    >>> fig = trend_chart(data, title="Induction within 5 working days", target=80)
    >>> print(fig.jsw_alt_text)
    Line chart of Induction within 5 working days, 2 quarters from Q1 2025/26 to Q2 2025/26.
    The value rose from 72% in Q1 2025/26 to 88% in Q2 2025/26. The target of 80% was met in 1 of 2
    quarters.
    """
    validate_polarity(polarity)
    unit = _check_unit(unit)
    target = _check_target(target, polarity)
    frame = _chart_frame(data, "data")
    labels = frame["period"].tolist()
    council = council_label or "Council"
    fig, ax = _new_figure(title)
    handles = _draw_series(ax, frame, COUNCIL_STYLE, council)
    aligned = None
    if comparison is not None:
        other = _chart_frame(comparison, "comparison")
        aligned = frame[["period"]].merge(other, on="period", how="left")
        aligned["low"] = aligned["low"].fillna(False).astype(bool)
        comparison_label = comparison_label or "Comparison"
        handles += _draw_series(ax, aligned, COMPARISON_STYLE, comparison_label)
    if target is not None:
        handles.append(_draw_target(ax, target, unit))
    _set_period_ticks(ax, labels)
    numbers = [frame["value"].to_numpy()]
    if aligned is not None:
        numbers.append(aligned["value"].to_numpy(dtype="float64"))
    if target is not None:
        numbers.append(np.array([target]))
    _trend_value_axis(ax, np.concatenate(numbers), unit)
    _add_legend(fig, handles)
    setattr(
        fig,
        ALT_TEXT_ATTRIBUTE,
        _trend_alt_text(
            frame,
            aligned,
            title=title,
            target=target,
            unit=unit,
            council=council_label,
            comparison_label=comparison_label,
            polarity=polarity,
            digits=digits,
        ),
    )
    return fig


def _spc_alt_text(
    frame: pd.DataFrame,
    limits: Mapping,
    words: np.ndarray,
    *,
    title: str,
    target: float | None,
    unit: str,
    baseline: int | None,
    polarity: str,
    digits: int,
) -> str:
    """The text alternative of an SPC chart."""
    labels = frame["period"].tolist()
    noun = _period_noun(labels)
    sentences = [f"Statistical process control chart of {title}, {_span(labels, noun)}."]
    limit_digits = digits + 1
    limits_text = (
        f"The mean is {_show(limits['mean'], unit, limit_digits)} and the process limits are "
        f"{_show(limits['lower'], unit, limit_digits)} to {_show(limits['upper'], unit, limit_digits)}"
    )
    if baseline is not None:
        limits_text += f", calculated from the first {baseline} {_plural(noun, baseline)}"
    sentences.append(limits_text + ".")
    special = words != COMMON_CAUSE
    if not special.any():
        sentences.append("No point shows special-cause variation.")
    else:
        short = {
            SPECIAL_CAUSE_IMPROVING: "improving",
            SPECIAL_CAUSE_CONCERNING: "concerning",
            SPECIAL_CAUSE_NEITHER: "neither improving nor concerning",
        }
        points = [
            f"{label} ({short[word]})"
            for label, word in zip(labels, words, strict=True)
            if word in short
        ]
        if len(points) > 6:
            counts = [f"{int((words == w).sum())} {short[w]}" for w in short if (words == w).any()]
            sentences.append(
                f"Special-cause variation at {len(points)} {_plural(noun, len(points))}: "
                f"{_join(counts)}."
            )
        else:
            sentences.append(f"Special-cause variation at {_join(points)}.")
    recorded = frame["value"].notna().to_numpy()
    if recorded.any():
        last = frame[recorded].iloc[-1]
        latest_word = words[recorded][-1]
        shown = _show(last["value"], unit, digits)
        sentences.append(
            f"Variation at the latest {noun} ({last['period']}, {shown}): {latest_word}."
        )
    if target is not None:
        sentences.append(
            f"Assurance against the target of {target_label(target, unit).removeprefix('Target ')}: "
            f"{assurance(limits, target, polarity)}."
        )
    sentences.append(_low_numbers_sentence(frame, noun))
    sentences.append(_missing_sentence(frame, noun))
    return " ".join(s for s in sentences if s)


def spc_chart(
    data: pd.DataFrame,
    *,
    title: str,
    target: float | None = None,
    unit: str = "%",
    baseline: int | None = None,
    polarity: str = "higher",
    council_label: str = "",
    digits: int = 0,
) -> Figure:
    """A statistical process control (XmR) chart in the NHS "Making Data Count" style.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per period (normally months), in time order, with columns ``period`` and ``value``,
        and optionally ``denominator`` (points on fewer than 10 cases are drawn hollow).
    title : str
        The chart title, also used in the text alternative.
    target : float, optional
        Drawn as a dashed line labelled "Target 80%"; its assurance is named in the text
        alternative.
    unit : str, default "%"
        ``"%"``: limits clipped to 0-100 and "%" tick labels. Use ``""`` for counts.
    baseline : int, optional
        Compute the limits over the first ``baseline`` points (see :func:`xmr_limits`); a dotted
        vertical line marks its end.
    polarity : {"higher", "lower", "neutral"}, default "higher"
        Whether higher or lower values are better: decides improving or concerning.
    council_label : str, default ""
        Name of the series in the legend; ``"Value"`` when empty.
    digits : int, default 0
        Decimal places of values in the text alternative (the mean and limits get one more).

    Returns
    -------
    matplotlib.figure.Figure
        The chart, with the text alternative in ``fig.jsw_alt_text``. No pyplot: nothing needs
        closing.

    Raises
    ------
    TypeError, ValueError
        As :func:`trend_chart` and :func:`xmr_limits`.

    Notes
    -----
    Convention: series dark blue with small round markers; mean solid dark grey; process limits
    short-dashed dark grey ("Upper process limit", "Lower process limit"); target long-dashed.
    Special-cause points (any rule of :func:`special_causes`) are overdrawn with a larger marker
    whose shape and colour both carry the meaning: dark blue squares "Special cause improving",
    orange diamonds "Special cause concerning", light purple plus signs for a neutral indicator.
    The y axis zooms to the data, limits and target. Limits are computed once, over the baseline if
    given, and drawn across the whole chart.

    Examples
    --------
    >>> data = pd.DataFrame({"period": ["Apr 2025", "May 2025", "Jun 2025", "Jul 2025", "Aug 2025"],
    ...                      "value": [10, 12, 11, 13, 12]})
    >>> fig = spc_chart(data, title="CPOs imposed", unit="")
    >>> fig.jsw_alt_text.split(". ")[1]
    'The mean is 11.6 and the process limits are 7.6 to 15.6'
    """
    validate_polarity(polarity)
    unit = _check_unit(unit)
    target = _check_target(target, polarity)
    frame = _chart_frame(data, "data")
    limits = xmr_limits(frame["value"], baseline, unit=unit)
    causes = special_causes(frame["value"], limits["mean"], limits["upper"], limits["lower"])
    words = _cause_words(causes, polarity)
    fig, ax = _new_figure(title)
    handles = _draw_series(ax, frame, COUNCIL_STYLE, council_label or "Value")
    ax.axhline(limits["mean"], label="Mean", **MEAN_STYLE)
    ax.axhline(limits["upper"], label="Upper process limit", **LIMIT_STYLE)
    ax.axhline(limits["lower"], label="Lower process limit", **LIMIT_STYLE)
    handles += [
        Line2D([], [], label="Mean", **MEAN_STYLE),
        Line2D([], [], label="Process limits", **LIMIT_STYLE),
    ]
    if target is not None:
        handles.append(_draw_target(ax, target, unit))
    if baseline is not None:
        ax.axvline(baseline - 0.5, label="End of baseline", **BASELINE_STYLE)
        handles.append(Line2D([], [], label="End of baseline", **BASELINE_STYLE))
    x, values = np.arange(len(frame)), frame["value"].to_numpy()
    for word, style in SPECIAL_CAUSE_STYLES.items():
        chosen = words == word
        if chosen.any():
            marker_kw = {
                "linestyle": "none",
                "marker": style["marker"],
                "color": style["color"],
                "markersize": STYLE["special_marker_size"],
                "markeredgecolor": WHITE,
                "markeredgewidth": 0.8,
            }
            ax.plot(x[chosen], values[chosen], label=word, zorder=4, **marker_kw)
            handles.append(Line2D([], [], label=word, **marker_kw))
    _set_period_ticks(ax, frame["period"].tolist())
    extra = [limits["upper"], limits["lower"]] + ([target] if target is not None else [])
    _zoomed_value_axis(ax, np.concatenate([values, np.array(extra, dtype="float64")]), unit)
    _add_legend(fig, handles)
    setattr(
        fig,
        ALT_TEXT_ATTRIBUTE,
        _spc_alt_text(
            frame,
            limits,
            words,
            title=title,
            target=target,
            unit=unit,
            baseline=baseline,
            polarity=polarity,
            digits=digits,
        ),
    )
    return fig


# --- Output --------------------------------------------------------------------------------------


def figure_to_png(fig: Figure) -> bytes:
    """A chart as PNG bytes, for embedding in a report (HTML ``<img>``, Word, Excel).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A chart from this module (or any Figure).

    Returns
    -------
    bytes
        The PNG file, at :data:`STYLE` dpi (100) with a tight bounding box; the text alternative,
        when the figure has one, is stored in the PNG ``Description`` field (the report should
        still write it as the image's ``alt`` text).

    Notes
    -----
    Convention: rendering does not touch pyplot, and the same figure gives the same bytes every
    time. There is no need to close the figure afterwards (see the module notes): it is freed when
    the last reference to it goes.

    Examples
    --------
    >>> fig = trend_chart(pd.DataFrame({"period": ["Q1 2025/26"], "value": [80.0]}), title="Example")
    >>> figure_to_png(fig)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    alt_text = getattr(fig, ALT_TEXT_ATTRIBUTE, None)
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=STYLE["dpi"],
        bbox_inches="tight",
        facecolor=fig.get_facecolor(),
        metadata={"Description": alt_text} if alt_text else None,
    )
    return buffer.getvalue()
