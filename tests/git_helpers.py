"""Real Git repositories in temporary folders, for the tests of `briefing changes` and "What's new".

Every repository is made with the `git` program, isolated from the machine's and the user's Git
configuration (no global or system config, no signing hooks), and commits get the dates a test
asks for, so that "a month before the newest commit" is the same on every run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

#: What a test's commits are signed with; no user configuration is read.
_IDENTITY = {"GIT_AUTHOR_NAME": "Test Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
             "GIT_COMMITTER_NAME": "Test Editor", "GIT_COMMITTER_EMAIL": "editor@example.org"}


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No Git configuration but the repository's own, and no repository above `tmp_path` (so that
    a folder outside the test's repositories is in none, wherever the tests run). Applies to the
    `briefing` processes the tests start too: they inherit this environment."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"):
        monkeypatch.delenv(name, raising=False)


def git(repo: Path, *args: str, date: str | None = None) -> str:
    """Run one git command in `repo` (commits dated `date`, ISO 8601, when given); its output."""
    env = {**os.environ, **_IDENTITY}
    if date is not None:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    proc = subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", *args],
                          cwd=repo, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"git {' '.join(args)} failed: {proc.stderr}"
    return proc.stdout


def init_repo(repo: Path) -> Path:
    """An empty repository whose branch is `main`."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    return repo


def commit_all(repo: Path, message: str, date: str = "2024-01-10T12:00:00Z") -> str:
    """Commit every file of the work tree; the new commit's id."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD").strip()


def repo_with_data(root: Path, source: Path, subfolder: str = "data") -> Path:
    """A repository at `root` holding a copy of `source` at `subfolder` ("." for the root itself),
    committed once; the data folder."""
    init_repo(root)
    data = root if subfolder == "." else root / subfolder
    shutil.copytree(source, data, dirs_exist_ok=True)
    commit_all(root, "the first data")
    return data
