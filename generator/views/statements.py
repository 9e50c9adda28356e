"""Statements by month."""

from __future__ import annotations

from .common import STATEMENTS_INDEX, Context, Page


def pages(ctx: Context) -> list[Page]:
    """Placeholder until the page family is written: an index page only."""
    return [Page(STATEMENTS_INDEX, "placeholder.md.j2", {"title": "Statements"})]
