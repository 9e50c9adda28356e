"""The JSON Schemas and the field reference are generated from the models and kept fresh."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest

from generator.load import load_file
from generator.kinds import MODELS as KINDS
from generator.schema import generated_files, kind_schema
from conftest import BASE, REPO

_SCHEMA_OF = {"actors": "actor", "regions": "region", "sources": "source", "incidents": "incident",
              "statements": "statement"}


def test_committed_schemas_and_reference_are_fresh() -> None:
    files = generated_files(REPO / "schemas", REPO / "docs" / "data-reference.md")
    stale = [p.relative_to(REPO).as_posix() for p, text in files.items()
             if not p.is_file() or p.read_text("utf-8") != text]
    assert stale == [], f"stale generated files {stale}: run `make schema` (briefing schema)"


def test_reference_lists_every_field_of_every_model() -> None:
    reference = (REPO / "docs" / "data-reference.md").read_text("utf-8")
    for model in KINDS.values():
        for name in model.model_fields:
            assert f"| `{name}` |" in reference, (model.__name__, name)


def test_vscode_maps_every_schema_to_its_folder() -> None:
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text("utf-8"))
    mapping = settings["yaml.schemas"]
    for kind, name in _SCHEMA_OF.items():
        schema_path = f"./schemas/{name}.schema.json"
        assert (REPO / schema_path).is_file()
        assert f"data/{kind}/**/*.yml" in mapping[schema_path]


def _records(root: Path) -> list[tuple[str, object]]:
    out = []
    for kind in KINDS:
        for path in sorted((root / kind).rglob("*.yml")):
            loaded = load_file(str(path))
            out.append((kind, [r.data for r in loaded.records] if loaded.records[0].index is not None
                        else loaded.records[0].data))
    return out


@pytest.mark.parametrize("root", [REPO / "data", BASE, REPO / "tests" / "fixtures" / "dates"],
                         ids=["example-data", "base-fixture", "dates-fixture"])
def test_valid_data_passes_the_schemas(root: Path) -> None:
    records = _records(root)
    assert records
    for kind, document in records:
        jsonschema.validate(document, kind_schema(kind))


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        ("incidents", {"id": "x", "title": "t", "date": "2020-04-01", "type": "armed-clash", "region": "r",
                       "actors": [{"actor": "a", "role": "perp"}], "sources": [{"source": "s"}]}),
        ("incidents", {"id": "x", "title": "t", "date": "13/04/2020", "type": "armed-clash", "region": "r",
                       "actors": [{"actor": "a"}], "sources": [{"source": "s"}]}),
        ("incidents", {"id": "x", "title": "t", "date": "2020", "type": "no-such-type", "region": "r",
                       "actors": [{"actor": "a"}], "sources": [{"source": "s"}]}),
        # `{to}` alone is v1.1; `{from}` alone is not
        ("incidents", {"id": "x", "title": "t", "date": {"from": "2020-04-01"}, "type": "armed-clash", "region": "r",
                       "actors": [{"actor": "a"}], "sources": [{"source": "s"}]}),
        ("incidents", {"id": "x", "title": "t", "date": "2020-04", "type": "armed-clash", "region": "r",
                       "actors": [{"actor": "a", "role": "perpetrator", "attributed_by": "b"}],
                       "sources": [{"source": "s"}]}),  # `attributed_by` only with role `suspected`
        ("actors", {"id": "Bad Id", "name": "n", "kind": "militia"}),
        ("actors", {"id": "x", "name": "n", "kind": "militia", "nmae": "typo"}),
        ("sources", {"id": "x", "name": "n", "kind": "media", "url": "ftp://x"}),
    ],
)
def test_schemas_flag_what_editors_get_wrong(kind: str, document: dict) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, kind_schema(kind))


def test_schema_replaces_a_planted_link_never_writes_through_it(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A pull request can commit `schemas/actor.schema.json` as a link to any file of the machine
    (`~/.bashrc`); `make schema` then overwrote that file with the schema. The link itself is
    replaced by the schema; the file it pointed to is untouched."""
    from click.testing import CliRunner

    from generator import cli

    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    project = tmp_path / "project"
    (project / "schemas").mkdir(parents=True)
    (project / "docs").mkdir()
    (project / "schemas" / "actor.schema.json").symlink_to(victim)
    (project / "docs" / "data-reference.md").symlink_to(victim)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli.cli, ["schema"])
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "precious\n"
    for written in (project / "schemas" / "actor.schema.json", project / "docs" / "data-reference.md"):
        assert not written.is_symlink()
    schema = json.loads((project / "schemas" / "actor.schema.json").read_text(encoding="utf-8"))
    assert schema["$id"] == "actor.schema.json"


def test_schema_check_neither_follows_a_link_nor_hangs_on_a_fifo(tmp_path: Path) -> None:
    """`briefing schema --check` (CI runs it) on committed files that are a link to a file holding
    exactly the schema, and a FIFO: both are stale (a link is no committed schema), and the check
    ends instead of waiting for a writer."""
    import os
    import subprocess

    briefing = Path(sys.executable).parent / "briefing"
    project = tmp_path / "project"
    (project / "schemas").mkdir(parents=True)
    (project / "docs").mkdir()
    subprocess.run([str(briefing), "schema"], cwd=project, capture_output=True, text=True, check=True)
    good = tmp_path / "good.json"
    good.write_bytes((project / "schemas" / "actor.schema.json").read_bytes())
    (project / "schemas" / "actor.schema.json").unlink()
    (project / "schemas" / "actor.schema.json").symlink_to(good)
    (project / "docs" / "data-reference.md").unlink()
    os.mkfifo(project / "docs" / "data-reference.md")
    result = subprocess.run([str(briefing), "schema", "--check"], cwd=project, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 1
    assert "schemas/actor.schema.json: stale" in result.stdout
    assert "docs/data-reference.md: stale" in result.stdout
