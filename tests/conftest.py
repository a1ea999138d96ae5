"""Shared fixtures: the real params and a helper that writes tiny hand-made extracts."""

from __future__ import annotations

from pathlib import Path

import pytest

from jswlib.definitions.params import load_councils

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def councils():
    """The 32 councils from params/councils.yaml."""
    return load_councils(REPO / "params")


@pytest.fixture
def write_csv(tmp_path):
    """Write a CSV file from a header line and row lines; returns its path."""

    def _write(
        name: str, header: str, *rows: str, folder: Path | None = None, encoding: str = "utf-8"
    ) -> Path:
        folder = folder or tmp_path / "data"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(("\n".join((header,) + rows) + "\n").encode(encoding))
        return path

    return _write
