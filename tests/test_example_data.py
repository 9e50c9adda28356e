"""The bundled example data: every event, statement and party of the seed article, and nothing
the article does not say."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from generator.link import Dataset
from generator.validate import validate
from conftest import REPO, SHARED

ARTICLE = (SHARED / "seed" / "000_812abe2d57e416d9.txt").read_text("utf-8")
ADDRESS = "https://www.rudaw.net/english/middleeast/170420202"
PUBLISHED = date(2020, 4, 17)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    result = validate(REPO / "data")
    assert result.report.problems == [], [p.format_text() for p in result.report.sorted()]
    return result.dataset


def ids(table: dict[str, Any]) -> set[str]:
    return set(table)


def test_every_incident_the_issue_names_is_there(dataset: Dataset) -> None:
    incidents = dataset.incidents
    assert len(incidents) == 15
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
    }
    for record_id, (kind, start, end) in expected.items():
        record = incidents[record_id].record
        assert (record.type, record.date.start, record.date.end) == (kind, start, end), record_id
    # The article gives no start for these (2014 would be the coalition's arrival, not the attacks'):
    # "on or before" the report, `{to: 2020-04-17}`.
    for record_id, kind in (("rocket-attacks-us-troops", "shelling-artillery-missile-attack"),
                            ("coalition-operations-scaled-back", "change-to-group-activity"),
                            ("insurgent-activity-uptick", "change-to-group-activity")):
        record = incidents[record_id].record
        assert (record.type, record.date.to_data()) == (kind, {"to": "2020-04-17"}), record_id


def test_every_statement_the_issue_names_is_there(dataset: Dataset) -> None:
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


def test_attribution_is_as_the_article_gives_it(dataset: Dataset) -> None:
    # "Washington believes Iran-backed militias are behind the attacks": suspected, not established
    roles = {(a.actor, a.role, a.attributed_by) for a in dataset.incidents["rocket-attacks-us-troops"].record.actors}
    assert roles == {("iran-backed-militias", "suspected", "united-states"), ("us-forces", "target", None)}
    # The uptick in insurgent activities names no one; the article reports it in ISIS's insurgency.
    uptick = dataset.incidents["insurgent-activity-uptick"].record
    assert [(a.actor, a.role) for a in uptick.actors] == [("isis", "suspected")]
    perpetrators = {a.actor for e in dataset.incidents.values() for a in e.record.actors if a.role == "perpetrator"}
    assert "iran-backed-militias" not in perpetrators


def test_undated_claims_are_by_publication(dataset: Dataset) -> None:
    for record_id in ("washington-blames-iran-backed-militias", "kurdish-officials-isis-regrouping"):
        assert dataset.statements[record_id].record.date.to_data() == {"to": "2020-04-17"}, record_id


def test_the_two_claims_that_had_no_record(dataset: Dataset) -> None:
    scaled_back = dataset.incidents["coalition-operations-scaled-back"].record
    assert [(a.actor, a.role) for a in scaled_back.actors] == [("global-coalition", "perpetrator")]
    uptick = dataset.incidents["insurgent-activity-uptick"].record
    for claim in ("Although operations have been scaled back in recent weeks, they have not stopped altogether.",
                  "bombings, ambushes, kidnappings, extortion, and arson"):
        assert claim in ARTICLE
    assert "Although operations have been scaled back in recent weeks, they have not stopped altogether." in (
        scaled_back.summary or "")
    assert "bombings, ambushes, kidnappings, extortion, and arson" in (uptick.summary or "")
    assert "Anbar" in (uptick.place or "") and "disputed territories" in (uptick.place or "")
    for record in (scaled_back, uptick):  # no number, day or casualty the article does not give
        assert not record.casualties
        for quoted in re.findall(r'"([^"]+)"', record.summary or ""):
            assert quoted in ARTICLE, quoted


def test_regions_as_the_article_places_them(dataset: Dataset) -> None:
    regions = dataset.regions
    assert regions["qayyarah"].record.parent == "nineveh"  # not Iraq directly: "western Iraq" is loose
    assert regions["nineveh"].record.level == "governorate"
    # Yawar's "Kurdistani areas outside of the Kurdistan Region administration", all marked alike
    yawar = dataset.statements["yawar-isis-activity-data-2020-04"].record
    assert set(yawar.regions) == {"diyala", "hamrin", "kirkuk", "tuz-khurmatu", "qarachogh"}
    for region_id in yawar.regions:
        assert regions[region_id].record.disputed, region_id
    for region_id in ("diyala", "hamrin", "qarachogh"):
        description = regions[region_id].record.description
        assert "Kurdistani areas outside of the Kurdistan Region administration" in description


def test_each_corrected_record_says_what_changed(dataset: Dataset) -> None:
    corrected = {e.id: e.record.corrections for t in (dataset.incidents, dataset.statements) for e in t.values()
                 if e.record.corrections}
    assert sorted(corrected) == ["base-handover-qayyarah-2020", "kurdish-officials-isis-regrouping",
                                 "rocket-attacks-us-troops", "washington-blames-iran-backed-militias"]
    for record_id, corrections in corrected.items():
        [correction] = corrections
        assert correction.date.to_data() == "2026-11-30", record_id
    assert "Nineveh" in corrected["base-handover-qayyarah-2020"][0].note
    assert "suspected" in corrected["rocket-attacks-us-troops"][0].note
    assert "2014" in corrected["rocket-attacks-us-troops"][0].note


def test_quotes_are_verbatim(dataset: Dataset) -> None:
    quotes = [e.record.quote for e in dataset.statements.values() if e.record.quote]
    assert len(quotes) == 3
    for quote in quotes:
        assert quote in ARTICLE, quote


def test_numbers_come_from_the_article(dataset: Dataset) -> None:
    killed = {e.id: [c.killed for c in e.record.casualties] for e in dataset.incidents.values() if e.record.casualties}
    assert killed == {
        "wadi-ashai-airstrike-2020-04-13": [20],  # "killing 20 militants"
        "hawija-checkpoint-killing-2020-04-12": [1],  # "an Iraqi federal police officer"
        "kolajo-attack-2020-04": [2],  # "Two Peshmerga fighters were killed and another wounded"
        "tuz-khurmatu-pmf-killing-2020-04": [2],  # "two Popular Mobilization Forces (PMF) fighters"
    }
    assert dataset.incidents["kolajo-attack-2020-04"].record.casualties[0].wounded == 1


def test_nothing_invented(dataset: Dataset) -> None:
    for entry in dataset.incidents.values():
        assert entry.record.coordinates is None, f"{entry.id}: the article gives no coordinates"
    # A region's coordinates are a gazetteer's fact, not the article's claim (issue 12): each says so.
    for entry in dataset.regions.values():
        if entry.record.coordinates is not None:
            assert "from a gazetteer" in (entry.record.description or ""), f"{entry.id}: coordinates without a note"
    for entry in dataset.sources.values():
        assert entry.record.reliability is None, "a reliability grade would be our judgement, not the article's"
    for table in (dataset.incidents, dataset.statements):
        for entry in table.values():
            record = entry.record
            assert record.date.end <= PUBLISHED, f"{entry.id} ends after publication"
            for citation in record.sources:
                assert citation.url == ADDRESS and citation.credibility is None
            # every date other than a whole month or year says how it was derived
            if record.date.precision in ("day", "span", "by"):
                assert record.date_note, f"{entry.id}: a derived date needs its note"


def test_weekdays_resolved_against_publication(dataset: Dataset) -> None:
    days = {e.id: e.record.date.start for t in (dataset.incidents, dataset.statements) for e in t.values()
            if e.record.date.precision == "day"}
    weekdays = {d.strftime("%A") for d in days.values()}
    assert weekdays <= {"Sunday", "Monday", "Thursday"}, weekdays  # the article's "on Sunday/Monday/Thursday"
    assert all(PUBLISHED.toordinal() - d.toordinal() < 7 for d in days.values())


def test_aliases_in_original_scripts(dataset: Dataset) -> None:
    assert "داعش" in dataset.actors["isis"].record.aliases
    assert any(re.search(r"[\u0600-\u06FF]", a) for a in dataset.regions["kirkuk"].record.aliases)
    assert dataset.regions["kirkuk"].record.disputed
