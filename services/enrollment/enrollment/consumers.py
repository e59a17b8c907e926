"""Every event the enrollment service reacts to, registered on one EventHandlers."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import enrollments, replica
from sinergi_shared import revocations
from sinergi_shared.events import CloudEvent
from sinergi_shared.inbox import EventHandlers
from sinergi_shared.payloads import (
    CivilServantSnapshot,
    ClientRevoked,
    FundingApproved,
    FundingRejected,
    InstitutionSnapshot,
)

handlers = EventHandlers()


@handlers.on("institution.registered", "institution.updated", "institution.deactivated", "institution.succeeded")
async def on_institution(session: AsyncSession, event: CloudEvent) -> None:
    """Keep the institution replica at the newest version seen."""
    await replica.apply_institution(session, InstitutionSnapshot.model_validate(event.data))


@handlers.on("civil_servant.registered", "civil_servant.transferred", "civil_servant.retired")
async def on_civil_servant(session: AsyncSession, event: CloudEvent) -> None:
    """Keep the civil servant replica at the newest version seen."""
    await replica.apply_civil_servant(session, CivilServantSnapshot.model_validate(event.data))


@handlers.on("client.revoked")
async def on_client_revoked(session: AsyncSession, event: CloudEvent) -> None:
    """Remember the revoked client, so its earlier tokens are refused here too."""
    await revocations.record_revoked(session, ClientRevoked.model_validate(event.data))


@handlers.on("funding.approved")
async def on_funding_approved(session: AsyncSession, event: CloudEvent) -> None:
    """Confirm the reserved enrollment the funding was approved for."""
    fact = FundingApproved.model_validate(event.data)
    if fact.enrollment_id is not None:  # activity-level requests concern no enrollment
        await enrollments.funding_approved(session, enrollment_id=fact.enrollment_id, request_id=fact.request_id)


@handlers.on("funding.rejected")
async def on_funding_rejected(session: AsyncSession, event: CloudEvent) -> None:
    """Reject the reserved enrollment and hand its seat to the waitlist."""
    fact = FundingRejected.model_validate(event.data)
    if fact.enrollment_id is not None:
        await enrollments.funding_rejected(
            session, enrollment_id=fact.enrollment_id, request_id=fact.request_id, reason=fact.reason
        )
