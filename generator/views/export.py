"""What the exports hold (`briefing export`, and the Data page's downloads), as plain data: every
visible record with its references resolved (names beside ids), its date as written and as
start/end, its region's path, and its permalink on the site. `generator/export.py` turns this into
CSV, JSON, GeoJSON and TimelineJS text; nothing here is formatted for a file.

Visible means what the site shows: published records, and drafts and records in review only in a
preview (`Context.visible`).

The columns of the CSV export are ACLED's where a field maps (`ACLED_COLUMNS`), so that tools
reading ACLED exports open it. `generator/acled.py` (the importer) holds the mapping the other way;
the two should share one table.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from ..dates import FuzzyDate, format_date, month_key
from ..link import Entry
from ..models import (CASUALTY_KINDS, Actor, Casualty, Citation, CountRange, Incident, Region, Source, Statement,
                      event_label)
from ..routes import month_page, page_url, record_anchor
from .common import Context, T

#: The version of the export formats (the JSON's `version.export`): raised when a column or a
#: property changes meaning or goes away (adding one does not).
EXPORT_VERSION = "1"
#: The version of the data format the records were written in (the JSON's `version.data_format`).
DATA_FORMAT_VERSION = "1.1"

#: A count as written: a whole number, or `{low, best, high}` with the parts given.
CountData = int | dict[str, int]


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What every export says about where it comes from."""

    title: str
    url: str | None  # the site's address, ending in `/`; None: links are relative to the site
    licence: str | None


@dataclass(frozen=True, slots=True)
class DateData:
    written: Any  # as in the data file: `2020-04-13`, `2020-04`, 2020, {from, to} or {to}
    label: str  # as readers see it: `April 2020`, `1–10 April 2020`, `by 17 April 2020`
    precision: str  # day | month | year | span | by
    start: str | None  # the first day it may have been (ISO); None for `{to: DATE}`
    end: str  # the last day it may have been (ISO)
    note: str | None


@dataclass(frozen=True, slots=True)
class RegionStep:
    id: str
    name: str
    level: str
    acled_name: str | None = None  # the name an ACLED export gave it, when the import had to tell it apart


@dataclass(frozen=True, slots=True)
class ActorPart:
    id: str
    name: str
    kind: str | None
    role: str | None  # as written; None when left out (counted as `associated`)
    attributed_by: str | None
    attributed_by_name: str | None


@dataclass(frozen=True, slots=True)
class CasualtyPart:
    actor: str | None
    actor_name: str | None
    group: str | None
    counts: tuple[tuple[str, CountData], ...]  # (kind, count), in the format's order


@dataclass(frozen=True, slots=True)
class CitationPart:
    source: str
    source_name: str
    url: str | None
    title: str | None
    published: Any  # as written, or None
    archive_url: str | None
    credibility: int | None
    reliability: str | None


@dataclass(frozen=True, slots=True)
class CorrectionPart:
    date: Any  # as written
    label: str
    note: str


@dataclass(frozen=True, slots=True)
class IncidentData:
    id: str
    title: str
    date: DateData
    type: str
    type_label: str
    group: str
    group_label: str
    region_path: tuple[RegionStep, ...]  # the country first, the incident's own region last
    place: str | None
    coordinates: tuple[float, float] | None  # [latitude, longitude] as in the data
    location_precision: str | None
    region_coordinates: tuple[float, float] | None  # the nearest region on the path that has some
    actors: tuple[ActorPart, ...]
    casualties: tuple[CasualtyPart, ...]
    summary: str | None
    sources: tuple[CitationPart, ...]
    tags: tuple[str, ...]
    status: str
    confidence: str
    corrections: tuple[CorrectionPart, ...]
    permalink: str
    extra: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class StatementData:
    id: str
    date: DateData
    speaker: str
    speaker_name: str
    on_behalf_of: str | None  # as written, or the speaker's affiliation
    on_behalf_of_name: str | None
    medium: str | None
    quote: str | None
    paraphrase: str | None
    about: tuple[tuple[str, str], ...]  # (id, name)
    regions: tuple[tuple[str, str], ...]
    language: str | None
    sources: tuple[CitationPart, ...]
    tags: tuple[str, ...]
    status: str
    confidence: str
    corrections: tuple[CorrectionPart, ...]
    permalink: str
    extra: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class ExportData:
    """Everything the exports show: the site, and the records in the site's order (incidents and
    statements by date then id; actors, regions and sources by id)."""

    site: SiteInfo
    incidents: tuple[IncidentData, ...]
    statements: tuple[StatementData, ...]
    actors: tuple[Actor, ...]
    regions: tuple[Region, ...]
    sources: tuple[Source, ...]
    names: dict[str, dict[str, str]]  # kind → id → name, for the references of actors and regions


def site_info(title: str, url: str | None, licence: str | None) -> SiteInfo:
    """The site's description, its address ending in `/` (links are made by appending to it)."""
    return SiteInfo(title, (url if url.endswith("/") else url + "/") if url else None, licence)


def date_data(value: FuzzyDate, note: str | None = None) -> DateData:
    """A date as written, as readers see it, and as its first and last possible day."""
    return DateData(value.to_data(), format_date(value), value.precision,
                    None if value.open_start else value.start.isoformat(), value.end.isoformat(), note)


def count_data(value: int | CountRange) -> CountData:
    """A count as written: the number, or the parts of a range that are given."""
    if isinstance(value, int):
        return value
    return {k: v for k, v in (("low", value.low), ("best", value.best), ("high", value.high)) if v is not None}


class _Resolver:
    """Names beside ids, each looked up once (a dataset has a few hundred actors and regions, and
    100,000 incidents that name them)."""

    def __init__(self, ctx: Context, site: SiteInfo) -> None:
        self.ctx = ctx
        self.site = site
        self.actors = {k: e.record for k, e in ctx.dataset.actors.items()}
        self.regions = {k: e.record for k, e in ctx.dataset.regions.items()}
        self.sources = {k: e.record for k, e in ctx.dataset.sources.items()}
        self._paths: dict[str, tuple[tuple[RegionStep, ...], tuple[float, float] | None]] = {}
        self._pages: dict[str, str] = {}

    def actor_name(self, actor_id: str) -> str:
        actor = self.actors.get(actor_id)
        return actor.name if actor else actor_id

    def region_name(self, region_id: str) -> str:
        region = self.regions.get(region_id)
        return region.name if region else region_id

    def _acled_name(self, region_id: str) -> str | None:
        region = self.regions.get(region_id)
        name = (region.extra or {}).get("acled_name") if region else None
        return name if isinstance(name, str) else None

    def region_path(self, region_id: str) -> tuple[tuple[RegionStep, ...], tuple[float, float] | None]:
        """The path from the country down to the region, and the coordinates of the nearest region
        on it that has some."""
        if region_id not in self._paths:
            ids = [*reversed(self.ctx.dataset.region_ancestors(region_id)), region_id]
            steps = tuple(RegionStep(r, self.region_name(r), self.regions[r].level if r in self.regions else "",
                                     self._acled_name(r))
                          for r in ids)
            placed = [self.regions[r].coordinates for r in reversed(ids) if r in self.regions]
            nearest = next((c for c in placed if c), None)
            self._paths[region_id] = (steps, (nearest[0], nearest[1]) if nearest else None)
        return self._paths[region_id]

    def permalink(self, value: FuzzyDate, record_id: str) -> str:
        """The record's place on its timeline month page: absolute with the site's address."""
        key = month_key(value)
        if key not in self._pages:
            self._pages[key] = (self.site.url or "") + page_url(month_page(key))
        return f"{self._pages[key]}#{record_anchor(record_id)}"

    def citations(self, citations: list[Citation]) -> tuple[CitationPart, ...]:
        out = []
        for c in citations:
            source = self.sources.get(c.source)
            out.append(CitationPart(
                c.source, source.name if source else c.source, c.url, c.title,
                c.published.to_data() if c.published else None, c.archive_url, c.credibility,
                source.reliability if source else None))
        return tuple(out)

    def casualty(self, casualty: Casualty) -> CasualtyPart:
        counts = tuple((kind, count_data(getattr(casualty, kind))) for kind in CASUALTY_KINDS
                       if getattr(casualty, kind) is not None)
        return CasualtyPart(casualty.actor, self.actor_name(casualty.actor) if casualty.actor else None,
                            casualty.group, counts)

    def incident(self, entry: Entry[Incident]) -> IncidentData:
        r = entry.record
        path, region_coordinates = self.region_path(r.region)
        group = self.ctx.group_of(r.type)
        return IncidentData(
            id=r.id, title=r.title, date=date_data(r.date, r.date_note),
            type=r.type, type_label=event_label(r.type), group=group, group_label=event_label(group),
            region_path=path, place=r.place,
            coordinates=(r.coordinates[0], r.coordinates[1]) if r.coordinates else None,
            location_precision=r.location_precision, region_coordinates=region_coordinates,
            actors=tuple(ActorPart(a.actor, self.actor_name(a.actor),
                                   self.actors[a.actor].kind if a.actor in self.actors else None, a.role,
                                   a.attributed_by, self.actor_name(a.attributed_by) if a.attributed_by else None)
                         for a in r.actors),
            casualties=tuple(self.casualty(c) for c in r.casualties),
            summary=r.summary, sources=self.citations(r.sources), tags=tuple(r.tags), status=r.status,
            confidence=r.confidence,
            corrections=tuple(CorrectionPart(c.date.to_data(), format_date(c.date), c.note) for c in r.corrections),
            permalink=self.permalink(r.date, r.id), extra=r.extra,
        )

    def statement(self, entry: Entry[Statement]) -> StatementData:
        r = entry.record
        behalf = self.ctx.dataset.speaks_for(r)
        return StatementData(
            id=r.id, date=date_data(r.date, r.date_note), speaker=r.speaker, speaker_name=self.actor_name(r.speaker),
            on_behalf_of=behalf, on_behalf_of_name=self.actor_name(behalf) if behalf else None,
            medium=r.medium, quote=r.quote, paraphrase=r.paraphrase,
            about=tuple((a, self.actor_name(a)) for a in r.about),
            regions=tuple((g, self.region_name(g)) for g in r.regions), language=r.language,
            sources=self.citations(r.sources), tags=tuple(r.tags), status=r.status, confidence=r.confidence,
            corrections=tuple(CorrectionPart(c.date.to_data(), format_date(c.date), c.note) for c in r.corrections),
            permalink=self.permalink(r.date, r.id), extra=r.extra,
        )


def region_resolver(ctx: Context) -> _Resolver:
    """Names and region paths of the context's records, each looked up once: `region_path(id)` gives
    a region's path and the coordinates of the nearest region on it that has some (the PDFs' map
    places an incident without coordinates there, as the exports do)."""
    return _Resolver(ctx, site_info("", None, None))


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector off for a while: an export makes a million short-lived objects
    and no reference cycles, and each collection would scan the dataset's millions of long-lived
    objects again (measured: more than half the export's time at 10,000 incidents)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """The objects that exist now (the dataset: millions of long-lived records, names and dates)
    left out of the cyclic garbage collector's scans for a while (`gc.freeze`), and given back
    to it afterwards (`gc.unfreeze`, so a long-running `serve` can still collect an old
    dataset). Every full collection during the views and the writing would otherwise scan them
    all again: at 100,000 incidents about a tenth of the build's CPU time."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def build(ctx: Context, site: SiteInfo) -> ExportData:
    """Every visible record of the context, resolved, in the site's order."""
    with no_cyclic_gc():
        return _build(ctx, site)


def _build(ctx: Context, site: SiteInfo) -> ExportData:
    resolve = _Resolver(ctx, site)
    # Each record's view kept for its record object (serve's ViewMemo, which forgets every view when
    # an actor, region or source changes): an unchanged record keeps its very view, whose texts in
    # each export format export.ExportMemo keeps. The site's address is in the tag (permalinks).
    tag = f"\0export {site.url!r}"
    memo = ctx.memo

    def kept(record: object, kind: type[T], make: Callable[[], T]) -> T:
        made = memo.get(record, tag)
        if not isinstance(made, kind):
            made = make()
            memo.put(record, tag, made)
        return made

    def incident(e: Entry[Incident]) -> IncidentData:
        return kept(e.record, IncidentData, lambda: resolve.incident(e))

    def statement(e: Entry[Statement]) -> StatementData:
        return kept(e.record, StatementData, lambda: resolve.statement(e))

    return ExportData(
        site=site,
        incidents=tuple(incident(e) for e in ctx.incidents()),
        statements=tuple(statement(e) for e in ctx.statements()),
        actors=tuple(resolve.actors[k] for k in sorted(resolve.actors)),
        regions=tuple(resolve.regions[k] for k in sorted(resolve.regions)),
        sources=tuple(resolve.sources[k] for k in sorted(resolve.sources)),
        names={"actors": {k: v.name for k, v in resolve.actors.items()},
               "regions": {k: v.name for k, v in resolve.regions.items()}},
    )


def from_context(ctx: Context) -> ExportData:
    """`build` with the site's title, address and licence from the context's briefing.yml."""
    config = ctx.site
    site = site_info(config.title, config.site_url, config.licence) if config else site_info("Conflict briefing",
                                                                                              None, None)
    return build(ctx, site)


# --- what each column and property means (the Data page and the README say the same) -------------

#: The CSV export's columns: ACLED's own header first, in ACLED's order (a column with no field
#: of ours stays empty unless the record keeps ACLED's value under extra), then our own.
ACLED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_id_cnty", "ACLED's event id when the record came from ACLED (extra.acled_id), else the record's id"),
    ("event_date", "The first day the incident may have been (YYYY-MM-DD); for a date written {to: DATE}, DATE"),
    ("year", "The year of event_date"),
    ("time_precision", "1: the day is known; 2: a span of up to a week; 3: a month, a longer span, a year, or "
                       "'on or before'"),
    ("disorder_type", "From extra.disorder_type when the record keeps it; else empty"),
    ("event_type", "ACLED's event type (the group of our type), e.g. Battles"),
    ("sub_event_type", "ACLED's sub-event type (our type), e.g. Armed clash"),
    ("actor1", "The first perpetrator, claimant or suspected perpetrator, else the first actor listed"),
    ("assoc_actor_1", "Other actors on actor1's side (perpetrators, claimants, suspected), separated by '; '"),
    ("inter1", "From extra.inter1 when kept; else empty"),
    ("actor2", "The first target, else the first actor listed that is not actor1"),
    ("assoc_actor_2", "Every other actor, separated by '; '"),
    ("inter2", "From extra.inter2 when kept; else empty"),
    ("interaction", "From extra.interaction when kept; else empty"),
    ("civilian_targeting", "From extra.civilian_targeting when kept; else empty"),
    ("iso", "From extra.iso when kept; else empty"),
    ("region", "From extra.region (ACLED's world region) when kept; else empty"),
    ("country", "The region of level country on the incident's region path"),
    ("admin1", "The region of level governorate on the path"),
    ("admin2", "The region of level district on the path"),
    ("admin3", "The region of level subdistrict on the path"),
    ("location", "The place (free text), else the most specific region below admin3, else the incident's region"),
    ("latitude", "The incident's latitude; empty when it has no coordinates"),
    ("longitude", "The incident's longitude"),
    ("geo_precision", "1: exact; 2: near or area; 3: region"),
    ("source", "The names of the sources cited, separated by '; '"),
    ("source_scale", "From extra.source_scale when kept; else empty"),
    ("notes", "The summary"),
    ("fatalities", "People killed, all casualty entries together (the best estimate of a range, else its low "
                   "end); empty when no casualties are recorded; 0 when none were reported"),
    ("tags", "The tags, separated by '; '"),
    ("timestamp", "From extra.timestamp when kept; else empty"),
)
#: Our own columns, after ACLED's.
OWN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("briefing_id", "The record's id"),
    ("title", "The headline"),
    ("date", "The date as readers see it, e.g. April 2020, 1–10 April 2020"),
    ("date_start", "The first day it may have been (empty for 'on or before')"),
    ("date_end", "The last day it may have been"),
    ("date_precision", "day, month, year, span or by"),
    ("type", "Our event type slug"),
    ("region_id", "The id of the incident's region"),
    ("region_path", "The region names from the country down, separated by ' > '"),
    ("actors", "Every actor with its role, as 'name (role)', separated by '; '"),
    ("wounded", "People wounded, all entries together, as for fatalities"),
    ("confidence", "reported, corroborated, confirmed or disputed"),
    ("source_urls", "The cited addresses, separated by ' '"),
    ("permalink", "The incident on the site's timeline"),
)
#: The properties of each GeoJSON feature.
GEOJSON_PROPERTIES: tuple[tuple[str, str], ...] = (
    ("id", "The record's id (also the feature's id)"),
    ("title", "The headline"),
    ("date", "The date as written in the data: 2020-04-13, 2020-04, 2020, {from, to} or {to}"),
    ("date_label", "The date as readers see it"),
    ("start, end", "The first and last day it may have been (start is null for 'on or before')"),
    ("type, type_label, group, group_label", "The event type and its ACLED group, as slug and label"),
    ("actors", "A list of {id, name, role}"),
    ("casualties", "A list of {actor or group, name, killed, wounded, abducted, arrested}; a count is a number or "
                   "{low, best, high}"),
    ("region_path", "A list of {id, name, level}, the country first"),
    ("place", "Free text"),
    ("location_precision", "exact, near, area or region"),
    ("coordinates_from", "incident: its own coordinates; region: it has none, and is placed at its nearest "
                         "region's (an area, not a point)"),
    ("permalink", "The incident on the site's timeline"),
)
