"""Periodic jobs of the funding service."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from funding.config import active_settings
from funding.service.saga import expire_overdue
from sinergi_shared.db import transaction


async def expire_overdue_approvals(sessions: async_sessionmaker[AsyncSession]) -> int:
    """One tick: reject requests awaiting approval past their deadline (approval_timeout)."""
    handled = 0
    while True:
        async with transaction(sessions) as session:
            count = await expire_overdue(session, settings=active_settings())
        handled += count
        if count < 100:
            return handled
