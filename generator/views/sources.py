"""Every outlet with counts and every cited URL."""

from __future__ import annotations

from .common import SOURCES_PAGE, Context, Page


def pages(ctx: Context) -> list[Page]:
    """Placeholder until the page family is written: an index page only."""
    return [Page(SOURCES_PAGE, "placeholder.md.j2", {"title": "Sources"})]
