"""Institution routes: register, list, read, update (If-Match), deactivate."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from registry import service
from registry.api.common import Admin, Reader, resource, topic_prefix
from registry.schemas import InstitutionCreate, InstitutionOut, InstitutionPage, InstitutionUpdate
from sinergi_shared.contracts import InstitutionKind, Sector
from sinergi_shared.db import transaction
from sinergi_shared.http import Cursor, IdempotencyKey, IfMatch, Limit, fingerprint, idempotent, page
from sinergi_shared.problems import problem_responses

router = APIRouter(prefix="/institutions", tags=["institutions"])


@router.post(
    "",
    status_code=201,
    response_model=InstitutionOut,
    summary="Register an institution (admin)",
    responses=problem_responses(400, 401, 403, 409, 413, 422),
)
async def register_institution(
    body: InstitutionCreate, request: Request, principal: Admin, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:

        async def create() -> JSONResponse:
            inst = await service.register_institution(session, **body.model_dump(), topic_prefix=topic_prefix(request))
            return resource(InstitutionOut, inst, status_code=201, location=f"/institutions/{inst.id}")

        return await idempotent(
            session,
            principal=principal,
            key=idempotency_key,
            fingerprint_of=lambda: fingerprint("POST", "/institutions", body.model_dump(mode="json")),
            create=create,
        )


@router.get("", response_model=InstitutionPage, summary="List institutions", responses=problem_responses(401, 403, 422))
async def list_institutions(
    request: Request,
    _: Reader,
    kind: InstitutionKind | None = None,
    sector: Sector | None = None,
    dob: bool | None = Query(default=None, description="Only new autonomous regions (true) or only others (false)"),
    parent_id: UUID | None = None,
    q: str | None = Query(default=None, max_length=100, description="Part of the name or code"),
    status: str | None = Query(default=None, pattern="^(active|inactive)$"),
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    async with transaction(request.app.state.sessions) as session:
        rows = await service.list_institutions(
            session,
            kind=kind,
            sector=sector,
            dob=dob,
            parent_id=parent_id,
            q=q,
            status=status,
            limit=limit,
            cursor=cursor,
        )
        shaped = page(rows, limit, service.institution_cursor)
        shaped["items"] = [InstitutionOut.model_validate(r, from_attributes=True) for r in shaped["items"]]
        return shaped


@router.get(
    "/{institution_id}",
    response_model=InstitutionOut,
    summary="Read an institution",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_institution(institution_id: UUID, request: Request, _: Reader) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        return resource(InstitutionOut, await service.get_institution(session, institution_id))


@router.patch(
    "/{institution_id}",
    response_model=InstitutionOut,
    summary="Change an institution (admin, If-Match)",
    responses=problem_responses(400, 401, 403, 404, 409, 412, 413, 422, 428),
)
async def update_institution(
    institution_id: UUID, body: InstitutionUpdate, request: Request, _: Admin, if_match: IfMatch = None
) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        inst = await service.update_institution(
            session,
            institution_id,
            changes=body.model_dump(exclude_unset=True),
            if_match=if_match,
            topic_prefix=topic_prefix(request),
        )
        return resource(InstitutionOut, inst)


@router.post(
    "/{institution_id}/deactivate",
    response_model=InstitutionOut,
    summary="Deactivate an institution (admin; If-Match optional)",
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def deactivate_institution(
    institution_id: UUID, request: Request, _: Admin, if_match: IfMatch = None
) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        inst = await service.deactivate_institution(
            session, institution_id, if_match=if_match, topic_prefix=topic_prefix(request)
        )
        return resource(InstitutionOut, inst)
