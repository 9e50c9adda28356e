"""Fetch the front-end packages we ship from the npm registry, check them, and unpack what we use.

Nothing on the published site or in a PDF is loaded from a CDN: the map library, its style sheet and
the country outlines are committed under ``generator/vendor/`` (shipped with the package), and the
accessibility checker used by the browser tests under ``tests/vendor/``. This script is how those
files got there and how anyone can check that they are exactly the registry's:

    python3 tools/vendor.py           # download, verify, (re)write the vendored files
    python3 tools/vendor.py --check   # verify the committed files against the pinned hashes

Each package is pinned by version and by the registry's own ``dist.integrity`` (SHA-512 of the
tarball). Each file we take is also pinned by its SHA-256, so ``--check`` (run by the tests) needs
no network and fails when a committed file was edited by hand.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import os
import sys
import tempfile
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class Package:
    """One npm package: where its tarball is, its integrity, and the files we keep from it."""

    name: str
    version: str
    integrity: str  # the registry's dist.integrity, "sha512-<base64>"
    dest: str  # folder under the repository
    files: tuple[str, ...]  # paths inside the tarball's package/ folder

    @property
    def tarball(self) -> str:
        return f"{REGISTRY}/{self.name}/-/{self.name}-{self.version}.tgz"


PACKAGES: tuple[Package, ...] = (
    Package(
        "leaflet", "1.9.4",
        "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
        "generator/vendor/leaflet",
        (
            "LICENSE",
            "dist/leaflet.js",
            "dist/leaflet.css",
            "dist/images/layers.png",
            "dist/images/layers-2x.png",
            "dist/images/marker-icon.png",
            "dist/images/marker-icon-2x.png",
            "dist/images/marker-shadow.png",
        ),
    ),
    Package(
        "world-atlas", "2.0.2",
        "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
        "generator/vendor/world-atlas",
        ("LICENSE", "countries-50m.json", "countries-110m.json"),
    ),
    Package(
        "topojson-client", "3.1.0",
        "sha512-605uxS6bcYxGXw9qi62XyrV6Q3xwbndjachmNxu8HWTtVPxZfEJN9fd/SZS1Q54Sn2y0TMyMxFj/cJINqGHrKw==",
        "generator/vendor/topojson-client",
        ("LICENSE", "dist/topojson-client.min.js"),
    ),
    Package(
        "axe-core", "4.14.1",
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        "tests/vendor/axe-core",
        ("LICENSE", "axe.min.js"),
    ),
)

#: SHA-256 of every vendored file, written by `tools/vendor.py` after it verified the tarball.
HASHES_FILE = REPO / "tools" / "vendor.sha256"


def _dest(pkg: Package, inner: str) -> Path:
    # dist/images/x.png -> <dest>/images/x.png: the "dist/" level carries no meaning for us.
    rel = inner[len("dist/"):] if inner.startswith("dist/") else inner
    return REPO / pkg.dest / rel


def _linked(path: Path) -> Path | None:
    """The first part of `path` below the repository that is a symbolic link (None: none is).
    A link planted in the tree would make the check read, and a fetch write, a file elsewhere."""
    rel = path.relative_to(REPO)
    for depth in range(1, len(rel.parts) + 1):
        part = REPO.joinpath(*rel.parts[:depth])
        if part.is_symlink():
            return part
    return None


def _write(target: Path, data: bytes) -> None:
    """Write `target` as a new regular file: a new name in its folder renamed over it, so that a
    link at `target` is replaced, never written through. Refuses a linked folder on the way."""
    linked = _linked(target.parent)
    if linked is not None:
        raise SystemExit(f"{linked.relative_to(REPO)} is a symbolic link: refusing to write through it")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".vendor-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; these files are published
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_hashes() -> dict[str, str]:
    if not HASHES_FILE.is_file():
        return {}
    out: dict[str, str] = {}
    for line in HASHES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, path = line.split(maxsplit=1)
            out[path] = digest
    return out


def fetch() -> None:
    """Download every package, verify its integrity, and write the files we keep."""
    lines: list[str] = []
    for pkg in PACKAGES:
        with urllib.request.urlopen(pkg.tarball, timeout=120) as resp:  # noqa: S310  # a fixed https address of the registry
            blob = resp.read()
        algo, _, want = pkg.integrity.partition("-")
        got = base64.b64encode(hashlib.new(algo, blob).digest()).decode()
        if got != want:
            raise SystemExit(f"{pkg.name}@{pkg.version}: integrity mismatch ({got} != {want})")
        with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
            for inner in pkg.files:
                member = tar.getmember(f"package/{inner}")
                if not member.isfile():
                    raise SystemExit(f"{pkg.name}: {inner} is not a regular file")
                data = tar.extractfile(member).read()  # type: ignore[union-attr]  # a regular member, checked above
                target = _dest(pkg, inner)
                _write(target, data)
                lines.append(f"{hashlib.sha256(data).hexdigest()}  {target.relative_to(REPO)}")
        print(f"{pkg.name}@{pkg.version}: {len(pkg.files)} files -> {pkg.dest}")
    _write(HASHES_FILE, ("\n".join(sorted(lines, key=lambda s: s.split()[1])) + "\n").encode("utf-8"))


def check() -> list[str]:
    """Return what differs between the committed vendored files and the pinned hashes."""
    hashes = _read_hashes()
    wrong: list[str] = []
    for pkg in PACKAGES:
        for inner in pkg.files:
            rel = str(_dest(pkg, inner).relative_to(REPO))
            path = REPO / rel
            if rel not in hashes:
                wrong.append(f"{rel}: no pinned hash")
            elif (linked := _linked(path)) is not None:
                wrong.append(f"{rel}: {linked.relative_to(REPO)} is a symbolic link")
            elif not path.is_file():
                wrong.append(f"{rel}: missing")
            elif hashlib.sha256(path.read_bytes()).hexdigest() != hashes[rel]:
                wrong.append(f"{rel}: differs from the registry's {pkg.name}@{pkg.version}")
    return wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the committed files; no network")
    args = parser.parse_args(argv)
    if args.check:
        wrong = check()
        for line in wrong:
            print(line, file=sys.stderr)
        return 1 if wrong else 0
    fetch()
    return 0


if __name__ == "__main__":
    sys.exit(main())
