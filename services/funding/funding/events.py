"""The funding.* events: what a request's change announces, keyed by its enrollment (or itself)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from funding.models import FundingRequest
from sinergi_shared.outbox import Event
from sinergi_shared.payloads import (
    FundingApproved,
    FundingCancelled,
    FundingRealized,
    FundingRejected,
    FundingReleased,
    FundingRequested,
)


def requested(req: FundingRequest) -> Event:
    """funding.requested: a request was opened, with the status its first decision gave it."""
    status = req.status if req.status in ("approved", "awaiting_approval") else "rejected"
    return _event("funding.requested", FundingRequested(**_fact(req), status=status), req)


def decided(req: FundingRequest) -> Event:
    """funding.approved or funding.rejected, as the request's decision went."""
    if req.status == "approved":
        return _event("funding.approved", FundingApproved(**_fact(req), approved_by=req.decided_by), req)
    reason = req.reason or "rejected"
    return _event("funding.rejected", FundingRejected(**_fact(req), reason=reason, detail=req.reason_detail), req)


def released(req: FundingRequest) -> Event:
    """funding.released: the committed amount went back to its line."""
    return _event("funding.released", FundingReleased(**_fact(req)), req)


def realized(req: FundingRequest) -> Event:
    """funding.realized: the committed amount was spent."""
    return _event("funding.realized", FundingRealized(**_fact(req)), req)


def cancelled(req: FundingRequest) -> Event:
    """funding.cancelled: a request closed before its decision because its enrollment ended; no money moved."""
    return _event("funding.cancelled", FundingCancelled(**_fact(req), reason=req.reason or "enrollment_cancelled"), req)


def _fact(req: FundingRequest) -> dict[str, Any]:
    return {
        "request_id": req.id,
        "enrollment_id": req.enrollment_id,
        "payer_institution_id": req.payer_institution_id,
        "budget_line_id": req.budget_line_id,
        "source": req.source,
        "amount_idr": req.amount_idr,
        "fiscal_year": req.fiscal_year,
        "is_dob": req.is_dob,
    }


def _event(event_type: str, payload: BaseModel, req: FundingRequest) -> Event:
    # One enrollment's events share its partition, so the enrollment service reads them in order.
    return Event(event_type, payload, req.enrollment_id or req.id)
