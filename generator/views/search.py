"""The search entries of every record, as plain data: what the site's search finds each incident
and statement by, written once as a data file (`routes.SEARCH_RECORDS`) beside the pages.

Material's search plugin would otherwise find the records by parsing the HTML of every timeline
month page again (a quarter of `mkdocs build` at 10,000 incidents), and index everything a record
block shows, its sources and casualty figures included. Here each record gets one entry with the
words a reader searches for: its title, its date as written, its type, its place and regions, the
actors involved and their aliases (so that "Daesh" finds ISIS incidents), what it says (summary,
quote or paraphrase), its tags and its corrections. Sources, casualty figures and confidence are
left out: the sources page lists every item with the records citing it, and figures are not
words. The hook `site_overrides/search.py` turns these entries into Material's index format
(escaped, each value isolated when it holds right-to-left text) and keeps Material from parsing
the pages they cover. Values here are text as typed: escaping is the hook's job.

Actor and region pages get their one entry here too (who the actor is, the region's level,
aliases and description: the rest of those pages is left out of search), so that Material parses
none of the pages that grow with the data: 22 MB of HTML at 10,000 incidents, against 19 MB of
timeline pages.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from ..dates import format_date
from ..link import Entry
from ..models import Incident, Statement, event_label
from ..routes import SEARCH_RECORDS, SEARCH_RECORDS_VERSION, actor_page, month_page, record_anchor, region_page
from .common import (Context, Download, Family, Shown, SortKey, is_incident, is_statement, month_title, slug_label,
                     statement_title)
from .sources import SOURCES_MEMO_TAG, SourcesPage
from .sources import build as sources_build
from .timeline import month_keys

#: The version of the file's layout: the hook ignores a file of another version (one left by an
#: older briefing), and Material then indexes the pages itself, as before.
VERSION = SEARCH_RECORDS_VERSION


@dataclass(frozen=True)
class RecordEntry:
    """One record in the search index: its anchor on its page, its title, and its text as
    paragraphs, each a list of values shown one after another (" · " between them)."""

    anchor: str
    title: str
    text: tuple[tuple[str, ...], ...]

    def json(self) -> str:
        """As the data file writes it (`SearchRecords.json`), made once: an entry is kept between
        serve's runs (ViewMemo), and most of the file is the entries of records not edited."""
        made = self.__dict__.get("_json")
        if made is None:
            # The fields as `asdict` gives them (tuples stay tuples: JSON arrays either way),
            # without its deep copy of every value (most of the search file's cost at 10k).
            made = _json({"anchor": self.anchor, "text": self.text, "title": self.title})
            object.__setattr__(self, "_json", made)  # a cache, not a field: equality and asdict ignore it
        return str(made)


@dataclass(frozen=True)
class KeptEntry:
    """A record's entry as `RecordEntry.json` wrote it in an earlier build, taken from
    `briefing build`'s page record by its input key (`_memo_entry`) instead of made again."""

    made: str

    def json(self) -> str:
        """The text as it was recorded."""
        return self.made


@dataclass(frozen=True)
class PageEntries:
    """A page whose search entries are written here (Material does not parse it): its source path
    (a `routes` page path), its own entry (title and text) and its records, in page order."""

    path: str
    title: str
    text: tuple[tuple[str, ...], ...]
    records: tuple[RecordEntry | KeptEntry, ...]  # KeptEntry: in `briefing build` only

    def json(self) -> str:
        """This page's entries as `tojson` writes them inside the data file (keys sorted; HTML's
        special characters escaped), each record's part made once (`RecordEntry.json`)."""
        records = ", ".join(record.json() for record in self.records)
        return (f'{{"path": {_json(self.path)}, "records": [{records}], "text": {_json(self.text)}, '
                f'"title": {_json(self.title)}}}')


@dataclass(frozen=True)
class SearchRecords:
    """Every page of records, in the site's order (the timeline, month by month)."""

    pages: tuple[PageEntries, ...]

    def data(self) -> dict[str, Any]:
        """As plain JSON values, for the data file."""
        return {"version": VERSION, "pages": [asdict(page) for page in self.pages]}

    def json(self) -> Markup:
        """`data()` as Jinja's `tojson` writes it (keys sorted, `<`, `>`, `&` and `'` escaped), the
        same text, put together from each record entry's own (`RecordEntry.json`)."""
        pages = ", ".join(page.json() for page in self.pages)
        return Markup(f'{{"pages": [{pages}], "version": {_json(VERSION)}}}')  # noqa: S704  # escaped by _json


def _json(value: object) -> str:
    """`value` as JSON the way Jinja's `tojson` filter writes it (keys sorted; `<`, `>`, `&` and
    `'` as `\\u003c` and the like), so that the pieces of the file join to its text."""
    return str(htmlsafe_json_dumps(value, sort_keys=True))


def _paragraphs(*paragraphs: tuple[str | None, ...]) -> tuple[tuple[str, ...], ...]:
    """The paragraphs with their empty values left out, and then the empty paragraphs; each value's
    runs of white space folded to one space (a summary's paragraphs become one)."""
    out = []
    for values in paragraphs:
        kept = tuple(" ".join(v.split()) for v in values if v and v.strip())
        if kept:
            out.append(kept)
    return tuple(out)


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _common_tail(entry: Shown) -> tuple[tuple[str, ...], ...]:
    """What incidents and statements share after their own fields: tags, corrections, and the
    banner of a record that is not published (in a preview build)."""
    record = entry.record
    status = () if record.status == "published" else (f"{record.status.capitalize()}: not published",)
    return (
        tuple(record.tags),
        tuple(f"Corrected {format_date(c.date)}: {c.note}" for c in record.corrections),
        status,
    )


def _memo_entry(ctx: Context, entry: Shown) -> RecordEntry | KeptEntry:
    """A record's search entry, made once for its record object (views/common.py, `ViewMemo`);
    in `briefing build`, its text taken from the page record when the record's input key
    (`ViewMemo.text_key`: its file's bytes and the actors, regions and settings it may name) is
    the recorded one."""
    made = ctx.memo.get(entry.record, _MEMO_TAG)
    if isinstance(made, (RecordEntry, KeptEntry)):
        return made
    key = ctx.memo.text_key(entry.record, _MEMO_TAG)
    store = ctx.memo.store
    kept = store.text(key) if store is not None and key is not None else None
    if kept is not None and _fits(kept, entry.id):
        made = KeptEntry(kept)
    else:
        if is_incident(entry):
            made = incident_entry(ctx, entry)
        else:
            assert is_statement(entry)
            made = statement_entry(ctx, entry)
        if store is not None and key is not None:
            store.put_text(key, made.json())
    ctx.memo.put(entry.record, _MEMO_TAG, made)
    return made


def _fits(text: str, record_id: str) -> bool:
    """Whether a text taken from the page record can be this record's entry as `RecordEntry.json`
    writes it: ASCII (the file is written as ASCII), an object that starts with this record's
    anchor. A record edited by hand (another record's entry, a broken or non-ASCII text) then
    costs a make, not a traceback or another record's entry."""
    return (text.isascii() and text.startswith(f'{{"anchor": {_json(record_anchor(record_id))}, "text": ')
            and text.endswith('"}'))


#: The memo's tag of search entries (no page folder has a NUL in its name).
_MEMO_TAG = "\0search"


def incident_entry(ctx: Context, entry: Entry[Incident]) -> RecordEntry:
    """An incident's search entry: date, type, place, regions, actors and their aliases, summary."""
    record = entry.record
    dataset = ctx.dataset
    trail = [*reversed(dataset.region_ancestors(record.region)), record.region]
    names = [dataset.regions[r].record.name if r in dataset.regions else r for r in trail]
    actors = [a.actor for a in record.actors]
    actor_names = [dataset.actors[a].record.name if a in dataset.actors else a for a in actors]
    aliases = _unique([alias for a in actors for alias in ctx.aliases(a)])
    text = _paragraphs(
        (format_date(record.date), record.date_note,
         f"{event_label(record.type)} ({event_label(ctx.group_of(record.type))})"),
        (record.place, " › ".join(names)),
        tuple(_unique(actor_names)),
        (record.summary,),
        *_common_tail(entry),
        _aliases(list(aliases)),
    )
    return RecordEntry(record_anchor(record.id), record.title, text)


def statement_entry(ctx: Context, entry: Entry[Statement]) -> RecordEntry:
    """A statement's search entry: date, speaker (with title and on whose behalf), medium, the
    words (a quote in quotation marks, or what was reported), whom and where it is about."""
    record = entry.record
    dataset = ctx.dataset
    speaker = dataset.actors.get(record.speaker)
    behalf = dataset.speaks_for(record)

    def name(actor_id: str) -> str:
        found = dataset.actors.get(actor_id)
        return found.record.name if found else actor_id

    words = f"“{record.quote}”" if record.quote is not None else f"Reported: {record.paraphrase or ''}"
    text = _paragraphs(
        (format_date(record.date), record.date_note),
        (name(record.speaker), speaker.record.title if speaker else None,
         f"for {name(behalf)}" if behalf and behalf != record.speaker else None, record.medium),
        (words,),
        tuple(name(a) for a in record.about),
        tuple(dataset.regions[r].record.name if r in dataset.regions else r for r in record.regions),
        *_common_tail(entry),
    )
    return RecordEntry(record_anchor(record.id), statement_title(speaker.record if speaker else None, record), text)


_BLANK_LINE = re.compile(r"\n\s*\n")


def _description(text: str | None) -> tuple[tuple[str, ...], ...]:
    """A description's paragraphs (blank lines between them, as the pages show them)."""
    return tuple((p,) for p in _BLANK_LINE.split(text)) if text else ()


def _aliases(aliases: list[str]) -> tuple[str, ...]:
    """"Also known as: a", then each further alias as a value of its own (so that each is
    isolated on its own when it is right-to-left)."""
    return (f"Also known as: {aliases[0]}", *aliases[1:]) if aliases else ()


def actor_entries(ctx: Context, actor_id: str) -> PageEntries:
    """An actor's page as the search finds it: who the actor is (its lists of records stay out of
    the index, as on the page: the records are found on the timeline)."""
    actor = ctx.dataset.actors[actor_id].record

    def name(other: str) -> str:
        found = ctx.dataset.actors.get(other)
        return found.record.name if found else other

    text = _paragraphs(
        _aliases(list(actor.aliases)),
        (f"Kind: {slug_label(actor.kind)}", actor.title and f"Title: {actor.title}",
         actor.country and f"Country: {actor.country}"),
        (actor.parent and f"Part of: {name(actor.parent)}",),
        (actor.affiliation and f"Speaks for: {name(actor.affiliation)}",),
    ) + _paragraphs(*_description(actor.description))
    return PageEntries(actor_page(actor_id), actor.name, text, ())


def region_entries(ctx: Context, region_id: str) -> PageEntries:
    """A region's page as the search finds it: whether it is disputed, its level, aliases and
    description (not its breadcrumb, sub-regions or lists, which the page leaves out of search)."""
    regions = ctx.dataset.regions
    region = regions[region_id].record
    within = next((a for a in ctx.dataset.region_ancestors(region_id) if regions[a].record.disputed), None)
    if region.disputed:
        banner: tuple[tuple[str, ...], ...] = (("Disputed territory",),
                                               ("This area is marked as disputed territory in the data.",))
    elif within is not None:
        banner = (("Within a disputed territory",),
                  (f"This area lies within {regions[within].record.name}, which is marked as disputed in the data.",))
    else:
        banner = ()
    text = _paragraphs(*banner, (f"Level: {slug_label(region.level)}", *_aliases(list(region.aliases))),
                       *_description(region.description))
    return PageEntries(region_page(region_id), region.name, text, ())


def sources_entries(page: SourcesPage) -> PageEntries:
    """The sources page as the search finds it: one entry per outlet (at its heading's anchor) with
    its kind, reliability, website, description and the titles (else addresses) of the items it is
    cited for. The lists of citing records stay out, as they do for actors and regions: the
    records are found on the timeline. Material no longer parses the page's HTML (3 MB at 10,000
    incidents, most of a serve rebuild after an edit, since every edit of a title changes it)."""
    outlets = []
    for o in page.outlets:
        items = tuple(" / ".join(item.titles) if item.titles else (item.url or "") for item in o.items)
        text = _paragraphs(
            (f"Kind: {o.kind}", f"Reliability: {o.reliability or 'not graded'}", o.url and f"Website: {o.url}"),
            *_description(o.description),
            items,
        )
        outlets.append(RecordEntry(o.id, o.name, text))
    intro = ("Every publisher and outlet that records cite, with the items they are cited for.",)
    return PageEntries(page.path, "Sources", (intro,), tuple(outlets))


def build(ctx: Context) -> SearchRecords:
    """The search entries of every timeline month page and of each record on it, in the order of
    the pages (a record's place on its page is the start of its date, then its id), then of every
    actor's and every region's page."""
    pages = []
    for key, (incidents, statements) in month_keys(ctx).items():
        shown: list[tuple[SortKey, RecordEntry | KeptEntry]] = [
            ((e.record.date.sort_key(), e.id), _memo_entry(ctx, e)) for e in incidents]
        shown += [((e.record.date.sort_key(), e.id), _memo_entry(ctx, e)) for e in statements]
        shown.sort(key=lambda item: item[0])
        counts = (f"{len(incidents)} {'incident' if len(incidents) == 1 else 'incidents'}, "
                  f"{len(statements)} {'statement' if len(statements) == 1 else 'statements'}.")
        pages.append(PageEntries(month_page(key), month_title(key), ((counts,),), tuple(r for _, r in shown)))
    pages += [actor_entries(ctx, actor_id) for actor_id in ctx.dataset.actors]
    pages += [region_entries(ctx, region_id) for region_id in ctx.dataset.regions]
    # The sources page as its family made it in this run (else made here: the same page).
    sources_page = ctx.memo.get(ctx.dataset, SOURCES_MEMO_TAG)
    pages.append(sources_entries(sources_page if isinstance(sources_page, SourcesPage) else sources_build(ctx)))
    return SearchRecords(tuple(pages))


def pages(ctx: Context) -> list[Download]:
    """The data file of the records' search entries (a file of the build that is not a page of
    the site: MkDocs leaves out its hidden folder), serialised a page at a time by
    `generator/export.py` (`search_chunks`) as the writer streams it to disk."""
    return [Download(SEARCH_RECORDS, "search", build(ctx))]


#: This module as a family of the build (views/families.py lists it).
FAMILY = Family("search", pages)
