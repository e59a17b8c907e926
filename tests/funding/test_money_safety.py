"""Money never committed twice nor left committed: early cancellations, late replays, retried POSTs (issue 22.8)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import insert

from funding.app import handlers
from sinergi_shared.contracts import spec_of
from sinergi_shared.db import dead_letters, make_engine, make_sessionmaker
from sinergi_shared.events import CloudEvent
from sinergi_shared.inbox import replay_dead_letter
from tests.funding.bus import Bus, Enrollment, funding_events
from tests.funding.conftest import Institutions
from tests.support.service import RunningService
from tests.support.stack import eventually
from tests.support.tokens import TestIssuer

YEAR = 2044  # no other funding test uses this year
AUTO_LIMIT = 10_000_000


@dataclass
class World:
    ministry: uuid.UUID
    regency: uuid.UUID
    auto_line: str  # APBN: approved at once up to AUTO_LIMIT
    manual_line: str  # BLU: every request waits for an approver
    writer: dict[str, str]  # funding:write and funding:approve of the ministry


@pytest.fixture
async def world(api: httpx.AsyncClient, issuer: TestIssuer, institutions: Institutions) -> World:
    ministry, regency = await institutions("ministry", "regency")
    writer = issuer.headers(ministry, "funding:write", "funding:approve")

    async def line(source: str, limit: int) -> str:
        body = {"institution_id": str(ministry), "source": source, "fiscal_year": YEAR, "ceiling_idr": 50_000_000}
        response = await api.post("/budgets", json={**body, "auto_approve_limit_idr": limit}, headers=writer)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    return World(ministry, regency, await line("APBN", AUTO_LIMIT), await line("BLU", 0), writer)


def seat(world: World, source: str, amount: int) -> Enrollment:
    return Enrollment(world.ministry, world.regency, "regional", source, amount, YEAR)


def keyed(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Idempotency-Key": uuid.uuid4().hex}


async def money_of(funding: RunningService, line_id: str) -> int:
    """The line's committed sum, once the money invariant (SPEC 8.2) is checked on it."""
    conn = await asyncpg.connect(funding.dsn)
    try:
        ceiling, committed, realized = await conn.fetchrow(
            "SELECT ceiling_idr, committed_idr, realized_idr FROM budget_lines WHERE id = $1", uuid.UUID(line_id)
        )
        approved = await conn.fetchval(
            "SELECT coalesce(sum(amount_idr), 0) FROM funding_requests"
            " WHERE budget_line_id = $1 AND status = 'approved'",
            uuid.UUID(line_id),
        )
    finally:
        await conn.close()
    assert committed + realized <= ceiling
    assert committed == approved, "committed must equal the approved, unreleased requests"
    return int(committed)


async def requests_of(funding: RunningService, enrollment_id: uuid.UUID) -> list[Any]:
    conn = await asyncpg.connect(funding.dsn)
    try:
        return list(await conn.fetch("SELECT status FROM funding_requests WHERE enrollment_id = $1", enrollment_id))
    finally:
        await conn.close()


async def applied(funding: RunningService, event: CloudEvent) -> None:
    """Until the funding consumer has applied this event (its inbox row)."""
    conn = await asyncpg.connect(funding.dsn)
    try:

        async def seen() -> bool:
            return bool(await conn.fetchval("SELECT count(*) FROM inbox WHERE event_id = $1", event.id))

        await eventually(seen)
    finally:
        await conn.close()


def kinds(events: list[CloudEvent]) -> list[str]:
    return [e.type for e in events]


async def test_cancellation_before_a_decision_is_announced_once_and_moves_no_money(
    funding: RunningService, bus: Bus, world: World, topic_prefix: str
) -> None:
    pending = seat(world, "BLU", 3_000_000)
    await bus.publish("enrollment.reserved", pending.reserved())
    await funding_events(topic_prefix, pending.id, count=1)
    await bus.publish("enrollment.cancelled", pending.cancelled())
    await bus.publish("enrollment.cancelled", pending.cancelled())  # the same fact again, another ce_id

    events = await funding_events(topic_prefix, pending.id, count=3, timeout=5)
    assert kinds(events) == ["funding.requested", "funding.cancelled"]
    closed = events[1].data
    assert (closed["reason"], closed["amount_idr"], closed["budget_line_id"]) == (
        "enrollment_cancelled",
        3_000_000,
        world.manual_line,
    )
    assert [r["status"] for r in await requests_of(funding, pending.id)] == ["cancelled"]
    assert await money_of(funding, world.manual_line) == 0

    # An approved one is released instead, never both.
    approved = seat(world, "APBN", 4_000_000)
    await bus.publish("enrollment.reserved", approved.reserved())
    await funding_events(topic_prefix, approved.id, count=2)
    assert await money_of(funding, world.auto_line) == 4_000_000
    await bus.publish("enrollment.cancelled", approved.cancelled())
    events = await funding_events(topic_prefix, approved.id, count=4, timeout=5)
    assert kinds(events) == ["funding.requested", "funding.approved", "funding.released"]
    assert await money_of(funding, world.auto_line) == 0


async def test_reservation_replayed_after_its_cancellation_commits_nothing(
    funding: RunningService, bus: Bus, world: World, topic_prefix: str
) -> None:
    late = seat(world, "APBN", 5_000_000)  # within the auto-approve limit: it would be committed at once
    await applied(funding, await bus.publish("enrollment.cancelled", late.cancelled()))

    # Its enrollment.reserved had been dead-lettered; the operator replays it now.
    spec = spec_of("enrollment.reserved")
    data = late.reserved().model_dump(mode="json")
    reserved = CloudEvent(type=spec.type, source=spec.source, subject=str(late.id), data=data, id=uuid.uuid4().hex)
    engine = make_engine(funding.settings.database_url, pool_size=1, max_overflow=0)
    sessions = make_sessionmaker(engine)
    try:
        async with sessions() as session, session.begin():
            letter = await session.scalar(
                insert(dead_letters)
                .values(
                    topic=topic_prefix + spec.topic,
                    partition=0,
                    offset=0,
                    key=str(late.id),
                    headers={k: v.decode() for k, v in reserved.headers()},
                    value=reserved.value(),
                    event_id=reserved.id,
                    event_type=reserved.type,
                    error="RuntimeError: test",
                    attempts=5,
                )
                .returning(dead_letters.c.id)
            )
        assert await replay_dead_letter(sessions, handlers, letter) is True
    finally:
        await engine.dispose()

    assert await requests_of(funding, late.id) == []
    assert await money_of(funding, world.auto_line) == 0
    assert await funding_events(topic_prefix, late.id, count=1, timeout=3) == []


async def test_posts_that_commit_money_need_an_idempotency_key_and_commit_once(
    api: httpx.AsyncClient, funding: RunningService, world: World, topic_prefix: str
) -> None:
    body = {
        "institution_id": str(world.ministry),
        "source": "APBN",
        "fiscal_year": YEAR,
        "amount_idr": 2_000_000,
        "description": "sewa ruang kelas",
    }
    missing = await api.post("/funding-requests", json=body, headers=world.writer)
    assert missing.status_code == 428
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["detail"].startswith("Kirim header Idempotency-Key")
    english = await api.post("/funding-requests", json=body, headers={**world.writer, "Accept-Language": "en"})
    assert english.json()["detail"].startswith("send an Idempotency-Key header")
    listed = await api.get("/funding-requests", params={"institution_id": str(world.ministry)}, headers=world.writer)
    assert listed.json()["items"] == []

    retry = keyed(world.writer)
    first = await api.post("/funding-requests", json=body, headers=retry)
    again = await api.post("/funding-requests", json=body, headers=retry)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json() and first.json()["status"] == "approved"
    assert await money_of(funding, world.auto_line) == 2_000_000
    events = await funding_events(topic_prefix, first.json()["id"], count=3, timeout=3)
    assert kinds(events) == ["funding.requested", "funding.approved"]

    # Approving commits money too.
    waiting = await api.post("/funding-requests", json={**body, "source": "BLU"}, headers=keyed(world.writer))
    assert waiting.json()["status"] == "awaiting_approval"
    url = f"/funding-requests/{waiting.json()['id']}/approve"
    assert (await api.post(url, headers=world.writer)).status_code == 428
    assert await money_of(funding, world.manual_line) == 0
    retry = keyed(world.writer)
    approved, replayed = [await api.post(url, headers=retry) for _ in range(2)]
    assert (approved.status_code, replayed.status_code) == (200, 200)
    assert approved.json() == replayed.json() and approved.json()["status"] == "approved"
    assert await money_of(funding, world.manual_line) == 2_000_000
    events = await funding_events(topic_prefix, waiting.json()["id"], count=3, timeout=3)
    assert kinds(events) == ["funding.requested", "funding.approved"]
