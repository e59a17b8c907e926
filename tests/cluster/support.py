"""The three-broker cluster of `deploy/stack.sh cluster-up` as the tests see it: who leads, who is in sync,
which relay instance holds its lock."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient

from sinergi_shared.outbox import relay_lock_key
from tests.support.stack import ADMIN, eventually, stack
from tests.support.system import System

# How long a killed or stopped broker stays away before it is started again.
BROKER_AWAY_S = 10.0


async def cluster(command: str, node: int) -> None:
    """deploy/stack.sh cluster-<command> <node>: kill, stop or start one broker."""
    await asyncio.to_thread(stack, f"cluster-{command}", str(node))


async def leader_of(topic: str, partition: int = 0) -> int:
    """The node id of the broker leading a partition, from the cluster's metadata."""
    admin = AIOKafkaAdminClient(**ADMIN.options())
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    [leader] = [p["leader"] for p in described["partitions"] if p["partition"] == partition]
    return int(leader)


async def under_replicated(prefix: str) -> int:
    """Partitions of the system's topics and of the consumer offsets with fewer in-sync replicas than copies."""
    admin = AIOKafkaAdminClient(**ADMIN.options())
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith(prefix) or t == "__consumer_offsets"]
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return sum(
        1 for topic in described for p in topic["partitions"] if p["leader"] < 0 or set(p["isr"]) != set(p["replicas"])
    )


async def fully_replicated(prefix: str, timeout: float = 180.0) -> float:
    """Wait until every partition has all its copies in sync again; seconds taken."""
    started = time.monotonic()

    async def whole() -> bool:
        return not await under_replicated(prefix)

    await eventually(whole, timeout=timeout, interval=0.5)
    return time.monotonic() - started


async def broker_away(system: System, node: int, command: str, away_s: float = BROKER_AWAY_S) -> str:
    """Kill or stop one broker, start it again after away_s; how long until all copies were in sync again."""
    await cluster(command, node)
    await asyncio.sleep(away_s)
    await cluster("start", node)
    in_sync = await fully_replicated(system.prefix)
    return f"every partition back to 3 in-sync copies {in_sync:.1f} s after node {node} started again"


async def relay_instance(system: System, service: str) -> str:
    """The worker key ("funding:relay" or "funding:2:relay") of the relay holding the service's lock."""
    conn = await asyncpg.connect(system.services[service].dsn)
    try:
        port = await conn.fetchval(
            """
            SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.classid = 0 AND l.objsubid = 1 AND l.objid = $1::bigint::oid
              AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """,
            relay_lock_key(service),
        )
    finally:
        await conn.close()
    assert port is not None, f"no {service} relay holds its lock"
    relays = {k: w for k, w in system.workers.items() if k.startswith(f"{service}:") and k.endswith(":relay")}
    for key, relay in relays.items():
        if relay.process is not None and _owns_local_port(relay.process.pid, port):
            return key
    raise AssertionError(f"the {service} relay lock is held from port {port}, by none of {sorted(relays)}")


def _owns_local_port(pid: int, port: int) -> bool:
    """Whether the process has a TCP socket bound to this local port."""
    inodes = {
        fields[9]
        for table in ("/proc/net/tcp", "/proc/net/tcp6")
        for fields in (line.split() for line in Path(table).read_text().splitlines()[1:])
        if int(fields[1].rsplit(":", 1)[1], 16) == port
    }
    try:
        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except FileNotFoundError:  # gone meanwhile
        return False
    return any(link == f"socket:[{inode}]" for inode in inodes for link in links)
