"""Which PDF briefings the site offers, and where each goes: one per month of the timeline, and
one per region for the latest month with records there. The timeline and region views link them
(only when `Context.pdfs` says the build writes them), and `generator/pdf.py` renders them.
"""

from __future__ import annotations

from typing import Iterable

from ..dates import month_bounds, month_key
from ..link import Entry
from ..models import Incident, Statement
from ..routes import pdf_file
from .briefing import Request
from .common import Context


def pdf_path(request: Request) -> str:
    """Where the site keeps a briefing's PDF, in the content folder: `pdf/<name>.pdf`."""
    return pdf_file(request.name)


def month_request(key: str) -> Request:
    """The site's briefing for one timeline month (`2020-04`)."""
    return Request(*month_bounds(key))


def region_latest_months(ctx: Context) -> dict[str, str]:
    """For each region with records, the latest month (`2020-04`) in which one starts: an incident
    in it or a sub-region, or a statement naming it or a sub-region (records dated to a year only
    belong to no month)."""
    latest: dict[str, str] = {}

    def note(region_ids: Iterable[str], key: str) -> None:
        for region_id in region_ids:
            if key > latest.get(region_id, ""):
                latest[region_id] = key

    for incident in ctx.incidents():
        key = month_key(incident.record.date)
        if "-" in key:
            note([incident.record.region, *ctx.dataset.region_ancestors(incident.record.region)], key)
    for statement in ctx.statements():
        key = month_key(statement.record.date)
        if "-" in key:
            for region_id in statement.record.regions:
                note([region_id, *ctx.dataset.region_ancestors(region_id)], key)
    return {r: k for r, k in sorted(latest.items()) if r in ctx.dataset.regions}


def region_request(region_id: str, key: str) -> Request:
    """The site's briefing for a region's latest month."""
    return Request(*month_bounds(key), region=region_id)


def site_requests(ctx: Context) -> list[Request]:
    """Every PDF the site offers: one per month of the timeline (not for the groups of records
    dated to a year only), and one per region with records, for its latest month."""
    entries: list[Entry[Incident] | Entry[Statement]] = [*ctx.incidents(), *ctx.statements()]
    keys = sorted({month_key(e.record.date) for e in entries})
    out = [month_request(k) for k in keys if "-" in k]
    out += [region_request(r, k) for r, k in region_latest_months(ctx).items()]
    return out
