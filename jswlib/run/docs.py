"""Keep generated sections of the README current: the data contract and the list of public functions.

``python -m jswlib.run.docs README.md`` rewrites the text between ``<!-- contract:start -->`` and
``<!-- contract:end -->`` (and the ``api`` markers) in place; ``make readme`` runs it.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path

from jswlib.core import io
from jswlib.definitions.schema import contract_markdown

#: Layers whose modules' public functions and classes the reference lists, lowest first.
LAYERS = ("core", "definitions", "data", "compute", "judge", "present", "run", "cli")


def api_modules() -> list[str]:
    """Every module of the package, layer by layer (lowest first), as dotted names."""
    import pkgutil

    names = []
    for layer in LAYERS:
        package = importlib.import_module(f"jswlib.{layer}")
        names.append(package.__name__)
        names += sorted(
            m.name for m in pkgutil.iter_modules(package.__path__, f"{package.__name__}.")
        )
    return names


def api_markdown() -> str:
    """One line per public function or class of every module of :func:`api_modules`: name and summary line."""
    lines = []
    for name in api_modules():
        module = importlib.import_module(name)
        lines.append(f"**`{name}`**\n")
        for attr, obj in sorted(vars(module).items()):
            if attr.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            doc = (inspect.getdoc(obj) or "").strip().splitlines()
            lines.append(f"- `{attr}`: {doc[0] if doc else ''}")
        lines.append("")
    return "\n".join(lines)


def replace_section(text: str, marker: str, body: str) -> str:
    """Replace what lies between ``<!-- marker:start -->`` and ``<!-- marker:end -->`` with ``body``."""
    pattern = re.compile(rf"(<!-- {marker}:start -->\n).*?(<!-- {marker}:end -->)", re.S)
    if not pattern.search(text):
        raise ValueError(f"markers <!-- {marker}:start/end --> not found")
    return pattern.sub(lambda m: m.group(1) + body.strip() + "\n" + m.group(2), text)


def render_readme(text: str) -> str:
    """The README text with its generated sections brought up to date."""
    text = replace_section(text, "contract", contract_markdown())
    return replace_section(text, "api", api_markdown())


if __name__ == "__main__":  # pragma: no cover
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    io.write_text(path, render_readme(io.read_text(path)))
