"""MkDocs hooks: the sanitizer backstop, and page titles that are text.

Every data value is escaped before it reaches Markdown (generator/render.py). As a second line
of defence, the HTML that Markdown makes of each page is cleaned with nh3 (the Rust `ammonia`
sanitizer) before the theme wraps it: no script, no event handler, no `javascript:` link can reach
a reader even if a template forgot to escape something. Hand-written pages go through it too.
The sanitizer itself lives in `generator/sanitize.py`, shared with the PDF briefings.

Titles go around the body: Material prints `page.title`, `page.meta.title` and `config.site_name`
unescaped into `<title>`, the header, the navigation and the search index (its Jinja environment
does not autoescape, and it treats titles as HTML). A front-matter title is the data's name as
typed (an actor's, a region's, `briefing.yml`'s title), so each title is made HTML-escaped text
here, once, for every page: it shows literally everywhere Material prints it, and `Markup` keeps
Material's own `| e` from escaping it twice. Every other front-matter text (a hand-written page's
`subtitle`, `status`) is escaped the same way, without the isolation.
"""

from __future__ import annotations

import html
from typing import Any

from markupsafe import Markup

from generator.render import isolate_text
from generator.sanitize import sanitize

__all__ = ["on_config", "on_page_content", "sanitize", "text_title"]

#: Front-matter keys Material prints into the page's head or header.
_META_TEXT = ("title", "description")


def text_title(text: object) -> Markup:
    """Plain text as a title Material may print anywhere: HTML-escaped, and isolated (Unicode
    FSI…PDI) when it holds right-to-left text or bidi controls, so that " - <site name>" after it
    in the browser's title bar keeps its order."""
    return Markup(html.escape(isolate_text(str(text)), quote=True))  # noqa: S704  # escaped just now


def _inert(value: Any) -> Any:
    """Every text of a front-matter value HTML-escaped (as `Markup`, which Material's `| e` leaves
    alone), in lists and mappings too. Material prints other keys than the title unescaped as
    well: `subtitle` under the page's entry in the navigation of every page, `status` inside a class
    attribute. Words such as `hide: [toc]` or `template: main.html` hold no character to escape."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(html.escape(value, quote=True))  # noqa: S704  # escaped just now
    if isinstance(value, list):
        return [_inert(item) for item in value]
    if isinstance(value, dict):
        return {key: _inert(item) for key, item in value.items()}
    return value


def on_config(config: Any) -> Any:
    """The site's name and description are text, like every title (see the module's docstring)."""
    for key in ("site_name", "site_description", "site_author"):
        if isinstance(config.get(key), str) and not isinstance(config[key], Markup):
            config[key] = text_title(config[key])
    return config


def on_page_content(html_text: str, page: Any,
                    config: Any, files: Any) -> str:  # noqa: ARG001  # MkDocs' hook signature
    """Called by MkDocs with each page's HTML, before the theme's template wraps it (and, for every
    page, before any template is rendered: the navigation of one page shows the titles of others)."""
    _inert_titles(page)
    return sanitize(html_text)


def _inert_titles(page: Any) -> None:
    """Make the page's title (and its front-matter title and description) escaped text.

    MkDocs takes the title from the nav of mkdocs.yml, else from the front matter (text as typed),
    else from the first heading (HTML with its tags stripped and its entities kept: unescaped here
    to get the text back). The title is also written into the front matter, so that Material's
    `<title>` never falls back to `page.title | striptags`, which unescapes entities again."""
    for key in _META_TEXT:
        value = page.meta.get(key)
        if value is not None and not isinstance(value, Markup):
            page.meta[key] = text_title(value)
    for key, value in page.meta.items():
        if key not in _META_TEXT:
            page.meta[key] = _inert(value)
    title = page.title
    if title is None or isinstance(title, Markup):
        return
    from_heading = "title" not in page.__dict__ and "title" not in page.meta
    text = html.unescape(title) if from_heading else title
    page.title = text_title(text)
    page.meta.setdefault("title", page.title)
