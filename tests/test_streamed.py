"""The build streams its big files to disk (issue 11): the Data page's exports, the records' search
entries and the explorer's data file are serialised a chunk at a time, and each page is rendered
only when the writer takes it. What lands on disk must be the same bytes as the whole-string
serialisation and `render_pages`, on the example data and on a synthetic set, and the writer keeps
its guarantees for streamed files (unchanged ones untouched, a failure leaves the tree as it was).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from jinja2 import Environment
from test_serve import synthetic

from generator import export
from generator.site import generate, render_pages, site_pages
from generator.validate import validate
from generator.views import explorer, search
from generator.views.common import Context
from generator.kinds import READING_ORDER
from generator.views.export import (ACLED_COLUMNS, DATA_FORMAT_VERSION, EXPORT_VERSION, OWN_COLUMNS, ExportData,
                                    from_context)
from generator.write import MARKER, Streamed, write_tree


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """synth.py's data, 120 incidents and 12 statements (a few hundred records)."""
    return synthetic(tmp_path_factory.mktemp("synth") / "data", 120)


def _context(data: Path) -> Context:
    result = validate(data)
    assert result.report.ok and result.dataset is not None
    return Context(result.dataset, site=result.config, event_types=result.config.all_event_types())


# --- the whole-string serialisations as they were before streaming (the reference) -----------


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _whole_json_document(head: dict[str, Any], lists: dict[str, list[Any]]) -> bytes:
    parts = [_dump(k) + ":" + _dump(v) for k, v in head.items()]
    for key, items in lists.items():
        body = ",\n".join(_dump(item) for item in items)
        parts.append(_dump(key) + ":[" + ("\n" + body + "\n" if items else "") + "]")
    return ("{" + ",\n".join(parts) + "}\n").encode("utf-8")


def _whole_csv(header: list[str] | tuple[str, ...], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _whole(fmt: str, data: ExportData) -> bytes:
    """Each format as one string, built the way export.py built it before it streamed."""
    if fmt == "json":
        head = {"version": {"export": EXPORT_VERSION, "data_format": DATA_FORMAT_VERSION},
                "site": {"title": data.site.title, "url": data.site.url, "licence": data.site.licence}}
        lists = {folder: [export._JSON[type(item)](item, data) for item in getattr(data, folder)]
                 for folder in READING_ORDER}
        return _whole_json_document(head, lists)
    if fmt == "geojson":
        features = [f for f in (export._feature(i) for i in data.incidents) if f is not None]
        return _whole_json_document({"type": "FeatureCollection"}, {"features": features})
    if fmt == "csv":
        header = [name for name, _ in ACLED_COLUMNS] + [name for name, _ in OWN_COLUMNS]
        return _whole_csv(header, [export._csv_row(i) for i in data.incidents])
    assert fmt == "timelinejs"
    cell, html = export.cell, export._html
    linked = data.site.url is not None
    title_text = "<p>" + html(f"{len(data.incidents):,} incidents") + (
        f" · {html(data.site.licence)}" if data.site.licence else "") + "</p>"
    rows = [["", "", "", "", "", "", "", "", "", cell(html(data.site.title)), cell(title_text),
             "", "", "", "", "title", "", ""]]
    for i in data.incidents:
        rows.append([*export._timeline_dates(i.date), cell(html(i.date.label)), cell(html(i.title)),
                     cell(export._timeline_text(i, linked)), "", "", "", "", "", cell(html(i.group_label)), ""])
    return _whole_csv(export.TIMELINEJS_HEADER, rows)


@pytest.mark.parametrize("which", ["example", "synthetic"])
@pytest.mark.parametrize("chunk", [export.CHUNK_ITEMS, 3])
def test_streamed_exports_are_the_bytes_of_the_whole_documents(which: str, chunk: int, synth: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "CHUNK_ITEMS", chunk)  # 3: a chunk boundary every few records
    ctx = _context(REPO / "data" if which == "example" else synth)
    data = from_context(ctx)
    assert len(data.incidents) > 3 * chunk or chunk == export.CHUNK_ITEMS
    for fmt in export.CHUNKERS:
        pieces = list(export.chunks(fmt, data))
        assert b"".join(pieces) == _whole(fmt, data) == export.serialise(fmt, data), fmt
        if chunk == 3:
            assert len(pieces) > 3, fmt  # really streamed, not one piece
    # The explorer's data file: json.dumps of the whole document, compact, keys in their order
    _, made = explorer.build(ctx)
    document = {"version": explorer.EXPLORER_VERSION, "tiles": made.tiles,
                "groups": [list(g) for g in made.groups], "types": [list(t) for t in made.types],
                "regions": made.regions, "actors": made.actors, "tags": list(made.tags),
                "pages": list(made.pages), "dates": list(made.dates), "incidents": made.incidents}
    whole = (json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n").encode()
    assert b"".join(export.explorer_chunks(made)) == whole

    # The records' search entries: what Jinja's `tojson` made of the whole file
    records = search.build(ctx)
    tojson = Environment(autoescape=True, keep_trailing_newline=True).from_string("{{ records.data() | tojson }}\n")
    pieces = list(export.chunks("search", records))
    assert b"".join(pieces) == tojson.render(records=records).encode("utf-8")
    if chunk == 3:
        assert len(pieces) > 3


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != MARKER}


@pytest.mark.parametrize("which", ["example", "synthetic"])
def test_a_build_writes_the_bytes_render_pages_makes(which: str, synth: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`generate` (pages rendered as the writer takes them, downloads streamed) writes exactly what
    `render_pages` renders whole, for every path; a second build changes nothing."""
    monkeypatch.setattr(export, "CHUNK_ITEMS", 3)
    result = validate(REPO / "data" if which == "example" else synth)
    assert result.dataset is not None
    whole = render_pages(site_pages(result.dataset, result.config), result.config)
    expected = {path: text.encode("utf-8") if isinstance(text, str) else text for path, text in whole.items()}
    content = tmp_path / "content"
    written = generate(result.dataset, result.config, content)
    assert _files(content) == expected
    assert sorted(written.written) == sorted(expected)
    again = generate(result.dataset, result.config, content)
    assert again.written == [] and sorted(again.unchanged) == sorted(expected)


def test_the_writer_streams_a_file_and_leaves_an_unchanged_one_alone(tmp_path: Path) -> None:
    root = tmp_path / "content"
    chunks = [b"id,title\n", "1,Qaraj \u0642\u0631\u0686\n".encode(), b"2,Kirkuk\n"]
    write_tree(root, {"index.md": "# Home\n", "data/incidents.csv": Streamed(lambda: iter(chunks))})
    target = root / "data" / "incidents.csv"
    assert target.read_bytes() == b"".join(chunks)
    before = target.stat()
    result = write_tree(root, {"index.md": "# Home\n", "data/incidents.csv": Streamed(lambda: iter(chunks))})
    assert result.unchanged == ["data/incidents.csv", "index.md"] and result.written == []
    after = target.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    # The same size, other bytes: written again
    changed = [chunks[0], chunks[1], b"3,Kirkuk\n"]
    result = write_tree(root, {"index.md": "# Home\n", "data/incidents.csv": Streamed(lambda: iter(changed))})
    assert result.written == ["data/incidents.csv"] and target.read_bytes() == b"".join(changed)


def test_a_stream_failing_half_way_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "content"
    write_tree(root, {"index.md": "# Home\n", "data/incidents.csv": b"id\n1\n"})
    before = _files(root)

    def failing() -> Any:
        yield b"id\n"
        raise ValueError("a record that cannot be serialised")

    with pytest.raises(ValueError, match="cannot be serialised"):
        write_tree(root, {"index.md": "# Changed\n", "data/incidents.csv": Streamed(failing)})
    assert _files(root) == before
    assert not [p for p in root.glob(".briefing-*") if p.name != MARKER], "a working folder was left behind"
