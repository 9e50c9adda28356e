"""Jinja2 templates → Markdown pages, with every data value escaped so that it shows as typed.

Data is text. A title such as `<script>alert(1)</script>`, `# not a heading`, `[a](javascript:x)`
or `{{ 7*7 }}` must appear literally on the page. Jinja's HTML autoescape is not enough for
Markdown, so every `{{ value }}` goes through `finalize`: plain strings are escaped for HTML *and*
Markdown; only values the templates or views mark as `Markup` (built by our code from safe parts)
pass through unchanged. A sanitizer (nh3) runs over the final HTML as a backstop (see
`site_overrides/hooks.py`).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
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


def md_inline(value: object) -> Markup:
    """Escape text for one line of Markdown: HTML-escaped, Markdown punctuation neutralised, and
    line breaks folded to spaces (so a value can never start a block: heading, list, table...)."""
    if isinstance(value, Markup):
        return value
    return Markup(_SPACES.sub(" ", str(value)).strip().translate(_TABLE))


def md_paragraphs(value: object) -> Markup:
    """Escape text that may hold several paragraphs (separated by blank lines)."""
    if isinstance(value, Markup):
        return value
    paragraphs = [p for p in re.split(r"\n\s*\n", str(value).strip()) if p.strip()]
    return Markup("\n\n".join(md_inline(p) for p in paragraphs))


def attr(value: object) -> Markup:
    """Escape a value for an HTML attribute inside Markdown (e.g. an external link's href)."""
    return Markup(html.escape(str(value), quote=True))


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"  # counts with thousands separators: 8,933
    if isinstance(value, float):
        return value
    return md_inline(value)


def environment(templates: Path = TEMPLATES) -> Environment:
    """The Jinja2 environment for Markdown pages: every interpolation is escaped by default."""
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
    return env


_BLANKS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+\n")


def render(env: Environment, template: str, **context: Any) -> str:
    """Render one page: runs of blank lines folded to one (templates may leave several), and the
    text ends with exactly one newline. Generated pages never hold code blocks, where blank lines
    would matter."""
    text = env.get_template(template).render(**context)
    return _BLANKS.sub("\n\n", text).strip("\n") + "\n"
