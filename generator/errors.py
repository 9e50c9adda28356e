"""The one family of errors the library raises for the person at the terminal, and the exit codes.

Every error the command line reports on purpose is a `BriefingError`: it knows its exit code and
the lines that say it (`lines`), so that `cli.py` turns any of them into output in one place
(`cli._fail`) and the library itself never prints or exits. Bugs are not BriefingErrors: they
reach `cli.main`, which reports them in one line with exit 3.

Low in the stage order (it imports only `problems`): any stage may raise these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from .problems import escape_controls

if TYPE_CHECKING:
    from .problems import Report

#: The exit codes of `briefing` (see cli.py's docstring).
EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_BUG, EXIT_WRITE = 0, 1, 2, 3, 4


class BriefingError(Exception):
    """An error reported to the user: one line `PREFIX: MESSAGE` (control characters escaped),
    with `kept` (what was left as it was) after a semicolon, and exit code `exit_code`."""

    exit_code: ClassVar[int] = EXIT_INVALID
    prefix: ClassVar[str] = "briefing"

    def lines(self, kept: str = "") -> list[str]:
        """What the command line shows for this error, ready to print (one line for most)."""
        return [escape_controls(f"{self.prefix}: {self}" + (f"; {kept}" if kept else ""))]


class UsageProblem(BriefingError):
    """A command-line value that cannot be used (exit 2): `option` is click's parameter hint
    (such as `'--month'`), or None for the command as a whole. The CLI shows it as click's own
    usage error, so its wording is the message alone."""

    exit_code: ClassVar[int] = EXIT_USAGE

    def __init__(self, message: str, option: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.option = option


class Refusal(BriefingError):
    """A folder or file the command was given that it will not write to or delete (a site folder
    holding the data, a PDF inside the data folder...): one line, before anything is written
    (exit 2: the user chose it)."""

    exit_code: ClassVar[int] = EXIT_USAGE


class PeriodError(UsageProblem):
    """`--month`, `--from`, `--to` or `--issued` that give no usable period or day."""


class UnknownId(UsageProblem):
    """`--region` or `--actor` naming an id the data does not have (with a "did you mean")."""


class InvalidData(BriefingError):
    """The data has errors, so nothing is written (exit 1): the whole report, its summary and
    what was not done."""

    def __init__(self, report: Report) -> None:
        super().__init__(report.summary())
        self.report = report

    def lines(self, kept: str = "") -> list[str]:
        return [*(problem.format_text() for problem in self.report.shown()), self.report.summary(),
                *([kept] if kept else [])]
