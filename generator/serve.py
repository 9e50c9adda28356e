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
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Callable, ClassVar, TextIO

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from .config import CONFIG_NAME
from .errors import EXIT_USAGE, BriefingError, InvalidData
from .validate import validated
from .write import CannotWrite, WriteError

#: How long the data folder must stay still before it is read again: an editor's "save" is often
#: several events (a temporary file, a rename, a second write), and a `git checkout` is many.
QUIET_SECONDS = 0.3


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

    def run(self, reason: str = "") -> bool:
        """True when the pages now show the current data; False when they were left as they were."""
        say = self.say
        if not self.data.is_dir():  # moved or deleted while serving: an empty site is not "valid"
            say(f"{self.data}/ is not a folder any more: {self.content}/ was left as it was")
            return False
        try:
            from . import site as site_mod  # the views and Jinja2: only once serving

            try:
                result = validated(self.data)
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
            written = site_mod.generate(result.dataset, result.config, self.content, preview=self.preview,
                                        data_dir=self.data)
        except (WriteError, CannotWrite) as exc:  # content/ not ours to touch, or a full or read-only disk
            say(f"briefing: {exc}; {self.content}/ was left as it was")
            return False
        except Exception as exc:  # noqa: BLE001  # a bug must not stop the server: report and go on
            say(f"briefing: internal error while generating the pages: {type(exc).__name__}: {exc} "
                f"({self.content}/ was left as it was; this is a bug, please report it)")
            return False
        say(f"{reason}pages: {len(written.written)} written, {len(written.unchanged)} unchanged, "
            f"{len(written.deleted)} deleted in {self.content}/")
        return True


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
        return not record.getMessage().startswith("The following pages exist in the docs directory")


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
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import MkDocsException

    regenerator = Regenerator(data, content, preview, mkdocs_config, say)
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
        mkdocs_serve(config_file=str(mkdocs_config), livereload=True, dev_addr=f"{host}:{port}", strict=False)
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
