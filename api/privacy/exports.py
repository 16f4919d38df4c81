"""``exportMyData``, ``Member.dataExports`` and the signed download route."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from uuid import UUID

import strawberry
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from api.context import Context
from api.errors import HearthError
from api.mutation_support import payload
from api.node import to_global_id
from api.privacy.types import DataExportType, ExportMyDataPayload
from domain.privacy import export as exports
from domain.privacy.export import DataExport
from domain.privacy.reads import ExportLinks, downloadable, link_expiry


def _build(export: DataExport, links: ExportLinks, now: datetime) -> DataExportType:
    expires = link_expiry(export, now)
    url = None
    if expires is not None:
        url = links.download_path(export.id, export.member_id, expires)
    return DataExportType(
        id=to_global_id("DataExport", export.id),
        status=export.status,
        requested_at=export.requested_at,
        completed_at=export.completed_at,
        expires_at=export.expires_at,
        byte_size=export.byte_size,
        download_url=url,
    )


async def own_exports(info: strawberry.Info) -> list[DataExportType]:
    ctx = info.context
    member = await ctx.member()
    services = ctx.services
    found = await services.export_reads.own_exports(member.id)
    now = services.clock.now()
    return [_build(e, services.export_links, now) for e in found]


@strawberry.type
class ExportMutations:
    @strawberry.mutation(
        description="Ask for a copy of everything Hearth stores about you (a JSON document, "
        "see docs/privacy.md). It is prepared in the background: watch `me.dataExports`. At "
        "most 3 a day (RATE_LIMITED)."
    )
    async def export_my_data(self, info: strawberry.Info) -> ExportMyDataPayload:
        ctx, member = info.context, await info.context.member()
        services = ctx.services
        return await payload(
            ExportMyDataPayload,
            lambda: exports.request_export(member.id, services.uow(), services.clock),
            lambda made: {"export": _build(made, services.export_links, services.clock.now())},
        )


def _problem(status: int, message: str) -> Response:
    return JSONResponse(
        {"error": message}, status_code=status, headers={"cache-control": "no-store"}
    )


async def download_export(request: Request) -> Response:
    """GET /exports/{id}?expires=&sig= with the member's Authorization header."""
    services = request.app.state.services
    try:
        export_id = UUID(request.path_params["export_id"])
        expires = int(request.query_params.get("expires", ""))
    except ValueError:
        return _problem(404, "Not found.")
    sig = request.query_params.get("sig", "")
    context = Context.from_authorization(services, request.headers.get("authorization"))
    try:
        member = await context.member()
    except HearthError as error:
        return _problem(401, error.message)
    found = await services.export_reads.export_by_id(export_id)
    allowed = downloadable(found, member.id, expires, services.clock.now())
    if found is None or allowed is None:
        return _problem(404, "Not found.")
    if not services.export_links.is_signed(export_id, member.id, expires, sig):
        return _problem(403, "This link is not valid.")
    if not allowed:
        return _problem(410, "This export has expired. Ask for a new one.")

    async def body() -> AsyncIterator[bytes]:
        seq = 0
        while True:
            data = await services.export_reads.chunk(export_id, seq)
            if data is None:
                return
            yield data.encode()
            seq += 1

    day = found.requested_at.date().isoformat()
    headers = {
        "content-disposition": f'attachment; filename="hearth-export-{day}.json"',
        "cache-control": "no-store",
        "content-length": str(found.byte_size),
    }
    return StreamingResponse(body(), media_type="application/json", headers=headers)
