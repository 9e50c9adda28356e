"""`briefing fmt`: one canonical layout for data files, so that pull-request diffs show real changes.

The canonical layout:

- keys in the order of the data format (`kinds.FIELD_ORDER`), nested entries too (citations,
  actor roles, casualty entries and their ranges, corrections, date spans); unknown keys keep their
  relative order after the known ones, and `extra:` keeps its own order;
- block style with 2-space indentation, sequences indented under their key (`  - item`), a list
  file's records at the left margin; `coordinates` stays a flow pair `[lat, lon]`, empty lists `[]`;
- strings plain where every YAML reader reads them back as the same text, quoted otherwise (single
  quotes; double quotes for text holding a `'` or needing an escape): `"yes"`, `"007"`, `"null"`, `"12:30"` and a
  date outside a date field stay quoted; a real calendar day in a date field is written plain, as the
  data format does; numbers, booleans and nulls keep the text they were written with; `|` and `>`
  blocks keep their lines;
- every comment kept, full-line comments indented like the line they precede; no blank lines
  (those inside `|` and `>` blocks are text, and stay);
- UTF-8 without a byte order mark, LF line endings, one final newline.

How: ruamel.yaml in round-trip mode parses the file keeping each scalar's style and each folded
block's line breaks, with every implicit type resolution switched off: ruamel's types are not the
validator's (`1_000` and `0o17` are numbers to ruamel, text to the validator), so each scalar's
type is decided by the validator's own resolver and nothing is ever re-typed.
Comments are not left to ruamel: it attaches a comment to the node *before* it, so a comment about
`date` written above it would travel with the previous key when keys are reordered. Instead the
comments are found in the source text between YAML tokens, tied to the entry they precede (or end
the line of), and written back beside that entry after ruamel has dumped the reordered tree.

Nothing is written unless it provably changes no data: the formatted text is loaded again with the
validator's own loader and must give identical values (type for type) and the same comments;
otherwise the file is reported and left as it was.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.nodes import ScalarNode as RScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    ScalarString,
)
from ruamel.yaml.tag import Tag

from .bidi import BIDI_CONTROLS
from .children import pool_options
from .load import LoadedFile, Refused, _compose, load_file, read_regular, resolve_plain, same
from .kinds import FIELD_NESTING, FIELD_ORDER, MODELS
from .problems import CODES, Problem
from .progress import FORMATTING, Progress, quiet

#: Loader problems that mean the file cannot be parsed as plain data: such a file is left untouched.
UNPARSABLE = frozenset({
    "file-unreadable", "file-symlink", "file-not-regular", "file-too-large", "file-encoding", "yaml-syntax",
    "yaml-tab-indent", "yaml-duplicate-key", "yaml-anchor", "yaml-tag", "yaml-multiple-documents", "yaml-complex-key",
    "number-too-large",  # kept as text by the loader: quoting it would change what it says
})

#: Fields whose value is a date: a real calendar day there is written plain (`date: 2020-04-13`).
DATE_FIELDS = frozenset({
    ("Incident", "date"), ("Statement", "date"), ("DateSpan", "from"), ("DateSpan", "to"),
    ("Citation", "published"), ("Correction", "date"),
})
#: Fields written as a flow pair, `[35.47, 44.39]`, as the data format shows them.
FLOW_FIELDS = frozenset({("Incident", "coordinates"), ("Region", "coordinates")})

_STR = "tag:yaml.org,2002:str"
_AMBIGUOUS = "tag:briefing,2024:ambiguous"  # never written: it only tells the emitter "not plain"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_BREAKS = re.compile("[\x85\u2028\u2029]")

# The YAML 1.2 core schema (what most current tools read) ...
_CORE_12 = re.compile(
    r"""(?:null|Null|NULL|~|true|True|TRUE|false|False|FALSE
    |[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+
    |[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z""",
    re.VERBOSE,
)
# ... and what YAML 1.1 readers (PyYAML, many editors and linters) type beyond PyYAML's resolver.
_EXTRA_11 = frozenset({"y", "Y", "n", "N"})
_RESOLVER_11 = yaml.resolver.Resolver()
#: Its `resolve`, typed here: typeshed's stubs leave the method unannotated.
_resolve_11: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = _RESOLVER_11.resolve


def ambiguous(text: str) -> bool:
    """Whether `text`, written unquoted, would be read as anything but that very text by this
    project's loader, a YAML 1.2 reader or a YAML 1.1 reader (`yes`, `007`, `12:30`, `null`,
    `2020-04-13`, `.inf`, ...). Such a string must be quoted."""
    if resolve_plain(text) != text or not isinstance(resolve_plain(text), str):
        return True
    if text in _EXTRA_11 or _CORE_12.match(text):
        return True
    return _resolve_11(yaml.ScalarNode, text, (True, False)) != _STR


class FormatError(Exception):
    """A file that cannot be formatted; `problem` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.format_text())
        self.problem = problem


# --- ruamel set-up ---------------------------------------------------------------------------


class _NoImplicit(VersionedResolver):
    """Reads every untagged scalar as text: types are decided by this project's loader, never by
    ruamel's (YAML 1.1-flavoured) guesses."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is RScalarNode:
            return self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)


class _Quoting(VersionedResolver):
    """Tells the emitter which strings may go unquoted: those no reader could mistake."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is RScalarNode:
            if implicit[0] and ambiguous(value):
                return Tag(suffix=_AMBIGUOUS)
            return self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)


class Verbatim(str):
    """A scalar written plain exactly as it was: a number, boolean or null keeps its spelling
    (`2020`, `true`, `~`), and a day in a date field stays unquoted."""


def _represent_verbatim(representer: RoundTripRepresenter, data: Verbatim) -> Any:
    # The tag is whatever the quoting resolver detects for this text, so that the emitter sees an
    # "implicit" scalar and writes it plain without a tag.
    tag = _AMBIGUOUS if ambiguous(str(data)) else _STR
    return representer.represent_scalar(tag, str(data), style=None)


class Tagged(str):
    """The text of a scalar tagged `!!int`, `!!float`, `!!bool` or `!!null`, kept as written: ruamel
    would build the number and write it back with other digits."""

    tag: str


class _TextConstructor(RoundTripConstructor):
    """ruamel's round-trip constructor, minus the construction of typed core scalars."""


def _construct_tagged(constructor: RoundTripConstructor,  # noqa: ARG001  # add_constructor's signature
                      node: Any) -> Tagged:
    out = Tagged(node.value)
    out.tag = str(node.tag)
    return out


for _kind in ("int", "float", "bool", "null", "timestamp", "binary", "value", "merge"):
    _TextConstructor.add_constructor(f"tag:yaml.org,2002:{_kind}", _construct_tagged)


def _reader() -> YAML:
    reader = YAML(typ="rt", pure=True)
    reader.Resolver = _NoImplicit
    reader.Constructor = _TextConstructor
    reader.preserve_quotes = True
    reader.allow_duplicate_keys = False
    return reader


class _Emitter(Emitter):
    """ruamel's emitter, except that a text holding a bidirectional control (U+202A-U+202E,
    U+2066-U+2069) is written double-quoted with every character past ASCII escaped (`\u202e`):
    written raw, the control is invisible and reorders how the file, and its diff in a pull
    request, is displayed. The value read back is the same."""

    def analyze_scalar(self, scalar: Any) -> Any:
        with self._escaping(scalar):
            return super().analyze_scalar(scalar)

    def write_double_quoted(self, text: Any, split: Any = True) -> None:
        with self._escaping(text):
            super().write_double_quoted(text, split)

    @contextlib.contextmanager
    def _escaping(self, text: Any) -> Iterator[None]:
        saved = self.allow_unicode
        if isinstance(text, str) and not BIDI_CONTROLS.isdisjoint(text):
            self.allow_unicode = False  # every character past ASCII is escaped, in double quotes
        try:
            yield
        finally:
            self.allow_unicode = saved


def _writer() -> YAML:
    writer = YAML(typ="rt", pure=True)
    writer.Resolver = _Quoting
    writer.Emitter = _Emitter
    writer.indent(mapping=2, sequence=4, offset=2)
    writer.width = 1 << 30  # never wrap a line: a long title stays on one line
    writer.allow_unicode = True
    writer.explicit_start = False
    writer.Representer.add_representer(Verbatim, _represent_verbatim)
    return writer


# --- comments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    """A comment as written: its 0-based line, whether code precedes it on that line, its text
    (from `#` to the end of the line, trailing spaces removed)."""

    line: int
    trailing: bool
    text: str


def find_comments(text: str) -> list[Comment]:
    """Every comment in `text`: whatever starts with `#` in the gaps between YAML tokens (inside a
    scalar a `#` is text, and the tokenizer knows where scalars end)."""
    out: list[Comment] = []
    loader = yaml.CSafeLoader(text)
    try:
        previous = 0
        while True:
            token = loader.get_token()
            if token is None:
                break
            start = token.start_mark.index
            if start > previous:
                out.extend(_gap_comments(text, previous, start))
            previous = max(previous, token.end_mark.index)
            if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">"):
                # `summary: >  # plain text`: the header line of a block scalar may end in a comment
                header_end = text.find("\n", start, previous)
                out.extend(_gap_comments(text, start, previous if header_end < 0 else header_end))
            if isinstance(token, yaml.StreamEndToken):
                break
        if previous < len(text):
            out.extend(_gap_comments(text, previous, len(text)))
    finally:
        loader.dispose()
    return out


def _gap_comments(text: str, start: int, end: int) -> Iterable[Comment]:
    pos = start
    while True:
        hash_at = text.find("#", pos, end)
        if hash_at < 0:
            return
        line_end = text.find("\n", hash_at)
        line_end = len(text) if line_end < 0 else line_end
        line_start = text.rfind("\n", 0, hash_at) + 1
        before = text[line_start:hash_at]
        yield Comment(text.count("\n", 0, hash_at), bool(before.strip()), text[hash_at:line_end].rstrip())
        pos = line_end


@dataclass
class _Entry:
    """A mapping entry or a list item, by its path from the root, and where it sits."""

    path: tuple[Any, ...]
    start: int  # line of the key, or of the item
    eol: int  # line that an end-of-line comment about it goes on
    depth: int
    order: int
    value_start: int | None = None  # for a key whose scalar value starts on a later line


def _entries(root: yaml.Node | None) -> list[_Entry]:
    out: list[_Entry] = []

    def eol_line(node: yaml.Node, start: int) -> int:
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("|", ">") or (not node.style and node.value == ""):
                return start  # after the block indicator, or after an empty value
            return node.end_mark.line
        if isinstance(node, yaml.CollectionNode) and node.flow_style:  # any node but a scalar
            return node.end_mark.line
        return start

    def walk(node: yaml.Node, path: tuple[Any, ...], depth: int) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = path + (key.value,)
                start = key.start_mark.line
                entry = _Entry(sub, start, eol_line(value, start), depth, len(out))
                if isinstance(value, yaml.ScalarNode) and value.start_mark.line > start and value.value != "":
                    entry.value_start = value.start_mark.line
                out.append(entry)
                walk(value, sub, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                sub = path + (index,)
                start = item.start_mark.line
                out.append(_Entry(sub, start, eol_line(item, start), depth, len(out)))
                walk(item, sub, depth + 1)

    if root is not None:
        walk(root, (), 0)
    return out


@dataclass
class _Placed:
    """The comments tied to one entry, and those left for the end of the file."""

    head: list[Comment] = field(default_factory=list)
    before: dict[tuple[Any, ...], list[Comment]] = field(default_factory=dict)
    eol: dict[tuple[Any, ...], list[Comment]] = field(default_factory=dict)
    end: list[Comment] = field(default_factory=list)


def _tie(comments: list[Comment], entries: list[_Entry]) -> _Placed:
    """Tie each comment to an entry: a comment at the end of a line to the deepest entry that ends
    on that line; a comment on a line of its own to the entry it precedes (or, between a key and
    its value, to that key). What precedes every entry (the `$schema` modeline, a file header)
    stays at the top of the file, and what follows every entry at the end."""
    placed = _Placed()
    first = min((e.start for e in entries), default=0)
    for comment in comments:
        if comment.line < first:
            placed.head.append(comment)
            continue
        if comment.trailing:
            ending = [e for e in entries if e.eol == comment.line]
            if ending:
                target = max(ending, key=lambda e: (e.depth, e.order))
                placed.eol.setdefault(target.path, []).append(comment)
                continue
        inside = [e for e in entries if e.value_start is not None and e.start < comment.line < e.value_start]
        following = [e for e in entries if e.start > comment.line]
        if inside:
            target = max(inside, key=lambda e: (e.depth, e.order))
        elif following:
            target = min(following, key=lambda e: (e.start, e.depth, e.order))
        else:
            placed.end.append(comment)
            continue
        placed.before.setdefault(target.path, []).append(comment)
    return placed


def _put_comments(text: str, placed: _Placed) -> str:
    """Write the tied comments into `text` (the dumped file, which has none) beside their entries."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    root = _compose(text)
    where = {e.path: e for e in _entries(root)}
    block_lines = _block_scalar_lines(root)
    above: dict[int, list[tuple[int, int, str]]] = {}  # line -> (depth, original line, text)
    after: dict[int, str] = {}
    trailing = sorted(((c, path) for path, cs in placed.eol.items() for c in cs), key=lambda cp: cp[0].line)
    for comment, path in trailing:
        entry = where[path]
        if entry.eol not in after:
            after[entry.eol] = comment.text
        else:  # a second comment for the same line: it goes above the entry instead
            above.setdefault(entry.start, []).append((entry.depth, comment.line, comment.text))
    for path, comments in placed.before.items():
        entry = where[path]
        for comment in comments:
            above.setdefault(entry.start, []).append((entry.depth, comment.line, comment.text))
    out: list[str] = [c.text for c in placed.head]
    for number, line in enumerate(lines):
        if number in above:
            indent = " " * (len(line) - len(line.lstrip(" ")))
            out.extend(indent + t for _, _, t in sorted(above[number]))
        if number not in block_lines:
            line = line.rstrip(" ")  # ruamel leaves a space after a `-` of an empty item
        out.append(f"{line}  {after[number]}" if number in after else line)
    out.extend(c.text for c in placed.end)
    return "\n".join(out) + "\n"


def _block_scalar_lines(root: yaml.Node | None) -> set[int]:
    """The lines that hold the text of `|` and `>` blocks, where every space counts."""
    out: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("|", ">"):
                out.update(range(node.start_mark.line + 1, node.end_mark.line + 1))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(v for pair in node.value for v in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return out


# --- the canonical tree ----------------------------------------------------------------------


def _order(keys: list[Any], model: str | None) -> list[Any]:
    """Known keys in the data format's order, then the others as they came."""
    known = FIELD_ORDER.get(model or "", [])
    rank = {k: i for i, k in enumerate(known)}
    return sorted(keys, key=lambda k: (0, rank[k]) if k in rank else (1, 0))  # sort is stable


def _scalar(value: Any, model: str | None, key: Any) -> Any:
    """The canonical form of one scalar as ruamel read it (every untagged scalar as text)."""
    if isinstance(value, (LiteralScalarString, FoldedScalarString)):
        # comments are handled apart
        value.comment = None  # type: ignore[union-attr]  # ruamel's __slots__ declare `comment`, untyped
        return value
    if isinstance(value, Tagged):
        text = str.__str__(value)
        kind = value.tag.removeprefix("tag:yaml.org,2002:")
        plain = resolve_plain(text)
        # the loader reads `!!float 1` as 1.0: plain `1` would be the integer 1, so the tag stays
        if kind in ("int", "bool", "null", "float") and not isinstance(plain, str) and (
                kind != "float" or isinstance(plain, float)):
            return Verbatim(text)
        return TaggedScalar(text, style="'" if ambiguous(text) else None, tag=value.tag)
    if isinstance(value, TaggedScalar):
        if str(value.tag) != _STR:
            return value  # a tag `validate` refuses; such files are not formatted anyway
        text, typed = str(value.value), False
    elif isinstance(value, ScalarString):
        text, typed = str.__str__(value), False  # quoted: text whatever it looks like
    elif isinstance(value, str):
        text = str.__str__(value)
        typed = not isinstance(resolve_plain(text), str)  # 20, 2.5, true, ~, empty: not text
    else:
        return value
    if typed:
        return Verbatim(text)
    if _BREAKS.search(text):
        # NEL, LS and PS are line breaks to YAML 1.1 readers: only double quotes keep them intact
        return DoubleQuotedScalarString(text)
    if (model, key) in DATE_FIELDS and _DAY.match(text) and _real_day(text):
        return Verbatim(text)  # `date: 2020-04-13`, as the data format writes it
    return text  # plain unless `ambiguous` (or YAML syntax) requires quotes


def _real_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _canonical_map(value: dict[Any, Any], model: str | None) -> CommentedMap:
    """A new mapping in canonical order and block style; `model` names the order that applies
    (None for free mappings such as `extra:`, and in folders that name no kind)."""
    out = CommentedMap()
    for key in _order(list(value), model):
        out[str.__str__(key) if isinstance(key, str) else key] = _canonical_value(value[key], model, key)
    if model == "DateSpan" and list(out) == ["to"] and not isinstance(out["to"], (dict, list)):
        out.fa.set_flow_style()  # `{to: 2020-04-17}`, as the data format writes "on or before"
    else:
        out.fa.set_block_style()
    return out


def _canonical_value(value: Any, parent: str | None, key: Any) -> Any:
    """The canonical form of the value at `key` of a mapping of model `parent` (list items too)."""
    child = FIELD_NESTING.get(parent or "", {}).get(key) if isinstance(key, str) else None
    if isinstance(value, dict):
        return _canonical_map(value, child)
    if isinstance(value, list):
        seq = CommentedSeq(_canonical_value(item, parent, key) for item in value)
        if (parent, key) in FLOW_FIELDS and all(isinstance(v, Verbatim) and v for v in seq):  # numbers
            seq.fa.set_flow_style()
        else:
            seq.fa.set_block_style()
        return seq
    return _scalar(value, parent, key)


def canonical_tree(data: Any, kind: str | None) -> Any:
    """The canonical tree of a whole file as ruamel read it: one record, or a list of records."""
    model = MODELS[kind].__name__ if kind in MODELS else None
    if isinstance(data, list):
        seq = CommentedSeq(_canonical_map(item, model) if isinstance(item, dict) else _canonical_value(item, None, None)
                           for item in data)
        seq.fa.set_block_style()
        return seq
    if isinstance(data, dict):
        return _canonical_map(data, model)
    return _scalar(data, None, None)


# --- one file --------------------------------------------------------------------------------




def _problem(path: str, message: str, line: int = 1, col: int = 1, code: str = "yaml-syntax") -> Problem:
    return Problem.make(code, path, line, col, message)


def _values(loaded: LoadedFile) -> list[Any]:
    return [record.data for record in loaded.records]


def format_bytes(raw: bytes, path: str, kind: str | None) -> bytes:
    """The canonical form of a data file's bytes (the same bytes when it is canonical already).

    `path` is only shown in problems; `kind` (`incidents`, ...; None outside the kind folders)
    decides the key order. Raises `FormatError` for a file that does not parse, or that could not
    be formatted without changing its values or comments (the file is then to be left alone).
    """
    before = load_file(path, raw)
    broken = sorted((p for p in before.problems if p.code in UNPARSABLE), key=lambda p: (p.line, p.col))
    if broken:
        raise FormatError(broken[0])
    text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    if not before.records and not any(p.code == "not-a-record" for p in before.problems):
        return raw  # empty (or comments only): nothing to lay out; `validate` reports it
    root = _compose(text)
    if not isinstance(root, (yaml.MappingNode, yaml.SequenceNode)):
        return raw  # a single value, not a record: `validate` reports it
    placed = _tie(find_comments(text), _entries(root))
    try:
        # load_all: a `---` or `...` with nothing after it, which the validator tolerates, is an
        # empty second document to ruamel (a real second document was refused above)
        data = next(iter(_reader().load_all(text)))
    except Exception as exc:  # noqa: BLE001  # ruamel's parse errors have no common base
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise FormatError(_problem(path, CODES["yaml-syntax"].format("fmt-read", error=getattr(exc, "problem", exc)),
                                   line, col)) from None
    stream = io.StringIO()
    _writer().dump(canonical_tree(data, kind), stream)
    dumped = stream.getvalue()
    if isinstance(root, yaml.SequenceNode):
        # ruamel indents a top-level list by the offset; a list file's records start at the margin
        dumped = "".join(line[2:] if line.startswith("  ") else line for line in dumped.splitlines(keepends=True))
    try:
        out = _put_comments(dumped, placed)
        _check(path, before, out, text)
    except yaml.YAMLError:  # ruamel wrote something the validator's parser refuses
        raise FormatError(_problem(path, CODES["yaml-syntax"].format("fmt-reads"))) from None
    return out.encode("utf-8")


def _check(path: str, before: LoadedFile, out: str, text: str) -> None:
    """Refuse a result that reads differently from the original, or lost or gained a comment."""
    after = load_file(path, out.encode("utf-8"))
    problems_before = sorted(p.code for p in before.problems)
    problems_after = sorted(p.code for p in after.problems)
    what = None
    if problems_after != problems_before or not same(_values(before), _values(after)):
        what = "its values"
    elif Counter(c.text for c in find_comments(text)) != Counter(c.text for c in find_comments(out)):
        what = "its comments"
    if what:
        raise FormatError(_problem(path, CODES["yaml-syntax"].format("fmt-changed", what=what)))


# --- a data folder ---------------------------------------------------------------------------


@dataclass
class FileResult:
    """One file's outcome: `formatted` holds its canonical bytes when they differ from the file."""

    path: str
    formatted: bytes | None = None
    problem: Problem | None = None

    @property
    def changed(self) -> bool:
        return self.formatted is not None


#: Below this many files one process is quicker than starting workers.
PARALLEL_FROM = 200


def format_folder(data_dir: str | os.PathLike[str], only: Iterable[str | os.PathLike[str]] | None = None,
                  workers: int | None = None, progress: Progress = quiet) -> list[FileResult]:
    """Format every data file under `data_dir` in memory (nothing is written), in path order;
    with `only`, just those of its files (the ones a commit touches, say). `progress` is told
    how many files are done (progress.FORMATTING).

    ruamel's round trip is pure Python, about 15 ms a file: a large folder is shared among
    `workers` processes (default: one per CPU). Results do not depend on how many."""
    from .validate import discover  # validate imports much; fmt's helpers do not need it

    files, found = discover(Path(data_dir))
    # Links, FIFOs and devices are neither read nor written: each is reported, never skipped.
    refused = [FileResult(p.path, problem=p) for p in found if p.severity == "error"]
    if only is not None:
        # Only the folders are resolved, not the file's own name: a link named on the command
        # line must be matched (and reported) as the link, never as the file it points to.
        wanted = {unresolved_name(p) for p in only}
        files = [(path, kind) for path, kind in files if unresolved_name(path) in wanted]
        refused = [r for r in refused if unresolved_name(r.path) in wanted]
    workers = workers if workers is not None else (os.cpu_count() or 1)
    results: list[FileResult] = []
    progress(FORMATTING, 0, len(files))
    if len(files) < PARALLEL_FROM or workers < 2:
        for path, kind in files:
            results.append(format_file(path, kind))
            progress(FORMATTING, len(results), len(files))
    else:
        with ProcessPoolExecutor(max_workers=workers, **pool_options()) as pool:  # workers die with this process
            for result in pool.map(format_file, [p for p, _ in files], [k for _, k in files], chunksize=32):
                results.append(result)
                progress(FORMATTING, len(results), len(files))
    return sorted(results + refused, key=lambda r: r.path)


def unresolved_name(path: str | os.PathLike[str]) -> Path:
    """`path` made absolute with its folders resolved and its last name kept as it is."""
    target = Path(os.path.abspath(path))
    return target.parent.resolve() / target.name


def format_file(path: str, kind: str | None) -> FileResult:
    """Format one data file in memory: its canonical bytes when they differ, or its problem."""
    try:
        raw = read_regular(path)  # no link, FIFO or device; at most MAX_FILE_BYTES
    except Refused as exc:
        return FileResult(path, problem=exc.problem(path))
    try:
        formatted = format_bytes(raw, path, kind)
    except FormatError as exc:
        return FileResult(path, problem=exc.problem)
    return FileResult(path, formatted if formatted != raw else None)
