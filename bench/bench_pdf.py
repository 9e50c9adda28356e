"""Benchmark the PDF briefings: `briefing pdf --month` and what PDFs add to `briefing build`.

Usage::

    .venv/bin/python bench/bench_pdf.py                       # the example data only
    .venv/bin/python bench/bench_pdf.py --month-incidents 10000 [--site]

Two datasets:

- the example data (data/): `briefing pdf --month 2020-04`, and `briefing build` in a temporary
  project: `--no-pdf`; with PDFs and an empty cache (a fresh clone); again with nothing changed;
  and again after one incident of April 2020 changed;
- with `--month-incidents N`: N synthetic incidents (and N/10 statements) from bench/make_data.py,
  all moved into April 2020 (day dates keep their day of the month; month, year and span dates
  become April 2020, 2020, and a span inside April): `briefing pdf --month 2020-04`, and with
  `--site` also `briefing build` as for the example data (slow: the month, the country and every
  governorate and district with records each get a PDF of that month).

Each command runs as a fresh process timed by wall clock, with its CPU time (user + system, the
process and its children) and peak memory. Prints Markdown tables for docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from project import BRIEFING, project  # bench/project.py: run as a script, bench/ is on the path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    output: str


def timed(args: list[str], cwd: Path) -> Run:
    """One fresh process: wall-clock seconds, CPU seconds and peak RSS (of it and the processes it
    waited for: MkDocs, the PDF workers)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(args)} failed:\n{output[-3000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output)


def clear_generated(work: Path) -> None:
    """Remove the generated pages, so that the next build starts as on a fresh clone."""
    sys.path.insert(0, str(ROOT))
    from generator.write import GENERATED

    for name in GENERATED:
        target = work / "content" / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


_DAY = re.compile(r"^date: (\d{4})-(\d{2})-(\d{2})$", re.M)
_MONTH = re.compile(r"^date: (\d{4})-(\d{2})$", re.M)
_YEAR = re.compile(r"^date: (\d{4})$", re.M)
_SPAN = re.compile(r"^date: \{from: (\d{4}-\d{2}-\d{2}), to: (\d{4}-\d{2}-\d{2})\}$", re.M)


def into_april_2020(data: Path) -> None:
    """Move every incident and statement of a make_data.py dataset into April 2020 (see above)."""
    def span(m: re.Match[str]) -> str:
        a, b = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
        first = min(a.day, 30)
        return f"date: {{from: 2020-04-{first:02d}, to: 2020-04-{min(first + (b - a).days, 30):02d}}}"

    for path in sorted([*data.glob("incidents/**/*.yml"), *data.glob("statements/**/*.yml")]):
        text = path.read_text(encoding="utf-8")
        text = _DAY.sub(lambda m: f"date: 2020-04-{min(int(m[3]), 30):02d}", text)
        text = _MONTH.sub("date: 2020-04", text)
        text = _YEAR.sub("date: 2020", text)
        text = _SPAN.sub(span, text)
        path.write_text(text, encoding="utf-8")


def pages_of(pdf: Path) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf.read_bytes())).pages)


def row(label: str, run: Run, extra: str = "") -> str:
    line = f"| {label} | {run.wall:.1f} s | {run.cpu:.1f} s | {run.rss_mb:,.0f} MiB | {extra} |"
    print(line, file=sys.stderr, flush=True)  # as it comes: a long run that fails keeps what it measured
    return line


def change_one_incident(data: Path) -> str:
    """Add one to a death toll of the first incident dated to a day of April 2020 (its month's PDF
    and its regions' PDFs change); returns its file name."""
    killed = re.compile(r"(\bkilled: )(\d+)\b")  # block (`killed: 3`) or flow style (`{..., killed: 3}`)
    for path in sorted(data.glob("incidents/**/*.yml")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^date: 2020-04-\d\d$", text, re.M) and killed.search(text):
            path.write_text(killed.sub(lambda m: f"{m[1]}{int(m[2]) + 1}", text, count=1), encoding="utf-8")
            return path.name
    sys.exit("no incident dated to a day of April 2020 with a plain death toll")


def builds(work: Path, data: Path, label: str) -> list[str]:
    """`briefing build` with --no-pdf, then with PDFs from an empty cache, again with nothing
    changed, and again after one incident changed."""
    rows = []
    build = project(work, data)
    run = timed(build + ["--no-pdf"], work)
    rows.append(row(f"`briefing build --no-pdf`{label}", run))
    clear_generated(work)
    shutil.rmtree(work / ".cache", ignore_errors=True)
    run = timed(build, work)
    count = len(list((work / "content" / "pdf").glob("*.pdf")))
    rows.append(row(f"`briefing build`{label}, empty PDF cache", run, f"{count} PDFs"))
    run = timed(build, work)
    rows.append(row(f"`briefing build`{label}, again: nothing changed", run, "every PDF from the cache"))
    change_one_incident(data)
    run = timed(build, work)
    rendered = re.search(r"PDFs: (\d+) rendered", run.output)
    rows.append(row(f"`briefing build`{label}, again: one incident changed", run,
                    f"{rendered.group(1)} PDFs rendered" if rendered else ""))
    return rows


def example(work: Path) -> list[str]:
    work.mkdir()
    data = work / "data"
    shutil.copytree(ROOT / "data", data)
    out = work / "april.pdf"
    run = timed([str(BRIEFING), "pdf", "--month", "2020-04", "--data", str(data), "-o", str(out)], work)
    rows = [row("`briefing pdf --month 2020-04`", run, f"{pages_of(out)} pages, {out.stat().st_size / 1e3:.0f} kB")]
    return rows + builds(work, data, "")


def month(work: Path, incidents: int, site: bool) -> list[str]:
    data = work / "data"
    subprocess.run([str(PYTHON), str(ROOT / "bench" / "make_data.py"), "--incidents", str(incidents),
                    "--out", str(data)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    into_april_2020(data)
    rows = []
    out = work / "month.pdf"
    run = timed([str(BRIEFING), "pdf", "--month", "2020-04", "--data", str(data), "-o", str(out)], work)
    summary = run.output.strip().splitlines()[-1].split(": ", 1)[-1]
    rows.append(row(f"`briefing pdf --month 2020-04`, {incidents:,} incidents", run,
                    f"{pages_of(out):,} pages, {out.stat().st_size / 1e6:.1f} MB ({summary})"))
    if site:
        rows += builds(work, data, f", {incidents:,} incidents in a month")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month-incidents", type=int, nargs="*", default=[],
                        help="also time N synthetic incidents in one month (e.g. 1000 10000)")
    parser.add_argument("--site", action="store_true", help="with --month-incidents: also time `briefing build`")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        print("the example data...", file=sys.stderr)
        rows += example(Path(tmp) / "example")
    for n in args.month_incidents:
        with tempfile.TemporaryDirectory(prefix=f"bench-pdf-{n}-") as tmp:
            print(f"{n} incidents in April 2020...", file=sys.stderr)
            rows += month(Path(tmp), n, args.site)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print("| command | wall clock | CPU | peak RSS | result |")
    print("|---|---:|---:|---:|---|")
    print("\n".join(rows))
    print(f"\nMachine: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
