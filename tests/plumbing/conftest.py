"""A scratch database with the plumbing tables and an effects table, for testing outbox and inbox."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sinergi_shared.db import make_engine, make_sessionmaker, plumbing
from sinergi_shared.events import CloudEvent
from sinergi_shared.inbox import EventHandlers
from tests.support.stack import create_database, drop_database, sqlalchemy_url

scratch = MetaData()
effects = Table(
    "effects",
    scratch,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("seq", Integer, nullable=False),
)


def institution(seq: int, key: uuid.UUID | None = None, name: str = "Dinas") -> dict[str, Any]:
    """A contract-valid institution snapshot whose version carries a sequence number."""
    return {
        "id": str(key or uuid.uuid4()),
        "code": f"C{seq}",
        "name": name,
        "kind": "province",
        "sector": "regional",
        "parent_id": None,
        "is_new_autonomous_region": False,
        "region_code": None,
        "status": "active",
        "version": seq,
        "successor_ids": [],
        "succeeded_on": None,
    }


@pytest.fixture
async def db() -> AsyncIterator[tuple[str, async_sessionmaker[AsyncSession]]]:
    dsn = await create_database("plumbing")
    url = sqlalchemy_url(dsn)
    engine = make_engine(url, pool_size=5, max_overflow=5)
    async with engine.begin() as conn:
        await conn.run_sync(plumbing.create_all)
        await conn.run_sync(scratch.create_all)
    try:
        yield url, make_sessionmaker(engine)
    finally:
        await engine.dispose()
        await drop_database(dsn)


def effect_handlers(poison_name: str = "POISON") -> EventHandlers:
    """Handlers that record each applied event, and fail on a poison payload."""
    handlers = EventHandlers()

    @handlers.on("institution.registered")
    async def record(session: AsyncSession, event: CloudEvent) -> None:
        if event.data.get("name") == poison_name:
            raise RuntimeError("this payload cannot be applied")
        await session.execute(insert(effects).values(event_id=event.id, key=event.subject, seq=event.data["version"]))

    return handlers
