"""The services' engines run without pool pre-ping: a database restart may fail one use, never more."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from sinergi_shared.db import database_unavailable, make_engine, make_sessionmaker, transaction
from tests.support.stack import create_database, drop_database, sqlalchemy_url, stack


def through_sessions(engine: AsyncEngine) -> tuple[Callable[[], Awaitable[int]], Callable[[], Awaitable[None]]]:
    """A use answering 1, and a use that holds its connection a moment."""
    sessions = make_sessionmaker(engine)

    async def use() -> int:
        async with transaction(sessions) as session:
            return int(await session.scalar(text("SELECT 1")) or 0)

    async def hold() -> None:
        async with transaction(sessions) as session:
            await session.execute(text("SELECT pg_sleep(0.2)"))

    return use, hold


async def test_a_database_restart_fails_at_most_one_use_then_the_pool_reconnects() -> None:
    dsn = await create_database("restart")
    engine = make_engine(sqlalchemy_url(dsn), pool_size=4, max_overflow=0)
    use, hold = through_sessions(engine)
    try:
        await asyncio.gather(*(hold() for _ in range(4)))  # four pooled connections, all soon to be stale
        assert engine.pool.checkedin() == 4
        await asyncio.to_thread(stack, "pg-restart")

        failures = 0
        answers = []
        for _ in range(6):
            try:
                answers.append(await use())
            except Exception as exc:
                assert database_unavailable(exc), f"a dead connection must read as an outage, got {exc!r}"
                failures += 1
        # Without pre-ping the first stale connection fails its use and invalidates the whole pool,
        # so the three other stale ones are replaced instead of failing one by one.
        assert failures <= 1
        assert answers == [1] * (6 - failures)
    finally:
        await engine.dispose()
        await drop_database(dsn)
