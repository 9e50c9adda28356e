"""The Data page: every export of `briefing export` as a download (CSV with ACLED's columns, JSON,
GeoJSON, TimelineJS's CSV), what each column means, the data's licence line (briefing.yml) and how
to cite. The downloads are written beside the page by the build (`Download`: serialised by
`generator/export.py`, not by a template), from the same records the site shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..routes import DATA_PAGE, EXPORT_FILES, export_file, href
from .common import Context, Download, Family, Page
from .export import ACLED_COLUMNS, EXPORT_VERSION, GEOJSON_PROPERTIES, OWN_COLUMNS, from_context


@dataclass(frozen=True)
class DownloadLink:
    format: str  # csv | json | geojson | timelinejs
    label: str
    href: str  # relative to the Data page
    file: str  # the file's name
    what: str


@dataclass(frozen=True)
class DataPage:
    path: str
    downloads: tuple[DownloadLink, ...]
    incidents: int
    statements: int
    located: int  # incidents the GeoJSON holds (own or region coordinates)
    acled_columns: tuple[tuple[str, str], ...]
    own_columns: tuple[tuple[str, str], ...]
    geojson_properties: tuple[tuple[str, str], ...]
    title: str
    url: str | None
    licence: str | None
    version: str


_WHAT = {
    "csv": ("CSV (ACLED's columns)", "One row per incident, with ACLED's column names wherever a field maps, so that "
            "tools reading ACLED exports open it"),
    "json": ("JSON", "Every record of every kind, each reference with the name beside the id, and a version field"),
    "geojson": ("GeoJSON", "The incidents as points (RFC 7946), for QGIS and other GIS tools"),
    "timelinejs": ("TimelineJS CSV", "A spreadsheet in the form of TimelineJS's template: import it into a Google "
                   "Sheet and publish it as a timeline"),
}


def pages(ctx: Context) -> list[Page | Download]:
    """The Data page and its four downloads."""
    data = from_context(ctx)
    site = data.site
    links = tuple(DownloadLink(fmt, _WHAT[fmt][0], href(DATA_PAGE, export_file(fmt)), EXPORT_FILES[fmt],
                               _WHAT[fmt][1]) for fmt in EXPORT_FILES)
    located = sum(1 for i in data.incidents if i.coordinates or i.region_coordinates)
    page = DataPage(DATA_PAGE, links, len(data.incidents), len(data.statements), located, ACLED_COLUMNS, OWN_COLUMNS,
                    GEOJSON_PROPERTIES, site.title, site.url, site.licence, EXPORT_VERSION)
    return [Page(DATA_PAGE, "data.md.j2", page), *(Download(export_file(fmt), fmt, data) for fmt in EXPORT_FILES)]


#: This module as a page family of the site (views/families.py lists it).
FAMILY = Family("data", pages)
