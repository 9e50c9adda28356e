"""JSON Schemas for editors and the field reference, both generated from the models.

`briefing schema` writes `schemas/<kind>.schema.json` (VS Code's YAML extension reads them through
`.vscode/settings.json`) and `docs/data-reference.md`; a test fails when the committed copies differ
from what the models give.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .dates import DEFAULT_YEARS
from .kinds import FIELD_ORDER, MODELS, SINGULAR
from .load import Refused, read_regular
from .models import DEFAULT_EVENT_TYPES, EVENT_TYPES, MAX_COUNT, Record

_NESTED = ("Citation", "ActorRole", "Casualty", "Correction")


def kind_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a file of `kind`: one record, or a list of records."""
    model: type[Record] = MODELS[kind]
    inner = model.model_json_schema(mode="validation", ref_template="#/$defs/{model}")
    defs = inner.pop("$defs", {})
    name = model.__name__
    if name == "Incident":
        inner["properties"]["type"]["enum"] = sorted(DEFAULT_EVENT_TYPES)
    order = FIELD_ORDER.get(name)
    if order:
        inner["properties"] = {k: inner["properties"][k] for k in order}
    defs[name] = inner
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": f"{SINGULAR[kind]}.schema.json",
        "title": f"{name} file",
        "description": f"A file under data/{kind}/: one {SINGULAR[kind]}, or a list of them.",
        "oneOf": [
            {"$ref": f"#/$defs/{name}"},
            {"type": "array", "items": {"$ref": f"#/$defs/{name}"}, "minItems": 1},
        ],
        "$defs": dict(sorted(defs.items())),
    }


def generated_files(schema_dir: Path, reference: Path) -> dict[Path, str]:
    """Every generated file and its exact text (deterministic: sorted keys, LF, final newline)."""
    files = {
        schema_dir / f"{SINGULAR[kind]}.schema.json": json.dumps(kind_schema(kind), indent=2, ensure_ascii=False) + "\n"
        for kind in MODELS
    }
    files[reference] = field_reference()
    return files


def stale_files(schema_dir: Path, reference: Path) -> dict[Path, bytes]:
    """The generated files whose committed copy differs from what the models give now, with
    what they should hold. A missing file is stale, and so is one that is no regular file (a
    link, a FIFO): it is never read through."""
    stale: dict[Path, bytes] = {}
    for path, text in generated_files(schema_dir, reference).items():
        try:
            current: bytes | None = read_regular(path, limit=None)
        except Refused:
            current = None
        if current != text.encode("utf-8"):
            stale[path] = text.encode("utf-8")
    return stale


def field_reference() -> str:
    """The field reference in Markdown: every field of every kind, required or not, its type."""
    lines = [
        "# Field reference",
        "",
        "<!-- Generated from generator/models.py by `briefing schema`; do not edit by hand. -->",
        "",
        "Every field each kind of record accepts. The data contract (`data-format.md`) explains the",
        "meaning of each; this page is generated from the code, so it is always what the validator",
        "accepts. Fields marked *project* are additions of this project to the data format.",
        "",
        "Limits (data format v1.1): each text field holds at most the characters its type says; a",
        f"casualty count is at most {MAX_COUNT:,}; a date's years lie between {DEFAULT_YEARS[0]} and "
        f"{DEFAULT_YEARS[1]},",
        "unless `briefing.yml` sets `years: [FROM, TO]`; a data file holds at most 5 MB; `extra:` is free.",
        "",
    ]
    seen: set[str] = set()
    for kind, model in MODELS.items():
        schema = kind_schema(kind)
        lines += [f"## {model.__name__} (`data/{kind}/`)", ""]
        lines += _table(schema["$defs"][model.__name__], schema["$defs"])
        for nested in _NESTED:
            if nested in schema["$defs"] and nested not in seen:
                seen.add(nested)
                lines += [f"### {nested}", ""]
                lines += _table(schema["$defs"][nested], schema["$defs"])
    lines += ["## Event types", "", "| group | types |", "|---|---|"]
    for group, types in EVENT_TYPES.items():
        lines.append(f"| `{group}` | " + ", ".join(f"`{t}`" for t in types) + " |")
    lines.append("")
    return "\n".join(lines)


def _table(schema: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    required = set(schema.get("required", []))
    rows = ["| field | required | type | description |", "|---|---|---|---|"]
    for name, prop in schema.get("properties", {}).items():
        desc = prop.get("description", "")
        if prop.get("x-project"):
            desc = (desc + " *(project)*").strip()
        default = prop.get("default")
        if default not in (None, [], {}):
            desc += f" (default `{json.dumps(default)}`)" if not isinstance(default, str) else f" (default `{default}`)"
        cell = desc.strip().replace("|", r"\|")  # a bare | would end the table cell
        rows.append(f"| `{name}` | {'yes' if name in required else ''} | {_type(prop, defs)} | {cell} |")
    rows.append("")
    return rows


def _type(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if prop.get("x-id"):
        return "id"
    if prop.get("x-reference"):
        return "id of a record"
    if "$ref" in prop:
        ref: str = prop["$ref"]
        return ref.rsplit("/", 1)[-1]
    if "enum" in prop:
        values = prop["enum"]
        return "one of " + ", ".join(f"`{v}`" for v in values) if len(values) <= 8 else "an event type (below)"
    if "const" in prop:
        return f"`{prop['const']}`"
    for key in ("anyOf", "oneOf"):
        if key in prop:
            parts = [_type(p, defs) for p in prop[key] if p.get("type") != "null"]
            if any("pattern" in p and p["pattern"].startswith("^\\d{4}") for p in prop[key]):
                return "date"
            return " or ".join(dict.fromkeys(parts))
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items", {})
        return f"list of {_type(items, defs)}" if items else "list"
    if kind == "object":
        return "mapping"
    names = {"string": "text", "integer": "whole number", "number": "number", "boolean": "true/false"}
    if isinstance(kind, str):
        limits = []  # the data format's limits (v1.1), as editors read them
        if "maxLength" in prop:
            limits.append(f"at most {prop['maxLength']:,} characters")
        if "maximum" in prop:
            limits.append(f"at most {prop['maximum']:,}")
        return names.get(kind, kind) + (f" ({', '.join(limits)})" if limits else "")
    return "value"
