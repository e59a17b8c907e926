"""The money side of a funding request: atomic commit, release and realization, status changes, events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from funding.models import FundingRequest
from funding.routing import Reason
from sinergi_shared.contracts import (
    FundingApproved,
    FundingRealized,
    FundingRejected,
    FundingReleased,
    FundingRequested,
)
from sinergi_shared.db import Driver, DriverSQL
from sinergi_shared.outbox import event_rows, record_events, with_events

SERVICE = "funding"

# The money and the decision statements run on the driver, in the session's transaction
# (sinergi_shared.db.driver_of): the automatic decision of every reserved seat makes them, on the saga's path.

# The one statement that commits money: it succeeds only while the line still has room, so the
# committed sum can never pass the ceiling whatever the concurrency (the row lock serializes writers).
_COMMIT = DriverSQL(
    "UPDATE budget_lines SET committed_idr = committed_idr + :amount, updated_at = now() "
    "WHERE id = :line_id AND committed_idr + realized_idr + :amount <= ceiling_idr RETURNING id"
)
_RELEASE = DriverSQL(
    "UPDATE budget_lines SET committed_idr = committed_idr - :amount, updated_at = now() WHERE id = :line_id"
)
_REALIZE = DriverSQL(
    "UPDATE budget_lines SET committed_idr = committed_idr - :amount, realized_idr = realized_idr + :amount, "
    "updated_at = now() WHERE id = :line_id"
)


def request_out(req: FundingRequest) -> dict[str, Any]:
    """The API shape of a request."""
    return {c: getattr(req, c) for c in _FIELDS}


_FIELDS = (
    "id origin enrollment_id cohort_id program_id provider_id provider_ministry_id nip participant_institution_id "
    "payer_institution_id budget_line_id requested_source source purpose fiscal_year amount_idr is_dob "
    "requires_coordinator description status reason reason_detail approval_deadline decided_by decided_at version "
    "created_at updated_at"
).split()


@dataclass(frozen=True)
class Events:
    """The funding events of one transaction, recorded together so they keep their order."""

    prefix: str

    async def record(self, session: AsyncSession, req: FundingRequest, *types: str) -> None:
        await record_events(session, service=SERVICE, events=self._events(req, types), topic_prefix=self.prefix)

    async def settle(self, driver: Driver, req: FundingRequest, *types: str) -> None:
        """Store the decision taken on a request held as a plain value (not in the session) and record its
        events, in one statement: the automatic decision of every reserved seat ends here."""
        params = event_rows(service=SERVICE, events=self._events(req, types), topic_prefix=self.prefix)
        await _SETTLE.fetchval(driver, {**params, **{c: getattr(req, c) for c in _DECISION}, "request_id": req.id})

    def _events(self, req: FundingRequest, types: tuple[str, ...]) -> list[tuple[str, Any, str]]:
        key = str(req.enrollment_id or req.id)
        return [(t, _payload(t, req), key) for t in types]


# What a decision changes on a request (see close()), stored together with the decision's events.
_DECISION = (
    "status reason reason_detail approval_deadline decided_by decided_at updated_at version budget_line_id"
).split()
_SETTLE = DriverSQL(
    with_events(f"UPDATE funding_requests SET {', '.join(f'{c} = :{c}' for c in _DECISION)} WHERE id = :request_id")
)


def _payload(event_type: str, req: FundingRequest) -> Any:
    fact = {
        "request_id": req.id,
        "enrollment_id": req.enrollment_id,
        "payer_institution_id": req.payer_institution_id,
        "budget_line_id": req.budget_line_id,
        "source": req.source,
        "amount_idr": req.amount_idr,
        "fiscal_year": req.fiscal_year,
        "is_dob": req.is_dob,
    }
    if event_type == "funding.requested":
        return FundingRequested(**fact, status=_requested_status(req.status))
    if event_type == "funding.approved":
        return FundingApproved(**fact, approved_by=req.decided_by)
    if event_type == "funding.rejected":
        return FundingRejected(**fact, reason=req.reason or "rejected", detail=req.reason_detail)
    if event_type == "funding.released":
        return FundingReleased(**fact)
    if event_type == "funding.realized":
        return FundingRealized(**fact)
    raise ValueError(f"not a funding event: {event_type}")


def _requested_status(status: str) -> str:
    return status if status in ("approved", "awaiting_approval", "rejected") else "rejected"


async def release_amount(driver: Driver, req: FundingRequest) -> None:
    """Give an approved request's amount back to its line."""
    if req.budget_line_id is not None and req.amount_idr > 0:
        await _RELEASE.fetchval(driver, {"amount": req.amount_idr, "line_id": req.budget_line_id})


async def realize_amount(driver: Driver, req: FundingRequest) -> None:
    """Move an approved request's amount from committed to realized on its line."""
    if req.budget_line_id is not None and req.amount_idr > 0:
        await _REALIZE.fetchval(driver, {"amount": req.amount_idr, "line_id": req.budget_line_id})


async def commit_or_reject(driver: Driver, req: FundingRequest, *, now: datetime) -> None:
    """Commit the amount against the line atomically, or reject with insufficient_budget when it no longer fits."""
    if req.amount_idr > 0:
        assert req.budget_line_id is not None
        committed = await _COMMIT.fetchval(driver, {"amount": req.amount_idr, "line_id": req.budget_line_id})
        if committed is None:
            close(
                req,
                "rejected",
                now=now,
                reason=Reason.INSUFFICIENT_BUDGET,
                detail=f"{req.amount_idr} IDR no longer fits the line",
                by=req.decided_by,
            )
            return
    close(req, "approved", now=now, by=req.decided_by)


def close(
    req: FundingRequest,
    status: str,
    *,
    now: datetime,
    reason: str | None = None,
    detail: str | None = None,
    by: str | None = None,
) -> None:
    """Move the request to a new status, stamping the decision when it is one."""
    req.status = status
    req.reason = str(reason) if reason is not None else None
    req.reason_detail = detail
    if status in ("approved", "rejected"):
        req.decided_by = by
        req.decided_at = now
    req.approval_deadline = None
    req.updated_at = now
    req.version += 1
