"""Cohort routes: open one, its seat picture."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from enrollment import cohorts
from enrollment.api.access import ProgramWriter, Reader
from enrollment.schemas import CohortIn, CohortOut
from sinergi_shared.http import Session, idempotent, resource
from sinergi_shared.problems import problem_responses

router = APIRouter(tags=["cohorts"])


@router.post(
    "/programs/{program_id}/cohorts",
    status_code=201,
    response_model=CohortOut,
    summary="Open a cohort of a program (emits cohort.opened)",
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422),
)
@idempotent
async def create_cohort(program_id: UUID, body: CohortIn, session: Session, principal: ProgramWriter) -> JSONResponse:
    cohort = await cohorts.create(session, principal=principal, program_id=program_id, body=body)
    return resource(cohort, 201, location=f"/cohorts/{cohort.id}")


@router.get(
    "/cohorts/{cohort_id}",
    response_model=CohortOut,
    summary="A cohort's seat picture",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_cohort(cohort_id: UUID, session: Session, _: Reader) -> JSONResponse:
    return resource(await cohorts.get(session, cohort_id))
