"""The fault suite's system and world on the three-broker cluster: `make cluster-test` starts the cluster,
points SINERGI_KAFKA_BOOTSTRAP at it and asks for two instances of every process (SINERGI_TEST_INSTANCES)."""

from __future__ import annotations

import os

import pytest

from tests.faults.world import WorldSize, system, world
from tests.support.stack import KAFKA

__all__ = ["on_the_cluster", "system", "world", "world_size"]


@pytest.fixture(scope="module", autouse=True)
def on_the_cluster() -> None:
    """Refuse to inject the cluster's faults into any other stack."""
    if KAFKA != os.environ.get("SINERGI_CLUSTER_BOOTSTRAP") or os.environ.get("SINERGI_TEST_INSTANCES") != "2":
        pytest.exit("tests/cluster runs on the cluster with two instances of every process: `make cluster-test`", 3)


@pytest.fixture(scope="module")
def world_size() -> WorldSize:
    """Seats and staff to spare: four faults of about a minute each would fill tests/faults' 12 cohorts and
    leave the funding saga idle."""
    return WorldSize(cohorts=40, regional_staff=1500)
