"""Attempts at the token endpoint, limited before any secret is checked: a burst of guesses costs no scrypt.

Each limited key (an address, a client id from one address, a client id from every address) keeps one row in
Postgres, so a limit holds across API workers and registry instances. The rule is a token bucket kept as one time
(the generic cell rate algorithm): an attempt moves its key's `busy_until` on by window/limit, and is refused when
that would put it more than a window ahead of now. A refused attempt changes nothing; one that ends in a token gives
its share back, so only failures use the allowance up.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from registry import messages
from registry.config import Settings
from registry.tokens import OAuthError

# Take one share of a key, unless that would put it more than a window ahead; no row returned means refused.
_TAKE = text(
    """
    INSERT INTO token_attempts AS a (key, busy_until)
    VALUES (:key, statement_timestamp() + CAST(:spacing AS interval))
    ON CONFLICT (key) DO UPDATE
    SET busy_until = greatest(a.busy_until, statement_timestamp()) + CAST(:spacing AS interval)
    WHERE greatest(a.busy_until, statement_timestamp()) + CAST(:spacing AS interval)
        <= statement_timestamp() + CAST(:window AS interval)
    RETURNING busy_until
    """
)
_BUSY_FOR = text("SELECT extract(epoch FROM busy_until - statement_timestamp()) FROM token_attempts WHERE key = :key")
_GIVE_BACK = text("UPDATE token_attempts SET busy_until = busy_until - CAST(:spacing AS interval) WHERE key = :key")
# A key whose time has passed is the same as no row. Rows being written are skipped, so this never waits on them.
_PRUNE = text(
    """
    DELETE FROM token_attempts WHERE key IN (
        SELECT key FROM token_attempts WHERE busy_until < statement_timestamp() FOR UPDATE SKIP LOCKED
    )
    """
)
PRUNE_EVERY = 256  # attempts, on average


@dataclass(frozen=True, slots=True)
class Limit:
    """One key an attempt counts against, and how many attempts its window allows."""

    key: str
    per_window: int


def limits_for(settings: Settings, *, client_id: str, host: str | None) -> list[Limit]:
    """The limits an attempt for this client id from this host counts against, always in this order."""
    address, client = address_of(host), _bounded(client_id)
    limits = [
        Limit(f"address {address}", settings.token_rate_per_address),
        Limit(f"client {client} from {address}", settings.token_rate_per_client),
        Limit(f"client {client}", settings.token_rate_per_client_total),
    ]
    return [limit for limit in limits if limit.per_window > 0]


def address_of(host: str | None) -> str:
    """The address an attempt counts against: an IPv6 /64 as one (what one subscriber is given), else the host."""
    try:
        ip = ipaddress.ip_address(host or "")
    except ValueError:
        return _bounded(host or "unknown")
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _bounded(value: str) -> str:
    """The value itself when short, else its hash: a key must fit an index row whatever a client sends."""
    return value if len(value) <= 64 else "sha256:" + hashlib.sha256(value.encode()).hexdigest()


async def admit(engine: AsyncEngine, settings: Settings, limits: list[Limit]) -> None:
    """Count an attempt against every limit, or against none and answer 429 when one has no share left.

    Its own short transaction, committed before the secret is checked, so that a failed attempt stays counted.
    """
    window = timedelta(seconds=settings.token_rate_window_s)
    async with engine.begin() as conn:
        for limit in limits:
            spacing = window / limit.per_window
            params = {"key": limit.key, "spacing": spacing, "window": window}
            if await conn.scalar(_TAKE, params) is None:
                raise await _refusal(conn, limit.key, spacing, window)
    if random.randrange(PRUNE_EVERY) == 0:
        async with engine.begin() as conn:
            await conn.execute(_PRUNE)


async def _refusal(conn: AsyncConnection, key: str, spacing: timedelta, window: timedelta) -> OAuthError:
    """429 with the whole seconds until the key takes one more attempt."""
    busy_for = float(await conn.scalar(_BUSY_FOR, {"key": key}) or 0)
    seconds = max(1, math.ceil(busy_for + (spacing - window).total_seconds()))
    refused = OAuthError(429, "temporarily_unavailable", messages.TOKEN_ATTEMPTS_LIMITED(seconds=seconds))
    refused.headers = {"Retry-After": str(seconds)}
    return refused


async def give_back(session: AsyncSession, settings: Settings, limits: list[Limit]) -> None:
    """An attempt whose secret was right returns its share, in the request's unit of work (so only if a token is)."""
    window = timedelta(seconds=settings.token_rate_window_s)
    for limit in limits:
        await session.execute(_GIVE_BACK, {"key": limit.key, "spacing": window / limit.per_window})
