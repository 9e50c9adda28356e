"""Cross-references: resolves every id a record names, finds duplicate ids and parent loops, and
builds the `Dataset` that the views read.

Positions come from the loader's `RawRecord`, so that an unknown actor is reported at the line of
the `actor:` field that names it. The `Dataset` keeps only what later stages need: each record
with its file and line.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, fields
from itertools import chain
from datetime import date
from typing import Any, Generic, Iterator, Sequence, TypeVar

from .kinds import ALIASED, DATED, FOLDERS, HIERARCHIES, REFERENCES
from .kinds import SINGULAR as _SINGULAR
from .load import Path_, RawRecord, dotted
from .models import Actor, Incident, Record, Region, Source, Statement
from .problems import CODES, Problem, Suggester, escape_controls, problem, shorten

R = TypeVar("R", bound=Record)


@dataclass(frozen=True, slots=True)
class Entry(Generic[R]):
    """A valid record and where it was written."""

    record: R
    path: str
    line: int

    @property
    def id(self) -> str:
        return self.record.id  # type: ignore[attr-defined,no-any-return]  # each kind has an id, Record not


@dataclass(frozen=True, slots=True)
class Loaded(Generic[R]):
    """A record that passed model validation, with its positions (the input of `link`)."""

    kind: str
    record: R
    raw: RawRecord
    path: str


#: The field names of each model class, by class: pydantic's `model_fields` is a property of the
#: class that builds its answer on every call (1 µs, twice per record).
_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _field_names(model: type[Any]) -> frozenset[str]:
    """The names of `model`'s fields (a pydantic model class), worked out once per class."""
    names = _FIELD_NAMES.get(model)
    if names is None:
        names = _FIELD_NAMES[model] = frozenset(model.model_fields)
    return names


# Facts and Written are not frozen: a frozen dataclass sets each field through
# object.__setattr__, which made building them from the cache three times as slow (110,000 of each
# per run at 100k incidents). Nothing changes them once made.
@dataclass(slots=True)
class Facts:
    """What the checks across records read of a valid record: its id, names, parent and dates,
    and where it was written. Small and plain, so that the validation cache (vcache.py) can keep
    it for an unchanged file, and `briefing validate` can check the whole data without models."""

    kind: str
    id: str
    path: str
    raw: RawRecord  # for positions only; its data may have been dropped
    name: str | None = None
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    start: date | None = None  # a dated record's first possible day
    published: date | None = None  # the latest `published:` end among its citations

    @classmethod
    def of(cls, item: Loaded[Any]) -> "Facts":
        """The facts of a validated record."""
        record = item.record
        start = published = None
        if item.kind in DATED:
            start = record.date.start
            ends = [c.published.end for c in record.sources if c.published is not None]
            published = max(ends) if ends else None
        # The model's fields, not getattr() with a default: pydantic answers a missing attribute
        # slowly (its __getattr__ raises), and most records lack two of these three.
        fields = _field_names(type(record))
        name = record.name if "name" in fields else None
        return cls(item.kind, record.id, item.path, item.raw, name if isinstance(name, str) else None,
                   tuple(record.aliases) if "aliases" in fields else (),
                   record.parent if "parent" in fields else None, start, published)


@dataclass
class Dataset:
    """Every valid record by kind and id, in id order."""

    actors: dict[str, Entry[Actor]] = field(default_factory=dict)
    regions: dict[str, Entry[Region]] = field(default_factory=dict)
    sources: dict[str, Entry[Source]] = field(default_factory=dict)
    incidents: dict[str, Entry[Incident]] = field(default_factory=dict)
    statements: dict[str, Entry[Statement]] = field(default_factory=dict)
    #: Sub-region ids by parent id, built by the first `region_descendants` (the records are not
    #: changed once linked).
    _region_children: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)
    #: The records of a registered kind that has no typed field above (one just added to
    #: `kinds.py`), by kind: it is validated and linked before any view wants it typed.
    others: dict[str, dict[str, Entry[Record]]] = field(default_factory=dict, repr=False, compare=False)
    #: A digest of each record read from its file in this run (a file kept by serve's memo gives
    #: none), by the record object's id, with the object (`record_digest`): what `briefing build`'s
    #: page record and the PDFs' input keys know a record by (views/common.py ViewMemo.kept,
    #: pdf.InputKeys) instead of serialising it. Set by `set_digests`.
    record_digests: dict[int, tuple[object, bytes]] = field(default_factory=dict, repr=False, compare=False)

    def set_digests(self, files: dict[str, bytes]) -> None:
        """Know each record read from a file of `files` (path -> vcache.digest of the bytes its
        records were parsed from) by a digest of those bytes, its path and its line: the same
        bytes parse to the same record under the same code and settings, which every user of
        the digest keys apart."""
        out: dict[int, tuple[object, bytes]] = {}
        for kind in FOLDERS:
            for entry in self.kind(kind).values():
                found = files.get(entry.path)
                if found is not None:
                    where = f"\0{entry.path}\0{entry.line}".encode("utf-8", "surrogatepass")
                    out[id(entry.record)] = (entry.record, hashlib.blake2b(found + where, digest_size=16).digest())
        self.record_digests = out

    def record_digest(self, record: object) -> bytes | None:
        """The digest `set_digests` gave this record object (None: it was not read from a file
        in this run, or it is another object, such as an edited copy)."""
        found = self.record_digests.get(id(record))
        return found[1] if found is not None and found[0] is record else None

    def kind(self, name: str) -> dict[str, Entry[Any]]:
        """The records of one kind (`actors`, `regions`, ...); their class depends on `name`."""
        if name in _TYPED:
            typed: dict[str, Entry[Any]] = getattr(self, name)
            return typed
        if name not in FOLDERS:
            raise KeyError(name)
        return self.others.setdefault(name, {})

    def region_ancestors(self, region_id: str) -> list[str]:
        """The ids of a region's parents, nearest first (loops are cut; `link` reports them)."""
        return _chain(self.regions, region_id)

    def region_descendants(self, region_id: str) -> set[str]:
        """The ids of every region below `region_id`, at any depth (loops are cut). The index of
        sub-regions is built once, on the first call: linear in the regions, however many asks."""
        if self._region_children is None:
            children: dict[str, list[str]] = {}
            for entry in self.regions.values():
                if entry.record.parent is not None:
                    children.setdefault(entry.record.parent, []).append(entry.id)
            self._region_children = children
        out: set[str] = set()
        stack = [region_id]
        while stack:
            for child in self._region_children.get(stack.pop(), ()):
                if child not in out and child != region_id:
                    out.add(child)
                    stack.append(child)
        return out

    def speaks_for(self, statement: Statement) -> str | None:
        """`on_behalf_of`, defaulting to the speaker's affiliation."""
        if statement.on_behalf_of:
            return statement.on_behalf_of
        speaker = self.actors.get(statement.speaker)
        return speaker.record.affiliation if speaker else None


#: The kinds that have a typed field of their own in `Dataset`.
_TYPED = frozenset(f.name for f in fields(Dataset)) & frozenset(FOLDERS)


def _chain(entries: dict[str, Entry[Region]], start: str) -> list[str]:
    out: list[str] = []
    current = entries.get(start)
    while current is not None and current.record.parent and current.record.parent not in out:
        if current.record.parent == start:
            break
        out.append(current.record.parent)
        current = entries.get(current.record.parent)
    return out


def expand(data: object, pattern: tuple[str, ...], prefix: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Every (path, value) in `data` matching `pattern` (`*` is any list index); only text values."""
    if not pattern:
        if isinstance(data, str):
            yield prefix, data
        elif isinstance(data, int) and not isinstance(data, bool):
            yield prefix, str(data)  # `actor: 999` is read as the id "999", as the models read it
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from expand(item, rest, prefix + (i,))
    elif isinstance(data, dict) and head in data:
        yield from expand(data[head], rest, prefix + (head,))


def _expanded(data: object, pattern: tuple[str, ...], at: int, prefix: Path_,
              out: list[tuple[Path_, str]]) -> None:
    """`expand(data, pattern[at:], prefix)` appended to `out`: the same pairs in the same order,
    without a generator at each level (this runs for every reference of every record)."""
    if at == len(pattern):
        if isinstance(data, str):
            out.append((prefix, data))
        elif isinstance(data, int) and not isinstance(data, bool):
            out.append((prefix, str(data)))
        return
    head = pattern[at]
    if head == "*":
        if isinstance(data, list):
            for i, item in enumerate(data):
                _expanded(item, pattern, at + 1, prefix + (i,), out)
    elif isinstance(data, dict) and head in data:
        _expanded(data[head], pattern, at + 1, prefix + (head,), out)


def _reference(value: object) -> str | None:
    """A value as the id it names (`expand`'s rule: text, or a whole number as its digits)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


class _Names:
    """Ids, names and aliases of one kind, for "did you mean" suggestions."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.labels: dict[str, str] = {}  # a name or alias -> the id it belongs to
        self._suggester: Suggester | None = None

    def add(self, record_id: str, *names: str) -> None:
        self.ids.add(record_id)
        self.labels.setdefault(record_id, record_id)
        for name in names:
            self.labels.setdefault(name, record_id)
        self._suggester = None

    def suggest(self, word: str) -> str:
        # The index is built on the first unknown reference only: valid data never pays for it.
        if self._suggester is None:
            self._suggester = Suggester(self.labels, self.labels)
        return self._suggester.suggest(word)


def require_id(kind: str, value: str, records: dict[str, Any]) -> None:
    """UnknownId (a usage error of `--KIND`) when `records` (a Dataset's actors or regions) has
    no id `value`, with the id it may have meant: ids, names and aliases all point at their id."""
    if value in records:
        return
    from .errors import UnknownId

    names = _Names()
    for record_id, entry in records.items():
        names.add(record_id, entry.record.name, *entry.record.aliases)
    raise UnknownId(escape_controls(f"there is no {kind} with id `{value}`" + names.suggest(value)), f"'--{kind}'")


@dataclass(slots=True)
class Written:
    """What linking needs of any record as written, valid or not: its id, its names and the ids
    it refers to. Small, so that the validation cache can keep it."""

    kind: str
    path: str
    raw: RawRecord  # for positions only; its data may have been dropped
    id: str | None
    labels: tuple[str, ...]
    targets: tuple[str, ...]  # the kind each reference names
    ids: tuple[str, ...]  # and the id it names
    wheres: Sequence[Path_]  # and where it is written (the cache's copy decodes these when asked)

    @classmethod
    def of(cls, kind: str, path: str, raw: RawRecord) -> "Written":
        """Read the id, names and references out of a record as written."""
        data = raw.data
        record_id = data.get("id")
        aliases = data.get("aliases")
        labels = [data.get("name")] + (aliases if isinstance(aliases, list) else [])
        # Three lists filled side by side (not one list of triples split in three afterwards).
        targets: list[str] = []
        ids: list[str] = []
        wheres: list[Path_] = []
        for pattern, target_kind in REFERENCES[kind]:
            # The two shapes every kind's references have, `field` and `field.*.key`, read
            # directly; `_expanded` gives the same for any other (and is what `expand` gives).
            if len(pattern) == 1:
                value = _reference(data.get(pattern[0]))
                if value is not None:
                    targets.append(target_kind)
                    ids.append(value)
                    wheres.append(pattern)
            elif len(pattern) == 3 and pattern[1] == "*":
                head, key = pattern[0], pattern[2]
                items = data.get(head)
                if isinstance(items, list):
                    for i, item in enumerate(items):
                        if isinstance(item, dict) and key in item:
                            value = item[key]
                            if type(value) is not str:  # (a text is its own id: the usual case at once)
                                value = _reference(value)
                                if value is None:
                                    continue
                            targets.append(target_kind)
                            ids.append(value)
                            wheres.append((head, i, key))
            else:
                found: list[tuple[Path_, str]] = []
                _expanded(data, pattern, 0, (), found)
                for where, value in found:
                    targets.append(target_kind)
                    ids.append(value)
                    wheres.append(where)
        if isinstance(record_id, int) and not isinstance(record_id, bool):
            record_id = str(record_id)
        return cls(kind, path, raw, record_id if isinstance(record_id, str) else None,
                   tuple(label for label in labels if isinstance(label, str)), tuple(targets), tuple(ids),
                   tuple(wheres))


def link(loaded: list[Loaded[Any]], written: list[Written],
         facts: list[Facts] | None = None) -> tuple[Dataset, list[Problem]]:
    """Resolve references and build the Dataset of valid records.

    Ids and references are checked on every record as written, valid or not, so that one run
    reports an unknown actor even in a record that also has a bad date; and a reference to a
    record that has errors of its own is not reported as unknown. `facts`: those of `loaded`,
    when the caller has them already.
    """
    dataset = Dataset()
    for valid in loaded:
        target = dataset.kind(valid.kind)
        record_id = valid.record.id
        if record_id not in target:
            target[record_id] = Entry(valid.record, valid.path, valid.raw.line)
    problems = check_links([Facts.of(item) for item in loaded] if facts is None else facts, written)
    for kind in FOLDERS:
        table = dataset.kind(kind)
        sorted_items = sorted(table.items())
        table.clear()
        table.update(sorted_items)
    return dataset, problems


def check_links(facts: list[Facts], written: list[Written]) -> list[Problem]:
    """The problems across records (`link`'s checks), from the facts of the valid records and
    what every record as written names: duplicate ids, unknown references, parent loops, shared
    names. Runs over all of them every time: one file's change can make a problem in another."""
    problems: list[Problem] = []
    # One pass over the records for what valid data needs (the ids of each kind, and whether any
    # id is written twice); the names for "did you mean" and the places of every copy of an id are
    # gathered only when there is something to report (a cached `validate` of 100k records spends
    # most of its time in loops like these).
    ids: dict[str, set[str]] = defaultdict(set)
    repeated = False
    for item in written:
        record_id = item.id
        if record_id is not None:
            seen = ids[item.kind]
            if record_id in seen:
                repeated = True
            else:
                seen.add(record_id)
    known = {kind: ids[kind] for kind in FOLDERS}
    if repeated:
        places: dict[str, dict[str, list[Written]]] = defaultdict(dict)
        for item in written:
            if item.id is not None:
                places[item.kind].setdefault(item.id, []).append(item)
        for kind, by_id in sorted(places.items()):
            for record_id, copies in by_id.items():
                if len(copies) > 1:  # positions are worked out only now, for the few that need them
                    problems.extend(_duplicates(kind, record_id,
                                                [(w.path, *w.raw.locate(("id",))) for w in copies]))
    # Every (kind, id) referred to, once each: when all are known (valid data), no record needs a
    # second look.
    referred = set(zip(chain.from_iterable(w.targets for w in written),
                       chain.from_iterable(w.ids for w in written), strict=True))
    if any(value not in known[target_kind] for target_kind, value in referred):
        names: dict[str, _Names] = defaultdict(_Names)
        for item in written:
            if item.id is not None:
                names[item.kind].add(item.id, *item.labels)
        for item in written:
            for i, (target_kind, value) in enumerate(zip(item.targets, item.ids, strict=True)):
                if value not in known[target_kind]:
                    where = item.wheres[i]
                    line, col = item.raw.locate(where)
                    problems.append(Problem.make(
                        "unknown-reference", item.path, line, col,
                        f"{dotted(where)}: " + CODES["unknown-reference"].format(
                            kind=_SINGULAR[target_kind], value=shorten(value),
                            hint=names[target_kind].suggest(value)),
                    ))
    problems.extend(loops_and_names(facts))
    return problems


def loops_and_names(facts: list[Facts]) -> list[Problem]:
    """The checks of `check_links` that read only the facts of the kinds with parents or names
    (HIERARCHIES, ALIASED): parent loops and shared names. `facts` may hold only those kinds'."""
    problems: list[Problem] = []
    for kind in HIERARCHIES:
        problems.extend(_cycles(kind, facts))
    problems.extend(_shared_names(facts))
    return problems


def _duplicates(kind: str, record_id: str, places: list[tuple[str, int, int]]) -> Iterator[Problem]:
    for i, (path, line, col) in enumerate(places):
        others = ", ".join(f"{p}:{ln}" for j, (p, ln, _) in enumerate(places) if j != i)
        yield problem("duplicate-id", path, line, col, kind=_SINGULAR[kind], id=record_id, others=others)


def _cycles(kind: str, facts: list[Facts]) -> Iterator[Problem]:
    table: dict[str, Facts] = {}  # the first record of an id is the one the Dataset keeps
    raws: dict[str, Facts] = {}  # and the last one is where a loop is reported
    for item in facts:
        if item.kind == kind:
            table.setdefault(item.id, item)
            raws[item.id] = item
    reported: set[str] = set()
    for start in sorted(table):
        chain = [start]
        current = table[start].parent
        while current and current in table and current not in chain:
            chain.append(current)
            current = table[current].parent
        if current and current in chain and current == start and start not in reported:
            loop = chain[chain.index(current):] + [current]
            reported.update(loop)
            for member in loop[:-1]:
                item = raws[member]
                line, col = item.raw.locate(("parent",))
                yield problem("parent-cycle", item.path, line, col, loop=" → ".join(loop))


def record_warnings(item: Loaded[Record]) -> Iterator[Problem]:
    """Warnings about one valid record on its own: legal but suspect data."""
    record, raw, path = item.record, item.raw, item.path
    if isinstance(record, Actor):
        if record.kind == "person" and not record.affiliation:
            yield problem("person-without-affiliation", path, raw.line, raw.col, id=record.id)
        if record.kind != "person":
            for name in ("affiliation", "title"):
                if getattr(record, name):
                    line, col = raw.locate((name,), key=True)
                    hint = CODES["person-only-field"].format("affiliation") if name == "affiliation" else ""
                    yield problem("person-only-field", path, line, col, name=name, id=record.id, kind=record.kind,
                                  hint=hint)
    if isinstance(record, Incident):
        involved = {a.actor for a in record.actors}
        seen: set[tuple[str, str | None]] = set()
        for i, role in enumerate(record.actors):
            if role.role is None:
                line, col = raw.locate(("actors", i))
                yield Problem.make("role-missing", path, line, col,
                                   f"actors[{i}]: " + CODES["role-missing"].format(actor=role.actor))
            if (role.actor, role.role) in seen:
                line, col = raw.locate(("actors", i))
                yield Problem.make("duplicate-entry", path, line, col,
                                   f"actors[{i}]: " + CODES["duplicate-entry"].format("role", actor=role.actor))
            seen.add((role.actor, role.role))
        for i, casualty in enumerate(record.casualties):
            if casualty.actor and casualty.actor not in involved:
                line, col = raw.locate(("casualties", i, "actor"))
                yield Problem.make("casualty-actor-not-involved", path, line, col, f"casualties[{i}].actor: "
                                   + CODES["casualty-actor-not-involved"].format(actor=casualty.actor))
    fields = _field_names(type(record))  # (not getattr() with a default: see Facts.of)
    for list_name in ("tags", "about", "regions", "aliases"):
        values = getattr(record, list_name) if list_name in fields else None
        if isinstance(values, list):
            first: dict[str, int] = {}
            for i, value in enumerate(values):
                if value in first:
                    line, col = raw.locate((list_name, i))
                    yield Problem.make("duplicate-entry", path, line, col,
                                       f"{list_name}[{i}]: " + CODES["duplicate-entry"].format(value=value))
                first.setdefault(value, i)


def dates_after_sources(facts: list[Facts]) -> list[Problem]:
    """A `date-after-sources` warning for each incident or statement dated wholly after the latest
    `published:` date of any citation in the data (no source can have reported it yet: a typo such
    as 2030 for 2020 is likely). Without any `published:` date there is nothing to compare with,
    and no warning: the clock is never read, so that the same data gives the same report."""
    published = [item.published for item in facts if item.published is not None]
    if not published:
        return []
    latest = max(published)
    out = []
    for item in facts:
        if item.start is not None and item.start > latest:
            line, col = item.raw.locate(("date",))
            out.append(problem("date-after-sources", item.path, line, col,
                               date=item.start.isoformat(), latest=latest.isoformat()))
    return out


def _shared_names(facts: list[Facts]) -> Iterator[Problem]:
    """An alias or name that names two actors (or two regions) makes search and "did you mean"
    ambiguous: reported at each place that writes it, each citing the other record."""
    for kind in ALIASED:
        users: dict[str, dict[str, list[tuple[Facts, Path_ | None, str]]]] = defaultdict(dict)
        for item in facts:
            if item.kind != kind:
                continue
            labels: list[tuple[Path_ | None, str]] = [(None, item.id), (("name",), item.name or "")]
            labels += [(("aliases", i), alias) for i, alias in enumerate(item.aliases)]
            for where, label in labels:
                # the first place per record only: a repeat inside one record is `duplicate-entry`
                users[label.casefold()].setdefault(item.id, []).append((item, where, label))
        for by_record in users.values():
            if len(by_record) < 2:
                continue
            for record_id, places in sorted(by_record.items()):
                item, where, label = places[0]
                if where is None:
                    continue  # an id is not a name: the other record's alias is reported
                others = ", ".join(f"`{other}` ({by_record[other][0][0].path})"
                                   for other in sorted(by_record) if other != record_id)
                line, col = item.raw.locate(where)
                yield Problem.make("duplicate-alias", item.path, line, col, f"{dotted(where)}: "
                                   + CODES["duplicate-alias"].format(label=label, kind=_SINGULAR[kind], others=others))
