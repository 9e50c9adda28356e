"""The overview (home page): key figures of the latest month against the month before, the
latest incidents and statements, and a chart of incidents per month with its table.

Figures follow the period rule of the data format: a record counts in a month only when its
whole date lies inside the month (`figures.inside`); a record that only overlaps it is listed as
"possibly in this period" and counted nowhere. Unknown counts stay unknown (None), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import figures
from ..charts import ChartSpec
from ..dates import Period, month_key, month_period, previous_period
from ..models import EVENT_GROUPS, event_label
from ..routes import METHODOLOGY, OVERVIEW, STATEMENTS_INDEX, TIMELINE_INDEX, href
from .common import Context, Family, Page, Ref, Shown, month_title
from .statements import StatementItem, statement_item
from .tags import newest_first

LATEST = 10  # records in each "latest" list
TOP_REGIONS = 5
POSSIBLY_CAP = 20  # records listed as "possibly in this period"
CHART_MONTHS = 24  # the chart and its table cover at most the last two years
CHART_NAME = "overview-incidents-by-month"
#: The casualty groups of the data format, as readers see them.
CASUALTY_GROUPS = {"civilians": "Civilians", "security-forces": "Security forces", "militants": "Militants",
                   "unknown": "Group not known"}


@dataclass(frozen=True)
class Figure:
    """One figure of the latest month beside the same figure of the month before, as text
    ("4", "unknown"), so that unknown can never be shown as 0."""

    label: Ref | str
    current: str
    previous: str


@dataclass(frozen=True)
class IncidentRow:
    date: str
    title: str
    href: str
    type_label: str
    group_label: str
    region: Ref
    status: str


@dataclass(frozen=True)
class ChartTable:
    """The numbers of the chart, one row per column of the chart."""

    groups: tuple[str, ...]  # group labels, the table's columns
    rows: tuple[tuple[str, tuple[int, ...], int], ...]  # (month title, count per group, total)
    image: str  # the chart's path relative to the overview
    alt: str
    earlier: int  # incidents that start before the chart's first column (not shown)
    first: str  # the title of the chart's first column
    undated: int = 0  # incidents dated only "by" a day ({to: DATE}): in no month of the chart


@dataclass(frozen=True)
class KeyFigures:
    latest: Period
    previous: Period
    incidents: Figure
    killed: Figure
    killed_reporting: int  # incidents of the latest month that give a death toll
    by_actor: tuple[Figure, ...]
    by_group: tuple[Figure, ...]
    regions: tuple[Figure, ...]
    possibly: tuple[IncidentRow, ...]  # overlapping the latest month, not counted (capped)
    possibly_total: int
    possibly_previous: int  # how many overlap the previous month without lying inside it


@dataclass(frozen=True)
class Overview:
    path: str
    incidents_total: int
    statements_total: int
    figures: KeyFigures | None  # None when no record is dated to a month yet
    latest_incidents: tuple[IncidentRow, ...]
    latest_statements: tuple[StatementItem, ...]
    chart: ChartTable | None
    timeline_href: str
    statements_href: str
    methodology_href: str
    top_regions: int = TOP_REGIONS


def number(value: int | None) -> str:
    """A figure as readers see it: unknown (None) is the word, never 0; thousands separated."""
    return "unknown" if value is None else f"{value:,}"


def area_of(ctx: Context, region_id: str) -> str:
    """The region an incident is counted under in "most affected regions": the governorate that
    contains it; where the data names none, its largest region below the country (an area such as
    Garmiyan that spans governorates); a country, or a region without a country, as itself."""
    chain = [region_id, *ctx.dataset.region_ancestors(region_id)]
    levels = [ctx.dataset.regions[r].record.level if r in ctx.dataset.regions else None for r in chain]
    if "governorate" in levels:
        return chain[levels.index("governorate")]
    if "country" in levels:
        i = levels.index("country")
        return chain[i - 1] if i > 0 else chain[i]
    return region_id


def incident_row(ctx: Context, entry_id: str) -> IncidentRow:
    """An incident in one table row, linked from the overview to its timeline anchor."""
    view = ctx.record_view(ctx.dataset.incidents[entry_id], OVERVIEW)
    assert view.region is not None and view.type_label is not None and view.group_label is not None
    return IncidentRow(view.date, view.title, view.permalink, view.type_label, view.group_label, view.region,
                       view.status)


def _killed(casualties: pd.DataFrame, is_actor: bool) -> dict[str, int]:
    """Known deaths per subject (actor id or group name) in a table of casualties."""
    if casualties.empty:
        return {}
    rows = casualties[(casualties["kind"] == "killed") & (casualties["is_actor"] == is_actor)]
    return {str(k): int(v) for k, v in rows.groupby("subject")["value"].sum().items()}


def key_figures(ctx: Context, tables: figures.Tables, latest: Period, previous: Period | None = None) -> KeyFigures:
    """The latest month's figures against the previous calendar month's (or against `previous`,
    for a PDF briefing's period of any length)."""
    previous = previous or previous_period(latest)
    inc_now = figures.inside(tables.incidents, latest.start, latest.end)
    inc_before = figures.inside(tables.incidents, previous.start, previous.end)
    cas_now = figures.inside(tables.casualties, latest.start, latest.end)
    cas_before = figures.inside(tables.casualties, previous.start, previous.end)

    reporting = 0 if cas_now.empty else cas_now[cas_now["kind"] == "killed"]["id"].nunique()

    actors_now, actors_before = _killed(cas_now, True), _killed(cas_before, True)
    by_actor = sorted(
        set(actors_now) | set(actors_before),
        key=lambda a: (-actors_now.get(a, -1), -actors_before.get(a, -1),
                       ctx.actor_ref(a, OVERVIEW).text.casefold(), a),
    )
    groups_now, groups_before = _killed(cas_now, False), _killed(cas_before, False)

    areas_now = inc_now["region"].map(lambda r: area_of(ctx, r)).value_counts().to_dict() if len(inc_now) else {}
    areas_before = (inc_before["region"].map(lambda r: area_of(ctx, r)).value_counts().to_dict()
                    if len(inc_before) else {})
    top = sorted(areas_now, key=lambda a: (-areas_now[a], ctx.region_ref(a, OVERVIEW).text.casefold(), a))

    overlap = figures.overlapping(tables.incidents, latest.start, latest.end)
    overlap_before = figures.overlapping(tables.incidents, previous.start, previous.end)
    return KeyFigures(
        latest=latest,
        previous=previous,
        incidents=Figure("Incidents", number(len(inc_now)), number(len(inc_before))),
        killed=Figure("People killed", number(figures.total(cas_now)), number(figures.total(cas_before))),
        killed_reporting=int(reporting),
        by_actor=tuple(Figure(ctx.actor_ref(a, OVERVIEW), number(actors_now.get(a)), number(actors_before.get(a)))
                       for a in by_actor),
        by_group=tuple(Figure(label, number(groups_now.get(g)), number(groups_before.get(g)))
                       for g, label in CASUALTY_GROUPS.items()),
        regions=tuple(Figure(ctx.region_ref(a, OVERVIEW), number(areas_now[a]), number(areas_before.get(a, 0)))
                      for a in top[:TOP_REGIONS]),
        possibly=tuple(incident_row(ctx, i) for i in list(overlap["id"])[:POSSIBLY_CAP]),
        possibly_total=len(overlap),
        possibly_previous=len(overlap_before),
    )


def latest_month(ctx: Context) -> Period | None:
    """The latest month in which a visible record's date starts (the newest timeline month);
    records dated only to a year belong to no month and are not considered."""
    shown: list[Shown] = [*ctx.incidents(), *ctx.statements()]
    keys = [month_key(e.record.date) for e in shown]
    months = sorted(k for k in keys if "-" in k)
    if not months:
        return None
    year, month = months[-1].split("-")
    return month_period(int(year), int(month))


def chart_columns(keys: list[str]) -> list[str]:
    """The columns of the chart, from timeline keys ("2020-04", "2020"): every calendar month from
    the first month with an incident to the last (zeros shown, so that gaps are visible), at most
    CHART_MONTHS of them; a year-only group ("2020") is placed before its months, or after the
    last month when its year is later. Keys before the first column are left out."""
    months = sorted({k for k in keys if "-" in k})
    years = sorted({k for k in keys if "-" not in k})
    if not months:
        columns = years[-CHART_MONTHS:]
    else:
        last_y, last_m = map(int, months[-1].split("-"))
        first_y, first_m = map(int, months[0].split("-"))
        span = (last_y - first_y) * 12 + (last_m - first_m) + 1
        start = max(0, span - CHART_MONTHS)
        columns = []
        for i in range(start, span):
            y, m = divmod(first_y * 12 + first_m - 1 + i, 12)
            key = f"{y:04d}-{m + 1:02d}"
            if (i == start or m == 0) and f"{y:04d}" in years:
                columns.append(f"{y:04d}")  # the year's undated-month records, before its months
            columns.append(key)
        columns += [y for y in years if int(y) > last_y]
    return columns


def chart(tables: figures.Tables) -> tuple[ChartTable, ChartSpec] | None:
    """Incidents per month (the month each date starts in, as on the timeline) by event group.
    A `{to: DATE}` incident has no known start and is in no month's bar (it is counted apart)."""
    undated = len(tables.incidents) - len(figures.known_start(tables.incidents))
    incidents = figures.known_start(tables.incidents)
    if incidents.empty:
        return None
    columns = chart_columns(sorted(set(incidents["month"])))
    counts = figures.per_month(incidents, by="group")
    # the six ACLED groups in ACLED's order, and only those that occur in the chart's columns
    shown = counts.reindex(columns, fill_value=0)
    groups = [g for g in EVENT_GROUPS if g in shown.columns and shown[g].sum() > 0]
    groups += sorted(g for g in shown.columns if g not in EVENT_GROUPS and shown[g].sum() > 0)
    rows = tuple(
        (month_title(k), tuple(int(shown.at[k, g]) for g in groups), int(sum(shown.at[k, g] for g in groups)))
        for k in columns
    )
    earlier = int(len(incidents) - sum(total for _, _, total in rows))  # before the first column
    labels = tuple(k if "-" in k else f"{k}, month unknown" for k in columns)
    span = f"{month_title(columns[0])} to {month_title(columns[-1])}" if len(columns) > 1 else month_title(columns[0])
    alt = (f"Stacked bar chart of incidents per month by event type group, {span}. "
           "The table below gives the same numbers.")
    spec = ChartSpec(
        name=CHART_NAME,
        title="Incidents per month, by event type group",
        alt=alt,
        x_labels=labels,
        series=tuple((event_label(g), tuple(float(shown.at[k, g]) for k in columns)) for g in groups),
    )
    table = ChartTable(tuple(event_label(g) for g in groups), rows, href(OVERVIEW, spec.path), alt, earlier,
                       month_title(columns[0]), undated)
    return table, spec


def build(ctx: Context) -> tuple[Overview, ChartSpec | None]:
    """The home page as data, and its chart."""
    tables = figures.tables(ctx)
    latest = latest_month(ctx)
    incidents, statements = ctx.incidents(), ctx.statements()
    drawn = chart(tables)
    overview = Overview(
        path=OVERVIEW,
        incidents_total=len(incidents),
        statements_total=len(statements),
        figures=key_figures(ctx, tables, latest) if latest else None,
        latest_incidents=tuple(incident_row(ctx, e.id) for e in newest_first(incidents)[:LATEST]),
        latest_statements=tuple(statement_item(ctx, e, OVERVIEW) for e in newest_first(statements)[:LATEST]),
        chart=drawn[0] if drawn else None,
        timeline_href=href(OVERVIEW, TIMELINE_INDEX),
        statements_href=href(OVERVIEW, STATEMENTS_INDEX),
        methodology_href=href(OVERVIEW, METHODOLOGY),
    )
    return overview, (drawn[1] if drawn else None)


def pages(ctx: Context) -> list[Page | ChartSpec]:
    """The home page (its title is the site's, from the configuration), and the chart it shows."""
    overview, spec = build(ctx)
    return [Page(OVERVIEW, "overview.md.j2", overview)] + ([spec] if spec else [])


#: This module as a page family of the site (views/families.py lists it).
FAMILY = Family("overview", pages)
