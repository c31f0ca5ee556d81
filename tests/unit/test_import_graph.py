"""The import graph of functions/imagegate_service has no cycle, and no import hidden inside a function to keep
one apart (issue 24, first "Done when").

A cycle held apart by an import inside a function works until someone hoists the import, and it hides which
module owns what (the cost bounds lived in Record Round's module and settings, the daily budget and Start
reached up into it). The graph is read from the source with ``ast`` (no dependency): every ``import`` and
``from ... import`` of an ``imagegate_service`` module, at module level or inside a function, is an edge. A
function-level import is allowed only as a documented cold-start deferral: the comment ``# deferred import:
<why>`` on its line or the line above. Imports under ``if TYPE_CHECKING:`` never run and are not edges."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "imagegate_service"
SOURCE = Path(__file__).resolve().parents[2] / "functions" / PACKAGE
MARKER = "# deferred import:"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    path: Path
    line: int
    in_function: bool
    marked: bool


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for inner in ast.walk(node))
    return skipped


def _function_nodes(tree: ast.Module) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inside.update(id(inner) for inner in ast.walk(node) if inner is not node)
    return inside


def import_edges(root: Path) -> tuple[set[str], list[Edge]]:
    """The package's modules and every import of one of them by another."""
    paths = {module_name(path, root): path for path in sorted(root.rglob("*.py"))}

    def owner(name: str) -> str | None:  # `from pkg.mod import name`: name may be a module or an attribute
        while name and name not in paths:
            name = name.rpartition(".")[0]
        return name or None

    edges = []
    for source, path in paths.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text, filename=str(path))
        skipped, inside = _type_checking_nodes(tree), _function_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: resolved against the importing module's package
                    package = source.split(".") if path.name == "__init__.py" else source.split(".")[:-1]
                    package = package[: len(package) - (node.level - 1)]
                    base = ".".join([*package, base] if base else package)
                names = [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            here = lines[node.lineno - 1]
            above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
            marked = MARKER in here or above.startswith(MARKER)
            for name in names:
                target = owner(name) if name.startswith(PACKAGE) else None
                if target and target != source:
                    edges.append(Edge(source, target, path, node.lineno, id(node) in inside, marked))
    return set(paths), edges


def cycles(modules: set[str], edges: list[Edge]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    graph: dict[str, set[str]] = {module: set() for module in modules}
    for edge in edges:
        graph[edge.source].add(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / PACKAGE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / PACKAGE


def test_the_reader_finds_a_cycle_held_apart_inside_a_function(tmp_path: Path) -> None:
    # Given a and b importing each other, b's import hidden in a function
    root = _write(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from imagegate_service.b import g\n",
            "b.py": "def g():\n    from imagegate_service.a import f\n    return f\n",
            "c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from imagegate_service.a import f\n",
        },
    )
    modules, edges = import_edges(root)
    # Then the cycle and the hidden import are both seen; a TYPE_CHECKING import is no edge
    assert cycles(modules, edges) == [["imagegate_service.a", "imagegate_service.b"]]
    assert [(e.source, e.in_function, e.marked) for e in edges] == [
        ("imagegate_service.a", False, False),
        ("imagegate_service.b", True, False),
    ]


def test_a_marked_deferral_is_seen_as_marked(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "def f():\n    # deferred import: cold start\n    from imagegate_service import b\n    return b\n",
            "b.py": "X = 1\n",
        },
    )
    _, edges = import_edges(root)
    assert [(e.target, e.in_function, e.marked) for e in edges] == [("imagegate_service.b", True, True)]


def test_the_service_imports_form_no_cycle() -> None:
    modules, edges = import_edges(SOURCE)
    found = cycles(modules, edges)
    assert not found, "import cycles in functions/imagegate_service: " + "; ".join(" <-> ".join(c) for c in found)


def test_no_import_hides_inside_a_function_unless_it_is_a_documented_deferral() -> None:
    _, edges = import_edges(SOURCE)
    hidden = sorted(
        {
            f"{edge.path.relative_to(SOURCE.parents[1])}:{edge.line} imports {edge.target}"
            for edge in edges
            if edge.in_function and not edge.marked
        }
    )
    assert not hidden, (
        "imports inside a function (move them to the top of the module; if one would make a cycle, move the code "
        f"to the module that owns it; a cold-start deferral says so with '{MARKER} <why>'): " + "; ".join(hidden)
    )


def _ours(module: str) -> bool:
    """A module of the service or of the CLI and local runtime (``imagegate``), not a third party's."""
    return module.startswith(PACKAGE) or module == "imagegate" or module.startswith("imagegate.")


def private_imports(paths: list[Path]) -> list[str]:
    """``from imagegate_service... import _name`` (or ``from imagegate... import _name``): a private name of one
    module taken by another (a name that two modules need is public, in the module that owns it)."""
    found = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and _ours(node.module or "") and not node.level:
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{path}:{node.lineno} imports {node.module}.{alias.name}")
    return found


def test_the_private_import_scan_finds_one(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from imagegate_service.adapters.storage import S3ObjectStore, _hidden\nfrom __future__ import annotations\n"
        "from imagegate.controls_cli import _say\nfrom imagegates import _other\n",
        encoding="utf-8",
    )
    assert private_imports([module]) == [
        f"{module}:1 imports imagegate_service.adapters.storage._hidden",
        f"{module}:3 imports imagegate.controls_cli._say",
    ]


def test_no_private_name_of_the_service_is_imported_by_another_module() -> None:
    """Issue 24 item 5: the service's modules and the CLI/local runtime (imagegate/) use only public names of
    the service, and of each other."""
    repo = SOURCE.parents[1]
    paths = sorted(SOURCE.rglob("*.py")) + sorted((repo / "imagegate").rglob("*.py"))
    found = private_imports(paths)
    assert not found, "private names imported across modules (make them public where they are owned): " + "; ".join(
        found
    )


# The layers, outermost first: a module may import its own layer and the ones after it, never one before it. The
# handlers and the wiring build and call; the adapters implement the domain's ports; the domain decides and names
# its ports' value types (domain/ports.py, domain/enhancing.py, domain/state.py), so it imports no adapter to speak
# to one. The package's root modules (constants, errors, registry, settings, ...) and benchmark/ are not layered here.
LAYERS = (("handlers", "wiring"), ("adapters",), ("domain",))


def upward_imports(edges: list[Edge]) -> list[str]:
    """Imports of a module in an outer layer by one in an inner layer ("an import that runs back up")."""
    rank = {name: depth for depth, names in enumerate(LAYERS) for name in names}

    def depth(module: str) -> int | None:
        parts = module.split(".")
        return rank.get(parts[1]) if len(parts) > 1 else None

    found = []
    for edge in edges:
        source, target = depth(edge.source), depth(edge.target)
        if source is not None and target is not None and target < source:
            found.append(f"{edge.path.name}:{edge.line} {edge.source} imports {edge.target}")
    return sorted(found)


def test_the_layer_scan_finds_an_import_that_runs_back_up(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "__init__.py": "",
            "adapters/__init__.py": "",
            "adapters/store.py": "X = 1\n",
            "domain/__init__.py": "",
            "domain/rule.py": "from imagegate_service.adapters.store import X\nfrom imagegate_service import wiring\n",
            "wiring.py": "from imagegate_service.adapters.store import X\n",
        },
    )
    _, edges = import_edges(root)
    assert upward_imports(edges) == [
        "rule.py:1 imagegate_service.domain.rule imports imagegate_service.adapters.store",
        "rule.py:2 imagegate_service.domain.rule imports imagegate_service.wiring",
    ]


def test_no_import_runs_back_up_a_layer() -> None:
    """Issue 24 item 4: the domain imports no adapter (before: 12 module pairs, 18 imports), and neither imports the
    handlers or the wiring; TYPE_CHECKING imports (adapters/__init__.py's port checks) are not edges."""
    _, edges = import_edges(SOURCE)
    found = upward_imports(edges)
    assert not found, "imports that run back up a layer (move the value or rule into the domain): " + "; ".join(found)
