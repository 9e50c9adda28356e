"""Every tag and the records that carry it."""

from __future__ import annotations

from .common import TAGS_PAGE, Context, Page


def pages(ctx: Context) -> list[Page]:
    """Placeholder until the page family is written: an index page only."""
    return [Page(TAGS_PAGE, "placeholder.md.j2", {"title": "Tags"})]
