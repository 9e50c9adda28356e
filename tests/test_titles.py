"""Page titles reach Material's `<title>` and header as text, whatever page they come from
(issue 9, item 3). The browser test (tests/test_browser.py) covers the generated pages, whose
titles are front matter; this covers a page that has none, whose title MkDocs takes from its first
heading with the entities kept, and which Material would print through `striptags` (which decodes
them back into markup). A real `mkdocs build --strict` with the repository's configuration.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from conftest import REPO
from generator.site import generate, mkdocs_build
from generator.validate import validate

sys.path.insert(0, str(REPO / "tests"))
from browser_helpers import copy_hand_written, mkdocs_config  # noqa: E402 - a helper of the tests folder

#: A heading whose text is markup, written with entities so that Markdown keeps it as text.
HEADING = "Notes &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; {{ 7*7 }}"
TEXT = html.unescape(HEADING)  # what a reader must see: Notes </title><script>alert(1)</script> &amp; {{ 7*7 }}


def test_a_title_taken_from_a_heading_stays_text(base_data: Path, tmp_path: Path) -> None:
    content, site = tmp_path / "content", tmp_path / "site"
    copy_hand_written(content)
    (content / "notes.md").write_text(f"# {HEADING}\n\nA page written by hand, with no front matter.\n",
                                      encoding="utf-8")
    result = validate(base_data)
    generate(result.dataset, result.config, content)
    mkdocs_build(mkdocs_config(tmp_path, content, site), site)

    page = (site / "notes" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert title is not None
    assert html.unescape(title.group(1)) == f"{TEXT} - Conflict briefing"
    topic = re.search(r'data-md-component="header-topic">\s*<span class="md-ellipsis">(.*?)</span>', page, re.DOTALL)
    assert topic is not None and html.unescape(topic.group(1).strip()) == TEXT
