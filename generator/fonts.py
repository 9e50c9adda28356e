"""Which characters of a briefing no installed font can print, what to install for them, and
which font folders Typst is given.

Typst (pdf.py) lays text out with the fonts of the folders it is given: the faces the template
names first, then any of those fonts that has the character. A character that none of them has
is printed as an empty box, with no message. The folders come from fontconfig's list of installed
fonts (`font_folders`: the folders of the template's faces, plus, for each printed character they
lack, the first other folder with a font that has it), so Typst can print exactly what fontconfig
knows of (`FONTCONFIG_FILE` and the rest of fontconfig's environment apply). Before a PDF is
written, the characters it prints are checked against the same list, and each script that no
font covers becomes a `MissingFont` warning that names the script, the records that use it and the
Debian package to install.

    printed text of a PDF ─▶ its non-ASCII characters ─▶ not in the fonts' character sets? ─▶ scripts, records
                                                          (libfontconfig, read once a process)

Fast: only characters past ASCII are looked at, and fontconfig's list is read once a process.
Deterministic: the folders, the warnings and the files they name are sorted. Where fontconfig
cannot be loaded, nothing is reported and Typst reads the system's fonts itself.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from pydantic import BaseModel

from .kinds import FOLDERS
from .link import Dataset

#: The package that has most scripts: Debian's Noto fonts (Noto Sans, Serif and their script faces).
NOTO_CORE = "fonts-noto-core"

#: Unicode blocks, as (first, last, what a warning calls its characters, the Debian package that
#: covers them). A character in no block here is named by the first word of its Unicode name
#: ("Runic", "Ogham"), with fonts-noto-core; one in a private-use area, with no package.
SCRIPTS: tuple[tuple[int, int, str, str | None], ...] = (
    (0x0080, 0x024F, "Latin script", NOTO_CORE),
    (0x0250, 0x02FF, "phonetic symbols", NOTO_CORE),
    (0x0300, 0x036F, "combining accents", NOTO_CORE),
    (0x0370, 0x03FF, "Greek script", NOTO_CORE),
    (0x0400, 0x052F, "Cyrillic script", NOTO_CORE),
    (0x0530, 0x058F, "Armenian script", NOTO_CORE),
    (0x0590, 0x05FF, "Hebrew script", NOTO_CORE),
    (0x0600, 0x06FF, "Arabic script", NOTO_CORE),  # Arabic, Persian, Kurdish (Sorani), Urdu
    (0x0700, 0x074F, "Syriac script", NOTO_CORE),
    (0x0750, 0x077F, "Arabic script", NOTO_CORE),
    (0x0780, 0x07BF, "Thaana script", NOTO_CORE),
    (0x07C0, 0x07FF, "N'Ko script", NOTO_CORE),
    (0x0860, 0x086F, "Syriac script", NOTO_CORE),
    (0x0870, 0x08FF, "Arabic script", NOTO_CORE),
    (0x0900, 0x097F, "Devanagari script", NOTO_CORE),
    (0x0980, 0x09FF, "Bengali script", NOTO_CORE),
    (0x0A00, 0x0A7F, "Gurmukhi script", NOTO_CORE),
    (0x0A80, 0x0AFF, "Gujarati script", NOTO_CORE),
    (0x0B00, 0x0B7F, "Oriya script", NOTO_CORE),
    (0x0B80, 0x0BFF, "Tamil script", NOTO_CORE),
    (0x0C00, 0x0C7F, "Telugu script", NOTO_CORE),
    (0x0C80, 0x0CFF, "Kannada script", NOTO_CORE),
    (0x0D00, 0x0D7F, "Malayalam script", NOTO_CORE),
    (0x0D80, 0x0DFF, "Sinhala script", NOTO_CORE),
    (0x0E00, 0x0E7F, "Thai script", NOTO_CORE),
    (0x0E80, 0x0EFF, "Lao script", NOTO_CORE),
    (0x0F00, 0x0FFF, "Tibetan script", NOTO_CORE),
    (0x1000, 0x109F, "Myanmar script", NOTO_CORE),
    (0x10A0, 0x10FF, "Georgian script", NOTO_CORE),
    (0x1100, 0x11FF, "CJK characters", "fonts-noto-cjk"),  # Hangul Jamo
    (0x1200, 0x139F, "Ethiopic script", NOTO_CORE),
    (0x13A0, 0x13FF, "Cherokee script", NOTO_CORE),
    (0x1780, 0x17FF, "Khmer script", NOTO_CORE),
    (0x1800, 0x18AF, "Mongolian script", NOTO_CORE),
    (0x1E00, 0x1EFF, "Latin script", NOTO_CORE),
    (0x1F00, 0x1FFF, "Greek script", NOTO_CORE),
    (0x2000, 0x2BFF, "symbols", NOTO_CORE),  # punctuation, currency, arrows, mathematics, shapes
    (0x2D30, 0x2D7F, "Tifinagh script", NOTO_CORE),
    (0x2E80, 0x9FFF, "CJK characters", "fonts-noto-cjk"),  # radicals, kana, Bopomofo, ideographs
    (0xA960, 0xA97F, "CJK characters", "fonts-noto-cjk"),
    (0xAC00, 0xD7FF, "CJK characters", "fonts-noto-cjk"),  # Hangul syllables
    (0xE000, 0xF8FF, "private-use characters", None),
    (0xF900, 0xFAFF, "CJK characters", "fonts-noto-cjk"),
    (0xFB1D, 0xFB4F, "Hebrew script", NOTO_CORE),
    (0xFB50, 0xFDFF, "Arabic script", NOTO_CORE),
    (0xFE30, 0xFE4F, "CJK characters", "fonts-noto-cjk"),
    (0xFE70, 0xFEFF, "Arabic script", NOTO_CORE),
    (0xFF00, 0xFFEF, "CJK characters", "fonts-noto-cjk"),  # full- and half-width forms
    (0x1F000, 0x1FAFF, "emoji", "fonts-noto-color-emoji"),
    (0x20000, 0x3FFFF, "CJK characters", "fonts-noto-cjk"),
    (0xF0000, 0x10FFFF, "private-use characters", None),
)

#: Categories never drawn with a glyph (controls, format marks such as U+200F, line separators).
_NOT_DRAWN = {"Cc", "Cf", "Zl", "Zp"}


def script_of(char: str) -> tuple[str, str | None]:
    """What a warning calls the character's script, and the Debian package that covers it."""
    code = ord(char)
    for first, last, what, package in SCRIPTS:
        if first <= code <= last:
            return what, package
    name = unicodedata.name(char, "")
    if not name:
        return f"the character U+{code:04X}", NOTO_CORE
    return f"{name.split()[0].title()} script", NOTO_CORE


# --- what the installed fonts cover (libfontconfig, through ctypes) ----------------------------


class _FontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.POINTER(ctypes.c_void_p))]


def _library() -> Any:
    """libfontconfig, loaded through ctypes (None when it is not found)."""
    names = [ctypes.util.find_library("fontconfig"), "libfontconfig.so.1", "libfontconfig.1.dylib",
             "libfontconfig-1.dll"]
    for name in names:
        if not name:
            continue
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


@dataclass(frozen=True)
class _Catalog:
    """The installed fonts as the PDF engine is given them: by folder (Typst reads fonts by
    folder), with each folder's characters, and the folders of the faces the template names."""

    has: Callable[[str, int], bool]  # (folder, code point) -> whether a font of the folder has it
    folders: tuple[str, ...]  # every folder with a usable font, sorted
    base: tuple[str, ...]  # the folders of the families the template names (BASE_FAMILIES), sorted


#: The families templates/briefing.typ names: their folders are always given to Typst.
BASE_FAMILIES = (b"Noto Serif", b"Noto Sans", b"Noto Sans Arabic", b"Noto Naskh Arabic", b"Noto Sans Mono",
                 b"DejaVu Sans", b"DejaVu Serif", b"DejaVu Sans Mono")


@functools.lru_cache(maxsize=1)
def _catalog() -> _Catalog | None:
    """The fonts fontconfig lists, read once a process (None when fontconfig cannot be loaded).
    Only outline fonts in TrueType or CFF (OpenType) form count: the forms Typst lays out."""
    fc = _library()
    if fc is None:
        return None
    fc.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    fc.FcConfigGetFonts.restype = ctypes.POINTER(_FontSet)
    fc.FcConfigGetFonts.argtypes = [ctypes.c_void_p, ctypes.c_int]
    fc.FcCharSetCreate.restype = ctypes.c_void_p
    fc.FcCharSetMerge.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    fc.FcCharSetHasChar.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    fc.FcPatternGetCharSet.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p)]
    fc.FcPatternGetBool.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
    fc.FcPatternGetString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
    config = fc.FcInitLoadConfigAndFonts()  # reads FONTCONFIG_FILE and the rest of fontconfig's environment
    if not config:
        return None
    by_folder: dict[str, Any] = {}
    base: set[str] = set()
    fonts = fc.FcConfigGetFonts(config, 0)  # FcSetSystem: the installed fonts
    count = fonts.contents.nfont if fonts else 0
    for index in range(count):
        pattern = fonts.contents.fonts[index]
        outline, form, file, family = ctypes.c_int(1), ctypes.c_char_p(), ctypes.c_char_p(), ctypes.c_char_p()
        if fc.FcPatternGetBool(pattern, b"outline", 0, ctypes.byref(outline)) == 0 and not outline.value:
            continue  # a bitmap font
        if (fc.FcPatternGetString(pattern, b"fontformat", 0, ctypes.byref(form)) == 0
                and form.value not in (b"TrueType", b"CFF")):
            continue  # Type 1, PCF...: not laid out by Typst
        if fc.FcPatternGetString(pattern, b"file", 0, ctypes.byref(file)) != 0 or not file.value:
            continue
        folder = os.path.dirname(os.fsdecode(file.value))
        charset = ctypes.c_void_p()
        if fc.FcPatternGetCharSet(pattern, b"charset", 0, ctypes.byref(charset)) == 0:
            if folder not in by_folder:
                by_folder[folder] = fc.FcCharSetCreate()
            fc.FcCharSetMerge(by_folder[folder], charset, None)
        if fc.FcPatternGetString(pattern, b"family", 0, ctypes.byref(family)) == 0 and family.value in BASE_FAMILIES:
            base.add(folder)
    # The character sets are kept with the process (the configuration is read once).
    return _Catalog(lambda folder, code: bool(fc.FcCharSetHasChar(by_folder[folder], code)),
                    tuple(sorted(by_folder)), tuple(sorted(base & set(by_folder))))


def _coverage() -> Callable[[int], bool] | None:
    """A test of whether some installed font has a character (None when fontconfig cannot be loaded)."""
    catalog = _catalog()
    if catalog is None:
        return None
    return lambda code: any(catalog.has(folder, code) for folder in catalog.folders)


def font_folders(chars: Iterable[str]) -> tuple[str, ...] | None:
    """The font folders Typst is given for a document that prints `chars`: those of the faces
    the template names, and for each character they lack, the first other folder (in sorted
    order) that has it. Typst reads every font of a folder it is given (a fraction of a second
    for all the system's fonts, a few hundredths for these), and a character whose font it is not
    given prints as a box, so a folder is added exactly when `uncovered` would not report the
    character. None when fontconfig cannot be loaded: Typst then reads the system's fonts."""
    catalog = _catalog()
    if catalog is None:
        return None
    chosen = set(catalog.base)
    others = [f for f in catalog.folders if f not in chosen]
    for char in sorted({c for c in chars if ord(c) > 0x7F}):
        code = ord(char)
        if any(catalog.has(folder, code) for folder in chosen):
            continue
        found = next((folder for folder in others if catalog.has(folder, code)), None)
        if found is not None:
            chosen.add(found)
            others.remove(found)
    return tuple(sorted(chosen))


def uncovered(chars: Iterable[str]) -> set[str]:
    """The characters (past ASCII, drawn with a glyph) that no installed font has."""
    covered = _coverage()
    if covered is None:
        return set()
    return {c for c in chars if ord(c) > 0x7F and unicodedata.category(c) not in _NOT_DRAWN and not covered(ord(c))}


# --- the warning ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingFont:
    """A script that no installed font covers, in the text a PDF prints."""

    script: str  # "Arabic script", "CJK characters"
    package: str | None  # the Debian package that covers it (None: none does, e.g. private use)
    paths: tuple[str, ...]  # the record files whose printed text uses it, sorted (none: not from a record)
    chars: str  # the missing characters, sorted (for programs; the message gives code points)

    def message(self, shown: str = "the PDF shows") -> str:
        """One line for the person at the terminal; `shown`: "the PDF shows", "the PDFs show"."""
        if self.paths:
            more = len(self.paths) - 1
            where = f"used in {_printable(self.paths[0])}" + (
                f" and {more} more file{'s' if more > 1 else ''}" if more else "")
        else:  # not from a record: the title given, the key judgements, the configuration
            where = "used in the briefing's own text"
        advice = f" Install Debian's {self.package}." if self.package else ""
        return f"no installed font covers {self.script} ({where}); {shown} it in empty boxes.{advice}"


def _printable(text: str) -> str:
    """A file name as typed, its control characters escaped: it cannot forge a line or move the cursor."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _strings(value: Any) -> Iterator[str]:
    """Every string in a record's values."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


#: A word of characters past ASCII (up to a space, or an ASCII character).
_RUN = re.compile(r"[^\x00-\x7f\s]+")


def _words(text: str, missing: set[str]) -> set[str]:
    """The words of `text` past ASCII that have a missing character; punctuation (the Arabic
    comma, CJK full stops...) separates words like a space."""
    spaces = {ord(c): " " for c in set(text)  # format controls (bidi isolates) separate words too
              if ord(c) > 0x7F and (unicodedata.category(c)[0] in "PZ" or unicodedata.category(c) == "Cf")}
    return {w for w in _RUN.findall(text.translate(spaces)) if not missing.isdisjoint(w)}


def check(documents: Iterable[str], dataset: Dataset) -> list[MissingFont]:
    """The scripts that no installed font covers in `documents` (the text each PDF prints,
    `pdf.printed_text`), each with the record files whose text is printed with it. Empty when
    every character has a font."""
    documents = list(documents)
    candidates: set[str] = set()
    for text in documents:
        if not text.isascii():
            candidates |= set(text)
    missing = uncovered(candidates)
    if not missing:
        return []
    text = "\n".join(documents)
    # Words past ASCII that have a missing character: a record is named when the briefing prints one
    printed = _words(text, missing)
    by_script: dict[tuple[str, str | None], set[str]] = {}
    for char in missing:
        by_script.setdefault(script_of(char), set()).add(char)
    found: dict[tuple[str, str | None], set[str]] = {key: set() for key in by_script}
    for kind in FOLDERS:
        for entry in dataset.kind(kind).values():
            shown = {w for s in _strings(entry.record) for w in _words(s, missing)} & printed
            for key, chars in by_script.items():
                if any(c in chars for w in shown for c in w):
                    found[key].add(entry.path)
    out = []
    for (script, package), chars in sorted(by_script.items(), key=lambda item: item[0][0]):
        out.append(MissingFont(script, package, tuple(sorted(found[(script, package)])), "".join(sorted(chars))))
    return out
