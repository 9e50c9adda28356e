"""The site's Atom feed (RFC 4287): the latest published incidents and statements, and the latest
corrections, newest first, each linking to its record on the timeline. Every page's head links it
(site_overrides/main.html). `generator/export.py` writes it as XML (`to_atom`); here it is data.

Atom wants a time for every entry and no record has one: an entry is dated by its record (the last
day its date may have been; a correction by its own date), at midnight UTC. So the same data gives
the same feed, and a correction comes out as a new entry that readers see.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from ..routes import FEED, month_page, page_url, record_anchor
from ..dates import month_key
from .common import Context, Download, Family, Shown, is_incident, is_statement, statement_title

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
    config = ctx.site
    title = config.title if config else "Conflict briefing"
    url = config.site_url if config else None
    base = (url if url.endswith("/") else url + "/") if url else ""
    key_site = base or title
    candidates: list[FeedEntry] = []
    records: list[Shown] = [*ctx.incidents(), *ctx.statements()]
    for entry in records:
        record = entry.record
        if record.status != "published":  # a feed is public: never a draft, preview or not
            continue
        link = f"{base}{page_url(month_page(month_key(record.date)))}#{record_anchor(record.id)}"
        if is_incident(entry):
            kind, heading, text = "incident", entry.record.title, entry.record.summary or ""
        elif is_statement(entry):
            statement = entry.record
            speaker = ctx.dataset.actors.get(statement.speaker)
            kind = "statement"
            heading = statement_title(speaker.record if speaker else None, statement)
            text = statement.quote or statement.paraphrase or ""
        else:
            continue
        candidates.append(FeedEntry(_iri(key_site, kind, record.id), heading, record.date.end, link,
                                    text.strip(), kind))
        for number, correction in enumerate(record.corrections, 1):
            candidates.append(FeedEntry(_iri(key_site, kind, record.id, f"correction-{number}"),
                                        f"Corrected: {heading}", correction.date.end, link, correction.note.strip(),
                                        "correction"))
    candidates.sort(key=lambda e: (-e.updated.toordinal(), e.category, e.id))
    entries = tuple(candidates[:FEED_SIZE])
    updated = entries[0].updated if entries else date(1970, 1, 1)
    return FeedData(_iri(key_site, "feed"), title, updated, base or "./", base + FEED, entries)


def pages(ctx: Context) -> list[Download]:
    """The feed, as a file of the site's root."""
    return [Download(FEED, "atom", build(ctx))]


#: This module as a page family of the site (views/families.py lists it).
FAMILY = Family("feed", pages)
