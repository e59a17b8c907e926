"""Send a range of a service's event log to Kafka again: for a new consumer, a rebuilt replica, a lost topic.

Events keep their ids, keys and headers, so a consumer that already applied one skips it (its inbox). An event
older than the consumer's inbox window (<SERVICE>_RETENTION_INBOX_DAYS, 30 by default) may be applied again: snapshot
handlers only overwrite with a newer version, so the registry's snapshots are safe to republish at any age.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import asyncpg

from sinergi_shared.outbox import OutboxRelay


class Selection(NamedTuple):
    """Which events of the log: one topic (as the contract names it), a time and a position range, both optional."""

    topic: str
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    from_position: int | None = None  # inclusive
    to_position: int | None = None  # inclusive


# Keyset pages in position order: the order they were recorded in, so one key's events keep their order.
_PAGE = """
    SELECT position, event_id, topic, key, type, source, time, data::text AS data, traceparent
    FROM event_log
    WHERE topic = $1 AND position > $2
      AND ($3::timestamptz IS NULL OR time >= $3) AND ($4::timestamptz IS NULL OR time < $4)
      AND ($5::bigint IS NULL OR position <= $5)
    ORDER BY position
    LIMIT $6
"""


async def republish(relay: OutboxRelay, selection: Selection, batch_size: int = 1000) -> int:
    """Publish the selected events in position order, a batch at a time, as the relay does; returns how many."""
    conn: asyncpg.Connection = await relay.connect()
    producer = relay.producer()
    await producer.start()
    try:
        after, sent = (selection.from_position or 1) - 1, 0
        while True:
            rows = list(
                await conn.fetch(
                    _PAGE,
                    selection.topic,
                    after,
                    selection.since,
                    selection.until,
                    selection.to_position,
                    batch_size,
                )
            )
            if not rows:
                return sent
            await relay.publish(producer, rows)
            after, sent = rows[-1]["position"], sent + len(rows)
    finally:
        await producer.stop()
        await conn.close()
