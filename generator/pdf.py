"""PDF briefings: briefing data (views/briefing.py) → HTML (Jinja2, its own environment with HTML
autoescape) → PDF bytes (WeasyPrint, with the print stylesheet templates/briefing.css).

    Briefing ──render_html──▶ one HTML document (CSS inline) ──html_to_pdf──▶ PDF bytes
                                                               └─ cached by the hash of the HTML

Data is text here too: every `{{ value }}` is HTML-escaped, so a quote holding
`<script>alert(1)</script>` prints as those characters. The only HTML that does not come from our
template is the editors' key judgements (Markdown, rendered by Python-Markdown and then cleaned
by the same sanitizer as the site, without images).

Deterministic: the same data gives the same bytes. Nothing reads the clock: the PDF's creation
and modification dates are the briefing's date of issue, its file identifier is derived from the
hash of the HTML, fonts are subset under names WeasyPrint derives from their content, and no
resource is fetched from anywhere (the only URLs allowed are the `data:` URLs of our charts).

Fonts: a script that no installed font covers prints as empty boxes, which WeasyPrint does not
report; `fonts.check` finds such scripts in the HTML, and they are returned with the PDFs as
`fonts.MissingFont` warnings (the PDF is still written).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import logging
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import markdown
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from . import figures, fonts
from .charts import ChartSpec, render_svg
from .children import pool_options
from .config import SiteConfig
from .link import Dataset
from .load import SYMLINK_MESSAGE, Refused, read_regular
from .problems import Problem, problem
from .progress import PDFS, Progress, quiet
from .render import TEMPLATES, isolate_text, needs_isolation
from .sanitize import sanitize
from .routes import JUDGEMENTS_FOLDER
from .views import briefing as views
from .views.pdfs import pdf_path, site_requests
from .views.common import Context
from .errors import BriefingError
from .write import CannotWrite, replace_file, writing

#: Paper sizes, as `briefing pdf --paper` names them and as CSS `@page { size }` does.
PAPERS = {"a4": "A4", "letter": "letter"}
TEMPLATE = "briefing.html.j2"
STYLESHEET = TEMPLATES / "briefing.css"
#: The default cache of rendered PDFs (relative to the working folder: outside the data folder).
CACHE_DIR = Path(".cache") / "briefing-pdf"
#: The cache keeps at least this many PDFs, and at least twice as many as one build uses.
CACHE_KEEP = 200

_PARAGRAPHS = re.compile(r"\n\s*\n")
_CACHE_NAME = re.compile(r"[0-9a-f]{64}\.pdf")


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "unknown"


def _finalize(value: object) -> object:
    """Every printed value: nothing for None, counts with thousands separators (8,933), and text
    that could reorder the words around it (right-to-left letters, bidi controls) isolated in
    `<bdi>`, as on the site (`render.md_inline`). Attributes and `<title>` take `| text` or
    `| plain` instead, which give Markup that this leaves alone."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, str) and not isinstance(value, Markup) and needs_isolation(value):
        return Markup(f"<bdi>{escape(value)}</bdi>")  # noqa: S704  # escaped just now
    return value


def plain_text(value: object) -> Markup:
    """Escaped, never isolated: for an attribute that must keep its exact value (a link's href)."""
    return escape("" if value is None else str(value))


def isolated_text(value: object) -> Markup:
    """Escaped and isolated with Unicode controls (`render.isolate_text`): for `<title>` and the
    document's metadata, where no `<bdi>` can go."""
    return escape(isolate_text("" if value is None else str(value)))


def paragraphs(value: object) -> list[str]:
    """Plain text split into paragraphs at blank lines (each still escaped by the template)."""
    return [p.strip() for p in _PARAGRAPHS.split(str(value or "").strip()) if p.strip()]


@functools.lru_cache(maxsize=4)
def html_environment(templates: Path = TEMPLATES) -> Environment:
    """The Jinja2 environment of the briefing HTML: HTML autoescape on every value, unknown
    names are errors. Separate from the Markdown environment of the site (render.py), whose
    escaping is for Markdown. One per templates folder: compiling the template takes longer than
    rendering it."""
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["paragraphs"] = paragraphs
    env.filters["text"] = isolated_text
    env.filters["plain"] = plain_text
    return env


def judgements_html(text: str | None) -> Markup | None:
    """The editors' key judgements: Markdown → HTML → sanitized (no script, no event handler,
    no images: a PDF never fetches anything)."""
    if text is None or not text.strip():
        return None
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return Markup(sanitize(html, images=False))  # noqa: S704  # sanitized just above


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


def chart_uri(spec: ChartSpec) -> str:
    """The chart as an SVG `data:` URL (deterministic: the SVG is)."""
    return "data:image/svg+xml;base64," + base64.b64encode(render_svg(spec)).decode("ascii")


def render_html(briefing: views.Briefing, paper: str = "a4") -> str:
    """The whole briefing as one HTML document, its stylesheet inline."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper size {paper!r}; use one of {', '.join(PAPERS)}")
    env = html_environment()
    css = STYLESHEET.read_text(encoding="utf-8")
    return env.get_template(TEMPLATE).render(
        b=briefing,
        css=Markup(css),  # noqa: S704  # our own stylesheet file, not data
        paper=Markup(PAPERS[paper]),  # noqa: S704  # one of two fixed words
        judgements=judgements_html(briefing.judgements),
        chart=chart_uri(briefing.chart.spec) if briefing.chart else None,
        generator=f"briefing {_version('briefing')}",
    )


#: How WeasyPrint writes every PDF: tagged (PDF/UA-1, for screen readers), compressed.
WRITE_OPTIONS = {"pdf_variant": "pdf/ua-1", "uncompressed_pdf": False}


def cache_key(html: str) -> str:
    """What a rendered PDF depends on: the HTML (data, template, stylesheet and page options all
    end up in it), the options it is written with and the WeasyPrint version that lays it out."""
    digest = hashlib.sha256()
    digest.update(f"weasyprint {_version('weasyprint')} {sorted(WRITE_OPTIONS.items())}\n".encode())
    digest.update(html.encode("utf-8"))
    return digest.hexdigest()


def html_to_pdf(html: str) -> bytes:
    """Lay out the HTML and return the PDF bytes: tagged (PDF/UA-1, for screen readers), fonts
    embedded (subset), no URL fetched but `data:` URLs, the same bytes for the same HTML."""
    from weasyprint import HTML  # imported here: it takes a moment, and only PDFs need it
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = URLFetcher(allowed_protocols={"data"})
    document = HTML(string=html, url_fetcher=fetcher, base_url=None)
    pdf: bytes = document.write_pdf(pdf_identifier=cache_key(html)[:32].encode("ascii"), **WRITE_OPTIONS)
    return pdf


@dataclass
class PdfCache:
    """Rendered PDFs by the hash of their HTML (`<folder>/<hash>.pdf`), so that a build renders
    again only what changed. A cache miss only costs time: the bytes are the same either way."""

    folder: Path | None = CACHE_DIR
    hits: int = 0
    misses: int = 0
    used: set[str] = field(default_factory=set)
    #: The first write that failed (a full disk, a read-only folder): the build goes on without
    #: caching, and says so.
    failed: CannotWrite | None = None

    def get(self, key: str) -> bytes | None:
        """The cached PDF, or None."""
        self.used.add(key)
        if self.folder is None:
            return None
        path = self.folder / f"{key}.pdf"
        try:
            data = read_regular(path, limit=None)  # a link here could publish any file as a PDF
        except Refused:
            return None
        with contextlib.suppress(OSError):  # a read-only cache still serves
            os.utime(path)  # most recently used: pruned last
        return data

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
        except CannotWrite as exc:
            self.failed = exc

    def prune(self) -> None:
        """Forget the least recently used PDFs beyond max(CACHE_KEEP, twice what this build used)."""
        if self.folder is None or not self.folder.is_dir():
            return
        # Only the cache's own files, named by their hash: whatever else the folder holds is not
        # ours to delete (`--pdf-cache` may be given any folder).
        files = sorted((p for p in self.folder.glob("*.pdf") if _CACHE_NAME.fullmatch(p.name) and p.is_file()
                        and not p.is_symlink()), key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
        keep = max(CACHE_KEEP, 2 * len(self.used))
        for stale in files[keep:]:
            if stale.stem not in self.used:
                with contextlib.suppress(OSError):  # a read-only cache is only not pruned
                    stale.unlink(missing_ok=True)


def _all_fonts(html: str) -> bool:
    """Whether an installed font has every character of the HTML. A PDF printed with empty boxes
    is not cached: once the missing font is installed, the next build renders it again (the HTML,
    and so the cache key, is the same)."""
    return html.isascii() or not fonts.uncovered(set(html))


def render_many(documents: dict[str, str], cache: PdfCache | None = None, workers: int | None = None,
                progress: Progress = quiet) -> dict[str, bytes]:
    """Every HTML document (by output path) as PDF bytes: from the cache when it has them, the
    rest rendered, in parallel processes when there are several (layout is CPU-bound; a
    document's memory is bounded by views.briefing.TIMELINE_CAP). With `workers=1` everything is
    rendered in this process. `progress` is told how many of the documents to render are done
    (progress.PDFS; those from the cache are not counted)."""
    cache = cache or PdfCache(None)
    out: dict[str, bytes] = {}
    todo: dict[str, str] = {}  # cache key -> HTML, each distinct document once
    keys: dict[str, str] = {}
    for path, html in sorted(documents.items()):
        key = keys[path] = cache_key(html)
        cached = cache.get(key)
        if cached is not None:
            cache.hits += 1
            out[path] = cached
        elif key not in todo:
            todo[key] = html
    cache.misses += len(todo)
    rendered: dict[str, bytes] = {}
    workers = workers if workers is not None else min(len(todo), os.cpu_count() or 1)
    progress(PDFS, 0, len(todo))
    if workers <= 1:
        for key, html in todo.items():
            rendered[key] = html_to_pdf(html)
            progress(PDFS, len(rendered), len(todo))
            if _all_fonts(html):
                cache.put(key, rendered[key])  # at once: an interrupted build keeps what it has made
    else:
        # The longest documents first, so that no worker is left with a long one at the end.
        order = sorted(todo, key=lambda k: (-len(todo[k]), k))
        with ProcessPoolExecutor(max_workers=workers, **pool_options()) as pool:  # they die with us
            for key, data in zip(order, pool.map(html_to_pdf, [todo[k] for k in order]), strict=True):
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
    html = render_html(briefing, paper)
    data = render_many({"briefing.pdf": html}, cache, workers=1)["briefing.pdf"]
    return Rendered(briefing, data, tuple(fonts.check([html], dataset)))


def site_pdfs(dataset: Dataset, config: SiteConfig, content: Path, *, preview: bool = False,
              cache: PdfCache | None = None, workers: int | None = None,
              missing_fonts: list[fonts.MissingFont] | None = None, progress: Progress = quiet) -> dict[str, bytes]:
    """Every PDF the site offers (views.pdfs.site_requests), by path in the content folder.
    The scripts that no installed font covers in any of them are added to `missing_fonts`."""
    ctx = Context(dataset, preview=preview, event_types=config.all_event_types(), pdfs=True)
    tables = figures.tables(ctx)
    documents = {}
    for request in site_requests(ctx):
        judgements = read_judgements(content, request.name)
        documents[pdf_path(request)] = render_html(views.build(ctx, request, config, judgements, tables))
    if missing_fonts is not None:
        missing_fonts.extend(fonts.check(documents.values(), dataset))
    return render_many(documents, cache, workers, progress)
