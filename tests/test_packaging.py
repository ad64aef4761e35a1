"""Packaging: pyproject and environment.yml agree, the command line answers --help, and a
checkout on any platform (Git for Windows converts line endings) keeps data files byte-exact."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
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
    "command", ["", "list", "validate", "hash", "build", "fetch", "import", "notebooks", "figures",
                "reproduce", "student-copies", "run", "profile"]
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


# --- Windows checkouts: data files are checked out byte for byte (issue 8, item 7) -------------

GIT = shutil.which("git")


def _git(*args, cwd, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
           "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.invalid"}
    return subprocess.run([GIT, *args], cwd=cwd, env=env, capture_output=True, check=True,
                          **kwargs)


def _in_git_checkout() -> bool:
    if GIT is None:
        return False
    try:
        return _git("rev-parse", "--is-inside-work-tree", cwd=ROOT).stdout.strip() == b"true"
    except subprocess.CalledProcessError:
        return False


def _manifest_sha(text: bytes | str) -> str:
    return yaml.safe_load(text)["sha256"]


@pytest.mark.skipif(not _in_git_checkout(), reason="needs git and a git checkout of the project")
def test_gitattributes_turn_off_line_ending_conversion_for_data_and_notebooks():
    paths = sorted(
        p.relative_to(ROOT).as_posix()
        for pattern in ("data/raw/*", "data/processed/*", "notebooks/*.ipynb")
        for p in ROOT.glob(pattern) if p.is_file()
    )
    assert any(p.startswith("data/raw/") and p.endswith(".csv") for p in paths)
    out = _git("check-attr", "text", "--", *paths, cwd=ROOT, text=True).stdout
    attrs = dict(line.rsplit(": text: ", 1) for line in out.splitlines())
    assert attrs == {p: "unset" for p in paths}


@pytest.mark.skipif(not _in_git_checkout(), reason="needs git and a git checkout of the project")
def test_each_manifest_hash_is_of_the_committed_bytes():
    """The sha256 in each committed manifest is the sha256 of the CSV bytes as committed."""
    listed = _git("ls-tree", "--name-only", "HEAD", "data/raw/", cwd=ROOT, text=True).stdout.split()
    manifests = [p for p in listed if p.endswith(".yml")]
    assert len(manifests) >= 10
    for manifest in manifests:
        committed = _git("show", f"HEAD:{manifest.removesuffix('.yml')}.csv", cwd=ROOT).stdout
        recorded = _manifest_sha(_git("show", f"HEAD:{manifest}", cwd=ROOT).stdout)
        assert hashlib.sha256(committed).hexdigest() == recorded, manifest


@pytest.mark.skipif(GIT is None, reason="needs git")
def test_a_windows_style_checkout_keeps_every_data_file_byte_exact(tmp_path):
    """Commit data/raw and .gitattributes, clone with core.autocrlf=true (Git for Windows'
    default): every file must come out as committed, so each CSV still matches its manifest."""
    origin = tmp_path / "origin"
    shutil.copytree(ROOT / "data" / "raw", origin / "data" / "raw")
    if (ROOT / ".gitattributes").is_file():
        shutil.copyfile(ROOT / ".gitattributes", origin / ".gitattributes")
    _git("init", "-q", cwd=origin)
    _git("-c", "core.autocrlf=false", "add", "-A", cwd=origin)
    _git("-c", "core.autocrlf=false", "commit", "-q", "-m", "data", cwd=origin)
    _git("-c", "core.autocrlf=true", "clone", "-q", "--config", "core.autocrlf=true",
         str(origin), str(tmp_path / "clone"), cwd=tmp_path)
    raw = tmp_path / "clone" / "data" / "raw"
    manifests = sorted(raw.glob("*.yml"))
    assert len(manifests) >= 10
    for path in sorted((origin / "data" / "raw").iterdir()):
        assert (raw / path.name).read_bytes() == path.read_bytes(), path.name
    for manifest in manifests:
        csv_bytes = manifest.with_suffix(".csv").read_bytes()
        assert hashlib.sha256(csv_bytes).hexdigest() == _manifest_sha(manifest.read_bytes())
