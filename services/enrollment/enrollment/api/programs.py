"""Program routes: register, the catalogue, one program."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from enrollment import programs
from enrollment.api.access import ProgramWriter, Reader
from enrollment.domain.development import Pattern
from enrollment.schemas import ProgramIn, ProgramOut, ProgramPage
from sinergi_shared.http import Cursor, Limit, Session, idempotent, resource
from sinergi_shared.problems import problem_responses

router = APIRouter(tags=["programs"])


@router.post(
    "/programs",
    status_code=201,
    response_model=ProgramOut,
    summary="Register a program of a training unit or K/L",
    responses=problem_responses(400, 401, 403, 409, 413, 422),
)
@idempotent
async def create_program(body: ProgramIn, session: Session, principal: ProgramWriter) -> JSONResponse:
    program = await programs.create(session, principal=principal, body=body)
    return resource(program, 201, location=f"/programs/{program.id}")


@router.get(
    "/programs",
    response_model=ProgramPage,
    summary="The program catalogue",
    responses=problem_responses(401, 403, 422),
)
async def list_programs(
    session: Session,
    _: Reader,
    provider_id: UUID | None = None,
    fiscal_year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    pattern: Pattern | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    return await programs.catalogue(
        session, provider_id=provider_id, fiscal_year=fiscal_year, pattern=pattern, limit=limit, cursor=cursor
    )


@router.get(
    "/programs/{program_id}",
    response_model=ProgramOut,
    summary="One program",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_program(program_id: UUID, session: Session, _: Reader) -> JSONResponse:
    return resource(ProgramOut.model_validate(await programs.get(session, program_id)))
