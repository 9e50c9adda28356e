"""What `briefing` deletes and overwrites, and what it does when a write fails (issue 9, items 4,
15, 16 and 17).

- Only folders that briefing made are replaced: a `--site` or `--content` that is, holds or lies in
  a project folder, and a generated name that briefing did not make (no `.briefing-generated`
  marker), stop the build with exit 2 before anything is written.
- `pdf -o` never writes into the data folder, and only to names ending in .pdf unless --force.
- A full disk or a read-only folder is one line naming the path (exit 4), with no temporary file
  left: tested on a real small file system, a tmpfs mounted in a private mount namespace
  (`unshare -m`, or `unshare -rm` when not root) that vanishes with the command. Where no mount
  namespace may be made (some containers), the command runs under a file-size limit of a few
  bytes instead (RLIMIT_FSIZE: the kernel's own EFBIG, "File too large"), which is a real failed
  write too, but neither a full disk nor a read-only folder; the test says which it used.
- A build killed between the renames of a swap is put back by the next one, before anything else,
  and a killed briefing takes its MkDocs and its worker processes with it.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from conftest import REPO
from test_build import ATTACK, BRIEFING, Project, make_project, set_field, site_files, tree
from generator.partial import RECORD
from generator.pdf import CACHE_KEEP, PdfCache
from generator.write import FOLDER_NOTE, GENERATED, MARKER, NotOurs, recover, write_tree


def run(cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`briefing ARGS` in a real process, in `cwd`."""
    return subprocess.run([str(BRIEFING), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def one_line(stderr: str) -> str:
    """The only line the command printed on stderr (fails on more, or on a traceback)."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr and "internal error" not in stderr, stderr
    return lines[0]


# --- item 4: --site and --content never delete a folder that is not briefing's ---------------


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A project laid out as the repository (data/, content/, docs/, mkdocs.yml) never built."""
    project = make_project(tmp_path / "p")
    (project.root / "docs").mkdir()
    (project.root / "docs" / "design.md").write_text("# The team's own documentation\n", encoding="utf-8")
    return project


@pytest.mark.parametrize("site", ["docs", "data", ".", "content", "..", "data/actors", "docs/site"])
def test_build_refuses_a_site_that_is_holds_or_lies_in_a_project_folder(project: Project, site: str) -> None:
    everything = tree(project.root.parent)
    result = subprocess.run(
        [str(BRIEFING), "build", "--no-pdf", "--site", site], cwd=project.root, capture_output=True, text=True,
        timeout=300)
    assert result.returncode == 2, result.stderr
    assert one_line(result.stderr).startswith(f"briefing: refusing --site {site}: it ")
    assert tree(project.root.parent) == everything  # nothing deleted, nothing written


def test_build_refuses_a_site_folder_it_did_not_make(project: Project) -> None:
    mine = project.root / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine\n", encoding="utf-8")
    everything = tree(project.root)
    result = run(project.root, "build", "--no-pdf", "--site", "mine")
    assert result.returncode == 2
    assert one_line(result.stderr) == (
        "briefing: refusing to replace mine/: it is a folder that briefing did not build (it has no "
        ".briefing-generated marker); choose another --site, or move it away (if an older briefing built it, "
        "delete it yourself)")
    assert tree(project.root) == everything  # not even the pages were written


@pytest.mark.parametrize("name", ["pdf", "sources"])
def test_build_refuses_a_generated_name_in_content_made_by_hand(project: Project, name: str) -> None:
    own = project.content / name
    own.mkdir()
    (own / "mine.md").write_text("# My own page\n", encoding="utf-8")
    everything = tree(project.root)
    result = run(project.root, "build", "--no-pdf")
    assert result.returncode == 2
    assert one_line(result.stderr).startswith(f"briefing: refusing to replace content/{name}/: it has no "
                                              ".briefing-generated marker, so briefing did not make it")
    assert tree(project.root) == everything
    # The same through the library: the writer refuses before writing anything.
    with pytest.raises(NotOurs, match=f"content/{name}/"):
        write_tree(project.content, {"index.md": "# Home\n", f"{name}/index.md": "# Generated\n"})
    assert tree(project.root) == everything


def test_a_site_old_folder_briefing_did_not_make_is_left_where_it_is(project: Project) -> None:
    """With no site/, a `site.old/` is put back only when it is a site briefing built (its marker):
    a user's own folder of that name (a backup) was moved to site/ as "left by an interrupted
    build", and the build then refused the site/ it had just made of it."""
    mine = project.root / "site.old"
    mine.mkdir()
    (mine / "backup.txt").write_text("mine\n", encoding="utf-8")
    result = run(project.root, "build", "--no-pdf")
    assert result.returncode == 2, result.stderr
    assert one_line(result.stderr) == (
        "briefing: refusing to delete site.old/: it has no .briefing-generated marker, so briefing did not make "
        "it; move it elsewhere, or delete it yourself if it is not yours to keep")
    assert (mine / "backup.txt").read_text(encoding="utf-8") == "mine\n"
    assert not (project.root / "site").exists()


def test_a_folder_of_an_older_briefing_is_refused_with_what_to_do(project: Project) -> None:
    assert project.build().returncode == 0
    (project.content / "timeline" / MARKER).unlink()  # as an older briefing left it
    (project.content / MARKER).unlink()
    before = tree(project.root)
    result = project.build()
    assert result.returncode == 2
    line = one_line(result.stderr)
    # every generated name it no longer knows as its own: the top files the content folder's
    # marker listed (the overview, the feed) and the folder without its marker
    assert (f"refusing to replace {project.content}/index.md, {project.content}/timeline/ and "
            f"{project.content}/feed.xml") in line
    assert "if made by an older briefing, delete them yourself" in line
    assert tree(project.root) == before


def test_the_writer_never_overwrites_a_hand_written_index(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "index.md").write_text("# Our own home page\n", encoding="utf-8")
    with pytest.raises(NotOurs, match=r"index\.md"):
        write_tree(content, {"index.md": "# Generated\n", "timeline/index.md": "# Timeline\n"})
    assert tree(content) == {"index.md": b"# Our own home page\n"}


def test_content_that_holds_the_data_folder_is_refused(project: Project) -> None:
    for content, where in (("data", "is"), (".", "holds"), ("data/content", "is inside")):
        result = run(project.root, "build", "--no-pdf", "--content", content)
        assert result.returncode == 2
        assert one_line(result.stderr) == f"briefing: refusing --content {content}: it {where} the data folder data/"


@pytest.mark.slow
def test_markers_are_made_kept_and_never_published(project: Project) -> None:
    # A fresh clone has no generated folder and no site: the first build makes them, marked.
    result = project.build()
    assert result.returncode == 0, result.stderr
    folders = sorted(p.name for p in project.content.iterdir() if p.is_dir() and p.name in GENERATED)
    assert folders and all((project.content / name / MARKER).is_file() for name in folders)
    assert (project.content / MARKER).read_text(encoding="utf-8").splitlines()[-1] == "index.md"
    assert (project.site / MARKER).is_file()
    site = tree(project.site)
    # Hidden files are no pages: no marker in the site but its own, and no word of one in any page.
    assert [p for p in site if p.endswith(MARKER)] == [MARKER]
    assert not [p for p, data in site.items() if p != MARKER and MARKER.encode() in data]
    # The second build replaces both folders again (they are marked) and keeps the markers.
    result = project.build()
    assert result.returncode == 0, result.stderr
    # (The site's build record holds the stamps of its own files: the rest is compared.)
    assert site_files(project.site) == {path: data for path, data in site.items() if path != RECORD}
    assert (project.content / "timeline" / MARKER).is_file()


def test_serve_refuses_a_hand_made_generated_folder(project: Project) -> None:
    (project.content / "pdf").mkdir()
    (project.content / "pdf" / "mine.pdf").write_bytes(b"%PDF-1.7 mine\n")
    result = run(project.root, "serve", "--port", "0", timeout=60)
    assert result.returncode == 2
    assert one_line(result.stderr).startswith("briefing: refusing to replace content/pdf/")
    assert (project.content / "pdf" / "mine.pdf").read_bytes() == b"%PDF-1.7 mine\n"


def test_the_pdf_cache_deletes_only_its_own_files(tmp_path: Path) -> None:
    # `--pdf-cache` may be given any folder: pruning forgets only files named by a hash.
    folder = tmp_path / "papers"
    folder.mkdir()
    for n in range(CACHE_KEEP + 20):
        (folder / f"paper-{n}.pdf").write_bytes(b"%PDF mine\n")
    PdfCache(folder).prune()
    assert len(list(folder.iterdir())) == CACHE_KEEP + 20


# --- item 15: pdf -o ---------------------------------------------------------------------------


@pytest.mark.parametrize(("output", "message"), [
    ("data/actors/isis.yml", "refusing -o data/actors/isis.yml: it is inside the data folder data/; "
                             "write the PDF elsewhere"),
    ("data/april.pdf", "refusing -o data/april.pdf: it is inside the data folder data/; write the PDF elsewhere"),
    ("april.pdf.d/../data/april.pdf", "refusing -o april.pdf.d/../data/april.pdf: it is inside the data folder data/; "
                                      "write the PDF elsewhere"),
    ("link.pdf", "refusing -o link.pdf: it is inside the data folder data/; write the PDF elsewhere"),
    ("linked/april.pdf", "refusing -o linked/april.pdf: it is inside the data folder data/; write the PDF elsewhere"),
    ("", "-o needs a file name, such as april.pdf"),
    ("april.txt", "refusing -o april.txt: the name does not end in .pdf (give --force to write it anyway)"),
    ("briefing.yml", "refusing -o briefing.yml: the name does not end in .pdf (give --force to write it anyway)"),
])
def test_pdf_output_is_never_a_data_file_nor_a_name_without_pdf(base_data: Path, output: str, message: str) -> None:
    root = base_data.parent
    (root / "april.pdf.d").mkdir()
    (root / "link.pdf").symlink_to(base_data / "actors" / "isis.yml")  # a link into the data folder
    (root / "linked").symlink_to(base_data, target_is_directory=True)
    (root / "briefing.yml").write_text("title: Our briefing\n", encoding="utf-8")
    before = tree(root)
    result = run(root, "pdf", "--month", "2020-04", "-o", output)
    assert result.returncode == 2
    assert one_line(result.stderr) == f"briefing: {message}"
    assert tree(root) == before


@pytest.mark.slow
def test_pdf_force_writes_any_name_but_never_into_the_data_folder(base_data: Path) -> None:
    root = base_data.parent
    result = run(root, "pdf", "--month", "2020-04", "-o", "april.bin", "--force")
    assert result.returncode == 0, result.stderr
    assert (root / "april.bin").read_bytes().startswith(b"%PDF-")
    before = tree(base_data)
    result = run(root, "pdf", "--month", "2020-04", "-o", "data/actors/isis.yml", "--force")
    assert result.returncode == 2
    assert tree(base_data) == before


# --- item 16: a full disk or a read-only folder ------------------------------------------------


@cache
def mount_namespace() -> list[str] | None:
    """The `unshare` command that gives a private mount namespace where tmpfs may be mounted
    (as root `unshare -m`; otherwise in a user namespace of its own, `unshare -rm`), or None."""
    probe = Path(os.environ.get("TMPDIR", "/tmp"))  # noqa: S108  # the system's temporary folder, only probed
    for command in (["unshare", "-m"], ["unshare", "-rm"]):
        if shutil.which("unshare") is None:
            return None
        try:
            ok = subprocess.run([*command, "mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(probe)],
                                capture_output=True, timeout=30).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return command
    return None


@dataclass
class Failed:
    """A command run where its writes fail: its result, the folder's files afterwards, and the
    reason the operating system gave."""

    result: subprocess.CompletedProcess[str]
    after: dict[str, bytes]
    reason: str


def run_where_writes_fail(folder: Path, cwd: Path, args: list[str], how: str, size: str = "4m",
                          leave_free: int = 0) -> Failed:
    """`briefing ARGS` in `cwd`, with `folder` (its present files copied in) on a small tmpfs that
    is full (`how="full"`; `leave_free` bytes left) or read-only (`how="read-only"`). `after` is
    the folder's files when the command ended (the filler left out)."""
    after_dir = folder.with_name(folder.name + ".after")
    command = mount_namespace()
    if command is None:
        # No mount namespace here: a file-size limit fails the writes instead, in every folder
        # (the command's other writes are smaller than `leave_free`, the limit).
        folder.mkdir(exist_ok=True)
        limit = max(leave_free, 1)
        result = subprocess.run([str(BRIEFING), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                                preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
        return Failed(result, tree(folder), "File too large")
    seed = folder.with_name(folder.name + ".seed")
    shutil.move(folder, seed) if folder.exists() else seed.mkdir()
    folder.mkdir()
    after_dir.mkdir()
    fill = ""
    if how == "full":
        fill = f'head -c $(( $(stat -f -c "%a*%S" "$MNT") - {leave_free} )) /dev/zero > "$MNT/.filler" 2>/dev/null; '
    script = (
        'MNT="$1"; SEED="$2"; AFTER="$3"; shift 3; '
        f'mount -t tmpfs -o size={size} tmpfs "$MNT" && cp -a "$SEED/." "$MNT/" || exit 99; '
        + fill
        + ('mount -o remount,ro "$MNT" || exit 99; ' if how == "read-only" else "")
        + '"$@"; rc=$?; cp -a "$MNT/." "$AFTER/"; rm -f "$AFTER/.filler"; exit $rc'
    )
    result = subprocess.run([*command, "sh", "-c", script, "sh", str(folder), str(seed), str(after_dir),
                             str(BRIEFING), *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode != 99, f"the small file system could not be set up: {result.stderr}"
    folder.rmdir()
    shutil.move(seed, folder)
    reason = {"full": "No space left on device", "read-only": "Read-only file system"}[how]
    return Failed(result, tree(after_dir), reason)


@pytest.mark.parametrize("how", ["full", "read-only"])
def test_build_with_content_on_a_full_or_read_only_disk(project: Project, how: str) -> None:
    assert project.build("--pages-only").returncode == 0
    set_field(project.data / ATTACK, "title", "A title that cannot be written")
    before = tree(project.content)
    failed = run_where_writes_fail(project.content, project.root, ["build", "--no-pdf", "--pages-only"], how)
    assert failed.result.returncode == 4, failed.result.stderr
    line = one_line(failed.result.stderr)
    assert line.startswith("briefing: cannot write content/") and line.endswith(
        f": {failed.reason}; content/ was left as it was"), line
    assert failed.after == before  # no page changed, no staging folder left


@pytest.mark.slow
@pytest.mark.parametrize("how", ["full", "read-only"])
def test_build_with_the_site_on_a_full_or_read_only_disk(project: Project, how: str) -> None:
    # Room for the site's marker but not for the site: MkDocs itself meets the full disk.
    failed = run_where_writes_fail(project.root / "out", project.root,
                                   ["build", "--no-pdf", "--site", "out/site"], how, size="1m", leave_free=64 * 1024)
    assert failed.result.returncode == 4, failed.result.stderr
    line = one_line(failed.result.stderr)
    assert line.startswith("briefing: cannot write out/site.building") and line.endswith(
        f": {failed.reason}; no site was written"), line
    assert failed.after == {}  # the half-built site is gone


@pytest.mark.slow
def test_a_pdf_cache_that_cannot_be_written_is_a_warning(project: Project) -> None:
    # The cache only saves time: a build goes on without it, and says why.
    if mount_namespace() is not None:
        failed = run_where_writes_fail(project.root / "cache", project.root,
                                       ["build", "--pages-only", "--pdf-cache", "cache"], "read-only")
        result, reason = failed.result, failed.reason
        assert failed.after == {}
    else:  # no mount namespace here: a cache folder that cannot be made, below a file
        (project.root / "cache").write_text("a file\n", encoding="utf-8")
        result = run(project.root, "build", "--pages-only", "--pdf-cache", "cache/pdf")
        reason = "Not a directory"
    assert result.returncode == 0, result.stderr
    assert one_line(result.stderr).startswith("briefing: warning: cannot write cache")
    assert result.stderr.strip().endswith(f": {reason}; the PDFs were not cached")
    assert any(path.startswith("pdf/") for path in project.generated())


@pytest.mark.slow
@pytest.mark.parametrize("how", ["full", "read-only"])
def test_pdf_on_a_full_or_read_only_disk_leaves_no_temporary_file(base_data: Path, how: str) -> None:
    out = base_data.parent / "out"
    out.mkdir()
    (out / "april.pdf").write_bytes(b"the previous briefing\n")
    failed = run_where_writes_fail(out, base_data.parent, ["pdf", "--month", "2020-04", "-o", "out/april.pdf"], how,
                                   size="1m", leave_free=4096)
    assert failed.result.returncode == 4, failed.result.stderr
    assert (one_line(failed.result.stderr)
            == f"briefing: cannot write out/april.pdf: {failed.reason}; no PDF was written")
    assert failed.after == {"april.pdf": b"the previous briefing\n"}  # the old file, and no .tmp


@pytest.mark.parametrize("how", ["full", "read-only"])
def test_fmt_on_a_full_or_read_only_disk_leaves_the_file_as_it_was(base_data: Path, how: str) -> None:
    messy = base_data / "actors" / "isis.yml"
    messy.write_text(messy.read_text(encoding="utf-8").replace("\n", "\r\n"), encoding="utf-8")
    before = tree(base_data)
    failed = run_where_writes_fail(base_data, base_data.parent, ["fmt", "--data", "data"], how)
    assert failed.result.returncode == 4, failed.result.stderr
    assert one_line(failed.result.stderr) == (
        f"briefing: cannot write data/actors/isis.yml: {failed.reason}; it was left as it was")
    assert failed.after == before  # and no temporary file beside it


@pytest.mark.parametrize("how", ["full", "read-only"])
def test_new_on_a_full_or_read_only_disk_leaves_nothing(base_data: Path, how: str) -> None:
    before = tree(base_data)
    failed = run_where_writes_fail(base_data, base_data.parent, ["new", "incident", "--title", "A raid on a village",
                                                                 "--date", "2020-06-02", "--data", "data"], how)
    assert failed.result.returncode == 4, failed.result.stderr
    assert one_line(failed.result.stderr) == (
        f"briefing: cannot write data/incidents/2020/06/a-raid-on-a-village-2020-06-02.yml: {failed.reason}; "
        "nothing was written")
    assert failed.after == before
    assert not (base_data / "incidents" / "2020" / "06").exists()


# --- item 17: a killed build --------------------------------------------------------------------


def break_mkdocs(project: Project) -> None:
    """A plugin that is not installed: MkDocs stops with an error."""
    with project.mkdocs.open("a", encoding="utf-8") as fh:
        fh.write("plugins:\n  - no-such-plugin\n")


@pytest.mark.slow
def test_a_site_swap_cut_short_is_put_back_and_the_message_is_true(project: Project) -> None:
    assert project.build().returncode == 0
    site = tree(project.site)
    # Killed between the two renames: the site is at site.old, the new one half in site.building.
    building, old = project.root / "site.building", project.root / "site.old"
    os.replace(project.site, old)
    shutil.copytree(old, building)
    shutil.rmtree(building / "timeline")
    break_mkdocs(project)
    result = run(project.root, "build", "--no-pdf")
    assert result.returncode == 1
    assert "briefing: put back site/ from site.old/, where an interrupted build had left it" in result.stderr
    assert result.stderr.strip().endswith("mkdocs build failed; site/ was left as it was")
    assert tree(project.site) == site  # it was, indeed
    assert not building.exists() and not old.exists()


def test_a_content_swap_cut_short_is_put_back_before_anything_else(project: Project) -> None:
    assert project.build("--pages-only").returncode == 0
    content = tree(project.content)
    # Killed in the writer's swap: timeline/ moved to the trash, its new version still staged.
    trash, staging = project.content / ".briefing-old", project.content / ".briefing-staging"
    trash.mkdir()
    (trash / MARKER).write_text((project.content / "timeline" / MARKER).read_text("utf-8"), "utf-8")
    os.replace(project.content / "timeline", trash / "timeline")
    shutil.copytree(trash, staging)
    # The next build stops on invalid data: the pages must be whole all the same.
    set_field(project.data / ATTACK, "date", "2020-04-31")
    result = run(project.root, "build", "--no-pdf", "--pages-only")
    assert result.returncode == 1
    assert "briefing: put back content/timeline, which an interrupted build had moved aside" in result.stderr
    assert tree(project.content) == content
    assert recover(project.content) == []



def test_a_trash_folder_briefing_did_not_make_is_never_put_back(project: Project) -> None:
    # A pull request commits content/.briefing-old/timeline/ (a hidden name: no page checks it):
    # nothing of it may be moved into the content as if an interrupted build had left it.
    hand = project.content / ".briefing-old"
    (hand / "timeline").mkdir(parents=True)
    (hand / "timeline" / "index.md").write_text("# Planted\n", encoding="utf-8")
    with pytest.raises(NotOurs, match="briefing-old"):  # the build refuses it and names it (exit 2)
        recover(project.content)
    assert not (project.content / "timeline").exists()
    # Marked trash, but the folder in it unmarked: not put back either.
    (hand / MARKER).write_text(FOLDER_NOTE, "utf-8")
    assert recover(project.content) == []
    assert not (project.content / "timeline").exists()

def children(pid: int) -> dict[int, str]:
    """The live child processes of `pid` (zombies are dead), by pid, with their command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found[int(entry.name)] = cmdline
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def kill_when(args: list[str], cwd: Path, wanted: str, least: int = 1) -> list[int]:
    """Start `briefing ARGS`, wait until it has `least` children whose command line holds `wanted`,
    kill it with SIGKILL and return those children's pids."""
    proc = subprocess.Popen([str(BRIEFING), *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            found = [pid for pid, cmd in children(proc.pid).items() if wanted in cmd]
            if len(found) >= least:
                break
            if proc.poll() is not None:
                said = proc.stderr.read().decode()  # type: ignore[union-attr]  # started with stderr=PIPE
                pytest.fail(f"briefing ended before it started {wanted}: {said}")
            time.sleep(0.02)
        else:
            pytest.fail(f"briefing started no {wanted} within 120 s")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    return found


def assert_all_gone(pids: list[int], within: float = 3.0) -> None:
    deadline = time.monotonic() + within
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in pids if alive(pid)]
    for pid in left:  # not ours to leave running, whatever the test says
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} process(es) outlived the killed briefing"


@pytest.mark.slow
def test_killing_a_build_kills_its_mkdocs(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    assert project.build("--pages-only").returncode == 0
    # A hook keeps MkDocs busy for a minute after its build, as a large site would: long after
    # the check below, were it left running.
    (tmp_path / "busy.py").write_text("import time\n\ndef on_post_build(config):\n    time.sleep(60)\n", "utf-8")
    busy = project.root / "busy.yml"
    busy.write_text(f"INHERIT: {project.mkdocs}\nhooks:\n  - {REPO / 'site_overrides' / 'hooks.py'}\n"
                    f"  - {tmp_path / 'busy.py'}\n", encoding="utf-8")
    # MkDocs runs as `python -m generator.partial` (MkDocs' own build command, partial when it can).
    mkdocs = kill_when(["build", "--no-pdf", "--mkdocs-config", str(busy)], project.root, "generator.partial")
    assert_all_gone(mkdocs)
    # And the next build cleans up what it left.
    result = project.build()
    assert result.returncode == 0, result.stderr
    assert not (project.root / "site.building").exists()


@pytest.mark.slow
def test_killing_fmt_kills_its_workers(base_data: Path) -> None:
    template = (base_data / "actors" / "isis.yml").read_text(encoding="utf-8")
    many = base_data / "actors" / "many"
    many.mkdir()
    for n in range(600):  # more than fmt.PARALLEL_FROM: a pool of workers
        (many / f"a{n}.yml").write_text(template.replace("id: isis", f"id: a{n}").replace("\n", "\r\n"),
                                        encoding="utf-8")
    workers = kill_when(["fmt", "--check", "--data", "data"], base_data.parent, "briefing", least=2)
    assert_all_gone(workers)


@pytest.mark.slow
def test_killing_a_build_kills_its_pdf_workers(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", REPO / "data")
    # The example data's briefings are one run (pdf._chunks): one worker, forked and not waited
    # for while the pages are made (pdf.start_site_pdfs). The pool that a build with more runs
    # than CPUs uses is the one of `fmt` (pool_options), whose workers the test above kills.
    workers = kill_when(["build", "--pages-only", "--data", "data", "--pdf-cache", str(tmp_path / "cache")],
                        project.root, "briefing", least=1)
    assert_all_gone(workers)
