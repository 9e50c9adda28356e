"""The validation pipeline: find the files, load them, check each record against its model, link.

`validate(data_dir)` never raises for bad data and never writes anything: it returns the
`Dataset` of valid records and a `Report` of every problem found in every file.
"""

from __future__ import annotations

import gc
import os
import re
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import repeat
from dataclasses import dataclass
from pathlib import Path
from datetime import date
from typing import Any, Callable, Iterable, Sequence

from pydantic import ValidationError

from .bidi import text_warnings
from .children import cpus_allowed, die_with_parent, pool_options
from .config import SiteConfig, find_config, load_config
from .link import (Dataset, Facts, Loaded, Written, check_links, dates_after_sources, link, loops_and_names,
                   record_warnings)
from .load import SYMLINK_MESSAGE, LoadedFile, RawRecord, Refused, load_file, refuse_type
from .kinds import ALIASED, FOLDERS, HIERARCHIES, MODELS, OWN_PAGES
from .models import Compactor, cross_field_rules
from .pages import page_conflicts
from .explain import prefixed, problems_from_errors
from .problems import CODES, Problem, Report, problem
from .progress import READING, Progress, quiet
from .vcache import (CachedFile, CachedProblem, CachedRecord, ValidationCache, Wheres, decode_entries, digest,
                     encode_entries, encode_wheres, make_entry, read_stamped, stamp)

YAML_SUFFIXES = (".yml", ".yaml")
# Files that may sit in a data folder without being data (and without a warning).
_QUIET = re.compile(r"^(readme|license|licence|changelog)(\..*)?\Z|\.md\Z", re.IGNORECASE)



@dataclass
class Result:
    """What `validate` found: the valid records, every problem, and the configuration used."""

    dataset: Dataset
    report: Report
    config: SiteConfig


#: How `discover` opens each folder it lists: never through a link (a folder swapped for one after
#: it was listed is refused), and never kept open across `exec`.
_DIR_FLAGS = (os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
              | getattr(os, "O_CLOEXEC", 0))
#: Whether a folder can be listed and its files stat'ed through its descriptor (POSIX): each
#: `lstat` is then relative to the folder (`fstatat`), without walking the whole path again.
_BY_FD = os.scandir in os.supports_fd and os.stat in os.supports_dir_fd


def discover(root: Path, stamps: dict[str, tuple[int, int]] | None = None
             ) -> tuple[list[tuple[str, str | None]], list[Problem]]:
    """Every YAML file under `root`, sorted, with the kind its first folder names (None if none).

    Hidden files and folders are skipped; other non-YAML files get a `file-ignored` warning.
    Only regular files and real folders are taken: a symbolic link (to a file or a folder, whatever
    its name) is a `file-symlink` error and a FIFO, device or socket named `*.yml` a
    `file-not-regular` error, each at its own path and without following or opening it; a folder
    that cannot be listed is a `file-unreadable` error. Nothing goes missing without a word. A
    data folder that is itself a link is refused the same way, and not read at all.

    `stamps`, when given, gets each file's size and mtime (ns) from an `lstat` made while its folder
    is listed (relative to the folder's descriptor: the validation cache's fast check; a file that
    cannot be stat'ed has none, and is read).
    """
    found: list[tuple[str, str | None]] = []
    problems: list[Problem] = []
    base = root.as_posix()

    def visit(folder: str, rel_dir: str) -> None:
        fd = -1
        try:
            try:
                if _BY_FD:
                    fd = os.open(folder, _DIR_FLAGS)
                with os.scandir(fd if fd >= 0 else folder) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as exc:
                shown = f"{base}/{rel_dir}" if rel_dir else base
                problems.append(problem("file-unreadable", shown, 1, 1, "folder", reason=exc.strerror or exc))
                return
            folders = take(folder, rel_dir, fd, entries)
        finally:
            if fd >= 0:
                os.close(fd)
        # Each folder's descriptor is closed before its subfolders are listed: one open at a time.
        for path, rel in folders:
            visit(path, rel)

    def take(folder: str, rel_dir: str, fd: int, entries: list[os.DirEntry[Any]]) -> list[tuple[str, str]]:
        """Note the files of one folder listed (`fd` its descriptor, or -1); its subfolders."""
        top = rel_dir.split("/")[0] if rel_dir else None
        kind = top if top in MODELS else None
        folders = []
        add, stamp_of = found.append, (os.lstat if fd < 0 else None)
        prefix = f"{base}/{rel_dir}/" if rel_dir else f"{base}/"
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            shown = prefix + name
            if entry.is_file(follow_symlinks=False) and name.endswith(YAML_SUFFIXES):
                # the common case first (a regular file is neither a link nor a folder)
                add((shown, kind))
                if stamps is not None:
                    try:
                        st = os.stat(name, dir_fd=fd, follow_symlinks=False) if stamp_of is None else stamp_of(shown)
                    except OSError:  # gone meanwhile: read, and reported by the reader
                        continue
                    stamps[shown] = (st.st_size, st.st_mtime_ns)
                continue
            rel = f"{rel_dir}/{name}" if rel_dir else name
            # The entry's own type (from the listing, or lstat): a link is never followed here.
            if entry.is_symlink():
                problems.append(Problem.make("file-symlink", shown, 1, 1, SYMLINK_MESSAGE))
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append((f"{folder}/{name}", rel))
                continue
            if not name.endswith(YAML_SUFFIXES):
                if not _QUIET.search(name):
                    problems.append(problem("file-ignored", shown, 1, 1,
                                            "rename" if name.lower().endswith(YAML_SUFFIXES) else ""))
                continue
            # Not a regular file (those were taken above): a FIFO would hang the reader; a device, worse.
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                mode = 0
            try:
                refuse_type(mode)
            except Refused as exc:
                problems.append(exc.problem(shown))
                continue
            add((shown, kind))  # a regular file after all (replaced since it was listed): the reader decides
        return folders

    if os.path.islink(root):  # the data folder itself, committed as a link to anywhere
        problems.append(Problem.make("file-symlink", base, 1, 1, SYMLINK_MESSAGE))
    else:
        visit(os.fspath(root), "")
    found.sort()
    return found, problems


class FileMemo:
    """What checking each file found, with its models, kept in the memory of one process between
    runs (`briefing serve`): a file whose size and mtime (else whose content hash) are those of
    the last run is not read or checked again, and keeps its very model objects, which lets the
    views reuse what they made of them (views/common.py, `ViewMemo`). Never written to disk. A
    run under other settings (the configuration's event types and years) starts afresh."""

    def __init__(self) -> None:
        self._settings = ""
        # path -> (kind, size, mtime kept (vcache.stamp: -1 when it was too recent to trust), hash, result)
        self._files: dict[str, tuple[str | None, int, int, bytes, FileResult]] = {}
        self._next: dict[str, tuple[str | None, int, int, bytes, FileResult]] = {}
        self.hits = 0  # files of the last run not read again (for tests and the serve log)

    def start(self, settings: str) -> None:
        if settings != self._settings:
            self._settings, self._files = settings, {}
        self._next, self.hits = {}, 0

    def lookup(self, path: str, kind: str | None) -> FileResult | None:
        """The last result of `path` if the file is unchanged (as vcache's lookup decides)."""
        kept = self._files.get(path)
        if kept is None or kept[0] != kind:
            return None
        try:
            st = os.lstat(path)
        except OSError:
            return None
        if not (st.st_size == kept[1] and st.st_mtime_ns == kept[2]):
            read = read_stamped(path)
            if read is None or len(read[1]) != kept[1] or digest(read[1]) != kept[3]:
                return None
        self._next[path] = kept
        self.hits += 1
        return kept[4]

    def put(self, path: str, kind: str | None, read: tuple[os.stat_result, bytes] | None, started_ns: int,
            result: FileResult) -> None:
        """Keep `result`, checked from `read` (`read_stamped`'s answer; None or a file that changed
        while it was read: not kept)."""
        if read is not None and read[0].st_size == len(read[1]):
            self._next[path] = (kind, len(read[1]), stamp(read[0].st_mtime_ns, started_ns), digest(read[1]), result)

    def finish(self) -> None:
        """The files of this run become the memo (deleted files are forgotten)."""
        self._files, self._next = self._next, {}


def validate(data_dir: str | os.PathLike[str], config_path: str | os.PathLike[str] | None = None,
             progress: Progress = quiet, cache: Path | None = None, models: bool = True,
             workers: int | None = None, memo: FileMemo | None = None, compact: bool = False) -> Result:
    """Check every file under `data_dir` and link the valid records.

    The configuration is `config_path`, else `briefing.yml` beside the data folder, else defaults.
    `progress` is told how many of the files have been read (progress.READING).

    `cache`: the folder of the validation cache (vcache.py), read and written; None: neither.
    `models`: False when only the report is wanted (`briefing validate`): the Result's dataset is
    then empty, and a file the cache says is unchanged is not read at all. With models, every
    file is read and checked (the views need the records), and the cache is only refreshed.
    The report is the same either way, cached or not. Without models, `workers` processes check
    the files the cache does not hold (None, the default: two when there are PARALLEL_FROM or
    more and two CPUs to run them, see `default_workers`; 1: this process alone).

    `memo`: with models, an in-memory `FileMemo` kept by the caller between runs; files it holds
    unchanged are not read again (the report and the dataset are those of a run without it).

    `compact`: with models, each file's records made smaller as they are made (models.Compactor:
    equal values shared, the same values), for a build of a big dataset.
    """
    root = Path(data_dir)
    report = Report()
    cfg_file = Path(config_path) if config_path is not None else find_config(root)
    config, cfg_problems = load_config(cfg_file, display=str(config_path) if config_path else None)
    report.extend(cfg_problems)
    # The files' sizes and mtimes, taken while listing them, for the cache's fast check.
    stamps: dict[str, tuple[int, int]] | None = {} if cache is not None and not models else None
    files, problems = discover(root, stamps)
    report.extend(problems)
    report.files = len(files)
    context = {"event_types": config.all_event_types(), "years": config.years}
    store: ValidationCache | None = None
    if cache is not None:
        # What the checks of one file depend on besides its bytes: the configuration's event types
        # and years (the code, the contract and the libraries are in the cache's header too).
        settings = repr((sorted(config.all_event_types()), config.years))
        store = ValidationCache(cache, root, root.as_posix(), settings)
    loaded: list[Loaded[Any]] = []
    written: list[Written] = []
    facts: list[Facts] = []
    file_digests: dict[str, bytes] = {}  # path -> digest of the bytes its records were read from
    started_ns = time.time_ns()
    # Loading makes millions of long-lived objects and almost no reference cycles; the cyclic
    # garbage collector would scan them again and again (measured: 40% of the time on 11k files).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        if store is not None:
            store.load()
        progress(READING, 0, len(files))
        if models:
            if memo is not None:
                memo.start(repr((sorted(config.all_event_types()), config.years)))
            compactor = Compactor() if compact else None
            for done, (path, kind) in enumerate(files, 1):
                kept = memo.lookup(path, kind) if memo is not None else None
                if kept is not None:
                    result = kept
                    if store is not None:  # the same file: its cached entry, if any, is carried over
                        store.lookup(path)
                else:
                    # Read here always: its bytes' digest names the file's records in the page
                    # record of `briefing build` (Dataset.file_digests), and they are what is parsed.
                    read = read_stamped(path)
                    if read is not None:
                        file_digests[path] = digest(read[1])
                    result = check_file(path, kind, context, read[1] if read else None)
                    if store is not None:  # refreshed, for a later `briefing validate`
                        store.put(path, make_entry(read, started_ns, kind, result.count, *to_cache(result)))
                    if memo is not None:
                        memo.put(path, kind, read, started_ns, result)
                progress(READING, done, len(files))
                report.extend(result.problems)
                report.records += result.count
                written.extend(result.written)
                if compactor is not None and kept is None:  # each file's, while the next reuse what they free
                    compactor(item.record for item in result.valid)
                loaded.extend(result.valid)
                facts.extend(result.facts)
            dataset, link_problems = link(loaded, written, facts)
            dataset.set_digests(file_digests)
            # an id whose page another page needs: page_conflicts
            across = link_problems + dates_after_sources(facts) + list(page_conflicts(facts))
            if memo is not None:
                memo.finish()
        else:
            # Each file's result comes from the cache or is checked now, in worker processes when
            # there are many, as compact entries of the cache's own form; every file's result then
            # goes through `checks_across`, so that a cached run and a cold one cannot differ.
            entries: list[CachedFile | None] = [None] * len(files)
            todo: list[int] = []
            lookup, seen = (store.lookup, stamps.get) if store is not None and stamps is not None else (None, None)
            for i, (path, kind) in enumerate(files):
                entry = lookup(path, seen(path)) if lookup is not None and seen is not None else None
                if entry is not None and sane(entry, kind):
                    entries[i] = entry
                else:
                    todo.append(i)
            progress(READING, len(files) - len(todo), len(files))
            checked = check_many([files[i] for i in todo], context, started_ns, store is not None, workers,
                                 lambda n: progress(READING, len(files) - len(todo) + n, len(files)))
            for i, entry in zip(todo, checked, strict=True):
                entries[i] = entry
                if store is not None:
                    store.put(files[i][0], entry)
            report.records += sum(entry.count for entry in entries if entry is not None)
            progress(READING, len(files), len(files))
            dataset, across = Dataset(), checks_across(files, entries, report.problems)
    finally:
        if was_enabled:
            gc.enable()
    report.extend(across)
    if store is not None:
        store.save()
    return Result(dataset, report, config)


@dataclass
class FileResult:
    """One file's checked records: what linking needs of each, the valid ones, its problems."""

    path: str
    kind: str | None
    count: int
    written: list[Written]
    valid: list[Loaded[Any]]
    problems: list[Problem]
    facts: list[Facts]  # of the valid records, in their order


def check_file(path: str, kind: str | None, context: dict[str, Any], raw_bytes: bytes | None = None,
               keep_models: bool = True) -> FileResult:
    """Load one file (or `raw_bytes`, its bytes already read) and validate each of its records
    against the model of `kind`. Without `keep_models`, the result's `valid` is empty (their
    `facts` are there), and is meant for `to_cache` at once (its records keep their values)."""
    loaded: LoadedFile = load_file(path, raw_bytes)
    problems = list(loaded.problems)
    valid: list[Loaded[Any]] = []
    facts: list[Facts] = []
    count = len(loaded.records)
    if kind is None:
        if loaded.records or not problems:
            problems.append(problem("file-outside-kinds", path, 1, 1, folders=", ".join(f"{k}/" for k in FOLDERS)))
        return FileResult(path, kind, count, [], valid, problems, facts)
    model = MODELS[kind]
    # What model_validate calls, without its frame and its seven keywords (once per record).
    check = model.__pydantic_validator__.validate_python
    for raw in loaded.records:
        if raw.aliased:  # its YAML alias is reported; what it would expand to is not checked
            continue
        try:
            record = check(raw.data, context=context)
        except ValidationError as exc:
            errors = exc.errors()
            if raw.tainted:  # what a refused tag wrapped is reported once, as the tag
                refused = raw.refused_paths()
                errors = [e for e in errors if not any(tuple(e["loc"])[: len(r)] == r for r in refused)]
            problems.extend(problems_from_errors(errors, raw, path, model))
            # pydantic skips the rules across fields when a field failed: apply them here too
            for where, code, message in cross_field_rules(kind, raw.data):
                problems.append(Problem.make(code, path, *raw.locate(where), prefixed(where, message)))
            continue
        item = Loaded(kind, record, raw, path)
        problems.extend(record_warnings(item))
        facts.append(Facts.of(item))
        if keep_models:
            valid.append(item)
    for raw in loaded.records:
        if not raw.aliased:
            problems.extend(text_warnings(raw, path))
    written = [Written.of(kind, path, raw) for raw in loaded.records]
    if keep_models:
        for raw in loaded.records:
            # What later stages need is in the models and in `written`; letting the values and the
            # text go keeps memory near the size of the models (positions re-read the file if
            # asked). Without models the result goes into the cache's form at once, and all of it.
            raw.data = None
            raw.text = None
    return FileResult(path, kind, count, written, valid, problems, facts)


def to_cache(result: FileResult) -> tuple[tuple[CachedProblem, ...], tuple[CachedRecord, ...]]:
    """What the cache keeps of one file's result: its problems, and each record as written with
    the facts of the valid ones (no model: `briefing validate` needs none)."""
    problems = tuple(CachedProblem(p.path, p.line, p.col, p.code, p.message, p.severity)
                     for p in result.problems) if result.problems else ()
    facts, written = result.facts, result.written
    # The facts are those of the valid records, in their order: as many as the records, they are
    # each record's own, one by one (the usual case, without a table of them).
    by_raw = None if len(facts) == len(written) else {id(f.raw): f for f in facts}
    records = []
    for i, w in enumerate(written):
        raw = w.raw
        f = facts[i] if by_raw is None else by_raw.get(id(raw))
        if f is None:
            records.append(CachedRecord(raw.line, raw.col, raw.index, w.id, w.labels, w.targets, w.ids,
                                        encode_wheres(w.wheres)))
        else:
            records.append(CachedRecord(raw.line, raw.col, raw.index, w.id, w.labels, w.targets, w.ids,
                                        encode_wheres(w.wheres), True, f.id, f.name, f.aliases, f.parent, f.start,
                                        f.published))
    return problems, tuple(records)


_KINDS = frozenset(FOLDERS)


def sane(entry: CachedFile, kind: str | None) -> bool:
    """Whether a cached entry is one this code could have written for a file of `kind`: a cache
    is data from disk, and a forged entry must not make a later stage fail (the file is then
    checked again)."""
    if entry.kind != kind or (entry.problems and any(p.code not in CODES for p in entry.problems)):
        return False
    for r in entry.records:  # noqa: SIM110  # a loop, not all(): this runs for every file of a cached run
        if len(r.targets) != len(r.ids) or not _KINDS.issuperset(r.targets):
            return False
    return True


def from_cache(path: str, kind: str | None, entry: CachedFile, written: list[Written], facts: list[Facts],
               problems: list[Problem]) -> None:
    """Add a file's result in the cache's form (`sane`) to `written`, `facts` and `problems` (no
    models; positions re-read the file if asked)."""
    if entry.problems:  # most files have none
        problems.extend(Problem(p.path, p.line, p.col, p.code, p.message, p.severity) for p in entry.problems)
    if kind is not None:
        add_written, add_facts = written.append, facts.append  # once per file: this runs 110,000 times at 100k
        for r in entry.records:
            raw = RawRecord(None, r.line, r.col, r.index, None, path)
            add_written(Written(kind, path, raw, r.id, r.labels, r.targets, r.ids, Wheres(r.wheres)))
            if r.valid:
                add_facts(Facts(kind, r.valid_id, path, raw, r.name, r.aliases, r.parent, r.start, r.published))


#: The kinds whose facts the checks across records read beyond ids and references: parents,
#: names and own pages (the few actors and regions, not the many incidents).
_FEW = frozenset(HIERARCHIES) | frozenset(ALIASED) | frozenset(OWN_PAGES)


def checks_across(files: list[tuple[str, str | None]], entries: Sequence[CachedFile | None],
                  found: list[Problem]) -> list[Problem]:
    """The problems across records, from every file's entry in the cache's form (`sane`), as
    `link.check_links`, `dates_after_sources` and `page_conflicts` find them over every record's
    `Written` and `Facts` rows (`from_cache`); each file's own problems are added to `found`.

    Most data has none of these problems, and proving that needs no rows: one pass over the
    entries finds whether any id is written twice, any reference names an unknown id and any
    record is dated after the latest `published:` date, and keeps the facts of the few records
    of the kinds with parents, names or pages of their own (`_FEW`). When nothing is found, the
    checks of those few give the whole answer (the others report nothing, and each check reads
    only its own kinds); otherwise every row is made and every check runs."""
    ids: dict[str, set[str]] = {kind: set() for kind in FOLDERS}
    targets: list[str] = []
    referred: list[str] = []
    few: list[Facts] = []
    repeated = False
    latest: date | None = None  # the latest `published:`,
    last: date | None = None  # and the latest start of a dated record
    add_targets, add_referred = targets.extend, referred.extend
    for (path, kind), entry in zip(files, entries, strict=True):
        assert entry is not None  # every file has its entry by now
        if entry.problems:  # most files have none
            found.extend(Problem(p.path, p.line, p.col, p.code, p.message, p.severity) for p in entry.problems)
        if kind is None:
            continue
        seen, keep = ids[kind], kind in _FEW
        for r in entry.records:
            record_id = r.id
            if record_id is not None:
                if record_id in seen:
                    repeated = True
                else:
                    seen.add(record_id)
            if r.targets:
                add_targets(r.targets)
                add_referred(r.ids)
            if r.valid:
                published, start = r.published, r.start
                if published is not None and (latest is None or published > latest):
                    latest = published
                if start is not None and (last is None or start > last):
                    last = start
                if keep:
                    few.append(Facts(kind, r.valid_id, path, RawRecord(None, r.line, r.col, r.index, None, path),
                                     r.name, r.aliases, r.parent, r.start, r.published))
    unknown = any(value not in ids[target] for target, value in set(zip(targets, referred, strict=True)))
    if repeated or unknown or (latest is not None and last is not None and last > latest):
        written: list[Written] = []
        facts: list[Facts] = []
        for (path, kind), entry in zip(files, entries, strict=True):
            assert entry is not None
            from_cache(path, kind, entry, written, facts, [])
        return check_links(facts, written) + dates_after_sources(facts) + list(page_conflicts(facts))
    return loops_and_names(few) + list(page_conflicts(few))


#: Files per task sent to a worker.
_CHUNK = 250


def check_compact(path: str, kind: str | None, context: dict[str, Any], started_ns: int,
                  hashed: bool) -> CachedFile:
    """Check one file, and give its result in the cache's form (with its stamp and hash when
    `hashed`, for the cache to keep)."""
    read = read_stamped(path)
    result = check_file(path, kind, context, read[1] if read else None, keep_models=False)
    return make_entry(read, started_ns, kind, result.count, *to_cache(result), hashed=hashed)


def _check_chunk(chunk: list[tuple[str, str | None]], context: dict[str, Any], started_ns: int,
                 hashed: bool) -> bytes:
    """In a worker process: check files, and send their results back as compact bytes."""
    gc.disable()  # as in `validate`: long-lived objects, no cycles
    return encode_entries([check_compact(path, kind, context, started_ns, hashed) for path, kind in chunk])


def _worker_start(parent: int | None) -> None:
    """A worker's first act: die with the process that started it (children.pool_options), and
    leave Ctrl-C to that process, which stops the workers itself (a terminal sends SIGINT to the
    whole process group: each worker would otherwise print its own traceback)."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


#: Whether signals can be held back for a while (POSIX).
_MASKS = hasattr(signal, "pthread_sigmask")
#: With fewer files than this to check, one process is quicker than starting workers.
PARALLEL_FROM = 2000


def default_workers(files: int) -> int:
    """How many processes check `files` files by default: two when there are many and this process
    may use two CPUs or more (children.cpus_allowed: not under `BRIEFING_JOBS=1`), else one
    (docs/performance.md: the same report, measured in CPU and wall time both ways)."""
    if files < PARALLEL_FROM:
        return 1
    return 2 if cpus_allowed() >= 2 else 1


def check_many(items: list[tuple[str, str | None]], context: dict[str, Any], started_ns: int, hashed: bool,
               workers: int | None, told: Callable[[int], None]) -> list[CachedFile]:
    """`check_compact` for each (path, kind), in order; in `workers` processes when more than one
    (None: `default_workers`). `told` hears how many are done.

    An interruption (Ctrl-C) or an error stops the workers at once: the files not yet handed out
    are dropped rather than checked before the exception goes on (the command line then clears
    its progress line and says it was stopped)."""
    if workers is None:
        workers = default_workers(len(items))
    out: list[CachedFile] = []
    if workers <= 1 or len(items) < 2:
        for path, kind in items:
            out.append(check_compact(path, kind, context, started_ns, hashed))
            told(len(out))
        return out
    chunks = [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]
    parent = pool_options()["initargs"][0]
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_start, initargs=(parent,))
    try:
        # The workers are forked when the first chunk is handed out. A Ctrl-C that lands during a
        # fork is raised inside one of Python's at-fork hooks, which ignore it (the run would go on
        # to the end): it is held until the workers are started, then raised here.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if _MASKS else None
        try:
            results = pool.map(_check_chunk, chunks, repeat(context), repeat(started_ns), repeat(hashed))
        finally:
            if held is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
        for data in results:
            out.extend(decode_entries(data))
            told(len(out))
    except BrokenProcessPool:
        # A worker ended abruptly (killed: out of memory, most often). The files it had not
        # answered for are checked here instead: slower, the same report.
        pool.shutdown(wait=False, cancel_futures=True)
        for path, kind in items[len(out):]:
            out.append(check_compact(path, kind, context, started_ns, hashed))
            told(len(out))
        return out
    except BaseException:
        # Without this the pool's exit would wait for every chunk still queued (at 100k files, most
        # of the run) before Ctrl-C is answered. The chunks in hand (at most one per worker) end.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return out


def validated(data_dir: str | os.PathLike[str], config_path: str | os.PathLike[str] | None = None,
              extra: Iterable[Problem] = (), progress: Progress = quiet, cache: Path | None = None,
              memo: FileMemo | None = None, compact: bool = False) -> Result:
    """The one entry point of the commands that go on to write (`build`, `pdf`, `serve`): check
    the data as `validate` does, add `extra` problems found by the caller (such as links among
    the hand-written pages), and raise InvalidData, holding the whole report, when there is any
    error. The result returned may hold warnings, for the caller to show. `cache`: the validation
    cache's folder (refreshed, as `validate` says), None for none; `memo`, `compact`: see `validate`."""
    from .errors import InvalidData

    result = validate(data_dir, config_path, progress, cache=cache, memo=memo, compact=compact)
    result.report.extend(extra)
    if not result.report.ok:
        raise InvalidData(result.report)
    return result
