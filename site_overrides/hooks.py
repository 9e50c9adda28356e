"""MkDocs hooks: the sanitizer backstop, page titles that are text, and generated HTML blocks.

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

Generated HTML blocks (`generator/render.py`'s `html_block`: a record's facts, the lists and tables
of actor and region pages) skip Markdown: Python-Markdown would only parse their HTML to pass it
through, and that parse was most of the site's build time. `on_page_markdown` takes each block out
of the page, leaving a comment that Markdown keeps as it is, and makes the block's links URLs as
MkDocs does for a Markdown link (a missing page is a warning, so `--strict` fails; anchors are
checked with the page's own at the end of the build). `on_page_content` puts the blocks back, before
the sanitizer runs over the whole page.
"""

from __future__ import annotations

import html
import posixpath
import re
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from markupsafe import Markup
from mkdocs.plugins import get_plugin_logger
from mkdocs.utils import get_relative_url

from generator.render import BLOCK_END, BLOCK_START, isolate_text
from generator.routes import GENERATED
from generator.sanitize import sanitize

__all__ = ["on_config", "on_page_content", "on_page_markdown", "sanitize", "text_title"]

log = get_plugin_logger("briefing")

#: A generated block: its own lines between the two markers (render.BLOCK_START, BLOCK_END).
_BLOCK = re.compile(f"^{re.escape(BLOCK_START)}\n(.*?)\n{re.escape(BLOCK_END)}$", re.M | re.S)
#: What stands for a block while Markdown reads the page: a comment, which Markdown keeps as it is.
_SLOT = "<!--briefing-block-{}-->"
#: Markdown writes a blank line after a comment. A hand-written page may hold such a comment too:
#: one that is not a slot of this page stays a comment (which the sanitizer removes).
_SLOTS = re.compile(r"<!--briefing-block-(\d{1,9})-->\n?")
_HREF = re.compile(r'href="([^"]*)"')
_ID = re.compile(r' id="([^"]*)"')
#: The blocks taken out of each page (by its source path) between the two hooks, with the links to
#: anchors of other pages they hold (to be checked at the end like the page's own).
_TAKEN: dict[str, tuple[list[str], dict[Any, dict[str, str]]]] = {}

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


def on_page_markdown(markdown: str, page: Any,
                     config: Any, files: Any) -> str:  # noqa: ARG001  # MkDocs' hook signature
    """Take the generated HTML blocks out of the page's Markdown (see the module's docstring).
    Only a generated page has them: in a hand-written page the markers are the author's text (an
    example in a code block was taken out of it and shown as the slot's comment)."""
    if BLOCK_START not in markdown or page.file.src_uri.split("/", 1)[0] not in GENERATED:
        _TAKEN.pop(page.file.src_uri, None)
        return markdown
    blocks: list[str] = []
    anchors: dict[Any, dict[str, str]] = {}
    # What each path links to (the part before `#`): a page has thousands of links to a few
    # hundred pages.
    targets: dict[str, tuple[Any, str] | None] = {}

    def url(match: re.Match[str]) -> str:
        link = match[1]
        path, hashed, anchor = link.partition("#")
        if path not in targets:
            targets[path] = _target(path, link, page, files)
        target = targets[path]
        if target is None:
            return match[0]
        if anchor:
            anchors.setdefault(target[0], {}).setdefault(anchor, link)
        return f'href="{target[1]}#{anchor}"' if hashed else f'href="{target[1]}"'

    def take(match: re.Match[str]) -> str:
        blocks.append(_HREF.sub(url, match[1]))
        return _SLOT.format(len(blocks) - 1)

    markdown = _BLOCK.sub(take, markdown)
    _TAKEN[page.file.src_uri] = (blocks, anchors)
    return markdown


def _target(path: str, link: str, page: Any, files: Any) -> tuple[Any, str] | None:
    """The page a block's link goes to and its URL relative to this page's, as MkDocs makes a
    Markdown link (`../actors/x.md` → `../../actors/x/`); None for a link that stays as written
    (another site, a `mailto:`). A page that does not exist is a warning in MkDocs' own words, and
    the link stays."""
    if not path:
        return page.file, ""
    scheme, netloc, target_path, query, _ = urlsplit(html.unescape(path))
    if scheme or netloc:
        return None
    target_uri = posixpath.normpath(posixpath.join(posixpath.dirname(page.file.src_uri), unquote(target_path)))
    target = files.src_uris.get(target_uri)  # what files.get_file_from_path does, without its PurePath
    if target is None:
        log.warning(f"Doc file '{page.file.src_uri}' contains a link '{link}', but the target "
                    f"'{target_uri}' is not found among documentation files.")
        return None
    url = urlunsplit(("", "", get_relative_url(target.url, page.file.url), query, ""))
    return target, html.escape(url, quote=True)


def on_page_content(html_text: str, page: Any,
                    config: Any, files: Any) -> str:  # noqa: ARG001  # MkDocs' hook signature
    """Called by MkDocs with each page's HTML, before the theme's template wraps it (and, for every
    page, before any template is rendered: the navigation of one page shows the titles of others).
    The generated blocks go back in first, so that the sanitizer cleans them too."""
    _inert_titles(page)
    taken = _TAKEN.pop(page.file.src_uri, None)
    if taken is not None:
        blocks, anchors = taken
        html_text = _SLOTS.sub(lambda m: blocks[int(m[1])] if int(m[1]) < len(blocks) else m[0], html_text)
        if page.present_anchor_ids is not None:  # ids inside the blocks can be linked to as well
            for block in blocks:
                page.present_anchor_ids.update(_ID.findall(block))
        if page.links_to_anchors is not None:  # None when MkDocs does not check anchors (-v)
            for target, links in anchors.items():
                known = page.links_to_anchors.setdefault(target, {})
                for anchor, link in links.items():
                    known.setdefault(anchor, link)
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
