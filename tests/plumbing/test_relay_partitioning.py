"""The relay packs its own record batches: its partition choice must be aiokafka's default, key for key."""

from __future__ import annotations

from aiokafka.partitioner import DefaultPartitioner, murmur2
from hypothesis import given
from hypothesis import strategies as st

from sinergi_shared.outbox import kafka_murmur2


@given(st.binary(max_size=200))
def test_relay_murmur2_equals_kafkas(data: bytes) -> None:
    assert kafka_murmur2(data) == murmur2(data)


@given(st.uuids(), st.integers(min_value=1, max_value=64))
def test_an_aggregate_lands_on_the_partition_the_default_partitioner_picks(key: object, count: int) -> None:
    raw = str(key).encode()
    partitions = list(range(count))
    assert partitions[(kafka_murmur2(raw) & 0x7FFFFFFF) % count] == DefaultPartitioner()(raw, partitions, partitions)
