"""Generated HTML blocks (render.html_block): the longest parts of the pages skip Markdown, and the
hook (site_overrides/hooks.py) puts them back with MkDocs' URLs, checked as MkDocs checks a
Markdown link, and under the sanitizer like the rest of the page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO
from generator.render import html_block, html_environment, html_inline


def test_a_value_in_a_block_is_escaped_for_html_and_nothing_else() -> None:
    # Markdown never reads a block: a backslash before `*` or `(` would show on the page
    assert html_inline("<b>*x*</b> [a](javascript:x) {{ 7*7 }} & 'q'") == (
        "&lt;b&gt;*x*&lt;/b&gt; [a](javascript:x) {{ 7*7 }} &amp; &#x27;q&#x27;")
    assert html_inline("a\n\nb") == "a b"  # a value never spans lines
    assert html_inline("داعش") == "<bdi>داعش</bdi>"  # right-to-left text is isolated, as in Markdown


def test_the_record_block_shows_hostile_data_as_text() -> None:
    module = html_environment().get_template("_blocks.html.j2").module
    empty = {"text": "t", "href": "x.md"}
    view = {
        "status": "published", "date": "1 May 2020", "date_note": None, "kind": "statement",
        "confidence": "reported", "corrections": (), "speaker": empty, "speaker_title": None,
        "on_behalf_of": None, "medium": None, "quote": "<script>alert(1)</script>", "about": (),
        "regions": (), "sources": (), "tags": (), "actors": (),
    }
    out = str(module.record_body(view, "../tags/index.md"))
    assert "<script>" not in out and "“&lt;script&gt;alert(1)&lt;/script&gt;”" in out


def _site(tmp_path: Path, page: str, hand: str = "# Hand\n") -> subprocess.CompletedProcess[str]:
    docs = tmp_path / "docs"
    (docs / "timeline").mkdir(parents=True)  # a generated folder: the hook takes blocks from generated pages only
    (docs / "index.md").write_text("# Home\n", "utf-8")
    (docs / "timeline" / "b.md").write_text("# B\n\n## X { #x }\n", "utf-8")
    (docs / "timeline" / "a.md").write_text(page, "utf-8")
    (docs / "hand.md").write_text(hand, "utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\ndocs_dir: {docs}\nsite_dir: {tmp_path / 'site'}\ntheme:\n  name: material\n"
        f"hooks:\n  - {REPO / 'site_overrides' / 'hooks.py'}\nmarkdown_extensions:\n  - attr_list\n  - toc\n"
        "validation:\n  anchors: warn\n  unrecognized_links: warn\nnav:\n  - index.md\n  - timeline/a.md\n"
        "  - timeline/b.md\n  - hand.md\n",
        "utf-8")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(tmp_path / "mkdocs.yml")],
                          capture_output=True, text=True, cwd=tmp_path)


def _page(block: str) -> str:
    return f"# A\n\n## First {{ #first }}\n\n{html_block(block)}\n\nAfter.\n"


def test_a_block_links_like_markdown_and_the_sanitizer_still_cleans_it(tmp_path: Path) -> None:
    block = ('<p><a href="b.md#x">to B</a> · <a href="#first">up</a> · <a href="https://example.org/?a=1&amp;b=2">out</a>'
             " *not emphasis*</p>\n<script>alert(1)</script><p onclick=\"alert(2)\">text</p>")
    result = _site(tmp_path, _page(block))
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "timeline" / "a" / "index.html").read_text("utf-8")
    assert '<a href="../b/#x">to B</a>' in html  # a page's URL, as MkDocs makes of a Markdown link
    assert '<a href="#first">up</a>' in html and 'href="https://example.org/?a=1&amp;b=2"' in html
    assert "*not emphasis*" in html  # Markdown did not read the block
    assert "<script>" not in html.split("<article", 1)[1].split("</article>", 1)[0]  # the sanitizer did
    assert "onclick" not in html and "<p>text</p>" in html
    assert "briefing-block" not in html and "<p>After.</p>" in html


def test_a_block_link_to_a_missing_page_or_anchor_fails_the_strict_build(tmp_path: Path) -> None:
    missing = _site(tmp_path / "page", _page('<p><a href="nowhere.md">x</a></p>'))
    assert missing.returncode != 0
    assert "contains a link 'nowhere.md', but the target 'timeline/nowhere.md' is not found" in missing.stderr
    anchor = _site(tmp_path / "anchor", _page('<p><a href="b.md#nope">x</a></p>'))
    assert anchor.returncode != 0
    assert "does not contain an anchor '#nope'" in anchor.stderr


def test_a_hand_written_slot_comment_is_no_error(tmp_path: Path) -> None:
    # A page's own comment shaped like the hook's slot of a block (a contributor's page may hold
    # anything) was taken for a block the page did not have: an IndexError, a traceback.
    result = _site(tmp_path, _page("<p>one</p>") + "\n<!--briefing-block-7-->\n\n<!--briefing-block-0-->\n")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "timeline" / "a" / "index.html").read_text("utf-8")
    assert "briefing-block" not in html and "<p>After.</p>" in html


def test_markers_in_a_hand_written_page_are_its_text(tmp_path: Path) -> None:
    # An example of a block in a hand-written page's code block was taken out as a block: the page
    # showed the hook's slot comment instead of the example.
    hand = f"# Hand\n\n```html\n{html_block('<p>an <b>example</b></p>')}\n```\n"
    result = _site(tmp_path, _page("<p>one</p>"), hand)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "hand" / "index.html").read_text("utf-8")
    assert "&lt;!--html--&gt;\n&lt;p&gt;an &lt;b&gt;example&lt;/b&gt;&lt;/p&gt;\n&lt;!--/html--&gt;" in html
    assert "briefing-block" not in html
