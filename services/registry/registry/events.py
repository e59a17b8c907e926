"""The events the registry emits, built from its rows as the contract's snapshots."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from registry.models import Institution
from sinergi_shared.contracts import CivilServantSnapshot, InstitutionSnapshot
from sinergi_shared.outbox import Event

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
