"""Budget line routes."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
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
    Paging,
)
from sinergi_shared.http import IfMatch, Session, idempotent, resource
from sinergi_shared.problems import problem_responses

router = APIRouter(tags=["budgets"])


@router.post(
    "/budgets",
    status_code=201,
    response_model=BudgetLineOut,
    summary="Open a budget line (institution × source × fiscal year × purpose)",
    description=(
        "APBD lines only for regional governments, APBN/BLU/PNBP only for central K/L (422 otherwise); "
        "dob_facilitation lines are APBN. `funding:write` on the own institution, any institution with "
        "`coordinator`/`admin` as well. 409 when the line already exists."
    ),
    responses=problem_responses(400, 401, 403, 409, 413, 422),
)
@idempotent
async def create_budget(body: BudgetLineCreate, session: Session, principal: Writer) -> JSONResponse:
    line = await budgets.create_line(session, principal=principal, body=body)
    return resource(BudgetLineOut.model_validate(line), 201, location=f"/budgets/{line.id}")


@router.get(
    "/budgets",
    response_model=BudgetLinePage,
    summary="List budget lines with committed, realized and available amounts",
    responses=problem_responses(401, 403, 422),
)
async def list_budgets(
    session: Session, principal: Reader, filters: Annotated[BudgetLineFilters, Query()]
) -> BudgetLinePage:
    lines = await budgets.list_lines(session, principal=principal, filters=filters)
    return BudgetLinePage.model_validate(lines)


@router.get(
    "/budgets/{line_id}",
    response_model=BudgetLineOut,
    summary="One budget line (ETag = its version)",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_budget(line_id: UUID, session: Session, principal: Reader) -> JSONResponse:
    line = await budgets.get_line(session, principal=principal, line_id=line_id)
    return resource(BudgetLineOut.model_validate(line))


@router.patch(
    "/budgets/{line_id}",
    response_model=BudgetLineOut,
    summary="Revise the ceiling or the auto-approve limit (If-Match)",
    description=(
        "The ceiling never goes below committed + realized (409, with minimum_ceiling_idr). "
        "Each revision is kept (GET /budgets/{id}/revisions)."
    ),
    responses=problem_responses(400, 401, 403, 404, 409, 412, 413, 422, 428),
)
async def revise_budget(
    line_id: UUID, body: BudgetLinePatch, session: Session, principal: Writer, if_match: IfMatch = None
) -> JSONResponse:
    line = await budgets.revise_line(session, principal=principal, line_id=line_id, if_match=if_match, patch=body)
    return resource(BudgetLineOut.model_validate(line))


@router.get(
    "/budgets/{line_id}/revisions",
    response_model=BudgetRevisionPage,
    summary="Revision history of a line: who, when, from, to",
    responses=problem_responses(401, 403, 404, 422),
)
async def list_budget_revisions(
    line_id: UUID, session: Session, principal: Reader, paging: Annotated[Paging, Query()]
) -> BudgetRevisionPage:
    revisions = await budgets.list_revisions(session, principal=principal, line_id=line_id, paging=paging)
    return BudgetRevisionPage.model_validate(revisions)
