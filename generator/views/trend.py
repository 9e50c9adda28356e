"""What actor and region pages share: casualty totals that keep "unknown" apart from 0, a monthly
trend (a chart spec and a table of the same numbers), and one-line links to records.

Plain data only; the templates write the Markdown (`_lists.md.j2`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Sequence, TypeVar, cast

import pandas as pd

from ..charts import ChartSpec
from ..dates import year_month
from ..routes import href, month_page
from .common import Ref, RecordView, Shown, month_title

if TYPE_CHECKING:  # figures imports views/common; the views need only its type here
    from ..figures import Tables

E = TypeVar("E", bound=Shown)

#: A chart shows every month between its first and last (empty ones as 0) so that gaps in time
#: look like gaps; past this many bars it shows only months with incidents, rather than draw
#: hundreds of empty bars for a record dated decades apart from the rest.
MAX_FILLED_MONTHS = 120

#: Lists of records on actor and region pages stop here; the rest are in the timeline.
LIST_CAP = 20

_SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --- casualty totals ----------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """A casualty total over some incidents, and how many of them give a count at all.

    `of == 0`: there were no incidents to count. `known == 0`: none gives a count (unknown, which
    is not 0). `0 < known < of`: the total is a floor.
    """

    total: int
    known: int
    of: int

    @property
    def short(self) -> str:
        """For table cells: `20`, `at least 3`, `unknown`, or `—` when there is nothing to count."""
        if self.of == 0:
            return "—"
        if self.known == 0:
            return "unknown"
        return f"{self.total:,}" if self.known == self.of else f"at least {self.total:,}"

    @property
    def text(self) -> str:
        """For figures: `short`, saying how many incidents give no count when some do not."""
        if self.of == 0:
            return "— (no incidents)"
        if self.known == 0:
            return "unknown (no incident gives a count)" if self.of > 1 else "unknown (the incident gives no count)"
        missing = self.of - self.known
        if missing == 0:
            return self.short
        return f"{self.short} ({missing:,} of {self.of:,} incidents give no count)"


def tally(values: Iterable[int | None]) -> Tally:
    """The total of per-incident counts, one value per incident considered (None: it gives no
    count, which adds nothing and is counted as unknown)."""
    total = known = of = 0
    for value in values:
        of += 1
        if value is not None:
            known += 1
            total += value
    return Tally(total, known, of)


Subject = tuple[str, str]  # ("actor", id) or ("group", name): an actor id may read like a group


class CasualtyIndex:
    """The rows of `figures.tables(...).casualties`, by incident and by subject, so that pages can
    sum them per incident without filtering the whole table again for every figure."""

    def __init__(self, casualties: pd.DataFrame, made: list[dict[str, object]] | None = None) -> None:
        """`made`: the table's rows as figures.tables made them (serve's), read instead of the
        table, which pandas gives back a value at a time (0.08 s at 10k incidents): the same rows
        in the same order."""
        self.rows: dict[str, list[tuple[Subject, str, int]]] = defaultdict(list)
        self.incidents_of: dict[Subject, set[str]] = defaultdict(set)
        # (incident, kind) -> the sum of every subject's count: what `count` gives without `only`
        # or `without`, asked for every incident of a region and of each of its months (75,000
        # times per run at 10k incidents), made once from the same rows.
        self._totals: dict[tuple[str, str], int] = {}
        self._read(casualties, made)
        totals = self._totals
        for incident_id, rows in self.rows.items():
            for _, kind, value in rows:
                totals[incident_id, kind] = totals.get((incident_id, kind), 0) + value

    def _read(self, casualties: pd.DataFrame, made: list[dict[str, object]] | None) -> None:
        if made is not None:
            for item in made:
                incident_id = str(item["id"])
                subject: Subject = ("actor" if item["is_actor"] else "group", str(item["subject"]))
                self.rows[incident_id].append((subject, str(item["kind"]), int(cast(int, item["value"]))))
                self.incidents_of[subject].add(incident_id)
            return
        for row in casualties.itertuples(index=False):
            subject = ("actor" if row.is_actor else "group", str(row.subject))
            self.rows[row.id].append((subject, row.kind, int(row.value)))
            self.incidents_of[subject].add(row.id)

    def count(self, incident_id: str, kind: str, only: Subject | None = None,
              without: Subject | None = None) -> int | None:
        """The sum of an incident's `kind` counts (of one subject, or all but one); None when it
        gives none."""
        if only is None and without is None:
            return self._totals.get((incident_id, kind))
        values = [value for subject, k, value in self.rows.get(incident_id, ())
                  if k == kind and (only is None or subject == only) and (without is None or subject != without)]
        return sum(values) if values else None


def casualty_index(tables: Tables) -> CasualtyIndex:
    """`CasualtyIndex` of `tables.casualties`, made once per tables (the region and actor pages
    both read it; read only)."""
    made = tables.__dict__.get("_casualty_index")
    if not isinstance(made, CasualtyIndex):
        rows = tables.__dict__.get("_casualty_rows")
        made = CasualtyIndex(tables.casualties, rows if isinstance(rows, list) else None)
        object.__setattr__(tables, "_casualty_index", made)  # a cache, not a field of the frozen tables
    return made


# --- monthly trend --------------------------------------------------------------------------


def month_axis(keys: Iterable[str]) -> list[str]:
    """Every month from the first key to the last, with a year-only key ("2020 — month not known")
    just before its January; only the keys themselves when that would be more than
    MAX_FILLED_MONTHS bars."""
    present = sorted(set(keys), key=year_month)
    if not present:
        return []
    year, month = year_month(present[0])
    last = year_month(present[-1])
    if (last[0] - year) * 12 + (last[1] - month) > MAX_FILLED_MONTHS:
        return present
    out = []
    while (year, month) <= last:
        key = f"{year:04d}" if month == 0 else f"{year:04d}-{month:02d}"
        if month != 0 or key in present:
            out.append(key)
        year, month = (year + 1, 0) if month == 12 else (year, month + 1)
    return out


def axis_label(key: str) -> str:
    """A short x-axis label: `Apr 2020`, or `2020 (no month)` for records dated to the year."""
    year, month = year_month(key)
    return f"{_SHORT_MONTHS[month - 1]} {year}" if month else f"{year} (no month)"


@dataclass(frozen=True)
class TrendRow:
    month: Ref  # the timeline page of that month
    counts: tuple[int, ...]  # one per series, in the order of `Trend.columns`
    total: int
    extra: tuple[str, ...]  # further cells, already text (casualty totals)


@dataclass(frozen=True)
class Trend:
    """A chart of incidents per month and the table of the same numbers (months with incidents)."""

    image: str | None  # the SVG's href from the page; None when there are no incidents
    alt: str
    columns: tuple[str, ...]  # series labels
    extra_columns: tuple[str, ...]
    rows: tuple[TrendRow, ...]
    note: str  # how incidents are split into series, for readers
    undated: int = 0  # incidents dated only "by" a day ({to: DATE}): in no month, so not in the trend

    @property
    def undated_text(self) -> str:
        """What readers are told of the incidents the trend leaves out for want of a month."""
        n = self.undated
        return (f"{n:,} {'incident is' if n == 1 else 'incidents are'} dated only “by” a day (the start is not "
                f"known), so {'it is' if n == 1 else 'they are'} in no month here." if n else "")


def monthly(
    *,
    name: str,
    page: str,
    title: str,
    alt: str,
    incidents: Iterable[tuple[str, str, str]],
    series: Sequence[tuple[str, str]],
    note: str,
    extra_columns: tuple[str, ...] = (),
    extra: Callable[[list[str]], tuple[str, ...]] = lambda _ids: (),
    undated: int = 0,
) -> tuple[Trend, ChartSpec | None]:
    """The trend of `incidents` — (id, month page key, series value), one per incident — as a
    table and a chart named `name`. `series` gives every series value, in order, with its label
    (only those that occur are shown); `extra(ids)` adds cells to a month's table row from the
    ids of its incidents; `undated` is how many incidents were left out for want of a month
    (`{to: DATE}`). No chart when there are no incidents."""
    ids_by_month: dict[str, list[str]] = defaultdict(list)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for incident_id, month, value in incidents:
        ids_by_month[month].append(incident_id)
        counts[month, value] += 1
    if not ids_by_month:
        return Trend(None, alt, (), extra_columns, (), note, undated), None
    present = {value for _, value in counts}
    shown = [(value, label) for value, label in series if value in present]
    shown += [(value, value) for value in sorted(present - {value for value, _ in series})]  # never drop one
    axis = month_axis(ids_by_month)
    rows = tuple(
        TrendRow(
            Ref(month_title(key), href(page, month_page(key))),
            tuple(counts.get((key, value), 0) for value, _ in shown),
            len(ids_by_month[key]),
            extra(ids_by_month[key]),
        )
        for key in axis if key in ids_by_month
    )
    spec = ChartSpec(
        name=name,
        title=title,
        alt=alt,
        x_labels=tuple(axis_label(key) for key in axis),
        series=tuple((label, tuple(float(counts.get((key, value), 0)) for key in axis)) for value, label in shown),
    )
    trend = Trend(href(page, spec.path), alt, tuple(label for _, label in shown), extra_columns, rows, note, undated)
    return trend, spec


# --- records as one line --------------------------------------------------------------------


@dataclass(frozen=True)
class RecordLine:
    """An incident or statement as one line of a list, linking to its place in the timeline."""

    date: str
    title: str
    href: str
    type_label: str | None = None
    region: Ref | None = None
    note: str | None = None  # e.g. the actor's role in it
    status: str = "published"


def record_line(view: RecordView, note: str | None = None) -> RecordLine:
    """The line for a record, from its full view (links relative to the same page)."""
    return RecordLine(view.date, view.title, view.permalink, view.type_label, view.region, note, view.status)


def newest(entries: Iterable[E], cap: int = LIST_CAP) -> tuple[list[E], int]:
    """The `cap` newest records, newest first (by the start of their date, then id, reversed),
    and how many were left out. Views are built only for the ones shown."""
    ordered = sorted(entries, key=lambda e: (e.record.date.sort_key(), e.id), reverse=True)
    return ordered[:cap], max(0, len(ordered) - cap)
