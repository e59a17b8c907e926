"""API clients: their secrets (kept only as hashes), registration, rotation, revocation, authentication and the
operator's bootstrap."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry import institutions, messages, rows
from registry.config import Settings
from registry.domain.scopes import unknown_scopes
from registry.domain.secrets import weakness
from registry.events import client_revoked
from registry.models import ApiClient, Institution
from registry.schemas import ClientFilters, InstitutionCreate
from registry.tokens import OAuthError, ensure_signing_key, refuse_unprotected_signing_key, signing_key_refusal
from sinergi_shared.auth import Principal
from sinergi_shared.http import claim_key, filtered, remember
from sinergi_shared.outbox import record
from sinergi_shared.problems import Conflict, NotFound, invalid
from sinergi_shared.production import UnsafeForProduction

# Serializes bootstrap, seeding and key rotation across processes started at the same moment.
BOOTSTRAP_LOCK = 0x5E61_0001
BOOTSTRAP_PARENT = InstitutionCreate(code="KEMENDAGRI", name="Kementerian Dalam Negeri", kind="ministry")
BOOTSTRAP_INSTITUTION = InstitutionCreate(
    code="BPSDM-KEMENDAGRI",
    name="Badan Pengembangan Sumber Daya Manusia Kementerian Dalam Negeri",
    kind="training_unit",
)


async def hold_bootstrap_lock(session: AsyncSession) -> None:
    """Wait for the bootstrap lock, held until the unit of work ends."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": BOOTSTRAP_LOCK})


# --- secrets -------------------------------------------------------------------------------

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_secret(secret: str) -> str:
    """scrypt$n$r$p$salt$hash, all base64; slow on purpose."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${b64(salt).decode()}${b64(digest).decode()}"


def verify_secret(secret: str, stored: str) -> bool:
    """True when the secret matches the stored hash, compared in constant time."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(secret.encode(), salt=base64.b64decode(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, base64.b64decode(digest))


# A hash to check unknown client ids against, so timing does not reveal which ids exist.
_DUMMY_HASH = hash_secret(secrets.token_urlsafe(16))


async def _hashed(secret: str) -> str:
    """The secret's hash, computed off the event loop (scrypt takes tens of milliseconds)."""
    return await asyncio.to_thread(hash_secret, secret)


# --- clients ------------------------------------------------------------------------------


async def authenticate(session: AsyncSession, *, client_id: str, client_secret: str) -> ApiClient:
    """The active client of an active institution whose secret matches; 401 invalid_client otherwise."""
    client = await session.get(ApiClient, client_id)
    ok = await asyncio.to_thread(verify_secret, client_secret, client.secret_hash if client else _DUMMY_HASH)
    if client is None or not ok or not client.active:
        raise OAuthError(401, "invalid_client", messages.CLIENT_UNKNOWN())
    institution = await session.get(Institution, client.institution_id)
    if institution is None or institution.status != "active":
        # A deactivated institution's systems must not act for it any more.
        raise OAuthError(401, "invalid_client", messages.CLIENT_INSTITUTION_INACTIVE())
    return client


async def create_client(
    session: AsyncSession,
    *,
    principal: Principal,
    institution_id: uuid.UUID,
    scopes: list[str],
    name: str,
    idempotency_key: str | None = None,
    request_fingerprint: str = "",
) -> dict[str, Any]:
    """A new client with a fresh secret shown once.

    With an Idempotency-Key, a retry of the same request returns the same client with a NEW secret
    (the old one is replaced): the first secret is never stored in clear, so it cannot be replayed.
    """
    if idempotency_key is not None:
        replayed = await _claim(session, principal.client_id, idempotency_key, request_fingerprint)
        if replayed is not None:
            return replayed
    unique_scopes = list(dict.fromkeys(scopes))
    unknown = unknown_scopes(unique_scopes)
    if unknown:
        raise invalid("scopes", messages.SCOPES_UNKNOWN(scopes=", ".join(unknown)))
    await institutions.get_active(session, institution_id)
    client_id = f"sinergi-{secrets.token_hex(8)}"
    secret = secrets.token_urlsafe(32)
    session.add(
        ApiClient(
            client_id=client_id,
            name=name,
            institution_id=institution_id,
            scopes=unique_scopes,
            secret_hash=await _hashed(secret),
            active=True,
        )
    )
    await session.flush()
    body = {"client_id": client_id, "name": name, "institution_id": str(institution_id), "scopes": unique_scopes}
    if idempotency_key is not None:
        await remember(session, principal.client_id, idempotency_key, status_code=201, body=body, headers={})
    return {**body, "client_secret": secret}


async def _claim(session: AsyncSession, caller: str, key: str, request_fingerprint: str) -> dict[str, Any] | None:
    """None when this Idempotency-Key is new (now claimed); else the client it created, with a new secret."""
    stored = await claim_key(session, caller, key, request_fingerprint)
    if stored is None:
        return None
    secret = secrets.token_urlsafe(32)
    await session.execute(
        update(ApiClient)
        .where(ApiClient.client_id == stored.body["client_id"])
        .values(secret_hash=await _hashed(secret))
    )
    return {**stored.body, "client_secret": secret}


async def list_clients(session: AsyncSession, *, filters: ClientFilters) -> dict[str, Any]:
    """A page of the clients, in client id order, narrowed to an institution or a status when asked."""
    active = None if filters.status is None else filters.status == "active"
    stmt = filtered(select(ApiClient), (ApiClient.institution_id, filters.institution_id), (ApiClient.active, active))
    return await rows.key_page(session, stmt, ApiClient.client_id, filters)


async def rotate_secret(session: AsyncSession, *, client_id: str) -> dict[str, Any]:
    """A new secret for the client, shown once; the old one gets no token from now on.

    Tokens issued before stay valid until they expire: a rotation is not a revocation.
    """
    client = await _locked(session, client_id)
    if client.revoked_at is not None:
        raise Conflict(messages.CLIENT_REVOKED_NOT_ROTATED(client_id=client_id))
    secret = secrets.token_urlsafe(32)
    client.secret_hash = await _hashed(secret)
    client.secret_rotated_at = datetime.now(UTC)
    await session.flush()
    return {
        "client_id": client.client_id,
        "name": client.name,
        "institution_id": str(client.institution_id),
        "scopes": client.scopes,
        "client_secret": secret,
    }


async def revoke(session: AsyncSession, *, client_id: str) -> ApiClient:
    """Deactivate the client for good: no more tokens, and every service refuses those it holds (client.revoked)."""
    client = await _locked(session, client_id)
    if client.revoked_at is not None:
        raise Conflict(messages.CLIENT_ALREADY_REVOKED(client_id=client_id))
    client.active = False
    client.revoked_at = datetime.now(UTC)
    await session.flush()
    await record(session, client_revoked(client))
    return client


async def revoked_clients(session: AsyncSession) -> dict[str, float]:
    """{client_id: revoked_at in epoch seconds} of every revoked client: what the registry's verifier refuses."""
    found = await session.execute(
        select(ApiClient.client_id, ApiClient.revoked_at).where(ApiClient.revoked_at.is_not(None))
    )
    return {client_id: revoked_at.timestamp() for client_id, revoked_at in found}


async def _locked(session: AsyncSession, client_id: str) -> ApiClient:
    """The client, locked for this unit of work; 404 when there is none."""
    client = await session.scalar(select(ApiClient).where(ApiClient.client_id == client_id).with_for_update())
    if client is None:
        raise NotFound(messages.CLIENT_NOT_FOUND(client_id=client_id))
    return client


# --- the operator's bootstrap -------------------------------------------------------------


class WeakBootstrapSecret(UnsafeForProduction):
    """Production refuses to start with a bootstrap secret anyone could know or guess."""


def bootstrap_secret_refusal(settings: Settings) -> str | None:
    """Why production mode refuses the bootstrap secret: a default, short or repetitive one."""
    if settings.mode != "production" or not settings.bootstrap_client_secret:
        return None
    reason = weakness(settings.bootstrap_client_secret)
    if reason is None:
        return None
    return (
        f"REGISTRY_BOOTSTRAP_CLIENT_SECRET is refused with SINERGI_MODE=production: {reason}. Set a random "
        "secret of at least 32 characters, e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    )


def refuse_weak_bootstrap_secret(settings: Settings) -> None:
    """In production mode, raise WeakBootstrapSecret for a default, short or repetitive bootstrap secret."""
    reason = bootstrap_secret_refusal(settings)
    if reason is not None:
        raise WeakBootstrapSecret(reason)


def production_refusals(settings: Settings) -> list[str]:
    """The registry's own reasons to refuse production mode, listed by the runner with everyone's."""
    return [r for r in (bootstrap_secret_refusal(settings), signing_key_refusal(settings)) if r is not None]


async def bootstrap(session: AsyncSession, settings: Settings) -> None:
    """Ensure the signing key and the operator's client exist; safe when several instances start at once.

    The configured secret only creates the client: once it exists, a restart keeps its secret (an operator
    rotates it with POST /clients/{id}/rotate or `sinergi clients rotate`) and never re-activates it.
    """
    refuse_weak_bootstrap_secret(settings)
    refuse_unprotected_signing_key(settings)
    await hold_bootstrap_lock(session)
    await ensure_signing_key(session, settings)
    if not (settings.bootstrap_client_id and settings.bootstrap_client_secret):
        return
    parent, _ = await institutions.ensure(session, BOOTSTRAP_PARENT)
    home, _ = await institutions.ensure(session, BOOTSTRAP_INSTITUTION.model_copy(update={"parent_id": parent.id}))
    scopes = list(dict.fromkeys(settings.bootstrap_scopes.split()))
    unknown = unknown_scopes(scopes)
    if unknown:
        raise ValueError(f"REGISTRY_BOOTSTRAP_SCOPES has unknown scopes: {', '.join(unknown)}")
    client = await session.get(ApiClient, settings.bootstrap_client_id)
    if client is None:
        session.add(
            ApiClient(
                client_id=settings.bootstrap_client_id,
                name="Operator bootstrap client",
                institution_id=home.id,
                scopes=scopes,
                secret_hash=await _hashed(settings.bootstrap_client_secret),
                active=True,
            )
        )
        return
    if client.scopes != scopes:
        client.scopes = scopes
