"""The fault suite's system and world (tests/faults/world.py), at the size its five faults need."""

from __future__ import annotations

import pytest

from tests.faults.world import WorldSize, system, world

__all__ = ["system", "world", "world_size"]


@pytest.fixture(scope="module")
def world_size() -> WorldSize:
    return WorldSize()
