"""dlx's modules import only downward: no cycle of module-level imports (read with ``ast``)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src" / "dlx"


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imported(node, current: str, is_package: bool, modules) -> set[str]:
    """The dlx modules a module-level import statement runs (a name imported from a package is
    its submodule when one exists)."""
    found = set()
    if isinstance(node, ast.Import):
        found |= {a.name for a in node.names}
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            pkg = current.split(".") if is_package else current.split(".")[:-1]
            pkg = pkg[:len(pkg) - (node.level - 1)]
            base = ".".join(pkg + ([base] if base else []))
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            found.add(sub if sub in modules else base)
    return {m for m in found if m in modules}


def _top_level_imports(tree) -> list:
    """Import statements that run at import time (not inside functions or TYPE_CHECKING)."""
    out = []
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            continue
        if isinstance(node, (ast.If, ast.Try)):
            out += [n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append(node)
    return out


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        deps = set()
        for node in _top_level_imports(ast.parse(path.read_text(), str(path))):
            deps |= _imported(node, name, path.name == "__init__.py", modules)
        graph[name] = deps - {name}
    return graph


def cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
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
    return out


def test_no_cycle_of_module_level_imports():
    found = cycles(import_graph())
    assert not found, "import cycles among dlx's modules:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_the_checker_finds_a_planted_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    graph = import_graph()
    assert "dlx.ops.op_functions" in graph["dlx.ops"] and "dlx.ops.spec" in graph["dlx.ops.op_functions"]


def _reachable(graph, start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for w in graph.get(todo.pop(), ()):
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return seen


def deferred_cycle_imports() -> list[tuple[str, str, int]]:
    """``(module, imported, line)`` for every import inside a function that the module-level graph
    would turn into a cycle: the imported module already reaches, at import time, the importer."""
    modules, graph = _modules(), import_graph()
    out = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        top = {id(n) for n in _top_level_imports(tree)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in top:
                for dep in _imported(node, name, path.name == "__init__.py", modules) - {name}:
                    if name in _reachable(graph, dep):
                        out.append((name, dep, node.lineno))
    return out


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_deferred_imports_break_no_cycle_between_packages():
    # A function-level import that hides a cycle is tolerated only inside one package (a package's
    # catalogue and its members: Model <-> Functional, a wrapper resolving a name through its
    # package's index). Between packages (layers -> saving, ops -> backend) the lower one must not
    # reach up at all, even lazily: shared pieces move down instead (``dlx.serialization``,
    # ``dlx.backend.state``).
    upward = [f"{m}:{line} imports {d}" for m, d, line in deferred_cycle_imports() if _package(m) != _package(d)]
    assert not upward, "lazy imports that hide a cycle between packages:\n" + "\n".join(upward)


def test_the_deferred_checker_sees_function_level_imports():
    # Model.__new__ builds a Functional, and functional.py subclasses Model: the one import that
    # must stay deferred inside dlx.models
    found = {(m, d) for m, d, _ in deferred_cycle_imports()}
    assert ("dlx.models.model", "dlx.models.functional") in found
