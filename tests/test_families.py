"""Page families and the site's table of routes agree: every family writes only under its own
names of `routes.FOLDERS` (and the shared charts folder), every PDF goes to the PDF folder, and
the writer's generated names are the table's."""

from __future__ import annotations

from conftest import REPO

from generator import routes, write
from generator.site import site_pages
from generator.validate import validate
from generator.views.common import Context
from generator.views.families import FAMILIES
from generator.views.pdfs import pdf_path, site_requests


def test_the_writer_owns_exactly_the_names_of_the_routes_table() -> None:
    assert write.GENERATED == routes.GENERATED == tuple(name for name, _ in routes.FOLDERS)
    names = [family.name for family in FAMILIES]
    assert len(set(names)) == len(names), "two families of one name"
    owners = {owner for _, owner in routes.FOLDERS}
    assert owners == set(names) | {"charts", "pdfs"}, "a row of routes.FOLDERS without its family, or the reverse"


def test_every_family_writes_only_under_its_own_names() -> None:
    result = validate(REPO / "data")
    assert result.dataset is not None
    ctx = Context(result.dataset, event_types=result.config.all_event_types(), pdfs=True)
    strays = []
    for family in FAMILIES:
        pages = family.pages(ctx)
        assert pages, f"{family.name} makes no page from the example data"
        allowed = routes.family_names(family.name)
        strays += [f"{family.name}: {p.path}" for p in pages if p.path.split("/")[0] not in allowed]
    assert not strays
    pdfs = [pdf_path(request) for request in site_requests(ctx)]
    assert pdfs and all(path.startswith(routes.PDF_FOLDER + "/") and path.endswith(".pdf") for path in pdfs)


def test_the_build_makes_the_pages_of_every_family_in_the_registry_order() -> None:
    result = validate(REPO / "data")
    assert result.dataset is not None and result.config is not None
    pages = site_pages(result.dataset, result.config)
    firsts = []
    for page in pages:
        top = page.path.split("/")[0]
        if top != routes.CHARTS_FOLDER and top not in firsts:
            firsts.append(top)
    assert firsts == [name for family in FAMILIES for name in routes.family_names(family.name)
                      if name != routes.CHARTS_FOLDER]
