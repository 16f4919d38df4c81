"""The dependency rule: api -> domain <- infra."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import api.schema  # noqa: F401 - imports every area, as the app does
from api.members.own import OWN_FIELDS, resolver_of

ROOT = Path(__file__).resolve().parents[2]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_domain_imports_only_the_standard_library_and_itself() -> None:
    allowed = set(sys.stdlib_module_names) | {"domain", "__future__"}
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_modules(path) - allowed)
        for path in (ROOT / "domain").rglob("*.py")
        if _imported_modules(path) - allowed
    }
    assert offenders == {}


def test_infra_never_imports_api() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "infra").rglob("*.py")
        if "api" in _imported_modules(path)
    ]
    assert offenders == []


def test_import_linter_layer_contract_holds() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "importlinter.cli", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- imports inside functions, import cycles, infra in api ---------------------------

LAYERS = ("api", "domain", "infra")

# Imports that may stay inside a function: path -> {imported module: reason}. Empty today:
# every import sits at the top of its module. Keep it exact
# (a test fails for an entry that is no longer needed), so that it only shrinks.
FUNCTION_IMPORTS_ALLOWED: dict[str, dict[str, str]] = {}

# The guide's composition root: the app, its wiring, and the health and middleware
# modules. ``api/container.py``'s ``Services`` names no adapter, only ports.
COMPOSITION_ROOT = {
    "api/app.py",
    "api/health.py",
    "api/middleware.py",
    "api/wiring.py",
}


def _sources() -> list[Path]:
    return sorted(p for layer in LAYERS for p in (ROOT / layer).rglob("*.py"))


# The tests, scripts and migrations keep the same rule (the bench's scripts set up their
# environment before importing the app, and are not held to it).
CHECKED_TOO = ("tests", "scripts", "migrations")


def _names(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    prefix = "." * node.level + (node.module or "")
    return [
        f"{prefix}.{alias.name}" if node.module else prefix + alias.name for alias in node.names
    ]


def _function_imports(path: Path) -> set[str]:
    found: set[str] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            if in_function and isinstance(child, ast.Import | ast.ImportFrom):
                found.update(_names(child))
            visit(child, inside)

    visit(ast.parse(path.read_text(), filename=str(path)), False)
    return found


def test_no_imports_inside_functions_but_the_listed_ones() -> None:
    """No import hidden in a function to dodge an import cycle: annotations use
    ``strawberry.lazy`` with imports under ``TYPE_CHECKING``, and modules are arranged
    so that every import sits at the top. Only the listed lazy imports stay."""
    paths = _sources() + sorted(p for top in CHECKED_TOO for p in (ROOT / top).rglob("*.py"))
    found = {
        str(path.relative_to(ROOT)): names for path in paths if (names := _function_imports(path))
    }
    unexpected = {
        path: sorted(names - FUNCTION_IMPORTS_ALLOWED.get(path, {}).keys())
        for path, names in found.items()
        if names - FUNCTION_IMPORTS_ALLOWED.get(path, {}).keys()
    }
    assert unexpected == {}, "imports inside functions"
    stale = {
        path: sorted(allowed.keys() - found.get(path, set()))
        for path, allowed in FUNCTION_IMPORTS_ALLOWED.items()
        if allowed.keys() - found.get(path, set())
    }
    assert stale == {}, "allowed but gone: remove them from FUNCTION_IMPORTS_ALLOWED"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(path: Path) -> set[str]:
    """Absolute imports at module level, leaving out ``if TYPE_CHECKING:`` blocks."""
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                found.update(n for n in _names(node) if not n.startswith("."))
            elif isinstance(node, ast.If | ast.Try | ast.With):
                for block in ("body", "orelse", "finalbody"):
                    visit(getattr(node, block, []))
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)

    visit(ast.parse(path.read_text(), filename=str(path)).body)
    return found


def test_no_runtime_import_cycles() -> None:
    modules = {_module_name(p): p for p in _sources()}

    def owner(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {
        name: {
            found
            for imported in _runtime_imports(path)
            if (found := owner(imported)) is not None and found != name
        }
        for name, path in modules.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt)
        path.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name)
    assert cycles == []


def test_api_imports_infra_only_in_the_composition_root() -> None:
    """Resolvers read and write through the ports on ``Services`` (issue #13); only the
    modules that build the app (and its health, middleware and CLI) know ``infra``.
    import-linter's forbidden contract says the same for direct imports."""
    found = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "api").rglob("*.py")
        if "infra" in _imported_modules(path)
    }
    assert sorted(found - COMPOSITION_ROOT) == []


def test_every_member_field_answered_by_another_area_is_registered() -> None:
    for field in OWN_FIELDS:
        assert callable(resolver_of(field)), field
