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
    """Runs tick every interval until stopped, each run one unit of work; tick locks its rows (SKIP LOCKED).

    A run that handled something is followed at once by the next, so a backlog drains in bounded units of
    work; a run with nothing to do waits the interval. A tick handles only what it leaves no longer due.
    """

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
            handled = 0
            try:
                async with transaction(self._sessions) as session:
                    handled = await self._tick(session)
                self.handled += handled
            except asyncio.CancelledError:
                raise
            except Exception:
                handled = 0
                log.exception("job failed", extra={"job": self.name})
            if handled:
                continue
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=self._interval)
            except TimeoutError:
                pass
