"""`briefing serve` keeps, between its runs, what it checked and made of each file (issue 11:
validate.FileMemo, views.common.ViewMemo, site.RenderCache). After any edit, the pages it writes
and what it says must be those of a cold run on the same data: these tests edit the data the ways
editors do and compare, byte for byte, with a fresh Regenerator (nothing kept) run beside it."""

from __future__ import annotations

import dataclasses
import datetime
import re
import shutil
from pathlib import Path
from typing import Callable

import pytest
from pydantic import BaseModel

from conftest import REPO
from generator.models import Actor
from generator.serve import Regenerator
from generator.site import _digest, generate, site_pages
from generator.validate import validate, validated
from generator.views.common import Download, Page, Ref
from test_build import make_project, set_field, tree
from test_serve import synthetic

Edit = Callable[[Path], None]


def _title(data: Path) -> None:
    set_field(min(data.glob("incidents/**/*.yml")), "title", "A title edited while serving")


def _added(data: Path) -> None:
    source = max(data.glob("incidents/**/*.yml"))
    copy = source.with_name("added-while-serving.yml")
    shutil.copy(source, copy)
    set_field(copy, "id", "added-while-serving")
    set_field(copy, "title", "A record added while serving")


def _deleted(data: Path) -> None:
    sorted(data.glob("incidents/**/*.yml"))[1].unlink()


def _rename_first(path: Path, name: str) -> None:
    """Give the first record of a file (one record, or a list of them) a new `name`."""
    text = path.read_text(encoding="utf-8")
    renamed = re.sub(r"\bname: [^,}\n]*", f"name: {name}", text, count=1)
    assert renamed != text
    path.write_text(renamed, encoding="utf-8")


def _actor_renamed(data: Path) -> None:
    _rename_first(min(data.glob("actors/**/*.yml")), "An actor renamed while serving")


def _region_renamed(data: Path) -> None:
    _rename_first(min(data.glob("regions/**/*.yml")), "A region renamed while serving")


def _broken(data: Path) -> None:
    path = sorted(data.glob("incidents/**/*.yml"))[2]
    (data / "kept.bak").write_bytes(path.read_bytes())  # not data: a non-YAML name (a warning)
    path.write_text("id: [unclosed\ntitle: broken\n", encoding="utf-8")


def _fixed(data: Path) -> None:
    path = sorted(data.glob("incidents/**/*.yml"))[2]
    path.write_bytes((data / "kept.bak").read_bytes())
    (data / "kept.bak").unlink()


def _two_at_once(data: Path) -> None:
    files = sorted(data.glob("incidents/**/*.yml"))
    set_field(files[-1], "title", "Edited twice, first")
    set_field(files[-2], "title", "Edited twice, second")


def _field(path: Path, key: str) -> str:
    """The value of a one-record file's top-level `key: value` line."""
    return next(line.split(":", 1)[1].strip() for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith(f"{key}:"))


def _moved(data: Path) -> None:
    """An incident moved to the region of another (the region pages count it elsewhere)."""
    files = sorted(data.glob("incidents/**/*.yml"))
    moved = files[3]
    other = next(_field(f, "region") for f in reversed(files) if _field(f, "region") != _field(moved, "region"))
    set_field(moved, "region", other)


def _actor_swapped(data: Path) -> None:
    """An incident's first actor, in its roles and casualties, replaced by another incident's."""
    files = sorted(data.glob("incidents/**/*.yml"))
    actor = re.compile(r"\bactor: ([\w-]+)")

    def first(path: Path) -> str:
        found = actor.search(path.read_text(encoding="utf-8"))
        assert found is not None
        return found.group(1)

    edited = files[4]
    old = first(edited)
    new = next(first(f) for f in reversed(files) if first(f) != old)
    text = edited.read_text(encoding="utf-8")
    edited.write_text(re.sub(rf"\b(actor|attributed_by): {re.escape(old)}\b", rf"\1: {new}", text), encoding="utf-8")


def _drafted(data: Path) -> None:
    """An incident made a draft: it leaves every page of a published build."""
    path = sorted(data.glob("incidents/**/*.yml"))[5]
    text = path.read_text(encoding="utf-8")
    if re.search(r"(?m)^status:", text):
        set_field(path, "status", "draft")
    else:
        path.write_text(text.rstrip("\n") + "\nstatus: draft\n", encoding="utf-8")


def _statement_edited(data: Path) -> None:
    """The words of a statement about a region edited (its region's and its actors' pages list it)."""
    path = next(f for f in sorted(data.glob("statements/**/*.yml")) if "regions:" in f.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r"(?m)^((?:paraphrase|quote): (?:>\n\s+)?)", r"\1Edited while serving — ", text, count=1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")


def _losses_reported(data: Path) -> None:
    """Losses of an actor that has no role in the incident reported (its page counts them)."""
    path = next(f for f in sorted(data.glob("incidents/**/*.yml"))
                if "\ncasualties:\n" in f.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    actor = next(i for f in sorted(data.glob("actors/**/*.yml"))
                 for i in re.findall(r"(?m)^(?:- \{?)?id: ([\w-]+)", f.read_text(encoding="utf-8"))
                 if not re.search(rf"\b{i}\b", text))
    path.write_text(text.replace("\ncasualties:\n", f"\ncasualties:\n  - {{actor: {actor}, killed: 3}}\n"),
                    encoding="utf-8")


EDITS: list[tuple[str, Edit, bool]] = [  # (what, the edit, whether the data is then valid)
    ("a title edited", _title, True),
    ("a record added", _added, True),
    ("a record deleted", _deleted, True),
    ("an actor renamed", _actor_renamed, True),
    ("a region renamed", _region_renamed, True),
    ("a file broken", _broken, False),
    ("the file fixed", _fixed, True),
    ("two files edited", _two_at_once, True),
    ("a record moved to another region", _moved, True),
    ("an incident's actor replaced", _actor_swapped, True),
    ("a record made a draft", _drafted, True),
    ("a statement edited", _statement_edited, True),
    ("losses of an actor reported", _losses_reported, True),
]


@pytest.mark.slow
@pytest.mark.parametrize("data", ["example", "synthetic"])
def test_pages_after_edits_in_serve_are_the_bytes_of_a_cold_run(tmp_path: Path, data: str) -> None:
    """One serving Regenerator, kept across every edit (its validation memo, record views and
    rendered pages), writes after each edit the same content/ folder, byte for byte, as a fresh
    Regenerator that keeps nothing, and reports the same lines (problems of a broken file too)."""
    source = REPO / "data" if data == "example" else synthetic(tmp_path / "synth", 200)
    project = make_project(tmp_path / "p", source)
    cold_content = tmp_path / "cold"
    shutil.copytree(project.content, cold_content)
    built_content = tmp_path / "built"
    shutil.copytree(project.content, built_content)
    said: list[str] = []
    serving = Regenerator(project.data, project.content, say=said.append)
    assert serving.run()

    def cold() -> tuple[bool, list[str]]:
        lines: list[str] = []
        ok = Regenerator(project.data, cold_content, say=lines.append).run()
        return ok, [line.replace(str(cold_content), str(project.content)) for line in lines]

    assert cold()[0]
    assert tree(project.content) == tree(cold_content)
    for what, edit, valid in EDITS:
        edit(project.data)
        said.clear()
        ok = serving.run()
        assert ok is valid, what
        assert (ok, said) == cold(), what
        assert tree(project.content) == tree(cold_content), what
        if what == "a title edited":  # the fast paths were taken: files and views came from the memos
            assert serving.memo.hits >= len(list(project.data.rglob("*.yml"))) - 1
            assert serving.render_cache is not None and serving.render_cache.views.hits > 0
            assert serving.render_cache.views.page_hits > 0  # region and actor pages kept whole
            assert serving.render_cache.same > 0  # and their digests, not made again
            exports = serving.render_cache.exports  # the exports' rows of unchanged records kept
            assert exports is not None and exports.hits > 0
            env = serving.render_cache.env  # the sources page's outlets not edited kept their blocks
            assert env is not None and (data == "example" or env.globals["source_block"].hits > 0)  # one outlet there
            assert "A title edited while serving".encode() in b"".join(tree(project.content).values())
    # and what serve shows after them all is what `briefing build` writes for the same data (its
    # own paths: no memo kept between runs, its tables read from pandas, pages streamed)
    result = validated(project.data)
    generate(result.dataset, result.config, built_content, data_dir=project.data)
    assert tree(built_content) == tree(project.content)


def _kinds(value: object, where: tuple[str, ...], seen: dict[tuple[str, ...], set[str]]) -> None:
    """Note, for every place in a page's data (a dataclass's field, then `[]` for an element and
    `{}` for a dictionary's value), which kinds of value it held there."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        seen.setdefault(where, set()).add(f"dataclass {type(value).__qualname__}")
        for f in dataclasses.fields(value):
            _kinds(getattr(value, f.name), (type(value).__qualname__, f.name), seen)
        return
    seen.setdefault(where, set()).add(type(value).__qualname__)
    if isinstance(value, BaseModel):  # the digest encodes a model's fields (site._tagged)
        for name, item in value.__dict__.items():
            _kinds(item, (type(value).__qualname__, name), seen)
    elif isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            _kinds(item, (*where, "[]"), seen)
    elif isinstance(value, dict):
        for item in value.values():
            _kinds(item, (*where, "{}"), seen)


#: Kinds of value that msgpack, which the render cache's digest encodes, writes alike.
_ALIKE = ({"str", "date", "datetime"}, {"tuple", "list", "set", "frozenset"})


@pytest.mark.parametrize("preview", [False, True])
def test_page_data_fields_hold_one_kind_of_value(preview: bool) -> None:
    """The render cache's digest (site._digest) encodes a page's data as msgpack, where a date and
    its text, a tuple and a list, a dict and a dataclass (or two dataclasses) of the same fields
    are written alike: sound only because each place in a page's data holds one of those kinds
    only. Checked on every page of the example site."""
    result = validate(REPO / "data")
    assert result.dataset is not None and result.config is not None
    seen: dict[tuple[str, ...], set[str]] = {}
    for page in site_pages(result.dataset, result.config, preview=preview):
        _kinds(page.data if isinstance(page, (Page, Download)) else page, ("page",), seen)
    mixed = {}
    for where, kinds in seen.items():
        maps = {k for k in kinds if k.startswith("dataclass ") or k == "dict"}
        if len(maps) > 1 or any(len(kinds & alike) > 1 for alike in _ALIKE):
            mixed[where] = kinds
    # the top of a page's data is told apart by its class, which the digest hashes
    mixed.pop(("page",), None)
    assert len(seen) > 200  # every page family's classes were walked
    assert mixed == {}


def test_the_digest_tells_apart_what_renders_differently() -> None:
    """Values that print differently give different digests, nested at any depth; equal data
    gives equal digests."""
    digests = set()
    for value in (1, 1.0, True, "1", None, (1,), ("1",), {"a": 1}, {"b": 1}, Ref("x", "y"), Ref("x", "z"),
                  (Ref("x", "y"), Ref("x", "y")), datetime.date(2020, 1, 2), 2**70, 2**70 + 1):
        digests.add(_digest(Page("a.md", "t.j2", (value,))))
    assert len(digests) == 15
    assert _digest(Page("a.md", "t.j2", (Ref("x", "y"),))) == _digest(Page("a.md", "t.j2", (Ref("x", "y"),)))
    assert _digest(Page("a.md", "t.j2", 1)) != _digest(Page("b.md", "t.j2", 1))
    assert _digest(Page("a.md", "t.j2", 1)) != _digest(Page("a.md", "u.j2", 1))
    actor = Actor(id="a", name="A", kind="armed-group")
    assert _digest(Page("a.md", "t.j2", (actor,))) != _digest(
        Page("a.md", "t.j2", (actor.model_copy(update={"name": "B"}),)))
