"""The explorer: a map of every visible incident, with filters (time, region, actor, event type,
tag) whose state lives in the page's address, and a list of the matching records linking to their
timeline anchors. Region pages show their own incidents on a small map drawn by the same script.

The page is a short Markdown page; what it draws comes from one generated JSON file
(`routes.EXPLORER_DATA`): columnar arrays, each reference an index into a table of regions,
actors, types, tags, date labels and month pages, so that 100,000 incidents stay a few megabytes
and load in one `JSON.parse`. No JavaScript is ever made from the data: the script
(`generator/static/explorer.js`) is a file of ours, and it puts data into the page only as text.

Where an incident is drawn: at its own coordinates, sized by its `location_precision` (an exact
place is a point; `near`, `area` and `region` are circles of a real radius in metres); without
coordinates, at the coordinates of the nearest region on its path that has some (the same
resolution as the exports: `views/export.py`), as a circle the size of that region's level. An
incident with neither is counted, and listed both here and in the script's list, never dropped.
The radii are a convention of the site (`PRECISION_RADIUS`, `LEVEL_RADIUS`), documented on the
page itself: the data says how precise a place is, not how large.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path

from ..charts import GROUP_COLOURS
from ..dates import format_date, month_key
from ..link import Entry
from ..models import EVENT_GROUPS, Incident, event_label
from ..routes import (EXPLORER_ASSETS, EXPLORER_DATA, EXPLORER_PAGE, EXPLORER_VENDOR, href, month_page, page_url,
                      record_anchor)
from .common import Context, Download, Family, Page
from .export import _Resolver, no_cyclic_gc, site_info

#: The version of the explorer's data file (its `version`): raised when a field changes meaning.
EXPLORER_VERSION = 1

#: The radius drawn for an incident's own coordinates, by its `location_precision`, in metres;
#: 0 is a point (an exact place has no area to show). Not stated: drawn as `near`, since nothing
#: says it is exact.
PRECISION_RADIUS: dict[str | None, int] = {"exact": 0, "near": 2_000, "area": 10_000, None: 2_000}
#: The radius of a region's area by its level, in metres: an incident placed at a region's
#: coordinates (its own precision `region`, or none of its own) is drawn as that large a circle.
LEVEL_RADIUS: dict[str, int] = {
    "country": 250_000, "governorate": 50_000, "district": 20_000, "subdistrict": 10_000, "area": 25_000,
    "place": 5_000,
}
#: How an incident's position was found, as the data file's `placed` codes.
OWN, REGION, NOWHERE = 0, 1, 2
#: The precisions, as the data file's `precision` codes (the last: not stated).
PRECISIONS: tuple[str | None, ...] = ("exact", "near", "area", "region", None)
#: Decimal places kept of a coordinate (5: about a metre, finer than any precision of the data).
COORDINATE_PLACES = 5
#: How many incidents with no position the page itself lists (the script's list holds every one).
UNPLACED_CAP = 200

#: The online tiles briefing.yml's `map_tiles: openstreetmap` adds under the outlines.
OSM_TILES = {
    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": "© OpenStreetMap contributors",
    "copyright": "https://www.openstreetmap.org/copyright",
}

#: The files of generator/ the map needs, copied into the site: the vendored libraries with their
#: licences (tools/vendor.py) and our own script and style sheet. (source under generator/, target)
_VENDOR = ("leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/LICENSE", "leaflet/images/layers.png",
           "leaflet/images/layers-2x.png", "leaflet/images/marker-icon.png", "leaflet/images/marker-icon-2x.png",
           "leaflet/images/marker-shadow.png", "topojson-client/topojson-client.min.js", "topojson-client/LICENSE",
           "world-atlas/countries-50m.json", "world-atlas/LICENSE")
_OWN = ("explorer.js", "explorer.css")
_PACKAGE = Path(__file__).resolve().parents[1]


@functools.cache
def _package_file(relative: str) -> bytes:
    """A file shipped inside the package (read once per process: the same bytes every build)."""
    return (_PACKAGE / relative).read_bytes()


@dataclass(frozen=True, slots=True)
class Unplaced:
    title: str
    date: str
    href: str  # the record on its timeline page, relative to the explorer page


@dataclass(frozen=True, slots=True)
class ExplorerPage:
    path: str
    incidents: int
    own: int  # drawn at their own coordinates
    by_region: int  # drawn at their region's
    unplaced: int  # with neither: counted and listed
    listed: tuple[Unplaced, ...]  # the first UNPLACED_CAP of them
    tiles: bool  # online OpenStreetMap tiles under the outlines (briefing.yml)
    radii: tuple[tuple[str, str], ...]  # what each size means, for the page's legend


@dataclass(frozen=True, slots=True)
class ExplorerData:
    """The explorer's data file: tables, and the incidents as columns of indexes into them."""

    tiles: dict[str, str] | None
    groups: tuple[tuple[str, str, str], ...]  # (slug, label, colour)
    types: tuple[tuple[str, str, int], ...]  # (slug, label, group index)
    regions: dict[str, list[object]]  # id, name, level, parent (index or -1)
    actors: dict[str, list[str]]  # id, name
    tags: tuple[str, ...]
    pages: tuple[str, ...]  # month pages' addresses, relative to the site's root
    dates: tuple[str, ...]  # date labels as readers see them
    incidents: dict[str, list[object]]


def _days(day: datetime.date) -> int:
    return (day - datetime.date(1970, 1, 1)).days


def _place(resolve: _Resolver, incident: Incident) -> tuple[float | None, float | None, int, int]:
    """Latitude, longitude, radius (m) and how it was placed (OWN, REGION or NOWHERE)."""
    if incident.coordinates:
        lat, lon = incident.coordinates[0], incident.coordinates[1]
        precision = incident.location_precision
        if precision == "region":
            region = resolve.regions.get(incident.region)
            radius = LEVEL_RADIUS.get(region.level, LEVEL_RADIUS["area"]) if region else LEVEL_RADIUS["area"]
        else:
            radius = PRECISION_RADIUS[precision]
        return round(lat, COORDINATE_PLACES), round(lon, COORDINATE_PLACES), radius, OWN
    steps, nearest = resolve.region_path(incident.region)
    if nearest is None:
        return None, None, 0, NOWHERE
    # the region whose coordinates were taken: the nearest one on the path that has some
    level = next(r.level for r in (resolve.regions.get(s.id) for s in reversed(steps)) if r and r.coordinates)
    return (round(nearest[0], COORDINATE_PLACES), round(nearest[1], COORDINATE_PLACES),
            LEVEL_RADIUS.get(level, LEVEL_RADIUS["area"]), REGION)


def build(ctx: Context) -> tuple[ExplorerPage, ExplorerData]:
    """The explorer's page and its data file, from the visible incidents in the site's order."""
    with no_cyclic_gc():  # a few lists per incident: collections would rescan the whole dataset
        return _build(ctx)


class _Table:
    """Values numbered in the order first seen (deterministic: the records come in the site's order)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, value: str) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.index)
        return found

    def values(self) -> tuple[str, ...]:
        return tuple(self.index)


def _build(ctx: Context) -> tuple[ExplorerPage, ExplorerData]:
    config = ctx.site
    resolve = _Resolver(ctx, site_info(config.title, config.site_url, config.licence) if config
                        else site_info("Conflict briefing", None, None))
    region_ids = sorted(resolve.regions)
    region_index = {r: i for i, r in enumerate(region_ids)}
    actor_ids = sorted(resolve.actors)
    actor_index = {a: i for i, a in enumerate(actor_ids)}
    groups = tuple(EVENT_GROUPS)
    group_index = {g: i for i, g in enumerate(groups)}
    types = _Table()
    type_group: dict[str, int] = {}
    tags, pages, dates = _Table(), _Table(), _Table()

    cols: dict[str, list[object]] = {k: [] for k in (
        "id", "title", "start", "end", "date", "page", "type", "region", "lat", "lon", "radius", "precision",
        "placed", "actors", "tags")}
    own = by_region = 0
    unplaced: list[Entry[Incident]] = []
    for entry in ctx.incidents():
        r = entry.record
        lat, lon, radius, placed = _place(resolve, r)
        if placed == OWN:
            own += 1
        elif placed == REGION:
            by_region += 1
        else:
            unplaced.append(entry)
        if r.type not in type_group:
            type_group[r.type] = group_index.get(ctx.group_of(r.type), group_index["strategic-developments"])
        cols["id"].append(r.id)
        cols["title"].append(r.title)
        cols["start"].append(None if r.date.open_start else _days(r.date.start))
        cols["end"].append(_days(r.date.end))
        cols["date"].append(dates(format_date(r.date)))
        cols["page"].append(pages(page_url(month_page(month_key(r.date)))))
        cols["type"].append(types(r.type))
        cols["region"].append(region_index.get(r.region, -1))
        cols["lat"].append(lat)
        cols["lon"].append(lon)
        cols["radius"].append(radius)
        cols["precision"].append(PRECISIONS.index(r.location_precision) if r.coordinates else
                                 PRECISIONS.index("region" if placed == REGION else None))
        cols["placed"].append(placed)
        cols["actors"].append(sorted({actor_index[a.actor] for a in r.actors if a.actor in actor_index}))
        cols["tags"].append([tags(t) for t in r.tags])

    regions = [resolve.regions[r] for r in region_ids]
    data = ExplorerData(
        tiles=dict(OSM_TILES) if config is not None and config.map_tiles == "openstreetmap" else None,
        groups=tuple((g, event_label(g), GROUP_COLOURS[g]) for g in groups),
        types=tuple((t, event_label(t), type_group[t]) for t in types.values()),
        regions={
            "id": list(region_ids), "name": [r.name for r in regions], "level": [r.level for r in regions],
            "parent": [region_index.get(r.parent, -1) if r.parent else -1 for r in regions],
        },
        actors={"id": list(actor_ids), "name": [resolve.actors[a].name for a in actor_ids]},
        tags=tags.values(), pages=pages.values(), dates=dates.values(), incidents=cols,
    )
    listed = tuple(Unplaced(e.record.title, format_date(e.record.date),
                            href(EXPLORER_PAGE, month_page(month_key(e.record.date)), record_anchor(e.id)))
                   for e in unplaced[:UNPLACED_CAP])
    radii = (("A point", "the incident's own coordinates, given as exact"),
             ("A circle of 2 km radius", "its own coordinates, given as near (or with no precision stated)"),
             ("A circle of 10 km radius", "its own coordinates, given as an area"),
             ("A region's circle", "placed at a region's coordinates (its own precision is region, or it has no "
                                   "coordinates of its own), with the radius of that region's level: " + ", ".join(
                                       f"{level} {metres // 1000} km" for level, metres in LEVEL_RADIUS.items())))
    page = ExplorerPage(EXPLORER_PAGE, len(cols["id"]), own, by_region, len(unplaced), listed, data.tiles is not None,
                        radii)
    return page, data


def pages(ctx: Context) -> list[Page | Download]:
    """The explorer's page, its data file, and the script, style sheet and libraries it loads."""
    page, data = build(ctx)
    files = [Download(f"{EXPLORER_VENDOR}/{name}", "file", _package_file(f"vendor/{name}")) for name in _VENDOR]
    files += [Download(f"{EXPLORER_ASSETS}/{name}", "file", _package_file(f"static/{name}")) for name in _OWN]
    return [Page(EXPLORER_PAGE, "explorer.md.j2", page), Download(EXPLORER_DATA, "explorer", data), *files]


#: This module as a page family of the site (views/families.py lists it).
FAMILY = Family("explorer", pages)
