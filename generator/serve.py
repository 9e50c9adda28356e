"""`briefing serve`: the editors' live preview.

    data/ ─(watchdog)─▶ validate ─▶ generate ─▶ content/ ─(MkDocs' own watcher)─▶ rebuild ─▶ browser reloads

Two watchers, one process. Ours watches the data folder (and `briefing.yml` beside it): when a
file changes it waits for the editor to stop saving, validates the whole folder again and, when
the data is valid, writes the pages (generator/write.py writes only the pages whose text changed,
and nothing at all when none did). MkDocs' development server, run in this process, watches
content/ and rebuilds the site and reloads the browser when a page there changes. Invalid data is
reported and changes nothing, so the last good pages stay on screen until the data is fixed.
Ctrl-C (or SIGTERM) stops both watchers and the server, and MkDocs removes its temporary site.
"""

from __future__ import annotations

import errno
import gc
import logging
import os
import shutil
import signal
import threading
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Callable, ClassVar, TextIO
from urllib.parse import urlsplit

import jinja2
import jinja2.bccache
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from .config import CONFIG_NAME
from .errors import EXIT_USAGE, BriefingError, InvalidData
from .partial import BuildState, Stamp, changed_docs, file_stamp, racy_hashes, run_build, snapshot, watched_stamps
from .partial import changed_generated as changed_generated  # where tests and older callers find it
from .validate import FileMemo, validated
from .write import CannotWrite, WriteError, temporary_folder

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from .site import RenderCache

#: How long the data folder must stay still before it is read again: an editor's "save" is often
#: several events (a temporary file, a rename, a second write: within milliseconds of each other),
#: and a `git checkout` is many. Events that come during a run cause one more run after it, and
#: the validation memo reads a file changed within two seconds of its reading again by hash, so a
#: short wait costs at worst one more (fast) run.
QUIET_SECONDS = 0.05

#: How long MkDocs' server waits, once told to rebuild, for more changes before it builds (its
#: `build_delay`, 0.1 s in MkDocs 1.6). Our wake (`_Wake`) comes once the pages are all written;
#: the events of one poll of MkDocs' own watcher come within milliseconds of each other, and one
#: that comes after the build started asks for one more build, which is nothing when nothing else
#: changed (SiteBuilder). So the wait is only long enough to take in one burst of events.
BUILD_DELAY = 0.02

#: How often a serving Regenerator ends a run with a full garbage collection (see Regenerator.run).
FULL_COLLECTION_EVERY = 20


#: Where serving reports: one line for the person at the terminal at a time. The CLI shows it
#: (on standard error, as MkDocs logs, so the two interleave; control characters escaped).
Say = Callable[[str], None]


def _silent(message: str) -> None:
    """Say nothing (a Regenerator used without a terminal, as in tests)."""


class PortInUse(BriefingError):
    """The address to serve on is taken (exit 2: choose another --port)."""

    exit_code: ClassVar[int] = EXIT_USAGE
    prefix = "briefing serve"


class ServeFailed(BriefingError):
    """MkDocs could not build the site it serves (exit 1)."""

    prefix = "mkdocs could not build the site"


@dataclass
class Regenerator:
    """Validate the data and, when it is valid, write the pages: one run of `briefing build
    --pages-only`, safe to call again and again from the watcher's thread."""

    data: Path
    content: Path
    preview: bool = False
    mkdocs_config: Path | None = None  # its folders are checked for links too (see site.hand_written_problems)
    say: Say = _silent  # where it reports what it did or why it did not
    render_cache: RenderCache | None = None  # the pages rendered last time (made at the first run)
    # What the last run checked and made of each file, kept between runs: an edit reads, checks
    # and views again only what changed (in memory only).
    memo: FileMemo = field(default_factory=FileMemo)
    # Called after a run that wrote or deleted pages (serve: MkDocs rebuilds at once, `_Wake`).
    changed: Callable[[], None] = lambda: None
    # Held while the pages are made and written (serve: MkDocs starts no rebuild meanwhile, `_Wake`).
    holding: Callable[[], AbstractContextManager[object]] = nullcontext

    runs: int = 0  # runs so far (every FULL_COLLECTION_EVERY-th one ends with a full collection)

    def run(self, reason: str = "") -> bool:
        """True when the pages now show the current data; False when they were left as they were.

        Python's cyclic garbage collector is paused for the run and, after it, the objects the run
        kept (the memos' models, views and pages: millions at 10k incidents) are frozen out of its
        reach (`gc.freeze`): otherwise each run's full collections walked all of them again, about
        1–2 s of CPU per edit at 10k incidents (a third of a regeneration), in this thread and in
        MkDocs' rebuild after it. What the run made and dropped is still collected: right after the
        run, a collection of the youngest generation (every object made during the run is in it,
        since nothing was collected meanwhile); a kept object dropped later is freed by reference
        counting, and every FULL_COLLECTION_EVERY runs a full collection of everything bounds what
        reference counting cannot free (cycles among kept objects; the memos make none)."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run(reason)
        finally:
            self.runs += 1
            if self.runs % FULL_COLLECTION_EVERY == 0:
                gc.unfreeze()
                gc.collect()
            else:
                gc.collect(0)
            gc.freeze()
            if was_enabled:
                gc.enable()

    def _run(self, reason: str) -> bool:
        say = self.say
        if not self.data.is_dir():  # moved or deleted while serving: an empty site is not "valid"
            say(f"{self.data}/ is not a folder any more: {self.content}/ was left as it was")
            return False
        try:
            from . import site as site_mod  # the views and Jinja2: only once serving

            try:
                result = validated(self.data, memo=self.memo)
            except InvalidData as exc:
                for line in exc.lines(f"the data has errors: {self.content}/ was left as it was"
                                      + (" (still serving the last good pages)" if reason else "")):
                    say(line)
                return False
            for problem in result.report.shown():  # warnings
                say(problem.format_text())
            blocked = site_mod.hand_written_problems(self.content, self.mkdocs_config)
            if blocked:  # MkDocs would serve what a link there points to
                for problem in blocked:
                    say(problem.format_text())
                say(f"links or special files among the hand-written pages: {self.content}/ was left as it was")
                return False
            if self.render_cache is None:
                self.render_cache = site_mod.RenderCache()
            with self.holding():
                written = site_mod.generate(result.dataset, result.config, self.content, preview=self.preview,
                                            data_dir=self.data, render_cache=self.render_cache)
        except (WriteError, CannotWrite) as exc:  # content/ not ours to touch, or a full or read-only disk
            say(f"briefing: {exc}; {self.content}/ was left as it was")
            return False
        except Exception as exc:  # noqa: BLE001  # a bug must not stop the server: report and go on
            say(f"briefing: internal error while generating the pages: {type(exc).__name__}: {exc} "
                f"({self.content}/ was left as it was; this is a bug, please report it)")
            return False
        say(f"{reason}pages: {len(written.written)} written, {len(written.unchanged)} unchanged, "
            f"{len(written.deleted)} deleted in {self.content}/")
        if written.written or written.deleted:
            self.changed()
        return True


class _Wake:
    """Tells MkDocs' development server that pages changed, as its own watcher would, but at once:
    its watcher polls the docs folder every half second (MkDocs 1.6's `LiveReloadServer`, whose
    `watch` callback this does). When the server has not those attributes (another MkDocs), it
    does nothing and the polling notices the change as before. The polling still sees the pages
    written, and asks for one more rebuild, which finds nothing changed and does nothing (SiteBuilder).

    `holding` keeps the server from starting a rebuild while the pages are written: its watcher
    notices the first folder the writer swaps in and would otherwise snapshot the docs folder
    half swapped (under load, a whole rebuild of 25 s followed, the snapshot lacking a folder).
    The server's watcher and its build loop wait for the lock; a rebuild already running goes on."""

    def __init__(self) -> None:
        self.server: object = None

    def holding(self) -> AbstractContextManager[object]:
        """The lock of the server's rebuild condition (none before the server exists)."""
        cond = getattr(self.server, "_rebuild_cond", None)
        return cond if isinstance(cond, threading.Condition) else nullcontext()

    def __call__(self) -> None:
        server = self.server
        cond = getattr(server, "_rebuild_cond", None)
        if cond is None or not hasattr(server, "_want_rebuild"):
            return
        with cond:
            server._want_rebuild = True  # MkDocs' own flag for its watcher
            cond.notify_all()


class _Debouncer:
    """Runs `action` in its own thread once events have stopped for `quiet` seconds; events that
    arrive while it runs cause one more run afterwards (never two runs at once)."""

    def __init__(self, action: Callable[[], object], quiet: float = QUIET_SECONDS) -> None:
        self._action = action
        self._quiet = quiet
        self._cond = threading.Condition()
        self._pending = False
        self._last = 0.0
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="briefing-regenerate", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def poke(self) -> None:
        with self._cond:
            self._pending = True
            self._last = time.monotonic()  # timing only; never reaches the output
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending or self._stopping)
                while not self._stopping:
                    remaining = self._last + self._quiet - time.monotonic()
                    if remaining <= 0:
                        break
                    self._cond.wait(remaining)
                if self._stopping:
                    return
                self._pending = False
            self._action()


class _DataEvents(FileSystemEventHandler):
    """Passes on events about data files (hidden files such as editors' swap files excluded) and
    about the site configuration beside the data folder."""

    def __init__(self, data: Path, config: Path, notify: Callable[[], None]) -> None:
        self._data = data
        self._config = config
        self._notify = notify

    def relevant(self, path: str) -> bool:
        """Whether a change at `path` can change what `validate` reads."""
        target = Path(os.path.abspath(path))
        if target == self._config:
            return True
        try:
            rel = target.relative_to(self._data)
        except ValueError:
            return False
        return not any(part.startswith(".") for part in rel.parts)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return  # reading a file changes nothing
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        if any(p and self.relevant(os.fsdecode(p)) for p in paths):
            self._notify()


class DataWatcher:
    """Watches a data folder and its `briefing.yml`; calls `regenerate` after each settled change."""

    def __init__(self, data: Path, regenerate: Callable[[], object]) -> None:
        self.data = Path(os.path.abspath(data))
        self.config = self.data.parent / CONFIG_NAME
        self._debouncer = _Debouncer(regenerate)
        self._observer: BaseObserver | None = None

    def start(self) -> None:
        self._debouncer.start()
        handler = _DataEvents(self.data, self.config, self._debouncer.poke)
        try:
            self._observer = self._watch(Observer(), handler)
        except OSError:
            # No system notifications to be had (an exhausted inotify limit, some network and
            # container file systems): poll, as MkDocs' own watcher always does.
            self._observer = self._watch(PollingObserver(timeout=0.5), handler)

    def _watch(self, observer: BaseObserver, handler: FileSystemEventHandler) -> BaseObserver:
        observer.schedule(handler, str(self.data), recursive=True)
        # The configuration may be created or deleted, so its folder is watched (not recursively).
        observer.schedule(handler, str(self.data.parent), recursive=False)
        try:
            observer.start()
        except BaseException:
            observer.stop()
            raise
        return observer

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=10)
        self._debouncer.stop()


def _log_mkdocs(stream: TextIO) -> None:
    """MkDocs' messages ("Serving on ...", "Reloading browsers", build warnings), as `mkdocs serve`
    prints them, when MkDocs runs inside this process: to `stream`, which the CLI gives."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_briefing", False) for h in logger.handlers):
        handler = logging.StreamHandler(stream)
        handler.setFormatter(_MkDocsFormat())
        handler.addFilter(_QuietNav())
        handler._briefing = True  # type: ignore[attr-defined]  # our mark on a stdlib handler, read by getattr above
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


class _QuietNav(logging.Filter):
    """Drops MkDocs' list of pages that are not in the navigation: by design every month, actor
    and region page is reached from an index instead, and the list would fill the terminal at each
    rebuild (`briefing build` runs MkDocs with --quiet for the same reason)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # And MkDocs' warning at each partial build that its navigation may be wrong: SiteBuilder
        # renders the pages of the navigation at every build, so it is not.
        return not record.getMessage().startswith(("The following pages exist in the docs directory",
                                                    "A 'dirty' build is being performed"))


class _MkDocsFormat(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname:<8}-  {super().format(record)}"


def _sigterm_as_interrupt(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001  # a signal handler's signature
    raise KeyboardInterrupt


def serve(data: Path, content: Path, mkdocs_config: Path, *, say: Say, log: TextIO, host: str = "127.0.0.1",
          port: int = 8000, preview: bool = False) -> bool:
    """Generate the pages, then serve the site with live reload until Ctrl-C. What it does goes
    to `say`, MkDocs' own log to `log`. False when the first pages could not be written (`say`
    was told why); PortInUse or ServeFailed when the server could not run."""
    from mkdocs.exceptions import MkDocsException

    wake = _Wake()
    regenerator = Regenerator(data, content, preview, mkdocs_config, say, changed=wake, holding=wake.holding)
    if preview:
        say("preview: draft and review records are included, each under a banner; do not publish this build")
    if not regenerator.run():
        return False
    watcher = DataWatcher(data, lambda: regenerator.run(reason="data changed: "))
    watcher.start()
    say(f"watching {data}/ for changes")
    _log_mkdocs(log)
    previous = signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    try:
        # MkDocs catches Ctrl-C inside its loop, stops its server and deletes its temporary site.
        # Not --strict here: a failed rebuild would leave the browser waiting for a page that never
        # comes; MkDocs' warnings are printed instead, and `briefing build` stays the strict gate.
        _serve_site(mkdocs_config, f"{host}:{port}", wake)
    except KeyboardInterrupt:
        pass  # Ctrl-C before the server was up (during the first build): stopping is what was asked
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(f"{host}:{port} is already in use; choose another with --port") from None
        raise
    except (MkDocsException, SystemExit) as exc:  # mkdocs' Abort ("Aborted with 1 warnings in strict mode")
        raise ServeFailed(str(exc)) from None
    finally:
        watcher.stop()
        signal.signal(signal.SIGTERM, previous)
    say("stopped")
    return True


def _serve_site(config_file: Path, dev_addr: str, wake: _Wake | None = None) -> None:
    """`mkdocs serve --livereload` (mkdocs.commands.serve.serve of MkDocs 1.6, which it follows
    line by line), with `SiteBuilder` as the builder: a rebuild after an edit of generated pages
    renders only those pages (see SiteBuilder). Serves until Ctrl-C; the temporary site is deleted."""
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer, _serve_url

    site_dir = str(temporary_folder("mkdocs_"))  # as MkDocs names it

    def get_config() -> MkDocsConfig:
        return load_config(config_file=str(config_file), site_dir=site_dir, dev_addr=dev_addr, strict=False)

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    config.site_url = serve_url = _serve_url(host, port, mount_path)
    builder = SiteBuilder(get_config, serve_url)
    server = LiveReloadServer(builder=builder, host=host, port=port, root=site_dir, mount_path=mount_path)
    server.build_delay = BUILD_DELAY
    if wake is not None:
        wake.server = server

    def error_handler(code: int) -> bytes | None:
        if code in (404, 500):
            error_page = Path(site_dir) / f"{code}.html"
            if error_page.is_file():
                return error_page.read_bytes()
        return None

    server.error_handler = error_handler
    try:
        builder(config)
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve()  # type: ignore[no-untyped-call]  # MkDocs leaves it untyped
        except KeyboardInterrupt:
            logging.getLogger("mkdocs").info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        if os.path.isdir(site_dir):
            shutil.rmtree(site_dir)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's bytecode cache in memory: the compiled code of each template, by Jinja's key (the
    template's name and file) and the checksum of its source (Jinja compares it)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._code.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


class SiteBuilder:
    """MkDocs' builder for `briefing serve`. The first build, and any rebuild after a page was
    added or removed, a hand-written page or mkdocs.yml changed, is whole (MkDocs' own). A rebuild
    after the generator rewrote some of its pages is MkDocs' "dirty" build, told exactly which
    pages to render again: those whose file changed. The others keep the HTML of the previous
    build, which their unchanged Markdown gave, and what other pages show of them (the title and
    front matter of a page of the navigation, which every page's navigation prints) is what the
    previous build read, kept here. The search index, which MkDocs' search plugin writes from the
    pages it rendered in this build only, is completed with the previous build's entries of the
    pages not rendered again, in the site's page order; their anchors and links to anchors are
    put back too, so that MkDocs checks links as in a whole build. The logic is generator/partial.py's,
    shared with `briefing build`; here the state of the last build is kept in memory. A partial
    build writes the same files as a whole one (tests/test_serve.py compares them)."""

    def __init__(self, get_config: Callable[[], MkDocsConfig], serve_url: str | None) -> None:
        self._get_config = get_config
        self._serve_url = serve_url
        self._last: BuildState | None = None  # what the last good build read and showed
        self._last_config: Stamp | None = None
        self._last_watched: list[tuple[str, Any]] | None = None  # the theme's and `watch:` files then
        self._last_day = ""  # the build date of the last good build (MkDocs' get_build_date)
        self.last_kind = ""  # "whole", "partial" or "none" (nothing to build): the last build (for tests)
        self._compiled = _CompiledTemplates()  # the theme's templates, compiled once per process

    def _theme_env(self, config: MkDocsConfig) -> None:
        """Each build's Jinja environment of the theme (MkDocs makes a new one per build, whose
        templates are compiled again: about 0.3 s of CPU per rebuild) takes its templates'
        compiled code from `_CompiledTemplates`, by name, file and the hash of the source (Jinja's
        bytecode cache: a template whose source changed is compiled again). What a template
        renders does not change: the code is what compiling the same source gave."""
        theme = config.theme
        make = theme.get_env
        compiled = self._compiled

        def get_env() -> jinja2.Environment:
            env = make()
            env.bytecode_cache = compiled
            return env

        theme.get_env = get_env  # type: ignore[method-assign]  # per build's own Theme object

    def __call__(self, config: MkDocsConfig | None = None) -> None:
        from mkdocs.utils import get_build_date

        logging.getLogger("mkdocs").info("Building documentation...")
        if config is None:
            config = self._get_config()
            if self._serve_url is not None:
                config.site_url = self._serve_url
        self._theme_env(config)
        docs = Path(config.docs_dir)
        started = time.time_ns()
        now = snapshot(docs)
        config_stamp = file_stamp(Path(config.config_file_path)) if config.config_file_path else None
        previous, self._last = self._last, None  # until this build succeeds: a failed one leaves the site half built
        # A changed configuration, theme folder or watched path (what the user asked MkDocs to
        # watch: a style sheet, a template) may change every page: a whole build.
        watched = watched_stamps(config)
        same = config_stamp == self._last_config and watched == self._last_watched
        changed = changed_docs(previous, now, docs) if same else None
        day = get_build_date()  # what the sitemap stamps every page with (SOURCE_DATE_EPOCH or today)
        if changed == set() and day == self._last_day:
            # Nothing MkDocs reads changed since the last good build, on the same day: the site is
            # what this build would write. This is the rebuild MkDocs' own watcher asks for after
            # each regeneration, when its poll sees the pages the generator wrote (already built
            # at once, `_Wake`): about 0.4 s of CPU at 10k incidents, in which a page asked for
            # waits, and one more edit would wait for it.
            self._last = previous
            self.last_kind = "none"
            logging.getLogger("mkdocs").debug("Nothing changed since the last build")
            return
        if changed is None:  # a whole build (mkdocs.yml may have changed the theme): compiled afresh
            self._compiled.clear()
        state = run_build(config, previous, changed, BuildState(now, racy_hashes(docs, now, started)),
                          serve_url=self._serve_url)
        self.last_kind = "whole" if changed is None else "partial"
        self._last, self._last_config, self._last_day, self._last_watched = state, config_stamp, day, watched
