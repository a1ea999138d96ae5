"""Charts drawn straight to SVG: the few drawing calls the workbook's charts make, without
matplotlib's layout and rasteriser.

This is part of the *present* layer. :mod:`jswlib.present.charts` draws every chart through a small
set of calls on a figure and its axes (``plot``, ``axhline``, ``axvline``, ``text``, ``set_xticks``,
``set_ylim``, ``legend`` and their kind); :class:`SvgFigure` and :class:`SvgAxes` accept exactly
those calls, with matplotlib's names and keywords, record them, and write one SVG document. The
same chart code therefore gives a matplotlib :class:`~matplotlib.figure.Figure` (for a notebook or
a PNG) or an SVG (for the reports) from one description, and the two say the same: the same
series, points, markers, lines, tick labels, title and legend (``tests/test_svg.py`` checks this).
It imports nothing from the workbook, touches no disk and keeps no state between figures.

Conventions
-----------
- **Sizes** follow matplotlib's: the figure is ``figsize`` inches at ``dpi`` pixels an inch
  (750 x 320 for the report's charts); font sizes, line widths and marker sizes are in points
  (1/72 inch) and dash patterns scale with the line width, as matplotlib draws them.
- **Layout** is computed, not measured: text widths come from the Helvetica (Arial) character
  widths with a margin, so the axes leave room for the tick labels, the title and the legend
  whatever font the reader's browser chooses.
- **Text stays text**: titles, tick labels and legend entries are SVG ``<text>``, so they print
  sharp, can be selected and are read by screen readers; the chart's text alternative is the
  ``aria-label`` of the ``<svg role="img">``.
- **Determinism**: the same calls give the same bytes; the one id in the document (the clip path
  of each axes) is derived from the document's own content, so that two charts on one page never
  share an id and a re-run gives identical HTML.
"""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from matplotlib.ticker import MaxNLocator

__all__ = ["LegendHandle", "SvgAxes", "SvgFigure", "text_width"]

#: Pixels per point at 100 dpi (matplotlib's sizes are in points).
_FONT_FAMILY = "Helvetica, Arial, 'Liberation Sans', sans-serif"

# Helvetica's advance widths (thousandths of an em) for printable ASCII, space to tilde.
_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip
_WIDE = 600  # any other character
_CHARACTER_WIDTHS = {chr(32 + i): width for i, width in enumerate(_WIDTHS)}
_SAFETY = 1.08  # browsers may fall back to a wider sans-serif font


def text_width(text: str, size_px: float, *, bold: bool = False) -> float:
    """Width in pixels of one line of ``text`` at ``size_px``, from Helvetica's widths.

    Examples
    --------
    >>> round(text_width("80%", 10.0), 2)  # (556 + 556 + 889) / 1000 * 10 * 1.08
    21.61
    """
    total = sum([_CHARACTER_WIDTHS.get(c, _WIDE) for c in text])
    return total / 1000.0 * size_px * _SAFETY * (1.06 if bold else 1.0)


def _num(value: float) -> str:
    """A coordinate with at most one decimal place: ``12.0`` -> ``"12"``."""
    return f"{value:.1f}".removesuffix(".0")


def _nums(values: np.ndarray) -> list[str]:
    """:func:`_num` of each value of an array."""
    return [f"{value:.1f}".removesuffix(".0") for value in values.tolist()]


def _attribute(name: str) -> str:
    """An SVG attribute's name from a keyword: ``text_anchor`` -> ``text-anchor``, ``class_`` ->
    ``class``."""
    known = _ATTRIBUTES.get(name)
    return known if known is not None else name.rstrip("_").replace("_", "-")


_ATTRIBUTES = {
    name: name.rstrip("_").replace("_", "-")
    for name in ("fill", "text_anchor", "transform", "class_", "font_weight")
}


def _dashes(linestyle: Any, width_pt: float, px: float) -> str:
    """The SVG ``stroke-dasharray`` of a matplotlib line style, scaled by the line width."""
    patterns = {"--": (3.7, 1.6), ":": (1.0, 1.65), "-.": (6.4, 1.6, 1.0, 1.6)}
    if isinstance(linestyle, tuple):
        pattern = tuple(linestyle[1])
    elif linestyle in ("-", "solid", None) or linestyle in ("none", "None", "", " "):
        return ""
    else:
        pattern = patterns.get(linestyle, ())
    if not pattern:
        return ""
    return ",".join(_num(part * width_pt * px) for part in pattern)


def _is_drawn(linestyle: Any) -> bool:
    return linestyle not in ("none", "None", "", " ")


class LegendHandle:
    """What a legend entry shows: a short line and/or a marker in a series' style, and its label."""

    def __init__(self, label: str = "", **style: Any) -> None:
        self.label = str(label)
        self.style = dict(style)

    def get_label(self) -> str:
        return self.label


class _Spine:
    def __init__(self) -> None:
        self.visible, self.colour = True, "#000000"

    def set_visible(self, visible: bool) -> None:
        self.visible = bool(visible)

    def set_color(self, colour: str) -> None:
        self.colour = colour


class _Axis:
    def __init__(self) -> None:
        self.locator: Any = None
        self.formatter: Callable[[float, Any], str] | None = None

    def set_major_locator(self, locator: Any) -> None:
        self.locator = locator

    def set_major_formatter(self, formatter: Callable[[float, Any], str]) -> None:
        self.formatter = formatter


_AXIS_FRACTION = "x data, y axes fraction"
_MARGIN = 0.05  # matplotlib's default margin of data limits (axes.xmargin)


class SvgAxes:
    """One axes: records matplotlib-style drawing calls (see the module notes)."""

    def __init__(self, figure: SvgFigure) -> None:
        self.figure = figure
        self.items: list[tuple[str, dict[str, Any]]] = []
        self.title, self.title_style = "", {}
        self.spines = {name: _Spine() for name in ("left", "right", "top", "bottom")}
        self.yaxis = _Axis()
        self.xaxis = _Axis()
        self.grid_style: dict[str, Any] | None = None
        self.tick_size, self.tick_colour = 10.0, "#000000"
        self.xlim: tuple[float, float] | None = None
        self.ylim: tuple[float, float] | None = None
        self.xticks: tuple[list[float], list[str], float] = ([], [], 0.0)
        self.yticks: tuple[list[float], list[str]] | None = None
        self.ylabel, self.xlabel, self.label_style = "", "", {}
        self.visible = True

    # --- matplotlib's names ---------------------------------------------------------------------
    def set_facecolor(self, colour: str) -> None:
        self.facecolor = colour

    def set_title(self, text: str, loc: str = "center", **style: Any) -> None:
        self.title, self.title_style = str(text), dict(style, loc=loc)

    def grid(self, axis: str = "both", **style: Any) -> None:
        self.grid_style = dict(style, axis=axis)

    def set_axisbelow(self, below: bool) -> None:
        """Grid lines are always drawn below the data."""

    def tick_params(self, labelsize: float = 10.0, colors: str = "#000000", **_: Any) -> None:
        self.tick_size, self.tick_colour = float(labelsize), colors

    def get_xaxis_transform(self) -> str:
        return _AXIS_FRACTION

    def set_visible(self, visible: bool) -> None:
        self.visible = bool(visible)

    def plot(self, x: Iterable[float], y: Iterable[float], **style: Any) -> list[LegendHandle]:
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        self.items.append(("line", dict(style, x=x, y=y)))
        return [LegendHandle(**style)]

    def axhline(self, y: float, **style: Any) -> None:
        self.items.append(("hline", dict(style, y=float(y))))

    def axvline(self, x: float, **style: Any) -> None:
        self.items.append(("vline", dict(style, x=float(x))))

    def text(self, x: float, y: float, s: str, transform: Any = None, **style: Any) -> None:
        self.items.append(("text", dict(style, x=float(x), y=float(y), s=str(s), fraction=True)))

    def annotate(self, text: str, xy: Sequence[float], **style: Any) -> None:
        self.items.append(("annotate", dict(style, s=str(text), xy=tuple(map(float, xy)))))

    def set_xticks(self, positions: Sequence[float], labels: Sequence[str] = (), **kw: Any):
        shown = [str(label) for label in labels] if labels else [f"{p:g}" for p in positions]
        self.xticks = ([float(p) for p in positions], shown, float(kw.get("rotation", 0.0)))

    def set_xlim(self, left: float, right: float) -> None:
        self.xlim = (float(left), float(right))

    def set_ylim(self, bottom: float, top: float) -> None:
        self.ylim = (float(bottom), float(top))

    def get_ylim(self) -> tuple[float, float]:
        return self.ylim if self.ylim is not None else self._data_limits("y")

    def get_xlim(self) -> tuple[float, float]:
        """The x limits set, or the data's with matplotlib's default margins (5% each side)."""
        if self.xlim is not None:
            return self.xlim
        low, high = self._data_limits("x")
        margin = (high - low) * _MARGIN
        return (low - margin, high + margin)

    def set_yticks(self, ticks: Sequence[float], labels: Sequence[str] = ()) -> None:
        values = [float(t) for t in ticks]
        self.yticks = (values, [str(label) for label in labels] or [f"{v:g}" for v in values])

    def set_ylabel(self, text: str, **style: Any) -> None:
        self.ylabel, self.label_style = str(text), style

    def set_xlabel(self, text: str, **style: Any) -> None:
        self.xlabel, self.label_style = str(text), style

    # --- what is shown --------------------------------------------------------------------------
    def x_ticks(self) -> tuple[list[float], list[str], float]:
        """The x ticks shown: those set, or nicely spaced ones within the limits (a numeric axis)."""
        if self.xticks[0]:
            return self.xticks
        left, right = self.get_xlim()
        span = (right - left) * 1e-9
        locator = self.xaxis.locator or MaxNLocator(
            nbins=9, steps=[1, 2, 2.5, 5, 10]
        )  # as AutoLocator
        values = [
            float(v) for v in locator.tick_values(left, right) if left - span <= v <= right + span
        ]
        formatter = self.xaxis.formatter or (lambda v, _: f"{v:g}")
        return values, [formatter(v, i) for i, v in enumerate(values)], 0.0

    def _data_limits(self, axis: str) -> tuple[float, float]:
        values = [item[axis] for kind, item in self.items if kind == "line"]
        finite = np.concatenate(values) if values else np.array([0.0, 1.0])
        finite = finite[np.isfinite(finite)]
        if not finite.size:
            return (0.0, 1.0)
        low, high = float(finite.min()), float(finite.max())
        return (low, high) if high > low else (low - 1.0, high + 1.0)

    def y_ticks(self) -> tuple[list[float], list[str]]:
        """The y ticks shown: those set, or the locator's within the limits, with their labels."""
        if self.yticks is not None:
            return self.yticks
        bottom, top = self.get_ylim()
        if self.yaxis.locator is None:
            return [], []
        span = (top - bottom) * 1e-9
        values = [
            float(v)
            for v in self.yaxis.locator.tick_values(bottom, top)
            if bottom - span <= v <= top + span
        ]
        formatter = self.yaxis.formatter or (lambda v, _: f"{v:g}")
        return values, [formatter(v, i) for i, v in enumerate(values)]


class SvgFigure:
    """A figure of one or more :class:`SvgAxes` and a legend below them, written by
    :meth:`to_svg`."""

    def __init__(self, figsize: Sequence[float] = (7.5, 3.2), dpi: float = 100.0, **kw: Any):
        self.width, self.height = figsize[0] * dpi, figsize[1] * dpi
        self.px = dpi / 72.0  # pixels per point
        self.facecolor = kw.get("facecolor", "#FFFFFF")
        self.axes: list[SvgAxes] = []
        self.grid_shape = (1, 1)
        self.suptitle_text, self.suptitle_style = "", {}
        self.legend_handles: list[LegendHandle] = []
        self.legend_style: dict[str, Any] = {}

    # --- matplotlib's names ---------------------------------------------------------------------
    def add_subplot(self) -> SvgAxes:
        axes = SvgAxes(self)
        self.axes.append(axes)
        return axes

    def subplots(self, rows: int, columns: int, squeeze: bool = True) -> np.ndarray:
        self.grid_shape = (rows, columns)
        grid = np.empty((rows, columns), dtype=object)
        for index in range(rows * columns):
            grid.flat[index] = self.add_subplot()
        return grid

    def suptitle(self, text: str, **style: Any) -> None:
        self.suptitle_text, self.suptitle_style = str(text), style

    def legend(self, handles: Sequence[Any] = (), **style: Any) -> None:
        self.legend_handles = [_as_handle(h) for h in handles]
        self.legend_style = style

    def get_facecolor(self) -> str:
        return self.facecolor

    # --- writing --------------------------------------------------------------------------------
    def to_svg(self, alt_text: str = "") -> str:
        """The figure as one ``<svg role="img">`` element, ``alt_text`` as its ``aria-label``."""
        return _Writer(self).document(alt_text)

    def _repr_svg_(self) -> str:
        return self.to_svg(getattr(self, "jsw_alt_text", ""))


def _as_handle(handle: Any) -> LegendHandle:
    """A legend handle from ours or from a matplotlib ``Line2D``."""
    if isinstance(handle, LegendHandle):
        return handle
    style = {
        "color": handle.get_color(),
        "linestyle": handle.get_linestyle(),
        "linewidth": handle.get_linewidth(),
        "marker": handle.get_marker(),
        "markersize": handle.get_markersize(),
        "markerfacecolor": handle.get_markerfacecolor(),
        "markeredgecolor": handle.get_markeredgecolor(),
        "markeredgewidth": handle.get_markeredgewidth(),
    }
    return LegendHandle(handle.get_label(), **style)


# --- The writer ----------------------------------------------------------------------------------

_TICK_LENGTH, _TICK_PAD, _SPINE_WIDTH = 3.5, 3.5, 0.8  # points, as matplotlib's defaults
_LINE_WIDTH, _MARKER_SIZE, _EDGE_WIDTH = 1.5, 6.0, 1.0  # matplotlib's defaults, points
_PAD = 6.0  # pixels round the figure's edge


class _Writer:
    """Lays a figure out and writes its SVG."""

    def __init__(self, figure: SvgFigure) -> None:
        self.fig, self.px = figure, figure.px
        self.parts: list[str] = []
        self.markers: list[str] = []  # drawn over the clipped lines, never clipped themselves
        self.clip_ids: list[int] = []

    # --- helpers --------------------------------------------------------------------------------
    def pt(self, points: float) -> float:
        return points * self.px

    def font(self, style: dict[str, Any], default: float) -> float:
        return self.pt(float(style.get("fontsize", default)))

    def text(self, x: float, y: float, text: str, size: float, **attrs: Any) -> None:
        extra = "".join([f' {_attribute(k)}="{v}"' for k, v in attrs.items() if v])
        self.parts.append(
            f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}"{extra}>'
            f"{html.escape(text)}</text>"
        )

    # --- layout ---------------------------------------------------------------------------------
    def legend_layout(self) -> tuple[float, list[list[tuple[LegendHandle, float]]]]:
        """The legend's height and its rows of (handle, width)."""
        fig = self.fig
        handles = fig.legend_handles
        if not handles:
            return 0.0, []
        size = self.font(fig.legend_style, 10.0)
        entries = [(h, 2.8 * size + text_width(h.label, size)) for h in handles]
        # as many columns as asked for, fewer when the entries would not fit side by side
        for columns in range(max(1, int(fig.legend_style.get("ncols", 1))), 0, -1):
            rows = [entries[i : i + columns] for i in range(0, len(entries), columns)]
            if _legend_width(rows, size) <= fig.width - 2 * _PAD:
                break
        return len(rows) * size * 1.5 + size * 0.5, rows

    def axes_boxes(self, top: float, bottom: float) -> list[tuple[float, float, float, float]]:
        """(x, y, width, height) of each axes' cell, in a grid between ``top`` and ``bottom``."""
        rows, columns = self.fig.grid_shape
        width = (self.fig.width - 2 * _PAD) / columns
        height = (bottom - top) / rows
        return [
            (_PAD + (i % columns) * width, top + (i // columns) * height, width, height)
            for i in range(len(self.fig.axes))
        ]

    def plot_area(
        self, ax: SvgAxes, box: tuple[float, float, float, float], ticks: tuple | None = None
    ) -> tuple:
        """The axes' plot area inside its cell, after the title and tick labels (``ticks``: the
        axes' ``(y_ticks(), x_ticks())`` when already known)."""
        (values, labels), (positions, xlabels, rotation) = ticks or (ax.y_ticks(), ax.x_ticks())
        x, y, width, height = box
        tick = self.pt(ax.tick_size)
        title_size = self.font(ax.title_style, 12.0)
        title_lines = ax.title.split("\n") if ax.title else []
        top = y + len(title_lines) * title_size * 1.25 + (title_size * 0.5 if title_lines else 0)
        label_width = max((text_width(s, tick) for s in labels), default=0.0)
        left = x + label_width + self.pt(_TICK_LENGTH + _TICK_PAD) + 2
        if ax.ylabel:
            left += self.font(ax.label_style, 10.0) * 1.4
        widest = max((text_width(s, tick) for s in xlabels), default=0.0)
        if rotation:
            angle = math.radians(rotation)
            under = widest * math.sin(angle) + tick * math.cos(angle)
            left = max(left, x + widest * math.cos(angle) - 4)
        else:
            under = tick * 1.2 if xlabels else 0.0
        bottom = y + height - under - self.pt(_TICK_LENGTH + _TICK_PAD) - 2
        if ax.xlabel:
            bottom -= self.font(ax.label_style, 10.0) * 1.5
        right = x + width - (widest / 2 if not rotation else 4.0) - 2
        return left, top, max(right - left, 10.0), max(bottom - top, 10.0)

    # --- document -------------------------------------------------------------------------------
    def document(self, alt_text: str) -> str:
        fig = self.fig
        top = _PAD
        if fig.suptitle_text:
            size = self.font(fig.suptitle_style, 12.0)
            lines = fig.suptitle_text.split("\n")
            self.title_lines(_PAD, top, lines, size, fig.suptitle_style)
            top += len(lines) * size * 1.25 + size * 0.4
        legend_height, rows = self.legend_layout()
        bottom = fig.height - _PAD - legend_height
        for ax, box in zip(fig.axes, self.axes_boxes(top, bottom), strict=True):
            if ax.visible:
                self.draw_axes(ax, box)
        self.draw_legend(rows, bottom + 4)
        body = "".join(self.parts)
        key = hashlib.sha1(body.encode("utf-8")).hexdigest()[:10]
        for number in self.clip_ids:
            body = body.replace(f"@clip{number}@", f"jswclip-{key}-{number}")
        label = html.escape(alt_text, quote=True)
        width, height = _num(fig.width), _num(fig.height)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="jsw-svg" role="img" '
            f'aria-label="{label}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{_FONT_FAMILY}">'
            f'<rect width="100%" height="100%" fill="{fig.facecolor}"/>{body}</svg>'
        )

    def title_lines(self, x: float, y: float, lines: list[str], size: float, style: dict):
        weight = style.get("fontweight", "normal")
        colour = style.get("color", "#000000")
        for number, line in enumerate(lines):
            self.text(
                x,
                y + size * (number + 1) * 1.15,
                line,
                size,
                fill=colour,
                font_weight="bold" if weight == "bold" else "",
                class_="jsw-title",
            )

    def draw_axes(self, ax: SvgAxes, box: tuple[float, float, float, float]) -> None:
        ticks = (ax.y_ticks(), ax.x_ticks())  # the locators run once
        left, top, width, height = self.plot_area(ax, box, ticks)
        if ax.title:
            size = self.font(ax.title_style, 12.0)
            lines = ax.title.split("\n")
            self.title_lines(left if ax.title_style.get("loc") == "left" else box[0], box[1],
                             lines, size, ax.title_style)  # fmt: skip
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        sx = width / (x1 - x0) if x1 != x0 else 1.0
        sy = height / (y1 - y0) if y1 != y0 else 1.0

        # a number stays a Python float (the same IEEE arithmetic as numpy's, without an array)
        def to_x(v: np.ndarray | float) -> np.ndarray | float:
            if isinstance(v, np.ndarray):
                return left + (v.astype(float, copy=False) - x0) * sx
            return left + (float(v) - x0) * sx

        def to_y(v: np.ndarray | float) -> np.ndarray | float:
            if isinstance(v, np.ndarray):
                return top + height - (v.astype(float, copy=False) - y0) * sy
            return top + height - (float(v) - y0) * sy

        self.draw_grid_and_ticks(ax, left, top, width, height, to_x, to_y, ticks)
        number = len(self.clip_ids)
        self.clip_ids.append(number)
        self.parts.append(
            f'<clipPath id="@clip{number}@"><rect x="{_num(left)}" y="{_num(top - 2)}" '
            f'width="{_num(width)}" height="{_num(height + 4)}"/></clipPath>'
            f'<g clip-path="url(#@clip{number}@)">'
        )
        ordered = sorted(
            enumerate(ax.items), key=lambda pair: (pair[1][1].get("zorder", 2), pair[0])
        )
        for _, (kind, item) in ordered:
            if kind == "line":
                self.draw_line(item, to_x, to_y)
            elif kind == "hline":
                self.stroke_path(
                    f"M{_num(left)} {_num(to_y(item['y']))}H{_num(left + width)}", item
                )
            elif kind == "vline":
                self.stroke_path(
                    f"M{_num(to_x(item['x']))} {_num(top)}V{_num(top + height)}", item
                )
        self.parts.append("</g>")
        self.parts.extend(self.markers)
        self.markers.clear()
        for kind, item in ax.items:
            if kind == "text":
                self.draw_text(item, to_x, top, height)
            elif kind == "annotate":
                self.draw_annotation(item, to_x, to_y)
        self.draw_spines(ax, left, top, width, height)
        self.draw_axis_labels(ax, box, left, top, width, height)

    def draw_grid_and_ticks(self, ax, left, top, width, height, to_x, to_y, ticks=None) -> None:
        (values, labels), (positions, xlabels, rotation) = ticks or (ax.y_ticks(), ax.x_ticks())
        tick = self.pt(ax.tick_size)
        length, pad = self.pt(_TICK_LENGTH), self.pt(_TICK_PAD)
        colour = ax.tick_colour
        grid = ax.grid_style
        marks = []
        for value, label in zip(values, labels, strict=True):
            y = float(to_y(value))
            if grid and grid.get("axis") in ("y", "both"):
                self.parts.append(
                    f'<path d="M{_num(left)} {_num(y)}H{_num(left + width)}" '
                    f'stroke="{grid.get("color", "#000000")}" '
                    f'stroke-opacity="{grid.get("alpha", 1.0)}" '
                    f'stroke-width="{_num(self.pt(grid.get("linewidth", 0.8)))}"/>'
                )
            marks.append(f"M{_num(left - length)} {_num(y)}h{_num(length)}")
            self.text(left - length - pad, y + tick * 0.35, label, tick,
                      fill=colour, text_anchor="end", class_="jsw-ytick")  # fmt: skip
        bottom = top + height
        for position, label in zip(positions, xlabels, strict=True):
            x = float(to_x(position))
            marks.append(f"M{_num(x)} {_num(bottom)}v{_num(length)}")
            y = bottom + length + pad
            if rotation:
                self.text(x, y + tick * 0.35, label, tick, fill=colour, text_anchor="end",
                          transform=f"rotate(-{_num(rotation)} {_num(x)} {_num(y)})",
                          class_="jsw-xtick")  # fmt: skip
            else:
                self.text(x, y + tick * 0.8, label, tick, fill=colour, text_anchor="middle",
                          class_="jsw-xtick")  # fmt: skip
        if marks:
            self.parts.append(
                f'<path d="{"".join(marks)}" stroke="{colour}" '
                f'stroke-width="{_num(self.pt(_SPINE_WIDTH))}"/>'
            )

    def draw_spines(self, ax, left, top, width, height) -> None:
        ends = {
            "left": (left, top, left, top + height),
            "bottom": (left, top + height, left + width, top + height),
            "top": (left, top, left + width, top),
            "right": (left + width, top, left + width, top + height),
        }
        for name, spine in ax.spines.items():
            if spine.visible:
                x_a, y_a, x_b, y_b = ends[name]
                self.parts.append(
                    f'<path d="M{_num(x_a)} {_num(y_a)}L{_num(x_b)} {_num(y_b)}" '
                    f'stroke="{spine.colour}" stroke-width="{_num(self.pt(_SPINE_WIDTH))}"/>'
                )

    def draw_axis_labels(self, ax, box, left, top, width, height) -> None:
        size = self.font(ax.label_style, 10.0)
        colour = ax.label_style.get("color", "#000000")
        if ax.ylabel:
            x, y = box[0] + size, top + height / 2
            self.text(x, y, ax.ylabel, size, fill=colour, text_anchor="middle",
                      transform=f"rotate(-90 {_num(x)} {_num(y)})")  # fmt: skip
        if ax.xlabel:
            y = box[1] + box[3] - size * 0.3
            self.text(left + width / 2, y, ax.xlabel, size, fill=colour, text_anchor="middle")

    def stroke(self, style: dict[str, Any]) -> str:
        width_pt = float(style.get("linewidth", _LINE_WIDTH))
        dashes = _dashes(style.get("linestyle", "-"), width_pt, self.px)
        alpha = style.get("alpha")
        return (
            f'fill="none" stroke="{style.get("color", "#000000")}" '
            f'stroke-width="{_num(self.pt(width_pt))}"'
            + (f' stroke-dasharray="{dashes}"' if dashes else "")
            + (f' stroke-opacity="{alpha}"' if alpha is not None else "")
        )

    def stroke_path(self, path: str, style: dict[str, Any]) -> None:
        self.parts.append(f'<path d="{path}" {self.stroke(style)}{_label_of(style)}/>')

    def draw_line(self, item: dict[str, Any], to_x, to_y) -> None:
        x, y = item["x"], item["y"]
        if item.get("drawstyle") == "steps-mid" and x.size:
            x, y = _steps_mid(x, y)
        xs, ys = to_x(x), to_y(y)
        if _is_drawn(item.get("linestyle", "-")) and x.size > 1:
            path = _polyline(xs, ys)
            if path:
                self.stroke_path(path, item)
        marker = item.get("marker")
        if marker and marker not in ("none", "None", ""):
            every = item.get("markevery")
            chosen = np.arange(item["x"].size) if every is None else np.asarray(every, dtype=int)
            px, py = to_x(item["x"]), to_y(item["y"])
            self.draw_markers(px[chosen] if chosen.size else px[:0],
                              py[chosen] if chosen.size else py[:0], item)  # fmt: skip

    def draw_markers(self, xs: np.ndarray, ys: np.ndarray, style: dict[str, Any]) -> None:
        keep = np.isfinite(xs) & np.isfinite(ys)
        if not keep.any():
            return
        colour = style.get("color", "#000000")
        face = style.get("markerfacecolor", colour)
        edge = style.get("markeredgecolor", colour)
        edge_width = self.pt(float(style.get("markeredgewidth", _EDGE_WIDTH)))
        size = self.pt(float(style.get("markersize", _MARKER_SIZE)))
        shape = _marker_path(style["marker"], size)
        self.markers.append(
            f'<g fill="{face}" stroke="{edge}" stroke-width="{_num(edge_width)}"'
            f"{_label_of(style)}>"
            + "".join(
                [
                    f'<path d="M{x} {y}{shape}"/>'
                    for x, y in zip(_nums(xs[keep]), _nums(ys[keep]), strict=True)
                ]
            )
            + "</g>"
        )

    def draw_text(self, item: dict[str, Any], to_x, top: float, height: float) -> None:
        size = self.font(item, 10.0)
        x = float(to_x(item["x"]))
        y = top + height * (1.0 - item["y"])
        colour = item.get("color", "#000000")
        if item.get("rotation") == 90:
            # reads upwards, its top at y, just right of x (matplotlib: va="top", ha="left")
            x += size * 0.8
            self.text(x, y, item["s"], size, fill=colour, text_anchor="end",
                      transform=f"rotate(-90 {_num(x)} {_num(y)})", class_="jsw-note")  # fmt: skip
        else:
            self.text(x, y + size * 0.8, item["s"], size, fill=colour, class_="jsw-note")

    def draw_annotation(self, item: dict[str, Any], to_x, to_y) -> None:
        size = self.font(item, 10.0)
        x, y = float(to_x(item["xy"][0])), float(to_y(item["xy"][1]))
        dx, dy = item.get("xytext", (0.0, 0.0)) if item.get("textcoords") else (0.0, 0.0)
        self.text(x + self.pt(dx), y - self.pt(dy), item["s"], size,
                  fill=item.get("color", "#000000"), class_="jsw-note")  # fmt: skip

    def draw_legend(self, rows: list[list[tuple[LegendHandle, float]]], top: float) -> None:
        if not rows:
            return
        style = self.fig.legend_style
        size = self.font(style, 10.0)
        colour = style.get("labelcolor", "#000000")
        widths = _column_widths(rows)
        start = max(_PAD, (self.fig.width - _legend_width(rows, size)) / 2)
        for number, row in enumerate(rows):
            y = top + size * (number * 1.5 + 0.9)
            x = start
            for column, (handle, _) in enumerate(row):
                line = handle.style
                sample = 2.0 * size
                if _is_drawn(line.get("linestyle", "-")):
                    self.stroke_path(f"M{_num(x)} {_num(y)}h{_num(sample)}", line)
                marker = line.get("marker")
                if marker and marker not in ("none", "None", ""):
                    self.draw_markers(np.array([x + sample / 2]), np.array([y]), line)
                    self.parts.extend(self.markers)
                    self.markers.clear()
                self.text(x + sample + size * 0.6, y + size * 0.35, handle.label, size,
                          fill=colour, class_="jsw-legend")  # fmt: skip
                x += widths[column] + size * 1.5


def _column_widths(rows: list[list[tuple[LegendHandle, float]]]) -> list[float]:
    """The width of each column of a legend laid out in rows: its widest entry."""
    columns = max(len(row) for row in rows)
    return [max(row[c][1] for row in rows if c < len(row)) for c in range(columns)]


def _legend_width(rows: list[list[tuple[LegendHandle, float]]], size: float) -> float:
    """The width of a legend laid out in rows, with a gap of 1.5 font sizes between columns."""
    widths = _column_widths(rows)
    return sum(widths) + size * 1.5 * (len(widths) - 1)


def _label_of(style: dict[str, Any]) -> str:
    """The ``data-label`` attribute naming what a path draws (its legend label), if any."""
    label = style.get("label")
    return f' data-label="{html.escape(str(label), quote=True)}"' if label else ""


def _steps_mid(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """matplotlib's ``steps-mid``: each value held from half-way before its point to half-way
    after it."""
    mids = (x[:-1] + x[1:]) / 2.0
    step_x = np.empty(2 * x.size)
    step_y = np.empty(2 * x.size)
    step_x[0], step_x[-1] = x[0], x[-1]
    step_x[1:-1] = np.repeat(mids, 2)
    step_y[:] = np.repeat(y, 2)
    return step_x, step_y


def _polyline(xs: np.ndarray, ys: np.ndarray) -> str:
    """An SVG path through the points, broken where a value is missing."""
    finite = np.isfinite(xs) & np.isfinite(ys)
    if np.count_nonzero(finite) < 2:
        return ""
    # the pen is down ("L") where the point before was drawn, else it moves ("M")
    pen = np.r_[False, finite[:-1]][finite].tolist()
    return "".join(
        [
            f"{'L' if down else 'M'}{x} {y}"
            for down, x, y in zip(pen, _nums(xs[finite]), _nums(ys[finite]), strict=True)
        ]
    )


def _marker_path(marker: str, size: float) -> str:
    """The relative path of a marker ``size`` pixels across, drawn from its centre."""
    half = size / 2.0
    h = _num(half)
    if marker == "o":
        return f"m-{h} 0a{h} {h} 0 1 0 {_num(size)} 0a{h} {h} 0 1 0 -{_num(size)} 0z"
    if marker == "s":
        return f"m-{h} -{h}h{_num(size)}v{_num(size)}h-{_num(size)}z"
    if marker == "D":
        d = _num(half * 1.2)
        return f"m0 -{d}l{d} {d}l-{d} {d}l-{d} -{d}z"
    if marker in ("^", "v"):
        sign = -1 if marker == "^" else 1
        return f"m0 {_num(sign * half)}l{h} {_num(-2 * sign * half)}h-{_num(size)}z"
    return f"m-{h} 0a{h} {h} 0 1 0 {_num(size)} 0a{h} {h} 0 1 0 -{_num(size)} 0z"
