"""The five record kinds. These classes are the schema: the JSON Schemas under `schemas/` and the
field reference `docs/data-reference.md` are generated from them (`briefing schema`).

Validation raises pydantic errors whose `type` is one of our problem codes where we wrote the
check ourselves (`PydanticCustomError`); `validate.py` turns every error into a `Problem` at the
line of the offending field.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainValidator,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .dates import DEFAULT_YEARS, DateError, FuzzyDate, parse_date
from .problems import CODES, custom_error, shorten

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"
_ID = re.compile(ID_PATTERN)
_TAG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

#: The largest casualty count the data format allows (contract v1.1).
MAX_COUNT = 10_000_000
#: The longest text each kind of field may hold, in characters (contract v1.1): names, titles and
#: aliases; places, date notes, media and citation titles; quotes, paraphrases and correction
#: notes; summaries and descriptions. Web addresses get the length browsers and servers accept.
NAME_MAX, PLACE_MAX, QUOTE_MAX, SUMMARY_MAX, URL_MAX = 300, 500, 5_000, 20_000, 2_000
#: A language tag longer than this is no tag (RFC 5646 asks every reader to accept 35 characters).
LANGUAGE_MAX = 35

#: ACLED's six event types and their sub-event types, as slugs. A site adds its own in its config.
EVENT_TYPES: dict[str, list[str]] = {
    "battles": ["armed-clash", "government-regains-territory", "non-state-actor-overtakes-territory"],
    "explosions-remote-violence": [
        "chemical-weapon",
        "air-drone-strike",
        "suicide-bomb",
        "shelling-artillery-missile-attack",
        "remote-explosive-landmine-ied",
        "grenade",
    ],
    "violence-against-civilians": ["sexual-violence", "attack", "abduction-forced-disappearance"],
    "protests": ["peaceful-protest", "protest-with-intervention", "excessive-force-against-protesters"],
    "riots": ["violent-demonstration", "mob-violence"],
    "strategic-developments": [
        "agreement",
        "arrests",
        "change-to-group-activity",
        "disrupted-weapons-use",
        "headquarters-or-base-established",
        "looting-property-destruction",
        "non-violent-transfer-of-territory",
        "other",
    ],
}
EVENT_GROUPS = tuple(EVENT_TYPES)
#: How readers see the event groups and types (ACLED's own wording).
EVENT_LABELS: dict[str, str] = {
    "battles": "Battles",
    "explosions-remote-violence": "Explosions/Remote violence",
    "violence-against-civilians": "Violence against civilians",
    "protests": "Protests",
    "riots": "Riots",
    "strategic-developments": "Strategic developments",
    "armed-clash": "Armed clash",
    "government-regains-territory": "Government regains territory",
    "non-state-actor-overtakes-territory": "Non-state actor overtakes territory",
    "chemical-weapon": "Chemical weapon",
    "air-drone-strike": "Air/drone strike",
    "suicide-bomb": "Suicide bomb",
    "shelling-artillery-missile-attack": "Shelling/artillery/missile attack",
    "remote-explosive-landmine-ied": "Remote explosive/landmine/IED",
    "grenade": "Grenade",
    "sexual-violence": "Sexual violence",
    "attack": "Attack",
    "abduction-forced-disappearance": "Abduction/forced disappearance",
    "peaceful-protest": "Peaceful protest",
    "protest-with-intervention": "Protest with intervention",
    "excessive-force-against-protesters": "Excessive force against protesters",
    "violent-demonstration": "Violent demonstration",
    "mob-violence": "Mob violence",
    "agreement": "Agreement",
    "arrests": "Arrests",
    "change-to-group-activity": "Change to group/activity",
    "disrupted-weapons-use": "Disrupted weapons use",
    "headquarters-or-base-established": "Headquarters or base established",
    "looting-property-destruction": "Looting/property destruction",
    "non-violent-transfer-of-territory": "Non-violent transfer of territory",
    "other": "Other",
}


def event_label(slug: str) -> str:
    """A reader's label for an event type or group (a site's own types: from the slug)."""
    return EVENT_LABELS.get(slug) or slug.replace("-", " ").capitalize()
DEFAULT_EVENT_TYPES: dict[str, str] = {t: g for g, types in EVENT_TYPES.items() for t in types}

Role = Literal["perpetrator", "target", "claimant", "responder", "associated", "mediator", "suspected"]
CasualtyGroup = Literal["civilians", "security-forces", "militants", "unknown"]
CASUALTY_KINDS = ("killed", "wounded", "abducted", "arrested")
Status = Literal["draft", "review", "published"]
Confidence = Literal["reported", "corroborated", "confirmed", "disputed"]
ActorKind = Literal[
    "state-forces", "armed-group", "militia", "coalition", "government", "political", "person", "other"
]
RegionLevel = Literal["country", "governorate", "district", "subdistrict", "area", "place"]
SourceKind = Literal["media", "government", "military", "ngo", "academic", "social-media", "other"]
LocationPrecision = Literal["exact", "near", "area", "region"]
Reliability = Literal["A", "B", "C", "D", "E", "F"]


# --- value checks ---------------------------------------------------------------------------


def _check(pattern: re.Pattern[str], code: str, max_length: int | None = None) -> Any:
    def check(value: str) -> str:
        if max_length is not None and len(value) > max_length:
            raise custom_error(code, value=shorten(value))
        # fullmatch, not match: `$` also matches before a final newline, so `isis\n` would pass
        if not pattern.fullmatch(value):
            raise custom_error(code, value=shorten(value))
        return value

    return check


def _url_within(limit: int) -> Any:
    """A check that a text holds at most `limit` characters, then that it is a web address
    (`_url`): one validator, not two in a row (the same errors in the same order; one call fewer
    for each citation of every record)."""

    def check(value: str) -> str:
        if len(value) > limit:
            raise custom_error("text-too-long", length=f"{len(value):,}", limit=f"{limit:,}")
        return _url(value)

    return check


def _text_within(limit: int) -> Any:
    """A check that a text holds more than blanks and at most `limit` characters: one validator,
    not two in a row (the same errors in the same order, half the calls for every text field)."""
    def check(value: str) -> str:
        # `not value.strip()` said the same (strip() removes what isspace() calls blank), with a
        # copy of every text
        if not value or value.isspace():
            raise custom_error("empty-text")
        if len(value) > limit:
            raise custom_error("text-too-long", length=f"{len(value):,}", limit=f"{limit:,}")
        return value
    return check


def _text_schema(limit: int) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "minLength": 1, "maxLength": limit})


_URL = re.compile(r"^https?://[^\s/?#@]+(?:[/?#]\S*)?$", re.IGNORECASE)


def _url(value: str) -> str:
    # A regular expression rather than urlsplit: it runs for every citation of every record.
    stripped = value.strip()
    if not _URL.fullmatch(stripped):
        raise custom_error("invalid-url", value=shorten(value))
    return stripped


def _date(value: Any, info: ValidationInfo) -> FuzzyDate:
    try:
        parsed = parse_date(value)
    except DateError as exc:
        raise PydanticCustomError(exc.code, "{message}", {"part": exc.part, "at_key": exc.at_key,
                                                          "message": exc.message}) from None
    # The site's years (briefing.yml `years:`, else 1900-2100): a typo such as 9999-12-31 would
    # otherwise become the latest record and take over "Key figures".
    first, last = (info.context or {}).get("years") or DEFAULT_YEARS
    # The years as written: a `{to: DATE}` date has only its `to` (its start is date.min).
    written = [("to", parsed.end.year)] if parsed.open_start else [("from", parsed.start.year), ("to", parsed.end.year)]
    for part, year in written:
        if not first <= year <= last:
            raise custom_error("year-out-of-range", year=year, first=first, last=last,
                               part=part if parsed.is_span else None)
    return parsed


def _coordinates(value: Any) -> Any:
    if isinstance(value, (list, tuple)) and len(value) == 2:  # the common case at once: two numbers in range
        lat, lon = value
        if (isinstance(lat, (int, float)) and not isinstance(lat, bool) and isinstance(lon, (int, float))
                and not isinstance(lon, bool) and -90 <= lat <= 90 and -180 <= lon <= 180):
            return (float(lat), float(lon))
    numbers = isinstance(value, (list, tuple)) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
    )
    if not numbers or len(value) != 2:
        raise custom_error("invalid-coordinates")
    lat, lon = value
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise custom_error("invalid-coordinates", "range", lat=lat, lon=lon)
    return (float(lat), float(lon))


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise custom_error("invalid-count", value=shorten(str(value)))
    if value > MAX_COUNT:
        raise custom_error("count-too-large", value=shorten(f"{value:,}"), limit=f"{MAX_COUNT:,}")
    return value


_RANGE_KEYS = frozenset(("low", "best", "high"))


def _count(value: Any) -> "int | CountRange":
    # Validated by hand, not as a pydantic Union, so that one mistake gives one clear message.
    if type(value) is int and 0 <= value <= MAX_COUNT:
        return value  # the common case first: what `_whole` lets through unchanged
    if not isinstance(value, dict):
        return _whole(value)
    unknown = [] if _RANGE_KEYS.issuperset(value) else sorted(set(value) - _RANGE_KEYS)
    if unknown:
        raise custom_error("invalid-range", "key", key=unknown[0], part=unknown[0], at_key=True)
    counts = {}
    for key, count in value.items():
        if count is None:
            continue
        try:
            counts[key] = _whole(count)
        except PydanticCustomError as exc:  # pointed at the part of the range, not at the range
            raise PydanticCustomError(exc.type, exc.message_template, {**(exc.context or {}), "part": key}) from None
    return CountRange(**counts)


_DATE_SCHEMA = {
    "description": "A day (2020-04-13), a month (2020-04), a year (2020), a span {from, to}, "
                   "or {to} alone: on or before that date, start not known",
    "oneOf": [
        {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
        {"type": "integer", "minimum": 1000, "maximum": 9999},
        {
            "type": "object",
            "properties": {
                "from": {"type": ["string", "integer"], "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
                "to": {"type": ["string", "integer"], "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
            },
            "required": ["from", "to"],
            "additionalProperties": False,
        },
        {  # v1.1: on or before `to`, start not known
            "type": "object",
            "properties": {"to": {"type": ["string", "integer"], "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}},
            "required": ["to"],
            "additionalProperties": False,
        },
    ],
}

Id = Annotated[str, AfterValidator(_check(_ID, "invalid-id")),
               WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "x-id": True})]
Ref = Annotated[str, WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "x-reference": True})]
#: Text fields by their limit (see NAME_MAX ...).
# Spelled out one by one: a type alias must be an `Annotated[...]` expression for mypy to see a type.
Text300 = Annotated[str, AfterValidator(_text_within(NAME_MAX)), _text_schema(NAME_MAX)]
Text500 = Annotated[str, AfterValidator(_text_within(PLACE_MAX)), _text_schema(PLACE_MAX)]
Text5000 = Annotated[str, AfterValidator(_text_within(QUOTE_MAX)), _text_schema(QUOTE_MAX)]
Text20000 = Annotated[str, AfterValidator(_text_within(SUMMARY_MAX)), _text_schema(SUMMARY_MAX)]
#: Free text with the largest limit; prefer the type of the field's own limit.
Text = Text20000
Url = Annotated[str, AfterValidator(_url_within(URL_MAX)),
                WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://", "maxLength": URL_MAX})]
Tag = Annotated[str, AfterValidator(_check(_TAG, "invalid-tag")),
                WithJsonSchema({"type": "string", "pattern": _TAG.pattern, "maxLength": 80})]
Country = Annotated[str, AfterValidator(_check(_COUNTRY, "invalid-country")),
                    WithJsonSchema({"type": "string", "pattern": _COUNTRY.pattern})]
Language = Annotated[str, AfterValidator(_check(_LANGUAGE, "invalid-language", LANGUAGE_MAX)),
                     WithJsonSchema({"type": "string", "pattern": _LANGUAGE.pattern, "maxLength": LANGUAGE_MAX})]
Date = Annotated[FuzzyDate, BeforeValidator(_date), WithJsonSchema(_DATE_SCHEMA)]
Coordinates = Annotated[
    tuple[float, float],
    BeforeValidator(_coordinates),
    # The ranges of _coordinates in draft-07's tuple form of `items`, under `allOf` so that the
    # field reference still reads the plain `items` ("list of number").
    WithJsonSchema({"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2,
                    "allOf": [{"items": [{"minimum": -90, "maximum": 90}, {"minimum": -180, "maximum": 180}]}],
                    "description": "[latitude, longitude]"}),
]


# --- rules across fields ---------------------------------------------------------------------
# Written over plain mappings so that `validate` can also apply them to a record whose other
# fields failed (pydantic skips model validators then), and every problem is found in one run.


def casualty_rules(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """(code, message) for a casualty entry that names both or neither subject, or no count."""
    out = []
    if (entry.get("actor") is None) == (entry.get("group") is None):
        which = "both" if entry.get("actor") is not None else "neither"
        out.append(("casualty-subject", CODES["casualty-subject"].format(which)))
    if all(entry.get(k) is None for k in CASUALTY_KINDS):
        out.append(("casualty-no-count", CODES["casualty-no-count"].format()))
    return out


def actor_role_rules(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """(code, message) for `attributed_by` on a role other than `suspected`: only a suspicion is
    attributed to someone; an established role needs no attribution."""
    if entry.get("attributed_by") is not None and entry.get("role") != "suspected":
        role = entry.get("role")
        rule = CODES["attributed-by-not-suspected"]
        given = rule.format("role", role=role) if isinstance(role, str) else rule.format("no-role")
        return [("attributed-by-not-suspected", rule.format(given=given))]
    return []


def statement_rules(statement: dict[str, Any]) -> list[tuple[str, str]]:
    """(code, message) for a statement with both or neither of `quote` and `paraphrase`."""
    if (statement.get("quote") is None) == (statement.get("paraphrase") is None):
        which = "both" if statement.get("quote") is not None else "neither"
        return [("statement-text", CODES["statement-text"].format(which))]
    return []


def cross_field_rules(kind: str, data: Any) -> list[tuple[tuple[Any, ...], str, str]]:
    """Every cross-field rule of a record as written: (path, code, message)."""
    if not isinstance(data, dict):
        return []
    out: list[tuple[tuple[Any, ...], str, str]] = []
    if kind == "statements":
        out += [((), code, msg) for code, msg in statement_rules(data)]
    if kind == "incidents" and isinstance(data.get("actors"), list):
        for i, entry in enumerate(data["actors"]):
            if isinstance(entry, dict):
                out += [(("actors", i), code, msg) for code, msg in actor_role_rules(entry)]
    if kind == "incidents" and isinstance(data.get("casualties"), list):
        for i, entry in enumerate(data["casualties"]):
            if isinstance(entry, dict):
                out += [(("casualties", i), code, msg) for code, msg in casualty_rules(entry)]
    return out


def _given(field: str) -> dict[str, Any]:
    """The JSON Schema of "`field` is given": present and not null, as the rules above read it
    (`entry.get(field) is not None`), for the one-of rules of the schemas."""
    return {"required": [field], "properties": {field: {"not": {"type": "null"}}}}


#: Shown in the field reference, the JSON Schemas and the skeletons of `briefing new`.
ID_DESCRIPTION = "Unique and permanent (it becomes a web address): lowercase a-z, 0-9 and -"
NAME_DESCRIPTION = "The name readers see"


class Record(BaseModel):
    """Settings shared by every record and entry: unknown fields are errors, values are frozen."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        coerce_numbers_to_str=True,  # `title: 1984` is the text "1984", not a type error
        arbitrary_types_allowed=True,
        hide_input_in_errors=True,
        # Each model's validator is built when it is first used, not at import: a cached
        # `briefing validate` with nothing to check never validates a record (0.1 s of start-up).
        defer_build=True,
    )


class CountRange(Record):
    """A casualty count given as a range: any of low, best, high, with low <= best <= high."""

    low: Annotated[int, Field(ge=0, le=MAX_COUNT)] | None = None
    best: Annotated[int, Field(ge=0, le=MAX_COUNT)] | None = None
    high: Annotated[int, Field(ge=0, le=MAX_COUNT)] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "CountRange":
        low, best, high = self.low, self.best, self.high
        if low is not None and best is not None and high is not None and low <= best <= high:
            return self  # the common case at once: all three, in order
        given = [(n, v) for n, v in (("low", self.low), ("best", self.best), ("high", self.high)) if v is not None]
        if not given:
            raise custom_error("invalid-range", "empty")
        for (n1, v1), (n2, v2) in itertools.pairwise(given):
            if v1 > v2:
                raise custom_error("invalid-range", "order", n1=n1, v1=v1, n2=n2, v2=v2)
        return self

    @property
    def point(self) -> int | None:
        """The figure used in totals: best, else low (a conservative floor), else None."""
        return self.best if self.best is not None else self.low


_RANGE_SCHEMA = {
    "type": "object",
    "description": "A range: any of low, best, high (low <= best <= high)",
    "properties": {k: {"type": "integer", "minimum": 0, "maximum": MAX_COUNT} for k in ("low", "best", "high")},
    "additionalProperties": False,
    "minProperties": 1,
}
Count = Annotated[Union[int, CountRange], PlainValidator(_count),
                  WithJsonSchema({"description": "A whole number up to 10,000,000, or a range {low, best, high}; "
                                                 "absent means unknown",
                                  "oneOf": [{"type": "integer", "minimum": 0, "maximum": MAX_COUNT}, _RANGE_SCHEMA]})]


class Citation(Record):
    """One source a record cites (an entry of `sources`)."""

    source: Ref = Field(description="The id of a source (a publisher or outlet)")
    url: Url | None = Field(default=None, description="The address of the cited item; http(s) only")
    title: Text500 | None = Field(default=None, description="The headline or title of the cited item")
    published: Date | None = Field(default=None, description="When the cited item was published (any date form)")
    archive_url: Url | None = Field(default=None, description="An archived copy of the cited item")
    credibility: Annotated[int, Field(ge=1, le=6)] | None = Field(
        default=None, description="Admiralty credibility of this item, 1 (confirmed) to 6 (cannot be judged)")


class Correction(Record):
    """A change to a published fact, shown to readers."""

    date: Date = Field(description="When the correction was made")
    note: Text5000 = Field(description="What changed, and why")


class ActorRole(Record):
    """An actor involved in an incident, with its role."""

    # Editors' tools flag `attributed_by` on another role too (actor_role_rules). `if`/`then`, not
    # `dependencies`: `attributed_by: null` is no attribution, and is allowed with any role.
    model_config = ConfigDict(**Record.model_config, json_schema_extra={
        "if": _given("attributed_by"),
        "then": {"properties": {"role": {"const": "suspected"}}, "required": ["role"]},
    })

    actor: Ref = Field(description="The id of an actor")
    role: Role | None = Field(
        default=None, description="perpetrator | target | claimant | responder | associated | mediator | suspected")
    attributed_by: Ref | None = Field(
        default=None, description="For role `suspected` (held responsible by a source or "
        "government, not established): the id of the actor that holds it responsible")

    @model_validator(mode="after")
    def _attribution(self) -> "ActorRole":
        if self.attributed_by is None:
            return self  # no attribution: nothing for actor_role_rules to report
        for code, message in actor_role_rules(self.__dict__):
            raise PydanticCustomError(code, "{message}", {"message": message})  # filled once
        return self


class Casualty(Record):
    """Casualties of one actor or one group; absent counts are unknown, 0 means none reported."""

    # casualty_rules, for editors: exactly one of `actor` and `group`, and at least one count.
    model_config = ConfigDict(**Record.model_config, json_schema_extra={
        "oneOf": [_given("actor"), _given("group")],
        "anyOf": [_given(kind) for kind in CASUALTY_KINDS],
    })

    actor: Ref | None = Field(default=None, description="The id of the actor who suffered them (or give `group`)")
    group: CasualtyGroup | None = Field(default=None, description="civilians | security-forces | militants | unknown")
    killed: Count | None = None
    wounded: Count | None = None
    abducted: Count | None = None
    arrested: Count | None = None

    @model_validator(mode="after")
    def _subject_and_count(self) -> "Casualty":
        if (self.actor is None) != (self.group is None) and (
                self.killed is not None or self.wounded is not None or self.abducted is not None
                or self.arrested is not None):
            return self  # one subject and a count (of CASUALTY_KINDS): nothing for casualty_rules to report
        for code, message in casualty_rules(self.__dict__):
            raise PydanticCustomError(code, "{message}", {"message": message})  # filled once
        return self


class Dated(Record):
    """Fields shared by incidents and statements."""

    id: Id = Field(description=ID_DESCRIPTION)
    date: Date = Field(description="A day, a month, a year, a span {from, to}, or {to} alone (on or before)")
    date_note: Text500 | None = Field(default=None, description="Free text shown beside the date, e.g. 'early April'")
    sources: Annotated[list[Citation], Field(min_length=1)] = Field(description="At least one citation")
    tags: list[Tag] = Field(default_factory=list, description="Lowercase slugs")
    status: Status = Field(
        default="published", description="draft | review | published; only published records are public")
    confidence: Confidence = Field(default="reported", description="reported | corroborated | confirmed | disputed")
    corrections: list[Correction] = Field(default_factory=list, description="Changes to a published fact")
    extra: dict[str, Any] | None = Field(default=None, description="Free mapping for your own fields")


class Incident(Dated):
    """What happened: an attack, a strike, a handover, an arrest..."""

    title: Text300 = Field(description="A one-line headline")
    type: str = Field(description="An event type slug (ACLED's sub-event types, or the site's own)")
    region: Ref = Field(description="The id of the most specific region known")
    place: Text500 | None = Field(default=None, description="Free text: where exactly")
    coordinates: Coordinates | None = None
    location_precision: LocationPrecision | None = Field(default=None, description="exact | near | area | region")
    actors: Annotated[list[ActorRole], Field(min_length=1)] = Field(description="At least one actor with its role")
    casualties: list[Casualty] = Field(default_factory=list, description="One entry per actor or group")
    summary: Text20000 | None = Field(default=None, description="Plain text")

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str, info: ValidationInfo) -> str:
        types = (info.context or {}).get("event_types") or DEFAULT_EVENT_TYPES
        if value not in types:
            raise custom_error("invalid-value", "event-type", value=value, choices=sorted(types))
        return value


class Statement(Dated):
    """What someone said: a verbatim quote or reported speech."""

    # statement_rules, for editors: exactly one of `quote` and `paraphrase`.
    model_config = ConfigDict(**Dated.model_config, json_schema_extra={
        "oneOf": [_given("quote"), _given("paraphrase")],
    })

    speaker: Ref = Field(description="The id of the actor who spoke, usually a person")
    on_behalf_of: Ref | None = Field(default=None, description="Defaults to the speaker's affiliation")
    medium: Text500 | None = Field(default=None, description="Free text: interview, press release...")
    quote: Text5000 | None = Field(default=None, description="Verbatim words (give this or `paraphrase`)")
    paraphrase: Text5000 | None = Field(default=None, description="Reported speech (give this or `quote`)")
    about: list[Ref] = Field(default_factory=list, description="Actor ids the statement concerns")
    regions: list[Ref] = Field(default_factory=list, description="Region ids the statement concerns")
    language: Language | None = Field(default=None, description="BCP 47 tag of the original language")

    @model_validator(mode="after")
    def _one_text(self) -> "Statement":
        if (self.quote is None) != (self.paraphrase is None):
            return self  # one of the two: nothing for statement_rules to report
        for code, message in statement_rules(self.__dict__):
            raise PydanticCustomError(code, "{message}", {"message": message})  # filled once
        return self


class Actor(Record):
    """A party: a force, an armed group, a government, a person..."""

    id: Id = Field(description=ID_DESCRIPTION)
    name: Text300 = Field(description=NAME_DESCRIPTION)
    aliases: list[Text300] = Field(default_factory=list, description="Other names, in any script")
    kind: ActorKind
    parent: Ref | None = Field(default=None, description="The id of the larger body this actor belongs to")
    affiliation: Ref | None = Field(default=None, description="For a person: the id of the actor they speak for")
    title: Text300 | None = Field(default=None, description="For a person: their position")
    country: Country | None = Field(default=None, description="ISO 3166-1 alpha-2 code")
    description: Text20000 | None = Field(default=None, description="Plain text")
    extra: dict[str, Any] | None = None


class Region(Record):
    """A place or administrative area."""

    id: Id = Field(description=ID_DESCRIPTION)
    name: Text300 = Field(description=NAME_DESCRIPTION)
    level: RegionLevel
    parent: Ref | None = Field(default=None, description="The id of the enclosing region")
    aliases: list[Text300] = Field(default_factory=list, description="Other names, in any script")
    disputed: bool = Field(default=False, description="E.g. territories disputed between Erbil and Baghdad")
    coordinates: Coordinates | None = None
    description: Text20000 | None = Field(default=None, description="Plain text", json_schema_extra={"x-project": True})
    extra: dict[str, Any] | None = None


class Source(Record):
    """A publisher or outlet that records cite."""

    id: Id = Field(description=ID_DESCRIPTION)
    name: Text300 = Field(description=NAME_DESCRIPTION)
    kind: SourceKind
    url: Url | None = None
    reliability: Reliability | None = Field(
        default=None, description="Admiralty reliability, A (completely reliable) to F")
    description: Text20000 | None = Field(default=None, description="Plain text", json_schema_extra={"x-project": True})
    extra: dict[str, Any] | None = None


#: The order of fields of the entries nested in records, by model name; the kinds' own order is in
#: their entries in `kinds.py`, and `kinds.FIELD_ORDER` holds both. The schema, the field reference
#: and `fmt` follow it.
ENTRY_FIELD_ORDER: dict[str, list[str]] = {
    "Citation": ["source", "url", "title", "published", "archive_url", "credibility"],
    "ActorRole": ["actor", "role", "attributed_by"],
    "Casualty": ["actor", "group", "killed", "wounded", "abducted", "arrested"],
    "CountRange": ["low", "best", "high"],
    "Correction": ["date", "note"],
    "DateSpan": ["from", "to"],  # a date written as {from, to}
}

#: Which order (a key of `kinds.FIELD_ORDER`) applies to the mapping, or to each mapping of the
#: list, under a field of a nested entry; `fmt` follows it (`kinds.FIELD_NESTING` adds the kinds').
ENTRY_FIELD_NESTING: dict[str, dict[str, str]] = {
    "Citation": {"published": "DateSpan"},
    "Correction": {"date": "DateSpan"},
    "Casualty": dict.fromkeys(CASUALTY_KINDS, "CountRange"),
}


#: Strings up to this length are shared among the records by `compact` (ids, references, slugs,
#: statuses, roles): each is repeated across thousands of records. Longer ones (titles, summaries)
#: are nearly all distinct, and looking them up would cost without saving.
_SHARED_TEXT = 64


class Compactor:
    """Makes validated records take less memory without changing any value: the equal short
    strings, dates and field sets among them become one object each (YAML gives every occurrence
    of `isis` a string of its own, and pydantic every model a set of the fields it was given).
    The models are frozen, so no value is replaced afterwards; a set of fields is copied by
    pydantic before it is ever changed (`model_copy`). Lists are changed in place, to hold the
    shared items. One compactor shares among every record it is given, call after call: the
    validation of a build gives it each file's records as they are made (validate.py), so that
    the copies are freed while the next files reuse their memory. At 100,000 incidents it takes
    the models from about 700 to about 400 MB."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        self._dates: dict[FuzzyDate, FuzzyDate] = {}
        self._field_sets: dict[frozenset[str], set[str]] = {}

    def __call__(self, records: Iterable[BaseModel]) -> None:
        """Compact `records` (each in place)."""
        for record in records:
            self._model(record)

    def _shared(self, value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return self._texts.setdefault(value, value) if len(value) <= _SHARED_TEXT else value
        if kind is FuzzyDate:
            return self._dates.setdefault(value, value)
        if kind is list:
            for index, item in enumerate(value):
                kept = self._shared(item)
                if kept is not item:
                    value[index] = kept
        elif isinstance(value, BaseModel):
            self._model(value)
        return value

    def _model(self, record: BaseModel) -> None:
        given = record.__pydantic_fields_set__
        one = self._field_sets.setdefault(frozenset(given), given)
        if one is not given:
            object.__setattr__(record, "__pydantic_fields_set__", one)
        values = record.__dict__
        for name, value in values.items():
            kept = self._shared(value)
            if kept is not value:
                values[name] = kept  # the same key: the mapping's size does not change while iterating


def compact(records: Iterable[BaseModel]) -> None:
    """`Compactor` over `records` at once (tests, and callers that have their records already)."""
    Compactor()(records)
