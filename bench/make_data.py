"""Generate a synthetic, valid briefing dataset for benchmarks and load tests.

The output follows the data contract (``docs/data-format.md``, v1)::

    OUT/actors/<id>.yml                   one actor per file (~200 actors)
    OUT/regions/<id>.yml                  the country, then one file per governorate
                                          holding a *list*: the governorate and its districts
    OUT/sources/<id>.yml                  one source per file (~30)
    OUT/incidents/YYYY/MM/<id>.yml        one incident per file
    OUT/incidents/YYYY/<id>.yml           year-precision incidents (no month is known)
    OUT/statements/YYYY/MM/<id>.yml       one statement per file (same rule for year precision)

Everything is derived from ``random.Random(seed)``: the same arguments always give
byte-identical files (no clock, no environment, no hash-order dependence). The data
is made up; names of places and people are synthetic and the incidents never happened.

Usage::

    python bench/make_data.py --incidents 100000 --out /tmp/bench-data
    python bench/make_data.py --incidents 1000 --out /tmp/d --check   # generate, then self-check
    python bench/make_data.py --check-only /tmp/d                        # check existing data

The YAML is written with f-strings (several times faster than ``yaml.safe_dump``);
every free-text scalar goes through :func:`ys`, which quotes anything that YAML 1.1
could misread (``yes``/``no``/``on``/``null``, ``: ``, `` #``, flow indicators, ...).
``check()`` re-reads every file with a safe loader that also rejects duplicate keys
and verifies ids, enums, date forms, casualty rules and that every reference resolves.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

# --------------------------------------------------------------------------- contract enums

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

ACTOR_KINDS = ("state-forces", "armed-group", "militia", "coalition", "government",
               "political", "person", "other")
REGION_LEVELS = ("country", "governorate", "district", "subdistrict", "area", "place")
SOURCE_KINDS = ("media", "government", "military", "ngo", "academic", "social-media", "other")
ROLES = ("perpetrator", "target", "claimant", "responder", "associated", "mediator")
GROUPS = ("civilians", "security-forces", "militants", "unknown")
CASUALTY_KINDS = ("killed", "wounded", "abducted", "arrested")
STATUSES = ("draft", "review", "published")
CONFIDENCES = ("reported", "corroborated", "confirmed", "disputed")
PRECISIONS = ("exact", "near", "area", "region")
RELIABILITY = ("A", "B", "C", "D", "E", "F")

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "battles": ("armed-clash", "government-regains-territory",
                "non-state-actor-overtakes-territory"),
    "explosions-remote-violence": ("chemical-weapon", "air-drone-strike", "suicide-bomb",
                                   "shelling-artillery-missile-attack",
                                   "remote-explosive-landmine-ied", "grenade"),
    "violence-against-civilians": ("sexual-violence", "attack",
                                   "abduction-forced-disappearance"),
    "protests": ("peaceful-protest", "protest-with-intervention",
                 "excessive-force-against-protesters"),
    "riots": ("violent-demonstration", "mob-violence"),
    "strategic-developments": ("agreement", "arrests", "change-to-group-activity",
                               "disrupted-weapons-use", "headquarters-or-base-established",
                               "looting-property-destruction",
                               "non-violent-transfer-of-territory", "other"),
}
TYPE_GROUP: dict[str, str] = {t: g for g, ts in EVENT_TYPES.items() for t in ts}

# (type, weight, short word used in ids and tags)
TYPE_TABLE: tuple[tuple[str, int, str], ...] = (
    ("remote-explosive-landmine-ied", 160, "ied"),
    ("armed-clash", 150, "clash"),
    ("attack", 110, "attack"),
    ("air-drone-strike", 90, "airstrike"),
    ("arrests", 90, "arrests"),
    ("shelling-artillery-missile-attack", 70, "shelling"),
    ("abduction-forced-disappearance", 40, "abduction"),
    ("peaceful-protest", 45, "protest"),
    ("protest-with-intervention", 20, "protest"),
    ("excessive-force-against-protesters", 12, "protest"),
    ("suicide-bomb", 20, "suicide-bombing"),
    ("disrupted-weapons-use", 30, "ied-defused"),
    ("government-regains-territory", 12, "offensive"),
    ("non-state-actor-overtakes-territory", 6, "takeover"),
    ("change-to-group-activity", 15, "deployment"),
    ("headquarters-or-base-established", 8, "base"),
    ("looting-property-destruction", 12, "arson"),
    ("non-violent-transfer-of-territory", 6, "handover"),
    ("agreement", 8, "agreement"),
    ("violent-demonstration", 10, "riot"),
    ("mob-violence", 5, "mob-violence"),
    ("grenade", 8, "grenade"),
    ("sexual-violence", 3, "sexual-violence"),
    ("chemical-weapon", 1, "chemical"),
    ("other", 5, "incident"),
)
assert {t for t, _, _ in TYPE_TABLE} == set(TYPE_GROUP), "TYPE_TABLE must cover every event type"

# --------------------------------------------------------------------------- YAML helpers

_PLAIN_OK = re.compile(r"^[A-Za-z\u0600-\u06FF][^:#\[\]{},&*!|>'\"%@`\\\n\t]*$")
_YAML11_WORDS = frozenset(
    ["y", "n", "yes", "no", "true", "false", "on", "off", "null", "none", "~"]
)


def ys(s: str) -> str:
    """Return ``s`` as a YAML scalar: plain when unambiguous, else double-quoted.

    Plain only if it starts with a letter, has none of YAML's indicators, is no YAML 1.1
    boolean/null word and has no leading/trailing space. JSON's double-quoted form is
    also valid YAML, so ``json.dumps`` is used for the quoted case.
    """
    if _PLAIN_OK.match(s) and s[-1] != " " and s.lower() not in _YAML11_WORDS:
        return s
    return json.dumps(s, ensure_ascii=False)


def flow_list(items: list[str]) -> str:
    """A YAML flow sequence of scalars, each quoted when needed."""
    return "[" + ", ".join(ys(i) for i in items) + "]"


def wrap(text: str, width: int = 86, indent: str = "  ") -> str:
    """Greedy word wrap for a folded block scalar body (faster than textwrap)."""
    lines: list[str] = []
    cur = ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(indent + cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        lines.append(indent + cur)
    return "\n".join(lines)


def slugify(s: str) -> str:
    """Lowercase ASCII slug (``Qal'at Kabir`` -> ``qalat-kabir``)."""
    s = s.lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


# --------------------------------------------------------------------------- static tables

# 18 governorates: (id, name, arabic alias, lat, lon, disputed, district count)
GOVERNORATES: tuple[tuple[str, str, str, float, float, bool, int], ...] = (
    ("baghdad", "Baghdad Governorate", "بغداد", 33.31, 44.36, False, 10),
    ("basra", "Basra Governorate", "البصرة", 30.51, 47.78, False, 6),
    ("nineveh", "Nineveh Governorate", "نينوى", 36.34, 43.13, True, 9),
    ("erbil", "Erbil Governorate", "أربيل", 36.19, 44.01, False, 6),
    ("sulaymaniyah", "Sulaymaniyah Governorate", "السليمانية", 35.56, 45.44, False, 6),
    ("duhok", "Duhok Governorate", "دهوك", 36.87, 42.99, False, 5),
    ("kirkuk", "Kirkuk Governorate", "كركوك", 35.47, 44.39, True, 4),
    ("diyala", "Diyala Governorate", "ديالى", 33.75, 44.64, True, 6),
    ("anbar", "Anbar Governorate", "الأنبار", 33.42, 43.30, False, 8),
    ("saladin", "Saladin Governorate", "صلاح الدين", 34.61, 43.68, True, 8),
    ("babil", "Babil Governorate", "بابل", 32.48, 44.42, False, 4),
    ("karbala", "Karbala Governorate", "كربلاء", 32.62, 44.02, False, 3),
    ("najaf", "Najaf Governorate", "النجف", 32.00, 44.33, False, 3),
    ("wasit", "Wasit Governorate", "واسط", 32.51, 45.82, False, 5),
    ("qadisiyyah", "Qadisiyyah Governorate", "القادسية", 31.99, 44.92, False, 4),
    ("maysan", "Maysan Governorate", "ميسان", 31.84, 47.14, False, 6),
    ("dhi-qar", "Dhi Qar Governorate", "ذي قار", 31.05, 46.26, False, 5),
    ("muthanna", "Muthanna Governorate", "المثنى", 31.31, 45.28, False, 4),
)  # 103 districts in all

# Syllables (Latin, Arabic script) for synthetic district names.
SYLLABLES: tuple[tuple[str, str], ...] = (
    ("ka", "كا"), ("bir", "بير"), ("sa", "سا"), ("mar", "مار"), ("ra", "را"), ("sul", "سل"),
    ("ha", "ها"), ("din", "دين"), ("ta", "تا"), ("lal", "لال"), ("ja", "جا"), ("ruf", "روف"),
    ("ba", "با"), ("shir", "شير"), ("qa", "قا"), ("sim", "سيم"), ("na", "نا"), ("hal", "حال"),
    ("za", "زا"), ("kur", "كور"), ("fa", "فا"), ("wan", "وان"), ("da", "دا"), ("mis", "ميس"),
)
DISTRICT_PREFIX: tuple[tuple[str, str], ...] = (
    ("", ""), ("", ""), ("", ""), ("", ""), ("Al-", "ال"), ("Tel ", "تل "),
    ("Qal'at ", "قلعة "), ("Abu ", "أبو "),
)

FIRST_NAMES = ("Ahmed", "Ali", "Hassan", "Hussein", "Karim", "Mustafa", "Omar", "Yasir",
               "Saad", "Haider", "Nawzad", "Rebwar", "Dilshad", "Shirwan", "Layla", "Zainab",
               "Huda", "Nadia", "Sarah", "Mark", "Daniel", "Laura", "Jamal", "Tariq", "Falah",
               "Bakhtiyar", "Hemin", "Aras", "Kamal", "Sabah")
LAST_NAMES = ("al-Amiri", "al-Jaburi", "al-Obeidi", "al-Dulaimi", "Rasul", "Barzinji",
              "Mahmoud", "Abdullah", "Kareem", "Hamid", "Salih", "Aziz", "Othman", "Naji",
              "Fattah", "Harris", "Keller", "Morgan", "Brooks", "Ibrahim", "Yousef", "Khalil",
              "Sharif", "Talabani-Aziz", "Hawrami")

ORDINALS = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th", "11th",
            "12th", "13th", "14th", "15th", "16th")

SOURCE_SPECS: tuple[tuple[str, str, str], ...] = (
    # (name, kind, scheme)  -- ~30 sources, every kind used
    ("Tigris Daily", "media", "https"), ("Euphrates News Agency", "media", "https"),
    ("Mesopotamia Monitor", "media", "https"), ("Zagros Wire", "media", "https"),
    ("Two Rivers Radio", "media", "https"), ("Kurdistan Evening Post", "media", "https"),
    ("Basra Herald", "media", "http"), ("Anbar Observer", "media", "https"),
    ("Levant Security Review", "media", "https"), ("Gulf Regional Times", "media", "https"),
    ("Northern Dispatch", "media", "https"), ("Baghdad Ledger", "media", "https"),
    ("Ministry of Interior Press Office", "government", "https"),
    ("KRG Department of Media", "government", "https"),
    ("Governorate Council Bulletin", "government", "http"),
    ("Joint Operations Command", "military", "https"),
    ("Coalition Public Affairs", "military", "https"),
    ("Security Media Cell", "military", "https"),
    ("Civilian Harm Tracker", "ngo", "https"), ("Rights Watch Iraq", "ngo", "https"),
    ("Mine Action Network", "ngo", "https"), ("Displacement Monitoring Group", "ngo", "https"),
    ("Institute for Conflict Studies", "academic", "https"),
    ("Centre for Middle East Security", "academic", "https"),
    ("Conflict Data Lab", "academic", "https"),
    ("Local Observers Channel", "social-media", "https"),
    ("Frontline Reports Feed", "social-media", "https"),
    ("Citizen Journalists Network", "social-media", "https"),
    ("Open Source Analysts Collective", "other", "https"),
    ("Humanitarian Situation Reports", "other", "https"),
)

TAG_POOL = ("counter-isis", "disputed-territories", "pmf", "peshmerga", "civilian-harm",
            "infrastructure", "oil", "border", "turkey-pkk", "elections", "protests-2019",
            "displacement", "explosive-remnants", "sleeper-cells", "tribal", "detention",
            "drone", "rocket-fire", "kidnapping", "handover")

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")

# --------------------------------------------------------------------------- model


@dataclass
class Actor:
    id: str
    name: str
    kind: str
    parent: str | None = None
    affiliation: str | None = None
    title: str | None = None
    country: str | None = None
    aliases: list[str] = field(default_factory=list)
    description: str | None = None


@dataclass
class Region:
    id: str
    name: str
    level: str
    parent: str | None = None
    aliases: list[str] = field(default_factory=list)
    disputed: bool = False
    lat: float = 0.0
    lon: float = 0.0
    governorate: str = ""


@dataclass
class Source:
    id: str
    name: str
    kind: str
    url: str
    reliability: str | None = None


@dataclass
class World:
    """The reference data every incident and statement draws from."""

    actors: list[Actor]
    regions: list[Region]
    sources: list[Source]

    def __post_init__(self) -> None:
        self.actor_by_id = {a.id: a for a in self.actors}
        self.districts = [r for r in self.regions if r.level == "district"]
        self.governorates = [r for r in self.regions if r.level == "governorate"]
        self.region_by_id = {r.id: r for r in self.regions}
        self.persons = [a for a in self.actors if a.kind == "person"]
        self.state = [a for a in self.actors if a.kind in ("state-forces",)]
        self.armed = [a for a in self.actors if a.kind == "armed-group"]
        self.militia = [a for a in self.actors if a.kind == "militia"]
        self.coalition = [a for a in self.actors if a.kind == "coalition"]
        self.gov = [a for a in self.actors if a.kind == "government"]
        self.political = [a for a in self.actors if a.kind == "political"]
        self.other = [a for a in self.actors if a.kind == "other"]
        self.non_person = [a for a in self.actors if a.kind != "person"]


# --------------------------------------------------------------------------- reference data


def build_regions(rng: random.Random) -> list[Region]:
    """One country, 18 governorates, ~100 districts with synthetic names and Arabic aliases."""
    regions = [Region("iraq", "Iraq", "country", None, ["العراق", "Republic of Iraq"],
                      False, 33.2, 43.7, "")]
    used: set[str] = {"iraq"}
    for gid, gname, garabic, lat, lon, disputed, n in GOVERNORATES:
        aliases = [gname.replace(" Governorate", ""), garabic]
        regions.append(Region(gid, gname, "governorate", "iraq", aliases, gid == "kirkuk",
                              lat, lon, gid))
        for _ in range(n):
            while True:
                parts = rng.sample(SYLLABLES, rng.choice((2, 2, 3)))
                latin = "".join(p[0] for p in parts).capitalize()
                arabic = "".join(p[1] for p in parts)
                pre_l, pre_a = rng.choice(DISTRICT_PREFIX)
                name = pre_l + latin
                did = slugify(name)
                if did not in used:
                    break
            used.add(did)
            aliases = [pre_a + arabic]
            if rng.random() < 0.3:
                aliases.append(latin.replace("a", "e", 1))  # a variant spelling
            regions.append(Region(
                did, f"{name} District", "district", gid, aliases,
                disputed and rng.random() < 0.6,
                round(lat + rng.uniform(-0.6, 0.6), 4), round(lon + rng.uniform(-0.6, 0.6), 4),
                gid))
    return regions


def build_actors(rng: random.Random) -> list[Actor]:
    """~200 actors over every kind, with parents (units of forces) and affiliated persons."""
    A: list[Actor] = []
    add = A.append
    # government
    add(Actor("government-of-iraq", "Government of Iraq", "government", country="IQ",
              aliases=["GoI", "الحكومة العراقية"]))
    add(Actor("ministry-of-defence", "Ministry of Defence", "government", "government-of-iraq",
              country="IQ", aliases=["MoD", "وزارة الدفاع"]))
    add(Actor("ministry-of-interior", "Ministry of Interior", "government", "government-of-iraq",
              country="IQ", aliases=["MoI", "وزارة الداخلية"]))
    add(Actor("krg", "Kurdistan Regional Government", "government", country="IQ",
              aliases=["KRG", "حكومة إقليم كوردستان"]))
    add(Actor("krg-ministry-of-peshmerga", "Ministry of Peshmerga Affairs", "government", "krg",
              country="IQ", aliases=["MoPA"]))
    for g in ("nineveh", "kirkuk", "diyala", "anbar", "basra", "saladin"):
        add(Actor(f"{g}-governorate-council", f"{g.capitalize()} Provincial Council",
                  "government", "government-of-iraq", country="IQ"))
    # state forces
    add(Actor("iraqi-army", "Iraqi Army", "state-forces", "ministry-of-defence", country="IQ",
              aliases=["IA", "الجيش العراقي"]))
    for o in ORDINALS:
        add(Actor(f"iraqi-army-{o}-division", f"Iraqi Army {o} Division", "state-forces",
                  "iraqi-army", country="IQ"))
    add(Actor("federal-police", "Federal Police", "state-forces", "ministry-of-interior",
              country="IQ", aliases=["الشرطة الاتحادية"]))
    add(Actor("counter-terrorism-service", "Counter-Terrorism Service", "state-forces",
              country="IQ", aliases=["CTS", "ISOF", "جهاز مكافحة الإرهاب"]))
    add(Actor("iraqi-air-force", "Iraqi Air Force", "state-forces", "ministry-of-defence",
              country="IQ"))
    add(Actor("border-guard", "Border Guard Forces", "state-forces", "ministry-of-interior",
              country="IQ"))
    add(Actor("local-police", "Local Police", "state-forces", "ministry-of-interior",
              country="IQ"))
    add(Actor("peshmerga", "Peshmerga", "state-forces", "krg-ministry-of-peshmerga",
              country="IQ", aliases=["پێشمەرگە", "البيشمركة"]))
    for u in ("70", "80"):
        add(Actor(f"peshmerga-unit-{u}", f"Peshmerga Unit {u}", "state-forces", "peshmerga",
                  country="IQ"))
    add(Actor("asayish", "Asayish", "state-forces", "krg", country="IQ", aliases=["ئاسایش"]))
    add(Actor("turkish-armed-forces", "Turkish Armed Forces", "state-forces", country="TR",
              aliases=["TAF", "TSK"]))
    add(Actor("iranian-border-forces", "Iranian Border Forces", "state-forces", country="IR"))
    # coalition
    add(Actor("global-coalition", "Global Coalition against Daesh", "coalition",
              aliases=["Coalition", "التحالف الدولي"]))
    add(Actor("cjtf-oir", "Combined Joint Task Force - Operation Inherent Resolve", "coalition",
              "global-coalition", aliases=["CJTF-OIR", "OIR"]))
    add(Actor("nato-mission-iraq", "NATO Mission Iraq", "coalition", aliases=["NMI"]))
    add(Actor("coalition-air-component", "Coalition Air Component", "coalition", "cjtf-oir"))
    # militia
    add(Actor("popular-mobilization-forces", "Popular Mobilization Forces", "militia",
              country="IQ", aliases=["PMF", "PMU", "Hashd al-Shaabi", "الحشد الشعبي"]))
    militia_words = ("Defenders", "Guardians", "Sons", "Companions", "Soldiers", "Vanguard",
                     "Lions", "Knights")
    militia_of = ("the Shrine", "the Homeland", "the Two Rivers", "the Marshes", "the Plains",
                  "the Valley", "the Dawn")
    seen: set[str] = set()
    for n in range(1, 36):
        while True:
            name = f"{rng.choice(militia_words)} of {rng.choice(militia_of)} Brigade"
            if name not in seen:
                break
        seen.add(name)
        add(Actor(f"pmf-brigade-{n}", name, "militia", "popular-mobilization-forces",
                  country="IQ", aliases=[f"PMF Brigade {n}"]))
    for g in ("anbar", "nineveh", "saladin", "kirkuk", "diyala"):
        add(Actor(f"{g}-tribal-mobilization", f"{g.capitalize()} Tribal Mobilization",
                  "militia", "popular-mobilization-forces", country="IQ"))
    # armed groups
    add(Actor("isis", "Islamic State (ISIS)", "armed-group",
              aliases=["ISIS", "ISIL", "IS", "Daesh", "داعش"],
              description="Jihadist armed group; after 2017 active as rural insurgent cells."))
    for g in ("nineveh", "kirkuk", "diyala", "anbar", "saladin", "baghdad", "babil"):
        add(Actor(f"isis-wilayat-{g}", f"ISIS Wilayat {g.capitalize()}", "armed-group", "isis"))
    add(Actor("pkk", "Kurdistan Workers' Party (PKK)", "armed-group",
              aliases=["PKK", "Partiya Karkerên Kurdistanê"]))
    add(Actor("ybs", "Sinjar Resistance Units", "armed-group", aliases=["YBŞ", "YBS"]))
    add(Actor("unidentified-gunmen", "Unidentified gunmen", "armed-group"))
    add(Actor("unidentified-militants", "Unidentified militants", "armed-group"))
    cells = ("Northern", "Southern", "Desert", "Mountain", "River", "Eastern", "Western",
             "Hamrin", "Makhoul", "Wadi")
    for n, c in enumerate(cells, 1):
        add(Actor(f"insurgent-cell-{n}", f"{c} Insurgent Cell", "armed-group", "isis"))
    for n in range(1, 6):
        add(Actor(f"criminal-network-{n}", f"Smuggling Network {n}", "armed-group"))
    # political
    pol_a = ("National", "Democratic", "Patriotic", "Reform", "Popular", "Civic", "United",
             "Islamic", "Progressive", "Liberal")
    pol_b = ("Alliance", "Movement", "Front", "Coalition List", "Party", "Bloc", "Union")
    seen.clear()
    for _ in range(1, 17):
        while True:
            name = f"{rng.choice(pol_a)} {rng.choice(pol_b)}"
            if name not in seen:
                break
        seen.add(name)
        add(Actor(slugify(name), name, "political", country="IQ"))
    # other
    add(Actor("protesters", "Protesters", "other", aliases=["demonstrators", "المتظاهرون"]))
    add(Actor("tishreen-movement", "Tishreen protest movement", "other", country="IQ",
              aliases=["October Revolution", "ثورة تشرين"]))
    add(Actor("students-union", "Students' Union", "other", country="IQ"))
    for t in ("Jubur", "Obeid", "Shammar", "Dulaim", "Azza"):
        add(Actor(f"{t.lower()}-tribe", f"{t} tribe", "other", country="IQ"))
    add(Actor("oil-company-workers", "Oil company workers", "other"))
    add(Actor("un-mission", "UN Assistance Mission", "other", aliases=["UNAMI"]))
    # persons (spokespeople and commanders), ~75
    institutions = [a for a in A if a.kind in ("government", "state-forces", "coalition",
                                                "militia", "political", "armed-group", "other")
                    and not a.id.startswith(("unidentified", "criminal", "insurgent-cell"))]
    titles = ("Spokesman for the {n}", "Spokeswoman for the {n}", "Commander of the {n}",
              "Deputy commander of the {n}", "Media officer of the {n}", "Head of the {n}",
              "Senior official of the {n}")
    used_ids = {a.id for a in A}
    used_aliases = {x.lower() for a in A for x in a.aliases}
    persons = 0
    while persons < 75:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        pid = slugify(f"{first} {last}")
        if pid in used_ids:
            continue
        used_ids.add(pid)
        inst = rng.choice(institutions)
        # every person speaks for someone, so statements are attributed (no warnings)
        title = rng.choice(titles).format(n=inst.name)
        initials = f"{first[0]}. {last}"
        aliases: list[str] = []
        if rng.random() < 0.3 and initials.lower() not in used_aliases:
            used_aliases.add(initials.lower())
            aliases.append(initials)
        add(Actor(pid, f"{first} {last}", "person", affiliation=inst.id, title=title,
                  country=inst.country or "IQ", aliases=aliases))
        persons += 1
    return A


def build_sources(rng: random.Random) -> list[Source]:
    """~30 sources over every kind, each with an http(s) url and most with a reliability."""
    out: list[Source] = []
    for name, kind, scheme in SOURCE_SPECS:
        sid = slugify(name)
        rel = rng.choice(("A", "B", "B", "C", "C", "C", "D", "E", "F")) \
            if rng.random() < 0.85 else None
        out.append(Source(sid, name, kind, f"{scheme}://www.{sid}.example", rel))
    return out


# --------------------------------------------------------------------------- writers (text)


def actor_yaml(a: Actor) -> str:
    lines = [f"id: {a.id}", f"name: {ys(a.name)}"]
    if a.aliases:
        lines.append(f"aliases: {flow_list(a.aliases)}")
    lines.append(f"kind: {a.kind}")
    if a.parent:
        lines.append(f"parent: {a.parent}")
    if a.affiliation:
        lines.append(f"affiliation: {a.affiliation}")
    if a.title:
        lines.append(f"title: {ys(a.title)}")
    if a.country:
        lines.append(f"country: {a.country}")
    if a.description:
        lines.append("description: >\n" + wrap(a.description))
    return "\n".join(lines) + "\n"


def region_record(r: Region, in_list: bool) -> str:
    fields = [f"id: {r.id}", f"name: {ys(r.name)}", f"level: {r.level}"]
    if r.parent:
        fields.append(f"parent: {r.parent}")
    if r.aliases:
        fields.append(f"aliases: {flow_list(r.aliases)}")
    if r.disputed:
        fields.append("disputed: true")
    fields.append(f"coordinates: [{r.lat}, {r.lon}]")
    if not in_list:
        return "\n".join(fields) + "\n"
    return "- " + "\n  ".join(fields) + "\n"


def source_yaml(s: Source) -> str:
    lines = [f"id: {s.id}", f"name: {ys(s.name)}", f"kind: {s.kind}", f"url: {s.url}"]
    if s.reliability:
        lines.append(f"reliability: {s.reliability}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- dates

EPOCH = dt.date(2015, 1, 1)
DAYS = (dt.date(2024, 12, 31) - EPOCH).days + 1


@dataclass
class DateVal:
    """A generated date: its YAML text, its start and end, and the folder it files under."""

    text: str
    start: dt.date
    end: dt.date
    folder: str  # "YYYY/MM" or "YYYY"
    note: str | None


def part_of_month(day: int) -> str:
    return "early" if day <= 10 else ("mid-" if day <= 20 else "late")


def gen_date(rng: random.Random) -> DateVal:
    """Mostly day precision; some month, year and span dates."""
    d = EPOCH + dt.timedelta(days=rng.randrange(DAYS))
    r = rng.random()
    ym = f"{d.year}/{d.month:02d}"
    if r < 0.80:
        note = None
        if rng.random() < 0.08:
            note = rng.choice(("overnight, as reported by local officials",
                               f"the night of {d.day} {MONTH_NAMES[d.month - 1]}",
                               "date of the first report; the event may be a day earlier",
                               "per the security media cell"))
        return DateVal(d.isoformat(), d, d, ym, note)
    if r < 0.88:
        end = (d.replace(day=28) + dt.timedelta(days=4))
        end = end - dt.timedelta(days=end.day)
        note = rng.choice((None, None, f"some day in {MONTH_NAMES[d.month - 1]} {d.year}",
                           "reported without a day"))
        return DateVal(f"{d.year}-{d.month:02d}", d.replace(day=1), end, ym, note)
    if r < 0.93:
        note = rng.choice((None, "reported in an annual summary", "month not known"))
        return DateVal(str(d.year), dt.date(d.year, 1, 1), dt.date(d.year, 12, 31),
                       str(d.year), note)
    if d > dt.date(2024, 12, 17):  # keep the whole span inside 2015-2024
        d = d - dt.timedelta(days=14)
        ym = f"{d.year}/{d.month:02d}"
    end = d + dt.timedelta(days=rng.randint(1, 13))
    month = MONTH_NAMES[d.month - 1]
    pm = part_of_month(d.day)
    note = rng.choice((f"{pm}{month}" if pm == "mid-" else f"{pm} {month}",
                       None, "between two reports"))
    return DateVal(f"{{from: {d.isoformat()}, to: {end.isoformat()}}}", d, end, ym, note)


def pub_date(rng: random.Random, after: dt.date) -> str:
    """A citation's publication date on or after the event start (mostly a day)."""
    p = after + dt.timedelta(days=rng.choice((0, 0, 1, 1, 1, 2, 3, 5, 9)))
    if p.year > 2025:
        p = dt.date(2025, 1, 1)
    if rng.random() < 0.9:
        return p.isoformat()
    return f"{p.year}-{p.month:02d}"


# --------------------------------------------------------------------------- incidents

TITLE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "remote-explosive-landmine-ied": ("Roadside bomb hits {tgt} patrol near {place}",
                                      "IED blast on the {place} road: {k} killed",
                                      "Explosive device kills {k} in {place}"),
    "armed-clash": ("{perp} and {tgt} clash near {place}",
                    "Firefight in {place} between {perp} and {tgt}",
                    "Clashes erupt in {place}; {k} reported killed"),
    "attack": ("Gunmen attack a village in {place}", "{perp} kill {k} civilians near {place}",
               "Attack on farmers in {place}"),
    "air-drone-strike": ("Airstrike targets {tgt} hideout in {place}",
                         "Drone strike in {place}: {perp} says {k} militants killed",
                         "{perp} strikes {tgt} positions near {place}"),
    "arrests": ("{perp} arrest {k} suspects in {place}", "Security sweep in {place} nets suspects"),
    "shelling-artillery-missile-attack": ("Rockets fall near {place}",
                                          "{perp} shells villages around {place}",
                                          "Mortar fire on {place}: no casualties reported"),
}
GENERIC_TITLES = ("{event} reported in {place}", "{event} near {place}",
                  "{place}: {event_l} involving {perp}")
EVENT_WORDS = {t: t.replace("-", " ").capitalize() for t in TYPE_GROUP}
EVENT_WORDS.update({"air-drone-strike": "Air or drone strike", "other": "Security incident",
                    "shelling-artillery-missile-attack": "Shelling",
                    "remote-explosive-landmine-ied": "IED explosion",
                    "disrupted-weapons-use": "Explosive device defused",
                    "abduction-forced-disappearance": "Abduction",
                    "non-violent-transfer-of-territory": "Handover of positions",
                    "headquarters-or-base-established": "New base set up",
                    "looting-property-destruction": "Property destroyed",
                    "change-to-group-activity": "Redeployment of forces"})

SUMMARY_OPENERS = (
    "Reports described {event_l} in {place} ({gov}).",
    "Local officials in {gov} reported {event_l} near {place}.",
    "According to {src}, {event_l} took place in {place}.",
)
SUMMARY_MIDDLES = (
    "{perp} was named as responsible; {tgt} was the reported target.",
    "Security sources attributed the incident to {perp}.",
    "No group had claimed responsibility by the time of the first report.",
    "Witnesses said the incident lasted about {n} minutes.",
    "The area has seen repeated incidents since {y}.",
    "Residents told reporters that roads into the area were closed afterwards.",
)
SUMMARY_CLOSERS = (
    "Later reports gave differing details.",
    "Casualty figures were not independently confirmed.",
    "Follow-up reports did not change the account.",
    "A security operation was announced the following day.",
    "Officials said an investigation had been opened — details were not released.",
)


def pick_actors(rng: random.Random, w: World, etype: str, gov: str) -> list[tuple[Actor, str]]:
    """1-3 distinct actors with plausible roles for the event type."""
    group = TYPE_GROUP[etype]
    insurgents = w.armed
    forces = w.state + w.militia
    if group in ("battles", "explosions-remote-violence"):
        if etype == "air-drone-strike":
            perp = rng.choice(w.coalition + [w.actor_by_id["iraqi-air-force"],
                                             w.actor_by_id["turkish-armed-forces"]])
            tgt = rng.choice(insurgents)
        elif group == "explosions-remote-violence" or rng.random() < 0.7:
            perp, tgt = rng.choice(insurgents), rng.choice(forces)
        else:
            perp, tgt = rng.choice(forces), rng.choice(insurgents)
        out = [(perp, "perpetrator"), (tgt, "target")]
    elif group == "violence-against-civilians":
        out = [(rng.choice(insurgents + w.militia), "perpetrator")]
        if rng.random() < 0.4:
            out.append((rng.choice(w.other), "target"))
    elif group in ("protests", "riots"):
        out = [(rng.choice(w.other + w.political), "perpetrator")]
        if etype != "peaceful-protest" or rng.random() < 0.3:
            out.append((rng.choice(forces), "responder"))
    else:
        perp = rng.choice(forces + w.gov + w.coalition)
        out = [(perp, "perpetrator")]
        if etype in ("arrests", "agreement", "non-violent-transfer-of-territory"):
            out.append((rng.choice(insurgents + w.political + w.militia), "target"
                        if etype == "arrests" else "associated"))
    if len(out) < 3 and rng.random() < 0.18:
        extra = rng.choice(w.non_person)
        role = "mediator" if etype == "agreement" else \
            rng.choice(("claimant", "associated", "responder"))
        out.append((extra, role))
    # distinct actors (a duplicate would be odd data, though not invalid); an ISIS
    # province acts in its own governorate
    seen: set[str] = set()
    uniq = []
    for a, r in out:
        if a.id.startswith("isis-wilayat-"):
            a = w.actor_by_id.get(f"isis-wilayat-{gov}") or w.actor_by_id["isis"]
        if a.id not in seen:
            seen.add(a.id)
            uniq.append((a, r))
    return uniq


def count_text(rng: random.Random, scale: int) -> str:
    """A casualty count: a whole number or a {low, best, high} range (some parts omitted)."""
    best = rng.randint(0, scale)
    if rng.random() < 0.75:
        return str(best)
    low = max(0, best - rng.randint(0, 3))
    high = best + rng.randint(0, 6)
    form = rng.random()
    if form < 0.6:
        return f"{{low: {low}, best: {best}, high: {high}}}"
    if form < 0.8:
        return f"{{low: {low}, high: {high}}}"
    if form < 0.9:
        return f"{{best: {best}, high: {high}}}"
    return f"{{low: {low}}}"


def casualties_lines(rng: random.Random, etype: str,
                     actors: list[tuple[Actor, str]]) -> tuple[list[str], int]:
    """Casualty entries (actor or group) and the best-guess killed count for titles."""
    group = TYPE_GROUP[etype]
    if group == "strategic-developments":
        if etype == "arrests":
            n = rng.randint(1, 25)
            who = next((a.id for a, r in actors if r == "target"), None)
            entry = f"{{actor: {who}, arrested: {n}}}" if who else \
                f"{{group: militants, arrested: {n}}}"
            return [entry], 0
        return [], 0
    p = {"battles": 0.75, "explosions-remote-violence": 0.7,
         "violence-against-civilians": 0.8, "protests": 0.3, "riots": 0.5}[group]
    if rng.random() > p:
        return [], 0
    entries: list[str] = []
    killed_hint = 0
    targets = [a for a, r in actors if r in ("target", "perpetrator")]
    n_entries = rng.choice((1, 1, 1, 2, 2, 3))
    used_actor: set[str] = set()
    used_group: set[str] = set()
    for _ in range(n_entries):
        if targets and rng.random() < 0.45:
            a = rng.choice(targets)
            if a.id in used_actor:
                continue
            used_actor.add(a.id)
            head = f"actor: {a.id}"
        else:
            g = rng.choice(GROUPS)
            if g in used_group:
                continue
            used_group.add(g)
            head = f"group: {g}"
        parts = [head]
        kinds = ["killed"] if rng.random() < 0.7 else []
        if rng.random() < 0.5:
            kinds.append("wounded")
        if etype == "abduction-forced-disappearance":
            kinds = ["abducted"]
        if not kinds:
            kinds = ["wounded"]
        for k in kinds:
            c = count_text(rng, 12 if etype != "suicide-bomb" else 40)
            if k == "killed" and c.isdigit():
                killed_hint = max(killed_hint, int(c))
            parts.append(f"{k}: {c}")
        entries.append("{" + ", ".join(parts) + "}")
    return entries, killed_hint


def gen_citations(rng: random.Random, w: World, start: dt.date, title: str,
                  n: int) -> tuple[list[str], list[Source]]:
    """1-3 citations of distinct sources: (yaml lines, the sources cited)."""
    lines: list[str] = []
    srcs = rng.sample(w.sources, n)
    slug = slugify(title)[:60].strip("-") or "report"
    for s in srcs:
        path = f"{rng.choice(('news', 'security', 'en/iraq', 'reports', 'posts'))}/" \
               f"{start.year}/{start.month:02d}/{slug}-{rng.randrange(10**6)}"
        url = f"{s.url}/{path}"
        lines.append(f"  - source: {s.id}")
        lines.append(f"    url: {url}")
        if rng.random() < 0.9:
            t = title if rng.random() < 0.5 else f"{title} ({s.name})"
            lines.append(f"    title: {ys(t)}")
        if rng.random() < 0.85:
            lines.append(f"    published: {pub_date(rng, start)}")
        if rng.random() < 0.15:
            lines.append(f"    archive_url: https://web.archive.org/web/"
                         f"{start.year}{start.month:02d}{start.day:02d}000000/{url}")
        if rng.random() < 0.4:
            lines.append(f"    credibility: {rng.randint(1, 6)}")
    return lines, srcs


def gen_incident(rng: random.Random, w: World, i: int, types: list[str],
                 weights: list[int], short: dict[str, str]) -> tuple[str, str, str]:
    """One incident: returns (folder, id, yaml text)."""
    etype = rng.choices(types, weights)[0]
    date = gen_date(rng)
    r = rng.random()
    if r < 0.85:
        region = rng.choice(w.districts)
    elif r < 0.98:
        region = rng.choice(w.governorates)
    else:
        region = w.region_by_id["iraq"]
    gov = w.region_by_id[region.governorate] if region.governorate else region
    place_name = region.name.replace(" District", "").replace(" Governorate", "")
    actors = pick_actors(rng, w, etype, region.governorate)
    cas, killed = casualties_lines(rng, etype, actors)
    perp = actors[0][0].name
    tgt = actors[1][0].name if len(actors) > 1 else "local residents"
    fmt = {"perp": perp, "tgt": tgt, "place": place_name, "k": max(killed, 1),
           "event": EVENT_WORDS[etype], "event_l": EVENT_WORDS[etype].lower(),
           "Event": EVENT_WORDS[etype], "gov": gov.name, "src": "", "n": rng.randint(10, 90),
           "y": rng.randint(2014, max(2014, date.start.year))}
    tmpl = [t for t in TITLE_TEMPLATES.get(etype, GENERIC_TITLES)
            if killed or "{k}" not in t] or GENERIC_TITLES
    title = rng.choice(tmpl).format(**fmt)
    if len(title) > 110:
        title = f"{EVENT_WORDS[etype]} near {place_name}"
    n_cit = rng.choice((1, 1, 2, 2, 2, 3))
    cit, cited = gen_citations(rng, w, date.start, title, n_cit)
    fmt["src"] = cited[0].name
    summary = " ".join((rng.choice(SUMMARY_OPENERS).format(**fmt),
                        rng.choice(SUMMARY_MIDDLES).format(**fmt),
                        rng.choice(SUMMARY_MIDDLES).format(**fmt) if rng.random() < 0.5 else "",
                        rng.choice(SUMMARY_CLOSERS)))
    word = short[etype]
    dpart = f"{date.start.year}-{date.start.month:02d}" if "/" in date.folder \
        else str(date.start.year)
    iid = f"{region.id}-{word}-{dpart}-{i}"
    if len(iid) > 80:  # never with the tables above, but keep ids valid regardless
        iid = f"{word}-{dpart}-{i}"

    L = [f"id: {iid}", f"title: {ys(title)}", f"date: {date.text}"]
    if date.note:
        L.append(f"date_note: {ys(date.note)}")
    L.append(f"type: {etype}")
    L.append(f"region: {region.id}")
    if region.level == "district" and rng.random() < 0.6:
        where = rng.choice(("Village of ", "Outskirts of ", "Road to ", "Market in ",
                            "Checkpoint near "))
        L.append(f"place: {ys(where + place_name)}")
    if region.level != "country" and rng.random() < 0.7:
        lat = region.lat + rng.uniform(-0.15, 0.15)
        lon = region.lon + rng.uniform(-0.15, 0.15)
        L.append(f"coordinates: [{lat:.4f}, {lon:.4f}]")
        L.append(f"location_precision: {rng.choice(PRECISIONS)}")
    L.append("actors:")
    for a, role in actors:
        L.append(f"  - {{actor: {a.id}, role: {role}}}")
    if cas:
        L.append("casualties:")
        L.extend(f"  - {c}" for c in cas)
    L.append("summary: >")
    L.append(wrap(summary))
    L.append("sources:")
    L.extend(cit)
    tags = {short[etype]} if rng.random() < 0.5 else set()
    tags.update(rng.sample(TAG_POOL, rng.choice((0, 1, 1, 2, 3))))
    if region.disputed or gov.disputed:
        tags.add("disputed-territories")
    if tags:
        L.append(f"tags: [{', '.join(sorted(tags))}]")
    s = rng.random()
    if s < 0.03:
        L.append("status: draft")
    elif s < 0.06:
        L.append("status: review")
    elif s < 0.5:
        L.append("status: published")
    L.append(f"confidence: {rng.choices(CONFIDENCES, (60, 25, 10, 5))[0]}")
    if rng.random() < 0.03:
        cd = date.end + dt.timedelta(days=rng.randint(2, 40))
        L.append("corrections:")
        L.append(f"  - {{date: {cd.isoformat()}, note: "
                 f"{json.dumps('Casualty figure revised after a follow-up report')}}}")
    if rng.random() < 0.05:
        L.append(f"extra: {{acled_event_id: IRQ{rng.randrange(10**5, 10**6)}, "
                 f"imported: true}}")
    return date.folder, iid, "\n".join(L) + "\n"


# --------------------------------------------------------------------------- statements

QUOTES = (
    "We will not allow any group to threaten the security of {place}.",
    "The operation achieved its goals and the area is now secure.",
    "Our forces are ready to respond to any attack: the situation is under control.",
    "Coordination with our partners continues, and training will resume soon.",
    "The perpetrators of this crime will be brought to justice.",
    "We call on all parties to exercise restraint and protect civilians.",
    "There were no civilian casualties in the strike, according to our assessment.",
)
PARAPHRASES = (
    "{speaker} said that forces in {place} had been reinforced after the latest attacks.",
    "{speaker} told reporters that talks on the security of {place} would continue.",
    "{speaker} denied that civilians were harmed and said an inquiry was under way.",
    "{speaker} said that the handover of positions around {place} was completed.",
    "{speaker} announced that several suspects had been detained in {place} and that "
    "further arrests were expected in the coming days.",
)
MEDIA = ("press conference", "televised statement", "statement on social media",
         "radio interview", "interview with a news agency", "press release")


def gen_statement(rng: random.Random, w: World, i: int) -> tuple[str, str, str]:
    """One statement: returns (folder, id, yaml text)."""
    sp = rng.choice(w.persons)
    date = gen_date(rng)
    region = rng.choice(w.districts if rng.random() < 0.7 else w.governorates)
    place_name = region.name.replace(" District", "").replace(" Governorate", "")
    topic = rng.choice(("security", "operation", "talks", "arrests", "strike", "handover",
                        "training", "elections"))
    dpart = f"{date.start.year}-{date.start.month:02d}" if "/" in date.folder \
        else str(date.start.year)
    sid = f"{sp.id}-{topic}-{dpart}-{i}"
    L = [f"id: {sid}", f"date: {date.text}"]
    if date.note:
        L.append(f"date_note: {ys(date.note)}")
    L.append(f"speaker: {sp.id}")
    if sp.affiliation and rng.random() < 0.3:
        L.append(f"on_behalf_of: {sp.affiliation}")
    if rng.random() < 0.7:
        L.append(f"medium: {ys(rng.choice(MEDIA).capitalize())}")
    fmt = {"place": place_name, "speaker": sp.name}
    if rng.random() < 0.55:
        L.append(f"quote: {json.dumps(rng.choice(QUOTES).format(**fmt), ensure_ascii=False)}")
    else:
        L.append("paraphrase: >")
        L.append(wrap(rng.choice(PARAPHRASES).format(**fmt)))
    if rng.random() < 0.6:
        about = rng.sample(w.non_person, rng.randint(1, 2))
        L.append(f"about: [{', '.join(a.id for a in about)}]")
    if rng.random() < 0.6:
        L.append(f"regions: [{region.id}]")
    L.append(f"language: {rng.choice(('en', 'en', 'ar', 'ar', 'ckb', 'kmr', 'tr'))}")
    L.append("sources:")
    title = f"{sp.name} on {topic} in {place_name}"
    L.extend(gen_citations(rng, w, date.start, title, rng.choice((1, 1, 2)))[0])
    if rng.random() < 0.4:
        L.append(f"tags: [{topic}]")
    L.append(f"confidence: {rng.choice(('reported', 'reported', 'corroborated', 'confirmed'))}")
    return date.folder, sid, "\n".join(L) + "\n"


# --------------------------------------------------------------------------- driver


def _write(path: str, text: str) -> int:
    data = text.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def generate(out: Path, incidents: int, statements: int, seed: int = 1) -> dict[str, int]:
    """Write the dataset under ``out`` (which must not hold data yet); return file counts."""
    rng = random.Random(seed)
    regions = build_regions(rng)
    actors = build_actors(rng)
    sources = build_sources(rng)
    w = World(actors, regions, sources)
    counts = {"actors": 0, "regions": 0, "sources": 0, "incidents": 0, "statements": 0,
              "bytes": 0}
    for sub in ("actors", "regions", "sources", "incidents", "statements"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    nbytes = 0
    for a in actors:
        nbytes += _write(str(out / "actors" / f"{a.id}.yml"), actor_yaml(a))
    counts["actors"] = len(actors)
    country = regions[0]
    nbytes += _write(str(out / "regions" / f"{country.id}.yml"), region_record(country, False))
    counts["regions"] = 1
    for g in w.governorates:
        body = region_record(g, True) + "".join(
            region_record(d, True) for d in w.districts if d.parent == g.id)
        nbytes += _write(str(out / "regions" / f"{g.id}.yml"),
                         f"# {g.name} and its districts\n" + body)
        counts["regions"] += 1
    for s in sources:
        nbytes += _write(str(out / "sources" / f"{s.id}.yml"), source_yaml(s))
    counts["sources"] = len(sources)

    types = [t for t, _, _ in TYPE_TABLE]
    weights = [wt for _, wt, _ in TYPE_TABLE]
    short = {t: s for t, _, s in TYPE_TABLE}
    made: set[str] = set()
    makers: list[tuple[str, int, Callable[[int], tuple[str, str, str]]]] = [
        ("incidents", incidents, lambda k: gen_incident(rng, w, k, types, weights, short)),
        ("statements", statements, lambda k: gen_statement(rng, w, k)),
    ]
    for kind, n, fn in makers:
        base = str(out / kind)
        for k in range(1, n + 1):
            folder, rid, text = fn(k)
            d = f"{base}/{folder}"
            if d not in made:
                os.makedirs(d, exist_ok=True)
                made.add(d)
            nbytes += _write(f"{d}/{rid}.yml", text)
        counts[kind] = n
    counts["bytes"] = nbytes
    return counts


# --------------------------------------------------------------------------- self-check


class _DupKeyError(ValueError):
    pass


def _make_loader() -> type:
    """A safe loader (C-accelerated when available) that rejects duplicate keys."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    # `base` is chosen at run time (libyaml's loader when PyYAML was built with it), so mypy sees a
    # variable, not a class: valid-type for naming it as a base, misc for subclassing a non-class.
    class StrictLoader(base):  # type: ignore[misc, valid-type]  # a base chosen at run time
        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            keys = set()
            for k, _ in node.value:
                key = self.construct_object(k, deep=deep)
                if key in keys:
                    raise _DupKeyError(f"duplicate key {key!r} at line {k.start_mark.line + 1}")
                keys.add(key)
            mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
            return mapping

    StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_yaml_map)
    return StrictLoader


FIELDS: dict[str, set[str]] = {
    "incidents": {"id", "title", "date", "date_note", "type", "region", "place", "coordinates",
                  "location_precision", "actors", "casualties", "summary", "sources", "tags",
                  "status", "confidence", "corrections", "extra"},
    "statements": {"id", "date", "date_note", "speaker", "on_behalf_of", "medium", "quote",
                   "paraphrase", "about", "regions", "language", "sources", "tags", "status",
                   "confidence", "corrections", "extra"},
    "actors": {"id", "name", "aliases", "kind", "parent", "affiliation", "title", "country",
               "description", "extra"},
    "regions": {"id", "name", "level", "parent", "aliases", "disputed", "coordinates", "extra"},
    "sources": {"id", "name", "kind", "url", "reliability", "extra"},
}
REQUIRED: dict[str, set[str]] = {
    "incidents": {"id", "title", "date", "type", "region", "actors", "sources"},
    "statements": {"id", "date", "speaker", "sources"},
    "actors": {"id", "name", "kind"},
    "regions": {"id", "name", "level"},
    "sources": {"id", "name", "kind"},
}
CITATION_FIELDS = {"source", "url", "title", "published", "archive_url", "credibility"}
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _date_bounds(v: Any) -> tuple[dt.date, dt.date]:
    """Start and end of a date in any of the four forms; raises ValueError if invalid."""
    if isinstance(v, dt.datetime):
        raise ValueError("a timestamp is not a date")
    if isinstance(v, dt.date):
        return v, v
    if (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, str) and
                                                            re.fullmatch(r"\d{4}", v)):
        y = int(v)
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if isinstance(v, str) and _MONTH_RE.match(v):
        y, m = map(int, v.split("-"))
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        return dt.date(y, m, 1), nxt - dt.timedelta(days=1)
    if isinstance(v, str):
        d = dt.date.fromisoformat(v)
        return d, d
    if isinstance(v, dict) and set(v) == {"from", "to"}:
        a, _ = _date_bounds(v["from"])
        _, b = _date_bounds(v["to"])
        if b < a:
            raise ValueError("span ends before it starts")
        return a, b
    raise ValueError(f"not a date: {v!r}")


def _iter_yml(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            if fn.endswith((".yml", ".yaml")):
                yield Path(dirpath) / fn


def check(root: str | Path, verbose: bool = True) -> list[str]:
    """Re-read a generated dataset and check it against the data contract.

    Loads every file safely (duplicate keys rejected), then checks: id syntax and
    uniqueness per kind, required and unknown fields, enums, the four date forms,
    casualty rules, citations, exactly one of quote/paraphrase, and that every
    reference (actor, region, source, speaker, parent, affiliation, on_behalf_of,
    about, regions) resolves, that speakers are persons and parents have no cycles.
    Returns the list of problems (empty when valid).
    """
    import yaml

    Loader = _make_loader()
    root = Path(root)
    errs: list[str] = []
    recs: dict[str, list[tuple[Path, dict[str, Any]]]] = {k: [] for k in FIELDS}
    nfiles = 0
    for kind in FIELDS:
        for p in _iter_yml(root / kind):
            nfiles += 1
            try:
                text = p.read_bytes().decode("utf-8-sig")
                doc = yaml.load(text, Loader=Loader)  # noqa: S506  # a SafeLoader that refuses duplicate keys
            except Exception as e:  # noqa: BLE001  # report any load failure
                errs.append(f"{p}: cannot load: {e}")
                continue
            items = doc if isinstance(doc, list) else [doc]
            for it in items:
                if not isinstance(it, dict):
                    errs.append(f"{p}: record is not a mapping")
                    continue
                recs[kind].append((p, it))
    ids: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in FIELDS}
    for kind, items in recs.items():
        for p, r in items:
            rid = r.get("id")
            if not isinstance(rid, str) or not ID_RE.match(rid):
                errs.append(f"{p}: bad id {rid!r}")
                continue
            if rid in ids[kind]:
                errs.append(f"{p}: duplicate {kind} id {rid}")
            ids[kind][rid] = r
            missing = REQUIRED[kind] - set(r)
            if missing:
                errs.append(f"{p}: missing {sorted(missing)}")
            unknown = set(r) - FIELDS[kind]
            if unknown:
                errs.append(f"{p}: unknown fields {sorted(unknown)}")
    actors, regions, sources = ids["actors"], ids["regions"], ids["sources"]

    def ref(p: Path, what: str, v: Any, table: dict[str, Any]) -> None:
        if v is not None and v not in table:
            errs.append(f"{p}: {what} {v!r} does not resolve")

    def parents_ok(table: dict[str, dict[str, Any]], kind: str) -> None:
        for rid in table:
            seen = {rid}
            cur = table[rid].get("parent")
            while cur is not None:
                if cur in seen:
                    errs.append(f"{kind} {rid}: parent cycle")
                    break
                seen.add(cur)
                cur = table.get(cur, {}).get("parent")

    for p, a in recs["actors"]:
        if a.get("kind") not in ACTOR_KINDS:
            errs.append(f"{p}: actor kind {a.get('kind')!r}")
        ref(p, "parent", a.get("parent"), actors)
        ref(p, "affiliation", a.get("affiliation"), actors)
    parents_ok(actors, "actor")
    for p, r in recs["regions"]:
        if r.get("level") not in REGION_LEVELS:
            errs.append(f"{p}: region level {r.get('level')!r}")
        ref(p, "parent", r.get("parent"), regions)
        if not all(isinstance(x, str) for x in r.get("aliases", [])):
            errs.append(f"{p}: alias not a string in {r['id']}")
    parents_ok(regions, "region")
    for p, s in recs["sources"]:
        if s.get("kind") not in SOURCE_KINDS:
            errs.append(f"{p}: source kind {s.get('kind')!r}")
        if "url" in s and not str(s["url"]).startswith(("http://", "https://")):
            errs.append(f"{p}: source url {s['url']!r}")
        if s.get("reliability") not in (None, *RELIABILITY):
            errs.append(f"{p}: reliability {s.get('reliability')!r}")

    def common(p: Path, r: dict[str, Any], kind: str) -> None:
        try:
            start, _ = _date_bounds(r.get("date"))
            folder = p.parent.relative_to(root / kind).as_posix()
            want = (f"{start.year}/{start.month:02d}", str(start.year))
            if folder not in want:
                errs.append(f"{p}: filed under {folder}, date starts {start}")
        except (ValueError, TypeError) as e:
            errs.append(f"{p}: date: {e}")
        if p.stem != r.get("id"):
            errs.append(f"{p}: file name differs from id")
        cits = r.get("sources")
        if not isinstance(cits, list) or not cits:
            errs.append(f"{p}: needs at least one citation")
            cits = []
        for c in cits:
            if not isinstance(c, dict) or "source" not in c:
                errs.append(f"{p}: citation without source")
                continue
            if set(c) - CITATION_FIELDS:
                errs.append(f"{p}: unknown citation fields {set(c) - CITATION_FIELDS}")
            ref(p, "source", c["source"], sources)
            for u in ("url", "archive_url"):
                if u in c and not str(c[u]).startswith(("http://", "https://")):
                    errs.append(f"{p}: {u} {c[u]!r}")
            if "published" in c:
                try:
                    _date_bounds(c["published"])
                except (ValueError, TypeError) as e:
                    errs.append(f"{p}: published: {e}")
            if "credibility" in c and c["credibility"] not in range(1, 7):
                errs.append(f"{p}: credibility {c['credibility']!r}")
        for t in r.get("tags", []):
            if not isinstance(t, str) or not SLUG_RE.match(t):
                errs.append(f"{p}: tag {t!r}")
        if r.get("status", "published") not in STATUSES:
            errs.append(f"{p}: status {r.get('status')!r}")
        if r.get("confidence", "reported") not in CONFIDENCES:
            errs.append(f"{p}: confidence {r.get('confidence')!r}")
        for c in r.get("corrections", []):
            if set(c) != {"date", "note"}:
                errs.append(f"{p}: correction {c!r}")
        for f in ("title", "summary", "date_note", "place", "quote", "paraphrase", "medium"):
            if f in r and not isinstance(r[f], str):
                errs.append(f"{p}: {f} is not text: {r[f]!r}")

    def count_ok(v: Any) -> bool:
        if isinstance(v, int) and not isinstance(v, bool):
            return v >= 0
        if isinstance(v, dict) and v and set(v) <= {"low", "best", "high"}:
            if not all(isinstance(x, int) and not isinstance(x, bool) and x >= 0
                       for x in v.values()):
                return False
            seq = [v[k] for k in ("low", "best", "high") if k in v]
            return seq == sorted(seq)
        return False

    for p, r in recs["incidents"]:
        common(p, r, "incidents")
        if r.get("type") not in TYPE_GROUP:
            errs.append(f"{p}: type {r.get('type')!r}")
        ref(p, "region", r.get("region"), regions)
        acts = r.get("actors")
        if not isinstance(acts, list) or not acts:
            errs.append(f"{p}: needs at least one actor")
            acts = []
        for a in acts:
            ref(p, "actor", a.get("actor"), actors)
            if a.get("role") not in ROLES:
                errs.append(f"{p}: role {a.get('role')!r}")
        for c in r.get("casualties", []):
            if ("actor" in c) == ("group" in c):
                errs.append(f"{p}: casualty needs exactly one of actor/group: {c}")
            ref(p, "actor", c.get("actor"), actors)
            if "group" in c and c["group"] not in GROUPS:
                errs.append(f"{p}: group {c['group']!r}")
            counts = [k for k in c if k in CASUALTY_KINDS]
            if not counts or set(c) - {"actor", "group", *CASUALTY_KINDS}:
                errs.append(f"{p}: casualty fields {c}")
            for k in counts:
                if not count_ok(c[k]):
                    errs.append(f"{p}: bad count {k}: {c[k]!r}")
        co = r.get("coordinates")
        if co is not None and not (isinstance(co, list) and len(co) == 2
                                   and -90 <= co[0] <= 90 and -180 <= co[1] <= 180):
            errs.append(f"{p}: coordinates {co!r}")
        if r.get("location_precision") not in (None, *PRECISIONS):
            errs.append(f"{p}: location_precision {r.get('location_precision')!r}")
    for p, r in recs["statements"]:
        common(p, r, "statements")
        if ("quote" in r) == ("paraphrase" in r):
            errs.append(f"{p}: needs exactly one of quote/paraphrase")
        sp = r.get("speaker")
        ref(p, "speaker", sp, actors)
        if sp in actors and actors[sp].get("kind") != "person":
            errs.append(f"{p}: speaker {sp} is not a person")
        ref(p, "on_behalf_of", r.get("on_behalf_of"), actors)
        for a in r.get("about", []):
            ref(p, "about", a, actors)
        for g in r.get("regions", []):
            ref(p, "regions", g, regions)

    if verbose:
        n = {k: len(v) for k, v in ids.items()}
        print(f"check: {nfiles} files, records {n}, {len(errs)} problem(s)", file=sys.stderr)
        for err in errs[:50]:
            print("  " + err, file=sys.stderr)
    return errs


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--incidents", type=int, default=1000, help="number of incidents (1000)")
    ap.add_argument("--statements", type=int, default=None,
                    help="number of statements (default: incidents // 10)")
    ap.add_argument("--out", type=Path, help="output folder (must be empty or absent)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (1)")
    ap.add_argument("--force", action="store_true",
                    help="delete the five kind folders under --out first")
    ap.add_argument("--check", action="store_true", help="self-check the data after writing")
    ap.add_argument("--check-only", type=Path, metavar="DIR",
                    help="only check an existing dataset")
    args = ap.parse_args(argv)

    if args.check_only:
        return 1 if check(args.check_only) else 0
    if args.out is None:
        ap.error("--out is required")
    out: Path = args.out
    kinds = ("actors", "regions", "sources", "incidents", "statements")
    if out.exists() and any(out.iterdir()):
        if not args.force:
            print(f"error: {out} is not empty (use --force to replace the data folders in it)",
                  file=sys.stderr)
            return 2
        for k in kinds:
            shutil.rmtree(out / k, ignore_errors=True)
    m = args.statements if args.statements is not None else args.incidents // 10
    t0 = time.perf_counter()
    counts = generate(out, args.incidents, m, args.seed)
    secs = time.perf_counter() - t0
    files = counts["actors"] + counts["regions"] + counts["sources"] + \
        counts["incidents"] + counts["statements"]
    print(f"wrote {files} files ({counts['bytes'] / 1e6:.1f} MB) to {out} in {secs:.1f} s: "
          f"{counts['incidents']} incidents, {counts['statements']} statements, "
          f"{counts['actors']} actors, {counts['regions']} region files, "
          f"{counts['sources']} sources", file=sys.stderr)
    if args.check:
        return 1 if check(out) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
