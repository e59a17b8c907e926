"""Institution routes: register, list, read, update (If-Match), deactivate."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from registry import institutions
from registry.api.access import Admin, Reader
from registry.schemas import InstitutionCreate, InstitutionOut, InstitutionPage, InstitutionUpdate
from sinergi_shared.contracts import InstitutionKind, Sector
from sinergi_shared.http import Cursor, IfMatch, Limit, Session, idempotent, resource
from sinergi_shared.problems import problem_responses

router = APIRouter(prefix="/institutions", tags=["institutions"])


@router.post(
    "",
    status_code=201,
    response_model=InstitutionOut,
    summary="Register an institution (admin)",
    responses=problem_responses(400, 401, 403, 409, 413, 422),
)
@idempotent
async def register_institution(body: InstitutionCreate, session: Session, principal: Admin) -> JSONResponse:
    institution = await institutions.register(session, body=body)
    return resource(InstitutionOut.model_validate(institution), 201, location=f"/institutions/{institution.id}")


@router.get("", response_model=InstitutionPage, summary="List institutions", responses=problem_responses(401, 403, 422))
async def list_institutions(
    session: Session,
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
    return await institutions.search(
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


@router.get(
    "/{institution_id}",
    response_model=InstitutionOut,
    summary="Read an institution",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_institution(institution_id: UUID, session: Session, _: Reader) -> JSONResponse:
    return resource(InstitutionOut.model_validate(await institutions.get(session, institution_id)))


@router.patch(
    "/{institution_id}",
    response_model=InstitutionOut,
    summary="Change an institution (admin, If-Match)",
    responses=problem_responses(400, 401, 403, 404, 409, 412, 413, 422, 428),
)
async def update_institution(
    institution_id: UUID, body: InstitutionUpdate, session: Session, _: Admin, if_match: IfMatch = None
) -> JSONResponse:
    institution = await institutions.update(
        session, institution_id, changes=body.model_dump(exclude_unset=True), if_match=if_match
    )
    return resource(InstitutionOut.model_validate(institution))


@router.post(
    "/{institution_id}/deactivate",
    response_model=InstitutionOut,
    summary="Deactivate an institution (admin; If-Match optional)",
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def deactivate_institution(
    institution_id: UUID, session: Session, _: Admin, if_match: IfMatch = None
) -> JSONResponse:
    institution = await institutions.deactivate(session, institution_id, if_match=if_match)
    return resource(InstitutionOut.model_validate(institution))
