"""The explorer (generator/views/explorer.py, generator/static/explorer.js): the map of incidents
with filters kept in the address, its data file, and the region pages' small maps.

The Python tests check what the data file and the page say; the browser tests (slow) open the
built site in Debian's chromium as test_browser.py does, and check what a reader sees and does.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from playwright.sync_api import Page, expect

from browser_helpers import REPO, Served, Tab, serve
from generator.config import SiteConfig
from generator.export import to_explorer
from generator.site import generate
from generator.validate import validate
from generator.views import explorer
from generator.views.common import Context

BASE = REPO / "tests" / "fixtures" / "base"

#: Markup that would run if the script ever put data into the page as HTML, and text that must
#: stay literal (the hostile names of tests/test_browser.py).
HOSTILE_MARKUP = "<img src=x onerror=alert(11)></title><script>alert(12)</script>"
HOSTILE_LITERALS = "{{ 7*7 }} {% raw %} *em* &amp;"
HOSTILE_NAME = f"{HOSTILE_MARKUP} {HOSTILE_LITERALS}"


def context(data: Path, config: SiteConfig | None = None) -> Context:
    result = validate(data)
    assert result.report.ok, [p.format_text() for p in result.report.sorted()]
    site = config or result.config
    return Context(result.dataset, event_types=site.all_event_types(), site=site)


def edit(path: Path, change: dict[str, object], index: int | None = None) -> None:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    (loaded[index] if index is not None else loaded).update(change)
    path.write_text(yaml.safe_dump(loaded, allow_unicode=True, sort_keys=False), encoding="utf-8")


def add_incident(data: Path, name: str, change: dict[str, object]) -> None:
    """A copy of the base fixture's incident, under another id, with `change` applied."""
    record = yaml.safe_load((data / "incidents/2020/04/attack.yml").read_text(encoding="utf-8"))
    record.update({"id": name, **change})
    record = {k: v for k, v in record.items() if v is not None}
    (data / f"incidents/2020/04/{name}.yml").write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False),
                                                       encoding="utf-8")


def columns(data: explorer.ExplorerData) -> dict[str, dict[str, object]]:
    """The data file's incidents by id, each a mapping of column → value."""
    inc = data.incidents
    return {str(i): {k: inc[k][n] for k in inc} for n, i in enumerate(inc["id"])}


# --- the data file and the page, from Python ----------------------------------------------------


def test_every_example_incident_is_drawn_or_counted() -> None:
    """Every published incident of the example data is in the data file, in the site's order, and
    the page's counts add up to them: none dropped. The example regions' gazetteer coordinates
    place every one (none of them has coordinates of its own)."""
    ctx = context(REPO / "data")
    page, data = explorer.build(ctx)
    published = [e.id for e in ctx.incidents()]
    assert data.incidents["id"] == published
    assert page.incidents == len(published) == page.own + page.by_region + page.unplaced
    assert page.by_region == len(published) and page.unplaced == 0
    # an incident in Hawija stands at Hawija's coordinates, as a district's circle
    row = columns(data)["hawija-checkpoint-killing-2020-04-12"]
    assert (row["lat"], row["lon"], row["radius"], row["placed"]) == (35.325, 43.772, 20_000, explorer.REGION)


@pytest.fixture
def placed(tmp_path: Path) -> Path:
    """The base fixture with incidents of every kind of position: own coordinates at each precision,
    a region's coordinates (the nearest ancestor that has some), and neither."""
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    regions = data / "regions/regions.yml"
    edit(regions, {"coordinates": [35.47, 44.39]}, index=1)  # kirkuk; hawija (its child) has none
    loaded = yaml.safe_load(regions.read_text(encoding="utf-8"))
    loaded.append({"id": "elsewhere", "name": "Elsewhere", "level": "place"})  # no coordinates up its path
    loaded.append({"id": "quiet", "name": "Quiet", "level": "place", "parent": "iraq"})  # no incident
    regions.write_text(yaml.safe_dump(loaded, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for precision in ("exact", "near", "area", "region", None):
        add_incident(data, f"own-{precision or 'unstated'}",
                     {"coordinates": [35.3, 43.8], "location_precision": precision})
    add_incident(data, "lost", {"region": "elsewhere"})
    return data


def test_sizes_show_how_precisely_the_place_is_known(placed: Path) -> None:
    """An exact place is a point; near, area and region are circles of a real radius; without
    coordinates of its own, an incident stands at its nearest placed region, as that region's
    circle; with neither it is counted and listed, never drawn at 0,0."""
    page, data = explorer.build(context(placed))
    rows = columns(data)
    radius = {i: (r["radius"], r["placed"]) for i, r in rows.items()}
    assert radius["own-exact"] == (0, explorer.OWN)
    assert radius["own-near"] == (2_000, explorer.OWN)
    assert radius["own-unstated"] == (2_000, explorer.OWN)  # nothing says it is exact
    assert radius["own-area"] == (10_000, explorer.OWN)
    assert radius["own-region"] == (explorer.LEVEL_RADIUS["district"], explorer.OWN)  # its region: hawija
    # `attack` is in hawija, which has no coordinates: it stands at kirkuk's, as a governorate
    assert (rows["attack"]["lat"], rows["attack"]["lon"]) == (35.47, 44.39)
    assert radius["attack"] == (explorer.LEVEL_RADIUS["governorate"], explorer.REGION)
    assert (rows["lost"]["lat"], rows["lost"]["lon"], radius["lost"]) == (None, None, (0, explorer.NOWHERE))
    assert (page.own, page.by_region, page.unplaced) == (5, 1, 1)
    assert [u.title for u in page.listed] == [rows["lost"]["title"]]
    assert page.listed[0].href == "../timeline/2020-04.md#lost"  # the record's anchor on its month page


def test_the_data_file_is_deterministic_and_compact(placed: Path) -> None:
    """Two builds from two reads of the data give the same bytes; references are indexes into
    tables (actors, regions, types, tags, dates, pages), never repeated names."""
    first = to_explorer(explorer.build(context(placed))[1])
    second = to_explorer(explorer.build(context(placed))[1])
    assert first == second
    document = json.loads(first)
    assert list(document) == ["version", "tiles", "groups", "types", "regions", "actors", "tags", "pages", "dates",
                              "incidents"]
    inc = document["incidents"]
    n = inc["id"].index("attack")
    assert document["actors"]["id"][inc["actors"][n][0]] in {"isis", "peshmerga"}
    assert document["types"][inc["type"][n]][0] == "armed-clash"
    assert document["regions"]["id"][inc["region"][n]] == "hawija"
    assert document["pages"][inc["page"][n]] == "timeline/2020-04/"
    assert document["dates"][inc["date"][n]] == "12 April 2020"
    # compact: no space between tokens, one line
    assert first == (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def test_online_tiles_only_when_briefing_yml_asks(placed: Path) -> None:
    """By default the map has no tiles (nothing leaves the site); `map_tiles: openstreetmap` puts
    OpenStreetMap's address and attribution in the data file, and the page says so."""
    page, data = explorer.build(context(placed))
    assert data.tiles is None and not page.tiles
    page, data = explorer.build(context(placed, SiteConfig(map_tiles="openstreetmap")))
    assert data.tiles is not None and data.tiles["url"].startswith("https://tile.openstreetmap.org/")
    assert "OpenStreetMap" in data.tiles["attribution"] and page.tiles


def test_the_site_serves_the_map_libraries_with_their_licences(placed: Path, tmp_path: Path) -> None:
    """The build writes the data file, our script and style sheet, and the vendored libraries with
    their LICENSE files into explorer/, byte for byte; region pages with incidents ask for the
    map's page template and a region page without any does not."""
    result = validate(placed)
    content = tmp_path / "content"
    generate(result.dataset, result.config, content)
    vendor = REPO / "generator" / "vendor"
    for name in ("leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/LICENSE", "topojson-client/LICENSE",
                 "world-atlas/countries-50m.json", "world-atlas/LICENSE"):
        assert (content / "explorer/vendor" / name).read_bytes() == (vendor / name).read_bytes(), name
    assert (content / "explorer/assets/explorer.js").read_bytes() == (
        REPO / "generator/static/explorer.js").read_bytes()
    assert json.loads((content / "explorer/incidents.json").read_bytes())["incidents"]["id"]
    page = (content / "explorer/index.md").read_text(encoding="utf-8")
    assert "template: explorer.html" in page and 'id="bx-explorer"' in page
    kirkuk = (content / "regions/kirkuk.md").read_text(encoding="utf-8")
    assert "template: explorer.html" in kirkuk and 'bx_region: "kirkuk"' in kirkuk and "bx-region-map" in kirkuk
    quiet = (content / "regions/quiet.md").read_text(encoding="utf-8")  # a region with no incident
    assert "template:" not in quiet and "bx-region-map" not in quiet


def test_the_script_puts_data_into_the_page_as_text_only() -> None:
    """The script never parses data as HTML: no innerHTML, insertAdjacentHTML, document.write, eval,
    or a popup made from a string (Leaflet's bindPopup and setContent take HTML strings)."""
    script = (REPO / "generator/static/explorer.js").read_text(encoding="utf-8")
    script = re.sub(r"/\*.*?\*/|//[^\n]*", "", script, flags=re.DOTALL)  # the code, not what comments say
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                  "bindPopup", "bindTooltip"):
        assert risky not in script, risky
    # popups get a DOM node built with textContent
    assert ".setContent(popupContent(" in script and "textContent" in script


# --- in the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_site(example: Served) -> Served:
    """The example data's site (conftest.py's, shared with the other browser tests)."""
    return example


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The base fixture with hostile text in an incident's title, an actor's and a region's name,
    the incident at its own coordinates (so it has a popup), and a second hostile incident with no
    coordinates at all (so it is listed, not drawn)."""
    root = tmp_path_factory.mktemp("explorer-hostile")
    data = root / "data"
    shutil.copytree(BASE, data)
    edit(data / "actors/isis.yml", {"name": f"Actor {HOSTILE_NAME}"})
    edit(data / "regions/regions.yml", {"name": f"Region {HOSTILE_NAME}"}, index=2)  # hawija
    edit(data / "incidents/2020/04/attack.yml", {"title": f"Incident {HOSTILE_NAME}", "coordinates": [35.3, 43.8],
                                                  "location_precision": "exact"})
    add_incident(data, "nowhere", {"title": f"Nowhere {HOSTILE_NAME}", "coordinates": None})
    yield from serve(data, root / "work")


# `Tab`, `browser` and `tab`: conftest.py.


def open_map(tab: Tab, url: str) -> Page:
    page = tab.page
    page.goto(url)
    expect(page.locator("[data-ready]")).to_have_count(1)
    return page


def expect_drawn(page: Page, count: int) -> None:
    """The map has drawn `count` incidents (it draws on the next animation frame)."""
    expect(page.locator(".bx-map")).to_have_attribute("data-drawn", str(count))


def coloured_pixels(page: Page) -> int:
    """Pixels of the points' canvas that are not transparent."""
    return int(page.evaluate("""() => {
        const c = document.querySelector('canvas.bx-points');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) { n++; } } return n; }"""))


@pytest.mark.slow
def test_the_map_draws_the_example_incidents_with_no_network(example_site: Served, tab: Tab) -> None:
    """Every example incident is drawn (each stands at its region's coordinates), on a canvas that
    shows them, and the page asks no host but the site's own for anything."""
    page = open_map(tab, example_site.url + "explorer/")
    published = [e for e in example_site.dataset.incidents.values() if e.record.status == "published"]
    expect_drawn(page, len(published))
    assert coloured_pixels(page) > 500
    expect(page.locator("#bx-status")).to_contain_text(f"{len(published)} incidents match")
    page.wait_for_load_state("networkidle")
    assert [u for u in tab.requests if urlsplit(u).hostname != "127.0.0.1"] == []
    assert any(urlsplit(u).path == "/explorer/vendor/world-atlas/countries-50m.json" for u in tab.requests)
    assert tab.failures == [] and tab.errors == []


@pytest.mark.slow
def test_a_filter_in_the_address_narrows_the_list_and_clearing_restores_it(example_site: Served, tab: Tab) -> None:
    """`?region=kirkuk` lists only Kirkuk's incidents and its sub-regions' (Hawija, Wadi Ashai) and
    draws only them; a filter chosen with the keyboard goes into the address, and that address
    opens the same view; clearing lists every incident again and empties the address."""
    dataset = example_site.dataset
    inside = {"kirkuk"} | dataset.region_descendants("kirkuk")
    published = [e for e in dataset.incidents.values() if e.record.status == "published"]
    expected = sorted(e.record.title for e in published if e.record.region in inside)
    assert 0 < len(expected) < len(published)
    page = open_map(tab, example_site.url + "explorer/?region=kirkuk")
    items = page.locator("#bx-list > li > a")
    assert sorted(items.all_inner_texts()) == expected
    expect_drawn(page, len(expected))
    expect(page.get_by_label("Region (with its sub-regions)")).to_have_value("kirkuk")

    # the keyboard alone: focus the event-type filter, pick a type
    battle = next(e.record for e in published if e.record.region in inside and e.record.type == "armed-clash")
    page.get_by_label("Event type").focus()
    page.keyboard.press("End")  # every option is reachable; pick one by its value for certainty
    page.get_by_label("Event type").select_option("armed-clash")
    assert parse_qs(urlsplit(page.url).query) == {"region": ["kirkuk"], "type": ["armed-clash"]}
    assert items.all_inner_texts() == [battle.title]
    shared = page.url

    page.get_by_role("button", name="Clear the filters").click()
    assert urlsplit(page.url).query == ""
    assert items.count() == min(len(published), 50)
    expect_drawn(page, len(published))

    again = open_map(tab, shared)
    assert again.locator("#bx-list > li > a").all_inner_texts() == [battle.title]
    assert tab.errors == []


@pytest.mark.slow
def test_a_region_page_maps_its_own_incidents(example_site: Served, tab: Tab) -> None:
    """Kirkuk's page draws Kirkuk's incidents (its sub-regions' included) and links to the explorer
    filtered to it."""
    dataset = example_site.dataset
    inside = {"kirkuk"} | dataset.region_descendants("kirkuk")
    count = sum(1 for e in dataset.incidents.values() if e.record.status == "published" and e.record.region in inside)
    page = open_map(tab, example_site.url + "regions/kirkuk/")
    expect_drawn(page, count)
    page.get_by_role("link", name="Open this region in the map").click()
    expect(page.locator("[data-ready]")).to_have_count(1)
    assert parse_qs(urlsplit(page.url).query) == {"region": ["kirkuk"]}
    assert page.locator("#bx-list > li").count() == count
    assert [u for u in tab.requests if urlsplit(u).hostname != "127.0.0.1"] == []


@pytest.mark.slow
def test_hostile_text_stays_inert_in_the_list_and_the_popup(hostile_site: Served, tab: Tab) -> None:
    """Titles and names holding markup show as typed in the list, the filters and the popup;
    nothing runs, no element is made from them; the incident with no coordinates is counted and
    listed (not drawn)."""
    page = open_map(tab, hostile_site.url + "explorer/")
    expect(page.locator("#bx-status")).to_contain_text("2 incidents match (of 2): 1 on the map, 1 not on the map")
    expect_drawn(page, 1)
    items = page.locator("#bx-list > li")
    expect(items.filter(has_text=f"Incident {HOSTILE_NAME}")).to_have_count(1)
    expect(items.filter(has_text=f"Region {HOSTILE_NAME}")).to_have_count(2)  # in each incident's region path
    nowhere = items.filter(has_text=f"Nowhere {HOSTILE_NAME}")
    expect(nowhere).to_contain_text("Not on the map")
    expect(page.locator("#bx-actor option").filter(has_text=f"Actor {HOSTILE_NAME}")).to_have_count(1)

    items.filter(has_text=f"Incident {HOSTILE_NAME}").get_by_role("button", name="Show on the map").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(f"Incident {HOSTILE_NAME}")
    expect(popup).to_contain_text(f"Actor {HOSTILE_MARKUP}")
    # and by pointer: a click on the point opens the same popup
    page.locator(".leaflet-popup-close-button").click()
    box = page.locator(".bx-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(popup).to_contain_text(f"Incident {HOSTILE_NAME}")

    page.get_by_label("Location").select_option("none")
    assert page.locator("#bx-list > li > a").all_inner_texts() == [f"Nowhere {HOSTILE_NAME}"]
    page.wait_for_load_state("networkidle")
    assert tab.dialogs == []
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("script:not([src])").filter(has_text="alert(").count() == 0
    assert tab.errors == []
    # the page itself lists the incident that cannot be drawn
    expect(page.locator("#not-on-the-map ~ ul").first).to_contain_text(f"Nowhere {HOSTILE_NAME}")


@pytest.fixture(scope="module")
def polar_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The base fixture's incident at the North Pole, as an area, and a copy at the South Pole."""
    root = tmp_path_factory.mktemp("explorer-polar")
    data = root / "data"
    shutil.copytree(BASE, data)
    edit(data / "incidents/2020/04/attack.yml", {"coordinates": [90, 0], "location_precision": "area"})
    add_incident(data, "south", {"coordinates": [-90, 179.5], "location_precision": "area"})
    yield from serve(data, root / "work")


@pytest.mark.slow
def test_an_area_at_a_pole_is_a_small_circle_not_the_whole_map(polar_site: Served, tab: Tab) -> None:
    """Web Mercator stops at 85.05°: a place beyond it is drawn at that latitude, with the scale
    there; the scale of the pole itself (infinite) made one record's circle cover the whole map."""
    page = open_map(tab, polar_site.url + "explorer/")
    expect_drawn(page, 2)
    total = int(page.evaluate("() => { const c = document.querySelector('canvas.bx-points'); "
                              "return c.width * c.height; }"))
    assert 0 < coloured_pixels(page) < total / 20
    assert tab.errors == []


@pytest.fixture(scope="module")
def slug_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Regions named so that their pages' headings get the ids of the map's own elements
    (Markdown's table of contents makes a heading's id from its text)."""
    root = tmp_path_factory.mktemp("explorer-slugs")
    data = root / "data"
    shutil.copytree(BASE, data)
    edit(data / "regions/regions.yml", {"name": "BX map config"}, index=1)  # kirkuk
    edit(data / "regions/regions.yml", {"name": "BX region map"}, index=2)  # hawija
    edit(data / "regions/regions.yml", {"name": "BX explorer"}, index=0)  # iraq
    yield from serve(data, root / "work")


@pytest.mark.slow
@pytest.mark.parametrize("region", ["kirkuk", "hawija", "iraq"])
def test_a_heading_with_the_id_of_a_map_element_does_not_take_its_place(slug_site: Served, tab: Tab,
                                                                         region: str) -> None:
    """A region named "BX map config" has a heading with the id `bx-map-config`, before the
    page's own script element of that id: the script reads its own elements, not the heading."""
    page = tab.page
    page.goto(f"{slug_site.url}regions/{region}/")
    expect(page.locator("div#bx-region-map[data-ready]")).to_have_count(1)
    expect(page.locator("h1 .bx-map, h1 .bx-explorer, h1 form")).to_have_count(0)
    expect(page.locator("div#bx-region-map .bx-map")).to_have_count(1)
    assert tab.errors == []


RLO, FSI, PDI = "\u202e", "\u2068", "\u2069"


@pytest.fixture(scope="module")
def rtl_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A region's and an actor's name that open a RIGHT-TO-LEFT OVERRIDE and never close it."""
    root = tmp_path_factory.mktemp("explorer-rtl")
    data = root / "data"
    shutil.copytree(BASE, data)
    edit(data / "regions/regions.yml", {"name": f"Kirkuk {RLO}gone"}, index=1)
    edit(data / "actors/isis.yml", {"name": f"ISIS {RLO}reversed"})
    edit(data / "incidents/2020/04/attack.yml", {"coordinates": [35.3, 43.8], "location_precision": "exact"})
    yield from serve(data, root / "work")


@pytest.mark.slow
def test_a_bidi_override_in_a_name_reverses_only_that_name(rtl_site: Served, tab: Tab) -> None:
    """The list's and the popup's lines join several names: each name that can reorder text is
    isolated (FSI … PDI), as on the site's pages (tests/test_bidi.py)."""
    page = open_map(tab, rtl_site.url + "explorer/")
    facts = page.locator("#bx-list .bx-facts").first.text_content() or ""
    assert f"{FSI}Kirkuk {RLO}gone{PDI}" in facts
    assert facts.endswith(f"{PDI} › Hawija")  # the next name outside the override
    page.locator("#bx-list").get_by_role("button", name="Show on the map").first.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Actors:")
    actors = popup.locator("div", has_text="Actors:").first.text_content() or ""
    assert f"{FSI}ISIS {RLO}reversed{PDI}" in actors
    assert tab.errors == []
