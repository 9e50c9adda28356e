"""The record kinds: every fact about each kind of record, written once.

A kind is known by its folder under the data folder (`incidents`), which is also its key
everywhere in the code (`Loaded.kind`, `Dataset.kind()`, `RecordChange.kind`). Each entry of
`ALL` says what the rest of the house needs to know about one kind: the singular name messages
and `briefing new` use, its model, the fields that refer to other records, the order of its
fields and of the entries nested in them (`briefing fmt`, the JSON Schemas, the field reference),
whether it is dated, its place in the order people read kinds in, and whether each record gets a
page of its own. The tables below are derived from `ALL`; no other module spells a list of kinds
(`tests/test_kinds.py` fails when one does).

Adding a kind means: its model in `models.py`, its entry here, and the views that show it (see
`docs/design.md`, "Adding a record kind").

Stage: right after `models` (it imports the models and nothing above them), so `link`, `validate`,
`schema`, `fmt`, `new`, `changes`, `pages` and the views can all read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import ENTRY_FIELD_NESTING, ENTRY_FIELD_ORDER, Actor, Incident, Record, Region, Source, Statement

#: A reference field: where it is in a record (`*` stands for every index of a list), and the
#: folder of the kind it names.
Reference = tuple[tuple[str, ...], str]


@dataclass(frozen=True)
class Kind:
    """One kind of record and what the house needs to know about it."""

    #: The folder under the data folder that holds the kind, and its key in the code: `incidents`.
    folder: str
    #: One record of the kind, in messages, schema file names and `briefing new`: `incident`.
    singular: str
    #: The pydantic model that validates a record (`models.py`).
    model: type[Record]
    #: Which fields refer to which kind: `link` resolves them, "did you mean" draws on the target.
    references: tuple[Reference, ...]
    #: The record's fields in the data format's order; the schema, the field reference and `fmt`
    #: follow it.
    fields: tuple[str, ...]
    #: Which order (a key of `FIELD_ORDER`) applies to the mapping, or to each mapping of the list,
    #: under a field; `fmt` follows it.
    nesting: dict[str, str] = field(default_factory=dict)
    #: Filed and shown by date (`incidents/2020/04/`), placed in months and periods; ids end with
    #: the date.
    dated: bool = False
    #: Its place in the order people read kinds in (what happened first, then who, where, and the
    #: sources): `briefing changes`, the What's new page and `briefing new --help` list kinds so.
    rank: int = 0
    #: Each record has a page of its own on the site (`pages.py` checks that no two records and
    #: no fixed page share one).
    own_pages: bool = False


#: Every kind, in the data format's order (the field reference, the JSON Schemas and the
#: validator's "put the file under actors/, regions/, ..." follow it).
ALL: tuple[Kind, ...] = (
    Kind(
        "actors", "actor", Actor,
        references=((("parent",), "actors"), (("affiliation",), "actors")),
        fields=("id", "name", "aliases", "kind", "parent", "affiliation", "title", "country", "description",
                "extra"),
        rank=2, own_pages=True,
    ),
    Kind(
        "regions", "region", Region,
        references=((("parent",), "regions"),),
        fields=("id", "name", "level", "parent", "aliases", "disputed", "coordinates", "description", "extra"),
        rank=3, own_pages=True,
    ),
    Kind(
        "sources", "source", Source,
        references=(),
        fields=("id", "name", "kind", "url", "reliability", "description", "extra"),
        rank=4,
    ),
    Kind(
        "incidents", "incident", Incident,
        references=(
            (("region",), "regions"),
            (("actors", "*", "actor"), "actors"),
            (("actors", "*", "attributed_by"), "actors"),
            (("casualties", "*", "actor"), "actors"),
            (("sources", "*", "source"), "sources"),
        ),
        fields=("id", "title", "date", "date_note", "type", "region", "place", "coordinates",
                "location_precision", "actors", "casualties", "summary", "sources", "tags", "status",
                "confidence", "corrections", "extra"),
        nesting={"date": "DateSpan", "actors": "ActorRole", "casualties": "Casualty", "sources": "Citation",
                 "corrections": "Correction"},
        dated=True, rank=0,
    ),
    Kind(
        "statements", "statement", Statement,
        references=(
            (("speaker",), "actors"),
            (("on_behalf_of",), "actors"),
            (("about", "*"), "actors"),
            (("regions", "*"), "regions"),
            (("sources", "*", "source"), "sources"),
        ),
        fields=("id", "date", "date_note", "speaker", "on_behalf_of", "medium", "quote", "paraphrase",
                "about", "regions", "language", "sources", "tags", "status", "confidence", "corrections",
                "extra"),
        nesting={"date": "DateSpan", "sources": "Citation", "corrections": "Correction"},
        dated=True, rank=1,
    ),
)

# --- derived: read these, never write a list of kinds by hand -----------------------------------

#: Each kind by its folder.
BY_FOLDER: dict[str, Kind] = {kind.folder: kind for kind in ALL}
#: The folders, in the data format's order.
FOLDERS: tuple[str, ...] = tuple(BY_FOLDER)
#: The model of each kind, by folder.
MODELS: dict[str, type[Record]] = {kind.folder: kind.model for kind in ALL}
#: The singular name of each kind, by folder: `incidents` → `incident`.
SINGULAR: dict[str, str] = {kind.folder: kind.singular for kind in ALL}
#: The folder of each kind, by singular name (`briefing new incident`).
FOLDER_OF: dict[str, str] = {kind.singular: kind.folder for kind in ALL}
#: The folders in the order people read kinds in: incidents, statements, actors, regions, sources.
READING_ORDER: tuple[str, ...] = tuple(kind.folder for kind in sorted(ALL, key=lambda k: k.rank))
#: The reference fields of each kind, by folder.
REFERENCES: dict[str, list[Reference]] = {kind.folder: list(kind.references) for kind in ALL}
#: The kinds filed and placed by date.
DATED: frozenset[str] = frozenset(kind.folder for kind in ALL if kind.dated)
#: The kinds whose records each have a page of their own.
OWN_PAGES: tuple[str, ...] = tuple(kind.folder for kind in ALL if kind.own_pages)
#: The kinds whose records form a hierarchy through `parent` (a record's parent is of its own
#: kind): `link` reports loops.
HIERARCHIES: tuple[str, ...] = tuple(kind.folder for kind in ALL if (("parent",), kind.folder) in kind.references)
#: The kinds whose records have other names (`aliases`): a name or alias must name one record.
ALIASED: tuple[str, ...] = tuple(kind.folder for kind in ALL if "aliases" in kind.fields)
#: The order of fields of each model, by model name: the kinds' own (in reading order), then the
#: entries nested in them (`models.ENTRY_FIELD_ORDER`). The schema, the field reference and `fmt`
#: follow it.
FIELD_ORDER: dict[str, list[str]] = {
    **{BY_FOLDER[folder].model.__name__: list(BY_FOLDER[folder].fields) for folder in READING_ORDER},
    **ENTRY_FIELD_ORDER,
}
#: Which order (a key of FIELD_ORDER) applies to the mapping, or to each mapping of the list, under
#: a field, by model name; `fmt` follows it. Fields not named here (`extra:` above all) keep their
#: own order.
FIELD_NESTING: dict[str, dict[str, str]] = {
    **{BY_FOLDER[folder].model.__name__: dict(BY_FOLDER[folder].nesting) for folder in READING_ORDER
       if BY_FOLDER[folder].nesting},
    **ENTRY_FIELD_NESTING,
}
