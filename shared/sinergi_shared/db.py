"""Engine, sessions and the plumbing tables every service database carries."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID, Insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

plumbing = MetaData()

# Every event a service emitted, forever (queryable history); position gives the order.
event_log = Table(
    "event_log",
    plumbing,
    Column("position", BigInteger, Identity(always=False), primary_key=True),
    Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("topic", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("time", DateTime(timezone=True), nullable=False),
    Column("data", JSONB, nullable=False),
    Column("traceparent", Text),
)
Index("ix_event_log_type_time", event_log.c.type, event_log.c.time)
Index("ix_event_log_key", event_log.c.key)

# The queue of events not yet published; rows are deleted once Kafka acknowledged them.
outbox = Table(
    "outbox",
    plumbing,
    Column("position", BigInteger, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Events this service applied, recorded in the same transaction as their effect.
inbox = Table(
    "inbox",
    plumbing,
    Column("source", Text, nullable=False),
    Column("event_id", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("source", "event_id"),
)

# Messages that could not be applied after their retries; an operator can inspect and replay them.
dead_letters = Table(
    "dead_letters",
    plumbing,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("topic", Text, nullable=False),
    Column("partition", Integer, nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("key", Text),
    Column("headers", JSONB, nullable=False),
    Column("value", LargeBinary),
    Column("event_id", Text),
    Column("event_type", Text),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("replayed_at", DateTime(timezone=True)),
)

# First responses of create requests, keyed by the caller and its Idempotency-Key.
idempotency_keys = Table(
    "idempotency_keys",
    plumbing,
    Column("client_id", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("fingerprint", Text, nullable=False),
    Column("status_code", Integer),
    Column("body", JSONB),
    Column("headers", JSONB),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("client_id", "key"),
)

# The retention job deletes by these times (sinergi_shared.retention): without an index each run reads the table.
RETENTION_INDEXES = (
    Index("ix_idempotency_keys_created_at", idempotency_keys.c.created_at),
    Index("ix_inbox_applied_at", inbox.c.applied_at),
    Index("ix_dead_letters_replayed_at", dead_letters.c.replayed_at),
)


def upsert_newer(table: Any, values: Mapping[str, Any], *, key: str) -> Insert:
    """Store a snapshot row, or replace the stored one only when the snapshot's version is newer.

    For replicas built from events: a late or repeated snapshot never overwrites a newer one. `table` is a
    Table or a mapped class.
    """
    table = getattr(table, "__table__", table)
    stmt = pg_insert(table).values(**values)
    changes: dict[str, Any] = {c: stmt.excluded[c] for c in values if c != key}
    if "updated_at" in table.c and "updated_at" not in values:
        changes["updated_at"] = func.now()
    return stmt.on_conflict_do_update(index_elements=[key], set_=changes, where=table.c.version < stmt.excluded.version)


def columns_of(row: Any) -> dict[str, Any]:
    """A mapped row's column values by attribute name, to build a model that adds fields of its own."""
    return {c.key: getattr(row, c.key) for c in row.__mapper__.column_attrs}


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> AsyncEngine:
    """An asyncpg engine with a bounded pool; no pre-ping (a dead connection fails its one request, 503)."""
    return create_async_engine(url, pool_size=pool_size, max_overflow=max_overflow)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any exception."""
    async with sessions() as session, session.begin():
        yield session


@asynccontextmanager
async def command_transaction(url: str) -> AsyncIterator[AsyncSession]:
    """One unit of work for a command-line run: on an engine of one connection, disposed afterwards."""
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            yield session
    finally:
        await engine.dispose()


def asyncpg_dsn(url: str) -> str:
    """The plain libpq DSN asyncpg expects from an SQLAlchemy URL."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


_UNAVAILABLE = (
    OSError,
    ConnectionError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.InterfaceError,
    # Raised when the server dropped the connection in the middle of a query.
    asyncpg.InternalClientError,
)


def database_unavailable(exc: BaseException) -> bool:
    """True when the failure is the database being unreachable or restarting, not the message."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, _UNAVAILABLE) or (isinstance(seen, DBAPIError) and seen.connection_invalidated):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
