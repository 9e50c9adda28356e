"""The safe loader: what it refuses, what it keeps, and that no input can crash it."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import MAX_DEPTH, load_file
from generator.problems import CODES
from generator.validate import validate


def codes(raw: bytes) -> list[tuple[int, int, str]]:
    return [(p.line, p.col, p.code) for p in load_file("data/incidents/x.yml", raw).problems]


def test_yaml_11_surprises_stay_text() -> None:
    loaded = load_file("x.yml", b"a: NO\nb: 12:30\nc: on\nd: 0x1F\ne: 2020-04-13\nf: 010\ng: 1_000\nh: .inf\n")
    assert loaded.records[0].data == {
        "a": "NO", "b": "12:30", "c": "on", "d": "0x1F", "e": "2020-04-13", "f": "010", "g": "1_000", "h": ".inf",
    }


def test_core_schema_values() -> None:
    loaded = load_file("x.yml", b"a: true\nb: False\nc: ~\nd:\ne: -3\nf: 1.5e3\ng: '2020'\nh: !!str 2020\n")
    assert loaded.records[0].data == {
        "a": True, "b": False, "c": None, "d": None, "e": -3, "f": 1500.0, "g": "2020", "h": "2020",
    }


def test_bom_and_crlf_are_accepted_with_right_lines() -> None:
    loaded = load_file("x.yml", b"\xef\xbb\xbfid: a\r\ntitle: b\r\nbad: [\r\n")
    assert [(p.line, p.code) for p in loaded.problems] == [(4, "yaml-syntax")]
    good = load_file("x.yml", b"\xef\xbb\xbfid: a\r\ntitle: b\r\n")
    assert good.records[0].data == {"id": "a", "title": "b"} and not good.problems
    assert good.records[0].locate(("title",)) == (2, 8)


def test_positions_point_at_the_field() -> None:
    record = load_file("x.yml", b"id: a\nactors:\n  - actor: isis\n    role: target\n").records[0]
    assert record.locate(("actors", 0, "role")) == (4, 11)
    assert record.locate(("actors", 0, "role"), key=True) == (4, 5)
    assert record.locate(("actors", 0, "missing")) == (3, 5)  # the enclosing mapping


def test_refusals_at_their_lines() -> None:
    assert codes(b"a: 1\na: 2\n") == [(2, 1, "yaml-duplicate-key")]
    assert codes(b"a: &x 1\nb: *x\n") == [(1, 4, "yaml-anchor"), (2, 4, "yaml-anchor")]
    assert codes(b"a: !!python/object/apply:os.system [ls]\n") == [(1, 4, "yaml-tag")]
    assert codes(b"a: !custom x\n") == [(1, 4, "yaml-tag")]
    assert codes(b"a:\n\tb: 1\n") == [(2, 1, "yaml-tab-indent")]
    assert codes(b"a: 1\n---\nb: 2\n") == [(2, 1, "yaml-multiple-documents")]
    assert codes(b"") == [(1, 1, "file-empty")]
    assert codes(b"# just a comment\n\n") == [(1, 1, "file-empty")]
    assert codes(b"just text\n") == [(1, 1, "not-a-record")]
    assert codes(b"a: caf\xe9\n") == [(1, 7, "file-encoding")]
    assert codes(b"[] \n") == [(1, 1, "file-empty")]


def test_tags_never_construct_objects(tmp_path) -> None:
    marker = tmp_path / "pwned"
    raw = f"a: !!python/object/apply:os.system ['touch {marker}']\nb: !!binary aGk=\n".encode()
    loaded = load_file("x.yml", raw)
    # reported, then read as the plain data they are: never run, never decoded
    assert loaded.records[0].data == {"a": [f"touch {marker}"], "b": "aGk="}
    assert [p.code for p in loaded.problems] == ["yaml-tag", "yaml-tag"]
    assert not marker.exists()


def test_alias_marks_the_record_and_shares_instead_of_copying() -> None:
    loaded = load_file("x.yml", b"- &s {a: 1}\n- *s\n")
    assert [r.aliased for r in loaded.records] == [False, True]
    assert loaded.records[0].data is loaded.records[1].data


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    start = time.perf_counter()
    loaded = load_file("x.yml", "\n".join(lines).encode())
    assert time.perf_counter() - start < 5  # generous: expansion would never finish
    assert {p.code for p in loaded.problems} == {"yaml-anchor"}


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    deep = "a: " + "[" * (MAX_DEPTH + 10) + "]" * (MAX_DEPTH + 10) + "\n"
    assert [p.code for p in load_file("x.yml", deep.encode()).problems] == ["yaml-syntax"]
    deeper = "[" * 5000 + "]" * 5000
    assert [p.code for p in load_file("x.yml", deeper.encode()).problems] == ["yaml-syntax"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(raw: bytes) -> None:
    loaded = load_file("x.yml", raw)
    assert all(p.code in CODES and p.line >= 1 and p.col >= 1 for p in loaded.problems)


_yaml_chars = st.sampled_from(list("ab:- \n\t'\"[]{},&*!#|>?%@`~0123456789.\\") + ["\r\n", "---", "...", "NO", "é"])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(_yaml_chars, max_size=80).map("".join))
def test_yaml_like_text_never_crashes(text: str) -> None:
    loaded = load_file("x.yml", text.encode())
    assert all(p.code in CODES for p in loaded.problems)
    for record in loaded.records:
        assert isinstance(record.data, dict)


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(st.text(max_size=10), _values, max_size=6))
def test_any_dumped_mapping_round_trips_without_crash(value: dict) -> None:
    text = yaml.safe_dump(value, allow_unicode=True)
    loaded = load_file("x.yml", text.encode())
    assert all(p.code in CODES for p in loaded.problems)


def test_a_decimal_keeps_its_written_digits_as_text() -> None:
    # `place: 1.10` (a kilometre post, a sector) must not print as "1.1"
    data = load_file("x.yml", b"place: 1.10\nlat: 36.50\nn: 2.0e1\n").records[0].data
    assert [str(data[k]) for k in ("place", "lat", "n")] == ["1.10", "36.50", "2.0e1"]
    assert data["lat"] == 36.5 and data["n"] == 20.0  # and they are still the numbers


def test_a_decimal_in_a_text_field_reaches_the_record_as_written(base_data: Path) -> None:
    [path] = (base_data / "incidents").rglob("*.yml")
    text = re.sub(r"^place: .*\n", "", path.read_text(encoding="utf-8"), flags=re.M)
    path.write_text(text + "place: 1.10\n", encoding="utf-8")
    result = validate(base_data)
    assert not result.report.errors
    assert [e.record.place for e in result.dataset.incidents.values()] == ["1.10"]


@pytest.mark.parametrize("now", ["", "# only a comment now\n", None])
def test_a_file_emptied_or_gone_after_reading_gives_the_records_own_position(tmp_path: Path, now: str | None) -> None:
    """A problem found after the file was read (an unknown reference, found by `link`) asks for
    its position again; when the file was emptied, or replaced by a link, since (an editor saving
    during `serve`), the record's own line is given, never a crash."""
    path = tmp_path / "one.yml"
    path.write_text("id: one\nname: One\nparent: nowhere\n", "utf-8")
    [raw] = load_file(str(path)).records
    raw.text = None  # as validate leaves it: positions are read again when asked
    if now is None:
        path.unlink()
        path.symlink_to(tmp_path / "elsewhere.yml")
    else:
        path.write_text(now, "utf-8")
    assert raw.locate(("parent",)) == (raw.line, raw.col)
