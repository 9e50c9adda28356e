"""MkDocs hook: the records' search entries come from the data, not from parsing pages again.

`briefing build` writes every record's search entry as data (`generator/views/search.py`, into
`routes.SEARCH_RECORDS`, a hidden file MkDocs leaves out of the site). This hook

- marks the pages those entries cover (the timeline month pages, the actor and region pages)
  `search: exclude`, so that Material's search plugin does not parse their HTML (it reads
  `page.meta["search"]` when the page is rendered, in `on_page_context`; this hook marks the page
  earlier, in `on_page_markdown`);
- after Material has written `search/search_index.json` (`on_post_build`, run after the plugin's
  own), adds an entry for each such page and one for each of its records, in Material's format:
  `location` (the page's URL, `#` and the record's anchor), `title` and `text` as HTML-escaped text
  (Material's worker and its results put both into the page as HTML, `innerHTML`), the text in
  `<p>` paragraphs as Material's own entries have, and each value that holds right-to-left text
  or a bidi control in `<bdi>`, so that it cannot reorder the words around it.

Without the data file (a site built by plain `mkdocs build` before `briefing build`, or a file of
another version) the hook does nothing, and Material indexes every page itself, as before.
The same data gives the same index bytes: entries in the file's order, Material's entries first.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority

from generator.load import Refused, read_regular
from generator.render import needs_isolation
from generator.routes import SEARCH_RECORDS
from generator.routes import SEARCH_RECORDS_VERSION as VERSION

__all__ = ["on_files", "on_page_markdown", "on_post_build", "search_entries"]

#: What the hook knows of the build under way: the pages the data file covers, by source path,
#: with their URLs and entries (set by `on_files`, which MkDocs calls first on every build).
_covered: dict[str, tuple[str, dict[str, Any]]] = {}

#: The entries the last build added, by URL, with the page of the data file they were made from:
#: `briefing serve` rebuilds in one process, and after an edit most pages' data is equal to the
#: last build's, whose entries are taken again (made anew, they are the same: a function of the
#: URL and the page).
_made: dict[str, tuple[dict[str, Any], list[dict[str, str]]]] = {}


def _text(value: str) -> str:
    """A value as Material's entries hold text: HTML-escaped (quotes are left, as Material leaves
    them: the value is an element's content, never an attribute), isolated when needed."""
    escaped = html.escape(value, quote=False)
    return f"<bdi>{escaped}</bdi>" if needs_isolation(value) else escaped


def _paragraphs(paragraphs: Any) -> str:
    return "".join("<p>" + " · ".join(_text(str(v)) for v in values) + "</p>" for values in paragraphs)


def search_entries(url: str, page: dict[str, Any]) -> list[dict[str, str]]:
    """The entries of one page of the data file, at `url`: the page's own (first: Material's
    worker takes the first entry of a URL as the article the others are sections of), then one
    per record."""
    entries = [{"location": url, "title": _text(str(page["title"])), "text": _paragraphs(page["text"])}]
    entries += [{"location": f"{url}#{record['anchor']}", "title": _text(str(record["title"])),
                 "text": _paragraphs(record["text"])} for record in page["records"]]
    return entries


def _read(path: Path) -> list[dict[str, Any]]:
    """The pages of the data file, or none when there is no file of this version (read as every
    input of the house is: a link or anything but a regular file is refused)."""
    try:
        data = json.loads(read_regular(path, limit=None))
    except (Refused, OSError, ValueError):  # missing (or a link...): Material indexes every page
        return []
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("pages"), list):
        return []
    return [page for page in data["pages"] if isinstance(page, dict)]


def on_files(files: Any, config: Any) -> Any:
    """Read the data file, and find the URL of each page it covers (pages that do not exist in
    this build are left out)."""
    _covered.clear()
    for page in _read(Path(config["docs_dir"]) / SEARCH_RECORDS):
        file = files.get_file_from_path(str(page.get("path", "")))
        if file is not None and file.is_documentation_page():
            _covered[file.src_uri] = (file.url, page)
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:  # noqa: ARG001  # MkDocs' hook signature
    """Keep Material's search plugin from parsing a page whose entries the data file holds."""
    if page.file.src_uri in _covered:
        search = page.meta.get("search")
        page.meta["search"] = {**(search if isinstance(search, dict) else {}), "exclude": True}
    return markdown


@event_priority(-100)  # after Material's search plugin has written its index
def on_post_build(config: Any) -> None:
    """Add the covered pages' entries to Material's search index."""
    if not _covered:
        return
    path = os.path.join(config["site_dir"], "search", "search_index.json")
    if not os.path.isfile(path):  # the search plugin is off
        return
    with open(path, encoding="utf-8") as file:
        index = json.load(file)
    made: dict[str, tuple[dict[str, Any], list[dict[str, str]]]] = {}
    for url, page in _covered.values():
        kept = _made.get(url)
        entries = kept[1] if kept is not None and kept[0] == page else search_entries(url, page)
        made[url] = (page, entries)
        index["docs"].extend(entries)
    _made.clear()
    _made.update(made)
    with open(path, "w", encoding="utf-8") as file:
        json.dump(index, file, separators=(",", ":"), ensure_ascii=False)
