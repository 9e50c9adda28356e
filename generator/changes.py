"""What changed in the data since a Git revision: records added, changed (and which fields) and
removed, by kind and id. `briefing changes` prints it; the site's "What's new" page is built on it.

    git ls-tree / cat-file REF ─┐
                                ├─ load_file (lenient) ─▶ raw values by (kind, id) ─▶ compare
    the working tree ───────────┘

The comparison reads both sides with the loader only (`generator.load.load_file`), never with the
models, so that it works on data that does not validate: a pull request that breaks a file still
gets its summary. Records are matched by (kind, id), whatever file holds them, and compared as
plain values: a field changed when its value differs (`2020` and `"2020"` differ; the order of the
keys of a mapping does not matter). A file that cannot be read on one side is listed as such, and
the records it held on the other side are listed with it instead of being called added or removed.

A file with the same bytes at the same path on both sides is not read at all: its records are the
same on both sides (so only the files a change touched are parsed, however large the data).

Git is run as a program (read-only commands: rev-parse, ls-tree, cat-file, log, rev-list); nothing
here writes to the repository. Nothing reads the clock: "a month before" is counted from the date
of the newest commit, so the same repository state always gives the same answer.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import EXIT_USAGE, BriefingError
from .dates import DateError, parse_date
from .kinds import DATED, READING_ORDER, SINGULAR
from .load import (MAX_FILE_BYTES, SYMLINK_MESSAGE, LoadedFile, Refused, dotted, load_file, read_regular,
                   resolve_plain, same, size_message)
from .problems import escape_controls, json_text

if TYPE_CHECKING:
    from .link import Dataset

YAML_SUFFIXES = (".yml", ".yaml")  # as generator/validate.py finds data files

#: At most this many records of one kind are listed in the Markdown summary (the JSON has all):
#: a pull-request summary must stay readable, and GitHub caps a step summary at 1 MiB.
MARKDOWN_CAP = 100

Side = Literal["before", "now"]
Key = tuple[str, str]  # (kind, id), kind as the folder names it: "incidents"


class GitError(BriefingError):
    """Git could not answer: not a repository, an unknown revision, Git missing. The message is
    one sentence for the person at the terminal (exit 2: the revision or folder given)."""

    exit_code = EXIT_USAGE
    prefix = "briefing changes"


@dataclass(frozen=True)
class RecordChange:
    """One record added, changed or removed, with its raw values on each side (None: absent)."""

    kind: str  # "incidents", "statements", ...
    id: str
    path: str  # the file that holds it now (removed: held it), relative to the repository's root
    before: Any = field(default=None, repr=False, compare=False)
    after: Any = field(default=None, repr=False, compare=False)
    fields: tuple[str, ...] = ()  # changed records: the fields that differ, e.g. `casualties[0].killed`

    @property
    def label(self) -> str | None:
        """What people call the record: an incident's title, an actor's name, the first words of a
        statement (None when the file gives none as text)."""
        return record_label(self.kind, self.after if self.after is not None else self.before)


@dataclass(frozen=True)
class FileNote:
    """A file whose records could not all be compared, and why."""

    path: str  # relative to the repository's root
    side: Side  # "before": at the revision; "now": in the working tree
    problem: str  # e.g. "line 4: YAML syntax error: ..."
    records: tuple[Key, ...] = ()  # records of the other side that were not compared because of it


@dataclass
class Changes:
    """The records at a revision against the working tree."""

    since: str  # the revision as given ("" when compared with nothing: every record is added)
    commit: str | None  # the commit it named (None: nothing)
    data: str  # the data folder, relative to the repository's root ("." for the root itself)
    added: list[RecordChange] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)
    removed: list[RecordChange] = field(default_factory=list)
    notes: list[FileNote] = field(default_factory=list)

    def months(self) -> list[str]:
        """The months (`YYYY-MM`) whose incidents or statements changed, sorted: the dates of the
        records added, changed or removed, on both sides (a new date moves a record to another
        month, and its old month changes too). Dates known only to the year, or unreadable, give none."""
        found: set[str] = set()
        for change in [*self.added, *self.changed, *self.removed]:
            if change.kind not in DATED:
                continue
            for data in (change.before, change.after):
                month = _month_of(data)
                if month:
                    found.add(month)
        return sorted(found)

    def to_json(self) -> str:
        """A report for programs (the pull-request workflow reads `months` from it)."""
        def item(change: RecordChange, with_fields: bool = False) -> dict[str, Any]:
            out: dict[str, Any] = {"kind": SINGULAR[change.kind], "id": change.id, "path": change.path}
            if with_fields:
                out["fields"] = list(change.fields)
            return out

        return json_text(json.dumps({
            "since": self.since,
            "commit": self.commit,
            "data": self.data,
            "counts": {"added": len(self.added), "changed": len(self.changed), "removed": len(self.removed),
                       "unreadable": len(self.notes)},
            "added": [item(c) for c in self.added],
            "changed": [item(c, True) for c in self.changed],
            "removed": [item(c) for c in self.removed],
            "unreadable": [{"path": n.path, "side": n.side, "problem": n.problem,
                            "records": [{"kind": SINGULAR[k], "id": i} for k, i in n.records]} for n in self.notes],
            "months": self.months(),
        }, indent=2, ensure_ascii=False))

    def to_markdown(self) -> str:
        """A summary for people, in GitHub-flavoured Markdown (a pull request's step summary).
        Every value from the data is escaped: it shows as typed and cannot make a link or a tag."""
        where = _code(self.data if self.data != "." else "the repository's root")
        if self.commit:
            against = f"{_code(self.since)} (commit {_code(self.commit[:12])})"
        else:
            against = "nothing (every record is new)"
        lines = [f"## Changes to the data since {_code(self.since) if self.since else 'the start'}", "",
                 f"The records in {where} compared with {against}: "
                 f"{_count(len(self.added), 'record')} added, {len(self.changed)} changed, {len(self.removed)} removed"
                 + (f"; {_count(len(self.notes), 'file')} could not be read." if self.notes else ".")]
        if not (self.added or self.changed or self.removed):
            lines += ["", "No record was added, changed or removed."]
        for kind in READING_ORDER:
            items = ([("added", c) for c in self.added if c.kind == kind]
                     + [("changed", c) for c in self.changed if c.kind == kind]
                     + [("removed", c) for c in self.removed if c.kind == kind])
            if not items:
                continue
            lines += ["", f"### {kind.capitalize()}", ""]
            for what, change in items[:MARKDOWN_CAP]:
                label = change.label
                text = f"- **{what}** {_code(change.id)}"
                if label:
                    text += f" — {_text(label)}"
                if change.fields:
                    text += ": " + ", ".join(_code(f) for f in change.fields)
                text += f" ({_code(change.path)})"
                lines.append(text)
            if len(items) > MARKDOWN_CAP:
                lines.append(f"- …and {len(items) - MARKDOWN_CAP} more (`briefing changes --format json` lists all)")
        if self.notes:
            lines += ["", "### Files that could not be read", ""]
            for note in self.notes:
                side = "in this version" if note.side == "now" else f"at {_code(self.since)}"
                text = f"- {_code(note.path)} {side}: {_text(note.problem)}"
                if note.records:
                    text += "; not compared: " + ", ".join(f"{SINGULAR[k]} {_code(i)}" for k, i in note.records)
                lines.append(text)
        return "\n".join(lines) + "\n"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


_GFM = {ord(ch): "\\" + ch for ch in "\\`*_{}[]#+!|~"}  # `(` only matters after `]`
_GFM.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"})


def _text(value: str) -> str:
    """Plain text for one line of GitHub-flavoured Markdown: punctuation that would start
    emphasis, a link, a table cell or a tag is escaped, line breaks are folded, and `://` is
    broken so that no address in the data becomes a link. Stays readable in a terminal."""
    return escape_controls(" ".join(str(value).split())).translate(_GFM).replace("://", "&#58;//")


def _code(value: str) -> str:
    """`value` as a Markdown code span, whatever backticks it holds (shown literally by GitHub)."""
    text = escape_controls(" ".join(str(value).split()))
    run = longest = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def record_label(kind: str, data: Any) -> str | None:
    """An incident's title, the name of an actor, region or source, or a statement's first words."""
    if not isinstance(data, dict):
        return None
    if kind == "incidents":
        value = data.get("title")
    elif kind == "statements":
        value = data.get("quote") or data.get("paraphrase")
        if isinstance(value, str):
            words = value.split()
            value = " ".join(words[:10]) + ("…" if len(words) > 10 else "")
            speaker = data.get("speaker")
            if isinstance(speaker, str):
                value = f"{speaker}: {value}"
    else:
        value = data.get("name")
    return value if isinstance(value, str) and value.strip() else None


def _month_of(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    try:
        when = parse_date(data.get("date"))
    except (DateError, TypeError, ValueError):
        return None
    year, month = when.month()
    return f"{year:04d}-{month:02d}" if month else None


# --- comparing raw values ---------------------------------------------------------------------




def changed_fields(before: Any, after: Any, path: tuple[str | int, ...] = ()) -> list[str]:
    """The fields that differ, as editors write them: `date`, `casualties[0].killed`, `tags`.

    Mappings are compared key by key (a key added or removed is a changed field); lists of
    mappings item by item (an item added or removed is `actors[2]`); a list of plain values
    (`tags`, `about`) counts as one field. In the order of the fields in the newer record."""
    if same(before, after):
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[str] = []
        for key in [*after, *(k for k in before if k not in after)]:
            sub = path + (key,)
            if key not in before or key not in after:
                out.append(dotted(sub))
            else:
                out += changed_fields(before[key], after[key], sub)
        return out
    if (isinstance(before, list) and isinstance(after, list)
            and any(isinstance(item, (dict, list)) for item in [*before, *after])):
        out = []
        for index in range(max(len(before), len(after))):
            sub = path + (index,)
            if index >= len(before) or index >= len(after):
                out.append(dotted(sub))
            else:
                out += changed_fields(before[index], after[index], sub)
        return out
    return [dotted(path)]


# --- Git ------------------------------------------------------------------------------------------


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    # Read-only commands; no optional locks (a `git status` would otherwise refresh the index
    # while an editor works), no prompts, pathspecs taken literally (folder names are data).
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "GIT_LITERAL_PATHSPECS": "1"}
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, env=env, check=False)
    except FileNotFoundError:
        raise GitError("Git is not installed (the `git` command was not found)") from None


def _first_line(proc: subprocess.CompletedProcess[bytes]) -> str:
    text = proc.stderr.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else f"git exited with code {proc.returncode}"


@dataclass(frozen=True)
class Repo:
    """A Git work tree and where the data folder is in it."""

    top: Path  # the work tree's root
    prefix: str  # the data folder relative to it, POSIX ("." for the root)


def find_repo(data_dir: Path) -> Repo:
    """The work tree that holds `data_dir` (anywhere in it, its root included). GitError when it
    is in none."""
    proc = _git(["rev-parse", "--show-toplevel"], cwd=data_dir)
    top = proc.stdout.decode("utf-8", "surrogateescape").strip()
    if proc.returncode != 0 or not top:
        raise GitError(f"{data_dir.as_posix()} is not inside a Git work tree ({_first_line(proc)})")
    top_path = Path(top).resolve()
    rel = os.path.relpath(data_dir.resolve(), top_path)
    if rel == ".." or rel.startswith("../"):
        raise GitError(f"{data_dir.as_posix()} is not inside the Git work tree {top_path.as_posix()}")
    return Repo(top_path, Path(rel).as_posix())


def resolve_commit(repo: Repo, ref: str) -> str:
    """The full id of the commit `ref` names (a branch, a tag, `origin/main`, `HEAD~3`, an id)."""
    if not ref or ref.startswith("-"):
        raise GitError(f"`{ref}` is not a Git revision")
    proc = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], cwd=repo.top)
    sha = proc.stdout.decode("ascii", "replace").strip()
    if proc.returncode != 0 or not sha:
        raise GitError(f"unknown revision `{ref}`: this repository has no commit, branch or tag of that name "
                       "(in a shallow clone, fetch more history: `git fetch --unshallow`)")
    return sha


def _tree_files(repo: Repo, commit: str) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Data files at `commit`: path under the data folder -> (object id, path from the root); and
    those that are not read, path from the root -> why: symbolic links (whose blob is where they
    point: never shown) and files over the size limit (never fetched)."""
    args = ["ls-tree", "-r", "-z", "-l", "--full-tree", commit]
    if repo.prefix != ".":
        args += ["--", repo.prefix]
    proc = _git(args, cwd=repo.top)
    if proc.returncode != 0:
        raise GitError(f"cannot list the files of `{commit}`: {_first_line(proc)}")
    out: dict[str, tuple[str, str]] = {}
    refused: dict[str, str] = {}
    base = "" if repo.prefix == "." else repo.prefix + "/"
    for entry in proc.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, sha, size = meta.decode("ascii").split()
        if kind != "blob":  # folders of submodules
            continue
        full = raw_path.decode("utf-8", "surrogateescape")
        if not full.startswith(base):
            continue
        rel = full[len(base):]
        if not _data_file(rel):
            continue
        if mode == "120000":
            refused[full] = SYMLINK_MESSAGE
        elif int(size) > MAX_FILE_BYTES:
            refused[full] = size_message()
        else:
            out[rel] = (sha, full)
    return out, refused


def _read_blobs(repo: Repo, shas: list[str]) -> dict[str, bytes]:
    """The contents of many objects in one `git cat-file --batch`."""
    if not shas:
        return {}
    unique = sorted(set(shas))
    proc = _git(["cat-file", "--batch"], cwd=repo.top, stdin="".join(s + "\n" for s in unique).encode("ascii"))
    if proc.returncode != 0:
        raise GitError(f"cannot read files from the repository: {_first_line(proc)}")
    data, pos, out = proc.stdout, 0, {}
    for sha in unique:
        header_end = data.index(b"\n", pos)
        header = data[pos:header_end].split()
        if len(header) < 3:  # "<sha> missing"
            raise GitError(f"the repository has no object {sha}")
        size = int(header[2])
        out[sha] = data[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
    return out


def _data_file(rel: str) -> bool:
    """A record file under a kind's folder, as the validator finds them (hidden names skipped)."""
    parts = rel.split("/")
    return (len(parts) >= 2 and parts[0] in SINGULAR and parts[-1].endswith(YAML_SUFFIXES)
            and not any(p.startswith(".") for p in parts))


def _working_files(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Data files in the working tree: path under the data folder -> file; and the links found
    where data files or folders would be, path under the data folder -> why. Links are reported,
    never followed (a linked folder is not entered). Paths as text, not `Path` objects: at
    10,000 files making them was most of this walk (serve makes "What's new" at every edit)."""
    out: dict[str, str] = {}
    links: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel_dir = os.path.relpath(dirpath, root)
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        files = set(filenames)
        for name in [*dirnames, *filenames]:
            full = os.path.join(dirpath, name)
            rel = prefix + name
            if os.path.islink(full):
                if rel.split("/")[0] in SINGULAR and not name.startswith("."):
                    links[rel] = SYMLINK_MESSAGE
            elif name in files and _data_file(rel):
                out[rel] = full
    return dict(sorted(out.items())), links


def _blob_id(data: bytes, like: str) -> str:
    """Git's object id of a file's bytes (SHA-1, or SHA-256 in repositories that use it)."""
    algorithm = "sha1" if len(like) == 40 else "sha256"
    return hashlib.new(algorithm, b"blob %d\0" % len(data) + data).hexdigest()


# --- reading one side -------------------------------------------------------------------------


@dataclass
class _Side:
    records: dict[Key, tuple[Any, str]] = field(default_factory=dict)  # (kind, id) -> (raw data, path)
    notes: list[FileNote] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)  # paths (of files, or of linked folders)

    def cannot_tell(self, path: str) -> str | None:
        """The path that was not read on this side and holds the file `path` (the file itself, or a
        linked folder it is in); None when the file was read."""
        return next((bad for bad in sorted(self.unreadable) if path == bad or path.startswith(bad + "/")), None)


def _add_file(side: _Side, which: Side, kind: str, shown: str, loaded: LoadedFile) -> None:
    errors = [p for p in loaded.problems if p.severity == "error"]
    if not loaded.records:
        if errors:
            first = errors[0]
            side.notes.append(FileNote(shown, which, f"line {first.line}: {first.message}"))
            side.unreadable.add(shown)
        return
    for raw in loaded.records:
        data = raw.data
        record_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(record_id, str) or not record_id:
            side.notes.append(FileNote(shown, which, f"line {raw.line}: a record without an `id` cannot be compared"))
            continue
        key = (kind, record_id)
        if key in side.records:
            other = side.records[key][1]
            side.notes.append(FileNote(shown, which, f"line {raw.line}: the {SINGULAR[kind]} `{record_id}` is also "
                                                     f"in {other}; only that one was compared"))
            continue
        side.records[key] = (data, shown)


class LoadMemo:
    """The files `changes_since` parsed, by path, with their bytes, kept between the runs of one
    process (`briefing serve`, whose "What's new" page compares the data with its Git history
    at every edit): a file whose path and bytes are those parsed last time is not parsed again
    (parsing is a function of the two: `load.load_file`). At 10,000 incidents outside any commit
    every record is "added", and parsing all of them again took about 1.5 s of each edit. The
    parsed records are read, never changed. In memory only."""

    def __init__(self) -> None:
        self._files: dict[tuple[Side, str], tuple[bytes, LoadedFile]] = {}
        self._used: dict[tuple[Side, str], tuple[bytes, LoadedFile]] = {}

    def load(self, which: Side, shown: str, raw: bytes) -> LoadedFile:
        """`load_file(shown, raw)`, or what it gave last time for the same path and bytes."""
        key = (which, shown)
        kept = self._used.get(key) or self._files.get(key)
        if kept is None or kept[0] != raw:
            kept = (raw, load_file(shown, raw))
        self._used[key] = kept
        return kept[1]

    def finish(self) -> None:
        """The files of this comparison become the memo (the others are forgotten)."""
        self._files, self._used = self._used, {}


def changes_since(ref: str | None, data_dir: str | os.PathLike[str], memo: LoadMemo | None = None) -> Changes:
    """Compare the records under `data_dir` at the revision `ref` with the working tree.

    `ref` None compares with nothing (every record is added). Raises GitError when `data_dir` is
    not in a Git work tree or `ref` names no commit. `memo`: the files parsed by an earlier
    comparison of this process (`LoadMemo`), used and updated."""
    root = Path(data_dir)
    repo = find_repo(root)
    commit = resolve_commit(repo, ref) if ref is not None else None
    base = "" if repo.prefix == "." else repo.prefix + "/"
    then, then_refused = _tree_files(repo, commit) if commit else ({}, {})
    now, links = _working_files(root)

    # Same bytes at the same path: same records on both sides; neither side needs reading.
    current: dict[str, bytes | Refused] = {}
    for rel, path in now.items():
        try:
            current[rel] = read_regular(path)  # no FIFO, no device, at most MAX_FILE_BYTES
        except Refused as exc:
            current[rel] = exc
    unchanged = set()
    for rel, (sha, _) in then.items():
        content = current.get(rel)
        if isinstance(content, bytes) and _blob_id(content, sha) == sha:
            unchanged.add(rel)
    blobs = _read_blobs(repo, [sha for rel, (sha, _) in then.items() if rel not in unchanged])

    def load(which: Side, shown: str, raw: bytes) -> LoadedFile:
        return memo.load(which, shown, raw) if memo is not None else load_file(shown, raw)

    before, after = _Side(), _Side()
    for shown, why in sorted(then_refused.items()):
        before.notes.append(FileNote(shown, "before", why))
        before.unreadable.add(shown)
    for rel, why in links.items():
        after.notes.append(FileNote(base + rel, "now", why))
        after.unreadable.add(base + rel)
    for rel, (sha, shown) in sorted(then.items()):
        if rel not in unchanged:
            _add_file(before, "before", rel.split("/")[0], shown, load("before", shown, blobs[sha]))
    for rel in now:
        if rel not in unchanged:
            shown, content = base + rel, current[rel]
            if isinstance(content, Refused):
                after.notes.append(FileNote(shown, "now", content.message))
                after.unreadable.add(shown)
            else:
                _add_file(after, "now", rel.split("/")[0], shown, load("now", shown, content))
    if memo is not None:
        memo.finish()

    result = Changes(ref or "", commit, repo.prefix)
    held_back: dict[tuple[Side, str], list[Key]] = {}
    for key in sorted(set(before.records) | set(after.records), key=_order):
        old, new = before.records.get(key), after.records.get(key)
        if old is None and new is not None:
            unread = before.cannot_tell(new[1])
            if unread is not None:  # it may well have been there: we cannot tell
                held_back.setdefault(("before", unread), []).append(key)
            else:
                result.added.append(RecordChange(key[0], key[1], new[1], None, new[0]))
        elif new is None and old is not None:
            unread = after.cannot_tell(old[1])
            if unread is not None:
                held_back.setdefault(("now", unread), []).append(key)
            else:
                result.removed.append(RecordChange(key[0], key[1], old[1], old[0], None))
        elif old is not None and new is not None:
            fields = changed_fields(old[0], new[0])
            if fields:
                result.changed.append(RecordChange(key[0], key[1], new[1], old[0], new[0], tuple(fields)))
    for note in sorted(before.notes + after.notes, key=lambda n: (n.path, n.side != "before", n.problem)):
        records = tuple(held_back.pop((note.side, note.path), []))
        result.notes.append(FileNote(note.path, note.side, note.problem, records))
    return result


def known_records(data_dir: str | os.PathLike[str], dataset: Dataset) -> Changes:
    """`changes_since(None, data_dir)` for the records of `data_dir` already loaded and validated
    (`dataset`): every record added, without reading and parsing every file a second time (18 s
    and 635 MB at 100,000 incidents). What the "What's new" page reads of it is the same: each
    record's kind, id and file, and that it exists now. `after` holds the record's model instead
    of its raw values. Raises GitError when `data_dir` is not in a Git work tree.

    An id that YAML reads as a number when unquoted (`id: 2020`, valid: the model takes it as
    text) may have been written so, and the files read again leave such a record out (`_add_file`:
    no text id): with one, the files are read again, so that the page is the same either way."""
    root = Path(data_dir)
    repo = find_repo(root)
    base = "" if repo.prefix == "." else repo.prefix + "/"
    prefix = os.fspath(root).rstrip(os.sep) + os.sep
    result = Changes("", None, repo.prefix)
    for kind in READING_ORDER:
        records = dataset.kind(kind)
        if any(not isinstance(resolve_plain(record_id), str) for record_id in records):
            return changes_since(None, data_dir)
        for record_id in sorted(records):
            entry = records[record_id]
            rel = (entry.path[len(prefix):] if entry.path.startswith(prefix)
                   else os.path.relpath(entry.path, root)).replace(os.sep, "/")
            result.added.append(RecordChange(kind, record_id, base + rel, None, entry.record))
    return result


def _order(key: Key) -> tuple[int, str]:
    return (READING_ORDER.index(key[0]), key[1])


# --- the site's "What's new": which revision to compare with ---------------------------------


@dataclass(frozen=True)
class History:
    """What the "What's new" page compares the data with, and what it found.

    `changes` is None when there is nothing to show, with `problem` saying why in a sentence for
    readers (the data is not in a Git repository, the history is too shallow, ...)."""

    changes: Changes | None
    problem: str | None = None
    configured: str | None = None  # the revision the site configuration names, if any
    since_commit: str | None = None  # the commit compared with (None: nothing, every record is new)
    since_date: date | None = None  # its date (the committer's, in UTC)


def one_month_before(day: datetime) -> datetime:
    """The same moment a calendar month earlier (31 March → 28 or 29 February)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return day.replace(year=year, month=month, day=min(day.day, last))


def _commit_time(repo: Repo, rev: str) -> datetime:
    proc = _git(["log", "-1", "--format=%ct", "--end-of-options", rev], cwd=repo.top)
    if proc.returncode != 0:
        raise GitError(f"cannot read the date of `{rev}`: {_first_line(proc)}")
    return datetime.fromtimestamp(int(proc.stdout.strip()), tz=timezone.utc)


def site_history(data_dir: str | os.PathLike[str], since: str | None = None, known: Dataset | None = None,
                 memo: LoadMemo | None = None) -> History:
    """The changes the "What's new" page shows: since the configured revision `since` when given,
    otherwise since the latest commit that is more than one month older than the newest commit
    (HEAD). When every commit is younger than that, every record is new: taken from `known`, the
    validated records of `data_dir`, when given (`known_records`), else read from the files.
    Never raises for a missing repository or history: the page then says why it lists nothing.
    `memo`: see `changes_since` (serve keeps one)."""
    root = Path(data_dir)
    try:
        repo = find_repo(root)
    except GitError:
        return History(None, "The data folder of this build is not in a Git repository, so its history is not known.")
    try:
        if since is not None:
            commit = resolve_commit(repo, since)
            return History(changes_since(since, root, memo), configured=since, since_commit=commit,
                           since_date=_commit_time(repo, commit).date())
        try:
            head = resolve_commit(repo, "HEAD")
        except GitError:
            return History(None, "The repository has no commits yet, so there is no earlier version to compare with.")
        threshold = one_month_before(_commit_time(repo, head))
        proc = _git(["rev-list", "-1", f"--before={threshold.strftime('%Y-%m-%d %H:%M:%S +0000')}", head],
                    cwd=repo.top)
        older = proc.stdout.decode("ascii", "replace").strip() if proc.returncode == 0 else ""
        if not older:
            shallow = _git(["rev-parse", "--is-shallow-repository"], cwd=repo.top).stdout.strip() == b"true"
            if shallow:
                return History(None, "This build was made from a shallow copy of the repository (without its "
                                     "history), so what changed in the last month is not known.")
            # The whole history is younger than a month: every record is new.
            return History(changes_since(None, root, memo) if known is None else known_records(root, known))
        return History(changes_since(older, root, memo), since_commit=older,
                       since_date=_commit_time(repo, older).date())
    except GitError as exc:
        where = f"`whats_new_since: {since}` in the site configuration: " if since is not None else ""
        return History(None, f"What changed could not be worked out ({where}{exc}).")
