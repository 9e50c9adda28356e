"""PDF briefings (`briefing pdf`, and the PDFs `briefing build` puts on the site), read back as a
reader would: the text of the pages (pypdf), their fonts, metadata and size.

The example data's April 2020 briefing is rendered once per module (a few seconds); the tests that
change data render small briefings of their own copies.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import stat
from dataclasses import dataclass, replace
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import REPO
from generator import pdf
from generator.validate import validate
from generator.views import briefing as views
from generator.views.common import Context

BRIEFING = Path(sys.executable).with_name("briefing")
APRIL = views.Request(date(2020, 4, 1), date(2020, 4, 30))
ARABIC = ("داعش", "كركوك", "پێشمەرگە")  # an actor's alias, a region's alias, a Kurdish alias


@dataclass
class Read:
    """A PDF as a reader gets it: the text of each page (whitespace folded) and the document."""

    data: bytes
    reader: PdfReader
    pages: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    def between(self, start: str, end: str) -> str:
        """The text from the heading `start` to the heading `end` (both as printed), after the
        cover and the contents page (which name every heading)."""
        text = "\n".join(self.pages[2:])
        first = text.index(start)
        return text[first:text.index(end, first)]


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def read(data: bytes) -> Read:
    reader = PdfReader(BytesIO(data))
    return Read(data, reader, [fold(page.extract_text()) for page in reader.pages])


def render(data_dir: Path, request: views.Request = APRIL, *, content: Path | None = None, preview: bool = False,
           paper: str = "a4") -> Read:
    result = validate(data_dir)
    assert result.report.ok, result.report.summary()
    return read(pdf.briefing_pdf(result.dataset, result.config, request, content=content, preview=preview,
                                 paper=paper).data)


def run(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BRIEFING), *args], capture_output=True, text=True, cwd=cwd, timeout=300,
                          env={**os.environ, **(env or {})})


def example_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


@pytest.fixture(scope="module")
def april() -> Read:
    return render(REPO / "data")


@pytest.fixture(scope="module")
def example() -> Context:
    result = validate(REPO / "data")
    return Context(result.dataset)


def in_april(ctx: Context, kind: str) -> list[Any]:
    """The records whose whole date lies inside April 2020, read from the data (not from a view)."""
    entries = ctx.incidents() if kind == "incidents" else ctx.statements()
    return [e.record for e in entries
            if date(2020, 4, 1) <= e.record.date.start and e.record.date.end <= date(2020, 4, 30)]


# --- the example data's April 2020 briefing ---------------------------------------------------


@pytest.mark.slow
def test_april_briefing_prints_every_incident_and_statement_of_the_month(april: Read, example: Context) -> None:
    timeline = fold(april.between("Timeline", "Actor glossary"))
    incidents, statements = in_april(example, "incidents"), in_april(example, "statements")
    assert len(incidents) == 4 and len(statements) == 6  # the article's April records
    for incident in incidents:
        assert fold(incident.title) in timeline
        assert fold(incident.summary) in timeline
    for statement in statements:
        assert fold(statement.quote or statement.paraphrase) in timeline
    # A record that only overlaps April is listed apart, after the month's own records.
    possibly = fold(april.between("Possibly in this period", "Actor glossary"))
    for entry in example.incidents():
        placed = entry.record.date.placement(date(2020, 4, 1), date(2020, 4, 30))
        if placed == "overlaps":
            assert fold(entry.record.title) in possibly
        elif placed == "inside":
            assert fold(entry.record.title) not in possibly


@pytest.mark.slow
def test_april_briefing_cover_figures_and_sections(april: Read) -> None:
    cover = april.pages[0]
    assert "Conflict briefing" in cover and "April 2020" in cover
    assert "UNCLASSIFIED — FOR PUBLIC RELEASE" in cover
    # the latest date in the records: the corrections of 30 November 2026 (item 20), after the
    # article's publication (17 April 2020)
    assert "Issued 30 November 2026" in cover
    # The key figures count April's four incidents against March's one (the handovers of March
    # are dated "17 March – 17 April" and lie inside neither month).
    figures = april.between("Key figures", "People killed, by actor")
    assert "Incidents 4 1" in figures and "Statements 6 0" in figures
    assert "People killed 25 unknown" in figures  # 20 + 2 + 2 + 1; March gives no death toll
    contents = april.pages[1]
    for heading in ("Key figures", "Incidents per month", "Region summaries", "Timeline", "Possibly in this period",
                    "Actor glossary", "Sources"):
        assert re.search(re.escape(heading) + r" [. ]*\d+", contents), heading  # with its page number


@pytest.mark.slow
def test_april_briefing_numbers_its_pages_and_ends_with_endnotes(april: Read) -> None:
    total = len(april.pages)
    assert total > 5
    for number, page in enumerate(april.pages, start=1):
        assert f"Page {number} of {total}" in page
        assert "UNCLASSIFIED — FOR PUBLIC RELEASE" in page
    for page in april.pages[2:]:
        assert "Conflict briefing · April 2020" in page  # the running header (not on the cover)
    sources = april.text[april.text.rindex("Sources"):]
    assert "1. Rudaw, “Coalition training mission in Iraq and Syria ‘will resume as conditions permit’”, " \
           "17 April 2020." in sources
    assert "https://www.rudaw.net/english/middleeast/170420202" in sources.replace(" ", "")
    assert "[1] Rudaw" in april.between("Timeline", "Actor glossary")  # every record points at its endnote


@pytest.mark.slow
def test_april_briefing_embeds_every_font_and_has_metadata(april: Read) -> None:
    fonts = {}
    for page in april.reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            fonts[str(font["/BaseFont"])] = described["/FontDescriptor"].get_object()
    assert len(fonts) >= 3
    for name, descriptor in fonts.items():
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), f"{name} is not embedded"
    assert any("Arabic" in name for name in fonts)  # the aliases are set in an Arabic-script face
    meta = april.reader.metadata
    assert meta.title == "Conflict briefing · April 2020"
    assert meta.subject == "Incidents and statements, April 2020"
    assert "April 2020" in meta["/Keywords"]
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20261130000000Z"  # the date of issue, not the clock
    catalog = april.reader.trailer["/Root"]
    assert catalog["/Lang"] == "en" and catalog["/MarkInfo"]["/Marked"]  # tagged, for screen readers


@pytest.mark.slow
def test_april_briefing_keeps_arabic_and_kurdish_names_as_text(april: Read) -> None:
    glossary = april.between("Actor glossary", "Sources")
    assert "داعش" in glossary and "پێشمەرگە" in glossary
    assert "كركوك" in april.between("Region summaries", "Timeline")


@pytest.mark.slow
def test_same_data_gives_byte_identical_pdfs(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        target = tmp_path / f"april-{seed}.pdf"
        result = run("pdf", "--month", "2020-04", "-o", str(target), env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        assert "wrote" in result.stdout and "April 2020, 4 incidents and 6 statements" in result.stdout
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(b"%PDF-")


@pytest.mark.slow
def test_letter_paper(tmp_path: Path) -> None:
    a4 = PdfReader(BytesIO(run_pdf(tmp_path / "a4.pdf", "--paper", "a4"))).pages[0].mediabox
    letter = PdfReader(BytesIO(run_pdf(tmp_path / "letter.pdf", "--paper", "letter"))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def run_pdf(target: Path, *args: str) -> bytes:
    result = run("pdf", "--month", "2020-04", "-o", str(target), *args)
    assert result.returncode == 0, result.stderr
    return target.read_bytes()


# --- filters and figures -----------------------------------------------------------------------


def test_region_filter_takes_sub_regions_and_nothing_else(example: Context) -> None:
    from generator.config import SiteConfig

    briefing = views.build(example, views.Request(APRIL.start, APRIL.end, region="kirkuk"), SiteConfig())
    titles = {item.view.title for group in briefing.timeline for item in group.items}
    ids = {item.view.id for group in briefing.timeline for item in group.items}
    # Hawija (a district of Kirkuk) and Wadi Ashai (an area of Kirkuk) are in; Kolajo (Garmiyan)
    # and Tuz Khurmatu (Salahaddin) are not.
    assert {"hawija-checkpoint-killing-2020-04-12", "wadi-ashai-airstrike-2020-04-13"} <= ids
    assert not {"kolajo-attack-2020-04", "tuz-khurmatu-pmf-killing-2020-04"} & ids
    # Statements count when they name Kirkuk or a region inside it.
    for item in (i for group in briefing.timeline for i in group.items if i.view.kind == "statement"):
        assert {"Kirkuk", "Hawija", "Wadi Ashai"} & {r.text for r in item.view.regions}, item.view.title
    assert briefing.figures.main[0].current == str(sum(1 for i in ids if i.startswith(("hawija", "wadi"))))
    # Summaries are by the parts of Kirkuk that hold the incidents.
    assert sorted(s.name for s in briefing.regions if s.incidents) == ["Hawija", "Wadi Ashai"]
    assert "Coalition airstrike in Wadi Ashai kills 20 militants" in titles


@pytest.mark.slow
def test_region_filter_in_the_pdf(tmp_path: Path) -> None:
    target = tmp_path / "kirkuk.pdf"
    result = run("pdf", "--month", "2020-04", "--region", "kirkuk", "-o", str(target))
    assert result.returncode == 0, result.stderr
    printed = read(target.read_bytes())
    timeline = printed.between("Timeline", "Actor glossary")
    assert "ISIS militants kill a federal police officer at a checkpoint in Hawija" in timeline
    assert "Coalition airstrike in Wadi Ashai kills 20 militants" in timeline
    for elsewhere in ("ISIS attack in Kolajo kills two Peshmerga fighters", "Two PMF fighters killed in Tuz Khurmatu"):
        assert elsewhere not in printed.text  # Garmiyan and Salahaddin are not in Kirkuk
    assert "Region Kirkuk (with its sub-regions)" in printed.pages[0]
    assert "Conflict briefing: Kirkuk · April 2020" in printed.pages[2]


def test_actor_filter_takes_any_role_and_statements_by_or_about_it(example: Context) -> None:
    from generator.config import SiteConfig

    briefing = views.build(example, views.Request(APRIL.start, APRIL.end, actor="peshmerga"), SiteConfig())
    items = [i for group in briefing.timeline for i in group.items]
    incidents = {i.view.id for i in items if i.view.kind == "incident"}
    assert incidents == {"kolajo-attack-2020-04"}  # Peshmerga is the target there, and in no other April incident
    for item in (i for i in items if i.view.kind == "statement"):
        assert "Peshmerga" in {a.text for a in item.view.about} | {item.view.speaker.text}
    assert [g.name for g in briefing.glossary if g.id == "peshmerga"]


@pytest.mark.slow
def test_a_changed_casualty_count_changes_the_printed_figures(tmp_path: Path) -> None:
    data = example_copy(tmp_path)
    strike = data / "incidents" / "2020" / "04" / "wadi-ashai-airstrike-2020-04-13.yml"
    text = strike.read_text(encoding="utf-8")
    assert "    killed: 20\n" in text
    strike.write_text(text.replace("    killed: 20\n", "    killed: 1020\n"), encoding="utf-8")
    briefing = render(data)
    figures = briefing.between("Key figures", "People killed, by actor")
    assert "People killed 1,025 unknown" in figures  # 1,020 + 2 + 2 + 1, with a thousands separator
    assert "1,020 killed" in briefing.between("Timeline", "Possibly in this period")


def test_records_count_only_when_their_whole_date_lies_inside(base_data: Path) -> None:
    from generator.config import SiteConfig

    # The base data: one incident on 12 April 2020 (1 killed) and a statement dated April 2020.
    result = validate(base_data)
    ctx = Context(result.dataset)
    half = views.build(ctx, views.Request(date(2020, 4, 1), date(2020, 4, 15)), SiteConfig())
    assert half.counted_incidents == 1 and half.counted_statements == 0
    assert [i.view.id for i in half.possibly] == ["said"]  # "2020-04" only overlaps 1–15 April
    assert half.previous.title == "17–31 March 2020"  # the 15 days before
    month = views.build(ctx, APRIL, SiteConfig())
    assert month.counted_statements == 1 and not month.possibly
    assert month.previous.title == "March 2020"
    assert [(f.label, f.current, f.previous) for f in month.figures.main[:3]] == [
        ("Incidents", "1", "0"), ("Statements", "1", "0"), ("People killed", "1", "unknown")]


def test_periods_names_and_previous_periods() -> None:
    assert views.period_title(date(2020, 4, 1), date(2020, 4, 30)) == "April 2020"
    assert views.period_title(date(2020, 1, 1), date(2020, 3, 31)) == "January – March 2020"
    assert views.period_title(date(2020, 1, 1), date(2020, 12, 31)) == "2020"
    assert views.period_title(date(2020, 4, 1), date(2020, 4, 15)) == "1–15 April 2020"
    assert views.previous_of(date(2020, 4, 1), date(2020, 6, 30)) == (date(2020, 1, 1), date(2020, 3, 31))
    assert views.previous_of(date(2020, 1, 1), date(2020, 1, 31)) == (date(2019, 12, 1), date(2019, 12, 31))
    assert views.previous_of(date(2020, 4, 10), date(2020, 4, 19)) == (date(2020, 3, 31), date(2020, 4, 9))
    assert APRIL.name == "2020-04"
    assert views.Request(date(2020, 4, 1), date(2020, 4, 30), region="kirkuk").name == "region-kirkuk-2020-04"
    assert views.Request(date(2020, 4, 1), date(2020, 4, 15), actor="isis").name == "actor-isis-2020-04-01_2020-04-15"


# --- data is text, drafts stay out, key judgements ---------------------------------------------


HOSTILE_QUOTE = "<script>alert(1)</script> & <b>not bold</b> {{ 7*7 }} **not strong**"


def test_hostile_text_prints_as_typed(base_data: Path) -> None:
    said = base_data / "statements" / "2020" / "04" / "said.yml"
    said.write_text(said.read_text(encoding="utf-8").replace(
        "paraphrase: Something was said.", f"quote: '{HOSTILE_QUOTE}'"), encoding="utf-8")
    attack = base_data / "incidents" / "2020" / "04" / "attack.yml"
    attack.write_text(attack.read_text(encoding="utf-8").replace(
        "title: An attack on a checkpoint", "title: '<img src=x onerror=alert(2)> attack'"), encoding="utf-8")
    printed = render(base_data)
    assert f"“{HOSTILE_QUOTE}”" in printed.text
    assert "<img src=x onerror=alert(2)> attack" in printed.text


TYPST_SYNTAX = ('#eval("1+1") #read("/etc/passwd") *bold* _em_ $x^2$ <lab> @ref \\ // c ] [ } { '
                '#import "x": y `raw` = heading')


def test_typst_syntax_in_data_prints_as_typed(base_data: Path) -> None:
    # Data reaches Typst only as JSON strings, printed as text: markup, code, labels, references,
    # comments and brackets in a title, a summary, a quote or a name print literally.
    said = base_data / "statements" / "2020" / "04" / "said.yml"
    said.write_text(said.read_text(encoding="utf-8").replace(
        "paraphrase: Something was said.", f"quote: {json.dumps(TYPST_SYNTAX)}"), encoding="utf-8")
    attack = base_data / "incidents" / "2020" / "04" / "attack.yml"
    attack.write_text(attack.read_text(encoding="utf-8").replace(
        "title: An attack on a checkpoint", f"title: {json.dumps('T ' + TYPST_SYNTAX)}"), encoding="utf-8")
    printed = render(base_data)
    text = fold(printed.text)
    assert f"“{fold(TYPST_SYNTAX)}”" in text  # the quote
    assert fold("T " + TYPST_SYNTAX) in text  # the title, in the timeline and the region summary
    assert "root:x:" not in text  # nothing read (the title and quote still show `#eval("1+1")`, not 2)


def test_drafts_only_in_a_preview_stamped_on_every_page(base_data: Path) -> None:
    attack = base_data / "incidents" / "2020" / "04" / "attack.yml"
    attack.write_text(attack.read_text(encoding="utf-8").replace(
        "title: An attack on a checkpoint", "title: DRAFT-MARKER-9Z attack\nstatus: draft"), encoding="utf-8")
    published = render(base_data)
    assert "DRAFT-MARKER-9Z" not in published.text
    assert "PREVIEW" not in published.text
    assert "Incidents 0 0" in published.between("Key figures", "People killed, by actor")
    preview = render(base_data, preview=True)
    assert "DRAFT-MARKER-9Z attack" in preview.text
    assert "DRAFT: not published" in preview.text
    assert all("PREVIEW" in page for page in preview.pages)


def test_key_judgements_are_markdown_rendered_and_sanitized(tmp_path: Path, base_data: Path) -> None:
    content = tmp_path / "content"
    (content / "briefings").mkdir(parents=True)
    (content / "briefings" / "2020-04.md").write_text(
        "## Outlook\n\n- ISIS **remains** active in Hawija.\n- <script>alert('judged')</script>Attacks continue.\n\n"
        "<img src=\"https://example.org/tracker.png\" onerror=\"alert(3)\"> [a link](javascript:alert(4))\n",
        encoding="utf-8")
    printed = render(base_data, content=content)
    judgements = printed.between("Key judgements", "Key figures")
    assert "Outlook" in judgements and "ISIS remains active in Hawija." in judgements
    assert "Attacks continue." in judgements and "a link" in judgements
    assert "alert" not in printed.text and "<script>" not in printed.text  # removed, not printed
    assert "Key judgements" in printed.pages[1]  # listed in the contents
    other = render(base_data, views.Request(date(2020, 4, 1), date(2020, 4, 15)), content=content)
    assert "Key judgements" not in other.text  # matched by name: 2020-04.md is for April 2020 only


def test_judgements_tree_is_text_and_links_only_to_the_web() -> None:
    tree = pdf.judgements_tree("## Outlook\n\n- *one* `#eval(2)` [site](https://example.org/a) [mail](mailto:a@b.c)"
                               " [file](file:///etc/passwd) [rel](other.md)\n\nThen #read(\"/x\") $y$ <lab>\n")
    assert tree is not None
    flat = json.dumps(tree, ensure_ascii=False)
    assert [n["t"] for n in tree if isinstance(n, dict)] == ["h", "ul", "p"]
    links = [n for n in _nodes(tree) if n["t"] == "a"]
    assert [n["href"] for n in links] == ["https://example.org/a", "mailto:a@b.c"]
    assert "file:" not in flat and "other.md" not in flat  # their text stays, as text
    assert "#read(\\\"/x\\\") $y$" in flat and "#eval(2)" in flat  # strings, never markup
    assert pdf.judgements_tree(" \n") is None


def _nodes(tree: list[Any]) -> list[dict[str, Any]]:
    out = []
    for node in tree:
        if isinstance(node, dict):
            out.append(node)
            out.extend(_nodes(node.get("c", [])))
    return out


def test_judgements_html_keeps_structure_and_drops_what_could_run() -> None:
    html = pdf.judgements_html("# Title\n\n*one* <a href=\"javascript:x\" onclick=\"y\">two</a> <img src=\"data:x\">")
    assert html is not None
    assert "<h1>Title</h1>" in html and "<em>one</em>" in html
    assert "javascript" not in html and "onclick" not in html and "<img" not in html
    assert pdf.judgements_html("  \n") is None


# --- the command line ----------------------------------------------------------------------------


def test_cli_invalid_data_prints_the_report_and_writes_nothing(tmp_path: Path, base_data: Path) -> None:
    attack = base_data / "incidents" / "2020" / "04" / "attack.yml"
    attack.write_text(attack.read_text(encoding="utf-8").replace("region: hawija", "region: hawjia"), encoding="utf-8")
    target = tmp_path / "out.pdf"
    result = run("pdf", "--month", "2020-04", "--data", str(base_data), "-o", str(target))
    assert result.returncode == 1
    assert "unknown-reference" in result.stderr and "did you mean `hawija`" in result.stderr
    assert "no PDF written" in result.stderr
    assert not target.exists()


def test_cli_leaves_a_pipe_or_device_as_it_is(tmp_path: Path, base_data: Path) -> None:
    # The PDF is written beside -o and renamed over it: `-o /dev/null --force` run as root
    # replaced /dev/null with a regular file. A pipe stands for the device here.
    pipe = tmp_path / "pipe.pdf"
    os.mkfifo(pipe)
    result = run("pdf", "--month", "2020-04", "--data", str(base_data), "-o", str(pipe), "--force")
    assert result.returncode == 2, result.stderr
    assert "a device or a pipe, not a file" in fold(result.stderr)
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


@pytest.mark.parametrize(("args", "message"), [
    (("--month", "2020-04", "--region", "kirkuk2"), "there is no region with id `kirkuk2` — did you mean `kirkuk`?"),
    (("--month", "2020-04", "--region", "Kerkuk"), "did you mean `kirkuk` ('Kerkuk' is one of its names)?"),
    (("--month", "2020-04", "--actor", "isil"), "there is no actor with id `isil` — did you mean `isis`?"),
    (("--month", "2020-13",), "there is no month 13"),
    (("--month", "April",), "`April` is not a month"),
    (("--from", "2020-04-31", "--to", "2020-05-01"), "April 2020 has 30 days"),
    (("--from", "2020-05-01", "--to", "2020-04-01"), "the period ends (2020-04-01) before it starts (2020-05-01)"),
    (("--from", "2020-04-01",), "give the period"),
    (("--month", "2020-04", "--from", "2020-04-01", "--to", "2020-04-02"), "either --month or --from and --to"),
    (("--month", "2020-04", "--issued", "2020-04"), "is not a day"),
    (("--month", "2020-04", "-o", "no/such/folder/out.pdf"), "the folder 'no/such/folder' does not exist"),
])
def test_cli_usage_errors(tmp_path: Path, base_data: Path, args: tuple[str, ...], message: str) -> None:
    target = tmp_path / "out.pdf"
    result = run("pdf", "--data", str(base_data), "-o", str(target), *args)  # a second -o wins
    assert result.returncode == 2, result.stderr
    assert message in fold(result.stderr)
    assert not target.exists()


def test_cli_issued_date_and_title(tmp_path: Path, base_data: Path) -> None:
    target = tmp_path / "out.pdf"
    result = run("pdf", "--from", "2020-04", "--to", "2020-04", "--issued", "2020-05-03", "--title",
                 "Hawija weekly <b>", "--data", str(base_data), "-o", str(target))
    assert result.returncode == 0, result.stderr
    printed = read(target.read_bytes())
    assert "Issued 3 May 2020 (as given when the briefing was made)" in printed.pages[0]
    assert "Hawija weekly <b>" in printed.pages[0]
    assert printed.reader.metadata["/CreationDate"] == "D:20200503000000Z"


# --- scripts that no installed font covers ----------------------------------------------------


DEJAVU = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core: fontconfig's own fonts


def fonts_without_arabic(tmp_path: Path) -> dict[str, str]:
    """The environment of a fontconfig that knows only the DejaVu faces without Arabic (DejaVu
    Sans has Arabic letters; DejaVu Serif and the oblique faces have none), for `briefing` and
    Typst alike (Typst's font folders come from fontconfig)."""
    from fontTools.ttLib import TTFont

    folder = tmp_path / "fonts"
    folder.mkdir()
    for face in sorted(DEJAVU.glob("*.ttf")):
        if 0x0627 not in TTFont(face, lazy=True).getBestCmap():
            shutil.copy(face, folder / face.name)
    assert (folder / "DejaVuSerif.ttf").is_file()
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
                      f"  <dir>{folder}</dir>\n  <cachedir>{tmp_path / 'fc-cache'}</cachedir>\n</fontconfig>\n",
                      encoding="utf-8")
    return {"FONTCONFIG_FILE": str(config)}


def embedded_fonts(data: bytes) -> set[str]:
    reader = PdfReader(BytesIO(data))
    return {str(font.get_object()["/BaseFont"]) for page in reader.pages
            for font in page["/Resources"]["/Font"].values()}


NO_ARABIC_FONT = ("briefing: no installed font covers Arabic script (used in data/actors/isis.yml and 1 more file); "
                  "the PDF shows it in empty boxes. Install Debian's fonts-noto-core.")


def test_pdf_warns_of_a_script_no_installed_font_covers(tmp_path: Path, base_data: Path) -> None:
    # The base data has Arabic aliases (an actor's, a region's); an Arabic title outside the month
    # is not printed, and its file is not named.
    write_incident = base_data / "incidents" / "2020" / "06.yml"
    write_incident.parent.mkdir(parents=True, exist_ok=True)
    write_incident.write_text((base_data / "incidents" / "2020" / "04" / "attack.yml").read_text(encoding="utf-8")
                              .replace("id: attack", "id: later").replace("date: 2020-04-12", "date: 2020-06-01")
                              .replace("title: An attack on a checkpoint", "title: هجوم"), encoding="utf-8")
    without = fonts_without_arabic(tmp_path)
    target = tmp_path / "out.pdf"
    result = run("pdf", "--month", "2020-04", "--data", "data", "-o", str(target), cwd=tmp_path, env=without)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [NO_ARABIC_FONT]
    printed = target.read_bytes()
    assert printed.startswith(b"%PDF-")  # written all the same
    assert all("DejaVu" in name for name in embedded_fonts(printed))  # Typst had no other font either
    # With the machine's fonts (fonts-noto-core, or DejaVu Sans), Arabic and Kurdish are covered.
    normal = run("pdf", "--month", "2020-04", "--data", "data", "-o", str(target), cwd=tmp_path)
    assert normal.returncode == 0, normal.stderr
    assert "font" not in normal.stderr
    # Chinese has no font in either (DejaVu has none): another script, another package.
    peshmerga = base_data / "actors" / "peshmerga.yml"
    peshmerga.write_text(peshmerga.read_text(encoding="utf-8") + "aliases: [佩什梅格]\n", encoding="utf-8")
    both = run("pdf", "--month", "2020-04", "--data", "data", "-o", str(target), cwd=tmp_path, env=without)
    assert both.returncode == 0, both.stderr
    assert both.stderr.splitlines() == [
        NO_ARABIC_FONT,
        "briefing: no installed font covers CJK characters (used in data/actors/peshmerga.yml); the PDF shows "
        "it in empty boxes. Install Debian's fonts-noto-cjk.",
    ]


def test_each_character_is_named_by_its_script_and_the_package_that_covers_it() -> None:
    from generator.fonts import script_of

    assert script_of("ێ") == ("Arabic script", "fonts-noto-core")  # Kurdish (Sorani)
    assert script_of("ש") == ("Hebrew script", "fonts-noto-core")
    assert script_of("Ж") == ("Cyrillic script", "fonts-noto-core")
    assert script_of("ა") == ("Georgian script", "fonts-noto-core")
    for char in "中かカ한":
        assert script_of(char) == ("CJK characters", "fonts-noto-cjk")
    assert script_of("\U0001F600") == ("emoji", "fonts-noto-color-emoji")
    assert script_of("\u16A0") == ("Runic script", "fonts-noto-core")  # in no block of the table: by its name
    assert script_of("\uE000") == ("private-use characters", None)


@pytest.mark.slow
def test_build_warns_of_a_script_no_installed_font_covers(tmp_path: Path) -> None:
    from test_build import BASE, make_project

    project = make_project(tmp_path / "project", BASE)
    without = {**os.environ, **fonts_without_arabic(tmp_path)}
    result = project.build("--pages-only", pdf=True, env=without)
    assert result.returncode == 0, result.stderr
    assert (f"briefing: no installed font covers Arabic script (used in {project.data}/actors/isis.yml and 1 more "
            "file); the PDFs on the site show it in empty boxes. Install Debian's fonts-noto-core."
            ) in result.stderr.splitlines()
    boxed = (project.content / "pdf" / "2020-04.pdf").read_bytes()
    assert "PDFs: 4 rendered, 0 from the cache" in result.stdout
    # With the fonts installed (the machine's own configuration), no warning, and no PDF with empty
    # boxes is taken from the cache: they are rendered again, with the Arabic-script faces.
    normal = project.build("--pages-only", pdf=True)
    assert normal.returncode == 0, normal.stderr
    assert "font" not in normal.stderr
    assert "PDFs: 4 rendered, 0 from the cache" in normal.stdout
    fixed = (project.content / "pdf" / "2020-04.pdf").read_bytes()
    assert fixed != boxed and embedded_fonts(fixed) - embedded_fonts(boxed)
    again = project.build("--pages-only", pdf=True)
    assert "PDFs: 0 rendered, 4 from the cache" in again.stdout


# --- on the site ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_site_pdfs_are_linked_cached_and_free_of_drafts(tmp_path: Path, base_data: Path) -> None:
    from generator.site import generate

    attack = base_data / "incidents" / "2020" / "04" / "attack.yml"
    (base_data / "incidents" / "2020" / "04" / "draft.yml").write_text(
        attack.read_text(encoding="utf-8").replace("id: attack", "id: draft-attack").replace(
            "title: An attack on a checkpoint", "title: DRAFT-MARKER-3W\nstatus: draft"), encoding="utf-8")
    result = validate(base_data)
    content, cache = tmp_path / "content", tmp_path / "cache"
    written = generate(result.dataset, result.config, content, pdfs=True, pdf_cache=pdf.PdfCache(cache))
    pdfs = sorted(p for p in written.written if p.startswith("pdf/"))
    assert pdfs == ["pdf/2020-04.pdf", "pdf/region-hawija-2020-04.pdf", "pdf/region-iraq-2020-04.pdf",
                    "pdf/region-kirkuk-2020-04.pdf"]
    month = (content / "timeline" / "2020-04.md").read_text(encoding="utf-8")
    assert "[Download this month as a PDF briefing](../pdf/2020-04.pdf)" in month
    region = (content / "regions" / "kirkuk.md").read_text(encoding="utf-8")
    assert "[Download April 2020 as a PDF briefing](../pdf/region-kirkuk-2020-04.pdf)" in region
    for path in pdfs:
        printed = read((content / path).read_bytes())
        assert "DRAFT-MARKER-3W" not in printed.text and "An attack on a checkpoint" in printed.text
    kirkuk = read((content / "pdf" / "region-kirkuk-2020-04.pdf").read_bytes())
    assert "Region Kirkuk Governorate (with its sub-regions)" in kirkuk.pages[0]
    # An unchanged build takes every PDF from the cache, and gives the same bytes.
    before = {p: (content / p).read_bytes() for p in pdfs}
    cached = pdf.PdfCache(cache)
    again = pdf.site_pdfs(result.dataset, result.config, content, cache=cached)
    assert (cached.hits, cached.misses) == (4, 0)
    assert again == before
    # Without PDFs, nothing links one (a quick local build stays valid for mkdocs --strict).
    generate(result.dataset, result.config, content)
    assert not (content / "pdf").exists()
    assert "PDF" not in (content / "timeline" / "2020-04.md").read_text(encoding="utf-8")
    assert "PDF" not in (content / "regions" / "kirkuk.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_make_site_serves_the_pdfs(tmp_path: Path) -> None:
    from test_build import make_project

    project = make_project(tmp_path / "project")
    result = project.build(pdf=True)
    assert result.returncode == 0, result.stderr
    month_html = (project.site / "timeline" / "2020-04" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../pdf/2020-04.pdf"' in month_html
    assert (project.site / "pdf" / "2020-04.pdf").read_bytes().startswith(b"%PDF-")
    assert (project.root / ".cache" / "briefing-pdf").is_dir()  # beside the project, not in its data
    assert "PDFs: 4 rendered, 0 from the cache" in result.stdout
    again = project.build(pdf=True)
    assert "PDFs: 0 rendered, 4 from the cache" in again.stdout


def test_a_long_timeline_stops_at_the_cap_and_says_so(monkeypatch: pytest.MonkeyPatch, example: Context) -> None:
    from generator.config import SiteConfig

    monkeypatch.setattr(views, "TIMELINE_CAP", 3)
    monkeypatch.setattr(views, "POSSIBLY_CAP", 2)
    briefing = views.build(example, APRIL, SiteConfig())
    printed = [i.view.id for g in briefing.timeline for i in g.items]
    assert len(printed) == 3 and briefing.timeline_total == 10 and briefing.timeline_omitted == 7
    assert briefing.omitted_from == "6–12 April 2020"  # the fourth record, in date order
    assert len(briefing.possibly) == 2 and briefing.possibly_count == 12
    # Every record still counts: the figures are those of the whole month.
    assert [(f.label, f.current) for f in briefing.figures.main[:3]] == [
        ("Incidents", "4"), ("Statements", "6"), ("People killed", "25")]
    # A region summary names an unprinted incident without linking to it.
    lines = [line for s in briefing.regions for line in s.lines]
    assert any(line.anchor is None for line in lines) and any(line.anchor for line in lines)
    printed = read(pdf.to_pdf(pdf.typst_input(briefing))).text
    assert "It prints the first 3 of the 10 records dated inside April 2020" in printed
    assert "the other 7, from 6–12 April 2020 on, count in every figure" in printed
    assert "the first 2 are printed here" in printed


def test_a_cached_pdf_is_reused_only_for_the_same_input_template_fonts_and_engine(
        monkeypatch: pytest.MonkeyPatch) -> None:
    document = pdf.Document('{"x":1}', date(2020, 4, 30), ("/usr/share/fonts/truetype/noto",), "x")
    key = pdf.cache_key(document)
    assert key == pdf.cache_key(replace(document)) and key != pdf.cache_key(replace(document, data='{"x":2}'))
    assert pdf.cache_key(replace(document, folders=("/usr/share/fonts/truetype/dejavu",))) != key  # other fonts
    monkeypatch.setattr(pdf, "_template", lambda: b"// another template")  # another layout
    assert pdf.cache_key(document) != key
    monkeypatch.undo()
    monkeypatch.setattr(pdf, "_version", lambda _name: "0.0")  # another Typst: another layout
    assert pdf.cache_key(document) != key


_SITE_HTML = """
import hashlib, sys
from pathlib import Path
from generator import figures, pdf
from generator.validate import validate
from generator.views import briefing as views
from generator.views.common import Context
from generator.views.pdfs import site_requests
result = validate(Path(sys.argv[1]))
ctx = Context(result.dataset, event_types=result.config.all_event_types(), pdfs=True)
tables = figures.tables(ctx)
for request in site_requests(ctx):
    data = pdf.typst_input(views.build(ctx, request, result.config, None, tables)).data
    print(request.name, hashlib.sha256(data.encode()).hexdigest())
"""


def test_every_site_briefing_is_the_same_typst_input_whatever_the_hash_seed() -> None:
    # The fast, precise half of test_build's byte-identical build: a set iterated in hash order
    # anywhere in the briefing views shows here, named by the briefing it changes.
    def hashes(seed: str) -> dict[str, str]:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", _SITE_HTML, str(REPO / "data")], capture_output=True, text=True,
                             check=True, env=env, cwd=REPO).stdout
        return dict(line.split() for line in out.splitlines())

    first = hashes("1")
    assert len(first) == 24 and "region-kirkuk-2020-04" in first  # every month, every region's latest
    for seed in ("2", "3"):
        again = hashes(seed)
        assert {k for k in first if first[k] != again.get(k)} == set()
