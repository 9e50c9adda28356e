"""The validation pipeline: find the files, load them, check each record against its model, link.

`validate(data_dir)` never raises for bad data and never writes anything: it returns the
`Dataset` of valid records and a `Report` of every problem found in every file.
"""

from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError

from .config import SiteConfig, find_config, load_config
from .link import Dataset, Loaded, Written, dates_after_sources, link, record_warnings
from .load import LoadedFile, RawRecord, load_file
from .models import KINDS, cross_field_rules
from .pages import page_conflicts
from .explain import prefixed, problems_from_errors
from .problems import Problem, Report

YAML_SUFFIXES = (".yml", ".yaml")
# Files that may sit in a data folder without being data (and without a warning).
_QUIET = re.compile(r"^(readme|license|licence|changelog)(\..*)?\Z|\.md\Z", re.IGNORECASE)



@dataclass
class Result:
    """What `validate` found: the valid records, every problem, and the configuration used."""

    dataset: Dataset
    report: Report
    config: SiteConfig


def discover(root: Path) -> tuple[list[tuple[str, str | None]], list[Problem]]:
    """Every YAML file under `root`, sorted, with the kind its first folder names (None if none).

    Hidden files and folders are skipped; other non-YAML files get a `file-ignored` warning.
    """
    found: list[tuple[str, str | None]] = []
    problems: list[Problem] = []
    base = root.as_posix()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel_dir = os.path.relpath(dirpath, root)
        top = None if rel_dir == "." else Path(rel_dir).parts[0]
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            rel = name if rel_dir == "." else f"{Path(rel_dir).as_posix()}/{name}"
            shown = f"{base}/{rel}"
            if not name.endswith(YAML_SUFFIXES):
                if not _QUIET.search(name):
                    problems.append(Problem.make(
                        "file-ignored", shown, 1, 1,
                        "not a .yml or .yaml file, so it was ignored" + (
                            " (rename it to end in .yml)" if name.lower().endswith(YAML_SUFFIXES) else ""),
                    ))
                continue
            found.append((shown, top if top in KINDS else None))
    found.sort()
    return found, problems


def validate(data_dir: str | os.PathLike[str], config_path: str | os.PathLike[str] | None = None) -> Result:
    """Check every file under `data_dir` and link the valid records.

    The configuration is `config_path`, else `briefing.yml` beside the data folder, else defaults.
    """
    root = Path(data_dir)
    report = Report()
    cfg_file = Path(config_path) if config_path is not None else find_config(root)
    config, cfg_problems = load_config(cfg_file, display=str(config_path) if config_path else None)
    report.extend(cfg_problems)
    files, problems = discover(root)
    report.extend(problems)
    report.files = len(files)
    context = {"event_types": config.all_event_types(), "years": config.years}
    loaded: list[Loaded] = []  # type: ignore[type-arg]
    written: list[Written] = []
    # Loading makes millions of long-lived objects and almost no reference cycles; the cyclic
    # garbage collector would scan them again and again (measured: 40% of the time on 11k files).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for path, kind in files:
            result = check_file(path, kind, context)
            report.extend(result.problems)
            report.records += result.count
            written.extend(result.written)
            loaded.extend(result.valid)
        dataset, link_problems = link(loaded, written)
    finally:
        if was_enabled:
            gc.enable()
    report.extend(link_problems)
    report.extend(dates_after_sources(loaded))
    report.extend(page_conflicts(loaded))  # an id whose page another page needs
    return Result(dataset, report, config)


@dataclass
class FileResult:
    """One file's checked records: what linking needs of each, the valid ones, its problems."""

    path: str
    kind: str | None
    count: int
    written: list[Written]
    valid: list[Loaded]  # type: ignore[type-arg]
    problems: list[Problem]


def check_file(path: str, kind: str | None, context: dict[str, Any]) -> FileResult:
    """Load one file and validate each of its records against the model of `kind`."""
    loaded: LoadedFile = load_file(path)
    problems = list(loaded.problems)
    valid: list[Loaded] = []  # type: ignore[type-arg]
    count = len(loaded.records)
    if kind is None:
        if loaded.records or not problems:
            problems.append(Problem.make(
                "file-outside-kinds", path, 1, 1,
                "the folder does not say what kind of record this is: put the file under "
                + ", ".join(f"{k}/" for k in KINDS),
            ))
        return FileResult(path, kind, count, [], valid, problems)
    model = KINDS[kind]
    for raw in loaded.records:
        if raw.aliased:  # its YAML alias is reported; what it would expand to is not checked
            continue
        try:
            record = model.model_validate(raw.data, context=context)
        except ValidationError as exc:
            errors = exc.errors()
            if raw.tainted:  # what a refused tag wrapped is reported once, as the tag
                refused = raw.refused_paths()
                errors = [e for e in errors if not any(tuple(e["loc"])[: len(r)] == r for r in refused)]
            problems.extend(problems_from_errors(errors, raw, path, model))
            # pydantic skips the rules across fields when a field failed: apply them here too
            for where, code, message in cross_field_rules(kind, raw.data):
                problems.append(Problem.make(code, path, *raw.locate(where), prefixed(where, message)))
            continue
        item = Loaded(kind, record, raw, path)
        problems.extend(record_warnings(item))
        valid.append(item)
    written = [Written.of(kind, path, raw) for raw in loaded.records]
    for raw in loaded.records:
        # What later stages need is in the models and in `written`; letting the values and the
        # text go keeps memory near the size of the models (positions re-read the file if asked).
        raw.data = None
        raw.text = None
    return FileResult(path, kind, count, written, valid, problems)
