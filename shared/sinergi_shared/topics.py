"""Create the contract's topics (and their dead-letter topics) before anyone uses them."""

from __future__ import annotations

import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from sinergi_shared.contracts import ALL_TOPICS

log = logging.getLogger(__name__)


def topic_names(prefix: str = "") -> list[str]:
    names = [prefix + t for t in ALL_TOPICS]
    return names + [n + ".dlq" for n in names]


async def ensure_topics(bootstrap: str, prefix: str = "", partitions: int = 3) -> None:
    """Create any missing topic of the contract; existing ones are left as they are."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [n for n in topic_names(prefix) if n not in existing]
        if missing:
            try:
                await admin.create_topics(
                    [NewTopic(name=n, num_partitions=partitions, replication_factor=1) for n in missing]
                )
            except TopicAlreadyExistsError:
                pass
            log.info("topics created", extra={"topics": missing})
    finally:
        await admin.close()
