"""Program routes: register, the catalogue, one program."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from fastapi.responses import JSONResponse

from enrollment import programs
from enrollment.api.access import ProgramWriter, Reader
from enrollment.schemas import ProgramFilters, ProgramIn, ProgramOut, ProgramPage
from sinergi_shared.http import Session, api_router, idempotent, resource
from sinergi_shared.problems import problem_responses

router = api_router("programs")


@router.post("/programs", status_code=201, response_model=ProgramOut, responses=problem_responses(409))
@idempotent
async def create_program(body: ProgramIn, session: Session, principal: ProgramWriter) -> JSONResponse:
    """Register a program of a training unit or K/L."""
    program = await programs.create(session, principal=principal, body=body)
    return resource(program, 201, location=f"/programs/{program.id}")


@router.get("/programs", response_model=ProgramPage)
async def list_programs(session: Session, _: Reader, filters: Annotated[ProgramFilters, Query()]) -> dict[str, Any]:
    """The program catalogue."""
    return await programs.catalogue(session, filters)


@router.get("/programs/{program_id}", response_model=ProgramOut)
async def get_program(program_id: UUID, session: Session, _: Reader) -> JSONResponse:
    """One program."""
    return resource(ProgramOut.model_validate(await programs.get(session, program_id)))
