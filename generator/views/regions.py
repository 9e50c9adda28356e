"""Region pages (with roll-up of sub-regions) and the index of regions.

Every figure on a region's page rolls up its sub-regions: an incident in Hawija district counts for
Kirkuk governorate and for Iraq, never for a neighbour (`figures.in_region`). Statements are listed
when they name the region or one of its sub-regions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from .. import figures
from ..charts import ChartSpec
from ..link import Entry
from ..models import CASUALTY_KINDS, EVENT_GROUPS, Incident, Region, Statement, event_label
from ..render import isolate_text
from ..routes import REGIONS_INDEX, TIMELINE_INDEX, chart_file, href, region_page
from .common import Context, Family, Kept, Page, Ref, made_whole, month_title, slug_label
from .actors import ROLE_ORDER, ROLE_SERIES
from .pdfs import pdf_path, region_latest_months, region_request
from .trend import (CasualtyIndex, RecordLine, Tally, Trend, casualty_index, monthly, newest, record_line,
                    tally)

#: The most active actors table stops here (the rest are counted in a line below it).
ACTORS_CAP = 15


@dataclass(frozen=True)
class FigureRow:
    label: str
    value: str


@dataclass(frozen=True)
class SubRegion:
    region: Ref
    level: str
    disputed: bool
    incidents: int  # rolled up


@dataclass(frozen=True)
class TypeRow:
    type_label: str
    group_label: str
    incidents: int
    killed: str


@dataclass(frozen=True)
class ActorActivity:
    actor: Ref
    incidents: int
    roles: str  # "perpetrator 3 · target 1"


@dataclass(frozen=True)
class RegionPage:
    path: str
    name: str
    trail: tuple[Ref, ...]  # ancestors, from the country down
    level: str
    disputed: bool
    disputed_within: Ref | None  # the nearest disputed ancestor, when the region itself is not marked
    aliases: tuple[str, ...]
    description: str | None
    children: tuple[SubRegion, ...]
    figures: tuple[FigureRow, ...]
    trend: Trend
    types: tuple[TypeRow, ...]
    actors: tuple[ActorActivity, ...]
    more_actors: int
    incidents: tuple[RecordLine, ...]
    more_incidents: int
    statements: tuple[RecordLine, ...]
    more_statements: int
    timeline_href: str
    index_href: str
    pdf: Ref | None = None  # the PDF briefing of its latest month (text: that month), when the build makes PDFs
    map_region: str | None = None  # the region's id when it has incidents: its page shows them on a small map


@dataclass(frozen=True)
class IndexRow:
    depth: int  # 0 for a region without parent
    region: Ref
    level: str
    disputed: bool
    incidents: int


@dataclass(frozen=True)
class RegionsIndex:
    path: str
    rows: tuple[IndexRow, ...]  # the hierarchy, depth first, each level sorted by name


def pages(ctx: Context) -> list[Page | ChartSpec | Kept]:
    """The index of regions, one page per region, and each region's monthly chart."""
    index, region_pages, charts = _build(ctx)
    out: list[Page | ChartSpec | Kept] = [Page(index.path, "regions_index.md.j2", index)]
    return out + region_pages + charts


#: This module as a page family of the site (views/families.py lists it).
FAMILY = Family("regions", pages)


def _children(ctx: Context) -> dict[str | None, list[Entry[Region]]]:
    """Each region's direct sub-regions (None: regions without parent), sorted by name then id."""
    out: dict[str | None, list[Entry[Region]]] = defaultdict(list)
    for entry in ctx.dataset.regions.values():
        parent = entry.record.parent if entry.record.parent in ctx.dataset.regions else None
        out[parent].append(entry)
    for entries in out.values():
        entries.sort(key=lambda e: (e.record.name.casefold(), e.id))
    return out


@dataclass
class _Shared:
    """What every region page reads, worked out once: per-incident facts and the visible records."""

    ids: dict[str, list[str]]  # region id -> its incidents and its sub-regions' (figures.ids_by_region)
    casualties: CasualtyIndex
    month: dict[str, str]
    type: dict[str, str]
    group: dict[str, str]
    roles: dict[str, list[tuple[str, str]]]  # incident id -> (actor, role)
    entries: dict[str, Entry[Incident]]
    statements: list[Entry[Statement]]
    statements_in: dict[str, list[int]]  # region id -> the positions in `statements` of those naming it
    children: dict[str | None, list[Entry[Region]]]
    counts: dict[str, int]  # rolled-up incident counts
    latest: dict[str, str]  # region id -> the month of its PDF briefing (only when the build makes PDFs)


def build(ctx: Context) -> tuple[RegionsIndex, list[RegionPage], list[ChartSpec]]:
    """The index, every region page and every chart, as data (none taken from a page record)."""
    index, made, charts = _build(ctx)
    pages, specs = made_whole(made, charts, RegionPage, "region")
    return index, pages, specs


def _build(ctx: Context) -> tuple[RegionsIndex, list[Page | Kept], list[ChartSpec | Kept]]:
    """The index, every region page and every chart (each page or chart as data, or `Kept`)."""
    tables = figures.tables(ctx)
    inc = tables.incidents
    roles: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in tables.roles.itertuples(index=False):
        roles[row.id].append((row.actor, row.role))
    counts: dict[str, int] = defaultdict(int)
    for chain in inc["regions"]:
        for region_id in chain:  # each incident counts in its region and every ancestor
            counts[region_id] += 1
    statements = ctx.statements()
    statements_in: dict[str, list[int]] = defaultdict(list)
    for position, statement in enumerate(statements):
        for named in dict.fromkeys(statement.record.regions):
            statements_in[named].append(position)
    shared = _Shared(
        ids=figures.ids_by_region(inc),
        casualties=casualty_index(tables),
        # columns of one table: always of one length
        month=dict(zip(inc["id"], inc["month"], strict=True)),
        type=dict(zip(inc["id"], inc["type"], strict=True)),
        group=dict(zip(inc["id"], inc["group"], strict=True)),
        roles=roles,
        entries={e.id: e for e in ctx.incidents()},
        statements=statements,
        statements_in=statements_in,
        children=_children(ctx),
        counts=dict(counts),
        latest=region_latest_months(ctx) if ctx.pdfs else {},
    )
    pages_out: list[Page | Kept] = []
    charts: list[ChartSpec | Kept] = []
    for region_id in ctx.dataset.regions:
        page, *chart = _kept_region_page(ctx, shared, region_id)  # the page, then its chart if any
        assert isinstance(page, (Page, Kept))
        pages_out.append(page)
        charts += [c for c in chart if isinstance(c, (ChartSpec, Kept))]

    rows: list[IndexRow] = []
    seen: set[str] = set()

    # Depth first, each region before its children, in the order of `children`. A loop of its
    # own rather than a nested function calling itself: such a function is a reference cycle
    # (it holds itself through its closure) that kept this run's context, and with it every
    # record list and table the views made, until a garbage collection found it.
    todo: list[tuple[Entry[Region], int]] = [(entry, 0) for entry in reversed(shared.children.get(None, []))]
    while todo:
        entry, depth = todo.pop()
        if entry.id in seen:  # a parent loop is a validation error; never recurse forever
            continue
        seen.add(entry.id)
        r = entry.record
        rows.append(IndexRow(depth, ctx.region_ref(r.id, REGIONS_INDEX), slug_label(r.level), r.disputed,
                             shared.counts.get(r.id, 0)))
        todo.extend((child, depth + 1) for child in reversed(shared.children.get(r.id, [])))
    return RegionsIndex(REGIONS_INDEX, tuple(rows)), pages_out, charts


def _related(ctx: Context, shared: _Shared, region_id: str) -> list[Entry[Statement]]:
    """The statements about the region or any of its sub-regions."""
    named = {region_id} | ctx.dataset.region_descendants(region_id)
    # in the order of `statements`: each region's positions, not every statement per region
    found = sorted({position for name in named for position in shared.statements_in.get(name, ())})
    return [shared.statements[position] for position in found]


def _kept_region_page(ctx: Context, shared: _Shared, region_id: str) -> list[Page | ChartSpec | Kept]:
    """`_region_page` as the page and its chart; or the ones made in serve's last run, or taken
    from disk by `briefing build`'s page record, when what it reads is the same (ViewMemo.page,
    ViewMemo.kept): the incident and statement records it counts (the same objects: none of
    them edited, none added or removed), and whether the build makes PDFs and the month of the
    region's briefing. The actors and regions it names are compared by ViewMemo itself."""
    ids = shared.ids.get(region_id, [])
    related = _related(ctx, shared, region_id)
    objects = (*(shared.entries[i].record for i in ids), None, *(e.record for e in related))
    values = repr((ctx.pdfs, shared.latest.get(region_id)))

    def make() -> list[Page | ChartSpec]:
        page, chart = _region_page(ctx, shared, region_id)
        return [Page(page.path, "region.md.j2", page), *([chart] if chart else [])]

    return ctx.memo.kept("regions", region_id, objects, values, make,
                         paths=(region_page(region_id), chart_file(_chart_name(region_id))))


def _chart_name(region_id: str) -> str:
    return f"region-{region_id}-by-month"


def _region_page(ctx: Context, shared: _Shared, region_id: str) -> tuple[RegionPage, ChartSpec | None]:
    region = ctx.dataset.regions[region_id].record
    path = region_page(region_id)
    ids = shared.ids.get(region_id, [])  # the region and all its sub-regions
    children = shared.children
    ancestors = ctx.dataset.region_ancestors(region_id)
    disputed_within = next((a for a in ancestors if ctx.dataset.regions[a].record.disputed), None)

    def killed(incident_ids: Iterable[str]) -> Tally:
        return tally(shared.casualties.count(i, "killed") for i in incident_ids)

    figure_rows = [FigureRow("Incidents", str(len(ids))), FigureRow("Killed", killed(ids).text)]
    for kind in CASUALTY_KINDS[1:]:  # the other kinds only when some record reports them
        other = tally(shared.casualties.count(i, kind) for i in ids)
        if other.known:
            figure_rows.append(FigureRow(kind.capitalize(), other.text))

    name = isolate_text(region.name)  # inside sentences of our own: isolated on its own
    where = f"{name} and its sub-regions" if children.get(region_id) else name
    trend, chart = monthly(
        name=_chart_name(region_id),
        page=path,
        title="Incidents per month, by event type",
        alt=f"Bar chart of incidents in {where} per month, by event type; the table below gives the numbers",
        incidents=((i, shared.month[i], shared.group[i]) for i in ids
                   if not shared.entries[i].record.date.open_start),  # `{to: DATE}`: in no month's count
        series=[(group, event_label(group)) for group in EVENT_GROUPS],
        note=f"Incidents in {where}, by ACLED event type.",
        undated=sum(1 for i in ids if shared.entries[i].record.date.open_start),
        extra_columns=("Killed",),
        extra=lambda month_ids: (killed(month_ids).short,),
    )

    by_type: dict[str, list[str]] = defaultdict(list)
    for i in ids:
        by_type[shared.type[i]].append(i)
    types = sorted(
        (TypeRow(event_label(t), event_label(shared.group[found[0]]), len(found), killed(found).short)
         for t, found in by_type.items()),
        key=lambda row: (-row.incidents, row.type_label),
    )

    activity = _actors(ctx, shared, ids, path)
    shown, more_incidents = newest(shared.entries[i] for i in ids)
    shown_statements, more_statements = newest(_related(ctx, shared, region_id))

    page = RegionPage(
        path=path,
        name=region.name,
        trail=tuple(ctx.region_ref(a, path) for a in reversed(ancestors)),
        level=slug_label(region.level),
        disputed=region.disputed,
        disputed_within=ctx.region_ref(disputed_within, path) if disputed_within and not region.disputed else None,
        aliases=tuple(region.aliases),
        description=region.description,
        children=tuple(
            SubRegion(ctx.region_ref(c.id, path), slug_label(c.record.level), c.record.disputed,
                      shared.counts.get(c.id, 0))
            for c in children.get(region_id, [])
        ),
        figures=tuple(figure_rows),
        trend=trend,
        types=tuple(types),
        actors=activity[:ACTORS_CAP],
        more_actors=max(0, len(activity) - ACTORS_CAP),
        incidents=tuple(record_line(ctx.record_view(e, path)) for e in shown),
        more_incidents=more_incidents,
        statements=tuple(record_line(ctx.record_view(e, path)) for e in shown_statements),
        more_statements=more_statements,
        timeline_href=href(path, TIMELINE_INDEX),
        index_href=href(path, REGIONS_INDEX),
        pdf=(Ref(month_title(shared.latest[region_id]),
                 href(path, pdf_path(region_request(region_id, shared.latest[region_id]))))
             if region_id in shared.latest else None),
        map_region=region_id if ids else None,
    )
    return page, chart


def _actors(ctx: Context, shared: _Shared, ids: list[str], page: str) -> tuple[ActorActivity, ...]:
    """Actors by the number of the region's incidents they are in (then by name), with their roles."""
    incidents: dict[str, set[str]] = defaultdict(set)
    by_role: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for i in ids:
        for actor_id, role in shared.roles.get(i, ()):
            incidents[actor_id].add(i)
            by_role[actor_id][role].add(i)
    out = [
        ActorActivity(
            ctx.actor_ref(actor_id, page), len(found),
            " · ".join(f"{ROLE_SERIES[role].lower()} {len(by_role[actor_id][role])}" for role in ROLE_ORDER
                       if role in by_role[actor_id]),
        )
        for actor_id, found in incidents.items()
    ]
    out.sort(key=lambda a: (-a.incidents, a.actor.text.casefold(), a.actor.href))
    return tuple(out)
