"""Consumer offsets committed after the events are applied: in the background, at most once per interval."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError

log = logging.getLogger(__name__)


class OffsetCommitter:
    """Commits the newest applied offsets in the background: one request at a time, at most one per interval.

    Polls do not wait for the broker to store offsets, and a slow trickle of events does not cost a commit
    each. A crash before a commit lands only means a redelivery, which the inbox skips; a rebalance flushes
    first (revoked).
    """

    def __init__(self, consumer: AIOKafkaConsumer, service: str, interval_s: float = 0.5) -> None:
        self._consumer = consumer
        self._service = service
        self._interval_s = interval_s
        self._pending: dict[TopicPartition, int] = {}
        self._task: asyncio.Task[None] | None = None
        self._hurry = asyncio.Event()
        self._last_commit = -interval_s

    def advance(self, offsets: dict[TopicPartition, int]) -> None:
        self._pending.update(offsets)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())

    async def flush(self, timeout_s: float = 10.0) -> None:
        """Commit every offset handed over so far now, not at the interval; wait for it within a bound."""
        if self._task is not None and not self._task.done():
            self._hurry.set()
            try:
                await asyncio.wait_for(asyncio.shield(self._task), timeout_s)
            except TimeoutError:
                log.warning("offset commit still pending", extra={"service": self._service})

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending:
            wait_s = self._last_commit + self._interval_s - loop.time()
            if wait_s > 0 and not self._hurry.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._hurry.wait(), wait_s)
            offsets, self._pending = self._pending, {}
            self._last_commit = loop.time()
            try:
                await self._consumer.commit(offsets)
            except (CommitFailedError, KafkaError):
                # A rebalance took a partition; its next owner re-reads and the inbox skips what we applied.
                log.warning(
                    "offset commit failed",
                    extra={"service": self._service, "partitions": [f"{tp.topic}/{tp.partition}" for tp in offsets]},
                )
        self._hurry.clear()


class FlushOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka ships no stubs for it
    """Before partitions move to another member, commit what was applied on them: no needless redelivery."""

    def __init__(self, committer: OffsetCommitter) -> None:
        self.committer = committer

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self.committer.flush()

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        pass
