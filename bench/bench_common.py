"""What the benchmark scripts share."""

from __future__ import annotations

import compileall
from pathlib import Path


def compile_package(root: Path) -> None:
    """Compile jswlib's modules to bytecode first, as an installed package has them.

    Where ``PYTHONDONTWRITEBYTECODE`` is set, every process a benchmark measures (``jsw``, each
    worker, each kernel) would otherwise compile jswlib from source at each import, which no
    installed copy does.
    """
    compileall.compile_dir(str(root / "jswlib"), quiet=1)
