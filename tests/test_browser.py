"""The built site in a real browser: what a reader sees and does.

Debian's chromium (driven by Playwright, never Playwright's own browser download) opens sites built
once per session from the example data in data/ and from a hostile copy of tests/fixtures/base,
served on 127.0.0.1. The tests search, follow links, look for scripts that should not run, print,
and watch every request the pages make. They are slow (a browser and two MkDocs builds) but run in
`make test` and in CI: a missing browser is installed (as root) or is a failure, never a skip.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import Page, expect

from browser_helpers import REPO, Served, Tab, serve
from generator.link import Dataset
from generator.models import Incident
from generator.dates import month_key
from generator.routes import actor_page, month_page

pytestmark = pytest.mark.slow

BASE = REPO / "tests" / "fixtures" / "base"

HOSTILE_TITLE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
HOSTILE_LINK_MD = "[click](javascript:alert(3))"
HOSTILE_LINK_HTML = '<a href="javascript:alert(4)">x</a>'
HOSTILE_TEMPLATE = "{{ 7*7 }}"
HOSTILE_HEADING = "# not a heading"


# --- sites and servers (once per session) ----------------------------------------------------


# `chromium` and `playwright` (one driver for the whole session, shared with tests/test_a11y.py:
# Playwright's sync API allows one at a time) are in tests/conftest.py.


# `example` (the example data's site, built once for every browser test module) is in conftest.py.


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """tests/fixtures/base with an incident whose text tries every way to run or inject code."""
    root = tmp_path_factory.mktemp("hostile-site")
    data = root / "data"
    shutil.copytree(BASE, data)
    path = data / "incidents" / "2020" / "04" / "attack.yml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["title"] = HOSTILE_TITLE
    # Each paragraph on its own, so that none could hide behind another one's escaping.
    record["summary"] = f"{HOSTILE_LINK_MD}\n\n{HOSTILE_LINK_HTML}\n\n{HOSTILE_HEADING} in the summary"
    # A line break before `#`: a heading if the line were pasted into Markdown unescaped.
    record["place"] = f"{HOSTILE_TEMPLATE}\n{HOSTILE_HEADING}"
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    yield from serve(data, root / "work")


#: Markup that runs script wherever a theme prints it unescaped: an event handler, and a way out of
#: `<title>` (whose content is not HTML, so a plain tag there runs nothing).
HOSTILE_MARKUP = "<img src=x onerror=alert(11)></title><script>alert(12)</script>"
#: What must stay literal besides: a Jinja expression and tag, a Markdown emphasis, an HTML entity.
HOSTILE_LITERALS = "{{ 7*7 }} {% raw %} *em* &amp;"
HOSTILE_NAME = f"{HOSTILE_MARKUP} {HOSTILE_LITERALS}"
SITE_NAME = "Conflict briefing"  # mkdocs.yml's site_name, which Material prints after each page title


@pytest.fixture(scope="session")
def hostile_names(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """tests/fixtures/base with a hostile name or title in every kind of record that gives a page
    or a heading its title (actor, speaker, region, incident, statement, source) and in
    briefing.yml's `title` (the overview's title). Tags are slugs (a-z, 0-9, -): no markup fits."""
    root = tmp_path_factory.mktemp("hostile-names")
    data = root / "data"
    shutil.copytree(BASE, data)

    def edit(relative: str, change: dict[str, object], index: int | None = None) -> None:
        path = data / relative
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        (loaded[index] if index is not None else loaded).update(change)
        path.write_text(yaml.safe_dump(loaded, allow_unicode=True, sort_keys=False), encoding="utf-8")

    edit("actors/isis.yml", {"name": f"Actor {HOSTILE_NAME}"})
    edit("actors/spokesman.yml", {"name": f"Speaker {HOSTILE_NAME}", "title": f"Job {HOSTILE_NAME}"})
    edit("regions/regions.yml", {"name": f"Region {HOSTILE_NAME}"}, index=2)  # hawija, the incident's region
    edit("incidents/2020/04/attack.yml", {"title": f"Incident {HOSTILE_NAME}"})
    edit("statements/2020/04/said.yml", {"paraphrase": f"Statement {HOSTILE_NAME}"})
    edit("sources/rudaw.yml", {"name": f"Source {HOSTILE_NAME}"})
    (root / "briefing.yml").write_text(yaml.safe_dump({"title": f"Site {HOSTILE_NAME}"}, allow_unicode=True),
                                       encoding="utf-8")
    yield from serve(data, root / "work")


# --- one browser per test ------------------------------------------------------------------


# `Tab` (browser_helpers) and the fixtures `browser` and `tab` (a fresh profile a test, recording what
# the page did) are in conftest.py, shared with tests/test_explorer.py.


def isis_incidents(dataset: Dataset) -> list[Incident]:
    """The incidents the example data links to the actor `isis` (the one with the alias Daesh)."""
    return sorted((e.record for e in dataset.incidents.values() if any(a.actor == "isis" for a in e.record.actors)),
                  key=lambda r: r.id)


# --- the tests ---------------------------------------------------------------------------------


def test_search_by_alias_finds_incidents(example: Served, tab: Tab) -> None:
    """Typing an alias ("Daesh") into the search box finds the ISIS incidents, whose titles do not
    contain the word: the "Also known as" line of each record is what the search indexes."""
    isis = {r.id: r for r in isis_incidents(example.dataset)}
    assert "Daesh" in example.dataset.actors["isis"].record.aliases
    assert isis, "the example data has no ISIS incident to search for"
    page = tab.page
    page.goto(example.url)
    page.locator("input.md-search__input").click()
    page.keyboard.type("Daesh")
    expect(page.locator("li.md-search-result__item").first).to_be_visible()
    # Material folds a page's further matching sections under "N more on this page": open them
    # as a reader would.
    # One closed "more" at a time, found afresh: Material re-renders the list while results come
    # in, so a list of the summaries taken once may name ones that are gone by their turn.
    closed = page.locator("details.md-search-result__more:not([open]) > summary")
    for _ in range(100):
        if closed.count() == 0:
            break
        closed.first.click()
    found: dict[str, str] = {}
    for link in page.locator("a.md-search-result__link").all():
        if not link.is_visible():
            continue
        fragment = urlsplit(link.get_attribute("href") or "").fragment
        if fragment in isis:
            found[fragment] = link.inner_text()
    assert found, "no ISIS incident among the results for 'Daesh'"
    for incident_id, text in found.items():
        title = isis[incident_id].title
        assert title in text, f"the result for {incident_id} does not show its title {title!r}: {text!r}"
        assert "daesh" not in title.lower()  # found through the aliases, not the title
        assert "Daesh" in text  # and the result shows the reader why it matched
    assert not tab.errors


def search_results(page: Page, query: str) -> dict[str, str]:
    """Type `query` into the search box of the page shown, open every "N more on this page", and
    return the text of each visible result by the fragment of its link ("" for a page's own)."""
    page.locator("input.md-search__input").click()
    page.keyboard.type(query)
    expect(page.locator("li.md-search-result__item").first).to_be_visible()
    page.wait_for_timeout(300)  # the worker's answer to the whole query replaces any earlier list
    # One closed "more" at a time, found afresh: Material re-renders the list while results come
    # in, so a list of the summaries taken once may name ones that are gone by their turn.
    closed = page.locator("details.md-search-result__more:not([open]) > summary")
    for _ in range(100):
        if closed.count() == 0:
            break
        closed.first.click()
    return {urlsplit(link.get_attribute("href") or "").fragment: link.inner_text()
            for link in page.locator("a.md-search-result__link").all() if link.is_visible()}


def test_search_by_region_or_place_finds_incidents(example: Served, tab: Tab) -> None:
    """A region up an incident's trail ("Salahaddin", which neither its title nor its summary
    names) and the place as written ("Garmiyan area") find the incident, with its title."""
    page = tab.page
    page.goto(example.url)
    for query, incident_id in (("Salahaddin", "tuz-khurmatu-pmf-killing-2020-04"),
                               ("Garmiyan area", "kolajo-attack-2020-04")):
        record = example.dataset.incidents[incident_id].record
        assert query.split()[0] not in record.title
        found = search_results(page, query)
        assert incident_id in found, f"{query!r} did not find {incident_id}: {sorted(found)}"
        assert record.title in found[incident_id]
        page.locator("input.md-search__input").fill("")
    assert not tab.errors


def test_hostile_record_in_search_results_shows_literally(hostile: Served, tab: Tab) -> None:
    """The search entry written from the data (not parsed from the page) of an incident whose title
    and summary hold markup: the result shows the title as typed, and nothing of it runs or links."""
    page = tab.page
    page.goto(hostile.url)
    found = search_results(page, "onerror")
    assert "attack" in found, sorted(found)
    assert HOSTILE_TITLE in found["attack"]
    page.wait_for_load_state("networkidle")  # an injected <img> would have fired its onerror by now
    results = page.locator(".md-search-result")
    assert results.locator('img[src="x"]').count() == 0
    assert results.locator("script").count() == 0
    page.locator("input.md-search__input").fill("heading")  # a word of the summary
    expect(page.locator("li.md-search-result__item").first).to_be_visible()
    assert HOSTILE_LINK_HTML in results.inner_text()  # the summary's link, as text
    assert results.locator('a[href^="javascript:" i]').count() == 0
    assert tab.dialogs == []
    assert not tab.errors


def test_actor_page_links_to_the_incident_on_the_timeline(example: Served, tab: Tab) -> None:
    """On the ISIS actor page, clicking an incident lands on its month page, at its heading."""
    page = tab.page
    page.goto(example.page(actor_page("isis")))
    candidates = [r for r in isis_incidents(example.dataset)
                  if page.get_by_role("link", name=r.title, exact=True).count()]
    assert candidates, "the ISIS actor page links to none of its incidents"
    incident = candidates[0]
    page.get_by_role("link", name=incident.title, exact=True).first.click()
    expected = example.page(month_page(month_key(incident.date)), incident.id)
    expect(page).to_have_url(expected)
    heading = page.locator(f"article h2#{incident.id}")
    expect(heading).to_contain_text(incident.title)
    expect(heading).to_be_in_viewport()
    assert not tab.errors


def test_timeline_actor_links_lead_to_the_actor_page(example: Served, tab: Tab) -> None:
    """The other direction: from an incident on its month page to the actor page of ISIS."""
    incident = isis_incidents(example.dataset)[0]
    page = tab.page
    page.goto(example.page(month_page(month_key(incident.date)), incident.id))
    name = example.dataset.actors["isis"].record.name
    # The actor link inside the incident's own block: between its heading and the next one.
    block = page.locator(f"article h2#{incident.id} ~ p").filter(has_text="Actors:").first
    block.get_by_role("link", name=name, exact=True).click()
    expect(page).to_have_url(example.page(actor_page("isis")))
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    assert not tab.errors


def test_hostile_text_shows_literally_and_runs_nothing(hostile: Served, tab: Tab) -> None:
    """An incident whose title, summary and place hold script tags, event handlers,
    `javascript:` links, a template expression and a Markdown heading: the reader sees each one
    as typed, no dialog opens, no such link exists, on its month page and on every other page."""
    page = tab.page
    record = hostile.dataset.incidents["attack"].record
    page.goto(hostile.page(month_page(month_key(record.date))))
    page.wait_for_load_state("networkidle")  # the broken <img> would fire its onerror by now
    assert tab.dialogs == []

    expect(page.get_by_role("heading", name=HOSTILE_TITLE)).to_be_visible()
    expect(page.locator("article").get_by_text("<script>alert(1)</script>", exact=False).first).to_be_visible()
    for literal in (HOSTILE_LINK_MD, HOSTILE_LINK_HTML, HOSTILE_TEMPLATE, f"{HOSTILE_HEADING} in the summary"):
        expect(page.locator("article").get_by_text(literal, exact=False).first).to_be_visible()
    where = page.locator("article p").filter(has_text="Where:")
    expect(where).to_contain_text(f"{HOSTILE_TEMPLATE} {HOSTILE_HEADING}")  # the line break folded
    assert "49" not in where.inner_text()
    assert page.locator("h1, h2, h3").filter(has_text="not a heading").count() == 0
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("script:not([src])").filter(has_text="alert(").count() == 0

    # Every page the record appears on (actor, region, source, overview...) is as safe.
    pages = sorted(p.relative_to(hostile.site).parent.as_posix() for p in hostile.site.rglob("index.html")
                   if p.relative_to(hostile.site).parts[0] not in ("assets", "search"))
    assert len(pages) > 5
    problems: list[str] = []
    for path in pages:
        # `load` waits for images too, so a broken <img>'s onerror would have fired by then.
        page.goto(hostile.url + ("" if path == "." else path + "/"))
        problems += [f"{path}: dialog {d}" for d in tab.dialogs]
        tab.dialogs.clear()
        if page.locator('a[href^="javascript:" i]').count():
            problems.append(f"{path}: a javascript: link")
        if page.locator("[onerror], [onload], [onclick]").count():
            problems.append(f"{path}: an event-handler attribute")
    assert problems == []
    assert not tab.errors

    # The dialog recorder works: a dialog that does open is seen.
    page.evaluate("() => alert('control')")
    assert tab.dialogs == ["alert: control"]


def test_print_hides_navigation_and_shows_link_addresses(example: Served, tab: Tab) -> None:
    """Printed, a month page has no header, tabs, sidebars or search, and each external link
    is followed by its address (the print rules of content/stylesheets/extra.css)."""
    incident = isis_incidents(example.dataset)[0]
    page = tab.page
    page.goto(example.page(month_page(month_key(incident.date))))
    chrome = [".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary"]
    external = page.locator('article a[href^="http"]').first
    url = external.get_attribute("href")
    assert url and url.startswith("http"), "the month page has no external (source) link"

    def after() -> str:
        return str(external.evaluate("a => getComputedStyle(a, '::after').content"))

    # On screen: the navigation is there and the address is not repeated (so the check below
    # measures the print rules, not something that is always true).
    for selector in chrome:
        expect(page.locator(selector).first).to_be_visible()
    assert url not in after()

    page.emulate_media(media="print")
    for selector in chrome + [".md-search"]:
        expect(page.locator(selector).first).to_be_hidden()
    expect(page.locator("article h1")).to_be_visible()
    assert after() == f'" <{url}>"'
    assert not tab.errors


@pytest.mark.parametrize("md_path", ["index.md", "timeline/index.md", "actors/isis.md", "regions/index.md",
                                     "explorer/index.md", "regions/kirkuk.md"])
def test_pages_load_nothing_from_other_hosts(example: Served, tab: Tab, md_path: str) -> None:
    """A reader's browser asks no host but the site's own for anything (no web fonts, CDNs or
    trackers), and every request it makes succeeds: the privacy goal, with nothing broken."""
    page = tab.page
    page.goto(example.page(md_path))
    page.wait_for_load_state("networkidle")
    if md_path == "index.md":  # the search worker loads its index only when search is used
        page.locator("input.md-search__input").click()
        page.keyboard.type("Kirkuk")
        expect(page.locator("li.md-search-result__item").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert any(urlsplit(u).path == "/search/search_index.json" for u in tab.requests)
    assert tab.requests, "no request was recorded"
    foreign = [u for u in tab.requests
               if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname != "127.0.0.1"]
    assert foreign == []
    assert tab.failures == []
    assert not tab.errors


def test_hostile_names_and_titles_run_nothing_in_the_theme(hostile_names: Served, tab: Tab) -> None:
    """Names and titles that hold an event handler, a way out of `<title>`, Jinja and Markdown
    syntax and an entity: on every page family no dialog opens, and the header and the browser's
    title show each page's title exactly as typed (not run, not escaped twice, not rendered)."""
    page = tab.page
    literal = HOSTILE_NAME
    pages = {  # page → the title a reader must see in the header and the browser's title bar
        "index.md": f"Site {literal}",
        month_page("2020-04"): "April 2020",
        actor_page("isis"): f"Actor {literal}",
        actor_page("spokesman"): f"Speaker {literal}",
        "regions/hawija.md": f"Region {literal}",
        "statements/index.md": "Statements",
        "statements/2020-04.md": "Statements: April 2020",
        "sources/index.md": "Sources",
        "tags/index.md": "Tags",
        "actors/index.md": "Actors",
        "regions/index.md": "Regions",
        "timeline/index.md": "Timeline",
    }
    problems: list[str] = []
    for md_path, title in pages.items():
        page.goto(hostile_names.page(md_path))
        page.wait_for_load_state("networkidle")  # the broken <img> would have fired its onerror
        problems += [f"{md_path}: dialog {d}" for d in tab.dialogs]
        tab.dialogs.clear()
        if page.title() != f"{title} - {SITE_NAME}":
            problems.append(f"{md_path}: document.title is {page.title()!r}")
        topic = " ".join((page.locator("[data-md-component=header-topic]").text_content() or "").split())
        if topic != title:
            problems.append(f"{md_path}: the header shows {topic!r}")
        if page.locator('img[src="x"]').count() or page.locator("script:not([src])").filter(has_text="alert(1").count():
            problems.append(f"{md_path}: an injected element")
    assert problems == [], "\n".join(problems)
    # The data shows as typed in the pages' own text too (a sample: the incident on its month page).
    page.goto(hostile_names.page(month_page("2020-04")))
    expect(page.locator("article h2#attack")).to_contain_text(f"Incident {literal}")

    # Search: typing a word of the markup lists results whose titles show it literally.
    page.goto(hostile_names.url)
    page.locator("input.md-search__input").click()
    page.keyboard.type("onerror")
    expect(page.locator("li.md-search-result__item").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    results = page.locator(".md-search-result__article h1, .md-search-result__article h2")
    titles = [t.inner_text() for t in results.all()]
    assert any(f"Actor {HOSTILE_MARKUP}" in t for t in titles), titles
    # Following a result highlights the word on the page it leads to (Material's search.highlight).
    page.locator("a.md-search-result__link").first.click()
    page.wait_for_load_state("networkidle")
    assert "h=onerror" in page.url
    expect(page.locator("article mark").first).to_be_visible()
    assert tab.dialogs == []
    assert not tab.errors

    # The dialog recorder works: a dialog that does open is seen.
    page.evaluate("() => alert('control')")
    assert tab.dialogs == ["alert: control"]
