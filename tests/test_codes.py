"""The table of problem codes (generator/codes.py) is the one place each code's words live.

docs/errors.md is written from it (tools/errors_guide.py), every code the package reports has an
entry with an explanation and an example, and no call site writes a message of its own: so the
wording the validator prints and the guide that explains it cannot drift apart.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from generator.codes import CODES, FIELD, guide
from generator.problems import custom_error, problem
from generator.validate import validate

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "generator"

#: Calls that take a problem code as their first argument, and where their message argument is
#: (its position among the positional arguments), if they take one.
CODE_TAKERS = {"problem": None, "custom_error": None, "make": 4, "Refused": 1, "DateError": 1,
               "PydanticCustomError": 1, "add": 4}
#: Calls whose argument after the code (the position given) names one of the code's forms.
FORM_POSITION = {"problem": 4, "custom_error": 1}


def _calls() -> Iterator[tuple[str, ast.Call]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "codes.py":
            continue
        where = path.relative_to(REPO).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                yield where, node


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def test_docs_errors_md_is_written_from_the_table() -> None:
    written = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    assert written == guide(), "docs/errors.md is stale: run `make errors-guide` (python tools/errors_guide.py)"
    check = subprocess.run([sys.executable, str(REPO / "tools" / "errors_guide.py"), "--check"],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("code", list(CODES))
def test_every_code_has_messages_an_explanation_and_an_example(code: str) -> None:
    entry = CODES[code]
    assert entry.name == code and entry.severity in ("error", "warning") and entry.title
    assert entry.messages, f"{code}: no message template"
    assert entry.explanation.strip() and "\n\n" not in entry.explanation, f"{code}: the explanation is one paragraph"
    assert "```text" in entry.example and f"[{code}]" in entry.example, (
        f"{code}: the example shows no printed line of its own")


def test_every_code_and_form_used_in_the_package_has_an_entry() -> None:
    used: list[str] = []
    for where, call in _calls():
        name = _name(call)
        if name in CODE_TAKERS and call.args:
            code = _text(call.args[0])
            if code is not None and (name != "add" or "-" in code):  # Report.add, not set.add
                used.append(code)
                assert code in CODES, f"{where}:{call.lineno}: the code {code!r} has no entry in generator/codes.py"
                position = FORM_POSITION.get(name)
                form = _text(call.args[position]) if position is not None and len(call.args) > position else None
                if form is not None:
                    assert form in CODES[code].messages, f"{where}:{call.lineno}: {code} has no message {form!r}"
        # CODES["x"] and CODES["x"].format("form", ...)
        func = call.func
        if (isinstance(func, ast.Attribute) and func.attr == "format" and isinstance(func.value, ast.Subscript)
                and isinstance(func.value.value, ast.Name) and func.value.value.id == "CODES"):
            code = _text(func.value.slice)
            if code is None:  # CODES[code] of a code in a variable: its literal is checked where written
                continue
            assert code in CODES, f"{where}:{call.lineno}: the code {code!r} has no entry in generator/codes.py"
            form = _text(call.args[0]) if call.args else ""
            if form is not None:
                assert form in CODES[code].messages, f"{where}:{call.lineno}: {code} has no message {form!r}"
    assert len(set(used)) > 30  # the scan sees the call sites (a renamed helper would hide them)


def test_no_call_site_writes_a_message_of_its_own() -> None:
    # A message written at the call site (a literal or an f-string) would bypass the table.
    composed = []
    for where, call in _calls():
        position = CODE_TAKERS.get(_name(call))
        if position is None or len(call.args) <= position or _text(call.args[0]) not in CODES:
            continue
        message = call.args[position]
        if isinstance(message, ast.JoinedStr) or _text(message) is not None:
            composed.append(f"{where}:{call.lineno}")
    assert not composed, f"messages written at the call site instead of in generator/codes.py: {composed}"


@pytest.mark.parametrize("code", list(CODES))
def test_templates_fill_every_named_field(code: str) -> None:
    for form, template in CODES[code].messages.items():
        fields = {name: f"<{name}>" for name in FIELD.findall(template)}
        text = CODES[code].format(form, **fields)
        assert all(f"<{name}>" in text for name in fields) and not FIELD.search(text), (code, form)
        if fields:  # a field left out is a mistake at the call site, not a message with `{x}` in it
            with pytest.raises(KeyError):
                CODES[code].format(form)


def test_problems_and_pydantic_errors_take_their_words_from_the_table() -> None:
    made = problem("duplicate-id", "data/actors/a.yml", 3, 5, kind="actor", id="isis", others="data/actors/b.yml:1")
    assert (made.code, made.severity, made.message) == (
        "duplicate-id", "error",
        "actor id `isis` is used more than once (also at data/actors/b.yml:1); ids must be unique")
    error = custom_error("invalid-range", "order", n1="low", v1=5, n2="best", v2=2)
    assert error.type == "invalid-range"
    assert error.message() == "low (5) is greater than best (2); a range needs low <= best <= high"
    assert error.message() == CODES["invalid-range"].format("order", n1="low", v1=5, n2="best", v2=2)


@pytest.mark.parametrize(("field", "value", "shown"), [
    ("type", '"{choices}"', "unknown event type `{choices}`;"),
    ("type", '"{message}"', "unknown event type `{message}`;"),
    ("date", '"2020-{part}"', "`2020-{part}`"),
    ("date", '"{at_key}"', "`{at_key}`"),
])
def test_a_value_that_looks_like_a_template_field_is_shown_as_written(
        base_data: Path, field: str, value: str, shown: str) -> None:
    """Messages are filled once: a value holding `{choices}` or `{part}` (the names of the fields
    of the messages' templates) is quoted as it is, not filled in a second time by pydantic."""
    path = next(base_data.glob("incidents/**/attack.yml"))
    text = path.read_text("utf-8")
    path.write_text(re.sub(rf"^{field}: .*$", f"{field}: {value}", text, count=1, flags=re.M), "utf-8")
    messages = [p.message for p in validate(base_data).report.problems if p.path == str(path)]
    assert any(shown in m for m in messages), messages
