"""`make errors-guide`: write docs/errors.md from the table of problem codes (generator/codes.py).

Every code's section (its severity, explanation and example, with exactly what the validator
prints) is one entry of that table; this writes the guide from it. `--check` writes nothing and
exits 1 when docs/errors.md differs from what the table gives (tests/test_codes.py checks the same).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.codes import guide  # noqa: E402  # after the repository is put on the path

GUIDE = REPO / "docs" / "errors.md"


def main(argv: list[str] | None = None) -> int:
    """Write (or with `--check`, compare) docs/errors.md; the exit code for the shell."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/errors.md is stale; write nothing")
    args = parser.parse_args(argv)
    text = guide()
    current = GUIDE.read_text(encoding="utf-8") if GUIDE.is_file() else None
    if args.check:
        if current != text:
            print("docs/errors.md is stale: run `make errors-guide` (python tools/errors_guide.py)", file=sys.stderr)
            return 1
        return 0
    if current != text:
        GUIDE.write_text(text, encoding="utf-8")  # a repository file, as `briefing schema` writes docs
    return 0


if __name__ == "__main__":
    sys.exit(main())
