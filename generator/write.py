"""The only code that writes generated pages to disk, and only inside its output folder.

`write_tree` takes every page as text, already rendered, so that nothing is written when anything
before it failed. It then builds the new tree in a hidden staging folder beside the live one
(unchanged files are hard links to the live ones, so they keep their time stamps and MkDocs' live
reload sees only real changes), and swaps each generated folder in with a rename. A failure
before the swap leaves the previous output as it was; pages of records that no longer exist are
gone after it.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

#: What the generator owns inside the content folder; everything else there is hand-written.
GENERATED: tuple[str, ...] = ("index.md", "timeline", "actors", "regions", "statements", "sources", "tags",
                              "charts", "briefings")
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
                os.link(live, staged)
                result.unchanged.append(path)
            else:
                staged.write_bytes(data)
                result.written.append(path)
        for name in GENERATED:
            live = root / name
            if live.is_dir() and not live.is_symlink():
                for old in sorted(p for p in live.rglob("*") if p.is_file()):
                    rel = old.relative_to(root).as_posix()
                    if rel not in pages:
                        result.deleted.append(rel)
            elif live.is_file() and name not in pages:
                result.deleted.append(name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # The swap: each generated name moves aside and its staged copy takes its place.
    trash.mkdir()
    for name in GENERATED:
        live, staged = root / name, staging / name
        if live.exists() or live.is_symlink():
            os.replace(live, trash / name)
        if staged.exists():
            os.replace(staged, live)
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    return result
