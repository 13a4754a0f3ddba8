"""Promises of the project's foundation: CLI help, README commands, light import, environment.yml."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sxtd_analysis.cli import main
from sxtd_analysis.config import get_paths

ROOT = Path(__file__).resolve().parents[1]


def _commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


def test_top_level_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in main.commands:
        assert name in result.output


@pytest.mark.parametrize("name", [name for name, _ in _commands(main)])
def test_every_command_has_help_text(name):
    command = dict(_commands(main))[name]
    assert command.help and len(command.help.strip()) > 20, f"`sxtd {name}` has no real help text"
    result = CliRunner().invoke(main, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert " ".join(command.help.split()[:6]) in " ".join(result.output.split())


def test_every_sxtd_command_in_the_readme_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\bsxtd ([a-z][a-z-]+)", readme))
    assert named, "the README names no sxtd command"
    assert named <= set(main.commands), f"README names unknown commands: {named - set(main.commands)}"


def test_readme_opens_with_the_two_commands():
    head = (ROOT / "README.md").read_text(encoding="utf-8")[:600]
    assert "make report" in head and "make test" in head


def test_environment_yml_matches_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = pyproject["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])
    env = (ROOT / "environment.yml").read_text()
    listed = {m.strip() for m in re.findall(r"^ {6}- ([A-Za-z][^#\n]*)$", env, flags=re.M)}
    assert listed == wanted
    assert "python=3.11" in env and "-e ." in env


def test_import_is_light():
    code = "import json, sys, sxtd_analysis; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(subprocess.check_output([sys.executable, "-c", code]))
    heavy_roots = {"great_expectations", "papermill", "altair", "pandas", "nbclient"}
    heavy = [m for m in loaded if m.split(".")[0] in heavy_roots]
    assert heavy == []


def test_paths_follow_environment_and_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("SXTD_ROOT", str(tmp_path))
    monkeypatch.setenv("SXTD_DB", str(tmp_path / "other.duckdb"))
    paths = get_paths(reports_dir=tmp_path / "out")
    assert paths.curated_dir == tmp_path / "data" / "curated"
    assert paths.database == tmp_path / "other.duckdb"
    assert paths.reports_dir == tmp_path / "out"


def test_committed_notebooks_have_no_outputs():
    git = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True)
    tracked = git.stdout.split()
    notebooks = [ROOT / p for p in tracked] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                has_output = cell.get("outputs") or cell.get("execution_count") is not None
                assert not has_output, f"{path.name} is committed with outputs"


def test_info_command_shows_paths(tmp_path):
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "info"])
    assert result.exit_code == 0
    assert str(tmp_path / "data" / "curated") in result.output
