"""A small synthetic data folder with deliberate mistakes of every sort the loader and the checks
know, for tests/test_validate_cold.py: the fast paths of a cold validation must report exactly
what the general ones report (codes, lines, columns, messages) and build the same models."""

from __future__ import annotations

from pathlib import Path

#: Each incident's text, by number; `{i}` is the incident's number. The first ones are valid in
#: different styles, the others each hold one or more mistakes.
_INCIDENTS: list[str] = [
    # valid, block style
    "id: incident-{i}\ntitle: Attack near village {i}\ndate: 2015-01-0{d}\ntype: attack\nregion: district-1\n"
    "place: Village {i}\ncoordinates: [30.3380, 46.3915]\nactors:\n  - {{actor: group-1, role: perpetrator}}\n"
    "  - {{actor: group-2, role: target}}\ncasualties:\n  - {{actor: group-2, killed: 1, wounded: 5}}\n"
    "  - {{group: civilians, killed: {{low: 1, best: 2, high: 4}}}}\nsummary: >\n  Militants attacked.\n"
    "  Reference {i}.\nsources:\n  - source: outlet-1\n    url: https://outlet1.example.org/news/{i}\n"
    "    title: Report {i}\n    published: 2015-02\ntags: [synthetic, batch-0]\n",
    # valid: quoted values, a span date, numbers written as text
    'id: "incident-{i}"\ntitle: \'1.10\'\ndate: {{from: 2015, to: 2016-03}}\ntype: armed-clash\nregion: district-2\n'
    "actors:\n- actor: group-3\n  role: perpetrator\nsources:\n- source: outlet-2\n  title: \"Quoted \\u00e9\"\n",
    # YAML 1.1 surprises kept as text; 007 and 1.10 as written
    "id: incident-{i}\ntitle: NO\nplace: 12:30\nsummary: 0x1F\ndate: 2015-03\ntype: on\nregion: district-1\n"
    "actors: [{{actor: group-1, role: perpetrator}}]\ncasualties: [{{actor: group-1, killed: 007}}]\n"
    "sources: [{{source: outlet-1, title: 1.10}}]\n",
    # bad dates
    "id: incident-{i}\ntitle: Bad date\ndate: 2015-13-01\ntype: attack\nregion: district-1\n"
    "actors: [{{actor: group-1}}]\nsources: [{{source: outlet-1, published: 31/12/2015}}]\n",
    "id: incident-{i}\ntitle: Reversed\ndate: {{from: 2016, to: 2015}}\ntype: attack\nregion: district-1\n"
    "actors: [{{actor: group-1, role: target}}]\nsources: [{{source: outlet-1}}]\n",
    "id: incident-{i}\ntitle: Out of range\ndate: 1800-01-01\ntype: attack\nregion: district-1\n"
    "actors: [{{actor: group-1, role: target}}]\nsources: [{{source: outlet-1}}]\n",
    # duplicate keys, unknown references, an unknown field
    "id: incident-{i}\ntitle: One\ntitle: Two\ndate: 2015-05\ntype: attack\nregion: nowhere\n"
    "actors: [{{actor: group-999, role: target}}, {{actor: group-1, role: target}}, {{actor: group-1, role: target}}]\n"
    "sources: [{{source: outlet-99}}]\ncolour: red\n",
    # tags: refused, unreadable, and core tags that are fine
    "id: incident-{i}\ntitle: !!python/object:os.system x\ndate: !!str 2015-06\ntype: attack\nregion: district-1\n"
    "actors: [{{actor: group-1, role: target}}]\n"
    "casualties: [{{actor: group-1, killed: !!int abc, wounded: !!float 1}}]\n"
    "sources: [{{source: outlet-1}}]\n",
    # an anchor and an alias
    "id: incident-{i}\ntitle: &t Aliased\nsummary: *t\ndate: 2015-07\ntype: attack\nregion: district-1\n"
    "actors: &a [{{actor: group-1, role: target}}]\nsources: [{{source: outlet-1}}]\n",
    # a number too long to read, a negative count, a fraction, a range with an unknown key
    "id: incident-{i}\ntitle: Counts\ndate: 2015-08\ntype: attack\nregion: district-1\n"
    "actors: [{{actor: group-1, role: target}}]\ncasualties:\n  - {{actor: group-1, killed: " + "9" * 150 + "}}\n"
    "  - {{actor: group-1, killed: -1, wounded: 1.5}}\n  - {{group: civilians, killed: {{least: 1}}}}\n"
    "sources: [{{source: outlet-1}}]\n",
    # control and bidi characters, raw and escaped
    "id: incident-{i}\ntitle: \"Bell \\a and \\u202e override\"\nplace: Kirkuk\u202e\nsummary: \"tab\\tbell\\u0007\"\n"
    "date: 2015-09\ntype: attack\nregion: district-1\nactors: [{{actor: group-1, role: target}}]\n"
    "sources: [{{source: outlet-1}}]\n",
    # tab indentation
    "id: incident-{i}\nactors:\n\t- actor: group-1\n",
    # not a record; empty; a document marker only; another document
    "- just\n- text\n",
    "",
    "---\n",
    "id: incident-{i}\n---\nid: other\n",
    # deep nesting, a complex key, a key that is not text
    "id: incident-{i}\nextra: " + "[" * 70 + "]" * 70 + "\n",
    "? [a, b]\n: c\nid: incident-{i}\n1: one\ntrue: yes\n~: none\n",
    # nulls and empty values
    "id: incident-{i}\ntitle:\ndate: ~\ntype: null\nregion: ''\nactors: []\nsources:\n",
    # a duplicate id (of the first incident)
    "id: incident-0\ntitle: Again\ndate: 2015-01-01\ntype: attack\nregion: district-1\n"
    "actors: [{{actor: group-1, role: target}}]\nsources: [{{source: outlet-1}}]\n",
    # a syntax error, and a mapping value where none may be
    "id: incident-{i}\ntitle: [unclosed\n",
    "id: incident-{i}\ntitle: a: b\n",
    # coordinates out of range and of the wrong shape; a bad url
    "id: incident-{i}\ntitle: Far\ndate: 2015-10\ntype: attack\nregion: district-1\ncoordinates: [200, 1]\n"
    "actors: [{{actor: group-1, role: target}}]\nsources: [{{source: outlet-1, url: ftp://x}}]\n",
    # a date after every published date (a warning across records)
    "id: incident-{i}\ntitle: Future\ndate: 2099-01-01\ntype: attack\nregion: district-1\n"
    "actors: [{{actor: group-1, role: target}}]\nsources: [{{source: outlet-1}}]\n",
]

_ACTORS = (
    "- {id: group-1, name: Group 1, aliases: [G1, G1], kind: armed-group}\n"
    "- {id: group-2, name: Group 2, kind: militia}\n"
    "- {id: group-3, name: Group 3, kind: state-forces, affiliation: group-1}\n"
    "- {id: person-1, name: Person 1, kind: person}\n"
    "- {id: person-2, name: G1, kind: person, affiliation: group-1, title: Spokesperson}\n"
)
_REGIONS = (
    "- {id: country, name: Country, level: country}\n"
    "- {id: district-1, name: District 1, level: district, parent: district-2}\n"
    "- {id: district-2, name: District 2, level: district, parent: district-1}\n"
)
_SOURCES = (
    "- {id: outlet-1, name: Outlet 1, kind: media, url: https://outlet1.example.org}\n"
    "- {id: outlet-2, name: Outlet 2, kind: media, url: https://outlet2.example.org}\n"
)
_STATEMENTS = (
    "id: statement-{i}\ndate: 2015-10-0{d}\nspeaker: person-{p}\nparaphrase: The group remains a threat. {i}.\n"
    "about: [group-1, group-1]\nregions: [district-1]\nsources: [{{source: outlet-1}}]\n"
)


def write_cold_data(root: Path, copies: int = 2) -> Path:
    """Write the folder under `root` (made if needed): `copies` rounds of every incident above,
    a few statements, and lists of actors, regions and sources with mistakes of their own."""
    for folder in ("actors", "regions", "sources", "incidents/2015", "statements"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "actors" / "actors.yml").write_text(_ACTORS, encoding="utf-8")
    (root / "regions" / "regions.yml").write_text(_REGIONS, encoding="utf-8")
    (root / "sources" / "sources.yml").write_text(_SOURCES, encoding="utf-8")
    n = 0
    for _ in range(copies):
        for text in _INCIDENTS:
            body = text.format(i=n, d=1 + n % 9)
            (root / "incidents" / "2015" / f"incident-{n}.yml").write_text(body, encoding="utf-8")
            n += 1
    (root / "incidents" / "2015" / "latin1.yml").write_bytes(b"id: incident-latin\ntitle: caf\xe9\n")
    (root / "incidents" / "2015" / "bom-crlf.yml").write_bytes(
        b"\xef\xbb\xbfid: incident-bom\r\ntitle: BOM\r\ndate: 2015-01\r\ntype: attack\r\nregion: district-1\r\n"
        b"actors: [{actor: group-1, role: target}]\r\nsources: [{source: outlet-1}]\r\n")
    for i in range(4):
        (root / "statements" / f"statement-{i}.yml").write_text(
            _STATEMENTS.format(i=i, d=1 + i, p=1 + i % 2), encoding="utf-8")
    return root
