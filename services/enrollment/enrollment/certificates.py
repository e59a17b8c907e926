"""Certificates (SPEC §5b): issued with a passed completion, read by those who may see it, revoked, verified by code.

Numbers are gap-free per provider and year: the counter row of (provider, year) is taken with an upsert in the
completion's own unit of work and held until it commits, so concurrent completions number one after another and a
rolled-back one gives its number back (a Postgres sequence would not).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Select, bindparam, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from enrollment import certificate_settings, messages, programs, replica
from enrollment.certificate_schemas import CertificateOut, VerificationOut
from enrollment.domain import certificates as rules
from enrollment.domain.development import WIB
from enrollment.models import Certificate, CertificateCounter, CivilServant, Cohort, Enrollment, Institution, Program
from sinergi_shared.auth import Principal
from sinergi_shared.db import columns_of
from sinergi_shared.http import check_if_match
from sinergi_shared.language import long_date
from sinergi_shared.outbox import Event, record
from sinergi_shared.payloads import CertificateIssued, CertificateRevoked, Payload
from sinergi_shared.problems import Conflict, Forbidden, NotFound

_counter = CertificateCounter.__table__
# The provider's next sequence of the year; the row stays locked until the unit of work ends.
_NEXT_SEQ = (
    insert(CertificateCounter)
    .values(provider_id=bindparam("provider_id"), year=bindparam("year"), last_seq=1)
    .on_conflict_do_update(index_elements=["provider_id", "year"], set_={"last_seq": _counter.c.last_seq + 1})
    .returning(_counter.c.last_seq)
)


async def issue(session: AsyncSession, e: Enrollment, program: Program) -> Certificate:
    """The one certificate of a passed completion, numbered by the provider's pattern; emits certificate.issued."""
    cohort = await session.get(Cohort, e.cohort_id)
    assert cohort is not None
    provider = await replica.institution(session, program.provider_id)
    holder = await replica.civil_servant(session, e.nip)
    configured = await certificate_settings.stored(session, program.provider_id)
    pattern = rules.DEFAULT_PATTERN if configured is None else configured.number_pattern
    year = cohort.ends_on.year
    # Taken last, so the counter's lock is held for as little as the rest of the unit of work.
    seq = int(await session.scalar(_NEXT_SEQ, {"provider_id": program.provider_id, "year": year}) or 0)
    code = str(program.provider_id) if provider is None else provider.code
    certificate = Certificate(
        id=uuid4(),
        enrollment_id=e.id,
        provider_id=program.provider_id,
        year=year,
        seq=seq,
        number=rules.number(pattern, code=code, year=year, seq=seq),
        code=rules.verification_code(),
        issued_on=datetime.now(WIB).date(),
        # The name as the registry knows it today is the name printed; the replica always holds a nominee.
        holder_name=e.nip if holder is None else holder.name,
        **({} if configured is None else certificate_settings.signer_of(configured)),
        status="valid",
        created_at=datetime.now(UTC),
        version=1,
    )
    session.add(certificate)
    facts = {"attended_jp": e.attended_jp or 0, "starts_on": cohort.starts_on, "ends_on": cohort.ends_on}
    await record(session, _event("certificate.issued", CertificateIssued, certificate, e, **facts))
    return certificate


def _event(event_type: str, payload: type[Payload], certificate: Certificate, e: Enrollment, **facts: Any) -> Event:
    values = {**columns_of(e), **columns_of(certificate), "certificate_id": certificate.id, "enrollment_id": e.id}
    return Event(event_type, payload.model_validate({**values, "program_id": e.program_id, **facts}), e.id)


def _may_see(principal: Principal, e: Enrollment, program: Program) -> bool:
    """The participant's and the nominating institution, the provider and its K/L, and coordinators."""
    reaching = (e.institution_id, e.nominated_by_id, program.provider_id, program.provider_ministry_id)
    return principal.may_reach(*reaching)


_provider, _parent, _employer = aliased(Institution), aliased(Institution), aliased(Institution)
# Everything a certificate prints, in one statement: the enrollment, program, cohort, holder and both institutions.
_PRINTED: Select[Any] = (
    select(Enrollment, Program, Cohort, Certificate, CivilServant.employment, _employer.name, _provider, _parent.name)
    .join(Program, Program.id == Enrollment.program_id)
    .join(Cohort, Cohort.id == Enrollment.cohort_id)
    .outerjoin(Certificate, Certificate.enrollment_id == Enrollment.id)
    .outerjoin(CivilServant, CivilServant.nip == Enrollment.nip)
    .outerjoin(_employer, _employer.id == Enrollment.institution_id)
    .outerjoin(_provider, _provider.id == Program.provider_id)
    .outerjoin(_parent, _parent.id == _provider.parent_id)
)


async def _printed(session: AsyncSession, condition: Any) -> Any:
    """The printed row of the one certificate or enrollment the condition names, fresh from the database."""
    stmt = _PRINTED.where(condition).execution_options(populate_existing=True)
    return (await session.execute(stmt)).first()


async def of_enrollment(
    session: AsyncSession, *, principal: Principal, enrollment_id: UUID, base_url: str
) -> CertificateOut:
    """The certificate of an enrollment the caller may see (404 for one it may not, or without a certificate)."""
    row = await _printed(session, Enrollment.id == enrollment_id)
    if row is None or not _may_see(principal, row[0], row[1]):
        raise NotFound(messages.ENROLLMENT_NOT_FOUND(id=enrollment_id))
    if row[3] is None:
        raise NotFound(messages.CERTIFICATE_NOT_ISSUED(id=enrollment_id))
    return _shaped(row, base_url)


def _shaped(row: Any, base_url: str) -> CertificateOut:
    e, program, cohort, certificate, employment, employer, provider, parent = row
    return CertificateOut.model_validate(
        {
            **columns_of(certificate),
            "verification_url": verification_url(base_url, certificate.code),
            "holder_nip": e.nip,
            "holder_employment": employment,
            "holder_institution_id": e.institution_id,
            "holder_institution_name": employer,
            "program_id": program.id,
            "program_title": program.title,
            "pattern": program.pattern,
            "category": program.category,
            "jp": e.attended_jp or 0,
            "hours_jp": program.hours_jp,
            "starts_on": cohort.starts_on,
            "ends_on": cohort.ends_on,
            "provider_code": None if provider is None else provider.code,
            "provider_name": None if provider is None else provider.name,
            "provider_parent_name": parent,
        }
    )


def verification_url(base_url: str, code: str) -> str:
    """The public page that says whether the certificate holds: what its QR code encodes."""
    return f"{base_url.rstrip('/')}/verify/{code}"


async def revoke(
    session: AsyncSession,
    *,
    principal: Principal,
    certificate_id: UUID,
    reason: str,
    if_match: str | None,
    base_url: str,
) -> CertificateOut:
    """valid → revoked, by the program's provider, its K/L or a coordinator; emits certificate.revoked."""
    # Locked on its own: FOR UPDATE cannot reach the outer-joined side of the printed read.
    locked = select(Certificate.id).where(Certificate.id == certificate_id).with_for_update()
    row = None if await session.scalar(locked) is None else await _printed(session, Certificate.id == certificate_id)
    if row is None or not _may_see(principal, row[0], row[1]):
        raise NotFound(messages.CERTIFICATE_NOT_FOUND(id=certificate_id))
    e, program, certificate = row[0], row[1], row[3]
    if not programs.may_manage(principal, program):
        raise Forbidden(messages.CERTIFICATE_REVOKE_NOT_PROVIDER())
    if if_match is not None:
        check_if_match(if_match, certificate.version)
    if certificate.status == "revoked":
        revoked_on = long_date(certificate.revoked_at.astimezone(WIB).date())
        raise Conflict(messages.CERTIFICATE_ALREADY_REVOKED(number=certificate.number, on=revoked_on))
    certificate.status = "revoked"
    certificate.revoked_at = datetime.now(UTC)
    certificate.revoke_reason = reason
    certificate.revoked_by = principal.client_id
    certificate.version += 1
    facts = {"revoked_at": certificate.revoked_at, "reason": reason}
    await record(session, _event("certificate.revoked", CertificateRevoked, certificate, e, **facts))
    return _shaped(row, base_url)


async def verify(session: AsyncSession, code: str) -> VerificationOut:
    """What the public may know of the certificate with this code: validity, training, provider, a masked name."""
    row = await _printed(session, Certificate.code == code)
    if row is None:
        raise NotFound(messages.CERTIFICATE_CODE_UNKNOWN())
    e, program, cohort, certificate, provider = row[0], row[1], row[2], row[3], row[6]
    holder = rules.masked_name(certificate.holder_name)
    provider_name = None if provider is None else provider.name
    jp = e.attended_jp or 0
    if certificate.revoked_at is None:
        summary = messages.VERIFY_VALID(
            number=certificate.number, provider=provider_name, holder=holder, program=program.title, jp=jp
        )
    else:
        revoked_on = long_date(certificate.revoked_at.astimezone(WIB).date())
        summary = messages.VERIFY_REVOKED(number=certificate.number, on=revoked_on)
    return VerificationOut.model_validate(
        {
            **columns_of(certificate),
            "summary": summary,
            "holder": holder,
            "program_title": program.title,
            "pattern": program.pattern,
            "jp": jp,
            "starts_on": cohort.starts_on,
            "ends_on": cohort.ends_on,
            "provider_name": provider_name,
        }
    )
