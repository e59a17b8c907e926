"""Access tokens: the signing keys, their published halves (JWKS) and the client-credentials grant."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from registry import messages
from registry.config import Settings
from registry.domain.scopes import narrowed_scopes
from registry.models import ApiClient, SigningKey
from sinergi_shared.problems import Problem
from sinergi_shared.production import UnsafeForProduction


class OAuthError(Problem):
    """An RFC 6749 token error, still shaped as problem+json (with `error`, `error_description`)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description, extra={"error": error, "error_description": description})
        self.status, self.title, self.slug = status, messages.OAUTH_TITLES[error], error.replace("_", "-")
        if status == 401:
            self.headers = {"WWW-Authenticate": 'Basic realm="sinergi", error="invalid_client"'}


async def issue(session: AsyncSession, settings: Settings, *, client: ApiClient, scope: str | None) -> dict[str, Any]:
    """A signed JWT for an authenticated client, with all its scopes or the subset it asked for."""
    granted = narrowed_scopes(frozenset(client.scopes), scope)
    if granted is None:
        raise OAuthError(400, "invalid_scope", messages.SCOPES_ALLOWED(scopes=" ".join(sorted(client.scopes))))
    signer = await current_signer(session, settings)
    now = int(time.time())
    scope_text = " ".join(s for s in client.scopes if s in granted)
    claims = {
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "sub": client.client_id,
        "inst": str(client.institution_id),
        "scope": scope_text,
        "iat": now,
        "exp": now + settings.token_ttl_s,
        "jti": uuid.uuid4().hex,
    }
    token = jwt.encode(claims, signer.key, algorithm="RS256", headers={"kid": signer.kid, "typ": "JWT"})
    return {"access_token": token, "token_type": "Bearer", "expires_in": settings.token_ttl_s, "scope": scope_text}


# --- signing keys -------------------------------------------------------------------------


ENCRYPTED_PEM = "-----BEGIN ENCRYPTED PRIVATE KEY-----"


class ConfiguredKey(RuntimeError):
    """The operator configured the signing key: only changing that setting rotates it."""


def signing_key_refusal(settings: Settings) -> str | None:
    """Why production mode refuses the signing key settings: none given, or not encrypted with its passphrase.

    A generated key would sit unencrypted in the database, where any backup or replica carries it.
    """
    if settings.mode != "production":
        return None
    if not settings.signing_key_pem:
        return (
            "REGISTRY_SIGNING_KEY_PEM (or _FILE) is required with SINERGI_MODE=production: a generated key would be "
            "kept unencrypted in the database"
        )
    if ENCRYPTED_PEM not in settings.signing_key_pem or not settings.signing_key_passphrase:
        return (
            "REGISTRY_SIGNING_KEY_PEM must be an encrypted PEM (BEGIN ENCRYPTED PRIVATE KEY) and "
            "REGISTRY_SIGNING_KEY_PASSPHRASE (or _FILE) its passphrase with SINERGI_MODE=production; e.g. openssl "
            "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes-256-cbc -pass file:passphrase.txt"
        )
    return None


def refuse_unprotected_signing_key(settings: Settings) -> None:
    """Raise UnsafeForProduction when production mode refuses the signing key settings."""
    reason = signing_key_refusal(settings)
    if reason is not None:
        raise UnsafeForProduction(reason)


async def ensure_signing_key(session: AsyncSession, settings: Settings) -> str:
    """Make the configured key (or else a stored, generated one) the current signer; returns its kid.

    Call under the bootstrap lock. A configured key replaces whatever signed before; the old keys
    stay published until the tokens they signed expired.
    """
    current = await _current_key_row(session)
    if settings.signing_key_pem:
        kid, jwk = _public_jwk(_load_pem(settings.signing_key_pem, settings.signing_key_passphrase))
        if current is not None and current.kid == kid:
            return kid
        now = await _retire_current(session)
        await session.execute(
            pg_insert(SigningKey)
            .values(kid=kid, private_pem=None, public_jwk=jwk, created_at=now, retired_at=None)
            .on_conflict_do_update(index_elements=["kid"], set_={"retired_at": None})
        )
        return kid
    if current is not None and current.private_pem is not None:
        return current.kid
    # No stored signer (first start, or the configured key was removed): generate one.
    return await rotate_signing_key(session, settings)


async def rotate_signing_key(session: AsyncSession, settings: Settings) -> str:
    """Start signing with a new generated key; the retired one stays in the JWKS until its tokens expired."""
    if settings.signing_key_pem:
        raise ConfiguredKey("the signing key comes from REGISTRY_SIGNING_KEY_PEM; rotate it by changing that setting")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    kid, jwk = _public_jwk(key)
    now = await _retire_current(session)
    session.add(SigningKey(kid=kid, private_pem=pem, public_jwk=jwk, created_at=now, retired_at=None))
    await session.flush()
    return kid


async def published_keys(session: AsyncSession, settings: Settings) -> dict[str, Any]:
    """The JWKS: the current key and every retired key whose tokens may still be unexpired."""
    oldest = datetime.now(UTC) - timedelta(seconds=settings.token_ttl_s + settings.jwks_grace_s)
    rows = await session.scalars(
        select(SigningKey)
        .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > oldest))
        .order_by(SigningKey.created_at.desc())
    )
    return {"keys": [row.public_jwk for row in rows]}


@dataclass
class Signer:
    kid: str
    key: rsa.RSAPrivateKey


# Parsing a PEM costs milliseconds; each process keeps the keys it has loaded, by kid.
_loaded_keys: dict[str, rsa.RSAPrivateKey] = {}


async def current_signer(session: AsyncSession, settings: Settings) -> Signer:
    """The key that signs now; read from the database so a rotation elsewhere is seen at once."""
    row = await _current_key_row(session)
    if row is None:
        raise RuntimeError("no signing key; the startup bootstrap did not run")
    if row.kid not in _loaded_keys:
        if row.private_pem is not None:
            key = _load_pem(row.private_pem)
        elif settings.signing_key_pem is not None:
            key = _load_pem(settings.signing_key_pem, settings.signing_key_passphrase)
        else:
            raise RuntimeError(f"signing key {row.kid} is configured elsewhere and not available here")
        if _public_jwk(key)[0] != row.kid:
            raise RuntimeError(f"REGISTRY_SIGNING_KEY_PEM does not match the current signing key {row.kid}")
        _loaded_keys[row.kid] = key
    return Signer(kid=row.kid, key=_loaded_keys[row.kid])


def _public_jwk(private_key: rsa.RSAPrivateKey) -> tuple[str, dict[str, Any]]:
    """(kid, JWK) of the public half; the kid is the RFC 7638 thumbprint, so every instance derives the same one."""
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    kid = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).decode().rstrip("=")
    return kid, {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


def _load_pem(pem: str, passphrase: str | None = None) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=passphrase.encode() if passphrase else None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("REGISTRY_SIGNING_KEY_PEM must be an RSA private key")
    return key


async def _current_key_row(session: AsyncSession) -> SigningKey | None:
    return (await session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None)))).one_or_none()


async def _retire_current(session: AsyncSession) -> datetime:
    """Retire the signer of until now, before another takes its place; the time of the change."""
    now = datetime.now(UTC)
    await session.execute(update(SigningKey).where(SigningKey.retired_at.is_(None)).values(retired_at=now))
    return now
