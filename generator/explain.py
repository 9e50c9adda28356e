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
        message = err["msg"]
        if "choices" in ctx:
            message += did_you_mean(str(ctx.get("value")), ctx["choices"]) or (
                "; see the list of event types in the data format")
        where = loc + (ctx["part"],) if ctx.get("part") else loc
        return kind, prefixed(loc, message), where, bool(ctx.get("at_key"))
    if kind == "extra_forbidden":
        name = str(loc[-1])
        allowed = _fields_at(model, loc[:-1])
        hint = did_you_mean(name, allowed)
        if not hint and len(loc) == 1:
            hint = "; put fields of your own under `extra:`"
        return "unknown-field", f"unknown field `{shorten(name)}`{hint}", loc, True
    if kind == "missing":
        name = str(loc[-1])
        owner = f"{dotted(loc[:-1])}: " if len(loc) > 1 else ""
        return "missing-field", f"{owner}missing required field `{name}`", loc[:-1], False
    if kind in _TYPE_NAMES:
        if value is None:
            return "missing-field", f"{field}: has no value", loc, False
        hint = ""
        if kind == "list_type" and isinstance(value, (str, int, float)):
            hint = (f"; write a list such as [{value}]" if " " not in str(value)
                    else "; write a list, one entry per item: [first, second]")
        if kind == "string_type" and isinstance(value, bool):
            hint = "; put quotes around it to write it as text"
        return "wrong-type", f"{field}: expected {_TYPE_NAMES[kind]}, found {_describe(value)}{hint}", loc, False
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        if value is None:
            return "missing-field", f"{field}: has no value; use one of {', '.join(choices)}", loc, False
        hint = did_you_mean(str(value), choices)
        return ("invalid-value", f"{field}: `{shorten(str(value))}` is not allowed here; use one of {', '.join(choices)}{hint}",
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


def prefixed(loc: tuple[Any, ...], message: str) -> str:
    """`field: message`, or the bare message for a problem with the record as a whole."""
    return f"{dotted(loc)}: {message}" if loc else message
