"""Every problem code in one table: its severity, title, message templates and guide text.

Each code owns the words it prints (its `messages`, templates with named fields) and its section
of `docs/errors.md` (an explanation and an example: the input and exactly what the validator
prints). Call sites build problems through this table (`problems.problem`, `problems.custom_error`)
and never compose a message themselves, so the wording cannot drift from the guide, which
`guide()` writes from the same table (`tools/errors_guide.py`; tests/test_docs.py checks both).

Standard library only, below every other module: anything may import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, Mapping

Severity = Literal["error", "warning"]

#: A field of a template: `{name}`. Filled the way pydantic fills a `PydanticCustomError`'s
#: template (each `{name}` replaced by `str(value)`), so one template serves both; any other
#: brace is literal text (`{from, to}` in a message is not a field).
FIELD = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


@dataclass(frozen=True, slots=True)
class Code:
    """A stable problem code and everything it says.

    `messages` maps a form's name to its template (the form `""` is the code's usual message;
    a code with several situations has one named form each). `explanation` is the guide's
    paragraph after the severity; `example` is the rest of its section in Markdown: the example
    files and, in ```text blocks, exactly the lines the validator prints for them."""

    name: str
    severity: Severity
    title: str
    messages: Mapping[str, str] = field(default_factory=dict)
    explanation: str = ""
    example: str = ""

    def format(self, form: str = "", /, **fields: object) -> str:
        """The message of `form` with its named fields filled in; every field must be given."""
        template = self.messages[form]
        missing = set(FIELD.findall(template)) - set(fields)
        if missing:
            raise KeyError(f"{self.name}: the message {form!r} needs {sorted(missing)}")
        return fill(template, fields)

    def section(self) -> str:
        """This code's section of `docs/errors.md`."""
        return f"## `{self.name}`\n\n**{self.severity}** — {self.explanation}\n\n{self.example}\n"


def fill(template: str, fields: Mapping[str, object]) -> str:
    """`template` with each `{name}` of `fields` replaced by `str(value)`, as pydantic does."""
    return FIELD.sub(lambda m: str(fields[m.group(1)]) if m.group(1) in fields else m.group(), template)


GUIDE_INTRO = """# Problems the validator reports: a guide for editors

`briefing validate` reads every file in the data folder and prints one line for each problem it
finds, in all files at once, so that you can fix everything in one pass. This page explains every
problem, with a small example of the mistake and the line the validator prints for it.

A problem line looks like this:

```text
data/incidents/example.yml:7:25: error: actors[0].role: `attacker` is not allowed here; use one of perpetrator, target, claimant, responder, associated, mediator, suspected [invalid-value]
```

The line says, from left to right:

- **where**: the file (`data/incidents/example.yml`), the line (`7`) and the column
  (`25`, counting characters from the left, starting at 1). In VS Code, Ctrl-click (Cmd-click
  on a Mac) the path in the terminal to jump to that place.
- **how bad**: `error` means something is wrong and must be fixed: the check fails until it is.
  `warning` means the data is accepted, but something looks wrong and is worth a second look.
- **what**: the message. It usually starts with the field it is about, written the way you would
  find it in the file: `actors[0].role` is the `role` of the first entry (entries count from 0)
  of the `actors` list.
- **which problem**: the code in square brackets, here `invalid-value`. Codes never change, so you
  can search this page (or ask a colleague) for the code. Each code has a section below.

After the problems comes a summary line such as `2 errors, 1 warning in 14 files (20 records); 0.4 s`,
or `valid: 0 errors, 1 warning in 14 files (20 records); 0.4 s` when there is nothing to fix (the
last figure is how long the command took).

The command ends with an exit code, which scripts and the pull-request checks look at:

| exit code | meaning |
|---|---|
| 0 | the data is valid (there may be warnings) |
| 1 | the data has at least one error |
| 2 | the command was used wrongly, or the data folder does not exist or cannot be read |
| 3 | the validator itself failed: this is a bug, please report it with the line it printed |
| 4 | `build`, `pdf`, `fmt`, `new`, `import`: the operating system refused a write (a full disk, a read-only folder); the line names the path |

Two other output forms exist for tools rather than people:

- `briefing validate --format github` prints each problem as a GitHub annotation, so that it
  shows on the right line of a pull request;
- `briefing validate --format json` prints a report that programs can read: one object per
  problem with `path`, `line`, `col`, `code`, `message` and `severity`.

The codes, messages and positions are the same in all three forms.

**About the examples.** Each example below is one file added to a small valid data folder that
already holds the actors `isis` (also known as ISIS, Daesh and داعش), `peshmerga` and `spokesman`
(a person who speaks for the Peshmerga), the regions `iraq`, `kirkuk` (inside Iraq) and `hawija`
(inside Kirkuk), the source `rudaw`, one incident and one statement. The title above each example says where the file
goes; the block after it shows exactly what the validator prints for it.

In the examples the paths start with `data/`; the validator prints the folder as you named it on
the command line (`briefing validate data` prints `data/...`)."""

#: Every problem code the validator can report, in the order of `docs/errors.md`.
CODES_TABLE: tuple[Code, ...] = (
    # Files and YAML syntax
    Code(
        "file-unreadable", "error", "The file cannot be read",
        messages={
            "": "cannot read the file: {reason}",
            "folder": "cannot read the folder: {reason}",
        },
        explanation="""the file (or folder) is there, but the validator could not open it, most often
because you do not have permission to read it. Check the permissions of the file and of the
folders above it; the message ends with the reason the system gave.""",
        example="""A file `data/incidents/2020/04/example.yml` that you may not read:

```text
data/incidents/2020/04/example.yml:1:1: error: cannot read the file: Permission denied [file-unreadable]
```""",
    ),
    Code(
        "file-symlink", "error", "A symbolic link in the data folder (or in content/), which is not followed",
        messages={
            "": "a symbolic link, which briefing does not follow: put the file or folder itself here, not a link to it",
        },
        explanation="""a symbolic link (a shortcut) in the data folder. Links are never followed, whatever
they point to, even a good record: a link could bring a file from anywhere on the machine that
builds the site into the published site. Put the file (or folder) itself in the data folder.
The message never says where the link points. The same goes for `briefing.yml`, and, when you
build the site, for the hand-written pages of `content/` and the theme's files (`site_overrides/`),
which MkDocs would otherwise copy into the site.""",
        example="""A link `data/actors/example.yml` to a record kept in another folder:

```text
data/actors/example.yml:1:1: error: a symbolic link, which briefing does not follow: put the file or folder itself here, not a link to it [file-symlink]
```""",
    ),
    Code(
        "file-not-regular", "error", "A FIFO, device or socket named like a data file",
        messages={
            "": "the file is {what}, not a regular file; briefing reads only regular files: remove it, or put a real "
                "file here",
        },
        explanation="""something named like a data file (`*.yml` or `*.yaml`) that is not a file at all: a
named pipe (FIFO), a device or a socket. Reading it could wait forever or never end, so it is not
opened. Remove it, or put a real file in its place.""",
        example="""A named pipe made with `mkfifo data/incidents/example.yml`:

```text
data/incidents/example.yml:1:1: error: the file is a named pipe (FIFO), not a regular file; briefing reads only regular files: remove it, or put a real file here [file-not-regular]
```""",
    ),
    Code(
        "file-too-large", "error", "The file is larger than the size limit",
        messages={
            "": "the file is larger than {mb} MB; split it into smaller files",
        },
        explanation="""the file is larger than 5 MB, so it is not read at all. No record needs that much
text: a file this large is usually a whole export or table dropped into the data folder by
mistake. Split the records into several smaller files, or move the file out of the data folder.""",
        example="""A 5 MB export saved as `data/incidents/export.yml`:

```text
data/incidents/export.yml:1:1: error: the file is larger than 5 MB; split it into smaller files [file-too-large]
```""",
    ),
    Code(
        "file-encoding", "error", "The file is not UTF-8 text",
        messages={
            "": "the file is not UTF-8: byte 0x{byte} cannot be read{hint}; save the file as UTF-8",
            "utf-16": " (it looks like UTF-16: save it as UTF-8)",
            "judgements": "the file is not UTF-8; save it as UTF-8",
        },
        explanation="""the file is not saved as UTF-8, the only text encoding the data format accepts, so
some letters cannot be read. This happens when a file is written with an old Windows or Mac
editor, or exported from a spreadsheet. Open the file in your editor and save it again with the
encoding "UTF-8" (in many editors: "Save with encoding" or "Reopen with encoding"). The message
names the position of the first letter that could not be read.""",
        example="""The file below is fine as shown, but was saved in the Western European (Windows-1252) encoding,
in which `é` is not written the UTF-8 way:

```yaml title="data/sources/example.yml"
id: msf
name: Médecins Sans Frontières
kind: ngo
```

```text
data/sources/example.yml:2:8: error: the file is not UTF-8: byte 0xe9 cannot be read; save the file as UTF-8 [file-encoding]
```""",
    ),
    Code(
        "file-empty", "error", "The file holds no record",
        messages={
            "": "the file is empty: it should hold a record (or a list of records)",
            "list": "the file holds an empty list: it should hold records",
        },
        explanation="""the file holds no record: it is empty, holds only comments, or holds an empty list
`[]`. Write the record into the file, or delete the file.""",
        example="""```yaml title="data/actors/example.yml"
# to do: the Hashd al-Shaabi
```

```text
data/actors/example.yml:1:1: error: the file is empty: it should hold a record (or a list of records) [file-empty]
```""",
    ),
    Code(
        "file-outside-kinds", "error", "The file is not in a folder that names a record kind",
        messages={
            "": "the folder does not say what kind of record this is: put the file under {folders}",
        },
        explanation="""the validator tells the kind of a record (incident, actor, ...) from the first folder
inside the data folder, and this file is not inside one of `actors/`, `regions/`, `sources/`,
`incidents/` or `statements/`. This is usually a misspelt folder name or a file saved one folder
too high. Move the file into the right folder.""",
        example="""Here the folder is `incident/` instead of `incidents/`:

```yaml title="data/incident/example.yml"
id: example
title: A roadside bomb on the Hawija road
date: 2020-04-14
type: remote-explosive-landmine-ied
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sources:
  - source: rudaw
```

```text
data/incident/example.yml:1:1: error: the folder does not say what kind of record this is: put the file under actors/, regions/, sources/, incidents/, statements/ [file-outside-kinds]
```""",
    ),
    Code(
        "file-ignored", "warning", "A file in the data folder is not YAML and was ignored",
        messages={
            "": "not a .yml or .yaml file, so it was ignored",
            "rename": "not a .yml or .yaml file, so it was ignored (rename it to end in .yml)",
        },
        explanation="""a file in the data folder does not end in `.yml` or `.yaml`, so the validator skipped
it: whatever it holds is not published. If it is a data file, rename it to end in `.yml` (lower
case); if it is a note or a draft, move it out of the data folder. (Files named `README`,
`LICENSE`, `CHANGELOG` and files ending in `.md` may sit in the data folder without a warning.)""",
        example="""Here the file name ends in `.YML`, in capitals:

```yaml title="data/actors/example.YML"
id: hashd
name: Popular Mobilization Forces
kind: militia
```

```text
data/actors/example.YML:1:1: warning: not a .yml or .yaml file, so it was ignored (rename it to end in .yml) [file-ignored]
```""",
    ),
    Code(
        "yaml-syntax", "error", "The YAML cannot be parsed",
        messages={
            "": "YAML syntax error: {problem}{context}{hint}",
            "context": " ({context})",
            "quote": "; a value that contains ': ' must be quoted",
            "character": "the character U+{codepoint} is not allowed in a YAML file; delete it",
            "parser": "YAML syntax error: {error}",
            "depth": "values are nested more than {depth} levels deep",
            "fmt-read": "cannot be read for formatting: {error}",
            "fmt-reads": "cannot be formatted without changing how it reads; it was left as it is (this is a bug in "
                         "`briefing fmt`: please report it with the file)",
            "fmt-changed": "cannot be formatted without changing {what}; it was left as it is (this is a bug in "
                           "`briefing fmt`: please report it with the file)",
        },
        explanation="""the file is not valid YAML, so none of its records can be read. The message says
what the reader stumbled over; the position is where it noticed, which is sometimes just after
the real mistake. The most common causes are a value that contains `: ` (put the whole value in
quotes), a quote that is opened but never closed, and lines that are not indented alike.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: Hawija: a checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:2:14: error: YAML syntax error: mapping values are not allowed in this context; a value that contains ': ' must be quoted [yaml-syntax]
```

Writing `title: "Hawija: a checkpoint is attacked"` fixes it.""",
    ),
    Code(
        "yaml-tab-indent", "error", "A tab is used for indentation",
        messages={
            "": "a tab is used for indentation; YAML indents with spaces only (replace the tab with spaces)",
        },
        explanation="""a line is indented with a tab. YAML only allows spaces for indentation. Replace the tab
with spaces (most editors can be set to insert spaces when you press the Tab key).""",
        example="""In the example, `→` marks the tab:

```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
→- {actor: isis, role: perpetrator}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:7:1: error: a tab is used for indentation; YAML indents with spaces only (replace the tab with spaces) [yaml-tab-indent]
```""",
    ),
    Code(
        "yaml-duplicate-key", "error", "A key appears twice in one mapping",
        messages={
            "": "duplicate key `{key}`: it is already given on line {line}; YAML would silently keep only one of them",
        },
        explanation="""the same field is written twice in one record (or in one entry of a list). YAML
would quietly keep only one of the two values, so the validator refuses the file instead. Keep
the field once, with the right value.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sources:
  - source: rudaw
date: 2020-04-15
```

```text
data/incidents/example.yml:10:1: error: duplicate key `date`: it is already given on line 3; YAML would silently keep only one of them [yaml-duplicate-key]
```""",
    ),
    Code(
        "yaml-anchor", "error", "YAML anchors and aliases are not allowed",
        messages={
            "alias": "YAML alias `*{anchor}` is not allowed; write the value out in full",
            "anchor": "YAML anchor `&{anchor}` is not allowed; write values out in full",
        },
        explanation="""the file uses a YAML anchor (`&name`) or alias (`*name`), a shorthand that repeats a
value written elsewhere in the file. The data format forbids them, because a reader of the file
(or of a change to it) cannot see the repeated value where it is used. Write the value out in full
everywhere it is needed.""",
        example="""```yaml title="data/incidents/example.yml"
- id: example-one
  title: A checkpoint is attacked
  date: 2020-04-14
  type: attack
  region: hawija
  actors:
    - {actor: isis, role: perpetrator}
  sources:
    - source: rudaw
      url: &article https://www.rudaw.net/english/middleeast/iraq/14042020
- id: example-two
  title: A second checkpoint is attacked
  date: 2020-04-14
  type: attack
  region: hawija
  actors:
    - {actor: isis, role: perpetrator}
  sources:
    - source: rudaw
      url: *article
```

```text
data/incidents/example.yml:10:12: error: YAML anchor `&article` is not allowed; write values out in full [yaml-anchor]
data/incidents/example.yml:20:12: error: YAML alias `*article` is not allowed; write the value out in full [yaml-anchor]
```""",
    ),
    Code(
        "yaml-tag", "error", "YAML tags are not allowed",
        messages={
            "": "YAML tag `{tag}` is not allowed; data files hold plain values only",
            "unreadable": "`{value}` cannot be read as `!!{kind}`; remove the tag",
        },
        explanation="""a value carries a YAML tag (a word starting with `!`, such as `!!python/tuple` or
`!ref`). Data files hold plain values only, so tags are refused; the value is still read as the
plain text or list it is (never turned into an object), so the rest of the record is checked.
Remove the tag. (The plain tags `!!str`, `!!int`, `!!float`, `!!bool` and `!!null` are accepted
when the value fits them.)""",
        example="""```yaml title="data/regions/example.yml"
id: makhmur
name: Makhmur
level: district
coordinates: !!python/tuple [35.78, 43.58]
```

```text
data/regions/example.yml:4:14: error: YAML tag `!!python/tuple` is not allowed; data files hold plain values only [yaml-tag]
```""",
    ),
    Code(
        "yaml-multiple-documents", "error", "A file holds more than one YAML document",
        messages={
            "": "a second YAML document starts here (`---`); put each record in its own file, or several records in "
                "one list",
        },
        explanation="""the file holds a line `---` after its first record. In YAML, `---` starts a new
"document", and the validator reads only one document per file (a single `---` on the very first
line is fine). Put each record in its own file, or put several records in one file as a list
(each record starting with `- `).""",
        example="""```yaml title="data/sources/example.yml"
id: kurdistan24
name: Kurdistan 24
kind: media
---
id: shafaq
name: Shafaq News
kind: media
```

```text
data/sources/example.yml:4:1: error: a second YAML document starts here (`---`); put each record in its own file, or several records in one list [yaml-multiple-documents]
```""",
    ),
    Code(
        "yaml-complex-key", "error", "A mapping key is not plain text",
        messages={
            "": "a field name must be plain text, not a list or a mapping",
        },
        explanation="""a field name is not plain text: it is a list, a mapping or a tagged value, as in
`[latitude, longitude]: ...`. Field names are single words such as `coordinates`. Write the field
by its name; the rest of the record is checked without the refused line.""",
        example="""```yaml title="data/regions/example.yml"
id: makhmur
name: Makhmur
level: district
[latitude, longitude]: [35.78, 43.58]
```

```text
data/regions/example.yml:4:1: error: a field name must be plain text, not a list or a mapping [yaml-complex-key]
```

Write `coordinates: [35.78, 43.58]` instead.""",
    ),
    Code(
        "number-too-large", "error", "An unquoted number has too many digits to be read",
        messages={
            "": "a number of {digits} digits is too long to be read (at most {limit}); a casualty count is at most "
                "10,000,000; put quotes around it if it is text",
        },
        explanation="""a number written without quotes has more than 100 digits. No field needs such a number (the
largest casualty count is 10,000,000), so it is a paste or a typo; the validator reads it as text and
checks the rest of the record. If the value is meant as text, put quotes around it. `briefing fmt`
leaves such a file as it is and reports the same line.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
casualties:
  - {group: civilians, killed: 100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:9:32: error: a number of 105 digits is too long to be read (at most 100); a casualty count is at most 10,000,000; put quotes around it if it is text [number-too-large]
```""",
    ),
    Code(
        "not-a-record", "error", "A record is not a mapping of fields",
        messages={
            "": "{where} holds {what}, not a record: a record is a mapping of `field: value` lines",
        },
        explanation="""where the validator expects a record, it found a single value or a list. A record is
a group of `field: value` lines. This usually happens in a file that lists several records, when
one entry is just an id or a name.""",
        example="""```yaml title="data/regions/example.yml"
- id: makhmur
  name: Makhmur
  level: district
  parent: iraq
- Sinjar
```

```text
data/regions/example.yml:5:3: error: a list item holds a single value ('Sinjar'), not a record: a record is a mapping of `field: value` lines [not-a-record]
```""",
    ),
    # Fields and values
    Code(
        "unknown-field", "error", "A field that this kind of record does not have",
        messages={
            "": "unknown field `{name}`{hint}",
            "extra": "; put fields of your own under `extra:`",
        },
        explanation="""the record has a field that this kind of record does not have. Most often the field
name is misspelt; the message suggests the name it probably should be. If you want to keep a note
of your own, put it under `extra:`, which may hold any fields.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sumary: Gunmen fired on a checkpoint near Hawija.
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:8:1: error: unknown field `sumary` — did you mean `summary`? [unknown-field]
```""",
    ),
    Code(
        "missing-field", "error", "A required field is missing or empty",
        messages={
            "": "missing required field `{name}`",
            "no-value": "has no value",
            "no-value-choices": "has no value; use one of {choices}",
        },
        explanation="""a field that this kind of record must have is missing, or is there with no value.
The required fields are: for an incident `id`, `title`, `date`, `type`, `region`, `actors`,
`sources`; for a statement `id`, `date`, `speaker`, `sources`; for an actor or a source `id`,
`name`, `kind`; for a region `id`, `name`, `level`; for each entry of `sources`, `source`; for
each correction, `date` and `note`. Add the field. When it is missing altogether, the position is
the start of the record (or of the entry) it belongs to. (A statement without `quote` or
`paraphrase` is reported as `statement-text`.)""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
actors:
  - {actor: isis, role: perpetrator}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:1:1: error: missing required field `region` [missing-field]
```""",
    ),
    Code(
        "wrong-type", "error", "A value is of the wrong type",
        messages={
            "": "expected {expected}, found {found}{hint}",
            "list": "; write a list such as [{value}]",
            "list-of-words": "; write a list, one entry per item: [first, second]",
            "quote": "; put quotes around it to write it as text",
            "other": "{message}",
        },
        explanation="""a value is of the wrong sort: for example text where a list is expected, a list
where a single value is expected, or a word where a number or `true`/`false` is expected. The
message says what was expected and what was found. A list is written `[a, b]`, or as lines
starting with `- `.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sources:
  - source: rudaw
tags: counter-isis
```

```text
data/incidents/example.yml:10:7: error: tags: expected a list, found `counter-isis`; write a list such as [counter-isis] [wrong-type]
```""",
    ),
    Code(
        "invalid-value", "error", "A value is not one of the allowed values",
        messages={
            "": "`{value}` is not allowed here; use one of {choices}{hint}",
            "range": "{value} is out of range ({limit})",
            "event-type": "unknown event type `{value}`",
            "event-type-list": "; see the list of event types in the data format",
        },
        explanation="""the field only accepts certain values (such as the roles of an actor, the kinds of
actor, the event types, or a `credibility` from 1 to 6), and this is not one of them. The message
lists the values allowed, or suggests the nearest one. Use one of them exactly as written there.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: attacker}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:7:25: error: actors[0].role: `attacker` is not allowed here; use one of perpetrator, target, claimant, responder, associated, mediator, suspected [invalid-value]
```""",
    ),
    Code(
        "empty-list", "error", "A list that needs at least one entry is empty",
        messages={
            "": "needs at least one entry",
        },
        explanation="""a list that needs at least one entry is empty. An incident needs at least one actor
and at least one source; a statement at least one source. Add the entries, or, if you do not know
them yet, keep the record out of the data folder until you do.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sources: []
```

```text
data/incidents/example.yml:8:10: error: sources: needs at least one entry [empty-list]
```""",
    ),
    Code(
        "empty-text", "error", "A text field holds only white space",
        messages={
            "": "the text is empty",
        },
        explanation="""a text field holds nothing but spaces or empty lines. Write the text, or leave the
field out if it is optional.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
summary: " "
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:8:10: error: summary: the text is empty [empty-text]
```""",
    ),
    Code(
        "invalid-id", "error", "An id does not follow the id pattern",
        messages={
            "": "`{value}` is not an id: use lowercase a-z, 0-9 and -, up to 80 characters",
        },
        explanation="""the id does not follow the rule for ids: lowercase letters `a`–`z`, digits and `-`
only (no capitals, spaces, underscores or accents), starting with a letter or a digit, at most 80
characters. Ids become web addresses that other people cite, so choose one you will not need to
change.""",
        example="""```yaml title="data/incidents/example.yml"
id: Hawija_Checkpoint
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:1:5: error: id: `Hawija_Checkpoint` is not an id: use lowercase a-z, 0-9 and -, up to 80 characters [invalid-id]
```""",
    ),
    Code(
        "duplicate-id", "error", "Two records of one kind share an id",
        messages={
            "": "{kind} id `{id}` is used more than once (also at {others}); ids must be unique",
        },
        explanation="""two records of the same kind have the same id. Ids must be unique within a kind (an
actor and a region may share one). The problem is reported at both records, each naming the
other. If they are the same thing, keep one record; if not, give one of them another id.""",
        example="""The base data already has an actor with the id `isis`:

```yaml title="data/actors/example.yml"
id: isis
name: Islamic State in Iraq
kind: armed-group
```

```text
data/actors/example.yml:1:5: error: actor id `isis` is used more than once (also at data/actors/isis.yml:1); ids must be unique [duplicate-id]
data/actors/isis.yml:1:5: error: actor id `isis` is used more than once (also at data/actors/example.yml:1); ids must be unique [duplicate-id]
```""",
    ),
    Code(
        "invalid-date", "error", "A date is not one of the five date forms, or is no real day",
        messages={
            "": "`{value}` is not a date; write YYYY-MM-DD, YYYY-MM or YYYY{hint}",
            "day-first": " (day-first dates are ambiguous: write YYYY-MM-DD)",
            "not-text": "{value} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY",
            "year": "`{value}`: the year must be between {first} and {last}",
            "month": "`{value}` is not a date: there is no month {month}",
            "day": "`{value}` is not a date: {month} {year} has {days} days",
            "span-key": "a date span has only `from` and `to`, not `{key}`",
            "span-part": "a date span needs both `from` and `to`; `{part}` is missing",
        },
        explanation="""a date is not written in one of the five forms of the data format, or names a day that
does not exist. Write a day as `2020-04-13` (year, month, day), a month as `2020-04`, a year as
`2020`, a span as `{from: 2020-04-01, to: 2020-04-10}`, or "on or before a day" as
`{to: 2020-04-17}`. A date like `04/05/2020` is refused
because it is ambiguous: it means 4 May in some countries and 5 April in others.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 14/04/2020
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:3:7: error: date: `14/04/2020` is not a date; write YYYY-MM-DD, YYYY-MM or YYYY (day-first dates are ambiguous: write YYYY-MM-DD) [invalid-date]
```""",
    ),
    Code(
        "date-span-reversed", "error", "A date span ends before it starts",
        messages={
            "": "the span ends ({end}) before it starts ({start}); swap `from` and `to`",
        },
        explanation="""a date span ends before it starts: `to` is earlier than `from`. The two are usually
swapped; swap them back.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: {from: 2020-04-10, to: 2020-04-01}
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:3:30: error: date: the span ends (2020-04-01) before it starts (2020-04-10); swap `from` and `to` [date-span-reversed]
```""",
    ),
    Code(
        "invalid-count", "error", "A casualty count is not a whole number of zero or more",
        messages={
            "": "`{value}` is not a count: write a whole number (0 means none reported), or a range with low, best and "
                "high; leave the field out when unknown",
        },
        explanation="""a casualty count is not a whole number of zero or more. Write a number such as `3`;
write `0` only when the source says there were none. When the source gives a vague figure, write
a range such as `{low: 2, high: 5}`; when it gives no figure at all, leave the count out.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
casualties:
  - {group: civilians, wounded: several}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:9:33: error: casualties[0].wounded: `several` is not a count: write a whole number (0 means none reported), or a range with low, best and high; leave the field out when unknown [invalid-count]
```""",
    ),
    Code(
        "count-too-large", "error", "A casualty count is more than 10,000,000",
        messages={
            "": "{value} is more than {limit}, the largest count the data format allows; check the figure",
        },
        explanation="""a casualty count, or one end of a range, is more than 10,000,000, the largest count the data
format allows. A figure that large is almost always a typo or a pasted number; check it against the
source.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
casualties:
  - {group: civilians, killed: {low: 2, best: 25000000}}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:9:47: error: casualties[0].killed: 25,000,000 is more than 10,000,000, the largest count the data format allows; check the figure [count-too-large]
```""",
    ),
    Code(
        "text-too-long", "error", "A text is longer than its field's limit",
        messages={
            "": "the text is {length} characters long; this field holds at most {limit}",
        },
        explanation="""a text is longer than its field allows. The limits, in characters: `title`, `name`,
each alias and a person's `title`: 300; `place`, `date_note`, `medium` and a citation's `title`: 500;
`quote`, `paraphrase` and a correction's `note`: 5,000; `summary` and `description`: 20,000; a web
address (`url`, `archive_url`): 2,000. In `briefing.yml`, `title` holds 300 and `distribution` 500.
The field reference lists the limit of every field. A headline that is too long usually holds the
first paragraph of the article: keep the headline, and move the rest to `summary`.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: Coalition airstrike supports an anti-ISIS ground operation in Wadi Ashai, southern Kirkuk, where Iraqi forces and the Peshmerga had reported a rise in attacks on villages and checkpoints over the previous weeks; the coalition said the strike killed militants hiding in caves, and local officials said that no civilians were hurt
date: 2020-04-13
type: air-drone-strike
region: hawija
actors:
  - {actor: isis, role: target}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:2:8: error: title: the text is 328 characters long; this field holds at most 300 [text-too-long]
```""",
    ),
    Code(
        "year-out-of-range", "error", "A date's year is outside the years the site covers",
        messages={
            "": "the year {year} is outside the years this site covers, {first} to {last}; fix the date, or set "
                "`years: [FROM, TO]` in briefing.yml",
        },
        explanation="""a date's year lies outside the years the site covers: 1900 to 2100, unless `briefing.yml`
sets `years: [FROM, TO]` (for example `years: [1980, 2030]`). A date such as 2202 for 2020 would
otherwise become the latest record and lead every figure of the site. This applies to every date:
a record's `date`, a citation's `published` and a correction's `date`. `briefing pdf` likewise
refuses a period outside these years.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2202-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:3:7: error: date: the year 2202 is outside the years this site covers, 1900 to 2100; fix the date, or set `years: [FROM, TO]` in briefing.yml [year-out-of-range]
```""",
    ),
    Code(
        "invalid-range", "error", "A casualty range breaks low <= best <= high",
        messages={
            "key": "a range has only `low`, `best` and `high`, not `{key}`",
            "empty": "a range needs at least one of low, best, high",
            "order": "{n1} ({v1}) is greater than {n2} ({v2}); a range needs low <= best <= high",
        },
        explanation="""a casualty range is not in order: `low` must not be more than `best`, and `best`
must not be more than `high`. A range has only these three fields, and needs at least one of
them. Check the figures against the source.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
casualties:
  - {group: civilians, killed: {low: 5, best: 3}}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:9:32: error: casualties[0].killed: low (5) is greater than best (3); a range needs low <= best <= high [invalid-range]
```""",
    ),
    Code(
        "casualty-subject", "error", "A casualty entry names both or neither of actor and group",
        messages={
            "both": "a casualty entry names both `actor` and `group`; give exactly one of them",
            "neither": "a casualty entry names neither `actor` nor `group`; give exactly one of them",
        },
        explanation="""each casualty entry is about either one actor (`actor:`, an actor id) or one group of
people (`group:`, one of `civilians`, `security-forces`, `militants`, `unknown`), never both and
never neither. Keep exactly one of the two; to give figures for both, write two entries.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
casualties:
  - {actor: isis, group: militants, killed: 2}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:9:5: error: casualties[0]: a casualty entry names both `actor` and `group`; give exactly one of them [casualty-subject]
```""",
    ),
    Code(
        "casualty-no-count", "error", "A casualty entry gives no count",
        messages={
            "": "a casualty entry needs at least one count: killed, wounded, abducted or arrested",
        },
        explanation="""a casualty entry says whose casualties they are, but gives no figure. Add at least one
of `killed`, `wounded`, `abducted` or `arrested`, or remove the entry if the source gives no
figures.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
casualties:
  - {group: civilians}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:9:5: error: casualties[0]: a casualty entry needs at least one count: killed, wounded, abducted or arrested [casualty-no-count]
```""",
    ),
    Code(
        "attributed-by-not-suspected", "error", "An actor entry names `attributed_by` with a role other than suspected",
        messages={
            "": "`attributed_by` names who holds a party responsible, so it goes only with role `suspected`; this "
                "entry has {given}",
            "role": "role `{role}`",
            "no-role": "no role",
        },
        explanation="""`attributed_by` names the actor (a source, a government) that holds a party
responsible, so it goes only with role `suspected`. On an established role it would present a
fact as one party's claim. Use `role: suspected` if the involvement is only attributed, or remove
`attributed_by`.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator, attributed_by: peshmerga}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:7:5: error: actors[0]: `attributed_by` names who holds a party responsible, so it goes only with role `suspected`; this entry has role `perpetrator` [attributed-by-not-suspected]
```""",
    ),
    Code(
        "statement-text", "error", "A statement has both or neither of quote and paraphrase",
        messages={
            "both": "a statement has both `quote` and `paraphrase`; give exactly one of them",
            "neither": "a statement has neither `quote` nor `paraphrase`; give exactly one of them",
        },
        explanation="""a statement must give either `quote` (the speaker's exact words) or `paraphrase`
(what they said, in the editor's words), and only one of the two. Keep the one that fits what the
source reports.""",
        example="""```yaml title="data/statements/example.yml"
id: example
date: 2020-04-15
speaker: spokesman
quote: "We will hold the line."
paraphrase: The spokesman said the Peshmerga would not withdraw.
sources:
  - source: rudaw
```

```text
data/statements/example.yml:1:1: error: a statement has both `quote` and `paraphrase`; give exactly one of them [statement-text]
```""",
    ),
    Code(
        "invalid-url", "error", "A URL is not an http(s) address",
        messages={
            "": "`{value}` is not a web address: it must start with http:// or https://",
        },
        explanation="""a web address does not start with `http://` or `https://`, or contains a space.
Copy the full address from the browser's address bar.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sources:
  - source: rudaw
    url: www.rudaw.net/english/middleeast/iraq/14042020
```

```text
data/incidents/example.yml:10:10: error: sources[0].url: `www.rudaw.net/english/middleeast/iraq/14042020` is not a web address: it must start with http:// or https:// [invalid-url]
```""",
    ),
    Code(
        "invalid-coordinates", "error", "Coordinates are not [latitude, longitude] within range",
        messages={
            "": "write two numbers, [latitude, longitude]",
            "range": "[{lat}, {lon}] is out of range: latitude is -90..90 and longitude -180..180 (is the order "
                     "[latitude, longitude]?)",
        },
        explanation="""coordinates are written as a list of two numbers, latitude first, then longitude:
`[35.32, 43.78]`. Latitude lies between -90 and 90, longitude between -180 and 180. The message
says which rule is broken; if the numbers are out of range, check that they are not swapped.""",
        example="""```yaml title="data/regions/example.yml"
id: makhmur
name: Makhmur
level: district
coordinates: 35.78, 43.58
```

```text
data/regions/example.yml:4:14: error: coordinates: write two numbers, [latitude, longitude] [invalid-coordinates]
```""",
    ),
    Code(
        "invalid-tag", "error", "A tag is not a lowercase slug",
        messages={
            "": "`{value}` is not a tag: use a lowercase slug such as `counter-isis`, up to 80 characters",
        },
        explanation="""a tag is not a lowercase "slug": tags are written in lowercase letters `a`–`z` and
digits, with `-` between words, such as `counter-isis`, at most 80 characters.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sources:
  - source: rudaw
tags: [Counter ISIS]
```

```text
data/incidents/example.yml:10:8: error: tags[0]: `Counter ISIS` is not a tag: use a lowercase slug such as `counter-isis`, up to 80 characters [invalid-tag]
```""",
    ),
    Code(
        "invalid-country", "error", "A country is not an ISO 3166-1 alpha-2 code",
        messages={
            "": "`{value}` is not an ISO 3166-1 alpha-2 country code such as IQ",
        },
        explanation="""a country is not written as its two-letter ISO 3166-1 code in capitals, such as `IQ`
for Iraq, `SY` for Syria, `TR` for Turkey or `IR` for Iran.""",
        example="""```yaml title="data/actors/example.yml"
id: iraqi-army
name: Iraqi Army
kind: state-forces
country: Iraq
```

```text
data/actors/example.yml:4:10: error: country: `Iraq` is not an ISO 3166-1 alpha-2 country code such as IQ [invalid-country]
```""",
    ),
    Code(
        "invalid-language", "error", "A language is not a BCP 47 tag",
        messages={
            "": "`{value}` is not a BCP 47 language tag such as `en` or `ckb`",
        },
        explanation="""a language is not written as a language tag (BCP 47): a two- or three-letter code such
as `en` (English), `ar` (Arabic) or `ckb` (Central Kurdish, Sorani), optionally followed by parts
such as `-Latn`. Do not write the language's name.""",
        example="""```yaml title="data/statements/example.yml"
id: example
date: 2020-04-15
speaker: spokesman
paraphrase: The spokesman said the Peshmerga would not withdraw.
language: Kurdish
sources:
  - source: rudaw
```

```text
data/statements/example.yml:5:11: error: language: `Kurdish` is not a BCP 47 language tag such as `en` or `ckb` [invalid-language]
```""",
    ),
    Code(
        "unknown-reference", "error", "A reference names no record of the expected kind",
        messages={
            "": "there is no {kind} with id `{value}`{hint}",
        },
        explanation="""a field that should name another record by its id (an actor, a region, a source, a
speaker, a parent) names no record of that kind. Either the id is misspelt, the record it names
does not exist yet, or the field gives a name or an alias instead of the id: names and aliases are
never accepted in place of an id. The message suggests the id when it can guess it. (A reference
to a record that exists but has errors of its own is not reported here: fix that record's errors
first.)""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: Daesh, role: perpetrator}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:7:13: error: actors[0].actor: there is no actor with id `Daesh` — did you mean `isis` ('Daesh' is one of its names)? [unknown-reference]
```""",
    ),
    Code(
        "parent-cycle", "error", "A chain of parents loops back on itself",
        messages={
            "": "parent: the chain of parents loops back on itself: {loop}",
        },
        explanation="""following the `parent` of an actor or region, and then its parent, and so on, leads
back to where it started, so that a record ends up inside itself. The message shows the loop.
One of the parents in the loop is wrong: usually a parent and a child have been swapped.""",
        example="""```yaml title="data/regions/example.yml"
- id: makhmur
  name: Makhmur
  level: district
  parent: gwer
- id: gwer
  name: Gwer
  level: subdistrict
  parent: makhmur
```

```text
data/regions/example.yml:4:11: error: parent: the chain of parents loops back on itself: gwer → makhmur → gwer [parent-cycle]
data/regions/example.yml:8:11: error: parent: the chain of parents loops back on itself: gwer → makhmur → gwer [parent-cycle]
```""",
    ),
    Code(
        "page-conflict", "error", "Two records, or a record and a page of the site, need the same page",
        messages={
            "": "id: the page of {kind} `{id}` would be {page}, {clashes}; choose another id",
            "fixed": "where the site puts {label}",
            "others": "which is also the page of {others}",
        },
        explanation="""every actor and every region gets a page of its own on the site, named after its id
(`actors/<id>.md`, `regions/<id>.md`), and that page is needed by something else: by a page the
site always has, such as `actors/index.md`, the list of all actors (so the id `index` cannot be
used for an actor or a region), or by another record. The message names the page and the other
record's file. Ids become web addresses that people cite, so choose another id for the record
that has not been published yet.""",
        example="""An actor with the id `index`:

```yaml title="data/actors/example.yml"
id: index
name: Index Brigade
kind: militia
```

```text
data/actors/example.yml:1:5: error: id: the page of actor `index` would be actors/index.md, where the site puts the list of all actors; choose another id [page-conflict]
```""",
    ),
    Code(
        "invalid-config", "error", "The site configuration is invalid",
        messages={
            "list": "the configuration is a mapping of settings, not a list",
            "years": "write [FROM, TO]: two years from {lo} to {hi}, FROM not after TO",
            "slug": "`{slug}` is not a slug; use lowercase a-z, 0-9 and -",
            "acled": "`{slug}` is already one of ACLED's types; remove it",
            "group": "`{group}` is not an event group; use one of {groups}{hint}",
        },
        explanation="""the site's settings file, `briefing.yml` (in the folder that holds the data folder),
is wrong. It may hold `title` (the site's title), `years` (the first and last year a date may
fall in, `[FROM, TO]`; by default `[1900, 2100]`) and `event_types`, the site's own event types,
each given as `type: group`, where the group is one of ACLED's six: `battles`,
`explosions-remote-violence`, `violence-against-civilians`, `protests`, `riots`,
`strategic-developments`. The message names the setting that is wrong. (The validator prints
the whole path of the settings file, such as `/home/you/briefing/briefing.yml:3:19: ...`; it is
shortened to `briefing.yml` here.)""",
        example="""```yaml title="briefing.yml"
title: Kirkuk briefing
event_types:
  drone-sighting: explosions
```

```text
briefing.yml:3:19: error: event_types.drone-sighting: `explosions` is not an event group; use one of battles, explosions-remote-violence, violence-against-civilians, protests, riots, strategic-developments [invalid-config]
```""",
    ),
    # Legal but suspect
    Code(
        "person-without-affiliation", "warning", "A person speaks for no actor",
        messages={
            "": "person `{id}` has no `affiliation`: their statements will be attributed to no one",
        },
        explanation="""an actor of kind `person` has no `affiliation`, so their statements are attributed
to no one (unless each statement gives `on_behalf_of`). Add `affiliation:` with the id of the
actor the person speaks for, such as a force, a party or a government.""",
        example="""```yaml title="data/actors/example.yml"
id: myles-caggins
name: Myles Caggins
kind: person
title: Coalition spokesman
```

```text
data/actors/example.yml:1:1: warning: person `myles-caggins` has no `affiliation`: their statements will be attributed to no one [person-without-affiliation]
```""",
    ),
    Code(
        "person-only-field", "warning", "A field meant for people is set on another kind of actor",
        messages={
            "": "{name}: is meant for people, but `{id}` is of kind `{kind}`{hint}",
            "affiliation": " (for a larger body use `parent`)",
        },
        explanation="""`affiliation` and `title` describe a person (whom they speak for, and their
position), but this actor is not of kind `person`. For a unit that belongs to a larger force, use
`parent` instead of `affiliation`; otherwise check the actor's `kind`.""",
        example="""```yaml title="data/actors/example.yml"
id: peshmerga-70
name: 70th Peshmerga Unit
kind: state-forces
affiliation: peshmerga
```

```text
data/actors/example.yml:4:1: warning: affiliation: is meant for people, but `peshmerga-70` is of kind `state-forces` (for a larger body use `parent`) [person-only-field]
```""",
    ),
    Code(
        "role-missing", "warning", "An actor in an incident has no role",
        messages={
            "": "`{actor}` has no `role`; it is counted as `associated`",
        },
        explanation="""an actor in an incident has no `role`, so it is counted as `associated`. Add the
role the source describes: `perpetrator`, `target`, `claimant`, `responder`, `associated` or
`mediator`.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:7:5: warning: actors[0]: `isis` has no `role`; it is counted as `associated` [role-missing]
```""",
    ),
    Code(
        "casualty-actor-not-involved", "warning", "Casualties are given for an actor not in the incident",
        messages={
            "": "`{actor}` is not among the incident's `actors`",
        },
        explanation="""casualties are given for an actor that is not in the incident's `actors` list. Add
the actor to `actors` with its role (often `target`), or check that the casualty entry names the
right actor.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
casualties:
  - {actor: peshmerga, killed: 2}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:9:13: warning: casualties[0].actor: `peshmerga` is not among the incident's `actors` [casualty-actor-not-involved]
```""",
    ),
    Code(
        "bidi-control", "warning", "A text holds an invisible character that reorders the text around it",
        messages={
            "": "holds the invisible bidi control {names}, which changes the order in which text is shown; remove it "
                "(the site and the PDFs isolate the value, but editors and other tools may not)",
        },
        explanation="""a text holds one of the invisible characters that change the order in which text
is shown: U+202A to U+202E (embeddings and overrides) or U+2066 to U+2069 (isolates). They come
with text pasted from web pages and word processors, and they can be planted: after U+202E
(RIGHT-TO-LEFT OVERRIDE), "checkpoint attacked" shows as "dekcatta tniopkcehc", in this record
and, in an editor, a diff or a terminal, in everything after it on the line. The site and the PDF
briefings isolate the value, so the words around it keep their order, but the value itself is
still shown reordered. Remove the character (most editors show it when you move the cursor
across it; the column points at the start of the value). The line names the characters rather
than print the value. The marks U+200E, U+200F and U+061C are not reported: they change nothing
around them.""",
        example=r"""In the example the character is written as the escape `\u202E` inside double quotes, which YAML
reads as the character itself:

```yaml title="data/incidents/example.yml"
id: example
title: "A checkpoint \u202Eattacked"
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:2:8: warning: title: holds the invisible bidi control U+202E (RIGHT-TO-LEFT OVERRIDE), which changes the order in which text is shown; remove it (the site and the PDFs isolate the value, but editors and other tools may not) [bidi-control]
```""",
    ),
    Code(
        "control-character", "warning", "A text holds a control character (NUL, ESC, ...) that no text shows",
        messages={
            "": "holds the control character {names}, which no text shows; remove it",
            "several": "holds the control characters {names}, which no text shows; remove them",
        },
        explanation="""a text holds a control character: one of U+0000 to U+001F other than tab and line
feed (NUL, ESC, carriage return, ...), DEL (U+007F), or U+0080 to U+009F. No text shows them: they
come with text copied from terminals, spreadsheets and PDFs, or are planted, and an ESC starts a
terminal's escape sequence wherever another tool prints the value raw. briefing's reports print
them escaped and the site and the PDFs show them inertly; remove them (the column points at the
start of the value). The line names the characters rather than print the value.""",
        example=r"""In the example the character is written as the escape `\x1b` inside double quotes, which YAML
reads as the character itself:

```yaml title="data/incidents/example.yml"
id: example
title: "A checkpoint \x1b[2Jattacked"
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sources:
  - source: rudaw
```

```text
data/incidents/example.yml:2:8: warning: title: holds the control character U+001B, which no text shows; remove it [control-character]
```""",
    ),
    Code(
        "duplicate-alias", "warning", "Two records share one alias or name",
        messages={
            "": "`{label}` also names {kind} {others}",
        },
        explanation="""two actors (or two regions) share a name or an alias (ignoring capitals), so a
search for it, and the validator's suggestions, cannot tell which one is meant. If the two records
are the same thing, merge them; otherwise remove the shared alias from the record it fits less
well. The warning is shown at each place that writes the shared name, citing the other record.""",
        example="""The base data already gives `isis` the alias `Daesh`:

```yaml title="data/actors/example.yml"
id: islamic-state-kirkuk
name: Islamic State, Kirkuk province
aliases: [Wilayat Kirkuk, Daesh]
kind: armed-group
parent: isis
```

```text
data/actors/example.yml:3:27: warning: aliases[1]: `Daesh` also names actor `isis` (data/actors/isis.yml) [duplicate-alias]
data/actors/isis.yml:3:17: warning: aliases[1]: `Daesh` also names actor `islamic-state-kirkuk` (data/actors/example.yml) [duplicate-alias]
```""",
    ),
    Code(
        "duplicate-entry", "warning", "The same entry appears twice in one list",
        messages={
            "": "`{value}` is already listed",
            "role": "`{actor}` is listed twice with the same role",
        },
        explanation="""the same entry appears twice in one list: the same tag, alias, actor or region
twice, or the same actor twice with the same role in an incident. Remove the repeated entry.""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2020-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sources:
  - source: rudaw
tags: [counter-isis, checkpoints, counter-isis]
```

```text
data/incidents/example.yml:10:35: warning: tags[2]: `counter-isis` is already listed [duplicate-entry]
```""",
    ),
    Code(
        "date-after-sources", "warning", "A record is dated after the latest publication date of any source",
        messages={
            "": "date: {date} is after the latest publication date of any cited source ({latest}); is the year right?",
        },
        explanation="""an incident or a statement is dated after the latest `published:` date of any citation in the
data: no source can have reported it yet, so the year is probably wrong (2021 for 2020). The
comparison is with the latest publication date of all the data, not of the record's own
citations. When no citation gives `published:`, there is nothing to compare with and no warning
is given (the validator never compares with today's date: the same data always gives the same
report).""",
        example="""```yaml title="data/incidents/example.yml"
id: example
title: A checkpoint is attacked
date: 2021-04-14
type: attack
region: hawija
actors:
  - {actor: isis, role: perpetrator}
sources:
  - source: rudaw
    published: 2020-04-15
```

```text
data/incidents/example.yml:3:7: warning: date: 2021-04-14 is after the latest publication date of any cited source (2020-04-15); is the year right? [date-after-sources]
```""",
    ),
    # `briefing import acled` (the examples' files are imported into the example data folder)
    Code(
        "acled-not-an-export", "error", "The file to import is not an ACLED export",
        messages={"": "not an ACLED export: the header has no column {columns}"},
        explanation="""`briefing import acled` reads the CSV files that ACLED's export tool and API write: their
first line names the columns (`event_id_cnty`, `event_date`, `sub_event_type`, ...). The file given
lacks the columns named, so it is another kind of table (or ACLED's own column names were
translated or changed in a spreadsheet). Export the data from ACLED again, as CSV, with all
columns. Nothing was imported.""",
        example="""```csv title="export.csv"
id,date,what
1,2022-06-30,a protest
```

```text
export.csv:1:1: error: not an ACLED export: the header has no column event_id_cnty, event_date, time_precision, event_type, sub_event_type, actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, country, admin1, admin2, location, latitude, longitude, geo_precision, source, notes, fatalities [acled-not-an-export]
```""",
    ),
    Code(
        "acled-file", "error", "The file to import cannot be read as an export",
        messages={
            "too-large": "the file is larger than {limit}, the most `briefing import acled` reads; split the export "
                         "(by year or by region)",
            "too-many-rows": "the file has more than {limit} rows, the most `briefing import acled` reads at once; "
                             "split the export (by year or by region)",
            "encoding": "the file is not UTF-8 text (at this line); save the export as UTF-8 CSV",
        },
        explanation="""the export cannot be read at all: it is larger than 200 MB, has more than 200,000 rows,
or is not UTF-8 text (a spreadsheet saved it in another encoding). Split a large export into
several files (by year or region) and import each; save the file as UTF-8 CSV. Nothing was
imported.""",
        example="""An `export.csv` saved in Latin-1 by a spreadsheet (`Neuquén` in its second line):

```text
export.csv:2:1: error: the file is not UTF-8 text (at this line); save the export as UTF-8 CSV [acled-file]
```""",
    ),
    Code(
        "acled-bad-row", "error", "A row of the export cannot be imported",
        messages={
            "csv": "the CSV cannot be read from here: {error}",
            "width": "the row has {found} values, but the header names {expected} columns",
            "empty": "`{column}` is empty; every ACLED event has one",
            "date": "`event_date` {value} is not a date (2022-06-30 or 30 June 2022, between 1900 and 2100)",
            "precision": "`{column}` is {value}; ACLED writes 1, 2 or 3",
            "type": "`sub_event_type` {value} is not one of ACLED's sub-event types",
            "coordinates": "`latitude`/`longitude` {lat}, {lon} are not a latitude (-90 to 90) and a longitude "
                           "(-180 to 180) in decimal degrees",
            "fatalities": "`fatalities` {value} is not a whole number",
            "too-long": "`{column}` is {length} characters long; the data format allows {limit}",
            "id": "`event_id_cnty` {value} gives no id (it has no latin letter or digit)",
            "duplicate": "event {id} is in the file twice (first at line {first})",
        },
        explanation="""one row of the export does not hold what ACLED writes in every row, so it cannot
become a valid incident: the message names the column and what is wrong, and the position is the
row's line in the file. Every bad row is listed, and nothing is imported until all are fixed;
usually the file was edited in a spreadsheet (a date reformatted, a column shifted). Export it
again from ACLED, or fix the rows named.""",
        example="""```csv title="export.csv"
event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp
ARG1,06/30/2022,2022,1,Demonstrations,Protests,Peaceful protest,Protesters (Argentina),,6,,,0,60,,32,South America,Argentina,Chubut,Rawson,,Rawson,-43.2993,-65.0935,1,Diario El Chubut,National,Health workers protested.,0,,1657041387
```

```text
export.csv:2:1: error: `event_date` 06/30/2022 is not a date (2022-06-30 or 30 June 2022, between 1900 and 2100) [acled-bad-row]
```""",
    ),
    Code(
        "acled-edited", "warning", "An imported incident was edited by hand since its import",
        messages={
            "": "incident `{id}` was edited since it was imported; it was left as it is (give --update to replace "
                "it with the export's version)",
            "list": "incident `{id}` is in a file of several records; it was left as it is (move it to a file of "
                    "its own to update it from the export)",
        },
        explanation="""`briefing import acled` keeps, in each incident it writes, a hash of what it wrote
(`extra.acled_import_hash`). When an export is imported again, an incident whose values no
longer match that hash was edited by someone since, so the import leaves it alone rather than
undo their work, and counts it as skipped. Compare the file with the export; give `--update` to
replace the edited incidents with the export's version (their edits are lost).""",
        example="""`data/incidents/2022/06/arg1.yml`, imported from `export.csv`, whose summary an editor
changed; `export.csv` imported again:

```text
data/incidents/2022/06/arg1.yml:1:1: warning: incident `arg1` was edited since it was imported; it was left as it is (give --update to replace it with the export's version) [acled-edited]
```""",
    ),
    Code(
        "acled-removed", "warning", "An imported event is no longer in the export",
        messages={
            "": "incident `{id}` (ACLED event {event}) is not in this export, which covers its country and date; "
                "it was left as it is",
        },
        explanation="""an incident imported earlier from ACLED, of a country and a date the export covers,
has no row in it: ACLED deletes events it finds to be duplicates or wrong. The import never
deletes a record; check the event on ACLED and delete the file if it is gone there, or keep it.""",
        example="""`data/incidents/2022/06/arg2.yml`, imported from an earlier export of June 2022,
whose event ARG2 a newer export of June 2022 no longer has:

```text
data/incidents/2022/06/arg2.yml:1:1: warning: incident `arg2` (ACLED event ARG2) is not in this export, which covers its country and date; it was left as it is [acled-removed]
```""",
    ),
    Code(
        "acled-id-taken", "warning", "An imported event's id is taken by another incident",
        messages={
            "": "the id `{id}` of ACLED event {event} is taken by this incident, which was not imported from it; "
                "the event was skipped",
        },
        explanation="""an incident's id is made from ACLED's event id (`ARG10607` gives `arg10607`), and the
data folder already has an incident of that id that is not the import of that event (it has no
`extra.acled_id`, or another one). The event is skipped, and the incident left as it is; rename
the incident (its id) if the event should be imported.""",
        example="""`data/incidents/2022/06/arg1.yml` written by hand with the id `arg1`, and `export.csv` holding event ARG1:

```text
data/incidents/2022/06/arg1.yml:1:1: warning: the id `arg1` of ACLED event ARG1 is taken by this incident, which was not imported from it; the event was skipped [acled-id-taken]
```""",
    ),
    # About the report itself
    Code(
        "too-many-problems", "error", "A file has more problems than are shown",
        messages={
            "": "{count} more problems in this file are not shown ({kinds}); fix the ones above and run the validator "
                "again",
        },
        explanation="""one file has more than 100 problems. The first 100 are printed, then this line, at the
first problem not printed, says how many more there are (it is a `warning` when all of those are
warnings). The summary line still counts every problem. Fix the problems shown (often one
mistake repeated, such as a pasted column) and run the validator again. The same limit applies to
`--format github` and `--format json` (whose `errors` and `warnings` counts stay complete). In the
output below, `...` stands for the 98 lines in between.""",
        example="""```yaml title="data/actors/example.yml"
id: example
name: Pasted from a spreadsheet
kind: armed-group
aliases: ["", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""]
```

```text
data/actors/example.yml:4:11: error: aliases[0]: the text is empty [empty-text]
data/actors/example.yml:4:15: error: aliases[1]: the text is empty [empty-text]
...
data/actors/example.yml:4:411: error: 3 more problems in this file are not shown (3 errors); fix the ones above and run the validator again [too-many-problems]
```""",
    ),
)

#: The codes by name.
CODES: dict[str, Code] = {code.name: code for code in CODES_TABLE}


def guide() -> str:
    """The text of `docs/errors.md`: the introduction, then one section per code."""
    return GUIDE_INTRO + "\n\n" + "\n".join(code.section() for code in CODES_TABLE)
