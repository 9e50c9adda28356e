"""`briefing build`'s pages made by two processes: the page families split between this process
and one worker forked from it once the data is validated.

The worker inherits the dataset (a fork copies nothing until it is written to), makes the pages
of its families (`worker_families`: views, rendering, and staging them in the writer's staging
folder, write.TreeWriter) and sends back, as plain data (msgpack through msgspec, never
unpickled), which paths it staged, which were new or unchanged, and what it added to the page
record (pagerecord.Changes). Meanwhile this process makes the other families and stages them
with the PDFs (made before the fork), then notes the worker's part and swaps the whole tree in.
The files are the same as from one process: each page is a function of the dataset and the
configuration alone.

A worker that fails in any way (killed, out of memory, an error) costs time, never output: its
families are made again here, over what it may have staged, so that an error a page raises is
raised here as it would be without the worker (with one difference: when families of both
processes fail, this process's error comes first, where one process meets the first failing
family in FAMILIES order). One process does everything for fewer than
`SPLIT_FROM` records (a fork costs more than it saves), without `fork`, on one CPU, and when
the environment sets `BRIEFING_JOBS=1`. docs/design.md says why two processes and how the
families are shared out; docs/performance.md has the figures.
"""

from __future__ import annotations

from pathlib import Path
from collections.abc import Mapping
from typing import Callable

import msgspec

from .children import JOBS as JOBS  # where the tests and callers find it
from .children import Forked, release_memory, two_processes_possible
from .pagerecord import Changes, PageRecord
from .progress import PAGES, Progress, quiet
from .views.common import Family
from .views.families import FAMILIES
from .write import Content, TreeWriter, WriteResult

#: The families the worker makes: about half of the work at 100,000 incidents (the timeline's
#: month pages alone are a third of it; "What's new" reads the data's history, the worker does).
WORKER_FAMILIES = frozenset({"timeline", "sources", "tags", "whatsnew", "corrections", "explorer"})
#: The worker's families in a build whose page record holds views (an edit, cache warm): the
#: views of most families are then taken from disk by their input keys, and the Data page's four
#: exports, made whole in every build, are the largest family left (about a third of the pages'
#: CPU at 10,000 incidents); the worker takes them too, or this process would do two thirds of
#: the work while the worker idles (docs/performance.md, "helper edit3, session 8").
WARM_WORKER_FAMILIES = WORKER_FAMILIES | {"data"}
#: With fewer records (incidents and statements) than this, one process makes every page.
SPLIT_FROM = 2000


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
    return two_processes_possible() and records >= SPLIT_FROM


def worker_families(record: PageRecord | None) -> frozenset[str]:
    """The names of the families the worker makes: `WARM_WORKER_FAMILIES` when the page `record`
    (started) holds views of a previous build, `WORKER_FAMILIES` otherwise. Either share gives
    the same files: each page is a function of the dataset and the configuration alone."""
    return WARM_WORKER_FAMILIES if record is not None and record.old_views else WORKER_FAMILIES


#: Makes the pages of some families (their views: site.site_pages), each to be rendered as it is
#: written (site.streamed_pages, through the page record), telling `Progress` as they are made.
Part = Callable[[tuple[Family, ...], Progress], dict[str, Content]]


def build_pages(content: Path, part: Part, pdfs: Callable[[], Mapping[str, Content]], *, records: int,
                progress: Progress, record: PageRecord | None) -> WriteResult:
    """Write every page of the site (each family's through `part`) and the PDFs (`pdfs`, called
    once this process's pages are written: its workers make them meanwhile, pdf.PendingPdfs)
    into `content`; in two processes when `split_wanted(records)`. The page `record` (started by
    the caller, saved by it once this returns) gets what either process added. The same files
    and result either way; an error (a page's, a PDF's) leaves `content` as it was."""
    writer = TreeWriter(content)
    if not split_wanted(records):
        rendered = part(FAMILIES, progress)
        writer.begin()
        try:
            writer.stage(rendered)
            del rendered
            _stage_pdfs(writer, pdfs)
        except BaseException:
            writer.discard()
            raise
        return writer.finish()
    names = worker_families(record)
    here = tuple(f for f in FAMILIES if f.name not in names)
    there = tuple(f for f in FAMILIES if f.name in names)
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
            writer.stage(mine)
            del mine
            _stage_pdfs(writer, pdfs)
            reply = worker.decoded() if worker is not None else None
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


def _stage_pdfs(writer: TreeWriter, pdfs: Callable[[], Mapping[str, Content]]) -> None:
    """Stage the PDFs, taken only now (made meanwhile by their own workers: pdf.PendingPdfs)."""
    made = pdfs()
    if made:
        writer.stage(made)


class _Worker(Forked):
    """The worker of `build_pages` (children.Forked), whose reply is decoded as a `_Reply`."""

    def decoded(self) -> _Reply | None:
        """The worker's reply, once it has ended; None when it failed in any way."""
        data = self.reply()
        if data is None:
            return None
        try:
            return msgspec.msgpack.decode(data, type=_Reply)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None
