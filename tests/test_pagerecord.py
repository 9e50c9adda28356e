"""`briefing build` keeps a record of each generated page (generator/pagerecord.py: its digest and
the hash of the bytes it became) and takes an unchanged page from disk instead of rendering it. The
pages must be those of a cold build after any edit, and a planted or stale record may only cost a
render: these tests edit the data and the record and compare every generated file with a build that
had no record."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Callable

import msgspec
import pytest

from conftest import REPO
from generator import pagerecord
from generator.pagerecord import PageRecord, output_hash
from generator.routes import SEARCH_RECORDS
from generator.site import generate
from generator.validate import validate
from generator.write import GENERATED
from test_build import make_project, set_field, tree
from test_incremental import _actor_renamed, _added, _deleted, _region_renamed, _rename_first
from test_serve import synthetic


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic(tmp_path_factory.mktemp("synth") / "data", 120)


def _generated(content: Path) -> dict[str, bytes]:
    return {k: v for k, v in tree(content).items() if k.split("/")[0] in GENERATED}


def _build(data: Path, content: Path, record_dir: Path | None) -> tuple[dict[str, bytes], int]:
    """The generated files after a build into `content` (with the page record in `record_dir`;
    None: no record, a cold build), and how many pages were taken from disk."""
    result = validate(data)
    assert result.report.ok and result.dataset is not None
    record = None if record_dir is None else PageRecord(record_dir, content)
    generate(result.dataset, result.config, content, page_record=record)
    return _generated(content), record.hits if record is not None else 0


def _title(data: Path) -> None:
    set_field(min(data.glob("incidents/**/*.yml")), "title", "A title edited between builds")


def _config(data: Path) -> None:
    (data.parent / "briefing.yml").write_text("title: Another site title\nlicence: Data licensed CC BY 4.0\n",
                                              encoding="utf-8")


@pytest.mark.parametrize("which", ["example", "synthetic"])
@pytest.mark.parametrize("edit", [_title, _actor_renamed, _config], ids=["title", "actor", "config"])
def test_a_build_with_the_record_writes_the_bytes_of_a_cold_build(which: str, edit: object, synth: Path,
                                                                   tmp_path: Path) -> None:
    data = tmp_path / "p" / "data"
    shutil.copytree(REPO / "data" if which == "example" else synth, data)
    content, record = tmp_path / "p" / "content", tmp_path / "p" / ".cache" / "briefing-pages"
    first, hits = _build(data, content, record)
    assert hits == 0 and list(record.glob("*.msgpack"))
    again, hits = _build(data, content, record)
    assert again == first and hits > 0  # nothing changed: pages taken from disk
    assert callable(edit)
    edit(data)
    warm, hits = _build(data, content, record)
    cold, _ = _build(data, tmp_path / "cold", None)
    assert warm != first  # the edit shows
    assert warm == cold
    if edit is _config:
        assert hits == 0  # the configuration salts every digest: every page is rendered
    else:
        assert hits > 0


def _tamper(record_dir: Path, page: str, digest: bytes | None = None, out: bytes | None = None) -> None:
    """Change the record's entry of `page` (its digest, its output hash) as a hostile hand would."""
    (path,) = record_dir.glob("*.msgpack")
    found = msgspec.msgpack.decode(path.read_bytes(), type=pagerecord._File)
    old_digest, old_out = found.pages[page]
    found.pages[page] = (old_digest if digest is None else digest, old_out if out is None else out)
    path.write_bytes(msgspec.msgpack.encode(found))


@pytest.mark.parametrize("tampering", ["wrong digest", "wrong hash", "file edited", "garbage record"])
def test_a_planted_or_stale_record_costs_a_render_never_other_bytes(tampering: str, tmp_path: Path) -> None:
    data = tmp_path / "p" / "data"
    shutil.copytree(REPO / "data", data)
    content, record = tmp_path / "p" / "content", tmp_path / "p" / ".cache" / "briefing-pages"
    expected, _ = _build(data, content, record)
    page = next(p for p in sorted(expected) if p.startswith("timeline/") and p.endswith(".md"))
    forged = expected[page].replace(b"#", b"# planted", 1) + b"\n<script>alert(1)</script>\n"
    assert forged != expected[page]
    if tampering == "wrong digest":  # the file edited and its hash recorded: only the digest is wrong
        (content / page).write_bytes(forged)
        _tamper(record, page, digest=b"\0" * 32, out=output_hash(forged))
    elif tampering == "wrong hash":  # the file edited; the record's digest is right, its hash is not
        (content / page).write_bytes(forged)
        _tamper(record, page, out=b"\0" * 32)
    elif tampering == "file edited":  # by hand, the record as the build left it
        (content / page).write_bytes(forged)
    else:
        (path,) = record.glob("*.msgpack")
        path.write_bytes(b"\x93not a record")
    rebuilt, hits = _build(data, content, record)
    assert rebuilt == expected
    assert hits < len([p for p in expected if not p.startswith("data/")])  # at least that page was rendered


def test_build_keeps_the_record_under_cache_and_no_cache_neither_reads_nor_writes_it(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", REPO / "data")
    done = project.build("--pages-only", "--no-cache")
    assert done.returncode == 0, done.stderr
    assert not (project.root / ".cache" / "briefing-pages").exists()
    done = project.build("--pages-only")
    assert done.returncode == 0, done.stderr
    assert list((project.root / ".cache" / "briefing-pages").glob("*.msgpack"))
    _title(project.data)
    done = project.build("--pages-only")
    assert done.returncode == 0, done.stderr
    warm = project.generated()
    done = project.build("--pages-only", "--no-cache")
    assert done.returncode == 0, done.stderr
    assert "pages: 0 written" in done.stdout  # nothing left for the cold build to change
    assert project.generated() == warm
    assert b"A title edited between builds" in b"".join(warm.values())


def test_the_records_of_other_content_folders_are_pruned_and_other_files_left(tmp_path: Path) -> None:
    folder = tmp_path / ".cache" / "briefing-pages"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    for n in range(pagerecord.KEEP + 3):
        record = PageRecord(folder, tmp_path / f"content-{n}")
        record.start(b"salt")
        record.keep("timeline/index.md", b"d", b"# page\n")
        record.save()
        assert record.path.is_file()
    assert len(list(folder.glob("*.msgpack"))) == pagerecord.KEEP
    assert record.path.is_file() and (folder / "notes.txt").is_file()


# --- views taken from disk by their input keys (ViewMemo.kept) ------------------------------------


def _ids(data: Path, kind: str) -> list[str]:
    """The ids of the records of `kind` (a file may hold one record or a list of them)."""
    return sorted(i for p in data.glob(f"{kind}/**/*.yml")
                  for i in re.findall(r"(?<![\w-])id: ([\w-]+)", p.read_text(encoding="utf-8")))


def _one_day(data: Path) -> list[Path]:
    """Incident files of one record dated to one day (`date: YYYY-MM-DD`), in path order."""
    return [p for p in sorted(data.glob("incidents/**/*.yml"))
            if re.search(r"^date: \d{4}-\d{2}-\d{2}$", p.read_text(encoding="utf-8"), re.M)]


def _perpetrator_changed(data: Path) -> None:
    """The first actor of an incident replaced by another: both actors' pages change, and the
    region's table of actors (cross-references, not the edited file's own pages)."""
    path = next(p for p in _one_day(data) if "actor: " in p.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    other = next(a for a in reversed(_ids(data, "actors")) if a not in text)
    path.write_text(re.sub(r"\bactor: [\w-]+", f"actor: {other}", text, count=1), encoding="utf-8")


def _region_moved(data: Path) -> None:
    path = _one_day(data)[1]
    text = path.read_text(encoding="utf-8")
    other = next(r for r in reversed(_ids(data, "regions")) if f"region: {r}\n" not in text)
    set_field(path, "region", other)


def _date_moved(data: Path) -> None:
    """An incident moved to the earliest month another incident has (before its sources): both
    months' pages change."""
    path = _one_day(data)[-1]
    month = re.search(r"^date: (\d{4}-\d{2})", path.read_text(encoding="utf-8"), re.M)
    assert month is not None
    dates = sorted(d for p in data.glob("incidents/**/*.yml")
                   for d in re.findall(r"(?:date|from): (\d{4}-\d{2}-\d{2})", p.read_text(encoding="utf-8")))
    set_field(path, "date", next(d for d in dates if d[:7] != month.group(1)))


def _source_renamed(data: Path) -> None:
    _rename_first(min(data.glob("sources/**/*.yml")), "A source renamed between builds")


def _views(data: Path, content: Path, record_dir: Path | None) -> tuple[dict[str, bytes], int, int]:
    """`_build` with a validation cache (as `briefing build` validates), and how many views were
    taken from disk by their input keys."""
    result = validate(data, cache=data.parent / ".cache" / "validation")
    assert result.report.ok and result.dataset is not None
    record = None if record_dir is None else PageRecord(record_dir, content)
    generate(result.dataset, result.config, content, page_record=record)
    return _generated(content), record.hits if record else 0, record.view_hits if record else 0


EDITS = [_title, _perpetrator_changed, _region_moved, _date_moved, _added, _deleted, _actor_renamed,
         _region_renamed, _source_renamed]


@pytest.mark.parametrize("which", ["example", "synthetic"])
@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.__name__.strip("_"))
def test_views_taken_by_input_key_give_the_bytes_of_a_cold_build(which: str, edit: Callable[[Path], None],
                                                                 synth: Path, tmp_path: Path) -> None:
    """Actor, region and month pages whose records did not change are taken from disk without
    making their views; after any edit, including one that changes other pages through their
    cross-references (an actor or a region named by an incident, a month), every generated file
    is that of a cold build, and so is it again after a second build."""
    data = tmp_path / "p" / "data"
    shutil.copytree(REPO / "data" if which == "example" else synth, data)
    content, record = tmp_path / "p" / "content", tmp_path / "p" / ".cache" / "briefing-pages"
    first, _, views = _views(data, content, record)
    assert views == 0
    again, _, views = _views(data, content, record)
    assert again == first and views > 0  # nothing changed: every view taken from disk
    every = views
    edit(data)
    warm, _, views = _views(data, content, record)
    cold, _, _ = _views(data, tmp_path / "cold", None)
    assert warm != first  # the edit shows
    assert warm == cold
    if edit in (_actor_renamed, _region_renamed, _source_renamed):
        assert views == 0  # every view may name them: each is made again
    else:
        assert 0 < views < every
    rebuilt, _, views = _views(data, content, record)
    assert rebuilt == cold and views >= every - 1  # (an added or deleted month changes the count)


Views = dict[str, tuple[bytes, list[tuple[str, bytes]]]]


def _tamper_views(record_dir: Path, change: Callable[[Views, dict[str, tuple[bytes, bytes]]], None]) -> None:
    """Change the views of the record (what each view made, by its name) as a hostile hand would;
    `change` is given the record's pages too (each path's digest and output hash)."""
    (path,) = record_dir.glob("*.msgpack")
    found = msgspec.msgpack.decode(path.read_bytes(), type=pagerecord._File)
    change(found.views, found.pages)
    path.write_bytes(msgspec.msgpack.encode(found))


def _view_of(views: Views, family: str, pages: int = 1) -> str:
    """The name of a view of `family` that made at least `pages` files."""
    return next(name for name in sorted(views) if name.startswith(family + "\0") and len(views[name][1]) >= pages)


def _emptied(views: Views, _pages: dict[str, tuple[bytes, bytes]]) -> None:
    name = _view_of(views, "actors")
    views[name] = (views[name][0], [])


def _chart_dropped(views: Views, _pages: dict[str, tuple[bytes, bytes]]) -> None:
    name = _view_of(views, "regions", 2)
    views[name] = (views[name][0], views[name][1][:1])


def _swapped(views: Views, _pages: dict[str, tuple[bytes, bytes]]) -> None:
    first, second = sorted(name for name in views if name.startswith("timeline\0"))[:2]
    views[first], views[second] = (views[first][0], views[second][1]), (views[second][0], views[first][1])


def _doubled(views: Views, _pages: dict[str, tuple[bytes, bytes]]) -> None:
    first, second = sorted(name for name in views if name.startswith("actors\0"))[:2]
    views[first] = (views[first][0], views[first][1] + views[second][1])


def _index_claimed(views: Views, pages: dict[str, tuple[bytes, bytes]]) -> None:
    """A month's view said to have made the timeline's index too (with the index's own digest)."""
    name = _view_of(views, "timeline")
    views[name] = (views[name][0], [*views[name][1], ("timeline/index.md", pages["timeline/index.md"][0])])


def _other_first(views: Views, _pages: dict[str, tuple[bytes, bytes]]) -> None:
    """An actor's view said to have made another actor's page only."""
    first, second = sorted(name for name in views if name.startswith("actors\0"))[:2]
    views[first] = (views[first][0], views[second][1][:1])


@pytest.mark.parametrize("change", [_emptied, _chart_dropped, _swapped, _doubled, _index_claimed, _other_first],
                         ids=lambda c: c.__name__.strip("_"))
def test_a_view_whose_pages_were_edited_in_the_record_is_made_again(
        change: Callable[[Views, dict[str, tuple[bytes, bytes]]], None], tmp_path: Path) -> None:
    """The record names the files each view made: a hand that empties, shortens, swaps or extends
    that list (the files themselves untouched) costs renders, never a missing page, a page at
    another's path, or a traceback."""
    data = tmp_path / "p" / "data"
    shutil.copytree(REPO / "data", data)
    content, record = tmp_path / "p" / "content", tmp_path / "p" / ".cache" / "briefing-pages"
    expected, _, _ = _views(data, content, record)
    _, _, views = _views(data, content, record)
    assert views > 0
    _tamper_views(record, change)
    rebuilt, _, _ = _views(data, content, record)
    assert rebuilt == expected


def _search_build(data: Path, content: Path, record_dir: Path | None) -> tuple[bytes, int, int]:
    """The search file after a build (with the page record in `record_dir`; None: a cold build),
    how many records' entries were taken from the record, and how many it keeps."""
    result = validate(data, cache=data.parent / ".cache" / "validation")
    assert result.report.ok and result.dataset is not None
    record = None if record_dir is None else PageRecord(record_dir, content)
    generate(result.dataset, result.config, content, page_record=record)
    found = (content / SEARCH_RECORDS).read_bytes()
    return found, record.text_hits if record else 0, len(record.new_texts) if record else 0


@pytest.mark.parametrize("edit", [_title, _perpetrator_changed, _date_moved, _deleted, _actor_renamed,
                                  _region_renamed], ids=lambda e: e.__name__.strip("_"))
def test_search_entries_taken_by_input_key_give_the_search_file_of_a_cold_build(
        edit: Callable[[Path], None], synth: Path, tmp_path: Path) -> None:
    """A record's search entry is taken from the page record when its file and every actor,
    region and source are as they were: after an edit, the search file is that of a cold build;
    the edited record's entry is made again, and every entry once an actor or region is renamed
    (an entry names them)."""
    data = tmp_path / "p" / "data"
    shutil.copytree(synth, data)
    content, record = tmp_path / "p" / "content", tmp_path / "p" / ".cache" / "briefing-pages"
    first, hits, kept = _search_build(data, content, record)
    assert hits == 0 and kept > 100
    again, hits, _ = _search_build(data, content, record)
    assert again == first and hits == kept  # nothing changed: every entry from the record
    edit(data)
    warm, hits, after = _search_build(data, content, record)
    cold, _, _ = _search_build(data, tmp_path / "cold", None)
    assert warm == cold
    if edit in (_actor_renamed, _region_renamed):
        assert hits == 0
    else:  # only the edited record's entry made again (none for a deleted record)
        assert warm != first and after - hits == (0 if edit is _deleted else 1)


def _texts_swapped(texts: dict[bytes, str]) -> None:
    first, second = sorted(texts)[:2]
    texts[first], texts[second] = texts[second], texts[first]


def _texts_broken(texts: dict[bytes, str]) -> None:
    key = sorted(texts)[0]
    texts[key] = texts[key][:-5]


def _texts_not_ascii(texts: dict[bytes, str]) -> None:
    key = sorted(texts)[0]
    texts[key] = texts[key].replace('"title": "', '"title": "\u00e9', 1)


@pytest.mark.parametrize("change", [_texts_swapped, _texts_broken, _texts_not_ascii],
                         ids=lambda c: c.__name__.strip("_"))
def test_search_entries_edited_in_the_record_are_made_again(change: Callable[[dict[bytes, str]], None],
                                                            synth: Path, tmp_path: Path) -> None:
    """A search entry's text edited by hand in the page record (another record's entry, a cut
    text, a character the ASCII file cannot hold) costs a make: the search file is a cold build's."""
    data = tmp_path / "p" / "data"
    shutil.copytree(synth, data)
    content, record = tmp_path / "p" / "content", tmp_path / "p" / ".cache" / "briefing-pages"
    first, _, kept = _search_build(data, content, record)
    (path,) = record.glob("*.msgpack")
    found = msgspec.msgpack.decode(path.read_bytes(), type=pagerecord._File)
    texts = dict(found.texts)
    change(found.texts)
    assert found.texts != texts
    path.write_bytes(msgspec.msgpack.encode(found))
    again, _, _ = _search_build(data, content, record)
    assert again == first
    (path,) = record.glob("*.msgpack")  # the entries made again are recorded as they should be
    assert msgspec.msgpack.decode(path.read_bytes(), type=pagerecord._File).texts == texts and len(texts) == kept
