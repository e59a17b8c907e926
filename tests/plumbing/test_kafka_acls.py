"""Kafka authentication and ACLs on the real broker (SPEC §7): each principal may do only what it needs."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)

from enrollment.consumers import handlers as enrollment_handlers
from sinergi_shared.kafka import KafkaAccess, local_password
from sinergi_shared.kafka_acls import (
    Grant,
    Operation,
    Pattern,
    Resource,
    agency_grants,
    grant,
    revoke,
    service_grants,
)
from tests.support.stack import ADMIN, KAFKA, KAFKA_CA, KAFKA_TLS, REPO, setup_kafka

REFUSED_WRITE = (TopicAuthorizationFailedError,)


@pytest.fixture
async def prefix() -> str:
    name = f"acl{uuid.uuid4().hex[:8]}."
    await setup_kafka(name)
    return name


def service(name: str) -> KafkaAccess:
    return KafkaAccess(KAFKA, name, local_password(name))


async def produce(access: KafkaAccess, topic: str) -> None:
    producer = AIOKafkaProducer(**access.options(), acks="all", request_timeout_ms=5000)
    try:
        await producer.start()
        await producer.send_and_wait(topic, b"{}", key=b"k")
    finally:
        await producer.stop()


async def consume(access: KafkaAccess, topic: str, group_id: str | None, count: int) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic, **access.options(), group_id=group_id, auto_offset_reset="earliest", enable_auto_commit=False
    )
    try:
        await consumer.start()
        records: list[Any] = []
        deadline = asyncio.get_running_loop().time() + 20
        while len(records) < count and asyncio.get_running_loop().time() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


def test_a_service_may_write_its_own_topics_read_what_it_consumes_and_dead_letter_it() -> None:
    grants = service_grants("enrollment", enrollment_handlers, "p.")
    assert Grant(Resource.TOPIC, "p.enrollment.enrollments", Operation.WRITE) in grants
    assert Grant(Resource.TOPIC, "p.registry.institutions", Operation.READ) in grants
    assert Grant(Resource.TOPIC, "p.registry.institutions.dlq", Operation.WRITE) in grants
    assert Grant(Resource.GROUP, "p.sinergi-enrollment", Operation.READ) in grants
    assert Grant(Resource.TOPIC, "p.registry.institutions", Operation.WRITE) not in grants
    assert Grant(Resource.TOPIC, "p.funding.requests", Operation.WRITE) not in grants
    assert not [
        g
        for g in grants
        if g.name.startswith("p.registry.") and g.operation is Operation.WRITE and not g.name.endswith(".dlq")
    ]


def test_an_agency_may_read_only_the_topics_granted_and_only_in_its_own_groups() -> None:
    grants = agency_grants("agency-kemenkes", ["enrollment.enrollments"], "p.")
    assert grants == [
        Grant(Resource.TOPIC, "p.enrollment.enrollments", Operation.READ),
        Grant(Resource.GROUP, "agency-kemenkes", Operation.READ, Pattern.PREFIXED),
    ]
    with pytest.raises(ValueError, match="not a topic of the contract"):
        agency_grants("agency-kemenkes", ["__consumer_offsets"])


async def test_a_wrong_password_is_refused(prefix: str, caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(KafkaConnectionError):
        await produce(service("registry").as_principal("registry", "not-the-password"), prefix + "registry.clients")
    assert "invalid credentials with SASL mechanism SCRAM-SHA-512" in caplog.text


async def test_an_unknown_principal_is_refused(prefix: str, caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(KafkaConnectionError):
        await produce(service("nobody"), prefix + "registry.clients")
    assert "invalid credentials with SASL mechanism SCRAM-SHA-512" in caplog.text


async def test_over_tls_a_service_connects_with_the_brokers_ca_and_not_without_it(
    prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    tls = KafkaAccess(KAFKA_TLS, "registry", local_password("registry"), "SASL_SSL", KAFKA_CA)
    await produce(tls, prefix + "registry.institutions")
    with pytest.raises(REFUSED_WRITE):
        await produce(tls, prefix + "funding.requests")
    with pytest.raises(KafkaConnectionError):
        await produce(KafkaAccess(KAFKA_TLS, "registry", local_password("registry"), "SASL_SSL"), prefix + "x")
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text


async def test_a_service_writes_its_own_topic_but_not_another_services(prefix: str) -> None:
    await produce(service("registry"), prefix + "registry.institutions")
    with pytest.raises(REFUSED_WRITE):
        await produce(service("registry"), prefix + "enrollment.enrollments")
    with pytest.raises(REFUSED_WRITE):
        await produce(service("funding"), prefix + "registry.institutions")


async def test_an_agency_reads_a_granted_topic_and_nothing_else(prefix: str) -> None:
    await produce(ADMIN, prefix + "enrollment.enrollments")
    agency = f"kemenkes{uuid.uuid4().hex[:6]}"
    password = "a-long-agency-password-1"
    principal = await grant(ADMIN, agency, ["enrollment.enrollments"], password, prefix)
    access = KafkaAccess(KAFKA, principal, password)

    records = await consume(access, prefix + "enrollment.enrollments", f"{principal}-dashboard", count=1)
    assert len(records) == 1

    with pytest.raises(TopicAuthorizationFailedError):
        await consume(access, prefix + "registry.civil-servants", f"{principal}-dashboard", count=1)
    with pytest.raises(GroupAuthorizationFailedError):
        await consume(access, prefix + "enrollment.enrollments", "sinergi-enrollment", count=1)
    with pytest.raises(REFUSED_WRITE):
        await produce(access, prefix + "enrollment.enrollments")


async def test_a_revoked_agency_reads_nothing_more_and_cannot_connect_again(
    prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    await produce(ADMIN, prefix + "registry.institutions")
    agency, password = f"bappenas{uuid.uuid4().hex[:6]}", "a-long-agency-password-2"
    principal = await grant(ADMIN, agency, ["registry.institutions"], password, prefix)
    access = KafkaAccess(KAFKA, principal, password)
    assert len(await consume(access, prefix + "registry.institutions", principal, count=1)) == 1

    assert await revoke(ADMIN, agency) == (principal, 2)
    with pytest.raises(KafkaConnectionError):
        await consume(access, prefix + "registry.institutions", principal, count=1)
    assert "invalid credentials with SASL mechanism SCRAM-SHA-512" in caplog.text
    assert await revoke(ADMIN, agency) == (principal, 0)  # nothing left to take


async def test_granting_from_the_command_line_prints_how_to_connect(prefix: str) -> None:
    agency = f"bkn{uuid.uuid4().hex[:6]}"
    out, settings = await grant_command(agency, "registry.institutions", SINERGI_TOPIC_PREFIX=prefix)
    assert settings["sasl.mechanism"] == "SCRAM-SHA-512"
    login = re.fullmatch(
        r'\S+ScramLoginModule required username="([^"]+)" password="([^"]+)";', settings["sasl.jaas.config"]
    )
    assert login is not None, out
    assert login[1] == f"agency-{agency}"
    access = KafkaAccess(KAFKA, login[1], login[2])
    with pytest.raises(REFUSED_WRITE):
        await produce(access, prefix + "registry.institutions")


async def test_a_grant_names_the_brokers_as_the_agency_reaches_them_and_its_truststore_over_tls(prefix: str) -> None:
    _, settings = await grant_command(
        f"bpk{uuid.uuid4().hex[:6]}",
        "registry.clients",
        "--bootstrap",
        "kafka.example.go.id:9094",
        SINERGI_KAFKA_BOOTSTRAP=KAFKA_TLS,
        SINERGI_KAFKA_SECURITY_PROTOCOL="SASL_SSL",
        SINERGI_CA_FILE=KAFKA_CA,
        SINERGI_TOPIC_PREFIX=prefix,
    )
    assert settings["bootstrap.servers"] == "kafka.example.go.id:9094"
    assert settings["security.protocol"] == "SASL_SSL"
    assert settings["ssl.truststore.type"] == "PEM"


async def grant_command(*args: str, **env: str) -> tuple[str, dict[str, str]]:
    """`sinergi kafka grant ...` as an operator runs it; its output and the client properties it printed."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SINERGI_")}
    proc = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "sinergi_shared.cli", "kafka", "grant", *args),
        env={**clean, "SINERGI_KAFKA_BOOTSTRAP": KAFKA, **env},
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out = (await proc.communicate())[0].decode()
    assert proc.returncode == 0, out
    return out, dict(line.split("=", 1) for line in out.splitlines() if not line.startswith("#"))
