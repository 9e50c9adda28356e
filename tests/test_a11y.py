"""Every page type passes axe-core's WCAG 2.1 AA rules, in the light and the dark colour scheme.

axe-core (vendored from the npm registry: tests/vendor/axe-core/axe.min.js, injected by
browser_helpers.axe_violations, never loaded from anywhere else) runs inside Debian's chromium on
the example site of data/ and on tests/fixtures/base, each built once per session and served on
127.0.0.1. Only the rules tagged `wcag2a`, `wcag2aa` and `wcag21aa` run. A failure lists each
element with its rule, a selector and its markup, and axe-core's own reason (the colours and the
contrast ratio, for instance).

A new page type is one more entry in PAGES (or BASE_PAGES): every test below runs on it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from browser_helpers import REPO, AxeViolation, Served, axe_violations, launch, serve
from generator import routes

pytestmark = pytest.mark.slow

#: The search dialog, open with results shown (for a word the example data has on many pages).
SEARCH = "search dialog"

#: One page of each type, by the address below the site's root (`SEARCH`: the overview with the
#: search dialog open). Pages of records are reached by their route, so a renamed page fails here
#: rather than quietly testing a "page not found".
PAGES: dict[str, str] = {
    "overview": "",
    "timeline index": "timeline/",
    "month": "timeline/2020-04/",
    "actors index": "actors/",
    "actor": "actors/isis/",
    "regions index": "regions/",
    "region": "regions/kirkuk/",
    "statements index": "statements/",
    "statements of a month": "statements/2020-04/",
    "sources": "sources/",
    "tags": "tags/",
    "what's new": "whatsnew/",
    "corrections": "corrections/",
    "data": "data/",
    "methodology": "methodology/",
    "about": "about/",
    "map": "explorer/",
    "map, filtered by its address": "explorer/?region=kirkuk&type=armed-clash",
    "page not found": "404.html",
    SEARCH: "",
}

#: tests/fixtures/base: one incident, statement and source, so nearly every list is short or empty.
BASE_PAGES: dict[str, str] = {
    "overview": "", "month": "timeline/2020-04/", "actor": "actors/isis/", "region": "regions/hawija/",
    "corrections": "corrections/", "what's new": "whatsnew/",
}

#: How Material names each colour scheme on <body data-md-color-scheme>.
SCHEMES = {"light": "default", "dark": "slate"}


def test_pages_are_the_routes_of_their_records() -> None:
    """The record pages above are where the generator puts them (a guard for this file only)."""
    for name, md_path in (("month", routes.month_page("2020-04")), ("actor", routes.actor_page("isis")),
                          ("region", routes.region_page("kirkuk")),
                          ("statements of a month", routes.statements_page("2020-04"))):
        assert PAGES[name] == md_path.removesuffix(".md") + "/"


# --- sites, servers and browsers (once per session) ----------------------------------------
# `playwright` (one driver for the session, Debian's chromium) comes from tests/conftest.py.


@pytest.fixture(scope="session")
def example_site(example: Served) -> Served:
    """The example data's site (conftest.py's, shared with the other browser tests)."""
    return example


@pytest.fixture(scope="session")
def base_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """tests/fixtures/base, built and served."""
    root = tmp_path_factory.mktemp("a11y-base")
    shutil.copytree(REPO / "tests" / "fixtures" / "base", root / "data")
    yield from serve(root / "data", root / "work")


@pytest.fixture(scope="module", params=list(SCHEMES))
def scheme(request: pytest.FixtureRequest) -> str:
    """The reader's colour scheme (prefers-color-scheme), one at a time."""
    return str(request.param)


@pytest.fixture(scope="module")
def context(playwright: Playwright, scheme: str,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """One browser per colour scheme for the module (pages do not change each other: only the
    palette toggle stores anything, and it has its own browser below)."""
    ctx = launch(playwright, tmp_path_factory.mktemp(f"a11y-profile-{scheme}"), color_scheme=scheme)
    ctx.set_default_timeout(15_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A fresh tab."""
    tab = context.new_page()
    try:
        yield tab
    finally:
        tab.close()


# --- opening a page as a reader sees it ----------------------------------------------------


def open_page(page: Page, site: Served, name: str, address: str) -> None:
    """Open `address` and wait until it is drawn; for SEARCH, type a query and wait for results."""
    response = page.goto(site.url + address, wait_until="networkidle")
    assert response is not None and response.ok, f"{name}: {site.url + address} answered {response and response.status}"
    if name == SEARCH:
        page.locator("input.md-search__input").click()
        page.keyboard.type("Kirkuk")
        expect(page.locator("li.md-search-result__item").first).to_be_visible()
        # "N more on this page" opened too, so that the nested results are checked as well.
        more = page.locator("details.md-search-result__more:not([open]) > summary").first
        if more.count():
            more.click()
        expect(page.locator("li.md-search-result__item").nth(1)).to_be_visible()


def describe(violations: list[AxeViolation]) -> str:
    """One paragraph per failing element, for the assertion message."""
    return f"{len(violations)} WCAG 2.1 AA violation(s):\n" + "\n".join(f"  {v}" for v in violations)


def check(page: Page, expected_scheme: str) -> None:
    """The page is drawn in `expected_scheme` and axe-core finds nothing."""
    assert page.evaluate("() => document.body.dataset.mdColorScheme") == expected_scheme
    violations = axe_violations(page)
    assert violations == [], describe(violations)


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PAGES))
def test_example_page_passes_wcag_21_aa(example_site: Served, page: Page, scheme: str, name: str) -> None:
    """Each page type of the example site, in the reader's colour scheme, passes axe-core's
    WCAG 2.0/2.1 A and AA rules: contrast, links told apart from text by more than colour, names
    and labels, landmarks."""
    open_page(page, example_site, name, PAGES[name])
    check(page, SCHEMES[scheme])


@pytest.mark.parametrize("name", list(BASE_PAGES))
def test_base_fixture_page_passes_wcag_21_aa(base_site: Served, page: Page, scheme: str, name: str) -> None:
    """The same on the smallest valid data (tests/fixtures/base): short and empty lists too."""
    open_page(page, base_site, name, BASE_PAGES[name])
    check(page, SCHEMES[scheme])


@pytest.mark.parametrize("start", list(SCHEMES))
def test_palette_toggle_gives_a_passing_page(example_site: Served, playwright: Playwright,
                                             tmp_path: Path, start: str) -> None:
    """A reader who switches the colour scheme with Material's toggle in the header gets the other
    scheme, and it passes as well (the choice is stored, so it has its own browser)."""
    ctx = launch(playwright, tmp_path / "profile", color_scheme=start)
    try:
        tab = ctx.pages[0] if ctx.pages else ctx.new_page()
        tab.goto(example_site.url + PAGES["month"], wait_until="networkidle")
        other = next(s for s in SCHEMES if s != start)
        # The toggle shown is the one that switches to the other scheme.
        tab.locator("form[data-md-component=palette] label:visible").first.click()
        expect(tab.locator("body")).to_have_attribute("data-md-color-scheme", SCHEMES[other])
        check(tab, SCHEMES[other])
    finally:
        ctx.close()


def test_axe_finds_what_it_should(example_site: Served, page: Page) -> None:
    """The check itself works: a page made worse on purpose (grey text on white, an image with no
    text alternative, a link in the site's link colour without its underline, as every link was
    before) is reported, each with its rule and place."""
    open_page(page, example_site, "about", PAGES["about"])
    page.evaluate("""() => {
        const article = document.querySelector('article');
        article.insertAdjacentHTML('beforeend',
          '<p style="color:#bbb;background:#fff" id="faint">faint</p><img src="x.png" id="bare">'
          + '<p>Text <a id="plain" style="text-decoration:none;color:var(--md-typeset-a-color)"'
          + ' href="#">link</a> text.</p>');
    }""")
    found = {(v.rule, v.target) for v in axe_violations(page)}
    assert ("color-contrast", "#faint") in found
    assert ("image-alt", "#bare") in found
    assert ("link-in-text-block", "#plain") in found
