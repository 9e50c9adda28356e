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


def test_a_planted_link_is_reported_and_never_written_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A pull request replacing a vendored folder by a link to elsewhere: the check names the link,
    # and writing a vendored file refuses rather than writing into the folder it points to.
    for pkg in vendor.PACKAGES:
        shutil.copytree(REPO / pkg.dest, tmp_path / pkg.dest)
    shutil.copy(vendor.HASHES_FILE, tmp_path / "vendor.sha256")
    elsewhere = tmp_path / "elsewhere"
    shutil.move(tmp_path / "generator/vendor/leaflet", elsewhere)
    (tmp_path / "generator/vendor/leaflet").symlink_to(elsewhere)
    monkeypatch.setattr(vendor, "REPO", tmp_path)
    monkeypatch.setattr(vendor, "HASHES_FILE", tmp_path / "vendor.sha256")
    wrong = vendor.check()
    assert "generator/vendor/leaflet/leaflet.css: generator/vendor/leaflet is a symbolic link" in wrong
    before = (elsewhere / "leaflet.css").read_bytes()
    with pytest.raises(SystemExit, match="generator/vendor/leaflet is a symbolic link"):
        vendor._write(tmp_path / "generator/vendor/leaflet/leaflet.css", b"planted")
    assert (elsewhere / "leaflet.css").read_bytes() == before


def test_a_link_at_a_vendored_file_is_replaced_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"not ours")
    folder = tmp_path / "generator/vendor/x"
    folder.mkdir(parents=True)
    (folder / "a.js").symlink_to(outside)
    monkeypatch.setattr(vendor, "REPO", tmp_path)
    vendor._write(folder / "a.js", b"ours")
    assert outside.read_bytes() == b"not ours"
    assert not (folder / "a.js").is_symlink() and (folder / "a.js").read_bytes() == b"ours"
    assert oct((folder / "a.js").stat().st_mode & 0o777) == "0o644"
