"""Funding request routes."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from fastapi.responses import JSONResponse

from funding import messages, requests
from funding.api.access import Approver, Reader, Writer
from funding.schemas import (
    FundingRequestCreate,
    FundingRequestFilters,
    FundingRequestOut,
    FundingRequestPage,
    Rejection,
)
from sinergi_shared.http import Session, api_router, idempotent, resource
from sinergi_shared.problems import problem_responses

router = api_router("funding requests")


# A POST that may commit money runs once per Idempotency-Key and not at all without one: a blind retry commits twice.
_MOVES_MONEY = problem_responses(409, 428)
_MOVES_MONEY[428]["description"] = "Idempotency-Key required"


@router.post("/funding-requests", status_code=201, response_model=FundingRequestOut, responses=_MOVES_MONEY)
@idempotent(required=messages.IDEMPOTENCY_KEY_REQUIRED)
async def create_funding_request(body: FundingRequestCreate, session: Session, principal: Writer) -> JSONResponse:
    """Open an activity-level funding request charged to the payer's own line.

    Decided at once: within the line's auto-approve limit and available → approved; above the limit
    (or any dob_facilitation request) → awaiting_approval; no line or not enough left → rejected with a
    machine-readable reason (no_budget_line, insufficient_budget). A source that does not suit the
    payer's sector is 422. `Idempotency-Key` is required (428 without it): a retry replays the first answer.
    """
    req = await requests.open_by_hand(session, principal=principal, body=body)
    return resource(FundingRequestOut.model_validate(req), 201, location=f"/funding-requests/{req.id}")


@router.get("/funding-requests", response_model=FundingRequestPage)
async def list_funding_requests(
    session: Session, principal: Reader, filters: Annotated[FundingRequestFilters, Query()]
) -> dict[str, Any]:
    """List funding requests (institution_id filters by payer).

    Without coordinator/admin only requests the caller's institution pays for or asked for.
    """
    return await requests.list_requests(session, principal=principal, filters=filters)


@router.get("/funding-requests/{request_id}", response_model=FundingRequestOut)
async def get_funding_request(request_id: UUID, session: Session, principal: Reader) -> JSONResponse:
    """One funding request."""
    req = await requests.get_request(session, principal=principal, request_id=request_id)
    return resource(FundingRequestOut.model_validate(req))


@router.post("/funding-requests/{request_id}/approve", response_model=FundingRequestOut, responses=_MOVES_MONEY)
@idempotent(required=messages.IDEMPOTENCY_KEY_REQUIRED)
async def approve_funding_request(request_id: UUID, session: Session, principal: Approver) -> JSONResponse:
    """Approve a request awaiting approval and commit its amount.

    By a `funding:approve` holder of the payer institution, or a `coordinator` (required for DOB
    requests). The commitment is atomic: when the line has no room left the request ends `rejected`
    with reason `insufficient_budget` (200, see `status`). 409 unless the request awaits approval.
    `Idempotency-Key` is required (428 without it): a retry replays the first answer.
    """
    req = await requests.approve(session, principal=principal, request_id=request_id)
    return resource(FundingRequestOut.model_validate(req))


@router.post(
    "/funding-requests/{request_id}/reject", response_model=FundingRequestOut, responses=problem_responses(409)
)
async def reject_funding_request(
    request_id: UUID, body: Rejection, session: Session, principal: Approver
) -> JSONResponse:
    """Reject a request awaiting approval (reason rejected_by_approver, your words as reason_detail)."""
    req = await requests.reject(session, principal=principal, request_id=request_id, reason=body.reason)
    return resource(FundingRequestOut.model_validate(req))
