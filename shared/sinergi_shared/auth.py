"""Bearer-token verification against the registry's JWKS, and the caller as a typed dependency."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit
from uuid import UUID

import httpx
import jwt
from fastapi import Depends, Request

from sinergi_shared import messages
from sinergi_shared.problems import Forbidden, Unauthorized
from sinergi_shared.settings import ServiceSettings

if TYPE_CHECKING:
    from sinergi_shared.revocations import RevokedClients

log = logging.getLogger(__name__)

ALLOWED_ALGORITHMS = ["RS256", "EdDSA"]
SCOPES = (
    "admin",
    "registry:write",
    "programs:write",
    "enrollments:write",
    "enrollments:complete",
    "funding:write",
    "funding:approve",
    "plans:write",
    "plans:approve",
    "coordinator",
    "read",
)

JwksSource = Callable[[], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Principal:
    """The API client behind a request: its institution and what it may do."""

    client_id: str
    institution_id: UUID
    scopes: frozenset[str]
    issued_at: float = 0.0  # the token's iat: a client revoked after it refuses the token

    def has(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def crosses_institutions(self) -> bool:
        """Coordinators and operators may reach any institution's data."""
        return "coordinator" in self.scopes or "admin" in self.scopes

    def may_reach(self, *institution_ids: UUID | None) -> bool:
        """True when the caller owns one of these institutions or may cross institutions."""
        return self.crosses_institutions or self.institution_id in institution_ids


def jwks_from_url(url: str, ca_file: str | None = None) -> JwksSource:
    """Fetch a JWKS over HTTP(S) (a certificate checked against ca_file, else the system's CAs), or read a file."""

    async def fetch() -> dict[str, Any]:
        if url.startswith("file://"):
            text = await asyncio.to_thread(Path(url.removeprefix("file://")).read_text)
            return json.loads(text)  # type: ignore[no-any-return]
        async with httpx.AsyncClient(timeout=5.0, verify=ca_file or True) as client:
            response = await client.get(url)
            response.raise_for_status()
            return response.json()  # type: ignore[no-any-return]

    return fetch


class InsecureKeySource(RuntimeError):
    """The settings would fetch the signing keys over a channel an attacker could rewrite."""


def token_verifier(settings: ServiceSettings, revoked: RevokedClients | None = None) -> TokenVerifier:
    """The verifier the settings describe; in production the JWKS is fetched over https or not at all."""
    # Whoever can rewrite the JWKS in transit can mint admin tokens; loopback and file:// are refused too, as
    # one rule an operator can check at a glance, and since a file cannot follow the registry's key rotations.
    if settings.mode == "production" and urlsplit(settings.jwks_url).scheme != "https":
        raise InsecureKeySource(f"SINERGI_JWKS_URL must be an https:// URL in production, not {settings.jwks_url!r}")
    return TokenVerifier(
        jwks_from_url(settings.jwks_url, settings.ca_file),
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        refresh_interval_s=settings.jwks_refresh_interval_s,
        min_refresh_interval_s=settings.jwks_unknown_key_interval_s,
        leeway_s=settings.token_leeway_s,
        revoked=revoked,
    )


class TokenVerifier:
    """Verifies signed JWTs locally against the registry's JWKS, which it keeps fresh.

    The JWKS is fetched again every refresh interval, so a key the registry retired stops being trusted, and
    on a token naming an unknown key id (a rotation), at most once per min_refresh_interval so a flood of
    forged key ids cannot hammer the registry. exp, nbf and iat are checked with `leeway_s` for clock skew.

    A client sends the same token with every request until it expires, and checking an RSA signature
    costs more than the rest of a small request; so each verified token's principal is remembered,
    keyed by the exact token string, until its exp (a changed byte is a different key, so nothing
    unverified is ever accepted), or until a refresh drops the key that signed it.
    """

    def __init__(
        self,
        source: JwksSource,
        *,
        issuer: str,
        audience: str,
        refresh_interval_s: float = 300.0,
        min_refresh_interval_s: float = 30.0,
        leeway_s: float = 30.0,
        cache_size: int = 4096,
        revoked: RevokedClients | None = None,
    ) -> None:
        self._source = source
        self._revoked = revoked
        self._issuer = issuer
        self._audience = audience
        self._refresh_interval = refresh_interval_s
        self._min_refresh = min_refresh_interval_s
        self._leeway = leeway_s
        self._jwks: dict[str, dict[str, Any]] = {}  # kid -> the JWK as published, to tell a replaced key
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None
        self._chased_at: float | None = None  # the last fetch an unknown key id caused
        self._lock = asyncio.Lock()
        self._verified: dict[str, tuple[Principal, float, str]] = {}  # token -> principal, trusted until, kid
        self._cache_size = cache_size

    def _stale(self, now: float) -> bool:
        return self._fetched_at is None or now - self._fetched_at >= self._refresh_interval

    def _may_chase(self, now: float) -> bool:
        return self._chased_at is None or now - self._chased_at >= self._min_refresh

    async def _refresh(self, *, unknown_kid: str | None = None) -> None:
        """Fetch the JWKS if it is still due once the lock is held (another request may have fetched it)."""
        async with self._lock:
            now = time.monotonic()
            if unknown_kid is None and not self._stale(now):
                return
            if unknown_kid is not None:
                if unknown_kid in self._keys or not self._may_chase(now):
                    return
                self._chased_at = now
            self._fetched_at = now  # a failed fetch waits its turn too: an unreachable registry is not hammered
            try:
                published = await self._source()
                fresh = {jwk["kid"]: jwk for jwk in published.get("keys", []) if "kid" in jwk}
                keys = {kid: jwt.PyJWK(jwk).key for kid, jwk in fresh.items()}
            except Exception as exc:
                if not self._keys:
                    raise Unauthorized(messages.TOKEN_KEYS_UNAVAILABLE()) from exc
                log.warning("JWKS refresh failed; the keys fetched before stay in use", exc_info=True)
                return
            dropped = {kid for kid, jwk in self._jwks.items() if fresh.get(kid) != jwk}
            self._jwks, self._keys = fresh, keys
            if dropped:
                self._verified = {t: entry for t, entry in self._verified.items() if entry[2] not in dropped}

    async def _key(self, kid: str) -> Any:
        if kid not in self._keys:
            await self._refresh(unknown_kid=kid)
        if kid not in self._keys:
            raise Unauthorized(messages.TOKEN_UNKNOWN_KEY())
        return self._keys[kid]

    async def verify(self, token: str) -> Principal:
        """The principal of a valid token; Unauthorized for anything else."""
        if self._stale(time.monotonic()):
            await self._refresh()
        cached = self._verified.get(token)
        if cached is not None:
            principal, trusted_until, _ = cached
            if time.time() < trusted_until:
                return await self._unrevoked(principal)
            del self._verified[token]
        principal, trusted_until, kid = await self._verify_signed(token)
        if len(self._verified) >= self._cache_size:
            self._evict()
        self._verified[token] = (principal, trusted_until, kid)
        return await self._unrevoked(principal)

    async def _unrevoked(self, principal: Principal) -> Principal:
        """The principal, unless its client was revoked after the token was issued (checked on every use)."""
        if self._revoked is not None and await self._revoked.revoked(principal.client_id, principal.issued_at):
            raise Unauthorized(messages.TOKEN_CLIENT_REVOKED())
        return principal

    def _evict(self) -> None:
        """Drop expired entries; if none expired, drop the oldest half (dicts keep insertion order)."""
        now = time.time()
        expired = [t for t, (_, until, _) in self._verified.items() if until <= now]
        for t in expired or list(self._verified)[: self._cache_size // 2]:
            del self._verified[t]

    async def _verify_signed(self, token: str) -> tuple[Principal, float, str]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized(messages.TOKEN_MALFORMED()) from exc
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise Unauthorized(messages.TOKEN_ALGORITHM())
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise Unauthorized(messages.TOKEN_NO_KEY_ID())
        key = await self._key(kid)
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=ALLOWED_ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized(messages.TOKEN_EXPIRED()) from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized(messages.TOKEN_INVALID(reason=exc)) from exc
        try:
            principal = Principal(
                client_id=str(claims["sub"]),
                institution_id=UUID(str(claims["inst"])),
                scopes=frozenset(str(claims.get("scope", "")).split()),
                issued_at=float(claims["iat"]),
            )
            return principal, float(claims["exp"]) + self._leeway, kid
        except (KeyError, ValueError, TypeError) as exc:
            raise Unauthorized(messages.TOKEN_NO_INSTITUTION()) from exc


def bearer_token(header: str) -> str:
    """The token of an `Authorization: Bearer <token>` header; Unauthorized for anything else."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(messages.BEARER_REQUIRED())
    return token.strip()


async def authenticated(request: Request) -> Principal:
    """The caller of this request: verified before routing when the app checks tokens first, else here."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        verifier: TokenVerifier = request.app.state.verifier
        principal = await verifier.verify(bearer_token(request.headers.get("authorization", "")))
        request.state.principal = principal
    return principal


Caller = Annotated[Principal, Depends(authenticated)]


def require_scope(*scopes: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency admitting callers that hold at least one of the scopes."""

    async def check(principal: Caller) -> Principal:
        if not any(principal.has(s) for s in scopes):
            raise Forbidden(messages.SCOPE_REQUIRED(scopes=", ".join(scopes)))
        return principal

    return check
