"""Bytes → plain values with the line and column of every key and value; refuses what is unsafe.

Parsing uses libyaml through PyYAML's C composer (the fastest YAML parser Python has that reports
positions); the node tree is then turned into plain `dict`/`list`/`str`/`int`/`float`/`bool`/`None`
values by this module's own small resolver, never by PyYAML's constructor, so that:

- no tag can construct an object (only the YAML core tags are accepted, and only as data);
- YAML 1.1 surprises cannot happen: `NO` stays the text "NO", `12:30` stays "12:30", and
  `2020-04-13` stays text for the date parser (the YAML 1.2 core schema, minus octal/hex);
- duplicate keys, anchors and aliases are reported at their line instead of being silently merged.
"""

from __future__ import annotations

import errno
import operator
import os
import re
import stat
import threading
from dataclasses import dataclass, field
from typing import Any

import yaml
import yaml.reader
from yaml import _yaml as _binding  # PyYAML's libyaml binding
from yaml._yaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from .problems import CODES, Problem, problem

#: Files larger than this are refused before they are read (a runaway export, not a record).
MAX_FILE_BYTES = 5 * 1024 * 1024
#: What a file that is not a regular file is, in the words of a problem message.
_FILE_TYPES = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}
#: Deeper nesting than this is refused (no record needs it; it guards the recursive walk).
MAX_DEPTH = 64
#: An unquoted whole number with more digits than this is read as text, and reported where it is
#: read as data (`number-too-large`): Python refuses to convert past 4,300 digits (less when
#: PYTHONINTMAXSTRDIGITS says so, never under 640), and no field needs more than 80 (an id).
MAX_INT_DIGITS = 100

Path_ = tuple[str | int, ...]
Pos = tuple[int, int]

_IMPLICIT = "!implicit"  # what our resolver answers for every untagged node
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))


@dataclass(slots=True)
class RawRecord:
    """One record as plain values, and the means to find the line and column of any part of it.

    Paths are tuples of keys and list indexes relative to the record, e.g. `("actors", 0, "role")`.
    Positions are worked out only when a problem asks for one (most records have none), by
    composing the record's text again: that keeps the common path, valid data, fast.
    """

    data: Any
    line: int
    col: int
    index: int | None = None  # position in a list file, None for a one-record file
    text: str | None = field(default=None, repr=False)  # None: read the file `source` again
    source: str = ""
    values: dict[Path_, Pos] | None = field(default=None, repr=False)
    keys: dict[Path_, Pos] | None = field(default=None, repr=False)
    aliased: bool = False  # holds a YAML alias (already reported): not checked further
    tainted: bool = False  # holds a refused tag or a number too long to read (already reported)
    refused: list[Path_] | None = field(default=None, repr=False)

    def refused_paths(self) -> list[Path_]:
        """The paths of values that carried a refused tag (worked out on demand, as positions)."""
        if self.refused is None:
            self.locate(())
        return self.refused or []

    def locate(self, path: Path_, key: bool = False) -> Pos:
        """The position of `path` (its key when `key` and the path names a field); the nearest
        enclosing position when the path itself is absent (a missing field points at its mapping)."""
        if self.values is None or self.keys is None:
            text = self.text
            if text is None:
                loaded = LoadedFile(self.source)
                try:
                    raw = read_regular(self.source)
                except Refused:  # changed since it was read: no positions rather than a wrong one
                    raw = b""
                text = _decode(raw, self.source, loaded.problems) or ""
            self.values, self.keys, self.refused = _positions(text, self.index)
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return (self.line, self.col)


class Refused(Exception):
    """A file `read_regular` would not read, and why: `code` is a problem code (`file-symlink`,
    `file-not-regular`, `file-too-large`, `file-unreadable`), `message` says it for people. The
    message never holds anything read from the file, nor where a link points."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def problem(self, path: str) -> Problem:
        """The refusal as a problem at the start of the file `path` (as it is to be shown)."""
        return Problem.make(self.code, path, 1, 1, self.message)  # a message from the table


def size_message(limit: int = MAX_FILE_BYTES) -> str:
    """What `file-too-large` says, for a limit in bytes."""
    return CODES["file-too-large"].format(mb=limit // (1024 * 1024))


#: What `file-symlink` says: the same for a link to a file and to a folder (telling them apart
#: would mean following the link), and never where it points.
SYMLINK_MESSAGE = CODES["file-symlink"].format()


def refuse_type(mode: int) -> None:
    """Raise `Refused` unless `mode` (an `st_mode`) is that of a regular file."""
    if stat.S_ISLNK(mode):
        raise Refused("file-symlink", SYMLINK_MESSAGE)
    if not stat.S_ISREG(mode):
        what = _FILE_TYPES.get(stat.S_IFMT(mode), "of an unknown type")
        raise Refused("file-not-regular", CODES["file-not-regular"].format(what=what))


#: How every input file is opened: never through a symbolic link (O_NOFOLLOW), never waiting for a
#: writer (O_NONBLOCK: a FIFO opens at once, and is then refused), never as a terminal.
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))


def read_regular(path: str | os.PathLike[str], limit: int | None = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at `path`: the one way this project reads its inputs (data
    files, `briefing.yml`, key judgements, cached PDFs). Raises `Refused`, without reading
    anything, for a symbolic link (even one to a good file), a FIFO, a device, a socket or a folder,
    and for a file larger than `limit` bytes (None: no limit); at most `limit` + 1 bytes are ever
    read, so a file that grows while it is read is refused too.

    The type is checked twice: on the path before opening (a device is never opened) and on the
    open descriptor (so that a file swapped for a link or a FIFO in between is still refused)."""
    return read_regular_stat(path, limit)[1]


def read_regular_stat(path: str | os.PathLike[str], limit: int | None = MAX_FILE_BYTES
                      ) -> tuple[os.stat_result, bytes]:
    """`read_regular`, with the file's `fstat` taken once it was opened and before it was read (the
    validation cache's stamp: a change after it shows as a changed size or mtime next time)."""
    try:
        refuse_type(os.lstat(path).st_mode)
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(path):  # replaced by a link meanwhile
            refuse_type(stat.S_IFLNK)
        raise Refused("file-unreadable", CODES["file-unreadable"].format(reason=exc.strerror or exc)) from None
    try:
        info = os.fstat(fd)
        refuse_type(info.st_mode)
        if limit is not None and info.st_size > limit:
            raise Refused("file-too-large", size_message(limit))
        chunks: list[bytes] = []
        total = 0
        want = info.st_size + 1 if limit is None else min(info.st_size, limit) + 1
        while True:
            asked = want if limit is None else min(want, limit + 1 - total)
            chunk = os.read(fd, asked)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if limit is not None and total > limit:
                raise Refused("file-too-large", size_message(limit))
            if total == info.st_size and len(chunk) < asked:
                # Asked for more than the size and given exactly the size: the file ends here (no
                # second read to hear it say so: a syscall fewer for each of 110,000 files).
                break
            want = 1 << 16
    except OSError as exc:
        raise Refused("file-unreadable", CODES["file-unreadable"].format(reason=exc.strerror or exc)) from None
    finally:
        os.close(fd)
    return info, b"".join(chunks)


_TRAILER = re.compile(r"(?:\s*(?:---|\.\.\.|#[^\n]*)?\s*)*\Z")


def _compose(text: str, composer: type[_Composer] | None = None) -> Node | None:
    """The single document's root node (None for an empty stream). A `---` or `...` with nothing
    after it but comments is tolerated: editors add one at the end out of habit. `composer`: the
    composer class (None: `_Composer`)."""
    loader = (composer or _Composer)(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if (exc.problem or "").startswith("but found another document") and mark is not None:
            rest = text[mark.index :]
            if _TRAILER.match(rest):
                return _compose(text[: mark.index], composer)
        raise
    finally:
        loader.dispose()


def _positions(text: str, index: int | None) -> tuple[dict[Path_, Pos], dict[Path_, Pos], list[Path_]]:
    try:
        root: Any = _compose(text)  # Any: None or not a list when the file changed, caught below
    except yaml.YAMLError:
        return {}, {}, []
    try:
        node = root.value[index] if index is not None else root
    except (AttributeError, IndexError, TypeError):  # the file changed since it was read
        return {}, {}, []
    if node is None:  # the file is empty now (emptied, or unreadable, since it was read)
        return {}, {}, []
    walker = _Walker("", [], track=True)
    walker.walk(node, (), 0)
    return walker.values, walker.keys, walker.refused


@dataclass(slots=True)
class LoadedFile:
    """What one file gave: its records and the problems found while reading it."""

    path: str
    records: list[RawRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Composer(CParser, BaseResolver):
    """libyaml's composer with a resolver that leaves every untagged node for us to type."""

    # No __init__ of our own: CParser's (in C) is all it needs. BaseResolver's only made the lists
    # of path resolvers, which the hooks below never read (a Python call fewer per file).

    # The composer asks `resolve(kind, value, implicit)` of every node (685,000 calls for 10k
    # incidents): our answer is always _IMPLICIT. A C callable gives it without running any Python
    # code: `str.format` of a text without fields returns the text, whatever it is given.
    resolve = _IMPLICIT.format  # called as (kind, value, implicit)

    # libyaml's composer calls these two hooks of BaseResolver around every node (6.8 million calls
    # for 100k incidents, 3% of a cold run); they only serve path resolvers, which we never add.
    # Two C callables that do nothing with what they are given take their place: operator.is_(parent,
    # index) compares two objects (four times as quick as building a throwaway slice, which it
    # replaced: 0.03 against 0.1 µs a node) and tuple() gives the empty tuple; no Python code runs.
    descend_resolver = operator.is_  # type: ignore[assignment]  # called as (parent, index); the answer is ignored
    ascend_resolver = tuple  # type: ignore[assignment]  # called with no argument; the answer is ignored


class _PlainComposer(_Composer):
    """The composer of `_compose_plain`: the plain walk never reads a node's tag (a text without
    `!` has none), so the answer to `resolve` may be anything, and `str.format` of the empty text
    gives one at once (0.04 µs a node, against 0.2 for `str.format` of `_IMPLICIT`, which copies it)."""

    resolve = "".format  # called as (kind, value, implicit); the answer, "", is never read


def load_file(path: str, raw: bytes | None = None) -> LoadedFile:
    """Read and parse one data file. Never raises for bad content: problems are returned.

    `path` is used both to read the file (unless `raw` is given) and as the path in problems. The
    file is read with `read_regular`: a link, a FIFO, a device or a file over MAX_FILE_BYTES is a
    problem at its path, and is not read.
    """
    out = LoadedFile(path)
    if raw is None:
        try:
            raw = read_regular(path)  # regular files only, at most MAX_FILE_BYTES
        except Refused as exc:
            out.problems.append(exc.problem(path))
            return out
    if len(raw) > MAX_FILE_BYTES:  # bytes from elsewhere (Git, `fmt`): the same limit
        out.problems.append(Problem.make("file-too-large", path, 1, 1, size_message()))
        return out
    text = _decode(raw, path, out.problems)
    if text is None:
        return out
    _parse(text, out)
    return out


def _decode(raw: bytes, path: str, problems: list[Problem]) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte order mark is tolerated
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1  # in characters
        bad = raw[exc.start : exc.start + 1].hex()
        hint = CODES["file-encoding"].format("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        problems.append(problem("file-encoding", path, line, col, byte=bad, hint=hint))
        return None


def _parse(text: str, out: LoadedFile) -> None:
    path = out.path
    if "&" in text or "*" in text:  # cheap test first: only then look for anchors and aliases
        _report_anchors(text, out)
    # No tag and no anchor anywhere in the text (so no alias either): every node is untagged and
    # met once, and the plain walk below gives what `_Walker` would, in about half the time, over
    # nodes made cheaply (`_compose_plain`) when no other thread may be composing meanwhile.
    plain = FAST_WALK and "!" not in text and "&" not in text and threading.active_count() == 1
    try:
        root = _compose_plain(text) if plain else _compose(text)
    except yaml.MarkedYAMLError as exc:
        out.problems.append(_syntax_problem(exc, path, text))
        return
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as NUL
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        out.problems.append(problem("yaml-syntax", path, line, col, "character",
                                    codepoint=f"{_codepoint(exc.character):04X}"))
        return
    except yaml.YAMLError as exc:  # any other parser complaint: still a problem, not a crash
        out.problems.append(problem("yaml-syntax", path, 1, 1, "parser", error=exc))
        return
    if plain and root is not None and not isinstance(root, _PlainNode):
        # A PyYAML whose composer no longer makes its nodes by the module's names (`_compose_plain`)
        # gave its own nodes: they take the general walk, which reads them as they are.
        plain = False
    if plain:
        if root is None or (type(root) is _PlainScalar and not root.args[4] and root.args[1] in _NULLS):
            out.problems.append(problem("file-empty", path, 1, 1))
        else:
            _parse_plain(root, text, out)
        return
    if root is None or (isinstance(root, ScalarNode) and not root.style and root.value in _NULLS):
        out.problems.append(
            problem("file-empty", path, 1, 1)
        )
        return
    walker = _Walker(path, out.problems, text=text)
    if root.tag != _IMPLICIT and root.tag not in _ALLOWED_TAGS:
        walker.refuse_tag(root)
        return
    if isinstance(root, SequenceNode):
        if not root.value:
            out.problems.append(
                problem("file-empty", path, *_pos(root), "list")
            )
        for index, item in enumerate(root.value):
            record = walker.record(item, index)
            if record is not None:
                out.records.append(record)
    else:
        record = walker.record(root, None)
        if record is not None:
            out.records.append(record)


#: Whether `_parse` takes the plain walk for a text without tags and anchors (tests turn it off to
#: compare it with `_Walker`, the general one, on the same files).
FAST_WALK = True
#: The first characters of a plain scalar that may be read as something other than text (a
#: number); with the words in _WORDS, every other plain scalar is its own text (`resolve_plain`).
_NUMERIC_START = frozenset("0123456789+-.")
_WORDS = _NULLS | _TRUE | _FALSE
#: The length of the longest of _WORDS: a longer text is none of them, known without hashing it
#: (a summary of 300 characters was hashed to be looked up there).
_WORD_MAX = max(map(len, _WORDS))


class _PlainNode(BaseException):
    """A node of the plain walk's tree: what libyaml's composer gives as its `args`, (tag, value,
    start mark, end mark, style), and `end_mark` set apart for a list or mapping.

    PyYAML's node classes set their five attributes in a Python `__init__`, a fifth of composing a
    record (54 nodes for an incident). BaseException's constructor, written in C, keeps its
    arguments as they are, for half the time; no exception is ever raised with one of these.
    Only `_compose_plain` makes them, and only the plain walk and its helpers read them."""

    __slots__ = ("end_mark",)

    @property
    def start_mark(self) -> Any:
        """Where the node starts (what the composer reads of a document it refuses)."""
        return self.args[2]


class _PlainScalar(_PlainNode):
    __slots__ = ()


class _PlainSequence(_PlainNode):
    __slots__ = ()


class _PlainMapping(_PlainNode):
    __slots__ = ()


#: The module of libyaml's composer (`yaml/_yaml.pyx`), where it looks up, at each node, the names
#: it makes its nodes by: ScalarNode, SequenceNode and MappingNode.
_NAMES = _binding.__dict__
_NODES = (_NAMES["ScalarNode"], _NAMES["SequenceNode"], _NAMES["MappingNode"])


def _compose_plain(text: str) -> Any:
    """`_compose`, with `_PlainNode`s for nodes: the composer's module names them for the time
    of the call, then PyYAML's own again (as found at import). The caller makes sure that no other thread runs meanwhile
    (another composer would be handed these nodes)."""
    names = _NAMES
    names["ScalarNode"], names["SequenceNode"], names["MappingNode"] = _PlainScalar, _PlainSequence, _PlainMapping
    try:
        return _compose(text, _PlainComposer)
    finally:
        names["ScalarNode"], names["SequenceNode"], names["MappingNode"] = _NODES


def _parse_plain(root: Any, text: str, out: LoadedFile) -> None:
    """`_parse`'s walk of a document without tags or anchors, composed by `_compose_plain`: the
    records of `root` (one, or the items of a list) as plain values, with the problems `_Walker`
    reports for the same nodes, in the same order (not-a-record, empty list, duplicate and complex
    keys, depth, long numbers)."""
    path, problems = out.path, out.problems
    tainted = False
    scalar_type, mapping_type = _PlainScalar, _PlainMapping
    numeric_start, words, word_max = _NUMERIC_START, _WORDS, _WORD_MAX

    def long_number(node: Any) -> str:
        nonlocal tainted
        value = node.args[1]
        digits = len(value.lstrip("+-"))
        problems.append(problem("number-too-large", path, *_plain_pos(node), digits=f"{digits:,}",
                                limit=MAX_INT_DIGITS))
        tainted = True
        return str(value)

    def walk(node: Any, depth: int) -> Any:
        # Scalars never reach here from a mapping (inlined below); a list's items and a root do.
        if type(node) is scalar_type:
            _, value, _, _, style = node.args
            if style or (value and value[0] not in numeric_start and (len(value) > word_max or value not in words)):
                return value
            if len(value) > MAX_INT_DIGITS and _long_number(value):
                return long_number(node)
            return resolve_plain(value)
        if depth > MAX_DEPTH:
            problems.append(problem("yaml-syntax", path, *_plain_pos(node), "depth", depth=MAX_DEPTH))
            return None
        if type(node) is not mapping_type:
            items: list[Any] = []
            add = items.append
            for item in node.args[1]:
                if type(item) is scalar_type:  # what walk() does with a scalar, without the call
                    _, value, _, _, style = item.args
                    if style or (value and value[0] not in numeric_start
                                 and (len(value) > word_max or value not in words)):
                        add(value)
                    elif len(value) > MAX_INT_DIGITS and _long_number(value):
                        add(long_number(item))
                    else:
                        add(resolve_plain(value))
                else:
                    add(walk(item, depth + 1))
            return items
        out: dict[str, Any] = {}
        for key_node, value_node in node.args[1]:
            if type(key_node) is not scalar_type:
                problems.append(problem("yaml-complex-key", path, *_plain_pos(key_node)))
                continue
            key = key_node.args[1]
            if key in out:  # (every key read so far is in `out`: none is skipped once read)
                problems.append(problem("yaml-duplicate-key", path, *_plain_pos(key_node), key=key,
                                        line=_plain_first_line(node, key)))
                continue
            if type(value_node) is scalar_type:
                _, value, _, _, style = value_node.args
                if style or (value and value[0] not in numeric_start and (len(value) > word_max or value not in words)):
                    out[key] = value
                elif len(value) > MAX_INT_DIGITS and _long_number(value):
                    out[key] = long_number(value_node)
                elif value[4:5] == "-" and value[:4].isdigit():
                    out[key] = value  # a date: resolve_plain's answer, without the call
                elif value.isdigit() and value.isascii():  # a count (not too long: see above): the same
                    out[key] = int(value) if value[0] != "0" or len(value) == 1 else value
                else:
                    out[key] = resolve_plain(value)
            else:
                out[key] = walk(value_node, depth + 1)
        return out

    def record(node: Any, index: int | None) -> None:
        nonlocal tainted
        line, col = _plain_pos(node)
        if type(node) is not mapping_type:
            where = "a list item" if index is not None else "the file"
            problems.append(problem("not-a-record", path, line, col, where=where, what=_plain_describe(node)))
            return
        tainted = False
        data = walk(node, 0)
        out.records.append(RawRecord(data, line, col, index, text, path, tainted=tainted))

    if type(root) is _PlainSequence:
        if not root.args[1]:
            problems.append(problem("file-empty", path, *_plain_pos(root), "list"))
        for index, item in enumerate(root.args[1]):
            record(item, index)
    else:
        record(root, None)


def _plain_pos(node: _PlainNode) -> Pos:
    """`_pos` of a plain node."""
    mark = node.args[2]
    return (mark.line + 1, mark.column + 1)


def _plain_first_line(node: _PlainNode, key: str) -> int:
    """`_first_line` of a plain node."""
    for key_node, _ in node.args[1]:
        if type(key_node) is _PlainScalar and key_node.args[1] == key:
            return int(key_node.args[2].line) + 1
    return 0  # not reached: the duplicate's first occurrence is there


def _plain_describe(node: _PlainNode) -> str:
    """`_describe` of a plain node."""
    if type(node) is _PlainScalar:
        value = node.args[1]
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"a single value ({text!r})" if text else "no value"
    if type(node) is _PlainSequence:
        return "a list"
    return "a mapping"


def _pos(node: Node) -> Pos:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _syntax_problem(exc: yaml.MarkedYAMLError, path: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    complaint = (exc.problem or "").strip()
    if "found character '\\t'" in complaint or _tab_indented(text, line):
        return problem("yaml-tab-indent", path, line, col)
    if complaint.startswith("but found another document"):
        return problem("yaml-multiple-documents", path, line, col)
    context = (exc.context or "").strip()
    syntax = CODES["yaml-syntax"]
    return problem(
        "yaml-syntax", path, line, col, problem=complaint,
        context=syntax.format("context", context=context) if context else "",
        hint=syntax.format("quote") if "mapping values are not allowed" in complaint else "",
    )


def _tab_indented(text: str, line: int) -> bool:
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return False
    current = lines[line - 1]
    return "\t" in current[: len(current) - len(current.lstrip(" \t"))]


def _report_anchors(text: str, out: LoadedFile) -> None:
    # The composer forgets which nodes carried anchors, so read the event stream once more.
    # Only files that contain `&` or `*` pay for this second pass.
    loader = _Composer(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            assert event is not None and event.start_mark is not None  # check_event: one is there
            line, col = event.start_mark.line + 1, event.start_mark.column + 1
            if isinstance(event, yaml.AliasEvent):
                out.problems.append(
                    problem("yaml-anchor", out.path, line, col, "alias", anchor=event.anchor)
                )
            elif isinstance(event, yaml.NodeEvent) and event.anchor:  # the events that can carry one
                out.problems.append(
                    problem("yaml-anchor", out.path, line, col, "anchor", anchor=event.anchor)
                )
    except yaml.YAMLError:
        pass  # the syntax error is reported by the main parse
    finally:
        loader.dispose()


class _Walker:
    """Turns composed nodes into plain values; with `track`, records every position as it goes."""

    __slots__ = ("aliased", "built", "keys", "path", "problems", "refused", "tainted", "text", "track", "values")

    def __init__(self, path: str, problems: list[Problem], track: bool = False, text: str = "") -> None:
        self.path = path
        self.problems = problems
        self.track = track
        self.text = text
        self.built: dict[int, Any] = {}  # node id -> value, to spot aliases without expanding them
        self.aliased = False
        self.tainted = False
        self.refused: list[Path_] = []
        self.values: dict[Path_, Pos] = {}
        self.keys: dict[Path_, Pos] = {}

    def record(self, node: Node, index: int | None) -> RawRecord | None:
        line, col = _pos(node)
        if not isinstance(node, MappingNode):
            what = _describe(node)
            where = "a list item" if index is not None else "the file"
            self.problems.append(
                problem("not-a-record", self.path, line, col, where=where, what=what)
            )
            return None
        self.aliased = self.tainted = False
        data = self.walk(node, (), 0)
        return RawRecord(data, line, col, index, self.text, self.path, aliased=self.aliased, tainted=self.tainted)

    def refuse_tag(self, node: Node) -> bool:
        self.problems.append(
            problem("yaml-tag", self.path, *_pos(node), tag=_short_tag(node.tag))
        )
        return True

    def walk(self, node: Node, path: Path_, depth: int) -> Any:
        track = self.track
        if track:
            self.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        tag = node.tag
        if tag != _IMPLICIT and tag not in _ALLOWED_TAGS:
            # Reported, then read as if untagged: the value is kept as plain data, so that the
            # record's other fields are still checked and no "missing value" follows.
            self.refuse_tag(node)
            self.tainted = True
            self.refused.append(path)
            if isinstance(node, ScalarNode):
                return node.value
            tag = _IMPLICIT
        if isinstance(node, ScalarNode):
            return self.scalar(node, tag, path)
        if id(node) in self.built:
            # An alias (reported by _report_anchors). The value already built is shared, never
            # copied, so "billion laughs" cannot expand; the record is marked and not validated.
            self.aliased = True
            return self.built[id(node)]
        self.built[id(node)] = None
        if depth > MAX_DEPTH:
            self.problems.append(
                problem("yaml-syntax", self.path, *_pos(node), "depth", depth=MAX_DEPTH)
            )
            return None
        if isinstance(node, MappingNode):
            if tag == _CORE + "seq":
                self.refuse_tag(node)
            out: dict[str, Any] = {}
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode) or (
                    key_node.tag != _IMPLICIT and key_node.tag != _CORE + "str"
                ):
                    self.problems.append(
                        problem("yaml-complex-key", self.path, *_pos(key_node))
                    )
                    continue
                key = key_node.value
                if key in first:
                    self.problems.append(
                        problem("yaml-duplicate-key", self.path, *_pos(key_node), key=key, line=first[key])
                    )
                    continue
                first[key] = key_node.start_mark.line + 1
                if track:
                    sub = path + (key,)
                    self.keys[sub] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                    out[key] = self.walk(value_node, sub, depth + 1)
                elif type(value_node) is ScalarNode and value_node.tag == _IMPLICIT:
                    # the common case, inlined: an untagged scalar value
                    value = value_node.value
                    if value_node.style:
                        out[key] = value
                    elif len(value) > MAX_INT_DIGITS and _long_number(value):
                        out[key] = self.long_number(value_node, path + (key,))
                    else:
                        out[key] = resolve_plain(value)
                else:
                    out[key] = self.walk(value_node, path, depth + 1)
            self.built[id(node)] = out
            return out
        if tag == _CORE + "map":
            self.refuse_tag(node)
        if track:
            items = [self.walk(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        else:
            items = [self.walk(item, path, depth + 1) for item in node.value]
        self.built[id(node)] = items
        return items

    def long_number(self, node: ScalarNode, path: Path_) -> str:
        """Report an unquoted number too long to read; it is kept as its text, and the record's
        checks leave that value alone (as one with a refused tag)."""
        if not self.track:
            digits = len(node.value.lstrip("+-"))
            self.problems.append(problem("number-too-large", self.path, *_pos(node),
                                         digits=f"{digits:,}", limit=MAX_INT_DIGITS))
        self.tainted = True
        self.refused.append(path)
        return str(node.value)

    def scalar(self, node: ScalarNode, tag: str, path: Path_ = ()) -> Any:
        value: str = node.value
        if tag == _IMPLICIT:
            if node.style:
                return value
            if len(value) > MAX_INT_DIGITS and _long_number(value):
                return self.long_number(node, path)
            return resolve_plain(value)
        if tag == _CORE + "str":
            return value
        if len(value) > MAX_INT_DIGITS and _long_number(value):
            return self.long_number(node, path)
        resolved = resolve_plain(value)
        kind = tag[len(_CORE) :]
        ok = {
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "bool": lambda v: isinstance(v, bool),
            "null": lambda v: v is None,
        }.get(kind, lambda _: False)(resolved)
        if not ok:
            self.problems.append(
                problem("yaml-tag", self.path, *_pos(node), "unreadable", value=value, kind=kind)
            )
            return value
        if kind == "float" and not isinstance(resolved, WrittenFloat):
            return float(resolved)  # `!!float 1`
        return resolved


class WrittenFloat(float):
    """An unquoted decimal number that remembers how it was written: as a number it is the float,
    as text (a `place: 1.10` or `title: 2.0` in a text field) it is `1.10`, not `1.1`."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> WrittenFloat:
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __str__(self) -> str:
        return self.text

    __repr__ = float.__repr__

    def __reduce__(self) -> tuple[type, tuple[str]]:  # pickles (process pools) keep the text
        return (WrittenFloat, (self.text,))


def resolve_plain(value: str) -> Any:
    """Type an unquoted scalar by the YAML 1.2 core schema (decimal numbers, true/false, null).

    Everything else stays text, so `NO`, `on`, `12:30`, `0x1F` and `2020-04-13` are strings.
    """
    if not value or value in _NULLS:
        return None
    if value.isdigit() and value.isascii() and len(value) <= MAX_INT_DIGITS:
        # The common number, a count: ASCII digits only (`isdigit` alone takes other scripts' digits,
        # which `_INT` does not), without the regular expressions below; the same answer.
        return int(value) if value[0] != "0" or len(value) == 1 else value
    first = value[0]
    if value[4:5] == "-" and value[:4].isdigit():
        return value  # a date such as `2020-04-13` (never a number: a sign must follow an exponent)
    if first.isdigit() or first in "+-.":
        if len(value) > MAX_INT_DIGITS and _long_number(value):
            return value  # too long to convert (Python refuses past 4,300 digits): it stays text
        if _INT.match(value):
            digits = value.lstrip("+-")
            # `007` keeps its zeros: a text field gets them back, a count is told it is no number
            return int(value) if digits == "0" or digits[0] != "0" else value
        if _FLOAT.match(value):
            return WrittenFloat(value)
        return value
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return value


def _long_number(value: str) -> bool:
    """An integer literal too long to convert (its length is checked first, by the caller)."""
    return _INT.match(value) is not None and len(value.lstrip("+-")) > MAX_INT_DIGITS


def _describe(node: Node) -> str:
    if isinstance(node, ScalarNode):
        text = node.value if len(node.value) <= 40 else node.value[:37] + "..."
        return f"a single value ({text!r})" if text else "no value"
    if isinstance(node, SequenceNode):
        return "a list"
    return "a mapping"


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def dotted(path: Path_) -> str:
    """A field path as editors read it: `sources[0].url` (`record` for the record itself)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "record"


def _codepoint(character: int | str) -> int:
    return ord(character[0]) if isinstance(character, str) and character else int(character or 0)


def same(a: Any, b: Any) -> bool:
    """Equal as loaded data: equal values of equal types all the way down (`1`, `1.0` and `true`
    are three values, `2020` and `"2020"` two, `1.10` and `1.1` too, as a text field shows them);
    a mapping's key order does not matter."""
    if isinstance(a, WrittenFloat) and isinstance(b, WrittenFloat):
        return a.text == b.text
    if isinstance(a, float) and isinstance(b, float):  # `!!float 1` is the float 1.0, written `1.0`
        return a == b or (a != a and b != b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
