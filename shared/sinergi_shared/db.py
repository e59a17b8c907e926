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
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.sql import ColumnElement, Executable

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


async def driver(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection of the session's transaction, the transaction begun on the server.

    The session's pending changes are flushed first, so the server sees the writes in the order they were made.
    """
    if session.new or session.dirty or session.deleted:
        await session.flush()
    current = session.sync_session.get_transaction()
    held = session.info.get(_DRIVER)
    if held is None or held[0] is not current:
        pooled = await (await session.connection()).get_raw_connection()
        adapted: Any = pooled.dbapi_connection
        if not adapted._started:  # SQLAlchemy begins the server's transaction lazily, at its first statement
            await adapted._start_transaction()
        held = session.info[_DRIVER] = (session.sync_session.get_transaction(), pooled.driver_connection)
    return held[1]


_DRIVER = "sinergi.driver"  # in session.info: the transaction and its connection, looked up once
_ASYNCPG = asyncpg_dialect()  # type: ignore[no-untyped-call]


class Prepared:
    """A Core statement compiled once and run as an asyncpg prepared statement in a session's unit of work.

    For the statements every nomination runs: through the session a statement costs several times the CPU
    of the statement itself (BENCHMARKS.md). Rows come back keyed by the statement's columns.
    """

    def __init__(self, statement: Executable) -> None:
        compiled = statement.compile(dialect=_ASYNCPG)  # type: ignore[attr-defined]
        if compiled.post_compile_params:
            raise ValueError("a prepared statement takes no expanding IN parameter; list literal() values")
        self.sql: str = compiled.string
        self._binds = [compiled.binds[name] for name in compiled.positiontup or ()]
        self._processors = [compiled._bind_processors.get(name) for name in compiled.positiontup or ()]
        self._columns = [
            (
                [o for o in column.objects if isinstance(o, ColumnElement)],
                column.type.dialect_impl(_ASYNCPG).result_processor(_ASYNCPG, None),
            )
            for column in compiled._result_columns
        ]

    def _arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = [params[b.key] if b.key in params else b.effective_value for b in self._binds]
        return [v if p is None or v is None else p(v) for v, p in zip(values, self._processors, strict=True)]

    async def execute(self, session: AsyncSession, params: Mapping[str, Any]) -> None:
        await (await driver(session)).execute(self.sql, *self._arguments(params))

    async def first(self, session: AsyncSession, params: Mapping[str, Any]) -> dict[Any, Any] | None:
        """The first row, keyed by the statement's column objects (None when there is none)."""
        found = await (await driver(session)).fetchrow(self.sql, *self._arguments(params))
        if found is None:
            return None
        row = {}
        for (keys, process), value in zip(self._columns, found, strict=True):
            for key in keys:
                row[key] = value if process is None or value is None else process(value)
        return row


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
