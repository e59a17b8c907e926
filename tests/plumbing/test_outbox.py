"""The transactional outbox and its relay against the real Postgres and Kafka."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import defaultdict

import asyncpg
import pytest
from sqlalchemy import func, select

from sinergi_shared.db import asyncpg_dsn, event_log, outbox, transaction
from sinergi_shared.outbox import PENDING, Event, OutboxRelay, record
from sinergi_shared.payloads import InstitutionSnapshot
from tests.plumbing.conftest import institution
from tests.support.stack import ADMIN, collect, header

TOPIC = "registry.institutions"


def relay_for(url: str, prefix: str = "", **kwargs: object) -> OutboxRelay:
    return OutboxRelay(
        database_url=url,
        kafka=ADMIN,
        service="registry",
        topic_prefix=prefix,
        poll_interval_s=0.1,
        **kwargs,  # type: ignore[arg-type]
    )


async def run_relay_until_drained(url: str, sessions, prefix: str, timeout: float = 60.0) -> OutboxRelay:  # type: ignore[no-untyped-def]
    relay = relay_for(url, prefix)
    task = asyncio.create_task(relay.run())
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        async with sessions() as s:
            if (await s.execute(select(func.count()).select_from(outbox))).scalar_one() == 0:
                break
        await asyncio.sleep(0.1)
    relay.stop()
    await asyncio.wait_for(task, 20)
    return relay


async def test_committed_event_reaches_kafka_with_cloudevents_headers(db, topic_prefix) -> None:  # type: ignore[no-untyped-def]
    url, sessions = db
    prefix = f"{topic_prefix}c{uuid.uuid4().hex[:6]}."
    key = uuid.uuid4()
    async with transaction(sessions) as session:
        [event_id] = await record(session, Event("institution.registered", institution(1, key), key))
    with pytest.raises(RuntimeError):
        async with transaction(sessions) as session:
            await record(session, Event("institution.registered", institution(2, name="ROLLED BACK"), uuid.uuid4()))
            raise RuntimeError("the state change failed")

    await run_relay_until_drained(url, sessions, prefix)
    records = await collect(prefix + TOPIC, count=2, timeout=8)

    assert len(records) == 1, "only the committed event may be published"
    message = records[0]
    assert message.key == str(key).encode()
    assert header(message, "ce_specversion") == "1.0"
    assert header(message, "ce_id") == str(event_id)
    assert header(message, "ce_source") == "registry"
    assert header(message, "ce_type") == "institution.registered"
    assert header(message, "ce_subject") == str(key)
    assert header(message, "ce_time") and header(message, "ce_time").endswith("Z")  # type: ignore[union-attr]
    assert header(message, "content-type") == "application/json"
    assert (header(message, "traceparent") or "").startswith("00-")
    assert json.loads(message.value)["name"] == "Dinas"
    async with sessions() as s:
        # The event stays queryable after publishing; the rolled-back one never existed.
        assert (await s.execute(select(func.count()).select_from(event_log))).scalar_one() == 1
        assert (await s.execute(select(func.count()).select_from(outbox))).scalar_one() == 0


async def test_the_logged_payload_is_the_contract_form_of_the_data_given_as_model_or_as_mapping(db) -> None:  # type: ignore[no-untyped-def]
    _, sessions = db
    name = "Dinas Pendidikan — Papua Pegunungan, Wamena"  # not ASCII: comes back as written
    given = institution(1, name=name)
    async with transaction(sessions) as session:
        await record(session, Event("institution.registered", given, given["id"]))
        await record(session, Event("institution.registered", InstitutionSnapshot.model_validate(given), given["id"]))
    async with sessions() as s:
        logged = list((await s.execute(select(event_log.c.data).order_by(event_log.c.position))).scalars())
    assert logged == [given, given]
    assert logged[0]["name"] == name


async def test_thousand_events_over_fifty_keys_arrive_in_per_key_order(db, topic_prefix) -> None:  # type: ignore[no-untyped-def]
    url, sessions = db
    prefix = f"{topic_prefix}o{uuid.uuid4().hex[:6]}."
    keys = [uuid.uuid4() for _ in range(50)]
    relay = relay_for(url, prefix, batch_size=100)
    task = asyncio.create_task(relay.run())  # publishing while events are still being written
    for seq in range(20):
        async with transaction(sessions) as session:
            for key in keys:
                await record(session, Event("institution.registered", institution(seq, key), key))
    records = await collect(prefix + TOPIC, count=1000, timeout=60)
    relay.stop()
    await asyncio.wait_for(task, 20)

    assert len(records) == 1000
    seen: dict[bytes, list[int]] = defaultdict(list)
    for message in sorted(records, key=lambda r: (r.partition, r.offset)):
        seen[message.key].append(json.loads(message.value)["version"])
    assert len(seen) == 50
    for key, versions in seen.items():
        assert versions == list(range(20)), f"key {key!r} out of order: {versions}"


async def test_two_relays_publish_each_event_once_in_order(db, topic_prefix) -> None:  # type: ignore[no-untyped-def]
    url, sessions = db
    prefix = f"{topic_prefix}t{uuid.uuid4().hex[:6]}."
    key = uuid.uuid4()
    first, second = relay_for(url, prefix, batch_size=10), relay_for(url, prefix, batch_size=10)
    tasks = [asyncio.create_task(first.run()), asyncio.create_task(second.run())]
    for seq in range(200):
        async with transaction(sessions) as session:
            await record(session, Event("institution.registered", institution(seq, key), key))
    records = await collect(prefix + TOPIC, count=200, timeout=60)
    await asyncio.sleep(1)
    more = await collect(prefix + TOPIC, count=201, timeout=3)
    for relay in (first, second):
        relay.stop()
    await asyncio.wait_for(asyncio.gather(*tasks), 20)

    assert len(more) == 200, "an event was published twice or lost"
    versions = [json.loads(r.value)["version"] for r in sorted(records, key=lambda r: r.offset)]
    assert versions == list(range(200))
    # One relay holds the advisory lock and publishes everything; the other stands by.
    assert sorted([first.published, second.published]) == [0, 200]


async def test_outbox_keeps_events_while_broker_is_down_and_delivers_them_once_after(db, topic_prefix) -> None:  # type: ignore[no-untyped-def]
    from tests.support.stack import stack

    url, sessions = db
    prefix = f"{topic_prefix}d{uuid.uuid4().hex[:6]}."
    relay = relay_for(url, prefix)
    task = asyncio.create_task(relay.run())
    async with transaction(sessions) as session:
        await record(session, Event("institution.registered", institution(0), uuid.uuid4()))
    assert len(await collect(prefix + TOPIC, count=1, timeout=30)) == 1

    await asyncio.to_thread(stack, "kafka-stop")
    try:
        for seq in range(1, 51):
            async with transaction(sessions) as session:
                await record(session, Event("institution.registered", institution(seq), uuid.uuid4()))
        await asyncio.sleep(3)
        conn = await asyncpg.connect(asyncpg_dsn(url))
        try:
            pending = await conn.fetchval("SELECT count(*) FROM outbox")
        finally:
            await conn.close()
        assert pending == 50, "with the broker down, events must wait in the outbox"
    finally:
        await asyncio.to_thread(stack, "kafka-start")

    records = await collect(prefix + TOPIC, count=51, timeout=90)
    await asyncio.sleep(2)
    records = await collect(prefix + TOPIC, count=52, timeout=5)
    relay.stop()
    await asyncio.wait_for(task, 30)
    ids = [header(r, "ce_id") for r in records]
    assert len(set(ids)) == 51, "every event arrives after the broker is back"
    print(f"broker outage: 50 events buffered, {len(ids)} messages delivered, {len(set(ids))} distinct events")


async def _log_events(conn: asyncpg.Connection, count: int) -> None:
    await conn.execute(
        """
        INSERT INTO event_log (event_id, topic, key, type, source, time, data)
        SELECT gen_random_uuid(), 'registry.institutions', 'k' || g, 'institution.registered', 'registry', now(),
               jsonb_build_object('name', repeat('x', 400))
        FROM generate_series(1, $1) g
        """,
        count,
    )


async def test_fetching_pending_events_reads_a_few_pages_however_long_the_log_is(db) -> None:  # type: ignore[no-untyped-def]
    url, _ = db
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        # What a busy minute leaves: statistics taken while the log was short, an outbox full of deleted
        # rows that autovacuum has not visited yet, and a log that has grown since.
        await _log_events(conn, 300)
        await conn.execute("INSERT INTO outbox (position) SELECT position FROM event_log")
        await conn.execute("ANALYZE event_log; ANALYZE outbox")
        await _log_events(conn, 30_000)
        await conn.execute("INSERT INTO outbox SELECT position FROM event_log WHERE position > 300 LIMIT 5000")
        await conn.execute("DELETE FROM outbox")
        newest = await conn.fetch("SELECT position FROM event_log ORDER BY position DESC LIMIT 2")
        pending = sorted(r["position"] for r in newest)
        await conn.execute("INSERT INTO outbox (position) SELECT unnest($1::bigint[])", pending)

        [plan] = json.loads(await conn.fetchval("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + PENDING, 2000))
        rows = await relay_for(url).fetch_pending(conn)
    finally:
        await conn.close()
    assert [r["position"] for r in rows] == pending
    pages = plan["Plan"]["Shared Hit Blocks"] + plan["Plan"]["Shared Read Blocks"]
    assert pages < 100, f"the fetch read {pages} pages of a {30_300}-event log"


async def test_the_relay_reads_a_few_pages_per_fetch_after_the_log_grew_under_it(db) -> None:  # type: ignore[no-untyped-def]
    url, _ = db
    relay = relay_for(url)
    conn = await relay.connect()
    try:
        # The relay starts on a young log and fetches often enough for its statement's plan to be cached...
        await _log_events(conn, 2)
        for _ in range(8):
            await conn.execute("INSERT INTO outbox SELECT max(position) FROM event_log ON CONFLICT DO NOTHING")
            assert await relay.fetch_pending(conn)
            await conn.execute("DELETE FROM outbox")
        # ...then the log grows by far more than it held, with no ANALYZE in between.
        await _log_events(conn, 30_000)
        await conn.execute("INSERT INTO outbox SELECT max(position) FROM event_log")
        name = await conn.fetchval("SELECT name FROM pg_prepared_statements WHERE statement = $1", PENDING)
        [plan] = json.loads(await conn.fetchval(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE {name}(2000)"))
    finally:
        await conn.close()
    pages = plan["Plan"]["Shared Hit Blocks"] + plan["Plan"]["Shared Read Blocks"]
    assert pages < 100, f"the relay's fetch read {pages} pages of a 30,002-event log"
