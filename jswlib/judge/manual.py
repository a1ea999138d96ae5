"""Manual figures: aggregates a council supplies for indicators that case-level data cannot give
(quality assurance audits of case files, provider feedback), read from a small CSV and checked.

The file has the columns ``jsw reconcile`` takes, one row per council x indicator x period::

    council,indicator,period,numerator,denominator,reported_value,target
    Aberdeen City,qa_case_file_audits,Q4 2025/26,18,20,90%,85

and lives by default at ``params/manual/<council-slug>.csv`` (:func:`manual_path`); the framework
report's ``manual_file`` parameter names another. Each row is checked as ``jsw reconcile`` checks
it (:func:`jswlib.judge.reconcile.reconcile`: council, period, counts that are numbers, a numerator
within its denominator, a reported value that matches the counts), and besides: the indicator must
be an id of the catalogue, the council the one the file is for, and a council, indicator and period
may be given once. Any problem stops the report with one line naming the file, the row and the
column; nothing is dropped silently.

Convention (docs/method.md, "Manual figures"): a supplied figure is recomputed from its counts
(a percentage of the denominator, an average, or the count itself) and shown marked as supplied,
never mixed silently with computed figures.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from jswlib.core import io
from jswlib.core.errors import InputError
from jswlib.definitions.params import params_dir
from jswlib.judge.reconcile import read_published, reconcile

if TYPE_CHECKING:  # pragma: no cover
    from jswlib.compute.indicators import Definitions
    from jswlib.definitions.councils import Council

#: Folder of the manual-figures files in the params folder: ``manual/<council slug>.csv``.
MANUAL_FOLDER: str = "manual"
#: Columns of the checked manual figures, in order.
MANUAL_COLUMNS: tuple[str, ...] = (
    "row",
    "council_code",
    "indicator",
    "period",
    "numerator",
    "denominator",
    "value",
    "reported_value",
    "target",
)


def manual_path(params: str | os.PathLike | None, council: Council) -> Path:
    """Where a council's manual figures are kept by default: ``<params>/manual/<slug>.csv``.

    The file need not exist.
    """
    return params_dir(params) / MANUAL_FOLDER / f"{council.slug}.csv"


def _problem_text(problems: pd.DataFrame) -> str:
    first = problems.iloc[0]
    more = len(problems) - 1
    extra = f" (and {more} more problem{'s' * (more != 1)})" if more else ""
    return (
        f"{first['file']}: row {first['row']}, column {first['column']} {first['value']!r}: "
        f"{first['reason']}{extra}"
    )


def check_manual(published: pd.DataFrame, defs: Definitions, council: Council) -> pd.DataFrame:
    """Check manual figures (text cells, as :func:`jswlib.judge.reconcile.read_published` returns
    them) and recompute their values.

    Parameters
    ----------
    published : pandas.DataFrame
        The rows, indexed by spreadsheet row (``row``), ``attrs["source"]`` the file.
    defs : jswlib.compute.indicators.Definitions
        Catalogue, councils and targets.
    council : Council
        The council the figures are for.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MANUAL_COLUMNS`: the spreadsheet row, the council's code, the indicator
        id, the period label (``Q4 2025/26``), the counts, ``value`` (recomputed from the counts),
        ``reported_value`` (as written) and ``target`` (the file's, else missing).

    Raises
    ------
    jswlib.core.errors.InputError
        On the first problem, naming the file, the row and the column (and how many more there
        are): every check of ``jsw reconcile``, an indicator that is not a catalogue id, a row for
        another council, a council, indicator and period given twice, a published value that does
        not match its counts.

    Examples
    --------
    >>> from jswlib.compute.indicators import load_definitions
    >>> defs = load_definitions()
    >>> rows = pd.DataFrame({"council": ["Aberdeen"], "indicator": ["qa_case_file_audits"],
    ...                      "period": ["2025/26 Q4"], "numerator": ["18"], "denominator": ["20"]})
    >>> check_manual(rows, defs, defs.councils.get("Aberdeen City"))[["indicator", "period", "value"]]
                  indicator      period  value
    0  qa_case_file_audits  Q4 2025/26   90.0
    """
    source = published.attrs.get("source") or "manual figures"
    done, problems = reconcile(published, defs, source=source)
    extra = []
    for _, r in done.iterrows():
        if not r["indicator_known"]:
            extra.append(
                (
                    source,
                    r["row"],
                    "indicator",
                    r["indicator"],
                    "not an indicator id of the catalogue",
                )
            )
        elif r["council_code"] != council.code:
            extra.append(
                (
                    source,
                    r["row"],
                    "council",
                    r["council"],
                    f"this file holds the figures of {council.name}",
                )
            )
        elif pd.notna(r["matches_reported"]) and not bool(r["matches_reported"]):
            extra.append(
                (
                    source,
                    r["row"],
                    "reported_value",
                    r["reported_value"],
                    f"does not match the counts ({r['recomputed_display']} from "
                    f"{r['numerator']}/{r['denominator']})",
                )
            )
    repeated = done[done.duplicated(["council_code", "indicator_id", "period"], keep="first")]
    for _, r in repeated.iterrows():
        extra.append(
            (
                source,
                r["row"],
                "period",
                r["period"],
                "the same council, indicator and period again",
            )
        )
    problems = pd.concat(
        [problems, pd.DataFrame(extra, columns=problems.columns)], ignore_index=True
    ).sort_values("row", kind="stable")
    if len(problems):
        raise InputError(_problem_text(problems))
    target = done["target"].where(done["target_source"] == "file")
    return pd.DataFrame(
        {
            "row": done["row"],
            "council_code": done["council_code"],
            "indicator": done["indicator_id"],
            "period": done["period"],
            "numerator": done["numerator"],
            "denominator": done["denominator"],
            "value": done["recomputed_value"],
            "reported_value": done["reported_value"],
            "target": target.astype("float64"),
        }
    )[list(MANUAL_COLUMNS)].reset_index(drop=True)


def read_manual(
    path: str | os.PathLike, defs: Definitions, council: Council, *, missing_ok: bool = True
) -> pd.DataFrame | None:
    """Read and check a council's manual figures.

    Parameters
    ----------
    path : path-like
        The CSV file (UTF-8).
    defs : jswlib.compute.indicators.Definitions
        Catalogue, councils and targets.
    council : Council
        The council the figures are for.
    missing_ok : bool, default True
        Return None when the file does not exist (a council that supplies none); otherwise that is
        an error.

    Returns
    -------
    pandas.DataFrame or None
        As :func:`check_manual`; None when the file does not exist and ``missing_ok``.

    Raises
    ------
    jswlib.core.errors.InputError
        For a problem in a row (see :func:`check_manual`).
    jswlib.core.errors.ExtractFileError
        When the file cannot be read as the CSV expected (naming the file).
    """
    if missing_ok and not io.is_file(path):
        return None
    return check_manual(read_published(path), defs, council)
