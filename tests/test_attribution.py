"""Contract v1.1 (issue 9, item 19): role `suspected` with `attributed_by`, and the date form
`{to: DATE}` ("on or before DATE", start not known), as the validator, the site, the PDF briefing
and `fmt` treat them.

The data is the small base dataset (tests/fixtures/base: one incident on 12 April 2020 in which
ISIS killed one Peshmerga, and a statement dated April 2020) plus an incident and a statement
dated `{to: 2020-04-20}`; the incident holds ISIS only *suspected*, according to the Peshmerga,
and reports five deaths. Neither may count in any figure of April, nor ISIS as its perpetrator.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from conftest import problem_list
from generator.charts import ChartSpec
from generator.config import SiteConfig
from generator.dates import format_date, parse_date
from generator.fmt import format_bytes
from generator.site import render_pages, site_pages
from generator.validate import validate
from generator.views import briefing as views
from generator.views.common import Context

APRIL = views.Request(date(2020, 4, 1), date(2020, 4, 30))

BY_INCIDENT = """\
id: by-attack
title: An attack known only to have happened by 20 April
date: {to: 2020-04-20}
date_note: before the report
type: attack
region: kirkuk
actors:
  - {actor: isis, role: suspected, attributed_by: peshmerga}
  - {actor: peshmerga, role: target}
casualties:
  - {actor: peshmerga, killed: 5}
sources:
  - source: rudaw
"""

BY_STATEMENT = """\
id: by-said
date: {to: 2020-04-20}
speaker: spokesman
paraphrase: Something was said by then.
sources:
  - source: rudaw
"""


@pytest.fixture
def data(base_data: Path) -> Path:
    (base_data / "incidents" / "by.yml").write_text(BY_INCIDENT, "utf-8")
    (base_data / "statements" / "by.yml").write_text(BY_STATEMENT, "utf-8")
    return base_data


def site(data_dir: Path) -> dict[str, str]:
    """Every Markdown page of the site for `data_dir` (no charts: they are drawn apart)."""
    result = validate(data_dir)
    assert result.report.ok, result.report.summary()
    items = [p for p in site_pages(result.dataset, result.config) if not isinstance(p, ChartSpec)]
    return render_pages(items, result.config)  # type: ignore[return-value]  # no charts: every page is text


def row(md: str, label: str) -> str:
    """The second cell of the table row whose first cell starts with `label` (a Markdown table, or
    the HTML table of a generated block)."""
    for line in md.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith(label):
            return cells[1]
    for tr in re.findall(r"<tr>(.*?)</tr>", md, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        if len(cells) >= 2 and cells[0].startswith(label):
            return cells[1]
    raise AssertionError(f"no row {label!r}")


# --- the validator ------------------------------------------------------------------------------


def test_the_two_additions_are_valid(data: Path) -> None:
    assert problem_list(data) == []


def test_to_alone_means_on_or_before() -> None:
    by = parse_date({"to": "2020-04-17"})
    assert format_date(by) == "by 17 April 2020"
    assert by.to_data() == {"to": "2020-04-17"}
    assert by.month() == (2020, 4)  # listed under the month of DATE
    assert by.placement(date(2020, 4, 1), date(2020, 4, 30)) == "overlaps"  # never "inside"
    assert by.placement(date(1900, 1, 1), date(2100, 12, 31)) == "overlaps"
    assert by.placement(date(2020, 4, 18), date(2020, 4, 30)) == "outside"
    assert format_date(parse_date({"to": "2020-04"})) == "by April 2020"


@pytest.mark.parametrize(("entry", "line"), [
    ("{actor: isis, role: perpetrator, attributed_by: peshmerga}", 8),
    ("{actor: isis, attributed_by: peshmerga}", 8),
])
def test_attributed_by_only_with_role_suspected(base_data: Path, entry: str, line: int) -> None:
    text = BY_INCIDENT.replace("{actor: isis, role: suspected, attributed_by: peshmerga}", entry)
    (base_data / "incidents" / "by.yml").write_text(text, "utf-8")
    assert problem_list(base_data) == [("incidents/by.yml", line, "attributed-by-not-suspected")]


def test_attributed_by_is_a_checked_reference(base_data: Path) -> None:
    (base_data / "incidents" / "by.yml").write_text(BY_INCIDENT.replace("attributed_by: peshmerga",
                                                                        "attributed_by: peshmerg"), "utf-8")
    result = validate(base_data)
    [problem] = result.report.problems
    assert (problem.code, problem.line) == ("unknown-reference", 8)
    assert "actors[0].attributed_by: there is no actor with id `peshmerg`" in problem.message


# --- the site -----------------------------------------------------------------------------------


def test_month_page_shows_by_and_the_suspected_perpetrator(data: Path) -> None:
    pages = site(data)
    april = pages["timeline/2020-04.md"]
    assert "<strong>by 20 April 2020</strong> · <em>before the report</em>" in april  # the record's HTML block
    assert ('<a href="../actors/isis.md">Islamic State (ISIS)</a> (suspected perpetrator, according to '
            '<a href="../actors/peshmerga.md">Peshmerga</a>)') in april
    # sorted by DATE: after the record of 12 April and the month-precision statement (1 April)
    order = re.findall(r"\{ #([a-z-]+) \}", april)
    assert order.index("attack") < order.index("by-attack")
    assert order.index("said") < order.index("by-said")
    assert "by-said" in pages["statements/2020-04.md"]  # statements by month, under the month of DATE


def test_overview_counts_neither_addition(data: Path) -> None:
    overview = site(data)["index.md"]
    # one incident dated wholly inside April (the 12th) and one death; the `{to}` incident is only
    # "possibly" in April, with its five deaths counted nowhere
    assert row(overview, "Incidents") == "1 (previous month: 0)"
    assert row(overview, "People killed") == "1 (previous month: unknown)"
    possibly = overview[overview.index("Possibly in"):]
    assert "An attack known only to have happened by 20 April" in possibly
    assert "dated only “by” a day" in overview  # and it is in no month of the chart


def test_actor_and_region_pages_keep_suspected_apart_from_perpetrator(data: Path) -> None:
    pages = site(data)
    isis = pages["actors/isis.md"]
    assert row(isis, "… as perpetrator") == "1"  # the attack of 12 April only
    assert row(isis, "… as suspected perpetrator") == "1"
    assert row(isis, "Killed in incidents it perpetrated") == "1"  # not 6
    assert "1 incident is dated only “by” a day" in isis  # and in no month of its chart
    kirkuk = pages["regions/kirkuk.md"]
    assert "perpetrator 1 · suspected perpetrator 1" in kirkuk


def test_briefing_counts_only_what_lies_inside(data: Path) -> None:
    result = validate(data)
    brief = views.build(Context(result.dataset), APRIL, SiteConfig())
    assert brief.counted_incidents == 1 and brief.counted_statements == 1
    assert sorted(i.view.id for i in brief.possibly) == ["by-attack", "by-said"]
    assert [(f.label, f.current) for f in brief.figures.main[:3]] == [
        ("Incidents", "1"), ("Statements", "1"), ("People killed", "1")]
    assert brief.chart is not None and sum(r.total for r in brief.chart.rows) == 1
    assert brief.chart.undated == 1  # the `{to}` incident is in no month of the chart, and said so


@pytest.mark.slow
def test_pdf_prints_by_and_the_attribution(data: Path) -> None:
    from test_pdf import render

    read = render(data)
    possibly = read.between("Possibly in this period", "Actor glossary")
    assert "by 20 April 2020" in possibly
    assert "Islamic State (ISIS) (suspected perpetrator, according to Peshmerga)" in possibly
    assert "1 incident and 1 statement dated inside the period; 2 more records possibly in it" in read.pages[0]
    assert "1 incident is dated only “by” a day (the start is not known) and is in no month of the chart" in read.text


# --- fmt ----------------------------------------------------------------------------------------


def test_fmt_writes_to_alone_in_flow_style() -> None:
    text = BY_INCIDENT.replace("date: {to: 2020-04-20}", "date:\n  to: '2020-04-20'")
    out = format_bytes(text.encode("utf-8"), "by.yml", "incidents").decode("utf-8")
    assert "date: {to: 2020-04-20}\n" in out
    assert "  - actor: isis\n    role: suspected\n    attributed_by: peshmerga\n" in out
