"""The limits of the data format (v1.1) as a user meets them on the command line: numbers too long
to read, years outside the range, values that hold control characters, files with very many
problems. Each command runs in a real process; none may end in "internal error" (exit 3)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from git_helpers import commit_all, isolated_git, repo_with_data  # noqa: F401  # fixtures, found by name
from conftest import BASE

BRIEFING = Path(sys.executable).with_name("briefing")
ATTACK = Path("incidents/2020/04/attack.yml")
#: A printed problem line: nothing before the path, one line per problem.
PROBLEM_LINE = re.compile(r"^[^\s:][^:]*:\d+:\d+: (error|warning): .* \[[a-z0-9-]+\]$")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BRIEFING), *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


# --- item 7: numbers past what Python reads, counts past the bound ------------------------------------

HUGE = "9" * 5000  # past Python's 4,300-digit limit for int()


def test_validate_reports_a_huge_number_at_its_line(base_data: Path) -> None:
    edit(base_data / ATTACK, "killed: 1}", f"killed: {HUGE}}}")
    result = run("validate", str(base_data))
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    [line] = result.stdout.splitlines()[:-1]
    assert line.startswith(f"{(base_data / ATTACK).as_posix()}:10:")
    assert line.endswith("a number of 5,000 digits is too long to be read (at most 100); a casualty count is at "
                         "most 10,000,000; put quotes around it if it is text [number-too-large]")


def test_fmt_leaves_a_file_with_a_huge_number_and_says_where(base_data: Path) -> None:
    edit(base_data / ATTACK, "killed: 1}", f"killed: {HUGE}}}")
    before = (base_data / ATTACK).read_bytes()
    result = run("fmt", "--data", str(base_data))
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    assert f"{(base_data / ATTACK).as_posix()}:10:" in result.stderr
    assert "[number-too-large]" in result.stderr
    assert (base_data / ATTACK).read_bytes() == before


@pytest.mark.usefixtures("isolated_git")
def test_changes_compares_a_file_with_a_huge_number(tmp_path: Path) -> None:
    data = repo_with_data(tmp_path / "repo", BASE)
    edit(data / ATTACK, "killed: 1}", f"killed: {HUGE}}}")
    result = run("changes", "--since", "HEAD", "--data", str(data), "--format", "json", cwd=data)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert [(c["id"], c["fields"]) for c in found["changed"]] == [("attack", ["casualties[0].killed"])]
    commit_all(data.parent, "a huge number", date="2024-01-11T12:00:00Z")
    edit(data / ATTACK, f"killed: {HUGE}}}", "killed: 2}")  # and the other way round
    result = run("changes", "--since", "HEAD", "--data", str(data), cwd=data)
    assert result.returncode == 0, result.stderr
    assert "`attack`" in result.stdout


def test_counts_too_large_to_add_up_stop_the_build(base_data: Path, tmp_path: Path) -> None:
    # Two counts of 4,000 digits each used to pass validation and crash the overview's total.
    edit(base_data / ATTACK, "killed: 1}", f"killed: {'9' * 4000}}}\n  - {{group: civilians, killed: {'9' * 4000}}}")
    result = run("build", "--data", str(base_data), "--content", str(tmp_path / "content"), "--pages-only",
                 "--no-pdf", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    assert result.stderr.count("[number-too-large]") == 2
    assert not (tmp_path / "content").exists()


def test_a_count_over_ten_million_is_an_error(base_data: Path) -> None:
    edit(base_data / ATTACK, "killed: 1}", "killed: 12000000}")
    result = run("validate", str(base_data))
    assert result.returncode == 1
    assert ("attack.yml:10:32: error: casualties[0].killed: 12,000,000 is more than 10,000,000, the largest count "
            "the data format allows; check the figure [count-too-large]") in result.stdout


# --- item 11: years ------------------------------------------------------------------------------------


def test_pdf_refuses_a_period_outside_the_years(base_data: Path, tmp_path: Path) -> None:
    result = run("pdf", "--from", "1000", "--to", "9999", "--data", str(base_data), "-o", str(tmp_path / "x.pdf"),
                 cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "internal error" not in result.stderr
    assert "outside the years the data covers, 1900 to 2100" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_far_future_date_is_an_error(base_data: Path) -> None:
    edit(base_data / ATTACK, "date: 2020-04-12", "date: 9999-12-31")
    result = run("validate", str(base_data))
    assert result.returncode == 1
    assert "attack.yml:3:7: error: date: the year 9999 is outside the years this site covers" in result.stdout



def test_an_open_start_date_is_checked_by_the_year_it_names(base_data: Path) -> None:
    # `{to: DATE}` has no start year (internally date.min): only DATE is held to the years.
    edit(base_data / ATTACK, "date: 2020-04-12", "date: {to: 2020-04-12}")
    assert run("validate", str(base_data)).returncode == 0
    edit(base_data / ATTACK, "date: {to: 2020-04-12}", "date: {to: 9999-12-31}")
    result = run("validate", str(base_data))
    assert result.returncode == 1
    assert "error: date: the year 9999 is outside the years this site covers" in result.stdout
    assert "the year 1 " not in result.stdout

def test_a_date_in_other_digits_is_not_a_date(base_data: Path) -> None:
    # `\\d` matches any script's digits: `٢٠٢٠-٠٤-١٢` (Arabic-Indic) was read as 12 April 2020,
    # while the JSON Schema (ASCII digits) refused it and `--from ۲۰۲۰` was taken as 2020.
    edit(base_data / ATTACK, "date: 2020-04-12", "date: '٢٠٢٠-٠٤-١٢'")
    result = run("validate", str(base_data))
    assert result.returncode == 1
    assert "error: date: `٢٠٢٠-٠٤-١٢` is not a date; write YYYY-MM-DD, YYYY-MM or YYYY [invalid-date]" in result.stdout
    refused = run("pdf", "--from", "۲۰۲۰", "--to", "2020", "--data", str(base_data),
                  "-o", str(base_data.parent / "x.pdf"))
    assert refused.returncode == 2 and "is not a date" in refused.stderr


# --- item 12: control characters in the report -----------------------------------------------------

FORGED = "x\ndata/a.yml:1:1: error: forged [invalid-id]\x1b[2J\u2028\x85\x7f"  # short: quoted whole


def _hostile(base_data: Path) -> Path:
    """A value holding a newline, a forged problem line and terminal escapes, in a file whose name
    holds an escape code too."""
    target = base_data / "actors" / "evil\x1b[31m.yml"
    target.write_text("id: evil\nname: Evil\nkind: other\ncountry: " + json.dumps(FORGED) + "\n", "utf-8")
    return target


def test_text_report_escapes_control_characters(base_data: Path) -> None:
    _hostile(base_data)
    result = run("validate", str(base_data))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3  # two problems (the warning first: same place, code order), one summary: no forged line
    assert all(PROBLEM_LINE.match(line) for line in lines[:2]), lines
    assert lines[0].endswith("warning: country: holds the control characters U+001B, U+007F, U+0085, which no "
                             "text shows; remove them [control-character]"), lines[0]
    lines = lines[1:]
    assert "evil\\x1b[31m.yml:4:10: error: country: `x\\ndata/a.yml:1:1: error: forged [invalid-id]" \
           "\\x1b[2J\\u2028\\x85\\x7f` is not an ISO 3166-1 alpha-2 country code" in lines[0]
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", result.stdout)


def test_github_report_escapes_control_characters(base_data: Path) -> None:
    _hostile(base_data)
    result = run("validate", "--format", "github", str(base_data))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and lines[0].startswith("::warning file=") and lines[1].startswith("::error file=")
    lines = lines[1:]
    assert "evil\\x1b[31m.yml" in lines[0]
    assert "x%0Adata/a.yml:1:1: error: forged [invalid-id]\\x1b[2J\\u2028\\x85\\x7f" in lines[0]
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", result.stdout)


def test_json_report_keeps_the_literal_text_and_no_raw_control_character(base_data: Path) -> None:
    target = _hostile(base_data)
    result = run("validate", "--format", "json", str(base_data))
    assert result.returncode == 1
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", result.stdout)
    warning, problem = json.loads(result.stdout)["problems"]
    assert warning["code"] == "control-character"
    assert problem["path"] == target.as_posix()  # the real name, escape code and all
    assert FORGED in problem["message"]


def test_fmt_escapes_file_names(base_data: Path) -> None:
    (base_data / "actors" / "odd\x1b]0;title\x07.yml").write_text("name: Odd\nid: odd\nkind: other\n", "utf-8")
    result = run("fmt", "--data", str(base_data))
    assert result.returncode == 0, result.stderr
    assert "formatted " + (base_data / "actors").as_posix() + "/odd\\x1b]0;title\\x07.yml" in result.stdout
    assert "\x1b" not in result.stdout + result.stderr


def test_a_file_name_that_is_not_utf8_is_escaped_in_every_report(base_data: Path) -> None:
    """A name whose bytes are not UTF-8 (0x9b is the 8-bit CSI of terminals that read C1 codes)
    is shown with those bytes escaped (`\\x9b`), as control characters are, never written raw: the
    text and GitHub reports stay clean for a terminal, and the JSON report stays UTF-8."""
    name = os.fsdecode(b"odd\x9b31m\xff.yml")
    (base_data / "actors" / name).write_text("id: odd\nname: Odd\nkind: nope\n", "utf-8")
    for fmt in ("text", "github", "json"):
        result = subprocess.run([sys.executable, "-m", "generator.cli", "validate", "--format", fmt, str(base_data)],
                                capture_output=True, check=False)
        assert result.returncode == 1, result.stderr
        assert b"\x9b" not in result.stdout and b"\xff" not in result.stdout, fmt
        text = result.stdout.decode("utf-8")  # raises if a raw byte is left
        if fmt == "json":
            [problem] = json.loads(text)["problems"]
            assert os.fsencode(problem["path"]).endswith(b"odd\x9b31m\xff.yml")
        else:
            assert "odd\\x9b31m\\xff.yml" in text, text


# --- item 13: a file with very many problems -------------------------------------------------------


def _million_aliases(base_data: Path, count: int) -> None:
    (base_data / "actors" / "pasted.yml").write_text(
        "id: pasted\nname: Pasted\nkind: other\naliases: [" + ", ".join(['""'] * count) + "]\n", "utf-8")


def test_text_report_shows_100_problems_of_a_file_and_the_count_of_the_rest(base_data: Path) -> None:
    _million_aliases(base_data, 20_000)
    result = run("validate", str(base_data))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 102
    assert lines[-2].endswith("error: 19,900 more problems in this file are not shown (19,900 errors); fix the "
                              "ones above and run the validator again [too-many-problems]")
    assert lines[-1].startswith("20,000 errors, 0 warnings in 8 files (10 records); ")
    assert len(result.stdout) < 20_000


def test_json_and_github_reports_are_capped_too(base_data: Path) -> None:
    _million_aliases(base_data, 5_000)
    found = json.loads(run("validate", "--format", "json", str(base_data)).stdout)
    assert (found["errors"], len(found["problems"])) == (5_000, 101)
    assert found["problems"][-1]["code"] == "too-many-problems"
    github = run("validate", "--format", "github", str(base_data)).stdout.splitlines()
    assert len(github) == 102 and "title=too-many-problems" in github[-2]


@pytest.mark.usefixtures("isolated_git")
def test_changes_escapes_control_characters(tmp_path: Path) -> None:
    data = repo_with_data(tmp_path / "repo", BASE)
    (data / "actors" / "evil.yml").write_text('id: "evil\\e[2J\\x9b"\nname: Evil\nkind: other\n', "utf-8")
    markdown = run("changes", "--since", "HEAD", "--data", str(data), cwd=data)
    assert markdown.returncode == 0, markdown.stderr
    assert "- **added** `evil\\x1b[2J\\x9b` — Evil" in markdown.stdout  # shown escaped, in a code span
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", markdown.stdout)
    as_json = run("changes", "--since", "HEAD", "--data", str(data), "--format", "json", cwd=data)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", as_json.stdout)
    assert [c["id"] for c in json.loads(as_json.stdout)["added"]] == ["evil\x1b[2J\x9b"]
