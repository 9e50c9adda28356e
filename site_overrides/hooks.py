"""MkDocs hooks: the sanitizer backstop.

Every data value is escaped before it reaches Markdown (generator/render.py). As a second line
of defence, the HTML that Markdown makes of each page is cleaned with nh3 (the Rust `ammonia`
sanitizer) before the theme wraps it: no script, no event handler, no `javascript:` link can reach
a reader even if a template forgot to escape something. Hand-written pages go through it too.
"""

from __future__ import annotations

from typing import Any

import nh3

_TAGS = set(nh3.ALLOWED_TAGS) | {"svg", "path", "figure", "figcaption", "section"}
_GENERIC = {"id", "class", "title", "lang", "dir", "aria-label", "aria-hidden", "role", "data-search-exclude"}
_ATTRIBUTES = {
    "*": _GENERIC,
    "a": _GENERIC | {"href", "hreflang"},
    "img": _GENERIC | {"src", "alt", "width", "height", "loading"},
    "th": _GENERIC | {"style", "colspan", "rowspan", "scope"},
    "td": _GENERIC | {"style", "colspan", "rowspan"},
    "ol": _GENERIC | {"start"},
    "svg": _GENERIC | {"viewbox", "width", "height", "xmlns", "fill"},
    "path": _GENERIC | {"d", "fill"},
    "time": _GENERIC | {"datetime"},
}


def sanitize(html: str) -> str:
    """Keep the structure Markdown and Material need; drop anything that could run."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,  # keep links as written; external ones already carry no opener
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:  # noqa: ARG001 - MkDocs' hook signature
    """Called by MkDocs with each page's HTML, before the theme's template wraps it."""
    return sanitize(html)
