"""The map in the PDF briefings (issue 12, "the printed map"): geo.py's outlines, projection and
SVG, and the "Map" page as a reader sees it — checked as an image (pdftoppm), its points counted
from the SVG the template is given.

The data is the small fixture `tests/fixtures/base` with coordinates of its own (the example
data's regions get theirs elsewhere), so that the counts here do not move with the example data.
"""

from __future__ import annotations

import json
import math
import random
import re
import subprocess
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pytest

from generator import geo, pdf
from generator.charts import GROUP_COLOURS
from generator.validate import validate
from generator.views import briefing as views
from generator.views.common import Context

APRIL = views.Request(date(2020, 4, 1), date(2020, 4, 30))
KIRKUK = [35.47, 44.39]
HOSTILE = '#eval("1+1") *b* </svg><text>x</text> <script>alert(1)</script> $x$ ]'

# --- geo.py ---------------------------------------------------------------------------------------


def test_decode_undoes_quantization_and_delta_encoding() -> None:
    topology: dict[str, Any] = {
        "type": "Topology",
        "transform": {"scale": [0.5, 2.0], "translate": [10.0, 20.0]},
        "arcs": [[[0, 0], [2, 0], [0, 1]], [[2, 1], [-2, 0], [0, -1]]],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "id": "1"},
            {"type": "MultiPolygon", "arcs": [[[~1, ~0]]], "id": "2"},
            {"type": "Polygon", "arcs": [[0]]},  # no id, and too few points for a ring
        ]}},
    }
    arcs = geo.decode_arcs(topology)
    assert arcs == [[(10.0, 20.0), (11.0, 20.0), (11.0, 22.0)], [(11.0, 22.0), (10.0, 22.0), (10.0, 20.0)]]
    one, two, three = geo.decode(topology)
    # The second arc starts where the first ends: that position is not repeated.
    assert one.rings == (((10.0, 20.0), (11.0, 20.0), (11.0, 22.0), (10.0, 22.0), (10.0, 20.0)),)
    # `~i` is arc i backwards: the same ring, walked the other way.
    assert two.rings == (tuple(reversed(one.rings[0])),)
    assert one.bounds == ((10.0, 20.0, 11.0, 22.0),)
    assert (one.id, two.id, three.id) == ("1", "2", "#2")
    assert three.rings == ((((10.0, 20.0), (11.0, 20.0), (11.0, 22.0))),)


def test_decode_without_transform_reads_positions_as_they_are() -> None:
    assert geo.decode_arcs({"arcs": [[[1.5, 2.5], [3, 4]]]}) == [[(1.5, 2.5), (3.0, 4.0)]]


def test_the_world_atlas_outlines_put_baghdad_in_iraq_and_damascus_in_syria() -> None:
    countries = geo.outlines()
    by_id = {c.id: i for i, c in enumerate(countries)}
    assert geo.countries_at([(44.37, 33.31)]) == [by_id["368"]]  # Iraq, ISO 3166 numeric 368
    assert geo.countries_at([(36.29, 33.51)]) == [by_id["760"]]  # Syria
    assert geo.countries_at([(30.0, 34.0)]) == []  # the Mediterranean
    assert geo.outlines() is countries  # decoded once per process


@pytest.mark.parametrize(("lon", "lat"), [(44.39, 35.47), (-74.0, 40.7), (151.2, -33.9), (0.0, 0.0)])
def test_projection_round_trips_and_keeps_the_scale_near_its_centre(lon: float, lat: float) -> None:
    proj = geo.fit([(lon - 1, lat - 1), (lon + 1, lat + 1)])
    x, y = proj(lon, lat)
    assert (round(x, 6), round(y, 6)) == (proj.width / 2, proj.height / 2)  # centred
    for p in [(lon - 1, lat - 1), (lon + 1, lat + 1), (lon + 0.3, lat - 0.7)]:
        back = proj.invert(*proj(*p))
        assert back == pytest.approx(p, abs=1e-9)
        px, py = proj(*p)
        assert 0 <= px <= proj.width and 0 <= py <= proj.height  # fitted: every point inside
    # One degree of latitude is 111.2 km anywhere; one of longitude, 111.2 km × cos(latitude).
    _, y0 = proj(lon, lat)
    _, y1 = proj(lon, lat + 1)
    assert abs(y1 - y0) * proj.km_per_unit() == pytest.approx(111.19, abs=0.05)
    x0, _ = proj(lon, lat)
    x1, _ = proj(lon + 1, lat)
    assert abs(x1 - x0) * proj.km_per_unit() == pytest.approx(111.19 * math.cos(math.radians(proj.lat0)), abs=0.05)


def test_scale_bar_is_a_round_distance_at_most_a_fifth_of_the_map() -> None:
    proj = geo.fit([(43.0, 34.0), (45.0, 36.0)])
    scale = geo.scale_bar(proj)
    assert str(scale.km)[0] in "125" and set(str(scale.km)[1:]) <= {"0"}
    assert 0.08 < scale.share <= 0.22
    assert scale.share * proj.width * proj.km_per_unit() == pytest.approx(scale.km, rel=1e-3)


def test_clip_cuts_a_polygon_to_the_box() -> None:
    square = [(-10.0, -10.0), (20.0, -10.0), (20.0, 20.0), (-10.0, 20.0)]
    assert sorted(set(geo.clip(square, (0, 0, 10, 10)))) == [(0, 0), (0, 10), (10, 0), (10, 10)]
    assert geo.clip([(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)], (0, 0, 10, 10)) == []


def dots(n: int, seed: int = 1) -> list[geo.Dot]:
    rnd = random.Random(seed)  # noqa: S311  # seeded test data, not a secret
    colours = list(GROUP_COLOURS.values())
    return [geo.Dot(rnd.uniform(43, 45), rnd.uniform(34, 36), rnd.choice(colours), rnd.choice(list(geo.PRECISIONS)))
            for _ in range(n)]


def test_the_svg_has_a_circle_per_point_no_text_and_the_same_bytes_in_any_order() -> None:
    points = dots(300)
    drawn = geo.render_map(points)
    assert drawn.svg.count('class="pt"') == drawn.points == 300
    shuffled = list(points)
    random.Random(2).shuffle(shuffled)  # noqa: S311  # seeded test data, not a secret
    assert geo.render_map(shuffled).svg == drawn.svg
    assert "<text" not in drawn.svg and "<image" not in drawn.svg and "href" not in drawn.svg
    assert 'class="focus"' in drawn.svg  # Iraq, which holds the points, is drawn apart
    assert len(drawn.svg) < 120_000  # clipped and thinned: a province is not the world


@pytest.mark.parametrize("points", [
    [(15.0, 85.0)], [(-60.0, -85.0)], [(0.0, 90.0)], [(180.0, -90.0)], [(10.0, 81.0), (12.0, 84.0)],
    [(179.99, 0.0), (-179.99, 0.0)], [(44.0, 33.0)] * 40,
])
def test_points_near_the_poles_or_the_antimeridian_are_on_the_map(points: list[tuple[float, float]]) -> None:
    """The standard parallel is kept within 80° of the equator, but the map stays centred on the
    points: a circle counted as drawn is inside the map, and no coordinate is NaN or infinite."""
    drawn = geo.render_map([geo.Dot(lon, lat, "#000000", "exact") for lon, lat in points])
    assert drawn.points == len(points)
    assert "nan" not in drawn.svg.lower() and "inf" not in drawn.svg.lower()
    for cx, cy in re.findall(r'class="pt" cx="([-\d.]+)" cy="([-\d.]+)"', drawn.svg):
        assert 0 <= float(cx) <= geo.WIDTH and 0 <= float(cy) <= geo.HEIGHT, (points, cx, cy)
    for lon, lat in points:
        assert drawn.projection.invert(*drawn.projection(lon, lat)) == pytest.approx((lon, lat))


def test_a_map_of_a_province_has_a_locator_inset_and_a_world_map_coarser_outlines() -> None:
    province = geo.render_map([geo.Dot(44.39, 35.47, "#D55E00", "exact")], fit_countries=False)
    assert 'class="inset"' in province.svg and province.resolution == "50m"
    country = geo.render_map([geo.Dot(44.39, 35.47, "#D55E00", "exact")])
    assert 'class="inset"' not in country.svg  # the whole country is on the map already
    world = geo.render_map([])
    assert world.points == 0 and world.resolution == "110m" and 'class="land"' in world.svg


# --- the Map page of a briefing -------------------------------------------------------------------


def write(path: Path, doc: dict[str, Any] | list[Any]) -> None:
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def incident(record_id: str, event_type: str, region: str, **more: Any) -> dict[str, Any]:
    return {"id": record_id, "title": f"Incident {record_id}", "date": "2020-04-1" + str(len(record_id) % 9),
            "type": event_type, "region": region, "actors": [{"actor": "isis", "role": "perpetrator"}],
            "sources": [{"source": "rudaw", "url": "https://www.rudaw.net/english/x"}], **more}


@pytest.fixture
def mapped(base_data: Path) -> Path:
    """The base fixture with coordinates: Kirkuk has some, Hawija (in Kirkuk) and Syria none.
    April 2020: one battle at its own exact place, a protest in an area, an explosion placed at
    Kirkuk's coordinates (its region, Hawija, has none), and one in Syria, which cannot be placed."""
    import yaml

    regions_file = base_data / "regions" / "regions.yml"
    regions = yaml.safe_load(regions_file.read_text(encoding="utf-8"))
    for region in regions:
        if region["id"] == "kirkuk":
            region["coordinates"] = KIRKUK
    regions.append({"id": "syria", "name": "Syria", "level": "country"})
    write(regions_file, regions)
    attack = base_data / "incidents" / "2020" / "04" / "attack.yml"
    doc = yaml.safe_load(attack.read_text(encoding="utf-8"))
    write(attack, {**doc, "coordinates": [35.33, 43.77], "location_precision": "exact"})
    folder = base_data / "incidents" / "2020" / "04"
    write(folder / "march.yml", incident("march", "peaceful-protest", "kirkuk", coordinates=[34.4, 43.6],
                                         location_precision="area"))
    write(folder / "bomb.yml", incident("bomb", "remote-explosive-landmine-ied", "hawija"))
    write(folder / "far.yml", incident("far", "air-drone-strike", "syria"))
    return base_data


def briefing_of(data_dir: Path, request: views.Request = APRIL) -> tuple[views.Briefing, dict[str, Any]]:
    result = validate(data_dir)
    assert result.report.ok, result.report.summary()
    ctx = Context(result.dataset, event_types=result.config.all_event_types())
    briefing = views.build(ctx, request, result.config)
    return briefing, json.loads(pdf.typst_input(briefing).data)


Image = np.ndarray  # height × width × 3 bytes (RGB)


def read_ppm(path: Path) -> Image:
    """A binary PPM (P6, what `pdftoppm` writes without -png) as an array."""
    data = path.read_bytes()
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert header, "not a P6 PPM"
    width, height = int(header[1]), int(header[2])
    return np.frombuffer(data, dtype=np.uint8, count=width * height * 3, offset=header.end()).reshape(height, width, 3)


def map_page(data: bytes, tmp_path: Path) -> tuple[str, Image]:
    """The text and the image (150 dpi) of the page that prints the map."""
    path = tmp_path / "briefing.pdf"
    path.write_bytes(data)
    for page in range(1, 30):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"], capture_output=True,
                              text=True, check=True).stdout
        if "Country outlines: Natural Earth" in text:
            subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "150", "-singlefile",
                            str(path), str(tmp_path / "map")], check=True)
            return re.sub(r"\s+", " ", text), read_ppm(tmp_path / "map.ppm")
    raise AssertionError("no page prints the map")


def rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def over(colour: str, opacity: float, ground: str) -> tuple[int, int, int]:
    """`colour` at `opacity` over `ground`, as printed."""
    a, b = rgb(colour), rgb(ground)
    return (round(a[0] * opacity + b[0] * (1 - opacity)), round(a[1] * opacity + b[1] * (1 - opacity)),
            round(a[2] * opacity + b[2] * (1 - opacity)))


def count(image: Image, box: tuple[int, int, int, int], colour: tuple[int, int, int], tolerance: int = 10) -> int:
    """Pixels of `colour` (each channel within `tolerance`) inside `box` (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    region = image[y0:y1, x0:x1].astype(np.int16)
    return int((np.abs(region - np.array(colour, dtype=np.int16)) <= tolerance).all(axis=2).sum())


def map_area(image: Image) -> tuple[int, int, int, int]:
    """The map's frame on the page: the bounds of its sea."""
    ys, xs = np.nonzero((image == np.array(rgb(geo.SEA), dtype=np.uint8)).all(axis=2))
    assert len(xs), "no sea on the map page"
    return (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)


def test_the_map_counts_each_incident_once_placed_by_its_own_or_its_regions_coordinates(mapped: Path) -> None:
    briefing, data = briefing_of(mapped)
    shown = data["map"]
    # Four incidents in April: two at their own coordinates, one at Kirkuk's (Hawija has none),
    # one in Syria, which has none either: counted under the map, not drawn.
    assert (shown["own"], shown["by_region"], shown["unplaced"]) == (2, 1, 1)
    assert shown["svg"].count('class="pt"') == shown["points"] == 3 == briefing.counted_incidents - 1
    groups = {g["label"]: g["count"] for g in shown["groups"]}
    assert groups == {"Battles": 1, "Explosions/Remote violence": 1, "Protests": 1}
    assert {p["label"]: p["count"] for p in shown["precisions"]} == {
        "exactly": 1, "somewhere in an area around it": 1, "only its region": 1}
    # The explosion is drawn where Kirkuk is: the same place as a circle of the region's size.
    assert re.search(r'<g class="region" fill="#0072B2"[^>]*><circle class="pt" cx="[\d.]+" cy="[\d.]+" r="20"/>',
                     shown["svg"])


@pytest.mark.slow
def test_the_map_page_shows_the_points_in_their_colours_on_the_outlines(mapped: Path, tmp_path: Path) -> None:
    result = validate(mapped)
    rendered = pdf.briefing_pdf(result.dataset, result.config, APRIL)
    text, image = map_page(rendered.data, tmp_path)
    assert "Map" in text and "Battles (1)" in text and "Protests (1)" in text
    assert "1 incident has neither coordinates nor a region with coordinates, and is not on the map." in text
    assert "1 incident has no coordinates of its own and is drawn at the coordinates of its region" in text
    assert re.search(r"0 \d+ km", text)  # the scale bar
    box = map_area(image)
    assert box[2] - box[0] > image.shape[1] * 0.7  # the map spans the text width
    # The battle is an exact point (opacity 0.9) on Iraq, drawn in the light "focus" colour.
    battle = over(GROUP_COLOURS["battles"], geo.PRECISIONS["exact"][1], geo.FOCUS)
    assert count(image, box, battle) >= 20
    assert count(image, box, rgb(geo.FOCUS)) > 10_000  # Iraq
    assert count(image, box, rgb(geo.LAND)) > 1_000  # its neighbours
    # The protest is an area circle: faint, over Iraq.
    protest = over(GROUP_COLOURS["protests"], geo.PRECISIONS["area"][1], geo.FOCUS)
    assert count(image, box, protest) >= 20


@pytest.mark.slow
def test_with_no_point_the_map_still_shows_the_outline_and_says_so(base_data: Path, tmp_path: Path) -> None:
    result = validate(base_data)  # no coordinates anywhere
    _, data = briefing_of(base_data)
    assert data["map"]["points"] == 0 and 'class="pt"' not in data["map"]["svg"]
    assert data["map"]["unplaced"] == 1
    text, image = map_page(pdf.briefing_pdf(result.dataset, result.config, APRIL).data, tmp_path)
    assert "No incident to show on this map" in text
    assert "No incident of this briefing has coordinates, or lies in a region that has some" in text
    assert "1 incident has neither coordinates nor a region with coordinates" in text
    box = map_area(image)
    assert count(image, box, rgb(geo.LAND)) > 5_000  # the outlines are there
    for colour in GROUP_COLOURS.values():
        assert count(image, box, rgb(colour), tolerance=6) == 0


def test_a_period_without_incidents_centres_the_outline_on_the_regions_it_knows(mapped: Path) -> None:
    _, data = briefing_of(mapped, views.Request(date(2019, 1, 1), date(2019, 1, 31)))
    assert data["map"]["points"] == 0
    assert data["map"]["outlines"] == "1:50m"  # Kirkuk's country, not the world
    assert 'class="focus"' in data["map"]["svg"]


def test_a_region_briefing_fits_the_map_to_its_points_with_a_locator(mapped: Path) -> None:
    _, data = briefing_of(mapped, views.Request(date(2020, 4, 1), date(2020, 4, 30), region="kirkuk"))
    assert data["map"]["points"] == 3 and data["map"]["unplaced"] == 0
    assert 'class="inset"' in data["map"]["svg"]
    assert data["map"]["scale"]["km"] <= 50


def test_hostile_text_never_reaches_the_svg_and_prints_as_typed(mapped: Path, tmp_path: Path) -> None:
    import yaml

    regions_file = mapped / "regions" / "regions.yml"
    regions = yaml.safe_load(regions_file.read_text(encoding="utf-8"))
    for region in regions:
        if region["id"] == "hawija":
            region["name"] = "Hawija " + HOSTILE
    write(regions_file, regions)
    bomb = mapped / "incidents" / "2020" / "04" / "bomb.yml"
    write(bomb, {**yaml.safe_load(bomb.read_text(encoding="utf-8")), "title": "T " + HOSTILE,
                 "place": HOSTILE})
    _, data = briefing_of(mapped)
    svg = data["map"]["svg"]
    # Shapes, numbers, colours and a few fixed words: nothing else, in any element or attribute.
    root = ElementTree.fromstring(svg)  # noqa: S314  # our own SVG, made by the test
    fixed = {"sea", "land", "focus", "evenodd", "round", "none", "pt", "inset", "3 2", *geo.PRECISIONS}
    for element in root.iter():
        assert element.tag.removeprefix("{http://www.w3.org/2000/svg}") in {"svg", "rect", "path", "g", "circle"}
        assert not (element.text or "").strip() and not (element.tail or "").strip()
        for value in element.attrib.values():
            assert (re.fullmatch(r"[-\d. MLZ]+|#[0-9a-fA-F]{6}|translate\([-\d. ]+\)", value) or value in fixed), value
    assert "Hawija" not in svg and "eval" not in svg
    assert data["map"]["points"] == 3
    result = validate(mapped)
    printed = pdf.briefing_pdf(result.dataset, result.config, APRIL).data
    text, _ = map_page(printed, tmp_path)
    assert "Explosions/Remote violence (1)" in text  # the map is drawn all the same
    whole = subprocess.run(["pdftotext", str(tmp_path / "briefing.pdf"), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "T " + HOSTILE in re.sub(r"\s+", " ", whole)  # the timeline prints the title as typed


def test_same_data_same_map_bytes(mapped: Path) -> None:
    _, first = briefing_of(mapped)
    _, second = briefing_of(mapped)
    assert first["map"] == second["map"]
