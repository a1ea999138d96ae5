"""Judgement: rounding, percentages, confidence intervals, low numbers, RAG status and direction of travel.

This is the *judge* layer of the workbook: it takes plain values, pandas Series,
numpy arrays and dicts (a RAG scheme as it comes from ``params/*.yaml``) and returns words, numbers
and colours. It imports nothing from :mod:`jswlib`, touches no disk, prints nothing and keeps no
state.

Conventions
-----------
- **Rounding** is halves up (away from zero): 87.5 shows as 88, 0.5 as 1, 2.5 as 3, 86.45 at one
  decimal place as 86.5 and 2.675 at two as 2.68, as UK statistical publications do (see
  docs/method.md, Rounding), not Python's halves-to-even. A float is rounded as the decimal number
  it was written as, not as its binary approximation (:func:`round_half_up`).
- **Percentages** are computed from the counts, ``100 * numerator / denominator``, with one
  division, then rounded half up for display: 7/8 = 87.5% shows as ``88%``. A zero or missing
  denominator gives a missing percentage (``NaN``) and the text :data:`NOT_AVAILABLE_TEXT`
  (``"n/a"``).
- **Confidence intervals** are Wilson score intervals at 95% (:data:`Z_95`), as proportions 0-1.
- **Low numbers**: a denominator under :data:`LOW_NUMBERS_THRESHOLD` (10) is flagged; a percentage
  on it needs a warning (South Lanarkshire's DTTO quarters have denominators of 1-10).
- **Polarity**: ``"higher"`` (higher is better), ``"lower"`` (lower is better) or ``"neutral"``
  (neither, e.g. the number of CPOs imposed). A neutral indicator has no target and is never
  "improved" or "declined".
- **RAG** has no national definition: each council sets its scheme (a dict, see
  :func:`validate_rag_scheme`) and every report states the one it used
  (:func:`describe_rag_scheme`). The status is always a word (``"Green"``, ``"Amber"``, ``"Red"``,
  ``"No target"``, ``"No data"``); :data:`RAG_COLOURS` gives a colour for each, but colour is never
  the only carrier of meaning (WCAG 2.2 AA). A value exactly at target is Green (Glasgow: 70%
  against 70% is Green, 65% against 70% is Red). Amber tolerances are inclusive. By default the
  *exact* (unrounded) value is judged; ``compare_on="rounded"`` judges the published value.
- **Direction of travel** compares two values chosen by the caller, normally the latest quarter
  against the same quarter a year earlier. A change within the tolerance (inclusive) is "No
  change". The arrow shows which way the *value* moved (↑, ↓, →); the word says whether that is
  better or worse, so for a lower-is-better indicator a fall is "↓ Improved".
- Differences are compared after rounding to 9 decimal places, so that binary floating-point noise
  (4.4 - 2.4 = 2.0000000000000004) never turns an equality or a tolerance edge into a miss.
- Missing values give missing results ("No data", "Not available", ``NaN``, ``<NA>``), never
  made-up ones.

Scalar functions return plain Python values; the vectorised ones take Series (keeping their index),
arrays or lists, broadcast scalars against them, and return Series or DataFrames.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "AMBER",
    "ARROW_DOWN",
    "ARROW_NONE",
    "ARROW_SAME",
    "ARROW_UP",
    "COMPARE_ON",
    "CONFIDENCE_LEVEL",
    "DECLINED",
    "DECREASED",
    "DEFAULT_AMBER_TOLERANCE",
    "DEFAULT_COUNT_DIRECTION_TOLERANCE",
    "DEFAULT_DIRECTION_TOLERANCE",
    "Direction",
    "GREEN",
    "IMPROVED",
    "INCREASED",
    "LOW_NUMBERS_THRESHOLD",
    "NO_CHANGE",
    "NO_DATA",
    "NO_TARGET",
    "NOT_AVAILABLE",
    "NOT_AVAILABLE_TEXT",
    "POLARITIES",
    "RAG_COLOURS",
    "RAG_SCHEME_TYPES",
    "RAG_STATUSES",
    "RAG_TEXT_COLOURS",
    "RED",
    "TOLERANCE_UNITS",
    "Z_95",
    "describe_rag_scheme",
    "direction_of_travel",
    "direction_of_travel_series",
    "format_percentage",
    "format_value",
    "judge",
    "low_numbers",
    "percentage",
    "rag_status",
    "rag_status_series",
    "round_half_up",
    "validate_polarity",
    "validate_rag_scheme",
    "wilson_interval",
]

# --- Publication rules (docs/method.md: Rounding, RAG schemes, Low numbers) ---------------------

#: A denominator below this is flagged as low numbers (9 is flagged, 10 is not).
LOW_NUMBERS_THRESHOLD: int = 10
#: Confidence level of the intervals.
CONFIDENCE_LEVEL: float = 0.95
#: Standard normal quantile for a two-sided 95% interval, ``NormalDist().inv_cdf(0.975)``.
Z_95: float = 1.959963984540054
#: Default direction-of-travel tolerance for percentages, in percentage points: a change of 2
#: points or less either way is "No change".
DEFAULT_DIRECTION_TOLERANCE: float = 2.0
#: Default direction-of-travel tolerance for counts, relative, in percent of the earlier value: a
#: change of 5% or less either way is "No change".
DEFAULT_COUNT_DIRECTION_TOLERANCE: float = 5.0
#: Text shown for a percentage that cannot be computed (zero or missing denominator) or a missing
#: value.
NOT_AVAILABLE_TEXT: str = "n/a"

#: Polarity of an indicator: higher is better, lower is better, or neither.
POLARITIES: tuple[str, ...] = ("higher", "lower", "neutral")

from jswlib.definitions.rag_schemes import (  # noqa: E402 - part of this module's interface
    COMPARE_ON,
    DEFAULT_AMBER_TOLERANCE,
    RAG_SCHEME_TYPES,
    TOLERANCE_UNITS,
    validate_rag_scheme,
)

# --- Words ---------------------------------------------------------------------------------------

GREEN, AMBER, RED = "Green", "Amber", "Red"
NO_TARGET, NO_DATA = "No target", "No data"
#: Every RAG status word, in display order.
RAG_STATUSES: tuple[str, ...] = (GREEN, AMBER, RED, NO_TARGET, NO_DATA)

IMPROVED, DECLINED, NO_CHANGE, NOT_AVAILABLE = "Improved", "Declined", "No change", "Not available"
INCREASED, DECREASED = "Increased", "Decreased"
ARROW_UP, ARROW_DOWN, ARROW_SAME, ARROW_NONE = "↑", "↓", "→", ""

#: Fill colour of each RAG status: GOV.UK Design System green, red, mid-grey and light-grey, and
#: the GOV.UK (legacy elements) yellow #FFBF47 for amber. For table cells and badges; charts use
#: the Analysis Function palette. Amber and the greys contrast less than 3:1 with a white page:
#: give cells a border, and always show the word.
RAG_COLOURS = MappingProxyType(
    {GREEN: "#00703C", AMBER: "#FFBF47", RED: "#D4351C", NO_TARGET: "#B1B4B6", NO_DATA: "#F3F2F1"}
)
#: Text colour to write the status word on its fill: white on green and red, GOV.UK black on amber
#: and the greys; every pair contrasts at least 4.5:1 (WCAG 2.2 AA for normal text).
RAG_TEXT_COLOURS = MappingProxyType(
    {GREEN: "#FFFFFF", AMBER: "#0B0C0C", RED: "#FFFFFF", NO_TARGET: "#0B0C0C", NO_DATA: "#0B0C0C"}
)

# --- RAG schemes ---------------------------------------------------------------------------------


_COMPARISON_DECIMALS = (
    9  # differences are rounded to this many places before comparison (float noise)
)
_ROUNDING_EPSILON = 1e-12  # relative slack that lets 2.675 * 100 = 267.4999... round as 267.5


# --- Conversion helpers --------------------------------------------------------------------------


def _is_scalar(value: Any) -> bool:
    """Whether ``value`` is a single value (or a missing scalar) rather than a column."""
    return value is None or pd.api.types.is_scalar(value)


def _is_missing(value: Any) -> bool:
    """Whether a scalar is missing (``None``, ``NaN``, ``pd.NA``, ``NaT``)."""
    return value is None or bool(pd.isna(value))


def _scalar_float(value: Any, name: str) -> float:
    """A scalar as a float, ``NaN`` when missing."""
    if _is_missing(value):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None


def _float_array(values: Any, name: str) -> np.ndarray:
    """A column (Series, array or list) or scalar as a float64 numpy array, missing values as ``NaN``."""
    if _is_scalar(values):
        return np.array(_scalar_float(values, name))
    try:
        numbers = pd.to_numeric(pd.Series(values), errors="raise")
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numbers: {error}") from None
    return numbers.to_numpy(dtype="float64", na_value=np.nan)


def _text_array(values: Any) -> np.ndarray:
    """A column or scalar of words as a numpy object array (missing values as ``None``)."""
    if _is_scalar(values):
        return np.array(None if _is_missing(values) else values, dtype=object)
    series = pd.Series(values, dtype=object)
    return series.where(series.notna(), None).to_numpy(dtype=object)


def _index_of(*columns: Any, length: int) -> pd.Index:
    """The index of the first Series among ``columns``, else a RangeIndex of ``length``."""
    for column in columns:
        if isinstance(column, pd.Series):
            return column.index
    return pd.RangeIndex(length)


def _broadcast(arrays: dict[str, np.ndarray]) -> list[np.ndarray]:
    """Broadcast 0-d and 1-d arrays to one length, naming the arguments when their lengths differ."""
    lengths = {name: a.shape[0] for name, a in arrays.items() if a.ndim == 1}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"columns must have the same length: {shown}")
    return [np.atleast_1d(a) for a in np.broadcast_arrays(*arrays.values())]


def _clean(values: Any) -> Any:
    """Round differences to 9 decimal places so that floating-point noise does not decide a comparison."""
    return np.round(values, _COMPARISON_DECIMALS)


def _rows(mask: np.ndarray, index: pd.Index, limit: int = 5) -> str:
    """The first few row labels where ``mask`` is true, for error messages."""
    labels = [str(label) for label in index[mask][:limit]]
    more = int(mask.sum()) - len(labels)
    return ", ".join(labels) + (f" and {more} more" if more > 0 else "")


# --- Rounding and percentages --------------------------------------------------------------------


def _round_half_up_array(numbers: np.ndarray, digits: int) -> np.ndarray:
    """Vectorised rounding halves away from zero of a float array (``NaN`` stays ``NaN``)."""
    scale = 10.0**digits
    scaled = np.abs(numbers) * scale
    # The slack lets a value written as an exact half (2.675 -> 267.49999999999997) round up.
    rounded = np.floor(scaled + 0.5 + _ROUNDING_EPSILON * np.maximum(scaled, 1.0))
    return np.sign(numbers) * rounded / scale + 0.0  # + 0.0 turns -0.0 into 0.0


def _check_digits(digits: Any) -> int:
    """Check a number of decimal places: a non-negative integer."""
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or digits < 0:
        raise ValueError(f"digits must be a non-negative integer, got {digits!r}")
    return int(digits)


def round_half_up(values: Any, digits: int = 0) -> Any:
    """Round halves up (away from zero), as UK statistical publications do.

    Parameters
    ----------
    values : float, int, pandas.Series, numpy.ndarray or list
        Number(s) to round. Missing values (``None``, ``NaN``, ``pd.NA``) stay missing.
    digits : int, default 0
        Decimal places to keep, 0 or more.

    Returns
    -------
    float, pandas.Series or numpy.ndarray
        A float for a scalar (``NaN`` when missing); a float64 Series with the same index and name
        for a Series; a float64 array otherwise.

    Raises
    ------
    ValueError
        When ``digits`` is not a non-negative integer, or a value is not a number.

    Notes
    -----
    Convention: halves are rounded up, 87.5 -> 88, 0.5 -> 1, 2.5 -> 3 (UK statistical publications,
    see docs/method.md, Rounding), not to even as Python's :func:`round` does; negative halves
    go away from zero (-2.5 -> -3), as Excel's ``ROUND`` does.

    A float is rounded as the decimal it was written as: 2.675 is stored as 2.67499999999999982...,
    yet rounds to 2.68; 1.005 rounds to 1.01. To do this the scaled value is nudged up by a
    relative 1e-12 before flooring, far more than floating-point error and far less than any
    meaningful digit. Percentages computed from counts by :func:`percentage` are the nearest float
    to the true value, so they round as the exact fraction would.

    Examples
    --------
    >>> round_half_up(87.5), round_half_up(0.5), round_half_up(2.5), round(2.5)
    (88.0, 1.0, 3.0, 2)
    >>> round_half_up(86.45, 1), round_half_up(2.675, 2), round(2.675, 2)
    (86.5, 2.68, 2.67)
    >>> round_half_up(pd.Series([12.5, None, -0.5])).tolist()
    [13.0, nan, -1.0]
    """
    digits = _check_digits(digits)
    if _is_scalar(values):
        return float(_round_half_up_array(np.array(_scalar_float(values, "value")), digits))
    rounded = _round_half_up_array(_float_array(values, "values"), digits)
    if isinstance(values, pd.Series):
        return pd.Series(rounded, index=values.index, name=values.name, dtype="float64")
    return rounded


def _counts(numerator: Any, denominator: Any) -> dict[str, np.ndarray]:
    """Numerators and denominators as named float arrays, ready for :func:`_broadcast`."""
    return {
        "numerator": _float_array(numerator, "numerator"),
        "denominator": _float_array(denominator, "denominator"),
    }


def _percentage_array(
    numerator: Any, denominator: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Numerators, denominators and exact percentages as float arrays (``NaN`` for zero denominators)."""
    num, den = _broadcast(_counts(numerator, denominator))
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(den == 0, np.nan, num * 100.0 / den)
    return num, den, pct


def percentage(numerator: Any, denominator: Any) -> Any:
    """The exact percentage ``100 * numerator / denominator``.

    Parameters
    ----------
    numerator, denominator : number, pandas.Series, numpy.ndarray or list
        Counts; a scalar is broadcast against a column.

    Returns
    -------
    float or pandas.Series
        A float for scalars; otherwise a float64 Series (with the index of the first Series
        argument). ``NaN`` where the denominator is 0 or either count is missing.

    Raises
    ------
    ValueError
        When a count is not a number or columns have different lengths.

    Notes
    -----
    Convention: the percentage is computed from the counts with one division (``numerator * 100 /
    denominator``), so it is the float nearest to the true value; round it only for display
    (:func:`format_percentage`). A zero denominator gives a missing percentage, not 0 or infinity.

    Examples
    --------
    >>> percentage(7, 8), percentage(0, 0)
    (87.5, nan)
    >>> percentage(pd.Series([1, 3]), 4).tolist()
    [25.0, 75.0]
    """
    _, _, pct = _percentage_array(numerator, denominator)
    if _is_scalar(numerator) and _is_scalar(denominator):
        return float(pct[0])
    index = _index_of(numerator, denominator, length=pct.shape[0])
    return pd.Series(pct, index=index, dtype="float64")


def _format_numbers(rounded: np.ndarray, digits: int, suffix: str, missing: str) -> list[str]:
    """Already-rounded numbers as text with thousands separators, ``missing`` for ``NaN``."""
    return [missing if math.isnan(v) else f"{v:,.{digits}f}{suffix}" for v in rounded.tolist()]


def format_percentage(
    numerator: Any, denominator: Any, digits: int = 0, missing: str = NOT_AVAILABLE_TEXT
) -> Any:
    """A percentage as published text, ``"88%"``, computed from the counts and rounded half up.

    Parameters
    ----------
    numerator, denominator : number, pandas.Series, numpy.ndarray or list
        Counts; a scalar is broadcast against a column.
    digits : int, default 0
        Decimal places shown.
    missing : str, default :data:`NOT_AVAILABLE_TEXT` (``"n/a"``)
        Text when the denominator is 0 or a count is missing.

    Returns
    -------
    str or pandas.Series
        Text for scalars; otherwise a Series of text.

    Raises
    ------
    ValueError
        When ``digits`` is invalid, a count is not a number, or columns have different lengths.

    Notes
    -----
    Convention: halves up (UK statistical publications): 7/8 = 87.5% shows as ``88%``, 1/8 = 12.5%
    as ``13%``. A zero denominator shows ``n/a`` ("not applicable": there is nothing to take a
    percentage of); the words read better to a screen reader than a dash. Thousands are separated
    by commas.

    Examples
    --------
    >>> format_percentage(7, 8), format_percentage(1, 8), format_percentage(0, 0)
    ('88%', '13%', 'n/a')
    >>> format_percentage(1729, 2000, digits=1)
    '86.5%'
    """
    digits = _check_digits(digits)
    _, _, pct = _percentage_array(numerator, denominator)
    texts = _format_numbers(_round_half_up_array(pct, digits), digits, "%", missing)
    if _is_scalar(numerator) and _is_scalar(denominator):
        return texts[0]
    return pd.Series(
        texts, index=_index_of(numerator, denominator, length=len(texts)), dtype="str"
    )


def format_value(
    values: Any, unit: Any = "", digits: int = 0, missing: str = NOT_AVAILABLE_TEXT
) -> Any:
    """Values as published text: rounded half up, thousands separated, ``%`` appended when the unit is ``%``.

    Parameters
    ----------
    values : number, pandas.Series, numpy.ndarray or list
        Values to show.
    unit : str or column of str, default ""
        ``"%"`` for percentages; any other unit is not written after the number (column headings
        carry it).
    digits : int, default 0
        Decimal places shown.
    missing : str, default ``"n/a"``
        Text for a missing value.

    Returns
    -------
    str or pandas.Series
        Text for a scalar; otherwise a Series of text.

    Raises
    ------
    ValueError
        When ``digits`` is invalid or a value is not a number.

    Notes
    -----
    Convention: halves up (UK statistical publications; see docs/method.md, Rounding); a missing
    value shows ``n/a``.

    Examples
    --------
    >>> format_value(87.5, "%"), format_value(1234.5), format_value(None, "%")
    ('88%', '1,235', 'n/a')
    """
    digits = _check_digits(digits)
    numbers, units = _broadcast(
        {"values": _float_array(values, "values"), "unit": _text_array(unit)}
    )
    rounded = _round_half_up_array(numbers, digits)
    texts = [
        missing if math.isnan(v) else f"{v:,.{digits}f}" + ("%" if u == "%" else "")
        for v, u in zip(rounded.tolist(), units.tolist(), strict=True)
    ]
    if _is_scalar(values) and _is_scalar(unit):
        return texts[0]
    return pd.Series(texts, index=_index_of(values, unit, length=len(texts)), dtype="str")


# --- Confidence intervals and low numbers --------------------------------------------------------


def _check_counts(num: np.ndarray, den: np.ndarray, index: pd.Index) -> None:
    """Raise when a count is negative or a numerator exceeds its denominator."""
    with np.errstate(invalid="ignore"):
        bad = (num < 0) | (den < 0) | (num > den)
    if bad.any():
        raise ValueError(
            "Wilson interval needs 0 <= numerator <= denominator; not so in rows "
            + _rows(bad, index)
        )


def _wilson_arrays(num: np.ndarray, den: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score limits as proportions, ``NaN`` where the denominator is 0 or a count is missing."""
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(den > 0, den, np.nan)
        p = num / n
        z2 = z * z
        centre = p + z2 / (2 * n)
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
        scale = 1 + z2 / n
        lower = np.where(num == 0, 0.0, np.clip((centre - half) / scale, 0.0, 1.0))
        upper = np.where(num == den, 1.0, np.clip((centre + half) / scale, 0.0, 1.0))
    missing = np.isnan(p)
    return np.where(missing, np.nan, lower), np.where(missing, np.nan, upper)


def wilson_interval(numerator: Any, denominator: Any, z: float = Z_95) -> Any:
    """Wilson score confidence interval for a proportion.

    Parameters
    ----------
    numerator, denominator : number, pandas.Series, numpy.ndarray or list
        Counts, ``0 <= numerator <= denominator``; a scalar is broadcast against a column.
    z : float, default :data:`Z_95`
        Standard normal quantile: 1.96 for 95% confidence.

    Returns
    -------
    tuple of float or pandas.DataFrame
        ``(lower, upper)`` as proportions 0-1 for scalars; otherwise a DataFrame with float columns
        ``lower`` and ``upper`` (index of the first Series argument). ``NaN`` where the denominator
        is 0 or a count is missing.

    Raises
    ------
    ValueError
        When a count is negative, a numerator exceeds its denominator (naming the rows), or ``z``
        is not positive.

    Notes
    -----
    Convention: the Wilson score interval without continuity correction (Wilson 1927; Newcombe
    1998, method 3), which stays within 0-1 and behaves well for small denominators and for 0% and
    100%:

    ``(p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)``, with ``p = numerator / denominator``.

    0/n has lower limit exactly 0 and n/n upper limit exactly 1.

    Examples
    --------
    >>> lower, upper = wilson_interval(5, 10)
    >>> round(lower, 4), round(upper, 4)
    (0.2366, 0.7634)
    >>> wilson_interval(pd.Series([0, 10]), 10).round(4)
        lower   upper
    0  0.0000  0.2775
    1  0.7225  1.0000
    """
    if not (isinstance(z, (int, float, np.floating)) and z > 0):
        raise ValueError(f"z must be a positive number, got {z!r}")
    num, den = _broadcast(_counts(numerator, denominator))
    index = _index_of(numerator, denominator, length=num.shape[0])
    _check_counts(num, den, index)
    lower, upper = _wilson_arrays(num, den, float(z))
    if _is_scalar(numerator) and _is_scalar(denominator):
        return float(lower[0]), float(upper[0])
    return pd.DataFrame({"lower": lower, "upper": upper}, index=index)


def low_numbers(denominator: Any, threshold: int = LOW_NUMBERS_THRESHOLD) -> Any:
    """Whether a denominator is too small for its percentage to be read without a warning.

    Parameters
    ----------
    denominator : number, pandas.Series, numpy.ndarray or list
        Denominator(s).
    threshold : int, default :data:`LOW_NUMBERS_THRESHOLD` (10)
        A denominator below this is flagged.

    Returns
    -------
    bool, pandas.NA or pandas.Series
        ``denominator < threshold``; for a column a nullable ``boolean`` Series. A missing
        denominator gives ``<NA>``.

    Raises
    ------
    ValueError
        When a denominator is not a number.

    Notes
    -----
    Convention: under 10 is low (9 is flagged, 10 is not); a zero denominator is flagged too. South
    Lanarkshire's DTTO quarters have denominators of 1-10: one case moves such a
    percentage by 10 points or more. This is a reading warning, not disclosure control.

    Examples
    --------
    >>> low_numbers(9), low_numbers(10)
    (True, False)
    >>> low_numbers(pd.Series([0, 10, None])).tolist()
    [True, False, <NA>]
    """
    if _is_scalar(denominator):
        value = _scalar_float(denominator, "denominator")
        return pd.NA if math.isnan(value) else value < threshold
    den = _float_array(denominator, "denominator")
    flags = pd.array(den < threshold, dtype="boolean")
    flags[np.isnan(den)] = pd.NA
    index = denominator.index if isinstance(denominator, pd.Series) else None
    return pd.Series(flags, index=index, name=getattr(denominator, "name", None))


# --- Polarity and RAG schemes --------------------------------------------------------------------


def validate_polarity(polarity: Any, where: str = "polarity") -> Any:
    """Check polarity: ``"higher"``, ``"lower"`` or ``"neutral"``, for one value or a column.

    Parameters
    ----------
    polarity : str or pandas.Series / array / list of str
        Polarity of each indicator.
    where : str, default "polarity"
        Where the polarity came from, for the message (a file and key, or a column).

    Returns
    -------
    str or pandas.Series
        ``polarity`` unchanged.

    Raises
    ------
    ValueError
        Naming ``where``, the allowed values, what was found and (for a column) the first rows.

    Notes
    -----
    Convention: "higher" = higher is better, "lower" = lower is better, "neutral" = neither (a
    volume such as the number of CPOs). A missing polarity is an error: it decides the judgement.

    Examples
    --------
    >>> validate_polarity("lower")
    'lower'
    >>> validate_polarity("up", where="params/indicators.yaml: cpo_count")
    Traceback (most recent call last):
    ...
    ValueError: params/indicators.yaml: cpo_count: polarity must be one of 'higher', 'lower',
    'neutral', got 'up'
    """
    allowed = ", ".join(repr(p) for p in POLARITIES)
    if _is_scalar(polarity):
        if polarity not in POLARITIES:
            raise ValueError(f"{where}: polarity must be one of {allowed}, got {polarity!r}")
        return polarity
    values = _text_array(polarity)
    bad = ~np.isin(values, POLARITIES)
    if bad.any():
        found = ", ".join(sorted({repr(v) for v in values[bad]}))
        index = _index_of(polarity, length=values.shape[0])
        raise ValueError(
            f"{where}: polarity must be one of {allowed}; found {found} in rows {_rows(bad, index)}"
        )
    return polarity


def describe_rag_scheme(scheme: Any, where: str = "RAG scheme") -> str:
    """One sentence stating a RAG scheme, for the methodology notes of a report.

    Parameters
    ----------
    scheme : mapping
        A RAG scheme (see :func:`validate_rag_scheme`).
    where : str, default "RAG scheme"
        Where the scheme came from, for messages.

    Returns
    -------
    str
        The scheme's ``description`` when it has one, otherwise a sentence built from its keys.

    Raises
    ------
    ValueError
        When the scheme is invalid.

    Notes
    -----
    Convention: every report states the RAG scheme it used (see docs/method.md, RAG schemes).

    Examples
    --------
    >>> describe_rag_scheme({"type": "two_state"})
    'Green when at or better than target, otherwise Red; judged on the unrounded value.'
    >>> describe_rag_scheme({"type": "three_state", "amber_tolerance": 5})
    'Green when at or better than target; Amber when worse by 5 percentage points or less;
    otherwise Red; ...'
    """
    checked = validate_rag_scheme(scheme, where)
    if checked["description"]:
        return checked["description"]
    basis = "unrounded" if checked["compare_on"] == "exact" else "published (rounded)"
    if checked["type"] == "two_state":
        rule = "Green when at or better than target, otherwise Red"
    elif checked["type"] == "three_state":
        size = f"{checked['amber_tolerance']:g}"
        size += (
            " percentage points" if checked["tolerance_unit"] == "points" else "% of the target"
        )
        rule = f"Green when at or better than target; Amber when worse by {size} or less; otherwise Red"
    else:
        rule = "Green when at or better than target; Amber when worse but improved; otherwise Red"
    return f"{rule}; judged on the {basis} value."


# --- RAG status ----------------------------------------------------------------------------------


def _compare_on(scheme: Mapping, compare_on: str | None) -> str:
    """The comparison basis: the argument when given, else the scheme's."""
    chosen = scheme["compare_on"] if compare_on is None else compare_on
    if chosen not in COMPARE_ON:
        raise ValueError(f"compare_on must be 'exact' or 'rounded', got {chosen!r}")
    return chosen


def _amber_allowance(target: Any, scheme: Mapping) -> Any:
    """How far worse than target a value may be and still be Amber (three-state schemes)."""
    tolerance = scheme["amber_tolerance"]
    if scheme["tolerance_unit"] == "relative":
        return _clean(tolerance * np.abs(target) / 100.0)
    return tolerance


def rag_status(
    value: Any,
    target: Any,
    polarity: str,
    scheme: Mapping,
    *,
    direction: str | None = None,
    compare_on: str | None = None,
    digits: int = 0,
    where: str = "RAG scheme",
) -> str:
    """RAG status of one value against its target, as a word.

    Parameters
    ----------
    value : number or None
        The value (a percentage 0-100, a count, ...).
    target : number or None
        The target, in the same units.
    polarity : {"higher", "lower", "neutral"}
        Whether higher or lower values are better.
    scheme : mapping
        The council's RAG scheme (see :func:`validate_rag_scheme`).
    direction : str, optional
        The direction-of-travel word (:func:`direction_of_travel`); used by
        ``three_state_improving``.
    compare_on : {"exact", "rounded"}, optional
        Judge the unrounded value, or the value as published (rounded half up to ``digits``).
        Default: the scheme's ``compare_on``, which defaults to ``"exact"``.
    digits : int, default 0
        Decimal places of the published value, for ``compare_on="rounded"``.
    where : str, default "RAG scheme"
        Where the scheme came from, for messages.

    Returns
    -------
    str
        ``"Green"``, ``"Amber"``, ``"Red"``, ``"No target"`` (target missing; checked first) or
        ``"No data"`` (value missing).

    Raises
    ------
    ValueError
        For an invalid scheme or polarity, or a target given to a neutral indicator.

    Notes
    -----
    Convention: a value exactly at target is Green (Glasgow Q2 2025/26: 70% against 70% is Green,
    65% against 70% is Red); "better" follows polarity, so for lower-is-better at or below target
    is Green. Amber tolerances are inclusive (target 70, tolerance 5 points: 65 is Amber, 64.9 is
    Red).

    The exact value is judged by default, so that the status says whether the target was actually
    met: 69.6% shows as "70%" yet is Red against 70%. A council that judges its published figure,
    as Glasgow's whole-number table may, sets ``compare_on: rounded``; a report should then say so.

    Examples
    --------
    >>> glasgow = {"type": "two_state"}
    >>> rag_status(65, 70, "higher", glasgow), rag_status(70, 70, "higher", glasgow)
    ('Red', 'Green')
    >>> rag_status(69.6, 70, "higher", glasgow), rag_status(69.6, 70, "higher", glasgow, compare_on="rounded")
    ('Red', 'Green')
    >>> three_state = {"type": "three_state", "amber_tolerance": 5}
    >>> rag_status(66, 70, "higher", three_state), rag_status(None, 70, "higher", glasgow)
    ('Amber', 'No data')
    """
    checked = validate_rag_scheme(scheme, where)
    validate_polarity(polarity)
    basis = _compare_on(checked, compare_on)
    target_f, value_f = _scalar_float(target, "target"), _scalar_float(value, "value")
    if math.isnan(target_f):
        return NO_TARGET
    if polarity == "neutral":
        raise ValueError(
            f"{where}: a neutral indicator (neither higher nor lower is better) cannot have a target"
        )
    if math.isnan(value_f):
        return NO_DATA
    if basis == "rounded":
        value_f = round_half_up(value_f, digits)
    shortfall = float(_clean(target_f - value_f if polarity == "higher" else value_f - target_f))
    if shortfall <= 0:
        return GREEN
    if checked["type"] == "three_state" and shortfall <= _amber_allowance(target_f, checked):
        return AMBER
    if checked["type"] == "three_state_improving" and direction == IMPROVED:
        return AMBER
    return RED


def _rag_arrays(
    values: np.ndarray,
    targets: np.ndarray,
    polarities: np.ndarray,
    directions: np.ndarray,
    scheme: Mapping,
) -> np.ndarray:
    """Vectorised RAG words from aligned arrays (values already on the chosen basis)."""
    with np.errstate(invalid="ignore"):
        shortfall = _clean(np.where(polarities == "lower", values - targets, targets - values))
        if scheme["type"] == "three_state":
            amber = shortfall <= _amber_allowance(targets, scheme)
        elif scheme["type"] == "three_state_improving":
            amber = directions == IMPROVED
        else:
            amber = np.zeros(values.shape, dtype=bool)
        conditions = [np.isnan(targets), np.isnan(values), shortfall <= 0, amber]
    return np.select(conditions, [NO_TARGET, NO_DATA, GREEN, AMBER], default=RED)


def rag_status_series(
    values: Any,
    targets: Any,
    polarities: Any,
    scheme: Mapping,
    *,
    directions: Any = None,
    compare_on: str | None = None,
    digits: int = 0,
    where: str = "RAG scheme",
) -> pd.Series:
    """RAG status of a column of values against their targets, as words (vectorised :func:`rag_status`).

    Parameters
    ----------
    values, targets : pandas.Series, numpy.ndarray, list or number
        Values and targets; scalars are broadcast.
    polarities : str or column of str
        ``"higher"``, ``"lower"`` or ``"neutral"``, one for all rows or one per row.
    scheme : mapping
        The RAG scheme (see :func:`validate_rag_scheme`).
    directions : column of str, optional
        Direction-of-travel words; required by ``three_state_improving``.
    compare_on : {"exact", "rounded"}, optional
        As in :func:`rag_status`; default the scheme's (``"exact"``).
    digits : int, default 0
        Decimal places of the published value, for ``compare_on="rounded"``.
    where : str, default "RAG scheme"
        Where the scheme came from, for messages.

    Returns
    -------
    pandas.Series
        Text Series of status words, indexed like the first Series argument.

    Raises
    ------
    ValueError
        For an invalid scheme or polarity (naming rows), neutral rows with a target (naming rows),
        ``three_state_improving`` without ``directions``, or columns of different lengths.

    Notes
    -----
    Convention: as :func:`rag_status` (value at target is Green; Amber tolerance inclusive; "No
    target" before "No data"; exact value judged by default). Gives the same word as
    :func:`rag_status` row by row.

    Examples
    --------
    >>> rag_status_series(pd.Series([90, 65, 100, 70]), 70, "higher", {"type": "two_state"}).tolist()
    ['Green', 'Red', 'Green', 'Green']
    """
    checked = validate_rag_scheme(scheme, where)
    basis = _compare_on(checked, compare_on)
    if checked["type"] == "three_state_improving" and directions is None:
        raise ValueError(
            f"{where}: RAG scheme type 'three_state_improving' needs the directions of travel"
        )
    val, tgt, pol, drn = _broadcast(
        {
            "values": _float_array(values, "values"),
            "targets": _float_array(targets, "targets"),
            "polarities": _text_array(polarities),
            "directions": _text_array(directions),
        }
    )
    index = _index_of(values, targets, polarities, directions, length=val.shape[0])
    validate_polarity(pd.Series(pol, index=index, dtype=object))
    neutral_with_target = (pol == "neutral") & ~np.isnan(tgt)
    if neutral_with_target.any():
        raise ValueError(
            f"{where}: a neutral indicator cannot have a target; rows {_rows(neutral_with_target, index)}"
        )
    if basis == "rounded":
        val = _round_half_up_array(val, _check_digits(digits))
    words = _rag_arrays(val, tgt, pol, drn, checked)
    return pd.Series(words, index=index, dtype="str", name="rag")


# --- Direction of travel -------------------------------------------------------------------------


class Direction(NamedTuple):
    """A direction of travel: the word (better or worse) and the arrow (which way the value moved).

    ``str(direction)`` gives the two together, ``"↓ Improved"``, or ``"Not available"``.

    Examples
    --------
    >>> str(Direction(IMPROVED, ARROW_DOWN))
    '↓ Improved'
    """

    word: str
    arrow: str

    def __str__(self) -> str:
        return f"{self.arrow} {self.word}" if self.arrow else self.word


def _check_tolerance(tolerance: Any, tolerance_unit: Any) -> None:
    """Check a direction tolerance (non-negative) and its unit (points or relative), scalar or column."""
    tol = np.atleast_1d(_float_array(tolerance, "tolerance"))
    if (tol < 0).any() or np.isnan(tol).any():
        raise ValueError(f"tolerance must be a non-negative number, got {tolerance!r}")
    units = np.atleast_1d(_text_array(tolerance_unit))
    if not np.isin(units, TOLERANCE_UNITS).all():
        found = sorted({repr(u) for u in units} - {repr(u) for u in TOLERANCE_UNITS})
        raise ValueError(f"tolerance_unit must be 'points' or 'relative', got {', '.join(found)}")


def direction_of_travel(
    current: Any,
    previous: Any,
    polarity: str,
    tolerance: float = DEFAULT_DIRECTION_TOLERANCE,
    tolerance_unit: str = "points",
) -> Direction:
    """Direction of travel between two values: a word and an arrow.

    Parameters
    ----------
    current, previous : number or None
        The value now and the value it is compared with (normally the same quarter a year earlier).
    polarity : {"higher", "lower", "neutral"}
        Whether higher or lower values are better, or neither.
    tolerance : float, default :data:`DEFAULT_DIRECTION_TOLERANCE` (2)
        The largest change, either way, that counts as "No change" (inclusive).
    tolerance_unit : {"points", "relative"}, default "points"
        ``"points"``: in units of the value (percentage points for percentages). ``"relative"``: in
        percent of the earlier value (for counts, e.g. 5 with
        :data:`DEFAULT_COUNT_DIRECTION_TOLERANCE`); from 0 any change counts.

    Returns
    -------
    Direction
        ``(word, arrow)``. Words: "Improved", "Declined" ("Increased", "Decreased" for neutral
        polarity), "No change", or "Not available" when either value is missing. Arrows: "↑" the
        value rose, "↓" it fell, "→" no change, "" not available.

    Raises
    ------
    ValueError
        For an invalid polarity, tolerance or tolerance unit.

    Notes
    -----
    Convention: a two-point comparison, "the latest quarter against the same quarter a year
    earlier" (docs/method.md, Direction of travel); the caller chooses the two periods and the
    report states which. The arrow shows the direction of the value and the word whether that is
    better, so a fall in a lower-is-better indicator is "↓ Improved". A change equal to the
    tolerance is "No change". Words always go with the arrow.

    Examples
    --------
    >>> direction_of_travel(90, 85, "higher")
    Direction(word='Improved', arrow='↑')
    >>> str(direction_of_travel(12, 15, "lower")), str(direction_of_travel(72, 70, "higher"))
    ('↓ Improved', '→ No change')
    >>> str(direction_of_travel(1100, 1000, "neutral", 5, "relative"))
    '↑ Increased'
    >>> str(direction_of_travel(None, 70, "higher"))
    'Not available'
    """
    validate_polarity(polarity)
    _check_tolerance(tolerance, tolerance_unit)
    now, before = _scalar_float(current, "current"), _scalar_float(previous, "previous")
    if math.isnan(now) or math.isnan(before):
        return Direction(NOT_AVAILABLE, ARROW_NONE)
    change = float(_clean(now - before))
    allowed = (
        tolerance if tolerance_unit == "points" else float(_clean(tolerance * abs(before) / 100.0))
    )
    if abs(change) <= allowed:
        return Direction(NO_CHANGE, ARROW_SAME)
    rose = change > 0
    arrow = ARROW_UP if rose else ARROW_DOWN
    if polarity == "neutral":
        return Direction(INCREASED if rose else DECREASED, arrow)
    return Direction(IMPROVED if rose == (polarity == "higher") else DECLINED, arrow)


def _direction_arrays(
    now: np.ndarray, before: np.ndarray, pol: np.ndarray, tol: np.ndarray, unit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised direction words and arrows from aligned arrays."""
    with np.errstate(invalid="ignore"):
        change = _clean(now - before)
        allowed = np.where(unit == "relative", _clean(tol * np.abs(before) / 100.0), tol)
        missing = np.isnan(now) | np.isnan(before)
        same = np.abs(change) <= allowed
        rose = change > 0
    better = np.where(pol == "higher", rose, ~rose)
    neutral = pol == "neutral"
    arrows = np.select(
        [missing, same, rose], [ARROW_NONE, ARROW_SAME, ARROW_UP], default=ARROW_DOWN
    )
    words = np.select(
        [missing, same, neutral & rose, neutral, better],
        [NOT_AVAILABLE, NO_CHANGE, INCREASED, DECREASED, IMPROVED],
        default=DECLINED,
    )
    return words, arrows


def direction_of_travel_series(
    current: Any,
    previous: Any,
    polarity: Any,
    tolerance: Any = DEFAULT_DIRECTION_TOLERANCE,
    tolerance_unit: Any = "points",
) -> pd.DataFrame:
    """Direction of travel for columns of values (vectorised :func:`direction_of_travel`).

    Parameters
    ----------
    current, previous : pandas.Series, numpy.ndarray, list or number
        Values now and the values compared with; scalars are broadcast.
    polarity : str or column of str
        ``"higher"``, ``"lower"`` or ``"neutral"``.
    tolerance : float or column of float, default 2
        Largest change counted as "No change" (inclusive).
    tolerance_unit : str or column of str, default "points"
        ``"points"`` or ``"relative"`` (percent of the earlier value), per row if need be.

    Returns
    -------
    pandas.DataFrame
        Text columns ``direction`` (the word) and ``direction_arrow``, indexed like the first
        Series argument.

    Raises
    ------
    ValueError
        For an invalid polarity (naming rows), tolerance or unit, or columns of different lengths.

    Notes
    -----
    Convention: as :func:`direction_of_travel` (arrow = direction of the value, word = better or
    worse, tolerance inclusive); gives the same result row by row.

    Examples
    --------
    >>> direction_of_travel_series(pd.Series([90, 70, None]), pd.Series([80, 71, 60]), "lower")
      direction direction_arrow
    0  Declined               ↑
    1  No change              →
    2  Not available
    """
    _check_tolerance(tolerance, tolerance_unit)
    now, before, pol, tol, unit = _broadcast(
        {
            "current": _float_array(current, "current"),
            "previous": _float_array(previous, "previous"),
            "polarity": _text_array(polarity),
            "tolerance": _float_array(tolerance, "tolerance"),
            "tolerance_unit": _text_array(tolerance_unit),
        }
    )
    index = _index_of(current, previous, polarity, tolerance, tolerance_unit, length=now.shape[0])
    validate_polarity(pd.Series(pol, index=index, dtype=object))
    words, arrows = _direction_arrays(now, before, pol, tol, unit)
    return pd.DataFrame({"direction": words, "direction_arrow": arrows}, index=index, dtype="str")


# --- Judging a results table ---------------------------------------------------------------------

_REQUIRED_COLUMNS = ("value", "target", "polarity")


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of ``frame``, or an all-missing float column when it is absent."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(np.nan, index=frame.index, dtype="float64", name=name)


def _units(frame: pd.DataFrame) -> pd.Series:
    """The unit of each row: the ``unit`` column, else ``"%"`` where numerator and denominator are given."""
    if "unit" in frame.columns:
        return frame["unit"].astype(object).where(frame["unit"].notna(), "")
    counted = _column(frame, "numerator").notna() & _column(frame, "denominator").notna()
    return pd.Series(np.where(counted, "%", ""), index=frame.index, dtype=object)


def _judge_rag(
    frame: pd.DataFrame, scheme: Mapping, by: str | None, directions: pd.Series, **options: Any
) -> np.ndarray:
    """RAG words for every row: one scheme for all rows, or one per value of the ``by`` column."""
    if by is None:
        return rag_status_series(
            frame["value"],
            frame["target"],
            frame["polarity"],
            scheme,
            directions=directions,
            **options,
        ).to_numpy(dtype=object)
    keys = frame[by]
    unknown = sorted(set(keys.dropna().unique()) - set(scheme), key=str)
    if keys.isna().any() or unknown:
        shown = ", ".join(repr(k) for k in unknown) or "a missing value"
        raise ValueError(
            f"{options['where']}: no RAG scheme for {by} {shown}; schemes given for: "
            f"{', '.join(repr(k) for k in scheme)}"
        )
    words = np.empty(len(frame), dtype=object)
    where = options.pop("where")
    for key, rows in frame.groupby(by, sort=False).indices.items():
        part = frame.iloc[rows]
        words[rows] = rag_status_series(
            part["value"],
            part["target"],
            part["polarity"],
            scheme[key],
            directions=directions.iloc[rows],
            where=f"{where}: {key}",
            **options,
        ).to_numpy(dtype=object)
    return words


def _judge_ci(frame: pd.DataFrame, is_percentage: np.ndarray, z: float) -> pd.DataFrame:
    """Wilson limits in percent (0-100) for percentage rows, ``NaN`` for others."""
    num = _column(frame, "numerator").where(is_percentage)
    den = _column(frame, "denominator").where(is_percentage)
    limits = wilson_interval(num, den, z=z) * 100.0
    return limits.rename(columns={"lower": "ci_lower", "upper": "ci_upper"})


def judge(
    frame: pd.DataFrame,
    scheme: Mapping,
    *,
    by: str | None = None,
    compare_on: str | None = None,
    digits: int = 0,
    direction_tolerance: float = DEFAULT_DIRECTION_TOLERANCE,
    count_direction_tolerance: float = DEFAULT_COUNT_DIRECTION_TOLERANCE,
    low_numbers_threshold: int = LOW_NUMBERS_THRESHOLD,
    z: float = Z_95,
    where: str = "RAG scheme",
) -> pd.DataFrame:
    """Add the judgement columns to a results table: RAG, colour, low numbers, interval, display, direction.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per council x indicator x period, with columns ``value``, ``target``, ``polarity``
        and optionally ``numerator``, ``denominator``, ``previous_value`` (the value to compare
        with, e.g. the same quarter a year earlier) and ``unit`` (``"%"`` for percentages).
    scheme : mapping
        One RAG scheme for every row or, with ``by``, a mapping from each value of the ``by``
        column to its scheme (``{"glasgow-city": {"type": "two_state"}, ...}``).
    by : str, optional
        Column choosing the scheme of each row, e.g. ``"council"``.
    compare_on : {"exact", "rounded"}, optional
        As in :func:`rag_status`; default each scheme's (``"exact"``).
    digits : int, default 0
        Decimal places of the displayed value (and of the rounded comparison).
    direction_tolerance : float, default 2
        "No change" tolerance for percentage rows, in percentage points.
    count_direction_tolerance : float, default 5
        "No change" tolerance for other rows, relative, in percent of the previous value.
    low_numbers_threshold : int, default 10
        Denominators below this are flagged.
    z : float, default :data:`Z_95`
        Normal quantile of the intervals.
    where : str, default "RAG scheme"
        Where the scheme(s) came from, for messages.

    Returns
    -------
    pandas.DataFrame
        A new frame: the input columns plus ``rag``, ``rag_colour``, ``low_numbers`` (nullable
        boolean, ``<NA>`` without a denominator), ``ci_lower`` and ``ci_upper`` (percent 0-100,
        percentage rows only), ``display_value`` (text, ``"88%"``), ``direction`` and
        ``direction_arrow``.

    Raises
    ------
    ValueError
        When a required column is missing, or as the functions called (invalid scheme or polarity,
        a row without a scheme, bad counts), naming the rows.

    Notes
    -----
    Convention: the conventions of this module (halves up, value at target Green, inclusive
    tolerances, Wilson 95% intervals, denominators under 10 flagged, arrow = direction of the
    value). Without a ``unit`` column a row with both numerator and denominator is taken to be a
    percentage; supply ``unit`` when some such rows are averages or rates. The input frame is not
    changed.

    Examples
    --------
    >>> results = pd.DataFrame({"value": [87.5, 65.0], "target": [80, 70], "polarity": "higher",
    ...                         "numerator": [7, 13], "denominator": [8, 20], "previous_value": [90, 60]})
    >>> judge(results, {"type": "two_state"})[["rag", "display_value", "low_numbers", "direction"]]
         rag display_value  low_numbers direction
    0  Green           88%         True  Declined
    1    Red           65%        False  Improved
    """
    missing = [c for c in _REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"results table is missing column(s) {missing}; it has {list(frame.columns)}"
        )
    units = _units(frame)
    is_pct = (units == "%").to_numpy()
    directions = direction_of_travel_series(
        frame["value"],
        _column(frame, "previous_value"),
        frame["polarity"],
        tolerance=np.where(is_pct, direction_tolerance, count_direction_tolerance),
        tolerance_unit=np.where(is_pct, "points", "relative"),
    )
    rag = _judge_rag(
        frame,
        scheme,
        by,
        directions["direction"],
        compare_on=compare_on,
        digits=digits,
        where=where,
    )
    rag = pd.Series(rag, index=frame.index, dtype="str")
    return frame.assign(
        rag=rag,
        rag_colour=rag.map(dict(RAG_COLOURS)).astype("str"),
        low_numbers=low_numbers(_column(frame, "denominator"), low_numbers_threshold).astype(
            "boolean"
        ),
        **_judge_ci(frame, is_pct, z),
        display_value=format_value(frame["value"], units, digits),
        direction=directions["direction"],
        direction_arrow=directions["direction_arrow"],
    )
