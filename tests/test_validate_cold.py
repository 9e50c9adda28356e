"""The fast paths of a cold validation give what the general ones give.

A cold `briefing validate` takes shortcuts for the common case (docs/design.md, "Cold validation,
session 7"): a plain walk of the nodes when a file holds no tag and no anchor, a date text read
once per run, references of the usual shapes read directly, one check per text field. Each test
here runs the same data both ways and compares what a user sees: every problem (code, file, line,
column, message, severity), every record's model, and the records as loaded. The data: the
example data, the test fixtures (the valid base, the dates, and every broken case on top of the
base) and a synthetic folder written with mistakes of every sort (tests/cold_data.py).
"""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from cold_data import write_cold_data
from conftest import BASE, FIXTURES, REPO
from generator import bidi, dates, load
from generator.kinds import REFERENCES
from generator.link import Written, expand
from generator.load import WrittenFloat, load_file, resolve_plain, same
from generator.models import NAME_MAX, Incident
from generator.validate import YAML_SUFFIXES, Result, validate

BROKEN = FIXTURES / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())
FOLDERS = ["example", "base", "dates", "cold", *(f"broken/{case}" for case in CASES)]


@pytest.fixture
def folder(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The data folder a test is given by name (see FOLDERS), copied or written under tmp_path."""
    name: str = request.param
    if name == "example":
        return REPO / "data"
    if name in ("base", "dates"):
        return FIXTURES / name
    if name == "cold":
        return write_cold_data(tmp_path / "cold")
    target = tmp_path / "data"
    shutil.copytree(BASE, target)
    case = BROKEN / name.removeprefix("broken/")
    shutil.copytree(case, target, dirs_exist_ok=True, ignore=lambda _dir, _names: ["expected.txt"])
    return target


class _NoMemo(dict[str, Any]):
    """A date memo that never remembers: every date text is parsed again."""

    def get(self, key: str, default: Any = None) -> Any:  # noqa: ARG002  # dict's signature
        return default


def slow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turn the shortcuts off: the general walk for every file, every date parsed anew."""
    monkeypatch.setattr(load, "FAST_WALK", False)
    monkeypatch.setattr(dates, "_MEMO", _NoMemo())


def yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file() and not p.is_symlink())


def report_of(result: Result) -> list[tuple[str, int, int, str, str, str]]:
    return [(p.path, p.line, p.col, p.code, p.message, p.severity) for p in result.report.sorted()]


def models_of(result: Result) -> dict[str, list[tuple[str, str, int, str]]]:
    return {kind: [(record_id, entry.path, entry.line, repr(entry.record))
                   for record_id, entry in result.dataset.kind(kind).items()]
            for kind in REFERENCES}


def loaded_of(path: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """A file's records (values, position, flags) and problems, as loading gives them."""
    out = load_file(path.as_posix())
    records = [(r.data, r.line, r.col, r.index, r.aliased, r.tainted) for r in out.records]
    problems = [(p.path, p.line, p.col, p.code, p.message, p.severity) for p in out.problems]
    return records, problems


def same_records(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]]) -> bool:
    return len(a) == len(b) and all(same(x[0], y[0]) and x[1:] == y[1:] for x, y in zip(a, b, strict=True))


def assert_same_loads(paths: list[Path], got: list[Any], want: list[Any]) -> None:
    """Each file's records and problems (`loaded_of`) in `got` are those in `want`."""
    for path, (records, problems), (want_records, want_problems) in zip(paths, got, want, strict=True):
        assert problems == want_problems, path
        assert same_records(records, want_records), path


@pytest.mark.parametrize("folder", FOLDERS, indirect=True)
def test_the_plain_walk_loads_what_the_general_walk_loads(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = yaml_files(folder)
    fast = [loaded_of(path) for path in files]
    slow(monkeypatch)
    general = [loaded_of(path) for path in files]
    assert_same_loads(files, fast, general)


@pytest.mark.parametrize("folder", FOLDERS, indirect=True)
def test_a_cold_validation_reports_and_builds_what_the_general_paths_do(folder: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    fast, fast_cold = validate(folder), validate(folder, models=False, workers=1)
    slow(monkeypatch)
    general, general_cold = validate(folder), validate(folder, models=False, workers=1)
    assert report_of(fast) == report_of(general)
    assert report_of(fast_cold) == report_of(general_cold) == report_of(general)
    assert models_of(fast) == models_of(general)
    assert fast.report.records == general.report.records


def test_the_synthetic_folder_holds_the_mistakes_it_is_meant_to(tmp_path: Path) -> None:
    """The comparisons above mean something only if the data has problems of many sorts."""
    codes = {p.code for p in validate(write_cold_data(tmp_path / "cold")).report.problems}
    for code in ("yaml-duplicate-key", "yaml-complex-key", "yaml-tag", "yaml-anchor", "number-too-large",
                 "yaml-syntax", "yaml-tab-indent", "not-a-record", "file-empty", "file-encoding", "invalid-date",
                 "date-span-reversed", "year-out-of-range", "unknown-reference", "duplicate-id", "invalid-count",
                 "invalid-range", "control-character", "bidi-control", "invalid-coordinates", "invalid-url",
                 "date-after-sources", "parent-cycle", "duplicate-alias", "duplicate-entry", "missing-field"):
        assert code in codes, code


def test_references_are_those_expand_finds(tmp_path: Path) -> None:
    """`Written.of` reads the references of the usual shapes directly: the same kinds, ids and
    places, in the same order, as `expand` over every pattern of the kind."""
    roots = [REPO / "data", BASE, FIXTURES / "dates", write_cold_data(tmp_path / "cold")]
    checked = 0
    for root in roots:
        for path in yaml_files(root):
            kind = path.relative_to(root).parts[0]
            if kind not in REFERENCES:
                continue
            for raw in load_file(path.as_posix()).records:
                written = Written.of(kind, path.as_posix(), raw)
                want = [(where, target, value) for pattern, target in REFERENCES[kind]
                        for where, value in expand(raw.data, pattern)]
                assert list(zip(written.wheres, written.targets, written.ids, strict=True)) == want, path
                checked += 1
    assert checked > 100


def _resolve_plain_as_before(value: str) -> Any:
    """`resolve_plain` as it was written before its shortcut for dates (the YAML 1.2 core schema)."""
    if not value or value in ("", "~", "null", "Null", "NULL"):
        return None
    first = value[0]
    if first.isdigit() or first in "+-.":
        if len(value) > load.MAX_INT_DIGITS and re.fullmatch(r"[-+]?[0-9]+", value):
            return value
        if re.fullmatch(r"[-+]?[0-9]+", value):
            digits = value.lstrip("+-")
            return int(value) if digits == "0" or digits[0] != "0" else value
        if re.fullmatch(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?", value):
            return WrittenFloat(value)
        return value
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    return value


TRICKY = ["2020-04-13", "2020-04", "2020", "1234-5", "1.2e-5", "12e-5", "1234e-5", "+123-4", "-2020-01",
          "0000-00", "٢٠٢٠-04", "2020-", "007", "0", "-0", "+1", "1.10", ".5", "1e3", "1.", "true", "True",
          "NO", "on", "~", "null", "12:30", "0x1F", "9" * 101, "-" + "9" * 101, "2020-04-13T10:00", "a-b"]


@pytest.mark.parametrize("value", TRICKY)
def test_plain_scalars_are_typed_as_before(value: str) -> None:
    assert same(resolve_plain(value), _resolve_plain_as_before(value))


def test_tricky_plain_scalars_load_the_same_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "values.yml"
    lines = [f"k{i}: {value}" for i, value in enumerate(TRICKY)]
    lines += ["list: [" + ", ".join(TRICKY) + "]", "nested: {a: [1, {b: 2020-01}], a2: x}", "k0: again"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fast = loaded_of(path)
    slow(monkeypatch)
    general = loaded_of(path)
    assert fast[1] == general[1] and any(p[3] == "yaml-duplicate-key" for p in fast[1])
    assert same_records(fast[0], general[0])


def test_a_date_text_read_twice_gives_the_same_date_and_the_same_error() -> None:
    first, again = dates.parse_date("2020-04-13"), dates.parse_date("2020-04-13")
    assert first == again == dates.FuzzyDate(dates.parse_point("2020-04-13"), dates.parse_point("2020-04-13"))
    messages = []
    for _ in range(2):
        with pytest.raises(dates.DateError) as caught:
            dates.parse_date("2020-02-30")
        messages.append((caught.value.code, caught.value.message))
    assert messages[0] == messages[1]


@pytest.mark.parametrize(("title", "code"), [
    ("", "empty-text"), ("   ", "empty-text"), (" " * (NAME_MAX + 1), "empty-text"), ("\u3000\u2003\n", "empty-text"),
    ("\u3000x", None),
    ("x" * (NAME_MAX + 1), "text-too-long"), ("x" * NAME_MAX, None),
])
def test_one_check_per_text_field_reports_as_two_did(title: str, code: str | None) -> None:
    """A blank text is reported as blank whatever its length (the blank check came first)."""
    record = {"id": "a", "title": title, "date": "2020", "type": "attack", "region": "r",
              "actors": [{"actor": "x", "role": "target"}], "sources": [{"source": "s"}]}
    if code is None:
        Incident.model_validate(record, context={})
        return
    with pytest.raises(ValidationError) as caught:
        Incident.model_validate(record, context={})
    assert [e["type"] for e in caught.value.errors() if e["loc"] == ("title",)] == [code]


@pytest.mark.parametrize("text", [
    "plain text\nwith lines\tand tabs\n", "a backslash \\ here", "a bell \a", "CRLF\r\n", "DEL \x7f",
    "NUL \x00", "ESC \x1b[31m", "café", "Kirkuk\u202e", "C1 \x85", "isolate \u2066x\u2069", "", "\n\t",
])
def test_the_ascii_shortcut_finds_what_the_search_finds(text: str) -> None:
    assert bidi._clean(text) == (bidi._SUSPECT.search(text) is None)


# --- session 8: plain nodes, the composer's hooks and the models' shortcuts -----------------------

PLAIN_CASES = {
    "two-documents.yml": "id: a\n---\nid: b\n",
    "trailing-marker.yml": "id: a\ntitle: x\n---\n",
    "trailing-end.yml": "id: a\n...\n# done\n",
    "empty-list.yml": "[]\n",
    "null-root.yml": "~\n",
    "scalar-root.yml": "just text\n",
    "scalar-item.yml": "- id: a\n- 12\n- [x]\n",
    "duplicate-in-flow.yml": "id: a\nactors: [{actor: x, actor: y}]\n",
    "complex-key.yml": "? [a, b]\n: c\nid: a\n",
    "deep.yml": "id: a\nextra: " + "[" * 70 + "]" * 70 + "\n",
    "long-numbers.yml": "id: a\nn: " + "9" * 120 + "\nl: [" + "-" + "7" * 101 + ", 1]\n",
    "words.yml": "a: falsey\nb: truE\nc: Nulls\nd: NULL\ne: FALSE\nf: ~\ng: True\nh: nulled text here\n",
    "blank.yml": "title: \"\\u3000\\u2003\"\nplace: ' '\n",
    "syntax.yml": "id: a\ntitle: [unclosed\n",
}


def test_plain_nodes_load_what_the_general_walk_loads_in_odd_shapes(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Documents of every shape the plain walk meets (a second document, end markers, a scalar
    or an empty list for a file, duplicate and complex keys, nesting past the limit, numbers too
    long, words that are almost true/false/null, a syntax error) give the same records and
    problems through the plain nodes as through the general walk."""
    paths = []
    for name, text in PLAIN_CASES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    fast = [loaded_of(path) for path in paths]
    slow(monkeypatch)
    general = [loaded_of(path) for path in paths]
    assert_same_loads(paths, fast, general)
    assert any(p[3] == "yaml-multiple-documents" for p in fast[0][1])


@pytest.mark.parametrize("folder", ["cold", "example"], indirect=True)
def test_a_pyyaml_that_makes_its_own_nodes_still_loads_every_file(folder: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A PyYAML whose composer no longer makes its nodes by its module's names (the plain nodes
    are then never made) loads every file through the general walk: the same records and
    problems, not every file refused as "not a record"."""
    files = yaml_files(folder)
    want = [loaded_of(path) for path in files]
    monkeypatch.setattr(load, "_compose_plain", load._compose)  # PyYAML's own nodes, as such a PyYAML gives
    got = [loaded_of(path) for path in files]
    assert_same_loads(files, got, want)


def test_the_composer_is_left_as_it_was_for_other_readers_of_yaml(tmp_path: Path) -> None:
    """Plain nodes are made only for the time of one composition: after files good and bad were
    loaded, another library's `yaml.load` with libyaml's loader gets PyYAML's own nodes."""
    import yaml
    from yaml import _yaml as binding
    from yaml import nodes

    for name, text in PLAIN_CASES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        load_file((tmp_path / name).as_posix())
    names = vars(binding)  # (the stubs of the binding do not list the node classes it imports)
    assert (names["ScalarNode"], names["SequenceNode"], names["MappingNode"]) == (
        nodes.ScalarNode, nodes.SequenceNode, nodes.MappingNode)
    assert yaml.load("a: [1, {b: c}]\n<<: {d: 1}\n", Loader=yaml.CSafeLoader) == {"a": [1, {"b": "c"}], "d": 1}


@pytest.mark.parametrize("folder", ["cold", "example"], indirect=True)
def test_with_another_thread_running_files_load_the_same(folder: Path) -> None:
    """While another thread runs (as in `briefing serve`), the plain nodes are not used (another
    composer could be handed them) and the general walk gives the same records and problems."""
    import threading

    files = yaml_files(folder)
    alone = [loaded_of(path) for path in files]
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert threading.active_count() > 1
        beside = [loaded_of(path) for path in files]
    finally:
        stop.set()
        other.join()
    for path, (records, problems), (want_records, want_problems) in zip(files, alone, beside, strict=True):
        assert problems == want_problems, path
        assert same_records(records, want_records), path


def _casualty_errors(entry: dict[str, Any]) -> list[str]:
    from generator.models import Casualty

    try:
        Casualty.model_validate(entry, context={})
    except ValidationError as exc:
        return [e["type"] for e in exc.errors()]
    return []


@pytest.mark.parametrize("subject", [{}, {"actor": "a"}, {"group": "civilians"}, {"actor": "a", "group": "civilians"}])
@pytest.mark.parametrize("counts", [{}, {"killed": 1}, {"arrested": 0}, {"killed": None, "wounded": None},
                                    {"abducted": {"low": 1, "best": 2, "high": 3}}, {"wounded": {"high": 2, "low": 3}}])
def test_a_casualty_is_judged_as_casualty_rules_judge_it(subject: dict[str, Any], counts: dict[str, Any]) -> None:
    """The casualty check answers the common case (one subject, a count) at once: every other
    entry gets the first rule casualty_rules breaks, as before."""
    from generator.models import casualty_rules

    entry = {**subject, **counts}
    errors = _casualty_errors(entry)
    if "invalid-range" in errors:
        return  # a range out of order fails first; the rules across fields are not reached
    rules = [code for code, _ in casualty_rules(entry)]
    assert errors == rules[:1]


@pytest.mark.parametrize("value", [
    [1, 2], [90, 180], [-90, -180], [90.5, 1], [1, 180.5], (1.5, 2.5), [True, 1], [1, False], ["1", 2], [1, 2, 3],
    [1], [], "1, 2", None, [float("nan"), 1], [1, float("inf")], [WrittenFloat("1.10"), 2],
])
def test_coordinates_are_judged_as_before(value: Any) -> None:
    """The shortcut for two numbers in range gives what the general check gives (the same pair,
    or the same error)."""
    from pydantic_core import PydanticCustomError

    from generator.models import _coordinates

    def as_before(value: Any) -> Any:
        numbers = isinstance(value, (list, tuple)) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        if not numbers or len(value) != 2:
            return "invalid-coordinates"
        lat, lon = value
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return "invalid-coordinates range"
        return (float(lat), float(lon))

    try:
        got: Any = _coordinates(value)
    except PydanticCustomError as exc:
        got = exc.type + (" range" if "lat" in (exc.context or {}) else "")
    assert got == as_before(value)


@pytest.mark.parametrize("counts", [
    {"low": 1, "best": 2, "high": 3}, {"low": 2, "best": 2, "high": 2}, {"low": 3, "best": 2, "high": 4},
    {"low": 1, "best": 5, "high": 4}, {"low": 1, "high": 0}, {"best": 1}, {}, {"low": 0, "best": None, "high": 1},
])
def test_a_range_is_judged_as_before(counts: dict[str, Any]) -> None:
    """The order check answers a full range in order at once; any other gets the same error as
    before (the first pair out of order, or no figure at all)."""
    from generator.models import CountRange

    given = [(k, counts[k]) for k in ("low", "best", "high") if counts.get(k) is not None]
    want = None if not given else next(
        (f"{a}={x} > {b}={y}" for (a, x), (b, y) in itertools.pairwise(given) if x > y), "ok")
    got: str | None = "ok"
    try:
        CountRange.model_validate(counts, context={})
    except ValidationError as exc:
        error = exc.errors()[0]
        ctx = error.get("ctx") or {}
        got = f"{ctx['n1']}={ctx['v1']} > {ctx['n2']}={ctx['v2']}" if "n1" in ctx else None
    assert got == want


def test_a_blank_text_is_what_strip_called_blank() -> None:
    """`_text_within` tells a blank text by `isspace()` (no copy) where it used `strip()`: the
    same answer for every character, so for every text."""
    import sys

    assert all((not chr(c).strip()) == chr(c).isspace() for c in range(sys.maxunicode + 1))
