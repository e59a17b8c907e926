"""The events the registry emits, built from its rows as the contract's snapshots."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from registry.models import ApiClient, Institution
from sinergi_shared.outbox import Event
from sinergi_shared.payloads import CivilServantSnapshot, ClientRevoked, InstitutionSnapshot

InstitutionChange = Literal[
    "institution.registered", "institution.updated", "institution.deactivated", "institution.succeeded"
]
CivilServantChange = Literal["civil_servant.registered", "civil_servant.transferred", "civil_servant.retired"]


def institution_changed(change: InstitutionChange, institution: Institution) -> Event:
    """The institution as it is after the change, keyed by its id."""
    return Event(change, InstitutionSnapshot.model_validate(institution, from_attributes=True), institution.id)


def civil_servant_changed(
    change: CivilServantChange, civil_servant: Any, *, previous_institution_id: UUID | None = None
) -> Event:
    """The civil servant (a row or a snapshot) as it is after the change, keyed by NIP."""
    snapshot = CivilServantSnapshot.model_validate(civil_servant, from_attributes=True)
    if previous_institution_id is not None:
        snapshot = snapshot.model_copy(update={"previous_institution_id": previous_institution_id})
    return Event(change, snapshot, snapshot.nip)


def client_revoked(client: ApiClient) -> Event:
    """A revoked client, keyed by its id: every service refuses the tokens it was issued before revoked_at."""
    assert client.revoked_at is not None
    fact = ClientRevoked(client_id=client.client_id, institution_id=client.institution_id, revoked_at=client.revoked_at)
    return Event("client.revoked", fact, client.client_id)
