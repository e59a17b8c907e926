"""Funding request routes."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from funding.models import FundingRequest
from funding.schemas import FundingRequestCreate, FundingRequestOut, FundingRequestPage, Rejection, RequestStatus
from funding.service import requests
from funding.service.access import READ_SCOPES
from sinergi_shared.auth import Principal, require_scope
from sinergi_shared.db import transaction
from sinergi_shared.http import Cursor, IdempotencyKey, Limit, ModelResponse, etag, fingerprint, idempotent
from sinergi_shared.problems import problem_responses

router = APIRouter(tags=["funding requests"])

Writer = Annotated[Principal, Depends(require_scope("funding:write"))]
Approver = Annotated[Principal, Depends(require_scope("funding:approve", "coordinator"))]
Reader = Annotated[Principal, Depends(require_scope(*READ_SCOPES))]


def _request_response(req: FundingRequest, status_code: int = 200) -> JSONResponse:
    headers = {"ETag": etag(req.version)}
    if status_code == 201:
        headers["Location"] = f"/funding-requests/{req.id}"
    out = FundingRequestOut.model_validate(requests.request_out(req))
    return ModelResponse(out, status_code=status_code, headers=headers)


@router.post(
    "/funding-requests",
    status_code=201,
    response_model=FundingRequestOut,
    summary="Open an activity-level funding request charged to the payer's own line",
    description=(
        "Decided at once: within the line's auto-approve limit and available → approved; above the limit "
        "(or any dob_facilitation request) → awaiting_approval; no line or not enough left → rejected with a "
        "machine-readable reason (no_budget_line, insufficient_budget). A source that does not suit the "
        "payer's sector is 422."
    ),
    responses=problem_responses(400, 401, 403, 409, 413, 422),
)
async def create_funding_request(
    body: FundingRequestCreate, request: Request, principal: Writer, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:

        async def create() -> JSONResponse:
            req = await requests.open_by_hand(
                session, principal=principal, body=body, settings=request.app.state.settings
            )
            return _request_response(req, 201)

        return await idempotent(
            session,
            principal=principal,
            key=idempotency_key,
            fingerprint_of=lambda: fingerprint("POST", "/funding-requests", body.model_dump(mode="json")),
            create=create,
        )


@router.get(
    "/funding-requests",
    response_model=FundingRequestPage,
    summary="List funding requests (institution_id filters by payer)",
    description="Without coordinator/admin only requests the caller's institution pays for or asked for.",
    responses=problem_responses(401, 403, 422),
)
async def list_funding_requests(
    request: Request,
    principal: Reader,
    status: RequestStatus | None = None,
    institution_id: UUID | None = None,
    enrollment_id: UUID | None = None,
    fiscal_year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, object]:
    async with transaction(request.app.state.sessions) as session:
        return await requests.list_requests(
            session,
            principal=principal,
            status=status,
            institution_id=institution_id,
            enrollment_id=enrollment_id,
            fiscal_year=fiscal_year,
            limit=limit,
            cursor=cursor,
        )


@router.get(
    "/funding-requests/{request_id}",
    response_model=FundingRequestOut,
    summary="One funding request",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_funding_request(request_id: UUID, request: Request, principal: Reader) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        return _request_response(await requests.get_request(session, principal=principal, request_id=request_id))


@router.post(
    "/funding-requests/{request_id}/approve",
    response_model=FundingRequestOut,
    summary="Approve a request awaiting approval and commit its amount",
    description=(
        "By a `funding:approve` holder of the payer institution, or a `coordinator` (required for DOB "
        "requests). The commitment is atomic: when the line has no room left the request ends `rejected` "
        "with reason `insufficient_budget` (200, see `status`). 409 unless the request awaits approval."
    ),
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def approve_funding_request(request_id: UUID, request: Request, principal: Approver) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        req = await requests.approve(
            session, principal=principal, request_id=request_id, settings=request.app.state.settings
        )
        return _request_response(req)


@router.post(
    "/funding-requests/{request_id}/reject",
    response_model=FundingRequestOut,
    summary="Reject a request awaiting approval (reason rejected_by_approver, your words as reason_detail)",
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422),
)
async def reject_funding_request(
    request_id: UUID, body: Rejection, request: Request, principal: Approver
) -> JSONResponse:
    async with transaction(request.app.state.sessions) as session:
        req = await requests.reject(
            session,
            principal=principal,
            request_id=request_id,
            reason=body.reason,
            settings=request.app.state.settings,
        )
        return _request_response(req)
