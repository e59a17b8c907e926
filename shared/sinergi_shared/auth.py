"""Bearer-token verification against the registry's JWKS, and the caller as a typed dependency."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import httpx
import jwt
from fastapi import Depends, Request

from sinergi_shared import messages
from sinergi_shared.problems import Forbidden, Unauthorized

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

    def has(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def crosses_institutions(self) -> bool:
        """Coordinators and operators may reach any institution's data."""
        return "coordinator" in self.scopes or "admin" in self.scopes

    def may_reach(self, *institution_ids: UUID | None) -> bool:
        """True when the caller owns one of these institutions or may cross institutions."""
        return self.crosses_institutions or self.institution_id in institution_ids


def jwks_from_url(url: str) -> JwksSource:
    """Fetch a JWKS over HTTP(S), or read it from a file:// path."""

    async def fetch() -> dict[str, Any]:
        if url.startswith("file://"):
            text = await asyncio.to_thread(Path(url.removeprefix("file://")).read_text)
            return json.loads(text)  # type: ignore[no-any-return]
        async with httpx.AsyncClient(timeout=5.0) as client:
            response = await client.get(url)
            response.raise_for_status()
            return response.json()  # type: ignore[no-any-return]

    return fetch


class TokenVerifier:
    """Verifies signed JWTs locally, caching the public keys and refreshing on an unknown key id.

    A client sends the same token with every request until it expires, and checking an RSA signature
    costs more than the rest of a small request; so each verified token's principal is remembered,
    keyed by the exact token string, until its exp (a changed byte is a different key, so nothing
    unverified is ever accepted).
    """

    def __init__(
        self,
        source: JwksSource,
        *,
        issuer: str,
        audience: str,
        min_refresh_interval_s: float = 1.0,
        cache_size: int = 4096,
    ) -> None:
        self._source = source
        self._issuer = issuer
        self._audience = audience
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._min_refresh = min_refresh_interval_s
        self._lock = asyncio.Lock()
        self._verified: dict[str, tuple[Principal, float]] = {}
        self._cache_size = cache_size

    async def _key(self, kid: str) -> Any:
        if kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at >= self._min_refresh:
                try:
                    jwks = await self._source()
                except Exception as exc:
                    raise Unauthorized(messages.TOKEN_KEYS_UNAVAILABLE()) from exc
                self._fetched_at = time.monotonic()
                keys = {}
                for jwk in jwks.get("keys", []):
                    if "kid" in jwk:
                        keys[jwk["kid"]] = jwt.PyJWK(jwk).key
                self._keys = keys
        if kid not in self._keys:
            raise Unauthorized(messages.TOKEN_UNKNOWN_KEY())
        return self._keys[kid]

    async def verify(self, token: str) -> Principal:
        """The principal of a valid token; Unauthorized for anything else."""
        cached = self._verified.get(token)
        if cached is not None:
            principal, expires_at = cached
            if time.time() < expires_at:
                return principal
            del self._verified[token]
        principal, expires_at = await self._verify_signed(token)
        if len(self._verified) >= self._cache_size:
            self._evict()
        self._verified[token] = (principal, expires_at)
        return principal

    def _evict(self) -> None:
        """Drop expired entries; if none expired, drop the oldest half (dicts keep insertion order)."""
        now = time.time()
        expired = [t for t, (_, exp) in self._verified.items() if exp <= now]
        for t in expired or list(self._verified)[: self._cache_size // 2]:
            del self._verified[t]

    async def _verify_signed(self, token: str) -> tuple[Principal, float]:
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
            )
            return principal, float(claims["exp"])
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
