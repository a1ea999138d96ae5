"""The report settings in ``params/report.yaml``: the default headline indicators, the indicators
of the counts-and-activity section, the suppression threshold and symbol, and the contact named on
exports, checked when loaded."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from jswlib.core import io
from jswlib.core.errors import ParamsError
from jswlib.definitions.catalogue import Catalogue, load_catalogue
from jswlib.definitions.params import params_dir

#: The report settings file in the params folder.
REPORT_SETTINGS_FILE: str = "report.yaml"
#: Indicator types the counts-and-activity section may show: counted, not timed.
ACTIVITY_TYPES: tuple[str, ...] = ("count", "people", "sum", "average")


@dataclass(frozen=True)
class ReportSettings:
    """The settings of ``params/report.yaml`` (see the header of that file).

    Attributes
    ----------
    headline_default : tuple of str
        Headline indicators of a council that sets no targets.
    activity : tuple of str
        Indicators of the counts-and-activity section, in order.
    suppression_threshold : int
        Public reports suppress counts from 1 to ``suppression_threshold - 1``.
    suppression_symbol : str
        What a suppressed figure shows (``[c]``, the Government Analysis Function's symbol for
        "confidential").
    contact : str
        Whom readers of the KPI workbook may ask (its cover sheet).
    """

    headline_default: tuple[str, ...]
    activity: tuple[str, ...]
    suppression_threshold: int
    suppression_symbol: str = "[c]"
    contact: str = "The council's Justice Social Work performance team"


def _indicator_list(
    doc: dict, key: str, file: Path, catalogue: Catalogue, types: tuple[str, ...] | None
) -> tuple:
    """A checked list of indicator ids from ``doc[key]``."""
    ids = doc.get(key)
    if not isinstance(ids, list) or not ids:
        raise ParamsError(f"{file}: {key}: expected a list of indicator ids")
    for n, ind in enumerate(ids):
        if ind not in catalogue:
            raise ParamsError(
                f"{file}: {key}[{n}]: {ind!r} is not an indicator id of the catalogue"
            )
        if types and catalogue.get(ind).type not in types:
            raise ParamsError(
                f"{file}: {key}[{n}]: {ind!r} is a {catalogue.get(ind).type} indicator; expected "
                f"one of {', '.join(types)}"
            )
    return tuple(ids)


def load_report_settings(
    params: str | os.PathLike | None = None, catalogue: Catalogue | None = None
) -> ReportSettings:
    """Load and check ``params/report.yaml``.

    Parameters
    ----------
    params : path-like, optional
        The params folder (see :func:`jswlib.definitions.params.params_dir`).
    catalogue : Catalogue, optional
        To check the indicator ids (loaded from ``params`` when not given).

    Returns
    -------
    ReportSettings

    Raises
    ------
    jswlib.definitions.params.ParamsError
        Naming the file and the key: a missing list, an unknown indicator, an activity indicator
        that is not counted, a threshold that is not a whole number of at least 1.

    Examples
    --------
    >>> load_report_settings().suppression_threshold
    5
    """
    file = params_dir(params) / REPORT_SETTINGS_FILE
    try:
        doc = io.read_yaml(file)
    except io.ParamsFileError as exc:
        raise ParamsError(str(exc)) from None
    if not isinstance(doc, dict):
        raise ParamsError(
            f"{file}: (top level): expected headline_default, activity and suppression_threshold"
        )
    catalogue = catalogue or load_catalogue(params)
    threshold = doc.get("suppression_threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ParamsError(
            f"{file}: suppression_threshold: expected a whole number of at least 1, got "
            f"{threshold!r}"
        )
    texts = {}
    for key in ("suppression_symbol", "contact"):
        if key in doc:
            value = doc[key]
            if not isinstance(value, str) or not value.strip():
                raise ParamsError(f"{file}: {key}: expected some text, got {value!r}")
            texts[key] = value.strip()
    return ReportSettings(
        headline_default=_indicator_list(doc, "headline_default", file, catalogue, None),
        activity=_indicator_list(doc, "activity", file, catalogue, ACTIVITY_TYPES),
        suppression_threshold=threshold,
        **texts,
    )
