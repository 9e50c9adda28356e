"""pydantic's validation errors → problems at the line of the offending field, in editors' words."""

from __future__ import annotations

import re
from typing import Any, Iterable

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from .load import RawRecord, dotted
from .problems import CODES, Problem, did_you_mean, shorten

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


def problems_from_errors(
    errors: Iterable[ErrorDetails], raw: RawRecord, path: str, model: type[BaseModel],
    code: str | None = None,
) -> list[Problem]:
    """Turn pydantic's errors into problems at the line of the offending field.

    `code`, when given, replaces every problem's own code (the configuration reports all its
    problems as `invalid-config`)."""
    out = []
    for err in errors:
        loc = tuple(err["loc"])
        own, message, where, at_key = _explain(err, loc, model)
        line, col = raw.locate(where, key=at_key)
        out.append(Problem.make(code or own, path, line, col, message))
    return out


def _explain(err: ErrorDetails, loc: tuple[Any, ...], model: type[BaseModel]) -> tuple[str, str, tuple[Any, ...], bool]:
    kind = err["type"]
    field = dotted(loc)
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    value = err.get("input")
    if kind in CODES:  # one of our own checks: its message is already written for editors
        message = str(ctx.get("message", err["msg"]))  # ours, filled once (problems.custom_error)
        if "choices" in ctx:
            message += did_you_mean(str(ctx.get("value")), ctx["choices"]) or (
                CODES["invalid-value"].format("event-type-list"))
        where = loc + (ctx["part"],) if ctx.get("part") else loc
        return kind, prefixed(loc, message), where, bool(ctx.get("at_key"))
    if kind == "extra_forbidden":
        name = str(loc[-1])
        allowed = _fields_at(model, loc[:-1])
        hint = did_you_mean(name, allowed)
        if not hint and len(loc) == 1:
            hint = CODES["unknown-field"].format("extra")
        return "unknown-field", CODES["unknown-field"].format(name=shorten(name), hint=hint), loc, True
    if kind == "missing":
        name = str(loc[-1])
        owner = f"{dotted(loc[:-1])}: " if len(loc) > 1 else ""
        return "missing-field", owner + CODES["missing-field"].format(name=name), loc[:-1], False
    if kind in _TYPE_NAMES:
        if value is None:
            return "missing-field", f"{field}: " + CODES["missing-field"].format("no-value"), loc, False
        wrong = CODES["wrong-type"]
        hint = ""
        if kind == "list_type" and isinstance(value, (str, int, float)):
            hint = wrong.format("list", value=value) if " " not in str(value) else wrong.format("list-of-words")
        if kind == "string_type" and isinstance(value, bool):
            hint = wrong.format("quote")
        message = wrong.format(expected=_TYPE_NAMES[kind], found=_describe(value), hint=hint)
        return "wrong-type", f"{field}: {message}", loc, False
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        if value is None:
            return ("missing-field",
                    f"{field}: " + CODES["missing-field"].format("no-value-choices", choices=", ".join(choices)),
                    loc, False)
        hint = did_you_mean(str(value), choices)
        message = CODES["invalid-value"].format(value=shorten(str(value)), choices=", ".join(choices), hint=hint)
        return "invalid-value", f"{field}: {message}", loc, False
    if kind == "too_short":
        return "empty-list", f"{field}: " + CODES["empty-list"].format(), loc, False
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        message = CODES["invalid-value"].format("range", value=_describe(value), limit=err["msg"].lower())
        return "invalid-value", f"{field}: {message}", loc, False
    return "wrong-type", f"{field}: " + CODES["wrong-type"].format("other", message=err["msg"]), loc, False


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


def prefixed(loc: tuple[Any, ...], message: str) -> str:
    """`field: message`, or the bare message for a problem with the record as a whole."""
    return f"{dotted(loc)}: {message}" if loc else message
