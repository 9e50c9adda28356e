"""`make screenshot`: the README's picture of the site, taken by the browser the tests use.

Builds the example data of data/ into a temporary folder (content/ and site/ are left alone), serves
it on 127.0.0.1, and saves the overview page as docs/screenshot-overview.png: 1280×900, light
colour scheme, Debian's chromium (see tests/browser_helpers.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the build/serve/launch helpers are shared with the tests

from browser_helpers import (  # noqa: E402  # after tests/ is put on the path
    ChromiumMissing, SiteServer, build_site, ensure_chromium, launch)
from playwright.sync_api import sync_playwright  # noqa: E402  # beside the helpers it goes with


def screenshot(data: Path, out: Path, page_path: str = "") -> Path:
    """Build `data`, open `page_path` (relative to the site's root) and save the visible part."""
    with tempfile.TemporaryDirectory(prefix="briefing-screenshot-") as tmp:
        work = Path(tmp)
        site = build_site(data, work / "build")
        with SiteServer(site) as server, sync_playwright() as pw:
            context = launch(pw, work / "profile")
            try:
                page = context.pages[0] if context.pages else context.new_page()
                page.goto(server.url + page_path, wait_until="networkidle")
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out), full_page=False, animations="disabled", caret="hide")
            finally:
                context.close()
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: `python tools/screenshot.py [--data data] [--out docs/screenshot-overview.png]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=REPO / "data", help="the data folder (default: data/)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshot-overview.png")
    parser.add_argument("--page", default="", help="the page's address below the site root, e.g. timeline/2020-04/")
    args = parser.parse_args(argv)
    try:
        ensure_chromium()
    except ChromiumMissing as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"wrote {screenshot(args.data, args.out, args.page)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
