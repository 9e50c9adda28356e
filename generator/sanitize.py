"""The HTML sanitizer (nh3, the Rust `ammonia` library), shared by the site and the PDF briefings.

Data values are escaped before they reach Markdown or HTML; this is the backstop that runs over
HTML made from Markdown: the site's pages (the MkDocs hook `site_overrides/hooks.py`) and the
editors' key judgements printed in PDF briefings. It keeps the structure Markdown and the
Material theme need and drops anything that could run: no script, no event handler, no
`javascript:` link, no style beyond text alignment.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

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


#: What browsers ignore at the start of a URL (C0 controls and spaces).
_LEADING = re.compile("^[\x00-\x20]+")


def _own_file(url: str) -> bool:
    """Whether `url` names a file of the site itself (relative, no host): browsers read `\\` as
    `/`, so `\\\\host/x` names another host as `//host/x` does."""
    parts = urlsplit(_LEADING.sub("", url).replace("\\", "/"))
    return not parts.scheme and not parts.netloc


def _attribute(tag: str, name: str, value: str) -> str | None:
    """An image shows a file of the site, never one from another host. Material's privacy plugin
    downloads every external image of a page at build time, from the build machine, and publishes
    what it gets: a hand-written page's `![x](http://169.254.169.254/...)` would publish what an
    internal address answers. Without the plugin, readers' browsers would fetch it instead."""
    if tag == "img" and name == "src" and not _own_file(value):
        return None
    return value


def sanitize(html: str, *, images: bool = True) -> str:
    """Keep the structure Markdown and Material need; drop anything that could run. With
    `images=False` (PDF briefings, which never fetch anything) images are dropped too; with
    images, only those that show a file of the site keep their source."""
    return nh3.clean(
        html,
        tags=_TAGS if images else _TAGS - {"img", "svg", "path"},
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,  # keep links as written; external ones already carry no opener
        filter_style_properties={"text-align"},
        strip_comments=True,
        attribute_filter=_attribute,
    )
