"""CPU seconds of each process of `briefing build`, for a shared machine where wall time says little.

    .venv/bin/python bench/split_cpu.py DATA WORK [--jobs 1] [--mkdocs]

Builds DATA's site in a throwaway project under WORK (bench/project.py; `--pages-only` unless
`--mkdocs`) in this process, and prints the CPU seconds (user + system) of this process at each
step (validation, the pages, MkDocs), of the page worker forked by generator/split.py (read from
the children's resource usage around the moment it is waited for), of the other children
(validation's workers, MkDocs), the wall time of the pages, and the peak resident size of this
process and of its largest child. `--jobs 1` sets BRIEFING_JOBS=1 (every page in one process).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project import project  # bench/ is not a package

from generator import cli, site, split  # after the path is set, as above


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    """Run one build and print where its CPU went."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--mkdocs", action="store_true")
    args = parser.parse_args()
    if args.jobs:
        os.environ[split.JOBS] = str(args.jobs)
    args.work = args.work.resolve()  # mkdocs.yml names its folders from where it lies
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    command = project(args.work, args.data.resolve())[1:]
    if not args.mkdocs:
        command.append("--pages-only")
    command += ["--no-pdf", "--page-cache", str(args.work / ".cache" / "pages"),
                "--validate-cache", str(args.work / ".cache" / "validate")]
    marks: dict[str, float] = {}
    worker: list[float] = []

    generate = site.generate

    def timed_generate(*a: Any, **k: Any) -> Any:
        marks["validated"] = _cpu(resource.RUSAGE_SELF)
        marks["children before pages"] = _cpu(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        try:
            return generate(*a, **k)
        finally:
            marks["pages"] = _cpu(resource.RUSAGE_SELF)
            marks["pages wall"] = time.perf_counter() - started

    reply = split._Worker.decoded  # a measure of the worker itself

    def timed_reply(self: split._Worker) -> Any:  # as above
        before = _cpu(resource.RUSAGE_CHILDREN)
        try:
            return reply(self)
        finally:
            worker.append(_cpu(resource.RUSAGE_CHILDREN) - before)

    site.generate = timed_generate  # the measure wraps the real function
    split._Worker.decoded = timed_reply  # type: ignore[method-assign]  # the measure wraps the real method
    try:
        cli.cli.main(command, standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise
    end, children = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"parent: validation {marks['validated']:.1f} s CPU, pages {marks['pages'] - marks['validated']:.1f} s, "
          f"after {end - marks['pages']:.1f} s; total {end:.1f} s; peak {peak:.0f} MiB")
    print(f"page worker: {sum(worker):.1f} s CPU" if worker else "page worker: none")
    print(f"other children: {children - sum(worker):.1f} s CPU (validation's workers, MkDocs); largest "
          f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MiB")
    print(f"pages wall: {marks['pages wall']:.1f} s; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
