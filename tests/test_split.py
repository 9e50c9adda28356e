"""`briefing build` makes its pages in two processes when there are many records
(generator/split.py): a forked worker makes some page families, this process the others. The
files, the build's counts and the page record must be those of one process; a worker that dies
or fails may cost time, never change a byte; an error a page raises is raised as without the
worker. These tests lower the threshold so that small data is split too."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from generator import pdf, split
from generator.children import Forked
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
        shares: list[frozenset[str]] = []

        def chosen(record: PageRecord | None, shares: list[frozenset[str]] = shares,
                   choose: Any = split.worker_families) -> frozenset[str]:
            shares.append(choose(record))
            return shares[-1]

        monkeypatch.setattr(split, "worker_families", chosen)
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
        # the second build's worker also made the Data page: the share of a warm page record
        assert shares == ([] if jobs == "1" else [split.WORKER_FAMILIES, split.WARM_WORKER_FAMILIES])
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


# --- the PDFs of a build made while its pages are made (pdf.PendingPdfs) -------------------------------

#: A build of the pages and PDFs (generate) in a fresh Python: Typst never runs in the tests'
#: process, whose forks it would make unsafe (pdf._overlap_wanted). argv: data, content, PDF cache,
#: and how: "waits" (the PDFs made before the pages), "overlaps" (by workers not waited for, the
#: build's way), "fails" (overlapped, every PDF raises Typst's error), "interrupted" (overlapped,
#: Ctrl-C while this process makes its pages), "ahead" (overlapped, with a page record: after an
#: edit, even the input keys in the worker, pdf.PendingPdfs.planned), "ahead-killed" (that worker
#: killed). Prints what the build did, as JSON.
_BUILD = r"""
import json, os, sys
from pathlib import Path
from generator import children, pdf, split
from generator.site import generate
from generator.validate import validate
from generator.views.common import Family

data, content, cache, how = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
started = []

class Counted(children.Forked):
    @classmethod
    def start(cls, job):
        worker = super().start(job)
        started.append(worker is not None)
        return worker

pdf.Forked = Counted
planned = []
plan = pdf.PendingPdfs.planned.__func__

def counted_plan(cls, *args):
    planned.append(1)
    return plan(cls, *args)

pdf.PendingPdfs.planned = classmethod(counted_plan)
split.SPLIT_FROM = 0  # the base data's few records split too (unless BRIEFING_JOBS=1)
if how.startswith("waits"):
    pdf._overlap_wanted = lambda runs, workers: False
if how.endswith("fails"):
    def broken(document):
        raise RuntimeError("Typst could not lay out the briefing: a test's error")
    pdf.to_pdf = broken
if how == "interrupted":
    def stopped(ctx):
        raise KeyboardInterrupt
    split.FAMILIES = tuple(Family(f.name, stopped) if f.name == "actors" else f for f in split.FAMILIES)
record = None
if how.startswith("ahead"):
    from generator.pagerecord import PageRecord
    record = PageRecord(data.parent / "record", content)
if how.startswith("ahead-killed"):
    def killed(*args):
        os.kill(os.getpid(), 9)
    pdf._planned = killed
result = validate(data)
pdfs = pdf.PdfCache(cache)
fonts = []
try:
    written = generate(result.dataset, result.config, content, pdfs=True, pdf_cache=pdfs, missing_fonts=fonts,
                       data_dir=data, page_record=record)
    out = {"written": [written.written, written.unchanged, written.deleted], "hits": pdfs.hits,
           "misses": pdfs.misses, "fonts": [f.message("") for f in fonts]}
except BaseException as exc:
    out = {"error": [type(exc).__name__, str(exc)]}
try:
    os.waitpid(-1, os.WNOHANG)
    out["children left"] = True
except ChildProcessError:
    out["children left"] = False
out["pdf workers"] = len(started)
out["planned"] = len(planned)
print(json.dumps(out))
"""


def _pdf_build(root: Path, how: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-c", _BUILD, str(root / "data"), str(root / "content"),
                           str(root / "cache"), how], capture_output=True, text=True, cwd=REPO, check=False)
    assert proc.returncode == 0, proc.stderr
    found: dict[str, Any] = json.loads(proc.stdout.splitlines()[-1])
    assert found.pop("children left") is False  # every worker ended and waited for
    return found


def _overlaps(jobs: str = "") -> bool:
    """Whether this machine makes a build's PDFs beside its pages (a CPU to spare: pdf._overlap_wanted),
    with BRIEFING_JOBS set to `jobs` (1: one process at a time, no PDF worker)."""
    return (jobs != "1" and len(os.sched_getaffinity(0)) >= 2 and (os.cpu_count() or 1) >= 2
            and sys.platform.startswith("linux"))


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])  # the pages in one process, in two (split.py)
def test_pdfs_made_beside_the_pages_give_the_bytes_of_a_build_that_waits(
        jobs: str, tmp_path: Path, base_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDFs made by workers that the build does not wait for (none under BRIEFING_JOBS=1):
    the same files, counts, PDF cache and warnings as a build that makes them first, on a cold
    build and after an edit (with a PDF of the cache edited by hand meanwhile: it is made again,
    never published); after an edit with a page record, the input keys worked out by the worker
    too (and by this process when that worker is killed)."""
    monkeypatch.setattr(split, "SPLIT_FROM", 0)
    monkeypatch.setenv(split.JOBS, jobs)
    seen: dict[str, list[object]] = {}
    workers: dict[str, list[int]] = {}
    for how in ("waits", "overlaps", "ahead", "ahead-killed"):
        root = tmp_path / "project"  # one folder for both: the PDFs' input keys name the data's files
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(base_data, root / "data")
        (root / "content").mkdir()
        cold = _pdf_build(root, how)
        set_field(root / "data" / "incidents" / "2020" / "04" / "attack.yml", "title", "A title edited between builds")
        edited_by_hand = min((root / "cache").glob("*.pdf"))  # (by name: the same one in each run)
        edited_by_hand.write_bytes(edited_by_hand.read_bytes().replace(b"%%EOF", b"%%EOF\n% planted"))
        edited = _pdf_build(root, how)
        workers[how] = [cold.pop("pdf workers"), edited.pop("pdf workers")]
        assert [cold.pop("planned"), edited.pop("planned")] == ([0, 1] if how.startswith("ahead") and _overlaps(jobs)
                                                                else [0, 0])
        seen[how] = [cold, edited, _generated(root / "content"), sorted(p.name for p in (root / "cache").iterdir())]
        assert "pdf/2020-04.pdf" in edited["written"][0]  # the edited month's PDF made again
    assert seen["waits"] == seen["overlaps"] == seen["ahead"] == seen["ahead-killed"]
    assert workers["waits"] == [0, 0]
    if _overlaps(jobs):
        assert workers["overlaps"] == [1, 1]  # 4 PDFs, each time one run of briefings (pdf._chunks)
        assert workers["ahead"] == [1, 1]  # after the edit: the worker of `planned`, which makes them too


@pytest.mark.slow
@pytest.mark.parametrize("how", ["fails", "interrupted", "ahead-fails"])
def test_an_overlapped_pdf_error_or_ctrl_c_leaves_the_pages_as_they_were(how: str, tmp_path: Path,
                                                                          base_data: Path) -> None:
    """A PDF that Typst cannot lay out stops the build with the error a build that waits raises;
    Ctrl-C while the pages are made stops it too. Either way the content folder stays as the last
    build left it (no half-written site), and no worker is left running (`_pdf_build`)."""
    root = tmp_path / "project"
    shutil.copytree(base_data, root / "data")
    (root / "content").mkdir()
    _pdf_build(root, "ahead" if how.startswith("ahead") else "overlaps")
    before = tree(root / "content")
    shutil.rmtree(root / "cache")  # every PDF to be made again
    set_field(root / "data" / "incidents" / "2020" / "04" / "attack.yml", "title", "A title edited between builds")
    got = _pdf_build(root, how)
    if how.endswith("fails"):  # (ahead: the worker of `planned` fails, then this process as it would alone)
        assert got["error"] == ["RuntimeError", "Typst could not lay out the briefing: a test's error"]
        waited = tmp_path / "waited"
        shutil.copytree(root, waited)
        assert _pdf_build(waited, "waits-fails")["error"] == got["error"]
    else:
        assert got["error"] == ["KeyboardInterrupt", ""]
    if _overlaps():
        assert got["pdf workers"] == 1
    assert tree(root / "content") == before
    assert not (root / "content" / ".briefing-staging").exists()


def test_a_worker_forked_later_holds_no_earlier_workers_pipe() -> None:
    """A worker (children.Forked) closes the pipes of the workers forked before it: the page
    worker of split.py, forked after the PDF workers, holds none of their pipes, and each reply
    is its own job's."""
    first = Forked.start(lambda: b"first")
    assert first is not None
    pipe = first.pipe

    def second_job() -> bytes:
        try:
            os.fstat(pipe)
        except OSError:
            return b"closed"
        return b"open"

    second = Forked.start(second_job)
    assert second is not None
    assert (second.reply(), first.reply()) == (b"closed", b"first")
    assert Forked._open == set()


#: Installed as `sitecustomize` in the processes of a build: each fork is written down, and the
#: thresholds are lowered so that the example data's build would use every kind of worker.
_FORK_LOG = """
import os
_fork = os.fork

def fork():
    with open(os.environ["FORK_LOG"], "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()}\\n")
    return _fork()

os.fork = fork
from generator import split, validate
split.SPLIT_FROM = 0
validate.PARALLEL_FROM = 0
"""


@pytest.mark.slow
def test_one_process_asked_forks_no_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`BRIEFING_JOBS=1`: a whole build forks no worker beside it (validation, page families,
    MkDocs' pages) and makes the site a build with workers makes; the same build without it forks
    (so the count would see them). The PDF briefings are then not made beside the pages either,
    but by fresh workers one at a time while the build waits (Typst's memory given back after
    each run: pdf._made)."""
    from test_build import make_project

    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(_FORK_LOG, encoding="utf-8")
    sites, forks = {}, {}
    for jobs in ("2", "1"):
        project = make_project(tmp_path / f"jobs-{jobs}", REPO / "data")
        log = tmp_path / f"forks-{jobs}.log"
        env = {**os.environ, "PYTHONPATH": str(hooks), "FORK_LOG": str(log), "BRIEFING_JOBS": jobs,
               "BRIEFING_MKDOCS_SPLIT_FROM": "0", "SOURCE_DATE_EPOCH": "0"}
        done = project.build(env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        forks[jobs] = log.read_text(encoding="utf-8").split() if log.exists() else []
        sites[jobs] = {k: v for k, v in tree(project.site).items() if not k.endswith(".briefing-build.json")}
    assert forks["2"], "the build with workers forked none: the count sees nothing"
    assert forks["1"] == []
    assert sites["1"] == sites["2"]
    monkeypatch.setenv("BRIEFING_JOBS", "1")
    assert not pdf._fork_wanted(None)  # no PDF worker beside the pages


def test_a_machine_refusing_the_affinity_question_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    """`sched_getaffinity` raising OSError (a sandbox's seccomp filter): the number of CPUs comes
    from `os.cpu_count`, as the PDF workers had it before children.cpus_allowed, and one CPU is
    one process (hostile9)."""
    from generator import children

    def refused(_pid: int) -> set[int]:
        raise OSError(38, "Function not implemented")

    monkeypatch.delenv("BRIEFING_JOBS", raising=False)
    monkeypatch.setattr(children.os, "sched_getaffinity", refused, raising=False)
    monkeypatch.setattr(children.os, "cpu_count", lambda: 4)
    assert children.cpus_allowed() == 4
    monkeypatch.setattr(children.os, "cpu_count", lambda: None)
    assert children.cpus_allowed() == 1 and not children.two_processes_possible()
