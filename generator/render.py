"""Jinja2 templates → Markdown pages, with every data value escaped so that it shows as typed.

Data is text. A title such as `<script>alert(1)</script>`, `# not a heading`, `[a](javascript:x)`
or `{{ 7*7 }}` must appear literally on the page. Jinja's HTML autoescape is not enough for
Markdown, so every `{{ value }}` goes through `finalize`: plain strings are escaped for HTML *and*
Markdown; only values the templates or views mark as `Markup` (built by our code from safe parts)
pass through unchanged. A sanitizer (nh3) runs over the final HTML as a backstop (see
`site_overrides/hooks.py`).

A value that holds right-to-left text or a bidi control (such as U+202E, which reverses what
follows it) is also isolated: wrapped in `<bdi>`, so that it cannot reorder the page's own words
around it ("perpetrator" after an actor's name stays "perpetrator"). Values of left-to-right text
are left as they are: in our left-to-right pages, where every right-to-left value is isolated,
they are displayed the same either way, and most pages stay free of the extra markup.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from collections.abc import Callable
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"

# Characters that Python-Markdown (with our extensions) gives a meaning to. Escaped with a
# backslash where Markdown defines one, otherwise with a numeric character reference.
_TABLE = {ord(ch): "\\" + ch for ch in "\\`*_{}[]()#+-.!|"}
_TABLE.update({ord(ch): f"&#{ord(ch)};" for ch in "=~^:$@"})
_TABLE.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#39;"})
_SPACES = re.compile(r"\s+")

#: Every character whose bidi class can reorder the text around it: right-to-left letters (R, AL),
#: Arabic digits (AN), and the explicit embeddings, overrides and isolates (U+202A–U+202E,
#: U+2066–U+2069). Whole blocks, so that characters added by later Unicode versions count too
#: (tests/test_bidi.py checks the ranges against `unicodedata`).
REORDERING = re.compile(
    "[\u0590-\u08ff\u200f\u202a-\u202e\u2066-\u2069\ufb1d-\ufdff\ufe70-\ufefe"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_FSI, _PDI = "\u2068", "\u2069"
_INITIATORS = "\u2066\u2067\u2068"


def needs_isolation(text: str) -> bool:
    """True when `text` holds a character that can change the order of the text around it."""
    return REORDERING.search(text) is not None


def isolate_text(text: str) -> str:
    """`text` isolated with Unicode controls (FSI … PDI), for plain-text places where no `<bdi>`
    can go (a page's `<title>`, an image's alternative text); unchanged when nothing in it can
    reorder its surroundings. A PDI is added for every isolate the text opens and leaves open,
    so that the closing one matches ours; it also ends every embedding and override in it."""
    if not needs_isolation(text):
        return text
    depth = 0
    for ch in text:
        if ch in _INITIATORS:
            depth += 1
        elif ch == _PDI and depth:
            depth -= 1
    return _FSI + text + _PDI * (depth + 1)


def _bdi(escaped: str, source: str) -> Markup:
    """The escaped form of `source`, inside `<bdi>` when `source` needs isolating."""
    return Markup(f"<bdi>{escaped}</bdi>" if needs_isolation(source) else escaped)  # noqa: S704  # escaped by caller


def md_inline(value: object) -> Markup:
    """Escape text for one line of Markdown: HTML-escaped, Markdown punctuation neutralised, and
    line breaks folded to spaces (so a value can never start a block: heading, list, table...)."""
    if isinstance(value, Markup):
        return value
    text = _SPACES.sub(" ", str(value)).strip()
    return _bdi(text.translate(_TABLE), text)


def md_text(value: object) -> Markup:
    """Like `md_inline` without the `<bdi>`, for text that ends up in an HTML attribute (an
    image's alternative text), where no element can go: the view isolates the data values in it
    with `isolate_text`."""
    if isinstance(value, Markup):
        return value
    return Markup(_SPACES.sub(" ", str(value)).strip().translate(_TABLE))  # noqa: S704  # escaped just now


def md_paragraphs(value: object) -> Markup:
    """Escape text that may hold several paragraphs (separated by blank lines)."""
    if isinstance(value, Markup):
        return value
    paragraphs = [p for p in re.split(r"\n\s*\n", str(value).strip()) if p.strip()]
    return Markup("\n\n".join(md_inline(p) for p in paragraphs))  # noqa: S704  # md_inline escaped each


def attr(value: object) -> Markup:
    """Escape a value for an HTML attribute inside Markdown (e.g. an external link's href). The
    backquote too: Markdown reads code spans before raw HTML, and would put `<code>` in the value."""
    return Markup(html.escape(str(value), quote=True).replace("`", "&#96;"))  # noqa: S704  # escaped just now


def yaml_string(value: object) -> Markup:
    """`value` as a double-quoted YAML string of ASCII characters only, for a page's front matter.

    Not `tojson`: JSON writes a character beyond U+FFFF (an emoji, Adlam letters) as a surrogate
    pair, `\\ud83d\\ude00`, which libyaml (MkDocs' reader) refuses; MkDocs then keeps the whole
    front matter in the page as Markdown, where a name's `![x](https://...)` becomes an image.
    YAML has `\\UXXXXXXXX` for those. Everything but printable ASCII is escaped (controls, C1,
    line separators, non-characters: libyaml refuses some of them written as they are), and so
    are `<`, `>`, `&` and `'`, as `tojson` does."""
    out = ['"']
    for ch in str(value):
        code = ord(ch)
        if 0x20 <= code < 0x7F and ch not in '"\\<>&\'':
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return Markup("".join(out))  # noqa: S704  # only printable ASCII, no markup character


def html_inline(value: object) -> Markup:
    """Escape text for HTML that Markdown never reads (a generated HTML block, see `html_block`):
    HTML-escaped, line breaks folded to spaces, and isolated in `<bdi>` like `md_inline`. No
    Markdown escaping: backslashes would show, since Markdown leaves such a block alone."""
    if isinstance(value, Markup):
        return value
    text = _SPACES.sub(" ", str(value)).strip()
    return _bdi(html.escape(text, quote=True), text)


def html_paragraphs(value: object) -> Markup:
    """Text that may hold several paragraphs (separated by blank lines), as `<p>` elements."""
    if isinstance(value, Markup):
        return value
    paragraphs = [p for p in re.split(r"\n\s*\n", str(value).strip()) if p.strip()]
    return Markup("".join(f"<p>{html_inline(p)}</p>" for p in paragraphs))  # noqa: S704  # html_inline escaped each


#: The lines around a generated HTML block in a Markdown page. Data never holds them: every data
#: value is escaped, `<` included. site_overrides/hooks.py takes each block out of the page before
#: Markdown reads it and puts it back, its links made MkDocs' URLs, into the HTML that Markdown made.
BLOCK_START = "<!--html-->"
BLOCK_END = "<!--/html-->"


def html_block(value: object) -> Markup:
    """HTML made by the HTML macros (`_blocks.html.j2`), marked as one block for the hook: Markdown
    never parses it, so a record costs Markdown nothing but its heading. Its links are written as
    in Markdown (to `.md` pages); the hook checks them and makes them URLs, as MkDocs does for a
    Markdown link."""
    return Markup(f"{BLOCK_START}\n{str(value).strip()}\n{BLOCK_END}")  # noqa: S704  # Markup from the HTML macros


def _finalizer(text: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """What an interpolation prints: nothing for None, Markup as it is, counts with thousands
    separators (8,933), floats as they are, and anything else through `text` (the escaping of
    the environment: Markdown for pages, HTML for their blocks)."""
    def finalize(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, Markup):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        if isinstance(value, float):
            return value
        return text(value)
    return finalize


_html_finalize = _finalizer(lambda value: html_inline(value))


def html_environment(templates: Path = TEMPLATES) -> Environment:
    """The Jinja2 environment of the HTML blocks of site pages (`_blocks.html.j2`): every
    interpolation is escaped for HTML (and isolated), never for Markdown."""
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        finalize=_html_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["paragraphs"] = html_paragraphs
    env.filters["attr"] = attr
    return env


_finalize = _finalizer(lambda value: md_inline(value))


def environment(templates: Path = TEMPLATES, keep_blocks: bool = False) -> Environment:
    """The Jinja2 environment for Markdown pages: every interpolation is escaped by default.
    `keep_blocks`: the sources page's outlet blocks are kept between renderings (`BlockMemo`,
    the environment's global `source_block`)."""
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        # `finalize` escapes for Markdown and HTML and returns Markup; autoescape then leaves it
        # alone, and keeps what macros return (Markup) from being escaped twice.
        autoescape=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,  # a line that ends in a tag keeps its newline: Markdown needs them
        lstrip_blocks=True,
    )
    env.filters["md"] = md_inline
    env.filters["paragraphs"] = md_paragraphs
    env.filters["attr"] = attr
    env.filters["yaml"] = yaml_string  # front-matter values (never `tojson`: see yaml_string)
    env.filters["plain"] = md_text  # escaped, never isolated (as in the PDF environment)
    env.globals["isolate"] = isolate_text  # for data inside a sentence the template builds
    # The HTML macros of the pages' longest parts (records, lists, tables): escaped for HTML by
    # their own environment, and marked as blocks that Markdown does not parse (`block`).
    env.globals["html"] = html_environment(templates).get_template("_blocks.html.j2").module
    env.filters["block"] = html_block
    env.globals["source_block"] = BlockMemo(env, keep_blocks)
    return env


class BlockMemo:
    """The HTML block of one sources page outlet (`source_body`, the longest part of the 3 MB
    sources page at 10,000 incidents), kept by its arguments between the runs of one process
    (`briefing serve`, through `site.RenderCache`, which makes a new environment when a template
    changes): an edit renders again only the outlets whose data changed. The arguments are frozen
    dataclasses of text, numbers and tuples, equal exactly when they render alike (each field
    holds one kind of value: tests/test_incremental.py); an unhashable one is rendered every time.
    Without `keep` (a build), every call renders."""

    def __init__(self, env: Environment, keep: bool) -> None:
        self._env = env
        self._keep = keep
        self._kept: dict[tuple[object, ...], Markup] = {}
        self._used: dict[tuple[object, ...], Markup] = {}
        self.hits = 0  # blocks taken from the memo since it was made (for tests)

    def _render(self, outlet: object, timeline_href: str) -> Markup:
        macros: Any = self._env.globals["html"]  # the module of _blocks.html.j2
        return html_block(macros.source_body(outlet, timeline_href))

    def __call__(self, outlet: object, timeline_href: str) -> Markup:
        if not self._keep:
            return self._render(outlet, timeline_href)
        key = (type(outlet), outlet, timeline_href)
        try:
            made = self._used.get(key) or self._kept.get(key)
        except TypeError:  # unhashable: rendered, not kept
            return self._render(outlet, timeline_href)
        if made is None:
            made = self._render(outlet, timeline_href)
        else:
            self.hits += 1
        self._used[key] = made
        return made

    def finish(self) -> None:
        """The blocks of this run become the memo (a run that rendered no sources page keeps them)."""
        if self._used:
            self._kept, self._used = self._used, {}


_BLANKS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+\n")


def render(env: Environment, template: str, **context: Any) -> str:
    """Render one page: runs of blank lines folded to one (templates may leave several), and the
    text ends with exactly one newline. Generated pages never hold code blocks, where blank lines
    would matter."""
    text = env.get_template(template).render(**context)
    return _BLANKS.sub("\n\n", text).strip("\n") + "\n"
