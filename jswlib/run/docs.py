"""Generated reference in ``docs/``: the data contract and the function index, built from the code.

``make docs`` runs ``python -m jswlib.run.docs docs``, which writes two pages:

- ``docs/data-contract.md``: the reading rules, the reasons a row is rejected and every table of
  the data contract, from :mod:`jswlib.definitions.schema` and :mod:`jswlib.data.validation`
  (:func:`contract_page`);
- ``docs/api.md``: every module of the package, layer by layer, with the summary line of each
  public function and class (:func:`api_page`).

Both pages are committed. ``tests/test_packaging.py`` compares them with what this module
generates, so a change to the contract or to a docstring that is not followed by ``make docs``
fails the tests. The pages are written through :mod:`jswlib.core.io`; nothing else here touches
disk.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re
import sys
from pathlib import Path

from jswlib.core import io
from jswlib.data import validation
from jswlib.definitions import schema

#: The layers of the package, lowest first: a module imports only from its own layer or lower ones.
LAYERS: tuple[str, ...] = (
    "core",
    "definitions",
    "data",
    "compute",
    "judge",
    "present",
    "run",
    "cli",
)
#: File names of the generated pages inside the docs folder.
CONTRACT_PAGE, API_PAGE = "data-contract.md", "api.md"
#: First line of every generated page, under its title.
GENERATED_NOTE = (
    "*Generated from the code by `make docs` (`python -m jswlib.run.docs docs`): do not edit by "
    "hand. A test fails when this page is out of date.*"
)
#: strftime codes as the contract page writes them.
_FORMAT_WORDS = {"%Y": "YYYY", "%m": "MM", "%d": "DD", "%H": "hh", "%M": "mm", "%S": "ss"}


def api_modules() -> list[str]:
    """Every module of the package, layer by layer (lowest first), as dotted names.

    Returns
    -------
    list of str
        For each layer of :data:`LAYERS`, the layer's package (``jswlib.core``) and then its
        modules in alphabetical order (``jswlib.core.errors``, ``jswlib.core.io``).
    """
    names = []
    for layer in LAYERS:
        package = importlib.import_module(f"jswlib.{layer}")
        names.append(package.__name__)
        names += sorted(
            m.name for m in pkgutil.iter_modules(package.__path__, f"{package.__name__}.")
        )
    return names


def _summary(obj: object) -> str:
    """The summary of an object's docstring (its first paragraph, on one line), or an empty
    string."""
    doc = (inspect.getdoc(obj) or "").strip()
    return " ".join(doc.split("\n\n", 1)[0].split())


def public_members(module_name: str) -> list[tuple[str, str]]:
    """The public functions and classes defined in a module, as (name, summary line), sorted by
    name.

    Parameters
    ----------
    module_name : str
        Dotted name of the module.

    Returns
    -------
    list of (str, str)
        Names not starting with ``_`` whose object is a function or a class defined in that module
        (names imported from elsewhere are left out).

    Examples
    --------
    >>> dict(public_members("jswlib.definitions.periods"))["parse_quarter"]
    'Read a quarter label, rejecting any other kind of period.'
    """
    module = importlib.import_module(module_name)
    members = []
    for attr, obj in sorted(vars(module).items()):
        if attr.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        if getattr(obj, "__module__", None) != module.__name__:
            continue
        members.append((attr, _summary(obj)))
    return members


def api_page() -> str:
    """The text of ``docs/api.md``: every module, layer by layer, and its public functions and
    classes.

    Returns
    -------
    str
        Markdown: a ``##`` heading per layer package and a ``###`` heading per module, each with
        the summary line of its docstring, then one bullet per public function or class.
    """
    lines = [
        "# Function index",
        "",
        GENERATED_NOTE,
        "",
        "Every module of `jswlib`, layer by layer from the lowest (a module imports only from its "
        "own layer or lower ones), with the summary line of each public function and class. The "
        "full documentation is in the docstrings "
        "(`help(jswlib.definitions.periods.parse_period)` in Python, or Shift-Tab in JupyterLab).",
        "",
    ]
    for name in api_modules():
        is_layer = name.count(".") == 1
        lines.append(f"{'##' if is_layer else '###'} `{name}`")
        lines.append("")
        summary = _summary(importlib.import_module(name))
        if summary and summary != name.rsplit(".", 1)[-1]:  # not a bare placeholder such as "core"
            lines += [summary, ""]
        members = public_members(name)
        lines += [f"- `{attr}`: {doc}" if doc else f"- `{attr}`" for attr, doc in members]
        if members:
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _date_format_words(fmt: str) -> str:
    """A strftime format as people write it: ``"%d/%m/%Y"`` gives ``"DD/MM/YYYY"``."""
    return re.sub(r"%[YmdHMS]", lambda m: _FORMAT_WORDS[m.group(0)], fmt)


def _code_list(values) -> str:
    """Values as a sorted, comma-separated list of Markdown code spans (the empty string as
    blank)."""
    return ", ".join(f"`{v}`" for v in sorted(values) if v) or ""


def contract_page() -> str:
    """The text of ``docs/data-contract.md``: reading rules, reasons for rejection and every table.

    Returns
    -------
    str
        Markdown built from the constants of :mod:`jswlib.definitions.schema` (missing-value
        tokens, date formats, flag spellings), of :mod:`jswlib.data.validation` (rejection rules,
        columns of the rejects list) and :func:`jswlib.definitions.schema.contract_markdown`.
    """
    earliest = f"{schema.EARLIEST_PLAUSIBLE_DATE.day} {schema.EARLIEST_PLAUSIBLE_DATE:%B %Y}"
    formats = ", ".join(f"`{_date_format_words(f)}`" for f in schema.DATE_FORMATS)
    rules = "\n".join(f"| `{code}` | {reason} |" for code, reason in validation.RULES.items())
    tables = re.sub(r"^#### ", "### ", schema.contract_markdown(), flags=re.M)
    text = f"""# Data contract

{GENERATED_NOTE}

What a council's extract must look like for the workbook to read it: the tables, their columns, and
the rules every row must meet. `jsw schema` prints the same tables (`--format csv` as CSV);
`jsw validate DATA_DIR` checks a folder against them. Why the rules are as they are: see
[method.md, Data contract](method.md#data-contract).

## Reading rules

- A data folder holds each table as a CSV or Parquet file named after it (`cpos.csv`,
  `cpos.parquet`), or as a sheet named after it in an Excel workbook (`.xlsx`, any file name).
  Tables a council does not keep may be left out; two files supplying the same table are refused.
- Table, sheet and column names are matched after trimming, lower-casing and turning every other run
  of characters into `_` (`Order ID` reads as `order_id`); columns outside the contract are not read.
- Missing values: a blank cell, or (ignoring case) {_code_list(schema.MISSING_TOKENS)}.
- Dates are read day first, never month first (`03/04/2025` is 3 April 2025), and dates before
  {earliest} are rejected as implausible. The forms read, tried in this order: {formats}.
- Flags (yes/no columns), ignoring case: true is {_code_list(schema.FLAG_TRUE)}; false is
  {_code_list(schema.FLAG_FALSE)}.
- Allowed values are matched ignoring case and surrounding spaces.
- Every record names its council (name, alias, current or retired GSS code) and carries a person
  identifier, used only to count people: it is never written to any output, and a rejects list shows
  `{schema.WITHHELD}` in its place.

## Why a row is rejected

Every row read is either accepted or rejected; a rejected row has one line in the rejects list per
problem found, with the columns {_code_list_in_order(validation.REJECT_COLUMNS)}.

| rule | meaning |
| --- | --- |
{rules}

## Tables

{tables}"""
    return text.rstrip("\n") + "\n"


def _code_list_in_order(values) -> str:
    """Values as a comma-separated list of Markdown code spans, in the order given."""
    return ", ".join(f"`{v}`" for v in values)


def pages() -> dict[str, str]:
    """Every generated page: file name inside the docs folder -> text.

    Returns
    -------
    dict
        ``{"data-contract.md": contract_page(), "api.md": api_page()}``.
    """
    return {CONTRACT_PAGE: contract_page(), API_PAGE: api_page()}


def write_pages(docs_dir: str | os.PathLike) -> list[Path]:
    """Write every generated page into ``docs_dir`` (atomically, through :mod:`jswlib.core.io`).

    Parameters
    ----------
    docs_dir : path-like
        The docs folder, normally ``docs`` in the repository.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    return [io.write_text(Path(docs_dir) / name, text) for name, text in pages().items()]


def main(argv: list[str] | None = None) -> int:
    """Write the generated pages into the folder named on the command line (default ``docs``)."""
    args = sys.argv[1:] if argv is None else argv
    for path in write_pages(args[0] if args else "docs"):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
