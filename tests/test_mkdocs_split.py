"""`briefing build`'s MkDocs step renders a big site's pages in two processes (issue 11:
generator/mkdocs_split.py): a worker forked from MkDocs' process converts and renders some pages,
MkDocs' process the others and the rest of the build. The site must be, byte for byte, that of
one process (BRIEFING_JOBS=1); every warning of a page the worker made is printed, in the order
one process prints it, and fails `--strict`; a worker that dies or fails costs time, never a
byte, and an error a page raises fails the build as in one process, leaving the previous site.
These tests lower the threshold (BRIEFING_MKDOCS_SPLIT_FROM) so that small sites split too."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from generator import mkdocs_split
from generator.partial import RECORD
from generator.serve import Regenerator
from generator.site import BuildError, Built, mkdocs_build, start_mkdocs
from test_build import Project, make_project, site_files, tree
from test_serve import differing, synthetic


def _pages(project: Project) -> None:
    assert Regenerator(project.data, project.content).run()


def _one(project: Project, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Built:
    monkeypatch.setenv(mkdocs_split.JOBS, "1")
    try:
        built = mkdocs_build(project.mkdocs, folder)
    except BuildError as error:
        if mkdocs_split.SPLIT_NOTE in error.output:
            raise AssertionError("BRIEFING_JOBS=1 split the build") from error
        raise
    finally:
        monkeypatch.delenv(mkdocs_split.JOBS)
    assert mkdocs_split.SPLIT_NOTE not in built.output
    return built


def _two(project: Project, folder: Path) -> Built:
    built = mkdocs_build(project.mkdocs, folder)
    assert mkdocs_split.SPLIT_NOTE in built.output  # the worker did render pages
    return built


def _messages(output: str, folder: Path) -> list[str]:
    """The build's messages but the split's note and the time it took, the site's folder named SITE."""
    return [line.replace(str(folder), "SITE") for line in output.splitlines()
            if mkdocs_split.SPLIT_NOTE not in line and not re.search(r"built in [\d.]+ seconds", line)]


@pytest.fixture
def split_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split the build of a small site too (the threshold is for speed only)."""
    monkeypatch.setenv(mkdocs_split.SPLIT_FROM_VAR, "0")
    monkeypatch.delenv(mkdocs_split.JOBS, raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")


@pytest.mark.slow
@pytest.mark.parametrize("data", ["example", "synthetic"])
@pytest.mark.usefixtures("split_small")
def test_two_processes_build_the_bytes_of_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: str) -> None:
    """Every file of the site (pages, navigation, search index, sitemap, copied files) and every
    message of the build are those of a build in one process; with MkDocs' child started ahead
    too."""
    source = REPO / "data" if data == "example" else synthetic(tmp_path / "synth", 300)
    project = make_project(tmp_path / "p", source)
    _pages(project)
    one = _one(project, tmp_path / "one", monkeypatch)
    two = _two(project, tmp_path / "two")
    assert differing(site_files(tmp_path / "one"), site_files(tmp_path / "two")) == []
    assert _messages(two.output, tmp_path / "two") == _messages(one.output, tmp_path / "one")
    # MkDocs' child started ahead, as `briefing build` starts it (site.start_mkdocs): split too
    early = start_mkdocs(project.mkdocs)
    assert early is not None  # (the tests run on two CPUs or more)
    ahead = mkdocs_build(project.mkdocs, tmp_path / "ahead", early=early)
    assert mkdocs_split.SPLIT_NOTE in ahead.output
    assert differing(site_files(tmp_path / "one"), site_files(tmp_path / "ahead")) == []


def _warned(project: Project) -> list[str]:
    """A link to a missing page and one to a missing anchor of the page itself in every timeline,
    actor and region page, and, in a hand-written page, a link to a missing anchor of each month
    page: warnings of pages of both processes, and of MkDocs' check of the anchors."""
    pages = sorted(p for folder in ("timeline", "actors", "regions") for p in (project.content / folder).glob("*.md"))
    for page in pages:
        with page.open("a", encoding="utf-8") as file:
            file.write("\n[gone](no-such-page.md) and [here](#no-such-anchor)\n")
    months = sorted(p.relative_to(project.content).as_posix() for p in (project.content / "timeline").glob("*-*.md"))
    about = project.content / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "".join(f"\n[m]({m}#nowhere)\n" for m in months),
                     encoding="utf-8")
    return [p.relative_to(project.content).as_posix() for p in pages]


@pytest.mark.slow
@pytest.mark.usefixtures("split_small")
def test_warnings_of_the_workers_pages_fail_strict_as_in_one_process(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Warnings in pages either process makes (a link to a missing page, to a missing anchor,
    from a hand-written page to a missing anchor of a month page) are printed in the order and
    words of one process, are all counted, and fail `--strict`: the previous site stays."""
    project = make_project(tmp_path / "p", REPO / "data")
    _pages(project)
    mkdocs_build(project.mkdocs, project.site)  # the site as it was before the links
    before = tree(project.site)
    warned = _warned(project)
    with pytest.raises(BuildError) as one:
        _one(project, tmp_path / "one", monkeypatch)
    with pytest.raises(BuildError) as two:
        mkdocs_build(project.mkdocs, project.site)
    assert mkdocs_split.SPLIT_NOTE in two.value.output
    assert _messages(two.value.output, project.site) == _messages(one.value.output, tmp_path / "one")
    for page in warned:
        folder = page.split("/")[0]
        assert (f"Doc file '{page}' contains a link 'no-such-page.md', but the target '{folder}/no-such-page.md' "
                "is not found among documentation files.") in two.value.output
        assert f"Doc file '{page}' contains a link '#no-such-anchor', but there is no such anchor on this page." \
            in two.value.output
    assert "does not contain an anchor '#nowhere'" in two.value.output
    count = two.value.output.count("WARNING")
    assert count > 2 * len(warned)
    assert f"Aborted with {count} warnings in strict mode!" in two.value.output
    assert tree(project.site) == before


#: Loaded by every Python process the test starts (sitecustomize, through PYTHONPATH): in the
#: worker MkDocs' process forks (a process id other than the one this file was loaded in), the
#: first page MkDocs converts or the third it renders kills the worker, or raises.
_FAULT = """
import os, signal
from mkdocs.commands import build as _build
from mkdocs.structure import pages as _pages

_START, _WHAT = os.getpid(), {what!r}
_seen = []

def _fault():
    if os.getpid() != _START:
        if _WHAT.endswith("raise"):
            raise RuntimeError("the worker failed")
        os.kill(os.getpid(), signal.SIGKILL)

_render = _pages.Page.render
def render(self, config, files):
    if _WHAT.startswith("read"):
        _fault()
    return _render(self, config, files)
_pages.Page.render = render

_context = _build.get_context
def get_context(*args, **kwargs):
    _seen.append(1)
    if _WHAT.startswith("rendered") and len(_seen) == 3:
        _fault()
    return _context(*args, **kwargs)
_build.get_context = get_context
"""


@pytest.mark.slow
@pytest.mark.parametrize("what", ["read-killed", "read-raise", "rendered-killed", "rendered-raise"])
@pytest.mark.usefixtures("split_small")
def test_a_worker_that_dies_costs_time_not_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str) -> None:
    """The worker killed (or failing) while it converts its pages, or after it has written some:
    this process makes the worker's pages itself, over what it wrote, and the site is the bytes
    of one process's."""
    project = make_project(tmp_path / "p", REPO / "data")
    _pages(project)
    _one(project, tmp_path / "one", monkeypatch)
    faults = tmp_path / "faults"
    faults.mkdir()
    (faults / "sitecustomize.py").write_text(textwrap.dedent(_FAULT.format(what=what)), encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(faults))
    built = _two(project, tmp_path / "two")
    assert differing(site_files(tmp_path / "one"), site_files(tmp_path / "two")) == []
    assert "the worker failed" not in built.output


def _shared(project: Project) -> tuple[list[Any], set[int]]:
    """The project's documentation pages in MkDocs' order, and the indexes of the worker's share."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import InclusionLevel, get_files

    files = get_files(load_config(str(project.mkdocs))).documentation_pages(inclusion=InclusionLevel.is_included)
    return files, mkdocs_split.share_out([(project.content / f.src_uri).stat().st_size for f in files])


def _failing(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs processes started from now on raise when they convert `page` (_PAGE_ERROR)."""
    faults = tmp_path / "faults"
    faults.mkdir()
    (faults / "sitecustomize.py").write_text(textwrap.dedent(_PAGE_ERROR.format(page=page)), encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(faults))


_PAGE_ERROR = """
import os
from mkdocs.structure import pages as _pages

_render = _pages.Page.render
def render(self, config, files):
    if self.file.src_uri == {page!r}:
        raise RuntimeError("this page cannot be read")
    return _render(self, config, files)
_pages.Page.render = render
"""


@pytest.mark.slow
@pytest.mark.usefixtures("split_small")
def test_an_error_in_a_workers_page_fails_the_build_and_leaves_the_site(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A page that raises while the worker converts it fails the build with the error one process
    gives, and the previous site stays as it was (no half-written site is swapped in)."""
    project = make_project(tmp_path / "p", REPO / "data")
    _pages(project)
    mkdocs_build(project.mkdocs, project.site)
    (project.site / RECORD).unlink()  # the next build is whole (and so split), not partial
    before = tree(project.site)
    files, theirs = _shared(project)
    page = files[min(theirs)].src_uri  # one of the worker's pages
    _failing(page, tmp_path, monkeypatch)
    with pytest.raises(BuildError) as one:
        _one(project, tmp_path / "one", monkeypatch)
    with pytest.raises(BuildError) as two:
        mkdocs_build(project.mkdocs, project.site)
    error = f"Error reading page '{page}': this page cannot be read"
    assert error in one.value.output and error in two.value.output
    assert mkdocs_split.SPLIT_NOTE in two.value.output
    assert tree(project.site) == before
    assert not (tmp_path / "one").exists()


def test_the_worker_gets_about_its_share_of_the_markdown() -> None:
    """Pages are shared out by their Markdown's size, the biggest first: a few big pages and many
    small ones end up in both processes, each with about its share of the bytes."""
    sizes = [1_000_000] * 5 + [30_000] * 300 + [500] * 40
    worker = mkdocs_split.share_out(sizes, 0.5)
    theirs = sum(sizes[i] for i in worker)
    assert abs(theirs / sum(sizes) - 0.5) < 0.01
    assert 0 < len(worker) < len(sizes)
    assert mkdocs_split.share_out([], 0.5) == set()


@pytest.mark.slow
@pytest.mark.usefixtures("split_small")
def test_one_process_when_asked_or_with_a_plugin_it_does_not_know(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """BRIEFING_JOBS=1 keeps MkDocs in one process; so does a hook of the site's own (it may keep
    what it sees of each page, which the worker would not send back); and a site under the
    threshold (the example data's, without the test's lower one)."""
    project = make_project(tmp_path / "p", REPO / "data")
    _pages(project)
    _one(project, tmp_path / "one", monkeypatch)
    hook = tmp_path / "counting.py"
    hook.write_text("seen = []\n\ndef on_page_markdown(markdown, page, config, files):\n"
                    "    seen.append(page.file.src_uri)\n    return markdown\n", encoding="utf-8")
    config = project.mkdocs.read_text(encoding="utf-8")
    project.mkdocs.write_text(config + f"  - {hook}\n", encoding="utf-8")
    assert mkdocs_split.SPLIT_NOTE not in mkdocs_build(project.mkdocs, tmp_path / "hooked").output
    project.mkdocs.write_text(config, encoding="utf-8")
    assert mkdocs_split.SPLIT_NOTE in mkdocs_build(project.mkdocs, tmp_path / "split").output
    monkeypatch.delenv(mkdocs_split.SPLIT_FROM_VAR)
    assert mkdocs_split.SPLIT_NOTE not in mkdocs_build(project.mkdocs, tmp_path / "small").output


def test_one_process_under_another_mkdocs_series(monkeypatch: pytest.MonkeyPatch) -> None:
    """The split replaces build functions of MkDocs 1.6 (internals, not its API): a site big enough
    to split stays in one process when another MkDocs is installed."""
    monkeypatch.delenv("BRIEFING_JOBS", raising=False)
    monkeypatch.setattr(mkdocs_split.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    big = mkdocs_split.SPLIT_FROM * 2
    assert mkdocs_split.split_wanted(big)
    monkeypatch.setattr(mkdocs_split, "mkdocs_version", lambda: "1.7.0")
    assert not mkdocs_split.split_wanted(big)


def _logged(output: str, folder: Path) -> list[str]:
    """The build's log lines (`_messages`), without the traceback an error prints (its frames are
    those of the process that raised it)."""
    return [line for line in _messages(output, folder) if line.startswith(("INFO", "WARNING", "ERROR"))]


@pytest.mark.slow
@pytest.mark.parametrize("whose", ["worker", "parent"])
@pytest.mark.usefixtures("split_small")
def test_a_page_error_says_what_one_process_says_before_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            whose: str) -> None:
    """A page that raises while it is converted, with warnings in pages of both processes before
    and after it: the build prints the warnings one process prints before it stops at that page
    (those of the pages before it, the other process's included; none of the pages after it),
    then the same error."""
    project = make_project(tmp_path / "p", REPO / "data")
    _pages(project)
    _warned(project)
    files, theirs = _shared(project)
    warned = {i for i, f in enumerate(files) if f.src_uri.split("/")[0] in ("timeline", "actors", "regions")}
    if whose == "worker":  # the worker's first page that has a page of this process with warnings after it
        index = min(i for i in theirs if any(j > i and j not in theirs for j in warned))
    else:  # this process's last page that has a worker's page with warnings before it
        index = max(i for i in range(len(files)) if i not in theirs and any(j < i and j in theirs for j in warned))
    page = files[index].src_uri
    _failing(page, tmp_path, monkeypatch)
    with pytest.raises(BuildError) as one:
        _one(project, tmp_path / "one", monkeypatch)
    with pytest.raises(BuildError) as two:
        mkdocs_build(project.mkdocs, tmp_path / "two")
    assert mkdocs_split.SPLIT_NOTE in two.value.output
    said = _logged(one.value.output, tmp_path / "one")
    if whose == "parent":
        assert any(line.startswith("WARNING") for line in said)  # (the worker's pages before it warned)
    assert said[-1] == f"ERROR   -  Error reading page '{page}': this page cannot be read"
    assert _logged(two.value.output, tmp_path / "two") == said


@pytest.mark.slow
@pytest.mark.usefixtures("split_small")
def test_front_matter_the_exchange_cannot_carry_costs_time_not_bytes(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A hand-written page of this process's share whose front matter holds a number too big for
    the exchange between the processes (past 64 bits): the worker's pages are made here, and the
    site is one process's, not a failed build."""
    project = make_project(tmp_path / "p", REPO / "data")
    _pages(project)
    page = project.content / "big-number.md"
    from mkdocs.config import load_config
    from mkdocs.structure.files import InclusionLevel, get_files

    text = "---\nfigure: 123456789012345678901234567890\n---\n# A big number\n"
    page.write_text(text, encoding="utf-8")
    files = get_files(load_config(str(project.mkdocs))).documentation_pages(inclusion=InclusionLevel.is_included)
    index = [f.src_uri for f in files].index("big-number.md")
    for _ in range(200):  # its size chosen so that this process, not the worker, converts it
        page.write_text(text, encoding="utf-8")
        sizes = [(project.content / f.src_uri).stat().st_size for f in files]
        if index not in mkdocs_split.share_out(sizes):
            break
        text += "\nMore words.\n"
    else:
        raise AssertionError("no size of the page leaves it to this process")
    one = _one(project, tmp_path / "one", monkeypatch)
    two = _two(project, tmp_path / "two")
    assert differing(site_files(tmp_path / "one"), site_files(tmp_path / "two")) == []
    assert _messages(two.output, tmp_path / "two") == _messages(one.output, tmp_path / "one")
