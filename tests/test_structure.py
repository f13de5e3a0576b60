"""The shape of the package: data flows one way, and no module needs another that needs it.

Read from the source with `ast`, so an import inside a function or under `TYPE_CHECKING` counts
as much as one at the top: a loop hidden in a function is still a loop to whoever changes one of
its modules. The one exception is the typed `runtime_data` alias (`data.py` names the
coordinator for the type checker only), as every integration typing its config entry has.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from custom_components import blink_care

PACKAGE = blink_care.__name__
PACKAGE_DIR = Path(blink_care.__file__).parent
# Layers that must run without Home Assistant, and the only parts of the package they may use.
PURE_LAYERS = {
    f"{PACKAGE}.client": (f"{PACKAGE}.client",),
    f"{PACKAGE}.engine": (f"{PACKAGE}.engine", f"{PACKAGE}.client"),
}
TYPED_ALIAS = f"{PACKAGE}.data"


@dataclass(frozen=True, slots=True)
class Import:
    """One import statement's target, and whether only the type checker runs it."""

    source: str
    target: str
    typing_only: bool
    line: int


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, *, typing_only: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    for child in ast.iter_child_nodes(node):
        inside = typing_only or (isinstance(child, ast.If) and _is_type_checking(child))
        yield child, inside
        yield from _walk(child, typing_only=inside)


def _resolve(module: str, node: ast.ImportFrom) -> str:
    """The absolute module a `from` import names (relative imports resolved)."""
    if node.level == 0:
        return node.module or ""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _targets(module: str, node: ast.AST) -> list[str]:
    """The modules one statement of `module` imports (none if it is not an import)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = _resolve(module, node)
    # `from .engine import battery` imports the module engine.battery.
    return [
        f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
        for alias in node.names
    ]


def imports_of(module: str) -> list[Import]:
    """Every import in a module, with targets as absolute module names."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    return [
        Import(module, target, typing_only, getattr(node, "lineno", 0))
        for node, typing_only in _walk(tree)
        for target in _targets(module, node)
    ]


def _own(target: str) -> str | None:
    """The package module an import loads (None: outside the package)."""
    while target:
        if target in MODULES:
            return target
        target = target.rpartition(".")[0]
    return None


def import_graph() -> dict[str, set[str]]:
    """Which package modules each package module imports (the typed alias left out)."""
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for module in MODULES:
        for found in imports_of(module):
            target = _own(found.target) if found.target.startswith(PACKAGE) else None
            if target is None or target == module:
                continue
            if found.typing_only and module == TYPED_ALIAS:
                continue
            graph[module].add(target)
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return seen


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that reach each other through imports, each sorted."""
    reach = {node: _reachable(graph, node) for node in graph}
    groups = {
        tuple(sorted(other for other in reach[node] if node in reach[other]))
        for node in graph
        if node in reach[node]
    }
    return sorted(list(group) for group in groups)


def _modules_under(packages: tuple[str, ...]) -> set[str]:
    return {
        module
        for module in MODULES
        if any(module == package or module.startswith(f"{package}.") for package in packages)
    }


def test_the_checker_finds_a_loop_and_follows_relative_imports() -> None:
    """A two-module loop is found; `from .engine import battery` reaches engine.battery."""
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    statement = ast.parse("from .engine import battery, BatteryModel").body[0]
    assert _targets(f"{PACKAGE}.const", statement) == [
        f"{PACKAGE}.engine.battery",
        f"{PACKAGE}.engine",
    ]
    statement = ast.parse("from ..client.models import DeviceKind").body[0]
    assert _targets(f"{PACKAGE}.engine.battery", statement) == [f"{PACKAGE}.client.models"]


def test_no_import_loop_inside_the_package() -> None:
    """No module imports, even inside a function or for typing only, one that imports it back."""
    assert cycles(import_graph()) == []


def test_client_and_engine_run_without_home_assistant() -> None:
    """client/ uses nothing of ours above it; engine/ only client/; neither Home Assistant."""
    wrong = []
    for module in MODULES:
        allowed = next(
            (
                parts
                for layer, parts in PURE_LAYERS.items()
                if module == layer or module.startswith(f"{layer}.")
            ),
            None,
        )
        if allowed is None:
            continue
        for found in imports_of(module):
            target = found.target
            own = target.startswith(f"{PACKAGE}.") or target == PACKAGE
            if target.split(".")[0] == "homeassistant" or (
                own and _own(target) not in _modules_under(allowed)
            ):
                wrong.append(f"{module}:{found.line} imports {target}")
    assert wrong == []
