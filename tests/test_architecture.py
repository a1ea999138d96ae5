"""The package's structure, checked like code: layers import only downwards, no import cycles,
the library never imports the command line, only ``jswlib.core.io`` touches disk, and the package
docstring maps every module.

Imports are read from the source (including imports inside functions), so a cycle cannot hide
behind a function-level import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import jswlib

from .conftest import REPO

PACKAGE = REPO / "jswlib"
#: The layers, lowest first. A module may import from its own layer or any layer below it.
LAYERS = ("core", "definitions", "data", "compute", "judge", "present", "run", "cli")
#: Calls that read or write files (method or function names), allowed only in jswlib.core.io.
DISK_CALLS = frozenset(
    {
        "read_text",
        "write_text",
        "read_bytes",
        "write_bytes",
        "is_file",
        "is_dir",
        "exists",
        "unlink",
        "mkdir",
        "iterdir",
        "glob",
        "rglob",
        "stat",
        "rmdir",
        "read_csv",
        "read_parquet",
        "read_excel",
        "to_csv",
        "to_parquet",
        "to_excel",
        "ExcelWriter",
        "open",
    }
)
DISK_MODULE = "jswlib.core.io"


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def _imports(module: str) -> set[str]:
    """The jswlib modules ``module`` imports, anywhere in its source."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    package = module if MODULES[module].name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        found |= {n for n in names if n in MODULES and n != module}
    return found


GRAPH = {m: _imports(m) for m in MODULES}


class TestLayers:
    def test_every_module_is_in_a_layer(self):
        outside = [m for m in MODULES if m != "jswlib" and _layer(m) is None]
        assert outside == []

    @pytest.mark.parametrize("module", sorted(MODULES))
    def test_imports_point_down(self, module):
        if module == "jswlib":
            assert GRAPH[module] == set()
            return
        upward = sorted(
            target
            for target in GRAPH[module]
            if target != "jswlib" and _layer(target) > _layer(module)
        )
        assert upward == [], f"{module} imports a higher layer"

    def test_the_library_never_imports_the_cli(self):
        offenders = sorted(
            m
            for m, targets in GRAPH.items()
            if _layer(m) != LAYERS.index("cli")
            and any(t.startswith("jswlib.cli") for t in targets)
        )
        assert offenders == []

    def test_no_import_cycle(self):
        state: dict[str, int] = {}
        stack: list[str] = []

        def visit(m: str) -> list[str] | None:
            state[m] = 1
            stack.append(m)
            for t in sorted(GRAPH[m]):
                if state.get(t) == 1:
                    return stack[stack.index(t) :] + [t]
                if t not in state and (cycle := visit(t)):
                    return cycle
            state[m] = 2
            stack.pop()
            return None

        for m in sorted(MODULES):
            if m not in state:
                cycle = visit(m)
                assert cycle is None, " -> ".join(cycle)

    def test_the_checker_finds_a_cycle_and_an_upward_import(self, tmp_path):
        # The checks above must be able to fail: a hand-made pair of modules importing each other
        # inside functions is a cycle, and core importing present is upward.
        source = "def f():\n    from jswlib.present import report\n"
        tree = ast.parse(source)
        imported = {
            f"{n.module}.{a.name}"
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom)
            for a in n.names
        }
        assert imported == {"jswlib.present.report"}
        assert _layer("jswlib.present.report") > _layer("jswlib.core.io")


def _disk_calls(module: str) -> list[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name not in DISK_CALLS:
            continue
        first = ast.unparse(node.args[0]) if node.args else ""
        if first in ("sys.stdout", "os.devnull") or first.startswith(("StringIO(", "BytesIO(")):
            # printing, or parsing text already in memory: not files
            continue
        if isinstance(func, ast.Attribute) and ast.unparse(func.value) == "io":
            continue  # a call of jswlib.core.io itself
        found.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
    return found


class TestDisk:
    @pytest.mark.parametrize("module", sorted(m for m in MODULES if m != DISK_MODULE))
    def test_only_io_touches_disk(self, module):
        assert _disk_calls(module) == []

    def test_io_does(self):
        assert _disk_calls(DISK_MODULE) != []


class TestPackageMap:
    def test_the_package_docstring_names_every_module(self):
        doc = jswlib.__doc__
        missing = [
            m.removeprefix("jswlib.")
            for m in MODULES
            if m != "jswlib"
            and not MODULES[m].name.startswith("_")
            and f"``{m.removeprefix('jswlib.').split('.')[-1]}``" not in doc
        ]
        assert missing == []
