"""The `briefing` command line: parse arguments, call the library, print, exit.

Exit codes: 0 valid (warnings allowed), 1 the data has errors, 2 usage error or a data folder that
does not exist or cannot be read (also: an output folder that is not briefing's to replace), 3 an
internal error (a bug: reported in one line, no traceback), 4 the operating system refused a write
(a full disk, a read-only folder: `briefing: cannot write PATH: REASON`, temporary files removed).
"""

from __future__ import annotations

import functools
import os
import sys
import time
import traceback
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, NoReturn, TypeVar

import click

from . import schema as schema_mod
from .kinds import READING_ORDER, SINGULAR
from .errors import (EXIT_BUG, EXIT_INVALID, EXIT_OK, EXIT_WRITE, BriefingError, InvalidData, Refusal,
                     UsageProblem)
from .problems import Problem
from .progress import Progress
from .problems import escape_controls as _safe
from .validate import Result, validate, validated
from .write import (WRITE_ERRNOS, CannotWrite, NotOurs, WriteError, check_build_folders, check_validation_cache,
                    output_target, pdf_target, put_file, put_files, replace_file)


def _process_age() -> float:
    """Seconds since this process started, Python's start-up and imports included (Linux: from
    /proc; elsewhere: since cli.py was imported)."""
    try:
        with open("/proc/self/stat", "rb") as stat:
            # The start time is field 22, counted after the command name's closing parenthesis
            # (the name itself may hold spaces), in clock ticks since boot.
            ticks = int(stat.read().rsplit(b")", 1)[1].split()[19])
        return time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return time.monotonic() - _IMPORTED


def _took() -> str:
    """How long the command has run, for the end of its one-line summary: `; 2.4 s`, `; 3 min 12 s`.
    (Standard output stays the same for the same data but for this one figure.)"""
    seconds = _process_age()
    if seconds < 60:
        return f"; {seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"; {minutes} min {rest} s"


def _fail(exc: BriefingError, kept: str = "") -> NoReturn:
    """The one place a library error becomes output: its lines on standard error (with `kept`,
    what was left as it was), and its exit code."""
    for line in exc.lines(kept):
        click.echo(line, err=True)
    sys.exit(exc.exit_code)


class _Command(click.Command):
    """A command whose usage problems from the library (a period, an unknown id) are shown as
    click's own usage errors (exit 2), as if click had found them."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BaseException as exc:
            # A step that did not end (an error, Ctrl-C) leaves no progress line behind, before
            # anything (click's "Aborted!", the error) is printed.
            for drawn in _DRAWN:
                drawn.clear()
            if isinstance(exc, Refusal):  # a folder or file it will not touch: before anything is written
                _fail(exc)
            if isinstance(exc, UsageProblem):
                if exc.option is None:
                    raise click.UsageError(exc.message, ctx=ctx) from None
                raise click.BadParameter(exc.message, ctx=ctx, param_hint=exc.option) from None
            raise


class _Group(click.Group):
    command_class = _Command



class _Drawn:
    """Progress of long work (the library's `progress` callback), drawn on one line of standard
    error while it runs and cleared when a step ends, so that what stays on the screen is what
    the command says without it. Drawn only on a terminal: a log or a pipe gets nothing."""

    def __init__(self) -> None:
        self.shown = False
        self.last = 0.0
        self.step: str | None = None
        self.started = 0.0

    def __call__(self, step: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:  # at most ten times a second
            return
        self.last = now
        if done >= total:
            self.clear()
            return
        if step != self.step:
            self.step, self.started = step, now
        line = self.line(step, done, total, now - self.started)
        self.shown = True  # before drawing: Ctrl-C right after the echo must still clear the line
        click.echo(f"\r\x1b[K{line}", nl=False, err=True)

    WIDTH = 30  # the bar's width in characters: the line stays within 80 columns for our step names

    @classmethod
    def line(cls, step: str, done: int, total: int, elapsed: float) -> str:
        """`reading the data: 5,000 of 11,003 [=============>                ] 45%, about 3 s left`
        (plain ASCII: any terminal's encoding shows it). The time left is guessed from the pace
        so far, once the step has run a second and done something."""
        share = done / total if total else 0.0
        filled = int(share * cls.WIDTH)
        bar = "=" * filled + (">" if filled < cls.WIDTH else "") + " " * (cls.WIDTH - filled - 1)
        text = f"{step}: {done:,} of {total:,} [{bar}] {int(share * 100)}%"
        if elapsed >= 1 and done:
            left = elapsed * (total - done) / done
            text += f", about {left:.0f} s left" if left < 60 else f", about {left / 60:.0f} min left"
        return text

    def clear(self) -> None:
        """Take the line away (the command stops in the middle of a step: an error, Ctrl-C)."""
        if self.shown:
            click.echo("\r\x1b[K", nl=False, err=True)
            self.shown = False


#: The progress lines drawn in this run, cleared by `_Command.invoke` when the command fails.
_DRAWN: list[_Drawn] = []
_IMPORTED = time.monotonic()


class _Logged:
    """Progress of long work for a log (CI, a pipe): nothing for a step that ends within
    `QUIET` seconds, so short runs print exactly what they always did; past that a plain line
    at most every `EVERY` seconds, and one when the step ends, with the time it took."""

    QUIET, EVERY = 10.0, 20.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.step: str | None = None
        self.started = self.last = 0.0
        self.said = False

    def __call__(self, step: str, done: int, total: int) -> None:
        now = self.clock()
        if step != self.step:
            self.step, self.started, self.last, self.said = step, now, now, False
        if done >= total:
            if self.said or now - self.started >= self.QUIET:
                click.echo(_safe(f"{step}: {total:,} of {total:,}, {now - self.started:,.0f} s"), err=True)
            self.step = None
            return
        if now - self.started >= self.QUIET and (not self.said or now - self.last >= self.EVERY):
            click.echo(_safe(f"{step}: {done:,} of {total:,}"), err=True)
            self.last, self.said = now, True


def _progress() -> Progress:
    """The progress callback for this run: a line drawn on a terminal; plain lines now and then
    in a log, for long steps only."""
    if not sys.stderr.isatty():
        return _Logged()
    _DRAWN.append(_Drawn())
    return _DRAWN[-1]


def _readable_dir(ctx: click.Context, param: click.Parameter, value: str) -> str:
    path = Path(value)
    if not path.exists():
        raise click.BadParameter(f"the folder {value!r} does not exist", ctx, param)
    if not path.is_dir():
        raise click.BadParameter(f"{value!r} is a file, not a folder", ctx, param)
    if not os.access(path, os.R_OK | os.X_OK):
        raise click.BadParameter(f"the folder {value!r} cannot be read", ctx, param)
    return value


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="briefing")
def cli() -> None:
    """Validate conflict-incident data and publish it as briefings."""


_F = TypeVar("_F", bound=Callable[..., Any])


def _cache_options(command: _F) -> _F:
    """`--no-cache` and `--validate-cache DIR`, for the commands that validate the data: what
    they say is kept in the click context, for `validate`'s call and for `_checked`."""

    @click.option("--no-cache", is_flag=True, help="Neither read nor write the validation cache (every file is "
                  "checked) nor build's page record (every page is rendered); the PDF cache is --pdf-cache's")
    @click.option("--validate-cache", default=".cache/briefing-validate", show_default=True,
                  help="Where what checking each data file found is kept, by its size, time and hash, so that "
                       "unchanged files are not read again")
    @functools.wraps(command)
    def wrapper(*args: Any, no_cache: bool, validate_cache: str, **kwargs: Any) -> Any:
        click.get_current_context().meta[_CACHE_KEY] = None if no_cache else Path(validate_cache)
        return command(*args, **kwargs)

    return wrapper  # type: ignore[return-value]  # the same command, with two more options


_CACHE_KEY = "briefing.validate_cache"


def _validation_cache() -> Path | None:
    """The validation cache's folder this command was given (None: `--no-cache`, or none)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.meta.get(_CACHE_KEY) if ctx is not None else None
    return found if isinstance(found, Path) else None


@cli.command("validate")
@click.argument("path", default="data", callback=_readable_dir)
@click.option("--format", "fmt", type=click.Choice(["text", "github", "json"]), default="text",
              show_default=True, help="text for people, github for workflow annotations, json for programs")
@click.option("--config", "config", type=click.Path(dir_okay=False, exists=True),
              help="The site configuration (default: briefing.yml beside the data folder)")
@_cache_options
def validate_cmd(path: str, fmt: str, config: str | None) -> None:
    """Check every file under PATH (default: data) and explain every problem at its file and line."""
    check_validation_cache(Path(path), _validation_cache())
    result = validate(path, config, progress=_progress(), cache=_validation_cache(), models=False)
    report = result.report
    if fmt == "json":
        click.echo(report.to_json())
    elif fmt == "github":
        text = report.to_github()
        if text:
            click.echo(text)
        click.echo(report.summary() + _took())
    else:
        for problem in report.shown():
            click.echo(problem.format_text())
        click.echo(report.summary() + _took())
    sys.exit(EXIT_OK if report.ok else EXIT_INVALID)


def _checked(data: str, stopped: str = "", extra: Iterable[Problem] = (), compact: bool = False) -> Result:
    """Before a command writes anything: the valid data (`validated`), its warnings, if any, on
    standard error; with errors, the whole report and `stopped` there, and exit 1. (Standard
    error: standard output is for what the command made.) `compact`: see `validate`."""
    try:
        result = validated(data, extra=extra, progress=_progress(), cache=_validation_cache(), compact=compact)
    except InvalidData as exc:
        _fail(exc, stopped)
    for problem in result.report.shown():  # warnings
        click.echo(problem.format_text(), err=True)
    return result


@cli.command("build")
@click.option("--data", "data", default="data", show_default=True, callback=_readable_dir, help="The data folder")
@click.option("--content", default="content", show_default=True,
              help="MkDocs' docs folder (generated parts only are written)")
@click.option("--mkdocs-config", default="mkdocs.yml", show_default=True, type=click.Path(dir_okay=False))
@click.option("--site", "site_dir", default="site", show_default=True, help="Where the built site goes")
@click.option("--preview", is_flag=True, help="Include draft and review records, with a banner on each")
@click.option("--pages-only", is_flag=True, help="Write the Markdown pages only; do not run MkDocs")
@click.option("--no-pdf", is_flag=True, help="Make no PDF briefings (quicker; month and region pages then link none)")
@click.option("--pdf-cache", default=".cache/briefing-pdf", show_default=True,
              help="Where rendered PDFs are kept by the hash of their HTML, so that unchanged ones are not rendered "
                   "again")
@click.option("--page-cache", default=".cache/briefing-pages", show_default=True,
              help="Where each generated page's digest and output hash are kept, so that unchanged pages are not "
                   "rendered again (not with --no-cache)")
@_cache_options
def build_cmd(data: str, content: str, mkdocs_config: str, site_dir: str, preview: bool, pages_only: bool,
              no_pdf: bool, pdf_cache: str, page_cache: str) -> None:
    """Validate the data, write the site's pages and PDF briefings, and build the site with MkDocs
    (--strict).

    Invalid data stops the build before anything is written: the previous pages and site stay.
    Only folders that briefing made are replaced (each holds a `.briefing-generated` marker)."""
    from . import site as site_mod
    from .pdf import JudgementsError  # light: Typst itself is imported only to render
    from . import write as write_mod

    site_path = None if pages_only else Path(site_dir)
    # The page record is kept or not as the validation cache is (--no-cache: neither).
    page_record_dir = None if _validation_cache() is None else Path(page_cache)
    check_build_folders(Path(data), Path(content), site_path, Path(mkdocs_config),
                         None if no_pdf else Path(pdf_cache), _validation_cache(), page_record_dir)
    try:
        # First of all, what a build killed in the middle of a swap left behind goes back.
        for name in write_mod.recover(Path(content)):
            click.echo(_safe(f"briefing: put back {content}/{name}, which an interrupted build had moved aside"),
                       err=True)
        write_mod.check_content(Path(content))
        if site_path is not None:
            if site_mod.recover_site(site_path):
                click.echo(_safe(f"briefing: put back {site_dir}/ from {site_dir}.old/, where an interrupted build "
                           "had left it"), err=True)
            site_mod.check_site(site_path)
    except (NotOurs, CannotWrite) as exc:
        _fail(exc)

    # Links, FIFOs and devices among the hand-written pages (and the theme's files) are refused
    # with the data's errors, before anything is written: MkDocs would copy what a link points to.
    # The records compacted as they are loaded (models.Compactor): a build holds them all at once.
    # MkDocs' child is started now (its imports and configuration) and runs the build once the
    # pages are written: its start overlaps the validation (site.EarlyMkDocs).
    early = None if pages_only else site_mod.start_mkdocs(Path(mkdocs_config))
    if early is not None:  # not used (invalid data, an error): ended with the command
        click.get_current_context().call_on_close(early.stop)
    result = _checked(data, extra=site_mod.hand_written_problems(Path(content), Path(mkdocs_config)), compact=True)
    cache = None
    if not no_pdf:
        from .pdf import PdfCache

        cache = PdfCache(Path(pdf_cache))
    from .fonts import MissingFont

    missing_fonts: list[MissingFont] = []
    from .pagerecord import PageRecord

    record = None if page_record_dir is None else PageRecord(page_record_dir, Path(content))
    try:
        written = site_mod.generate(result.dataset, result.config, Path(content), preview=preview, pdfs=not no_pdf,
                                    pdf_cache=cache, data_dir=Path(data), missing_fonts=missing_fonts,
                                    progress=_progress(), page_record=record)
    except JudgementsError as exc:  # raised while rendering, before any page is written
        _fail(exc, "nothing was written: a key judgements file cannot be read")
    except CannotWrite as exc:
        _fail(exc, f"{content}/ was left as it was")
    for missing in missing_fonts:  # the PDFs are written all the same
        click.echo(_safe(f"briefing: {missing.message('the PDFs on the site show')}"), err=True)
    click.echo(_safe(f"pages: {len(written.written)} written, {len(written.unchanged)} unchanged, "
                     f"{len(written.deleted)} deleted in {content}/"))
    if record is not None and record.failed is not None:
        click.echo(_safe(f"briefing: warning: {record.failed}; the page record was not kept"), err=True)
    if cache is not None:
        click.echo(_safe(f"PDFs: {cache.misses} rendered, {cache.hits} from the cache ({pdf_cache}/)"))
        if cache.failed is not None:
            click.echo(_safe(f"briefing: warning: {cache.failed}; the PDFs were not cached"), err=True)
    pages = len(written.written) + len(written.unchanged)
    made = f"{result.report.records:,} records ({pages:,} generated files" + (
        ")" if cache is None else f", {cache.misses + cache.hits:,} of them PDFs)")
    if pages_only:
        click.echo(_safe(f"pages written in {content}/ from {made}") + _took())
        return
    kept = f"{site_dir}/ was left as it was" if Path(site_dir).exists() else "no site was written"
    try:
        site_mod.mkdocs_build(Path(mkdocs_config), Path(site_dir), early=early)
    except site_mod.BuildError as exc:
        click.echo("\n".join(_safe(line) for line in exc.output.splitlines()), err=True)  # names from content/
        click.echo(_safe(f"mkdocs build failed; {kept}"), err=True)
        sys.exit(EXIT_INVALID)
    except CannotWrite as exc:
        _fail(exc, kept)
    click.echo(_safe(f"site built in {site_dir}/ from {made}") + _took())


@cli.command("pdf")
@click.option("--from", "start", metavar="DATE",
              help="The first day of the period (YYYY-MM-DD; a month or year: its first day)")
@click.option("--to", "end", metavar="DATE",
              help="The last day of the period (YYYY-MM-DD; a month or year: its last day)")
@click.option("--month", metavar="YYYY-MM", help="A calendar month, instead of --from and --to")
@click.option("--region", metavar="ID", help="Only this region and its sub-regions")
@click.option("--actor", metavar="ID", help="Only incidents where this actor has any role, and statements by, "
              "on behalf of, or about it")
@click.option("--title", help="The title on the cover and in the running header (default: the site's title)")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@click.option("--data", "data", default="data", show_default=True, callback=_readable_dir, help="The data folder")
@click.option("--content", default="content", show_default=True,
              help="The content folder: key judgements are read from <content>/briefings/<name>.md")
@click.option("--issued", metavar="DATE", help="The date of issue (default: the latest date in the records it reports)")
@click.option("--preview", is_flag=True, help="Include draft and review records, with PREVIEW stamped on every page")
@click.option("-o", "--output", required=True, help="The PDF file to write (its name ends in .pdf; never inside "
              "the data folder)")
@click.option("--force", is_flag=True, help="Write the PDF under a name that does not end in .pdf")
@_cache_options
def pdf_cmd(start: str | None, end: str | None, month: str | None, region: str | None, actor: str | None,
            title: str | None, paper: str, data: str, content: str, issued: str | None, preview: bool,
            output: str, force: bool) -> None:
    """Write a printable PDF briefing of a period, optionally for one region or one actor.

    Example: briefing pdf --month 2020-04 -o april.pdf

    Records count in the period when their whole date lies inside it; records whose date only
    overlaps it are listed apart, as possibly in this period. Invalid data prints the validator's
    report and writes no PDF (exit 1)."""
    from . import pdf as pdf_mod
    from .dates import check_period, parse_day, parse_period
    from .link import require_id
    from .views.briefing import Request

    first, last = parse_period(month, start, end)
    issued_day = parse_day(issued, "--issued") if issued else None
    target = pdf_target(output, Path(data), force)
    check_validation_cache(Path(data), _validation_cache(), Path(content))

    result = _checked(data, "no PDF written: the data has errors")
    check_period(first, last, result.config.years)
    if region:
        require_id("region", region, result.dataset.regions)
    if actor:
        require_id("actor", actor, result.dataset.actors)
    request = Request(first, last, region=region, actor=actor, title=title, issued=issued_day)
    try:
        rendered = pdf_mod.briefing_pdf(result.dataset, result.config, request, content=Path(content),
                                        preview=preview, paper=paper)
    except pdf_mod.JudgementsError as exc:
        _fail(exc, "no PDF written: the key judgements file cannot be read")
    try:
        replace_file(target, rendered.data)  # never half a PDF under the name asked for
    except CannotWrite as exc:
        _fail(exc, "no PDF was written")
    b = rendered.briefing
    def count(n: int, word: str) -> str:
        return f"{n:,} {word}" + ("" if n == 1 else "s")

    click.echo(_safe(f"wrote {output}: {b.period.title}, {count(b.counted_incidents, 'incident')} and "
                     f"{count(b.counted_statements, 'statement')}"
                     + (f" ({b.possibly_count:,} more possibly in the period)" if b.possibly_count else "")
                     + ("; key judgements from " + f"{content}/{b.judgements_file}" if b.judgements else ""))
               + _took())
    for missing in rendered.missing_fonts:  # written all the same: a warning, not an error
        click.echo(_safe(f"briefing: {missing.message()}"), err=True)



#: The file name endings `briefing export -o` accepts without --force, and an example name.
_EXPORT_NAMES = {"csv": ((".csv",), "incidents.csv"), "json": ((".json",), "briefing.json"),
                 "geojson": ((".geojson", ".json"), "incidents.geojson"), "timelinejs": ((".csv",), "timelinejs.csv")}


@cli.command("export")
@click.option("--format", "fmt", type=click.Choice(list(_EXPORT_NAMES)), required=True,
              help="csv: one row per incident, ACLED's columns; json: every record, references resolved; geojson: "
                   "the incidents as points; timelinejs: TimelineJS's spreadsheet")
@click.option("--data", "data", default="data", show_default=True, callback=_readable_dir, help="The data folder")
@click.option("--preview", is_flag=True, help="Include draft and review records (by default only published ones, "
              "as on the site)")
@click.option("-o", "--output", required=True, help="The file to write (never inside the data folder), or - for "
              "standard output")
@click.option("--force", is_flag=True, help="Write under a name that does not end in the format's extension")
def export_cmd(fmt: str, data: str, preview: bool, output: str, force: bool) -> None:
    """Export the published records as CSV (ACLED's columns), JSON, GeoJSON or TimelineJS's CSV.

    Example: briefing export --format geojson -o incidents.geojson

    The same files are offered for download on the site's Data page. Invalid data prints the
    validator's report and writes nothing (exit 1)."""
    from .export import serialise
    from .views.common import Context
    from .views.export import from_context

    suffixes, example = _EXPORT_NAMES[fmt]
    target = None if output == "-" else output_target(output, Path(data), force, suffixes, example)
    result = _checked(data, "nothing exported: the data has errors")
    ctx = Context(result.dataset, preview=preview, event_types=result.config.all_event_types(), site=result.config)
    exported = from_context(ctx)
    payload = serialise(fmt, exported)
    if target is None:
        click.echo(payload, nl=False)
        return
    try:
        replace_file(target, payload)  # never half a file under the name asked for
    except CannotWrite as exc:
        _fail(exc, "nothing was exported")
    n = len(exported.incidents)
    click.echo(_safe(f"wrote {output}: {fmt}, {n:,} incident{'' if n == 1 else 's'}") + _took())


@cli.command("serve")
@click.option("--data", "data", default="data", show_default=True, callback=_readable_dir, help="The data folder")
@click.option("--preview", is_flag=True, help="Include draft and review records, with a banner on each")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="The port to serve on")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to serve on")
@click.option("--content", default="content", show_default=True,
              help="MkDocs' docs folder (generated parts only are written)")
@click.option("--mkdocs-config", default="mkdocs.yml", show_default=True, type=click.Path(dir_okay=False, exists=True))
def serve_cmd(data: str, preview: bool, port: int, host: str, content: str, mkdocs_config: str) -> None:
    """Write the pages and serve the site with live reload; re-validate and rewrite the pages
    whenever a data file changes (invalid data is reported, and the last good pages stay).

    Ctrl-C stops the server."""
    from . import serve as serve_mod
    from . import write as write_mod

    check_build_folders(Path(data), Path(content), None, Path(mkdocs_config))
    try:
        for name in write_mod.recover(Path(content)):
            click.echo(_safe(f"briefing: put back {content}/{name}, which an interrupted build had moved aside"),
                       err=True)
        write_mod.check_content(Path(content))
    except (NotOurs, CannotWrite) as exc:
        _fail(exc)

    def say(message: str) -> None:
        click.echo(_safe(message), err=True)

    try:
        served = serve_mod.serve(Path(data), Path(content), Path(mkdocs_config), say=say, log=sys.stderr,
                                 host=host, port=port, preview=preview)
    except (serve_mod.PortInUse, serve_mod.ServeFailed) as exc:
        _fail(exc)
    sys.exit(EXIT_OK if served else EXIT_INVALID)


@cli.command("schema")
@click.option("--out", default="schemas", show_default=True, help="Folder for the JSON Schemas")
@click.option("--reference", default="docs/data-reference.md", show_default=True,
              help="Where to write the generated field reference")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when the committed files are stale")
def schema_cmd(out: str, reference: str, check: bool) -> None:
    """Write the JSON Schemas (one per record kind) and the field reference, from the models."""
    stale = schema_mod.stale_files(Path(out), Path(reference))
    if check:
        for path in stale:
            click.echo(_safe(f"{path.as_posix()}: stale; run `briefing schema` to regenerate it"))
        sys.exit(EXIT_INVALID if stale else EXIT_OK)
    for path, data in stale.items():
        try:
            # Replaced, never written through: a link committed at this name could point anywhere.
            put_file(path, data)
        except CannotWrite as exc:
            _fail(exc)
        click.echo(_safe(f"wrote {path.as_posix()}"))
    if not stale:
        click.echo("schemas and field reference are up to date")


@cli.command("changes")
@click.option("--since", "since", required=True, metavar="REF",
              help="The Git revision to compare with: a branch, a tag or a commit (e.g. origin/main)")
@click.option("--data", "data", default="data", show_default=True, callback=_readable_dir,
              help="The data folder (anywhere in a Git work tree, its root included)")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True,
              help="markdown for people (a pull request's summary), json for programs")
def changes_cmd(since: str, data: str, fmt: str) -> None:
    """List the records added, changed (with the fields that changed) and removed since REF, by
    kind and id. Works on data that does not validate: files that cannot be read are listed.

    Example: briefing changes --since origin/main --format json"""
    from . import changes as changes_mod

    try:
        found = changes_mod.changes_since(since, Path(data))
    except changes_mod.GitError as exc:
        _fail(exc)
    click.echo(found.to_json() if fmt == "json" else found.to_markdown(), nl=fmt != "markdown")


@cli.command("fmt")
@click.argument("paths", nargs=-1, metavar="[FILE]...")
@click.option("--data", "data", default="data", show_default=True, callback=_readable_dir, help="The data folder")
@click.option("--check", is_flag=True, help="Change nothing: list the files that would change, and exit 1 if any would")
def fmt_cmd(paths: tuple[str, ...], data: str, check: bool) -> None:
    """Rewrite every data file in one canonical layout, keeping every comment, so that diffs show
    only real changes: keys in the data format's order, 2-space indentation, lists indented under
    their key, quotes only where a value would otherwise be read as something else (`'NO'`,
    `'007'`), UTF-8 without BOM, LF line ends, one final newline.

    Values never change: each file must read back exactly as before, or it is not written.
    Files that cannot be parsed are reported (path:line) and left as they are (exit 1).

    FILEs (optional) limit it to those files of the data folder, e.g. the ones a commit touches."""
    from . import fmt as fmt_mod

    root = Path(data).resolve()
    for path in paths:
        # The name itself is not resolved: a link in the data folder is reported as a link.
        if not fmt_mod.unresolved_name(path).is_relative_to(root):
            raise click.BadParameter(_safe(f"{path} is not in the data folder {data}"), param_hint="FILE")
    results = fmt_mod.format_folder(data, only=paths if paths else None, progress=_progress())
    changed = [r for r in results if r.changed]
    problems = [r.problem for r in results if r.problem is not None]
    for result in changed:
        if check:
            click.echo(_safe(f"{result.path}: would be reformatted"))
        else:
            try:
                replace_file(result.path, result.formatted or b"")
            except CannotWrite as exc:  # the file is as it was; the temporary file is gone
                _fail(exc, "it was left as it was")
            click.echo(_safe(f"formatted {result.path}"))
    for problem in problems:
        click.echo(problem.format_text(), err=True)
    parts = [f"{len(changed)} {'would be reformatted' if check else 'reformatted'}",
             f"{len(results) - len(changed) - len(problems)} already canonical"]
    if problems:
        parts.append(f"{len(problems)} could not be parsed and were left as they are")
    click.echo(f"{len(results):,} files: " + ", ".join(parts) + _took())
    if problems or (check and changed):
        if check and changed:
            click.echo("run `briefing fmt` to reformat them", err=True)
        sys.exit(EXIT_INVALID)


@cli.group("import")
def import_group() -> None:
    """Import records from other tools' exports (ACLED)."""


@import_group.command("acled", cls=_Command)
@click.argument("export", metavar="FILE.csv", type=click.Path(dir_okay=False))
@click.option("--data", "data", default="data", show_default=True, callback=_readable_dir, help="The data folder")
@click.option("--update", is_flag=True, help="Also overwrite incidents edited by hand since their import")
def import_acled_cmd(export: str, data: str, update: bool) -> None:
    """Write the events of an ACLED CSV export as records: one incident per event, and the regions,
    actors and sources it names, reusing those the data folder already has (by id, name or alias).

    Importing the same file again changes nothing. An incident edited by hand since its import is
    reported and left as it is, unless --update is given; an event missing from a newer export is
    reported, never deleted. A bad file or row stops the import and nothing is written.

    Example: briefing import acled acled-argentina-2022.csv"""
    from . import acled as acled_mod
    from .load import Refused, read_regular

    try:
        raw = read_regular(export, acled_mod.MAX_CSV_BYTES)
    except Refused as exc:
        click.echo(exc.problem(export).format_text(), err=True)
        click.echo("nothing was imported", err=True)
        sys.exit(EXIT_INVALID)
    try:
        plan = acled_mod.import_acled(raw, export, Path(data), update=update, progress=_progress())
    except acled_mod.ImportProblems as exc:
        for found in exc.problems:
            click.echo(found.format_text(), err=True)
        click.echo(f"{len(exc.problems):,} problem{'' if len(exc.problems) == 1 else 's'}; nothing was imported",
                   err=True)
        sys.exit(EXIT_INVALID)
    try:
        put_files(Path(data), [(f.path, f.data, f.replaces) for f in plan.files])
    except CannotWrite as exc:
        _fail(exc, "nothing was imported")
    except (Refusal, WriteError) as exc:
        _fail(exc)
    for found in plan.problems:
        click.echo(found.format_text(), err=True)
    made = ", ".join(f"{n:,} {folder if n != 1 else SINGULAR[folder]}" for folder, n in plan.created.items() if n)
    click.echo(f"{sum(plan.created.values()):,} created" + (f" ({made})" if made else "")
               + f", {plan.unchanged:,} unchanged, {plan.updated:,} updated, {plan.skipped:,} skipped" + _took())


T = TypeVar("T")


def _as_param(reader: Callable[[str], T], option: str) -> Callable[[str], T]:
    """`reader` with its NewError turned into click's usage error for `option` (exit 2; at a
    prompt, click asks again)."""
    from .new import NewError

    def read(value: str) -> T:
        try:
            return reader(value)
        except NewError as exc:
            raise click.BadParameter(_safe(str(exc)), param_hint=option) from None

    return read


@cli.command("new")
@click.argument("kind", type=click.Choice([SINGULAR[folder] for folder in READING_ORDER]))
@click.option("--id", "record_id", metavar="ID", help="The record's id (default: made from the title, with the "
              "date after it for incidents and statements)")
@click.option("--title", metavar="TEXT", help="An incident's title; the name of an actor, region or source; "
              "for a statement, only the words its id is made from")
@click.option("--date", "when", metavar="DATE", help="Incidents and statements: YYYY-MM-DD, YYYY-MM or YYYY "
              "(default: today); it also picks the folder, e.g. incidents/2020/04/")
@click.option("--data", "data", default="data", show_default=True, callback=_readable_dir, help="The data folder")
def new_cmd(kind: str, record_id: str | None, title: str | None, when: str | None, data: str) -> None:
    """Write the skeleton of a new record: every required field, each with a comment saying what it
    holds, in the right folder, ready for `briefing fmt` and for editors' schema hints.

    Example: briefing new incident --title "Coalition airstrike in Wadi Ashai" --date 2020-04-13

    On a terminal, missing values are asked for. Otherwise nothing is asked: the date defaults to
    today, the id is made from --title (give --id or --title, or the command stops with exit 2), and
    any other value not given (a title, a name) is left empty in the file, for `briefing validate`
    to flag until it is filled in. The command lists the fields left to fill.

    It never overwrites: an id that a record of the same kind already has, anywhere in the data
    folder, or an existing file is an error (exit 1), and nothing is written."""
    from . import new as new_mod

    interactive = sys.stdin is not None and sys.stdin.isatty()
    dated = kind in new_mod.DATED
    if when is not None and not dated:
        raise click.BadParameter("only incidents and statements have a date", param_hint="'--date'")

    if title is None and interactive and (kind != "statement" or record_id is None):
        label = {"incident": "Title (a one-line headline)",
                 "statement": "A few words naming the statement (for its id)"}
        title = click.prompt(label.get(kind, "Name"))
    point = None
    if dated:
        if when is None:
            # The one place the clock is read: a new record is dated today unless told otherwise.
            today = date.today().isoformat()
            when = click.prompt("Date (YYYY-MM-DD, YYYY-MM or YYYY)", default=today,
                                value_proc=_as_param(new_mod.read_date, "date")).iso() if interactive else today
        point = _as_param(new_mod.read_date, "'--date'")(when)
    if record_id is None:
        if title is None:
            raise click.UsageError("give --id, or --title to make the id from")
        try:
            derived: str | None = new_mod.derive_id(kind, title, point)
        except new_mod.NewError as exc:
            if not interactive:
                raise click.BadParameter(_safe(str(exc)), param_hint="'--title'") from None
            derived = None  # no latin letter in the title: the editor types the id
        if interactive:
            record_id = click.prompt("Id", default=derived, value_proc=_as_param(new_mod.check_id, "id"))
        else:
            record_id = derived
    assert record_id is not None
    _as_param(new_mod.check_id, "'--id'")(record_id)
    if kind == "statement":
        title = None  # a statement has no title: the words only made its id
    try:
        made = new_mod.create(Path(data), kind, record_id, title, point)
    except new_mod.NewError as exc:
        _fail(exc)
    except CannotWrite as exc:
        _fail(exc, "nothing was written")
    click.echo(_safe(f"wrote {made.path.as_posix()}"))
    if made.fill:
        click.echo(_safe("fill in: " + ", ".join(made.fill) + f"; then run `briefing validate {data}`"))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `briefing` console script."""
    try:
        cli.main(args=argv, prog_name="briefing", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except CannotWrite as exc:  # any other BriefingError reaching here is one no command expected: a bug
        _fail(exc)
    except OSError as exc:
        if exc.errno not in WRITE_ERRNOS:
            raise_bug(exc)
        # A full disk or a read-only folder met where no caller named the file: still one line.
        click.echo(_safe(f"briefing: cannot write {exc.filename or 'a file'}: {exc.strerror}"), err=True)
        sys.exit(EXIT_WRITE)
    except Exception as exc:  # noqa: BLE001  # the one place that turns a bug into exit 3
        raise_bug(exc)


def raise_bug(exc: BaseException) -> NoReturn:
    """An unexpected exception: one line naming it and where it was raised, exit 3."""
    where = traceback.extract_tb(exc.__traceback__)[-1]
    click.echo(_safe(
        f"briefing: internal error: {type(exc).__name__}: {exc} "
        f"(at {Path(where.filename).name}:{where.lineno}; this is a bug, please report it)"),
        err=True,
    )
    sys.exit(EXIT_BUG)


if __name__ == "__main__":
    main()
