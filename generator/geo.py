"""Country outlines and points as a small static SVG map (the PDF briefings' "Map" section).

    world-atlas countries-50m.json (TopoJSON) ──outlines()──▶ Country rings in degrees (decoded once per process)
    points + extent ──fit()──▶ Projection ──render_map()──▶ SVG bytes (numbers and fixed shapes only)

TopoJSON keeps each shared border once, as an *arc* of quantized, delta-encoded positions; a
polygon's ring is a list of arc indexes (a negative index `~i` is arc `i` reversed). `decode_arcs`
and `ring_points` undo that, as topojson-client's `feature` does.

The projection is equirectangular with its standard parallel at the map's centre: x is longitude
times cos(centre latitude), y is latitude. A briefing's map covers a country or a province, where
this keeps distances true in every direction near the centre (so one scale bar serves) and shapes
close to those of a conformal projection, at the cost of one multiplication a point. It is not meant
for a map of half the globe, and a map across the antimeridian is not handled (no briefing needs one
yet).

The SVG holds only numbers and fixed shapes: no text from the data (names, labels, the legend's and
scale's words are printed by the Typst template, from the JSON document, as inert text). Each
incident is one `<circle class="pt" …>`, so that a test can count them. Outlines are cut to the map
(rings outside it are left out, the others clipped to it) and thinned to about one vertex per
map unit, so that the SVG of a province stays some tens of kilobytes. Coordinates are rounded to
one decimal of a 1000-unit-wide map and everything is emitted in a fixed order: the same points
give the same bytes.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

ATLAS = Path(__file__).parent / "vendor" / "world-atlas"
#: The outlines by scale: 1:50m for a country or a province, 1:110m for a map of a continent or
#: more, where 1:50m's detail is below a printed line's width and only makes the SVG larger.
OUTLINES = {"50m": ATLAS / "countries-50m.json", "110m": ATLAS / "countries-110m.json"}
#: A map spanning more degrees of latitude than this uses the 1:110m outlines.
COARSE_SPAN = 30.0

#: The map's size in SVG units (its width is the text width of the page: 1 unit is about 0.17 mm).
WIDTH = 1000.0
HEIGHT = 620.0
#: The least span the map shows, in degrees of latitude (a single point gets some country around it).
MIN_SPAN = 1.6
#: Space kept around the points, as a share of their span.
PADDING = 0.12
#: Outlines are clipped this far outside the map, so that the clipped edges are never seen.
MARGIN = 4.0
#: A vertex closer than this (map units) to the last one kept is dropped.
TOLERANCE = 0.9
#: Mean radius of the Earth (km), for the scale bar.
EARTH_KM = 6371.0088

SEA = "#dce8f1"
LAND = "#e6e2d8"  # other countries
FOCUS = "#faf8f3"  # the countries the points lie in
BORDER = "#8d97a1"
FRAME = "#b3261e"  # the main map's extent on the locator inset
#: A point's radius (map units) and look by location precision: an area is a circle of its own
#: size, a point whose place is only its region's is the largest and faintest.
PRECISIONS: dict[str, tuple[float, float]] = {  # precision -> (radius, fill opacity)
    "exact": (5.0, 0.9),
    "near": (7.0, 0.75),
    "area": (13.0, 0.35),
    "region": (20.0, 0.2),
}
PRECISION_ORDER = ("region", "area", "near", "exact")  # drawn in this order: the smallest on top

Ring = tuple[tuple[float, float], ...]  # (longitude, latitude) positions, closed


@dataclass(frozen=True, slots=True)
class Country:
    """A country's outline: its rings (outer and holes alike, filled even-odd) and their bounds."""

    id: str
    rings: tuple[Ring, ...]
    bounds: tuple[tuple[float, float, float, float], ...]  # per ring: (west, south, east, north)


def decode_arcs(topology: dict[str, object]) -> list[list[tuple[float, float]]]:
    """The topology's arcs as absolute positions: quantized arcs are delta-encoded and scaled by
    the topology's `transform`; arcs without one are already positions."""
    arcs = topology["arcs"]
    assert isinstance(arcs, list)
    transform = topology.get("transform")
    if not isinstance(transform, dict):
        return [[(float(p[0]), float(p[1])) for p in arc] for arc in arcs]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    out = []
    for arc in arcs:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def ring_points(indexes: Iterable[int], arcs: Sequence[Sequence[tuple[float, float]]]) -> Ring:
    """A ring from its arc indexes: each arc after the first starts where the last one ended, so
    its first position is dropped; `~i` (a negative index) is arc `i` backwards."""
    out: list[tuple[float, float]] = []
    for index in indexes:
        arc = list(arcs[~index])[::-1] if index < 0 else arcs[index]
        out.extend(arc[1:] if out else arc)
    return tuple(out)


def _bounds(ring: Ring) -> tuple[float, float, float, float]:
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return (min(xs), min(ys), max(xs), max(ys))


def decode(topology: dict[str, object], name: str = "countries") -> tuple[Country, ...]:
    """The polygons of the topology's object `name`, one Country per geometry (in file order)."""
    arcs = decode_arcs(topology)
    objects = topology["objects"]
    assert isinstance(objects, dict)
    out = []
    for number, geometry in enumerate(objects[name]["geometries"]):
        kind = geometry.get("type")
        polygons = ([geometry["arcs"]] if kind == "Polygon" else geometry["arcs"] if kind == "MultiPolygon" else [])
        rings = tuple(ring_points(ring, arcs) for polygon in polygons for ring in polygon)
        rings = tuple(r for r in rings if len(r) >= 3)
        out.append(Country(str(geometry.get("id", f"#{number}")), rings, tuple(_bounds(r) for r in rings)))
    return tuple(out)


@functools.cache
def outlines(resolution: str = "50m") -> tuple[Country, ...]:
    """Natural Earth's countries at 1:50m (or 1:110m), decoded once per process (the 1:50m in
    about a tenth of a second)."""
    return decode(json.loads(OUTLINES[resolution].read_bytes()))


# --- projection ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Projection:
    """Equirectangular, standard parallel at the centre: (lon, lat) degrees ↔ (x, y) map units,
    y downwards, the centre at the middle of the map; `k` is map units per degree of latitude."""

    lon0: float
    lat0: float
    k: float
    width: float = WIDTH
    height: float = HEIGHT
    #: The latitude at the middle of the map, when it is not `lat0` (the standard parallel is kept
    #: within 80° of the equator, but a map of points near a pole is still centred on them).
    mid: float | None = None

    @property
    def y0(self) -> float:
        return self.lat0 if self.mid is None else self.mid

    @property
    def kx(self) -> float:
        return self.k * math.cos(math.radians(self.lat0))

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.width / 2 + (lon - self.lon0) * self.kx, self.height / 2 - (lat - self.y0) * self.k)

    def invert(self, x: float, y: float) -> tuple[float, float]:
        """The (lon, lat) at a point of the map."""
        return (self.lon0 + (x - self.width / 2) / self.kx, self.y0 - (y - self.height / 2) / self.k)

    def km_per_unit(self) -> float:
        """Kilometres per map unit, true along the standard parallel and along every meridian."""
        return math.radians(1) * EARTH_KM / self.k


def fit(points: Iterable[tuple[float, float]], width: float = WIDTH, height: float = HEIGHT) -> Projection:
    """The projection that shows every (lon, lat) of `points` (at least one), with PADDING around them
    and at least MIN_SPAN degrees of latitude, centred on their bounds."""
    pts = list(points)
    west, east = min(p[0] for p in pts), max(p[0] for p in pts)
    south, north = min(p[1] for p in pts), max(p[1] for p in pts)
    mid = (south + north) / 2
    lat0 = max(-80.0, min(80.0, mid))
    cos0 = math.cos(math.radians(lat0))
    span_x = max((east - west) * cos0, 1e-9) * (1 + 2 * PADDING)
    span_y = max(north - south, 1e-9) * (1 + 2 * PADDING)
    span_y = max(span_y, MIN_SPAN, span_x * height / width)  # the map's shape, and its least span
    return Projection((west + east) / 2, lat0, height / span_y, width, height, None if mid == lat0 else mid)


# --- outlines as SVG paths ----------------------------------------------------------------------

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def clip(ring: list[tuple[float, float]], box: Box) -> list[tuple[float, float]]:
    """A polygon cut to a rectangle (Sutherland–Hodgman): what lies outside is replaced by the
    rectangle's edge, so a filled polygon stays filled inside the rectangle."""
    x0, y0, x1, y1 = box
    edges = ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False))  # (axis, value, keep above)
    out = ring
    for axis, value, above in edges:
        if not out:
            break
        src, out = out, []
        prev = src[-1]
        prev_in = (prev[axis] >= value) if above else (prev[axis] <= value)
        for cur in src:
            cur_in = (cur[axis] >= value) if above else (cur[axis] <= value)
            if cur_in != prev_in:
                t = (value - prev[axis]) / (cur[axis] - prev[axis])
                cross = (prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1]))
                out.append(cross)
            if cur_in:
                out.append(cur)
            prev, prev_in = cur, cur_in
    return out


def num(value: float) -> str:
    """A coordinate as SVG text: one decimal, no trailing zero, never `-0`."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _path(ring: Ring, proj: Projection, box: Box, tolerance: float = TOLERANCE) -> str | None:
    """One ring as SVG path data, projected, thinned and clipped to `box`; None when nothing of it
    is left, or when it is smaller than a few map units (an islet at the scale of a continent)."""
    projected: list[tuple[float, float]] = []
    lx = ly = math.inf
    for lon, lat in ring:
        x, y = proj(lon, lat)
        if abs(x - lx) + abs(y - ly) >= tolerance:
            projected.append((x, y))
            lx, ly = x, y
    cut = clip(projected, box)
    if len(cut) < 3:
        return None
    xs = [p[0] for p in cut]
    ys = [p[1] for p in cut]
    if max(xs) - min(xs) + max(ys) - min(ys) < 3 * tolerance:
        return None
    coords = [f"{num(x)} {num(y)}" for x, y in cut]
    out = [coords[0]]
    for c in coords[1:]:
        if c != out[-1]:
            out.append(c)
    if len(out) < 3:
        return None
    return "M" + "L".join(out) + "Z"


def _outline_paths(countries: Sequence[Country], proj: Projection, box: Box, focused: set[int],
                   tolerance: float = TOLERANCE) -> tuple[list[str], list[str]]:
    """The path data of the rings that show inside `box`: (other countries', focused countries')."""
    x0, y0, x1, y1 = box
    west, north = proj.invert(x0, y0)
    east, south = proj.invert(x1, y1)
    land: list[str] = []
    lit: list[str] = []
    for index, country in enumerate(countries):
        for ring, (w, s, e, n) in zip(country.rings, country.bounds, strict=True):
            if e < west or w > east or n < south or s > north:
                continue
            d = _path(ring, proj, box, tolerance)
            if d is not None:
                (lit if index in focused else land).append(d)
    return land, lit


def _outlines_svg(land: list[str], lit: list[str], width: float = 0.8) -> list[str]:
    return [
        f'<path class="land" fill="{LAND}" fill-rule="evenodd" stroke="{BORDER}" stroke-width="{num(width)}" '
        f'stroke-linejoin="round" d="{"".join(land)}"/>' if land else "",
        f'<path class="focus" fill="{FOCUS}" fill-rule="evenodd" stroke="{BORDER}" stroke-width="{num(width * 1.5)}" '
        f'stroke-linejoin="round" d="{"".join(lit)}"/>' if lit else "",
    ]


#: The locator inset (top right): its width in map units, and how much smaller than the focused
#: countries the main map must be for it to be drawn.
INSET_WIDTH = 210.0
INSET_WHEN = 0.45


def _inset(countries: Sequence[Country], proj: Projection, focus: list[int]) -> list[str]:
    """A small map of the focused countries in the top right corner, with the main map's extent as
    a red frame: drawn when the main map shows only part of them (a province's briefing)."""
    corners = country_bounds(focus, countries)
    if not corners:
        return []
    whole = fit(corners, INSET_WIDTH, INSET_WIDTH * 0.8)
    west, north = proj.invert(0, 0)
    east, south = proj.invert(proj.width, proj.height)
    (fx0, fy0), (fx1, fy1) = whole(west, north), whole(east, south)
    if fx1 - fx0 > INSET_WHEN * whole.width and fy1 - fy0 > INSET_WHEN * whole.height:
        return []
    ox, oy = proj.width - whole.width - 10, 10.0  # where the inset's corner sits on the map
    box = (0.0, 0.0, whole.width, whole.height)
    land, lit = _outline_paths(countries, whole, box, set(focus), tolerance=0.6)
    frame = (max(fx0, 0), max(fy0, 0), min(fx1, whole.width), min(fy1, whole.height))
    return [
        f'<g class="inset" transform="translate({num(ox)} {num(oy)})">',
        f'<rect x="0" y="0" width="{num(whole.width)}" height="{num(whole.height)}" fill="{SEA}"/>',
        *_outlines_svg(land, lit, 0.5),
        f'<rect x="{num(frame[0])}" y="{num(frame[1])}" width="{num(max(frame[2] - frame[0], 2))}" '
        f'height="{num(max(frame[3] - frame[1], 2))}" fill="none" stroke="{FRAME}" stroke-width="1.6"/>',
        f'<rect x="0" y="0" width="{num(whole.width)}" height="{num(whole.height)}" fill="none" '
        f'stroke="{BORDER}" stroke-width="1.2"/>',
        "</g>",
    ]


def contains(ring: Ring, lon: float, lat: float) -> bool:
    """Whether a point lies inside a ring (even-odd rule)."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def countries_at(points: Iterable[tuple[float, float]], countries: Sequence[Country] | None = None) -> list[int]:
    """The indexes (in `countries`, by default `outlines()`) of the countries that hold any of the
    (lon, lat) points, in index order. Points are tested once per cell of a tenth of a degree: a
    month of 10,000 incidents has a few hundred distinct places."""
    countries = outlines() if countries is None else countries
    cells = sorted({(round(lon, 1), round(lat, 1)) for lon, lat in points})
    found: set[int] = set()
    for lon, lat in cells:
        for index, country in enumerate(countries):
            if index in found:
                continue
            for ring, (w, s, e, n) in zip(country.rings, country.bounds, strict=True):
                if w <= lon <= e and s <= lat <= n and contains(ring, lon, lat):
                    found.add(index)
                    break
    return sorted(found)


def country_bounds(indexes: Iterable[int], countries: Sequence[Country] | None = None) -> list[tuple[float, float]]:
    """The corners (lon, lat) of the bounds of the given countries' largest rings (a country's
    far islands are left out: France's map is not the Pacific's)."""
    countries = outlines() if countries is None else countries
    out = []
    for index in indexes:
        country = countries[index]
        if not country.bounds:
            continue
        w, s, e, n = max(country.bounds, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
        out += [(w, s), (e, n)]
    return out


# --- the map ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dot:
    """One incident on the map: where, its event group's colour and how precisely it is placed."""

    lon: float
    lat: float
    colour: str  # "#RRGGBB", from charts.GROUP_COLOURS (never data)
    precision: str  # a key of PRECISIONS


@dataclass(frozen=True, slots=True)
class Scale:
    """A scale bar: `km` kilometres are `share` of the map's width."""

    km: int
    share: float


def scale_bar(proj: Projection, most: float = 0.22) -> Scale:
    """The longest round distance (1, 2 or 5 times a power of ten km) at most `most` of the map wide."""
    limit = most * proj.width * proj.km_per_unit()
    km = 1
    for power in range(0, 6):
        for m in (1, 2, 5):
            if m * 10**power <= limit:
                km = m * 10**power
    return Scale(km, round(km / proj.km_per_unit() / proj.width, 4))


@dataclass(frozen=True)
class Map:
    """A drawn map: its SVG and what the template prints beside it."""

    svg: str
    projection: Projection
    scale: Scale
    points: int  # circles drawn
    resolution: str  # the outlines' scale: "50m" or "110m"


def render_map(dots: Sequence[Dot], extent: Iterable[tuple[float, float]] = (), *, fit_countries: bool = True) -> Map:
    """The SVG map of `dots`: fitted to them, to the (lon, lat) points of `extent`, and, when
    `fit_countries`, to the countries they lie in. With neither dots nor extent, the whole world.
    The countries that hold a dot are drawn lighter than their neighbours."""
    countries = outlines()
    extent = list(extent)
    here = [(d.lon, d.lat) for d in dots]
    focus = countries_at(here, countries) if here else []
    frame = [*here, *extent]
    if fit_countries:
        frame += country_bounds(focus, countries)
    proj = fit(frame) if frame else fit([(-170.0, -58.0), (170.0, 78.0)])
    box = (-MARGIN, -MARGIN, proj.width + MARGIN, proj.height + MARGIN)
    if not focus and extent:
        focus = countries_at(list(extent), countries)
    resolution = "110m" if proj.height / proj.k > COARSE_SPAN else "50m"
    drawn_countries = outlines(resolution)
    # The two files list the same countries by the same ids, but not in the same order.
    ids = {countries[i].id for i in focus}
    land, lit = _outline_paths(drawn_countries, proj, box,
                               {i for i, c in enumerate(drawn_countries) if c.id in ids})
    w_, h_ = num(proj.width), num(proj.height)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w_}" height="{h_}" viewBox="0 0 {w_} {h_}">',
        f'<rect class="sea" x="0" y="0" width="{w_}" height="{h_}" fill="{SEA}"/>',
        *_outlines_svg(land, lit),
    ]
    # Large, faint circles first and small ones on top; within a kind, by colour and place, so the
    # order never depends on the data's.
    drawn = 0
    for precision in PRECISION_ORDER:
        radius, opacity = PRECISIONS[precision]
        mine = sorted((d.colour, num(x), num(y), x, y) for d in dots if d.precision == precision
                      for x, y in [proj(d.lon, d.lat)])
        colours = sorted({m[0] for m in mine})
        for colour in colours:
            circles = [f'<circle class="pt" cx="{cx}" cy="{cy}" r="{num(radius)}"/>'
                       for c, cx, cy, _, _ in mine if c == colour]
            drawn += len(circles)
            dash = ' stroke-dasharray="3 2"' if precision == "region" else ""
            stroke = colour if precision in ("area", "region") else "#ffffff"
            out.append(f'<g class="{precision}" fill="{colour}" fill-opacity="{opacity}" stroke="{stroke}" '
                       f'stroke-width="1"{dash}>' + "".join(circles) + "</g>")
    scale = scale_bar(proj)
    out += _inset(countries, proj, focus)
    out.append("</svg>")
    return Map("\n".join(s for s in out if s) + "\n", proj, scale, drawn, resolution)
