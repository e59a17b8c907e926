"""Who may see what: another institution's lines and requests are out of reach unless the token crosses."""

from __future__ import annotations

from uuid import UUID

from funding import messages
from sinergi_shared.auth import Principal
from sinergi_shared.problems import Forbidden


def ensure_reaches(principal: Principal, *institution_ids: UUID | None, what: str) -> None:
    """403 unless the caller owns one of the institutions or crosses institutions.

    Another institution's budget lines and requests answer 403 (not 404) throughout this API:
    their ids are unguessable, and a clear refusal helps integrators more than a feigned absence.
    """
    if not principal.may_reach(*institution_ids):
        raise Forbidden(messages.OUT_OF_REACH[what]())


def scoped_institution(principal: Principal, institution_id: UUID | None) -> UUID | None:
    """The institution a list is limited to: the one asked for, or the caller's own unless it crosses."""
    if institution_id is not None:
        ensure_reaches(principal, institution_id, what="data")
        return institution_id
    return None if principal.crosses_institutions else principal.institution_id
