"""Benchmark ``briefing import acled`` on a synthetic ACLED export (a year of a country).

Usage::

    .venv/bin/python bench/bench_acled.py --rows 20000
    .venv/bin/python bench/bench_acled.py --rows 20000 --repeat 3 --profile

Writes a synthetic export of ``--rows`` events with the header of the shared ACLED sample
(``../shared/reference/acled-sample-argentina-2022-06.csv``): 24 provinces, some 1,200 places,
800 actors, 150 sources, every event type, notes of ACLED's usual length with `: ` and quotes in
them. Then, each ``--repeat`` times, in a fresh process (interpreter start-up included), into an
empty data folder in /tmp: (a) the import, (b) the same import again (nothing changes). Prints
min and median wall-clock seconds as Markdown for docs/performance.md; ``--profile`` adds the top
of a cProfile of one first import (in this process).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO.parent / "shared" / "reference" / "acled-sample-argentina-2022-06.csv"
EXE = Path(sys.executable).with_name("briefing")

TYPES = [("Battles", "Armed clash"), ("Protests", "Peaceful protest"), ("Riots", "Violent demonstration"),
         ("Explosions/Remote violence", "Shelling/artillery/missile attack"), ("Riots", "Mob violence"),
         ("Violence against civilians", "Attack"), ("Strategic developments", "Looting/property destruction"),
         ("Protests", "Protest with intervention")]


def make_export(rows: int, seed: int = 12) -> str:
    """A synthetic ACLED export of `rows` events (deterministic for a seed)."""
    rnd = random.Random(seed)
    header = SAMPLE.read_text("utf-8-sig").splitlines()[0].split(",")
    provinces = [f"Province {chr(65 + i)}{'ú' if i % 5 == 0 else ''}" for i in range(24)]
    districts = {p: [f"{p} District {j}" if j else "Capital" for j in range(8)] for p in provinces}
    actors = [f"Armed Group {i} ({'Faction: ' if i % 7 == 0 else ''}North)" for i in range(800)]
    sources = [f"Diario {i}" for i in range(150)]
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\r\n")
    writer.writeheader()
    for n in range(rows):
        event_type, sub = rnd.choice(TYPES)
        province = rnd.choice(provinces)
        district = rnd.choice(districts[province])
        place = f"Town {rnd.randrange(50)}"
        day = 1 + n % 28
        month = 1 + (n // 28) % 12
        writer.writerow({
            "event_id_cnty": f"SYN{n + 1}", "event_date": f"2022-{month:02d}-{day:02d}", "year": "2022",
            "time_precision": rnd.choice("1112"), "disorder_type": "Political violence", "event_type": event_type,
            "sub_event_type": sub, "actor1": rnd.choice(actors), "inter1": str(rnd.randrange(1, 9)),
            "actor2": rnd.choice(["", *actors[:50]]), "inter2": str(rnd.randrange(0, 9)),
            "assoc_actor_1": "; ".join(rnd.sample(actors, rnd.randrange(3))), "interaction": "12", "iso": "999",
            "region": "Synthetic", "country": "Synthland", "admin1": province, "admin2": district, "admin3": "",
            "location": place, "latitude": f"{rnd.uniform(-50, 50):.4f}", "longitude": f"{rnd.uniform(-70, 70):.4f}",
            "geo_precision": rnd.choice("123"), "source": "; ".join(rnd.sample(sources, rnd.randrange(1, 3))),
            "source_scale": "National",
            "notes": (f"On {day} {month} 2022, in {place} ({province}), members of {rnd.choice(actors)} clashed: "
                      f"\"reports say\" {rnd.randrange(100)} people were present. [size=no report] ") * 2,
            "fatalities": str(rnd.choice([0, 0, 0, 1, 2, 5])), "tags": "", "timestamp": "1657041386",
        })
    return out.getvalue()


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed: {args}\n{done.stderr[-2000:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-acled-") as tmp:
        export = Path(tmp) / "export.csv"
        export.write_text(make_export(args.rows), "utf-8")
        first, second = [], []
        for _ in range(args.repeat):
            data = Path(tmp) / "data"
            shutil.rmtree(data, ignore_errors=True)
            data.mkdir()
            first.append(timed([str(EXE), "import", "acled", str(export), "--data", str(data)]))
            second.append(timed([str(EXE), "import", "acled", str(export), "--data", str(data)]))
            print(f"run: {first[-1]:.1f} s, again {second[-1]:.1f} s", file=sys.stderr)
        files = sum(1 for _ in data.rglob("*.yml"))
        print(f"| {args.rows:,} rows ({export.stat().st_size / 2**20:.1f} MB), {files:,} files written | "
              f"first import: min {min(first):.1f} s, median {statistics.median(first):.1f} s | "
              f"again (nothing changes): min {min(second):.1f} s, median {statistics.median(second):.1f} s |")
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        if args.profile:
            import cProfile
            import pstats

            from generator import acled

            data = Path(tmp) / "profiled"
            data.mkdir()
            profile = cProfile.Profile()
            profile.enable()
            plan = acled.import_acled(export.read_bytes(), str(export), data)
            from generator.write import put_files

            put_files(data, [(f.path, f.data, f.replaces) for f in plan.files])
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(18)


if __name__ == "__main__":
    main()
