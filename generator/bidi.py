"""The `bidi-control` and `control-character` warnings: invisible characters in a text.

`control-character`: C0 controls other than tab and line feed, DEL and the C1 controls (NUL,
ESC, ...) have no place in a record's text. They show as nothing or as a box, an ESC starts a
terminal's escape sequence wherever the text is printed raw by another tool, and a NUL ends the
text for C programs. The reports escape them, and the site and the PDFs show them inertly; this
warning names them so that an editor can remove them.

`bidi-control`:

U+202A–U+202E (embeddings and overrides) and U+2066–U+2069 (isolates) are legitimate in a few
scripts' typography but almost never in a record: pasted from a web page, or planted, a
RIGHT-TO-LEFT OVERRIDE shows the text after it reversed (`Kirkuk` as `kukriK`), and in a plain
listing (a diff, a terminal) it reverses everything after it on the line. The site and the PDF
briefings isolate every value that holds one (generator/render.py), so it cannot reorder the
words around it; this warning names the value so that an editor can remove the character.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterator

from .load import RawRecord, dotted
from .problems import CODES, Problem

#: The explicit bidi formatting characters, besides the marks (LRM, RLM, ALM), which are harmless.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _strings(value: Any, where: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every text value inside `value`, with its path (list indexes and mapping keys)."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*where, index))


#: C0 controls but tab and line feed, DEL, and the C1 controls.
CONTROL_CHARACTERS = frozenset(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n")


#: Any character either warning is about, or a backslash: the only way YAML writes one in a value
#: without the character itself in the text is an escape of a double-quoted scalar (`"\\u202e"`).
_SUSPECT = re.compile("[" + re.escape("\\" + "".join(sorted(BIDI_CONTROLS | CONTROL_CHARACTERS))) + "]")


def _clean(text: str) -> bool:
    """Whether `text` holds none of the characters `_SUSPECT` looks for. An ASCII text (known at
    once: Python keeps the fact) has no bidi control, and its controls and DEL are exactly its
    unprintable characters besides tab and line feed: C loops answer that faster than the search."""
    if text.isascii() and "\\" not in text and text.replace("\n", "").replace("\t", "").isprintable():
        return True
    return _SUSPECT.search(text) is None


def text_warnings(raw: RawRecord, path: str) -> Iterator[Problem]:
    """Both warnings of this module, for every text value of the record."""
    if raw.text is not None and _clean(raw.text):
        return  # one scan of the file's text rules out both for nearly every record
    yield from bidi_controls(raw, path)
    yield from control_characters(raw, path)


def control_characters(raw: RawRecord, path: str) -> Iterator[Problem]:
    """A `control-character` warning at every text value of the record that holds a control
    character, naming them (never printing the value)."""
    for where, text in _strings(raw.data, ()):
        if CONTROL_CHARACTERS.isdisjoint(text):
            continue
        found = sorted({ch for ch in text if ch in CONTROL_CHARACTERS})
        names = ", ".join(f"U+{ord(ch):04X}" for ch in found)
        line, col = raw.locate(where) if where else (raw.line, raw.col)
        message = CODES["control-character"].format("several" if len(found) > 1 else "", names=names)
        yield Problem.make("control-character", path, line, col, f"{dotted(where)}: {message}" if where else message)


def bidi_controls(raw: RawRecord, path: str) -> Iterator[Problem]:
    """A `bidi-control` warning at every text value of the record that holds a bidi control,
    naming the characters (never printing the value: the report would be reordered too)."""
    for where, text in _strings(raw.data, ()):
        found = sorted({ch for ch in text if ch in BIDI_CONTROLS})
        if not found:
            continue
        names = ", ".join(f"U+{ord(ch):04X} ({unicodedata.name(ch)})" for ch in found)
        line, col = raw.locate(where) if where else (raw.line, raw.col)
        message = CODES["bidi-control"].format(names=names)
        yield Problem.make("bidi-control", path, line, col, f"{dotted(where)}: {message}" if where else message)
