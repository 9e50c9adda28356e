"""`briefing build` makes its pages in two processes when there are many records
(generator/split.py): a forked worker makes some page families, this process the others. The
files, the build's counts and the page record must be those of one process; a worker that dies
or fails may cost time, never change a byte; an error a page raises is raised as without the
worker. These tests lower the threshold so that small data is split too."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from generator import split
from generator.pagerecord import PageRecord
from generator.site import generate
from generator.validate import validate
from generator.views.common import Context, Family
from generator.views.families import FAMILIES
from generator.write import GENERATED, TreeWriter, WriteResult
from test_build import set_field, tree
from test_serve import synthetic


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic(tmp_path_factory.mktemp("synth") / "data", 120)


@pytest.fixture
def split_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split the build of small data too (the threshold is for speed only)."""
    monkeypatch.setattr(split, "SPLIT_FROM", 0)
    monkeypatch.delenv(split.JOBS, raising=False)


def _generated(content: Path) -> dict[str, bytes]:
    return {k: v for k, v in tree(content).items() if k.split("/")[0] in GENERATED or k == ".briefing-generated"}


def _build(data: Path, content: Path, record_dir: Path | None = None) -> tuple[WriteResult, int]:
    """Build the pages of `data` into `content` (with a page record in `record_dir`): what the
    writer says, and how many pages were taken from disk."""
    result = validate(data)
    assert result.report.ok and result.dataset is not None
    record = None if record_dir is None else PageRecord(record_dir, content)
    written = generate(result.dataset, result.config, content, data_dir=data, page_record=record)
    return written, record.hits if record is not None else 0


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The workers started from now on (their process ids)."""
    started: list[int] = []
    start = split._Worker.start

    def counting(job: Any) -> split._Worker | None:
        worker = start(job)
        if worker is not None:
            started.append(worker.pid)
        return worker

    monkeypatch.setattr(split._Worker, "start", staticmethod(counting))
    return started


def _copy(source: Path, root: Path) -> Path:
    shutil.copytree(source, root / "data")
    (root / "content").mkdir()
    return root / "data"


@pytest.mark.usefixtures("split_small")
@pytest.mark.parametrize("which", ["example", "synthetic"])
def test_two_processes_write_the_bytes_of_one(which: str, synth: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The same files, the same counts and the same page record, on a first build and on a
    second one after an edit (pages taken from disk through the record)."""
    source = REPO / "data" if which == "example" else synth
    seen: dict[str, list[object]] = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv(split.JOBS, jobs)
        started = _counted(monkeypatch)
        root = tmp_path / "project"  # one folder for both: the page record names the data's files
        shutil.rmtree(root, ignore_errors=True)
        data = _copy(source, root)
        content, records = root / "content", root / "record"
        first = _build(data, content, records)
        set_field(min(data.glob("incidents/**/*.yml")), "title", "A title edited between builds")
        second = _build(data, content, records)
        (record_file,) = records.iterdir()
        seen[jobs] = [first, _generated(content), second, record_file.read_bytes()]
        assert len(started) == (0 if jobs == "1" else 2)
        monkeypatch.undo()
        monkeypatch.setattr(split, "SPLIT_FROM", 0)
    one, two = seen["1"], seen["2"]
    assert one[1] == two[1]
    assert one[0] == two[0] and one[2] == two[2]  # written, unchanged, deleted; pages taken from disk
    assert two[2][1] > 0  # the second build took pages from disk
    assert one[3] == two[3]


@pytest.mark.usefixtures("split_small")
def test_a_worker_killed_midway_costs_time_not_bytes(tmp_path: Path, synth: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed after staging some of its pages (out of memory, say): this process makes its
    families again, over what it left, and the build is the one of one process."""
    monkeypatch.setenv(split.JOBS, "1")
    expected = _build(_copy(synth, tmp_path / "one"), tmp_path / "one" / "content")
    monkeypatch.delenv(split.JOBS)
    parent = os.getpid()
    stage = TreeWriter.stage
    calls: list[bool] = []

    def dying(self: TreeWriter, pages: Any, checked: bool = False, again: bool = False) -> None:
        if os.getpid() == parent:
            calls.append(again)
            stage(self, pages, checked, again)
            return
        stage(self, dict(list(pages.items())[: len(pages) // 2]), checked, again)
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(TreeWriter, "stage", dying)
    started = _counted(monkeypatch)
    got = _build(_copy(synth, tmp_path / "two"), tmp_path / "two" / "content")
    assert len(started) == 1
    assert calls == [False, True]  # this process's families, then the worker's again
    assert got == expected
    assert _generated(tmp_path / "two" / "content") == _generated(tmp_path / "one" / "content")
    assert not (tmp_path / "two" / "content" / ".briefing-staging").exists()


def _failing(name: str) -> tuple[Family, ...]:
    def pages(_ctx: Context) -> list[Any]:
        raise RuntimeError(f"a bug in the {name} pages")

    return tuple(Family(name, pages) if f.name == name else f for f in FAMILIES)


@pytest.mark.usefixtures("split_small")
@pytest.mark.parametrize("family", ["timeline", "actors"])  # made by the worker, made by this process
def test_an_error_in_a_page_is_raised_and_nothing_is_written(family: str, tmp_path: Path, synth: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A page family that fails (a bug) stops the build with its own error, in whichever process it
    was made; the pages of the previous build stay as they were and no worker is left behind."""
    data = _copy(synth, tmp_path)
    content = tmp_path / "content"
    _build(data, content)
    before = tree(content)
    monkeypatch.setattr(split, "FAMILIES", _failing(family))
    started = _counted(monkeypatch)
    with pytest.raises(RuntimeError, match=f"a bug in the {family} pages"):
        _build(data, content)
    assert tree(content) == before
    assert len(started) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(started[0], os.WNOHANG)  # already waited for: no process left running or unreaped


def test_one_process_when_asked_or_for_little_data(tmp_path: Path, synth: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """BRIEFING_JOBS=1 keeps the build in one process, and so does data under the threshold."""
    data = _copy(synth, tmp_path)
    started = _counted(monkeypatch)
    monkeypatch.delenv(split.JOBS, raising=False)
    _build(data, tmp_path / "content")  # 120 incidents: under split.SPLIT_FROM
    monkeypatch.setattr(split, "SPLIT_FROM", 0)
    monkeypatch.setenv(split.JOBS, "1")
    _build(data, tmp_path / "content")
    assert started == []
    monkeypatch.setenv(split.JOBS, "2")
    _build(data, tmp_path / "content")
    assert len(started) == 1


def test_every_family_is_made_once() -> None:
    """The worker's families are families of the site, and the two parts cover every family."""
    names = [f.name for f in FAMILIES]
    assert set(names) > split.WORKER_FAMILIES
    assert len(set(names)) == len(names)
