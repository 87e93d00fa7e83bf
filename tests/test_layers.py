"""The layers of prizeapp, read from the sources: imports flow one way (views → forms, services, permissions →
models → extensions, enums; services also use core), no module imports itself back through others, and only
the request's end (views, the CLI) and the workers commit.

Every import counts, including those inside functions: a late import is still a dependency.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "prizeapp"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _resolve(module: str, node: ast.ImportFrom) -> list[str]:
    """The prizeapp modules an `from … import …` names (a submodule when the imported name is one)."""
    if node.level:
        here = module.split(".")
        is_package = MODULES[module].name == "__init__.py"
        base = here if is_package else here[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    found = []
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        found.append(sub if sub in MODULES else target)
    return [name for name in found if name in MODULES]


def imports_of(module: str) -> set[str]:
    tree = ast.parse(MODULES[module].read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in MODULES}
        elif isinstance(node, ast.ImportFrom):
            found |= set(_resolve(module, node))
    found.discard(module)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _importers_of(layer: str, importers: str) -> list[str]:
    return sorted(f"{m} imports {t}" for m, targets in GRAPH.items() if m.startswith(importers)
                  for t in targets if t == layer or t.startswith(layer + "."))


def test_no_module_imports_itself_back_through_others():
    # Package faces (an __init__ that hands its modules' names on) are not a dependency of those modules.
    graph = {m: {t for t in targets if not (MODULES[t].name == "__init__.py" and m.startswith(t + "."))}
             for m, targets in GRAPH.items()}
    graph["prizeapp"] = set()  # the application factory imports everything; nothing imports it back
    assert _cycles(graph) == []


def test_services_never_import_views_or_forms():
    assert _importers_of("prizeapp.views", "prizeapp.services") == []
    assert _importers_of("prizeapp.forms", "prizeapp.services") == []


def test_models_and_permissions_know_nothing_of_the_layers_above():
    for upper in ("prizeapp.views", "prizeapp.forms", "prizeapp.services", "prizeapp.cli"):
        assert _importers_of(upper, "prizeapp.models") == []
    for upper in ("prizeapp.views", "prizeapp.forms", "prizeapp.cli"):
        assert _importers_of(upper, "prizeapp.permissions") == []


def test_nothing_but_the_cli_imports_the_demo():
    """The demo is built on the services; no layer of the app depends on it."""
    outside = [line for line in _importers_of("prizeapp.demo", "prizeapp")
               if not line.startswith(("prizeapp.demo", "prizeapp.cli imports"))]
    assert outside == []
    assert _importers_of("prizeapp.demo", "prizeapp.cli")


def test_nothing_imports_the_views_but_the_views_and_the_app():
    outside = [line for line in _importers_of("prizeapp.views", "prizeapp")
               if not line.startswith(("prizeapp.views", "prizeapp imports"))]
    assert outside == []


# The request's end commits once; the workers commit as they go (progress, one email at a time).
MAY_COMMIT = ("prizeapp.views.", "prizeapp.cli", "prizeapp.services.jobs", "prizeapp.services.outbox")


def test_only_views_the_cli_and_the_workers_commit():
    committing = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "commit" and not module.startswith(MAY_COMMIT)):
                committing.append(f"{module}:{node.lineno}")
    assert committing == []
