"""Request guards as schema extensions: token, depth, alias and cost limits, caches.

Strawberry's ``QueryDepthLimiter`` and ``MaxAliasesLimiter`` build a new
validation-rule class every time they are instantiated; since extensions are
built per request, ``ValidationCache`` (whose key includes the rules) would
never hit. Here the rule classes are built once per schema and reused, so the
cache works: validation is skipped for documents seen before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from api.cost import cost_rule

CACHE_SIZE = 512


class QueryLimits(Protocol):
    """The settings the guards read (``infra.settings.Settings`` has them)."""

    @property
    def hearth_max_query_depth(self) -> int: ...

    @property
    def hearth_max_aliases(self) -> int: ...

    @property
    def hearth_max_query_cost(self) -> int: ...

    @property
    def hearth_max_query_tokens(self) -> int: ...


def limit_rules(settings: QueryLimits) -> list[Any]:
    """The depth, alias and cost rules, built once (see the module's docstring)."""
    depth_rule = QueryDepthLimiter(max_depth=settings.hearth_max_query_depth).validation_rules[0]
    alias_rule = MaxAliasesLimiter(max_alias_count=settings.hearth_max_aliases).validation_rules[0]
    return [depth_rule, alias_rule, cost_rule(settings.hearth_max_query_cost)]


def guard_extensions(settings: QueryLimits) -> list[Callable[[], SchemaExtension]]:
    rules = limit_rules(settings)
    return [
        lambda: MaxTokensLimiter(max_token_count=settings.hearth_max_query_tokens),
        lambda: AddValidationRules(rules),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
    ]
