"""The overview (home page): key figures, latest records, a chart."""

from __future__ import annotations

from .common import OVERVIEW, Context, Page


def pages(ctx: Context) -> list[Page]:
    """Placeholder until the page family is written: an index page only."""
    return [Page(OVERVIEW, "placeholder.md.j2", {"title": "Overview"})]
