"""Charts of the quarterly report: trend lines and statistical process control (SPC) charts, in
one style.

This is part of the *present* layer of the workbook: it takes small
tables of period labels and values (as :mod:`jswlib.compute.indicators` and
:mod:`jswlib.judge.status` produce them) and returns matplotlib :class:`~matplotlib.figure.Figure`
objects, or with ``output="svg"`` the same chart drawn straight to SVG
(:class:`jswlib.present.svg.SvgFigure`, what the reports embed). Colours, line styles, font sizes
and the figure size live in the module constants :data:`PALETTE`, :data:`STYLE`,
:data:`TARGET_STYLE` and the ``*_STYLE`` constants (from :mod:`jswlib.present.style`), so that
notebooks never spell a colour. It imports lower layers (:mod:`jswlib.judge`,
:mod:`jswlib.definitions.periods`) and, in its own layer, :mod:`jswlib.present.style` and
:mod:`jswlib.present.svg`; it touches no disk and keeps no state (beyond a memo of the
frequency of each period label it has read, a ``functools`` cache).

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
  writes it in the PNG's ``Description`` field; :func:`figure_html` makes it the accessible name
  (``aria-label``) of an SVG chart and the caption of either kind.
- **Low numbers**: a point whose denominator is under
  :data:`~jswlib.judge.status.LOW_NUMBERS_THRESHOLD` (10) is drawn hollow, with a legend entry
  "..., fewer than 10 cases", and named in the text alternative.
- **Target met** follows :func:`jswlib.judge.status.rag_status` on a two-state scheme: the value
  as published (rounded half up) is judged, a value at target meets it, and polarity decides the
  side ("lower" is better: at or below). So 79.5%, shown as "80%", meets a target of 80%.
- **Axes**: a trend chart of percentages has a y axis from 0 to 100 with "%" tick labels (further
  only if a value lies outside it); other units start at 0. An SPC chart zooms to its values,
  limits and target, as Making Data Count charts do, within 0-100 for percentages. The x axis is
  categorical: one tick per period label, in the order of the data (rotated when the labels would
  not fit side by side).
- **SPC and funnel plots**: this module only draws. The statistics (XmR and p-chart limits, the
  special-cause rules, variation, assurance, funnel limits) and their words come from
  :mod:`jswlib.judge.spc` (``docs/method.md``, "Statistical process control and funnel plots").
  :func:`spc_chart` marks special-cause points by shape as well as colour, shows where limits are
  fixed and where a recorded change recalculates them, and says "trial" for limits on fewer than
  12 points; :func:`funnel_chart` names the councils outside the 99.8% limits and never ranks.
"""

from __future__ import annotations

import base64
import functools
import html
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
from pandas.api.types import is_scalar

from jswlib.definitions.periods import FREQUENCY_NAMES, parse_period
from jswlib.judge import spc
from jswlib.judge.spc import POINT_TYPE_WORDS
from jswlib.judge.status import (
    GREEN,
    LOW_NUMBERS_THRESHOLD,
    format_value,
    low_numbers,
    rag_status,
    round_half_up,
    validate_polarity,
)
from jswlib.present.svg import LegendHandle, SvgAxes, SvgFigure

__all__ = [
    "ALT_TEXT_ATTRIBUTE",
    "BASELINE_STYLE",
    "COMPARISON_STYLE",
    "COUNCIL_STYLE",
    "FUNNEL_998_STYLE",
    "FUNNEL_95_STYLE",
    "FUNNEL_OUTSIDE_STYLES",
    "FUNNEL_POINT_STYLE",
    "LIMIT_STYLE",
    "MEAN_STYLE",
    "PALETTE",
    "REBASE_STYLE",
    "SPECIAL_CAUSE_STYLES",
    "STYLE",
    "TARGET_LABEL",
    "TARGET_STYLE",
    "WHITE",
    "contrast_ratio",
    "figure_html",
    "figure_to_png",
    "funnel_chart",
    "spc_chart",
    "spc_panels",
    "target_label",
    "trend_chart",
]

from jswlib.present.style import (  # noqa: E402 - re-exported for callers of charts
    BASELINE_STYLE,
    COMPARISON_STYLE,
    COUNCIL_STYLE,
    FUNNEL_95_STYLE,
    FUNNEL_998_STYLE,
    FUNNEL_OUTSIDE_STYLES,
    FUNNEL_POINT_STYLE,
    LIMIT_STYLE,
    MEAN_STYLE,
    PALETTE,
    REBASE_STYLE,
    SPECIAL_CAUSE_STYLES,
    STYLE,
    TARGET_LABEL,
    TARGET_STYLE,
    WHITE,
)

#: Name of the Figure attribute holding the chart's text alternative.
ALT_TEXT_ATTRIBUTE = "jsw_alt_text"

#: What a chart function can return: a matplotlib Figure (``"figure"``, for a notebook or a PNG)
#: or a :class:`jswlib.present.svg.SvgFigure` (``"svg"``, what the reports embed).
OUTPUTS = ("figure", "svg")

_REQUIRED_COLUMNS = ("period", "value")
_COMPARISON_DECIMALS = (
    9  # differences are rounded to this many places before comparison (float noise)
)
_TWO_STATE = MappingProxyType({"type": "two_state"})  # "target met", as trend charts judge it


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
    """ "quarter", "month", "half-year" or "financial year" when every label is one, else
    "period"."""
    freqs = {_frequency_of(label) for label in labels}
    if None in freqs:
        return "period"
    return FREQUENCY_NAMES[freqs.pop()] if len(freqs) == 1 else "period"


@functools.lru_cache(maxsize=4096)
def _frequency_of(label: Any) -> str | None:
    """The frequency code of a period label (:func:`jswlib.definitions.periods.parse_period`),
    or ``None`` when it is not one; remembered, as a report names the same periods in every
    chart."""
    try:
        return parse_period(label).freq
    except (TypeError, ValueError):
        return None


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


def _number_array(column: pd.Series, where: str) -> np.ndarray:
    """A column as a new float64 array (missing as ``NaN``): as :func:`_numbers`, taken as it is
    when it already holds numbers (numpy's or pandas' nullable integers and floats)."""
    numeric = (
        column.dtype.kind in "fiu"
        if isinstance(column.dtype, np.dtype)
        else isinstance(column.array, (pd.arrays.IntegerArray, pd.arrays.FloatingArray))
    )
    if numeric:
        return column.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    return _numbers(column, where).to_numpy()


class _Points:
    """A chart's series: period labels, values (float64, ``NaN`` where missing) and whether each
    rests on fewer than :data:`~jswlib.judge.status.LOW_NUMBERS_THRESHOLD` cases."""

    __slots__ = ("denominator", "low", "period", "value")

    def __init__(
        self,
        period: list[str],
        value: np.ndarray,
        low: np.ndarray,
        denominator: np.ndarray | None = None,
    ) -> None:
        self.period, self.value, self.low = period, value, low
        self.denominator = denominator  # as given (None without the column), for a p-chart

    def periods(self, mask: np.ndarray) -> list[str]:
        """The labels where ``mask`` is true, in order."""
        return [self.period[i] for i in np.flatnonzero(mask).tolist()]


def _chart_frame(data: Any, where: str) -> _Points:
    """Check a chart's table and return its period labels, values and low-number flags."""
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
    periods = data["period"].tolist()
    no_period = np.array([bool(pd.isna(p)) if is_scalar(p) else False for p in periods])
    if no_period.any():
        raise ValueError(
            f"{where}: column 'period' is missing in rows {_rows(no_period, data.index)}"
        )
    labels = [str(label) for label in periods]
    seen: set[str] = set()
    repeated = sorted({label for label in labels if label in seen or seen.add(label)})
    if repeated:
        raise ValueError(f"{where}: each period must appear once; repeated: {', '.join(repeated)}")
    values = _number_array(data["value"], f"{where}: column 'value'")
    if "denominator" in data.columns:
        denominators = _number_array(data["denominator"], f"{where}: column 'denominator'")
        # low_numbers gives <NA> for a missing denominator: not drawn hollow
        low = np.array([low_numbers(d) is True for d in denominators.tolist()], dtype=bool)
    else:
        denominators, low = None, np.zeros(len(data), dtype=bool)
    return _Points(labels, values, low, denominators)


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


# --- Drawing helpers -----------------------------------------------------------------------------


def _check_output(output: str) -> str:
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {', '.join(OUTPUTS)}, got {output!r}")
    return output


def _blank_figure(output: str, **kw: Any) -> Figure | SvgFigure:
    """An empty figure: matplotlib's, or one drawn straight to SVG (:mod:`jswlib.present.svg`)."""
    if _check_output(output) == "svg":
        return SvgFigure(**kw)
    return Figure(layout="constrained", **kw)


def _handle(ax: Axes | SvgAxes, **style: Any) -> Line2D | LegendHandle:
    """A legend entry in a series' style, for the figure ``ax`` belongs to."""
    if isinstance(ax, SvgAxes):
        return LegendHandle(**style)
    return Line2D([], [], **style)


def _new_figure(title: str, output: str = "figure") -> tuple[Figure, Axes]:
    """A blank figure in the house style: one axes, title on the left, light y grid, no top or
    right spines."""
    fig = _blank_figure(output, figsize=STYLE["figsize"], dpi=STYLE["dpi"], facecolor=WHITE)
    ax = fig.add_subplot()
    _style_axes(ax, title, STYLE["title_size"])
    return fig, ax


def _style_axes(ax: Axes, title: str, title_size: float) -> None:
    """House style of one axes: title on the left, light y grid, no top or right spines."""
    ax.set_facecolor(WHITE)
    ax.set_title(
        textwrap.fill(str(title), STYLE["title_width"]),
        loc="left",
        fontsize=title_size,
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


def _low_label(label: str) -> str:
    """Legend label of a series' hollow, low-number points."""
    return f"{label}, fewer than {LOW_NUMBERS_THRESHOLD} cases"


def _draw_series(ax: Axes, points: _Points, style: Mapping, label: str) -> list[Line2D]:
    """Draw a series (line, filled markers, hollow markers where numbers are low); return legend
    handles."""
    x, values, low = np.arange(len(points.period)), points.value, points.low
    line_kw = {
        "color": style["color"],
        "linestyle": style["linestyle"],
        "linewidth": STYLE["line_width"],
    }
    marker_kw = {"marker": style["marker"], "markersize": STYLE["marker_size"]}
    ax.plot(
        x, values, label=label, markevery=np.flatnonzero(~low).tolist(), **line_kw, **marker_kw
    )
    handles = [_handle(ax, label=label, **line_kw, **marker_kw)]
    if (low & ~np.isnan(values)).any():
        hollow_kw = {
            "linestyle": "none",
            "markerfacecolor": WHITE,
            "markeredgecolor": style["color"],
            "markeredgewidth": STYLE["hollow_edge_width"],
            **marker_kw,
        }
        ax.plot(x[low], values[low], label=_low_label(label), zorder=3, **hollow_kw)
        handles.append(_handle(ax, label=_low_label(label), **hollow_kw))
    return handles


def _draw_target(ax: Axes, target: float, unit: str) -> Line2D:
    """Draw the horizontal target line; return its legend handle."""
    label = target_label(target, unit)
    ax.axhline(target, label=label, **TARGET_STYLE)
    return _handle(ax, label=label, **TARGET_STYLE)


def _set_period_ticks(ax: Axes, labels: Sequence[str], max_ticks: int | None = None) -> None:
    """One x tick per period label (every k-th when there are very many), rotated when they would
    not fit."""
    n = len(labels)
    step = max(1, math.ceil(n / (max_ticks or STYLE["max_ticks"])))
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
    """y axis of an SPC chart: values, limits and target with a margin (within 0-100 for
    percentages)."""
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


def _movement(
    subject: str, points: _Points, unit: str, digits: int, *, extremes: bool, noun: str = ""
) -> str:
    """One sentence: first and last recorded values (and the highest and lowest, named by
    ``noun``), rounded half up."""
    at = np.flatnonzero(~np.isnan(points.value))
    if at.size == 0:
        return ""  # the missing-values sentence names the periods
    periods = [points.period[i] for i in at.tolist()]
    first, last = periods[0], periods[-1]
    if at.size == 1:
        return f"{subject} was {_show(points.value[at[0]], unit, digits)} in {first}."
    # rounded one by one (as the column would be): a dozen numbers cost less than a Series
    values = points.value[at].tolist() if extremes else [points.value[at[0]], points.value[at[-1]]]
    shown = [round_half_up(value, digits) for value in values]
    a, b = shown[0], shown[-1]
    if a == b:
        text = f"{subject} was {_show(a, unit, digits)} in both {first} and {last}"
    else:
        verb = "rose" if b > a else "fell"
        text = (
            f"{subject} {verb} from {_show(a, unit, digits)} in {first} "
            f"to {_show(b, unit, digits)} in {last}"
        )
    if extremes and at.size >= 3:
        high, low = max(shown), min(shown)
        at_high = [p for p, v in zip(periods, shown, strict=True) if v == high]
        at_low = [p for p, v in zip(periods, shown, strict=True) if v == low]
        text += (
            f"; the highest was {_show(high, unit, digits)} ({_periods_phrase(at_high, noun)}) "
            f"and the lowest {_show(low, unit, digits)} ({_periods_phrase(at_low, noun)})"
        )
    return text + "."


def _low_periods(points: _Points) -> list[str]:
    """The periods drawn hollow: recorded values on fewer than 10 cases."""
    return points.periods(points.low & ~np.isnan(points.value))


def _low_numbers_sentence(points: _Points, noun: str, owner: str = "") -> str:
    """A sentence naming the periods drawn hollow (recorded values on fewer than 10 cases), or
    ""."""
    periods_low = _low_periods(points)
    if not periods_low:
        return ""
    whose = f"{owner} " if owner else ""
    listed = _periods_phrase(periods_low, noun, limit=6)
    if len(periods_low) == 1:
        return (
            f"The {whose}value for {listed} is based on fewer than {LOW_NUMBERS_THRESHOLD} cases "
            "and is drawn as a hollow point."
        )
    return (
        f"The {whose}values for {listed} are based on fewer than {LOW_NUMBERS_THRESHOLD} cases "
        "and are drawn as hollow points."
    )


def _missing_sentence(points: _Points, noun: str, owner: str = "") -> str:
    """A sentence naming periods without a value, or ""."""
    absent = points.periods(np.isnan(points.value))
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
    points: _Points,
    comparison: _Points | None,
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
    labels = points.period
    noun = _period_noun(labels)
    intro = f"Line chart of {title}" + (f" for {council}" if council else "")
    if comparison is not None:
        intro += f", with {comparison_label} for comparison"
    sentences = [f"{intro}, {_span(labels, noun)}."]
    subject = council or "The value"
    sentences.append(_movement(subject, points, unit, digits, extremes=True, noun=noun))
    if comparison is not None:
        sentences.append(_movement(comparison_label, comparison, unit, digits, extremes=False))
    recorded = points.value[~np.isnan(points.value)].tolist()
    if target is not None and recorded:
        # rag_status gives, value by value, the word rag_status_series gives for the column
        met = sum(
            rag_status(value, target, polarity, _TWO_STATE, digits=digits) == GREEN
            for value in recorded
        )
        total = len(recorded)
        sentences.append(
            f"The target of {target_label(target, unit).removeprefix('Target ')} was met in "
            f"{met} of {total} {_plural(noun, total)}."
        )
    sentences.append(_low_numbers_sentence(points, noun, council))
    sentences.append(_missing_sentence(points, noun, council))
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
    output: str = "figure",
) -> Figure | SvgFigure:
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

    output : {"figure", "svg"}, default "figure"
        ``"figure"``: a matplotlib Figure; ``"svg"``: the same chart as a
        :class:`jswlib.present.svg.SvgFigure`, drawn straight to SVG (what the reports embed: many
        times faster, and sharp in print).

    Returns
    -------
    matplotlib.figure.Figure or jswlib.present.svg.SvgFigure
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
    as :func:`jswlib.judge.status.rag_status` judges it (the published, rounded value; at target is
    met; polarity-aware). Missing values leave a gap in the line and are named in the text
    alternative.

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
    points = _chart_frame(data, "data")
    labels = points.period
    council = council_label or "Council"
    fig, ax = _new_figure(title, output)
    handles = _draw_series(ax, points, COUNCIL_STYLE, council)
    aligned = None
    if comparison is not None:
        other = _chart_frame(comparison, "comparison")
        # the comparison's value of each of the council's periods (missing where it has none)
        position = {label: i for i, label in enumerate(other.period)}
        where = np.array([position.get(label, -1) for label in labels], dtype=np.intp)
        aligned = _Points(
            labels, np.append(other.value, np.nan)[where], np.append(other.low, False)[where]
        )
        comparison_label = comparison_label or "Comparison"
        handles += _draw_series(ax, aligned, COMPARISON_STYLE, comparison_label)
    if target is not None:
        handles.append(_draw_target(ax, target, unit))
    _set_period_ticks(ax, labels)
    numbers = [points.value]
    if aligned is not None:
        numbers.append(aligned.value)
    if target is not None:
        numbers.append(np.array([target]))
    _trend_value_axis(ax, np.concatenate(numbers), unit)
    _add_legend(fig, handles)
    setattr(
        fig,
        ALT_TEXT_ATTRIBUTE,
        _trend_alt_text(
            points,
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


# --- SPC and funnel charts: drawing what jswlib.judge.spc computes -------------------------------

_CHART_NAMES = MappingProxyType({"xmr": "XmR chart", "p": "p-chart", "p'": "Laney p'-chart"})


def _short_words(point_type: str) -> str:
    """ "improvement", "concern", "higher than expected"...: the words after "Special cause: "."""
    return POINT_TYPE_WORDS[point_type].removeprefix("Special cause: ")


def _spc_of(
    data: pd.DataFrame,
    points: _Points,
    *,
    chart: str,
    target: float | None,
    unit: str,
    polarity: str,
    rebase_at: Sequence[int],
    fix_after_n_points: int | None,
    known: tuple[Mapping[str, Any], Mapping[str, Any]] | None = None,
) -> tuple[_Spc, str, float]:
    """Run the SPC of the chart's data (:func:`jswlib.judge.spc.xmr` or
    :func:`~jswlib.judge.spc.p_chart`, as columns: no frame is built); return what the chart
    reads of it, the chart type and the value scale. ``known``: the columns and attrs of that
    SPC, worked out already by the caller (then not run again)."""
    has_counts = {"numerator", "denominator"} <= set(data.columns)
    if chart == "auto":
        chart = spc.suggest_chart(points.denominator) if has_counts else "xmr"
    if chart not in spc.CHART_TYPES:
        raise ValueError(f"chart must be 'auto', 'xmr', 'p' or \"p'\", got {chart!r}")
    improvement = spc.improvement_from_polarity(polarity)
    if chart == "xmr":
        if known is not None:
            columns, attrs = known
        else:
            columns, _, attrs = spc._xmr(
                points.value,
                improvement=improvement,
                target=target,
                fix_after_n_points=fix_after_n_points,
                rebase_at=rebase_at,
            )
        return _Spc(columns, attrs, "value", unit, 1.0), chart, 1.0
    if not has_counts:
        raise ValueError(
            f"a {_CHART_NAMES[chart]} needs columns 'numerator' and 'denominator'; "
            f"data has {list(data.columns)}"
        )
    if fix_after_n_points is not None:
        raise ValueError("fix_after_n_points applies to XmR charts only")
    scale = 100.0 if unit == "%" else 1.0
    if known is not None:
        columns, attrs = known
    else:
        columns, _, attrs = spc._p_chart(
            _number_array(data["numerator"], "data: column 'numerator'"),
            points.denominator,
            improvement=improvement,
            target=None if target is None else target / scale,
            laney=chart == "p'",
            rebase_at=rebase_at,
        )
    return _Spc(columns, attrs, "proportion", unit, scale), chart, scale


def _with_breaks(
    x: np.ndarray, y: np.ndarray, periods: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """x and y with a NaN between limit periods, so that one line never joins two periods."""
    breaks = np.flatnonzero(np.diff(periods)) + 1
    return np.insert(x.astype(float), breaks, np.nan), np.insert(y, breaks, np.nan)


class _Spc:
    """What a chart draws and says of an SPC frame, as arrays: the value or proportion, the
    centre, the limits (within 0-100 for percentages), the limit period, the baseline and trial
    flags and the point types; and the variation and assurance."""

    __slots__ = (
        "assurance",
        "baseline",
        "centre",
        "first",
        "lower",
        "period",
        "point_type",
        "trial_limits",
        "upper",
        "variation",
    )

    def __init__(
        self,
        columns: Mapping[str, Any],
        attrs: Mapping[str, Any],
        first: str,
        unit: str,
        scale: float,
    ) -> None:
        self.first = columns[first]  # the value (XmR) or proportion (p)
        self.centre, self.upper, self.lower = columns["centre"], columns["upper"], columns["lower"]
        if unit == "%":
            # no percentage lies outside 0-100: draw and describe the limits within it
            # (as Series.clip: a missing limit stays missing)
            cap = 100.0 / scale
            self.upper = np.where(self.upper > cap, cap, self.upper)
            self.lower = np.where(self.lower < 0.0, 0.0, self.lower)
        self.period, self.baseline = columns["period"], columns["baseline"]
        self.trial_limits, self.point_type = columns["trial_limits"], columns["point_type"]
        self.variation, self.assurance = attrs["variation"], attrs["assurance"]

    def periods(self) -> list[np.ndarray]:
        """The positions of each limit period, in the order of their numbers."""
        return [np.flatnonzero(self.period == k) for k in np.unique(self.period).tolist()]


def _limits_phrase(
    result: _Spc, labels: Sequence[str], chart: str, scale: float, unit: str, digits: int
) -> str:
    """The centre and limits of each limit period, in words."""
    shown = digits + 1
    parts = []
    periods = result.periods()
    for rows in periods:
        first = labels[int(rows[0])]
        if np.isnan(result.centre[rows]).all():
            text = f"too few points for process limits (at least {spc.MINIMUM_POINTS} are needed)"
        else:
            head = int(rows[0])
            centre = _show(result.centre[head] * scale, unit, shown)
            if chart == "xmr":
                text = (
                    f"mean {centre}, process limits {_show(result.lower[head], unit, shown)} "
                    f"to {_show(result.upper[head], unit, shown)}"
                )
            else:
                text = (
                    f"overall proportion {centre}, process limits set for each point by its "
                    f"number of cases"
                )
            if result.trial_limits[rows].any():
                text += f" (trial limits: fewer than {spc.TRIAL_LIMIT_POINTS} points)"
            fixed = int(result.baseline[rows].sum())
            if chart == "xmr" and fixed < int((~np.isnan(result.first[rows])).sum()):
                text += f", fixed on the first {fixed} points"
        parts.append(text if len(periods) == 1 else f"from {first}, {text}")
    return "; ".join(parts)


def _special_phrase(types: np.ndarray, labels: Sequence[str], noun: str) -> str:
    """The special-cause points in words."""
    special = [
        (label, kind)
        for label, kind in zip(labels, types, strict=True)
        if kind is not None and kind != "common_cause"
    ]
    if not special:
        return "no point shows special-cause variation"
    if len(special) > 6:
        counts = [
            f"{sum(kind == k for _, kind in special)} {_short_words(k)}"
            for k in SPECIAL_CAUSE_STYLES
            if any(kind == k for _, kind in special)
        ]
        return (
            f"special-cause variation at {len(special)} {_plural(noun, len(special))} "
            f"({_join(counts)})"
        )
    return "special-cause variation at " + _join(
        [f"{label} ({_short_words(kind)})" for label, kind in special]
    )


def _spc_alt_text(
    points: _Points,
    result: _Spc,
    *,
    chart: str,
    scale: float,
    title: str,
    council: str,
    target: float | None,
    unit: str,
    digits: int,
) -> str:
    """The one-sentence text alternative of an SPC chart."""
    labels = points.period
    noun = _period_noun(labels)
    owner = f" for {council}" if council else ""
    clauses = [
        f"Statistical process control {_CHART_NAMES[chart]} of {title}{owner}, "
        f"{_span(labels, noun)}: {_limits_phrase(result, labels, chart, scale, unit, digits)}",
        _special_phrase(result.point_type, labels, noun),
    ]
    recorded = np.flatnonzero(~np.isnan(points.value))
    if recorded.size:
        last = int(recorded[-1])
        variation = result.variation
        if variation is None:
            words = "too few points to judge its variation"
        elif variation == "common_cause":
            words = "common-cause variation"
        else:
            words = f"special-cause {_short_words(variation)}"
        clauses.append(
            f"the latest {noun} ({labels[last]}, {_show(points.value[last], unit, digits)}) "
            f"shows {words}"
        )
    assurance = result.assurance
    if target is not None and assurance is not None:
        clauses.append(
            f"assurance against the target of "
            f"{target_label(target, unit).removeprefix('Target ')}: "
            f"{spc.ASSURANCE_WORDS[assurance].lower()}"
        )
    low = _low_periods(points)
    if low:
        clauses.append(
            f"hollow points ({_periods_phrase(low, noun, limit=6)}) rest on fewer than "
            f"{LOW_NUMBERS_THRESHOLD} cases"
        )
    absent = points.periods(np.isnan(points.value))
    if absent:
        clauses.append(f"there is no value for {_periods_phrase(absent, noun, limit=6)}")
    return "; ".join(clauses) + "."


def _draw_limits(ax: Axes, result: _Spc, scale: float, limits_label: str) -> list[Line2D]:
    """Centre line and process limits, one stretch per limit period; return legend handles."""
    x, periods = np.arange(len(result.period)), result.period
    if np.isnan(result.centre).all():
        return []
    for values, label, style in (
        (result.centre, "Mean", MEAN_STYLE),
        (result.upper, "Upper process limit", LIMIT_STYLE),
        (result.lower, "Lower process limit", LIMIT_STYLE),
    ):
        xs, ys = _with_breaks(x, values * scale, periods)
        ax.plot(xs, ys, label=label, drawstyle="steps-mid", **style)
    return [
        _handle(ax, label="Mean", **MEAN_STYLE),
        _handle(ax, label=limits_label, **LIMIT_STYLE),
    ]


def _draw_changes(
    ax: Axes, result: _Spc, labels: Sequence[str], rebase_at: Sequence[int]
) -> list[Line2D]:
    """Vertical lines at each recorded change and at the end of fixed limits; return legend
    handles."""
    handles = []
    for position in sorted(rebase_at):
        ax.axvline(position - 0.5, label="Change: limits recalculated", **REBASE_STYLE)
        ax.text(
            position - 0.45,
            0.98,
            labels[position],
            transform=ax.get_xaxis_transform(),
            rotation=90,
            va="top",
            ha="left",
            fontsize=STYLE["tick_size"],
            color=STYLE["text_colour"],
        )
    if rebase_at:
        handles.append(_handle(ax, label="Change: limits recalculated", **REBASE_STYLE))
    fixed_ends = []
    for positions in result.periods():
        base = np.flatnonzero(result.baseline[positions])
        recorded = ~np.isnan(result.first[positions])
        later = recorded[base[-1] + 1 :] if base.size else []
        if base.size and np.any(later):
            fixed_ends.append(int(positions[base[-1]]))
    for end in fixed_ends:
        ax.axvline(end + 0.5, label="End of fixed limits", **BASELINE_STYLE)
    if fixed_ends:
        handles.append(_handle(ax, label="End of fixed limits", **BASELINE_STYLE))
    return handles


def _draw_special_causes(ax: Axes, result: _Spc, values: np.ndarray) -> list[Line2D]:
    """Overdraw special-cause points, shape and colour by point type; return legend handles."""
    x, types = np.arange(len(result.period)), result.point_type
    handles = []
    for kind, style in SPECIAL_CAUSE_STYLES.items():
        chosen = types == kind
        if chosen.any():
            marker_kw = {
                "linestyle": "none",
                "marker": style["marker"],
                "color": style["color"],
                "markersize": STYLE["special_marker_size"],
                "markeredgecolor": WHITE,
                "markeredgewidth": 0.8,
            }
            label = POINT_TYPE_WORDS[kind]
            ax.plot(x[chosen], values[chosen], label=label, zorder=4, **marker_kw)
            handles.append(_handle(ax, label=label, **marker_kw))
    return handles


def spc_chart(
    data: pd.DataFrame,
    *,
    title: str,
    target: float | None = None,
    unit: str = "%",
    polarity: str = "higher",
    council_label: str = "",
    digits: int = 0,
    chart: str = "auto",
    rebase_at: Sequence[int] = (),
    fix_after_n_points: int | None = None,
    output: str = "figure",
    spc_columns: tuple[Mapping[str, Any], Mapping[str, Any]] | None = None,
) -> Figure | SvgFigure:
    """A statistical process control chart in the NHS "Making Data Count" style (XmR, p or p').

    Parameters
    ----------
    data : pandas.DataFrame
        One row per period (months, or quarters where there are no months), in time order, with
        columns ``period`` and ``value``, and optionally ``numerator`` and ``denominator`` (points
        on fewer than 10 cases are drawn hollow; a p-chart needs both).
    title : str
        The chart title, also used in the text alternative.
    target : float, optional
        In the units of ``value`` (80 for 80%); drawn as a dashed line, its assurance named in the
        text alternative.
    unit : str, default "%"
        ``"%"`` for percentages (a p-chart's proportions are drawn as percentages); ``""`` for
        counts.
    polarity : {"higher", "lower", "neutral"}, default "higher"
        Whether higher or lower values are better: decides improvement or concern.
    council_label : str, default ""
        Name of the series in the legend (``"Value"`` when empty) and the text alternative.
    digits : int, default 0
        Decimal places of values in the text alternative (the mean and limits get one more).
    chart : {"auto", "xmr", "p", "p'"}, default "auto"
        The chart: ``"auto"`` asks :func:`jswlib.judge.spc.suggest_chart` (a p-chart where the
        denominators are small or vary), XmR without denominators.
    rebase_at : sequence of int, default ()
        0-based positions where a recorded change starts new limits (dash-dot line, labelled with
        the period).
    fix_after_n_points : int, optional
        XmR only: limits fixed on the first n (at least 12) points of each period (a dotted line
        marks where they end).

    output : {"figure", "svg"}, default "figure"
        ``"figure"``: a matplotlib Figure; ``"svg"``: the same chart as a
        :class:`jswlib.present.svg.SvgFigure`, drawn straight to SVG (what the reports embed: many
        times faster, and sharp in print).
    spc_columns : (mapping, mapping), optional
        The SPC of ``data`` worked out already for this chart, as the columns and ``attrs`` that
        :func:`jswlib.judge.spc.xmr` or :func:`~jswlib.judge.spc.p_chart` put in their frame
        (:func:`jswlib.present.national.spc_parts`), drawn from instead of running it again. Give
        it only for this data, chart, target and polarity.

    Returns
    -------
    matplotlib.figure.Figure or jswlib.present.svg.SvgFigure
        The chart, with a one-sentence text alternative in ``fig.jsw_alt_text``. No pyplot:
        nothing needs closing.

    Raises
    ------
    TypeError, ValueError
        As :func:`trend_chart`; :class:`jswlib.core.errors.InputError` as
        :func:`jswlib.judge.spc.xmr` and :func:`jswlib.judge.spc.p_chart`.

    Notes
    -----
    Convention: the statistics are :mod:`jswlib.judge.spc`'s (``docs/method.md``, "Statistical
    process control and funnel plots"); this function only draws them. Series dark blue with
    small round markers; mean solid dark grey; process limits short-dashed dark grey, drawn as
    steps (a p-chart's limits move with each point's denominator) and broken at each change;
    "trial" in the legend when a period has fewer than 12 points; target long-dashed.
    Special-cause points are overdrawn with a larger marker whose shape and colour both carry the
    meaning (:data:`SPECIAL_CAUSE_STYLES`), labelled with
    :data:`jswlib.judge.spc.POINT_TYPE_WORDS`. With too few points no limits are drawn and the
    text alternative says so.

    Examples
    --------
    >>> data = pd.DataFrame({"period": ["Apr 2025", "May 2025", "Jun 2025", "Jul 2025",
    ...                                 "Aug 2025", "Sep 2025"], "value": [10, 12, 11, 13, 12, 11]})
    >>> fig = spc_chart(data, title="CPOs imposed", unit="", polarity="neutral")
    >>> fig.jsw_alt_text.split(": ")[1].split(";")[0]
    'mean 11.5, process limits 7.8 to 15.2 (trial limits'
    """
    validate_polarity(polarity)
    unit = _check_unit(unit)
    target = _check_target(target, polarity)
    fig, ax = _new_figure(title, output)
    handles, alt_text = _spc_on_axes(
        ax,
        data,
        title=title,
        target=target,
        unit=unit,
        polarity=polarity,
        council_label=council_label,
        digits=digits,
        chart=chart,
        rebase_at=rebase_at,
        fix_after_n_points=fix_after_n_points,
        known=spc_columns,
    )
    _add_legend(fig, handles)
    setattr(fig, ALT_TEXT_ATTRIBUTE, alt_text)
    return fig


def _spc_on_axes(
    ax: Axes,
    data: pd.DataFrame,
    *,
    title: str,
    target: float | None,
    unit: str,
    polarity: str,
    council_label: str,
    digits: int,
    chart: str,
    rebase_at: Sequence[int],
    fix_after_n_points: int | None,
    max_ticks: int | None = None,
    known: tuple[Mapping[str, Any], Mapping[str, Any]] | None = None,
) -> tuple[list[Line2D], str]:
    """Draw one SPC chart on ``ax``; return its legend handles and its text alternative
    (``known``: as :func:`_spc_of`)."""
    points = _chart_frame(data, "data")
    result, chart, scale = _spc_of(
        data,
        points,
        chart=chart,
        target=target,
        unit=unit,
        polarity=polarity,
        rebase_at=rebase_at,
        fix_after_n_points=fix_after_n_points,
        known=known,
    )
    if chart != "xmr":
        points.value = result.first * scale
    labels = points.period
    handles = _draw_series(ax, points, COUNCIL_STYLE, council_label or "Value")
    trial = bool(result.trial_limits.any())
    limits_label = "Process limits" + (" (trial)" if trial else "")
    handles += _draw_limits(ax, result, scale, limits_label)
    if target is not None:
        handles.append(_draw_target(ax, target, unit))
    handles += _draw_changes(ax, result, labels, rebase_at)
    values = points.value
    handles += _draw_special_causes(ax, result, values)
    _set_period_ticks(ax, labels, max_ticks)
    extra = [result.upper * scale, result.lower * scale]
    if target is not None:
        extra.append(np.array([target], dtype=float))
    _zoomed_value_axis(ax, np.concatenate([values, *extra]), unit)
    alt_text = _spc_alt_text(
        points,
        result,
        chart=chart,
        scale=scale,
        title=title,
        council=council_label,
        target=target,
        unit=unit,
        digits=digits,
    )
    return handles, alt_text


def spc_panels(
    panels: Mapping[str, pd.DataFrame],
    *,
    title: str,
    target: float | None = None,
    unit: str = "%",
    polarity: str = "higher",
    digits: int = 0,
    chart: str = "auto",
    output: str = "figure",
) -> Figure | SvgFigure:
    """Several SPC charts side by side in one figure (the family groups of an indicator, say).

    Parameters
    ----------
    panels : mapping of str to pandas.DataFrame
        Panel name (``"Family group 1"``) to its data, each as :func:`spc_chart` takes it.
    title : str
        The figure's title; each panel is titled with its name.
    target, unit, polarity, digits, chart
        As :func:`spc_chart`, the same for every panel.

    output : {"figure", "svg"}, default "figure"
        ``"figure"``: a matplotlib Figure; ``"svg"``: the same chart as a
        :class:`jswlib.present.svg.SvgFigure`, drawn straight to SVG (what the reports embed: many
        times faster, and sharp in print).

    Returns
    -------
    matplotlib.figure.Figure or jswlib.present.svg.SvgFigure
        Two panels a row, one legend below them, and a text alternative made of each panel's
        sentence in ``fig.jsw_alt_text``.

    Raises
    ------
    ValueError
        When there are no panels, or as :func:`spc_chart`.

    Notes
    -----
    Convention: each panel is an SPC chart with its own limits, drawn as :func:`spc_chart` draws
    one (shapes and words from :mod:`jswlib.judge.spc`), on about a third of the ticks so that the
    labels fit; a small-multiples figure costs one render instead of one per panel.
    """
    validate_polarity(polarity)
    unit = _check_unit(unit)
    target = _check_target(target, polarity)
    if not panels:
        raise ValueError("panels is empty: there is nothing to draw")
    rows = math.ceil(len(panels) / 2)
    width, height = STYLE["figsize"]
    fig = _blank_figure(
        output,
        figsize=(width, 0.6 + rows * (height - 0.6) * 0.85),
        dpi=STYLE["dpi"],
        facecolor=WHITE,
    )
    fig.suptitle(
        textwrap.fill(str(title), STYLE["title_width"]),
        x=0.01,
        ha="left",
        fontsize=STYLE["title_size"],
        color=STYLE["text_colour"],
        fontweight="bold",
    )
    axes = fig.subplots(rows, 2, squeeze=False).ravel()
    handles: dict[str, Line2D] = {}
    sentences = []
    for ax, (name, data) in zip(axes, panels.items()):
        _style_axes(ax, name, STYLE["font_size"])
        found, alt_text = _spc_on_axes(
            ax,
            data,
            title=f"{title}, {name}",
            target=target,
            unit=unit,
            polarity=polarity,
            council_label="",
            digits=digits,
            chart=chart,
            rebase_at=(),
            fix_after_n_points=None,
            max_ticks=STYLE["max_ticks"] // 6,
        )
        for handle in found:
            handles.setdefault(handle.get_label(), handle)
        sentences.append(alt_text)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    _add_legend(fig, list(handles.values()))
    setattr(fig, ALT_TEXT_ATTRIBUTE, " ".join(sentences))
    return fig


def _funnel_frame(data: Any, label_column: str) -> pd.DataFrame:
    """Check a funnel plot's table: one row per council with its label, numerator and
    denominator."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"data must be a pandas DataFrame with columns {label_column!r}, 'numerator' and "
            f"'denominator', got {type(data).__name__}"
        )
    missing = [c for c in (label_column, "numerator", "denominator") if c not in data.columns]
    if missing:
        raise ValueError(f"data is missing column(s) {missing}; it has {list(data.columns)}")
    if len(data) == 0:
        raise ValueError("data has no rows: there is nothing to draw")
    labels = data[label_column].astype(str)
    repeated = sorted(set(labels[labels.duplicated()]))
    if repeated:
        raise ValueError(
            f"data: each {label_column} must appear once; repeated: {', '.join(repeated)}"
        )
    return pd.DataFrame(
        {
            "label": labels.to_numpy(dtype=object),
            "numerator": _numbers(data["numerator"], "data: column 'numerator'").to_numpy(),
            "denominator": _numbers(data["denominator"], "data: column 'denominator'").to_numpy(),
        }
    )


def _funnel_alt_text(table: pd.DataFrame, *, title: str, unit: str, digits: int, noun: str) -> str:
    """The one-sentence text alternative of a funnel plot (councils named, never ranked)."""
    scale = 100.0 if unit == "%" else 1.0
    shown = table[table["proportion"].notna()]
    overall = _show(table.attrs["proportion"] * scale, unit, digits + 1)
    clauses = [
        f"Funnel plot of {title}: {len(shown)} {_plural(noun, len(shown))} plotted by their "
        f"number of cases around the overall {overall}, with 95% and 99.8% limits"
    ]
    if table.attrs["method"] == "overdispersed":
        clauses[0] += f" widened for overdispersion (phi {round_half_up(table.attrs['phi'], 2):g})"
    high = sorted(shown.loc[shown["outside_99_8"] == "high", "label"])
    low = sorted(shown.loc[shown["outside_99_8"] == "low", "label"])
    if not high and not low:
        clauses.append(f"no {noun} lies outside the 99.8% limits")
    if high:
        clauses.append(f"above the 99.8% limits: {_join(high)}")
    if low:
        clauses.append(f"below the 99.8% limits: {_join(low)}")
    only_95 = int(((shown["outside_95"] != "") & (shown["outside_99_8"] == "")).sum())
    if only_95:
        clauses.append(f"{only_95} more {_plural(noun, only_95)} outside the 95% limits only")
    none = sorted(table.loc[table["proportion"].isna(), "label"])
    if none:
        clauses.append(f"no cases for {_join(none)}")
    return "; ".join(clauses) + "."


def funnel_chart(
    data: pd.DataFrame,
    *,
    title: str,
    unit: str = "%",
    label_column: str = "council",
    overdispersion: bool = False,
    digits: int = 0,
    noun: str = "council",
    output: str = "figure",
) -> Figure | SvgFigure:
    """A funnel plot: each council's proportion against its number of cases, with 95% and 99.8%
    limits.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per council with columns ``council`` (or ``label_column``), ``numerator`` and
        ``denominator``.
    title : str
        The chart title, also used in the text alternative.
    unit : str, default "%"
        ``"%"``: proportions drawn as percentages; ``""``: as proportions.
    label_column : str, default "council"
        The column naming each unit.
    overdispersion : bool, default False
        Widen the limits for overdispersion (Spiegelhalter;
        :func:`jswlib.judge.spc.funnel_points`).
    digits : int, default 0
        Decimal places of the overall proportion in the text alternative (it gets one more).
    noun : str, default "council"
        What a unit is called in the text alternative.

    output : {"figure", "svg"}, default "figure"
        ``"figure"``: a matplotlib Figure; ``"svg"``: the same chart as a
        :class:`jswlib.present.svg.SvgFigure`, drawn straight to SVG (what the reports embed: many
        times faster, and sharp in print).

    Returns
    -------
    matplotlib.figure.Figure or jswlib.present.svg.SvgFigure
        The chart, with a one-sentence text alternative naming the councils outside the 99.8%
        limits in ``fig.jsw_alt_text``.

    Raises
    ------
    TypeError, ValueError
        When ``data`` is not a DataFrame, a column is missing or not numeric, or a council is
        repeated; :class:`jswlib.core.errors.InputError` as :func:`jswlib.judge.spc.funnel_points`.

    Notes
    -----
    Convention (``docs/method.md``, "Statistical process control and funnel plots"): limits as
    :func:`jswlib.judge.spc.funnel_limits` computes them, drawn over the range of denominators;
    overall proportion solid, 95% limits short-dashed, 99.8% limits solid and thicker. Councils
    outside the 99.8% limits are drawn with a larger marker whose shape and colour say the side
    (triangle up above, triangle down below) and are labelled with their names. There is no
    ranking: the text alternative names the councils outside the 99.8% limits alphabetically.

    Examples
    --------
    >>> data = pd.DataFrame({"council": ["A", "B", "C"], "numerator": [50, 62, 20],
    ...                      "denominator": [100, 100, 100]})
    >>> print(funnel_chart(data, title="Reports on time").jsw_alt_text)
    Funnel plot of Reports on time: 3 councils plotted by their number of cases around the overall
    44.0%, with 95% and 99.8% limits; above the 99.8% limits: B; below the 99.8% limits: C.
    """
    unit = _check_unit(unit)
    frame = _funnel_frame(data, label_column)
    table = spc.funnel_points(
        frame["numerator"].to_numpy(),
        frame["denominator"].to_numpy(),
        labels=frame["label"].tolist(),
        overdispersion=overdispersion,
    )
    scale = 100.0 if unit == "%" else 1.0
    estimate = (
        spc.funnel_overdispersion(frame["numerator"].to_numpy(), frame["denominator"].to_numpy())
        if overdispersion
        else None
    )
    usable = table["denominator"][table["proportion"].notna()]
    grid = np.unique(
        np.r_[np.linspace(max(1.0, usable.min() * 0.9), usable.max() * 1.05, 200), usable]
    )
    limits = spc.funnel_limits(grid, table.attrs["proportion"], overdispersion=estimate)
    fig, ax = _new_figure(title, output)
    ax.plot(
        table["denominator"],
        table["proportion"] * scale,
        label="Council",
        markersize=STYLE["marker_size"],
        **FUNNEL_POINT_STYLE,
    )
    handles = [
        _handle(ax, label=noun.capitalize(), markersize=STYLE["marker_size"], **FUNNEL_POINT_STYLE)
    ]
    overall_label = f"Overall {_show(table.attrs['proportion'] * scale, unit, digits + 1)}"
    ax.axhline(table.attrs["proportion"] * scale, label=overall_label, **MEAN_STYLE)
    handles.append(_handle(ax, label=overall_label, **MEAN_STYLE))
    for name, label, style in (
        ("95", "95% limits", FUNNEL_95_STYLE),
        ("99_8", "99.8% limits", FUNNEL_998_STYLE),
    ):
        ax.plot(grid, limits[f"upper_{name}"] * scale, label=f"Upper {label}", **style)
        ax.plot(grid, limits[f"lower_{name}"] * scale, label=f"Lower {label}", **style)
        handles.append(_handle(ax, label=label, **style))
    for side, style in FUNNEL_OUTSIDE_STYLES.items():
        chosen = table[table["outside_99_8"] == side]
        if chosen.empty:
            continue
        word = "Above" if side == "high" else "Below"
        marker_kw = {
            "linestyle": "none",
            "marker": style["marker"],
            "color": style["color"],
            "markersize": STYLE["special_marker_size"],
            "markeredgecolor": WHITE,
            "markeredgewidth": 0.8,
        }
        label = f"{word} the 99.8% limits"
        ax.plot(
            chosen["denominator"], chosen["proportion"] * scale, label=label, zorder=4, **marker_kw
        )
        handles.append(_handle(ax, label=label, **marker_kw))
        for _, row in chosen.iterrows():
            ax.annotate(
                row["label"],
                (row["denominator"], row["proportion"] * scale),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=STYLE["tick_size"],
                color=STYLE["text_colour"],
            )
    ax.set_xlabel("Number of cases", fontsize=STYLE["font_size"], color=STYLE["text_colour"])
    ax.xaxis.set_major_formatter(FuncFormatter(_thousands_ticks))
    numbers = np.r_[
        table["proportion"].to_numpy() * scale, limits.iloc[:, 1:].to_numpy().ravel() * scale
    ]
    _zoomed_value_axis(ax, numbers, unit)
    _add_legend(fig, handles)
    setattr(
        fig,
        ALT_TEXT_ATTRIBUTE,
        _funnel_alt_text(table, title=title, unit=unit, digits=digits, noun=noun),
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


def figure_html(fig: Figure | SvgFigure, alt: str | None = None) -> str:
    """A chart as an HTML ``<figure>``: the picture, its text alternative as ``alt`` and caption.

    Parameters
    ----------
    fig : matplotlib.figure.Figure or jswlib.present.svg.SvgFigure
        A chart from this module.
    alt : str, optional
        The text alternative; the figure's own (``fig.jsw_alt_text``) when not given.

    Returns
    -------
    str
        ``<figure class="jsw-chart">`` holding an ``<svg role="img" aria-label="...">`` (an
        :class:`~jswlib.present.svg.SvgFigure`) or an ``<img src="data:image/png;base64,..."
        alt="...">`` (a matplotlib Figure), then ``<figcaption>...``: the text alternative is both
        the picture's accessible name and a visible caption, so that the chart reads without the
        picture and prints.

    Examples
    --------
    >>> data = pd.DataFrame({"period": ["Q1 2025/26"], "value": [80.0]})
    >>> figure_html(trend_chart(data, title="Example")).startswith(
    ...     '<figure class="jsw-chart"><img src="data:image/png;base64,')
    True
    >>> figure_html(trend_chart(data, title="Example", output="svg")).startswith(
    ...     '<figure class="jsw-chart"><svg xmlns="http://www.w3.org/2000/svg"')
    True
    """
    text = getattr(fig, ALT_TEXT_ATTRIBUTE, "") or "" if alt is None else alt
    caption = html.escape(text)
    if isinstance(fig, SvgFigure):
        picture = fig.to_svg(text)
    else:
        png = base64.b64encode(figure_to_png(fig)).decode("ascii")
        picture = f'<img src="data:image/png;base64,{png}" alt="{caption}">'
    return f'<figure class="jsw-chart">{picture}<figcaption>{caption}</figcaption></figure>'
