"""`briefing build`'s pages made by two processes: the page families split between this process
and one worker forked from it once the data is validated.

The worker inherits the dataset (a fork copies nothing until it is written to), makes the pages
of its families (`WORKER_FAMILIES`: views, rendering, and staging them in the writer's staging
folder, write.TreeWriter) and sends back, as plain data (msgpack through msgspec, never
unpickled), which paths it staged, which were new or unchanged, and what it added to the page
record (pagerecord.Changes). Meanwhile this process makes the other families and stages them
with the PDFs (made before the fork), then notes the worker's part and swaps the whole tree in.
The files are the same as from one process: each page is a function of the dataset and the
configuration alone.

A worker that fails in any way (killed, out of memory, an error) costs time, never output: its
families are made again here, over what it may have staged, so that an error a page raises is
raised here as it would be without the worker. One process does everything for fewer than
`SPLIT_FROM` records (a fork costs more than it saves), without `fork`, on one CPU, and when
the environment sets `BRIEFING_JOBS=1`. docs/design.md says why two processes and how the
families are shared out; docs/performance.md has the figures.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path
from collections.abc import Mapping
from typing import Callable

import msgspec

from .children import die_with_parent, release_memory
from .pagerecord import Changes, PageRecord
from .progress import PAGES, Progress, quiet
from .views.common import Family
from .views.families import FAMILIES
from .write import Content, TreeWriter, WriteResult, write_tree

#: The families the worker makes: about half of the work at 100,000 incidents (the timeline's
#: month pages alone are a third of it; "What's new" reads the data's history, the worker does).
WORKER_FAMILIES = frozenset({"timeline", "sources", "tags", "whatsnew", "corrections", "explorer"})
#: With fewer records (incidents and statements) than this, one process makes every page.
SPLIT_FROM = 2000
#: The environment variable that, set to 1, keeps the build in one process.
JOBS = "BRIEFING_JOBS"


class _Reply(msgspec.Struct, array_like=True):
    """What the worker sends back: every path it staged, those written anew and those unchanged
    (write.TreeWriter), and its part of the page record (None: the build keeps none)."""

    paths: list[str]
    written: list[str]
    unchanged: list[str]
    record: Changes | None


def split_wanted(records: int) -> bool:
    """Whether a build of `records` records (incidents and statements) makes its pages in two
    processes (see the module's text)."""
    if os.environ.get(JOBS, "").strip() == "1":
        return False
    if not hasattr(os, "fork") or not sys.platform.startswith("linux"):
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return cpus >= 2 and records >= SPLIT_FROM


#: Makes the pages of some families (their views: site.site_pages), each to be rendered as it is
#: written (site.streamed_pages, through the page record), telling `Progress` as they are made.
Part = Callable[[tuple[Family, ...], Progress], dict[str, Content]]


def build_pages(content: Path, part: Part, pdfs: Mapping[str, Content], *, records: int,
                progress: Progress, record: PageRecord | None) -> WriteResult:
    """Write every page of the site (each family's through `part`) and the PDFs (made already)
    into `content`; in two processes when `split_wanted(records)`. The page `record` (started by
    the caller, saved by it once this returns) gets what either process added. The same files
    and result either way."""
    if not split_wanted(records):
        rendered = part(FAMILIES, progress)
        rendered.update(pdfs)
        return write_tree(content, rendered)
    here = tuple(f for f in FAMILIES if f.name not in WORKER_FAMILIES)
    there = tuple(f for f in FAMILIES if f.name in WORKER_FAMILIES)
    writer = TreeWriter(content)
    writer.begin()  # the staging folder both processes write into
    try:
        def work() -> bytes:
            pages = part(there, quiet)
            writer.stage(pages)
            return msgspec.msgpack.encode(_Reply(sorted(pages), writer.written, writer.unchanged,
                                                 record.changes() if record is not None else None))

        def told(step: str, done: int, total: int) -> None:
            if done < total:  # the end is told once the worker's pages are counted too
                progress(step, done, total)

        release_memory()  # the worker starts from what this process really holds (children.py)
        worker = _Worker.start(work)
        try:
            mine = part(here, told)
            mine.update(pdfs)
            writer.stage(mine)
            del mine
            reply = worker.reply() if worker is not None else None
        except BaseException:
            if worker is not None:
                worker.stop()
            raise
        if reply is None:  # no worker, or it failed: its families are made here (the same files)
            writer.stage(part(there, quiet), again=True)
        else:
            writer.note(reply.paths, reply.written, reply.unchanged)
            if record is not None and reply.record is not None:
                record.merge(reply.record)
        progress(PAGES, len(writer.paths), len(writer.paths))
    except BaseException:
        writer.discard()
        raise
    return writer.finish()


class _Worker:
    """A forked process running one job, whose result comes back through a pipe."""

    def __init__(self, pid: int, pipe: int) -> None:
        self.pid = pid
        self.pipe = pipe

    @classmethod
    def start(cls, job: Callable[[], bytes]) -> _Worker | None:
        """Fork a process that runs `job` and writes what it returns into a pipe; None when no
        process can be started (the caller then does the job itself)."""
        parent = os.getpid()
        try:
            read, write = os.pipe()
        except OSError:
            return None
        # A Ctrl-C during the fork would be raised in one of Python's at-fork hooks, which ignore
        # it: it is held until the child exists, then raised here (as validate.check_many does).
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
        except OSError:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            os.close(read)
            os.close(write)
            return None
        if pid == 0:  # the worker: never returns
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to answer
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
                die_with_parent(parent)  # a killed build leaves no worker writing behind it
                os.close(read)
                left = memoryview(job())
                while left:  # into the pipe (not a file): as much as it takes at a time
                    left = left[os.write(write, left):]
                os.close(write)
                code = 0
            finally:
                # Nothing of the parent's (atexit, buffers, its finally blocks) runs here, and an
                # error is not printed: the parent makes the same pages and raises it itself.
                os._exit(code)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(write)
        return cls(pid, read)

    def reply(self) -> _Reply | None:
        """The worker's reply, once it has ended; None when it failed in any way."""
        chunks = []
        with os.fdopen(self.pipe, "rb") as pipe:
            self.pipe = -1  # closed with the file object, whatever happens
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        _, status = os.waitpid(self.pid, 0)  # the pipe's end: the worker has written all or died
        self.pid = 0
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return None
        try:
            return msgspec.msgpack.decode(b"".join(chunks), type=_Reply)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None

    def stop(self) -> None:
        """End the worker at once (this process is stopping: an error or Ctrl-C)."""
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
        if self.pipe >= 0:
            os.close(self.pipe)
            self.pipe = -1
