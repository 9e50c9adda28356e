"""The validation cache (generator/vcache.py): a cached run reports exactly what a cold one does.

Every comparison is of the full printed report (each problem's line as `briefing validate` prints
it, then the counts line) and the exit status, between a run with no cache at all and a run
through the cache; the cached run is one whose files the cache holds (checked by counting the
files actually checked again).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import msgspec
import pytest

import generator.validate as validate_mod
from conftest import BASE, FIXTURES, REPO, SHARED
from generator.validate import validate
from generator.vcache import CacheFile

BROKEN = FIXTURES / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())
PAST = time.time() - 3600  # an hour ago: older than the two seconds a fresh stamp is distrusted


def printed(data: Path, cache: Path | None) -> tuple[list[str], bool]:
    """What `briefing validate` prints for `data` (through the cache at `cache`, or none), and
    whether the data is valid."""
    report = validate(data, cache=cache, models=cache is None).report
    return [p.format_text() for p in report.shown()] + [report.summary()], report.ok


def checked_again(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the files the validator reads and checks from now on (not from the cache)."""
    seen: list[str] = []
    real = validate_mod.check_file

    def spy(path: str, *args: object, **kwargs: object) -> validate_mod.FileResult:
        seen.append(path)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]  # passed through as given

    monkeypatch.setattr(validate_mod, "check_file", spy)
    return seen


def age(data: Path) -> None:
    """Date every file of `data` an hour back, so that the cache trusts size and time."""
    for path in data.rglob("*"):
        os.utime(path, (PAST, PAST), follow_symlinks=False)


def same_cold_and_cached(data: Path, cache: Path) -> list[str]:
    """Assert the cold report, the report that fills the cache and the report from it are the
    same; return it."""
    cold = printed(data, None)
    assert printed(data, cache) == cold  # fills the cache
    assert printed(data, cache) == cold  # from it
    return cold[0]


def synth(tmp_path: Path, n: int = 300) -> Path:
    data = tmp_path / "data"
    subprocess.run([sys.executable, str(SHARED / "bench" / "synth.py"), str(n), str(data)], check=True)
    return data


def test_the_example_data_reports_the_same_through_the_cache(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    age(data)
    cache = tmp_path / "cache"
    same_cold_and_cached(data, cache)
    seen = checked_again(monkeypatch)
    printed(data, cache)
    assert seen == []  # every file came from the cache


@pytest.mark.parametrize("case", CASES)
def test_every_broken_fixture_reports_the_same_through_the_cache(case: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    shutil.copytree(BROKEN / case, data, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
    (data / "expected.txt").unlink(missing_ok=True)
    age(data)
    lines = same_cold_and_cached(data, tmp_path / "cache")
    assert len(lines) > 1 or not (BROKEN / case / "expected.txt").read_text().strip()


def test_the_dates_fixture_reports_the_same_through_the_cache(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "dates", data)
    age(data)
    same_cold_and_cached(data, tmp_path / "cache")


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_edits_between_cached_runs_report_what_a_cold_run_does(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Files edited, made invalid, fixed, added, removed and renamed between runs; problems across
    files (a reference to an id another file removes, a duplicate id) come and go."""
    data = synth(tmp_path)
    age(data)
    cache = tmp_path / "cache"
    same_cold_and_cached(data, cache)
    seen = checked_again(monkeypatch)
    incident = sorted((data / "incidents").rglob("*.yml"))[0]
    other = sorted((data / "incidents").rglob("*.yml"))[1]
    actors = data / "actors" / "actors.yml"
    line = next(x for x in actors.read_text(encoding="utf-8").splitlines(keepends=True) if "id: group-9," in x)
    steps = [
        ("a title edited", lambda: _edit(incident, "title: ", "title: Edited ")),
        ("a file made invalid", lambda: _edit(incident, "date: ", "date: 2019-13-45 #")),
        ("the file fixed", lambda: _edit(incident, "date: 2019-13-45 #", "date: ")),
        ("an actor removed: references to it now unknown elsewhere", lambda: _edit(actors, line, "")),
        ("the actor back", lambda: _edit(actors, "- {id: group-10,", line + "- {id: group-10,")),
        ("a copy added: a duplicate id", lambda: shutil.copy(incident, incident.with_name("copy.yml"))),
        ("the copy removed", lambda: incident.with_name("copy.yml").unlink()),
        ("a file renamed", lambda: other.rename(other.with_name("renamed.yml"))),
        ("a file removed", lambda: other.with_name("renamed.yml").unlink()),
    ]
    outputs = []
    for what, step in steps:
        step()
        seen.clear()
        cached = printed(data, cache)
        assert len(seen) <= 1, f"{what}: more than the changed file read again: {seen}"
        assert cached == printed(data, None), what
        outputs.append(cached)
    # The steps did change the report (else the comparisons prove nothing).
    assert "[invalid-date]" in "\n".join(outputs[1][0]) or not outputs[1][1]
    assert "[unknown-reference]" in "\n".join(outputs[3][0])
    assert "[unknown-reference]" not in "\n".join(outputs[4][0])
    assert "[duplicate-id]" in "\n".join(outputs[5][0])
    assert outputs[6] == outputs[4]


def test_an_edit_that_keeps_the_size_and_time_is_seen_by_its_hash(tmp_path: Path) -> None:
    """A file cached just after it was written, then rewritten within the same tick of the clock
    (the same size, the same modification time): its stamp was not trusted, its hash tells."""
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    cache = tmp_path / "cache"
    path = sorted((data / "incidents").rglob("*.yml"))[0]
    os.utime(path)  # written just now
    same_cold_and_cached(data, cache)
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    swapped = text.replace("date: 20", "date: 30", 1)
    assert swapped != text and len(swapped) == len(text)
    path.write_text(swapped, encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert printed(data, cache) == printed(data, None)
    assert not printed(data, None)[1]


def test_after_an_edit_the_cache_file_changes_in_that_file_s_entry_only(tmp_path: Path) -> None:
    """After one file changed, the cache file written holds the edited file's new result and
    every other file's entry as it was."""
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    age(data)
    cache = tmp_path / "cache"
    same_cold_and_cached(data, cache)
    (target,) = cache.glob("*.msgpack")
    before = msgspec.msgpack.decode(target.read_bytes(), type=CacheFile)
    path = sorted((data / "incidents").rglob("*.yml"))[0]
    _edit(path, "title: ", "title: Edited ")
    assert printed(data, cache) == printed(data, None)
    after = msgspec.msgpack.decode(target.read_bytes(), type=CacheFile)
    assert after.files.keys() == before.files.keys()
    changed = [name for name in after.files if after.files[name] != before.files[name]]
    assert changed == [path.as_posix()]


def test_a_change_of_configuration_is_not_served_from_the_cache(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    age(data)
    cache = tmp_path / "cache"
    before = same_cold_and_cached(data, cache)
    (tmp_path / "briefing.yml").write_text("years: [2021, 2030]\n", encoding="utf-8")
    after = printed(data, cache)
    assert after == printed(data, None)
    assert after[0] != before


def _cache_file(cache: Path) -> Path:
    (found,) = cache.glob("*.msgpack")
    return found


@pytest.mark.parametrize("planted", ["garbage", "truncated", "foreign", "other-shape", "lying-header", "empty"])
def test_a_planted_or_broken_cache_file_is_ignored_and_replaced(planted: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    shutil.copytree(BROKEN / "missing-fields", data, dirs_exist_ok=True)
    age(data)
    cache = tmp_path / "cache"
    cold = printed(data, None)
    printed(data, cache)
    target = _cache_file(cache)
    good = target.read_bytes()
    decoded = msgspec.msgpack.decode(good, type=CacheFile)
    forged_files = {path: msgspec.structs.replace(entry, problems=(), records=(), count=0)
                    for path, entry in decoded.files.items()}
    content = {
        "garbage": b"\x93\x01\x02" + os.urandom(200),
        "truncated": good[: len(good) // 2],
        "foreign": msgspec.msgpack.encode(CacheFile("briefing-validate 0\nsomeone else's", forged_files)),
        "other-shape": msgspec.msgpack.encode({"header": decoded.header, "files": [1, 2, 3]}),
        "lying-header": msgspec.msgpack.encode({"header": 42, "files": {}}),
        "empty": b"",
    }[planted]
    target.write_bytes(content)
    assert printed(data, cache) == cold
    assert target.read_bytes() != content  # replaced by a good one
    assert printed(data, cache) == cold


def test_a_cache_file_that_is_a_link_or_a_fifo_is_not_read(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    shutil.copytree(BROKEN / "missing-fields", data, dirs_exist_ok=True)
    age(data)
    cache = tmp_path / "cache"
    cold = printed(data, None)
    printed(data, cache)
    target = _cache_file(cache)
    # A forged cache saying every file is fine, put elsewhere and linked in.
    decoded = msgspec.msgpack.decode(target.read_bytes(), type=CacheFile)
    forged = {path: msgspec.structs.replace(entry, problems=()) for path, entry in decoded.files.items()}
    elsewhere = tmp_path / "forged.msgpack"
    elsewhere.write_bytes(msgspec.msgpack.encode(CacheFile(decoded.header, forged)))
    target.unlink()
    target.symlink_to(elsewhere)
    assert printed(data, cache) == cold
    assert not target.is_symlink()  # replaced by a file of its own
    target.unlink()
    os.mkfifo(target)
    assert printed(data, cache) == cold  # not read (it would hang), replaced


def test_a_cache_folder_that_is_a_link_is_neither_read_nor_written(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / ".cache").symlink_to(elsewhere)
    cold = printed(data, None)
    assert printed(data, tmp_path / ".cache" / "briefing-validate") == cold
    link = tmp_path / "linked"
    link.symlink_to(elsewhere)
    assert printed(data, link) == cold
    assert list(elsewhere.iterdir()) == []


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd, capture_output=True, text=True,
                          check=False, env={**os.environ, "PYTHONPATH": str(REPO)})


def _untimed(text: str) -> str:
    """Output without the time its command took (the summary's last figure, which a cached run
    shortens: the one thing allowed to differ)."""
    return re.sub(r"; (\d+\.\d s|\d+ min \d+ s)$", "", text, flags=re.M)


def test_the_command_line_prints_the_same_cold_cached_and_after_an_edit(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    shutil.copytree(BROKEN / "unknown-references", data, dirs_exist_ok=True)
    (data / "expected.txt").unlink(missing_ok=True)
    age(data)
    colds = {fmt: _cli("validate", "--no-cache", "--format", fmt, "data", cwd=tmp_path)
             for fmt in ("text", "json", "github")}
    assert not (tmp_path / ".cache").exists()  # --no-cache writes nothing
    for fmt, cold in colds.items():
        assert cold.returncode == 1
        for _ in range(2):
            cached = _cli("validate", "--format", fmt, "data", cwd=tmp_path)
            assert ((cached.returncode, _untimed(cached.stdout), cached.stderr)
                    == (cold.returncode, _untimed(cold.stdout), cold.stderr))
    assert list((tmp_path / ".cache" / "briefing-validate").glob("*.msgpack"))
    # Fixed: the exit status follows.
    shutil.rmtree(data)
    shutil.copytree(BASE, data)
    cached = _cli("validate", "data", cwd=tmp_path)
    assert cached.returncode == 0
    assert _untimed(cached.stdout) == _untimed(_cli("validate", "--no-cache", "data", cwd=tmp_path).stdout)
    other = _cli("validate", "--validate-cache", "elsewhere", "data", cwd=tmp_path)
    assert _untimed(other.stdout) == _untimed(cached.stdout)
    assert list((tmp_path / "elsewhere").glob("*.msgpack"))



@pytest.mark.parametrize("cache", ["data/cache", "content", "content/x", "site/c"])
def test_validate_and_pdf_refuse_a_cache_in_the_data_content_or_site_folder(tmp_path: Path, cache: str) -> None:
    """A validation cache names every record, drafts too: inside content/ or site/ the next
    `make site` would publish it, inside data/ it would add files to the editors' folder."""
    shutil.copytree(BASE, tmp_path / "data")
    for args in (["validate", "data"], ["pdf", "--month", "2020-04", "-o", "a.pdf", "--data", "data"]):
        result = _cli(*args, "--validate-cache", cache, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert f"refusing --validate-cache {cache}: it is" in result.stderr
        assert "keep the cache elsewhere, such as .cache/briefing-validate" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # nothing written
    assert not list((tmp_path / "data").rglob("*.msgpack"))

def test_no_cache_leaves_no_cache_folder_behind(tmp_path: Path) -> None:
    shutil.copytree(BASE, tmp_path / "data")
    assert _cli("validate", "--no-cache", "data", cwd=tmp_path).returncode == 0
    assert _cli("validate", "--no-cache", "--validate-cache", "c", "data", cwd=tmp_path).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_a_forged_cache_with_the_right_header_cannot_break_the_run(tmp_path: Path) -> None:
    """Entries of the right header but of impossible content (an unknown kind of reference, a
    problem code that does not exist, references without their ids) are checked again."""
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    shutil.copytree(BROKEN / "unknown-references", data, dirs_exist_ok=True)
    (data / "expected.txt").unlink(missing_ok=True)
    age(data)
    cache = tmp_path / "cache"
    cold = printed(data, None)
    printed(data, cache)
    target = _cache_file(cache)
    decoded = msgspec.msgpack.decode(target.read_bytes(), type=CacheFile)
    for forgery in ("kind", "code", "ids", "wheres"):
        files = {}
        for path, entry in decoded.files.items():
            records = tuple(msgspec.structs.replace(
                r, targets=tuple("nowhere" for _ in r.targets) if forgery == "kind" else r.targets,
                ids=() if forgery == "ids" else r.ids, wheres=b"\xc1" if forgery == "wheres" else r.wheres)
                for r in entry.records)
            problems = tuple(msgspec.structs.replace(p, code="no-such-code") for p in entry.problems) \
                if forgery == "code" else entry.problems
            files[path] = msgspec.structs.replace(entry, records=records, problems=problems)
        target.write_bytes(msgspec.msgpack.encode(CacheFile(decoded.header, files)))
        got = printed(data, cache)
        if forgery == "wheres":  # positions from a forged cache may be wrong, never a crash
            assert got[1] == cold[1] and "[unknown-reference]" in "\n".join(got[0])
        else:
            assert got == cold, forgery


#: Problems planted in a synthetic set: of single files and across files, some that make every
#: row be checked (an unknown reference, a duplicate id), and some found by the checks over the
#: few actors and regions alone (`checks_across`): each set, with the codes it must report.
PLANTED = {
    "every-row": (("unknown-references", "missing-fields", "duplicate-id-across-files", "parent-cycles-regions",
                   "page-conflict", "yaml-syntax", "yaml-duplicate-key", "file-encoding",
                   "warning-person-only-field"),
                  {"unknown-reference", "duplicate-id", "missing-field", "page-conflict", "parent-cycle",
                   "yaml-syntax", "yaml-duplicate-key", "file-encoding", "person-only-field", "statement-text"}),
    "few-rows": (("parent-cycles-regions",), {"page-conflict", "parent-cycle", "duplicate-alias"}),
}


@pytest.mark.slow
@pytest.mark.parametrize("planted", sorted(PLANTED))
@pytest.mark.parametrize("workers", [1, 2])
def test_without_models_in_one_or_two_processes_the_report_is_the_same(workers: int, planted: str,
                                                                       tmp_path: Path) -> None:
    """`briefing validate` checks the files the cache lacks in worker processes when there are
    many; with no cache, one process or two, the report is the one `validate` gives the build."""
    data = synth(tmp_path)
    cases, codes = PLANTED[planted]
    for case in cases:
        shutil.copytree(BROKEN / case, data, dirs_exist_ok=True)
    (data / "expected.txt").unlink(missing_ok=True)
    if planted == "every-row":
        first = min((data / "incidents").rglob("*.yml"))
        shutil.copy(first, data / "incidents" / "copied.yml")  # its id, twice
    else:  # no reference to an unknown id, no id twice
        shutil.copy(BROKEN / "page-conflict" / "actors" / "index.yml", data / "actors")
        (data / "actors" / "cell.yml").write_text("id: cell\nname: A Cell\naliases: [G0]\nkind: armed-group\n",
                                                  encoding="utf-8")
    cold = printed(data, None)
    for cache in (None, tmp_path / "cache", tmp_path / "cache"):
        report = validate(data, cache=cache, models=False, workers=workers).report
        assert ([p.format_text() for p in report.shown()] + [report.summary()], report.ok) == cold
    assert not cold[1]
    assert {re.sub(r".*\[(.*)\]\Z", r"\1", line) for line in cold[0][:-1]} == codes


@pytest.mark.slow
def test_build_writes_the_same_pages_with_and_without_the_cache(tmp_path: Path) -> None:
    """`build --pages-only` through the cache (filled, then after an edit) writes the pages a
    `--no-cache` build writes, and leaves a cache that a later `validate` reads."""
    from test_build import make_project

    cached = make_project(tmp_path / "cached")
    cold = make_project(tmp_path / "cold")
    for project in (cached, cold):
        age(project.data)
    for step in range(2):
        if step:
            for project in (cached, cold):
                _edit(sorted((project.data / "incidents").rglob("*.yml"))[0], "title: ", "title: Edited ")
        assert cached.build("--pages-only").returncode == 0
        assert cold.build("--pages-only", "--no-cache").returncode == 0
        assert cached.generated() == cold.generated()
        assert cached.generated()
    assert list((cached.root / ".cache" / "briefing-validate").glob("*.msgpack"))
    assert not (cold.root / ".cache").exists()
    seen = _cli("validate", str(cached.data), cwd=cached.root)  # spelled as the build was given it: its cache
    assert seen.returncode == 0
    cold_said = _cli("validate", "--no-cache", str(cached.data), cwd=cached.root).stdout
    took = re.compile(r"; [0-9.]+ s$", re.M)  # the summary ends with the time the run took, which varies
    assert took.search(seen.stdout) and took.sub("", seen.stdout) == took.sub("", cold_said)


def test_only_the_latest_data_folders_caches_are_kept(tmp_path: Path) -> None:
    """Each data folder has its own cache file; beyond KEEP, the oldest are removed, and nothing
    else in the folder is touched."""
    from generator.vcache import KEEP

    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "notes.txt").write_text("mine", encoding="utf-8")
    for i in range(KEEP + 2):
        data = tmp_path / f"data{i}"
        shutil.copytree(BASE, data)
        printed(data, cache)
    assert len(list(cache.glob("*.msgpack"))) == KEEP
    assert (cache / "notes.txt").read_text(encoding="utf-8") == "mine"
    newest = tmp_path / f"data{KEEP + 1}"
    assert printed(newest, cache) == printed(newest, None)


_REAL_CHECK_CHUNK = validate_mod._check_chunk


def _dying_chunk(chunk: list[tuple[str, str | None]], *args: Any) -> bytes:
    """`_check_chunk`, except that the second chunk handed out kills its worker (module level:
    the pool sends it to the workers by name)."""
    log = Path(os.environ["BRIEFING_TEST_CHUNK_LOG"])
    with log.open("a") as out:
        out.write("x")
    if log.stat().st_size == 2:
        os._exit(9)
    return _REAL_CHECK_CHUNK(chunk, *args)


@pytest.mark.slow
def test_a_worker_that_dies_costs_time_not_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed in the middle of a run (the kernel's out-of-memory killer, say): the files
    it did not answer for are checked in the main process, and the report is a one-process run's,
    not an internal error."""
    data = synth(tmp_path)
    shutil.copytree(BROKEN / "unknown-references", data, dirs_exist_ok=True)
    (data / "expected.txt").unlink(missing_ok=True)
    cold = printed(data, None)
    calls = tmp_path / "calls"
    monkeypatch.setenv("BRIEFING_TEST_CHUNK_LOG", str(calls))
    monkeypatch.setattr(validate_mod, "_check_chunk", _dying_chunk)  # the forked workers inherit it
    report = validate(data, models=False, workers=2).report
    assert ([p.format_text() for p in report.shown()] + [report.summary()], report.ok) == cold
    assert calls.stat().st_size >= 2
