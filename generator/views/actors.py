"""Actor pages and the index of actors."""

from __future__ import annotations

from .common import ACTORS_INDEX, Context, Page


def pages(ctx: Context) -> list[Page]:
    """Placeholder until the page family is written: an index page only."""
    return [Page(ACTORS_INDEX, "placeholder.md.j2", {"title": "Actors"})]
