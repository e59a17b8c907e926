"""Retention: rows past their window are purged in batches by every service's job runner; newer rows, dead
letters not yet replayed and the event log stay."""

from __future__ import annotations

import asyncio
import importlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sinergi_shared.db import dead_letters, event_log, idempotency_keys, inbox, make_engine, make_sessionmaker
from sinergi_shared.jobs import PeriodicJob
from sinergi_shared.retention import JOB_NAME, purge, retention_job
from sinergi_shared.settings import ServiceSettings
from tests.support.service import fresh_database
from tests.support.stack import drop_database, eventually, sqlalchemy_url

Sessions = async_sessionmaker[AsyncSession]


def days_ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


async def store(sessions: Sessions) -> None:
    """Rows on both sides of every default window (7, 30 and 90 days), and an event a year old."""
    async with sessions() as session, session.begin():
        await session.execute(
            insert(idempotency_keys),
            [
                {"client_id": "c", "key": name, "fingerprint": "f", "created_at": days_ago(age)}
                for name, age in [("old", 8), ("new", 6)]
            ],
        )
        await session.execute(
            insert(inbox),
            [
                {"source": "registry", "event_id": name, "type": "t", "applied_at": days_ago(age)}
                for name, age in [("old", 31), ("new", 29)]
            ],
        )
        letter = {"topic": "t", "partition": 0, "offset": 0, "headers": {}, "error": "e", "attempts": 5}
        await session.execute(
            insert(dead_letters),
            [
                {**letter, "event_id": "replayed-long-ago", "created_at": days_ago(400), "replayed_at": days_ago(91)},
                {**letter, "event_id": "replayed-lately", "created_at": days_ago(400), "replayed_at": days_ago(89)},
                {**letter, "event_id": "never-replayed", "created_at": days_ago(400), "replayed_at": None},
            ],
        )
        await session.execute(
            insert(event_log).values(
                event_id=uuid.uuid4(), topic="t", key="k", type="t", source="s", time=days_ago(365), data={}
            )
        )


async def remaining(sessions: Sessions) -> dict[str, set[str]]:
    async with sessions() as session:
        return {
            "idempotency_keys": set(await session.scalars(select(idempotency_keys.c.key))),
            "inbox": set(await session.scalars(select(inbox.c.event_id))),
            "dead_letters": set(await session.scalars(select(dead_letters.c.event_id))),
            "event_log": set(await session.scalars(select(event_log.c.topic))),
        }


KEPT = {
    "idempotency_keys": {"new"},
    "inbox": {"new"},
    "dead_letters": {"replayed-lately", "never-replayed"},
    "event_log": {"t"},
}


@pytest.mark.parametrize("service", ["registry", "enrollment", "funding"])
async def test_each_services_job_runner_purges_what_outlived_its_window_and_keeps_the_rest(service: str) -> None:
    definition = importlib.import_module(f"{service}.__main__").DEFINITION
    [(name, tick, interval)] = [job for job in definition.jobs if job[0] == JOB_NAME]
    assert interval == 3600.0
    dsn = await fresh_database(service)
    engine = make_engine(sqlalchemy_url(dsn), pool_size=2, max_overflow=0)
    try:
        sessions = make_sessionmaker(engine)
        await store(sessions)
        job = PeriodicJob(name, tick, sessions, interval)
        running = asyncio.create_task(job.run())

        async def purged() -> bool:
            return await remaining(sessions) == KEPT

        await eventually(purged, timeout=15)
        job.stop()
        await asyncio.wait_for(running, 5)
        assert job.handled == 3
    finally:
        await engine.dispose()
        await drop_database(dsn)


async def test_a_big_purge_goes_in_bounded_batches_one_unit_of_work_each_without_waiting_the_interval(
    db: tuple[str, Sessions],
) -> None:
    _, sessions = db
    async with sessions() as session, session.begin():
        await session.execute(
            insert(idempotency_keys),
            [{"client_id": "c", "key": str(n), "fingerprint": "f", "created_at": days_ago(30)} for n in range(12)],
        )
    settings = ServiceSettings(retention_batch=5)
    async with sessions() as session, session.begin():
        assert (await purge(session, settings))["idempotency_keys"] == 5, "one statement deletes one batch"

    job = PeriodicJob(*retention_job(settings)[:2], sessions, interval_s=3600)
    running = asyncio.create_task(job.run())

    async def drained() -> bool:
        return job.handled == 7

    await eventually(drained, timeout=10)
    job.stop()
    await asyncio.wait_for(running, 5)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(idempotency_keys)) == 0


def test_the_inbox_outlives_the_topics_retention() -> None:
    assert ServiceSettings().retention_inbox_days == 30
    with pytest.raises(ValueError, match="retention_inbox_days"):
        ServiceSettings(retention_inbox_days=7)
