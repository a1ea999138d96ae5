"""Disclosure control: what a public output may show.

Public reports protect people: a count from 1 to ``threshold - 1`` (1-4 by default;
``suppression_threshold`` in ``params/report.yaml``) is shown as :data:`SUPPRESSED`, and so is
every figure built on it. Zeros are shown. Internal reports are not suppressed. The rules and their
reasons are in docs/method.md, "Disclosure control".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

#: Who a report is for: ``internal`` (all detail) or ``public`` (disclosure control applied).
AUDIENCES: tuple[str, ...] = ("internal", "public")
INTERNAL, PUBLIC = AUDIENCES
#: Text of a suppressed cell in public outputs (the Government Statistical Service mark for
#: "confidential").
SUPPRESSED: str = "[c]"


def check_audience(audience: Any) -> str:
    chosen = str(audience).strip().lower() if isinstance(audience, str) else None
    if chosen not in AUDIENCES:
        raise ValueError(
            f"parameter audience: {audience!r} is not an audience; use 'internal' (all detail) or "
            "'public' (small numbers suppressed)"
        )
    return chosen


def _check_threshold(threshold: Any) -> int:
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, np.integer))
        or threshold < 1
    ):
        raise ValueError(f"threshold must be a whole number of at least 1, got {threshold!r}")
    return int(threshold)


def _is_small(values: Any, threshold: int) -> np.ndarray:
    """Whether each value is a count from 1 to ``threshold - 1`` (text and missing values are
    not)."""
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype("float64")
    return ((numbers >= 1) & (numbers < threshold)).to_numpy(dtype=bool)


def _mark(values: pd.Series, hidden: np.ndarray) -> pd.Series:
    """``values`` as objects, with :data:`SUPPRESSED` where ``hidden``."""
    return values.astype(object).where(~hidden, SUPPRESSED)


def suppress(
    frame: pd.DataFrame,
    count_columns: Sequence[str],
    percent_columns: Sequence[str],
    threshold: int,
) -> pd.DataFrame:
    """Primary suppression: small counts and the percentages built on them become ``[c]``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cell group (a quarter, an area), counts as numbers.
    count_columns : sequence of str
        Columns of counts of people or cases.
    percent_columns : sequence of str
        Columns built on the counts of the same row (a percentage, or a judgement of it such as the
        RAG word).
    threshold : int
        Counts from 1 to ``threshold - 1`` are suppressed (``5``: counts 1-4).

    Returns
    -------
    pandas.DataFrame
        A new frame: the named columns as objects, with :data:`SUPPRESSED` in the suppressed cells
        and the values unchanged elsewhere.

    Raises
    ------
    ValueError
        When ``threshold`` is not a whole number of at least 1.

    Notes
    -----
    Convention (docs/method.md, Disclosure control; no national rule): counts 1-4 are suppressed,
    zeros are shown (a zero discloses nothing about a person), and every percentage column of a row
    with a suppressed count is suppressed too. For a count *within timescale* out of a total, use
    :func:`suppress_within_timescale`, which adds the secondary suppression.

    Examples
    --------
    >>> frame = pd.DataFrame({"area": ["A", "B", "C"], "people": [12, 3, 0], "share": ["60%", "15%", "0%"]})
    >>> suppress(frame, ["people"], ["share"], threshold=5)
      area people share
    0    A     12   60%
    1    B    [c]   [c]
    2    C      0    0%
    """
    threshold = _check_threshold(threshold)
    out = frame.copy()
    hidden_row = np.zeros(len(frame), dtype=bool)
    for column in count_columns:
        small = _is_small(frame[column], threshold)
        out[column] = _mark(frame[column], small)
        hidden_row |= small
    for column in percent_columns:
        out[column] = _mark(frame[column], hidden_row)
    return out


def suppress_within_timescale(
    frame: pd.DataFrame, within: str, total: str, percent_columns: Sequence[str], threshold: int
) -> pd.DataFrame:
    """Primary and secondary suppression of a count within timescale, its total and its percentage.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per quarter (or area), counts as numbers.
    within : str
        Column of the number within timescale (the numerator).
    total : str
        Column of the total cases (the denominator).
    percent_columns : sequence of str
        Columns built on the two counts: the percentage, and any judgement of it (RAG word,
        direction).
    threshold : int
        Counts from 1 to ``threshold - 1`` are small (``5``: 1-4).

    Returns
    -------
    pandas.DataFrame
        A new frame: the named columns as objects, :data:`SUPPRESSED` where suppressed.

    Raises
    ------
    ValueError
        When ``threshold`` is not a whole number of at least 1.

    Notes
    -----
    Convention, kept simple on purpose: with a total shown, the number *not* within timescale is
    ``total - within``, so it must be protected as well as the number within. When either is small
    (1 to ``threshold - 1``), the number within and the percentage are suppressed; the total is
    suppressed only when it is small itself (then one of the two parts is small, so the number
    within goes too). Zeros are shown: 0 of 6 shows as 0 and 0%. Differencing between reports (a
    year-to-date figure minus last quarter's) is not guarded against here.

    Examples
    --------
    >>> frame = pd.DataFrame(
    ...     {"total": [20, 7, 4, 6], "within": [15, 5, 3, 0], "pct": ["75%", "71%", "75%", "0%"]}
    ... )
    >>> suppress_within_timescale(frame, "within", "total", ["pct"], threshold=5)
      total within  pct
    0    20     15  75%
    1     7    [c]  [c]
    2   [c]    [c]  [c]
    3     6      0   0%
    """
    threshold = _check_threshold(threshold)
    counted = pd.to_numeric(frame[within], errors="coerce").astype("float64")
    totals = pd.to_numeric(frame[total], errors="coerce").astype("float64")
    hide_total = _is_small(totals, threshold)
    hide_within = (
        _is_small(counted, threshold) | _is_small(totals - counted, threshold) | hide_total
    )
    out = frame.copy()
    out[within] = _mark(frame[within], hide_within)
    out[total] = _mark(frame[total], hide_total)
    for column in percent_columns:
        out[column] = _mark(frame[column], hide_within)
    return out


# --- Secondary suppression over a table of figures ---------------------------------------------

#: Measures of a figures table that are counts and add up across areas and periods.
NUMERATOR, DENOMINATOR, COUNT = "numerator", "denominator", "count"
#: Measures built on the counts of the same indicator, area and period (never added up).
PERCENTAGE = "percentage"
ADDITIVE_MEASURES: tuple[str, ...] = (NUMERATOR, DENOMINATOR, COUNT)
#: The hidden part of a proportion: ``denominator - numerator`` (cases *not* within timescale).
#: Never published, but protected like a published count.
COMPLEMENT = "complement"
#: Why a figure is suppressed (column ``reason`` of :func:`protect_figures`).
PRIMARY, SECONDARY, DERIVED = "primary", "secondary", "derived"
_KEY = ("indicator", "area", "period")
#: Tolerance of the rank test in :func:`recoverable`.
_RANK_TOLERANCE = 1e-9


@dataclass(frozen=True)
class _Cells:
    """The additive cells of one indicator: values, flags and the relations ``total =
    sum(parts)``."""

    keys: list[tuple[str, str, str]]  # (area, period, measure)
    values: np.ndarray
    published: np.ndarray
    relations: list[tuple[int, ...]]  # (total, part, part, ...)
    aggregate: np.ndarray  # the cell is a family group's or Scotland's (a sum of areas)
    fixed: np.ndarray  # shown in an earlier release: not to be chosen as a complementary cell


def _cells_of(
    rows: pd.DataFrame, area_parent: Mapping[str, str], period_parts: Mapping[str, Sequence[str]]
) -> _Cells:
    """The cells of one indicator (complements added) and every additive relation among them."""
    index: dict[tuple[str, str, str], int] = {}
    values: list[float] = []
    published: list[bool] = []
    fixed: list[bool] = []

    def add(key: tuple[str, str, str], value: float, shown: bool, old: bool = False) -> None:
        if key in index:  # the same figure listed twice: one cell
            published[index[key]] = published[index[key]] or bool(shown)
            fixed[index[key]] = fixed[index[key]] or bool(old)
            return
        index[key] = len(values)
        values.append(float(value))
        published.append(bool(shown))
        fixed.append(bool(old))

    olds = rows["fixed"] if "fixed" in rows.columns else [False] * len(rows)
    for area, period, measure, value, shown, old in zip(
        rows["area"], rows["period"], rows["measure"], rows["value"], rows["published"], olds
    ):
        if measure in ADDITIVE_MEASURES and pd.notna(value):
            add((area, period, measure), value, shown, old)
    for area, period, measure in list(index):
        if measure == NUMERATOR and (area, period, DENOMINATOR) in index:
            total = values[index[(area, period, DENOMINATOR)]]
            add(
                (area, period, COMPLEMENT), total - values[index[(area, period, NUMERATOR)]], False
            )
    relations: list[tuple[int, ...]] = []
    for area, period, measure in list(index):
        if measure == DENOMINATOR and (area, period, COMPLEMENT) in index:
            relations.append(
                (index[(area, period, DENOMINATOR)], index[(area, period, NUMERATOR)],
                 index[(area, period, COMPLEMENT)])
            )  # fmt: skip
    children: dict[str, list[str]] = {}
    for child, parent in area_parent.items():
        children.setdefault(parent, []).append(child)
    areas = {a for a, _, _ in index}
    periods = {p for _, p, _ in index}
    measures = (*ADDITIVE_MEASURES, COMPLEMENT)
    for parent, kids in children.items():
        for period in periods:
            for measure in measures:
                cells = [(parent, period, measure)] + [(k, period, measure) for k in kids]
                if all(c in index for c in cells):
                    relations.append(tuple(index[c] for c in cells))
    for parent, parts in period_parts.items():
        for area in areas:
            for measure in measures:
                cells = [(area, parent, measure)] + [(area, p, measure) for p in parts]
                if all(c in index for c in cells):
                    relations.append(tuple(index[c] for c in cells))
    parents = set(area_parent.values())
    aggregate = np.array([a in parents for a, _, _ in index], dtype=bool)
    return _Cells(
        list(index),
        np.array(values),
        np.array(published, dtype=bool),
        relations,
        aggregate,
        np.array(fixed, dtype=bool),
    )


def _small(values: np.ndarray, threshold: int) -> np.ndarray:
    return (values >= 1) & (values < threshold)


def _peel(cells: _Cells, known: np.ndarray) -> tuple[np.ndarray, dict[int, int]]:
    """Everything an attacker can work out one relation at a time, and the relation each came from
    (in the order they were worked out)."""
    known = known.copy()
    source: dict[int, int] = {}
    changed = True
    while changed:
        changed = False
        for r, relation in enumerate(cells.relations):
            unknown = [c for c in relation if not known[c]]
            if len(unknown) == 1:
                known[unknown[0]] = True
                source[unknown[0]] = r
                changed = True
    return known, source


def _cheapest(candidates: Sequence[int], values: np.ndarray) -> int:
    """The complementary cell to hide: the smallest non-zero count, then the smallest, then the
    first."""
    return min(candidates, key=lambda c: (values[c] == 0, values[c], c))


def _block(
    cell: int,
    cells: _Cells,
    shown: np.ndarray,
    source: dict[int, int],
    seen: set[int],
    allow_fixed: bool = False,
) -> int:
    """A published, shown cell whose suppression stops ``cell`` being worked out (through
    ``source``).

    Figures shown in an earlier release (``fixed``) are chosen only when nothing else will do.
    """
    seen.add(cell)
    relation = cells.relations[source[cell]]
    candidates = [
        c for c in relation if c != cell and shown[c] and (allow_fixed or not cells.fixed[c])
    ]
    if candidates:
        return _cheapest(candidates, cells.values)
    derived = [c for c in relation if c != cell and c in source and c not in seen]
    for other in sorted(derived, key=lambda c: (cells.values[c] == 0, cells.values[c], c)):
        found = _block(other, cells, shown, source, seen, allow_fixed)
        if found >= 0:
            return found
    return -1


def recoverable(
    cells_unknown: np.ndarray, relations: Sequence[Sequence[int]], n: int
) -> np.ndarray:
    """Which unknown cells a set of relations ``total = sum(parts)`` determines exactly.

    Parameters
    ----------
    cells_unknown : numpy.ndarray of bool
        Length ``n``: the cells a reader does not see.
    relations : sequence of sequence of int
        Each ``(total, part, part, ...)``, by cell position.
    n : int
        The number of cells.

    Returns
    -------
    numpy.ndarray of bool
        True for an unknown cell whose value follows from the shown cells and the relations (by
        linear algebra: its unit vector lies in the row space of the relations restricted to the
        unknown cells). Shown cells are False.

    Examples
    --------
    >>> recoverable(np.array([False, True, False]), [(0, 1, 2)], 3).tolist()
    [False, True, False]
    >>> recoverable(np.array([False, True, True]), [(0, 1, 2)], 3).tolist()
    [False, False, False]
    """
    unknown = np.flatnonzero(cells_unknown)
    out = np.zeros(n, dtype=bool)
    if unknown.size == 0 or not relations:
        return out
    column = {c: j for j, c in enumerate(unknown)}
    rows = []
    for relation in relations:
        row = np.zeros(unknown.size)
        for k, c in enumerate(relation):
            if c in column:
                row[column[c]] += 1.0 if k == 0 else -1.0
        if row.any():
            rows.append(row)
    if not rows:
        return out
    _, singular, vt = np.linalg.svd(np.array(rows), full_matrices=False)
    rank = int((singular > _RANK_TOLERANCE * max(1.0, singular[0])).sum())
    weight = (vt[:rank] ** 2).sum(axis=0)
    out[unknown] = weight > 1 - 1e-6
    return out


def _protect_cells(
    cells: _Cells, threshold: int, exact: bool, protect_aggregates: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Primary and secondary suppression of one indicator's cells: (hidden, secondary) flags."""
    sensitive = _small(cells.values, threshold)
    if not protect_aggregates:
        sensitive &= ~cells.aggregate
    hidden = cells.published & sensitive
    secondary = np.zeros_like(hidden)
    for _ in range(len(cells.values) + 1):
        shown = cells.published & ~hidden
        known, source = _peel(cells, shown)
        order = {c: step for step, c in enumerate(source)}
        # A suppressed figure must not be worked out either (else its suppression protects nothing)
        exposed = [c for c in np.flatnonzero((sensitive | hidden) & known & ~shown)]
        if not exposed:
            break
        # The one worked out first: blocking it often blocks those worked out from it
        first = min(exposed, key=lambda c: (order[c], c))
        choice = _block(int(first), cells, shown, source, set())
        if choice < 0:
            choice = _block(int(first), cells, shown, source, set(), allow_fixed=True)
        if choice < 0:  # pragma: no cover - every derivation starts from a shown cell
            raise RuntimeError("secondary suppression found no cell to hide")
        hidden[choice] = secondary[choice] = True
    # The greedy choices above depend on the order they were made in, and protect every hidden
    # figure; give back every secondary cell not needed to keep the *sensitive* counts from being
    # worked out, the largest first.
    for cell in sorted(np.flatnonzero(secondary), key=lambda c: (-cells.values[c], -c)):
        hidden[cell] = False
        shown = cells.published & ~hidden
        known, _ = _peel(cells, shown)
        if (sensitive & known & ~shown).any():
            hidden[cell] = True
        else:
            secondary[cell] = False
    if exact:
        for _ in range(len(cells.values) + 1):
            shown = cells.published & ~hidden
            found = recoverable(~shown, cells.relations, len(cells.values)) & sensitive
            if not found.any():
                break
            target = int(np.flatnonzero(found)[0])
            near = {c for rel in cells.relations if target in rel for c in rel}
            candidates = [c for c in near if shown[c]] or list(np.flatnonzero(shown))
            choice = _cheapest(candidates, cells.values)
            hidden[choice] = secondary[choice] = True
    return hidden, secondary


def protect_figures(
    figures: pd.DataFrame,
    *,
    area_parent: Mapping[str, str],
    period_parts: Mapping[str, Sequence[str]],
    threshold: int,
    symbol: str = SUPPRESSED,
    exact: bool = True,
    protect_aggregates: bool = False,
) -> pd.DataFrame:
    """Primary and secondary suppression over a long table of figures, against differencing.

    Parameters
    ----------
    figures : pandas.DataFrame
        One row per figure: ``indicator``, ``area``, ``period``, ``measure`` (``numerator``,
        ``denominator`` or ``count``, which add up; ``percentage`` or any other measure, built on
        the counts of the same indicator, area and period), ``value`` (a number), and optionally
        ``published`` (False for a figure no output shows but which completes a sum; default
        True), and optionally ``fixed`` (True for a figure already shown in an earlier release,
        such as an earlier quarter of the year to date: it counts as shown and is chosen as a
        complementary cell only when nothing else will do).
    area_parent : mapping of str to str
        Each area's parent: a council's family group, a family group's Scotland. A parent's
        figure is the sum of its children's.
    period_parts : mapping of str to sequence of str
        Each pooled period's parts: ``{"Q3 2024/25 to Q2 2025/26": [the four quarters]}``.
    threshold : int
        Counts from 1 to ``threshold - 1`` are protected (``suppression_threshold`` of
        ``params/report.yaml``).
    symbol : str, default :data:`SUPPRESSED`
        Shown instead of a suppressed figure.
    exact : bool, default True
        After the one-relation-at-a-time check, check by linear algebra that no protected count
        follows from all the relations together, and suppress more where one does.
    protect_aggregates : bool, default False
        Treat a small count of a family group or Scotland (an area with children in
        ``area_parent``) as sensitive too. By default only the counts of the smallest areas (the
        councils) are: an aggregate is protected only so far as it would reveal one of them.

    Returns
    -------
    pandas.DataFrame
        The figures with three more columns: ``suppressed`` (bool), ``reason`` (``primary``,
        ``secondary``, ``derived`` or ``""``) and ``shown`` (the value, or ``symbol``).

    Raises
    ------
    ValueError
        When ``threshold`` is not a whole number of at least 1, or a column is missing.

    Notes
    -----
    Convention (docs/method.md, Disclosure control): a council's count from 1 to ``threshold - 1``
    is *sensitive*, and so is the number not within timescale (``denominator - numerator``), which
    no output shows but which a reader can work out. Published sensitive counts are suppressed
    (primary). Then, while a reader could work out a sensitive count from the shown figures using
    one sum at a time (``denominator = numerator + not within``; a family group = its councils;
    Scotland = its family groups; a pooled period = its quarters), the smallest shown count of that
    sum (non-zero first) is suppressed too (secondary), so every sum that holds a hidden sensitive
    count holds at least two hidden figures. With ``exact``, no sensitive count follows from all
    the sums together either. A percentage, average or other figure built on the counts is
    suppressed when a count of its indicator, area and period is (derived). Zeros are shown.
    Nothing else is suppressed: a small count of a family group or Scotland pools several
    councils and is shown unless it would reveal a council's (80 cases with 2 late for Scotland
    stay shown).

    Examples
    --------
    >>> figures = pd.DataFrame({
    ...     "indicator": "x", "area": ["A", "B", "G"], "period": "Q1",
    ...     "measure": "count", "value": [3, 10, 13]})
    >>> protect_figures(figures, area_parent={"A": "G", "B": "G"}, period_parts={}, threshold=5)[
    ...     ["area", "shown", "reason"]]
      area shown     reason
    0    A   [c]    primary
    1    B   [c]  secondary
    2    G    13
    """
    threshold = _check_threshold(threshold)
    missing = [c for c in (*_KEY, "measure", "value") if c not in figures.columns]
    if missing:
        raise ValueError(f"figures: missing column(s) {', '.join(missing)}")
    table = figures.reset_index(drop=True).copy()
    if "published" not in table.columns:
        table["published"] = True
    table["published"] = table["published"].fillna(True).astype(bool)
    suppressed = np.zeros(len(table), dtype=bool)
    reason = np.full(len(table), "", dtype=object)
    position = {
        key: i
        for i, key in enumerate(
            zip(table["indicator"], table["area"], table["period"], table["measure"])
        )
    }
    for indicator, rows in table.groupby("indicator", sort=False):
        cells = _cells_of(rows, area_parent, period_parts)
        hidden, secondary = _protect_cells(cells, threshold, exact, protect_aggregates)
        for (area, period, measure), hide, second in zip(cells.keys, hidden, secondary):
            i = position.get((indicator, area, period, measure))
            if i is not None and hide:
                suppressed[i] = True
                reason[i] = SECONDARY if second else PRIMARY
    hidden_keys = {
        (ind, area, period)
        for ind, area, period, hide in zip(
            table["indicator"], table["area"], table["period"], suppressed
        )
        if hide
    }
    for i, (ind, area, period, measure) in enumerate(
        zip(table["indicator"], table["area"], table["period"], table["measure"])
    ):
        if measure not in ADDITIVE_MEASURES and (ind, area, period) in hidden_keys:
            suppressed[i] = True
            reason[i] = DERIVED
    table["suppressed"] = suppressed
    table["reason"] = reason
    table["shown"] = table["value"].astype(object).where(~suppressed, symbol)
    return table
