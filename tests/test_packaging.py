"""Packaging: pyproject and environment.yml agree, the command line answers --help."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name_and_bound(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    name = match.group(1).lower().replace("_", "-")
    return name, match.group(2).replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements.extend(extra)
    return dict(_name_and_bound(r) for r in requirements)


def conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    specs = [d for d in env["dependencies"] if isinstance(d, str)]
    found = dict(_name_and_bound(s) for s in specs)
    found.pop("python", None)
    found.pop("pip", None)
    return found


def test_environment_yml_lists_the_same_packages_as_pyproject():
    assert conda_requirements() == pyproject_requirements()


def test_python_floor_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert f"python{project['requires-python']}" in env["dependencies"]


def test_environment_installs_the_project_with_pip():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_section == [{"pip": ["-e ."]}]


@pytest.mark.parametrize(
    "command", ["", "list", "validate", "hash", "build", "notebooks", "figures", "reproduce",
                "student-copies"]
)
def test_cli_help(command):
    args = [sys.executable, "-m", "mixedmig.cli", *command.split(), "--help"]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "usage: mixedmig" in result.stdout


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert re.search(r"^make test$", ci, re.MULTILINE)


def test_readme_dataset_table_is_current():
    """The README's dataset table is `mixedmig list --markdown`; regenerate it when data change."""
    from mixedmig import data

    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- datasets:start -->\n")[1].split("<!-- datasets:end -->")[0]
    assert block == data.datasets_markdown()
