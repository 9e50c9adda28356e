"""The registry of record kinds (`generator/kinds.py`) is the one place that lists them: every
other module derives its lists from it, and the registry agrees with the models it names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO
from generator import kinds
from generator.kinds import ALL, BY_FOLDER, FIELD_NESTING, FIELD_ORDER, Kind
from generator.link import Dataset, Entry, Loaded, Written, link
from generator.load import load_file
from generator.models import Source

#: The names a list of kinds would spell: the folders, or the singular names.
_FOLDERS = frozenset(kinds.FOLDERS)
_SINGULARS = frozenset(kinds.SINGULAR.values())
#: Literals that name several kinds and are not lists of kinds: the site's page folders, some of
#: which share a kind's name (`routes` owns them). (file, name assigned).
#: (The explorer's data file names its tables, regions and actors beside the incidents: a file
#: format, not a list of the kinds to handle.)
_NOT_KIND_LISTS = {("write.py", "GENERATED"), ("export.py", "explorer_document")}


def hand_lists(package: Path) -> list[str]:
    """`file:line` of every tuple, list, set or dict literal in `package` (kinds.py aside) whose
    items or keys spell three or more kinds, e.g. `("incidents", "statements", "actors")`,
    `{"actors": 2, "regions": 3, "sources": 4}` or `["incident", "actor", "source"]`: a list of
    kinds written by hand. (Folders and singular names are counted apart: the fields of an incident,
    `region`, `actors`, `sources` among them, are not a list of kinds.)"""
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel == "kinds.py":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        exempt: set[int] = set()
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, ast.AnnAssign) else []
            for target in targets:
                if isinstance(target, ast.Name) and (rel, target.id) in _NOT_KIND_LISTS:
                    exempt.add(id(node.value))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                items = node.elts
            elif isinstance(node, ast.Dict):
                items = [key for key in node.keys if key is not None]
            else:
                continue
            texts = {item.value for item in items if isinstance(item, ast.Constant)}
            if max(len(texts & _FOLDERS), len(texts & _SINGULARS)) >= 3 and id(node) not in exempt:
                found.append(f"{rel}:{node.lineno}")
    return found


def test_no_module_but_the_registry_lists_the_kinds() -> None:
    # A hand list drifts from the registry: a kind added there would be missing from it.
    assert hand_lists(REPO / "generator") == [], "derive the list from generator/kinds.py"


def test_the_guard_finds_a_hand_list(tmp_path: Path) -> None:
    (tmp_path / "ranked.py").write_text('_KIND_RANK = {"incidents": 0, "statements": 1, "actors": 2}\n')
    (tmp_path / "choice.py").write_text('CHOICES = ["incident", "statement", "actor", "region", "source"]\n')
    (tmp_path / "pair.py").write_text('DATED = ("incidents", "statements")\n')  # two: a rule, not the list
    assert hand_lists(tmp_path) == ["choice.py:1", "ranked.py:1"]


@pytest.mark.parametrize("kind", ALL, ids=lambda k: k.folder)
def test_each_entry_agrees_with_its_model(kind: Kind) -> None:
    # Every field of the model has its place in the order (`fmt`, the schema and the field
    # reference follow it), and no field is named that the model lacks.
    assert sorted(kind.fields) == sorted(kind.model.model_fields)
    assert FIELD_ORDER[kind.model.__name__] == list(kind.fields)
    for name, entry_model in kind.nesting.items():
        assert name in kind.model.model_fields and entry_model in FIELD_ORDER
    for pattern, target in kind.references:
        assert pattern[0] in kind.model.model_fields and target in BY_FOLDER
    assert ("date" in kind.model.model_fields) == kind.dated


def test_names_and_ranks_are_unique() -> None:
    assert len({k.folder for k in ALL}) == len({k.singular for k in ALL}) == len({k.rank for k in ALL}) == len(ALL)
    assert all(set(FIELD_NESTING[name].values()) <= set(FIELD_ORDER) for name in FIELD_NESTING)


def test_a_registered_kind_without_a_typed_field_is_linked(monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    # Adding a kind is its entry, its model and its views: `link` and `Dataset` need no edit. An
    # "outlets" kind (a source's model, for the test) refers to sources and is linked by id.
    outlets = Kind("outlets", "outlet", Source, references=((("url",), "sources"),),
                   fields=tuple(Source.model_fields), rank=len(ALL))
    import generator.link as link_mod
    monkeypatch.setattr(link_mod, "FOLDERS", (*kinds.FOLDERS, "outlets"))
    monkeypatch.setitem(kinds.REFERENCES, "outlets", list(outlets.references))  # link reads these dicts
    monkeypatch.setitem(kinds.SINGULAR, "outlets", "outlet")
    path = tmp_path / "x.yml"
    path.write_text("id: zeta\nname: Zeta\nkind: media\nurl: nowhere\n")
    raw = load_file(str(path)).records[0]
    record = Source.model_validate({"id": "zeta", "name": "Zeta", "kind": "media"})
    dataset, problems = link([Loaded("outlets", record, raw, str(path))],
                             [Written.of("outlets", str(path), raw)])
    assert list(dataset.kind("outlets")) == ["zeta"]
    assert isinstance(dataset.kind("outlets")["zeta"], Entry)
    assert [p.message for p in problems] == ["url: there is no source with id `nowhere`"]
    with pytest.raises(KeyError):
        Dataset().kind("nothing")
