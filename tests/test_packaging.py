"""Tests of the project's set-up: dependency lists agree, the Makefile documents itself, CI runs the README's
test command, the README's data contract is current, and notebooks are committed without outputs."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib

import yaml

from jswlib.definitions.schema import contract_markdown
from jswlib.run.docs import render_readme

from .conftest import REPO


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ ;\[]", spec, maxsplit=1)[0].strip().lower()


class TestDependencies:
    def test_environment_yml_matches_pyproject(self):
        project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
        wanted = {_name(d): d.replace(" ", "") for d in project["dependencies"]}
        wanted.update(
            {_name(d): d.replace(" ", "") for d in project["optional-dependencies"]["test"]}
        )
        env = yaml.safe_load((REPO / "environment.yml").read_text())
        conda = [d for d in env["dependencies"] if isinstance(d, str)]
        pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
        listed = {_name(d): d.replace(" ", "") for d in conda if _name(d) not in ("python", "pip")}
        assert listed == wanted
        assert "-e ." in pip
        assert "python=3.11" in conda


class TestMakefile:
    def test_make_without_target_lists_the_targets(self):
        out = subprocess.run(
            ["make", "-s", "-C", str(REPO)], capture_output=True, text=True, check=True
        ).stdout
        for target in ("report", "test", "lab", "demo-data", "validate", "install"):
            assert re.search(rf"make {target}\s+\S", out), target


class TestReadme:
    def test_ci_runs_the_readme_test_command(self):
        readme = (REPO / "README.md").read_text()
        ci = (REPO / ".ci" / "run").read_text()
        quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
        commands = re.findall(r"^(make \w+)$", quick_start, flags=re.M)
        assert commands == ["make report", "make test"]
        assert "\nmake test\n" in ci

    def test_generated_sections_are_current(self):
        readme = (REPO / "README.md").read_text()
        assert contract_markdown().strip() in readme
        assert render_readme(readme) == readme, "the README is out of date: run `make readme`"


class TestNotebooks:
    def test_notebooks_are_committed_without_outputs(self):
        for path in (REPO / "notebooks").rglob("*.ipynb"):
            if ".ipynb_checkpoints" in path.parts:
                continue
            nb = json.loads(path.read_text())
            for cell in nb["cells"]:
                if cell["cell_type"] == "code":
                    assert not cell.get("outputs") and cell.get("execution_count") is None, path
