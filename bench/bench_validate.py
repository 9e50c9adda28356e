"""Benchmark ``briefing validate`` against a bare YAML parse of the same files.

Usage::

    .venv/bin/python bench/bench_validate.py --incidents 100000
    .venv/bin/python bench/bench_validate.py --incidents 100000 --keep /tmp/bench-100k

The data is made by ``bench/make_data.py`` into a temporary folder under /tmp (deleted
afterwards), or into ``--keep DIR``, which is reused as it is when it already holds data.
The OS page cache cannot be dropped reliably without root tricks, so every file is read
once before timing and the numbers are reported as "warm page cache, cold process": each
measured run is a fresh process, interpreter start-up and imports included.

Measured, each ``--repeat`` times (default 3), interleaved, by wall clock from this process:

(a) bare parse: a fresh ``python`` that walks every ``*.yml``/``*.yaml`` under the folder,
    reads the bytes, decodes UTF-8 and calls ``yaml.load(text, Loader=yaml.CSafeLoader)``;
(b) ``.venv/bin/briefing validate DIR``: must exit 0, else this script fails loudly.

Peak RSS of each run comes from ``os.wait4`` (the per-child form of
``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``; KiB on Linux). The report (min and
median of each, the ratio validate/parse, file count, bytes, Python, CPU, cores) is
printed to stdout as Markdown ready to paste into docs/performance.md; progress goes to
stderr. Never run it from inside the repository's data folders: the data stays in /tmp
or in the folder given (bench/out/ is git-ignored).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("actors", "regions", "sources", "incidents", "statements")

PARSE_SCRIPT = r"""
import os, sys, yaml
loader = yaml.CSafeLoader
n = 0
for dirpath, dirnames, filenames in os.walk(sys.argv[1]):
    for fn in filenames:
        if fn.endswith((".yml", ".yaml")):
            with open(os.path.join(dirpath, fn), "rb") as f:
                text = f.read().decode("utf-8-sig")
            yaml.load(text, Loader=loader)
            n += 1
print(n)
"""


@dataclass
class Run:
    """One timed child process."""

    wall: float
    maxrss_kib: int
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Series:
    """Repeated runs of one measure."""

    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def walls(self) -> list[float]:
        return [r.wall for r in self.runs]

    def min(self) -> float:
        return min(self.walls)

    def median(self) -> float:
        return statistics.median(self.walls)

    def rss_max_mib(self) -> float:
        return max(r.maxrss_kib for r in self.runs) / 1024


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_timed(cmd: list[str], timeout: float | None = None) -> Run:
    """Run ``cmd`` to completion; wall clock and peak RSS of that child alone."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        deadline = None if timeout is None else t0 + timeout
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG if deadline else 0)
            if pid:
                break
            if deadline and time.perf_counter() > deadline:
                proc.kill()
                pid, status, ru = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        wall = time.perf_counter() - t0
        rc = os.waitstatus_to_exitcode(status)
        proc.returncode = rc  # reaped by wait4: tell Popen so it never waits again
        out.seek(0)
        err.seek(0)
        return Run(wall, ru.ru_maxrss, rc, out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"))


def has_data(d: Path) -> bool:
    inc = d / "incidents"
    return inc.is_dir() and any(p.suffix in (".yml", ".yaml") for p in inc.rglob("*"))


def warm_and_count(d: Path) -> tuple[int, int, dict[str, int]]:
    """Read every YAML file once (warms the page cache); return files, bytes, per kind."""
    files = nbytes = 0
    per: dict[str, int] = {}
    for dirpath, _, filenames in os.walk(d):
        rel = Path(dirpath).relative_to(d).parts
        kind = rel[0] if rel else "."
        for fn in filenames:
            if fn.endswith((".yml", ".yaml")):
                with open(os.path.join(dirpath, fn), "rb") as f:
                    nbytes += len(f.read())
                files += 1
                per[kind] = per.get(kind, 0) + 1
    return files, nbytes, per


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_total_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return "unknown"


def fs_type(path: Path) -> str:
    """Filesystem type of the mount holding ``path`` (from /proc/mounts)."""
    best, typ = "", "unknown"
    p = str(path.resolve())
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) >= 3 and (p == parts[1] or p.startswith(parts[1].rstrip("/") + "/")) \
                    and len(parts[1]) > len(best):
                best, typ = parts[1], parts[2]
    except OSError:
        pass
    return typ


def child_python_info(python: str) -> str:
    r = subprocess.run(
        [python, "-c", "import sys, yaml; print(sys.version.split()[0], yaml.__version__, "
                       "'with libyaml' if yaml.__with_libyaml__ else 'WITHOUT libyaml')"],
        capture_output=True, text=True, check=True)
    ver, yver, lib = r.stdout.strip().split(" ", 2)
    return f"Python {ver}, PyYAML {yver} {lib}"


def fmt_s(x: float) -> str:
    return f"{x:.2f} s" if x < 100 else f"{x:.0f} s"


def tail(s: str, n: int = 40) -> str:
    return "\n".join(s.rstrip().splitlines()[-n:])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--statements", type=int, default=None,
                    help="default: incidents // 10 (as make_data.py)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="generate into DIR and keep it; reuse DIR if it already has data")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--python", default=None,
                    help="interpreter for the bare parse (default: .venv/bin/python if present)")
    ap.add_argument("--briefing", type=Path, default=ROOT / ".venv" / "bin" / "briefing",
                    help="the briefing command (default: .venv/bin/briefing)")
    ap.add_argument("--timeout", type=float, default=1800, help="per run, seconds")
    args = ap.parse_args(argv)

    venv_py = ROOT / ".venv" / "bin" / "python"
    python = args.python or (str(venv_py) if venv_py.exists() else sys.executable)

    tmp: Path | None = None
    if args.keep:
        data = args.keep.resolve()
    else:
        tmp = Path(tempfile.mkdtemp(prefix="briefing-bench-", dir="/tmp"))
        data = tmp / "data"
    gen_note = ""
    try:
        if has_data(data):
            log(f"reusing the data in {data}")
            gen_note = f"reused from `{data}`"
        else:
            out_ok = ROOT / "bench" / "out"
            if (data == ROOT or ROOT in data.parents) and \
                    not (data == out_ok or out_ok in data.parents):
                log(f"error: will not generate into {data}, inside the repository; "
                    "use /tmp or bench/out/")
                return 2
            if data.exists() and any(data.iterdir()):
                log(f"error: {data} exists, is not empty and holds no incidents")
                return 2
            cmd = [python, str(ROOT / "bench" / "make_data.py"), "--incidents",
                   str(args.incidents), "--out", str(data), "--seed", str(args.seed)]
            if args.statements is not None:
                cmd += ["--statements", str(args.statements)]
            log("generating: " + " ".join(cmd))
            g = run_timed(cmd)
            if g.returncode != 0:
                log(tail(g.stderr))
                log(f"error: make_data.py exited {g.returncode}")
                return 1
            gen_note = (f"generated by `python bench/make_data.py --incidents {args.incidents}"
                        f" --seed {args.seed}` in {g.wall:.1f} s")
            log(g.stderr.strip())

        log("warming the page cache (reading every file once)...")
        files, nbytes, per = warm_and_count(data)
        log(f"{files} files, {nbytes / 1e6:.1f} MB")

        parse = Series("bare parse")
        validate = Series("briefing validate")
        have_briefing = args.briefing.exists() and os.access(args.briefing, os.X_OK)
        if not have_briefing:
            log(f"NOTE: {args.briefing} is missing: `briefing validate` is NOT measured. "
                "Install the package first (`make validate`, or "
                "`.venv/bin/pip install -e .`), then run this again.")
        for i in range(1, args.repeat + 1):
            r = run_timed([python, "-c", PARSE_SCRIPT, str(data)], args.timeout)
            if r.returncode != 0 or r.stdout.strip() != str(files):
                log(tail(r.stderr))
                log(f"error: bare parse failed (exit {r.returncode}, "
                    f"parsed {r.stdout.strip() or '?'} of {files} files)")
                return 1
            parse.runs.append(r)
            log(f"[{i}/{args.repeat}] bare parse        {r.wall:7.2f} s  "
                f"{r.maxrss_kib / 1024:6.0f} MiB")
            if have_briefing:
                r = run_timed([str(args.briefing), "validate", str(data)], args.timeout)
                if r.returncode != 0:
                    log("---- briefing validate stdout (tail) ----\n" + tail(r.stdout))
                    log("---- briefing validate stderr (tail) ----\n" + tail(r.stderr))
                    log(f"FAILED: `{args.briefing} validate {data}` exited {r.returncode} "
                        f"on generated data that should be valid "
                        f"(check with: python bench/make_data.py --check-only {data})")
                    return 1
                validate.runs.append(r)
                log(f"[{i}/{args.repeat}] briefing validate {r.wall:7.2f} s  "
                    f"{r.maxrss_kib / 1024:6.0f} MiB")

        # ------------------------------------------------------------------ report
        cores = os.cpu_count() or 0
        try:
            usable = len(os.sched_getaffinity(0))
        except AttributeError:
            usable = cores
        per_kind = ", ".join(f"{per[k]:,} {k}" for k in KINDS if k in per)
        n_inc = per.get("incidents", 0)
        lines = [
            f"### `briefing validate` on {n_inc:,} incidents "
            "(warm page cache, cold process)",
            "",
            "| measure | runs | min | median | peak RSS |",
            "|---|---:|---:|---:|---:|",
            f"| bare parse: walk + read + `yaml.load(CSafeLoader)` | {len(parse.runs)} | "
            f"{fmt_s(parse.min())} | {fmt_s(parse.median())} | {parse.rss_max_mib():.0f} MiB |",
        ]
        if validate.runs:
            lines += [
                f"| `briefing validate DIR` | {len(validate.runs)} | {fmt_s(validate.min())} | "
                f"{fmt_s(validate.median())} | {validate.rss_max_mib():.0f} MiB |",
                f"| ratio validate / parse | | {validate.min() / parse.min():.2f}x | "
                f"{validate.median() / parse.median():.2f}x | |",
            ]
        else:
            lines.append(f"| `briefing validate DIR` | 0 | not run | not run | "
                         f"(`{args.briefing.name}` not installed) |")
        lines += [
            "",
            f"- Data: {files:,} files, {nbytes / 1e6:.1f} MB ({nbytes / max(files, 1):,.0f} "
            f"bytes per file): {per_kind}; {gen_note}.",
            f"- Machine: {cpu_model()}, {cores} cores ({usable} usable), {mem_total_gib()} RAM, "
            f"{platform.system()} {platform.release()}, data on {fs_type(data)}.",
            f"- {child_python_info(python)}.",
            "- Each run is a fresh process timed by wall clock (start-up and imports "
            "included), after one untimed read of every file; runs interleaved "
            "parse/validate. Peak RSS is the largest `ru_maxrss` of the runs.",
        ]
        print("\n".join(lines))
        return 0
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
