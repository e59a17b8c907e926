"""Transactional outbox: record events with the state change, relay them to Kafka afterwards."""

from __future__ import annotations

import asyncio
import logging
import struct
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple
from uuid import UUID, uuid4

import asyncpg
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from sinergi_shared import failpoints, metrics
from sinergi_shared.contracts import spec_of
from sinergi_shared.db import Prepared, asyncpg_dsn, outbox
from sinergi_shared.events import CONTENT_TYPE, SPECVERSION, encode_data
from sinergi_shared.kafka import KafkaAccess
from sinergi_shared.logging import current_traceparent
from sinergi_shared.tracing import continue_trace

log = logging.getLogger(__name__)


def notify_channel(service: str) -> str:
    return f"outbox_{service}"


def relay_lock_key(service: str) -> int:
    """The advisory lock the active relay of a service holds (one publisher keeps per-key order)."""
    return zlib.crc32(f"sinergi-outbox-{service}".encode())


async def relay_running(conn: asyncpg.Connection, service: str) -> bool:
    """True when some process holds the service's relay lock in this database."""
    held = await conn.fetchval(
        """
        SELECT count(*) FROM pg_locks
        WHERE locktype = 'advisory' AND classid = 0 AND objsubid = 1 AND objid = $1::bigint::oid
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        """,
        relay_lock_key(service),
    )
    return bool(held)


class Event(NamedTuple):
    """An event not yet recorded: its type in the contract, its payload and the aggregate it is about."""

    type: str
    data: BaseModel | Mapping[str, Any]
    key: str | UUID


async def record(session: AsyncSession, *events: Event) -> list[UUID]:
    """Add events to the session's transaction, in one statement however many; published only if it commits.

    Topics are stored as the contract names them; the relay adds the deployment's prefix when publishing.
    """
    if not events:
        return []
    now = datetime.now(UTC)
    traceparent = continue_trace(current_traceparent.get())
    ids = [uuid4() for _ in events]
    specs = [spec_of(e.type) for e in events]
    sources = {spec.source for spec in specs}
    if len(sources) != 1:
        raise ValueError(f"events of one transaction come from one service, not {sorted(sources)}")
    [source] = sources
    await _RECORD.execute(
        session,
        {
            "ids": ids,
            "topics": [spec.topic for spec in specs],
            "keys": [str(e.key) for e in events],
            "types": [e.type for e in events],
            "data": [
                _contract_payload(spec.payload, e.data).model_dump_json() for spec, e in zip(specs, events, strict=True)
            ],
            "source": source,
            "time": now,
            "traceparent": traceparent,
            "channel": notify_channel(source),
        },
    )
    return ids


# The events' rows in the log, their place in the outbox queue (in position order) and the relay's wake-up
# call at commit, in one round trip.
_RECORD = Prepared(
    text(
        """
    WITH logged AS (
        INSERT INTO event_log (event_id, topic, key, type, source, time, data, traceparent)
        SELECT e.event_id, e.topic, e.key, e.type, CAST(:source AS text), CAST(:time AS timestamptz), e.data,
               CAST(:traceparent AS text)
        FROM unnest(CAST(:ids AS uuid[]), CAST(:topics AS text[]), CAST(:keys AS text[]), CAST(:types AS text[]),
                    CAST(:data AS jsonb[])) WITH ORDINALITY AS e(event_id, topic, key, type, data, n)
        ORDER BY e.n
        RETURNING position
    ), queued AS (
        INSERT INTO outbox (position) SELECT position FROM logged ORDER BY position
    )
    SELECT pg_notify(CAST(:channel AS text), '')
    """
    )
)


def _contract_payload(model: type[BaseModel], data: BaseModel | Mapping[str, Any]) -> BaseModel:
    """The payload as the contract's model, checked against it so no service emits what others cannot read."""
    if isinstance(data, model):
        return data
    return model.model_validate(data.model_dump() if isinstance(data, BaseModel) else data)


# The oldest pending events, looked up by position in the log: a join of outbox and event_log let the
# planner walk the whole log when the outbox was bloated with deleted rows.
PENDING = """
    SELECT position, event_id, topic, key, type, source, time, data::text AS data, traceparent
    FROM event_log
    WHERE position = ANY(ARRAY(SELECT position FROM outbox ORDER BY position LIMIT $1))
    ORDER BY position
"""


class OutboxRelay:
    """Publishes pending outbox rows in order; one active relay per service via an advisory lock."""

    def __init__(
        self,
        *,
        database_url: str,
        kafka: KafkaAccess,
        service: str,
        topic_prefix: str = "",
        batch_size: int = 500,
        poll_interval_s: float = 1.0,
        producer_factory: Any = None,
    ) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self._kafka = kafka
        self._service = service
        self._topic_prefix = topic_prefix
        self._batch_size = batch_size
        self._poll = poll_interval_s
        self._producer_factory = producer_factory or self._default_producer
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._lock_key = relay_lock_key(service)
        self.published = 0

    def _default_producer(self) -> AIOKafkaProducer:
        return AIOKafkaProducer(
            **self._kafka.options(),
            acks="all",
            enable_idempotence=True,
            # The relay packs whole record batches itself (publish): a linger would only add latency.
            linger_ms=0,
            max_batch_size=256 * 1024,
            request_timeout_ms=15000,
        )

    def producer(self) -> AIOKafkaProducer:
        """A producer as the relay's own (not started): republishing sends events the same way."""
        producer: AIOKafkaProducer = self._producer_factory()
        return producer

    def stop(self) -> None:
        """Finish the batch in hand, then return from run()."""
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Relay until stopped, surviving database and broker outages."""
        while not self._stopping.is_set():
            try:
                await self._run_as_leader()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; retrying", extra={"service": self._service})
                await self._sleep(2.0)

    async def connect(self) -> asyncpg.Connection:
        """The relay's own connection, its statements planned afresh on every execution.

        A generic plan cached while the event log was small would go on scanning all of it as it grows.
        """
        conn: asyncpg.Connection = await asyncpg.connect(
            self._dsn, server_settings={"plan_cache_mode": "force_custom_plan"}
        )
        return conn

    async def _run_as_leader(self) -> None:
        conn = await self.connect()
        try:
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", self._lock_key):
                if await self._sleep(self._poll):
                    return
            await conn.add_listener(notify_channel(self._service), self._on_notify)
            producer = self._producer_factory()
            await producer.start()
            try:
                while not self._stopping.is_set():
                    sent = await self.relay_once(conn, producer)
                    if sent < self._batch_size:
                        await self._wait_for_work()
            finally:
                await producer.stop()
        finally:
            await conn.close()

    async def relay_once(self, conn: asyncpg.Connection, producer: AIOKafkaProducer) -> int:
        """Publish one batch in position order and delete it from the outbox; returns how many."""
        rows = await self.fetch_pending(conn)
        if not rows:
            return 0
        await self.publish(producer, rows)
        failpoints.reach("relay_after_publish")
        await self.acknowledge(conn, rows)
        return len(rows)

    async def fetch_pending(self, conn: asyncpg.Connection) -> list[asyncpg.Record]:
        return list(await conn.fetch(PENDING, self._batch_size))

    async def publish(self, producer: AIOKafkaProducer, rows: list[asyncpg.Record]) -> None:
        """Send every row and wait until the broker acknowledged all of them (acks=all).

        Rows are packed into one record batch per partition (send() per row cost more than the broker
        takes); partitions are chosen as aiokafka's default partitioner does (murmur2 of the key), so one
        aggregate's events keep their partition and their order. Topics get the deployment's prefix here.
        """
        partitions: dict[str, list[int]] = {}
        open_batches: dict[tuple[str, int], Any] = {}
        futures = []
        for row in rows:
            topic = self._topic_prefix + row["topic"]
            choices = partitions.get(topic)
            if choices is None:
                choices = partitions[topic] = sorted(await producer.partitions_for(topic))
            key = row["key"].encode()
            tp = (topic, choices[(kafka_murmur2(key) & 0x7FFFFFFF) % len(choices)])
            value, headers = row["data"].encode(), _headers(row)
            batch = open_batches.get(tp)
            if batch is None:
                batch = open_batches[tp] = producer.create_batch()
            if batch.append(key=key, value=value, timestamp=None, headers=headers) is None:
                futures.append(await producer.send_batch(batch, tp[0], partition=tp[1]))
                batch = open_batches[tp] = producer.create_batch()
                if batch.append(key=key, value=value, timestamp=None, headers=headers) is None:
                    raise ValueError(f"event {row['event_id']} is larger than a Kafka batch")
        for (topic, partition), batch in open_batches.items():
            futures.append(await producer.send_batch(batch, topic, partition=partition))
        await asyncio.gather(*futures)
        metrics.EVENTS_PUBLISHED.labels(self._service).inc(len(rows))
        self.published += len(rows)

    async def acknowledge(self, conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> None:
        await conn.execute("DELETE FROM outbox WHERE position = ANY($1::bigint[])", [r["position"] for r in rows])

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _wait_for_work(self) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=self._poll)
        except TimeoutError:
            pass
        self._wake.clear()

    async def _sleep(self, seconds: float) -> bool:
        """Sleep unless stopped; True when stopping."""
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True


_SPECVERSION = (("ce_specversion", SPECVERSION.encode()),)
_CONTENT_TYPE = ("content-type", CONTENT_TYPE.encode())


def _headers(row: asyncpg.Record) -> list[tuple[str, bytes]]:
    """The CloudEvents binary-mode headers of a stored event (the same as CloudEvent.headers())."""
    headers = [
        *_SPECVERSION,
        ("ce_id", str(row["event_id"]).encode()),
        ("ce_source", row["source"].encode()),
        ("ce_type", row["type"].encode()),
        ("ce_time", row["time"].astimezone(UTC).isoformat().replace("+00:00", "Z").encode()),
        ("ce_subject", row["key"].encode()),
        _CONTENT_TYPE,
    ]
    if row["traceparent"]:
        headers.append(("traceparent", row["traceparent"].encode()))
    return headers


def kafka_murmur2(data: bytes) -> int:
    """Kafka's murmur2 (the Java client's and aiokafka's), four bytes at a time."""
    length = len(data)
    m = 0x5BD1E995
    h = (0x9747B28C ^ length) & 0xFFFFFFFF
    whole = length & ~3
    for k in struct.unpack(f"<{whole >> 2}I", data[:whole]):
        k = (k * m) & 0xFFFFFFFF
        h = ((h * m) & 0xFFFFFFFF) ^ (((k ^ (k >> 24)) * m) & 0xFFFFFFFF)
    extra = length & 3
    if extra:
        if extra >= 3:
            h ^= data[whole + 2] << 16
        if extra >= 2:
            h ^= data[whole + 1] << 8
        h = ((h ^ data[whole]) * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    return h ^ (h >> 15)


async def outbox_status(conn: asyncpg.Connection) -> dict[str, Any]:
    """Pending count and the age of the oldest pending event, for operators and metrics."""
    row = await conn.fetchrow("SELECT count(*) AS pending, min(created_at) AS oldest FROM outbox")
    oldest = row["oldest"]
    age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
    return {"pending": row["pending"], "oldest_age_s": age}


__all__ = ["Event", "OutboxRelay", "encode_data", "outbox", "outbox_status", "record"]
