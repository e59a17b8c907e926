"""The inbox consumer against the real Postgres and Kafka: once-only effects, retries, dead letters."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Awaitable

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import func, select

from sinergi_shared.db import asyncpg_dsn, dead_letters, inbox, transaction
from sinergi_shared.events import CloudEvent
from sinergi_shared.inbox import InboxConsumer, replay_dead_letter
from sinergi_shared.outbox import Event, OutboxRelay, record
from sinergi_shared.topics import ensure_topics
from tests.plumbing.conftest import effect_handlers, effects, institution
from tests.support.stack import ADMIN, collect, eventually, header

TOPIC = "registry.institutions"


def consumer_for(sessions, prefix: str, **kwargs: object) -> InboxConsumer:  # type: ignore[no-untyped-def]
    return InboxConsumer(
        sessions=sessions,
        handlers=effect_handlers(),
        kafka=ADMIN,
        service="enrollment",
        group_id=f"g-{uuid.uuid4().hex[:8]}",
        topic_prefix=prefix,
        retry_backoff_s=0.01,
        **kwargs,  # type: ignore[arg-type]
    )


async def count(sessions, table) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        return int((await s.execute(select(func.count()).select_from(table))).scalar_one())


async def test_relay_crash_between_publish_and_delete_is_applied_once(db, topic_prefix) -> None:  # type: ignore[no-untyped-def]
    url, sessions = db
    prefix = f"{topic_prefix}k{uuid.uuid4().hex[:6]}."
    async with transaction(sessions) as session:
        for seq in range(5):
            await record(session, Event("institution.registered", institution(seq), uuid.uuid4()))

    # The first relay publishes the batch and dies before deleting it from the outbox.
    crashed = OutboxRelay(database_url=url, kafka=ADMIN, service="registry", topic_prefix=prefix)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    producer = AIOKafkaProducer(**ADMIN.options(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        rows = await crashed.fetch_pending(conn)
        await crashed.publish(producer, rows)
    finally:
        await producer.stop()
        await conn.close()

    # A fresh relay finds the rows still pending and publishes them again.
    relay = OutboxRelay(database_url=url, kafka=ADMIN, service="registry", topic_prefix=prefix, poll_interval_s=0.1)
    relay_task = asyncio.create_task(relay.run())
    delivered = await collect(prefix + TOPIC, count=10, timeout=30)
    assert len(delivered) == 10, "the crash must cause a redelivery of all five events"

    consumer = consumer_for(sessions, prefix)
    consumer_task = asyncio.create_task(consumer.run())
    await eventually(lambda: _stats_total(consumer, 10))
    for worker in (relay, consumer):
        worker.stop()
    await asyncio.wait_for(asyncio.gather(relay_task, consumer_task), 30)

    assert await count(sessions, effects) == 5, "each event's effect happens exactly once"
    assert await count(sessions, inbox) == 5
    assert consumer.stats.applied == 5 and consumer.stats.skipped == 5


async def _stats_total(consumer: InboxConsumer, n: int) -> bool:
    return consumer.stats.applied + consumer.stats.skipped >= n


async def test_poison_message_goes_to_dlq_after_retries_and_consumer_goes_on(db, topic_prefix) -> None:  # type: ignore[no-untyped-def]
    _, sessions = db
    prefix = f"{topic_prefix}p{uuid.uuid4().hex[:6]}."
    key = uuid.uuid4()
    producer = AIOKafkaProducer(**ADMIN.options(), acks="all")
    await producer.start()
    try:
        events = [
            CloudEvent(type="institution.registered", source="registry", subject=str(key), data=institution(1, key)),
            CloudEvent(
                type="institution.registered",
                source="registry",
                subject=str(key),
                data=institution(2, key, name="POISON"),
            ),
            CloudEvent(type="institution.registered", source="registry", subject=str(key), data=institution(3, key)),
        ]
        for event in events:
            await producer.send_and_wait(
                prefix + TOPIC, value=event.value(), key=event.key.encode(), headers=event.headers()
            )
        # Not a CloudEvent at all: dead-lettered without retries.
        await producer.send_and_wait(prefix + TOPIC, value=b"garbage", key=b"x")
    finally:
        await producer.stop()

    consumer = consumer_for(sessions, prefix, max_attempts=3)
    task = asyncio.create_task(consumer.run())
    await eventually(lambda: _stats_total_dead(consumer), timeout=60)
    consumer.stop()
    await asyncio.wait_for(task, 30)

    assert consumer.stats.applied == 2, "the events after the poison one are applied"
    assert consumer.stats.dead_lettered == 2
    dlq = await collect(prefix + TOPIC + ".dlq", count=2, timeout=20)
    assert len(dlq) == 2
    errors = sorted(header(r, "sinergi_error") or "" for r in dlq)
    assert errors[0].startswith("RuntimeError: this payload cannot be applied")
    assert errors[1].startswith("malformed: missing CloudEvents headers")
    async with sessions() as s:
        rows = (await s.execute(select(dead_letters).order_by(dead_letters.c.event_type.nulls_last()))).all()
    assert [r.event_type for r in rows] == ["institution.registered", None]
    assert rows[0].attempts == 3 and "RuntimeError" in rows[0].error
    assert rows[1].error.startswith("malformed")
    async with sessions() as s:
        seqs = sorted((await s.execute(select(effects.c.seq))).scalars())
    assert seqs == [1, 3]

    # The operator replays the dead letter once the cause is fixed: it is applied once, a second replay is a no-op.
    fixed = effect_handlers(poison_name="nothing is poison now")
    assert await replay_dead_letter(sessions, fixed, rows[0].id) is True
    assert await replay_dead_letter(sessions, fixed, rows[0].id) is False
    assert await count(sessions, effects) == 3


async def _stats_total_dead(consumer: InboxConsumer) -> bool:
    return consumer.stats.applied >= 2 and consumer.stats.dead_lettered >= 2


async def test_consumer_commits_offsets_only_after_applying(db, topic_prefix) -> None:  # type: ignore[no-untyped-def]
    _, sessions = db
    prefix = f"{topic_prefix}r{uuid.uuid4().hex[:6]}."
    producer = AIOKafkaProducer(**ADMIN.options(), acks="all")
    await producer.start()
    try:
        for seq in range(20):
            event = CloudEvent(
                type="institution.registered", source="registry", subject=f"k{seq}", data=institution(seq)
            )
            await producer.send_and_wait(
                prefix + TOPIC, value=event.value(), key=event.key.encode(), headers=event.headers()
            )
    finally:
        await producer.stop()

    group = f"g-{uuid.uuid4().hex[:8]}"
    first = consumer_for(sessions, prefix)
    first._group_id = group
    task = asyncio.create_task(first.run())
    await eventually(lambda: _stats_total(first, 20))
    first.stop()
    await asyncio.wait_for(task, 30)

    # A second member of the same group starts from the committed offsets: nothing is re-read.
    second = consumer_for(sessions, prefix)
    second._group_id = group
    task = asyncio.create_task(second.run())
    await asyncio.wait_for(second.ready.wait(), 30)
    await asyncio.sleep(3)
    second.stop()
    await asyncio.wait_for(task, 30)
    assert second.stats.applied + second.stats.skipped == 0
    assert await count(sessions, effects) == 20


async def _produce_one_at_a_time(prefix: str, seqs: range, consumer: InboxConsumer) -> None:
    """Each event on its own, after the last was applied, so each is a poll and an offset to commit."""
    producer = AIOKafkaProducer(**ADMIN.options(), acks="all")
    await producer.start()
    try:
        for seq in seqs:
            event = CloudEvent(
                type="institution.registered", source="registry", subject=f"k{seq}", data=institution(seq)
            )
            await producer.send_and_wait(
                prefix + TOPIC, value=event.value(), key=event.key.encode(), headers=event.headers()
            )
            await eventually(lambda n=seq + 1: _stats_total(consumer, n), interval=0.01)  # type: ignore[misc]
    finally:
        await producer.stop()


async def _committed(group: str) -> int:
    """How many messages the group has committed past, over all partitions."""
    admin = AIOKafkaAdminClient(**ADMIN.options())
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
        return sum(meta.offset for meta in offsets.values() if meta.offset > 0)
    finally:
        await admin.close()


async def test_offsets_are_committed_at_most_once_per_interval_and_none_is_left_behind(  # type: ignore[no-untyped-def]
    db, topic_prefix, monkeypatch
) -> None:
    _, sessions = db
    prefix = f"{topic_prefix}c{uuid.uuid4().hex[:6]}."
    await ensure_topics(ADMIN, prefix)
    requests: list[float] = []
    commit = AIOKafkaConsumer.commit

    async def counted(self, offsets=None):  # type: ignore[no-untyped-def]
        requests.append(asyncio.get_running_loop().time())
        await commit(self, offsets)

    monkeypatch.setattr(AIOKafkaConsumer, "commit", counted)
    consumer = consumer_for(sessions, prefix, commit_interval_s=0.4)
    task = asyncio.create_task(consumer.run())
    try:
        await asyncio.wait_for(consumer.ready.wait(), 30)
        started = asyncio.get_running_loop().time()
        await _produce_one_at_a_time(prefix, range(20), consumer)
        # The last events' offsets are committed at the interval without waiting for another event.
        await eventually(lambda: _is(_committed(consumer._group_id), 20), timeout=10, interval=0.1)
        took = asyncio.get_running_loop().time() - started
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 30)
    assert consumer.stats.applied == 20
    assert len(requests) >= 2
    assert all(b - a >= 0.39 for a, b in itertools.pairwise(requests))
    assert len(requests) <= took / 0.4 + 2  # one per interval, and one at stop at most


async def test_a_rebalance_commits_what_was_applied_before_partitions_move(db, topic_prefix) -> None:  # type: ignore[no-untyped-def]
    _, sessions = db
    prefix = f"{topic_prefix}b{uuid.uuid4().hex[:6]}."
    await ensure_topics(ADMIN, prefix)
    first = consumer_for(sessions, prefix, commit_interval_s=120)
    group = first._group_id
    tasks = [asyncio.create_task(first.run())]
    try:
        await asyncio.wait_for(first.ready.wait(), 30)
        await _produce_one_at_a_time(prefix, range(12), first)
        await asyncio.sleep(1)
        # The first commit went at once; the rest wait for an interval far longer than this test.
        assert await _committed(group) < 12

        second = consumer_for(sessions, prefix, commit_interval_s=120)
        second._group_id = group
        tasks.append(asyncio.create_task(second.run()))
        # Joining moves partitions to the second member: the first commits what it applied before letting go.
        await eventually(lambda: _is(_committed(group), 12), timeout=30, interval=0.2)
        await asyncio.sleep(2)
        assert second.stats.applied + second.stats.skipped == 0  # nothing applied was handed on unapplied
    finally:
        first.stop()
        if len(tasks) > 1:
            second.stop()
        await asyncio.wait_for(asyncio.gather(*tasks), 30)
    assert first.stats.applied == 12
    assert await count(sessions, effects) == 12


async def _is(value: Awaitable[int], expected: int) -> bool:
    return await value == expected
