"""A provider's certificate settings: the number pattern and the signer its next certificates carry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import messages, replica
from enrollment.certificate_schemas import CertificateSettingsIn, CertificateSettingsOut
from enrollment.domain import certificates as rules
from enrollment.domain import development
from enrollment.models import CertificateSettings, Institution
from sinergi_shared.auth import Principal
from sinergi_shared.http import check_if_match
from sinergi_shared.problems import Forbidden, NotFound, invalid

SIGNER_FIELDS = ("signer_name", "signer_post", "signer_nip", "signing_place")


async def stored(session: AsyncSession, provider_id: UUID, *, lock: bool = False) -> CertificateSettings | None:
    """The provider's settings, None while it has set none; `lock` serializes writers, the first one included."""
    if lock:
        key = func.hashtext("certificate-settings:" + str(provider_id))
        await session.execute(select(func.pg_advisory_xact_lock(key)))
    return await session.get(CertificateSettings, provider_id, with_for_update=lock)


def signer_of(settings: CertificateSettings) -> dict[str, Any]:
    """The signer a certificate copies from the settings in force when it is issued."""
    return {name: getattr(settings, name) for name in SIGNER_FIELDS}


async def _provider(session: AsyncSession, principal: Principal, provider_id: UUID) -> Institution:
    """The provider, if the caller is it, its K/L or Pemda, or a coordinator (404 unknown, 403 another's)."""
    provider = await replica.institution(session, provider_id)
    if provider is None:
        raise NotFound(messages.CERTIFICATE_PROVIDER_NOT_FOUND(id=provider_id))
    owner = development.provider_ministry(provider_id=provider.id, kind=provider.kind, parent_id=provider.parent_id)
    if not principal.may_reach(provider.id, owner):  # type: ignore[arg-type]
        raise Forbidden(messages.CERTIFICATE_SETTINGS_NOT_YOURS())
    if provider.kind not in development.PROVIDER_KINDS:
        raise invalid("provider_id", messages.PROVIDER_KIND())
    return provider


async def get(session: AsyncSession, *, principal: Principal, provider_id: UUID) -> CertificateSettingsOut:
    """The settings in force: what was set, or the default pattern and no signer (version 0)."""
    provider = await _provider(session, principal, provider_id)
    return _shaped(provider, await stored(session, provider_id))


async def configure(
    session: AsyncSession,
    *,
    principal: Principal,
    provider_id: UUID,
    body: CertificateSettingsIn,
    if_match: str | None,
) -> CertificateSettingsOut:
    """Set the pattern and signer of the provider's next certificates (If-Match optional; issued ones keep theirs)."""
    provider = await _provider(session, principal, provider_id)
    settings = await stored(session, provider_id, lock=True)
    if if_match is not None:
        check_if_match(if_match, 0 if settings is None else settings.version)
    if settings is None:
        settings = CertificateSettings(provider_id=provider_id, version=0)
        session.add(settings)
    for name, value in body.model_dump().items():
        setattr(settings, name, value)
    settings.updated_at = datetime.now(UTC)
    settings.version += 1
    return _shaped(provider, settings)


def _shaped(provider: Institution, settings: CertificateSettings | None) -> CertificateSettingsOut:
    pattern = rules.DEFAULT_PATTERN if settings is None else settings.number_pattern
    year = development.current_fiscal_year(datetime.now(UTC))
    values: dict[str, Any] = dict.fromkeys(SIGNER_FIELDS) if settings is None else signer_of(settings)
    return CertificateSettingsOut(
        provider_id=provider.id,
        configured=settings is not None,
        number_pattern=pattern,
        example_number=rules.number(pattern, code=provider.code, year=year, seq=1),
        updated_at=None if settings is None else settings.updated_at,
        version=0 if settings is None else settings.version,
        **values,
    )
