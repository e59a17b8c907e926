"""Fault injection: a steady stream through all three services as processes while Kafka, relays, consumers
and Postgres fail; afterwards nothing accepted is lost, nothing applied twice, and the invariants hold."""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from enrollment.consumers import handlers as enrollment_handlers
from funding.consumers import handlers as funding_handlers
from tests.faults.checks import check_invariants, duplicates_on_kafka, event_totals, settle
from tests.faults.traffic import COST, YEAR, Ledger, Traffic, nip
from tests.support.stack import ADMIN, stack
from tests.support.system import System, start_system, stop_system

pytestmark = pytest.mark.slow

REGIONAL_STAFF = 900
DOB_STAFF = 300
COHORTS = 12


@pytest.fixture(scope="module")
async def system(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[System]:
    running = await start_system(
        tmp_path_factory.mktemp("fault-logs"),
        split=True,
        ENROLLMENT_RELAY_BATCH_SIZE="20",
        FUNDING_RELAY_BATCH_SIZE="20",
        FUNDING_APPROVAL_TIMEOUT_S="3600",
    )
    try:
        yield running
    finally:
        await stop_system(running)


async def _post(http: httpx.AsyncClient, url: str, headers: dict[str, str], **kwargs: Any) -> dict[str, Any]:
    """POST, waiting while the service's replica has not yet heard of the institution (422)."""
    for _ in range(120):
        r = await http.post(url, headers=headers, **kwargs)
        if r.status_code != 422 or r.json()["errors"][0]["field"] != "institution_id":
            break
        await asyncio.sleep(0.5)
    assert r.status_code in (200, 201), r.text
    return r.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
async def world(system: System) -> dict[str, Any]:
    """Reference data, clients, budget lines, a program with cohorts and staff known to every replica."""
    http = system.http
    op = await system.operator()
    kemendagri = await system.institution_by_code("KEMENDAGRI")
    bpsdm = await system.institution_by_code("BPSDM-KEMENDAGRI")
    papua = await system.institution_by_code("PROV-PAPUA")
    selatan = await system.institution_by_code("PROV-PAPUA-SELATAN")
    w: dict[str, Any] = {"op": op}
    w["provider"] = await system.client_for(bpsdm["id"], "programs:write", "read")
    w["papua_client"] = await system.client_for(
        papua["id"], "registry:write", "enrollments:write", "funding:write", "read"
    )
    w["dob_client"] = await system.client_for(selatan["id"], "registry:write", "enrollments:write", "read")
    ministry = await system.client_for(kemendagri["id"], "funding:write", "read")
    await _post(
        http,
        system.url("funding", "/budgets"),
        w["papua_client"],
        json={
            "institution_id": papua["id"],
            "source": "APBD",
            "fiscal_year": YEAR,
            "ceiling_idr": 10**12,
            "auto_approve_limit_idr": 10**9,
        },
    )
    await _post(
        http,
        system.url("funding", "/budgets"),
        ministry,
        json={
            "institution_id": kemendagri["id"],
            "source": "APBN",
            "fiscal_year": YEAR,
            "ceiling_idr": 10**12,
            "purpose": "dob_facilitation",
            "auto_approve_limit_idr": 10**9,
        },
    )
    program = await _post(
        http,
        system.url("enrollment", "/programs"),
        w["provider"],
        json={
            "provider_id": bpsdm["id"],
            "title": "Manajemen Keuangan Daerah",
            "pattern": "technical_training",
            "hours_jp": 30,
            "horizon": "short",
            "fiscal_year": YEAR,
            "cost_per_participant_idr": COST,
        },
    )
    cohorts = [
        await _post(
            http,
            system.url("enrollment", f"/programs/{program['id']}/cohorts"),
            w["provider"],
            json={
                "name": f"Angkatan {i}",
                "starts_on": f"{YEAR}-05-01",
                "ends_on": f"{YEAR}-05-10",
                "location": "central",
                "capacity": 60,
                "dob_seats": 6,
                "waitlist_limit": 1000,
            },
        )
        for i in range(COHORTS)
    ]
    regional = [nip(i) for i in range(REGIONAL_STAFF)]
    dob = [nip(REGIONAL_STAFF + i) for i in range(DOB_STAFF)]
    for headers, inst, nips in ((w["papua_client"], papua, regional), (w["dob_client"], selatan, dob)):
        rows = [
            {
                "nip": n,
                "name": f"ASN {n[-4:]}",
                "institution_id": inst["id"],
                "employment": "PNS",
                "position_kind": "executor",
            }
            for n in nips
        ]
        report = await _post(http, system.url("registry", "/civil-servants/import"), headers, json=rows)
        assert report["imported"] == len(nips), report
    # Each (NIP, cohort) pair at most once, interleaved regional and DOB, in a fixed random order.
    rng = random.Random(7)
    pairs = [(n, c["id"], False) for n in regional for c in rng.sample(cohorts, 2)]
    pairs += [(n, c["id"], True) for n in dob for c in rng.sample(cohorts, 2)]
    rng.shuffle(pairs)
    # Wait until the enrollment replica knows the last imported servant (it learns through Kafka only).
    last = dob[-1]
    for _ in range(120):
        r = await http.get(
            system.url("enrollment", f"/reports/civil-servants/{last}"), params={"year": YEAR}, headers=op
        )
        if r.status_code == 200:
            break
        await asyncio.sleep(0.5)
    w["pairs"] = iter(pairs)  # consumed across the faults: each (NIP, cohort) pair is nominated once
    return w


# A fault returns what it did and how many redelivered events the inboxes must at least skip.
Fault = Callable[[System], Awaitable[tuple[str, int]]]


def skipped_in_logs(system: System) -> int:
    """How many redelivered events the consumer processes recognised and skipped so far."""
    return sum(
        w.log.read_text().count("duplicate event skipped")
        for k, w in system.workers.items()
        if k.endswith(":consumers")
    )


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
