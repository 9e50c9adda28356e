"""The `briefing` command line: parse arguments, call the library, print, exit.

Exit codes: 0 valid (warnings allowed), 1 the data has errors, 2 usage error or a data folder that
does not exist or cannot be read, 3 an internal error (a bug: reported in one line, no traceback).
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from datetime import date
from pathlib import Path

import click

from . import schema as schema_mod
from .validate import validate

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


def _readable_dir(ctx: click.Context, param: click.Parameter, value: str) -> str:
    path = Path(value)
    if not path.exists():
        raise click.BadParameter(f"the folder {value!r} does not exist", ctx, param)
    if not path.is_dir():
        raise click.BadParameter(f"{value!r} is a file, not a folder", ctx, param)
    if not os.access(path, os.R_OK | os.X_OK):
        raise click.BadParameter(f"the folder {value!r} cannot be read", ctx, param)
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="briefing")
def cli() -> None:
    """Validate conflict-incident data and publish it as briefings."""


@cli.command("validate")
@click.argument("path", default="data", callback=_readable_dir)
@click.option("--format", "fmt", type=click.Choice(["text", "github", "json"]), default="text",
              show_default=True, help="text for people, github for workflow annotations, json for programs")
@click.option("--config", "config", type=click.Path(dir_okay=False, exists=True),
              help="The site configuration (default: briefing.yml beside the data folder)")
def validate_cmd(path: str, fmt: str, config: str | None) -> None:
    """Check every file under PATH (default: data) and explain every problem at its file and line."""
    result = validate(path, config)
    report = result.report
    if fmt == "json":
        click.echo(report.to_json())
    elif fmt == "github":
        text = report.to_github()
        if text:
            click.echo(text)
        click.echo(report.summary())
    else:
        for problem in report.sorted():
            click.echo(problem.format_text())
        click.echo(report.summary())
    sys.exit(EXIT_OK if report.ok else EXIT_INVALID)


def _print_report(report, fmt: str = "text") -> None:  # type: ignore[no-untyped-def]
    for problem in report.sorted():
        click.echo(problem.format_text(), err=True)
    click.echo(report.summary(), err=True)


@cli.command("build")
@click.option("--data", "data", default="data", show_default=True, callback=_readable_dir, help="The data folder")
@click.option("--content", default="content", show_default=True, help="MkDocs' docs folder (generated parts only are written)")
@click.option("--mkdocs-config", default="mkdocs.yml", show_default=True, type=click.Path(dir_okay=False))
@click.option("--site", "site_dir", default="site", show_default=True, help="Where the built site goes")
@click.option("--preview", is_flag=True, help="Include draft and review records, with a banner on each")
@click.option("--pages-only", is_flag=True, help="Write the Markdown pages only; do not run MkDocs")
@click.option("--no-pdf", is_flag=True, help="Make no PDF briefings (quicker; month and region pages then link none)")
@click.option("--pdf-cache", default=".cache/briefing-pdf", show_default=True,
              help="Where rendered PDFs are kept by the hash of their HTML, so that unchanged ones are not rendered again")
def build_cmd(data: str, content: str, mkdocs_config: str, site_dir: str, preview: bool, pages_only: bool,
              no_pdf: bool, pdf_cache: str) -> None:
    """Validate the data, write the site's pages and PDF briefings, and build the site with MkDocs
    (--strict).

    Invalid data stops the build before anything is written: the previous pages and site stay."""
    from . import site as site_mod

    result = validate(data)
    if not result.report.ok:
        _print_report(result.report)
        sys.exit(EXIT_INVALID)
    for problem in result.report.sorted():  # warnings
        click.echo(problem.format_text(), err=True)
    written = site_mod.generate(result.dataset, result.config, Path(content), preview=preview, pdfs=not no_pdf,
                                pdf_cache=Path(pdf_cache))
    click.echo(f"pages: {len(written.written)} written, {len(written.unchanged)} unchanged, "
               f"{len(written.deleted)} deleted in {content}/")
    if pages_only:
        return
    try:
        site_mod.mkdocs_build(Path(mkdocs_config), Path(site_dir))
    except site_mod.BuildError as exc:
        click.echo(exc.output, err=True)
        click.echo(f"mkdocs build failed; {site_dir}/ was left as it was", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"site built in {site_dir}/")


def _day(value: str, option: str, end: bool = False) -> date:
    """A day from the command line: `2020-04-13`; for --from/--to also a month or a year
    (`--from 2020-01 --to 2020-03`: the first day of January to the last day of March)."""
    from .dates import DateError, parse_point

    try:
        point = parse_point(value)
    except DateError as exc:
        raise click.BadParameter(exc.message, param_hint=f"'{option}'") from None
    if option == "--issued" and point.precision != "day":
        raise click.BadParameter(f"`{value}` is not a day; write YYYY-MM-DD", param_hint="'--issued'")
    return point.end if end else point.start


def _known(kind: str, value: str, records: dict) -> None:  # type: ignore[type-arg]
    """A usage error (exit 2) for an id the data does not have, with the id it may have meant
    (ids, names and aliases all point at their id)."""
    from .problems import did_you_mean

    if value in records:
        return
    labels: dict[str, str] = {}
    for record_id, entry in records.items():
        labels.setdefault(record_id, record_id)
        for name in [entry.record.name, *entry.record.aliases]:
            labels.setdefault(name, record_id)
    raise click.BadParameter(f"there is no {kind} with id `{value}`" + did_you_mean(value, labels, labels),
                             param_hint=f"'--{kind}'")


@cli.command("pdf")
@click.option("--from", "start", metavar="DATE", help="The first day of the period (YYYY-MM-DD; a month or year: its first day)")
@click.option("--to", "end", metavar="DATE", help="The last day of the period (YYYY-MM-DD; a month or year: its last day)")
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
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="The PDF file to write")
def pdf_cmd(start: str | None, end: str | None, month: str | None, region: str | None, actor: str | None,
            title: str | None, paper: str, data: str, content: str, issued: str | None, preview: bool,
            output: str) -> None:
    """Write a printable PDF briefing of a period, optionally for one region or one actor.

    Example: briefing pdf --month 2020-04 -o april.pdf

    Records count in the period when their whole date lies inside it; records whose date only
    overlaps it are listed apart, as possibly in this period. Invalid data prints the validator's
    report and writes no PDF (exit 1)."""
    from . import pdf as pdf_mod
    from .views.briefing import Request

    if month is not None:
        if start is not None or end is not None:
            raise click.UsageError("give either --month or --from and --to, not both")
        if not re.fullmatch(r"\d{4}-\d{2}", month):
            raise click.BadParameter(f"`{month}` is not a month; write YYYY-MM", param_hint="'--month'")
        first, last = _day(month, "--month"), _day(month, "--month", end=True)
    elif start is None or end is None:
        raise click.UsageError("give the period: --month YYYY-MM, or --from DATE and --to DATE")
    else:
        first, last = _day(start, "--from"), _day(end, "--to", end=True)
        if last < first:
            raise click.BadParameter(f"the period ends ({end}) before it starts ({start})", param_hint="'--to'")
    issued_day = _day(issued, "--issued") if issued else None

    result = validate(data)
    if not result.report.ok:
        _print_report(result.report)
        click.echo("no PDF written: the data has errors", err=True)
        sys.exit(EXIT_INVALID)
    for problem in result.report.sorted():  # warnings
        click.echo(problem.format_text(), err=True)
    if region:
        _known("region", region, result.dataset.regions)
    if actor:
        _known("actor", actor, result.dataset.actors)
    request = Request(first, last, region=region, actor=actor, title=title, issued=issued_day)
    rendered = pdf_mod.briefing_pdf(result.dataset, result.config, request, content=Path(content),
                                    preview=preview, paper=paper)
    target = Path(output)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(rendered.data)
    os.replace(tmp, target)  # never half a PDF under the name asked for
    b = rendered.briefing
    click.echo(f"wrote {output}: {b.period.title}, {b.counted_incidents} incidents and {b.counted_statements} "
               f"statements" + (f" ({b.possibly_count} more possibly in the period)" if b.possibly_count else "")
               + ("; key judgements from " + f"{content}/{b.judgements_file}" if b.judgements else ""))


@cli.command("serve")
@click.option("--data", "data", default="data", show_default=True, callback=_readable_dir, help="The data folder")
@click.option("--preview", is_flag=True, help="Include draft and review records, with a banner on each")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="The port to serve on")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to serve on")
@click.option("--content", default="content", show_default=True, help="MkDocs' docs folder (generated parts only are written)")
@click.option("--mkdocs-config", default="mkdocs.yml", show_default=True, type=click.Path(dir_okay=False, exists=True))
def serve_cmd(data: str, preview: bool, port: int, host: str, content: str, mkdocs_config: str) -> None:
    """Write the pages and serve the site with live reload; re-validate and rewrite the pages
    whenever a data file changes (invalid data is reported, and the last good pages stay).

    Ctrl-C stops the server."""
    from . import serve as serve_mod

    sys.exit(serve_mod.serve(Path(data), Path(content), Path(mkdocs_config), host=host, port=port,
                             preview=preview))


@cli.command("schema")
@click.option("--out", default="schemas", show_default=True, help="Folder for the JSON Schemas")
@click.option("--reference", default="docs/data-reference.md", show_default=True,
              help="Where to write the generated field reference")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when the committed files are stale")
def schema_cmd(out: str, reference: str, check: bool) -> None:
    """Write the JSON Schemas (one per record kind) and the field reference, from the models."""
    files = schema_mod.generated_files(Path(out), Path(reference))
    stale = [path for path, text in files.items() if not path.is_file() or path.read_text("utf-8") != text]
    if check:
        for path in stale:
            click.echo(f"{path.as_posix()}: stale; run `briefing schema` to regenerate it")
        sys.exit(EXIT_INVALID if stale else EXIT_OK)
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8")
        click.echo(f"wrote {path.as_posix()}")
    if not stale:
        click.echo("schemas and field reference are up to date")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `briefing` console script."""
    try:
        cli.main(args=argv, prog_name="briefing", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the one place that turns a bug into exit 3
        where = traceback.extract_tb(exc.__traceback__)[-1]
        click.echo(
            f"briefing: internal error: {type(exc).__name__}: {exc} "
            f"(at {Path(where.filename).name}:{where.lineno}; this is a bug, please report it)",
            err=True,
        )
        sys.exit(EXIT_BUG)


if __name__ == "__main__":
    main()
