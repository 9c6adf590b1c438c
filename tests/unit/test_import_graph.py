"""The import graph goes one way: core → data → schedule → duties → models → negotiation → web → cli.

Read from the syntax tree of every module of ``src/tariffsim`` (nothing is imported), counting every
import wherever it stands: at module level, inside a function (a lazy import), under
``if TYPE_CHECKING:``, and a module named by a string (``importlib.import_module("tariffsim.…")``).
``docs/architecture.md`` explains the layers. Three rules:

1. every module belongs to a layer (``tariffsim.parallel`` to core; ``jurisdictions`` to schedule);
2. a module imports only its own layer and the layers below (``web`` never imports ``cli``; the
   CLI's ``serve`` may start the web app);
3. no cycle between modules, in any layer.

:data:`ALLOWED` lists the known violations being removed, each with the person who owns the fix.
It may only shrink: an entry that no longer occurs fails the test too, so remove it.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "tariffsim"

#: Layers from the bottom up; a module may import modules of its rank or lower.
LAYERS: dict[str, int] = {
    "core": 0,
    "parallel": 0,
    "data": 1,
    "schedule": 2,
    "jurisdictions": 2,
    "duties": 3,
    "models": 4,
    "negotiation": 5,
    "web": 6,
    "cli": 7,
}

#: Known violations (importer, imported) → who removes it. Empty when the graph is clean.
ALLOWED: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    how: str  # "import", "lazy import" (inside a function), "string"

    def where(self) -> str:
        return f"{MODULES[self.source].relative_to(SRC.parent)}:{self.line}"


def _target(module: str, attribute: str | None = None) -> str:
    """The module an import names: ``module.attribute`` when that is a module (``from pkg import
    sub``), else ``module`` — which may not exist (reported by rule 1)."""
    if attribute is not None and f"{module}.{attribute}" in MODULES:
        return f"{module}.{attribute}"
    return module


def _absolute(source: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = source.split(".")
    if MODULES[source].name != "__init__.py":
        base = base[:-1]  # a module's package
    if node.level > 1:
        base = base[: -(node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _edges_of(source: str) -> Iterator[Edge]:
    tree = ast.parse(MODULES[source].read_text(encoding="utf-8"))
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            in_function.update(id(n) for n in ast.walk(node) if n is not node)
    for node in ast.walk(tree):
        how = "lazy import" if id(node) in in_function else "import"
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [_target(a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            mod = _absolute(source, node)
            targets = [_target(mod, a.name) for a in node.names]
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.startswith("tariffsim.")
            and node.value in MODULES
        ):
            targets, how = [node.value], "string"
        for target in targets:
            if (target == "tariffsim" or target.startswith("tariffsim.")) and target != source:
                yield Edge(source, target, node.lineno, how)


@functools.cache
def edges() -> tuple[Edge, ...]:
    """Every import edge of the package (computed once, when a test first asks)."""
    return tuple(e for m in MODULES for e in _edges_of(m))


def layer(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2:
        return "core"  # the top-level package itself: imports nothing (checked below)
    return parts[1] if parts[1] in LAYERS else None


def upward(e: Edge) -> bool:
    a, b = layer(e.source), layer(e.target)
    return a is not None and b is not None and LAYERS[b] > LAYERS[a]


@functools.cache
def cycles(skip: frozenset[tuple[str, str]] = frozenset()) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), without the ``skip`` edges."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for e in edges():
        if e.target in MODULES and (e.source, e.target) not in skip:
            graph[e.source].add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _cycle_edges(comp: list[str]) -> list[Edge]:
    members = set(comp)
    return [e for e in edges() if e.source in members and e.target in members]


def _allowed(e: Edge) -> bool:
    return (e.source, e.target) in ALLOWED


def test_the_graph_is_read() -> None:
    # Sanity: the scan sees the package and known edges (a broken scan would pass everything).
    assert "tariffsim.schedule.engine" in MODULES and "tariffsim.core.errors" in MODULES
    assert any(
        e.source == "tariffsim.schedule.engine" and e.target == "tariffsim.core.errors"
        for e in edges()
    )
    # cli/main.py registers its command modules by name (importlib): seen as string edges.
    assert any(e.source == "tariffsim.cli.main" and e.how == "string" for e in edges())


def test_every_import_names_a_module_of_a_layer() -> None:
    bad = [
        f"{e.where()}: {e.source} imports {e.target}, which does not exist ({e.how})"
        for e in edges()
        if e.target not in MODULES and not _allowed(e)
    ]
    bad += [
        f"{e.where()}: {e.source} imports {e.target}, which is in no layer ({e.how})"
        for e in edges()
        if e.target in MODULES and layer(e.target) is None and not _allowed(e)
    ]
    bad += [f"{m}: in no layer" for m in MODULES if layer(m) is None]
    assert not bad, "\n".join(bad)


def test_the_top_level_package_imports_nothing() -> None:
    assert not [e for e in edges() if e.source == "tariffsim"]


def test_layers_are_imported_one_way() -> None:
    bad = [
        f"{e.where()}: {e.source} ({layer(e.source)}) imports {e.target} ({layer(e.target)}), "
        f"a higher layer ({e.how})"
        for e in edges()
        if upward(e) and not _allowed(e)
    ]
    assert not bad, "layers go " + " → ".join(LAYERS) + "\n" + "\n".join(bad)


def test_web_never_imports_the_cli() -> None:
    bad = [
        f"{e.where()}: {e.source} imports {e.target} ({e.how})"
        for e in edges()
        if layer(e.source) == "web" and layer(e.target) == "cli" and not _allowed(e)
    ]
    assert not bad, "\n".join(bad)


def test_no_import_cycles() -> None:
    bad = []
    for comp in cycles(skip=frozenset(ALLOWED)):
        edges = _cycle_edges(comp)
        lines = "\n".join(f"  {e.where()}: {e.source} → {e.target} ({e.how})" for e in edges)
        bad.append(f"cycle between {', '.join(comp)}:\n{lines}")
    assert not bad, "\n".join(bad)


def _violation(source: str, target: str) -> bool:
    """Is the import source → target still against a rule (so that it belongs in ALLOWED)?"""
    if target not in MODULES or layer(target) is None:
        return True
    e = Edge(source, target, 0, "import")
    if upward(e) or (layer(source) == "web" and layer(target) == "cli"):
        return True
    return any({source, target} <= set(c) for c in cycles())


def test_allow_list_entries_are_still_needed() -> None:
    # A fixed violation must leave the allow-list, so that it cannot come back unnoticed. The list
    # is empty today (every layer break and cycle fixed); this keeps it honest if one is ever added.
    present = {(e.source, e.target) for e in edges()}
    stale = [
        f"{a} → {b} is no longer a violation: remove it from ALLOWED (owner: {ALLOWED[(a, b)]})"
        for a, b in sorted(ALLOWED)
        if (a, b) not in present or not _violation(a, b)
    ]
    assert not stale, "\n".join(stale)


def test_allow_list_is_empty() -> None:
    # The layers import one way with no exception (docs/architecture.md).
    assert ALLOWED == {}
