"""`briefing validate` and `briefing schema` as a user runs them: output, formats, exit codes."""

from __future__ import annotations

import json
import shutil
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import cli
from generator.routes import GENERATED
from conftest import REPO
from git_helpers import commit_all, init_repo, isolated_git  # noqa: F401  # fixtures, found by name


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed console script in a real process, as a user would."""
    exe = Path(sys.executable).with_name("briefing")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def break_three_files(data: Path) -> None:
    (data / "incidents" / "2020" / "04" / "attack.yml").write_text(
        (data / "incidents" / "2020" / "04" / "attack.yml").read_text().replace("date: 2020-04-12", "date: 2020-04-31")
    )
    (data / "actors" / "typo.yml").write_text("id: typo\nname: Typo\nknd: militia\n")
    (data / "sources" / "bad.yml").write_text("id: bad\nname: Bad\nkind: media\nurl: ftp://example.org\n")


def test_valid_data_exits_0_with_summary(base_data: Path) -> None:
    result = run("validate", str(base_data))
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("valid: 0 errors, 0 warnings in 7 files (9 records)")


#: The end of a long command's one-line summary: how long it took.
TOOK = r"; (\d+\.\d s|\d+ min \d+ s)"


def test_each_long_command_ends_with_one_line_of_counts_and_time(tmp_path: Path) -> None:
    """validate, build, pdf and fmt each end with a summary of what they did and how long it took
    (issue 11), with thousands separators, on standard output after everything else."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    shutil.copytree(REPO / "content", tmp_path / "content",  # the hand-written pages and key judgements
                    ignore=lambda folder, names: [n for n in names if Path(folder) == REPO / "content"
                                                  and (n in GENERATED or n.startswith("."))])
    files = sum(1 for _ in data.rglob("*.yml"))

    validate_out = run("validate", "data", cwd=tmp_path)
    assert re.fullmatch(rf"valid: 0 errors, 0 warnings in {files} files \(65 records\){TOOK}",
                        validate_out.stdout.splitlines()[-1]), validate_out.stdout
    build = run("build", "--pages-only", "--no-pdf", cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    assert re.fullmatch(rf"pages written in content/ from 65 records \(\d+ generated files\){TOOK}",
                        build.stdout.splitlines()[-1]), build.stdout
    pdf = run("pdf", "--month", "2020-04", "-o", str(tmp_path / "april.pdf"), cwd=tmp_path)
    assert pdf.returncode == 0, pdf.stderr
    assert re.fullmatch(rf"wrote {re.escape(str(tmp_path / 'april.pdf'))}: April 2020, \d+ incidents and \d+ "
                        rf"statements.*{TOOK}", pdf.stdout.splitlines()[-1]), pdf.stdout
    fmt = run("fmt", "--check", cwd=tmp_path)
    assert re.fullmatch(rf"{files} files: 0 would be reformatted, {files} already canonical{TOOK}",
                        fmt.stdout.splitlines()[-1]), fmt.stdout


def test_three_broken_files_three_reports_in_one_run(base_data: Path) -> None:
    break_three_files(base_data)
    result = run("validate", str(base_data))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    prefix = base_data.as_posix()
    # missing `kind` and the unknown `knd` are both reported in typo.yml
    assert lines[:-1] == [
        f"{prefix}/actors/typo.yml:1:1: error: missing required field `kind` [missing-field]",
        f"{prefix}/actors/typo.yml:3:1: error: unknown field `knd` — did you mean `kind`? [unknown-field]",
        f"{prefix}/incidents/2020/04/attack.yml:3:7: error: date: `2020-04-31` is not a date: "
        "April 2020 has 30 days [invalid-date]",
        f"{prefix}/sources/bad.yml:4:6: error: url: `ftp://example.org` is not a web address: "
        "it must start with http:// or https:// [invalid-url]",
    ]
    # the one-line summary: the counts, and how long the command took
    assert re.fullmatch(r"4 errors, 0 warnings in 9 files \(11 records\); \d+\.\d s", lines[-1]), lines[-1]
    assert result.stderr == ""


def test_sorted_by_path_then_line(base_data: Path) -> None:
    break_three_files(base_data)
    result = run("validate", str(base_data))
    keys = []
    for line in result.stdout.strip().splitlines()[:-1]:
        path, ln, col, _ = line.split(":", 3)
        keys.append((path, int(ln), int(col)))
    assert keys == sorted(keys)


def test_warnings_alone_exit_0(base_data: Path) -> None:
    (base_data / "actors" / "loner.yml").write_text("id: loner\nname: Loner\nkind: person\n")
    result = run("validate", str(base_data))
    assert result.returncode == 0
    assert "warning:" in result.stdout and "[person-without-affiliation]" in result.stdout
    assert "valid: 0 errors, 1 warning" in result.stdout


def test_problems_inside_files_are_errors(base_data: Path) -> None:
    (base_data / "actors" / "latin1.yml").write_bytes(b"id: x\nname: Caf\xe9\nkind: other\n")
    (base_data / "actors" / "empty.yml").write_bytes(b"")
    result = run("validate", str(base_data))
    assert result.returncode == 1
    assert "[file-encoding]" in result.stdout and "[file-empty]" in result.stdout


def test_default_path_is_data(base_data: Path) -> None:
    result = run("validate", cwd=base_data.parent)
    assert result.returncode == 0
    assert result.stdout.startswith("valid:")


@pytest.mark.parametrize("args", [("validate", "/nonexistent/folder"), ("validate", "--format", "xml"),
                                  ("frobnicate",)])
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_a_file_instead_of_a_folder_exits_2(base_data: Path) -> None:
    result = run("validate", str(base_data / "sources" / "rudaw.yml"))
    assert result.returncode == 2 and "is a file, not a folder" in result.stderr


def test_unreadable_folder_check_is_in_place(base_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As root every folder is readable, so make os.access say no to prove the exit code path.
    monkeypatch.setattr(cli.os, "access", lambda *_a, **_k: False)
    result = CliRunner().invoke(cli.cli, ["validate", str(base_data)])
    assert result.exit_code == 2 and "cannot be read" in result.output


def test_internal_error_is_one_line_and_exit_3(base_data: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(cli, "validate", boom)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["validate", str(base_data)])
    assert exit_info.value.code == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: simulated bug" in err
    assert "Traceback" not in err


def test_github_annotations(base_data: Path) -> None:
    break_three_files(base_data)
    result = run("validate", "--format", "github", str(base_data))
    assert result.returncode == 1
    prefix = base_data.as_posix()
    lines = result.stdout.strip().splitlines()
    assert lines[2] == (
        f"::error file={prefix}/incidents/2020/04/attack.yml,line=3,col=7,title=invalid-date::"
        "date: `2020-04-31` is not a date: April 2020 has 30 days"
    )
    assert all(line.startswith("::error ") for line in lines[:-1])


def test_github_escapes_newlines_and_percent(base_data: Path) -> None:
    (base_data / "actors" / "x.yml").write_text("id: x\nname: X\nkind: \"100%\\nbad\"\n")
    result = run("validate", "--format", "github", str(base_data))
    line = result.stdout.splitlines()[0]
    assert "100%25%0Abad" in line and "\n" not in line


def test_json_report(base_data: Path) -> None:
    break_three_files(base_data)
    result = run("validate", "--format", "json", str(base_data))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["errors"] == 4 and report["files"] == 9
    first = report["problems"][0]
    assert set(first) == {"code", "severity", "path", "line", "col", "message"}
    assert [p["code"] for p in report["problems"]] == ["missing-field", "unknown-field", "invalid-date", "invalid-url"]


def test_validate_never_writes_into_the_data_folder(base_data: Path) -> None:
    break_three_files(base_data)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(base_data.rglob("*")) if p.is_file()}
    folders = sorted(p for p in base_data.rglob("*") if p.is_dir())
    for fmt in ("text", "github", "json"):
        run("validate", "--format", fmt, str(base_data))
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(base_data.rglob("*")) if p.is_file()}
    assert before == after
    assert folders == sorted(p for p in base_data.rglob("*") if p.is_dir())


def test_bundled_example_data_is_valid() -> None:
    result = run("validate", "data", cwd=REPO)
    assert result.returncode == 0, result.stdout
    assert "0 errors, 0 warnings" in result.stdout


def test_schema_check_reports_stale_files(tmp_path: Path) -> None:
    result = run("schema", "--out", str(tmp_path / "schemas"), "--reference", str(tmp_path / "ref.md"), "--check")
    assert result.returncode == 1 and "stale" in result.stdout
    assert run("schema", "--out", str(tmp_path / "schemas"), "--reference", str(tmp_path / "ref.md")).returncode == 0
    assert run("schema", "--out", str(tmp_path / "schemas"), "--reference", str(tmp_path / "ref.md"),
               "--check").returncode == 0


def test_every_command_and_option_is_documented() -> None:
    # As sqlite-utils' test_docs does: a command or an option that no page names is one that
    # users cannot find. The long form of each option (`--output`, not only `-o`) must appear.
    import click

    pages = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]
    text = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    missing = []
    for name, command in sorted(cli.cli.commands.items()):
        if f"briefing {name}" not in text:
            missing.append(f"briefing {name}")
        for param in command.params:
            if isinstance(param, click.Option):
                missing += [f"briefing {name} {opt}" for opt in param.opts if opt.startswith("--") and opt not in text]
    assert not missing, f"not named in README.md, CONTRIBUTING.md or docs/: {missing}"


@pytest.mark.usefixtures("isolated_git")
def test_a_revision_with_escape_codes_is_shown_escaped(tmp_path: Path) -> None:
    """What the user typed comes back in messages; an escape code in it (a terminal title, a
    colour) is shown as `\\x1b`, never sent to the terminal."""
    repo = init_repo(tmp_path / "repo")
    (repo / "data").mkdir()
    commit_all(repo, "empty")
    proc = run("changes", "--since", "v1\x1b]0;pwned\x07", "--data", str(repo / "data"), cwd=repo)
    assert proc.returncode == 2
    assert "\x1b" not in proc.stderr and "\x07" not in proc.stderr
    assert "`v1\\x1b]0;pwned\\x07`" in proc.stderr


def test_a_site_folder_named_with_escape_codes_is_shown_escaped(tmp_path: Path) -> None:
    from test_build import make_project

    project = make_project(tmp_path / "p")
    site = project.root / "site\x1b[31m"
    proc = run("build", "--no-pdf", "--data", str(project.data), "--content", str(project.content),
               "--mkdocs-config", str(project.mkdocs), "--site", str(site), cwd=project.root)
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout + proc.stderr
    assert "site built in " in proc.stdout and "site\\x1b[31m/" in proc.stdout


def test_new_shows_a_data_folder_with_control_characters_escaped(tmp_path: Path) -> None:
    data = tmp_path / "e\rZ" / "data"
    shutil.copytree(REPO / "tests" / "fixtures" / "base", data)
    proc = run("new", "incident", "--title", "A raid", "--date", "2020-04-12", "--data", str(data))
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stdout
    assert f"then run `briefing validate {tmp_path.as_posix()}/e\\rZ/data`" in proc.stdout
