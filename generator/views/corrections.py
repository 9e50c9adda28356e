"""Corrections: every published incident and statement whose facts were corrected, the most
recently corrected first, each linked to the record (which shows its corrections too).

Readers who cited a record must be able to see that it changed: the page lists every corrected
record, without a cap (corrections are few, and hiding one would defeat the page). Drafts and
records in review are never listed, in a preview build neither.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..dates import format_date
from ..models import Incident
from ..routes import CORRECTIONS_PAGE, TIMELINE_INDEX, WHATSNEW_PAGE, href
from .common import Context, CorrectionView, Family, Page, Shown
from .tags import RecordLink, record_link


@dataclass(frozen=True)
class CorrectedRecord:
    record: RecordLink  # title, date and the link to its place on the timeline
    corrections: tuple[CorrectionView, ...]  # the newest first


@dataclass(frozen=True)
class CorrectionsPage:
    path: str
    records: tuple[CorrectedRecord, ...]  # the most recently corrected first
    corrections: int  # how many corrections in all
    timeline_href: str
    whatsnew_href: str


def pages(ctx: Context) -> list[Page]:
    """The one Corrections page."""
    return [Page(CORRECTIONS_PAGE, "corrections.md.j2", build(ctx))]


#: This module as a page family of the site (views/families.py lists it).
FAMILY = Family("corrections", pages)


def build(ctx: Context) -> CorrectionsPage:
    """Every published record with at least one correction, as data."""
    corrected: list[tuple[tuple[int, int, int, str], CorrectedRecord]] = []
    entries: list[Shown] = [*ctx.dataset.incidents.values(), *ctx.dataset.statements.values()]
    total = 0
    for entry in entries:
        record = entry.record
        if record.status != "published" or not record.corrections:
            continue
        # newest first: by the start, then the end of the date (a day before its month), then
        # the order written (a stable sort keeps it for corrections of the same date)
        ordered = sorted(record.corrections, key=lambda c: c.date.sort_key(), reverse=True)
        latest_start, latest_end = ordered[0].date.sort_key()
        kind_rank = 0 if isinstance(record, Incident) else 1  # incidents before statements on a tie
        key = (-latest_start.toordinal(), -latest_end.toordinal(), kind_rank, entry.id)
        corrected.append((key, CorrectedRecord(
            record_link(ctx, entry, CORRECTIONS_PAGE),
            tuple(CorrectionView(format_date(c.date), c.note) for c in ordered),
        )))
        total += len(ordered)
    corrected.sort(key=lambda pair: pair[0])
    return CorrectionsPage(CORRECTIONS_PAGE, tuple(c for _, c in corrected), total,
                           href(CORRECTIONS_PAGE, TIMELINE_INDEX), href(CORRECTIONS_PAGE, WHATSNEW_PAGE))
