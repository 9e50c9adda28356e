"""Figures are computed, never typed: the visible records as pandas tables, and the sums every
page family draws on (per month, per actor, per region, per group).

Two tables:

- `incidents`: one row per visible incident — id, start, end, month (page key), type, group,
  region, and `regions`: the region and all its ancestors (for roll-up).
- `casualties`: one row per (incident, subject, kind) with a known count — `subject` is an actor
  id or a group name, `is_actor` says which, `value` is the count used in totals (a range's best
  figure, else its low), and the incident's month/region for grouping.
- `roles`: one row per (incident, actor, role).

Unknown counts have no row: a sum over nothing is reported as unknown by the views, never as 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from .dates import FuzzyDate, month_key
from .link import Entry
from .models import CASUALTY_KINDS, CountRange, Incident
from .views.common import Context


def point(value: int | CountRange | None) -> int | None:
    """The number a count adds to totals: itself, a range's best figure, else its low figure."""
    if value is None or isinstance(value, int):
        return value
    return value.point


@dataclass(frozen=True)
class Tables:
    incidents: pd.DataFrame
    casualties: pd.DataFrame
    roles: pd.DataFrame


def tables(ctx: Context) -> Tables:
    """The visible incidents as the three tables above (deterministic row order: date, id), made
    once per context (read only: no caller changes a table in place)."""
    made = ctx._tables  # the context's own memo of this function
    if isinstance(made, Tables):
        return made
    made = _tables(ctx)
    ctx._tables = made
    return made


Row = dict[str, object]


def _tables(ctx: Context) -> Tables:
    inc_rows: list[Row] = []
    cas_rows: list[Row] = []
    role_rows: list[Row] = []
    memo = ctx.memo if ctx.memo.between_runs else None
    for entry in ctx.incidents():
        r = entry.record
        # `briefing serve` keeps each incident's rows between runs, under the record object (an
        # unchanged file keeps its model; the memo forgets every row when a region or the event
        # types change, which the rows also read): after an edit only its record's rows are made
        # (0.1 s of CPU at 10k incidents). Not in a build: the rows would be held beside the tables.
        made = memo.get(r, "tables") if memo is not None else None
        if not isinstance(made, tuple):
            made = _rows(ctx, entry)
            if memo is not None:
                memo.put(r, "tables", made)
        inc_rows.append(made[0])
        role_rows.extend(made[1])
        cas_rows.extend(made[2])
    incidents = pd.DataFrame(inc_rows, columns=["id", "start", "end", "month", "type", "group", "region", "regions"])
    casualties = pd.DataFrame(cas_rows, columns=["id", "subject", "is_actor", "kind", "value", "month", "start",
                                                 "end", "region", "regions"])
    roles = pd.DataFrame(role_rows, columns=["id", "actor", "role", "month", "start", "end"])
    tables = Tables(incidents, casualties, roles)
    if memo is not None:  # the casualty rows as made, for trend.casualty_index (read only)
        object.__setattr__(tables, "_casualty_rows", cas_rows)  # a cache, not a field of the frozen tables
    return tables


def _rows(ctx: Context, entry: Entry[Incident]) -> tuple[Row, list[Row], list[Row]]:
    """One incident's rows of the three tables: its own, its roles' and its casualty counts'."""
    r = entry.record
    d: FuzzyDate = r.date
    # The month and the chain once per incident (each row of its roles and casualties shares
    # them): month_key was a tenth of a second of every build at 10k incidents.
    month = month_key(d)
    chain = (r.region, *ctx.dataset.region_ancestors(r.region))
    inc_row: Row = {
        "id": r.id, "start": d.start, "end": d.end, "month": month, "type": r.type,
        "group": ctx.group_of(r.type), "region": r.region, "regions": chain,
    }
    role_rows: list[Row] = [{"id": r.id, "actor": role.actor, "role": role.role or "associated",
                             "month": month, "start": d.start, "end": d.end} for role in r.actors]
    cas_rows: list[Row] = []
    for c in r.casualties:
        for kind in CASUALTY_KINDS:
            value = point(getattr(c, kind))
            if value is not None:
                cas_rows.append({
                    "id": r.id, "subject": c.actor or c.group, "is_actor": c.actor is not None,
                    "kind": kind, "value": value, "month": month, "start": d.start, "end": d.end,
                    "region": r.region, "regions": chain,
                })
    return inc_row, role_rows, cas_rows


def inside(frame: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Rows whose whole date lies inside [start, end]: the ones that count in a period's figures."""
    if frame.empty:
        return frame
    return frame[(frame["start"] >= start) & (frame["end"] <= end)]


def overlapping(frame: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Rows whose date only overlaps [start, end]: "possibly in this period", never counted."""
    if frame.empty:
        return frame
    touches = (frame["start"] <= end) & (frame["end"] >= start)
    within = (frame["start"] >= start) & (frame["end"] <= end)
    return frame[touches & ~within]


def known_start(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows whose date has a known start. A `{to: DATE}` record ("by DATE") has none: it is
    listed under the month of DATE but counted in no month's figure or chart."""
    if frame.empty:
        return frame
    return frame[frame["start"] != date.min]


def in_region(frame: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """Rows in a region or any of its sub-regions (roll-up)."""
    if frame.empty:
        return frame
    return frame[frame["regions"].map(lambda chain: region_id in chain)]


def ids_by_region(incidents: pd.DataFrame) -> dict[str, list[str]]:
    """The ids of the incidents in each region or any of its sub-regions (roll-up), in the table's
    order: what `in_region` gives for every region, in one pass over the table."""
    out: dict[str, list[str]] = {}
    if incidents.empty:
        return out
    for incident_id, chain in zip(incidents["id"], incidents["regions"], strict=True):  # columns of one table
        for region_id in dict.fromkeys(chain):
            out.setdefault(region_id, []).append(incident_id)
    return out


def per_month(incidents: pd.DataFrame, by: str = "group") -> pd.DataFrame:
    """Incident counts per month page key (rows, in order) and `by` (columns), zeros filled."""
    if incidents.empty:
        return pd.DataFrame()
    table = incidents.groupby(["month", by]).size().unstack(by, fill_value=0)
    return table.sort_index().reindex(sorted(table.columns), axis=1)


def total(casualties: pd.DataFrame, kind: str = "killed") -> int | None:
    """The sum of known counts of one kind; None (unknown) when no record gives one."""
    rows = casualties[casualties["kind"] == kind] if not casualties.empty else casualties
    return None if rows.empty else int(rows["value"].sum())
