"""Fixtures of the funding tests: the service on a fresh database, the real Kafka, a publisher."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from funding.app import create_app, handlers
from funding.config import Settings
from funding.jobs import expire_overdue_approvals
from tests.funding.bus import Bus, wait_for_institutions
from tests.support.service import RunningService, running_service
from tests.support.stack import ADMIN
from tests.support.tokens import TestIssuer


@pytest.fixture(scope="session")
def topic_prefix() -> str:
    """Funding's own topics: its service, left running for the session, never takes another package's events
    (it consumes enrollment.enrollments, which the enrollment tests publish under the session's prefix)."""
    return f"f{uuid4().hex[:8]}."


@pytest.fixture(scope="session")
async def producer() -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(**ADMIN.options(), acks="all", enable_idempotence=True)
    await producer.start()
    yield producer
    await producer.stop()


@pytest.fixture(scope="session")
async def funding(topic_prefix: str, issuer: TestIssuer) -> AsyncIterator[RunningService]:
    """One funding service for the session (tests isolate themselves by fresh institutions)."""
    async with running_service(
        "funding",
        settings_factory=Settings,
        create_app=create_app,
        handlers=handlers,
        topic_prefix=topic_prefix,
        jwks_url=issuer.jwks_url,
        jobs=(("approval-timeouts", expire_overdue_approvals, 0.5),),
    ) as service:
        yield service


@pytest.fixture(scope="session")
def bus(producer: AIOKafkaProducer, topic_prefix: str) -> Bus:
    return Bus(producer, topic_prefix)


@pytest.fixture
def api(funding: RunningService) -> httpx.AsyncClient:
    return funding.client


Institutions = Callable[..., Awaitable[list[UUID]]]


@pytest.fixture
def institutions(bus: Bus, funding: RunningService) -> Institutions:
    """Announce institutions (kind or (kind, dob)) over Kafka and wait until the replica knows them."""

    async def announce(*kinds: Any) -> list[UUID]:
        ids = []
        for kind in kinds:
            name, dob = (kind, False) if isinstance(kind, str) else kind
            ids.append(await bus.institution(name, dob=dob))
        await wait_for_institutions(funding.dsn, *ids)
        return ids

    return announce
