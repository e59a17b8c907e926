"""Budget line routes."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from funding.schemas import BudgetLineCreate, BudgetLineOut, BudgetLinePage, BudgetLinePatch, BudgetRevisionPage
from funding.service import budgets
from funding.service.access import READ_SCOPES
from sinergi_shared.auth import Principal, require_scope
from sinergi_shared.db import transaction
from sinergi_shared.http import Cursor, IdempotencyKey, IfMatch, Limit, ModelResponse, etag, fingerprint, idempotent
from sinergi_shared.problems import problem_responses

router = APIRouter(tags=["budgets"])

Writer = Annotated[Principal, Depends(require_scope("funding:write"))]
Reader = Annotated[Principal, Depends(require_scope(*READ_SCOPES))]


def _line_response(line: object, status_code: int = 200) -> JSONResponse:
    out = BudgetLineOut.model_validate(budgets.line_out(line))  # type: ignore[arg-type]
    headers = {"ETag": etag(out.version)}
    if status_code == 201:
        headers["Location"] = f"/budgets/{out.id}"
    return ModelResponse(out, status_code=status_code, headers=headers)


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
async def create_budget(
    body: BudgetLineCreate, request: Request, principal: Writer, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:

        async def create() -> JSONResponse:
            return _line_response(await budgets.create_line(session, principal=principal, body=body), 201)

        return await idempotent(
            session,
            principal=principal,
            key=idempotency_key,
            fingerprint_of=lambda: fingerprint("POST", "/budgets", body.model_dump(mode="json")),
            create=create,
        )


@router.get(
    "/budgets",
    response_model=BudgetLinePage,
    summary="List budget lines with committed, realized and available amounts",
    responses=problem_responses(401, 403, 422),
)
async def list_budgets(
    request: Request,
    principal: Reader,
    institution_id: UUID | None = None,
    fiscal_year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, object]:
    async with transaction(request.app.state.sessions) as session:
        return await budgets.list_lines(
            session,
            principal=principal,
            institution_id=institution_id,
            fiscal_year=fiscal_year,
            limit=limit,
            cursor=cursor,
        )


@router.get(
    "/budgets/{line_id}",
    response_model=BudgetLineOut,
    summary="One budget line (ETag = its version)",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_budget(line_id: UUID, request: Request, principal: Reader) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        return _line_response(await budgets.get_line(session, principal=principal, line_id=line_id))


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
    line_id: UUID, body: BudgetLinePatch, request: Request, principal: Writer, if_match: IfMatch = None
) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        line = await budgets.revise_line(session, principal=principal, line_id=line_id, if_match=if_match, patch=body)
        return _line_response(line)


@router.get(
    "/budgets/{line_id}/revisions",
    response_model=BudgetRevisionPage,
    summary="Revision history of a line: who, when, from, to",
    responses=problem_responses(401, 403, 404, 422),
)
async def list_budget_revisions(
    line_id: UUID, request: Request, principal: Reader, limit: Limit = 50, cursor: Cursor = None
) -> dict[str, object]:
    async with transaction(request.app.state.sessions) as session:
        return await budgets.list_revisions(session, principal=principal, line_id=line_id, limit=limit, cursor=cursor)
