"""Every tag and the records that carry it, on one page. Each tag is a heading whose anchor is the
tag itself, because every record on the timeline links its tags to `tags/index.md#<tag>`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, TypeVar

from ..dates import format_date, month_key
from ..models import Incident
from ..routes import TAGS_PAGE, TIMELINE_INDEX, href, month_page, record_anchor
from .common import Context, Family, Page, Shown, statement_title

S = TypeVar("S", bound=Shown)

#: At most this many records under one heading of an index page (tags, sources), newest first;
#: the rest are one click away on the timeline. Keeps index pages readable on large datasets.
LIST_CAP = 50


@dataclass(frozen=True)
class RecordLink:
    """A record in one line: its date as written, its title, and its anchor on the timeline."""

    id: str
    kind: str  # "incident" | "statement"
    date: str
    title: str
    href: str
    status: str


def record_link(ctx: Context, entry: Shown, page: str) -> RecordLink:
    """The one-line form of an incident or statement, linked from `page` to its timeline anchor."""
    record = entry.record
    if isinstance(record, Incident):
        kind, title = "incident", record.title
    else:
        speaker = ctx.dataset.actors.get(record.speaker)
        kind, title = "statement", statement_title(speaker.record if speaker else None, record)
    return RecordLink(record.id, kind, format_date(record.date), title,
                      href(page, month_page(month_key(record.date)), record_anchor(record.id)), record.status)


def newest_first(entries: Iterable[S]) -> list[S]:
    """Records by the start of their date, latest first (then the longer span, then id): the
    order of every "latest" list. Incidents before statements on a tie, for a stable order."""
    def key(e: S) -> tuple[int, int, bool, str]:
        start, end = e.record.date.sort_key()
        return (-start.toordinal(), -end.toordinal(), not isinstance(e.record, Incident), e.id)
    return sorted(entries, key=key)


@dataclass(frozen=True)
class TagView:
    slug: str  # also the heading's anchor
    incidents: int
    statements: int
    records: tuple[RecordLink, ...]  # newest first, at most LIST_CAP
    more: int  # records carrying the tag that are not listed (beyond the cap)


@dataclass(frozen=True)
class TagsPage:
    path: str
    tags: tuple[TagView, ...]  # by slug
    timeline_href: str


def build(ctx: Context) -> TagsPage:
    """Every tag that a visible record carries, with its records."""
    carriers: dict[str, list[Shown]] = defaultdict(list)
    shown: list[Shown] = [*ctx.incidents(), *ctx.statements()]
    for entry in shown:
        for tag in dict.fromkeys(entry.record.tags):  # a tag written twice counts once
            carriers[tag].append(entry)
    views = []
    for slug in sorted(carriers):
        entries = newest_first(carriers[slug])
        incidents = sum(isinstance(e.record, Incident) for e in entries)
        views.append(TagView(
            slug, incidents, len(entries) - incidents,
            tuple(record_link(ctx, e, TAGS_PAGE) for e in entries[:LIST_CAP]), max(0, len(entries) - LIST_CAP),
        ))
    return TagsPage(TAGS_PAGE, tuple(views), href(TAGS_PAGE, TIMELINE_INDEX))


def pages(ctx: Context) -> list[Page]:
    """The one tags page."""
    page = build(ctx)
    return [Page(page.path, "tags.md.j2", page)]


#: This module as a page family of the site (views/families.py lists it).
FAMILY = Family("tags", pages)
