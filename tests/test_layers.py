"""Arrows point down: no import cycle in the package, and no import from a layer above.

The layer order is declared here, once. Every `import` and `from … import` in src/litsynth is
read with `ast` (lazy imports inside functions and TYPE_CHECKING blocks included: a cycle
hidden in a function is still a cycle), resolved to the package's own modules, and checked.
A module may import its own layer and the layers below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

# Bottom first. A module belongs to the last (highest) prefix that matches it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "foundation",
        (
            "litsynth",
            "litsynth.errors",
            "litsynth.records",
            "litsynth.config",
            "litsynth.citations",
            "litsynth.cells",
            "litsynth.atomic",
            "litsynth.provenance",
            "litsynth.progress",
            "litsynth.textkept",
            "litsynth.words",
            "litsynth.markup",
            "litsynth.query_words",
            "litsynth.nlp",
            "litsynth.yamltext",
            "litsynth.kappa",
        ),
    ),
    ("store", ("litsynth.store",)),
    ("embed", ("litsynth.embed",)),
    ("ingest", ("litsynth.ingest",)),
    ("biblio", ("litsynth.biblio",)),
    ("coding", ("litsynth.coding",)),
    (
        "search",
        (
            "litsynth.search",
            "litsynth.search_focus",
            "litsynth.search_rank",
            "litsynth.search_sheet",
        ),
    ),
    ("synthesis", ("litsynth.synthesis",)),
    ("report", ("litsynth.report",)),
    ("pipeline", ("litsynth.pipeline", "litsynth.inputs", "litsynth.scaffold")),
    ("cli", ("litsynth.cli", "litsynth.__main__", "litsynth.server")),
)


def _modules() -> dict[str, Path]:
    out = {}
    for path in (SRC / "litsynth").rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([node.module] if node.module else [])])
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target.startswith("litsynth") and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def layer_of(module: str) -> tuple[int, str]:
    best: tuple[int, str] | None = None
    for rank, (layer, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or (prefix != "litsynth" and module.startswith(prefix + ".")):
                best = (rank, layer)
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best


def test_every_module_has_a_layer() -> None:
    for module in _graph():
        layer_of(module)


def test_no_import_from_a_layer_above() -> None:
    upward = []
    for module, imported in sorted(_graph().items()):
        rank, layer = layer_of(module)
        for target in sorted(imported):
            target_rank, target_layer = layer_of(target)
            if target_rank > rank:
                upward.append(f"{module} ({layer}) imports {target} ({target_layer})")
    assert not upward, "imports that point up:\n  " + "\n  ".join(upward)


def test_no_import_cycle() -> None:
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
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
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    assert not cycles, f"import cycles: {cycles}"


def test_the_checker_sees_a_cycle_and_an_upward_import() -> None:
    """The checks are not vacuous: the graph holds real downward edges."""
    graph = _graph()
    assert "litsynth.store.db" in graph["litsynth.store.screening_log"]
    assert "litsynth.citations.labels" in graph["litsynth.records"]
    assert layer_of("litsynth.cli.run") > layer_of("litsynth.pipeline")


def test_one_passage_record() -> None:
    """No class but records.Passage carries a chunk, its document and a citation as fields:
    results that add to a passage hold the Passage instead of copying it."""
    offenders = []
    for path in (SRC / "litsynth").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            fields = [
                s.target.id
                for s in node.body
                if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
            ]
            chunk = any("chunk" in f for f in fields)
            document = any("document" in f for f in fields)
            cited = any("citation" in f for f in fields)
            if chunk and document and cited:
                offenders.append(f"{path.relative_to(SRC)}: {node.name}")
    assert not offenders, offenders
