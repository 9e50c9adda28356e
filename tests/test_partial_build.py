"""`briefing build` renders again, in MkDocs, only the pages the generator changed (issue 11:
generator/partial.py). The site it swaps in must be, byte for byte, the site a whole build of
the same pages gives; its record of the build, kept in the site, is trusted only as far as the
disk confirms it (a copied, touched or damaged one costs a whole build, never a wrong page), and
`--strict` fails on what a whole build would warn about, leaving the previous site."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import REPO
from generator import site as site_mod
from generator.cli import cli
from generator.partial import PARTIAL_NOTE, RECORD
from generator.serve import Regenerator
from generator.site import BuildError, Built, EarlyMkDocs, mkdocs_build, start_mkdocs
from test_build import Project, make_project, set_field, site_files, tree
from test_incremental import _actor_renamed, _added, _deleted, _title
from test_serve import differing, synthetic


def build(project: Project) -> Built:
    """The pages from the data (as `briefing build` writes them), then the site, into project.site."""
    assert Regenerator(project.data, project.content).run()
    return mkdocs_build(project.mkdocs, project.site)


def whole(project: Project, folder: Path) -> dict[str, bytes]:
    """A whole build of the project's current pages into a new `folder`."""
    built = mkdocs_build(project.mkdocs, folder)
    assert not built.partial
    return site_files(folder)


def _hand_written(data: Path) -> None:
    page = data.parent / "content" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA sentence added by hand.\n", encoding="utf-8")


def _nothing(data: Path) -> None:
    """No edit: the next build renders nothing again."""


EDITS = [("a title edited", _title, True), ("a record added", _added, None), ("a record deleted", _deleted, None),
         ("an actor renamed", _actor_renamed, True), ("nothing changed", _nothing, True),
         ("a hand-written page edited", _hand_written, False)]


@pytest.mark.slow
@pytest.mark.parametrize("data", ["example", "synthetic"])
def test_a_partial_build_gives_the_bytes_of_a_whole_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          data: str) -> None:
    """After each edit editors make, `briefing build`'s MkDocs step starts from the previous site
    and renders only the changed pages (partial: a title edited, an actor renamed; whole: a
    hand-written page edited); every file of the site it swaps in (pages, navigation, search
    index, sitemap, copied files) is then the bytes of a whole build of the same pages."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    source = REPO / "data" if data == "example" else synthetic(tmp_path / "synth", 120)
    project = make_project(tmp_path / "p", source)
    assert not build(project).partial  # the first build: no previous site
    for n, (what, edit, partial) in enumerate(EDITS):
        edit(project.data)
        built = build(project)
        if partial is not None:
            assert built.partial is partial, what
        assert differing(site_files(project.site), whole(project, tmp_path / f"whole-{n}")) == [], what
    assert "A title edited while serving".encode() in b"".join(site_files(project.site).values())


def _anchor_link(project: Project, record: Path) -> None:
    """about.md links to `record`'s anchor on its month page (as an editor may link a record)."""
    page = project.content / "about.md"
    ident = next(line.split(":", 1)[1].strip() for line in record.read_text(encoding="utf-8").splitlines()
                 if line.startswith("id:"))
    page.write_text(page.read_text(encoding="utf-8") + f"\nSee [the attack](timeline/2020-04.md#{ident}).\n",
                    encoding="utf-8")


@pytest.mark.slow
def test_a_partial_build_fails_on_what_a_whole_build_warns_about(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A hand-written page links to a record's anchor; the record is deleted, which changes only
    generated pages. The partial build checks the unchanged page's links as a whole build does:
    --strict fails with the same warning, and the previous site stays as it was."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    project = make_project(tmp_path / "p", REPO / "data")
    record = project.data / "incidents" / "2020" / "04" / "insurgent-activity-uptick.yml"  # its pages stay
    _anchor_link(project, record)
    build(project)
    assert build(project).partial  # the record of the build works: nothing changed, nothing rendered
    before = tree(project.site)
    record.unlink()
    assert Regenerator(project.data, project.content).run()
    with pytest.raises(BuildError) as partial:
        mkdocs_build(project.mkdocs, project.site)
    assert tree(project.site) == before
    with pytest.raises(BuildError) as whole_build:
        mkdocs_build(project.mkdocs, tmp_path / "whole")
    warning = ("Doc file 'about.md' contains a link 'timeline/2020-04.md#insurgent-activity-uptick', "
               "but the doc 'timeline/2020-04.md' does not contain an anchor '#insurgent-activity-uptick'")
    assert warning in partial.value.output and warning in whole_build.value.output
    assert PARTIAL_NOTE in partial.value.output and PARTIAL_NOTE not in whole_build.value.output
    assert "Aborted with 1 warnings in strict mode!" in partial.value.output



@pytest.mark.slow
def test_a_hand_written_file_where_the_build_writes_is_never_shared_with_the_live_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hand-written files at paths MkDocs and the search plugin write after the copy (the search
    index, 404.html, the sitemap): a partial build that then fails --strict leaves every byte of
    the live site as it was (a shared file would have been rewritten through the link)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    project = make_project(tmp_path / "p", REPO / "data")
    for name in ("search/search_index.json", "404.html", "sitemap.xml"):
        (project.content / name).parent.mkdir(parents=True, exist_ok=True)
        (project.content / name).write_text('{"config": {}, "docs": []}\n', encoding="utf-8")
    record = project.data / "incidents" / "2020" / "04" / "insurgent-activity-uptick.yml"
    _anchor_link(project, record)
    build(project)
    assert build(project).partial
    before = tree(project.site)
    record.unlink()
    assert Regenerator(project.data, project.content).run()
    with pytest.raises(BuildError) as failed:
        mkdocs_build(project.mkdocs, project.site)
    assert PARTIAL_NOTE in failed.value.output
    assert tree(project.site) == before

def _copied(project: Project) -> None:
    """The site moved elsewhere and back, as a backup restores it: same bytes and times, other files."""
    shutil.copytree(project.site, project.root / "copy", copy_function=shutil.copy2)
    shutil.rmtree(project.site)
    shutil.copytree(project.root / "copy", project.site, copy_function=shutil.copy2)


def _page_touched(project: Project) -> None:
    page = project.site / "about" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>edited in the site</p></body>"))


def _record_damaged(project: Project) -> None:
    (project.site / RECORD).write_bytes(b'{"format": "briefing-build", "version": 1, "key": [')


def _record_planted_title(project: Project) -> None:
    """A record whose every stamp is right but whose navigation title holds markup."""
    record = json.loads((project.site / RECORD).read_bytes())
    record["shown"]["about.md"][0] = {"m": "<script>alert(1)</script>"}
    (project.site / RECORD).write_text(json.dumps(record), encoding="utf-8")


def _record_is_a_link(project: Project) -> None:
    (project.root / "elsewhere.json").write_bytes((project.site / RECORD).read_bytes())
    (project.site / RECORD).unlink()
    os.symlink(project.root / "elsewhere.json", project.site / RECORD)


@pytest.mark.slow
@pytest.mark.parametrize("tamper", [_copied, _page_touched, _record_damaged, _record_planted_title,
                                    _record_is_a_link])
def test_a_record_the_disk_does_not_confirm_costs_a_whole_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                tamper: object) -> None:
    """The record of the previous build is believed only when the site is, file by file, the one
    it describes and it is of our form: otherwise the build is whole, and the site right."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    project = make_project(tmp_path / "p", REPO / "data")
    build(project)
    assert callable(tamper)
    tamper(project)
    set_field(min(project.data.glob("incidents/**/*.yml")), "title", "A title edited after tampering")
    built = build(project)
    assert not built.partial
    assert differing(site_files(project.site), whole(project, tmp_path / "whole")) == []
    assert b"<script>alert(1)</script>" not in b"".join(site_files(project.site).values())


# --- MkDocs' child started ahead of the build (site.EarlyMkDocs) ---------------------------------------


def _timeless(output: str) -> list[str]:
    """MkDocs' messages but the seconds it took."""
    return [line for line in output.splitlines() if not line.endswith(" seconds")]


@pytest.mark.slow
def test_mkdocs_started_ahead_builds_the_bytes_of_mkdocs_started_after(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`briefing build` starts MkDocs' child while it validates the data, and gives it its
    arguments once the pages are written: the site (whole, then partial after an edit) and what
    MkDocs says are those of a child started then, warnings and a failed --strict build included."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    project = make_project(tmp_path / "p", REPO / "data")
    early = start_mkdocs(project.mkdocs)
    assert early is not None  # (the tests run on two CPUs or more)
    assert Regenerator(project.data, project.content).run()
    built = mkdocs_build(project.mkdocs, project.site, early=early)
    assert early.proc is None  # used
    assert not built.partial and site_files(project.site) == whole(project, tmp_path / "whole-0")
    _title(project.data)
    early = start_mkdocs(project.mkdocs)
    assert Regenerator(project.data, project.content).run()
    built = mkdocs_build(project.mkdocs, project.site, early=early)
    assert built.partial
    assert differing(site_files(project.site), whole(project, tmp_path / "whole-1")) == []
    # a warning (a link to an anchor no page has) fails the build with the same output
    record = project.data / "incidents" / "2020" / "04" / "insurgent-activity-uptick.yml"
    _anchor_link(project, record)
    record.unlink()
    assert Regenerator(project.data, project.content).run()
    before = tree(project.site)
    with pytest.raises(BuildError) as ahead:
        mkdocs_build(project.mkdocs, project.site, early=start_mkdocs(project.mkdocs))
    with pytest.raises(BuildError) as then:
        mkdocs_build(project.mkdocs, project.site)
    assert _timeless(ahead.value.output) == _timeless(then.value.output)
    assert "does not contain an anchor" in ahead.value.output
    assert tree(project.site) == before


def test_a_child_started_ahead_and_not_used_ends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A child that is never given its arguments (invalid data, an error) ends quietly when the
    command ends, and one started for another configuration is not used (MkDocs is started anew)."""
    project = make_project(tmp_path / "p", REPO / "data")
    early = start_mkdocs(project.mkdocs)
    assert early is not None and early.proc is not None
    proc = early.proc
    early.stop()
    assert early.proc is None and proc.returncode == 0 and proc.stdout is not None and proc.stdout.closed
    other = tmp_path / "other.yml"
    shutil.copy2(project.mkdocs, other)
    early = start_mkdocs(other)
    assert early is not None and early.proc is not None
    proc = early.proc
    assert Regenerator(project.data, project.content).run()
    built = mkdocs_build(project.mkdocs, project.site, early=early)  # not other.yml's child
    assert proc.returncode == 0 and not built.partial and (project.site / "index.html").is_file()
    # `briefing build` on invalid data: its child is ended with the command
    (project.data / "incidents" / "2020" / "04" / "insurgent-activity-uptick.yml").write_text("id: [\n")
    started: list[EarlyMkDocs] = []
    original = site_mod.start_mkdocs

    def counted(config: Path) -> EarlyMkDocs | None:
        made = original(config)
        if made is not None:
            started.append(made)
        return made

    monkeypatch.setattr(site_mod, "start_mkdocs", counted)
    result = CliRunner().invoke(cli, ["build", "--no-pdf", "--no-cache", "--data", str(project.data), "--content",
                                      str(project.content), "--mkdocs-config", str(project.mkdocs),
                                      "--site", str(project.site)])
    assert result.exit_code == 1, result.output
    assert len(started) == 1 and started[0].proc is None  # stopped, and reaped


def test_a_partial_build_shares_the_unchanged_pages_with_the_previous_site(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """After one title edited, the pages MkDocs does not render again are the previous site's
    files (hard links), not copies: a partial build of `briefing build` costs the pages that
    changed, not a copy of the whole site. (Session 7's collector plugin, unknown to the list of
    plugins that write nothing else, made every page a copy until this was found.)"""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    project = make_project(tmp_path / "p", REPO / "data")
    assert not build(project).partial
    about = project.site / "about" / "index.html"
    before = about.stat().st_ino
    _title(project.data)
    assert build(project).partial
    assert about.stat().st_ino == before


def test_one_process_asked_starts_no_child_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`BRIEFING_JOBS=1` keeps a build to one process at a time: no MkDocs child is started to
    run beside the validation; MkDocs is started once the pages are written, and builds the same
    site."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    monkeypatch.setenv("BRIEFING_JOBS", "1")
    project = make_project(tmp_path / "p", REPO / "data")
    assert start_mkdocs(project.mkdocs) is None
    started: list[list[str]] = []
    popen = subprocess.Popen

    def spied(args: list[str], *rest: Any, **options: Any) -> subprocess.Popen[Any]:
        started.append([str(arg) for arg in args])
        return popen(args, *rest, **options)

    monkeypatch.setattr(subprocess, "Popen", spied)
    result = CliRunner().invoke(cli, ["build", "--no-pdf", "--no-cache", "--data", str(project.data), "--content",
                                      str(project.content), "--mkdocs-config", str(project.mkdocs),
                                      "--site", str(project.site)])
    assert result.exit_code == 0, result.output
    assert not [args for args in started if "--wait" in args]
    assert [args for args in started if "generator.partial" in args]  # MkDocs ran, once the pages were written


def test_a_hand_written_page_of_a_generated_page_s_path_is_never_shared(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A hand-written `sources.md` is, with directory URLs, the page `sources/index.html`, as the
    generated `sources/index.md` is (MkDocs checks clashes within one folder only). It never
    changes in a partial build, but the generated page does, and MkDocs writes that page in place:
    the file of that path is copied, never shared with the live site (hostile9)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    project = make_project(tmp_path / "p", REPO / "data")
    (project.content / "sources.md").write_text("# A page by hand\n\nWritten by hand.\n", encoding="utf-8")
    build(project)
    page = project.site / "sources" / "index.html"
    kept = tmp_path / "kept.html"
    os.link(page, kept)  # the live site's file, as it is
    before = kept.read_bytes()
    _title(project.data)
    assert build(project).partial
    assert kept.read_bytes() == before
