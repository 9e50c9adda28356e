"""The build loop: `briefing build` as `make site` runs it, drafts and previews, and the writer's
guarantees (deterministic, only changed pages rewritten, pages of gone records deleted, nothing
written outside content/, a failed run changes nothing, one page per record).

The end-to-end tests run the real `briefing build` in a subprocess on a temporary project: a copy
of the data, a content folder holding copies of the repository's hand-written pages, and an
mkdocs.yml that inherits the repository's and points at the temporary folders.
"""

from __future__ import annotations

import gzip
import os
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment

from conftest import BASE, REPO
from generator import cli
from generator import pages as pages_mod
from generator.partial import RECORD
from generator.routes import actor_page, month_page
from generator.write import GENERATED, MARKER, WriteError, write_tree

BRIEFING = Path(sys.executable).with_name("briefing")


# --- a temporary project ------------------------------------------------------------------------


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` (hidden ones included), by relative path, with its bytes."""
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site but its build record (generator/partial.py: hidden, never
    published, and holding the stamps of this build's own files, inodes included)."""
    return {path: data for path, data in tree(site).items() if path != RECORD}


def stamps(root: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime in ns) of every file under `root`: what a rewrite would change."""
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@dataclass
class Project:
    """A data folder, a content folder with the hand-written pages, a site folder and an
    mkdocs.yml for them, all under one temporary folder."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def mkdocs(self) -> Path:
        return self.root / "mkdocs.yml"

    def generated(self) -> dict[str, bytes]:
        """The generated part of content/ (hand-written pages left out)."""
        return {k: v for k, v in tree(self.content).items() if k.split("/")[0] in GENERATED}

    def build(self, *args: str, env: dict[str, str] | None = None,
              pdf: bool = False) -> subprocess.CompletedProcess[str]:
        """`briefing build` on this project, in a real process; without the PDF briefings (most of
        a real build's time, tested in test_pdf.py) unless `pdf`."""
        return subprocess.run(
            [str(BRIEFING), "build", "--data", str(self.data), "--content", str(self.content),
             "--mkdocs-config", str(self.mkdocs), "--site", str(self.site), *(() if pdf else ("--no-pdf",)), *args],
            capture_output=True, text=True, cwd=self.root, timeout=300, env=env,
        )


def make_project(root: Path, data: Path = BASE) -> Project:
    """A project under `root` with a copy of `data` and of the repository's hand-written pages."""
    project = Project(root)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(data, project.data)
    project.content.mkdir()
    for entry in sorted((REPO / "content").iterdir()):
        if entry.name.startswith(".") or entry.name in GENERATED:
            continue  # generated (or the writer's staging): the build makes them
        if entry.is_dir():
            shutil.copytree(entry, project.content / entry.name)
        else:
            shutil.copy2(entry, project.content / entry.name)
    # Everything but the folders comes from the repository's configuration; its relative paths
    # (the theme overrides, the hooks) are made absolute, since this file lives elsewhere.
    project.mkdocs.write_text(
        f"INHERIT: {REPO / 'mkdocs.yml'}\n"
        f"docs_dir: {project.content}\n"
        f"site_dir: {project.site}\n"
        "theme:\n"
        "  name: material\n"
        f"  custom_dir: {REPO / 'site_overrides'}\n"
        "hooks:\n"
        f"  - {REPO / 'site_overrides' / 'hooks.py'}\n"
        f"  - {REPO / 'site_overrides' / 'search.py'}\n",
        encoding="utf-8",
    )
    return project


def set_field(path: Path, key: str, value: str) -> None:
    """Replace the top-level `key: ...` line of a one-record YAML file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
    lines[index] = f"{key}: {value}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


ATTACK = Path("incidents/2020/04/attack.yml")  # the base dataset's one incident, 12 April 2020

DRAFT_INCIDENT = """\
id: draft-raid
title: Unconfirmed raid on Hawija market, DRAFT-MARKER-7Q
date: 2020-04-20
type: armed-clash
region: hawija
actors:
  - {actor: isis, role: perpetrator}
  - {actor: peshmerga, role: target}
casualties:
  - {group: civilians, killed: 3}
sources:
  - source: rudaw
    url: https://www.rudaw.net/english/draft-raid
tags: [unconfirmed-draft-tag]
status: draft
"""

REVIEW_STATEMENT = """\
id: review-claim
date: 2020-05-02
speaker: spokesman
about: [isis]
quote: REVIEW-MARKER-5K the claim is still being checked.
sources:
  - source: rudaw
status: review
"""


def add_unpublished(data: Path) -> None:
    """A draft incident (in the base data's month) and a statement in review (in a month of its own)."""
    (data / "incidents" / "2020" / "04" / "draft.yml").write_text(DRAFT_INCIDENT, encoding="utf-8")
    (data / "statements" / "2020" / "05").mkdir(parents=True)
    (data / "statements" / "2020" / "05" / "review.yml").write_text(REVIEW_STATEMENT, encoding="utf-8")


UNPUBLISHED_TEXT = ("DRAFT-MARKER-7Q", "REVIEW-MARKER-5K", "draft-raid", "review-claim", "unconfirmed-draft-tag")


def mentions(files: dict[str, bytes], words: tuple[str, ...] = UNPUBLISHED_TEXT) -> dict[str, list[str]]:
    """Which files mention which of `words`."""
    found = {}
    for path, data in files.items():
        text = gzip.decompress(data).decode("utf-8") if path.endswith(".gz") else data.decode("utf-8", "replace")
        hits = [w for w in words if w in text]
        if hits:
            found[path] = hits
    return found


def section(html: str, anchor: str) -> str:
    """The HTML of one record: from its heading to the next heading of the same level."""
    start = html.index(f'<h2 id="{anchor}"')
    end = html.find("<h2 ", start + 1)
    return html[start: end if end != -1 else len(html)]


# --- the writer on its own ----------------------------------------------------------------------


def working_folders(content: Path) -> list[Path]:
    """The writer's staging and trash folders (its marker file, `.briefing-generated`, stays)."""
    return [p for p in content.glob(".briefing-*") if p.name != MARKER]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A content folder with a hand-written page and generated pages from an earlier run."""
    root = tmp_path / "content"
    write_tree(root, {"index.md": "# Home\n", "timeline/index.md": "# Timeline\n", "timeline/2020-04.md": "# April\n"})
    (root / "about.md").write_text("# About (hand-written)\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("bad", ["../escape.md", "timeline/../../escape.md", "timeline/../index.md",
                                 "{tmp}/escape.md", "about.md", "./timeline/x.md", ""])
def test_writer_refuses_paths_that_leave_its_folders(content: Path, bad: str) -> None:
    bad = bad.replace("{tmp}", content.parent.as_posix())
    before = tree(content.parent)
    with pytest.raises(WriteError):
        write_tree(content, {"timeline/index.md": "# New\n", bad: "# Escaped\n"})
    assert tree(content.parent) == before  # nothing written, not even the valid page


def test_writer_refuses_a_folder_that_is_a_link_out_of_content(content: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "keep.md").write_text("not ours\n", encoding="utf-8")
    shutil.rmtree(content / "timeline")
    (content / "timeline").symlink_to(outside, target_is_directory=True)
    with pytest.raises(WriteError, match="outside"):
        write_tree(content, {"index.md": "# Home\n", "timeline/2020-05.md": "# May\n"})
    assert tree(outside) == {"keep.md": b"not ours\n"}


def test_writer_refuses_a_page_that_is_a_link_out_of_content(content: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (content / "timeline" / "2020-04.md").unlink()
    (content / "timeline" / "2020-04.md").symlink_to(victim)
    with pytest.raises(WriteError, match="outside"):
        write_tree(content, {"index.md": "# Home\n", "timeline/2020-04.md": "# overwritten\n"})
    assert victim.read_text(encoding="utf-8") == "precious\n"


def test_writer_removes_a_link_it_finds_without_touching_its_target(content: Path, tmp_path: Path) -> None:
    # A generated folder that is a link, with no page to write in it: the link goes, not its target.
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "keep.md").write_text("not ours\n", encoding="utf-8")
    (content / "charts").symlink_to(outside, target_is_directory=True)
    write_tree(content, {"index.md": "# Home\n"})
    assert not (content / "charts").exists() and not (content / "charts").is_symlink()
    assert tree(outside) == {"keep.md": b"not ours\n"}


def test_writer_failing_while_staging_changes_nothing(content: Path) -> None:
    before, times = tree(content), stamps(content)
    pages = {"index.md": "# Changed\n", "timeline/2020-04.md": "# Changed\n", "timeline/zz.md": None}
    with pytest.raises(TypeError):
        write_tree(content, pages)  # type: ignore[arg-type]  # a None page on purpose: the writer must fail
    assert tree(content) == before and stamps(content) == times
    assert not working_folders(content), "the staging folder was left behind"


def test_writer_failing_during_the_swap_puts_everything_back(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = tree(content)
    calls = []
    real_replace = os.replace

    def failing_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls.append((src, dst))
        if len(calls) == 3:  # the old index.md and the new one are swapped; the timeline is moved aside
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr("generator.write.os.replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        write_tree(content, {"index.md": "# Changed\n", "timeline/index.md": "# Changed\n"})
    monkeypatch.undo()
    assert tree(content) == before
    assert not working_folders(content)


def test_writer_with_nothing_to_change_touches_nothing(content: Path) -> None:
    pages = {"index.md": "# Home\n", "timeline/index.md": "# Timeline\n", "timeline/2020-04.md": "# April\n"}
    folder = (content / "timeline").stat()
    result = write_tree(content, pages)
    assert result.written == [] and result.deleted == [] and len(result.unchanged) == 3
    # Not even renamed: a watching MkDocs sees no event and does not rebuild.
    after = (content / "timeline").stat()
    assert (after.st_ino, after.st_mtime_ns) == (folder.st_ino, folder.st_mtime_ns)


def test_writer_deletes_pages_that_are_no_longer_made(content: Path) -> None:
    result = write_tree(content, {"index.md": "# Home\n", "timeline/index.md": "# Timeline\n"})
    assert result.deleted == ["timeline/2020-04.md"]
    assert not (content / "timeline" / "2020-04.md").exists()
    assert (content / "about.md").read_text(encoding="utf-8") == "# About (hand-written)\n"


@pytest.mark.slow
def test_render_failure_leaves_the_pages(base_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    with pytest.raises(SystemExit) as first:
        cli.main(["build", "--data", str(base_data), "--content", str(content), "--pages-only"])
    assert first.value.code == 0
    before, times = tree(content), stamps(content)
    set_field(base_data / ATTACK, "title", "A title that is never written")
    from generator import site as site_mod  # here: the writer's other tests need no view

    real_render = site_mod.render
    rendered: list[str] = []

    def render_then_fail(env: Environment, template: str, **kw: Any) -> str:
        rendered.append(template)
        if len(rendered) == 4:  # some pages are already rendered when a template breaks
            raise RuntimeError("a template broke")
        return real_render(env, template, **kw)

    monkeypatch.setattr(site_mod, "render", render_then_fail)
    capsys.readouterr()
    with pytest.raises(SystemExit) as second:
        cli.main(["build", "--data", str(base_data), "--content", str(content), "--pages-only"])
    assert second.value.code == 3
    assert "internal error: RuntimeError: a template broke" in capsys.readouterr().err
    assert tree(content) == before and stamps(content) == times


# --- one page, one owner ------------------------------------------------------------------------


@pytest.mark.slow
def test_actor_with_the_id_index_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    (project.data / "actors" / "index.yml").write_text("id: index\nname: Index Brigade\nkind: militia\n",
                                                       encoding="utf-8")
    result = project.build("--pages-only")
    assert result.returncode == 1, result.stderr
    assert (f"{project.data}/actors/index.yml:1:5: error: id: the page of actor `index` would be actors/index.md, "
            "where the site puts the list of all actors; choose another id [page-conflict]") in result.stderr
    assert project.generated() == {}


def test_two_records_with_one_page_are_both_reported(base_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Today each kind has its own folder; were regions given pages among the actors', a region and
    # an actor of one id would need one page, and each must be reported naming the other's file.
    monkeypatch.setitem(pages_mod.OWN_PAGE, "regions", lambda region_id: f"actors/{region_id}.md")
    (base_data / "actors" / "kirkuk.yml").write_text("id: kirkuk\nname: Kirkuk Council\nkind: government\n",
                                                     encoding="utf-8")
    from generator.validate import validate

    problems = [p for p in validate(base_data).report.sorted() if p.code == "page-conflict"]
    region_line = (base_data / "regions" / "regions.yml").read_text(encoding="utf-8").splitlines().index(
        "- id: kirkuk") + 1
    assert [(Path(p.path).relative_to(base_data).as_posix(), p.line) for p in problems] == [
        ("actors/kirkuk.yml", 1), ("regions/regions.yml", region_line)]
    actor_problem, region_problem = problems
    assert "actors/kirkuk.md" in actor_problem.message and f"{base_data}/regions/regions.yml" in actor_problem.message
    assert "actors/kirkuk.md" in region_problem.message and f"{base_data}/actors/kirkuk.yml" in region_problem.message


# --- builds end to end --------------------------------------------------------------------------


@pytest.mark.slow
def test_same_data_gives_the_same_bytes(tmp_path: Path) -> None:
    # Two projects built from the bundled data with different hash seeds (set iteration order
    # differs between them), on purpose not sharing anything but the data.
    first, second = make_project(tmp_path / "a", REPO / "data"), make_project(tmp_path / "b", REPO / "data")
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    for project, seed in ((first, "1"), (second, "2")):
        result = project.build(env={**env, "PYTHONHASHSEED": seed}, pdf=True)  # the PDF briefings too
        assert result.returncode == 0, result.stderr
    assert any(path.startswith("pdf/") for path in first.generated())
    assert first.generated() and first.generated() == second.generated()
    pages = site_files(first.site)
    assert any(path.endswith(".html") for path in pages)
    assert pages == site_files(second.site)  # HTML, search index, sitemap, charts: byte for byte
    # MkDocs would put the day of the build into the gzip header of sitemap.xml.gz; the build date
    # is fixed instead, so a build tomorrow gives the same bytes.
    header = pages["sitemap.xml.gz"][:10]
    assert struct.unpack("<I", header[4:8])[0] == 0


@pytest.mark.slow
def test_rebuild_rewrites_only_changed_pages_and_deletes_gone_ones(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    extra = project.data / "actors" / "extra.yml"
    extra.write_text("id: extra\nname: An Extra Group\nkind: armed-group\n", encoding="utf-8")
    assert project.build("--pages-only").returncode == 0
    assert (project.content / actor_page("extra")).is_file()
    old = 978_307_200_000_000_000  # 2001-01-01: any rewrite shows as a newer time
    for path in project.content.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(old, old))
    before, inodes = project.generated(), {k: v[0] for k, v in stamps(project.content).items()}

    set_field(project.data / ATTACK, "title", "A renamed attack on a checkpoint")
    extra.unlink()
    result = project.build("--pages-only")
    assert result.returncode == 0, result.stderr
    after, times = project.generated(), stamps(project.content)

    assert actor_page("extra") in before and actor_page("extra") not in after  # its page is gone
    assert "A renamed attack" in after[month_page("2020-04")].decode()
    changed = sorted(k for k in after if before.get(k) != after[k])
    unchanged = sorted(k for k in after if before.get(k) == after[k])
    assert changed and unchanged
    for path in changed:
        assert times[path][1] != old, f"{path} changed but kept its old time"
    for path in unchanged:
        assert times[path] == (inodes[path], old), f"{path} did not change but was rewritten"
    pages = [k for k in unchanged if Path(k).name != MARKER]  # the folders' markers are no pages
    assert f"pages: {len(changed)} written, {len(pages)} unchanged, 1 deleted" in result.stdout


@pytest.mark.slow
def test_invalid_data_leaves_site_and_content_as_they_were(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    assert project.build().returncode == 0
    site_before, content_before = tree(project.site), tree(project.content)
    site_times, content_times = stamps(project.site), stamps(project.content)
    set_field(project.data / ATTACK, "date", "2020-04-31")
    result = project.build()
    assert result.returncode == 1
    assert (f"{project.data}/{ATTACK.as_posix()}:3:7: error: date: `2020-04-31` is not a date: "
            "April 2020 has 30 days [invalid-date]") in result.stderr.splitlines()
    assert "1 error, 0 warnings in 7 files (9 records)" in result.stderr
    assert tree(project.site) == site_before and stamps(project.site) == site_times
    assert tree(project.content) == content_before and stamps(project.content) == content_times


@pytest.mark.slow
def test_drafts_and_reviews_never_reach_the_public_site(tmp_path: Path) -> None:
    plain, with_drafts = make_project(tmp_path / "plain"), make_project(tmp_path / "drafts")
    add_unpublished(with_drafts.data)
    for project in (plain, with_drafts):
        result = project.build()
        assert result.returncode == 0, result.stderr
    assert not mentions(tree(with_drafts.site)) and not mentions(tree(with_drafts.content))
    # Stronger than looking for words: adding unpublished records changes no byte of the site
    # (no count, chart, tag, month or search entry betrays them).
    assert site_files(with_drafts.site) == site_files(plain.site)
    assert with_drafts.generated() == plain.generated()


@pytest.mark.slow
def test_preview_shows_unpublished_records_under_a_banner_and_leaves_no_trace(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    add_unpublished(project.data)
    result = project.build("--preview")
    assert result.returncode == 0, result.stderr
    april = (project.site / "timeline" / "2020-04" / "index.html").read_text(encoding="utf-8")
    may = (project.site / "timeline" / "2020-05" / "index.html").read_text(encoding="utf-8")
    for html, anchor, status, marker in ((april, "draft-raid", "Draft", "DRAFT-MARKER-7Q"),
                                         (may, "review-claim", "Review", "REVIEW-MARKER-5K")):
        record = section(html, anchor)
        assert marker in record
        # The banner is a warning admonition at the head of the record, kept by the sanitizer
        # with the classes the theme styles (a coloured box with a warning icon).
        assert (f'<div class="admonition warning">\n<p class="admonition-title">{status}: not published</p>'
                in record), record[:800]
    published = section(april, "attack")
    assert "admonition" not in published  # the published record has no banner
    # The public build after a preview: nothing of the preview is left in content/ or site/.
    result = project.build()
    assert result.returncode == 0, result.stderr
    assert not mentions(tree(project.site)) and not mentions(tree(project.content))
    assert not (project.site / "timeline" / "2020-05").exists()


# --- links among the hand-written pages (issue 9, item 5) ---------------------------------------


def test_build_refuses_links_and_fifos_among_hand_written_pages_before_writing(tmp_path: Path) -> None:
    # MkDocs copies every file of content/ into the site, following links, and key judgements are
    # printed into PDFs: a link there would publish any file of the build machine.
    project = make_project(tmp_path / "project")
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-b33f\n", encoding="utf-8")
    (project.content / "briefings").mkdir()
    (project.content / "briefings" / "2020-04.md").symlink_to("/proc/self/environ")
    (project.content / "notes.md").symlink_to(secret)
    (project.content / "stylesheets" / "linked").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(project.content / "stylesheets" / "stuck.css")
    (project.content / ".#about.md").symlink_to("editor@host.123")  # an editor's lock file: hidden, skipped
    overrides = tmp_path / "overrides"
    shutil.copytree(REPO / "site_overrides", overrides)
    (overrides / "leak.txt").symlink_to(secret)
    project.mkdocs.write_text(project.mkdocs.read_text(encoding="utf-8").replace(
        f"custom_dir: {REPO / 'site_overrides'}", f"custom_dir: {overrides}"), encoding="utf-8")

    result = project.build(env={**os.environ, "LEAK_MARKER": "SECRET-env-5a"})

    assert result.returncode == 1, result.stdout + result.stderr
    refused = sorted(line for line in result.stderr.splitlines() if ": error: " in line)
    assert refused == sorted([
        f"{overrides.as_posix()}/leak.txt:1:1: error: a symbolic link, which briefing does not follow: "
        "put the file or folder itself here, not a link to it [file-symlink]",
        "content/briefings/2020-04.md:1:1: error: a symbolic link, which briefing does not follow: "
        "put the file or folder itself here, not a link to it [file-symlink]",
        "content/notes.md:1:1: error: a symbolic link, which briefing does not follow: "
        "put the file or folder itself here, not a link to it [file-symlink]",
        "content/stylesheets/linked:1:1: error: a symbolic link, which briefing does not follow: "
        "put the file or folder itself here, not a link to it [file-symlink]",
        "content/stylesheets/stuck.css:1:1: error: the file is a named pipe (FIFO), not a regular file; "
        "briefing reads only regular files: remove it, or put a real file here [file-not-regular]",
    ])
    assert "SECRET" not in result.stdout + result.stderr
    assert project.generated() == {} and not project.site.exists()  # nothing written


def april_pdf(project: Project, out: Path) -> subprocess.CompletedProcess[str]:
    """`briefing pdf --month 2020-04` of the project, its key judgements read from content/."""
    return subprocess.run(
        [str(BRIEFING), "pdf", "--month", "2020-04", "--data", str(project.data), "--content", "content",
         "-o", str(out)], capture_output=True, text=True, cwd=project.root, timeout=300)


def test_pdf_refuses_key_judgements_that_are_a_link(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    secret = tmp_path / "secret.md"
    secret.write_text("SECRET-c0de: the build machine's own file\n", encoding="utf-8")
    (project.content / "briefings").mkdir()
    (project.content / "briefings" / "2020-04.md").symlink_to(secret)
    out = tmp_path / "april.pdf"
    result = april_pdf(project, out)
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("content/briefings/2020-04.md:1:1: error: a symbolic link, which briefing does not follow: "
            "put the file or folder itself here, not a link to it [file-symlink]") in result.stderr.splitlines()
    assert "no PDF written" in result.stderr
    assert not out.exists() and "SECRET" not in result.stdout + result.stderr


def test_pdf_refuses_a_key_judgements_folder_that_is_a_link(tmp_path: Path) -> None:
    """`content/briefings` committed as a link to a folder elsewhere: the file in it is regular,
    but it is not inside our folders. `build` refused it; `pdf` printed it."""
    project = make_project(tmp_path / "project")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "2020-04.md").write_text("SECRET-c0de: the build machine's own file\n", encoding="utf-8")
    (project.content / "briefings").symlink_to(outside, target_is_directory=True)
    out = tmp_path / "april.pdf"
    result = april_pdf(project, out)
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("content/briefings:1:1: error: a symbolic link, which briefing does not follow: "
            "put the file or folder itself here, not a link to it [file-symlink]") in result.stderr.splitlines()
    assert not out.exists() and "SECRET" not in result.stdout + result.stderr


def test_key_judgements_over_the_size_limit_are_refused(tmp_path: Path) -> None:
    from generator.load import MAX_FILE_BYTES
    from generator.pdf import JudgementsError, read_judgements

    (tmp_path / "briefings").mkdir()
    (tmp_path / "briefings" / "2020-04.md").write_bytes(b"# Outlook\n" + b"x" * MAX_FILE_BYTES)
    with pytest.raises(JudgementsError) as refused:
        read_judgements(tmp_path, "2020-04")
    assert refused.value.problem.code == "file-too-large"
    (tmp_path / "briefings" / "2020-04.md").write_bytes(b"# Outlook\n" + b"x" * (MAX_FILE_BYTES - 10))
    assert read_judgements(tmp_path, "2020-04") == "# Outlook\n" + "x" * (MAX_FILE_BYTES - 10)


def test_serve_refuses_links_among_hand_written_pages(tmp_path: Path) -> None:
    from generator.serve import Regenerator

    project = make_project(tmp_path / "project")
    (project.content / "notes.md").symlink_to(tmp_path / "anything")
    assert Regenerator(project.data, project.content, mkdocs_config=project.mkdocs).run() is False
    assert project.generated() == {}
    (project.content / "notes.md").unlink()
    assert Regenerator(project.data, project.content, mkdocs_config=project.mkdocs).run() is True


def test_pdf_cache_never_serves_a_link(tmp_path: Path) -> None:
    # A link planted in the cache under the hash of a briefing's HTML would be published as that
    # briefing's PDF; it counts as a cache miss instead (and the render then replaces the link).
    from datetime import date

    from generator.pdf import Document, PdfCache, cache_key

    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"SECRET-cache-1\n")
    cache = PdfCache(tmp_path / "cache")
    cache.folder.mkdir()
    key = cache_key(Document('{"title":"april"}', date(2020, 4, 30), None, "april"))
    (cache.folder / f"{key}.pdf").symlink_to(secret)
    assert cache.get(key) is None
    cache.put(key, b"%PDF-1.7 rendered\n")
    assert not (cache.folder / f"{key}.pdf").is_symlink()
    assert cache.get(key) == b"%PDF-1.7 rendered\n" and secret.read_bytes() == b"SECRET-cache-1\n"


def test_a_mkdocs_warning_stops_the_build_and_leaves_the_site(tmp_path: Path) -> None:
    # `mkdocs build --strict` counts warnings through its logger: with --quiet they were never
    # logged, so a hand-written page linking to a page that does not exist built without a word.
    project = make_project(tmp_path / "p")
    assert project.build().returncode == 0
    site_before = tree(project.site)
    (project.content / "about.md").write_text("# About\n\nSee [the archive](archive.md).\n", encoding="utf-8")
    result = project.build()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "archive.md" in result.stderr and "mkdocs build failed" in result.stderr
    assert tree(project.site) == site_before


class RecordingServer:
    """An HTTP server on 127.0.0.1 that answers every GET with a secret and lists the paths asked."""

    def __enter__(self) -> "RecordingServer":
        import http.server
        import threading

        requests: list[str] = []
        self.requests = requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                self.wfile.write(b"INTERNAL-SECRET")

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002  # the base class' name
                """Quiet: the test keeps its own list."""

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def build_in(project: Project) -> subprocess.CompletedProcess[str]:
    """`briefing build --no-pdf` run in the project's folder, with relative paths."""
    return subprocess.run([str(BRIEFING), "build", "--no-pdf", "--data", "data", "--content", "content",
                           "--site", "site", "--mkdocs-config", "mkdocs.yml"],
                          capture_output=True, text=True, cwd=project.root, timeout=300)


def test_an_image_from_another_host_is_never_fetched_nor_published(tmp_path: Path) -> None:
    """A hand-written page (any pull request can add one) showing an image from another host:
    Material's privacy plugin downloaded it at build time, from the build machine, and published
    the answer under assets/external/, so `![x](http://169.254.169.254/...)` published what an
    internal address answers. Images keep only sources inside the site (the charts)."""
    with RecordingServer() as server:
        host = server.host
        project = make_project(tmp_path / "project")
        (project.content / "notes.md").write_text(
            f"# Notes\n\n![x](http://{host}/latest/meta-data/md)\n\n<img src=\"//{host}/raw\" alt=\"raw\">\n\n"
            f"<img src=\"\\\\{host}\\backslash\" alt=\"backslash\">\n", encoding="utf-8")
        result = build_in(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert server.requests == []
    assert not (project.site / "assets" / "external").exists()
    notes = (project.site / "notes" / "index.html").read_text(encoding="utf-8")
    assert host not in notes
    actor = (project.site / "actors" / "isis" / "index.html").read_text(encoding="utf-8")
    assert 'src="../../charts/actor-isis-by-month.svg"' in actor  # the site's own images stay


def test_an_address_in_a_style_sheet_is_never_fetched_and_stops_the_build(tmp_path: Path) -> None:
    """`url(...)` and `@import` of another host in a hand-written style sheet: the privacy plugin
    fetched both from the build machine and published the answers. Now nothing is fetched, and the
    external asset is a warning that --strict turns into a failed build (readers would load it
    from a third party otherwise)."""
    with RecordingServer() as server:
        project = make_project(tmp_path / "project")
        assert build_in(project).returncode == 0
        site_before = tree(project.site)
        css = project.content / "stylesheets" / "extra.css"
        css.write_text(css.read_text(encoding="utf-8") + f"\n@import url(\"http://{server.host}/i.css\");\n"
                       f"body {{ background: url(http://{server.host}/x.png); }}\n", encoding="utf-8")
        result = build_in(project)
    assert server.requests == []
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"External file: http://{server.host}/" in result.stderr
    assert tree(project.site) == site_before


@pytest.mark.parametrize("cache", ["data", "data/cache", "content", "content/cache", "site/cache"])
def test_build_refuses_a_pdf_cache_in_the_data_content_or_site_folder(tmp_path: Path, cache: str) -> None:
    """`--pdf-cache data` filled the data folder with PDFs; `--pdf-cache content` published every
    cached PDF (those of `--preview` builds too, drafts and all) on the site, since MkDocs copies
    every file of its docs folder. Refused before anything is written (exit 2)."""
    project = make_project(tmp_path / "project")
    before = tree(project.data), tree(project.content)
    result = subprocess.run([str(BRIEFING), "build", "--data", "data", "--content", "content", "--site", "site",
                             "--mkdocs-config", "mkdocs.yml", "--pdf-cache", cache],
                            capture_output=True, text=True, cwd=project.root, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"refusing --pdf-cache {cache}: it is" in result.stderr
    assert (tree(project.data), tree(project.content)) == before
    assert not project.site.exists()


@pytest.mark.parametrize("cache", ["data", "content/cache", "site/cache"])
def test_build_refuses_a_validation_cache_in_the_data_content_or_site_folder(tmp_path: Path, cache: str) -> None:
    """`--validate-cache content/x` published the cache on the site (MkDocs copies every file of
    its docs folder), and it names every record, drafts too. Refused before anything is written
    (exit 2), as the PDF cache is."""
    project = make_project(tmp_path / "project")
    before = tree(project.data), tree(project.content)
    result = subprocess.run([str(BRIEFING), "build", "--data", "data", "--content", "content", "--site", "site",
                             "--mkdocs-config", "mkdocs.yml", "--no-pdf", "--validate-cache", cache],
                            capture_output=True, text=True, cwd=project.root, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"refusing --validate-cache {cache}: it is" in result.stderr
    assert (tree(project.data), tree(project.content)) == before
    assert not project.site.exists()


def test_a_generated_folder_that_is_a_link_is_refused_in_one_line(tmp_path: Path) -> None:
    """A link committed in place of a generated folder (content/actors -> somewhere) stops the
    build with one line and exit 2, before anything is written; what it points to is untouched."""
    project = make_project(tmp_path / "p")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "keep.md").write_text("not ours\n", encoding="utf-8")
    (project.content / "actors").symlink_to(outside, target_is_directory=True)
    before = tree(project.content)
    proc = subprocess.run([str(Path(sys.executable).with_name("briefing")), "build", "--pages-only", "--no-pdf",
                           "--data", str(project.data), "--content", str(project.content)],
                          capture_output=True, text=True, cwd=project.root, timeout=120, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "it is a link" in proc.stderr and "internal error" not in proc.stderr
    assert tree(project.content) == before and tree(outside) == {"keep.md": b"not ours\n"}


def test_a_link_inside_a_generated_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    """The same for a link one level down (content/actors/<page>.md -> elsewhere), committed after
    a build: refused with exit 2 before anything is written, its target untouched."""
    project = make_project(tmp_path / "p")
    briefing = str(Path(sys.executable).with_name("briefing"))
    args = [briefing, "build", "--pages-only", "--no-pdf", "--data", str(project.data), "--content",
            str(project.content)]
    subprocess.run(args, capture_output=True, text=True, cwd=project.root, timeout=120, check=True)
    page = sorted((project.content / "actors").glob("*.md"))[-1]
    victim = tmp_path / "victim.md"
    victim.write_text("precious\n", encoding="utf-8")
    page.unlink()
    page.symlink_to(victim)
    before = tree(project.content)
    proc = subprocess.run(args, capture_output=True, text=True, cwd=project.root, timeout=120, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and f"{page.as_posix()}: it is a link" in proc.stderr
    assert tree(project.content) == before and victim.read_text(encoding="utf-8") == "precious\n"
