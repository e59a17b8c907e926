"""What must hold once the system settles after a fault, checked against the databases and the ledger."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from tests.faults.traffic import Ledger, Traffic
from tests.support.stack import ADMIN
from tests.support.system import System

SEATED = ("reserved", "confirmed", "completed", "no_show")


async def fetch(system: System, service: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(system.services[service].dsn)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def consumer_lag(system: System) -> int:
    """Messages not yet committed by the enrollment and funding consumer groups."""
    admin = AIOKafkaAdminClient(**ADMIN.options())
    await admin.start()
    consumer = AIOKafkaConsumer(**ADMIN.options())
    await consumer.start()
    try:
        lag = 0
        for service in ("enrollment", "funding"):
            committed = await admin.list_consumer_group_offsets(f"{system.prefix}sinergi-{service}")
            topics = {tp.topic for tp in committed}
            partitions = [
                TopicPartition(t, p)
                for t in topics
                for p in (consumer.partitions_for_topic(t) or await _partitions(consumer, t))
            ]
            ends = await consumer.end_offsets(partitions)
            for tp, end in ends.items():
                meta = committed.get(tp)
                lag += end - (meta.offset if meta and meta.offset >= 0 else 0)
        return lag
    finally:
        await consumer.stop()
        await admin.close()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()
    return consumer.partitions_for_topic(topic) or set()


async def unsettled(system: System) -> str | None:
    """Why the system has not settled yet, or None."""
    for service in system.services:
        [row] = await fetch(system, service, "SELECT count(*) AS n FROM outbox")
        if row["n"]:
            return f"{service} outbox has {row['n']} events"
    lag = await consumer_lag(system)
    if lag:
        return f"consumers are {lag} messages behind"
    stuck = await stuck_enrollments(system)
    if stuck:
        return f"{len(stuck)} enrollments reserved without a pending decision"
    return None


async def settle(system: System, timeout: float = 180.0) -> float:
    """Wait until outboxes are drained, consumers caught up and the saga converged; seconds taken."""
    started = time.monotonic()
    reason: str | None = "not checked"
    while time.monotonic() - started < timeout:
        try:
            reason = await unsettled(system)
        except (OSError, asyncpg.PostgresError) as exc:  # the stack is still coming back
            reason = f"stack not reachable: {exc}"
        if reason is None:
            return time.monotonic() - started
        await asyncio.sleep(0.5)
    raise AssertionError(f"the system did not settle within {timeout}s: {reason}")


async def stuck_enrollments(system: System) -> list[str]:
    """Reserved enrollments whose funding request is not legitimately waiting for an approver."""
    reserved = await fetch(system, "enrollment", "SELECT id FROM enrollments WHERE status = 'reserved'")
    waiting = {
        r["enrollment_id"]
        for r in await fetch(
            system, "funding", "SELECT enrollment_id FROM funding_requests WHERE status = 'awaiting_approval'"
        )
    }
    return [str(r["id"]) for r in reserved if r["id"] not in waiting]


async def check_invariants(system: System, ledger: Ledger) -> dict[str, int]:
    """Assert SPEC section 8 against the settled state; return the figures."""
    # No accepted request lost.
    accepted = {e["id"] for e in ledger.accepted_enrollments()}
    stored = {str(r["id"]) for r in await fetch(system, "enrollment", "SELECT id FROM enrollments")}
    missing = accepted - stored
    assert not missing, f"{len(missing)} accepted nominations are gone"
    assert all(a.status < 500 and a.status != 0 for a in ledger.answers), "a request never got an answer"

    # Every enrollment final or legitimately waiting.
    statuses = Counter(r["status"] for r in await fetch(system, "enrollment", "SELECT status FROM enrollments"))
    assert set(statuses) <= {"waitlisted", "reserved", "confirmed", "rejected", "cancelled", "completed", "no_show"}
    assert not await stuck_enrollments(system)

    # Seats: counters equal the rows, and the three inequalities hold.
    cohorts = await fetch(
        system,
        "enrollment",
        """
        SELECT c.id, c.capacity, c.reserved_regional AS r, c.dob_seats AS d, c.reservations_released_at,
               c.taken_central, c.taken_regional, c.taken_dob,
               count(e.*) FILTER (WHERE e.seat_class = 'central' AND e.status = ANY($1)) AS central,
               count(e.*) FILTER (WHERE e.seat_class = 'regional' AND e.status = ANY($1)) AS regional,
               count(e.*) FILTER (WHERE e.seat_class = 'dob' AND e.status = ANY($1)) AS dob
        FROM cohorts c LEFT JOIN enrollments e ON e.cohort_id = c.id GROUP BY c.id
        """,
        list(SEATED),
    )
    for c in cohorts:
        assert (c["taken_central"], c["taken_regional"], c["taken_dob"]) == (c["central"], c["regional"], c["dob"])
        r, d = (0, 0) if c["reservations_released_at"] else (c["r"], c["d"])
        assert c["central"] <= c["capacity"] - r
        assert c["central"] + c["regional"] <= c["capacity"] - d
        assert c["central"] + c["regional"] + c["dob"] <= c["capacity"]

    # Money: committed never above the ceiling, and equal to the approved, unreleased requests.
    lines = await fetch(
        system,
        "funding",
        """
        SELECT b.id, b.ceiling_idr, b.committed_idr, b.realized_idr,
               coalesce(sum(f.amount_idr) FILTER (WHERE f.status = 'approved'), 0) AS approved
        FROM budget_lines b LEFT JOIN funding_requests f ON f.budget_line_id = b.id GROUP BY b.id
        """,
    )
    for line in lines:
        assert line["committed_idr"] + line["realized_idr"] <= line["ceiling_idr"]
        assert line["committed_idr"] == line["approved"]

    # Effects once: one funding request per enrollment, one decision event per request.
    doubled = await fetch(
        system, "funding", "SELECT enrollment_id FROM funding_requests GROUP BY enrollment_id HAVING count(*) > 1"
    )
    assert not doubled
    for service, kinds in (
        ("funding", ("funding.requested", "funding.approved", "funding.rejected", "funding.released")),
        ("enrollment", ("enrollment.confirmed", "enrollment.rejected", "enrollment.cancelled")),
    ):
        twice = await fetch(
            system,
            service,
            "SELECT type, key FROM event_log WHERE type = ANY($1) GROUP BY type, key HAVING count(*) > 1",
            list(kinds),
        )
        assert not twice, f"{service} applied an event twice: {twice[:3]}"
    # Every confirmed enrollment is paid for; every rejected one has a refused request.
    decided = {
        str(r["enrollment_id"]): r["status"]
        for r in await fetch(system, "funding", "SELECT enrollment_id, status FROM funding_requests")
    }
    for r in await fetch(
        system, "enrollment", "SELECT id, status FROM enrollments WHERE status IN ('confirmed', 'rejected')"
    ):
        assert decided.get(str(r["id"])) == ("approved" if r["status"] == "confirmed" else "rejected"), r

    # Nothing dead-lettered.
    for service in system.services:
        [row] = await fetch(system, service, "SELECT count(*) AS n FROM dead_letters")
        assert row["n"] == 0, f"{service} dead-lettered {row['n']} messages"
    return dict(statuses)


async def event_totals(system: System) -> int:
    total = 0
    for service in system.services:
        [row] = await fetch(system, service, "SELECT count(*) AS n FROM event_log")
        total += row["n"]
    return int(total)


async def duplicates_on_kafka(system: System) -> int:
    """Messages on the system's topics whose CloudEvent id was already delivered (skipped by the inboxes)."""
    consumer = AIOKafkaConsumer(**ADMIN.options(), enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        topics = [
            t for t in consumer._client.cluster.topics() if t.startswith(system.prefix) and not t.endswith(".dlq")
        ]
        partitions = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        seen: Counter[bytes] = Counter()
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            for records in batch.values():
                for record in records:
                    ce_id = dict(record.headers).get("ce_id", b"")
                    seen[ce_id] += 1
        return sum(n - 1 for n in seen.values() if n > 1)
    finally:
        await consumer.stop()


# A fault returns what it did and how many redelivered events the inboxes must at least skip.
Fault = Callable[[System], Awaitable[tuple[str, int]]]


def skipped_in_logs(system: System) -> int:
    """How many redelivered events the consumer processes recognised and skipped so far."""
    return sum(
        w.log.read_text().count("duplicate event skipped")
        for k, w in system.workers.items()
        if k.endswith(":consumers")
    )


async def stream_through(system: System, world: dict[str, Any], name: str, fault: Fault) -> None:
    """A steady stream of nominations, cancellations and approvals while the fault strikes; then every check."""
    ledger = Ledger()
    traffic = Traffic(system, world, ledger, rate_per_s=12)
    events_before = await event_totals(system)
    dupes_before = await duplicates_on_kafka(system)
    skipped_before = skipped_in_logs(system)
    stream = asyncio.create_task(traffic.run())
    await asyncio.sleep(4)
    what, must_skip = await fault(system)
    await asyncio.sleep(4)
    traffic.stop()
    await asyncio.wait_for(stream, 180)
    settled_in = await settle(system)
    statuses = await check_invariants(system, ledger)
    dupes = await duplicates_on_kafka(system) - dupes_before
    skipped = skipped_in_logs(system) - skipped_before
    answers = Counter(f"{a.kind} {a.status}" for a in ledger.answers)
    published = await event_totals(system) - events_before
    print(
        f"\n[{name}] {what}\n"
        f"  requests sent: {len(ledger.answers)} (nominations {ledger.count('nominate')}, "
        f"cancellations {ledger.count('cancel')}, approvals {ledger.count('approve')}); "
        f"accepted nominations: {len(ledger.accepted_enrollments())}\n"
        f"  answers: {json.dumps(dict(sorted(answers.items())))}\n"
        f"  events published: {published}; duplicate messages on Kafka: {dupes}; "
        f"duplicates seen and skipped by the inboxes: {skipped}; settled in {settled_in:.1f} s\n"
        f"  enrollments now: {json.dumps(statuses, sort_keys=True)}\n"
        f"  refusals: {sorted({a.kind + ' ' + str(a.body.get('detail')) for a in ledger.answers if a.status >= 400})}"
    )
    assert ledger.accepted_enrollments(), "the stream must have been accepted at least partly"
    assert skipped >= must_skip, "every redelivered event a consumer applies must have been recognised and skipped"
