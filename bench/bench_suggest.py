"""Benchmark "did you mean" for unknown references against many ids (issue 9, item 9).

Usage::

    .venv/bin/python bench/bench_suggest.py                  # 10,000 actors, 1,000 typos
    .venv/bin/python bench/bench_suggest.py --actors 10000 --typos 1000 --repeat 3

Two measures, printed as Markdown for docs/performance.md (progress goes to stderr):

(a) in one process, the suggestion step alone: `generator.problems.Suggester` (index built,
    then one suggestion per typo) against `did_you_mean` over every id, name and alias (the
    previous way), on a sample of `--sample` typos, extrapolated to `--typos`;
(b) `briefing validate DIR` in a fresh process, on `--actors` actors (one file each, with a name
    and an alias) and `--typos` incidents: once with every incident naming a real actor, once
    with each naming a typo of one (a letter wrong, missing, added or two swapped). The
    difference is what the unknown references and their suggestions cost.

The data is made from `random.Random(--seed)` into a temporary folder under /tmp, deleted
afterwards. Typos that happen to be another actor's id are skipped. `--edits 2` puts two typos in
each word (the second step of the `Suggester`, slower than the first).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.problems import Suggester, did_you_mean  # noqa: E402  # after the repository is put on the path

SYLLABLES = ["ba", "ka", "ri", "mu", "sha", "al", "din", "ya", "har", "qa", "zu", "tel", "abu", "bir", "kan",
             "wad", "ash", "jis", "sul", "man", "hu", "ra", "tik", "khan", "dar"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def make_actors(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """(id, name, alias) of `count` made-up actors with distinct ids."""
    def name() -> str:
        return " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
                        for _ in range(rng.randint(1, 3)))

    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()  # ids, names and aliases, casefolded: no two actors share one
    while len(out) < count:
        title, alias = name(), name()
        record_id = title.lower().replace(" ", "-")
        keys = {record_id, title.casefold(), alias.casefold()}
        if len(keys) == 3 and not keys & seen:
            seen |= keys
            out.append((record_id, title, alias))
    return out


def typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    return rng.choice([
        word[:i] + letter + word[i + 1 :],  # a letter wrong
        word[:i] + word[i + 1 :],  # a letter missing
        word[:i] + letter + word[i:],  # a letter added
        word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :],  # two letters swapped
    ])


def write_data(root: Path, actors: list[tuple[str, str, str]], refs: list[str]) -> None:
    for kind in ("actors", "regions", "sources", "incidents"):
        (root / kind).mkdir(parents=True)
    (root / "regions" / "iraq.yml").write_text("id: iraq\nname: Iraq\nlevel: country\n", "utf-8")
    (root / "sources" / "rudaw.yml").write_text("id: rudaw\nname: Rudaw\nkind: media\n", "utf-8")
    for record_id, name, alias in actors:
        (root / "actors" / f"{record_id}.yml").write_text(
            f"id: {record_id}\nname: {name}\naliases: [{alias}]\nkind: armed-group\n", "utf-8")
    for n, ref in enumerate(refs):
        (root / "incidents" / f"incident-{n}.yml").write_text(
            f"id: incident-{n}\ntitle: Incident {n}\ndate: 2020-04-13\ntype: attack\nregion: iraq\n"
            f"actors:\n  - {{actor: {ref}, role: perpetrator}}\nsources:\n  - source: rudaw\n", "utf-8")


def timed_validate(data: Path) -> tuple[float, int, str]:
    exe = Path(sys.executable).with_name("briefing")
    start = time.perf_counter()
    proc = subprocess.run([str(exe), "validate", str(data)], capture_output=True, text=True)
    return time.perf_counter() - start, proc.returncode, proc.stdout.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--actors", type=int, default=10_000)
    ap.add_argument("--typos", type=int, default=1_000)
    ap.add_argument("--sample", type=int, default=50, help="typos timed with the previous full comparison")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--edits", type=int, default=1, help="typos in each word (1: the typical case)")
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    actors = make_actors(rng, args.actors)
    labels: dict[str, str] = {}
    for record_id, name, alias in actors:
        for label in (record_id, name, alias):
            labels.setdefault(label, record_id)
    ids = [a[0] for a in actors]
    typos: list[str] = []
    while len(typos) < args.typos:
        word = rng.choice(ids)
        for _ in range(args.edits):
            word = typo(rng, word)
        if word not in labels:
            typos.append(word)

    # (a) the suggestion step alone
    new_times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        suggester = Suggester(labels, labels)
        new = [suggester.suggest(word) for word in typos]
        new_times.append(time.perf_counter() - start)
    log(f"Suggester: {min(new_times):.3f} s for {len(typos)} typos")
    sample = typos[: args.sample]
    start = time.perf_counter()
    old = [did_you_mean(word, labels, labels) for word in sample]
    old_each = (time.perf_counter() - start) / len(sample)
    same = sum(1 for a, b in zip(new, old, strict=False) if a == b)  # `old`: the sample only
    found = sum(1 for s in new if s)
    log(f"full comparison: {old_each:.3f} s per typo")

    # (b) briefing validate, end to end
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-suggest-") as tmp:
        for label, refs in (("every reference known", [rng.choice(ids) for _ in typos]),
                            ("every reference a typo", typos)):
            data = Path(tmp) / label.replace(" ", "-") / "data"
            write_data(data, actors, refs)
            walls = []
            for _ in range(args.repeat):
                wall, _code, summary = timed_validate(data)
                walls.append(wall)
            log(f"validate, {label}: {min(walls):.2f} s ({summary})")
            rows.append((label, min(walls), statistics.median(walls), summary))

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print(f"Machine: {cpu}, {os.cpu_count()} vCPUs; Python {platform.python_version()}. "
          f"{args.actors:,} actors ({len(labels):,} ids, names and aliases), {len(typos):,} words with "
          f"{args.edits} typo{'s' if args.edits > 1 else ''} each, "
          f"seed {args.seed}, {args.repeat} runs.\n")
    print("| measure | time |")
    print("|---|---:|")
    print(f"| suggestions, previous way (difflib over every label; {len(sample)} typos timed, "
          f"×{len(typos) // len(sample)}) | {old_each * len(typos):.1f} s |")
    print(f"| suggestions, `Suggester` (index built once, then {len(typos):,} typos) | {min(new_times):.2f} s |")
    for label, best, median, _summary in rows:
        print(f"| `briefing validate`, {label} (min; median {median:.2f} s) | {best:.2f} s |")
    print(f"\nThe same suggestion as the full comparison for {same} of the {len(sample)} sampled typos; "
          f"a suggestion for {found:,} of {len(typos):,}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
