"""Registry fixtures: one running registry (real Postgres + Kafka) and the operator's real token."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.registry.support import OPERATOR_ID, OPERATOR_SECRET, bearer, registry_service
from tests.support.service import RunningService
from tests.support.tokens import TestIssuer


@pytest.fixture(scope="session")
async def registry(topic_prefix: str, issuer: TestIssuer) -> AsyncIterator[RunningService]:
    async with registry_service(topic_prefix, issuer) as svc:
        yield svc


@pytest.fixture
async def operator(registry: RunningService) -> dict[str, str]:
    """A fresh token of the bootstrap operator (admin coordinator read registry:write, at BPSDM Kemendagri)."""
    return await bearer(registry, OPERATOR_ID, OPERATOR_SECRET)
