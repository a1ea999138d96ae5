"""The quarterly report: each section of the report notebook as data, as a styled table or as text.

This is the *present* layer. :func:`prepare_report` checks the notebook's
parameters and returns a :class:`Report`; each of its methods gives one section of the report: a
pandas DataFrame for the data (``headline_data``), a pandas ``Styler`` for display
(``headline_table``), or text (``method_notes`` as Markdown, ``commentary_html`` as HTML). A
notebook cell calls one method and shows what comes back.

Conventions
-----------
- Judgement and formatting come from :mod:`jswlib.judge.status`: RAG words and colours, direction
  of travel (the quarter against the same quarter a year earlier), halves-up rounding, Wilson
  intervals, low numbers.
- Council figures are on the council's own timescale standard (results ``basis`` ``local`` where
  the council sets one in ``params/targets.yaml``, else ``national``). The comparison with the
  family group and Scotland uses the national standard for all three rows, so like is compared with
  like.
- Pooled figures (family group, Scotland, four quarters together) are sums of numerators and
  denominators, never averages of percentages.
- Column titles come from :data:`LABELS` only, RAG colours from
  :data:`jswlib.present.style.RAG_COLOURS`; a RAG cell always carries its word as well as its colour
  (WCAG 2.2 AA). Tables are shown without an index.
- Public reports apply disclosure control (:func:`suppress`, :func:`suppress_within_timescale`):
  counts from 1 to ``threshold - 1`` (1-4; ``suppression_threshold`` in ``params/report.yaml``)
  show as :data:`SUPPRESSED`, and so do percentages built on them; zeros are shown. Internal
  reports are not suppressed.
- No output carries a person identifier: reports are built from aggregated results only.
- Disk: params and results are loaded through :mod:`jswlib.core.io`,
  :mod:`jswlib.definitions.params` and :mod:`jswlib.compute.results`; the only other read is
  :func:`read_commentary`.
"""

from __future__ import annotations

import difflib
import functools
import html
import inspect
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

import mistune
import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from jswlib.compute.indicators import LEVEL_COUNCIL, Definitions, load_definitions
from jswlib.compute.results import Results, choose_quarter, folder_stats, load_results
from jswlib.core import io
from jswlib.data.extract import is_synthetic
from jswlib.data.validation import RULES
from jswlib.definitions.catalogue import COUNCIL_TARGET, FREQUENCY_CODES, Indicator
from jswlib.definitions.councils import SCOTLAND_CODE, Council, Councils
from jswlib.definitions.params import commentary_path, load_settings, params_dir
from jswlib.definitions.periods import Period, long_date, parse_quarter, span_label
from jswlib.definitions.report_settings import ReportSettings, load_report_settings
from jswlib.definitions.schema import TABLES
from jswlib.judge import spc, status
from jswlib.judge.disclosure import (
    COUNT,
    DENOMINATOR,
    NUMERATOR,
    PERCENTAGE,
    PUBLIC,
    SUPPRESSED,
    check_audience,
    suppress,
)
from jswlib.present import charts
from jswlib.present.exports import Cover, SheetTable, build_workbook
from jswlib.present.figures import (
    AVERAGE,
    TOTAL,
    local_key,
    national_figures,
    protected_figures,
    shown_figures,
)
from jswlib.present.national import (
    SPC_SERIES_COLUMNS,
    spc_figure,
    spc_frame,
    spc_parts,
    spc_series_of_columns,
)
from jswlib.present.style import (
    COMPARISON_HEADINGS,
    LABELS,
    RAG_COLOURS,
    SOURCE_NAMES,
    TABLE_STYLES,
    rag_css,
)
from jswlib.present.tables import TableStyler

# --- Publication rules and presentation (docs/method.md, Disclosure control) -------------------

#: Quarters pooled in the comparison ("the last four quarters").
POOLED_QUARTERS: int = 4
#: Quarters in the quarter-by-quarter table unless asked otherwise.
QUARTERLY_TABLE_QUARTERS: int = 8
#: Decimal places shown for averages (counts, sums and percentages are shown as whole numbers).
AVERAGE_DIGITS: int = 1
#: The comparison (:data:`jswlib.judge.status.COMPARISON_KINDS`) for each activity indicator type:
#: counts of events and of people by the exact Poisson test, averages by Welch; sums not tested.
ACTIVITY_COMPARISON = MappingProxyType({"count": "count", "people": "count", "average": "average"})
#: Text of a low-numbers mark (denominator under
#: :data:`jswlib.judge.status.LOW_NUMBERS_THRESHOLD`).
LOW_NUMBERS_TEXT: str = f"Yes: fewer than {status.LOW_NUMBERS_THRESHOLD} cases"
#: Mark after a figure that can still change (some of its cases are pending, or its period has not
#: ended): it gets no RAG status and no direction (docs/method.md, "Period placement").
PROVISIONAL_TEXT: str = "(provisional)"
#: Text shown in the Target column when an indicator has no target (neither the council's own nor a
#: national default).
NO_TARGET_TEXT: str = "No target"

#: The standard sections of the commentary, in order, with the word that finds each in a heading of
#: the commentary file (Glasgow City HSCP's performance update: achievements, areas for
#: improvement, priorities).
COMMENTARY_SECTIONS: tuple[tuple[str, str], ...] = (
    ("Achievements", "achievement"),
    ("Areas for improvement", "improvement"),
    ("Priorities", "priorit"),
)

#: Local standards not established as national rules (docs/method.md, Timescales), for the method
#: notes.
UNVERIFIED_LOCAL_STANDARDS: str = (
    "a case management plan within 20 working days, a DTTO first contact (seen) within 2 working "
    "days and a post-release interview within 1 working day"
)

HEADLINE_COLUMNS: tuple[str, ...] = (
    "indicator",
    "kpi",
    "target",
    "target_source",
    "value",
    "numerator",
    "denominator",
    "display_value",
    "period",
    "rag",
    "rag_colour",
    "direction",
    "direction_arrow",
    "previous_period",
    "previous_value",
    "previous_numerator",
    "previous_denominator",
    "low_numbers",
    "ci_lower",
    "ci_upper",
    "unit",
    "polarity",
    "standard",
    "basis",
    "variation",
    "variation_text",
    "assurance",
    "assurance_text",
    "provisional",
    "pending",
    "previous_provisional",
    "change",
    "change_lower",
    "change_upper",
    "direction_test",
)
COMPARISON_COLUMNS: tuple[str, ...] = (
    "indicator",
    "kpi",
    "level",
    "area",
    "quarter",
    "numerator",
    "denominator",
    "value",
    "display_value",
    "low_numbers",
    "provisional",
    "pooled_period",
    "pooled_numerator",
    "pooled_denominator",
    "pooled_value",
    "pooled_display_value",
    "pooled_provisional",
    "note",
)


# --- Report settings -----------------------------------------------------------------------------


# --- Disclosure control --------------------------------------------------------------------------


# --- Formatting helpers --------------------------------------------------------------------------


def _one_text(v: Any, unit: str = "", digits: int = 0) -> str:
    """A number as published text (halves up, thousands separated); text (such as ``[c]``) left
    as it is; ``n/a`` when missing."""
    if isinstance(v, str):
        return v
    if v is None or pd.isna(v):
        return status.NOT_AVAILABLE_TEXT
    return status.format_value(v, unit, digits)


def _text(values: pd.Series, unit: str = "", digits: int = 0) -> pd.Series:
    """Numbers as published text (halves up, thousands separated); text (such as ``[c]``) left as
    it is."""
    return pd.Series(
        [_one_text(v, unit, digits) for v in values], index=values.index, dtype=object
    )


def _direction_text(words: pd.Series, arrows: pd.Series) -> pd.Series:
    """``"↑ Improved"``: the arrow and the word together
    (:class:`jswlib.judge.status.Direction`)."""
    return pd.Series(
        [str(status.Direction(w, a)) for w, a in zip(words, arrows, strict=True)],
        index=words.index,
    )


def _flag(values: Any) -> np.ndarray:
    """A column of flags as bools, missing as False."""
    if isinstance(values, (np.ndarray, pd.Series)) and values.dtype == np.bool_:
        return np.array(values, dtype=bool)  # nothing missing: the flags themselves (a copy)
    return pd.array(pd.Series(values).to_numpy(), dtype="boolean").fillna(False).to_numpy(bool)


def _flags_at(values: Any, where: np.ndarray) -> np.ndarray:
    """:func:`_flag` of a column's values (an array) at positions ``where``, False at -1."""
    if isinstance(values, np.ndarray) and values.dtype == np.bool_:
        return np.append(values, False)[where]
    return _flag(np.append(np.asarray(values, dtype=object), None)[where])


def _marked_texts(texts: Any, flags: Any) -> list[str]:
    """:func:`_marked` of texts and flags (bools) given as lists."""
    return [
        f"{t} {PROVISIONAL_TEXT}" if f and t not in (SUPPRESSED, status.NOT_AVAILABLE_TEXT) else t
        for t, f in zip(texts, flags, strict=True)
    ]


def _marked(texts: pd.Series, provisional: Any) -> pd.Series:
    """Texts with :data:`PROVISIONAL_TEXT` after each provisional one (suppressed cells left
    alone)."""
    return pd.Series(_marked_texts(texts, _flag(provisional)), index=texts.index, dtype=object)


def _cases_texts(cases: Any, pending: Any) -> list[str]:
    """:func:`_cases_text` of counts and pending counts given as lists (of one length)."""

    def one(t: str, p: Any) -> str:
        if t == SUPPRESSED:
            return t
        if isinstance(p, str):  # a suppressed count of pending cases
            return f"{t}; {p} pending"
        return f"{t}; {status.format_value(p)} pending" if pd.notna(p) and p > 0 else t

    return [one(_one_text(c), p) for c, p in zip(cases, pending, strict=True)]


def _cases_text(cases: pd.Series, pending: Any) -> pd.Series:
    """Case counts as text, with the cases still pending where there are any ("913; 2,869
    pending")."""
    waiting = pd.Series(pending, index=cases.index).astype(object)
    return pd.Series(_cases_texts(cases, waiting), index=cases.index, dtype=object)


def _low_numbers_texts(flags: Any) -> list[str]:
    """:func:`_low_numbers_text` of flags given as a list (missing counts as not flagged)."""
    return [
        "" if f is None or f is pd.NA or (isinstance(f, float) and math.isnan(f)) or not f
        else LOW_NUMBERS_TEXT
        for f in flags
    ]  # fmt: skip


def _low_numbers_text(flags: pd.Series) -> pd.Series:
    """:data:`LOW_NUMBERS_TEXT` where flagged, blank otherwise (and where there is no
    denominator)."""
    return pd.Series(
        np.where(flags.fillna(False).astype(bool), LOW_NUMBERS_TEXT, ""), index=flags.index
    )


def _with_source(text: str, source: Any) -> str:
    """A target's text followed by its source ("80% (national default)"), where it has one."""
    if source is None or source == "" or (not isinstance(source, str) and pd.isna(source)):
        return text
    return f"{text} ({source})"


def _target_text(targets: pd.Series, units: Any, sources: Any = None) -> pd.Series:
    """Targets as text, each followed by its source ("80% (national default)")."""
    text = status.format_value(targets, units, missing=NO_TARGET_TEXT)
    if sources is None:
        return text
    sources = (
        pd.Series(sources, index=text.index) if not isinstance(sources, pd.Series) else sources
    )
    labelled = [
        _with_source(t, s)
        for t, s in zip(text.tolist(), sources.astype(object).tolist(), strict=True)
    ]
    return pd.Series(labelled, index=text.index, dtype=text.dtype)


def _styled(shown: pd.DataFrame, caption: str, rag_column: str | None = None) -> Styler:
    """A display frame as a Styler: titles from :data:`LABELS`, no index, HTML escaped, RAG cells
    coloured."""
    # the titles set as rename(columns=LABELS) sets them, at a quarter of its cost
    titles = [LABELS.get(c, c) for c in shown.columns]
    columns = pd.Index(titles, name=shown.columns.name, tupleize_cols=False)
    table = shown.set_axis(columns, axis=1)
    index = table.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1):
        table = table.reset_index(drop=True)
    styler = (
        TableStyler(table)
        .hide(axis="index")
        .format(escape="html", na_rep=status.NOT_AVAILABLE_TEXT)
        .set_caption(html.escape(caption))
        .set_table_styles(list(TABLE_STYLES))
    )
    if rag_column is not None:
        styler = styler.map(rag_css, subset=[LABELS[rag_column]])
    return styler


def _is_small_count(values: pd.Series, threshold: int) -> pd.Series:
    """Whether each value is a count from 1 to ``threshold - 1`` (text and missing values are
    not)."""
    numbers = pd.to_numeric(values, errors="coerce")
    return ((numbers >= 1) & (numbers < threshold)).fillna(False).astype(bool)


def _short_group(label: str) -> str:
    """A family group's label without its description: ``"Family group 1"``.

    Examples
    --------
    >>> _short_group("Family group 1 (people services, least deprived)")
    'Family group 1'
    """
    return label.split(" (", 1)[0]


def _value_of(numerator: Any, denominator: Any, ind: Indicator) -> float:
    """An indicator's value from (pooled) counts: a percentage, a mean, or the count itself."""
    if numerator is None or pd.isna(numerator):
        return float("nan")
    if ind.is_proportion:
        return status.percentage(numerator, denominator)
    if ind.type == "average":
        return (
            float(numerator) / float(denominator)
            if pd.notna(denominator) and denominator > 0
            else float("nan")
        )
    return float(numerator)


def _display_of(value: float, numerator: Any, denominator: Any, ind: Indicator) -> str:
    """Published text of a value: a percentage from its counts, else the value rounded half up."""
    if ind.is_proportion:
        return status.format_percentage(numerator, denominator)
    return status.format_value(value, ind.unit, AVERAGE_DIGITS if ind.type == "average" else 0)


def read_commentary(path: str | os.PathLike) -> str | None:
    """The text of a commentary Markdown file, or None when there is no such file.

    This is the only disk access of :mod:`jswlib.present.report` besides loading params and
    results.

    Parameters
    ----------
    path : path-like
        The commentary file.

    Returns
    -------
    str or None
        The file's text (UTF-8); None when the file does not exist.

    Examples
    --------
    >>> read_commentary("/nonexistent/2025-26-Q2.md") is None
    True
    """
    return io.read_text(path, missing_ok=True)


#: An address on another host: ``http(s)://...`` or ``//host/...`` (a ``data:`` image is
#: embedded, so it stays).
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


class _OfflineRenderer(mistune.HTMLRenderer):
    """Markdown to HTML, but an image on another host becomes a link to it, never an ``<img>``:
    a report must load nothing from elsewhere when opened (a remote image can track who reads it,
    and is missing offline)."""

    def image(self, text: str, url: str, title: str | None = None) -> str:
        if _REMOTE.match(url) or not url.strip().lower().startswith("data:"):
            safe = html.escape(self.safe_url(url))
            label = html.escape(text or "image")
            return f'<a href="{safe}">[image not loaded: {label}]</a>'
        return super().image(text, url, title)


def render_commentary(text: str) -> str:
    r"""Commentary Markdown as HTML: raw HTML escaped, and images on another host shown as links.

    Parameters
    ----------
    text : str
        The Markdown.

    Returns
    -------
    str
        HTML that loads nothing from another host. Only images embedded as ``data:`` stay images;
        any other image (``https://...``, ``//host/...``, a file path) becomes a link saying it
        was not loaded. The batch lists every link to another host as a warning in the index.

    Examples
    --------
    >>> render_commentary("![chart](https://example.org/c.png)")
    '<p><a href="https://example.org/c.png">[image not loaded: chart]</a></p>\n'
    """
    return mistune.create_markdown(escape=True, renderer=_OfflineRenderer(escape=True))(text)


# --- Checking the parameters ---------------------------------------------------------------------


def _find_council(name: Any, councils: Councils) -> Council:
    names = [c.name for c in councils]
    code = next(iter(councils)).code
    example = f"for example {', '.join(names[:3])}, {names[-1]} or a GSS code such as {code}"
    if not isinstance(name, str) or not name.strip():
        raise ValueError(
            f"parameter council is blank: give a council name, alias or GSS code, {example}"
        )
    try:
        return councils.get(name)
    except KeyError:
        close = difflib.get_close_matches(name.strip().title(), names, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise ValueError(
            f"parameter council: {name!r} is not a council name, alias or GSS code{hint} Give one "
            f"of the {len(names)} councils in params/councils.yaml ({example}); `jsw councils` "
            "lists them all."
        ) from None


def _parse_quarter_parameter(quarter: Any) -> Period | None:
    if quarter is None or (isinstance(quarter, str) and not quarter.strip()):
        return None
    try:
        return parse_quarter(quarter)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"parameter quarter: {exc}") from None


def _commentary_path(
    commentary_file: Any, council: Council, quarter: Period, params: Any, root: Path
) -> Path:
    if commentary_file is None or not str(commentary_file).strip():
        return commentary_path(params, council, quarter)
    path = Path(str(commentary_file).strip())
    return path if path.is_absolute() else root / path


#: Definitions already loaded in this process, by params folder and the size and modification time
#: of its files (see :func:`jswlib.compute.results.folder_stats`).
_DEFINITIONS: dict[tuple, Definitions] = {}


def _definitions(params: str | os.PathLike | None) -> Definitions:
    """:func:`jswlib.compute.indicators.load_definitions`, loaded once per process while the
    params files are unchanged (every report of a batch reads the same)."""
    folder = params_dir(params)
    key = (str(folder), folder_stats(folder))
    if key not in _DEFINITIONS:
        _DEFINITIONS.clear()
        _DEFINITIONS[key] = load_definitions(params)
    return _DEFINITIONS[key]


def prepare_report(
    council: str,
    quarter: str = "",
    data_dir: str = "",
    audience: str = "internal",
    commentary_file: str = "",
    params: str | os.PathLike | None = None,
    encoding: str = "",
) -> Report:
    """Check the report parameters and gather everything the report needs.

    Parameters
    ----------
    council : str
        Council name, alias, slug or GSS code (current or retired): ``"Glasgow City"``,
        ``"S12000049"``.
    quarter : str, default ""
        The report quarter in any accepted form (``"Q2 2025/26"``, ``"2025Q2"``); blank gives the
        latest quarter complete at the extract date.
    data_dir : str, default ""
        The extract folder; blank gives ``data_dir`` of ``params/settings.yaml`` (the demo data). A
        relative path is taken from the repository root.
    audience : {"internal", "public"}, default "internal"
        ``public`` applies disclosure control to every table and export.
    commentary_file : str, default ""
        Markdown commentary; blank gives ``params/commentary/<council slug>/<yyyy>-<yy>-Q<n>.md``.
        A relative path is taken from the repository root.
    params : path-like, optional
        The params folder (see :func:`jswlib.definitions.params.params_dir`).
    encoding : str, default ""
        Encoding of the extract's CSV files; blank for UTF-8.

    Returns
    -------
    Report

    Raises
    ------
    ValueError
        Naming the parameter: an unknown council (with close matches and examples), a malformed
        quarter (quoting it and the accepted forms), a quarter not in the data or not complete at
        the extract date (with the complete quarters available), an unknown audience.
    jswlib.definitions.params.ParamsError
        When a params file is wrong (naming the file and key).

    Notes
    -----
    The cheap checks run first (audience, council, the form of the quarter), then the results are
    loaded (from the cache of :func:`jswlib.compute.results.load_results` when the inputs are
    unchanged), then the quarter is checked against them. A quarter is complete when it ended on or
    before the extract date.

    In a notebook: ``report = prepare_report("Glasgow City", "Q2 2025/26")``, then
    ``report.headline_table()``.

    Examples
    --------
    >>> prepare_report("Glasgo")
    Traceback (most recent call last):
    ...
    ValueError: parameter council: 'Glasgo' is not a council name, alias or GSS code; did you mean
    Glasgow City? ...
    """
    chosen_audience = check_audience(audience)
    defs = _definitions(params)
    chosen_council = _find_council(council, defs.councils)
    wanted = _parse_quarter_parameter(quarter)
    settings = load_settings(params)
    report_settings = load_report_settings(params, defs.catalogue)
    folder = data_dir.strip() if isinstance(data_dir, str) else data_dir
    results = load_results(folder or None, params, defs=defs, encoding=encoding or None)
    period = choose_quarter(wanted, results)
    return Report(
        council=chosen_council,
        quarter=period,
        audience=chosen_audience,
        results=results,
        defs=defs,
        commentary_path=_commentary_path(
            commentary_file, chosen_council, period, params, settings.root
        ),
        settings=report_settings,
        root=settings.root,
    )


def preload_reports(
    council: str,
    quarter: str = "",
    data_dir: str = "",
    audience: str = "internal",
    encoding: str = "",
) -> Report:
    """Prepare one council's report and what every report of its quarter shares: the results,
    the definitions and, for the public audience, the quarter's protected figures.

    A warm kernel of ``jsw batch`` runs this once before it takes its baseline
    (:mod:`jswlib.run.warm`), so that the memos it fills are handed to each council's notebook as
    a fresh copy instead of being loaded again. Parameters as :func:`prepare_report`.
    """
    report = prepare_report(council, quarter, data_dir, audience, encoding=encoding)
    _rows_by_council(report.results)
    _data_quality(report.results)
    if report.public:
        report.figures  # noqa: B018 - the quarter's protected figures, loaded
    return report


# --- The report ----------------------------------------------------------------------------------


def _memoised(method: Callable[..., Any]) -> Callable[..., Any]:
    """Compute a report's method once per argument list (a report's data never change); a frame
    is handed out as a copy, so that a caller changing it changes no other section.

    The arguments are bound to the method's parameters, defaults filled in, so that
    ``quarterly_data("x")`` and ``quarterly_data("x", 8)`` are one computation."""
    name = method.__name__
    signature = inspect.signature(method)
    names = list(signature.parameters)[1:]  # after self

    @functools.wraps(method)
    def once(self: Report, *args: Any, **kwargs: Any) -> Any:
        if len(args) + len(kwargs) < len(names) or kwargs:
            bound = signature.bind(self, *args, **kwargs)
            bound.apply_defaults()
            args = tuple(bound.arguments[n] for n in names)
            kwargs = {}
        key = (name, args)
        memo = self._memo
        if key not in memo:
            memo[key] = method(self, *args)
        result = memo[key]
        return result.copy() if isinstance(result, pd.DataFrame) else result

    return once


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """``frame.to_dict("records")`` of those of ``columns`` the frame has: the same values (pandas
    boxes each column's values on its own), without walking a wide frame's other columns."""
    return frame[[c for c in columns if c in frame.columns]].to_dict("records")


#: :func:`_rows_by_council` of the last results asked for: ``{"last": (results, positions)}``.
_BY_COUNCIL: dict[str, tuple[Results, dict[str, np.ndarray]]] = {}


def _rows_by_council(results: Results) -> dict[str, np.ndarray]:
    """The positions of the results rows of each area code (council, family group, Scotland),
    in table order: found once for every report of a batch, where each report would otherwise
    compare every row's code with its own."""
    last = _BY_COUNCIL.get("last")
    if last is None or last[0] is not results:
        codes, uniques = pd.factorize(results.table["council"].to_numpy(dtype=object))
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
        found = {str(code): order[bounds[i] : bounds[i + 1]] for i, code in enumerate(uniques)}
        last = _BY_COUNCIL["last"] = (results, found)
    return last[1]


def _rows_of(results: Results, codes: list[str]) -> pd.DataFrame:
    """The results rows of some area codes, in table order."""
    found = _rows_by_council(results)
    parts = [found[c] for c in codes if c in found]
    where = np.sort(np.concatenate(parts)) if parts else np.empty(0, dtype=np.intp)
    return results.table.iloc[where]


class _ByKey:
    """A frame's values by index label and column, as ``frame[column].get(label, default)``
    gives them (the first row of a label), looked up in a dict instead of the index each time."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.rows: dict[Any, int] = {}
        for position, label in enumerate(frame.index):
            self.rows.setdefault(label, position)
        self.unique = frame.index.is_unique
        self.arrays: dict[str, Any] = {}

    def get(self, label: Any, column: str, default: Any) -> Any:
        if not self.unique:  # several rows of a label: as pandas gives them
            return self.frame[column].get(label, default)
        position = self.rows.get(label)
        if position is None:
            return default
        if column not in self.arrays:
            self.arrays[column] = self.frame[column].array
        return self.arrays[column][position]


#: :func:`_national_quarterly_rows` of the last results asked for: ``{"last": (results,
#: {area code: rows by key})}``.
_NATIONAL_QUARTERLY: dict[str, tuple[Results, dict[str, Any]]] = {}


def _national_quarterly_rows(results: Results, code: str) -> dict[tuple[str, str], int] | None:
    """The position in the results table of each quarterly row of an area on the national
    standard, by (indicator, period); None when a key has two rows. Found once per results and
    area (the family group and Scotland serve every council of a batch)."""
    last = _NATIONAL_QUARTERLY.get("last")
    if last is None or last[0] is not results:
        last = _NATIONAL_QUARTERLY["last"] = (results, {})
    by_area = last[1]
    if code not in by_area:
        where = _rows_by_council(results).get(code, np.empty(0, dtype=np.intp))
        table = results.table
        where = where[
            (_column_at(table, "frequency", where) == "quarterly")
            & (_column_at(table, "basis", where) == "national")
        ]
        keys = zip(*(_column_at(table, c, where).tolist() for c in ("indicator", "period")))
        found: dict[tuple[str, str], int] | None = dict(zip(keys, where.tolist()))
        by_area[code] = found if len(found) == len(where) else None  # None: a key has two rows
    return by_area[code]


class _Lookup:
    """Values by key and column from a dict, with :class:`_ByKey`'s ``get``."""

    def __init__(self, values: dict[tuple, dict[str, Any]]) -> None:
        self.values = values

    def get(self, label: Any, column: str, default: Any) -> Any:
        found = self.values.get(label)
        return default if found is None else found[column]


def _comparison_lookups(
    results: Results,
    rows: dict[str, dict[tuple[str, str], int]],
    ids: list[str],
    labels: list[str],
    now: str,
) -> tuple[_Lookup, _Lookup]:
    """The quarter's counts and the pooled counts of the comparison, by (indicator, area code)
    for the indicators ``ids``, from each area's quarterly rows on the national standard
    (:func:`_national_quarterly_rows`).

    The same values as the frames :meth:`Report._comparison_frames` groups: the quarter's
    numerator, denominator and provisional flag as the table holds them; over the quarters of
    ``labels`` the sums of the numerators and denominators (missing where every one is missing,
    pandas' ``sum(min_count=1)``) and whether any is provisional."""
    table = results.table
    numerators, denominators = table["numerator"].array, table["denominator"].array
    provisional = table["provisional"].array
    latest: dict[tuple, dict[str, Any]] = {}
    pooled: dict[tuple, dict[str, Any]] = {}
    for code, found in rows.items():
        for indicator in ids:
            key = (indicator, code)
            at = found.get((indicator, now))
            if at is not None:
                latest[key] = {
                    "numerator": numerators[at],
                    "denominator": denominators[at],
                    "provisional": provisional[at],
                }
            where = [found[(indicator, p)] for p in labels if (indicator, p) in found]
            if where:
                pooled[key] = {
                    "numerator": _sum_or_missing(numerators, where),
                    "denominator": _sum_or_missing(denominators, where),
                    "provisional": any(provisional[i] for i in where),
                }
    return _Lookup(latest), _Lookup(pooled)


def _sum_or_missing(values: Any, where: list[int]) -> Any:
    """The sum of the values at ``where`` that are not missing, as pandas' ``sum(min_count=1)``
    of an ``Int64`` column gives it; missing when every one is."""
    return values.take(np.asarray(where, dtype=np.intp)).sum(min_count=1)


#: :func:`_data_quality` of the last results asked for: ``{"last": (results, (frame, totals))}``.
_QUALITY: dict[str, tuple[Results, tuple[pd.DataFrame, pd.DataFrame]]] = {}


def _main_reasons(reasons: pd.DataFrame, table: str) -> str:
    """The top three rules by rows rejected from a table, in words."""
    if reasons.empty:
        return ""
    mine = (
        reasons[reasons["table"] == table]
        .sort_values(["rows", "rule"], ascending=[False, True])
        .head(3)
    )
    pairs = zip(mine["rule"], mine["rows"], strict=True)
    return "; ".join(f"{RULES.get(r, r)} ({n:,} row{'' if n == 1 else 's'})" for r, n in pairs)


def _data_quality(results: Results) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The data-quality table of the whole extract and its totals line (see
    :meth:`Report.data_quality_data`), worked out once per results."""
    last = _QUALITY.get("last")
    if last is not None and last[0] is results:
        return last[1]
    quality = results.quality
    frame = pd.DataFrame(
        {
            "table": quality["table"].astype(str),
            "title": [TABLES[t].title if t in TABLES else t for t in quality["table"]],
            "status": quality["status"].astype(str),
            "rows_read": quality["rows_read"].astype("int64"),
            "rows_used": quality["rows_accepted"].astype("int64"),
            "rows_rejected": quality["rows_rejected"].astype("int64"),
            "main_reasons": [_main_reasons(results.reasons, t) for t in quality["table"]],
        }
    )
    totals = {
        "table": "all",
        "title": "All tables",
        "status": "",
        "rows_read": int(frame["rows_read"].sum()),
        "rows_used": int(frame["rows_used"].sum()),
        "rows_rejected": int(frame["rows_rejected"].sum()),
        "main_reasons": "",
    }
    totals_row = pd.DataFrame([totals]).astype(frame.dtypes.to_dict())
    both = (pd.concat([frame, totals_row], ignore_index=True), totals_row)
    _QUALITY["last"] = (results, both)
    return both


def _plain_text(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with their text columns held as Python strings in a NumPy array, not in Arrow: a
    report cuts its few thousand rows many times, and NumPy takes rows of such columns many times
    faster than Arrow does. The values are the same."""
    text = [c for c, dtype in rows.dtypes.items() if isinstance(dtype, pd.StringDtype)]
    return rows.astype(dict.fromkeys(text, object)) if text else rows


def _set_missing(frame: pd.DataFrame, mask: np.ndarray, columns: list[str]) -> None:
    """``frame.loc[mask, columns] = np.nan``, a column at a time: an ``Int64`` or float column
    gets its missing values in a copy of its array (the same column, at a fraction of the cost
    of the indexer); any other through ``loc``."""
    for column in columns:
        values = frame[column]
        if values.dtype == "Int64":
            array = values.array.copy()
            array[mask] = pd.NA
        elif values.dtype == np.float64:
            array = values.to_numpy(copy=True)
            array[mask] = np.nan
        else:
            frame.loc[mask, [column]] = np.nan
            continue
        frame[column] = array


def _column_at(table: pd.DataFrame, column: str, where: np.ndarray) -> Any:
    """A column's values at positions ``where`` as an array: an ``Int64`` column as its nullable
    array, any other as a NumPy array (text as Python strings, as :func:`_plain_text` holds it):
    what cutting the rows, then taking the column out, gives."""
    values = table[column].array.take(where)
    return values if values.dtype == "Int64" else values.to_numpy()


def _positions_of(columns: list[Any]) -> dict[tuple, np.ndarray]:
    """The positions of the rows of each combination of the columns' values (arrays of one
    length), by that combination (as text): a table split once, each part cut from it only when
    it is asked for."""
    found: dict[tuple, list[int]] = {}
    texts = [[str(v) for v in np.asarray(column, dtype=object).tolist()] for column in columns]
    for position, key in enumerate(zip(*texts, strict=True)):
        found.setdefault(key, []).append(position)
    return {key: np.asarray(where, dtype=np.intp) for key, where in found.items()}


def _counts_at(values: Any, where: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A column's values (an array) at positions ``where`` as nullable integers (``Int64``),
    missing at position -1: what ``column.reindex(...).astype("Int64").array`` gives, without
    the index."""
    if getattr(values, "dtype", None) != "Int64":
        values = pd.array(values, dtype="Int64")
    return values.take(where, allow_fill=True)


def _numbers_at(values: Any, where: np.ndarray) -> np.ndarray:
    """A column's values (an array) at positions ``where`` as floats, ``NaN`` at position -1."""
    if not (isinstance(values, np.ndarray) and values.dtype == np.float64):
        values = pd.array(values).to_numpy(dtype="float64", na_value=np.nan)
    return np.append(values, np.nan)[where]


@dataclass(frozen=True, eq=False)
class Report:
    """Everything one council's quarterly report needs, with one method per section.

    Built by :func:`prepare_report`. Methods ending ``_data`` return plain DataFrames (exact values
    and counts, for checking and export); methods ending ``_table`` return Stylers for display,
    with column titles from :data:`LABELS` and, for the public audience, disclosure control
    applied.

    Attributes
    ----------
    council : jswlib.definitions.councils.Council
        The council.
    quarter : jswlib.definitions.periods.Period
        The report quarter (complete at the extract date).
    audience : {"internal", "public"}
        Who the report is for.
    results : jswlib.compute.results.Results
        The computed results of the extract.
    defs : jswlib.compute.indicators.Definitions
        Catalogue, councils, targets and holidays.
    commentary_path : pathlib.Path
        Where the commentary Markdown is (or is expected).
    settings : ReportSettings
        ``params/report.yaml``.
    root : pathlib.Path
        The repository root, for paths shown in the report.
    """

    council: Council
    quarter: Period
    audience: str
    results: Results
    defs: Definitions
    commentary_path: Path
    settings: ReportSettings
    root: Path

    # -- shared pieces
    # ------------------------------------------------------------------------------------------

    @property
    def public(self) -> bool:
        """Whether disclosure control applies (the public audience)."""
        return self.audience == PUBLIC

    @cached_property
    def _memo(self) -> dict[tuple, Any]:
        """Results of :func:`_memoised` methods, by method and arguments."""
        return {}

    def _own_quarter(self, period: str, ids: list[str], columns: list[str]) -> dict[str, Any]:
        """One quarter's values of some indicators (the council's own standard), in the order of
        ``ids``, by column: counts as ``Int64`` arrays, ``value`` and ``std_dev`` as floats
        (``NaN``), ``provisional`` as bools (False), missing where an indicator has no row.

        The same values as the quarter's rows indexed by indicator and reindexed to ``ids``,
        read by position from the own-standard columns."""
        positions = self._own_positions
        periods = self._own_column("period")
        where = []
        for indicator in ids:
            mine = positions.get(("quarterly", indicator), np.empty(0, dtype=np.intp)).tolist()
            at = [i for i in mine if periods[i] == period]
            if len(at) > 1:  # never so: the own-standard rows have one row a period
                raise ValueError(f"two own-standard rows of {indicator} in {period}")
            where.append(at[0] if at else -1)
        found = np.array(where, dtype=np.intp)
        out: dict[str, Any] = {}
        for column in columns:
            values = self._own_column(column)
            if column in ("value", "std_dev"):
                out[column] = _numbers_at(values, found)
            elif column == "provisional":
                out[column] = _flags_at(values, found)
            else:
                out[column] = _counts_at(values, found)
        return out

    @cached_property
    def _own_where(self) -> np.ndarray:
        """The positions in the results table of the council's rows on its own standard: one row
        per indicator, frequency and period, the ``local`` basis row where there is one (local
        rows first, then the others, each in table order)."""
        table = self.results.table
        where = _rows_by_council(self.results).get(self.council.code, np.empty(0, dtype=np.intp))
        where = where[_column_at(table, "level", where) == LEVEL_COUNCIL]
        where = where[np.argsort(_column_at(table, "basis", where) != "local", kind="stable")]
        keys = zip(
            *(_column_at(table, c, where).tolist() for c in ("indicator", "frequency", "period"))
        )
        seen: set[tuple] = set()
        first = []
        for i, key in enumerate(keys):
            if key not in seen:
                seen.add(key)
                first.append(i)
        return where[np.asarray(first, dtype=np.intp)]

    @cached_property
    def _own_positions(self) -> dict[tuple[str, str], np.ndarray]:
        """The positions among the council's own-standard rows (:attr:`_own_where`) of each
        frequency word and indicator."""
        return _positions_of([self._own_column("frequency"), self._own_column("indicator")])

    @cached_property
    def _own_by_indicator(self) -> tuple[pd.DataFrame, dict[tuple[str, str], np.ndarray]]:
        """The council's rows on its own standard as a frame (text as Python strings), and the
        positions of each frequency word and indicator among them."""
        return _plain_text(self.results.table.iloc[self._own_where]), self._own_positions

    @cached_property
    def _own_columns(self) -> dict[str, Any]:
        """Columns of the council's own-standard rows (:attr:`_own_where`) as arrays, by name,
        each taken out of the results once."""
        return {}

    def _own_column(self, column: str) -> Any:
        """One column of the council's own-standard rows as an array (:func:`_column_at`)."""
        arrays = self._own_columns
        if column not in arrays:
            arrays[column] = _column_at(self.results.table, column, self._own_where)
        return arrays[column]

    @cached_property
    def _scotland_where(self) -> np.ndarray:
        """The positions in the results table of Scotland's quarterly rows on the national
        standard (as pooled), in table order."""
        table = self.results.table
        where = _rows_by_council(self.results).get(SCOTLAND_CODE, np.empty(0, dtype=np.intp))
        wanted = (_column_at(table, "frequency", where) == "quarterly") & (
            _column_at(table, "basis", where) == "national"
        )
        return where[wanted]

    @cached_property
    def _scotland_positions(self) -> dict[tuple[str], np.ndarray]:
        """The positions among Scotland's quarterly rows (:attr:`_scotland_where`) of each
        indicator."""
        return _positions_of([self._scotland_column("indicator")])

    @cached_property
    def _scotland_columns(self) -> dict[str, Any]:
        """Columns of Scotland's quarterly rows as arrays, each taken out of the results once."""
        return {}

    def _scotland_column(self, column: str) -> Any:
        """One column of Scotland's quarterly rows (national standard) as an array
        (:func:`_column_at`)."""
        arrays = self._scotland_columns
        if column not in arrays:
            arrays[column] = _column_at(self.results.table, column, self._scotland_where)
        return arrays[column]

    def _own_indicator_rows(self, frequency: str, indicator: str) -> pd.DataFrame:
        """The council's rows of one frequency and indicator on its own standard."""
        cut = self._memo.get(("_own_indicator_rows", frequency, indicator))
        if cut is None:
            rows, positions = self._own_by_indicator
            found = positions.get((frequency, indicator))
            cut = rows.iloc[0:0] if found is None else rows.iloc[found]
            self._memo[("_own_indicator_rows", frequency, indicator)] = cut
        return cut

    def _indicator(self, indicator: str) -> Indicator:
        if indicator not in self.defs.catalogue:
            raise ValueError(
                f"{indicator!r} is not an indicator id of the catalogue "
                f"({self.defs.catalogue.source})"
            )
        return self.defs.catalogue.get(indicator)

    def _standard_text(self, ind: Indicator, code: str | None) -> str:
        standard = self.defs.targets.standard(ind, code)
        return standard.describe() if standard else ""

    def _has_local_standard(self, ind: Indicator) -> bool:
        return self.defs.targets.standard(ind, self.council.code) != self.defs.targets.standard(
            ind, None
        )

    def _suppression_note(self) -> str:
        if not self.public:
            return ""
        small = self.settings.suppression_threshold - 1
        return (
            f" {self.settings.suppression_symbol}: suppressed to protect privacy (a count from 1 "
            f"to {small}, or a figure that would reveal one)."
        )

    def title(self) -> str:
        """The report title.

        Returns
        -------
        str
            ``"Justice Social Work performance: Glasgow City, Q2 2025/26"``.
        """
        return f"Justice Social Work performance: {self.council.name}, {self.quarter}"

    def _audience_sentence(self) -> str:
        if self.public:
            return f"Public report: small numbers are suppressed ({self.settings.suppression_symbol})."
        return "Internal report: not for publication."

    def heading_markdown(self) -> str:
        """The report heading as Markdown: the title, the audience and the date of the figures."""
        return (
            f"# {self.title()}\n\n{self._audience_sentence()} Figures from the extract dated "
            f"{long_date(self.results.as_at)}."
        )

    def banners_html(self) -> str:
        """The banners above the title: synthetic data, and the internal audience (empty for
        neither).

        Returns
        -------
        str
            ``<p class="jsw-banner">`` paragraphs: one when the extract records that its data are
            synthetic, one for an internal report. The printed pages repeat them in their running
            header (:func:`jswlib.run.worker.running_header`).
        """
        parts = []
        if self.synthetic:
            parts.append(
                '<p class="jsw-banner" role="note"><strong>Synthetic data.</strong> This report is built '
                "from made-up demonstration data: its figures describe no real people and no real "
                "service.</p>"
            )
        if not self.public:
            parts.append(
                '<p class="jsw-banner" role="note"><strong>Internal: not for publication.</strong> '
                "This report "
                "shows small numbers; the public version suppresses them.</p>"
            )
        return "".join(parts)

    def heading_html(self) -> str:
        """The top of the report: the banners, the title, who it is for and the date of the
        figures."""
        return (
            f"{self.banners_html()}<h1>{html.escape(self.title())}</h1>"
            f"<p>{html.escape(self._audience_sentence())} Figures from the extract dated "
            f"{html.escape(long_date(self.results.as_at))}.</p>"
        )

    def indicator_title(self, indicator: str) -> str:
        """The title of an indicator on this council's standard ("... within 2 working days")."""
        ind = self._indicator(indicator)
        return ind.title_for(self.defs.targets.standard(ind, self.council.code))

    # -- 1. headline KPIs
    # ------------------------------------------------------------------------------------------

    def headline_indicators(self) -> list[str]:
        """The headline KPIs: those the council sets its own targets for, else those with a target.

        Returns
        -------
        list of str
            Indicator ids in catalogue order: the council's own targeted KPIs when it sets any
            (Glasgow: its six); else every indicator with a target, which for most councils are
            the national defaults of ``params/targets.yaml`` (docs/method.md, "Targets"); else
            ``headline_default`` of ``params/report.yaml``, in that order.
        """
        code, targets = self.council.code, self.defs.targets
        own = set(targets.own_targets(code))
        mine = [i.id for i in self.defs.catalogue if i.id in own]
        targeted = [i.id for i in self.defs.catalogue if targets.target(i.id, code) is not None]
        return mine or targeted or list(self.settings.headline_default)

    def _target_source(self, indicator: str) -> str | None:
        """Where this council's target for the indicator comes from, in words, or None."""
        source = self.defs.targets.target_source(indicator, self.council.code)
        if source == COUNCIL_TARGET:
            return f"{self.council.name} target"
        return source

    @_memoised
    def headline_data(self) -> pd.DataFrame:
        """One row per headline KPI for the quarter, judged: value, target, RAG, direction,
        interval.

        Returns
        -------
        pandas.DataFrame
            Columns of :data:`HEADLINE_COLUMNS`: ``value`` is exact (percent), ``display_value``
            rounded half up (``"90%"``), ``rag`` the word and ``rag_colour`` its fill,
            ``direction``/``direction_arrow`` the quarter against the same quarter a year earlier
            (``previous_*``), ``low_numbers`` a denominator under 10, ``ci_lower``/``ci_upper`` the
            Wilson 95% interval in percent. An indicator with no results has missing counts and the
            RAG word "No data" (or "No target").

        Notes
        -----
        Council rows on the council's own standard (``basis`` ``local`` where it sets one), judged
        with its RAG scheme by :func:`jswlib.judge.status.judge` (value at target is Green; the
        value as published is judged). ``target_source`` says whether the target is the council's
        own or the national default. A provisional figure (``provisional``, with ``pending``
        cases) gets "Provisional" for its RAG status and its direction; the direction is
        "Improved" or "Declined" only when the change is significant at 95% (``change``,
        ``change_lower``, ``change_upper``, ``direction_test``).
        """
        ids = self.headline_indicators()
        code, targets = self.council.code, self.defs.targets
        # the two quarters' values of the columns read below, picked by position
        columns = ["numerator", "denominator", "value", "std_dev", "provisional"]
        now = self._own_quarter(self.quarter.label, ids, [*columns, "pending"])
        before = self._own_quarter(self.quarter.year_earlier().label, ids, columns)
        inds = [self.defs.catalogue.get(i) for i in ids]
        frame = pd.DataFrame(
            {
                "indicator": ids,
                "kpi": [self.indicator_title(i) for i in ids],
                "target": pd.array([targets.target(i, code) for i in ids], dtype="Float64").astype(
                    "float64"
                ),
                "target_source": [self._target_source(i) for i in ids],
                "polarity": [i.polarity for i in inds],
                "unit": [i.unit for i in inds],
                "numerator": now["numerator"],
                "denominator": now["denominator"],
                "value": now["value"],
                "previous_value": before["value"],
                "previous_numerator": before["numerator"],
                "previous_denominator": before["denominator"],
                "standard": [self._standard_text(i, code) for i in inds],
                "basis": ["local" if self._has_local_standard(i) else "national" for i in inds],
                "provisional": now["provisional"],
                "pending": now["pending"],
                "previous_provisional": before["provisional"],
                "std_dev": now["std_dev"],
                "previous_std_dev": before["std_dev"],
            }
        )
        scheme_name = targets.rag_scheme_name(code)
        judged = status.judge(
            frame,
            targets.rag_scheme(code),
            where=f"params/targets.yaml: rag_schemes.{scheme_name}",
        )
        judged["rag_colour"] = judged["rag"].map(dict(RAG_COLOURS)).astype("str")
        judged["period"] = self.quarter.label
        judged["previous_period"] = self.quarter.year_earlier().label
        summaries = [self._spc_summary(i) for i in ids]
        for key in ("variation", "variation_text", "assurance", "assurance_text"):
            judged[key] = [row[key] for row in summaries]
        return judged[list(HEADLINE_COLUMNS)].reset_index(drop=True)

    def headline_table(self) -> Styler:
        """The headline KPI table in the Glasgow form, for display.

        Returns
        -------
        pandas.io.formats.style.Styler
            KPI | Target | Actual | Period | RAG status | Direction in last 12 months | Cases | Low
            numbers; RAG cells coloured and carrying the word, direction as ``"↑ Improved"``.
            Public audience: cases and percentages suppressed as :func:`suppress_within_timescale`
            says, and the RAG status and direction of a suppressed percentage withheld with it.
        """
        data = self.headline_data()
        shown = pd.DataFrame(
            {
                "kpi": data["kpi"],
                "target": _target_text(data["target"], data["unit"], data["target_source"]),
                "actual": data["display_value"],
                "period": data["period"],
                "rag": data["rag"],
                "direction": _direction_text(data["direction"], data["direction_arrow"]),
                "cases": data["denominator"],
                "low_numbers": _low_numbers_text(data["low_numbers"]),
                "variation": data["variation_text"],
                "assurance": data["assurance_text"],
                "_within": data["numerator"],
            }
        )
        pending = data["pending"].astype("Float64").fillna(0)
        if self.public:
            shown = shown.astype(object)
            symbol = self.settings.suppression_symbol
            code, now, before = (
                self.council.code,
                self.quarter.label,
                self.quarter.year_earlier().label,
            )
            for i, ind_id in enumerate(data["indicator"]):
                key = self.figure_key(ind_id)
                row = data.iloc[i]
                hide_now = self._hidden(key, code, now, PERCENTAGE, row["value"])
                hide_before = self._hidden(key, code, before, PERCENTAGE, row["previous_value"])
                if hide_now:
                    shown.loc[i, ["actual", "rag", "variation", "assurance"]] = symbol
                if hide_now or hide_before:
                    shown.loc[i, "direction"] = symbol
                if self._hidden(key, code, now, DENOMINATOR, row["denominator"]):
                    shown.loc[i, "cases"] = symbol
            pending = self._public_pending(pending)
        shown = shown.drop(columns="_within").assign(
            cases=lambda f: _cases_text(f["cases"], pending),
            actual=lambda f: _marked(f["actual"], data["provisional"]),
        )
        scheme = self.defs.targets.rag_scheme(self.council.code)
        waiting = int(data["pending"].astype("Float64").fillna(0).sum())
        if self.public and (
            _is_small_count(pd.Series([waiting]), self.settings.suppression_threshold).iloc[0]
            or any(isinstance(p, str) for p in pending)
        ):
            waiting = 0  # a small number of pending cases is not stated
        caption = (
            f"Key performance indicators, {self.council.name}, {self.quarter}. Targets: the "
            f"council's own, or the national default where it sets none. RAG status: "
            f"{status.describe_rag_scheme(scheme)} Direction: against {self.quarter.year_earlier()}, "
            "Improved or Declined only when the change is statistically significant at 95%. Cases: the "
            "number behind each percentage. Variation and assurance (statistical process control): see "
            "the method notes."
            f"{self._provisional_note(waiting, bool(_flag(data['provisional']).any()))}"
            f"{self._suppression_note()}"
        )
        return _styled(shown, caption, rag_column="rag")

    def _provisional_note(self, pending: int, any_provisional: bool) -> str:
        """The caption sentence about provisional figures: empty when there are none."""
        if not any_provisional:
            return ""
        waiting = f" {status.format_value(pending)} cases are still pending." if pending else ""
        return (
            f" A figure marked {PROVISIONAL_TEXT} can still change: some of its cases had not "
            f"reached their deadline by the extract date ({long_date(self.results.as_at)}), or "
            f"its period had not ended; it gets no RAG status and no direction.{waiting}"
        )

    # -- 2. quarter by quarter
    # -------------------------------------------------------------------------------------

    def quarterly_indicators(self) -> list[str]:
        """The headline KPIs reported quarterly as a percentage (timescales and proportions), in
        order."""
        cat = self.defs.catalogue
        return [
            i
            for i in self.headline_indicators()
            if cat.get(i).frequency == "quarterly" and cat.get(i).is_proportion
        ]

    def _quarterly_indicator(self, indicator: str) -> Indicator:
        ind = self._indicator(indicator)
        if ind.frequency != "quarterly" or not ind.is_proportion:
            raise ValueError(
                f"{indicator!r} is not a quarterly percentage ({ind.frequency} {ind.type}); the "
                "quarterly table shows timescales and proportions such as "
                f"{', '.join(self.quarterly_indicators()[:3])}"
            )
        return ind

    @_memoised
    def quarterly_data(self, indicator: str, n: int = QUARTERLY_TABLE_QUARTERS) -> pd.DataFrame:
        """The last ``n`` quarters of one percentage KPI, ending with the report quarter, oldest
        first.

        Parameters
        ----------
        indicator : str
            A quarterly timescale or proportion indicator id.
        n : int, default 8
            Quarters shown.

        Returns
        -------
        pandas.DataFrame
            Columns indicator, period (the quarter), denominator (total cases), numerator (number
            within timescale), value (exact percent), display_value (from the counts, rounded half
            up), target, target_source, low_numbers, excluded, pending, provisional. Newest LAST.
            A quarter before the data starts has missing counts and ``"n/a"``. The columns period,
            value and denominator suit :func:`jswlib.present.charts.trend_chart`; they are not
            suppressed, even for the public audience.

        Raises
        ------
        ValueError
            For an unknown indicator, one that is not a quarterly percentage, or ``n`` less than 1.
        """
        ind = self._quarterly_indicator(indicator)
        labels = [p.label for p in self.quarter.last_n(n)]
        used = [
            "period",
            "denominator",
            "numerator",
            "value",
            "excluded",
            "pending",
            "provisional",
        ]
        # each quarter's row among the council's own-standard rows (-1 where there is none): the
        # rows reindexed by period without cutting a frame or building an index (they have one
        # row a period)
        mine = self._own_positions.get(("quarterly", ind.id), np.empty(0, dtype=np.intp))
        periods = self._own_column("period")
        found = {periods[i]: i for i in mine.tolist()}
        where = np.array([found.get(label, -1) for label in labels], dtype=np.intp)
        rows = {column: self._own_column(column) for column in used}
        counts = {c: _counts_at(rows[c], where) for c in ("denominator", "numerator")}
        numbers = {c: counts[c].to_numpy(dtype="float64", na_value=np.nan) for c in counts}
        return pd.DataFrame(
            {
                "indicator": ind.id,
                "period": labels,
                "denominator": counts["denominator"],
                "numerator": counts["numerator"],
                "value": _numbers_at(rows["value"], where),
                "display_value": status.format_percentage(
                    numbers["numerator"], numbers["denominator"]
                ).to_numpy(),
                "target": self.defs.targets.target(ind.id, self.council.code),
                "target_source": self._target_source(ind.id),
                "low_numbers": status.low_numbers(numbers["denominator"]).to_numpy(),
                "excluded": _counts_at(rows["excluded"], where),
                "pending": _counts_at(rows["pending"], where),
                "provisional": _flags_at(rows["provisional"], where),
            }
        )

    def trend_chart_html(self, indicator: str, n: int = QUARTERLY_TABLE_QUARTERS) -> str:
        """The trend chart of one quarterly KPI (with its target line, and Scotland for
        comparison) as HTML.

        Returns
        -------
        str
            A ``<figure>`` holding the chart as inline SVG (:mod:`jswlib.present.svg`), with the
            chart's text alternative as its accessible name and as a visible caption, so that it
            reads without the picture and prints.
        """
        from jswlib.present import charts

        data = self.quarterly_data(indicator, n)
        ind = self.defs.catalogue.get(indicator)
        labels = list(data["period"])
        # A provisional quarter is labelled so on the axis and in the text alternative.
        shown_labels = [
            f"{p} {PROVISIONAL_TEXT}" if f else p
            for p, f in zip(labels, data["provisional"], strict=True)
        ]
        # Scotland's row of each quarter by position (-1 where there is none picks the NaN)
        mine = self._scotland_positions.get((indicator,), np.empty(0, dtype=np.intp))
        periods = self._scotland_column("period")
        found: dict[str, int] = {}
        for i in mine.tolist():
            found.setdefault(periods[i], i)  # the first row of a period, as an index lookup
        where = np.array([found.get(label, -1) for label in labels], dtype=np.intp)
        comparison = pd.DataFrame(
            {
                "period": labels,
                **{
                    column: _numbers_at(self._scotland_column(column), where)
                    for column in ("numerator", "value", "denominator")
                },
            }
        )
        raw = data
        data = self._protected_series(self.figure_key(indicator), self.council.code, data)
        comparison_shown = self._protected_series(indicator, SCOTLAND_CODE, comparison)
        left_out = self._left_out(raw, data) if self.public else []  # nothing is left out else
        # the columns the chart draws, the quarters labelled as shown
        comparison = pd.DataFrame(
            {
                "period": shown_labels,
                "value": comparison_shown["value"].to_numpy(),
                "denominator": comparison_shown["denominator"].to_numpy(),
            }
        )
        fig = charts.trend_chart(
            pd.DataFrame(
                {
                    "period": shown_labels,
                    "value": data["value"].to_numpy(),
                    "denominator": data["denominator"].array,
                }
            ),
            title=self.indicator_title(indicator),
            target=data["target"].iloc[0],
            unit=ind.unit,
            council_label=self.council.name,
            comparison=comparison,
            comparison_label="Scotland",
            polarity=ind.polarity,
            output="svg",
        )
        alt = getattr(fig, charts.ALT_TEXT_ATTRIBUTE, "")
        if left_out:
            alt += (
                f" Not plotted, to protect privacy ({self.settings.suppression_symbol} in the "
                f"table): {', '.join(left_out)}."
            )
        return charts.figure_html(fig, alt)

    @cached_property
    def _spc_cache(self) -> dict[str, pd.DataFrame]:
        return {}

    @_memoised
    def spc_series(self, indicator: str) -> pd.DataFrame:
        """The series of one KPI that SPC judges, on the council's own standard.

        Returns
        -------
        pandas.DataFrame
            :func:`jswlib.present.national.spc_series`: the last 36 complete months ending with the
            report quarter where at least 12 have a value, else the last 16 quarters; columns
            period, value, numerator, denominator.
        """
        self._indicator(indicator)
        if self.public:
            # Public charts are quarterly (monthly counts of a small council are mostly
            # suppressed) and draw from the protected figures: a suppressed point is missing.
            where = self._own_positions.get(("quarterly", indicator), np.empty(0, dtype=np.intp))
            columns = {c: self._own_column(c)[where] for c in SPC_SERIES_COLUMNS}
            series = spc_series_of_columns(columns, self.quarter.end)
            protected = self._protected_series(
                self.figure_key(indicator), self.council.code, series
            )
            protected.attrs.update(series.attrs, left_out=self._left_out(series, protected))
            return protected
        positions = self._own_positions
        found = [positions.get((f, indicator)) for f in ("monthly", "quarterly")]
        found = [p for p in found if p is not None]
        where = np.concatenate(found) if found else np.empty(0, dtype=np.intp)
        # the indicator's rows taken from the columns SPC reads, not cut from the whole frame
        columns = {c: self._own_column(c)[where] for c in SPC_SERIES_COLUMNS}
        return spc_series_of_columns(columns, self.quarter.end)

    def spc_data(self, indicator: str) -> pd.DataFrame:
        """The SPC frame of one KPI: :func:`jswlib.judge.spc.xmr`, or a p-chart where its
        denominators are small or vary (computed once per report).

        Returns
        -------
        pandas.DataFrame
            One row per point of :meth:`spc_series`, with ``attrs`` ``variation`` and ``assurance``
            (against the council's target).
        """
        if indicator not in self._spc_cache:
            ind = self._indicator(indicator)
            target = self.defs.targets.target(indicator, self.council.code)
            self._spc_cache[indicator] = spc_frame(self.spc_series(indicator), ind, target)
        return self._spc_cache[indicator]

    def _spc_summary(self, indicator: str) -> dict[str, Any]:
        """``spc.spc_summary(self.spc_data(indicator))``; from the chart's ``attrs`` alone where
        its frame has not been built."""
        if indicator in self._spc_cache:
            return spc.spc_summary(self._spc_cache[indicator])
        return spc.summary_of_attrs(self._spc_parts(indicator)[2])

    def _spc_parts(self, indicator: str) -> tuple:
        """:func:`jswlib.present.national.spc_parts` of the indicator's SPC series (worked out
        once: the headline's summary and the chart share it)."""
        memo = self._memo
        key = ("_spc_parts", indicator)
        if key not in memo:
            ind = self._indicator(indicator)
            target = self.defs.targets.target(indicator, self.council.code)
            memo[key] = spc_parts(self.spc_series(indicator), ind, target)
        return memo[key]

    def spc_chart_html(self, indicator: str) -> str:
        """The SPC chart of one KPI (monthly where the data allow, else quarterly) as HTML.

        Returns
        -------
        str
            A ``<figure>`` with the chart as inline SVG and its one-sentence text alternative as
            accessible name and caption (:func:`jswlib.present.charts.figure_html`); a short
            paragraph when there are no complete periods.
        """
        ind = self._indicator(indicator)
        series = self.spc_series(indicator)
        if not series.empty and series.attrs.get("left_out") and not series["value"].notna().any():
            return (
                "<p>No statistical process control chart for "
                f"{html.escape(self.indicator_title(indicator))}: "
                "every quarter's figure is suppressed to protect privacy.</p>"
            )
        if series.empty or not series["value"].notna().any():
            return f"<p>No statistical process control chart: {html.escape(ind.title_for())} has no data.</p>"
        fig = spc_figure(
            series,
            ind,
            self.defs.targets.target(indicator, self.council.code),
            title=self.indicator_title(indicator),
            label=self.council.name,
            output="svg",
            parts=self._spc_parts(indicator),
        )
        page = charts.figure_html(fig)
        left_out = series.attrs.get("left_out") or []
        if left_out:
            note = html.escape(
                f" Not plotted, to protect privacy: {', '.join(left_out)}; the limits rest on the "
                f"quarters shown."
            )
            page = page.replace("</figcaption>", f"{note}</figcaption>", 1)
            page = re.sub(r'(alt="[^"]*)"', lambda m: m.group(1) + note + '"', page, count=1)
        return page

    def quarterly_table(self, indicator: str, n: int = QUARTERLY_TABLE_QUARTERS) -> Styler:
        """The quarter-by-quarter table of one KPI in the South Lanarkshire form, for display.

        Returns
        -------
        pandas.io.formats.style.Styler
            Quarter | Total cases | Number within timescale | % within timescale | Target | Low
            numbers, oldest quarter first. Public audience: :func:`suppress_within_timescale`.
        """
        data = self.quarterly_data(indicator, n)
        unit = self.defs.catalogue.get(indicator).unit
        index = data.index
        # the columns as lists, their texts made in plain Python (the helpers' lists)
        periods, nums, dens = (data[c].tolist() for c in ("period", "numerator", "denominator"))
        cases, within, percent = list(dens), list(nums), data["display_value"].tolist()
        if self.public:
            symbol, key, code = (
                self.settings.suppression_symbol,
                self.figure_key(indicator),
                self.council.code,
            )
            for i, (period, num, den, value) in enumerate(
                zip(periods, nums, dens, data["value"].tolist())
            ):
                if self._hidden(key, code, period, PERCENTAGE, value):
                    percent[i] = symbol
                if self._hidden(key, code, period, NUMERATOR, num):
                    within[i] = symbol
                if self._hidden(key, code, period, DENOMINATOR, den):
                    cases[i] = symbol
        targets = data["target"].astype("float64").tolist()
        shown = pd.DataFrame(
            {
                "quarter": data["period"],
                "total_cases": pd.Series(
                    _cases_texts(cases, data["pending"].tolist()), index=index, dtype=object
                ),
                "within": pd.Series([_one_text(v) for v in within], index=index, dtype=object),
                "percent_within": pd.Series(
                    _marked_texts(percent, _flag(data["provisional"])), index=index, dtype=object
                ),
                "target": pd.Series(
                    [
                        _with_source(status.format_value(t, unit, missing=NO_TARGET_TEXT), s)
                        for t, s in zip(targets, data["target_source"].tolist(), strict=True)
                    ],
                    index=index,
                    dtype="str",
                ),
                "low_numbers": pd.Series(
                    _low_numbers_texts(data["low_numbers"].tolist()), index=index, dtype="str"
                ),
            }
        )
        pending = int(data["pending"].astype("Float64").fillna(0).sum())
        caption = (
            f"{self.indicator_title(indicator)}: {self.council.name}, the {len(data)} quarters to "
            f"{self.quarter}, "
            f"oldest first. Percentages are computed from the counts and rounded half up."
            f"{self._provisional_note(pending, bool(data['provisional'].any()))}{self._suppression_note()}"
        )
        return _styled(shown, caption)

    # -- 3. comparison
    # ---------------------------------------------------------------------------------------------

    @_memoised
    def comparison_data(self) -> pd.DataFrame:
        """The council beside its family group and Scotland, for the quarter and the last four
        quarters pooled.

        Returns
        -------
        pandas.DataFrame
            Three rows per headline percentage KPI, in the order council, family group, Scotland
            (never ranked): indicator, kpi (on the national standard), level, area ("Family group 4
            ..."), quarter, numerator, denominator, value, display_value, low_numbers,
            pooled_period ("Q3 2024/25 to Q2 2025/26"), pooled_numerator, pooled_denominator,
            pooled_value, pooled_display_value, note.

        Notes
        -----
        All three rows use the national standard (results ``basis`` ``national``), so like is
        compared with like; where the council sets a local standard its row says so in ``note``.
        Four quarters are pooled by summing numerators and denominators, never by averaging
        percentages. Counts are not compared across areas of different sizes, so only percentage
        KPIs appear.
        """
        cat = self.defs.catalogue
        ids = [i for i in self.headline_indicators() if cat.get(i).is_proportion]
        quarters = self.quarter.last_n(POOLED_QUARTERS)
        labels = [p.label for p in quarters]
        group = self.council.family_group
        areas = (
            (self.council.code, "council", self.council.name),
            (group, "family group", self.defs.councils.family_groups[group]),
            (SCOTLAND_CODE, "Scotland", "Scotland"),
        )
        span = span_label(quarters[0], quarters[-1])
        found = [_national_quarterly_rows(self.results, code) for code, _, _ in areas]
        if all(f is not None for f in found):  # each area's rows found by key
            latest, pooled = _comparison_lookups(
                self.results,
                dict(zip([a[0] for a in areas], found, strict=True)),
                ids,
                labels,
                self.quarter.label,
            )
        else:  # some area has two rows of a key: as pandas groups them
            latest, pooled = self._comparison_frames(ids, areas, labels)
        records = [
            self._comparison_row(cat.get(ind_id), code, level, name, latest, pooled, span)
            for ind_id in ids
            for code, level, name in areas
        ]
        return pd.DataFrame(records, columns=list(COMPARISON_COLUMNS))

    def _comparison_frames(self, ids: list[str], areas: tuple, labels: list[str]) -> tuple:
        """The quarter's rows and the pooled sums of :meth:`comparison_data` by (indicator, area
        code), grouped by pandas."""
        table = _rows_of(self.results, [a[0] for a in areas])
        rows = table[
            (table["frequency"] == "quarterly")
            & (table["basis"] == "national")
            & table["indicator"].isin(ids)
            & table["period"].isin(labels)
        ]
        pooled = rows.groupby(["indicator", "council"])[["numerator", "denominator"]].sum(
            min_count=1
        )
        pooled["provisional"] = rows.groupby(["indicator", "council"])["provisional"].any()
        latest = rows[rows["period"] == self.quarter.label].set_index(["indicator", "council"])
        return _ByKey(latest), _ByKey(pooled)

    def _comparison_row(self, ind, code, level, name, latest, pooled, pooled_period) -> dict:
        key = (ind.id, code)
        num = latest.get(key, "numerator", pd.NA)
        den = latest.get(key, "denominator", pd.NA)
        p_num = pooled.get(key, "numerator", pd.NA)
        p_den = pooled.get(key, "denominator", pd.NA)
        note = ""
        if level == "council" and self._has_local_standard(ind):
            note = (
                f"On the national standard ({self._standard_text(ind, None)}) to compare like "
                f"with like; {self.council.name}'s own standard is "
                f"{self._standard_text(ind, self.council.code)}."
            )
        value = _value_of(num, den, ind)
        pooled_value = _value_of(p_num, p_den, ind)
        return {
            "indicator": ind.id,
            "kpi": ind.title_for(self.defs.targets.standard(ind, None)),
            "level": level,
            "area": name,
            "quarter": self.quarter.label,
            "numerator": num,
            "denominator": den,
            "value": value,
            "display_value": _display_of(value, num, den, ind),
            "low_numbers": status.low_numbers(den),
            "provisional": bool(latest.get(key, "provisional", False)),
            "pooled_period": pooled_period,
            "pooled_numerator": p_num,
            "pooled_denominator": p_den,
            "pooled_value": pooled_value,
            "pooled_display_value": _display_of(pooled_value, p_num, p_den, ind),
            "pooled_provisional": bool(pooled.get(key, "provisional", False)),
            "note": note,
        }

    def comparison_table(self) -> Styler:
        """The comparison with the family group and Scotland, for display (no ranking).

        Returns
        -------
        pandas.io.formats.style.Styler
            One row per KPI (its name once): the council, its family group and Scotland, each for
            the latest quarter and the last four quarters pooled, as ``"71% of 15"`` (the
            percentage and the number of cases), then a note. Public audience: figures as
            :meth:`figure` shows them.
        """
        data = self.comparison_data()
        quarter = self.quarter
        pool = quarter.last_n(POOLED_QUARTERS)
        pool_label = span_label(pool[0], pool[-1])
        codes = {"council": self.council.code, "family group": self.council.family_group,
                 "Scotland": SCOTLAND_CODE}  # fmt: skip
        short = {"council": self.council.name, "family group": _short_group(
            self.defs.councils.family_groups[self.council.family_group]), "Scotland": "Scotland"}  # fmt: skip
        records: dict[str, dict[str, str]] = {}
        notes: dict[str, str] = {}
        for rec in data.to_dict("records"):
            row = records.setdefault(rec["indicator"], {LABELS["kpi"]: rec["kpi"]})
            area = codes[rec["level"]]
            for period, num, den, text, heading, provisional in (
                (quarter.label, rec["numerator"], rec["denominator"], rec["display_value"],
                 COMPARISON_HEADINGS[0].format(area=short[rec["level"]], quarter=quarter),
                 rec["provisional"]),
                (pool_label, rec["pooled_numerator"], rec["pooled_denominator"],
                 rec["pooled_display_value"], COMPARISON_HEADINGS[1].format(area=short[rec["level"]]),
                 rec["pooled_provisional"]),
            ):  # fmt: skip
                share = self._share_text(rec["indicator"], area, period, num, den, text)
                if provisional and not share.startswith((self.settings.suppression_symbol, "n/a")):
                    share = f"{share} {PROVISIONAL_TEXT}"
                row[heading] = share
            notes[rec["indicator"]] = notes.get(rec["indicator"]) or rec["note"]
        shown = pd.DataFrame(list(records.values()))
        if any(notes.values()):
            shown[LABELS["note"]] = [notes.get(i, "") for i in records]
        if shown.empty:
            shown = pd.DataFrame(columns=[LABELS["kpi"]])
        marked = bool(data["provisional"].any() or data["pooled_provisional"].any())
        caption = (
            f"{self.council.name} beside "
            f"{self.defs.councils.family_groups[self.council.family_group]} and Scotland: the "
            f"latest quarter ({quarter}) and the last four quarters ({pool_label}) pooled from "
            "the counts, each as a percentage of the number of cases. Every row uses the "
            "national standard, so like is compared with like; areas are not "
            f"ranked.{self._provisional_note(0, marked)}{self._suppression_note()}"
        )
        return _styled(shown, caption)

    def _share_text(self, key: str, area: str, period: str, num: Any, den: Any, text: str) -> str:
        """``"71% of 15"``: a percentage and its cases as this report may show them."""
        if pd.isna(den) or den == 0:
            return status.NOT_AVAILABLE_TEXT
        value = status.percentage(num, den) if pd.notna(num) else np.nan
        pct = self.figure(key, area, period, PERCENTAGE, value)
        cases = self.figure(key, area, period, DENOMINATOR, den)
        pct_text = pct if isinstance(pct, str) else text
        cases_text = cases if isinstance(cases, str) else f"{int(cases):,}"
        return f"{pct_text} of {cases_text}"

    # -- 4. counts and activity
    # --------------------------------------------------------------------------------------

    def _activity_period(self, ind: Indicator) -> Period | None:
        """The completed period an activity indicator reports in this quarter, or None (not
        due)."""
        if ind.frequency == "quarterly":
            return self.quarter
        if ind.frequency == "6-monthly":
            return self.quarter.half_year if self.quarter.number in (2, 4) else None
        return self.quarter.financial_year if self.quarter.number == 4 else None

    def activity_indicators(self) -> list[str]:
        """The activity indicators due in this quarter's report.

        Returns
        -------
        list of str
            ``activity`` of ``params/report.yaml``, in order, without the 6-monthly ones at Q1 and
            Q3 and the annual ones before Q4 (their period has not closed).
        """
        cat = self.defs.catalogue
        return [i for i in self.settings.activity if self._activity_period(cat.get(i)) is not None]

    def _year_to_date(self, ind: Indicator, period: Period, rows: np.ndarray) -> tuple:
        """(period label, numerator, denominator, value) of the financial year to date, where
        meaningful; ``rows`` are the positions of the indicator's own-standard rows (of its
        frequency)."""
        if (
            ind.frequency == "annual"
            or ind.basis != "events"
            or ind.type not in ("count", "sum", "average")
        ):
            return "", pd.NA, pd.NA, float("nan")
        parts = [
            p
            for p in period.financial_year.subperiods(FREQUENCY_CODES[ind.frequency])
            if p <= period
        ]
        labels = {p.label for p in parts}
        periods = self._own_column("period")
        chosen = [i for i in rows.tolist() if periods[i] in labels]
        num = _sum_or_missing(self._own_column("numerator"), chosen)
        den = (
            _sum_or_missing(self._own_column("denominator"), chosen)
            if ind.type != "count"
            else pd.NA
        )
        return span_label(parts[0], period), num, den, _value_of(num, den, ind)

    def _activity_row(self, ind: Indicator) -> dict:
        period = self._activity_period(ind)
        earlier = period.year_earlier()
        # the indicator's rows by position among the own-standard columns (not cut as a frame)
        own = self._own_positions.get((ind.frequency, ind.id), np.empty(0, dtype=np.intp))
        periods = self._own_column("period")
        first: dict[str, int] = {}
        for position in own.tolist():
            first.setdefault(periods[position], position)
        now, before = first.get(period.label), first.get(earlier.label)
        columns = ("numerator", "denominator", "value", "std_dev", "provisional")
        arrays = {column: self._own_column(column) for column in columns}

        def pick(position: int | None, column: str) -> Any:
            """The value in the first row of the period, as ``Series.iloc`` gives it."""
            return pd.NA if position is None else arrays[column][position]

        value, previous = pick(now, "value"), pick(before, "value")
        ytd_period, ytd_num, ytd_den, ytd_value = self._year_to_date(ind, period, own)
        digits = AVERAGE_DIGITS if ind.type == "average" else 0
        return {
            "indicator": ind.id,
            "title": ind.title_for(),
            "type": ind.type,
            "unit": ind.unit,
            "frequency": ind.frequency,
            "polarity": ind.polarity,
            "period": period.label,
            "numerator": pick(now, "numerator"),
            "denominator": pick(now, "denominator"),
            "value": float(value) if pd.notna(value) else float("nan"),
            "display_value": status.format_value(value, ind.unit, digits),
            "std_dev": pick(now, "std_dev"),
            "provisional": bool(pick(now, "provisional")) if now is not None else False,
            "previous_period": earlier.label,
            "previous_numerator": pick(before, "numerator"),
            "previous_denominator": pick(before, "denominator"),
            "previous_value": float(previous) if pd.notna(previous) else float("nan"),
            "previous_display_value": status.format_value(previous, ind.unit, digits),
            "previous_std_dev": pick(before, "std_dev"),
            "previous_provisional": (
                bool(pick(before, "provisional")) if before is not None else False
            ),
            "ytd_period": ytd_period,
            "ytd_numerator": ytd_num,
            "ytd_denominator": ytd_den,
            "ytd_value": ytd_value,
            "ytd_display_value": status.format_value(ytd_value, ind.unit, digits),
        }

    @_memoised
    def activity_data(self) -> pd.DataFrame:
        """Counts and activity: this period, the same period a year earlier, and the financial
        year to date.

        Returns
        -------
        pandas.DataFrame
            One row per indicator of :meth:`activity_indicators`: indicator, title, type, unit,
            frequency, polarity, period (the completed period: ``Q2 2025/26``, ``H1 2025/26`` or
            ``2025/26``), numerator, denominator, value, display_value, previous_* (a year
            earlier), ytd_* (financial year to date), direction, direction_arrow.

        Notes
        -----
        The year to date sums the periods of the financial year so far (averages pool their sums
        and counts); it is left blank (``"n/a"``) where adding up is not meaningful: distinct
        people or open cases counted in several periods, and annual indicators (the period is the
        year). Direction compares with the same period a year earlier and is called a change only
        when significant at 95% (:func:`jswlib.judge.status.compare_periods`: counts of events and
        people by the exact conditional Poisson test, averages by Welch's interval; sums are not
        tested). A provisional figure gets no direction.
        """
        cat = self.defs.catalogue
        records = [self._activity_row(cat.get(i)) for i in self.activity_indicators()]
        if not records:
            return pd.DataFrame(
                columns=["indicator", "title", "period", "value", "direction", "direction_arrow"]
            )
        frame = pd.DataFrame(records)
        kinds = frame["type"].map(ACTIVITY_COMPARISON).fillna("other")
        directions = status.compare_periods(
            kinds,
            frame["polarity"],
            frame["value"],
            frame["previous_value"],
            denominator=frame["denominator"],
            previous_denominator=frame["previous_denominator"],
            sd=frame["std_dev"],
            previous_sd=frame["previous_std_dev"],
            provisional=frame["provisional"],
            previous_provisional=frame["previous_provisional"],
        )
        return pd.concat([frame, directions], axis=1)

    def activity_table(self) -> Styler:
        """The counts-and-activity table, for display.

        Returns
        -------
        pandas.io.formats.style.Styler
            Indicator | Unit | Period | Value | Same period a year earlier | Change | Financial
            year to date | Year to date covers. Public audience: a count of 1-4 (for sums and
            averages: a value resting on 1-4 records) is suppressed, with its change; the year to
            date is suppressed with the period's value.
        """
        data = self.activity_data()
        if data.empty:
            shown = pd.DataFrame(
                columns=[
                    "indicator",
                    "unit",
                    "period",
                    "value",
                    "previous",
                    "change",
                    "year_to_date",
                ]
            )
            return _styled(
                shown, f"Counts and activity, {self.council.name}: none due in {self.quarter}."
            )
        counted = data["type"].isin(["count", "people"])
        shown = pd.DataFrame(
            {
                "indicator": data["title"],
                "unit": data["unit"],
                "period": data["period"],
                "value": _marked(data["display_value"], data["provisional"]),
                "previous": _marked(data["previous_display_value"], data["previous_provisional"]),
                "change": _direction_text(data["direction"], data["direction_arrow"]),
                "year_to_date": data["ytd_display_value"].where(
                    data["ytd_period"] != "", status.NOT_AVAILABLE_TEXT
                ),
                "year_to_date_period": data["ytd_period"],
                "_now": data["numerator"].where(counted, data["denominator"]),
                "_before": data["previous_numerator"].where(counted, data["previous_denominator"]),
                "_ytd": data["ytd_numerator"].where(counted, data["ytd_denominator"]),
            }
        )
        if self.public:
            shown = shown.astype(object)
            symbol, code = self.settings.suppression_symbol, self.council.code
            for i, rec in enumerate(data.to_dict("records")):
                measure = COUNT if counted.iloc[i] else DENOMINATOR
                ind_id = rec["indicator"]
                hide_now = self._hidden(
                    ind_id, code, rec["period"], measure, shown["_now"].iloc[i]
                )
                hide_before = self._hidden(
                    ind_id, code, rec["previous_period"], measure, shown["_before"].iloc[i]
                )
                if hide_now:
                    shown.loc[i, "value"] = symbol
                if hide_before:
                    shown.loc[i, "previous"] = symbol
                if hide_now or hide_before:
                    shown.loc[i, "change"] = symbol
                if rec["ytd_period"] and self._hidden(
                    ind_id, code, rec["ytd_period"], measure, shown["_ytd"].iloc[i]
                ):
                    shown.loc[i, "year_to_date"] = symbol
        shown = shown.drop(columns=["_now", "_before", "_ytd"])
        provisional = bool(data["provisional"].any() or data["previous_provisional"].any())
        caption = (
            f"Counts and activity, {self.council.name}: the period closing with {self.quarter} "
            "(6-monthly figures at Q2 and Q4, annual figures at Q4), the same period a year "
            "earlier and the financial year to date. n/a: not available, or not meaningful to "
            "add up (people counted in several periods). Change: Increased, Decreased, Improved "
            "or Declined only when statistically significant at 95%; sums of hours are not "
            f"tested.{self._provisional_note(0, provisional)}{self._suppression_note()}"
        )
        return _styled(shown, caption)

    # -- 5. data quality
    # ---------------------------------------------------------------------------------------------

    def data_quality_data(self) -> pd.DataFrame:
        """Rows read, used and rejected per table of the extract, with the main reasons, and a
        totals line.

        Returns
        -------
        pandas.DataFrame
            Columns table, title, status, rows_read, rows_used, rows_rejected, main_reasons (the
            top three rules by rows rejected, in words from
            :data:`jswlib.data.validation.RULES`). The last row, table ``"all"``, holds the
            totals. Public audience: the totals line only. The same for every council (the whole
            extract), so worked out once per results.
        """
        frame, totals_row = _data_quality(self.results)
        return totals_row.copy() if self.public else frame.copy()

    def data_quality_table(self) -> Styler:
        """The data-quality table, for display (public audience: the totals line only)."""
        data = self.data_quality_data()
        counts = ["rows_read", "rows_used", "rows_rejected"]
        shown = data[["title", "status", *counts, "main_reasons"]].rename(
            columns={"title": "table"}
        )
        if self.public:
            shown = suppress(
                shown[["table", *counts]], counts, [], self.settings.suppression_threshold
            )
        shown = shown.assign(**{c: _text(shown[c]) for c in counts})
        caption = (
            f"Rows of the whole extract (every council's) dated {long_date(self.results.as_at)} "
            "read, used and rejected by the checks of the data contract; rows read = rows used + "
            f"rows rejected.{self._suppression_note()}"
        )
        return _styled(shown, caption)

    def data_quality_html(self) -> str:
        """The data-quality section as HTML: the table for the internal audience, a sentence for
        the public.

        Returns
        -------
        str
            Internal: :meth:`data_quality_table` (the rows of the whole extract, every council's,
            by table). Public: a sentence: the extract's checks cover every council at once and are
            reported in the national overview, not in one council's report.
        """
        if self.public:
            return (
                "<p>The figures rest on records that passed the checks of the data contract. The "
                "checks cover the records of every council at once, so they are reported in the "
                "national overview rather than here.</p>"
            )
        return self.data_quality_table().to_html()

    # -- 6. commentary
    # ---------------------------------------------------------------------------------------------

    def commentary_sections(self) -> list[tuple[str, str]]:
        """The commentary as (heading, Markdown) pairs: the three standard sections first.

        Returns
        -------
        list of (str, str)
            ``Achievements``, ``Areas for improvement`` and ``Priorities`` (the headings of
            Glasgow's performance update) in that order, each with its text or ``""`` when the
            file has none; then any other ``##`` section of the file, in its order. Text before the
            first heading comes first, headed ``""``. Empty when there is no file.

        Notes
        -----
        A section of the file belongs to a standard one when its heading contains the standard
        word: "achievement", "improvement", "priorit" (so "Strategic priorities" is Priorities).
        HTML comments (authoring notes) are dropped.
        """
        text = read_commentary(self.commentary_path)
        if text is None:
            return []
        text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
        parts = re.split(r"^##[ \t]+(.+?)[ \t]*#*[ \t]*$", text, flags=re.MULTILINE)
        preamble, found = parts[0].strip(), []
        for heading, body in zip(parts[1::2], parts[2::2]):
            found.append((heading.strip(), body.strip()))
        out: list[tuple[str, str]] = [("", preamble)] if preamble else []
        used: set[int] = set()
        for title, word in COMMENTARY_SECTIONS:
            bodies = [
                (n, body)
                for n, (h, body) in enumerate(found)
                if word in h.lower() and n not in used
            ]
            used.update(n for n, _ in bodies)
            out.append((title, "\n\n".join(b for _, b in bodies)))
        out += [pair for n, pair in enumerate(found) if n not in used]
        return out

    def commentary_html(self) -> str:
        """The commentary in its sections, Markdown rendered to HTML (raw HTML escaped), or a note.

        Returns
        -------
        str
            HTML for ``IPython.display.HTML``: each section of :meth:`commentary_sections` under an
            ``<h3>``, "None supplied for this quarter." where a standard section is empty. Raw
            HTML in the Markdown (``<script>``) is escaped, never passed through. Without a file, a
            visible note (for the internal audience, with where the file is expected). Built from
            synthetic data, a note says that the commentary does not describe these figures.
        """
        sections = self.commentary_sections()
        if not sections:
            note = (
                f'<p class="jsw-note"><strong>No commentary supplied</strong> for '
                f"{html.escape(self.council.name)}, {html.escape(self.quarter.label)}"
            )
            if self.public:
                return note + ".</p>"
            try:
                shown = self.commentary_path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                shown = self.commentary_path.name
            return note + f": expected {html.escape(shown)}.</p>"
        render = render_commentary
        out = []
        if self.synthetic:
            out.append(
                '<p class="jsw-note"><strong>Note:</strong> the figures of this report are synthetic; the '
                "commentary was written about real figures and does not describe them.</p>"
            )
        for heading, body in sections:
            if heading:
                out.append(f"<h3>{html.escape(heading)}</h3>")
            out.append(render(body) if body else "<p>None supplied for this quarter.</p>")
        return "".join(out)

    # -- 7. definitions and method
    # ---------------------------------------------------------------------------------

    def definitions_data(self) -> pd.DataFrame:
        """The definition of each headline and activity indicator in the report.

        Returns
        -------
        pandas.DataFrame
            Columns indicator, title (on this council's standard), definition, standard (this
            council's, with the national one where they differ), frequency, target, sources
            (document names).
        """
        ids = self.headline_indicators()
        ids += [i for i in self.activity_indicators() if i not in ids]
        records = []
        for ind_id in ids:
            ind = self.defs.catalogue.get(ind_id)
            standard = self._standard_text(ind, self.council.code)
            if self._has_local_standard(ind):
                standard += f" (local standard; national: {self._standard_text(ind, None)})"
            records.append(
                {
                    "indicator": ind.id,
                    "title": self.indicator_title(ind.id),
                    "definition": ind.description,
                    "standard": standard,
                    "frequency": ind.frequency,
                    "target": self.defs.targets.target(ind.id, self.council.code),
                    "target_source": self._target_source(ind.id),
                    "sources": "; ".join(SOURCE_NAMES.get(s, s) for s in ind.sources),
                }
            )
        return pd.DataFrame(records)

    def definitions_table(self) -> Styler:
        """The definitions, for display: Indicator | Definition | Standard | Frequency | Source
        documents."""
        data = self.definitions_data()
        shown = data[["title", "definition", "standard", "frequency", "sources"]].rename(
            columns={"title": "indicator"}
        )
        return _styled(
            shown, f"Definitions of the indicators in this report, {self.council.name}."
        )

    def _local_holidays_text(self) -> str:
        add, remove = self.defs.holidays.for_council(self.council.code)
        if not add and not remove:
            return f"No local holidays are set for {self.council.name}."
        parts = []
        if add:
            parts.append("added: " + ", ".join(long_date(d) for d in add))
        if remove:
            parts.append("not observed: " + ", ".join(long_date(d) for d in remove))
        return f"Local holidays of {self.council.name}: {'; '.join(parts)}."

    def _local_standards_text(self) -> str:
        own = [
            f"{self.indicator_title(ind.id)} (national standard: {self._standard_text(ind, None)})"
            for ind in self.defs.catalogue
            if ind.id in self.headline_indicators() and self._has_local_standard(ind)
        ]
        mine = f" {self.council.name} sets its own standard for: {'; '.join(own)}." if own else ""
        return (
            "- **Local standards.** "
            f"{UNVERIFIED_LOCAL_STANDARDS[0].upper()}{UNVERIFIED_LOCAL_STANDARDS[1:]} are local "
            f"standards (Glasgow, South Lanarkshire), unverified as national rules.{mine}"
        )

    def method_notes(self) -> str:
        """The method notes, as Markdown: conventions, judgement rules, disclosure control, data
        source.

        Returns
        -------
        str
            Markdown bullets: working days (day 0, Scottish bank holidays, Easter Monday, local
            holidays), the RAG scheme, the direction-of-travel rule, low numbers and intervals,
            rounding, exclusions and pending cases, comparisons, disclosure control, the data
            source, and the local standards that are unverified as national rules (the reports
            say so: see docs/method.md, Timescales).
        """
        q, code = self.quarter, self.council.code
        scheme_name = self.defs.targets.rag_scheme_name(code)
        group = self.defs.councils.family_groups[self.council.family_group]
        small = self.settings.suppression_threshold - 1
        disclosure = (
            f"- **Disclosure control.** A council's counts from 1 to {small}, including the "
            "number of cases not within timescale, are shown as "
            f"{self.settings.suppression_symbol}, with the percentages built on them. Further "
            "figures are suppressed where a hidden count could otherwise be worked out by "
            "subtraction, in this report or another report of the quarter: a family group minus "
            "its councils, the last four quarters minus the quarters shown, a percentage times "
            "its cases. The smallest such figures are chosen, the same in every report; zeros "
            "are shown. Charts leave suppressed points out and say so."
            if self.public
            else "- **Disclosure control.** This internal report shows small numbers: do not "
            "publish it as it is (the public version suppresses them)."
        )
        lines = [
            "### Method notes",
            "",
            "- **Working days.** Timescales in working days are counted from the start date (the "
            "order imposed, the release, the decision), which is day 0: a contact on the same "
            "working day or the next meets a 1-working-day standard. Weekends and Scottish bank "
            "holidays are not working days: 1 and 2 January, Good Friday, the first and last "
            "Mondays in May, the first Monday in August, St Andrew's Day, Christmas Day and "
            "Boxing Day, with substitute days when one falls at a weekend. Easter Monday is not "
            f"a Scottish bank holiday. {self._local_holidays_text()}",
            f"- **RAG status.** {self.council.name} uses the {scheme_name.replace('_', '-')} "
            f"scheme: {status.describe_rag_scheme(self.defs.targets.rag_scheme(code))} The "
            f"status is always written as a word ({', '.join(status.RAG_STATUSES)}), never shown "
            "by colour alone.",
            f"- **Direction in last 12 months.** The quarter ({q}) against the same quarter a "
            f"year earlier ({q.year_earlier()}). A change is called Improved or Declined only "
            "when it is statistically significant at 95%: for percentages, when Newcombe's "
            "hybrid score interval for the difference (built from the two Wilson intervals) "
            "excludes zero; for counts, by the exact conditional test of two Poisson counts; for "
            "averages, when Welch's interval "
            'excludes zero. Otherwise it is "No significant change": on small numbers even a large '
            "swing can be chance (0 of 1 against 1 of 1 is not a decline). The arrow shows which "
            "way the value moved; the word whether that is better or worse.",
            "- **Targets.** Each target is the council's own where it sets one, otherwise the "
            "national default, and the report says which beside it. There are no national "
            "targets: the defaults are those Glasgow City and South Lanarkshire publish (the "
            "lower where both set one), so that every council's figures can be judged.",
            f"- **Low numbers.** Percentages on fewer than {status.LOW_NUMBERS_THRESHOLD} cases "
            "are marked: one case moves them by 10 points or more. The exported data give "
            f"Wilson score {status.CONFIDENCE_LEVEL:.0%} confidence intervals.",
            "- **Rounding.** Percentages are computed from the counts and rounded half up for "
            "display (87.5% shows as 88%), as UK statistical publications do.",
            "- **Periods, exclusions and pending cases.** A timescale case is counted in the "
            "quarter its deadline falls in (the three-month review in the quarter it fell due), "
            "so a quarter that has ended is complete and final. Cases where the person did not "
            "comply, orders transferred in from another council, and orders that ended before "
            "the deadline (no review was due) are left out of the denominator of timescale "
            "percentages and counted separately, as in the national statistics. A case whose "
            "deadline had not passed at the extract date and that has not yet met it is "
            f"pending: the figure it belongs to is marked {PROVISIONAL_TEXT}, and gets no RAG "
            "status and no direction until it can be judged. Successful completions are out of "
            "all orders that ended (national definition).",
            f"- **Comparisons.** {group} and Scotland are pooled from the councils' counts, on "
            "the national standard; four quarters together are pooled the same way, never "
            "averaged from percentages. Councils are not ranked (Local Government Benchmarking "
            "Framework practice).",
            self._spc_notes(),
            disclosure,
            f"- **Data.** The council's case records as extracted on {long_date(self.results.as_at)}"
            + (" (synthetic demonstration data)." if self.synthetic else ".")
            + ("" if self.public else f" Results fingerprint {self.results.fingerprint}."),
            self._local_standards_text(),
        ]
        return "\n".join(lines) + "\n"

    def _spc_notes(self) -> str:
        """The method note on statistical process control, in plain words."""
        variation = "; ".join(
            f"*{spc.variation_label(kind, 'increase').icon if kind == 'common_cause' else 'H/L'} "
            f"{spc.POINT_TYPE_WORDS[kind]}*: {spc.POINT_TYPE_EXPLANATIONS[kind]}"
            for kind in spc.POINT_TYPES[:3]
        )
        assurance = "; ".join(
            f"*{spc.assurance_label(kind).text}*: {spc.ASSURANCE_EXPLANATIONS[kind]}"
            for kind in spc.ASSURANCE_TYPES
        )
        return (
            "- **Variation and assurance (statistical process control).** Each KPI's monthly "
            "series (quarterly where there are too few months) is drawn with its mean and "
            "process limits, as NHS England's Making Data Count does; a p-chart is used where "
            "the number of cases is small or varies. Points outside the limits, runs of 7 on one "
            "side of the mean, trends of 7 rising or falling points, and 2 of 3 points near a "
            "limit are special causes, marked by shape as well as colour. Variation describes "
            f"the latest point: {variation}. Assurance compares the target with the limits: "
            f"{assurance} H and L say whether a special cause is high or low; with fewer than "
            f"{spc.TRIAL_LIMIT_POINTS} points the limits are trial limits, and with fewer than "
            f"{spc.MINIMUM_POINTS} there are none."
        )

    # -- export
    # ---------------------------------------------------------------------------------------------

    @_memoised
    def kpi_export(self) -> pd.DataFrame:
        """The headline KPIs as a plain table for CSV or Excel (no person data; public audience
        suppressed).

        Returns
        -------
        pandas.DataFrame
            Columns council, council_code, audience, indicator, kpi, period, target, numerator,
            denominator, value, display_value, rag, direction, direction_arrow, previous_period,
            previous_value, low_numbers, ci_lower, ci_upper, standard, basis, variation,
            variation_text, assurance, assurance_text (statistical process control), target_source,
            provisional, pending, change, change_lower, change_upper, direction_test. Public
            audience: :func:`suppress_within_timescale` on the quarter's counts (value, display
            value, RAG, direction and interval go with them) and on the previous quarter's counts
            (its value).
        """
        data = self.headline_data()
        out = data.assign(
            council=self.council.name, council_code=self.council.code, audience=self.audience
        )
        columns = [
            "council",
            "council_code",
            "audience",
            "indicator",
            "kpi",
            "period",
            "target",
            "target_source",
            "numerator",
            "denominator",
            "value",
            "display_value",
            "rag",
            "direction",
            "direction_arrow",
            "previous_period",
            "previous_value",
            "low_numbers",
            "ci_lower",
            "ci_upper",
            "standard",
            "basis",
            "variation",
            "variation_text",
            "assurance",
            "assurance_text",
            "provisional",
            "pending",
            "change",
            "change_lower",
            "change_upper",
            "direction_test",
        ]
        if self.public:
            out = out.astype(object)
            symbol, code = self.settings.suppression_symbol, self.council.code
            judged = ["value", "display_value", "rag", "ci_lower", "ci_upper", "variation",
                      "variation_text", "assurance", "assurance_text"]  # fmt: skip
            changed = ["direction", "direction_arrow", "change", "change_lower", "change_upper",
                       "direction_test"]  # fmt: skip
            read = ["indicator", "period", "previous_period", "value", "previous_value",
                    "numerator", "denominator"]  # fmt: skip
            for i, rec in enumerate(_records(data, read)):
                key = self.figure_key(rec["indicator"])
                now, before = rec["period"], rec["previous_period"]
                hide = self._hidden(key, code, now, PERCENTAGE, rec["value"])
                hide_before = self._hidden(key, code, before, PERCENTAGE, rec["previous_value"])
                if hide:
                    out.loc[i, judged] = symbol
                if hide_before:
                    out.loc[i, "previous_value"] = symbol
                if hide or hide_before:
                    out.loc[i, changed] = symbol
                for measure, column, period in ((NUMERATOR, "numerator", now),
                                                (DENOMINATOR, "denominator", now)):  # fmt: skip
                    out.loc[i, column] = self.figure(key, code, period, measure, rec[column])
            out["pending"] = self._public_pending(data["pending"]).astype(object)
        return out[columns].reset_index(drop=True)

    # -- figures: one table behind every figure a reader sees
    # ---------------------------------------------------------------------------------------------

    @cached_property
    def figures(self) -> pd.DataFrame:
        """Every figure of every council's report for the quarter, as shown to this audience.

        Returns
        -------
        pandas.DataFrame
            :func:`jswlib.present.figures.national_figures` with ``suppressed``, ``reason`` and
            ``shown``: for the public audience after
            :func:`jswlib.present.figures.protected_figures` (the same pattern in every report
            of the quarter), for the internal audience every value as it is.
        """
        if self.public:
            return protected_figures(
                self.results,
                self.defs,
                self.settings,
                self.quarter,
                symbol=self.settings.suppression_symbol,
            )
        table = national_figures(self.results, self.defs, self.settings, self.quarter)
        return table.assign(suppressed=False, reason="", shown=table["value"].astype(object))

    @cached_property
    def _figure_lookup(self) -> dict[tuple[str, str, str, str], Any]:
        if self.public:  # the same for every report of the quarter: built once
            return shown_figures(
                self.results,
                self.defs,
                self.settings,
                self.quarter,
                symbol=self.settings.suppression_symbol,
            )
        f = self.figures
        return dict(zip(zip(f["indicator"], f["area"], f["period"], f["measure"]), f["shown"]))

    def figure_key(self, indicator: str, own_standard: bool = True) -> str:
        """The key of an indicator's figures: on the council's own standard where it sets one."""
        ind = self._indicator(indicator)
        if own_standard and self._has_local_standard(ind):
            return local_key(indicator, self.council.code)
        return indicator

    def figure(self, key: str, area: str, period: str, measure: str, value: Any) -> Any:
        """A figure as this report may show it: ``value`` itself, or the suppression symbol.

        Parameters
        ----------
        key : str
            :meth:`figure_key`.
        area : str
            The area's code (council, family group or Scotland).
        period, measure : str
            The period's label; ``numerator``, ``denominator``, ``percentage``, ``count``,
            ``total`` or ``average``.
        value : object
            The value computed for the report.

        Returns
        -------
        object
            ``value`` for the internal audience and wherever it is missing (``NaN`` shows as
            "n/a"); for the public audience the shown value of :attr:`figures`, and the
            suppression symbol for a figure the table does not hold (public outputs fail closed).
        """
        if not self.public or value is None or (not isinstance(value, str) and pd.isna(value)):
            return value
        shown = self._figure_lookup.get(
            (key, area, period, measure), self.settings.suppression_symbol
        )
        return value if not isinstance(shown, str) else shown

    def _hidden(self, key: str, area: str, period: str, measure: str, value: Any) -> bool:
        """Whether a figure is suppressed in this report (never internal, never a missing
        value)."""
        return isinstance(self.figure(key, area, period, measure, value), str) and not isinstance(
            value, str
        )

    def _protected_series(self, key: str, area: str, data: pd.DataFrame) -> pd.DataFrame:
        """A series (period, numerator, denominator, value) with suppressed figures made missing.

        A chart draws from this, so a point the tables suppress is left out of the chart too.
        """
        out = data.copy()
        if not self.public:
            return out
        hide_value, hide_den = [], []
        for period, num, den in zip(out["period"], out["numerator"], out["denominator"]):
            value = (
                status.percentage(num, den) if pd.notna(num) and pd.notna(den) and den else np.nan
            )
            hide_value.append(self._hidden(key, area, period, PERCENTAGE, value))
            hide_den.append(self._hidden(key, area, period, DENOMINATOR, den))
        if any(hide_value):
            _set_missing(out, np.asarray(hide_value), ["numerator", "value"])
        if any(hide_den):
            _set_missing(out, np.asarray(hide_den), ["denominator"])
        return out

    def _left_out(self, before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
        """The periods whose value a protected series left out."""
        gone = before["value"].notna().to_numpy() & after["value"].isna().to_numpy()
        return [str(p) for p, g in zip(before["period"], gone) if g]

    def _public_pending(self, pending: Any) -> pd.Series:
        """Counts of pending cases as a public report may show them: small ones suppressed."""
        values = pd.Series(pending).astype(object)
        if not self.public:
            return values
        small = _is_small_count(values, self.settings.suppression_threshold)
        return values.where(~small, self.settings.suppression_symbol)

    def _area_name(self, code: str) -> str:
        if code == SCOTLAND_CODE:
            return "Scotland"
        if code in self.defs.councils.family_groups:
            return self.defs.councils.family_groups[code]
        return self.defs.councils.get(code).name

    @_memoised
    def figures_file(self) -> pd.DataFrame:
        """Every figure the report shows, one per row: the ``<council-slug>-figures.csv`` next to
        the report.

        Returns
        -------
        pandas.DataFrame
            Columns section, indicator, area, period, measure, value (a number, or the suppression
            symbol for the public audience), in the order of the report. The same figure may
            appear under two sections (the KPI table and the quarter-by-quarter table).

        Notes
        -----
        Built from :meth:`figure`, as the tables, charts and exports are, so a reader can check
        every figure of the report and anyone can audit the suppression. Percentages are rounded
        half up to one decimal place, averages to one.
        """
        rows: list[tuple] = []
        code, quarter = self.council.code, self.quarter
        pool = quarter.last_n(POOLED_QUARTERS)
        pool_label = span_label(pool[0], pool[-1])

        titles: dict[str, str] = {}
        names: dict[str, str] = {}

        def add(section, ind_id, key, area, period, measure, value):
            shown = self.figure(key, area, period, measure, value)
            if not isinstance(shown, str) and pd.notna(shown):
                digits = 1 if measure in (PERCENTAGE, AVERAGE) else 0
                shown = float(status.round_half_up(float(shown), digits))
                shown = int(shown) if digits == 0 else shown
            elif not isinstance(shown, str):
                shown = ""
            if ind_id not in titles:
                titles[ind_id] = self.indicator_title(ind_id)
            if area not in names:
                names[area] = self._area_name(area)
            rows.append((section, titles[ind_id], names[area], period, measure, shown))

        def proportion(section, ind_id, key, area, period, frame_row):
            num, den = frame_row
            add(section, ind_id, key, area, period, NUMERATOR, num)
            add(section, ind_id, key, area, period, DENOMINATOR, den)
            pct = status.percentage(num, den) if pd.notna(num) and pd.notna(den) else np.nan
            add(section, ind_id, key, area, period, PERCENTAGE, pct)

        own_positions = self._own_positions
        own_periods = self._own_column("period")
        own_counts = self._own_column("numerator"), self._own_column("denominator")
        for ind_id in self.headline_indicators():
            key = self.figure_key(ind_id)
            # the quarter's row of the indicator, by position among the own-standard columns
            mine = own_positions.get(("quarterly", ind_id), np.empty(0, dtype=np.intp)).tolist()
            found = {own_periods[i]: i for i in mine}
            for period in (quarter.label, quarter.year_earlier().label):
                at = found.get(period)
                values = (
                    (own_counts[0][at], own_counts[1][at]) if at is not None else (np.nan, np.nan)
                )
                proportion("Key performance indicators", ind_id, key, code, period, values)
            target = self.defs.targets.target(ind_id, code)
            if target is not None:
                rows.append(
                    ("Key performance indicators", self.indicator_title(ind_id), self.council.name,
                     quarter.label, "target", target)
                )  # fmt: skip
        scotland_positions = self._scotland_positions
        scotland_periods = self._scotland_column("period")
        scotland_counts = self._scotland_column("numerator"), self._scotland_column("denominator")
        for ind_id in self.quarterly_indicators():
            key = self.figure_key(ind_id)
            data = self.quarterly_data(ind_id)
            for period, num, den in zip(data["period"], data["numerator"], data["denominator"]):
                proportion("Quarter by quarter", ind_id, key, code, period, (num, den))
            # Scotland's rows of the table's quarters, in the order of its rows
            shown = set(data["period"].tolist())
            mine = scotland_positions.get((ind_id,), np.empty(0, dtype=np.intp)).tolist()
            for i in mine:
                if scotland_periods[i] in shown:
                    proportion("Trend chart", ind_id, ind_id, SCOTLAND_CODE, scotland_periods[i],
                               (scotland_counts[0][i], scotland_counts[1][i]))  # fmt: skip
            if self.public:
                spc = self.spc_series(ind_id)
                for period, num, den in zip(spc["period"], spc["numerator"], spc["denominator"]):
                    add("Statistical process control chart", ind_id, key, code, period, PERCENTAGE,
                        status.percentage(num, den) if pd.notna(den) and den else np.nan)  # fmt: skip
        comparison = self.comparison_data()
        codes = {
            "council": code,
            "family group": self.council.family_group,
            "Scotland": SCOTLAND_CODE,
        }
        for rec in comparison.itertuples(index=False):
            area = codes[rec.level]
            proportion("Comparison", rec.indicator, rec.indicator, area, quarter.label,
                       (rec.numerator, rec.denominator))  # fmt: skip
            proportion("Comparison", rec.indicator, rec.indicator, area, pool_label,
                       (rec.pooled_numerator, rec.pooled_denominator))  # fmt: skip
        activity = self.activity_data()
        read = ["indicator", *(f"{when}{column}" for when in ("", "previous_", "ytd_")
                for column in ("period", "numerator", "denominator", "value"))]  # fmt: skip
        for rec in _records(activity, read) if not activity.empty else []:
            ind = self.defs.catalogue.get(rec["indicator"])
            counted = ind.type in ("count", "people")
            periods = [
                (rec["period"], rec["numerator"], rec["denominator"], rec["value"]),
                (rec["previous_period"], rec["previous_numerator"], rec["previous_denominator"],
                 rec["previous_value"]),
            ]  # fmt: skip
            if rec.get("ytd_period"):
                periods.append(
                    (
                        rec["ytd_period"],
                        rec["ytd_numerator"],
                        rec["ytd_denominator"],
                        rec["ytd_value"],
                    )
                )
            for period, num, den, value in periods:
                if counted:
                    add("Counts and activity", ind.id, ind.id, code, period, COUNT, num)
                else:
                    add("Counts and activity", ind.id, ind.id, code, period, DENOMINATOR, den)
                    measure = AVERAGE if ind.type == "average" else TOTAL
                    add("Counts and activity", ind.id, ind.id, code, period, measure, value)
        return pd.DataFrame(
            rows, columns=["section", "indicator", "area", "period", "measure", "value"]
        )

    # -- committee formats: the KPI table in words, the workbook
    # ---------------------------------------------------------------------------------------------

    @cached_property
    def synthetic(self) -> bool:
        """Whether the extract records that its data are synthetic (the demo data; read once)."""
        return is_synthetic(self.results.data_dir)

    @_memoised
    def kpi_publication_table(self) -> pd.DataFrame:
        """The KPI table as readers get it in CSV and Excel: readable headings, one row per KPI.

        Returns
        -------
        pandas.DataFrame
            KPI | Target (%) | Actual (%) | Period | RAG status | Direction in last 12 months |
            Cases | Number within timescale | Variation | Assurance. Numbers as numbers (exact;
            the workbook rounds them), missing as blank, suppressed figures as the suppression
            symbol; the same figures as the report's KPI table (:meth:`figure`).
        """
        data = self.headline_data()
        symbol, code = self.settings.suppression_symbol, self.council.code
        now, before = self.quarter.label, self.quarter.year_earlier().label
        rows = []
        read = ["indicator", "value", "previous_value", "direction", "direction_arrow", "kpi",
                "target", "period", "rag", "denominator", "numerator", "variation_text",
                "assurance_text"]  # fmt: skip
        for rec in _records(data, read):
            key = self.figure_key(rec["indicator"])
            hide = self._hidden(key, code, now, PERCENTAGE, rec["value"])
            hide_before = self._hidden(key, code, before, PERCENTAGE, rec["previous_value"])
            direction = str(status.Direction(rec["direction"], rec["direction_arrow"]))
            rows.append(
                {
                    "KPI": rec["kpi"],
                    "Target (%)": rec["target"],
                    "Actual (%)": symbol if hide else rec["value"],
                    "Period": rec["period"],
                    "RAG status": symbol if hide else rec["rag"],
                    "Direction in last 12 months": symbol if hide or hide_before else direction,
                    "Cases": self.figure(key, code, now, DENOMINATOR, rec["denominator"]),
                    "Number within timescale": self.figure(
                        key, code, now, NUMERATOR, rec["numerator"]
                    ),
                    "Variation": symbol if hide else rec.get("variation_text", ""),
                    "Assurance": symbol if hide else rec.get("assurance_text", ""),
                }
            )
        frame = pd.DataFrame(rows)
        return frame.astype(object).where(frame.notna(), None)

    def kpi_outputs(self) -> dict[str, Any]:
        """What ``jsw batch`` writes next to the report besides its HTML: ``{"kpis",
        "publication", "workbook", "figures"}``.

        Returns
        -------
        dict
            ``kpis``: :meth:`kpi_export` (its ``rag`` column gives the index page's counts);
            ``publication``: :meth:`kpi_publication_table` (the KPI CSV); ``workbook``:
            :meth:`kpi_workbook`; ``figures``: :meth:`figures_file` (``<slug>-figures.csv``).

        Notes
        -----
        Computed from this report's own sections (each computed once), so a report whose notebook
        has run gives its outputs for little more than the writing of the workbook.
        """
        return {
            "kpis": self.kpi_export(),
            "publication": self.kpi_publication_table(),
            "workbook": self.kpi_workbook(),
            "figures": self.figures_file(),
        }

    def kpi_workbook(self):
        """The KPI workbook: a cover, notes, the KPI table, the comparison and every figure of the
        report.

        Returns
        -------
        jswlib.present.exports.Workbook
            In memory, built by :func:`jswlib.present.exports.build_workbook`; write it with
            :func:`jswlib.present.exports.write_workbook`.
        """
        symbol = self.settings.suppression_symbol
        audience = (
            f"Public: small numbers are suppressed ({symbol})"
            if self.public
            else "Internal: not for publication (small numbers are shown)"
        )
        lines = []
        if self.synthetic:
            lines.append(
                (
                    "Warning",
                    "Synthetic data: these figures describe no real people and no real service.",
                )
            )
        cover = Cover(
            title=self.title(),
            source=f"Case records of the justice social work service of {self.council.name}, as "
            "extracted",
            extract_date=self.results.as_at,
            audience=audience,
            contact=self.settings.contact,
            lines=tuple(lines),
        )
        scheme = status.describe_rag_scheme(self.defs.targets.rag_scheme(self.council.code))
        small = self.settings.suppression_threshold - 1
        notes = [
            (symbol, f"Suppressed to protect privacy: a count from 1 to {small}, or a figure from which one "
             "could be worked out (in this report or another of the same quarter). Zeros are "
             "shown."),
            ("Percentages", "Computed from the counts and rounded half up to whole numbers (87.5 is 88)."),
            ("Cases", "The number of cases behind a percentage (its denominator)."),
            ("RAG status", scheme),
            ("Direction", f"{self.quarter} against {self.quarter.year_earlier()}."),
            ("Comparison", "Family group and Scotland figures are pooled from the councils' counts, on the "
             "national standard; areas are not ranked."),
        ]  # fmt: skip
        pool = self.quarter.last_n(POOLED_QUARTERS)
        pool_label = span_label(pool[0], pool[-1])
        codes = {"council": self.council.code, "family group": self.council.family_group,
                 "Scotland": SCOTLAND_CODE}  # fmt: skip
        comp_rows = []
        read = ["level", "kpi", "area", "indicator", "numerator", "denominator",
                "pooled_numerator", "pooled_denominator"]  # fmt: skip
        for rec in _records(self.comparison_data(), read):
            area = codes[rec["level"]]
            for period, num, den in (
                (self.quarter.label, rec["numerator"], rec["denominator"]),
                (pool_label, rec["pooled_numerator"], rec["pooled_denominator"]),
            ):
                known = pd.notna(num) and pd.notna(den) and den
                value = status.percentage(num, den) if known else None
                comp_rows.append(
                    {
                        "KPI": rec["kpi"],
                        "Area": rec["area"],
                        "Period": period,
                        "Percentage (%)": self.figure(
                            rec["indicator"], area, period, PERCENTAGE, value
                        ),
                        "Cases": self.figure(rec["indicator"], area, period, DENOMINATOR, den),
                    }
                )
        comp = pd.DataFrame(comp_rows)
        comp = comp.astype(object).where(comp.notna(), None)
        figures = self.figures_file().rename(columns=str.capitalize)
        tables = [
            SheetTable("KPIs", f"Key performance indicators, {self.council.name}, {self.quarter}",
                       self.kpi_publication_table(),
                       kinds={"Target (%)": "percentage", "Actual (%)": "percentage", "Cases": "count",
                              "Number within timescale": "count"},
                       description=f"{symbol}: suppressed to protect privacy (see Notes)."),
            SheetTable("Comparison", f"{self.council.name} beside its family group and Scotland", comp,
                       kinds={"Percentage (%)": "percentage", "Cases": "count"},
                       description="Latest quarter and last four quarters pooled, on the national "
                       "standard."),
            SheetTable("Figures", f"Every figure in the report, {self.council.name}, {self.quarter}", figures,
                       description="One figure per row, as the report shows it; percentages and "
                       "averages to one decimal place."),
        ]  # fmt: skip
        return build_workbook(cover, notes, tables, symbol=symbol)
