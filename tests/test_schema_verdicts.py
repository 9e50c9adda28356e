"""The committed JSON Schemas and `briefing validate` agree on every record of every fixture.

Editors check their files against `schemas/*.schema.json` with an independent JSON Schema
validator (VS Code's YAML extension, ajv): a record the schema accepts and `briefing validate`
refuses is a surprise in review, and one the schema refuses and the validator accepts is a false
alarm in the editor. This test validates every record of `data/`, `tests/fixtures/base`,
`tests/fixtures/dates` and every case of `tests/fixtures/broken` (on top of `base`, as
test_fixtures.py runs them) with the `jsonschema` package, an implementation independent of
pydantic, under the draft the schemas declare, and compares its verdict with the errors
`validate` reports at that record.

Reading the YAML: the records come from the project's loader (`load_file`), which types unquoted
scalars by YAML 1.2's core schema, as editors' YAML 1.2 readers do: `2020-04-13`, `NO`, `yes`,
`on` and `12:30` stay text (PyYAML's YAML 1.1 `safe_load` would make dates, booleans and
sexagesimal numbers of them, which no editor sees). It differs from the core schema only in
keeping `0x1F`, `0o17` and `007` as text; no fixture writes such a value where the schemas
look at its type.

Where a schema cannot decide, the comparison is skipped, and the list below says why; a record
whose only errors are of these codes may pass the schema or not. Files with a problem of the
file or of its YAML are skipped whole: an editor's reader sees another document there (or none).
"""

from __future__ import annotations

import json
import re
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import BASE, FIXTURES, REPO
from generator.load import load_file
from generator.problems import Problem
from generator.validate import discover, validate

_SCHEMA_OF = {"actors": "actor", "regions": "region", "sources": "source", "incidents": "incident",
              "statements": "statement"}

#: Errors a JSON Schema cannot decide, with the reason.
UNDECIDABLE: dict[str, str] = {
    # across records: a schema sees one record at a time
    "unknown-reference": "a reference names a record of another file",
    "duplicate-id": "ids are unique across the files of a kind",
    "parent-cycle": "a chain of parents runs through other records",
    "page-conflict": "pages of other records and of the site",
    # values a schema's keywords cannot check
    "year-out-of-range": "the years are set per site (briefing.yml `years:`)",
    "invalid-date": "no real day (2020-02-30): a pattern cannot know the calendar",
    "date-span-reversed": "`from` <= `to` compares two values",
    "invalid-range": "low <= best <= high compares values",
    "empty-text": "only white space: the schemas ask for one character, not one visible character",
    "invalid-url": "the schemas check the scheme (`^https?://`), not the whole address",
}

#: Problems of a file or its YAML: the file is skipped (see the module's docstring).
_FILE_LEVEL = ("file-", "yaml-", "number-too-large", "not-a-record")

CASES = sorted(p.name for p in (FIXTURES / "broken").iterdir() if p.is_dir())


@cache
def _validator(kind: str) -> Any:
    """A validator of one record of `kind`, from the committed schema, under its declared draft."""
    schema = json.loads((REPO / "schemas" / f"{_SCHEMA_OF[kind]}.schema.json").read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    record = {"$schema": schema["$schema"], "$ref": schema["oneOf"][0]["$ref"], "$defs": schema["$defs"]}
    return jsonschema.validators.extend(cls, {"pattern": _ecma_pattern})(record)


def _ecma_pattern(_validator: Any, pattern: str, instance: Any, _schema: dict[str, Any]) -> Any:
    """`pattern` as JSON Schema defines it, with ECMA 262 regular expressions (ajv, VS Code):
    there `$` is the end of the text, where Python's `re` also lets it match before a final
    newline, so `isis\n` would pass `^[a-z0-9-]+$` here and fail in every editor."""
    if isinstance(instance, str) and re.search(pattern.removesuffix("$") + (r"\Z" if pattern.endswith("$") else ""),
                                               instance) is None:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _disagreements(root: Path, only: set[Path] | None = None) -> tuple[list[str], int]:
    """Every record under `root` (in the files of `only`, when given) on which the schema and
    `validate` disagree, as `path#record: schema says ..., validate says ...`; and how many
    records were compared."""
    problems: dict[str, list[Problem]] = {}
    for problem in validate(root).report.errors:
        problems.setdefault(problem.path, []).append(problem)
    files, _ = discover(root)
    out = []
    checked = 0
    for path, kind in files:
        if kind is None or (only is not None and Path(path) not in only):
            continue
        errors = problems.get(path, [])
        if any(p.code.startswith(_FILE_LEVEL) for p in errors):
            continue
        records = load_file(path).records
        starts = [raw.line for raw in records]
        for number, raw in enumerate(records):
            if raw.aliased or raw.tainted:
                continue
            end = starts[number + 1] if number + 1 < len(starts) else None
            codes = {p.code for p in errors if p.line >= raw.line and (end is None or p.line < end)}
            schema_errors = [e.message for e in _validator(kind).iter_errors(raw.data)]
            checked += 1
            where = f"{Path(path).relative_to(root)}#{number}"
            if codes - set(UNDECIDABLE) and not schema_errors:
                out.append(f"{where}: the schema accepts it, validate says {sorted(codes)}")
            elif not codes and schema_errors:
                out.append(f"{where}: validate accepts it, the schema says {schema_errors[:2]}")
    return out, checked


@pytest.mark.parametrize("root", [REPO / "data", BASE, FIXTURES / "dates"],
                         ids=["example-data", "base-fixture", "dates-fixture"])
def test_schemas_accept_the_valid_data(root: Path) -> None:
    disagreements, checked = _disagreements(root)
    assert checked > 0
    assert disagreements == []


@pytest.mark.parametrize("case", CASES)
def test_schemas_and_validate_agree_on_broken_fixtures(case: str, tmp_path: Path) -> None:
    """Each broken case, on top of the base fixture: the schema refuses every record that
    `validate` refuses for a reason a schema can decide, and accepts every record it accepts.
    Among them: `casualty-subject` (both `actor` and `group`, neither), `casualty-no-count`,
    `statement-text` (both `quote` and `paraphrase`, neither) and `attributed-by`."""
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    case_dir = FIXTURES / "broken" / case
    shutil.copytree(case_dir, data, dirs_exist_ok=True, ignore=lambda d, _names: (
        ["expected.txt"] if Path(d) == case_dir else []))
    mine = {data / p.relative_to(case_dir) for p in case_dir.rglob("*") if p.is_file()}
    disagreements, _ = _disagreements(data, only=mine)
    assert disagreements == []


@pytest.mark.parametrize(
    ("kind", "record", "codes"),
    [
        # each one-of rule of the models, both ways it can break, and its valid forms
        ("casualty", {"actor": "isis", "group": "militants", "killed": 1}, {"casualty-subject"}),
        ("casualty", {"killed": 1}, {"casualty-subject"}),
        ("casualty", {"actor": None, "group": None, "killed": 1}, {"casualty-subject"}),
        ("casualty", {"group": "civilians"}, {"casualty-no-count"}),
        ("casualty", {"group": "civilians", "killed": None}, {"casualty-no-count"}),
        ("casualty", {"actor": "isis", "group": None, "wounded": 0}, set()),
        ("casualty", {"group": "civilians", "arrested": {"best": 2}}, set()),
        ("statement", {"quote": "q", "paraphrase": "p"}, {"statement-text"}),
        ("statement", {}, {"statement-text"}),
        ("statement", {"quote": None, "paraphrase": None}, {"statement-text"}),
        ("statement", {"quote": "q", "paraphrase": None}, set()),
        ("statement", {"paraphrase": "p"}, set()),
        ("actor-role", {"role": "perpetrator", "attributed_by": "peshmerga"}, {"attributed-by-not-suspected"}),
        ("actor-role", {"attributed_by": "peshmerga"}, {"attributed-by-not-suspected"}),
        ("actor-role", {"role": "suspected", "attributed_by": "peshmerga"}, set()),
        ("actor-role", {"role": "perpetrator", "attributed_by": None}, set()),
        ("actor-role", {"role": "suspected"}, set()),
    ],
    ids=lambda v: json.dumps(v) if isinstance(v, dict) else str(v),
)
def test_each_rule_across_fields(kind: str, record: dict[str, Any], codes: set[str], tmp_path: Path) -> None:
    """Every rule across fields of the models, in the place it applies: the schema refuses a
    record exactly when `validate` reports the rule's code for it."""
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    incident: dict[str, Any] = {"id": "rule-check", "title": "t", "date": "2020-04-12", "type": "armed-clash",
                                "region": "hawija", "actors": [{"actor": "isis", "role": "perpetrator"}],
                                "sources": [{"source": "rudaw"}]}
    if kind == "statement":
        folder, document = "statements", {"id": "rule-check", "date": "2020-04-12", "speaker": "isis",
                                          "sources": [{"source": "rudaw"}], **record}
    else:
        folder, document = "incidents", incident
        if kind == "casualty":
            incident["casualties"] = [record]
        else:
            incident["actors"] = [{"actor": "isis", **record}]
    path = data / folder / "rule-check.yml"
    path.write_text(json.dumps(document), encoding="utf-8")  # JSON is YAML: the values as written
    found = {p.code for p in validate(data).report.errors if p.path == str(path)}
    assert found == codes
    schema_errors = list(_validator(folder).iter_errors(load_file(str(path)).records[0].data))
    assert bool(schema_errors) == bool(codes), schema_errors
