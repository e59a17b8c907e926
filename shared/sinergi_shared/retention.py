"""Retention: old idempotency keys, inbox rows and replayed dead letters are purged; the event log stays (SPEC §7)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Table, delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from sinergi_shared.db import dead_letters, idempotency_keys, inbox
from sinergi_shared.jobs import Tick
from sinergi_shared.settings import ServiceSettings

log = logging.getLogger(__name__)

JOB_NAME = "retention"


async def purge(session: AsyncSession, settings: ServiceSettings) -> dict[str, int]:
    """Delete one batch of each table's rows past their retention window; the rows deleted, per table."""
    now = datetime.now(UTC)

    def before(days: int) -> datetime:
        return now - timedelta(days=days)

    due = {
        idempotency_keys: idempotency_keys.c.created_at < before(settings.retention_idempotency_days),
        inbox: inbox.c.applied_at < before(settings.retention_inbox_days),
        # A dead letter nobody replayed yet stays whatever its age: it is work an operator has not done.
        dead_letters: dead_letters.c.replayed_at < before(settings.retention_dead_letters_days),
    }
    return {
        table.name: await _delete_batch(session, table, old, settings.retention_batch) for table, old in due.items()
    }


async def _delete_batch(session: AsyncSession, table: Table, old: ColumnElement[bool], batch: int) -> int:
    # A bounded statement holds its row locks briefly; SKIP LOCKED lets several job runners share the work.
    key = list(table.primary_key.columns)
    rows = select(*key).where(old).limit(batch).with_for_update(skip_locked=True)
    result = await session.execute(delete(table).where(tuple_(*key).in_(rows)))
    return cast(CursorResult[Any], result).rowcount


def retention_job(settings: ServiceSettings) -> tuple[str, Tick, float]:
    """The retention job for a service's job runner: (name, tick, interval)."""

    async def tick(session: AsyncSession) -> int:
        purged = await purge(session, settings)
        if any(purged.values()):
            log.info("retention purged", extra={"service": settings.service_name, **purged})
        return sum(purged.values())

    return JOB_NAME, tick, settings.retention_interval_s
