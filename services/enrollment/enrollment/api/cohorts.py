"""Cohort routes: open one, its seat picture."""

from __future__ import annotations

from uuid import UUID

from fastapi.responses import JSONResponse

from enrollment import cohorts
from enrollment.api.access import ProgramWriter, Reader
from enrollment.schemas import CohortIn, CohortOut
from sinergi_shared.http import Session, api_router, idempotent, resource
from sinergi_shared.problems import problem_responses

router = api_router("cohorts")


@router.post(
    "/programs/{program_id}/cohorts", status_code=201, response_model=CohortOut, responses=problem_responses(409)
)
@idempotent
async def create_cohort(program_id: UUID, body: CohortIn, session: Session, principal: ProgramWriter) -> JSONResponse:
    """Open a cohort of a program (emits cohort.opened)."""
    cohort = await cohorts.create(session, principal=principal, program_id=program_id, body=body)
    return resource(cohort, 201, location=f"/cohorts/{cohort.id}")


@router.get("/cohorts/{cohort_id}", response_model=CohortOut)
async def get_cohort(cohort_id: UUID, session: Session, _: Reader) -> JSONResponse:
    """A cohort's seat picture."""
    return resource(await cohorts.get(session, cohort_id))
