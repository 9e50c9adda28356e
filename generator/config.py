"""The site configuration, `briefing.yml` beside the data folder (optional)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from .bidi import text_warnings
from .explain import problems_from_errors
from .dates import DEFAULT_YEARS, MAX_YEAR, MIN_YEAR
from .load import load_file
from .models import _TAG, DEFAULT_EVENT_TYPES, EVENT_GROUPS, Record, Text300, Text500, Url
from .problems import CODES, Problem, custom_error, did_you_mean, problem

CONFIG_NAME = "briefing.yml"


class SiteConfig(Record):
    """Settings of one briefing site. Every field is optional."""

    title: Text300 = Field(default="Conflict briefing", description="The site's title")
    distribution: Text500 = Field(
        default="UNCLASSIFIED — FOR PUBLIC RELEASE",
        description="The distribution line printed on every page of a PDF briefing",
    )
    event_types: dict[str, str] = Field(
        default_factory=dict,
        description="The site's own event types: a slug mapped to one of ACLED's six groups",
    )
    whats_new_since: Text300 | None = Field(
        default=None,
        description="The Git revision (a tag, a branch or a commit) that the \"What's new\" page compares the "
        "data with; by default the last commit more than a month older than the newest one",
    )

    site_url: Url | None = Field(
        default=None,
        description="The address the site is published at (http or https), such as https://example.org/briefing/; "
        "exports and the feed link records with it (without it, their links are relative to the site)",
    )
    licence: Text500 | None = Field(
        default=None,
        description="The licence line of the data, shown on the Data page and carried by every export, such as "
        "\"Data licensed CC BY 4.0\"",
    )
    map_tiles: Literal["openstreetmap"] | None = Field(
        default=None,
        description="Online map tiles under the country outlines of the explorer and the region maps: "
        "`openstreetmap` loads OpenStreetMap's tiles (with their attribution) from tile.openstreetmap.org in "
        "readers' browsers; by default none, and the maps ask no other host for anything",
    )

    years: tuple[int, int] = Field(
        default=DEFAULT_YEARS,
        description="The first and last year a record's date may fall in, as [FROM, TO]; a date outside them "
        "is an error (a typo such as 9999 would otherwise lead every figure)",
    )

    @field_validator("years", mode="before")
    @classmethod
    def _ordered_years(cls, value: Any) -> Any:
        whole = [v for v in value if isinstance(v, int) and not isinstance(v, bool)] if isinstance(value, list) else []
        if len(whole) != 2 or len(value) != 2 or not MIN_YEAR <= whole[0] <= whole[1] <= MAX_YEAR:
            raise custom_error("invalid-config", "years", lo=MIN_YEAR, hi=MAX_YEAR)
        return value

    def all_event_types(self) -> dict[str, str]:
        """ACLED's sub-event types plus the site's own, each mapped to its group."""
        return {**DEFAULT_EVENT_TYPES, **self.event_types}


def find_config(data_dir: Path) -> Path | None:
    """`briefing.yml` in the folder that holds the data folder, when there is one, written the way
    the data folder was given (relative stays relative), so that problems show a short path.

    Anything at that name but a real folder counts: a link or a FIFO named `briefing.yml` is then
    refused by the reader (`file-symlink`, `file-not-regular`), not silently ignored."""
    candidate = Path(os.path.normpath(os.path.join(data_dir, os.pardir, CONFIG_NAME)))
    if candidate.is_symlink() or (candidate.exists() and not candidate.is_dir()):
        return candidate
    return None


def load_config(path: Path | None, display: str | None = None) -> tuple[SiteConfig, list[Problem]]:
    """Read and check the configuration; the defaults when `path` is None. Every problem in it is
    reported (code `invalid-config`), and the defaults are used in its place."""
    if path is None:
        return SiteConfig(), []
    shown = display or path.as_posix()
    loaded = load_file(str(path))
    problems = [Problem(shown, p.line, p.col, p.code, p.message, p.severity) for p in loaded.problems]
    if problems or not loaded.records:
        return SiteConfig(), problems
    raw = loaded.records[0]
    if raw.index is not None:
        return SiteConfig(), [problem("invalid-config", shown, raw.line, raw.col, "list")]
    config = SiteConfig()
    try:
        config = SiteConfig.model_validate(raw.data)
    except ValidationError as exc:
        problems += problems_from_errors(exc.errors(), raw, shown, SiteConfig, code="invalid-config")
    types = raw.data.get("event_types")
    for slug, group in (types.items() if isinstance(types, dict) else ()):
        where = ("event_types", slug)
        if not _TAG.fullmatch(slug):
            problems.append(Problem.make("invalid-config", shown, *raw.locate(where, key=True),
                                         "event_types: " + CODES["invalid-config"].format("slug", slug=slug)))
        elif slug in DEFAULT_EVENT_TYPES:
            problems.append(Problem.make("invalid-config", shown, *raw.locate(where, key=True),
                                         "event_types: " + CODES["invalid-config"].format("acled", slug=slug)))
        if isinstance(group, str) and group not in EVENT_GROUPS:
            problems.append(Problem.make(
                "invalid-config", shown, *raw.locate(where),
                f"event_types.{slug}: " + CODES["invalid-config"].format(
                    "group", group=group, groups=", ".join(EVENT_GROUPS), hint=did_you_mean(str(group), EVENT_GROUPS))))
    if problems:
        return SiteConfig(), problems
    return config, list(text_warnings(raw, shown))  # warnings only: the configuration is used
