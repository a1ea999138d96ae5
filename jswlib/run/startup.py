"""Process start-up: what ``jsw`` and its batch workers skip so that they start fast.

Importing papermill or nbconvert imports nbformat, which imports jsonschema. At import, jsonschema
looks for optional packages that check the ``iri`` and ``iri-reference`` string formats; when the
``rfc3987_syntax`` package is installed (it is, as a dependency of the Jupyter server) it builds
that package's Lark grammar there and then, which takes 1 to 2 seconds of every process that
validates notebooks. The notebook schemas do not use those formats, so the check is never needed.

:func:`skip_optional_grammars` is the one place this is decided. It must run before jsonschema is
first imported: ``jswlib.cli.main`` calls it before running a command, and
:func:`jswlib.run.batch.run_batch` and the worker call it again (harmless when already done).
Importing jswlib does not call it: a library import changes nothing in the importing process.

Conventions
-----------
Python's import system treats a ``None`` entry in ``sys.modules`` as a module that cannot be
imported (``import`` raises ``ModuleNotFoundError``). jsonschema imports ``rfc3987_syntax`` under
``suppress(ImportError)`` and, without it, simply does not check the two formats: everything else
(notebook validation included) works as before. See docs/method.md, "Start-up".
"""

from __future__ import annotations

import sys

#: Optional packages that jsonschema imports when present and that cost start-up time; none of them
#: is used to validate notebooks.
SKIPPED_OPTIONAL_IMPORTS: tuple[str, ...] = ("rfc3987_syntax",)


def skip_optional_grammars() -> bool:
    """Make jsonschema's optional ``rfc3987_syntax`` unavailable to this process, if not yet too late.

    Returns
    -------
    bool
        True when the skip is in place (now or before); False when jsonschema, or the package,
        was imported already, so nothing was changed.

    Notes
    -----
    Only this process is affected (its ``sys.modules``). Worker processes forked from it inherit
    the setting; kernels do not need it (they do not import jsonschema).

    Examples
    --------
    >>> import sys
    >>> skip_optional_grammars() == (sys.modules.get("rfc3987_syntax", 0) is None)
    True
    """
    if all(sys.modules.get(name, 0) is None for name in SKIPPED_OPTIONAL_IMPORTS):
        return True
    if "jsonschema" in sys.modules or any(
        name in sys.modules for name in SKIPPED_OPTIONAL_IMPORTS
    ):
        return False
    for name in SKIPPED_OPTIONAL_IMPORTS:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ModuleNotFoundError
    return True
