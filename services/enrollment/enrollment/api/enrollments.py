"""Enrollment routes: nominate, read, list, cancel, complete."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from fastapi.responses import JSONResponse

from enrollment import enrollments
from enrollment.api.access import Completer, Nominator, Reader
from enrollment.schemas import (
    CancellationIn,
    CompletionIn,
    EnrollmentFilters,
    EnrollmentOut,
    EnrollmentPage,
    NominationIn,
)
from sinergi_shared.http import IfMatch, Session, api_router, idempotent, resource
from sinergi_shared.problems import problem_responses

router = api_router("enrollments")


@router.post(
    "/cohorts/{cohort_id}/enrollments", status_code=201, response_model=EnrollmentOut, responses=problem_responses(409)
)
@idempotent
async def nominate(cohort_id: UUID, body: NominationIn, session: Session, principal: Nominator) -> JSONResponse:
    """Nominate a civil servant: a held seat (reserved) or a waitlist place."""
    e = await enrollments.nominate(session, principal=principal, cohort_id=cohort_id, body=body)
    return resource(e, 201, location=f"/enrollments/{e.id}")


@router.get("/enrollments/{enrollment_id}", response_model=EnrollmentOut)
async def get_enrollment(enrollment_id: UUID, session: Session, principal: Reader) -> JSONResponse:
    """One enrollment (404 when it is not the caller's to see)."""
    return resource(await enrollments.get(session, principal=principal, enrollment_id=enrollment_id))


@router.get("/enrollments", response_model=EnrollmentPage)
async def list_enrollments(
    session: Session, principal: Reader, filters: Annotated[EnrollmentFilters, Query()]
) -> dict[str, Any]:
    """Enrollments the caller may see: its participants, its programs' cohorts, or all for a coordinator."""
    return await enrollments.list_visible(session, principal=principal, filters=filters)


@router.post("/enrollments/{enrollment_id}/cancel", response_model=EnrollmentOut, responses=problem_responses(409))
async def cancel(
    enrollment_id: UUID,
    session: Session,
    principal: Nominator,
    body: CancellationIn | None = None,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Cancel an open enrollment; a held seat goes to the waitlist (If-Match optional)."""
    reason = body.reason if body else None
    return resource(
        await enrollments.cancel(
            session, principal=principal, enrollment_id=enrollment_id, reason=reason, if_match=if_match
        )
    )


@router.post("/enrollments/{enrollment_id}/complete", response_model=EnrollmentOut, responses=problem_responses(409))
async def complete(
    enrollment_id: UUID, body: CompletionIn, session: Session, principal: Completer, if_match: IfMatch = None
) -> JSONResponse:
    """The provider records attendance and result (completed or no_show; If-Match optional)."""
    e = await enrollments.complete(
        session, principal=principal, enrollment_id=enrollment_id, body=body, if_match=if_match
    )
    return resource(e)
