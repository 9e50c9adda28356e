"""From a validated dataset to the Markdown pages of the site, and from there to the built site.

    validate ─▶ Dataset ─▶ views (plain data per page) ─▶ render (Jinja2) ─▶ write (content/)
                                                                    ─▶ mkdocs build --strict ─▶ site/
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

import msgspec
from jinja2 import Environment
from pydantic import BaseModel

from .config import SiteConfig
from .link import Dataset
from .load import Refused, refuse_type
from .problems import Problem
from .progress import PAGES, Progress, quiet
from .render import TEMPLATES, BlockMemo, environment, render
from .charts import ChartSpec, render_svg
from .children import cpus_allowed, one_process_asked, preexec_die_with_parent, release_memory
from .views.common import Context, Download, Family, Kept, Page, ViewMemo
from .views.export import frozen_heap
from .views.families import FAMILIES
from .split import build_pages
from .write import (GENERATED, MARKER, WRITE_ERRNOS, CannotWrite, Content, NotOurs, Streamed, WriteResult, is_marked,
                    make_marked, put_back, remove_marked, swap_folder, write_tree)

if TYPE_CHECKING:
    from .changes import LoadMemo
    from .export import ExportMemo
    from .fonts import MissingFont
    from .pagerecord import PageRecord
    from .pdf import PdfCache, PendingPdfs


def site_pages(dataset: Dataset, config: SiteConfig, preview: bool = False, pdfs: bool = False,
               data_dir: Path | None = None, memo: ViewMemo | None = None,
               history_memo: LoadMemo | None = None,
               families: Sequence[Family] = FAMILIES) -> list[Page | ChartSpec | Download | Kept]:
    """Every page (and chart) the site shows, as data (no Markdown yet). With `pdfs`, month and
    region pages link their PDF briefings (which `generate` then writes). With `data_dir`, "What's
    new" compares the data with its Git history (read-only `git` commands); without, it says that
    the history was not looked at. `memo`: record views kept from an earlier run (serve's), and
    `history_memo` the data files the history's comparison parsed then (changes.LoadMemo).
    `families`: only these page families' pages (a part of the site, generator/split.py)."""
    history = None
    if data_dir is not None and any(family.history for family in families):
        from .changes import site_history

        history = site_history(data_dir, config.whats_new_since, known=dataset,  # its records, not read again
                               memo=history_memo)
    event_types = config.all_event_types()
    if memo is None:
        memo = ViewMemo()
    memo.start(dataset, event_types, preview, pdfs)
    ctx = Context(dataset, preview=preview, event_types=event_types, pdfs=pdfs, history=history, site=config,
                  memo=memo)
    out: list[Page | ChartSpec | Download | Kept] = []
    for family in families:
        out.extend(family.pages(ctx))
    memo.finish()
    return out


class RenderCache:
    """The pages one process rendered last, by path, each with a digest of what it was rendered
    from: `briefing serve` renders again only the pages whose view data changed. The digest is of
    the page's `repr` (its path, template and every value of its data, types included: `1`, `1.0`
    and `True` differ), under a salt of the site's configuration and the templates' files (their
    names, sizes and times), so an edited template renders every page again. Kept in memory only,
    never on disk."""

    def __init__(self) -> None:
        self._salt = b""
        self._pages: dict[str, tuple[bytes, str | bytes]] = {}
        # The page object each path was rendered from last run, weakly (`same_page`).
        self._made: dict[str, weakref.ref[Page | ChartSpec]] = {}
        self.hits = 0  # pages of the last run taken from the cache (for the serve log and tests)
        self.same = 0  # of them, pages whose digest was not made again (`same_page`; for tests)
        self.views = ViewMemo()  # the record views of the last run (views/common.py)
        self.views.between_runs = True
        self.history: LoadMemo | None = None  # the files "What's new" parsed last run (changes.py)
        self.exports: ExportMemo | None = None  # each record's text in each export (export.py)
        self.env: Environment | None = None  # the Jinja environment of the current salt (`environment`)

    def run(self, salt: bytes) -> dict[str, tuple[bytes, str | bytes]]:
        """The cache for a run under `salt` (emptied when the salt changed); the caller fills a
        new mapping and gives it back with `keep`."""
        if salt != self._salt:
            self._salt, self._pages, self.env, self._made = salt, {}, None, {}
        self.hits = self.same = 0
        return self._pages

    def same_page(self, page: Page | ChartSpec) -> bool:
        """Whether `page` is the very object its path was rendered from last run (the views keep
        a page whose inputs did not change, ViewMemo.page, and with it its data). Its digest is
        then the one kept, without encoding its data again (about 0.1 s at 10k incidents): a
        frozen page of frozen data is not changed after it was made. The reference is weak: the
        cache keeps no view alive, and a page freed since cannot be taken for a new one."""
        ref = self._made.get(page.path)
        return ref is not None and ref() is page and _frozen(page) and (
            isinstance(page, ChartSpec) or _frozen(page.data))

    def environment(self) -> Environment:
        """The Jinja environment of the runs under the current salt (made again when a template
        or the configuration changed), which keeps the sources page's outlet blocks (render.BlockMemo)."""
        if self.env is None:
            self.env = environment(keep_blocks=True)
        return self.env

    def keep(self, pages: dict[str, tuple[bytes, str | bytes]],
             made: dict[str, weakref.ref[Page | ChartSpec]] | None = None) -> None:
        self._pages = pages
        self._made = made or {}


def _frozen(value: object) -> bool:
    """Whether `value` is an instance of a frozen dataclass."""
    params = getattr(type(value), "__dataclass_params__", None)
    return bool(getattr(params, "frozen", False))


def _templates_stamp() -> str:
    """The template files as they are now: names, sizes and modification times."""
    stamps = []
    for path in sorted(TEMPLATES.rglob("*")):
        st = path.stat()
        stamps.append((path.relative_to(TEMPLATES).as_posix(), st.st_size, st.st_mtime_ns))
    return repr(stamps)


#: Encodes a page's data for its digest: msgspec's msgpack encoder, in C, about ten times faster
#: than the `repr` of the same dataclasses (1.7 s at 10k incidents). It keeps what rendering can
#: tell apart: `1`, `1.0`, `True`, `None` and `"1"` encode differently, dictionaries keep their
#: order, and a dataclass is its fields in order (its class is in the digest for the page's data,
#: and each field's type is fixed by its class, see `_digest`). A type msgspec does not know is
#: encoded as its class's name and its `repr` (`_tagged`).
_ENCODER: msgspec.msgpack.Encoder | None = None


def _tagged(value: object) -> object:
    """What the digest encodes for a value msgspec does not know: its class and, for a model of
    the data (pydantic: the Data page's exports hold actors, regions and sources), every field
    and extra value, else its `repr`."""
    name = f"{type(value).__module__}.{type(value).__qualname__}"
    if isinstance(value, BaseModel):
        return ["\x00model", name, value.__dict__, value.__pydantic_extra__]
    return ["\x00unknown", name, repr(value)]


def _digest(page: Page | ChartSpec | Download, encoded: dict[int, tuple[object, bytes]] | None = None) -> bytes:
    """A digest of everything a page is rendered from: its class, path, template (or format) and
    data. Two pages with one digest render to the same text. The data's encoding is msgpack
    (`_ENCODER`), where a date and its ISO text, a tuple and a list, or a dataclass and a dict of
    the same fields encode alike: a page's data is a dataclass whose fields each hold one of these
    kinds only (`tests/test_incremental.py::test_page_data_fields_hold_one_kind_of_value` checks
    the classes), and the data's own class is hashed. Anything the encoder refuses (an integer over
    64 bits) falls back to the `repr`, which names every value and its type. `encoded`: the data
    objects encoded in this run, by identity (the Data page's four exports share theirs)."""
    global _ENCODER
    if _ENCODER is None:
        _ENCODER = msgspec.msgpack.Encoder(enc_hook=_tagged)
    data = page.data if isinstance(page, (Page, Download)) else page
    head = repr((type(page).__qualname__, type(data).__module__, type(data).__qualname__, page.path,
                 getattr(page, "template", None), getattr(page, "format", None)))
    digest = hashlib.blake2b(head.encode("utf-8", "surrogatepass"), digest_size=32)
    kept = encoded.get(id(data)) if encoded is not None else None
    if kept is not None and kept[0] is data:
        body = kept[1]
    else:
        try:
            body = b"m" + _ENCODER.encode(data)
        except (TypeError, ValueError, OverflowError):  # msgspec's refusals: the slow, complete form
            body = b"r" + repr(data).encode("utf-8", "surrogatepass")
        if encoded is not None:
            encoded[id(data)] = (data, body)  # the object is kept: its id is not reused meanwhile
    digest.update(body)
    return digest.digest()


def render_pages(pages: list[Page | ChartSpec | Download | Kept], config: SiteConfig,
                 progress: Progress = quiet, cache: RenderCache | None = None) -> dict[str, str | bytes]:
    """Every page as Markdown text (and every chart as SVG), by path; `progress` is told how many
    are done (progress.PAGES). With a `cache`, a page whose digest is the one rendered last time
    is not rendered again (the same text: rendering is a function of the page, the configuration
    and the templates)."""
    rendered: dict[str, str | bytes] = {}
    previous = cache.run(repr((config, _templates_stamp())).encode("utf-8", "surrogatepass")) if cache else {}
    env = cache.environment() if cache is not None else environment()
    kept: dict[str, tuple[bytes, str | bytes]] = {}
    made: dict[str, weakref.ref[Page | ChartSpec]] = {}
    encoded: dict[int, tuple[object, bytes]] = {}
    progress(PAGES, 0, len(pages))
    for done, page in enumerate(pages, 1):
        if page.path in rendered:
            raise ValueError(f"two pages map to {page.path}")
        if isinstance(page, Kept):  # only a build's page record gives these (ViewMemo.kept)
            raise TypeError(f"{page.path}: a page taken from a page record, where none is kept")
        before = previous.get(page.path)
        if cache is None or isinstance(page, Download):
            # A download is serialised again each run, from each record's texts kept by the
            # ExportMemo: the Data page's exports change with any record, and the digest of their
            # data (every record's model) cost as much as serialising them (0.12 s at 10k).
            digest = b""
        elif before is not None and cache.same_page(page):
            digest = before[0]
            cache.same += 1
        else:
            digest = _digest(page, encoded)
        if cache is not None and not isinstance(page, Download):
            made[page.path] = weakref.ref(page)
        if cache is not None and digest and before is not None and before[0] == digest:
            rendered[page.path] = before[1]
            cache.hits += 1
        elif isinstance(page, ChartSpec):
            rendered[page.path] = render_svg(page)
        elif isinstance(page, Download):  # the Data page's exports: serialised, not templated
            from .export import ExportMemo, serialise

            if cache is not None and cache.exports is None:
                cache.exports = ExportMemo()
            rendered[page.path] = serialise(page.format, page.data, cache.exports if cache is not None else None)
        else:
            rendered[page.path] = render(env, page.template, page=page.data, site=config)
        if cache is not None:
            kept[page.path] = (digest, rendered[page.path])
        progress(PAGES, done, len(pages))
    if cache is not None:
        cache.keep(kept, made)
        if cache.exports is not None:
            cache.exports.finish()
        blocks = env.globals["source_block"]
        if isinstance(blocks, BlockMemo):
            blocks.finish()
    return rendered


def streamed_pages(pages: list[Page | ChartSpec | Download | Kept], config: SiteConfig,
                   progress: Progress = quiet, record: PageRecord | None = None,
                   once: bool = False) -> dict[str, Streamed]:
    """`render_pages` made lazily: each page (and chart) is rendered only when the writer comes to
    it, and each download serialised a chunk at a time as it is written (`export.chunks`), so
    that the build never holds every page's text, nor an export whole, beside the views. The same
    bytes as `render_pages` for every path; `progress` is told as each one is made. With a
    `record` (pagerecord.py, started by the caller), a page or chart whose digest and file on disk
    are the recorded ones is taken from disk instead of rendered (downloads are always made).
    With `once`, each page's data is let go as soon as it has been made (the writer makes each
    file once): the views are freed one page at a time while the pages are written, instead of
    all at the end; making a page a second time then raises RuntimeError."""
    env = environment()
    made, total = 0, len(pages)  # (the closure holds no reference to `pages`: each page is let go alone)

    def page_chunks(held: list[Page | ChartSpec | Download | Kept]) -> Iterator[bytes]:
        nonlocal made
        if not held:
            raise RuntimeError("a page streamed once was made again")
        page = held.pop() if once else held[0]
        if isinstance(page, Kept):  # its view was not made: the file on disk is the recorded one
            if record is not None:
                record.keep(page.path, page.digest, page.data)
            yield page.data
        elif isinstance(page, Download):
            from .export import chunks

            yield from chunks(page.format, page.data)
        else:
            digest = _digest(page) if record is not None else b""
            data = record.taken(page.path, digest) if record is not None else None
            if data is None:
                data = (render_svg(page) if isinstance(page, ChartSpec)
                        else render(env, page.template, page=page.data, site=config).encode("utf-8"))
            if record is not None:
                record.keep(page.path, digest, data)
            yield data
        made += 1
        progress(PAGES, made, total)

    streamed: dict[str, Streamed] = {}
    progress(PAGES, 0, total)
    for page in pages:
        if page.path in streamed:
            raise ValueError(f"two pages map to {page.path}")
        streamed[page.path] = Streamed(functools.partial(page_chunks, [page]))
    return streamed


def generate(dataset: Dataset, config: SiteConfig, content: Path, preview: bool = False, pdfs: bool = False,
             pdf_cache: PdfCache | None = None, data_dir: Path | None = None,
             missing_fonts: list[MissingFont] | None = None, progress: Progress = quiet,
             render_cache: RenderCache | None = None, page_record: PageRecord | None = None) -> WriteResult:
    """Write the generated pages into `content` (only its generated folders are touched); with
    `pdfs`, also the PDF briefings the pages link (content/pdf/), rendered again only when their
    HTML changed (`pdf_cache`, which also counts what it served; None: no cache), and the scripts
    they print in empty boxes (no installed font) added to `missing_fonts`. `data_dir`: see
    `site_pages`. `progress` is told how many pages and PDFs are done. `render_cache`: see
    `RenderCache` (`briefing serve` keeps one). `page_record`: see `pagerecord.PageRecord`
    (`briefing build` keeps one on disk; saved once the pages are written)."""
    with frozen_heap():  # the dataset is not scanned by every garbage collection of the views
        return _generate(dataset, config, content, preview, pdfs, pdf_cache, data_dir, missing_fonts, progress,
                         render_cache, page_record)


def _generate(dataset: Dataset, config: SiteConfig, content: Path, preview: bool, pdfs: bool,
              pdf_cache: PdfCache | None, data_dir: Path | None, missing_fonts: list[MissingFont] | None,
              progress: Progress, render_cache: RenderCache | None, page_record: PageRecord | None) -> WriteResult:
    if page_record is not None and render_cache is None:  # salted as render_pages salts RenderCache
        page_record.start(repr(config).encode("utf-8", "surrogatepass"))  # (and more: pagerecord.py)
    if render_cache is not None and render_cache.history is None and data_dir is not None:
        from .changes import LoadMemo

        render_cache.history = LoadMemo()
    pending: PendingPdfs | None = None
    if pdfs:
        from .pdf import PdfCache, start_site_pdfs  # the PDF machinery is loaded only for builds that make PDFs

        # The PDFs before the views: the workers forked to make them copy this process as it is
        # (its resident memory counts as theirs), so they are forked while it holds the dataset
        # only, not every page's view. What the freed objects left is given back first. (A build's
        # page worker, split.py, is forked after them: neither waits for the other.)
        release_memory()
        # A build streams each PDF from its cache file as it is written (PdfCache.held) rather
        # than hold them all beside the views; serve keeps them (its runs share no cache reads).
        # A build's few PDFs of an edit are made while it makes the pages (`overlap`): it takes
        # them when it writes them; serve (whose process has threads: no fork) waits for them.
        # After an edit (the page record holds views: most pages are taken from disk), even the
        # PDFs' input keys are worked out by that worker, beside the pages (pdf.PendingPdfs.planned).
        edit = page_record is not None and render_cache is None and bool(page_record.old_views)
        pending = start_site_pdfs(dataset, config, content, preview=preview, cache=pdf_cache or PdfCache(None),
                                  missing_fonts=missing_fonts, progress=progress, streamed=render_cache is None,
                                  overlap=render_cache is None, ahead=edit)
    try:
        return _write(dataset, config, content, preview, pdfs, pending, data_dir, progress, render_cache, page_record)
    finally:
        if pending is not None:
            pending.stop()  # workers not waited for (an error, Ctrl-C) leave with this build


def _write(dataset: Dataset, config: SiteConfig, content: Path, preview: bool, pdfs: bool,
           pending: PendingPdfs | None, data_dir: Path | None, progress: Progress,
           render_cache: RenderCache | None, page_record: PageRecord | None) -> WriteResult:
    """`_generate`'s pages and the PDFs of `pending` (collected when they are written)."""

    def made_pdfs() -> dict[str, Content]:
        return pending.collect() if pending is not None else {}

    if render_cache is None:  # a build: each page rendered as it is written (progress.PAGES), and forgotten

        def part(families: tuple[Family, ...], told: Progress) -> dict[str, Content]:
            memo = ViewMemo()
            memo.store = page_record  # views whose input keys are recorded are taken from disk
            pages = site_pages(dataset, config, preview, pdfs=pdfs, data_dir=data_dir, memo=memo, families=families)
            # The memo (record views, whole pages) is not held through the writing: from here each
            # page's view is held by its Streamed alone, and let go once written.
            return dict(streamed_pages(pages, config, told, page_record, once=True))

        # in two processes when there are many records (split.py)
        result = build_pages(content, part, made_pdfs, records=len(dataset.incidents) + len(dataset.statements),
                             progress=progress, record=page_record)
        if page_record is not None:
            page_record.save()  # only once every page is written: the record names what is on disk
        return result
    # serve: every page's text kept for the next run
    pages = site_pages(dataset, config, preview, pdfs=pdfs, data_dir=data_dir, memo=render_cache.views,
                       history_memo=render_cache.history)
    rendered: dict[str, Content] = dict(render_pages(pages, config, progress, render_cache))
    del pages
    rendered.update(made_pdfs())
    return write_tree(content, rendered)


class BuildError(Exception):
    """MkDocs refused to build the site (its own message is in `output`)."""

    def __init__(self, output: str) -> None:
        super().__init__("mkdocs build failed")
        self.output = output


@dataclass
class Built:
    site_dir: Path
    output: str

    @property
    def partial(self) -> bool:
        """Whether MkDocs rendered only the changed pages (generator/partial.py), by its log."""
        from .partial import PARTIAL_NOTE

        return any(line.split("-  ", 1)[-1].startswith(PARTIAL_NOTE) for line in self.output.splitlines())


def _working(site_dir: Path) -> tuple[Path, Path]:
    """The folders beside the site: the one MkDocs builds into, and the previous site during the swap."""
    return site_dir.with_name(site_dir.name + ".building"), site_dir.with_name(site_dir.name + ".old")


def _shown(site_dir: Path) -> Path:
    """The site folder as the user wrote it (for messages), absolute when it names no folder (`.`)."""
    return site_dir if site_dir.name else site_dir.resolve()


def recover_site(site_dir: Path) -> bool:
    """Undo what a build killed in the middle of the swap left: with no `site_dir` but a
    `<site>.old`, the previous site goes back. Then both working folders are deleted (only when
    they are briefing's: NotOurs otherwise). True when the previous site was put back."""
    site_dir = _shown(site_dir)
    tmp, old = _working(site_dir)
    restored = False
    # Only a site briefing built goes back (a user's own `site.old/` is no leftover of a swap).
    if not (site_dir.exists() or site_dir.is_symlink()) and is_marked(old):
        put_back(old, site_dir)
        restored = True
    for leftover in (tmp, old):
        remove_marked(leftover, missing_ok=True)
    return restored


def check_site(site_dir: Path) -> None:
    """Raise NotOurs when `site_dir` exists and is not a site briefing built (no marker), so that
    the swap would delete someone else's folder. An empty folder is taken (nothing is lost)."""
    site_dir = _shown(site_dir)
    if not site_dir.exists() and not site_dir.is_symlink():
        return
    if site_dir.is_symlink():
        what = "a link (give the folder itself)"
    elif site_dir.is_dir() and (is_marked(site_dir) or not any(site_dir.iterdir())):
        return
    else:
        what = ("a file" if not site_dir.is_dir()
                else "a folder that briefing did not build (it has no " + MARKER + " marker)")
    raise NotOurs(f"refusing to replace {site_dir.as_posix()}" + ("/" if site_dir.is_dir() else "")
                  + f": it is {what}; choose another --site, or move it away (if an older briefing built it, "
                  "delete it yourself)")


#: The last line of MkDocs' traceback when the operating system refused a write, as Python
#: prints an OSError: `OSError: [Errno 28] No space left on device: 'src' -> 'dst'`.
_OS_ERROR = re.compile(r"^\w*Error: \[Errno (\d+)\] (.+?): '([^']*)'(?: -> '([^']*)')?$")


def _write_refused(output: str) -> CannotWrite | None:
    """MkDocs' own OSError for a full disk or a read-only folder, as CannotWrite naming the file
    it was writing."""
    lines = output.splitlines()
    match = _OS_ERROR.match(lines[-1]) if lines else None
    if match is None or int(match.group(1)) not in WRITE_ERRNOS:
        return None
    return CannotWrite(match.group(4) or match.group(3), OSError(int(match.group(1)), match.group(2)))


def _mkdocs_env() -> dict[str, str]:
    """The environment of `mkdocs_build`'s child process."""
    # MkDocs stamps the build date into sitemap.xml.gz (its gzip header) and into the sitemap's
    # <lastmod> when site_url is set; SOURCE_DATE_EPOCH replaces the clock there (the
    # reproducible-builds convention: a release may pass its commit time; the default is fixed).
    return {**os.environ, "PYTHONHASHSEED": "0", "NO_MKDOCS_2_WARNING": "1",
            "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "0")}


class EarlyMkDocs:
    """`mkdocs_build`'s child process started ahead of the build (`start_mkdocs`): while this
    process validates the data (one CPU), it starts Python and imports MkDocs, Material and the
    Markdown extensions by loading `config_file` once, into nothing (`python -m generator.partial
    --wait`), then waits for its arguments on its standard input. `mkdocs_build` sends them once
    the pages are written; the build itself (its configuration loaded again, every page read) is
    the same as a child started then. If this process ends or fails first, the child reads the
    end of its input and exits without a word; it also dies with a killed `briefing`."""

    def __init__(self, config_file: Path) -> None:
        self.config_file = config_file.resolve()
        # As `mkdocs_build` would start it: memory given back first (the peak a fork reports).
        release_memory()
        self.proc: subprocess.Popen[str] | None = subprocess.Popen(
            [sys.executable, "-m", "generator.partial", "--wait", str(self.config_file)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_mkdocs_env(),
            preexec_fn=preexec_die_with_parent(),
        )

    def run(self, config_file: Path, args: list[str]) -> tuple[int, str, str] | None:
        """Run MkDocs with `args` (partial.main's) in the waiting child: (exit code, standard
        output, standard error); None when the child cannot take them (it ended meanwhile, or
        `config_file` is not the one it was started for): the caller starts one as before."""
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        if config_file.resolve() != self.config_file or proc.poll() is not None:
            _end(proc)
            return None
        try:
            out, err = proc.communicate(json.dumps(args) + "\n")
        except BrokenPipeError:  # it ended between the poll and the write
            _end(proc)
            return None
        return proc.returncode, out, err

    def stop(self) -> None:
        """End the child if it was not used (its input closed: it exits), and reap it."""
        proc, self.proc = self.proc, None
        if proc is not None:
            _end(proc)


def _end(proc: subprocess.Popen[str]) -> None:
    """Close a waiting child's input (it then exits) and reap it; killed if it does not end."""
    try:
        proc.communicate("", timeout=10)
    except (subprocess.TimeoutExpired, BrokenPipeError, OSError, ValueError):
        proc.kill()
        proc.wait()


def start_mkdocs(config_file: Path) -> EarlyMkDocs | None:
    """`EarlyMkDocs` for `config_file`, when it is a file and the machine has a second CPU for
    it (on one CPU, it would only take the validation's); else None. None too when the
    environment sets BRIEFING_JOBS=1 (children.JOBS): one process at a time was asked for, and the
    child would run beside the validation."""
    if one_process_asked() or cpus_allowed() < 2 or not config_file.is_file():
        return None
    try:
        return EarlyMkDocs(config_file)
    except OSError:  # no process to spare: `mkdocs_build` starts one when it is needed
        return None


def mkdocs_build(config_file: Path, site_dir: Path, early: EarlyMkDocs | None = None) -> Built:
    """`mkdocs build --strict` into a temporary folder beside `site_dir`, swapped in on success;
    on failure the previous site is left as it was. When the previous site's build record
    (partial.RECORD) shows that only generated pages changed since, the new site starts as a copy
    of the previous one and MkDocs renders only those pages (generator/partial.py). The site holds
    briefing's marker file (`.briefing-generated`): a `site_dir` without one is not replaced (NotOurs).
    `early`: a child started ahead (`start_mkdocs`), which runs the build if it still can."""
    site_dir = site_dir.resolve()
    tmp, old = _working(site_dir)
    try:
        recover_site(site_dir)
        check_site(site_dir)
        # MkDocs empties its site folder before a build but keeps hidden files, and copies none
        # from the docs: the marker is there from the start, and stays.
        make_marked(tmp)
    except BaseException:
        if early is not None:
            early.stop()
        raise
    # `mkdocs build --strict` as MkDocs' own command runs it, with generator/partial.py's build:
    # partial when the previous site's record shows that only generated pages changed since.
    previous = ["--previous", str(site_dir)] if is_marked(site_dir) else []
    args = [*previous, "--strict", "-f", str(config_file), "-d", str(tmp)]
    try:
        done = early.run(config_file, args) if early is not None else None
        if done is None:
            # MkDocs is started by a fork (preexec_fn): its reported peak is at least this process's
            # resident size at that moment, freed memory included unless it is given back first.
            release_memory()
            proc = subprocess.run(
                # No --quiet: it hides warnings from the counter that --strict fails on (MkDocs 1.6).
                [sys.executable, "-m", "generator.partial", *args],
                capture_output=True, text=True, env=_mkdocs_env(), check=False,
                preexec_fn=preexec_die_with_parent(),  # a killed briefing takes its MkDocs with it
            )
            done = (proc.returncode, proc.stdout, proc.stderr)
    except BaseException:
        if early is not None:
            early.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    returncode, stdout, stderr = done
    if returncode != 0 or not is_marked(tmp):
        shutil.rmtree(tmp, ignore_errors=True)
        output = (stdout + stderr).strip()
        refused = _write_refused(output)
        if refused is not None:  # a full disk, a read-only folder: MkDocs' traceback says where
            raise refused
        raise BuildError(output or "MkDocs removed the site's marker file")
    swap_folder(tmp, site_dir, old)
    remove_marked(old, missing_ok=True)
    return Built(site_dir, (stdout + stderr).strip())


def _mkdocs_folders(config_file: Path) -> list[Path]:
    """The folders MkDocs reads and copies files from, as MkDocs itself resolves them from its
    configuration (INHERIT, `!ENV` and relative paths included): `docs_dir` and the theme's
    `custom_dir`. Empty when the configuration cannot be loaded (`mkdocs build` then says why)."""
    from mkdocs.config import load_config

    try:
        config = load_config(str(config_file))
    except Exception:  # noqa: BLE001  # any broken configuration: MkDocs reports it at build time
        return []
    folders = [Path(config.docs_dir)]
    custom = getattr(config.theme, "custom_dir", None)
    if custom:
        folders.append(Path(custom))
    return folders


def hand_written_problems(content: Path, mkdocs_config: Path | None = None) -> list[Problem]:
    """Symbolic links, FIFOs, devices and sockets in the hand-written part of `content` (every
    name but the generated folders, whose content `generate` replaces) and in the other folders
    MkDocs reads per `mkdocs_config` (its docs folder, the theme's `custom_dir`): MkDocs would
    copy what a link points to into the site, a key judgements link would be printed into a PDF,
    and a FIFO would hang the build. One `file-symlink` or `file-not-regular` error for each, at
    its own path; nothing is followed or opened. Hidden names are skipped, as MkDocs skips them
    (an editor's lock file is often a link)."""
    problems: list[Problem] = []

    def shown(path: Path) -> str:
        rel = os.path.relpath(path)
        return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()

    def check(path: Path, label: str) -> bool:
        """True when `path` is a real folder to look into; a problem when it is not regular."""
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return False  # gone meanwhile, or not there at all
        if stat.S_ISDIR(mode):
            return True
        try:
            refuse_type(mode)
        except Refused as exc:
            problems.append(exc.problem(label))
        return False

    def visit(folder: Path, label: str, skip: tuple[str, ...] = ()) -> None:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return
        for name in names:
            if name.startswith(".") or name in skip:
                continue
            if check(folder / name, f"{label}/{name}"):
                visit(folder / name, f"{label}/{name}")

    roots: list[tuple[Path, str, tuple[str, ...]]] = [(content, shown(content), GENERATED)]
    for folder in _mkdocs_folders(mkdocs_config) if mkdocs_config is not None and mkdocs_config.is_file() else []:
        if folder.resolve() == content.resolve():
            continue
        roots.append((folder, shown(folder), ()))
    seen: set[Path] = set()
    for root, label, skip in roots:
        key = Path(os.path.abspath(root))
        if key in seen:
            continue
        seen.add(key)
        if check(root, label):
            visit(root, label, skip)
    return sorted(set(problems))
