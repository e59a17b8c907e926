"""Civil servant use cases: register, read, list, transfer, retire; state and event in the caller's transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain import InvalidNip, parse_nip
from registry.models import CivilServant, Institution
from registry.service import SERVICE, today_in_indonesia
from sinergi_shared.auth import Principal
from sinergi_shared.contracts import CivilServantSnapshot
from sinergi_shared.http import check_if_match, decode_cursor, encode_cursor
from sinergi_shared.outbox import record_event
from sinergi_shared.problems import Conflict, Forbidden, NotFound, Unprocessable, invalid


def civil_servant_snapshot(cs: CivilServant, previous_institution_id: UUID | None = None) -> CivilServantSnapshot:
    return CivilServantSnapshot(
        nip=cs.nip,
        name=cs.name,
        institution_id=cs.institution_id,
        employment=cs.employment,
        position_kind=cs.position_kind,
        position_title=cs.position_title,
        grade=cs.grade,
        status=cs.status,
        version=cs.version,
        previous_institution_id=previous_institution_id,
    )


def nip_error(exc: InvalidNip, field: str = "nip") -> list[dict[str, str]]:
    """Field errors of an invalid NIP, each with its machine code."""
    return [{"field": field, "code": p.code, "message": p.message} for p in exc.problems]


async def _institution_for_staff(session: AsyncSession, institution_id: UUID) -> Institution:
    inst = await session.get(Institution, institution_id)
    if inst is None:
        raise invalid("institution_id", "no institution has this id")
    if inst.status != "active":
        raise invalid("institution_id", "the institution is deactivated")
    return inst


async def register_civil_servant(
    session: AsyncSession,
    *,
    principal: Principal,
    nip: str,
    name: str,
    institution_id: UUID,
    employment: str,
    position_kind: str,
    position_title: str | None = None,
    grade: str | None = None,
    today: date | None = None,
    topic_prefix: str = "",
) -> CivilServant:
    """Register an ASN of the caller's institution (any, for coordinator/admin); 409 for a known NIP."""
    try:
        parsed = parse_nip(nip, today=today or today_in_indonesia())
    except InvalidNip as exc:
        raise Unprocessable(f"nip: {exc}", errors=nip_error(exc)) from exc
    if not principal.may_reach(institution_id):
        raise Forbidden("you may only register civil servants of your own institution")
    await _institution_for_staff(session, institution_id)
    now = datetime.now(UTC)
    cs = (
        await session.scalars(
            pg_insert(CivilServant)
            .values(
                nip=nip,
                name=name,
                institution_id=institution_id,
                employment=employment,
                position_kind=position_kind,
                position_title=position_title,
                grade=grade,
                status="active",
                version=1,
                birth_date=parsed.birth_date,
                appointment_month=parsed.appointment_month,
                gender=parsed.gender,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["nip"])
            .returning(CivilServant)
        )
    ).one_or_none()
    if cs is None:
        raise Conflict(f"a civil servant with NIP {nip} is already registered")
    await record_event(
        session,
        service=SERVICE,
        event_type="civil_servant.registered",
        data=civil_servant_snapshot(cs),
        key=cs.nip,
        topic_prefix=topic_prefix,
    )
    return cs


async def get_civil_servant(
    session: AsyncSession, *, principal: Principal, nip: str, for_update: bool = False
) -> CivilServant:
    """The civil servant; 404 when unknown or employed by an institution the caller may not reach."""
    if not (len(nip) == 18 and nip.isascii() and nip.isdigit()):
        raise NotFound(f"no civil servant with NIP {nip!r} is visible to you")
    stmt = select(CivilServant).where(CivilServant.nip == nip)
    if for_update:
        stmt = stmt.with_for_update()
    cs = (await session.scalars(stmt)).one_or_none()
    # Another institution's staff is private: answer as if the NIP did not exist.
    if cs is None or not principal.may_reach(cs.institution_id):
        raise NotFound(f"no civil servant with NIP {nip} is visible to you")
    return cs


async def list_civil_servants(
    session: AsyncSession,
    *,
    principal: Principal,
    institution_id: UUID | None,
    status: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> list[CivilServant]:
    """Up to limit+1 civil servants of one institution (default: the caller's) in NIP order."""
    institution_id = institution_id or principal.institution_id
    if not principal.may_reach(institution_id):
        raise Forbidden("you may only list the civil servants of your own institution")
    stmt = select(CivilServant).where(CivilServant.institution_id == institution_id)
    if status is not None:
        stmt = stmt.where(CivilServant.status == status)
    if cursor is not None:
        [after] = decode_cursor(cursor, 1)
        stmt = stmt.where(CivilServant.nip > after)
    return list((await session.scalars(stmt.order_by(CivilServant.nip).limit(limit + 1))).all())


def civil_servant_cursor(cs: Any) -> str:
    return encode_cursor(cs.nip)


async def transfer_civil_servant(
    session: AsyncSession,
    *,
    principal: Principal,
    nip: str,
    institution_id: UUID,
    if_match: str | None = None,
    topic_prefix: str = "",
) -> CivilServant:
    """Move an active ASN to another active institution; the caller must own the current one (or cross)."""
    cs = await get_civil_servant(session, principal=principal, nip=nip, for_update=True)
    if if_match is not None:
        check_if_match(if_match, cs.version)
    if cs.status != "active":
        raise Conflict("a retired civil servant cannot be transferred")
    if cs.institution_id == institution_id:
        raise Conflict("the civil servant already works at this institution")
    await _institution_for_staff(session, institution_id)
    previous = cs.institution_id
    cs.institution_id = institution_id
    cs.version += 1
    cs.updated_at = datetime.now(UTC)
    await session.flush()
    await record_event(
        session,
        service=SERVICE,
        event_type="civil_servant.transferred",
        data=civil_servant_snapshot(cs, previous_institution_id=previous),
        key=cs.nip,
        topic_prefix=topic_prefix,
    )
    return cs


async def retire_civil_servant(
    session: AsyncSession, *, principal: Principal, nip: str, if_match: str | None = None, topic_prefix: str = ""
) -> CivilServant:
    """Retire an active ASN; 409 when already retired."""
    cs = await get_civil_servant(session, principal=principal, nip=nip, for_update=True)
    if if_match is not None:
        check_if_match(if_match, cs.version)
    if cs.status != "active":
        raise Conflict("the civil servant is already retired")
    cs.status = "retired"
    cs.version += 1
    cs.updated_at = datetime.now(UTC)
    await session.flush()
    await record_event(
        session,
        service=SERVICE,
        event_type="civil_servant.retired",
        data=civil_servant_snapshot(cs),
        key=cs.nip,
        topic_prefix=topic_prefix,
    )
    return cs
