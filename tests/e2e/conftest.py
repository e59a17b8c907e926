"""The three services as real processes over the real Postgres and Kafka, shared by the e2e tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.system import System, start_system, stop_system


@pytest.fixture(scope="session")
async def system(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[System]:
    log_dir = tmp_path_factory.mktemp("e2e-logs")
    running = await start_system(log_dir, FUNDING_APPROVAL_TIMEOUT_S="3600")
    try:
        yield running
    finally:
        await stop_system(running)
