"""Which `UserErrorCode`s each mutation can return, read from the code.

Walks the syntax trees of ``api/`` and ``domain/``: from each ``@strawberry.mutation``
resolver it follows every call it can resolve statically (module functions and
functions imported by name or through a module alias; nested functions and lambdas
are part of their enclosing function, and so is a use case handed to a helper as
``module.function``) and collects ``ErrorCode.X`` references and the
error classes raised (``NotFound`` is NOT_FOUND, ``RateLimited`` RATE_LIMITED).
``FORBIDDEN`` is left out: ``api.mutation_support.payload`` turns it into a top-level
error. The functions handed to ``payload`` as ``present`` or ``failed`` (directly or
through a helper's parameter of that name) build the payload after the use case, so
what they call is not followed. ``CONFLICT`` (a concurrent change at commit) can come
from any mutation that writes and is documented once instead of in every row. The result
over-approximates a little (a helper's every branch counts), which is the safe side for
an app.

    uv run python scripts/mutation_errors.py      # prints the table for docs/api.md

``tests/unit/docs/test_mutation_errors.py`` checks docs/api.md holds exactly this table.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("api", "domain")
EXCEPTION_CODES = {"NotFound": "NOT_FOUND", "RateLimited": "RATE_LIMITED"}
TOP_LEVEL = {"FORBIDDEN"}
EVERYWHERE = {"CONFLICT"}
BUILDERS = {"present", "failed"}  # parameters whose functions build a payload
START, END = "<!-- mutation-errors:start -->", "<!-- mutation-errors:end -->"

FunctionKey = tuple[str, str]  # (module, name or Class.method)


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield name.removesuffix(".__init__"), ast.parse(path.read_text(), str(path))


class Index:
    def __init__(self) -> None:
        self.functions: dict[FunctionKey, ast.AST] = {}
        self.imports: dict[str, dict[str, tuple[str, str | None]]] = {}
        self.mutations: dict[str, FunctionKey] = {}
        for module, tree in _modules():
            aliases: dict[str, tuple[str, str | None]] = {}
            for node in tree.body:
                if isinstance(node, ast.ImportFrom) and node.module:
                    for alias in node.names:
                        target = f"{node.module}.{alias.name}"
                        # a module imported by name, or a name from a module
                        aliases[alias.asname or alias.name] = (
                            (target, None) if _is_module(target) else (node.module, alias.name)
                        )
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        aliases[alias.asname or alias.name] = (alias.name, None)
                elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    self.functions[(module, node.name)] = node
                elif isinstance(node, ast.ClassDef):
                    for item in node.body:
                        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                            self.functions[(module, f"{node.name}.{item.name}")] = item
                            if _is_mutation(item):
                                self.mutations[_graphql_name(item)] = (
                                    module,
                                    f"{node.name}.{item.name}",
                                )
            self.imports[module] = aliases

    def calls(self, module: str, body: ast.AST) -> set[FunctionKey]:
        aliases = self.imports.get(module, {})
        local = _local_names(body)
        found: set[FunctionKey] = set()
        for node in ast.walk(body):
            if not isinstance(node, ast.Call | ast.Name | ast.Attribute):
                continue
            target = node.func if isinstance(node, ast.Call) else node
            if isinstance(target, ast.Name):
                if target.id in local:
                    continue
                if (module, target.id) in self.functions:
                    found.add((module, target.id))
                elif target.id in aliases and aliases[target.id][1] is not None:
                    source, name = aliases[target.id]
                    assert name is not None
                    found.add((source, name))
            elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                alias = aliases.get(target.value.id)
                if alias is not None and alias[1] is None and target.value.id not in local:
                    found.add((alias[0], target.attr))
        return {f for f in found if f in self.functions}

    def builders(self, module: str, body: ast.AST) -> set[ast.AST]:
        """The closures in ``body`` passed as a ``present`` or ``failed`` argument, and
        everything inside them."""
        aliases = self.imports.get(module, {})
        nested = {
            node.name: node
            for node in ast.walk(body)
            if node is not body and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        passed: list[ast.AST] = []
        for node in ast.walk(body):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            name = node.func.id
            key = (module, name)
            if key not in self.functions and aliases.get(name, ("", None))[1] is not None:
                source, imported = aliases[name]
                key = (source, str(imported))
            callee = self.functions.get(key)
            if not isinstance(callee, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            params = [a.arg for a in (*callee.args.posonlyargs, *callee.args.args)]
            arguments = [(p, a) for p, a in zip(params, node.args, strict=False)]
            arguments += [(k.arg, k.value) for k in node.keywords]
            passed += [a for p, a in arguments if p in BUILDERS]
        closures = [nested.get(a.id) if isinstance(a, ast.Name) else a for a in passed]
        return set(passed) | {
            inner
            for closure in closures
            if isinstance(closure, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            for inner in ast.walk(closure)
        }

    def direct_codes(self, module: str, body: ast.AST) -> set[str]:
        aliases = self.imports.get(module, {})
        codes: set[str] = set()
        for node in ast.walk(body):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "ErrorCode"
            ):
                codes.add(node.attr)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                name = node.func.id
                imported = aliases.get(name, ("", None))[1]
                if name in EXCEPTION_CODES and imported in (name, None):
                    codes.add(EXCEPTION_CODES[name])
        return codes

    def codes(self, key: FunctionKey) -> set[str]:
        """What the use case run inside ``payload`` can raise. In the resolver and the
        ``api`` helpers it calls, that is their closures (nested functions and lambdas,
        which are what ``payload`` runs as the use case) and everything those call; what
        the resolver does around them (parsing, building the payload: ``present`` and
        ``failed``) returns no userErrors."""
        codes: set[str] = set()
        followed: set[FunctionKey] = set()
        wrappers: set[FunctionKey] = set()

        def follow(module: str, body: ast.AST) -> None:
            nonlocal codes
            codes |= self.direct_codes(module, body)
            for callee in self.calls(module, body):
                if callee not in followed:
                    followed.add(callee)
                    follow(callee[0], self.functions[callee])

        def wrapper(current: FunctionKey) -> None:
            wrappers.add(current)
            module, body = current[0], self.functions[current]
            builders = self.builders(module, body)
            for node in ast.walk(body):
                if (
                    node is not body
                    and node not in builders
                    and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                ):
                    follow(module, node)
                elif isinstance(node, ast.Call) and node not in builders:
                    # a use case handed to a helper by name, to run as the closures do
                    for argument in (*node.args, *(k.value for k in node.keywords)):
                        if isinstance(argument, ast.Attribute) and argument not in builders:
                            follow(module, argument)
            for callee in self.calls(module, body):
                if callee[0].startswith("api.") and callee not in wrappers:
                    wrapper(callee)

        wrapper(key)
        return codes - TOP_LEVEL - EVERYWHERE


def _local_names(body: ast.AST) -> set[str]:
    """Parameters and assigned names: a local ``check_in`` is not the function."""
    names: set[str] = set()
    for node in ast.walk(body):
        if isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _is_mutation(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr == "mutation":
            return True
    return False


def _graphql_name(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    first, *rest = node.name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def mutation_error_codes() -> dict[str, list[str]]:
    index = Index()
    return {name: sorted(index.codes(key)) for name, key in sorted(index.mutations.items())}


def table() -> str:
    lines = ["| mutation | `userErrors` codes it can return |", "|---|---|"]
    for name, codes in mutation_error_codes().items():
        listed = ", ".join(f"`{c}`" for c in codes) or "none"
        lines.append(f"| `{name}` | {listed} |")
    return "\n".join(lines)


def documented(text: str) -> str:
    match = re.search(re.escape(START) + r"\n(.*?)\n" + re.escape(END), text, re.S)
    return match[1] if match else ""


if __name__ == "__main__":
    sys.stdout.write(table() + "\n")
