"""Access to the real local stack (Postgres on 55432, Kafka on 9092) for tests."""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer

from sinergi_shared.kafka import KafkaAccess, local_password

REPO = Path(__file__).resolve().parents[2]
PG_ADMIN_DSN = os.environ.get("SINERGI_TEST_PG", "postgresql://sinergi:sinergi@127.0.0.1:55432/postgres")
KAFKA = os.environ.get("SINERGI_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
# The same broker over TLS (SASL_SSL, as production runs it), its certificate signed by the stack's own CA.
KAFKA_TLS = os.environ.get("SINERGI_KAFKA_TLS_BOOTSTRAP", "127.0.0.1:9094")
KAFKA_CA = os.environ.get("SINERGI_TEST_KAFKA_CA", str(REPO / ".stack" / "kafka" / "tls" / "ca.pem"))
# The broker's super user, as an operator's tools use it: tests read and write any topic with it.
ADMIN = KafkaAccess(KAFKA, "admin", local_password("admin"))


async def setup_kafka(prefix: str) -> None:
    """What `sinergi kafka setup` does, for this prefix: the topics, each service's principal and its ACLs."""
    from sinergi_shared import cli

    await cli.setup_kafka(cli.installed_services().values(), ADMIN, prefix)


def stack(*args: str) -> None:
    """Run deploy/stack.sh with the given subcommand (used to inject faults)."""
    subprocess.run(["bash", str(REPO / "deploy" / "stack.sh"), *args], check=True, timeout=180)


def sqlalchemy_url(dsn: str) -> str:
    return dsn.replace("postgresql://", "postgresql+asyncpg://", 1)


async def create_database(label: str) -> str:
    """A fresh empty database; returns its asyncpg DSN."""
    name = f"test_{label}_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_ADMIN_DSN.rsplit("/", 1)[0] + "/" + name


async def drop_database(dsn: str) -> None:
    name = dsn.rsplit("/", 1)[1]
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def migrate(service: str, dsn: str) -> None:
    """Run the service's Alembic migrations to head, as operators do."""
    proc = await asyncio.create_subprocess_exec(
        str(REPO / ".venv" / "bin" / "alembic") if (REPO / ".venv" / "bin" / "alembic").exists() else "alembic",
        "-c",
        str(REPO / "services" / service / "alembic.ini"),
        "-x",
        f"url={sqlalchemy_url(dsn)}",
        "upgrade",
        "head",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=str(REPO),
    )
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"migrations of {service} failed:\n{out.decode()}")


async def collect(topic: str, *, count: int, timeout: float = 30.0, group_id: str | None = None) -> list[Any]:
    """Read messages of a topic from the beginning until count arrived or timeout passed."""
    consumer = AIOKafkaConsumer(
        topic,
        **ADMIN.options(),
        group_id=group_id,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        metadata_max_age_ms=1000,
    )
    await consumer.start()
    records: list[Any] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(records) < count and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for recs in batches.values():
                records.extend(recs)
    finally:
        await consumer.stop()
    return records


def header(record: Any, name: str) -> str | None:
    for key, value in record.headers or ():
        if key == name:
            return value.decode()
    return None


async def eventually(check: Any, *, timeout: float = 30.0, interval: float = 0.2) -> Any:
    """Poll an async check until it returns a truthy value; fail with its last value after timeout."""
    deadline = asyncio.get_running_loop().time() + timeout
    last: Any = None
    while asyncio.get_running_loop().time() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")
