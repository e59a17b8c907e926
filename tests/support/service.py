"""Run a service in-process for tests: its app over ASGI, plus its real relay and consumers."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI

from sinergi_shared.db import make_engine, make_sessionmaker
from sinergi_shared.inbox import EventHandlers, InboxConsumer
from sinergi_shared.jobs import PeriodicJob, Tick
from sinergi_shared.outbox import OutboxRelay
from sinergi_shared.runner import build_consumer, build_relay
from sinergi_shared.settings import ServiceSettings
from tests.support.stack import create_database, drop_database, migrate, setup_kafka, sqlalchemy_url


@dataclass
class RunningService:
    app: FastAPI
    client: httpx.AsyncClient
    settings: ServiceSettings
    dsn: str
    relay: OutboxRelay | None = None
    consumer: InboxConsumer | None = None
    jobs: list[PeriodicJob] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    # name → how to start that job again, and its running task (see job_paused)
    job_starts: dict[str, Callable[[], PeriodicJob]] = field(default_factory=dict)
    job_tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    def start_job(self, name: str) -> None:
        job = self.job_starts[name]()
        self.jobs.append(job)
        self.job_tasks[name] = asyncio.create_task(job.run())
        self.tasks.append(self.job_tasks[name])


@asynccontextmanager
async def job_paused(running: RunningService, name: str) -> AsyncIterator[None]:
    """Stop one periodic job for the block (a tick in flight finishes first), then start it again."""
    for job in running.jobs:
        if job.name == name:
            job.stop()
    await running.job_tasks[name]
    try:
        yield
    finally:
        running.start_job(name)


async def fresh_database(service: str) -> str:
    """A new database migrated to head for this service; returns its asyncpg DSN."""
    dsn = await create_database(service)
    await migrate(service, dsn)
    return dsn


@asynccontextmanager
async def running_service(
    service: str,
    *,
    settings_factory: Callable[..., ServiceSettings],
    create_app: Callable[[Any], FastAPI],
    handlers: EventHandlers | None,
    topic_prefix: str,
    jwks_url: str,
    relay: bool = True,
    consumers: bool = True,
    jobs: tuple[tuple[str, Tick, float], ...] = (),
    dsn: str | None = None,
    keep_database: bool = False,
    **overrides: Any,
) -> AsyncIterator[RunningService]:
    """Start the service against a fresh database and the real Kafka; tear it all down after."""
    own_database = dsn is None
    dsn = dsn or await fresh_database(service)
    settings = settings_factory(
        database_url=sqlalchemy_url(dsn),
        topic_prefix=topic_prefix,
        jwks_url=jwks_url,
        relay_poll_interval_s=0.2,
        consumer_retry_backoff_s=0.05,
        **overrides,
    )
    app = create_app(settings)
    await setup_kafka(topic_prefix)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{service}") as client:
            running = RunningService(app=app, client=client, settings=settings, dsn=dsn)
            engine = None
            if relay:
                running.relay = build_relay(settings)
                running.tasks.append(asyncio.create_task(running.relay.run()))
            if consumers and (handlers is not None or jobs):
                engine = make_engine(settings.database_url, pool_size=4, max_overflow=4)
                sessions = make_sessionmaker(engine)
                for name, tick, interval in jobs:
                    running.job_starts[name] = functools.partial(PeriodicJob, name, tick, sessions, interval)
                    running.start_job(name)
                if handlers is not None:
                    running.consumer = build_consumer(settings, handlers, sessions)
                    running.tasks.append(asyncio.create_task(running.consumer.run()))
                    await asyncio.wait_for(running.consumer.ready.wait(), 30)
            try:
                yield running
            finally:
                for worker in (running.relay, running.consumer, *running.jobs):
                    if worker is not None:
                        worker.stop()
                if running.tasks:
                    _, pending = await asyncio.wait(running.tasks, timeout=15)
                    for task in pending:
                        task.cancel()
                if engine is not None:
                    await engine.dispose()
    if own_database and not keep_database:
        await drop_database(dsn)
