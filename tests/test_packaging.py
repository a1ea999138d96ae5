"""Tests of the project's set-up: dependency lists agree, the Makefile documents itself, CI runs
the README's
test command, the generated pages in docs/ are current, and notebooks are committed without outputs."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib

import yaml

from jswlib.definitions.schema import contract_markdown
from jswlib.run.docs import API_PAGE, CONTRACT_PAGE, api_page, contract_page

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
        for target in (
            "report",
            "test",
            "lab",
            "demo-data",
            "validate",
            "install",
            "docs",
            "lint",
        ):
            assert re.search(rf"make {target}\s+\S", out), target


class TestReadme:
    def test_ci_runs_the_readme_test_command(self):
        readme = (REPO / "README.md").read_text()
        ci = (REPO / ".ci" / "run").read_text()
        quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
        commands = re.findall(r"^(make \w+)$", quick_start, flags=re.M)
        assert commands == ["make report", "make test"]
        assert "\nmake test\n" in ci

    def test_readme_holds_no_generated_reference(self):
        # The data contract and the function index live in docs/; the README links to them.
        readme = (REPO / "README.md").read_text()
        assert "<!--" not in readme
        assert "| `report_id` |" not in readme  # first row of the contract's first table
        assert "docs/data-contract.md" in readme and "docs/api.md" in readme


class TestGeneratedDocs:
    """docs/data-contract.md and docs/api.md are what `make docs` writes from the current code."""

    def test_data_contract_page_is_current(self):
        committed = (REPO / "docs" / CONTRACT_PAGE).read_text(encoding="utf-8")
        assert committed == contract_page(), (
            "docs/data-contract.md is out of date: run `make docs`"
        )

    def test_api_page_is_current(self):
        committed = (REPO / "docs" / API_PAGE).read_text(encoding="utf-8")
        assert committed == api_page(), "docs/api.md is out of date: run `make docs`"

    def test_data_contract_page_holds_every_table(self):
        committed = (REPO / "docs" / CONTRACT_PAGE).read_text(encoding="utf-8")
        body = contract_markdown().replace("#### ", "### ")
        assert body.strip() in committed

    def test_make_docs_writes_the_docs_folder(self):
        makefile = (REPO / "Makefile").read_text()
        assert re.search(r"^docs: .*## ", makefile, flags=re.M)
        assert "-m jswlib.run.docs docs\n" in makefile


class TestLint:
    def test_make_lint_checks_without_changing_files(self):
        makefile = (REPO / "Makefile").read_text()
        recipe = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
        assert "ruff format --check ." in recipe
        assert "ruff check ." in recipe and "--fix" not in recipe

    def test_pre_commit_runs_the_agreed_hooks(self):
        config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
        hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
        assert set(hooks) == {
            "ruff-check",
            "ruff-format",
            "nbstripout",
            "check-added-large-files",
            "detect-private-key",
        }

    def test_nbstripout_keeps_cell_ids_and_tags(self):
        # Stripping a clean notebook must change nothing: ids kept, and no option that drops
        # cell metadata (the `parameters` tag papermill needs) or tagged cells.
        config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
        hook = next(
            h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "nbstripout"
        )
        args = hook.get("args", [])
        assert "--keep-id" in args
        assert not any("tags" in a or "drop-tagged" in a or "metadata" in a for a in args)


class TestNotebooks:
    def test_notebooks_are_committed_without_outputs(self):
        for path in (REPO / "notebooks").rglob("*.ipynb"):
            if ".ipynb_checkpoints" in path.parts:
                continue
            nb = json.loads(path.read_text())
            for cell in nb["cells"]:
                if cell["cell_type"] == "code":
                    assert not cell.get("outputs") and cell.get("execution_count") is None, path
