"""Tests for jswlib.run.startup: jsonschema's optional grammar is skipped, notebooks still validate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jswlib.cli
from jswlib.run import startup

ROOT = Path(__file__).resolve().parent.parent

# Run in a new interpreter: the test process has imported jsonschema long ago.
_PROBE = r"""
import json, sys
from jswlib.run.startup import skip_optional_grammars
first = skip_optional_grammars()
again = skip_optional_grammars()
import nbformat, papermill, nbconvert  # noqa: F401
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
nbformat.validate(nb)
broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
broken.cells[0]["cell_type"] = "not a cell type"
try:
    nbformat.validate(broken)
    caught = False
except nbformat.ValidationError:
    caught = True
print(json.dumps({
    "first": first, "again": again, "caught": caught,
    "grammar_loaded": sys.modules.get("rfc3987_syntax") is not None,
    "jsonschema_loaded": "jsonschema" in sys.modules,
}))
"""


def _probe(code: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


class TestSkipOptionalGrammars:
    def test_grammar_not_loaded_and_notebooks_still_validated(self):
        found = _probe(_PROBE)
        assert found == {
            "first": True,
            "again": True,
            "caught": True,  # a broken notebook is still rejected by the schema
            "grammar_loaded": False,
            "jsonschema_loaded": True,
        }

    def test_too_late_once_jsonschema_is_imported(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "jsonschema", sys.modules.get("jsonschema") or object())
        monkeypatch.delitem(sys.modules, "rfc3987_syntax", raising=False)
        assert startup.skip_optional_grammars() is False
        assert "rfc3987_syntax" not in sys.modules  # nothing changed

    def test_jsw_calls_it_before_the_command(self, monkeypatch, capsys):
        calls = []
        monkeypatch.setattr(jswlib.cli, "skip_optional_grammars", lambda: calls.append(1))
        assert jswlib.cli.main(["councils"]) == 0
        assert calls == [1]
