"""Civil servant use cases: register, read, list, transfer, retire; state and event in the caller's unit of work."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry import institutions, messages, rows
from registry.domain.nip import InvalidNip, field_errors, parse_nip, today_in_indonesia
from registry.events import CivilServantChange, civil_servant_changed
from registry.models import CivilServant
from registry.schemas import CivilServantCreate, CivilServantFilters
from sinergi_shared.auth import Principal
from sinergi_shared.http import check_if_match, filtered
from sinergi_shared.outbox import record
from sinergi_shared.problems import Conflict, Forbidden, NotFound, Unprocessable


async def register(
    session: AsyncSession, *, principal: Principal, body: CivilServantCreate, today: date | None = None
) -> CivilServant:
    """Register an ASN of the caller's institution (any, for coordinator/admin); 409 for a known NIP."""
    try:
        parsed = parse_nip(body.nip, employment=body.employment, today=today or today_in_indonesia())
    except InvalidNip as exc:
        raise Unprocessable(f"nip: {exc}", errors=field_errors(exc.problems)) from exc
    if not principal.may_reach(body.institution_id):
        raise Forbidden(messages.CIVIL_SERVANT_OWN_INSTITUTION())
    await institutions.get_active(session, body.institution_id)
    facts = {"birth_date": parsed.birth_date, "appointment_month": parsed.appointment, "gender": parsed.gender}
    civil_servant = await rows.insert_new(session, CivilServant, key="nip", values={**body.model_dump(), **facts})
    if civil_servant is None:
        # One 409 for any registered NIP, whoever employs them: a unique key cannot hide that it exists, only where.
        raise Conflict(messages.NIP_TAKEN(nip=body.nip))
    await record(session, civil_servant_changed("civil_servant.registered", civil_servant))
    return civil_servant


async def get(session: AsyncSession, *, principal: Principal, nip: str, for_update: bool = False) -> CivilServant:
    """The civil servant; 404 when unknown or employed by an institution the caller may not reach."""
    if not (len(nip) == 18 and nip.isascii() and nip.isdigit()):
        raise NotFound(messages.NIP_NOT_VISIBLE(nip=nip))
    stmt = select(CivilServant).where(CivilServant.nip == nip)
    if for_update:
        stmt = stmt.with_for_update()
    civil_servant = (await session.scalars(stmt)).one_or_none()
    # Another institution's staff is private: answer as if the NIP did not exist.
    if civil_servant is None or not principal.may_reach(civil_servant.institution_id):
        raise NotFound(messages.NIP_NOT_VISIBLE(nip=nip))
    return civil_servant


async def staff_of(session: AsyncSession, *, principal: Principal, filters: CivilServantFilters) -> dict[str, Any]:
    """A page of the civil servants of one institution (default: the caller's) in NIP order."""
    institution_id = filters.institution_id or principal.institution_id
    if not principal.may_reach(institution_id):
        raise Forbidden(messages.CIVIL_SERVANT_LIST_OWN_INSTITUTION())
    stmt = filtered(
        select(CivilServant).where(CivilServant.institution_id == institution_id), (CivilServant.status, filters.status)
    )
    return await rows.key_page(session, stmt, CivilServant.nip, filters)


async def transfer(
    session: AsyncSession, *, principal: Principal, nip: str, institution_id: UUID, if_match: str | None = None
) -> CivilServant:
    """Move an active ASN to another active institution; the caller must own the current one (or cross)."""
    civil_servant = await _locked(session, principal=principal, nip=nip, if_match=if_match)
    if civil_servant.status != "active":
        raise Conflict(messages.RETIRED_NOT_TRANSFERABLE())
    if civil_servant.institution_id == institution_id:
        raise Conflict(messages.ALREADY_AT_INSTITUTION())
    await institutions.get_active(session, institution_id)
    previous = civil_servant.institution_id
    civil_servant.institution_id = institution_id
    return await _changed(session, civil_servant, "civil_servant.transferred", previous_institution_id=previous)


async def retire(session: AsyncSession, *, principal: Principal, nip: str, if_match: str | None = None) -> CivilServant:
    """Retire an active ASN; 409 when already retired."""
    civil_servant = await _locked(session, principal=principal, nip=nip, if_match=if_match)
    if civil_servant.status != "active":
        raise Conflict(messages.ALREADY_RETIRED())
    civil_servant.status = "retired"
    return await _changed(session, civil_servant, "civil_servant.retired")


async def _locked(session: AsyncSession, *, principal: Principal, nip: str, if_match: str | None) -> CivilServant:
    """The civil servant, locked for a change, at the version the caller saw (when it said which)."""
    civil_servant = await get(session, principal=principal, nip=nip, for_update=True)
    if if_match is not None:
        check_if_match(if_match, civil_servant.version)
    return civil_servant


async def _changed(
    session: AsyncSession,
    civil_servant: CivilServant,
    change: CivilServantChange,
    *,
    previous_institution_id: UUID | None = None,
) -> CivilServant:
    """Count a change in the version and announce the civil servant as they now are."""
    await rows.count_change(session, civil_servant)
    await record(session, civil_servant_changed(change, civil_servant, previous_institution_id=previous_institution_id))
    return civil_servant
