"""The exports as bytes: CSV (ACLED's columns), JSON (every record, references resolved), GeoJSON
(RFC 7946) and TimelineJS's CSV, each a pure function of `views.export.ExportData`.

Deterministic: the same data gives the same bytes (the records in the site's order, keys in a fixed
order, `\\n` line ends, UTF-8 without BOM, no clock). Written by `briefing export -o FILE` and, into
the Data page's folder, by every build (write.py does the writing).

Data stays data in every format:
- CSV (both): a text cell that a spreadsheet would read as a formula (one starting with `=`, `+`,
  `-`, `@`, a tab or a carriage return) gets a leading `'`, as OWASP's "CSV Injection" advice
  says; spreadsheets show the text, and Google Sheets (where TimelineJS reads from) drops the `'`.
  Numbers we write ourselves (coordinates, counts, years) are left as they are.
- TimelineJS shows Headline and Text as HTML: every value there is HTML-escaped, so a title
  `<script>` shows as those characters.
- JSON and GeoJSON are JSON text: the encoder escapes what must be.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import re
from datetime import date
from html import escape
from typing import Any, Callable, Iterable, Iterator, Mapping

from .kinds import READING_ORDER
from .models import Actor, Region, Source
from .views.explorer import EXPLORER_VERSION, ExplorerData
from .views.feed import FeedData
from .views.search import VERSION as SEARCH_VERSION
from .views.search import SearchRecords
from .views.export import (ACLED_COLUMNS, DATA_FORMAT_VERSION, EXPORT_VERSION, OWN_COLUMNS, ActorPart, CasualtyPart,
                           CitationPart, CorrectionPart, DateData, ExportData, IncidentData, StatementData,
                           no_cyclic_gc)

#: TimelineJS's spreadsheet template, column for column (its header row, as published by Knight
#: Lab; tests compare it with ../shared/reference/timelinejs-template.csv).
TIMELINEJS_HEADER = ("Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time", "Display Date",
                     "Headline", "Text", "Media", "Media Credit", "Media Caption", "Media Thumbnail", "Type", "Group",
                     "Background")

#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str | None) -> str:
    """A text cell for a spreadsheet: empty for None, a leading `'` where a spreadsheet would read
    a formula."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _number(value: float | int | None) -> str:
    return "" if value is None else str(value)


#: How many rows or records make one chunk of a streamed export: a few hundred kilobytes, so that
#: the writer gets few large writes and memory holds one chunk, not the file.
CHUNK_ITEMS = 1000


class ExportMemo:
    """Each record's text in each export format (a CSV row, a JSON or GeoJSON line), kept between
    the runs of one process (`briefing serve`, through `site.RenderCache`): after an edit only the
    changed records are serialised again (the four exports of 10,000 incidents took about 0.8 s
    of CPU per edit). A text is kept under the record's export view object itself
    (`views/export.py` keeps those of unchanged records between runs) and the format, and is a
    function of the two (the format's key names whatever else it reads). In memory only."""

    def __init__(self) -> None:
        # (format, id of the item) -> (the item, its text): the item is kept, so its id is not
        # reused while the entry lives, and it is compared on each hit.
        self._kept: dict[tuple[str, int], tuple[object, str]] = {}
        self._used: dict[tuple[str, int], tuple[object, str]] = {}
        self.hits = 0  # texts taken from the memo since it was made (for tests)

    def text(self, fmt: str, item: object, make: Callable[[], str]) -> str:
        """`make()`, or what it gave for this very `item` in format `fmt` before."""
        key = (fmt, id(item))
        kept = self._used.get(key) or self._kept.get(key)
        if kept is None or kept[0] is not item:
            kept = (item, make())
        else:
            self.hits += 1
        self._used[key] = kept
        return kept[1]

    def finish(self) -> None:
        """The texts of this run become the memo (those of records no longer exported are forgotten;
        an export not serialised this run, unchanged, keeps its texts)."""
        made = {fmt for fmt, _ in self._used}
        for key, kept in self._kept.items():
            if key[0] not in made:
                self._used.setdefault(key, kept)
        self._kept, self._used = self._used, {}


def _made(memo: ExportMemo | None, fmt: str, item: object, make: Callable[[], str]) -> str:
    return memo.text(fmt, item, make) if memo is not None else make()


def _csv_line(writer: Any, out: io.StringIO, row: list[str]) -> str:
    """One row as the CSV writer writes it (a row's text does not depend on the rows before)."""
    out.seek(0)
    out.truncate()
    writer.writerow(row)
    return out.getvalue()


def _csv(header: Iterable[str], lines: Callable[[Callable[[list[str]], str]], Iterable[str]]) -> Iterator[bytes]:
    """The CSV text in chunks of `CHUNK_ITEMS` rows (UTF-8 text cut between rows: joined, the same
    bytes as the whole file encoded at once). `lines(line)`: the rows' texts, each made by `line`
    from its cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def line(row: list[str]) -> str:
        return _csv_line(writer, out, row)

    parts = [line(list(header))]
    for count, text in enumerate(lines(line), 1):
        parts.append(text)
        if count % CHUNK_ITEMS == 0:
            yield "".join(parts).encode("utf-8")
            parts = []
    yield "".join(parts).encode("utf-8")


# --- CSV, with ACLED's columns ---------------------------------------------------------------

#: Roles on the side of ACLED's actor1 (whoever acted), and of actor2 (whom it was done to).
_SIDE_ONE = ("perpetrator", "claimant", "suspected")
_SIDE_TWO = ("target",)
_GEO_PRECISION = {"exact": "1", "near": "2", "area": "2", "region": "3"}
#: ACLED columns with no field of ours, taken from `extra` when the record keeps them (an import).
_FROM_EXTRA = ("disorder_type", "inter1", "inter2", "interaction", "civilian_targeting", "iso", "region",
               "acled_region", "source_scale", "timestamp")


_NO_EXTRA = dict.fromkeys(_FROM_EXTRA, "")


def _best(count: Any) -> int:
    """One number for a count: itself, or a range's best estimate, else its low end (an
    'up to' count adds nothing certain)."""
    if isinstance(count, int):
        return count
    return int(count.get("best", count.get("low", 0)))


def _total(casualties: tuple[CasualtyPart, ...], kind: str) -> str:
    counts = [count for c in casualties for k, count in c.counts if k == kind]
    return str(sum(_best(c) for c in counts)) if counts else ""


def _event_date(d: DateData) -> tuple[str, str]:
    """ACLED's event_date and time_precision for one of our dates."""
    if d.start is None:  # `{to: DATE}`: on or before DATE
        return d.end, "3"
    start, end = date.fromisoformat(d.start), date.fromisoformat(d.end)
    days = (end - start).days
    if days == 0:
        return d.start, "1"
    if days < 7:  # ACLED's "during a week": the day in the middle of the span
        return date.fromordinal(start.toordinal() + days // 2).isoformat(), "2"
    return d.start, "3"


def _sides(actors: tuple[ActorPart, ...]) -> tuple[str, list[str], str, list[str]]:
    """actor1, assoc_actor_1, actor2, assoc_actor_2 (names)."""
    one = [a for a in actors if a.role in _SIDE_ONE]
    two = [a for a in actors if a.role in _SIDE_TWO]
    first = one[0] if one else (actors[0] if actors else None)
    assoc1 = [a for a in one if a is not first]
    rest = [a for a in actors if a is not first and a not in assoc1]
    second = two[0] if two else (rest[0] if rest else None)
    assoc2 = [a for a in rest if a is not second]
    return (first.name if first else "", [a.name for a in assoc1],
            second.name if second else "", [a.name for a in assoc2])


def _extra_text(extra: dict[str, Any] | None, key: str) -> str:
    value = (extra or {}).get(key)
    return "" if value is None or isinstance(value, (dict, list)) else str(value)


def _csv_row(i: IncidentData) -> list[str]:
    event_date, time_precision = _event_date(i.date)
    actor1, assoc1, actor2, assoc2 = _sides(i.actors)
    # ACLED's own names (an import tells apart regions of one name: `Capital (San Juan)`)
    by_level = {step.level: step.acled_name or step.name for step in i.region_path}
    deeper = [s.acled_name or s.name for s in i.region_path
              if s.level not in ("country", "governorate", "district", "subdistrict")]
    location = i.place or (deeper[-1] if deeper else i.region_path[-1].name)
    acled_id = _extra_text(i.extra, "acled_id") or i.id
    extra = {key: _extra_text(i.extra, key) for key in _FROM_EXTRA} if i.extra else _NO_EXTRA
    lat, lon = i.coordinates if i.coordinates else (None, None)
    acled = [
        cell(acled_id), event_date, event_date[:4], time_precision, cell(extra["disorder_type"]),
        cell(i.group_label), cell(i.type_label), cell(actor1), cell("; ".join(assoc1)), cell(extra["inter1"]),
        cell(actor2), cell("; ".join(assoc2)), cell(extra["inter2"]), cell(extra["interaction"]),
        cell(extra["civilian_targeting"]), cell(extra["iso"]),
        cell(extra["acled_region"] or extra["region"]),  # the import keeps ACLED's world region as acled_region
        cell(by_level.get("country")), cell(by_level.get("governorate")), cell(by_level.get("district")),
        cell(by_level.get("subdistrict")), cell(location), _number(lat), _number(lon),
        _GEO_PRECISION.get(i.location_precision or "", ""),
        cell("; ".join(s.source_name for s in i.sources)), cell(extra["source_scale"]), cell(i.summary),
        _total(i.casualties, "killed"), cell("; ".join(i.tags)), cell(extra["timestamp"]),
    ]
    own = [
        cell(i.id), cell(i.title), cell(i.date.label), i.date.start or "", i.date.end, i.date.precision, i.type,
        cell(i.region_path[-1].id), cell(" > ".join(s.name for s in i.region_path)),
        cell("; ".join(f"{a.name} ({a.role or 'associated'})" for a in i.actors)), _total(i.casualties, "wounded"),
        i.confidence, cell(" ".join(s.url for s in i.sources if s.url)), cell(i.permalink),
    ]
    return acled + own


def csv_chunks(data: ExportData, memo: ExportMemo | None = None) -> Iterator[bytes]:
    """One row per incident: ACLED's columns, then our own (views.export says what each holds)."""
    header = [name for name, _ in ACLED_COLUMNS] + [name for name, _ in OWN_COLUMNS]

    def lines(line: Callable[[list[str]], str]) -> Iterator[str]:
        for i in data.incidents:
            yield _made(memo, "csv", i, functools.partial(lambda i: line(_csv_row(i)), i))

    return _csv(header, lines)


def to_csv(data: ExportData) -> bytes:
    """`csv_chunks` as one value."""
    return b"".join(csv_chunks(data))


# --- JSON: every record ----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value of `extra` as JSON can hold it: a number too large for a float (`1e999`) as the
    text it was written as (JSON has no Infinity)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _date(d: DateData) -> dict[str, Any]:
    return {"written": d.written, "label": d.label, "precision": d.precision, "start": d.start, "end": d.end,
            "note": d.note}


def _citation(c: CitationPart) -> dict[str, Any]:
    return {"source": c.source, "source_name": c.source_name, "reliability": c.reliability, "url": c.url,
            "title": c.title, "published": c.published, "archive_url": c.archive_url, "credibility": c.credibility}


def _correction(c: CorrectionPart) -> dict[str, Any]:
    return {"date": c.date, "label": c.label, "note": c.note}


def _actor_role(a: ActorPart) -> dict[str, Any]:
    return {"actor": a.id, "name": a.name, "kind": a.kind, "role": a.role, "attributed_by": a.attributed_by,
            "attributed_by_name": a.attributed_by_name}


def _casualty(c: CasualtyPart) -> dict[str, Any]:
    return {"actor": c.actor, "actor_name": c.actor_name, "group": c.group, **dict(c.counts)}


def incident_json(i: IncidentData) -> dict[str, Any]:
    """An incident as the JSON export holds it."""
    return {
        "id": i.id, "title": i.title, "date": _date(i.date), "type": i.type, "type_label": i.type_label,
        "group": i.group, "group_label": i.group_label, "region": i.region_path[-1].id,
        "region_path": [{"id": s.id, "name": s.name, "level": s.level} for s in i.region_path],
        "place": i.place, "coordinates": list(i.coordinates) if i.coordinates else None,
        "location_precision": i.location_precision, "actors": [_actor_role(a) for a in i.actors],
        "casualties": [_casualty(c) for c in i.casualties], "summary": i.summary,
        "sources": [_citation(c) for c in i.sources], "tags": list(i.tags), "status": i.status,
        "confidence": i.confidence, "corrections": [_correction(c) for c in i.corrections],
        "permalink": i.permalink, "extra": _plain(i.extra),
    }


def _statement_json(s: StatementData) -> dict[str, Any]:
    return {
        "id": s.id, "date": _date(s.date), "speaker": s.speaker, "speaker_name": s.speaker_name,
        "on_behalf_of": s.on_behalf_of, "on_behalf_of_name": s.on_behalf_of_name, "medium": s.medium,
        "quote": s.quote, "paraphrase": s.paraphrase,
        "about": [{"id": a, "name": n} for a, n in s.about], "regions": [{"id": r, "name": n} for r, n in s.regions],
        "language": s.language, "sources": [_citation(c) for c in s.sources], "tags": list(s.tags),
        "status": s.status, "confidence": s.confidence, "corrections": [_correction(c) for c in s.corrections],
        "permalink": s.permalink, "extra": _plain(s.extra),
    }


def _actor_json(a: Actor, data: ExportData) -> dict[str, Any]:
    actors = data.names["actors"]
    return {"id": a.id, "name": a.name, "aliases": list(a.aliases), "kind": a.kind, "parent": a.parent,
            "parent_name": actors.get(a.parent) if a.parent else None, "affiliation": a.affiliation,
            "affiliation_name": actors.get(a.affiliation) if a.affiliation else None, "title": a.title,
            "country": a.country, "description": a.description, "extra": _plain(a.extra)}


def _region_json(r: Region, data: ExportData) -> dict[str, Any]:
    regions = data.names["regions"]
    return {"id": r.id, "name": r.name, "level": r.level, "parent": r.parent,
            "parent_name": regions.get(r.parent) if r.parent else None, "aliases": list(r.aliases),
            "disputed": r.disputed, "coordinates": list(r.coordinates) if r.coordinates else None,
            "description": r.description, "extra": _plain(r.extra)}


def _source_json(s: Source, _data: ExportData) -> dict[str, Any]:
    return {"id": s.id, "name": s.name, "kind": s.kind, "url": s.url, "reliability": s.reliability,
            "description": s.description, "extra": _plain(s.extra)}


#: How each kind of item of `ExportData` is written in the JSON export.
_JSON: dict[type, Callable[[Any, ExportData], dict[str, Any]]] = {
    IncidentData: lambda i, _: incident_json(i),
    StatementData: lambda s, _: _statement_json(s),
    Actor: _actor_json,
    Region: _region_json,
    Source: _source_json,
}


#: The kinds of item whose JSON text depends on the item alone (kept by an ExportMemo); an actor's,
#: region's or source's names others (its parent's name), and is made at every run (a few hundred).
_SELF_CONTAINED = (IncidentData, StatementData)


def _records(data: ExportData, memo: ExportMemo | None = None) -> dict[str, Iterator[str]]:
    """One list per kind (ExportData has a field per folder of generator/kinds.py), in the order
    readers meet the kinds; each record's JSON text made one at a time, as it is written."""
    def text(item: Any) -> str:
        if isinstance(item, _SELF_CONTAINED):
            return _made(memo, "json", item, lambda: _dump(_JSON[type(item)](item, data)))
        return _dump(_JSON[type(item)](item, data))

    return {folder: (text(item) for item in getattr(data, folder)) for folder in READING_ORDER}


#: `json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)` made once:
#: `json.dumps` with arguments builds this encoder again on every call (20,000 calls at 10k).
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def _dump(value: Any) -> str:
    return _ENCODE(value)


def _json_document(head: dict[str, Any], lists: Mapping[str, Iterable[str]]) -> Iterator[bytes]:
    """An object whose lists hold one item a line (readable diffs, and a file a program can
    stream), the rest compact: in chunks of `CHUNK_ITEMS` items, each item serialised on its own
    (never the whole document at once: `lists` gives each item's text, `_dump`'s)."""
    parts = ["{"]
    comma = ""
    for key, value in head.items():
        parts.append(comma + _dump(key) + ":" + _dump(value))
        comma = ",\n"
    for key, items in lists.items():
        parts.append(comma + _dump(key) + ":[")
        comma = ",\n"
        count = 0
        for item in items:
            parts.append(("\n" if count == 0 else ",\n") + item)
            count += 1
            if count % CHUNK_ITEMS == 0:
                yield "".join(parts).encode("utf-8")
                parts = []
        parts.append("\n]" if count else "]")
    parts.append("}\n")
    yield "".join(parts).encode("utf-8")


def json_chunks(data: ExportData, memo: ExportMemo | None = None) -> Iterator[bytes]:
    """Every visible record of every kind, references resolved (a name beside each id), with the
    versions of the export and of the data format."""
    head = {"version": {"export": EXPORT_VERSION, "data_format": DATA_FORMAT_VERSION},
            "site": {"title": data.site.title, "url": data.site.url, "licence": data.site.licence}}
    return _json_document(head, _records(data, memo))


def to_json(data: ExportData) -> bytes:
    """`json_chunks` as one value."""
    return b"".join(json_chunks(data))


# --- GeoJSON (RFC 7946) ----------------------------------------------------------------------


def _feature(i: IncidentData) -> dict[str, Any] | None:
    own = i.coordinates is not None
    lat_lon = i.coordinates or i.region_coordinates
    if lat_lon is None:
        return None
    return {
        "type": "Feature",
        "id": i.id,
        # RFC 7946: longitude first (the data format writes [latitude, longitude]).
        "geometry": {"type": "Point", "coordinates": [lat_lon[1], lat_lon[0]]},
        "properties": {
            "id": i.id, "title": i.title, "date": i.date.written, "date_label": i.date.label,
            "start": i.date.start, "end": i.date.end, "type": i.type, "type_label": i.type_label,
            "group": i.group, "group_label": i.group_label,
            "actors": [{"id": a.id, "name": a.name, "role": a.role or "associated"} for a in i.actors],
            "casualties": [_casualty(c) for c in i.casualties],
            "region_path": [{"id": s.id, "name": s.name, "level": s.level} for s in i.region_path],
            "place": i.place,
            "location_precision": i.location_precision if own else "region",
            "coordinates_from": "incident" if own else "region",
            "permalink": i.permalink,
        },
    }


def geojson_chunks(data: ExportData, memo: ExportMemo | None = None) -> Iterator[bytes]:
    """A FeatureCollection of the incidents with coordinates, their own or, when they have none,
    their nearest region's (`coordinates_from: region`, an area); incidents with neither are left
    out (the JSON export has every incident)."""
    def text(i: IncidentData) -> str:
        feature = _feature(i)
        return "" if feature is None else _dump(feature)  # "": no feature

    features = (f for f in (_made(memo, "geojson", i, functools.partial(text, i)) for i in data.incidents) if f)
    return _json_document({"type": "FeatureCollection"}, {"features": features})


def to_geojson(data: ExportData) -> bytes:
    """`geojson_chunks` as one value."""
    return b"".join(geojson_chunks(data))


# --- TimelineJS ------------------------------------------------------------------------------


def _ymd(iso: str, precision: str) -> list[str]:
    year, month, day = iso.split("-")
    if precision == "year":
        return [str(int(year)), "", ""]
    if precision == "month":
        return [str(int(year)), str(int(month)), ""]
    return [str(int(year)), str(int(month)), str(int(day))]


def _point_precision(written: Any) -> str:
    text = str(written)
    return "year" if len(text) == 4 else "month" if len(text) == 7 else "day"


def _timeline_dates(d: DateData) -> list[str]:
    """Year, Month, Day, Time, End Year, End Month, End Day, End Time: each end to the precision
    it was written with (a month leaves Day empty)."""
    written = d.written
    if isinstance(written, dict):
        last = written["to"]
        end = _ymd(d.end, _point_precision(last))
        if "from" not in written:  # on or before: TimelineJS needs a start; the label says "by"
            return [*end, "", "", "", "", ""]
        return [*_ymd(d.start or d.end, _point_precision(written["from"])), "", *end, ""]
    return [*_ymd(d.end if d.start is None else d.start, _point_precision(written)), "", "", "", "", ""]


def _html(text: str) -> str:
    return escape(text, quote=True)


def _timeline_text(i: IncidentData, linked: bool) -> str:
    """The slide's text: HTML built here, every value escaped."""
    parts = []
    if i.summary:
        parts.append(f"<p>{_html(i.summary.strip())}</p>")
    where = " › ".join(s.name for s in i.region_path) + (f" · {i.place}" if i.place else "")
    parts.append(f"<p>{_html(i.type_label)} · {_html(where)}</p>")
    actors = "; ".join(f"{a.name} ({a.role or 'associated'})" for a in i.actors)
    parts.append(f"<p>{_html(actors)}</p>")
    if linked:
        parts.append(f'<p><a href="{_html(i.permalink)}">The record, with its sources</a></p>')
    return "".join(parts)


def timelinejs_chunks(data: ExportData, memo: ExportMemo | None = None) -> Iterator[bytes]:
    """TimelineJS's spreadsheet: a title slide, then one slide per incident in date order; Display
    Date carries our precision, Group the event's ACLED group."""
    linked = data.site.url is not None
    title_text = "<p>" + _html(f"{len(data.incidents):,} incidents") + (
        f" · {_html(data.site.licence)}" if data.site.licence else "") + "</p>"
    title: list[list[str]] = [["", "", "", "", "", "", "", "", "", cell(_html(data.site.title)), cell(title_text),
                               "", "", "", "", "title", "", ""]]

    def slide(i: IncidentData) -> list[str]:
        return [*_timeline_dates(i.date), cell(_html(i.date.label)), cell(_html(i.title)),
                cell(_timeline_text(i, linked)), "", "", "", "", "", cell(_html(i.group_label)), ""]

    fmt = "timelinejs linked" if linked else "timelinejs"  # the slide's text links the record or not

    def lines(line: Callable[[list[str]], str]) -> Iterator[str]:
        yield from (line(row) for row in title)
        for i in data.incidents:
            yield _made(memo, fmt, i, functools.partial(lambda i: line(slide(i)), i))

    return _csv(TIMELINEJS_HEADER, lines)


def to_timelinejs(data: ExportData) -> bytes:
    """`timelinejs_chunks` as one value."""
    return b"".join(timelinejs_chunks(data))


# --- the site's Atom feed (RFC 4287) ---------------------------------------------------------

#: Characters XML 1.0 cannot hold at all (control characters but tab and line ends, lone
#: surrogates, U+FFFE/U+FFFF): shown as U+FFFD, so that one odd character cannot break the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    """Text as XML character data (and attribute values in double quotes)."""
    return escape(_NOT_XML.sub("\ufffd", text), quote=True)


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def to_atom(feed: FeedData) -> bytes:
    """The feed as Atom XML: a feed id, title, updated, author and self link; each entry its id,
    title, updated, alternate link, summary and category. Titles and summaries are text
    constructs (`type="text"`), escaped: a reader shows them as typed."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <id>{_xml(feed.id)}</id>",
        f'  <title type="text">{_xml(feed.title)}</title>',
        f"  <updated>{_stamp(feed.updated)}</updated>",
        f"  <author><name>{_xml(feed.title)}</name></author>",
        f'  <link rel="self" type="application/atom+xml" href="{_xml(feed.self_link)}"/>',
        f'  <link rel="alternate" type="text/html" href="{_xml(feed.site)}"/>',
    ]
    for e in feed.entries:
        lines += [
            "  <entry>",
            f"    <id>{_xml(e.id)}</id>",
            f'    <title type="text">{_xml(e.title)}</title>',
            f"    <updated>{_stamp(e.updated)}</updated>",
            f'    <link rel="alternate" type="text/html" href="{_xml(e.link)}"/>',
            f'    <category term="{_xml(e.category)}"/>',
            *([f'    <summary type="text">{_xml(e.summary)}</summary>'] if e.summary else []),
            "  </entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def explorer_chunks(data: ExplorerData) -> Iterator[bytes]:
    """The explorer's data file: compact JSON (no spaces), keys in a fixed order, UTF-8, one line.
    A pure function of the data, so a rebuild writes the same bytes. In chunks: each top-level
    value, and each column of the incidents, serialised on its own."""
    head = {
        "version": EXPLORER_VERSION, "tiles": data.tiles,
        "groups": [list(g) for g in data.groups], "types": [list(t) for t in data.types],
        "regions": data.regions, "actors": data.actors, "tags": list(data.tags), "pages": list(data.pages),
        "dates": list(data.dates),
    }
    with no_cyclic_gc():
        yield ("{" + ",".join(_dump(key) + ":" + _dump(value) for key, value in head.items())
               + ',"incidents":{').encode()
        comma = ""
        for key, column in data.incidents.items():
            yield (comma + _dump(key) + ":" + _dump(column)).encode()
            comma = ","
        yield b"}}\n"


def to_explorer(data: ExplorerData) -> bytes:
    """`explorer_chunks` as one value (the same bytes as `json.dumps` of the whole document with
    compact separators, keys in the order above)."""
    return b"".join(explorer_chunks(data))


def search_chunks(records: SearchRecords) -> Iterator[bytes]:
    """The records' search entries (`routes.SEARCH_RECORDS`, read by site_overrides/search.py) in
    chunks, one page's entries serialised at a time: the same bytes as the whole file written at
    once by Jinja's `tojson` (`json.dumps` with sorted keys, ASCII only, HTML's special characters
    escaped) and a line end."""
    parts = ['{"pages": [']
    comma = ""
    count = 0
    for page in records.pages:
        parts.append(comma + page.json())  # each record's part kept between serve's runs
        comma = ", "
        count += 1 + len(page.records)
        if count >= CHUNK_ITEMS:
            yield "".join(parts).encode("ascii")
            parts, count = [], 0
    parts.append('], "version": ' + json.dumps(SEARCH_VERSION) + "}\n")
    yield "".join(parts).encode("ascii")


#: Each export format's serialiser, in chunks.
CHUNKERS: dict[str, Callable[[ExportData, ExportMemo | None], Iterator[bytes]]] = {
    "csv": csv_chunks,
    "json": json_chunks,
    "geojson": geojson_chunks,
    "timelinejs": timelinejs_chunks,
}

#: Each export format's serialiser.
SERIALISERS: dict[str, Callable[[ExportData], bytes]] = {
    "csv": to_csv,
    "json": to_json,
    "geojson": to_geojson,
    "timelinejs": to_timelinejs,
}


def chunks(fmt: str, data: object, memo: ExportMemo | None = None) -> Iterator[bytes]:
    """One export format of the data (a `Download`'s, hence `object`) as bytes in chunks, each
    made when the one before has been taken (the writer streams them to disk: an export of
    100,000 incidents is never whole in memory); joined, they are `serialise(fmt, data)`.
    `atom`: the feed; `explorer`: the explorer's data file; `search`: the records' search
    entries; `file`: a file shipped with the package, as it is. `memo`: the records' texts of an
    earlier run (`ExportMemo`, serve's), used and added to."""
    if fmt == "atom" and isinstance(data, FeedData):
        yield to_atom(data)
    elif fmt == "explorer" and isinstance(data, ExplorerData):
        yield from explorer_chunks(data)
    elif fmt == "search" and isinstance(data, SearchRecords):
        yield from search_chunks(data)
    elif fmt == "file" and isinstance(data, bytes):
        yield data
    elif not isinstance(data, ExportData):
        raise TypeError(f"not export data: {type(data).__name__}")
    else:
        with no_cyclic_gc():
            yield from CHUNKERS[fmt](data, memo)


def serialise(fmt: str, data: object, memo: ExportMemo | None = None) -> bytes:
    """One export format of the data (a `Download`'s, hence `object`), as bytes: `chunks` joined."""
    return b"".join(chunks(fmt, data, memo))
