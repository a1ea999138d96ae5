"""RAG schemes as params define them: the scheme types, their keys and defaults, and the check
run when ``params/targets.yaml`` is loaded. Applying a scheme to a figure is judgement
(:mod:`jswlib.judge.status`); its definition lives here with the other definitions. The schemes
are described in docs/method.md, "RAG schemes".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

#: Default amber tolerance of a three-state RAG scheme, in percentage points (units of the value).
DEFAULT_AMBER_TOLERANCE: float = 5.0
#: How a tolerance is measured: in units of the value (percentage points for percentages), or
#: relative, in percent of the reference value (the target for RAG, the earlier value for
#: direction).
TOLERANCE_UNITS: tuple[str, ...] = ("points", "relative")
#: How the value is compared with the target: unrounded, or as published (rounded half up).
COMPARE_ON: tuple[str, ...] = ("exact", "rounded")

#: Scheme types and the keys each allows (besides ``type``), with their defaults.
RAG_SCHEME_TYPES = MappingProxyType(
    {
        "two_state": MappingProxyType({"description": None, "compare_on": "rounded"}),
        "three_state": MappingProxyType(
            {
                "description": None,
                "compare_on": "rounded",
                "amber_tolerance": DEFAULT_AMBER_TOLERANCE,
                "tolerance_unit": "points",
            }
        ),
        "three_state_improving": MappingProxyType({"description": None, "compare_on": "rounded"}),
    }
)


def _check_number(scheme: Mapping, key: str, where: str) -> None:
    """Check that ``scheme[key]`` is a finite, non-negative number."""
    value = scheme[key]
    ok = (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )
    if not ok:
        raise ValueError(
            f"{where}: RAG scheme key {key!r} must be a non-negative number, got {value!r}"
        )


def _check_choice(scheme: Mapping, key: str, choices: tuple[str, ...], where: str) -> None:
    """Check that ``scheme[key]`` is one of ``choices``."""
    if scheme[key] not in choices:
        shown = ", ".join(repr(c) for c in choices)
        raise ValueError(
            f"{where}: RAG scheme key {key!r} must be one of {shown}, got {scheme[key]!r}"
        )


def validate_rag_scheme(scheme: Any, where: str = "RAG scheme") -> dict[str, Any]:
    """Check a RAG scheme (as read from params YAML) and return it with its defaults filled in.

    Parameters
    ----------
    scheme : mapping
        ``{"type": "two_state"}``, ``{"type": "three_state", "amber_tolerance": 5,
        "tolerance_unit": "points"}`` or ``{"type": "three_state_improving"}``, each optionally
        with ``description`` (text for the report) and ``compare_on`` (``"exact"`` or
        ``"rounded"``).
    where : str, default "RAG scheme"
        Where the scheme came from, for messages, e.g. ``"params/rag.yaml: glasgow-city"``.

    Returns
    -------
    dict
        A new dict with every allowed key, defaults filled in (``amber_tolerance`` 5,
        ``tolerance_unit`` ``"points"``, ``compare_on`` ``"rounded"``, ``description`` ``None``).

    Raises
    ------
    ValueError
        Naming ``where`` and the key: not a mapping, missing or unknown ``type``, unknown key, or a
        bad value.

    Notes
    -----
    Convention: there is no national RAG definition (see docs/method.md, RAG schemes); each
    council's scheme is configuration. The value is judged as published (``compare_on: rounded``,
    the default) unless the scheme says ``compare_on: exact``.

    - ``two_state``: Green at or better than target, else Red (Glasgow).
    - ``three_state``: Green at or better than target; Amber when worse by no more than
      ``amber_tolerance`` (inclusive), in points (units of the value: percentage points for
      percentages) or ``"relative"`` (percent of the target); Red beyond.
    - ``three_state_improving``: Green at or better than target; Amber when worse but "Improved" on
      its direction of travel; Red otherwise (also when the direction is not available).

    Examples
    --------
    >>> validate_rag_scheme({"type": "three_state", "amber_tolerance": 3})["tolerance_unit"]
    'points'
    >>> validate_rag_scheme({"type": "three_state", "amber_tol": 3}, where="params/rag.yaml: fife")
    Traceback (most recent call last):
    ...
    ValueError: params/rag.yaml: fife: RAG scheme has unknown key 'amber_tol'; type 'three_state'
    allows: ...
    """
    if not isinstance(scheme, Mapping):
        raise ValueError(
            f"{where}: RAG scheme must be a mapping with a 'type', got {type(scheme).__name__}"
        )
    types = ", ".join(repr(t) for t in RAG_SCHEME_TYPES)
    if "type" not in scheme:
        raise ValueError(f"{where}: RAG scheme is missing the key 'type' (one of {types})")
    kind = scheme["type"]
    if kind not in RAG_SCHEME_TYPES:
        raise ValueError(f"{where}: RAG scheme key 'type' must be one of {types}, got {kind!r}")
    defaults = RAG_SCHEME_TYPES[kind]
    for key in scheme:
        if key != "type" and key not in defaults:
            raise ValueError(
                f"{where}: RAG scheme has unknown key {key!r}; type {kind!r} allows: "
                f"{', '.join(sorted(defaults))}"
            )
    checked = {"type": kind, **defaults, **scheme}
    _check_choice(checked, "compare_on", COMPARE_ON, where)
    if checked["description"] is not None and not isinstance(checked["description"], str):
        raise ValueError(
            f"{where}: RAG scheme key 'description' must be text, got {checked['description']!r}"
        )
    if kind == "three_state":
        _check_number(checked, "amber_tolerance", where)
        _check_choice(checked, "tolerance_unit", TOLERANCE_UNITS, where)
    return checked
