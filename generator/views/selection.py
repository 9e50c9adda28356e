"""Which records a briefing reads, found without walking the whole dataset for every briefing.

A site build makes one PDF briefing per month and one per region (views/pdfs.py): at 10k incidents
that is about 260 briefings, and each used to filter every record of the dataset, compare every
date with its period and filter the figures' tables row by row; the cost grew with the dataset
times the number of briefings. `Selections` makes, once per build, the records of each filter
(the whole dataset, or one region with its sub-regions) bucketed by the month they are listed in,
so that a briefing reads only the months it shows (views.briefing.build gives the same briefing
with or without it; tests/test_pdf.py compares them).

Stage: views (pure; no I/O).
"""

from __future__ import annotations

import bisect
import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Literal

import numpy as np
import pandas as pd

from .. import figures
from ..dates import FuzzyDate, month_key
from ..link import Entry
from ..models import Incident, Statement
from .common import Context, Shown, is_incident, is_statement

Placement = Literal["inside", "overlaps", "outside"]
#: A month as a number that sorts and subtracts: year * 12 + month - 1.
MonthNo = int


def month_no(day: date) -> MonthNo:
    """The month a day is in, as a number."""
    return day.year * 12 + day.month - 1


def _narrow(value: FuzzyDate) -> MonthNo | None:
    """The month a date lies wholly inside, when it does (a day, a week within one month, a
    month); None for a date that is wider (a year, a span across months, an open start)."""
    if value.open_start:
        return None
    start, end = value.start, value.end
    if (start.year, start.month) != (end.year, end.month):
        return None
    return month_no(start)


def month_aligned(start: date, end: date) -> bool:
    """Whether a period runs from the first day of a month to the last day of a month."""
    return start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]


@dataclass
class Selection:
    """The visible records one filter takes (in the context's date order), bucketed by month."""

    incidents: list[Entry[Incident]]
    statements: list[Entry[Statement]]
    # Records whose date lies inside one month, by that month; the others, which any period may
    # touch, kept apart and placed one by one. Each list in the context's order, each item with
    # its rank in `found` order (incidents first, then statements), for a stable tie order.
    narrow: dict[MonthNo, list[tuple[int, Shown]]] = field(default_factory=dict)
    wide: list[tuple[int, Shown]] = field(default_factory=list)
    # The chart's counts: incidents with a known start, by the month key they are listed under.
    chart_months: dict[str, list[Entry[Incident]]] = field(default_factory=dict)
    starts: list[date] = field(default_factory=list)  # sorted starts of incidents with a known start
    open_ends: list[date] = field(default_factory=list)  # ends of `{to: DATE}` incidents

    def __post_init__(self) -> None:
        found: list[Shown] = [*self.incidents, *self.statements]
        narrow: dict[MonthNo, list[tuple[int, Shown]]] = defaultdict(list)
        for rank, entry in enumerate(found):
            month = _narrow(entry.record.date)
            if month is None:
                self.wide.append((rank, entry))
            else:
                narrow[month].append((rank, entry))
        self.narrow = dict(narrow)
        chart: dict[str, list[Entry[Incident]]] = defaultdict(list)
        for incident in self.incidents:
            d = incident.record.date
            if d.open_start:
                self.open_ends.append(d.end)
            else:
                chart[month_key(d)].append(incident)
                self.starts.append(d.start)
        self.chart_months = dict(chart)
        self.starts.sort()

    def placed(self, start: date, end: date) -> tuple[list[Shown], list[Shown]]:
        """The records inside a month-aligned period and those that only overlap it, each in
        `found` order (as views.briefing.build collects them before sorting)."""
        first, last = month_no(start), month_no(end)
        inside: list[tuple[int, Shown]] = []
        possibly: list[tuple[int, Shown]] = []
        for month in range(first, last + 1):
            inside += self.narrow.get(month, ())
        for rank, entry in self.wide:
            placed = entry.record.date.placement(start, end)
            if placed == "inside":
                inside.append((rank, entry))
            elif placed == "overlaps":
                possibly.append((rank, entry))
        inside.sort(key=lambda item: item[0])
        possibly.sort(key=lambda item: item[0])
        return [e for _, e in inside], [e for _, e in possibly]

    def touching(self, start: date, end: date) -> tuple[list[Entry[Incident]], list[Entry[Statement]]]:
        """The incidents and statements whose date touches [start, end] (month-aligned)."""
        inside, possibly = self.placed(start, end)
        both = [*inside, *possibly]
        return [e for e in both if is_incident(e)], [e for e in both if is_statement(e)]

    def started_by(self, day: date) -> int:
        """How many incidents with a known start began on or before `day`."""
        return bisect.bisect_right(self.starts, day)


class Selections:
    """The selections of one context, made on first use and kept (one build, data fixed), and
    the figures' tables with their dates as day numbers, so that a period's rows are found with
    array comparisons instead of comparing Python dates row by row."""

    def __init__(self, ctx: Context, tables: figures.Tables | None = None) -> None:
        self.ctx = ctx
        self._tables = tables
        self._made: dict[str | None, Selection] = {}
        self._days_made: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
        self._by_region: dict[str, list[int]] | None = None
        self._said_in: dict[str, list[int]] | None = None

    @property
    def tables(self) -> figures.Tables:
        """The figures' tables (`figures.tables(ctx)` unless given), made on first use: a site
        build whose PDFs all come from the cache reads only the records (pdf.py's input keys)."""
        if self._tables is None:
            self._tables = figures.tables(self.ctx)
        return self._tables

    @property
    def _days(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        if self._days_made is None:
            self._days_made = {name: _day_numbers(getattr(self.tables, name))
                               for name in ("incidents", "casualties", "roles")}
        return self._days_made

    def of(self, region: str | None) -> Selection:
        """The records of the whole dataset (None) or of one region with its sub-regions."""
        made = self._made.get(region)
        if made is None:
            made = self._made[region] = self._select(region)
        return made

    def prepare(self, regions: Iterable[str | None]) -> None:
        """Make now the tables and the selections of `regions` that briefings will read (before
        pdf.py forks its workers, so that each does not make them again)."""
        self._days  # noqa: B018  # made on first use
        for region in regions:
            self.of(region)

    def _select(self, region: str | None) -> Selection:
        incidents, statements = self.ctx.incidents(), self.ctx.statements()
        if region is None:
            return Selection(incidents, statements)
        if self._by_region is None or self._said_in is None:
            self._by_region, self._said_in = defaultdict(list), defaultdict(list)
            for i, incident in enumerate(incidents):
                self._by_region[incident.record.region].append(i)
            for i, statement in enumerate(statements):
                for region_id in set(statement.record.regions):
                    self._said_in[region_id].append(i)
        within = {region} | self.ctx.dataset.region_descendants(region)
        inc = sorted({i for r in within for i in self._by_region.get(r, ())})
        said = sorted({i for r in within for i in self._said_in.get(r, ())})
        return Selection([incidents[i] for i in inc], [statements[i] for i in said])

    def rows(self, start: date, end: date, ids: set[str]) -> figures.Tables:
        """The figures' tables cut to the rows whose dates touch [start, end], of the incidents
        `ids`, in their order."""
        lo, hi = start.toordinal(), end.toordinal()
        cut = []
        for name in ("incidents", "casualties", "roles"):
            frame: pd.DataFrame = getattr(self.tables, name)
            if frame.empty:
                cut.append(frame)
                continue
            starts, ends = self._days[name]
            part = frame[(starts <= hi) & (ends >= lo)]
            cut.append(part[part["id"].isin(ids)] if not part.empty else part)
        return figures.Tables(*cut)


def _day_numbers(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    if frame.empty:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return (np.fromiter((d.toordinal() for d in frame["start"]), dtype=np.int64, count=len(frame)),
            np.fromiter((d.toordinal() for d in frame["end"]), dtype=np.int64, count=len(frame)))
