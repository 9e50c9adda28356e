"""The only code that writes generated pages to disk, and only inside its output folder.

`write_tree` takes every page as text, already rendered, so that nothing is written when anything
before it failed. It then builds the new tree in a hidden staging folder beside the live one
(unchanged files are hard links to the live ones, so they keep their time stamps and MkDocs' live
reload sees only real changes), and swaps each generated folder in with a rename. A failure
before or during the swap leaves the previous output as it was (a failed swap puts back what it
moved); pages of records that no longer exist are gone after it; and when no page changed,
nothing in the folder is touched at all.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

#: What the generator owns inside the content folder; everything else there is hand-written
#: (`briefings/` too: the editors' key judgements for PDF briefings; the PDFs go to `pdf/`).
GENERATED: tuple[str, ...] = ("index.md", "timeline", "actors", "regions", "statements", "sources", "tags",
                              "charts", "pdf", "whatsnew", "corrections")
_STAGING = ".briefing-staging"
_TRASH = ".briefing-old"


class WriteError(Exception):
    """A page that may not be written (outside the folder, not a generated name, or twice)."""


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def check_paths(root: Path, paths: list[str]) -> None:
    """Refuse any page path that would leave `root` or touch a hand-written file."""
    seen: set[str] = set()
    resolved_root = root.resolve()
    for path in paths:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts or path != pure.as_posix():
            raise WriteError(f"refusing to write {path!r}: not a plain relative path")
        if pure.parts[0] not in GENERATED:
            raise WriteError(f"refusing to write {path!r}: not inside a generated folder {GENERATED}")
        if not (resolved_root / pure).resolve().is_relative_to(resolved_root):
            raise WriteError(f"refusing to write {path!r}: it resolves outside {root}")
        key = path.casefold()  # two pages that differ only by case are one file on some systems
        if key in seen:
            raise WriteError(f"refusing to write {path!r} twice")
        seen.add(key)


def write_tree(root: Path, pages: dict[str, str | bytes]) -> WriteResult:
    """Make the generated part of `root` hold exactly `pages` (path → content)."""
    check_paths(root, list(pages))
    root.mkdir(parents=True, exist_ok=True)
    staging, trash = root / _STAGING, root / _TRASH
    for leftover in (staging, trash):
        if leftover.exists():
            shutil.rmtree(leftover)
    result = WriteResult()
    try:
        staging.mkdir()
        for path in sorted(pages):
            content = pages[path]
            data = content.encode("utf-8") if isinstance(content, str) else content
            live, staged = root / path, staging / path
            staged.parent.mkdir(parents=True, exist_ok=True)
            if live.is_file() and not live.is_symlink() and live.stat().st_size == len(data) and live.read_bytes() == data:
                _keep(live, staged)
                result.unchanged.append(path)
            else:
                staged.write_bytes(data)
                result.written.append(path)
        for name in GENERATED:
            live = root / name
            if live.is_dir() and not live.is_symlink():
                for old in sorted(p for p in live.rglob("*") if p.is_file() or p.is_symlink()):
                    rel = old.relative_to(root).as_posix()
                    if rel not in pages:
                        result.deleted.append(rel)
            elif (live.is_file() or live.is_symlink()) and name not in pages:
                result.deleted.append(name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not result.written and not result.deleted:
        # Nothing to change: leave the live tree alone (not even a rename), so that a watching
        # MkDocs sees no event at all and does not rebuild for nothing.
        shutil.rmtree(staging, ignore_errors=True)
        return result
    _swap(root, staging, trash)
    return result


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
    trash.mkdir()
    aside: list[str] = []  # names whose previous version is in the trash
    placed: list[str] = []  # names whose new version is live
    try:
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
        shutil.rmtree(staging, ignore_errors=True)
        trash.rmdir()  # empty now; were it not, what it holds is the previous output: keep it
        raise
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def _remove(path: Path) -> None:
    """Delete a file, a link (not what it points to) or a folder."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
