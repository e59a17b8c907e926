"""Budget line routes."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from fastapi.responses import JSONResponse

from funding import budgets
from funding.api.access import Reader, Writer
from funding.schemas import (
    BudgetLineCreate,
    BudgetLineFilters,
    BudgetLineOut,
    BudgetLinePage,
    BudgetLinePatch,
    BudgetRevisionPage,
)
from sinergi_shared.http import IfMatch, Paging, Session, api_router, idempotent, resource
from sinergi_shared.problems import problem_responses

router = api_router("budgets")


@router.post("/budgets", status_code=201, response_model=BudgetLineOut, responses=problem_responses(409))
@idempotent
async def create_budget(body: BudgetLineCreate, session: Session, principal: Writer) -> JSONResponse:
    """Open a budget line (institution × source × fiscal year × purpose).

    APBD lines only for regional governments, APBN/BLU/PNBP only for central K/L (422 otherwise);
    dob_facilitation lines are APBN. `funding:write` on the own institution, any institution with
    `coordinator`/`admin` as well. 409 when the line already exists.
    """
    line = await budgets.create_line(session, principal=principal, body=body)
    return resource(BudgetLineOut.model_validate(line), 201, location=f"/budgets/{line.id}")


@router.get("/budgets", response_model=BudgetLinePage)
async def list_budgets(
    session: Session, principal: Reader, filters: Annotated[BudgetLineFilters, Query()]
) -> dict[str, Any]:
    """List budget lines with committed, realized and available amounts."""
    return await budgets.list_lines(session, principal=principal, filters=filters)


@router.get("/budgets/{line_id}", response_model=BudgetLineOut)
async def get_budget(line_id: UUID, session: Session, principal: Reader) -> JSONResponse:
    """One budget line (ETag = its version)."""
    line = await budgets.get_line(session, principal=principal, line_id=line_id)
    return resource(BudgetLineOut.model_validate(line))


@router.patch("/budgets/{line_id}", response_model=BudgetLineOut, responses=problem_responses(409, 428))
async def revise_budget(
    line_id: UUID, body: BudgetLinePatch, session: Session, principal: Writer, if_match: IfMatch = None
) -> JSONResponse:
    """Revise the ceiling or the auto-approve limit (If-Match).

    The ceiling never goes below committed + realized (409, with minimum_ceiling_idr).
    Each revision is kept (GET /budgets/{id}/revisions).
    """
    line = await budgets.revise_line(session, principal=principal, line_id=line_id, if_match=if_match, patch=body)
    return resource(BudgetLineOut.model_validate(line))


@router.get("/budgets/{line_id}/revisions", response_model=BudgetRevisionPage)
async def list_budget_revisions(
    line_id: UUID, session: Session, principal: Reader, paging: Annotated[Paging, Query()]
) -> dict[str, Any]:
    """Revision history of a line: who, when, from, to."""
    return await budgets.list_revisions(session, principal=principal, line_id=line_id, paging=paging)
