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
from collections.abc import Callable
from pathlib import Path

from conftest import REPO
from generator.render import isolate_text
from generator.site import generate, mkdocs_build
from generator.validate import validate

sys.path.insert(0, str(REPO / "tests"))
from browser_helpers import copy_hand_written, mkdocs_config

#: A heading whose text is markup, written with entities so that Markdown keeps it as text.
HEADING = "Notes &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; {{ 7*7 }}"
TEXT = html.unescape(HEADING)  # what a reader must see: Notes </title><script>alert(1)</script> &amp; {{ 7*7 }}


def built_site(data: Path, tmp_path: Path, edit: Callable[[Path], object] = lambda _content: None) -> Path:
    """`data` (valid) built into `<tmp_path>/site` with the repository's hand-written pages, which
    `edit` may change first (it gets the content folder)."""
    content, site = tmp_path / "content", tmp_path / "site"
    copy_hand_written(content)
    edit(content)
    result = validate(data)
    assert result.report.ok
    generate(result.dataset, result.config, content)
    mkdocs_build(mkdocs_config(tmp_path, content, site), site)
    return site


def test_a_title_taken_from_a_heading_stays_text(base_data: Path, tmp_path: Path) -> None:
    site = built_site(base_data, tmp_path, lambda content: (content / "notes.md").write_text(
        f"# {HEADING}\n\nA page written by hand, with no front matter.\n", encoding="utf-8"))

    page = (site / "notes" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert title is not None
    assert html.unescape(title.group(1)) == f"{TEXT} - Conflict briefing"
    topic = re.search(r'data-md-component="header-topic">\s*<span class="md-ellipsis">(.*?)</span>', page, re.DOTALL)
    assert topic is not None and html.unescape(topic.group(1).strip()) == TEXT


#: A name with characters beyond the Basic Multilingual Plane (an emoji, Adlam letters), and
#: Markdown that would load an image and make a link if it were ever read as Markdown.
ASTRAL_NAME = "Islamic State 😀 𞤀𞤣𞤤𞤢𞤥 ![p](https://pixel.example/p.png) [click](https://phish.example/)"


def test_a_name_beyond_the_basic_plane_stays_the_title(base_data: Path, tmp_path: Path) -> None:
    """A front-matter title is written so that MkDocs' YAML reader (libyaml) accepts it whatever
    its characters. JSON writes an emoji as a surrogate pair (`\\ud83d\\ude00`), which libyaml
    refuses: MkDocs then dropped the whole front matter into the page as Markdown, so the name's
    `![p](https://...)` became an image that the privacy plugin downloaded at build time (any
    address, from the build machine) and published, and the page lost its title."""
    actor = base_data / "actors" / "isis.yml"
    actor.write_text(actor.read_text(encoding="utf-8").replace("name: Islamic State (ISIS)",
                                                               f'name: "{ASTRAL_NAME}"'), encoding="utf-8")
    site = built_site(base_data, tmp_path)

    page = (site / "actors" / "isis" / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    # Adlam is written right to left: the title isolates the name (FSI ... PDI), as every such title.
    assert title is not None and html.unescape(title.group(1)) == f"{isolate_text(ASTRAL_NAME)} - Conflict briefing"
    assert not [src for src in re.findall(r'<img[^>]* src="([^"]*)"', page) if "pixel" in src]
    assert 'href="https://phish.example/' not in page
    assert not (site / "assets" / "external").exists()


def test_a_citation_address_with_backquotes_is_linked_as_written(base_data: Path, tmp_path: Path) -> None:
    """A web address is an attribute of a raw `<a>` in the Markdown, but Markdown reads code spans
    before raw HTML: `` `d` `` inside the address became `<code>d</code>`, and the link led elsewhere."""
    url = "https://www.rudaw.net/english/a`d`b?q=`x`"
    attack = base_data / "incidents" / "2020" / "04" / "attack.yml"
    attack.write_text(attack.read_text(encoding="utf-8").replace(
        "url: https://www.rudaw.net/english/example", f"url: '{url}'"), encoding="utf-8")
    site = built_site(base_data, tmp_path)
    page = (site / "timeline" / "2020-04" / "index.html").read_text(encoding="utf-8")
    hrefs = [html.unescape(h) for h in re.findall(r'<a href="([^"]*rudaw\.net/english/a[^"]*)"', page)]
    assert hrefs and all(h == url for h in hrefs), hrefs


def test_front_matter_that_material_prints_in_the_navigation_stays_text(base_data: Path, tmp_path: Path) -> None:
    """A hand-written page in the navigation (any pull request can edit one) with front matter that
    Material prints unescaped on every page: `subtitle` under its entry in the navigation, and
    `status` inside a class attribute. Both ran script in Chromium on every page of the site."""
    def hostile_front_matter(content: Path) -> None:
        about = content / "about.md"
        about.write_text("---\nsubtitle: \"<img src=x onerror=alert('SUB')>\"\n"
                         "status: 'new\"><img src=x onerror=alert(\"STATUS\")><b class=\"'\n---\n"
                         + about.read_text(encoding="utf-8"), encoding="utf-8")

    site = built_site(base_data, tmp_path, hostile_front_matter)
    for page in (site / "index.html", site / "about" / "index.html"):
        text = page.read_text(encoding="utf-8")
        assert "<img src=x" not in text, page
        assert ("&lt;img src=x onerror=alert(&#x27;SUB&#x27;)&gt;" in text
                or "&lt;img src=x onerror=alert(&#39;SUB&#39;)&gt;" in text)
