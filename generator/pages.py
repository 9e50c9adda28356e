"""Which record owns which page: two owners of one page path is a data problem (`page-conflict`).

Actors and regions each get a page named after their id (`actors/<id>.md`, `regions/<id>.md`,
see `routes.py`). An id is free text within the id pattern, so an actor with the id `index`
would be written over the index of actors, and any future family that maps records of two kinds
into one folder could make two records share a page. The writer refuses to write a path twice,
but only the validator knows the records' files and lines, so it reports the conflict there, at
the `id` of every record involved, each naming the other owners of the page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Iterator

from .kinds import OWN_PAGES
from .kinds import SINGULAR as _SINGULAR
from .link import Facts
from .problems import CODES, Problem, problem
from .routes import (ACTORS_INDEX, OVERVIEW, REGIONS_INDEX, SOURCES_PAGE, STATEMENTS_INDEX, TAGS_PAGE, TIMELINE_INDEX,
                     actor_page, region_page)

#: Pages every site has, whatever the data, and what a reader knows them as.
FIXED_PAGES: dict[str, str] = {
    OVERVIEW: "the overview",
    TIMELINE_INDEX: "the timeline",
    ACTORS_INDEX: "the list of all actors",
    REGIONS_INDEX: "the list of all regions",
    STATEMENTS_INDEX: "the list of statements",
    SOURCES_PAGE: "the list of sources",
    TAGS_PAGE: "the list of tags",
}

#: The record kinds that get a page of their own (`kinds.OWN_PAGES`), and where it goes: a kind
#: registered with pages of its own and no route here fails at import.
OWN_PAGE = {kind: {"actors": actor_page, "regions": region_page}[kind] for kind in OWN_PAGES}


@dataclass(frozen=True)
class _Owner:
    """A record whose own page is `page`."""

    kind: str
    id: str
    item: Facts

    def describe(self) -> str:
        return f"{_SINGULAR[self.kind]} `{self.id}` ({self.item.path}:{self.item.raw.line})"


def page_conflicts(loaded: Iterable[Facts]) -> Iterator[Problem]:
    """A `page-conflict` at the id of every valid record whose page another record or a fixed page
    of the site also needs; each problem names the page file and the other owners' files."""
    owners: dict[str, list[_Owner]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for item in loaded:
        to_page = OWN_PAGE.get(item.kind)
        record_id = item.id
        if to_page is None or (item.kind, record_id) in seen:
            continue  # a second record with one id is `duplicate-id`, not a conflict of pages
        seen.add((item.kind, record_id))
        # Case folded: two paths that differ only by case are one file on macOS and Windows.
        owners[to_page(record_id).casefold()].append(_Owner(item.kind, record_id, item))
    fixed = {path.casefold(): (path, label) for path, label in FIXED_PAGES.items()}
    for key in sorted(owners):
        found = owners[key]
        if len(found) < 2 and key not in fixed:
            continue
        for owner in found:
            page = OWN_PAGE[owner.kind](owner.id)
            clashes = []
            if key in fixed:
                clashes.append(CODES["page-conflict"].format("fixed", label=fixed[key][1]))
            others = [other.describe() for other in found if other is not owner]
            if others:
                clashes.append(CODES["page-conflict"].format("others", others=" and of ".join(others)))
            line, col = owner.item.raw.locate(("id",))
            yield problem("page-conflict", owner.item.path, line, col,
                          kind=_SINGULAR[owner.kind], id=owner.id, page=page, clashes="; ".join(clashes))
