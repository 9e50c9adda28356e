"""Golden error lists: every broken fixture gives exactly the problems its `expected.txt` lists.

Each folder `tests/fixtures/broken/<case>/` is laid out like a data folder; the test copies it on
top of a fresh copy of the valid dataset `tests/fixtures/base` and compares the WHOLE problem list
(`path:line:code`, sorted as `problem_list` sorts) with `expected.txt`, which is a hand-written
specification, not a recording of the validator's output. An empty `expected.txt` means "valid".

A few problems cannot be committed as a file (a 5 MB file, an unreadable file, a configuration
beside the data folder); they have dedicated tests at the end that build their input in tmp_path.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, as_unprivileged, problem_list
from generator.load import MAX_FILE_BYTES
from generator.problems import CODES, Problem
from generator.validate import validate

BROKEN = FIXTURES / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())

#: Codes that no committed fixture can produce, and the test below that produces each one.
BUILT_IN_TMP: dict[str, str] = {
    "file-too-large": "test_file_too_large",
    "file-unreadable": "test_file_unreadable",
    "file-symlink": "test_file_symlink",  # copying a case would follow its links
    "file-not-regular": "test_file_not_regular",  # Git cannot hold a FIFO
    "invalid-config": "test_invalid_config",
    "too-many-problems": "test_too_many_problems",  # a line of the printed report, not a problem found
    # `briefing import acled`'s, never the validator's (tests/test_acled.py; docs/errors.md's examples)
    **{code: "test_import_codes_are_not_the_validators" for code in CODES if code.startswith("acled-")},
}


# --- helpers ---------------------------------------------------------------------------------


def read_expected(case: str) -> list[tuple[str, int, str]]:
    """`expected.txt` of a case as (relative path, line, code) tuples, in file order."""
    out = []
    for line in (BROKEN / case / "expected.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        path, number, code = line.rsplit(":", 2)
        out.append((path, int(number), code))
    return out


def apply_case(case: str, data: Path) -> Path:
    """Copy the case's files (all but its top-level `expected.txt`) on top of the data folder."""
    case_dir = BROKEN / case

    def ignore(directory: str, names: list[str]) -> list[str]:  # noqa: ARG001  # copytree's signature
        return ["expected.txt"] if Path(directory) == case_dir else []

    shutil.copytree(case_dir, data, dirs_exist_ok=True, ignore=ignore)
    return data


def show(problems: list[tuple[str, int, str]]) -> list[str]:
    """`path:line:code` strings, so that a failing comparison shows a readable diff."""
    return [f"{path}:{line}:{code}" for path, line, code in problems]


def problems_of(data: Path) -> list[Problem]:
    """Every problem, sorted, with paths relative to the data folder (for message checks)."""
    prefix = data.as_posix() + "/"
    return [
        Problem(p.path.removeprefix(prefix), p.line, p.col, p.code, p.message, p.severity)
        for p in validate(data).report.sorted()
    ]


def the_problem(problems: list[Problem], path: str, line: int, code: str) -> Problem:
    """The single problem at `path:line` with `code`."""
    found = [p for p in problems if (p.path, p.line, p.code) == (path, line, code)]
    assert len(found) == 1, f"expected one {path}:{line}:{code}, found {found}"
    return found[0]


# --- the golden lists --------------------------------------------------------------------------


def test_base_is_valid(base_data: Path) -> None:
    assert problem_list(base_data) == []


@pytest.mark.parametrize("case", CASES)
def test_case(case: str, base_data: Path) -> None:
    apply_case(case, base_data)
    assert show(problem_list(base_data)) == show(read_expected(case))


@pytest.mark.parametrize("case", CASES)
def test_case_is_well_formed(case: str) -> None:
    """Each case has data files and an expected.txt of known codes, sorted by path and line."""
    case_dir = BROKEN / case
    assert (case_dir / "expected.txt").is_file()
    assert [p for p in case_dir.rglob("*") if p.is_file() and p.name != "expected.txt"], "no data files"
    expected = read_expected(case)
    unknown = [code for _, _, code in expected if code not in CODES]
    assert not unknown, f"unknown codes in expected.txt: {unknown}"
    positions = [(path, line) for path, line, _ in expected]
    assert positions == sorted(positions), "expected.txt must be sorted by path, then line"


def test_every_code_is_covered() -> None:
    covered = {code for case in CASES for _, _, code in read_expected(case)}
    assert set(BUILT_IN_TMP) <= set(CODES)
    assert not covered & set(BUILT_IN_TMP), "a committed case covers a code listed as impossible to commit"
    missing = sorted(set(CODES) - covered - set(BUILT_IN_TMP))
    assert not missing, f"codes that no broken fixture covers: {missing}"
    for test_name in BUILT_IN_TMP.values():
        assert callable(globals().get(test_name)), f"missing dedicated test {test_name}"


def test_import_codes_are_not_the_validators(base_data: Path) -> None:
    """The `acled-*` codes are `briefing import acled`'s: a data folder never has them, whatever
    it holds (tests/test_acled.py and docs/errors.md's examples show each)."""
    assert not [p for p in validate(base_data).report.problems if p.code.startswith("acled-")]
    assert {c for c in CODES if c.startswith("acled-")} >= {"acled-not-an-export", "acled-bad-row", "acled-edited"}


# --- messages and values that the golden lists cannot show ------------------------------------


def test_unknown_field_suggests_the_field(base_data: Path) -> None:
    problems = problems_of(apply_case("unknown-field", base_data))
    assert "did you mean `date`" in the_problem(problems, "incidents/typo.yml", 3, "unknown-field").message
    assert "did you mean `title`" in the_problem(problems, "incidents/typo.yml", 10, "unknown-field").message


def test_duplicate_ids_cite_each_other(base_data: Path) -> None:
    problems = problems_of(apply_case("duplicate-id-across-files", base_data))
    again = the_problem(problems, "actors/isis-again.yml", 2, "duplicate-id").message
    first = the_problem(problems, "actors/isis.yml", 1, "duplicate-id").message
    assert "actors/isis.yml:1" in again
    assert "actors/isis-again.yml:2" in first


def test_duplicate_ids_in_one_file_cite_each_other(base_data: Path) -> None:
    problems = problems_of(apply_case("duplicate-id-in-list", base_data))
    assert "regions/more.yml:5" in the_problem(problems, "regions/more.yml", 1, "duplicate-id").message
    assert "regions/more.yml:1" in the_problem(problems, "regions/more.yml", 5, "duplicate-id").message


def test_shared_alias_names_the_other_actor(base_data: Path) -> None:
    problems = problems_of(apply_case("warning-duplicate-alias", base_data))
    assert "`so-cell`" in the_problem(problems, "actors/isis.yml", 3, "duplicate-alias").message
    assert "`isis`" in the_problem(problems, "actors/so-cell.yml", 5, "duplicate-alias").message


def test_alias_used_as_reference_suggests_the_id(base_data: Path) -> None:
    problems = problems_of(apply_case("alias-as-reference", base_data))
    actor = the_problem(problems, "incidents/alias-reference.yml", 7, "unknown-reference").message
    assert "`Daesh`" in actor
    assert "did you mean `isis`" in actor
    region = the_problem(problems, "incidents/alias-reference.yml", 5, "unknown-reference").message
    assert "did you mean `kirkuk`" in region


def test_yaml11_traps_load_as_text(base_data: Path) -> None:
    dataset = validate(apply_case("yaml11-traps-valid", base_data)).dataset
    incident = dataset.incidents["yaml-traps"].record
    assert incident.title == "NO"
    assert incident.place == "12:30"
    assert incident.summary == "off"
    assert dataset.actors["norwegian-peoples-aid"].record.country == "NO"


def test_bom_crlf_fixture_keeps_its_bytes(base_data: Path) -> None:
    """Guard the fixture itself: a checkout that normalised it would make the case meaningless."""
    for path in [*(BROKEN / "bom-crlf-valid").rglob("*.yml"), *(BROKEN / "bom-crlf-positions").rglob("*.yml")]:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), path
        assert raw.count(b"\r\n") == raw.count(b"\n"), path
    dataset = validate(apply_case("bom-crlf-valid", base_data)).dataset
    assert "saved-by-notepad" in dataset.actors
    assert [a.actor for a in dataset.incidents["crlf-incident"].record.actors] == ["saved-by-notepad"]


def test_byte_level_fixtures_keep_their_bytes() -> None:
    assert b"Caf\xe9 " in (BROKEN / "file-encoding/sources/latin1.yml").read_bytes()
    assert (BROKEN / "file-encoding/sources/utf16.yml").read_bytes().startswith(b"\xff\xfe")
    assert b"\n\t- " in (BROKEN / "yaml-tab-indent/incidents/tabs.yml").read_bytes()
    assert b"Pasted\x0bfrom" in (BROKEN / "control-character/actors/pasted.yml").read_bytes()


def test_file_encoding_message_names_utf16(base_data: Path) -> None:
    problems = problems_of(apply_case("file-encoding", base_data))
    assert "UTF-16" in the_problem(problems, "sources/utf16.yml", 1, "file-encoding").message
    assert "0xe9" in the_problem(problems, "sources/latin1.yml", 2, "file-encoding").message


# --- codes that cannot be committed as a file -------------------------------------------------


def test_file_too_large(base_data: Path) -> None:
    record = b"id: huge\nname: Huge\nkind: other\n"
    (base_data / "actors" / "huge.yml").write_bytes(record + b"#" * (5 * 1024 * 1024) + b"\n")
    assert problem_list(base_data) == [("actors/huge.yml", 1, "file-too-large")]


def test_file_at_the_size_limit_is_read(base_data: Path) -> None:
    record = b"id: just-fits\nname: Just Fits\nkind: other\n#"
    padding = MAX_FILE_BYTES - len(record) - 1
    (base_data / "actors" / "just-fits.yml").write_bytes(record + b"x" * padding + b"\n")
    assert (base_data / "actors" / "just-fits.yml").stat().st_size == MAX_FILE_BYTES
    assert problem_list(base_data) == []


BRIEFING = Path(sys.executable).with_name("briefing")
#: Written where a link points: it must never appear in anything `briefing` prints.
SECRET = "SECRET-7d1c0ffee"  # noqa: S105  # no password: a marker that must never be printed


def validate_cli(data: Path, *more: str, unprivileged: bool = False) -> subprocess.CompletedProcess[str]:
    """`briefing validate --format json` in a real process, stopped after 60 s (a reader that
    waits on a FIFO must fail the test, not hang it)."""
    argv = [str(BRIEFING), "validate", "--format", "json", *more, str(data)]
    return subprocess.run(as_unprivileged(argv) if unprivileged else argv,
                          capture_output=True, text=True, timeout=60)


def printed(result: subprocess.CompletedProcess[str], data: Path) -> list[tuple[str, int, str]]:
    """(path relative to the data folder, line, code) of each problem in a JSON report."""
    return [(os.path.relpath(p["path"], data), p["line"], p["code"]) for p in json.loads(result.stdout)["problems"]]


def test_file_unreadable(base_data: Path) -> None:
    # A file that its reader may not open (as root, the command runs without root's override).
    target = base_data / "incidents" / "x.yml"
    target.write_text("id: x\n", encoding="utf-8")
    target.chmod(0)
    result = validate_cli(base_data, unprivileged=True)
    assert result.returncode == 1, result.stderr
    assert printed(result, base_data) == [("incidents/x.yml", 1, "file-unreadable")]
    assert "Permission denied" in result.stdout


@pytest.mark.parametrize("how", ["outside-record", "outside-text", "inside-record", "dangling", "loop",
                                 "folder", "proc-environ"])
def test_file_symlink(how: str, base_data: Path, tmp_path: Path) -> None:
    # Refused at the link's path whatever it points to, even a valid record; never followed, so
    # nothing of the target is published or echoed in a message.
    outside = tmp_path / "outside"
    outside.mkdir()
    record = f"id: smuggled\nname: {SECRET}\nkind: militia\n"
    (outside / "record.yml").write_text(record, encoding="utf-8")
    (outside / "text.yml").write_text(f"{SECRET}: [unclosed\n", encoding="utf-8")
    (base_data / "actors" / "real.yml").write_text(record.replace("smuggled", "real"), encoding="utf-8")
    link = base_data / "actors" / "link.yml"
    targets = {
        "outside-record": outside / "record.yml",
        "outside-text": outside / "text.yml",
        "inside-record": base_data / "actors" / "real.yml",
        "dangling": outside / "gone.yml",
        "loop": link,
        "proc-environ": Path("/proc/self/environ"),
    }
    if how == "folder":
        link = base_data / "actors" / "more"
        link.symlink_to(outside, target_is_directory=True)
    else:
        link.symlink_to(targets[how])
    expected = [(link.relative_to(base_data).as_posix(), 1, "file-symlink")]
    assert problem_list(base_data) == expected
    result = validate_cli(base_data)
    assert result.returncode == 1
    assert printed(result, base_data) == expected
    assert SECRET not in result.stdout + result.stderr
    assert "smuggled" not in result.stdout + result.stderr
    assert os.environ.get("PATH", "\0") not in result.stdout  # /proc/self/environ was not read either


def test_config_symlink_is_refused(base_data: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yml"
    secret.write_text(f"title: {SECRET}\n", encoding="utf-8")
    (base_data.parent / "briefing.yml").symlink_to(secret)
    result = validate_cli(base_data)
    assert result.returncode == 1
    assert [(p["path"], p["code"]) for p in json.loads(result.stdout)["problems"]] == [
        ((base_data.parent / "briefing.yml").as_posix(), "file-symlink")]
    assert SECRET not in result.stdout + result.stderr


def test_file_not_regular(base_data: Path) -> None:
    # A FIFO once hung `validate` for good (nothing ever writes to it); a socket cannot be read
    # either. Each is an error at its path, in one run, with every other file still checked.
    os.mkfifo(base_data / "actors" / "pipe.yml")
    os.mkfifo(base_data / "incidents" / "pipe.yaml")
    os.mkfifo(base_data / "incidents" / "notes.txt")  # not a data file's name: ignored, never opened
    os.mkfifo(base_data.parent / "briefing.yml")
    sock_path = base_data / "sources" / "s.yml"
    cwd = os.getcwd()
    os.chdir(sock_path.parent)  # a socket's path is limited to about 100 bytes: bind it relatively
    try:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind("s.yml")
    finally:
        os.chdir(cwd)
    try:
        result = validate_cli(base_data)
    finally:
        sock.close()
    assert result.returncode == 1
    assert printed(result, base_data) == [
        ("../briefing.yml", 1, "file-not-regular"),
        ("actors/pipe.yml", 1, "file-not-regular"),
        ("incidents/notes.txt", 1, "file-ignored"),
        ("incidents/pipe.yaml", 1, "file-not-regular"),
        ("sources/s.yml", 1, "file-not-regular"),
    ]
    messages = {p["path"].rsplit("/", 1)[-1]: p["message"] for p in json.loads(result.stdout)["problems"]}
    assert "named pipe (FIFO)" in messages["pipe.yml"] and "socket" in messages["s.yml"]


CONFIGS = {
    "unknown-setting-and-bad-slug": (
        "title: Kirkuk briefing\n"
        "event_types:\n"
        "  drone-sighting: explosions-remote-violence\n"
        "  Drone_Sighting: explosions-remote-violence\n"
        "colour: red\n",
        [4, 5],
    ),
    "bad-slug": (
        "title: Kirkuk briefing\n"
        "event_types:\n"
        "  drone-sighting: explosions-remote-violence\n"
        "  Drone_Sighting: explosions-remote-violence\n",
        [4],
    ),
    "unknown-event-group": (
        "title: Kirkuk briefing\n"
        "event_types:\n"
        "  drone-sighting: explosions-remote-violence\n"
        "  kidnapping: violence\n",
        [4],
    ),
    "a-list": (
        "# settings written as a list by mistake\n"
        "- title: Kirkuk briefing\n",
        [2],
    ),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_invalid_config(name: str, base_data: Path, tmp_path: Path) -> None:
    text, lines = CONFIGS[name]
    config = tmp_path / "briefing.yml"  # the validator reads <data folder>/../briefing.yml
    assert base_data == tmp_path / "data"
    config.write_text(text, encoding="utf-8")
    problems = [
        (Path(path).resolve().relative_to(tmp_path.resolve()).as_posix() if Path(path).is_absolute() else path,
         line, code)
        for path, line, code in problem_list(base_data)
    ]
    assert problems == [("briefing.yml", line, "invalid-config") for line in lines]


def test_valid_config_adds_event_types(base_data: Path, tmp_path: Path) -> None:
    (tmp_path / "briefing.yml").write_text(
        "title: Kirkuk briefing\nevent_types:\n  drone-sighting: explosions-remote-violence\n", encoding="utf-8"
    )
    incident = base_data / "incidents" / "2020" / "04" / "attack.yml"
    incident.write_text(incident.read_text(encoding="utf-8").replace("armed-clash", "drone-sighting"), encoding="utf-8")
    assert problem_list(base_data) == []


def test_a_data_folder_that_is_a_link_is_not_read(tmp_path: Path) -> None:
    # `data` committed as a link to a folder elsewhere on the build machine: nothing there is read
    # (messages would echo what its files hold).
    elsewhere = tmp_path / "elsewhere" / "actors"
    elsewhere.mkdir(parents=True)
    (elsewhere / "leak.yml").write_text(f"id: leak\n{SECRET}: 1\n", encoding="utf-8")
    data = tmp_path / "project" / "data"
    data.parent.mkdir()
    data.symlink_to(elsewhere.parent, target_is_directory=True)
    result = validate_cli(data)
    assert result.returncode == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["path"], p["code"]) for p in problems] == [(data.as_posix(), "file-symlink")]
    assert SECRET not in result.stdout + result.stderr


def test_too_many_problems(base_data: Path) -> None:
    # A pasted column: a thousand empty aliases. The report prints 100 and says how many more.
    aliases = ", ".join(['""'] * 1000)
    (base_data / "actors" / "pasted.yml").write_text(f"id: pasted\nname: Pasted\nkind: other\naliases: [{aliases}]\n")
    report = validate(base_data).report
    shown = report.shown()
    assert [p.code for p in shown] == ["empty-text"] * 100 + ["too-many-problems"]
    note = shown[-1]
    assert (note.path, note.line, note.severity) == ((base_data / "actors" / "pasted.yml").as_posix(), 4, "error")
    assert note.message.startswith("900 more problems in this file are not shown (900 errors)")
    assert report.summary().startswith("1,000 errors, 0 warnings")  # the counts stay true


def test_problems_of_other_files_are_shown_in_full(base_data: Path) -> None:
    aliases = ", ".join(['""'] * 150)
    (base_data / "actors" / "pasted.yml").write_text(f"id: pasted\nname: Pasted\nkind: other\naliases: [{aliases}]\n")
    (base_data / "actors" / "typo.yml").write_text("id: typo\nname: Typo\nknd: militia\n")
    shown = validate(base_data).report.shown()
    assert [(p.path.rsplit("/", 1)[-1], p.code) for p in shown[-3:]] == [
        ("pasted.yml", "too-many-problems"), ("typo.yml", "missing-field"), ("typo.yml", "unknown-field")]
    assert len(shown) == 103


# --- the limits of the data format (v1.1) --------------------------------------------------------


def test_count_too_large_names_the_bound(base_data: Path) -> None:
    problems = problems_of(apply_case("casualty-counts-too-large", base_data))
    message = the_problem(problems, "incidents/huge.yml", 9, "count-too-large").message
    assert message.startswith("casualties[0].killed: 10,000,001 is more than 10,000,000")
    ranged = the_problem(problems, "incidents/huge.yml", 10, "count-too-large")
    assert ranged.col == 47  # at the value of `high`, the part of the range that is too large
    huge = the_problem(problems, "incidents/huge.yml", 11, "number-too-large").message
    assert huge.startswith("a number of 5,000 digits is too long to be read (at most 100)")
    assert len(huge) < 200  # the number itself is not echoed
    dataset = validate(base_data).dataset
    assert "counts-at-the-bound" in dataset.incidents  # 10,000,000 itself is accepted


def test_text_too_long_says_the_limit_and_the_length(base_data: Path) -> None:
    problems = problems_of(apply_case("text-too-long", base_data))
    assert the_problem(problems, "actors/long.yml", 2, "text-too-long").message == (
        "name: the text is 301 characters long; this field holds at most 300")
    assert the_problem(problems, "actors/long.yml", 7, "text-too-long").message == (
        "description: the text is 20,001 characters long; this field holds at most 20,000")
    assert the_problem(problems, "incidents/long.yml", 14, "text-too-long").message == (
        "sources[0].title: the text is 501 characters long; this field holds at most 500")
    assert the_problem(problems, "statements/long.yml", 5, "text-too-long").message == (
        "quote: the text is 5,001 characters long; this field holds at most 5,000")
    assert "at-the-limit" in validate(base_data).dataset.actors  # exactly at the limits: valid


def test_year_out_of_range_names_the_setting(base_data: Path) -> None:
    problems = problems_of(apply_case("year-out-of-range", base_data))
    message = the_problem(problems, "incidents/far-future.yml", 3, "year-out-of-range").message
    assert message == ("date: the year 9999 is outside the years this site covers, 1900 to 2100; fix the date, "
                       "or set `years: [FROM, TO]` in briefing.yml")
    assert {"in-1900", "in-2100"} <= set(validate(base_data).dataset.statements)


def test_years_setting_widens_the_range(base_data: Path, tmp_path: Path) -> None:
    (tmp_path / "briefing.yml").write_text("years: [1850, 2100]\n", encoding="utf-8")
    apply_case("year-out-of-range", base_data)
    remaining = [(path, line, code) for path, line, code in problem_list(base_data)]
    assert remaining == [
        ("incidents/far-future.yml", 3, "year-out-of-range"),
        ("incidents/far-future.yml", 10, "year-out-of-range"),
    ]  # 1899 is now inside the range; 9999 and 2101 are still outside it


@pytest.mark.parametrize("years", ["[2100, 1900]", "[1900]", "[0, 2100]", "1900"])
def test_years_setting_is_checked(years: str, base_data: Path, tmp_path: Path) -> None:
    (tmp_path / "briefing.yml").write_text(f"title: Kirkuk briefing\nyears: {years}\n", encoding="utf-8")
    problems = validate(base_data).report.sorted()
    assert [(Path(p.path).name, p.line, p.code) for p in problems] == [("briefing.yml", 2, "invalid-config")]


def test_no_publication_date_no_date_after_sources_warning(base_data: Path) -> None:
    # Without any `published:` there is nothing to compare with: no warning, whatever the date.
    incident = base_data / "incidents" / "2020" / "04" / "attack.yml"
    incident.write_text(incident.read_text(encoding="utf-8").replace("date: 2020-04-12", "date: 2099-04-12"))
    assert problem_list(base_data) == []
