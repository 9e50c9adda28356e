"""Where everything of the site lives: every page path, anchor and downloadable file, in one place.

Paths are relative to the content folder (MkDocs' docs folder) and written with `/`. The views
link pages with `href`, the writer replaces only the names of `GENERATED`, the page-conflict check
(`pages.py`) knows which pages exist whatever the data, and the PDF briefings are named here. No
other module spells a path of the site. Standard library only: the validator reads this table, so
it sits below `link` and imports nothing of the house.
"""

from __future__ import annotations

import functools
import posixpath

# --- the table: what the generator owns at the top of the content folder ---------------------

OVERVIEW = "index.md"
TIMELINE_FOLDER = "timeline"
ACTORS_FOLDER = "actors"
REGIONS_FOLDER = "regions"
STATEMENTS_FOLDER = "statements"
SOURCES_FOLDER = "sources"
TAGS_FOLDER = "tags"
#: The charts (SVG) of every page family that draws one.
CHARTS_FOLDER = "charts"
#: The site's PDF briefings.
PDF_FOLDER = "pdf"
WHATSNEW_FOLDER = "whatsnew"
CORRECTIONS_FOLDER = "corrections"
#: The Data page and the exports it offers for download (csv, json, geojson, TimelineJS).
DATA_FOLDER = "data"
#: The explorer: a map of the incidents with filters, its data file, and the script, style sheet
#: and libraries it loads (region pages load them too).
EXPLORER_FOLDER = "explorer"
#: The site's Atom feed, at its root (so that links relative to the site work in it).
FEED = "feed.xml"
#: The records' search entries, as data for the hook `site_overrides/search.py`. Hidden (a dot):
#: MkDocs leaves it out of the site, so it is never a page or a published file.
SEARCH_FOLDER = ".search"

#: Every name the generator owns at the top of the content folder, in the order the writer checks
#: and swaps them, with who writes there: a page family (its `name` in views/families.py), the
#: charts of several families, or the PDF briefings. Everything else in the content folder is
#: hand-written (`briefings/` too: the editors' key judgements).
FOLDERS: tuple[tuple[str, str], ...] = (
    (OVERVIEW, "overview"),
    (TIMELINE_FOLDER, "timeline"),
    (ACTORS_FOLDER, "actors"),
    (REGIONS_FOLDER, "regions"),
    (STATEMENTS_FOLDER, "statements"),
    (SOURCES_FOLDER, "sources"),
    (TAGS_FOLDER, "tags"),
    (CHARTS_FOLDER, "charts"),
    (PDF_FOLDER, "pdfs"),
    (WHATSNEW_FOLDER, "whatsnew"),
    (CORRECTIONS_FOLDER, "corrections"),
    (DATA_FOLDER, "data"),
    (FEED, "feed"),
    (EXPLORER_FOLDER, "explorer"),
    (SEARCH_FOLDER, "search"),
)
#: What the writer may write and replace in the content folder (write.GENERATED).
GENERATED: tuple[str, ...] = tuple(name for name, _ in FOLDERS)
#: The generated names that are files at the top of the content folder (the rest are folders;
#: `.search` is a folder though its name holds a dot).
GENERATED_FILES: frozenset[str] = frozenset((OVERVIEW, FEED))


def family_names(family: str) -> tuple[str, ...]:
    """The names at the top of the content folder that one page family writes (its own folder or
    page, and the charts folder for every family)."""
    return tuple(name for name, owner in FOLDERS if owner == family) + (CHARTS_FOLDER,)


# --- pages --------------------------------------------------------------------------------------

TIMELINE_INDEX = f"{TIMELINE_FOLDER}/index.md"
ACTORS_INDEX = f"{ACTORS_FOLDER}/index.md"
REGIONS_INDEX = f"{REGIONS_FOLDER}/index.md"
STATEMENTS_INDEX = f"{STATEMENTS_FOLDER}/index.md"
SOURCES_PAGE = f"{SOURCES_FOLDER}/index.md"
TAGS_PAGE = f"{TAGS_FOLDER}/index.md"
WHATSNEW_PAGE = f"{WHATSNEW_FOLDER}/index.md"
CORRECTIONS_PAGE = f"{CORRECTIONS_FOLDER}/index.md"
DATA_PAGE = f"{DATA_FOLDER}/index.md"
EXPLORER_PAGE = f"{EXPLORER_FOLDER}/index.md"
#: The explorer's data (views/explorer.py): every visible incident in columns, for the script.
EXPLORER_DATA = f"{EXPLORER_FOLDER}/incidents.json"
#: Our own script and style sheet of the map (generator/static/), and the vendored libraries with
#: their licences (generator/vendor/), as the site serves them.
EXPLORER_ASSETS = f"{EXPLORER_FOLDER}/assets"
EXPLORER_VENDOR = f"{EXPLORER_FOLDER}/vendor"
#: A hand-written page the overview links.
METHODOLOGY = "methodology.md"


def month_page(key: str) -> str:
    """The timeline page of a month key (`2020-04`, or `2020` for records dated to a year)."""
    return f"{TIMELINE_FOLDER}/{key}.md"


def statements_page(key: str) -> str:
    """The statements of a month key."""
    return f"{STATEMENTS_FOLDER}/{key}.md"


def actor_page(actor_id: str) -> str:
    """An actor's own page."""
    return f"{ACTORS_FOLDER}/{actor_id}.md"


def region_page(region_id: str) -> str:
    """A region's own page."""
    return f"{REGIONS_FOLDER}/{region_id}.md"


#: The search entries of every record, by the page that shows it (views/search.py writes it, the
#: hook `site_overrides/search.py` adds them to Material's search index).
SEARCH_RECORDS = f"{SEARCH_FOLDER}/records.json"
#: The version of that file's layout (generator/views/search.py writes it; the hook
#: site_overrides/search.py reads it, and imports it from here: not from the views, whose imports
#: would add pandas to every MkDocs run).
SEARCH_RECORDS_VERSION = 1


# --- anchors ------------------------------------------------------------------------------------


def record_anchor(record_id: str) -> str:
    """The anchor of an incident or statement on its timeline month page (its id)."""
    return record_id


def source_anchor(source_id: str) -> str:
    """The anchor of a source on the sources page (its id)."""
    return source_id


def briefing_anchor(kind: str, record_id: str) -> str:
    """The anchor of a record in a PDF briefing's timeline: `record-<id>` for an incident,
    `statement-<id>` for a statement."""
    return f"record-{record_id}" if kind == "incident" else f"statement-{record_id}"


# --- downloadable files -------------------------------------------------------------------------


def chart_file(name: str) -> str:
    """A chart's SVG file."""
    return f"{CHARTS_FOLDER}/{name}.svg"


#: The exports of `briefing export --format`, and the file each has on the Data page.
EXPORT_FILES: dict[str, str] = {
    "csv": "incidents.csv",
    "json": "briefing.json",
    "geojson": "incidents.geojson",
    "timelinejs": "timelinejs.csv",
}


def export_file(fmt: str) -> str:
    """The Data page's download of an export format: `data/incidents.csv`, `data/briefing.json`..."""
    return f"{DATA_FOLDER}/{EXPORT_FILES[fmt]}"


def page_url(page: str) -> str:
    """A page's address relative to the site's root, as MkDocs serves it with directory URLs:
    `timeline/2020-04.md` → `timeline/2020-04/`, `data/index.md` → `data/`, `index.md` → ``."""
    stem = page[: -len(".md")] if page.endswith(".md") else page
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def pdf_file(name: str) -> str:
    """A PDF briefing the site offers, by the briefing's name: `pdf/<name>.pdf`."""
    return f"{PDF_FOLDER}/{name}.pdf"


#: Where editors keep key judgements, in the content folder: `briefings/<name>.md` (hand-written).
JUDGEMENTS_FOLDER = "briefings"


def judgements_file(name: str) -> str:
    """The editors' key judgements for the briefing `name`, relative to the content folder."""
    return f"{JUDGEMENTS_FOLDER}/{name}.md"


# --- links --------------------------------------------------------------------------------------


def href(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """A relative Markdown link from one page to another (MkDocs checks them in --strict)."""
    target = _relative(to_page, posixpath.dirname(from_page) or ".")
    return f"{target}#{anchor}" if anchor else target


@functools.lru_cache(maxsize=65536)
def _relative(to_page: str, from_folder: str) -> str:
    # A site has a few hundred pages but links between them hundreds of thousands of times, and
    # relpath (which makes both paths absolute first) is slow.
    return posixpath.relpath(to_page, from_folder)
