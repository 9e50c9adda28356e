"""What's new: the published records added, changed or withdrawn since the previous month (or
since the revision the site configuration names), from the data's Git history.

The history is read before the views run (`generator.changes.site_history`, passed in as
`Context.history`); this module only decides what readers see of it:

- published now, and absent or not published before: **new**;
- published on both sides, with different values: **changed**, with the fields that changed;
- published before, and absent or not published now: **no longer published**.

Drafts and records in review are never listed, in a preview build neither: the page tells readers
what changed in what they can cite.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Sequence

from ..changes import Changes, RecordChange, record_label
from ..dates import format_date, month_key, month_name
from ..kinds import ALL, DATED, SINGULAR
from ..link import Entry
from ..routes import (CORRECTIONS_PAGE, SOURCES_PAGE, TIMELINE_INDEX, WHATSNEW_PAGE, actor_page, href, month_page,
                      record_anchor, region_page, source_anchor)
from .common import Context, Family, Page, statement_title
#: At most this many records in each list, the newest first; the timeline has the rest.
LIST_CAP = 50


@dataclass(frozen=True)
class Item:
    """One record in a list of the page."""

    kind: str  # "incident", "statement", "actor", "region", "source"
    id: str
    title: str
    href: str | None  # None for a record that is no longer published (it has no page)
    date: str | None  # incidents and statements: their date as written
    fields: tuple[str, ...] = ()  # changed records: the fields that changed


@dataclass(frozen=True)
class Section:
    items: tuple[Item, ...]  # at most LIST_CAP
    more: int  # how many more there are


@dataclass(frozen=True)
class WhatsNewPage:
    path: str
    problem: str | None  # why nothing can be listed (no Git history...), for readers
    since: str | None  # "14 March 2024", the date of the version compared with (None: from the start)
    commit: str | None  # its short id
    configured: str | None  # the revision the configuration names
    new: Section
    changed: Section
    withdrawn: Section
    timeline_href: str
    corrections_href: str


def pages(ctx: Context) -> list[Page]:
    """The one "What's new" page."""
    return [Page(WHATSNEW_PAGE, "whatsnew.md.j2", build(ctx))]


#: This module as a page family of the site (views/families.py lists it).
FAMILY = Family("whatsnew", pages, history=True)


def _published(data: Any) -> bool:
    """Published at the revision, by its raw values (the field defaults to published)."""
    if not isinstance(data, dict):
        return False
    return data.get("status", "published") in ("published", None)


def _entry(ctx: Context, change: RecordChange) -> Entry[Any] | None:
    """The record as the site shows it now, when it is published. Of any kind: the kind is the
    change's folder name, known at run time only."""
    entry = ctx.dataset.kind(change.kind).get(change.id)
    if entry is None or getattr(entry.record, "status", "published") != "published":
        return None
    return entry


#: The order of the items of a section (see `_key`): dated records by date, then the others by name.
_Key = tuple[int, int, int, int | str, str]

#: Actor ids -> their names at the revision compared with, for the actors that changed or went since.
Then = dict[str, str]


def _names_then(changes: Changes) -> Then:
    """The names the actors had at the revision, where they differ from today's (renamed or gone);
    every other actor had the name it has now. A withdrawn statement is shown as readers last saw
    it, under its speaker's name of then."""
    out: Then = {}
    for change in [*changes.changed, *changes.removed]:
        name = change.before.get("name") if change.kind == "actors" and isinstance(change.before, dict) else None
        if isinstance(name, str) and name.strip():
            out[change.id] = name
    return out


def _withdrawn_title(ctx: Context, change: RecordChange, names_then: Then) -> str:
    """A record no longer published, as readers last saw it: from its values at the revision
    (`change.before`), never from the working tree, where it may be a draft with new, unreviewed
    words."""
    data = change.before if isinstance(change.before, dict) else {}
    speaker, quote, paraphrase = data.get("speaker"), data.get("quote"), data.get("paraphrase")
    text = quote or paraphrase
    if change.kind == "statements" and isinstance(speaker, str) and isinstance(text, str):
        name = names_then.get(speaker)
        if name is None and speaker in ctx.dataset.actors:  # unchanged since: today's name is then's
            name = ctx.dataset.actors[speaker].record.name
        # as `statement_title` showed it then: the speaker's name and the first words, quoted if a quote
        words = text.split()
        excerpt = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
        return f"{name or speaker}: “{excerpt}”" if quote else f"{name or speaker}: {excerpt}"
    return record_label(change.kind, data) or change.id


def _item(ctx: Context, change: RecordChange, entry: Entry[Any] | None, fields: tuple[str, ...] = (),
          names_then: Then | None = None) -> Item:
    kind = SINGULAR[change.kind]
    page = WHATSNEW_PAGE
    if entry is None:  # no longer published: its title as readers last saw it, no link
        return Item(kind, change.id, _withdrawn_title(ctx, change, names_then or {}), None, None, fields)
    record = entry.record
    if change.kind in ("incidents", "statements"):
        if change.kind == "incidents":
            title = record.title
        else:
            speaker = ctx.dataset.actors.get(record.speaker)
            title = statement_title(speaker.record if speaker else None, record)
        link = href(page, month_page(month_key(record.date)), record_anchor(record.id))
        return Item(kind, change.id, title, link, format_date(record.date), fields)
    target = {"actors": actor_page(change.id), "regions": region_page(change.id)}.get(change.kind)
    link = href(page, target) if target else href(page, SOURCES_PAGE, source_anchor(change.id))
    return Item(kind, change.id, record.name, link, None, fields)


def _newest_first(items: Sequence[tuple[_Key, Item | Callable[[], Item]]]) -> Section:
    """The first LIST_CAP items in the order of their keys (each key is its change's alone: the
    change's id ends it), and how many more there are. An item may be given as the function that
    makes it: only the ones listed are made (every record is new when the history is younger than
    a month: 11,000 items at 10k incidents, of which LIST_CAP are shown)."""
    ordered = sorted(items, key=lambda pair: pair[0])
    shown = tuple(item if isinstance(item, Item) else item() for _, item in ordered[:LIST_CAP])
    return Section(shown, max(0, len(ordered) - LIST_CAP))


_KIND_RANK = {kind.folder: kind.rank for kind in ALL}


def _key(change: RecordChange, entry: Entry[Any] | None, shown: str | None = None) -> _Key:
    """Incidents and statements first, the latest date first; then actors, regions and sources by
    name; records no longer published by kind and the title `shown`. Ties by id: the order never
    depends on anything but the data."""
    record = entry.record if entry is not None else None
    if record is not None and change.kind in DATED:
        start, end = record.date.sort_key()
        return (0, -start.toordinal(), -end.toordinal(), _KIND_RANK[change.kind], change.id)
    if record is not None and hasattr(record, "name"):
        name = record.name
    else:  # no longer published: by the text shown, the revision's (never a draft's new words)
        name = shown or record_label(change.kind, change.before) or change.id
    return (1, _KIND_RANK[change.kind], 0, name.casefold(), change.id)


def build(ctx: Context) -> WhatsNewPage:
    """The page as data: empty lists, and the reason, when the history is not known."""
    history = ctx.history
    empty = Section((), 0)
    links = {"timeline_href": href(WHATSNEW_PAGE, TIMELINE_INDEX),
             "corrections_href": href(WHATSNEW_PAGE, CORRECTIONS_PAGE)}
    if history is None or history.changes is None:
        problem = history.problem if history is not None else "This build did not look at the history of the data."
        return WhatsNewPage(WHATSNEW_PAGE, problem, None, None, None, empty, empty, empty, **links)
    changes: Changes = history.changes
    new: list[tuple[_Key, Callable[[], Item]]] = []
    changed: list[tuple[_Key, Callable[[], Item]]] = []
    withdrawn: list[tuple[_Key, Item]] = []  # made at once: the title shown is in the key
    names_then = _names_then(changes)
    for change in [*changes.added, *changes.changed, *changes.removed]:
        entry = _entry(ctx, change) if change.after is not None else None
        was = _published(change.before)
        if entry is not None and not was:
            new.append((_key(change, entry), functools.partial(_item, ctx, change, entry)))
        elif entry is not None and was:
            changed.append((_key(change, entry), functools.partial(_item, ctx, change, entry, change.fields)))
        elif entry is None and was:
            item = _item(ctx, change, None, names_then=names_then)
            withdrawn.append((_key(change, None, item.title), item))
    since = _day(history.since_date) if history.since_date else None
    commit = history.since_commit[:12] if history.since_commit else None
    return WhatsNewPage(WHATSNEW_PAGE, None, since, commit, history.configured, _newest_first(new),
                        _newest_first(changed), _newest_first(withdrawn), **links)


def _day(day: date) -> str:
    """`14 March 2024`."""
    return f"{day.day} {month_name(day.year, day.month)}"
