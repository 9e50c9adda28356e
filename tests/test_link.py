"""Unit tests of `generator.link`: the dataset's region hierarchy."""

from __future__ import annotations

from pathlib import Path

from generator.kinds import FOLDERS
from generator.models import compact
from generator.validate import validate


def regions_data(base_data: Path, extra: str) -> Path:
    (base_data / "regions" / "more.yml").write_text(extra, encoding="utf-8")
    return base_data


def test_descendants_at_every_depth_and_ancestors_nearest_first(base_data: Path) -> None:
    regions_data(base_data, "- {id: daquq, name: Daquq, level: district, parent: kirkuk}\n"
                            "- {id: erbil, name: Erbil, level: governorate, parent: iraq}\n"
                            "- {id: syria, name: Syria, level: country}\n")
    result = validate(base_data)
    assert result.report.ok, [p.format_text() for p in result.report.sorted()]
    dataset = result.dataset
    assert dataset.region_descendants("iraq") == {"kirkuk", "hawija", "daquq", "erbil"}
    assert dataset.region_descendants("kirkuk") == {"hawija", "daquq"}
    assert dataset.region_descendants("hawija") == set()
    assert dataset.region_descendants("syria") == set()
    assert dataset.region_descendants("no-such-region") == set()
    assert dataset.region_ancestors("hawija") == ["kirkuk", "iraq"]
    # The two directions agree for every region.
    for region in dataset.regions:
        assert dataset.region_descendants(region) == {r for r in dataset.regions
                                                      if region in dataset.region_ancestors(r)}


def test_a_loop_of_parents_ends(base_data: Path) -> None:
    # A loop is an error that `link` reports; the hierarchy's walks still end on such data.
    regions_data(base_data, "- {id: a, name: A, level: area, parent: b}\n"
                            "- {id: b, name: B, level: area, parent: a}\n")
    result = validate(base_data)
    assert [p.code for p in result.report.sorted()] == ["parent-cycle", "parent-cycle"]
    assert result.dataset.region_descendants("a") == {"b"}
    assert result.dataset.region_ancestors("a") == ["b"]


def test_compacted_records_keep_every_value(base_data: Path) -> None:
    # models.compact shares the equal short strings, dates and field sets among the records (a
    # build's memory at scale): every record is equal to the one validated without it, and the
    # same source cited by two records is then one string.
    plain, compacted = validate(base_data).dataset, validate(base_data).dataset
    compact(entry.record for kind in FOLDERS for entry in compacted.kind(kind).values())
    assert plain == compacted
    for kind in FOLDERS:
        for record_id, entry in compacted.kind(kind).items():
            assert entry.record.model_dump() == plain.kind(kind)[record_id].record.model_dump()
            assert entry.record.model_fields_set == plain.kind(kind)[record_id].record.model_fields_set
    refs = [citation.source for kind in ("incidents", "statements") for entry in compacted.kind(kind).values()
            for citation in entry.record.sources]
    assert len(refs) > len(set(refs)) and len({id(ref) for ref in refs}) == len(set(refs))
