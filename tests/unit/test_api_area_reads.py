"""Issue #13: these api areas read through ports on ``Services``, never ``infra``.

The api-wide contract (only the composition root imports infra) lands once every
area is done; until then this keeps the finished ones from sliding back.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DONE = [
    *sorted((ROOT / "api" / "moderation").glob("*.py")),
    *sorted((ROOT / "api" / "safety").glob("*.py")),
    *sorted((ROOT / "api" / "notifications").glob("*.py")),
    ROOT / "api" / "privacy" / "consents.py",
    ROOT / "api" / "privacy" / "exports.py",
    ROOT / "api" / "privacy" / "types.py",
    ROOT / "api" / "support" / "availability.py",
    ROOT / "api" / "support" / "types.py",
    ROOT / "api" / "guards.py",
    ROOT / "api" / "documents.py",
]


def _imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("path", DONE, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_module_imports_nothing_from_infra(path: Path) -> None:
    assert [i for i in _imports(path) if i[1].split(".")[0] == "infra"] == []


@pytest.mark.parametrize("path", DONE, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_module_imports_only_at_module_level(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    inside = [
        inner.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for inner in ast.walk(node)
        if isinstance(inner, ast.Import | ast.ImportFrom)
    ]
    assert inside == []


def test_domain_ports_only_re_exports() -> None:
    """Each area declares its ports in ``domain/<area>/ports.py``; ``domain/ports.py``
    imports no model, only those modules and ``domain.uow``."""
    modules = {m for _, m in _imports(ROOT / "domain" / "ports.py")} - {"__future__"}
    assert all(m == "domain.uow" or m.endswith(".ports") for m in modules), modules
