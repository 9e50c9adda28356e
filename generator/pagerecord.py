"""The page record of `briefing build`: what each generated page was rendered from last time (its
digest, `site._digest`) and a hash of the bytes it became, so that a new build process takes a page
whose view data did not change from the file it wrote last time instead of rendering it again.

A page is taken from disk only when its digest is the recorded one AND the generated file now on
disk (read as every input is: a regular file, no link, capped) hashes to the recorded output hash.
Anything else renders: a planted or stale record can cost a render, never give other bytes than a
cold build, unless the generated file itself was planted too (docs/design.md). Data only (msgpack
through msgspec), never unpickled; `--no-cache` neither reads nor writes it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
from pathlib import Path

import msgspec

from .load import Refused, read_regular
from .render import TEMPLATES
from .vcache import source_hash
from .write import CannotWrite, put_cache_file

#: The layout of the record file.
FORMAT = "briefing-pages 2"
#: The largest record file read (a record of 100,000 pages is a few MB).
MAX_RECORD_BYTES = 1 << 28
#: The largest generated page read back from disk; a larger one is rendered.
MAX_PAGE_BYTES = 1 << 28
#: How many content folders' records are kept (each spelling of a content folder has its own).
KEEP = 8
_RECORD_NAME = re.compile(r"[0-9a-f]{24}\.msgpack")


class _File(msgspec.Struct, array_like=True):
    header: str
    pages: dict[str, tuple[bytes, bytes]]  # path -> (digest of the page's data, hash of its bytes)
    # "family\0key" -> (input key of the view, the paths it made each with its page's digest):
    # ViewMemo.kept
    views: dict[str, tuple[bytes, list[tuple[str, bytes]]]] = {}
    # input key -> a text made of one record (ViewMemo.text_key: the search file's entries)
    texts: dict[bytes, str] = {}


class Changes(msgspec.Struct, array_like=True):
    """What a build's pages made in another process added to its record (generator/split.py):
    plain data, sent over a pipe and applied with `PageRecord.merge`. Every state a page adds to
    the record while it is made belongs here, or the parent saves a record without it."""

    new: dict[str, tuple[bytes, bytes]]  # as PageRecord.new
    hits: int
    new_views: dict[str, tuple[bytes, list[str]]]  # as PageRecord.new_views
    view_hits: int
    new_texts: dict[bytes, str]  # as PageRecord.new_texts
    text_hits: int


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(_File)


def output_hash(data: bytes) -> bytes:
    """The hash of a generated file's bytes (the proof that the file on disk is the one recorded)."""
    return hashlib.blake2b(data, digest_size=32).digest()


def _versions() -> str:
    """briefing's version and those of the libraries rendering depends on."""
    found = []
    for name in ("briefing", "jinja2", "markupsafe", "msgspec"):
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:  # run from a source tree that is not installed
            found.append(f"{name} unknown")
    return "; ".join(found)


def _templates_hash() -> str:
    """The templates' names and bytes (not their times: a fresh checkout in CI keeps the record)."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(TEMPLATES).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


class PageRecord:
    """The record of one content folder, for one build: `start` with the run's salt, `taken` or
    `keep` for each page as it is written, `save` once the pages are written. Any failure to
    read it is a cold build; a failure to write it is noted in `failed` (the next build is only
    slower)."""

    def __init__(self, folder: Path, content: Path) -> None:
        self.folder = folder
        self.content = content
        where = os.fsencode(os.path.realpath(content))
        self.path = folder / f"{hashlib.blake2b(where, digest_size=12).hexdigest()}.msgpack"
        self.header = ""
        self.old: dict[str, tuple[bytes, bytes]] = {}
        self.new: dict[str, tuple[bytes, bytes]] = {}
        self.hits = 0  # pages taken from disk in this build
        self.view_hits = 0  # views not made in this build: their pages taken from disk (`view`)
        # The views of page families (views/common.py, ViewMemo.kept): what each was made from
        # and what it made, last time and in this build. Plain data: a build split over processes
        # merges each one's `new` and `new_views` (dict updates) before `save`.
        self.old_views: dict[str, tuple[bytes, list[tuple[str, bytes]]]] = {}
        self.new_views: dict[str, tuple[bytes, list[str]]] = {}  # name -> (input key, paths)
        # Texts made of one record each (`text`), by input key: last time's, and this build's
        # (those used or made; merged as `new` is by a build split over processes).
        self.old_texts: dict[bytes, str] = {}
        self.new_texts: dict[bytes, str] = {}
        self.text_hits = 0  # texts taken from the record in this build
        self.failed: CannotWrite | None = None
        # A planted link must not make briefing read or write elsewhere.
        self._usable = not (folder.is_symlink() or folder.parent.is_symlink())

    def start(self, salt: bytes) -> None:
        """Read the record, kept only if it was written under the same salt (the site's
        configuration), templates, briefing version and generator source."""
        self.header = "\n".join((FORMAT, _versions(), f"source {source_hash()}", f"templates {_templates_hash()}",
                                 f"salt {hashlib.blake2b(salt).hexdigest()}"))
        self.old, self.new, self.hits, self.view_hits = {}, {}, 0, 0
        self.old_views, self.new_views = {}, {}
        self.old_texts, self.new_texts, self.text_hits = {}, {}, 0
        if not self._usable:
            return
        try:
            found = _DECODER.decode(read_regular(self.path, limit=MAX_RECORD_BYTES))
        except (Refused, msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError, OverflowError):
            return
        if found.header == self.header:
            self.old, self.old_views, self.old_texts = found.pages, found.views, found.texts

    def taken(self, path: str, digest: bytes) -> bytes | None:
        """The bytes of the generated file `path` as they are on disk, when its page's digest is the
        recorded one and the file is exactly the recorded output; else None (render it)."""
        entry = self.old.get(path)
        if entry is None or entry[0] != digest:
            return None
        try:
            data = read_regular(self.content / path, limit=MAX_PAGE_BYTES)  # no link, no FIFO, capped
        except Refused:
            return None
        if output_hash(data) != entry[1]:
            return None
        self.hits += 1
        return data

    def view(self, name: str, input_key: bytes, paths: tuple[str, ...]) -> list[tuple[str, bytes, bytes]] | None:
        """The pages the view `name` made last time, each as (path, digest, bytes on disk), when
        its input key was `input_key` and each page is on disk as the page record says, with the
        digest the view recorded (a record edited by hand costs a render); else None (make it).
        `paths`: the files the view can make, in its order, the first always (its page, then
        its chart): the record's list must be the first and each other one the last build
        wrote, no more (a list emptied, shortened, doubled or pointing at another view's files
        by hand costs a render, never a missing or doubled page).
        The pages are counted in `hits`, and the view recorded for this build as made (`made`):
        the caller writes them as they are (ViewMemo.kept, site.streamed_pages)."""
        old = self.old_views.get(name)
        if old is None or old[0] != input_key or not paths:
            return None
        listed = [path for path, _ in old[1]]
        if listed[:1] != [paths[0]] or listed != [path for path in paths if path in self.old]:
            return None
        found = []
        for path, digest in old[1]:
            data = self.taken(path, digest)  # the page record's digest, its output hash, the file
            if data is None:
                return None
            found.append((path, digest, data))
        self.made(name, input_key, [path for path, _ in old[1]])
        self.view_hits += 1
        return found

    def made(self, name: str, input_key: bytes, paths: list[str]) -> None:
        """Record that the view `name` of input key `input_key` made the pages `paths`."""
        self.new_views[name] = (input_key, paths)

    def text(self, key: bytes) -> str | None:
        """The text recorded last time under the input key `key` (ViewMemo.text_key), kept for
        the next build; None: make it (and `put_text` it). A text is data written into a
        generated file, never read as code: a record edited by hand gives wrong text in that file
        only, as a hand-edited generated file would."""
        found = self.old_texts.get(key)
        if found is not None:
            self.new_texts[key] = found
            self.text_hits += 1
        return found

    def put_text(self, key: bytes, text: str) -> None:
        """Record the text made in this build under the input key `key`."""
        self.new_texts[key] = text

    def keep(self, path: str, digest: bytes, data: bytes) -> None:
        """Record that the page of `digest` became `data` at `path` in this build."""
        self.new[path] = (digest, output_hash(data))

    def changes(self) -> Changes:
        """What this process added since `start` (in a forked worker: what it sends back)."""
        return Changes(self.new, self.hits, self.new_views, self.view_hits, self.new_texts, self.text_hits)

    def merge(self, changes: Changes) -> None:
        """Add what another process's pages added (its `changes`). The record is kept in the
        order of the paths, as one process writes it (write.py stages the pages in that order)."""
        self.new = dict(sorted({**self.new, **changes.new}.items()))
        self.hits += changes.hits
        self.new_views.update(changes.new_views)  # (`save` writes them in the order of their names)
        self.view_hits += changes.view_hits
        self.new_texts.update(changes.new_texts)  # (and these in the order of their keys)
        self.text_hits += changes.text_hits

    def save(self) -> None:
        """Write the record of this build (through write.py), when it differs from the one read."""
        if not self._usable:
            return
        # Each view with the digest each of its pages was written with in this build (a view
        # whose page was not written, or written twice, is not kept).
        # In the order of their names: the same bytes whichever process made which view (split.py).
        views = {name: (key, [(path, self.new[path][0]) for path in paths])
                 for name, (key, paths) in sorted(self.new_views.items()) if all(path in self.new for path in paths)}
        if self.new == self.old and views == self.old_views and self.new_texts == self.old_texts:
            return
        try:
            # (the texts in the order of their keys too, whichever process made them)
            data = _ENCODER.encode(_File(self.header, self.new, views, dict(sorted(self.new_texts.items()))))
        except (msgspec.EncodeError, UnicodeEncodeError):  # a path or setting that is not UTF-8: no record
            return
        # pruned beyond KEEP: each spelling of a folder, each test's temporary folder, has its own file
        self.failed = put_cache_file(self.path, data, _RECORD_NAME, KEEP)
