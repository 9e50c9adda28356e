"""`briefing import acled`: ACLED export rows mapped to records of the data format.

Pure: `read_export` turns the bytes of an ACLED CSV export into rows (or problems naming the
missing columns and the bad rows by their line), and `plan_import` maps those rows onto the records
already in the data folder (as loaded, plain data) and says which files to create or replace, and
what to report. Nothing here touches the disk: the command line reads the files through
`load.read_regular`, and `write.put_files` writes the plan all or nothing.

The mapping, column by column, is `ACLED_COLUMNS` (plain data, shared with the CSV exporter so
that an import followed by an export gives back the same columns). How each choice was made is in
docs/design.md ("Importing ACLED data"); README's section of that name is the user's guide.

Idempotence: each imported incident carries `extra.acled_import_hash`, a hash of every value the
import wrote (the hash itself left out). On a later import an incident whose values still hash to
it is the import's own, and is replaced when the export says something new; one whose values no
longer do was edited by hand since, and is reported and left as it is unless `--update` is given.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterable

from .dates import parse_point
from .kinds import BY_FOLDER
from .fmt import ambiguous, canonical_tree, _writer
from .models import DEFAULT_EVENT_TYPES
from .new import slug, target_path
from .problems import Problem, problem
from .progress import Progress, quiet

#: The largest export read, in bytes (a year of a whole country is some 20 MB), and the most rows.
MAX_CSV_BYTES = 200 * 1024 * 1024
MAX_ROWS = 200_000
#: The longest cell, in characters (the longest field of the data format holds 20,000).
MAX_CELL = 100_000
MAX_ID = 80
NAME_MAX, SUMMARY_MAX = 300, 20_000
#: The step of the progress bar.
IMPORTING = "importing the rows"
#: `extra` keys the import owns.
HASH_KEY, ID_KEY = "acled_import_hash", "acled_id"

#: Every column of an ACLED export: (column, the field it becomes, how). The exporter reads it to
#: name its columns; `extra.X` means the value is kept as text under that key of `extra`.
ACLED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("event_id_cnty", "id, extra.acled_id", "the id is the slug of the event id (ARG10607 → arg10607)"),
    ("event_date", "date", "with time_precision: 1 the day, 2 the week around it ({from, to}), 3 the month"),
    ("year", "date", "not stored: the year of the date"),
    ("time_precision", "date", "how precise the date is (see event_date); kept as extra.time_precision"),
    ("disorder_type", "extra.disorder_type", "kept as text"),
    ("event_type", "type", "not stored: the group of the sub-event type"),
    ("sub_event_type", "type", "the slug of ACLED's sub-event type (Peaceful protest → peaceful-protest)"),
    ("actor1", "actors", "an actor (created as needed, kind from inter1); role by event type, else associated"),
    ("assoc_actor_1", "actors", "`; `-separated actors, role associated"),
    ("inter1", "actor kind, extra.inter1", "1 state-forces, 2 armed-group, 3-4 militia, 5-8 other"),
    ("actor2", "actors", "as actor1 (kind from inter2)"),
    ("assoc_actor_2", "actors", "`; `-separated actors, role associated"),
    ("inter2", "actor kind, extra.inter2", "as inter1"),
    ("interaction", "extra.interaction", "kept as text"),
    ("civilian_targeting", "extra.civilian_targeting", "kept as text"),
    ("iso", "extra.iso", "kept as text"),
    ("region", "extra.acled_region", "ACLED's world region, kept as text"),
    ("country", "region", "a region of level country"),
    ("admin1", "region", "a region of level governorate, inside the country"),
    ("admin2", "region", "a region of level district, inside admin1"),
    ("admin3", "region", "a region of level subdistrict, inside admin2"),
    ("location", "region", "a region of level place, inside the most specific admin level; the incident's region"),
    ("latitude", "coordinates", "[latitude, longitude]"),
    ("longitude", "coordinates", "[latitude, longitude]"),
    ("geo_precision", "location_precision", "1 exact, 2 near, 3 region"),
    ("source", "sources", "`; `-separated sources (created as needed, kind media unless known)"),
    ("source_scale", "extra.source_scale", "kept as text"),
    ("notes", "summary", "as written"),
    ("fatalities", "casualties", "{group: unknown, killed: N}; 0 stays 0 (none reported)"),
    ("tags", "tags, extra.tags", "`; `-separated; those that are slugs become tags, the cell is kept in extra"),
    ("timestamp", "extra.timestamp", "kept as text"),
)
#: The columns every ACLED export has and the import needs.
REQUIRED = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
            "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "country", "admin1", "admin2",
            "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities")
#: Columns kept as text under `extra` (the key, when it differs from the column's name).
EXTRA_COLUMNS: dict[str, str] = {"disorder_type": "disorder_type", "time_precision": "time_precision",
                                 "inter1": "inter1", "inter2": "inter2", "interaction": "interaction",
                                 "civilian_targeting": "civilian_targeting", "iso": "iso", "region": "acled_region",
                                 "source_scale": "source_scale", "tags": "tags", "timestamp": "timestamp"}

#: ACLED's actor types (inter1/inter2) as our actor kinds.
INTER_KINDS: dict[str, str] = {"1": "state-forces", "2": "armed-group", "3": "militia", "4": "militia",
                               "5": "other", "6": "other", "7": "other", "8": "other"}
#: ACLED's geo_precision as our location_precision.
GEO_PRECISION: dict[str, str] = {"1": "exact", "2": "near", "3": "region"}
#: Region levels, from the country down to the location.
LEVELS: tuple[tuple[str, str], ...] = (("country", "country"), ("admin1", "governorate"), ("admin2", "district"),
                                       ("admin3", "subdistrict"), ("location", "place"))
#: Roles of actor1 and actor2 where ACLED's definition of the event type makes them clear; every
#: other type (battles, peaceful protests, riots, strategic developments) gives `associated`:
#: ACLED's actor1 and actor2 are not attacker and defender.
_ONE_SIDED = ("perpetrator", "target")
ROLES: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("chemical-weapon", "air-drone-strike", "suicide-bomb", "shelling-artillery-missile-attack",
                     "remote-explosive-landmine-ied", "grenade", "sexual-violence", "attack",
                     "abduction-forced-disappearance", "excessive-force-against-protesters", "mob-violence"),
                    _ONE_SIDED),
    "protest-with-intervention": ("associated", "responder"),
}
#: Source names that are not media (checked in lower case).
SOURCE_KINDS: dict[str, str] = dict.fromkeys(
    ("twitter", "x", "facebook", "telegram", "youtube", "whatsapp", "instagram", "tiktok"), "social-media")
#: The title: "{sub-event type} in {place}: {actor1} vs {actor2}" (" vs …" without an actor2).
TITLE_TEMPLATE = "{type} in {place}: {actor1} vs {actor2}"

_MONTH_NAME = re.compile(r"\d{1,2} [A-Za-z]+ \d{4}\Z")
_DECIMAL = re.compile(r"-?\d{1,3}(?:\.\d+)?\Z")
_COUNT = re.compile(r"\d{1,8}\Z")
_TAG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class ImportProblems(Exception):
    """The export cannot be imported; `problems` say why (nothing is written)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class Row:
    """One event of the export: its line in the file and its cells by column name."""

    line: int
    cells: dict[str, str]


def read_export(raw: bytes, path: str) -> list[Row]:
    """The rows of an ACLED CSV export (UTF-8, a BOM and CRLF tolerated). Raises ImportProblems
    naming the missing columns, or each bad row by its line (all of them, not the first only)."""
    if len(raw) > MAX_CSV_BYTES:
        raise ImportProblems([problem("acled-file", path, 1, 1, "too-large", limit=f"{MAX_CSV_BYTES // 2**20} MB")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportProblems([problem("acled-file", path, line, 1, "encoding")]) from None
    problems: list[Problem] = []
    rows: list[Row] = []
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL + 1)  # the module's own limit is global: put back below
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise ImportProblems([problem("acled-bad-row", path, 1, 1, "csv", error=exc)]) from None
        header = [h.strip() for h in header or []]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise ImportProblems([problem("acled-not-an-export", path, 1, 1, "", columns=", ".join(missing))])
        width = len(header)
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader, None)
            except csv.Error as exc:
                problems.append(problem("acled-bad-row", path, start, 1, "csv", error=exc))
                break  # the reader cannot find the next row reliably
            if cells is None:
                break
            line, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue  # a blank line
            if len(rows) >= MAX_ROWS:
                raise ImportProblems([problem("acled-file", path, line, 1, "too-many-rows", limit=f"{MAX_ROWS:,}")])
            if len(cells) != width:
                problems.append(problem("acled-bad-row", path, line, 1, "width", found=len(cells), expected=width))
                continue
            rows.append(Row(line, dict(zip(header, (c.strip() for c in cells), strict=True))))
    finally:
        csv.field_size_limit(limit)
    if problems:
        raise ImportProblems(problems)
    return rows


# --- records ---------------------------------------------------------------------------------


def make_id(text: str) -> str:
    """The slug of `text`; one longer than 80 characters is cut and a short hash of the whole
    text added, so that two long names that begin alike stay apart."""
    full = slug(text, limit=10_000)
    if len(full) <= MAX_ID:
        return full
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]
    return slug(text, MAX_ID - 7) + "-" + digest


def record_hash(record: dict[str, Any]) -> str:
    """The hash of a record's values, `extra.acled_import_hash` left out: the same for the values
    the import wrote and for the file loaded back (the loader keeps dates as text)."""
    values = dict(record)
    extra = values.get("extra")
    if isinstance(extra, dict):
        values["extra"] = {k: v for k, v in extra.items() if k != HASH_KEY}
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Existing:
    """A record already in the data folder: its values (as loaded) and the file holding it, with
    how many records that file holds."""

    data: dict[str, Any]
    path: str
    in_file: int = 1


@dataclass
class Planned:
    """One file to write: where, its bytes, and whether it replaces a file."""

    path: Path
    data: bytes
    replaces: bool = False


@dataclass
class Plan:
    """What an import does: the files to write, the counts, and what to report."""

    files: list[Planned] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)


class _Names:
    """The records of one kind, found by id and by name or alias (case-folded), new ones included."""

    def __init__(self, records: Iterable[dict[str, Any]], scoped: bool) -> None:
        self.ids: set[str] = set()
        self.names: set[str] = set()  # every name and alias, case-folded
        self.by_name: dict[tuple[str | None, str], str] = {}
        self.scoped = scoped  # regions: a name is looked for under its parent only
        for record in records:
            self.add(record)

    def key(self, parent: str | None, name: str) -> tuple[str | None, str]:
        return (parent if self.scoped else None, name.casefold())

    def add(self, record: dict[str, Any]) -> None:
        rid = record.get("id")
        if not isinstance(rid, str):
            return
        self.ids.add(rid)
        parent = record.get("parent") if isinstance(record.get("parent"), str) else None
        extra = record.get("extra")
        names = [record.get("name"), *(record.get("aliases") or [])]
        for name in names:
            if isinstance(name, str):
                self.names.add(name.casefold())
        if isinstance(extra, dict):
            names.append(extra.get("acled_name"))  # the name in ACLED's export, when it had to be told apart
        for name in [*names, rid]:
            if isinstance(name, str):
                self.by_name.setdefault(self.key(parent, name), rid)

    def find(self, name: str, parent: str | None = None) -> str | None:
        """The id of a record whose name, alias or id is `name` (under `parent`, for regions)."""
        return self.by_name.get(self.key(parent, name)) or self.by_name.get(self.key(parent, make_id(name)))

    def new_id(self, name: str, parent: str | None) -> str:
        """A free id for a new record named `name`: its slug, else (taken) the slug after its
        parent's id, else with a short hash of both."""
        base = make_id(name) or "unnamed"
        if base not in self.ids:
            return base
        if parent is not None:
            scoped = make_id(f"{parent} {name}")
            if scoped not in self.ids:
                return scoped
        digest = hashlib.sha256(f"{parent}\n{name}".encode()).hexdigest()
        for n in range(6, 64):
            candidate = make_id(f"{name} {digest[:n]}")
            if candidate not in self.ids:
                return candidate
        raise AssertionError("no free id")  # 58 hashes all taken: cannot happen


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _day(text: str) -> date | None:
    try:
        if _MONTH_NAME.match(text):
            return datetime.strptime(text, "%d %B %Y").date()
        return date.fromisoformat(text)
    except ValueError:
        return None


def _date(day: date, precision: str) -> Any:
    if precision == "1":
        return day.isoformat()
    if precision == "2":
        return {"from": (day - timedelta(days=3)).isoformat(), "to": (day + timedelta(days=3)).isoformat()}
    return f"{day.year:04d}-{day.month:02d}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def title_of(type_name: str, place: str, actor1: str, actor2: str) -> str:
    """The title of an imported incident, from `TITLE_TEMPLATE` (at most 300 characters)."""
    title = TITLE_TEMPLATE.format(type=type_name, place=place, actor1=actor1, actor2=actor2)
    if not actor2:
        title = title.removesuffix(" vs ")
    return _cut(title, NAME_MAX)


class _Mapper:
    """Maps rows to records, creating regions, actors and sources as needed."""

    def __init__(self, existing: dict[str, dict[str, Existing]], path: str) -> None:
        self.path = path
        self.regions = _Names((e.data for e in existing.get("regions", {}).values()), scoped=True)
        self.actors = _Names((e.data for e in existing.get("actors", {}).values()), scoped=False)
        self.sources = _Names((e.data for e in existing.get("sources", {}).values()), scoped=False)
        # new records by folder, in the order first made (each row: its regions, actors, sources)
        self.new: dict[str, dict[str, dict[str, Any]]] = {}
        self.problems: list[Problem] = []

    def bad(self, row: Row, form: str, **fields: object) -> None:
        self.problems.append(problem("acled-bad-row", self.path, row.line, 1, form, **fields))

    def _name(self, row: Row, column: str, text: str) -> bool:
        if len(text) > NAME_MAX:
            self.bad(row, "too-long", column=column, length=f"{len(text):,}", limit=NAME_MAX)
            return False
        return True

    def region(self, row: Row) -> str | None:
        parent: str | None = None
        parent_name: str | None = None
        for column, level in LEVELS:
            name = row.cells.get(column, "")
            if not name:
                continue
            if not self._name(row, column, name):
                return None
            found = self.regions.find(name, parent)
            if found is None:
                found = self.regions.new_id(name, parent)
                shown = self._distinct(name, parent_name, level, parent)
                record: dict[str, Any] = {"id": found, "name": shown, "level": level}
                if parent is not None:
                    record["parent"] = parent
                if shown != name:
                    record["extra"] = {"acled_name": name}
                self.regions.add(record)
                self.new.setdefault("regions", {})[found] = record
            parent, parent_name = found, name
        return parent

    def _distinct(self, name: str, parent_name: str | None, level: str, parent: str | None = None) -> str:
        """The name of a new region: ACLED's, or, when another region already has that name (a
        district named after its province's capital, the "Capital" district of many provinces),
        ACLED's with its parent's after it, "Capital (San Juan)": two regions of one name would
        be a `duplicate-alias` warning, and a reader could not tell them apart. Then with its level
        too, "Hawija (Hawija, place)"; then with a short hash."""
        candidates = [name]
        if parent_name is not None:
            candidates += [f"{name} ({parent_name})", f"{name} ({parent_name}, {level})"]
        candidates.append(f"{name} ({hashlib.sha256(f'{parent_name}/{name}'.encode()).hexdigest()[:6]})")
        for candidate in candidates:
            if candidate.casefold() not in self.regions.names and len(candidate) <= NAME_MAX:
                return candidate
        # Taken too (places of one name under districts and subdistricts of one name, the same in
        # several provinces), or too long: a hash of the parent's id as well, longer until free,
        # after the name cut to leave it room (a name over NAME_MAX is a record that fails to load).
        digest = hashlib.sha256(f"{parent}\n{parent_name}/{name}\n{level}".encode()).hexdigest()
        for n in range(6, 64):
            suffix = f" ({digest[:n]})"
            candidate = _cut(name, NAME_MAX - len(suffix)) + suffix
            if candidate.casefold() not in self.regions.names:
                return candidate
        raise AssertionError("no free name")  # 58 hashes all taken: cannot happen

    def actor(self, row: Row, column: str, name: str, inter: str) -> str | None:
        if not self._name(row, column, name):
            return None
        found = self.actors.find(name)
        if found is None:
            found = self.actors.new_id(name, None)
            record = {"id": found, "name": name, "kind": INTER_KINDS.get(inter, "other")}
            self.actors.add(record)
            self.new.setdefault("actors", {})[found] = record
        return found

    def source(self, row: Row, name: str) -> str | None:
        if not self._name(row, "source", name):
            return None
        found = self.sources.find(name)
        if found is None:
            found = self.sources.new_id(name, None)
            record = {"id": found, "name": name, "kind": SOURCE_KINDS.get(name.casefold(), "media")}
            self.sources.add(record)
            self.new.setdefault("sources", {})[found] = record
        return found

    def incident(self, row: Row) -> dict[str, Any] | None:
        """The incident of one row, or None (and its problems recorded)."""
        c = row.cells
        before = len(self.problems)
        for column in ("event_id_cnty", "event_date", "sub_event_type", "actor1", "country", "source"):
            if not c.get(column):
                self.bad(row, "empty", column=column)
        if len(self.problems) > before:
            return None
        day = _day(c["event_date"])
        if day is None or not 1900 <= day.year <= 2100:
            self.bad(row, "date", value=c["event_date"])
        precision = c["time_precision"] or "1"
        if precision not in ("1", "2", "3"):
            self.bad(row, "precision", column="time_precision", value=precision)
        geo = c["geo_precision"]
        if geo and geo not in GEO_PRECISION:
            self.bad(row, "precision", column="geo_precision", value=geo)
        type_slug = slug(c["sub_event_type"])
        if type_slug not in DEFAULT_EVENT_TYPES:
            self.bad(row, "type", value=c["sub_event_type"])
        lat, lon = c["latitude"], c["longitude"]
        coordinates = None
        if lat or lon:
            if not (_DECIMAL.match(lat) and _DECIMAL.match(lon) and abs(float(lat)) <= 90 and abs(float(lon)) <= 180):
                self.bad(row, "coordinates", lat=lat, lon=lon)
            else:
                coordinates = [float(lat), float(lon)]
        fatalities = c["fatalities"]
        if fatalities and not _COUNT.match(fatalities):
            self.bad(row, "fatalities", value=fatalities)
        if len(c["notes"]) > SUMMARY_MAX:
            self.bad(row, "too-long", column="notes", length=f"{len(c['notes']):,}", limit=f"{SUMMARY_MAX:,}")
        record_id = make_id(c["event_id_cnty"])
        if not record_id:
            self.bad(row, "id", value=c["event_id_cnty"])
        if len(self.problems) > before:
            return None
        assert day is not None
        region = self.region(row)
        actors: list[dict[str, str]] = []
        role1, role2 = ROLES.get(type_slug, ("associated", "associated"))
        for column, assoc, inter, role in (("actor1", "assoc_actor_1", "inter1", role1),
                                           ("actor2", "assoc_actor_2", "inter2", role2)):
            entries = [(c[column], c[inter], role, column)] if c[column] else []
            entries += [(name, "", "associated", assoc) for name in _split(c[assoc])]
            for name, kind, what, col in entries:
                actor = self.actor(row, col, name, kind)
                if actor is not None and all(a["actor"] != actor for a in actors):
                    actors.append({"actor": actor, "role": what})
        sources: list[dict[str, str]] = []
        for name in _split(c["source"]):
            source = self.source(row, name)
            if source is not None and all(s["source"] != source for s in sources):
                sources.append({"source": source})
        if len(self.problems) > before or region is None:
            return None
        place = c["location"] or c.get("admin3") or c["admin2"] or c["admin1"] or c["country"]
        record: dict[str, Any] = {
            "id": record_id,
            "title": title_of(c["sub_event_type"], place, c["actor1"], c["actor2"]),
            "date": _date(day, precision),
            "type": type_slug,
            "region": region,
        }
        if coordinates is not None:
            record["coordinates"] = coordinates
        if geo:
            record["location_precision"] = GEO_PRECISION[geo]
        record["actors"] = actors
        if fatalities:
            record["casualties"] = [{"group": "unknown", "killed": int(fatalities)}]
        if c["notes"]:
            record["summary"] = c["notes"]
        record["sources"] = sources
        tags = [t for t in (slug(x) for x in _split(c.get("tags", ""))) if _TAG.match(t)]
        if tags:
            record["tags"] = sorted(set(tags), key=tags.index)
        extra: dict[str, Any] = {ID_KEY: c["event_id_cnty"]}
        if precision != "1":
            extra["event_date"] = day.isoformat()  # the day ACLED coded, which a span or month hides
        for column, key in EXTRA_COLUMNS.items():
            if c.get(column):
                extra[key] = c[column]
        record["extra"] = extra
        extra[HASH_KEY] = record_hash(record)
        return record


def plan_import(rows: list[Row], existing: dict[str, dict[str, Existing]], data_dir: Path, path: str,
                update: bool = False, progress: Progress = quiet) -> Plan:
    """What importing `rows` into the data folder `data_dir` does. `existing` holds the records
    already there, by folder (`incidents`, `regions`, ...) and id. Raises ImportProblems for bad
    rows (every one, by its line); returns the files to write and what to report otherwise."""
    mapper = _Mapper(existing, path)
    incidents: list[tuple[Row, dict[str, Any]]] = []
    first_line: dict[str, int] = {}
    total = len(rows)
    for n, row in enumerate(rows):
        if n % 500 == 0:
            progress(IMPORTING, n, total)
        record = mapper.incident(row)
        if record is None:
            continue
        seen = first_line.setdefault(record["id"], row.line)
        if seen != row.line:
            mapper.bad(row, "duplicate", id=row.cells["event_id_cnty"], first=seen)
            continue
        incidents.append((row, record))
    progress(IMPORTING, total, total)
    if mapper.problems:
        raise ImportProblems(mapper.problems)

    plan = Plan()
    for folder, records in mapper.new.items():
        kind = folder[:-1]
        for rid, record in records.items():
            plan.files.append(Planned(target_path(data_dir, kind, rid, None), dump(record, folder)))
        plan.created[folder] = len(records)
    old_incidents = existing.get("incidents", {})
    created = 0
    for row, record in incidents:
        old = old_incidents.get(record["id"])
        if old is None:
            when = parse_point(_start(record["date"]))
            plan.files.append(Planned(target_path(data_dir, "incident", record["id"], when), dump(record, "incidents")))
            created += 1
            continue
        found_extra = old.data.get("extra")
        old_extra: dict[str, Any] = found_extra if isinstance(found_extra, dict) else {}
        where = (old.path, 1)
        if old_extra.get(ID_KEY) != row.cells["event_id_cnty"]:
            plan.problems.append(problem("acled-id-taken", *where, 1, "", id=record["id"],
                                         event=row.cells["event_id_cnty"]))
            plan.skipped += 1
            continue
        stored = old_extra.get(HASH_KEY)
        if stored == record["extra"][HASH_KEY] and record_hash(old.data) == stored:
            plan.unchanged += 1
            continue
        edited = record_hash(old.data) != stored
        if edited and not update:
            plan.problems.append(problem("acled-edited", *where, 1, "", id=record["id"]))
            plan.skipped += 1
            continue
        if old.in_file != 1:
            plan.problems.append(problem("acled-edited", *where, 1, "list", id=record["id"]))
            plan.skipped += 1
            continue
        plan.files.append(Planned(Path(old.path), dump(record, "incidents"), replaces=True))
        plan.updated += 1
    plan.created["incidents"] = created
    plan.problems.extend(_removed(rows, old_incidents))
    return plan


def _start(value: Any) -> str:
    return str(value["from"]) if isinstance(value, dict) else str(value)


def _removed(rows: list[Row], old: dict[str, Existing]) -> list[Problem]:
    """Incidents imported earlier from the countries of this export (`iso`), dated within its first
    and last day, whose event is not in it any more (ACLED deletes events): reported, never deleted."""
    if not rows:
        return []
    events = {r.cells["event_id_cnty"] for r in rows}
    isos = {r.cells.get("iso", "") for r in rows}
    days = sorted(d.isoformat() for d in (_day(r.cells["event_date"]) for r in rows) if d is not None)
    out = []
    for rid, entry in sorted(old.items()):
        extra = entry.data.get("extra")
        if not isinstance(extra, dict) or not isinstance(extra.get(ID_KEY), str) or extra[ID_KEY] in events:
            continue
        day = extra.get("event_date") or _start(entry.data.get("date"))
        if extra.get("iso", "") not in isos or not days[0] <= str(day)[:10] <= days[-1]:
            continue
        out.append(problem("acled-removed", entry.path, 1, 1, "", id=rid, event=extra[ID_KEY]))
    return out


# --- the canonical layout --------------------------------------------------------------------

#: Text written plain without asking the emitter: letters and digits first, then a few harmless
#: characters; `: ` and ` #` (YAML syntax) are looked for apart, and `ambiguous` has the last word.
_PLAIN = re.compile(r"[^\W_][\w .,;()/'\"+=\[\]?!&%:#-]*(?<![ :])\Z")
_QUOTED_CACHE: dict[str, str] = {}
#: Text that can never be plain (`: `, ` #`, a colon or space at its end, a space at its start) ...
_QUOTE_ONLY = re.compile(r": | #|[: ]\Z|\A ")
#: ... and whose characters the emitter writes as they are in single quotes (printable, no byte
#: order mark, no bidirectional control, no line break of any kind).
_SIMPLE = re.compile("[\x20-\x7e\xa0-\u200d\u2010-\u2027\u2030-\u2065\u206a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*\\Z")


def scalar(text: str) -> str | None:
    """`text` as `briefing fmt` writes it on one line (plain or quoted), or None when it needs more
    than a line (a line break, a control character): the caller formats the whole record then."""
    if len(text) > 80:
        return _scalar(text)
    # Ids, roles, names and extra values repeat from record to record: decided once each.
    if text not in _SHORT_CACHE:
        if len(_SHORT_CACHE) > 200_000:
            _SHORT_CACHE.clear()
        _SHORT_CACHE[text] = _scalar(text)
    return _SHORT_CACHE[text]


_SHORT_CACHE: dict[str, str | None] = {}


def _scalar(text: str) -> str | None:
    if _PLAIN.match(text) and ": " not in text and " #" not in text and not ambiguous(text):
        return text
    if not text.isprintable():
        return None
    if _QUOTE_ONLY.search(text) and "'" not in text and _SIMPLE.match(text):
        # YAML syntax inside (`: `, ` #`) rules plain text out, and nothing in it needs an escape:
        # the emitter's single quotes, without asking it (a test compares the two)
        return f"'{text}'"
    cached = _QUOTED_CACHE.get(text)
    if cached is None:
        stream = io.StringIO()
        _writer().dump(canonical_tree({"k": _as_read(text)}, None), stream)
        out = stream.getvalue()
        if not out.startswith("k: ") or out.count("\n") != 1:
            return None
        cached = out[3:-1]
        if len(_QUOTED_CACHE) < 100_000:
            _QUOTED_CACHE[text] = cached
    return cached


def dump(record: dict[str, Any], folder: str) -> bytes:
    """One record as a file in `briefing fmt`'s canonical layout (a test checks that `fmt` leaves
    every imported file as it is). Built line by line for speed; a value that needs more than one
    line goes through `fmt`'s own writer."""
    lines = _lines(record, "")
    if lines is None:
        stream = io.StringIO()
        _writer().dump(canonical_tree(_as_read(record), folder), stream)
        return stream.getvalue().encode("utf-8")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _as_read(value: Any) -> Any:
    """`value` as ruamel would read it from a file where every text is quoted and every number
    plain, which is what `fmt.canonical_tree` takes."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    from .fmt import Verbatim

    if isinstance(value, dict):
        return {k: _as_read(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_read(v) for v in value]
    if isinstance(value, str):
        return DoubleQuotedScalarString(value)
    return Verbatim(_number(value))


def _number(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


_DATE_KEYS = frozenset({"date", "from", "to"})


def _lines(value: dict[str, Any], indent: str, first: str | None = None) -> list[str] | None:
    """The lines of a mapping (keys already in the data format's order), or None when a value
    needs the full writer. `first` is the prefix of the first line (`  - ` in a list)."""
    out: list[str] = []
    for i, (key, item) in enumerate(value.items()):
        lead = first if (first is not None and i == 0) else indent
        if isinstance(item, dict):
            if key == "date" and set(item) <= {"from", "to"} and "from" in item:
                out.append(f"{lead}{key}:")
                out.extend(f"{indent}  {k}: {v}" for k, v in item.items())
                continue
            out.append(f"{lead}{key}:")
            inner = _lines(item, indent + "  ")
            if inner is None:
                return None
            out.extend(inner)
        elif isinstance(item, list):
            if key == "coordinates":
                out.append(f"{lead}{key}: [{_number(item[0])}, {_number(item[1])}]")
                continue
            if not item:
                out.append(f"{lead}{key}: []")
                continue
            out.append(f"{lead}{key}:")
            for entry in item:
                if isinstance(entry, dict):
                    inner = _lines(entry, indent + "    ", indent + "  - ")
                else:
                    text = scalar(entry) if isinstance(entry, str) else _number(entry)
                    inner = None if text is None else [f"{indent}  - {text}"]
                if inner is None:
                    return None
                out.extend(inner)
        elif isinstance(item, str):
            text = item if key in _DATE_KEYS and _day(item) is not None else scalar(item)
            if text is None:
                return None
            out.append(f"{lead}{scalar(key) if not key.isidentifier() else key}: {text}")
        else:
            out.append(f"{lead}{key}: {_number(item)}")
    return out


# --- the data folder -------------------------------------------------------------------------

#: The step of the progress bar while the data folder is read.
READING_DATA = "reading the data folder"


def existing_records(data_dir: Path, progress: Progress = quiet) -> dict[str, dict[str, Existing]]:
    """The records of the data folder as loaded (plain values), by folder and id; files that do
    not load are left out (`briefing validate` reports them), links and FIFOs are never read."""
    from .load import load_file
    from .validate import discover

    # Incidents, and the kinds they refer to (regions, actors, sources): what an import reuses.
    kinds = {"incidents", *(target for _, target in BY_FOLDER["incidents"].references)}
    files, _ = discover(data_dir)
    wanted = [(path, kind) for path, kind in files if kind in kinds]
    out: dict[str, dict[str, Existing]] = {kind: {} for kind in sorted(kinds)}
    for n, (path, kind) in enumerate(wanted):
        if n % 500 == 0:
            progress(READING_DATA, n, len(wanted))
        assert kind is not None
        loaded = load_file(path)
        records = [r.data for r in loaded.records if isinstance(r.data, dict) and isinstance(r.data.get("id"), str)]
        for data in records:
            out[kind].setdefault(data["id"], Existing(data, path, len(loaded.records)))
    progress(READING_DATA, len(wanted), len(wanted))
    return out


def import_acled(raw: bytes, path: str, data_dir: Path, update: bool = False, progress: Progress = quiet) -> Plan:
    """Plan the import of the export `raw` (read from `path`, which problems name) into `data_dir`:
    nothing is written (see `write.put_files`). Raises ImportProblems for an unusable export."""
    rows = read_export(raw, path)
    existing = existing_records(data_dir, progress)
    return plan_import(rows, existing, data_dir, path, update, progress)
