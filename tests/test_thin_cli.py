"""Guards of the thin command line (issue 10, item 5): the library never prints or exits, and
every rename or temporary file lives in generator/write.py. Both read the source (ast), so they
fail the moment such a call appears anywhere else, whether or not a test runs it."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from generator.dates import parse_period
from generator.errors import EXIT_INVALID, EXIT_USAGE, EXIT_WRITE, BriefingError, PeriodError
from generator.write import CannotWrite, NotOurs

GENERATOR = Path(__file__).resolve().parent.parent / "generator"


def _modules() -> list[tuple[str, ast.Module]]:
    return [(path.relative_to(GENERATOR).as_posix(), ast.parse(path.read_text(encoding="utf-8"), str(path)))
            for path in sorted(GENERATOR.rglob("*.py"))]


def _dotted(node: ast.expr) -> str:
    """`os.replace`, `sys.stderr.write`, `click.echo`: the name a call or attribute spells."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "?"


def printing(tree: ast.Module) -> list[str]:
    """What in `tree` prints, writes to the terminal or exits: print(), sys.stdout/stderr (any
    use: a write, a logging handler given them), sys.exit/exit/quit, click itself. (os._exit is
    allowed: children.py ends a worker process with it, which is no exit of `briefing`.)"""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"print", "exit", "quit"}:
            found.append(f"{node.func.id}() at line {node.lineno}")
        elif isinstance(node, ast.Attribute) and (
                _dotted(node) in {"sys.stdout", "sys.stderr", "sys.__stdout__", "sys.__stderr__", "sys.exit"}
                or _dotted(node).startswith("click.")):
            found.append(f"{_dotted(node)} at line {node.lineno}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if any(name == "click" or name.startswith("click.") for name in names):
                found.append(f"import of click at line {node.lineno}")
    return found


#: Calls that rename, replace or make temporary files and folders.
_RENAMING = {"os.replace", "os.rename", "os.renames", "shutil.move", "tempfile.mkstemp", "tempfile.mkdtemp",
             "tempfile.NamedTemporaryFile", "tempfile.TemporaryFile", "tempfile.SpooledTemporaryFile",
             "tempfile.TemporaryDirectory", "mkstemp", "mkdtemp", "NamedTemporaryFile"}


def renaming(tree: ast.Module) -> list[str]:
    """Renames, replaces and temporary files in `tree`: the calls above, and a `.rename(x)` or
    `.replace(x)` method with one argument (Path.rename/replace; str.replace takes two, and
    date.replace keywords), and writing opens (`open(p, "w"/"x"/"a")`, write_text/write_bytes)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        if name in _RENAMING:
            found.append(f"{name}() at line {node.lineno}")
        elif isinstance(node.func, ast.Attribute) and (
                node.func.attr in {"rename", "write_text", "write_bytes"}
                or (node.func.attr == "replace" and len(node.args) == 1 and not node.keywords)):
            found.append(f".{node.func.attr}() at line {node.lineno}")
        elif name in {"open", "io.open", "os.fdopen"} or (
                isinstance(node.func, ast.Attribute) and node.func.attr == "open"):
            mode = (node.args[1] if len(node.args) > 1
                    else next((k.value for k in node.keywords if k.arg == "mode"), None))
            if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wxa+"):
                found.append(f"{name}(..., {mode.value!r}) at line {node.lineno}")
    return found


def test_only_the_cli_prints_or_exits() -> None:
    # The library reports through return values, errors and callbacks; cli.py shows them.
    found = {name: hits for name, tree in _modules() if name != "cli.py" and (hits := printing(tree))}
    assert found == {}


def test_every_rename_and_temporary_file_is_in_write_py() -> None:
    # One place to get atomic writes, link refusal and clean-up right: write.py.
    found = {name: hits for name, tree in _modules() if name != "write.py" and (hits := renaming(tree))}
    assert found == {}


def test_the_guards_see_what_they_guard() -> None:
    # The checks themselves catch each form they name (a guard that finds nothing proves nothing).
    source = ("import os, sys, click, tempfile\nfrom pathlib import Path\n"
              "print('x')\nsys.stderr.write('x')\nclick.echo('x')\nsys.exit(1)\n"
              "os.replace('a', 'b')\nPath('a').rename('b')\nPath('a').replace('b')\ntempfile.mkstemp()\n"
              "open('a', 'wb')\nPath('a').write_text('x')\n'a-b'.replace('-', ' ')\n")
    tree = ast.parse(source)
    assert len(printing(tree)) == 5  # the click import, print, sys.stderr, click.echo, sys.exit
    assert len(renaming(tree)) == 6  # str.replace with two arguments is not one
    write_py = next(tree for name, tree in _modules() if name == "write.py")
    assert renaming(write_py)  # write.py does rename: the guard would see it anywhere else


def test_errors_know_their_exit_codes() -> None:
    assert issubclass(CannotWrite, BriefingError) and issubclass(CannotWrite, OSError)
    assert CannotWrite("out/a.md", OSError(28, "No space left on device")).exit_code == EXIT_WRITE
    assert NotOurs("x").exit_code == EXIT_USAGE and PeriodError("x").exit_code == EXIT_USAGE
    assert BriefingError("x").exit_code == EXIT_INVALID
    assert CannotWrite("a.md", OSError(28, "No space left on device")).lines("it was left as it was") == [
        "briefing: cannot write a.md: No space left on device; it was left as it was"]


@pytest.mark.parametrize(("month", "start", "end", "period"), [
    ("2020-04", None, None, (date(2020, 4, 1), date(2020, 4, 30))),
    (None, "2020-01", "2020-03", (date(2020, 1, 1), date(2020, 3, 31))),
    (None, "2019", "2020-02-10", (date(2019, 1, 1), date(2020, 2, 10))),
])
def test_period_parsing(month: str | None, start: str | None, end: str | None, period: tuple[date, date]) -> None:
    assert parse_period(month, start, end) == period


@pytest.mark.parametrize(("month", "start", "end", "option"), [
    ("2020-04", "2020-01", None, None), (None, "2020-01", None, None), ("2020", None, None, "'--month'"),
    (None, "2020-03", "2020-02", "'--to'"), (None, "2020-13", "2020-12", "'--from'"),
])
def test_period_errors_name_the_option(month: str | None, start: str | None, end: str | None,
                                       option: str | None) -> None:
    with pytest.raises(PeriodError) as info:
        parse_period(month, start, end)
    assert info.value.option == option


def test_serve_reports_through_its_callback(tmp_path: Path) -> None:
    # What the live preview says goes to the callback the CLI gives (which prints it); the
    # library prints nothing itself.
    from test_build import ATTACK, make_project, set_field

    from generator.serve import Regenerator

    project = make_project(tmp_path / "project")
    said: list[str] = []
    regenerator = Regenerator(project.data, project.content, mkdocs_config=project.mkdocs, say=said.append)
    assert regenerator.run() is True
    assert said[-1].startswith("pages: ") and said[-1].endswith(f"deleted in {project.content}/")
    set_field(project.data / ATTACK, "date", "2020-02-30")
    said.clear()
    assert regenerator.run(reason="data changed: ") is False
    assert "error" in said[0] and said[-2].startswith("1 error")
    assert said[-1] == f"the data has errors: {project.content}/ was left as it was (still serving the last good pages)"
