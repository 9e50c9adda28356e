"""The site's Atom feed (RFC 4287): the latest published incidents and statements, and the latest
corrections, newest first, each linking to its record on the timeline. Every page's head links it
(site_overrides/main.html). `generator/export.py` writes it as XML (`to_atom`); here it is data.

Atom wants a time for every entry and no record has one: an entry is dated by its record (the last
day its date may have been; a correction by its own date), at midnight UTC. So the same data gives
the same feed, and a correction comes out as a new entry that readers see.
"""

from __future__ import annotations

import heapq
import uuid
from dataclasses import dataclass
from datetime import date

from ..routes import FEED, month_page, page_url, record_anchor
from ..dates import month_key
from ..models import Statement
from .common import Context, Download, Family, Shown, is_incident, statement_title
from .export import no_cyclic_gc

#: How many entries the feed holds.
FEED_SIZE = 50


@dataclass(frozen=True, slots=True)
class FeedEntry:
    id: str  # a permanent IRI (urn:uuid:…, made from the site and the record's id)
    title: str
    updated: date
    link: str  # the record on the timeline: absolute with the site's address, else relative to the site
    summary: str
    category: str  # incident | statement | correction


@dataclass(frozen=True, slots=True)
class FeedData:
    id: str
    title: str
    updated: date
    site: str  # the site's address, or `./` (relative to the feed at the site's root)
    self_link: str
    entries: tuple[FeedEntry, ...]


def _iri(site: str, *parts: str) -> str:
    """A permanent id: the same site and record always give the same one (RFC 4287 §4.2.6)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "/".join((site, *parts))).urn


def build(ctx: Context) -> FeedData:
    """The latest published records and corrections, newest first (then by kind and id)."""
    with no_cyclic_gc():  # a tuple per record: collections would rescan the whole dataset
        return _build(ctx)


def _build(ctx: Context) -> FeedData:
    config = ctx.site
    title = config.title if config else "Conflict briefing"
    url = config.site_url if config else None
    base = (url if url.endswith("/") else url + "/") if url else ""
    key_site = base or title
    # Ranked on plain keys first; only the entries that make the feed are built (a site has
    # 100,000 records, the feed 50).
    ranked: list[tuple[int, str, str, int, Shown]] = []
    records: list[Shown] = [*ctx.incidents(), *ctx.statements()]
    for entry in records:
        record = entry.record
        if record.status != "published":  # a feed is public: never a draft, preview or not
            continue
        kind = "incident" if is_incident(entry) else "statement"
        ranked.append((-record.date.end.toordinal(), kind, record.id, 0, entry))
        for number, correction in enumerate(record.corrections, 1):
            ranked.append((-correction.date.end.toordinal(), "correction", record.id, number, entry))
    entries = tuple(_entry(ctx, key_site, base, number, entry)
                    for _, _, _, number, entry in heapq.nsmallest(FEED_SIZE, ranked, key=lambda r: r[:4]))
    updated = entries[0].updated if entries else date(1970, 1, 1)
    return FeedData(_iri(key_site, "feed"), title, updated, base or "./", base + FEED, entries)


def _entry(ctx: Context, key_site: str, base: str, correction: int, entry: Shown) -> FeedEntry:
    """A record's entry (`correction` 0), or the entry of its correction number `correction`."""
    record = entry.record
    link = f"{base}{page_url(month_page(month_key(record.date)))}#{record_anchor(record.id)}"
    if is_incident(entry):
        kind, heading, text = "incident", entry.record.title, entry.record.summary or ""
    else:
        statement = entry.record
        assert isinstance(statement, Statement)
        speaker = ctx.dataset.actors.get(statement.speaker)
        kind = "statement"
        heading = statement_title(speaker.record if speaker else None, statement)
        text = statement.quote or statement.paraphrase or ""
    if correction:
        fix = record.corrections[correction - 1]
        return FeedEntry(_iri(key_site, kind, record.id, f"correction-{correction}"), f"Corrected: {heading}",
                         fix.date.end, link, fix.note.strip(), "correction")
    return FeedEntry(_iri(key_site, kind, record.id), heading, record.date.end, link, text.strip(), kind)


def pages(ctx: Context) -> list[Download]:
    """The feed, as a file of the site's root."""
    return [Download(FEED, "atom", build(ctx))]


#: This module as a page family of the site (views/families.py lists it).
FAMILY = Family("feed", pages)
