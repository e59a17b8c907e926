"""Periodic jobs (reservation release, approval timeouts), safe to run in several instances."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sinergi_shared.db import transaction

log = logging.getLogger(__name__)

# One run of a job: given the run's unit of work, does what is due and says how many it handled.
Tick = Callable[[AsyncSession], Awaitable[int]]


class PeriodicJob:
    """Runs tick every interval until stopped, each run one unit of work; tick locks its rows (SKIP LOCKED)."""

    def __init__(
        self, name: str, tick: Tick, sessions: async_sessionmaker[AsyncSession], interval_s: float = 1.0
    ) -> None:
        self.name = name
        self._tick = tick
        self._sessions = sessions
        self._interval = interval_s
        self._stopping = asyncio.Event()
        self.handled = 0

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                async with transaction(self._sessions) as session:
                    self.handled += await self._tick(session)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("job failed", extra={"job": self.name})
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=self._interval)
            except TimeoutError:
                pass
