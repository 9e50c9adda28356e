"""The site's search index: every record's entry is written from the data (generator/views/search.py)
and added to Material's index by the hook site_overrides/search.py, which keeps Material from
parsing the timeline's pages. What a reader finds by typing stays: words, places, aliases."""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from browser_helpers import build_site
from conftest import BASE, REPO
from generator.routes import SEARCH_RECORDS, SOURCES_PAGE, actor_page, month_page, region_page
from generator.site import mkdocs_build, render_pages, site_pages
from generator.validate import validate
from generator.views import search
from generator.views.common import Context

sys.path.insert(0, str(REPO))  # the hook is a file of site_overrides/, as MkDocs loads it
from site_overrides.search import search_entries  # after the path is set

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> & &amp;"


def entries(data: Path) -> dict[str, search.RecordEntry]:
    """Every record's search entry of `data`, by id."""
    result = validate(data)
    assert result.report.ok
    built = search.build(Context(result.dataset))
    return {r.anchor: r for page in built.pages if page.path != SOURCES_PAGE for r in page.records}


def words(entry: search.RecordEntry) -> str:
    return " ".join(v for paragraph in entry.text for v in paragraph)


@pytest.fixture(scope="module")
def example_index(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The search index of the example site, built as `briefing build` builds it."""
    site = build_site(REPO / "data", tmp_path_factory.mktemp("search-site"))
    docs: list[dict[str, Any]] = json.loads((site / "search" / "search_index.json").read_text("utf-8"))["docs"]
    return docs


def test_each_record_is_found_by_its_words_places_regions_actors_and_aliases() -> None:
    """The example's ISIS incidents are found by "Daesh" (an alias of ISIS that no title holds), by
    their place and by every region up the trail; a statement by its speaker and its words."""
    dataset = validate(REPO / "data").dataset
    found = entries(REPO / "data")
    shown = {e.id for e in dataset.incidents.values()} | {e.id for e in dataset.statements.values()}
    assert set(found) == shown  # every record, once
    isis = [e.record for e in dataset.incidents.values() if any(a.actor == "isis" for a in e.record.actors)]
    assert isis
    for incident in isis:
        text = words(found[incident.id])
        assert found[incident.id].title == incident.title
        assert "Daesh" in text and "داعش" in text
        assert "Islamic State (ISIS)" in text
    tuz = words(found["tuz-khurmatu-pmf-killing-2020-04"])
    assert "Salahaddin" in tuz and "Tuz Khurmatu" in tuz and "Iraq" in tuz  # the region trail
    assert "Armed clash (Battles)" in tuz and "3–12 April 2020" in tuz  # type and date as shown
    kolajo = words(found["kolajo-attack-2020-04"])
    assert "Kolajo, Garmiyan area" in kolajo  # the place as written
    statement = words(found["caggins-peshmerga-training-2020-04-13"])
    assert "Myles B. Caggins III" in statement and "resume Peshmerga training" in statement
    assert "NATO" in statement  # whom it is about


def test_drafts_stay_out_unless_previewed(base_data: Path) -> None:
    """A draft has no search entry in a published build, and one marked as a draft in a preview."""
    path = base_data / "incidents" / "2020" / "04" / "attack.yml"
    record = yaml.safe_load(path.read_text("utf-8"))
    record["status"] = "draft"
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), "utf-8")
    dataset = validate(base_data).dataset
    published = {r.anchor for p in search.build(Context(dataset)).pages for r in p.records}
    assert "attack" not in published
    preview = {r.anchor: r for p in search.build(Context(dataset, preview=True)).pages for r in p.records}
    assert "Draft: not published" in words(preview["attack"])


def test_the_data_file_is_json_beside_the_pages_and_the_same_for_the_same_data() -> None:
    """The entries are one JSON file among the generated pages (a hidden folder: MkDocs does not
    publish it), one item per timeline month page, the same bytes for the same data."""
    result = validate(REPO / "data")
    first = render_pages(site_pages(result.dataset, result.config), result.config)[SEARCH_RECORDS]
    second = render_pages(site_pages(result.dataset, result.config), result.config)[SEARCH_RECORDS]
    assert first == second
    assert isinstance(first, bytes)  # a data file, serialised like the exports (export.search_chunks)
    data = json.loads(first)
    assert data["version"] == search.VERSION
    paths = [page["path"] for page in data["pages"]]
    months = [month_page("2018"), month_page("2020-03"), month_page("2020-04")]
    actors = [actor_page(a) for a in result.dataset.actors]
    assert paths == months + actors + [region_page(r) for r in result.dataset.regions] + [SOURCES_PAGE]


def test_entries_are_text_escaped_as_material_escapes_its_own() -> None:
    """Material's worker and results put `title` and `text` into the page as HTML: markup in the
    data is escaped (and shows literally), a right-to-left value is isolated in `<bdi>`."""
    page = {"title": "April 2020", "text": [["1 incident"]], "records": [
        {"anchor": "attack", "title": HOSTILE, "text": [["12 April 2020", HOSTILE], ["داعش", "ISIS"]]}]}
    top, record = search_entries("timeline/2020-04/", page)
    assert top == {"location": "timeline/2020-04/", "title": "April 2020", "text": "<p>1 incident</p>"}
    assert record["location"] == "timeline/2020-04/#attack"
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &amp; &amp;amp;"
    assert record["title"] == escaped
    assert record["text"] == f"<p>12 April 2020 · {escaped}</p><p><bdi>داعش</bdi> · ISIS</p>"


def test_the_built_index_holds_each_record_once_and_the_pages_material_still_parses(
        example_index: list[dict[str, Any]]) -> None:
    """Each record is one entry of the built index (Material parsed no month page: it would have
    made a second entry of each record), after an entry for its page (Material's worker groups
    sections under the first entry of their page); actor pages are still indexed by Material."""
    dataset = validate(REPO / "data").dataset
    locations = [d["location"] for d in example_index]
    assert len(locations) == len(set(locations))
    for entry in dataset.incidents.values():
        matches = [d for d in example_index if d["location"].endswith(f"#{entry.id}")]
        assert len(matches) == 1, entry.id
        page = matches[0]["location"].split("#")[0]
        assert locations.index(page) < locations.index(matches[0]["location"])
    kolajo = next(d for d in example_index if d["location"] == "timeline/2020-04/#kolajo-attack-2020-04")
    assert kolajo["title"] == "ISIS attack in Kolajo kills two Peshmerga fighters"
    assert "Daesh" in kolajo["text"] and "<bdi>داعش</bdi>" in kolajo["text"]
    isis = [d for d in example_index if d["location"].startswith("actors/isis/")]
    assert isis and "Daesh" in isis[0]["text"]
    assert {"location", "title", "text"} == set().union(*(d.keys() for d in example_index))


def test_the_sources_page_is_found_by_outlet_and_item_but_not_parsed_by_material(
        example_index: list[dict[str, Any]]) -> None:
    """Each outlet of the sources page is one entry, at its heading, found by its name, kind,
    reliability and the titles of the items it is cited for; Material did not parse the page (it
    would have made a second entry per outlet, and one holding the lists of citing records)."""
    dataset = validate(REPO / "data").dataset
    url = SOURCES_PAGE.removesuffix("index.md")
    outlets = [d for d in example_index if d["location"].startswith(url + "#")]
    assert sorted(d["location"] for d in outlets) == sorted(f"{url}#{s}" for s in dataset.sources)
    assert [d["location"] for d in example_index].count(url) == 1
    rudaw = next(d for d in outlets if d["location"] == f"{url}#rudaw")
    assert rudaw["title"] == dataset.sources["rudaw"].record.name
    assert "Kind: media" in rudaw["text"] and "Reliability:" in rudaw["text"]
    titles = {c.title for e in dataset.incidents.values() for c in e.record.sources
              if c.source == "rudaw" and c.title and e.record.status == "published"}
    assert titles and all(html.escape(t, quote=False) in rudaw["text"] for t in titles)
    assert "Cited by" not in rudaw["text"]


def test_a_site_without_the_data_file_is_indexed_by_material_as_before(tmp_path: Path) -> None:
    """Without the data file (or with one of another version), Material indexes every page itself:
    the records are still found. And the entries written from the data for actor and region pages
    say what Material's own said of them (but for the spaces between paragraphs and `<bdi>`)."""
    site = build_site(BASE, tmp_path)
    ours = json.loads((site / "search" / "search_index.json").read_text("utf-8"))["docs"]
    (tmp_path / "content" / SEARCH_RECORDS).write_text('{"version": 0, "pages": []}', "utf-8")
    mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")
    material = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text("utf-8"))["docs"]
    attack = [d for d in material if d["location"].endswith("#attack")]
    assert len(attack) == 1 and "Hawija" in attack[0]["text"]
    assert attack[0] != next(d for d in ours if d["location"].endswith("#attack"))  # parsed from the page

    def pages(docs: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
        return {d["location"]: (d["title"], re.sub(r"</?bdi>", "", d["text"].replace("</p> <p>", "</p><p>")))
                for d in docs if d["location"].startswith(("actors/", "regions/"))
                and d["location"] not in ("actors/", "regions/")}

    assert pages(ours) == pages(material)
    assert len(pages(ours)) > 5


def test_the_records_file_is_what_tojson_writes_of_the_entries() -> None:
    """SearchRecords.json, put together from each record's kept text, writes the bytes Jinja's
    `tojson` writes of the whole (keys sorted; <, >, & and ' escaped; any character), on the
    example data and on hostile values."""
    from generator.render import environment
    from generator.views.search import PageEntries, RecordEntry, SearchRecords

    env = environment()

    def both(records: SearchRecords) -> tuple[str, str]:
        return (env.from_string("{{ page.data() | tojson }}").render(page=records),
                env.from_string("{{ page.json() }}").render(page=records))

    result = validate(REPO / "data")
    assert result.dataset is not None and result.config is not None
    found = [p.data for p in site_pages(result.dataset, result.config) if isinstance(getattr(p, "data", None),
                                                                                       SearchRecords)]
    assert len(found) == 1
    tojson, joined = both(found[0])
    assert joined == tojson and len(found[0].pages) > 10
    hostile = "</script><b>'x'</b> & \"q\" \\ \u202e\U0001f600 \x00\n"
    record = RecordEntry(hostile, hostile, ((hostile, ""), ()))
    tojson, joined = both(SearchRecords((PageEntries(hostile, hostile, ((hostile,),), (record, record)),
                                         PageEntries("b.md", "", (), ()))))
    assert joined == tojson and "<" not in joined
