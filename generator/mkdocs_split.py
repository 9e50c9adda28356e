"""MkDocs' pages rendered by two processes in a whole `briefing build` of a big site (issue 11).

At 100,000 incidents MkDocs' own build is about 38 s of CPU in one process, and 33 s of it is
per-page work (Markdown, the sanitizer, the hooks, the privacy and search plugins, the theme's
templates: docs/design.md). `SplitBuild` shares that work with one worker forked from the MkDocs
process (`python -m generator.partial`) once the navigation is made:

1. Each process reads and converts its own pages (`_populate_page`: Markdown → HTML, the hooks'
   `on_page_markdown` and `on_page_content`), the worker those `share_out` gives it, chosen by
   their Markdown's size (the timeline's month pages weigh most).
2. At `on_env` the worker sends the title, front matter, anchors and links to anchors of its
   pages; this process sends back the titles and front matter of its own: each process then holds
   the whole navigation every page prints, as one process does.
3. Each renders its pages' templates and writes them; the worker then sends the search index
   entries Material's plugin made of its pages and ends. This process puts every page's entries
   in the site's page order, checks every link to an anchor (its own pages' and the worker's,
   MkDocs' `validate_anchor_links`), and ends the build (sitemap, search index, the hooks).

Log records are held in both processes while the pages are made, then given to MkDocs' handlers
in the order one process would have logged them (by page): the same messages in the same order,
and each warning counts toward `--strict` as in one process. A worker that fails in any way (an
error, killed, out of memory) costs time, never output: this process converts and renders its
pages itself, over any file the worker wrote, and raises what they raise as one process would.
The worker dies with this process (children.die_with_parent) and writes nothing but its pages.

Only `briefing build`'s whole builds split (never a partial one, never `briefing serve`), and
only a site with at least SPLIT_FROM bytes of Markdown, on Linux with two CPUs or more, under
MkDocs 1.6 (MKDOCS_SERIES: the functions it replaces are MkDocs' internals), unless
the environment sets BRIEFING_JOBS=1. docs/design.md says why; docs/performance.md has figures.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import struct
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Callable

import msgspec
from markupsafe import Markup
from mkdocs.plugins import BasePlugin, event_priority

from .children import JOBS as JOBS  # where the tests find it
from .children import die_with_parent, release_memory, two_processes_possible

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

#: A site with less Markdown than this (bytes) is built by one process: the worker's start and the
#: exchange cost more than they save. The example data has 0.2 MB; 10,000 incidents about 28 MB.
SPLIT_FROM = 8_000_000
#: The MkDocs series whose build functions `SplitBuild.patched` replaces (their names and
#: signatures are MkDocs' internals, not its API): under another version the build stays whole in
#: one process (requirements.lock pins 1.6.1; pyproject allows any 1.x from 1.6).
MKDOCS_SERIES = "1.6."
#: The environment variable that sets another threshold (bytes; the tests split a small site).
SPLIT_FROM_VAR = "BRIEFING_MKDOCS_SPLIT_FROM"
#: The worker's share of the pages' Markdown: this process also copies the static files, renders
#: the sitemap, checks the anchors and writes the search index.
WORKER_SHARE = 0.53

#: What the split notes in the build's log (the tests read it).
SPLIT_NOTE = "Pages rendered by two processes"

log = logging.getLogger("mkdocs.briefing")


# --- titles and front matter as plain data ---------------------------------------------------------


def encode_value(value: Any) -> Any:
    """A title or front-matter value as JSON: a string as it is, `Markup` as {"m": text}, a list
    as {"l": [...]}, a mapping as {"d": [[key, value], ...]}; ValueError for anything else."""
    if value is None or isinstance(value, (bool, int)) or (isinstance(value, float) and value == value
                                                           and value not in (float("inf"), float("-inf"))):
        return value
    if isinstance(value, Markup):
        return {"m": str(value)}
    if type(value) is str:
        return value
    if type(value) is list:
        return {"l": [encode_value(item) for item in value]}
    if type(value) is dict:
        return {"d": [[encode_value(key), encode_value(item)] for key, item in value.items()]}
    raise ValueError(f"cannot record a {type(value).__name__}")


def decode_value(value: Any) -> Any:
    """The value `encode_value` encoded; ValueError for anything it cannot have written."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict) and len(value) == 1:
        (tag, inner), = value.items()
        # Escaped text, as the hooks make every title (html.escape with quotes): a record that
        # holds markup there is no record of ours.
        if tag == "m" and isinstance(inner, str) and not any(c in inner for c in "<>\"'"):
            return Markup(inner)  # noqa: S704  # escaped when it was recorded (checked just now)
        if tag == "l" and isinstance(inner, list):
            return [decode_value(item) for item in inner]
        if tag == "d" and isinstance(inner, list):
            pairs = [(decode_value(pair[0]), decode_value(pair[1])) for pair in inner
                     if isinstance(pair, list) and len(pair) == 2]
            if len(pairs) != len(inner) or any(isinstance(key, (list, dict)) for key, _ in pairs):
                raise ValueError("a mapping of another form")
            return dict(pairs)
    raise ValueError("a value of another form")


# --- what the processes send each other (msgpack through msgspec: plain data, never unpickled) ----


class _Log(msgspec.Struct, array_like=True):
    """A log record of the worker, as MkDocs' handlers print and count it."""

    index: int  # the page it was logged for (the order one process logs in)
    name: str
    level: int
    levelname: str
    message: str
    exc_text: str | None


class _Read(msgspec.Struct, array_like=True):
    """What the worker read of one of its pages: title and front matter (encode_value), the
    anchors it has and its links to anchors (target's src_uri → anchor → link as written)."""

    index: int
    shown: Any
    anchors: list[str] | None
    links: dict[str, dict[str, str]] | None


class _Populated(msgspec.Struct, array_like=True):
    pages: list[_Read]
    logs: list[_Log]


class _Shown(msgspec.Struct, array_like=True):
    """This process's pages' titles and front matter, for the worker's navigation."""

    pages: list[tuple[int, Any]]


class _Built(msgspec.Struct, array_like=True):
    """The search entries of the worker's pages (by page), and its log records."""

    entries: list[tuple[int, list[dict[str, Any]]]]
    logs: list[_Log]


def _send(fd: int, data: bytes) -> None:
    """A message into a pipe: its length (8 bytes), then its bytes."""
    left = memoryview(struct.pack("<Q", len(data)) + data)
    while left:
        left = left[os.write(fd, left):]


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks: list[bytes] = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _receive(fd: int) -> bytes | None:
    """A message `_send` sent; None when the pipe ends first (the other process died)."""
    try:
        head = _read_exactly(fd, 8)
        if head is None:
            return None
        return _read_exactly(fd, struct.unpack("<Q", head)[0])
    except OSError:
        return None


# --- the split ----------------------------------------------------------------------------------------


def mkdocs_version() -> str:
    """The installed MkDocs' version ("" when it cannot be told)."""
    import mkdocs

    return str(getattr(mkdocs, "__version__", ""))


def split_wanted(markdown_bytes: int) -> bool:
    """Whether a whole build of pages holding `markdown_bytes` of Markdown is shared by two
    processes (see the module's text)."""
    if not mkdocs_version().startswith(MKDOCS_SERIES):
        return False  # the page functions replaced here are those of this series (see patched)
    threshold = SPLIT_FROM
    with contextlib.suppress(ValueError):
        threshold = int(os.environ.get(SPLIT_FROM_VAR, SPLIT_FROM))
    return two_processes_possible() and markdown_bytes >= threshold


def share_out(sizes: list[int], share: float = WORKER_SHARE) -> set[int]:
    """The pages (indices into `sizes`, their Markdown's size) the worker renders: the biggest
    first, each to the process with the smaller load for its share, so that the worker has about
    `share` of the bytes whatever the mix of big and small pages."""
    worker: set[int] = set()
    mine = theirs = 0.0
    for index in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        if theirs / share <= mine / (1 - share):
            worker.add(index)
            theirs += sizes[index]
        else:
            mine += sizes[index]
    return worker


def _size(file: File) -> int:
    try:
        return os.stat(file.abs_src_path).st_size if file.abs_src_path else len(file.content_bytes)
    except (OSError, TypeError, ValueError):
        return 0


class _Held(logging.Handler):
    """Holds the log records of the `mkdocs` logger, each with the page it was logged for."""

    def __init__(self, split: SplitBuild) -> None:
        super().__init__(logging.NOTSET)
        self.split = split

    def emit(self, record: logging.LogRecord) -> None:
        self.split.held.append((self.split.current, record))


class SplitBuild(BasePlugin):  # type: ignore[type-arg,no-untyped-call]  # MkDocs' BasePlugin: generic, untyped
    """Added to the plugins of a whole `briefing build` (partial.run_build); with `patched()`
    around MkDocs' build, it shares the pages with a worker when `split_wanted` (see the module's
    text). `record(page)`: what this process does with a page the worker rendered, where MkDocs
    would have called `on_page_context` (partial._PartialBuild records its state)."""

    def __init__(self, record: Callable[[Page], None]) -> None:
        super().__init__()
        self.record = record
        self.role: str | None = None  # None: one process; "parent", "worker"
        self.files: list[File] = []  # the documentation pages, in MkDocs' order
        self.index: dict[str, int] = {}  # src_uri -> place in `files`
        self.theirs: set[int] = set()  # the worker's pages
        self.populated: set[int] = set()  # pages converted in this process
        self.entries: dict[int, list[dict[str, Any]]] = {}  # search entries by page
        self.held: list[tuple[int, logging.LogRecord]] = []
        self.current = -1  # the page being made (log records are held with it)
        self.pid = 0
        self.read_end = self.write_end = -1  # the pipes (this process's ends)
        self.failed = False  # the worker failed: its pages are made here
        self._handlers: list[logging.Handler] | None = None  # the `mkdocs` logger's, while held
        self._building = False
        self._prefix = 0  # search entries before the first page (none in Material's plugin)
        self._real: dict[str, Any] = {}
        self._titles: dict[int, Any] = {}  # the titles MkDocs gave pages before they were read
        self._files: Files | None = None  # the build's files (MkDocs passes them to `_populate_page`)

    # -- around MkDocs' build ---------------------------------------------------------------------

    @contextlib.contextmanager
    def patched(self) -> Iterator[None]:
        """MkDocs' page functions replaced for the build (module globals its `build` looks up);
        the worker stopped and held log records given out however the build ends."""
        from mkdocs.commands import build as module

        names = ("_populate_page", "_build_page", "_build_theme_template", "_build_extra_template")
        self._real = {name: getattr(module, name) for name in names}
        module._populate_page = self._populate_page
        module._build_page = self._build_page
        module._build_theme_template = self._theme_template
        module._build_extra_template = self._extra_template
        try:
            yield
        finally:
            if self.role == "worker":  # the worker never goes back into the parent's code
                os._exit(1)
            for name, real in self._real.items():
                setattr(module, name, real)
            self._stop_worker()
            self._release(sorted(self.held, key=lambda held: held[0]))

    # -- the fork --------------------------------------------------------------------------------------

    @event_priority(-1000)  # after every other plugin's: the navigation is as the build keeps it
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:  # noqa: ARG002  # MkDocs' event signature
        from mkdocs.structure.files import InclusionLevel

        self._files = files
        self.files = list(files.documentation_pages(inclusion=InclusionLevel.is_included))
        sizes = [_size(file) for file in self.files]
        if len(self.files) < 2 or not split_wanted(sum(sizes)):
            return nav
        self.index = {file.src_uri: i for i, file in enumerate(self.files)}
        # The titles the navigation of mkdocs.yml gave (MkDocs sets them when it makes the page):
        # a page made again here after the worker failed starts from them, not from the worker's.
        self._titles = {i: file.page.__dict__["title"] for i, file in enumerate(self.files)
                        if file.page is not None and "title" in file.page.__dict__}
        self.theirs = share_out(sizes)
        release_memory()  # the worker starts from what this process really holds (children.py)
        parent = os.getpid()
        try:
            up_read, up_write = os.pipe()
            down_read, down_write = os.pipe()
        except OSError:
            return nav
        # A Ctrl-C during the fork is held until the child exists, then raised here (children.Forked).
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
        except OSError:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            for fd in (up_read, up_write, down_read, down_write):
                os.close(fd)
            return nav
        if pid == 0:
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to answer
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
                die_with_parent(parent)  # a killed build leaves no worker writing behind it
                os.close(up_read)
                os.close(down_write)
                self.role, self.write_end, self.read_end = "worker", up_write, down_read
                self._hold()
            except BaseException:  # noqa: BLE001  # the worker never goes back into the parent's code
                os._exit(1)
            return nav
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(up_write)
        os.close(down_read)
        self.role, self.pid, self.read_end, self.write_end = "parent", pid, up_read, down_write
        log.info(f"{SPLIT_NOTE}: {len(self.theirs)} of {len(self.files)} pages by a second one")
        self._hold()
        return nav

    def _mine(self, index: int) -> bool:
        return (index in self.theirs) == (self.role == "worker")

    # -- step 1: the pages read and converted ----------------------------------------------------

    def _populate_page(self, page: Page, config: MkDocsConfig, files: Files, dirty: bool = False) -> None:
        index = self.index.get(page.file.src_uri)
        if self.role is None or index is None:
            self._real["_populate_page"](page, config, files, dirty)
            return
        self.current = index
        if not self._mine(index):
            return
        if self.role == "worker":
            try:
                self._real["_populate_page"](page, config, files, dirty)
            except BaseException:  # noqa: BLE001  # the parent makes the worker's pages again, and raises this
                os._exit(1)
        else:
            error: Exception | None = None
            try:
                self._real["_populate_page"](page, config, files, dirty)
            except Exception as exc:  # noqa: BLE001  # raised again below, once the log is one process's
                error = exc
            if error is not None:
                # (outside the handler: an error of an earlier page, raised first, is not chained to this one)
                self._failed_at(index, config, files)
                raise error
        self.populated.add(index)

    def _failed_at(self, index: int, config: MkDocsConfig, files: Files) -> None:
        """A page of this process raised while it was converted: what one process does before it
        stops there. The worker is stopped and its pages before this one are converted here, in
        order (their warnings are said; one of them may raise first, as in one process)."""
        self._worker_failed()
        for earlier in sorted(self.theirs):
            if earlier > index:
                break
            try:
                self._redo_populate(earlier, config, files)
            except Exception:
                self._said_up_to(earlier)  # it raised first: one process stopped there
                raise
        self._said_up_to(index)

    def _said_up_to(self, index: int) -> None:
        """Forget what pages after `index` logged: one process stopped at that page (it raised)
        and never converted them."""
        self.held = [(page, record) for page, record in self.held if page <= index]

    # -- step 2: the exchange ------------------------------------------------------------------------

    @event_priority(100)  # before every other plugin's: they see every page as one process has them
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        if self.role == "worker":
            try:
                self._worker_exchange(files)
            except BaseException:  # noqa: BLE001  # the parent makes the worker's pages itself
                os._exit(1)
        elif self.role == "parent":
            self._parent_exchange(config, files)
        return env

    def _worker_exchange(self, files: Files) -> None:
        read = []
        for index in sorted(self.populated):
            page = self.files[index].page
            assert page is not None  # made by MkDocs before it is populated
            links = None
            if page.links_to_anchors is not None:
                links = {target.src_uri: dict(named) for target, named in page.links_to_anchors.items()}
            anchors = sorted(page.present_anchor_ids) if page.present_anchor_ids is not None else None
            read.append(_Read(index, encode_value([page.title, page.meta]), anchors, links))
        _send(self.write_end, msgspec.msgpack.encode(_Populated(read, self._logs())))
        data = _receive(self.read_end)
        if data is None:
            os._exit(1)
        for index, shown in msgspec.msgpack.decode(data, type=_Shown).pages:
            self._show(index, shown)
        # This process writes its pages only: the static files are the parent's to copy.
        setattr(files, "copy_static_files", lambda *_, **__: None)  # noqa: B010  # this process's Files only

    def _show(self, index: int, shown: Any) -> None:
        """Give a page made by the other process its title and front matter."""
        title, meta = decode_value(shown)
        if not isinstance(meta, dict):
            raise ValueError("front matter of another form")
        page = self.files[index].page
        assert page is not None  # made by MkDocs before it is populated
        page.title, page.meta = title, meta

    def _parent_exchange(self, config: MkDocsConfig, files: Files) -> None:
        data = _receive(self.read_end)
        populated = None
        if data is not None:
            try:
                populated = msgspec.msgpack.decode(data, type=_Populated)
                for read in populated.pages:
                    if read.index not in self.theirs:
                        raise ValueError("a page of this process")
                    self._show(read.index, read.shown)
                    page = self.files[read.index].page
                    assert page is not None  # made by MkDocs before it is populated
                    page.present_anchor_ids = set(read.anchors) if read.anchors is not None else None
                    page.links_to_anchors = None if read.links is None else {
                        files.src_uris[target]: named for target, named in read.links.items()}
                if {read.index for read in populated.pages} != self.theirs:
                    raise ValueError("pages missing")
                shown = [(index, encode_value([page.title, page.meta])) for index in sorted(self.populated)
                         if (page := self.files[index].page) is not None]
                _send(self.write_end, msgspec.msgpack.encode(_Shown(shown)))
            # (OverflowError: msgpack carries no integer past 64 bits, which front matter may hold)
            except (msgspec.DecodeError, msgspec.ValidationError, ValueError, KeyError, OSError, OverflowError):
                populated = None
        if populated is None:  # no worker any more: its pages are read here, in their place
            self._worker_failed()
            for index in sorted(self.theirs):
                try:
                    self._redo_populate(index, config, files)
                except Exception:
                    self._said_up_to(index)  # this process's pages after it: one process never read them
                    raise
        held = self.held + [(log.index, self._record(log)) for log in (populated.logs if populated else [])]
        self.held = []
        self._release(sorted(held, key=lambda item: item[0]))

    def _redo_populate(self, index: int, config: MkDocsConfig, files: Files | None) -> None:
        page = self.files[index].page
        assert page is not None  # made by MkDocs before it is populated
        page.__dict__.pop("title", None)  # the worker's, if it sent it: read again as MkDocs reads it
        if index in self._titles:
            page.title = self._titles[index]
        page.links_to_anchors = None
        self.current = index
        self._real["_populate_page"](page, config, files, False)
        self.populated.add(index)

    def _worker_failed(self) -> None:
        self.failed = True
        self._stop_worker()

    # -- step 3: the pages rendered ----------------------------------------------------------------------

    def _theme_template(self, *args: Any, **kwargs: Any) -> None:
        if self.role != "worker":
            self._real["_build_theme_template"](*args, **kwargs)

    def _extra_template(self, *args: Any, **kwargs: Any) -> None:
        if self.role != "worker":
            self._real["_build_extra_template"](*args, **kwargs)

    def _build_page(self, page: Page, config: MkDocsConfig, doc_files: Any, nav: Navigation, env: Any,
                    dirty: bool = False, excluded: bool = False) -> None:
        index = self.index.get(page.file.src_uri)
        if self.role is None or index is None:
            self._real["_build_page"](page, config, doc_files, nav, env, dirty, excluded)
            return
        entries = _search_entries(config)
        if not self._building:
            self._building = True
            self._prefix = len(entries) if entries is not None else 0
            if self.role == "parent":
                self._hold()
        self.current = index
        if self._mine(index):
            if self.role == "worker":
                try:
                    self._render(index, page, config, doc_files, nav, env, dirty, excluded)
                except BaseException:  # noqa: BLE001  # the parent renders the worker's pages again, and raises this
                    os._exit(1)
            else:
                self._render(index, page, config, doc_files, nav, env, dirty, excluded)
        if doc_files and page.file is doc_files[-1]:
            if self.role == "worker":
                self._worker_end()
            else:
                self._parent_end(config, doc_files, nav, env, dirty)

    def _render(self, index: int, page: Page, config: MkDocsConfig, doc_files: Any, nav: Navigation, env: Any,
                dirty: bool, excluded: bool) -> None:
        entries = _search_entries(config)
        before = len(entries) if entries is not None else 0
        self._real["_build_page"](page, config, doc_files, nav, env, dirty, excluded)
        if entries is not None:
            self.entries[index] = entries[before:]

    def _worker_end(self) -> None:
        try:
            built = _Built(sorted(self.entries.items()), self._logs())
            _send(self.write_end, msgspec.msgpack.encode(built))
            os.close(self.write_end)
        except BaseException:  # noqa: BLE001  # the parent renders the worker's pages itself
            os._exit(1)
        os._exit(0)

    def _parent_end(self, config: MkDocsConfig, doc_files: Any, nav: Navigation, env: Any, dirty: bool) -> None:
        built = None
        if not self.failed:
            data = _receive(self.read_end)
            ok = self._wait_worker()
            if data is not None and ok:
                try:
                    built = msgspec.msgpack.decode(data, type=_Built)
                    if {index for index, _ in built.entries} - self.theirs:
                        raise ValueError("a page of this process")
                except (msgspec.DecodeError, msgspec.ValidationError, ValueError):
                    built = None
            if built is None:
                self._worker_failed()
        held = self.held
        self.held = []
        if built is None:  # the worker's pages made here, over whatever it wrote of them
            for index in sorted(self.theirs):
                file = self.files[index]
                page = file.page
                assert page is not None  # made by MkDocs before it is populated
                if index not in self.populated:
                    self._redo_populate(index, config, self._files)
                self.current = index
                excluded = file.inclusion.is_excluded()  # type: ignore[no-untyped-call]  # MkDocs' InclusionLevel: untyped
                self._render(index, page, config, doc_files, nav, env, dirty, bool(excluded))
            held += self.held
            self.held = []
        else:
            self.entries.update((index, entries) for index, entries in built.entries)
            held += [(log.index, self._record(log)) for log in built.logs]
            for index in sorted(self.theirs):
                page = self.files[index].page
                if page is not None:
                    self.record(page)
        entries = _search_entries(config)
        if entries is not None:
            entries[self._prefix:] = [entry for index in range(len(self.files))
                                      for entry in self.entries.get(index, [])]
        self.role = None  # MkDocs calls nothing of ours after its last page; if it did: as one process
        self._release(sorted(held, key=lambda item: item[0]))

    # -- the worker's end ------------------------------------------------------------------------------

    def _wait_worker(self) -> bool:
        """Wait for the worker to end; whether it ended well."""
        if not self.pid:
            return False
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0

    def _stop_worker(self) -> None:
        if self.role == "worker":
            return
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = 0
        for fd in (self.read_end, self.write_end):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.read_end = self.write_end = -1

    # -- log records -------------------------------------------------------------------------------------

    def _hold(self) -> None:
        """From now on, the `mkdocs` logger's records are held (with their page), not handled."""
        if self._handlers is not None:
            return
        logger = logging.getLogger("mkdocs")
        self._handlers = list(logger.handlers)
        for handler in self._handlers:
            logger.removeHandler(handler)
        logger.addHandler(_Held(self))

    def _release(self, records: list[tuple[int, logging.LogRecord]]) -> None:
        """Stop holding: the `mkdocs` logger's handlers back, and `records` given to them as the
        logger would have (each handler's level; the logger does not propagate: MkDocs' CLI)."""
        if self._handlers is None:
            return
        logger = logging.getLogger("mkdocs")
        for handler in list(logger.handlers):
            if isinstance(handler, _Held):
                logger.removeHandler(handler)
        for handler in self._handlers:
            logger.addHandler(handler)
        self._handlers = None
        for _, record in records:
            for handler in logger.handlers:
                if record.levelno >= handler.level:
                    handler.handle(record)

    def _logs(self) -> list[_Log]:
        """The held records as data (the worker's, to be sent), and no more held."""
        formatter = logging.Formatter()
        out = []
        for index, record in self.held:
            exc_text = record.exc_text
            if exc_text is None and record.exc_info:
                exc_text = formatter.formatException(record.exc_info)
            out.append(_Log(index, record.name, record.levelno, record.levelname, record.getMessage(), exc_text))
        self.held = []
        return out

    @staticmethod
    def _record(sent: _Log) -> logging.LogRecord:
        return logging.makeLogRecord({"name": sent.name, "levelno": sent.level, "levelname": sent.levelname,
                                      "msg": sent.message, "args": None, "exc_text": sent.exc_text})


def _search_entries(config: MkDocsConfig) -> list[dict[str, Any]] | None:
    """The list Material's search plugin adds each page's entries to (None without the plugin)."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        entries = getattr(index, "entries", None)
        if isinstance(entries, list):
            return entries
    return None
