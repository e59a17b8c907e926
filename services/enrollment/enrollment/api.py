"""HTTP routes of the enrollment service: thin, parse → call a use case in one transaction → shape."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import State

from enrollment import catalogue, enrollments, reports
from enrollment.domain import EnrollmentStatus, Pattern
from enrollment.schemas import (
    NIP_PATTERN,
    CancellationIn,
    CivilServantReport,
    CohortIn,
    CohortOut,
    CohortReport,
    CompletionIn,
    DobReport,
    EnrollmentOut,
    EnrollmentPage,
    InstitutionReport,
    NominationIn,
    ProgramIn,
    ProgramOut,
    ProgramPage,
)
from enrollment.seating import ReservationsDue
from sinergi_shared.auth import Principal, require_scope
from sinergi_shared.db import driver_connection, driver_of, transaction
from sinergi_shared.http import (
    Cursor,
    IdempotencyKey,
    IfMatch,
    Limit,
    ModelResponse,
    etag,
    fingerprint,
    idempotent,
)
from sinergi_shared.lean import LeanRoute
from sinergi_shared.problems import problem_responses

READERS = ("read", "programs:write", "enrollments:write", "enrollments:complete", "coordinator", "admin")
ProgramWriter = Annotated[Principal, Depends(require_scope("programs:write"))]
Nominator = Annotated[Principal, Depends(require_scope("enrollments:write"))]
Completer = Annotated[Principal, Depends(require_scope("enrollments:complete"))]
Reader = Annotated[Principal, Depends(require_scope(*READERS))]
ReportReader = Annotated[Principal, Depends(require_scope("read", "coordinator"))]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="Fiscal year (default: the current year)")]

router = APIRouter()


def _json(model: Any, status: int = 200, *, location: str | None = None) -> JSONResponse:
    headers = {"ETag": etag(model.version)}
    if location:
        headers["Location"] = location
    return ModelResponse(model, status_code=status, headers=headers)


def _year(year: int | None) -> int:
    return year or datetime.now(UTC).year


@router.post(
    "/programs",
    status_code=201,
    response_model=ProgramOut,
    tags=["programs"],
    summary="Register a program of a training unit or K/L",
    responses=problem_responses(400, 401, 403, 409, 413, 422),
)
async def create_program(
    body: ProgramIn, request: Request, principal: ProgramWriter, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:

        async def create() -> JSONResponse:
            program = await catalogue.create_program(session, principal=principal, body=body)
            return _json(program, 201, location=f"/programs/{program.id}")

        return await idempotent(
            session,
            principal=principal,
            key=idempotency_key,
            fingerprint_of=lambda: fingerprint("POST", request.url.path, body.model_dump(mode="json")),
            create=create,
        )


@router.get(
    "/programs",
    response_model=ProgramPage,
    tags=["programs"],
    summary="The program catalogue",
    responses=problem_responses(401, 403, 422),
)
async def list_programs(
    request: Request,
    _: Reader,
    provider_id: UUID | None = None,
    fiscal_year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    pattern: Pattern | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    async with transaction(request.app.state.sessions) as session:
        return await catalogue.list_programs(
            session, provider_id=provider_id, fiscal_year=fiscal_year, pattern=pattern, limit=limit, cursor=cursor
        )


@router.get(
    "/programs/{program_id}",
    response_model=ProgramOut,
    tags=["programs"],
    summary="One program",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_program(program_id: UUID, request: Request, _: Reader) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        return _json(ProgramOut.model_validate(await catalogue.get_program(session, program_id)))


@router.post(
    "/programs/{program_id}/cohorts",
    status_code=201,
    response_model=CohortOut,
    tags=["cohorts"],
    summary="Open a cohort of a program (emits cohort.opened)",
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422),
)
async def create_cohort(
    program_id: UUID, body: CohortIn, request: Request, principal: ProgramWriter, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:

        async def create() -> JSONResponse:
            cohort = await catalogue.create_cohort(session, principal=principal, program_id=program_id, body=body)
            return _json(cohort, 201, location=f"/cohorts/{cohort.id}")

        return await idempotent(
            session,
            principal=principal,
            key=idempotency_key,
            fingerprint_of=lambda: fingerprint("POST", request.url.path, body.model_dump(mode="json")),
            create=create,
        )


@router.get(
    "/cohorts/{cohort_id}",
    response_model=CohortOut,
    tags=["cohorts"],
    summary="A cohort's seat picture",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_cohort(cohort_id: UUID, request: Request, _: Reader) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        return _json(await catalogue.get_cohort(session, cohort_id))


@router.post(
    "/cohorts/{cohort_id}/enrollments",
    status_code=201,
    response_model=EnrollmentOut,
    tags=["enrollments"],
    summary="Nominate a civil servant: a held seat (reserved) or a waitlist place",
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422),
)
async def nominate(
    cohort_id: UUID, body: NominationIn, request: Request, principal: Nominator, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    return await nomination(request.app.state, cohort_id, body, principal, idempotency_key, request.url.path)


async def nomination(
    state: State,
    cohort_id: UUID,
    body: NominationIn,
    principal: Principal,
    idempotency_key: str | None = None,
    path: str = "",
) -> JSONResponse:
    """The nomination as both entrances serve it: the route above, and `lean_nomination` for the plain case."""
    try:
        return await _nominate(state, cohort_id, body, principal, idempotency_key, path)
    except ReservationsDue:
        # Once per cohort, when its reservation_release_at has passed and the job has not run yet.
        await catalogue.release_reservations_of(state.sessions, cohort_id)
        return await _nominate(state, cohort_id, body, principal, idempotency_key, path)


async def _nominate(
    state: State, cohort_id: UUID, body: NominationIn, principal: Principal, idempotency_key: str | None, path: str
) -> JSONResponse:
    def created(e: EnrollmentOut) -> JSONResponse:
        return _json(e, 201, location=f"/enrollments/{e.id}")

    if idempotency_key is None:  # the usual case: on the driver, which opens a transaction only if it must lock
        async with driver_connection(state.engine) as driver:
            e = await enrollments.nominate(driver, principal=principal, cohort_id=cohort_id, body=body)
        return created(e)
    async with transaction(state.sessions) as session:

        async def create() -> JSONResponse:
            # The key's claim has begun the session's transaction; the nomination joins it on the driver.
            driver = await driver_of(session)
            return created(await enrollments.nominate(driver, principal=principal, cohort_id=cohort_id, body=body))

        return await idempotent(
            session,
            principal=principal,
            key=idempotency_key,
            fingerprint_of=lambda: fingerprint("POST", path, body.model_dump(mode="json")),
            create=create,
        )


# The plain nomination (JSON body, no Idempotency-Key), the request the system takes in bulk, without
# FastAPI's per-request machinery; the route above serves everything else (sinergi_shared.lean). When the
# route above gains a header, a query parameter or a dependency, the lean route must pass on the requests
# that use it (or apply it too), or the plain case would skip it.
lean_nomination = LeanRoute(
    "/cohorts/{cohort_id:uuid}/enrollments",
    body=NominationIn,
    needs_scope="enrollments:write",
    handler=lambda state, params, body, principal: nomination(state, params["cohort_id"], body, principal),
)


@router.get(
    "/enrollments/{enrollment_id}",
    response_model=EnrollmentOut,
    tags=["enrollments"],
    summary="One enrollment (404 when it is not the caller's to see)",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_enrollment(enrollment_id: UUID, request: Request, principal: Reader) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        e = await enrollments.get_visible(session, principal=principal, enrollment_id=enrollment_id)
        return _json(await enrollments.view(session, e))


@router.get(
    "/enrollments",
    response_model=EnrollmentPage,
    tags=["enrollments"],
    summary="Enrollments the caller may see: its participants, its programs' cohorts, or all for a coordinator",
    responses=problem_responses(401, 403, 422),
)
async def list_enrollments(
    request: Request,
    principal: Reader,
    cohort_id: UUID | None = None,
    nip: Annotated[str | None, Query(pattern=NIP_PATTERN)] = None,
    status: EnrollmentStatus | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    async with transaction(request.app.state.sessions) as session:
        return await enrollments.list_visible(
            session, principal=principal, cohort_id=cohort_id, nip=nip, status=status, limit=limit, cursor=cursor
        )


@router.post(
    "/enrollments/{enrollment_id}/cancel",
    response_model=EnrollmentOut,
    tags=["enrollments"],
    summary="Cancel an open enrollment; a held seat goes to the waitlist (If-Match optional)",
    responses=problem_responses(400, 401, 403, 404, 409, 412, 413, 422),
)
async def cancel(
    enrollment_id: UUID,
    request: Request,
    principal: Nominator,
    body: CancellationIn | None = None,
    if_match: IfMatch = None,
) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        e = await enrollments.cancel(
            session,
            principal=principal,
            enrollment_id=enrollment_id,
            reason=body.reason if body else None,
            if_match=if_match,
        )
        return _json(e)


@router.post(
    "/enrollments/{enrollment_id}/complete",
    response_model=EnrollmentOut,
    tags=["enrollments"],
    summary="The provider records attendance and result (completed or no_show; If-Match optional)",
    responses=problem_responses(400, 401, 403, 404, 409, 412, 413, 422),
)
async def complete(
    enrollment_id: UUID, body: CompletionIn, request: Request, principal: Completer, if_match: IfMatch = None
) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        e = await enrollments.complete(
            session, principal=principal, enrollment_id=enrollment_id, body=body, if_match=if_match
        )
        return _json(e)


@router.get(
    "/reports/civil-servants/{nip}",
    response_model=CivilServantReport,
    tags=["reports"],
    summary="JP of a civil servant by 10:20:70 category (own institution unless coordinator; else 404)",
    responses=problem_responses(401, 403, 404, 422),
)
async def civil_servant_report(
    nip: Annotated[str, Path(pattern=NIP_PATTERN)], request: Request, principal: ReportReader, year: Year = None
) -> CivilServantReport:
    async with transaction(request.app.state.sessions) as session:
        return await reports.civil_servant_report(session, principal=principal, nip=nip, year=_year(year))


@router.get(
    "/reports/institutions/{institution_id}",
    response_model=InstitutionReport,
    tags=["reports"],
    summary="People trained, JP, 10:20:70 mix and the 20 JP share (own institution unless coordinator; else 403)",
    responses=problem_responses(401, 403, 404, 422),
)
async def institution_report(
    institution_id: UUID, request: Request, principal: ReportReader, year: Year = None
) -> InstitutionReport:
    async with transaction(request.app.state.sessions) as session:
        return await reports.institution_report(
            session, principal=principal, institution_id=institution_id, year=_year(year)
        )


@router.get(
    "/reports/cohorts/{cohort_id}",
    response_model=CohortReport,
    tags=["reports"],
    summary="Regional and DOB share achieved against what the cohort reserved",
    responses=problem_responses(401, 403, 404, 422),
)
async def cohort_report(cohort_id: UUID, request: Request, _: ReportReader) -> CohortReport:
    async with transaction(request.app.state.sessions) as session:
        return await reports.cohort_report(session, cohort_id=cohort_id)


@router.get(
    "/reports/dob",
    response_model=DobReport,
    tags=["reports"],
    summary="Per DOB province and its regencies/cities: people, JP, seats, funding status",
    responses=problem_responses(401, 403, 422),
)
async def dob_report(request: Request, _: ReportReader, year: Year = None) -> DobReport:
    async with transaction(request.app.state.sessions) as session:
        return await reports.dob_report(session, year=_year(year))
