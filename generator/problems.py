"""Problems are data: every stage reports what is wrong as a `Problem`, collected into a `Report`.

Nothing here prints or exits; the command line turns a report into text, GitHub annotations or
JSON. Every code is stable (editors search for it); its severity, the words of its messages and
its section of `docs/errors.md` are one entry of the table in `codes.py`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Iterable

from pydantic_core import PydanticCustomError

# The table lives in codes.py (below every module); its names stay importable from here.
from .codes import CODES as CODES, Code as Code, Severity as Severity


#: At most this many problems of one file are printed; a line of its own says how many more there
#: are (a million bad aliases would otherwise print a million lines). Counts stay true.
MAX_PROBLEMS_PER_FILE = 100
#: A word longer than this gets no "did you mean": at difflib's cutoff (0.75) it could only be
#: close to a text of 360 characters or more, longer than any name (300) or id (80), and comparing
#: a pasted document with every choice would take long.
MAX_SUGGESTED = 600


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong (or suspect) in the data, at a file position (1-based line and column).

    Field order is the sort order of a report: by path, then line and column.
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = "error"

    @classmethod
    def make(cls, code: str, path: str, line: int, col: int, message: str) -> "Problem":
        """Build a problem whose severity is the one registered for `code`."""
        return cls(path, line, col, code, message, CODES[code].severity)

    def format_text(self) -> str:
        """`path:line:col: severity: message [code]`, the form compilers and editors understand.

        Control characters in the path and the message are escaped (`\\n`, `\\x1b`): a value
        holding a newline must not forge a line of its own, nor an escape code drive the terminal."""
        return f"{escape_controls(self.path)}:{self.line}:{self.col}: {self.severity}: " \
               f"{escape_controls(self.message)} [{self.code}]"


def problem(code: str, path: str, line: int, col: int, form: str = "", /, **fields: object) -> Problem:
    """A problem whose severity and message come from the table: `form`'s template of `code`
    (see `codes.Code.messages`) with `fields` filled in."""
    return Problem.make(code, path, line, col, CODES[code].format(form, **fields))


def custom_error(code: str, form: str = "", /, **context: object) -> PydanticCustomError:
    """A validation error of our own for a pydantic model: its type is `code`, and its message
    `form`'s template of `code` filled from `context` once, here (`context["message"]`, which
    `explain.py` reads). `context` may also carry what `explain.py` reads (`part`, `at_key`,
    `choices`). pydantic's own rendering of the message is not used: it replaces each context
    key in turn, so a value holding `{choices}` or `{part}` would be filled a second time."""
    return PydanticCustomError(code, "{message}", {**context, "message": CODES[code].format(form, **context)})


@dataclass
class Report:
    """Problems collected from every stage, plus counts for the summary line."""

    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    records: int = 0

    def add(self, code: str, path: str, line: int, col: int, message: str) -> None:
        """Record a problem; severity comes from the code's registration."""
        self.problems.append(Problem.make(code, path, line, col, message))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def sorted(self) -> list[Problem]:
        """Problems sorted by path, line, column, code; duplicates removed."""
        return sorted(set(self.problems))

    def shown(self, limit: int = MAX_PROBLEMS_PER_FILE) -> list[Problem]:
        """The problems to print: `sorted()`, at most `limit` of each file, and for a file with
        more, one `too-many-problems` line after them saying how many more there are."""
        out: list[Problem] = []
        hidden: list[Problem] = []

        def close() -> None:
            if hidden:
                errors = sum(1 for p in hidden if p.severity == "error")
                warnings = len(hidden) - errors
                kinds = ", ".join(f"{n:,} {word}" + ("" if n == 1 else "s")
                                  for n, word in ((errors, "error"), (warnings, "warning")) if n)
                first = hidden[0]
                out.append(Problem(
                    first.path, first.line, first.col, "too-many-problems",
                    CODES["too-many-problems"].format(count=f"{len(hidden):,}", kinds=kinds),
                    "error" if errors else "warning",  # never "error" over warnings alone
                ))
                hidden.clear()

        seen: Counter[str] = Counter()
        for problem in self.sorted():
            if out and problem.path != out[-1].path:
                close()
            seen[problem.path] += 1
            (out if seen[problem.path] <= limit else hidden).append(problem)
        close()
        return out

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings are allowed)."""
        return not self.errors

    def summary(self) -> str:
        """A one-line summary such as `2 errors, 1 warning in 14 files (20 records)`."""
        e, w = len(set(self.errors)), len(set(self.warnings))
        files = f"{self.files:,} file" + ("" if self.files == 1 else "s")
        records = f"{self.records:,} record" + ("" if self.records == 1 else "s")
        head = f"{_plural(e, 'error')}, {_plural(w, 'warning')}"
        if e == 0:
            head = "valid: " + head
        return f"{head} in {files} ({records})"

    def to_json(self) -> str:
        """A machine-readable report (stable key order, one problem per object). The counts are
        of every problem; the list holds what `shown()` holds. Strings keep their literal text,
        with control characters written as JSON escapes (`\\u001b`), never raw."""
        problems = self.sorted()
        doc = {
            "version": 1,
            "valid": self.ok,
            "files": self.files,
            "records": self.records,
            "errors": sum(1 for p in problems if p.severity == "error"),
            "warnings": sum(1 for p in problems if p.severity == "warning"),
            "problems": [asdict(p) for p in self.shown()],
        }
        return json_text(json.dumps(doc, ensure_ascii=False, indent=2))

    def to_github(self) -> str:
        """GitHub workflow commands, so that problems show on the right line of a pull request."""
        lines = []
        for p in self.shown():
            props = ",".join(
                f"{k}={_gh_escape(v, prop=True)}"
                for k, v in (("file", p.path), ("line", str(p.line)), ("col", str(p.col)), ("title", p.code))
            )
            lines.append(f"::{p.severity} {props}::{_gh_escape(p.message)}")
        return "\n".join(lines)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _gh_escape(value: str, prop: bool = False) -> str:
    # GitHub's workflow-command escaping (actions/toolkit `escapeData` / `escapeProperty`); other
    # control characters (an escape code) are written out as for the text report.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return escape_controls(value)


#: C0 controls, DEL, C1 controls, and the line and paragraph separators: what a terminal or an
#: editor may act on instead of showing. And the bytes of a file name that are not UTF-8, which
#: Python holds as U+DC80-U+DCFF (`surrogateescape`) and would write back raw (0x9b is the 8-bit
#: CSI of terminals that read C1 codes; a raw byte also makes the JSON report invalid UTF-8).
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\udc80-\udcff]")
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\udc80-\udcff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8: shown as the byte it is
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """`text` with every control character written as an escape a reader can see: `\\n`, `\\t`,
    `\\x1b`, `\\x85`, `\\u2028`; everything else, any script, as it is."""
    return _CONTROLS.sub(_escape_one, text)


def json_text(dumped: str) -> str:
    """JSON from `json.dumps(..., ensure_ascii=False)` with DEL, the C1 controls and U+2028/U+2029
    written as `\\uXXXX` (json.dumps escapes only C0): the same JSON values, nothing raw. They can
    only occur inside strings, where the escape stands for the same character."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def shorten(text: str, limit: int = 60) -> str:
    """`text`, cut to `limit` characters with an ellipsis: messages quote values, not documents."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Suggester:
    """"Did you mean" over many choices (every id, name and alias of a kind), built once.

    `did_you_mean` compares the word with every choice (difflib): about 0.1 s against 10,000 ids.
    This compares it with a few only, then lets `did_you_mean` pick among them as it would:

    1. the choices one typo away (a letter wrong, missing, added, or two letters swapped), found
       through an index of every choice with each of its letters deleted in turn (two texts one
       typo apart share one such form), and the choice with the same letters in another case;
    2. only when none of those is close enough (two typos or more): the choices sharing most of
       the word's `PAIRS_PROBED` rarest letter pairs (of those any choice has), at most
       `MAX_EXAMINED` of them.
    Both ignore case. Each step has difflib compare at most `MAX_EXAMINED` choices (step 1 one
    more: the same letters in another case), never all of them.
    """

    MAX_EXAMINED = 50
    #: How many of the word's rarest letter pairs step 2 looks up.
    PAIRS_PROBED = 8
    #: Longer choices are left out of the one-typo index (its size grows with their length);
    #: the second step still finds them.
    MAX_INDEXED = 100

    def __init__(self, choices: Iterable[str], labels: dict[str, str] | None = None) -> None:
        self.choices = list(dict.fromkeys(choices))
        self.labels = labels
        self.examined = 0  # choices compared by difflib so far (for tests: the work is bounded)
        self._lowered: dict[str, str] = {}
        self._pairs: dict[str, list[int]] | None = None  # built on first need
        # Each key (a choice, or a choice with one character left out) names one choice (an int)
        # or several (a list): most name one, and an int keeps the index small. Inlined, not a
        # function per key: this loop runs for every character of every choice.
        near: dict[str, int | list[int]] = {}
        for i, choice in enumerate(self.choices):
            low = choice.lower()
            self._lowered.setdefault(low, choice)
            if len(low) > self.MAX_INDEXED:
                continue
            for key in {low, *[low[:j] + low[j + 1 :] for j in range(len(low))]}:
                hit = near.get(key)
                if hit is None:
                    near[key] = i
                elif isinstance(hit, list):
                    hit.append(i)
                else:
                    near[key] = [hit, i]
        self._near = near

    def _one_typo(self, low: str) -> list[int]:
        found: dict[int, None] = {}
        for key in _deletions(low):
            hit = self._near.get(key)
            if hit is not None:
                found.update(dict.fromkeys(hit) if isinstance(hit, list) else {hit: None})
        return list(found)

    def _sharing_pairs(self, low: str) -> list[int]:
        pairs = self._pairs
        if pairs is None:
            pairs = {}
            for i, choice in enumerate(self.choices):
                padded = f"\x02{choice.lower()}\x03"
                for gram in {padded[j : j + 2] for j in range(len(padded) - 1)}:
                    hit = pairs.get(gram)
                    if hit is None:
                        pairs[gram] = [i]
                    else:
                        hit.append(i)
            self._pairs = pairs
        # The word's pairs that some choice has (a typo's own pairs usually none), rarest first:
        # the choices holding several of them are the likely ones.
        grams = [g for g in _pairs(low) if g in pairs]
        rarest = sorted(grams, key=lambda g: (len(pairs[g]), g))[: self.PAIRS_PROBED]
        found: Counter[int] = Counter()
        for gram in rarest:
            found.update(pairs[gram])
        return [i for i, _ in found.most_common(self.MAX_EXAMINED)]

    def suggest(self, word: str) -> str:
        """` — did you mean `x`?` when a close match exists, else the empty string."""
        if len(word) > MAX_SUGGESTED:
            return ""
        low = word.lower()
        picked = self._one_typo(low)[: self.MAX_EXAMINED] if len(low) <= self.MAX_INDEXED + 1 else []
        candidates = [self.choices[i] for i in picked]
        same_letters = self._lowered.get(low)  # `ISIS` for `isis`: difflib may not see it
        if same_letters is not None and same_letters not in candidates:
            candidates.append(same_letters)
        self.examined += len(candidates)
        found = did_you_mean(word, candidates, self.labels)
        if found:
            return found
        candidates = [self.choices[i] for i in self._sharing_pairs(low)]
        self.examined += len(candidates)
        return did_you_mean(word, candidates, self.labels)


def _deletions(text: str) -> list[str]:
    """`text` and each form of it with one character left out."""
    return [text] + [text[:i] + text[i + 1 :] for i in range(len(text))]


def _pairs(text: str) -> frozenset[str]:
    padded = f"\x02{text}\x03"
    return frozenset(padded[i : i + 2] for i in range(len(padded) - 1))


def did_you_mean(word: str, choices: Iterable[str], labels: dict[str, str] | None = None) -> str:
    """` — did you mean `x`?` when a close match exists, else the empty string.

    `labels` maps a choice to what it suggests (an alias to the id it belongs to), so that a
    misspelt or aliased reference can point at the real id.
    """
    if len(word) > MAX_SUGGESTED:
        return ""
    choices = list(choices)
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.75)
    if not found:
        lowered = {c.lower(): c for c in choices}
        if word.lower() in lowered:
            found = [lowered[word.lower()]]
        else:
            found = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.75)
            found = [lowered[f] for f in found]
    if not found:
        return ""
    match = found[0]
    if labels and match in labels and labels[match] != match:
        return f" — did you mean `{labels[match]}` ({match!r} is one of its names)?"
    return f" — did you mean `{match}`?"
