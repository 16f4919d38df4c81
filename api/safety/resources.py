"""Trusted information: the ``Resource`` type, the ``resources`` query, and paging.

Resources are public health information, so ``resources`` needs no sign-in.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Collection
from datetime import date
from typing import Annotated
from uuid import UUID

import strawberry

from api.enums import TopicEnum  # noqa: F401 - registers the enum
from api.errors import HearthError, TopLevelCode
from api.node import Node, register_node, to_global_id
from api.pagination import After, Connection, Edge, First, connection_of, page_size
from domain.circles.model import Topic
from domain.safety.resources import Resource, ResourceCatalog, ResourceKey

NOT_A_CRISIS_SERVICE = (
    "Hearth is peer support, not a crisis or emergency service: these articles inform, "
    "they do not replace a professional."
)
_KIND = "resource"


@strawberry.type(
    name="Resource",
    description="A trusted article about a condition, a treatment or getting help, from a "
    "reputable public-health publisher (NHS, NIMH, WHO, Mind, national health services), "
    "checked by Hearth on `reviewedOn`. " + NOT_A_CRISIS_SERVICE,
)
class ResourceType(Node):
    title: str = strawberry.field(description="The article's title, as its publisher gives it.")
    publisher: str = strawberry.field(description="Who publishes it, e.g. NHS, NIMH, WHO, Mind.")
    url: str = strawberry.field(description="The publisher's own page (https).")
    language: str = strawberry.field(description="The article's language (BCP 47, e.g. `en`).")
    regions: list[str] = strawberry.field(
        description="ISO 3166-1 alpha-2 codes of the countries the article is written for "
        "(services, law, how to get care there); empty when it applies everywhere."
    )
    summary: str = strawberry.field(description="One line by Hearth on what the article covers.")
    topics: list[Topic] = strawberry.field(description="The topics it is listed under.")
    reviewed_on: date = strawberry.field(
        description="When Hearth last read the page and checked this entry against it."
    )
    raw_id: strawberry.Private[UUID]

    @classmethod
    def build(cls, resource: Resource) -> ResourceType:
        return cls(
            id=to_global_id("Resource", resource.id),
            title=resource.title,
            publisher=resource.publisher,
            url=resource.url,
            language=resource.language,
            regions=list(resource.regions),
            summary=resource.summary,
            topics=list(resource.topics),
            reviewed_on=resource.reviewed_on,
            raw_id=resource.id,
        )


def _encode(key: ResourceKey) -> str:
    text = json.dumps([_KIND, *key], ensure_ascii=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str | None) -> ResourceKey | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        kind, title, slug = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if kind != _KIND or not isinstance(title, str) or not isinstance(slug, str):
            raise ValueError(kind)
        return title, slug
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise HearthError(
            "That cursor is not valid for this list.", TopLevelCode.BAD_USER_INPUT
        ) from exc


def resources_connection(
    catalog: ResourceCatalog,
    topics: Collection[Topic] | None,
    first: int | None,
    after: str | None,
) -> Connection[ResourceType]:
    """A keyset page of the catalogue: by title, then slug."""
    size = page_size(first)
    found = catalog.page(topics, _decode(after), size + 1)
    edges = [Edge(cursor=_encode(r.key), node=ResourceType.build(r)) for r in found[:size]]
    return connection_of(edges, len(found) > size, after)


@register_node("Resource")
async def resolve_resources(info: strawberry.Info, ids: list[UUID]) -> list[ResourceType | None]:
    catalog: ResourceCatalog = info.context.services.resources
    found = [catalog.get(i) for i in ids]
    return [ResourceType.build(r) if r else None for r in found]


@strawberry.type
class ResourceQueries:
    @strawberry.field(
        description="Trusted information about conditions, treatments and getting help, by "
        "title: curated articles from reputable public-health publishers, each with its "
        "source and the date Hearth checked it. No sign-in needed: this is public health "
        "information. " + NOT_A_CRISIS_SERVICE + " If you are in danger now, call your "
        "local emergency number."
    )
    def resources(
        self,
        info: strawberry.Info,
        topic: Annotated[
            Topic | None, strawberry.argument(description="Only articles about this; all if null.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[ResourceType]:
        topics = None if topic is None else (topic,)
        return resources_connection(info.context.services.resources, topics, first, after)
