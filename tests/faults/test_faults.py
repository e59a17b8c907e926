"""Fault injection: a steady stream through all three services as processes while Kafka, relays, consumers
and Postgres fail; afterwards nothing accepted is lost, nothing applied twice, and the invariants hold."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from enrollment.consumers import handlers as enrollment_handlers
from funding.consumers import handlers as funding_handlers
from tests.faults.checks import Fault, stream_through
from tests.support.stack import ADMIN, stack
from tests.support.system import System

pytestmark = pytest.mark.slow


async def kafka_outage(system: System) -> tuple[str, int]:
    await asyncio.to_thread(stack, "kafka-stop")
    await asyncio.sleep(20)
    await asyncio.to_thread(stack, "kafka-start")
    return "Kafka stopped for 20 s, then started", 0


async def relay_killed_mid_batch(system: System) -> tuple[str, int]:
    relay = system.workers["enrollment:relay"]
    await relay.stop()
    # The failpoint kills the relay like SIGKILL after it published its 3rd batch, before deleting it.
    await relay.start(SINERGI_FAILPOINTS="relay_after_publish=3")
    assert relay.process is not None
    code = await asyncio.wait_for(relay.process.wait(), 60)
    await relay.start()
    funding_relay = system.workers["funding:relay"]
    await funding_relay.stop(9)  # and a plain SIGKILL at whatever point the funding relay was
    await funding_relay.start()
    return f"enrollment relay died between publish and delete (exit {code}); funding relay SIGKILLed; both restarted", 0


async def consumer_killed_before_commit(system: System) -> tuple[str, int]:
    consumers = system.workers["funding:consumers"]
    await consumers.stop()
    await consumers.start(SINERGI_FAILPOINTS="consumer_before_commit=3")
    assert consumers.process is not None
    code = await asyncio.wait_for(consumers.process.wait(), 60)
    await consumers.start()
    return f"funding consumer died after applying a batch, before committing offsets (exit {code}); restarted", 1


async def duplicate_batch(system: System) -> tuple[str, int]:
    """Re-publish the latest 100 messages of each saga topic verbatim, so every consumer sees them twice."""
    sent = handled = 0
    consumer = AIOKafkaConsumer(**ADMIN.options(), enable_auto_commit=False)
    producer = AIOKafkaProducer(**ADMIN.options(), acks="all")
    await consumer.start()
    await producer.start()
    try:
        for topic in (system.prefix + "enrollment.enrollments", system.prefix + "funding.requests"):
            await consumer._client.force_metadata_update()
            partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
            consumer.assign(partitions)
            ends = await consumer.end_offsets(partitions)
            for tp, end in ends.items():
                consumer.seek(tp, max(0, end - 34))
            batch = await consumer.getmany(*partitions, timeout_ms=3000, max_records=200)
            for records in batch.values():
                for record in records:
                    await producer.send(topic, value=record.value, key=record.key, headers=list(record.headers))
                    sent += 1
                    event_type = dict(record.headers).get("ce_type", b"").decode()
                    handled += any(h.get(event_type) for h in (enrollment_handlers, funding_handlers))
        await producer.flush()
    finally:
        await producer.stop()
        await consumer.stop()
    return f"{sent} already-delivered messages published again ({handled} of types a consumer applies)", handled


async def postgres_restart(system: System) -> tuple[str, int]:
    await asyncio.to_thread(stack, "pg-restart")
    return "Postgres restarted", 0


FAULTS: list[tuple[str, Fault]] = [
    ("kafka_outage", kafka_outage),
    ("relay_killed_mid_batch", relay_killed_mid_batch),
    ("consumer_killed_before_commit", consumer_killed_before_commit),
    ("duplicate_batch", duplicate_batch),
    ("postgres_restart", postgres_restart),
]


@pytest.mark.parametrize(("name", "fault"), FAULTS, ids=[n for n, _ in FAULTS])
async def test_invariants_hold_after_fault(system: System, world: dict[str, Any], name: str, fault: Fault) -> None:
    await stream_through(system, world, name, fault)
