"""The timeline: one page per month (never one per incident), incidents and statements
interleaved by the start of their date, and an index of months with counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..charts import ChartSpec
from ..dates import month_key
from ..link import Entry
from ..models import Incident, Statement
from ..routes import TAGS_PAGE, TIMELINE_INDEX, href, month_page
from .common import Context, Family, Kept, Page, RecordView, Ref, month_title
from .pdfs import month_request, pdf_path


@dataclass(frozen=True)
class MonthPage:
    key: str  # "2020-04", or "2020" for records dated only to the year
    title: str
    path: str
    records: tuple[RecordView, ...]
    incidents: int
    statements: int
    previous: Ref | None
    next: Ref | None
    index_href: str
    tag_href: str
    pdf_href: str | None = None  # the month's PDF briefing, when the build makes PDFs

    @property
    def is_year(self) -> bool:
        return "-" not in self.key


@dataclass(frozen=True)
class MonthRow:
    month: Ref
    incidents: int
    statements: int


@dataclass(frozen=True)
class TimelineIndex:
    path: str
    rows: tuple[MonthRow, ...]


#: The incidents and the statements of one month page.
_Month = tuple[list[Entry[Incident]], list[Entry[Statement]]]


def month_keys(ctx: Context) -> dict[str, _Month]:
    """Visible incidents and statements grouped by the month page that lists them, in order."""
    groups: dict[str, _Month] = defaultdict(lambda: ([], []))
    for incident in ctx.incidents():
        groups[month_key(incident.record.date)][0].append(incident)
    for statement in ctx.statements():
        groups[month_key(statement.record.date)][1].append(statement)
    return dict(sorted(groups.items()))


def pages(ctx: Context) -> list[Page | Kept]:
    """The timeline index and every month page (each as data, or `Kept` by `briefing build`'s
    page record when the records of the month, its neighbours and the PDF setting are those it
    was made from: ViewMemo.kept)."""
    groups = month_keys(ctx)
    keys = list(groups)
    out: list[Page | Kept] = [Page(TIMELINE_INDEX, "timeline_index.md.j2", _index(groups))]
    for i, key in enumerate(keys):
        incidents, statements = groups[key]
        objects = (*(e.record for e in incidents), None, *(e.record for e in statements))
        values = repr((keys[i - 1] if i > 0 else None, keys[i + 1] if i + 1 < len(keys) else None, ctx.pdfs))

        def make(i: int = i) -> list[Page | ChartSpec]:
            page = _month(ctx, groups, keys, i)
            return [Page(page.path, "month.md.j2", page)]

        made = ctx.memo.kept("timeline", key, objects, values, make, paths=(month_page(key),))
        out += [p for p in made if isinstance(p, (Page, Kept))]
    return out


#: This module as a page family of the site (views/families.py lists it).
FAMILY = Family("timeline", pages)


def build(ctx: Context) -> tuple[TimelineIndex, list[MonthPage]]:
    """The index and every month page, as data."""
    groups = month_keys(ctx)
    keys = list(groups)
    return _index(groups), [_month(ctx, groups, keys, i) for i in range(len(keys))]


def _month(ctx: Context, groups: dict[str, _Month], keys: list[str], i: int) -> MonthPage:
    """The page of the month `keys[i]`: its records, and links to the months before and after."""
    key = keys[i]
    path = month_page(key)
    incidents, statements = groups[key]
    views = sorted(
        [ctx.record_view(e, path) for e in incidents] + [ctx.record_view(e, path) for e in statements],
        key=lambda v: v.sort_key,
    )
    previous = Ref(month_title(keys[i - 1]), href(path, month_page(keys[i - 1]))) if i > 0 else None
    following = Ref(month_title(keys[i + 1]), href(path, month_page(keys[i + 1]))) if i + 1 < len(keys) else None
    return MonthPage(
        key, month_title(key), path, tuple(views), len(incidents), len(statements), previous, following,
        href(path, TIMELINE_INDEX), href(path, TAGS_PAGE),
        href(path, pdf_path(month_request(key))) if ctx.pdfs and "-" in key else None,
    )


def _index(groups: dict[str, _Month]) -> TimelineIndex:
    keys = list(groups)
    rows = tuple(
        MonthRow(Ref(month_title(k), href(TIMELINE_INDEX, month_page(k))), len(groups[k][0]), len(groups[k][1]))
        for k in reversed(keys)  # newest first: what readers look for
    )
    return TimelineIndex(TIMELINE_INDEX, rows)
