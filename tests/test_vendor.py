"""The map library, country outlines and accessibility checker we ship are the npm registry's bytes."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

import vendor  # noqa: E402  # tools/ is not a package: importable only after the path line


def test_vendored_files_match_the_pinned_registry_hashes() -> None:
    assert vendor.check() == []


def test_an_edited_vendored_file_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A copy of the repository's vendored tree with one byte changed must fail the check.
    for pkg in vendor.PACKAGES:
        shutil.copytree(REPO / pkg.dest, tmp_path / pkg.dest)
    shutil.copy(vendor.HASHES_FILE, tmp_path / "vendor.sha256")
    css = tmp_path / "generator/vendor/leaflet/leaflet.css"
    css.write_bytes(css.read_bytes() + b"\n/* edited */")
    monkeypatch.setattr(vendor, "REPO", tmp_path)
    monkeypatch.setattr(vendor, "HASHES_FILE", tmp_path / "vendor.sha256")
    assert vendor.check() == ["generator/vendor/leaflet/leaflet.css: differs from the registry's leaflet@1.9.4"]
