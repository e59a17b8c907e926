"""API clients, secret hashing, signing keys, token issuance and the operator bootstrap."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from registry.config import Settings
from registry.domain import narrowed_scopes, unknown_scopes
from registry.models import ApiClient, Institution, SigningKey
from registry.service import ensure_institution
from sinergi_shared.auth import Principal
from sinergi_shared.db import idempotency_keys
from sinergi_shared.problems import Conflict, Problem, invalid

# Serializes bootstrap and seeding across instances started at the same moment.
BOOTSTRAP_LOCK = 0x5E61_0001
BOOTSTRAP_PARENT = {"code": "KEMENDAGRI", "name": "Kementerian Dalam Negeri", "kind": "ministry"}
BOOTSTRAP_INSTITUTION = {
    "code": "BPSDM-KEMENDAGRI",
    "name": "Badan Pengembangan Sumber Daya Manusia Kementerian Dalam Negeri",
    "kind": "training_unit",
}

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


# --- OAuth2 errors ------------------------------------------------------------------------


class OAuthError(Problem):
    """An RFC 6749 token error, still shaped as problem+json (with `error`, `error_description`)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description, extra={"error": error, "error_description": description})
        self.status, self.title, self.slug = status, error.replace("_", " ").capitalize(), error.replace("_", "-")
        if status == 401:
            self.headers = {"WWW-Authenticate": 'Basic realm="sinergi", error="invalid_client"'}


# --- signing keys -------------------------------------------------------------------------


def _public_jwk(private_key: rsa.RSAPrivateKey) -> tuple[str, dict[str, Any]]:
    """(kid, JWK) of the public half; the kid is the RFC 7638 thumbprint, so every instance derives the same one."""
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    kid = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).decode().rstrip("=")
    return kid, {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


def _load_pem(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("REGISTRY_SIGNING_KEY_PEM must be an RSA private key")
    return key


def _new_private_key() -> tuple[rsa.RSAPrivateKey, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key, pem


async def _current_key_row(session: AsyncSession) -> SigningKey | None:
    return (await session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None)))).one_or_none()


async def _retire_current(session: AsyncSession, now: datetime) -> None:
    await session.execute(update(SigningKey).where(SigningKey.retired_at.is_(None)).values(retired_at=now))


async def ensure_signing_key(session: AsyncSession, settings: Settings) -> str:
    """Make the configured key (or else a stored, generated one) the current signer; returns its kid.

    Call under the bootstrap lock. A configured key replaces whatever signed before; the old keys
    stay published until the tokens they signed expired.
    """
    now = datetime.now(UTC)
    current = await _current_key_row(session)
    if settings.signing_key_pem:
        kid, jwk = _public_jwk(_load_pem(settings.signing_key_pem))
        if current is not None and current.kid == kid:
            return kid
        await _retire_current(session, now)
        await session.flush()
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
        raise RuntimeError("the signing key comes from REGISTRY_SIGNING_KEY_PEM; rotate it by changing that setting")
    now = datetime.now(UTC)
    key, pem = _new_private_key()
    kid, jwk = _public_jwk(key)
    await _retire_current(session, now)
    await session.flush()
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
class _Signer:
    kid: str
    key: rsa.RSAPrivateKey


_loaded_keys: dict[str, rsa.RSAPrivateKey] = {}


async def current_signer(session: AsyncSession, settings: Settings) -> _Signer:
    """The key that signs now; read from the database so a rotation elsewhere is seen at once."""
    row = await _current_key_row(session)
    if row is None:
        raise RuntimeError("no signing key; the startup bootstrap did not run")
    if row.kid not in _loaded_keys:
        pem = row.private_pem or settings.signing_key_pem
        if pem is None:
            raise RuntimeError(f"signing key {row.kid} is configured elsewhere and not available here")
        key = _load_pem(pem)
        if _public_jwk(key)[0] != row.kid:
            raise RuntimeError(f"REGISTRY_SIGNING_KEY_PEM does not match the current signing key {row.kid}")
        _loaded_keys[row.kid] = key
    return _Signer(kid=row.kid, key=_loaded_keys[row.kid])


# --- clients and tokens -------------------------------------------------------------------


async def _validate_client_body(session: AsyncSession, institution_id: uuid.UUID, scopes: list[str]) -> None:
    unknown = unknown_scopes(scopes)
    if unknown:
        raise invalid("scopes", f"unknown scopes: {', '.join(unknown)}")
    inst = await session.get(Institution, institution_id)
    if inst is None:
        raise invalid("institution_id", "no institution has this id")
    if inst.status != "active":
        raise invalid("institution_id", "the institution is deactivated")


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
        claimed = await session.execute(
            pg_insert(idempotency_keys)
            .values(client_id=principal.client_id, key=idempotency_key, fingerprint=request_fingerprint)
            .on_conflict_do_nothing()
            .returning(idempotency_keys.c.key)
        )
        if claimed.first() is None:
            stored = (
                await session.execute(
                    select(idempotency_keys).where(
                        idempotency_keys.c.client_id == principal.client_id,
                        idempotency_keys.c.key == idempotency_key,
                    )
                )
            ).one()
            if stored.fingerprint != request_fingerprint:
                raise Conflict("this Idempotency-Key was already used with a different request")
            secret = secrets.token_urlsafe(32)
            digest = await asyncio.to_thread(hash_secret, secret)
            await session.execute(
                update(ApiClient).where(ApiClient.client_id == stored.body["client_id"]).values(secret_hash=digest)
            )
            return {**stored.body, "client_secret": secret}
    unique_scopes = list(dict.fromkeys(scopes))
    await _validate_client_body(session, institution_id, unique_scopes)
    client_id = f"sinergi-{secrets.token_hex(8)}"
    secret = secrets.token_urlsafe(32)
    digest = await asyncio.to_thread(hash_secret, secret)
    session.add(
        ApiClient(
            client_id=client_id,
            name=name,
            institution_id=institution_id,
            scopes=unique_scopes,
            secret_hash=digest,
            active=True,
        )
    )
    await session.flush()
    body = {"client_id": client_id, "name": name, "institution_id": str(institution_id), "scopes": unique_scopes}
    if idempotency_key is not None:
        await session.execute(
            update(idempotency_keys)
            .where(idempotency_keys.c.client_id == principal.client_id, idempotency_keys.c.key == idempotency_key)
            .values(status_code=201, body=body, headers={})
        )
    return {**body, "client_secret": secret}


async def issue_token(
    session: AsyncSession,
    settings: Settings,
    *,
    client_id: str,
    client_secret: str,
    scope: str | None,
) -> dict[str, Any]:
    """Client-credentials grant: a signed JWT for a client whose secret matches."""
    client = await session.get(ApiClient, client_id)
    ok = await asyncio.to_thread(verify_secret, client_secret, client.secret_hash if client else _DUMMY_HASH)
    if client is None or not ok or not client.active:
        raise OAuthError(401, "invalid_client", "unknown client or wrong secret")
    institution = await session.get(Institution, client.institution_id)
    if institution is None or institution.status != "active":
        # A deactivated institution's systems must not act for it any more.
        raise OAuthError(401, "invalid_client", "the client's institution is deactivated")
    granted = narrowed_scopes(frozenset(client.scopes), scope)
    if granted is None:
        raise OAuthError(400, "invalid_scope", f"this client may only ask for: {' '.join(sorted(client.scopes))}")
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


# --- bootstrap ----------------------------------------------------------------------------


async def bootstrap(session: AsyncSession, settings: Settings) -> None:
    """Ensure the signing key and the operator's client exist; safe when several instances start at once."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": BOOTSTRAP_LOCK})
    await ensure_signing_key(session, settings)
    if not (settings.bootstrap_client_id and settings.bootstrap_client_secret):
        return
    parent, _ = await ensure_institution(session, topic_prefix=settings.topic_prefix, **BOOTSTRAP_PARENT)
    home, _ = await ensure_institution(
        session, topic_prefix=settings.topic_prefix, parent_id=parent.id, **BOOTSTRAP_INSTITUTION
    )
    scopes = list(dict.fromkeys(settings.bootstrap_scopes.split()))
    unknown = unknown_scopes(scopes)
    if unknown:
        raise ValueError(f"REGISTRY_BOOTSTRAP_SCOPES has unknown scopes: {', '.join(unknown)}")
    client = await session.get(ApiClient, settings.bootstrap_client_id)
    if client is None:
        digest = await asyncio.to_thread(hash_secret, settings.bootstrap_client_secret)
        session.add(
            ApiClient(
                client_id=settings.bootstrap_client_id,
                name="Operator bootstrap client",
                institution_id=home.id,
                scopes=scopes,
                secret_hash=digest,
                active=True,
            )
        )
        return
    # The configuration is the truth for this client: follow a changed secret or scopes.
    if not await asyncio.to_thread(verify_secret, settings.bootstrap_client_secret, client.secret_hash):
        client.secret_hash = await asyncio.to_thread(hash_secret, settings.bootstrap_client_secret)
    if client.scopes != scopes:
        client.scopes = scopes
    client.active = True
