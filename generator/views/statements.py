"""Statements by month: one brief page per month (the full records live on the timeline, so that
the search index holds each record once) and an index of months and speakers with counts."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from ..dates import format_date, month_key
from ..link import Entry
from ..models import Statement
from ..routes import STATEMENTS_INDEX, TIMELINE_INDEX, href, month_page, record_anchor, statements_page
from .common import Context, Family, Page, Ref, month_title

#: How many words of a statement its brief form shows; the timeline has the whole text.
EXCERPT_WORDS = 25


def excerpt(text: str, words: int = EXCERPT_WORDS) -> str:
    """The first `words` words of a text, with an ellipsis when something was left out."""
    parts = text.split()
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]).rstrip(",;:") + "…"


@dataclass(frozen=True)
class StatementItem:
    """A statement in brief: who, when, the first words, and where the full record is."""

    id: str
    date: str
    speaker: Ref
    on_behalf_of: Ref | None
    medium: str | None
    is_quote: bool  # verbatim words (shown in quotation marks) or reported speech
    excerpt: str
    permalink: str  # the full record on its timeline month page
    status: str


@dataclass(frozen=True)
class StatementsMonth:
    key: str
    title: str
    path: str
    items: tuple[StatementItem, ...]
    previous: Ref | None
    next: Ref | None
    index_href: str
    timeline: Ref  # the timeline page of the same month, with incidents and full statements

    @property
    def is_year(self) -> bool:
        return "-" not in self.key


@dataclass(frozen=True)
class Count:
    """A link and how many statements it stands for."""

    ref: Ref
    count: int


@dataclass(frozen=True)
class StatementsIndex:
    path: str
    total: int
    months: tuple[Count, ...]  # newest first
    speakers: tuple[Count, ...]  # most statements first, then by name
    timeline_href: str


def statement_item(ctx: Context, entry: Entry[Statement], page: str) -> StatementItem:
    """The brief form of a statement, as seen from `page`."""
    record = entry.record
    behalf = ctx.dataset.speaks_for(record)
    text = record.quote if record.quote is not None else (record.paraphrase or "")
    return StatementItem(
        id=record.id,
        date=format_date(record.date),
        speaker=ctx.actor_ref(record.speaker, page),
        on_behalf_of=ctx.actor_ref(behalf, page) if behalf and behalf != record.speaker else None,
        medium=record.medium,
        is_quote=record.quote is not None,
        excerpt=excerpt(text),
        permalink=href(page, month_page(month_key(record.date)), record_anchor(record.id)),
        status=record.status,
    )


def build(ctx: Context) -> tuple[StatementsIndex, list[StatementsMonth]]:
    """The index and every month page, as data."""
    groups: dict[str, list[Entry[Statement]]] = defaultdict(list)
    for entry in ctx.statements():  # already in date order
        groups[month_key(entry.record.date)].append(entry)
    keys = sorted(groups)
    months = []
    for i, key in enumerate(keys):
        path = statements_page(key)
        previous = Ref(month_title(keys[i - 1]), href(path, statements_page(keys[i - 1]))) if i > 0 else None
        following = (Ref(month_title(keys[i + 1]), href(path, statements_page(keys[i + 1])))
                     if i + 1 < len(keys) else None)
        months.append(StatementsMonth(
            key, month_title(key), path, tuple(statement_item(ctx, e, path) for e in groups[key]),
            previous, following, href(path, STATEMENTS_INDEX),
            Ref(f"{month_title(key)} in the timeline", href(path, month_page(key))),
        ))
    speakers = Counter(e.record.speaker for e in ctx.statements())
    speaker_rows = sorted(
        (Count(ctx.actor_ref(actor_id, STATEMENTS_INDEX), n) for actor_id, n in speakers.items()),
        key=lambda c: (-c.count, c.ref.text.casefold(), c.ref.href),
    )
    index = StatementsIndex(
        STATEMENTS_INDEX,
        sum(speakers.values()),
        tuple(Count(Ref(month_title(k), href(STATEMENTS_INDEX, statements_page(k))), len(groups[k]))
              for k in reversed(keys)),  # newest first: what readers look for
        tuple(speaker_rows),
        href(STATEMENTS_INDEX, TIMELINE_INDEX),
    )
    return index, months


def pages(ctx: Context) -> list[Page]:
    """The statements index and one page per month that has statements."""
    index, months = build(ctx)
    return ([Page(index.path, "statements_index.md.j2", index)]
            + [Page(m.path, "statements_month.md.j2", m) for m in months])


#: This module as a page family of the site (views/families.py lists it).
FAMILY = Family("statements", pages)
