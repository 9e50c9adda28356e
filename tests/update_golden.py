"""Regenerate the golden pages of the example site: `.venv/bin/python tests/update_golden.py`.

tests/golden/ holds every Markdown page that the bundled example data (data/) produces, byte for
byte, and every chart (SVG) it draws. test_site_overview.py compares a fresh rendering with them.
After a deliberate change to the pages, run this script and review the difference before
committing it.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
#: The timeline pages of tests/fixtures/dates: the four date forms, ranges, unknown and 0.
DATES_DATA = REPO / "tests" / "fixtures" / "dates"
GOLDEN_DATES = REPO / "tests" / "golden_dates"
COMMAND = ".venv/bin/python tests/update_golden.py"


def golden_files(data_dir: Path = REPO / "data") -> dict[str, bytes]:
    """What tests/golden/ must hold for `data_dir`: every Markdown page and every chart."""
    from generator.routes import EXPLORER_ASSETS, EXPLORER_VENDOR
    from generator.site import render_pages, site_pages
    from generator.validate import validate

    result = validate(data_dir)
    if not result.report.ok:
        raise SystemExit(f"the example data is not valid:\n{result.report.summary()}")
    items = site_pages(result.dataset, result.config)
    pages = render_pages(items, result.config)
    # The map's script, style sheet and libraries are copies of committed files, not made from the
    # data (tests/test_explorer.py checks them byte for byte): the explorer's page and data file stay.
    copies = (f"{EXPLORER_ASSETS}/", f"{EXPLORER_VENDOR}/")
    files = {path: text.encode("utf-8") if isinstance(text, str) else text for path, text in pages.items()
             if not path.startswith(copies)}
    return dict(sorted(files.items()))


def stored_files(golden: Path = GOLDEN) -> dict[str, bytes]:
    """What tests/golden/ holds now."""
    if not golden.is_dir():
        return {}
    return {p.relative_to(golden).as_posix(): p.read_bytes() for p in sorted(golden.rglob("*")) if p.is_file()}


def dates_files() -> dict[str, bytes]:
    """What tests/golden_dates/ must hold: the timeline pages of the dates fixture."""
    return {path: data for path, data in golden_files(DATES_DATA).items() if path.startswith("timeline/")}


def main() -> None:
    """Replace tests/golden/ and tests/golden_dates/ with fresh renderings, and say what changed."""
    for folder, files in ((GOLDEN, golden_files()), (GOLDEN_DATES, dates_files())):
        replace(folder, files)


def replace(golden: Path, files: dict[str, bytes]) -> None:
    """Make `golden` hold exactly `files`, printing what changed."""
    before = stored_files(golden)
    shutil.rmtree(golden, ignore_errors=True)
    for path, data in files.items():
        target = golden / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    changed = sorted(p for p in files if p in before and before[p] != files[p])
    added = sorted(set(files) - set(before))
    removed = sorted(set(before) - set(files))
    name = golden.relative_to(REPO).as_posix()
    for label, paths in (("changed", changed), ("added", added), ("removed", removed)):
        for path in paths:
            print(f"{label}: {name}/{path}")
    print(f"{name}/: {len(files)} files ({len(changed)} changed, {len(added)} added, {len(removed)} removed)")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))  # run from anywhere, with or without an installed package
    main()
