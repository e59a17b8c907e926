"""The fault suite on three brokers (replication factor 3, min.insync.replicas 2) and two instances of every
service: brokers and service instances die under the steady stream of tests/faults, whose ledger checks
then hold as on one broker."""

from __future__ import annotations

import asyncio

import pytest

from tests.cluster.support import broker_away, leader_of, relay_instance
from tests.faults.checks import Fault, stream_through
from tests.support.system import SERVICES, ServiceProcess, System

pytestmark = pytest.mark.slow

# Longer than a producer waits for a broker's acknowledgement (the relay's request_timeout_ms, 15 s).
PAST_DELIVERY_TIMEOUT_S = 25.0


async def broker_killed(system: System) -> tuple[str, int]:
    in_sync = await broker_away(system, 2, "kill")
    return f"node 2 SIGKILLed, started again 10 s later; {in_sync}", 0


async def partition_leader_killed(system: System) -> tuple[str, int]:
    topic = system.prefix + "enrollment.enrollments"
    leader = await leader_of(topic)
    in_sync = await broker_away(system, leader, "kill")
    return f"node {leader}, leader of {topic}[0], SIGKILLed, started again 10 s later; {in_sync}", 0


async def service_instance_killed(system: System) -> tuple[str, int]:
    """SIGKILL, in each service, the instance whose relay is publishing: its API, relay and consumers."""
    killed: list[ServiceProcess] = []
    names = []
    for service in SERVICES:
        relay = await relay_instance(system, service)
        instance = relay.removesuffix("relay")  # "funding:" or "funding:2:"
        second = instance != f"{service}:"
        doomed = [system.apis[service][int(second)], system.workers[relay], system.workers[instance + "consumers"]]
        for process in doomed:
            await process.stop(9)
        killed += doomed
        names.append(f"{service} #{int(second) + 1}")
    await asyncio.sleep(5)
    for process in killed:
        await process.start()
    return f"SIGKILLed API, lock-holding relay and consumers of {', '.join(names)}; started again 5 s later", 0


async def broker_stopped_past_delivery_timeout(system: System) -> tuple[str, int]:
    in_sync = await broker_away(system, 1, "stop", PAST_DELIVERY_TIMEOUT_S)
    return f"node 1 (first bootstrap address) stopped for {PAST_DELIVERY_TIMEOUT_S:.0f} s; {in_sync}", 0


FAULTS: list[tuple[str, Fault]] = [
    ("broker_killed", broker_killed),
    ("partition_leader_killed", partition_leader_killed),
    ("service_instance_killed", service_instance_killed),
    ("broker_stopped_past_delivery_timeout", broker_stopped_past_delivery_timeout),
]


@pytest.mark.parametrize(("name", "fault"), FAULTS, ids=[n for n, _ in FAULTS])
async def test_invariants_hold_on_the_cluster(
    system: System, world: dict[str, object], name: str, fault: Fault
) -> None:
    await stream_through(system, world, name, fault)
