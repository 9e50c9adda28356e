"""`briefing export` and the Data page: CSV with ACLED's columns, JSON with resolved references,
GeoJSON (RFC 7946), TimelineJS's spreadsheet; only what the site shows; hostile text stays inert."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import SHARED

from generator import cli, routes
from generator.export import serialise
from generator.site import render_pages, site_pages
from generator.validate import validate
from generator.views.common import Context
from generator.views.export import ACLED_COLUMNS, from_context

TIMELINEJS_TEMPLATE = SHARED / "reference" / "timelinejs-template.csv"
ACLED_SAMPLE = SHARED / "reference" / "acled-sample-argentina-2022-06.csv"
HOSTILE_TITLE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'

#: RFC 7946's FeatureCollection of Point features, as a JSON Schema (the parts this export uses:
#: the members each object must have, their types, and a position of two or three numbers).
GEOJSON_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "bbox": {"type": "array", "minItems": 4, "items": {"type": "number"}},
        "features": {"type": "array", "items": {
            "type": "object",
            "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"const": "Feature"},
                "id": {"type": ["string", "number"]},
                "properties": {"type": ["object", "null"]},
                "geometry": {"oneOf": [{"type": "null"}, {
                    "type": "object", "required": ["type", "coordinates"],
                    "properties": {
                        "type": {"const": "Point"},
                        "coordinates": {"type": "array", "minItems": 2, "maxItems": 3,
                                        "items": {"type": "number"}},
                    },
                }]},
            },
        }},
    },
    # RFC 7946 §4: no `crs` member (coordinates are WGS 84, longitude first).
    "not": {"required": ["crs"]},
}


@pytest.fixture
def data(base_data: Path) -> Path:
    """The base data with a located incident, one at a region with coordinates only, a hostile
    one, a draft, and a briefing.yml with the site's address and a hostile licence line."""
    regions = base_data / "regions" / "regions.yml"
    regions.write_text(regions.read_text(encoding="utf-8").replace(
        "  disputed: true\n", "  disputed: true\n  coordinates: [35.47, 44.39]\n"), encoding="utf-8")
    folder = base_data / "incidents" / "2020" / "04"
    (folder / "located.yml").write_text(
        "id: located\ntitle: A clash at a crossroads\ndate: {from: 2020-04-01, to: 2020-04-04}\ntype: armed-clash\n"
        "region: hawija\ncoordinates: [35.25, 43.75]\nlocation_precision: exact\n"
        "actors:\n  - {actor: isis, role: perpetrator}\n  - {actor: peshmerga, role: target}\n"
        "casualties:\n  - {group: civilians, killed: {low: 1, best: 2, high: 4}, wounded: 3}\n"
        "  - {actor: isis, killed: 5}\n"
        "sources:\n  - source: rudaw\n    url: https://www.rudaw.net/english/located\n", encoding="utf-8")
    (folder / "hostile.yml").write_text(
        f"id: hostile\ntitle: '{HOSTILE_TITLE}'\ndate: 2020-04\ntype: attack\nregion: iraq\n"
        "place: '@SUM(1+1)'\nsummary: '=HYPERLINK(\"http://evil.example\",\"click\")'\n"
        "actors:\n  - {actor: isis, role: perpetrator}\nsources:\n  - source: rudaw\n", encoding="utf-8")
    (folder / "draft.yml").write_text(
        "id: draft-incident\ntitle: Not yet published\ndate: 2020-04-20\ntype: attack\nregion: iraq\nstatus: draft\n"
        "actors:\n  - {actor: isis, role: perpetrator}\nsources:\n  - source: rudaw\n", encoding="utf-8")
    (base_data.parent / "briefing.yml").write_text(
        "title: Test briefing\nsite_url: https://example.org/briefing\n"
        "licence: '<b>CC BY 4.0</b> <script>alert(2)</script>'\n", encoding="utf-8")
    return base_data


def export(data_dir: Path, fmt: str, preview: bool = False) -> bytes:
    result = validate(data_dir)
    assert result.dataset is not None and result.report.ok, result.report.sorted()
    ctx = Context(result.dataset, preview=preview, event_types=result.config.all_event_types(), site=result.config)
    return serialise(fmt, from_context(ctx))


def rows(text: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.decode("utf-8"))))


def test_the_geojson_is_a_valid_rfc7946_feature_collection_longitude_first(data: Path) -> None:
    collection = json.loads(export(data, "geojson"))
    jsonschema.Draft7Validator(GEOJSON_SCHEMA).validate(collection)
    features = {f["id"]: f for f in collection["features"]}
    # the data writes [latitude, longitude]; GeoJSON wants [longitude, latitude]
    assert features["located"]["geometry"]["coordinates"] == [43.75, 35.25]
    assert features["located"]["properties"]["coordinates_from"] == "incident"
    # no coordinates of its own: placed at its region's nearest ancestor with some, as an area
    assert features["attack"]["geometry"]["coordinates"] == [44.39, 35.47]
    assert features["attack"]["properties"]["coordinates_from"] == "region"
    assert features["attack"]["properties"]["location_precision"] == "region"
    # neither (Iraq has no coordinates): left out, never placed at 0,0
    assert "hostile" not in features
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    props = features["located"]["properties"]
    assert props["date"] == {"from": "2020-04-01", "to": "2020-04-04"}
    assert (props["start"], props["end"]) == ("2020-04-01", "2020-04-04")
    assert props["actors"] == [{"id": "isis", "name": "Islamic State (ISIS)", "role": "perpetrator"},
                               {"id": "peshmerga", "name": "Peshmerga", "role": "target"}]
    assert [s["id"] for s in props["region_path"]] == ["iraq", "kirkuk", "hawija"]
    assert props["permalink"] == "https://example.org/briefing/timeline/2020-04/#located"
    assert props["casualties"][0]["killed"] == {"low": 1, "best": 2, "high": 4}


def test_the_geojson_schema_check_catches_latitude_first_and_a_bad_type() -> None:
    """The schema check above is not vacuous."""
    bad = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": ["35.2", 43.7]}, "properties": {}}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(GEOJSON_SCHEMA).validate(bad)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(GEOJSON_SCHEMA).validate({"type": "FeatureCollection", "features": [],
                                                             "crs": {}})


def test_the_timelinejs_header_is_the_templates_and_precision_shows_in_display_date(data: Path) -> None:
    template = rows(TIMELINEJS_TEMPLATE.read_bytes())
    table = rows(export(data, "timelinejs"))
    assert table[0] == template[0]
    by_headline = {row[9]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert by_headline["Test briefing"]["Type"] == "title"
    located = by_headline["A clash at a crossroads"]
    assert (located["Year"], located["Month"], located["Day"]) == ("2020", "4", "1")
    assert (located["End Year"], located["End Month"], located["End Day"]) == ("2020", "4", "4")
    assert located["Display Date"] == "1–4 April 2020"
    assert located["Group"] == "Battles"
    assert 'href="https://example.org/briefing/timeline/2020-04/#located"' in located["Text"]
    hostile = next(row for headline, row in by_headline.items() if "script" in headline)
    assert (hostile["Year"], hostile["Month"], hostile["Day"]) == ("2020", "4", "")
    assert hostile["Display Date"] == "April 2020"
    # Headline and Text are HTML in TimelineJS: the data shows literally, nothing runs
    assert hostile["Headline"] == ('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; '
                                   '&lt;img src=x onerror=alert(1)&gt;')
    whole = export(data, "timelinejs").decode()
    assert "<script" not in whole and "<img" not in whole and "<b>" not in whole


def test_the_csv_has_acleds_header_and_maps_the_fields(data: Path) -> None:
    acled_header = rows(ACLED_SAMPLE.read_bytes()[:4000])[0]
    assert [name for name, _ in ACLED_COLUMNS] == acled_header
    table = rows(export(data, "csv"))
    assert table[0][:len(acled_header)] == acled_header
    by_id = {row[table[0].index("briefing_id")]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    located = by_id["located"]
    assert located["event_id_cnty"] == "located"
    assert (located["event_date"], located["time_precision"]) == ("2020-04-02", "2")  # a 4-day span: its middle
    assert (located["event_type"], located["sub_event_type"]) == ("Battles", "Armed clash")
    assert (located["actor1"], located["actor2"]) == ("Islamic State (ISIS)", "Peshmerga")
    assert (located["country"], located["admin1"], located["admin2"]) == ("Iraq", "Kirkuk Governorate", "Hawija")
    assert (located["latitude"], located["longitude"], located["geo_precision"]) == ("35.25", "43.75", "1")
    assert (located["fatalities"], located["wounded"]) == ("7", "3")  # best of 1-4 (2) and 5
    assert located["source"] == "Rudaw"
    assert by_id["attack"]["fatalities"] == "1" and by_id["attack"]["time_precision"] == "1"
    assert by_id["hostile"]["fatalities"] == ""  # no casualties recorded: unknown, not 0


def test_csv_cells_a_spreadsheet_would_run_as_formulas_start_with_an_apostrophe(data: Path) -> None:
    table = rows(export(data, "csv"))
    hostile = dict(zip(table[0], next(r for r in table[1:] if "hostile" in r), strict=True))
    assert hostile["notes"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert hostile["location"] == "'@SUM(1+1)"
    located = dict(zip(table[0], next(r for r in table[1:] if "located" in r), strict=True))
    assert located["latitude"] == "35.25"  # numbers we write stay numbers (a negative one too)
    for row in table[1:]:
        assert not any(value.startswith(("=", "+", "@")) for value in row)


def test_json_has_versions_every_kind_and_names_beside_ids(data: Path) -> None:
    document = json.loads(export(data, "json"))
    assert document["version"] == {"export": "1", "data_format": "1.1"}
    assert document["site"]["licence"] == "<b>CC BY 4.0</b> <script>alert(2)</script>"  # data, as written
    assert {k for k in document if isinstance(document[k], list)} == {
        "incidents", "statements", "actors", "regions", "sources"}
    incident = next(i for i in document["incidents"] if i["id"] == "attack")
    assert incident["actors"][0]["actor"] == "isis" and incident["actors"][0]["name"] == "Islamic State (ISIS)"
    assert incident["sources"][0]["source_name"] == "Rudaw"
    assert incident["region_path"][-1] == {"id": "hawija", "name": "Hawija", "level": "district"}
    assert incident["casualties"][0]["actor_name"] == "Peshmerga"
    kirkuk = next(r for r in document["regions"] if r["id"] == "kirkuk")
    assert kirkuk["parent_name"] == "Iraq"


def test_only_published_records_unless_preview_and_the_bytes_are_stable(data: Path) -> None:
    for fmt in ("csv", "json", "geojson", "timelinejs"):
        published = export(data, fmt)
        assert b"draft-incident" not in published and b"Not yet published" not in published, fmt
        assert b"Not yet published" in export(data, fmt, preview=True) or fmt == "geojson", fmt
        assert export(data, fmt) == published, fmt  # deterministic
        assert b"\r" not in published, fmt


def test_the_export_command_writes_the_file_and_standard_output(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.geojson"
    result = CliRunner().invoke(cli.cli, ["export", "--format", "geojson", "--data", str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_bytes())["type"] == "FeatureCollection"
    piped = CliRunner().invoke(cli.cli, ["export", "--format", "csv", "--data", str(data), "-o", "-"])
    assert piped.exit_code == 0 and piped.stdout_bytes == export(data, "csv")


@pytest.mark.parametrize(("name", "message"), [
    ("data/x.csv", "inside the data folder"),
    ("out.txt", "does not end in .csv"),
    ("folder", "is a folder"),
])
def test_the_export_command_refuses_what_it_may_not_write(data: Path, tmp_path: Path, name: str,
                                                          message: str) -> None:
    (tmp_path / "folder").mkdir()
    before = sorted(p.as_posix() for p in tmp_path.rglob("*"))
    result = CliRunner().invoke(cli.cli, ["export", "--format", "csv", "--data", str(data), "-o",
                                          str(tmp_path / name)])
    assert result.exit_code == 2 and message in result.output
    assert sorted(p.as_posix() for p in tmp_path.rglob("*")) == before  # nothing written


def test_the_export_command_leaves_a_pipe_or_device_as_it_is(data: Path, tmp_path: Path) -> None:
    # The file is written beside -o and renamed over it: `-o /dev/null --force` run as root
    # replaced /dev/null with a regular file. A pipe stands for the device here.
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    for name in ("pipe.csv", "link.csv"):
        if name == "link.csv":
            (tmp_path / name).symlink_to(pipe)
        result = CliRunner().invoke(cli.cli, ["export", "--format", "csv", "--data", str(data), "-o",
                                              str(tmp_path / name), "--force"])
        assert result.exit_code == 2 and "not a file" in result.output, name
        assert stat.S_ISFIFO(pipe.lstat().st_mode) and (tmp_path / name).exists(), name


def test_the_data_page_offers_each_export_and_keeps_the_licence_inert(data: Path) -> None:
    result = validate(data)
    assert result.dataset is not None
    rendered = render_pages(site_pages(result.dataset, result.config), result.config)
    page = rendered[routes.DATA_PAGE]
    assert isinstance(page, str)
    for fmt, name in routes.EXPORT_FILES.items():
        assert rendered[routes.export_file(fmt)] == export(data, fmt), fmt
        assert f"]({name})" in page, fmt  # linked from the page, relative to it
    assert "<script" not in page and "<b>" not in page  # the licence line is shown as text
    assert "&lt;script&gt;" in page
    assert "https://example.org/briefing/" in page  # how to cite
    assert "`event_id_cnty`" in page  # the column meanings


ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_is_valid_atom_with_escaped_text_and_only_published_records(data: Path) -> None:
    import re
    import xml.etree.ElementTree as ET

    result = validate(data)
    assert result.dataset is not None
    rendered = render_pages(site_pages(result.dataset, result.config, preview=True), result.config)
    feed_bytes = rendered[routes.FEED]
    assert isinstance(feed_bytes, bytes)
    feed = ET.fromstring(feed_bytes)  # noqa: S314  # our own output: well-formed XML, or this raises
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")  # RFC 3339, as RFC 4287 §3.3 wants
    # RFC 4287 §4.1.1: exactly one id, title and updated; an author (no entry has one); a self link
    for name in ("id", "title", "updated"):
        assert len(feed.findall(ATOM + name)) == 1, name
    assert feed.find(ATOM + "author/" + ATOM + "name") is not None
    assert stamp.match(feed.findtext(ATOM + "updated") or "")
    assert any(link.get("rel") == "self" for link in feed.findall(ATOM + "link"))
    entries = feed.findall(ATOM + "entry")
    ids = [e.findtext(ATOM + "id") for e in entries]
    assert entries and len(set(ids)) == len(ids)  # §4.2.6: ids are unique
    for entry in entries:
        assert re.match(r"[a-z][a-z0-9+.-]*:", entry.findtext(ATOM + "id") or "")  # an absolute IRI
        assert stamp.match(entry.findtext(ATOM + "updated") or "")
        assert entry.findtext(ATOM + "title")
        links = [link for link in entry.findall(ATOM + "link") if link.get("rel") == "alternate"]
        assert len(links) == 1 and links[0].get("href", "").startswith("https://example.org/briefing/timeline/")
    titles = [e.findtext(ATOM + "title") for e in entries]
    assert HOSTILE_TITLE in titles  # the data as typed: escaped in the XML, text when read
    assert b"<script" not in feed_bytes
    assert "Not yet published" not in titles  # a feed is public: no draft, in a preview build neither
    assert feed.findtext(ATOM + "id") == ET.fromstring(  # noqa: S314  # our own output, parsed to check it
        render_pages(site_pages(result.dataset, result.config), result.config)[routes.FEED]).findtext(ATOM + "id")


def test_a_feed_xml_briefing_did_not_make_is_refused_and_its_own_is_replaced(data: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "feed.xml").write_text("my own feed", encoding="utf-8")
    refused = CliRunner().invoke(cli.cli, ["build", "--data", str(data), "--content", str(content), "--pages-only"])
    assert refused.exit_code == 2 and "feed.xml" in refused.output
    assert (content / "feed.xml").read_text(encoding="utf-8") == "my own feed"
    (content / "feed.xml").unlink()
    for _ in range(2):  # the second build replaces the feed the first one made
        built = CliRunner().invoke(cli.cli, ["build", "--data", str(data), "--content", str(content),
                                             "--pages-only"])
        assert built.exit_code == 0, built.output
    assert (content / "feed.xml").read_bytes().startswith(b"<?xml")
    assert (content / "data" / "incidents.geojson").is_file()
