"""The Debian packages the test suite needs, checked (and installed when run as root) before any test.

`make test` runs this first. The suite opens the built site in Debian's chromium, sets Arabic and
Kurdish names of the PDF briefings in Debian's Noto fonts, and reads PDF pages with poppler's
`pdftoppm`. On a machine that lacks any of them:

- run as root with apt-get at hand, it installs the missing packages (`apt-get update` first, as a
  fresh machine's package lists may be empty) and checks that they are now there;
- otherwise it installs nothing, prints the one command to run, and exits 1, before any test runs:
  a missing package never shows up as a bare assertion deep inside a test.

Standard library only: it runs before the project's own dependencies matter.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Requirement:
    package: str  #: the Debian package that provides it
    what: str  #: what the suite uses it for, in a reader's words
    present: Callable[[], bool]


def _file(path: str) -> Callable[[], bool]:
    return lambda: Path(path).is_file()


def _program(name: str, path: str | None) -> Callable[[], bool]:
    return lambda: shutil.which(name, path=path) is not None


def requirements(env: Mapping[str, str] | None = None) -> list[Requirement]:
    """The packages the suite needs; `env` may name other paths to look for (for tests of this file)."""
    env = os.environ if env is None else env
    chromium = env.get("BRIEFING_CHROMIUM", "/usr/bin/chromium")
    noto = env.get("BRIEFING_NOTO_ARABIC", "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf")
    pdftoppm = env.get("BRIEFING_PDFTOPPM", "pdftoppm")
    return [
        Requirement("chromium", "the browser tests open the built site in it", _file(chromium)),
        Requirement("fonts-noto-core", "the PDF briefings set Arabic and Kurdish names in its fonts", _file(noto)),
        Requirement("poppler-utils", "pdftoppm turns PDF pages into pictures", _program(pdftoppm, env.get("PATH"))),
    ]


def install_command(packages: list[str]) -> str:
    """The one command that installs `packages` on Debian."""
    return f"apt-get update && apt-get install -y {' '.join(packages)}"


def main(env: Mapping[str, str] | None = None, is_root: bool | None = None) -> int:
    """Check the packages, install the missing ones when root; 0 when all are there, 1 otherwise."""
    env = os.environ if env is None else env
    is_root = (getattr(os, "geteuid", lambda: -1)() == 0) if is_root is None else is_root
    missing = [r for r in requirements(env) if not r.present()]
    if not missing:
        return 0
    packages = [r.package for r in missing]
    command = install_command(packages)
    for r in missing:
        print(f"system packages: {r.package} is missing ({r.what})", file=sys.stderr)
    if not is_root or shutil.which("apt-get", path=env.get("PATH")) is None:
        print(f"system packages: the tests cannot run without them. Install them as root, then run `make test` again:\n"
              f"    sudo sh -c '{command}'", file=sys.stderr)
        return 1
    print(f"system packages: installing them: {command}", file=sys.stderr, flush=True)
    proc = subprocess.run(["/bin/sh", "-c", command], env={**env, "DEBIAN_FRONTEND": "noninteractive"}, check=False)
    still = [r.package for r in requirements(env) if not r.present()]
    if proc.returncode != 0 or still:
        print(f"system packages: `{command}` failed (exit {proc.returncode}); still missing: "
              f"{', '.join(still) or 'none'}", file=sys.stderr)
        return 1
    print(f"system packages: installed {', '.join(packages)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
