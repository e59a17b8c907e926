"""Institution routes: register, list, read, update (If-Match), deactivate, succeed."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from registry import institutions
from registry.api.access import Admin, Reader
from registry.models import Institution
from registry.schemas import (
    InstitutionCreate,
    InstitutionDetail,
    InstitutionFilters,
    InstitutionPage,
    InstitutionUpdate,
    Succession,
)
from sinergi_shared.http import IfMatch, Session, api_router, idempotent, resource
from sinergi_shared.problems import problem_responses

router = api_router("institutions")


@router.post("/institutions", status_code=201, response_model=InstitutionDetail, responses=problem_responses(409))
@idempotent
async def register_institution(body: InstitutionCreate, session: Session, principal: Admin) -> JSONResponse:
    """Register an institution (admin)."""
    institution = await institutions.register(session, body=body)
    # A new institution has succeeded none yet.
    return resource(InstitutionDetail.model_validate(institution), 201, location=f"/institutions/{institution.id}")


@router.get("/institutions", response_model=InstitutionPage)
async def list_institutions(
    session: Session, _: Reader, filters: Annotated[InstitutionFilters, Query()]
) -> dict[str, Any]:
    """List institutions."""
    return await institutions.search(session, filters)


@router.get("/institutions/{institution_id}", response_model=InstitutionDetail)
async def get_institution(institution_id: UUID, session: Session, _: Reader) -> JSONResponse:
    """Read an institution, with the institutions it succeeded."""
    return await _detail(session, await institutions.get(session, institution_id))


@router.patch("/institutions/{institution_id}", response_model=InstitutionDetail, responses=problem_responses(409, 428))
async def update_institution(
    institution_id: UUID, body: InstitutionUpdate, session: Session, _: Admin, if_match: IfMatch = None
) -> JSONResponse:
    """Change an institution (admin, If-Match)."""
    changes = body.model_dump(exclude_unset=True)
    institution = await institutions.update(session, institution_id, changes=changes, if_match=if_match)
    return await _detail(session, institution)


@router.post(
    "/institutions/{institution_id}/deactivate", response_model=InstitutionDetail, responses=problem_responses(409)
)
async def deactivate_institution(
    institution_id: UUID, session: Session, _: Admin, if_match: IfMatch = None
) -> JSONResponse:
    """Deactivate an institution (admin; If-Match optional)."""
    institution = await institutions.deactivate(session, institution_id, if_match=if_match)
    return await _detail(session, institution)


@router.post(
    "/institutions/{institution_id}/succeed", response_model=InstitutionDetail, responses=problem_responses(409)
)
async def succeed_institution(
    institution_id: UUID, body: Succession, session: Session, _: Admin, if_match: IfMatch = None
) -> JSONResponse:
    """Record that other institutions carry on this one's work (a split or merger); it becomes inactive (admin;
    If-Match optional). The same succession again answers as the first did; a different one is 409. Its active
    units stay under it until moved with PATCH parent_id."""
    institution = await institutions.succeed(session, institution_id, body=body, if_match=if_match)
    return await _detail(session, institution)


async def _detail(session: AsyncSession, institution: Institution) -> JSONResponse:
    """One institution as every single read or write answers it: with the institutions it succeeded."""
    predecessors = await institutions.predecessor_ids(session, institution.id)
    detail = InstitutionDetail.model_validate(institution)
    return resource(detail.model_copy(update={"predecessor_ids": predecessors}))
