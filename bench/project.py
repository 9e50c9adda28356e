"""A throwaway project for the benchmarks: data, the hand-written pages and a mkdocs.yml."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BRIEFING = ROOT / ".venv" / "bin" / "briefing"


def project(work: Path, data: Path) -> list[str]:
    """The hand-written pages (content/) and a mkdocs.yml inheriting the repository's, in `work`
    beside `data`; returns the `briefing build` command for that project."""
    content = work / "content"
    content.mkdir()
    for item in ("methodology.md", "about.md", "stylesheets"):
        src = ROOT / "content" / item
        if src.exists():
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, content / item)
    (work / "mkdocs.yml").write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        f"docs_dir: {content}\nsite_dir: {work / 'site'}\n"
        f"hooks:\n  - {ROOT / 'site_overrides' / 'hooks.py'}\n  - {ROOT / 'site_overrides' / 'search.py'}\n"
        f"theme:\n  name: material\n  custom_dir: {ROOT / 'site_overrides'}\n",
        encoding="utf-8",
    )
    return [str(BRIEFING), "build", "--data", str(data), "--content", str(content), "--mkdocs-config",
            str(work / "mkdocs.yml"), "--site", str(work / "site")]
