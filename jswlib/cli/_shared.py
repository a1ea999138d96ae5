"""What every subcommand shares: exit codes, argument types and plain-text tables."""

from __future__ import annotations

import argparse
import sys
from datetime import date

import pandas as pd

from jswlib.definitions.params import load_councils

#: Exit codes of every ``jsw`` command: success, a data problem, a usage or configuration problem.
EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3


def date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def fmt_int(n: int) -> str:
    return f"{int(n):,}"


def print_table(frame: pd.DataFrame, out=None) -> None:
    """Print a frame as an aligned plain-text table (whole numbers right-aligned with thousands
    separators)."""
    out = out or sys.stdout
    cols = list(frame.columns)
    numeric = [pd.api.types.is_integer_dtype(frame[c]) for c in cols]
    cells = [
        [fmt_int(v) if num else str(v) for v, num in zip(row, numeric)]
        for row in frame.itertuples(index=False)
    ]
    widths = [max([len(str(c))] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]

    def line(values):
        return "  ".join(
            v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)
        ).rstrip()

    print(line([str(c) for c in cols]), file=out)
    print(line(["-" * w for w in widths]), file=out)
    for r in cells:
        print(line(r), file=out)


def load_roster(args):
    return load_councils(args.params)
