"""Tests of jswlib.present.svg: charts drawn straight to SVG say what the matplotlib charts say.

Each chart of :mod:`jswlib.present.charts` is drawn both ways from the same data, and the SVG is
read back (it is XML): its title, tick labels, legend, series and markers must be the Figure's.
Positions are checked against the SVG's own gridlines (a value of 25% lies a quarter of the way
from the 0% line to the 100% line), so the tests do not depend on the layout's margins.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

import jswlib.present.svg as svg
from jswlib.present import charts
from jswlib.present.svg import SvgFigure, _dashes, _steps_mid, text_width

NS = {"s": "http://www.w3.org/2000/svg"}
QUARTERS = [f"Q{q} {y}/{str(y + 1)[2:]}" for y in (2023, 2024) for q in (1, 2, 3, 4)]
MONTHS = [
    f"{m} {y}"
    for y in (2023, 2024, 2025)
    for m in ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
]


def parse(fig: SvgFigure) -> ET.Element:
    return ET.fromstring(fig.to_svg(getattr(fig, charts.ALT_TEXT_ATTRIBUTE, "")))


def texts(root: ET.Element, cls: str) -> list[str]:
    return [
        t.text or ""
        for t in root.iter("{http://www.w3.org/2000/svg}text")
        if t.get("class") == cls
    ]


def figure_texts(fig) -> dict[str, list[str]]:
    """What the matplotlib Figure shows, in the same terms."""
    ax = fig.axes[0]
    bottom, top = ax.get_ylim()
    left, right = ax.get_xlim()
    return {
        "jsw-title": ax.get_title(loc="left").split("\n"),
        "jsw-xtick": [
            t.get_text()
            for t, v in zip(ax.get_xticklabels(), ax.get_xticks(), strict=True)
            if left - 1e-9 <= v <= right + 1e-9
        ],
        # matplotlib shows the ticks within the axis' limits only
        "jsw-ytick": [
            t.get_text()
            for t, v in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True)
            if bottom - 1e-9 <= v <= top + 1e-9
        ],
        "jsw-legend": [t.get_text() for t in fig.legends[0].get_texts()],
    }


def svg_texts(fig: SvgFigure) -> dict[str, list[str]]:
    root = parse(fig)
    return {cls: texts(root, cls) for cls in ("jsw-title", "jsw-xtick", "jsw-ytick", "jsw-legend")}


def marker_centres(root: ET.Element, label: str) -> list[tuple[float, float]]:
    """Centres of the markers of the series with this label (inside the axes, not the legend)."""
    groups = [
        g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("data-label") == label
    ]
    centres = []
    for group in groups[:-1] if len(groups) > 1 else groups:  # the last is the legend's sample
        for path in group:
            x, y = re.match(r"M([-\d.]+) ([-\d.]+)", path.get("d")).groups()
            centres.append((float(x), float(y)))
    return centres


def gridline_y(root: ET.Element, tick: str) -> float:
    """The y of the label of a y tick (its gridline is 0.35 of a font size above the baseline)."""
    for t in root.iter("{http://www.w3.org/2000/svg}text"):
        if t.get("class") == "jsw-ytick" and t.text == tick:
            return float(t.get("y")) - 0.35 * float(t.get("font-size"))
    raise AssertionError(f"no y tick {tick}")


def trend_data(values, denominators=None) -> pd.DataFrame:
    data = pd.DataFrame({"period": QUARTERS[: len(values)], "value": values})
    if denominators is not None:
        data["denominator"] = denominators
    return data


def spc_data() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    denominator = rng.integers(20, 60, len(MONTHS))
    numerator = np.round(denominator * rng.uniform(0.6, 0.9, len(MONTHS)))
    numerator[-3:] = denominator[-3:]  # three months at 100%: special cause
    return pd.DataFrame(
        {
            "period": MONTHS,
            "value": numerator / denominator * 100,
            "numerator": numerator,
            "denominator": denominator,
        }
    )


CASES = {
    "trend, target and comparison": lambda output: charts.trend_chart(
        trend_data([70.0, 72, 75, 80, 78, 82, 85, 79], [50] * 7 + [5]),
        title="CPO induction within 5 working days",
        target=80,
        council_label="Glasgow City",
        comparison=trend_data([65.0, 66, 70, 74, 76, 77, 80, 81], [900] * 8),
        comparison_label="Scotland",
        output=output,
    ),
    "trend of a count, monthly": lambda output: charts.trend_chart(
        pd.DataFrame({"period": MONTHS[:14], "value": np.arange(14) * 97.0}),
        title="Orders imposed",
        unit="orders",
        polarity="neutral",
        output=output,
    ),
    "SPC p-chart with a target": lambda output: charts.spc_chart(
        spc_data(), title="Placement within 7 working days", target=80, output=output
    ),
    "SPC XmR with fixed limits and a change": lambda output: charts.spc_chart(
        spc_data()[["period", "value"]],
        title="Placement within 7 working days",
        fix_after_n_points=12,
        rebase_at=[20],
        unit="",
        polarity="neutral",
        output=output,
    ),
    "funnel plot": lambda output: charts.funnel_chart(
        pd.DataFrame(
            {
                "council": [f"Council {i}" for i in range(12)],
                "numerator": [8, 30, 45, 70, 90, 150, 12, 60, 95, 5, 140, 300],
                "denominator": [10, 40, 60, 100, 120, 200, 40, 80, 110, 9, 160, 380],
            }
        ),
        title="Reports on time",
        output=output,
    ),
}


class TestSameAsTheFigure:
    @pytest.mark.parametrize("case", list(CASES))
    def test_title_ticks_and_legend_are_the_figures(self, case):
        figure, svg = CASES[case]("figure"), CASES[case]("svg")
        shown = svg_texts(svg)
        expected = figure_texts(figure)
        assert shown["jsw-title"] == expected["jsw-title"]
        assert shown["jsw-xtick"] == expected["jsw-xtick"]
        assert shown["jsw-ytick"] == expected["jsw-ytick"]
        # the same entries; the SVG lists them row by row, matplotlib column by column
        assert sorted(shown["jsw-legend"]) == sorted(expected["jsw-legend"])

    @pytest.mark.parametrize("case", list(CASES))
    def test_same_text_alternative(self, case):
        figure, svg = CASES[case]("figure"), CASES[case]("svg")
        assert svg.jsw_alt_text == figure.jsw_alt_text
        assert parse(svg).get("aria-label") == svg.jsw_alt_text

    def test_same_limits_and_rotation(self):
        figure = CASES["trend of a count, monthly"]("figure")
        svg = CASES["trend of a count, monthly"]("svg")
        assert svg.axes[0].get_ylim() == pytest.approx(figure.axes[0].get_ylim())
        assert svg.axes[0].get_xlim() == pytest.approx(figure.axes[0].get_xlim())
        # 14 monthly labels of 8 characters (112 > 80) are rotated 45 degrees in both
        assert figure.axes[0].get_xticklabels()[0].get_rotation() == 45
        assert svg.axes[0].xticks[2] == 45
        assert "rotate(-45" in svg.to_svg()

    def test_every_special_cause_point_is_marked(self):
        figure = CASES["SPC p-chart with a target"]("figure")
        svg = parse(CASES["SPC p-chart with a target"]("svg"))
        label = "Special cause: improvement"
        drawn = [ln for ln in figure.axes[0].lines if ln.get_label() == label][0]
        assert len(marker_centres(svg, label)) == len(drawn.get_xdata()) >= 3

    def test_funnel_names_the_councils_outside_and_has_a_numeric_x_axis(self):
        figure = CASES["funnel plot"]("figure")
        svg = CASES["funnel plot"]("svg")
        notes = texts(parse(svg), "jsw-note")
        assert notes == [t.get_text() for t in figure.axes[0].texts] and notes
        assert svg.axes[0].xlabel == "Number of cases"
        ticks = [float(t.replace(",", "")) for t in texts(parse(svg), "jsw-xtick")]
        left, right = svg.axes[0].get_xlim()
        assert len(ticks) >= 3 and left <= ticks[0] < ticks[-1] <= right

    def test_panels_share_one_legend(self):
        panels = {"Group 1": spc_data(), "Group 2": spc_data().assign(value=lambda d: d.value - 5)}
        figure = charts.spc_panels(panels, title="Placement", target=80)
        svg = charts.spc_panels(panels, title="Placement", target=80, output="svg")
        root = parse(svg)
        assert texts(root, "jsw-title") == ["Placement", "Group 1", "Group 2"]
        assert sorted(texts(root, "jsw-legend")) == sorted(
            t.get_text() for t in figure.legends[0].get_texts()
        )
        assert svg.jsw_alt_text == figure.jsw_alt_text

    def test_change_is_labelled_with_its_period(self):
        svg = parse(CASES["SPC XmR with fixed limits and a change"]("svg"))
        assert texts(svg, "jsw-note") == [MONTHS[20]]


class TestPositions:
    def test_values_lie_between_the_gridlines_in_proportion(self):
        # 0%, 25%, 100% on a 0-100 axis: the 25% point a quarter of the way from the 0% line
        svg = parse(charts.trend_chart(trend_data([0.0, 25.0, 100.0]), title="T", output="svg"))
        zero, hundred = gridline_y(svg, "0%"), gridline_y(svg, "100%")
        ys = [y for _, y in marker_centres(svg, "Council")]
        assert ys[0] == pytest.approx(zero, abs=0.1)
        assert ys[1] == pytest.approx(zero + (hundred - zero) * 0.25, abs=0.1)
        assert ys[2] == pytest.approx(hundred, abs=0.1)

    def test_points_are_evenly_spaced_one_per_period(self):
        svg = parse(charts.trend_chart(trend_data([50.0] * 5), title="T", output="svg"))
        xs = [x for x, _ in marker_centres(svg, "Council")]
        gaps = np.diff(xs)
        assert len(xs) == 5 and gaps.min() == pytest.approx(gaps.max(), abs=0.15)

    def test_a_missing_value_breaks_the_line(self):
        fig = charts.trend_chart(
            trend_data([50.0, 60.0, np.nan, 70.0, 80.0]), title="T", output="svg"
        )
        paths = [
            p.get("d")
            for p in parse(fig).iter("{http://www.w3.org/2000/svg}path")
            if p.get("data-label") == "Council" and p.get("stroke")
        ]
        series = paths[0]  # the first is the series, the last the legend's sample
        assert series.count("M") == 2 and series.count("L") == 2  # 50-60, then 70-80

    def test_hollow_points_for_low_numbers(self):
        fig = charts.trend_chart(
            trend_data([50.0, 60.0, 70.0], [20, 5, 30]), title="T", output="svg"
        )
        svg = parse(fig)
        assert len(marker_centres(svg, "Council")) == 2
        assert len(marker_centres(svg, "Council, fewer than 10 cases")) == 1
        hollow = [g for g in svg.iter("{http://www.w3.org/2000/svg}g")
                  if g.get("data-label") == "Council, fewer than 10 cases"][0]  # fmt: skip
        assert hollow.get("fill") == charts.WHITE

    def test_markers_are_not_clipped_by_the_axes(self):
        fig = charts.trend_chart(trend_data([100.0, 100.0]), title="T", output="svg")
        svg = parse(fig)
        clipped = [g for g in svg.iter("{http://www.w3.org/2000/svg}g") if g.get("clip-path")]
        inside = [
            g for g in clipped[0].iter("{http://www.w3.org/2000/svg}g") if g.get("data-label")
        ]
        assert inside == []  # the marker groups are drawn after the clipped group
        assert len(marker_centres(svg, "Council")) == 2


class TestLegend:
    def test_long_names_take_fewer_columns_and_stay_inside(self):
        fig = charts.trend_chart(
            trend_data([50.0, 60.0, 70.0], [20, 5, 30]),
            title="T",
            target=60,
            council_label="Na h-Eileanan Siar (Western Isles), a long name",
            comparison=trend_data([55.0, 65.0, 60.0], [900] * 3),
            comparison_label="Scotland and the family group together",
            output="svg",
        )
        root = parse(fig)
        legend = [t for t in root.iter("{http://www.w3.org/2000/svg}text")
                  if t.get("class") == "jsw-legend"]  # fmt: skip
        rows = sorted({float(t.get("y")) for t in legend})
        # four entries, the two longest about 300 pixels each: not three to a row in 750 pixels
        assert len(legend) == 4 and len(rows) >= 2
        assert all(float(t.get("x")) >= 0 for t in legend)
        for t in legend:
            assert float(t.get("x")) + text_width(t.text, float(t.get("font-size"))) <= 750

    def test_short_names_share_a_row(self):
        fig = charts.trend_chart(trend_data([50.0, 60.0]), title="T", target=60, output="svg")
        legend = texts(parse(fig), "jsw-legend")
        rows = {t.get("y") for t in parse(fig).iter("{http://www.w3.org/2000/svg}text")
                if t.get("class") == "jsw-legend"}  # fmt: skip
        assert legend == ["Council", "Target 60%"] and len(rows) == 1


class TestDocument:
    def test_is_deterministic_and_ids_are_unique_per_chart(self):
        one = charts.trend_chart(trend_data([50.0, 60.0]), title="One", output="svg").to_svg()
        again = charts.trend_chart(trend_data([50.0, 60.0]), title="One", output="svg").to_svg()
        other = charts.trend_chart(trend_data([50.0, 60.0]), title="Two", output="svg").to_svg()
        ids = re.findall(r'id="([^"]+)"', one)
        assert one == again
        assert ids and not set(ids) & set(re.findall(r'id="([^"]+)"', other))

    def test_text_is_escaped(self):
        fig = charts.trend_chart(trend_data([50.0]), title='A & B <"C">', output="svg")
        root = parse(fig)  # would raise on bad XML
        assert texts(root, "jsw-title") == ['A & B <"C">']

    def test_figure_html_names_the_picture_with_its_caption(self):
        fig = charts.trend_chart(trend_data([50.0]), title="T", output="svg")
        page = charts.figure_html(fig, "Alt & more")
        assert 'aria-label="Alt &amp; more"' in page
        assert page.endswith("<figcaption>Alt &amp; more</figcaption></figure>")

    def test_much_smaller_than_the_png(self):
        figure = CASES["SPC p-chart with a target"]("figure")
        svg = CASES["SPC p-chart with a target"]("svg")
        assert len(charts.figure_html(svg)) < len(charts.figure_html(figure)) / 2

    def test_unknown_output_is_refused(self):
        with pytest.raises(ValueError, match="output must be one of figure, svg"):
            charts.trend_chart(trend_data([50.0]), title="T", output="png")


class TestHelpers:
    def test_steps_mid(self):
        # each value held from half-way before its point to half-way after it
        x, y = _steps_mid(np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.0, 3.0]))
        assert x.tolist() == [0.0, 0.5, 0.5, 1.5, 1.5, 2.0]
        assert y.tolist() == [1.0, 1.0, 2.0, 2.0, 3.0, 3.0]

    def test_dashes_scale_with_the_line_width(self):
        px = 100 / 72
        # "--" is 3.7 on, 1.6 off, times the width 2 pt, in pixels: 10.28, 4.44
        assert _dashes("--", 2.0, px) == "10.3,4.4"
        # (0, (6, 3)) at 1.5 pt: 12.5, 6.25
        assert _dashes((0, (6, 3)), 1.5, px) == "12.5,6.2"
        assert _dashes("-", 1.0, px) == ""

    def test_text_width(self):
        # "Il" in Helvetica: 278 + 222 = 500 thousandths; at 20 px with the 8% margin: 10.8
        assert text_width("Il", 20.0) == pytest.approx(10.8)


# --- The fast paths write what the plain ones wrote ----------------------------------------------


def _num_reference(value: float) -> str:
    """The coordinate format as first written: one decimal place, a trailing ".0" dropped."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _polyline_reference(xs: np.ndarray, ys: np.ndarray) -> str:
    """The path as first written: point by point, the pen lifted at a missing point."""
    parts, pen = [], False
    for x, y in zip(xs, ys, strict=True):
        if not (np.isfinite(x) and np.isfinite(y)):
            pen = False
            continue
        parts.append(f"{'L' if pen else 'M'}{_num_reference(x)} {_num_reference(y)}")
        pen = True
    return "".join(parts) if len(parts) > 1 else ""


class TestFastPaths:
    def test_numbers_one_decimal_without_a_trailing_zero(self):
        # 12.0 -> "12"; 2.25 is exact in binary and rounds to even: "2.2"; 2.35 is stored as
        # 2.35000000000000008882 and rounds up: "2.4"; -0.04 rounds to "-0.0", shown "-0"
        assert [svg._num(v) for v in (12.0, 2.25, 2.35, -0.04, 7.96)] == [
            "12",
            "2.2",
            "2.4",
            "-0",
            "8",
        ]

    def test_numbers_of_an_array_as_one_by_one(self):
        rng = np.random.default_rng(7)
        values = np.r_[rng.normal(0, 300, 500), np.round(rng.normal(0, 50, 200), 2), -0.0, 0.05]
        assert svg._nums(values) == [_num_reference(v) for v in values]

    def test_polyline_as_point_by_point(self):
        rng = np.random.default_rng(11)
        for _ in range(300):
            n = int(rng.integers(0, 12))
            xs, ys = rng.uniform(0, 700, n), rng.uniform(0, 300, n)
            ys[rng.random(n) < 0.3] = np.nan
            xs[rng.random(n) < 0.1] = np.inf
            assert svg._polyline(xs, ys) == _polyline_reference(xs, ys)

    def test_polyline_broken_at_a_missing_point_worked_by_hand(self):
        xs, ys = np.array([0.0, 10.0, 20.0, 30.0, 40.0]), np.array([1.0, 2.0, np.nan, 4.0, 5.0])
        assert svg._polyline(xs, ys) == "M0 1L10 2M30 4L40 5"

    def test_text_width_from_the_table_of_widths(self):
        text = "Q2 2025/26 (provisional) ~ é"
        total = sum(svg._WIDTHS[ord(c) - 32] if 32 <= ord(c) < 127 else svg._WIDE for c in text)
        assert text_width(text, 10.0) == total / 1000.0 * 10.0 * svg._SAFETY

    def test_charts_are_the_bytes_they_were(self):
        """Three charts as the reports draw them, hashed when each was written point by point
        (before the fast paths): a trend with a gap, hollow points and a comparison; an XmR
        chart with a change and special causes; a p-chart on small denominators."""
        trend = charts.trend_chart(
            pd.DataFrame(
                {
                    "period": QUARTERS,
                    "value": [72.0, 78.0, 81.0, np.nan, 84.0, 80.0, 87.5, 90.0],
                    "denominator": [25, 30, 8, 40, 35, 28, 9, 30],
                }
            ),
            title="CPO induction within 5 working days",
            target=80,
            council_label="Glasgow City",
            comparison=pd.DataFrame(
                {
                    "period": QUARTERS,
                    "value": [75, 76, 77, 77, 78, 78, 78, 78.5],
                    "denominator": 2000,
                }
            ),
            comparison_label="Scotland",
            output="svg",
        )
        values = [80, 82, 79, 81, 80, 78, 82, 80, 79, 81, 80, 78]
        values += [95, 70, 80, 84, 85, 86, 87, 88, 89, 90, 91, 70]
        xmr = charts.spc_chart(
            pd.DataFrame({"period": MONTHS[:24], "value": values}),
            title="Reports on time",
            target=85,
            rebase_at=[12],
            council_label="Fife",
            output="svg",
        )
        num = np.array([5, 7, 6, 9, 3, 8, 7, 6, 9, 8, 2, 7, 6, 9, 1, 8])
        den = np.array([9, 10, 8, 12, 9, 11, 10, 9, 12, 10, 8, 11, 9, 12, 9, 10])
        p_chart = charts.spc_chart(
            pd.DataFrame(
                {
                    "period": MONTHS[:16],
                    "value": num * 100 / den,
                    "numerator": num,
                    "denominator": den,
                }
            ),
            title="Orders with a review",
            target=70,
            council_label="Orkney Islands",
            output="svg",
        )
        digests = [
            hashlib.sha256(charts.figure_html(fig).encode("utf-8")).hexdigest()
            for fig in (trend, xmr, p_chart)
        ]
        assert digests == [
            "ba36c2fa23d17414766372ed829dde65d7d08ec3a84c072a1d9e6fc36f37e71a",
            "c8b96fe5c8d2e997881f4c69ed2cb25f781b547cad2b113d31350d7251368c76",
            "0b24d3aa8a34efa4d1fae1bae865dce5d492e8da103fca8d84330c2482624dc2",
        ]
