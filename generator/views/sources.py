"""Every outlet, with counts of the records that cite it, and under each outlet every item cited
(by address), with the records that cite it. One page: readers check a source here."""

from __future__ import annotations

import functools

from collections import defaultdict
from dataclasses import dataclass, field

from ..dates import format_date
from ..models import Incident
from ..routes import SOURCES_PAGE, TIMELINE_INDEX, href
from .common import Context, Family, Page, Shown
from .tags import LIST_CAP, RecordLink, newest_first, record_link

KIND_WORDS = {
    "media": "media", "government": "government", "military": "military", "ngo": "NGO", "academic": "academic",
    "social-media": "social media", "other": "other",
}
RELIABILITY_WORDS = {
    "A": "A, completely reliable", "B": "B, usually reliable", "C": "C, fairly reliable",
    "D": "D, not usually reliable", "E": "E, unreliable", "F": "F, reliability cannot be judged",
}


@dataclass(frozen=True)
class CitedItem:
    """One cited item of an outlet: an address (or, without one, a title) and who cites it."""

    url: str | None
    titles: tuple[str, ...]  # as the citing records give it (usually one)
    published: tuple[str, ...]
    archive_urls: tuple[str, ...]
    records: tuple[RecordLink, ...]  # newest first, at most LIST_CAP
    more: int  # citing records not listed (beyond the cap)


@dataclass(frozen=True)
class Outlet:
    id: str  # also the heading's anchor
    name: str
    kind: str
    reliability: str | None
    url: str | None
    description: str | None
    incidents: int  # visible incidents citing it at least once
    statements: int
    items: tuple[CitedItem, ...]
    uncited_by: int  # citing records that give neither an address nor a title


@dataclass(frozen=True)
class SourcesPage:
    path: str
    outlets: tuple[Outlet, ...]  # by name, then id
    timeline_href: str


@dataclass
class _Gathered:
    """What the citing records say of one cited item, while the page is being gathered."""

    titles: set[str] = field(default_factory=set)
    published: set[str] = field(default_factory=set)
    archive_urls: set[str] = field(default_factory=set)
    entries: dict[str, Shown] = field(default_factory=dict)  # by kind:id


def build(ctx: Context) -> SourcesPage:
    """Every outlet in the data, cited or not, with what visible records cite of it."""
    cited: dict[str, dict[tuple[int, str], _Gathered]] = defaultdict(dict)  # outlet id -> item key -> item
    citing: dict[str, set[tuple[str, str]]] = defaultdict(set)  # outlet id -> (kind, id) of citing records
    bare: dict[str, set[tuple[str, str]]] = defaultdict(set)  # ... that give neither address nor title
    shown: list[Shown] = [*ctx.incidents(), *ctx.statements()]
    for entry in shown:
        who = ("incident" if isinstance(entry.record, Incident) else "statement", entry.id)
        for citation in entry.record.sources:
            citing[citation.source].add(who)
            if citation.url is None and citation.title is None:
                bare[citation.source].add(who)
                continue
            # items with an address first, by address; then items known only by their title
            key = (0, citation.url) if citation.url else (1, citation.title or "")
            item = cited[citation.source].setdefault(key, _Gathered())
            if citation.title:
                item.titles.add(citation.title)
            if citation.published:
                item.published.add(format_date(citation.published))
            if citation.archive_url:
                item.archive_urls.add(citation.archive_url)
            item.entries[":".join(who)] = entry  # a record citing the same item twice is listed once
    outlets = []
    for source_id, source in ctx.dataset.sources.items():
        record = source.record
        items = []
        for key, item in sorted(cited[source_id].items()):
            # An item is made of the records that cite it alone (their citations give its titles,
            # dates and archives): kept under those record objects between serve's runs
            # (ViewMemo.page), so an edit makes again only the items its record cites (10,000
            # items at 10k incidents, each sorted and linked: most of this page's time).
            items.append(ctx.memo.page("sources", repr((source_id, key)),
                                       tuple(e.record for e in item.entries.values()), "",
                                       functools.partial(_item, ctx, key, item)))
        ids = citing[source_id]
        outlets.append(Outlet(
            record.id, record.name, KIND_WORDS.get(record.kind, record.kind),
            RELIABILITY_WORDS.get(record.reliability) if record.reliability else None,
            record.url, record.description,
            sum(kind == "incident" for kind, _ in ids), sum(kind == "statement" for kind, _ in ids),
            tuple(items), len(bare[source_id]),
        ))
    outlets.sort(key=lambda o: (o.name.casefold(), o.id))
    return SourcesPage(SOURCES_PAGE, tuple(outlets), href(SOURCES_PAGE, TIMELINE_INDEX))


def _item(ctx: Context, key: tuple[int, str], item: _Gathered) -> CitedItem:
    entries = newest_first(item.entries.values())
    return CitedItem(
        key[1] if key[0] == 0 else None,
        tuple(sorted(item.titles)), tuple(sorted(item.published)), tuple(sorted(item.archive_urls)),
        tuple(record_link(ctx, e, SOURCES_PAGE) for e in entries[:LIST_CAP]),
        max(0, len(entries) - LIST_CAP),
    )


#: The memo's tag under which `pages` leaves this run's page for the search entries (views/search.py),
#: kept under the run's dataset object (no page folder has a NUL in its name).
SOURCES_MEMO_TAG = "\0sources"


def pages(ctx: Context) -> list[Page]:
    """The one sources page."""
    page = build(ctx)
    ctx.memo.put(ctx.dataset, SOURCES_MEMO_TAG, page)
    return [Page(page.path, "sources.md.j2", page)]


#: This module as a page family of the site (views/families.py lists it).
FAMILY = Family("sources", pages)
