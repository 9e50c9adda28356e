"""Problems are data: every stage reports what is wrong as a `Problem`, collected into a `Report`.

Nothing here prints or exits; the command line turns a report into text, GitHub annotations or
JSON. Every code is stable (editors search for it) and documented in `docs/errors.md`.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass, field
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Code:
    """A stable problem code, its severity and a one-line title for annotations and docs."""

    name: str
    severity: Severity
    title: str


def _codes(*rows: tuple[str, Severity, str]) -> dict[str, Code]:
    return {name: Code(name, severity, title) for name, severity, title in rows}


#: Every problem code the validator can report. `docs/errors.md` documents each one.
CODES: dict[str, Code] = _codes(
    # Files and YAML syntax
    ("file-unreadable", "error", "The file cannot be read"),
    ("file-symlink", "error", "A symbolic link in the data folder (or in content/), which is not followed"),
    ("file-not-regular", "error", "A FIFO, device or socket named like a data file"),
    ("file-too-large", "error", "The file is larger than the size limit"),
    ("file-encoding", "error", "The file is not UTF-8 text"),
    ("file-empty", "error", "The file holds no record"),
    ("file-outside-kinds", "error", "The file is not in a folder that names a record kind"),
    ("file-ignored", "warning", "A file in the data folder is not YAML and was ignored"),
    ("yaml-syntax", "error", "The YAML cannot be parsed"),
    ("yaml-tab-indent", "error", "A tab is used for indentation"),
    ("yaml-duplicate-key", "error", "A key appears twice in one mapping"),
    ("yaml-anchor", "error", "YAML anchors and aliases are not allowed"),
    ("yaml-tag", "error", "YAML tags are not allowed"),
    ("yaml-multiple-documents", "error", "A file holds more than one YAML document"),
    ("yaml-complex-key", "error", "A mapping key is not plain text"),
    ("not-a-record", "error", "A record is not a mapping of fields"),
    # Fields and values
    ("unknown-field", "error", "A field that this kind of record does not have"),
    ("missing-field", "error", "A required field is missing or empty"),
    ("wrong-type", "error", "A value is of the wrong type"),
    ("invalid-value", "error", "A value is not one of the allowed values"),
    ("empty-list", "error", "A list that needs at least one entry is empty"),
    ("empty-text", "error", "A text field holds only white space"),
    ("invalid-id", "error", "An id does not follow the id pattern"),
    ("duplicate-id", "error", "Two records of one kind share an id"),
    ("invalid-date", "error", "A date is not one of the five date forms, or is no real day"),
    ("date-span-reversed", "error", "A date span ends before it starts"),
    ("invalid-count", "error", "A casualty count is not a whole number of zero or more"),
    ("invalid-range", "error", "A casualty range breaks low <= best <= high"),
    ("casualty-subject", "error", "A casualty entry names both or neither of actor and group"),
    ("casualty-no-count", "error", "A casualty entry gives no count"),
    ("attributed-by-not-suspected", "error", "An actor entry names `attributed_by` with a role other than suspected"),
    ("statement-text", "error", "A statement has both or neither of quote and paraphrase"),
    ("invalid-url", "error", "A URL is not an http(s) address"),
    ("invalid-coordinates", "error", "Coordinates are not [latitude, longitude] within range"),
    ("invalid-tag", "error", "A tag is not a lowercase slug"),
    ("invalid-country", "error", "A country is not an ISO 3166-1 alpha-2 code"),
    ("invalid-language", "error", "A language is not a BCP 47 tag"),
    ("unknown-reference", "error", "A reference names no record of the expected kind"),
    ("parent-cycle", "error", "A chain of parents loops back on itself"),
    ("page-conflict", "error", "Two records, or a record and a page of the site, need the same page"),
    ("invalid-config", "error", "The site configuration is invalid"),
    # Legal but suspect
    ("person-without-affiliation", "warning", "A person speaks for no actor"),
    ("person-only-field", "warning", "A field meant for people is set on another kind of actor"),
    ("role-missing", "warning", "An actor in an incident has no role"),
    ("casualty-actor-not-involved", "warning", "Casualties are given for an actor not in the incident"),
    ("bidi-control", "warning", "A text holds an invisible character that reorders the text around it"),
    ("duplicate-alias", "warning", "Two records share one alias or name"),
    ("duplicate-entry", "warning", "The same entry appears twice in one list"),
)


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
        """`path:line:col: severity: message [code]`, the form compilers and editors understand."""
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message} [{self.code}]"


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
        files = f"{self.files} file" + ("" if self.files == 1 else "s")
        records = f"{self.records} record" + ("" if self.records == 1 else "s")
        head = f"{_plural(e, 'error')}, {_plural(w, 'warning')}"
        if e == 0:
            head = "valid: " + head
        return f"{head} in {files} ({records})"

    def to_json(self) -> str:
        """A machine-readable report (stable key order, one problem per object)."""
        problems = self.sorted()
        doc = {
            "version": 1,
            "valid": self.ok,
            "files": self.files,
            "records": self.records,
            "errors": sum(1 for p in problems if p.severity == "error"),
            "warnings": sum(1 for p in problems if p.severity == "warning"),
            "problems": [asdict(p) for p in problems],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2)

    def to_github(self) -> str:
        """GitHub workflow commands, so that problems show on the right line of a pull request."""
        lines = []
        for p in self.sorted():
            props = ",".join(
                f"{k}={_gh_escape(v, prop=True)}"
                for k, v in (("file", p.path), ("line", str(p.line)), ("col", str(p.col)), ("title", p.code))
            )
            lines.append(f"::{p.severity} {props}::{_gh_escape(p.message)}")
        return "\n".join(lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _gh_escape(value: str, prop: bool = False) -> str:
    # GitHub's workflow-command escaping (actions/toolkit `escapeData` / `escapeProperty`).
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def did_you_mean(word: str, choices: Iterable[str], labels: dict[str, str] | None = None) -> str:
    """` — did you mean `x`?` when a close match exists, else the empty string.

    `labels` maps a choice to what it suggests (an alias to the id it belongs to), so that a
    misspelt or aliased reference can point at the real id.
    """
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
