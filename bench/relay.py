"""Benchmark 3: the outbox relay draining 100,000 typical events to Kafka (acks=all) vs aiokafka producing directly.

python -m bench.relay [--events 100000] [--reps 2] [--batch-size 500] [--replication-factor 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer

from bench.common import COST, YEAR, save
from bench.profile import Profiler
from sinergi_shared.events import CloudEvent
from sinergi_shared.outbox import OutboxRelay
from sinergi_shared.settings import ServiceSettings
from sinergi_shared.topics import ensure_topics
from tests.support.stack import ADMIN, KAFKA, create_database, drop_database, migrate


def typical_event(n: int) -> tuple[Any, ...]:
    """An enrollment.reserved row as the enrollment service writes it (about 600 bytes of JSON)."""
    enrollment, cohort, program, provider, inst = (uuid.uuid4() for _ in range(5))
    data = {
        "enrollment_id": str(enrollment), "cohort_id": str(cohort), "program_id": str(program),
        "provider_id": str(provider), "provider_ministry_id": str(provider), "nip": f"19850312201001{n % 10000:04d}",
        "institution_id": str(inst), "is_dob": False, "seat_class": "regional", "participant_sector": "regional",
        "requested_source": "APBD", "amount_idr": COST, "fiscal_year": YEAR, "hours_jp": 40, "category": "formal",
    }  # fmt: skip
    return (
        uuid.uuid4(), "enrollment.enrollments", str(enrollment), "enrollment.reserved", "enrollment",
        datetime.now(UTC), json.dumps(data), f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01",
    )  # fmt: skip


def producer() -> AIOKafkaProducer:
    """The relay's own producer settings, so the baseline differs only by not reading Postgres."""
    return AIOKafkaProducer(
        **ADMIN.options(),
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        max_batch_size=256 * 1024,
        request_timeout_ms=15000,
    )


async def direct(rows: list[asyncpg.Record], topic_prefix: str) -> dict[str, Any]:
    """Produce the same messages (headers built the same way) straight with aiokafka, wait for every ack."""
    p = producer()
    await p.start()
    try:
        started = time.perf_counter()
        futures = []
        for row in rows:
            event = CloudEvent(
                type=row["type"],
                source=row["source"],
                subject=row["key"],
                data={},
                id=str(row["event_id"]),
                time=row["time"],
                traceparent=row["traceparent"],
            )
            futures.append(
                await p.send(
                    topic_prefix + "enrollment.enrollments",
                    value=row["data"].encode(),
                    key=row["key"].encode(),
                    headers=event.headers(),
                )
            )
        await asyncio.gather(*futures)
        elapsed = time.perf_counter() - started
    finally:
        await p.stop()
    return {"events": len(rows), "elapsed_s": round(elapsed, 3), "events_per_s": round(len(rows) / elapsed)}


async def relay(dsn: str, prefix: str, count: int, batch_size: int, profile: str | None) -> dict[str, Any]:
    """Queue every logged event again, run the relay until the outbox is empty."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("INSERT INTO outbox (position) SELECT position FROM event_log ORDER BY position")
        r = OutboxRelay(
            database_url=dsn,
            kafka=ADMIN,
            service="benchrelay",
            topic_prefix=prefix,
            batch_size=batch_size,
            poll_interval_s=0.05,
        )
        profiler = None
        if profile:
            import os

            profiler = Profiler(os.getpid(), profile)
            profiler.start()
        started = time.perf_counter()
        task = asyncio.create_task(r.run())
        deadline = started + 300
        while time.perf_counter() < deadline:
            if await conn.fetchval("SELECT NOT EXISTS (SELECT 1 FROM outbox)"):
                break
            await asyncio.sleep(0.02)
        elapsed = time.perf_counter() - started
        summary = profiler.stop() if profiler else None
        r.stop()
        await asyncio.wait_for(task, 30)
        left = await conn.fetchval("SELECT count(*) FROM outbox")
    finally:
        await conn.close()
    out = {"events": count - left, "elapsed_s": round(elapsed, 3), "events_per_s": round((count - left) / elapsed)}
    if summary:
        out["profile"] = summary
    return out


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--tag", default="relay")
    parser.add_argument(
        "--replication-factor",
        type=int,
        default=ServiceSettings().kafka_replication_factor,
        help="copies of each partition (SINERGI_KAFKA_REPLICATION_FACTOR; 3 on the cluster of `make cluster-up`)",
    )
    args = parser.parse_args()
    prefix = f"b{uuid.uuid4().hex[:8]}."
    relay_prefix, direct_prefix = prefix + "relay.", prefix + "direct."
    for p in (relay_prefix, direct_prefix):
        await ensure_topics(ADMIN, p, replication_factor=args.replication_factor)
    dsn = await create_database("bench_relay")
    runs = []
    try:
        await migrate("enrollment", dsn)
        conn = await asyncpg.connect(dsn)
        try:
            await conn.copy_records_to_table(
                "event_log",
                records=[typical_event(i) for i in range(args.events)],
                columns=["event_id", "topic", "key", "type", "source", "time", "data", "traceparent"],
            )
            await conn.execute("VACUUM ANALYZE event_log")
            rows = await conn.fetch("SELECT *, data::text AS data FROM event_log ORDER BY position")
            size = await conn.fetchval("SELECT avg(octet_length(data::text))::int FROM event_log")
        finally:
            await conn.close()
        for rep in range(args.reps):
            base = await direct(rows, direct_prefix)
            profile = f"{args.tag}-{rep}" if args.profile and rep == 0 else None
            relayed = await relay(dsn, relay_prefix, args.events, args.batch_size, profile)
            ratio = round(relayed["events_per_s"] / base["events_per_s"], 3)
            runs.append({"rep": rep, "direct": base, "relay": relayed, "ratio": ratio})
            print(
                f"rep {rep}: direct {base['events_per_s']}/s ({base['elapsed_s']} s) | relay "
                f"{relayed['events_per_s']}/s ({relayed['elapsed_s']} s) | ratio {ratio}",
                flush=True,
            )
        path = save(
            args.tag,
            {
                "settings": {
                    "events": args.events,
                    "batch_size": args.batch_size,
                    "payload_bytes": size,
                    "acks": "all",
                    "partitions": 3,
                    "kafka": KAFKA,
                    "replication_factor": args.replication_factor,
                },
                "runs": runs,
            },
        )
        print("saved", path)
    finally:
        await drop_database(dsn)


if __name__ == "__main__":
    asyncio.run(main())
