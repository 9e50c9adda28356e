"""What a PDF briefing shows, as plain data: the records of a period, optionally for one region
(with its sub-regions) or one actor, their figures against the previous period of the same
length, a chart, region summaries, the timeline, an actor glossary and numbered endnotes.

Records are placed by the rule of the data format ("Where a record belongs"): a record counts in
the period when its whole date lies inside it (`FuzzyDate.placement` is "inside"); a record whose
date only overlaps the period is listed apart, as "possibly in this period", and never counted.

Period arithmetic (names, titles, the previous period) is `generator/dates.py`'s; which PDFs the
site offers is `views/pdfs.py`'s.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import Iterable

import pandas as pd

from .. import figures
from ..charts import ChartSpec
from ..config import SiteConfig
from ..dates import (FuzzyDate, Period, Point, format_date, month_key, months_between, period_key, period_title,
                     previous_of)
from ..link import Entry
from ..models import CASUALTY_KINDS, EVENT_GROUPS, Citation, Incident, Statement, event_label
from ..render import isolate_text
from ..routes import OVERVIEW, briefing_anchor, judgements_file
from . import export
from .common import (CitationView, Context, RecordView, Ref, Shown, SortKey, is_incident, is_statement, month_title,
                     slug_label)
from .selection import Selection, Selections, month_aligned
from .overview import TOP_REGIONS, Figure, area_of, key_figures, number
from .trend import Tally, axis_label, tally

#: Actors in the "killed, by actor" table; the rest are counted in a line below it.
ACTORS_CAP = 10
#: Incidents listed under each region summary; all of them are in the timeline.
SUMMARY_CAP = 8
#: The timeline prints at most this many records (in date order), and "possibly in this period"
#: at most POSSIBLY_CAP: every record still counts in the figures, and the rest are named by
#: number and date with a pointer to the site. A page holds three or four records: a month of 10,000
#: incidents would otherwise make a 3,000-page PDF that no one reads (the cap first kept WeasyPrint,
#: the engine before Typst, within memory; it now keeps the briefing a briefing).
TIMELINE_CAP = 1000
POSSIBLY_CAP = 200
#: Actors named under each region summary.
SUMMARY_ACTORS = 5
#: The chart shows at least this many months (the period and the months before it) ...
CHART_MIN_MONTHS = 12
#: ... and at most this many (the last ones of a long period).
CHART_MAX_MONTHS = 36

ACTOR_KINDS = {
    "state-forces": "State forces", "armed-group": "Armed group", "militia": "Militia", "coalition": "Coalition",
    "government": "Government", "political": "Political", "person": "Person", "other": "Other",
}


# --- what is asked for --------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """What a briefing covers: a period (both days included), optionally one region (with its
    sub-regions) or one actor, a title, and the date of issue (None: taken from the data)."""

    start: date
    end: date
    region: str | None = None
    actor: str | None = None
    title: str | None = None
    issued: date | None = None

    @property
    def name(self) -> str:
        """The briefing's name: `2020-04`, `region-kirkuk-2020-04`, `actor-isis-2020-04-01_2020-04-15`.

        The site's PDF of it is `routes.pdf_file(name)`, and the editors' key judgements for it
        are `routes.judgements_file(name)` in the content folder."""
        parts = ([f"region-{self.region}"] if self.region else []) + ([f"actor-{self.actor}"] if self.actor else [])
        return "-".join(parts + [period_key(self.start, self.end)])


# --- what is shown ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    label: str  # "Region", "Actor", "Records"
    value: str
    note: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class FigureLine:
    """A figure of the period beside the same figure of the previous period, as text."""

    label: str
    current: str
    previous: str


@dataclass(frozen=True)
class KeyFigures:
    main: tuple[FigureLine, ...]
    killed_reporting: int  # incidents of the period that give a death toll
    incidents: int
    by_actor: tuple[FigureLine, ...]
    more_actors: int
    by_group: tuple[FigureLine, ...]
    regions: tuple[FigureLine, ...]
    top_regions: int


@dataclass(frozen=True)
class ChartRow:
    month: str
    counts: tuple[int, ...]
    total: int
    in_period: bool


@dataclass(frozen=True)
class Chart:
    """A chart of incidents per month (drawn by pdf.py) and the table of the same numbers."""

    spec: ChartSpec
    groups: tuple[str, ...]
    rows: tuple[ChartRow, ...]
    outside: int  # incidents of the chart's filters whose date starts before its first month or with only a year
    first: str  # the title of the chart's first month
    undated: int = 0  # incidents dated only "by" a day ({to: DATE}) that may lie in the period: in no month


@dataclass(frozen=True)
class Line:
    """A record in one line: its date and title."""

    date: str
    title: str
    anchor: str | None  # the record in the timeline; None when the timeline stops before it


@dataclass(frozen=True)
class RegionSummary:
    id: str
    name: str
    level: str
    disputed: bool
    aliases: tuple[str, ...]
    incidents: int
    killed: str  # for the table: "21", "at least 3", "unknown", "—" (no incidents)
    killed_note: str  # for the block: "21", "at least 3 (1 of 2 incidents give no count)", ...
    possibly: int
    statements: int
    actors: tuple[str, ...]  # "Islamic State (ISIS) (2)": the actors of its incidents, the most involved first
    lines: tuple[Line, ...]
    more: int


@dataclass(frozen=True)
class MapPoint:
    """An incident on the map: where (its own coordinates, or its nearest region's), its event
    group and how precisely it is placed (`region` when placed at its region's coordinates)."""

    lat: float
    lon: float
    group: str
    precision: str


@dataclass(frozen=True)
class MapData:
    """The incidents of the period on a map (drawn by pdf.py with geo.py), and those that cannot be."""

    points: tuple[MapPoint, ...]  # in the timeline's order
    own: int  # placed at their own coordinates
    by_region: int  # placed at their nearest region's coordinates
    unplaced: int  # neither: counted under the map
    groups: tuple[str, ...]  # the event groups of the points, in EVENT_GROUPS order
    extent: tuple[tuple[float, float], ...]  # (lat, lon) the map also shows: the region filter's place
    fit_countries: bool  # the map takes in the whole countries the points lie in (not for a region)


@dataclass(frozen=True)
class Item:
    """A record of the timeline, with the endnote number of each of its sources."""

    view: RecordView
    notes: tuple[int, ...]

    @property
    def refs(self) -> tuple[tuple[int, str], ...]:
        """(endnote number, source name), one per source of the record."""
        return tuple((n, s.source) for n, s in zip(self.notes, self.view.sources, strict=True))  # one note a source

    @property
    def anchor(self) -> str:
        return briefing_anchor(self.view.kind, self.view.id)


@dataclass(frozen=True)
class MonthGroup:
    key: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class GlossaryEntry:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    title: str | None
    affiliation: str | None
    parent: str | None
    description: str | None
    incidents: int
    statements: int


@dataclass(frozen=True)
class Briefing:
    """Everything one briefing prints, in the order it prints it."""

    name: str
    title: str
    site_title: str
    period: Period
    previous: Period
    filters: tuple[Filter, ...]
    issued: str  # "17 April 2020"
    issued_iso: str
    issued_given: bool  # from the command line (else from the data)
    distribution: str
    preview: bool
    subject: str  # the PDF's subject: what the briefing covers, in one line
    keywords: tuple[str, ...]
    judgements: str | None  # the editors' Markdown, rendered and sanitized by pdf.py
    judgements_file: str  # where it is read from, relative to the content folder
    counted_incidents: int
    counted_statements: int
    figures: KeyFigures
    chart: Chart | None
    map: MapData
    regions: tuple[RegionSummary, ...]
    region_level: str  # what the summaries are grouped by, for readers
    timeline: tuple[MonthGroup, ...]
    timeline_total: int  # records dated inside the period (printed or not)
    omitted_from: str | None  # the date of the first record the timeline leaves out (TIMELINE_CAP)
    possibly: tuple[Item, ...]
    possibly_total: int
    glossary: tuple[GlossaryEntry, ...]
    endnotes: tuple[CitationView, ...]
    timeline_cap: int  # TIMELINE_CAP, for the note that says where the timeline stops

    @property
    def possibly_count(self) -> int:
        return self.possibly_total

    @property
    def timeline_omitted(self) -> int:
        return self.timeline_total - sum(len(g.items) for g in self.timeline)


class UnknownId(ValueError):
    """A region or actor id that the data does not have (the CLI turns it into a usage error)."""

    def __init__(self, kind: str, value: str, known: Iterable[str]) -> None:
        super().__init__(f"there is no {kind} with id `{value}`")
        self.kind = kind
        self.value = value
        self.known = sorted(known)


# --- filters ------------------------------------------------------------------------------------


def incident_matches(request: Request, record: Incident, within: set[str]) -> bool:
    """The region filter takes incidents in the region or a sub-region (`within`); the actor filter
    takes any role in the incident."""
    if request.region and record.region not in within:
        return False
    return not request.actor or any(role.actor == request.actor for role in record.actors)


def statement_matches(ctx: Context, request: Request, record: Statement, within: set[str]) -> bool:
    """The region filter takes statements that name the region or a sub-region (`within`); the
    actor filter takes statements by it, on its behalf, or about it."""
    if request.region and not within.intersection(record.regions):
        return False
    return not request.actor or request.actor in (record.speaker, ctx.dataset.speaks_for(record), *record.about)


def check_request(ctx: Context, request: Request) -> None:
    """Raise UnknownId for a region or actor the data does not have."""
    if request.region and request.region not in ctx.dataset.regions:
        raise UnknownId("region", request.region, ctx.dataset.regions)
    if request.actor and request.actor not in ctx.dataset.actors:
        raise UnknownId("actor", request.actor, ctx.dataset.actors)


# --- the briefing -------------------------------------------------------------------------------


def build(ctx: Context, request: Request, config: SiteConfig, judgements: str | None = None,
          tables: figures.Tables | None = None, selections: Selections | None = None) -> Briefing:
    """The briefing as data. `judgements` is the editors' Markdown for it, when there is one;
    `tables` are `figures.tables(ctx)` and `selections` a `Selections` of the context and those
    tables, when the caller has them (a site build makes many briefings of one dataset)."""
    check_request(ctx, request)
    start, end = request.start, request.end
    period = Period(request.name, period_title(start, end), start, end)
    prev_start, prev_end = previous_of(start, end)
    previous = Period(period_key(prev_start, prev_end), period_title(prev_start, prev_end), prev_start, prev_end)
    within = ({request.region} | ctx.dataset.region_descendants(request.region)) if request.region else set()

    # A site build passes `selections`: the records of the briefing's filter bucketed by month, so
    # that it reads only the months it shows (views/selection.py). The same briefing either way.
    selection = (selections.of(request.region)
                 if selections is not None and not request.actor and month_aligned(start, end) and prev_start.day == 1
                 else None)
    if selection is not None:
        incidents, statements = selection.incidents, selection.statements
        inside, possibly = selection.placed(start, end)
    else:
        incidents = [e for e in ctx.incidents() if incident_matches(request, e.record, within)]
        statements = [e for e in ctx.statements() if statement_matches(ctx, request, e.record, within)]
        inside, possibly = [], []
        found: list[Shown] = [*incidents, *statements]
        for entry in found:
            placed = entry.record.date.placement(start, end)
            if placed == "inside":
                inside.append(entry)
            elif placed == "overlaps":
                possibly.append(entry)

    def order(e: Shown) -> SortKey:  # the timeline's order
        return (e.record.date.sort_key(), e.id)

    inside.sort(key=order)
    possibly.sort(key=order)

    notes = _Notes(ctx)
    printed, printed_possibly = inside[:TIMELINE_CAP], possibly[:POSSIBLY_CAP]
    items = [Item(ctx.record_view(e, OVERVIEW), notes.of(e.record.sources)) for e in printed]
    possibly_items = [Item(ctx.record_view(e, OVERVIEW), notes.of(e.record.sources)) for e in printed_possibly]
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        groups[item.view.month].append(item)

    counted_incidents = sum(1 for e in inside if isinstance(e.record, Incident))
    counted_statements = len(inside) - counted_incidents
    filters, title = _filters(ctx, request, config)
    shown = [*inside, *possibly]
    issued_from = request.issued or issue_date(ctx, shown) or end
    keywords = [title, period.title]
    if request.region:
        keywords.append(ctx.dataset.regions[request.region].record.name)
    if request.actor:
        keywords.append(ctx.dataset.actors[request.actor].record.name)
    keywords += sorted({t for e in inside for t in e.record.tags})
    subject = f"Incidents and statements, {period.title}" + "".join(
        f"; {f.label.lower()}: {isolate_text(f.value)}" for f in filters if f.label != "Records")
    return Briefing(
        name=request.name,
        title=title,
        site_title=config.title,
        period=period,
        previous=previous,
        filters=filters,
        issued=format_date(FuzzyDate(Point(issued_from, issued_from, "day"), Point(issued_from, issued_from, "day"))),
        issued_iso=issued_from.isoformat(),
        issued_given=request.issued is not None,
        distribution=config.distribution,
        preview=ctx.preview,
        subject=subject,
        keywords=tuple(dict.fromkeys(keywords)),
        judgements=judgements,
        judgements_file=judgements_file(request.name),
        counted_incidents=counted_incidents,
        counted_statements=counted_statements,
        figures=_key_figures(ctx, tables or figures.tables(ctx), incidents, statements, period, previous, selection,
                             selections),
        chart=_chart(ctx, request, incidents, selection),
        map=_map(ctx, request, inside),
        regions=_summaries(ctx, request, inside, possibly, {e.id for e in printed}),
        region_level=(f"the parts of {isolate_text(ctx.dataset.regions[request.region].record.name)}" if request.region
                      else "governorate"),
        timeline=tuple(MonthGroup(k, month_title(k), tuple(v)) for k, v in sorted(groups.items())),
        timeline_total=len(inside),
        omitted_from=format_date(inside[TIMELINE_CAP].record.date) if len(inside) > TIMELINE_CAP else None,
        possibly=tuple(possibly_items),
        possibly_total=len(possibly),
        glossary=_glossary(ctx, request, [*printed, *printed_possibly]),
        endnotes=notes.endnotes(),
        timeline_cap=TIMELINE_CAP,
    )


@dataclass(frozen=True)
class Reads:
    """What a briefing built from `Selections` reads of the records (for pdf.py's cache key);
    besides these it reads only the request, the site's settings, the key judgements and the
    dataset's actors, regions and sources."""

    records: tuple[Shown, ...]  # every record of its filter touching its period, the previous one or its chart's months
    started: int  # incidents of its filter with a known start up to its end (the chart counts the earlier ones)
    undated: int  # `{to: DATE}` incidents of its filter that may touch the period (the chart's note)
    empty: bool  # no record inside or overlapping the period: the date of issue is the whole dataset's


def reads(ctx: Context, request: Request, selections: Selections) -> Reads | None:
    """What `build(ctx, request, config, judgements, tables, selections)` reads of the records, or
    None when that briefing does not take them from `selections` (an actor's briefing, a period
    that is not whole months) and may read any record.

    Keep this in step with `build` and its helpers: each record they read must be in `records`,
    and each number they take from the whole selection must be here (tests/test_pdf.py changes
    each kind of input and compares the cached build with a cold one). The previous period, the
    key figures' window, lies inside [previous start, end]; the chart reads the records whose
    month is one of its columns, which start inside [first column, end]; the timeline, map,
    summaries, glossary, endnotes and date of issue read those inside or overlapping the period."""
    check_request(ctx, request)
    start, end = request.start, request.end
    prev_start, _ = previous_of(start, end)
    if request.actor or not month_aligned(start, end) or prev_start.day != 1:  # `build`'s condition
        return None
    selection = selections.of(request.region)
    year, month = (int(part) for part in chart_months(request)[0].split("-"))
    window = min(prev_start, date(year, month, 1))
    incidents, statements = selection.touching(window, end)
    inside, possibly = selection.placed(start, end)
    return Reads(records=(*incidents, *statements), started=selection.started_by(end),
                 undated=sum(1 for day in selection.open_ends if start <= day), empty=not inside and not possibly)


def printed_count(selections: Selections, request: Request) -> int:
    """About how many records a site briefing prints (those of its period, up to the timeline's
    caps): how large its PDF is, before it is made."""
    inside, possibly = selections.of(request.region).placed(request.start, request.end)
    return min(len(inside), TIMELINE_CAP) + min(len(possibly), POSSIBLY_CAP)


def issue_date(ctx: Context, entries: list[Shown]) -> date | None:
    """The date of issue taken from the data: the latest day the briefing's records show to have
    been reached — the first day of each record's date, of each citation's publication and of
    each correction. (A date `2020-04` proves only that 1 April came; the clock is never read.)
    None when the briefing has no records: the caller then looks at the whole dataset."""
    days: list[date] = []
    every: list[Shown] = [*ctx.incidents(), *ctx.statements()]
    for entry in entries or every:
        record = entry.record
        days.append(record.date.start)
        days += [c.published.start for c in record.sources if c.published]
        days += [c.date.start for c in record.corrections]
    return max(days) if days else None


#: What makes two citations one endnote: outlet, address, title, date, archive, grade.
_NoteKey = tuple[str, str | None, str | None, str | None, str | None, str | None]


class _Notes:
    """Endnote numbers, in order of first citation; the same item cited twice is one endnote."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.numbers: dict[_NoteKey, int] = {}
        self.notes: list[CitationView] = []

    def of(self, citations: Iterable[Citation]) -> tuple[int, ...]:
        citations = list(citations)
        out = []
        for citation, view in zip(citations, self.ctx.citations(citations), strict=True):  # one view a citation
            key = (citation.source, citation.url, citation.title, view.published, citation.archive_url, view.grade)
            if key not in self.numbers:
                self.numbers[key] = len(self.notes) + 1
                # The site's citation, numbered by its first place in this briefing instead.
                self.notes.append(replace(view, number=len(self.notes) + 1))
            out.append(self.numbers[key])
        return tuple(out)

    def endnotes(self) -> tuple[CitationView, ...]:
        return tuple(self.notes)


def _filters(ctx: Context, request: Request, config: SiteConfig) -> tuple[tuple[Filter, ...], str]:
    out: list[Filter] = []
    subject = []
    if request.region:
        region = ctx.dataset.regions[request.region].record
        out.append(Filter("Region", region.name,
                          "with its sub-regions" if ctx.dataset.region_descendants(region.id) else None,
                          tuple(region.aliases)))
        subject.append(region.name)
    if request.actor:
        actor = ctx.dataset.actors[request.actor].record
        out.append(Filter("Actor", actor.name, "incidents in which it has any role; statements by it, on its "
                          "behalf or about it", tuple(actor.aliases)))
        subject.append(actor.name)
    out.append(Filter("Records", "published, draft and in review (PREVIEW)" if ctx.preview else "published only"))
    # Several values in one title: each isolated on its own (render.isolate_text), so that a
    # right-to-left name cannot move the colons.
    title = request.title or (": ".join(isolate_text(part) for part in [config.title, *subject]) if subject
                              else config.title)
    return tuple(out), title


def _key_figures(ctx: Context, tables: figures.Tables, incidents: list[Entry[Incident]],
                 statements: list[Entry[Statement]], period: Period, previous: Period,
                 selection: Selection | None = None, selections: Selections | None = None) -> KeyFigures:
    """The overview's key figures (same rules, same helpers) for the briefing's records."""
    if selection is not None and selections is not None:
        # Every figure is of records inside or overlapping the period or the previous one, so the
        # records and rows touching both periods give the same figures.
        incidents, statements = selection.touching(previous.start, period.end)
        mine = selections.rows(previous.start, period.end, {e.id for e in incidents})
    else:
        ids = {e.id for e in incidents}

        def only(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[frame["id"].isin(ids)] if not frame.empty else frame

        mine = figures.Tables(only(tables.incidents), only(tables.casualties), only(tables.roles))
    found = key_figures(ctx, mine, period, previous)
    now = figures.inside(mine.casualties, period.start, period.end)
    before = figures.inside(mine.casualties, previous.start, previous.end)

    def said(p: Period) -> int:
        return sum(1 for e in statements if e.record.date.placement(p.start, p.end) == "inside")

    main = [
        FigureLine("Incidents", found.incidents.current, found.incidents.previous),
        FigureLine("Statements", number(said(period)), number(said(previous))),
        FigureLine("People killed", found.killed.current, found.killed.previous),
    ]
    for kind in CASUALTY_KINDS[1:]:  # the other kinds only when a record of either period gives one
        a, b = figures.total(now, kind), figures.total(before, kind)
        if a is not None or b is not None:
            main.append(FigureLine(f"People {kind}", number(a), number(b)))

    def text(f: Figure) -> str:
        return f.label.text if isinstance(f.label, Ref) else str(f.label)

    by_actor = [FigureLine(text(f), f.current, f.previous) for f in found.by_actor]
    return KeyFigures(
        main=tuple(main),
        killed_reporting=found.killed_reporting,
        incidents=len(figures.inside(mine.incidents, period.start, period.end)),
        by_actor=tuple(by_actor[:ACTORS_CAP]),
        more_actors=max(0, len(by_actor) - ACTORS_CAP),
        by_group=tuple(FigureLine(text(f), f.current, f.previous) for f in found.by_group),
        regions=tuple(FigureLine(text(f), f.current, f.previous) for f in found.regions),
        top_regions=TOP_REGIONS,
    )


def chart_months(request: Request) -> list[str]:
    """The months (`2020-04`) of a briefing's chart: its period's and, for context, the months
    before it up to CHART_MIN_MONTHS in all; at most the last CHART_MAX_MONTHS."""
    last = f"{request.end.year:04d}-{request.end.month:02d}"
    y, m = divmod(request.end.year * 12 + request.end.month - CHART_MIN_MONTHS, 12)
    first = min(f"{request.start.year:04d}-{request.start.month:02d}", f"{y:04d}-{m + 1:02d}")
    return months_between(first, last)[-CHART_MAX_MONTHS:]


def _chart(ctx: Context, request: Request, incidents: list[Entry[Incident]],
           selection: Selection | None = None) -> Chart | None:
    """The site's chart — incidents per month (the month each date starts in, as on the timeline)
    by event type group — for the briefing's filters, over the period and, for context, the months
    before it up to CHART_MIN_MONTHS in all."""
    last = f"{request.end.year:04d}-{request.end.month:02d}"
    columns = chart_months(request)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    outside = undated = 0
    if selection is not None:  # the same counts, from the months of the chart alone
        undated = sum(1 for day in selection.open_ends if request.start <= day)
        outside = selection.started_by(request.end)
        for key in columns:
            for entry in selection.chart_months.get(key, ()):
                counts[key, ctx.group_of(entry.record.type)] += 1
                outside -= int(entry.record.date.start <= request.end)
    for entry in incidents if selection is None else ():
        if entry.record.date.open_start:  # `{to: DATE}`: no known start, in no month's count
            undated += int(request.start <= entry.record.date.end)  # said only when it may touch the period
            continue
        key = month_key(entry.record.date)
        if key in columns:
            counts[key, ctx.group_of(entry.record.type)] += 1
        elif entry.record.date.start <= request.end:  # before the chart's first month, or dated to a year only
            outside += 1
    present = {g for _, g in counts}
    groups = [g for g in EVENT_GROUPS if g in present] + sorted(present - set(EVENT_GROUPS))
    if not groups:
        return None
    p_first = f"{request.start.year:04d}-{request.start.month:02d}"
    rows = tuple(
        ChartRow(month_title(k), tuple(counts.get((k, g), 0) for g in groups),
                 sum(counts.get((k, g), 0) for g in groups), p_first <= k <= last)
        for k in columns
        if p_first <= k <= last or any(counts.get((k, g), 0) for g in groups)  # the table skips empty months
    )
    span = f"{month_title(columns[0])} to {month_title(columns[-1])}"
    spec = ChartSpec(
        name=f"briefing-{request.name}",
        title="Incidents per month, by event type group",
        alt=f"Stacked bar chart of incidents per month by event type group, {span}. The table gives the same numbers.",
        x_labels=tuple(axis_label(k) for k in columns),
        series=tuple((event_label(g), tuple(float(counts.get((k, g), 0)) for k in columns)) for g in groups),
    )
    return Chart(spec, tuple(event_label(g) for g in groups), rows, outside, month_title(columns[0]), undated)


#: A location precision the data does not give: the point is shown as `near`, neither exact nor an area.
UNSTATED_PRECISION = "near"


def _map(ctx: Context, request: Request, inside: list[Shown]) -> MapData:
    """The period's incidents (those counted in it) as points: at their own coordinates, else at
    the nearest region up their path that has some (export's resolution, as on the site's map)."""
    resolve = export.region_resolver(ctx)
    points: list[MapPoint] = []
    own = by_region = unplaced = 0
    for entry in inside:
        record = entry.record
        if not isinstance(record, Incident):
            continue
        group = ctx.group_of(record.type)
        if record.coordinates:
            own += 1
            precision = record.location_precision or UNSTATED_PRECISION
            points.append(MapPoint(record.coordinates[0], record.coordinates[1], group, precision))
            continue
        nearest = resolve.region_path(record.region)[1]
        if nearest is None:
            unplaced += 1
            continue
        by_region += 1
        points.append(MapPoint(nearest[0], nearest[1], group, "region"))
    present = {p.group for p in points}
    groups = tuple(g for g in EVENT_GROUPS if g in present) + tuple(sorted(present - set(EVENT_GROUPS)))
    extent: tuple[tuple[float, float], ...]
    if request.region:
        place = resolve.region_path(request.region)[1]
        extent = (place,) if place else ()
    elif points:
        extent = ()
    else:  # nothing to draw: the places the data knows, so the outline is the data's own country
        extent = tuple(sorted({(c[0], c[1]) for e in ctx.dataset.regions.values() if (c := e.record.coordinates)}))
    return MapData(tuple(points), own, by_region, unplaced, groups, extent, fit_countries=not request.region)


def _summary_region(ctx: Context, request: Request, region_id: str) -> str | None:
    """The region a record is summarised under: without a region filter, the governorate that
    holds it (as "most affected regions" on the overview); with one, the part of the filter's
    region that holds it (its child on the way down), or the filter's region itself."""
    if not request.region:
        return area_of(ctx, region_id)
    chain = [region_id, *ctx.dataset.region_ancestors(region_id)]
    if request.region not in chain:
        return None
    i = chain.index(request.region)
    return chain[i - 1] if i > 0 else chain[i]


def _summaries(ctx: Context, request: Request, inside: list[Shown], possibly: list[Shown],
               printed: set[str]) -> tuple[RegionSummary, ...]:
    counted: dict[str, list[Entry[Incident]]] = defaultdict(list)
    maybe: dict[str, int] = defaultdict(int)
    said: dict[str, int] = defaultdict(int)
    for entry in inside:
        if is_incident(entry):
            key = _summary_region(ctx, request, entry.record.region)
            if key:
                counted[key].append(entry)
        elif is_statement(entry):  # the other kind of record shown: every entry is one of the two
            for key in sorted({k for r in entry.record.regions if (k := _summary_region(ctx, request, r))}):
                said[key] += 1
    for entry in possibly:
        if isinstance(entry.record, Incident) and (key := _summary_region(ctx, request, entry.record.region)):
            maybe[key] += 1

    def killed(entries: list[Entry[Incident]]) -> Tally:
        values = []
        for e in entries:
            known = [v for c in e.record.casualties if (v := figures.point(c.killed)) is not None]
            values.append(sum(known) if known else None)
        return tally(values)

    def actors(entries: list[Entry[Incident]]) -> tuple[str, ...]:
        seen: dict[str, int] = defaultdict(int)
        for e in entries:
            for actor_id in dict.fromkeys(a.actor for a in e.record.actors):
                seen[actor_id] += 1
        named = sorted(seen, key=lambda a: (-seen[a], ctx.actor_ref(a, OVERVIEW).text.casefold(), a))
        return tuple(f"{isolate_text(ctx.actor_ref(a, OVERVIEW).text)} ({seen[a]:,})" for a in named[:SUMMARY_ACTORS])

    out = []
    for key in set(counted) | set(maybe) | set(said):
        region_entry = ctx.dataset.regions.get(key)
        if region_entry is None:
            continue
        region = region_entry.record
        found = counted.get(key, [])
        out.append(RegionSummary(
            id=key, name=region.name, level=slug_label(region.level), disputed=region.disputed,
            aliases=tuple(region.aliases), incidents=len(found), killed=killed(found).short,
            killed_note=killed(found).text, possibly=maybe.get(key, 0), statements=said.get(key, 0),
            actors=actors(found),
            lines=tuple(Line(format_date(e.record.date), e.record.title,
                             briefing_anchor("incident", e.id) if e.id in printed else None)
                        for e in found[:SUMMARY_CAP]),
            more=max(0, len(found) - SUMMARY_CAP),
        ))
    out.sort(key=lambda s: (-s.incidents, -s.statements, -s.possibly, s.name.casefold(), s.id))
    return tuple(out)


def _glossary(ctx: Context, request: Request, shown: list[Shown]) -> tuple[GlossaryEntry, ...]:
    """Every actor the printed records name (and the filter's actor), with its aliases."""
    incidents: dict[str, set[str]] = defaultdict(set)
    statements: dict[str, set[str]] = defaultdict(set)
    for entry in shown:
        record = entry.record
        if isinstance(record, Incident):
            for actor_id in [*(a.actor for a in record.actors),
                             *(a.attributed_by for a in record.actors if a.attributed_by),
                             *(c.actor for c in record.casualties if c.actor)]:
                incidents[actor_id].add(record.id)
        else:
            behalf = ctx.dataset.speaks_for(record)
            for actor_id in [record.speaker, *([behalf] if behalf else []), *record.about]:
                statements[actor_id].add(record.id)
    named = set(incidents) | set(statements) | ({request.actor} if request.actor else set())
    out = []
    for actor_id in named:
        actor_entry = ctx.dataset.actors.get(actor_id)
        if actor_entry is None:
            continue
        actor = actor_entry.record

        def name_of(other: str | None) -> str | None:
            found = ctx.dataset.actors.get(other) if other else None
            return found.record.name if found else other

        out.append(GlossaryEntry(
            id=actor.id, name=actor.name, kind=ACTOR_KINDS.get(actor.kind, actor.kind), aliases=tuple(actor.aliases),
            title=actor.title, affiliation=name_of(actor.affiliation), parent=name_of(actor.parent),
            description=actor.description, incidents=len(incidents.get(actor_id, ())),
            statements=len(statements.get(actor_id, ())),
        ))
    out.sort(key=lambda g: (g.name.casefold(), g.id))
    return tuple(out)
