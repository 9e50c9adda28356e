"""Benchmark the whole site build on synthetic data: `briefing build` (validate, write the pages,
`mkdocs build --strict`) for 1k and 10k incidents, without the PDF briefings (bench_pdf.py
measures those).

Usage::

    .venv/bin/python bench/bench_site.py --incidents 1000 10000 [--repeat 1]

For each size it generates data with `bench/make_data.py` into a temporary folder, copies the
hand-written pages of content/ beside it with a mkdocs.yml that inherits the repository's, runs
`briefing build` as a fresh process timed by wall clock, and reports: build time (and how much of
it the pages step took, from a `--pages-only` run), pages in the site, the size of the site and of
`search/search_index.json` (documents and bytes), and peak memory. Prints a Markdown table for
docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from generator.write import GENERATED  # noqa: E402  # after the repository is put on the path
from project import project  # noqa: E402  # bench/project.py (bench/ is on the path)

PYTHON = ROOT / ".venv" / "bin" / "python"


def prepare(work: Path, incidents: int) -> list[str]:
    """Synthetic data and a project for it inside `work`; the `briefing build` command."""
    data = work / "data"
    subprocess.run([str(PYTHON), str(ROOT / "bench" / "make_data.py"), "--incidents", str(incidents),
                    "--out", str(data)], check=True, stdout=subprocess.DEVNULL)
    return project(work, data)


def timed(args: list[str], cwd: Path) -> tuple[float, int]:
    """Wall-clock seconds and peak RSS (KiB) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    output = proc.stdout.read() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(args)} failed:\n{output[-3000:]}")
    return elapsed, usage.ru_maxrss


def measure(incidents: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix=f"bench-site-{incidents}-") as tmp:
        work = Path(tmp)
        common = prepare(work, incidents) + ["--no-pdf"]  # PDF briefings: bench/bench_pdf.py
        pages_s, _ = timed(common + ["--pages-only"], work)
        for name in GENERATED:  # the full build below starts cold, as on a fresh clone
            target = work / "content" / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
        total_s, rss = timed(common, work)
        site = work / "site"
        html = list(site.rglob("*.html"))
        index = site / "search" / "search_index.json"
        docs = len(json.loads(index.read_text("utf-8"))["docs"])
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        md_pages = len(list((work / "content").rglob("*.md")))
        return {
            "incidents": incidents, "files": sum(1 for _ in (work / "data").rglob("*.yml")), "total_s": total_s,
            "pages_s": pages_s, "html": len(html), "md": md_pages, "site_mb": size / 1e6,
            "index_mb": index.stat().st_size / 1e6, "index_docs": docs, "rss_mb": rss / 1024,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args(argv)
    rows = []
    for n in args.incidents:
        print(f"building the site for {n} incidents...", file=sys.stderr)
        rows.append(measure(n))
        print(rows[-1], file=sys.stderr)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print("| incidents | data files | `briefing build` | of which pages | HTML pages | site size | "
          "search index | index entries | peak RSS |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['incidents']:,} | {r['files']:,} | {r['total_s']:.1f} s | {r['pages_s']:.1f} s | {r['html']:,} | "
              f"{r['site_mb']:.1f} MB | {r['index_mb']:.1f} MB | {r['index_docs']:,} | {r['rss_mb']:.0f} MiB |")
    print(f"\nMachine: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}. "
          "`of which pages` is a separate `--pages-only` run (validate + write Markdown and charts).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
