"""Every event the funding service reacts to, registered on one EventHandlers."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from funding import replica, requests, saga
from sinergi_shared import revocations
from sinergi_shared.events import CloudEvent
from sinergi_shared.inbox import EventHandlers
from sinergi_shared.payloads import ClientRevoked, EnrollmentReserved, InstitutionSnapshot

handlers = EventHandlers()


@handlers.on("institution.registered", "institution.updated", "institution.deactivated", "institution.succeeded")
async def institution_changed(session: AsyncSession, event: CloudEvent) -> None:
    """Keep the institution replica (sector decides which sources a line may have)."""
    await replica.apply_institution(session, InstitutionSnapshot.model_validate(event.data))


@handlers.on("client.revoked")
async def client_revoked(session: AsyncSession, event: CloudEvent) -> None:
    """Remember the revoked client, so its earlier tokens are refused here too."""
    await revocations.record_revoked(session, ClientRevoked.model_validate(event.data))


@handlers.on("enrollment.reserved")
async def enrollment_reserved(session: AsyncSession, event: CloudEvent) -> None:
    """A seat is held: open its funding request (once per enrollment) and decide it."""
    await requests.open_for_enrollment(session, event=EnrollmentReserved.model_validate(event.data))


@handlers.on("enrollment.cancelled", "enrollment.rejected")
async def enrollment_ended(session: AsyncSession, event: CloudEvent) -> None:
    """The enrollment ended without training: release the commitment or close the pending request."""
    await saga.release_for_enrollment(session, enrollment_id=UUID(str(event.data["enrollment_id"])))


@handlers.on("enrollment.completed")
async def enrollment_completed(session: AsyncSession, event: CloudEvent) -> None:
    """The training took place: the committed amount is realized."""
    await saga.realize_for_enrollment(session, enrollment_id=UUID(str(event.data["enrollment_id"])))
