"""Shared test helpers: the repository's paths, a valid base dataset, and problem lists."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.validate import validate

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = REPO / "tests" / "fixtures"
BASE = FIXTURES / "base"


@pytest.fixture
def base_data(tmp_path: Path) -> Path:
    """A fresh copy of the small valid dataset `tests/fixtures/base`, as `<tmp>/data`."""
    target = tmp_path / "data"
    shutil.copytree(BASE, target)
    return target


def problem_list(data_dir: Path) -> list[tuple[str, int, str]]:
    """Validate `data_dir` and return `(path relative to it, line, code)` for every problem, sorted."""
    result = validate(data_dir)
    prefix = data_dir.as_posix() + "/"
    return [(p.path.removeprefix(prefix), p.line, p.code) for p in result.report.sorted()]
