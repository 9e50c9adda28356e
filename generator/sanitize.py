"""The HTML sanitizer (nh3, the Rust `ammonia` library), shared by the site and the PDF briefings.

Data values are escaped before they reach Markdown or HTML; this is the backstop that runs over
HTML made from Markdown: the site's pages (the MkDocs hook `site_overrides/hooks.py`) and the
editors' key judgements printed in PDF briefings. It keeps the structure Markdown and the
Material theme need and drops anything that could run: no script, no event handler, no
`javascript:` link, no style beyond text alignment.
"""

from __future__ import annotations

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


def sanitize(html: str, *, images: bool = True) -> str:
    """Keep the structure Markdown and Material need; drop anything that could run. With
    `images=False` (PDF briefings, which never fetch anything) images are dropped too."""
    return nh3.clean(
        html,
        tags=_TAGS if images else _TAGS - {"img", "svg", "path"},
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,  # keep links as written; external ones already carry no opener
        filter_style_properties={"text-align"},
        strip_comments=True,
    )
