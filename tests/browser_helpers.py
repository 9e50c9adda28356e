"""Build a site into a temporary folder, serve it on 127.0.0.1, and drive Debian's chromium.

Shared by the browser tests (tests/test_browser.py) and the README screenshot (tools/screenshot.py),
so that the picture in the README shows exactly what the tests look at.

Nothing here touches the repository's content/ or site/ folders: the hand-written pages of
content/ are copied next to the generated ones in a temporary folder, and MkDocs is pointed at it
by a small configuration file that inherits the repository's mkdocs.yml.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

from generator.link import Dataset
from generator.site import BuildError, generate, mkdocs_build
from generator.validate import validate
from generator.write import GENERATED

if TYPE_CHECKING:  # Playwright is imported by the callers; here it only names types.
    from playwright.sync_api import BrowserContext, Page, Playwright

REPO = Path(__file__).resolve().parents[1]

#: Debian's chromium: Playwright's own browser download is never used (it needs network access
#: to a CDN, and the point of the tests is the browser readers have).
CHROMIUM = Path("/usr/bin/chromium")
INSTALL_COMMAND = "apt-get update && apt-get install -y chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    # Keep the browser itself quiet, so that every request it makes comes from the page.
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}

#: axe-core, vendored from the npm registry by tools/vendor.py (pinned and checked by
#: tests/test_vendor.py). It is injected from this file, never loaded from anywhere else.
AXE_SCRIPT = REPO / "tests" / "vendor" / "axe-core" / "axe.min.js"
#: The rules the site must pass: WCAG 2.0 A and AA, and what WCAG 2.1 adds at AA.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21aa")


class ChromiumMissing(RuntimeError):
    """/usr/bin/chromium is not there and could not be installed."""


def ensure_chromium() -> Path:
    """Return the chromium executable, installing Debian's package first when running as root.

    Never returns without a browser: a missing one is an error that names the command to run."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    if getattr(os, "geteuid", lambda: -1)() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        proc = subprocess.run(["sh", "-c", INSTALL_COMMAND], capture_output=True, text=True, env=env, check=False)
        if proc.returncode == 0 and CHROMIUM.is_file():
            return CHROMIUM
        raise ChromiumMissing(
            f"{CHROMIUM} is missing and `{INSTALL_COMMAND}` failed (exit {proc.returncode}):\n"
            + (proc.stdout + proc.stderr)[-3000:]
        )
    raise ChromiumMissing(f"{CHROMIUM} is missing. Install Debian's chromium as root: sudo sh -c '{INSTALL_COMMAND}'")


def launch(playwright: Playwright, user_data_dir: Path, **options: Any) -> BrowserContext:
    """A headless chromium with a fresh profile in `user_data_dir`, light colour scheme, 1280×900.

    `options` are passed on to Playwright's `launch_persistent_context` (e.g. `color_scheme`)."""
    settings: dict[str, Any] = {"viewport": VIEWPORT, "color_scheme": "light", "locale": "en-GB",
                                "device_scale_factor": 1}
    settings.update(options)
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir), executable_path=str(ensure_chromium()), headless=True, args=CHROMIUM_ARGS,
        **settings,
    )


def _absolute(path: str, base: Path) -> str:
    return str((base / path).resolve()) if not Path(path).is_absolute() else path


def mkdocs_config(work: Path, content: Path, site: Path) -> Path:
    """Write `<work>/mkdocs.yml`: the repository's mkdocs.yml (by INHERIT, so it stays the one
    source of truth) with the docs and site folders moved to `content` and `site`.

    MkDocs resolves relative paths against the file it was given, so every path the repository's
    configuration names relative to the repository (hooks, the theme's custom_dir) is made absolute.
    """
    from mkdocs.utils.yaml import yaml_load  # MkDocs' own loader: reads whatever MkDocs itself accepts

    source = REPO / "mkdocs.yml"
    with source.open("rb") as fh:
        base = yaml_load(fh)
    child: dict[str, Any] = {
        "INHERIT": str(source),
        "docs_dir": str(content.resolve()),
        "site_dir": str(site.resolve()),
    }
    if base.get("hooks"):
        child["hooks"] = [_absolute(h, REPO) for h in base["hooks"]]
    theme = base.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        child["theme"] = {"custom_dir": _absolute(theme["custom_dir"], REPO)}
    target = work / "mkdocs.yml"
    target.write_text(json.dumps(child, indent=2) + "\n", encoding="utf-8")  # JSON is YAML
    return target


def copy_hand_written(content: Path) -> None:
    """Copy the repository's hand-written pages (everything in content/ the generator does not own)."""
    content.mkdir(parents=True, exist_ok=True)
    for item in sorted((REPO / "content").iterdir()):
        if item.name in GENERATED or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, content / item.name)
        else:
            shutil.copy2(item, content / item.name)


def build_site(data_dir: Path, work: Path) -> Path:
    """Validate `data_dir`, write its pages beside a copy of the hand-written ones in
    `<work>/content`, and build the site with `mkdocs build --strict` into `<work>/site`."""
    result = validate(data_dir)
    if not result.report.ok:
        problems = "\n".join(p.format_text() for p in result.report.sorted())
        raise AssertionError(f"{data_dir} is not valid:\n{problems}")
    content, site = work / "content", work / "site"
    copy_hand_written(content)
    generate(result.dataset, result.config, content)
    try:
        return mkdocs_build(mkdocs_config(work, content, site), site).site_dir
    except BuildError as exc:  # MkDocs' own message says what is wrong; show it
        raise AssertionError(f"mkdocs build --strict failed for {data_dir}:\n{exc.output}") from None


@dataclass(frozen=True)
class AxeViolation:
    """One element that fails one axe-core rule: enough to find and fix it without a browser."""

    rule: str        #: the rule's id, e.g. "color-contrast"
    impact: str      #: minor, moderate, serious or critical
    target: str      #: a CSS selector of the element (" >> " between frames or shadow roots)
    html: str        #: the element's opening markup, as axe-core quotes it
    summary: str     #: axe-core's own explanation (for contrast: the colours and the ratio)

    def __str__(self) -> str:
        summary = " ".join(self.summary.split())
        return f"{self.rule} ({self.impact}) at {self.target}: {self.html}\n    {summary}"


@functools.cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Page, tags: tuple[str, ...] = AXE_TAGS) -> list[AxeViolation]:
    """Run the vendored axe-core on the page as it is now (rules of `tags` only) and return every
    failing element, one entry per element and rule, in axe-core's order.

    The script is injected as inline content, so the page needs no network and no file of the site
    changes; running it twice on one page is harmless (axe-core keeps one global)."""
    # Colours are measured as drawn: let fades and transitions (search results, tabs) end first.
    # A looping animation never finishes: wait at most two seconds.
    page.evaluate("() => Promise.race([new Promise(done => setTimeout(done, 2000)),"
                  " Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)))])")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=_axe_source())
    results = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})).violations",
        list(tags),
    )
    found: list[AxeViolation] = []
    for rule in results:
        for node in rule["nodes"]:
            target = " >> ".join(t if isinstance(t, str) else " ".join(t) for t in node["target"])
            found.append(AxeViolation(rule["id"], node.get("impact") or rule.get("impact") or "",
                                      target, node["html"], node.get("failureSummary") or ""))
    return found


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  # the base class' name
        """Requests are not logged: the tests record them in the browser instead."""


@dataclass
class SiteServer:
    """A built site served by a threaded `http.server` on 127.0.0.1 at a free port."""

    root: Path
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The site's address, ending in a slash."""
        assert self._server is not None, "the server is not running"
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def start(self) -> SiteServer:
        """Start serving in a background thread (port 0: the system picks a free port)."""
        handler = functools.partial(_QuietHandler, directory=str(self.root))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="site-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def url_path(md_path: str, anchor: str | None = None) -> str:
    """The address (relative to the site's root) MkDocs gives a page: `timeline/2020-04.md` →
    `timeline/2020-04/` (use_directory_urls), with `#anchor` when given."""
    stem = md_path.removesuffix(".md")
    path = "" if stem == "index" else stem.removesuffix("/index") + "/"
    return path + (f"#{anchor}" if anchor else "")


@dataclass
class Served:
    """A built site, the dataset it was built from, and where it is served."""

    dataset: Dataset
    site: Path
    url: str

    def page(self, md_path: str, anchor: str | None = None) -> str:
        """The full address of a page given by its Markdown path."""
        return self.url + url_path(md_path, anchor)


def serve(data: Path, work: Path) -> Iterator[Served]:
    """Build the site of `data` in `work` and serve it for as long as the caller's fixture lives."""
    site = build_site(data, work)
    with SiteServer(site) as server:
        yield Served(validate(data).dataset, site, server.url)


@dataclass
class Tab:
    """A page in a fresh browser profile, with everything it did recorded (conftest's `tab`)."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
