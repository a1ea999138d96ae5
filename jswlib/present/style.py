"""Presentation in one place: the colours, chart styles, column titles and page styles every
report, chart and index page uses. Notebooks and other modules never spell a colour or a column
title: change it here.

Colours are the Government Analysis Function categorical palette (chosen to be distinguishable by
readers with colour-vision deficiencies); colour is never the only carrier of meaning (RAG shows
its word; chart series differ by line style and marker too).
"""

from __future__ import annotations

from types import MappingProxyType

from jswlib.judge.status import AMBER, GREEN, NO_DATA, NO_TARGET, PROVISIONAL, RED

# --- Charts --------------------------------------------------------------------------------------

#: The Government Analysis Function categorical palette, by name. Use the names, never the codes,
#: elsewhere.
PALETTE = MappingProxyType(
    {
        "dark_blue": "#12436D",
        "turquoise": "#28A197",
        "dark_pink": "#801650",
        "orange": "#F46A25",
        "dark_grey": "#3D3D3D",
        "light_purple": "#A285D1",
    }
)
#: Background of every chart, and the fill of hollow (low-number) markers.
WHITE = "#FFFFFF"

#: Figure size and dpi (7.5 x 3.2 inches at 100 dpi: 750 x 320 pixels, so PNGs stay small), font
#: sizes, line widths, marker sizes and tick-label limits.
STYLE = MappingProxyType(
    {
        "figsize": (7.5, 3.2),
        "dpi": 100,
        "title_size": 11,
        "font_size": 9,
        "tick_size": 8,
        "legend_size": 8,
        "line_width": 2.0,
        "reference_line_width": 1.0,
        "marker_size": 6,
        "special_marker_size": 9,
        "hollow_edge_width": 1.5,
        "text_colour": PALETTE["dark_grey"],
        "grid_colour": PALETTE["dark_grey"],
        "grid_alpha": 0.15,
        "title_width": 90,  # characters before the title wraps
        "max_ticks": 36,  # more periods than this: label every second (third...) one
        "max_tick_characters": 80,  # total characters of x tick labels that fit unrotated
        "legend_columns": 3,
    }
)
#: The target line: long-dashed dark grey, labelled by :func:`target_label` ("Target 80%").
TARGET_STYLE = MappingProxyType(
    {"color": PALETTE["dark_grey"], "linestyle": (0, (6, 3)), "linewidth": 1.5}
)
#: Template of the target's legend label.
TARGET_LABEL = "Target {target}"
#: The council's series: solid dark blue line, round markers.
COUNCIL_STYLE = MappingProxyType({"color": PALETTE["dark_blue"], "linestyle": "-", "marker": "o"})
#: A comparison series (Scotland, family group): dashed turquoise line, square markers (not colour
#: alone).
COMPARISON_STYLE = MappingProxyType(
    {"color": PALETTE["turquoise"], "linestyle": (0, (4, 2)), "marker": "s"}
)
#: The SPC mean: thin solid dark grey line.
MEAN_STYLE = MappingProxyType({"color": PALETTE["dark_grey"], "linestyle": "-", "linewidth": 1.0})
#: The SPC process limits: thin short-dashed dark grey lines (the target's dashes are longer and
#: thicker).
LIMIT_STYLE = MappingProxyType(
    {"color": PALETTE["dark_grey"], "linestyle": (0, (3, 2)), "linewidth": 1.0}
)
#: The end of the points SPC limits are fixed on (``fix_after_n_points``): a dotted vertical line.
BASELINE_STYLE = MappingProxyType(
    {"color": PALETTE["dark_grey"], "linestyle": ":", "linewidth": 1.0}
)
#: A recorded change where SPC limits are recalculated (``rebase_at``): a dash-dot vertical line.
REBASE_STYLE = MappingProxyType(
    {"color": PALETTE["dark_grey"], "linestyle": "-.", "linewidth": 1.0}
)
#: Markers of special-cause points, by SPC point type: colour AND shape differ (improvement dark
#: blue squares, concern orange diamonds, neutral light purple triangles pointing the way the point
#: departs), all larger than the ordinary round markers.
SPECIAL_CAUSE_STYLES = MappingProxyType(
    {
        "special_cause_improvement": MappingProxyType(
            {"color": PALETTE["dark_blue"], "marker": "s"}
        ),
        "special_cause_concern": MappingProxyType({"color": PALETTE["orange"], "marker": "D"}),
        "special_cause_neutral_high": MappingProxyType(
            {"color": PALETTE["light_purple"], "marker": "^"}
        ),
        "special_cause_neutral_low": MappingProxyType(
            {"color": PALETTE["light_purple"], "marker": "v"}
        ),
    }
)
#: Funnel plot: the 95% limits short-dashed (as :data:`LIMIT_STYLE`), the 99.8% limits solid and
#: thicker, the overall proportion as :data:`MEAN_STYLE`; councils as round dark blue markers.
FUNNEL_95_STYLE = LIMIT_STYLE
FUNNEL_998_STYLE = MappingProxyType(
    {"color": PALETTE["dark_grey"], "linestyle": "-", "linewidth": 1.5}
)
FUNNEL_POINT_STYLE = MappingProxyType(
    {"color": PALETTE["dark_blue"], "marker": "o", "linestyle": "none"}
)
#: Councils outside the 99.8% limits: above and below differ in shape (triangles up and down) and
#: colour.
FUNNEL_OUTSIDE_STYLES = MappingProxyType(
    {
        "high": MappingProxyType({"color": PALETTE["dark_pink"], "marker": "^"}),
        "low": MappingProxyType({"color": PALETTE["orange"], "marker": "v"}),
    }
)


# --- RAG status cells ---

#: Fill colour of each RAG status: GOV.UK Design System green, red, mid-grey and light-grey, and
#: the GOV.UK (legacy elements) yellow #FFBF47 for amber; white for a provisional figure (no
#: colour: it is not judged). For table cells and badges; charts use
#: the Analysis Function palette. Amber and the greys contrast less than 3:1 with a white page:
#: give cells a border, and always show the word.
RAG_COLOURS = MappingProxyType(
    {
        GREEN: "#00703C",
        AMBER: "#FFBF47",
        RED: "#D4351C",
        PROVISIONAL: "#FFFFFF",
        NO_TARGET: "#B1B4B6",
        NO_DATA: "#F3F2F1",
    }
)
#: Text colour to write the status word on its fill: white on green and red, GOV.UK black on amber
#: and the greys; every pair contrasts at least 4.5:1 (WCAG 2.2 AA for normal text).
RAG_TEXT_COLOURS = MappingProxyType(
    {
        GREEN: "#FFFFFF",
        AMBER: "#0B0C0C",
        RED: "#FFFFFF",
        PROVISIONAL: "#0B0C0C",
        NO_TARGET: "#0B0C0C",
        NO_DATA: "#0B0C0C",
    }
)


def rag_css(word: object) -> str:
    """The CSS of a table cell holding a RAG word: its fill, a text colour readable on it, bold.

    Examples
    --------
    >>> rag_css("Red")
    'background-color: #D4351C; color: #FFFFFF; font-weight: bold'
    >>> rag_css("n/a")
    ''
    """
    if word not in RAG_COLOURS:
        return ""
    return (
        f"background-color: {RAG_COLOURS[word]}; color: {RAG_TEXT_COLOURS[word]}; "
        "font-weight: bold"
    )


# --- Tables --------------------------------------------------------------------------------------

#: Every column title the report shows, keyed by the column names of the display frames. Notebooks
#: never spell a column title: change it here.
LABELS = MappingProxyType(
    {
        # Headline table (the Glasgow form)
        "kpi": "KPI",
        "target": "Target",
        "actual": "Actual",
        "period": "Period",
        "rag": "RAG status",
        "direction": "Direction in last 12 months",
        "cases": "Cases",
        "low_numbers": "Low numbers",
        "variation": "Variation (SPC)",
        "assurance": "Assurance (SPC)",
        # Quarter-by-quarter table (the South Lanarkshire form)
        "quarter": "Quarter",
        "total_cases": "Total cases",
        "within": "Number within timescale",
        "percent_within": "% within timescale",
        # Comparison with the family group and Scotland
        "area": "Area",
        "latest": "Latest quarter",
        "latest_cases": "Cases (latest quarter)",
        "pooled": "Last four quarters",
        "pooled_cases": "Cases (last four quarters)",
        "note": "Note",
        # Counts and activity
        "indicator": "Indicator",
        "unit": "Unit",
        "value": "Value",
        "previous": "Same period a year earlier",
        "change": "Change",
        "year_to_date": "Financial year to date",
        "year_to_date_period": "Year to date covers",
        # Data quality
        "table": "Table",
        "status": "Status",
        "rows_read": "Rows read",
        "rows_used": "Rows used",
        "rows_rejected": "Rows rejected",
        "main_reasons": "Main reasons for rejection",
        # Definitions
        "definition": "Definition",
        "standard": "Standard",
        "frequency": "Frequency",
        "sources": "Source documents",
    }
)

#: Column titles of the comparison table, one pair per area (council, family group, Scotland):
#: the latest quarter and the last four quarters pooled.
COMPARISON_HEADINGS: tuple[str, str] = ("{area}, {quarter}", "{area}, last four quarters")

#: The source documents named in ``sources`` of ``params/indicators.yaml``, in words.
SOURCE_NAMES = MappingProxyType(
    {
        "glasgow": "Glasgow City JSW performance update, Q2 2025/26",
        "south_lanarkshire": "South Lanarkshire public performance report",
        "aberdeen": "Aberdeen City JSW performance management framework",
        "national": "Scottish Government Justice Social Work statistics",
    }
)

#: CSS of every report table: cell borders (amber and the greys contrast less than 3:1 with white,
#: so cells are outlined), left-aligned text, a visible caption.
TABLE_STYLES: tuple[dict, ...] = (
    {"selector": "", "props": [("border-collapse", "collapse")]},
    {
        "selector": "th, td",
        "props": [("border", "1px solid #B1B4B6"), ("padding", "4px 8px"), ("text-align", "left")],
    },
    {
        "selector": "caption",
        "props": [("caption-side", "top"), ("text-align", "left"), ("padding-bottom", "4px")],
    },
)


# --- Pages ---------------------------------------------------------------------------------------

#: The stylesheet of a batch's index page (screen and print).
INDEX_CSS: str = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  font-size: 1rem;
  line-height: 1.5; color: #0b0c0c; background: #ffffff; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
a { color: #1d70b8; text-decoration: underline; }
a:focus { outline: 3px solid #ffdd00; background: #ffdd00; color: #0b0c0c; text-decoration: none; }
table { border-collapse: collapse; margin: 1rem 0; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid #b1b4b6; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #0b0c0c; vertical-align: bottom; }
td.count { text-align: right; font-variant-numeric: tabular-nums; }
.meta { color: #505a5f; }
.failed { font-weight: bold; }
table.matrix { font-size: 0.8125rem; }
@media print {
  body, body * { color: #000000 !important; }
  main { max-width: none; padding: 0; }
  table, tr, li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  h1, h2 { break-after: avoid; page-break-after: avoid; }
}
"""


# --- The framework report ------------------------------------------------------------------------

#: Column titles and heading-level names of the framework report (jswlib.present.framework).
FRAMEWORK_LABELS = MappingProxyType(
    {
        # heading levels
        "outcome": "Outcome",
        "objective": "Objective",
        "theme": "Theme",
        "opif": "OPIF indicator",
        "section": "Section",
        # the PI tables
        "pi": "PI",
        "frequency": "Frequency",
        "period": "Period",
        "value": "Value",
        "cases": "Cases",
        "previous": "Same period a year earlier",
        "direction": "Direction",
        "target": "Target",
        "rag": "RAG status",
        "trend": "Trend (last eight periods)",
        "spc": "SPC variation",
        "marks": "Marks",
        # the summary
        "pis": "PIs",
        "improved": "Improved",
        "declined": "Declined",
        "no_significant_change": "No significant change",
        "volume_changed": "Volume rose or fell",
        "not_compared": "Not compared",
        "no_value": "No value (see reason)",
    }
)
