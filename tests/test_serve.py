"""`briefing serve` as an editor uses it: a real server on a free port, a browser's view of a page
(fetched over HTTP), data edited while it runs, and Ctrl-C.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

import pytest

from conftest import REPO, SHARED
from generator.serve import Regenerator, SiteBuilder, changed_generated
from test_build import ATTACK, BRIEFING, Project, add_unpublished, make_project, section, set_field, tree

#: How long a change in data/ may take to show in the served page (the brief's promise to editors).
RELOAD_SECONDS = 15
#: The first start imports the views, builds the pages and the whole site.
START_SECONDS = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str | None:
    """The page's HTML, or None while the server is not answering (starting, rebuilding)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310  # the test server's http:// address
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def wait_for(check: Callable[[], bool], seconds: float, what: str, log: Path) -> float:
    """Poll `check` until it holds; the seconds it took. Fails with the server's output if it never does."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if check():
            return time.monotonic() - start
        time.sleep(0.2)
    pytest.fail(f"{what}: not within {seconds} s. The server printed:\n{log.read_text('utf-8', 'replace')}")


class Server:
    """`briefing serve` for a project, in its own process group, its output in a log file."""

    def __init__(self, project: Project, tmp: Path, *args: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.log = tmp / "serve.log"
        self.tmpdir = tmp / "tmpdir"  # MkDocs' temporary site goes here: it must be gone at the end
        self.tmpdir.mkdir()
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [str(BRIEFING), "serve", "--data", str(project.data), "--content", str(project.content),
                 "--mkdocs-config", str(project.mkdocs), "--port", str(self.port), *args],
                stdout=out, stderr=subprocess.STDOUT, cwd=project.root, start_new_session=True,
                env={**os.environ, "TMPDIR": str(self.tmpdir), "PYTHONUNBUFFERED": "1"},
            )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def output(self) -> str:
        return self.log.read_text("utf-8", "replace")

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "p")


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def start(project: Project, *args: str, port: int | None = None) -> Server:
        server = Server(project, tmp_path, *args, port=port)
        servers.append(server)
        return server

    try:
        yield start
    finally:
        for server in servers:  # always, whatever failed
            server.kill()


@pytest.mark.slow
def test_serve_follows_data_edits_and_keeps_the_last_good_pages(
        project: Project, server_factory: Callable[..., Server]) -> None:
    server = server_factory(project)
    page = server.url("timeline/2020-04/")

    def shows(text: str) -> Callable[[], bool]:
        return lambda: text in (fetch(page) or "")

    started = wait_for(shows("An attack on a checkpoint"), START_SECONDS, "the month page is served", server.log)

    set_field(project.data / ATTACK, "title", "Checkpoint attack, renamed while serving")
    reload = wait_for(shows("Checkpoint attack, renamed while serving"), RELOAD_SECONDS,
                      "the new title is served", server.log)
    assert "An attack on a checkpoint" not in (fetch(page) or "")

    set_field(project.data / ATTACK, "date", "2020-04-31")
    report = (f"{project.data}/{ATTACK.as_posix()}:3:7: error: date: `2020-04-31` is not a date: "
              "April 2020 has 30 days [invalid-date]")
    wait_for(lambda: report in server.output(), RELOAD_SECONDS, "the validator's report is printed", server.log)
    assert "1 error, 0 warnings in 7 files (9 records)" in server.output()
    assert "still serving the last good pages" in server.output()
    time.sleep(2)  # time enough for a (wrong) rebuild to show
    html = fetch(page)
    assert html is not None and "Checkpoint attack, renamed while serving" in html
    month = (project.content / "timeline" / "2020-04.md").read_text("utf-8")
    assert "Checkpoint attack, renamed while serving" in month

    # Fixed again, saved as many editors save (a hidden temporary file renamed over the old one):
    # the server picks up where it left off.
    saved = project.data / ATTACK.parent / ".attack.yml.tmp"
    shutil.copy2(project.data / ATTACK, saved)
    set_field(saved, "date", "2020-04-12")
    set_field(saved, "title", "Checkpoint attack, third title")
    os.replace(saved, project.data / ATTACK)
    wait_for(shows("Checkpoint attack, third title"), RELOAD_SECONDS, "the fixed data is served", server.log)

    # Ctrl-C stops the server, the watchers and MkDocs' temporary site.
    server.proc.send_signal(signal.SIGINT)
    assert server.proc.wait(timeout=30) == 0, server.output()
    assert server.output().rstrip().endswith("stopped")
    assert fetch(page) is None
    assert list(server.tmpdir.iterdir()) == []
    print(f"\nserve: first page after {started:.1f} s, an edited title shown after {reload:.1f} s")


@pytest.mark.slow
def test_serve_preview_shows_drafts_under_a_banner(
        project: Project, server_factory: Callable[..., Server]) -> None:
    add_unpublished(project.data)
    server = server_factory(project, "--preview")
    page = server.url("timeline/2020-04/")
    wait_for(lambda: "DRAFT-MARKER-7Q" in (fetch(page) or ""), START_SECONDS, "the draft is served", server.log)
    record = section(fetch(page) or "", "draft-raid")
    assert '<div class="admonition warning">\n<p class="admonition-title">Draft: not published</p>' in record
    assert "do not publish this build" in server.output()
    server.proc.send_signal(signal.SIGTERM)  # as a process manager stops it: also a clean stop
    assert server.proc.wait(timeout=30) == 0, server.output()
    assert list(server.tmpdir.iterdir()) == []


def test_serve_refuses_to_start_on_invalid_data(
        project: Project, server_factory: Callable[..., Server]) -> None:
    set_field(project.data / ATTACK, "date", "2020-04-31")
    server = server_factory(project)
    assert server.proc.wait(timeout=120) == 1
    assert "[invalid-date]" in server.output() and "1 error, 0 warnings" in server.output()
    assert not (project.content / "timeline").exists()  # nothing was written
    assert fetch(server.url("")) is None


@pytest.mark.slow
def test_serve_on_a_port_in_use_says_so(
        project: Project, server_factory: Callable[..., Server]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = server_factory(project, port=port)
        assert server.proc.wait(timeout=120) == 2, server.output()
    assert f"127.0.0.1:{port} is already in use; choose another with --port" in server.output()
    assert list(server.tmpdir.iterdir()) == []


# --- partial rebuilds: the same site as a whole build -----------------------------------------------

#: The address the in-process builds serve at (it is written into every page's canonical link).
SERVE_URL = "http://127.0.0.1:8000/"


def site_builder(project: Project, site: Path) -> SiteBuilder:
    """serve's builder for `project`, building into `site` in this process, as `briefing serve` runs it."""
    from mkdocs.config import load_config
    from mkdocs.config.defaults import MkDocsConfig

    def get_config() -> MkDocsConfig:
        return load_config(config_file=str(project.mkdocs), site_dir=str(site), strict=False)

    return SiteBuilder(get_config, SERVE_URL)


def synthetic(root: Path, incidents: int) -> Path:
    """`../shared/bench/synth.py`'s data (the benchmark's yardstick) of `incidents` incidents."""
    subprocess.run([sys.executable, str(SHARED / "bench" / "synth.py"), str(incidents), str(root)], check=True)
    return root


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


@pytest.mark.slow
@pytest.mark.parametrize("data", ["example", "synthetic"])
def test_a_partial_rebuild_after_an_edit_gives_the_bytes_of_a_whole_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: str) -> None:
    """`briefing serve` renders again only the pages whose Markdown changed; every file of its site
    (pages, navigation, search index, sitemap) is then what a whole build of the same pages gives."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # the sitemap's dates, as `briefing build` fixes them
    source = REPO / "data" if data == "example" else synthetic(tmp_path / "synth", 120)
    project = make_project(tmp_path / "p", source)
    regenerator = Regenerator(project.data, project.content)
    assert regenerator.run()
    served = site_builder(project, tmp_path / "served")
    served()
    assert served.last_kind == "whole"

    incident = min(project.data.glob("incidents/**/*.yml"))
    for n in range(2):  # twice: the second partial build starts from what the first one kept
        set_field(incident, "title", f"A title edited while serving, number {n}")
        before = tree(project.content)
        assert regenerator.run()
        rewritten = differing(before, tree(project.content))
        assert rewritten, "the edit changed no page"
        served()
        assert served.last_kind == "partial"

        whole = site_builder(project, tmp_path / f"whole-{n}")
        whole()
        assert whole.last_kind == "whole"
        served_site, whole_site = tree(tmp_path / "served"), tree(tmp_path / f"whole-{n}")
        assert differing(served_site, whole_site) == []
        shown = [path for path, html in served_site.items()
                 if path.endswith(".html") and f"A title edited while serving, number {n}".encode() in html]
        assert shown, "the new title is on no page"
        index = json.loads(served_site["search/search_index.json"])
        assert any(f"A title edited while serving, number {n}" in doc["text"] for doc in index["docs"])
        # MkDocs' own watcher then sees the pages written and asks again: nothing to build, the
        # site stays the whole build's
        served()
        assert served.last_kind == "none"
        assert differing(tree(tmp_path / "served"), whole_site) == []

    # A new day (the sitemap's date): the same pages are built again, and the site is again what
    # a whole build of that day gives
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(24 * 3600))
    served()
    assert served.last_kind == "partial"
    whole = site_builder(project, tmp_path / "whole-next-day")
    whole()
    next_day = tree(tmp_path / "served")
    assert differing(next_day, tree(tmp_path / "whole-next-day")) == []
    assert b"1970-01-02" in next_day["sitemap.xml"]


def test_a_rebuild_is_whole_unless_only_generated_pages_changed() -> None:
    """What `briefing serve` renders again after a change in content/: only the generated pages
    that changed, unless the set of pages or a hand-written file changed (then the whole site)."""
    before = {"index.md": (1, 10, 5), "about.md": (2, 10, 5), "timeline/2020-04.md": (3, 10, 5),
              "charts/a.svg": (4, 10, 5)}
    assert changed_generated(None, before) is None  # the first build
    assert changed_generated(before, dict(before)) == set()
    assert changed_generated(before, {**before, "timeline/2020-04.md": (9, 11, 6)}) == {"timeline/2020-04.md"}
    assert changed_generated(before, {**before, "index.md": (9, 10, 6)}) == {"index.md"}
    assert changed_generated(before, {**before, "about.md": (2, 10, 6)}) is None  # hand-written
    assert changed_generated(before, {**before, "timeline/2020-05.md": (5, 10, 6)}) is None  # added
    assert changed_generated(before, {k: v for k, v in before.items() if k != "charts/a.svg"}) is None  # removed


@pytest.mark.slow
def test_pages_written_while_mkdocs_builds_are_built_by_the_next_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit regenerated while MkDocs is building (the server's watcher then asks for one more
    build) is built by that next build, not taken for "nothing changed", and the site is then
    what a whole build of the same pages gives."""
    import generator.serve as serve_mod

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    project = make_project(tmp_path / "p", REPO / "data")
    regenerator = Regenerator(project.data, project.content)
    assert regenerator.run()
    served = site_builder(project, tmp_path / "served")
    served()
    incident = min(project.data.glob("incidents/**/*.yml"))
    real_build = serve_mod.run_build

    def build_then_edit(*args: object, **kwargs: object) -> object:
        state = real_build(*args, **kwargs)  # type: ignore[arg-type]  # run_build's own arguments, passed on
        set_field(incident, "title", "A title edited during a build")
        assert regenerator.run()  # the pages written before this build ends
        return state

    set_field(incident, "title", "A title edited before the build")
    assert regenerator.run()
    monkeypatch.setattr(serve_mod, "run_build", build_then_edit)
    served()
    monkeypatch.setattr(serve_mod, "run_build", real_build)
    served()  # what the server's loop does next: the pages changed since this build's snapshot
    assert served.last_kind == "partial"
    whole = site_builder(project, tmp_path / "whole")
    whole()
    site = tree(tmp_path / "served")
    assert differing(site, tree(tmp_path / "whole")) == []
    assert any(b"A title edited during a build" in html for path, html in site.items() if path.endswith(".html"))
    served()
    assert served.last_kind == "none"


@pytest.mark.slow
def test_a_watched_theme_edited_while_serving_is_a_whole_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A template of the theme's own folder, which the user asked MkDocs to watch (`watch:`),
    edited while serving: the next build renders every page with it (no "nothing changed", no
    partial build of no page), as `briefing build` does for a new theme."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    project = make_project(tmp_path / "p", REPO / "data")
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "site_overrides", theme)
    config = project.mkdocs.read_text(encoding="utf-8").replace(str(REPO / "site_overrides") + "\n", f"{theme}\n", 1)
    project.mkdocs.write_text(config + f"watch:\n  - {theme}\n", encoding="utf-8")
    assert Regenerator(project.data, project.content).run()
    served = site_builder(project, tmp_path / "served")
    served()
    served()
    assert served.last_kind == "none"
    main = theme / "main.html"
    main.write_text(main.read_text(encoding="utf-8").replace(
        "{{ super() }}", '{{ super() }}\n  <meta name="x-edited" content="theme edited while serving">', 1),
        encoding="utf-8")
    served()
    assert served.last_kind == "whole"
    pages = [html for path, html in tree(tmp_path / "served").items() if path.endswith(".html")]
    assert all(b"theme edited while serving" in html for html in pages if b"<head>" in html)


@pytest.mark.slow
def test_a_watched_docs_folder_keeps_partial_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`watch:` naming the docs folder: a record edited while serving is still a partial build
    (the docs are compared page by page, not as a watched path whose every generated page is a
    change), and a looping link, a FIFO or a dangling link there break nothing
    (hostile9)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    project = make_project(tmp_path / "p", REPO / "data")
    loop = project.root / "loop"
    loop.mkdir()
    (loop / "self").symlink_to(loop)
    (loop / "dangling").symlink_to(loop / "nowhere")
    os.mkfifo(loop / "fifo")
    watch = f"watch:\n  - {project.content}\n  - {loop}\n"
    project.mkdocs.write_text(project.mkdocs.read_text(encoding="utf-8") + watch, encoding="utf-8")
    assert Regenerator(project.data, project.content).run()
    served = site_builder(project, tmp_path / "served")
    served()
    set_field(min(project.data.glob("incidents/**/*.yml")), "title", "A title edited while serving")
    assert Regenerator(project.data, project.content).run()
    served()
    assert served.last_kind == "partial"
    (loop / "fifo").unlink()
    served()  # a watched file gone: a whole build
    assert served.last_kind == "whole"
