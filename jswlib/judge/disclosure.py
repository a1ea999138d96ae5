"""Disclosure control: what a public output may show.

Public reports protect people: a count from 1 to ``threshold - 1`` (1-4 by default;
``suppression_threshold`` in ``params/report.yaml``) is shown as :data:`SUPPRESSED`, and so is
every figure built on it. Zeros are shown. Internal reports are not suppressed. The rules and their
reasons are in docs/method.md, "Disclosure control".
"""

from __future__ import annotations

from collections.abc import Sequence
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
            f"parameter audience: {audience!r} is not an audience; use 'internal' (all detail) or 'public' "
            f"(small numbers suppressed)"
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
    """Whether each value is a count from 1 to ``threshold - 1`` (text and missing values are not)."""
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
    >>> frame = pd.DataFrame({"total": [20, 7, 4, 6], "within": [15, 5, 3, 0], "pct": ["75%", "71%", "75%", "0%"]})
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
