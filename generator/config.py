"""The site configuration, `briefing.yml` beside the data folder (optional)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationError

from .load import load_file
from .models import DEFAULT_EVENT_TYPES, EVENT_GROUPS, Record, Text, _check, _TAG
from .problems import Problem

CONFIG_NAME = "briefing.yml"

Slug = Annotated[str, AfterValidator(_check(_TAG, "invalid-config", "a slug: use lowercase a-z, 0-9 and -"))]


class SiteConfig(Record):
    """Settings of one briefing site. Every field is optional."""

    title: Text = Field("Conflict briefing", description="The site's title")
    event_types: dict[Slug, str] = Field(
        default_factory=dict,
        description="The site's own event types: slug -> one of ACLED's six groups",
    )

    def all_event_types(self) -> dict[str, str]:
        """ACLED's sub-event types plus the site's own, each mapped to its group."""
        return {**DEFAULT_EVENT_TYPES, **self.event_types}


def find_config(data_dir: Path) -> Path | None:
    """`briefing.yml` in the folder that holds the data folder, when there is one."""
    candidate = data_dir.resolve().parent / CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_config(path: Path | None, display: str | None = None) -> tuple[SiteConfig, list[Problem]]:
    """Read and check the configuration; the defaults when `path` is None."""
    if path is None:
        return SiteConfig(), []
    shown = display or path.as_posix()
    loaded = load_file(str(path))
    problems = [Problem(shown, p.line, p.col, p.code, p.message, p.severity) for p in loaded.problems]
    if problems or not loaded.records:
        return SiteConfig(), problems
    raw = loaded.records[0]
    if loaded.records[0].index is not None:
        return SiteConfig(), [Problem.make("invalid-config", shown, raw.line, raw.col,
                                           "the configuration is a mapping of settings, not a list")]
    try:
        config = SiteConfig.model_validate(raw.data)
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            line, col = raw.locate(loc, key=err["type"] in ("extra_forbidden", "invalid-config"))
            out.append(Problem.make("invalid-config", shown, line, col, f"{'.'.join(map(str, loc))}: {err['msg']}"))
        return SiteConfig(), out
    for slug, group in config.event_types.items():
        if group not in EVENT_GROUPS:
            line, col = raw.locate(("event_types", slug))
            return SiteConfig(), [Problem.make(
                "invalid-config", shown, line, col,
                f"event_types.{slug}: `{group}` is not an event group; use one of {', '.join(EVENT_GROUPS)}")]
    return config, []
