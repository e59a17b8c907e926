"""Inbox consumer: apply each poll's events once, in one transaction, then commit the offsets."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sinergi_shared import failpoints, metrics
from sinergi_shared.contracts import spec_of
from sinergi_shared.db import database_unavailable, dead_letters, transaction
from sinergi_shared.events import CloudEvent, MalformedEvent
from sinergi_shared.kafka import KafkaAccess
from sinergi_shared.logging import current_traceparent
from sinergi_shared.offsets import FlushOnRevoke, OffsetCommitter

log = logging.getLogger(__name__)

# A whole batch's inbox rows in one statement; returns the (source, event_id) of those not seen before.
_RECORD_NEW = text(
    """
    INSERT INTO inbox (source, event_id, type)
    SELECT * FROM unnest(CAST(:sources AS text[]), CAST(:event_ids AS text[]), CAST(:types AS text[]))
    ON CONFLICT (source, event_id) DO NOTHING
    RETURNING source, event_id
    """
)

Handler = Callable[[AsyncSession, CloudEvent], Awaitable[None]]


class EventHandlers:
    """The one place a service registers every event it reacts to."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def on(self, *event_types: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for event_type in event_types:
                spec_of(event_type)  # fail fast on a type the contract does not know
                if event_type in self._handlers:
                    raise ValueError(f"{event_type} already has a handler")
                self._handlers[event_type] = handler
            return handler

        return register

    def get(self, event_type: str) -> Handler | None:
        return self._handlers.get(event_type)

    @property
    def event_types(self) -> list[str]:
        return sorted(self._handlers)

    def topics(self, prefix: str = "") -> list[str]:
        return sorted({prefix + spec_of(t).topic for t in self._handlers})


async def apply_once(session: AsyncSession, batch: Sequence[tuple[CloudEvent, Handler]]) -> list[bool]:
    """Record the events in the inbox (one statement) and apply those not applied before; each one's outcome."""
    rows = await session.execute(
        _RECORD_NEW,
        {
            "sources": [e.source for e, _ in batch],
            "event_ids": [e.id for e, _ in batch],
            "types": [e.type for e, _ in batch],
        },
    )
    fresh = {(row.source, row.event_id) for row in rows}
    outcomes = []
    for event, handler in batch:
        applied = (event.source, event.id) in fresh
        if applied:
            fresh.discard((event.source, event.id))  # a copy later in the batch is a duplicate
            current_traceparent.set(event.traceparent)
            await handler(session, event)
        outcomes.append(applied)
    return outcomes


class StopConsuming(Exception):
    """Stop requested while the database is away: leave the batch uncommitted for the next owner."""


@dataclass
class ConsumerStats:
    applied: int = 0
    skipped: int = 0
    dead_lettered: int = 0
    ignored: int = 0
    by_type: dict[str, int] = field(default_factory=dict)


class InboxConsumer:
    """Consumes a service's topics; offsets are committed (in the background) after each applied batch."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        handlers: EventHandlers,
        kafka: KafkaAccess,
        service: str,
        group_id: str | None = None,
        topic_prefix: str = "",
        max_attempts: int = 5,
        retry_backoff_s: float = 0.2,
        max_records: int = 200,
        fetch_max_wait_ms: int = 50,
        commit_interval_s: float = 0.5,
    ) -> None:
        self._sessions = sessions
        self._handlers = handlers
        self._kafka = kafka
        self._service = service
        self._group_id = group_id or f"{topic_prefix}sinergi-{service}"
        self._topics = handlers.topics(topic_prefix)
        self._max_attempts = max_attempts
        self._backoff = retry_backoff_s
        self._max_records = max_records
        self._fetch_max_wait_ms = fetch_max_wait_ms
        self._commit_interval_s = commit_interval_s
        self._stopping = asyncio.Event()
        self.stats = ConsumerStats()
        self.ready = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        """Consume until stopped, reconnecting after broker failures."""
        while not self._stopping.is_set():
            try:
                await self._consume()
            except asyncio.CancelledError:
                raise
            except StopConsuming:
                return
            except Exception:
                log.exception("consumer failed; reconnecting", extra={"service": self._service})
                await asyncio.sleep(2.0)

    async def _consume(self) -> None:
        consumer = AIOKafkaConsumer(
            **self._kafka.options(),
            group_id=self._group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            max_poll_records=self._max_records,
            fetch_max_wait_ms=self._fetch_max_wait_ms,
            session_timeout_ms=10000,
            heartbeat_interval_ms=1000,
            metadata_max_age_ms=5000,
        )
        dlq = AIOKafkaProducer(**self._kafka.options(), acks="all", enable_idempotence=True)
        committer = OffsetCommitter(consumer, self._service, self._commit_interval_s)
        consumer.subscribe(self._topics, listener=FlushOnRevoke(committer))
        await consumer.start()
        try:
            await dlq.start()
            try:
                self.ready.set()
                while not self._stopping.is_set():
                    batches = await consumer.getmany(timeout_ms=500, max_records=self._max_records)
                    if not batches:
                        continue
                    # Everything one poll returned is applied in one transaction (each partition's records
                    # in their order) and its offsets committed in one request: per-poll costs, not
                    # per-partition ones, are what a busy consumer spends between events.
                    applied_before = self.stats.applied
                    await self.handle_batch([r for records in batches.values() for r in records], dlq)
                    if self.stats.applied > applied_before:  # the fault tests die here: applied, not committed
                        failpoints.reach("consumer_before_commit")
                    committer.advance({tp: records[-1].offset + 1 for tp, records in batches.items()})
                    for tp, records in batches.items():
                        highwater = consumer.highwater(tp)
                        if highwater is not None:
                            metrics.CONSUMER_LAG.labels(self._service, tp.topic, tp.partition).set(
                                max(0, highwater - records[-1].offset - 1)
                            )
            finally:
                await dlq.stop()
        finally:
            await committer.flush()
            await consumer.stop()

    async def handle_batch(self, records: Iterable[ConsumerRecord[Any, Any]], dlq: AIOKafkaProducer) -> None:
        """Apply a poll's records in one transaction; on any failure, fall back to one message at a time.

        One commit per batch instead of per event is what lets a replica keep up with a bulk import;
        the inbox row of every event is still written with its effect, so the fallback re-applies nothing.
        """
        records = list(records)
        batchable: list[tuple[CloudEvent, Handler]] = []
        for record in records:
            try:
                event = CloudEvent.from_kafka(record.headers, record.value)
            except MalformedEvent:
                batchable = []
                break
            handler = self._handlers.get(event.type)
            if handler is not None:
                batchable.append((event, handler))
        if len(batchable) > 1:
            try:
                outcomes = await self._apply_together(batchable)
            except (asyncio.CancelledError, StopConsuming):
                raise
            except Exception:  # one of them fails: find which, one message at a time
                pass
            else:
                for (event, _), applied in zip(batchable, outcomes, strict=True):
                    self._count(event, applied)
                self.stats.ignored += len(records) - len(batchable)
                return
        for record in records:
            await self.handle(record, dlq)

    async def _apply_together(self, batch: list[tuple[CloudEvent, Handler]]) -> list[bool]:
        """Apply events in one transaction, each once; the applied/skipped outcome of each.

        While the database is away this waits, without counting it against the events: it is not their fault.
        Any other failure is raised for the caller to retry or dead-letter.
        """
        while True:
            try:
                async with transaction(self._sessions) as session:
                    return await apply_once(session, batch)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not database_unavailable(exc):
                    raise
                if self._stopping.is_set():
                    raise StopConsuming from exc
                log.warning("database unavailable; waiting", extra={"events": len(batch)})
                await asyncio.sleep(1.0)

    def _count(self, event: CloudEvent, applied: bool) -> None:
        if applied:
            log.info("event applied", extra={"event_type": event.type, "event_id": event.id})
            self.stats.applied += 1
            self.stats.by_type[event.type] = self.stats.by_type.get(event.type, 0) + 1
        else:
            self.stats.skipped += 1
            log.info("duplicate event skipped", extra={"event_type": event.type, "event_id": event.id})
        metrics.EVENTS_CONSUMED.labels(self._service, event.type, "applied" if applied else "skipped").inc()

    async def handle(self, record: ConsumerRecord[Any, Any], dlq: AIOKafkaProducer) -> None:
        """Apply one message once, retrying; dead-letter it when it keeps failing."""
        try:
            event = CloudEvent.from_kafka(record.headers, record.value)
        except MalformedEvent as exc:
            await self._dead_letter(record, dlq, None, f"malformed: {exc}", attempts=1)
            return
        handler = self._handlers.get(event.type)
        if handler is None:
            self.stats.ignored += 1
            return
        error = ""
        attempt = 0
        while attempt < self._max_attempts:
            try:
                [applied] = await self._apply_together([(event, handler)])
                self._count(event, applied)
                return
            except (asyncio.CancelledError, StopConsuming):
                raise
            except Exception as exc:
                attempt += 1
                error = f"{type(exc).__name__}: {exc}"
                log.warning(
                    "event failed",
                    extra={"event_type": event.type, "event_id": event.id, "attempt": attempt, "error": error},
                )
                await asyncio.sleep(self._backoff * 2 ** (attempt - 1))
        await self._dead_letter(record, dlq, event, error, attempts=self._max_attempts)

    async def _dead_letter(
        self,
        record: ConsumerRecord[Any, Any],
        dlq: AIOKafkaProducer,
        event: CloudEvent | None,
        error: str,
        *,
        attempts: int,
    ) -> None:
        headers = [*(record.headers or ()), ("sinergi_error", error[:1000].encode())]
        await dlq.send_and_wait(f"{record.topic}.dlq", value=record.value, key=record.key, headers=headers)
        async with transaction(self._sessions) as session:
            await session.execute(
                insert(dead_letters).values(
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                    key=_storable(record.key) if record.key else None,
                    headers={_storable(k): _storable(v or b"") for k, v in record.headers or ()},
                    value=record.value,
                    event_id=event.id if event else None,
                    event_type=event.type if event else None,
                    error=_storable(error),
                    attempts=attempts,
                )
            )
        self.stats.dead_lettered += 1
        metrics.EVENTS_CONSUMED.labels(self._service, event.type if event else "malformed", "dead_lettered").inc()
        log.error("event dead-lettered", extra={"topic": record.topic, "offset": record.offset, "error": error})


def _storable(raw: bytes | str) -> str:
    """Text Postgres can store: a message that cannot be read must still be dead-lettered, not loop."""
    text = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
    return text.replace("\x00", "\ufffd")


async def replay_dead_letter(
    sessions: async_sessionmaker[AsyncSession], handlers: EventHandlers, dead_letter_id: int
) -> bool:
    """Apply one dead-lettered event once (operator action); True when it was applied now."""
    async with transaction(sessions) as session:
        row = (
            await session.execute(select(dead_letters).where(dead_letters.c.id == dead_letter_id).with_for_update())
        ).first()
        if row is None:
            raise LookupError(f"dead letter {dead_letter_id} not found")
        headers = [(k, str(v).encode()) for k, v in row.headers.items()]
        event = CloudEvent.from_kafka(headers, row.value)
        handler = handlers.get(event.type)
        if handler is None:
            raise LookupError(f"no handler for {event.type}")
        [applied] = await apply_once(session, [(event, handler)])
        await session.execute(
            dead_letters.update().where(dead_letters.c.id == dead_letter_id).values(replayed_at=func.now())
        )
        return applied
