"""Funding requests: open and decide, approve, reject, read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import BindParameter, and_, bindparam, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from funding import events, ledger, messages
from funding.config import get_settings
from funding.domain.access import ensure_reaches, scoped_institution
from funding.domain.routing import (
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
from funding.models import BudgetLine, EndedEnrollment, FundingRequest, Institution
from funding.schemas import FundingRequestCreate, FundingRequestFilters
from sinergi_shared.auth import Principal
from sinergi_shared.http import filtered, keyset_page
from sinergi_shared.outbox import record
from sinergi_shared.payloads import EnrollmentReserved
from sinergi_shared.problems import Conflict, Forbidden, NotFound, invalid

# --- opening ---------------------------------------------------------------------------------------------


async def open_for_enrollment(session: AsyncSession, *, event: EnrollmentReserved) -> None:
    """Open the one request of a reserved enrollment and decide it; a redelivery, or one after its end, opens none."""
    await ledger.hold_enrollment(session, event.enrollment_id)
    owner = await session.get(Institution, event.provider_ministry_id)
    routed = route_enrollment(
        requested_source=event.requested_source,
        participant_institution_id=event.institution_id,
        participant_sector=event.participant_sector,
        is_dob=event.is_dob,
        provider_ministry_id=event.provider_ministry_id,
        # The provider's K/L or Pemda; one the replica has not heard of yet is routed as a K/L.
        provider_sector="central" if owner is None else owner.sector,  # type: ignore[arg-type]
    )
    opening = {
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
    await _open_and_decide(session, opening, routed)


async def open_by_hand(session: AsyncSession, *, principal: Principal, body: FundingRequestCreate) -> FundingRequest:
    """Open an activity-level request charged to the payer's own line and decide it."""
    ensure_reaches(principal, body.institution_id, what="budget")
    payer = await session.get(Institution, body.institution_id)
    if payer is None:
        raise invalid("institution_id", messages.INSTITUTION_NOT_ANNOUNCED())
    routed = route_activity(
        payer_institution_id=payer.id,
        payer_sector=payer.sector,  # type: ignore[arg-type]
        source=body.source,
        purpose=body.purpose,
    )
    if isinstance(routed, Refusal):
        # A hand-made request names its own line, so an impossible one is bad input, not a decision.
        raise invalid("source", messages.REFUSED_SOURCE(reason=routed.reason, detail=routed.detail))
    opening = {
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
    req = await _open_and_decide(session, opening, routed)
    assert req is not None  # no enrollment, so never opened before
    return req


async def _open_and_decide(
    session: AsyncSession, opening: dict[str, Any], routed: Route | Refusal
) -> FundingRequest | None:
    """Open the request on its route's line, decided, and record funding.requested with the outcome.

    None when the enrollment already has its request (another delivery, another ce_id) or already ended.
    """
    route = _route_columns(routed, opening["requested_source"])
    settled, line_id, line = await _line_of(session, opening, route)
    if settled:
        return None
    now = datetime.now(UTC)
    amount = opening["amount_idr"]
    if isinstance(routed, Refusal):
        decision = Decision("reject", routed.reason, routed.detail)
    else:
        decision = decide(route=routed, line=line, amount_idr=amount)
    if decision.outcome == "await_approval":
        deadline = now + timedelta(seconds=get_settings().approval_timeout_s)
        state: dict[str, Any] = {"status": "awaiting_approval", "approval_deadline": deadline, "updated_at": now}
    elif decision.outcome == "approve":
        state = await ledger.approval(session, line_id=line_id, amount_idr=amount, now=now, by="auto")
    else:
        state = ledger.status_change("rejected", now=now, reason=decision.reason, detail=decision.detail, by="auto")
    req = FundingRequest(
        **opening,
        **route,
        **state,
        id=uuid4(),
        budget_line_id=line_id,
        # Decided as it opens: two changes, as for a request decided later.
        version=1 if decision.outcome == "await_approval" else 2,
        created_at=now,
    )
    session.add(req)
    decided = [] if req.status == "awaiting_approval" else [events.decided(req)]
    await record(session, events.requested(req), *decided)
    return req


# Whether the enrollment already has its request or has ended, and the figures of the route's line, in one read.
_ENROLLMENT: BindParameter[UUID] = bindparam("enrollment_id")
_probe = select(
    or_(
        exists().where(FundingRequest.enrollment_id == _ENROLLMENT),
        exists().where(EndedEnrollment.enrollment_id == _ENROLLMENT),
    ).label("settled")
).subquery()
_LINE_OF = (
    select(
        _probe.c.settled,
        BudgetLine.id,
        BudgetLine.ceiling_idr,
        BudgetLine.committed_idr,
        BudgetLine.realized_idr,
        BudgetLine.auto_approve_limit_idr,
    )
    .select_from(_probe)
    .outerjoin(
        BudgetLine,
        and_(
            BudgetLine.institution_id == bindparam("payer_institution_id"),
            BudgetLine.source == bindparam("source"),
            BudgetLine.fiscal_year == bindparam("fiscal_year"),
            BudgetLine.purpose == bindparam("purpose"),
        ),
    )
)


async def _line_of(
    session: AsyncSession, opening: dict[str, Any], route: dict[str, Any]
) -> tuple[bool, UUID | None, LineFigures | None]:
    """Whether the enrollment already has its request or has ended (never for one by hand), and the route's line."""
    row = (
        await session.execute(
            _LINE_OF,
            {
                "enrollment_id": opening.get("enrollment_id"),
                "payer_institution_id": route["payer_institution_id"],
                "source": route["source"],
                "fiscal_year": opening["fiscal_year"],
                "purpose": route["purpose"],
            },
        )
    ).one()
    settled, line_id, *figures = row
    return settled, line_id, None if line_id is None else LineFigures(*figures)


def _route_columns(routed: Route | Refusal, requested_source: str) -> dict[str, Any]:
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


# --- deciding by hand ------------------------------------------------------------------------------------


async def _for_decision(session: AsyncSession, principal: Principal, request_id: UUID) -> FundingRequest:
    """The request, locked, when it awaits approval and the caller may decide it."""
    query = select(FundingRequest).where(FundingRequest.id == request_id).with_for_update()
    req = (await session.execute(query)).scalar_one_or_none()
    if req is None:
        raise NotFound(messages.FUNDING_REQUEST_NOT_FOUND())
    ensure_reaches(principal, req.payer_institution_id, req.participant_institution_id, what="funding_request")
    if not may_approve(
        requires_coordinator=req.requires_coordinator,
        payer_institution_id=req.payer_institution_id,
        caller_institution_id=principal.institution_id,
        scopes=principal.scopes,
    ):
        needed = messages.DECIDED_BY_COORDINATOR if req.requires_coordinator else messages.DECIDED_BY_PAYER
        raise Forbidden(needed())
    if req.status != "awaiting_approval":
        raise Conflict(messages.DECIDE_STATUS(status=req.status))
    return req


async def approve(session: AsyncSession, *, principal: Principal, request_id: UUID) -> FundingRequest:
    """Approve and commit; when the line has no room left the request ends rejected (insufficient_budget)."""
    req = await _for_decision(session, principal, request_id)
    change = await ledger.approval(
        session, line_id=req.budget_line_id, amount_idr=req.amount_idr, now=datetime.now(UTC), by=principal.client_id
    )
    return await _decided(session, req, change)


async def reject(session: AsyncSession, *, principal: Principal, request_id: UUID, reason: str) -> FundingRequest:
    """Refuse a request awaiting approval (rejected_by_approver, the approver's words as detail)."""
    req = await _for_decision(session, principal, request_id)
    change = ledger.status_change(
        "rejected", now=datetime.now(UTC), reason=Reason.REJECTED_BY_APPROVER, detail=reason, by=principal.client_id
    )
    return await _decided(session, req, change)


async def _decided(session: AsyncSession, req: FundingRequest, change: dict[str, Any]) -> FundingRequest:
    decided = await ledger.settle(session, FundingRequest.id == req.id, change=change)
    assert decided is not None  # locked by _for_decision
    await record(session, events.decided(decided))
    return decided


# --- reading ---------------------------------------------------------------------------------------------


async def get_request(session: AsyncSession, *, principal: Principal, request_id: UUID) -> FundingRequest:
    """One request, visible to its payer, its requesting institution, coordinators and admins."""
    req = await session.get(FundingRequest, request_id)
    if req is None:
        raise NotFound(messages.FUNDING_REQUEST_NOT_FOUND())
    ensure_reaches(principal, req.payer_institution_id, req.participant_institution_id, what="funding_request")
    return req


async def list_requests(
    session: AsyncSession, *, principal: Principal, filters: FundingRequestFilters
) -> dict[str, Any]:
    """Requests the caller may see, oldest first, one page; institution_id filters by payer."""
    query = select(FundingRequest)
    if filters.institution_id is not None:
        ensure_reaches(principal, filters.institution_id, what="data")
    elif (own := scoped_institution(principal, None)) is not None:
        query = query.where(
            or_(FundingRequest.payer_institution_id == own, FundingRequest.participant_institution_id == own)
        )
    query = filtered(
        query,
        (FundingRequest.payer_institution_id, filters.institution_id),
        (FundingRequest.status, filters.status),
        (FundingRequest.enrollment_id, filters.enrollment_id),
        (FundingRequest.fiscal_year, filters.fiscal_year),
    )
    return await keyset_page(session, query, limit=filters.limit, cursor=filters.cursor)
