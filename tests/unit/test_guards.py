"""Guards keep the validation cache effective across requests."""

from __future__ import annotations

import strawberry
from strawberry.extensions.validation_cache import _get_validate_cache

from api.guards import CACHE_SIZE, guard_extensions
from tests.conftest import test_settings


@strawberry.type
class Query:
    @strawberry.field(description="One.")
    def one(self) -> int:
        return 1


async def test_repeated_documents_are_validated_once() -> None:
    # given a schema with the depth and alias guards (built per request)
    schema = strawberry.Schema(query=Query, extensions=guard_extensions(test_settings()))
    cache = _get_validate_cache(CACHE_SIZE)
    document = "{ one first: one }"
    # when the same document is executed several times
    await schema.execute(document)
    before = cache.cache_info().hits
    for _ in range(3):
        result = await schema.execute(document)
        assert result.errors is None
    # then validation came from the cache
    assert cache.cache_info().hits - before == 3


async def test_the_guards_still_refuse_deep_and_aliased_documents() -> None:
    settings = test_settings(hearth_max_query_depth=1, hearth_max_aliases=1)
    schema = strawberry.Schema(query=Query, extensions=guard_extensions(settings))
    result = await schema.execute("{ a: one b: one }")
    assert result.errors
    assert "alias" in result.errors[0].message.lower()
