"""Funding requests: open and decide, approve, reject, read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from funding.config import Settings
from funding.models import FundingRequest, Institution
from funding.routing import (
    Decision,
    LineFigures,
    Reason,
    Refusal,
    Route,
    decide,
    may_approve,
    route_activity,
    route_enrollment,
)
from funding.schemas import FundingRequestCreate
from funding.service.access import ensure_reaches, scoped_institution
from funding.service.ledger import Events, close, commit_or_reject, request_out
from sinergi_shared.auth import Principal
from sinergi_shared.contracts import EnrollmentReserved
from sinergi_shared.db import DriverSQL, driver_of
from sinergi_shared.http import keyset, keyset_cursor, page
from sinergi_shared.problems import Conflict, Forbidden, NotFound, invalid

__all__ = ["approve", "get_request", "list_requests", "open_by_hand", "open_for_enrollment", "reject", "request_out"]


# --- opening ---------------------------------------------------------------------------------------------


_COLUMNS = tuple(c.key for c in FundingRequest.__table__.columns)
# A new request, charged to the line its route names (if that line exists), and the line's figures for
# the decision, in one round trip. For a seat it opens nothing when the enrollment already has its request
# (another delivery, another ce_id); a request opened by hand has no enrollment, so it always opens.
_OPEN = DriverSQL(
    f"""
    WITH line AS (
        SELECT id, ceiling_idr, committed_idr, realized_idr, auto_approve_limit_idr FROM budget_lines
        WHERE institution_id = :payer_institution_id AND source = :source AND fiscal_year = :fiscal_year
          AND purpose = :purpose
    )
    INSERT INTO funding_requests ({", ".join(_COLUMNS)})
    VALUES ({", ".join("(SELECT id FROM line)" if c == "budget_line_id" else ":" + c for c in _COLUMNS)})
    ON CONFLICT ON CONSTRAINT uq_funding_requests_enrollment DO NOTHING
    RETURNING budget_line_id, (SELECT ceiling_idr FROM line), (SELECT committed_idr FROM line),
              (SELECT realized_idr FROM line), (SELECT auto_approve_limit_idr FROM line)
    """
)


async def open_for_enrollment(session: AsyncSession, *, event: EnrollmentReserved, settings: Settings) -> None:
    """Open the one request of a reserved enrollment and decide it; a redelivery opens nothing."""
    routed = route_enrollment(
        requested_source=event.requested_source,
        participant_institution_id=event.institution_id,
        participant_sector=event.participant_sector,
        is_dob=event.is_dob,
        provider_ministry_id=event.provider_ministry_id,
    )
    values = {
        "origin": "enrollment",
        "enrollment_id": event.enrollment_id,
        "cohort_id": event.cohort_id,
        "program_id": event.program_id,
        "provider_id": event.provider_id,
        "provider_ministry_id": event.provider_ministry_id,
        "nip": event.nip,
        "participant_institution_id": event.institution_id,
        "participant_sector": event.participant_sector,
        "requested_source": event.requested_source,
        "fiscal_year": event.fiscal_year,
        "amount_idr": event.amount_idr,
        "is_dob": event.is_dob,
    }
    await _open_and_decide(session, values, routed, settings=settings)


async def open_by_hand(
    session: AsyncSession, *, principal: Principal, body: FundingRequestCreate, settings: Settings
) -> FundingRequest:
    """Open an activity-level request charged to the payer's own line and decide it."""
    ensure_reaches(principal, body.institution_id, what="the budget")
    payer = await session.get(Institution, body.institution_id)
    if payer is None:
        raise invalid("institution_id", "the registry has not announced this institution")
    routed = route_activity(
        payer_institution_id=payer.id,
        payer_sector=payer.sector,  # type: ignore[arg-type]
        source=body.source,
        purpose=body.purpose,
    )
    if isinstance(routed, Refusal):
        # A hand-made request names its own line, so an impossible one is bad input, not a decision.
        raise invalid("source", f"{routed.reason}: {routed.detail}")
    values = {
        "origin": "manual",
        "requested_by": principal.client_id,
        "participant_institution_id": payer.id,
        "participant_sector": payer.sector,
        "requested_source": body.source,
        "fiscal_year": body.fiscal_year,
        "amount_idr": body.amount_idr,
        "is_dob": body.purpose == "dob_facilitation",
        "description": body.description,
    }
    req = await _open_and_decide(session, values, routed, settings=settings)
    assert req is not None  # no enrollment, so no conflict
    return req


async def _open_and_decide(
    session: AsyncSession, values: dict[str, Any], routed: Route | Refusal, *, settings: Settings
) -> FundingRequest | None:
    """Open the request, decide it, store the decision with funding.requested and its outcome; None: not opened.

    Three round trips for an approval (open with the line's figures, commit the money, store and record),
    two otherwise: this runs once per reserved seat, on the saga's path.
    """
    now = datetime.now(UTC)
    row = {
        **dict.fromkeys(_COLUMNS),
        **values,
        "id": uuid4(),
        **_routed_columns(routed, values["requested_source"]),
        "status": "awaiting_approval",
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    driver = await driver_of(session)  # a statement of the session has begun the transaction
    opened = await _OPEN.fetchrow(driver, row)
    if opened is None:
        return None
    line_id, *figures = opened
    # The row as just inserted, as a plain value: every change below is stored by one statement (settle).
    req = FundingRequest(**{**row, "budget_line_id": line_id})
    if isinstance(routed, Refusal):
        decision = Decision("reject", routed.reason, routed.detail)
    else:
        line = LineFigures(*figures) if line_id is not None else None
        decision = decide(route=routed, line=line, amount_idr=req.amount_idr)
    events = Events(settings.topic_prefix)
    if decision.outcome == "await_approval":
        req.approval_deadline = now + timedelta(seconds=settings.approval_timeout_s)
        await events.settle(driver, req, "funding.requested")
        return req
    if decision.outcome == "approve":
        req.decided_by = "auto"
        await commit_or_reject(driver, req, now=now)
    else:
        close(req, "rejected", now=now, reason=decision.reason, detail=decision.detail, by="auto")
    outcome = "funding.approved" if req.status == "approved" else "funding.rejected"
    await events.settle(driver, req, "funding.requested", outcome)
    return req


def _routed_columns(routed: Route | Refusal, requested_source: str) -> dict[str, Any]:
    if isinstance(routed, Refusal):
        return {
            "payer_institution_id": None,
            "source": requested_source,
            "purpose": "general",
            "requires_coordinator": False,
        }
    return {
        "payer_institution_id": routed.payer_institution_id,
        "source": routed.source,
        "purpose": routed.purpose,
        "requires_coordinator": routed.requires_coordinator,
    }


# --- approving -------------------------------------------------------------------------------------------


async def _locked(session: AsyncSession, request_id: UUID) -> FundingRequest | None:
    query = select(FundingRequest).where(FundingRequest.id == request_id).with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def _for_decision(session: AsyncSession, principal: Principal, request_id: UUID) -> FundingRequest:
    req = await _locked(session, request_id)
    if req is None:
        raise NotFound("no such funding request")
    ensure_reaches(principal, req.payer_institution_id, req.participant_institution_id, what="a funding request")
    if not may_approve(
        requires_coordinator=req.requires_coordinator,
        payer_institution_id=req.payer_institution_id,
        caller_institution_id=principal.institution_id,
        scopes=principal.scopes,
    ):
        needed = "a coordinator" if req.requires_coordinator else "a funding:approve holder of the payer institution"
        raise Forbidden(f"this request must be decided by {needed}")
    if req.status != "awaiting_approval":
        raise Conflict(f"only a request awaiting approval can be decided; this one is {req.status}")
    return req


async def approve(
    session: AsyncSession, *, principal: Principal, request_id: UUID, settings: Settings
) -> FundingRequest:
    """Approve and commit; when the line has no room left the request ends rejected (insufficient_budget)."""
    req = await _for_decision(session, principal, request_id)
    req.decided_by = principal.client_id
    await commit_or_reject(await driver_of(session), req, now=datetime.now(UTC))
    await session.flush()
    outcome = "funding.approved" if req.status == "approved" else "funding.rejected"
    await Events(settings.topic_prefix).record(session, req, outcome)
    return req


async def reject(
    session: AsyncSession, *, principal: Principal, request_id: UUID, reason: str, settings: Settings
) -> FundingRequest:
    """Refuse a request awaiting approval (rejected_by_approver, the approver's words as detail)."""
    req = await _for_decision(session, principal, request_id)
    close(
        req,
        "rejected",
        now=datetime.now(UTC),
        reason=Reason.REJECTED_BY_APPROVER,
        detail=reason,
        by=principal.client_id,
    )
    await session.flush()
    await Events(settings.topic_prefix).record(session, req, "funding.rejected")
    return req


# --- reading ---------------------------------------------------------------------------------------------


async def get_request(session: AsyncSession, *, principal: Principal, request_id: UUID) -> FundingRequest:
    """One request, visible to its payer, its requesting institution, coordinators and admins."""
    req = await session.get(FundingRequest, request_id)
    if req is None:
        raise NotFound("no such funding request")
    ensure_reaches(principal, req.payer_institution_id, req.participant_institution_id, what="a funding request")
    return req


async def list_requests(
    session: AsyncSession,
    *,
    principal: Principal,
    status: str | None,
    institution_id: UUID | None,
    enrollment_id: UUID | None,
    fiscal_year: int | None,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    """Requests the caller may see, oldest first; institution_id filters by payer."""
    query = select(FundingRequest)
    if institution_id is not None:
        ensure_reaches(principal, institution_id, what="the data")
        query = query.where(FundingRequest.payer_institution_id == institution_id)
    else:
        own = scoped_institution(principal, None)
        if own is not None:
            query = query.where(
                or_(FundingRequest.payer_institution_id == own, FundingRequest.participant_institution_id == own)
            )
    if status is not None:
        query = query.where(FundingRequest.status == status)
    if enrollment_id is not None:
        query = query.where(FundingRequest.enrollment_id == enrollment_id)
    if fiscal_year is not None:
        query = query.where(FundingRequest.fiscal_year == fiscal_year)
    query = keyset(query, cursor=cursor, limit=limit, created_at=FundingRequest.created_at, id_=FundingRequest.id)
    rows = (await session.execute(query)).scalars()
    return page([request_out(r) for r in rows], limit, lambda item: keyset_cursor(item["created_at"], item["id"]))
