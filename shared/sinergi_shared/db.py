"""Engine, sessions and the plumbing tables every service database carries."""

from __future__ import annotations

import functools
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeAlias, TypeVar

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
    TextClause,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, configure_mappers
from sqlalchemy.util import greenlet_spawn

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


# SQLAlchemy 2.0 never caches postgresql.insert() (its ON CONFLICT clause has no cache key), so every
# execution compiled it afresh: a third of a consumer's CPU per event. The ON CONFLICT statements on hot
# paths are written once as text instead, which is compiled once and then served from the cache.


def insert_once(table: Table | str, columns: Sequence[str], *, conflict: str, returning: str) -> TextClause:
    """INSERT of one row (binds named after the columns) that does nothing when `conflict` is already taken.

    `conflict` is the ON CONFLICT target, e.g. "(source, event_id)" or "ON CONSTRAINT uq_x"; the statement
    returns `returning` of the inserted row, or no row.
    """
    return text(f"{_insert_row(table, columns)} ON CONFLICT {conflict} DO NOTHING RETURNING {returning}")


def upsert_newer(table: Table | str, columns: Sequence[str], *, key: str, touch: str | None = None) -> TextClause:
    """INSERT of one snapshot row, or UPDATE of the stored row when the snapshot's version is newer.

    For replicas built from events: a late or repeated snapshot never overwrites a newer one.
    `touch` names a timestamp column set to now() on update.
    """
    name = table if isinstance(table, str) else table.name
    changes = [f"{c} = excluded.{c}" for c in columns if c != key] + ([f"{touch} = now()"] if touch else [])
    return text(
        f"{_insert_row(name, columns)} ON CONFLICT ({key}) DO UPDATE SET {', '.join(changes)} "
        f"WHERE {name}.version < excluded.version"
    )


def _insert_row(table: Table | str, columns: Sequence[str]) -> str:
    """INSERT INTO table (columns) VALUES (:columns): one row, its binds named after its columns."""
    name = table if isinstance(table, str) else table.name
    return f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> AsyncEngine:
    """An asyncpg engine with a bounded pool.

    No pre-ping: it cost a round trip on every checkout. A connection found dead instead fails its one
    request (503, the caller retries) and invalidates the whole pool, so after a database restart each
    process fails at most the requests that were in flight and reconnects for the next ones.
    """
    return create_async_engine(url, pool_size=pool_size, max_overflow=max_overflow)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any exception."""
    async with sessions() as session, session.begin():
        yield session


# --- the driver itself, for the one hot path ---------------------------------------------------------------
#
# A nomination makes two round trips (four when it must lock); through SQLAlchemy's session, connection and
# cursor layers the Python around them cost more CPU than the statements (BENCHMARKS.md, change 17). The
# nomination therefore runs straight on the pooled asyncpg connection: same pool, same transaction rules,
# SQL written once.

Driver: TypeAlias = asyncpg.Connection


@asynccontextmanager
async def driver_connection(engine: AsyncEngine) -> AsyncIterator[Driver]:
    """A pooled connection's asyncpg driver: each statement commits on its own until the caller opens a transaction.

    A connection found dead means the database went away: it is dropped, and so are the pool's idle
    connections (stale too), as SQLAlchemy does on a disconnect it sees itself.
    """
    # The pool's connection itself, without an SQLAlchemy Connection around it: two passes through the
    # greenlet bridge to the pool instead of three (BENCHMARKS.md, change 34).
    pooled = await engine.raw_connection()
    try:
        yield pooled.driver_connection
    except Exception as exc:
        if database_unavailable(exc):
            await greenlet_spawn(pooled.invalidate, exc)
            await engine.dispose()
        raise
    finally:
        await greenlet_spawn(pooled.close)


async def driver_of(session: AsyncSession) -> Driver:
    """The asyncpg driver under a session, for a statement in the session's transaction.

    The session must already have run a statement: SQLAlchemy begins the server-side transaction lazily.
    Its pending changes are flushed first, so the server sees the session's writes in the order they were
    made (a consumer applies a batch of events, some through the ORM, in one session). What the driver
    writes does not refresh instances the session already holds; the session's locking reads populate
    afresh.
    """
    await session.flush()
    conn = await session.connection()
    driver: Driver = (await conn.get_raw_connection()).driver_connection
    if not driver.is_in_transaction():
        raise RuntimeError("the session has not begun its transaction on the server yet")
    return driver


class DriverSQL:
    """A statement written with :named binds, as for text(), rewritten once into asyncpg's $n placeholders."""

    _BIND = re.compile(r"(?<![:\w]):(\w+)")

    def __init__(self, sql: str) -> None:
        names: list[str] = []

        def number(match: re.Match[str]) -> str:
            if match.group(1) not in names:
                names.append(match.group(1))
            return f"${names.index(match.group(1)) + 1}"

        self.sql = self._BIND.sub(number, sql)
        self.names = tuple(names)

    def args(self, values: Mapping[str, Any]) -> list[Any]:
        return [values[name] for name in self.names]

    async def fetchrow(self, driver: Driver, values: Mapping[str, Any]) -> asyncpg.Record | None:
        return await driver.fetchrow(self.sql, *self.args(values))

    async def fetchval(self, driver: Driver, values: Mapping[str, Any]) -> Any:
        return await driver.fetchval(self.sql, *self.args(values))


_Model = TypeVar("_Model", bound=DeclarativeBase)


def select_list(model: type[DeclarativeBase], alias: str) -> str:
    """A model's columns as `alias.column AS alias_column`, for rows that carry several tables."""
    return ", ".join(f"{alias}.{c.name} AS {alias}_{c.name}" for c in model.__table__.columns)


def instance_of(model: type[_Model], row: Mapping[str, Any], alias: str) -> _Model:
    """A session-less instance from a driver row (see select_list), filled as the ORM's loader fills one:
    straight into its state, without the constructor's attribute events (BENCHMARKS.md, change 21)."""
    instance: _Model = model.__mapper__.class_manager.new_instance()
    values = instance.__dict__
    for key, name in _labels(model, alias):
        values[key] = row[name]
    return instance


def detached(model: type[_Model], **values: Any) -> _Model:
    """A new session-less instance with these column values, filled as instance_of fills one: without the
    constructor's attribute events, which cost 15 times as much (BENCHMARKS.md, change 33). Columns not
    given are None (stored, so reading them takes the descriptor's short path too). For an instance no
    session will add."""
    columns = _column_keys(model)
    unknown = values.keys() - columns
    if unknown:
        raise TypeError(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
    instance: _Model = model.__mapper__.class_manager.new_instance()
    instance.__dict__.update(dict.fromkeys(columns), **values)
    return instance


@functools.cache
def _column_keys(model: type[DeclarativeBase]) -> frozenset[str]:
    configure_mappers()
    return frozenset(c.key for c in model.__table__.columns)


@functools.cache
def _labels(model: type[DeclarativeBase], alias: str) -> tuple[tuple[str, str], ...]:
    configure_mappers()  # an instance made without its constructor does not set the mappers up itself
    return tuple((c.key, f"{alias}_{c.name}") for c in model.__table__.columns)


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
