"""The bundled example data: every event, statement and party of the seed article, and nothing
the article does not say."""

from __future__ import annotations

import re
from datetime import date

import pytest

from generator.validate import validate
from conftest import REPO, SHARED

ARTICLE = (SHARED / "seed" / "000_812abe2d57e416d9.txt").read_text("utf-8")
ADDRESS = "https://www.rudaw.net/english/middleeast/170420202"
PUBLISHED = date(2020, 4, 17)


@pytest.fixture(scope="module")
def dataset():  # type: ignore[no-untyped-def]
    result = validate(REPO / "data")
    assert result.report.problems == [], [p.format_text() for p in result.report.sorted()]
    return result.dataset


def ids(table: dict) -> set[str]:  # type: ignore[type-arg]
    return set(table)


def test_every_incident_the_issue_names_is_there(dataset) -> None:  # type: ignore[no-untyped-def]
    incidents = dataset.incidents
    assert len(incidents) == 13
    by_type: dict[str, list[str]] = {}
    for entry in incidents.values():
        by_type.setdefault(entry.record.type, []).append(entry.id)
    assert len(by_type["non-violent-transfer-of-territory"]) == 6, "each of the six base handovers is its own record"
    places = " ".join(e.record.place or "" for e in incidents.values())
    for base in ("Abu Ghraib", "K1", "al-Qaim", "Qayyarah", "al-Sqoor", "Al-Taqaddum"):
        assert base in places, base
    expected = {
        "coalition-training-suspended-2020-03": ("change-to-group-activity", date(2020, 3, 1), date(2020, 3, 10)),
        "wadi-ashai-airstrike-2020-04-13": ("air-drone-strike", date(2020, 4, 13), date(2020, 4, 13)),
        "hawija-checkpoint-killing-2020-04-12": ("armed-clash", date(2020, 4, 12), date(2020, 4, 12)),
        "kolajo-attack-2020-04": ("armed-clash", date(2020, 4, 1), date(2020, 4, 10)),
        "tuz-khurmatu-pmf-killing-2020-04": ("armed-clash", date(2020, 4, 3), date(2020, 4, 12)),
        "rocket-attacks-us-troops": ("shelling-artillery-missile-attack", date(2014, 1, 1), PUBLISHED),
    }
    for record_id, (kind, start, end) in expected.items():
        record = incidents[record_id].record
        assert (record.type, record.date.start, record.date.end) == (kind, start, end), record_id


def test_every_statement_the_issue_names_is_there(dataset) -> None:  # type: ignore[no-untyped-def]
    statements = dataset.statements
    assert len(statements) == 8
    speakers = sorted(e.record.speaker for e in statements.values())
    assert speakers.count("global-coalition") == 2  # the two Political Directors quotes
    for speaker in ("myles-caggins", "jaafar-sheikh-mustafa", "kurdish-military-officials", "united-states"):
        assert speaker in speakers
    yawar = [e.record for e in statements.values() if e.record.speaker == "jabar-yawar"]
    assert any(s.quote for s in yawar), "Jabar Yawar's words are quoted"
    caggins = next(e.record for e in statements.values() if e.record.speaker == "myles-caggins")
    assert caggins.medium and "Rudaw Radio" in caggins.medium and caggins.paraphrase


def test_quotes_are_verbatim(dataset) -> None:  # type: ignore[no-untyped-def]
    quotes = [e.record.quote for e in dataset.statements.values() if e.record.quote]
    assert len(quotes) == 3
    for quote in quotes:
        assert quote in ARTICLE, quote


def test_numbers_come_from_the_article(dataset) -> None:  # type: ignore[no-untyped-def]
    killed = {e.id: [c.killed for c in e.record.casualties] for e in dataset.incidents.values() if e.record.casualties}
    assert killed == {
        "wadi-ashai-airstrike-2020-04-13": [20],  # "killing 20 militants"
        "hawija-checkpoint-killing-2020-04-12": [1],  # "an Iraqi federal police officer"
        "kolajo-attack-2020-04": [2],  # "Two Peshmerga fighters were killed and another wounded"
        "tuz-khurmatu-pmf-killing-2020-04": [2],  # "two Popular Mobilization Forces (PMF) fighters"
    }
    assert dataset.incidents["kolajo-attack-2020-04"].record.casualties[0].wounded == 1


def test_nothing_invented(dataset) -> None:  # type: ignore[no-untyped-def]
    for table in (dataset.incidents, dataset.regions):
        for entry in table.values():
            assert entry.record.coordinates is None, f"{entry.id}: the article gives no coordinates"
    for entry in dataset.sources.values():
        assert entry.record.reliability is None, "a reliability grade would be our judgement, not the article's"
    for table in (dataset.incidents, dataset.statements):
        for entry in table.values():
            record = entry.record
            assert record.date.end <= PUBLISHED, f"{entry.id} ends after publication"
            for citation in record.sources:
                assert citation.url == ADDRESS and citation.credibility is None
            # every date other than a whole month or year says how it was derived
            if record.date.precision in ("day", "span"):
                assert record.date_note, f"{entry.id}: a derived date needs its note"


def test_weekdays_resolved_against_publication(dataset) -> None:  # type: ignore[no-untyped-def]
    days = {e.id: e.record.date.start for t in (dataset.incidents, dataset.statements) for e in t.values()
            if e.record.date.precision == "day"}
    weekdays = {d.strftime("%A") for d in days.values()}
    assert weekdays <= {"Sunday", "Monday", "Thursday"}, weekdays  # the article's "on Sunday/Monday/Thursday"
    assert all(PUBLISHED.toordinal() - d.toordinal() < 7 for d in days.values())


def test_aliases_in_original_scripts(dataset) -> None:  # type: ignore[no-untyped-def]
    assert "داعش" in dataset.actors["isis"].record.aliases
    assert any(re.search(r"[\u0600-\u06FF]", a) for a in dataset.regions["kirkuk"].record.aliases)
    assert dataset.regions["kirkuk"].record.disputed
