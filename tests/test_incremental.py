"""`briefing serve` keeps, between its runs, what it checked and made of each file (issue 11:
validate.FileMemo, views.common.ViewMemo, site.RenderCache). After any edit, the pages it writes
and what it says must be those of a cold run on the same data: these tests edit the data the ways
editors do and compare, byte for byte, with a fresh Regenerator (nothing kept) run beside it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Callable

import pytest

from conftest import REPO
from generator.serve import Regenerator
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


EDITS: list[tuple[str, Edit, bool]] = [  # (what, the edit, whether the data is then valid)
    ("a title edited", _title, True),
    ("a record added", _added, True),
    ("a record deleted", _deleted, True),
    ("an actor renamed", _actor_renamed, True),
    ("a region renamed", _region_renamed, True),
    ("a file broken", _broken, False),
    ("the file fixed", _fixed, True),
    ("two files edited", _two_at_once, True),
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
            assert "A title edited while serving".encode() in b"".join(tree(project.content).values())
