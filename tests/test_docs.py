"""`docs/errors.md` documents every problem code, and its examples are what the validator prints.

Each section of the guide is run: its example file is added to a copy of the base dataset (or,
for situations a text file cannot show, the situation is built here), the data is validated,
and the lines the guide shows must be exactly the lines the validator prints. So the guide
cannot drift from the program: change a message, and this test names the section to update.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from conftest import as_unprivileged
from generator.load import MAX_FILE_BYTES
from generator.problems import CODES, Problem
from generator.validate import validate

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "errors.md"
BRIEFING = Path(sys.executable).with_name("briefing")

_HEADING = re.compile(r"^## (.*)$", re.MULTILINE)
_CODE_HEADING = re.compile(r"`([a-z0-9-]+)`\Z")
_FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_TITLE = re.compile(r'\btitle="([^"]+)"')
_LINE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): "
                   r"(?P<severity>error|warning): .+ \[(?P<code>[a-z0-9-]+)\]$")

#: In example files `→` stands for a tab, which a reader (and a Markdown renderer) cannot see.
TAB_MARK = "→"
#: In printed output, a line of its own `...` stands for any number of printed lines (a section
#: whose example prints a hundred lines shows the first and the last).
ELISION = "..."
#: Examples that must be saved in another encoding than UTF-8 to show their problem.
ENCODINGS = {"file-encoding": "cp1252"}


@dataclass
class Section:
    """One code section of the guide: its text, example files and printed lines."""

    code: str
    body: str
    files: dict[str, str] = field(default_factory=dict)  # path as the title says -> content
    lines: list[str] = field(default_factory=list)  # the lines of the untitled `text` blocks


def parse_guide(text: str) -> list[Section]:
    """The code sections (headed ## `code`) in the order written; the introduction is skipped."""
    sections = []
    heads = list(_HEADING.finditer(text))
    for i, head in enumerate(heads):
        body = text[head.end() : heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        match = _CODE_HEADING.fullmatch(head.group(1).strip())
        if match is None:
            continue
        section = Section(match.group(1), body)
        for fence in _FENCE.finditer(body):
            info, content = fence.group(1).strip(), fence.group(2)
            title = _TITLE.search(info)
            if title:
                section.files[title.group(1)] = content
            elif info.split()[:1] == ["text"]:
                section.lines += [line for line in content.splitlines() if line.strip()]
        sections.append(section)
    return sections


def other_headings(text: str) -> list[str]:
    """`##` headings not of the exact form ## `code` (every `##` section documents a code)."""
    return [h.group(1) for h in _HEADING.finditer(text) if not _CODE_HEADING.fullmatch(h.group(1).strip())]


def code_of(line: str) -> str | None:
    """The code at the end of a printed problem line, or None when the line is not one."""
    match = _LINE.match(line)
    return match.group("code") if match else None


GUIDE_TEXT = GUIDE.read_text(encoding="utf-8") if GUIDE.is_file() else ""
SECTIONS = {s.code: s for s in parse_guide(GUIDE_TEXT)}


def section(code: str) -> Section:
    if code not in SECTIONS:
        pytest.fail(f"docs/errors.md has no section headed ## `{code}`")
    return SECTIONS[code]


# --- situations a text file in the guide cannot show -------------------------------------------
# Each builds, at the path of the guide's printed line, what the guide's prose describes.


def _unreadable(target: Path) -> None:
    # A file no one may read (checked by a command without root's override: see UNPRIVILEGED).
    target.write_text("id: example\n", encoding="utf-8")
    target.chmod(0)


def _symlink(target: Path) -> None:
    # A link to a valid record kept outside the data folder (the folder above `data/`).
    record = next(p for p in target.parents if p.name == "data").parent / "elsewhere.yml"
    record.write_text("id: smuggled\nname: Smuggled\nkind: militia\n", encoding="utf-8")
    target.symlink_to(record)


def _fifo(target: Path) -> None:
    os.mkfifo(target)


def _too_large(target: Path) -> None:
    line = b"# an exported table, far too long for one data file\n"
    target.write_bytes(line * (MAX_FILE_BYTES // len(line) + 1))


# `briefing import acled`'s problems: the example's `export.csv` (beside `data/`) is imported into the
# data folder; these build what an import meets.
ACLED_HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
                "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
                "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
                "tags,timestamp\n")


def _acled_row(event: str, day: str, location: str = "Rawson") -> str:
    return (f"{event},{day},2022,1,Demonstrations,Protests,Peaceful protest,Protesters (Argentina),,6,,,0,60,,32,"
            f"South America,Argentina,Chubut,Rawson,,{location},-43.2993,-65.0935,1,Diario El Chubut,National,"
            "Health workers protested.,0,,1657041387\n")


def _acled_import(data: Path, text: str) -> None:
    from generator import acled
    from generator.write import put_files

    (data.parent / "export.csv").write_text(text, "utf-8")
    plan = acled.import_acled(text.encode(), "export.csv", data)
    put_files(data, [(f.path, f.data, f.replaces) for f in plan.files])


def _data_of(target: Path) -> Path:
    return next(p for p in target.parents if p.name == "data")


def _latin1_export(target: Path) -> None:
    target.write_bytes((ACLED_HEADER + _acled_row("ARG1", "2022-06-30", "Neuquén")).encode("latin-1"))


def _edited(target: Path) -> None:
    _acled_import(_data_of(target), ACLED_HEADER + _acled_row("ARG1", "2022-06-30"))
    target.write_text(target.read_text("utf-8").replace("summary: ", "summary: Edited. "), "utf-8")


def _removed(target: Path) -> None:
    data = _data_of(target)
    _acled_import(data, ACLED_HEADER + "".join(_acled_row(f"ARG{n}", day) for n, day in
                                               ((1, "2022-06-01"), (2, "2022-06-15"), (3, "2022-06-30"))))
    (data.parent / "export.csv").write_text(ACLED_HEADER + _acled_row("ARG1", "2022-06-01")
                                            + _acled_row("ARG3", "2022-06-30"), "utf-8")


def _taken(target: Path) -> None:
    target.write_text("id: arg1\ntitle: Written by hand\n", "utf-8")
    (_data_of(target).parent / "export.csv").write_text(ACLED_HEADER + _acled_row("ARG1", "2022-06-30"), "utf-8")


BUILDERS: dict[str, Callable[[Path], None]] = {
    "file-unreadable": _unreadable,
    "file-symlink": _symlink,
    "file-not-regular": _fifo,
    "file-too-large": _too_large,
    "acled-file": _latin1_export,
    "acled-edited": _edited,
    "acled-removed": _removed,
    "acled-id-taken": _taken,
}


def imported(data: Path) -> list[Problem]:
    """What `briefing import acled export.csv` reports for the `export.csv` beside `data`."""
    from generator import acled

    export = data.parent / "export.csv"
    try:
        return acled.import_acled(export.read_bytes(), str(export), data).problems
    except acled.ImportProblems as exc:
        return exc.problems
#: Codes whose example is checked by `briefing validate` in a process where file permissions
#: apply (root reads any file: see conftest.as_unprivileged).
UNPRIVILEGED = {"file-unreadable"}


def run(data: Path, sec: Section) -> list[str]:
    """Add the section's example to `data` (a copy of the base dataset, `<tmp>/data`); the lines
    the validator prints, with the temporary folder taken off the paths (so they read `data/...`)."""
    tmp_path = data.parent
    if sec.files:
        for name, content in sec.files.items():
            assert name.startswith("data/") or name == "briefing.yml" or (
                sec.code.startswith("acled-") and name == "export.csv"), (
                f"{sec.code}: the example's title must be a path under data/, or briefing.yml: {name!r}")
            target = tmp_path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.replace(TAB_MARK, "\t").encode(ENCODINGS.get(sec.code, "utf-8")))
    else:
        assert sec.code in BUILDERS, f"{sec.code}: the section has no example file to run"
        for line in sec.lines:
            match = _LINE.match(line)
            assert match, f"{sec.code}: {line!r} is not a printed problem line"
            target = tmp_path / match.group("path")
            target.parent.mkdir(parents=True, exist_ok=True)
            BUILDERS[sec.code](target)
    if sec.code.startswith("acled-"):
        problems = imported(data)
    elif sec.code in UNPRIVILEGED:
        proc = subprocess.run(as_unprivileged([str(BRIEFING), "validate", "--format", "json", str(data)]),
                              capture_output=True, text=True, timeout=60)
        problems = [Problem(**p) for p in json.loads(proc.stdout)["problems"]]
    else:
        problems = validate(data).report.shown()
    # What the validator prints: at most 100 problems of a file, then a `too-many-problems` line.
    # Paths appear at the start of a line and inside some messages ("also at data/...").
    prefixes = sorted({tmp_path.as_posix() + "/", tmp_path.resolve().as_posix() + "/"}, key=len, reverse=True)
    lines = []
    for problem in problems:
        text = problem.format_text()
        for prefix in prefixes:
            text = text.replace(prefix, "")
        lines.append(text)
    return lines


# --- the tests ----------------------------------------------------------------------------------


def test_guide_documents_every_code_in_order() -> None:
    assert GUIDE.is_file(), "docs/errors.md is missing"
    written = [s.code for s in parse_guide(GUIDE_TEXT)]
    unknown = [c for c in written if c not in CODES]
    assert not unknown, f"docs/errors.md has sections for codes the validator does not have: {unknown}"
    missing = [c for c in CODES if c not in written]
    assert not missing, f"docs/errors.md has no section for: {missing}"
    assert len(written) == len(set(written)), "a code has more than one section"
    assert written == list(CODES), "the sections are not in the order of CODES"
    assert not other_headings(GUIDE_TEXT), f"headings not of the form ## `code`: {other_headings(GUIDE_TEXT)}"


@pytest.mark.parametrize("code", list(CODES))
def test_section_gives_severity_and_printed_line(code: str) -> None:
    sec = section(code)
    first = next(line for line in sec.body.splitlines() if line.strip())
    severity = CODES[code].severity
    assert first.strip().startswith(f"**{severity}**"), f"{code}: the section must open with **{severity}**"
    assert sec.lines, f"{code}: the section shows no printed line in a ```text block"
    for line in sec.lines:
        assert line == ELISION or code_of(line), (
            f"{code}: {line!r} is not of the form path:line:col: severity: message [code]")
    own = [line for line in sec.lines if code_of(line) == code]
    assert own, f"{code}: no printed line ends in [{code}]"
    assert all(f": {severity}: " in line for line in own), f"{code}: the printed line has the wrong severity"


@pytest.mark.parametrize("code", list(CODES))
def test_example_prints_what_the_guide_shows(code: str, base_data: Path) -> None:
    sec = section(code)
    printed = run(base_data, sec)
    assert code in {code_of(line) for line in printed}, (
        f"{code}: the example does not make the validator report {code}; it printed:\n" + "\n".join(printed))
    shown = sec.lines
    if ELISION in shown:  # the lines before and after `...` must be the first and last printed
        cut = shown.index(ELISION)
        head, tail = shown[:cut], shown[cut + 1 :]
        if len(printed) > len(head) + len(tail):
            printed = printed[: len(head)] + [ELISION] + printed[len(printed) - len(tail) :]
    assert printed == shown, (
        f"{code}: the guide shows\n  " + "\n  ".join(sec.lines)
        + "\nbut the validator prints\n  " + "\n  ".join(printed))


def test_lines_outside_the_sections_are_printed_lines_of_a_section() -> None:
    # The introduction shows a sample line: it must be one that a section's example prints.
    first = _HEADING.search(GUIDE_TEXT)
    intro = GUIDE_TEXT[: first.start()] if first else GUIDE_TEXT
    shown = {line for sec in SECTIONS.values() for line in sec.lines}
    for fence in _FENCE.finditer(intro):
        for line in fence.group(2).splitlines():
            if code_of(line):
                assert line in shown, f"the introduction shows a line no section's example prints: {line!r}"


def test_base_dataset_is_valid(base_data: Path) -> None:
    # Every example is "the base dataset plus one file": the base itself must print nothing.
    assert run(base_data, Section("none", "", files={"data/README.md": "The base dataset."})) == []
