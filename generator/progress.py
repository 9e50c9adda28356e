"""Progress of long work, reported through a callback, so that the library never prints.

A long step calls `progress(step, done, total)` as it goes: `done` counts up from 0 to `total`
(the number of files, pages or PDFs of the step). What to show, and where, is the command line's
choice (`cli.py` draws it on a terminal and shows nothing otherwise); the library's default,
`quiet`, shows nothing.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Told how far a step has come: `done` of `total` (files, pages or PDFs)."""

    def __call__(self, step: str, done: int, total: int) -> None: ...


def quiet(step: str, done: int, total: int) -> None:
    """Report nothing (the default of every function that takes a `progress`)."""


#: The steps, as the command line names them.
READING = "reading the data"
PAGES = "writing the pages"
PDFS = "rendering the PDF briefings"
FORMATTING = "formatting the files"
