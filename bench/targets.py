"""Issue 11's targets, measured in one command: every speed, memory and size target of the scale
work, each as a ratio to the bare parse of the same data timed in the same run.

Usage::

    .venv/bin/python bench/targets.py                      # 1k, 10k and 100k incidents, every measure
    .venv/bin/python bench/targets.py --sizes 1000 --runs 2  # a quick look (targets scaled to 1k)
    .venv/bin/python bench/targets.py --only validate-cold validate-edit --work build/bench

Data: `../shared/bench/synth.py N DIR` (the shared yardstick: N incidents and N/10 statements,
one file each, ten years, 139 regions, 360 actors), generated once per size into `--work` and
reused by later runs (delete the folder to start again). Each measure runs `briefing` as a fresh
process in a throwaway project (bench/project.py: the hand-written pages and a mkdocs.yml
inheriting the repository's), at least `--runs` times; the number reported is the minimum. The
peak memory is that of the largest process of the run (`ru_maxrss` of the waited children:
MkDocs, the PDF workers). A run over `--timeout` seconds is stopped and reported as such.

The baseline is the **bare parse**: a fresh Python walks the data folder, reads every `.yml`
file and runs `yaml.load(text, Loader=yaml.CSafeLoader)`. Targets that are seconds on any machine
(a page reloaded in `serve`, the example PDF) are given in seconds. A target met only on a quiet
machine is not met: the load average before the run is printed with the machine.

Prints a Markdown table for docs/performance.md; progress goes to standard error.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from project import BRIEFING, ROOT, project  # bench/project.py: run as a script, bench/ is on the path

PYTHON = ROOT / ".venv" / "bin" / "python"
SYNTH = ROOT.parent / "shared" / "bench" / "synth.py"

BARE_PARSE = """
import os, sys, yaml
n = 0
for folder, _, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith('.yml'):
            with open(os.path.join(folder, name), encoding='utf-8') as f:
                yaml.load(f.read(), Loader=yaml.CSafeLoader)
            n += 1
print(n)
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Run:
    """One fresh process: wall seconds, CPU seconds (it and its children), the peak memory of
    its largest process (MiB), what it printed, and whether it ran out of time."""

    wall: float
    cpu: float
    rss_mb: float
    output: str
    timed_out: bool = False


def timed(args: list[str], cwd: Path, timeout: float) -> Run:
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    timed_out = False
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        timed_out = True
    wall = time.perf_counter() - start
    # Of every child this process waited for, so far: run_isolated gives each run a process of
    # its own. ru_maxrss is the peak of the largest one (not a sum).
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = children.ru_utime + children.ru_stime
    rss = children.ru_maxrss / 1024
    if proc.returncode != 0 and not timed_out:
        sys.exit(f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{output[-3000:]}")
    return Run(wall, cpu, rss, output, timed_out)


def run_isolated(args: list[str], cwd: Path, timeout: float) -> Run:
    """`timed` in a child Python of its own, so that the CPU time and the peak memory are those of
    this run alone (RUSAGE_CHILDREN of a process accumulates over every child it waited for)."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); from targets import timed; "
            "from pathlib import Path; r = timed(json.loads(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4])); "
            "print(json.dumps([r.wall, r.cpu, r.rss_mb, r.timed_out])); sys.stderr.write(r.output[-2000:])")
    import json

    proc = subprocess.run([str(PYTHON), "-c", code, str(Path(__file__).parent), json.dumps([str(a) for a in args]),
                           str(cwd), str(timeout)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}")
    wall, cpu, rss, timed_out = json.loads(proc.stdout.strip().splitlines()[-1])
    return Run(wall, cpu, rss, proc.stderr, timed_out)


# --- data and projects --------------------------------------------------------------------------------


def dataset(work: Path, size: int) -> Path:
    """synth.py's data of `size` incidents, made once into `work/data-<size>` (a marker file says
    it is complete, so an interrupted generation is made again)."""
    data = work / f"data-{size}"
    done = work / f"data-{size}.complete"
    if not done.exists():
        shutil.rmtree(data, ignore_errors=True)
        log(f"generating {size:,} incidents with {SYNTH}")
        subprocess.run([sys.executable, str(SYNTH), str(size), str(data)], check=True)
        done.touch()
    return data


def fresh_project(work: Path, name: str, data: Path) -> tuple[Path, list[str]]:
    """A throwaway project `work/<name>` with its own copy of `data` (measures edit their data)."""
    root = work / name
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copytree(data, root / "data")
    return root, project(root, root / "data")


def edit_one_title(data: Path, n: int) -> Path:
    """Change the title of one incident (the n-th edit gives a new title each time)."""
    path = min(data.glob("incidents/**/*.yml"))
    text = path.read_text("utf-8")
    text = re.sub(r"^title: .*$", f"title: Edited title number {n} for the benchmark", text, count=1, flags=re.M)
    path.write_text(text, "utf-8")
    return path


# --- the measures -------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    what: str
    size: int
    target: str
    measured: str
    met: bool | None  # None: not measured (timed out, or a capability that is missing)
    note: str = ""


@dataclass
class Bench:
    work: Path
    runs: int
    timeout: float
    bare: dict[int, float] = field(default_factory=dict)

    def bare_parse(self, size: int) -> float:
        if size not in self.bare:
            data = dataset(self.work, size)
            times = [timed([str(PYTHON), "-c", BARE_PARSE, str(data)], self.work, self.timeout).wall
                     for _ in range(max(self.runs, 2))]
            self.bare[size] = min(times)
            log(f"bare parse of {size:,}: {self.bare[size]:.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)})")
        return self.bare[size]

    def ratio_result(self, name: str, what: str, size: int, runs: list[Run], limit: float, extra: str = "",
                     rss_limit_mb: float | None = None) -> Result:
        base = self.bare_parse(size)
        if any(r.timed_out for r in runs):
            return Result(name, what, size, f"≤ {limit:g}× bare parse", f"> {self.timeout:.0f} s (stopped)", False)
        best = min(r.wall for r in runs)
        ratio = best / base
        rss = max(r.rss_mb for r in runs)
        met = ratio <= limit and (rss_limit_mb is None or rss <= rss_limit_mb)
        target = f"≤ {limit:g}× bare parse (≤ {limit * base:.1f} s here)"
        if rss_limit_mb is not None:
            target += f"; largest process ≤ {rss_limit_mb / 1024:g} GB"
        measured = f"{best:.1f} s = {ratio:.2f}×; largest process {rss:,.0f} MiB"
        return Result(name, what, size, target, measured + (f"; {extra}" if extra else ""), met)

    def seconds_result(self, name: str, what: str, size: int, times: list[float], limit: float) -> Result:
        if not times:
            return Result(name, what, size, f"≤ {limit:g} s", "not measured", None)
        best = min(times)
        runs = ", ".join(f"{t:.2f}" for t in times)
        return Result(name, what, size, f"≤ {limit:g} s", f"{best:.2f} s (runs: {runs})", best <= limit)

    # Each measure: (bench, size) -> Result. `size` is the data size the measure is defined at;
    # a smaller --sizes run measures at the largest size given (the ratio is what is compared).

    def site_cold(self, size: int) -> Result:
        runs = []
        for i in range(self.runs):
            root, build = fresh_project(self.work, f"site-cold-{size}", dataset(self.work, size))
            log(f"make site, {size:,}, empty PDF cache, run {i + 1}")
            runs.append(run_isolated([*build, "--pdf-cache", str(root / ".cache" / "pdf")], root, self.timeout))
            if runs[-1].timed_out:
                break
        limit = 45 if size < 100_000 else 30
        pdfs = re.search(r"PDFs: (\d+) rendered", runs[-1].output)
        return self.ratio_result("site-cold", "`make site`, every PDF, empty cache", size, runs, limit,
                                 f"{pdfs.group(1)} PDFs" if pdfs else "",
                                 rss_limit_mb=2048 if size >= 100_000 else None)

    def site_edit(self, size: int) -> Result:
        root, build = fresh_project(self.work, f"site-edit-{size}", dataset(self.work, size))
        build = [*build, "--pdf-cache", str(root / ".cache" / "pdf")]
        log(f"make site, {size:,}: the first build (warms the cache; not counted)")
        first = run_isolated(build, root, self.timeout)
        if first.timed_out:
            return Result("site-edit", "`make site` after one edit, cache warm", size, "≤ 5× bare parse",
                          f"the first build took over {self.timeout:.0f} s", None)
        runs = []
        for i in range(self.runs):
            edit_one_title(root / "data", i)
            log(f"make site, {size:,}, one title edited, run {i + 1}")
            runs.append(run_isolated(build, root, self.timeout))
        return self.ratio_result("site-edit", "`make site` after one edit, cache warm", size, runs, 5)

    def build_nopdf(self, size: int) -> Result:
        runs = []
        for i in range(self.runs):
            root, build = fresh_project(self.work, f"nopdf-{size}", dataset(self.work, size))
            log(f"briefing build --no-pdf, {size:,}, run {i + 1}")
            runs.append(run_isolated([*build, "--no-pdf"], root, self.timeout))
            if runs[-1].timed_out:
                break
        result = self.ratio_result("build-nopdf", "`briefing build --no-pdf`", size, runs, 6)
        index = self.work / f"nopdf-{size}" / "site" / "search" / "search_index.json"
        if index.is_file():
            self.search_index_bytes = (size, len(gzip.compress(index.read_bytes(), 9)))
        return result

    def search_index(self, size: int) -> Result:
        found = getattr(self, "search_index_bytes", None)
        if found is None or found[0] != size:
            self.build_nopdf(size)
            found = getattr(self, "search_index_bytes", None)
        if found is None:
            return Result("search-index", "search index, gzipped", size, "≤ 5 MB", "no index built", None)
        gz = found[1]
        return Result("search-index", "search index, gzipped", size, "≤ 5 MB", f"{gz / 1e6:.2f} MB", gz <= 5e6)

    def _supports(self, *flags: str) -> bool:
        helptext = subprocess.run([str(BRIEFING), "validate", "--help"], capture_output=True, text=True).stdout
        return all(flag in helptext for flag in flags)

    def validate_cold(self, size: int) -> Result:
        data = dataset(self.work, size)
        no_cache = ["--no-cache"] if self._supports("--no-cache") else []
        runs = []
        for i in range(self.runs):
            log(f"briefing validate {' '.join(no_cache)}, {size:,}, run {i + 1}")
            runs.append(run_isolated([str(BRIEFING), "validate", *no_cache, str(data)], self.work, self.timeout))
        result = self.ratio_result("validate-cold", "cold `briefing validate --no-cache`", size, runs, 0.5)
        if not no_cache:
            result.note = "briefing has no validation cache yet: a plain `validate`"
        return result

    def validate_edit(self, size: int) -> Result:
        root, _ = fresh_project(self.work, f"validate-edit-{size}", dataset(self.work, size))
        command = [str(BRIEFING), "validate", str(root / "data")]
        log(f"briefing validate, {size:,}: the first run (fills the cache; not counted)")
        run_isolated(command, root, self.timeout)
        runs = []
        for i in range(self.runs):
            edit_one_title(root / "data", i)
            log(f"briefing validate, {size:,}, one file edited, run {i + 1}")
            runs.append(run_isolated(command, root, self.timeout))
        result = self.ratio_result("validate-edit", "`briefing validate` after one edit", size, runs, 0.1)
        if not self._supports("--no-cache"):
            result.note = "briefing has no validation cache yet"
        return result

    def pdf_example(self, size: int) -> Result:
        del size  # the example data has its own size
        times = []
        for i in range(max(self.runs, 3)):
            out = self.work / f"example-{i}.pdf"
            log(f"briefing pdf --month 2020-04 (example data), run {i + 1}")
            run = run_isolated([str(BRIEFING), "pdf", "--month", "2020-04", "--data", str(ROOT / "data"),
                                "--content", str(ROOT / "content"), "-o", str(out)], ROOT, self.timeout)
            times.append(run.wall)
        return self.seconds_result("pdf-example", "`briefing pdf --month` of the example data", 0, times, 1.5)

    def pdf_month(self, size: int) -> Result:
        from bench_pdf import into_april_2020

        root = self.work / f"month-{size}"
        if not (root / "data.complete").exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            shutil.copytree(dataset(self.work, size), root / "data")
            into_april_2020(root / "data")
            (root / "data.complete").touch()
        times = []
        for i in range(self.runs):
            log(f"briefing pdf --month 2020-04 of {size:,} incidents moved into April 2020, run {i + 1}")
            run = run_isolated([str(BRIEFING), "pdf", "--month", "2020-04", "--data", str(root / "data"),
                                "-o", str(root / "month.pdf")], root, self.timeout)
            if run.timed_out:
                break
            times.append(run.wall)
        return self.seconds_result("pdf-month", "a month of synthetic incidents as one PDF", size, times, 20)

    def serve_edit(self, size: int) -> Result:
        """`briefing serve` on the data; one title edited; the seconds until the page that shows
        the record serves the new title (what a browser's live reload then fetches)."""
        root, _ = fresh_project(self.work, f"serve-{size}", dataset(self.work, size))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = subprocess.Popen([str(BRIEFING), "serve", "--data", str(root / "data"), "--content",
                                 str(root / "content"), "--mkdocs-config", str(root / "mkdocs.yml"),
                                 "--port", str(port)], cwd=root, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        times: list[float] = []
        try:
            path = min((root / "data").glob("incidents/**/*.yml"))
            month = re.search(r"incidents/(\d{4})/(\d{2})/", path.as_posix())
            page = f"/timeline/{month.group(1)}-{month.group(2)}/" if month else "/"
            if not self._wait_for(port, page, None, self.timeout):
                return Result("serve-edit", "`briefing serve`: one edit until its page shows it", size, "≤ 3 s",
                              f"the server did not serve {page} within {self.timeout:.0f} s", None)
            for i in range(self.runs):
                marker = f"Edited title number {i} for the benchmark"
                time.sleep(2)  # the watcher settles
                start = time.perf_counter()
                edit_one_title(root / "data", i)
                if not self._wait_for(port, page, marker, self.timeout):
                    break
                times.append(time.perf_counter() - start)
                log(f"serve, {size:,}: the edit showed after {times[-1]:.2f} s")
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        return self.seconds_result("serve-edit", "`briefing serve`: one edit until its page shows it", size, times, 3)

    @staticmethod
    def _wait_for(port: int, page: str, text: str | None, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", page)
                response = conn.getresponse()
                body = response.read().decode("utf-8", "replace")
                conn.close()
                if response.status == 200 and (text is None or text in body):
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False


#: name -> (the method, the sizes it is defined at: the issue's table).
MEASURES: dict[str, tuple[Callable[[Bench, int], Result], tuple[int, ...]]] = {
    "site-cold": (Bench.site_cold, (10_000, 100_000)),
    "site-edit": (Bench.site_edit, (10_000,)),
    "serve-edit": (Bench.serve_edit, (10_000,)),
    "build-nopdf": (Bench.build_nopdf, (100_000,)),
    "search-index": (Bench.search_index, (100_000,)),
    "validate-cold": (Bench.validate_cold, (100_000,)),
    "validate-edit": (Bench.validate_edit, (100_000,)),
    "pdf-example": (Bench.pdf_example, (0,)),
    "pdf-month": (Bench.pdf_month, (10_000,)),
}


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    load = os.getloadavg()
    return (f"{cpu}, {os.cpu_count()} CPUs, {mem / 1024 / 1024:.0f} GB; {platform.platform()}; "
            f"Python {platform.python_version()}; load average before the run {load[0]:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000],
                        help="data sizes to generate; a measure defined at a size not given runs at the "
                             "largest size given below it")
    parser.add_argument("--runs", type=int, default=2, help="runs of each measure (the minimum is reported)")
    parser.add_argument("--only", nargs="+", choices=sorted(MEASURES), help="only these measures")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench",
                        help="where the data and projects go (kept between runs)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a run is stopped")
    args = parser.parse_args(argv)
    if not SYNTH.is_file():
        parser.error(f"{SYNTH} is missing: the shared folder must sit beside the repository")
    args.work.mkdir(parents=True, exist_ok=True)
    described = machine()
    bench = Bench(args.work, max(args.runs, 1), args.timeout)
    results = []
    done: set[tuple[str, int]] = set()
    for name in args.only or list(MEASURES):
        method, defined = MEASURES[name]
        for size in defined:
            at = size if size == 0 or size in args.sizes else max((s for s in args.sizes if s <= size), default=0)
            if (size and not at) or (name, at) in done:  # two sizes falling back to one: measured once
                continue
            done.add((name, at))
            results.append(method(bench, at))
            log(f"{name} at {at:,}: {results[-1].measured} ({'met' if results[-1].met else 'NOT met'})")
    print(f"Machine: {described}\n")
    print("Bare parse (walk, read, `yaml.load(CSafeLoader)`): "
          + "; ".join(f"{size:,} incidents {t:.2f} s" for size, t in sorted(bench.bare.items())) + "\n")
    print("| measure | data | target | measured (minimum of the runs) | met |")
    print("|---|---|---|---|---|")
    for r in results:
        data = "example data" if r.size == 0 else f"{r.size:,} incidents"
        met = "yes" if r.met else "not measured" if r.met is None else "**no**"
        print(f"| {r.what} | {data} | {r.target} | {r.measured}{f' ({r.note})' if r.note else ''} | {met} |")
    return 0 if all(r.met for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
