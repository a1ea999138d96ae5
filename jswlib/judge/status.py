"""Judgement: rounding, percentages, confidence intervals, low numbers, RAG status and direction
of travel.

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
  ``"No target"``, ``"No data"``); the report colours it (:mod:`jswlib.present.style`), but
  colour is never the only carrier of meaning (WCAG 2.2 AA). A value exactly at target is Green (Glasgow: 70%
  against 70% is Green, 65% against 70% is Red). Amber tolerances are inclusive. By default the
  value *as published* (rounded half up to the digits shown) is judged, so the word always agrees
  with the number printed beside it: 69.5% shows as 70% and is Green against 70%. A scheme with
  ``compare_on: exact`` keeps the unrounded rule (docs/method.md, "RAG status").
- **Direction of travel** (:func:`compare_periods`, used by :func:`judge`) compares two periods
  chosen by the caller (the quarter against the same quarter a year earlier, or the last four
  quarters against the four before) and says "Improved" or "Declined" only when the change is
  significant at 95%: Newcombe's hybrid score interval for proportions, the exact conditional test
  of two Poisson counts for counts, Welch's interval for averages; otherwise "No significant
  change". A provisional figure gets "Provisional", no direction. The arrow shows which way the
  *value* moved (↑, ↓, → for no significant change); the word says whether that is better or
  worse, so for a lower-is-better indicator a fall is "↓ Improved" (docs/method.md, "Direction of
  travel"). The older :func:`direction_of_travel` (a fixed tolerance, no sample size) remains for
  values without counts.
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
    "RAG_SCHEME_TYPES",
    "RAG_STATUSES",
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
    "COMPARISON_KINDS",
    "COMPARISON_TESTS",
    "NO_SIGNIFICANT_CHANGE",
    "NOT_TESTED",
    "PROVISIONAL",
    "compare_periods",
    "count_change_p_value",
    "newcombe_interval",
    "t_quantile_975",
    "welch_interval",
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
#: A figure that can still change (some of its cases are pending, or its period has not ended): no
#: RAG status and no direction of travel (docs/method.md, "Period placement").
PROVISIONAL = "Provisional"
#: Every RAG status word, in display order.
RAG_STATUSES: tuple[str, ...] = (GREEN, AMBER, RED, PROVISIONAL, NO_TARGET, NO_DATA)

IMPROVED, DECLINED, NO_CHANGE, NOT_AVAILABLE = "Improved", "Declined", "No change", "Not available"
INCREASED, DECREASED = "Increased", "Decreased"
ARROW_UP, ARROW_DOWN, ARROW_SAME, ARROW_NONE = "↑", "↓", "→", ""


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
    """A column (Series, array or list) or scalar as a float64 numpy array, missing values as
    ``NaN``."""
    if _is_scalar(values):
        return np.array(_scalar_float(values, name))
    if isinstance(values, np.ndarray) and values.dtype == np.float64 and values.ndim == 1:
        return values.copy()  # what the conversion below gives, without a Series
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
    """Broadcast 0-d and 1-d arrays to one length, naming the arguments when their lengths
    differ."""
    lengths = {name: a.shape[0] for name, a in arrays.items() if a.ndim == 1}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"columns must have the same length: {shown}")
    return [np.atleast_1d(a) for a in np.broadcast_arrays(*arrays.values())]


def _clean(values: Any) -> Any:
    """Round differences to 9 decimal places so that floating-point noise does not decide a
    comparison."""
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


def _round_half_up_scalar(number: float, digits: int) -> float:
    """:func:`_round_half_up_array` of one float, in plain Python (the same IEEE arithmetic, a
    hundred times quicker than a 0-d array)."""
    if math.isnan(number) or math.isinf(number):
        return number
    scale = 10.0**digits
    scaled = abs(number) * scale
    rounded = float(math.floor(scaled + 0.5 + _ROUNDING_EPSILON * max(scaled, 1.0)))
    sign = 1.0 if number > 0 else (-1.0 if number < 0 else 0.0)
    return sign * rounded / scale + 0.0


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
        return _round_half_up_scalar(_scalar_float(values, "value"), digits)
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
    """Numerators, denominators and exact percentages as float arrays (``NaN`` for zero
    denominators)."""
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
    if _is_scalar(numerator) and _is_scalar(denominator):  # plain Python: the same arithmetic
        num = _scalar_float(numerator, "numerator")
        den = _scalar_float(denominator, "denominator")
        return math.nan if den == 0 or math.isnan(num) or math.isnan(den) else num * 100.0 / den
    _, _, pct = _percentage_array(numerator, denominator)
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
    """Values as published text: rounded half up, thousands separated, ``%`` appended when the
    unit is ``%``.

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
    if _is_scalar(values) and _is_scalar(unit):  # plain Python: the same arithmetic and text
        number = _round_half_up_scalar(_scalar_float(values, "values"), digits)
        if math.isnan(number):
            return missing
        return f"{number:,.{digits}f}" + ("%" if not _is_missing(unit) and unit == "%" else "")
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
    """Wilson score limits as proportions, ``NaN`` where the denominator is 0 or a count is
    missing."""
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
            f"{where}: polarity must be one of {allowed}; found {found} in rows "
            f"{_rows(bad, index)}"
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
    'Green when at or better than target, otherwise Red; judged on the published (rounded) value.'
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
        Default: the scheme's ``compare_on``, which defaults to ``"rounded"``.
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

    The published value is judged by default, as publications do, so that the word always agrees
    with the figure shown: 69.5% shows as "70%" and is Green against 70%; 69.4% shows as "69%" and
    is Red. A council that wants the unrounded rule sets ``compare_on: exact`` in its scheme (then
    69.5% is Red although it shows as 70%); the report states which rule was used.

    Examples
    --------
    >>> glasgow = {"type": "two_state"}
    >>> rag_status(65, 70, "higher", glasgow), rag_status(70, 70, "higher", glasgow)
    ('Red', 'Green')
    >>> rag_status(69.5, 70, "higher", glasgow), rag_status(69.5, 70, "higher", glasgow, compare_on="exact")
    ('Green', 'Red')
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
            f"{where}: a neutral indicator (neither higher nor lower is better) cannot have a "
            "target"
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
    """RAG status of a column of values against their targets, as words (vectorised
    :func:`rag_status`).

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
    target" before "No data"; the published, rounded value judged by default). Gives the same word
    as :func:`rag_status` row by row.

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
            f"{where}: a neutral indicator cannot have a target; rows "
            f"{_rows(neutral_with_target, index)}"
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
    """Check a direction tolerance (non-negative) and its unit (points or relative), scalar or
    column."""
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


# --- Direction of travel judged against chance ---------------------------------------------------

#: Words of a tested direction of travel, besides Improved / Declined (Increased / Decreased).
NO_SIGNIFICANT_CHANGE = "No significant change"
#: A comparison for which no test is defined (a sum of hours): the change is shown, not judged.
NOT_TESTED = "Not tested"
#: What kind of figure a row is, for the choice of test: a percentage of a denominator, a count of
#: events or people, a mean of values, or something else (a sum).
COMPARISON_KINDS: tuple[str, ...] = ("proportion", "count", "average", "other")
#: The test used for each kind, in words (for captions and exports).
COMPARISON_TESTS = MappingProxyType(
    {
        "proportion": "Newcombe hybrid score interval for a difference of proportions, 95%",
        "count": "exact conditional (binomial) test of two Poisson counts, two-sided, 5%",
        "average": "Welch interval for a difference of means, 95%",
        "other": "no test",
    }
)
#: Two-sided 97.5% quantiles of Student's t for 1-4 degrees of freedom (standard tables); from 5
#: on the Cornish-Fisher expansion is used.
_T_975_SMALL = (12.7062047, 4.3026527, 3.1824463, 2.7764451)


def newcombe_interval(
    numerator_1: Any, denominator_1: Any, numerator_2: Any, denominator_2: Any, z: float = Z_95
) -> Any:
    """Confidence interval for the difference of two proportions, ``p1 - p2`` (Newcombe's hybrid
    score).

    Parameters
    ----------
    numerator_1, denominator_1 : number or column
        Counts of the first proportion (normally the current period).
    numerator_2, denominator_2 : number or column
        Counts of the second (the period compared with).
    z : float, default :data:`Z_95`
        Standard normal quantile: 1.96 for 95%.

    Returns
    -------
    tuple of float or pandas.DataFrame
        ``(lower, upper)`` of ``p1 - p2`` as proportions (-1 to 1) for scalars, else a DataFrame
        with columns ``lower`` and ``upper``. ``NaN`` where a denominator is 0 or a count missing.

    Raises
    ------
    ValueError
        When a count is negative or a numerator exceeds its denominator.

    Notes
    -----
    Newcombe (1998), "Interval estimation for the difference between independent proportions:
    comparison of eleven methods", Statistics in Medicine 17:873-890, method 10: with Wilson score
    limits ``(l1, u1)`` and ``(l2, u2)`` of the two proportions (:func:`wilson_interval`), the
    limits of ``d = p1 - p2`` are ``d - sqrt((p1 - l1)² + (u2 - p2)²)`` and ``d + sqrt((u1 - p1)²
    + (p2 - l2)²)``. It stays within -1 to 1 and behaves at 0% and 100% and on small denominators;
    the difference is significant at 95% when the interval excludes 0 (docs/method.md, "Direction
    of travel").

    Examples
    --------
    Newcombe's Table II example (56/70 against 48/80), method 10:

    >>> lower, upper = newcombe_interval(56, 70, 48, 80)
    >>> round(lower, 4), round(upper, 4)
    (0.0524, 0.3339)
    """
    scalar = all(_is_scalar(v) for v in (numerator_1, denominator_1, numerator_2, denominator_2))
    x1, n1, x2, n2 = _broadcast(
        {
            "numerator_1": _float_array(numerator_1, "numerator_1"),
            "denominator_1": _float_array(denominator_1, "denominator_1"),
            "numerator_2": _float_array(numerator_2, "numerator_2"),
            "denominator_2": _float_array(denominator_2, "denominator_2"),
        }
    )
    index = _index_of(numerator_1, denominator_1, numerator_2, denominator_2, length=len(x1))
    _check_counts(x1, n1, index)
    _check_counts(x2, n2, index)
    l1, u1 = _wilson_arrays(x1, n1, float(z))
    l2, u2 = _wilson_arrays(x2, n2, float(z))
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = np.where(n1 > 0, x1 / n1, np.nan)
        p2 = np.where(n2 > 0, x2 / n2, np.nan)
        d = p1 - p2
        lower = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        upper = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    if scalar:
        return float(lower[0]), float(upper[0])
    return pd.DataFrame({"lower": lower, "upper": upper}, index=index)


def _log_binomial_pmf(k: np.ndarray, n: float) -> np.ndarray:
    """log P(X = k) for X ~ Binomial(n, 1/2)."""
    return (
        math.lgamma(n + 1)
        - np.array([math.lgamma(v + 1) + math.lgamma(n - v + 1) for v in k.tolist()])
        - n * math.log(2.0)
    )


def count_change_p_value(current: Any, previous: Any) -> Any:
    """Two-sided p-value for a change between two counts over periods of equal length.

    Parameters
    ----------
    current, previous : number or column
        Counts (whole numbers, 0 or more) of two periods of the same length.

    Returns
    -------
    float or pandas.Series
        The p-value (0-1); ``NaN`` where a count is missing.

    Raises
    ------
    ValueError
        When a count is negative or not a whole number.

    Notes
    -----
    The exact conditional test of two Poisson counts: given their total ``k = c1 + c2``, the
    current count is Binomial(``k``, 1/2) when the two periods share one rate, so the two-sided
    p-value is ``min(1, 2 P(X <= min(c1, c2)))``, summed exactly in logs (no normal
    approximation). A change is significant at 95% when ``p < 0.05``. Counts of people on orders
    are stocks rather than independent events, so for them the test is approximate
    (docs/method.md, "Direction of travel").

    Examples
    --------
    10 against 2: ``2 (1 + 12 + 66) / 2**12 = 0.0386``; 5 against 1: ``2 (1 + 6) / 2**6 = 0.219``:

    >>> round(count_change_p_value(10, 2), 4), round(count_change_p_value(5, 1), 4)
    (0.0386, 0.2188)
    """
    scalar = _is_scalar(current) and _is_scalar(previous)
    c1, c2 = _broadcast(
        {
            "current": _float_array(current, "current"),
            "previous": _float_array(previous, "previous"),
        }
    )
    present = ~(np.isnan(c1) | np.isnan(c2))
    bad = present & ((np.minimum(c1, c2) < 0) | (c1 != np.round(c1)) | (c2 != np.round(c2)))
    if bad.any():
        index = _index_of(current, previous, length=len(c1))
        raise ValueError("counts must be whole numbers >= 0; not so in rows " + _rows(bad, index))
    out = np.full(len(c1), np.nan)
    for i in np.flatnonzero(present):
        low, total = min(c1[i], c2[i]), c1[i] + c2[i]
        if c1[i] == c2[i]:
            out[i] = 1.0
            continue
        logs = _log_binomial_pmf(np.arange(int(low) + 1, dtype=float), total)
        top = logs.max()
        tail = math.exp(top) * float(np.exp(logs - top).sum())
        out[i] = min(1.0, 2.0 * tail)
    if scalar:
        return float(out[0])
    return pd.Series(out, index=_index_of(current, previous, length=len(out)), dtype="float64")


def t_quantile_975(df: Any) -> np.ndarray:
    """The 97.5% quantile of Student's t (two-sided 95%) for degrees of freedom ``df`` (may be
    fractional).

    Notes
    -----
    For ``df >= 5`` the Cornish-Fisher expansion of Abramowitz and Stegun (1964), 26.7.5, in
    powers of 1/df (accurate to better than 0.001 from 5 on); below 5 the tabled quantile of
    the whole number of degrees of freedom below ``df`` (conservative). ``NaN`` below 1.

    Examples
    --------
    >>> [round(float(t), 3) for t in t_quantile_975([1, 4.5, 10, 30, 1e9])]
    [12.706, 2.776, 2.228, 2.042, 1.96]
    """
    nu = np.atleast_1d(np.asarray(df, dtype=float))
    z = Z_95
    with np.errstate(divide="ignore", invalid="ignore"):
        g1 = (z**3 + z) / 4
        g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
        g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
        g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
        expansion = z + g1 / nu + g2 / nu**2 + g3 / nu**3 + g4 / nu**4
    small = np.floor(np.clip(np.nan_to_num(nu, nan=1.0), 1, 4)).astype(int) - 1
    table = np.array(_T_975_SMALL)[small]
    return np.where(nu >= 5, expansion, np.where(nu >= 1, table, np.nan))


def welch_interval(
    mean_1: Any, sd_1: Any, n_1: Any, mean_2: Any, sd_2: Any, n_2: Any
) -> pd.DataFrame:
    """95% interval for the difference of two means, ``mean_1 - mean_2`` (Welch).

    Parameters
    ----------
    mean_1, sd_1, n_1 : number or column
        Mean, sample standard deviation and number of values of the first group (the current
        period).
    mean_2, sd_2, n_2 : number or column
        The same for the second (the period compared with).

    Returns
    -------
    pandas.DataFrame
        Columns ``lower`` and ``upper``; ``NaN`` where either group has fewer than 2 values or a
        figure is missing.

    Notes
    -----
    Welch (1947): standard error ``sqrt(s1²/n1 + s2²/n2)``, degrees of freedom by the
    Welch-Satterthwaite formula, quantile from :func:`t_quantile_975`. The values need not be
    normal when the groups hold a few tens of values or more (central limit theorem).

    Examples
    --------
    50 (sd 10, 100 values) against 45 (sd 12, 100 values): SE = sqrt(1 + 1.44) = 1.562, df = 191.8,
    t = 1.9726, so 5 -/+ 3.081:

    >>> welch_interval(50, 10, 100, 45, 12, 100).round(3).iloc[0].tolist()
    [1.919, 8.081]
    """
    m1, s1, k1, m2, s2, k2 = _broadcast(
        {
            "mean_1": _float_array(mean_1, "mean_1"),
            "sd_1": _float_array(sd_1, "sd_1"),
            "n_1": _float_array(n_1, "n_1"),
            "mean_2": _float_array(mean_2, "mean_2"),
            "sd_2": _float_array(sd_2, "sd_2"),
            "n_2": _float_array(n_2, "n_2"),
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        v1 = np.where(k1 >= 2, s1**2 / k1, np.nan)
        v2 = np.where(k2 >= 2, s2**2 / k2, np.nan)
        se = np.sqrt(v1 + v2)
        df = (v1 + v2) ** 2 / (v1**2 / (k1 - 1) + v2**2 / (k2 - 1))
        df = np.where(se > 0, df, np.inf)
        half = t_quantile_975(df) * se
    d = m1 - m2
    index = _index_of(mean_1, sd_1, n_1, mean_2, sd_2, n_2, length=len(d))
    return pd.DataFrame({"lower": d - half, "upper": d + half}, index=index)


def _flags(values: Any, length: int) -> np.ndarray:
    """A column of flags (missing = False) as a bool array of ``length``."""
    if values is None:
        return np.zeros(length, dtype=bool)
    if _is_scalar(values):
        return np.full(length, bool(values) if not _is_missing(values) else False)
    return pd.array(pd.Series(values).to_numpy(), dtype="boolean").fillna(False).to_numpy(bool)


def compare_periods(
    kind: Any,
    polarity: Any,
    current: Any,
    previous: Any,
    *,
    numerator: Any = None,
    denominator: Any = None,
    previous_numerator: Any = None,
    previous_denominator: Any = None,
    sd: Any = None,
    previous_sd: Any = None,
    provisional: Any = None,
    previous_provisional: Any = None,
) -> pd.DataFrame:
    """Direction of travel between two periods, called a change only when it is beyond chance.

    Parameters
    ----------
    kind : str or column of str
        One of :data:`COMPARISON_KINDS`: ``"proportion"`` (needs the four counts), ``"count"``
        (``current`` and ``previous`` are the counts), ``"average"`` (needs ``sd`` and
        ``previous_sd``, and the numbers of values as ``denominator``/``previous_denominator``),
        ``"other"`` (not tested).
    polarity : str or column of str
        ``"higher"``, ``"lower"`` or ``"neutral"``.
    current, previous : number or column
        The values compared (percent for proportions).
    numerator, denominator, previous_numerator, previous_denominator : number or column, optional
        Counts of each period.
    sd, previous_sd : number or column, optional
        Sample standard deviations of the values averaged (averages only).
    provisional, previous_provisional : bool or column, optional
        Whether either figure can still change.

    Returns
    -------
    pandas.DataFrame
        ``direction`` (word), ``direction_arrow``, ``change`` (current - previous, in the units of
        the value: percentage points for proportions), ``change_lower`` and ``change_upper`` (its
        95% interval, proportions and averages), ``p_value`` (counts), ``direction_test`` (the
        test in words).

    Raises
    ------
    ValueError
        For an unknown kind or polarity, or bad counts.

    Notes
    -----
    Convention (docs/method.md, "Direction of travel"): "Improved" / "Declined" ("Increased" /
    "Decreased" for neutral polarity) only when the change is significant at 95%: proportions by
    Newcombe's hybrid score interval (:func:`newcombe_interval`) excluding 0; counts by the exact
    conditional test (:func:`count_change_p_value`) below 0.05; averages by Welch's interval
    (:func:`welch_interval`) excluding 0. Otherwise "No significant change" (arrow "→"). A
    provisional figure on either side gives "Provisional" and no arrow; a missing one "Not
    available"; a sum "Not tested". 0/1 against 1/1 is not a decline.

    Examples
    --------
    >>> compare_periods("proportion", "higher", 0.0, 100.0, numerator=0, denominator=1,
    ...                 previous_numerator=1, previous_denominator=1)["direction"].iloc[0]
    'No significant change'
    """
    kinds = np.atleast_1d(_text_array(kind))
    n = max(
        len(np.atleast_1d(_float_array(current, "current"))),
        len(kinds),
        len(np.atleast_1d(_text_array(polarity))),
    )

    def column(values: Any, name: str) -> np.ndarray:
        if values is None:
            return np.full(n, np.nan)
        arr = np.atleast_1d(_float_array(values, name))
        return np.broadcast_to(arr, (n,)).astype(float) if arr.size in (1, n) else arr

    kinds = np.broadcast_to(kinds, (n,))
    pol = np.broadcast_to(np.atleast_1d(_text_array(polarity)), (n,))
    unknown = ~np.isin(kinds, COMPARISON_KINDS)
    if unknown.any():
        found = ", ".join(sorted({repr(k) for k in kinds[unknown]}))
        raise ValueError(f"kind must be one of {', '.join(COMPARISON_KINDS)}; got {found}")
    index = _index_of(current, previous, kind, polarity, numerator, length=n)
    validate_polarity(pd.Series(pol, index=index, dtype=object))
    now, before = column(current, "current"), column(previous, "previous")
    x1, n1 = column(numerator, "numerator"), column(denominator, "denominator")
    x2, n2 = (
        column(previous_numerator, "previous_numerator"),
        column(previous_denominator, "previous_denominator"),
    )
    change = _clean(now - before)
    lower = np.full(n, np.nan)
    upper = np.full(n, np.nan)
    p_value = np.full(n, np.nan)
    significant = np.zeros(n, dtype=bool)
    is_prop, is_count, is_avg = kinds == "proportion", kinds == "count", kinds == "average"
    if is_prop.any():
        rows = is_prop & ~np.isnan(x1) & ~np.isnan(n1) & ~np.isnan(x2) & ~np.isnan(n2)
        limits = newcombe_interval(x1[rows], n1[rows], x2[rows], n2[rows])
        lower[rows], upper[rows] = 100.0 * limits["lower"], 100.0 * limits["upper"]
    if is_avg.any():
        s1, s2 = column(sd, "sd"), column(previous_sd, "previous_sd")
        limits = welch_interval(
            now[is_avg], s1[is_avg], n1[is_avg], before[is_avg], s2[is_avg], n2[is_avg]
        )
        lower[is_avg], upper[is_avg] = limits["lower"], limits["upper"]
    with np.errstate(invalid="ignore"):
        significant |= (is_prop | is_avg) & ((lower > 0) | (upper < 0))
    if is_count.any():
        p_value[is_count] = count_change_p_value(now[is_count], before[is_count])
        with np.errstate(invalid="ignore"):
            significant |= is_count & (p_value < 1 - CONFIDENCE_LEVEL)
    missing = np.isnan(now) | np.isnan(before)
    provisional_any = _flags(provisional, n) | _flags(previous_provisional, n)
    rose = change > 0
    better = np.where(pol == "higher", rose, ~rose)
    neutral = pol == "neutral"
    untested = kinds == "other"
    words = np.select(
        [provisional_any, missing, untested, ~significant, neutral & rose, neutral, better],
        [
            PROVISIONAL,
            NOT_AVAILABLE,
            NOT_TESTED,
            NO_SIGNIFICANT_CHANGE,
            INCREASED,
            DECREASED,
            IMPROVED,
        ],
        default=DECLINED,
    )
    arrows = np.select(
        [provisional_any | missing, untested | ~significant, rose],
        [ARROW_NONE, ARROW_SAME, ARROW_UP],
        default=ARROW_DOWN,
    )
    return pd.DataFrame(
        {
            "direction": pd.Series(words, index=index, dtype="str"),
            "direction_arrow": pd.Series(arrows, index=index, dtype="str"),
            "change": change,
            "change_lower": lower,
            "change_upper": upper,
            "p_value": p_value,
            "direction_test": pd.Series(
                [COMPARISON_TESTS[k] for k in kinds], index=index, dtype="str"
            ),
        },
        index=index,
    )


# --- Judging a results table ---------------------------------------------------------------------

_REQUIRED_COLUMNS = ("value", "target", "polarity")


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of ``frame``, or an all-missing float column when it is absent."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(np.nan, index=frame.index, dtype="float64", name=name)


def _units(frame: pd.DataFrame) -> pd.Series:
    """The unit of each row: the ``unit`` column, else ``"%"`` where numerator and denominator are
    given."""
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


#: Kind of comparison for each unit of ``params/indicators.yaml`` (see :data:`COMPARISON_KINDS`).
KIND_OF_UNIT = MappingProxyType({"%": "proportion", "number": "count", "days": "average"})


def _kinds(frame: pd.DataFrame, units: pd.Series) -> pd.Series:
    """The comparison kind of each row: the ``kind`` column, else from the unit."""
    if "kind" in frame.columns:
        return frame["kind"].astype(object)
    return units.map(lambda u: KIND_OF_UNIT.get(u, "other")).astype(object)


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
    low_numbers_threshold: int = LOW_NUMBERS_THRESHOLD,
    z: float = Z_95,
    where: str = "RAG scheme",
) -> pd.DataFrame:
    """Add the judgement columns to a results table: RAG, colour, low numbers, interval, display,
    direction.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per council x indicator x period, with columns ``value``, ``target``, ``polarity``
        and optionally ``numerator``, ``denominator``, ``unit`` (``"%"`` for percentages,
        ``"number"``, ``"days"``, ``"hours"``), ``kind`` (overrides the kind the unit gives, see
        :data:`COMPARISON_KINDS`), ``std_dev`` (averages), ``provisional``, and the figures of the
        period compared with (e.g. the same quarter a year earlier): ``previous_value``,
        ``previous_numerator``, ``previous_denominator``, ``previous_std_dev``,
        ``previous_provisional``.
    scheme : mapping
        One RAG scheme for every row or, with ``by``, a mapping from each value of the ``by``
        column to its scheme (``{"glasgow-city": {"type": "two_state"}, ...}``).
    by : str, optional
        Column choosing the scheme of each row, e.g. ``"council"``.
    compare_on : {"exact", "rounded"}, optional
        As in :func:`rag_status`; default each scheme's (``"rounded"``).
    digits : int, default 0
        Decimal places of the displayed value (and of the rounded comparison).
    low_numbers_threshold : int, default 10
        Denominators below this are flagged.
    z : float, default :data:`Z_95`
        Normal quantile of the intervals.
    where : str, default "RAG scheme"
        Where the scheme(s) came from, for messages.

    Returns
    -------
    pandas.DataFrame
        A new frame: the input columns plus ``rag``, ``low_numbers`` (nullable
        boolean, ``<NA>`` without a denominator), ``ci_lower`` and ``ci_upper`` (percent 0-100,
        percentage rows only), ``display_value`` (text, ``"88%"``), and the columns of
        :func:`compare_periods`: ``direction``, ``direction_arrow``, ``change``, ``change_lower``,
        ``change_upper``, ``p_value``, ``direction_test``.

    Raises
    ------
    ValueError
        When a required column is missing, or as the functions called (invalid scheme or polarity,
        a row without a scheme, bad counts), naming the rows.

    Notes
    -----
    Convention: the conventions of this module (halves up, value at target Green, the published
    (rounded) value judged unless the scheme says ``compare_on: exact``, inclusive tolerances,
    Wilson 95% intervals, denominators under 10 flagged, a direction only when significant at
    95%). A provisional row gets the word "Provisional" for its RAG status and its direction; so
    does the direction of a row whose comparison period is provisional. Without a ``unit`` column
    a row with both numerator and denominator is taken to be a percentage; supply ``unit`` when
    some such rows are averages or rates. The input frame is not changed.

    Examples
    --------
    7/8 against 9/10 is no significant change; 150/200 against 100/200 is an improvement:

    >>> results = pd.DataFrame({"value": [87.5, 75.0], "target": [80, 70], "polarity": "higher",
    ...                         "numerator": [7, 150], "denominator": [8, 200], "previous_value": [90, 50],
    ...                         "previous_numerator": [9, 100], "previous_denominator": [10, 200]})
    >>> judge(results, {"type": "two_state"})[["rag", "display_value", "low_numbers", "direction"]]
         rag display_value  low_numbers              direction
    0  Green           88%         True  No significant change
    1  Green           75%        False               Improved
    """
    missing = [c for c in _REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"results table is missing column(s) {missing}; it has {list(frame.columns)}"
        )
    units = _units(frame)
    is_pct = (units == "%").to_numpy()
    provisional = _flags(
        _column(frame, "provisional").where(lambda c: c.notna(), False), len(frame)
    )
    directions = compare_periods(
        _kinds(frame, units),
        frame["polarity"],
        frame["value"],
        _column(frame, "previous_value"),
        numerator=_column(frame, "numerator"),
        denominator=_column(frame, "denominator"),
        previous_numerator=_column(frame, "previous_numerator"),
        previous_denominator=_column(frame, "previous_denominator"),
        sd=_column(frame, "std_dev"),
        previous_sd=_column(frame, "previous_std_dev"),
        provisional=provisional,
        previous_provisional=_column(frame, "previous_provisional").where(
            lambda c: c.notna(), False
        ),
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
    rag = pd.Series(np.where(provisional, PROVISIONAL, rag), index=frame.index, dtype="str")
    return frame.assign(
        rag=rag,
        low_numbers=low_numbers(_column(frame, "denominator"), low_numbers_threshold).astype(
            "boolean"
        ),
        **_judge_ci(frame, is_pct, z),
        display_value=format_value(frame["value"], units, digits),
        **{col: directions[col] for col in directions.columns},
    )
