"""Types and lint are part of the test command: `make test` (the README's test command, which
.ci/run runs) runs ruff and mypy (strict, configured in pyproject.toml) before pytest, and fails
the run on any finding. Each way of silencing them says which check it silences and why."""

from __future__ import annotations

import re
import subprocess
import tokenize
from pathlib import Path

import pytest

from conftest import REPO

#: The folders ruff and mypy cover (pyproject.toml: [tool.ruff] include, [tool.mypy] files).
CHECKED = ("generator", "tests", "tools", "bench", "site_overrides")

#: A mypy suppression: the marker, mypy's error codes in brackets, two spaces, `#` and a reason.
TYPE_IGNORE = re.compile(r"# type: ignore\[[a-z-]+(?:, ?[a-z-]+)*\]  # \S.{9,}")
#: A ruff suppression: the marker, a colon and ruff's rule codes, two spaces, `#` and a reason.
NOQA = re.compile(r"# noqa: [A-Z]+[0-9]+(?:, ?[A-Z]+[0-9]+)*  # \S.{9,}")


def _sources() -> list[Path]:
    return sorted(path for folder in CHECKED for path in (REPO / folder).rglob("*.py"))


def _comments(marker: str) -> list[tuple[str, str]]:
    """Every comment of our Python files that holds `marker`, as (file:line, the comment from the
    marker on). Comments only (tokenize), so a string that mentions the marker is not one."""
    found = []
    for path in _sources():
        with path.open("rb") as file:
            for token in tokenize.tokenize(file.readline):
                at = token.string.find(marker) if token.type == tokenize.COMMENT else -1
                if at >= 0:
                    found.append((f"{path.relative_to(REPO)}:{token.start[0]}", token.string[at:].strip()))
    return found


def test_every_type_ignore_names_its_error_code_and_why() -> None:
    bad = [f"{where}: {comment}" for where, comment in _comments("# type: ignore")
           if not TYPE_IGNORE.fullmatch(comment)]
    assert not bad, "write `# type: ignore[code]  # why it cannot be typed better`:\n" + "\n".join(bad)


def test_every_noqa_names_its_rule_and_why() -> None:
    bad = [f"{where}: {comment}" for where, comment in _comments("# noqa")
           if not NOQA.fullmatch(comment)]
    assert not bad, "write `# noqa: RULE  # why the rule does not apply here`:\n" + "\n".join(bad)


@pytest.mark.parametrize("comment", ["# type: ignore", "# type: ignore[arg-type]", "# type: ignore[arg-type] # x",
                                     "# noqa", "# noqa: E501", "# noqa: E501  # ok"])
def test_the_form_is_refused_without_a_code_or_a_reason(comment: str) -> None:
    assert not TYPE_IGNORE.fullmatch(comment) and not NOQA.fullmatch(comment)


def test_make_test_runs_ruff_and_mypy_before_the_tests() -> None:
    """`make -n` prints the recipes without running them: the linters come before pytest in both
    test targets, so a finding stops the run (make stops at the first command that fails)."""
    for target in ("test", "test-fast"):
        lines = subprocess.run(["make", "-n", target], cwd=REPO, capture_output=True,
                               text=True, check=True, timeout=60).stdout.splitlines()
        at = {name: next(i for i, line in enumerate(lines) if re.search(pattern, line))
              for name, pattern in (("ruff", r"/ruff check\b"), ("mypy", r"-m mypy\b"), ("pytest", r"-m pytest\b"))}
        assert at["ruff"] < at["pytest"] and at["mypy"] < at["pytest"], (target, lines)
