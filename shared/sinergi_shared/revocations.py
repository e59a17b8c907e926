"""Revoked API clients: the table a verifying service keeps from client.revoked, and the set tokens meet."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import Column, DateTime, MetaData, Table, Text, select
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sinergi_shared.payloads import ClientRevoked

log = logging.getLogger(__name__)

revocations = MetaData()

# One row per revoked client, from the registry's client.revoked events.
revoked_clients = Table(
    "revoked_clients",
    revocations,
    Column("client_id", Text, primary_key=True),
    Column("institution_id", UUID(as_uuid=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=False),
)

# Reads {client_id: revoked_at as epoch seconds} of every revoked client.
RevokedSource = Callable[[], Awaitable[dict[str, float]]]


async def record_revoked(session: AsyncSession, fact: ClientRevoked) -> None:
    """Remember a revoked client; a repeated or older event changes nothing."""
    stmt = pg_insert(revoked_clients).values(
        client_id=fact.client_id, institution_id=fact.institution_id, revoked_at=fact.revoked_at
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["client_id"],
            set_={"revoked_at": stmt.excluded.revoked_at},
            where=stmt.excluded.revoked_at > revoked_clients.c.revoked_at,
        )
    )


def revoked_from_table(sessions: async_sessionmaker[AsyncSession]) -> RevokedSource:
    """The service's own revoked_clients table as a source, read in a session of its own."""

    async def read() -> dict[str, float]:
        async with sessions() as session:
            rows = await session.execute(select(revoked_clients.c.client_id, revoked_clients.c.revoked_at))
            return {client_id: revoked_at.timestamp() for client_id, revoked_at in rows}

    return read


class RevokedClients:
    """Which clients were revoked and when, kept in the process and read again at most every refresh_s.

    A request costs a dict lookup; the source is read by one request at a time, the others using the set they
    have (the first read is waited for, so a new process never passes a revoked client's token).
    """

    def __init__(self, source: RevokedSource, *, refresh_s: float) -> None:
        self._source = source
        self._refresh_s = refresh_s
        self._revoked: dict[str, float] = {}
        self._loaded = False
        self._next_read = 0.0
        self._lock = asyncio.Lock()

    async def revoked(self, client_id: str, issued_at: float) -> bool:
        """True when the client was revoked after the token was issued (iat, whole seconds)."""
        if time.monotonic() >= self._next_read and (not self._loaded or not self._lock.locked()):
            async with self._lock:
                if time.monotonic() >= self._next_read:
                    await self._read()
        revoked_at = self._revoked.get(client_id)
        return revoked_at is not None and issued_at <= revoked_at

    async def _read(self) -> None:
        try:
            self._revoked = await self._source()
        except Exception:
            # Keep the set in hand and try again soon: the database being away fails the request anyway.
            log.warning("revoked clients could not be read", exc_info=True)
            self._next_read = time.monotonic() + min(self._refresh_s, 1.0)
            return
        self._loaded = True
        self._next_read = time.monotonic() + self._refresh_s
