"""Every page family of the site, in the order the build makes their pages.

A family is a module of `views/` with a `FAMILY = Family(name, pages)` (views/common.py): its name
is its row in `routes.FOLDERS`, which is where the writer lets it write. Adding a family means its
module, its template, its row in `routes.FOLDERS` and one line here (see docs/design.md).
"""

from __future__ import annotations

from . import (actors, corrections, data, explorer, feed, overview, regions, search, sources, statements, tags,
               timeline, whatsnew)
from .common import Family

FAMILIES: tuple[Family, ...] = (
    overview.FAMILY,
    timeline.FAMILY,
    actors.FAMILY,
    regions.FAMILY,
    statements.FAMILY,
    sources.FAMILY,
    tags.FAMILY,
    whatsnew.FAMILY,
    corrections.FAMILY,
    data.FAMILY,
    feed.FAMILY,
    explorer.FAMILY,
    search.FAMILY,
)
