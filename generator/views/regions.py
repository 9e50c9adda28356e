"""Region pages (with roll-up of sub-regions) and the index of regions."""

from __future__ import annotations

from .common import REGIONS_INDEX, Context, Page


def pages(ctx: Context) -> list[Page]:
    """Placeholder until the page family is written: an index page only."""
    return [Page(REGIONS_INDEX, "placeholder.md.j2", {"title": "Regions"})]
