"""``exportMyData``, ``Member.dataExports`` and the signed download route."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

import strawberry
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from api.context import Context
from api.errors import HearthError
from api.mutation_support import attempt
from api.node import to_global_id
from api.privacy.types import DataExportType, ExportMyDataPayload
from domain.privacy import export as exports
from domain.privacy.export import DataExport, ExportStatus
from infra.db.reads import privacy as reads
from infra.exports.links import download_path, is_signed


def _build(export: DataExport, secret: str, now_ts: float) -> DataExportType:
    expires = int(export.expires_at.timestamp())
    url = None
    if export.status is ExportStatus.READY and now_ts < expires:
        url = download_path(secret, export.id, export.member_id, expires)
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
    async with services.reads() as conn:
        found = await reads.own_exports(conn, member.id)
    secret = services.settings.hearth_secret_key.get_secret_value()
    now_ts = services.clock.now().timestamp()
    return [_build(e, secret, now_ts) for e in found]


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
        made, errors = await attempt(
            lambda: exports.request_export(member.id, services.uow(), services.clock)
        )
        secret = services.settings.hearth_secret_key.get_secret_value()
        built = _build(made, secret, services.clock.now().timestamp()) if made else None
        return ExportMyDataPayload(export=built, user_errors=errors)


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
    async with services.reads() as conn:
        found = await reads.export_by_id(conn, export_id)
    if found is None or found.member_id != member.id:
        return _problem(404, "Not found.")
    secret = services.settings.hearth_secret_key.get_secret_value()
    if not is_signed(secret, export_id, member.id, expires, sig):
        return _problem(403, "This link is not valid.")
    now = services.clock.now().timestamp()
    if found.status is not ExportStatus.READY or now >= min(expires, found.expires_at.timestamp()):
        return _problem(410, "This export has expired. Ask for a new one.")

    async def body() -> AsyncIterator[bytes]:
        seq = 0
        while True:
            async with services.reads() as conn:
                data = await reads.chunk(conn, export_id, seq)
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
