"""Create the contract's topics (and their dead-letter topics) before anyone uses them."""

from __future__ import annotations

import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from sinergi_shared.contracts import ALL_TOPICS, T_CIVIL_SERVANTS, T_CLIENTS, T_INSTITUTIONS
from sinergi_shared.kafka import KafkaAccess, admin_client

log = logging.getLogger(__name__)

# The registry's topics carry snapshots keyed by aggregate id: the latest per key is all a replica needs, so they
# are compacted and a new replica can always be built from them. The others (and every .dlq) keep the broker's
# delete policy, 7 days; their history stays in each service's event_log (`sinergi events republish`).
COMPACTED = (T_INSTITUTIONS, T_CIVIL_SERVANTS, T_CLIENTS)
CLEANUP_POLICY = "cleanup.policy"


def topic_names(prefix: str = "") -> list[str]:
    names = [prefix + t for t in ALL_TOPICS]
    return names + [n + ".dlq" for n in names]


def compacted_names(prefix: str = "") -> list[str]:
    return [prefix + t for t in COMPACTED]


def _configs(name: str, prefix: str) -> dict[str, str]:
    return {CLEANUP_POLICY: "compact"} if name in compacted_names(prefix) else {}


class TopicsMissing(Exception):
    """Topics a service needs do not exist (or its principal may not see them): `sinergi kafka setup` not run."""


async def ensure_topics(
    access: KafkaAccess, prefix: str = "", partitions: int = 3, replication_factor: int = 1
) -> None:
    """Create any missing topic of the contract, and compact the registry's topics, new or existing (idempotent)."""
    async with admin_client(access) as admin:
        await create_missing(admin, prefix, partitions, replication_factor)


async def create_missing(admin: AIOKafkaAdminClient, prefix: str, partitions: int, replication_factor: int) -> None:
    """ensure_topics on an admin client already open."""
    existing = set(await admin.list_topics())
    missing = [n for n in topic_names(prefix) if n not in existing]
    if missing:
        try:
            await admin.create_topics(
                [
                    NewTopic(
                        name=n,
                        num_partitions=partitions,
                        replication_factor=replication_factor,
                        topic_configs=_configs(n, prefix),
                    )
                    for n in missing
                ]
            )
        except TopicAlreadyExistsError:
            pass
        log.info("topics created", extra={"topics": missing})
    await _compact(admin, compacted_names(prefix))


async def _compact(admin: AIOKafkaAdminClient, names: list[str]) -> None:
    """Switch topics created before compaction (delete policy) to compact; those already compact are left alone.

    AlterConfigs replaces a topic's dynamic configs as a whole: cleanup.policy is the only one Sinergi sets.
    """
    policies = await _cleanup_policies(admin, names)
    stale = [name for name in names if policies.get(name) != "compact"]
    if not stale:
        return
    await admin.alter_configs(
        [ConfigResource(ConfigResourceType.TOPIC, name, configs={CLEANUP_POLICY: "compact"}) for name in stale]
    )
    log.info("topics compacted", extra={"topics": stale})


async def require_topics(access: KafkaAccess, names: list[str]) -> None:
    """Raise TopicsMissing unless every topic named exists and this principal may see it."""
    async with admin_client(access) as admin:
        visible = set(await admin.list_topics())
    missing = [name for name in names if name not in visible]
    if missing:
        raise TopicsMissing(
            f"topics missing or not granted to {access.username}: {', '.join(missing)}; run `sinergi kafka setup`"
        )


async def cleanup_policies(access: KafkaAccess, names: list[str]) -> dict[str, str]:
    """Each topic's cleanup.policy as the broker reports it."""
    async with admin_client(access) as admin:
        return await _cleanup_policies(admin, names)


async def _cleanup_policies(admin: AIOKafkaAdminClient, names: list[str]) -> dict[str, str]:
    if not names:
        return {}
    responses = await admin.describe_configs(
        [ConfigResource(ConfigResourceType.TOPIC, name, configs={CLEANUP_POLICY: None}) for name in names]
    )
    # Each resource: (error_code, error_message, type, name, [(config name, value, ...), ...]).
    return {
        resource[3]: str(entry[1])
        for response in responses
        for resource in response.resources
        for entry in resource[4]
        if entry[0] == CLEANUP_POLICY
    }
