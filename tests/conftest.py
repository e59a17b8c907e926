"""Fixtures over the real local stack; `make test` starts it before pytest runs."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from tests.support.stack import KAFKA, PG_ADMIN_DSN
from tests.support.tokens import TestIssuer

# tests/cluster needs the three-broker cluster (`make cluster-test` starts it and sets this): not collected
# by a plain `pytest`.
collect_ignore = [] if os.environ.get("SINERGI_CLUSTER_BOOTSTRAP") else ["cluster"]


@pytest.fixture(scope="session", autouse=True)
def real_stack() -> None:
    """Fail fast, with the fix, when Postgres or Kafka is not running."""

    async def probe() -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
        await conn.close()
        host, port = KAFKA.split(",")[0].rsplit(":", 1)
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 5)
        writer.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # pragma: no cover - environment guard
        pytest.exit(f"the local stack is not running ({exc}); start it with `make stack-up`", returncode=3)


@pytest.fixture(scope="session")
def topic_prefix() -> str:
    """Topics of this test session are isolated from every other run."""
    return f"t{uuid.uuid4().hex[:8]}."


@pytest.fixture(scope="session")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestIssuer]:
    yield TestIssuer(Path(tmp_path_factory.mktemp("jwks")))
