"""`briefing changes --since REF`: what a reviewer reads about a pull request, tested on real Git
repositories made in temporary folders (git init, commit, edit, compare), through the installed
command as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import BASE
from generator.changes import LoadMemo, changed_fields, changes_since, one_month_before, same
from git_helpers import commit_all, git, init_repo, isolated_git, repo_with_data  # noqa: F401  # fixtures, found by name

BRIEFING = Path(sys.executable).with_name("briefing")
ATTACK = Path("incidents/2020/04/attack.yml")


def changes(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`briefing changes ...` in a real process."""
    return subprocess.run([str(BRIEFING), "changes", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120, env=os.environ.copy())


def report(data: Path, since: str = "HEAD", cwd: Path | None = None) -> dict[str, Any]:
    """The JSON report of `briefing changes --since SINCE --data DATA`, which must succeed."""
    result = changes("--since", since, "--data", str(data), "--format", "json", cwd=cwd or data)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def entries(found: dict[str, Any], what: str) -> list[tuple[Any, ...]]:
    """(kind, id, path[, fields]) of the added, changed or removed records of a report."""
    return [(e["kind"], e["id"], e["path"], *( (tuple(e["fields"]),) if "fields" in e else ())) for e in found[what]]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose `data/` holds the base dataset, committed once; the data folder."""
    return repo_with_data(tmp_path / "repo", BASE)


# --- added, changed, removed ----------------------------------------------------------------------


def test_added_changed_removed_by_kind_and_id(repo: Path) -> None:
    edit(repo / ATTACK, "killed: 1", "killed: 2")
    (repo / "actors" / "newcomer.yml").write_text("id: newcomer\nname: A Newcomer\nkind: militia\n", "utf-8")
    (repo / "statements" / "2020" / "04" / "said.yml").unlink()

    found = report(repo, cwd=repo.parent)

    assert entries(found, "added") == [("actor", "newcomer", "data/actors/newcomer.yml")]
    assert entries(found, "changed") == [("incident", "attack", "data/incidents/2020/04/attack.yml",
                                          ("casualties[0].killed",))]
    assert entries(found, "removed") == [("statement", "said", "data/statements/2020/04/said.yml")]
    assert found["unreadable"] == []
    assert found["counts"] == {"added": 1, "changed": 1, "removed": 1, "unreadable": 0}
    assert found["commit"] == git(repo.parent, "rev-parse", "HEAD").strip()
    assert found["months"] == ["2020-04"]  # the incident and the statement


def test_serve_s_memo_of_parsed_files_gives_what_a_fresh_comparison_gives(repo: Path) -> None:
    """`briefing serve` keeps the files its comparison parsed (`changes.LoadMemo`): after each edit
    (a field changed, a file added, one deleted, one broken) its answer is a fresh comparison's."""
    memo = LoadMemo()
    assert changes_since("HEAD", repo, memo) == changes_since("HEAD", repo)
    edit(repo / ATTACK, "killed: 1", "killed: 2")
    assert changes_since("HEAD", repo, memo) == changes_since("HEAD", repo)
    (repo / "actors" / "newcomer.yml").write_text("id: newcomer\nname: A Newcomer\nkind: militia\n", "utf-8")
    (repo / "statements" / "2020" / "04" / "said.yml").unlink()
    assert changes_since("HEAD", repo, memo) == changes_since("HEAD", repo)
    (repo / "actors" / "newcomer.yml").write_text("id: [broken\n", "utf-8")
    with_memo = changes_since("HEAD", repo, memo)
    assert with_memo == changes_since("HEAD", repo) and with_memo.added == []


def test_markdown_summary_lists_each_record_under_its_kind(repo: Path) -> None:
    edit(repo / ATTACK, "title: An attack on a checkpoint", "title: An attack on a <b>checkpoint</b> | [x](y)")
    (repo / "actors" / "newcomer.yml").write_text("id: newcomer\nname: A Newcomer\nkind: militia\n", "utf-8")
    result = changes("--since", "HEAD", cwd=repo.parent)  # --data defaults to data/, markdown to the screen
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("## Changes to the data since `HEAD`\n")
    assert "1 record added, 1 changed, 0 removed." in text
    incidents, actors = text.index("### Incidents"), text.index("### Actors")
    assert incidents < actors  # what happened first, then who
    changed_line = next(line for line in text.splitlines() if "`attack`" in line)
    assert changed_line.startswith("- **changed** `attack`")
    assert changed_line.endswith(": `title` (`data/incidents/2020/04/attack.yml`)")
    # the new title is text: no tag, no link, no table cell can come out of it
    assert "&lt;b&gt;checkpoint&lt;/b&gt; \\| \\[x\\](y)" in changed_line
    assert "<b>" not in text
    assert "- **added** `newcomer` — A Newcomer (`data/actors/newcomer.yml`)" in text


def test_nothing_changed(repo: Path) -> None:
    found = report(repo)
    assert (found["added"], found["changed"], found["removed"], found["unreadable"]) == ([], [], [], [])
    result = changes("--since", "HEAD", "--data", str(repo), cwd=repo)
    assert "No record was added, changed or removed." in result.stdout


def test_nested_fields_name_the_exact_place(repo: Path) -> None:
    path = repo / ATTACK
    edit(path, "  - {actor: peshmerga, role: target}\n",
         "  - {actor: peshmerga, role: target}\n  - {actor: spokesman, role: associated}\n")
    edit(path, "url: https://www.rudaw.net/english/example", "url: https://www.rudaw.net/english/other")
    edit(path, "date: 2020-04-12", "date: {from: 2020-04-12, to: 2020-05-02}")
    path.write_text(path.read_text("utf-8") + "tags: [checkpoint]\n", "utf-8")
    said = repo / "statements" / "2020" / "04" / "said.yml"
    edit(said, "paraphrase: Something was said.\n", "")
    said.write_text(said.read_text("utf-8") + "quote: Something was said.\n", "utf-8")

    changed = {e[1]: e[3] for e in entries(report(repo), "changed")}
    assert changed == {
        "attack": ("date", "actors[2]", "sources[0].url", "tags"),
        "said": ("quote", "paraphrase"),  # one added, one removed
    }


def test_file_layout_and_key_order_are_not_changes(repo: Path) -> None:
    """Moving a record to another file, reordering its keys or re-quoting a value changes nothing
    a reader sees: it is not reported (the records are matched by kind and id)."""
    (repo / "regions" / "regions.yml").rename(repo / "regions" / "all-regions.yml")
    attack = repo / ATTACK
    lines = attack.read_text("utf-8").splitlines()
    reordered = "\n".join([lines[1], lines[0], *lines[2:]]) + "\n"  # title before id
    attack.write_text(reordered.replace("type: armed-clash", 'type: "armed-clash"'), "utf-8")
    found = report(repo)
    assert (found["added"], found["changed"], found["removed"]) == ([], [], [])


def test_a_new_date_touches_both_months(repo: Path) -> None:
    edit(repo / ATTACK, "date: 2020-04-12", "date: 2020-06-01")
    statement = repo / "statements" / "2019"
    statement.mkdir()
    (statement / "yearly.yml").write_text(
        "id: yearly\ndate: 2019\nspeaker: spokesman\nquote: A year.\nsources:\n  - source: rudaw\n", "utf-8")
    found = report(repo)
    assert found["months"] == ["2020-04", "2020-06"]  # a year-precision record has no month briefing


def test_compares_with_an_older_commit_and_a_branch(repo: Path) -> None:
    root = repo.parent
    first = git(root, "rev-parse", "HEAD").strip()
    git(root, "checkout", "-q", "-b", "feature")
    edit(repo / ATTACK, "killed: 1", "killed: 5")
    commit_all(root, "more killed", date="2024-01-11T12:00:00Z")
    (repo / "actors" / "newcomer.yml").write_text("id: newcomer\nname: A Newcomer\nkind: militia\n", "utf-8")

    # committed and uncommitted changes since the first commit, named three ways
    for since in (first, "main", "HEAD~1"):
        found = report(repo, since)
        assert [e[1] for e in entries(found, "changed")] == ["attack"], since
        assert [e[1] for e in entries(found, "added")] == ["newcomer"], since
    # since the last commit: only what is not committed yet
    found = report(repo, "feature")
    assert (entries(found, "changed"), [e[1] for e in entries(found, "added")]) == ([], ["newcomer"])


# --- data that does not validate ------------------------------------------------------------------


def test_broken_files_are_listed_and_their_records_not_called_removed(repo: Path) -> None:
    (repo / ATTACK).write_text("id: attack\ntitle: [unclosed\n", "utf-8")  # a YAML syntax error
    (repo / "actors" / "typo.yml").write_text("id: typo\nname: Typo\nknd: militia\n", "utf-8")  # invalid, readable
    (repo / "sources" / "nameless.yml").write_text("name: No id here\nkind: media\n", "utf-8")
    validate = subprocess.run([str(BRIEFING), "validate", str(repo)], capture_output=True, text=True, timeout=120)
    assert validate.returncode == 1  # the data does not validate ...

    found = report(repo, cwd=repo.parent)  # ... and the changes are still reported

    assert entries(found, "added") == [("actor", "typo", "data/actors/typo.yml")]  # read leniently
    assert found["removed"] == []  # `attack` is in a file that cannot be read now: not "removed"
    broken = {n["path"]: n for n in found["unreadable"]}
    assert set(broken) == {"data/incidents/2020/04/attack.yml", "data/sources/nameless.yml"}
    attack = broken["data/incidents/2020/04/attack.yml"]
    assert attack["side"] == "now"
    assert attack["problem"].startswith("line 3: YAML syntax error")
    assert attack["records"] == [{"kind": "incident", "id": "attack"}]
    assert broken["data/sources/nameless.yml"]["problem"] == "line 1: a record without an `id` cannot be compared"

    text = changes("--since", "HEAD", "--data", str(repo), cwd=repo.parent).stdout
    assert "### Files that could not be read" in text
    assert ("- `data/incidents/2020/04/attack.yml` in this version: line 3: YAML syntax error" in text
            and "; not compared: incident `attack`" in text)


def test_a_file_broken_at_the_revision(repo: Path) -> None:
    (repo / ATTACK).write_text("id: attack\n\ttitle: tab\n", "utf-8")
    commit_all(repo.parent, "broken", date="2024-01-11T12:00:00Z")
    shutil.copy(BASE / ATTACK, repo / ATTACK)  # the pull request repairs it
    found = report(repo)
    assert found["added"] == [] and found["changed"] == []
    [note] = found["unreadable"]
    assert (note["path"], note["side"], note["records"]) == (
        "data/incidents/2020/04/attack.yml", "before", [{"kind": "incident", "id": "attack"}])



def test_links_and_fifos_are_listed_never_followed_nor_skipped(repo: Path, tmp_path: Path) -> None:
    # A record file replaced by a link to a valid record elsewhere, a linked folder of records and
    # a FIFO: each is listed as unreadable (the FIFO once hung `changes`); none is read, and the
    # records they replace are "not compared", never "removed".
    outside = tmp_path / "outside"
    (outside / "more").mkdir(parents=True)
    (outside / "isis.yml").write_text("id: isis\nname: SECRET-91c3\nkind: militia\n", "utf-8")
    (outside / "more" / "smuggled.yml").write_text("id: smuggled\nname: SECRET-91c3\nkind: militia\n", "utf-8")
    (repo / "actors" / "isis.yml").unlink()
    (repo / "actors" / "isis.yml").symlink_to(outside / "isis.yml")
    (repo / "actors" / "more").symlink_to(outside / "more", target_is_directory=True)
    os.mkfifo(repo / "actors" / "pipe.yml")
    big = repo / "sources" / "big.yml"
    big.write_bytes(b"id: big\n" + b"#" * (5 * 1024 * 1024) + b"\n")

    found = report(repo, cwd=repo.parent)

    notes = {n["path"]: n for n in found["unreadable"]}
    assert set(notes) == {"data/actors/isis.yml", "data/actors/more", "data/actors/pipe.yml", "data/sources/big.yml"}
    assert all(n["side"] == "now" for n in notes.values())
    assert notes["data/actors/isis.yml"]["problem"].startswith("a symbolic link, which briefing does not follow")
    assert notes["data/actors/isis.yml"]["records"] == [{"kind": "actor", "id": "isis"}]
    assert notes["data/actors/more"]["problem"].startswith("a symbolic link")
    assert "named pipe" in notes["data/actors/pipe.yml"]["problem"]
    assert "larger than 5 MB" in notes["data/sources/big.yml"]["problem"]
    assert found["added"] == [] and found["removed"] == [] and found["changed"] == []
    text = changes("--since", "HEAD", "--data", str(repo), cwd=repo.parent)
    assert "SECRET-91c3" not in json.dumps(found) + text.stdout + text.stderr


def test_a_link_committed_at_the_revision_is_listed(repo: Path, tmp_path: Path) -> None:
    # At the revision the record was a link (its blob is where it points: never shown); now it is
    # a real file. Its record is "not compared" rather than "added".
    target = tmp_path / "SECRET-5e7d.yml"
    target.write_text("id: peshmerga\nname: Elsewhere\nkind: militia\n", "utf-8")
    real = (repo / "actors" / "peshmerga.yml").read_bytes()
    (repo / "actors" / "peshmerga.yml").unlink()
    (repo / "actors" / "peshmerga.yml").symlink_to(target)
    commit_all(repo.parent, "a link", date="2024-01-11T12:00:00Z")
    (repo / "actors" / "peshmerga.yml").unlink()
    (repo / "actors" / "peshmerga.yml").write_bytes(real)
    found = report(repo)
    [note] = found["unreadable"]
    assert (note["path"], note["side"], note["records"]) == (
        "data/actors/peshmerga.yml", "before", [{"kind": "actor", "id": "peshmerga"}])
    assert found["added"] == []
    assert "SECRET-5e7d" not in json.dumps(found)

# --- where the data folder is ---------------------------------------------------------------------


def test_data_folder_deep_in_the_work_tree(tmp_path: Path) -> None:
    data = repo_with_data(tmp_path / "repo", BASE, "projects/iraq/data")
    edit(data / ATTACK, "killed: 1", "killed: 2")
    # run from outside the repository, and from a folder inside it with a relative path
    found = report(data, cwd=tmp_path)
    assert entries(found, "changed") == [("incident", "attack", "projects/iraq/data/incidents/2020/04/attack.yml",
                                          ("casualties[0].killed",))]
    assert found["data"] == "projects/iraq/data"
    inside = tmp_path / "repo" / "projects"
    result = changes("--since", "HEAD", "--data", "iraq/data", "--format", "json", cwd=inside)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["changed"] == found["changed"]


def test_data_folder_at_the_root_of_the_work_tree(tmp_path: Path) -> None:
    data = repo_with_data(tmp_path / "repo", BASE, ".")
    edit(data / ATTACK, "killed: 1", "killed: 2")
    (data / "README.md").write_text("Not data.\n", "utf-8")
    found = report(data, cwd=data)
    assert found["data"] == "."
    assert entries(found, "changed") == [("incident", "attack", "incidents/2020/04/attack.yml",
                                          ("casualties[0].killed",))]


def test_hidden_and_non_yaml_files_are_not_records(repo: Path) -> None:
    (repo / "incidents" / ".draft.yml").write_text("id: hidden\ntitle: x\n", "utf-8")
    (repo / "incidents" / "notes.txt").write_text("id: notes\n", "utf-8")
    found = report(repo)
    assert found["added"] == [] and found["unreadable"] == []


# --- usage errors -----------------------------------------------------------------------------------


def test_unknown_revision_exits_2_with_a_clear_message(repo: Path) -> None:
    result = changes("--since", "no-such-branch", "--data", str(repo), cwd=repo.parent)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("briefing changes: unknown revision `no-such-branch`")


def test_option_like_revision_is_refused(repo: Path) -> None:
    result = changes("--since=--output=/tmp/x", "--data", str(repo), cwd=repo.parent)
    assert result.returncode == 2
    assert "is not a Git revision" in result.stderr


def test_not_a_git_repository_exits_2(tmp_path: Path) -> None:
    data = tmp_path / "plain" / "data"
    shutil.copytree(BASE, data)
    result = changes("--since", "HEAD", "--data", str(data), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "is not inside a Git work tree" in result.stderr


def test_missing_data_folder_exits_2(repo: Path) -> None:
    result = changes("--since", "HEAD", "--data", "nowhere", cwd=repo.parent)
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_since_is_required(repo: Path) -> None:
    result = changes(cwd=repo.parent)
    assert result.returncode == 2
    assert "--since" in result.stderr


# --- the comparison itself --------------------------------------------------------------------------


def test_values_compare_as_typed() -> None:
    assert same({"a": 1, "b": [1, "x"]}, {"b": [1, "x"], "a": 1})  # key order does not matter
    assert not same(1, True) and not same(1, 1.0) and not same(2020, "2020") and not same([1, 2], [2, 1])
    assert changed_fields({"x": {"y": [1]}}, {"x": {"y": [1, 2]}}) == ["x.y"]
    assert changed_fields({"c": [{"k": 1}]}, {"c": [{"k": 1}, {"k": 2}]}) == ["c[1]"]
    assert changed_fields({"a": 1}, {"a": {"b": 1}}) == ["a"]


def test_one_month_before_is_a_calendar_month() -> None:
    from datetime import datetime, timezone

    def at(*parts: int) -> datetime:
        return datetime(*parts, tzinfo=timezone.utc)

    assert one_month_before(at(2024, 3, 31, 12)) == at(2024, 2, 29, 12)  # a leap year's February
    assert one_month_before(at(2024, 1, 15)) == at(2023, 12, 15)
    assert one_month_before(at(2023, 3, 30)) == at(2023, 2, 28)


def test_an_empty_repository_has_no_revision(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "empty")
    shutil.copytree(BASE, root / "data")
    result = changes("--since", "HEAD", cwd=root)
    assert result.returncode == 2
    assert "unknown revision `HEAD`" in result.stderr
