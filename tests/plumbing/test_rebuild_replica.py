"""A replica can always be rebuilt: registry topics are compacted, and the event log can be republished (SPEC §7)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from asyncio.subprocess import PIPE, STDOUT
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from enrollment.consumers import handlers as enrollment_handlers
from sinergi_shared.contracts import ALL_TOPICS
from sinergi_shared.db import asyncpg_dsn, make_engine, make_sessionmaker, transaction
from sinergi_shared.inbox import InboxConsumer
from sinergi_shared.outbox import Event, OutboxRelay, record
from sinergi_shared.republish import Selection, republish
from sinergi_shared.topics import COMPACTED, cleanup_policies, compacted_names, ensure_topics, topic_names
from tests.plumbing.conftest import institution
from tests.registry.support import (
    OPERATOR_ID,
    OPERATOR_SECRET,
    bearer,
    create_client,
    create_institution,
    make_nip,
    register,
    registry_service,
)
from tests.support.service import RunningService, fresh_database
from tests.support.stack import (
    ADMIN,
    KAFKA,
    REPO,
    collect,
    drop_database,
    eventually,
    header,
    setup_kafka,
    sqlalchemy_url,
)
from tests.support.tokens import TestIssuer

REPLICA_TABLES = ("institutions", "civil_servants", "revoked_clients")
# When the replica applied a row is its own fact, not the registry's.
APPLIED_AT = "updated_at"
# Civil servants imported beside the handful changed one by one, so the rebuild time means something.
BULK = 3000


async def _drop_topics(names: list[str]) -> None:
    admin = AIOKafkaAdminClient(**ADMIN.options())
    await admin.start()
    try:
        await admin.delete_topics(names)

        async def gone() -> bool:
            return not set(names) & set(await admin.list_topics())

        await eventually(gone)
    finally:
        await admin.close()


async def test_registry_topics_are_compacted_and_an_existing_one_is_switched_to_compact() -> None:
    prefix = f"compact{uuid.uuid4().hex[:8]}."
    [institutions, civil_servants, clients] = compacted_names(prefix)
    admin = AIOKafkaAdminClient(**ADMIN.options())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name=clients, num_partitions=3, replication_factor=1)])  # from before
        await ensure_topics(ADMIN, prefix)
        await ensure_topics(ADMIN, prefix)  # idempotent

        async def policies() -> dict[str, str] | None:
            found = await cleanup_policies(ADMIN, topic_names(prefix))
            return found if found.get(clients) == "compact" and len(found) == len(topic_names(prefix)) else None

        found = await eventually(policies)
        assert {name for name, policy in found.items() if policy == "compact"} == {
            institutions,
            civil_servants,
            clients,
        }
        assert found[prefix + "enrollment.enrollments"] == found[clients + ".dlq"] == "delete"
    finally:
        await admin.close()
        await _drop_topics(topic_names(prefix))


async def test_republishing_sends_the_chosen_range_of_one_topic_again_with_the_original_ids(db) -> None:  # type: ignore[no-untyped-def]
    url, sessions = db
    prefix = f"again{uuid.uuid4().hex[:8]}."
    await ensure_topics(ADMIN, prefix)
    ids = []
    for seq in range(1, 7):
        async with transaction(sessions) as session:
            ids += await record(session, Event("institution.registered", institution(seq), uuid.uuid4()))
            await record(session, Event("civil_servant.registered", _servant(), "199001012015011001"))
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:  # one event a day, the first on 1 March
        await conn.execute(
            "UPDATE event_log SET time = timestamptz '2026-03-01' + (position - 1) / 2 * interval '1 day'"
        )
        positions = [await conn.fetchval("SELECT position FROM event_log WHERE event_id = $1", i) for i in ids]
    finally:
        await conn.close()
    relay = OutboxRelay(database_url=url, kafka=ADMIN, service="registry", topic_prefix=prefix)
    topic = "registry.institutions"
    try:
        by_position = await republish(relay, Selection(topic, from_position=positions[1], to_position=positions[4]), 2)
        since, until = datetime(2026, 3, 3, tzinfo=UTC), datetime(2026, 3, 5, tzinfo=UTC)
        by_time = await republish(relay, Selection(topic, since=since, until=until))
        records = await collect(prefix + topic, count=6, timeout=10)
        assert (by_position, by_time) == (4, 2)
        # Each key keeps its partition and order (the relay's publish); across partitions there is no order.
        assert sorted(str(header(r, "ce_id")) for r in records) == sorted(str(i) for i in ids[1:5] + ids[2:4])
        assert [header(r, "ce_type") for r in records] == ["institution.registered"] * 6
    finally:
        await _drop_topics(topic_names(prefix))


def _servant() -> dict[str, Any]:
    return {
        "nip": "199001012015011001",
        "name": "Siti",
        "institution_id": str(uuid.uuid4()),
        "employment": "PNS",
        "position_kind": "functional",
        "position_title": None,
        "grade": None,
        "position_level": None,
        "status": "active",
        "version": 1,
    }


@asynccontextmanager
async def replica(prefix: str, label: str) -> AsyncIterator[str]:
    """A brand-new enrollment database whose consumer, in a new group, reads every topic from the beginning."""
    dsn = await fresh_database("enrollment")
    engine = make_engine(sqlalchemy_url(dsn), pool_size=4, max_overflow=0)
    consumer = InboxConsumer(
        sessions=make_sessionmaker(engine),
        handlers=enrollment_handlers,
        kafka=ADMIN,
        service="enrollment",
        group_id=f"{prefix}rebuild-{label}",
        topic_prefix=prefix,
    )
    task = asyncio.create_task(consumer.run())
    try:
        yield dsn
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 30)
        await engine.dispose()
        await drop_database(dsn)


async def rows(dsn: str) -> dict[str, list[dict[str, Any]]]:
    """Every replica table row by row, in a stable order, without when this replica applied them."""
    conn = await asyncpg.connect(dsn)
    try:
        return {
            table: sorted(
                ({k: v for k, v in r.items() if k != APPLIED_AT} for r in await conn.fetch(f"SELECT * FROM {table}")),
                key=repr,
            )
            for table in REPLICA_TABLES
        }
    finally:
        await conn.close()


async def built_like(dsn: str, original: dict[str, list[dict[str, Any]]]) -> float:
    """Wait until the replica equals the original row by row (counting rows first, cheaply); the seconds it took."""
    started = time.monotonic()
    expected = {table: len(found) for table, found in original.items()}

    async def counted() -> bool:
        conn = await asyncpg.connect(dsn)
        try:
            return {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in REPLICA_TABLES} == expected
        finally:
            await conn.close()

    await eventually(counted, timeout=120, interval=0.1)
    # Every row is there; a later snapshot of one may still be on its way.
    await eventually(lambda: _equal(dsn, original), interval=0.1)
    return time.monotonic() - started


async def _equal(dsn: str, original: dict[str, list[dict[str, Any]]]) -> bool:
    return await rows(dsn) == original


async def republish_with_cli(registry_dsn: str, prefix: str, topic: str) -> str:
    """`sinergi events republish` as an operator runs it, against the registry's database."""
    env = {
        **os.environ,
        "REGISTRY_DATABASE_URL": sqlalchemy_url(registry_dsn),
        "SINERGI_TOPIC_PREFIX": prefix,
        "SINERGI_KAFKA_BOOTSTRAP": KAFKA,
    }
    command = ["events", "republish", "--service", "registry", "--topic", topic, "--batch", "7"]
    cli = (sys.executable, "-m", "sinergi_shared.cli", *command)
    proc = await asyncio.create_subprocess_exec(*cli, env=env, cwd=REPO, stdout=PIPE, stderr=STDOUT)
    out, _ = await proc.communicate()
    assert proc.returncode == 0, out.decode()
    return out.decode()


async def populate(registry: RunningService) -> None:
    """Institutions and civil servants, some updated, transferred and retired; a revoked client."""
    admin = await bearer(registry, OPERATOR_ID, OPERATOR_SECRET)
    places = [await create_institution(registry, admin, name=f"Instansi {n}") for n in range(3)]
    renamed = await registry.client.patch(
        f"/institutions/{places[0]['id']}", json={"name": "Instansi Baru"}, headers={**admin, "If-Match": '"1"'}
    )
    assert renamed.status_code == 200, renamed.text
    staff = [(await register(registry, admin, place["id"]))["nip"] for place in places for _ in range(4)]
    for nip in staff[:3]:
        moved = await registry.client.post(
            f"/civil-servants/{nip}/transfer", json={"institution_id": places[2]["id"]}, headers=admin
        )
        assert moved.status_code == 200, moved.text
    for nip in staff[5:7]:
        assert (await registry.client.post(f"/civil-servants/{nip}/retire", headers=admin)).status_code == 200
    bulk = [
        {
            "nip": make_nip(),
            "name": f"Pegawai {n}",
            "institution_id": places[n % 3]["id"],
            "employment": "PNS",
            "position_kind": "functional",
        }
        for n in range(BULK)
    ]
    imported = await registry.client.post("/civil-servants/import", json=bulk, headers=admin)
    assert (imported.status_code, imported.json()["imported"]) == (200, BULK), imported.text
    client_id, _ = await create_client(registry, admin, places[1]["id"], "read")
    assert (await registry.client.post(f"/clients/{client_id}/revoke", headers=admin)).status_code == 200


async def test_a_new_replica_is_built_from_compacted_topics_and_again_from_a_republished_event_log(
    topic_prefix: str, issuer: TestIssuer
) -> None:
    registry_dsn = await fresh_database("registry")
    prefix = ""
    try:
        async with registry_service(topic_prefix, issuer, dsn=registry_dsn) as registry:
            prefix = registry.settings.topic_prefix
            await populate(registry)
            async with replica(prefix, "original") as original_dsn:

                async def caught_up() -> dict[str, list[dict[str, Any]]] | None:
                    found = await rows(original_dsn)
                    registry_rows = await _registry_versions(registry_dsn)
                    replica_rows = {
                        "institutions": {(str(r["id"]), r["version"]) for r in found["institutions"]},
                        "civil_servants": {(r["nip"], r["version"]) for r in found["civil_servants"]},
                        "revoked_clients": {r["client_id"] for r in found["revoked_clients"]},
                    }
                    return found if replica_rows == registry_rows else None

                original = await eventually(caught_up, timeout=60)
            async with replica(prefix, "from-kafka") as rebuilt_dsn:
                from_topics = await built_like(rebuilt_dsn, original)
        await _drop_topics([prefix + t for t in ALL_TOPICS])
        await setup_kafka(prefix)
        outputs = [await republish_with_cli(registry_dsn, prefix, t) for t in COMPACTED]
        logged = await _logged_per_topic(registry_dsn)
        assert outputs == [f"registry: {logged[t]} events of {t} republished\n" for t in COMPACTED], outputs
        async with replica(prefix, "from-event-log") as republished_dsn:
            from_log = await built_like(republished_dsn, original)
        print(
            f"\nreplica of {len(original['institutions'])} institutions, {len(original['civil_servants'])} civil"
            f" servants rebuilt in {from_topics:.2f}s from the compacted topics, {from_log:.2f}s after republishing"
        )
    finally:
        await drop_database(registry_dsn)
        if prefix:
            await _drop_topics(topic_names(prefix))


async def _registry_versions(dsn: str) -> dict[str, set[Any]]:
    conn = await asyncpg.connect(dsn)
    try:
        return {
            "institutions": {
                (str(r["id"]), r["version"]) for r in await conn.fetch("SELECT id, version FROM institutions")
            },
            "civil_servants": {
                (r["nip"], r["version"]) for r in await conn.fetch("SELECT nip, version FROM civil_servants")
            },
            "revoked_clients": {
                r["client_id"]
                for r in await conn.fetch("SELECT client_id FROM api_clients WHERE revoked_at IS NOT NULL")
            },
        }
    finally:
        await conn.close()


async def _logged_per_topic(dsn: str) -> dict[str, int]:
    conn = await asyncpg.connect(dsn)
    try:
        return {
            r["topic"]: r["n"] for r in await conn.fetch("SELECT topic, count(*) AS n FROM event_log GROUP BY topic")
        }
    finally:
        await conn.close()
