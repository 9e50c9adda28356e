"""`briefing new`: a skeleton record file in the right folder, for an editor to fill in.

The skeleton holds every required field of its kind, each with a comment taken from the model's
field description (the same text as the field reference and the editor's schema hints), and the
`# yaml-language-server: $schema=...` modeline that gives editors completion and checks. It is
already in `briefing fmt`'s canonical layout. Fields the command cannot know (an incident's type,
region, actors and sources...) are left empty: `briefing validate` reports each of them until it
is filled in, and the command lists them.

Creating never overwrites: an id already used by a record of the same kind anywhere in the data
folder, or an existing file, is refused and nothing is written.
"""

from __future__ import annotations

import os
import re
import typing
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .dates import DateError, Point, parse_point
from .fmt import format_bytes
from .load import load_file
from .kinds import ALL, BY_FOLDER, FOLDER_OF, MODELS
from .models import ID_PATTERN, Record
from .errors import BriefingError
from .write import create_file

#: The command's kind names and the folders that hold them (from the registry, `kinds.py`).
KIND_FOLDERS: dict[str, str] = FOLDER_OF
#: Kinds filed by date (`incidents/2020/04/`), whose ids end with their date.
DATED = frozenset(kind.singular for kind in ALL if kind.dated)
MAX_ID = 80

# Letters that Unicode does not decompose into a base letter and an accent.
_SPECIAL = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l",
    "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i", "ħ": "h", "Ħ": "h",
})


class NewError(BriefingError):
    """The skeleton cannot be written (an id or file that exists, a bad value); nothing was.
    (A bad value given on the command line is shown as click's usage error instead.)"""

    prefix = "briefing new"


def slug(text: str, limit: int = MAX_ID) -> str:
    """A lowercase ASCII slug of `text`, at most `limit` characters, cut at a word boundary:
    accents are dropped (`Şêx Mistefa` → `sex-mistefa`), letters without an ASCII form vanish."""
    text = re.sub(r"['’ʼ`]", "", text)  # an apostrophe joins its word: `Caggins's` → `cagginss`
    ascii_text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    ascii_text = "".join(c for c in ascii_text if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    if not out and words:  # a single word longer than the limit: cut it
        out = words[0][:limit]
    return out


def derive_id(kind: str, title: str, when: Point | None) -> str:
    """The id made from a title: its slug, and for incidents and statements `-<date>` after it
    (`coalition-airstrike-wadi-ashai-2020-04-13`). Raises NewError when the title has no letter
    or digit with an ASCII form."""
    suffix = f"-{when.iso()}" if kind in DATED and when is not None else ""
    base = slug(title, MAX_ID - len(suffix))
    if not base:
        raise NewError(f"no id can be made from the title {title!r} (it has no latin letter or digit); give --id")
    return base + suffix


def check_id(value: str) -> str:
    """`value` when it is a valid id; NewError otherwise."""
    if not re.fullmatch(ID_PATTERN, value):
        raise NewError(f"`{value}` is not an id: use lowercase a-z, 0-9 and -, up to {MAX_ID} characters, "
                       "starting with a letter or digit")
    return value


def read_date(value: str) -> Point:
    """A `--date`: a day, a month or a year (`2020-04-13`, `2020-04`, `2020`). NewError otherwise."""
    try:
        return parse_point(value.strip())
    except DateError as exc:
        raise NewError(exc.message) from None


def target_path(data_dir: Path, kind: str, record_id: str, when: Point | None) -> Path:
    """Where the record goes: `incidents/YYYY/MM/<id>.yml` (`YYYY/` for a year-only date) for
    incidents and statements, `<kind>s/<id>.yml` for the others."""
    folder = data_dir / KIND_FOLDERS[kind]
    if kind in DATED and when is not None:
        folder = folder / f"{when.start.year:04d}"
        if when.precision != "year":
            folder = folder / f"{when.start.month:02d}"
    return folder / f"{record_id}.yml"


def existing_id(data_dir: Path, kind: str, record_id: str) -> str | None:
    """`path:line` of a record of `kind` that already has `record_id`, or None.

    The validator's dataset has every valid record; records that failed validation are not in it,
    so the files with problems are read too: their ids are taken all the same.
    """
    from .validate import discover, validate

    folder = KIND_FOLDERS[kind]
    result = validate(data_dir)
    entry = result.dataset.kind(folder).get(record_id)
    if entry is not None:
        return f"{entry.path}:{entry.line}"
    troubled = {p.path for p in result.report.problems}
    files, _ = discover(data_dir)
    for path, file_kind in files:
        if file_kind != folder or path not in troubled:
            continue
        for raw in load_file(path).records:
            if isinstance(raw.data, dict) and str(raw.data.get("id")) == record_id:
                return f"{path}:{raw.line}"
    return None


# --- the skeleton ----------------------------------------------------------------------------


@dataclass
class Slot:
    """One line of the skeleton: a field, the value known for it (None: left to fill), whether
    the editor must fill it, and nested entries (one list item of them) for lists of mappings."""

    name: str
    value: str | None = None
    required: bool = True
    item: list["Slot"] | None = None


def _fields(kind: str, record_id: str, title: str | None, when: Point | None) -> list[Slot]:
    """The skeleton fields of `kind`, in the data format's order."""
    date_text = when.iso() if when is not None else None
    citation = [Slot("source"), Slot("url", required=False)]
    if kind == "incident":
        return [
            Slot("id", record_id), Slot("title", title), Slot("date", date_text), Slot("type"),
            Slot("region"),
            Slot("actors", item=[Slot("actor"), Slot("role", required=False)]),
            Slot("sources", item=citation),
        ]
    if kind == "statement":
        return [
            Slot("id", record_id), Slot("date", date_text), Slot("speaker"),
            # exactly one of the two: the validator asks for one while both are empty
            Slot("quote", required=False), Slot("paraphrase", required=False),
            Slot("sources", item=citation),
        ]
    # Any other kind: its required fields in the data format's order, with what the command knows
    # filled in (an actor: id, name, kind; a region: id, name, level; a source: id, name, kind).
    folder = KIND_FOLDERS[kind]
    model_fields = MODELS[folder].model_fields
    known = {"id": record_id, "name": title, "title": title, "date": date_text}
    return [Slot(name, known.get(name)) for name in BY_FOLDER[folder].fields if model_fields[name].is_required()]


def describe(model: type[Record], name: str) -> str:
    """The comment for a field: its description in the model, else its choices (`a | b | c`)."""
    info = model.model_fields[name]
    if info.description:
        return info.description
    annotation = info.annotation
    options = [annotation] if typing.get_origin(annotation) is typing.Literal else typing.get_args(annotation)
    choices = [c for arg in options if typing.get_origin(arg) is typing.Literal for c in typing.get_args(arg)]
    return " | ".join(str(c) for c in choices)


def _nested_model(model: type[Record], name: str) -> type[Record]:
    # list[Citation] -> Citation (the annotation may be wrapped in Annotated)
    annotation = model.model_fields[name].annotation
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, Record):
            return arg
    raise LookupError(name)


def _lines(model: type[Record], fields: list[Slot], indent: str, first: str) -> list[str]:
    out = []
    for i, f in enumerate(fields):
        lead = first if i == 0 else indent
        comment = describe(model, f.name)
        if f.item is not None:
            out.append(f"{lead}{f.name}:  # {comment}")
            out.extend(_lines(_nested_model(model, f.name), f.item, indent + "    ", indent + "  - "))
            continue
        value = "" if f.value is None else " " + (f.value if f.name == "date" else _double_quoted(f.value))
        out.append(f"{lead}{f.name}:{value}" + (f"  # {comment}" if comment else ""))
    return out


def _double_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar, whatever it holds (`fmt` then drops needless quotes).
    Characters YAML readers may take for line breaks or refuse are escaped."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable() and ch not in "\x85\u2028\u2029\ufeff":
            out.append(ch)
        else:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def to_fill(fields: list[Slot], kind: str) -> list[str]:
    """The fields the editor must still fill in, as `validate` names them (`actors[0].actor`)."""
    out = []
    for f in fields:
        if f.item is not None:
            out += [f"{f.name}[0].{g.name}" for g in f.item if g.required and g.value is None]
        elif f.required and f.value is None:
            out.append(f.name)
    if kind == "statement":
        out.insert(out.index("speaker") + 1, "quote or paraphrase")
    return out


@dataclass
class Skeleton:
    """A skeleton ready to be written: where, its canonical bytes, and what is left to fill."""

    path: Path
    data: bytes
    fill: list[str]


def skeleton(data_dir: Path, kind: str, record_id: str, title: str | None, when: Point | None) -> Skeleton:
    """The skeleton file of a new record (nothing is written)."""
    path = target_path(data_dir, kind, record_id, when)
    fields = _fields(kind, record_id, title, when)
    model = MODELS[KIND_FOLDERS[kind]]
    schema = data_dir.resolve().parent / "schemas" / f"{kind}.schema.json"
    relative = Path(os.path.relpath(schema, path.parent.resolve())).as_posix()
    lines = [f"# yaml-language-server: $schema={relative}"] + _lines(model, fields, "", "")
    text = "\n".join(lines) + "\n"
    # Through the formatter, so that `briefing fmt --check` passes on a new file by construction.
    data = format_bytes(text.encode("utf-8"), path.as_posix(), KIND_FOLDERS[kind])
    return Skeleton(path, data, to_fill(fields, kind))


def create(data_dir: Path, kind: str, record_id: str, title: str | None, when: Point | None) -> Skeleton:
    """Write the skeleton of a new record, never over anything: raises NewError (and writes
    nothing) when a record of `kind` already has the id or the file exists."""
    check_id(record_id)
    made = skeleton(data_dir, kind, record_id, title, when)
    taken = existing_id(data_dir, kind, record_id)
    if taken is not None:
        raise NewError(f"a{'n' if kind[0] in 'aeiou' else ''} {kind} with id `{record_id}` already exists "
                       f"({taken}); choose another id with --id")
    if made.path.exists() or made.path.is_symlink():
        raise NewError(f"{made.path.as_posix()} already exists; nothing was written")
    # A linked folder on the way would put the new file outside the data folder.
    folder = made.path.parent
    for step in [folder, *folder.parents]:
        if step in data_dir.parents:
            break
        if step.is_symlink():
            raise NewError(f"{step.as_posix()} is a symbolic link, which briefing does not follow; "
                           "nothing was written")
        if step == data_dir:
            break
    # The folders made for it go again when the file cannot be written (a full disk, a read-only
    # folder): a failed `new` leaves the data folder as it was. Created with O_EXCL: it fails
    # rather than overwrite a file, or write through a link, made meanwhile.
    if not create_file(made.path, made.data):
        raise NewError(f"{made.path.as_posix()} already exists; nothing was written")
    return made
