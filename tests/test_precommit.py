"""The pre-commit hooks: the ones published for other briefing repositories
(`.pre-commit-hooks.yaml`) and this repository's own (`.pre-commit-config.yaml`). pre-commit itself
would need the network to build the hooks' environments, so the tests run each hook's entry the
way pre-commit does (in the repository's root, no file names) on a copy of the data."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO

EXE = Path(sys.executable).with_name("briefing")
PUBLISHED = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
LOCAL = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text("utf-8"))
LOCAL_HOOKS = [hook for repo in LOCAL["repos"] if repo["repo"] == "local" for hook in repo["hooks"]]


def test_published_hooks() -> None:
    hooks = {hook["id"]: hook for hook in PUBLISHED}
    assert set(hooks) == {"briefing-validate", "briefing-fmt"}
    assert hooks["briefing-validate"]["entry"] == "briefing validate"
    assert hooks["briefing-fmt"]["entry"] == "briefing fmt --check"
    # validation needs every file (a record can break another); the layout check the staged ones
    assert hooks["briefing-validate"]["pass_filenames"] is False
    assert hooks["briefing-fmt"].get("pass_filenames", True) is True
    for hook in hooks.values():
        # pre-commit pip-installs this repository: it must be a package with a `briefing` script
        assert hook["language"] == "python"
        assert hook["name"]
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts["briefing"] == "generator.cli:main"


def test_local_hooks_run_the_same_commands_from_the_venv() -> None:
    assert [repo["repo"] for repo in LOCAL["repos"]] == ["local"]
    published = {hook["id"]: hook for hook in PUBLISHED}
    assert {hook["id"] for hook in LOCAL_HOOKS} == set(published)
    for hook in LOCAL_HOOKS:
        assert hook["language"] == "system"
        assert hook.get("pass_filenames", True) == published[hook["id"]].get("pass_filenames", True)
        assert hook["entry"] == ".venv/bin/" + published[hook["id"]]["entry"]
        assert hook["files"] == published[hook["id"]]["files"]


@pytest.mark.parametrize("hook", PUBLISHED + LOCAL_HOOKS, ids=lambda h: h["id"])
def test_hooks_fire_on_data_files_only(hook: dict[str, Any]) -> None:
    files = re.compile(hook["files"])
    for path in ("data/incidents/2020/04/attack.yml", "data/actors/isis.yaml", "data/regions/iraq.yml"):
        assert files.search(path), path
    for path in ("generator/cli.py", "docs/errors.md", "mkdocs.yml", "tests/fixtures/base/actors/isis.yml"):
        assert not files.search(path), path


def _run_entry(hook: dict[str, Any], root: Path, staged: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a hook's entry as pre-commit does: from the repository root, followed by the staged
    files that match `files` unless `pass_filenames` is false."""
    argv = shlex.split(hook["entry"])
    if argv[0] == "briefing":  # the published hook: pre-commit puts its own environment on PATH
        argv[0] = str(EXE)
    if hook.get("pass_filenames", True):
        argv += [path for path in staged if re.search(hook["files"], path)]
    return subprocess.run(argv, cwd=root, capture_output=True, text=True, timeout=120)


STAGED = ["data/incidents/2020/04/wadi-ashai-airstrike-2020-04-13.yml", "README.md"]


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A repository-like folder: a copy of data/, and .venv/bin/briefing as `make` sets it up."""
    shutil.copytree(REPO / "data", tmp_path / "data")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "briefing").symlink_to(EXE)
    return tmp_path


@pytest.mark.parametrize("hook", PUBLISHED + LOCAL_HOOKS, ids=lambda h: f"{h['id']}-{h['language']}")
def test_hook_passes_on_the_example_data(repo_copy: Path, hook: dict[str, Any]) -> None:
    result = _run_entry(hook, repo_copy, STAGED)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("hook", PUBLISHED + LOCAL_HOOKS, ids=lambda h: f"{h['id']}-{h['language']}")
def test_hook_stops_a_commit_that_breaks_the_data(repo_copy: Path, hook: dict[str, Any]) -> None:
    path = repo_copy / "data" / "incidents" / "2020" / "04" / "wadi-ashai-airstrike-2020-04-13.yml"
    text = path.read_text("utf-8")
    if hook["id"] == "briefing-validate":
        path.write_text(text.replace("date: 2020-04-13", "date: 2020-04-31"), "utf-8")
        result = _run_entry(hook, repo_copy, STAGED)
        assert result.returncode == 1
        assert "data/incidents/2020/04/wadi-ashai-airstrike-2020-04-13.yml:3:7: error: date:" in result.stdout
    else:
        # valid, but not canonical: a flow list where the layout has a block list
        flow = text.replace("tags:\n  - counter-isis\n", "tags: [counter-isis]\n")
        assert flow != text
        path.write_text(flow, "utf-8")
        result = _run_entry(hook, repo_copy, STAGED)
        assert result.returncode == 1
        assert "data/incidents/2020/04/wadi-ashai-airstrike-2020-04-13.yml: would be reformatted" in result.stdout
        assert path.read_text("utf-8") == flow  # --check changed nothing
