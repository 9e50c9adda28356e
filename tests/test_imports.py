"""The house's shape, read from the source: no import circle among generator's modules, and no
module imports one of a higher stage. Stages are layers of imports (a module may import modules
of its own stage or of a lower one); their order is written here once, and docs/design.md shows
the same table ("Stages"), which the last test compares.

Every import counts, the ones inside functions too (a lazy import is still a dependency), except
those under `if TYPE_CHECKING:`, which never run.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "generator"

#: The stages, lowest first: each module of `generator/` (by its dotted name under the package)
#: in exactly one. A new module goes in the lowest stage that holds everything it imports.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("codes", "problems", "errors", "progress", "dates", "routes", "charts", "render", "sanitize", "children",
              "mkdocs_split", "write", "geo")),
    ("load", ("load", "explain", "bidi", "vcache", "partial", "pagerecord")),
    ("models", ("models", "kinds", "config", "schema")),
    ("link", ("link", "pages", "fonts", "validate", "changes")),
    ("views", ("views.common", "figures", "views.trend", "views.tags", "views.statements", "views.overview",
               "views.timeline", "views.actors", "views.regions", "views.sources", "views.whatsnew",
               "views.corrections", "views.export", "views.data", "views.feed", "views.explorer", "views.search",
               "views.selection", "views.briefing", "views.pdfs", "views.families")),
    ("output", ("export", "split", "site", "pdf", "fmt", "new", "serve", "acled")),
    ("cli", ("cli",)),
)


def _modules(root: Path) -> dict[str, Path]:
    """Every module of the package by dotted name (`views.common`); packages' `__init__` files
    are left out (they are empty, and hold no dependency of their own)."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] != "__init__":
            out[".".join(parts)] = path
    return out


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of the package that module `name` imports (outside `if TYPE_CHECKING:`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _type_checking(node):
            skipped.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    package = name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("generator."):
                    found.add(alias.name.removeprefix("generator."))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            elif node.module and (node.module == "generator" or node.module.startswith("generator.")):
                base = node.module.split(".")[1:]
            else:
                continue
            prefix = ".".join(base)
            if prefix in known:
                found.add(prefix)
            for alias in node.names:  # `from . import figures`, `from .views import briefing`
                sub = f"{prefix}.{alias.name}" if prefix else alias.name
                if sub in known:
                    found.add(sub)
    return {m for m in found if m in known and m != name}


def _graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    modules = _modules(root)
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _stage_of() -> dict[str, int]:
    return {module: rank for rank, (_, modules) in enumerate(STAGES) for module in modules}


def test_every_module_has_a_stage() -> None:
    stage = _stage_of()
    assert sum(len(m) for _, m in STAGES) == len(stage), "a module is listed in two stages"
    missing = sorted(set(_modules(PACKAGE)) - set(stage))
    assert not missing, f"modules with no stage (add them to STAGES here and to docs/design.md): {missing}"
    gone = sorted(set(stage) - set(_modules(PACKAGE)))
    assert not gone, f"STAGES names modules that do not exist: {gone}"


def test_no_import_circle() -> None:
    circles = _circles(_graph())
    assert not circles, "import circles among generator's modules: " + "; ".join(" <-> ".join(c) for c in circles)


def test_no_import_from_a_higher_stage() -> None:
    stage = _stage_of()
    names = [name for name, _ in STAGES]
    upward = sorted(
        f"{module} ({names[stage[module]]}) imports {target} ({names[stage[target]]})"
        for module, targets in _graph().items() for target in targets
        if module in stage and target in stage and stage[target] > stage[module]
    )
    assert not upward, "imports from a lower stage into a higher one:\n" + "\n".join(upward)


def test_the_design_document_shows_the_same_stages() -> None:
    text = (REPO / "docs" / "design.md").read_text(encoding="utf-8")
    section = text.split("## Stages", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d+) ([a-z]+) \| (.+) \|$", section, re.M)
    shown = tuple((name, tuple(re.findall(r"`([a-z_.]+)`", modules))) for _, name, modules in rows)
    assert shown == STAGES


def test_the_guard_sees_a_circle_and_an_upward_import(tmp_path: Path) -> None:
    # The guard itself: a function-local import that closes a circle is found, and an import
    # under `if TYPE_CHECKING:` is not.
    package = tmp_path / "generator"
    (package / "views").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "views" / "__init__.py").write_text("")
    (package / "a.py").write_text("from .views import b\n")
    (package / "views" / "b.py").write_text("def f():\n    from .. import a\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n")
    graph = _graph(package)
    assert graph == {"a": {"views.b"}, "views.b": {"a"}, "c": set()}
    assert _circles(graph) == [["a", "views.b"]]
