"""Bidi controls in the data (issue 9, item 14): a RIGHT-TO-LEFT OVERRIDE (U+202E) in a value
reverses the value, but never the words the site and the PDF briefings print around it; and the
validator warns about it where it is written (`bidi-control`).

The site is built with the real `mkdocs build --strict` and read back as HTML; the PDF is rendered
by Typst and read back with pypdf, in the order its glyphs are laid out.
"""

from __future__ import annotations

import sys
import unicodedata
from datetime import date
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO, problem_list
from generator import pdf
from generator.render import REORDERING, isolate_text, md_inline
from generator.validate import validate
from generator.views import briefing as views

sys.path.insert(0, str(REPO / "tests"))
from browser_helpers import build_site

RLO, FSI, PDI = "\u202e", "\u2068", "\u2069"
ACTOR = f"Islamic {RLO}State"  # shown as "Islamic etatS"; what follows it must not be reversed
TITLE = f"An attack {RLO}on a checkpoint"


def plant(data: Path) -> None:
    """The base data with a RIGHT-TO-LEFT OVERRIDE in an actor's name and an incident's title,
    written as YAML escapes (as an editor would see them in a diff)."""
    isis = data / "actors" / "isis.yml"
    isis.write_text(isis.read_text(encoding="utf-8").replace(
        "name: Islamic State (ISIS)", 'name: "Islamic \\u202EState"'), encoding="utf-8")
    attack = data / "incidents" / "2020" / "04" / "attack.yml"
    attack.write_text(attack.read_text(encoding="utf-8").replace(
        "title: An attack on a checkpoint", 'title: "An attack \\u202Eon a checkpoint"'), encoding="utf-8")


# --- the validator ------------------------------------------------------------------------------


def test_validator_warns_at_each_value_with_a_bidi_control(base_data: Path) -> None:
    plant(base_data)
    regions = base_data / "regions" / "regions.yml"  # a list file: kirkuk's aliases are on line 8
    regions.write_text(regions.read_text(encoding="utf-8").replace(
        "aliases: [Kerkuk, كركوك]", 'aliases: [Kerkuk, "\\u2067كركوك"]'), encoding="utf-8")
    (base_data.parent / "briefing.yml").write_text('title: "Briefing \\u202Dsite"\n', encoding="utf-8")
    result = validate(base_data)
    assert result.report.ok, "a bidi control is a warning, not an error"
    found = [p for p in result.report.sorted() if p.code == "bidi-control"]
    where = [(p.path.removeprefix(base_data.parent.as_posix() + "/"), p.line, p.col) for p in found]
    assert where == [
        ("briefing.yml", 1, 8),
        ("data/actors/isis.yml", 2, 7),
        ("data/incidents/2020/04/attack.yml", 2, 8),
        ("data/regions/regions.yml", 8, 21),
    ]
    assert all(p.severity == "warning" for p in found)
    messages = {p.path.rsplit("/", 1)[-1]: p.message for p in found}
    assert messages["isis.yml"].startswith("name: holds the invisible bidi control U+202E (RIGHT-TO-LEFT OVERRIDE)")
    assert messages["regions.yml"].startswith("aliases[1]: holds the invisible bidi control U+2067")
    assert all(RLO not in p.message for p in found), "the value itself is never printed"


def test_right_to_left_text_without_controls_is_no_warning(base_data: Path) -> None:
    # The base data holds Arabic and Kurdish aliases (داعش, كركوك): scripts, not controls.
    assert [c for _, _, c in problem_list(base_data)] == []


# --- the escaping filter ------------------------------------------------------------------------


def test_reordering_characters_cover_unicode() -> None:
    """Every character whose bidi class can reorder its surroundings is isolated."""
    classes = {"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
    missed = [f"U+{c:04X}" for c in range(sys.maxunicode + 1)
              if unicodedata.bidirectional(chr(c)) in classes and not REORDERING.match(chr(c))]
    assert missed == []


def test_values_that_can_reorder_are_isolated_and_others_left_alone() -> None:
    assert md_inline(ACTOR) == f"<bdi>{ACTOR}</bdi>"
    assert md_inline("داعش") == "<bdi>داعش</bdi>"
    assert md_inline("Peshmerga (target)") == "Peshmerga \\(target\\)"
    # Plain text: closed by as many PDIs as the value leaves isolates open, plus ours.
    assert isolate_text(ACTOR) == f"{FSI}{ACTOR}{PDI}"
    assert isolate_text("a\u2067b") == f"{FSI}a\u2067b{PDI}{PDI}"
    assert isolate_text("Kirkuk") == "Kirkuk"


# --- the site -----------------------------------------------------------------------------------


class _Texts(HTMLParser):
    """Each text of a page with the tags that enclose it, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.texts: list[tuple[str, tuple[str, ...]]] = []

    def handle_starttag(self, tag: str,
                        attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002  # HTMLParser's signature
        if tag not in ("br", "img", "meta", "link", "input", "hr", "wbr", "source", "path"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append((data, tuple(self.stack)))


def texts(page: Path) -> list[tuple[str, tuple[str, ...]]]:
    parser = _Texts()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.texts


@pytest.mark.slow
def test_built_pages_isolate_a_value_with_an_override(base_data: Path, tmp_path: Path) -> None:
    plant(base_data)
    site = build_site(base_data, tmp_path / "work")

    month = texts(site / "timeline" / "2020-04" / "index.html")
    article = month[next(i for i, (_, tags) in enumerate(month) if "article" in tags):]
    for value in (ACTOR, TITLE):
        held = [tags for text, tags in article if value in text]
        assert held, f"{value!r} is not on the month page"
        assert all("bdi" in tags for tags in held), f"{value!r} is printed outside an isolating element"
    # The label after the actor's name is printed after it, outside its isolation.
    at = next(i for i, (text, _) in enumerate(article) if ACTOR in text)
    label, tags = article[at + 1]
    assert label.strip().startswith("(perpetrator)") and "bdi" not in tags

    # The browser's title bar: the name isolated with Unicode controls, the site's name after it.
    actor_page = (site / "actors" / "isis" / "index.html").read_text(encoding="utf-8")
    assert f"<title>{FSI}{ACTOR}{PDI} - Conflict briefing</title>" in actor_page
    heading = [tags for text, tags in texts(site / "actors" / "isis" / "index.html") if ACTOR in text and "h1" in tags]
    assert heading and all("bdi" in tags for tags in heading)
    # An attribute holds no element: the chart's description isolates the name with controls.
    assert f'alt="Bar chart of incidents involving {FSI}{ACTOR}{PDI} per month, by role;' in actor_page


# --- the PDF briefing ---------------------------------------------------------------------------


@pytest.mark.slow
def test_pdf_keeps_the_text_after_an_override_in_order(base_data: Path) -> None:
    plant(base_data)
    result = validate(base_data)
    made = pdf.briefing_pdf(result.dataset, result.config, views.Request(date(2020, 4, 1), date(2020, 4, 30)))
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(made.data)).pages)
    # The value itself is shown reversed after its override (that is what the warning is for)...
    assert "Islamic etatS" in text
    # ...but the words printed after it keep their order.
    assert "Islamic etatS (perpetrator) · Peshmerga (target)" in text
    assert "Actors: Islamic etatS (1) · Peshmerga (1)" in text
    assert "rotarteprep" not in text and "agremhseP" not in text
