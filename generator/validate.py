"""The validation pipeline: find the files, load them, check each record against its model, link.

`validate(data_dir)` never raises for bad data and never writes anything: it returns the
`Dataset` of valid records and a `Report` of every problem found in every file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .config import SiteConfig, find_config, load_config
from .link import Dataset, Loaded, Written, link, record_warnings
from .load import LoadedFile, RawRecord, dotted, load_file
from .models import KINDS, Record, cross_field_rules
from .problems import CODES, Problem, Report, did_you_mean

YAML_SUFFIXES = (".yml", ".yaml")
# Files that may sit in a data folder without being data (and without a warning).
_QUIET = re.compile(r"^(readme|license|licence|changelog)(\..*)?$|\.md$", re.IGNORECASE)

_TYPE_NAMES = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping of `field: value` lines",
    "model_type": "a mapping of `field: value` lines",
    "model_attributes_type": "a mapping of `field: value` lines",
}


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
    context = {"event_types": config.all_event_types()}
    loaded: list[Loaded] = []  # type: ignore[type-arg]
    written: list[Written] = []
    for path, kind in files:
        result = check_file(path, kind, context)
        report.extend(result.problems)
        report.records += result.count
        written.extend(result.written)
        loaded.extend(result.valid)
    dataset, link_problems = link(loaded, written)
    report.extend(link_problems)
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
        try:
            record = model.model_validate(raw.data, context=context)
        except ValidationError as exc:
            problems.extend(problems_from_errors(exc.errors(), raw, path, model))
            # pydantic skips the rules across fields when a field failed: apply them here too
            for where, code, message in cross_field_rules(kind, raw.data):
                problems.append(Problem.make(code, path, *raw.locate(where), _prefixed(where, message)))
            continue
        item = Loaded(kind, record, raw, path)
        problems.extend(record_warnings(item))
        valid.append(item)
    written = [Written.of(kind, path, raw) for raw in loaded.records]
    return FileResult(path, kind, count, written, valid, problems)


def problems_from_errors(
    errors: Iterable[ErrorDetails], raw: RawRecord, path: str, model: type[Record]
) -> list[Problem]:
    """Turn pydantic's errors into problems at the line of the offending field."""
    out = []
    for err in errors:
        loc = tuple(err["loc"])
        code, message, where, at_key = _explain(err, loc, model)
        line, col = raw.locate(where, key=at_key)
        out.append(Problem.make(code, path, line, col, message))
    return out


def _explain(err: ErrorDetails, loc: tuple[Any, ...], model: type[Record]) -> tuple[str, str, tuple[Any, ...], bool]:
    kind = err["type"]
    field = dotted(loc)
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    value = err.get("input")
    if kind in CODES:  # one of our own checks: its message is already written for editors
        message = err["msg"]
        if "choices" in ctx:
            message += did_you_mean(str(ctx.get("value")), ctx["choices"]) or (
                "; see the list of event types in the data format")
        where = loc + (ctx["part"],) if ctx.get("part") else loc
        return kind, _prefixed(loc, message), where, False
    if kind == "extra_forbidden":
        name = str(loc[-1])
        allowed = _fields_at(model, loc[:-1])
        hint = did_you_mean(name, allowed)
        if not hint and len(loc) == 1:
            hint = "; put fields of your own under `extra:`"
        return "unknown-field", f"unknown field `{name}`{hint}", loc, True
    if kind == "missing":
        name = str(loc[-1])
        owner = f"{dotted(loc[:-1])}: " if len(loc) > 1 else ""
        return "missing-field", f"{owner}missing required field `{name}`", loc[:-1], False
    if kind in _TYPE_NAMES:
        if value is None:
            return "missing-field", f"{field}: has no value", loc, False
        hint = ""
        if kind == "list_type" and isinstance(value, (str, int, float)):
            hint = f"; write a list such as [{value}]"
        if kind == "string_type" and isinstance(value, bool):
            hint = "; put quotes around it to write it as text"
        return "wrong-type", f"{field}: expected {_TYPE_NAMES[kind]}, found {_describe(value)}{hint}", loc, False
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        if value is None:
            return "missing-field", f"{field}: has no value; use one of {', '.join(choices)}", loc, False
        hint = did_you_mean(str(value), choices)
        return ("invalid-value", f"{field}: `{value}` is not allowed here; use one of {', '.join(choices)}{hint}",
                loc, False)
    if kind == "too_short":
        return "empty-list", f"{field}: needs at least one entry", loc, False
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return "invalid-value", f"{field}: {_describe(value)} is out of range ({err['msg'].lower()})", loc, False
    return "wrong-type", f"{field}: {err['msg']}", loc, False


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the (sub)model at `loc`, for "did you mean" on an unknown field."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) if isinstance(current, type) and issubclass(current, BaseModel) else None
        if info is None:
            return []
        current = _inner_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    meta = getattr(annotation, "__origin__", None)
    if meta is not None and isinstance(meta, type) and issubclass(meta, BaseModel):
        return meta
    return None


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    text = str(value)
    return f"`{text if len(text) < 40 else text[:37] + '...'}`"


def _prefixed(loc: tuple[Any, ...], message: str) -> str:
    """`field: message`, or the bare message for a problem with the record as a whole."""
    return f"{dotted(loc)}: {message}" if loc else message
