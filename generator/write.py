"""The only code that writes generated pages to disk, and only inside its output folder.

`write_tree` takes every page as text, already rendered, so that nothing is written when anything
before it failed. It then builds the new tree in a hidden staging folder beside the live one
(unchanged files are hard links to the live ones, so they keep their time stamps and MkDocs' live
reload sees only real changes), and swaps each generated folder in with a rename. A failure
before or during the swap leaves the previous output as it was (a failed swap puts back what it
moved); pages of records that no longer exist are gone after it; and when no page changed,
nothing in the folder is touched at all.

It deletes and overwrites only what `briefing` made. Each generated folder holds a marker file,
`.briefing-generated` (`MARKER`), written with it; the content folder's own marker lists the
generated files at its top (`index.md`). A generated name that exists without its marker (a
user's own `content/pdf/`, or folders of an older `briefing` that wrote no markers) stops the
write before anything is touched (`NotOurs`). MkDocs leaves files whose names start with a dot out
of the site, so the markers are never pages.

A process killed in the middle of the swap leaves the previous version of some folders in the
trash (`.briefing-old`) while their live names are missing: `recover` puts them back, and every
write starts with it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
from contextlib import contextmanager
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, ClassVar, Iterable, Iterator, NoReturn

from .errors import EXIT_BUG, EXIT_USAGE, EXIT_WRITE, BriefingError, Refusal, UsageProblem

from . import routes

#: What the generator owns inside the content folder, from the site's table of routes (one name
#: per page family, the charts and the PDFs); everything else there is hand-written (`briefings/`
#: too: the editors' key judgements for PDF briefings).
GENERATED: tuple[str, ...] = routes.GENERATED
_STAGING = ".briefing-staging"
_TRASH = ".briefing-old"

#: The marker file of a folder that `briefing` made and may replace whole (a generated folder of
#: content/, the site folder, the writers' working folders). Hidden: MkDocs publishes no file
#: whose name starts with a dot.
MARKER = ".briefing-generated"
#: What a folder's marker says (its first line is what identifies it).
FOLDER_NOTE = (
    "Made by `briefing build`, which deletes and rewrites this whole folder at every build.\n"
    "Keep no file of your own here. See docs/design.md (\"What briefing deletes\").\n"
)
#: What the content folder's marker says: only the generated files listed under it are briefing's.
ROOT_NOTE = (
    "Made by `briefing build`. Of this folder, only the files listed below are generated (each\n"
    "generated folder has its own marker); `briefing build` rewrites them at every build.\n"
)
#: Environment errors that can only come from writing (a full disk, a read-only file system, a
#: quota, a file size limit): never a bug, always reported with the path.
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EFBIG})


class WriteError(BriefingError):
    """A page that may not be written (outside the folder, not a generated name, or twice): a
    bug of the generator (exit 3), unless it is NotOurs."""

    exit_code: ClassVar[int] = EXIT_BUG


class NotOurs(WriteError):
    """A folder or file that `briefing` did not make, where it would delete or overwrite it.
    Nothing has been written when this is raised (exit 2: the user chose the folder)."""

    exit_code: ClassVar[int] = EXIT_USAGE


class CannotWrite(OSError, BriefingError):
    """The operating system refused a write (a full disk, a read-only folder, no permission):
    `cannot write PATH: REASON`, one line (exit 4). Temporary files are removed before it is
    raised. Still an OSError, so that code catching those catches it too."""

    exit_code: ClassVar[int] = EXIT_WRITE

    def __init__(self, path: str | os.PathLike[str], error: OSError) -> None:
        super().__init__(error.errno, error.strerror or str(error), os.fspath(path))

    def __str__(self) -> str:
        path = Path(self.filename)
        try:  # as the user would write it: relative to the current folder when inside it
            shown = path.relative_to(Path.cwd()).as_posix() if path.is_absolute() else path.as_posix()
        except (ValueError, OSError):
            shown = path.as_posix()
        return f"cannot write {shown}: {self.strerror}"


@contextmanager
def writing(path: str | os.PathLike[str]) -> Iterator[None]:
    """Turn an OSError raised inside into CannotWrite naming `path` (or the path the error itself
    names: a rename's source, a folder that could not be made). Python gives no file name with
    the error of a `write()` on a full disk, so the caller says which file it was writing."""
    try:
        yield
    except CannotWrite:
        raise
    except OSError as exc:
        raise CannotWrite(exc.filename if exc.filename is not None else path, exc) from exc


@dataclass(frozen=True)
class Streamed:
    """A file's content made while it is written, in chunks of bytes: an export of 100,000
    incidents, or a page rendered only when the writer comes to it, is never whole in memory
    beside every other page. `chunks` is called once for each write."""

    chunks: Callable[[], Iterable[bytes]]

    def data(self) -> bytes:
        """The whole content at once (for callers that need it whole)."""
        return b"".join(self.chunks())


#: What the writer takes for each file: text (written as UTF-8), bytes, or chunks of bytes.
Content = str | bytes | Streamed


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def check_paths(root: Path, paths: list[str]) -> None:
    """Refuse any page path that would leave `root` or touch a hand-written file."""
    resolved_root = root.resolve()
    for path in paths:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts or path != pure.as_posix():
            raise WriteError(f"refusing to write {path!r}: not a plain relative path")
        if pure.parts[0] not in GENERATED:
            raise WriteError(f"refusing to write {path!r}: not inside a generated folder {GENERATED}")
        if not (resolved_root / pure).resolve().is_relative_to(resolved_root):
            raise WriteError(f"refusing to write {path!r}: it resolves outside {root}")
    _check_twice(paths)


def _check_twice(paths: list[str]) -> None:
    """Refuse two pages of one path (or of paths that differ only by case)."""
    seen: set[str] = set()
    for path in paths:
        key = path.casefold()  # two pages that differ only by case are one file on some systems
        if key in seen:
            raise WriteError(f"refusing to write {path!r} twice")
        seen.add(key)


def write_tree(root: Path, pages: Mapping[str, Content]) -> WriteResult:
    """Make the generated part of `root` hold exactly `pages` (path → content). A `Streamed`
    content is made here, one file at a time, as it is written into the staging folder: an
    error while making it (a page that fails to render) leaves the live tree as it was, as any
    other failure before the swap does."""
    check_paths(root, list(pages))
    writer = TreeWriter(root)
    writer.begin()
    try:
        writer.stage(pages, checked=True)
    except BaseException:
        writer.discard()
        raise
    return writer.finish()


class TreeWriter:
    """`write_tree` in steps, for pages made by more than one process (generator/split.py):
    `begin` makes the staging folder; `stage` puts pages in it (from this process or from a
    forked one, each its own pages); `note` adds what another process staged; `finish` stages
    the folder markers and swaps the new tree in, or `discard` drops it. The same files and the
    same result as `write_tree` with every page at once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging = root / _STAGING
        self.paths: list[str] = []
        self.written: list[str] = []
        self.unchanged: list[str] = []

    def begin(self) -> None:
        """Put back what an interrupted write left, check that the generated names are ours, and
        make an empty staging folder."""
        recover(self.root)
        check_owned(self.root)
        try:
            with writing(self.root):
                self.root.mkdir(parents=True, exist_ok=True)
            make_marked(self.staging)
        except BaseException:
            _discard(self.staging)
            raise

    def stage(self, pages: Mapping[str, Content], checked: bool = False, again: bool = False) -> None:
        """Stage `pages` (their paths checked first unless `checked`), in the order of their paths.
        Each page is made into bytes (or streamed) only when its turn comes, and dropped once
        written: the pages are never all in memory twice. `again`: a file of the same name that a
        failed process may have left in the staging folder is removed first (never written
        through: it can be a hard link to the live file)."""
        if not checked:
            check_paths(self.root, list(pages))
        for path in sorted(pages):
            live, staged = self.root / path, self.staging / path
            with writing(staged):
                staged.parent.mkdir(parents=True, exist_ok=True)
                if again:
                    staged.unlink(missing_ok=True)
                (self.unchanged if _stage(live, staged, pages[path]) else self.written).append(path)
        self.paths.extend(pages)

    def note(self, paths: list[str], written: list[str], unchanged: list[str]) -> None:
        """Count pages another process staged in this staging folder (after it checked them)."""
        self.paths.extend(paths)
        self.written.extend(written)
        self.unchanged.extend(unchanged)

    def discard(self) -> None:
        """Drop the staging folder (the live tree stays as it was)."""
        _discard(self.staging)

    def finish(self) -> WriteResult:
        """Stage the folder markers, list what is deleted, and swap the new tree in (nothing is
        touched when no file changed); the staging folder is dropped on any failure."""
        root, pages = self.root, set(self.paths)
        result = WriteResult(sorted(self.written), sorted(self.unchanged))
        markers_changed = False
        try:
            _check_twice(self.paths)  # each process checked its own pages; two of them could meet
            folders = sorted({PurePosixPath(path).parts[0] for path in pages if "/" in path})
            for name in folders:
                path = f"{name}/{MARKER}"
                staged = self.staging / path
                with writing(staged):
                    staged.parent.mkdir(parents=True, exist_ok=True)
                    if not _stage(root / path, staged, FOLDER_NOTE.encode()):
                        markers_changed = True
            for name in GENERATED:
                live = root / name
                if live.is_dir() and not live.is_symlink():
                    for old in sorted(p for p in live.rglob("*") if p.is_file() or p.is_symlink()):
                        rel = old.relative_to(root).as_posix()
                        if rel not in pages and old.name != MARKER:
                            result.deleted.append(rel)
                elif (live.is_file() or live.is_symlink()) and name not in pages:
                    result.deleted.append(name)
            top_files = sorted(path for path in pages if "/" not in path)
            if top_files:
                _write_root_marker(root, top_files)
        except BaseException:
            _discard(self.staging)
            raise
        if not result.written and not result.deleted and not markers_changed:
            # Nothing to change: leave the live tree alone (not even a rename), so that a watching
            # MkDocs sees no event at all and does not rebuild for nothing.
            remove_marked(self.staging)
            return result
        _swap(root, self.staging, root / _TRASH)
        return result


def _stage(live: Path, staged: Path, content: Content) -> bool:
    """Put `content` at `staged`: a hard link to `live` when that is a regular file holding the
    same bytes (True), else a new file (False)."""
    if not isinstance(content, Streamed):
        data = _bytes(content)
        if (live.is_file() and not live.is_symlink() and live.stat().st_size == len(data)
                and live.read_bytes() == data):
            _keep(live, staged)
            return True
        staged.write_bytes(data)
        return False
    with open(staged, "xb") as out:  # a new name in our own staging folder
        for chunk in content.chunks():
            out.write(chunk)
    if live.is_file() and not live.is_symlink() and _same_bytes(live, staged):
        staged.unlink()
        _keep(live, staged)
        return True
    return False


#: How much of two files `_same_bytes` compares at a time.
_BLOCK = 1 << 20


def _same_bytes(one: Path, other: Path) -> bool:
    """Whether two regular files hold the same bytes (their sizes first, then a block at a time)."""
    if one.stat().st_size != other.stat().st_size:
        return False
    with open(one, "rb") as a, open(other, "rb") as b:
        while True:
            block = a.read(_BLOCK)
            if block != b.read(_BLOCK):
                return False
            if not block:
                return True


def put_file(target: Path, data: bytes) -> None:
    """`replace_file`, creating the folders it needs first (CannotWrite when it cannot)."""
    with writing(target.parent):
        target.parent.mkdir(parents=True, exist_ok=True)
    replace_file(target, data)


def replace_file(target: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `target` whole or not at all: a new temporary file of a random name in the
    same folder, created with O_EXCL (`tempfile.mkstemp`: whatever already sits at any name it
    could pick, a link planted there included, is never opened or written through), renamed over
    `target` (the rename replaces the name, never a file a link there points to). It gets the
    permissions `target` had, or those of a new file. On failure (CannotWrite, naming `target`)
    the temporary file is gone and `target` is as it was."""
    target = Path(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise CannotWrite(target, exc) from exc
    try:
        try:
            st_mode = os.stat(target, follow_symlinks=False).st_mode
            mode = st_mode & 0o7777 if stat.S_ISREG(st_mode) else 0o666 & ~_umask()
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            fd = -1  # closed by the `with` from here on
            out.write(data)
        os.replace(tmp, target)
    except BaseException as exc:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, CannotWrite):
            raise CannotWrite(target, exc) from exc
        raise


def temporary_folder(prefix: str) -> Path:
    """A new empty folder of a random name in the system's temporary folder (`tempfile.mkdtemp`:
    readable by its owner only); the caller deletes it."""
    return Path(tempfile.mkdtemp(prefix=prefix))


def create_file(target: Path, data: bytes) -> bool:
    """Write `data` to a new file `target`, never over anything: False (nothing written) when a
    file, a folder or a link already has the name. Missing folders on the way are made; on
    failure (CannotWrite, naming `target`) the file and the folders made for it are gone again,
    so the folder holding it is as it was. (Created with O_EXCL, not renamed into place: a name
    taken meanwhile, a link planted there included, is never replaced or written through.)"""
    made_folders = [folder for folder in (target.parent, *target.parent.parents) if not folder.exists()]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            fh = open(target, "xb")  # noqa: SIM115  # closed by `with fh` below; apart for FileExistsError
        except FileExistsError:
            return False
        try:
            with fh:
                fh.write(data)
        except BaseException:
            target.unlink(missing_ok=True)  # never half a file
            raise
    except OSError as exc:
        for folder in made_folders:  # deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise CannotWrite(target, exc) from exc
    return True


def visible_tree(root: Path) -> Iterator[tuple[str, list[str], list[tuple[str, str]]]]:
    """What MkDocs reads of the folder `root`, as `os.walk` gives it top-down: each folder, its
    sub-folders (sorted; walked next) and its files as (name, path relative to `root`, POSIX).
    Hidden names are skipped, as MkDocs skips them (the markers, the build record, the writer's
    staging folder)."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = os.path.relpath(folder, root)
        prefix = "" if rel == "." else Path(rel).as_posix() + "/"
        yield folder, dirs, [(name, prefix + name) for name in files if not name.startswith(".")]


def prune_named(folder: Path, name: re.Pattern[str], keep: int, current: Path) -> None:
    """Delete the least recently written regular files of `folder` whose names `name` matches
    in full, beyond the newest `keep` (never `current`): a cache's files for other folders. Only
    such names: whatever else the folder holds is not ours to delete. A folder that cannot be
    listed or written is only not pruned."""
    try:
        ours = [p for p in folder.iterdir() if name.fullmatch(p.name) and p.is_file() and not p.is_symlink()]
        ours.sort(key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
    except OSError:
        return
    for stale in ours[keep:]:
        if stale != current:
            with contextlib.suppress(OSError):
                stale.unlink()


def put_cache_file(path: Path, data: bytes, name: re.Pattern[str], keep: int) -> CannotWrite | None:
    """Write a cache's file `path` (`put_file`), then prune the folder's other files of that
    `name` beyond `keep` (`prune_named`). The failure to write, if any, is returned, not raised:
    a read-only or full disk only makes the next run slower."""
    try:
        put_file(path, data)
    except CannotWrite as exc:
        return exc
    prune_named(path.parent, name, keep, path)
    return None


def copy_site(source: Path, target: Path, expected: dict[str, tuple[int, int, int]],
              link: frozenset[str] = frozenset(), skip: frozenset[str] = frozenset()) -> bool:
    """Copy the files of the built site `source` into the folder `target` (which holds only its
    marker), with their times, when each is a regular file whose (inode, size, modification time)
    is the one `expected` names, and no other file is there (hidden names are no part of a site:
    the marker, the build record). False, with some files perhaps copied, when the site differs:
    the caller builds whole (MkDocs empties the folder first). Copies, not links: MkDocs writes
    in place into the files it renders again, and the previous site must stay whole until the new
    one is swapped in. Except the paths in `link`, which the caller knows MkDocs will not write
    (hard links, as the writer carries unchanged pages over), and those in `skip`, which it knows
    MkDocs will write whole (not copied at all)."""
    found: list[str] = []
    for folder, dirs, files in visible_tree(source):
        for name, path in files:
            try:
                st = os.lstat(os.path.join(folder, name))
            except OSError:
                return False
            if not stat.S_ISREG(st.st_mode) or expected.get(path) != (st.st_ino, st.st_size, st.st_mtime_ns):
                return False
            found.append(path)
        for name in dirs:
            if os.path.islink(os.path.join(folder, name)):
                return False
    if len(found) != len(expected):
        return False
    made: set[str] = set()
    with writing(target):
        for path in found:
            if path in skip:
                continue
            parent = os.path.dirname(path)
            if parent and parent not in made:
                os.makedirs(target / parent, exist_ok=True)
                made.add(parent)
            if path in link:
                _keep(source / path, target / path)
            else:
                shutil.copy2(source / path, target / path, follow_symlinks=False)
    return True


def put_back(moved: Path, live: Path) -> None:
    """Rename the folder `moved` (a previous version set aside) back to its live name `live`."""
    with writing(live):
        os.replace(moved, live)


def swap_folder(new: Path, live: Path, old: Path) -> None:
    """Put the folder `new` in place of `live` with renames: the live one (if any) moves to `old`
    first, and goes back when `new` cannot be moved in (`new` is then deleted). The caller
    deletes `old` afterwards, once the new folder is in place."""
    with writing(live):
        if live.exists():
            os.replace(live, old)
        try:
            os.replace(new, live)
        except BaseException:
            if old.exists() and not live.exists():
                os.replace(old, live)
            shutil.rmtree(new, ignore_errors=True)
            raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def is_marked(folder: Path) -> bool:
    """Whether `folder` is a real folder (not a link) holding briefing's folder marker."""
    marker = folder / MARKER
    if folder.is_symlink() or not folder.is_dir() or marker.is_symlink() or not marker.is_file():
        return False
    try:
        with marker.open("rb") as fh:
            return fh.readline() == FOLDER_NOTE.encode().split(b"\n")[0] + b"\n"
    except OSError:
        return False


def _is_empty_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink() and not any(path.iterdir())


def _root_listing(root: Path) -> set[str]:
    """The generated files the content folder's marker lists (none without a marker)."""
    marker = root / MARKER
    if marker.is_symlink() or not marker.is_file():
        return set()
    try:
        text = marker.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    if not text.startswith(ROOT_NOTE):
        return set()
    return {line for line in text[len(ROOT_NOTE):].splitlines() if line}


def _write_root_marker(root: Path, files: list[str]) -> None:
    """The content folder's marker, listing `files` (and what it already listed), written whole
    (a temporary file renamed) before any of them is placed."""
    listed = sorted(_root_listing(root) | set(files))
    text = ROOT_NOTE + "".join(f"{name}\n" for name in listed)
    marker = root / MARKER
    if marker.is_file() and not marker.is_symlink() and marker.read_text(encoding="utf-8", errors="replace") == text:
        return
    replace_file(marker, text.encode("utf-8"))


def not_ours(root: Path) -> list[str]:
    """The generated names in `root` that exist without briefing's marker, as paths to show: a
    folder without its `.briefing-generated`, `index.md` or `feed.xml` that the content folder's marker does not
    list, a file where a generated folder belongs. Links are not listed (`check_content` refuses
    them before a command writes; the writer itself removes a link, never what it points to); nor
    are empty folders (nothing would be lost)."""
    found: list[str] = []
    listed = _root_listing(root)
    for name in GENERATED:
        live = root / name
        if live.is_symlink() or not live.exists():
            continue
        # a generated file at the top (`index.md`, `feed.xml`) is ours when the content folder's
        # marker lists it; a generated folder when it holds its own marker
        ours = ((live.is_file() and name in listed) if name in routes.GENERATED_FILES
                else (is_marked(live) or _is_empty_folder(live)))
        if not ours:
            found.append(live.as_posix() + ("/" if live.is_dir() else ""))
    return found


def _links_within(root: Path) -> list[str]:
    """The links at the generated names of `root` and anywhere inside its generated folders
    (a link is never followed: `os.walk` does not descend into one)."""
    found: list[str] = []
    for name in GENERATED:
        live = root / name
        if live.is_symlink():
            found.append(live.as_posix())
        elif live.is_dir():
            for folder, dirs, files in os.walk(live):
                found.extend(f"{folder}/{entry}" for entry in sorted(dirs + files)
                             if os.path.islink(os.path.join(folder, entry)))
    return sorted(found)


def check_content(root: Path) -> None:
    """Before a command writes into the content folder `root`: raise NotOurs for a link at a
    generated name or inside a generated folder (briefing makes none: one committed there would
    make a page resolve elsewhere, which the writer refuses only as it writes, and replacing it
    would delete what is not briefing's), then as `check_owned` for every generated name that
    briefing did not make."""
    links = _links_within(root)
    if links:
        one = len(links) == 1
        raise NotOurs(
            f"refusing to replace {_and(links)}: {'it is a link' if one else 'they are links'}, and briefing "
            f"replaces only the folders and files it made; delete {'it' if one else 'them'} (what "
            f"{'it points' if one else 'they point'} to is not touched)")
    check_owned(root)


def check_owned(root: Path) -> None:
    """Raise NotOurs naming every generated name of `root` that briefing did not make (see
    `not_ours`), before anything is written."""
    found = not_ours(root)
    if found:
        raise NotOurs(
            f"refusing to replace {_and(found)}: {'it has' if len(found) == 1 else 'they have'} no "
            f"{MARKER} marker, so briefing did not make {'it' if len(found) == 1 else 'them'}; "
            f"if {'it is' if len(found) == 1 else 'they are'} yours, move {'it' if len(found) == 1 else 'them'} "
            "elsewhere; if made by an older briefing, delete "
            f"{'it' if len(found) == 1 else 'them'} yourself")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def recover(root: Path) -> list[str]:
    """Undo what a write killed in the middle of its swap left: each previous generated folder
    still in the trash whose live name is missing goes back; then the trash and the staging
    folder are deleted. Returns the names put back."""
    staging, trash = root / _STAGING, root / _TRASH
    restored: list[str] = []
    # Only a trash that briefing made (its marker), and in it only folders briefing made (theirs)
    # or plain files: a `.briefing-old/` committed by hand is never moved into the content.
    if is_marked(trash):
        for entry in sorted(trash.iterdir()):
            live = root / entry.name
            ours = is_marked(entry) if entry.is_dir() else entry.is_file() and not entry.is_symlink()
            if entry.name in GENERATED and ours and not (live.exists() or live.is_symlink()):
                with writing(live):
                    os.replace(entry, live)
                restored.append(entry.name)
    for leftover in (staging, trash):
        remove_marked(leftover, missing_ok=True)
    return restored


def make_marked(folder: Path) -> None:
    """A new working folder with its marker in it from the start, so that whatever a killed
    process leaves of it can be recognised as briefing's and deleted."""
    with writing(folder):
        folder.mkdir()
    try:
        with writing(folder / MARKER):
            (folder / MARKER).write_bytes(FOLDER_NOTE.encode())
    except BaseException:
        (folder / MARKER).unlink(missing_ok=True)
        folder.rmdir()
        raise


def _discard(folder: Path) -> None:
    """Delete a working folder while another error is on its way out: never raises over it."""
    with contextlib.suppress(Exception):  # the error being raised matters more; the next run cleans up
        remove_marked(folder, missing_ok=True)


def remove_marked(folder: Path, missing_ok: bool = False) -> None:
    """Delete a folder that briefing made: refuses (NotOurs) one without the marker that is not
    empty. The marker goes last, so a deletion cut short leaves a folder still marked."""
    if not folder.exists() and not folder.is_symlink():
        if missing_ok:
            return
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(folder))
    if not (is_marked(folder) or _is_empty_folder(folder)):
        raise NotOurs(f"refusing to delete {folder.as_posix()}/: it has no {MARKER} marker, so briefing did "
                      "not make it; move it elsewhere, or delete it yourself if it is not yours to keep")
    with writing(folder):
        for entry in sorted(folder.iterdir()):
            if entry.name != MARKER:
                _remove(entry)
        (folder / MARKER).unlink(missing_ok=True)
        folder.rmdir()


def _keep(live: Path, staged: Path) -> None:
    """Carry an unchanged page over with its time stamp: a hard link (same file), or a copy with
    its times where the file system has no hard links."""
    try:
        os.link(live, staged)
    except OSError:
        shutil.copy2(live, staged)


def _swap(root: Path, staging: Path, trash: Path) -> None:
    """Move each generated name aside and its staged copy in; on any failure, put back what was
    moved, so that the previous output stays whole."""
    try:
        make_marked(trash)
    except BaseException:
        _discard(staging)
        raise
    aside: list[str] = []  # names whose previous version is in the trash
    placed: list[str] = []  # names whose new version is live
    try:
        with writing(root):
            for name in GENERATED:
                live, staged = root / name, staging / name
                if live.exists() or live.is_symlink():
                    os.replace(live, trash / name)
                    aside.append(name)
                if staged.exists():
                    os.replace(staged, live)
                    placed.append(name)
    except BaseException:
        for name in reversed(placed):
            _remove(root / name)
        for name in reversed(aside):
            os.replace(trash / name, root / name)
        _discard(staging)
        _discard(trash)  # reached only when all was put back: it holds its marker alone
        raise
    # The new output is in place: a failure to tidy up now must not say otherwise (the next write
    # deletes what is left).
    _discard(trash)
    _discard(staging)


def _remove(path: Path) -> None:
    """Delete a file, a link (not what it points to) or a folder."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _refuse(message: str) -> NoReturn:
    raise Refusal(message)

def check_build_folders(data: Path, content: Path, site: Path | None, mkdocs_config: Path,
                         pdf_cache: Path | None = None, validate_cache: Path | None = None,
                         page_cache: Path | None = None) -> None:
    """Refuse (Refusal, exit 2) a content or site folder whose replacement would delete what is not
    briefing's: the data folder, the project folder (the one holding mkdocs.yml, and the current
    folder), docs/, or the content folder as the site; a folder inside the data folder. And a PDF
    cache in the data, content or site folder: it would fill the data folder with PDFs, or publish
    every cached PDF (those of preview builds too), since MkDocs copies every file of content/.
    The validation cache likewise: it names every record, drafts too; and the page record."""
    data_r, content_r = data.resolve(), content.resolve()
    if content_r == data_r or data_r.is_relative_to(content_r) or content_r.is_relative_to(data_r):
        where = "is" if content_r == data_r else "holds" if data_r.is_relative_to(content_r) else "is inside"
        _refuse(f"refusing --content {content.as_posix()}: it {where} the data folder {data.as_posix()}/")
    if site is not None:
        _check_site(data, content, site, mkdocs_config, data_r, content_r)
    _check_caches(((pdf_cache, "--pdf-cache", ".cache/briefing-pdf"),
                   (validate_cache, "--validate-cache", ".cache/briefing-validate"),
                   (page_cache, "--page-cache", ".cache/briefing-pages")),
                  ((data, "data"), (content, "content"), *(((site, "site"),) if site is not None else ())))


def check_validation_cache(data: Path, validate_cache: Path | None, content: Path = Path("content")) -> None:
    """Refuse (Refusal, exit 2) a validation cache, for the commands that only read the data
    (`validate`, `pdf`), in the data folder, the content folder or the project's `site/` (the
    README's layout, which `make site` publishes: the cache names every record, drafts too).
    `build` checks its own --content and --site (`check_build_folders`)."""
    _check_caches(((validate_cache, "--validate-cache", ".cache/briefing-validate"),),
                  ((data, "data"), (content, "content"), (Path("site"), "site")))


def _check_caches(caches: Iterable[tuple[Path | None, str, str]], folders: Iterable[tuple[Path, str]]) -> None:
    """Refuse the first cache (folder, option, default) that is or is inside one of `folders`."""
    resolved = [(folder.resolve(), folder, what) for folder, what in folders]
    for cache, option, default in caches:
        if cache is None:
            continue
        cache_r = cache.resolve()
        for folder_r, shown, what in resolved:
            if cache_r.is_relative_to(folder_r):
                _refuse(f"refusing {option} {cache.as_posix()}: it is {'' if cache_r == folder_r else 'inside '}"
                        f"the {what} folder {shown.as_posix()}/; keep the cache elsewhere, such as {default}")


def _check_site(data: Path, content: Path, site: Path, mkdocs_config: Path, data_r: Path, content_r: Path) -> None:
    """`check_build_folders`' checks of the site folder (before the caches': a site folder that
    would delete the project is the first thing to say)."""
    site_r = site.resolve()
    project, here = Path(os.path.abspath(mkdocs_config)).resolve().parent, Path.cwd().resolve()
    # (folder, what it is, whether a site inside it is refused too)
    protected = [(data_r, f"the data folder {data.as_posix()}/", True),
                 (content_r, f"the content folder {content.as_posix()}/", True),
                 (project, f"the project folder {project.as_posix()}/ (it holds {mkdocs_config.name})", False),
                 (here, "the current folder", False),
                 (project / "docs", "the documentation folder docs/", True),
                 (here / "docs", "the documentation folder docs/", True)]
    for folder, what, not_inside in protected:
        if site_r == folder or folder.is_relative_to(site_r):
            _refuse(f"refusing --site {site.as_posix()}: it {'is' if site_r == folder else 'holds'} {what}, "
                    "which a build would delete; choose a folder of its own, such as site")
        if not_inside and site_r.is_relative_to(folder):
            _refuse(f"refusing --site {site.as_posix()}: it is inside {what}; choose a folder of its own, such as site")


def _refuse_special(target: Path, output: str, hint: str) -> None:
    """Refuse an `-o` that names a device, a pipe or a socket (or a link to one: `/dev/stdout`):
    the file is written beside it and renamed over it, so `-o /dev/null --force` run as root
    would replace the device itself with a regular file."""
    try:
        mode = target.stat().st_mode  # through links: what a write would land on
    except OSError:  # nothing there (or a dangling link): a new file
        return
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        _refuse(f"refusing -o {output}: it is a device or a pipe, not a file; {hint}")


def pdf_target(output: str, data: Path, force: bool) -> Path:
    """Where `pdf -o` may write: a file name ending in .pdf (any name with --force), in a folder
    that exists, never inside the data folder (the path and, through links, what it points to).
    Refusal (exit 2) otherwise, before anything is written."""
    return output_target(output, data, force, (".pdf",), "april.pdf", "PDF")


def put_files(root: Path, files: list[tuple[Path, bytes, bool]]) -> None:
    """Write many data files inside `root` all or nothing (`briefing import`): each `(path, data,
    replaces)` is a new file (never written over anything: a name taken meanwhile stops the whole
    write) or, with `replaces`, a regular file that is replaced whole.

    Every file is first written to a temporary file beside its target (the folders it needs are
    made); only when all are written are they put in place, with renames (replaced files are set
    aside first, so that a failure puts them back). On any failure the folder is left as it was: the
    temporary files, the files already placed and the folders made are gone again. Refuses
    (Refusal, exit 2) a path through a symbolic link, and a name taken or changed since the plan;
    a path outside `root` is a bug of the caller (WriteError)."""
    resolved_root, absolute_root = root.resolve(), os.path.abspath(root)
    checked: set[str] = set()  # folders already found to be real folders (or missing) inside root
    for target, _, replaces in files:
        folder = os.path.dirname(os.path.abspath(target))
        if folder not in checked:
            rel = Path(folder).relative_to(absolute_root)  # ValueError: outside root, a bug of the caller
            step = root
            for part in rel.parts:
                step = step / part
                if step.is_symlink():
                    raise Refusal(f"refusing to write {target.as_posix()}: {step.as_posix()} is a symbolic link, "
                                     "which briefing does not follow; nothing was written")
            if not Path(folder).resolve().is_relative_to(resolved_root):
                raise WriteError(f"refusing to write {target.as_posix()}: it is outside {root.as_posix()}/")
            checked.add(folder)
        if target.is_symlink() or replaces != target.is_file() or (not replaces and os.path.lexists(target)):
            raise Refusal(f"{target.as_posix()} {'is no longer a file' if replaces else 'already exists'}; "
                             "nothing was written")
    made_folders: list[Path] = []
    staged: list[tuple[Path, str, bool]] = []  # (target, temporary file, replaces)
    placed: list[tuple[Path, str | None]] = []  # (target, where the file it replaced was set aside)

    def undo() -> None:
        for target, aside in reversed(placed):
            with contextlib.suppress(OSError):
                if aside is None:
                    target.unlink()
                else:
                    os.replace(aside, target)
        for _, tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        for folder in sorted(made_folders, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()

    mode = 0o666 & ~_umask()
    try:
        ready: set[Path] = set()  # folders that exist now
        for target, data, replaces in files:
            if target.parent not in ready:
                missing = [f for f in (target.parent, *target.parent.parents) if not f.exists()]
                with writing(target.parent):
                    target.parent.mkdir(parents=True, exist_ok=True)
                made_folders.extend(f for f in missing if f not in made_folders)
                ready.add(target.parent)
            with writing(target):
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
                staged.append((target, tmp, replaces))
                os.fchmod(fd, (os.stat(target).st_mode & 0o7777) if replaces else mode)
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
        for target, tmp, replaces in staged:
            with writing(target):
                if replaces:
                    fd, aside = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
                    os.close(fd)
                    os.replace(target, aside)
                    placed.append((target, aside))
                    os.replace(tmp, target)
                else:
                    os.link(tmp, target)  # fails, rather than replace, when the name was taken meanwhile
                    placed.append((target, None))
                    os.unlink(tmp)
    except BaseException:
        undo()
        raise
    for _, set_aside in placed:
        if set_aside is not None:
            with contextlib.suppress(OSError):
                os.unlink(set_aside)


def output_target(output: str, data: Path, force: bool, suffixes: tuple[str, ...], example: str,
                  what: str = "file") -> Path:
    """Where a command's `-o FILE` may write (`briefing export`): as `pdf_target`, for a name ending
    in one of `suffixes` (any name with --force): in a folder that exists, never inside the data
    folder, never a folder. Refusal (exit 2) otherwise, before anything is written."""
    if not output.strip():
        _refuse(f"-o needs a file name, such as {example}")
    target = Path(output)
    data_r = data.resolve()
    landing = {target.resolve(), Path(os.path.abspath(target.parent)).resolve() / target.name}
    if any(p == data_r or p.is_relative_to(data_r) for p in landing):
        _refuse(f"refusing -o {output}: it is inside the data folder {data.as_posix()}/; write the {what} elsewhere")
    if target.is_dir():
        _refuse(f"refusing -o {output}: it is a folder; give a file name, such as "
                f"{target.as_posix().rstrip('/')}/{example}")
    if not target.name.lower().endswith(suffixes) and not force:
        _refuse(f"refusing -o {output}: the name does not end in {' or '.join(suffixes)} (give --force to write it "
                "anyway)")
    _refuse_special(target, output, f"give a file name, such as {example}, or - for standard output")
    if not target.parent.is_dir():
        raise UsageProblem(f"the folder {target.parent.as_posix()!r} does not exist", "'-o'")
    return target
