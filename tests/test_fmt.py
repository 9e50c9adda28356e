"""`briefing fmt` on real files in temporary folders: the canonical layout, comments kept where
they belong, values never changed (checked with the validator's own loader and dataset), and the
`--check` mode that pull requests and pre-commit run."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import generator.fmt as fmt_mod
from conftest import BASE, FIXTURES, REPO
from generator.fmt import UNPARSABLE, FormatError, find_comments, format_bytes, format_folder, same
from generator.load import MAX_FILE_BYTES, load_file
from generator.kinds import FIELD_ORDER
from generator.validate import validate
from generator.write import replace_file


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script, in a real process."""
    exe = Path(sys.executable).with_name("briefing")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def fmt_text(text: str, kind: str | None = "incidents") -> str:
    return format_bytes(text.encode("utf-8"), "x.yml", kind).decode("utf-8")


def records(data_dir: Path) -> dict[tuple[str, str], object]:
    """Every valid record the validator loads, by kind and id (positions left out: they move)."""
    result = validate(data_dir)
    out = {}
    for kind in ("actors", "regions", "sources", "incidents", "statements"):
        for record_id, entry in result.dataset.kind(kind).items():
            out[(kind, record_id)] = entry.record
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- layout -----------------------------------------------------------------------------------

MESSY = """\
# yaml-language-server: $schema=../../../../schemas/incident.schema.json
# Reported by two outlets; see the note on the date.

title: "Coalition airstrike in Wadi Ashai"   # as Rudaw headlined it
id: wadi-ashai-2020-04-13
sources:
    -   url: https://www.rudaw.net/english/middleeast/170420202
        source: rudaw   # the only outlet so far
# the article says "Monday"; resolved against the publication date
date: '2020-04-13'
type: air-drone-strike
actors: [{role: perpetrator, actor: global-coalition}, {actor: isis, role: target}]
region: wadi-ashai
casualties:
  - {killed: {high: 25, low: 20}, actor: isis}
summary: >  # plain text
  Coalition jets struck in support of a ground operation,
  killing 20 militants.
zz_unknown: kept after the known keys
tags: [counter-isis, "yes"]
aa_unknown: also kept, in its own relative order
# end of the record
"""

CANONICAL = """\
# yaml-language-server: $schema=../../../../schemas/incident.schema.json
# Reported by two outlets; see the note on the date.
id: wadi-ashai-2020-04-13
title: Coalition airstrike in Wadi Ashai  # as Rudaw headlined it
# the article says "Monday"; resolved against the publication date
date: 2020-04-13
type: air-drone-strike
region: wadi-ashai
actors:
  - actor: global-coalition
    role: perpetrator
  - actor: isis
    role: target
casualties:
  - actor: isis
    killed:
      low: 20
      high: 25
summary: >  # plain text
  Coalition jets struck in support of a ground operation,
  killing 20 militants.
sources:
  - source: rudaw  # the only outlet so far
    url: https://www.rudaw.net/english/middleeast/170420202
tags:
  - counter-isis
  - 'yes'
zz_unknown: kept after the known keys
aa_unknown: also kept, in its own relative order
# end of the record
"""


def test_canonical_layout_keeps_each_comment_beside_its_field() -> None:
    assert fmt_text(MESSY) == CANONICAL


def test_canonical_layout_is_a_fixed_point() -> None:
    assert fmt_text(CANONICAL) == CANONICAL
    assert fmt_text(fmt_text(MESSY)) == fmt_text(MESSY)


def test_keys_follow_the_data_format_order_at_every_level() -> None:
    text = (
        "sources:\n  - {credibility: 2, published: 2020-04, url: 'https://e.org/a', source: rudaw}\n"
        "corrections:\n  - {note: Count revised, date: {to: 2020-05-02, from: 2020-05-01}}\n"
        "confidence: reported\nstatus: published\nid: x\nregion: r\n"
        "extra: {zeta: 1, alpha: 2}\n"
    )
    data = yaml.safe_load(fmt_text(text))
    assert list(data) == [k for k in FIELD_ORDER["Incident"] if k in data]
    assert list(data["sources"][0]) == ["source", "url", "published", "credibility"]
    assert list(data["corrections"][0]) == ["date", "note"]
    assert list(data["corrections"][0]["date"]) == ["from", "to"]
    assert list(data["extra"]) == ["zeta", "alpha"]  # a free mapping keeps the editor's order


def test_actor_region_source_orders() -> None:
    actor = fmt_text("kind: person\nname: Myles Caggins\nid: myles-caggins\naffiliation: global-coalition\n"
                     "title: Coalition spokesman\naliases: [Caggins]\n", "actors")
    assert actor.splitlines() == ["id: myles-caggins", "name: Myles Caggins", "aliases:", "  - Caggins",
                                  "kind: person", "affiliation: global-coalition", "title: Coalition spokesman"]
    regions = fmt_text("- level: country\n  id: iraq\n  name: Iraq\n- parent: iraq\n  coordinates: [35.47, 44.39]\n"
                       "  disputed: true\n  name: Kirkuk\n  id: kirkuk\n  level: governorate\n", "regions")
    assert regions == ("- id: iraq\n  name: Iraq\n  level: country\n- id: kirkuk\n  name: Kirkuk\n"
                       "  level: governorate\n  parent: iraq\n  disputed: true\n  coordinates: [35.47, 44.39]\n")
    source = fmt_text("reliability: B\nurl: https://www.rudaw.net\nkind: media\nname: Rudaw\nid: rudaw\n", "sources")
    assert source == "id: rudaw\nname: Rudaw\nkind: media\nurl: https://www.rudaw.net\nreliability: B\n"


@pytest.mark.parametrize(("written", "canonical"), [
    # strings another YAML reader would take for something else stay (or become) quoted
    ("NO", "'NO'"), ("'on'", "'on'"), ('"007"', "'007'"), ("0x1F", "'0x1F'"), ("12:30", "'12:30'"),
    ('"null"', "'null'"), ('"~"', "'~'"), ('"true"', "'true'"), ('"1e3"', "'1e3'"), (".inf", "'.inf'"),
    ("y", "'y'"), ('""', "''"), ('"2020-04-13"', "'2020-04-13'"), ("2020-04-13", "'2020-04-13'"),
    # text that is safe unquoted loses its quotes; quotes that YAML needs stay
    ('"Kirkuk"', "Kirkuk"), ("'Rudaw Radio'", "Rudaw Radio"), ('"2020-04"', "2020-04"),
    ('"a: b"', "'a: b'"), ('"#1"', "'#1'"), ("\"it's\"", "it's"), ('"- x"', "'- x'"),
    ('" padded "', "' padded '"), ('"tab\\there"', '"tab\\there"'), ('"line\\u2028sep"', '"line\\Lsep"'),
    # numbers, booleans and nulls keep their spelling
    ("2020", "2020"), ("2.50", "2.50"), ("true", "true"), ("~", "~"), ("1e3", "1e3"),
])
def test_quoting(written: str, canonical: str) -> None:
    out = fmt_text(f"place: {written}\n", None)
    assert out == f"place: {canonical}\n"
    assert same(load_file("a", f"place: {written}\n".encode()).records[0].data,
                load_file("b", out.encode()).records[0].data)


def test_a_day_in_a_date_field_is_plain_and_other_dates_stay_quoted() -> None:
    out = fmt_text("date: '2020-04-13'\nsources:\n  - {source: rudaw, published: \"2020-04-17\"}\n"
                   "corrections:\n  - {date: '2020-02-30', note: not a day}\ntitle: '2020-04-13'\n")
    assert "date: 2020-04-13\n" in out
    assert "    published: 2020-04-17\n" in out
    assert "  - date: '2020-02-30'\n" in out  # not a real day: YAML 1.1 readers would choke on it
    assert "title: '2020-04-13'\n" in out  # a text that looks like a date stays text
    assert fmt_text("date: 2020\n") == "date: 2020\n"  # a year stays a number, as written


def test_long_lines_are_never_wrapped_and_blocks_keep_their_lines() -> None:
    title = "A very long headline " * 12
    text = f"title: {title.strip()}\nsummary: |\n  first line\n\n    indented line\n  last line\n"
    out = fmt_text(text)
    assert f"title: {title.strip()}\n" in out
    assert "summary: |\n  first line\n\n    indented line\n  last line\n" in out


def test_comments_between_records_of_a_list_file_and_inside_flow_lists() -> None:
    text = ("# header\n- name: Iraq   # country\n  id: iraq\n  aliases: [  # every script\n    Irak,  # French\n"
            "    العراق\n  ]\n\n# the governorates\n- id: kirkuk\n  level: governorate\n  name: Kirkuk\n"
            "  parent: iraq\n  level_note: x\n# end\n")
    out = fmt_text(text, "regions")
    assert out == ("# header\n- id: iraq\n  name: Iraq  # country\n  aliases:\n    # every script\n"
                   "    - Irak  # French\n    - العراق\n# the governorates\n- id: kirkuk\n  name: Kirkuk\n"
                   "  level: governorate\n  parent: iraq\n  level_note: x\n# end\n")


def test_crlf_and_bom_are_normalized() -> None:
    text = "\ufeffid: saved-by-notepad\r\nname: Saved by Notepad  # CRLF\r\nkind: other\r\n"
    out = format_bytes(text.encode("utf-8"), "x.yml", "actors")
    assert out == b"id: saved-by-notepad\nname: Saved by Notepad  # CRLF\nkind: other\n"
    assert format_bytes(b"id: x\nname: y\nkind: other", "x.yml", "actors").endswith(b"other\n")  # final newline


def test_file_that_does_not_parse_raises_with_its_line() -> None:
    with pytest.raises(FormatError) as caught:
        format_bytes(b"id: x\ntitle: a: b\n", "data/incidents/x.yml", "incidents")
    assert caught.value.problem.path == "data/incidents/x.yml"
    assert caught.value.problem.line == 2


# --- values never change ------------------------------------------------------------------------


@pytest.mark.parametrize("source", [REPO / "data", BASE], ids=["example-data", "fixtures-base"])
def test_fmt_never_changes_what_the_validator_loads(tmp_path: Path, source: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(source, data)
    before = records(data)
    result = run("fmt", "--data", str(data))
    assert result.returncode == 0, result.stderr
    after = records(data)
    assert before and after == before
    assert validate(data).report.ok
    assert run("fmt", "--check", "--data", str(data)).returncode == 0


def test_fmt_is_idempotent_over_every_fixture_that_parses() -> None:
    folders = [REPO / "data", BASE, *sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir())]
    formatted = 0
    for folder in folders:
        for result in format_folder(folder):
            if result.problem is not None:
                assert result.problem.code in UNPARSABLE, result.problem.format_text()
                continue
            first = result.formatted if result.changed else Path(result.path).read_bytes()
            kind = Path(result.path).relative_to(folder).parts[0]
            assert format_bytes(first, result.path, kind) == first, result.path
            before = load_file(result.path)
            assert same([r.data for r in before.records], [r.data for r in load_file(result.path, first).records])
            formatted += 1
    assert formatted > 50


def test_the_example_data_is_canonical() -> None:
    result = run("fmt", "--check", "--data", str(REPO / "data"))
    assert result.returncode == 0, result.stdout
    assert "0 would be reformatted" in result.stdout


_NASTY = ["yes", "NO", "on", "007", "0x1F", "1_000", "12:30", ".inf", "null", "~", "", " ", "2020-04-13",
          "2020-02-30", "2020-04", "2020", "true", "a: b", "- x", "#hash", "a #b", "'q'", '"dq"', "x\ny",
          "multi\n\nline\n", "tab\tin", "trailing ", " leading", "داعش", "é", "[x]", "{y}", "@at", "`bt", "%p",
          "!bang", "&amp", "*star", "|pipe", ">gt", "?q", ",c", "1e3", "-", "--- x", "...", "y", "=", "<<",
          "long " * 30]
_KEYS = ["id", "title", "date", "type", "region", "actors", "sources", "tags", "summary", "extra", "zzz", "aaa",
         "status", "casualties", "coordinates", "from", "to", "low", "best", "source", "url", "published", "n", "yes"]
_text = st.one_of(st.sampled_from(_NASTY),
                  st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x85\u2028\u2029"),
                          max_size=15))
_scalar = st.one_of(_text, st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False, width=32),
                    st.booleans(), st.none())
_value = st.recursive(_scalar, lambda c: st.one_of(st.lists(c, max_size=4), st.dictionaries(st.sampled_from(_KEYS), c,
                                                                                           max_size=5)),
                      max_leaves=15)
_record = st.dictionaries(st.sampled_from(_KEYS), _value, min_size=1, max_size=8)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.one_of(_record, st.lists(_record, min_size=1, max_size=3)), flow=st.booleans(),
       style=st.sampled_from([None, '"', "'", "|", ">"]), seed=st.integers(0, 2**32),
       kind=st.sampled_from(["incidents", "statements", "actors", "regions", "sources", None]))
def test_generated_files_keep_values_and_comments_and_settle_in_one_pass(
        data: object, flow: bool, style: str | None, seed: int, kind: str | None) -> None:
    rnd = random.Random(seed)  # noqa: S311  # seeded test data, reproducible on purpose
    dumped = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False,
                            width=rnd.choice([20, 80, 1000]), default_style=style)
    lines = []
    for number, line in enumerate(dumped.split("\n")):  # comments anywhere, some inside scalars
        if rnd.random() < 0.2:
            lines.append(" " * rnd.randint(0, 6) + f"# full {number}")
        lines.append(line + (f"  # end {number}" if line and rnd.random() < 0.2 else ""))
    text = "\n".join(lines)
    raw = text.encode() if seed % 3 else ("\ufeff" + text.replace("\n", "\r\n")).encode()
    before = load_file("x.yml", raw)
    assume(not any(p.code in UNPARSABLE for p in before.problems))

    out = format_bytes(raw, "x.yml", kind)

    assert same([r.data for r in before.records], [r.data for r in load_file("x.yml", out).records])
    assert Counter(c.text for c in find_comments(text)) == Counter(c.text for c in find_comments(out.decode()))
    assert b"\r" not in out and not out.startswith(b"\xef\xbb\xbf") and out.endswith(b"\n")
    assert format_bytes(out, "x.yml", kind) == out


# --- the command ----------------------------------------------------------------------------------


def test_check_changes_nothing_and_lists_the_files_that_would_change(base_data: Path) -> None:
    before = snapshot(base_data)
    result = run("fmt", "--check", "--data", str(base_data))
    assert result.returncode == 1
    # the fixtures use flow lists and another key order: these four are not canonical
    listed = sorted(line.split(":")[0] for line in result.stdout.splitlines() if "would be reformatted" in line
                    and line.startswith(str(base_data)))
    assert listed == sorted(str(base_data / p) for p in ("actors/isis.yml", "actors/spokesman.yml",
                                                         "incidents/2020/04/attack.yml", "regions/regions.yml"))
    assert "run `briefing fmt`" in result.stderr
    assert snapshot(base_data) == before


def test_fmt_rewrites_then_check_passes(base_data: Path) -> None:
    result = run("fmt", "--data", str(base_data))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("formatted ") == 4
    written = (base_data / "incidents/2020/04/attack.yml").read_text()
    assert "actors:\n  - actor: isis\n    role: perpetrator\n" in written
    again = snapshot(base_data)
    assert run("fmt", "--data", str(base_data)).returncode == 0
    assert snapshot(base_data) == again  # a second run changes nothing
    assert run("fmt", "--check", "--data", str(base_data)).returncode == 0


def test_a_file_that_does_not_parse_is_reported_and_left_untouched(base_data: Path) -> None:
    broken = base_data / "incidents" / "2020" / "04" / "broken.yml"
    broken.write_bytes(b"id: broken\ntitle: Clash: near Hawija\r\n")
    result = run("fmt", "--data", str(base_data))
    assert result.returncode == 1
    assert f"{broken.as_posix()}:2:" in result.stderr
    assert "could not be parsed and were left as they are" in result.stdout
    assert broken.read_bytes() == b"id: broken\ntitle: Clash: near Hawija\r\n"
    # the other files were formatted all the same
    assert "  - actor: isis\n" in (base_data / "incidents/2020/04/attack.yml").read_text()
    check = run("fmt", "--check", "--data", str(base_data))
    assert check.returncode == 1 and f"{broken.as_posix()}:2:" in check.stderr


def test_files_named_limit_it_to_those_files(base_data: Path) -> None:
    attack = base_data / "incidents" / "2020" / "04" / "attack.yml"
    isis = base_data / "actors" / "isis.yml"
    before = snapshot(base_data)
    result = run("fmt", "--check", "--data", str(base_data), str(attack))
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if "would be reformatted" in line and "files:" not in line] == [
        f"{attack.as_posix()}: would be reformatted"]
    assert run("fmt", "--data", str(base_data), str(attack)).returncode == 0
    after = snapshot(base_data)
    assert after["incidents/2020/04/attack.yml"] != before["incidents/2020/04/attack.yml"]
    assert after["actors/isis.yml"] == before["actors/isis.yml"]  # not named: not touched
    assert run("fmt", "--check", "--data", str(base_data), str(attack)).returncode == 0
    assert run("fmt", "--check", "--data", str(base_data), str(isis)).returncode == 1
    outside = run("fmt", "--data", str(base_data), str(REPO / "mkdocs.yml"))
    assert outside.returncode == 2 and "is not in the data folder" in outside.stderr


def test_a_large_folder_gives_the_same_result_in_parallel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    for number in range(60):  # enough files for several workers
        (data / "incidents" / "2020" / "04" / f"attack-{number}.yml").write_bytes(
            (BASE / "incidents" / "2020" / "04" / "attack.yml").read_bytes()
            .replace(b"id: attack", f"id: a{number}".encode()))
    one = format_folder(data, workers=1)
    monkeypatch.setattr(fmt_mod, "PARALLEL_FROM", 10)
    many = format_folder(data, workers=2)
    assert [(r.path, r.formatted, r.problem) for r in many] == [(r.path, r.formatted, r.problem) for r in one]
    assert sum(r.changed for r in one) == 64  # the 60 copies and the 4 fixtures not in canonical form


def test_missing_data_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run("fmt", "--data", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr


# --- only regular files are read, and nothing is written through a link (issue 9, items 5-6) ----


def _limited_memory() -> None:
    # A reader that reads without limit (/dev/zero) must fail the test, not exhaust the machine.
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def test_links_fifos_and_oversized_files_are_reported_never_read(base_data: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yml"
    secret.write_text("id: SECRET-4f2a\nname: [unclosed\n", encoding="utf-8")
    (base_data / "actors" / "zero.yml").symlink_to("/dev/zero")
    (base_data / "actors" / "secret.yml").symlink_to(secret)
    (base_data / "sources" / "more").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(base_data / "actors" / "pipe.yml")
    big = base_data / "actors" / "big.yml"
    big.write_bytes(b"id: big\n" + b"#" * MAX_FILE_BYTES + b"\n")
    before = secret.read_bytes()
    exe = Path(sys.executable).with_name("briefing")
    result = subprocess.run([str(exe), "fmt", "--data", str(base_data)], capture_output=True, text=True,
                            timeout=60, preexec_fn=_limited_memory)
    assert result.returncode == 1, result.stderr
    codes = {line.split(":")[0].removeprefix(base_data.as_posix() + "/"): line.rsplit("[", 1)[-1].rstrip("]")
             for line in result.stderr.splitlines() if line.startswith(base_data.as_posix())}
    assert codes == {"actors/zero.yml": "file-symlink", "actors/secret.yml": "file-symlink",
                     "sources/more": "file-symlink", "actors/pipe.yml": "file-not-regular",
                     "actors/big.yml": "file-too-large"}
    assert "SECRET-4f2a" not in result.stdout + result.stderr
    assert secret.read_bytes() == before and (base_data / "actors" / "secret.yml").is_symlink()
    assert (base_data / "actors" / "zero.yml").is_symlink()
    assert "formatted" in result.stdout  # the regular files were formatted all the same


def test_a_link_named_on_the_command_line_is_reported_as_a_link(base_data: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text("id:   outside\nname: Outside\nkind: militia\n", encoding="utf-8")
    link = base_data / "actors" / "link.yml"
    link.symlink_to(outside)
    result = run("fmt", "--data", str(base_data), str(link))
    assert result.returncode == 1
    assert f"{link.as_posix()}:1:1: error: a symbolic link" in result.stderr
    assert outside.read_text(encoding="utf-8") == "id:   outside\nname: Outside\nkind: militia\n"


def test_fmt_never_writes_through_a_link_planted_at_its_temporary_name(base_data: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    attack = base_data / "incidents" / "2020" / "04" / "attack.yml"
    (attack.parent / f".{attack.name}.fmt-tmp").symlink_to(victim)  # the name fmt once always used
    (attack.parent / f".{attack.name}.tmp").symlink_to(victim)
    result = run("fmt", "--data", str(base_data))
    assert result.returncode == 0, result.stderr
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not attack.is_symlink() and "  - actor: isis\n" in attack.read_text(encoding="utf-8")


def test_replace_file_skips_every_name_it_could_pick_that_is_taken(tmp_path: Path) -> None:
    # mkstemp's next names are read off its own random sequence (and the sequence put back), and a
    # link to the victim is planted at each: O_EXCL refuses them all and the next name is used.
    import tempfile

    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    folder = tmp_path / "data" / "actors"
    folder.mkdir(parents=True)
    target = folder / "isis.yml"
    target.write_bytes(b"id: isis\n")
    target.chmod(0o640)
    names = tempfile._get_candidate_names()  # type: ignore[attr-defined]  # private: not in the stubs
    state = names.rng.getstate()
    upcoming = [next(names) for _ in range(20)]
    names.rng.setstate(state)
    planted = [folder / f".{target.name}.{name}.tmp" for name in upcoming] + [folder / ".isis.yml.fmt-tmp"]
    for link in planted:
        link.symlink_to(victim)
    replace_file(target, b"id: isis\nname: ISIS\n")
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert target.read_bytes() == b"id: isis\nname: ISIS\n" and not target.is_symlink()
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert sorted(p.name for p in folder.iterdir()) == sorted([target.name, *(p.name for p in planted)])



def test_bidi_controls_stay_escaped(base_data: Path) -> None:
    # Written raw, U+202E is invisible and reverses how the rest of the line shows in an editor and
    # in a pull request's diff. fmt keeps it escaped (the value read back is the same).
    actor = base_data / "actors" / "bidi.yml"
    actor.write_text('id: bidi\nname: "Islamic \\u202eState"\nkind: other\naliases: ["\\u2066x\\u2069", داعش]\n',
                     encoding="utf-8")
    before = load_file(str(actor)).records[0].data
    result = run("fmt", "--data", str(base_data))
    assert result.returncode == 0, result.stderr
    text = actor.read_text(encoding="utf-8")
    assert not any(ch in text for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), text
    assert '"Islamic \\u202EState"' in text and '"\\u2066x\\u2069"' in text
    assert "  - داعش\n" in text  # other values keep their letters
    assert load_file(str(actor)).records[0].data == before
    assert run("fmt", "--check", "--data", str(base_data)).returncode == 0  # stable
