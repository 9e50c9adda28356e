"""Shared test helpers: the repository's paths, a valid base dataset, and problem lists."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from generator.validate import validate

if TYPE_CHECKING:  # imported where a browser is started, so that tests without one need no Playwright
    from playwright.sync_api import Playwright

    from playwright.sync_api import BrowserContext, Dialog, Request, Response

    from browser_helpers import Served, Tab

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = REPO / "tests" / "fixtures"
BASE = FIXTURES / "base"


@pytest.fixture
def base_data(tmp_path: Path) -> Path:
    """A fresh copy of the small valid dataset `tests/fixtures/base`, as `<tmp>/data`."""
    target = tmp_path / "data"
    shutil.copytree(BASE, target)
    return target


def problem_list(data_dir: Path) -> list[tuple[str, int, str]]:
    """Validate `data_dir` and return `(path relative to it, line, code)` for every problem, sorted."""
    result = validate(data_dir)
    prefix = data_dir.as_posix() + "/"
    return [(p.path.removeprefix(prefix), p.line, p.code) for p in result.report.sorted()]


def as_unprivileged(argv: list[str]) -> list[str]:
    """`argv`, to run where file permissions apply. Root reads any file whatever its mode, so as
    root the command runs without the two capabilities that allow it (setpriv, from util-linux);
    as any other user it runs as it is."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root, and setpriv (util-linux) is missing: cannot test an unreadable file")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *argv]


# --- the real browser (tests/test_browser.py, tests/test_a11y.py, tests/test_explorer.py) ---------


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium, installed first when missing and running as root; otherwise a failure
    that names the command to run (never a skip: these tests are the only check of the real page)."""
    from browser_helpers import ChromiumMissing, ensure_chromium

    try:
        return ensure_chromium()
    except ChromiumMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def playwright(chromium: Path) -> Iterator[Playwright]:  # noqa: ARG001  # asked for its effect: Chromium is there
    """One Playwright driver for the whole session, shared by every browser test: Playwright's
    sync API allows only one at a time (each test still gets its own browser profile)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The example data of data/, built and served once for every browser test module."""
    from browser_helpers import serve

    yield from serve(REPO / "data", tmp_path_factory.mktemp("example-site"))


@pytest.fixture
def browser(playwright: Playwright, chromium: Path,  # noqa: ARG001  # asked for its effect: Chromium is there
            tmp_path: Path) -> Iterator[BrowserContext]:
    """Chromium with a fresh user-data dir, 1280×900, light scheme."""
    from browser_helpers import launch

    context = launch(playwright, tmp_path / "profile")
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def tab(browser: BrowserContext) -> Tab:
    """The browser's page, recording dialogs (dismissed), script errors, every request (the
    search worker's too: they are recorded on the context) and every failed response."""
    from browser_helpers import Tab

    page = browser.pages[0] if browser.pages else browser.new_page()
    tab = Tab(page)

    def on_dialog(dialog: Dialog) -> None:
        tab.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_response(response: Response) -> None:
        if response.status >= 400:
            tab.failures.append(f"{response.status} {response.url}")

    def on_failed(request: Request) -> None:
        tab.failures.append(f"{request.failure} {request.url}")

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    browser.on("request", lambda request: tab.requests.append(request.url))
    browser.on("response", on_response)
    browser.on("requestfailed", on_failed)
    return tab
