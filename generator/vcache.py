"""The validation cache: what checking each data file found, kept under `.cache/briefing-validate/`
so that `briefing validate` reads, parses and checks again only the files that changed.

One cache file per data folder (its name is a hash of the folder's real path and of how it is
spelled, which every problem's path starts with). It holds, for each file, its size, modification
time (ns) and content hash, and what the checks of that file alone found: its problems, and of
each record what the checks across records need (id, names, references, parent, dates, position).
The checks across records (duplicate ids, unknown references, parent loops, shared names, page
conflicts, dates after sources) run again over every file's facts on every run: one file's
change can make or mend a problem in another.

Trust: a file's size and mtime equal to the cache's are the fast check; when they differ, its
bytes are hashed, and the same hash is still a hit. A file changed within two seconds of being
cached is checked by its hash next time (an edit in the same clock tick keeps its mtime). The
cache's header names the format, `briefing`'s version, a hash of the generator's own source files,
the data contract's version, pydantic's and PyYAML's versions, the configuration the checks used
and the data folder: any difference and the whole cache is ignored, then replaced.

Format: msgpack decoded by msgspec into the typed structures below, never pickle or eval: a cache
file is data a hostile pull request may have planted. A file that is missing, over the size cap,
a link, truncated, of another shape or another header is ignored (and replaced), never an error.
Written whole through `write.put_file` (a temporary file renamed over it). A cache folder that
is a symbolic link (or inside one named `.cache` that is) is neither read nor written.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from datetime import date
from pathlib import Path
from typing import Sequence, overload

import msgspec

from .load import Refused, read_regular, read_regular_stat
from .problems import Severity
from .write import CannotWrite, put_cache_file

#: The default folder, beside the PDF cache (`.cache/briefing-pdf`), relative to the working folder.
CACHE_DIR = Path(".cache/briefing-validate")
#: The version of the data contract (`data-format.md`) the checks implement.
CONTRACT_VERSION = "1.1"
#: The version of this file's layout.
FORMAT_VERSION = 1
#: A cache file larger than this is not read (ignored, then replaced).
MAX_CACHE_BYTES = 1 << 30
#: How many data folders' caches are kept (the most recently written).
KEEP = 8
_CACHE_NAME = re.compile(r"[0-9a-f]{24}\.msgpack")
#: A file modified this close to the run that cached it is checked by its hash next time.
RACY_NS = 2_000_000_000

Where = tuple[str | int, ...]


class CachedProblem(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """A problem found in one file, as `problems.Problem` holds it."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity


class CachedRecord(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """One record as written (what `link.Written` holds) and, when it is valid, its `link.Facts`."""

    line: int
    col: int
    index: int | None
    id: str | None
    labels: tuple[str, ...]
    targets: tuple[str, ...]  # each reference's kind,
    ids: tuple[str, ...]  # its id,
    wheres: bytes  # and where it is (msgpack, decoded by `Wheres` only when a reference is unknown)
    valid: bool = False
    valid_id: str = ""
    name: str | None = None
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    start: date | None = None
    published: date | None = None


class CachedFile(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """What checking one file found, and the stamp that says it is still the same file."""

    size: int
    mtime_ns: int
    digest: bytes
    kind: str | None
    count: int
    problems: tuple[CachedProblem, ...]
    records: tuple[CachedRecord, ...]


class CacheFile(msgspec.Struct, frozen=True, gc=False):
    """The whole cache of one data folder."""

    header: str
    files: dict[str, CachedFile]


_DECODER = msgspec.msgpack.Decoder(CacheFile)
_ENCODER = msgspec.msgpack.Encoder()
_WHERES = msgspec.msgpack.Decoder(tuple[Where, ...])


def encode_wheres(wheres: Sequence[Where]) -> bytes:
    """Where a record's references are written, as the cache keeps them."""
    return _ENCODER.encode(wheres)


class Wheres(Sequence[Where]):
    """Where a cached record's references are written, decoded on the first ask (most runs never
    ask: only an unknown reference needs its position). Decoding cost more than the rest of a
    cached record together, when done for every record."""

    __slots__ = ("_decoded", "_raw")

    def __init__(self, raw: bytes) -> None:
        self._raw = raw
        self._decoded: tuple[Where, ...] | None = None

    def _items(self) -> tuple[Where, ...]:
        if self._decoded is None:
            try:
                self._decoded = _WHERES.decode(self._raw)
            except (msgspec.DecodeError, msgspec.ValidationError):  # a forged cache: no position
                self._decoded = ()
        return self._decoded

    def __len__(self) -> int:
        return len(self._items())

    @overload
    def __getitem__(self, index: int) -> Where: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Where]: ...

    def __getitem__(self, index: int | slice) -> Where | Sequence[Where]:
        items = self._items()
        if isinstance(index, int) and not -len(items) <= index < len(items):
            return ()  # a forged cache with fewer positions than references: the record's start
        return items[index]


def digest(raw: bytes) -> bytes:
    """The content hash of a file's bytes (the proof that it did not change)."""
    return hashlib.blake2b(raw, digest_size=16).digest()


def source_hash() -> str:
    """A hash of the generator's own source files: a developer's edit invalidates every cache."""
    package = Path(__file__).parent
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def _versions() -> str:
    import importlib.metadata

    import pydantic
    import yaml

    try:
        mine = importlib.metadata.version("briefing")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that is not installed
        mine = "unknown"
    return f"briefing {mine}; pydantic {pydantic.VERSION}; pyyaml {yaml.__version__}; msgspec {msgspec.__version__}"


class ValidationCache:
    """The cache of one data folder, for one run: `lookup` before checking a file, `store` after,
    `save` at the end. Any failure to read it is a cold run; any failure to write it is ignored
    (noted in `failed`): the cache only ever costs or saves time, never changes a report."""

    def __init__(self, folder: Path, data_root: Path, shown_root: str, settings: str) -> None:
        self.folder = folder
        # Names as bytes: a folder's name need not be UTF-8 (it comes back as surrogate escapes).
        where = os.fsencode(os.path.realpath(data_root)) + b"\0" + os.fsencode(shown_root)
        name = hashlib.blake2b(where, digest_size=12).hexdigest()
        self.path = folder / f"{name}.msgpack"
        self.header = "\n".join((f"briefing-validate {FORMAT_VERSION}", _versions(), f"source {source_hash()}",
                                 f"contract {CONTRACT_VERSION}", f"settings {settings}",
                                 f"data {hashlib.blake2b(where).hexdigest()}"))
        self.started_ns = time.time_ns()
        self.old: dict[str, CachedFile] = {}
        self.new: dict[str, CachedFile] = {}
        self.changed = False
        self.hits = self.misses = 0
        self.failed: CannotWrite | None = None
        self._usable = not _linked(folder)

    def load(self) -> None:
        """Read the cache file, if there is a good one (otherwise start empty)."""
        if not self._usable:
            return
        try:
            raw = read_regular(self.path, limit=MAX_CACHE_BYTES)  # no link, no FIFO, capped
            cached = _DECODER.decode(raw)
        except (Refused, msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError, OverflowError):
            self.changed = True  # replace it
            return
        if cached.header != self.header:
            self.changed = True
            return
        self.old = cached.files

    def lookup(self, path: str, seen: tuple[int, int] | None = None) -> CachedFile | None:
        """The cached result of `path` if the file is unchanged (its size and mtime, else its hash,
        those the cache has), else None (a file the cache does not hold is not read here).
        `seen`: the file's size and mtime from an `lstat` made by the caller (`discover`), when
        it has them; the file is then stat'ed again only if they are not the cache's."""
        entry = self.old.get(path)
        if entry is None:
            return None
        if seen is not None and seen[0] == entry.size and seen[1] == entry.mtime_ns:
            self.new[path] = entry
            self.hits += 1
            return entry
        try:
            st = os.lstat(path)
        except OSError:
            return None
        if st.st_size == entry.size and st.st_mtime_ns == entry.mtime_ns:
            self.new[path] = entry
            self.hits += 1
            return entry
        try:
            raw = read_regular(path)
        except Refused:
            return None
        if len(raw) == entry.size and digest(raw) == entry.digest:
            self.new[path] = msgspec.structs.replace(entry, mtime_ns=stamp(st.st_mtime_ns, self.started_ns))
            self.changed = True
            self.hits += 1
            return entry
        return None

    def put(self, path: str, entry: CachedFile) -> None:
        """Keep what checking `path` found (`entry`, made by `make_entry`; one of size -1 is not
        kept: the file could not be read, or changed while it was)."""
        self.misses += 1
        if entry.size < 0:
            return
        try:
            _ENCODER.encode((path, entry))
        except (msgspec.EncodeError, UnicodeEncodeError):  # a name that is not UTF-8: checked every time
            return
        self.new[path] = entry
        self.changed = True

    def save(self) -> None:
        """Write the cache, when anything in it changed (a file checked again, added or gone)."""
        if not self._usable or self.failed is not None:
            return
        if not self.changed and self.new.keys() == self.old.keys():
            return
        try:
            data = _ENCODER.encode(CacheFile(self.header, self.new))
        except (msgspec.EncodeError, UnicodeEncodeError):  # a setting that is not UTF-8: no cache
            return
        # pruned beyond KEEP: each spelling of a folder, each test's temporary folder, has its own file
        self.failed = put_cache_file(self.path, data, _CACHE_NAME, KEEP)


def stamp(mtime_ns: int, started_ns: int) -> int:
    """The mtime to keep for a file read by a run started at `started_ns`: a file modified in the
    last moments may be modified again within the same clock tick and keep its mtime, so it is
    checked by its hash next time (-1 never matches)."""
    return -1 if mtime_ns >= started_ns - RACY_NS else mtime_ns


def read_stamped(path: str) -> tuple[os.stat_result, bytes] | None:
    """A file's stamp, then its bytes (a change after the stamp is a miss next time); None when
    it cannot be read (the checks read it again, and report why)."""
    try:
        return read_regular_stat(path)  # the stamp from the open file, before its bytes
    except (OSError, Refused):
        return None


def make_entry(read: tuple[os.stat_result, bytes] | None, started_ns: int, kind: str | None, count: int,
               problems: tuple[CachedProblem, ...], records: tuple[CachedRecord, ...],
               hashed: bool = True) -> CachedFile:
    """What the cache keeps of a file checked from `read` (`read_stamped`'s answer). Its size is
    -1 (never kept) when the file could not be read, changed while it was, or is not `hashed`."""
    if read is None or not hashed or read[0].st_size != len(read[1]):
        return CachedFile(-1, -1, b"", kind, count, problems, records)
    st, raw = read
    return CachedFile(st.st_size, stamp(st.st_mtime_ns, started_ns), digest(raw), kind, count, problems, records)


_ENTRIES = msgspec.msgpack.Decoder(list[CachedFile])


def encode_entries(entries: list[CachedFile]) -> bytes:
    """Entries as a worker process sends them back."""
    return _ENCODER.encode(entries)


def decode_entries(data: bytes) -> list[CachedFile]:
    """What `encode_entries` made."""
    return _ENTRIES.decode(data)


def _linked(folder: Path) -> bool:
    """Whether the cache folder, or the folder it is in (`.cache`), is a link: a planted link
    must not make briefing read or write elsewhere."""
    return folder.is_symlink() or folder.parent.is_symlink()
