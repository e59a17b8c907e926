"""Enrollment routes: nominate, read, list, cancel, complete."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from enrollment import enrollments
from enrollment.api.access import Completer, Nominator, Reader
from enrollment.domain.development import EnrollmentStatus
from enrollment.schemas import NIP_PATTERN, CancellationIn, CompletionIn, EnrollmentOut, EnrollmentPage, NominationIn
from sinergi_shared.http import Cursor, IfMatch, Limit, Session, idempotent, resource
from sinergi_shared.problems import problem_responses

router = APIRouter(tags=["enrollments"])


@router.post(
    "/cohorts/{cohort_id}/enrollments",
    status_code=201,
    response_model=EnrollmentOut,
    summary="Nominate a civil servant: a held seat (reserved) or a waitlist place",
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422),
)
@idempotent
async def nominate(cohort_id: UUID, body: NominationIn, session: Session, principal: Nominator) -> JSONResponse:
    e = await enrollments.nominate(session, principal=principal, cohort_id=cohort_id, body=body)
    return resource(e, 201, location=f"/enrollments/{e.id}")


@router.get(
    "/enrollments/{enrollment_id}",
    response_model=EnrollmentOut,
    summary="One enrollment (404 when it is not the caller's to see)",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_enrollment(enrollment_id: UUID, session: Session, principal: Reader) -> JSONResponse:
    e = await enrollments.get_visible(session, principal=principal, enrollment_id=enrollment_id)
    return resource(await enrollments.view(session, e))


@router.get(
    "/enrollments",
    response_model=EnrollmentPage,
    summary="Enrollments the caller may see: its participants, its programs' cohorts, or all for a coordinator",
    responses=problem_responses(401, 403, 422),
)
async def list_enrollments(
    session: Session,
    principal: Reader,
    cohort_id: UUID | None = None,
    nip: Annotated[str | None, Query(pattern=NIP_PATTERN)] = None,
    status: EnrollmentStatus | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    return await enrollments.list_visible(
        session, principal=principal, cohort_id=cohort_id, nip=nip, status=status, limit=limit, cursor=cursor
    )


@router.post(
    "/enrollments/{enrollment_id}/cancel",
    response_model=EnrollmentOut,
    summary="Cancel an open enrollment; a held seat goes to the waitlist (If-Match optional)",
    responses=problem_responses(400, 401, 403, 404, 409, 412, 413, 422),
)
async def cancel(
    enrollment_id: UUID,
    session: Session,
    principal: Nominator,
    body: CancellationIn | None = None,
    if_match: IfMatch = None,
) -> JSONResponse:
    e = await enrollments.cancel(
        session,
        principal=principal,
        enrollment_id=enrollment_id,
        reason=body.reason if body else None,
        if_match=if_match,
    )
    return resource(e)


@router.post(
    "/enrollments/{enrollment_id}/complete",
    response_model=EnrollmentOut,
    summary="The provider records attendance and result (completed or no_show; If-Match optional)",
    responses=problem_responses(400, 401, 403, 404, 409, 412, 413, 422),
)
async def complete(
    enrollment_id: UUID, body: CompletionIn, session: Session, principal: Completer, if_match: IfMatch = None
) -> JSONResponse:
    e = await enrollments.complete(
        session, principal=principal, enrollment_id=enrollment_id, body=body, if_match=if_match
    )
    return resource(e)
