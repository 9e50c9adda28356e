"""MkDocs builds that render again only the pages whose Markdown changed (issue 11).

Shared by `briefing serve` (serve.SiteBuilder keeps the last build's state in memory) and
`briefing build` (site.mkdocs_build runs `python -m generator.partial` in a child process, which
keeps the state in a record file inside the site it built, `.briefing-build.json`, read back as
data). A partial build is MkDocs 1.6's dirty build into a site that holds the previous build's
output, told exactly which pages to render again; everything a whole build would take from the
pages not rendered again is put back from the state of the previous build:

- the title and front matter of each page of the navigation (every page prints the navigation);
- the anchors each page has and the links to anchors each page holds, so that MkDocs checks every
  link to an anchor as in a whole build (a record deleted from a month page that a hand-written
  page links to is a warning, and `--strict` fails, in a partial build too);
- the search index entries of the pages not rendered again (Material's plugin writes those of
  this build's pages only), in the site's page order.

When a partial build is sound (`changed_docs`): the same docs files exist, and only generated ones
(write.GENERATED) changed, by their stamp (inode, size, modification time: the writer replaces a
changed page with a new file and carries an unchanged one over as the same file), or by their hash
for a file changed less than two seconds before the previous snapshot (whose stamp alone is no
proof). For `briefing build` also: the record is of this environment (`environment_key`: the
MkDocs configuration files, the theme's own folder, the hooks and briefing's code, the installed
packages' versions, SOURCE_DATE_EPOCH) and the previous site is, file by file (inode, size, time),
the one the record describes. A missing, stale, planted or damaged record costs a whole build.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from mkdocs.plugins import BasePlugin, event_priority

from .load import Refused, read_regular
from .mkdocs_split import SplitBuild
from .mkdocs_split import decode_value as _decode
from .mkdocs_split import encode_value as _encode
from .write import GENERATED, copy_site, put_file, visible_tree

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

#: A file as the rebuilds compare it: (inode, size, modification time in ns). generator/write.py
#: replaces a changed page with a new file and carries an unchanged one over as the same file
#: (a hard link), so an unchanged page keeps all three.
Stamp = tuple[int, int, int]

#: The record of the build a site holds, in the site folder (hidden: MkDocs keeps hidden names
#: when it cleans a site, and `briefing build` builds every site into a new folder).
RECORD = ".briefing-build.json"
_FORMAT = "briefing-build"
_VERSION = 1

#: How a partial build's log says it was one (site.Built.partial reads it).
PARTIAL_NOTE = "Partial build"

#: A file whose modification time is this close to a snapshot is hashed too: a write within the
#: same tick of the file system's clock, in place and of the same size, would keep its stamp.
RACY_NS = 2_000_000_000


def file_stamp(path: Path) -> Stamp | None:
    """The stamp of the file at `path` (None when there is none)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def snapshot(docs: Path) -> dict[str, Stamp]:
    """Every file MkDocs reads from its docs folder `docs`, by path relative to it (POSIX), with
    its stamp. Hidden names are skipped, as MkDocs skips them (the markers, the writer's staging
    folder); links are not followed into folders (MkDocs reads what a link to a file points to:
    its stamp is that of the target)."""
    found: dict[str, Stamp] = {}
    for folder, _, files in visible_tree(docs):
        for name, path in files:
            stamp = file_stamp(Path(folder) / name)
            if stamp is not None:
                found[path] = stamp
    return found


def _hash(path: Path) -> str | None:
    try:
        with open(path, "rb") as file:
            return hashlib.file_digest(file, "blake2b").hexdigest()
    except OSError:
        return None


def racy_hashes(docs: Path, found: dict[str, Stamp], started_ns: int) -> dict[str, str]:
    """The hashes of the hand-written files of a snapshot taken from `started_ns` on that changed
    less than RACY_NS before it: the next build checks them by content as well as by stamp. (Not
    the generated ones: write.py never writes into a file, it replaces it, and a new file is a new
    inode.)"""
    hashes: dict[str, str] = {}
    for path, (_, _, mtime) in found.items():
        if mtime >= started_ns - RACY_NS and path.split("/", 1)[0] not in GENERATED:
            digest = _hash(docs / path)
            if digest is not None:
                hashes[path] = digest
    return hashes


def changed_generated(before: dict[str, Stamp] | None, after: dict[str, Stamp]) -> set[str] | None:
    """The files of the docs folder that changed between two snapshots, when a partial rebuild can
    show them: the same files exist, and only generated ones (write.GENERATED) changed. None when
    the site must be built whole: the first build, a page added or removed (the links and the
    sitemap change), or a hand-written file changed (it may be a page of the navigation)."""
    if before is None or before.keys() != after.keys():
        return None
    changed = {path for path, stamp in after.items() if before[path] != stamp}
    if any(path.split("/", 1)[0] not in GENERATED for path in changed):
        return None
    return changed


@dataclass
class BuildState:
    """What a partial build needs of the build before it. Data only: `shown` holds strings
    (`Markup` for the escaped ones the hooks made), numbers, lists and mappings."""

    docs: dict[str, Stamp]  # the docs folder as it was read (snapshot)
    hashes: dict[str, str] = field(default_factory=dict)  # racy_hashes of that snapshot
    shown: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # navigation page -> (title, meta)
    excluded: set[str] = field(default_factory=set)  # pages Material's search plugin does not index
    anchors: dict[str, set[str]] = field(default_factory=dict)  # page -> the anchors it has
    links: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # page -> target -> anchor -> link


def changed_docs(previous: BuildState | None, now: dict[str, Stamp], docs: Path) -> set[str] | None:
    """`changed_generated` between the previous build's snapshot and `now`, with the files the
    previous snapshot hashed compared by content too."""
    if previous is None:
        return None
    changed = changed_generated(previous.docs, now)
    if changed is None:
        return None
    for path, digest in previous.hashes.items():
        if path not in changed and _hash(docs / path) != digest:
            if path.split("/", 1)[0] not in GENERATED:
                return None
            changed.add(path)
    return changed


# --- the build --------------------------------------------------------------------------------------


class _DirtyNotes(logging.Filter):
    """MkDocs' notes at each dirty build: a warning that its navigation may be wrong (the partial
    build puts back what the pages not rendered show, so it is not; and `--strict` would fail on
    it) and a hint that the site folder holds files (the previous site's, on purpose)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(("A 'dirty' build is being performed",
                                                    "The directory contains stale files"))


def run_build(config: MkDocsConfig, previous: BuildState | None, changed: set[str] | None,
              now: BuildState, *, serve_url: str | None = None,
              build: Callable[..., None] | None = None, split: bool = False) -> BuildState:
    """MkDocs' build of `config` into its site folder: whole when `changed` is None, else partial
    (the site folder holds the output of the build `previous` describes, and `changed` names the
    docs files to render again). `now` holds the snapshot this build reads (docs, hashes); the
    state of this build is returned. `build`: MkDocs' build function (its own by default).
    `split`: a whole build may render its pages in two processes (mkdocs_split.SplitBuild; only a
    process that builds once and ends: `briefing build`'s, never `briefing serve`)."""
    if build is None:
        from mkdocs.commands.build import build as mkdocs_build

        build = mkdocs_build
    index = Path(config.site_dir) / "search" / "search_index.json"
    before = _read_index(index) if changed is not None else None
    partial = _PartialBuild(changed, previous if changed is not None else None, now)
    config.plugins["briefing-partial-build"] = partial
    notes = _DirtyNotes()
    logger = logging.getLogger("mkdocs.commands.build")
    logger.addFilter(notes)
    splitter = None
    # Only with the plugins known to keep no state of a page but what the split sends back (the
    # search entries; the privacy plugin when it fetches nothing): another plugin's would miss the
    # worker's pages. (The frozen heap, one of them, keeps none: it collects garbage between pages.)
    if (split and changed is None and serve_url is None and not _fetching(config)
            and _known_plugins(config)):
        splitter = SplitBuild(partial.note_page)
        config.plugins["briefing-split-build"] = splitter
    try:
        with splitter.patched() if splitter is not None else contextlib.nullcontext():
            build(config, serve_url=serve_url, dirty=changed is not None)
    finally:
        logger.removeFilter(notes)
    if changed is not None and before is not None:
        _complete_index(index, before, partial)
    return partial.state


def _read_index(path: Path) -> dict[str, Any] | None:
    """The search index MkDocs' search plugin wrote (JSON, read as plain data), or None when there
    is none of that form."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("docs"), list):
        return None
    if not all(isinstance(entry, dict) and isinstance(entry.get("location"), str) for entry in data["docs"]):
        return None
    return data


def _by_page(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Index entries grouped by the page they are on (a section's location is `page#anchor`)."""
    pages: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        pages.setdefault(entry["location"].split("#", 1)[0], []).append(entry)
    return pages


def _excluded(meta: Any) -> bool:
    """Whether a page's front matter keeps Material's search plugin from indexing it (the records'
    pages, which site_overrides/search.py marks so, and any page that asks)."""
    search = meta.get("search") if isinstance(meta, dict) else None
    return isinstance(search, dict) and search.get("exclude") is True


def _complete_index(path: Path, before: dict[str, Any], partial: _PartialBuild) -> None:
    """Rewrite the search index of a partial build whole, as a whole build writes it: for each page
    Material indexes, in the site's order, its entries from this build when it was rendered again,
    else those of the previous build; then the entries of the pages Material does not index, which
    site_overrides/search.py adds after Material's in every build (whole or partial) from its data
    file, where and as it wrote them this time."""
    try:
        raw = path.read_bytes()
    except OSError:
        return
    after = _read_index(path)
    if after is None:
        return
    old, new = _by_page(before["docs"]), _by_page(after["docs"])
    docs: list[dict[str, Any]] = []
    excluded: set[str] = set()
    for url, rendered, src_uri in partial.pages:
        if src_uri in partial.state.excluded:
            excluded.add(url)
            continue
        docs.extend(new.get(url, []) if rendered else old.get(url, []))
    docs.extend(entry for entry in after["docs"] if entry["location"].split("#", 1)[0] in excluded)
    after["docs"] = docs
    # As it was written, byte for byte: by MkDocs' search plugin (material/plugins/search/plugin.py,
    # ASCII with escapes), or rewritten by site_overrides/search.py (UTF-8, no escapes).
    text = json.dumps(after, separators=(",", ":"), default=str, ensure_ascii=raw.isascii())
    put_file(path, text.encode("utf-8"))


class _PartialBuild(BasePlugin):  # type: ignore[type-arg,no-untyped-call]  # MkDocs' BasePlugin: generic, untyped
    """Added to the plugins of each build `run_build` runs. In a partial one (`changed` is the set
    of docs files to render again), it answers MkDocs' `is_modified()` for every docs file once
    the navigation is known (MkDocs' own answer compares times with the output, which is no
    proof), and gives each page not read again what it had in the previous build: its title and
    front matter (a page of the navigation), its anchors and its links to anchors. In every build
    it records those of each rendered page as the theme saw them (`state`), and, in a partial one,
    the pages in the site's order with whether each was rendered (`pages`)."""

    def __init__(self, changed: set[str] | None, previous: BuildState | None, now: BuildState) -> None:
        super().__init__()
        self.changed = changed
        old = previous or BuildState({})
        self.state = BuildState(now.docs, now.hashes, dict(old.shown), set(old.excluded), dict(old.anchors),
                                dict(old.links))
        self.nav: set[str] = set()
        self.pages: list[tuple[str, bool, str]] = []  # (url, rendered again, src_uri), in MkDocs' order

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = {page.file.src_uri for page in nav.pages}
        self.state.shown = {uri: shown for uri, shown in self.state.shown.items() if uri in self.nav}
        if self.changed is None:
            return nav
        docs_dir = os.path.normpath(config.docs_dir)
        for file in files:
            if os.path.normpath(file.src_dir or "") != docs_dir:
                continue  # the theme's files: MkDocs' own answer (the output is newer than the theme)
            again = file.src_uri in self.changed
            setattr(file, "is_modified", _answer(again))  # noqa: B010  # MkDocs' question, answered for this build
            if file.is_documentation_page():
                self.pages.append(("" if file.url in (".", "./") else file.url, again, file.src_uri))  # as Page.url
        for page in nav.pages:
            if page.file.src_uri not in self.changed and page.file.src_uri in self.state.shown:
                page.title, page.meta = self.state.shown[page.file.src_uri]
        return nav

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:  # noqa: ARG002  # MkDocs' event signature
        """Every page exists now (MkDocs made those outside the navigation when it read the pages):
        the anchors and links of the pages not rendered again go back before any page is built."""
        if self.changed is None:
            return env
        for file in files.documentation_pages():
            page = file.page
            if page is None or file.src_uri in self.changed:
                continue
            anchors = self.state.anchors.get(file.src_uri)
            if anchors is not None:
                page.present_anchor_ids = set(anchors)
            links = self.state.links.get(file.src_uri)
            if links:
                page.links_to_anchors = {files.src_uris[target]: dict(named) for target, named in links.items()
                                         if target in files.src_uris}
        return env

    def on_page_context(self, context: Any, /, *, page: Page,
                        config: MkDocsConfig, nav: Navigation) -> Any:  # noqa: ARG002  # MkDocs' event signature
        self.note_page(page)
        return context

    def note_page(self, page: Page) -> None:
        """Record the page's title and front matter, anchors and links to anchors, as the theme
        sees them (at `on_page_context`; mkdocs_split.SplitBuild: a page the worker rendered)."""
        uri = page.file.src_uri
        if uri in self.nav:
            self.state.shown[uri] = (page.title, page.meta)
        if _excluded(page.meta):
            self.state.excluded.add(uri)
        else:
            self.state.excluded.discard(uri)
        if page.present_anchor_ids is not None:
            self.state.anchors[uri] = set(page.present_anchor_ids)
        else:
            self.state.anchors.pop(uri, None)
        if page.links_to_anchors:
            self.state.links[uri] = {target.src_uri: dict(named) for target, named in page.links_to_anchors.items()}
        else:
            self.state.links.pop(uri, None)


def _answer(value: bool) -> Callable[[], bool]:
    """A function that always returns `value`."""
    return lambda: value


# --- `briefing build`: the record, and the child process ----------------------------------------------


def _config_texts(config_file: Path) -> list[bytes] | None:
    """The bytes of the MkDocs configuration and of each file it INHERITs, or None when they cannot
    all be named with certainty (an `!ENV` value, an INHERIT not on a line of its own): MkDocs'
    configuration is code, and no build is partial unless the record proves it is the same."""
    texts: list[bytes] = []
    path: Path | None = config_file
    while path is not None:
        if len(texts) > 20:
            return None
        try:
            text = path.read_bytes()
        except OSError:
            return None
        texts.append(path.resolve().as_posix().encode() + b"\0" + text)
        if b"!ENV" in text:
            return None
        inherit = re.findall(rb"(?m)^INHERIT:[ \t]*(\S.*?)[ \t]*$", text)
        if len(inherit) > 1 or (not inherit and b"INHERIT" in text):
            return None
        path = (path.parent / os.fsdecode(inherit[0].strip(b"'\""))) if inherit else None
    return texts


def folder_stamps(folder: Path, skip: frozenset[str] = frozenset()) -> list[tuple[str, int, int]]:
    """Every file under `folder`: its path, size and modification time. Not under the folders
    `skip` names (real paths)."""
    stamps = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__"  # what Python writes as it imports
                         and (not skip or os.path.realpath(os.path.join(root, d)) not in skip))
        for name in sorted(files):
            path = Path(root) / name
            try:
                st = os.stat(path)
            except OSError:
                continue
            stamps.append((path.relative_to(folder).as_posix(), st.st_size, st.st_mtime_ns))
    return stamps


def watched_stamps(config: MkDocsConfig) -> list[tuple[str, Any]]:
    """The stamps of what a served site's build reads besides the docs and the configuration file:
    the theme's own folder (`custom_dir`) and the configuration's `watch` paths (what MkDocs'
    server watches for the user). A change there is a whole build in `briefing serve`, as it is a
    new environment (`environment_key`) in `briefing build`."""
    paths = []
    custom = getattr(config.theme, "custom_dir", None)
    if custom:
        paths.append(Path(custom))
    paths.extend(Path(str(item)) for item in (config.watch or []))
    # Not the docs (compared file by file: a watched folder holding them, the project's, would make
    # every generated page a whole build) nor the site (which each build rewrites).
    skip = frozenset(os.path.realpath(folder) for folder in (config.docs_dir, config.site_dir) if folder)
    stamps: list[tuple[str, Any]] = []
    for path in paths:
        real = os.path.realpath(path)
        if any(real == folder or real.startswith(folder.rstrip(os.sep) + os.sep) for folder in skip):
            continue
        stamps.append((str(path), folder_stamps(path, skip) if path.is_dir() else file_stamp(path)))
    return stamps


def environment_key(config: MkDocsConfig) -> str | None:
    """A digest of everything besides the docs that shapes the site MkDocs builds: the
    configuration files, the theme's own folder (`custom_dir`), the hooks, briefing's code (the
    hooks import it), the installed packages and their versions, Python's version and the build
    date MkDocs stamps (SOURCE_DATE_EPOCH). None when the configuration cannot be pinned down."""
    texts = _config_texts(Path(config.config_file_path)) if config.config_file_path else None
    if texts is None:
        return None
    digest = hashlib.blake2b(digest_size=32)
    for text in texts:
        digest.update(repr(len(text)).encode() + b"\0" + text)
    folders = [Path(__file__).resolve().parent]
    custom = getattr(config.theme, "custom_dir", None)
    if custom:
        folders.append(Path(custom).resolve())
    loaded: Any = config.hooks  # MkDocs' Hooks option: {path as configured: module}
    hooks = sorted(str(getattr(module, "__file__", "")) for module in (loaded or {}).values())
    packages = sorted((str(d.metadata["Name"]), d.version) for d in importlib.metadata.distributions())
    digest.update(repr((_VERSION, sys.version, sys.executable, os.environ.get("SOURCE_DATE_EPOCH"),
                        os.environ.get("PYTHONHASHSEED"), packages,
                        [(str(folder), folder_stamps(folder)) for folder in folders],
                        [(hook, file_stamp(Path(hook))) for hook in hooks])).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def site_stamps(site: Path) -> dict[str, Stamp]:
    """Every file of a built site, as `snapshot` names them (the hidden names at its top, the
    marker and the record, are no part of it)."""
    return snapshot(site)


@dataclass
class Record:
    """What `briefing build` keeps of the build that made a site, in the site (RECORD)."""

    key: str  # environment_key of the build
    site: dict[str, Stamp]  # the site's files as the build left them
    state: BuildState


def record_bytes(record: Record) -> bytes:
    """The record as JSON (ValueError when a front-matter value has no JSON form)."""
    state = record.state
    data = {
        "format": _FORMAT, "version": _VERSION, "key": record.key,
        "site": {path: list(stamp) for path, stamp in record.site.items()},
        "docs": {path: list(stamp) for path, stamp in state.docs.items()},
        "hashes": state.hashes,
        "shown": {uri: [_encode(title), _encode(meta)] for uri, (title, meta) in state.shown.items()},
        "excluded": sorted(state.excluded),
        "anchors": {uri: sorted(anchors) for uri, anchors in state.anchors.items()},
        "links": state.links,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _stamps(value: Any) -> dict[str, Stamp]:
    if not isinstance(value, dict):
        raise ValueError("stamps")
    out: dict[str, Stamp] = {}
    for path, stamp in value.items():
        if not (isinstance(stamp, list) and len(stamp) == 3 and all(type(n) is int for n in stamp)):
            raise ValueError("a stamp")
        out[path] = (stamp[0], stamp[1], stamp[2])
    return out


def _strings(value: Any) -> list[str]:
    if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
        raise ValueError("strings")
    return value


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("a mapping")
    return value


def read_record(site: Path) -> Record | None:
    """The record of the build that made `site`, read as data; None when there is none, or none
    of this version and form (a link, a damaged or foreign file)."""
    try:
        data = json.loads(read_regular(site / RECORD, limit=None))
        if not isinstance(data, dict) or data.get("format") != _FORMAT or data.get("version") != _VERSION:
            return None
        key = data["key"]
        if not isinstance(key, str):
            return None
        docs = _stamps(data["docs"])
        hashes = {path: digest for path, digest in _mapping(data["hashes"]).items()
                  if isinstance(digest, str) and path in docs}
        if len(hashes) != len(data["hashes"]):
            return None
        shown: dict[str, tuple[Any, Any]] = {}
        for uri, pair in _mapping(data["shown"]).items():
            if not (isinstance(pair, list) and len(pair) == 2):
                return None
            shown[uri] = (_decode(pair[0]), _decode(pair[1]))
        links: dict[str, dict[str, dict[str, str]]] = {}
        for uri, targets in _mapping(data["links"]).items():
            links[uri] = {}
            for target, named in _mapping(targets).items():
                if not all(isinstance(link, str) for link in _mapping(named).values()):
                    return None
                links[uri][target] = named
        state = BuildState(docs, hashes, shown, set(_strings(data["excluded"])),
                           {uri: set(_strings(anchors)) for uri, anchors in _mapping(data["anchors"]).items()}, links)
        return Record(key, _stamps(data["site"]), state)
    except (Refused, OSError, ValueError, KeyError, TypeError):
        return None


#: Static files that no plugin of the site reads or rewrites once MkDocs has copied them (the
#: PDFs, the data exports, the charts, the explorer's data and map). Style sheets and scripts are
#: not among them: Material's privacy plugin rewrites those that name another host.
_LINKABLE = (".pdf", ".csv", ".json", ".geojson", ".svg", ".png")

#: The plugins known to write nothing into the site but the pages MkDocs renders and their own
#: files (Material's search index; the privacy plugin's patched style sheets and scripts).
_KNOWN_PLUGINS = frozenset({"search", "material/search", "privacy", "material/privacy", "briefing-partial-build",
                            "briefing-split-build", "briefing-frozen-heap"})


def _known_plugins(config: MkDocsConfig) -> bool:
    """Whether every plugin of `config` is one of _KNOWN_PLUGINS or a hook of the
    theme's own folder (site_overrides: the sanitizer and the search entries, which write nothing
    else)."""
    custom = getattr(config.theme, "custom_dir", None)
    theme = Path(custom).resolve() if custom else None
    loaded: Any = config.hooks or {}
    hooks = {name for name, module in loaded.items()
             if theme is not None and Path(str(getattr(module, "__file__", ""))).resolve().parent == theme}
    return all(name in _KNOWN_PLUGINS or name in hooks for name in config.plugins)


def _fetching(config: MkDocsConfig) -> bool:
    """Whether Material's privacy plugin downloads external assets in this build (then it keeps,
    from each page, the assets to copy into the site at its end)."""
    for name, plugin in config.plugins.items():
        if name in ("privacy", "material/privacy"):
            options: Any = getattr(plugin, "config", None)
            if options is None or (options.get("enabled", True) and options.get("assets", True)
                                   and options.get("assets_fetch", True)):
                return True
    return False


def _unwritten(config: MkDocsConfig, docs: dict[str, Stamp],
               changed: set[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The files of the previous site a partial build may share with it (hard links): those that
    come from unchanged docs files, which MkDocs, told they are not modified, neither renders nor
    copies; pages and other static files only when no plugin but the known ones could rewrite
    them after the build. And the files it need not copy at all: those of changed static files,
    which MkDocs copies again whole (into a new file)."""
    from mkdocs.structure.files import File

    known = _known_plugins(config)
    # What the build writes after the copy, in place, whatever the docs hold: the theme's static
    # templates (404.html, sitemap.xml) and extra templates, the gzipped sitemap, the search
    # index (Material's plugin, then our hook). A hand-written file at one of those paths is
    # never shared: the build would rewrite the live site's file through the link.
    rewritten = {*config.theme.static_templates, *config.extra_templates, "sitemap.xml.gz", "search/search_index.json"}
    link: set[str] = set()
    skip: set[str] = set()
    files = {path: File(path, config.docs_dir, config.site_dir, config.use_directory_urls) for path in docs}
    # Two docs files of one output path (a hand-written `sources.md` and the generated
    # `sources/index.md`, with directory URLs: MkDocs sees clashes within one folder only): the one
    # unchanged says nothing of what the build writes there. Copied, never linked nor skipped.
    seen: set[str] = set()
    for file in files.values():
        (rewritten if file.dest_uri in seen else seen).add(file.dest_uri)
    for path, file in files.items():
        page = file.is_documentation_page()
        if file.dest_uri in rewritten:
            continue  # copied (into a new file), never linked nor skipped
        if path in changed:
            if not page:
                skip.add(file.dest_uri)
        elif (page and known) or (not page and (file.dest_uri.endswith(_LINKABLE)
                                                or (known and not file.dest_uri.endswith((".css", ".js"))))):
            link.add(file.dest_uri)
    return frozenset(link), frozenset(skip)


def build_site(config: MkDocsConfig, previous_site: Path | None, build: Callable[..., None]) -> str:
    """`briefing build`'s MkDocs build of `config` into its (new, marked) site folder: partial from
    `previous_site` when its record shows that only generated pages changed since, whole otherwise;
    the record of this build is written into the new site. "whole" or "partial"."""
    site, docs = Path(config.site_dir), Path(config.docs_dir)
    key = environment_key(config)
    started = time.time_ns()
    docs_now = snapshot(docs)
    now = BuildState(docs_now, racy_hashes(docs, docs_now, started))
    previous, changed = None, None
    record = read_record(previous_site) if key is not None and previous_site is not None else None
    if record is not None and record.key == key and previous_site is not None:
        changed = changed_docs(record.state, docs_now, docs)
        # The previous site, copied file by file only when each is as the record says.
        if changed is not None and copy_site(previous_site, site, record.site, *_unwritten(config, docs_now, changed)):
            previous = record.state
        else:
            changed = None
    if changed is not None:
        logging.getLogger("mkdocs.briefing").info(f"{PARTIAL_NOTE}: {len(changed)} changed files of the docs "
                                                  "rendered or copied again, the rest kept from the previous site")
    state = run_build(config, previous, changed, now, build=build, split=True)
    if key is not None:
        try:
            data = record_bytes(Record(key, site_stamps(site), state))
        except ValueError:  # a front-matter value JSON cannot hold: the next build is whole
            return "whole" if changed is None else "partial"
        put_file(site / RECORD, data)
    return "whole" if changed is None else "partial"


class _FrozenHeap(BasePlugin):  # type: ignore[type-arg,no-untyped-call]  # MkDocs' BasePlugin: generic, untyped
    """Added to the plugins of `main`'s build only (a process that builds once and ends): what the
    build keeps to its end is left out of the cyclic garbage collector's full scans (`gc.freeze`),
    as the page builds do with the dataset (views/export.frozen_heap). Once the files are known (the
    search hook's records read: site_overrides/search.py), after each page's HTML is made (its
    Markdown instance, which holds the page's element tree in reference cycles, is garbage by
    then) and once every page is converted: a collection of what is not frozen yet, then the
    survivors frozen. Each collection scans one page's objects, not the whole build's again: at
    100,000 incidents the collector's time fell from 3.0 s to 2.1 s of MkDocs' 38 s of CPU, and
    the peak memory by 50 MiB (docs/performance.md). Frozen objects are still freed when their
    last reference goes; only a cycle among them would stay, until the process ends. Not for
    `briefing serve`, which builds in its own process again and again and must be able to collect
    an old build's objects."""

    @staticmethod
    def _freeze() -> None:
        gc.collect()  # what is garbage now is freed, not frozen with the rest
        gc.freeze()

    @event_priority(-100)  # after the hooks' own (the search hook reads its records then)
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:  # noqa: ARG002  # MkDocs' event signature
        self._freeze()
        return files

    @event_priority(-100)  # after every other plugin's: the page's HTML is as it will be kept
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig,  # noqa: ARG002  # MkDocs' event signature
                        files: Files) -> str:  # noqa: ARG002  # MkDocs' event signature
        self._freeze()
        return html

    @event_priority(-100)
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:  # noqa: ARG002  # MkDocs' event signature
        self._freeze()
        return env


def main(argv: list[str]) -> None:
    """`python -m generator.partial [--previous SITE] <mkdocs build arguments>`: MkDocs' own
    `mkdocs build` command (its logging, messages and exit codes), with `build_site` as its build."""
    from mkdocs.__main__ import cli
    from mkdocs.commands import build as build_module

    if argv[:1] == ["--wait"] and len(argv) == 2:  # started ahead: site.EarlyMkDocs
        argv = _waited(Path(argv[1]))
    previous: Path | None = None
    if argv[:1] == ["--previous"]:
        previous, argv = Path(argv[1]), argv[2:]
    real = build_module.build

    def build(config: MkDocsConfig, *, serve_url: str | None = None, dirty: bool = False) -> None:  # noqa: ARG001  # MkDocs' signature; --dirty is ours to decide
        config.plugins["briefing-frozen-heap"] = _FrozenHeap()
        build_site(config, previous, real)

    build_module.build = build  # the `build` command looks it up when it runs
    try:
        cli.main(args=["build", *argv], prog_name="mkdocs")
    except SystemExit as done:  # how click's command ends, with MkDocs' exit code
        # Everything is written (MkDocs' log lines flush as they go): the process ends without
        # Python's tear-down of the whole site's objects, a tenth of a second at 10k incidents.
        logging.shutdown()
        os._exit(0 if done.code is None else done.code if isinstance(done.code, int) else 1)


def _waited(config_file: Path) -> list[str]:
    """`main`'s arguments, read as one line of JSON from standard input once MkDocs, Material,
    the plugins and the Markdown extensions are imported: `config_file` is loaded once into
    nothing, its log silenced (the build loads it again and logs what it logs). The
    process ends quietly when its input ends first (`briefing` stopped before its pages)."""
    from mkdocs.config import load_config

    logging.disable(logging.CRITICAL)
    try:
        load_config(str(config_file))
    except Exception:  # noqa: BLE001, S110  # any broken configuration: the build itself reports it
        pass
    finally:
        logging.disable(logging.NOTSET)
    line = sys.stdin.readline()
    try:
        args = json.loads(line) if line else None
    except ValueError:
        args = None
    if not isinstance(args, list) or not all(isinstance(arg, str) for arg in args):
        os._exit(0)  # nothing asked of it
    return args


if __name__ == "__main__":
    main(sys.argv[1:])
