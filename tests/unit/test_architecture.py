"""The dependency rule: api -> domain <- infra."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

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
