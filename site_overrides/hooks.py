"""MkDocs hooks: the sanitizer backstop.

Every data value is escaped before it reaches Markdown (generator/render.py). As a second line
of defence, the HTML that Markdown makes of each page is cleaned with nh3 (the Rust `ammonia`
sanitizer) before the theme wraps it: no script, no event handler, no `javascript:` link can reach
a reader even if a template forgot to escape something. Hand-written pages go through it too.
The sanitizer itself lives in `generator/sanitize.py`, shared with the PDF briefings.
"""

from __future__ import annotations

from typing import Any

from generator.sanitize import sanitize

__all__ = ["on_page_content", "sanitize"]


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:  # noqa: ARG001 - MkDocs' hook signature
    """Called by MkDocs with each page's HTML, before the theme's template wraps it."""
    return sanitize(html)
