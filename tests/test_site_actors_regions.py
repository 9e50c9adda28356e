"""Actor and region pages as a reader sees them: figures that follow the data, roll-up of
sub-regions, "unknown" kept apart from 0, capped lists, and links that resolve."""

from __future__ import annotations

import html
import json
import posixpath
import re
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from conftest import REPO
from generator.charts import ChartSpec
from generator.site import generate, mkdocs_build, render_pages, site_pages
from generator.validate import validate
from generator.write import GENERATED

MINE = ("actors/", "regions/", "charts/actor-", "charts/region-")


def render(data: Path, preview: bool = False, also: tuple[str, ...] = (),
           charts: bool = False) -> dict[str, str | bytes]:
    """The actor and region pages of `data`, rendered in memory; `also` adds other path prefixes
    (e.g. the timeline, to check anchors); `charts` draws the SVGs too (slower)."""
    result = validate(data)
    assert result.report.ok, [p.format_text() for p in result.report.sorted()]
    pages = [p for p in site_pages(result.dataset, result.config, preview) if p.path.startswith(MINE + also)
             and (charts or not isinstance(p, ChartSpec))]
    return render_pages(pages, result.config)


def text(pages: dict[str, str | bytes], path: str) -> str:
    value = pages[path]
    assert isinstance(value, str)
    return value


def _plain(cell: str) -> str:
    """A Markdown table cell as a reader reads it (backslash escapes and entities undone)."""
    return re.sub(r"\\(.)", r"\1", cell).replace("&#58;", ":").replace("&#39;", "'").strip()


def _html_plain(cell: str) -> str:
    """A cell of a generated HTML table read as its Markdown cell was (links as `[text](href)`,
    bold as `**text**`, other tags dropped, entities undone), so that one check reads both."""
    cell = re.sub(r'<a href="([^"]*)">(.*?)</a>', r"[\2](\1)", cell)
    cell = re.sub(r"</?strong>", "**", cell)
    return html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()


def rows(md: str) -> list[list[str]]:
    """Every table row of a page, as plain cells: Markdown tables, and the HTML tables of the
    generated blocks (render.html_block)."""
    markdown = [[_plain(c) for c in line.strip()[1:-1].split(" | ")] for line in md.splitlines()
                if line.startswith("| ") and line.rstrip().endswith("|")]
    tables = [[_html_plain(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
              for row in re.findall(r"<tr>(.*?)</tr>", md, re.S)]
    return markdown + tables


def figure(md: str, label: str) -> str:
    """The value of a figure (the row of the figures table whose first cell is `label`)."""
    found = [r[1] for r in rows(md) if r[0] == label]
    assert len(found) == 1, (label, rows(md))
    return found[0]


def number(value: str) -> int:
    """The first whole number in a figure (`at least 21 (1 of 3 ...)` → 21)."""
    match = re.search(r"\d+", value)
    assert match, value
    return int(match.group())


def month_row(md: str, key: str) -> list[str]:
    """The trend table's row for a month page key (`2020-04`)."""
    found = [r for r in rows(md) if f"timeline/{key}.md)" in r[0]]
    assert len(found) == 1, (key, rows(md))
    return found[0]


def write(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def incident(iid: str, date: str, region: str, actors: list[tuple[str, str]],
             casualties: list[dict[str, Any]] | None = None, **more: object) -> dict[str, Any]:
    record: dict[str, Any] = {"id": iid, "title": f"Incident {iid}", "date": date, "type": "armed-clash",
                              "region": region, "actors": [{"actor": a, "role": r} for a, r in actors],
                              "sources": [{"source": "rudaw", "url": "https://www.rudaw.net/english/example"}]}
    if casualties is not None:
        record["casualties"] = casualties
    record.update(more)
    return record


@pytest.fixture
def two_governorates(tmp_path: Path) -> Path:
    """Iraq with two governorates, each with one district, and incidents in each."""
    data = tmp_path / "data"
    write(data / "sources" / "rudaw.yml", {"id": "rudaw", "name": "Rudaw", "kind": "media"})
    write(data / "actors" / "actors.yml", [
        {"id": "isis", "name": "Islamic State (ISIS)", "kind": "armed-group", "aliases": ["Daesh", "داعش"]},
        {"id": "police", "name": "Federal Police", "kind": "state-forces"},
        {"id": "army", "name": "Iraqi Army", "kind": "state-forces"},
    ])
    write(data / "regions" / "regions.yml", [
        {"id": "iraq", "name": "Iraq", "level": "country"},
        {"id": "kirkuk", "name": "Kirkuk", "level": "governorate", "parent": "iraq", "disputed": True},
        {"id": "hawija", "name": "Hawija", "level": "district", "parent": "kirkuk"},
        {"id": "salahaddin", "name": "Salahaddin", "level": "governorate", "parent": "iraq"},
        {"id": "tuz", "name": "Tuz Khurmatu", "level": "district", "parent": "salahaddin"},
    ])
    write(data / "incidents" / "a.yml", incident("in-hawija", "2020-04-12", "hawija",
                                                 [("isis", "perpetrator"), ("police", "target")],
                                                 [{"actor": "police", "killed": 3}]))
    write(data / "incidents" / "b.yml", incident("in-tuz", "2020-04-14", "tuz",
                                                 [("isis", "perpetrator"), ("army", "target")],
                                                 [{"actor": "army", "killed": 5}]))
    write(data / "incidents" / "c.yml", incident("in-kirkuk", "2020-03-02", "kirkuk", [("police", "responder")]))
    return data


# --- (1) figures follow the data ----------------------------------------------------------


def test_editing_one_casualty_count_changes_every_figure_that_sums_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    before = render(data)
    target = data / "incidents" / "2020" / "04" / "wadi-ashai-airstrike-2020-04-13.yml"
    record = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert record["casualties"][0]["actor"] == "isis" and record["actors"][0] == {
        "actor": "global-coalition", "role": "perpetrator"}
    old = record["casualties"][0]["killed"]
    record["casualties"][0]["killed"] = old + 7
    write(target, record)
    after = render(data)

    def changed(path: str, read: Callable[[str], str]) -> int:
        return number(read(text(after, path))) - number(read(text(before, path)))

    # suffered by the target, inflicted by the perpetrator
    assert changed("actors/isis.md", lambda md: figure(md, "Killed among its own")) == 7
    assert changed("actors/global-coalition.md",
                   lambda md: figure(md, "Killed in incidents it perpetrated (not its own)")) == 7
    # the same in the monthly tables beside the charts (last columns: perpetrated, its own)
    assert changed("actors/isis.md", lambda md: month_row(md, "2020-04")[-1]) == 7
    assert changed("actors/global-coalition.md", lambda md: month_row(md, "2020-04")[-2]) == 7
    # the region, the governorate above it and the country, in figures and chart tables
    for region in ("wadi-ashai", "kirkuk", "iraq"):
        assert changed(f"regions/{region}.md", lambda md: figure(md, "Killed")) == 7, region
        assert changed(f"regions/{region}.md", lambda md: month_row(md, "2020-04")[-1]) == 7, region
    # and nowhere else: a neighbouring governorate and an uninvolved actor keep their figures
    assert (figure(text(after, "regions/salahaddin.md"), "Killed")
            == figure(text(before, "regions/salahaddin.md"), "Killed"))
    assert text(after, "actors/peshmerga.md") == text(before, "actors/peshmerga.md")


def test_only_published_records_count_unless_preview(two_governorates: Path) -> None:
    path = two_governorates / "incidents" / "b.yml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["status"] = "draft"
    write(path, record)
    public = render(two_governorates)
    assert figure(text(public, "regions/salahaddin.md"), "Incidents") == "0"
    assert figure(text(public, "actors/isis.md"), "… as perpetrator") == "1"
    assert "in-tuz" not in text(public, "actors/isis.md")
    preview = render(two_governorates, preview=True)
    assert figure(text(preview, "regions/salahaddin.md"), "Incidents") == "1"
    isis = text(preview, "actors/isis.md")
    assert figure(isis, "… as perpetrator") == "2"
    assert re.search(r"#in-tuz\".*draft, not published", isis)


# --- (2) roll-up ----------------------------------------------------------------------------


def test_governorate_counts_its_districts_and_not_its_neighbours(two_governorates: Path) -> None:
    pages = render(two_governorates)
    kirkuk = text(pages, "regions/kirkuk.md")
    assert figure(kirkuk, "Incidents") == "2"  # its own and Hawija's, not Tuz Khurmatu's
    assert figure(kirkuk, "Killed").startswith("at least 3 ")  # Hawija's 3; the other gives no count
    assert '#in-hawija"' in kirkuk and '#in-kirkuk"' in kirkuk and "#in-tuz" not in kirkuk
    assert [month_row(kirkuk, k)[-2] for k in ("2020-03", "2020-04")] == ["**1**", "**1**"]  # totals
    assert "[Hawija](hawija.md) (district, 1 incident)" in kirkuk
    assert "[Iraq](iraq.md) › **Kirkuk**" in kirkuk  # breadcrumb from the country down
    assert '!!! warning "Disputed territory"' in kirkuk
    actors = {r[0]: r[1:] for r in rows(kirkuk) if r[0].startswith("[")}
    assert actors["[Federal Police](../actors/police.md)"] == ["2", "target 1 · responder 1"]
    assert "[Iraqi Army](../actors/army.md)" not in actors

    salahaddin = text(pages, "regions/salahaddin.md")
    assert (figure(salahaddin, "Incidents"), figure(salahaddin, "Killed")) == ("1", "5")
    assert "#in-hawija" not in salahaddin
    iraq = text(pages, "regions/iraq.md")
    assert figure(iraq, "Incidents") == "3"
    assert number(figure(iraq, "Killed")) == 8
    hawija = text(pages, "regions/hawija.md")
    assert (figure(hawija, "Incidents"), figure(hawija, "Killed")) == ("1", "3")
    # Hawija is not disputed itself, but lies in Kirkuk, which is
    assert "Within a disputed territory" in text(pages, "regions/hawija.md")

    index = text(pages, "regions/index.md").splitlines()
    assert "- [Iraq](iraq.md) — country · 3 incidents" in index
    assert "    - [Kirkuk](kirkuk.md) — governorate · **disputed** · 2 incidents" in index
    assert "        - [Hawija](hawija.md) — district · 1 incident" in index
    assert index.index("        - [Hawija](hawija.md) — district · 1 incident") == \
        index.index("    - [Kirkuk](kirkuk.md) — governorate · **disputed** · 2 incidents") + 1


# --- (3) unknown is not 0 ---------------------------------------------------------------------


def test_unknown_casualties_are_shown_apart_from_zero(two_governorates: Path) -> None:
    # Hawija: an incident that reports none killed; Tuz Khurmatu: one that gives no count at all
    for name, iid, region, casualties in (("a.yml", "in-hawija", "hawija", [{"actor": "police", "killed": 0}]),
                                          ("b.yml", "in-tuz", "tuz", None)):
        write(two_governorates / "incidents" / name,
              incident(iid, "2020-04-12", region, [("isis", "perpetrator"), ("police", "target")], casualties))
    (two_governorates / "incidents" / "c.yml").unlink()
    pages = render(two_governorates)
    assert figure(text(pages, "regions/hawija.md"), "Killed") == "0"
    assert figure(text(pages, "regions/tuz.md"), "Killed").startswith("unknown")
    assert figure(text(pages, "regions/iraq.md"), "Killed") == "at least 0 (1 of 2 incidents give no count)"
    assert month_row(text(pages, "regions/hawija.md"), "2020-04")[-1] == "0"
    assert month_row(text(pages, "regions/tuz.md"), "2020-04")[-1] == "unknown"
    police = text(pages, "actors/police.md")
    assert figure(police, "Killed among its own") == "at least 0 (1 of 2 incidents give no count)"
    army = text(pages, "actors/army.md")  # in no incident any more: no casualty figures at all
    assert figure(army, "Incidents involving it") == "0" and "Killed" not in army
    index = {r[0]: r for r in rows(text(pages, "actors/index.md"))}
    assert index["[Federal Police](police.md)"][3] == "at least 0"


# --- pages, charts, lists ---------------------------------------------------------------------


def test_every_actor_and_region_has_a_page_and_every_link_resolves(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    result = validate(data)
    pages = render(data, also=("timeline/",), charts=True)
    for actor_id in result.dataset.actors:
        assert f"actors/{actor_id}.md" in pages
    for region_id in result.dataset.regions:
        assert f"regions/{region_id}.md" in pages
    anchors = {path: set(re.findall(r"\{ #([a-z0-9-]+) \}", page))
               for path, page in pages.items() if isinstance(page, str)}
    checked = 0
    for path, page in pages.items():
        if not path.startswith(("actors/", "regions/")):
            continue
        assert isinstance(page, str)
        # Markdown links, and the links of the generated HTML blocks (written the same way)
        for target in re.findall(r"\]\(([^)\s]+)\)", page) + re.findall(r'href="([^":]+)"', page):
            file, _, anchor = target.partition("#")
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), file))
            assert resolved in pages, (path, target)
            if anchor:
                assert anchor in anchors[resolved], (path, target)
            checked += 1
    assert checked > 100
    # the chart of an actor is drawn and shown with the table of the same numbers
    isis = text(pages, "actors/isis.md")
    assert "![Bar chart of incidents involving Islamic State \\(ISIS\\)" in isis
    assert "](../charts/actor-isis-by-month.svg){ .chart }" in isis
    assert pages["charts/actor-isis-by-month.svg"].startswith(b"<?xml")


def test_actor_and_region_without_incidents_still_build(base_data: Path) -> None:
    write(base_data / "regions" / "more.yml", [{"id": "syria", "name": "Syria", "level": "country"}])
    pages = render(base_data, charts=True)
    for path, chart in (("regions/syria.md", "charts/region-syria-by-month.svg"),
                        ("actors/spokesman.md", "charts/actor-spokesman-by-month.svg")):
        page = text(pages, path)
        assert "No incidents yet" in page
        assert ".svg" not in page and chart not in pages
    assert figure(text(pages, "regions/syria.md"), "Incidents") == "0"
    # a person's page says whom they speak for, and that actor's page lists them
    spokesman = text(pages, "actors/spokesman.md")
    assert "**Speaks for:** [Peshmerga](peshmerga.md)" in spokesman and "**Title:** Spokesman" in spokesman
    assert "## Statements by them {" in spokesman and '#said"' in spokesman  # a person is not "it"
    assert "[A Spokesman](spokesman.md) (Spokesman)" in text(pages, "actors/peshmerga.md")
    assert '#said"' in text(pages, "actors/peshmerga.md")  # a spokesman's statement is on its behalf


def test_long_lists_are_capped_newest_first(two_governorates: Path) -> None:
    for day in range(1, 26):
        write(two_governorates / "incidents" / "many" / f"{day}.yml",
              incident(f"many-{day:02d}", f"2021-01-{day:02d}", "hawija", [("army", "perpetrator")]))
    pages = render(two_governorates)
    army = text(pages, "actors/army.md")
    listed = re.findall(r"#(many-\d\d)\"", army.split("## Recent incidents", 1)[1])
    assert listed == [f"many-{d:02d}" for d in range(25, 5, -1)]  # 20 newest, newest first
    assert '6 more in the <a href="../timeline/index.md">timeline</a>.' in army  # 25 + Tuz Khurmatu - 20
    assert figure(army, "Incidents involving it") == "26"
    hawija = text(pages, "regions/hawija.md").split("## Latest incidents", 1)[1]
    assert len(re.findall(r"#(many-\d\d|in-\w+)\"", hawija)) == 20
    assert '6 more in the <a href="../timeline/index.md">timeline</a>.' in hawija  # 25 + its own - 20


def test_data_is_shown_as_typed(two_governorates: Path) -> None:
    path = two_governorates / "actors" / "actors.yml"
    actors = yaml.safe_load(path.read_text(encoding="utf-8"))
    actors[0]["name"] = "<script>alert(1)</script> [x](javascript:alert(1)) # $1"
    actors[0]["description"] = "**not bold** <img src=x onerror=alert(1)>"
    write(path, actors)
    pages = render(two_governorates, charts=True)
    front, body = text(pages, "actors/isis.md").split("\n---\n", 1)
    assert json.loads(front.split("title: ", 1)[1]) == actors[0]["name"]  # front matter: a JSON string
    assert "<script>" not in body and "<img" not in body and "](javascript" not in body
    assert "&lt;script&gt;" in body and "\\*\\*not bold\\*\\*" in body
    index = text(pages, "actors/index.md")
    assert "<script>" not in index and "](javascript" not in index
    svg = pages["charts/actor-isis-by-month.svg"]
    # the name may appear in the chart's <desc>, as escaped text only
    assert isinstance(svg, bytes) and b"<script" not in svg and b"<img" not in svg
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_same_data_same_bytes(two_governorates: Path) -> None:
    first, second = render(two_governorates, charts=True), render(two_governorates, charts=True)
    assert first == second
    charts = sorted(path for path, page in first.items() if isinstance(page, bytes))
    assert charts == [f"charts/actor-{a}-by-month.svg" for a in ("army", "isis", "police")] + [
        f"charts/region-{r}-by-month.svg" for r in ("hawija", "iraq", "kirkuk", "salahaddin", "tuz")]


# --- (4) the real site ----------------------------------------------------------------------


@pytest.mark.slow
def test_example_site_builds_strict_with_actor_and_region_pages(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(REPO / "site_overrides", root / "site_overrides")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "content", root / "content",
                    ignore=lambda folder, names: [n for n in names
                                                  if Path(folder) == REPO / "content" and n in GENERATED])
    result = validate(REPO / "data")
    assert result.report.ok
    generate(result.dataset, result.config, root / "content")
    mkdocs_build(root / "mkdocs.yml", root / "site")  # --strict: raises on any broken link or anchor
    isis = (root / "site" / "actors" / "isis" / "index.html").read_text(encoding="utf-8")
    assert "داعش" in isis
    assert 'href="../../timeline/2020-04/#wadi-ashai-airstrike-2020-04-13"' in isis
    assert 'src="../../charts/actor-isis-by-month.svg"' in isis
    kirkuk = (root / "site" / "regions" / "kirkuk" / "index.html").read_text(encoding="utf-8")
    assert "Disputed territory" in kirkuk and 'href="../hawija/"' in kirkuk
    # the search index keeps who the actor is, not the long lists of its records
    index = (root / "site" / "search" / "search_index.json").read_text(encoding="utf-8")
    docs = [d for d in json.loads(index)["docs"] if d["location"].startswith("actors/isis/")]
    assert docs and "داعش" in docs[0]["text"]
    assert not any("Wadi Ashai" in d["text"] for d in docs)


def test_a_chart_stays_well_formed_xml_whatever_characters_a_name_holds(base_data: Path) -> None:
    """XML 1.0 has no control characters but tab and line ends: a name holding an escape code or
    a NUL (valid data: names are text as typed) made the actor's chart SVG malformed, so browsers
    showed a broken image. The characters XML cannot hold are drawn as U+FFFD."""
    from xml.dom import minidom

    actor = base_data / "actors" / "isis.yml"
    actor.write_text(actor.read_text(encoding="utf-8").replace(
        "name: Islamic State (ISIS)", 'name: "Islamic\\0 State\\x1b[31m \\x7f\\ufffe (ISIS)"'), encoding="utf-8")
    pages = render(base_data, charts=True)
    chart = pages["charts/actor-isis-by-month.svg"]
    assert isinstance(chart, bytes)
    document = minidom.parseString(chart)  # noqa: S318  # raises on malformed XML; our own chart, no untrusted input
    desc = document.getElementsByTagName("desc")[0].firstChild.data  # type: ignore[union-attr]  # a text node
    assert "Islamic\ufffd State\ufffd[31m \x7f\ufffd (ISIS)" in desc
