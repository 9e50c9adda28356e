"""PDF briefings: briefing data (views/briefing.py) → one JSON document → PDF bytes (Typst, with
the template templates/briefing.typ).

    Briefing ──typst_input──▶ JSON (data only) ──to_pdf──▶ PDF bytes (a Typst compiler reused in the process)
                                                └─ cached by the hash of template + JSON + Typst version + fonts

Data is inert text: Typst never sees a data string as markup or code. The whole briefing is
passed as one JSON document (`sys.inputs.data`), which the template decodes with `json(...)`
and prints string by string; a string inserted as content is plain text in Typst, so a title
holding `#eval("1+1")`, `*bold*`, `$x$` or `<script>` prints as those characters. The editors'
key judgements (Markdown) are rendered here by Python-Markdown, cleaned by the site's sanitizer
and turned into a small tree of paragraphs, headings, lists, emphasis, code and links
(`judgements_tree`), which the template renders node by node. Only http, https and mailto
addresses become links. The template reads no file: the chart is SVG text in the JSON.

Deterministic: the same data gives the same bytes. Nothing reads the clock: the document's date
is the briefing's date of issue, and Typst derives the PDF's identifier and font subset names
from the content.

Fonts: Typst is given the folders of the fonts the template names, plus, for a character they
lack, a folder of an installed font that has it (fonts.font_folders, from fontconfig); reading
only these is faster than reading all the system's fonts. A script that no installed font covers
prints as empty boxes: `fonts.check` finds such scripts in the printed text, and they are
returned with the PDFs as `fonts.MissingFont` warnings (the PDF is still written).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import os
import multiprocessing
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from html.parser import HTMLParser
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Literal, overload

import markdown
import msgspec

from . import fonts, geo
from .charts import GROUP_COLOURS, render_svg
from .children import Forked, cpus_allowed, pool_options
from .config import SiteConfig
from .link import Dataset, Entry
from .models import event_label
from .load import SYMLINK_MESSAGE, Refused, read_regular
from .problems import Problem, problem
from .progress import PDFS, Progress, quiet
from .render import TEMPLATES, isolate_text
from .sanitize import sanitize
from .routes import JUDGEMENTS_FOLDER
from .views import briefing as views
from .views.common import CasualtyLine, CitationView, Context, Ref
from .views.pdfs import pdf_path, site_requests
from .views.selection import Selections
from .errors import BriefingError
from .kinds import FOLDERS
from .write import CannotWrite, Content, Streamed, replace_file, writing

if TYPE_CHECKING:
    import typst

#: Paper sizes, as `briefing pdf --paper` names them and as Typst's `page(paper:)` does.
PAPERS = {"a4": "a4", "letter": "us-letter"}
TEMPLATE = TEMPLATES / "briefing.typ"
#: The default cache of rendered PDFs (relative to the working folder: outside the data folder).
CACHE_DIR = Path(".cache") / "briefing-pdf"
#: The cache keeps at least this many PDFs, and at least twice as many as one build uses.
CACHE_KEEP = 200

_PARAGRAPHS = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"\s+")
_CACHE_NAME = re.compile(r"[0-9a-f]{64}\.pdf")
_KEY_NAME = re.compile(r"[0-9a-f]{64}\.key")
_SUM_NAME = re.compile(r"[0-9a-f]{64}\.sum")
_KEY = re.compile(r"[0-9a-f]{64}")
#: The only addresses that become links in a PDF.
_LINKED = re.compile(r"(https?:|mailto:)", re.IGNORECASE)


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "unknown"


def paragraphs(value: object) -> list[str]:
    """Plain text split into paragraphs at blank lines, each on one line (a line end inside a
    paragraph is a space, as in HTML)."""
    return [_SPACES.sub(" ", p.strip()) for p in _PARAGRAPHS.split(str(value or "").strip()) if p.strip()]


@functools.lru_cache(maxsize=65536)  # names, labels and dates repeat across a site's briefings
def _text(value: str) -> str:
    """A printed string: on one line, and isolated with Unicode controls (`render.isolate_text`)
    when it holds right-to-left letters or bidi controls, so that it cannot reorder the words
    around it (the HTML had `<bdi>`)."""
    return isolate_text(_SPACES.sub(" ", value))


# --- the key judgements: Markdown → sanitized HTML → a tree the template renders -----------------


def judgements_html(text: str | None) -> str | None:
    """The editors' key judgements: Markdown → HTML → sanitized (no script, no event handler,
    no images: a PDF never fetches anything)."""
    if text is None or not text.strip():
        return None
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return sanitize(html, images=False)


#: HTML elements → the template's nodes; elements not named here keep only their content.
_NODES = {"p": "p", "h1": "h", "h2": "h", "h3": "h", "h4": "h", "h5": "h", "h6": "h", "ul": "ul", "ol": "ol",
          "li": "li", "em": "em", "i": "em", "strong": "strong", "b": "strong", "code": "code", "pre": "pre",
          "blockquote": "quote", "a": "a", "tr": "p", "dt": "p", "dd": "p"}
_EMPTY = {"br": "br", "hr": "hr"}
_VOID = {"br", "hr", "img", "wbr", "col", "area", "input"}
Node = dict[str, Any] | str


class _Tree(HTMLParser):
    """Sanitized HTML as nested nodes: {"t": kind, "c": [children]}, text as strings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: dict[str, Any] = {"t": "root", "c": []}
        self.stack: list[tuple[str, dict[str, Any]]] = [("", self.root)]
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self.stack[-1][1]
        if tag in _EMPTY:
            parent["c"].append({"t": _EMPTY[tag]})
            return
        if tag in _VOID:
            return
        kind = _NODES.get(tag, "span")
        node: dict[str, Any] = {"t": kind, "c": []}
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if _LINKED.match(href.strip()):
                node["href"] = href.strip()
            else:
                node["t"] = "span"  # a relative or other link: its text only
        if tag == "pre":
            self.pre += 1
        if tag in ("td", "th"):
            parent["c"].append(" ")
        parent["c"].append(node)
        self.stack.append((tag, node))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag in _EMPTY:
            return
        for depth in range(len(self.stack) - 1, 0, -1):  # close up to the matching element
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                if tag == "pre":
                    self.pre -= 1
                return

    def handle_data(self, data: str) -> None:
        text = data if self.pre else _SPACES.sub(" ", data)
        if not text or (not self.pre and text == " " and self.stack[-1][1]["t"] in ("root", "ul", "ol")):
            return  # whitespace between blocks
        self.stack[-1][1]["c"].append(isolate_text(text) if not self.pre else text)


def judgements_tree(text: str | None) -> list[Node] | None:
    """The editors' key judgements as nodes for the template (None when there are none): the
    sanitized HTML of `judgements_html`, its elements reduced to paragraphs, headings, lists,
    emphasis, strong, code, quotes and links (http, https and mailto only); its text stays text."""
    html = judgements_html(text)
    if html is None:
        return None
    parser = _Tree()
    parser.feed(html)
    parser.close()
    nodes: list[Node] = parser.root["c"]
    return nodes


class JudgementsError(BriefingError):
    """A key judgements file that is not read (a link, a FIFO, over the size limit, not UTF-8):
    `problem` says where and why, without a word of what it holds or points to (exit 1)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.format_text())
        self.problem = problem

    def lines(self, kept: str = "") -> list[str]:
        return [self.problem.format_text(), *([kept] if kept else [])]


def read_judgements(content: Path, name: str) -> str | None:
    """`<content>/briefings/<name>.md`, the editors' key judgements for the briefing `name`,
    when there is such a file. It is printed in a PDF, so only a regular file is read (never a
    link, which could point at any file of the machine that builds), and at most MAX_FILE_BYTES;
    anything else at that name raises JudgementsError."""
    folder = content / JUDGEMENTS_FOLDER
    if folder.is_symlink():  # a link to a folder elsewhere: its files are not inside our folders
        raise JudgementsError(Refused("file-symlink", SYMLINK_MESSAGE).problem(folder.as_posix()))
    path = folder / f"{name}.md"
    if not (path.is_symlink() or path.exists()):
        return None
    try:
        raw = read_regular(path)
    except Refused as exc:
        raise JudgementsError(exc.problem(path.as_posix())) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise JudgementsError(problem("file-encoding", path.as_posix(), 1, 1, "judgements")) from None


# --- the Typst input: one JSON document -----------------------------------------------------------

#: Fields the template does not print (and that need not be JSON).
_LEFT_OUT = {"sort_key", "permalink"}
#: Fields of plain text that the template prints as paragraphs.
_PARAGRAPH_FIELDS = {"summary", "quote", "paraphrase", "description"}


def _address(url: str | None) -> dict[str, Any] | None:
    """A source's address: printed as typed, a link only when it is http, https or mailto."""
    if url is None:
        return None
    return {"text": _text(url), "href": url, "linked": bool(_LINKED.match(url))}


#: A group that charts.GROUP_COLOURS does not know (a site's own): drawn in grey.
OTHER_COLOUR = "#666666"
#: How the map's legend names each location precision (geo.PRECISIONS), in the legend's order.
PRECISION_LABELS = {
    "exact": "exactly",
    "near": "near the place shown",
    "area": "somewhere in an area around it",
    "region": "only its region",  # its own precision (ACLED geo_precision 3), or no coordinates of its own
}


def map_input(data: views.MapData) -> dict[str, Any]:
    """The map section's data: the SVG (geo.render_map: numbers and shapes only) and what the
    template prints around it — the legend's groups and precisions with their counts, the scale
    bar, and the counts of incidents placed and not placed."""
    dots = [geo.Dot(p.lon, p.lat, GROUP_COLOURS.get(p.group, OTHER_COLOUR),
                    p.precision if p.precision in geo.PRECISIONS else views.UNSTATED_PRECISION) for p in data.points]
    drawn = geo.render_map(dots, [(lon, lat) for lat, lon in data.extent], fit_countries=data.fit_countries)
    by_group: dict[str, int] = {}
    by_precision: dict[str, int] = {}
    for point, dot in zip(data.points, dots, strict=True):
        by_group[point.group] = by_group.get(point.group, 0) + 1
        by_precision[dot.precision] = by_precision.get(dot.precision, 0) + 1
    return {
        "svg": drawn.svg,
        "ratio": round(drawn.projection.height / drawn.projection.width, 4),
        "points": drawn.points,
        "own": data.own,
        "by_region": data.by_region,
        "unplaced": data.unplaced,
        "groups": [{"label": event_label(g), "colour": GROUP_COLOURS.get(g, OTHER_COLOUR), "count": by_group[g]}
                   for g in data.groups],
        "precisions": [{"label": label, "radius": round(geo.PRECISIONS[k][0] / drawn.projection.width, 5),
                        "opacity": geo.PRECISIONS[k][1], "dashed": k == "region", "count": by_precision[k]}
                       for k, label in PRECISION_LABELS.items() if k in by_precision],
        "scale": {"km": drawn.scale.km, "share": drawn.scale.share},
        "centre": round(drawn.projection.lat0, 1),
        "outlines": f"1:{drawn.resolution}",
        "colours": {"sea": geo.SEA, "land": geo.LAND, "focus": geo.FOCUS, "border": geo.BORDER},
    }


def _plain(value: Any) -> Any:
    """A view value as JSON data: dataclasses as objects, tuples as lists, dates as ISO text and
    every string as printed text (`_text`)."""
    if isinstance(value, str):
        return _text(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, views.Item):
        return {"view": _plain(value.view), "anchor": value.anchor, "refs": _plain(value.refs)}
    if isinstance(value, views.Chart):
        out = {f.name: _plain(getattr(value, f.name)) for f in fields(value) if f.name != "spec"}
        return {**out, "svg": render_svg(value.spec).decode("utf-8"), "alt": _text(value.spec.alt)}
    if isinstance(value, views.MapData):
        return map_input(value)
    if isinstance(value, CasualtyLine):
        subject = value.subject.text if isinstance(value.subject, Ref) else value.subject
        return {"subject": _text(subject), "counts": _plain(value.counts)}
    if isinstance(value, CitationView):
        out = {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
        return {**out, "url": _address(value.url), "archive_url": _address(value.archive_url)}
    if is_dataclass(value) and not isinstance(value, type):
        out = {}
        for name in _field_names(type(value)):
            item = getattr(value, name)
            out[name] = [_text(p) for p in paragraphs(item)] if name in _PARAGRAPH_FIELDS else _plain(item)
        return out
    raise TypeError(f"no JSON form for {type(value).__name__}")


@functools.lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    """A view dataclass's fields that the PDF is given, in order (`fields` is slow to call for
    each of the thousands of values of a briefing)."""
    return tuple(f.name for f in fields(cls) if f.name not in _LEFT_OUT)


@dataclass(frozen=True)
class Document:
    """What Typst is given for one PDF: the briefing as JSON, the date it is issued (the PDF's
    date) and the font folders it is laid out with (None: the system's fonts)."""

    data: str
    issued: date
    folders: tuple[str, ...] | None
    printed: str  # the text it prints, for fonts.check


def _printed(value: Any, key: str = "") -> list[str]:
    """Every string of the JSON data that the PDF may print (not the chart's SVG or an address)."""
    if isinstance(value, str):
        return [] if key in ("svg", "href") else [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _printed(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in _printed(v, key)]
    return []


def typst_input(briefing: views.Briefing, paper: str = "a4") -> Document:
    """The whole briefing as the template's input."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper size {paper!r}; use one of {', '.join(PAPERS)}")
    data = _plain(briefing)
    issued = date.fromisoformat(briefing.issued_iso)
    data.update(
        doc_title=f"{isolate_text(briefing.title)} · {isolate_text(briefing.period.title)}",
        paper=PAPERS[paper],
        issued_date=[issued.year, issued.month, issued.day],
        judgements=judgements_tree(briefing.judgements),
        generator=f"briefing {_version('briefing')}",
        timeline_omitted=briefing.timeline_omitted,
        possibly_total=briefing.possibly_total,
    )
    printed = "\n".join(_printed(data))
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Document(text, issued, fonts.font_folders(set(printed)), printed)


@functools.lru_cache(maxsize=1)
def _template() -> bytes:
    return TEMPLATE.read_bytes()


def cache_key(document: Document) -> str:
    """What a rendered PDF depends on: the template, the JSON data (every page option is in it),
    the Typst version that lays it out and the font folders it is given."""
    digest = hashlib.sha256()
    digest.update(f"typst {_version('typst')}\n{document.folders!r}\n".encode())
    digest.update(hashlib.sha256(_template()).digest())
    digest.update(document.data.encode("utf-8"))
    return digest.hexdigest()


# --- the input key: a cached PDF found without making its document -------------------------------

#: Packages whose version can change what a briefing prints (this one's is printed; Typst lays it
#: out; Python-Markdown and nh3 make the key judgements; pandas and numpy compute the figures;
#: pydantic makes the records).
_LIBRARIES = ("briefing", "typst", "markdown", "nh3", "pandas", "numpy", "pydantic")


def _fonts_state() -> bytes:
    """The installed fonts as Typst may be given them: fontconfig's folders (fonts.font_folders
    chooses among them) with the name, size and modification time of each file in them, so that
    installing, removing or upgrading a font changes every input key."""
    catalog = fonts._catalog()  # the list fonts.font_folders chooses from
    if catalog is None:
        return b"no fontconfig"
    lines = [f"base {catalog.base!r}"]
    for folder in catalog.folders:
        try:
            found = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(folder))
        except OSError as exc:
            found = [(f"unreadable {exc.errno}", 0, 0)]
        lines.append(f"{folder} {found!r}")
    return "\n".join(lines).encode("utf-8", "surrogateescape")


@functools.lru_cache(maxsize=1)
def _environment() -> bytes:
    """What every PDF depends on besides its data, as a digest: this package's files (its code,
    the template, the map's outlines), the versions of Python and of the libraries that shape the
    output, and the installed fonts. Changing any of them finds no PDF by its input key: each
    document is made again, and its PDF is still found by its content key when it did not change."""
    digest = hashlib.sha256(f"python {sys.version}\n".encode())
    for name in _LIBRARIES:
        digest.update(f"{name} {_version(name)}\n".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(hashlib.sha256(_fonts_state()).digest())
    return digest.digest()


class InputKeys:
    """Input keys of a site's briefings (`key`): a digest of everything a briefing is made from —
    the records `views.briefing.reads` names, the dataset's actors, regions and sources (and any
    other kind but incidents and statements), the site's settings, the preview setting, the key
    judgements' text, the paper size and `_environment` — so that a PDF whose inputs did not change
    is found in the cache (`PdfCache.lookup`) without making its view, map or Typst input. Any
    input that can change a PDF's bytes is in its key; what the briefing does not read (a record
    outside its months, another region's) is not, so an edit renders only the PDFs that show it."""

    def __init__(self, ctx: Context, config: SiteConfig, selections: Selections, paper: str = "a4") -> None:
        self.ctx = ctx
        self.selections = selections
        self.records: dict[int, tuple[object, bytes]] = {}  # id(record) -> (record, its digest)
        self._issued: str | None = None
        digest = hashlib.sha256(_environment())
        digest.update(repr((config, sorted(ctx.event_types.items()), ctx.preview, paper)).encode())
        dataset = ctx.dataset
        for kind in FOLDERS:
            if kind in ("incidents", "statements"):
                continue
            for record_id, entry in sorted(dataset.kind(kind).items()):
                digest.update(f"{kind} {record_id} ".encode() + self._record(entry) + b"\n")
        self.world = digest.digest()

    def _record(self, entry: Entry[Any]) -> bytes:
        """A digest of the record: the one validation gave it from its file's bytes
        (Dataset.record_digest; the same bytes give the same record under the same code and
        settings, which `world` holds), else that of its repr, which names every field and value
        (pydantic models of plain values, dates and FuzzyDates). Each form has its own prefix."""
        record = entry.record
        kept = self.records.get(id(record))
        if kept is None or kept[0] is not record:
            found = self.ctx.dataset.record_digest(record)
            made = b"f" + found if found is not None else b"r" + hashlib.sha256(repr(record).encode()).digest()
            kept = self.records[id(record)] = (record, made)
        return kept[1]

    def _whole_issue_date(self) -> str:
        if self._issued is None:
            found = views.issue_date(self.ctx, [])
            self._issued = found.isoformat() if found else "none"
        return self._issued

    def key(self, request: views.Request, judgements: str | None) -> str | None:
        """The input key of the site's briefing `request` with the key judgements `judgements`;
        None when `views.briefing.reads` cannot say what it reads (it is then made to be found)."""
        reads = views.reads(self.ctx, request, self.selections)
        if reads is None:
            return None
        digest = hashlib.sha256(self.world)
        digest.update(repr((request, judgements, reads.started, reads.undated, len(reads.records))).encode())
        if reads.empty:
            digest.update(self._whole_issue_date().encode())
        for entry in reads.records:
            digest.update(self._record(entry))
        return digest.hexdigest()


@functools.lru_cache(maxsize=8)
def _compiler(folders: tuple[str, ...] | None) -> typst.Compiler:
    """One Typst compiler per set of font folders, reused for every document of the process
    (it keeps its fonts and caches between documents)."""
    import typst  # imported here: only PDFs need it

    if folders is None:  # no fontconfig: the system's fonts, as Typst finds them
        book = typst.Fonts(include_system_fonts=True, include_embedded_fonts=False)
    else:
        book = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=list(folders))
    return typst.Compiler(root=str(TEMPLATES), font_paths=book, ignore_system_fonts=True)


def to_pdf(document: Document) -> bytes:
    """Lay the document out and return the PDF bytes: tagged (for screen readers), fonts
    embedded (subset), dated by the date of issue, the same bytes for the same document."""
    import typst

    compiler = _compiler(document.folders)
    stamp = int((document.issued - date(1970, 1, 1)).total_seconds())
    try:
        pdf = compiler.compile(_template(), format="pdf", sys_inputs={"data": document.data}, timestamp=stamp)
    except typst.TypstError as exc:  # a bug of ours (data cannot cause one): say where
        raise RuntimeError(f"Typst could not lay out the briefing: {exc.message}\n{exc.diagnostic}") from None
    assert isinstance(pdf, bytes)
    return pdf


def _kept_file(path: Path, digest: bytes) -> Content:
    """The cache file at `path`, read when it is written, which must have the BLAKE2b-256 `digest`
    (CannotWrite otherwise: a cache changed meanwhile by another build is not published)."""

    def chunks() -> Iterator[bytes]:
        try:
            kept = read_regular(path, limit=None)  # no link, no FIFO: as `PdfCache.get` reads it
        except Refused:
            kept = b""
        if hashlib.blake2b(kept, digest_size=32).digest() != digest:
            raise CannotWrite(path, OSError(errno.ESTALE, "the PDF cache changed while the site was built"))
        yield kept

    return Streamed(chunks)


@dataclass
class PdfCache:
    """Rendered PDFs by the hash of their Typst input (`<folder>/<hash>.pdf`), so that a build renders
    again only what changed. A cache miss only costs time: the bytes are the same either way."""

    folder: Path | None = CACHE_DIR
    hits: int = 0
    misses: int = 0
    used: set[str] = field(default_factory=set)
    #: The first write that failed (a full disk, a read-only folder): the build goes on without
    #: caching, and says so.
    failed: CannotWrite | None = None

    def get(self, key: str) -> bytes | None:
        """The cached PDF, or None. A PDF is served only when its bytes hash to the hash `put`
        wrote beside it (`<key>.sum`): a PDF edited by hand, truncated or planted (or one of a
        cache written before the hashes) is made again, never published."""
        self.used.add(key)
        if self.folder is None:
            return None
        path = self.folder / f"{key}.pdf"
        try:
            data = read_regular(path, limit=None)  # a link here could publish any file as a PDF
            kept_sum = read_regular(self.folder / f"{key}.sum", limit=64)
        except Refused:
            return None
        if not data.startswith(b"%PDF-") or kept_sum != _pdf_sum(data):  # not the PDF `put` kept
            return None
        with contextlib.suppress(OSError):  # a read-only cache still serves
            os.utime(path)  # most recently used: pruned last
        return data

    def lookup(self, inputs: str) -> bytes | None:
        """The PDF rendered before from the same inputs (`input_key`), or None: `<inputs>.key`
        names the PDF's own key (`cache_key`), and the PDF is `get`'s. A key file can only ever
        point at another of the cache's PDFs."""
        found = self.lookup_keyed(inputs)
        return found[1] if found is not None else None

    def lookup_keyed(self, inputs: str) -> tuple[str, bytes] | None:
        """`lookup`, with the PDF's own key (`cache_key`): (key, PDF), or None."""
        if self.folder is None:
            return None
        self.used.add(inputs)
        path = self.folder / f"{inputs}.key"
        try:
            key = read_regular(path, limit=64).decode("ascii", "replace")
        except Refused:
            return None
        if not _KEY.fullmatch(key):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)
        data = self.get(key)
        return (key, data) if data is not None else None

    def held(self, key: str, data: bytes) -> Content:
        """The PDF `data`, whose key is `key`, as the site's writer takes it: read back from its
        cache file as it is written (`Streamed`), so that a build does not hold every PDF in
        memory while it makes the pages; `data` itself when the cache does not hold the file (no
        cache, a failed write, a PDF not kept for a missing font). The file read back must be the
        same bytes (its digest is kept): a cache changed meanwhile by another build stops the
        write (CannotWrite) rather than publish other bytes."""
        if self.folder is None or self.failed is not None:
            return data
        path = self.folder / f"{key}.pdf"
        digest = hashlib.blake2b(data, digest_size=32).digest()

        return _kept_file(path, digest)

    def held_digest(self, key: str, digest: bytes) -> Content:
        """`held` of the PDF whose key is `key` and BLAKE2b-256 `digest`, as a worker read it from
        this cache (`_planned`): its cache file, read when it is written, which must have those
        bytes (CannotWrite otherwise, as `held`). Only for a cache with a folder."""
        assert self.folder is not None, "a PDF a worker found in the cache's folder"
        path = self.folder / f"{key}.pdf"

        return _kept_file(path, digest)

    def link(self, inputs: str, key: str) -> None:
        """Note that the inputs `inputs` gave the PDF `key` (`<inputs>.key`, written as `put` writes)."""
        if self.folder is None or self.failed is not None:
            return
        self.used.add(inputs)
        try:
            with writing(self.folder):
                self.folder.mkdir(parents=True, exist_ok=True)
            replace_file(self.folder / f"{inputs}.key", key.encode("ascii"))
        except CannotWrite as exc:
            self.failed = exc

    def put(self, key: str, data: bytes) -> None:
        """Keep a rendered PDF (written to a temporary name, then renamed: never half a file).
        A cache that cannot be written is noted in `failed`, once, and not tried again."""
        if self.folder is None or self.failed is not None:
            return
        target = self.folder / f"{key}.pdf"
        try:
            with writing(self.folder):
                self.folder.mkdir(parents=True, exist_ok=True)
            replace_file(target, data)  # a random O_EXCL name: never written through a planted link
            replace_file(self.folder / f"{key}.sum", _pdf_sum(data))  # after it: `get` checks the PDF by it
        except CannotWrite as exc:
            self.failed = exc

    def prune(self) -> None:
        """Forget the least recently used PDFs beyond max(CACHE_KEEP, twice what this build used)."""
        if self.folder is None or not self.folder.is_dir():
            return
        # Only the cache's own files, named by their hash: whatever else the folder holds is not
        # ours to delete (`--pdf-cache` may be given any folder).
        for pattern, name in (("*.pdf", _CACHE_NAME), ("*.key", _KEY_NAME), ("*.sum", _SUM_NAME)):
            files = sorted((p for p in self.folder.glob(pattern) if name.fullmatch(p.name) and p.is_file()
                            and not p.is_symlink()), key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
            keep = max(CACHE_KEEP, 2 * len(self.used))
            for stale in files[keep:]:
                if stale.stem not in self.used:
                    with contextlib.suppress(OSError):  # a read-only cache is only not pruned
                        stale.unlink(missing_ok=True)


def _pdf_sum(data: bytes) -> bytes:
    """What `<key>.sum` holds for the PDF `data`: its BLAKE2b-256, in hex."""
    return hashlib.blake2b(data, digest_size=32).hexdigest().encode("ascii")


def _all_fonts(document: Document) -> bool:
    """Whether an installed font has every character the document prints. A PDF printed with
    empty boxes is not cached: once the missing font is installed, the next build renders it
    again."""
    return document.printed.isascii() or not fonts.uncovered(set(document.printed))


def render_many(documents: dict[str, Document], cache: PdfCache | None = None, workers: int | None = None,
                progress: Progress = quiet) -> dict[str, bytes]:
    """Every document (by output path) as PDF bytes: from the cache when it has them, the rest
    rendered, in parallel processes when there are several (layout is CPU-bound; a document's
    size is bounded by views.briefing.TIMELINE_CAP). With `workers=1` everything is rendered in
    this process. `progress` is told how many of the documents to render are done
    (progress.PDFS; those from the cache are not counted)."""
    cache = cache or PdfCache(None)
    out: dict[str, bytes] = {}
    todo: dict[str, Document] = {}  # cache key -> document, each distinct document once
    keys: dict[str, str] = {}
    for path, document in sorted(documents.items()):
        key = keys[path] = cache_key(document)
        cached = cache.get(key)
        if cached is not None:
            cache.hits += 1
            out[path] = cached
        elif key not in todo:
            todo[key] = document
    cache.misses += len(todo)
    rendered: dict[str, bytes] = {}
    workers = workers if workers is not None else min(len(todo), cpus_allowed())
    if _compiler.cache_info().currsize:
        # Typst has run in this process: its threads may hold locks that a forked worker would
        # inherit held, and wait on forever. Render here instead (the same bytes).
        workers = 1
    progress(PDFS, 0, len(todo))
    if workers <= 1:
        for key, document in todo.items():
            rendered[key] = to_pdf(document)
            progress(PDFS, len(rendered), len(todo))
            if _all_fonts(document):
                cache.put(key, rendered[key])  # at once: an interrupted build keeps what it has made
    else:
        # The longest documents first, so that no worker is left with a long one at the end; each
        # worker keeps its compiler (and its fonts) from one document to the next.
        order = sorted(todo, key=lambda k: (-len(todo[k].data), k))
        with ProcessPoolExecutor(max_workers=workers, **pool_options()) as pool:  # they die with us
            for key, data in zip(order, pool.map(to_pdf, [todo[k] for k in order]), strict=True):
                rendered[key] = data
                progress(PDFS, len(rendered), len(todo))
                if _all_fonts(todo[key]):
                    cache.put(key, data)
    for path in documents:
        out.setdefault(path, rendered.get(keys[path], b""))
    cache.prune()
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class Rendered:
    """One briefing: what it shows and its PDF."""

    briefing: views.Briefing
    data: bytes
    missing_fonts: tuple[fonts.MissingFont, ...] = ()  # scripts it prints in empty boxes


def briefing_pdf(dataset: Dataset, config: SiteConfig, request: views.Request, *, content: Path | None = None,
                 preview: bool = False, paper: str = "a4", cache: PdfCache | None = None) -> Rendered:
    """One briefing as PDF bytes; its key judgements from `<content>/briefings/<name>.md`.
    Raises views.UnknownId for a region or actor the data does not have."""
    ctx = Context(dataset, preview=preview, event_types=config.all_event_types())
    judgements = read_judgements(content, request.name) if content is not None else None
    briefing = views.build(ctx, request, config, judgements)
    document = typst_input(briefing, paper)
    data = render_many({"briefing.pdf": document}, cache, workers=1)["briefing.pdf"]
    return Rendered(briefing, data, tuple(fonts.check([document.printed], dataset)))


@dataclass(frozen=True)
class _SiteJob:
    """The briefings of a site that the cache did not have by their input keys, and what they are
    made from: read by `_make` in this process or in workers forked from it (a fork gives each
    worker this state as it is, without pickling the dataset)."""

    ctx: Context
    config: SiteConfig
    selections: Selections
    requests: tuple[views.Request, ...]
    judgements: tuple[str | None, ...]
    folder: Path | None  # the cache's folder, where a PDF is looked for by its content key
    printed: tuple[int, ...] = ()  # how many records each briefing prints (see _chunks)


@dataclass(frozen=True)
class _Made:
    """One briefing of a `_SiteJob`: its PDF and what the parent does with it."""

    path: str
    data: bytes
    key: str  # cache_key of its document
    cached: bool  # found in the cache by that key (else rendered)
    all_fonts: bool  # every character it prints has a font (only then is it cached)
    printed: str  # the text it prints when some character has no font (for fonts.check), else ""


def _make(job: _SiteJob, index: int) -> _Made:
    """Make one briefing of `job`: its view, its Typst input, and its PDF, from the cache by the
    input's content key or rendered. Only the parent writes to the cache."""
    request = job.requests[index]
    document = typst_input(views.build(job.ctx, request, job.config, job.judgements[index], None, job.selections))
    key = cache_key(document)
    data = PdfCache(job.folder).get(key)
    cached = data is not None
    if data is None:
        data = to_pdf(document)
    all_fonts = _all_fonts(document)
    return _Made(pdf_path(request), data, key, cached, all_fonts, "" if all_fonts else document.printed)


#: How many printed records a worker makes PDFs of before a fresh fork takes over (and at most
#: how many PDFs): Typst keeps what it laid out for later compilations, and does not give it back:
#: a worker grew by about 250 MB for each 1,000-record briefing it made (100k incidents). Each fresh
#: worker loads Typst's fonts again (about a second of CPU), so a worker makes as many as fit.
CHILD_RECORDS = 2400
CHILD_PDFS = 64

#: The job of the workers `site_pdfs` forks, set just before they are started.
_FORKED: _SiteJob | None = None


def _make_forked(indexes: range) -> list[_Made]:
    """`_make` of a run of briefings in a forked worker, with the job it inherited."""
    assert _FORKED is not None, "site_pdfs's workers are forked after the job is set"
    return [_make(_FORKED, index) for index in indexes]


def _chunks(printed: tuple[int, ...]) -> list[range]:
    """The briefings in runs, each made by one fresh worker: consecutive briefings until their
    printed records would pass CHILD_RECORDS or their number CHILD_PDFS (a heavier briefing alone)."""
    runs: list[range] = []
    start = total = 0
    for index, count in enumerate(printed):
        if index > start and (total + count > CHILD_RECORDS or index - start >= CHILD_PDFS):
            runs.append(range(start, index))
            start, total = index, 0
        total += count
    if start < len(printed):
        runs.append(range(start, len(printed)))
    return runs


def _made(job: _SiteJob, workers: int) -> Iterator[_Made]:
    """Every briefing of `job`, in order: in this process (`workers` 0), or in up to `workers`
    forked processes at a time, each making whole briefings (view, Typst input and PDF: all
    CPU-bound), so that no process holds more than the documents it is making. One CPU (or
    BRIEFING_JOBS=1: `workers` 1) still takes fresh workers, one at a time while this process
    waits: one process busy at once, and Typst's memory given back after each run."""
    count = len(job.requests)
    fork = "fork" in multiprocessing.get_all_start_methods() and sys.platform.startswith("linux")
    if workers <= 0 or count <= 1 or not fork or _compiler.cache_info().currsize:
        # (Typst has run in this process: its threads may hold locks that a forked worker would
        # inherit held, and wait on forever. Everything is made here instead: the same bytes.)
        for index in range(count):
            yield _make(job, index)
        return
    global _FORKED  # inherited by the workers: a fork copies the job, nothing is pickled
    _FORKED = job
    # One run of briefings a worker, each batch of `workers` runs in fresh forks: Typst's memory
    # would otherwise grow with every PDF (about 3 GB a worker at 100k incidents).
    # (multiprocessing.Pool's maxtasksperchild hung at the end of a build: its terminate and close
    # waited on the task queue's lock; ProcessPoolExecutor refuses max_tasks_per_child with fork.)
    runs = _chunks(job.printed if len(job.printed) == count else (0,) * count)
    try:
        for first in range(0, len(runs), workers):
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                     **pool_options()) as pool:  # they die with us
                for made in pool.map(_make_forked, runs[first:first + workers]):
                    yield from made
    finally:
        _FORKED = None


@overload
def site_pdfs(dataset: Dataset, config: SiteConfig, content: Path, *, preview: bool = False,
              cache: PdfCache | None = None, workers: int | None = None,
              missing_fonts: list[fonts.MissingFont] | None = None, progress: Progress = quiet,
              streamed: Literal[False] = False) -> dict[str, bytes]: ...


@overload
def site_pdfs(dataset: Dataset, config: SiteConfig, content: Path, *, preview: bool = False,
              cache: PdfCache | None = None, workers: int | None = None,
              missing_fonts: list[fonts.MissingFont] | None = None, progress: Progress = quiet,
              streamed: bool) -> dict[str, Content]: ...


def site_pdfs(dataset: Dataset, config: SiteConfig, content: Path, *, preview: bool = False,
              cache: PdfCache | None = None, workers: int | None = None,
              missing_fonts: list[fonts.MissingFont] | None = None, progress: Progress = quiet,
              streamed: bool = False) -> dict[str, bytes] | dict[str, Content]:
    """Every PDF the site offers (views.pdfs.site_requests), by path in the content folder.
    The scripts that no installed font covers in any of them are added to `missing_fonts`.
    With `streamed`, each PDF the cache holds is given as its cache file, read when it is
    written (`PdfCache.held`): the same bytes, without every PDF in memory at once.

    A PDF is taken from the cache by its input key (`InputKeys`) when its inputs did not change;
    the others are made (`_make`), in `workers` processes (default: one per CPU), and the PDF of
    each is still taken from the cache when its Typst input is one the cache has."""
    return start_site_pdfs(dataset, config, content, preview=preview, cache=cache, workers=workers,
                           missing_fonts=missing_fonts, progress=progress, streamed=streamed).collect()


def start_site_pdfs(dataset: Dataset, config: SiteConfig, content: Path, *, preview: bool = False,
                    cache: PdfCache | None = None, workers: int | None = None,
                    missing_fonts: list[fonts.MissingFont] | None = None, progress: Progress = quiet,
                    streamed: bool = False, overlap: bool = False, ahead: bool = False) -> PendingPdfs:
    """`site_pdfs`, whose PDFs `collect` gives. With `overlap`, when the briefings to make fit in
    one fresh worker a CPU (an edit: a few months' briefings), they are made by workers forked
    now, which this process does not wait for: it makes the pages meanwhile, and `collect`
    takes the PDFs when the site's writer needs them (`stop` ends the workers if it never
    does). Otherwise (and without `overlap`) every PDF is made before this returns, as
    `site_pdfs` makes them: the workers are forked while this process holds no page's view.

    With `ahead` too (a build after an edit, `streamed`, with a cache folder), even the input keys
    and the cache's look-ups are left to one worker forked now (`_planned`), which then makes the
    briefings the cache lacks: this process goes on to its pages at once. If that worker fails in
    any way, `collect` does it all here (the same PDFs, or the same error)."""
    if ahead and overlap and streamed and cache is not None and cache.folder is not None and _fork_wanted(workers):
        pending = PendingPdfs.planned(dataset, config, content, preview, cache, workers, missing_fonts, progress)
        if pending is not None:
            return pending
    ctx = Context(dataset, preview=preview, event_types=config.all_event_types(), pdfs=True)
    selections = Selections(ctx)  # the figures' tables are made only if a briefing is made
    cache = cache or PdfCache(None)
    keys = InputKeys(ctx, config, selections) if cache.folder is not None else None
    out: dict[str, Content] = {}
    todo: list[tuple[views.Request, str | None, str | None]] = []  # request, judgements, input key
    for request in site_requests(ctx):
        judgements = read_judgements(content, request.name)
        key = keys.key(request, judgements) if keys is not None else None
        cached = cache.lookup_keyed(key) if key is not None else None
        if cached is not None:
            # Kept only when every character it prints had a font (see below): nothing to warn of.
            cache.hits += 1
            out[pdf_path(request)] = cache.held(*cached) if streamed else cached[1]
        else:
            todo.append((request, judgements, key))
    requests = tuple(r for r, _, _ in todo)
    if requests:
        selections.prepare([r.region for r in requests])  # made once, before any worker is forked
    job = _SiteJob(ctx, config, selections, requests, tuple(j for _, j, _ in todo), cache.folder,
                   tuple(views.printed_count(selections, r) for r in requests))

    def finish(made_all: Iterable[_Made]) -> dict[str, Content]:
        """The PDFs of `out` and of `made_all` (those of `todo`, in order), kept in the cache."""
        return _finish(dataset, cache, out, [inputs for _, _, inputs in todo], made_all, streamed, missing_fonts,
                       progress)

    workers = workers if workers is not None else cpus_allowed()
    runs = _chunks(job.printed)
    if overlap and requests and _overlap_wanted(len(runs), workers):
        return PendingPdfs(finish, job, runs)
    return PendingPdfs(finish, job, [], finish(_made(job, workers)))


def _finish(dataset: Dataset, cache: PdfCache, out: dict[str, Content], inputs_all: list[str | None],
            made_all: Iterable[_Made], streamed: bool, missing_fonts: list[fonts.MissingFont] | None,
            progress: Progress) -> dict[str, Content]:
    """The PDFs of `out` (taken from the cache) and of `made_all` (made, in order; `inputs_all`:
    the input key of each), kept in the cache, by path; the missing fonts told, the cache pruned."""
    progress(PDFS, 0, len(inputs_all))
    unprinted: list[str] = []
    for done, (inputs, made) in enumerate(zip(inputs_all, made_all, strict=True), start=1):
        cache.used.add(made.key)
        if made.cached:
            cache.hits += 1
        else:
            cache.misses += 1
            if made.all_fonts:  # a PDF printed with empty boxes is not kept (see _all_fonts)
                cache.put(made.key, made.data)  # at once: an interrupted build keeps what it has made
        out[made.path] = cache.held(made.key, made.data) if streamed and made.all_fonts else made.data
        if made.all_fonts and inputs is not None:
            cache.link(inputs, made.key)  # after its PDF: a key file names only a PDF kept before it
        if made.printed:
            unprinted.append(made.printed)
        progress(PDFS, done, len(inputs_all))
    if missing_fonts is not None:
        # Only the texts with a character no font has can name a missing script (fonts.check).
        missing_fonts.extend(fonts.check(unprinted, dataset))
    cache.prune()
    return dict(sorted(out.items()))


def _fork_wanted(workers: int | None) -> bool:
    """Whether the site's PDFs can be left to a worker forked now (`start_site_pdfs`'s `ahead`):
    on Linux with a CPU to spare, and while Typst has not run here (see `_overlap_wanted`)."""
    workers = workers if workers is not None else cpus_allowed()
    return _overlap_wanted(1, workers)


class _Hit(msgspec.Struct, array_like=True):
    """A briefing `_planned` found in the cache by its input key: its path, its input key, the
    PDF's own key, and the BLAKE2b-256 of the PDF's bytes (which `PdfCache.held_digest` checks)."""

    path: str
    inputs: str
    key: str
    digest: bytes


class _Plan(msgspec.Struct, array_like=True):
    """What `_planned`'s worker sends back: the briefings found by their input keys, and the
    others made (in order), each with its input key (None: it has none)."""

    hits: list[_Hit]
    inputs: list[str | None]
    made: list[_Made]


def _planned(dataset: Dataset, config: SiteConfig, content: Path, preview: bool, folder: Path,
             workers: int | None) -> bytes:
    """In the worker of `PendingPdfs.planned`: `start_site_pdfs`'s work up to the made PDFs (the
    input keys, the cache's look-ups, the briefings it lacks made), as a `_Plan` in msgpack.
    It only reads the cache (its PDFs are kept, and key files written, by the parent)."""
    cache = PdfCache(folder)
    ctx = Context(dataset, preview=preview, event_types=config.all_event_types(), pdfs=True)
    selections = Selections(ctx)
    keys = InputKeys(ctx, config, selections)
    hits: list[_Hit] = []
    todo: list[tuple[views.Request, str | None, str | None]] = []
    for request in site_requests(ctx):
        judgements = read_judgements(content, request.name)
        key = keys.key(request, judgements)
        cached = cache.lookup_keyed(key) if key is not None else None
        if cached is not None and key is not None:
            hits.append(_Hit(pdf_path(request), key, cached[0], hashlib.blake2b(cached[1], digest_size=32).digest()))
        else:
            todo.append((request, judgements, key))
    requests = tuple(r for r, _, _ in todo)
    if requests:
        selections.prepare([r.region for r in requests])
    job = _SiteJob(ctx, config, selections, requests, tuple(j for _, j, _ in todo), folder,
                   tuple(views.printed_count(selections, r) for r in requests))
    workers = workers if workers is not None else cpus_allowed()
    # One run of briefings (an edit's, `_chunks`) is made here, as one fresh worker makes it; more
    # are shared out among fresh workers forked from here, as `site_pdfs` does (Typst's memory
    # grows with each briefing a process lays out).
    made = ([_make(job, index) for index in range(len(requests))] if len(_chunks(job.printed)) <= 1
            else list(_made(job, workers)))
    return msgspec.msgpack.encode(_Plan(hits, [k for _, _, k in todo], made))


def _overlap_wanted(runs: int, workers: int) -> bool:
    """Whether `runs` runs of briefings (`_chunks`) are made by workers this process does not
    wait for (`start_site_pdfs`): on Linux with a CPU to spare, when each run has a worker of its
    own, and while Typst has not run here (a fork would inherit its threads' locks held)."""
    return (workers >= 2 and runs <= workers and hasattr(os, "fork") and sys.platform.startswith("linux")
            and not _compiler.cache_info().currsize)


class _Runs(msgspec.Struct, array_like=True):
    """What a worker of `PendingPdfs` sends back: the briefings of its run, in order."""

    made: list[_Made]


class PendingPdfs:
    """The site's PDFs while workers make them (`start_site_pdfs`): one forked worker a run of
    briefings, started at once. `collect` reads what they made (in order), and makes here what
    a worker failed to (killed, out of memory, an error): a PDF's error is so raised by this
    process, as it is without the workers, and a worker's failure costs time, never output."""

    def __init__(self, finish: Callable[[Iterable[_Made]], dict[str, Content]], job: _SiteJob | None,
                 runs: list[range], done: dict[str, Content] | None = None) -> None:
        self._finish = finish
        self._job = job
        self._runs = runs
        self._done = done
        self._workers: list[Forked | None] = []
        try:
            for run in runs:
                assert job is not None, "runs are made of a job"
                self._workers.append(Forked.start(functools.partial(_encoded_run, job, run)))
        except BaseException:
            self.stop()
            raise

    @classmethod
    def planned(cls, dataset: Dataset, config: SiteConfig, content: Path, preview: bool, cache: PdfCache,
                workers: int | None, missing_fonts: list[fonts.MissingFont] | None,
                progress: Progress) -> PendingPdfs | None:
        """The site's PDFs left whole to one worker forked now (`_planned`); None when no process
        can be started. `collect` takes them into `cache` (streamed, as `start_site_pdfs` gives
        them), or does everything here when the worker failed."""
        folder = cache.folder
        assert folder is not None, "only a cache with a folder is looked up by a worker"
        worker = Forked.start(functools.partial(_planned, dataset, config, content, preview, folder, workers))
        if worker is None:
            return None

        def finish(_: Iterable[_Made]) -> dict[str, Content]:
            reply = worker.reply()
            plan = None
            if reply is not None:
                try:
                    plan = msgspec.msgpack.decode(reply, type=_Plan)
                except (msgspec.DecodeError, msgspec.ValidationError):
                    plan = None
            if plan is None or len(plan.inputs) != len(plan.made):  # all of it here: the same PDFs
                return start_site_pdfs(dataset, config, content, preview=preview, cache=cache, workers=workers,
                                       missing_fonts=missing_fonts, progress=progress, streamed=True).collect()
            out: dict[str, Content] = {}
            for hit in plan.hits:  # as `start_site_pdfs` takes them: counted, used, read when written
                cache.used.update((hit.inputs, hit.key))
                cache.hits += 1
                out[hit.path] = cache.held_digest(hit.key, hit.digest)
            for inputs in plan.inputs:
                if inputs is not None:
                    cache.used.add(inputs)  # looked up (`lookup_keyed`), not found
            return _finish(dataset, cache, out, plan.inputs, plan.made, True, missing_fonts, progress)

        pending = cls(finish, None, [])  # (`finish` reads the worker's reply, not `_made`'s runs)
        pending._workers.append(worker)
        return pending

    def collect(self) -> dict[str, Content]:
        """Every PDF of the site, by path (`site_pdfs`), once made."""
        if self._done is None:
            try:
                self._done = self._finish(self._made())
            finally:
                self.stop()  # (nothing left to stop once every reply is read)
        return self._done

    def _made(self) -> Iterator[_Made]:
        job = self._job
        if job is None:  # `planned`: its `finish` reads its worker's reply itself
            return
        for run, worker in zip(self._runs, self._workers, strict=True):
            reply = worker.reply() if worker is not None else None
            made = None
            if reply is not None:
                try:
                    made = msgspec.msgpack.decode(reply, type=_Runs).made
                except (msgspec.DecodeError, msgspec.ValidationError):
                    made = None
            if made is None or len(made) != len(run):  # made here: the same bytes, or its error
                made = [_make(job, index) for index in run]
            yield from made

    def stop(self) -> None:
        """End the workers still running (this process is stopping: an error or Ctrl-C)."""
        for worker in self._workers:
            if worker is not None:
                worker.stop()


def _encoded_run(job: _SiteJob, run: range) -> bytes:
    """In a worker of `PendingPdfs`: the briefings of `run` made (`_make`), as msgpack."""
    return msgspec.msgpack.encode(_Runs([_make(job, index) for index in run]))
