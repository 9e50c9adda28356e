"""The PDF cache's input keys (pdf.InputKeys, views.briefing.reads): a site PDF whose inputs did not
change is taken from the cache without making its document, and any change that alters a PDF
changes its key, so a cached build gives the bytes of a cold one."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator

import pytest

from generator import pdf
from generator.config import SiteConfig
from generator.link import Dataset, Entry
from generator.validate import validate
from generator.views import briefing as views
from generator.views.common import Context
from generator.views.pdfs import site_requests
from generator.views.selection import Selections
from generator.write import CannotWrite, Streamed

#: Dates of every form the data format has, around April 2020 and far before it.
DATES: list[Any] = [
    "2020-04-12", "2020-04", "2020", "2020-03-30", {"from": "2020-03-28", "to": "2020-04-03"}, {"to": "2020-04-20"},
    "2019-05-02", "2019-04", "2018", {"from": "2019-06-01", "to": "2019-08-01"}, "2017-01-05", "2020-02-11",
    {"to": "2017-02-01"}, "2020-04-30",
]
TYPES = ["armed-clash", "air-drone-strike", "attack", "abduction-forced-disappearance"]
REGIONS = ["hawija", "kirkuk", "iraq"]


def _date(value: Any) -> str:
    return json.dumps(value) if isinstance(value, dict) else str(value)


def add_records(data: Path) -> None:
    """Incidents and statements of every date form, type and region of the base data."""
    for n, when in enumerate(DATES):
        (data / "incidents" / f"made-{n}.yml").write_text(
            f"id: made-{n}\ntitle: Made incident {n}\ndate: {_date(when)}\ntype: {TYPES[n % len(TYPES)]}\n"
            f"region: {REGIONS[n % len(REGIONS)]}\n"
            + ("coordinates: [35.3, 43.8]\nlocation_precision: near\n" if n % 2 else "")
            + "actors:\n  - {actor: isis, role: perpetrator}\n"
            f"casualties:\n  - {{group: civilians, killed: {n}}}\nsources:\n  - source: rudaw\n"
            f"    url: https://example.org/{n}\n", encoding="utf-8")
    for n, when in enumerate(DATES[::3]):
        (data / "statements" / f"said-{n}.yml").write_text(
            f"id: said-{n}\ndate: {_date(when)}\nspeaker: spokesman\nparaphrase: Statement {n}.\n"
            f"regions: [{REGIONS[n % len(REGIONS)]}]\nsources:\n  - source: rudaw\n", encoding="utf-8")


@pytest.fixture
def many(base_data: Path) -> Dataset:
    add_records(base_data)
    result = validate(base_data)
    assert not result.report.errors, [p.format_text() for p in result.report.errors]
    return result.dataset


def _with(dataset: Dataset, kind: str, record_id: str, **update: Any) -> Dataset:
    """`dataset` with one record changed (a copy: the original is left as it is)."""
    table = dataset.kind(kind)
    entry = table[record_id]
    changed = Entry(entry.record.model_copy(update=update), entry.path, entry.line)
    return replace(dataset, **{kind: {**table, record_id: changed}}, _region_children=None)


def _edits(dataset: Dataset) -> Iterator[tuple[str, Dataset]]:
    dates = [e.record.date for e in dataset.incidents.values()]
    for record_id, entry in sorted(dataset.incidents.items()):
        record = entry.record
        yield f"{record_id} title", _with(dataset, "incidents", record_id, title=record.title + " (edited)")
        yield f"{record_id} type", _with(dataset, "incidents", record_id,
                                         type="sexual-violence" if record.type != "sexual-violence" else "attack")
        yield f"{record_id} region", _with(dataset, "incidents", record_id,
                                           region="iraq" if record.region != "iraq" else "hawija")
        yield f"{record_id} coordinates", _with(dataset, "incidents", record_id, coordinates=(36.0, 44.0))
        yield f"{record_id} draft", _with(dataset, "incidents", record_id, status="draft")
        yield f"{record_id} summary", _with(dataset, "incidents", record_id, summary="Edited summary.")
        for other in dates[::4]:
            yield f"{record_id} date {other}", _with(dataset, "incidents", record_id, date=other)
    for record_id in sorted(dataset.statements):
        yield f"{record_id} quote", _with(dataset, "statements", record_id, paraphrase="Edited.")
        for other in dates[::4]:
            yield f"{record_id} date {other}", _with(dataset, "statements", record_id, date=other)
    yield "actor name", _with(dataset, "actors", "isis", name="Renamed")
    yield "actor aliases", _with(dataset, "actors", "spokesman", aliases=["Speaker"])
    yield "region coordinates", _with(dataset, "regions", "hawija", coordinates=(35.5, 43.9))
    yield "region name", _with(dataset, "regions", "kirkuk", name="Kirkuk")
    yield "source name", _with(dataset, "sources", "rudaw", name="Rudaw English")


def _views(dataset: Dataset, config: SiteConfig) -> tuple[dict[str, str | None], dict[str, views.Briefing]]:
    ctx = Context(dataset, event_types=config.all_event_types(), pdfs=True)
    selections = Selections(ctx)
    keys = pdf.InputKeys(ctx, config, selections)
    requests = site_requests(ctx)
    return ({r.name: keys.key(r, None) for r in requests},
            {r.name: views.build(ctx, r, config, None, None, selections) for r in requests})


@pytest.mark.slow
def test_a_briefing_with_the_same_input_key_is_the_same_briefing(many: Dataset) -> None:
    # Every kind of edit, of every record: wherever a site briefing keeps its input key, it is
    # the same briefing (and so the same PDF); where the briefing differs, so does the key.
    config = SiteConfig()
    keys, built = _views(many, config)
    kept = changed = 0
    for what, edited in _edits(many):
        new_keys, new_built = _views(edited, config)
        for name in keys.keys() & new_keys.keys():
            assert keys[name] is not None and new_keys[name] is not None, name  # the site's are all keyed
            if keys[name] == new_keys[name]:
                assert built[name] == new_built[name], f"{what}: {name} changed under the same key"
                kept += 1
            else:
                changed += 1
    assert kept > 100 and changed > 100  # both happen, many times: the test is not vacuous


def test_an_edit_outside_a_briefings_months_keeps_its_key(many: Dataset) -> None:
    config = SiteConfig()
    keys, _ = _views(many, config)
    assert {"2020-04", "2017-01", "region-kirkuk-2020-04"} <= keys.keys()
    old = _views(_with(many, "incidents", "made-10", title="Edited in 2017"), config)[0]  # dated 2017-01-05
    assert old["2020-04"] == keys["2020-04"] and old["region-kirkuk-2020-04"] == keys["region-kirkuk-2020-04"]
    assert old["2017-01"] != keys["2017-01"]
    april = _views(_with(many, "incidents", "attack", title="Edited in April"), config)[0]
    assert april["2020-04"] != keys["2020-04"] and april["2017-01"] == keys["2017-01"]
    settings = _views(many, SiteConfig(title="Another site"))[0]
    assert all(settings[name] != keys[name] for name in keys)


# --- whole builds with Typst: what is rendered again, and the same bytes as a cold build ------------


def _build(data: Path, cache: Path | None) -> dict[str, bytes]:
    result = validate(data)
    return pdf.site_pdfs(result.dataset, result.config, data.parent / "content",
                         cache=pdf.PdfCache(cache) if cache else pdf.PdfCache(None), workers=0)


@pytest.fixture
def warm(tmp_path: Path, base_data: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, list[str]]:
    """The base data with one incident in January 2017, its PDFs rendered once into a cache; and
    the list of the briefings rendered by Typst since then."""
    (base_data / "incidents" / "old.yml").write_text(
        "id: old\ntitle: An old incident\ndate: 2017-01-05\ntype: attack\nregion: kirkuk\n"
        "actors:\n  - {actor: isis, role: perpetrator}\nsources:\n  - source: rudaw\n", encoding="utf-8")
    (tmp_path / "content").mkdir()
    cache = tmp_path / "cache"
    rendered: list[str] = []
    real = pdf.to_pdf

    def to_pdf(document: pdf.Document) -> bytes:
        rendered.append(json.loads(document.data)["name"])
        return real(document)

    monkeypatch.setattr(pdf, "to_pdf", to_pdf)
    first = _build(base_data, cache)
    assert sorted(first) == ["pdf/2017-01.pdf", "pdf/2020-04.pdf", "pdf/region-hawija-2020-04.pdf",
                             "pdf/region-iraq-2020-04.pdf", "pdf/region-kirkuk-2020-04.pdf"]
    rendered.clear()
    return base_data, cache, rendered


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


APRIL = {"2020-04", "region-hawija-2020-04", "region-iraq-2020-04", "region-kirkuk-2020-04"}
EVERY = APRIL | {"2017-01"}


def _edit(data: Path, what: str) -> None:
    if what == "a title in April":
        _replace_in(data / "incidents" / "2020" / "04" / "attack.yml", "An attack on", "An assault on")
    elif what == "a title in 2017":
        _replace_in(data / "incidents" / "old.yml", "An old incident", "An older incident")
    elif what == "an actor's name":
        _replace_in(data / "actors" / "isis.yml", "name: Islamic State (ISIS)", "name: ISIS")
    elif what == "a region's coordinates":
        _replace_in(data / "regions" / "regions.yml", "  parent: kirkuk\n",
                    "  parent: kirkuk\n  coordinates: [35.3, 43.8]\n")
    elif what == "the key judgements":
        (data.parent / "content" / "briefings").mkdir()
        (data.parent / "content" / "briefings" / "2020-04.md").write_text("The *key* judgement.\n", encoding="utf-8")
    elif what == "briefing.yml":
        (data.parent / "briefing.yml").write_text("title: Another site\n", encoding="utf-8")
    elif what == "a draft in April":
        (data / "incidents" / "draft.yml").write_text(
            "id: draft\ntitle: A draft\ndate: 2020-04-20\ntype: attack\nregion: kirkuk\nstatus: draft\n"
            "actors:\n  - {actor: isis, role: perpetrator}\nsources:\n  - source: rudaw\n", encoding="utf-8")
    else:
        assert what == "nothing"


@pytest.mark.slow
@pytest.mark.parametrize(("what", "again"), [
    ("nothing", set()),
    ("a title in April", APRIL),
    ("a title in 2017", {"2017-01"}),  # outside April's months: April's PDFs are not made again
    ("an actor's name", EVERY),
    ("a region's coordinates", EVERY),  # the map of every briefing may place an incident there
    ("the key judgements", {"2020-04"}),
    ("briefing.yml", EVERY),
    ("a draft in April", set()),  # not published: no PDF shows it
])
def test_a_cached_build_renders_what_changed_and_gives_a_cold_builds_bytes(
        warm: tuple[Path, Path, list[str]], what: str, again: set[str]) -> None:
    data, cache, rendered = warm
    _edit(data, what)
    cached = _build(data, cache)
    assert set(rendered) >= again
    if what in ("nothing", "a title in April", "a title in 2017", "the key judgements", "a draft in April"):
        assert set(rendered) == again  # and nothing else
    rendered.clear()
    assert cached == _build(data, None)  # a cold build, without the cache


@pytest.mark.slow
@pytest.mark.parametrize("planted", ["link", "not a PDF", "not a key", "too long"])
def test_a_planted_key_file_publishes_nothing(warm: tuple[Path, Path, list[str]], planted: str,
                                              tmp_path: Path) -> None:
    # A key file names a PDF of the cache by its hash, and only a regular file that is a PDF is
    # served: anything else at a key's name is a cache miss, and the PDF is made again.
    data, cache, _ = warm
    cold = _build(data, None)
    fake = "f" * 64
    (cache / f"{fake}.pdf").write_bytes(b"<html>not a PDF</html>")
    outside = tmp_path / "elsewhere.key"
    keys = sorted(cache.glob("*.key"))
    assert len(keys) == 5
    for key in keys:
        if planted == "link":
            outside.write_text(key.read_text(encoding="ascii"), encoding="ascii")
            key.unlink()
            os.symlink(outside, key)
        elif planted == "not a PDF":
            key.write_text(fake, encoding="ascii")
        elif planted == "not a key":
            key.write_text("../../etc/passwd", encoding="ascii")
        else:
            key.write_text(key.read_text(encoding="ascii") + "\n" * 100, encoding="ascii")
    assert _build(data, cache) == cold
    # Each key file is made again, naming the PDF rendered for its inputs.
    for key in keys:
        assert not key.is_symlink() and (cache / f"{key.read_text(encoding='ascii')}.pdf").is_file()


def test_a_cache_without_key_files_still_serves_its_pdfs(tmp_path: Path, base_data: Path) -> None:
    # The PDFs of an older cache (or of `briefing pdf`) are found by their content key; the key
    # files are then written, and the next build finds them by their inputs.
    (tmp_path / "content").mkdir()
    cache = tmp_path / "cache"
    first = _build(base_data, cache)
    for key in cache.glob("*.key"):
        key.unlink()
    again = pdf.PdfCache(cache)
    result = validate(base_data)
    assert pdf.site_pdfs(result.dataset, result.config, tmp_path / "content", cache=again, workers=0) == first
    assert (again.hits, again.misses) == (4, 0)
    assert len(list(cache.glob("*.key"))) == 4
    shutil.rmtree(cache)


@pytest.mark.slow
def test_briefings_made_in_worker_processes_are_the_same(tmp_path: Path, many: Dataset) -> None:
    # site_pdfs forks workers that each make whole briefings (two at a time, or one at a time for
    # one CPU): the same PDFs, cache entries and warnings as one process making them all.
    config = SiteConfig()
    (tmp_path / "content").mkdir()
    alone, forked = pdf.PdfCache(tmp_path / "alone"), pdf.PdfCache(tmp_path / "forked")
    one = pdf.site_pdfs(many, config, tmp_path / "content", cache=alone, workers=0)
    assert pdf.site_pdfs(many, config, tmp_path / "content", cache=pdf.PdfCache(None), workers=1) == one
    two = pdf.site_pdfs(many, config, tmp_path / "content", cache=forked, workers=2)
    assert one == two and len(one) > 10
    assert (alone.hits, alone.misses) == (forked.hits, forked.misses) == (0, len(one))
    assert sorted(p.name for p in (tmp_path / "alone").iterdir()) == sorted(
        p.name for p in (tmp_path / "forked").iterdir())


def test_pdfs_streamed_from_the_cache_are_the_bytes_held_in_memory(tmp_path: Path, base_data: Path) -> None:
    # A build gives each PDF as its cache file, read as it is written (PdfCache.held): the same
    # bytes as the PDFs held in memory, rendered cold and taken from the cache alike; a PDF with
    # no cache to read back from is held.
    (tmp_path / "content").mkdir()
    result = validate(base_data)
    held = pdf.site_pdfs(result.dataset, result.config, tmp_path / "content", cache=pdf.PdfCache(None), workers=0)
    for run in ("cold", "warm"):
        cache = pdf.PdfCache(tmp_path / "cache")
        streamed = pdf.site_pdfs(result.dataset, result.config, tmp_path / "content", cache=cache, workers=0,
                                 streamed=True)
        assert sorted(streamed) == sorted(held), run
        assert all(isinstance(content, Streamed) for content in streamed.values()), run
        assert {path: content.data() for path, content in streamed.items()  # type: ignore[union-attr]  # all Streamed
                } == held, run
    # Without a cache, the bytes themselves.
    assert pdf.site_pdfs(result.dataset, result.config, tmp_path / "content", cache=pdf.PdfCache(None), workers=0,
                         streamed=True) == held


def test_a_pdf_changed_in_the_cache_during_the_build_is_not_published(tmp_path: Path, base_data: Path) -> None:
    (tmp_path / "content").mkdir()
    result = validate(base_data)
    cache = tmp_path / "cache"
    streamed = pdf.site_pdfs(result.dataset, result.config, tmp_path / "content", cache=pdf.PdfCache(cache),
                             workers=0, streamed=True)
    for kept in cache.glob("*.pdf"):  # another build (or anyone) rewrites the cache meanwhile
        kept.write_bytes(b"%PDF-1.7 other bytes")
    content = streamed["pdf/2020-04.pdf"]
    assert isinstance(content, Streamed)
    with pytest.raises(CannotWrite, match="the PDF cache changed"):
        content.data()


@pytest.mark.parametrize("where", ["by inputs", "by content"])
def test_a_pdf_edited_in_the_cache_between_builds_is_made_again(tmp_path: Path, base_data: Path,
                                                                where: str) -> None:
    # A cached PDF edited by hand (still a PDF to look at: its first bytes kept) is not published:
    # the cache keeps each PDF's hash beside it, and a PDF that does not match is made again,
    # found by its inputs (key files) or by its content key (a cache without them).
    (tmp_path / "content").mkdir()
    cache = tmp_path / "cache"
    cold = _build(base_data, cache)
    for kept in cache.glob("*.pdf"):
        kept.write_bytes(kept.read_bytes()[:8] + b"\n% planted\n" + kept.read_bytes()[8:])
    if where == "by content":
        for key in cache.glob("*.key"):
            key.unlink()
    assert _build(base_data, cache) == cold
    assert _build(base_data, cache) == cold  # and the cache serves the PDFs made again
