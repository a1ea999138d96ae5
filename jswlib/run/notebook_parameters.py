"""Notebook parameters checked against the notebook's ``parameters`` cell: a misspelt name is an
error, never silently ignored.

Papermill injects any ``-p NAME VALUE`` into a notebook after its ``parameters`` cell, even a name
the notebook never reads (``-p councl Fife`` then runs the default council's report and exits 0;
papermill only logs a warning). Two guards close that:

- :func:`check_parameters`, before a run: ``jsw batch`` checks what it will pass against the
  notebook file;
- :func:`check_namespace`, inside the notebook, first thing after the ``parameters`` cell: any
  name papermill injected that the ``parameters`` cell does not define stops the notebook with
  one line naming it.
"""

from __future__ import annotations

import ast
import difflib
import os
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jswlib.core import io
from jswlib.core.errors import InputError

#: The folder of the shipped notebooks.
NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
#: Names IPython and Jupyter put in every kernel's namespace (those starting with ``_`` are left
#: out anyway).
_KERNEL_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit", "open"})


def parameters_of(notebook: str | os.PathLike) -> list[str]:
    """The names assigned in the notebook's first code cell tagged ``parameters``, in order.

    Raises
    ------
    jswlib.core.errors.InputError
        When the notebook cannot be read or has no ``parameters`` cell.
    """
    nb = io.read_json(notebook)
    if nb is None:
        raise InputError(f"{notebook}: notebook not found")
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code" or "parameters" not in cell.get("metadata", {}).get(
            "tags", []
        ):
            continue
        source = "".join(cell.get("source", []))
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            raise InputError(f"{notebook}: parameters cell line {exc.lineno}: {exc.msg}") from None
        names: list[str] = []
        for node in tree.body:
            targets = (
                [node.target]
                if isinstance(node, ast.AnnAssign)
                else node.targets
                if isinstance(node, ast.Assign)
                else []
            )
            names += [t.id for t in targets if isinstance(t, ast.Name) and t.id not in names]
        return names
    raise InputError(f"{notebook}: no code cell tagged 'parameters'")


def _unknown_message(unknown: list[str], known: list[str], where: str) -> str:
    parts = []
    for name in unknown:
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        parts.append(f"{name!r}" + (f" (did you mean {close[0]}?)" if close else ""))
    return (
        f"{where}: unknown parameter{'s' if len(unknown) > 1 else ''} {', '.join(parts)}; "
        f"its parameters are {', '.join(known)}"
    )


def check_parameters(notebook: str | os.PathLike, parameters: Mapping[str, Any]) -> None:
    """Refuse parameters the notebook's ``parameters`` cell does not define.

    Raises
    ------
    jswlib.core.errors.InputError
        Naming every unknown parameter, with the closest known name, and listing the known ones.

    Examples
    --------
    >>> check_parameters(NOTEBOOKS_DIR / "quarterly_report.ipynb", {"councl": "Fife"})
    Traceback (most recent call last):
    ...
    jswlib.core.errors.InputError: ...unknown parameter 'councl' (did you mean council?)...
    """
    known = parameters_of(notebook)
    unknown = [name for name in parameters if name not in known]
    if unknown:
        raise InputError(_unknown_message(unknown, known, str(notebook)))


def check_namespace(namespace: Mapping[str, Any], notebook: str) -> None:
    """Inside a notebook: refuse any variable that is not one of its parameters (a misspelt
    ``-p`` that papermill injected).

    Call it first thing in the cell after the ``parameters`` cell, before anything else is
    defined: ``check_namespace(globals(), "quarterly_report")``.

    Parameters
    ----------
    namespace : mapping
        The kernel's ``globals()``.
    notebook : str
        The notebook's name in ``notebooks/`` without ``.ipynb``.

    Raises
    ------
    jswlib.core.errors.InputError
        Naming the unknown names (with the closest parameter) and the notebook's parameters.
    """
    known = parameters_of(NOTEBOOKS_DIR / f"{notebook}.ipynb")
    unknown = [
        name
        for name, value in namespace.items()
        if not name.startswith("_")
        and name not in _KERNEL_NAMES
        and name not in known
        and not isinstance(value, (types.ModuleType, types.FunctionType, type))
        and not callable(value)
    ]
    if unknown:
        raise InputError(_unknown_message(sorted(unknown), known, f"{notebook}.ipynb"))
