"""The overview (home page), statements, sources and tags pages, as a reader sees them, generated in
memory from the example data (data/) or from an edited copy of it; and the golden pages of the
whole example site."""

from __future__ import annotations

import posixpath
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO
from generator.charts import ChartSpec
from generator.dates import FuzzyDate, parse_date
from generator.render import BLOCK_END, BLOCK_START
from generator.routes import EXPLORER_ASSETS, EXPLORER_VENDOR
from generator.site import render_pages, site_pages
from generator.validate import validate
from update_golden import COMMAND, GOLDEN, golden_files, stored_files

#: The generated HTML blocks of a page, which Markdown never reads (render.html_block).
BLOCKS = re.compile(f"^{re.escape(BLOCK_START)}\n(.*?)\n{re.escape(BLOCK_END)}$", re.M | re.S)

APRIL = (date(2020, 4, 1), date(2020, 4, 30))
MARCH = (date(2020, 3, 1), date(2020, 3, 31))
WADI = "incidents/2020/04/wadi-ashai-airstrike-2020-04-13.yml"
HANDOVERS = ("abu-ghraib", "al-qaim", "al-sqoor", "al-taqaddum", "k1", "qayyarah")


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the example data that a test may edit."""
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


def edit(data_dir: Path, rel: str, old: str, new: str) -> None:
    """Change one file of the data as an editor would; the text to replace must be there."""
    path = data_dir / rel
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def pages(data_dir: Path, preview: bool = False, charts: bool = False) -> dict[str, str]:
    """Every Markdown page of the site for `data_dir` (charts are drawn only when asked: slow)."""
    result = validate(data_dir)
    assert result.report.ok, result.report.summary()
    items = site_pages(result.dataset, result.config, preview=preview)
    if not charts:
        items = [p for p in items if not isinstance(p, ChartSpec)]
    rendered = render_pages(items, result.config)
    # the Data page's downloads, the explorer's data file and the feed are bytes (UTF-8 text): read as
    # text too, so that the checks over every public file (drafts never show) cover them; the map's
    # script and libraries are copies of committed files (images among them), not made from the data
    copies = (f"{EXPLORER_ASSETS}/", f"{EXPLORER_VENDOR}/")
    return {path: value.decode("utf-8") if isinstance(value, bytes) and not path.endswith(".svg") else value
            for path, value in rendered.items()
            if not path.startswith(copies)}  # type: ignore[misc]  # charts stay bytes


def section(md: str, heading: str) -> str:
    """The text under a heading (any level), up to the next heading of the same or a higher level."""
    match = re.search(rf"^(#+) {re.escape(heading)}\s*$", md, re.M)
    assert match, f"no heading {heading!r}"
    level = len(match.group(1))
    rest = md[match.end():]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.M)
    return rest[: end.start()] if end else rest


def figure(text: str, row: str) -> tuple[str, str]:
    """(this month, previous month) of the table row whose first cell contains `row`."""
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and row in cells[0]:
            match = re.fullmatch(r"(.+) \(previous month: (.+)\)", cells[1])
            assert match, line
            return match.group(1), match.group(2)
    raise AssertionError(f"no row {row!r} in:\n{text}")


def chart_table(md: str) -> dict[str, dict[str, int]]:
    """The table beside the overview chart: month -> column -> number."""
    lines = [ln for ln in section(md, "Incidents per month").splitlines() if ln.startswith("|")]
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    out = {}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        out[cells[0]] = {h: int(v) for h, v in zip(head[1:], cells[1:], strict=True)}  # a cell a column
    return out


def incidents_in(data_dir: Path) -> list[dict[str, Any]]:
    """The example incidents as written (independently of the generator's loader)."""
    return [yaml.safe_load(p.read_text("utf-8")) for p in sorted((data_dir / "incidents").rglob("*.yml"))]


def when(record: dict[str, Any]) -> FuzzyDate:
    """A record's date as the generator reads it (YAML gives a day as a `date`: back to text)."""
    value = record["date"]

    def plain(v: object) -> object:
        return v.isoformat() if isinstance(v, date) else v

    return parse_date({k: plain(v) for k, v in value.items()} if isinstance(value, dict) else plain(value))


def inside(record: dict[str, Any], period: tuple[date, date]) -> bool:
    d = when(record)
    return period[0] <= d.start and d.end <= period[1]


def killed(records: list[dict[str, Any]], period: tuple[date, date]) -> int:
    return sum(c.get("killed", 0) for r in records if inside(r, period) for c in r.get("casualties", []))


@pytest.fixture(scope="module")
def example() -> dict[str, str]:
    """The example site, rendered once for the tests that only read it."""
    return pages(REPO / "data")


# --- overview -----------------------------------------------------------------------------


def test_overview_is_titled_with_the_site_title(data: Path) -> None:
    (data.parent / "briefing.yml").write_text("title: Kirkuk & Erbil <weekly>\n", "utf-8")
    md = pages(data)["index.md"]
    assert md.startswith('---\ntitle: "Kirkuk \\u0026 Erbil \\u003cweekly\\u003e"\n---\n\n'
                         "# Kirkuk &amp; Erbil &lt;weekly&gt;\n")


def test_overview_compares_latest_month_with_the_month_before(example: dict[str, str]) -> None:
    md = example["index.md"]
    # the latest month with records, against the calendar month before it
    assert "## Key figures: April 2020" in md
    assert "beside the same figure for March 2020, the month before" in md
    figures = section(md, "Key figures: April 2020")
    records = incidents_in(REPO / "data")
    april = sum(inside(r, APRIL) for r in records)
    march = sum(inside(r, MARCH) for r in records)
    assert figure(figures, "Incidents") == (str(april), str(march))
    # March's only incident inside the month gives no casualties: unknown, not 0
    assert figure(figures, "People killed") == (str(killed(records, APRIL)), "unknown")


def test_figures_follow_the_data(data: Path) -> None:
    before = pages(data)["index.md"]
    edit(data, WADI, "killed: 20", "killed: 25")
    after = pages(data)["index.md"]

    total_before, _ = figure(section(before, "Key figures: April 2020"), "People killed")
    total_after, _ = figure(section(after, "Key figures: April 2020"), "People killed")
    assert int(total_after) == int(total_before) + 5
    isis_before, _ = figure(section(before, "People killed, by actor"), "(actors/isis.md)")
    isis_after, _ = figure(section(after, "People killed, by actor"), "(actors/isis.md)")
    assert (int(isis_before), int(isis_after)) == (20, 25)
    # the casualty change leaves the incident counts of the chart as they were...
    assert chart_table(after) == chart_table(before)

    # ...and moving the airstrike into March moves it in the chart and in the key figures
    edit(data, WADI, "date: 2020-04-13", "date: 2020-03-13")
    moved = pages(data)["index.md"]
    table, table_before = chart_table(moved), chart_table(before)
    assert table["April 2020"]["Total"] == table_before["April 2020"]["Total"] - 1
    assert table["March 2020"]["Total"] == table_before["March 2020"]["Total"] + 1
    assert (table["March 2020"]["Explosions/Remote violence"]
            == table_before["March 2020"]["Explosions/Remote violence"] + 1)
    now, previous = figure(section(moved, "Key figures: April 2020"), "Incidents")
    was_now, was_previous = figure(section(before, "Key figures: April 2020"), "Incidents")
    assert (int(now), int(previous)) == (int(was_now) - 1, int(was_previous) + 1)
    assert figure(section(moved, "Key figures: April 2020"), "People killed")[1] == "25"
    assert figure(section(moved, "People killed, by actor"), "(actors/isis.md)") == ("unknown", "25")


def test_chart_is_drawn_and_its_table_matches_the_timeline(example: dict[str, str]) -> None:
    md = example["index.md"]
    assert "![Stacked bar chart of incidents per month" in md
    assert "](charts/overview-incidents-by-month.svg){ .chart }" in md
    table = chart_table(md)
    assert list(table) == ["March 2020", "April 2020"]
    # the table counts each incident in the month its date starts, as the timeline does
    records = incidents_in(REPO / "data")
    for month, number in (("March 2020", 3), ("April 2020", 4)):
        starting = [r for r in records if (when(r).start.year, when(r).start.month) == (2020, number)
                    and when(r).first.precision != "year"]
        assert table[month]["Total"] == len(starting)
        assert table[month]["Total"] == sum(v for k, v in table[month].items() if k != "Total")
    earlier = re.search(r"^(\d+) incidents? starts? before March 2020", md, re.M)
    # incidents dated only "by" a day ({to: DATE}) are in no month of the chart, and said so
    by = [r for r in records if isinstance(r["date"], dict) and "from" not in r["date"]]
    assert by and f"{len(by)} incidents are dated only “by” a day" in md
    assert earlier and int(earlier.group(1)) + sum(r["Total"] for r in table.values()) + len(by) == len(records)


def test_handovers_overlap_april_and_are_not_counted(data: Path) -> None:
    md = pages(data)["index.md"]
    possibly = section(md, "Possibly in April 2020")
    figures = section(md, "Key figures: April 2020")
    for name in HANDOVERS:
        assert f"(timeline/2020-03.md#base-handover-{name}-2020)" in possibly
    # listed as possibly in April, never among what counts: 4 inside April, 1 inside March
    records = incidents_in(data)
    assert figure(figures, "Incidents") == (str(sum(inside(r, APRIL) for r in records)),
                                            str(sum(inside(r, MARCH) for r in records)))
    assert "base-handover" not in section(md, "Most affected regions")

    # dated to one day inside April, a handover counts in April and leaves the "possibly" list
    edit(data, "incidents/2020/03/base-handover-k1-2020.yml",
         "date:\n  from: 2020-03-17\n  to: 2020-04-17", "date: 2020-04-15")
    after = pages(data)["index.md"]
    assert "#base-handover-k1-2020)" not in section(after, "Possibly in April 2020")
    assert int(figure(section(after, "Key figures: April 2020"), "Incidents")[0]) == sum(
        inside(r, APRIL) for r in records) + 1
    assert figure(section(after, "Most affected regions"), "(regions/kirkuk.md)")[0] == "3"


def test_unknown_is_never_shown_as_zero(data: Path) -> None:
    md = pages(data)["index.md"]
    assert figure(section(md, "People killed, by group"), "Civilians") == ("unknown", "unknown")
    # "none reported" (0) is a number, shown as 0; no count at all stays unknown
    edit(data, "incidents/2020/03/coalition-training-suspended-2020-03.yml",
         "summary:", "casualties:\n  - group: civilians\n    killed: 0\nsummary:")
    md = pages(data)["index.md"]
    assert figure(section(md, "Key figures: April 2020"), "People killed")[1] == "0"
    assert figure(section(md, "People killed, by group"), "Civilians") == ("unknown", "0")
    assert figure(section(md, "People killed, by group"), "Militants") == ("unknown", "unknown")
    # April with no death toll at all: unknown, though April has incidents
    for rel in ("incidents/2020/04/hawija-checkpoint-killing-2020-04-12.yml",
                "incidents/2020/04/kolajo-attack-2020-04.yml",
                "incidents/2020/04/tuz-khurmatu-pmf-killing-2020-04.yml", WADI):
        path = data / rel
        path.write_text(re.sub(r"casualties:\n(?:  .*\n)+", "", path.read_text("utf-8")), "utf-8")
    md = pages(data)["index.md"]
    assert figure(section(md, "Key figures: April 2020"), "People killed") == ("unknown", "0")
    assert "0 of the 4 incidents of April 2020 give one" in md


# --- drafts -------------------------------------------------------------------------------


@pytest.mark.parametrize(("rel", "record_id", "words"), [
    (WADI, "wadi-ashai-airstrike-2020-04-13", "Coalition airstrike in Wadi Ashai kills 20 militants"),
    ("statements/2020/04/caggins-peshmerga-training-2020-04-13.yml", "caggins-peshmerga-training-2020-04-13",
     "by the end of next month"),
])
def test_draft_is_on_no_public_page_but_in_the_preview(data: Path, rel: str, record_id: str, words: str) -> None:
    public = pages(data)
    assert any(record_id in text for text in public.values())
    edit(data, rel, "status: published", "status: draft")
    public = pages(data)
    leaks = sorted(path for path, text in public.items() if record_id in text or words in text)
    assert leaks == [], f"a draft shows on public pages: {leaks}"
    preview = pages(data, preview=True)
    shown = {path for path, text in preview.items() if record_id in text}
    month = "timeline/2020-04.md"
    assert {month, "index.md", "sources/index.md", "tags/index.md"} <= shown
    assert "draft: not published" in preview["index.md"]


def test_draft_changes_the_figures_only_in_the_preview(data: Path) -> None:
    edit(data, WADI, "status: published", "status: draft")
    public = figure(section(pages(data)["index.md"], "Key figures: April 2020"), "People killed")[0]
    preview = figure(section(pages(data, preview=True)["index.md"], "Key figures: April 2020"), "People killed")[0]
    assert int(preview) - int(public) == 20


# --- tags ---------------------------------------------------------------------------------


def test_every_tag_of_a_visible_record_has_its_anchor(example: dict[str, str]) -> None:
    tags_md = example["tags/index.md"]
    used = set()
    for kind in ("incidents", "statements"):
        for path in (REPO / "data" / kind).rglob("*.yml"):
            used.update(yaml.safe_load(path.read_text("utf-8")).get("tags", []))
    anchors = set(re.findall(r"^## .* \{ #([a-z0-9-]+) \}$", tags_md, re.M))
    assert used and anchors == used
    # every link to the tags page, from any page, lands on an anchor that exists (a Markdown link or
    # one of an HTML block)
    linked = {m for text in example.values() for m in re.findall(r"tags/index\.md#([a-z0-9-]+)[)\"]", text)}
    assert linked and linked <= anchors
    # each tag lists the records carrying it, linked to their timeline anchors
    counter = section(tags_md, "counter-isis { #counter-isis }")
    for name in HANDOVERS:
        assert f"(../timeline/2020-03.md#base-handover-{name}-2020)" in counter


def test_a_tag_of_a_draft_record_only_in_the_preview(data: Path) -> None:
    edit(data, WADI, "tags:\n  - counter-isis", "tags:\n  - counter-isis\n  - only-in-draft")
    edit(data, WADI, "status: published", "status: draft")
    assert "only-in-draft" not in pages(data)["tags/index.md"]
    assert "## only-in-draft { #only-in-draft }" in pages(data, preview=True)["tags/index.md"]


# --- statements and sources ------------------------------------------------------------------


def test_statements_pages_list_each_statement_once_with_its_timeline_link(example: dict[str, str]) -> None:
    ids = {yaml.safe_load(p.read_text("utf-8"))["id"]: p for p in (REPO / "data" / "statements").rglob("*.yml")}
    month_pages = {k: v for k, v in example.items() if re.fullmatch(r"statements/\d{4}(-\d{2})?\.md", k)}
    links = [(path, m) for path, text in month_pages.items()
             for m in re.findall(r"\[Full record →\]\(\.\./(timeline/[^)#]+)#([a-z0-9-]+)\)", text)]
    assert sorted(rid for _, (_, rid) in links) == sorted(ids)
    for path, (timeline, rid) in links:
        # the statement is listed on the page of the same month, and its anchor exists there
        assert path.removeprefix("statements/") == timeline.removeprefix("timeline/")
        assert f"{{ #{rid} }}" in example[timeline]
        # the full record (with its sources) is indexed once: only on the timeline
        assert "**Sources:**" not in example[path]
    index = example["statements/index.md"]
    by_month = [int(n) for n in re.findall(r"^\| \[[^\]]+\]\(\d{4}(?:-\d{2})?\.md\) \| (\d+) \|$", index, re.M)]
    by_speaker = [int(n) for n in re.findall(r"^\| \[[^\]]+\]\(\.\./actors/[a-z0-9-]+\.md\) \| (\d+) \|$", index, re.M)]
    assert sum(by_month) == sum(by_speaker) == len(ids)
    assert len(by_month) == len(month_pages)


def test_sources_page_lists_outlets_items_and_citing_records(example: dict[str, str]) -> None:
    md = example["sources/index.md"]
    assert "## Rudaw { #rudaw }" in md
    assert '<a href="https://www.rudaw.net/english/middleeast/170420202">' in md
    incidents = incidents_in(REPO / "data")
    statements = [yaml.safe_load(p.read_text("utf-8")) for p in (REPO / "data" / "statements").rglob("*.yml")]
    rudaw = yaml.safe_load((REPO / "data" / "sources" / "rudaw.yml").read_text("utf-8"))
    assert "reliability" not in rudaw  # so the page must say it is not graded
    assert f"| [Rudaw](#rudaw) | media | not graded | {len(incidents)} | {len(statements)} |" in md
    assert f'<strong>Website:</strong> <a href="{rudaw["url"]}">' in md  # an HTML block
    # every citing record is linked, once, to its anchor on the timeline
    for record in incidents + statements:
        assert md.count(f'.md#{record["id"]}"') == 1, record["id"]


def test_data_is_text_on_these_pages(data: Path) -> None:
    nasty = "<script>alert(1)</script> | [x](javascript:alert(1)) # {{ 7*7 }}"
    edit(data, WADI, "title: Coalition airstrike in Wadi Ashai kills 20 militants", f"title: '{nasty}'")
    edit(data, WADI, "url: https://www.rudaw.net/english/middleeast/170420202",
         'url: "https://example.org/a?b=1&c=\\"><script>x</script>"')
    site = pages(data)
    for path in ("index.md", "tags/index.md", "sources/index.md"):
        # Markdown reads the page outside its generated HTML blocks, and never inside them
        # (site_overrides/hooks.py takes them out first): there Markdown syntax is plain text.
        blocks = BLOCKS.findall(site[path])
        text = BLOCKS.sub("", site[path])
        assert "<script>" not in site[path], path
        assert "](javascript:" not in text, path
        assert "{{ 7*7 }}" not in text, path
        if path == "sources/index.md":  # the citing record's title, in the source's HTML block
            assert any("&lt;script&gt;alert(1)&lt;/script&gt; | [x](javascript:alert(1)) # {{ 7*7 }}" in block
                       for block in blocks), path
        else:
            assert ("&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| "
                    "\\[x\\]\\(javascript&#58;alert\\(1\\)\\) \\# \\{\\{ 7\\*7 \\}\\}") in text, path
    assert ('<a href="https://example.org/a?b=1&amp;c=&quot;&gt;&lt;script&gt;x&lt;/script&gt;">'
            in site["sources/index.md"])


# --- links, determinism, golden -----------------------------------------------------------


def test_links_on_these_pages_resolve(example: dict[str, str]) -> None:
    ids = {path: set(re.findall(r"\{ #([a-z0-9-]+) \}", text)) for path, text in example.items()}
    mine = [p for p in example if p == "index.md" or p.split("/")[0] in ("statements", "sources", "tags")]
    hand_written = {"methodology.md", "about.md"}
    for path in mine:
        for target in re.findall(r"\]\(([^)\s]+)\)", example[path]):
            if target.startswith(("http://", "https://")):
                continue
            page, _, anchor = target.partition("#")
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), page)) if page else path
            if resolved.startswith("charts/"):
                continue
            assert resolved in example or resolved in hand_written, f"{path}: {target}"
            if anchor and resolved in example and not resolved.startswith(("actors/", "regions/")):
                assert anchor in ids[resolved], f"{path}: {target}"


def test_same_data_same_bytes_charts_included() -> None:
    first = pages(REPO / "data", charts=True)
    second = pages(REPO / "data", charts=True)
    assert first == second
    assert isinstance(first["charts/overview-incidents-by-month.svg"], bytes)


def test_golden_pages_of_the_example_site() -> None:
    fresh, stored = golden_files(), stored_files(GOLDEN)
    hint = f"the example site's pages changed; if that is intended, run `{COMMAND}` and review the diff"
    assert sorted(fresh) == sorted(stored), f"{hint}\nmissing: {sorted(set(fresh) - set(stored))}\n" \
                                            f"unexpected: {sorted(set(stored) - set(fresh))}"
    different = [path for path in fresh if fresh[path] != stored[path]]
    assert different == [], f"{hint}\ndifferent: {different}"
    assert "charts/overview-incidents-by-month.svg" in stored


# --- edges --------------------------------------------------------------------------------


def test_year_only_incident_has_its_own_row_before_the_months(data: Path) -> None:
    edit(data, "incidents/2020/03/coalition-training-suspended-2020-03.yml",
         "date:\n  from: 2020-03-01\n  to: 2020-03-10", "date: 2020")
    md = pages(data)["index.md"]
    table = chart_table(md)
    assert list(table) == ["2020 — month not known", "March 2020", "April 2020"]
    assert table["2020 — month not known"]["Strategic developments"] == 1
    # dated only to 2020, it lies inside no month: March has no incident left to count
    assert figure(section(md, "Key figures: April 2020"), "Incidents")[1] == "0"
    assert "counted under that year, not in January" in md


def test_a_site_without_records(data: Path) -> None:
    for kind in ("incidents", "statements"):
        shutil.rmtree(data / kind)
        (data / kind).mkdir()
    site = pages(data, charts=True)
    assert "charts/overview-incidents-by-month.svg" not in site
    assert "No record is dated to a month yet" in site["index.md"]
    assert "No published incidents yet." in site["index.md"]
    assert "*No published record carries a tag yet.*" in site["tags/index.md"]
    assert "| [Rudaw](#rudaw) | media | not graded | 0 | 0 |" in site["sources/index.md"]
    assert "| *No published statements yet* | 0 |" in site["statements/index.md"]


def test_long_lists_are_capped_with_a_way_onward(data: Path) -> None:
    from generator.views.tags import LIST_CAP

    text = (data / WADI).read_text("utf-8").replace("  - counter-isis", "  - bulk")
    extra = LIST_CAP + 3
    for i in range(extra):
        (data / "incidents" / f"bulk-{i:03d}.yml").write_text(
            text.replace("id: wadi-ashai-airstrike-2020-04-13", f"id: bulk-{i:03d}")
            .replace("date: 2020-04-13", f"date: 2019-{i % 12 + 1:02d}-{i // 12 + 1:02d}"), "utf-8")
    site = pages(data)
    bulk = section(site["tags/index.md"], "bulk { #bulk }")
    assert len(re.findall(r"^- \*\*", bulk, re.M)) == LIST_CAP
    assert "…and 3 earlier records with this tag, not listed here: see the [timeline](../timeline/index.md)." in bulk
    # the newest are the ones listed
    assert "#bulk-011)" in bulk and "#bulk-000)" not in bulk
    assert "…and" in section(site["sources/index.md"], "Rudaw { #rudaw }")
    latest = section(site["index.md"], "Latest incidents")
    assert len(re.findall(r"^\| (?:by )?\d", latest, re.M)) == 10  # "by 17 April 2020": on or before


def test_large_counts_have_thousands_separators(data: Path) -> None:
    edit(data, WADI, "killed: 20", "killed: 1020")
    md = pages(data)["index.md"]
    total, _ = figure(section(md, "Key figures: April 2020"), "People killed")
    assert total == "1,025"  # 1,020 + 2 + 2 + 1
    assert figure(section(md, "People killed, by actor"), "(actors/isis.md)") == ("1,020", "unknown")
    timeline = pages(data)["timeline/2020-04.md"]
    assert "1,020 killed" in timeline
